//! How robust is a rank (SPEC "Robustness: `sensitivity`"): the data is
//! re-scored many times with every weight multiplied by a random factor and,
//! when alternatives are given, another normalization or top-level
//! aggregation, and each unit's ranks over the runs are summarized by
//! nearest-rank percentiles (OECD/JRC handbook, step 7: uncertainty analysis).
//!
//! Everything a run does not vary is computed once: each variant's
//! parameters and normalized matrix. A run draws its choices from its own
//! random stream (ChaCha8, the run's number as the stream of the master
//! seed), so a run's result does not depend on which thread makes it.

use crate::engine::{self, Params, Weights};
use crate::error::{Error, ErrorKind, Result};
use crate::input::Table;
use crate::methods;
use crate::rubric::{Aggregate, Method, Normalize, Rubric};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rayon::prelude::*;

/// What the runs vary.
#[derive(Debug, Clone, PartialEq)]
pub struct Settings {
    pub runs: usize,
    pub seed: u64,
    /// Every weight is multiplied by a factor drawn uniformly from
    /// [1 − weights, 1 + weights] (0 ≤ weights < 1).
    pub weights: f64,
    /// Normalizations a run draws one from, for every indicator; empty: the rubric's own.
    pub normalize: Vec<Normalize>,
    /// Top-level aggregations a run draws one from; empty: the rubric's own.
    pub aggregate: Vec<Aggregate>,
}

impl Default for Settings {
    fn default() -> Settings {
        Settings {
            runs: 1000,
            seed: 1,
            weights: 0.25,
            normalize: Vec::new(),
            aggregate: Vec::new(),
        }
    }
}

/// The most memory the rank store may take (SPEC "Bounded resources").
pub const MAX_RANK_STORE: u64 = 1 << 30;

/// Bytes the ranks of `runs` runs over `n` units take: 4 a rank, held once
/// for every run (run-major), plus the sorted copy of one unit's ranks that
/// each of (at most) two summarizing workers holds at a time.
fn rank_store_bytes(runs: usize, n: usize) -> u64 {
    (runs as u64).saturating_mul(n as u64 + 2).saturating_mul(4)
}

/// Refuses a run whose rank store would exceed [`MAX_RANK_STORE`], naming
/// the largest number of runs that fits.
pub fn check_rank_store(runs: usize, n: usize) -> Result<()> {
    let bytes = rank_store_bytes(runs, n);
    if bytes <= MAX_RANK_STORE {
        return Ok(());
    }
    let largest = MAX_RANK_STORE / ((n as u64 + 2) * 4);
    Err(Error::data(format!(
        "{runs} runs × {n} unit(s) need a rank store of {:.1} GiB, more than the {} GiB linkscore holds",
        bytes as f64 / f64::from(1u32 << 30),
        MAX_RANK_STORE >> 30
    ))
    .help(format!(
        "ask for at most {largest} runs (--runs, or --uncertainty in diff and report); a few hundred already give stable percentiles"
    )))
}

/// A unit's ranks over the runs: median and 5th/95th percentiles, by
/// nearest rank (the ⌈pR⌉-th smallest of R).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Interval {
    pub median: u32,
    pub p05: u32,
    pub p95: u32,
}

impl Interval {
    /// p95 − p05.
    pub fn spread(&self) -> u32 {
        self.p95.saturating_sub(self.p05)
    }

    /// Whether `rank` lies inside [p05, p95].
    pub fn contains(&self, rank: u32) -> bool {
        (self.p05..=self.p95).contains(&rank)
    }

    /// From ranks sorted ascending (at least one).
    #[cfg(test)]
    fn of_sorted(sorted: &[u32]) -> Option<Interval> {
        Interval::of(&mut sorted.to_vec())
    }

    /// From ranks in any order (at least one; reorders them): the
    /// ⌈pR⌉-th smallest by selection, which is the sorted list's.
    fn of(ranks: &mut [u32]) -> Option<Interval> {
        let len = ranks.len();
        let mut at = |percent: usize| {
            // k = ⌈pR⌉ in integers (p as a percentage), at least 1.
            let k = (percent * len).div_ceil(100).max(1);
            (k <= len).then(|| *ranks.select_nth_unstable(k - 1).1)
        };
        Some(Interval {
            median: at(50)?,
            p05: at(5)?,
            p95: at(95)?,
        })
    }
}

/// Units whose ranks over the runs are gathered together (see `analyse`).
const SUMMARY_BLOCK: usize = 64;

/// The outcome of the runs.
#[derive(Debug, Clone)]
pub struct Robustness {
    pub settings: Settings,
    /// Per unit: its nominal rank (the rubric as written), `None` without a score.
    pub nominal: Vec<Option<u32>>,
    /// Per unit: its ranks over the runs, `None` without a score.
    pub intervals: Vec<Option<Interval>>,
    /// Mean over units and runs of |run rank − nominal rank|.
    pub mean_shift: f64,
}

impl Robustness {
    /// Units with a rank, and how many of them have their interval within
    /// ±`places` of their nominal rank.
    pub fn within(&self, places: u32) -> (usize, usize) {
        let mut ranked = 0;
        let mut inside = 0;
        for (nominal, interval) in self.nominal.iter().zip(&self.intervals) {
            if let (Some(r), Some(i)) = (nominal, interval) {
                ranked += 1;
                if i.p05 >= r.saturating_sub(places) && i.p95 <= r.saturating_add(places) {
                    inside += 1;
                }
            }
        }
        (ranked, inside)
    }
}

/// One combination of the alternatives: its rubric, parameters fitted on the
/// data, and the normalized matrix the runs re-weight.
struct Variant {
    rubric: Rubric,
    params: Params,
    rows: Vec<f64>,
    /// `rows` laid out for scoring them once a run.
    rescoring: engine::Rescoring,
    /// Per indicator, (max, min) of the normalized values: a sample TOPSIS
    /// ideal under re-drawn weights.
    bounds: Vec<(f64, f64)>,
}

/// Checks that the alternatives apply to this rubric (a command-line
/// error otherwise).
pub fn check_settings(rubric: &Rubric, settings: &Settings) -> Result<()> {
    if !(0.0..1.0).contains(&settings.weights) {
        return Err(Error::usage(format!(
            "--weights {} is outside [0, 1): each weight is multiplied by a factor from [1 − w, 1 + w], which must stay positive",
            settings.weights
        ))
        .help("try --weights 0.25 (±25 %), or 0 to keep the weights"));
    }
    if settings.runs == 0 {
        return Err(Error::usage("--runs must be at least 1"));
    }
    if settings.normalize.contains(&Normalize::Goalpost)
        && let Some(ind) = rubric.indicators.iter().find(|i| i.goalposts.is_none())
    {
        return Err(Error::usage(format!(
            "--normalize goalpost needs goalposts for every indicator, and `{}` has none",
            ind.id
        ))
        .help("add `goalposts = [lo, hi]` to it in the rubric, or leave goalpost out of --normalize"));
    }
    if !settings.aggregate.is_empty() && rubric.method == Method::Topsis {
        return Err(Error::usage(
            "the rubric scores by TOPSIS (method = \"topsis\"), which has no top-level aggregation to vary",
        )
        .help("leave out --aggregate"));
    }
    Ok(())
}

/// Re-scores `table` `settings.runs` times. `base` is the parameters of the
/// nominal scoring (whose ranks are `nominal`); alternatives are fitted on
/// `pool` (the tables the base was fitted on). `tick` is called once a run.
pub fn analyse(
    rubric: &Rubric,
    table: &Table,
    pool: &[&Table],
    base: &Params,
    nominal: Vec<Option<u32>>,
    settings: &Settings,
    tick: &(dyn Fn() + Sync),
) -> Result<Robustness> {
    check_settings(rubric, settings)?;
    let n = table.len();
    check_rank_store(settings.runs, n)?;
    let variants = variants(rubric, table, pool, base, settings)?;
    let norms = settings.normalize.len().max(1);
    let aggs = settings.aggregate.len().max(1);
    // One flat store, run-major: a run's ranks are one chunk of n.
    let mut store = vec![0u32; settings.runs.saturating_mul(n)];
    store.par_chunks_mut(n.max(1)).enumerate().for_each(|(run, out)| {
        let mut rng = ChaCha8Rng::seed_from_u64(settings.seed);
        rng.set_stream(run as u64);
        let v = if norms > 1 { rng.random_range(0..norms) } else { 0 };
        let a = if aggs > 1 { rng.random_range(0..aggs) } else { 0 };
        let Some(variant) = variants.get(v * aggs + a) else {
            return;
        };
        let vary = settings.weights > 0.0;
        let weights = if vary {
            perturb(&variant.rubric, &variant.params.weights, settings.weights, &mut rng)
        } else {
            variant.params.weights.clone()
        };
        let ideal = match (&variant.params.ideal, vary) {
            (Some(_), true) => Some(methods::topsis_ideal(
                &variant.bounds,
                &weights.global,
                variant.rubric.ideal,
            )),
            (ideal, _) => ideal.clone(),
        };
        let scores = variant
            .rescoring
            .scores(&variant.rubric, &variant.rows, &weights, ideal.as_deref());
        tick();
        for (slot, rank) in out.iter_mut().zip(engine::ranks_of(&scores)) {
            *slot = rank;
        }
    });

    // Units a block at a time: each run's ranks of the block are one
    // contiguous read (a unit's ranks alone are a run apart in the store).
    let summaries: Vec<(Option<Interval>, u64, u64)> = (0..n.div_ceil(SUMMARY_BLOCK))
        .into_par_iter()
        .flat_map_iter(|block| {
            let units = block * SUMMARY_BLOCK..((block + 1) * SUMMARY_BLOCK).min(n);
            let mut ranks: Vec<Vec<u32>> = vec![Vec::with_capacity(settings.runs); units.len()];
            for run in store.chunks(n.max(1)) {
                let of_block = run.get(units.clone()).unwrap_or_default();
                for (list, &r) in ranks.iter_mut().zip(of_block) {
                    if r > 0 {
                        list.push(r);
                    }
                }
            }
            let nominal = &nominal;
            units.zip(ranks).map(move |(u, mut ranks)| {
                let nominal = nominal.get(u).copied().flatten();
                let shift = nominal.map_or(0, |r| ranks.iter().map(|&x| u64::from(x.abs_diff(r))).sum());
                let counted = if nominal.is_some() { ranks.len() as u64 } else { 0 };
                (Interval::of(&mut ranks), shift, counted)
            })
        })
        .collect();
    let (shift, counted) = summaries
        .iter()
        .fold((0u64, 0u64), |(s, c), &(_, shift, counted)| (s + shift, c + counted));
    Ok(Robustness {
        settings: settings.clone(),
        nominal,
        intervals: summaries.into_iter().map(|(i, _, _)| i).collect(),
        mean_shift: if counted > 0 {
            shift as f64 / counted as f64
        } else {
            0.0
        },
    })
}

/// Every combination of the alternatives, normalization-major.
fn variants(
    rubric: &Rubric,
    table: &Table,
    pool: &[&Table],
    base: &Params,
    settings: &Settings,
) -> Result<Vec<Variant>> {
    let norms: Vec<Option<Normalize>> = if settings.normalize.is_empty() {
        vec![None]
    } else {
        settings.normalize.iter().copied().map(Some).collect()
    };
    let aggs: Vec<Option<Aggregate>> = if settings.aggregate.is_empty() {
        vec![None]
    } else {
        settings.aggregate.iter().copied().map(Some).collect()
    };
    let mut variants = Vec::with_capacity(norms.len() * aggs.len());
    for &norm in &norms {
        for &agg in &aggs {
            let mut variant = rubric.clone();
            if let Some(norm) = norm {
                for ind in &mut variant.indicators {
                    ind.normalize = norm;
                }
            }
            if let Some(agg) = agg {
                variant.aggregate = agg;
            }
            let altered = norm.is_some() || agg.is_some();
            // The rubric as written was fitted and scored already. An
            // alternative is fitted, and scored once with its own weights, so
            // that what it cannot do (a negative value under a geometric mean
            // or entropy weights) is said before the runs, naming the flag.
            let params = if altered {
                let what = [
                    norm.map(|n| format!("--normalize {}", n.as_str())),
                    agg.map(|a| format!("--aggregate {}", aggregate_name(a))),
                ]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>()
                .join(" with ");
                let params = engine::fit(&variant, pool).map_err(|e| as_usage(e, &what))?;
                engine::apply(&variant, table, &params).map_err(|e| as_usage(e, &what))?;
                params
            } else {
                base.clone()
            };
            let rows = engine::normalized_rows(&variant, table, &params);
            let m = variant.indicators.len();
            let bounds = (0..m)
                .map(|i| {
                    let column = rows.iter().skip(i).step_by(m.max(1)).copied().filter(|v| !v.is_nan());
                    column.fold((f64::NEG_INFINITY, f64::INFINITY), |(hi, lo), v| (hi.max(v), lo.min(v)))
                })
                .collect();
            let rescoring = engine::Rescoring::new(&variant, &rows, table.len());
            variants.push(Variant {
                rubric: variant,
                params,
                rows,
                rescoring,
                bounds,
            });
        }
    }
    Ok(variants)
}

/// A data error met under an alternative, as a command-line error naming it
/// (the rubric as written is fine; the alternative is what to change).
fn as_usage(e: Error, what: &str) -> Error {
    if e.kind() != ErrorKind::Data {
        return e;
    }
    Error::usage(format!("{what} cannot score this data: {}", e.headline())).help("leave that alternative out")
}

/// The weights with every dimension and indicator weight multiplied by its
/// own factor from [1 − spread, 1 + spread], renormalized inside each parent.
fn perturb(rubric: &Rubric, base: &Weights, spread: f64, rng: &mut ChaCha8Rng) -> Weights {
    let mut factor = || rng.random_range(1.0 - spread..=1.0 + spread);
    let mut dimension: Vec<f64> = base.dimension.iter().map(|&w| w * factor()).collect();
    let mut indicator: Vec<f64> = base.indicator.iter().map(|&w| w * factor()).collect();
    normalize(&mut dimension);
    for dim in &rubric.dimensions {
        let total = crate::stats::sum(dim.indicators.iter().filter_map(|&i| indicator.get(i).copied()));
        if total > 0.0 {
            for &i in &dim.indicators {
                if let Some(w) = indicator.get_mut(i) {
                    *w /= total;
                }
            }
        }
    }
    let global = rubric
        .indicators
        .iter()
        .zip(&indicator)
        .map(|(ind, &w)| dimension.get(ind.dimension).copied().unwrap_or(0.0) * w)
        .collect();
    Weights {
        method: base.method,
        dimension,
        indicator,
        global,
    }
}

fn normalize(weights: &mut [f64]) {
    let total = crate::stats::sum(weights.iter().copied());
    if total > 0.0 {
        for w in weights {
            *w /= total;
        }
    }
}

pub fn aggregate_name(a: Aggregate) -> &'static str {
    match a {
        Aggregate::Arithmetic => "arithmetic",
        Aggregate::Geometric => "geometric",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_rank_percentiles() {
        // R = 20: p05 is the ⌈1⌉st, the median the ⌈10⌉th, p95 the ⌈19⌉th.
        let sorted: Vec<u32> = (1..=20).collect();
        assert_eq!(
            Interval::of_sorted(&sorted),
            Some(Interval {
                median: 10,
                p05: 1,
                p95: 19
            })
        );
        // R = 1000: the 50th, 500th and 950th.
        let sorted: Vec<u32> = (1..=1000).collect();
        let i = Interval::of_sorted(&sorted).unwrap();
        assert_eq!((i.p05, i.median, i.p95, i.spread()), (50, 500, 950, 900));
        // R = 3: ⌈0.15⌉ = 1, ⌈1.5⌉ = 2, ⌈2.85⌉ = 3.
        let i = Interval::of_sorted(&[4, 7, 9]).unwrap();
        assert_eq!((i.p05, i.median, i.p95), (4, 7, 9));
        assert_eq!(Interval::of_sorted(&[]), None);
    }
}
