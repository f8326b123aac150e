//! The scoring engine (SPEC "Maths"; "Methods" for TOPSIS and coupling):
//! raw table → missing-value treatment → transform → normalization →
//! weights → aggregation → ranks, grades and coupling. Every formula is the
//! one in SPEC.md "Maths".
//!
//! This module holds the two steps every command goes through, [`fit`]
//! (take every data-dependent parameter from one table or a pool) and
//! [`apply`] (score a table with them), and their result, the [`Scored`]
//! view. The parts they are made of, each usable on its own:
//! - `pipeline`: one cell from raw value to normalized value ([`Params`]'s
//!   fill values and outlier treatment, the checks before a run);
//! - `scaling`: how one column is put on 0..1 ([`Scaling`], [`RankTable`]);
//! - `weights`: the weights of a run, and those that applied to one unit;
//! - `aggregate`: a unit's dimension values and score, coupling coordination;
//! - `rank`: competition ranks and ties.
//!
//! Their public items are re-exported here, so callers name them
//! `crate::engine::X` whatever file holds them.

mod aggregate;
mod pipeline;
mod rank;
mod scaling;
mod weights;

pub use aggregate::{
    COORDINATION_GRADES, Coupling, Negative, Rescoring, aggregate_coded, coordination_band, coupling, unit_score,
};
pub use pipeline::{MissingReport, normalized_rows, pooled_values};
pub use rank::{RANK_TOLERANCE, competition_ranks, ranks_of};
pub use scaling::{RankTable, Scaling, constant_warning, fit_scaling, goalpost};
pub use weights::{Weights, effective_weights, obstacles, rubric_weights, split_global};

use crate::error::{Error, Result};
use crate::input::Table;
use crate::methods;
use crate::outliers::Treatment;
use crate::rubric::{Aggregate, Method, Rubric, Weighting};
use crate::stats;
use aggregate::weighted_mean;
use pipeline::{Eval, fill_values, fit_treatment, missing_report, validate};
use rank::Ranking;
use rayon::prelude::*;
use scaling::fit_scaling_counted;
use weights::ZColumns;

/// Everything a run takes from its data: the fill values, the scaling of
/// every indicator, the weights and the TOPSIS ideal. Taken from one table
/// (`score`), from several pooled (`diff`), or frozen in a file.
#[derive(Debug, Clone)]
pub struct Params {
    /// Raw value filled into missing cells, per indicator (`mean`/`median`).
    pub fill: Vec<Option<f64>>,
    /// Outlier treatment per indicator, applied after `transform` and
    /// before any statistics (`outliers = "winsorize"`).
    pub treatment: Vec<Treatment>,
    pub scaling: Vec<Scaling>,
    pub weights: Weights,
    /// TOPSIS ideal and anti-ideal per indicator, (A⁺, A⁻).
    pub ideal: Option<Vec<(f64, f64)>>,
    /// What fitting noticed (constant columns, undefined correlations).
    pub warnings: Vec<String>,
}

/// A scored table: the rubric and data it came from, and every result
/// ([`Scores`], whose fields it reads as its own).
#[derive(Debug, Clone)]
pub struct Scored<'a> {
    pub rubric: &'a Rubric,
    pub table: &'a Table,
    results: Scores,
}

/// What scoring a table gave, apart from the table. Stored per unit:
/// score, dimension values and ranks; everything else (normalized values,
/// linkages, coverage, grade, coupling) is derived on demand from the
/// table, so a million units take tens of megabytes, not gigabytes. Held
/// alone while the table's cells are released (`Table::release_cells`:
/// `diff` of two national years keeps one year's cells at a time), then put
/// back on the table with [`Scores::on`].
#[derive(Debug, Clone)]
pub struct Scores {
    pub params: Params,
    pub weights: Weights,
    /// Per unit, on 0..1; NaN when the unit has no score.
    scores: Vec<f64>,
    /// Per unit × dimension (row-major), on 0..1; NaN when missing.
    dims: Vec<f64>,
    /// Per unit: rank and rank in its group, 0 for none (4 bytes a unit).
    ranks: Vec<u32>,
    group_ranks: Vec<u32>,
    /// Per unit: how many of its indicator cells had a value.
    present: Vec<u32>,
    /// Unit indices in rank order: by rank, ties by id, unscored units last.
    pub order: Vec<usize>,
    pub warnings: Vec<String>,
    pub missing: MissingReport,
}

impl Scores {
    /// The scored table again, on the table it was scored on (its cells
    /// perhaps released since: what reads them, such as [`Scored::z`],
    /// must not be asked of it then).
    pub fn on<'a>(self, rubric: &'a Rubric, table: &'a Table) -> Scored<'a> {
        Scored {
            rubric,
            table,
            results: self,
        }
    }
}

impl std::ops::Deref for Scored<'_> {
    type Target = Scores;

    fn deref(&self) -> &Scores {
        &self.results
    }
}

impl std::ops::DerefMut for Scored<'_> {
    fn deref_mut(&mut self) -> &mut Scores {
        &mut self.results
    }
}

fn some(x: f64) -> Option<f64> {
    (!x.is_nan()).then_some(x)
}

impl Scored<'_> {
    /// The results without the table (see [`Scores`]).
    pub fn detach(self) -> Scores {
        self.results
    }

    /// The number of units.
    pub fn len(&self) -> usize {
        self.scores.len()
    }

    pub fn is_empty(&self) -> bool {
        self.scores.is_empty()
    }

    /// The score of unit `u` on 0..1.
    pub fn score(&self, u: usize) -> Option<f64> {
        self.scores.get(u).copied().and_then(some)
    }

    /// The value of dimension `d` for unit `u`, on 0..1.
    pub fn dimension(&self, u: usize, d: usize) -> Option<f64> {
        let n = self.rubric.dimensions.len();
        self.dims.get(u * n + d).copied().and_then(some)
    }

    /// Reads unit `u`'s per-unit values and returns something of them, so
    /// that a caller can bring them into cache (see [`crate::output::Rows::warm`]).
    pub fn touch(&self, u: usize) -> u64 {
        self.touch_results(u) ^ self.table.touch(u)
    }

    /// [`Scored::touch`] without the unit's texts (id, label, group).
    pub fn touch_results(&self, u: usize) -> u64 {
        let nd = self.rubric.dimensions.len();
        let get = |v: &[f64], i: usize| v.get(i).map_or(0, |x| x.to_bits());
        let get32 = |v: &[u32], i: usize| v.get(i).map_or(0, |&x| u64::from(x));
        get(&self.scores, u)
            ^ get(&self.dims, u * nd)
            ^ get(&self.dims, (u + 1) * nd - 1)
            ^ get32(&self.ranks, u)
            ^ get32(&self.group_ranks, u)
            ^ get32(&self.present, u)
    }

    /// Every dimension value of unit `u`.
    pub fn dimensions(&self, u: usize) -> Vec<Option<f64>> {
        (0..self.rubric.dimensions.len())
            .map(|d| self.dimension(u, d))
            .collect()
    }

    pub fn rank(&self, u: usize) -> Option<usize> {
        self.ranks.get(u).filter(|&&r| r > 0).map(|&r| r as usize)
    }

    pub fn group_rank(&self, u: usize) -> Option<usize> {
        self.group_ranks.get(u).filter(|&&r| r > 0).map(|&r| r as usize)
    }

    /// Index into the rubric's grades.
    pub fn grade(&self, u: usize) -> Option<usize> {
        self.score(u).and_then(|s| self.rubric.grade_of(s * self.rubric.scale))
    }

    /// Coupling coordination, when the rubric has `[coupling]`.
    pub fn coupling(&self, u: usize) -> Option<Coupling> {
        let listed = self.rubric.coupling.as_ref()?;
        coupling(listed, &self.weights.dimension, &self.dimensions(u))
    }

    /// The normalized value (after `floor`) of indicator `i` for unit `u`.
    pub fn z(&self, i: usize, u: usize) -> Option<f64> {
        Eval::new(self.rubric, self.table, &self.params).z(i, u)
    }

    /// Unit `u`'s value of indicator `i` after filling and transform, and
    /// after outlier treatment, when the treatment changed it.
    pub fn treated(&self, i: usize, u: usize) -> Option<(f64, f64)> {
        let treatment = self.params.treatment.get(i).copied()?;
        let eval = Eval::new(self.rubric, self.table, &self.params);
        let x = eval.untreated(i, u)?;
        treatment.changes(x).then(|| (x, treatment.apply(x)))
    }

    /// The value of linkage `l` for unit `u`, on 0..1.
    pub fn linkage(&self, u: usize, l: usize) -> Option<f64> {
        let children: Vec<(f64, Option<f64>)> = self.rubric.linkages[l]
            .indicators
            .iter()
            .map(|&i| (self.weights.global[i], self.z(i, u)))
            .collect();
        weighted_mean(&children)
    }

    /// The share of unit `u`'s indicator cells that had a value.
    pub fn coverage(&self, u: usize) -> f64 {
        let m = self.rubric.indicators.len();
        if m == 0 {
            return 1.0;
        }
        f64::from(self.present.get(u).copied().unwrap_or(0)) / m as f64
    }
}

/// Scores `table` with `rubric`, taking statistics and weights from the table itself.
pub fn score<'a>(rubric: &'a Rubric, table: &'a Table) -> Result<Scored<'a>> {
    let params = fit(rubric, &[table])?;
    apply(rubric, table, &params)
}

/// Takes every data-dependent parameter from `tables`, pooled as one panel.
pub fn fit(rubric: &Rubric, tables: &[&Table]) -> Result<Params> {
    let m = rubric.indicators.len();
    let mut warnings = Vec::new();
    let fill = fill_values(rubric, tables)?;
    for table in tables {
        validate(rubric, table, &fill)?;
    }
    let treatment = fit_treatment(rubric, tables, &fill, &mut warnings);
    // Column by column (in parallel; each column's statistics are taken in
    // unit order, so the result does not depend on the number of threads).
    let scaling: Vec<Scaling> = (0..m)
        .into_par_iter()
        .map_init(Vec::new, |present, i| {
            if !rubric.indicators[i].normalize.is_sample_relative() {
                return fit_scaling(rubric, i, &[]);
            }
            let eval = |table| Eval {
                rubric,
                table,
                fill: &fill,
                treatment: &treatment,
                scaling: &[],
            };
            // From counts by mantissa, when every table has them: a few
            // thousand distinct values sorted or summed, not a million cells.
            if let Some(counted) = tables.iter().map(|t| eval(t).x_counted(i)).collect::<Option<Vec<_>>>() {
                return fit_scaling_counted(rubric, i, counted.concat());
            }
            present.clear();
            for table in tables {
                eval(table).x_present_into(i, present);
            }
            fit_scaling(rubric, i, present)
        })
        .collect();
    for (i, s) in scaling.iter().enumerate() {
        // Minmax is computed on halved values when its range overflows; an
        // sd beyond the largest double (values near ±1.8e308 of both signs)
        // cannot be.
        let finite = match s {
            Scaling::Zscore { mean, sd } => mean.is_finite() && sd.is_finite(),
            _ => true,
        };
        if !finite {
            let ind = &rubric.indicators[i];
            return Err(Error::data(format!(
                "the values of indicator `{}` (column `{}`) span a range too large to compute with (beyond ±1.8e308)",
                ind.id, ind.column
            ))
            .help("check the column for wrong values, or record it in larger units"));
        }
    }
    warnings.extend(constant_warning(rubric, &scaling));
    // What data-driven weights and a sample TOPSIS ideal need of the
    // normalized values, column by column (each column built, summarized and
    // dropped); the whole matrix only for CRITIC's correlations, and nothing
    // at all when neither is used.
    let objective = match rubric.weighting {
        Weighting::Entropy | Weighting::Critic => Some(rubric.weighting),
        _ => rubric.combined().map(|c| c.objective),
    };
    let needs_columns = objective.is_some() || rubric.method == Method::Topsis;
    type Summary = (Option<f64>, f64, f64, Vec<Option<f64>>);
    let summaries: Vec<Summary> = (0..m)
        .into_par_iter()
        .map_init(Vec::new, |present, i| {
            if !needs_columns {
                return (None, f64::NAN, f64::NAN, Vec::new());
            }
            let evals = tables.iter().map(|table| Eval {
                rubric,
                table,
                fill: &fill,
                treatment: &treatment,
                scaling: &scaling,
            });
            // Entropy weights and a TOPSIS ideal from each distinct value
            // with its count, when every table has counts: a few thousand
            // values summed, not a million cells.
            if objective != Some(Weighting::Critic)
                && let Some(counted) = evals.clone().map(|eval| eval.z_counted(i)).collect::<Option<Vec<_>>>()
            {
                let counted = counted.concat();
                // No value: bounds that no value lies within.
                let (lo, hi) = stats::min_max_counted(&counted).unwrap_or((f64::INFINITY, f64::NEG_INFINITY));
                let divergence = match objective {
                    Some(Weighting::Entropy) => methods::entropy_divergence_counted(&counted, rubric.entropy_shift),
                    _ => None,
                };
                return (divergence, lo, hi, Vec::new());
            }
            let mut keep = Vec::new();
            present.clear();
            for eval in evals {
                if objective == Some(Weighting::Critic) {
                    keep.extend(eval.z_column(i));
                } else {
                    eval.z_present_into(i, present);
                }
            }
            if objective == Some(Weighting::Critic) {
                present.extend(keep.iter().flatten());
            }
            // No value: bounds that no value lies within.
            let (lo, hi) = stats::min_max(present).unwrap_or((f64::INFINITY, f64::NEG_INFINITY));
            let divergence = if objective == Some(Weighting::Entropy) {
                methods::entropy_divergence(present, rubric.entropy_shift)
            } else {
                None
            };
            (divergence, lo, hi, keep)
        })
        .collect();
    let mut columns = ZColumns {
        matrix: Vec::with_capacity(m),
        divergence: Vec::with_capacity(m),
    };
    let mut bounds = Vec::with_capacity(m);
    for (divergence, lo, hi, column) in summaries {
        columns.divergence.push(divergence);
        columns.matrix.push(column);
        bounds.push((hi, lo));
    }
    let weights = weights::fit(rubric, &columns, &mut warnings)?;
    let ideal =
        (rubric.method == Method::Topsis).then(|| methods::topsis_ideal(&bounds, &weights.global, rubric.ideal));
    Ok(Params {
        fill,
        treatment,
        scaling,
        weights,
        ideal,
        warnings,
    })
}

/// Units scored per parallel task.
const CHUNK: usize = 1024;
const RANK_CHUNK: usize = 1 << 15;

/// Scores `table` with parameters fitted before (on it, on a pool, or frozen).
pub fn apply<'a>(rubric: &'a Rubric, table: &'a Table, params: &Params) -> Result<Scored<'a>> {
    let mut warnings = table.notes.clone();
    warnings.extend(params.warnings.iter().cloned());
    let missing = missing_report(rubric, table, &params.fill, &mut warnings);
    validate(rubric, table, &params.fill)?;
    let weights = params.weights.clone();
    let eval = Eval::new(rubric, table, params);
    let dense = pipeline::Dense::new(&eval);
    let n = table.len();
    let nd = rubric.dimensions.len();

    let mut scores = vec![f64::NAN; n];
    let mut dims = vec![f64::NAN; n * nd];
    let mut present = vec![0u32; n];
    // Each chunk reports its first error; the first in unit order wins, so
    // the message does not depend on the number of threads.
    // A rank lookup reads its column's reference table at random: long
    // chunks keep one table in cache for many lookups.
    let chunk = if params.scaling.iter().any(|s| matches!(s, Scaling::Rank(_))) {
        RANK_CHUNK
    } else {
        CHUNK
    };
    let errors: Vec<Option<Error>> = scores
        .par_chunks_mut(chunk)
        .zip(dims.par_chunks_mut(chunk * nd.max(1)))
        .zip(present.par_chunks_mut(chunk))
        .enumerate()
        .map(|(c, ((score_out, dim_out), present_out))| {
            let m = rubric.indicators.len();
            let len = score_out.len();
            let base = c * chunk;
            // Column by column first (each column's cells are contiguous, so
            // memory is read in a few sequential streams), then unit by unit.
            let mut columns = vec![f64::NAN; m * len];
            for (i, column) in columns.chunks_mut(len.max(1)).enumerate() {
                if !dense.z_range(&eval, i, base, column, present_out) {
                    eval.z_range(i, base, column, present_out);
                }
            }
            let mut row = vec![f64::NAN; m];
            let mut z: Vec<Option<f64>> = vec![None; m];
            let mut dim_values = vec![f64::NAN; nd];
            for k in 0..len {
                let u = base + k;
                for (i, slot) in row.iter_mut().enumerate() {
                    *slot = columns[i * len + k];
                }
                let score = match unit_score(rubric, &row, &weights, params.ideal.as_deref(), &mut dim_values, &mut z) {
                    Ok(score) => score,
                    Err(Negative::Indicator(i)) => return Some(negative_z(rubric, table, i, u)),
                    Err(Negative::Dimension(d)) => {
                        return Some(
                            Error::data(format!(
                                "unit `{}` has a negative value in dimension `{}`, which a geometric mean cannot take",
                                crate::error::echo(table.id(u)),
                                rubric.dimensions[d].id
                            ))
                            .help("use goalpost or minmax normalization (zscore gives negative values), or aggregate = \"arithmetic\""),
                        );
                    }
                };
                score_out[k] = score;
                dim_out[k * nd..(k + 1) * nd].copy_from_slice(&dim_values);
            }
            None
        })
        .collect();
    if let Some(e) = errors.into_iter().flatten().next() {
        return Err(e);
    }

    if let Some(listed) = &rubric.coupling {
        let negative = (0..n).any(|u| {
            let values = &dims[u * nd..(u + 1) * nd];
            listed.iter().all(|&d| !values[d].is_nan()) && listed.iter().any(|&d| values[d] < 0.0)
        });
        if negative {
            warnings
                .push("coupling is left empty for units with a negative dimension value (zscore normalization)".into());
        }
    }

    let Ranking {
        ranks,
        group_ranks,
        order,
        scored,
    } = rank::rank_units(&scores, table);
    let unscored = order.get(scored..).unwrap_or_default();
    // A unit can lack a score with values present: every indicator it has a
    // value for carries weight 0 (objective weights of constant columns).
    let empty = unscored.iter().filter(|&&u| present[u] == 0).count();
    let weightless = unscored.len() - empty;
    if empty > 0 {
        warnings.push(format!(
            "{empty} unit(s) have no score: every indicator was missing; they are listed last without a rank"
        ));
    }
    if weightless > 0 {
        warnings.push(format!(
            "{weightless} unit(s) have no score: every indicator they have a value for carries weight 0; they are listed last without a rank"
        ));
    }

    let mut scored = Scores {
        params: params.clone(),
        weights,
        scores,
        dims,
        ranks,
        group_ranks,
        present,
        order,
        warnings,
        missing,
    }
    .on(rubric, table);
    let zeroed = zeroed_by_one(&scored);
    scored.warnings.extend(zeroed);
    Ok(scored)
}

/// Units listed by name in a warning before the rest are counted.
const ZEROED_LISTED: usize = 5;

/// Per geometric dimension, the units whose value is 0 because one of its
/// indicators is at its lowest normalized value (z = 0: at or beyond a
/// goalpost, or the column's minimum under minmax), named with the `floor`
/// setting that keeps one lowest value from zeroing a geometric mean
/// (SPEC "Methods": floor). Nothing when the rubric has a floor.
fn zeroed_by_one(scored: &Scored) -> Vec<String> {
    let r = scored.rubric;
    if r.floor > 0.0 {
        return Vec::new();
    }
    let mut warnings = Vec::new();
    for (d, dim) in r.dimensions.iter().enumerate() {
        if dim.aggregate != Aggregate::Geometric {
            continue;
        }
        let weighed = |i: usize| scored.weights.indicator.get(i).is_some_and(|&w| w > 0.0);
        let mut units = 0usize;
        let mut by_indicator = vec![0usize; dim.indicators.len()];
        for u in (0..scored.len()).filter(|&u| scored.dimension(u, d) == Some(0.0)) {
            let mut found = false;
            for (k, &i) in dim.indicators.iter().enumerate() {
                if weighed(i) && scored.z(i, u).is_some_and(|z| z <= 0.0) {
                    by_indicator[k] += 1;
                    found = true;
                }
            }
            units += usize::from(found);
        }
        if units == 0 {
            continue;
        }
        let mut listed: Vec<(usize, usize)> = by_indicator.into_iter().enumerate().filter(|(_, c)| *c > 0).collect();
        listed.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        let mut names: Vec<String> = listed
            .iter()
            .take(ZEROED_LISTED)
            .filter_map(|&(k, c)| Some(format!("{} {c}", r.indicators.get(*dim.indicators.get(k)?)?.name)))
            .collect();
        if listed.len() > ZEROED_LISTED {
            names.push(format!("and {} more indicators", listed.len() - ZEROED_LISTED));
        }
        warnings.push(format!(
            "{units} unit(s) have {} at 0: it is a geometric mean, which one indicator at its lowest value (at or beyond its goalpost, or the column's minimum) makes 0 ({}); set `floor = 0.01` in [rubric] so that one lowest value does not zero the dimension",
            dim.name,
            names.join(", ")
        ));
    }
    warnings
}

fn negative_z(rubric: &Rubric, table: &Table, indicator: usize, unit: usize) -> Error {
    Error::data("the normalized value is negative, which a geometric mean cannot take")
        .at(table.cell_location(rubric, unit, indicator))
        .help(format!(
            "use goalpost normalization for `{}` (zscore gives negative values, and so do minmax parameters frozen from another year for a value below that year's minimum), or aggregate = \"arithmetic\" in its dimension",
            rubric.indicators[indicator].id
        ))
}

#[cfg(test)]
mod errors;
#[cfg(test)]
mod soundness;
