//! The ten-second summary that opens `diff` in the table format.

use crate::diff::{Mover, Summary};
use crate::rubric::Rubric;
use std::fmt::Write as _;

fn signed(x: f64) -> String {
    crate::util::signed(x, 2)
}

/// Renders the summary as plain lines, in Chinese when the rubric is.
pub fn render(summary: &Summary, rubric: &Rubric, old: &str, new: &str) -> String {
    let zh = rubric.is_chinese();
    let t = |en: &'static str, cn: &'static str| if zh { cn } else { en };
    let mut out = String::new();
    let version = if rubric.version.is_empty() {
        String::new()
    } else {
        format!(" ({})", rubric.version)
    };
    let _ = writeln!(out, "{}{version}: {old} → {new}", rubric.name);
    let _ = writeln!(
        out,
        "{}{} {}, {} {}, {} {}",
        t("units: ", "单位："),
        summary.kept,
        t("kept", "保留"),
        summary.new,
        t("new", "新增"),
        summary.gone,
        t("gone", "消失")
    );
    let dims: Vec<String> = rubric
        .dimensions
        .iter()
        .zip(&summary.mean_dimension_change)
        .filter_map(|(d, c)| c.map(|c| format!("{} {}", d.name, signed(c))))
        .collect();
    let _ = writeln!(
        out,
        "{}{} {}; {}",
        t("mean change: ", "平均变化："),
        t("score", "总分"),
        summary.mean_score_change.map_or_else(|| "—".to_string(), signed),
        dims.join(", ")
    );
    let movers = |out: &mut String, title: &str, list: &[Mover]| {
        if list.is_empty() {
            return;
        }
        let _ = writeln!(out, "{title}");
        for m in list {
            let label = m.label.as_deref().map_or(String::new(), |l| format!(" {l}"));
            let _ = writeln!(
                out,
                "  {}{label}: {} → {} ({:+}), {} {}",
                m.id,
                m.rank_old,
                m.rank_new,
                m.rank_old as i64 - m.rank_new as i64,
                t("score", "总分"),
                signed(m.score_change)
            );
        }
    };
    movers(&mut out, t("biggest risers:", "进步最大："), &summary.risers);
    movers(&mut out, t("biggest fallers:", "退步最大："), &summary.fallers);
    if !rubric.grades.is_empty() {
        let list: Vec<String> = summary
            .grade_transitions
            .iter()
            .map(|((from, to), n)| format!("{from} → {to} {n}"))
            .collect();
        let _ = writeln!(
            out,
            "{}{}{}{} {}",
            t("grade changes: ", "等级变化："),
            list.join(", "),
            if list.is_empty() { "" } else { "; " },
            t("unchanged", "未变"),
            summary.grade_unchanged
        );
    }
    out
}
