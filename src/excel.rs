//! Excel workbooks: reading a sheet as records (calamine), refusing zip
//! bombs first, and writing results and forms (rust_xlsxwriter).

use crate::error::{Error, Result, closest};
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

/// Reads one sheet (the first, or `sheet`) as records whose row numbers are
/// the sheet's own. Returns the name to use in messages ("file.xlsx[Sheet]").
pub fn read_sheet(bytes: &[u8], path: &str, sheet: Option<&str>) -> Result<(String, Vec<Record>)> {
    check_zip(bytes, path)?;
    let mut workbook = calamine::open_workbook_auto_from_rs(Cursor::new(bytes)).map_err(|e| {
        Error::Data(format!(
            "error: {path} is not a workbook linkscore can read: {e}\n  = help: save it as .xlsx, or export the sheet as CSV"
        ))
    })?;
    let names = workbook.sheet_names();
    let name = match sheet {
        Some(wanted) => names.iter().find(|n| n.as_str() == wanted).cloned().ok_or_else(|| {
            let help = match closest(wanted, names.iter().map(String::as_str)) {
                Some(best) => format!("did you mean `{best}`?"),
                None => format!("the sheets are: {}", names.join(", ")),
            };
            Error::Usage(format!("{path} has no sheet `{wanted}`\n  = help: {help}"))
        })?,
        None => names
            .first()
            .cloned()
            .ok_or_else(|| Error::Data(format!("error: {path} has no sheets")))?,
    };
    let range = workbook
        .worksheet_range(&name)
        .map_err(|e| Error::Data(format!("error: cannot read sheet `{name}` of {path}: {e}")))?;
    let (first_row, first_col) = range.start().unwrap_or((0, 0));
    let pad = first_col as usize;
    let records = range
        .rows()
        .enumerate()
        .map(|(i, cells)| {
            let mut fields: Vec<String> = vec![String::new(); pad];
            // The range is rectangular, so every row has the header's width.
            fields.extend(cells.iter().map(cell_text));
            (first_row as usize + i + 1, csv::StringRecord::from(fields))
        })
        .collect();
    Ok((format!("{path}[{name}]"), records))
}
