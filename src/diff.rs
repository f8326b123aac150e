//! Year over year: two scored tables matched by unit id (SPEC "Year over year").

use crate::engine::Scored;
use crate::output::{Cell, Column, Kind, RowSink, Rows, Sheet};
use crate::sensitivity::Interval;
use std::collections::{BTreeMap, HashMap};

/// Whether a unit is in both years, only the new one, or only the old one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Kept,
    New,
    Gone,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Kept => "kept",
            Status::New => "new",
            Status::Gone => "gone",
        }
    }
}

/// One unit of the comparison: its index in the old and/or new table.
#[derive(Debug, Clone, Copy)]
pub struct Pair {
    pub status: Status,
    pub old: Option<usize>,
    pub new: Option<usize>,
}

/// A unit that moved, for the summary.
#[derive(Debug, Clone)]
pub struct Mover {
    pub id: String,
    pub label: Option<String>,
    pub rank_old: usize,
    pub rank_new: usize,
    pub score_change: f64,
}

/// The ten-second summary of a comparison.
#[derive(Debug, Clone)]
pub struct Summary {
    pub kept: usize,
    pub new: usize,
    pub gone: usize,
    /// Mean change of the score over kept units with a score in both years (on 0..scale).
    pub mean_score_change: Option<f64>,
    /// Per dimension, the same.
    pub mean_dimension_change: Vec<Option<f64>>,
    pub risers: Vec<Mover>,
    pub fallers: Vec<Mover>,
    /// (old grade, new grade) → count over kept units whose grade changed.
    pub grade_transitions: Vec<((String, String), usize)>,
    /// Kept units whose grade stayed the same.
    pub grade_unchanged: usize,
}

/// Two scored years matched by id.
pub struct Comparison<'a> {
    pub old: &'a Scored<'a>,
    pub new: &'a Scored<'a>,
    /// Rows in output order: by new rank, then gone units by old rank.
    pub pairs: Vec<Pair>,
    /// `--uncertainty`: per unit of the new year, its rank interval over
    /// re-scorings (SPEC "Robustness").
    pub uncertainty: Option<Vec<Option<Interval>>>,
}

/// Whether a rank change is larger than the new year's rank interval allows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Move {
    /// The old rank lies outside the new year's interval: a real move.
    Beyond,
    /// Within it: re-weighting alone could have moved the unit as far.
    Within,
}

impl Move {
    pub fn as_str(self) -> &'static str {
        match self {
            Move::Beyond => "beyond",
            Move::Within => "within",
        }
    }
}

impl<'a> Comparison<'a> {
    pub fn new(old: &'a Scored<'a>, new: &'a Scored<'a>) -> Comparison<'a> {
        let old_index: HashMap<&str, usize> = (0..old.table.len()).map(|i| (old.table.id(i), i)).collect();
        let new_ids: std::collections::HashSet<&str> = (0..new.table.len()).map(|i| new.table.id(i)).collect();
        let mut pairs: Vec<Pair> = new
            .order
            .iter()
            .map(|&n| {
                let o = old_index.get(new.table.id(n)).copied();
                Pair {
                    status: if o.is_some() { Status::Kept } else { Status::New },
                    old: o,
                    new: Some(n),
                }
            })
            .collect();
        pairs.extend(
            old.order
                .iter()
                .filter(|&&o| !new_ids.contains(old.table.id(o)))
                .map(|&o| Pair {
                    status: Status::Gone,
                    old: Some(o),
                    new: None,
                }),
        );
        Comparison {
            old,
            new,
            pairs,
            uncertainty: None,
        }
    }

    fn scale(&self) -> f64 {
        self.new.rubric.scale
    }

    fn score_change(&self, p: &Pair) -> Option<f64> {
        let o = self.old.score(p.old?)?;
        let n = self.new.score(p.new?)?;
        Some((n - o) * self.scale())
    }

    /// For a kept unit whose rank changed, under `--uncertainty`: whether the
    /// change goes beyond the new year's rank interval.
    pub fn movement(&self, p: &Pair) -> Option<Move> {
        let intervals = self.uncertainty.as_ref()?;
        let rank_old = self.old.rank(p.old?)?;
        if self.rank_change(p)? == 0 {
            return None;
        }
        let interval = intervals.get(p.new?).copied().flatten()?;
        let rank_old = u32::try_from(rank_old).unwrap_or(u32::MAX);
        Some(if interval.contains(rank_old) {
            Move::Within
        } else {
            Move::Beyond
        })
    }

    /// Under `--uncertainty`: rank changes beyond and within the new year's intervals.
    pub fn movements(&self) -> (usize, usize) {
        self.pairs
            .iter()
            .fold((0, 0), |(beyond, within), p| match self.movement(p) {
                Some(Move::Beyond) => (beyond + 1, within),
                Some(Move::Within) => (beyond, within + 1),
                None => (beyond, within),
            })
    }

    /// Under `--uncertainty` over `runs` re-scorings: "k of n rank changes go
    /// beyond the new year's interval", in the rubric's language.
    pub fn moves_line(&self, runs: usize) -> String {
        let (beyond, within) = self.movements();
        let moved = beyond + within;
        if self.new.rubric.is_chinese() {
            format!(
                "名次变化超出本年排名区间（{runs} 次改变权重重新计算的 5%–95%）：{beyond} / {moved} 个单位；其余 {within} 个在区间内，可能只是权重的不确定性"
            )
        } else {
            format!(
                "rank changes beyond the new year's rank interval (5th–95th percentile over {runs} re-scorings with varied weights): {beyond} of {moved} units that moved; the other {within} are within it and may be weight uncertainty alone"
            )
        }
    }

    fn rank_change(&self, p: &Pair) -> Option<i64> {
        let o = self.old.rank(p.old?)?;
        let n = self.new.rank(p.new?)?;
        Some(o as i64 - n as i64)
    }

    /// The summary, with `top` risers and fallers.
    pub fn summary(&self, top: usize) -> Summary {
        let count = |s: Status| self.pairs.iter().filter(|p| p.status == s).count();
        let kept: Vec<&Pair> = self.pairs.iter().filter(|p| p.status == Status::Kept).collect();
        let mean = |values: Vec<f64>| (!values.is_empty()).then(|| crate::stats::mean(&values));
        let mean_score_change = mean(kept.iter().filter_map(|p| self.score_change(p)).collect());
        let mean_dimension_change = (0..self.new.rubric.dimensions.len())
            .map(|d| {
                mean(
                    kept.iter()
                        .filter_map(|p| {
                            let o = self.old.dimension(p.old?, d)?;
                            let n = self.new.dimension(p.new?, d)?;
                            Some((n - o) * self.scale())
                        })
                        .collect(),
                )
            })
            .collect();
        let mut movers: Vec<(i64, Mover)> = kept
            .iter()
            .filter_map(|p| {
                let change = self.rank_change(p)?;
                let n = p.new?;
                Some((
                    change,
                    Mover {
                        id: self.new.table.id(n).to_string(),
                        label: self.new.table.label(n).map(str::to_string),
                        rank_old: self.old.rank(p.old?)?,
                        rank_new: self.new.rank(n)?,
                        score_change: self.score_change(p)?,
                    },
                ))
            })
            .collect();
        movers.sort_by(|a, b| {
            b.0.cmp(&a.0)
                .then_with(|| b.1.score_change.total_cmp(&a.1.score_change))
                .then_with(|| a.1.id.cmp(&b.1.id))
        });
        let risers = movers
            .iter()
            .filter(|m| m.0 > 0)
            .take(top)
            .map(|m| m.1.clone())
            .collect();
        let fallers = movers
            .iter()
            .rev()
            .filter(|m| m.0 < 0)
            .take(top)
            .map(|m| m.1.clone())
            .collect();

        let grade_name = |s: &Scored, u: usize| {
            s.grade(u)
                .map_or_else(|| "—".to_string(), |g| s.rubric.grades[g].name.clone())
        };
        let mut transitions: BTreeMap<(String, String), usize> = BTreeMap::new();
        let mut grade_unchanged = 0;
        if !self.new.rubric.grades.is_empty() {
            for p in &kept {
                let (Some(o), Some(n)) = (p.old, p.new) else { continue };
                let from = grade_name(self.old, o);
                let to = grade_name(self.new, n);
                if from == to {
                    grade_unchanged += 1;
                } else {
                    *transitions.entry((from, to)).or_default() += 1;
                }
            }
        }
        let mut grade_transitions: Vec<((String, String), usize)> = transitions.into_iter().collect();
        grade_transitions.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        Summary {
            kept: count(Status::Kept),
            new: count(Status::New),
            gone: count(Status::Gone),
            mean_score_change,
            mean_dimension_change,
            risers,
            fallers,
            grade_transitions,
            grade_unchanged,
        }
    }

    /// One row per unit in either file: `id, label?, group?, status,
    /// rank_old, rank_new, rank_change, score_old, score_new, score_change,
    /// grade_old?, grade_new?, <dimension>_change…`.
    pub fn sheet(&self) -> Sheet {
        Sheet {
            columns: self.columns(),
            rows: (0..self.pairs.len()).map(|i| self.row(i)).collect(),
        }
    }

    /// The columns of [`Comparison::sheet`].
    pub fn columns(&self) -> Vec<Column> {
        let r = self.new.rubric;
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
        if self.uncertainty.is_some() {
            columns.extend([
                Column::new("rank_new_p05", t("rank new p5", "本年排名P5"), Kind::Int),
                Column::new("rank_new_p95", t("rank new p95", "本年排名P95"), Kind::Int),
                Column::new("rank_move", t("move", "变化是否超出区间"), Kind::Text),
            ]);
        }

        columns
    }

    /// Row `i` of [`Comparison::sheet`], made on demand (a national diff is
    /// streamed, not held as cells).
    pub fn row(&self, i: usize) -> Vec<Cell> {
        let mut row = Vec::new();
        self.row_into(i, &mut row);
        row
    }
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
