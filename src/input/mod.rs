//! Reading village data: a CSV stream (UTF-8 or GB18030) or a workbook sheet
//! → records → a compact table of units and raw indicator values, with every
//! problem reported by file, row and column.
//!
//! CSV is read as a stream: one thread splits records while the others parse
//! batches of them in parallel (batches bounded in records and in bytes);
//! batches are put back in file order, so the table is the same whatever the
//! number of threads. A workbook is read into memory (it is a zip archive,
//! whose directory is at its end; at most 1 GiB) and its sheet streamed row
//! by row, keeping only the rubric's columns once the header is found.
//! Memory grows with the number of units, not with the file's bytes.

mod cell;
mod decode;
pub mod excel;
mod header;
mod records;
mod totals;

pub use cell::{Column, NotANumber, parse_cell, parse_plain_decimal};
pub use decode::{Encoding, decode, field_text, looks_like_workbook, sniff};
pub use header::header_key;
use records::Splitter;
pub(crate) use records::{Batch, Rec};

use crate::error::{Error, Result, echo};
use crate::rubric::Rubric;
use rayon::prelude::*;
use sha2::{Digest, Sha256};
use std::borrow::Cow;
use std::collections::BTreeMap;
use std::io::Read;
use std::sync::Mutex;

/// One record of a workbook sheet with its 1-based row number.
pub type Record = (usize, csv::StringRecord);

/// How to read data files; one builder for every reader.
#[derive(Debug, Clone, Default)]
pub struct ReadOptions {
    /// Force an encoding instead of detecting it.
    pub encoding: Option<Encoding>,
    /// 1-based row of the header (rows above it are titles and are skipped).
    pub header_row: Option<usize>,
    /// The sheet of a workbook to read (default: the first).
    pub sheet: Option<String>,
    /// Leave `InputFile::sha256` empty (only the JSON output shows it, and
    /// hashing a large file costs time on the reading thread).
    pub skip_checksums: bool,
}

/// One input file, as the JSON output names it.
#[derive(Debug, Clone)]
pub struct InputFile {
    pub path: String,
    pub sha256: String,
    /// The name used in messages: the path, and for a workbook its sheet
    /// (`book.xlsx[Sheet1]`).
    pub name: String,
}

/// Many short strings in one buffer (ids, labels, groups of a million units
/// without a million allocations).
#[derive(Debug, Clone, Default)]
pub struct TextColumn {
    text: String,
    ends: Vec<usize>,
}

impl TextColumn {
    pub fn push(&mut self, s: &str) {
        self.text.push_str(s);
        self.ends.push(self.text.len());
    }

    pub fn get(&self, i: usize) -> &str {
        let start = if i == 0 {
            0
        } else {
            self.ends.get(i - 1).copied().unwrap_or(0)
        };
        let end = self.ends.get(i).copied().unwrap_or(start);
        self.text.get(start..end).unwrap_or("")
    }

    pub fn len(&self) -> usize {
        self.ends.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    fn append(&mut self, other: &TextColumn) {
        let offset = self.text.len();
        self.text.push_str(&other.text);
        self.ends.extend(other.ends.iter().map(|e| e + offset));
    }
}

/// A text column of few distinct values (the group: a county of a
/// thousand villages), as one small code per unit.
#[derive(Debug, Clone, Default)]
pub struct CodedText {
    names: Vec<String>,
    index: std::collections::HashMap<String, u32>,
    codes: Vec<u32>,
}

impl CodedText {
    fn code_of(&mut self, s: &str) -> u32 {
        if let Some(&code) = self.index.get(s) {
            return code;
        }
        // Codes fit: a table in memory has fewer than 2³² units.
        let code = u32::try_from(self.names.len()).unwrap_or(u32::MAX);
        self.names.push(s.to_string());
        self.index.insert(s.to_string(), code);
        code
    }

    pub fn push(&mut self, s: &str) {
        let code = self.code_of(s);
        self.codes.push(code);
    }

    pub fn get(&self, i: usize) -> &str {
        self.code(i).and_then(|c| self.names.get(c)).map_or("", String::as_str)
    }

    /// The index of unit `i`'s value among the distinct values (in order of first appearance).
    pub fn code(&self, i: usize) -> Option<usize> {
        self.codes.get(i).map(|&c| c as usize)
    }

    /// How many distinct values.
    pub fn distinct(&self) -> usize {
        self.names.len()
    }

    fn append(&mut self, other: &CodedText) {
        let map: Vec<u32> = other.names.iter().map(|name| self.code_of(name)).collect();
        self.codes
            .extend(other.codes.iter().map(|&c| map.get(c as usize).copied().unwrap_or(0)));
    }
}

/// The data of a run: units in input order, and per indicator (rubric
/// order) the raw value of each unit.
#[derive(Debug, Clone, Default)]
pub struct Table {
    pub files: Vec<InputFile>,
    ids: TextColumn,
    labels: Option<TextColumn>,
    groups: Option<CodedText>,
    /// Per unit: index into `files`.
    file_of: Vec<u32>,
    /// Per unit: 1-based row in its file (the header row is 1).
    row_of: Vec<u64>,
    /// Per indicator (rubric order): the raw values.
    pub values: Vec<Column>,
    /// Per file, per indicator: the 1-based column number it was read from.
    pub columns: Vec<Vec<usize>>,
    /// The first file's name and header, which every other file must share.
    first_header: Option<(String, Vec<String>)>,
    /// What reading noticed and the user should hear (rows left out, the
    /// header row found, implausible cells): the first warnings of a run.
    pub notes: Vec<String>,
}

impl Table {
    fn new(rubric: &Rubric) -> Table {
        Table {
            labels: rubric.label_column.as_ref().map(|_| TextColumn::default()),
            groups: rubric.group_column.as_ref().map(|_| CodedText::default()),
            values: vec![Column::default(); rubric.indicators.len()],
            ..Table::default()
        }
    }

    /// The number of units.
    pub fn len(&self) -> usize {
        self.ids.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }

    pub fn id(&self, u: usize) -> &str {
        self.ids.get(u)
    }

    /// Reads unit `u`'s texts and returns something of them (see [`crate::engine::Scored::touch`]).
    pub fn touch(&self, u: usize) -> u64 {
        let first = |t: &str| u64::from(t.as_bytes().first().copied().unwrap_or(0));
        first(self.id(u)) ^ self.label(u).map_or(0, first) ^ self.group(u).map_or(0, first)
    }

    pub fn label(&self, u: usize) -> Option<&str> {
        self.labels.as_ref().map(|l| l.get(u))
    }

    pub fn group(&self, u: usize) -> Option<&str> {
        self.groups.as_ref().map(|g| g.get(u))
    }

    /// Unit `u`'s group as an index among the groups, and how many groups
    /// there are (`None` without a group column).
    pub fn group_code(&self, u: usize) -> Option<(usize, usize)> {
        let groups = self.groups.as_ref()?;
        Some((groups.code(u)?, groups.distinct()))
    }

    /// Index into `files` of the file unit `u` came from.
    pub fn file(&self, u: usize) -> usize {
        self.file_of.get(u).map_or(0, |&f| f as usize)
    }

    /// The 1-based row of unit `u` in its file.
    pub fn row(&self, u: usize) -> u64 {
        self.row_of.get(u).copied().unwrap_or(0)
    }

    /// The raw value of indicator `i` for unit `u`.
    #[inline]
    pub fn value(&self, i: usize, u: usize) -> Option<f64> {
        self.values.get(i).and_then(|c| c.get(u))
    }

    /// "file:row:column (column name)" of one cell, for messages.
    pub fn cell_location(&self, rubric: &Rubric, unit: usize, indicator: usize) -> String {
        let file = self.file(unit);
        let col = self
            .columns
            .get(file)
            .and_then(|c| c.get(indicator))
            .copied()
            .unwrap_or(0);
        format!(
            "{}:{}:{} (column `{}`, unit `{}`)",
            self.files.get(file).map_or("", |f| f.name.as_str()),
            self.row(unit),
            col,
            echo(&rubric.indicators[indicator].column),
            echo(self.id(unit))
        )
    }

    /// Leaves units out (`drop` in increasing order): rows found to be
    /// totals rows once the whole file was read.
    fn remove_units(&mut self, drop: &[usize]) {
        if drop.is_empty() {
            return;
        }
        let mut dropped = drop.iter().peekable();
        let keep: Vec<bool> = (0..self.len())
            .map(|u| {
                let gone = dropped.peek() == Some(&&u);
                if gone {
                    dropped.next();
                }
                !gone
            })
            .collect();
        let kept = |u: &usize| keep.get(*u).copied().unwrap_or(false);
        let mut ids = TextColumn::default();
        (0..self.len()).filter(kept).for_each(|u| ids.push(self.ids.get(u)));
        if let Some(labels) = &self.labels {
            let mut new = TextColumn::default();
            (0..self.len()).filter(kept).for_each(|u| new.push(labels.get(u)));
            self.labels = Some(new);
        }
        if let Some(groups) = &self.groups {
            let mut new = CodedText::default();
            (0..self.len()).filter(kept).for_each(|u| new.push(groups.get(u)));
            self.groups = Some(new);
        }
        let mut u = 0;
        self.file_of.retain(|_| {
            u += 1;
            kept(&(u - 1))
        });
        let mut u = 0;
        self.row_of.retain(|_| {
            u += 1;
            kept(&(u - 1))
        });
        for column in &mut self.values {
            *column = column
                .iter()
                .enumerate()
                .filter(|(u, _)| kept(u))
                .map(|(_, v)| v)
                .collect();
        }
        self.ids = ids;
    }

    fn append(&mut self, part: &Part) {
        self.ids.append(&part.ids);
        if let (Some(mine), Some(theirs)) = (&mut self.labels, &part.labels) {
            mine.append(theirs);
        }
        if let (Some(mine), Some(theirs)) = (&mut self.groups, &part.groups) {
            mine.append(theirs);
        }
        self.file_of.extend(std::iter::repeat_n(part.file, part.rows.len()));
        self.row_of.extend_from_slice(&part.rows);
        for (mine, theirs) in self.values.iter_mut().zip(&part.values) {
            mine.append(theirs);
        }
    }
}

/// The most cell errors listed in one message before "and N more".
const MAX_LISTED_ERRORS: usize = 20;

/// The longest line a data file may have. A row of village data is at most
/// a few kilobytes; a line this long is a broken or hostile file, and is
/// refused before it is read on into memory.
pub const MAX_LINE_BYTES: usize = 64 << 20;

/// Records handed to a parsing thread at a time.
const BATCH_RECORDS: usize = 16 * 1024;
/// Bytes handed to a parsing thread at a time (the records and their field
/// ends): long lines make few records many bytes, and memory stays a small
/// multiple of this.
const BATCH_BYTES: usize = 16 << 20;
/// Bytes of batches out with parsing threads at once; the reading thread
/// waits beyond it (see [`InFlight`]).
const IN_FLIGHT_BYTES: usize = 64 << 20;

/// Reads every data file (`-` is standard input) as one table for `rubric`.
pub fn load(paths: &[String], rubric: &Rubric, options: &ReadOptions) -> Result<Table> {
    if paths.is_empty() {
        return Err(Error::Usage(
            "no data file given; name one or more CSV files, or - for standard input".into(),
        ));
    }
    if paths.iter().filter(|p| p.as_str() == "-").count() > 1 {
        return Err(Error::Usage("standard input (-) is named twice".into()));
    }
    let mut table = Table::new(rubric);
    for path in paths {
        if path == "-" {
            read_source(std::io::stdin(), "<stdin>", false, rubric, options, &mut table)?;
        } else {
            let file = std::fs::File::open(path).map_err(|e| Error::io(path, "read the data file", &e))?;
            if file.metadata().is_ok_and(|m| m.is_dir()) {
                let e = std::io::Error::from(std::io::ErrorKind::IsADirectory);
                return Err(Error::io(path, "read the data file", &e));
            }
            let size = file.metadata().map_or(0, |m| m.len());
            let progress = progress_bar(path, size);
            let result = read_source(
                ProgressReader {
                    inner: file,
                    progress: &progress,
                },
                path,
                excel::is_workbook(path),
                rubric,
                options,
                &mut table,
            );
            progress.finish_and_clear();
            result?;
        }
    }
    check_duplicate_ids(&table)?;
    Ok(table)
}

/// Files at least this big show a progress bar while read (when stderr is a
/// terminal): a few seconds of reading.
const PROGRESS_BYTES: u64 = 64 << 20;

/// A progress bar on stderr for a big file, hidden when stderr is not a
/// terminal (scripts and CI see nothing).
fn progress_bar(path: &str, size: u64) -> indicatif::ProgressBar {
    use std::io::IsTerminal;
    if size < PROGRESS_BYTES || !std::io::stderr().is_terminal() {
        return indicatif::ProgressBar::hidden();
    }
    let bar = indicatif::ProgressBar::with_draw_target(Some(size), indicatif::ProgressDrawTarget::stderr_with_hz(8));
    if let Ok(style) = indicatif::ProgressStyle::with_template("{msg} [{bar:30}] {bytes}/{total_bytes} ({eta} left)") {
        bar.set_style(style.progress_chars("=> "));
    }
    bar.set_message(format!("reading {path}"));
    bar
}

/// Counts the bytes read into a progress bar.
struct ProgressReader<'p, R> {
    inner: R,
    progress: &'p indicatif::ProgressBar,
}

impl<R: Read> Read for ProgressReader<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.progress.inc(n as u64);
        Ok(n)
    }
}

/// Builds the table from data already in memory: `(name for messages, bytes)`.
pub fn from_bytes(sources: &[(String, Vec<u8>)], rubric: &Rubric, options: &ReadOptions) -> Result<Table> {
    let mut table = Table::new(rubric);
    for (name, bytes) in sources {
        let workbook = excel::is_workbook(name);
        read_source(bytes.as_slice(), name, workbook, rubric, options, &mut table)?;
    }
    check_duplicate_ids(&table)?;
    Ok(table)
}

/// Reads one source: a workbook (by name or by its magic bytes) whole, a
/// CSV as a stream.
fn read_source<R: Read + Send>(
    reader: R,
    path: &str,
    workbook: bool,
    rubric: &Rubric,
    options: &ReadOptions,
    table: &mut Table,
) -> Result<()> {
    let mut reader = Guard::new(reader, path, workbook);
    if options.skip_checksums {
        reader.hasher = None;
    }
    let mut head = Vec::new();
    (&mut reader)
        .take(1 << 20)
        .read_to_end(&mut head)
        .map_err(|e| reader.error(&e))?;
    if workbook || looks_like_workbook(&head) {
        reader.binary = true;
        excel::check_magic(&head, path)?;
        let bytes = read_workbook_bytes(head, &mut reader)?;
        let sha256 = reader.finish();
        return read_workbook(&bytes, path, sha256, rubric, options, table);
    }
    if let Some(sheet) = &options.sheet {
        return Err(Error::Usage(format!(
            "--sheet {} names a sheet of a workbook, but {path} is a CSV file, which has no sheets\n  = help: leave out --sheet for CSV input",
            echo(sheet)
        )));
    }
    let complete = head.len() < 1 << 20;
    let encoding = sniff(&head, complete, path, options.encoding)?;
    // Excel's "CSV (Macintosh)" ends lines with a lone CR: read them as line ends.
    let cr_lines = records::cr_line_ends(&head);
    if cr_lines {
        reader.line_end = b'\r';
    }
    let stream = std::io::BufReader::with_capacity(
        1 << 20,
        records::CrToLf::new(std::io::Cursor::new(head).chain(&mut reader), cr_lines),
    );
    let mut splitter = Splitter::new(stream, path, |e, path| match guard_message(e) {
        Some(message) => Error::Data(message),
        None => Error::io(path, "read the data file", e),
    });
    // The file's entry is completed (its checksum) once it is read through.
    table.files.push(InputFile {
        path: path.to_string(),
        sha256: String::new(),
        name: path.to_string(),
    });
    let layout = Layout::read(
        &mut |batch| splitter.read_into(batch),
        path,
        encoding,
        rubric,
        options,
        table,
    )?;
    let result = read_csv_rows(&mut splitter, &layout, rubric, table);
    drop(splitter);
    if let Some(file) = table.files.last_mut() {
        file.sha256 = reader.finish();
    }
    result
}

/// Reads the rest of a workbook (after its first bytes, `head`) into
/// memory, up to [`excel::MAX_WORKBOOK_BYTES`]: a zip archive is read
/// from its end, so the whole file is needed, but never more than a real
/// workbook is (`/dev/zero` renamed, or endless input, is refused there).
fn read_workbook_bytes<R: Read>(head: Vec<u8>, reader: &mut Guard<R>) -> Result<Vec<u8>> {
    let limit = excel::MAX_WORKBOOK_BYTES;
    let mut bytes = head;
    let mut chunk = vec![0u8; 1 << 20];
    loop {
        let n = match reader.read(&mut chunk) {
            Ok(0) => return Ok(bytes),
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(reader.error(&e)),
        };
        if bytes.len() + n > limit {
            return Err(excel::too_big(&reader.path));
        }
        // Grow by doubling, but never past the limit (a doubling from just
        // under it would ask for twice the limit).
        if bytes.capacity() - bytes.len() < n {
            let wanted = (bytes.capacity() * 2).clamp(bytes.len() + n, limit);
            bytes.try_reserve_exact(wanted - bytes.len()).map_err(|_| {
                Error::Data(format!(
                    "error: not enough memory to read {} ({} MiB so far)\n  = help: export the sheet as CSV, which is read as a stream",
                    reader.path,
                    bytes.len() >> 20
                ))
            })?;
        }
        bytes.extend_from_slice(chunk.get(..n).unwrap_or(&[]));
    }
}

/// Reads one sheet of a workbook in memory: rows stream from the sheet, and
/// once the header is found only the columns the rubric reads are kept.
fn read_workbook(
    bytes: &[u8],
    path: &str,
    sha256: String,
    rubric: &Rubric,
    options: &ReadOptions,
    table: &mut Table,
) -> Result<()> {
    excel::with_sheet(bytes, path, options.sheet.as_deref(), |shown, rows| {
        table.files.push(InputFile {
            path: path.to_string(),
            sha256,
            name: shown.to_string(),
        });
        let file_index = table.files.len() - 1;
        let mut layout = Layout::read(
            &mut |batch| rows.read_into(batch),
            shown,
            Encoding::Utf8,
            rubric,
            options,
            table,
        )?;
        // A sheet row ends at its last non-empty cell: shorter rows are fine.
        layout.short_rows = true;
        rows.keep_only(&layout.keep_only_used());
        let mut merger = Merger::new(&layout, table);
        let mut batch = Batch::default();
        for index in 0.. {
            batch.clear();
            let (mut more, mut failed) = (true, None);
            while more && batch.len() < BATCH_RECORDS && batch.bytes() < BATCH_BYTES {
                match rows.read_into(&mut batch) {
                    Ok(true) => {}
                    Ok(false) => more = false,
                    Err(e) => (more, failed) = (false, Some(e)),
                }
            }
            let mut next = index;
            if !batch.is_empty() {
                merger.add(index, Ok(layout.parse(&batch, rubric, file_index)));
                next += 1;
            }
            if let Some(e) = failed {
                merger.add(next, Err(e));
            }
            if !more || merger.fatal.is_some() {
                break;
            }
        }
        merger.finish()
    })
}

/// Memory handed to parsing threads and not yet given back, in batches'
/// bytes: the reading thread waits while more than [`IN_FLIGHT_BYTES`] is
/// out (but always sends one batch, however big).
#[derive(Default)]
struct InFlight {
    bytes: Mutex<usize>,
    returned: std::sync::Condvar,
}

impl InFlight {
    fn take(&self, n: usize) {
        let Ok(mut out) = self.bytes.lock() else { return };
        while *out > 0 && *out + n > IN_FLIGHT_BYTES {
            out = match self.returned.wait(out) {
                Ok(out) => out,
                Err(_) => return,
            };
        }
        *out += n;
    }

    fn give(&self, n: usize) {
        if let Ok(mut out) = self.bytes.lock() {
            *out = out.saturating_sub(n);
        }
        self.returned.notify_all();
    }
}

/// Reads the data rows of a CSV: one thread splits records into batches
/// (capped in records and in bytes), the others parse them; parts are put
/// back in file order. Reading stops at the first error that stops the run.
fn read_csv_rows<R: std::io::BufRead + Send>(
    splitter: &mut Splitter<R>,
    layout: &Layout,
    rubric: &Rubric,
    table: &mut Table,
) -> Result<()> {
    let file_index = table.files.len() - 1;
    let merger = Mutex::new(Merger::new(layout, table));
    let stop = std::sync::atomic::AtomicBool::new(false);
    let in_flight = InFlight::default();
    std::thread::scope(|scope| {
        let (batches, received) = std::sync::mpsc::sync_channel::<(usize, Result<Batch>)>(4);
        // Parsed batches come back to be filled again: no allocation per record.
        let (recycle, recycled) = std::sync::mpsc::channel::<Batch>();
        let (stop, in_flight) = (&stop, &in_flight);
        scope.spawn(move || {
            for index in 0.. {
                let mut batch = recycled.try_recv().unwrap_or_default();
                batch.clear();
                let (mut more, mut failed) = (true, None);
                while more && batch.len() < BATCH_RECORDS && batch.bytes() < BATCH_BYTES {
                    match splitter.read_into(&mut batch) {
                        Ok(true) => {}
                        Ok(false) => more = false,
                        Err(e) => (more, failed) = (false, Some(e)),
                    }
                }
                if stop.load(std::sync::atomic::Ordering::Relaxed) {
                    return;
                }
                let mut next = index;
                if !batch.is_empty() {
                    in_flight.take(batch.bytes());
                    if batches.send((index, Ok(batch))).is_err() {
                        return;
                    }
                    next += 1;
                }
                if let Some(e) = failed {
                    let _ = batches.send((next, Err(e)));
                    return;
                }
                if !more {
                    return;
                }
            }
        });
        received.into_iter().par_bridge().for_each(|(index, batch)| {
            let part = match batch {
                Ok(batch) => {
                    let part = layout.parse(&batch, rubric, file_index);
                    in_flight.give(batch.bytes());
                    // A batch that held a huge record gives its memory back.
                    if !batch.oversized(BATCH_BYTES) {
                        let _ = recycle.send(batch);
                    }
                    Ok(part)
                }
                Err(e) => Err(e),
            };
            if let Ok(mut m) = merger.lock() {
                m.add(index, part);
                if m.fatal.is_some() {
                    stop.store(true, std::sync::atomic::Ordering::Relaxed);
                }
            }
        });
    });
    let merger = merger
        .into_inner()
        .map_err(|_| Error::Io("error: a reading thread failed".into()))?;
    merger.finish()
}

/// Wraps a data source: hashes every byte (for the JSON output's checksum)
/// and refuses a text line longer than [`MAX_LINE_BYTES`] when it is seen.
struct Guard<R> {
    inner: R,
    path: String,
    binary: bool,
    hasher: Option<Sha256>,
    line_len: usize,
    line_no: u64,
    /// The last byte read, to tell whether the data ends with a line break.
    last_byte: Option<u8>,
    /// The byte that ends a line (`\r` in a file with CR-only line ends).
    line_end: u8,
}

/// The I/O error a [`Guard`] raises for an over-long line.
#[derive(Debug)]
struct LineTooLong(String);

impl std::fmt::Display for LineTooLong {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for LineTooLong {}

fn guard_message(e: &std::io::Error) -> Option<String> {
    e.get_ref()
        .and_then(|inner| inner.downcast_ref::<LineTooLong>())
        .map(|l| l.0.clone())
}

impl<R: Read> Guard<R> {
    fn new(inner: R, path: &str, binary: bool) -> Guard<R> {
        Guard {
            inner,
            path: path.to_string(),
            binary,
            hasher: Some(Sha256::new()),
            line_len: 0,
            line_no: 1,
            last_byte: None,
            line_end: b'\n',
        }
    }

    fn error(&self, e: &std::io::Error) -> Error {
        match guard_message(e) {
            Some(message) => Error::Data(message),
            None => Error::io(&self.path, "read the data file", e),
        }
    }

    /// The hex SHA-256 of everything read.
    fn finish(&mut self) -> String {
        let Some(hasher) = self.hasher.take() else {
            return String::new();
        };
        let digest = hasher.finalize();
        digest.iter().map(|b| format!("{b:02x}")).collect()
    }
}

impl<R: Read> Read for Guard<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        let part = &buf[..n];
        if let Some(hasher) = &mut self.hasher {
            hasher.update(part);
        }
        if let Some(&b) = part.last() {
            self.last_byte = Some(b);
        }
        if !self.binary {
            let mut rest = part;
            while let Some(at) = memchr::memchr(self.line_end, rest) {
                self.line_len += at;
                self.check()?;
                self.line_len = 0;
                self.line_no += 1;
                rest = &rest[at + 1..];
            }
            self.line_len += rest.len();
            self.check()?;
        }
        Ok(n)
    }
}

impl<R> Guard<R> {
    fn check(&self) -> std::io::Result<()> {
        if self.line_len > MAX_LINE_BYTES {
            return Err(std::io::Error::other(LineTooLong(format!(
                "error: {}:{}: this line is longer than {} MiB; no row of data is that long\n  = help: the file is damaged or not a CSV file (a quote left open makes the rest of a file one cell)",
                self.path,
                self.line_no,
                MAX_LINE_BYTES >> 20
            ))));
        }
        Ok(())
    }
}

/// Whether a field is empty once spaces (also full-width ones) are trimmed.
pub(crate) fn is_blank(field: &[u8], encoding: Encoding) -> bool {
    let trimmed = field.trim_ascii();
    trimmed.is_empty()
        || (!trimmed.is_ascii()
            && field_text(trimmed, encoding)
                .is_ok_and(|t| t.trim_matches(['\u{feff}', ' ', '\u{3000}', '\t']).trim().is_empty()))
}

/// Where the rubric's columns are in one file, from its header.
struct Layout {
    path: String,
    encoding: Encoding,
    width: usize,
    id: usize,
    label: Option<usize>,
    group: Option<usize>,
    /// Per indicator: its 0-based field index.
    indicators: Vec<usize>,
    /// The rubric's missing-value tokens, trimmed.
    na: Vec<String>,
    /// Whether a plain decimal could be a missing-value token (then the fast
    /// path must look tokens up first).
    numeric_na: bool,
    /// Whether rows may have fewer or more fields than the header (sheets,
    /// whose rows end at their last non-empty cell).
    short_rows: bool,
    /// Where the rubric's `na` list is (see [`na_place`]).
    na_place: String,
    /// Per field: its 0-based column in the file, when records hold only
    /// the columns the rubric reads (see [`Layout::keep_only_used`]); empty
    /// when fields are the file's columns.
    columns: Vec<usize>,
}

impl Layout {
    fn read(
        next: &mut dyn FnMut(&mut Batch) -> Result<bool>,
        path: &str,
        encoding: Encoding,
        rubric: &Rubric,
        options: &ReadOptions,
        table: &mut Table,
    ) -> Result<Layout> {
        let found = header::find(next, path, encoding, rubric, options)?;
        let (header_row, headers) = (found.row, &found.headers);
        // Files scored together are one table: their headers must agree (in any order).
        match &table.first_header {
            None => table.first_header = Some((path.to_string(), headers.clone())),
            Some((first, expected)) => header::check_same(path, header_row, headers, first, expected)?,
        }
        if headers.iter().all(String::is_empty) {
            return Err(Error::Data(format!(
                "error: {path}:{header_row}: the header row is empty\n  = help: the header must name the columns, e.g. {},…; use --header-row N if the header is further down",
                echo(&rubric.id_column)
            )));
        }
        // Look every rubric column up first, so one message names every missing one.
        let matcher = header::Matcher::new(headers);
        let mut missing: Vec<String> = Vec::new();
        let mut find = |name: &str, what: &str| -> Result<Option<usize>> {
            Ok(match matcher.find(name, what, path, header_row)? {
                Ok(i) => Some(i),
                Err(m) => {
                    missing.push(m.line);
                    None
                }
            })
        };
        let id = find(&rubric.id_column, "the rubric's `id` column")?;
        let label = match rubric.label_column.as_deref() {
            Some(c) => find(c, "the rubric's `label` column")?,
            None => None,
        };
        let group = match rubric.group_column.as_deref() {
            Some(c) => find(c, "the rubric's `group` column")?,
            None => None,
        };
        let mut indicators_found = Vec::with_capacity(rubric.indicators.len());
        for ind in &rubric.indicators {
            indicators_found.push(find(&ind.column, &format!("indicator `{}`", ind.id))?);
        }
        let advice = found
            .advice
            .as_ref()
            .map_or(String::new(), |a| format!("\n  = help: {a}"));
        let (Some(id), Some(indicators)) = (id, indicators_found.into_iter().collect::<Option<Vec<usize>>>()) else {
            let noun = if missing.len() == 1 { "a column" } else { "columns" };
            return Err(Error::Data(format!(
                "error: {path} lacks {noun} the rubric needs\n  --> {path}:{header_row}\n{}\n  = help: rename the header(s), or set the rubric's `column` to the name the data uses{advice}",
                missing.join("\n")
            )));
        };
        if !missing.is_empty() {
            return Err(Error::Data(format!(
                "error: {path} lacks a column the rubric names\n  --> {path}:{header_row}\n{}\n  = help: rename the header, or correct the rubric's `label`/`group`{advice}",
                missing.join("\n")
            )));
        }
        table.notes.extend(found.note);
        table.columns.push(indicators.iter().map(|c| c + 1).collect());
        let na: Vec<String> = rubric.na.iter().map(|s| s.trim().to_string()).collect();
        let numeric_na = na
            .iter()
            .any(|t| !t.is_empty() && parse_plain_decimal(t.as_bytes()).is_some());
        Ok(Layout {
            path: path.to_string(),
            encoding,
            width: headers.len(),
            id,
            label,
            group,
            indicators,
            na,
            numeric_na,
            short_rows: false,
            na_place: na_place(rubric),
            columns: Vec::new(),
        })
    }

    /// The 0-based column of the file that field `c` comes from.
    fn column(&self, c: usize) -> usize {
        self.columns.get(c).copied().unwrap_or(c)
    }

    /// From now on records hold only the columns the rubric reads, in file
    /// order: renumbers the fields so, and returns those columns.
    fn keep_only_used(&mut self) -> Vec<usize> {
        let mut kept: Vec<usize> = [Some(self.id), self.label, self.group]
            .into_iter()
            .flatten()
            .chain(self.indicators.iter().copied())
            .collect();
        kept.sort_unstable();
        kept.dedup();
        let field = |c: usize| kept.binary_search(&c).unwrap_or(0);
        self.id = field(self.id);
        self.label = self.label.map(field);
        self.group = self.group.map(field);
        for c in &mut self.indicators {
            *c = field(*c);
        }
        self.width = kept.len();
        self.columns.clone_from(&kept);
        kept
    }

    /// The id or label of a row that names it a totals row.
    fn totals_name(&self, record: Rec<'_>) -> Option<String> {
        [Some(self.id), self.label].into_iter().flatten().find_map(|c| {
            let field = record.get(c)?;
            if totals::surely_not_totals(field) {
                return None;
            }
            let text = field_text(field, self.encoding).ok()?;
            totals::is_totals_name(&text).then(|| text.trim().to_string())
        })
    }

    /// Parses a batch of data records into a part of the table.
    fn parse(&self, records: &Batch, rubric: &Rubric, file: usize) -> Part {
        let mut part = Part {
            file: u32::try_from(file).unwrap_or(u32::MAX),
            labels: self.label.map(|_| TextColumn::default()),
            groups: self.group.map(|_| CodedText::default()),
            values: vec![Column::with_capacity(records.len()); self.indicators.len()],
            ..Part::default()
        };
        let na: Vec<&str> = self.na.iter().map(String::as_str).collect();
        let empty_is_missing = na.contains(&"");
        for record in records.iter() {
            let row = record.line();
            // Rows of nothing but empty cells are what Excel leaves below a
            // table. (A row with an id is not blank: the cheap test first.)
            let has_id = record.get(self.id).is_some_and(|f| !is_blank(f, self.encoding));
            if !has_id && !record.hidden() && record.iter().all(|f| is_blank(f, self.encoding)) {
                continue;
            }
            // A totals row is not a unit, whatever else is in it.
            if let Some(name) = self.totals_name(record) {
                part.totals += 1;
                if part.notes.len() < MAX_LISTED_ERRORS {
                    part.notes.push(format!(
                        "{}:{row}: `{}` is a totals row, not a unit: left out",
                        self.path,
                        echo(&name)
                    ));
                }
                continue;
            }
            // A sheet's rows end at their last non-empty cell, and cells to
            // the right of the header are in unnamed, ignored columns.
            if record.len() != self.width && !self.short_rows {
                part.fatal = Some(Error::Data(format!(
                    "error: {}:{row}: this row has {} fields but the header has {}\n  = help: a quote left open or a stray comma inside an unquoted cell shifts the columns; quote cells that contain commas",
                    self.path,
                    record.len(),
                    self.width
                )));
                return part;
            }
            let text = |c: usize| -> Result<Cow<'_, str>> {
                let field = record.get(c).unwrap_or(b"");
                field_text(field, self.encoding)
                    .map_err(|at| bad_text(&self.path, row, self.column(c), record, at, self.encoding))
            };
            let id = match text(self.id) {
                Ok(t) => t,
                Err(e) => {
                    part.fatal = Some(e);
                    return part;
                }
            };
            let id = id.trim();
            if id.is_empty() {
                part.fatal = Some(Error::Data(format!(
                    "error: {}:{row}:{}: the id cell (column `{}`) is empty\n  = help: every unit needs an id",
                    self.path,
                    self.column(self.id) + 1,
                    rubric.id_column
                )));
                return part;
            }
            for (k, &c) in self.indicators.iter().enumerate() {
                let field = record.get(c).unwrap_or(b"").trim_ascii();
                let column = &mut part.values[k];
                if field.is_empty() && empty_is_missing {
                    column.push_missing();
                    continue;
                }
                if !self.numeric_na
                    && let Some((m, d)) = parse_plain_decimal(field)
                {
                    column.push_decimal(m, d);
                    continue;
                }
                let parsed = match text(c) {
                    Ok(t) => parse_cell(&t, &na).map_err(|NotANumber| t.into_owned()),
                    Err(e) => {
                        part.fatal = Some(e);
                        return part;
                    }
                };
                match parsed {
                    Ok(v) => column.push(v),
                    Err(cell) => {
                        part.error_count += 1;
                        if part.cell_errors.len() < MAX_LISTED_ERRORS {
                            part.cell_errors.push(format!(
                                "  --> {}:{row}:{} (column `{}`): \"{}\" is not a number",
                                self.path,
                                self.column(c) + 1,
                                echo(&rubric.indicators[k].column),
                                echo(&cell)
                            ));
                        }
                        // A word (暂无, 未统计) may mark a missing value; 58.o does not.
                        if part.first_bad.is_none() && !cell.chars().any(char::is_numeric) {
                            part.first_bad = Some(cell);
                        }
                        column.push_missing();
                    }
                }
            }
            let pushed = (|| -> Result<()> {
                if let (Some(c), Some(labels)) = (self.label, &mut part.labels) {
                    labels.push(text(c)?.trim());
                }
                if let (Some(c), Some(groups)) = (self.group, &mut part.groups) {
                    groups.push(text(c)?.trim());
                }
                Ok(())
            })();
            if let Err(e) = pushed {
                part.fatal = Some(e);
                return part;
            }
            part.ids.push(id);
            part.rows.push(row);
        }
        part
    }
}

/// Where to declare a missing-value token: the rubric's file and the line
/// of its `na` list, or of `[rubric]` when it has none.
fn na_place(rubric: &Rubric) -> String {
    if rubric.source.builtin {
        return "of a rubric of your own (`linkscore init` writes one; pass it with --rubric)".to_string();
    }
    let path = &rubric.source.path;
    let mut in_rubric = false;
    let mut header_line = None;
    for (n, line) in rubric.source.text.lines().enumerate() {
        let line = line.trim_start_matches('\u{feff}').trim();
        if line.starts_with('[') {
            in_rubric = line
                .strip_prefix("[rubric]")
                .is_some_and(|rest| rest.trim().is_empty() || rest.trim().starts_with('#'));
            if in_rubric {
                header_line = Some(n + 1);
            }
            continue;
        }
        if in_rubric
            && let Some(rest) = line.strip_prefix("na")
            && rest.trim_start().starts_with('=')
        {
            return format!("({path}:{})", n + 1);
        }
    }
    match header_line {
        Some(n) => format!("({path}:{n})"),
        None => format!("({path})"),
    }
}

/// A cell whose bytes are not text in the file's encoding.
pub(crate) fn bad_text(path: &str, row: u64, c: usize, record: Rec<'_>, at: usize, encoding: Encoding) -> Error {
    let offset = record.byte();
    let name = match encoding {
        Encoding::Utf8 => "UTF-8",
        Encoding::Gb18030 => "GB18030/GBK",
    };
    Error::Data(format!(
        "error: {path}:{row}:{}: this cell is not valid {name} text (bad byte {at} bytes into the cell; the row starts at byte offset {offset})\n  = help: re-save the file in one encoding, or force it with --encoding",
        c + 1
    ))
}

/// A batch of parsed rows, appended to the table in file order.
#[derive(Default)]
struct Part {
    file: u32,
    ids: TextColumn,
    labels: Option<TextColumn>,
    groups: Option<CodedText>,
    rows: Vec<u64>,
    values: Vec<Column>,
    cell_errors: Vec<String>,
    error_count: usize,
    /// The text of the first cell that is not a number and has no digit.
    first_bad: Option<String>,
    /// Totals rows left out: how many, and the first few as warnings.
    totals: usize,
    notes: Vec<String>,
    /// An error that stops the reading (a ragged row, an empty id).
    fatal: Option<Error>,
}

/// Puts parsed batches back in file order and collects their errors.
struct Merger<'t> {
    path: String,
    na: Vec<String>,
    next: usize,
    pending: BTreeMap<usize, Result<Part>>,
    /// Parts are appended as soon as they are next in order, so the table
    /// is never held twice.
    table: &'t mut Table,
    before: usize,
    cell_errors: Vec<String>,
    error_count: usize,
    first_bad: Option<String>,
    /// How to declare a cell's text missing in the rubric (see [`na_advice`]).
    na_place: String,
    totals: usize,
    notes: Vec<String>,
    fatal: Option<Error>,
}

impl<'t> Merger<'t> {
    fn new(layout: &Layout, table: &'t mut Table) -> Merger<'t> {
        Merger {
            path: layout.path.clone(),
            na: layout.na.clone(),
            next: 0,
            pending: BTreeMap::new(),
            before: table.len(),
            table,
            cell_errors: Vec::new(),
            error_count: 0,
            first_bad: None,
            na_place: layout.na_place.clone(),
            totals: 0,
            notes: Vec::new(),
            fatal: None,
        }
    }

    fn add(&mut self, index: usize, part: Result<Part>) {
        self.pending.insert(index, part);
        while let Some(part) = self.pending.remove(&self.next) {
            self.next += 1;
            if self.fatal.is_some() {
                continue;
            }
            match part {
                Err(e) => self.fatal = Some(e),
                Ok(mut p) => {
                    self.fatal = p.fatal.take();
                    self.error_count += p.error_count;
                    let room = MAX_LISTED_ERRORS.saturating_sub(self.cell_errors.len());
                    self.cell_errors.extend(p.cell_errors.drain(..).take(room));
                    if self.first_bad.is_none() {
                        self.first_bad = p.first_bad.take();
                    }
                    self.totals += p.totals;
                    let room = MAX_LISTED_ERRORS.saturating_sub(self.notes.len());
                    self.notes.extend(p.notes.drain(..).take(room));
                    // Once a cell is bad the table is not kept: stop copying.
                    if self.error_count == 0 && self.fatal.is_none() {
                        self.table.append(&p);
                    }
                }
            }
        }
    }

    /// The first stopping error; else every cell error; else done.
    fn finish(self) -> Result<()> {
        if let Some(e) = self.fatal {
            return Err(e);
        }
        if self.error_count > 0 {
            let more = if self.error_count > self.cell_errors.len() {
                format!("\n  … and {} more", self.error_count - self.cell_errors.len())
            } else {
                String::new()
            };
            let noun = if self.error_count == 1 { "cell is" } else { "cells are" };
            let declare = match self.first_bad.as_deref() {
                Some(cell) => {
                    let token = echo(&cell.trim().replace('\\', "\\\\").replace('"', "\\\""));
                    format!(
                        "if \"{token}\" means the value is missing, declare it so: `na = [..., \"{token}\"]` in `[rubric]` {}",
                        self.na_place
                    )
                }
                None => format!(
                    "a word that marks a missing value is declared so: `na = [..., \"暂无\"]` in `[rubric]` {}",
                    self.na_place
                ),
            };
            return Err(Error::Data(format!(
                "error: {} {noun} not a number\n{}{more}\n  = help: write plain numbers (1234.5, \"1,234.5\", 12%); mark a missing value with one of the rubric's `na` tokens ({})\n  = help: {declare}",
                self.error_count,
                self.cell_errors.join("\n"),
                self.na
                    .iter()
                    .map(|s| format!("{:?}", echo(s)))
                    .collect::<Vec<_>>()
                    .join(", ")
            )));
        }
        if self.table.len() == self.before && self.totals == 0 {
            return Err(Error::Data(format!(
                "error: {} has a header but no data rows\n  = help: add one row per unit below the header",
                self.path
            )));
        }
        let mut notes = self.notes;
        if self.totals > notes.len() {
            notes.push(format!(
                "… and {} more totals rows left out of {}",
                self.totals - notes.len(),
                self.path
            ));
        }
        let by_values = totals::by_values(self.table, self.before);
        for &u in by_values.iter().take(MAX_LISTED_ERRORS) {
            notes.push(format!(
                "{}:{}: `{}` looks like a totals row (each of its values is the sum or the mean of the other rows'), not a unit: left out",
                self.path,
                self.table.row(u),
                echo(self.table.id(u))
            ));
        }
        if by_values.len() > MAX_LISTED_ERRORS {
            notes.push(format!(
                "… and {} more rows that look like totals rows left out of {}",
                by_values.len() - MAX_LISTED_ERRORS,
                self.path
            ));
        }
        self.table.remove_units(&by_values);
        self.table.notes.extend(notes);
        if self.table.len() == self.before {
            return Err(Error::Data(format!(
                "error: {} has no data rows besides its totals rows\n  = help: add one row per unit below the header",
                self.path
            )));
        }
        Ok(())
    }
}

fn check_duplicate_ids(table: &Table) -> Result<()> {
    // Sorted (hash, unit) pairs rather than a map of every id: a million ids
    // take 16 MB instead of about 50, and sort in parallel. Equal ids have
    // equal hashes, so duplicates sit in runs of equal hashes.
    let hash = |u: usize| {
        let mut h = std::hash::DefaultHasher::new();
        std::hash::Hash::hash(table.id(u), &mut h);
        std::hash::Hasher::finish(&h)
    };
    let mut keyed: Vec<(u64, usize)> = (0..table.len()).into_par_iter().map(|u| (hash(u), u)).collect();
    keyed.par_sort_unstable();
    // The reported pair is the first unit (in reading order) whose id came
    // before, with that id's first occurrence.
    let mut first: Option<(usize, usize)> = None;
    for run in keyed.chunk_by(|a, b| a.0 == b.0).filter(|run| run.len() > 1) {
        let mut units: Vec<usize> = run.iter().map(|&(_, u)| u).collect();
        // Different ids can share a hash: order by id, then by unit.
        units.sort_unstable_by(|&a, &b| table.id(a).cmp(table.id(b)).then(a.cmp(&b)));
        for same in units.chunk_by(|&a, &b| table.id(a) == table.id(b)) {
            if let [j, u, ..] = *same
                && first.is_none_or(|(_, fu)| u < fu)
            {
                first = Some((j, u));
            }
        }
    }
    if let Some((j, u)) = first {
        let place = |v: usize| format!("{}:{}", table.files[table.file(v)].name, table.row(v));
        return Err(Error::Data(format!(
            "error: duplicate id `{}`: {} and {}\n  = help: each unit must appear once; remove or renumber one of the rows",
            echo(table.id(u)),
            place(j),
            place(u)
        )));
    }
    Ok(())
}
