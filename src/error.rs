//! Typed errors of the library, and the source-pointing diagnostics they carry.
//!
//! Every error is a finished sentence for a person: what is wrong, where, and
//! how to fix it. `main` only maps the kind to an exit code.

use std::fmt::Write as _;
use unicode_width::UnicodeWidthStr;

/// What went wrong, by who has to fix it.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The rubric file is not valid (exit 1).
    #[error("{0}")]
    Rubric(String),
    /// The data is not valid for the rubric (exit 1).
    #[error("{0}")]
    Data(String),
    /// The command line asks for something impossible (exit 2).
    #[error("{0}")]
    Usage(String),
    /// Reading or writing a file failed (exit 1).
    #[error("{0}")]
    Io(String),
}

impl Error {
    /// Process exit status for this error (SPEC: 1 bad input, 2 bad usage).
    pub fn exit_code(&self) -> u8 {
        match self {
            Error::Usage(_) => 2,
            _ => 1,
        }
    }

    /// An I/O error with the path it concerns.
    pub fn io(path: &str, action: &str, err: &std::io::Error) -> Error {
        use std::io::ErrorKind;
        let advice = match err.kind() {
            ErrorKind::NotFound => Some(("no such file or directory", "check the path and the current directory")),
            ErrorKind::PermissionDenied => Some(("permission denied", "check the file's permissions")),
            ErrorKind::IsADirectory => Some(("it is a directory", "name a file inside it")),
            ErrorKind::AlreadyExists | ErrorKind::NotADirectory => Some((
                "a file is in the way (a directory was expected)",
                "choose another path, or move the file",
            )),
            _ => None,
        };
        match advice {
            Some((what, help)) => Error::Io(format!("error: cannot {action} {path}: {what}\n  = help: {help}")),
            None => Error::Io(format!("error: cannot {action} {path}: {err}")),
        }
    }
}

pub type Result<T> = std::result::Result<T, Error>;

/// 1-based line and column (in characters) of a byte offset in `text`.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let offset = floor_char_boundary(text, offset.min(text.len()));
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let col = text[line_start..offset].chars().count() + 1;
    (line, col)
}

fn floor_char_boundary(text: &str, mut i: usize) -> usize {
    while i > 0 && !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// A message pointing into a source file, in the style of rustc and just:
///
/// ```text
/// error: unknown key `directon`
///   --> rubric.toml:91:1
///    |
/// 91 | directon = "lower"
///    | ^^^^^^^^
///    = help: did you mean `direction`?
/// ```
///
/// The caret is aligned by display width, so it sits under the right
/// character even after Chinese text.
pub fn pointed(path: &str, text: &str, span: std::ops::Range<usize>, message: &str, help: Option<&str>) -> String {
    let start = floor_char_boundary(text, span.start.min(text.len()));
    let end = floor_char_boundary(text, span.end.min(text.len())).max(start);
    let (line, col) = line_col(text, start);
    let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
    let line_end = text[start..].find('\n').map_or(text.len(), |i| start + i);
    let source_line = text[line_start..line_end].trim_end_matches('\r');
    let pad = UnicodeWidthStr::width(&text[line_start..start]);
    let marked_end = end.min(line_end);
    let width = UnicodeWidthStr::width(&text[start..marked_end]).max(1);
    let gutter = line.to_string().len();
    let mut out = String::new();
    let _ = writeln!(out, "{message}");
    let _ = writeln!(out, "{:gutter$}--> {path}:{line}:{col}", "");
    let _ = writeln!(out, "{:gutter$} |", "");
    let _ = writeln!(out, "{line} | {source_line}");
    let _ = write!(out, "{:gutter$} | {:pad$}{}", "", "", "^".repeat(width));
    if let Some(help) = help {
        let _ = write!(out, "\n{:gutter$} = help: {help}", "");
    }
    out
}

/// The candidate closest to `wanted`, if it is close enough to be a likely typo.
pub fn closest<'a, I>(wanted: &str, candidates: I) -> Option<&'a str>
where
    I: IntoIterator<Item = &'a str>,
{
    let wanted_folded = fold_width(wanted).to_lowercase();
    let mut best: Option<(f64, &'a str)> = None;
    for candidate in candidates {
        let folded = fold_width(candidate).to_lowercase();
        let score = if folded == wanted_folded {
            2.0
        } else {
            strsim::normalized_damerau_levenshtein(&wanted_folded, &folded)
        };
        if best.is_none_or(|(s, _)| score > s) {
            best = Some((score, candidate));
        }
    }
    best.filter(|(score, _)| *score >= 0.5).map(|(_, c)| c)
}

/// Up to `n` candidates close to `wanted`, closest first (for "did you mean" lists).
pub fn closest_n<'a, I>(wanted: &str, candidates: I, n: usize) -> Vec<&'a str>
where
    I: IntoIterator<Item = &'a str>,
{
    let wanted = fold_width(wanted).to_lowercase();
    let mut scored: Vec<(f64, &'a str)> = candidates
        .into_iter()
        .map(|c| {
            (
                strsim::normalized_damerau_levenshtein(&wanted, &fold_width(c).to_lowercase()),
                c,
            )
        })
        .filter(|(score, _)| *score >= 0.5)
        .collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.cmp(b.1)));
    scored.into_iter().take(n).map(|(_, c)| c).collect()
}

/// Fold full-width ASCII forms (`ＡＢＣ１２３（）`) and the ideographic space
/// to their half-width equivalents.
pub fn fold_width(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            '\u{3000}' => ' ',
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            _ => c,
        })
        .collect()
}

/// The longest text echoed from a data file in a message, in characters.
pub const ECHO_CHARS: usize = 200;

/// Text from a data file (a cell, a header, a sheet name) as a message
/// shows it: control characters escaped (`\u{1b}`), so a cell cannot
/// rewrite the terminal, and cut to [`ECHO_CHARS`] characters (`…` marks
/// the cut).
pub fn echo(text: &str) -> String {
    let mut out = String::with_capacity(text.len().min(4 * ECHO_CHARS));
    for (n, c) in text.chars().enumerate() {
        if n == ECHO_CHARS {
            out.push('…');
            break;
        }
        if c.is_control() {
            let _ = write!(out, "\\u{{{:x}}}", c as u32);
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn echo_escapes_control_characters_and_cuts_long_text() {
        assert_eq!(echo("a\u{1b}[31mb\n"), "a\\u{1b}[31mb\\u{a}");
        assert_eq!(echo("暂无"), "暂无");
        let long = "数".repeat(250);
        let shown = echo(&long);
        assert_eq!(shown.chars().count(), ECHO_CHARS + 1);
        assert!(shown.ends_with("数…"));
        assert_eq!(echo(&"x".repeat(200)), "x".repeat(200));
    }

    #[test]
    fn line_col_counts_characters_not_bytes() {
        let text = "a = 1\n名称 = 2\n";
        assert_eq!(line_col(text, 0), (1, 1));
        let off = text.find('=').unwrap();
        assert_eq!(line_col(text, off), (1, 3));
        let off2 = text.rfind('=').unwrap();
        assert_eq!(line_col(text, off2), (2, 4));
    }

    #[test]
    fn caret_aligns_under_wide_characters() {
        let text = "名称 = -1\n";
        let start = text.find('-').unwrap();
        let msg = pointed("r.toml", text, start..start + 2, "bad", None);
        let lines: Vec<&str> = msg.lines().collect();
        assert_eq!(lines[3], "1 | 名称 = -1");
        // "名称 = " is 7 columns wide: the caret starts at column 8 after "  | ".
        assert_eq!(lines[4], "  |        ^^");
    }

    #[test]
    fn closest_suggests_typos_and_full_width_forms() {
        let cands = ["direction", "dimension", "weight"];
        assert_eq!(closest("directon", cands), Some("direction"));
        assert_eq!(closest("zzzzzz", cands), None);
        assert_eq!(closest("收入（元）", ["收入(元)", "人口"]), Some("收入(元)"));
    }
}
