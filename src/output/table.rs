//! The terminal table: human headings, rounded numbers, CJK text aligned by
//! display width (comfy-table measures with unicode-width), ASCII rules so
//! that terminals which draw box characters double-width still line up.

use super::{Kind, Sheet};
use comfy_table::{CellAlignment, ContentArrangement, Table, presets};

/// Renders a sheet as an aligned text table (no trailing newline).
pub fn render(sheet: &Sheet) -> String {
    let mut table = Table::new();
    table
        .load_style(presets::ASCII_BORDERS_ONLY_CONDENSED)
        .set_content_arrangement(ContentArrangement::Disabled)
        .set_header(sheet.columns.iter().map(|c| c.title.clone()));
    for row in &sheet.rows {
        table.add_row(row.iter().zip(&sheet.columns).map(|(cell, c)| cell.human(c.kind)));
    }
    for (i, c) in sheet.columns.iter().enumerate() {
        if c.kind != Kind::Text
            && let Some(column) = table.column_mut(i)
        {
            column.set_cell_alignment(CellAlignment::Right);
        }
    }
    table.to_string()
}
