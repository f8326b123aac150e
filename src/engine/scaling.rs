//! How each indicator is put on 0..1 (SPEC "Maths": the normalization
//! table, and "Numerical soundness" for constant columns): the [`Scaling`]
//! fitted to a column, goalposts, and the bucketed [`RankTable`] that rank
//! normalization looks values up in.

use crate::rubric::{Direction, Normalize, Rubric};
use crate::stats;

/// How one indicator is put on 0..1, with what it took from the data.
#[derive(Debug, Clone, PartialEq)]
pub enum Scaling {
    /// Goalposts after the transform.
    Goalpost {
        lo: f64,
        hi: f64,
    },
    Minmax {
        min: f64,
        max: f64,
    },
    Zscore {
        mean: f64,
        sd: f64,
    },
    /// The reference values (shared: a national column is a million of them).
    Rank(std::sync::Arc<RankTable>),
    /// `normalize = "none"`.
    Identity,
    /// A constant column under a sample-relative normalization: every unit
    /// gets this z (1 under minmax and rank, 0 under zscore).
    Constant(f64),
}

impl Scaling {
    /// Rank normalization against `reference` values (any order); a
    /// constant column (or fewer than two values) gives 1.
    pub fn rank(mut reference: Vec<f64>) -> Scaling {
        stats::sort_total(&mut reference);
        if reference.len() < 2 || reference.first() == reference.last() {
            Scaling::Constant(1.0)
        } else {
            Scaling::Rank(std::sync::Arc::new(RankTable::new(&reference)))
        }
    }

    /// Rank normalization against reference values given as distinct
    /// values with their counts, in any order (a column read from its
    /// counts by mantissa): the same as [`Scaling::rank`] of the values
    /// repeated, without sorting a million of them.
    pub fn rank_counted(mut counted: Vec<(f64, u32)>) -> Scaling {
        counted.retain(|&(_, count)| count > 0);
        counted.sort_by(|a, b| a.0.total_cmp(&b.0));
        let n: usize = counted.iter().map(|&(_, count)| count as usize).sum();
        let (first, last) = (counted.first().map(|c| c.0), counted.last().map(|c| c.0));
        if n < 2 || first == last {
            Scaling::Constant(1.0)
        } else {
            Scaling::Rank(std::sync::Arc::new(RankTable::from_counted(counted)))
        }
    }

    /// z before `floor`, per the SPEC "Maths" table.
    pub fn apply(&self, x: f64, direction: Direction) -> f64 {
        let lower = direction == Direction::Lower;
        match self {
            Scaling::Goalpost { lo, hi } => goalpost(x, *lo, *hi, lower),
            Scaling::Minmax { min, max } => minmax(x, *min, *max, lower),
            Scaling::Zscore { mean, sd } => zscore(x, *mean, *sd, lower),
            Scaling::Rank(table) => {
                let q = table.fraction(x);
                if lower { 1.0 - q } else { q }
            }
            Scaling::Identity => {
                if lower {
                    1.0 - x
                } else {
                    x
                }
            }
            Scaling::Constant(z) => *z,
        }
    }
}

/// The scaling of indicator `i` from its (transformed) values.
pub fn fit_scaling(rubric: &Rubric, i: usize, present: &[f64]) -> Scaling {
    let ind = &rubric.indicators[i];
    match ind.normalize {
        Normalize::Goalpost => {
            let (lo, hi) = ind.goalposts.unwrap_or((0.0, 1.0));
            // Goalposts pass through the same transform (validated in the rubric).
            Scaling::Goalpost {
                lo: ind.transform.apply(lo).unwrap_or(lo),
                hi: ind.transform.apply(hi).unwrap_or(hi),
            }
        }
        // Constant means max = min exactly (SPEC "Maths"), never a small sd:
        // 0.1, 0.1, 0.1 once gave sd ≈ 1e-17 and z = −81.6 for every unit.
        Normalize::Minmax => match stats::min_max(present) {
            Some((min, max)) if max > min => Scaling::Minmax { min, max },
            _ => Scaling::Constant(1.0),
        },
        Normalize::Zscore => match stats::min_max(present) {
            Some((min, max)) if max > min => {
                let mean = stats::mean(present);
                Scaling::Zscore {
                    mean,
                    sd: stats::sample_sd(present, mean),
                }
            }
            _ => Scaling::Constant(0.0),
        },
        Normalize::Rank => Scaling::rank(present.to_vec()),
        Normalize::None => Scaling::Identity,
    }
}

/// [`fit_scaling`] from a sample-relative column's values with their counts
/// (see [`crate::stats::mean_counted`]): the same bounds and ranks, a mean
/// and sd as exact as from every cell (their last bit may differ).
pub(super) fn fit_scaling_counted(rubric: &Rubric, i: usize, counted: Vec<(f64, u32)>) -> Scaling {
    let bounds = stats::min_max_counted(&counted);
    match rubric.indicators[i].normalize {
        Normalize::Minmax => match bounds {
            Some((min, max)) if max > min => Scaling::Minmax { min, max },
            _ => Scaling::Constant(1.0),
        },
        Normalize::Zscore => match bounds {
            Some((min, max)) if max > min => {
                let mean = stats::mean_counted(&counted);
                Scaling::Zscore {
                    mean,
                    sd: stats::sample_sd_counted(&counted, mean),
                }
            }
            _ => Scaling::Constant(0.0),
        },
        Normalize::Rank => Scaling::rank_counted(counted),
        Normalize::Goalpost | Normalize::None => fit_scaling(rubric, i, &[]),
    }
}

/// Minmax normalization: (x − min) / (max − min), or its mirror.
#[inline]
pub fn minmax(x: f64, min: f64, max: f64, lower: bool) -> f64 {
    if lower {
        stats::ratio_of_differences(max, x, max, min)
    } else {
        stats::ratio_of_differences(x, min, max, min)
    }
}

/// Z-score normalization: (x − mean) / sd, negated for `lower`.
#[inline]
pub fn zscore(x: f64, mean: f64, sd: f64, lower: bool) -> f64 {
    let z = stats::ratio_of_differences(x, mean, sd, 0.0);
    if lower { -z } else { z }
}

/// Goalpost normalization: (clamp(x, lo, hi) − lo) / (hi − lo), or its mirror.
#[inline]
pub fn goalpost(x: f64, lo: f64, hi: f64, lower: bool) -> f64 {
    let c = x.clamp(lo, hi);
    if lower {
        stats::ratio_of_differences(hi, c, hi, lo)
    } else {
        stats::ratio_of_differences(c, lo, hi, lo)
    }
}

/// The reference values of rank normalization, as distinct values with
/// counts, and a bucket index over them: a lookup reads one small bucket
/// entry and a cache line or two of values, instead of two binary searches
/// over a million values (a national column; the lookup runs for every cell).
#[derive(Debug, Clone, PartialEq)]
pub struct RankTable {
    /// Distinct reference values, ascending.
    entries: Vec<RankEntry>,
    /// `start[b]`: the first entry in bucket `b` or later.
    start: Vec<u32>,
    /// How many reference values in all.
    n: usize,
}

#[derive(Debug, Clone, Copy, PartialEq)]
struct RankEntry {
    value: f64,
    /// How many reference values are less than this one, and equal to it.
    below: u32,
    equal: u32,
}

/// Distinct values per bucket, on average.
const RANK_BUCKET: usize = 4;

impl RankTable {
    /// From the reference values sorted ascending (at least two, not all
    /// equal; fewer than 2³² of them, as any table in memory is).
    fn new(sorted: &[f64]) -> RankTable {
        RankTable::from_counted(sorted.iter().map(|&v| (v, 1)))
    }

    /// From the reference values as (value, count) pairs in ascending
    /// order (a value may come in several pairs).
    fn from_counted(sorted: impl IntoIterator<Item = (f64, u32)>) -> RankTable {
        let count = |k: usize| u32::try_from(k).unwrap_or(u32::MAX);
        let mut entries: Vec<RankEntry> = Vec::new();
        let mut n = 0usize;
        for (v, times) in sorted {
            match entries.last_mut() {
                // Equal as numbers (so −0 and 0 are one value, as `<` sees them).
                Some(last) if last.value == v => last.equal = last.equal.saturating_add(times),
                _ => entries.push(RankEntry {
                    value: v,
                    below: count(n),
                    equal: times,
                }),
            }
            n += times as usize;
        }
        let mut table = RankTable {
            entries,
            start: Vec::new(),
            n,
        };
        let buckets = table.buckets();
        let mut start = Vec::with_capacity(buckets + 2);
        for (j, e) in table.entries.iter().enumerate() {
            // Buckets are a monotone function of the value, so bucket b
            // holds exactly the entries between start[b] and start[b + 1].
            while start.len() <= table.bucket(e.value).unwrap_or(0) {
                start.push(count(j));
            }
        }
        start.resize(buckets + 2, count(table.entries.len()));
        table.start = start;
        table
    }

    fn buckets(&self) -> usize {
        (self.entries.len() / RANK_BUCKET).max(1)
    }

    /// The bucket of `v` among equal slices of the value range (`None`
    /// outside it, or NaN). Monotone in `v`: every step rounds monotonically.
    fn bucket(&self, v: f64) -> Option<usize> {
        let (lo, hi) = (self.entries.first()?.value, self.entries.last()?.value);
        if !(lo..=hi).contains(&v) || hi <= lo {
            return None;
        }
        Some(((v - lo) / (hi - lo) * self.buckets() as f64) as usize)
    }

    /// How many distinct values are less than `v`.
    fn position(&self, v: f64) -> usize {
        let all = (0, self.entries.len());
        let (from, to) = match self.bucket(v).map(|b| (self.start.get(b), self.start.get(b + 1))) {
            Some((Some(&from), Some(&to))) => (from as usize, to as usize),
            _ => all,
        };
        from + self
            .entries
            .get(from..to)
            .unwrap_or_default()
            .partition_point(|e| e.value < v)
    }

    /// (r − 1)/(n − 1) for value `v` among the n reference values, r its
    /// ascending rank with ties averaged. Ranks are 1-based: values below v
    /// take ranks 1..=below; the ties take below+1 ..= below+equal, whose
    /// mean is below + (equal + 1)/2.
    pub fn fraction(&self, v: f64) -> f64 {
        let n = self.n;
        let (below, equal) = match self.entries.get(self.position(v)) {
            Some(e) if e.value == v => (f64::from(e.below), f64::from(e.equal)),
            Some(e) => (f64::from(e.below), 0.0),
            None => (n as f64, 0.0),
        };
        let r = below + (equal + 1.0) / 2.0;
        // A value beyond every reference value (possible with frozen
        // parameters) ranks at the end, not past it.
        ((r - 1.0) / (n as f64 - 1.0)).clamp(0.0, 1.0)
    }

    /// Every reference value, ascending, with repeats (for `--freeze`).
    pub fn reference(&self) -> impl Iterator<Item = f64> + '_ {
        self.entries
            .iter()
            .flat_map(|e| std::iter::repeat_n(e.value, e.equal as usize))
    }
}

/// The warning for the constant columns among `scaling` (SPEC "Maths":
/// max = min under a sample-relative normalization), if any.
pub fn constant_warning(rubric: &Rubric, scaling: &[Scaling]) -> Option<String> {
    let constant: Vec<&str> = scaling
        .iter()
        .zip(&rubric.indicators)
        .filter(|(s, _)| matches!(s, Scaling::Constant(_)))
        .map(|(_, ind)| ind.name.as_str())
        .collect();
    (!constant.is_empty()).then(|| {
        format!(
            "constant column(s) under a sample-relative normalization: {} (minmax and rank give every unit 1, zscore gives 0)",
            constant.join(", ")
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn goalpost_by_hand() {
        // (clamp(45, 20, 100) − 20) / 80 = 25 / 80 = 0.3125
        assert_eq!(goalpost(45.0, 20.0, 100.0, false), 0.3125);
        assert_eq!(goalpost(45.0, 20.0, 100.0, true), 0.6875);
        assert_eq!(goalpost(120.0, 20.0, 100.0, false), 1.0);
        assert_eq!(goalpost(-5.0, 20.0, 100.0, false), 0.0);
        assert_eq!(goalpost(-5.0, 20.0, 100.0, true), 1.0);
    }

    /// The definition, by two binary searches over every reference value.
    fn rank_fraction(sorted: &[f64], v: f64) -> f64 {
        let n = sorted.len();
        let below = sorted.partition_point(|&s| s < v);
        let upto = sorted.partition_point(|&s| s <= v);
        let r = below as f64 + ((upto - below) as f64 + 1.0) / 2.0;
        ((r - 1.0) / (n as f64 - 1.0)).clamp(0.0, 1.0)
    }

    #[test]
    fn rank_normalization_averages_ties() {
        // values 10, 20, 20, 40: ranks 1, 2.5, 2.5, 4 → (r−1)/3 = 0, 0.5, 0.5, 1
        let s = Scaling::rank(vec![20.0, 40.0, 10.0, 20.0]);
        let Scaling::Rank(table) = &s else { panic!("{s:?}") };
        assert_eq!(table.fraction(10.0), 0.0);
        assert_eq!(table.fraction(20.0), 0.5);
        assert_eq!(table.fraction(40.0), 1.0);
        // 15: 1 below, none equal → r = 1.5 → 0.5/3
        assert_eq!(table.fraction(15.0), 0.5 / 3.0);
        assert_eq!(table.fraction(5.0), 0.0);
        assert_eq!(table.fraction(99.0), 1.0);
        assert_eq!(table.reference().collect::<Vec<_>>(), [10.0, 20.0, 20.0, 40.0]);
        assert_eq!(s.apply(10.0, Direction::Lower), 1.0);
        assert_eq!(Scaling::rank(vec![3.0, 3.0]), Scaling::Constant(1.0));
        // −0 and 0 are one value: 0 has one value below and two equal.
        let sorted = [-1.0, -0.0, 0.0, 2.0];
        let Scaling::Rank(table) = Scaling::rank(sorted.to_vec()) else {
            panic!()
        };
        for v in [0.0, -0.0, 1.0, -1.0] {
            assert_eq!(table.fraction(v), rank_fraction(&sorted, v), "{v}");
        }
    }

    proptest::proptest! {
        #[test]
        fn rank_lookup_agrees_with_the_definition(
            reference in proptest::collection::vec(-50i32..50, 2..60),
            probes in proptest::collection::vec(-60i32..60, 1..20),
            spread in proptest::sample::select(vec![1.0, 0.1, 1e-9, 1e12]),
        ) {
            let mut sorted: Vec<f64> = reference.iter().map(|&r| f64::from(r) * spread).collect();
            sorted.sort_by(f64::total_cmp);
            let s = Scaling::rank(sorted.clone());
            if let Scaling::Rank(table) = &s {
                for p in probes.iter().map(|&p| f64::from(p) * spread).chain(sorted.iter().copied()) {
                    proptest::prop_assert_eq!(table.fraction(p).to_bits(), rank_fraction(&sorted, p).to_bits(), "{}", p);
                }
                proptest::prop_assert_eq!(table.reference().collect::<Vec<_>>(), sorted);
            } else {
                proptest::prop_assert!(sorted.first() == sorted.last());
            }
        }
    }
}
