//! What an OpenDocument workbook expands to (SPEC "Command line": Bounded
//! resources): calamine expands every sheet of an .ods whole, repeats
//! included, when it opens the file, so its `content.xml` is read through
//! first to count the cells and text that would take, and refused past the
//! bounds.

use super::xml::{Refusal, attribute, count, tag_name};
use crate::error::echo;

/// Most cells the reader may hold for an OpenDocument workbook, whose every
/// sheet it expands in memory (about 100 bytes a cell, so under 1 GB): some
/// 190,000 villages × 40 columns. Larger tables are for .xlsx or CSV.
const MAX_ODS_CELLS: u64 = 8_000_000;
/// Most bytes of cell text the reader may hold for an OpenDocument workbook.
const MAX_ODS_TEXT_BYTES: u64 = 256 << 20;
/// The sheet size the reader caps an OpenDocument sheet at (Excel's).
const ODS_MAX_ROWS: u64 = 1 << 20;
const ODS_MAX_COLUMNS: u64 = 1 << 14;

/// What calamine would hold after reading an OpenDocument `content.xml`
/// (`read_table`, `read_row` and `get_range` in its ods.rs): every sheet's
/// cells from its first to its last non-empty row and column, each row and
/// cell repeated as declared, with empty cells and rows after the last
/// non-empty ones left out (LibreOffice declares a million of those).
#[derive(Default)]
pub(super) struct Ods {
    /// Cells and text bytes of the sheets already finished.
    cells: u64,
    text: u64,
    table: OdsTable,
    row: OdsRow,
    cell: Option<OdsCell>,
}

#[derive(Default)]
struct OdsTable {
    name: String,
    /// Rows so far, repeats included (capped as the reader caps them).
    rows: u64,
    /// Expanded rows from the first non-empty one to the end of the last.
    first: Option<u64>,
    end: u64,
    columns: Option<(u64, u64)>,
    /// Cells and text bytes the rows hold before expansion.
    cells: u64,
    text: u64,
}

#[derive(Default)]
struct OdsRow {
    number: u64,
    start: u64,
    repeats: u64,
    columns: u64,
    pending_empty: u64,
    filled: Option<(u64, u64)>,
    cells: u64,
    text: u64,
}

struct OdsCell {
    repeats: u64,
    filled: bool,
    /// Whether its text is read from its content (a string cell).
    content: bool,
    text: u64,
}

impl Ods {
    pub(super) fn markup(&mut self, markup: &[u8], text: u64) -> std::result::Result<(), Refusal> {
        if let Some(cell) = &mut self.cell
            && cell.content
        {
            cell.text = cell.text.saturating_add(text);
        }
        if markup.starts_with(b"<?") || markup.starts_with(b"<!") {
            return Ok(());
        }
        let (name, end) = tag_name(markup);
        let empty = markup.ends_with(b"/>");
        match (name, end) {
            (b"table:table", false) => {
                self.table = OdsTable {
                    name: attribute(markup, b"table:name")
                        .map(|n| String::from_utf8_lossy(n).into_owned())
                        .unwrap_or_default(),
                    ..OdsTable::default()
                };
            }
            (b"table:table", true) => self.end_table()?,
            (b"table:table-row", false) => {
                let repeats = count(markup, b"table:number-rows-repeated");
                let repeats = repeats.min(ODS_MAX_ROWS.saturating_sub(self.table.rows));
                self.row = OdsRow {
                    number: self.table.rows + 1,
                    start: self.table.rows,
                    repeats,
                    ..OdsRow::default()
                };
                self.table.rows += repeats;
                if empty {
                    self.end_row()?;
                }
            }
            (b"table:table-row", true) => self.end_row()?,
            (b"table:table-cell" | b"table:covered-table-cell", false) => {
                let has = |attr: &[u8]| attribute(markup, attr).is_some();
                let value = [
                    &b"office:value"[..],
                    b"office:string-value",
                    b"office:date-value",
                    b"office:time-value",
                    b"office:boolean-value",
                ]
                .iter()
                .any(|a| has(a));
                let formula = attribute(markup, b"table:formula");
                let string = attribute(markup, b"office:value-type") == Some(b"string");
                let error = attribute(markup, b"calcext:value-type") == Some(b"error");
                // Attribute values are held as text (a formula beside its value).
                let text = [b"office:string-value", &b"table:formula"[..]]
                    .iter()
                    .filter_map(|a| attribute(markup, a))
                    .map(|v| v.len() as u64)
                    .sum();
                self.cell = Some(OdsCell {
                    repeats: count(markup, b"table:number-columns-repeated"),
                    filled: value || string || error || formula.is_some(),
                    content: (!value && string) || error,
                    text,
                });
                if empty {
                    self.end_cell();
                }
            }
            (b"table:table-cell" | b"table:covered-table-cell", true) => self.end_cell(),
            (b"text:s", false) => {
                if let Some(cell) = &mut self.cell
                    && cell.content
                {
                    cell.text = cell.text.saturating_add(count(markup, b"text:c"));
                }
            }
            _ => {}
        }
        Ok(())
    }

    fn end_cell(&mut self) {
        let Some(cell) = self.cell.take() else { return };
        let row = &mut self.row;
        // Empty cells count only once a filled one follows them.
        let pending = row.pending_empty.min(ODS_MAX_COLUMNS.saturating_sub(row.columns));
        row.columns += pending;
        row.cells += pending;
        row.pending_empty = 0;
        let repeats = cell.repeats.min(ODS_MAX_COLUMNS.saturating_sub(row.columns));
        if !cell.filled {
            row.pending_empty = repeats;
            return;
        }
        if repeats > 0 {
            let (first, last) = (row.columns, row.columns + repeats - 1);
            row.filled = Some(row.filled.map_or((first, last), |(a, b)| (a.min(first), b.max(last))));
        }
        row.columns += repeats;
        row.cells += repeats;
        row.text = row.text.saturating_add(cell.text.saturating_mul(repeats));
    }

    fn end_row(&mut self) -> std::result::Result<(), Refusal> {
        self.cell = None;
        let row = std::mem::take(&mut self.row);
        let table = &mut self.table;
        // The reader also keeps a little for each row as written (its
        // repeats and where its cells start): count a row as a cell.
        table.cells = table.cells.saturating_add(row.cells).saturating_add(1);
        // Each repeat of a row is a copy of its cells.
        table.text = table
            .text
            .saturating_add(row.text.saturating_mul(row.repeats.saturating_add(1)));
        if let Some((a, b)) = row.filled {
            table.first.get_or_insert(row.start);
            table.end = row.start + row.repeats;
            table.columns = Some(table.columns.map_or((a, b), |(x, y)| (x.min(a), y.max(b))));
        }
        let (cells, text) = self.totals();
        if cells > MAX_ODS_CELLS || text > MAX_ODS_TEXT_BYTES {
            let what = if cells > MAX_ODS_CELLS {
                format!(
                    "{cells} cells once its repeated rows and columns (table:number-rows-repeated, table:number-columns-repeated) are expanded, more than the {MAX_ODS_CELLS} linkscore expands from an OpenDocument workbook"
                )
            } else {
                format!(
                    "{text} bytes of cell text once its repeated rows and cells are expanded, more than the {} MiB linkscore expands from an OpenDocument workbook",
                    MAX_ODS_TEXT_BYTES >> 20
                )
            };
            return Err(Refusal::Ods(format!(
                ": by row {} of sheet `{}` it holds {what}",
                row.number,
                echo(&self.table.name)
            )));
        }
        Ok(())
    }

    /// Cells and text the reader would hold with the current sheet expanded.
    fn totals(&self) -> (u64, u64) {
        let table = &self.table;
        let expanded = match (table.first, table.columns) {
            (Some(first), Some((a, b))) => (table.end - first).saturating_mul(b - a + 1),
            _ => 0,
        };
        (
            self.cells.saturating_add(table.cells).saturating_add(expanded),
            self.text.saturating_add(table.text),
        )
    }

    fn end_table(&mut self) -> std::result::Result<(), Refusal> {
        let (cells, text) = self.totals();
        (self.cells, self.text) = (cells, text);
        self.table = OdsTable::default();
        Ok(())
    }

    pub(super) fn finish(&mut self) -> std::result::Result<(), Refusal> {
        self.end_table()
    }
}
