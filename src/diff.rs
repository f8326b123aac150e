//! Year over year: two scored tables matched by unit id (SPEC "Year over year").

use crate::engine::Scored;
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

    pub fn scale(&self) -> f64 {
        self.new.rubric.scale
    }

    pub fn score_change(&self, p: &Pair) -> Option<f64> {
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

    pub fn rank_change(&self, p: &Pair) -> Option<i64> {
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
}
