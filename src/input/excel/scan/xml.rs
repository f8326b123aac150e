//! The XML scanner (SPEC "Command line": Bounded resources): splits a
//! part's XML into markup and text a chunk at a time, keeping at most one
//! markup item in memory, and refuses a DTD or entity declaration, an
//! over-long run of text or tag, and (in a sheet) an over-long cell. Also
//! the few helpers that read a tag (its name, an attribute, a count).

use super::refuse;
use crate::error::{Error, echo};

/// Longest run of XML text, or tag, or comment, in a part read as a stream
/// (a sheet). A cell holds at most 32,767 characters, a few hundred KiB
/// however they are escaped.
pub(super) const MAX_XML_RUN: usize = 1 << 20;
/// Largest XML of one cell (`<c>` … `</c>`) of a sheet: rich text of 32,767
/// characters with formatting is about 3 MiB.
const MAX_CELL_XML: u64 = 4 << 20;

/// Why a part is refused.
pub(super) enum Refusal {
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
    pub(super) fn into_error(self, path: &str, part: &str) -> Error {
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

/// Called with a markup item, the bytes of text before it and its offset;
/// returns false to stop scanning.
pub(super) type OnMarkup<'f> = dyn FnMut(&[u8], u64, u64) -> std::result::Result<bool, Refusal> + 'f;

/// Splits XML into markup (tags, comments, declarations) and the text
/// between, without keeping more than one markup item in memory.
#[derive(Default)]
pub(super) struct Scanner {
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
    pub(super) fn feed(
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
pub(super) fn markup_len(b: &[u8], at_end: bool) -> Option<usize> {
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
pub(super) fn tag_name(markup: &[u8]) -> (&[u8], bool) {
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
pub(super) fn attribute<'m>(markup: &'m [u8], name: &[u8]) -> Option<&'m [u8]> {
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
pub(super) fn count(markup: &[u8], name: &[u8]) -> u64 {
    attribute(markup, name)
        .and_then(|v| std::str::from_utf8(v).ok())
        .and_then(|v| v.trim().parse::<u64>().ok())
        .unwrap_or(1)
}

/// A sheet read as a stream: the XML of each cell is bounded.
#[derive(Default)]
pub(super) struct Sheet {
    /// Offset of the start tag of the cell being read.
    cell: Option<u64>,
}

impl Sheet {
    pub(super) fn markup(&mut self, markup: &[u8], offset: u64) -> std::result::Result<(), Refusal> {
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
