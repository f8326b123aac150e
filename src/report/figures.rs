//! The numbers behind the report's figures: histogram bands, group
//! means, medians (compensated sums, as everywhere a statistic is taken).

use crate::engine::Scored;
use std::collections::HashMap;

/// The median of a sorted slice (the mean of the middle two when even).
pub(super) fn median_of(sorted: &[f64]) -> Option<f64> {
    let n = sorted.len();
    match n {
        0 => None,
        _ if n % 2 == 1 => sorted.get(n / 2).copied(),
        _ => Some(f64::midpoint(sorted[n / 2 - 1], sorted[n / 2])),
    }
}

/// Bins for the score histogram: `bins` equal bands over [0, scale],
/// widened to take any score outside it. Returns (counts, low edge, width).
pub fn histogram_bins(scores: &[f64], scale: f64, bins: usize) -> (Vec<usize>, f64, f64) {
    let mut bins = bins.max(1);
    let lo = scores.iter().copied().fold(0.0, f64::min);
    let hi = scores.iter().copied().fold(scale, f64::max);
    let mut width = if hi > lo { (hi - lo) / bins as f64 } else { 1.0 };
    if !width.is_finite() {
        // A range past the largest double: divide before subtracting.
        width = hi / bins as f64 - lo / bins as f64;
    }
    if width == 0.0 {
        // Bands narrower than the smallest double (a scale near 5e-324)
        // cannot be told apart: one band over the whole range.
        bins = 1;
        width = hi - lo;
    }
    let mut counts = vec![0usize; bins];
    for &s in scores {
        if !s.is_finite() {
            continue;
        }
        let k = (((s - lo) / width).floor().max(0.0) as usize).min(bins - 1);
        counts[k] += 1;
    }
    (counts, lo, width)
}

/// One group's means, on 0..1.
#[derive(Debug, Clone, PartialEq)]
pub struct GroupMeans {
    pub name: String,
    pub units: usize,
    /// Mean score over the group's units that have one.
    pub score: Option<f64>,
    /// Per dimension, the mean over the group's units that have a value.
    pub dimensions: Vec<Option<f64>>,
}

/// Per group (in order of first appearance in the data): unit count, mean
/// score and mean of each dimension. Units without a group are left out.
pub fn group_means(s: &Scored) -> Vec<GroupMeans> {
    /// A running mean: compensated sum and count of the values seen.
    #[derive(Clone, Copy, Default)]
    struct Mean(crate::stats::Sum, usize);
    impl Mean {
        fn add(&mut self, v: Option<f64>) {
            if let Some(v) = v {
                self.0.add(v);
                self.1 += 1;
            }
        }
        fn get(self) -> Option<f64> {
            (self.1 > 0).then(|| self.0.value() / self.1 as f64)
        }
    }
    struct Acc {
        name: String,
        units: usize,
        score: Mean,
        dimensions: Vec<Mean>,
    }
    let n_dims = s.rubric.dimensions.len();
    let mut index: HashMap<&str, usize> = HashMap::new();
    let mut acc: Vec<Acc> = Vec::new();
    for u in 0..s.len() {
        let Some(g) = s.table.group(u).filter(|g| !g.is_empty()) else {
            continue;
        };
        let k = *index.entry(g).or_insert_with(|| {
            acc.push(Acc {
                name: g.to_string(),
                units: 0,
                score: Mean::default(),
                dimensions: vec![Mean::default(); n_dims],
            });
            acc.len() - 1
        });
        let Some(entry) = acc.get_mut(k) else { continue };
        entry.units += 1;
        entry.score.add(s.score(u));
        for (d, mean) in entry.dimensions.iter_mut().enumerate() {
            mean.add(s.dimension(u, d));
        }
    }
    acc.into_iter()
        .map(|a| GroupMeans {
            name: a.name,
            units: a.units,
            score: a.score.get(),
            dimensions: a.dimensions.into_iter().map(Mean::get).collect(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bins_cover_zero_to_scale() {
        // Width 100/4 = 25: 0 and 24.9 → bin 0; 25 → 1; 99.9 and 100 → 3.
        let (counts, lo, width) = histogram_bins(&[0.0, 24.9, 25.0, 99.9, 100.0], 100.0, 4);
        assert_eq!((lo, width), (0.0, 25.0));
        assert_eq!(counts, vec![2, 1, 0, 2]);
    }

    #[test]
    fn bins_of_a_tiny_scale_do_not_collapse() {
        // 5e-324 / 20 is 0 in doubles: one band of the whole width instead.
        let (counts, lo, width) = histogram_bins(&[0.0, 5e-324], 5e-324, 20);
        assert_eq!((counts, lo, width), (vec![2], 0.0, 5e-324));
        let (counts, _, width) = histogram_bins(&[0.0, 1e-16], 1e-16, 20);
        assert_eq!((counts.len(), width), (20, 1e-16 / 20.0));
    }

    #[test]
    fn bins_widen_for_scores_outside_the_scale() {
        // z-scores can go below 0: [-20, 100] in 4 bins of 30.
        let (counts, lo, width) = histogram_bins(&[-20.0, 50.0], 100.0, 4);
        assert_eq!((lo, width), (-20.0, 30.0));
        assert_eq!(counts, vec![1, 0, 1, 0]);
    }

    #[test]
    fn median_of_odd_and_even() {
        assert_eq!(median_of(&[1.0, 2.0, 10.0]), Some(2.0));
        assert_eq!(median_of(&[1.0, 2.0, 4.0, 10.0]), Some(3.0));
        assert_eq!(median_of(&[]), None);
    }
}
