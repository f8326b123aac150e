//! `linkscore score`: rank the units of one or more data files.

use crate::cli::ScoreArgs;
use crate::engine;
use crate::error::Result;
use crate::output::{self, Format};

pub fn run(args: &ScoreArgs) -> Result<()> {
    let format = super::choose_format(&args.output)?;
    let rubric = super::load_rubric(&args.rubric)?;
    let mut options = args.read.options();
    options.skip_checksums = format != Format::Json;
    let table = super::load_data(&args.data, &rubric, &options, args.strict.strict)?;
    let params = super::fit_or_load(&rubric, &[&table], &args.params)?;
    let scored = engine::apply(&rubric, &table, &params)?;
    let detail = args.detail.detail();
    let frozen = super::freeze(&rubric, &[&table], &params, &args.params)?;
    let view = output::RankingView::new(&scored, detail, args.top);
    super::show(&view, format, &args.output, frozen)?;
    if format != Format::Table {
        super::warn_all(&scored.warnings);
    }
    Ok(())
}
