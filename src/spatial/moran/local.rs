//! Local Moran (LISA) per unit, with its conditional-permutation p.
//!
//! I_i = (n − 1) z_i Σ_j w_ij z_j / Σ_k z_k². The test keeps the unit's
//! value and draws its k_i neighbours' values without replacement from the
//! n − 1 others, R times; the count is folded as the global test's. Unit
//! i draws from its own ChaCha8 stream of the seed (stream 2⁶³ + i, apart
//! from the global test's streams 0..R), so its p does not depend on which
//! thread computes it.

use super::{Cluster, LocalMoran, Quadrant, Settings, folded_p};
use crate::spatial::Weights;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rayon::prelude::*;

/// Where the local test's streams start.
const LOCAL_STREAMS: u64 = 1 << 63;

/// Every unit's local statistics, given the deviations `z` (Σ z² = m2)
/// and their lags.
pub(super) fn local(z: &[f64], m2: f64, lags: &[f64], weights: &Weights, settings: &Settings) -> Vec<LocalMoran> {
    let n = z.len();
    let scale = (n as f64 - 1.0) / m2;
    (0..n)
        .into_par_iter()
        .map_init(
            || (0..n).collect::<Vec<usize>>(),
            |pool, i| {
                let lag = lags.get(i).copied().unwrap_or(0.0);
                let zi = z.get(i).copied().unwrap_or(0.0);
                let row = weights.row(i);
                if row.is_empty() {
                    return LocalMoran {
                        lag,
                        local_i: None,
                        p_sim: None,
                        quadrant: None,
                        cluster: None,
                    };
                }
                let local_i = scale * zi * lag;
                let quadrant = Quadrant::of(zi, lag);
                let p_sim = (settings.permutations > 0).then(|| {
                    let larger = conditional(pool, z, row, i, scale * zi, local_i, settings);
                    folded_p(larger, settings.permutations)
                });
                let cluster = p_sim.map(|p| {
                    if p <= settings.alpha {
                        Cluster::Significant(quadrant)
                    } else {
                        Cluster::NotSignificant
                    }
                });
                LocalMoran {
                    lag,
                    local_i: Some(local_i),
                    p_sim,
                    quadrant: Some(quadrant),
                    cluster,
                }
            },
        )
        .collect()
}

/// How many of the R conditional permutations of unit `i` give a local I
/// (`factor` × the drawn lag) at least `observed`. `pool` is 0..n, in
/// that order on entry and on return.
///
/// A unit with few neighbours against the others draws them one by one,
/// drawing again a unit already drawn (cheap, and it leaves the pool
/// alone); one with many shuffles the front of the pool.
fn conditional(
    pool: &mut [usize],
    z: &[f64],
    row: &[(usize, f64)],
    i: usize,
    factor: f64,
    observed: f64,
    settings: &Settings,
) -> usize {
    let others = pool.len() - 1;
    let k = row.len().min(others);
    let mut rng = ChaCha8Rng::seed_from_u64(settings.seed);
    rng.set_stream(LOCAL_STREAMS | i as u64);
    let mut larger = 0;
    if k <= 32 && 4 * k <= others {
        let mut drawn: Vec<usize> = Vec::with_capacity(k);
        for _ in 0..settings.permutations {
            drawn.clear();
            let mut drawn_lag = 0.0;
            for &(_, w) in row.iter().take(k) {
                let j = loop {
                    // One of the others: 0..n without i.
                    let j = below(&mut rng, others);
                    let j = if j >= i { j + 1 } else { j };
                    if !drawn.contains(&j) {
                        break j;
                    }
                };
                drawn.push(j);
                drawn_lag += w * z.get(j).copied().unwrap_or(0.0);
            }
            larger += usize::from(factor * drawn_lag >= observed);
        }
        return larger;
    }
    // The unit itself sits past the end of the pool it draws from.
    pool.swap(i, others);
    let mut swaps = Vec::with_capacity(k);
    for _ in 0..settings.permutations {
        swaps.clear();
        let mut drawn_lag = 0.0;
        for (t, &(_, w)) in row.iter().enumerate().take(k) {
            let j = t + below(&mut rng, others - t);
            pool.swap(t, j);
            swaps.push(j);
            drawn_lag += w * pool.get(t).and_then(|&u| z.get(u)).copied().unwrap_or(0.0);
        }
        larger += usize::from(factor * drawn_lag >= observed);
        for (t, &j) in swaps.iter().enumerate().rev() {
            pool.swap(t, j);
        }
    }
    pool.swap(i, others);
    larger
}

/// A uniform draw from 0..bound (bound > 0), from 32 bits when they suffice.
pub(super) fn below(rng: &mut ChaCha8Rng, bound: usize) -> usize {
    match u32::try_from(bound) {
        Ok(b) => rng.random_range(0..b) as usize,
        Err(_) => rng.random_range(0..bound),
    }
}
