//! Reading village data (SPEC "Data", "Data as offices fill it in", and
//! "Command line": Bounded resources): a CSV stream (UTF-8 or GB18030) or
//! a workbook sheet → records → a compact table of units and raw indicator
//! values, with every problem reported by file, row and column.
//!
//! The parts, from the bottom up: `decode` (bytes to text), `records`
//! (splitting CSV into records), `cell` (one cell to a number, and the
//! store of raw values), `narrow` (a read column compacted, and `Cells`,
//! how bulk readers see its mantissas), `header` (finding the header row), `totals`
//! (totals rows), [`excel`] (workbooks), `table` (the model: [`Table`]),
//! `layout` (the rubric's columns in one file, and rows parsed into units),
//! `merge` (parsed parts put back in file order), `ranges` (a file's rows
//! read by byte ranges, a range per thread) and `read` (the reader:
//! [`load`], [`from_bytes`]). This file
//! declares them, re-exports what the rest of the crate uses, and holds the
//! options and bounds they share.

mod cell;
mod decode;
pub mod excel;
mod header;
mod layout;
mod merge;
mod narrow;
mod ranges;
mod read;
mod records;
mod table;
mod totals;

pub use cell::{NotANumber, RawValues, parse_cell, parse_plain_decimal};
pub(crate) use decode::is_blank;
pub use decode::{Encoding, decode, field_text, looks_like_workbook, sniff};
pub use header::header_key;
pub use narrow::{Cells, Counts};
pub use read::{from_bytes, load};
pub(crate) use records::Batch;
pub use table::{CodedText, InputFile, Table, TextColumn};

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
    /// The column naming each row's period: the file is then a long panel
    /// table (SPEC "Panels"). The panel commands set it from `--period` or
    /// the rubric's `period`; the others read one period and leave it out.
    pub period: Option<String>,
    /// Whether the rubric's group column was named by `--by` (so messages
    /// about it name the flag, not the rubric).
    pub group_from_flag: bool,
}

/// The most cell errors listed in one message before "and N more".
const MAX_LISTED_ERRORS: usize = 20;

/// The longest line a data file may have. A row of village data is at most
/// a few kilobytes; a line this long is a broken or hostile file, and is
/// refused before it is read on into memory.
pub const MAX_LINE_BYTES: usize = 64 << 20;
