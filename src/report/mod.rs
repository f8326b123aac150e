//! `linkscore report`: one self-contained HTML page for people who look
//! rather than read (SPEC "Reports"). The page is a pure function of a
//! scored run (and, with `--previous`, of its comparison with the year
//! before): no clock, no network, no script; charts are SVG drawn by
//! [`svg`]; every text from the rubric or the data is escaped.
//!
//! The markup is written as well-formed XML (every element closed, every
//! attribute quoted, no named entities but the five of XML), so the tests
//! parse the whole page, not only its charts.

mod dynamics;
mod figures;
mod linkages;
mod map;
mod panel;
mod spatial;
pub mod svg;
mod tables;

use figures::median_of;
pub use figures::{GroupMeans, group_means, histogram_bins};
pub use map::{QUINTILE_COLOURS, check as check_map};
pub use panel::PanelFigures;

use crate::diff::Comparison;
use crate::engine::Scored;
use crate::lang::Lang;
use crate::util::{rounded, signed};
use std::fmt::Write as _;
use svg::esc;

/// Colours of dimensions and series (Tableau 10, readable in print).
pub const PALETTE: [&str; 10] = [
    "#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac",
];

/// Grade colours from the best band to the worst.
const GRADE_COLOURS: [&str; 6] = ["#2e7d32", "#7cb342", "#f9a825", "#ef6c00", "#c62828", "#6d1b1b"];

const UP: &str = "#2e7d32";
const DOWN: &str = "#c62828";

/// What the page shows beyond the scored run.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// The page's title (default: the rubric's name).
    pub title: Option<String>,
    /// The data files, as named on the command line.
    pub inputs: Vec<String>,
    /// The previous year's file, with `--previous`.
    pub previous: Option<String>,
    /// Units asked for with `--unit`, as indices into the scored table.
    pub units: Vec<usize>,
    /// How many risers and fallers the changes section names.
    pub movers: usize,
    /// `--uncertainty`: the runs, and per unit its rank interval over them.
    pub uncertainty: Option<(usize, Vec<Option<crate::sensitivity::Interval>>)>,
    /// With a panel: the periods' trend and disparity.
    pub panel: Option<PanelFigures>,
    /// With `--map`: the units' polygons, drawn coloured by grade (or quintile).
    pub map: Option<crate::shapes::Shapes>,
    /// With `--neighbours`: Moran's I and the LISA clusters of the reported scores.
    pub spatial: Option<crate::spatial::Period>,
}

/// The section ids, in page order (the tests look for each). `coupling`
/// is there when the rubric has `[coupling]`, `changes` with `--previous`
/// or a panel, `trend`, `disparity` and `dynamics` with a panel, `map` with
/// `--map`, `spatial` with `--neighbours`.
pub const SECTIONS: [&str; 16] = [
    "summary",
    "rubric",
    "distribution",
    "grades",
    "profiles",
    "groups",
    "map",
    "spatial",
    "linkages",
    "coupling",
    "obstacles",
    "changes",
    "trend",
    "disparity",
    "dynamics",
    "ranking",
];

/// The whole page.
pub fn render(scored: &Scored, comparison: Option<&Comparison>, options: &Options) -> String {
    let page = Page {
        s: scored,
        lang: scored.rubric.lang(),
        comparison,
        options,
        group_order: figures::groups(scored),
    };
    page.render()
}

struct Page<'a> {
    s: &'a Scored<'a>,
    lang: Lang,
    comparison: Option<&'a Comparison<'a>>,
    options: &'a Options,
    /// The groups, best mean score first (every per-group table lists them so).
    group_order: Vec<figures::Group>,
}

/// A score on 0..1 as people read it (× scale, two decimals).
fn score_text(v: Option<f64>, scale: f64) -> String {
    v.map_or_else(|| "—".to_string(), |v| rounded(v * scale, 2))
}

impl<'a> Page<'a> {
    fn t(&self, en: &'a str, zh: &'a str) -> &'a str {
        self.lang.pick(en, zh)
    }

    fn scale(&self) -> f64 {
        self.s.rubric.scale
    }

    /// "id label" of a unit.
    fn name(&self, u: usize) -> String {
        let table = self.s.table;
        match table.label(u).filter(|l| !l.is_empty()) {
            Some(l) => format!("{} {l}", table.id(u)),
            None => table.id(u).to_string(),
        }
    }

    /// Scored units in rank order.
    fn ranked(&self) -> Vec<usize> {
        self.s
            .order
            .iter()
            .copied()
            .filter(|&u| self.s.score(u).is_some())
            .collect()
    }

    fn title(&self) -> String {
        self.options.title.clone().unwrap_or_else(|| self.s.rubric.name.clone())
    }

    fn render(&self) -> String {
        let mut out = String::with_capacity(64 * 1024 + self.s.len() * 512);
        let lang = self.lang.pick("en", "zh-CN");
        let _ = write!(
            out,
            "<!DOCTYPE html>\n<html lang=\"{lang}\">\n<head>\n<meta charset=\"utf-8\"/>\n\
             <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>\n\
             <meta name=\"generator\" content=\"linkscore {}\"/>\n<title>{}</title>\n<style>{}</style>\n</head>\n<body>\n",
            env!("CARGO_PKG_VERSION"),
            esc(&self.title()),
            CSS
        );
        self.header(&mut out);
        self.rubric_section(&mut out);
        out.push_str("<div class=\"pair\">\n");
        self.distribution(&mut out);
        self.grades(&mut out);
        out.push_str("</div>\n");
        self.profiles(&mut out);
        self.groups(&mut out);
        self.map(&mut out);
        self.spatial(&mut out);
        self.linkages(&mut out);
        self.coupling(&mut out);
        self.obstacles(&mut out);
        self.changes(&mut out);
        self.trend(&mut out);
        self.disparity(&mut out);
        self.dynamics(&mut out);
        self.ranking(&mut out);
        self.footer(&mut out);
        out.push_str("</body>\n</html>\n");
        out
    }

    fn section_open(&self, out: &mut String, id: &str, title: &str) {
        let _ = write!(out, "<section id=\"{id}\">\n<h2>{}</h2>\n", esc(title));
    }

    fn header(&self, out: &mut String) {
        let r = self.s.rubric;
        let _ = write!(out, "<header>\n<h1>{}</h1>\n", esc(&self.title()));
        let mut facts = vec![];
        if self.options.title.is_some() {
            facts.push(esc(&r.name));
        }
        if !r.version.is_empty() {
            facts.push(format!("{} {}", self.t("version", "版本"), esc(&r.version)));
        }
        let inputs = self
            .options
            .inputs
            .iter()
            .map(|p| esc(p))
            .collect::<Vec<_>>()
            .join(", ");
        facts.push(format!("{}{inputs}", self.t("data: ", "数据：")));
        if let Some(prev) = &self.options.previous {
            facts.push(format!("{}{}", self.t("previous: ", "上期："), esc(prev)));
        }
        let _ = writeln!(out, "<p class=\"meta\">{}</p>\n</header>", facts.join(" · "));

        self.section_open(out, "summary", self.t("At a glance", "概览"));
        let ranked = self.ranked();
        let scale = self.scale();
        let mut scores: Vec<f64> = ranked
            .iter()
            .filter_map(|&u| self.s.score(u))
            .map(|v| v * scale)
            .collect();
        crate::stats::sort_total(&mut scores);
        let mean = (!scores.is_empty()).then(|| crate::stats::mean(&scores));
        let mut cards: Vec<(String, String, String)> = vec![
            (
                self.t("units", "评估单位").to_string(),
                self.s.len().to_string(),
                if ranked.len() < self.s.len() {
                    format!(
                        "{} {}",
                        self.s.len() - ranked.len(),
                        self.t("without a score", "个无得分")
                    )
                } else {
                    String::new()
                },
            ),
            (
                self.t("mean score", "平均分").to_string(),
                mean.map_or("—".into(), |m| rounded(m, 2)),
                format!(
                    "{} {}",
                    self.t("median", "中位数"),
                    median_of(&scores).map_or("—".into(), |m| rounded(m, 2))
                ),
            ),
        ];
        if let (Some(&best), Some(&worst)) = (ranked.first(), ranked.last()) {
            cards.push((
                self.t("best", "最高").to_string(),
                score_text(self.s.score(best), scale),
                self.name(best),
            ));
            cards.push((
                self.t("lowest", "最低").to_string(),
                score_text(self.s.score(worst), scale),
                self.name(worst),
            ));
        }
        if let Some(c) = self.comparison {
            let summary = c.summary(0);
            cards.push((
                self.t("mean change", "平均变化").to_string(),
                summary.mean_score_change.map_or("—".into(), |m| signed(m, 2)),
                format!(
                    "{} {} · {} {} · {} {}",
                    self.t("kept", "保留"),
                    summary.kept,
                    self.t("new", "新增"),
                    summary.new,
                    self.t("gone", "消失"),
                    summary.gone
                ),
            ));
        }
        out.push_str("<div class=\"cards\">\n");
        for (what, value, note) in cards {
            let _ = writeln!(
                out,
                "<div class=\"card\"><div class=\"what\">{}</div><div class=\"big\">{}</div><div class=\"note\">{}</div></div>",
                esc(&what),
                esc(&value),
                esc(&note)
            );
        }
        out.push_str("</div>\n</section>\n");
    }

    fn rubric_section(&self, out: &mut String) {
        let r = self.s.rubric;
        let w = &self.s.weights;
        self.section_open(out, "rubric", self.t("Rubric and weights", "评价体系与权重"));
        if let Some(d) = &r.description {
            let _ = writeln!(out, "<p>{}</p>", esc(d));
        }
        let method = match r.method {
            crate::rubric::Method::Topsis => "TOPSIS",
            _ => self.t("weighted sum", "加权综合"),
        };
        let grades = if r.grades.is_empty() {
            "—".to_string()
        } else {
            r.grades
                .iter()
                .map(|g| format!("{} ≥ {}", g.name, crate::util::lossless(g.min)))
                .collect::<Vec<_>>()
                .join(", ")
        };
        let facts = [
            (self.t("indicators", "指标数"), r.indicators.len().to_string()),
            (self.t("dimensions", "维度数"), r.dimensions.len().to_string()),
            (
                self.t("weighting", "赋权方法"),
                w.method.words().get(self.lang).to_string(),
            ),
            (self.t("method", "综合方法"), method.to_string()),
            (
                self.t("missing values", "缺失值处理"),
                r.missing.words().get(self.lang).to_string(),
            ),
            (self.t("scale", "满分"), crate::util::lossless(r.scale)),
            (self.t("grades", "等级"), grades),
        ];
        out.push_str("<div class=\"row\">\n<dl class=\"facts\">");
        for (k, v) in facts {
            let _ = write!(out, "<dt>{}</dt><dd>{}</dd>", esc(k), esc(&v));
        }
        out.push_str("</dl>\n<figure>\n");
        let bars: Vec<svg::Bar> = r
            .dimensions
            .iter()
            .enumerate()
            .map(|(d, dim)| {
                let weight = w.dimension.get(d).copied().unwrap_or(0.0);
                svg::Bar {
                    label: dim.name.clone(),
                    value: weight,
                    color: PALETTE[d % PALETTE.len()].to_string(),
                    text: format!("{}%", rounded(weight * 100.0, 1)),
                }
            })
            .collect();
        out.push_str(&svg::bars(&bars, 0.0, self.t("Dimension weights", "维度权重")));
        let _ = writeln!(
            out,
            "\n<figcaption>{}</figcaption>\n</figure>\n</div>",
            self.t("Dimension weights", "维度权重")
        );
        // Indicators, dimension by dimension.
        let _ = write!(
            out,
            "<details>\n<summary>{}</summary>\n<table class=\"data\">\n<thead><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th class=\"num\">{}</th></tr></thead>\n<tbody>\n",
            esc(&format!("{} ({})", self.t("Indicators", "指标"), r.indicators.len())),
            self.t("dimension", "维度"),
            self.t("indicator", "指标"),
            self.t("unit", "单位"),
            self.t("direction", "方向"),
            self.t("goalposts", "目标值区间"),
            self.t("linkage", "衔接"),
            self.t("global weight", "全局权重"),
        );
        for (d, dim) in r.dimensions.iter().enumerate() {
            for &i in &dim.indicators {
                let Some(ind) = r.indicators.get(i) else { continue };
                let direction = if ind.direction == crate::rubric::Direction::Lower {
                    self.t("lower is better", "逆向")
                } else {
                    self.t("higher is better", "正向")
                };
                let goalposts = ind.goalposts.map_or("—".to_string(), |(lo, hi)| {
                    format!("{} – {}", crate::util::lossless(lo), crate::util::lossless(hi))
                });
                let linkage = ind
                    .linkage
                    .and_then(|l| r.linkages.get(l))
                    .map_or(String::new(), |l| l.name.clone());
                let _ = writeln!(
                    out,
                    "<tr><td><span class=\"sw\" style=\"background:{}\"></span>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td class=\"num\">{}%</td></tr>",
                    PALETTE[d % PALETTE.len()],
                    esc(&dim.name),
                    esc(&ind.name),
                    esc(&ind.unit),
                    direction,
                    esc(&goalposts),
                    esc(&linkage),
                    rounded(w.global.get(i).copied().unwrap_or(0.0) * 100.0, 2)
                );
            }
        }
        out.push_str("</tbody>\n</table>\n</details>\n</section>\n");
    }

    fn distribution(&self, out: &mut String) {
        let scale = self.scale();
        self.section_open(out, "distribution", self.t("Score distribution", "得分分布"));
        let scores: Vec<f64> = self
            .ranked()
            .iter()
            .filter_map(|&u| self.s.score(u))
            .map(|v| v * scale)
            .collect();
        let (counts, lo, width) = histogram_bins(&scores, scale, 20);
        let marks: Vec<svg::Mark> = self
            .s
            .rubric
            .grades
            .iter()
            .map(|g| svg::Mark {
                at: g.min,
                label: format!("{} ≥ {}", g.name, crate::util::lossless(g.min)),
            })
            .collect();
        let title = self.t("Units per score band", "各分数段单位数");
        let _ = writeln!(
            out,
            "<figure>\n{}\n<figcaption>{} ({} {}; {})</figcaption>\n</figure>",
            svg::histogram(&counts, lo, width, &marks, title, PALETTE[0]),
            esc(title),
            self.t("band width", "组距"),
            rounded(width, 2),
            self.t("dashed lines: grade thresholds", "虚线为等级分界")
        );
        out.push_str("</section>\n");
    }

    fn grades(&self, out: &mut String) {
        let r = self.s.rubric;
        self.section_open(out, "grades", self.t("Grades", "等级分布"));
        if r.grades.is_empty() {
            let _ = writeln!(
                out,
                "<p>{}</p>",
                self.t("The rubric defines no grades.", "评价体系未设等级。")
            );
            out.push_str("</section>\n");
            return;
        }
        let mut counts = vec![0usize; r.grades.len()];
        let mut none = 0;
        for u in 0..self.s.len() {
            match self.s.grade(u) {
                Some(g) if g < counts.len() => counts[g] += 1,
                _ => none += 1,
            }
        }
        let total = self.s.len().max(1) as f64;
        let mut bars: Vec<svg::Bar> = r
            .grades
            .iter()
            .enumerate()
            .map(|(g, grade)| svg::Bar {
                label: grade.name.clone(),
                value: counts[g] as f64,
                color: grade_colour(g, r.grades.len()).to_string(),
                text: format!("{} ({}%)", counts[g], rounded(counts[g] as f64 / total * 100.0, 1)),
            })
            .collect();
        if none > 0 {
            bars.push(svg::Bar {
                label: self.t("no grade", "无等级").to_string(),
                value: none as f64,
                color: "#9e9e9e".to_string(),
                text: format!("{none} ({}%)", rounded(none as f64 / total * 100.0, 1)),
            });
        }
        let title = self.t("Units per grade", "各等级单位数");
        figure(out, &svg::bars(&bars, 0.0, title), title);
        out.push_str("</section>\n");
    }

    /// The units drawn on the radar: best, median and worst, then `--unit`s,
    /// each once (a unit in two roles is named by both).
    fn profile_units(&self) -> Vec<(usize, String)> {
        let ranked = self.ranked();
        let mut picked: Vec<(usize, String)> = Vec::new();
        let mut add = |u: usize, role: String| match picked.iter_mut().find(|(v, _)| *v == u) {
            Some((_, roles)) => {
                roles.push_str(" / ");
                roles.push_str(&role);
            }
            None => picked.push((u, role)),
        };
        if let (Some(&best), Some(&worst)) = (ranked.first(), ranked.last()) {
            add(best, self.t("best", "最高").to_string());
            if let Some(&median) = ranked.get((ranked.len() - 1) / 2) {
                add(median, self.t("median", "中位").to_string());
            }
            add(worst, self.t("lowest", "最低").to_string());
        }
        for &u in &self.options.units {
            add(u, self.t("selected", "指定").to_string());
        }
        picked
    }

    fn profiles(&self, out: &mut String) {
        let r = self.s.rubric;
        let scale = self.scale();
        self.section_open(out, "profiles", self.t("Dimension profiles", "维度画像"));
        let picked = self.profile_units();
        let colours = [
            UP, PALETTE[0], DOWN, PALETTE[1], PALETTE[6], PALETTE[3], PALETTE[8], PALETTE[5],
        ];
        let series: Vec<svg::Series> = picked
            .iter()
            .enumerate()
            .map(|(k, (u, role))| svg::Series {
                name: format!("{role}: {}", self.name(*u)),
                values: (0..r.dimensions.len())
                    .map(|d| self.s.dimension(*u, d).map(|v| v * scale))
                    .collect(),
                color: colours[k % colours.len()].to_string(),
            })
            .collect();
        let axes: Vec<String> = r.dimensions.iter().map(|d| d.name.clone()).collect();
        let title = self.t("Dimension profile", "五维画像");
        let chart = if axes.len() >= 3 {
            svg::radar(&axes, &series, scale, title)
        } else {
            let names: Vec<String> = series.iter().map(|s| s.name.clone()).collect();
            let legend: Vec<(String, String)> = axes
                .iter()
                .enumerate()
                .map(|(d, a)| (a.clone(), PALETTE[d % PALETTE.len()].to_string()))
                .collect();
            let values: Vec<Vec<Option<f64>>> = series.iter().map(|s| s.values.clone()).collect();
            svg::grouped_bars(&names, &legend, &values, scale, title)
        };
        if axes.len() < 3 {
            // Bars instead of a radar: their colours are the dimensions'.
            out.push_str("<p class=\"legend\">");
            for (d, name) in axes.iter().enumerate() {
                let _ = write!(
                    out,
                    "<span><span class=\"sw\" style=\"background:{}\"></span>{}</span> ",
                    PALETTE[d % PALETTE.len()],
                    esc(name)
                );
            }
            out.push_str("</p>\n");
        }
        out.push_str("<div class=\"row\">\n<figure>\n");
        out.push_str(&chart);
        let _ = writeln!(out, "\n<figcaption>{}</figcaption>\n</figure>", esc(title));
        // The same numbers as a table, with a colour key.
        let _ = write!(
            out,
            "<table class=\"data profile\">\n<thead><tr><th>{}</th><th class=\"num\">{}</th><th class=\"num\">{}</th>",
            self.t("unit", "单位"),
            self.t("rank", "排名"),
            self.t("score", "总分")
        );
        for d in &r.dimensions {
            let _ = write!(out, "<th class=\"num\">{}</th>", esc(&d.name));
        }
        out.push_str("</tr></thead>\n<tbody>\n");
        for (k, (u, role)) in picked.iter().enumerate() {
            let colour = if axes.len() >= 3 {
                colours[k % colours.len()]
            } else {
                "#777"
            };
            let _ = write!(
                out,
                "<tr><td><span class=\"sw\" style=\"background:{colour}\"></span>{}: {}</td><td class=\"num\">{}</td><td class=\"num\">{}</td>",
                esc(role),
                esc(&self.name(*u)),
                self.s.rank(*u).map_or("—".into(), |v| v.to_string()),
                score_text(self.s.score(*u), scale)
            );
            for d in 0..r.dimensions.len() {
                let _ = write!(
                    out,
                    "<td class=\"num\">{}</td>",
                    score_text(self.s.dimension(*u, d), scale)
                );
            }
            out.push_str("</tr>\n");
        }
        out.push_str("</tbody>\n</table>\n</div>\n</section>\n");
    }

    fn groups(&self, out: &mut String) {
        let r = self.s.rubric;
        self.section_open(out, "groups", self.t("Dimension averages by group", "各组维度均值"));
        let Some(group_column) = &r.group_column else {
            let _ = writeln!(
                out,
                "<p>{}</p>\n</section>",
                self.t(
                    "The rubric names no group column, so there are no groups to compare.",
                    "评价体系未设分组列，无分组比较。"
                )
            );
            return;
        };
        let stats = group_means(self.s);
        let scale = self.scale();
        let names: Vec<String> = stats.iter().map(|g| g.name.clone()).collect();
        let series: Vec<(String, String)> = r
            .dimensions
            .iter()
            .enumerate()
            .map(|(d, dim)| (dim.name.clone(), PALETTE[d % PALETTE.len()].to_string()))
            .collect();
        let values: Vec<Vec<Option<f64>>> = stats
            .iter()
            .map(|g| g.dimensions.iter().map(|v| v.map(|v| v * scale)).collect())
            .collect();
        let title = format!(
            "{} ({})",
            self.t("Dimension averages by group", "各组维度均值"),
            group_column
        );
        let _ = writeln!(
            out,
            "<p>{}</p>",
            self.t("Groups by mean score, best first.", "各组按平均总分从高到低排列。")
        );
        out.push_str("<p class=\"legend\">");
        for (name, colour) in &series {
            let _ = write!(
                out,
                "<span><span class=\"sw\" style=\"background:{colour}\"></span>{}</span> ",
                esc(name)
            );
        }
        out.push_str("</p>\n<div class=\"row\">\n<figure>\n");
        out.push_str(&svg::grouped_bars(&names, &series, &values, scale, &title));
        let _ = writeln!(out, "\n<figcaption>{}</figcaption>\n</figure>", esc(&title));
        let _ = write!(
            out,
            "<table class=\"data\" id=\"group-table\">\n<thead><tr><th>{}</th><th class=\"num\">{}</th><th class=\"num\">{}</th>",
            esc(group_column),
            self.t("units", "单位数"),
            self.t("mean score", "平均总分")
        );
        for d in &r.dimensions {
            let _ = write!(out, "<th class=\"num\">{}</th>", esc(&d.name));
        }
        out.push_str("</tr></thead>\n<tbody>\n");
        for g in &stats {
            let _ = write!(
                out,
                "<tr><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td>",
                esc(&g.name),
                g.units,
                score_text(g.score, scale)
            );
            for v in &g.dimensions {
                let _ = write!(out, "<td class=\"num\">{}</td>", score_text(*v, scale));
            }
            out.push_str("</tr>\n");
        }
        out.push_str("</tbody>\n</table>\n</div>\n</section>\n");
    }

    fn footer(&self, out: &mut String) {
        out.push_str("<footer>\n");
        if !self.s.warnings.is_empty() {
            let _ = writeln!(out, "<h3>{}</h3>\n<ul class=\"warnings\">", self.t("Warnings", "提示"));
            for w in &self.s.warnings {
                let _ = writeln!(out, "<li>{}</li>", esc(w));
            }
            out.push_str("</ul>\n");
        }
        let r = self.s.rubric;
        let _ = writeln!(
            out,
            "<p>linkscore {} · {} {} · {} sha256 {}</p>\n</footer>",
            env!("CARGO_PKG_VERSION"),
            self.t("rubric", "评价体系"),
            esc(&r.source.path),
            self.t("rubric", "评价体系"),
            &r.source.sha256[..r.source.sha256.len().min(12)]
        );
    }
}

/// A chart with its caption.
fn figure(out: &mut String, chart: &str, title: &str) {
    let _ = writeln!(
        out,
        "<figure>\n{chart}\n<figcaption>{}</figcaption>\n</figure>",
        esc(title)
    );
}

/// The position of a grade by name (best first); unknown names after all.
fn grade_index(r: &crate::rubric::Rubric, name: &str) -> usize {
    r.grades.iter().position(|g| g.name == name).unwrap_or(r.grades.len())
}

/// The colour of grade `g` of `n`, spread from green (best) to red (worst).
fn grade_colour(g: usize, n: usize) -> &'static str {
    let last = GRADE_COLOURS.len() - 2;
    if n <= 1 {
        return GRADE_COLOURS[0];
    }
    let k = (g * last + (n - 1) / 2) / (n - 1);
    GRADE_COLOURS[k.min(last)]
}

/// The page's style: a system CJK font stack (no web fonts), print-friendly.
const CSS: &str = r#"
:root { --ink: #1f2933; --muted: #61707f; --line: #d9dee3; --band: #f4f6f8; }
* { box-sizing: border-box; }
body { margin: 0 auto; max-width: 1200px; padding: 24px 32px 48px; color: var(--ink); background: #fff;
  font-family: "PingFang SC", "Hiragino Sans GB", "Microsoft YaHei", "Noto Sans CJK SC", "Source Han Sans SC",
    "WenQuanYi Micro Hei", "Noto Sans SC", sans-serif;
  font-size: 15px; line-height: 1.5; }
h1 { font-size: 26px; margin: 0 0 4px; }
h2 { font-size: 20px; margin: 32px 0 12px; padding-bottom: 4px; border-bottom: 2px solid var(--ink); }
h3 { font-size: 16px; }
.meta { color: var(--muted); margin: 0; }
.cards { display: flex; flex-wrap: wrap; gap: 12px; }
.card { flex: 1 1 160px; background: var(--band); border-radius: 6px; padding: 10px 14px; }
.card .what { color: var(--muted); font-size: 13px; }
.card .big { font-size: 26px; font-weight: bold; }
.card .note { font-size: 13px; }
.facts { display: grid; grid-template-columns: max-content minmax(12em, max-content); gap: 2px 16px; margin: 8px 0 12px;
  align-content: start; }
.facts dt { color: var(--muted); }
.facts dd { margin: 0; }
.pair { display: grid; grid-template-columns: 1fr 1fr; gap: 0 32px; }
.pair svg.chart { width: 100%; }
.row { display: flex; flex-wrap: wrap; gap: 24px; align-items: flex-start; }
figure { margin: 8px 0 16px; }
figcaption { color: var(--muted); font-size: 13px; }
svg.chart { display: block; max-width: 100%; height: auto; }
svg text { fill: var(--ink); font-size: 12px; }
svg text.label { font-size: 13px; }
svg text.tick, svg text.small { font-size: 11px; fill: var(--muted); }
svg text.mark-label { font-size: 11px; fill: #8a3c00; }
svg .grid { stroke: var(--line); stroke-width: 1; fill: none; }
svg .axis { stroke: var(--ink); stroke-width: 1; }
svg .mark { stroke: #8a3c00; stroke-width: 1; stroke-dasharray: 4 3; }
table.data { border-collapse: collapse; font-size: 13px; margin: 8px 0 16px; }
table.data th, table.data td { border-bottom: 1px solid var(--line); padding: 3px 6px; text-align: left; }
table.data th { background: var(--band); position: sticky; top: 0; }
table.data th, table.data td { white-space: nowrap; }
.scroll { overflow-x: auto; }
table.data .num { text-align: right; font-variant-numeric: tabular-nums; }
table.data td.weak { background: #fde8e8; color: #c62828; font-weight: bold; }
table.data tbody tr:nth-child(even) { background: #fafbfc; }
.up { color: #2e7d32; }
.down { color: #c62828; }
.grade.g0 { font-weight: bold; }
.sw { display: inline-block; width: 10px; height: 10px; margin-right: 6px; border-radius: 2px; }
.legend span { margin-right: 12px; white-space: nowrap; }
details summary { cursor: pointer; color: var(--muted); }
footer { margin-top: 40px; color: var(--muted); font-size: 12px; border-top: 1px solid var(--line); }
@media (max-width: 900px) { .pair { grid-template-columns: 1fr; } }
@media print { body { padding: 0; } section { break-inside: avoid-page; } table.data th { position: static; } }
"#;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grade_colours_run_green_to_red() {
        assert_eq!(grade_colour(0, 4), "#2e7d32");
        assert_eq!(grade_colour(3, 4), "#c62828");
        assert_eq!(grade_colour(0, 1), "#2e7d32");
        assert_eq!(grade_colour(1, 2), "#c62828");
    }
}
