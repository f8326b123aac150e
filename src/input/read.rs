//! Reading data files as a stream into a [`Table`] (SPEC "Data", and
//! "Command line": Bounded resources): `load` and `from_bytes`, one source
//! at a time.
//!
//! CSV is read as a stream: one thread splits records while the others parse
//! batches of them in parallel (batches bounded in records and in bytes);
//! a [`Merger`] puts them back in file order, so the table is the same
//! whatever the number of threads. A [`Guard`] hashes what is read and
//! refuses an over-long line as soon as it is seen. A workbook is read into
//! memory (it is a zip archive, whose directory is at its end; at most
//! 1 GiB) and its sheet streamed row by row (see `excel`), keeping only the
//! rubric's columns once the header is found. Memory grows with the number
//! of units, not with the file's bytes.

use super::decode::{Encoding, looks_like_workbook, sniff};
use super::layout::{Layout, Part};
use super::records::{self, Batch, Splitter};
use super::table::{InputFile, Table, check_duplicate_ids};
use super::{MAX_LINE_BYTES, MAX_LISTED_ERRORS, ReadOptions, excel, totals};
use crate::error::{Error, Location, Result, echo};
use crate::rubric::Rubric;
use rayon::prelude::*;
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::io::Read;
use std::sync::Mutex;

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
        return Err(Error::usage(
            "no data file given; name one or more CSV files, or - for standard input",
        ));
    }
    if paths.iter().filter(|p| p.as_str() == "-").count() > 1 {
        return Err(Error::usage("standard input (-) is named twice"));
    }
    let mut table = Table::new(rubric, options);
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
            let progress = crate::progress::reading(path, size);
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
    table.compact();
    Ok(table)
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
    let mut table = Table::new(rubric, options);
    for (name, bytes) in sources {
        let workbook = excel::is_workbook(name);
        read_source(bytes.as_slice(), name, workbook, rubric, options, &mut table)?;
    }
    check_duplicate_ids(&table)?;
    table.compact();
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
        return Err(Error::usage(format!(
            "--sheet {} names a sheet of a workbook, but {path} is a CSV file, which has no sheets",
            echo(sheet)
        ))
        .help("leave out --sheet for CSV input"));
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
    let mut splitter = Splitter::new(stream, path, |e, path| match guard_error(e) {
        Some(error) => error,
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
                Error::data(format!(
                    "not enough memory to read {} ({} MiB so far)",
                    reader.path,
                    bytes.len() >> 20
                ))
                .help("export the sheet as CSV, which is read as a stream")
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
        .map_err(|_| Error::file("a reading thread failed"))?;
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
struct LineTooLong(Error);

impl std::fmt::Display for LineTooLong {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

impl std::error::Error for LineTooLong {}

/// The error a [`Guard`] raised, if `e` is one.
fn guard_error(e: &std::io::Error) -> Option<Error> {
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
        match guard_error(e) {
            Some(error) => error,
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
            return Err(std::io::Error::other(LineTooLong(
                Error::data(format!(
                    "this line is longer than {} MiB; no row of data is that long",
                    MAX_LINE_BYTES >> 20
                ))
                .at(Location::row(&self.path, self.line_no))
                .help("the file is damaged or not a CSV file (a quote left open makes the rest of a file one cell)"),
            )));
        }
        Ok(())
    }
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
    /// How to declare a cell's text missing in the rubric (see [`Layout::na_place`]).
    na_place: String,
    totals: usize,
    notes: Vec<String>,
    fatal: Option<Error>,
}

/// A token as it is written inside a TOML string (quotes and backslashes
/// escaped), with control characters escaped for the terminal.
fn toml_text(token: &str) -> String {
    echo(&token.replace('\\', "\\\\").replace('"', "\\\""))
}

/// The `na` line to write in `[rubric]`: the rubric's tokens and `token`.
fn na_list(na: &[String], token: &str) -> String {
    let tokens: Vec<String> = na
        .iter()
        .map(String::as_str)
        .chain(std::iter::once(token))
        .map(|t| format!("\"{}\"", toml_text(t)))
        .collect();
    format!("na = [{}]", tokens.join(", "))
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
                        self.table.append(&p.units);
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
            let more = (self.error_count > self.cell_errors.len())
                .then(|| format!("  … and {} more", self.error_count - self.cell_errors.len()));
            let noun = if self.error_count == 1 { "cell is" } else { "cells are" };
            // The whole list to write, the tokens already missing kept: a
            // rubric without `na` has the default list, and `na = ["暂无"]`
            // alone would make every blank cell an error.
            let declare = match self.first_bad.as_deref() {
                Some(cell) => {
                    let token = cell.trim();
                    format!(
                        "if \"{}\" means the value is missing, declare it so: `{}` in `[rubric]` {}",
                        toml_text(token),
                        na_list(&self.na, token),
                        self.na_place
                    )
                }
                None => format!(
                    "a word that marks a missing value is declared so: `{}` in `[rubric]` {}",
                    na_list(&self.na, "暂无"),
                    self.na_place
                ),
            };
            return Err(Error::data(format!("{} {noun} not a number", self.error_count))
                .notes(self.cell_errors.iter().cloned())
                .notes(more)
                .help(format!(
                    "write plain numbers (1234.5, \"1,234.5\", 12%); mark a missing value with one of the rubric's `na` tokens ({})",
                    self.na
                        .iter()
                        .map(|s| format!("{:?}", echo(s)))
                        .collect::<Vec<_>>()
                        .join(", ")
                ))
                .help(declare));
        }
        if self.table.len() == self.before && self.totals == 0 {
            return Err(Error::data(format!("{} has a header but no data rows", self.path))
                .help("add one row per unit below the header"));
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
            return Err(
                Error::data(format!("{} has no data rows besides its totals rows", self.path))
                    .help("add one row per unit below the header"),
            );
        }
        Ok(())
    }
}
