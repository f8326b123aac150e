//! Reading data files as a stream into a [`Table`] (SPEC "Data", and
//! "Command line": Bounded resources): `load` and `from_bytes`, one source
//! at a time.
//!
//! CSV is read as a stream: one thread splits records while the others parse
//! batches of them in parallel (batches bounded in records and in bytes);
//! a [`Merger`] puts them back in file order, so the table is the same
//! whatever the number of threads. A regular file that is not hashed has
//! its rows read by byte ranges instead (see `ranges`), each thread
//! splitting and parsing its own, up to the first quote; the stream reads
//! on from there. A [`Guard`] hashes what is read and
//! refuses an over-long line as soon as it is seen. A workbook is read into
//! memory (it is a zip archive, whose directory is at its end; at most
//! 1 GiB) and its sheet streamed row by row (see `excel`), keeping only the
//! rubric's columns once the header is found. Memory grows with the number
//! of units, not with the file's bytes.

use super::decode::{Encoding, looks_like_workbook, sniff};
use super::layout::Layout;
use super::merge::Merger;
use super::ranges::Ranges;
use super::records::{self, Batch, Splitter};
use super::table::{InputFile, Table, check_duplicate_ids};
use super::{MAX_LINE_BYTES, ReadOptions, excel};
use crate::error::{Error, Location, Result, echo};
use crate::rubric::Rubric;
use rayon::prelude::*;
use sha2::{Digest, Sha256};
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
            read_source(std::io::stdin(), "<stdin>", false, rubric, options, &mut table, None)?;
        } else {
            let file = std::fs::File::open(path).map_err(|e| Error::io(path, "read the data file", &e))?;
            let meta = file.metadata().ok();
            if meta.as_ref().is_some_and(std::fs::Metadata::is_dir) {
                let e = std::io::Error::from(std::io::ErrorKind::IsADirectory);
                return Err(Error::io(path, "read the data file", &e));
            }
            let progress = crate::progress::reading(path, meta.as_ref().map_or(0, std::fs::Metadata::len));
            let regular = meta.as_ref().is_some_and(std::fs::Metadata::is_file);
            let seekable = regular.then_some(Seekable {
                file: &file,
                progress: &progress,
            });
            let reader = ProgressReader {
                inner: &file,
                progress: &progress,
            };
            let result = read_source(
                reader,
                path,
                excel::is_workbook(path),
                rubric,
                options,
                &mut table,
                seekable,
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
        read_source(bytes.as_slice(), name, workbook, rubric, options, &mut table, None)?;
    }
    check_duplicate_ids(&table)?;
    table.compact();
    Ok(table)
}

/// A data file that can also be read at any offset (a regular file): its
/// rows are then read by byte ranges (see `ranges`).
#[derive(Clone, Copy)]
struct Seekable<'a> {
    file: &'a std::fs::File,
    progress: &'a indicatif::ProgressBar,
}

/// Reads one source: a workbook (by name or by its magic bytes) whole, a
/// CSV as a stream, or by byte ranges when it is `seekable`, not hashed
/// (only the JSON output shows a file's checksum, which is read in order)
/// and its lines end with LF.
fn read_source<R: Read + Send>(
    reader: R,
    path: &str,
    workbook: bool,
    rubric: &Rubric,
    options: &ReadOptions,
    table: &mut Table,
    seekable: Option<Seekable<'_>>,
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
    let mut splitter = Splitter::new(stream, path, read_error);
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
    let result = match seekable {
        Some(source) if options.skip_checksums && !cr_lines => {
            let at = splitter.position();
            drop(splitter);
            read_by_ranges(source, path, at, &layout, rubric, table)
        }
        _ => {
            let result = read_csv_rows(&mut splitter, &layout, rubric, table);
            drop(splitter);
            result
        }
    };
    if let Some(file) = table.files.last_mut() {
        file.sha256 = reader.finish();
    }
    result
}

/// The error for a failed read: the [`Guard`]'s own, or an I/O error.
fn read_error(e: &std::io::Error, path: &str) -> Error {
    match guard_error(e) {
        Some(error) => error,
        None => Error::io(path, "read the data file", e),
    }
}

/// Reads the data rows from `at` (offset, line) by byte ranges, and from
/// where they stop (a quote, or the end) with the sequential splitter.
fn read_by_ranges(
    source: Seekable<'_>,
    path: &str,
    at: (u64, u64),
    layout: &Layout,
    rubric: &Rubric,
    table: &mut Table,
) -> Result<()> {
    use std::io::{Seek, SeekFrom};
    let file_index = table.files.len() - 1;
    let merger = Mutex::new(Merger::new(layout, table));
    let ranges = Ranges::new(source.file, at, source.progress);
    let resume = ranges.read(rayon::current_num_threads(), layout, rubric, file_index, &merger)?;
    if merger.lock().is_ok_and(|m| m.fatal.is_none()) {
        let mut file = source.file;
        file.seek(SeekFrom::Start(resume.offset))
            .map_err(|e| Error::io(path, "read the data file", &e))?;
        let reader = ProgressReader {
            inner: file,
            progress: source.progress,
        };
        let mut guard = Guard::new(reader, path, false);
        (guard.hasher, guard.line_no) = (None, resume.line);
        let stream = std::io::BufReader::with_capacity(1 << 20, guard);
        let mut splitter = Splitter::resume(stream, path, read_error, (resume.offset, resume.line));
        split_and_parse(&mut splitter, layout, rubric, file_index, &merger, resume.index);
    }
    finish(merger)
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
    split_and_parse(splitter, layout, rubric, file_index, &merger, 0);
    finish(merger)
}

/// The merger's verdict once every part is in.
fn finish(merger: Mutex<Merger<'_>>) -> Result<()> {
    merger
        .into_inner()
        .map_err(|_| Error::file("a reading thread failed"))?
        .finish()
}

/// One thread splits records into batches, the others parse them; parts
/// go to `merger` numbered from `first`.
fn split_and_parse<R: std::io::BufRead + Send>(
    splitter: &mut Splitter<R>,
    layout: &Layout,
    rubric: &Rubric,
    file_index: usize,
    merger: &Mutex<Merger<'_>>,
    first: usize,
) {
    let stop = std::sync::atomic::AtomicBool::new(false);
    let in_flight = InFlight::default();
    std::thread::scope(|scope| {
        let (batches, received) = std::sync::mpsc::sync_channel::<(usize, Result<Batch>)>(4);
        // Parsed batches come back to be filled again: no allocation per record.
        let (recycle, recycled) = std::sync::mpsc::channel::<Batch>();
        let (stop, in_flight) = (&stop, &in_flight);
        scope.spawn(move || {
            for index in first.. {
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
