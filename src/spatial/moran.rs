//! Global Moran's I and its tests (SPEC "Spatial: `spatial`").
//!
//! With z_i = y_i − ȳ, S0 = Σ_ij w_ij, S1 = ½ Σ_ij (w_ij + w_ji)² and
//! S2 = Σ_i (Σ_j w_ij + Σ_j w_ji)²:
//! I = (n / S0) Σ_ij w_ij z_i z_j / Σ_i z_i², E[I] = −1/(n − 1),
//! Var[I] = (n² S1 − n S2 + 3 S0²) / ((n² − 1) S0²) − E[I]² under
//! normality, z = (I − E[I]) / √Var[I], p = 2(1 − Φ(|z|)); and a
//! permutation p: M = min(#{permuted ≥ observed}, #{permuted < observed}),
//! p_sim = (M + 1)/(R + 1). Permutation r shuffles the values with its
//! own ChaCha8 stream (stream r of the seed).

use super::Weights;
use crate::error::{Error, Result};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use rayon::prelude::*;
use statrs::distribution::{ContinuousCDF, Normal};

/// How the statistics are tested.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Settings {
    /// R, the number of permutations (0: no permutation p).
    pub permutations: usize,
    pub seed: u64,
    /// A unit is in its quadrant's cluster when its p_sim ≤ alpha.
    pub alpha: f64,
}

impl Default for Settings {
    fn default() -> Settings {
        Settings {
            permutations: 999,
            seed: 1,
            alpha: 0.05,
        }
    }
}

/// Where a unit and its neighbours lie against the period's mean (a zero
/// goes with the low side).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Quadrant {
    /// High value, high neighbours (z > 0, lag > 0): a hot spot.
    HH,
    /// Low value, high neighbours (z ≤ 0, lag > 0).
    LH,
    /// Low value, low neighbours (z ≤ 0, lag ≤ 0): a cold spot.
    LL,
    /// High value, low neighbours (z > 0, lag ≤ 0).
    HL,
}

impl Quadrant {
    /// The quadrant of deviation `z` and lag `lag`.
    pub fn of(z: f64, lag: f64) -> Quadrant {
        match (z > 0.0, lag > 0.0) {
            (true, true) => Quadrant::HH,
            (false, true) => Quadrant::LH,
            (false, false) => Quadrant::LL,
            (true, false) => Quadrant::HL,
        }
    }

    /// Its name in outputs: `HH`, `LH`, `LL`, `HL`.
    pub fn key(self) -> &'static str {
        match self {
            Quadrant::HH => "HH",
            Quadrant::LH => "LH",
            Quadrant::LL => "LL",
            Quadrant::HL => "HL",
        }
    }
}

/// A unit's LISA cluster: its quadrant when significant, else `ns`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Cluster {
    Significant(Quadrant),
    NotSignificant,
}

impl Cluster {
    /// Its name in outputs: the quadrant's, or `ns`.
    pub fn key(self) -> &'static str {
        match self {
            Cluster::Significant(q) => q.key(),
            Cluster::NotSignificant => "ns",
        }
    }
}

/// Global Moran's I of one period.
#[derive(Debug, Clone, PartialEq)]
pub struct GlobalMoran {
    /// Units, islands included.
    pub n: usize,
    pub i: f64,
    /// E[I] = −1/(n − 1).
    pub expected: f64,
    /// Var[I] under normality.
    pub variance_norm: f64,
    /// z under normality; `None` when the variance is not positive.
    pub z_norm: Option<f64>,
    /// Two-sided p of z_norm.
    pub p_norm: Option<f64>,
    /// Permutation p; `None` without permutations.
    pub p_sim: Option<f64>,
    pub permutations: usize,
}

/// Local Moran of one unit.
#[derive(Debug, Clone, PartialEq)]
pub struct LocalMoran {
    /// Σ_j w_ij z_j (0 for an island).
    pub lag: f64,
    /// I_i = (n − 1) z_i lag / Σ_k z_k²; `None` for an island or a period
    /// of equal values, as are the others.
    pub local_i: Option<f64>,
    /// Conditional-permutation p; also `None` without permutations.
    pub p_sim: Option<f64>,
    pub quadrant: Option<Quadrant>,
    /// `None` where p_sim is.
    pub cluster: Option<Cluster>,
}

/// Moran's I of one period: the global figures (`None` when the values are
/// all equal, or no unit has neighbours) and each unit's local ones, in
/// the weights' order, with the warnings to show.
#[derive(Debug, Clone, PartialEq)]
pub struct Moran {
    pub global: Option<GlobalMoran>,
    pub units: Vec<LocalMoran>,
    pub warnings: Vec<String>,
}

/// Moran's I of `values` (one per unit of `weights`, in its order).
pub fn moran(values: &[f64], weights: &Weights, settings: &Settings) -> Result<Moran> {
    let n = values.len();
    if n != weights.len() || values.iter().any(|v| !v.is_finite()) {
        return Err(Error::data(format!(
            "Moran's I needs one finite value per unit: {n} value(s) for {} unit(s)",
            weights.len()
        )));
    }
    let mean = values.iter().sum::<f64>() / n as f64;
    let z: Vec<f64> = values.iter().map(|y| y - mean).collect();
    let lags: Vec<f64> = (0..n).map(|i| lag(weights, &z, i)).collect();
    let max = values.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let min = values.iter().copied().fold(f64::INFINITY, f64::min);
    let mut warnings = Vec::new();
    let blank = |lag| LocalMoran {
        lag,
        local_i: None,
        p_sim: None,
        quadrant: None,
        cluster: None,
    };
    if n < 2 || max == min {
        warnings.push(format!(
            "the {n} value(s) are all equal: no Moran statistics (nothing varies to correlate)"
        ));
        let units = lags.into_iter().map(blank).collect();
        return Ok(Moran {
            global: None,
            units,
            warnings,
        });
    }
    let m2: f64 = z.iter().map(|z| z * z).sum();
    let global = global(&z, m2, weights, settings);
    if global.is_none() {
        warnings.push("no unit has a neighbour: no Moran statistics".to_string());
    }
    let units = local::local(&z, m2, &lags, weights, settings);
    Ok(Moran {
        global,
        units,
        warnings,
    })
}

/// Σ_j w_ij z_j.
pub(super) fn lag(weights: &Weights, z: &[f64], i: usize) -> f64 {
    weights
        .row(i)
        .iter()
        .map(|&(j, w)| w * z.get(j).copied().unwrap_or(0.0))
        .sum()
}

/// I of deviations `z` (whose Σ z² is m2).
fn statistic(weights: &Weights, z: &[f64], s0: f64, m2: f64) -> f64 {
    let cross: f64 = z.iter().enumerate().map(|(i, zi)| zi * lag(weights, z, i)).sum();
    (z.len() as f64 / s0) * cross / m2
}

/// The global statistic and its tests; `None` when S0 = 0.
fn global(z: &[f64], m2: f64, weights: &Weights, settings: &Settings) -> Option<GlobalMoran> {
    let s0 = weights.s0();
    if s0 <= 0.0 {
        return None;
    }
    let n = z.len();
    let nf = n as f64;
    let i = statistic(weights, z, s0, m2);
    let expected = -1.0 / (nf - 1.0);
    let (s1, s2) = (weights.s1(), weights.s2());
    let variance_norm = (nf * nf * s1 - nf * s2 + 3.0 * s0 * s0) / ((nf * nf - 1.0) * s0 * s0) - expected * expected;
    let z_norm = (variance_norm > 0.0).then(|| (i - expected) / variance_norm.sqrt());
    let p_norm = z_norm.map(|z| 2.0 * Normal::standard().sf(z.abs()));
    let r = settings.permutations;
    let p_sim = (r > 0).then(|| {
        let larger = (0..r)
            .into_par_iter()
            .map_init(
                || z.to_vec(),
                |scratch, p| {
                    scratch.copy_from_slice(z);
                    let mut rng = ChaCha8Rng::seed_from_u64(settings.seed);
                    rng.set_stream(p as u64);
                    shuffle(scratch, &mut rng);
                    usize::from(statistic(weights, scratch, s0, m2) >= i)
                },
            )
            .sum::<usize>();
        folded_p(larger, r)
    });
    Some(GlobalMoran {
        n,
        i,
        expected,
        variance_norm,
        z_norm,
        p_norm,
        p_sim,
        permutations: r,
    })
}

/// Fisher–Yates shuffle.
fn shuffle(values: &mut [f64], rng: &mut ChaCha8Rng) {
    for k in (1..values.len()).rev() {
        let j = local::below(rng, k + 1);
        values.swap(k, j);
    }
}

/// p_sim = (M + 1)/(R + 1), M = min(larger, R − larger).
pub(super) fn folded_p(larger: usize, r: usize) -> f64 {
    let m = larger.min(r - larger.min(r));
    (m as f64 + 1.0) / (r as f64 + 1.0)
}

mod local;
#[cfg(test)]
mod tests;
