//! The rubric's TOML form as serde reads it (SPEC "Rubric (TOML)"), and
//! what the TOML reader's errors become: a message pointing at the spot,
//! in TOML's words rather than serde's, with a "did you mean".
//!
//! Every table denies unknown keys: a typo is never ignored. Settings that
//! are a closed list of words deserialize straight into the model's enums;
//! everything else is checked in [`super::validate`].

use super::{Aggregate, Direction, Ideal, Method, MissingPolicy, Normalize, Outliers, Transform, Weighting};
use crate::error::{Error, Location, closest, echo};
use serde::Deserialize;
use std::ops::Range;
use toml::Spanned;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawFile {
    pub(super) rubric: Spanned<RawHeader>,
    #[serde(default)]
    pub(super) dimension: Vec<Spanned<RawDimension>>,
    #[serde(default)]
    pub(super) linkage: Vec<Spanned<RawLinkage>>,
    #[serde(default)]
    pub(super) indicator: Vec<Spanned<RawIndicator>>,
    #[serde(default)]
    pub(super) grade: Vec<Spanned<RawGrade>>,
    pub(super) coupling: Option<Spanned<RawCoupling>>,
    pub(super) ahp: Option<Spanned<RawAhp>>,
    pub(super) combine: Option<Spanned<RawCombine>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawHeader {
    pub(super) name: Option<String>,
    pub(super) version: Option<String>,
    pub(super) description: Option<String>,
    pub(super) id: Spanned<String>,
    pub(super) label: Option<Spanned<String>>,
    pub(super) group: Option<Spanned<String>>,
    pub(super) period: Option<Spanned<String>>,
    pub(super) scale: Option<Spanned<f64>>,
    pub(super) normalize: Option<Normalize>,
    pub(super) aggregate: Option<Aggregate>,
    pub(super) missing: Option<MissingPolicy>,
    pub(super) na: Option<Vec<String>>,
    pub(super) weighting: Option<Spanned<Weighting>>,
    pub(super) method: Option<Method>,
    pub(super) ideal: Option<Ideal>,
    pub(super) floor: Option<Spanned<f64>>,
    pub(super) entropy_shift: Option<Spanned<f64>>,
    pub(super) outliers: Option<Outliers>,
    pub(super) winsorize_max: Option<Spanned<i64>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawDimension {
    pub(super) id: Spanned<String>,
    pub(super) name: Option<String>,
    pub(super) weight: Option<Spanned<f64>>,
    pub(super) aggregate: Option<Aggregate>,
    pub(super) note: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawLinkage {
    pub(super) id: Spanned<String>,
    pub(super) name: Option<String>,
    pub(super) note: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawIndicator {
    pub(super) id: Spanned<String>,
    pub(super) column: Option<String>,
    pub(super) name: Option<String>,
    pub(super) unit: Option<String>,
    pub(super) dimension: Spanned<String>,
    pub(super) linkage: Option<Spanned<String>>,
    pub(super) weight: Option<Spanned<f64>>,
    pub(super) direction: Option<Direction>,
    pub(super) transform: Option<Transform>,
    pub(super) normalize: Option<Normalize>,
    pub(super) goalposts: Option<Spanned<Vec<f64>>>,
    pub(super) note: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawGrade {
    pub(super) name: String,
    pub(super) min: Spanned<f64>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawCoupling {
    pub(super) dimensions: Option<Spanned<Vec<Spanned<String>>>>,
}

/// An AHP comparison: a number, or a fraction written as text ("1/3").
#[derive(Deserialize, Clone)]
#[serde(untagged)]
pub(super) enum RawEntry {
    Number(f64),
    Text(String),
}

impl RawEntry {
    pub(super) fn value(&self) -> Option<f64> {
        match self {
            RawEntry::Number(x) => Some(*x),
            RawEntry::Text(t) => match t.split_once('/') {
                Some((a, b)) => Some(a.trim().parse::<f64>().ok()? / b.trim().parse::<f64>().ok()?),
                None => t.trim().parse().ok(),
            },
        }
    }
}

pub(super) type RawMatrix = Spanned<Vec<Vec<RawEntry>>>;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawAhp {
    pub(super) dimensions: Option<RawMatrix>,
    #[serde(default)]
    pub(super) indicators: std::collections::BTreeMap<Spanned<String>, RawMatrix>,
}

#[derive(Deserialize, Clone, Copy, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub(super) enum RawSubjective {
    Explicit,
    Ahp,
}

#[derive(Deserialize, Clone, Copy, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub(super) enum RawObjective {
    Entropy,
    Critic,
}

#[derive(Deserialize, Clone, Copy, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub(super) enum RawRule {
    Linear,
    Multiplicative,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawCombine {
    pub(super) subjective: Option<RawSubjective>,
    pub(super) objective: Option<RawObjective>,
    pub(super) alpha: Option<Spanned<f64>>,
    pub(super) rule: Option<RawRule>,
}

// ---------------------------------------------------------------------------
// What the TOML reader's errors become. They arrive as serde's words about
// Rust types, sometimes with no place; the user wrote TOML.

/// Turns a TOML parse error into a pointed message, adding a "did you mean"
/// for unknown keys and values.
pub(super) fn toml_error(path: &str, text: &str, offset: usize, e: &toml::de::Error) -> Error {
    let message = e.message().trim().to_string();
    if message == TOML_KEY_DEPTH {
        return deep_key_error(path, text);
    }
    let help = unknown_name_help(&message).or_else(|| type_help(&message));
    let error = Error::rubric(format!(
        "invalid rubric: {}",
        cut_line(&cut_quoted(&plain_words(first_line(&message))))
    ));
    let error = match e.span() {
        Some(span) => error.at(Location::source(path, text, span.start + offset..span.end + offset)),
        None => error.at(Location::file(path)),
    };
    match help {
        Some(help) => error.help(help),
        None => error,
    }
}

/// What toml says, without a place, of a dotted key or table name with more
/// parts than it nests.
const TOML_KEY_DEPTH: &str = "recursion limit";
/// What toml says of arrays or inline tables nested too deeply.
const TOML_VALUE_DEPTH: &str = "cannot recurse further; max recursion depth met";

/// The error for a key nested past toml's limit, pointing at the line whose
/// key or table name has the most dotted parts (toml gives no place).
fn deep_key_error(path: &str, text: &str) -> Error {
    let location = match deepest_key(text) {
        Some(span) => Location::source(path, text, span),
        None => Location::file(path),
    };
    Error::rubric("invalid rubric: a key or table name has more dotted parts than the TOML reader accepts")
        .at(location)
        .help("a rubric's keys and table names have at most two parts (such as [ahp.indicators]); remove the extra `.part`s")
}

/// The key (or `[table]` name) with the most dots outside quotes, as a
/// byte range of `text`; `None` when no key has a dot.
fn deepest_key(text: &str) -> Option<Range<usize>> {
    let mut best: Option<(usize, Range<usize>)> = None;
    let mut line_start = 0;
    for line in text.split_inclusive('\n') {
        let body = line.trim_start();
        let start = line_start + (line.len() - body.len());
        line_start += line.len();
        let stop = if body.starts_with('[') { [']', '#'] } else { ['=', '#'] };
        let mut quote: Option<char> = None;
        let (mut dots, mut len) = (0, body.len());
        for (i, c) in body.char_indices() {
            match quote {
                Some(q) if c == q => quote = None,
                Some(_) => {}
                None if c == '"' || c == '\'' => quote = Some(c),
                None if stop.contains(&c) => {
                    // A table name keeps its closing bracket; `=` and `#` end a key.
                    len = if c == ']' { i + 1 } else { i };
                    break;
                }
                None if c == '.' => dots += 1,
                None => {}
            }
        }
        if dots > best.as_ref().map_or(0, |b| b.0) {
            let key = body.get(..len).unwrap_or(body).trim_end();
            best = Some((dots, start..start + key.len()));
        }
    }
    best.map(|(_, span)| span)
}

/// The longest headline toml's message gives, in characters: room for an
/// unknown key cut to 200 and every key a table accepts.
const HEADLINE_CHARS: usize = 600;

/// `line` cut to [`HEADLINE_CHARS`] (serde quotes a wrong value whole, as
/// in `invalid type: string "…"`, and a value may be any length).
fn cut_line(line: &str) -> String {
    match line.char_indices().nth(HEADLINE_CHARS) {
        Some((at, _)) => format!("{}…", line.get(..at).unwrap_or(line)),
        None => line.to_string(),
    }
}

/// `message` with each `quoted` part (a key or value from the rubric, which
/// may be any length) escaped and cut as [`echo`] does.
fn cut_quoted(message: &str) -> String {
    message
        .split('`')
        .enumerate()
        .map(|(i, part)| if i % 2 == 1 { echo(part) } else { part.to_string() })
        .collect::<Vec<_>>()
        .join("`")
}

/// serde's words for TOML's: keys, numbers, arrays, tables.
fn plain_words(message: &str) -> String {
    message
        .replacen("unknown field", "unknown key", 1)
        .replacen("missing field", "missing key", 1)
        .replace("expected f64", "expected a number")
        .replace("expected a sequence", "expected an array")
        .replace("invalid type: map", "invalid type: a table")
        .replace("invalid type: sequence", "invalid type: an array")
        .replace(
            TOML_VALUE_DEPTH,
            "arrays or inline tables are nested more deeply than the TOML reader accepts",
        )
}

/// Advice for the common shape mistakes.
fn type_help(message: &str) -> Option<String> {
    if message.starts_with("invalid type: map, expected a sequence") {
        return Some(
            "tables that can repeat are written with double brackets: [[dimension]], [[linkage]], [[indicator]], [[grade]]"
                .into(),
        );
    }
    if message.starts_with(TOML_VALUE_DEPTH) {
        return Some(
            "a rubric nests arrays at most two deep (an AHP matrix: [[1, 3], [\"1/3\", 1]]) and needs no inline tables inside inline tables"
                .into(),
        );
    }
    if message.contains("expected f64") {
        return Some("write the number without quotes, e.g. weight = 0.25".into());
    }
    let key = message.strip_prefix("missing field `")?.split('`').next()?;
    Some(match key {
        "rubric" => "a rubric starts with a [rubric] table naming at least the id column: id = \"village_id\"".into(),
        "dimension" => "every [[indicator]] names its dimension, e.g. dimension = \"industry\"".into(),
        "id" => "every [rubric], [[dimension]], [[linkage]] and [[indicator]] needs an `id`".into(),
        other => format!("add `{other} = …` to this table"),
    })
}

fn first_line(s: &str) -> &str {
    s.lines().next().unwrap_or(s)
}

/// For serde's "unknown field `x`, expected one of `a`, `b`" (and "unknown
/// variant"), the closest expected name.
fn unknown_name_help(message: &str) -> Option<String> {
    let rest = message
        .strip_prefix("unknown field `")
        .or_else(|| message.strip_prefix("unknown variant `"))?;
    let (wanted, rest) = rest.split_once('`')?;
    let expected: Vec<&str> = rest.split('`').skip(1).step_by(2).collect();
    if expected.is_empty() {
        return None;
    }
    match closest(wanted, expected.iter().copied()) {
        Some(best) => Some(format!("did you mean `{best}`?")),
        None => Some(format!(
            "expected one of: {}",
            expected.iter().map(|s| format!("`{s}`")).collect::<Vec<_>>().join(", ")
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::deepest_key;

    #[test]
    fn the_deepest_key_is_found_outside_quotes_and_comments() {
        assert_eq!(deepest_key("x = 1\n  a.'b.c'.d = 2 # e.f.g.h\n"), Some(8..17));
        assert_eq!(deepest_key("x = 1.5\n"), None);
    }
}
