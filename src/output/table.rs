//! The terminal table: human headings, rounded numbers, CJK text aligned by
//! display width (comfy-table measures with unicode-width), ASCII rules so
//! that terminals which draw box characters double-width still line up.

use super::{Kind, Sheet};
use crate::error::escape_controls;
use comfy_table::{CellAlignment, ContentArrangement, Table, presets};

/// Renders a sheet as an aligned text table (no trailing newline).
pub fn render(sheet: &Sheet) -> String {
    let mut table = Table::new();
    table
        .load_style(presets::ASCII_BORDERS_ONLY_CONDENSED)
        .set_content_arrangement(ContentArrangement::Disabled)
        .set_header(
            sheet
                .columns
                .iter()
                .map(|c| escape_controls(sheet.title(c)).into_owned()),
        );
    // Cells are the data's own text: a control character (ESC, a line
    // break) is shown escaped, so a cell can neither drive the terminal nor
    // break the table's rows.
    for row in &sheet.rows {
        table.add_row(
            row.iter()
                .zip(&sheet.columns)
                .map(|(cell, c)| escape_controls(&cell.human(c.kind)).into_owned()),
        );
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

#[cfg(test)]
mod tests {
    use super::super::{Cell, Column};
    use super::*;

    #[test]
    fn control_characters_in_cells_are_escaped() {
        let sheet = Sheet {
            lang: crate::lang::Lang::En,
            columns: vec![Column::new("label", "label\u{7}", Kind::Text)],
            rows: vec![vec![Cell::Text("a\u{1b}[31mred\nx".into())]],
        };
        let shown = render(&sheet);
        assert!(!shown.chars().any(|c| c.is_control() && c != '\n'), "{shown:?}");
        assert!(shown.contains("a\\u{1b}[31mred\\u{a}x"), "{shown}");
        assert!(shown.contains("label\\u{7}"), "{shown}");
    }
}
