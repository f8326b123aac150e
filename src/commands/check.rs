//! `linkscore check`: validate a rubric, and data against it.

use crate::cli::CheckArgs;
use crate::engine;
use crate::error::Result;

pub fn run(args: &CheckArgs) -> Result<()> {
    let rubric = super::load_rubric(&args.rubric)?;
    let mut report = format!(
        "ok: {}: rubric \"{}\"{} with {} dimensions, {} linkages, {} indicators\n",
        rubric.source.path,
        rubric.name,
        if rubric.version.is_empty() {
            String::new()
        } else {
            format!(" version {}", rubric.version)
        },
        rubric.dimensions.len(),
        rubric.linkages.len(),
        rubric.indicators.len()
    );
    let panel = !args.data.is_empty()
        && (args.period.is_some()
            || rubric.period_column.is_some()
            || args.data.iter().any(|a| crate::panel::Source::split(a).0.is_some()));
    if panel {
        // A panel is checked as `panel` scores it: every period on one scale.
        let panel = crate::panel::load(
            &args.data,
            &rubric,
            &args.read.options(),
            args.period.as_deref(),
            args.strict.strict,
        )?;
        let scoring = crate::panel::score(&rubric, &panel, crate::pooling::Scale::Pooled)?;
        for (k, (period, scored)) in panel.periods.iter().zip(&scoring.periods).enumerate() {
            let mut warnings = scored.warnings.clone();
            if k == 0 {
                warnings.splice(0..0, panel.notes.iter().cloned());
            }
            let files: Vec<&str> = period.table.files.iter().map(|f| f.path.as_str()).collect();
            let name = format!("{} (period {})", files.join(", "), period.label);
            report.push_str(&data_report(&rubric, scored, &warnings, &name));
        }
    } else if !args.data.is_empty() {
        let table = super::load_data(&args.data, &rubric, &args.read.options(), args.strict.strict)?;
        // Scoring catches what only the whole table shows (transform
        // domains, missing cells under `missing = "error"`, constant columns).
        let scored = engine::score(&rubric, &table)?;
        let files: Vec<&str> = table.files.iter().map(|f| f.path.as_str()).collect();
        report.push_str(&data_report(&rubric, &scored, &scored.warnings, &files.join(", ")));
    }
    super::emit(report.as_bytes(), None)
}

/// The data's line of the report: "ok" when there is nothing to look at,
/// else every item an office should look at before submitting (rows left
/// out, the header row found, implausible cells, treated outliers,
/// constant columns). The count of missing cells is on the data line.
fn data_report(rubric: &crate::rubric::Rubric, scored: &engine::Scored, warnings: &[String], name: &str) -> String {
    let items: Vec<&String> = warnings
        .iter()
        .filter(|w| Some(*w) != scored.missing.summary.as_ref())
        .collect();
    let data = format!(
        "{name}: {} units, {} missing cell(s) (missing = \"{}\")",
        scored.table.len(),
        scored.missing.cells,
        rubric.missing.as_str()
    );
    if items.is_empty() {
        return format!("ok: {data}\n");
    }
    let mut out = format!("check: {data}; {} thing(s) to look at:\n", items.len());
    for item in items {
        out.push_str(&format!("  - {item}\n"));
    }
    out
}
