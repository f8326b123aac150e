//! Frozen parameters (SPEC "Command line": `--freeze FILE`, `--params
//! FILE`): everything a run took from its data, written as TOML so that
//! another year can be scored on exactly the same scale.

use crate::engine::{Params, Scaling, Weights};
use crate::error::{Error, Location, Result, closest};
use crate::outliers::Treatment;
use crate::rubric::{Normalize, Outliers, Rubric};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::fmt::Write as _;

/// A TOML float that reads back to the same f64 (Debug always has a point
/// or an exponent, so a large whole number never becomes a TOML integer).
fn float(x: f64) -> String {
    // TOML spells these `nan`, `inf` and `-inf` (an ideal over a column no
    // unit has a value in is 0 × ∞).
    if x.is_nan() { "nan".into() } else { format!("{x:?}") }
}

fn string(s: &str) -> String {
    toml::Value::String(s.to_string()).to_string()
}

/// min, max, mean and sd of one column, by the same functions the fit uses
/// (so that `--params` reads back exactly the scaling `--freeze` saw).
fn stats(values: &[f64]) -> Option<(f64, f64, f64, f64)> {
    let (min, max) = crate::stats::min_max(values)?;
    let mean = crate::stats::mean(values);
    Some((min, max, mean, crate::stats::sample_sd(values, mean)))
}

/// The parameters as a TOML document. `x` holds each indicator's values
/// after filling and transform, over the units the parameters came from;
/// their statistics are written after the fitted outlier treatment (which is
/// what the scaling was fitted on).
pub fn to_toml(rubric: &Rubric, params: &Params, x: &[Vec<f64>], inputs: &[String]) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "# Parameters linkscore took from the data: a frozen base year.");
    let _ = writeln!(out, "# Score another year on this scale with `--params {{this file}}`.");
    let _ = writeln!(
        out,
        "# min/max/mean/sd are of the values after the indicator's transform."
    );
    if rubric.outliers != Outliers::None {
        let _ = writeln!(
            out,
            "# With outliers treated: after it (winsorize = [low, high] clamps, log_min the shift of ln(x − log_min + 1))."
        );
    }
    let _ = writeln!(out, "[params]");
    let _ = writeln!(out, "linkscore = {}", string(env!("CARGO_PKG_VERSION")));
    let _ = writeln!(out, "rubric = {}", string(&rubric.name));
    let _ = writeln!(out, "rubric_version = {}", string(&rubric.version));
    let _ = writeln!(out, "weighting = {}", string(params.weights.method.as_str()));
    let list: Vec<String> = inputs.iter().map(|s| string(s)).collect();
    let _ = writeln!(out, "inputs = [{}]", list.join(", "));
    for (d, dim) in rubric.dimensions.iter().enumerate() {
        let _ = writeln!(out, "\n[dimension.{}]", dim.id);
        let _ = writeln!(out, "weight = {}", float(params.weights.dimension[d]));
    }
    for (i, ind) in rubric.indicators.iter().enumerate() {
        let _ = writeln!(out, "\n[indicator.{}]", ind.id);
        let treatment = params.treatment.get(i).copied().unwrap_or(Treatment::None);
        let treated: Vec<f64>;
        let x: &[f64] = if treatment.is_none() {
            &x[i]
        } else {
            treated = x[i].iter().map(|&v| treatment.apply(v)).collect();
            &treated
        };
        // How many values the statistics are of: 0 says that a column
        // without any value was frozen (its scaling is the constant one).
        let _ = writeln!(out, "count = {}", x.len());
        if let Some((min, max, mean, sd)) = stats(x) {
            let _ = writeln!(
                out,
                "min = {}\nmax = {}\nmean = {}\nsd = {}",
                float(min),
                float(max),
                float(mean),
                float(sd)
            );
        }
        let _ = writeln!(out, "weight = {}", float(params.weights.indicator[i]));
        if let Some(f) = params.fill[i] {
            let _ = writeln!(out, "fill = {}", float(f));
        }
        match treatment {
            Treatment::None => {}
            Treatment::Winsorize { low, high } => {
                let _ = writeln!(out, "winsorize = [{}, {}]", float(low), float(high));
            }
            Treatment::Log { min } => {
                let _ = writeln!(out, "log_min = {}", float(min));
            }
        }
        if let Some(ideal) = &params.ideal {
            let (hi, lo) = ideal[i];
            let _ = writeln!(out, "ideal = [{}, {}]", float(hi), float(lo));
        }
        // Every rank-normalized column, a constant one too: `--params`
        // needs its reference values to read the file back.
        if ind.normalize == Normalize::Rank {
            let values: Vec<String> = match &params.scaling[i] {
                Scaling::Rank(table) => table.reference().map(float).collect(),
                _ => {
                    let mut sorted = x.to_vec();
                    sorted.sort_by(f64::total_cmp);
                    sorted.into_iter().map(float).collect()
                }
            };
            let _ = writeln!(out, "values = [{}]", values.join(", "));
        }
    }
    out
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawParams {
    #[allow(dead_code)]
    params: toml::Table,
    #[serde(default)]
    dimension: BTreeMap<String, toml::Spanned<RawDimension>>,
    #[serde(default)]
    indicator: BTreeMap<String, toml::Spanned<RawIndicator>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDimension {
    weight: f64,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawIndicator {
    count: Option<u64>,
    min: Option<f64>,
    max: Option<f64>,
    mean: Option<f64>,
    sd: Option<f64>,
    weight: f64,
    fill: Option<f64>,
    /// Outlier clamps [low, high] (`outliers = "winsorize"`).
    winsorize: Option<[f64; 2]>,
    /// The shift of the outlier log fallback, ln(x − log_min + 1).
    log_min: Option<f64>,
    ideal: Option<[f64; 2]>,
    values: Option<Vec<f64>>,
}

/// Reads a params file written by `--freeze` and checks that it fits the rubric.
pub fn from_path(path: &str, rubric: &Rubric) -> Result<Params> {
    let bytes = crate::files::read_small(path, "params file")?;
    let text = String::from_utf8(bytes).map_err(|e| {
        Error::data(format!(
            "{path} is not a params file: not UTF-8 text (invalid byte at offset {})",
            e.utf8_error().valid_up_to()
        ))
        .help(format!("write it with `linkscore score --freeze {path}`"))
    })?;
    parse(path, &text, rubric)
}

pub fn parse(path: &str, text: &str, rubric: &Rubric) -> Result<Params> {
    let raw: RawParams = toml::from_str(text).map_err(|e| {
        let error = Error::data(format!(
            "invalid params file: {}",
            e.message().lines().next().unwrap_or("")
        ));
        match e.span() {
            Some(span) => error
                .at(Location::source(path, text, span))
                .help("write it with `--freeze`"),
            None => error.at(Location::file(path)),
        }
    })?;
    let mismatch = |kind: &str, unknown: Vec<&str>, missing: Vec<&str>, known: Vec<&str>| -> Result<()> {
        if unknown.is_empty() && missing.is_empty() {
            return Ok(());
        }
        let mut lines = Vec::new();
        for u in &unknown {
            let hint = closest(u, known.iter().copied()).map_or(String::new(), |c| format!(" (did you mean `{c}`?)"));
            lines.push(format!("  {kind} `{u}` is not in the rubric{hint}"));
        }
        for m in &missing {
            lines.push(format!("  {kind} `{m}` is missing from the params file"));
        }
        Err(Error::data(format!(
            "the params file {path} does not fit the rubric {}",
            rubric.source.path
        ))
        .notes(lines)
        .help("freeze the parameters again with this rubric (`--freeze`)"))
    };
    let dim_ids: Vec<&str> = rubric.dimensions.iter().map(|d| d.id.as_str()).collect();
    let ind_ids: Vec<&str> = rubric.indicators.iter().map(|i| i.id.as_str()).collect();
    mismatch(
        "dimension",
        raw.dimension
            .keys()
            .map(String::as_str)
            .filter(|k| !dim_ids.contains(k))
            .collect(),
        dim_ids
            .iter()
            .copied()
            .filter(|d| !raw.dimension.contains_key(*d))
            .collect(),
        dim_ids.clone(),
    )?;
    mismatch(
        "indicator",
        raw.indicator
            .keys()
            .map(String::as_str)
            .filter(|k| !ind_ids.contains(k))
            .collect(),
        ind_ids
            .iter()
            .copied()
            .filter(|i| !raw.indicator.contains_key(*i))
            .collect(),
        ind_ids.clone(),
    )?;

    let bad = |span: std::ops::Range<usize>, what: String| {
        Error::data(format!("invalid params file: {what}"))
            .at(Location::source(path, text, span))
            .help("write it with `--freeze`")
    };
    let mut dimension = Vec::new();
    for d in &rubric.dimensions {
        let entry = &raw.dimension[&d.id];
        dimension.push(entry.get_ref().weight);
    }
    let mut indicator = Vec::new();
    let mut fill = Vec::new();
    let mut treatment = Vec::new();
    let mut scaling = Vec::new();
    let mut ideal = Vec::new();
    for (i, ind) in rubric.indicators.iter().enumerate() {
        let entry = &raw.indicator[&ind.id];
        let span = entry.span();
        let p = entry.get_ref();
        indicator.push(p.weight);
        fill.push(p.fill);
        treatment.push(frozen_treatment(rubric, i, p).map_err(|what| bad(span.clone(), what))?);
        scaling.push(frozen_scaling(rubric, i, p).map_err(|what| bad(span.clone(), what))?);
        ideal.push(p.ideal.map(|[hi, lo]| (hi, lo)));
    }
    let global = rubric
        .indicators
        .iter()
        .enumerate()
        .map(|(i, ind)| dimension[ind.dimension] * indicator[i])
        .collect();
    let ideal = if rubric.method == crate::rubric::Method::Topsis {
        match ideal.iter().copied().collect::<Option<Vec<_>>>() {
            Some(v) => Some(v),
            None => {
                return Err(Error::data(format!(
                    "the rubric uses TOPSIS but the params file {path} has no `ideal` for every indicator"
                ))
                .help("freeze the parameters again with this rubric (`--freeze`)"));
            }
        }
    } else {
        None
    };
    let mut warnings: Vec<String> = rubric
        .indicators
        .iter()
        .zip(&treatment)
        .filter_map(|(ind, t)| crate::outliers::describe_frozen(&ind.name, *t))
        .collect();
    warnings.extend(crate::engine::constant_warning(rubric, &scaling));
    Ok(Params {
        fill,
        treatment,
        scaling,
        weights: Weights {
            method: rubric.weighting,
            dimension,
            indicator,
            global,
        },
        ideal,
        warnings,
    })
}

/// The outlier treatment of indicator `i` as its frozen entry gives it;
/// `Err` says what does not fit the rubric.
fn frozen_treatment(rubric: &Rubric, i: usize, p: &RawIndicator) -> std::result::Result<Treatment, String> {
    let ind = &rubric.indicators[i];
    let treatment = match (p.winsorize, p.log_min) {
        (None, None) => return Ok(Treatment::None),
        (Some(_), Some(_)) => {
            return Err(format!(
                "indicator `{}` has both `winsorize` and `log_min`; a column is treated one way",
                ind.id
            ));
        }
        (Some([low, high]), None) => {
            // −inf / inf leave a side alone; NaN or crossed bounds are not clamps.
            if low.is_nan() || high.is_nan() || low > high || low == f64::INFINITY || high == f64::NEG_INFINITY {
                return Err(format!(
                    "indicator `{}` has winsorize = [{}, {}]; it must be [low, high] with low ≤ high",
                    ind.id,
                    crate::util::readable(low),
                    crate::util::readable(high)
                ));
            }
            Treatment::Winsorize { low, high }
        }
        (None, Some(min)) => {
            if !min.is_finite() {
                return Err(format!(
                    "indicator `{}` has log_min = {}; it must be a finite number",
                    ind.id,
                    crate::util::readable(min)
                ));
            }
            Treatment::Log { min }
        }
    };
    if rubric.outliers == Outliers::None {
        return Err(format!(
            "indicator `{}` has an outlier treatment, but the rubric has outliers = \"none\"",
            ind.id
        ));
    }
    if ind.normalize == Normalize::Goalpost {
        return Err(format!(
            "indicator `{}` has an outlier treatment, but it is normalized by goalposts, which are never treated",
            ind.id
        ));
    }
    Ok(treatment)
}

/// The scaling of indicator `i` as its frozen entry gives it, decided as
/// fitting decides it (constant means max = min); `Err` says what is wrong.
fn frozen_scaling(rubric: &Rubric, i: usize, p: &RawIndicator) -> std::result::Result<Scaling, String> {
    let ind = &rubric.indicators[i];
    let need = |v: Option<f64>, key: &str| {
        v.ok_or_else(|| {
            format!(
                "indicator `{}` is normalized by {} but has no `{key}`",
                ind.id,
                ind.normalize.as_str()
            )
        })
    };
    if p.count == Some(0) && matches!(ind.normalize, Normalize::Minmax | Normalize::Zscore) {
        // No value to take statistics of: fitting gave the constant scaling.
        return Ok(crate::engine::fit_scaling(rubric, i, &[]));
    }
    Ok(match ind.normalize {
        Normalize::Goalpost | Normalize::None => crate::engine::fit_scaling(rubric, i, &[]),
        Normalize::Minmax => {
            let (min, max) = (need(p.min, "min")?, need(p.max, "max")?);
            if max > min {
                Scaling::Minmax { min, max }
            } else {
                Scaling::Constant(1.0)
            }
        }
        Normalize::Zscore => {
            let (mean, sd) = (need(p.mean, "mean")?, need(p.sd, "sd")?);
            // An older file without min/max falls back on its sd.
            let constant = match (p.min, p.max) {
                (Some(min), Some(max)) => max <= min,
                _ => sd.is_nan() || sd <= 0.0,
            };
            if constant {
                Scaling::Constant(0.0)
            } else if sd > 0.0 && sd.is_finite() && mean.is_finite() {
                Scaling::Zscore { mean, sd }
            } else {
                return Err(format!(
                    "indicator `{}` has sd = {sd}, which zscore cannot divide by",
                    ind.id
                ));
            }
        }
        Normalize::Rank => Scaling::rank(
            p.values
                .clone()
                .ok_or_else(|| format!("indicator `{}` is rank-normalized but has no `values`", ind.id))?,
        ),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::{self, Scored};
    use crate::input::{self, ReadOptions, Table};

    fn rubric(normalize: &str) -> Rubric {
        let text = format!(
            "[rubric]\nname = \"t\"\nid = \"id\"\nnormalize = \"{normalize}\"\n[[dimension]]\nid = \"d\"\n\
             [[indicator]]\nid = \"a\"\ndimension = \"d\"\n[[indicator]]\nid = \"b\"\ndimension = \"d\"\n\
             normalize = \"goalpost\"\ngoalposts = [0, 10]\n"
        );
        Rubric::parse("t.toml", &text, false).unwrap()
    }

    fn table(rubric: &Rubric, csv: &str) -> Table {
        input::from_bytes(
            &[("t.csv".into(), csv.as_bytes().to_vec())],
            rubric,
            &ReadOptions::default(),
        )
        .unwrap()
    }

    /// `--freeze` of a scored table, read back by `--params`.
    fn round_trip(r: &Rubric, t: &Table, s: &Scored) -> (String, Params) {
        let x = engine::pooled_values(r, &[t], &s.params.fill).unwrap();
        let frozen = to_toml(r, &s.params, &x, &[]);
        let back = parse("p.toml", &frozen, r).unwrap_or_else(|e| panic!("{e}\n{frozen}"));
        (frozen, back)
    }

    fn score_bits(s: &Scored) -> Vec<u64> {
        (0..s.len()).map(|u| s.score(u).unwrap_or(f64::NAN).to_bits()).collect()
    }

    /// Issue 12, item 1: 0.1, 0.1, 0.1 is frozen with sd = 0 (a plain sum
    /// wrote 5.8e-14, and next year's scores under `--params` were 10¹³), and
    /// reads back as the constant it is (z = 0).
    #[test]
    fn near_constant_zscore_column_freezes_as_constant() {
        let r = rubric("zscore");
        let t = table(&r, "id,a,b\nu1,0.1,1\nu2,0.1,5\nu3,0.1,9\n");
        let s = engine::score(&r, &t).unwrap();
        let (frozen, back) = round_trip(&r, &t, &s);
        assert!(
            frozen.contains("min = 0.1\nmax = 0.1\nmean = 0.1\nsd = 0.0\n"),
            "{frozen}"
        );
        assert_eq!(back.scaling[0], Scaling::Constant(0.0));
        assert!(!back.warnings.is_empty(), "--params warns of the constant column too");
    }

    /// A column without any value (under reweight) was frozen without
    /// min/max, and the file refused by `--params`; its weight-0 TOPSIS
    /// ideal, 0 × ∞ = NaN, was written as `NaN`, which TOML does not read.
    #[test]
    fn empty_column_round_trips() {
        for (normalize, method) in [("minmax", "weighted"), ("zscore", "weighted"), ("goalpost", "topsis")] {
            let text = format!(
                "[rubric]\nname = \"t\"\nid = \"id\"\nnormalize = \"{normalize}\"\nmissing = \"reweight\"\n\
                 method = \"{method}\"\n[[dimension]]\nid = \"d\"\n[[indicator]]\nid = \"a\"\ndimension = \"d\"\n\
                 goalposts = [0, 1]\n[[indicator]]\nid = \"b\"\ndimension = \"d\"\nweight = 0\ngoalposts = [0, 1]\n"
            );
            let r = Rubric::parse("t.toml", &text, false).unwrap();
            let t = table(&r, "id,a,b\nu1,0.2,\nu2,0.6,\n");
            let s = engine::score(&r, &t).unwrap();
            let (frozen, back) = round_trip(&r, &t, &s);
            assert!(frozen.contains("count = 0\n"), "{frozen}");
            let again = engine::apply(&r, &t, &back).unwrap();
            assert_eq!(score_bits(&s), score_bits(&again), "{normalize} {method}");
        }
    }

    /// Issue 12, item 6: a rank-normalized constant column (3, 3, 3: every
    /// unit z = 1) was frozen without `values`, and `--params` refused the
    /// file; it is written with them, and scores the same bits.
    #[test]
    fn constant_rank_column_round_trips() {
        let r = rubric("rank");
        let t = table(&r, "id,a,b\nu1,3,1\nu2,3,5\nu3,3,9\n");
        let s = engine::score(&r, &t).unwrap();
        let (frozen, back) = round_trip(&r, &t, &s);
        assert!(frozen.contains("values = [3.0, 3.0, 3.0]"), "{frozen}");
        let again = engine::apply(&r, &t, &back).unwrap();
        assert_eq!(score_bits(&s), score_bits(&again));
    }
}
