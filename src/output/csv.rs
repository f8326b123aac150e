//! CSV: the machine layout, numbers in their shortest lossless form.

use super::Sheet;

/// Renders a sheet as CSV (UTF-8, no BOM, `\n` line ends).
pub fn render(sheet: &Sheet) -> Vec<u8> {
    let mut writer = csv::WriterBuilder::new()
        .terminator(csv::Terminator::Any(b'\n'))
        .from_writer(Vec::new());
    // Writing to a Vec cannot fail; an error here would be a bug, and the
    // record is then simply left out rather than crashing a run.
    let _ = writer.write_record(sheet.columns.iter().map(|c| c.key.as_str()));
    for row in &sheet.rows {
        let _ = writer.write_record(row.iter().map(|c| c.machine()));
    }
    writer.into_inner().unwrap_or_default()
}
