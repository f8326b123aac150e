//! `linkscore check`: validate a rubric, and data against it.

use crate::cli::CheckArgs;
use crate::error::Result;
use crate::{engine, input};

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
        let table = input::load(&args.data, &rubric, &args.read.options())?;
        // Scoring catches what only the whole table shows (transform
        // domains, missing cells under `missing = "error"`, constant columns).
        let scored = engine::score(&rubric, &table)?;
        let files: Vec<&str> = table.files.iter().map(|f| f.path.as_str()).collect();
        report.push_str(&format!(
            "ok: {}: {} units, {} missing cell(s) (missing = \"{}\")\n",
            files.join(", "),
            table.len(),
            scored.missing.cells,
            rubric.missing.as_str()
        ));
        super::warn_all(&scored.warnings);
    }
    super::emit(report.as_bytes(), None)
}
