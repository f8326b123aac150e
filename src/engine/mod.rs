//! The scoring engine: raw table → missing-value treatment → transform →
//! normalization → weights → aggregation → ranks, grades and coupling.
//! Every formula is the one in SPEC.md "Maths".

use crate::error::{Error, Result};
use crate::input::{Column, Table};
use crate::methods;
use crate::outliers::{self, Treatment};
use crate::rubric::{Aggregate, Direction, Method, MissingPolicy, Normalize, Outliers, Rubric, Subjective, Weighting};
use crate::stats;
use rayon::prelude::*;

/// The weights a run used, whatever the method.
#[derive(Debug, Clone)]
pub struct Weights {
    pub method: Weighting,
    /// Per dimension, summing to 1.
    pub dimension: Vec<f64>,
    /// Per indicator, inside its dimension (summing to 1 per dimension).
    pub indicator: Vec<f64>,
    /// Per indicator: dimension weight × weight inside the dimension.
    pub global: Vec<f64>,
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

/// How missing cells were counted and treated.
#[derive(Debug, Clone)]
pub struct MissingReport {
    pub policy: MissingPolicy,
    pub cells: usize,
    pub per_indicator: Vec<usize>,
    /// The value filled in per indicator under `mean`/`median`.
    pub fill: Vec<Option<f64>>,
    /// The warning that counts the missing cells and says how they were
    /// treated (also among the run's warnings), when any were missing.
    pub summary: Option<String>,
}

/// A scored table: the rubric and data it came from, and every result.
/// Stored per unit: score, dimension values and ranks; everything else
/// (normalized values, linkages, coverage, grade, coupling) is derived on
/// demand, so a million units take tens of megabytes, not gigabytes.
#[derive(Debug, Clone)]
pub struct Scored<'a> {
    pub rubric: &'a Rubric,
    pub table: &'a Table,
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

fn some(x: f64) -> Option<f64> {
    (!x.is_nan()).then_some(x)
}

impl Scored<'_> {
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
        let nd = self.rubric.dimensions.len();
        let get = |v: &[f64], i: usize| v.get(i).map_or(0, |x| x.to_bits());
        let get32 = |v: &[u32], i: usize| v.get(i).map_or(0, |&x| u64::from(x));
        get(&self.scores, u)
            ^ get(&self.dims, u * nd)
            ^ get(&self.dims, (u + 1) * nd - 1)
            ^ get32(&self.ranks, u)
            ^ get32(&self.group_ranks, u)
            ^ get32(&self.present, u)
            ^ self.table.touch(u)
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
        let m = self.table.values.len();
        if m == 0 {
            return 1.0;
        }
        f64::from(self.present.get(u).copied().unwrap_or(0)) / m as f64
    }
}

/// Raw value → fill → transform → scaling → floor, for one cell at a time.
struct Eval<'a> {
    rubric: &'a Rubric,
    table: &'a Table,
    fill: &'a [Option<f64>],
    /// Outlier treatment per indicator (empty: none).
    treatment: &'a [Treatment],
    scaling: &'a [Scaling],
}

impl<'a> Eval<'a> {
    fn new(rubric: &'a Rubric, table: &'a Table, params: &'a Params) -> Eval<'a> {
        Eval {
            rubric,
            table,
            fill: &params.fill,
            treatment: &params.treatment,
            scaling: &params.scaling,
        }
    }

    /// Values filled and transformed only: what statistics and the outlier
    /// treatment are fitted on, before anything else is known.
    fn raw(rubric: &'a Rubric, table: &'a Table, fill: &'a [Option<f64>]) -> Eval<'a> {
        Eval {
            rubric,
            table,
            fill,
            treatment: &[],
            scaling: &[],
        }
    }

    /// The value ready to normalize. Transform domains are checked by
    /// [`validate`] before any evaluation; an out-of-domain value here is NaN.
    #[inline]
    fn x(&self, i: usize, u: usize) -> Option<f64> {
        let x = self.untreated(i, u)?;
        Some(self.treatment.get(i).map_or(x, |t| t.apply(x)))
    }

    /// The value after filling and transform, before outlier treatment.
    #[inline]
    fn untreated(&self, i: usize, u: usize) -> Option<f64> {
        let raw = self.table.value(i, u).or_else(|| self.fill.get(i).copied().flatten())?;
        Some(self.rubric.indicators[i].transform.apply(raw).unwrap_or(f64::NAN))
    }

    #[inline]
    fn z(&self, i: usize, u: usize) -> Option<f64> {
        let x = self.x(i, u)?;
        let scaling = self.scaling.get(i)?;
        let z = scaling.apply(x, self.rubric.indicators[i].direction);
        let floor = self.rubric.floor;
        Some(if floor > 0.0 { floor + (1.0 - floor) * z } else { z })
    }

    /// Column `i`'s normalized values for units `base..base + out.len()`
    /// (NaN when missing), counting the present raw cells into `present`:
    /// [`Eval::z`] with the lookups taken once per column.
    fn z_range(&self, i: usize, base: usize, out: &mut [f64], present: &mut [u32]) {
        let (Some(column), Some(ind), Some(scaling)) = (
            self.table.values.get(i),
            self.rubric.indicators.get(i),
            self.scaling.get(i),
        ) else {
            return;
        };
        let fill = self.fill.get(i).copied().flatten();
        let treatment = self.treatment.get(i).copied().unwrap_or(Treatment::None);
        let floor = self.rubric.floor;
        for (k, (slot, count)) in out.iter_mut().zip(present.iter_mut()).enumerate() {
            let raw = column.get(base + k);
            *count += u32::from(raw.is_some());
            *slot = match raw.or(fill) {
                None => f64::NAN,
                Some(raw) => {
                    let x = treatment.apply(ind.transform.apply(raw).unwrap_or(f64::NAN));
                    let z = scaling.apply(x, ind.direction);
                    if floor > 0.0 { floor + (1.0 - floor) * z } else { z }
                }
            };
        }
    }

    /// Column `i`'s normalized values for every unit.
    fn z_column(&self, i: usize) -> Vec<Option<f64>> {
        (0..self.table.len()).map(|u| self.z(i, u)).collect()
    }
}

/// How one indicator is put on 0..1, with what it took from the data.
#[derive(Debug, Clone, PartialEq)]
pub enum Scaling {
    /// Goalposts after the transform.
    Goalpost {
        lo: f64,
        hi: f64,
    },
    Minmax {
        min: f64,
        max: f64,
    },
    Zscore {
        mean: f64,
        sd: f64,
    },
    /// The reference values (shared: a national column is a million of them).
    Rank(std::sync::Arc<RankTable>),
    /// `normalize = "none"`.
    Identity,
    /// A constant column under a sample-relative normalization: every unit
    /// gets this z (1 under minmax and rank, 0 under zscore).
    Constant(f64),
}

impl Scaling {
    /// Rank normalization against `reference` values (any order); a
    /// constant column (or fewer than two values) gives 1.
    pub fn rank(mut reference: Vec<f64>) -> Scaling {
        reference.sort_unstable_by(f64::total_cmp);
        if reference.len() < 2 || reference.first() == reference.last() {
            Scaling::Constant(1.0)
        } else {
            Scaling::Rank(std::sync::Arc::new(RankTable::new(&reference)))
        }
    }

    /// z before `floor`, per the SPEC "Maths" table.
    pub fn apply(&self, x: f64, direction: Direction) -> f64 {
        let lower = direction == Direction::Lower;
        match self {
            Scaling::Goalpost { lo, hi } => goalpost(x, *lo, *hi, lower),
            Scaling::Minmax { min, max } => {
                if lower {
                    stats::ratio_of_differences(*max, x, *max, *min)
                } else {
                    stats::ratio_of_differences(x, *min, *max, *min)
                }
            }
            Scaling::Zscore { mean, sd } => {
                let z = stats::ratio_of_differences(x, *mean, *sd, 0.0);
                if lower { -z } else { z }
            }
            Scaling::Rank(table) => {
                let q = table.fraction(x);
                if lower { 1.0 - q } else { q }
            }
            Scaling::Identity => {
                if lower {
                    1.0 - x
                } else {
                    x
                }
            }
            Scaling::Constant(z) => *z,
        }
    }
}

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

/// Every unit's normalized values, unit by unit (row-major, NaN when
/// missing): what re-scoring many times needs, computed once.
pub fn normalized_rows(rubric: &Rubric, table: &Table, params: &Params) -> Vec<f64> {
    let (n, m) = (table.len(), rubric.indicators.len());
    let eval = Eval::new(rubric, table, params);
    let mut rows = vec![f64::NAN; n * m];
    let mut column = vec![f64::NAN; n];
    let mut present = vec![0u32; n];
    for i in 0..m {
        eval.z_range(i, 0, &mut column, &mut present);
        for (u, &v) in column.iter().enumerate() {
            rows[u * m + i] = v;
        }
    }
    rows
}

/// Competition ranks (1-based; 0 for no score) of NaN-coded `scores` on
/// 0..1, with the ties of SPEC "Maths" (1e-9 × scale).
pub fn ranks_of(scores: &[f64], table: &Table) -> Vec<u32> {
    let mut ranks = vec![0u32; scores.len()];
    tie_groups(&mut by_score(scores), table, RANK_TOLERANCE, |u, r| {
        ranks[u] = to_u32(r)
    });
    ranks
}

/// Scores are on 0..1 when ranked, so 1e-9 × scale on the reported score is 1e-9.
const RANK_TOLERANCE: f64 = 1e-9;

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
        .map(|i| {
            if !rubric.indicators[i].normalize.is_sample_relative() {
                return fit_scaling(rubric, i, &[]);
            }
            let mut present = Vec::new();
            for table in tables {
                let eval = Eval {
                    rubric,
                    table,
                    fill: &fill,
                    treatment: &treatment,
                    scaling: &[],
                };
                present.extend((0..table.len()).filter_map(|u| eval.x(i, u)));
            }
            fit_scaling(rubric, i, &present)
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
            return Err(Error::Data(format!(
                "error: the values of indicator `{}` (column `{}`) span a range too large to compute with (beyond ±1.8e308)\n  = help: check the column for wrong values, or record it in larger units",
                ind.id, ind.column
            )));
        }
    }
    warnings.extend(constant_warning(rubric, &scaling));
    // The normalized matrix is needed only by data-driven weights and a
    // sample TOPSIS ideal; otherwise it is never built.
    // What data-driven weights and a sample TOPSIS ideal need of the
    // normalized values, column by column (each column built, summarized and
    // dropped); the whole matrix only for CRITIC's correlations.
    let objective = match (rubric.weighting, rubric.combine) {
        (Weighting::Entropy | Weighting::Critic, _) => Some(rubric.weighting),
        (Weighting::Combined, Some(c)) => Some(c.objective),
        _ => None,
    };
    let needs_columns = objective.is_some() || rubric.method == Method::Topsis;
    type Summary = (Option<f64>, f64, f64, Vec<Option<f64>>);
    let summaries: Vec<Summary> = (0..m)
        .into_par_iter()
        .map(|i| {
            if !needs_columns {
                return (None, f64::NAN, f64::NAN, Vec::new());
            }
            let mut column = Vec::new();
            for table in tables {
                let eval = Eval {
                    rubric,
                    table,
                    fill: &fill,
                    treatment: &treatment,
                    scaling: &scaling,
                };
                column.extend(eval.z_column(i));
            }
            let present: Vec<f64> = column.iter().flatten().copied().collect();
            let lo = present.iter().copied().fold(f64::INFINITY, f64::min);
            let hi = present.iter().copied().fold(f64::NEG_INFINITY, f64::max);
            let divergence = if objective == Some(Weighting::Entropy) {
                methods::entropy_divergence(&present, rubric.entropy_shift)
            } else {
                None
            };
            let keep = if objective == Some(Weighting::Critic) {
                column
            } else {
                Vec::new()
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
    let weights = weights(rubric, &columns, &mut warnings)?;
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

/// The outlier treatment of every indicator (SPEC "Data as offices fill it
/// in": Outliers), fitted on its values after filling and transform, pooled
/// over `tables`; one warning per treated column, in rubric order.
fn fit_treatment(
    rubric: &Rubric,
    tables: &[&Table],
    fill: &[Option<f64>],
    warnings: &mut Vec<String>,
) -> Vec<Treatment> {
    let m = rubric.indicators.len();
    if rubric.outliers == Outliers::None {
        return vec![Treatment::None; m];
    }
    let fits: Vec<Option<outliers::Fit>> = (0..m)
        .into_par_iter()
        .map(|i| {
            // Goalposts bound extreme values already.
            if rubric.indicators[i].normalize == Normalize::Goalpost {
                return None;
            }
            let mut values = Vec::new();
            for table in tables {
                let eval = Eval::raw(rubric, table, fill);
                values.extend((0..table.len()).filter_map(|u| eval.untreated(i, u)));
            }
            outliers::fit(&values, rubric.winsorize_max)
        })
        .collect();
    fits.iter()
        .zip(&rubric.indicators)
        .map(|(fit, ind)| match fit {
            Some(fit) => {
                warnings.push(outliers::describe(&ind.id, fit, rubric.winsorize_max));
                fit.treatment
            }
            None => Treatment::None,
        })
        .collect()
}

/// The warning for the constant columns among `scaling` (SPEC "Maths":
/// max = min under a sample-relative normalization), if any.
pub fn constant_warning(rubric: &Rubric, scaling: &[Scaling]) -> Option<String> {
    let constant: Vec<&str> = scaling
        .iter()
        .zip(&rubric.indicators)
        .filter(|(s, _)| matches!(s, Scaling::Constant(_)))
        .map(|(_, ind)| ind.id.as_str())
        .collect();
    (!constant.is_empty()).then(|| {
        format!(
            "constant column(s) under a sample-relative normalization: {} (minmax and rank give every unit 1, zscore gives 0)",
            constant.join(", ")
        )
    })
}

/// Each indicator's values after filling and transform, pooled over
/// `tables` (for `--freeze`: the values statistics are taken of once the
/// fitted outlier treatment is applied to them).
pub fn pooled_values(rubric: &Rubric, tables: &[&Table], fill: &[Option<f64>]) -> Result<Vec<Vec<f64>>> {
    let mut pooled = vec![Vec::new(); rubric.indicators.len()];
    for table in tables {
        validate(rubric, table, fill)?;
        // Before outlier treatment: `params::to_toml` applies it.
        let eval = Eval::raw(rubric, table, fill);
        for (i, column) in pooled.iter_mut().enumerate() {
            column.extend((0..table.len()).filter_map(|u| eval.x(i, u)));
        }
    }
    Ok(pooled)
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
                eval.z_range(i, base, column, present_out);
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
                        return Some(Error::Data(format!(
                            "error: unit `{}` has a negative value in dimension `{}`, which a geometric mean cannot take\n  = help: use goalpost or minmax normalization (zscore gives negative values), or aggregate = \"arithmetic\"",
                            crate::error::echo(table.id(u)),
                            rubric.dimensions[d].id
                        )));
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

    let tolerance = RANK_TOLERANCE;
    let mut sorted = by_score(&scores);
    // Each group's members in the order of the whole ranking (best first).
    let groups = table.group_code(0).map_or(0, |(_, count)| count);
    let mut members: Vec<Vec<(f64, usize)>> = vec![Vec::new(); groups];
    for &(s, u) in &sorted {
        if let Some(list) = table.group_code(u).and_then(|(g, _)| members.get_mut(g)) {
            list.push((s, u));
        }
    }
    let mut group_ranks = vec![0u32; n];
    let mut ranks = vec![0u32; n];
    let mut order = Vec::with_capacity(n);
    rayon::join(
        || {
            for list in &mut members {
                tie_groups(list, table, tolerance, |u, r| group_ranks[u] = to_u32(r));
            }
        },
        || {
            tie_groups(&mut sorted, table, tolerance, |u, r| {
                ranks[u] = to_u32(r);
                order.push(u);
            })
        },
    );
    drop(sorted);
    let mut unscored: Vec<usize> = (0..n).filter(|&u| scores[u].is_nan()).collect();
    unscored.sort_by(|&a, &b| table.id(a).cmp(table.id(b)));
    order.extend_from_slice(&unscored);
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

    Ok(Scored {
        rubric,
        table,
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
    })
}

fn negative_z(rubric: &Rubric, table: &Table, indicator: usize, unit: usize) -> Error {
    Error::Data(format!(
        "error: {}: the normalized value is negative, which a geometric mean cannot take\n  = help: use goalpost normalization for `{}` (zscore gives negative values, and so do minmax parameters frozen from another year for a value below that year's minimum), or aggregate = \"arithmetic\" in its dimension",
        table.cell_location(rubric, unit, indicator),
        rubric.indicators[indicator].id
    ))
}

/// The raw fill value per indicator under `mean`/`median` (SPEC "Data"),
/// over the units of all `tables` that have a value.
fn fill_values(rubric: &Rubric, tables: &[&Table]) -> Result<Vec<Option<f64>>> {
    let m = rubric.indicators.len();
    if !matches!(rubric.missing, MissingPolicy::Mean | MissingPolicy::Median) {
        return Ok(vec![None; m]);
    }
    (0..m)
        .map(|i| {
            let mut present: Vec<f64> = tables.iter().flat_map(|t| t.values[i].iter().flatten()).collect();
            let any_missing = tables.iter().any(|t| t.values[i].missing_count() > 0);
            if present.is_empty() {
                if any_missing {
                    return Err(Error::Data(format!(
                        "error: indicator `{}` (column `{}`) has no value in any unit, so there is nothing to fill its missing cells with\n  = help: check the column, or remove the indicator from the rubric",
                        rubric.indicators[i].id, rubric.indicators[i].column
                    )));
                }
                return Ok(None);
            }
            Ok(Some(if rubric.missing == MissingPolicy::Mean {
                stats::mean(&present)
            } else {
                stats::median(&mut present)
            }))
        })
        .collect()
}

/// Counts the missing cells of a table and says how they are treated.
fn missing_report(rubric: &Rubric, table: &Table, fill: &[Option<f64>], warnings: &mut Vec<String>) -> MissingReport {
    let per_indicator: Vec<usize> = table.values.iter().map(Column::missing_count).collect();
    let cells: usize = per_indicator.iter().sum();
    if cells > 0 {
        // The indicators with the most missing cells first; five are enough to see the pattern.
        let mut by_count: Vec<(usize, usize)> = per_indicator
            .iter()
            .copied()
            .enumerate()
            .filter(|(_, c)| *c > 0)
            .collect();
        by_count.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        let mut listed: Vec<String> = by_count
            .iter()
            .take(5)
            .map(|(i, c)| format!("{} {c}", rubric.indicators[*i].id))
            .collect();
        if by_count.len() > 5 {
            listed.push(format!("and {} more indicators", by_count.len() - 5));
        }
        let how = match rubric.missing {
            MissingPolicy::Reweight => "left out, with the remaining weights renormalized",
            MissingPolicy::Mean => "filled with the column mean",
            MissingPolicy::Median => "filled with the column median",
            MissingPolicy::Error => "an error",
        };
        warnings.push(format!("{cells} missing cell(s) ({}): {how}", listed.join(", ")));
    }
    MissingReport {
        policy: rubric.missing,
        cells,
        per_indicator,
        fill: fill.to_vec(),
        summary: (cells > 0).then(|| warnings.last().cloned()).flatten(),
    }
}

/// Checks a table before it is evaluated: under `missing = "error"` the
/// first missing cell in reading order stops the run; every value (and
/// fill value) must be in its indicator's transform domain.
fn validate(rubric: &Rubric, table: &Table, fill: &[Option<f64>]) -> Result<()> {
    if rubric.missing == MissingPolicy::Error {
        let total: usize = table.values.iter().map(Column::missing_count).sum();
        if total > 0 {
            for u in 0..table.len() {
                if let Some(i) = (0..rubric.indicators.len()).find(|&i| table.values[i].is_missing(u)) {
                    return Err(Error::Data(format!(
                        "error: missing value at {}\n  = help: fill the cell, or choose how to treat missing cells with `missing = \"reweight\"`, \"mean\" or \"median\" in [rubric] ({total} cell(s) are missing in all)",
                        table.cell_location(rubric, u, i),
                    )));
                }
            }
        }
    }
    let mut first: Option<(usize, usize, f64)> = None;
    for (i, ind) in rubric.indicators.iter().enumerate() {
        if ind.transform == crate::rubric::Transform::None {
            continue;
        }
        for u in 0..table.len() {
            let Some(raw) = table.value(i, u).or_else(|| fill.get(i).copied().flatten()) else {
                continue;
            };
            if ind.transform.apply(raw).is_none() {
                // The first bad cell in reading order (row, then column).
                if first.is_none_or(|(fu, fi, _)| (u, i) < (fu, fi)) {
                    first = Some((u, i, raw));
                }
                break;
            }
        }
    }
    if let Some((u, i, raw)) = first {
        let t = rubric.indicators[i].transform;
        return Err(Error::Data(format!(
            "error: {}: the value {raw} is outside the domain of transform = \"{}\", which needs {}\n  = help: correct the value, mark it missing, or use transform = \"log1p\" for data with zeros",
            table.cell_location(rubric, u, i),
            t.as_str(),
            t.domain()
        )));
    }
    Ok(())
}

/// The scaling of indicator `i` from its (transformed) values.
pub fn fit_scaling(rubric: &Rubric, i: usize, present: &[f64]) -> Scaling {
    let ind = &rubric.indicators[i];
    match ind.normalize {
        Normalize::Goalpost => {
            let (lo, hi) = ind.goalposts.unwrap_or((0.0, 1.0));
            // Goalposts pass through the same transform (validated in the rubric).
            Scaling::Goalpost {
                lo: ind.transform.apply(lo).unwrap_or(lo),
                hi: ind.transform.apply(hi).unwrap_or(hi),
            }
        }
        // Constant means max = min exactly (SPEC "Maths"), never a small sd:
        // 0.1, 0.1, 0.1 once gave sd ≈ 1e-17 and z = −81.6 for every unit.
        Normalize::Minmax => match stats::min_max(present) {
            Some((min, max)) if max > min => Scaling::Minmax { min, max },
            _ => Scaling::Constant(1.0),
        },
        Normalize::Zscore => match stats::min_max(present) {
            Some((min, max)) if max > min => {
                let mean = stats::mean(present);
                Scaling::Zscore {
                    mean,
                    sd: stats::sample_sd(present, mean),
                }
            }
            _ => Scaling::Constant(0.0),
        },
        Normalize::Rank => Scaling::rank(present.to_vec()),
        Normalize::None => Scaling::Identity,
    }
}

/// Goalpost normalization: (clamp(x, lo, hi) − lo) / (hi − lo), or its mirror.
pub fn goalpost(x: f64, lo: f64, hi: f64, lower: bool) -> f64 {
    let c = x.clamp(lo, hi);
    if lower {
        stats::ratio_of_differences(hi, c, hi, lo)
    } else {
        stats::ratio_of_differences(c, lo, hi, lo)
    }
}

/// The reference values of rank normalization, as distinct values with
/// counts, and a bucket index over them: a lookup reads one small bucket
/// entry and a cache line or two of values, instead of two binary searches
/// over a million values (a national column; the lookup runs for every cell).
#[derive(Debug, Clone, PartialEq)]
pub struct RankTable {
    /// Distinct reference values, ascending.
    entries: Vec<RankEntry>,
    /// `start[b]`: the first entry in bucket `b` or later.
    start: Vec<u32>,
    /// How many reference values in all.
    n: usize,
}

#[derive(Debug, Clone, Copy, PartialEq)]
struct RankEntry {
    value: f64,
    /// How many reference values are less than this one, and equal to it.
    below: u32,
    equal: u32,
}

/// Distinct values per bucket, on average.
const RANK_BUCKET: usize = 4;

impl RankTable {
    /// From the reference values sorted ascending (at least two, not all
    /// equal; fewer than 2³² of them, as any table in memory is).
    fn new(sorted: &[f64]) -> RankTable {
        let count = |k: usize| u32::try_from(k).unwrap_or(u32::MAX);
        let mut entries: Vec<RankEntry> = Vec::new();
        for (k, &v) in sorted.iter().enumerate() {
            match entries.last_mut() {
                // Equal as numbers (so −0 and 0 are one value, as `<` sees them).
                Some(last) if last.value == v => last.equal = last.equal.saturating_add(1),
                _ => entries.push(RankEntry {
                    value: v,
                    below: count(k),
                    equal: 1,
                }),
            }
        }
        let mut table = RankTable {
            entries,
            start: Vec::new(),
            n: sorted.len(),
        };
        let buckets = table.buckets();
        let mut start = Vec::with_capacity(buckets + 2);
        for (j, e) in table.entries.iter().enumerate() {
            // Buckets are a monotone function of the value, so bucket b
            // holds exactly the entries between start[b] and start[b + 1].
            while start.len() <= table.bucket(e.value).unwrap_or(0) {
                start.push(count(j));
            }
        }
        start.resize(buckets + 2, count(table.entries.len()));
        table.start = start;
        table
    }

    fn buckets(&self) -> usize {
        (self.entries.len() / RANK_BUCKET).max(1)
    }

    /// The bucket of `v` among equal slices of the value range (`None`
    /// outside it, or NaN). Monotone in `v`: every step rounds monotonically.
    fn bucket(&self, v: f64) -> Option<usize> {
        let (lo, hi) = (self.entries.first()?.value, self.entries.last()?.value);
        if !(lo..=hi).contains(&v) || hi <= lo {
            return None;
        }
        Some(((v - lo) / (hi - lo) * self.buckets() as f64) as usize)
    }

    /// How many distinct values are less than `v`.
    fn position(&self, v: f64) -> usize {
        let all = (0, self.entries.len());
        let (from, to) = match self.bucket(v).map(|b| (self.start.get(b), self.start.get(b + 1))) {
            Some((Some(&from), Some(&to))) => (from as usize, to as usize),
            _ => all,
        };
        from + self
            .entries
            .get(from..to)
            .unwrap_or_default()
            .partition_point(|e| e.value < v)
    }

    /// (r − 1)/(n − 1) for value `v` among the n reference values, r its
    /// ascending rank with ties averaged. Ranks are 1-based: values below v
    /// take ranks 1..=below; the ties take below+1 ..= below+equal, whose
    /// mean is below + (equal + 1)/2.
    pub fn fraction(&self, v: f64) -> f64 {
        let n = self.n;
        let (below, equal) = match self.entries.get(self.position(v)) {
            Some(e) if e.value == v => (f64::from(e.below), f64::from(e.equal)),
            Some(e) => (f64::from(e.below), 0.0),
            None => (n as f64, 0.0),
        };
        let r = below + (equal + 1.0) / 2.0;
        // A value beyond every reference value (possible with frozen
        // parameters) ranks at the end, not past it.
        ((r - 1.0) / (n as f64 - 1.0)).clamp(0.0, 1.0)
    }

    /// Every reference value, ascending, with repeats (for `--freeze`).
    pub fn reference(&self) -> impl Iterator<Item = f64> + '_ {
        self.entries
            .iter()
            .flat_map(|e| std::iter::repeat_n(e.value, e.equal as usize))
    }
}

/// Aggregates weighted children (SPEC "Maths": aggregation). Missing children
/// are left out and the remaining weights renormalized; no children left (or
/// no weight left) gives `None`. A negative child under a geometric mean is
/// an error carrying the child's index.
pub fn aggregate(how: Aggregate, children: &[(f64, Option<f64>)]) -> std::result::Result<Option<f64>, usize> {
    aggregate_coded(how, children.iter().map(|&(w, z)| (w, z.unwrap_or(f64::NAN)))).map(some)
}

/// [`aggregate`] over `(weight, value)` pairs with NaN for a missing value
/// (the scoring loop's form: no allocation per unit); NaN when no value.
pub fn aggregate_coded(
    how: Aggregate,
    children: impl Iterator<Item = (f64, f64)> + Clone,
) -> std::result::Result<f64, usize> {
    let present = |&(_, z): &(f64, f64)| !z.is_nan();
    let complete = children.clone().all(|c| present(&c));
    let total: f64 = children.clone().filter(present).map(|(w, _)| w).sum();
    let count = children.clone().filter(present).count();
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
    let bounded = children.clone().all(|(_, z)| z.is_nan() || (0.0..=1.0).contains(&z));
    let clamp = |x: f64| if bounded { x.clamp(0.0, 1.0) } else { x };
    match how {
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
fn weighted_mean(children: &[(f64, Option<f64>)]) -> Option<f64> {
    let total: f64 = children.iter().filter(|(_, z)| z.is_some()).map(|(w, _)| w).sum();
    if total.is_nan() || total <= 0.0 {
        return None;
    }
    let bounded = children.iter().all(|(_, z)| z.is_none_or(|z| (0.0..=1.0).contains(&z)));
    let mean = children.iter().filter_map(|(w, z)| z.map(|z| w * z)).sum::<f64>() / total;
    Some(if bounded { mean.clamp(0.0, 1.0) } else { mean })
}

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

/// Standard competition ranking ("1, 2, 2, 4") of `members` by descending
/// score, scores within `tolerance` of their tie group's best being ties.
/// Returns the members in output order (ties by id, unscored last) and each
/// scored member's rank.
/// The units that have a score, best first; equal scores in any order
/// (see [`tie_groups`]).
fn by_score(scores: &[f64]) -> Vec<(f64, usize)> {
    let mut sorted: Vec<(f64, usize)> = scores
        .iter()
        .enumerate()
        .filter(|(_, s)| !s.is_nan())
        .map(|(u, &s)| (s, u))
        .collect();
    // By score alone: equal scores always fall in one tie group, which is
    // then ordered by id, so the result does not depend on how the sort
    // breaks ties.
    sorted.par_sort_unstable_by(|a, b| b.0.total_cmp(&a.0));
    sorted
}

/// Competition ranks over `sorted` (best first): a tie group is the units
/// whose scores are within `tolerance` of the group's best (so no two units
/// more than the tolerance apart share a group through a chain of
/// near-ties); they share the group's first rank and are ordered by id.
/// Calls `place(unit, rank)` in rank order.
fn tie_groups(sorted: &mut [(f64, usize)], table: &Table, tolerance: f64, mut place: impl FnMut(usize, usize)) {
    let mut start = 0;
    while start < sorted.len() {
        let best = sorted[start].0;
        let end = start
            + 1
            + sorted[start + 1..]
                .iter()
                .take_while(|(s, _)| best - s <= tolerance)
                .count();
        let group = &mut sorted[start..end];
        if group.len() > 1 {
            group.sort_unstable_by(|a, b| table.id(a.1).cmp(table.id(b.1)).then(a.1.cmp(&b.1)));
        }
        for &(_, u) in group.iter() {
            place(u, start + 1);
        }
        start = end;
    }
}

fn to_u32(rank: usize) -> u32 {
    u32::try_from(rank).unwrap_or(u32::MAX)
}

/// Competition ranks (descending) of `values` among themselves, values
/// within `tolerance` of their group's best tying; `None` stays unranked.
pub fn competition_ranks(values: &[Option<f64>], table: &Table, tolerance: f64) -> Vec<Option<usize>> {
    let coded: Vec<f64> = values.iter().map(|v| v.unwrap_or(f64::NAN)).collect();
    let mut ranks = vec![None; values.len()];
    tie_groups(&mut by_score(&coded), table, tolerance, |u, r| ranks[u] = Some(r));
    ranks
}

/// The global weights that applied to unit `u`: dimension weight × weight
/// inside the dimension, renormalized (as the aggregation does) over the
/// indicators and dimensions the unit has values for; `None` for missing ones.
pub fn effective_weights(scored: &Scored, u: usize) -> Vec<Option<f64>> {
    let r = scored.rubric;
    let w = &scored.weights;
    let z: Vec<Option<f64>> = (0..r.indicators.len()).map(|i| scored.z(i, u)).collect();
    let present = |i: usize| z[i].is_some();
    let complete = (0..r.indicators.len()).all(present);
    // Per dimension: the present indicators' weight sum and count (present
    // indicators whose weights are all 0 share the dimension equally, as
    // the aggregation does).
    let inside: Vec<(f64, usize)> = r
        .dimensions
        .iter()
        .map(|d| {
            let members = d.indicators.iter().filter(|&&i| present(i));
            (members.clone().map(|&i| w.indicator[i]).sum(), members.count())
        })
        .collect();
    let dims_total: f64 = (0..r.dimensions.len())
        .filter(|&d| inside[d].1 > 0)
        .map(|d| w.dimension[d])
        .sum();
    (0..r.indicators.len())
        .map(|i| {
            let d = r.indicators[i].dimension;
            let (sum, count) = inside[d];
            if !present(i) || dims_total <= 0.0 {
                None
            } else if complete {
                Some(w.global[i])
            } else if sum > 0.0 {
                Some(w.dimension[d] / dims_total * (w.indicator[i] / sum))
            } else {
                Some(w.dimension[d] / dims_total / count as f64)
            }
        })
        .collect()
}

/// Obstacle degree of each indicator for unit `u`, in percent:
/// O_j = w_j (1 − z_j) / Σ_k w_k (1 − z_k) × 100, with the weights that
/// applied to the unit ([`effective_weights`]); `None` for missing
/// indicators; all 0 for a perfect unit.
pub fn obstacles(scored: &Scored, u: usize) -> Vec<Option<f64>> {
    let gaps: Vec<Option<f64>> = effective_weights(scored, u)
        .iter()
        .enumerate()
        .map(|(i, w)| Some(w.as_ref()? * (1.0 - scored.z(i, u)?)))
        .collect();
    let total: f64 = gaps.iter().flatten().sum();
    gaps.iter()
        .map(|g| g.map(|g| if total > 0.0 { g / total * 100.0 } else { 0.0 }))
        .collect()
}

/// The weights of a rubric whose weighting takes nothing from the data
/// (explicit, equal), for `linkscore weights` without data.
pub fn rubric_weights(rubric: &Rubric) -> Result<Weights> {
    let m = rubric.indicators.len();
    let empty = ZColumns {
        matrix: vec![Vec::new(); m],
        divergence: vec![Some(0.0); m],
    };
    weights(rubric, &empty, &mut Vec::new())
}

/// What objective weighting takes from the normalized values: the full
/// matrix (CRITIC) or each column's entropy divergence.
struct ZColumns {
    matrix: Vec<Vec<Option<f64>>>,
    divergence: Vec<Option<f64>>,
}

fn weights(rubric: &Rubric, z: &ZColumns, warnings: &mut Vec<String>) -> Result<Weights> {
    let m = rubric.indicators.len();
    let (dimension, indicator) = match rubric.weighting {
        Weighting::Explicit => explicit_weights(rubric),
        Weighting::Equal => {
            let nd = rubric.dimensions.len() as f64;
            let mut indicator = vec![0.0; m];
            for d in &rubric.dimensions {
                for &i in &d.indicators {
                    indicator[i] = 1.0 / d.indicators.len() as f64;
                }
            }
            (vec![1.0 / nd; rubric.dimensions.len()], indicator)
        }
        Weighting::Entropy | Weighting::Critic => {
            split_global(rubric, &objective_weights(rubric, rubric.weighting, z, warnings)?)
        }
        Weighting::Ahp => ahp_weights(rubric),
        Weighting::Combined => {
            let Some(c) = rubric.combine else {
                return Err(Error::Rubric(
                    "error: weighting = \"combined\" needs a [combine] table".into(),
                ));
            };
            let (dim, ind) = match c.subjective {
                Subjective::Explicit => explicit_weights(rubric),
                Subjective::Ahp => ahp_weights(rubric),
            };
            let subjective = globals(rubric, &dim, &ind);
            let objective = objective_weights(rubric, c.objective, z, warnings)?;
            split_global(
                rubric,
                &methods::combine(&subjective, &objective, c.alpha, c.multiplicative),
            )
        }
    };
    let global = globals(rubric, &dimension, &indicator);
    Ok(Weights {
        method: rubric.weighting,
        dimension,
        indicator,
        global,
    })
}

fn explicit_weights(rubric: &Rubric) -> (Vec<f64>, Vec<f64>) {
    (
        rubric.dimensions.iter().map(|d| d.weight).collect(),
        rubric.indicators.iter().map(|i| i.weight).collect(),
    )
}

/// AHP weights where `[ahp]` gives a matrix, explicit weights elsewhere.
fn ahp_weights(rubric: &Rubric) -> (Vec<f64>, Vec<f64>) {
    let (mut dimension, mut indicator) = explicit_weights(rubric);
    if let Some(ahp) = &rubric.ahp {
        if let Some(m) = &ahp.dimensions {
            dimension.clone_from(&m.result.weights);
        }
        for (d, m) in &ahp.indicators {
            for (&i, w) in rubric.dimensions[*d].indicators.iter().zip(&m.result.weights) {
                indicator[i] = *w;
            }
        }
    }
    (dimension, indicator)
}

/// Global indicator weights: dimension weight × weight inside the dimension.
fn globals(rubric: &Rubric, dimension: &[f64], indicator: &[f64]) -> Vec<f64> {
    rubric
        .indicators
        .iter()
        .enumerate()
        .map(|(i, ind)| dimension[ind.dimension] * indicator[i])
        .collect()
}

/// Entropy or CRITIC global weights from the normalized matrix.
fn objective_weights(rubric: &Rubric, method: Weighting, z: &ZColumns, warnings: &mut Vec<String>) -> Result<Vec<f64>> {
    if method == Weighting::Entropy {
        let mut d = Vec::with_capacity(z.divergence.len());
        for (j, divergence) in z.divergence.iter().enumerate() {
            d.push(divergence.ok_or_else(|| {
                Error::Data(format!(
                    "error: the entropy method needs normalized values ≥ 0, but indicator `{}` has negative ones\n  = help: use goalpost or minmax normalization for it (zscore gives negative values)",
                    rubric.indicators[j].id
                ))
            })?);
        }
        return Ok(methods::entropy_from_divergences(d));
    }
    let (w, constant) = methods::critic_weights(&z.matrix);
    if !constant.is_empty() {
        warnings.push(format!(
            "CRITIC: constant normalized column(s) {}: their correlation is undefined and taken as 0",
            constant
                .iter()
                .map(|&j| rubric.indicators[j].id.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    Ok(w)
}

/// From global indicator weights: dimension weight = the sum of its
/// indicators', indicator weight inside = global / that sum.
pub fn split_global(rubric: &Rubric, global: &[f64]) -> (Vec<f64>, Vec<f64>) {
    let mut indicator = vec![0.0; global.len()];
    let dimension = rubric
        .dimensions
        .iter()
        .map(|d| {
            let sum: f64 = d.indicators.iter().map(|&i| global[i]).sum();
            for &i in &d.indicators {
                indicator[i] = if sum > 0.0 {
                    global[i] / sum
                } else {
                    1.0 / d.indicators.len() as f64
                };
            }
            sum
        })
        .collect();
    (dimension, indicator)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn goalpost_by_hand() {
        // (clamp(45, 20, 100) − 20) / 80 = 25 / 80 = 0.3125
        assert_eq!(goalpost(45.0, 20.0, 100.0, false), 0.3125);
        assert_eq!(goalpost(45.0, 20.0, 100.0, true), 0.6875);
        assert_eq!(goalpost(120.0, 20.0, 100.0, false), 1.0);
        assert_eq!(goalpost(-5.0, 20.0, 100.0, false), 0.0);
        assert_eq!(goalpost(-5.0, 20.0, 100.0, true), 1.0);
    }

    /// The definition, by two binary searches over every reference value.
    fn rank_fraction(sorted: &[f64], v: f64) -> f64 {
        let n = sorted.len();
        let below = sorted.partition_point(|&s| s < v);
        let upto = sorted.partition_point(|&s| s <= v);
        let r = below as f64 + ((upto - below) as f64 + 1.0) / 2.0;
        ((r - 1.0) / (n as f64 - 1.0)).clamp(0.0, 1.0)
    }

    #[test]
    fn rank_normalization_averages_ties() {
        // values 10, 20, 20, 40: ranks 1, 2.5, 2.5, 4 → (r−1)/3 = 0, 0.5, 0.5, 1
        let s = Scaling::rank(vec![20.0, 40.0, 10.0, 20.0]);
        let Scaling::Rank(table) = &s else { panic!("{s:?}") };
        assert_eq!(table.fraction(10.0), 0.0);
        assert_eq!(table.fraction(20.0), 0.5);
        assert_eq!(table.fraction(40.0), 1.0);
        // 15: 1 below, none equal → r = 1.5 → 0.5/3
        assert_eq!(table.fraction(15.0), 0.5 / 3.0);
        assert_eq!(table.fraction(5.0), 0.0);
        assert_eq!(table.fraction(99.0), 1.0);
        assert_eq!(table.reference().collect::<Vec<_>>(), [10.0, 20.0, 20.0, 40.0]);
        assert_eq!(s.apply(10.0, Direction::Lower), 1.0);
        assert_eq!(Scaling::rank(vec![3.0, 3.0]), Scaling::Constant(1.0));
        // −0 and 0 are one value: 0 has one value below and two equal.
        let sorted = [-1.0, -0.0, 0.0, 2.0];
        let Scaling::Rank(table) = Scaling::rank(sorted.to_vec()) else {
            panic!()
        };
        for v in [0.0, -0.0, 1.0, -1.0] {
            assert_eq!(table.fraction(v), rank_fraction(&sorted, v), "{v}");
        }
    }

    proptest::proptest! {
        #[test]
        fn rank_lookup_agrees_with_the_definition(
            reference in proptest::collection::vec(-50i32..50, 2..60),
            probes in proptest::collection::vec(-60i32..60, 1..20),
            spread in proptest::sample::select(vec![1.0, 0.1, 1e-9, 1e12]),
        ) {
            let mut sorted: Vec<f64> = reference.iter().map(|&r| f64::from(r) * spread).collect();
            sorted.sort_by(f64::total_cmp);
            let s = Scaling::rank(sorted.clone());
            if let Scaling::Rank(table) = &s {
                for p in probes.iter().map(|&p| f64::from(p) * spread).chain(sorted.iter().copied()) {
                    proptest::prop_assert_eq!(table.fraction(p).to_bits(), rank_fraction(&sorted, p).to_bits(), "{}", p);
                }
                proptest::prop_assert_eq!(table.reference().collect::<Vec<_>>(), sorted);
            } else {
                proptest::prop_assert!(sorted.first() == sorted.last());
            }
        }
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
}

#[cfg(test)]
mod soundness;
