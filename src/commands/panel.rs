//! `linkscore panel PANEL...`: several periods on one pooled scale (SPEC
//! "Panels: several periods at once").

use crate::cli::PanelArgs;
use crate::error::Result;
use crate::output::Format;
use crate::output::panel::{PanelView, ScaleName};
use crate::pooling::Scale;

pub fn run(args: &PanelArgs) -> Result<()> {
    let format = super::choose_format(&args.output)?;
    let rubric = super::load_rubric(&args.rubric)?;
    let scale = super::panel_scale(
        &rubric,
        &args.panel,
        args.params.params.as_deref(),
        args.params.freeze.is_some(),
    )?;
    let mut options = args.read.options();
    options.skip_checksums = format != Format::Json;
    let panel = super::load_panel(&args.panel, &rubric, &options, args.strict.strict)?;
    let scoring = crate::panel::score(&rubric, &panel, scale)?;
    let frozen = match scoring.scales.of(0) {
        Some(params) => super::freeze(&rubric, &panel.tables(), params, &args.params)?,
        None => Vec::new(),
    };
    let detail = args.detail.detail();
    let name = match scale {
        Scale::Pooled => ScaleName::Pooled,
        Scale::Own => ScaleName::PerPeriod,
        Scale::Frozen(_) => ScaleName::Frozen,
    };
    let warnings = scoring.warnings(&panel);
    let view = PanelView::new(&rubric, panel.labels(), &scoring, detail, name, warnings.clone());
    super::show(&view, format, &args.output, frozen)?;
    if format != Format::Table {
        super::warn_all(&warnings);
    }
    Ok(())
}
