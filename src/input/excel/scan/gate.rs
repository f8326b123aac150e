//! The [`Gate`] between the scanning thread and the reader (SPEC "Command
//! line": Bounded resources): the sheets the reader streams are scanned by
//! a second thread as it reads them, and the reader may read a part only as
//! far as the scan has found it sound, so a sheet is not unpacked twice in
//! a row and the reader's wait is a few kilobytes of it.

use super::xml::Sheet;
use super::zip::Checked;
use super::{Mode, scan_part};
use crate::error::Error;
use std::cell::Cell;
use std::io::{Read, Seek, SeekFrom};
use std::rc::Rc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Condvar, Mutex};

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
    hit: Mutex<Option<Error>>,
}

struct Progress {
    start: u64,
    end: u64,
    /// Reading is allowed below this offset.
    verified: u64,
    refusal: Option<Error>,
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
                    let error = refusal.into_error(path, &w.name);
                    self.update(k, |p| p.refusal = Some(error));
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
        self.hit.lock().ok()?.clone()
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
