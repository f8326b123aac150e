//! The data rows of a CSV file read by byte ranges (issue 20): each thread
//! reads a range of the file itself, splits it into records and parses
//! them, so that no one thread splits for the others and no record is
//! copied.
//!
//! A range's records are the lines that begin in it. Splitting at line
//! breaks is exact only outside quoted cells, and whether a range begins
//! inside one is known only from what comes before it; so the ranges are
//! checked in file order, and the check is passed on like a baton: a range
//! takes its first line's number and offset from the one before it, and
//! passes its own end on only when it holds no quote (nor a line running
//! far past its end). The first range that does not stops the baton where
//! it begins, which is an exact record boundary, and the caller reads on
//! from there with the sequential splitter (see `read`). Parts go to the
//! [`Merger`] by range, so the table and every message are those of the
//! sequential reader, whatever the number of threads.

use super::layout::Layout;
use super::merge::Merger;
use super::records::Batch;
use crate::error::{Error, Result};
use crate::rubric::Rubric;
use std::fs::File;
use std::os::unix::fs::FileExt;
use std::sync::{Condvar, Mutex};

/// Bytes of the file in one range (and so about the bytes of one batch).
/// A range's last line may run on past it by a quarter of this; a longer
/// line stops the baton (the sequential reader bounds and reports it).
const RANGE_BYTES: u64 = 2 << 20;

#[cfg(test)]
thread_local! {
    /// The range size of the tests' reads (tiny ranges put a boundary
    /// everywhere), set on the thread that reads.
    pub(super) static TEST_RANGE_BYTES: std::cell::Cell<Option<u64>> = const { std::cell::Cell::new(None) };
}

/// [`RANGE_BYTES`], or a test's.
fn range_bytes() -> u64 {
    #[cfg(test)]
    if let Some(bytes) = TEST_RANGE_BYTES.with(std::cell::Cell::get) {
        return bytes.max(1);
    }
    RANGE_BYTES
}

/// The most threads that read ranges at once.
const MAX_THREADS: usize = 16;

/// Ranges a thread may parse ahead of the first one not yet in the table,
/// per thread, so parsed parts waiting for their turn stay few.
const AHEAD_PER_THREAD: usize = 2;

/// Where reading by ranges stopped: the offset and line of the next record,
/// and the index of the next part for the [`Merger`].
#[derive(Debug, Clone, Copy)]
pub(super) struct Resume {
    pub offset: u64,
    pub line: u64,
    pub index: usize,
}

/// What the threads share, under one lock.
struct State {
    /// The next range to hand out.
    taken: usize,
    /// Parts the merger has put in order.
    merged: usize,
    /// The baton: the range whose turn it is, where its records begin.
    turn: Resume,
    /// The baton stopped (an irregular range, or the merger's error).
    stopped: bool,
}

/// The ranges of one file and what the threads share.
pub(super) struct Ranges<'a> {
    file: &'a File,
    /// Where the data rows begin (after the header), and how many bytes
    /// follow.
    start: u64,
    data_bytes: u64,
    range_bytes: u64,
    ranges: usize,
    progress: &'a indicatif::ProgressBar,
    state: Mutex<State>,
    changed: Condvar,
}

/// Where a range's records begin and end in the file, and how many line
/// breaks they hold; `begin` is `None` when the range is not regular (a
/// quote, a line that runs on too far, or the file could not be read).
struct Read {
    begin: Option<u64>,
    end: u64,
    breaks: u64,
}

const IRREGULAR: Read = Read {
    begin: None,
    end: 0,
    breaks: 0,
};

impl<'a> Ranges<'a> {
    /// The ranges of `file` from `at` (offset, line) to its end.
    pub(super) fn new(file: &'a File, at: (u64, u64), progress: &'a indicatif::ProgressBar) -> Ranges<'a> {
        let size = file.metadata().map_or(0, |m| m.len());
        let range_bytes = range_bytes();
        let data_bytes = size.saturating_sub(at.0);
        let ranges = data_bytes.div_ceil(range_bytes);
        Ranges {
            file,
            start: at.0,
            data_bytes,
            range_bytes,
            ranges: usize::try_from(ranges).unwrap_or(usize::MAX),
            progress,
            state: Mutex::new(State {
                taken: 0,
                merged: 0,
                turn: Resume {
                    offset: at.0,
                    line: at.1,
                    index: 0,
                },
                stopped: false,
            }),
            changed: Condvar::new(),
        }
    }

    /// Reads and parses every regular range with `threads` threads, parts
    /// into `merger`; returns where the sequential reader goes on.
    pub(super) fn read(
        &self,
        threads: usize,
        layout: &Layout,
        rubric: &Rubric,
        file_index: usize,
        merger: &Mutex<Merger<'_>>,
    ) -> Result<Resume> {
        // No more threads than ranges, and a bounded number: each holds a
        // range's bytes and field ends (about 5 MB) and its parts waiting.
        let threads = threads.clamp(1, MAX_THREADS).min(self.ranges.max(1));
        std::thread::scope(|scope| {
            for _ in 0..threads {
                scope.spawn(|| self.work(threads, layout, rubric, file_index, merger));
            }
        });
        let state = self.state.lock().map_err(|_| Error::file("a reading thread failed"))?;
        Ok(state.turn)
    }

    /// One thread: takes ranges in order until none is left or the baton stops.
    fn work(&self, threads: usize, layout: &Layout, rubric: &Rubric, file_index: usize, merger: &Mutex<Merger<'_>>) {
        let mut batch = Batch::default();
        while let Some(index) = self.take(threads) {
            // A range that cannot be read stops the baton too: the
            // sequential reader then meets the error and reports it.
            let read = self.read_range(index, &mut batch).unwrap_or(IRREGULAR);
            let Some(first_line) = self.pass(index, &read) else {
                return;
            };
            let read_bytes = read.end.saturating_sub(read.begin.unwrap_or(read.end));
            self.progress.inc(read_bytes);
            batch.number_lines(first_line);
            let part = layout.parse(&batch, rubric, file_index);
            let Ok(mut m) = merger.lock() else { return };
            if index == 0 && self.ranges > 1 {
                // The first range's rows say how many the file holds (a few
                // more: ranges differ, and rows one too many would double
                // the table's columns).
                m.reserve_like(&part, 1.05 * self.data_bytes as f64 / read_bytes.max(1) as f64);
            }
            m.add(index, Ok(part));
            let (merged, fatal) = (m.merged(), m.fatal.is_some());
            drop(m);
            if let Ok(mut state) = self.state.lock() {
                state.merged = merged;
                state.stopped |= fatal;
            }
            self.changed.notify_all();
        }
    }

    /// The next range to read, once few enough parsed ones wait for the
    /// merger; `None` when none is left or the baton has stopped.
    fn take(&self, threads: usize) -> Option<usize> {
        let mut state = self.state.lock().ok()?;
        loop {
            if state.stopped || state.taken >= self.ranges {
                return None;
            }
            if state.taken < state.merged + AHEAD_PER_THREAD * threads {
                state.taken += 1;
                return Some(state.taken - 1);
            }
            state = self.changed.wait(state).ok()?;
        }
    }

    /// Waits for range `index`'s turn and takes the baton: the line its
    /// records begin on, having passed the baton on past it; `None` (and the
    /// baton stopped where the range begins) when the range is not regular,
    /// or when the baton stopped before it.
    fn pass(&self, index: usize, read: &Read) -> Option<u64> {
        let mut state = self.state.lock().ok()?;
        while !state.stopped && state.turn.index != index {
            state = self.changed.wait(state).ok()?;
        }
        if state.stopped {
            return None;
        }
        let line = state.turn.line;
        if read.begin == Some(state.turn.offset) {
            state.turn = Resume {
                offset: read.end,
                line: line + read.breaks,
                index: index + 1,
            };
        } else {
            state.stopped = true;
        }
        let stopped = state.stopped;
        drop(state);
        self.changed.notify_all();
        (!stopped).then_some(line)
    }

    /// Reads range `index` into `batch` and splits the lines that begin in
    /// it into records. A range's lines begin after the first line break at
    /// or after its first byte's predecessor (the first range's at its
    /// start), and end with the line break at or after its last byte.
    fn read_range(&self, index: usize, batch: &mut Batch) -> std::io::Result<Read> {
        let range_start = self.start + index as u64 * self.range_bytes;
        let from = if index == 0 { range_start } else { range_start - 1 };
        let range_end = range_start + self.range_bytes;
        let want = usize::try_from(range_end + self.range_bytes / 4 - from).unwrap_or(usize::MAX);
        let buf = batch.buffer();
        let (len, at_end) = read_at_most(self.file, from, want, buf)?;
        let bytes = buf.get(..len).unwrap_or_default();
        let begin = if index == 0 {
            0
        } else {
            match memchr::memchr(b'\n', bytes) {
                Some(at) => at + 1,
                None => return Ok(IRREGULAR),
            }
        };
        let last = usize::try_from(range_end - 1 - from).unwrap_or(usize::MAX).max(begin);
        let end = match bytes.get(last..).and_then(|tail| memchr::memchr(b'\n', tail)) {
            Some(at) => last + at + 1,
            None if at_end => len,
            None => return Ok(IRREGULAR),
        };
        let end = end.max(begin);
        if memchr::memchr(b'"', bytes.get(begin..end).unwrap_or_default()).is_some() {
            return Ok(IRREGULAR);
        }
        let breaks = batch.split_lines(begin, end, from + begin as u64);
        Ok(Read {
            begin: Some(from + begin as u64),
            end: from + end as u64,
            breaks,
        })
    }
}

/// Reads up to `want` bytes of `file` from `offset` into `buf` (kept at
/// least that long, so a reused buffer is not zeroed again): how many were
/// read, and whether the file ended before `want`.
fn read_at_most(file: &File, offset: u64, want: usize, buf: &mut Vec<u8>) -> std::io::Result<(usize, bool)> {
    if buf.len() < want {
        buf.resize(want, 0);
    }
    let mut got = 0;
    while got < want {
        let Some(room) = buf.get_mut(got..want) else { break };
        match file.read_at(room, offset + got as u64) {
            Ok(0) => return Ok((got, true)),
            Ok(n) => got += n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok((got, false))
}

#[cfg(test)]
mod tests {
    use super::TEST_RANGE_BYTES;
    use crate::input::{ReadOptions, Table, from_bytes, load};
    use proptest::prelude::*;

    fn rubric() -> crate::rubric::Rubric {
        crate::rubric::Rubric::parse(
            "t.toml",
            "[rubric]\nname = \"t\"\nid = \"id\"\nlabel = \"name\"\n[[dimension]]\nid = \"d\"\n[[indicator]]\nid = \"a\"\ndimension = \"d\"\nnormalize = \"minmax\"\n[[indicator]]\nid = \"b\"\ndimension = \"d\"\nnormalize = \"minmax\"\n",
            false,
        )
        .unwrap()
    }

    /// What a read gave: every unit (row, id, label, values) and the
    /// notes, or the whole error.
    fn outcome(read: crate::error::Result<Table>) -> String {
        match read {
            Err(e) => format!("{e:?}"),
            Ok(t) => {
                let mut out = format!("{:?}\n", t.notes);
                for u in 0..t.len() {
                    let values: Vec<Option<f64>> = t.values.iter().map(|v| v.iter().nth(u).flatten()).collect();
                    out += &format!("{} {} {:?} {values:?}\n", t.row(u), t.id(u), t.label(u));
                }
                out
            }
        }
    }

    /// Reads `text` as a file by ranges of `range` bytes, and in memory
    /// with the sequential splitter.
    fn both_ways(text: &[u8], range: u64) -> (String, String) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.csv");
        std::fs::write(&path, text).unwrap();
        let path = path.to_string_lossy().into_owned();
        let options = ReadOptions {
            skip_checksums: true,
            ..ReadOptions::default()
        };
        let rubric = rubric();
        TEST_RANGE_BYTES.with(|r| r.set(Some(range)));
        let ranged = outcome(load(std::slice::from_ref(&path), &rubric, &options));
        TEST_RANGE_BYTES.with(|r| r.set(None));
        let sequential = outcome(from_bytes(&[(path, text.to_vec())], &rubric, &options));
        (ranged, sequential)
    }

    /// A cell: mostly numbers, and each kind of cell that stops or bends a
    /// reading (quotes, with commas or line breaks, words, blanks, long).
    fn cell() -> impl Strategy<Value = String> {
        prop_oneof![
            6 => (0u32..1000, 0u32..100).prop_map(|(a, b)| format!("{a}.{b}")),
            1 => Just(" 7 ".to_string()),
            1 => Just("\"1,234.5\"".to_string()),
            1 => Just("\"3\n\"".to_string()),
            1 => Just(String::new()),
            1 => Just("NA".to_string()),
            1 => Just("x".to_string()),
            1 => Just("1".repeat(40)),
        ]
    }

    /// A row: id, label and the two values, or a blank line.
    fn row() -> impl Strategy<Value = String> {
        let id = prop_oneof![
            8 => (0u32..400).prop_map(|k| format!("u{k}")),
            1 => Just(String::new()),
            1 => Just("合计".to_string()),
        ];
        prop_oneof![
            12 => (id, cell(), cell()).prop_map(|(id, a, b)| format!("{id},村{id},{a},{b}")),
            1 => Just(String::new()),
            1 => Just("u1,2".to_string()),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(200))]
        #[test]
        fn ranges_read_what_the_sequential_reader_reads(
            rows in proptest::collection::vec(row(), 0..40),
            crlf in any::<bool>(),
            last_break in any::<bool>(),
            range in 1u64..120,
        ) {
            let end = if crlf { "\r\n" } else { "\n" };
            let mut text = format!("id,name,a,b{end}");
            text += &rows.join(end);
            if last_break {
                text += end;
            }
            let (ranged, sequential) = both_ways(text.as_bytes(), range);
            prop_assert_eq!(ranged, sequential);
        }
    }

    #[test]
    fn a_quote_hands_the_rest_to_the_sequential_reader() {
        let mut text = String::from("id,name,a,b\n");
        for k in 0..200 {
            if k == 120 {
                text += "u120,\"two\nlines\",1,2\n";
            } else {
                text += &format!("u{k},v{k},{k}.5,{}\n", 200 - k);
            }
        }
        text += "u200,\n";
        for range in [1, 7, 64, 1000, 1 << 20] {
            let (ranged, sequential) = both_ways(text.as_bytes(), range);
            assert_eq!(ranged, sequential);
            assert!(
                ranged.contains("this row has 2 fields but the header has 4"),
                "{ranged}"
            );
            assert!(ranged.contains("row: 203"), "{ranged}");
        }
    }
}
