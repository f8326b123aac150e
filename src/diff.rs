//! Year over year: two scored tables matched by unit id (SPEC "Year over year").

use crate::engine::Scored;
use crate::input::Table;
use crate::sensitivity::Interval;
use crate::stats::Mean;
use rayon::prelude::*;
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

/// One unit of the comparison: its index in the old and/or new table, in
/// 8 bytes (a national comparison holds a million).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pair {
    old: u32,
    new: u32,
}

/// The index of a year a unit is not in.
const ABSENT: u32 = u32::MAX;

/// A unit index as stored in a [`Pair`] (tables in memory hold fewer than
/// 2³² − 1 units, as their coded columns assume).
fn stored(u: Option<usize>) -> u32 {
    u.and_then(|u| u32::try_from(u).ok())
        .filter(|&u| u != ABSENT)
        .unwrap_or(ABSENT)
}

impl Pair {
    pub fn of(old: Option<usize>, new: Option<usize>) -> Pair {
        Pair {
            old: stored(old),
            new: stored(new),
        }
    }

    /// The unit's index in the old table, if it is in the old year.
    pub fn in_old(&self) -> Option<usize> {
        (self.old != ABSENT).then_some(self.old as usize)
    }

    /// The unit's index in the new table, if it is in the new year.
    pub fn in_new(&self) -> Option<usize> {
        (self.new != ABSENT).then_some(self.new as usize)
    }

    pub fn status(&self) -> Status {
        if self.old == ABSENT {
            Status::New
        } else if self.new == ABSENT {
            Status::Gone
        } else {
            Status::Kept
        }
    }
}

/// For each unit of `new`, the unit of `old` with the same id (ids are
/// unique in a table). Joined on sorted (hash, unit) pairs, which sort in
/// parallel and take 16 bytes a unit, rather than a map of a million ids;
/// units whose hashes agree are compared by id.
fn match_ids(old: &Table, new: &Table) -> Vec<Option<usize>> {
    let keyed = |table: &Table| {
        let mut keys: Vec<(u64, usize)> = (0..table.len())
            .into_par_iter()
            .map(|u| {
                let mut h = std::hash::DefaultHasher::new();
                std::hash::Hash::hash(table.id(u), &mut h);
                (std::hash::Hasher::finish(&h), u)
            })
            .collect();
        keys.par_sort_unstable();
        keys
    };
    let (old_keys, new_keys) = rayon::join(|| keyed(old), || keyed(new));
    // A merge walk (both lists are sorted by hash) gives the pairs whose
    // hashes agree; their ids are compared in parallel.
    let mut candidates: Vec<(usize, usize)> = Vec::with_capacity(new.len());
    let (mut i, mut j) = (0, 0);
    while let (Some(&(a, _)), Some(&(b, _))) = (old_keys.get(i), new_keys.get(j)) {
        if a < b {
            i += 1;
        } else if b < a {
            j += 1;
        } else {
            let run = |keys: &[(u64, usize)], from: usize| {
                from + keys
                    .get(from..)
                    .unwrap_or_default()
                    .iter()
                    .take_while(|k| k.0 == a)
                    .count()
            };
            let (i_end, j_end) = (run(&old_keys, i), run(&new_keys, j));
            let (olds, news) = (
                old_keys.get(i..i_end).unwrap_or_default(),
                new_keys.get(j..j_end).unwrap_or_default(),
            );
            if let ([(_, o)], [(_, n)]) = (olds, news) {
                candidates.push((*n, *o));
            } else {
                // Ids that share a hash (rare, or a file made to collide):
                // matched by sorting them, never pair by pair.
                candidates.extend(same_ids(olds, news, old, new));
            }
            (i, j) = (i_end, j_end);
        }
    }
    let matched: Vec<(usize, usize)> = candidates
        .into_par_iter()
        .filter(|&(n, o)| old.id(o) == new.id(n))
        .collect();
    let mut old_of = vec![None; new.len()];
    for (n, o) in matched {
        if let Some(slot) = old_of.get_mut(n) {
            *slot = Some(o);
        }
    }
    old_of
}

/// The (new, old) units of equal id among units whose ids share a hash.
fn same_ids(olds: &[(u64, usize)], news: &[(u64, usize)], old: &Table, new: &Table) -> Vec<(usize, usize)> {
    let mut olds: Vec<usize> = olds.iter().map(|&(_, o)| o).collect();
    let mut news: Vec<usize> = news.iter().map(|&(_, n)| n).collect();
    olds.sort_unstable_by(|&a, &b| old.id(a).cmp(old.id(b)));
    news.sort_unstable_by(|&a, &b| new.id(a).cmp(new.id(b)));
    let mut found = Vec::new();
    let (mut i, mut j) = (0, 0);
    while let (Some(&o), Some(&n)) = (olds.get(i), news.get(j)) {
        match old.id(o).cmp(new.id(n)) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                found.push((n, o));
                (i, j) = (i + 1, j + 1);
            }
        }
    }
    found
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

/// Units of a comparison's summary worked out per parallel task.
const SUMMARY_CHUNK: usize = 1 << 12;

/// A mover before it is named: rank change, score change, old and new unit.
type MoverKey = (i64, f64, usize, usize);

/// What one pass over the kept units gathers (see [`Comparison::tally`]).
struct Tally {
    /// Per column (the score, then each dimension): the smallest and
    /// largest change.
    ranges: Vec<Option<(f64, f64)>>,
    risers: Vec<MoverKey>,
    fallers: Vec<MoverKey>,
    /// (old grade, new grade) by index → units.
    grades: HashMap<(Option<usize>, Option<usize>), usize>,
}

/// Widens each column's (smallest, largest) by a row's values (NaN: none).
fn widen_ranges(ranges: &mut [Option<(f64, f64)>], row: &[f64]) {
    for (range, &v) in ranges.iter_mut().zip(row) {
        if !v.is_nan() {
            *range = Some(range.map_or((v, v), |(lo, hi)| (lo.min(v), hi.max(v))));
        }
    }
}

/// (old grade, new grade) and how many kept units made that change.
type Transitions = Vec<((String, String), usize)>;

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
        let old_of = match_ids(old.table, new.table);
        let mut kept_old = vec![false; old.table.len()];
        for o in old_of.iter().flatten() {
            if let Some(kept) = kept_old.get_mut(*o) {
                *kept = true;
            }
        }
        let mut pairs: Vec<Pair> = new
            .order
            .par_iter()
            .map(|&n| Pair::of(old_of.get(n).copied().flatten(), Some(n)))
            .collect();
        let gone: Vec<Pair> = old
            .order
            .par_iter()
            .filter(|&&o| !kept_old.get(o).copied().unwrap_or(false))
            .map(|&o| Pair::of(Some(o), None))
            .collect();
        pairs.extend(gone);
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
        let o = self.old.score(p.in_old()?)?;
        let n = self.new.score(p.in_new()?)?;
        Some((n - o) * self.scale())
    }

    /// For a kept unit whose rank changed, under `--uncertainty`: whether the
    /// change goes beyond the new year's rank interval.
    pub fn movement(&self, p: &Pair) -> Option<Move> {
        let intervals = self.uncertainty.as_ref()?;
        let rank_old = self.old.rank(p.in_old()?)?;
        if self.rank_change(p)? == 0 {
            return None;
        }
        let interval = intervals.get(p.in_new()?).copied().flatten()?;
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
        let o = self.old.rank(p.in_old()?)?;
        let n = self.new.rank(p.in_new()?)?;
        Some(o as i64 - n as i64)
    }

    /// The summary, with `top` risers and fallers.
    pub fn summary(&self, top: usize) -> Summary {
        let count = |s: Status| self.pairs.iter().filter(|p| p.status() == s).count();
        let kept: Vec<&Pair> = self.pairs.par_iter().filter(|p| p.status() == Status::Kept).collect();
        let tally = self.tally(&kept, top);
        let (mean_score_change, mean_dimension_change) = self.mean_changes(&kept, &tally.ranges);
        let mover = |&(_, score_change, o, n): &MoverKey| {
            Some(Mover {
                id: self.new.table.id(n).to_string(),
                label: self.new.table.label(n).map(str::to_string),
                rank_old: self.old.rank(o)?,
                rank_new: self.new.rank(n)?,
                score_change,
            })
        };
        let (grade_transitions, grade_unchanged) = self.named_grades(tally.grades);
        Summary {
            kept: count(Status::Kept),
            new: count(Status::New),
            gone: count(Status::Gone),
            mean_score_change,
            mean_dimension_change,
            risers: tally.risers.iter().filter_map(mover).collect(),
            fallers: tally.fallers.iter().filter_map(mover).collect(),
            grade_transitions,
            grade_unchanged,
        }
    }

    /// One pass over the kept units in parallel chunks (a national diff
    /// has a million; they are read at random, in rank order): each
    /// column's range of changes, the risers and fallers, the grade moves
    /// by index. Risers and fallers are the ends of the units ordered by
    /// rank change (largest first), then score change (largest first),
    /// then id; each chunk keeps only its own first `top` of each end, and
    /// chunks are merged the same way: the order is total, so the result is
    /// the same however the units are chunked.
    fn tally(&self, kept: &[&Pair], top: usize) -> Tally {
        type Order<'o> = &'o (dyn Fn(&MoverKey, &MoverKey) -> std::cmp::Ordering + Sync);
        let width = self.new.rubric.dimensions.len() + 1;
        let rising = |a: &MoverKey, b: &MoverKey| {
            b.0.cmp(&a.0)
                .then_with(|| b.1.total_cmp(&a.1))
                .then_with(|| self.new.table.id(a.3).cmp(self.new.table.id(b.3)))
        };
        let falling = |a: &MoverKey, b: &MoverKey| rising(b, a);
        let first = |mut list: Vec<MoverKey>, by: Order<'_>| {
            if list.len() > top && top > 0 {
                list.select_nth_unstable_by(top - 1, by);
            }
            list.truncate(top);
            list.sort_by(by);
            list
        };
        let graded = !self.new.rubric.grades.is_empty();
        kept.par_chunks(SUMMARY_CHUNK)
            .map(|pairs| {
                let mut ranges = vec![None; width];
                let (mut up, mut down, mut grades) = (Vec::new(), Vec::new(), HashMap::new());
                for (p, row) in pairs.iter().zip(self.changes(pairs).chunks_exact(width)) {
                    widen_ranges(&mut ranges, row);
                    let (Some(o), Some(n)) = (p.in_old(), p.in_new()) else {
                        continue;
                    };
                    if graded {
                        *grades.entry((self.old.grade(o), self.new.grade(n))).or_default() += 1;
                    }
                    let (Some(change), Some(&score)) = (self.rank_change(p), row.first()) else {
                        continue;
                    };
                    if score.is_nan() || change == 0 {
                        continue;
                    }
                    if change > 0 { &mut up } else { &mut down }.push((change, score, o, n));
                }
                Tally {
                    ranges,
                    risers: first(up, &rising),
                    fallers: first(down, &falling),
                    grades,
                }
            })
            .reduce(
                || Tally {
                    ranges: vec![None; width],
                    risers: Vec::new(),
                    fallers: Vec::new(),
                    grades: HashMap::new(),
                },
                |mut a, b| {
                    for (a, b) in a.ranges.iter_mut().zip(b.ranges) {
                        if let Some((lo, hi)) = b {
                            *a = Some(a.map_or((lo, hi), |(l, h)| (l.min(lo), h.max(hi))));
                        }
                    }
                    a.risers.extend(b.risers);
                    a.fallers.extend(b.fallers);
                    for (key, count) in b.grades {
                        *a.grades.entry(key).or_default() += count;
                    }
                    Tally {
                        risers: first(a.risers, &rising),
                        fallers: first(a.fallers, &falling),
                        ..a
                    }
                },
            )
    }

    /// The mean change of the score, and of each dimension, over `kept`,
    /// given each column's range (from [`Comparison::tally`]): the changes
    /// added in unit order (the steps and order of [`crate::stats::mean`],
    /// so its bits), a window of chunks worked out in parallel at a time.
    /// No list of a million changes is held.
    fn mean_changes(&self, kept: &[&Pair], ranges: &[Option<(f64, f64)>]) -> (Option<f64>, Vec<Option<f64>>) {
        const WINDOW: usize = 32;
        let width = self.new.rubric.dimensions.len() + 1;
        let mut means: Vec<Option<Mean>> = ranges.iter().map(|r| r.map(|(lo, hi)| Mean::within(lo, hi))).collect();
        for window in kept.chunks(SUMMARY_CHUNK * WINDOW) {
            let parts: Vec<Vec<f64>> = window
                .par_chunks(SUMMARY_CHUNK)
                .map(|pairs| self.changes(pairs))
                .collect();
            for row in parts.iter().flat_map(|rows| rows.chunks_exact(width)) {
                for (mean, &v) in means.iter_mut().zip(row) {
                    if let Some(mean) = mean.as_mut().filter(|_| !v.is_nan()) {
                        mean.add(v);
                    }
                }
            }
        }
        let mut values: Vec<Option<f64>> = means.iter().map(|m| m.map(|m| m.value())).collect();
        values.resize(width, None);
        let dimensions = values.split_off(1);
        (values.into_iter().next().flatten(), dimensions)
    }

    /// The changes of `pairs`: a row per unit of the score's change and each
    /// dimension's, NaN where there is none (a change of two values never
    /// is NaN).
    fn changes(&self, pairs: &[&Pair]) -> Vec<f64> {
        let width = self.new.rubric.dimensions.len() + 1;
        let mut rows = vec![f64::NAN; pairs.len() * width];
        for (row, p) in rows.chunks_exact_mut(width).zip(pairs) {
            let mut slots = row.iter_mut();
            if let (Some(c), Some(slot)) = (self.score_change(p), slots.next()) {
                *slot = c;
            }
            let (Some(o), Some(n)) = (p.in_old(), p.in_new()) else {
                continue;
            };
            for (d, slot) in slots.enumerate() {
                if let (Some(a), Some(b)) = (self.old.dimension(o, d), self.new.dimension(n, d)) {
                    *slot = (b - a) * self.scale();
                }
            }
        }
        rows
    }

    /// Grade transitions (most common first) and how many kept their
    /// grade, from the moves counted by grade index: named once here (a
    /// name per unit would be two strings for each of a million units).
    fn named_grades(&self, by_index: HashMap<(Option<usize>, Option<usize>), usize>) -> (Transitions, usize) {
        let grade_name = |s: &Scored, g: Option<usize>| {
            g.and_then(|g| s.rubric.grades.get(g))
                .map_or_else(|| "—".to_string(), |grade| grade.name.clone())
        };
        let mut transitions: BTreeMap<(String, String), usize> = BTreeMap::new();
        let mut grade_unchanged = 0;
        for ((o, n), count) in by_index {
            let (from, to) = (grade_name(self.old, o), grade_name(self.new, n));
            if from == to {
                grade_unchanged += count;
            } else {
                *transitions.entry((from, to)).or_default() += count;
            }
        }
        let mut grade_transitions: Vec<((String, String), usize)> = transitions.into_iter().collect();
        grade_transitions.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        (grade_transitions, grade_unchanged)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::{self, ReadOptions};
    use crate::rubric::Rubric;

    fn table(ids: &[&str]) -> Table {
        let text = "[rubric]\nname = \"t\"\nid = \"id\"\nnormalize = \"minmax\"\n[[dimension]]\nid = \"d\"\n[[indicator]]\nid = \"x\"\ndimension = \"d\"\n";
        let rubric = Rubric::parse("t.toml", text, false).unwrap();
        let mut csv = String::from("id,x\n");
        for (k, id) in ids.iter().enumerate() {
            csv.push_str(&format!("{id},{}\n", 10 + 7 * k));
        }
        input::from_bytes(&[("t.csv".into(), csv.into_bytes())], &rubric, &ReadOptions::default()).unwrap()
    }

    #[test]
    fn units_are_matched_by_id() {
        let old = table(&["a", "b", "c", "d"]);
        let new = table(&["c", "x", "a", "dd"]);
        assert_eq!(match_ids(&old, &new), vec![Some(2), None, Some(0), None]);
        assert_eq!(match_ids(&new, &old), vec![Some(2), None, Some(0), None]);
    }

    #[test]
    fn ids_that_share_a_hash_are_matched_by_id() {
        // Made-up equal hashes: only equal ids pair up, each once.
        let old = table(&["a", "b", "c"]);
        let new = table(&["c", "z", "a"]);
        let olds = [(7, 0), (7, 1), (7, 2)];
        let news = [(7, 0), (7, 1), (7, 2)];
        let mut found = same_ids(&olds, &news, &old, &new);
        found.sort_unstable();
        assert_eq!(found, vec![(0, 2), (2, 0)]);
    }
}
