//! `linkscore explain DATA --unit ID`: why one unit is where it is.

use crate::cli::ExplainArgs;
use crate::engine;
use crate::error::Result;
use crate::explain::explain;
use crate::output::{self, Format};

pub fn run(args: &ExplainArgs) -> Result<()> {
    let format = super::choose_format(&args.output)?;
    let rubric = super::load_rubric(&args.rubric)?;
    let table = super::load_data(&args.data, &rubric, &args.read.options(), false)?;
    let scored = engine::score(&rubric, &table)?;
    let u = super::find_unit(&table, &rubric, &args.unit)?;
    let explanation = explain(&scored, u);
    let view = output::explain::ExplainView::new(&explanation);
    super::show(&view, format, &args.output, Vec::new())?;
    if format != Format::Table {
        super::warn_all(&scored.warnings);
    }
    Ok(())
}
