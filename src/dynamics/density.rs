//! Gaussian kernel densities per period (SPEC "Dynamics": density).
//!
//! Each period's f(x) = (1/(n h)) Σ φ((x − y_i)/h) is evaluated exactly at
//! every grid point (no binning): the values are sorted once, and each grid
//! point sums, in ascending order of y and with a compensated sum, only the
//! values within ±8h (a binary search finds them; a term beyond 8h is below
//! e^−32 ≈ 1.3e−14 of φ(0), so leaving it out moves f by less than 1e−13 of
//! its peak). Grid points are computed in parallel, each by one fixed
//! sequence of operations, so the output is the same at any thread count.

use super::{PeriodValues, present, quantile};
use crate::error::echo;
use crate::stats::{self, Sum};
use rayon::prelude::*;

#[cfg(test)]
mod tests;

/// How far from a grid point (in bandwidths) values still count.
const REACH: f64 = 8.0;

/// The densities of every period on one grid.
#[derive(Debug, Clone, PartialEq)]
pub struct Density {
    /// The grid: `points` equally spaced x from the pooled minimum − 3h to
    /// the pooled maximum + 3h of all periods (h the largest bandwidth);
    /// empty when no period has a bandwidth.
    pub x: Vec<f64>,
    /// Per period, in the panel's order.
    pub periods: Vec<PeriodDensity>,
}

/// One period's density.
#[derive(Debug, Clone, PartialEq)]
pub struct PeriodDensity {
    pub label: String,
    /// Units with a value.
    pub n: usize,
    /// Silverman's h; `None` for a single-point period (sd = 0) or no values.
    pub bandwidth: Option<f64>,
    /// f at each x of the grid; empty for a single-point period or one
    /// without values.
    pub density: Vec<f64>,
    /// Local maxima above 10 % of the highest value, as (x, f(x)), by x. A
    /// plateau (equal neighbouring values) higher than the points on both
    /// sides is one peak, at the x midway between its ends; beyond the
    /// grid's ends f counts as lower.
    pub peaks: Vec<(f64, f64)>,
}

/// The densities of `periods` at `points` grid points (at least 2, else a
/// usage error). A period without values, or whose values are all equal
/// (a single point, sd = 0), has no density, with a warning.
pub fn density(periods: &[PeriodValues<'_>], points: usize, warnings: &mut Vec<String>) -> crate::Result<Density> {
    if points < 2 {
        return Err(crate::Error::usage(format!(
            "--points must be at least 2 (got {points})"
        )));
    }
    let sorted: Vec<Vec<f64>> = periods
        .iter()
        .map(|p| {
            let mut v: Vec<f64> = present(p).map(|(_, _, y)| y).collect();
            v.sort_by(f64::total_cmp);
            v
        })
        .collect();
    let bandwidths: Vec<Option<f64>> = sorted.iter().map(|v| silverman(v)).collect();
    for ((period, values), h) in periods.iter().zip(&sorted).zip(&bandwidths) {
        if h.is_some() {
            continue;
        }
        warnings.push(match values.first() {
            None => format!(
                "density: period {}: no unit has a value; it has no density",
                echo(period.label)
            ),
            Some(v) => format!(
                "density: period {}: every value is {} (a single point); it has no density",
                echo(period.label),
                crate::util::readable(*v)
            ),
        });
    }
    let x = grid(&sorted, &bandwidths, points);
    let out = periods
        .iter()
        .zip(&sorted)
        .zip(&bandwidths)
        .map(|((period, values), &h)| {
            let density = match h {
                Some(h) if !x.is_empty() => evaluate(values, h, &x),
                _ => Vec::new(),
            };
            PeriodDensity {
                label: period.label.to_string(),
                n: values.len(),
                bandwidth: h,
                peaks: peaks(&x, &density),
                density,
            }
        })
        .collect();
    Ok(Density { x, periods: out })
}

/// Silverman's rule of thumb h = 0.9 · min(sd, IQR/1.34) · n^(−1/5), with
/// sd alone when the IQR is 0; `None` when sd is 0 (fewer than two values,
/// or all equal) or h is not a positive finite number.
pub fn silverman(sorted: &[f64]) -> Option<f64> {
    if sorted.len() < 2 {
        return None;
    }
    let sd = stats::sample_sd(sorted, stats::mean(sorted));
    if sd.is_nan() || sd <= 0.0 {
        return None;
    }
    let iqr = quantile(sorted, 0.75) - quantile(sorted, 0.25);
    let spread = if iqr > 0.0 { sd.min(iqr / 1.34) } else { sd };
    let h = 0.9 * spread * (sorted.len() as f64).powf(-0.2);
    (h > 0.0 && h.is_finite()).then_some(h)
}

/// `points` equally spaced x from the pooled minimum − 3h to the pooled
/// maximum + 3h (h the largest bandwidth); empty when no period has one.
fn grid(sorted: &[Vec<f64>], bandwidths: &[Option<f64>], points: usize) -> Vec<f64> {
    let Some(h) = bandwidths.iter().flatten().copied().reduce(f64::max) else {
        return Vec::new();
    };
    let ends: Vec<f64> = sorted
        .iter()
        .filter_map(|v| Some([*v.first()?, *v.last()?]))
        .flatten()
        .collect();
    let Some((lo, hi)) = stats::min_max(&ends) else {
        return Vec::new();
    };
    let (from, to) = (lo - 3.0 * h, hi + 3.0 * h);
    let steps = (points - 1) as f64;
    (0..points)
        .map(|i| {
            let t = i as f64 / steps;
            // Both ends exact; in between a convex combination (monotone).
            if t >= 0.5 {
                to - (to - from) * (1.0 - t)
            } else {
                from + (to - from) * t
            }
        })
        .collect()
}

/// f(x) of ascending `sorted` values with bandwidth `h` at each of `x`.
pub fn evaluate(sorted: &[f64], h: f64, x: &[f64]) -> Vec<f64> {
    let scale = 1.0 / (sorted.len() as f64 * h * (2.0 * std::f64::consts::PI).sqrt());
    x.par_iter()
        .map(|&at| {
            let from = sorted.partition_point(|&y| y < at - REACH * h);
            let to = sorted.partition_point(|&y| y <= at + REACH * h);
            let mut sum = Sum::default();
            for &y in sorted.get(from..to).unwrap_or(&[]) {
                let u = (at - y) / h;
                sum.add((-0.5 * u * u).exp());
            }
            sum.value() * scale
        })
        .collect()
}

/// The local maxima of `f` above 10 % of its highest value, as (x, f(x)).
fn peaks(x: &[f64], f: &[f64]) -> Vec<(f64, f64)> {
    let top = f.iter().copied().fold(0.0, f64::max);
    let mut out = Vec::new();
    let mut i = 0;
    while i < f.len() {
        // The plateau i..=j of values equal to f[i].
        let mut j = i;
        while f.get(j + 1) == f.get(i) {
            j += 1;
        }
        let left_lower = i == 0 || f.get(i - 1).is_some_and(|&l| l < f[i]);
        let right_lower = f.get(j + 1).is_none_or(|&r| r < f[i]);
        if left_lower
            && right_lower
            && f[i] > 0.1 * top
            && let (Some(&a), Some(&b)) = (x.get(i), x.get(j))
        {
            out.push((f64::midpoint(a, b), f[i]));
        }
        i = j + 1;
    }
    out
}
