//! Methods analysts publish with: objective weights (entropy, CRITIC), AHP,
//! combined weights and TOPSIS (SPEC "Maths" and "Methods analysts publish
//! with").
//!
//! The bottom of the crate: plain numbers in, plain numbers out, with only
//! [`crate::stats`] beneath it. It takes no rubric types, so the rubric (which
//! checks AHP matrices with [`ahp`]) and the engine both build on it.
//!
//! Missing cells (under `missing = "reweight"`) are left out of each
//! column's sums: n is the number of units with a value.

use crate::stats;

/// The entropy divergence d_j = 1 − E_j of one column's present normalized
/// values, with p_ij = (z_ij + A) / Σ_i (z_ij + A) and
/// E_j = −(1/ln n) Σ_i p_ij ln p_ij (0·ln 0 = 0). A column summing to zero
/// gets d_j = 0. `None` when a value (plus the shift A) is negative: the
/// caller names the column.
pub fn entropy_divergence(z: &[f64], shift: f64) -> Option<f64> {
    divergence_of(z.iter().map(|&v| (v, 1)), shift)
}

/// [`entropy_divergence`] of a column given as its distinct values with
/// how many cells take each (what a column's counts by mantissa give): each
/// value's p·ln p is computed once and the sums run over a few thousand
/// values, not a million cells. As exact as the cell-by-cell sums (see
/// [`stats::Sum::add_times`]), in another order, so the last bit may differ.
pub fn entropy_divergence_counted(counted: &[(f64, u32)], shift: f64) -> Option<f64> {
    divergence_of(counted.iter().copied().filter(|&(_, count)| count > 0), shift)
}

/// [`entropy_divergence`] of (value, count) pairs, every count at least 1.
#[inline]
fn divergence_of(values: impl Iterator<Item = (f64, u32)> + Clone, shift: f64) -> Option<f64> {
    if values.clone().any(|(v, _)| v + shift < 0.0) {
        return None;
    }
    let (mut n, mut total) = (0usize, stats::Sum::default());
    for (v, count) in values.clone() {
        n += count as usize;
        total.add_times(v + shift, count);
    }
    let total = total.value();
    // A constant column carries no information: E = 1 exactly, which
    // floating point would miss by a few ulps. (A NaN is equal to nothing.)
    let first = values.clone().next().map_or(f64::NAN, |(v, _)| v);
    let constant = values.clone().all(|(v, _)| v == first);
    if n < 2 || constant || total.is_nan() || total <= 0.0 {
        return Some(0.0);
    }
    let mut h = stats::Sum::default();
    for (v, count) in values {
        let p = (v + shift) / total;
        h.add_times(if p > 0.0 { p * p.ln() } else { 0.0 }, count);
    }
    let e = -h.value() / (n as f64).ln();
    // E ≤ 1 in exact arithmetic; rounding must not make a weight negative.
    Some((1.0 - e).max(0.0))
}

/// Entropy weights from the columns' divergences, w_j = d_j / Σ d (equal
/// if all are zero). The engine takes the divergences one column at a time
/// so that it never holds the whole normalized matrix.
pub fn entropy_from_divergences(d: Vec<f64>) -> Vec<f64> {
    normalize_or_equal(d)
}

/// CRITIC weights: C_j = σ_j Σ_k (1 − r_jk), σ the sample sd of column j,
/// r the Pearson correlation (taken as 0 where a column is constant);
/// w_j = C_j / Σ C. Also returns the constant columns, for a warning.
pub fn critic_weights(z: &[Vec<Option<f64>>]) -> (Vec<f64>, Vec<usize>) {
    let m = z.len();
    let present: Vec<Vec<f64>> = z.iter().map(|col| col.iter().flatten().copied().collect()).collect();
    let sd: Vec<f64> = present.iter().map(|v| stats::sample_sd(v, stats::mean(v))).collect();
    // Constant means max = min (an sd of exactly 0): such a column carries
    // no information and its weight is exactly 0, never rounding noise.
    let constant: Vec<usize> = (0..m).filter(|&j| sd[j].is_nan() || sd[j] <= 0.0).collect();
    let mut c = vec![0.0; m];
    for j in 0..m {
        if constant.contains(&j) {
            continue;
        }
        let mut conflict = stats::Sum::default();
        for k in 0..m {
            let r = if j == k {
                1.0
            } else if sd[k] > 0.0 {
                pearson(&z[j], &z[k])
            } else {
                0.0
            };
            conflict.add(1.0 - r);
        }
        c[j] = sd[j] * conflict.value();
    }
    (normalize_or_equal(c), constant)
}

/// Pearson correlation over the units that have both values (0 when it is
/// undefined: fewer than two pairs, or one side constant over them).
fn pearson(a: &[Option<f64>], b: &[Option<f64>]) -> f64 {
    let pairs: Vec<(f64, f64)> = a.iter().zip(b).filter_map(|(x, y)| Some(((*x)?, (*y)?))).collect();
    stats::pearson(&pairs).unwrap_or(0.0)
}

fn normalize_or_equal(v: Vec<f64>) -> Vec<f64> {
    let total = stats::sum(v.iter().copied());
    if total > 0.0 && total.is_finite() {
        v.iter().map(|x| x / total).collect()
    } else {
        vec![1.0 / v.len() as f64; v.len()]
    }
}

/// Where TOPSIS puts its ideal and anti-ideal: at the sample's best and
/// worst (`sample`) or at the ends of the normalized scale (`absolute`).
/// It derives `Deserialize` because the rubric's `ideal = "…"` is spelled
/// with these very words; the method owns the type, the rubric reads it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Ideal {
    Sample,
    Absolute,
}

/// TOPSIS ideal and anti-ideal per indicator, (A⁺_j, A⁻_j): the column max
/// and min of v_ij = w_j z_ij (`sample`), or w_j and 0 (`absolute`).
///
/// `bounds` holds each column's (max z, min z); as w_j ≥ 0, the column max of
/// w_j z_ij is w_j times the max of z.
pub fn topsis_ideal(bounds: &[(f64, f64)], w: &[f64], ideal: Ideal) -> Vec<(f64, f64)> {
    bounds
        .iter()
        .zip(w)
        .map(|(&(hi, lo), &wj)| match ideal {
            Ideal::Absolute => (wj, 0.0),
            Ideal::Sample => (wj * hi, wj * lo),
        })
        .collect()
}

/// TOPSIS closeness of one unit: C = D⁻/(D⁺ + D⁻), 1 when D⁺ = 0, with the
/// one-sided distances D⁺ = √Σ max(0, A⁺ − v)², D⁻ = √Σ max(0, v − A⁻)²
/// over the indicators the unit has; `None` when it has none.
pub fn topsis_closeness(z: &[Option<f64>], w: &[f64], ideal: &[(f64, f64)]) -> Option<f64> {
    let (mut plus, mut minus, mut any) = (0.0, 0.0, false);
    for ((x, &wj), &(hi, lo)) in z.iter().zip(w).zip(ideal) {
        if let Some(x) = x {
            // One-sided (SPEC "Methods"): a value beyond the ideal (frozen
            // parameters, the absolute ideal with zscore) is never farther
            // from it; between the ideals this is the Euclidean distance.
            let v = wj * x;
            let (short, ahead) = ((hi - v).max(0.0), (v - lo).max(0.0));
            plus += short * short;
            minus += ahead * ahead;
            any = true;
        }
    }
    if !any {
        return None;
    }
    let (dp, dm) = (plus.sqrt(), minus.sqrt());
    Some(if dp == 0.0 { 1.0 } else { dm / (dp + dm) })
}

/// Saaty's random consistency index RI for n = 1..15 (SPEC "Methods").
pub const SAATY_RI: [f64; 15] = [
    0.0, 0.0, 0.58, 0.90, 1.12, 1.24, 1.32, 1.41, 1.45, 1.49, 1.51, 1.48, 1.56, 1.57, 1.59,
];

/// The result of one AHP pairwise comparison matrix.
#[derive(Debug, Clone, PartialEq)]
pub struct Ahp {
    /// Principal eigenvector, normalized to sum 1.
    pub weights: Vec<f64>,
    pub lambda_max: f64,
    /// CI = (λmax − n)/(n − 1); 0 for n ≤ 2.
    pub ci: f64,
    /// CR = CI/RI; 0 for n ≤ 2.
    pub cr: f64,
}

/// AHP weights of a positive reciprocal n×n matrix (n ≤ 15, checked by the
/// caller): the principal eigenvector by power iteration, λmax as the mean
/// of (A w)_i / w_i, CI and CR with Saaty's RI.
pub fn ahp(matrix: &[Vec<f64>]) -> Ahp {
    let n = matrix.len();
    let mut w = vec![1.0 / n as f64; n];
    // Power iteration converges for a positive matrix (Perron–Frobenius);
    // the limit keeps a pathological input from looping long.
    for _ in 0..10_000 {
        let next: Vec<f64> = matrix
            .iter()
            .map(|row| row.iter().zip(&w).map(|(a, x)| a * x).sum())
            .collect();
        let total: f64 = next.iter().sum();
        let next: Vec<f64> = next.iter().map(|x| x / total).collect();
        let delta = next.iter().zip(&w).map(|(a, b)| (a - b).abs()).fold(0.0, f64::max);
        w = next;
        if delta < 1e-15 {
            break;
        }
    }
    let aw: Vec<f64> = matrix
        .iter()
        .map(|row| row.iter().zip(&w).map(|(a, x)| a * x).sum())
        .collect();
    let lambda_max = aw.iter().zip(&w).map(|(a, x)| a / x).sum::<f64>() / n as f64;
    let (ci, cr) = if n <= 2 {
        (0.0, 0.0)
    } else {
        let ci = (lambda_max - n as f64) / (n as f64 - 1.0);
        (ci, ci / SAATY_RI[n - 1])
    };
    Ahp {
        weights: w,
        lambda_max,
        ci,
        cr,
    }
}

/// Combined global weights: α w_s + (1 − α) w_o (`linear`), or
/// w_s w_o / Σ w_s w_o (`multiplicative`; equal weights if that sum is 0).
pub fn combine(subjective: &[f64], objective: &[f64], alpha: f64, multiplicative: bool) -> Vec<f64> {
    if multiplicative {
        let product: Vec<f64> = subjective.iter().zip(objective).map(|(s, o)| s * o).collect();
        normalize_or_equal(product)
    } else {
        subjective
            .iter()
            .zip(objective)
            .map(|(s, o)| alpha * s + (1.0 - alpha) * o)
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cols(data: &[&[f64]]) -> Vec<Vec<Option<f64>>> {
        data.iter().map(|c| c.iter().map(|&v| Some(v)).collect()).collect()
    }

    /// Entropy weights of whole columns, built as the engine builds them
    /// (one divergence per column, then normalized); `Err(j)` names a
    /// column with a negative value.
    fn entropy_weights(z: &[Vec<Option<f64>>], shift: f64) -> Result<Vec<f64>, usize> {
        let mut d = Vec::with_capacity(z.len());
        for (j, col) in z.iter().enumerate() {
            let present: Vec<f64> = col.iter().flatten().copied().collect();
            d.push(entropy_divergence(&present, shift).ok_or(j)?);
        }
        Ok(entropy_from_divergences(d))
    }

    #[test]
    fn entropy_by_hand() {
        // Column 1 is constant: E = 1, d = 0. Column 2 = (0, 1): p = (0, 1),
        // E = 0, d = 1. So all the weight goes to column 2.
        let w = entropy_weights(&cols(&[&[0.5, 0.5], &[0.0, 1.0]]), 0.0).unwrap();
        assert_eq!(w, vec![0.0, 1.0]);
        // All zero columns → equal weights.
        let w = entropy_weights(&cols(&[&[0.0, 0.0], &[0.0, 0.0]]), 0.0).unwrap();
        assert_eq!(w, vec![0.5, 0.5]);
        assert_eq!(entropy_weights(&cols(&[&[0.5, -0.1]]), 0.0), Err(0));
    }

    #[test]
    fn critic_of_two_anticorrelated_columns() {
        // r = −1, so Σ(1 − r) = 0 + 2 for both; σ1 = √0.5·1, σ2 = √0.5·2.
        let (w, constant) = critic_weights(&cols(&[&[0.0, 1.0], &[1.0, -1.0]]));
        assert!(constant.is_empty());
        assert!((w[0] - 1.0 / 3.0).abs() < 1e-12);
        assert!((w[1] - 2.0 / 3.0).abs() < 1e-12);
    }

    #[test]
    fn ahp_saaty_three_by_three() {
        // The classic example: A = [[1, 1/3, 1/5], [3, 1, 1/3], [5, 3, 1]] has
        // w = (0.1047, 0.2583, 0.6370), λmax = 3.0385, CI = 0.0193, CR = 0.0332.
        let a = vec![
            vec![1.0, 1.0 / 3.0, 0.2],
            vec![3.0, 1.0, 1.0 / 3.0],
            vec![5.0, 3.0, 1.0],
        ];
        let r = ahp(&a);
        for (got, want) in r.weights.iter().zip([0.1047, 0.2583, 0.6370]) {
            assert!((got - want).abs() < 5e-5, "{:?}", r.weights);
        }
        assert!((r.lambda_max - 3.0385).abs() < 5e-5, "{}", r.lambda_max);
        assert!((r.ci - 0.0193).abs() < 5e-5, "{}", r.ci);
        assert!((r.cr - 0.0332).abs() < 5e-5, "{}", r.cr);
    }

    #[test]
    fn ahp_consistent_matrix_has_cr_zero() {
        // a_ij = w_i / w_j with w = (0.5, 0.3, 0.2): exactly consistent.
        let w = [0.5, 0.3, 0.2];
        let a: Vec<Vec<f64>> = w.iter().map(|x| w.iter().map(|y| x / y).collect()).collect();
        let r = ahp(&a);
        for (got, want) in r.weights.iter().zip(w) {
            assert!((got - want).abs() < 1e-12);
        }
        assert!((r.lambda_max - 3.0).abs() < 1e-12);
        assert!(r.cr.abs() < 1e-12);
        let two = ahp(&[vec![1.0, 4.0], vec![0.25, 1.0]]);
        assert!((two.weights[0] - 0.8).abs() < 1e-12);
        assert_eq!(two.cr, 0.0);
    }

    #[test]
    fn combination_rules() {
        let s = [0.5, 0.3, 0.2];
        let o = [0.2, 0.2, 0.6];
        // linear, α = 0.5: (0.35, 0.25, 0.4)
        let l = combine(&s, &o, 0.5, false);
        for (got, want) in l.iter().zip([0.35, 0.25, 0.4]) {
            assert!((got - want).abs() < 1e-15);
        }
        // multiplicative: (0.1, 0.06, 0.12) / 0.28
        let m = combine(&s, &o, 0.5, true);
        for (got, want) in m.iter().zip([0.1 / 0.28, 0.06 / 0.28, 0.12 / 0.28]) {
            assert!((got - want).abs() < 1e-15);
        }
    }

    #[test]
    fn correlations_stay_within_one_and_critic_weights_nonnegative() {
        // Collinear columns: r is ±1 in exact arithmetic, and rounding may
        // push the computed value past it; it must be clamped.
        for k in 1..200 {
            let scale = k as f64 * 0.37;
            let a: Vec<Option<f64>> = (0..7).map(|i| Some(0.1 * i as f64 + 0.013)).collect();
            let b: Vec<Option<f64>> = a.iter().map(|x| x.map(|x| x * scale + 0.2)).collect();
            let c: Vec<Option<f64>> = a.iter().map(|x| x.map(|x| 1.0 - x * scale)).collect();
            assert!(pearson(&a, &b).abs() <= 1.0 && pearson(&a, &c).abs() <= 1.0);
            let (w, _) = critic_weights(&[a, b, c]);
            assert!(w.iter().all(|&x| x >= 0.0), "{w:?}");
        }
    }

    #[test]
    fn topsis_by_hand() {
        // One indicator, weight 1: sample ideal 1, anti-ideal 0 → C = z.
        let z = cols(&[&[0.0, 0.25, 1.0]]);
        let ideal = topsis_ideal(&[(1.0, 0.0)], &[1.0], Ideal::Sample);
        assert_eq!(ideal, vec![(1.0, 0.0)]);
        let c: Vec<_> = (0..3).map(|u| topsis_closeness(&[z[0][u]], &[1.0], &ideal)).collect();
        assert_eq!(c, vec![Some(0.0), Some(0.25), Some(1.0)]);
        // Absolute ideal with weight 0.5: A⁺ = 0.5, A⁻ = 0; z = 0.25 → v = 0.125,
        // D⁺ = 0.375, D⁻ = 0.125, C = 0.125 / 0.5 = 0.25.
        let abs = topsis_ideal(&[(1.0, 0.0)], &[0.5], Ideal::Absolute);
        assert_eq!(topsis_closeness(&[Some(0.25)], &[0.5], &abs), Some(0.25));
    }

    proptest::proptest! {
        /// A column given as distinct values with counts has the divergence
        /// of its cells, to rounding (the sums add in another order): random
        /// columns of few distinct values (NaN, both zeros and negatives
        /// among them, a value listed twice or with no cell), any shift.
        #[test]
        fn counted_entropy_is_entropy(
            distinct in proptest::collection::vec(proptest::prop_oneof![
                4 => 0.0f64..1.0,
                1 => proptest::strategy::Just(0.0),
                1 => proptest::strategy::Just(-0.0),
                1 => proptest::strategy::Just(f64::NAN),
                1 => -1.0f64..0.0,
            ], 1..12),
            picks in proptest::collection::vec(0usize..12, 0..80),
            shift in proptest::prop_oneof![proptest::strategy::Just(0.0f64), 0.0f64..2.0],
        ) {
            let picks: Vec<usize> = picks.into_iter().map(|k| k % distinct.len()).collect();
            let values: Vec<f64> = picks.iter().map(|&k| distinct[k]).collect();
            let counted: Vec<(f64, u32)> = distinct
                .iter()
                .enumerate()
                .map(|(k, &v)| (v, picks.iter().filter(|&&p| p == k).count() as u32))
                .collect();
            let by_count = entropy_divergence_counted(&counted, shift);
            let direct = entropy_divergence(&values, shift);
            proptest::prop_assert_eq!(by_count.is_some(), direct.is_some());
            if let (Some(a), Some(b)) = (by_count, direct) {
                proptest::prop_assert!((a - b).abs() <= 1e-14, "{} vs {}", a, b);
            }
        }
    }
}
