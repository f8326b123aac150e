//! `linkscore diff OLD NEW`: year-over-year comparison (SPEC "Year over year").

use crate::cli::DiffArgs;
use crate::diff::Comparison;
use crate::engine::{self, Scores};
use crate::error::{Error, Result};
use crate::input::Table;
use crate::output::{self, Format};
use crate::pooling::{self, Scale};
use crate::rubric::Rubric;

pub fn run(args: &DiffArgs) -> Result<()> {
    let format = super::choose_format(&args.output)?;
    let rubric = super::load_rubric(&args.rubric)?;
    super::check_flags(&rubric, args.uncertainty, &args.vary)?;
    let mut options = args.read.options();
    options.skip_checksums = format != Format::Json;
    let names = (args.old.as_str(), args.new.as_str());
    let (scale, message) = pooling::year_scale(&rubric, names, args.params.params.as_deref(), args.no_pool);
    // Re-scorings and --freeze read the cells of the years they fit on;
    // nothing else reads a year's cells once it is scored, so they are
    // released then.
    let keep_cells = args.uncertainty.is_some() || args.params.freeze.is_some();
    let load = |path: &String| super::load_data(std::slice::from_ref(path), &rubric, &options, args.strict.strict);
    let mut old = load(&args.old)?;
    // On scales of their own, the old year is scored and its cells released
    // before the new year is read: a national comparison holds one year's
    // cells at a time.
    let old_alone = match scale {
        Scale::Own | Scale::Frozen(_) if !keep_cells => {
            let scores = score_alone(&rubric, &old, scale)?;
            old.release_cells();
            Some(scores)
        }
        _ => None,
    };
    let mut new = load(&args.new)?;
    if let Some(message) = &message {
        eprintln!("{message}");
    }
    let (old_scores, new_params) = match old_alone {
        Some(scores) => (scores, one(pooling::params_of(&rubric, &[&new], scale)?)?),
        None => {
            let mut params = pooling::params_of(&rubric, &[&old, &new], scale)?.into_iter();
            let (Some(old_params), Some(new_params)) = (params.next(), params.next()) else {
                return Err(internal());
            };
            let scores = engine::apply(&rubric, &old, &old_params)?.detach();
            if !keep_cells {
                old.release_cells();
            }
            (scores, new_params)
        }
    };
    let new_scores = engine::apply(&rubric, &new, &new_params)?.detach();
    if !keep_cells {
        new.release_cells();
    }
    let (old_scored, new_scored) = (old_scores.on(&rubric, &old), new_scores.on(&rubric, &new));
    let pool = scale.pool(&old, &new);
    let mut comparison = Comparison::new(&old_scored, &new_scored);
    let robustness = super::uncertainty(&new_scored, &pool, &new_params, args.uncertainty, &args.vary)?;
    comparison.uncertainty = robustness.map(|r| r.intervals);
    let frozen = super::freeze(&rubric, &pool, &new_params, &args.params)?;
    let runs = args.uncertainty.map(|runs| usize::try_from(runs).unwrap_or(usize::MAX));
    let view = output::diff::DiffView::new(&comparison, args.top, (&args.old, &args.new), runs);
    super::show(&view, format, &args.output, frozen)?;
    warn_years(args, &old_scored, &new_scored);
    Ok(())
}

/// A year scored on `scale` by itself (its own fit, or frozen parameters).
fn score_alone(rubric: &Rubric, table: &Table, scale: Scale<'_>) -> Result<Scores> {
    let params = one(pooling::params_of(rubric, &[table], scale)?)?;
    Ok(engine::apply(rubric, table, &params)?.detach())
}

/// The one set of parameters of a list that holds one.
fn one(params: Vec<engine::Params>) -> Result<engine::Params> {
    params.into_iter().next().ok_or_else(internal)
}

fn internal() -> Error {
    Error::data("internal error: no parameters for a year of the comparison")
}

/// Each year's warnings on stderr, named by its file.
fn warn_years(args: &DiffArgs, old: &engine::Scored, new: &engine::Scored) {
    let mut warnings: Vec<String> = old.warnings.iter().map(|w| format!("{}: {w}", args.old)).collect();
    warnings.extend(new.warnings.iter().map(|w| format!("{}: {w}", args.new)));
    super::warn_all(&warnings);
}
