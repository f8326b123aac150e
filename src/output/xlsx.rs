//! Excel workbooks: each sheet a [`Sheet`] with its machine column names as
//! the header row (frozen), numbers as numbers and text as text.

use super::{Cell, Sheet};
use crate::error::{Error, Result};
use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, Workbook, Worksheet, XlsxError};
use unicode_width::UnicodeWidthStr;

fn xlsx_error(e: &XlsxError) -> Error {
    Error::file(format!("cannot build the Excel workbook: {e}"))
}

/// Writes `sheet` into `ws` from row 0: a bold, frozen header row, then the rows.
pub fn fill(ws: &mut Worksheet, sheet: &Sheet, header: &[String]) -> std::result::Result<(), XlsxError> {
    let bold = Format::new().set_bold();
    let mut widths: Vec<usize> = header.iter().map(|h| h.width()).collect();
    for (c, title) in header.iter().enumerate() {
        ws.write_string_with_format(0, c as u16, title, &bold)?;
    }
    for (r, row) in sheet.rows.iter().enumerate() {
        let r = r as u32 + 1;
        for (c, cell) in row.iter().enumerate() {
            let col = c as u16;
            match cell {
                Cell::Empty => {}
                Cell::Num(x) => {
                    ws.write_number(r, col, *x)?;
                }
                Cell::Int(i) => {
                    ws.write_number(r, col, *i as f64)?;
                }
                Cell::Signed(i) => {
                    ws.write_number(r, col, *i as f64)?;
                }
                Cell::Text(t) => {
                    ws.write_string(r, col, t)?;
                    if let Some(w) = widths.get_mut(c) {
                        *w = (*w).max(t.width());
                    }
                }
            }
        }
    }
    for (c, w) in widths.iter().enumerate() {
        ws.set_column_width(c as u16, (*w).clamp(8, 50) as f64 + 2.0)?;
    }
    ws.set_freeze_panes(1, 0)?;
    Ok(())
}

/// A workbook of named sheets, each headed by its machine column names.
/// The file is the same bytes for the same content (no "created now" stamp).
pub fn workbook(sheets: &[(&str, &Sheet)]) -> Result<Vec<u8>> {
    let build = || -> std::result::Result<Vec<u8>, XlsxError> {
        let mut book = Workbook::new();
        let fixed = ExcelDateTime::from_ymd(2000, 1, 1)?;
        book.set_properties(&DocProperties::new().set_creation_datetime(&fixed));
        for (name, sheet) in sheets {
            let ws = book.add_worksheet();
            ws.set_name(*name)?;
            let header: Vec<String> = sheet.columns.iter().map(|c| c.key.clone()).collect();
            fill(ws, sheet, &header)?;
        }
        book.save_to_buffer()
    };
    build().map_err(|e| xlsx_error(&e))
}
