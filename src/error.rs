//! Typed errors of the library, and the one renderer that shows them.
//!
//! An [`Error`] is data, not preformatted text: its [`ErrorKind`] (who has
//! to fix it, which decides the exit code), a one-line `message` (the
//! headline, without `error: `), an optional [`Location`], body lines
//! (`notes`) and `help` lines. Call sites build it with
//! [`Error::rubric`], [`Error::data`], [`Error::usage`] or [`Error::file`]
//! (and [`Error::io`] for a failed [`std::io`] operation), then [`Error::at`],
//! [`Error::note`] and [`Error::help`]:
//!
//! ```
//! use linkscore::error::{Error, ErrorKind, Location};
//! let e = Error::data("this row has 3 fields but the header has 4")
//!     .at(Location::row("villages.csv", 7))
//!     .help("quote cells that contain commas");
//! assert_eq!(e.kind(), ErrorKind::Data);
//! assert_eq!(
//!     e.to_string(),
//!     "error: villages.csv:7: this row has 3 fields but the header has 4\n  = help: quote cells that contain commas"
//! );
//! ```
//!
//! Its `Display` is the one renderer: nothing else writes `error: ` or
//! `= help: `. It lays the parts out, in this order:
//!
//! 1. `error: `, then a [`Location::Cell`] as `path:row:column: `, then the
//!    message;
//! 2. a [`Location::File`] as `  --> path:line`, or a [`Location::Source`]
//!    as a caret snippet (`--> path:line:column`, the source line, carets
//!    under the span);
//! 3. each note on a line of its own, as written (it brings its own indent);
//! 4. each help line as `= help: …`, one column past the snippet's gutter
//!    (`  = help: ` without a snippet, `   = help: ` under line 10 to 99).
//!
//! ```text
//! error: invalid rubric: unknown key `directon`, expected one of …
//!   --> rubric.toml:91:1
//!    |
//! 91 | directon = "lower"
//!    | ^^^^^^^^
//!    = help: did you mean `direction`?
//! ```
//!
//! The whole text then passes through [`terminal_safe`], so a message cannot
//! drive the terminal. A message that names its location in its own words
//! ("missing value at …") keeps it as data with [`Error::about`], and the
//! renderer does not repeat it. `main` prints the rendered error as it is
//! and exits with [`Error::exit_code`] (usage 2, anything else 1); tests
//! match on [`Error::kind`], [`Error::location`] and [`Error::helps`]
//! instead of substrings.
//!
//! The rest of the module is what messages are made of: the caret snippet
//! of a long or wide source line, "did you mean" suggestions ([`closest`],
//! [`Suggester`]) and [`echo`] for text quoted from a data file.

use std::borrow::Cow;
use std::fmt::Write as _;
use unicode_width::UnicodeWidthChar;

/// Who has to fix what went wrong; decides the exit status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ErrorKind {
    /// The rubric file is not valid (exit 1).
    Rubric,
    /// The data is not valid for the rubric (exit 1).
    Data,
    /// The command line asks for something impossible (exit 2).
    Usage,
    /// Reading or writing a file failed (exit 1).
    Io,
}

impl ErrorKind {
    /// Process exit status for this kind (SPEC: 1 bad input, 2 bad usage).
    pub fn exit_code(self) -> u8 {
        match self {
            ErrorKind::Usage => 2,
            ErrorKind::Rubric | ErrorKind::Data | ErrorKind::Io => 1,
        }
    }
}

/// Where in the input an error is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Location {
    /// A span of a text file (a rubric, a params file), shown under the
    /// headline as a caret snippet (see [`Source::new`]).
    Source(Source),
    /// A file, or one line of it, shown under the headline as
    /// `  --> path:line`.
    File { path: String, line: Option<u64> },
    /// A row of a data file, or one cell of it, shown before the headline
    /// as `path:row:column: ` (see [`Cell`]).
    Cell(Cell),
}

impl Location {
    /// The span `span` (byte offsets) of `text`, the contents of `path`.
    pub fn source(path: &str, text: &str, span: std::ops::Range<usize>) -> Location {
        Location::Source(Source::new(path, text, span))
    }

    /// A file as a whole.
    pub fn file(path: &str) -> Location {
        Location::File {
            path: path.to_string(),
            line: None,
        }
    }

    /// One line of a file (1-based).
    pub fn line(path: &str, line: u64) -> Location {
        Location::File {
            path: path.to_string(),
            line: Some(line),
        }
    }

    /// A whole row of a data file (1-based, as the file numbers its lines or a sheet its rows).
    pub fn row(path: &str, row: u64) -> Location {
        Location::Cell(Cell {
            path: path.to_string(),
            row,
            column: None,
            header: None,
            unit: None,
            period: None,
        })
    }

    /// One cell of a data file: `row` and `column` 1-based.
    pub fn cell(path: &str, row: u64, column: usize) -> Location {
        Location::Cell(Cell {
            path: path.to_string(),
            row,
            column: Some(column),
            header: None,
            unit: None,
            period: None,
        })
    }
}

impl std::fmt::Display for Location {
    /// The location as a message names it in running text.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Location::Source(s) => write!(f, "{}:{}:{}", s.path, s.line, s.column),
            Location::File { path, line: None } => f.write_str(path),
            Location::File { path, line: Some(line) } => write!(f, "{path}:{line}"),
            Location::Cell(cell) => cell.fmt(f),
        }
    }
}

/// A place in a text file and the source line around it, as a caret
/// snippet shows it (in the style of rustc and just):
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
/// character even after Chinese text. A long line is kept as a window
/// around the caret (so a 400 KB line is not echoed whole), with control
/// characters escaped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Source {
    pub path: String,
    /// 1-based line of the span's start.
    pub line: usize,
    /// 1-based column (in characters) of the span's start.
    pub column: usize,
    /// The source line as shown.
    shown: String,
    /// Display columns before the caret.
    pad: usize,
    /// Width of the caret (at least 1).
    carets: usize,
}

impl Source {
    /// The span `span` (byte offsets, clamped to `text`) of `text`, the contents of `path`.
    pub fn new(path: &str, text: &str, span: std::ops::Range<usize>) -> Source {
        let start = floor_char_boundary(text, span.start.min(text.len()));
        let end = floor_char_boundary(text, span.end.min(text.len())).max(start);
        let (line, column) = line_col(text, start);
        let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
        let line_end = text[start..].find('\n').map_or(text.len(), |i| start + i);
        let shown = text[line_start..line_end].trim_end_matches('\r');
        let at = (start - line_start).min(shown.len());
        let snippet = Snippet::around(shown, at, (end.min(line_end) - line_start).min(shown.len()));
        Source {
            path: path.to_string(),
            line,
            column,
            shown: snippet.text,
            pad: snippet.pad,
            carets: snippet.carets,
        }
    }

    /// Width of the gutter left of the `|`: the digits of the line number.
    fn gutter(&self) -> usize {
        self.line.to_string().len()
    }

    /// The snippet's lines, each after a line break.
    fn render(&self, out: &mut String) {
        let gutter = self.gutter();
        let _ = write!(out, "\n{:gutter$}--> {}:{}:{}", "", self.path, self.line, self.column);
        let _ = write!(out, "\n{:gutter$} |", "");
        let _ = write!(out, "\n{} | {}", self.line, self.shown);
        let _ = write!(
            out,
            "\n{:gutter$} | {:pad$}{}",
            "",
            "",
            "^".repeat(self.carets),
            pad = self.pad
        );
    }
}

/// A row of a data file, or one cell of it, as `path:row:column`, with the
/// indicator's column header and the unit's id when known:
/// `villages.csv:12:4 (column `收入`, unit `V012`)`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cell {
    /// The file as messages name it (`<stdin>`, `book.xlsx[Sheet1]`).
    pub path: String,
    /// 1-based row: the file's line, or the sheet's row.
    pub row: u64,
    /// 1-based column; `None` for the whole row.
    pub column: Option<usize>,
    /// The column's header.
    pub header: Option<String>,
    /// The id of the row's unit.
    pub unit: Option<String>,
    /// The period of a panel the row belongs to (SPEC "Panels").
    pub period: Option<String>,
}

impl std::fmt::Display for Cell {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}", self.path, self.row)?;
        if let Some(column) = self.column {
            write!(f, ":{column}")?;
        }
        let about: Vec<String> = [("column", &self.header), ("unit", &self.unit), ("period", &self.period)]
            .into_iter()
            .filter_map(|(what, text)| text.as_deref().map(|t| format!("{what} `{}`", echo(t))))
            .collect();
        if !about.is_empty() {
            write!(f, " ({})", about.join(", "))?;
        }
        Ok(())
    }
}

/// What went wrong, as data: see the [module documentation](self) for how
/// it is shown.
///
/// A message is shown with its control characters other than line breaks
/// and tabs escaped ([`terminal_safe`]): text from a file that some message
/// forgot to pass through [`echo`] still cannot drive the terminal.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{}", terminal_safe(&self.render()))]
pub struct Error(Box<Parts>);

/// What an [`Error`] holds (boxed, so a `Result` stays small).
#[derive(Debug, Clone)]
struct Parts {
    kind: ErrorKind,
    /// The headline, without `error: ` and without the location.
    message: String,
    location: Option<Location>,
    /// Whether the message names the location itself (so it is not shown again).
    location_in_message: bool,
    /// Body lines, each shown as it is on a line of its own.
    notes: Vec<String>,
    /// Help lines, each shown after `= help: `.
    help: Vec<String>,
}

impl Error {
    /// An error of `kind` whose headline is `message` (without `error: `).
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Error {
        Error(Box::new(Parts {
            kind,
            message: message.into(),
            location: None,
            location_in_message: false,
            notes: Vec::new(),
            help: Vec::new(),
        }))
    }

    /// The rubric file is not valid.
    pub fn rubric(message: impl Into<String>) -> Error {
        Error::new(ErrorKind::Rubric, message)
    }

    /// The data is not valid for the rubric.
    pub fn data(message: impl Into<String>) -> Error {
        Error::new(ErrorKind::Data, message)
    }

    /// The command line asks for something impossible.
    pub fn usage(message: impl Into<String>) -> Error {
        Error::new(ErrorKind::Usage, message)
    }

    /// Reading or writing a file failed ([`ErrorKind::Io`]).
    pub fn file(message: impl Into<String>) -> Error {
        Error::new(ErrorKind::Io, message)
    }

    /// Doing `action` to `path` failed with `err` ("cannot read the rubric
    /// x.toml: no such file or directory"), with advice for the common causes.
    pub fn io(path: &str, action: &str, err: &std::io::Error) -> Error {
        use std::io::ErrorKind as Io;
        let advice = match err.kind() {
            Io::NotFound => Some(("no such file or directory", "check the path and the current directory")),
            Io::PermissionDenied => Some(("permission denied", "check the file's permissions")),
            Io::IsADirectory => Some(("it is a directory", "name a file inside it")),
            Io::AlreadyExists | Io::NotADirectory => Some((
                "a file is in the way (a directory was expected)",
                "choose another path, or move the file",
            )),
            _ => None,
        };
        match advice {
            Some((what, help)) => Error::new(ErrorKind::Io, format!("cannot {action} {path}: {what}")).help(help),
            None => Error::new(ErrorKind::Io, format!("cannot {action} {path}: {err}")),
        }
    }

    /// The error at `location`, shown where that kind of location goes.
    #[must_use]
    pub fn at(mut self, location: Location) -> Error {
        self.0.location = Some(location);
        self.0.location_in_message = false;
        self
    }

    /// The error at `location`, which its message already names in its own
    /// words ("missing value at …"): kept as data, not shown again.
    #[must_use]
    pub fn about(mut self, location: Location) -> Error {
        self.0.location = Some(location);
        self.0.location_in_message = true;
        self
    }

    /// The error as met while reading period `label` of a panel: a data
    /// cell's location names the period; any other error says it in a note.
    #[must_use]
    pub fn in_period(mut self, label: &str) -> Error {
        match &mut self.0.location {
            Some(Location::Cell(cell)) if cell.period.is_none() => cell.period = Some(label.to_string()),
            Some(Location::Cell(_)) => {}
            _ => self.0.notes.push(format!("  (in period `{}`)", echo(label))),
        }
        self
    }

    /// Adds a body line, shown as it is (with its own indentation).
    #[must_use]
    pub fn note(mut self, line: impl Into<String>) -> Error {
        self.0.notes.push(line.into());
        self
    }

    /// Adds body lines.
    #[must_use]
    pub fn notes<I: IntoIterator<Item = S>, S: Into<String>>(mut self, lines: I) -> Error {
        self.0.notes.extend(lines.into_iter().map(Into::into));
        self
    }

    /// Adds a help line (shown after `= help: `).
    #[must_use]
    pub fn help(mut self, help: impl Into<String>) -> Error {
        self.0.help.push(help.into());
        self
    }

    /// Who has to fix it.
    pub fn kind(&self) -> ErrorKind {
        self.0.kind
    }

    /// Process exit status for this error (SPEC: 1 bad input, 2 bad usage).
    pub fn exit_code(&self) -> u8 {
        self.0.kind.exit_code()
    }

    /// The headline, without `error: ` and without the location.
    pub fn message(&self) -> &str {
        &self.0.message
    }

    /// Where the error is, when known.
    pub fn location(&self) -> Option<&Location> {
        self.0.location.as_ref()
    }

    /// The body lines.
    pub fn body(&self) -> &[String] {
        &self.0.notes
    }

    /// The help lines.
    pub fn helps(&self) -> &[String] {
        &self.0.help
    }

    /// The first line of the message as shown, without `error: ` (a cell
    /// location before it included): for a message that quotes another.
    pub fn headline(&self) -> String {
        let text = self.render();
        let first = text.lines().next().unwrap_or_default();
        first.trim_start_matches("error: ").to_string()
    }

    /// The message laid out (before [`terminal_safe`]): the one renderer.
    fn render(&self) -> String {
        let parts = &self.0;
        let shown = if parts.location_in_message {
            None
        } else {
            parts.location.as_ref()
        };
        let mut out = String::from("error: ");
        if let Some(Location::Cell(cell)) = shown {
            let _ = write!(out, "{cell}: ");
        }
        out.push_str(&parts.message);
        // Help lines are indented one past the gutter of a snippet.
        let mut gutter = 1;
        match shown {
            Some(Location::Source(source)) => {
                source.render(&mut out);
                gutter = source.gutter();
            }
            Some(Location::File { path, line }) => {
                let _ = write!(out, "\n  --> {path}");
                if let Some(line) = line {
                    let _ = write!(out, ":{line}");
                }
            }
            Some(Location::Cell(_)) | None => {}
        }
        for note in &parts.notes {
            out.push('\n');
            out.push_str(note);
        }
        for help in &parts.help {
            let _ = write!(out, "\n{:gutter$} = help: {help}", "");
        }
        out
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
mod tests;
