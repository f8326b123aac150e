//! Reading village data: bytes → text (UTF-8 or GB18030) → CSV records →
//! a table of units and raw indicator values, with every problem reported by
//! file, row and column.

use crate::error::{Error, Result, closest};
use crate::rubric::Rubric;
use std::collections::HashMap;
use std::io::Read;

/// Text encodings a data file may be in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Encoding {
    /// UTF-8, with or without a byte-order mark.
    #[value(name = "utf-8", alias = "utf8")]
    Utf8,
    /// GB18030, which covers GBK and GB2312 (what Chinese Excel writes).
    #[value(name = "gb18030", alias = "gbk")]
    Gb18030,
}

/// How to read data files; one builder for every reader.
#[derive(Debug, Clone, Default)]
pub struct ReadOptions {
    /// Force an encoding instead of detecting it.
    pub encoding: Option<Encoding>,
    /// 1-based row of the header (rows above it are titles and are skipped).
    pub header_row: Option<usize>,
    /// The sheet of a workbook to read (default: the first).
    pub sheet: Option<String>,
}

/// One input file, as the JSON output names it.
#[derive(Debug, Clone)]
pub struct InputFile {
    pub path: String,
    pub sha256: String,
}

/// One scored unit (a village) and where it came from.
#[derive(Debug, Clone)]
pub struct Unit {
    pub id: String,
    pub label: Option<String>,
    pub group: Option<String>,
    /// Index into `Table::files`.
    pub file: usize,
    /// 1-based row in its file (the header row is 1).
    pub row: usize,
}

/// The data of a run: units in input order, and per indicator (rubric order)
/// the raw value of each unit, `None` where the cell was missing.
#[derive(Debug, Clone)]
pub struct Table {
    pub files: Vec<InputFile>,
    pub units: Vec<Unit>,
    pub values: Vec<Vec<Option<f64>>>,
    /// Per file, per indicator: the 1-based column number it was read from.
    pub columns: Vec<Vec<usize>>,
    /// The first file's name and header, which every other file must share.
    pub first_header: Option<(String, Vec<String>)>,
}

impl Table {
    /// "file:row:column (column name)" of one cell, for messages.
    pub fn cell_location(&self, rubric: &Rubric, unit: usize, indicator: usize) -> String {
        let u = &self.units[unit];
        let col = self.columns[u.file][indicator];
        format!(
            "{}:{}:{} (column `{}`, unit `{}`)",
            self.files[u.file].path, u.row, col, rubric.indicators[indicator].column, u.id
        )
    }
}

/// The most cell errors listed in one message before "and N more".
const MAX_LISTED_ERRORS: usize = 20;

/// Reads every data file (`-` is standard input) as one table for `rubric`.
pub fn load(paths: &[String], rubric: &Rubric, options: &ReadOptions) -> Result<Table> {
    if paths.is_empty() {
        return Err(Error::Usage(
            "no data file given; name one or more CSV files, or - for standard input".into(),
        ));
    }
    let mut sources = Vec::with_capacity(paths.len());
    let mut stdin_used = false;
    for path in paths {
        if path == "-" {
            if stdin_used {
                return Err(Error::Usage("standard input (-) is named twice".into()));
            }
            stdin_used = true;
            let bytes = read_bounded(std::io::stdin().lock(), "<stdin>", false)?;
            sources.push(("<stdin>".to_string(), bytes));
        } else {
            let file = std::fs::File::open(path).map_err(|e| Error::io(path, "read the data file", &e))?;
            if file.metadata().is_ok_and(|m| m.is_dir()) {
                return Err(Error::io(
                    path,
                    "read the data file",
                    &std::io::Error::from(std::io::ErrorKind::IsADirectory),
                ));
            }
            let bytes = read_bounded(file, path, crate::excel::is_workbook(path))?;
            sources.push((path.clone(), bytes));
        }
    }
    from_bytes(&sources, rubric, options)
}

/// The longest line a data file may have. A row of village data is at most
/// a few kilobytes; a line this long is a broken or hostile file, and is
/// refused before it is read on into memory.
pub const MAX_LINE_BYTES: usize = 64 << 20;

/// Reads a whole input, refusing (text) input with a line longer than
/// [`MAX_LINE_BYTES`] as soon as that line is seen.
fn read_bounded(mut reader: impl Read, path: &str, binary: bool) -> Result<Vec<u8>> {
    let mut bytes = Vec::new();
    let mut chunk = vec![0u8; 1 << 20];
    let mut line_len = 0usize;
    let mut line_no = 1usize;
    loop {
        let n = match reader.read(&mut chunk) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(Error::io(path, "read the data file", &e)),
        };
        let part = &chunk[..n];
        if !binary && !looks_like_workbook(if bytes.is_empty() { part } else { &bytes }) {
            for piece in part.split_inclusive(|&b| b == b'\n') {
                line_len += piece.len();
                if line_len > MAX_LINE_BYTES {
                    return Err(Error::Data(format!(
                        "error: {path}:{line_no}: this line is longer than {} MiB; no row of data is that long\n  = help: the file is damaged or not a CSV file (a quote left open makes the rest of a file one cell)",
                        MAX_LINE_BYTES >> 20
                    )));
                }
                if piece.ends_with(b"\n") {
                    line_len = 0;
                    line_no += 1;
                }
            }
        }
        bytes.extend_from_slice(part);
    }
    Ok(bytes)
}

/// Builds the table from files already read: `(name for messages, bytes)`.
pub fn from_bytes(sources: &[(String, Vec<u8>)], rubric: &Rubric, options: &ReadOptions) -> Result<Table> {
    let mut table = Table {
        files: Vec::new(),
        units: Vec::new(),
        values: vec![Vec::new(); rubric.indicators.len()],
        columns: Vec::new(),
        first_header: None,
    };
    for (name, bytes) in sources {
        table.files.push(InputFile {
            path: name.clone(),
            sha256: crate::util::sha256_hex(bytes),
        });
        if crate::excel::is_workbook(name) || looks_like_workbook(bytes) {
            let (shown, records) = crate::excel::read_sheet(bytes, name, options.sheet.as_deref())?;
            read_records(records.into_iter().map(Ok), &shown, rubric, options, &mut table)?;
        } else {
            let text = decode(bytes, name, options.encoding)?;
            read_csv(&text, name, rubric, options, &mut table)?;
        }
    }
    check_duplicate_ids(&table)?;
    Ok(table)
}

/// A zip archive (xlsx, ods) or an OLE compound file (xls) by its magic
/// bytes, so a workbook piped in on standard input is read as one.
fn looks_like_workbook(bytes: &[u8]) -> bool {
    bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1])
}

/// Decodes file bytes: UTF-8 (a BOM is dropped) or, failing that, GB18030.
/// Never replaces a character silently: undecodable input is an error.
pub fn decode(bytes: &[u8], path: &str, forced: Option<Encoding>) -> Result<String> {
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        return Err(Error::Data(format!(
            "error: {path} is UTF-16 text (\"Unicode text\" in Excel)\n  = help: save it as \"CSV UTF-8\" or plain CSV instead"
        )));
    }
    let utf8 = || -> std::result::Result<String, usize> {
        let body = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
        std::str::from_utf8(body)
            .map(str::to_string)
            .map_err(|e| e.valid_up_to() + (bytes.len() - body.len()))
    };
    let gb18030 = || -> std::result::Result<String, usize> {
        let mut decoder = encoding_rs::GB18030.new_decoder_without_bom_handling();
        let capacity = decoder
            .max_utf8_buffer_length_without_replacement(bytes.len())
            .unwrap_or(bytes.len() * 3);
        let mut out = String::with_capacity(capacity);
        let (result, read) = decoder.decode_to_string_without_replacement(bytes, &mut out, true);
        match result {
            encoding_rs::DecoderResult::InputEmpty => Ok(out),
            encoding_rs::DecoderResult::Malformed(bad, after) => {
                Err(read.saturating_sub(bad as usize + after as usize))
            }
            encoding_rs::DecoderResult::OutputFull => Err(read),
        }
    };
    match forced {
        Some(Encoding::Utf8) => utf8().map_err(|at| {
            Error::Data(format!(
                "error: {path} is not valid UTF-8: the first bad byte is at offset {at} (0x{:02X})\n  = help: leave out --encoding to detect GB18030/GBK, or re-save the file as UTF-8",
                bytes.get(at).copied().unwrap_or(0)
            ))
        }),
        Some(Encoding::Gb18030) => gb18030().map_err(|at| {
            Error::Data(format!(
                "error: {path} is not valid GB18030/GBK: the first bad byte is at offset {at} (0x{:02X})\n  = help: leave out --encoding to detect UTF-8",
                bytes.get(at).copied().unwrap_or(0)
            ))
        }),
        None => utf8().or_else(|utf8_at| {
            gb18030().map_err(|gb_at| {
                Error::Data(format!(
                    "error: {path} is neither UTF-8 (first bad byte at offset {utf8_at}) nor GB18030/GBK (first bad byte at offset {gb_at})\n  = help: re-save the file as \"CSV UTF-8\", or check that it is a text file"
                ))
            })
        }),
    }
}

/// One record of a data source with its 1-based row number (a CSV line,
/// or an Excel row).
pub type Record = (usize, csv::StringRecord);

fn read_csv(text: &str, path: &str, rubric: &Rubric, options: &ReadOptions, table: &mut Table) -> Result<()> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    // The row of a record is the line it starts on: what a spreadsheet shows
    // as its row number (blank lines count, as they do there).
    let records = reader.records().map(|r| match r {
        Ok(record) => Ok((record.position().map_or(0, |p| p.line() as usize), record)),
        Err(e) => {
            let line = e.position().map_or(0, |p| p.line() as usize);
            Err(Error::Data(format!(
                "error: {path}:{line}: cannot read this CSV row: {e}"
            )))
        }
    });
    read_records(records, path, rubric, options, table)
}

/// Reads the header and the data rows of one source into `table`.
pub fn read_records(
    mut records: impl Iterator<Item = Result<Record>>,
    path: &str,
    rubric: &Rubric,
    options: &ReadOptions,
    table: &mut Table,
) -> Result<()> {
    let blank = |record: &csv::StringRecord| {
        record
            .iter()
            .all(|f| f.trim().trim_start_matches('\u{feff}').is_empty())
    };
    let mut seen_rows = 0usize;
    let (header_row, header) = loop {
        match records.next() {
            None => {
                return Err(Error::Data(match options.header_row {
                    Some(n) if seen_rows > 0 => format!(
                        "error: {path} has no row {n} for the header (--header-row {n})\n  = help: check --header-row"
                    ),
                    _ => format!(
                        "error: {path} is empty: it has no header row and no data\n  = help: the first row must name the columns, e.g. {},…",
                        rubric.id_column
                    ),
                }));
            }
            Some(record) => {
                let (row, record) = record?;
                seen_rows += 1;
                match options.header_row {
                    // Without --header-row the header is the first row that is not blank.
                    None if !blank(&record) => break (row, record),
                    Some(n) if row == n => break (row, record),
                    Some(n) if row > n => {
                        return Err(Error::Data(format!(
                            "error: {path}:{n}: the header row (--header-row {n}) is empty\n  = help: point --header-row at the row that names the columns"
                        )));
                    }
                    _ => {}
                }
            }
        }
    };
    let headers: Vec<String> = header
        .iter()
        .map(|h| h.trim_start_matches('\u{feff}').trim().to_string())
        .collect();

    // Files scored together are one table: their headers must agree (in any order).
    match &table.first_header {
        None => table.first_header = Some((path.to_string(), headers.clone())),
        Some((first, expected)) => {
            let only_here: Vec<&str> = headers
                .iter()
                .filter(|h| !h.is_empty() && !expected.contains(h))
                .map(String::as_str)
                .collect();
            let only_there: Vec<&str> = expected
                .iter()
                .filter(|h| !h.is_empty() && !headers.contains(h))
                .map(String::as_str)
                .collect();
            if !only_here.is_empty() || !only_there.is_empty() {
                let list = |v: &[&str]| {
                    if v.is_empty() {
                        "(none)".to_string()
                    } else {
                        v.join(", ")
                    }
                };
                return Err(Error::Data(format!(
                    "error: {path} and {first} have different headers, so they cannot be scored as one table\n  --> {path}:{header_row}\n  only in {path}: {}\n  only in {first}: {}\n  = help: give every file the same columns (the order may differ)",
                    list(&only_here),
                    list(&only_there)
                )));
            }
        }
    }
    if headers.iter().all(String::is_empty) {
        return Err(Error::Data(format!(
            "error: {path}:{header_row}: the header row is empty\n  = help: the header must name the columns, e.g. {},…; use --header-row N if the header is further down",
            rubric.id_column
        )));
    }
    // Look every rubric column up first, so one message names every missing one.
    let mut missing: Vec<String> = Vec::new();
    let mut find = |name: &str, what: &str| -> Result<Option<usize>> {
        let mut hits = headers
            .iter()
            .enumerate()
            .filter(|(_, h)| h.as_str() == name)
            .map(|(i, _)| i);
        match (hits.next(), hits.next()) {
            (Some(one), None) => Ok(Some(one)),
            (None, _) => {
                let hint = closest(name, headers.iter().map(String::as_str))
                    .map_or(String::new(), |best| format!("; did you mean `{best}`?"));
                missing.push(format!("  no column `{name}` ({what}){hint}"));
                Ok(None)
            }
            (Some(first), Some(second)) => Err(Error::Data(format!(
                "error: {path}:{header_row}: the column `{name}` appears twice (columns {} and {})\n  = help: rename or remove one of them",
                first + 1,
                second + 1
            ))),
        }
    };
    let id_col = find(&rubric.id_column, "the rubric's `id` column")?;
    let label_col = match rubric.label_column.as_deref() {
        Some(c) => find(c, "the rubric's `label` column")?,
        None => None,
    };
    let group_col = match rubric.group_column.as_deref() {
        Some(c) => find(c, "the rubric's `group` column")?,
        None => None,
    };
    let mut found = Vec::with_capacity(rubric.indicators.len());
    for ind in &rubric.indicators {
        found.push(find(&ind.column, &format!("indicator `{}`", ind.id))?);
    }
    let (Some(id_col), Some(ind_cols)) = (id_col, found.into_iter().collect::<Option<Vec<usize>>>()) else {
        let noun = if missing.len() == 1 { "a column" } else { "columns" };
        return Err(Error::Data(format!(
            "error: {path} lacks {noun} the rubric needs\n  --> {path}:{header_row}\n{}\n  = help: rename the header(s), or set the rubric's `column` to the name the data uses",
            missing.join("\n")
        )));
    };
    if !missing.is_empty() {
        return Err(Error::Data(format!(
            "error: {path} lacks a column the rubric names\n  --> {path}:{header_row}\n{}\n  = help: rename the header, or correct the rubric's `label`/`group`",
            missing.join("\n")
        )));
    }
    let file_index = table.files.len() - 1;
    table.columns.push(ind_cols.iter().map(|c| c + 1).collect());

    let na: Vec<&str> = rubric.na.iter().map(|s| s.trim()).collect();
    let mut cell_errors: Vec<String> = Vec::new();
    let mut error_count = 0usize;
    let units_before = table.units.len();
    for record in records {
        let (row, record) = record?;
        // Rows of nothing but empty cells are what Excel leaves below a table.
        if blank(&record) {
            continue;
        }
        if record.len() != headers.len() {
            return Err(Error::Data(format!(
                "error: {path}:{row}: this row has {} fields but the header has {}\n  = help: a quote left open or a stray comma inside an unquoted cell shifts the columns; quote cells that contain commas",
                record.len(),
                headers.len()
            )));
        }
        let field = |c: usize| record.get(c).unwrap_or("").trim();
        let id = field(id_col);
        if id.is_empty() {
            return Err(Error::Data(format!(
                "error: {path}:{row}:{}: the id cell (column `{}`) is empty\n  = help: every unit needs an id",
                id_col + 1,
                rubric.id_column
            )));
        }
        for (k, &c) in ind_cols.iter().enumerate() {
            let cell = field(c);
            let value = match parse_cell(cell, &na) {
                Ok(v) => v,
                Err(NotANumber) => {
                    error_count += 1;
                    if cell_errors.len() < MAX_LISTED_ERRORS {
                        cell_errors.push(format!(
                            "  --> {path}:{row}:{} (column `{}`): \"{}\" is not a number",
                            c + 1,
                            rubric.indicators[k].column,
                            record.get(c).unwrap_or("")
                        ));
                    }
                    None
                }
            };
            table.values[k].push(value);
        }
        let optional = |c: Option<usize>| c.map(|c| field(c).to_string());
        table.units.push(Unit {
            id: id.to_string(),
            label: optional(label_col),
            group: optional(group_col),
            file: file_index,
            row,
        });
    }
    if error_count > 0 {
        let more = if error_count > cell_errors.len() {
            format!("\n  … and {} more", error_count - cell_errors.len())
        } else {
            String::new()
        };
        let noun = if error_count == 1 { "cell is" } else { "cells are" };
        return Err(Error::Data(format!(
            "error: {error_count} {noun} not a number\n{}{more}\n  = help: write plain numbers (1234.5, \"1,234.5\", 12%); mark a missing value with one of the rubric's `na` tokens ({})",
            cell_errors.join("\n"),
            na.iter().map(|s| format!("{s:?}")).collect::<Vec<_>>().join(", ")
        )));
    }
    if table.units.len() == units_before {
        return Err(Error::Data(format!(
            "error: {path} has a header but no data rows\n  = help: add one row per unit below the header"
        )));
    }
    Ok(())
}

fn check_duplicate_ids(table: &Table) -> Result<()> {
    let mut first: HashMap<&str, usize> = HashMap::with_capacity(table.units.len());
    for (i, u) in table.units.iter().enumerate() {
        if let Some(&j) = first.get(u.id.as_str()) {
            let a = &table.units[j];
            return Err(Error::Data(format!(
                "error: duplicate id `{}`: {}:{} and {}:{}\n  = help: each unit must appear once; remove or renumber one of the rows",
                u.id, table.files[a.file].path, a.row, table.files[u.file].path, u.row
            )));
        }
        first.insert(&u.id, i);
    }
    Ok(())
}

/// A cell that is neither a number nor a missing-value token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NotANumber;

/// Parses one data cell: `Ok(None)` for a missing-value token, `Ok(Some(x))`
/// for a finite number, `Err(NotANumber)` for anything else.
///
/// Accepted beyond plain numbers, as Chinese spreadsheets write them:
/// surrounding (also full-width) spaces, full-width digits and signs,
/// thousands separators between groups of three digits, and a trailing `%`
/// (which is ignored: the rubric's `unit` says what the number means).
pub fn parse_cell(cell: &str, na: &[&str]) -> std::result::Result<Option<f64>, NotANumber> {
    let trimmed = cell.trim();
    if na.contains(&trimmed) {
        return Ok(None);
    }
    let mut s = String::with_capacity(trimmed.len());
    for c in trimmed.chars() {
        s.push(match c {
            '０'..='９' => char::from_u32(c as u32 - 0xFEE0).ok_or(NotANumber)?,
            '．' => '.',
            '－' | '−' => '-',
            '＋' => '+',
            '，' => ',',
            '％' => '%',
            'Ｅ' | 'ｅ' => 'e',
            _ => c,
        });
    }
    let s = s.trim();
    let s = s.strip_suffix('%').map_or(s, str::trim_end);
    let plain = if s.contains(',') {
        strip_thousands(s).ok_or(NotANumber)?
    } else {
        s.to_string()
    };
    // Rust's parser also takes "inf", "NaN" and "infinity": only digits, a
    // sign, a point and an exponent are numbers here.
    if plain.is_empty()
        || !plain
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, '.' | '-' | '+' | 'e' | 'E'))
    {
        return Err(NotANumber);
    }
    match plain.parse::<f64>() {
        Ok(x) if x.is_finite() => Ok(Some(x)),
        _ => Err(NotANumber),
    }
}

/// "1,234,567.5" → "1234567.5"; `None` unless the commas sit between groups
/// of three digits in the integer part (so "1,5" is not silently 15).
fn strip_thousands(s: &str) -> Option<String> {
    let (sign, rest) = match s.strip_prefix(['-', '+']) {
        Some(r) => (&s[..1], r),
        None => ("", s),
    };
    let (int, frac) = match rest.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (rest, None),
    };
    let groups: Vec<&str> = int.split(',').collect();
    let (head, tail) = groups.split_first()?;
    let valid = !head.is_empty()
        && head.len() <= 3
        && head.chars().all(|c| c.is_ascii_digit())
        && tail
            .iter()
            .all(|g| g.len() == 3 && g.chars().all(|c| c.is_ascii_digit()));
    if !valid || frac.is_some_and(|f| f.contains(',')) {
        return None;
    }
    let mut out = format!("{sign}{}", groups.concat());
    if let Some(f) = frac {
        out.push('.');
        out.push_str(f);
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn na() -> Vec<&'static str> {
        crate::rubric::DEFAULT_NA.to_vec()
    }

    #[test]
    fn plain_and_messy_numbers() {
        let na = na();
        let p = |s: &str| parse_cell(s, &na);
        assert_eq!(p("12.5"), Ok(Some(12.5)));
        assert_eq!(p("  12.5 "), Ok(Some(12.5)));
        assert_eq!(p("\u{3000}７８．５\u{3000}"), Ok(Some(78.5)));
        assert_eq!(p("1,234.5"), Ok(Some(1234.5)));
        assert_eq!(p("1,234,567"), Ok(Some(1234567.0)));
        assert_eq!(p("－1，234"), Ok(Some(-1234.0)));
        assert_eq!(p("85%"), Ok(Some(85.0)));
        assert_eq!(p("85 ％"), Ok(Some(85.0)));
        assert_eq!(p("-3"), Ok(Some(-3.0)));
        assert_eq!(p("1e3"), Ok(Some(1000.0)));
        assert_eq!(p(".5"), Ok(Some(0.5)));
    }

    #[test]
    fn missing_tokens() {
        let na = na();
        for s in ["", "  ", "NA", "N/A", "n/a", "/", "-", "—", "…", " / "] {
            assert_eq!(parse_cell(s, &na), Ok(None), "{s:?}");
        }
        // Not in the list: an error, not a silent missing value.
        assert_eq!(parse_cell("na", &na), Err(NotANumber));
    }

    #[test]
    fn not_numbers() {
        let na = na();
        for s in [
            "NaN", "nan", "inf", "-inf", "infinity", "abc", "1,5", "12,34", "1.2.3", "%", "1e999", "12元", "0x10",
            "1,234,5",
        ] {
            assert_eq!(parse_cell(s, &na), Err(NotANumber), "{s:?}");
        }
    }

    #[test]
    fn decode_utf8_bom_and_gb18030() {
        assert_eq!(decode(b"\xEF\xBB\xBFa,b", "f", None).unwrap(), "a,b");
        let (gbk, _, _) = encoding_rs::GB18030.encode("村名,收入");
        assert_eq!(decode(&gbk, "f", None).unwrap(), "村名,收入");
        assert_eq!(decode(&gbk, "f", Some(Encoding::Gb18030)).unwrap(), "村名,收入");
        let e = decode(&gbk, "f", Some(Encoding::Utf8)).unwrap_err().to_string();
        assert!(e.contains("offset 0"), "{e}");
        let e = decode(b"\xFF\xFEa\x00", "f", None).unwrap_err().to_string();
        assert!(e.contains("UTF-16"), "{e}");
    }

    #[test]
    fn undecodable_bytes_are_an_error_with_offset() {
        // 0xFF is invalid in both UTF-8 and GB18030.
        let e = decode(b"ab\xFF", "f", None).unwrap_err().to_string();
        assert!(e.contains("offset 2"), "{e}");
    }
}
