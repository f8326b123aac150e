//! The diff's layout (SPEC "Year over year"): its columns and rows, from
//! which every format is made, and its sentences for people.

use crate::diff::{Comparison, Move};
use crate::engine::Scored;
use crate::output::{Cell, Column, Kind, RowSink, Rows, Sheet};

/// One row per unit in either file: `id, label?, group?, status,
/// rank_old, rank_new, rank_change, score_old, score_new, score_change,
/// grade_old?, grade_new?, <dimension>_change…`.
pub fn sheet(c: &Comparison) -> Sheet {
    Sheet {
        columns: columns(c),
        rows: (0..c.pairs.len()).map(|i| row(c, i)).collect(),
    }
}

/// The columns of [`sheet`].
pub fn columns(c: &Comparison) -> Vec<Column> {
    let r = c.new.rubric;
    let zh = r.is_chinese();
    let t = |en: &str, cn: &str| if zh { cn.to_string() } else { en.to_string() };
    let mut columns = vec![Column::new("id", r.id_column.clone(), Kind::Text)];
    if let Some(label) = &r.label_column {
        columns.push(Column::new("label", label.clone(), Kind::Text));
    }
    if let Some(group) = &r.group_column {
        columns.push(Column::new("group", group.clone(), Kind::Text));
    }
    columns.extend([
        Column::new("status", t("status", "状态"), Kind::Text),
        Column::new("rank_old", t("rank old", "上年排名"), Kind::Int),
        Column::new("rank_new", t("rank new", "本年排名"), Kind::Int),
        Column::new("rank_change", t("rank change", "名次变化"), Kind::Int),
        Column::new("score_old", t("score old", "上年总分"), Kind::Score),
        Column::new("score_new", t("score new", "本年总分"), Kind::Score),
        Column::new("score_change", t("score change", "总分变化"), Kind::Change),
    ]);
    let grades = !r.grades.is_empty();
    if grades {
        columns.push(Column::new("grade_old", t("grade old", "上年等级"), Kind::Text));
        columns.push(Column::new("grade_new", t("grade new", "本年等级"), Kind::Text));
    }
    for d in &r.dimensions {
        columns.push(Column::new(
            &format!("{}_change", d.id),
            format!("{}{}", d.name, t(" change", "变化")),
            Kind::Change,
        ));
    }
    if c.uncertainty.is_some() {
        columns.extend([
            Column::new("rank_new_p05", t("rank new p5", "本年排名P5"), Kind::Int),
            Column::new("rank_new_p95", t("rank new p95", "本年排名P95"), Kind::Int),
            Column::new("rank_move", t("move", "变化是否超出区间"), Kind::Text),
        ]);
    }

    columns
}

/// Row `i` of [`sheet`], made on demand (a national diff is
/// streamed, not held as cells).
pub fn row(c: &Comparison, i: usize) -> Vec<Cell> {
    let mut row = Vec::new();
    c.row_into(i, &mut row);
    row
}

impl Rows for Comparison<'_> {
    fn count(&self) -> usize {
        self.pairs.len()
    }

    fn warm(&self, rows: std::ops::Range<usize>) {
        let pairs = self.pairs.get(rows).unwrap_or_default();
        std::hint::black_box(pairs.iter().fold(0, |acc, p| {
            acc ^ p.old.map_or(0, |o| self.old.touch(o)) ^ p.new.map_or(0, |n| self.new.touch(n))
        }));
    }

    fn row_into(&self, i: usize, out: &mut impl RowSink) {
        let r = self.new.rubric;
        let scale = self.scale();
        let Some(p) = self.pairs.get(i) else { return };
        // The newer year's id, label and group where the unit is in it.
        let (table, u) = match (p.new, p.old) {
            (Some(n), _) => (self.new.table, Some(n)),
            (None, Some(o)) => (self.old.table, Some(o)),
            (None, None) => (self.new.table, None),
        };
        let u = u.filter(|&u| u < table.len());
        out.opt_text(u.map(|u| table.id(u)));
        if r.label_column.is_some() {
            out.opt_text(u.and_then(|u| table.label(u)));
        }
        if r.group_column.is_some() {
            out.opt_text(u.and_then(|u| table.group(u)));
        }
        let scaled = |x: Option<f64>| x.map(|v| v * scale);
        out.text(p.status.as_str());
        out.opt_int(p.old.and_then(|o| self.old.rank(o)));
        out.opt_int(p.new.and_then(|n| self.new.rank(n)));
        match self.rank_change(p) {
            Some(c) => out.signed(c),
            None => out.empty(),
        }
        out.opt_num(scaled(p.old.and_then(|o| self.old.score(o))));
        out.opt_num(scaled(p.new.and_then(|n| self.new.score(n))));
        out.opt_num(self.score_change(p));
        if !r.grades.is_empty() {
            out.opt_text(grade_name(self.old, p.old));
            out.opt_text(grade_name(self.new, p.new));
        }
        for d in 0..r.dimensions.len() {
            let o = p.old.and_then(|o| self.old.dimension(o, d));
            let n = p.new.and_then(|n| self.new.dimension(n, d));
            out.opt_num(o.zip(n).map(|(o, n)| (n - o) * scale));
        }
        if let Some(intervals) = &self.uncertainty {
            let interval = p.new.and_then(|n| intervals.get(n).copied().flatten());
            out.opt_int(interval.map(|i| i.p05 as usize));
            out.opt_int(interval.map(|i| i.p95 as usize));
            out.opt_text(self.movement(p).map(Move::as_str));
        }
    }
}

/// The grade name of unit `u` (if any) in a scored year.
fn grade_name<'s>(scored: &'s Scored, u: Option<usize>) -> Option<&'s str> {
    let g = scored.grade(u?)?;
    scored.rubric.grades.get(g).map(|g| g.name.as_str())
}

/// Under `--uncertainty` over `runs` re-scorings: "k of n rank changes go
/// beyond the new year's interval", in the rubric's language.
pub fn moves_line(c: &Comparison, runs: usize) -> String {
    let (beyond, within) = c.movements();
    let moved = beyond + within;
    if c.new.rubric.is_chinese() {
        format!(
            "名次变化超出本年排名区间（{runs} 次改变权重重新计算的 5%–95%）：{beyond} / {moved} 个单位；其余 {within} 个在区间内，可能只是权重的不确定性"
        )
    } else {
        format!(
            "rank changes beyond the new year's rank interval (5th–95th percentile over {runs} re-scorings with varied weights): {beyond} of {moved} units that moved; the other {within} are within it and may be weight uncertainty alone"
        )
    }
}
