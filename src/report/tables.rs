//! The report's two long tables: the changes since the previous year and
//! the full ranking.

use super::{DOWN, Page, UP, esc, figure, grade_colour, grade_index, svg};
use crate::diff::Status;
use crate::output::{Cell, Detail, Kind};
use crate::util::signed;
use std::collections::HashMap;
use std::fmt::Write as _;

/// Rankings up to this many units are listed whole in the page.
const FULL_RANKING: usize = 2_000;
/// Of a longer ranking, the page lists this many at each end.
const RANKING_ENDS: usize = 1_000;

impl Page<'_> {
    pub(super) fn changes(&self, out: &mut String) {
        let Some(c) = self.comparison else { return };
        let r = self.s.rubric;
        self.section_open(out, "changes", self.t("Changes since the previous year", "与上期相比"));
        let summary = c.summary(self.options.movers);
        let dims: Vec<String> = r
            .dimensions
            .iter()
            .zip(&summary.mean_dimension_change)
            .map(|(d, v)| format!("{} {}", d.name, v.map_or("—".into(), |v| signed(v, 2))))
            .collect();
        let mean = summary.mean_score_change.map_or("—".into(), |v| signed(v, 2));
        let line = if self.lang.is_chinese() {
            format!(
                "单位：保留 {}，新增 {}，消失 {}。平均变化：总分 {mean}；{}。",
                summary.kept,
                summary.new,
                summary.gone,
                dims.join("，")
            )
        } else {
            format!(
                "Units: {} kept, {} new, {} gone. Mean change: score {mean}; {}.",
                summary.kept,
                summary.new,
                summary.gone,
                dims.join(", ")
            )
        };
        let _ = writeln!(out, "<p>{}</p>", esc(&line));
        let runs = self.options.uncertainty.as_ref().map(|(runs, _)| *runs);
        if let (Some(runs), Some(_)) = (runs, &c.uncertainty) {
            let end = self.lang.pick(".", "。");
            let _ = writeln!(
                out,
                "<p id=\"moves\">{}{end}</p>",
                esc(&crate::output::diff::moves_line(c, runs))
            );
        }
        // Biggest movers: risers (largest first), then fallers (largest last).
        let label = |m: &crate::diff::Mover| match &m.label {
            Some(l) if !l.is_empty() => format!("{} {l}", m.id),
            _ => m.id.clone(),
        };
        let mut items: Vec<(String, i64)> = summary
            .risers
            .iter()
            .map(|m| (label(m), m.rank_old as i64 - m.rank_new as i64))
            .collect();
        items.extend(
            summary
                .fallers
                .iter()
                .rev()
                .map(|m| (label(m), m.rank_old as i64 - m.rank_new as i64)),
        );
        let title = self.t("Biggest movers (places in the ranking)", "排名变化最大的单位（名次）");
        out.push_str("<div class=\"row\">\n");
        if items.is_empty() {
            let _ = writeln!(
                out,
                "<p>{}</p>",
                self.t("No unit changed its rank.", "没有单位的排名发生变化。")
            );
        } else {
            figure(out, &svg::diverging(&items, title, UP, DOWN), title);
        }
        // Under --uncertainty: whether each move goes beyond the new rank interval, by id.
        let moves: Option<HashMap<&str, crate::diff::Move>> = c.uncertainty.as_ref().map(|_| {
            c.pairs
                .iter()
                .filter_map(|p| Some((c.new.table.id(p.in_new()?), c.movement(p)?)))
                .collect()
        });
        let move_head = if moves.is_some() {
            format!("<th>{}</th>", self.t("beyond the interval?", "超出排名区间？"))
        } else {
            String::new()
        };
        let _ = write!(
            out,
            "<table class=\"data\" id=\"movers\">\n<thead><tr><th>{}</th><th class=\"num\">{}</th><th class=\"num\">{}</th><th class=\"num\">{}</th><th class=\"num\">{}</th>{move_head}</tr></thead>\n<tbody>\n",
            self.t("unit", "单位"),
            self.t("previous rank", "上期排名"),
            self.t("rank", "本期排名"),
            self.t("places", "名次变化"),
            self.t("score change", "总分变化")
        );
        for m in summary.risers.iter().chain(summary.fallers.iter()) {
            let change = m.rank_old as i64 - m.rank_new as i64;
            let class = if change > 0 { "up" } else { "down" };
            let verdict = match moves.as_ref().map(|moves| moves.get(m.id.as_str())) {
                None => String::new(),
                Some(Some(crate::diff::Move::Beyond)) => format!("<td>{}</td>", self.t("beyond", "超出")),
                Some(Some(crate::diff::Move::Within)) => format!("<td>{}</td>", self.t("within", "区间内")),
                Some(None) => "<td></td>".to_string(),
            };
            let _ = writeln!(
                out,
                "<tr><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num {class}\">{change:+}</td><td class=\"num\">{}</td>{verdict}</tr>",
                esc(&label(m)),
                m.rank_old,
                m.rank_new,
                signed(m.score_change, 2)
            );
        }
        out.push_str("</tbody>\n</table>\n</div>\n");
        if !r.grades.is_empty() {
            let transitions: Vec<svg::Bar> = summary
                .grade_transitions
                .iter()
                .map(|((from, to), count)| {
                    let up = grade_index(r, to) < grade_index(r, from);
                    svg::Bar {
                        label: format!("{from} → {to}"),
                        value: *count as f64,
                        color: if up { UP } else { DOWN }.to_string(),
                        text: count.to_string(),
                    }
                })
                .collect();
            let title = self.t("Grade changes (kept units)", "等级变化（保留单位）");
            if transitions.is_empty() {
                let _ = writeln!(
                    out,
                    "<p>{}</p>",
                    self.t("No unit changed its grade.", "没有单位的等级发生变化。")
                );
            } else {
                let _ = writeln!(
                    out,
                    "<figure>\n{}\n<figcaption>{} · {} {}</figcaption>\n</figure>",
                    svg::bars(&transitions, 0.0, title),
                    esc(title),
                    self.t("unchanged", "未变"),
                    summary.grade_unchanged
                );
            }
        }
        out.push_str("</section>\n");
    }

    /// Opens the ranking section: the positions (in rank order) the page
    /// lists, all of them up to [`FULL_RANKING`], else the first and the last
    /// [`RANKING_ENDS`] with a note on getting the whole ranking as a file.
    /// A national ranking is a million rows that no one reads in a page
    /// (and that no browser opens comfortably).
    fn ranking_open(&self, out: &mut String) -> Vec<usize> {
        let n = self.s.order.len();
        if n <= FULL_RANKING {
            self.section_open(out, "ranking", self.t("Full ranking", "完整排名"));
            return (0..n).collect();
        }
        let title = self.t("Ranking: the first and the last 1,000", "排名：前 1000 名与后 1000 名");
        self.section_open(out, "ranking", title);
        let left = n - 2 * RANKING_ENDS;
        let note = if self.lang.is_chinese() {
            format!(
                "共 {n} 个单位，页面只列出前 {RANKING_ENDS} 名和后 {RANKING_ENDS} 名（中间 {left} 个略去）。完整排名请导出文件：linkscore score 数据文件 --rubric 评价体系 -o ranking.xlsx（或 .csv）。"
            )
        } else {
            format!(
                "{n} units: the page lists the first and the last {RANKING_ENDS} ({left} in between are left out). For the whole ranking, write it to a file: linkscore score DATA --rubric RUBRIC -o ranking.xlsx (or .csv)."
            )
        };
        let _ = writeln!(out, "<p class=\"note\" id=\"ranking-cut\">{}</p>", esc(&note));
        (0..RANKING_ENDS).chain(n - RANKING_ENDS..n).collect()
    }

    pub(super) fn ranking(&self, out: &mut String) {
        let r = self.s.rubric;
        let n = self.s.order.len();
        let positions = self.ranking_open(out);
        let cut = positions.len() < n;
        let sheet = crate::output::ranking::listing(self.s, Detail::default(), None).sheet_of(&positions);
        // With --previous: each unit's rank change, by id.
        let changes: Option<HashMap<&str, String>> = self.comparison.map(|c| {
            c.pairs
                .iter()
                .filter_map(|p| {
                    let n = p.in_new()?;
                    let text = match (p.status(), p.in_old().and_then(|o| c.old.rank(o)), c.new.rank(n)) {
                        (Status::New, _, _) => self.t("new", "新增").to_string(),
                        (_, Some(o), Some(nr)) => {
                            let change = o as i64 - nr as i64;
                            if change == 0 {
                                "0".to_string()
                            } else {
                                format!("{change:+}")
                            }
                        }
                        _ => "—".to_string(),
                    };
                    Some((c.new.table.id(n), text))
                })
                .collect()
        });
        let intervals = self.options.uncertainty.as_ref().map(|(_, intervals)| intervals);
        if let Some((runs, _)) = &self.options.uncertainty {
            let note = if self.lang.is_chinese() {
                format!(
                    "排名区间：{runs} 次随机改变权重后重新计算，该单位排名的第 5 至第 95 百分位。区间越窄，排名越可靠。"
                )
            } else {
                format!(
                    "Rank interval: the 5th to 95th percentile of the unit's rank over {runs} re-scorings with randomly varied weights. The narrower, the surer the rank."
                )
            };
            let _ = writeln!(out, "<p>{}</p>", esc(&note));
        }
        out.push_str("<div class=\"scroll\">\n<table class=\"data ranking\">\n<thead><tr>");
        for (k, col) in sheet.columns.iter().enumerate() {
            let class = if col.kind == Kind::Text { "" } else { " class=\"num\"" };
            let _ = write!(out, "<th{class}>{}</th>", esc(sheet.title(col)));
            if k == 0 && changes.is_some() {
                let _ = write!(out, "<th class=\"num\">{}</th>", self.t("change", "名次变化"));
            }
            if k == 0 && intervals.is_some() {
                let _ = write!(
                    out,
                    "<th class=\"num\">{}</th>",
                    self.t("rank interval (5–95 %)", "排名区间（5%–95%）")
                );
            }
        }
        out.push_str("</tr></thead>\n<tbody>\n");
        let grade_col = sheet.columns.iter().position(|c| c.key == "grade");
        for (i, row) in sheet.rows.iter().enumerate() {
            if cut && i == RANKING_ENDS {
                let _ = writeln!(
                    out,
                    "<tr class=\"gap\"><td colspan=\"{}\">… {} …</td></tr>",
                    sheet.columns.len() + usize::from(changes.is_some()) + usize::from(intervals.is_some()),
                    esc(&if self.lang.is_chinese() {
                        format!("略去 {} 个单位", n - 2 * RANKING_ENDS)
                    } else {
                        format!("{} units left out", n - 2 * RANKING_ENDS)
                    })
                );
            }
            out.push_str("<tr>");
            for (k, (cell, col)) in row.iter().zip(&sheet.columns).enumerate() {
                let text = cell.human(col.kind);
                let class = if Some(k) == grade_col {
                    match cell {
                        Cell::Text(name) => {
                            let g = grade_index(r, name);
                            format!(
                                " class=\"grade g{g}\" style=\"color:{}\"",
                                grade_colour(g, r.grades.len())
                            )
                        }
                        _ => String::new(),
                    }
                } else if col.kind == Kind::Text {
                    String::new()
                } else {
                    " class=\"num\"".to_string()
                };
                let _ = write!(out, "<td{class}>{}</td>", esc(&text));
                if k == 0
                    && let Some(changes) = &changes
                {
                    let id = row.get(1).map(|c| c.human(Kind::Text)).unwrap_or_default();
                    let change = changes.get(id.as_str()).cloned().unwrap_or_default();
                    let class = if change.starts_with('+') {
                        " up"
                    } else if change.starts_with('-') {
                        " down"
                    } else {
                        ""
                    };
                    let _ = write!(out, "<td class=\"num{class}\">{}</td>", esc(&change));
                }
                if k == 0
                    && let Some(intervals) = intervals
                {
                    let position = positions.get(i).copied().unwrap_or(usize::MAX);
                    let interval = self
                        .s
                        .order
                        .get(position)
                        .and_then(|&u| intervals.get(u).copied().flatten());
                    let text = match interval {
                        Some(v) if v.p05 == v.p95 => v.p05.to_string(),
                        Some(v) => format!("{}–{}", v.p05, v.p95),
                        None => String::new(),
                    };
                    let _ = write!(out, "<td class=\"num\">{text}</td>");
                }
            }
            out.push_str("</tr>\n");
        }
        out.push_str("</tbody>\n</table>\n</div>\n</section>\n");
    }
}
