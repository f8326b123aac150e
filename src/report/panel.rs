//! The report's sections for a panel (issue 17): the trend (the mean score
//! and each dimension's mean by period, as lines) and the disparity (the
//! shares of Dagum's decomposition by period as stacked columns, the
//! within-group Gini of each group by period, and a sentence saying which
//! gap drives the inequality).

use super::{PALETTE, Page, esc, figure, svg};
use crate::disparity::panel::PanelDisparity;
use crate::panel::Summary;
use crate::util::rounded;
use std::fmt::Write as _;

/// What a report on a panel shows beyond its last period.
#[derive(Debug, Clone, Default)]
pub struct PanelFigures {
    /// Per period, in the panel's order.
    pub summaries: Vec<Summary>,
    /// The disparity of the overall score by period.
    pub disparity: Option<PanelDisparity>,
    /// How the distribution of the score moves (densities, Markov, σ, β).
    pub dynamics: Option<crate::dynamics::Dynamics>,
}

/// A share as a percentage with one decimal.
fn percent(share: f64) -> String {
    format!("{}%", rounded(share * 100.0, 1))
}

impl Page<'_> {
    fn periods(&self, figures: &PanelFigures) -> Vec<String> {
        figures.summaries.iter().map(|s| s.label.clone()).collect()
    }

    /// Mean score and dimension means by period, as lines, with the table.
    pub(super) fn trend(&self, out: &mut String) {
        let Some(figures) = &self.options.panel else { return };
        let r = self.s.rubric;
        self.section_open(out, "trend", self.t("Trend over the periods", "各期变化趋势"));
        let periods = self.periods(figures);
        let mut lines = vec![svg::Line {
            name: self.t("mean score", "平均总分").to_string(),
            color: "#1f2933".to_string(),
            values: figures.summaries.iter().map(|s| s.mean).collect(),
        }];
        for (d, dim) in r.dimensions.iter().enumerate() {
            lines.push(svg::Line {
                name: dim.name.clone(),
                color: PALETTE[d % PALETTE.len()].to_string(),
                values: figures
                    .summaries
                    .iter()
                    .map(|s| s.dimensions.get(d).copied().flatten())
                    .collect(),
            });
        }
        let _ = writeln!(
            out,
            "<p>{}</p>",
            self.t(
                "Every period is scored on one pooled scale, so the means compare across periods.",
                "各期在统一（混合）标准下评分，均值可跨期比较。"
            )
        );
        let title = self.t("Mean score and dimension means by period", "各期平均总分与各维度均值");
        figure(out, &svg::lines(&periods, &lines, title), title);
        let _ = write!(
            out,
            "<table class=\"data\" id=\"trend-table\">\n<thead><tr><th>{}</th><th class=\"num\">{}</th><th class=\"num\">{}</th><th class=\"num\">{}</th><th class=\"num\">{}</th><th class=\"num\">{}</th>",
            self.t("period", "时期"),
            self.t("units", "单位数"),
            self.t("mean", "均值"),
            self.t("median", "中位数"),
            self.t("min", "最小值"),
            self.t("max", "最大值")
        );
        for d in &r.dimensions {
            let _ = write!(out, "<th class=\"num\">{}</th>", esc(&d.name));
        }
        out.push_str("</tr></thead>\n<tbody>\n");
        let cell = |v: Option<f64>| v.map_or_else(|| "—".to_string(), |v| rounded(v, 2));
        for s in &figures.summaries {
            let _ = write!(
                out,
                "<tr><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td>",
                esc(&s.label),
                s.units,
                cell(s.mean),
                cell(s.median),
                cell(s.min),
                cell(s.max)
            );
            for v in &s.dimensions {
                let _ = write!(out, "<td class=\"num\">{}</td>", cell(*v));
            }
            out.push_str("</tr>\n");
        }
        out.push_str("</tbody>\n</table>\n</section>\n");
    }

    /// Dagum's decomposition by period: shares as stacked columns, each
    /// group's G_jj as lines, and which gap drives the inequality.
    pub(super) fn disparity(&self, out: &mut String) {
        let Some(figures) = &self.options.panel else { return };
        let Some(d) = &figures.disparity else { return };
        self.section_open(out, "disparity", self.t("Regional disparity", "区域差异"));
        let periods: Vec<String> = d.periods.iter().map(|p| p.label.clone()).collect();
        let gini: Vec<Option<f64>> = d
            .periods
            .iter()
            .map(|p| p.figures.as_ref().and_then(|f| f.dagum.as_ref()).map(|g| g.gini))
            .collect();
        if let Some(sentence) = self.driver(d) {
            let _ = writeln!(out, "<p class=\"lead\">{}</p>", esc(&sentence));
        }
        if !d.grouped {
            let _ = writeln!(
                out,
                "<p>{}</p>",
                self.t(
                    "The rubric names no group column, so only the overall Gini coefficient is shown (linkscore disparity --by COLUMN decomposes it).",
                    "评价体系未设分组列，仅显示总体基尼系数（可用 linkscore disparity --by 列名 分解）。"
                )
            );
            let line = svg::Line {
                name: self.t("Gini", "基尼系数").to_string(),
                color: PALETTE[0].to_string(),
                values: gini,
            };
            let title = self.t("Gini coefficient by period", "各期基尼系数");
            figure(out, &svg::lines(&periods, &[line], title), title);
            out.push_str("</section>\n");
            return;
        }
        let parts = vec![
            (self.t("within groups", "组内差异").to_string(), PALETTE[0].to_string()),
            (
                self.t("between groups (net)", "组间净差异").to_string(),
                PALETTE[1].to_string(),
            ),
            (self.t("transvariation", "超变密度").to_string(), PALETTE[9].to_string()),
        ];
        let shares: Vec<Option<Vec<f64>>> = d
            .periods
            .iter()
            .map(|p| {
                let shares = p.figures.as_ref()?.dagum.as_ref()?.shares?;
                Some(vec![shares.within, shares.between, shares.transvariation])
            })
            .collect();
        let title = self.t(
            "Contributions to the Gini coefficient by period",
            "各期基尼系数差异来源贡献率",
        );
        out.push_str("<div class=\"pair\">\n");
        figure(out, &svg::stacked(&periods, &parts, &shares, title), title);
        let within: Vec<svg::Line> = d
            .groups
            .iter()
            .enumerate()
            .map(|(g, name)| svg::Line {
                name: name.clone(),
                color: PALETTE[g % PALETTE.len()].to_string(),
                values: d.periods.iter().map(|p| group_gini(p, g)).collect(),
            })
            .collect();
        let title = self.t("Within-group Gini coefficient by period", "各组组内基尼系数");
        figure(out, &svg::lines(&periods, &within, title), title);
        out.push_str("</div>\n");
        self.disparity_table(out, d);
        out.push_str("</section>\n");
    }

    /// The decomposition per period as a table.
    fn disparity_table(&self, out: &mut String, d: &PanelDisparity) {
        let _ = write!(
            out,
            "<table class=\"data\" id=\"disparity-table\">\n<thead><tr><th>{}</th><th class=\"num\">G</th><th class=\"num\">{}</th><th class=\"num\">{}</th><th class=\"num\">{}</th><th class=\"num\">Theil T</th></tr></thead>\n<tbody>\n",
            self.t("period", "时期"),
            self.t("within", "组内贡献率"),
            self.t("between (net)", "组间贡献率"),
            self.t("transvariation", "超变密度贡献率")
        );
        for p in &d.periods {
            let dagum = p.figures.as_ref().and_then(|f| f.dagum.as_ref());
            let shares = dagum.and_then(|g| g.shares);
            let theil = p.figures.as_ref().and_then(|f| f.theil.as_ref().ok()).map(|t| t.t);
            let dash = || "—".to_string();
            let _ = writeln!(
                out,
                "<tr><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td></tr>",
                esc(&p.label),
                dagum.map_or_else(dash, |g| rounded(g.gini, 4)),
                shares.map_or_else(dash, |s| percent(s.within)),
                shares.map_or_else(dash, |s| percent(s.between)),
                shares.map_or_else(dash, |s| percent(s.transvariation)),
                theil.map_or_else(dash, |t| rounded(t, 4))
            );
        }
        out.push_str("</tbody>\n</table>\n");
    }

    /// "2025 年总体基尼系数 0.1234；差距主要来自组间（…）" for the last
    /// period with shares: the gap between groups (net plus
    /// transvariation) against the gap within them.
    fn driver(&self, d: &PanelDisparity) -> Option<String> {
        let (period, dagum) = d
            .periods
            .iter()
            .rev()
            .find_map(|p| Some((p, p.figures.as_ref()?.dagum.as_ref()?)))?;
        let gini = rounded(dagum.gini, 4);
        let when = when(&period.label);
        let Some(shares) = dagum.shares.filter(|_| d.grouped) else {
            return Some(if self.lang.is_chinese() {
                format!("{when}总体基尼系数为 {gini}。")
            } else {
                format!("In {}, the Gini coefficient is {gini}.", period.label)
            });
        };
        let between = shares.between + shares.transvariation;
        let (w, b, t) = (
            percent(shares.within),
            percent(shares.between),
            percent(shares.transvariation),
        );
        Some(match (self.lang.is_chinese(), between > shares.within) {
            (true, true) => format!(
                "{when}总体基尼系数为 {gini}，差距主要来自组间：组间净差异贡献 {b}，超变密度贡献 {t}，组内差异贡献 {w}。"
            ),
            (true, false) => format!(
                "{when}总体基尼系数为 {gini}，差距主要来自组内：组内差异贡献 {w}，组间净差异贡献 {b}，超变密度贡献 {t}。"
            ),
            (false, true) => format!(
                "In {}, the Gini coefficient is {gini}, and the gap comes mainly from between the groups: net between-group {b}, transvariation {t}, within groups {w}.",
                period.label
            ),
            (false, false) => format!(
                "In {}, the Gini coefficient is {gini}, and the gap comes mainly from within the groups: within {w}, net between-group {b}, transvariation {t}.",
                period.label
            ),
        })
    }
}

/// A period in a Chinese sentence: "2025 年" for a year, the label as it
/// is when it says what it is ("2025年", "第一期"), else "2025.5 期".
fn when(label: &str) -> String {
    if label.len() == 4 && label.bytes().all(|b| b.is_ascii_digit()) {
        format!("{label} 年")
    } else if label.ends_with('年') || label.ends_with('期') || label.ends_with('季') || label.ends_with("季度") {
        label.to_string()
    } else {
        format!("{label} 期")
    }
}

/// Panel group `g`'s G_jj in period `p`, if the group is in it.
fn group_gini(p: &crate::disparity::panel::PeriodDisparity, g: usize) -> Option<f64> {
    let local = p.groups.iter().position(|&panel| panel == g)?;
    p.figures.as_ref()?.dagum.as_ref()?.group_gini.get(local).copied()
}
