//! Excel workbooks for people: each sheet a [`Sheet`] under a bold, frozen
//! header row (the titles in the rubric's language, or the machine ids with
//! `--headers ids`), numbers as numbers in the format their [`Kind`] reads
//! in (scores with two decimals, shares as percentages, ranks as integers),
//! text as text, columns as wide as their longest cell (CJK counted double),
//! and a last sheet, `columns`, that maps every title to its machine id.

use super::{Cell, Column, Headers, Kind, Sheet};
use crate::error::{Error, Result};
use crate::lang::{Lang, Words};
use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, Workbook, Worksheet, XlsxError};
use unicode_width::UnicodeWidthStr;

/// The name of the sheet that maps titles to machine ids.
pub const COLUMNS_SHEET: &str = "columns";

/// Excel's number format for a number of `kind`; `None` is General (a raw
/// value as the data gave it).
pub fn number_format(kind: Kind) -> Option<&'static str> {
    match kind {
        Kind::Score => Some("0.00"),
        Kind::Share => Some("0.0%"),
        Kind::Index => Some("0.000"),
        // Already in percent (12.5 means 12.5%): the value is kept as the
        // CSV has it, the sign is only shown.
        Kind::Percent => Some("0.00\"%\""),
        Kind::Change => Some("+0.00;-0.00;0.00"),
        Kind::Int => Some("0"),
        Kind::Raw | Kind::Text => None,
    }
}

/// Excel's number format for a whole count: a rank, a count ("0"), or a
/// signed one such as a rank change ("+0").
const COUNT: &str = "0";
const SIGNED_COUNT: &str = "+0;-0;0";

/// The widest number General shows before it rounds (Excel's 11 characters).
const GENERAL_WIDTH: usize = 11;

/// The formats of one sheet, made once: one per column kind, and the counts'.
struct Formats {
    header: Format,
    by_column: Vec<Option<Format>>,
    count: Format,
    signed: Format,
}

impl Formats {
    fn new(columns: &[Column]) -> Formats {
        Formats {
            header: Format::new().set_bold(),
            by_column: columns
                .iter()
                .map(|c| number_format(c.kind).map(|f| Format::new().set_num_format(f)))
                .collect(),
            count: Format::new().set_num_format(COUNT),
            signed: Format::new().set_num_format(SIGNED_COUNT),
        }
    }
}

/// How wide `cell` reads in a column of `kind`, in character cells (a CJK
/// character counts two).
fn cell_width(cell: &Cell, kind: Kind) -> usize {
    match cell {
        Cell::Empty => 0,
        Cell::Text(t) => t.width(),
        Cell::Num(_) if number_format(kind).is_none() => cell.human(kind).width().min(GENERAL_WIDTH),
        _ => cell.human(kind).width(),
    }
}

/// Writes one cell of a column of `kind` at (`r`, `c`).
fn write_cell(
    ws: &mut Worksheet,
    (r, c): (u32, u16),
    cell: &Cell,
    column_format: Option<&Format>,
    formats: &Formats,
) -> std::result::Result<(), XlsxError> {
    match cell {
        Cell::Empty => {}
        Cell::Num(x) => match column_format {
            Some(f) => {
                ws.write_number_with_format(r, c, *x, f)?;
            }
            None => {
                ws.write_number(r, c, *x)?;
            }
        },
        Cell::Int(i) => {
            ws.write_number_with_format(r, c, *i as f64, &formats.count)?;
        }
        Cell::Signed(i) => {
            ws.write_number_with_format(r, c, *i as f64, &formats.signed)?;
        }
        Cell::Text(t) => {
            ws.write_string(r, c, t)?;
        }
    }
    Ok(())
}

/// Writes `sheet` into `ws` from row 0: a bold, frozen `header` row, then
/// the rows, each number in its column's format, each column as wide as it
/// reads.
pub fn fill(ws: &mut Worksheet, sheet: &Sheet, header: &[String]) -> std::result::Result<(), XlsxError> {
    let formats = Formats::new(&sheet.columns);
    let mut widths: Vec<usize> = header.iter().map(|h| h.width()).collect();
    for (c, title) in header.iter().enumerate() {
        ws.write_string_with_format(0, c as u16, title, &formats.header)?;
    }
    for (r, row) in sheet.rows.iter().enumerate() {
        let r = r as u32 + 1;
        for (c, cell) in row.iter().enumerate() {
            let kind = sheet.columns.get(c).map_or(Kind::Text, |col| col.kind);
            let format = formats.by_column.get(c).and_then(Option::as_ref);
            write_cell(ws, (r, c as u16), cell, format, &formats)?;
            let width = cell_width(cell, kind);
            match widths.get_mut(c) {
                Some(w) => *w = (*w).max(width),
                None => widths.push(width),
            }
        }
    }
    for (c, w) in widths.iter().enumerate() {
        ws.set_column_width(c as u16, (*w).clamp(4, 60) as f64 + 2.0)?;
    }
    ws.set_freeze_panes(1, 0)?;
    Ok(())
}

/// The `columns` sheet: for every column of every sheet, its sheet, its
/// letter, its title (in `lang`) and its machine id.
fn columns_sheet(sheets: &[(&str, &Sheet)], lang: Lang) -> Sheet {
    let heading = |key: &str, en: &str, zh: &str| Column::new(key, Words::new(en, zh), Kind::Text);
    let rows = sheets
        .iter()
        .flat_map(|(name, sheet)| {
            sheet.columns.iter().enumerate().map(move |(c, column)| {
                vec![
                    Cell::Text((*name).to_string()),
                    Cell::Text(rust_xlsxwriter::utility::column_number_to_name(c as u16)),
                    Cell::Text(sheet.title(column).to_string()),
                    Cell::Text(column.key.clone()),
                ]
            })
        })
        .collect();
    Sheet {
        lang,
        columns: vec![
            heading("sheet", "sheet", "工作表"),
            heading("column", "column", "列"),
            heading("title", "title", "列名"),
            heading("id", "id", "字段名"),
        ],
        rows,
    }
}

/// A workbook of named sheets, each headed as `headers` says, then the
/// `columns` sheet that maps titles to ids. The file is the same bytes for
/// the same content (no "created now" stamp).
pub fn workbook(sheets: &[(&str, &Sheet)], headers: Headers) -> Result<Vec<u8>> {
    let lang = sheets.first().map_or(Lang::default(), |(_, sheet)| sheet.lang);
    let map = columns_sheet(sheets, lang);
    let build = || -> std::result::Result<Vec<u8>, XlsxError> {
        let mut book = Workbook::new();
        let fixed = ExcelDateTime::from_ymd(2000, 1, 1)?;
        book.set_properties(&DocProperties::new().set_creation_datetime(&fixed));
        for (name, sheet) in sheets.iter().chain(std::iter::once(&(COLUMNS_SHEET, &map))) {
            let ws = book.add_worksheet();
            ws.set_name(*name)?;
            fill(ws, sheet, &sheet.header(headers))?;
        }
        book.save_to_buffer()
    };
    build().map_err(|e| Error::file(format!("cannot build the Excel workbook: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cjk_title_counts_double_and_raw_numbers_stop_at_general_width() {
        assert_eq!("数据完整率".width(), 10);
        assert_eq!(cell_width(&Cell::Num(0.123_456_789_012_345), Kind::Raw), GENERAL_WIDTH);
        assert_eq!(cell_width(&Cell::Num(96.428_626), Kind::Score), "96.43".len());
        assert_eq!(cell_width(&Cell::Num(0.971_428), Kind::Share), "97.1%".len());
    }

    #[test]
    fn the_columns_sheet_names_each_column_by_letter() {
        let sheet = Sheet {
            lang: Lang::Zh,
            columns: vec![Column::new("rank", Words::new("rank", "排名"), Kind::Int)],
            rows: Vec::new(),
        };
        let map = columns_sheet(&[("ranking", &sheet)], Lang::Zh);
        assert_eq!(
            map.rows,
            [vec![
                Cell::Text("ranking".into()),
                Cell::Text("A".into()),
                Cell::Text("排名".into()),
                Cell::Text("rank".into()),
            ]]
        );
    }
}
