//! Typed errors of the library, and the source-pointing diagnostics they carry.
//!
//! Every error is a finished sentence for a person: what is wrong, where, and
//! how to fix it. `main` only maps the kind to an exit code.

use std::borrow::Cow;
use std::fmt::Write as _;
use unicode_width::UnicodeWidthChar;

/// What went wrong, by who has to fix it.
///
/// A message is shown with its control characters other than line breaks
/// and tabs escaped ([`terminal_safe`]): text from a file that some message
/// forgot to pass through [`echo`] still cannot drive the terminal.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The rubric file is not valid (exit 1).
    #[error("{}", terminal_safe(.0))]
    Rubric(String),
    /// The data is not valid for the rubric (exit 1).
    #[error("{}", terminal_safe(.0))]
    Data(String),
    /// The command line asks for something impossible (exit 2).
    #[error("{}", terminal_safe(.0))]
    Usage(String),
    /// Reading or writing a file failed (exit 1).
    #[error("{}", terminal_safe(.0))]
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
/// character even after Chinese text. A long line is shown as a window
/// around the caret (see [`Snippet`]), with control characters escaped.
pub fn pointed(path: &str, text: &str, span: std::ops::Range<usize>, message: &str, help: Option<&str>) -> String {
    let start = floor_char_boundary(text, span.start.min(text.len()));
    let end = floor_char_boundary(text, span.end.min(text.len())).max(start);
    let (line, col) = line_col(text, start);
    let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
    let line_end = text[start..].find('\n').map_or(text.len(), |i| start + i);
    let source_line = &text[line_start..line_end];
    let shown = source_line.trim_end_matches('\r');
    let at = (start - line_start).min(shown.len());
    let snippet = Snippet::around(shown, at, (end.min(line_end) - line_start).min(shown.len()));
    let gutter = line.to_string().len();
    let mut out = String::new();
    let _ = writeln!(out, "{message}");
    let _ = writeln!(out, "{:gutter$}--> {path}:{line}:{col}", "");
    let _ = writeln!(out, "{:gutter$} |", "");
    let _ = writeln!(out, "{line} | {}", snippet.text);
    let _ = write!(
        out,
        "{:gutter$} | {:pad$}{}",
        "",
        "",
        "^".repeat(snippet.carets),
        pad = snippet.pad
    );
    if let Some(help) = help {
        let _ = write!(out, "\n{:gutter$} = help: {help}", "");
    }
    out
}

/// Display columns a source line is shown in at most; longer lines are cut
/// around the caret (a 400 KB line is not echoed whole).
const SNIPPET_COLUMNS: usize = 100;
/// Columns kept before the caret when a long line is cut.
const SNIPPET_BEFORE: usize = 40;
/// Columns the caret underlines at most.
const SNIPPET_MARK: usize = 40;

/// One source line as a message shows it, and where its caret goes.
struct Snippet {
    text: String,
    /// Display columns before the caret.
    pad: usize,
    /// Width of the caret (at least 1).
    carets: usize,
}

/// How a source character is shown: a tab as one space (so the caret's
/// column is certain), another control character escaped as [`echo`] does.
/// Returns the display columns written.
fn push_shown(c: char, out: &mut String) -> usize {
    if c == '\t' {
        out.push(' ');
    } else if c.is_control() {
        let _ = write!(out, "\\u{{{:x}}}", c as u32);
    } else {
        out.push(c);
    }
    shown_width(c)
}

/// The display columns [`push_shown`] writes for `c`.
fn shown_width(c: char) -> usize {
    if c == '\t' {
        1
    } else if c.is_control() {
        // `\u{` + hex digits + `}`.
        let digits = (32 - (c as u32).leading_zeros()).div_ceil(4).max(1) as usize;
        4 + digits
    } else {
        c.width().unwrap_or(0)
    }
}

impl Snippet {
    /// `line` with the bytes `at..end` underlined (`at` ≤ `end` ≤ `line.len()`,
    /// both on character boundaries).
    fn around(line: &str, at: usize, end: usize) -> Snippet {
        let (before, marked, after) = (&line[..at], &line[at..end], &line[end..]);
        // Whether the whole line fits (stops counting as soon as it does not).
        let mut total = 0;
        let fits = line.chars().all(|c| {
            total += shown_width(c);
            total <= SNIPPET_COLUMNS
        });
        // Before the caret: all of it, or its last SNIPPET_BEFORE columns after "…".
        let mut from = 0;
        if !fits {
            let mut width = 0;
            from = before.len();
            for (i, c) in before.char_indices().rev() {
                width += shown_width(c);
                if width > SNIPPET_BEFORE {
                    break;
                }
                from = i;
            }
        }
        let mut text = String::new();
        let mut pad = 0;
        if from > 0 {
            text.push('…');
            pad += 1;
        }
        for c in before[from..].chars() {
            pad += push_shown(c, &mut text);
        }
        // The marked text, up to SNIPPET_MARK columns when the line is cut.
        let mut carets = 0;
        let mut cut = false;
        for c in marked.chars() {
            if !fits && carets >= SNIPPET_MARK {
                cut = true;
                break;
            }
            carets += push_shown(c, &mut text);
        }
        // After it, up to the window's width.
        if !cut {
            let mut width = pad + carets;
            for c in after.chars() {
                if !fits && width >= SNIPPET_COLUMNS {
                    cut = true;
                    break;
                }
                width += push_shown(c, &mut text);
            }
        }
        if cut {
            text.push('…');
        }
        Snippet {
            text,
            pad,
            carets: carets.max(1),
        }
    }
}

/// Whether a candidate of `len` characters can score ≥ 0.5 against a wanted
/// text of `wanted` characters: the distance is at least the difference in
/// length, so the candidate is within half and twice the wanted length.
/// Comparing only those gives the same answers at a fraction of the cost.
fn comparable(wanted: usize, len: usize) -> bool {
    2 * len >= wanted && len <= 2 * wanted
}

/// `text` as "did you mean" compares it: full-width forms folded and in
/// lower case; borrowed when that changes nothing (ASCII without capitals,
/// which most headers and ids are), so a long list costs no allocations.
fn folded(text: &str) -> Cow<'_, str> {
    if text.bytes().all(|b| b.is_ascii() && !b.is_ascii_uppercase()) {
        Cow::Borrowed(text)
    } else {
        Cow::Owned(fold_width(text).to_lowercase())
    }
}

/// The candidate closest to `wanted`, if it is close enough to be a likely typo.
pub fn closest<'a, I>(wanted: &str, candidates: I) -> Option<&'a str>
where
    I: IntoIterator<Item = &'a str>,
{
    let wanted_folded = folded(wanted);
    let wanted_len = wanted_folded.chars().count();
    let mut best: Option<(f64, &'a str)> = None;
    for candidate in candidates {
        let folded = folded(candidate);
        let score = if folded == wanted_folded {
            2.0
        } else if comparable(wanted_len, folded.chars().count()) {
            strsim::normalized_damerau_levenshtein(&wanted_folded, &folded)
        } else {
            0.0
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
    let wanted = folded(wanted);
    let wanted_len = wanted.chars().count();
    let mut scored: Vec<(f64, &'a str)> = candidates
        .into_iter()
        .filter_map(|c| {
            let folded = folded(c);
            comparable(wanted_len, folded.chars().count())
                .then(|| (strsim::normalized_damerau_levenshtein(&wanted, &folded), c))
        })
        .filter(|(score, _)| *score >= 0.5)
        .collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.cmp(b.1)));
    scored.into_iter().take(n).map(|(_, c)| c).collect()
}

/// Work that one [`Suggester`] may spend on "did you mean" in all, in
/// units of one candidate byte read plus one character pair compared:
/// enough for 100 missing columns against 500 headers of 20 characters,
/// and about a tenth of a second however many columns a file has.
pub const SUGGEST_BUDGET: u64 = 20_000_000;

/// [`closest`] over one candidate list asked many times (each missing
/// column against every header) at a bounded total cost. A lookup reads
/// every candidate and compares those of a comparable length; it is made
/// only when the budget left covers the reading, and is abandoned (no
/// suggestion) when the comparisons would exceed it. So a file of millions
/// of columns costs a few lookups' work, not one per missing column, and
/// keeps nothing per candidate; an answer given is the one [`closest`] gives.
pub struct Suggester<'a, T> {
    candidates: &'a [T],
    /// Cost of reading every candidate once: their count plus their bytes.
    scan: u64,
    budget: u64,
}

impl<'a, T: AsRef<str>> Suggester<'a, T> {
    pub fn new(candidates: &'a [T]) -> Suggester<'a, T> {
        Suggester::with_budget(candidates, SUGGEST_BUDGET)
    }

    /// A suggester that spends at most `budget` (see [`SUGGEST_BUDGET`]).
    pub fn with_budget(candidates: &'a [T], budget: u64) -> Suggester<'a, T> {
        let scan = candidates.iter().fold(candidates.len() as u64, |sum, c| {
            sum.saturating_add(c.as_ref().len() as u64)
        });
        Suggester {
            candidates,
            scan,
            budget,
        }
    }

    /// The candidate closest to `wanted`, as [`closest`] finds it, or `None`
    /// when none is close or the budget does not cover the lookup.
    pub fn suggest(&mut self, wanted: &str) -> Option<&'a str> {
        if self.scan > self.budget {
            return None;
        }
        self.budget -= self.scan;
        let wanted = folded(wanted);
        let wanted_len = wanted.chars().count();
        let mut best: Option<(f64, &'a str)> = None;
        for candidate in self.candidates {
            let candidate = candidate.as_ref();
            let text = folded(candidate);
            if text == wanted {
                // Nothing scores above an equal text, and earlier candidates win ties.
                return Some(candidate);
            }
            let len = text.chars().count();
            if !comparable(wanted_len, len) {
                continue;
            }
            let cost = (wanted_len as u64).saturating_mul(len as u64);
            if cost > self.budget {
                self.budget = 0;
                return None;
            }
            self.budget -= cost;
            let score = strsim::normalized_damerau_levenshtein(&wanted, &text);
            if best.is_none_or(|(s, _)| score > s) {
                best = Some((score, candidate));
            }
        }
        best.filter(|(score, _)| *score >= 0.5).map(|(_, c)| c)
    }
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
        push_escaped(c, &mut out);
    }
    out
}

/// `c`, or its escape (`\u{1b}`) when it is a control character.
fn push_escaped(c: char, out: &mut String) {
    if c.is_control() {
        let _ = write!(out, "\\u{{{:x}}}", c as u32);
    } else {
        out.push(c);
    }
}

/// Text with every control character escaped as [`echo`] does, but whole:
/// for the terminal table, whose cells are the data's own text.
pub fn escape_controls(text: &str) -> Cow<'_, str> {
    if !text.chars().any(char::is_control) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        push_escaped(c, &mut out);
    }
    Cow::Owned(out)
}

/// A finished message as the terminal gets it: line breaks and tabs are the
/// message's own layout; any other control character (ESC, CR, a C1 code)
/// is escaped.
pub fn terminal_safe(message: &str) -> Cow<'_, str> {
    let unsafe_char = |c: char| c.is_control() && c != '\n' && c != '\t';
    if !message.chars().any(unsafe_char) {
        return Cow::Borrowed(message);
    }
    let mut out = String::with_capacity(message.len() + 8);
    for c in message.chars() {
        if unsafe_char(c) {
            push_escaped(c, &mut out);
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use unicode_width::UnicodeWidthStr;

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
    fn a_long_line_is_cut_around_the_caret() {
        let text = format!("name = \"{}\" {}\n", "x".repeat(400_000), "y".repeat(400_000));
        let start = text.find('y').unwrap();
        let msg = pointed("r.toml", &text, start..start + 1, "bad", None);
        assert!(msg.len() < 1000, "{} bytes", msg.len());
        let lines: Vec<&str> = msg.lines().collect();
        assert_eq!(lines[1], " --> r.toml:1:400011");
        // 40 columns before the caret after "…", then the marked `y`.
        let shown = lines[3].strip_prefix("1 | ").unwrap();
        assert!(shown.starts_with('…') && shown.ends_with('…'), "{shown}");
        let caret = lines[4].strip_prefix("  | ").unwrap();
        assert_eq!(caret, format!("{}^", " ".repeat(41)));
        assert_eq!(shown.chars().nth(41), Some('y'), "{shown}");
        assert_eq!(shown.chars().nth(39), Some('"'), "{shown}");
    }

    #[test]
    fn a_long_mark_is_cut_and_wide_characters_still_align() {
        let text = format!("{}= {}\n", "名".repeat(100), "z".repeat(500));
        let start = text.find('z').unwrap();
        let msg = pointed("r.toml", &text, start..start + 500, "bad", None);
        let lines: Vec<&str> = msg.lines().collect();
        let shown = lines[3].strip_prefix("1 | ").unwrap();
        let caret = lines[4].strip_prefix("  | ").unwrap();
        // Before the caret: "…", then as many of "名名…= " as fit in 40 columns.
        let pad = caret.len() - caret.trim_start().len();
        let before: String = shown.chars().take_while(|c| *c != 'z').collect();
        assert_eq!(UnicodeWidthStr::width(before.as_str()), pad, "{shown}\n{caret}");
        assert_eq!(caret.trim_start(), "^".repeat(SNIPPET_MARK));
        assert!(shown.ends_with("z…"), "{shown}");
    }

    #[test]
    fn snippets_escape_control_characters() {
        let text = "a = \u{1b}[31m\tb\n";
        let start = text.find('b').unwrap();
        let msg = pointed("r.toml", text, start..start + 1, "bad", None);
        let lines: Vec<&str> = msg.lines().collect();
        assert_eq!(lines[3], "1 | a = \\u{1b}[31m b");
        assert_eq!(lines[4], format!("  | {}^", " ".repeat(15)));
    }

    #[test]
    fn messages_reach_the_terminal_without_control_characters() {
        let e = Error::Data("error: unit `v\u{1b}[2J1`\n  = help:\tfix\r".into());
        assert_eq!(e.to_string(), "error: unit `v\\u{1b}[2J1`\n  = help:\tfix\\u{d}");
        assert_eq!(escape_controls("a\u{9b}b\n"), "a\\u{9b}b\\u{a}");
        assert!(matches!(escape_controls("plain 文字"), Cow::Borrowed(_)));
    }

    #[test]
    fn the_suggester_answers_as_closest_does() {
        let headers = ["village_id", "收入(元)", "Income", "incme", "人口", "", "income_x"];
        let mut s = Suggester::new(&headers);
        for wanted in ["income", "收入（元）", "village id", "zzzz", "人", "INCOME", ""] {
            assert_eq!(s.suggest(wanted), closest(wanted, headers), "{wanted}");
        }
    }

    #[test]
    fn the_suggester_stops_at_its_budget() {
        // 2,000 headers of 5 bytes: a lookup of a 6-character name reads
        // them (2,000 × 6 = 12,000) and compares all (2,000 × 5 × 6 =
        // 60,000): 72,000. A budget of 200,000 covers two such lookups; the
        // third is abandoned part way, and none is made after it.
        let headers: Vec<String> = (0..2000).map(|i| format!("h{i:04}")).collect();
        let mut s = Suggester::with_budget(&headers, 200_000);
        let answers: Vec<Option<&str>> = (0..4).map(|i| s.suggest(&format!("h{i:04}x"))).collect();
        assert_eq!(answers, [Some("h0000"), Some("h0001"), None, None]);
        assert_eq!(s.suggest("h0007"), None);
        let mut s = Suggester::with_budget(&headers, 200_000);
        // An equal header (but for case and width) ends the lookup early.
        assert_eq!(s.suggest("Ｈ0007"), Some("h0007"));
    }

    #[test]
    fn closest_suggests_typos_and_full_width_forms() {
        let cands = ["direction", "dimension", "weight"];
        assert_eq!(closest("directon", cands), Some("direction"));
        assert_eq!(closest("zzzzzz", cands), None);
        assert_eq!(closest("收入（元）", ["收入(元)", "人口"]), Some("收入(元)"));
    }
}
