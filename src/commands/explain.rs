//! `linkscore explain DATA --unit ID`: why one unit is where it is.

use crate::cli::ExplainArgs;
use crate::engine;
use crate::error::{Error, Result, closest_n};
use crate::explain::explain;
use crate::output::{self, Format};

pub fn run(args: &ExplainArgs) -> Result<()> {
    let format = super::choose_format(&args.output)?;
    let rubric = super::load_rubric(&args.rubric)?;
    let table = super::load_data(&args.data, &rubric, &args.read.options(), false)?;
    let scored = engine::score(&rubric, &table)?;
    let wanted = args.unit.trim();
    let u = (0..table.len()).position(|u| table.id(u) == wanted).ok_or_else(|| {
        let close = closest_n(wanted, (0..table.len()).map(|u| table.id(u)), 3);
        let help = if close.is_empty() {
            format!(
                "the ids are in column `{}`; `linkscore score` lists them",
                rubric.id_column
            )
        } else {
            format!(
                "did you mean {}?",
                close.iter().map(|c| format!("`{c}`")).collect::<Vec<_>>().join(", ")
            )
        };
        Error::data(format!("no unit with id `{wanted}` in the data")).help(help)
    })?;
    let explanation = explain(&scored, u);
    let view = output::explain::ExplainView::new(&explanation);
    super::show(&view, format, &args.output, Vec::new())?;
    if format != Format::Table {
        super::warn_all(&scored.warnings);
    }
    Ok(())
}
