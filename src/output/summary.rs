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

/// A mover as people name it: its label and id where the rubric has a
/// label column, else its id.
fn who(m: &Mover, lang: crate::lang::Lang) -> String {
    match &m.label {
        Some(label) => lang.pick(format!("{label} ({})", m.id), format!("{label}（{}）", m.id)),
        None => m.id.clone(),
    }
}

/// A riser's or faller's sentence, in the rubric's language: what it
/// ranks by (the rank), and the score's change, said when it went the
/// other way.
fn mover_sentence(m: &Mover, rose: bool, rubric: &Rubric) -> String {
    let lang = rubric.lang();
    let (who, change) = (who(m, lang), signed(m.score_change));
    let places = m.rank_old.abs_diff(m.rank_new);
    let (old, new) = (m.rank_old, m.rank_new);
    // Others may have risen more: a riser's score can have fallen.
    let tolerance = 1e-9 * rubric.scale;
    let against = if rose {
        m.score_change < -tolerance
    } else {
        m.score_change > tolerance
    };
    match (lang.is_chinese(), rose) {
        (true, true) => format!(
            "排名上升最多：{who}，由第 {old} 名升至第 {new} 名（上升 {places} 名），总分变化 {change}{}",
            if against { "，但总分下降" } else { "" }
        ),
        (true, false) => format!(
            "排名下降最多：{who}，由第 {old} 名降至第 {new} 名（下降 {places} 名），总分变化 {change}{}",
            if against { "，但总分上升" } else { "" }
        ),
        (false, true) => format!(
            "Rose most in rank: {who}, from rank {old} to {new} (up {places}); score change {change}{}",
            if against { ", although the score fell" } else { "" }
        ),
        (false, false) => format!(
            "Fell most in rank: {who}, from rank {old} to {new} (down {places}); score change {change}{}",
            if against { ", although the score rose" } else { "" }
        ),
    }
}

/// The summary as sentences in the rubric's language, each with its value
/// (the `summary` sheet of a workbook): the files compared, the units kept,
/// new and gone, the mean changes, the biggest movers in rank (their value
/// the rank change) and the grade transitions.
pub fn sheet(summary: &Summary, rubric: &Rubric, (old, new): (&str, &str)) -> super::Sheet {
    use super::listing::{Field, Listing, Value};
    use crate::lang::Words;
    let lang = rubric.lang();
    let t = |en: &str, zh: &str| lang.pick(en, zh).to_string();
    let mut items: Vec<(String, Value)> = vec![
        (format!("{}{old} → {new}", t("Compared: ", "比较：")), Value::Empty),
        (t("Units in both years", "两年都有的单位"), Value::Int(summary.kept)),
        (t("Units new this year", "本年新增的单位"), Value::Int(summary.new)),
        (
            t("Units no longer in the data", "本年不再有的单位"),
            Value::Int(summary.gone),
        ),
        (
            t(
                "Mean change of the score (units in both years)",
                "总分的平均变化（两年都有的单位）",
            ),
            Value::num(summary.mean_score_change),
        ),
    ];
    for (d, c) in rubric.dimensions.iter().zip(&summary.mean_dimension_change) {
        let item = lang.pick(format!("Mean change of {}", d.name), format!("{}的平均变化", d.name));
        items.push((item, Value::num(*c)));
    }
    for (rose, list) in [(true, &summary.risers), (false, &summary.fallers)] {
        for m in list.iter() {
            let change = m.rank_old as i64 - m.rank_new as i64;
            items.push((mover_sentence(m, rose, rubric), Value::Signed(change)));
        }
    }
    if !rubric.grades.is_empty() {
        for ((from, to), n) in &summary.grade_transitions {
            let item = lang.pick(
                format!("Units whose grade went from {from} to {to}"),
                format!("等级由“{from}”变为“{to}”的单位"),
            );
            items.push((item, Value::Int(*n)));
        }
        items.push((
            t("Units whose grade did not change", "等级未变的单位"),
            Value::Int(summary.grade_unchanged),
        ));
    }
    let items = &items;
    let mut l = Listing::new(lang, (0..items.len()).collect::<Vec<_>>());
    l.push(Field::new(
        "item",
        Words::new("item", "事项"),
        super::Kind::Text,
        move |i: usize| items.get(i).map_or(Value::Empty, |(item, _)| Value::str(item.as_str())),
    ));
    l.push(Field::new(
        "value",
        Words::new("value", "数值"),
        super::Kind::Change,
        move |i: usize| items.get(i).map_or(Value::Empty, |(_, value)| value.clone()),
    ));
    l.sheet()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::Cell;

    fn mover(rank_old: usize, rank_new: usize, score_change: f64) -> Mover {
        Mover {
            id: "V007".into(),
            label: Some("王寨".into()),
            rank_old,
            rank_new,
            score_change,
        }
    }

    #[test]
    fn a_mover_whose_score_went_the_other_way_says_so() {
        let rubric = Rubric::builtin().expect("the built-in rubric");
        assert!(rubric.lang().is_chinese());
        assert_eq!(
            mover_sentence(&mover(427, 391, -1.2), true, &rubric),
            "排名上升最多：王寨（V007），由第 427 名升至第 391 名（上升 36 名），总分变化 -1.20，但总分下降"
        );
        assert_eq!(
            mover_sentence(&mover(377, 396, 5.06), false, &rubric),
            "排名下降最多：王寨（V007），由第 377 名降至第 396 名（下降 19 名），总分变化 +5.06，但总分上升"
        );
        assert_eq!(
            mover_sentence(&mover(10, 4, 3.0), true, &rubric),
            "排名上升最多：王寨（V007），由第 10 名升至第 4 名（上升 6 名），总分变化 +3.00"
        );
    }

    #[test]
    fn the_summary_sheet_holds_sentences_and_their_values() {
        let rubric = Rubric::builtin().expect("the built-in rubric");
        let summary = Summary {
            kept: 2,
            new: 1,
            gone: 0,
            mean_score_change: Some(1.5),
            mean_dimension_change: vec![None; rubric.dimensions.len()],
            risers: vec![mover(5, 2, 4.0)],
            fallers: Vec::new(),
            grade_transitions: Vec::new(),
            grade_unchanged: 2,
        };
        let sheet = sheet(&summary, &rubric, ("a.csv", "b.csv"));
        assert_eq!(sheet.rows[0], [Cell::Text("比较：a.csv → b.csv".into()), Cell::Empty]);
        assert_eq!(sheet.rows[1], [Cell::Text("两年都有的单位".into()), Cell::Int(2)]);
        let riser = sheet
            .rows
            .iter()
            .find(|r| r[1] == Cell::Signed(3))
            .expect("the riser's row");
        assert_eq!(
            riser[0],
            Cell::Text("排名上升最多：王寨（V007），由第 5 名升至第 2 名（上升 3 名），总分变化 +4.00".into())
        );
        assert_eq!(
            sheet.rows.last().map(|r| r[0].clone()),
            Some(Cell::Text("等级未变的单位".into()))
        );
    }
}
