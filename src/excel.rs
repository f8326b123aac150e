//! Excel workbooks: reading a sheet as records (calamine), refusing zip
//! bombs first, and writing results and forms (rust_xlsxwriter).

use crate::error::{Error, Result, closest, echo};
use crate::input::Record;
use calamine::{Data, Reader};
use std::io::Cursor;

/// Largest uncompressed size one part of a workbook may declare. A sheet of a
/// million villages × 40 indicators is well under this.
const MAX_PART_BYTES: u64 = 2 << 30;
/// Largest compression ratio accepted for a part bigger than 16 MiB: sheet XML
/// compresses 5–30×; a zip bomb compresses thousands of times.
const MAX_RATIO: u64 = 200;

/// Whether a file name is an Excel (or OpenDocument) workbook by its extension.
pub fn is_workbook(path: &str) -> bool {
    let ext = std::path::Path::new(path)
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or("")
        .to_ascii_lowercase();
    matches!(ext.as_str(), "xlsx" | "xlsm" | "xlsb" | "xls" | "ods")
}

/// Refuses a zip archive (xlsx, xlsm, ods) whose parts declare an absurd
/// uncompressed size, before anything is decompressed.
fn check_zip(bytes: &[u8], path: &str) -> Result<()> {
    if !bytes.starts_with(b"PK") {
        return Ok(()); // .xls is a compound file, not a zip
    }
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes))
        .map_err(|e| Error::Data(format!("error: {path} is not a readable workbook: {e}")))?;
    let mut total: u64 = 0;
    for i in 0..archive.len() {
        let part = archive
            .by_index_raw(i)
            .map_err(|e| Error::Data(format!("error: {path} is not a readable workbook: {e}")))?;
        let (size, packed) = (part.size(), part.compressed_size().max(1));
        total = total.saturating_add(size);
        if size > MAX_PART_BYTES || total > 2 * MAX_PART_BYTES || (size > 16 << 20 && size / packed > MAX_RATIO) {
            return Err(Error::Data(format!(
                "error: {path} declares {size} bytes uncompressed for its part `{}` ({}× its packed size); refusing to unpack it\n  = help: this looks like a damaged file or a zip bomb; re-save the workbook from Excel, or export the sheet as CSV",
                part.name().unwrap_or_default(),
                size / packed
            )));
        }
    }
    Ok(())
}

/// The text of a cell as a CSV would hold it: numbers in their exact
/// shortest form, formula errors as Excel shows them (#DIV/0!, #N/A).
fn cell_text(cell: &Data) -> String {
    match cell {
        Data::Empty => String::new(),
        Data::String(s) => s.clone(),
        Data::Float(x) => crate::util::lossless(*x),
        Data::Int(i) => i.to_string(),
        Data::Bool(b) => if *b { "TRUE" } else { "FALSE" }.to_string(),
        Data::Error(e) => e.to_string(),
        Data::DateTime(d) => format!("date {d}"),
        Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
    }
}

/// Whether a cell style shows numbers as a percentage (built-in formats 9
/// and 10, or a format code with `%` outside quotes).
fn is_percent(style: &calamine::Style) -> bool {
    let Some(format) = &style.number_format else {
        return false;
    };
    if matches!(format.format_id, Some(9 | 10)) {
        return true;
    }
    let mut quoted = false;
    let mut escaped = false;
    for c in format.format_code.chars() {
        match c {
            _ if escaped => escaped = false,
            '\\' => escaped = true,
            '"' => quoted = !quoted,
            '%' if !quoted => return true,
            _ => {}
        }
    }
    false
}

/// x × 100 as decimal text, by moving the decimal point of x's exact
/// shortest form (so 0.757 gives "75.7", not 75.69999999999999).
fn times_100(x: f64) -> String {
    let text = crate::util::lossless(x);
    let (sign, digits) = match text.strip_prefix('-') {
        Some(rest) => ("-", rest),
        None => ("", text.as_str()),
    };
    let (int, frac) = digits.split_once('.').unwrap_or((digits, ""));
    let mut frac = frac.to_string();
    while frac.len() < 2 {
        frac.push('0');
    }
    let (moved, rest) = frac.split_at(2);
    let int = format!("{int}{moved}");
    let int = int.trim_start_matches('0');
    let int = if int.is_empty() { "0" } else { int };
    if rest.is_empty() {
        format!("{sign}{int}")
    } else {
        format!("{sign}{int}.{rest}")
    }
}

/// Reads one sheet (the first, or `sheet`) as records whose row numbers are
/// the sheet's own, and whose fields start at column A. A row ends at its
/// last non-empty cell. Returns the name to use in messages ("file.xlsx[Sheet]").
///
/// A damaged workbook can make the reader library panic; that is caught and
/// reported as a bad file, never a crash.
pub fn read_sheet(bytes: &[u8], path: &str, sheet: Option<&str>) -> Result<(String, Vec<Record>)> {
    check_zip(bytes, path)?;
    let previous_hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    let result = std::panic::catch_unwind(|| read_sheet_unguarded(bytes, path, sheet));
    std::panic::set_hook(previous_hook);
    result.unwrap_or_else(|_| {
        Err(Error::Data(format!(
            "error: {path} is damaged: the workbook reader could not make sense of it\n  = help: open and re-save it in Excel, or export the sheet as CSV"
        )))
    })
}

fn read_sheet_unguarded(bytes: &[u8], path: &str, sheet: Option<&str>) -> Result<(String, Vec<Record>)> {
    let not_a_workbook = |e: &dyn std::fmt::Display| {
        Error::Data(format!(
            "error: {path} is not a workbook linkscore can read: {e}\n  = help: save it as .xlsx, or export the sheet as CSV"
        ))
    };
    let pick = |names: &[String]| -> Result<String> {
        match sheet {
            Some(wanted) => names.iter().find(|n| n.as_str() == wanted).cloned().ok_or_else(|| {
                let help = match closest(wanted, names.iter().map(String::as_str)) {
                    Some(best) => format!("did you mean `{}`?", echo(best)),
                    None => format!(
                        "the sheets are: {}",
                        names.iter().map(|n| echo(n)).collect::<Vec<_>>().join(", ")
                    ),
                };
                Error::Usage(format!("{path} has no sheet `{}`\n  = help: {help}", echo(wanted)))
            }),
            None => names
                .first()
                .cloned()
                .ok_or_else(|| Error::Data(format!("error: {path} has no sheets"))),
        }
    };
    let cannot_read = |name: &str, e: &dyn std::fmt::Display| {
        Error::Data(format!("error: cannot read sheet `{name}` of {path}: {e}"))
    };
    let mut rows: Vec<(u32, Vec<(u32, String)>)> = Vec::new();
    let mut add = |row: u32, col: u32, text: String| {
        if text.is_empty() {
            return;
        }
        match rows.last_mut() {
            Some((r, cells)) if *r == row => cells.push((col, text)),
            _ => rows.push((row, vec![(col, text)])),
        }
    };
    let xlsx = if bytes.starts_with(b"PK") {
        calamine::Xlsx::new(Cursor::new(bytes)).ok()
    } else {
        None
    };
    let name = if let Some(mut book) = xlsx {
        // xlsx: cells one by one, so a stray cell far away costs nothing.
        let name = pick(&book.sheet_names())?;
        let mut cells = book.worksheet_cells_reader(&name).map_err(|e| cannot_read(&name, &e))?;
        let percent: Vec<bool> = cells.styles().iter().map(is_percent).collect();
        while let Some((cell, style)) = cells.next_cell_with_style_id().map_err(|e| cannot_read(&name, &e))? {
            let (row, col) = cell.get_position();
            let data = Data::from(cell.get_value().clone());
            let text = match data {
                // Excel shows 0.757 formatted as a percentage as "75.7%", and
                // saves it so in a CSV: read it as the number people see.
                Data::Float(x) if percent.get(style).copied().unwrap_or(false) => times_100(x),
                Data::Int(i) if percent.get(style).copied().unwrap_or(false) => times_100(i as f64),
                other => cell_text(&other),
            };
            add(row, col, text);
        }
        name
    } else {
        // xls, ods, xlsb: bounded formats, read as a range.
        let mut book = calamine::open_workbook_auto_from_rs(Cursor::new(bytes)).map_err(|e| not_a_workbook(&e))?;
        let name = pick(&book.sheet_names())?;
        let range = book.worksheet_range(&name).map_err(|e| cannot_read(&name, &e))?;
        let (first_row, first_col) = range.start().unwrap_or((0, 0));
        for (i, cells) in range.rows().enumerate() {
            for (j, cell) in cells.iter().enumerate() {
                add(first_row + i as u32, first_col + j as u32, cell_text(cell));
            }
        }
        name
    };
    // Cells of a row may come in any order; fields run from column A to the
    // row's last non-empty cell.
    let records = rows
        .into_iter()
        .map(|(row, mut cells)| {
            cells.sort_by_key(|(c, _)| *c);
            let width = cells.last().map_or(0, |(c, _)| *c as usize + 1);
            let mut fields = vec![String::new(); width];
            for (c, text) in cells {
                fields[c as usize] = text;
            }
            (row as usize + 1, csv::StringRecord::from(fields))
        })
        .collect();
    Ok((format!("{path}[{}]", echo(&name)), records))
}

#[cfg(test)]
mod tests {
    use super::times_100;

    #[test]
    fn percentages_move_the_point_exactly() {
        assert_eq!(times_100(0.757), "75.7");
        assert_eq!(times_100(1.0), "100");
        assert_eq!(times_100(0.5), "50");
        assert_eq!(times_100(-0.05), "-5");
        assert_eq!(times_100(0.12345), "12.345");
        assert_eq!(times_100(0.0), "0");
        assert_eq!(times_100(12.0), "1200");
    }
}
