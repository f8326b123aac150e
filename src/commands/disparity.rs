//! `linkscore disparity PANEL...`: inequality per period, within and
//! between groups (SPEC "Disparity: `disparity`").

use crate::cli::DisparityArgs;
use crate::error::Result;
use crate::output::disparity::DisparityView;

pub fn run(all: &DisparityArgs) -> Result<()> {
    let args = &all.analysis;
    let super::Analysis {
        format,
        rubric,
        measure,
        scale,
        options,
    } = super::analysis(args, all.by.as_deref())?;
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
