//! `linkscore sensitivity`: how robust each rank is (SPEC "Robustness").

use crate::cli::SensitivityArgs;
use crate::engine;
use crate::error::Result;
use crate::output::{self, Format};
use crate::sensitivity;

pub fn run(args: &SensitivityArgs) -> Result<()> {
    let format = super::choose_format(&args.output)?;
    let rubric = super::load_rubric(&args.rubric)?;
    let runs = usize::try_from(args.runs).unwrap_or(usize::MAX);
    let settings = args.vary.settings(runs);
    sensitivity::check_settings(&rubric, &settings)?;
    let mut options = args.read.options();
    options.skip_checksums = format != Format::Json;
    let table = super::load_data(&args.data, &rubric, &options, false)?;
    let params = engine::fit(&rubric, &[&table])?;
    let scored = engine::apply(&rubric, &table, &params)?;
    let nominal = super::nominal_ranks(&scored);
    let bar = crate::progress::rescoring(runs);
    let robustness = sensitivity::analyse(&rubric, &table, &[&table], &params, nominal, &settings, &|| bar.inc(1))?;
    bar.finish_and_clear();
    let view = output::sensitivity::SensitivityView::new(&robustness, &scored, args.top, args.within);
    super::show(&view, format, &args.output, Vec::new())?;
    if format != Format::Table {
        super::warn_all(&scored.warnings);
    }
    Ok(())
}
