//! Checks on a workbook's zip archive, so that the reader library (calamine)
//! never holds more than the data needs. It keeps some parts whole in memory
//! (shared strings, styles, an OpenDocument file's every sheet, expanded),
//! and buffers each XML text, tag or comment of the parts it streams (the
//! sheets) whole. So, before it opens the file: the sizes the archive's
//! directory declares are bounded, the prolog of each XML part is read for
//! a DTD, and an OpenDocument `content.xml` is read through to count what
//! its repeats expand to. The streamed parts are scanned by a second thread
//! while the reader reads them, and a [`Gate`] lets the reader have only
//! what the scan has found sound: a sheet is not unpacked twice in a row,
//! and the reader's wait is a few kilobytes of it.

use crate::error::{Error, Result, echo};
use std::cell::Cell;
use std::io::{Cursor, Read, Seek, SeekFrom};
use std::rc::Rc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Condvar, Mutex};

/// Largest uncompressed size one part of a workbook may declare. A sheet of
/// a million villages × 40 indicators is well under this.
const MAX_PART_BYTES: u64 = 2 << 30;
/// Largest compression ratio accepted for a part bigger than 16 MiB: sheet
/// XML compresses 5–30×; a zip bomb compresses thousands of times.
const MAX_RATIO: u64 = 200;
/// Most parts an archive may list: a workbook has a few dozen, and each
/// entry of the directory costs memory before any is unpacked.
const MAX_PARTS: u64 = 65_536;
/// Largest central directory (the list of parts) an archive may have.
const MAX_DIRECTORY_BYTES: u64 = 64 << 20;
/// Largest shared-strings part (kept whole in memory, about three times its
/// size): a million distinct village names take about 40 MiB.
const MAX_SHARED_STRINGS_BYTES: u64 = 256 << 20;
/// Largest other part the reader keeps whole (styles, the list of sheets,
/// relationships, the theme): Excel's 64,000 cell styles take about 10 MiB,
/// and each style read costs 150 bytes however short its XML.
const MAX_WHOLE_PART_BYTES: u64 = 16 << 20;
/// Longest run of XML text, or tag, or comment, in a part read as a stream
/// (a sheet). A cell holds at most 32,767 characters, a few hundred KiB
/// however they are escaped.
const MAX_XML_RUN: usize = 1 << 20;
/// Largest XML of one cell (`<c>` … `</c>`) of a sheet: rich text of 32,767
/// characters with formatting is about 3 MiB.
const MAX_CELL_XML: u64 = 4 << 20;
/// Most cells the reader may hold for an OpenDocument workbook, whose every
/// sheet it expands in memory (about 100 bytes a cell, so under 1 GB): some
/// 190,000 villages × 40 columns. Larger tables are for .xlsx or CSV.
const MAX_ODS_CELLS: u64 = 8_000_000;
/// Most bytes of cell text the reader may hold for an OpenDocument workbook.
const MAX_ODS_TEXT_BYTES: u64 = 256 << 20;
/// The sheet size the reader caps an OpenDocument sheet at (Excel's).
const ODS_MAX_ROWS: u64 = 1 << 20;
const ODS_MAX_COLUMNS: u64 = 1 << 14;

/// What kind of zip-based workbook an archive is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Xlsx,
    Xlsb,
    Ods,
}

fn refuse(path: &str, what: String, help: &str) -> Error {
    Error::Data(format!("error: {path}{what}\n  = help: {help}"))
}

/// Refuses an archive that lists absurdly many parts, from its end record,
/// before the zip library reads the list into memory.
fn check_directory(bytes: &[u8], path: &str) -> Result<()> {
    let Some((parts, size)) = directory_size(bytes) else {
        return Ok(()); // not found: the zip library says what is wrong
    };
    if parts > MAX_PARTS || size > MAX_DIRECTORY_BYTES {
        return Err(refuse(
            path,
            format!(
                " lists {parts} parts in a directory of {size} bytes, more than the {MAX_PARTS} parts ({} MiB) linkscore reads",
                MAX_DIRECTORY_BYTES >> 20
            ),
            "a workbook has a few dozen parts; this looks like a damaged file or a zip bomb. Re-save the workbook from Excel, or export the sheet as CSV",
        ));
    }
    Ok(())
}

/// The number of parts and the size of the central directory that the
/// archive's end record declares (the zip64 one when the plain one
/// overflows).
fn directory_size(bytes: &[u8]) -> Option<(u64, u64)> {
    let u16_at = |b: &[u8], at: usize| b.get(at..at + 2).map(|s| u64::from(u16::from_le_bytes([s[0], s[1]])));
    let u32_at = |b: &[u8], at: usize| {
        b.get(at..at + 4)
            .map(|s| u64::from(u32::from_le_bytes([s[0], s[1], s[2], s[3]])))
    };
    let u64_at = |b: &[u8], at: usize| {
        let s: [u8; 8] = b.get(at..at + 8)?.try_into().ok()?;
        Some(u64::from_le_bytes(s))
    };
    let tail_start = bytes.len().saturating_sub(22 + 0xFFFF);
    let tail = bytes.get(tail_start..)?;
    let at = memchr::memmem::rfind(tail, b"PK\x05\x06")?;
    let end = tail.get(at..)?;
    let (parts, size) = (u16_at(end, 10)?, u32_at(end, 12)?);
    if parts != 0xFFFF && size != 0xFFFF_FFFF {
        return Some((parts, size));
    }
    // The zip64 locator sits just before the end record and points at the
    // zip64 end record.
    let locator = bytes.get((tail_start + at).checked_sub(20)?..)?;
    if !locator.starts_with(b"PK\x06\x07") {
        return Some((parts, size));
    }
    let record = bytes.get(usize::try_from(u64_at(locator, 8)?).ok()?..)?;
    if !record.starts_with(b"PK\x06\x06") {
        return Some((parts, size));
    }
    Some((u64_at(record, 32)?, u64_at(record, 40)?))
}

/// Parts the reader keeps whole in memory, by name: the most bytes each
/// may have unpacked.
fn read_whole(lower: &str) -> Option<u64> {
    if lower.ends_with("sharedstrings.xml") || lower.ends_with("sharedstrings.bin") {
        return Some(MAX_SHARED_STRINGS_BYTES);
    }
    // Any relationships part: the workbook's may have any name.
    let whole = lower.ends_with(".rels")
        || lower.ends_with("styles.xml")
        || lower.ends_with("styles.bin")
        || lower.ends_with("workbook.xml")
        || lower.ends_with("workbook.bin")
        || lower.contains("theme/");
    whole.then_some(MAX_WHOLE_PART_BYTES)
}

/// A zip-based workbook that passed [`check_zip`].
pub struct Checked {
    pub kind: Kind,
    /// The parts the reader may stream (sheets): scanned while it reads
    /// (see [`Gate`]).
    pub watched: Vec<Watched>,
}

/// A part scanned while the reader reads it: its index in the archive, its
/// name, and where its packed bytes lie in the file.
pub struct Watched {
    index: usize,
    name: String,
    start: u64,
    end: u64,
}

/// Checks a zip-based workbook (xlsx, xlsm, xlsb, ods) before it is opened:
/// the sizes its parts declare, the prolog of each XML part, and all of an
/// OpenDocument `content.xml` (which the reader expands whole when it opens
/// the file). The parts the reader streams are listed to be scanned as it
/// reads them.
pub fn check_zip(bytes: &[u8], path: &str) -> Result<Checked> {
    check_directory(bytes, path)?;
    let unreadable = |e: &dyn std::fmt::Display| {
        Error::Data(format!(
            "error: {path} is not a readable workbook: {e}\n  = help: open and re-save it in Excel, or export the sheet as CSV"
        ))
    };
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| unreadable(&e))?;
    let mut total: u64 = 0;
    let mut names = Vec::with_capacity(archive.len());
    let mut places = Vec::with_capacity(archive.len());
    for i in 0..archive.len() {
        let part = archive.by_index_raw(i).map_err(|e| unreadable(&e))?;
        let (size, packed) = (part.size(), part.compressed_size().max(1));
        let name = part.name().unwrap_or_default().to_string();
        let start = part.data_start().unwrap_or_else(|| part.header_start());
        places.push((name.clone(), start, start.saturating_add(part.compressed_size())));
        total = total.saturating_add(size);
        if size > MAX_PART_BYTES || total > 2 * MAX_PART_BYTES || (size > 16 << 20 && size / packed > MAX_RATIO) {
            return Err(Error::Data(format!(
                "error: {path} declares {size} bytes uncompressed for its part `{}` ({}× its packed size); refusing to unpack it\n  = help: this looks like a damaged file or a zip bomb; re-save the workbook from Excel, or export the sheet as CSV",
                echo(&name),
                size / packed
            )));
        }
        let lower = name.to_ascii_lowercase();
        if let Some(limit) = read_whole(&lower)
            && size > limit
        {
            return Err(refuse(
                path,
                format!(
                    ": its part `{}` is {size} bytes uncompressed, more than the {} MiB linkscore keeps in memory for it",
                    echo(&name),
                    limit >> 20
                ),
                "export the sheet as CSV (text typed as numbers makes the shared strings this large, a damaged file its other parts; CSV has neither)",
            ));
        }
        names.push(lower);
    }
    let kind = if names.iter().any(|n| n == "mimetype") {
        Kind::Ods
    } else if names.iter().any(|n| n.ends_with("workbook.bin")) {
        Kind::Xlsb
    } else {
        Kind::Xlsx
    };
    let mut watched = Vec::new();
    for (i, (lower, (name, start, end))) in names.iter().zip(places).enumerate() {
        let xml = lower.ends_with(".xml") || lower.ends_with(".rels");
        let mode = match kind {
            Kind::Ods if lower == "content.xml" => Mode::Ods(Box::default()),
            _ if !xml => continue,
            _ if read_whole(lower).is_some() || kind == Kind::Ods => Mode::Prolog,
            _ => {
                watched.push(Watched {
                    index: i,
                    name,
                    start,
                    end,
                });
                continue;
            }
        };
        let Ok(part) = archive.by_index(i) else {
            continue; // an encrypted or unsupported part: the reader says so
        };
        scan_part(part, mode, &mut || true).map_err(|refusal| refusal.into_error(path, &name))?;
    }
    // Smallest first: the reader also reads bits of parts it does not parse
    // (the zip library reads ahead), and waits for them.
    watched.sort_by_key(|w| w.end.saturating_sub(w.start));
    Ok(Checked { kind, watched })
}

/// How far behind its scan the reader reads a part, in packed bytes: more
/// than the input a decompressor holds without having written out what it
/// decodes from it (the zip library gives it an 8 KiB buffer, and it keeps
/// a few bytes of a code and one match it could not finish writing).
const SLACK: u64 = 16 << 10;

/// Lets the reader read a watched part only as far as the scanning thread
/// has found it sound, and fails its reads past a part found unsound.
pub struct Gate {
    parts: Mutex<Vec<Progress>>,
    moved: Condvar,
    stop: AtomicBool,
    /// The refusal the reader ran into.
    hit: Mutex<Option<String>>,
}

struct Progress {
    start: u64,
    end: u64,
    /// Reading is allowed below this offset.
    verified: u64,
    refusal: Option<String>,
    /// Where the reader's next read of the part's stream would start: a
    /// stream is read from the part's start on, in order. Other reads (the
    /// zip library looking for the directory at the end of the file, which
    /// may overlap the last part) are not unpacked, and not held up.
    next: Option<u64>,
}

impl Gate {
    pub fn new(checked: &Checked) -> Gate {
        let parts = checked
            .watched
            .iter()
            .map(|w| Progress {
                start: w.start,
                end: w.end,
                verified: w.start,
                refusal: None,
                next: None,
            })
            .collect();
        Gate {
            parts: Mutex::new(parts),
            moved: Condvar::new(),
            stop: AtomicBool::new(false),
            hit: Mutex::new(None),
        }
    }

    fn update(&self, k: usize, change: impl FnOnce(&mut Progress)) {
        if let Ok(mut parts) = self.parts.lock()
            && let Some(part) = parts.get_mut(k)
        {
            change(part);
        }
        self.moved.notify_all();
    }

    /// Scans the watched parts, one after the other (the scanning thread's
    /// work). Stops early once [`Gate::stop`] is called.
    pub fn scan(&self, bytes: &[u8], path: &str, checked: &Checked) {
        // However this ends (a panic included), what was not refused may be read.
        struct Finish<'g>(&'g Gate);
        impl Drop for Finish<'_> {
            fn drop(&mut self) {
                if let Ok(mut parts) = self.0.parts.lock() {
                    for part in parts.iter_mut().filter(|p| p.refusal.is_none()) {
                        part.verified = part.end;
                    }
                }
                self.0.moved.notify_all();
            }
        }
        let _finish = Finish(self);
        let pulled = Rc::new(Cell::new(0u64));
        let counting = Counting {
            bytes,
            pos: 0,
            pulled: Rc::clone(&pulled),
        };
        let Ok(mut archive) = zip::ZipArchive::new(counting) else {
            return;
        };
        for (k, w) in checked.watched.iter().enumerate() {
            let Ok(part) = archive.by_index(w.index) else {
                self.update(k, |p| p.verified = p.end);
                continue;
            };
            pulled.set(w.start);
            let mut progress = || {
                let verified = pulled.get().saturating_sub(SLACK).max(w.start);
                self.update(k, |p| p.verified = p.verified.max(verified));
                !self.stop.load(Ordering::Relaxed)
            };
            match scan_part(part, Mode::Sheet(Sheet::default()), &mut progress) {
                Ok(()) => self.update(k, |p| p.verified = p.end),
                Err(refusal) => {
                    let message = refusal.into_error(path, &w.name).to_string();
                    self.update(k, |p| p.refusal = Some(message));
                }
            }
            if self.stop.load(Ordering::Relaxed) {
                return;
            }
        }
    }

    /// Ends the scan (the reader is done).
    pub fn stop(&self) {
        self.stop.store(true, Ordering::Relaxed);
    }

    /// The refusal of a part the reader tried to read past what was found sound.
    pub fn refusal(&self) -> Option<Error> {
        self.hit.lock().ok()?.clone().map(Error::Data)
    }

    /// How many bytes at `pos` may be read (at most `len`), once known.
    fn allowed(&self, pos: u64, len: usize) -> std::io::Result<usize> {
        if len == 0 {
            return Ok(0);
        }
        let Ok(mut parts) = self.parts.lock() else {
            return Ok(len);
        };
        loop {
            let mut allowed = len as u64;
            let mut wait = false;
            let streamed = |p: &Progress| p.start <= pos && pos < p.end && (pos == p.start || p.next == Some(pos));
            for part in parts.iter().filter(|p| streamed(p)) {
                if pos < part.verified {
                    allowed = allowed.min(part.verified - pos);
                } else if let Some(refusal) = &part.refusal {
                    if let Ok(mut hit) = self.hit.lock() {
                        hit.get_or_insert_with(|| refusal.clone());
                    }
                    return Err(std::io::Error::other("refused"));
                } else {
                    wait = true;
                }
            }
            if !wait {
                for part in parts.iter_mut().filter(|p| streamed(p)) {
                    part.next = Some(pos + allowed);
                }
                return Ok(usize::try_from(allowed).unwrap_or(len));
            }
            parts = match self.moved.wait(parts) {
                Ok(parts) => parts,
                Err(_) => return Ok(len),
            };
        }
    }
}

/// The workbook's bytes as the reader reads them, through a [`Gate`].
pub struct Gated<'b> {
    bytes: &'b [u8],
    pos: u64,
    gate: &'b Gate,
}

impl<'b> Gated<'b> {
    pub fn new(bytes: &'b [u8], gate: &'b Gate) -> Gated<'b> {
        Gated { bytes, pos: 0, gate }
    }
}

impl Read for Gated<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let allowed = self.gate.allowed(self.pos, buf.len())?;
        let rest = usize::try_from(self.pos)
            .ok()
            .and_then(|at| self.bytes.get(at..))
            .unwrap_or(&[]);
        let n = allowed.min(rest.len()).min(buf.len());
        buf.get_mut(..n)
            .unwrap_or(&mut [])
            .copy_from_slice(rest.get(..n).unwrap_or(&[]));
        self.pos += n as u64;
        Ok(n)
    }
}

impl Seek for Gated<'_> {
    fn seek(&mut self, to: SeekFrom) -> std::io::Result<u64> {
        self.pos = seek_to(self.pos, self.bytes.len(), to)?;
        Ok(self.pos)
    }
}

/// The bytes as the scanning thread reads them: notes how far it has read.
struct Counting<'b> {
    bytes: &'b [u8],
    pos: u64,
    pulled: Rc<Cell<u64>>,
}

impl Read for Counting<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let rest = usize::try_from(self.pos)
            .ok()
            .and_then(|at| self.bytes.get(at..))
            .unwrap_or(&[]);
        let n = rest.len().min(buf.len());
        buf.get_mut(..n)
            .unwrap_or(&mut [])
            .copy_from_slice(rest.get(..n).unwrap_or(&[]));
        self.pos += n as u64;
        self.pulled.set(self.pulled.get().max(self.pos));
        Ok(n)
    }
}

impl Seek for Counting<'_> {
    fn seek(&mut self, to: SeekFrom) -> std::io::Result<u64> {
        self.pos = seek_to(self.pos, self.bytes.len(), to)?;
        Ok(self.pos)
    }
}

fn seek_to(pos: u64, len: usize, to: SeekFrom) -> std::io::Result<u64> {
    let target = match to {
        SeekFrom::Start(at) => Some(at),
        SeekFrom::End(delta) => (len as u64).checked_add_signed(delta),
        SeekFrom::Current(delta) => pos.checked_add_signed(delta),
    };
    target.ok_or_else(|| std::io::Error::new(std::io::ErrorKind::InvalidInput, "seek before the start"))
}

/// Why a part is refused.
enum Refusal {
    /// A DTD or entity declaration.
    Entities,
    /// A text, tag or comment longer than [`MAX_XML_RUN`].
    Run(u64),
    /// A cell's XML longer than [`MAX_CELL_XML`], at this byte offset.
    Cell(u64),
    /// An OpenDocument workbook that expands past the bounds.
    Ods(String),
}

impl Refusal {
    fn into_error(self, path: &str, part: &str) -> Error {
        let part = echo(part);
        match self {
            Refusal::Entities => refuse(
                path,
                format!(": its XML part `{part}` declares a DTD or entities, which Excel and LibreOffice never write"),
                "the workbook's XML is not what a spreadsheet program writes; open and re-save it in Excel, or export the sheet as CSV",
            ),
            Refusal::Run(offset) => refuse(
                path,
                format!(
                    ": its XML part `{part}` has a text or tag longer than {} MiB (at byte {offset}); no cell of a sheet is that long",
                    MAX_XML_RUN >> 20
                ),
                "this looks like a damaged file or a zip bomb; re-save the workbook from Excel, or export the sheet as CSV",
            ),
            Refusal::Cell(offset) => refuse(
                path,
                format!(
                    ": a cell of its XML part `{part}` (at byte {offset}) is more than {} MiB of XML; Excel's cells hold at most 32,767 characters",
                    MAX_CELL_XML >> 20
                ),
                "this looks like a damaged file or a zip bomb; re-save the workbook from Excel, or export the sheet as CSV",
            ),
            Refusal::Ods(what) => refuse(
                path,
                what,
                "delete the empty-looking rows and columns around the table, or save the workbook as .xlsx, or export the sheet as CSV",
            ),
        }
    }
}

/// What to look for in a part.
enum Mode {
    /// Only the prolog (up to the first element): a DTD. For parts kept
    /// whole, whose size is bounded (see [`read_whole`]).
    Prolog,
    /// A sheet read as a stream: every run and cell is bounded.
    Sheet(Sheet),
    /// An OpenDocument `content.xml`: what expanding it would take.
    Ods(Box<Ods>),
}

/// Streams a part through the scanner.
/// Calls `progress` after each chunk; it returns false to stop.
fn scan_part(
    mut part: impl Read,
    mut mode: Mode,
    progress: &mut dyn FnMut() -> bool,
) -> std::result::Result<(), Refusal> {
    let mut scanner = Scanner::default();
    let mut chunk = vec![0u8; 256 << 10];
    let whole = !matches!(mode, Mode::Prolog);
    loop {
        // A part that cannot be unpacked to its end is the reader's to report.
        let n = part.read(&mut chunk).unwrap_or(0);
        let data = chunk.get(..n).unwrap_or(&[]);
        let more = scanner.feed(data, n == 0, whole, &mut |markup, text, offset| match &mut mode {
            Mode::Prolog => Ok(markup.starts_with(b"<?") || markup.starts_with(b"<!")),
            Mode::Sheet(sheet) => sheet.markup(markup, offset).map(|()| true),
            Mode::Ods(ods) => ods.markup(markup, text).map(|()| true),
        })?;
        if !more || n == 0 || !progress() {
            break;
        }
    }
    if let Mode::Ods(ods) = &mut mode {
        ods.finish()?;
    }
    Ok(())
}

/// Called with a markup item, the bytes of text before it and its offset;
/// returns false to stop scanning.
type OnMarkup<'f> = dyn FnMut(&[u8], u64, u64) -> std::result::Result<bool, Refusal> + 'f;

/// Splits XML into markup (tags, comments, declarations) and the text
/// between, without keeping more than one markup item in memory.
#[derive(Default)]
struct Scanner {
    /// Bytes not yet scanned (the start of a markup item cut by a chunk's end).
    carry: Vec<u8>,
    /// Offset in the part of `carry[0]`.
    offset: u64,
    /// Bytes of text since the last markup.
    text: u64,
}

impl Scanner {
    /// Scans `data` (after what is carried over); calls `on_markup` with each
    /// markup item, the bytes of text before it and its offset. `on_markup`
    /// returns false to stop. Returns false once stopped. `whole` makes over-long
    /// runs an error (else scanning just stops).
    fn feed(
        &mut self,
        data: &[u8],
        at_end: bool,
        whole: bool,
        on_markup: &mut OnMarkup<'_>,
    ) -> std::result::Result<bool, Refusal> {
        self.carry.extend_from_slice(data);
        let buf = std::mem::take(&mut self.carry);
        let mut start = 0;
        let result = loop {
            let rest = buf.get(start..).unwrap_or(&[]);
            let Some(lt) = memchr::memchr(b'<', rest) else {
                self.text += rest.len() as u64;
                start = buf.len();
                if self.text > MAX_XML_RUN as u64 {
                    break if whole {
                        Err(Refusal::Run(self.offset + start as u64))
                    } else {
                        Ok(false)
                    };
                }
                break Ok(true);
            };
            self.text += lt as u64;
            start += lt;
            if self.text > MAX_XML_RUN as u64 {
                break if whole {
                    Err(Refusal::Run(self.offset + start as u64))
                } else {
                    Ok(false)
                };
            }
            let markup = buf.get(start..).unwrap_or(&[]);
            let Some(len) = markup_len(markup, at_end) else {
                if markup.len() > MAX_XML_RUN + 16 {
                    break if whole {
                        Err(Refusal::Run(self.offset + start as u64))
                    } else {
                        Ok(false)
                    };
                }
                break Ok(true); // wait for the rest of it
            };
            let item = markup.get(..len).unwrap_or(markup);
            let declares = |word: &[u8]| {
                item.get(..word.len())
                    .is_some_and(|head| head.eq_ignore_ascii_case(word))
            };
            if declares(b"<!DOCTYPE") || declares(b"<!ENTITY") {
                break Err(Refusal::Entities);
            }
            if len > MAX_XML_RUN && whole {
                break Err(Refusal::Run(self.offset + start as u64));
            }
            match on_markup(item, self.text, self.offset + start as u64) {
                Ok(true) => {}
                other => break other,
            }
            self.text = 0;
            start += len;
        };
        // Keep the unscanned tail (at most one markup item) for the next chunk.
        let mut buf = buf;
        buf.drain(..start.min(buf.len()));
        self.offset += start as u64;
        self.carry = buf;
        if at_end && result.as_ref().is_ok_and(|&more| more) && !self.carry.is_empty() {
            return Ok(false); // an unfinished tag at the end: the reader reports it
        }
        result
    }
}

/// The length of the markup item at the start of `b` (which starts with
/// `<`), or `None` when it does not end within `b`.
fn markup_len(b: &[u8], at_end: bool) -> Option<usize> {
    let find = |from: usize, end: &[u8]| memchr::memmem::find(b.get(from..)?, end).map(|at| from + at + end.len());
    if b.len() < 9 && !at_end && (b"<![CDATA[".starts_with(b) || b"<!--".starts_with(b.get(..4.min(b.len()))?)) {
        return None; // too short to tell a comment or CDATA from a tag
    }
    if b.starts_with(b"<!--") {
        return find(4, b"-->");
    }
    if b.starts_with(b"<![CDATA[") {
        return find(9, b"]]>");
    }
    if b.starts_with(b"<?") {
        return find(2, b"?>");
    }
    // A tag: its end is the first `>` outside quoted attribute values.
    let mut at = 1;
    loop {
        let hit = memchr::memchr3(b'>', b'"', b'\'', b.get(at..)?)?;
        let q = *b.get(at + hit)?;
        if q == b'>' {
            return Some(at + hit + 1);
        }
        let close = memchr::memchr(q, b.get(at + hit + 1..)?)?;
        at += hit + 1 + close + 1;
    }
}

/// A tag's name without its namespace prefix, and whether it is an end tag.
fn tag_name(markup: &[u8]) -> (&[u8], bool) {
    let (body, end) = match markup.strip_prefix(b"</") {
        Some(rest) => (rest, true),
        None => (markup.get(1..).unwrap_or(&[]), false),
    };
    let len = body
        .iter()
        .position(|&b| b.is_ascii_whitespace() || b == b'/' || b == b'>')
        .unwrap_or(body.len());
    (body.get(..len).unwrap_or(&[]), end)
}

fn local(name: &[u8]) -> &[u8] {
    match memchr::memrchr(b':', name) {
        Some(at) => name.get(at + 1..).unwrap_or(&[]),
        None => name,
    }
}

/// The value of attribute `name` (with its prefix) of a tag, unescaped
/// only as far as digits need.
fn attribute<'m>(markup: &'m [u8], name: &[u8]) -> Option<&'m [u8]> {
    let mut from = 0;
    while let Some(at) = memchr::memmem::find(markup.get(from..)?, name) {
        let at = from + at;
        from = at + name.len();
        let before = markup.get(at.checked_sub(1)?)?;
        if !before.is_ascii_whitespace() {
            continue;
        }
        let rest = markup.get(from..)?;
        let eq = rest.iter().position(|&b| !b.is_ascii_whitespace())?;
        if rest.get(eq) != Some(&b'=') {
            continue;
        }
        let rest = rest.get(eq + 1..)?;
        let q = rest.iter().position(|&b| !b.is_ascii_whitespace())?;
        let quote = *rest.get(q)?;
        let value = rest.get(q + 1..)?;
        let close = memchr::memchr(quote, value)?;
        return value.get(..close);
    }
    None
}

/// A count attribute (repeats): absent is 1; what the reader could not
/// parse is 1 too (it refuses the file itself).
fn count(markup: &[u8], name: &[u8]) -> u64 {
    attribute(markup, name)
        .and_then(|v| std::str::from_utf8(v).ok())
        .and_then(|v| v.trim().parse::<u64>().ok())
        .unwrap_or(1)
}

/// A sheet read as a stream: the XML of each cell is bounded.
#[derive(Default)]
struct Sheet {
    /// Offset of the start tag of the cell being read.
    cell: Option<u64>,
}

impl Sheet {
    fn markup(&mut self, markup: &[u8], offset: u64) -> std::result::Result<(), Refusal> {
        if let Some(start) = self.cell
            && offset.saturating_sub(start) > MAX_CELL_XML
        {
            return Err(Refusal::Cell(start));
        }
        if markup.starts_with(b"<?") || markup.starts_with(b"<!") {
            return Ok(());
        }
        let (name, end) = tag_name(markup);
        if local(name) == b"c" {
            self.cell = if end || markup.ends_with(b"/>") {
                None
            } else {
                Some(offset)
            };
        }
        Ok(())
    }
}

/// What calamine would hold after reading an OpenDocument `content.xml`
/// (`read_table`, `read_row` and `get_range` in its ods.rs): every sheet's
/// cells from its first to its last non-empty row and column, each row and
/// cell repeated as declared, with empty cells and rows after the last
/// non-empty ones left out (LibreOffice declares a million of those).
#[derive(Default)]
struct Ods {
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
    fn markup(&mut self, markup: &[u8], text: u64) -> std::result::Result<(), Refusal> {
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

    fn finish(&mut self) -> std::result::Result<(), Refusal> {
        self.end_table()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scan(xml: &str, mode: Mode, chunk: usize) -> std::result::Result<(), Refusal> {
        let mut scanner = Scanner::default();
        let mut mode = mode;
        let whole = !matches!(mode, Mode::Prolog);
        let bytes = xml.as_bytes();
        let mut pieces: Vec<&[u8]> = bytes.chunks(chunk).collect();
        pieces.push(&[]);
        let mut seen = Vec::new();
        for piece in pieces {
            let more = scanner.feed(piece, piece.is_empty(), whole, &mut |m, text, offset| {
                seen.push((String::from_utf8_lossy(m).into_owned(), text));
                match &mut mode {
                    Mode::Prolog => Ok(m.starts_with(b"<?") || m.starts_with(b"<!")),
                    Mode::Sheet(s) => s.markup(m, offset).map(|()| true),
                    Mode::Ods(o) => o.markup(m, text).map(|()| true),
                }
            })?;
            if !more {
                break;
            }
        }
        if let Mode::Ods(o) = &mut mode {
            o.finish()?;
        }
        Ok(())
    }

    #[test]
    fn markup_is_found_across_chunks_and_quotes() {
        let xml = r#"<?xml version="1.0"?><a x=">" y='<'><!-- < > --><![CDATA[ <b> ]]>text</a>"#;
        for chunk in 1..12 {
            assert!(scan(xml, Mode::Sheet(Sheet::default()), chunk).is_ok());
        }
        assert_eq!(markup_len(br#"<a x=">">"#, true), Some(9));
        assert_eq!(markup_len(b"<!-- a -->b", true), Some(10));
        assert_eq!(markup_len(b"<a", false), None);
    }

    #[test]
    fn a_dtd_is_refused_in_any_part() {
        let xml = r#"<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "b">]><sst>&a;</sst>"#;
        for chunk in [1, 5, 1000] {
            assert!(matches!(scan(xml, Mode::Prolog, chunk), Err(Refusal::Entities)));
            assert!(matches!(
                scan(xml, Mode::Sheet(Sheet::default()), chunk),
                Err(Refusal::Entities)
            ));
        }
        // After the first element, a whole-kept part is not read on.
        assert!(scan("<sst><!DOCTYPE x></sst>", Mode::Prolog, 3).is_ok());
    }

    #[test]
    fn long_runs_and_cells_are_refused_in_a_sheet() {
        let long = format!("<c><v>{}</v></c>", "1".repeat(MAX_XML_RUN + 1));
        assert!(matches!(
            scan(&long, Mode::Sheet(Sheet::default()), 4096),
            Err(Refusal::Run(_))
        ));
        let runs = format!(
            "<c t=\"inlineStr\"><is>{}</is></c>",
            "<r><t>abcdefgh</t></r>".repeat(300_000)
        );
        assert!(matches!(
            scan(&runs, Mode::Sheet(Sheet::default()), 65536),
            Err(Refusal::Cell(_))
        ));
        let fine = "<row><c r=\"A1\" s=\"1\"/><c><v>1</v></c></row>".repeat(100_000);
        assert!(scan(&fine, Mode::Sheet(Sheet::default()), 65536).is_ok());
    }

    const ROW: &str = r#"<table:table-row><table:table-cell office:value-type="float" office:value="1"/><table:table-cell table:number-columns-repeated="1020"/></table:table-row>"#;

    #[test]
    fn trailing_empty_rows_and_cells_of_an_ods_cost_nothing() {
        let xml = format!(
            r#"<table:table table:name="S">{}<table:table-row table:number-rows-repeated="1048553"><table:table-cell table:number-columns-repeated="1024"/></table:table-row></table:table>"#,
            ROW.repeat(20)
        );
        assert!(scan(&xml, Mode::Ods(Box::default()), 100).is_ok());
    }

    #[test]
    fn repeats_with_content_are_counted_as_expanded() {
        let bomb = r#"<table:table table:name="S"><table:table-row table:number-rows-repeated="300000"><table:table-cell table:number-columns-repeated="100" office:value-type="float" office:value="1"/></table:table-row></table:table>"#;
        match scan(bomb, Mode::Ods(Box::default()), 64) {
            Err(Refusal::Ods(m)) => assert!(m.contains("30000101 cells") && m.contains("`S`"), "{m}"),
            _ => panic!("not refused"),
        }
        // An empty row between filled ones is expanded too.
        let gap = format!(
            r#"<table:table table:name="S">{ROW}<table:table-row table:number-rows-repeated="1000000"><table:table-cell table:number-columns-repeated="10"/></table:table-row><table:table-row><table:table-cell table:number-columns-repeated="9"/><table:table-cell office:value-type="float" office:value="1"/></table:table-row></table:table>"#
        );
        assert!(matches!(
            scan(&gap, Mode::Ods(Box::default()), 64),
            Err(Refusal::Ods(_))
        ));
        // Spaces declared by count are text the reader writes out.
        let spaces = r#"<table:table table:name="S"><table:table-row><table:table-cell office:value-type="string"><text:p><text:s text:c="400000000"/></text:p></table:table-cell></table:table-row></table:table>"#;
        assert!(matches!(
            scan(spaces, Mode::Ods(Box::default()), 64),
            Err(Refusal::Ods(_))
        ));
    }

    #[test]
    fn the_directory_size_is_read_from_the_end_record() {
        let mut zip = b"junk".to_vec();
        zip.extend_from_slice(b"PK\x05\x06\0\0\0\0\x03\0\x03\0\x10\0\0\0\0\0\0\0\0\0");
        assert_eq!(directory_size(&zip), Some((3, 16)));
        assert_eq!(directory_size(b"no end record"), None);
    }
}
