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
    let lang = rubric.lang();
    let t = |en: &'static str, zh: &'static str| lang.pick(en, zh);
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
    // The lists rank by rank change: a unit's score may have moved the
    // other way (others rose more), and the line says so.
    let tolerance = 1e-9 * rubric.scale;
    let movers = |out: &mut String, title: &str, list: &[Mover], rose: bool| {
        if list.is_empty() {
            return;
        }
        let _ = writeln!(out, "{title}");
        for m in list {
            // Data text on a terminal: control characters escaped.
            let label = m.label.as_deref().map_or(String::new(), |l| format!(" {}", echo(l)));
            let against = match (rose, m.score_change) {
                (true, c) if c < -tolerance => t(" (score fell)", "（总分下降）"),
                (false, c) if c > tolerance => t(" (score rose)", "（总分上升）"),
                _ => "",
            };
            let _ = writeln!(
                out,
                "  {}{label}: {} → {} ({:+}), {} {}{against}",
                echo(&m.id),
                m.rank_old,
                m.rank_new,
                m.rank_old as i64 - m.rank_new as i64,
                t("score", "总分"),
                signed(m.score_change)
            );
        }
    };
    let (rises, falls) = (
        t("biggest rank rises:", "排名上升最多："),
        t("biggest rank falls:", "排名下降最多："),
    );
    movers(&mut out, rises, &summary.risers, true);
    movers(&mut out, falls, &summary.fallers, false);
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
    use super::listing::{Field, Listing, Value};
    let mut items: Vec<(String, Value)> = vec![
        ("kept".into(), Value::Int(summary.kept)),
        ("new".into(), Value::Int(summary.new)),
        ("gone".into(), Value::Int(summary.gone)),
        ("mean score_change".into(), Value::num(summary.mean_score_change)),
    ];
    for (d, c) in rubric.dimensions.iter().zip(&summary.mean_dimension_change) {
        items.push((format!("mean {}_change", d.id), Value::num(*c)));
    }
    for (kind, list) in [("riser", &summary.risers), ("faller", &summary.fallers)] {
        for m in list.iter() {
            let item = format!("{kind} {} ({} → {})", m.id, m.rank_old, m.rank_new);
            items.push((item, Value::Num(m.score_change)));
        }
    }
    for ((from, to), n) in &summary.grade_transitions {
        items.push((format!("grade {from} → {to}"), Value::Int(*n)));
    }
    items.push(("grade unchanged".into(), Value::Int(summary.grade_unchanged)));
    let items = &items;
    let mut l = Listing::new(rubric.lang(), (0..items.len()).collect::<Vec<_>>());
    l.push(Field::new("item", "item", super::Kind::Text, move |i: usize| {
        items.get(i).map_or(Value::Empty, |(item, _)| Value::str(item.as_str()))
    }));
    l.push(Field::new("value", "value", super::Kind::Raw, move |i: usize| {
        items.get(i).map_or(Value::Empty, |(_, value)| value.clone())
    }));
    l.sheet()
}
