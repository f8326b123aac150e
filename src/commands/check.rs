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
    if !args.data.is_empty() {
        let table = super::load_data(&args.data, &rubric, &args.read.options(), args.strict.strict)?;
        // Scoring catches what only the whole table shows (transform
        // domains, missing cells under `missing = "error"`, constant columns).
        let scored = engine::score(&rubric, &table)?;
        let files: Vec<&str> = table.files.iter().map(|f| f.path.as_str()).collect();
        // Everything an office should look at before submitting: rows left
        // out, the header row found, implausible cells, treated outliers,
        // constant columns. The count of missing cells is on the data line.
        let items: Vec<&String> = scored
            .warnings
            .iter()
            .filter(|w| Some(*w) != scored.missing.summary.as_ref())
            .collect();
        let data = format!(
            "{}: {} units, {} missing cell(s) (missing = \"{}\")",
            files.join(", "),
            table.len(),
            scored.missing.cells,
            rubric.missing.as_str()
        );
        if items.is_empty() {
            report.push_str(&format!("ok: {data}\n"));
        } else {
            report.push_str(&format!("check: {data}; {} thing(s) to look at:\n", items.len()));
            for item in items {
                report.push_str(&format!("  - {item}\n"));
            }
        }
    }
    super::emit(report.as_bytes(), None)
}
