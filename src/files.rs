//! The files a run reads whole and the files it writes (SPEC "Command line":
//! "Writing files" and "Bounded resources").
//!
//! Writing: a regular destination is replaced all at once (an exclusive
//! temporary file under a random name beside it, flushed to disk, then
//! renamed over it); a device, FIFO or process substitution is written
//! directly, as a shell's `>` would. All the files of one run are committed
//! together, after everything else has succeeded, and an interrupted run
//! removes its temporary files. No destination is ever one of the run's
//! inputs.

use crate::error::{Error, Result, echo};
use std::fs;
use std::io::{ErrorKind, Read, Write};
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, MutexGuard};

/// The largest rubric or params file read: a real one is a few kilobytes.
pub const MAX_SMALL_FILE: u64 = 16 << 20;

/// Reads a file that is read whole (a rubric, a params file), refusing one
/// over [`MAX_SMALL_FILE`] before it is read on (`/dev/zero` included).
pub fn read_small(path: &str, what: &str) -> Result<Vec<u8>> {
    let file = fs::File::open(path).map_err(|e| Error::io(path, &format!("read the {what}"), &e))?;
    if file.metadata().is_ok_and(|m| m.is_dir()) {
        let e = std::io::Error::from(ErrorKind::IsADirectory);
        return Err(Error::io(path, &format!("read the {what}"), &e));
    }
    let mut bytes = Vec::new();
    file.take(MAX_SMALL_FILE + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| Error::io(path, &format!("read the {what}"), &e))?;
    if bytes.len() as u64 > MAX_SMALL_FILE {
        return Err(Error::data(format!(
            "{path} is larger than {} MiB, the most a {what} may be",
            MAX_SMALL_FILE >> 20
        ))
        .help(format!(
            "a {what} is a few kilobytes of TOML; check that {path} is the file you meant"
        )));
    }
    Ok(bytes)
}

// ---------------------------------------------------------------------------
// Before a run: where its outputs go, and that none of them is an input.

/// One file a run will write, as the command line named it.
#[derive(Debug, Clone, Copy)]
pub struct Destination<'a> {
    /// The flag that named it, for messages (`--output`, `--freeze`).
    pub flag: &'a str,
    pub path: &'a str,
}

/// One file a run reads (`-` is standard input).
#[derive(Debug, Clone, Copy)]
pub struct Source<'a> {
    /// What it is, for messages ("the data file", "the rubric").
    pub what: &'a str,
    pub path: &'a str,
}

/// Checks a run's destinations before anything is read: none is a
/// directory or read-only, none is the same file as a source (by device
/// and inode, so links and other spellings count) or as another
/// destination. A destination that is an input is a usage error (exit 2).
pub fn check_destinations(sources: &[Source<'_>], destinations: &[Destination<'_>]) -> Result<()> {
    for (k, dest) in destinations.iter().enumerate() {
        // A read-only file or a missing directory is said when the run
        // writes (after the command's own checks of its arguments).
        let planned = match plan(dest.path) {
            Err(e) if e.kind() == crate::error::ErrorKind::Usage => return Err(e),
            other => other,
        };
        let Ok(Plan::Replace(target)) = planned else { continue };
        if let Ok(dest_handle) = same_file::Handle::from_path(&target) {
            for source in sources {
                let handle = if source.path == "-" {
                    same_file::Handle::stdin()
                } else {
                    same_file::Handle::from_path(source.path)
                };
                if handle.is_ok_and(|h| h == dest_handle) {
                    return Err(Error::usage(format!(
                        "{} {} is the same file as {} {}: linkscore would replace its own input",
                        dest.flag,
                        echo(dest.path),
                        source.what,
                        echo(source.path)
                    ))
                    .help("write to another file"));
                }
            }
        }
        for other in &destinations[..k] {
            if let Ok(Plan::Replace(other_target)) = plan(other.path)
                && same_destination(&target, &other_target)
            {
                return Err(Error::usage(format!(
                    "{} {} and {} {} are the same file",
                    other.flag,
                    echo(other.path),
                    dest.flag,
                    echo(dest.path)
                ))
                .help("give each output its own file"));
            }
        }
    }
    Ok(())
}

/// Whether two regular destinations (existing or not) are one file.
fn same_destination(a: &Path, b: &Path) -> bool {
    match (same_file::Handle::from_path(a), same_file::Handle::from_path(b)) {
        (Ok(x), Ok(y)) => x == y,
        (Err(_), Err(_)) => {
            // Neither exists yet: the same name in the same directory.
            let dir = |p: &Path| fs::canonicalize(parent_dir(p)).ok();
            a.file_name() == b.file_name() && dir(a).is_some() && dir(a) == dir(b)
        }
        _ => false,
    }
}

/// Whether output to `path` goes to a stream, not to a file kept on disk:
/// standard output (no path, or `-`), a device or a FIFO (which are written
/// as `>` would).
pub fn is_stream(path: Option<&str>) -> bool {
    match path {
        None | Some("-") => true,
        Some(path) => fs::metadata(path).is_ok_and(|meta| !meta.is_file() && !meta.is_dir()),
    }
}

/// How a destination is written.
#[derive(Debug)]
enum Plan {
    /// Standard output.
    Stdout,
    /// Not a regular file (a device, a FIFO): written directly, as `>` would.
    Direct(PathBuf),
    /// A regular file, or none yet: this path (symbolic links followed) is
    /// replaced by renaming a finished temporary file over it.
    Replace(PathBuf),
}

/// Decides how `path` is written, refusing a directory (usage) and a
/// read-only file or a missing directory (exit 1).
fn plan(path: &str) -> Result<Plan> {
    if path == "-" {
        return Ok(Plan::Stdout);
    }
    let is_a_directory = || {
        Error::usage(format!("cannot write to {}: it is a directory", echo(path))).help(format!(
            "name a file, e.g. {}",
            echo(&Path::new(path).join("results.csv").display().to_string())
        ))
    };
    if path.is_empty() {
        return Err(Error::usage("the output file name is empty").help("name a file, e.g. -o results.csv"));
    }
    if path.ends_with('/') && !Path::new(path).is_dir() {
        return Err(
            Error::usage(format!("cannot write to {}: a file name cannot end with /", echo(path)))
                .help(format!("name a file, e.g. {}results.csv", echo(path))),
        );
    }
    match fs::metadata(path) {
        Ok(meta) if meta.is_dir() => Err(is_a_directory()),
        Ok(meta) if meta.is_file() => {
            let target = fs::canonicalize(path).map_err(|e| Error::io(path, "write", &e))?;
            refuse_read_only(path, &meta)?;
            Ok(Plan::Replace(target))
        }
        Ok(_) => Ok(Plan::Direct(PathBuf::from(path))),
        Err(e) if e.kind() == ErrorKind::NotFound => {
            let target = follow_dangling_links(Path::new(path))?;
            let dir = parent_dir(&target);
            match fs::metadata(dir) {
                Ok(meta) if meta.is_dir() => Ok(Plan::Replace(target)),
                _ => Err(Error::file(format!(
                    "cannot write {}: the directory {} does not exist",
                    echo(path),
                    echo(&dir.display().to_string())
                ))
                .help(format!(
                    "create it first (mkdir -p {}), or write elsewhere",
                    echo(&dir.display().to_string())
                ))),
            }
        }
        Err(e) => Err(Error::io(&echo(path), "write", &e)),
    }
}

/// A read-only file is not replaced, even by root: `>` would fail on it for
/// anyone else, and its mode says its owner wants it kept.
fn refuse_read_only(path: &str, meta: &fs::Metadata) -> Result<()> {
    let writable = !meta.permissions().readonly() && fs::OpenOptions::new().write(true).open(path).is_ok();
    if writable {
        return Ok(());
    }
    Err(Error::file(format!(
        "cannot write {}: it is read-only; linkscore leaves it as it is",
        echo(path)
    ))
    .help(format!(
        "make it writable (chmod u+w {}) or write to another file",
        echo(path)
    )))
}

/// The file a chain of symbolic links ending nowhere would create.
fn follow_dangling_links(path: &Path) -> Result<PathBuf> {
    let mut target = path.to_path_buf();
    for _ in 0..40 {
        match fs::symlink_metadata(&target) {
            Ok(meta) if meta.file_type().is_symlink() => {
                let link =
                    fs::read_link(&target).map_err(|e| Error::io(&target.display().to_string(), "follow", &e))?;
                target = parent_dir(&target).join(link);
            }
            _ => return Ok(target),
        }
    }
    Err(Error::file(format!(
        "cannot write {}: too many levels of symbolic links",
        echo(&path.display().to_string())
    ))
    .help("point the link at a file"))
}

/// The directory holding `path` (`.` for a bare name).
fn parent_dir(path: &Path) -> &Path {
    path.parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
}

// ---------------------------------------------------------------------------
// Writing a run's outputs, all at once.

/// Writes an output's content.
pub type Writer<'a> = Box<dyn FnOnce(&mut dyn Write) -> std::io::Result<()> + 'a>;

/// One output of a run: where (`None` or `-` is standard output) and what.
pub struct Output<'a> {
    pub path: Option<String>,
    pub write: Writer<'a>,
}

impl<'a> Output<'a> {
    pub fn new(path: Option<&str>, write: impl FnOnce(&mut dyn Write) -> std::io::Result<()> + 'a) -> Output<'a> {
        Output {
            path: path.map(str::to_string),
            write: Box::new(write),
        }
    }

    /// Finished bytes.
    pub fn bytes(path: Option<&str>, content: Vec<u8>) -> Output<'a> {
        Output::new(path, move |w| w.write_all(&content))
    }
}

/// Writes every output of a run: regular files into temporary files first,
/// then standard output and devices, and only when all of that succeeded
/// are the temporary files renamed into place. A failure leaves every
/// destination as it was (a device or standard output may have received
/// part of its output, as with `>`). A closed pipe is not an error.
pub fn commit(outputs: Vec<Output<'_>>) -> Result<()> {
    let mut staged = Vec::new();
    let mut direct = Vec::new();
    for output in outputs {
        let shown = output.path.clone().unwrap_or_else(|| "-".into());
        match plan(&shown)? {
            Plan::Replace(target) => staged.push(stage(&shown, target, output.write)?),
            Plan::Stdout => direct.push((None, shown, output.write)),
            Plan::Direct(path) => direct.push((Some(path), shown, output.write)),
        }
    }
    for (path, shown, write) in direct {
        write_direct(path.as_deref(), &shown, write)?;
    }
    let mut temps = registry();
    for staged in staged {
        staged.persist(&mut temps)?;
    }
    Ok(())
}

/// A finished temporary file waiting to be renamed over its target.
struct Staged {
    file: tempfile::NamedTempFile,
    target: PathBuf,
    shown: String,
}

impl Staged {
    fn persist(self, temps: &mut Vec<PathBuf>) -> Result<()> {
        let temp = self.file.path().to_path_buf();
        temps.retain(|p| p != &temp);
        self.file.persist(&self.target).map_err(|e| {
            Error::file(format!("cannot write {}: {}", echo(&self.shown), e.error)).help("nothing was written there")
        })?;
        // The rename itself reaches the disk with its directory.
        if let Ok(dir) = fs::File::open(parent_dir(&self.target)) {
            let _ = dir.sync_all();
        }
        Ok(())
    }
}

/// Writes one output into a new temporary file beside `target`, flushed to disk.
fn stage(shown: &str, target: PathBuf, write: Writer<'_>) -> Result<Staged> {
    let failed = |e: &std::io::Error| {
        let help = match e.kind() {
            ErrorKind::StorageFull | ErrorKind::QuotaExceeded | ErrorKind::FileTooLarge => {
                "free some space, or write to another disk; nothing was written"
            }
            _ => "nothing was written",
        };
        Error::file(format!("cannot write {}: {e}", echo(shown))).help(help)
    };
    let existing = fs::metadata(&target).ok();
    let dir = parent_dir(&target);
    let file = {
        // Registered under the lock, so a signal never misses it.
        let mut temps = registry();
        let file = tempfile::Builder::new()
            .prefix(".linkscore-")
            .suffix(".tmp")
            .permissions(std::os::unix::fs::PermissionsExt::from_mode(0o666))
            .tempfile_in(dir)
            .map_err(|e| {
                Error::io(
                    &echo(&dir.display().to_string()),
                    "create a temporary file (for writing {shown}) in",
                    &e,
                )
            })?;
        temps.push(file.path().to_path_buf());
        file
    };
    let staged = Staged {
        file,
        target,
        shown: shown.to_string(),
    };
    let written = AtomicU64::new(0);
    std::thread::scope(|scope| {
        let (file, written) = (staged.file.as_file(), &written);
        let (writing, finished) = std::sync::mpsc::channel::<()>();
        scope.spawn(move || {
            // Its result does not matter: the final flush is checked.
            let flush = || drop(file.sync_data());
            flush_while_written(flush, written, &finished);
        });
        let mut out = std::io::BufWriter::with_capacity(1 << 16, Counted { file, written });
        let result = write(&mut out).and_then(|()| out.flush());
        drop(writing);
        result
    })
    .map_err(|e| failed(&e))?;
    if let Some(meta) = existing {
        // A replaced file keeps its mode and, where allowed, its owner.
        let _ = std::os::unix::fs::fchown(staged.file.as_file(), Some(meta.uid()), Some(meta.gid()));
        staged
            .file
            .as_file()
            .set_permissions(meta.permissions())
            .map_err(|e| failed(&e))?;
    }
    staged.file.as_file().sync_all().map_err(|e| failed(&e))?;
    Ok(staged)
}

/// Flushes a file being written to disk (`flush`), again and again while
/// at least [`FLUSH_STEP`] more has been `written`, until `finished` (its
/// sender dropped). The flush before the rename (SPEC "Writing files")
/// then finds little left to do: a disk whose flush waits for everything
/// written since the last one (as a virtual machine's disk does) made a
/// national ranking (160 MB) wait 0.2 s at its end with nothing else to do.
fn flush_while_written(flush: impl Fn(), written: &AtomicU64, finished: &std::sync::mpsc::Receiver<()>) {
    let mut flushed = 0;
    let pause = std::time::Duration::from_millis(20);
    while let Err(std::sync::mpsc::RecvTimeoutError::Timeout) = finished.recv_timeout(pause) {
        let now = written.load(Ordering::Relaxed);
        if now >= flushed + FLUSH_STEP {
            flush();
            flushed = now;
        }
    }
}

/// How much more must be written before [`flush_while_written`] flushes again.
const FLUSH_STEP: u64 = 8 << 20;

/// A file being written, with a count of the bytes written so far.
struct Counted<'f> {
    file: &'f fs::File,
    written: &'f AtomicU64,
}

impl Write for Counted<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = (&mut &*self.file).write(buf)?;
        self.written.fetch_add(n as u64, Ordering::Relaxed);
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        (&mut &*self.file).flush()
    }
}

/// Writes standard output or a device directly.
fn write_direct(path: Option<&Path>, shown: &str, write: Writer<'_>) -> Result<()> {
    let result = match path {
        None => {
            let mut out = std::io::BufWriter::with_capacity(1 << 16, std::io::stdout().lock());
            write(&mut out).and_then(|()| out.flush())
        }
        Some(path) => fs::OpenOptions::new()
            .write(true)
            .truncate(true)
            .open(path)
            .and_then(|file| {
                let mut out = std::io::BufWriter::with_capacity(1 << 16, file);
                write(&mut out).and_then(|()| out.flush())
            }),
    };
    match result {
        Err(e) if e.kind() != ErrorKind::BrokenPipe => {
            let name = if path.is_some() {
                echo(shown)
            } else {
                "standard output".into()
            };
            Err(Error::file(format!("cannot write {name}: {e}")))
        }
        _ => Ok(()),
    }
}

// ---------------------------------------------------------------------------
// Interrupted runs.

/// The temporary files that exist now, for the signal handler to remove.
static TEMPORARY_FILES: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

fn registry() -> MutexGuard<'static, Vec<PathBuf>> {
    TEMPORARY_FILES
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// On SIGINT, SIGTERM or SIGHUP: remove the temporary files and exit 130
/// (SIGINT) or 128 + the signal number. Renames happen under the same lock,
/// so a run is interrupted either before its files are committed or after.
pub fn clean_up_on_signals() {
    use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
    let Ok(mut signals) = signal_hook::iterator::Signals::new([SIGINT, SIGTERM, SIGHUP]) else {
        return;
    };
    std::thread::spawn(move || {
        if let Some(signal) = signals.forever().next() {
            let temps = registry();
            for path in temps.iter() {
                let _ = fs::remove_file(path);
            }
            std::process::exit(128 + signal);
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Runs [`flush_while_written`] while `write` adds to the count (it is
    /// also given the count of flushes so far); how many flushes it made.
    fn flushes_while(write: impl FnOnce(&AtomicU64, &AtomicU64)) -> u64 {
        let (written, flushes) = (AtomicU64::new(0), AtomicU64::new(0));
        std::thread::scope(|scope| {
            let (writing, finished) = std::sync::mpsc::channel::<()>();
            let (w, f) = (&written, &flushes);
            scope.spawn(move || {
                flush_while_written(
                    || {
                        f.fetch_add(1, Ordering::Relaxed);
                    },
                    w,
                    &finished,
                )
            });
            write(&written, &flushes);
            drop(writing);
        });
        flushes.load(Ordering::Relaxed)
    }

    #[test]
    fn a_long_output_is_flushed_while_it_is_written() {
        let flushes = flushes_while(|written, flushes| {
            for round in 1..=3 {
                written.fetch_add(FLUSH_STEP, Ordering::Relaxed);
                // Each step written is flushed once, however slow the machine.
                let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
                while flushes.load(Ordering::Relaxed) < round && std::time::Instant::now() < deadline {
                    std::thread::sleep(std::time::Duration::from_millis(5));
                }
            }
            std::thread::sleep(std::time::Duration::from_millis(60));
        });
        assert_eq!(flushes, 3);
        // A short one is left to the final flush alone.
        let flushes = flushes_while(|written, _| {
            written.fetch_add(FLUSH_STEP - 1, Ordering::Relaxed);
            std::thread::sleep(std::time::Duration::from_millis(100));
        });
        assert_eq!(flushes, 0);
    }

    fn read(path: &Path) -> String {
        fs::read_to_string(path).unwrap_or_default()
    }

    #[test]
    fn all_outputs_or_none() {
        let dir = tempfile::tempdir().expect("a temporary directory");
        let a = dir.path().join("a.csv");
        let b = dir.path().join("b.toml");
        fs::write(&b, "old").expect("write");
        let failing = Output::new(Some(&a.display().to_string()), |_| {
            Err(std::io::Error::other("disk on fire"))
        });
        let fine = Output::bytes(Some(&b.display().to_string()), b"new".to_vec());
        let err = commit(vec![fine, failing]).expect_err("the failing output fails the run");
        assert!(err.to_string().contains("disk on fire"), "{err}");
        assert_eq!(read(&b), "old", "the other output is not committed");
        assert!(!a.exists());
        let left: Vec<_> = fs::read_dir(dir.path()).expect("list").collect();
        assert_eq!(left.len(), 1, "no temporary file is left: {left:?}");
    }

    #[test]
    fn a_replaced_file_keeps_its_mode_and_links_are_followed() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().expect("a temporary directory");
        let real = dir.path().join("real.csv");
        fs::write(&real, "old").expect("write");
        fs::set_permissions(&real, fs::Permissions::from_mode(0o640)).expect("chmod");
        let link = dir.path().join("link.csv");
        std::os::unix::fs::symlink(&real, &link).expect("symlink");
        commit(vec![Output::bytes(Some(&link.display().to_string()), b"new".to_vec())]).expect("written");
        assert_eq!(read(&real), "new");
        assert!(fs::symlink_metadata(&link).expect("link").file_type().is_symlink());
        let mode = fs::metadata(&real).expect("meta").permissions().mode() & 0o777;
        assert_eq!(mode, 0o640);
    }

    #[test]
    fn oversized_small_files_are_refused() {
        let dir = tempfile::tempdir().expect("a temporary directory");
        let big = dir.path().join("big.toml");
        let file = fs::File::create(&big).expect("create");
        file.set_len(MAX_SMALL_FILE + 1).expect("a sparse file");
        let err = read_small(&big.display().to_string(), "rubric").expect_err("refused");
        assert!(err.to_string().contains("larger than 16 MiB"), "{err}");
        let fits = dir.path().join("fits.toml");
        fs::File::create(&fits)
            .expect("create")
            .set_len(MAX_SMALL_FILE)
            .expect("sparse");
        assert_eq!(
            read_small(&fits.display().to_string(), "rubric").map(|b| b.len()).ok(),
            Some(1 << 24)
        );
    }
}
