//! `linkscore diff OLD NEW`: year-over-year comparison (SPEC "Year over year").

use crate::cli::DiffArgs;
use crate::diff::Comparison;
use crate::error::Result;
use crate::output::{self, Format};
use crate::{engine, pooling};

pub fn run(args: &DiffArgs) -> Result<()> {
    let format = super::choose_format(&args.output)?;
    let rubric = super::load_rubric(&args.rubric)?;
    super::check_flags(&rubric, args.uncertainty, &args.vary)?;
    let mut options = args.read.options();
    options.skip_checksums = format != Format::Json;
    let old = super::load_data(std::slice::from_ref(&args.old), &rubric, &options, args.strict.strict)?;
    let new = super::load_data(std::slice::from_ref(&args.new), &rubric, &options, args.strict.strict)?;
    let scales = pooling::year_scales(
        &rubric,
        (&old, &args.old),
        (&new, &args.new),
        args.params.params.as_deref(),
        args.no_pool,
    )?;
    if let Some(message) = &scales.message {
        eprintln!("{message}");
    }
    let old_scored = engine::apply(&rubric, &old, &scales.old)?;
    let new_scored = engine::apply(&rubric, &new, &scales.new)?;
    let mut comparison = Comparison::new(&old_scored, &new_scored);
    let robustness = super::uncertainty(&new_scored, &scales.pool, &scales.new, args.uncertainty, &args.vary)?;
    comparison.uncertainty = robustness.map(|r| r.intervals);
    let frozen = super::freeze(&rubric, &scales.pool, &scales.new, &args.params)?;
    let runs = args.uncertainty.map(|runs| usize::try_from(runs).unwrap_or(usize::MAX));
    let view = output::diff::DiffView::new(&comparison, args.top, (&args.old, &args.new), runs);
    super::show(&view, format, &args.output, frozen)?;
    warn_years(args, &old_scored, &new_scored);
    Ok(())
}

/// Each year's warnings on stderr, named by its file.
fn warn_years(args: &DiffArgs, old: &engine::Scored, new: &engine::Scored) {
    let mut warnings: Vec<String> = old.warnings.iter().map(|w| format!("{}: {w}", args.old)).collect();
    warnings.extend(new.warnings.iter().map(|w| format!("{}: {w}", args.new)));
    super::warn_all(&warnings);
}
