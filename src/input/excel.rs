//! Excel and OpenDocument workbooks (SPEC "Data": `.xlsx` read directly,
//! `--sheet`; "Command line": Bounded resources): a sheet read as rows
//! (calamine), once the archive has been checked for what it would expand
//! to (see `scan`). Only reading: workbooks are written in `output::xlsx`.
//!
//! Memory follows the rubric's columns, not the sheet's: rows stream from
//! the reader one at a time, and once the header is found only the cells of
//! the columns the rubric reads are kept. Every cell and row is bounded as
//! Excel bounds them.

mod scan;

use super::Batch;
use crate::error::{Error, Location, Result, closest, echo};
use calamine::{Data, DataRef, Reader};
use std::io::Cursor;

/// Most bytes of a workbook read into memory (it is read whole: the zip
/// directory is at its end). A sheet of a million villages × 40 indicators
/// is about 250 MB as .xlsx.
pub const MAX_WORKBOOK_BYTES: usize = 1 << 30;
/// The most characters an Excel cell holds.
pub const MAX_CELL_CHARS: usize = 32_767;
/// The most text one row may hold, as for a line of CSV.
pub const MAX_ROW_BYTES: usize = super::MAX_LINE_BYTES;
/// Excel's last column is XFD, the 16,384th.
const MAX_COLUMNS: u32 = 16_384;
/// Filled cells outside the rubric's columns read for each cell in them (a
/// row's kept columns), beyond [`UNUSED_ALLOWANCE`]: such a cell costs
/// reading time though it is not kept, and a sheet of a few useful columns
/// among thousands of filled ones takes minutes for nothing (or was made
/// to). Two columns read from a sheet of 2,000 filled ones pass; empty
/// (formatted) cells are not counted.
const UNUSED_PER_USED: u64 = 1024;
const UNUSED_ALLOWANCE: u64 = 1 << 16;

/// Whether a file name is an Excel (or OpenDocument) workbook by its extension.
pub fn is_workbook(path: &str) -> bool {
    let ext = std::path::Path::new(path)
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or("")
        .to_ascii_lowercase();
    matches!(ext.as_str(), "xlsx" | "xlsm" | "xlsb" | "xls" | "ods")
}

/// Refuses at once what does not start as a workbook does: a zip archive
/// (xlsx, xlsm, xlsb, ods) or an OLE compound file (xls).
pub fn check_magic(head: &[u8], path: &str) -> Result<()> {
    if super::looks_like_workbook(head) {
        return Ok(());
    }
    Err(Error::data(format!(
        "{path} is not a workbook: it does not start as one does (a zip archive for .xlsx and .ods, a compound file for .xls)"
    ))
    .help("if it is a CSV file, give it a .csv name; otherwise re-save it from Excel as .xlsx, or export the sheet as CSV"))
}

/// The error for a workbook larger than [`MAX_WORKBOOK_BYTES`].
pub fn too_big(path: &str) -> Error {
    Error::data(format!(
        "{path} is larger than {} MiB, the most of a workbook linkscore reads into memory",
        MAX_WORKBOOK_BYTES >> 20
    ))
    .help("export the sheet as CSV (read as a stream, of any size), or split the workbook")
}

/// The text of a cell as a CSV would hold it: numbers in their exact
/// shortest form, formula errors as Excel shows them (#DIV/0!, #N/A).
enum Value<'v> {
    Empty,
    Text(&'v str),
    Owned(String),
    Float(f64),
    Int(i64),
}

impl Value<'_> {
    fn of_ref<'v>(cell: &'v DataRef<'_>, percent: bool) -> Value<'v> {
        match cell {
            DataRef::Empty => Value::Empty,
            DataRef::String(s) | DataRef::DateTimeIso(s) | DataRef::DurationIso(s) => Value::Text(s),
            DataRef::SharedString(s) => Value::Text(s),
            // Excel shows 0.757 formatted as a percentage as "75.7%", and
            // saves it so in a CSV: read it as the number people see.
            DataRef::Float(x) if percent => Value::Owned(times_100(*x)),
            DataRef::Int(i) if percent => Value::Owned(times_100(*i as f64)),
            DataRef::Float(x) => Value::Float(*x),
            DataRef::Int(i) => Value::Int(*i),
            DataRef::Bool(b) => Value::Text(if *b { "TRUE" } else { "FALSE" }),
            DataRef::Error(e) => Value::Owned(e.to_string()),
            DataRef::DateTime(d) => Value::Owned(format!("date {d}")),
        }
    }

    fn of(cell: &Data) -> Value<'_> {
        match cell {
            Data::Empty => Value::Empty,
            Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => Value::Text(s),
            Data::Float(x) => Value::Float(*x),
            Data::Int(i) => Value::Int(*i),
            Data::Bool(b) => Value::Text(if *b { "TRUE" } else { "FALSE" }),
            Data::Error(e) => Value::Owned(e.to_string()),
            Data::DateTime(d) => Value::Owned(format!("date {d}")),
        }
    }

    /// The text, when it is text (numbers are written when kept).
    fn text(&self) -> Option<&str> {
        match self {
            Value::Text(s) => Some(s),
            Value::Owned(s) => Some(s),
            _ => None,
        }
    }

    /// Whether the cell shows nothing but spaces.
    fn is_blank(&self) -> bool {
        match self {
            Value::Empty => true,
            Value::Float(_) | Value::Int(_) => false,
            Value::Text(s) => super::is_blank(s.as_bytes(), super::Encoding::Utf8),
            Value::Owned(s) => super::is_blank(s.as_bytes(), super::Encoding::Utf8),
        }
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

/// A column's letters (0 → A, 27 → AB).
fn column_letters(col: u32) -> String {
    let mut letters = Vec::new();
    let mut n = u64::from(col) + 1;
    while n > 0 {
        let rest = (n - 1) % 26;
        letters.push(b'A' + rest as u8);
        n = (n - 1) / 26;
    }
    letters.iter().rev().map(|&b| char::from(b)).collect()
}

/// Cells one at a time, in the order of the file: calls `on` with the next
/// cell's row, column (0-based) and value; false at the end of the sheet.
trait Cells {
    fn next(&mut self, on: &mut dyn FnMut(u32, u32, Value<'_>) -> Result<()>) -> Result<bool>;
}

/// Cells from a closure over one of calamine's streaming cell readers.
struct Streamed<F>(F);

/// Gives the closure its signature (a closure's is inferred where it is written).
fn streamed<F>(f: F) -> Streamed<F>
where
    F: FnMut(&mut dyn FnMut(u32, u32, Value<'_>) -> Result<()>) -> Result<bool>,
{
    Streamed(f)
}

impl<F> Cells for Streamed<F>
where
    F: FnMut(&mut dyn FnMut(u32, u32, Value<'_>) -> Result<()>) -> Result<bool>,
{
    fn next(&mut self, on: &mut dyn FnMut(u32, u32, Value<'_>) -> Result<()>) -> Result<bool> {
        (self.0)(on)
    }
}

/// The non-empty cells of a sheet calamine has read whole (xls, ods).
struct Ranged {
    range: calamine::Range<Data>,
    next: usize,
}

impl Cells for Ranged {
    fn next(&mut self, on: &mut dyn FnMut(u32, u32, Value<'_>) -> Result<()>) -> Result<bool> {
        let (height, width) = self.range.get_size();
        let (first_row, first_col) = self.range.start().unwrap_or((0, 0));
        while self.next < height.saturating_mul(width) {
            let (i, j) = (self.next / width, self.next % width);
            self.next += 1;
            match self.range.get((i, j)) {
                None | Some(Data::Empty) => continue,
                Some(cell) => {
                    let (row, col) = (
                        u32::try_from(i).unwrap_or(u32::MAX),
                        u32::try_from(j).unwrap_or(u32::MAX),
                    );
                    on(
                        first_row.saturating_add(row),
                        first_col.saturating_add(col),
                        Value::of(cell),
                    )?;
                    return Ok(true);
                }
            }
        }
        Ok(false)
    }
}

/// A slot of [`Rows::slots`] for a column that is not kept.
const DROPPED: u32 = u32::MAX;

/// A sheet's rows as records: fields from column A to the row's last
/// non-empty cell, or once [`SheetRows::keep_only`] has been called, the
/// kept columns only.
pub struct SheetRows<'a> {
    cells: Box<dyn Cells + 'a>,
    rows: Rows,
    done: bool,
}

/// The row being assembled, and what has been read.
struct Rows {
    /// The sheet's name in messages (`book.xlsx[Sheet1]`).
    name: String,
    /// 0-based row number of the row being assembled.
    number: Option<u32>,
    text: String,
    /// (field, start, end) of each non-empty cell in `text`.
    cells: Vec<(u32, u32, u32)>,
    /// Whether the row has a non-blank cell in a column not kept.
    hidden: bool,
    /// Per column: its field, or [`DROPPED`]; `None` keeps every column.
    slots: Option<Vec<u32>>,
    kept: u64,
    /// Cells read in kept columns (rows × kept) and in the others, for the
    /// bound on [`UNUSED_PER_USED`].
    used: u64,
    unused: u64,
}

impl SheetRows<'_> {
    /// Appends the sheet's next row (one that has a non-empty cell) to
    /// `batch`; false at the end of the sheet.
    pub fn read_into(&mut self, batch: &mut Batch) -> Result<bool> {
        while !self.done {
            let mut emitted = false;
            let rows = &mut self.rows;
            let more = self.cells.next(&mut |row, col, value| {
                if rows.number != Some(row) {
                    emitted |= rows.emit(batch);
                    rows.start(row);
                }
                rows.add(col, &value)
            })?;
            if !more {
                self.done = true;
                emitted |= self.rows.emit(batch);
            }
            if emitted {
                return Ok(true);
            }
        }
        Ok(false)
    }

    /// From now on, keeps only `columns` (0-based, in increasing order):
    /// each record has one field per kept column, in that order. A row
    /// whose other cells are not blank is marked (see
    /// `Rec::hidden` in `records`), so it is not taken for a blank row.
    pub fn keep_only(&mut self, columns: &[usize]) {
        let rows = &mut self.rows;
        let size = columns.iter().max().map_or(0, |&c| c + 1);
        let mut slots = vec![DROPPED; size];
        for (field, &c) in columns.iter().enumerate() {
            if let Some(slot) = slots.get_mut(c) {
                *slot = u32::try_from(field).unwrap_or(DROPPED);
            }
        }
        // The row under way was begun with every column.
        let text = std::mem::take(&mut rows.text);
        let cells = std::mem::take(&mut rows.cells);
        for (col, start, end) in cells {
            let cell = text.get(start as usize..end as usize).unwrap_or("");
            match slots.get(col as usize).copied().filter(|&s| s != DROPPED) {
                Some(slot) => {
                    let start = rows.text.len();
                    rows.text.push_str(cell);
                    rows.cells.push((slot, start as u32, rows.text.len() as u32));
                }
                None => rows.hidden |= !Value::Text(cell).is_blank(),
            }
        }
        rows.kept = columns.len() as u64;
        if rows.number.is_some() {
            rows.used += rows.kept;
        }
        rows.slots = Some(slots);
    }
}

impl Rows {
    fn start(&mut self, row: u32) {
        self.number = Some(row);
        self.text.clear();
        self.cells.clear();
        self.hidden = false;
        if self.slots.is_some() {
            self.used += self.kept;
        }
    }

    fn cell_name(&self, col: u32) -> String {
        format!(
            "{}!{}{}",
            self.name,
            column_letters(col),
            u64::from(self.number.unwrap_or(0)) + 1
        )
    }

    fn add(&mut self, col: u32, value: &Value<'_>) -> Result<()> {
        let damaged = "this is not a sheet Excel writes (a damaged file, or one made to exhaust memory); re-save the workbook from Excel, or export the sheet as CSV";
        if col >= MAX_COLUMNS {
            return Err(Error::data(format!(
                "{}: a cell lies in column {}, beyond XFD, the last column of Excel ({MAX_COLUMNS})",
                self.cell_name(col),
                u64::from(col) + 1
            ))
            .help(damaged));
        }
        if let Some(text) = value.text()
            && text.len() > MAX_CELL_CHARS
            && text.chars().count() > MAX_CELL_CHARS
        {
            return Err(Error::data(format!(
                "{}: this cell holds {} characters, more than the {MAX_CELL_CHARS} an Excel cell can hold",
                self.cell_name(col),
                text.chars().count()
            ))
            .help(damaged));
        }
        let slot = match &self.slots {
            None => Some(col),
            Some(slots) => slots.get(col as usize).copied().filter(|&s| s != DROPPED),
        };
        let Some(slot) = slot else {
            return self.drop_cell(value);
        };
        let start = self.text.len();
        match value {
            Value::Empty => {}
            Value::Text(s) => self.text.push_str(s),
            Value::Owned(s) => self.text.push_str(s),
            Value::Float(x) => self.text.push_str(&crate::util::lossless(*x)),
            Value::Int(i) => self.text.push_str(&i.to_string()),
        }
        if self.text.len() > MAX_ROW_BYTES {
            return Err(Error::data(format!(
                "this row holds more than {} MiB of text; no row of data is that long",
                MAX_ROW_BYTES >> 20
            ))
            .at(Location::row(&self.name, u64::from(self.number.unwrap_or(0)) + 1))
            .help(damaged));
        }
        if self.text.len() > start {
            // Offsets fit: a row holds at most MAX_ROW_BYTES.
            self.cells.push((slot, start as u32, self.text.len() as u32));
        }
        Ok(())
    }

    /// A cell in a column the rubric does not read: not kept; counted when
    /// it holds something.
    fn drop_cell(&mut self, value: &Value<'_>) -> Result<()> {
        if value.is_blank() {
            return Ok(());
        }
        self.unused += 1;
        let allowed = UNUSED_PER_USED
            .saturating_mul(self.used)
            .saturating_add(UNUSED_ALLOWANCE);
        if self.unused > allowed {
            return Err(Error::data(format!(
                "{}: by row {} the sheet holds {} filled cells outside the {} columns the rubric reads, more than the {UNUSED_PER_USED} per cell it reads (beyond the first {UNUSED_ALLOWANCE}) that linkscore reads through",
                self.name,
                u64::from(self.number.unwrap_or(0)) + 1,
                self.unused,
                self.kept
            ))
            .help("delete the columns the rubric does not read (or copy its columns to a sheet of their own), or export the sheet as CSV"));
        }
        self.hidden = true;
        Ok(())
    }

    /// Appends the row assembled so far to `batch`, if it has anything in
    /// it; returns whether it did.
    fn emit(&mut self, batch: &mut Batch) -> bool {
        let Some(number) = self.number else {
            return false;
        };
        if self.cells.is_empty() && !self.hidden {
            return false;
        }
        // Cells of a row may come in any order; of two in one column the
        // later is kept.
        self.cells.sort_by_key(|&(field, _, _)| field);
        let width = match self.slots {
            Some(_) => self.kept,
            None => self.cells.last().map_or(0, |&(field, _, _)| u64::from(field) + 1),
        };
        let (text, cells) = (self.text.as_bytes(), &self.cells);
        let mut k = 0;
        let fields = (0..width).map(|field| {
            let mut value: &[u8] = b"";
            while let Some(&(f, start, end)) = cells.get(k)
                && u64::from(f) == field
            {
                value = text.get(start as usize..end as usize).unwrap_or(b"");
                k += 1;
            }
            value
        });
        batch.push_fields(u64::from(number) + 1, fields);
        if self.hidden {
            batch.mark_hidden();
        }
        self.number = None;
        true
    }
}

/// Reads one sheet (the first, or `sheet`) of a workbook: calls `read` with
/// the name to use in messages (`file.xlsx[Sheet]`) and the sheet's rows,
/// whose row numbers are the sheet's own and whose fields start at column A.
///
/// A damaged workbook can make the reader library panic; that is caught and
/// reported as a bad file, never a crash.
pub fn with_sheet<T>(
    bytes: &[u8],
    path: &str,
    sheet: Option<&str>,
    read: impl FnOnce(&str, &mut SheetRows<'_>) -> Result<T>,
) -> Result<T> {
    let previous_hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| open_sheet(bytes, path, sheet, read)));
    std::panic::set_hook(previous_hook);
    result.unwrap_or_else(|_| {
        Err(Error::data(format!(
            "{path} is damaged: the workbook reader could not make sense of it"
        ))
        .help("open and re-save it in Excel, or export the sheet as CSV"))
    })
}

/// The error for a workbook the reader library refuses.
fn unreadable(path: &str, sheet: Option<&str>, e: &dyn std::fmt::Display) -> Error {
    let text = e.to_string();
    let place = match sheet {
        Some(name) => format!("cannot read sheet `{}` of {path}", echo(name)),
        None => format!("{path} is not a workbook linkscore can read"),
    };
    if text.contains("entity") {
        return Error::data(format!(
            "{place}: its XML uses an entity that XML does not define ({})",
            echo(&text)
        ))
        .help("the workbook's XML is not what Excel writes; open and re-save it in Excel, or export the sheet as CSV");
    }
    Error::data(format!("{place}: {}", echo(&text))).help("save it as .xlsx from Excel, or export the sheet as CSV")
}

/// The sheet to read among `names`.
fn pick(names: &[String], path: &str, sheet: Option<&str>) -> Result<String> {
    match sheet {
        Some(wanted) => names.iter().find(|n| n.as_str() == wanted).cloned().ok_or_else(|| {
            let help = match closest(wanted, names.iter().map(String::as_str)) {
                Some(best) => format!("did you mean `{}`?", echo(best)),
                None => format!(
                    "the sheets are: {}",
                    names.iter().map(|n| echo(n)).collect::<Vec<_>>().join(", ")
                ),
            };
            Error::usage(format!("{path} has no sheet `{}`", echo(wanted))).help(help)
        }),
        None => names
            .first()
            .cloned()
            .ok_or_else(|| Error::data(format!("{path} has no sheets"))),
    }
}

fn sheet_rows<'a>(path: &str, name: &str, cells: Box<dyn Cells + 'a>) -> SheetRows<'a> {
    SheetRows {
        cells,
        rows: Rows {
            name: format!("{path}[{}]", echo(name)),
            number: None,
            text: String::new(),
            cells: Vec::new(),
            hidden: false,
            slots: None,
            kept: 0,
            used: 0,
            unused: 0,
        },
        done: false,
    }
}

fn open_sheet<T>(
    bytes: &[u8],
    path: &str,
    sheet: Option<&str>,
    read: impl FnOnce(&str, &mut SheetRows<'_>) -> Result<T>,
) -> Result<T> {
    if !bytes.starts_with(b"PK") {
        let book = calamine::Xls::new(Cursor::new(bytes)).map_err(|e| unreadable(path, None, &e))?;
        return read_ranged(book, path, sheet, read);
    }
    let checked = scan::check_zip(bytes, path)?;
    if checked.kind == scan::Kind::Ods {
        let book = calamine::Ods::new(Cursor::new(bytes)).map_err(|e| unreadable(path, None, &e))?;
        return read_ranged(book, path, sheet, read);
    }
    // The sheets are scanned by a second thread as the reader reads them
    // (see scan::Gate): a scan before reading would unpack them twice in a row.
    let gate = scan::Gate::new(&checked);
    std::thread::scope(|scope| {
        struct Stop<'g>(&'g scan::Gate);
        impl Drop for Stop<'_> {
            fn drop(&mut self) {
                self.0.stop();
            }
        }
        scope.spawn(|| gate.scan(bytes, path, &checked));
        let _stop = Stop(&gate);
        let input = scan::Gated::new(bytes, &gate);
        let result = match checked.kind {
            scan::Kind::Xlsb => read_xlsb(input, path, sheet, read),
            _ => read_xlsx(input, path, sheet, read),
        };
        // A read refused by the scan fails in the reader: say why.
        result.map_err(|e| gate.refusal().unwrap_or(e))
    })
}

fn read_xlsx<RS: std::io::Read + std::io::Seek, T>(
    input: RS,
    path: &str,
    sheet: Option<&str>,
    read: impl FnOnce(&str, &mut SheetRows<'_>) -> Result<T>,
) -> Result<T> {
    let mut book = calamine::Xlsx::new(input).map_err(|e| unreadable(path, None, &e))?;
    let name = pick(&book.sheet_names(), path, sheet)?;
    let mut reader = book
        .worksheet_cells_reader(&name)
        .map_err(|e| unreadable(path, Some(&name), &e))?;
    let percent: Vec<bool> = reader.styles().iter().map(is_percent).collect();
    let cells = streamed(|on| match reader.next_cell_with_style_id() {
        Ok(Some((cell, style))) => {
            let (row, col) = cell.get_position();
            let percent = percent.get(style).copied().unwrap_or(false);
            on(row, col, Value::of_ref(cell.get_value(), percent))?;
            Ok(true)
        }
        Ok(None) => Ok(false),
        Err(e) => Err(unreadable(path, Some(&name), &e)),
    });
    let mut rows = sheet_rows(path, &name, Box::new(cells));
    let shown = rows.rows.name.clone();
    read(&shown, &mut rows)
}

fn read_xlsb<RS: std::io::Read + std::io::Seek, T>(
    input: RS,
    path: &str,
    sheet: Option<&str>,
    read: impl FnOnce(&str, &mut SheetRows<'_>) -> Result<T>,
) -> Result<T> {
    let mut book = calamine::Xlsb::new(input).map_err(|e| unreadable(path, None, &e))?;
    let name = pick(&book.sheet_names(), path, sheet)?;
    let mut reader = book
        .worksheet_cells_reader(&name)
        .map_err(|e| unreadable(path, Some(&name), &e))?;
    let cells = streamed(|on| match reader.next_cell() {
        Ok(Some(cell)) => {
            let (row, col) = cell.get_position();
            on(row, col, Value::of_ref(cell.get_value(), false))?;
            Ok(true)
        }
        Ok(None) => Ok(false),
        Err(e) => Err(unreadable(path, Some(&name), &e)),
    });
    let mut rows = sheet_rows(path, &name, Box::new(cells));
    let shown = rows.rows.name.clone();
    read(&shown, &mut rows)
}

/// xls and ods: calamine reads every sheet whole when it opens the file
/// (an ods only after the checks of `scan` on what that expands to).
fn read_ranged<RS: std::io::Read + std::io::Seek, B: Reader<RS>, T>(
    mut book: B,
    path: &str,
    sheet: Option<&str>,
    read: impl FnOnce(&str, &mut SheetRows<'_>) -> Result<T>,
) -> Result<T>
where
    B::Error: std::fmt::Display,
{
    let name = pick(&book.sheet_names(), path, sheet)?;
    let range = book
        .worksheet_range(&name)
        .map_err(|e| unreadable(path, Some(&name), &e))?;
    drop(book);
    let mut rows = sheet_rows(path, &name, Box::new(Ranged { range, next: 0 }));
    let shown = rows.rows.name.clone();
    read(&shown, &mut rows)
}

#[cfg(test)]
mod tests {
    use super::{column_letters, times_100};

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

    #[test]
    fn columns_are_named_as_excel_names_them() {
        assert_eq!(column_letters(0), "A");
        assert_eq!(column_letters(25), "Z");
        assert_eq!(column_letters(26), "AA");
        assert_eq!(column_letters(701), "ZZ");
        assert_eq!(column_letters(16_383), "XFD");
    }
}
