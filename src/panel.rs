//! Panels (SPEC "Panels: several periods at once"): several periods of the
//! same units, given as `LABEL=PATH` arguments (or plain paths, labelled by
//! their file names) or as one long table with a period column, read into
//! one table per period in the SPEC's order; and the per-period summary of
//! a scored panel that the table format and the report show.

use crate::engine::Scored;
use crate::error::{Error, Result, echo};
use crate::input::{ReadOptions, Table};
use crate::rubric::Rubric;

#[cfg(test)]
mod tests;

/// One data argument of a panel command: a period's label and its file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Source {
    pub label: String,
    pub path: String,
    /// Whether the label was written (`2021=x.csv`), not taken from the file name.
    pub labelled: bool,
}

impl Source {
    /// `LABEL=PATH` when the text before the first `=` is not empty and
    /// holds no `/`; otherwise the whole argument is a path, labelled by its
    /// file name without folder and extension (`-` is standard input).
    pub fn parse(arg: &str) -> Source {
        if let (Some(label), path) = Source::split(arg) {
            return Source {
                label: label.to_string(),
                path: path.to_string(),
                labelled: true,
            };
        }
        let label = if arg == "-" {
            "stdin".to_string()
        } else {
            std::path::Path::new(arg)
                .file_stem()
                .map_or_else(|| arg.to_string(), |s| s.to_string_lossy().into_owned())
        };
        Source {
            label,
            path: arg.to_string(),
            labelled: false,
        }
    }
}

impl Source {
    /// An argument's written label, if any, and its path.
    pub fn split(arg: &str) -> (Option<&str>, &str) {
        match arg.split_once('=') {
            Some((label, path)) if !label.is_empty() && !label.contains('/') => (Some(label), path),
            _ => (None, arg),
        }
    }
}

/// One period: its label and its units.
#[derive(Debug)]
pub struct Period {
    pub label: String,
    pub table: Table,
}

/// The periods of a panel, in the SPEC's order, and what reading them
/// noticed (rows left out, implausible cells), for the run's warnings.
#[derive(Debug)]
pub struct Panel {
    pub periods: Vec<Period>,
    pub notes: Vec<String>,
    /// The period column of a long table, when the panel was one.
    pub period_column: Option<String>,
}

impl Panel {
    pub fn tables(&self) -> Vec<&Table> {
        self.periods.iter().map(|p| &p.table).collect()
    }

    pub fn labels(&self) -> Vec<&str> {
        self.periods.iter().map(|p| p.label.as_str()).collect()
    }

    /// Unit-periods in all periods.
    pub fn len(&self) -> usize {
        self.periods.iter().map(|p| p.table.len()).sum()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// Reads a panel: one long table when a period column is named (`period`,
/// else the rubric's `period` unless an argument carries a label), else
/// one period per argument. Cells are judged for plausibility as `score`
/// judges them (`strict` refuses flagged cells). Every error names its
/// period.
pub fn load(
    args: &[String],
    rubric: &Rubric,
    options: &ReadOptions,
    period: Option<&str>,
    strict: bool,
) -> Result<Panel> {
    let sources: Vec<Source> = args.iter().map(|a| Source::parse(a)).collect();
    let labelled = sources.iter().any(|s| s.labelled);
    if let (Some(column), true) = (period, labelled) {
        return Err(Error::usage(format!(
            "--period {} reads one long table, but the data arguments are labelled (LABEL=PATH)",
            echo(column)
        ))
        .help("give either one long table with --period, or one file per period as LABEL=PATH"));
    }
    let column = period.or(rubric.period_column.as_deref().filter(|_| !labelled));
    match column {
        Some(column) => long_table(args, rubric, options, column, strict),
        None => by_file(&sources, rubric, options, strict),
    }
}

/// One period per argument, ordered as the SPEC says.
fn by_file(sources: &[Source], rubric: &Rubric, options: &ReadOptions, strict: bool) -> Result<Panel> {
    if let Some(twice) = sources
        .iter()
        .enumerate()
        .find_map(|(k, s)| sources.iter().take(k).find(|t| t.label == s.label))
    {
        return Err(
            Error::usage(format!("two data arguments are labelled `{}`", echo(&twice.label)))
                .help("label each period once, e.g. 2023=villages-2023.csv 2024=villages-2024.csv"),
        );
    }
    let mut periods = Vec::with_capacity(sources.len());
    let mut notes = Vec::new();
    for source in sources {
        let mut table = crate::input::load(std::slice::from_ref(&source.path), rubric, options)
            .map_err(|e| e.in_period(&source.label))?;
        // Errors met later (a transform's domain, when the pooled scale is
        // fitted on every period at once) then name the period too.
        table.set_period(&source.label);
        crate::plausibility::judge(rubric, &mut table, strict).map_err(|e| e.in_period(&source.label))?;
        notes.append(&mut table.notes);
        periods.push(Period {
            label: source.label.clone(),
            table,
        });
    }
    order(&mut periods);
    Ok(Panel {
        periods,
        notes,
        period_column: None,
    })
}

/// One long table with a period column, cut into its periods.
fn long_table(args: &[String], rubric: &Rubric, options: &ReadOptions, column: &str, strict: bool) -> Result<Panel> {
    let options = ReadOptions {
        period: Some(column.to_string()),
        ..options.clone()
    };
    let mut table = crate::input::load(args, rubric, &options)?;
    crate::plausibility::judge(rubric, &mut table, strict)?;
    let notes = std::mem::take(&mut table.notes);
    let mut periods: Vec<Period> = table
        .split_periods()
        .into_iter()
        .map(|(label, table)| Period { label, table })
        .collect();
    order(&mut periods);
    Ok(Panel {
        periods,
        notes,
        period_column: Some(column.to_string()),
    })
}

/// Periods as numbers when every label is a decimal number (`2021`,
/// `2021.5`; not `2021年`), else as given (stable).
fn order(periods: &mut Vec<Period>) {
    let Some(numbers) = periods.iter().map(|p| decimal(&p.label)).collect::<Option<Vec<f64>>>() else {
        return;
    };
    let mut keyed: Vec<(f64, Period)> = numbers.into_iter().zip(periods.drain(..)).collect();
    keyed.sort_by(|a, b| a.0.total_cmp(&b.0));
    periods.extend(keyed.into_iter().map(|(_, p)| p));
}

/// A label written as a decimal number: digits, at most one point between
/// digits, an optional leading minus.
fn decimal(label: &str) -> Option<f64> {
    let body = label.strip_prefix('-').unwrap_or(label);
    let (int, frac) = body.split_once('.').unwrap_or((body, "0"));
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    (digits(int) && digits(frac)).then(|| label.parse().ok()).flatten()
}

/// One period of a scored panel in figures: units, the score's mean,
/// median, min and max, and each dimension's mean (on 0..scale; `None`
/// where no unit has a value).
#[derive(Debug, Clone, PartialEq)]
pub struct Summary {
    pub label: String,
    pub units: usize,
    /// Units with a score.
    pub scored: usize,
    pub mean: Option<f64>,
    pub median: Option<f64>,
    pub min: Option<f64>,
    pub max: Option<f64>,
    pub dimensions: Vec<Option<f64>>,
}

/// The per-period summary of a scored panel (SPEC "Panels": the table format).
pub fn summary(label: &str, scored: &Scored) -> Summary {
    let scale = scored.rubric.scale;
    let scores: Vec<f64> = (0..scored.len())
        .filter_map(|u| scored.score(u))
        .map(|s| s * scale)
        .collect();
    let dimensions = (0..scored.rubric.dimensions.len())
        .map(|d| {
            let values: Vec<f64> = (0..scored.len())
                .filter_map(|u| scored.dimension(u, d))
                .map(|v| v * scale)
                .collect();
            (!values.is_empty()).then(|| crate::stats::mean(&values))
        })
        .collect();
    let mut sorted = scores.clone();
    crate::stats::sort_total(&mut sorted);
    let median = (!sorted.is_empty()).then(|| crate::stats::median(&mut sorted));
    Summary {
        label: label.to_string(),
        units: scored.len(),
        scored: scores.len(),
        mean: (!scores.is_empty()).then(|| crate::stats::mean(&scores)),
        median,
        min: sorted.first().copied(),
        max: sorted.last().copied(),
        dimensions,
    }
}

/// [`summary`] of every period, labelled in order (the periods in
/// parallel: each sorts a million scores).
pub fn summaries(labels: &[&str], scoring: &Scoring) -> Vec<Summary> {
    use rayon::prelude::*;
    labels
        .par_iter()
        .zip(&scoring.periods)
        .map(|(label, scored)| summary(label, scored))
        .collect()
}

/// A panel scored on one scale: each period's scored table, in order.
pub struct Scoring<'a> {
    pub periods: Vec<Scored<'a>>,
    pub scales: crate::pooling::PanelScales,
}

/// Scores every period of `panel` on `scale` (SPEC "Panels": pooled
/// statistics, weights and ideal; or each period alone; or frozen ones).
pub fn score<'a>(rubric: &'a Rubric, panel: &'a Panel, scale: crate::pooling::Scale<'_>) -> Result<Scoring<'a>> {
    let tables = panel.tables();
    let scales = crate::pooling::panel_scales(rubric, &tables, scale)?;
    let periods = panel
        .periods
        .iter()
        .enumerate()
        .map(|(p, period)| {
            let params = scales
                .of(p)
                .ok_or_else(|| Error::data("internal error: a period without parameters"))?;
            crate::engine::apply(rubric, &period.table, params).map_err(|e| e.in_period(&period.label))
        })
        .collect::<Result<Vec<_>>>()?;
    Ok(Scoring { periods, scales })
}

impl Scoring<'_> {
    /// The run's warnings, each once: a period's own prefixed by its label,
    /// those every period shares (the scale's) once, unprefixed.
    pub fn warnings(&self, panel: &Panel) -> Vec<String> {
        let mut out = panel.notes.clone();
        let shared: &[String] = match (self.scales.is_shared(), self.periods.first()) {
            (true, Some(first)) => &first.params.warnings,
            _ => &[],
        };
        out.extend(shared.iter().cloned());
        for (scored, period) in self.periods.iter().zip(&panel.periods) {
            out.extend(
                scored
                    .warnings
                    .iter()
                    .filter(|w| !shared.contains(w))
                    .map(|w| format!("{}: {w}", period.label)),
            );
        }
        out
    }
}

/// One period's units as an analysis of the panel takes them (disparity,
/// dynamics, spatial).
#[derive(Debug, Clone, PartialEq)]
pub struct PeriodValues<'a> {
    pub label: &'a str,
    /// Per unit: its id (named in warnings, and linking a unit across
    /// periods), its group's name (`None` when there are no groups, or the
    /// unit has none) and its value (`None`: no value, left out).
    pub units: Vec<(&'a str, Option<&'a str>, Option<f64>)>,
}

/// What an analysis of a panel measures (SPEC "Panels"): the overall
/// score, or one dimension's values (its index), on 0..scale.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Measure {
    Score,
    Dimension(usize),
}

impl Measure {
    /// Unit `u`'s value in `scored`, on 0..scale.
    pub fn value(self, scored: &Scored, u: usize) -> Option<f64> {
        let v = match self {
            Measure::Score => scored.score(u),
            Measure::Dimension(d) => scored.dimension(u, d),
        };
        v.map(|v| v * scored.rubric.scale)
    }

    /// The measure's id in outputs: `score`, or the dimension's id.
    pub fn id(self, rubric: &Rubric) -> &str {
        match self {
            Measure::Score => "score",
            Measure::Dimension(d) => rubric.dimensions.get(d).map_or("score", |d| d.id.as_str()),
        }
    }
}

impl<'a> Scoring<'a> {
    /// Each period's units as the analyses take them: id, group and the
    /// value of `measure`.
    pub fn values(&'a self, panel: &'a Panel, measure: Measure) -> Vec<PeriodValues<'a>> {
        self.periods
            .iter()
            .zip(&panel.periods)
            .map(|(scored, period)| period_values(&period.label, scored, measure))
            .collect()
    }
}

/// One scored table's units as the analyses take them (a unit with an
/// empty group cell has no group).
pub fn period_values<'a>(label: &'a str, scored: &'a Scored<'a>, measure: Measure) -> PeriodValues<'a> {
    PeriodValues {
        label,
        units: (0..scored.len())
            .map(|u| {
                let group = scored.table.group(u).filter(|g| !g.is_empty());
                (scored.table.id(u), group, measure.value(scored, u))
            })
            .collect(),
    }
}
