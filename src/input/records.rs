//! Records without a per-record allocation (SPEC "Command line": Bounded
//! resources: a CSV field over 64 MiB is refused): the CSV splitter writes the
//! fields of many records into one [`Batch`] (a byte buffer and field ends),
//! which parsing threads read and the splitter then reuses.

use crate::error::{Error, Location, Result};
use std::io::BufRead;

/// Where one record sits in a [`Batch`].
#[derive(Debug, Clone, Copy)]
struct Span {
    /// Byte where the record's fields start in `Batch::buf`.
    start: usize,
    /// Index in `Batch::ends` of its first field's end.
    first_end: usize,
    fields: usize,
    /// The 1-based line the record starts on.
    line: u64,
    /// Byte offset in the file where reading the record began.
    byte: u64,
    /// A sheet row with non-blank cells in columns not kept (see [`Rec::hidden`]).
    hidden: bool,
    /// Bytes between one field's end and the next one's start: 1 for a
    /// line copied whole (its commas kept), 0 for fields written back to
    /// back.
    gap: u8,
}

/// The fields of many records, back to back.
#[derive(Debug, Default)]
pub struct Batch {
    buf: Vec<u8>,
    used: usize,
    ends: Vec<usize>,
    spans: Vec<Span>,
}

impl Batch {
    pub fn clear(&mut self) {
        self.used = 0;
        self.ends.clear();
        self.spans.clear();
    }

    pub fn len(&self) -> usize {
        self.spans.len()
    }

    pub fn is_empty(&self) -> bool {
        self.spans.is_empty()
    }

    /// Roughly the memory the records take: their bytes and field ends.
    pub fn bytes(&self) -> usize {
        self.used + self.ends.len() * std::mem::size_of::<usize>()
    }

    /// Whether the batch holds more memory than a batch of `limit` bytes
    /// needs (a very long record was in it): then it is not worth reusing.
    pub fn oversized(&self, limit: usize) -> bool {
        self.buf.capacity() + self.ends.capacity() * std::mem::size_of::<usize>() > 2 * limit
    }

    pub fn get(&self, k: usize) -> Option<Rec<'_>> {
        self.spans.get(k).map(|&span| Rec { batch: self, span })
    }

    pub fn iter(&self) -> impl Iterator<Item = Rec<'_>> {
        self.spans.iter().map(|&span| Rec { batch: self, span })
    }

    /// The buffer a range reader reads whole lines into, for
    /// [`Batch::split_lines`]; the batch is emptied first.
    pub fn buffer(&mut self) -> &mut Vec<u8> {
        self.clear();
        &mut self.buf
    }

    /// Makes records of the lines in `buf[from..to]`, which hold no quote:
    /// each non-empty line is one record, its fields split at commas, as
    /// [`Splitter`]'s fast path splits them; blank lines are skipped but
    /// counted. `byte` is the file offset of `buf[from]`. Lines are
    /// numbered from 0 until [`Batch::number_lines`]. Returns how many line
    /// breaks there are.
    pub fn split_lines(&mut self, from: usize, to: usize, byte: u64) -> u64 {
        let to = to.min(self.buf.len());
        let mut at = from.min(to);
        let mut breaks = 0;
        while let Some(rest) = self.buf.get(at..to).filter(|rest| !rest.is_empty()) {
            let (len, next) = match memchr::memchr(b'\n', rest) {
                Some(len) => (len, at + len + 1),
                None => (rest.len(), to),
            };
            if len > 0 {
                let first_end = self.ends.len();
                comma_ends(rest.get(..len).unwrap_or_default(), at, &mut self.ends);
                self.ends.push(at + len);
                self.spans.push(Span {
                    start: at,
                    first_end,
                    fields: self.ends.len() - first_end,
                    line: breaks,
                    byte: byte + (at - from) as u64,
                    hidden: false,
                    gap: 1,
                });
            }
            breaks += u64::from(next > at + len);
            at = next;
        }
        self.used = to;
        breaks
    }

    /// Numbers the records of [`Batch::split_lines`]: its first line is `first`.
    pub fn number_lines(&mut self, first: u64) {
        for span in &mut self.spans {
            span.line += first;
        }
    }

    /// Appends a record given as fields (a sheet row).
    pub fn push_fields<'f>(&mut self, line: u64, fields: impl IntoIterator<Item = &'f [u8]>) {
        let start = self.used;
        let first_end = self.ends.len();
        self.buf.truncate(self.used);
        for field in fields {
            self.buf.extend_from_slice(field);
            self.ends.push(self.buf.len());
        }
        self.used = self.buf.len();
        self.spans.push(Span {
            start,
            first_end,
            fields: self.ends.len() - first_end,
            line,
            byte: 0,
            hidden: false,
            gap: 0,
        });
    }

    /// Marks the last record as a sheet row with non-blank cells in columns
    /// that were not kept: it is not a blank row.
    pub fn mark_hidden(&mut self) {
        if let Some(span) = self.spans.last_mut() {
            span.hidden = true;
        }
    }
}

/// One record of a batch.
#[derive(Clone, Copy)]
pub struct Rec<'a> {
    batch: &'a Batch,
    span: Span,
}

#[allow(clippy::len_without_is_empty)]
impl<'a> Rec<'a> {
    pub fn len(&self) -> usize {
        self.span.fields
    }

    pub fn line(&self) -> u64 {
        self.span.line
    }

    pub fn byte(&self) -> u64 {
        self.span.byte
    }

    /// Whether the row has non-blank cells in columns not kept (so it is
    /// not blank, whatever its fields hold).
    pub fn hidden(&self) -> bool {
        self.span.hidden
    }

    pub fn get(&self, c: usize) -> Option<&'a [u8]> {
        if c >= self.span.fields {
            return None;
        }
        let ends = &self.batch.ends;
        let start = if c == 0 {
            self.span.start
        } else {
            *ends.get(self.span.first_end + c - 1)? + usize::from(self.span.gap)
        };
        let end = *ends.get(self.span.first_end + c)?;
        self.batch.buf.get(start..end)
    }

    pub fn iter(&self) -> impl Iterator<Item = &'a [u8]> + 'a {
        let rec = *self;
        (0..rec.len()).map(move |c| rec.get(c).unwrap_or(b""))
    }

    /// All the record's field bytes (for counting line breaks inside it).
    fn bytes(&self) -> &'a [u8] {
        let end = if self.span.fields == 0 {
            self.span.start
        } else {
            self.batch.ends[self.span.first_end + self.span.fields - 1]
        };
        self.batch.buf.get(self.span.start..end).unwrap_or(b"")
    }
}

/// Splits a CSV stream into records (csv-core's parser: RFC 4180 quoting,
/// only `\n` ends a record, so a `\r` before it stays in the last field and
/// is trimmed with its spaces).
pub struct Splitter<R> {
    input: R,
    core: csv_core::Reader,
    consumed: u64,
    ends: Vec<usize>,
    done: bool,
    /// Turns an input error into our error (an over-long line, say).
    on_error: fn(&std::io::Error, &str) -> Error,
    path: String,
    /// Split quote-free lines with memchr instead of the csv state machine
    /// (off only to test that both give the same records).
    fast: bool,
}

impl<R: BufRead> Splitter<R> {
    /// The next record when it is a whole non-empty line, already in the
    /// read buffer, with no quote: then the csv grammar is only "fields
    /// split at commas", which memchr finds several times faster than the
    /// state machine (most of a national file is such lines). False, having
    /// read nothing, otherwise.
    fn read_plain_line(&mut self, batch: &mut Batch) -> Result<bool> {
        let input = match self.input.fill_buf() {
            Ok(input) => input,
            Err(e) => return Err((self.on_error)(&e, &self.path)),
        };
        // The line's end, unless a quote comes first.
        let Some(len) = memchr::memchr2(b'\n', b'"', input).filter(|&at| input.get(at) == Some(&b'\n')) else {
            return Ok(false);
        };
        let line = &input[..len];
        if line.is_empty() {
            return Ok(false);
        }
        let start = batch.used;
        let first_end = batch.ends.len();
        batch.buf.truncate(start);
        // The line is copied whole, commas and all (one copy, not one per
        // field), and each comma is a field's end.
        batch.buf.extend_from_slice(line);
        comma_ends(line, start, &mut batch.ends);
        batch.ends.push(start + line.len());
        batch.used = batch.buf.len();
        // What the state machine would count: one more line.
        let line_number = self.core.line();
        self.core.set_line(line_number + 1);
        batch.spans.push(Span {
            start,
            first_end,
            fields: batch.ends.len() - first_end,
            line: line_number.max(1),
            byte: self.consumed,
            hidden: false,
            gap: 1,
        });
        self.input.consume(len + 1);
        self.consumed += len as u64 + 1;
        Ok(true)
    }

    /// Where the next record begins: its byte offset in the input and the
    /// line it is on (blank lines before it included).
    pub fn position(&self) -> (u64, u64) {
        (self.consumed, self.core.line().max(1))
    }

    /// A splitter of `input` that begins at byte `offset` of a file, on
    /// line `line` (where [`Splitter::position`] or a range reader left off).
    pub fn resume(input: R, path: &str, on_error: fn(&std::io::Error, &str) -> Error, at: (u64, u64)) -> Splitter<R> {
        let mut splitter = Splitter::new(input, path, on_error);
        splitter.consumed = at.0;
        splitter.core.set_line(at.1);
        splitter
    }

    /// Skips the line breaks of blank lines before a record (as the parser
    /// would, but here the record's byte offset is then its own).
    fn skip_blank_lines(&mut self) -> Result<()> {
        loop {
            let input = match self.input.fill_buf() {
                Ok(input) => input,
                Err(e) => return Err((self.on_error)(&e, &self.path)),
            };
            let blank = input.iter().take_while(|&&b| b == b'\n').count();
            if blank == 0 {
                return Ok(());
            }
            self.input.consume(blank);
            self.consumed += blank as u64;
            self.core.set_line(self.core.line() + blank as u64);
        }
    }

    pub fn new(input: R, path: &str, on_error: fn(&std::io::Error, &str) -> Error) -> Splitter<R> {
        Splitter {
            input,
            core: csv_core::ReaderBuilder::new()
                .terminator(csv_core::Terminator::Any(b'\n'))
                .build(),
            consumed: 0,
            ends: vec![0; 64],
            done: false,
            fast: true,
            on_error,
            path: path.to_string(),
        }
    }

    /// Reads the next record into `batch`; `false` at the end of the input.
    ///
    /// The line a record starts on is exact: the parser's line count after
    /// the record, less its own line breaks (the terminator, and any inside
    /// quoted cells). Blank lines before it are skipped by the parser but
    /// still counted.
    pub fn read_into(&mut self, batch: &mut Batch) -> Result<bool> {
        use csv_core::ReadRecordResult::*;
        if self.done {
            return Ok(false);
        }
        self.skip_blank_lines()?;
        if self.fast && self.read_plain_line(batch)? {
            return Ok(true);
        }
        let start = batch.used;
        let byte = self.consumed;
        let first_line = self.core.line();
        let (mut out_len, mut end_len) = (0usize, 0usize);
        loop {
            // A line is bounded as it is read (see `Guard`); a record whose
            // quoted cells hold line breaks is bounded here, as one line.
            if out_len > super::MAX_LINE_BYTES {
                return Err(self.too_long(first_line));
            }
            if batch.buf.len() < start + out_len + 4096 {
                // Zero only room for this record (twice what it has so far,
                // and a margin): `read_plain_line` leaves `buf` cut to what
                // is used, so doubling the whole buffer here would zero the
                // batch again for every quoted record after a plain one.
                // The capacity is kept, so growing reallocates rarely.
                let grown = start + 2 * out_len + 8192;
                batch.buf.resize(grown, 0);
            }
            let input = match self.input.fill_buf() {
                Ok(input) => input,
                Err(e) => return Err((self.on_error)(&e, &self.path)),
            };
            let at_end = input.is_empty();
            let (result, nin, nout, nend) =
                self.core
                    .read_record(input, &mut batch.buf[start + out_len..], &mut self.ends[end_len..]);
            self.input.consume(nin);
            self.consumed += nin as u64;
            out_len += nout;
            end_len += nend;
            match result {
                InputEmpty => continue,
                OutputFull => continue,
                OutputEndsFull => {
                    let grown = self.ends.len() * 2;
                    self.ends.resize(grown, 0);
                    continue;
                }
                Record => {
                    batch.used = start + out_len;
                    let first_end = batch.ends.len();
                    batch
                        .ends
                        .extend(self.ends.get(..end_len).unwrap_or(&[]).iter().map(|e| start + e));
                    // The field ends of a record of millions of empty
                    // fields are not kept for the next.
                    if self.ends.len() > 1 << 20 {
                        self.ends = vec![0; 64];
                    }
                    let mut span = Span {
                        start,
                        first_end,
                        fields: end_len,
                        line: 0,
                        byte,
                        hidden: false,
                        gap: 0,
                    };
                    // A record completed by the end of the input has no
                    // terminator; any other ended with a line break.
                    let last_line = if at_end {
                        self.core.line()
                    } else {
                        self.core.line().saturating_sub(1)
                    };
                    batch.spans.push(span);
                    let inside = Rec { batch, span }.bytes().iter().filter(|&&b| b == b'\n').count() as u64;
                    span.line = last_line.saturating_sub(inside).max(1);
                    if let Some(last) = batch.spans.last_mut() {
                        *last = span;
                    }
                    return Ok(true);
                }
                End => {
                    self.done = true;
                    return Ok(false);
                }
            }
        }
    }
}

impl<R> Splitter<R> {
    /// The error for a record longer than [`super::MAX_LINE_BYTES`] that
    /// began on `line`.
    fn too_long(&self, line: u64) -> Error {
        let lines = self.core.line().saturating_sub(line) + 1;
        Error::data(format!(
            "this row is longer than {} MiB (a quoted cell runs on over {lines} lines); no row of data is that long",
            super::MAX_LINE_BYTES >> 20
        ))
        .at(Location::row(&self.path, line.max(1)))
        .help("the file is damaged or not a CSV file (a quote left open makes the rest of a file one cell); a cell of Excel holds at most 32,767 characters")
    }
}

/// Appends `offset` + the place of every comma in `line`. Eight bytes at a
/// time: a word's commas are marked by the high bit of their bytes (exactly:
/// no carry crosses bytes), and each mark's place found with one
/// trailing-zero count. Fields are short and unevenly long, so a branch per
/// byte was mispredicted at most commas: that loop was nearly all of the
/// splitter's time.
fn comma_ends(line: &[u8], offset: usize, ends: &mut Vec<usize>) {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const LOW7: u64 = 0x7F * ONES;
    let mut words = line.chunks_exact(8);
    let mut base = offset;
    for word in &mut words {
        let Ok(bytes) = <[u8; 8]>::try_from(word) else { continue };
        let t = u64::from_le_bytes(bytes) ^ (u64::from(b',') * ONES);
        // A byte of t is 0 exactly where the line has a comma.
        let mut commas = !(((t & LOW7) + LOW7) | t) & (0x80 * ONES);
        while commas != 0 {
            ends.push(base + (commas.trailing_zeros() / 8) as usize);
            commas &= commas - 1;
        }
        base += 8;
    }
    for (k, &b) in words.remainder().iter().enumerate() {
        if b == b',' {
            ends.push(base + k);
        }
    }
}

/// Whether a file ends its lines with a lone CR (Excel's "CSV
/// (Macintosh)"): its first line break is a CR not followed by LF.
pub fn cr_line_ends(head: &[u8]) -> bool {
    match memchr::memchr2(b'\r', b'\n', head) {
        Some(at) => head.get(at) == Some(&b'\r') && head.get(at + 1).is_some_and(|&b| b != b'\n'),
        None => false,
    }
}

/// Reads a file with CR-only line ends as if they were LF (a CR LF pair,
/// should one occur, stays one line end). Passes bytes through untouched
/// when `active` is false.
pub struct CrToLf<R> {
    inner: R,
    active: bool,
    after_cr: bool,
}

impl<R> CrToLf<R> {
    pub fn new(inner: R, active: bool) -> CrToLf<R> {
        CrToLf {
            inner,
            active,
            after_cr: false,
        }
    }
}

impl<R: std::io::Read> std::io::Read for CrToLf<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        loop {
            let n = self.inner.read(buf)?;
            if !self.active || n == 0 {
                return Ok(n);
            }
            let mut kept = 0;
            for at in 0..n {
                let b = buf[at];
                if b == b'\n' && self.after_cr {
                    self.after_cr = false;
                    continue;
                }
                self.after_cr = b == b'\r';
                buf[kept] = if b == b'\r' { b'\n' } else { b };
                kept += 1;
            }
            if kept > 0 {
                return Ok(kept);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn cr_only_line_ends_read_as_lines() {
        use std::io::Read;
        assert!(cr_line_ends(b"a,b\r1,2\r"));
        assert!(!cr_line_ends(b"a,b\r\n1,2\r\n"));
        assert!(!cr_line_ends(b"a,b\n1,2\r"));
        assert!(!cr_line_ends(b"a,b"));
        let mut out = String::new();
        CrToLf::new(&b"t\r\rh,x\r\n1,2\r"[..], true)
            .read_to_string(&mut out)
            .unwrap();
        assert_eq!(out, "t\n\nh,x\n1,2\n");
        let mut out = String::new();
        CrToLf::new(&b"a\r\nb"[..], false).read_to_string(&mut out).unwrap();
        assert_eq!(out, "a\r\nb");
    }

    use super::*;

    fn split(text: &str) -> Vec<(u64, Vec<String>)> {
        split_with(text, true, 8192)
    }

    fn split_with(text: &str, fast: bool, buffer: usize) -> Vec<(u64, Vec<String>)> {
        let input = std::io::BufReader::with_capacity(buffer, text.as_bytes());
        let mut s = Splitter::new(input, "t", |e, _| Error::file(e.to_string()));
        s.fast = fast;
        let mut batch = Batch::default();
        while s.read_into(&mut batch).unwrap() {}
        batch
            .iter()
            .map(|r| {
                (
                    r.line(),
                    r.iter().map(|f| String::from_utf8_lossy(f).into_owned()).collect(),
                )
            })
            .collect()
    }

    #[test]
    fn lines_are_exact_after_blank_lines_crlf_and_quoted_breaks() {
        let got = split("t\n\nh,x\r\n\"a\nb\",1\nc,\"2,5\"");
        assert_eq!(
            got,
            vec![
                (1, vec!["t".to_string()]),
                (3, vec!["h".into(), "x\r".into()]),
                (4, vec!["a\nb".into(), "1".into()]),
                (6, vec!["c".into(), "2,5".into()]),
            ]
        );
    }

    proptest::proptest! {
        #[test]
        fn plain_lines_split_as_the_csv_state_machine_splits_them(
            text in "[a,\"\n\r1.]{0,80}",
            buffer in 1usize..16,
        ) {
            proptest::prop_assert_eq!(split_with(&text, true, buffer), split_with(&text, false, buffer));
            proptest::prop_assert_eq!(split_with(&text, true, buffer), split_with(&text, false, 8192));
        }
    }

    /// The byte offset of each record of `text`, as the splitter reads it.
    fn split_bytes(text: &str, buffer: usize) -> Vec<u64> {
        let input = std::io::BufReader::with_capacity(buffer, text.as_bytes());
        let mut s = Splitter::new(input, "t", |e, _| Error::file(e.to_string()));
        let mut batch = Batch::default();
        while s.read_into(&mut batch).unwrap() {}
        batch.iter().map(|r| r.byte()).collect()
    }

    /// Records of `text` as [`Batch::split_lines`] makes them, from byte
    /// `from` (the file's offset `byte`, on line `line`).
    fn split_by_lines(text: &str, from: usize, line: u64) -> Vec<(u64, u64, Vec<String>)> {
        let mut batch = Batch::default();
        batch.buffer().extend_from_slice(text.as_bytes());
        let breaks = batch.split_lines(from, text.len(), from as u64);
        assert_eq!(breaks, text[from..].matches('\n').count() as u64);
        batch.number_lines(line);
        batch
            .iter()
            .map(|r| {
                (
                    r.line(),
                    r.byte(),
                    r.iter().map(|f| String::from_utf8_lossy(f).into_owned()).collect(),
                )
            })
            .collect()
    }

    proptest::proptest! {
        #[test]
        fn quote_free_lines_split_by_ranges_as_by_the_splitter(
            text in "[a,\n\r1.]{0,80}",
            buffer in 1usize..16,
            cut in 0usize..80,
        ) {
            // A range begins at a line start, `cut` bytes in or before.
            let from = text.get(..cut.min(text.len())).and_then(|head| head.rfind('\n')).map_or(0, |at| at + 1);
            let line = 1 + text[..from].matches('\n').count() as u64;
            let expected: Vec<_> = split_with(&text, true, buffer)
                .into_iter()
                .zip(split_bytes(&text, buffer))
                .filter(|(_, byte)| *byte >= from as u64)
                .map(|((line, fields), byte)| (line, byte, fields))
                .collect();
            proptest::prop_assert_eq!(split_by_lines(&text, from, line), expected);
        }
    }

    #[test]
    fn a_record_after_blank_lines_starts_at_its_own_byte() {
        let input = std::io::BufReader::with_capacity(4, &b"h\n\n\n\nx,1\n"[..]);
        let mut s = Splitter::new(input, "t", |e, _| Error::file(e.to_string()));
        let mut batch = Batch::default();
        while s.read_into(&mut batch).unwrap() {}
        let last = batch.iter().last().unwrap();
        assert_eq!((last.line(), last.byte()), (5, 5));
        assert_eq!(s.position(), (9, 6));
    }

    proptest::proptest! {
        #[test]
        fn commas_are_found_a_word_at_a_time_as_byte_by_byte(
            line in proptest::collection::vec(proptest::prop_oneof![
                proptest::strategy::Just(b','), proptest::strategy::Just(b'-'), proptest::strategy::Just(b'.'),
                proptest::strategy::Just(0xAC), proptest::strategy::Just(0x2D), proptest::num::u8::ANY,
            ], 0..40),
            offset in 0usize..100,
        ) {
            let mut ends = vec![7];
            comma_ends(&line, offset, &mut ends);
            let mut expected = vec![7];
            expected.extend(line.iter().enumerate().filter(|(_, b)| **b == b',').map(|(k, _)| offset + k));
            proptest::prop_assert_eq!(ends, expected);
        }
    }

    #[test]
    fn sheet_rows_go_in_as_fields() {
        let mut b = Batch::default();
        b.push_fields(7, [&b"id"[..], b"", b"3.5"]);
        let r = b.get(0).unwrap();
        assert_eq!((r.line(), r.len(), r.get(2)), (7, 3, Some(&b"3.5"[..])));
        assert_eq!(r.get(3), None);
    }
}
