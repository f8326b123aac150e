//! The report's sections on the seed's subject: the linkages (衔接), the
//! coupling coordination of the dimensions, and the obstacles. The numbers
//! come from [`super::figures`]; groups are listed best mean score first.

use super::figures::{band_counts, linkage_means, most_frequent, obstacle_counts, weakest};
use super::{DOWN, PALETTE, Page, esc, figure, score_text, svg};
use crate::engine::COORDINATION_GRADES;
use crate::util::rounded;
use std::fmt::Write as _;

/// Colours of the coordination bands, lowest first (ColorBrewer RdYlGn).
const BAND_COLOURS: [&str; 10] = [
    "#a50026", "#d73027", "#f46d43", "#fdae61", "#fee08b", "#d9ef8b", "#a6d96a", "#66bd63", "#1a9850", "#006837",
];

/// Most indicators the obstacle chart names.
const OBSTACLE_BARS: usize = 10;

/// `part` of `whole` in percent, one decimal ("0.0%" of nothing).
fn percent(part: usize, whole: usize) -> String {
    format!("{}%", rounded(part as f64 / whole.max(1) as f64 * 100.0, 1))
}

impl Page<'_> {
    /// The group column's name, for table headings.
    fn group_heading(&self) -> String {
        self.s
            .rubric
            .group_column
            .clone()
            .unwrap_or_else(|| self.t("group", "分组").to_string())
    }

    pub(super) fn linkages(&self, out: &mut String) {
        let r = self.s.rubric;
        let scale = self.scale();
        self.section_open(out, "linkages", self.t("Linkages", "衔接情况"));
        if r.linkages.is_empty() {
            let _ = writeln!(
                out,
                "<p>{}</p>\n</section>",
                self.t(
                    "The rubric defines no linkages: give indicators a `linkage` to see how each mechanism carries over.",
                    "评价体系未设衔接（linkage），无衔接分析。"
                )
            );
            return;
        }
        let means = linkage_means(self.s, &self.group_order);
        let name = |l: usize| r.linkages.get(l).map_or("", |l| l.name.as_str());
        let overall_weakest = weakest(&means.overall);
        let mut intro = self
            .t(
                "A linkage's value is the weighted mean of its indicators' normalized values (reported, not part of the score); shown here averaged over the units.",
                "衔接得分为其所含指标标准化值的加权平均（只报告，不计入总分），此处为各单位的平均值。",
            )
            .to_string();
        if let Some(l) = overall_weakest {
            let v = score_text(means.overall.get(l).copied().flatten(), scale);
            let line = if self.lang.is_chinese() {
                format!("总体最弱：{}（{v}）。", name(l))
            } else {
                format!(" Weakest overall: {} ({v}).", name(l))
            };
            intro.push_str(&line);
        }
        let _ = writeln!(out, "<p>{}</p>", esc(&intro));
        let bars: Vec<svg::Bar> = means
            .overall
            .iter()
            .enumerate()
            .map(|(l, v)| svg::Bar {
                label: name(l).to_string(),
                value: v.map_or(0.0, |v| v * scale),
                color: if Some(l) == overall_weakest { DOWN } else { PALETTE[0] }.to_string(),
                text: score_text(*v, scale),
            })
            .collect();
        let title = self.t("Mean value per linkage", "各项衔接平均得分");
        let _ = writeln!(
            out,
            "<figure>\n{}\n<figcaption>{} ({})</figcaption>\n</figure>",
            svg::bars(&bars, scale, title),
            esc(title),
            self.t("red: the weakest", "红色为最弱")
        );
        self.linkage_table(out, &means);
        if !self.group_order.is_empty() {
            let _ = write!(
                out,
                "<table class=\"data\" id=\"weakest-linkages\">\n<thead><tr><th>{}</th><th class=\"num\">{}</th><th>{}</th><th class=\"num\">{}</th></tr></thead>\n<tbody>\n",
                esc(&self.group_heading()),
                self.t("units", "单位数"),
                self.t("weakest linkage", "最弱衔接"),
                self.t("its mean", "平均得分")
            );
            for (g, row) in self.group_order.iter().zip(&means.groups) {
                let (link, value) = match weakest(row) {
                    Some(l) => (name(l), score_text(row.get(l).copied().flatten(), scale)),
                    None => ("—", "—".to_string()),
                };
                let _ = writeln!(
                    out,
                    "<tr><td>{}</td><td class=\"num\">{}</td><td>{}</td><td class=\"num\">{value}</td></tr>",
                    esc(&g.name),
                    g.units.len(),
                    esc(link)
                );
            }
            out.push_str("</tbody>\n</table>\n");
        }
        out.push_str("</section>\n");
    }

    /// Linkages down, all units then each group across; each column's
    /// weakest linkage marked.
    fn linkage_table(&self, out: &mut String, means: &super::figures::LinkageMeans) {
        let r = self.s.rubric;
        let scale = self.scale();
        let _ = write!(
            out,
            "<div class=\"scroll\">\n<table class=\"data\" id=\"linkage-means\">\n<thead><tr><th>{}</th><th class=\"num\">{}</th>",
            self.t("linkage", "衔接"),
            self.t("all units", "全部")
        );
        for g in &self.group_order {
            let _ = write!(out, "<th class=\"num\">{}</th>", esc(&g.name));
        }
        out.push_str("</tr></thead>\n<tbody>\n");
        let columns: Vec<&Vec<Option<f64>>> = std::iter::once(&means.overall).chain(&means.groups).collect();
        let weakest: Vec<Option<usize>> = columns.iter().map(|c| weakest(c)).collect();
        for (l, linkage) in r.linkages.iter().enumerate() {
            let _ = write!(out, "<tr><td>{}</td>", esc(&linkage.name));
            for (column, weak) in columns.iter().zip(&weakest) {
                let class = if *weak == Some(l) { "num weak" } else { "num" };
                let v = column.get(l).copied().flatten();
                let _ = write!(out, "<td class=\"{class}\">{}</td>", score_text(v, scale));
            }
            out.push_str("</tr>\n");
        }
        out.push_str("</tbody>\n</table>\n</div>\n");
    }

    pub(super) fn coupling(&self, out: &mut String) {
        let Some(counts) = band_counts(self.s, &self.group_order) else {
            return;
        };
        let r = self.s.rubric;
        self.section_open(out, "coupling", self.t("Coupling coordination", "耦合协调度"));
        let listed: Vec<&str> = r
            .coupling
            .iter()
            .flatten()
            .filter_map(|&d| r.dimensions.get(d).map(|d| d.name.as_str()))
            .collect();
        let intro = if self.lang.is_chinese() {
            format!(
                "按{}计算耦合协调度 D = √(C·T)：某一维度突出而其他维度薄弱的单位协调度较低。D 每 0.1 为一档。",
                listed.join("、")
            )
        } else {
            format!(
                "Coupling coordination D = √(C·T) of {}: low where one dimension runs ahead of the others. Bands of 0.1 in D.",
                listed.join(", ")
            )
        };
        let _ = writeln!(out, "<p>{}</p>", esc(&intro));
        let total = self.s.len();
        let mut bars: Vec<svg::Bar> = (0..COORDINATION_GRADES.len())
            .rev()
            .map(|b| {
                let n = counts.overall.get(b).copied().unwrap_or(0);
                svg::Bar {
                    label: COORDINATION_GRADES[b].to_string(),
                    value: n as f64,
                    color: BAND_COLOURS.get(b).copied().unwrap_or("#9e9e9e").to_string(),
                    text: format!("{n} ({})", percent(n, total)),
                }
            })
            .collect();
        if counts.without > 0 {
            bars.push(svg::Bar {
                label: self.t("no value", "无值").to_string(),
                value: counts.without as f64,
                color: "#9e9e9e".to_string(),
                text: format!("{} ({})", counts.without, percent(counts.without, total)),
            });
        }
        let title = self.t("Units per coordination band", "各协调等级单位数");
        figure(out, &svg::bars(&bars, 0.0, title), title);
        if self.group_order.is_empty() {
            out.push_str("</section>\n");
            return;
        }
        // By group: the bands that occur anywhere, best first.
        let bands: Vec<usize> = (0..COORDINATION_GRADES.len())
            .rev()
            .filter(|&b| counts.overall.get(b).is_some_and(|&n| n > 0))
            .collect();
        let _ = write!(
            out,
            "<div class=\"scroll\">\n<table class=\"data\" id=\"coupling-table\">\n<thead><tr><th>{}</th><th class=\"num\">{}</th>",
            esc(&self.group_heading()),
            self.t("units", "单位数")
        );
        for &b in &bands {
            let _ = write!(out, "<th class=\"num\">{}</th>", COORDINATION_GRADES[b]);
        }
        if counts.without > 0 {
            let _ = write!(out, "<th class=\"num\">{}</th>", self.t("no value", "无值"));
        }
        out.push_str("</tr></thead>\n<tbody>\n");
        for (g, row) in self.group_order.iter().zip(&counts.groups) {
            let _ = write!(
                out,
                "<tr><td>{}</td><td class=\"num\">{}</td>",
                esc(&g.name),
                g.units.len()
            );
            for &b in &bands {
                let _ = write!(out, "<td class=\"num\">{}</td>", row.get(b).copied().unwrap_or(0));
            }
            if counts.without > 0 {
                let banded: usize = row.iter().sum();
                let _ = write!(out, "<td class=\"num\">{}</td>", g.units.len().saturating_sub(banded));
            }
            out.push_str("</tr>\n");
        }
        out.push_str("</tbody>\n</table>\n</div>\n</section>\n");
    }

    pub(super) fn obstacles(&self, out: &mut String) {
        let r = self.s.rubric;
        self.section_open(out, "obstacles", self.t("Main obstacles", "主要障碍因子"));
        let counts = obstacle_counts(self.s, &self.group_order);
        if counts.units == 0 {
            let _ = writeln!(
                out,
                "<p>{}</p>\n</section>",
                self.t(
                    "No unit has an obstacle: every unit is at the top of every indicator.",
                    "没有单位存在障碍因子：各单位各项指标均已达到上限。"
                )
            );
            return;
        }
        let name = |i: usize| r.indicators.get(i).map_or("", |ind| ind.name.as_str());
        let intro = if self.lang.is_chinese() {
            format!(
                "障碍度是某项指标的差距在该单位全部差距中的占比：w·(1 − z) / Σ w·(1 − z)。下面是各指标进入单位前三大障碍因子的次数，共 {} 个单位存在障碍。",
                counts.units
            )
        } else {
            format!(
                "An indicator's obstacle degree is its share of all the unit lacks: w·(1 − z) / Σ w·(1 − z). Below, how often each indicator is among a unit's three largest obstacles, over the {} units that have one.",
                counts.units
            )
        };
        let _ = writeln!(out, "<p>{}</p>", esc(&intro));
        let bars: Vec<svg::Bar> = most_frequent(&counts.overall, OBSTACLE_BARS)
            .into_iter()
            .map(|(i, n)| svg::Bar {
                label: name(i).to_string(),
                value: n as f64,
                color: PALETTE[2].to_string(),
                text: format!("{n} ({})", percent(n, counts.units)),
            })
            .collect();
        let title = self.t(
            "Indicators most often among the top three obstacles",
            "进入前三大障碍因子次数最多的指标",
        );
        figure(out, &svg::bars(&bars, 0.0, title), title);
        if self.group_order.is_empty() {
            out.push_str("</section>\n");
            return;
        }
        let _ = write!(
            out,
            "<div class=\"scroll\">\n<table class=\"data\" id=\"obstacle-table\">\n<thead><tr><th>{}</th><th class=\"num\">{}</th><th>{}</th><th>{}</th><th>{}</th></tr></thead>\n<tbody>\n",
            esc(&self.group_heading()),
            self.t("units with an obstacle", "存在障碍的单位"),
            self.t("most often", "第一"),
            self.t("second", "第二"),
            self.t("third", "第三")
        );
        for (g, (units, row)) in self.group_order.iter().zip(&counts.groups) {
            let _ = write!(out, "<tr><td>{}</td><td class=\"num\">{units}</td>", esc(&g.name));
            let top = most_frequent(row, 3);
            for k in 0..3 {
                let cell = top.get(k).map_or(String::new(), |&(i, n)| format!("{} ({n})", name(i)));
                let _ = write!(out, "<td>{}</td>", esc(&cell));
            }
            out.push_str("</tr>\n");
        }
        out.push_str("</tbody>\n</table>\n</div>\n</section>\n");
    }
}
