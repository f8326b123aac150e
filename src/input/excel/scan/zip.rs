//! The zip checks on a workbook before the reader opens it (SPEC "Command
//! line": Bounded resources): the number of parts and the size of the
//! directory its end record declares, the unpacked size and compression
//! ratio of each part, the size of the parts the reader keeps whole, and a
//! scan of every XML part the reader does not stream (the prolog for a DTD;
//! all of an OpenDocument `content.xml`, see `ods`). The parts it streams
//! (sheets) are listed for the [`Gate`](super::Gate).

use super::{Mode, refuse, scan_part};
use crate::error::{Error, Result, echo};
use std::io::Cursor;

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

/// What kind of zip-based workbook an archive is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Xlsx,
    Xlsb,
    Ods,
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
pub(super) fn directory_size(bytes: &[u8]) -> Option<(u64, u64)> {
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
pub(super) fn read_whole(lower: &str) -> Option<u64> {
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
    /// (see [`Gate`](super::Gate)).
    pub watched: Vec<Watched>,
}

/// A part scanned while the reader reads it: its index in the archive, its
/// name, and where its packed bytes lie in the file.
pub struct Watched {
    pub(super) index: usize,
    pub(super) name: String,
    pub(super) start: u64,
    pub(super) end: u64,
}

/// Checks a zip-based workbook (xlsx, xlsm, xlsb, ods) before it is opened:
/// the sizes its parts declare, the prolog of each XML part, and all of an
/// OpenDocument `content.xml` (which the reader expands whole when it opens
/// the file). The parts the reader streams are listed to be scanned as it
/// reads them.
pub fn check_zip(bytes: &[u8], path: &str) -> Result<Checked> {
    check_directory(bytes, path)?;
    let unreadable = |e: &dyn std::fmt::Display| {
        Error::data(format!("{path} is not a readable workbook: {e}"))
            .help("open and re-save it in Excel, or export the sheet as CSV")
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
            return Err(Error::data(format!(
                "{path} declares {size} bytes uncompressed for its part `{}` ({}× its packed size); refusing to unpack it",
                echo(&name),
                size / packed
            ))
            .help("this looks like a damaged file or a zip bomb; re-save the workbook from Excel, or export the sheet as CSV"));
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
