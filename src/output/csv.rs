//! CSV: the machine layout, numbers in their shortest lossless form. Rows
//! are formatted in parallel, a window at a time, and written in order.

use super::{Cell, Column, Sheet};
use rayon::prelude::*;
use std::io::Write;

/// Rows formatted per parallel task, and per window held in memory.
const TASK_ROWS: usize = 4096;
const WINDOW_ROWS: usize = 16 * TASK_ROWS;

/// Renders a sheet as CSV (UTF-8, no BOM, `\n` line ends).
pub fn render(sheet: &Sheet) -> Vec<u8> {
    let mut out = Vec::new();
    // Writing to a Vec cannot fail.
    let _ = write(&sheet.columns, sheet.rows.len(), |i| sheet.rows[i].clone(), &mut out);
    out
}

/// Writes rows `row(0) … row(len − 1)` under the columns' machine names.
pub fn write(
    columns: &[Column],
    len: usize,
    row: impl Fn(usize) -> Vec<Cell> + Sync,
    out: &mut dyn Write,
) -> std::io::Result<()> {
    let header: Vec<Cell> = columns.iter().map(|c| Cell::Text(c.key.clone())).collect();
    out.write_all(&format_rows(std::iter::once(header)))?;
    let mut start = 0;
    while start < len {
        let end = (start + WINDOW_ROWS).min(len);
        let parts: Vec<Vec<u8>> = (start..end)
            .step_by(TASK_ROWS)
            .collect::<Vec<_>>()
            .into_par_iter()
            .map(|from| format_rows((from..(from + TASK_ROWS).min(end)).map(&row)))
            .collect();
        for part in parts {
            out.write_all(&part)?;
        }
        start = end;
    }
    Ok(())
}

fn format_rows(rows: impl Iterator<Item = Vec<Cell>>) -> Vec<u8> {
    let mut writer = csv::WriterBuilder::new()
        .terminator(csv::Terminator::Any(b'\n'))
        .from_writer(Vec::with_capacity(TASK_ROWS * 128));
    let mut fields: Vec<Vec<u8>> = Vec::new();
    for row in rows {
        fields.resize_with(row.len(), Vec::new);
        for (field, cell) in fields.iter_mut().zip(&row) {
            field.clear();
            cell.machine_into(field);
        }
        // Writing to a Vec cannot fail.
        let _ = writer.write_record(&fields[..row.len()]);
    }
    writer.into_inner().unwrap_or_default()
}
