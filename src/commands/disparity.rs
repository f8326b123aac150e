//! `linkscore disparity PANEL...`: inequality per period, within and
//! between groups (SPEC "Disparity: `disparity`").

use crate::cli::DisparityArgs;
use crate::error::Result;
use crate::output::Format;
use crate::output::disparity::DisparityView;

pub fn run(all: &DisparityArgs) -> Result<()> {
    let args = &all.analysis;
    let format = super::choose_format(&args.output)?;
    let mut rubric = super::load_rubric(&args.rubric)?;
    if let Some(by) = &all.by {
        // The groups are read as the rubric's group column would be.
        rubric.group_column = Some(by.clone());
    }
    let measure = super::measure(&rubric, args.of.as_deref())?;
    let scale = super::panel_scale(&rubric, &args.panel, args.params.as_deref(), false)?;
    let mut options = args.read.options();
    options.skip_checksums = format != Format::Json;
    options.group_from_flag = all.by.is_some();
    let panel = super::load_panel(&args.panel, &rubric, &options, args.strict.strict)?;
    let scoring = crate::panel::score(&rubric, &panel, scale)?;
    let values = scoring.values(&panel, measure);
    let figures = crate::disparity::panel::panel(&values, rubric.group_column.is_some())?;
    let tables = panel.tables();
    let view = DisparityView::new(
        &figures,
        &rubric,
        &tables,
        measure.id(&rubric),
        rubric.group_column.as_deref(),
    );
    super::show(&view, format, &args.output, Vec::new())?;
    let mut warnings = scoring.warnings(&panel);
    warnings.extend(figures.warnings.iter().cloned());
    super::warn_all(&warnings);
    Ok(())
}
