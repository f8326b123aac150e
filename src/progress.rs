//! Progress bars on stderr for long work (reading a big file, re-scoring
//! many times), shown only when stderr is a terminal: scripts, pipes and
//! CI see nothing. Every bar of the program is made here, in one style.

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::IsTerminal;

/// Files at least this big show a bar while read: a few seconds of reading.
pub const READ_BYTES: u64 = 64 << 20;

/// A bar of `len` steps drawn with `template`, or a hidden one when stderr
/// is not a terminal or `shown` is false.
fn bar(len: u64, template: &str, shown: bool) -> ProgressBar {
    if !shown || !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::with_draw_target(Some(len), ProgressDrawTarget::stderr_with_hz(8));
    if let Ok(style) = ProgressStyle::with_template(template) {
        bar.set_style(style.progress_chars("=> "));
    }
    bar
}

/// Reading `path` of `size` bytes (only for files of [`READ_BYTES`] or more).
pub fn reading(path: &str, size: u64) -> ProgressBar {
    let bar = bar(
        size,
        "{msg} [{bar:30}] {bytes}/{total_bytes} ({eta} left)",
        size >= READ_BYTES,
    );
    bar.set_message(format!("reading {path}"));
    bar
}

/// Re-scoring `runs` times (sensitivity, uncertainty).
pub fn rescoring(runs: usize) -> ProgressBar {
    bar(runs as u64, "re-scoring [{bar:30}] {pos}/{len} runs ({eta} left)", true)
}
