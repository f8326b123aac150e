//! Methods analysts publish with: objective weights (entropy, CRITIC) and
//! TOPSIS (SPEC "Maths: objective weighting" and "Methods").
//!
//! Missing cells (under `missing = "reweight"`) are left out of each
//! column's sums: n is the number of units with a value.

use crate::rubric::Ideal;

/// Entropy weights: p_ij = (z_ij + A) / Σ_i (z_ij + A),
/// E_j = −(1/ln n) Σ_i p_ij ln p_ij (0·ln 0 = 0), d_j = 1 − E_j,
/// w_j = d_j / Σ d. A column summing to zero gets d_j = 0; all d zero gives
/// equal weights. Negative z is refused: `Err(j)` names the column.
pub fn entropy_weights(z: &[Vec<Option<f64>>], shift: f64) -> Result<Vec<f64>, usize> {
    let mut d = Vec::with_capacity(z.len());
    for (j, col) in z.iter().enumerate() {
        let values: Vec<f64> = col.iter().flatten().map(|v| v + shift).collect();
        if values.iter().any(|&v| v < 0.0) {
            return Err(j);
        }
        let n = values.len();
        let total: f64 = values.iter().sum();
        // A constant column carries no information: E = 1 exactly, which
        // floating point would miss by a few ulps.
        let constant = values.windows(2).all(|p| p[0] == p[1]);
        if n < 2 || constant || total.is_nan() || total <= 0.0 {
            d.push(0.0);
            continue;
        }
        let h: f64 = values
            .iter()
            .map(|&v| {
                let p = v / total;
                if p > 0.0 { p * p.ln() } else { 0.0 }
            })
            .sum();
        let e = -h / (n as f64).ln();
        // E ≤ 1 in exact arithmetic; rounding must not make a weight negative.
        d.push((1.0 - e).max(0.0));
    }
    Ok(normalize_or_equal(d))
}

/// CRITIC weights: C_j = σ_j Σ_k (1 − r_jk), σ the sample sd of column j,
/// r the Pearson correlation (taken as 0 where a column is constant);
/// w_j = C_j / Σ C. Also returns the constant columns, for a warning.
pub fn critic_weights(z: &[Vec<Option<f64>>]) -> (Vec<f64>, Vec<usize>) {
    let m = z.len();
    let sd: Vec<f64> = z
        .iter()
        .map(|col| {
            let v: Vec<f64> = col.iter().flatten().copied().collect();
            crate::engine::sample_sd(&v, crate::engine::mean(&v))
        })
        .collect();
    let constant: Vec<usize> = (0..m).filter(|&j| sd[j].is_nan() || sd[j] <= 0.0).collect();
    let mut c = vec![0.0; m];
    for j in 0..m {
        let mut conflict = 0.0;
        for k in 0..m {
            let r = if j == k {
                1.0
            } else if sd[j] > 0.0 && sd[k] > 0.0 {
                pearson(&z[j], &z[k])
            } else {
                0.0
            };
            conflict += 1.0 - r;
        }
        c[j] = sd[j] * conflict;
    }
    (normalize_or_equal(c), constant)
}

/// Pearson correlation over the units that have both values.
fn pearson(a: &[Option<f64>], b: &[Option<f64>]) -> f64 {
    let pairs: Vec<(f64, f64)> = a.iter().zip(b).filter_map(|(x, y)| Some(((*x)?, (*y)?))).collect();
    let n = pairs.len() as f64;
    if pairs.len() < 2 {
        return 0.0;
    }
    let ma = pairs.iter().map(|p| p.0).sum::<f64>() / n;
    let mb = pairs.iter().map(|p| p.1).sum::<f64>() / n;
    let (mut sab, mut saa, mut sbb) = (0.0, 0.0, 0.0);
    for (x, y) in &pairs {
        sab += (x - ma) * (y - mb);
        saa += (x - ma) * (x - ma);
        sbb += (y - mb) * (y - mb);
    }
    if saa > 0.0 && sbb > 0.0 {
        sab / (saa * sbb).sqrt()
    } else {
        0.0
    }
}

fn normalize_or_equal(v: Vec<f64>) -> Vec<f64> {
    let total: f64 = v.iter().sum();
    if total > 0.0 && total.is_finite() {
        v.iter().map(|x| x / total).collect()
    } else {
        vec![1.0 / v.len() as f64; v.len()]
    }
}

/// TOPSIS ideal and anti-ideal per indicator, (A⁺_j, A⁻_j): the column max
/// and min of v_ij = w_j z_ij (`sample`), or w_j and 0 (`absolute`).
pub fn topsis_ideal(z: &[Vec<Option<f64>>], w: &[f64], ideal: Ideal) -> Vec<(f64, f64)> {
    z.iter()
        .zip(w)
        .map(|(col, &wj)| match ideal {
            Ideal::Absolute => (wj, 0.0),
            Ideal::Sample => {
                let v = col.iter().flatten().map(|x| wj * x);
                let hi = v.clone().fold(f64::NEG_INFINITY, f64::max);
                let lo = v.fold(f64::INFINITY, f64::min);
                (hi, lo)
            }
        })
        .collect()
}

/// TOPSIS closeness of one unit: C = D⁻/(D⁺ + D⁻), 1 when D⁺ = 0, with the
/// distances over the indicators the unit has; `None` when it has none.
pub fn topsis_closeness(z: &[Option<f64>], w: &[f64], ideal: &[(f64, f64)]) -> Option<f64> {
    let (mut plus, mut minus, mut any) = (0.0, 0.0, false);
    for ((x, &wj), &(hi, lo)) in z.iter().zip(w).zip(ideal) {
        if let Some(x) = x {
            let v = wj * x;
            plus += (v - hi) * (v - hi);
            minus += (v - lo) * (v - lo);
            any = true;
        }
    }
    if !any {
        return None;
    }
    let (dp, dm) = (plus.sqrt(), minus.sqrt());
    Some(if dp == 0.0 { 1.0 } else { dm / (dp + dm) })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cols(data: &[&[f64]]) -> Vec<Vec<Option<f64>>> {
        data.iter().map(|c| c.iter().map(|&v| Some(v)).collect()).collect()
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
    fn topsis_by_hand() {
        // One indicator, weight 1: sample ideal 1, anti-ideal 0 → C = z.
        let z = cols(&[&[0.0, 0.25, 1.0]]);
        let ideal = topsis_ideal(&z, &[1.0], Ideal::Sample);
        assert_eq!(ideal, vec![(1.0, 0.0)]);
        let c: Vec<_> = (0..3).map(|u| topsis_closeness(&[z[0][u]], &[1.0], &ideal)).collect();
        assert_eq!(c, vec![Some(0.0), Some(0.25), Some(1.0)]);
        // Absolute ideal with weight 0.5: A⁺ = 0.5, A⁻ = 0; z = 0.25 → v = 0.125,
        // D⁺ = 0.375, D⁻ = 0.125, C = 0.125 / 0.5 = 0.25.
        let abs = topsis_ideal(&z, &[0.5], Ideal::Absolute);
        assert_eq!(topsis_closeness(&[Some(0.25)], &[0.5], &abs), Some(0.25));
    }
}
