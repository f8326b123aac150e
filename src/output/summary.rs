//! The ten-second summary that opens `diff` in the table format.

use crate::diff::{Mover, Summary};
use crate::error::echo;
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
            // Data text on a terminal: control characters escaped.
            let label = m.label.as_deref().map_or(String::new(), |l| format!(" {}", echo(l)));
            let _ = writeln!(
                out,
                "  {}{label}: {} → {} ({:+}), {} {}",
                echo(&m.id),
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

/// The summary as `item, value` rows (the `summary` sheet of a workbook).
pub fn sheet(summary: &Summary, rubric: &Rubric) -> super::Sheet {
    use super::{Cell, Column, Kind};
    let columns = vec![
        Column {
            key: "item".into(),
            title: "item".into(),
            kind: Kind::Text,
        },
        Column {
            key: "value".into(),
            title: "value".into(),
            kind: Kind::Raw,
        },
    ];
    let mut rows = vec![
        vec![Cell::Text("kept".into()), Cell::Int(summary.kept)],
        vec![Cell::Text("new".into()), Cell::Int(summary.new)],
        vec![Cell::Text("gone".into()), Cell::Int(summary.gone)],
        vec![
            Cell::Text("mean score_change".into()),
            summary.mean_score_change.map_or(Cell::Empty, Cell::Num),
        ],
    ];
    for (d, c) in rubric.dimensions.iter().zip(&summary.mean_dimension_change) {
        rows.push(vec![
            Cell::Text(format!("mean {}_change", d.id)),
            c.map_or(Cell::Empty, Cell::Num),
        ]);
    }
    for (kind, list) in [("riser", &summary.risers), ("faller", &summary.fallers)] {
        for m in list.iter() {
            rows.push(vec![
                Cell::Text(format!("{kind} {} ({} → {})", m.id, m.rank_old, m.rank_new)),
                Cell::Num(m.score_change),
            ]);
        }
    }
    for ((from, to), n) in &summary.grade_transitions {
        rows.push(vec![Cell::Text(format!("grade {from} → {to}")), Cell::Int(*n)]);
    }
    rows.push(vec![
        Cell::Text("grade unchanged".into()),
        Cell::Int(summary.grade_unchanged),
    ]);
    super::Sheet { columns, rows }
}
