//! `linkscore dynamics PANEL...`: how the distribution moves over the
//! periods (SPEC "Dynamics: `dynamics`").

use crate::cli::{DynamicsArgs, PartArg};
use crate::dynamics::{Part, Settings};
use crate::error::{Error, Result};
use crate::output::Format;
use crate::output::dynamics::DynamicsView;

pub fn run(all: &DynamicsArgs) -> Result<()> {
    let args = &all.analysis;
    let super::Analysis {
        format,
        rubric,
        measure,
        scale,
        options,
    } = super::analysis(args, all.by.as_deref())?;
    let shown = all.part.map_or(Part::Sigma, PartArg::part);
    // The table, JSON and workbooks show every part; the others the one asked for.
    let parts: Vec<Part> = match format {
        Format::Table | Format::Json | Format::Xlsx => Part::ALL.to_vec(),
        Format::Csv | Format::Jsonl | Format::Markdown => vec![shown],
    };
    let settings = settings(all)?;
    let panel = super::load_panel(&args.panel, &rubric, &options, args.strict.strict)?;
    let scoring = crate::panel::score(&rubric, &panel, scale)?;
    let values = scoring.values(&panel, measure);
    let dynamics = crate::dynamics::analyse(&values, &parts, &settings)?;
    let tables = panel.tables();
    let by = all.by.as_deref();
    let view = DynamicsView::new(&dynamics, shown, &rubric, &tables, measure.id(&rubric), by);
    super::show(&view, format, &args.output, Vec::new())?;
    let mut warnings = scoring.warnings(&panel);
    warnings.extend(dynamics.warnings.iter().cloned());
    super::warn_all(&warnings);
    Ok(())
}

/// The settings of the parts, from the flags: `--cuts` strictly increasing
/// and finite (a usage error otherwise, before any data is read).
fn settings(args: &DynamicsArgs) -> Result<Settings> {
    if let Some(bad) = args.cuts.iter().find(|c| !c.is_finite()) {
        return Err(Error::usage(format!("--cuts: {bad} is not a number a score can take")));
    }
    if args.cuts.windows(2).any(|w| matches!(w, [a, b] if a >= b)) {
        return Err(Error::usage("--cuts must be strictly increasing").help("for example --cuts 60,70,80"));
    }
    Ok(Settings {
        points: usize::try_from(args.points).unwrap_or(usize::MAX),
        classes: usize::try_from(args.classes).unwrap_or(usize::MAX),
        cuts: args.cuts.clone(),
        by_group: args.by.is_some(),
    })
}
