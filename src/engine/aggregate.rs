//! One unit's dimension values and score from its normalized values (SPEC
//! "Maths": aggregation; "Methods": TOPSIS), and coupling coordination
//! (SPEC "Methods": `[coupling]`).

use super::some;
use super::weights::Weights;
use crate::methods;
use crate::rubric::{Aggregate, Rubric};

/// Where scoring a unit failed: a negative value under a geometric mean.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Negative {
    /// The indicator (index into the rubric's indicators).
    Indicator(usize),
    /// The dimension.
    Dimension(usize),
}

/// One unit's dimension values (into `dims`, NaN when none) and overall
/// score (0..1, NaN when none) from its normalized values `row` (NaN when
/// missing), by the rubric's aggregations or TOPSIS with `ideal`. `z` is
/// scratch of the row's length. Every score is made here, so a re-scoring
/// with the same weights (`sensitivity`) gives the same bits as `score`.
pub fn unit_score(
    rubric: &Rubric,
    row: &[f64],
    weights: &Weights,
    ideal: Option<&[(f64, f64)]>,
    dims: &mut [f64],
    z: &mut [Option<f64>],
) -> std::result::Result<f64, Negative> {
    for ((d, dim), slot) in rubric.dimensions.iter().enumerate().zip(dims.iter_mut()) {
        let children = dim.indicators.iter().map(|&i| {
            let w = weights.indicator.get(i).copied().unwrap_or(0.0);
            (w, row.get(i).copied().unwrap_or(f64::NAN))
        });
        *slot = aggregate_coded(dim.aggregate, children)
            .map_err(|j| Negative::Indicator(dim.indicators.get(j).copied().unwrap_or(d)))?;
    }
    score_of_dimensions(rubric, row, weights, ideal, dims, z)
}

/// The second half of [`unit_score`]: the score from the unit's dimension
/// values `dims` (and its normalized values `row`, for TOPSIS).
fn score_of_dimensions(
    rubric: &Rubric,
    row: &[f64],
    weights: &Weights,
    ideal: Option<&[(f64, f64)]>,
    dims: &[f64],
    z: &mut [Option<f64>],
) -> std::result::Result<f64, Negative> {
    // A unit whose values all carry weight 0 in the score has no score: its
    // values say nothing the weights count (not 100 under TOPSIS, where
    // D⁺ = D⁻ = 0, nor an equal split of dimensions the weights set to 0).
    let weighed = match ideal {
        None => weights
            .dimension
            .iter()
            .zip(dims.iter())
            .any(|(&w, d)| w > 0.0 && !d.is_nan()),
        Some(_) => weights.global.iter().zip(row).any(|(&w, z)| w > 0.0 && !z.is_nan()),
    };
    if !weighed {
        return Ok(f64::NAN);
    }
    match ideal {
        None => {
            let children = weights.dimension.iter().copied().zip(dims.iter().copied());
            aggregate_coded(rubric.aggregate, children).map_err(Negative::Dimension)
        }
        Some(ideal) => {
            for (slot, &v) in z.iter_mut().zip(row) {
                *slot = some(v);
            }
            Ok(methods::topsis_closeness(z, &weights.global, ideal).unwrap_or(f64::NAN))
        }
    }
}

/// A table's normalized values laid out for scoring it many times under
/// re-drawn weights (`sensitivity`): column by column, with what the
/// weights do not change — whether each unit has every child of a
/// dimension, and whether they all lie in [0, 1] — worked out once.
/// [`Rescoring::scores`] gives the bits of [`unit_score`]: a dimension
/// whose children are all present is Σ w·z in the rubric's order from
/// −0.0 either way, only formed for all units at once.
pub struct Rescoring {
    n: usize,
    /// Normalized values, indicator-major (`i * n + u`).
    columns: Vec<f64>,
    /// Per dimension and unit (`d * n + u`): every child present, and
    /// whether all of them lie in [0, 1].
    complete: Vec<(bool, bool)>,
    /// Per dimension: the units that lack one of its children.
    incomplete: Vec<Vec<u32>>,
}

impl Rescoring {
    /// From unit-major normalized values (`u * m + i`, NaN when missing) of `n` units.
    pub fn new(rubric: &Rubric, rows: &[f64], n: usize) -> Rescoring {
        let m = rubric.indicators.len();
        let at = |u: usize, i: usize| rows.get(u * m + i).copied().unwrap_or(f64::NAN);
        let columns = (0..m).flat_map(|i| (0..n).map(move |u| at(u, i))).collect();
        let complete: Vec<(bool, bool)> = rubric
            .dimensions
            .iter()
            .flat_map(|dim| {
                (0..n).map(move |u| {
                    let all = dim.indicators.iter().all(|&i| !at(u, i).is_nan());
                    let bounded = dim.indicators.iter().all(|&i| (0.0..=1.0).contains(&at(u, i)));
                    (all, bounded)
                })
            })
            .collect();
        // Unit indices fit: a table in memory has fewer than 2³² units.
        let incomplete = (0..rubric.dimensions.len())
            .map(|d| {
                let flags = complete.get(d * n..(d + 1) * n).unwrap_or_default();
                (0u32..).zip(flags).filter(|(_, c)| !c.0).map(|(u, _)| u).collect()
            })
            .collect();
        Rescoring {
            n,
            columns,
            complete,
            incomplete,
        }
    }

    /// Every unit's score under `weights` (NaN when none or when scoring
    /// fails), as [`unit_score`] gives it; `rows` are the values `new` had.
    pub fn scores(&self, rubric: &Rubric, rows: &[f64], weights: &Weights, ideal: Option<&[(f64, f64)]>) -> Vec<f64> {
        let (n, m, nd) = (self.n, rubric.indicators.len(), rubric.dimensions.len());
        let mut z = vec![None; m];
        let mut dims = vec![f64::NAN; nd];
        let one_by_one = |u: usize, dims: &mut [f64], z: &mut [Option<f64>]| {
            let row = rows.get(u * m..(u + 1) * m).unwrap_or_default();
            unit_score(rubric, row, weights, ideal, dims, z).unwrap_or(f64::NAN)
        };
        // Σ w·z of complete children is the dimension's value only for an
        // arithmetic mean whose present weights add up to more than 0
        // (else the weights are shared out, or there is no value).
        let summed = rubric.dimensions.iter().all(|dim| {
            let total = dim
                .indicators
                .iter()
                .fold(-0.0_f64, |t, &i| t + weights.indicator.get(i).copied().unwrap_or(0.0));
            dim.aggregate == Aggregate::Arithmetic && total > 0.0
        });
        if !summed {
            return (0..n).map(|u| one_by_one(u, &mut dims, &mut z)).collect();
        }
        let mut values = vec![-0.0_f64; nd * n];
        for (dim, sums) in rubric.dimensions.iter().zip(values.chunks_mut(n.max(1))) {
            for &i in &dim.indicators {
                let w = weights.indicator.get(i).copied().unwrap_or(0.0);
                let column = self.columns.get(i * n..(i + 1) * n).unwrap_or_default();
                for (sum, &v) in sums.iter_mut().zip(column) {
                    *sum += w * v;
                }
            }
        }
        for (d, sums) in values.chunks_mut(n.max(1)).enumerate() {
            let flags = self.complete.get(d * n..(d + 1) * n).unwrap_or_default();
            for (sum, &(_, bounded)) in sums.iter_mut().zip(flags) {
                if bounded {
                    *sum = sum.clamp(0.0, 1.0);
                }
            }
        }
        let failed = self.renormalized(rubric, weights, &mut values);
        let dims_of = |u: usize, dims: &mut [f64]| {
            for (d, slot) in dims.iter_mut().enumerate() {
                *slot = values.get(d * n + u).copied().unwrap_or(f64::NAN);
            }
        };
        // The score the same way, when it is an arithmetic mean of the
        // dimensions with weights adding up to more than 0: then every unit
        // whose dimensions all have a value is Σ w·v in order from −0.0.
        let top_total = weights.dimension.iter().fold(-0.0_f64, |t, &w| t + w);
        if ideal.is_none() && rubric.aggregate == Aggregate::Arithmetic && top_total > 0.0 {
            let mut scores = vec![-0.0_f64; n];
            let mut valued = vec![true; n];
            let mut bounded = vec![true; n];
            for (&w, column) in weights.dimension.iter().zip(values.chunks(n.max(1))) {
                for (((score, v), valued), bounded) in scores.iter_mut().zip(column).zip(&mut valued).zip(&mut bounded)
                {
                    *score += w * v;
                    *valued &= !v.is_nan();
                    *bounded &= (0.0..=1.0).contains(v);
                }
            }
            for (u, score) in scores.iter_mut().enumerate() {
                if failed.get(u).copied().unwrap_or(true) {
                    *score = one_by_one(u, &mut dims, &mut z);
                } else if !valued.get(u).copied().unwrap_or(false) {
                    dims_of(u, &mut dims);
                    let row = rows.get(u * m..(u + 1) * m).unwrap_or_default();
                    *score = score_of_dimensions(rubric, row, weights, ideal, &dims, &mut z).unwrap_or(f64::NAN);
                } else if bounded.get(u).copied().unwrap_or(false) {
                    *score = score.clamp(0.0, 1.0);
                }
            }
            return scores;
        }
        (0..n)
            .map(|u| {
                if failed.get(u).copied().unwrap_or(true) {
                    return one_by_one(u, &mut dims, &mut z);
                }
                dims_of(u, &mut dims);
                let row = rows.get(u * m..(u + 1) * m).unwrap_or_default();
                score_of_dimensions(rubric, row, weights, ideal, &dims, &mut z).unwrap_or(f64::NAN)
            })
            .collect()
    }
}

impl Rescoring {
    /// Each dimension's value for the units that lack one of its children,
    /// into `values` (`d * n + u`), by [`aggregate_coded`] itself (the
    /// present weights renormalized, or shared equally when they add up to
    /// 0). Returns per unit whether a dimension of it could not be formed
    /// (a negative child of a geometric mean): such a unit is left to
    /// [`unit_score`], which says so.
    fn renormalized(&self, rubric: &Rubric, weights: &Weights, values: &mut [f64]) -> Vec<bool> {
        let n = self.n;
        let mut failed = vec![false; n];
        for (d, dim) in rubric.dimensions.iter().enumerate() {
            let Some(units) = self.incomplete.get(d) else { continue };
            for &u in units {
                let u = u as usize;
                let children = dim.indicators.iter().map(|&i| {
                    let w = weights.indicator.get(i).copied().unwrap_or(0.0);
                    (w, self.columns.get(i * n + u).copied().unwrap_or(f64::NAN))
                });
                let value = match aggregate_coded(dim.aggregate, children) {
                    Ok(v) => v,
                    Err(_) => {
                        if let Some(f) = failed.get_mut(u) {
                            *f = true;
                        }
                        f64::NAN
                    }
                };
                if let Some(slot) = values.get_mut(d * n + u) {
                    *slot = value;
                }
            }
        }
        failed
    }
}

/// Aggregates weighted children (SPEC "Maths": aggregation), given as
/// `(weight, value)` pairs with NaN for a missing value (the scoring loop's
/// form: no allocation per unit). Missing children are left out and the
/// remaining weights renormalized; no children left (or no weight left)
/// gives NaN. A negative child under a geometric mean is an error carrying
/// the child's index.
pub fn aggregate_coded(
    how: Aggregate,
    children: impl Iterator<Item = (f64, f64)> + Clone,
) -> std::result::Result<f64, usize> {
    let present = |&(_, z): &(f64, f64)| !z.is_nan();
    // One pass for what the aggregation needs to know of its children (this
    // runs for every unit, dimension and re-scoring). `total` adds the
    // present weights in order from −0.0, as `Iterator::sum` does, so the
    // bits are those of the sum.
    // `weighted` is the arithmetic mean of a complete set of children,
    // formed in the same pass: Σ w·z in order from −0.0, the bits of
    // `map(w * z).sum()`.
    let (mut complete, mut total, mut count, mut bounded, mut weighted) = (true, -0.0_f64, 0usize, true, -0.0_f64);
    for (w, z) in children.clone() {
        if z.is_nan() {
            complete = false;
            continue;
        }
        total += w;
        count += 1;
        bounded &= (0.0..=1.0).contains(&z);
        weighted += w * z;
    }
    if total.is_nan() || total < 0.0 || count == 0 {
        return Ok(f64::NAN);
    }
    // Present children whose weights are all 0 share the parent equally
    // (SPEC "Maths": zero objective weights split a dimension equally, so
    // that its value is still defined and shown; likewise under reweight).
    let share = total == 0.0;
    let weight = |w: f64| if share { 1.0 / count as f64 } else { w };
    // With every child present the weights already sum to 1: dividing by
    // their float sum would only add rounding.
    let scale = if complete || share { 1.0 } else { total };
    // A weighted mean of values in [0, 1] is in [0, 1]; weights that sum to
    // 1 + an ulp must not push a perfect unit above the scale.
    let clamp = |x: f64| if bounded { x.clamp(0.0, 1.0) } else { x };
    match how {
        // Every child present with its own weight (the common case): w / 1.0
        // is w exactly, so the division is left out and the bits are the same.
        Aggregate::Arithmetic if complete && !share => Ok(clamp(weighted)),
        Aggregate::Arithmetic => Ok(clamp(
            children.filter(present).map(|(w, z)| weight(w) / scale * z).sum(),
        )),
        Aggregate::Geometric => {
            let mut product = 1.0;
            for (k, (w, z)) in children.enumerate() {
                if z.is_nan() {
                    continue;
                }
                if z < 0.0 {
                    return Err(k);
                }
                product *= z.powf(weight(w) / scale);
            }
            Ok(clamp(product))
        }
    }
}

/// Weighted arithmetic mean over the children that have a value.
pub(super) fn weighted_mean(children: &[(f64, Option<f64>)]) -> Option<f64> {
    let total: f64 = children.iter().filter(|(_, z)| z.is_some()).map(|(w, _)| w).sum();
    if total.is_nan() || total <= 0.0 {
        return None;
    }
    let bounded = children.iter().all(|(_, z)| z.is_none_or(|z| (0.0..=1.0).contains(&z)));
    let mean = children.iter().filter_map(|(w, z)| z.map(|z| w * z)).sum::<f64>() / total;
    Some(if bounded { mean.clamp(0.0, 1.0) } else { mean })
}

/// Coupling coordination of one unit (SPEC "Methods": `[coupling]`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Coupling {
    pub coupling: f64,
    pub coordination: f64,
    /// Index into [`COORDINATION_GRADES`].
    pub band: usize,
}

/// The ten coordination bands by D, lowest first, each 0.1 wide.
pub const COORDINATION_GRADES: [&str; 10] = [
    "极度失调",
    "严重失调",
    "中度失调",
    "轻度失调",
    "濒临失调",
    "勉强协调",
    "初级协调",
    "中级协调",
    "良好协调",
    "优质协调",
];

/// Coupling C, coordination D and its band from the listed dimension values.
pub fn coupling(listed: &[usize], dimension_weights: &[f64], values: &[Option<f64>]) -> Option<Coupling> {
    let u: Vec<f64> = listed
        .iter()
        .map(|&d| values.get(d).copied().flatten())
        .collect::<Option<_>>()?;
    if u.iter().any(|&x| x < 0.0) {
        return None;
    }
    let k = u.len() as f64;
    let sum: f64 = u.iter().sum();
    let c = if sum > 0.0 {
        k * u.iter().product::<f64>().powf(1.0 / k) / sum
    } else {
        0.0
    };
    let beta_total: f64 = listed.iter().map(|&d| dimension_weights[d]).sum();
    let t: f64 = if beta_total > 0.0 {
        listed
            .iter()
            .zip(&u)
            .map(|(&d, x)| dimension_weights[d] / beta_total * x)
            .sum()
    } else {
        0.0
    };
    // C ≤ 1 and T ≤ 1 in exact arithmetic; rounding gives 1.0000000000000004.
    let c = c.clamp(0.0, 1.0);
    let d = (c * t).sqrt().clamp(0.0, 1.0);
    Some(Coupling {
        coupling: c,
        coordination: d,
        band: coordination_band(d),
    })
}

/// Grade tolerance on D (the same as score grades): all dimensions 0.25
/// give D = 0.49999999999999994, which is 勉强协调 [0.5, 0.6), not 濒临失调.
const BAND_TOLERANCE: f64 = 1e-9;

/// The band 0..=9 of coordination `d`: [k/10, (k+1)/10), the last closed;
/// a `d` that misses a band's lower edge by at most [`BAND_TOLERANCE`] is in it.
pub fn coordination_band(d: f64) -> usize {
    (1..=9usize)
        .rev()
        .find(|&k| d >= k as f64 / 10.0 - BAND_TOLERANCE)
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// [`aggregate_coded`] with `None` for a missing child, as the cases
    /// worked by hand read best (the scoring loop codes missing as NaN).
    fn aggregate(how: Aggregate, children: &[(f64, Option<f64>)]) -> std::result::Result<Option<f64>, usize> {
        aggregate_coded(how, children.iter().map(|&(w, z)| (w, z.unwrap_or(f64::NAN)))).map(some)
    }

    #[test]
    fn aggregation_by_hand() {
        let c = [(0.25, Some(0.4)), (0.75, Some(0.8))];
        // 0.25·0.4 + 0.75·0.8 = 0.7
        assert!((aggregate(Aggregate::Arithmetic, &c).unwrap().unwrap() - 0.7).abs() < 1e-15);
        // 0.4^0.25 · 0.8^0.75 = 0.6727171322029716
        let g = aggregate(Aggregate::Geometric, &c).unwrap().unwrap();
        assert!((g - 0.672_717_132_202_971_6).abs() < 1e-15, "{g}");
        // a zero child zeroes a geometric mean
        assert_eq!(
            aggregate(Aggregate::Geometric, &[(0.5, Some(0.0)), (0.5, Some(0.9))]),
            Ok(Some(0.0))
        );
        // missing child: the other takes all the weight
        assert_eq!(
            aggregate(Aggregate::Arithmetic, &[(0.25, None), (0.75, Some(0.8))]),
            Ok(Some(0.8))
        );
        assert_eq!(
            aggregate(Aggregate::Arithmetic, &[(0.25, None), (0.75, None)]),
            Ok(None)
        );
        assert_eq!(
            aggregate(Aggregate::Geometric, &[(0.5, Some(0.2)), (0.5, Some(-0.1))]),
            Err(1)
        );
    }

    #[test]
    fn coupling_limits() {
        let w = [0.5, 0.5];
        let equal = coupling(&[0, 1], &w, &[Some(0.6), Some(0.6)]).unwrap();
        assert!((equal.coupling - 1.0).abs() < 1e-15);
        // T = 0.6, D = √0.6 = 0.7746 → 中级协调
        assert!((equal.coordination - 0.6f64.sqrt()).abs() < 1e-15);
        assert_eq!(COORDINATION_GRADES[equal.band], "中级协调");
        let zero = coupling(&[0, 1], &w, &[Some(0.0), Some(0.9)]).unwrap();
        assert_eq!(zero.coupling, 0.0);
        assert_eq!(zero.band, 0);
        let none = coupling(&[0, 1], &w, &[Some(0.0), Some(0.0)]).unwrap();
        assert_eq!(none.coordination, 0.0);
        // U = 0.2, 0.8: C = 2·√0.16 / 1 = 0.8; T = 0.5; D = √0.4
        let c = coupling(&[0, 1], &w, &[Some(0.2), Some(0.8)]).unwrap();
        assert!((c.coupling - 0.8).abs() < 1e-15);
        assert!((c.coordination - 0.4f64.sqrt()).abs() < 1e-15);
        assert!(coupling(&[0, 1], &w, &[None, Some(0.8)]).is_none());
        let top = coupling(&[0, 1], &w, &[Some(1.0), Some(1.0)]).unwrap();
        assert_eq!(COORDINATION_GRADES[top.band], "优质协调");
    }

    mod rescoring {
        use super::*;
        use proptest::prelude::*;

        /// A rubric of dimensions with `sizes[d]` indicators each, each
        /// dimension's aggregation and the score's from `geometric`.
        fn rubric(sizes: &[usize], geometric: &[bool], top_geometric: bool) -> Rubric {
            let how = |g: bool| if g { "geometric" } else { "arithmetic" };
            let mut text = format!(
                "[rubric]\nname = \"t\"\nid = \"id\"\nnormalize = \"none\"\naggregate = \"{}\"\n",
                how(top_geometric)
            );
            for (d, (&size, &g)) in sizes.iter().zip(geometric).enumerate() {
                text += &format!("[[dimension]]\nid = \"d{d}\"\naggregate = \"{}\"\n", how(g));
                for i in 0..size {
                    text += &format!("[[indicator]]\nid = \"x{d}_{i}\"\ndimension = \"d{d}\"\n");
                }
            }
            Rubric::parse("t.toml", &text, false).unwrap_or_else(|e| panic!("{e}\n{text}"))
        }

        fn value() -> impl Strategy<Value = f64> {
            prop_oneof![4 => 0.0..=1.0f64, 1 => Just(f64::NAN), 1 => -0.5..1.5f64, 1 => Just(0.0), 1 => Just(1.0)]
        }

        fn weight() -> impl Strategy<Value = f64> {
            prop_oneof![4 => 0.0..1.0f64, 1 => Just(0.0)]
        }

        proptest! {
            /// Scoring all units at once gives every unit the bits of
            /// `unit_score` (NaN where it fails), whatever is missing, out
            /// of [0, 1], weighted 0, geometric or under TOPSIS.
            #[test]
            fn rescoring_gives_the_bits_of_unit_score(
                sizes in proptest::collection::vec(1usize..4, 1..4),
                flags in proptest::collection::vec(any::<bool>(), 4),
                top_geometric in any::<bool>(),
                topsis in any::<bool>(),
                n in 1usize..30,
                seed_values in proptest::collection::vec(value(), 12 * 30),
                seed_weights in proptest::collection::vec(weight(), 16),
            ) {
                let geometric: Vec<bool> = flags.iter().take(sizes.len()).map(|&g| g && sizes.len() % 2 == 0).collect();
                let r = rubric(&sizes, &geometric, top_geometric);
                let (m, nd) = (r.indicators.len(), r.dimensions.len());
                let rows: Vec<f64> = seed_values.iter().copied().cycle().take(n * m).collect();
                let weights = Weights {
                    method: crate::rubric::Weighting::Explicit,
                    dimension: seed_weights.iter().copied().take(nd).collect(),
                    indicator: seed_weights.iter().copied().rev().take(m).collect(),
                    global: seed_weights.iter().copied().cycle().skip(3).take(m).collect(),
                };
                let ideal: Option<Vec<(f64, f64)>> = topsis.then(|| (0..m).map(|i| (1.0, 0.1 * (i % 3) as f64)).collect());
                let rescoring = Rescoring::new(&r, &rows, n);
                let got = rescoring.scores(&r, &rows, &weights, ideal.as_deref());
                let (mut dims, mut z) = (vec![f64::NAN; nd], vec![None; m]);
                for u in 0..n {
                    let row = &rows[u * m..(u + 1) * m];
                    let expected = unit_score(&r, row, &weights, ideal.as_deref(), &mut dims, &mut z).unwrap_or(f64::NAN);
                    prop_assert_eq!(got[u].to_bits(), expected.to_bits(), "unit {}", u);
                }
            }
        }
    }
}
