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

/// One group (a value of the rubric's `group` column) and its units.
#[derive(Debug, Clone, PartialEq)]
pub struct Group {
    pub name: String,
    /// Its units, as indices into the scored table, in data order.
    pub units: Vec<usize>,
    /// Mean score (0..1) over its units that have one.
    pub score: Option<f64>,
}

/// The groups, best mean score first; a group without any score comes
/// last, and groups of equal mean keep their order of first appearance in
/// the data. Units without a group are left out.
pub fn groups(s: &Scored) -> Vec<Group> {
    let mut index: HashMap<&str, usize> = HashMap::new();
    let mut found: Vec<(Group, Mean)> = Vec::new();
    for u in 0..s.len() {
        let Some(g) = s.table.group(u).filter(|g| !g.is_empty()) else {
            continue;
        };
        let k = *index.entry(g).or_insert_with(|| {
            let group = Group {
                name: g.to_string(),
                units: Vec::new(),
                score: None,
            };
            found.push((group, Mean::default()));
            found.len() - 1
        });
        if let Some((group, mean)) = found.get_mut(k) {
            group.units.push(u);
            mean.add(s.score(u));
        }
    }
    let mut out: Vec<Group> = found
        .into_iter()
        .map(|(group, mean)| Group {
            score: mean.get(),
            ..group
        })
        .collect();
    // Stable: equal means keep the data's order.
    out.sort_by(|a, b| match (a.score, b.score) {
        (Some(x), Some(y)) => y.total_cmp(&x),
        (Some(_), None) => std::cmp::Ordering::Less,
        (None, Some(_)) => std::cmp::Ordering::Greater,
        (None, None) => std::cmp::Ordering::Equal,
    });
    out
}

/// Per unit, the position of its group in `groups` (None without a group).
fn group_of(len: usize, groups: &[Group]) -> Vec<Option<usize>> {
    let mut of = vec![None; len];
    for (k, g) in groups.iter().enumerate() {
        for &u in &g.units {
            if let Some(slot) = of.get_mut(u) {
                *slot = Some(k);
            }
        }
    }
    of
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

/// Per group (in the order of [`groups`]: best mean score first): unit
/// count, mean score and mean of each dimension.
pub fn group_means(s: &Scored) -> Vec<GroupMeans> {
    let n_dims = s.rubric.dimensions.len();
    groups(s)
        .into_iter()
        .map(|g| {
            let mut dimensions = vec![Mean::default(); n_dims];
            for &u in &g.units {
                for (d, mean) in dimensions.iter_mut().enumerate() {
                    mean.add(s.dimension(u, d));
                }
            }
            GroupMeans {
                units: g.units.len(),
                score: g.score,
                dimensions: dimensions.into_iter().map(Mean::get).collect(),
                name: g.name,
            }
        })
        .collect()
}

/// Mean value (0..1) of each linkage, over all units and per group.
#[derive(Debug, Clone, PartialEq)]
pub struct LinkageMeans {
    /// Per linkage (rubric order), the mean over the units that have a value.
    pub overall: Vec<Option<f64>>,
    /// Per group (in the order given), per linkage.
    pub groups: Vec<Vec<Option<f64>>>,
}

/// The mean of every linkage over all units, and over each group's units.
/// A linkage without indicators, or without a value in any unit, has none.
pub fn linkage_means(s: &Scored, groups: &[Group]) -> LinkageMeans {
    let n = s.rubric.linkages.len();
    let of = group_of(s.len(), groups);
    let mut overall = vec![Mean::default(); n];
    let mut by_group = vec![vec![Mean::default(); n]; groups.len()];
    for (u, g) in of.iter().enumerate() {
        for (l, mean) in overall.iter_mut().enumerate() {
            let v = s.linkage(u, l);
            mean.add(v);
            if let Some(m) = g.and_then(|g| by_group.get_mut(g)).and_then(|row| row.get_mut(l)) {
                m.add(v);
            }
        }
    }
    let get = |means: Vec<Mean>| means.into_iter().map(Mean::get).collect();
    LinkageMeans {
        overall: get(overall),
        groups: by_group.into_iter().map(get).collect(),
    }
}

/// The weakest of `means`: the lowest value, the first in rubric order on
/// a tie; None when none has a value.
pub fn weakest(means: &[Option<f64>]) -> Option<usize> {
    let mut best: Option<(usize, f64)> = None;
    for (k, v) in means.iter().enumerate() {
        if let Some(v) = *v
            && best.is_none_or(|(_, b)| v < b)
        {
            best = Some((k, v));
        }
    }
    best.map(|(k, _)| k)
}

/// Units per coordination band ([`crate::engine::COORDINATION_GRADES`],
/// lowest first), over all units and per group.
#[derive(Debug, Clone, PartialEq)]
pub struct BandCounts {
    pub overall: [usize; 10],
    /// Per group (in the order given).
    pub groups: Vec<[usize; 10]>,
    /// Units without a coordination (a listed dimension has no value).
    pub without: usize,
}

/// Coupling coordination band counts; None when the rubric has no `[coupling]`.
pub fn band_counts(s: &Scored, groups: &[Group]) -> Option<BandCounts> {
    s.rubric.coupling.as_ref()?;
    let of = group_of(s.len(), groups);
    let mut counts = BandCounts {
        overall: [0; 10],
        groups: vec![[0; 10]; groups.len()],
        without: 0,
    };
    for (u, g) in of.iter().enumerate() {
        let Some(band) = s.coupling(u).map(|c| c.band) else {
            counts.without += 1;
            continue;
        };
        if let Some(c) = counts.overall.get_mut(band) {
            *c += 1;
        }
        if let Some(c) = g
            .and_then(|g| counts.groups.get_mut(g))
            .and_then(|row| row.get_mut(band))
        {
            *c += 1;
        }
    }
    Some(counts)
}

/// How often each indicator is among units' top three obstacles
/// ([`crate::output::top_obstacles`]), over all units and per group.
#[derive(Debug, Clone, PartialEq)]
pub struct ObstacleCounts {
    /// Units with at least one obstacle (a perfect unit has none).
    pub units: usize,
    /// Per indicator (rubric order): units that have it in their top three.
    pub overall: Vec<usize>,
    /// Per group (in the order given): (units with an obstacle, counts).
    pub groups: Vec<(usize, Vec<usize>)>,
}

/// Counts of the indicators among each unit's top three obstacles. Each
/// unit's three are found in parallel (forty obstacle degrees a unit) and
/// kept in 12 bytes; the counting is one pass, so memory does not grow
/// with the number of groups times the threads.
pub fn obstacle_counts(s: &Scored, groups: &[Group]) -> ObstacleCounts {
    use rayon::prelude::*;
    const NONE: u32 = u32::MAX;
    let n = s.rubric.indicators.len();
    let tops: Vec<[u32; 3]> = (0..s.len())
        .into_par_iter()
        .map(|u| {
            let mut top = [NONE; 3];
            for (slot, i) in top.iter_mut().zip(crate::output::top_obstacles(s, u)) {
                *slot = u32::try_from(i).unwrap_or(NONE);
            }
            top
        })
        .collect();
    let mut counts = ObstacleCounts {
        units: 0,
        overall: vec![0; n],
        groups: vec![(0, vec![0; n]); groups.len()],
    };
    for (top, g) in tops.iter().zip(group_of(s.len(), groups)) {
        if top.first() == Some(&NONE) {
            continue;
        }
        counts.units += 1;
        let mut group = g.and_then(|g| counts.groups.get_mut(g));
        if let Some((units, _)) = group.as_mut() {
            *units += 1;
        }
        for i in top.iter().filter(|&&i| i != NONE).map(|&i| i as usize) {
            if let Some(c) = counts.overall.get_mut(i) {
                *c += 1;
            }
            if let Some(c) = group.as_mut().and_then(|(_, row)| row.get_mut(i)) {
                *c += 1;
            }
        }
    }
    counts
}

/// The `n` most frequent of `counts` as (index, count): largest first,
/// ties in index (rubric) order; zero counts are left out.
pub fn most_frequent(counts: &[usize], n: usize) -> Vec<(usize, usize)> {
    let mut list: Vec<(usize, usize)> = counts.iter().copied().enumerate().filter(|&(_, c)| c > 0).collect();
    list.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    list.truncate(n);
    list
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

/// The statistics of the linkages, coupling and obstacles sections on five
/// units worked by hand. Two dimensions of two indicators each, goalposts
/// [0, 10], every weight equal: global weight 0.25 each, z = value / 10.
///
/// ```text
/// unit group  a  b  c  e | score  d1=(a+b)/2 d2=(c+e)/2  D      band      top 3 obstacles
/// q1   北     2  6  4  7 | 0.475  0.40       0.55        0.685  6 初级    a .8, c .6, b .4
/// q2   南    10 10 10 10 | 1      1          1           1      9 优质    (none: perfect)
/// q3   北     3  8  0  2 | 0.325  0.55       0.10        0.484  4 濒临    c 1, e .8, a .7
/// q4   南     5  9  5  5 | 0.6    0.70       0.50        0.769  7 中级    a, c, e (.5 each)
/// q5   (none) 0 10 10 10 | 0.75   0.50       1           0.841  8 良好    a 1
/// ```
///
/// D = √(C T), C = 2√(U1 U2)/(U1 + U2), T = (U1 + U2)/2: q1 C = 2√0.22/0.95
/// = 0.98756, T = 0.475, D = √0.46909 = 0.6849; q3 C = 2√0.055/0.65 =
/// 0.72160, T = 0.325, D = 0.4843; q4 C = 2√0.35/1.2 = 0.98601, T = 0.6,
/// D = 0.7692; q5 C = 2√0.5/1.5 = 0.94281, T = 0.75, D = 0.8409.
/// Obstacle degrees are proportional to 1 − z (equal weights).
#[cfg(test)]
mod by_hand {
    use super::*;
    use crate::input::{self, ReadOptions, Table};
    use crate::rubric::Rubric;

    const RUBRIC: &str = r#"
[rubric]
name = "t"
id = "id"
group = "g"
normalize = "goalpost"
[[dimension]]
id = "d1"
[[dimension]]
id = "d2"
[[linkage]]
id = "x"
name = "X 衔接"
[[linkage]]
id = "y"
name = "Y 衔接"
[[linkage]]
id = "z"
name = "Z 衔接"
[[indicator]]
id = "a"
dimension = "d1"
linkage = "x"
goalposts = [0, 10]
[[indicator]]
id = "b"
dimension = "d1"
linkage = "x"
goalposts = [0, 10]
[[indicator]]
id = "c"
dimension = "d2"
linkage = "y"
goalposts = [0, 10]
[[indicator]]
id = "e"
dimension = "d2"
goalposts = [0, 10]
[coupling]
dimensions = ["d1", "d2"]
"#;

    const DATA: &str = "id,g,a,b,c,e\nq1,北,2,6,4,7\nq2,南,10,10,10,10\nq3,北,3,8,0,2\nq4,南,5,9,5,5\nq5,,0,10,10,10\n";

    fn fixture(rubric: &str) -> (Rubric, Table) {
        let r = Rubric::parse("t.toml", rubric, false).unwrap_or_else(|e| panic!("{e}"));
        let t = input::from_bytes(
            &[("t.csv".into(), DATA.as_bytes().to_vec())],
            &r,
            &ReadOptions::default(),
        )
        .unwrap_or_else(|e| panic!("{e}"));
        (r, t)
    }

    fn close(a: &[Option<f64>], b: &[Option<f64>]) -> bool {
        a.len() == b.len()
            && a.iter().zip(b).all(|(x, y)| match (x, y) {
                (Some(x), Some(y)) => (x - y).abs() < 1e-12,
                (None, None) => true,
                _ => false,
            })
    }

    #[test]
    fn groups_come_best_mean_first() {
        let (r, t) = fixture(RUBRIC);
        let s = crate::engine::score(&r, &t).unwrap_or_else(|e| panic!("{e}"));
        let g = groups(&s);
        // 北 (first in the data) (0.475 + 0.325)/2 = 0.4; 南 (1 + 0.6)/2 = 0.8; q5 has no group.
        let names: Vec<&str> = g.iter().map(|g| g.name.as_str()).collect();
        assert_eq!(names, ["南", "北"]);
        assert_eq!(g[0].units, [1, 3]);
        assert_eq!(g[1].units, [0, 2]);
        assert!(close(&[g[0].score, g[1].score], &[Some(0.8), Some(0.4)]));
        let means = group_means(&s);
        // 南 d1 (1 + 0.7)/2 = 0.85, d2 (1 + 0.5)/2 = 0.75; 北 d1 (0.4 + 0.55)/2 = 0.475, d2 (0.55 + 0.1)/2 = 0.325.
        assert_eq!((means[0].name.as_str(), means[0].units), ("南", 2));
        assert!(close(&means[0].dimensions, &[Some(0.85), Some(0.75)]));
        assert!(close(&means[1].dimensions, &[Some(0.475), Some(0.325)]));
    }

    #[test]
    fn linkage_means_overall_and_per_group() {
        let (r, t) = fixture(RUBRIC);
        let s = crate::engine::score(&r, &t).unwrap_or_else(|e| panic!("{e}"));
        let m = linkage_means(&s, &groups(&s));
        // x = (a + b)/2: 0.4, 1, 0.55, 0.7, 0.5 → 3.15/5 = 0.63; y = c: 0.4, 1, 0, 0.5, 1 → 2.9/5 = 0.58;
        // z has no indicator.
        assert!(close(&m.overall, &[Some(0.63), Some(0.58), None]), "{m:?}");
        // 南 (q2, q4): x 0.85, y 0.75; 北 (q1, q3): x 0.475, y 0.2.
        assert!(close(&m.groups[0], &[Some(0.85), Some(0.75), None]), "{m:?}");
        assert!(close(&m.groups[1], &[Some(0.475), Some(0.2), None]), "{m:?}");
        assert_eq!(weakest(&m.overall), Some(1));
        assert_eq!(weakest(&m.groups[1]), Some(1));
    }

    #[test]
    fn weakest_takes_the_first_of_a_tie_and_skips_missing() {
        assert_eq!(weakest(&[Some(0.5), None, Some(0.5), Some(0.7)]), Some(0));
        assert_eq!(weakest(&[None, Some(0.9), Some(0.2)]), Some(2));
        assert_eq!(weakest(&[None, None]), None);
        assert_eq!(weakest(&[]), None);
    }

    #[test]
    fn coordination_bands_overall_and_per_group() {
        let (r, t) = fixture(RUBRIC);
        let s = crate::engine::score(&r, &t).unwrap_or_else(|e| panic!("{e}"));
        let counts = band_counts(&s, &groups(&s)).unwrap_or_else(|| panic!("the rubric has [coupling]"));
        // q3 band 4, q1 6, q4 7, q5 8, q2 9.
        assert_eq!(counts.overall, [0, 0, 0, 0, 1, 0, 1, 1, 1, 1]);
        // 南: q2 9, q4 7; 北: q1 6, q3 4.
        assert_eq!(
            counts.groups,
            vec![[0, 0, 0, 0, 0, 0, 0, 1, 0, 1], [0, 0, 0, 0, 1, 0, 1, 0, 0, 0]]
        );
        assert_eq!(counts.without, 0);
        // Without [coupling] there are no bands.
        let (r, t) = fixture(&RUBRIC.replace("[coupling]\ndimensions = [\"d1\", \"d2\"]\n", ""));
        let s = crate::engine::score(&r, &t).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(band_counts(&s, &groups(&s)), None);
    }

    #[test]
    fn obstacle_counts_overall_and_per_group() {
        let (r, t) = fixture(RUBRIC);
        let s = crate::engine::score(&r, &t).unwrap_or_else(|e| panic!("{e}"));
        let counts = obstacle_counts(&s, &groups(&s));
        // Top three: q1 {a, c, b}, q3 {c, e, a}, q4 {a, c, e}, q5 {a}; q2 is perfect.
        // a 4, b 1, c 3, e 2, over 4 units.
        assert_eq!(counts.units, 4);
        assert_eq!(counts.overall, [4, 1, 3, 2]);
        // 南: q4 only; 北: q1 and q3.
        assert_eq!(counts.groups, vec![(1, vec![1, 0, 1, 1]), (2, vec![2, 1, 2, 1])]);
        assert_eq!(most_frequent(&counts.overall, 3), [(0, 4), (2, 3), (3, 2)]);
        // Ties in rubric order, zeros left out.
        assert_eq!(most_frequent(&[1, 0, 2, 1], 10), [(2, 2), (0, 1), (3, 1)]);
        assert_eq!(most_frequent(&[0, 0], 3), []);
    }
}
