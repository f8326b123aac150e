//! From a raw cell to its normalized value (SPEC "Data": missing cells;
//! "Data as offices fill it in": Outliers; "Maths": transform, normalization
//! and `floor`): the per-cell [`Eval`] pipeline raw → fill → transform →
//! outlier treatment → scaling → floor, the fill values and outlier
//! treatment it is fitted with, and the checks a table passes before it runs.

use super::Params;
use super::scaling::{Scaling, goalpost, minmax, zscore};
use crate::error::{Error, Result};
use crate::input::{Cells, RawValues, Table};
use crate::outliers::{self, Treatment};
use crate::rubric::{Direction, MissingPolicy, Normalize, Outliers, Rubric, Transform};
use crate::stats;
use rayon::prelude::*;

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

/// Raw value → fill → transform → scaling → floor, for one cell at a time.
pub(super) struct Eval<'a> {
    pub(super) rubric: &'a Rubric,
    pub(super) table: &'a Table,
    pub(super) fill: &'a [Option<f64>],
    /// Outlier treatment per indicator (empty: none).
    pub(super) treatment: &'a [Treatment],
    pub(super) scaling: &'a [Scaling],
}

impl<'a> Eval<'a> {
    pub(super) fn new(rubric: &'a Rubric, table: &'a Table, params: &'a Params) -> Eval<'a> {
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
    pub(super) fn raw(rubric: &'a Rubric, table: &'a Table, fill: &'a [Option<f64>]) -> Eval<'a> {
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
    pub(super) fn x(&self, i: usize, u: usize) -> Option<f64> {
        let x = self.untreated(i, u)?;
        Some(self.treatment.get(i).map_or(x, |t| t.apply(x)))
    }

    /// The value after filling and transform, before outlier treatment.
    #[inline]
    pub(super) fn untreated(&self, i: usize, u: usize) -> Option<f64> {
        let raw = self.table.value(i, u).or_else(|| self.fill.get(i).copied().flatten())?;
        Some(self.rubric.indicators[i].transform.apply(raw).unwrap_or(f64::NAN))
    }

    #[inline]
    pub(super) fn z(&self, i: usize, u: usize) -> Option<f64> {
        let x = self.x(i, u)?;
        let scaling = self.scaling.get(i)?;
        let z = scaling.apply(x, self.rubric.indicators[i].direction);
        let floor = self.rubric.floor;
        Some(if floor > 0.0 { floor + (1.0 - floor) * z } else { z })
    }

    /// Column `i`'s normalized values for units `base..base + out.len()`
    /// (NaN when missing), counting the present raw cells into `present`:
    /// [`Eval::z`] with the lookups taken once per column.
    pub(super) fn z_range(&self, i: usize, base: usize, out: &mut [f64], present: &mut [u32]) {
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
        let z_of = |raw: Option<f64>| match raw.or(fill) {
            None => f64::NAN,
            Some(raw) => {
                let x = treatment.apply(ind.transform.apply(raw).unwrap_or(f64::NAN));
                let z = scaling.apply(x, ind.direction);
                if floor > 0.0 { floor + (1.0 - floor) * z } else { z }
            }
        };
        // A column over one power of ten is read in one loop per way of
        // storing its mantissas (the values of `get`, without its decoding
        // per cell); the usual goalposts, minmax and zscore, with nothing to fill,
        // transform, treat or floor, in a loop of their own (the same
        // operations, without a choice among them per cell).
        let plain = fill.is_none() && ind.transform == Transform::None && treatment == Treatment::None && floor <= 0.0;
        let lower = ind.direction == Direction::Lower;
        if let Some((cells, power)) = column.common() {
            let cells = (&cells, power);
            match *scaling {
                Scaling::Goalpost { lo, hi } if plain => {
                    z_cells(cells, base, out, present, f64::NAN, |x| goalpost(x, lo, hi, lower))
                }
                Scaling::Minmax { min, max } if plain => {
                    z_cells(cells, base, out, present, f64::NAN, |x| minmax(x, min, max, lower))
                }
                Scaling::Zscore { mean, sd } if plain => {
                    z_cells(cells, base, out, present, f64::NAN, |x| zscore(x, mean, sd, lower))
                }
                _ => z_cells(cells, base, out, present, z_of(None), |x| z_of(Some(x))),
            }
            return;
        }
        for (k, (slot, count)) in out.iter_mut().zip(present.iter_mut()).enumerate() {
            let raw = column.get(base + k);
            *count += u32::from(raw.is_some());
            *slot = z_of(raw);
        }
    }

    /// [`Eval::x`] of every unit of column `i` that has one, in unit order.
    pub(super) fn x_column(&self, i: usize) -> Vec<f64> {
        let mut out = Vec::with_capacity(self.table.len());
        self.x_present_into(i, &mut out);
        out
    }

    /// Appends [`Eval::x`] of every unit of column `i` that has one to
    /// `out`, in unit order: one pass over the column's mantissas when they
    /// share a power of ten (the values of [`Eval::x`], which decodes a cell
    /// at a time). One buffer per thread serves every column of a fit.
    pub(super) fn x_present_into(&self, i: usize, out: &mut Vec<f64>) {
        let Some((mantissas, power)) = self.table.values.get(i).and_then(RawValues::common) else {
            out.extend((0..self.table.len()).filter_map(|u| self.x(i, u)));
            return;
        };
        let (Some(ind), treatment) = (self.rubric.indicators.get(i), self.treatment.get(i)) else {
            return;
        };
        let fill = self.fill.get(i).copied().flatten();
        let x = |raw: f64| {
            let x = ind.transform.apply(raw).unwrap_or(f64::NAN);
            treatment.map_or(x, |t| t.apply(x))
        };
        out.reserve(mantissas.len());
        mantissas.for_each(0, mantissas.len(), |_, m| match m {
            Some(m) => out.push(x(f64::from(m) / power)),
            None => out.extend(fill.map(x)),
        });
    }

    /// Column `i`'s values as [`Eval::x_present_into`] gives them, as
    /// (value, count) pairs: one per distinct mantissa, from the column's
    /// counts, and one for its filled cells. `None` when the column has no
    /// counts (no present value, or mantissas spread wider than its cells).
    pub(super) fn x_counted(&self, i: usize) -> Option<Vec<(f64, u32)>> {
        let column = self.table.values.get(i)?;
        let counts = column.counts()?;
        let ind = self.rubric.indicators.get(i)?;
        let treatment = self.treatment.get(i);
        let x = |raw: f64| {
            let x = ind.transform.apply(raw).unwrap_or(f64::NAN);
            treatment.map_or(x, |t| t.apply(x))
        };
        let mut counted: Vec<(f64, u32)> = counts.values().map(|(v, count)| (x(v), count)).collect();
        let missing = u32::try_from(column.missing_count()).ok()?;
        if let Some(fill) = self.fill.get(i).copied().flatten().filter(|_| missing > 0) {
            counted.push((x(fill), missing));
        }
        Some(counted)
    }

    /// Column `i`'s normalized values for every unit.
    pub(super) fn z_column(&self, i: usize) -> Vec<Option<f64>> {
        let mut out = Vec::with_capacity(self.table.len());
        self.z_each(i, |z| out.push(z));
        out
    }

    /// Appends column `i`'s present normalized values to `out`, in unit
    /// order: what objective weights and bounds need, without a column of
    /// options, so that one buffer per thread serves every column (fresh
    /// 16 MB columns cost their page faults again on every column).
    pub(super) fn z_present_into(&self, i: usize, out: &mut Vec<f64>) {
        self.z_each(i, |z| out.extend(z));
    }

    /// Calls `f` with column `i`'s normalized value of every unit, in unit
    /// order: one pass over the column's mantissas when they share a power
    /// of ten (the values of [`Eval::z`], which decodes a cell at a time).
    fn z_each(&self, i: usize, mut f: impl FnMut(Option<f64>)) {
        let Some((cells, power)) = self.table.values.get(i).and_then(RawValues::common) else {
            (0..self.table.len()).for_each(|u| f(self.z(i, u)));
            return;
        };
        let (Some(ind), Some(scaling)) = (self.rubric.indicators.get(i), self.scaling.get(i)) else {
            (0..self.table.len()).for_each(|_| f(None));
            return;
        };
        let fill = self.fill.get(i).copied().flatten();
        let treatment = self.treatment.get(i);
        let floor = self.rubric.floor;
        let z = |raw: f64| {
            let x = ind.transform.apply(raw).unwrap_or(f64::NAN);
            let x = treatment.map_or(x, |t| t.apply(x));
            let z = scaling.apply(x, ind.direction);
            if floor > 0.0 { floor + (1.0 - floor) * z } else { z }
        };
        cells.for_each(0, cells.len(), |_, m| {
            f(m.map(|m| f64::from(m) / power).or(fill).map(z))
        });
    }

    /// Column `i`'s normalized values with their counts: those of
    /// [`Eval::x_counted`] through the column's scaling and floor, for a fit
    /// that sums over the column (entropy weights, a TOPSIS ideal). `None`
    /// when the column has no counts.
    pub(super) fn z_counted(&self, i: usize) -> Option<Vec<(f64, u32)>> {
        let (ind, scaling) = (self.rubric.indicators.get(i)?, self.scaling.get(i)?);
        let floor = self.rubric.floor;
        let mut counted = self.x_counted(i)?;
        for (v, _) in &mut counted {
            let z = scaling.apply(*v, ind.direction);
            *v = if floor > 0.0 { floor + (1.0 - floor) * z } else { z };
        }
        Some(counted)
    }

    /// [`Eval::z_range`] of one raw value of column `i` (present or filled).
    fn z_of_raw(&self, i: usize, raw: f64) -> f64 {
        let (Some(ind), Some(scaling)) = (self.rubric.indicators.get(i), self.scaling.get(i)) else {
            return f64::NAN;
        };
        let treatment = self.treatment.get(i).copied().unwrap_or(Treatment::None);
        let x = treatment.apply(ind.transform.apply(raw).unwrap_or(f64::NAN));
        let z = scaling.apply(x, ind.direction);
        let floor = self.rubric.floor;
        if floor > 0.0 { floor + (1.0 - floor) * z } else { z }
    }
}

/// Rank-normalized columns looked up by mantissa (see [`Dense::new`]).
pub(super) struct Dense {
    columns: Vec<Option<DenseColumn>>,
}

/// One column's normalized value for every mantissa between its smallest
/// and largest, and the value of a missing cell (its fill's, or NaN).
struct DenseColumn {
    min: i32,
    z: Vec<f64>,
    missing: f64,
}

/// Memory the tables of a table may take in all (8 bytes an entry).
const DENSE_BYTES: usize = 64 << 20;

impl Dense {
    /// A rank lookup searches a table of the column's distinct values for
    /// every cell; a column of decimals over one power of ten (nearly every
    /// column) has few possible mantissas between its extremes, so each
    /// one's normalized value is worked out once, by the same steps as
    /// [`Eval::z_range`], and a cell is one array read. Columns are taken
    /// in order while their tables fit [`DENSE_BYTES`].
    pub(super) fn new(eval: &Eval<'_>) -> Dense {
        let mut budget = DENSE_BYTES / 8;
        let columns = (0..eval.rubric.indicators.len())
            .map(|i| {
                let rank = matches!(eval.scaling.get(i), Some(Scaling::Rank(_)));
                let (mantissas, power) = eval.table.values.get(i).and_then(RawValues::common).filter(|_| rank)?;
                let (min, max) = mantissas.range()?;
                let entries = usize::try_from(i64::from(max) - i64::from(min) + 1).ok()?;
                // Worth it only where there are more cells than entries to work out.
                if entries > budget || entries > mantissas.len() {
                    return None;
                }
                budget -= entries;
                let z = (min..=max)
                    .into_par_iter()
                    .map(|m| eval.z_of_raw(i, f64::from(m) / power))
                    .collect();
                let fill = eval.fill.get(i).copied().flatten();
                let missing = fill.map_or(f64::NAN, |raw| eval.z_of_raw(i, raw));
                Some(DenseColumn { min, z, missing })
            })
            .collect();
        Dense { columns }
    }

    /// [`Eval::z_range`] by lookup; false (doing nothing) for a column
    /// without a table.
    pub(super) fn z_range(&self, eval: &Eval<'_>, i: usize, base: usize, out: &mut [f64], present: &mut [u32]) -> bool {
        let (Some(Some(dense)), Some((mantissas, _))) = (
            self.columns.get(i),
            eval.table.values.get(i).and_then(RawValues::common),
        ) else {
            return false;
        };
        mantissas.for_each(base, out.len(), |k, m| {
            let (Some(slot), Some(count)) = (out.get_mut(k), present.get_mut(k)) else {
                return;
            };
            match m {
                None => *slot = dense.missing,
                Some(m) => {
                    *count += 1;
                    let at = usize::try_from(i64::from(m) - i64::from(dense.min)).unwrap_or(usize::MAX);
                    *slot = dense.z.get(at).copied().unwrap_or(f64::NAN);
                }
            }
        });
        true
    }
}

/// [`Eval::z_range`] of a column over one power of ten, `(cells, power)`:
/// `z` of each present cell's value, `missing` for a missing cell.
#[inline]
fn z_cells(
    (cells, power): (&Cells<'_>, f64),
    base: usize,
    out: &mut [f64],
    present: &mut [u32],
    missing: f64,
    z: impl Fn(f64) -> f64,
) {
    cells.for_each(base, out.len(), |k, m| {
        let (Some(slot), Some(count)) = (out.get_mut(k), present.get_mut(k)) else {
            return;
        };
        *count += u32::from(m.is_some());
        *slot = m.map_or(missing, |m| z(f64::from(m) / power));
    });
}

/// The raw fill value per indicator under `mean`/`median` (SPEC "Data"),
/// over the units of all `tables` that have a value.
pub(super) fn fill_values(rubric: &Rubric, tables: &[&Table]) -> Result<Vec<Option<f64>>> {
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
                    return Err(Error::data(format!(
                        "indicator `{}` (column `{}`) has no value in any unit, so there is nothing to fill its missing cells with",
                        rubric.indicators[i].id, rubric.indicators[i].column
                    ))
                    .help("check the column, or remove the indicator from the rubric"));
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
pub(super) fn missing_report(
    rubric: &Rubric,
    table: &Table,
    fill: &[Option<f64>],
    warnings: &mut Vec<String>,
) -> MissingReport {
    let per_indicator: Vec<usize> = table.values.iter().map(RawValues::missing_count).collect();
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
            .map(|(i, c)| format!("{} {c}", rubric.indicators[*i].name))
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
pub(super) fn validate(rubric: &Rubric, table: &Table, fill: &[Option<f64>]) -> Result<()> {
    if rubric.missing == MissingPolicy::Error {
        let total: usize = table.values.iter().map(RawValues::missing_count).sum();
        if total > 0 {
            for u in 0..table.len() {
                if let Some(i) = (0..rubric.indicators.len()).find(|&i| table.values[i].is_missing(u)) {
                    let cell = table.cell_location(rubric, u, i);
                    return Err(Error::data(format!("missing value at {cell}"))
                        .about(cell)
                        .help(format!(
                            "fill the cell, or choose how to treat missing cells with `missing = \"reweight\"`, \"mean\" or \"median\" in [rubric] ({total} cell(s) are missing in all)"
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
        return Err(Error::data(format!(
            "the value {raw} is outside the domain of transform = \"{}\", which needs {}",
            t.as_str(),
            t.domain()
        ))
        .at(table.cell_location(rubric, u, i))
        .help("correct the value, mark it missing, or use transform = \"log1p\" for data with zeros"));
    }
    Ok(())
}

/// The outlier treatment of every indicator (SPEC "Data as offices fill it
/// in": Outliers), fitted on its values after filling and transform, pooled
/// over `tables`; one warning per treated column, in rubric order.
pub(super) fn fit_treatment(
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
                warnings.push(outliers::describe(&ind.name, fit, rubric.winsorize_max));
                fit.treatment
            }
            None => Treatment::None,
        })
        .collect()
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
            column.extend(eval.x_column(i));
        }
    }
    Ok(pooled)
}

/// Every unit's normalized values, unit by unit (row-major, NaN when
/// missing): what re-scoring many times needs, computed once.
pub fn normalized_rows(rubric: &Rubric, table: &Table, params: &Params) -> Vec<f64> {
    let (n, m) = (table.len(), rubric.indicators.len());
    let eval = Eval::new(rubric, table, params);
    let dense = Dense::new(&eval);
    let mut rows = vec![f64::NAN; n * m];
    let mut column = vec![f64::NAN; n];
    let mut present = vec![0u32; n];
    for i in 0..m {
        if !dense.z_range(&eval, i, 0, &mut column, &mut present) {
            eval.z_range(i, 0, &mut column, &mut present);
        }
        for (u, &v) in column.iter().enumerate() {
            rows[u * m + i] = v;
        }
    }
    rows
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::{self, ReadOptions};
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(48))]

        /// Rank columns looked up by mantissa give the bits of the search,
        /// missing cells (filled or not), floor and direction included.
        #[test]
        fn dense_rank_lookups_are_the_search(
            cells in proptest::collection::vec(proptest::option::weighted(0.9, (-15i32..15, 0u8..2)), 2..400),
            lower in any::<bool>(),
            floor in prop_oneof![Just(0.0), Just(0.2)],
            missing in prop_oneof![Just("reweight"), Just("mean"), Just("median")],
        ) {
            let text = format!(
                "[rubric]\nname = \"t\"\nid = \"id\"\nnormalize = \"rank\"\nfloor = {floor}\nmissing = \"{missing}\"\n\
                 [[dimension]]\nid = \"d\"\n[[indicator]]\nid = \"x\"\ndimension = \"d\"\ndirection = \"{}\"\n\
                 [[indicator]]\nid = \"y\"\ndimension = \"d\"\n",
                if lower { "lower" } else { "higher" }
            );
            let rubric = Rubric::parse("t.toml", &text, false).unwrap();
            let mut csv = String::from("id,x,y\n");
            for (u, cell) in cells.iter().enumerate() {
                let x = cell.map_or(String::new(), |(m, k)| format!("{}", f64::from(m) / 10f64.powi(i32::from(k))));
                let y = if u % 7 == 3 { String::new() } else { ((u * 37) % 11).to_string() };
                csv.push_str(&format!("u{u},{x},{y}\n"));
            }
            let Ok(table) = input::from_bytes(&[("t.csv".into(), csv.into_bytes())], &rubric, &ReadOptions::default()) else {
                return Ok(()); // a row the totals rule leaves out, or too few values
            };
            let Ok(params) = super::super::fit(&rubric, &[&table]) else { return Ok(()) };
            let eval = Eval::new(&rubric, &table, &params);
            let dense = Dense::new(&eval);
            let n = table.len();
            for i in 0..2 {
                let (mut a, mut b) = (vec![0.0; n], vec![0.0; n]);
                let (mut pa, mut pb) = (vec![0u32; n], vec![0u32; n]);
                eval.z_range(i, 0, &mut a, &mut pa);
                if dense.z_range(&eval, i, 0, &mut b, &mut pb) {
                    prop_assert_eq!(a.iter().map(|v| v.to_bits()).collect::<Vec<_>>(), b.iter().map(|v| v.to_bits()).collect::<Vec<_>>());
                    prop_assert_eq!(&pa, &pb);
                }
            }
            // The integer column (0..=10) has a table once it has more cells than entries.
            if n > 20 {
                prop_assert!(dense.columns.get(1).is_some_and(Option::is_some));
            }
        }

        /// A column scored a chunk at a time (`z_range`, with its own loops
        /// for plain goalposts and minmax) gives the bits of the cell-by-cell
        /// pipeline (`Eval::z`), whatever fills, transforms, treats or floors;
        /// and the tally a column by index keeps is the one its walk makes.
        #[test]
        fn a_column_at_a_time_is_the_cell_by_cell_pipeline(
            cells in proptest::collection::vec(proptest::option::weighted(0.9, (1i32..600, 0u8..3)), 3..200),
            normalize in prop_oneof![Just("goalpost"), Just("minmax"), Just("zscore")],
            goalposts in prop_oneof![Just((0.0, 30.0)), Just((2.5, 7.25)), Just((-1e308, 1e308))],
            lower in any::<bool>(),
            transform in prop_oneof![Just("none"), Just("log1p")],
            floor in prop_oneof![Just(0.0), Just(0.2)],
            missing in prop_oneof![Just("reweight"), Just("mean")],
            outliers in prop_oneof![Just("none"), Just("winsorize")],
            base in 0usize..5,
        ) {
            let text = format!(
                "[rubric]\nname = \"t\"\nid = \"id\"\nfloor = {floor}\nmissing = \"{missing}\"\noutliers = \"{outliers}\"\n\
                 [[dimension]]\nid = \"d\"\n[[indicator]]\nid = \"x\"\ndimension = \"d\"\nnormalize = \"{normalize}\"\n\
                 direction = \"{}\"\ntransform = \"{transform}\"\ngoalposts = [{:?}, {:?}]\n",
                if lower { "lower" } else { "higher" },
                goalposts.0,
                goalposts.1
            );
            let Ok(rubric) = Rubric::parse("t.toml", &text, false) else { return Ok(()) };
            let mut csv = String::from("id,x\n");
            for (u, cell) in cells.iter().enumerate() {
                let x = cell.map_or(String::new(), |(m, k)| format!("{}", f64::from(m) / 10f64.powi(i32::from(k))));
                csv.push_str(&format!("u{u},{x}\n"));
            }
            let Ok(table) = input::from_bytes(&[("t.csv".into(), csv.into_bytes())], &rubric, &ReadOptions::default()) else {
                return Ok(()); // a row the totals rule leaves out
            };
            let Ok(params) = super::super::fit(&rubric, &[&table]) else { return Ok(()) };
            let eval = Eval::new(&rubric, &table, &params);
            let n = table.len();
            let base = base.min(n);
            let (mut got, mut present) = (vec![0.0; n - base], vec![0u32; n - base]);
            eval.z_range(0, base, &mut got, &mut present);
            let want: Vec<u64> = (base..n).map(|u| eval.z(0, u).unwrap_or(f64::NAN).to_bits()).collect();
            prop_assert_eq!(got.iter().map(|v| v.to_bits()).collect::<Vec<_>>(), want);
            let counted: Vec<u32> = (base..n).map(|u| u32::from(table.value(0, u).is_some())).collect();
            prop_assert_eq!(present, counted);
            // Counted, the column's normalized values are those of its cells.
            if let Some(counted) = eval.z_counted(0) {
                let mut by_count = std::collections::BTreeMap::new();
                for (z, count) in counted {
                    *by_count.entry(z.to_bits()).or_insert(0u32) += count;
                }
                by_count.retain(|_, count| *count > 0);
                let mut by_cell = std::collections::BTreeMap::new();
                for z in (0..n).filter_map(|u| eval.z(0, u)) {
                    *by_cell.entry(z.to_bits()).or_insert(0u32) += 1;
                }
                prop_assert_eq!(by_count, by_cell);
            }
        }

        /// A scaling fitted from counts by mantissa is the one fitted from
        /// every value: transform, outlier treatment and filled cells
        /// included, one table or two pooled. Rank's reference and minmax's
        /// bounds to the bit; zscore's mean and sd to rounding (their sums
        /// add in another order).
        #[test]
        fn scaling_from_counts_is_the_one_from_every_value(
            cells in proptest::collection::vec(proptest::option::weighted(0.85, (0i32..40, 0u8..3)), 2..300),
            skew in proptest::collection::vec(0i32..600, 0..4),
            transform in prop_oneof![Just("none"), Just("log1p")],
            outliers in prop_oneof![Just("none"), Just("winsorize")],
            missing in prop_oneof![Just("reweight"), Just("mean"), Just("median")],
            pooled in any::<bool>(),
            normalize in prop_oneof![Just("rank"), Just("minmax"), Just("zscore")],
        ) {
            let text = format!(
                "[rubric]\nname = \"t\"\nid = \"id\"\nnormalize = \"{normalize}\"\noutliers = \"{outliers}\"\nmissing = \"{missing}\"\n\
                 [[dimension]]\nid = \"d\"\n[[indicator]]\nid = \"x\"\ndimension = \"d\"\ntransform = \"{transform}\"\n"
            );
            let rubric = Rubric::parse("t.toml", &text, false).unwrap();
            let mut csv = String::from("id,x\n");
            let values = cells.iter().map(|c| c.map_or(String::new(), |(m, k)| format!("{}", f64::from(m) / 10f64.powi(i32::from(k)))));
            for (u, x) in values.chain(skew.iter().map(|s| s.to_string())).enumerate() {
                csv.push_str(&format!("u{u},{x}\n"));
            }
            let read = |name: &str| input::from_bytes(&[(name.into(), csv.clone().into_bytes())], &rubric, &ReadOptions::default());
            let (Ok(a), Ok(b)) = (read("a.csv"), read("b.csv")) else { return Ok(()) };
            let tables: Vec<&Table> = if pooled { vec![&a, &b] } else { vec![&a] };
            let Ok(params) = super::super::fit(&rubric, &tables) else { return Ok(()) };
            let mut present = Vec::new();
            for table in &tables {
                Eval::new(&rubric, table, &params).x_present_into(0, &mut present);
            }
            let counted = tables.iter().map(|t| Eval::new(&rubric, t, &params).x_counted(0)).collect::<Option<Vec<_>>>();
            prop_assert!(counted.is_some(), "a column of short decimals has counts");
            let want = crate::engine::fit_scaling(&rubric, 0, &present);
            match (params.scaling.first(), &want) {
                (Some(Scaling::Zscore { mean, sd }), Scaling::Zscore { mean: m, sd: d }) => {
                    let magnitude = present.iter().fold(0f64, |a, v| a.max(v.abs()));
                    prop_assert!((mean - m).abs() <= 1e-14 * magnitude, "mean {} vs {}", mean, m);
                    prop_assert!((sd - d).abs() <= 1e-14 * magnitude, "sd {} vs {}", sd, d);
                }
                (got, _) => prop_assert_eq!(got, Some(&want)),
            }
        }
    }
}
