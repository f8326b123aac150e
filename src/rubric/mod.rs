//! The rubric: its TOML form, its validated model, and every rule of SPEC.md
//! "Rubric (TOML)" with errors that point at file:line:column.

use crate::error::{Error, Result, closest, echo, pointed};
use crate::util::readable;
use serde::Deserialize;
use std::collections::{HashMap, HashSet};
use std::ops::Range;
use toml::Spanned;

/// The rubric shipped in the binary (what `init` writes and what runs when
/// `--rubric` is left out).
pub const BUILTIN_RUBRIC: &str = include_str!("../../rubrics/linkage.toml");
/// The name the built-in rubric goes by in messages.
pub const BUILTIN_RUBRIC_NAME: &str = "linkage.toml (built-in)";

/// Output column names an id may not take (SPEC: Rubric rules).
const RESERVED_IDS: &[&str] = &[
    "rank",
    "id",
    "label",
    "group",
    "group_rank",
    "score",
    "coverage",
    "grade",
    "coupling",
    "coordination",
    "coordination_grade",
];

/// Cells that mean "missing" unless the rubric says otherwise.
pub const DEFAULT_NA: &[&str] = &["", "NA", "N/A", "n/a", "/", "-", "—", "…"];

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Normalize {
    Goalpost,
    Minmax,
    Zscore,
    Rank,
    None,
}

impl Normalize {
    pub fn as_str(self) -> &'static str {
        match self {
            Normalize::Goalpost => "goalpost",
            Normalize::Minmax => "minmax",
            Normalize::Zscore => "zscore",
            Normalize::Rank => "rank",
            Normalize::None => "none",
        }
    }

    /// Whether the normalization takes statistics from the scored sample.
    pub fn is_sample_relative(self) -> bool {
        matches!(self, Normalize::Minmax | Normalize::Zscore | Normalize::Rank)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Aggregate {
    Arithmetic,
    Geometric,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum MissingPolicy {
    Error,
    Reweight,
    Mean,
    Median,
}

impl MissingPolicy {
    pub fn as_str(self) -> &'static str {
        match self {
            MissingPolicy::Error => "error",
            MissingPolicy::Reweight => "reweight",
            MissingPolicy::Mean => "mean",
            MissingPolicy::Median => "median",
        }
    }
}

/// `outliers` in `[rubric]` (SPEC "Data as offices fill it in": Outliers).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Outliers {
    None,
    Winsorize,
}

impl Outliers {
    pub fn as_str(self) -> &'static str {
        match self {
            Outliers::None => "none",
            Outliers::Winsorize => "winsorize",
        }
    }
}

/// The default `winsorize_max`: at most this many values moved per column.
pub const DEFAULT_WINSORIZE_MAX: usize = 5;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Weighting {
    Explicit,
    Equal,
    Entropy,
    Critic,
    Ahp,
    Combined,
}

impl Weighting {
    pub fn as_str(self) -> &'static str {
        match self {
            Weighting::Explicit => "explicit",
            Weighting::Equal => "equal",
            Weighting::Entropy => "entropy",
            Weighting::Critic => "critic",
            Weighting::Ahp => "ahp",
            Weighting::Combined => "combined",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Method {
    Weighted,
    Topsis,
}

/// `ideal` in `[rubric]`: a TOPSIS setting, so the type lives with TOPSIS.
pub use crate::methods::Ideal;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Direction {
    Higher,
    Lower,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Transform {
    None,
    Log,
    Log1p,
}

impl Transform {
    /// The transformed value, or `None` outside the transform's domain.
    pub fn apply(self, x: f64) -> Option<f64> {
        match self {
            Transform::None => Some(x),
            Transform::Log if x > 0.0 => Some(x.ln()),
            Transform::Log1p if x > -1.0 => Some(x.ln_1p()),
            _ => None,
        }
    }

    /// The domain in words, for error messages.
    pub fn domain(self) -> &'static str {
        match self {
            Transform::None => "any number",
            Transform::Log => "a value > 0 (log = ln x)",
            Transform::Log1p => "a value > -1 (log1p = ln(1 + x))",
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Transform::None => "none",
            Transform::Log => "log",
            Transform::Log1p => "log1p",
        }
    }
}

// ---------------------------------------------------------------------------
// The TOML form. Every table denies unknown keys: a typo is never ignored.

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    rubric: Spanned<RawHeader>,
    #[serde(default)]
    dimension: Vec<Spanned<RawDimension>>,
    #[serde(default)]
    linkage: Vec<Spanned<RawLinkage>>,
    #[serde(default)]
    indicator: Vec<Spanned<RawIndicator>>,
    #[serde(default)]
    grade: Vec<Spanned<RawGrade>>,
    coupling: Option<Spanned<RawCoupling>>,
    ahp: Option<Spanned<RawAhp>>,
    combine: Option<Spanned<RawCombine>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawHeader {
    name: Option<String>,
    version: Option<String>,
    description: Option<String>,
    id: Spanned<String>,
    label: Option<Spanned<String>>,
    group: Option<Spanned<String>>,
    scale: Option<Spanned<f64>>,
    normalize: Option<Normalize>,
    aggregate: Option<Aggregate>,
    missing: Option<MissingPolicy>,
    na: Option<Vec<String>>,
    weighting: Option<Spanned<Weighting>>,
    method: Option<Method>,
    ideal: Option<Ideal>,
    floor: Option<Spanned<f64>>,
    entropy_shift: Option<Spanned<f64>>,
    outliers: Option<Outliers>,
    winsorize_max: Option<Spanned<i64>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDimension {
    id: Spanned<String>,
    name: Option<String>,
    weight: Option<Spanned<f64>>,
    aggregate: Option<Aggregate>,
    note: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawLinkage {
    id: Spanned<String>,
    name: Option<String>,
    note: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawIndicator {
    id: Spanned<String>,
    column: Option<String>,
    name: Option<String>,
    unit: Option<String>,
    dimension: Spanned<String>,
    linkage: Option<Spanned<String>>,
    weight: Option<Spanned<f64>>,
    direction: Option<Direction>,
    transform: Option<Transform>,
    normalize: Option<Normalize>,
    goalposts: Option<Spanned<Vec<f64>>>,
    note: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawGrade {
    name: String,
    min: Spanned<f64>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCoupling {
    dimensions: Option<Spanned<Vec<Spanned<String>>>>,
}

/// An AHP comparison: a number, or a fraction written as text ("1/3").
#[derive(Deserialize, Clone)]
#[serde(untagged)]
enum RawEntry {
    Number(f64),
    Text(String),
}

impl RawEntry {
    fn value(&self) -> Option<f64> {
        match self {
            RawEntry::Number(x) => Some(*x),
            RawEntry::Text(t) => match t.split_once('/') {
                Some((a, b)) => Some(a.trim().parse::<f64>().ok()? / b.trim().parse::<f64>().ok()?),
                None => t.trim().parse().ok(),
            },
        }
    }
}

type RawMatrix = Spanned<Vec<Vec<RawEntry>>>;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawAhp {
    dimensions: Option<RawMatrix>,
    #[serde(default)]
    indicators: std::collections::BTreeMap<Spanned<String>, RawMatrix>,
}

#[derive(Deserialize, Clone, Copy, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
enum RawSubjective {
    Explicit,
    Ahp,
}

#[derive(Deserialize, Clone, Copy, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
enum RawObjective {
    Entropy,
    Critic,
}

#[derive(Deserialize, Clone, Copy, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
enum RawRule {
    Linear,
    Multiplicative,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCombine {
    subjective: Option<RawSubjective>,
    objective: Option<RawObjective>,
    alpha: Option<Spanned<f64>>,
    rule: Option<RawRule>,
}

// ---------------------------------------------------------------------------
// The validated model.

/// One AHP pairwise comparison matrix and its result.
#[derive(Debug, Clone)]
pub struct AhpMatrix {
    /// What the rows compare: the dimension or indicator ids, in order.
    pub items: Vec<String>,
    pub matrix: Vec<Vec<f64>>,
    pub result: crate::methods::Ahp,
}

/// The `[ahp]` table: a matrix over the dimensions and/or per dimension.
#[derive(Debug, Clone, Default)]
pub struct AhpWeights {
    pub dimensions: Option<AhpMatrix>,
    /// (dimension index, matrix over its indicators).
    pub indicators: Vec<(usize, AhpMatrix)>,
}

/// Which subjective weights `weighting = "combined"` uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Subjective {
    Explicit,
    Ahp,
}

/// `[combine]` (SPEC "Methods": combined weights).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Combine {
    pub subjective: Subjective,
    /// `Weighting::Entropy` or `Weighting::Critic`.
    pub objective: Weighting,
    pub alpha: f64,
    pub multiplicative: bool,
}

/// Where a rubric came from, for messages and for the JSON output's checksum.
#[derive(Debug, Clone)]
pub struct RubricSource {
    /// The path as the user gave it, or the built-in name.
    pub path: String,
    pub text: String,
    pub sha256: String,
    pub builtin: bool,
}

#[derive(Debug, Clone)]
pub struct Dimension {
    pub id: String,
    pub name: String,
    /// Weight as written in the rubric.
    pub raw_weight: f64,
    /// Weight divided by the sum over dimensions.
    pub weight: f64,
    pub aggregate: Aggregate,
    /// Indices into `Rubric::indicators`, in rubric order.
    pub indicators: Vec<usize>,
    pub note: Option<String>,
}

#[derive(Debug, Clone)]
pub struct Linkage {
    pub id: String,
    pub name: String,
    /// Indices into `Rubric::indicators`.
    pub indicators: Vec<usize>,
    pub note: Option<String>,
}

#[derive(Debug, Clone)]
pub struct Indicator {
    pub id: String,
    pub column: String,
    pub name: String,
    pub unit: String,
    pub dimension: usize,
    pub linkage: Option<usize>,
    pub raw_weight: f64,
    /// Weight divided by the sum over its dimension's indicators.
    pub weight: f64,
    pub direction: Direction,
    pub transform: Transform,
    pub normalize: Normalize,
    /// Goalposts in raw units, as written.
    pub goalposts: Option<(f64, f64)>,
    pub note: Option<String>,
}

#[derive(Debug, Clone)]
pub struct Grade {
    pub name: String,
    pub min: f64,
}

#[derive(Debug, Clone)]
pub struct Rubric {
    pub source: RubricSource,
    pub name: String,
    pub version: String,
    pub description: Option<String>,
    pub id_column: String,
    pub label_column: Option<String>,
    pub group_column: Option<String>,
    pub scale: f64,
    pub aggregate: Aggregate,
    pub missing: MissingPolicy,
    pub na: Vec<String>,
    pub weighting: Weighting,
    pub method: Method,
    pub ideal: Ideal,
    pub floor: f64,
    pub entropy_shift: f64,
    /// Outlier treatment of the indicators not normalized by goalposts.
    pub outliers: Outliers,
    /// Under `outliers = "winsorize"`: at most this many values moved per column.
    pub winsorize_max: usize,
    pub dimensions: Vec<Dimension>,
    pub linkages: Vec<Linkage>,
    pub indicators: Vec<Indicator>,
    pub grades: Vec<Grade>,
    /// Indices of the dimensions in `[coupling]`, when the rubric has one.
    pub coupling: Option<Vec<usize>>,
    /// `[ahp]`, validated (consistency checked).
    pub ahp: Option<AhpWeights>,
    /// `[combine]`, for `weighting = "combined"`.
    pub combine: Option<Combine>,
}

impl Rubric {
    /// Reads and validates a rubric file.
    pub fn from_path(path: &str) -> Result<Rubric> {
        let bytes = crate::files::read_small(path, "rubric")?;
        let text = String::from_utf8(bytes).map_err(|e| {
            Error::Rubric(format!(
                "{path}: the rubric is not UTF-8 text (invalid byte at offset {}); save it as UTF-8",
                e.utf8_error().valid_up_to()
            ))
        })?;
        Rubric::parse(path, &text, false)
    }

    /// The rubric shipped in the binary.
    pub fn builtin() -> Result<Rubric> {
        Rubric::parse(BUILTIN_RUBRIC_NAME, BUILTIN_RUBRIC, true)
    }

    /// Parses and validates rubric text; `path` is used in messages only.
    pub fn parse(path: &str, text: &str, builtin: bool) -> Result<Rubric> {
        // A BOM is what Windows editors put in front of UTF-8; it is not content.
        let body = text.strip_prefix('\u{feff}').unwrap_or(text);
        let offset = text.len() - body.len();
        let raw: RawFile = toml::from_str(body).map_err(|e| toml_error(path, text, offset, &e))?;
        let source = RubricSource {
            path: path.to_string(),
            text: text.to_string(),
            sha256: crate::util::sha256_hex(text.as_bytes()),
            builtin,
        };
        Validator { path, text, offset }.build(raw, source)
    }

    /// Whether any part of the scoring takes statistics or weights from the
    /// data (so scores depend on which units are scored together).
    pub fn is_sample_relative(&self) -> bool {
        self.indicators.iter().any(|i| i.normalize.is_sample_relative())
            || matches!(
                self.weighting,
                Weighting::Entropy | Weighting::Critic | Weighting::Combined
            )
            || (self.method == Method::Topsis && self.ideal == Ideal::Sample)
    }

    /// Index of the grade band a score (on 0..scale) falls in. A score a
    /// hair below a band's minimum through floating-point error still counts
    /// (the same 1e-9 × scale tolerance as for rank ties).
    pub fn grade_of(&self, score: f64) -> Option<usize> {
        let tolerance = 1e-9 * self.scale;
        // Bands' minimums strictly decrease, so the bands a score is below
        // come first: a binary search, however many bands a rubric has.
        if score.is_nan() {
            return None;
        }
        let k = self.grades.partition_point(|g| score < g.min - tolerance);
        (k < self.grades.len()).then_some(k)
    }

    /// Whether the rubric reads in Chinese (so fixed headers are Chinese too).
    pub fn is_chinese(&self) -> bool {
        let cjk = |s: &str| s.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c));
        cjk(&self.name) || self.dimensions.iter().any(|d| cjk(&d.name))
    }
}

/// Turns a TOML parse error into a pointed message, adding a "did you mean"
/// for unknown keys and values.
fn toml_error(path: &str, text: &str, offset: usize, e: &toml::de::Error) -> Error {
    let message = e.message().trim().to_string();
    if message == TOML_KEY_DEPTH {
        return deep_key_error(path, text);
    }
    let help = unknown_name_help(&message).or_else(|| type_help(&message));
    let headline = format!(
        "error: invalid rubric: {}",
        cut_line(&cut_quoted(&plain_words(first_line(&message))))
    );
    match e.span() {
        Some(span) => Error::Rubric(pointed(
            path,
            text,
            span.start + offset..span.end + offset,
            &headline,
            help.as_deref(),
        )),
        None => Error::Rubric(format!("{headline}\n  --> {path}")),
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
    let headline = "error: invalid rubric: a key or table name has more dotted parts than the TOML reader accepts";
    let help =
        "a rubric's keys and table names have at most two parts (such as [ahp.indicators]); remove the extra `.part`s";
    match deepest_key(text) {
        Some(span) => Error::Rubric(pointed(path, text, span, headline, Some(help))),
        None => Error::Rubric(format!("{headline}\n  --> {path}\n  = help: {help}")),
    }
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

/// An AHP number as the consistency message shows it: `decimals` places
/// on Saaty's scale, significant digits for a magnitude far from it (1e308
/// is not written out in 309 digits).
fn ahp_number(v: f64, decimals: usize) -> String {
    if v == 0.0 || (1e-3..1e6).contains(&v.abs()) {
        crate::util::rounded(v, decimals)
    } else {
        format!("{v:.2e}")
    }
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

/// The ids claimed so far: dimension, linkage and indicator ids share one
/// namespace (they become output columns), so one map finds a repeat at any
/// rubric size.
#[derive(Default)]
struct Ids {
    seen: HashMap<String, (&'static str, Range<usize>)>,
}

impl Ids {
    fn claim(&mut self, v: &Validator, id: &Spanned<String>, kind: &'static str) -> Result<()> {
        v.check_id(id, kind)?;
        if let Some((other_kind, other_span)) = self.seen.get(id.get_ref()) {
            let (line, _) = crate::error::line_col(v.text, other_span.start + v.offset);
            return Err(v.err(
                id.span(),
                &format!(
                    "the id `{}` is used twice (also by a {other_kind} on line {line})",
                    id.get_ref()
                ),
                Some("dimension, linkage and indicator ids become output columns, so they must be unique across all three"),
            ));
        }
        self.seen.insert(id.get_ref().clone(), (kind, id.span()));
        Ok(())
    }
}

/// What an indicator may refer to: dimensions and linkages, by id through a
/// map (a rubric of many dimensions is not searched once per indicator).
struct Refs<'r> {
    dimensions: &'r [Dimension],
    dimension_index: &'r HashMap<String, usize>,
    linkages: &'r [Linkage],
    linkage_index: &'r HashMap<String, usize>,
}

/// Position of each id (ids are unique: [`Ids`] has checked them).
fn index_by_id<'a>(ids: impl Iterator<Item = &'a str>) -> HashMap<String, usize> {
    ids.enumerate().map(|(i, id)| (id.to_string(), i)).collect()
}

/// Ids for a help line: the first 20, then how many there are in all.
fn list_ids<'a>(ids: impl ExactSizeIterator<Item = &'a str>) -> String {
    const SHOWN: usize = 20;
    let total = ids.len();
    let mut list = ids.take(SHOWN).collect::<Vec<_>>().join(", ");
    if total > SHOWN {
        list.push_str(&format!(", … ({total} in all)"));
    }
    list
}

/// The numeric settings of `[rubric]`, validated.
struct Settings {
    scale: f64,
    floor: f64,
    entropy_shift: f64,
    winsorize_max: usize,
}

struct Validator<'a> {
    path: &'a str,
    text: &'a str,
    /// Bytes stripped before parsing (a BOM), added back to spans.
    offset: usize,
}

impl Validator<'_> {
    fn err(&self, span: Range<usize>, message: &str, help: Option<&str>) -> Error {
        Error::Rubric(pointed(
            self.path,
            self.text,
            span.start + self.offset..span.end + self.offset,
            &format!("error: invalid rubric: {message}"),
            help,
        ))
    }

    fn check_id(&self, id: &Spanned<String>, kind: &str) -> Result<()> {
        let value = id.get_ref();
        if value.is_empty() || !value.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
            return Err(self.err(
                id.span(),
                &format!("{kind} id `{}` must be ASCII letters, digits and `_`", echo(value)),
                Some("put Chinese or other text in `name` (and the data header in `column`)"),
            ));
        }
        if RESERVED_IDS.contains(&value.as_str()) || value.ends_with("_change") {
            return Err(self.err(
                id.span(),
                &format!("{kind} id `{}` is the name of an output column", echo(value)),
                Some(
                    "choose another id: rank, id, label, group, group_rank, score, coverage, grade, coupling, coordination, coordination_grade and names ending in `_change` are taken",
                ),
            ));
        }
        Ok(())
    }

    fn check_weight(&self, weight: &Option<Spanned<f64>>, whose: &str) -> Result<f64> {
        match weight {
            None => Ok(1.0),
            Some(w) => {
                let v = *w.get_ref();
                if v.is_finite() && v >= 0.0 {
                    Ok(v)
                } else {
                    Err(self.err(
                        w.span(),
                        &format!(
                            "the weight of {whose} is {}; a weight must be a finite number ≥ 0",
                            readable(v)
                        ),
                        Some("weights are relative: [1, 1, 2] is the same as [0.25, 0.25, 0.5]"),
                    ))
                }
            }
        }
    }

    /// The sum of some weights (each finite and ≥ 0), which must be positive
    /// and finite: weights so large that their sum overflows are named as
    /// such, since dividing them all by the same number fixes them.
    fn weight_sum(
        &self,
        weights: impl Iterator<Item = f64>,
        span: Range<usize>,
        whose: &str,
        help: &str,
    ) -> Result<f64> {
        let weights: Vec<f64> = weights.collect();
        let sum: f64 = weights.iter().sum();
        if sum.is_infinite() {
            let largest = weights.iter().copied().fold(0.0, f64::max);
            return Err(self.err(
                span,
                &format!(
                    "{whose} are too large to add up (the largest is {}; their sum exceeds the largest number a double holds, about 1.8e308)",
                    readable(largest)
                ),
                Some("weights are relative: divide them all by the same number, e.g. [1e308, 1e308] is the same as [1, 1]"),
            ));
        }
        // Finite weights ≥ 0 have no NaN sum: not positive means 0.
        if sum <= 0.0 {
            return Err(self.err(
                span,
                &format!("{whose} add up to {}; they need a positive sum", readable(sum)),
                Some(help),
            ));
        }
        Ok(sum)
    }

    fn build(&self, raw: RawFile, source: RubricSource) -> Result<Rubric> {
        let header_span = raw.rubric.span();
        let header = raw.rubric.into_inner();
        let mut ids = Ids::default();
        let (mut dimensions, dimension_spans) = self.dimensions(raw.dimension, &header_span, &mut ids)?;
        let mut linkages = self.linkages(raw.linkage, &mut ids)?;
        let default_normalize = header.normalize.unwrap_or(Normalize::Goalpost);
        if raw.indicator.is_empty() {
            return Err(self.err(
                header_span,
                "the rubric has no [[indicator]]",
                Some("add [[indicator]] tables, each with an id, a dimension and goalposts"),
            ));
        }
        let dimension_index = index_by_id(dimensions.iter().map(|d| d.id.as_str()));
        let linkage_index = index_by_id(linkages.iter().map(|l| l.id.as_str()));
        let mut indicators = Vec::with_capacity(raw.indicator.len());
        for ind in raw.indicator {
            let refs = Refs {
                dimensions: &dimensions,
                dimension_index: &dimension_index,
                linkages: &linkages,
                linkage_index: &linkage_index,
            };
            let indicator = self.indicator(ind, default_normalize, &mut ids, &refs)?;
            dimensions[indicator.dimension].indicators.push(indicators.len());
            if let Some(l) = indicator.linkage {
                linkages[l].indicators.push(indicators.len());
            }
            indicators.push(indicator);
        }
        self.indicator_weights(&dimensions, &dimension_spans, &mut indicators)?;
        let grades = self.grades(raw.grade)?;
        let coupling = match raw.coupling {
            None => None,
            Some(c) => Some(self.coupling(c.into_inner(), &dimensions, &dimension_index)?),
        };
        let settings = self.settings(&header)?;
        let weighting = header.weighting.as_ref().map_or(Weighting::Explicit, |w| *w.get_ref());
        let ahp = match raw.ahp {
            None => None,
            Some(a) => Some(self.ahp(a.into_inner(), &dimensions, &dimension_index, &indicators)?),
        };
        let combine = match raw.combine {
            None => None,
            Some(c) => Some(self.combine(c.into_inner())?),
        };
        self.check_weighting(&header, weighting, ahp.is_some(), combine)?;
        self.check_columns(&header)?;

        let name = header.name.unwrap_or_else(|| {
            std::path::Path::new(self.path)
                .file_stem()
                .map_or_else(|| "rubric".to_string(), |s| s.to_string_lossy().into_owned())
        });
        Ok(Rubric {
            source,
            name,
            version: header.version.unwrap_or_default(),
            description: header.description,
            id_column: header.id.into_inner(),
            label_column: header.label.map(Spanned::into_inner),
            group_column: header.group.map(Spanned::into_inner),
            scale: settings.scale,
            aggregate: header.aggregate.unwrap_or(Aggregate::Arithmetic),
            missing: header.missing.unwrap_or(MissingPolicy::Error),
            na: header
                .na
                .unwrap_or_else(|| DEFAULT_NA.iter().map(|s| s.to_string()).collect()),
            weighting,
            method: header.method.unwrap_or(Method::Weighted),
            ideal: header.ideal.unwrap_or(Ideal::Sample),
            floor: settings.floor,
            entropy_shift: settings.entropy_shift,
            outliers: header.outliers.unwrap_or(Outliers::None),
            winsorize_max: settings.winsorize_max,
            dimensions,
            linkages,
            indicators,
            grades,
            coupling,
            ahp,
            combine,
        })
    }

    /// The `[[dimension]]` tables, with their weights normalized, and each one's span.
    fn dimensions(
        &self,
        raw: Vec<Spanned<RawDimension>>,
        header_span: &Range<usize>,
        ids: &mut Ids,
    ) -> Result<(Vec<Dimension>, Vec<Range<usize>>)> {
        if raw.is_empty() {
            return Err(self.err(
                header_span.clone(),
                "the rubric has no [[dimension]]",
                Some("add at least one [[dimension]] with an id, and indicators that name it"),
            ));
        }
        let mut dimensions = Vec::with_capacity(raw.len());
        let mut spans = Vec::with_capacity(raw.len());
        for d in raw {
            let span = d.span();
            let d = d.into_inner();
            ids.claim(self, &d.id, "dimension")?;
            let raw_weight = self.check_weight(&d.weight, &format!("dimension `{}`", d.id.get_ref()))?;
            spans.push(span);
            dimensions.push(Dimension {
                name: d.name.unwrap_or_else(|| d.id.get_ref().clone()),
                id: d.id.into_inner(),
                raw_weight,
                weight: 0.0,
                aggregate: d.aggregate.unwrap_or(Aggregate::Arithmetic),
                indicators: Vec::new(),
                note: d.note,
            });
        }
        let first = spans.first().cloned().unwrap_or_else(|| header_span.clone());
        let sum = self.weight_sum(
            dimensions.iter().map(|d| d.raw_weight),
            first,
            "the dimension weights",
            "give at least one dimension a weight > 0",
        )?;
        for d in &mut dimensions {
            d.weight = d.raw_weight / sum;
        }
        Ok((dimensions, spans))
    }

    /// The `[[linkage]]` tables (their indicators are filled in later).
    fn linkages(&self, raw: Vec<Spanned<RawLinkage>>, ids: &mut Ids) -> Result<Vec<Linkage>> {
        let mut linkages = Vec::with_capacity(raw.len());
        for l in raw {
            let l = l.into_inner();
            ids.claim(self, &l.id, "linkage")?;
            linkages.push(Linkage {
                name: l.name.unwrap_or_else(|| l.id.get_ref().clone()),
                id: l.id.into_inner(),
                indicators: Vec::new(),
                note: l.note,
            });
        }
        Ok(linkages)
    }

    /// One `[[indicator]]` table, its references resolved (weight not yet normalized).
    fn indicator(
        &self,
        ind: Spanned<RawIndicator>,
        default_normalize: Normalize,
        ids: &mut Ids,
        refs: &Refs,
    ) -> Result<Indicator> {
        let ind_span = ind.span();
        let ind = ind.into_inner();
        ids.claim(self, &ind.id, "indicator")?;
        let id = ind.id.get_ref().clone();
        let dimension = refs
            .dimension_index
            .get(ind.dimension.get_ref().as_str())
            .copied()
            .ok_or_else(|| {
                let wanted = ind.dimension.get_ref();
                let help = match closest(wanted, refs.dimensions.iter().map(|d| d.id.as_str())) {
                    Some(best) => format!("did you mean `{best}`?"),
                    None => format!(
                        "the dimensions are: {}",
                        list_ids(refs.dimensions.iter().map(|d| d.id.as_str()))
                    ),
                };
                self.err(
                    ind.dimension.span(),
                    &format!(
                        "indicator `{id}` names dimension `{}`, which the rubric does not define",
                        echo(wanted)
                    ),
                    Some(&help),
                )
            })?;
        let linkage = match &ind.linkage {
            None => None,
            Some(l) => Some(refs.linkage_index.get(l.get_ref().as_str()).copied().ok_or_else(|| {
                let wanted = l.get_ref();
                let help = match closest(wanted, refs.linkages.iter().map(|k| k.id.as_str())) {
                    Some(best) => format!("did you mean `{best}`?"),
                    None => "define it with a [[linkage]] table, or leave `linkage` out".to_string(),
                };
                self.err(
                    l.span(),
                    &format!(
                        "indicator `{id}` names linkage `{}`, which the rubric does not define",
                        echo(wanted)
                    ),
                    Some(&help),
                )
            })?),
        };
        let raw_weight = self.check_weight(&ind.weight, &format!("indicator `{id}`"))?;
        let transform = ind.transform.unwrap_or(Transform::None);
        let normalize = ind.normalize.unwrap_or(default_normalize);
        let goalposts = match &ind.goalposts {
            None => None,
            Some(g) => Some(self.goalposts(g, &id, transform)?),
        };
        if normalize == Normalize::Goalpost && goalposts.is_none() {
            return Err(self.err(
                ind_span,
                &format!("indicator `{id}` is normalized by goalposts but has no `goalposts`"),
                Some("add goalposts = [low, high] in raw units, or set normalize = \"minmax\" for it"),
            ));
        }
        Ok(Indicator {
            column: ind.column.unwrap_or_else(|| id.clone()),
            name: ind.name.unwrap_or_else(|| id.clone()),
            unit: ind.unit.unwrap_or_default(),
            id,
            dimension,
            linkage,
            raw_weight,
            weight: 0.0,
            direction: ind.direction.unwrap_or(Direction::Higher),
            transform,
            normalize,
            goalposts,
            note: ind.note,
        })
    }

    /// An indicator's `goalposts`: two finite numbers, low below high, that
    /// stay two distinct numbers through its transform.
    fn goalposts(&self, g: &Spanned<Vec<f64>>, id: &str, transform: Transform) -> Result<(f64, f64)> {
        let (lo, hi) = match g.get_ref().as_slice() {
            [lo, hi] if lo.is_finite() && hi.is_finite() => (*lo, *hi),
            _ => {
                return Err(self.err(
                    g.span(),
                    &format!("the goalposts of `{id}` must be two finite numbers [low, high]"),
                    Some("for example goalposts = [0, 100], in the data's own units"),
                ));
            }
        };
        let (lo_text, hi_text) = (readable(lo), readable(hi));
        if lo >= hi {
            return Err(self.err(
                g.span(),
                &format!(
                    "the goalposts of `{id}` are [{lo_text}, {hi_text}]; the low goalpost must be below the high one"
                ),
                Some("write [low, high] even for a lower-is-better indicator: `direction = \"lower\"` turns it round"),
            ));
        }
        let collapsed = match (transform.apply(lo), transform.apply(hi)) {
            (Some(a), Some(b)) => !(b > a && (b - a).is_finite()),
            _ => false,
        };
        if collapsed {
            return Err(self.err(
                g.span(),
                &format!(
                    "the goalposts of `{id}` are [{lo_text}, {hi_text}], which after transform = \"{}\" are not two distinct numbers with a finite distance",
                    transform.as_str()
                ),
                Some("widen the goalposts, or record the indicator in other units"),
            ));
        }
        if transform.apply(lo).is_none() {
            return Err(self.err(
                g.span(),
                &format!(
                    "the goalposts of `{id}` pass through transform = \"{}\", which needs {}; {lo_text} is outside it",
                    transform.as_str(),
                    transform.domain()
                ),
                Some("raise the low goalpost, or use transform = \"log1p\" for data with zeros"),
            ));
        }
        Ok((lo, hi))
    }

    /// Every dimension has indicators, and their weights a positive, finite
    /// sum; each indicator's weight is then normalized inside its dimension.
    fn indicator_weights(
        &self,
        dimensions: &[Dimension],
        spans: &[Range<usize>],
        indicators: &mut [Indicator],
    ) -> Result<()> {
        for (d, span) in dimensions.iter().zip(spans) {
            if d.indicators.is_empty() {
                return Err(self.err(
                    span.clone(),
                    &format!("dimension `{}` has no indicators", d.id),
                    Some("add an [[indicator]] with this dimension, or remove the dimension"),
                ));
            }
            let weights = d
                .indicators
                .iter()
                .filter_map(|&i| indicators.get(i))
                .map(|i| i.raw_weight);
            let sum = self.weight_sum(
                weights,
                span.clone(),
                &format!("the indicator weights of dimension `{}`", d.id),
                "give at least one of its indicators a weight > 0",
            )?;
            for &i in &d.indicators {
                if let Some(ind) = indicators.get_mut(i) {
                    ind.weight = ind.raw_weight / sum;
                }
            }
        }
        Ok(())
    }

    /// The `[[grade]]` bands, best first, with strictly decreasing `min`.
    fn grades(&self, raw: Vec<Spanned<RawGrade>>) -> Result<Vec<Grade>> {
        let mut grades: Vec<Grade> = Vec::with_capacity(raw.len());
        for g in raw {
            let g = g.into_inner();
            let min = *g.min.get_ref();
            if !min.is_finite() {
                return Err(self.err(g.min.span(), "a grade's `min` must be a finite number", None));
            }
            if let Some(prev) = grades.last()
                && min >= prev.min
            {
                return Err(self.err(
                    g.min.span(),
                    &format!(
                        "grade `{}` has min = {}, not below the previous band's {}",
                        echo(&g.name),
                        readable(min),
                        readable(prev.min)
                    ),
                    Some("list [[grade]] bands best first, with strictly decreasing `min`"),
                ));
            }
            grades.push(Grade { name: g.name, min });
        }
        Ok(grades)
    }

    /// `[coupling]`: the dimensions it couples (all of them when it names none).
    fn coupling(
        &self,
        raw: RawCoupling,
        dimensions: &[Dimension],
        index: &HashMap<String, usize>,
    ) -> Result<Vec<usize>> {
        let Some(list) = raw.dimensions else {
            return Ok((0..dimensions.len()).collect());
        };
        let list_span = list.span();
        let mut chosen = Vec::new();
        let mut seen = HashSet::new();
        for name in list.into_inner() {
            let idx = index.get(name.get_ref().as_str()).copied().ok_or_else(|| {
                let help = closest(name.get_ref(), dimensions.iter().map(|d| d.id.as_str()))
                    .map(|b| format!("did you mean `{b}`?"));
                self.err(
                    name.span(),
                    &format!(
                        "[coupling] names dimension `{}`, which the rubric does not define",
                        echo(name.get_ref())
                    ),
                    help.as_deref(),
                )
            })?;
            if !seen.insert(idx) {
                return Err(self.err(
                    name.span(),
                    &format!("[coupling] lists `{}` twice", name.get_ref()),
                    None,
                ));
            }
            chosen.push(idx);
        }
        if chosen.len() < 2 {
            return Err(self.err(
                list_span,
                "[coupling] needs two or more dimensions",
                Some("leave `dimensions` out to couple all dimensions"),
            ));
        }
        Ok(chosen)
    }

    /// The numeric settings of `[rubric]`: scale, floor, entropy_shift, winsorize_max.
    fn settings(&self, header: &RawHeader) -> Result<Settings> {
        let scale = match &header.scale {
            None => 100.0,
            Some(s) => {
                let v = *s.get_ref();
                if !(v.is_finite() && v > 0.0) {
                    return Err(self.err(
                        s.span(),
                        &format!("scale = {}; it must be a finite number > 0", readable(v)),
                        Some("scores are reported on 0..scale, usually 100"),
                    ));
                }
                v
            }
        };
        let floor = match &header.floor {
            None => 0.0,
            Some(f) => {
                let v = *f.get_ref();
                if !(0.0..1.0).contains(&v) {
                    return Err(self.err(
                        f.span(),
                        &format!("floor = {}; it must be ≥ 0 and < 1", readable(v)),
                        Some("a small value such as 0.01 keeps a geometric mean from being zeroed"),
                    ));
                }
                v
            }
        };
        let entropy_shift = match &header.entropy_shift {
            None => 0.0,
            Some(a) => {
                let v = *a.get_ref();
                if !(v.is_finite() && v >= 0.0) {
                    return Err(self.err(
                        a.span(),
                        &format!("entropy_shift = {}; it must be a finite number ≥ 0", readable(v)),
                        Some("papers use 0.0001 or 0.001"),
                    ));
                }
                v
            }
        };
        let winsorize_max = match &header.winsorize_max {
            None => DEFAULT_WINSORIZE_MAX,
            Some(w) => usize::try_from(*w.get_ref()).map_err(|_| {
                self.err(
                    w.span(),
                    &format!("winsorize_max = {}; it must be a whole number ≥ 0", w.get_ref()),
                    Some("it is how many values of a column winsorization may move (default 5); 0 goes straight to the log transform"),
                )
            })?,
        };
        Ok(Settings {
            scale,
            floor,
            entropy_shift,
            winsorize_max,
        })
    }

    /// `[combine]`, with alpha in [0, 1].
    fn combine(&self, c: RawCombine) -> Result<Combine> {
        let alpha = match &c.alpha {
            None => 0.5,
            Some(a) if (0.0..=1.0).contains(a.get_ref()) => *a.get_ref(),
            Some(a) => {
                return Err(self.err(
                    a.span(),
                    &format!("alpha = {}; it must be between 0 and 1", readable(*a.get_ref())),
                    Some("alpha is the share of the subjective weights: 0.5 weighs both sets equally"),
                ));
            }
        };
        Ok(Combine {
            subjective: match c.subjective.unwrap_or(RawSubjective::Explicit) {
                RawSubjective::Explicit => Subjective::Explicit,
                RawSubjective::Ahp => Subjective::Ahp,
            },
            objective: match c.objective.unwrap_or(RawObjective::Entropy) {
                RawObjective::Entropy => Weighting::Entropy,
                RawObjective::Critic => Weighting::Critic,
            },
            alpha,
            multiplicative: c.rule == Some(RawRule::Multiplicative),
        })
    }

    /// The tables a weighting needs are there: `[ahp]` for AHP weights,
    /// `[combine]` for combined ones.
    fn check_weighting(
        &self,
        header: &RawHeader,
        weighting: Weighting,
        has_ahp: bool,
        combine: Option<Combine>,
    ) -> Result<()> {
        let Some(w) = &header.weighting else {
            return Ok(());
        };
        let needs_ahp = weighting == Weighting::Ahp
            || (weighting == Weighting::Combined && combine.is_some_and(|c| c.subjective == Subjective::Ahp));
        if needs_ahp && !has_ahp {
            return Err(self.err(
                w.span(),
                "AHP weights need an [ahp] table with the pairwise comparison matrices",
                Some("add [ahp] dimensions = [[1, 3], [\"1/3\", 1]] (one row per dimension, in rubric order)"),
            ));
        }
        if weighting == Weighting::Combined && combine.is_none() {
            return Err(self.err(
                w.span(),
                "weighting = \"combined\" needs a [combine] table",
                Some(
                    "add [combine] subjective = \"explicit\", objective = \"entropy\", alpha = 0.5, rule = \"linear\"",
                ),
            ));
        }
        Ok(())
    }

    /// `id` names a column, and `label` and `group` other columns.
    fn check_columns(&self, header: &RawHeader) -> Result<()> {
        for (key, value) in [("label", &header.label), ("group", &header.group)] {
            if let Some(v) = value
                && v.get_ref() == header.id.get_ref()
            {
                return Err(self.err(
                    v.span(),
                    &format!("`{key}` names the same column as `id`"),
                    Some("leave it out, or name another column"),
                ));
            }
        }
        if header.id.get_ref().trim().is_empty() {
            return Err(self.err(
                header.id.span(),
                "`id` must name the column that identifies a unit",
                Some("for example id = \"village_id\""),
            ));
        }
        Ok(())
    }

    /// Validates `[ahp]`: square, positive, reciprocal matrices of the right
    /// size, consistent enough (CR < 0.10).
    fn ahp(
        &self,
        raw: RawAhp,
        dimensions: &[Dimension],
        index: &HashMap<String, usize>,
        indicators: &[Indicator],
    ) -> Result<AhpWeights> {
        let mut out = AhpWeights::default();
        if let Some(m) = raw.dimensions {
            let items: Vec<String> = dimensions.iter().map(|d| d.id.clone()).collect();
            out.dimensions = Some(self.ahp_matrix(&m, items, "the dimensions")?);
        }
        for (key, m) in raw.indicators {
            let Some(&d) = index.get(key.get_ref().as_str()) else {
                let help = closest(key.get_ref(), dimensions.iter().map(|d| d.id.as_str()))
                    .map(|b| format!("did you mean `{b}`?"));
                return Err(self.err(
                    key.span(),
                    &format!(
                        "[ahp.indicators] names dimension `{}`, which the rubric does not define",
                        echo(key.get_ref())
                    ),
                    help.as_deref(),
                ));
            };
            let items: Vec<String> = dimensions[d]
                .indicators
                .iter()
                .map(|&i| indicators[i].id.clone())
                .collect();
            let what = format!("the indicators of dimension `{}`", dimensions[d].id);
            out.indicators.push((d, self.ahp_matrix(&m, items, &what)?));
        }
        Ok(out)
    }

    fn ahp_matrix(&self, raw: &RawMatrix, items: Vec<String>, what: &str) -> Result<AhpMatrix> {
        let n = items.len();
        let span = raw.span();
        if n > crate::methods::SAATY_RI.len() {
            return Err(self.err(span, &format!("AHP compares at most 15 items; {what} are {n}"), None));
        }
        let order = format!("rows and columns follow the rubric order: {}", items.join(", "));
        let rows = raw.get_ref();
        if rows.len() != n || rows.iter().any(|r| r.len() != n) {
            return Err(self.err(
                span,
                &format!("the AHP matrix for {what} must be {n}×{n}"),
                Some(&order),
            ));
        }
        let mut matrix = vec![vec![0.0; n]; n];
        for (i, row) in rows.iter().enumerate() {
            for (j, entry) in row.iter().enumerate() {
                match entry.value() {
                    Some(v) if v.is_finite() && v > 0.0 => matrix[i][j] = v,
                    _ => {
                        return Err(self.err(
                            span,
                            &format!("the AHP matrix for {what} has an entry at row {}, column {} that is not a positive number", i + 1, j + 1),
                            Some("entries are positive numbers or fractions written as text, e.g. 3 or \"1/3\""),
                        ));
                    }
                }
            }
        }
        for (i, row) in matrix.iter().enumerate() {
            for (j, &a) in row.iter().enumerate().skip(i) {
                let b = matrix[j][i];
                // 1 % as the SPEC says, plus rounding slack so exactly 1 % passes.
                if (a * b - 1.0).abs() > 0.01 + 1e-12 {
                    return Err(self.err(
                        span,
                        &format!(
                            "the AHP matrix for {what} is not reciprocal: a[{i1}][{j1}] × a[{j1}][{i1}] = {} × {} ≠ 1",
                            readable(a),
                            readable(b),
                            i1 = i + 1,
                            j1 = j + 1
                        ),
                        Some("a[j][i] must be 1 / a[i][j] (within 1 %), and the diagonal 1"),
                    ));
                }
            }
        }
        let result = crate::methods::ahp(&matrix);
        let computed = [result.cr, result.lambda_max, result.ci]
            .iter()
            .chain(&result.weights)
            .all(|x| x.is_finite());
        if !computed {
            // Entries such as 1e308 and 1e-308 are reciprocal, but their
            // eigenvector overflows: say so rather than score with NaN weights.
            return Err(self.err(
                span,
                &format!("the AHP matrix for {what} has entries too far apart to compute its weights with"),
                Some("write comparisons on Saaty's scale: 1 to 9 and their reciprocals (1/3 as \"1/3\")"),
            ));
        }
        if result.cr >= 0.10 {
            let width = items.iter().map(|s| s.len()).max().unwrap_or(0).max(6);
            let indent = " ".repeat(9);
            let mut lines = vec![format!(
                "{indent}{:width$}{}",
                "",
                items.iter().map(|it| format!(" {it:>width$}")).collect::<String>()
            )];
            for (it, row) in items.iter().zip(&matrix) {
                let cells: String = row.iter().map(|v| format!(" {:>width$}", ahp_number(*v, 3))).collect();
                lines.push(format!("{indent}{it:width$}{cells}"));
            }
            let table = lines.join("\n");
            return Err(self.err(
                span,
                &format!(
                    "the AHP matrix for {what} is not consistent enough: CR = {} (it must be below 0.10; λmax = {}, CI = {}, RI = {})",
                    ahp_number(result.cr, 4),
                    ahp_number(result.lambda_max, 4),
                    ahp_number(result.ci, 4),
                    crate::methods::SAATY_RI[n - 1]
                ),
                Some(&format!("revise the comparisons so they agree with each other:\n{table}")),
            ));
        }
        Ok(AhpMatrix { items, matrix, result })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MINIMAL: &str = r#"
[rubric]
name = "t"
id = "vid"

[[dimension]]
id = "a"
weight = 1

[[dimension]]
id = "b"
weight = 3

[[indicator]]
id = "x"
dimension = "a"
goalposts = [0, 10]

[[indicator]]
id = "y"
dimension = "b"
weight = 1
goalposts = [0, 10]

[[indicator]]
id = "z"
dimension = "b"
weight = 3
direction = "lower"
goalposts = [0, 10]
"#;

    fn parse(text: &str) -> Result<Rubric> {
        Rubric::parse("r.toml", text, false)
    }

    fn err(text: &str) -> String {
        match parse(text) {
            Ok(_) => panic!("expected an error"),
            Err(e) => e.to_string(),
        }
    }

    #[test]
    fn weights_are_relative_inside_each_parent() {
        let r = parse(MINIMAL).unwrap();
        assert_eq!(r.dimensions[0].weight, 0.25);
        assert_eq!(r.dimensions[1].weight, 0.75);
        assert_eq!(r.indicators[1].weight, 0.25);
        assert_eq!(r.indicators[2].weight, 0.75);
        assert_eq!(r.scale, 100.0);
        assert_eq!(r.missing, MissingPolicy::Error);
        assert_eq!(r.na.len(), DEFAULT_NA.len());
    }

    #[test]
    fn unknown_key_points_at_its_line_and_suggests() {
        let text = MINIMAL.replace("direction = \"lower\"", "directon = \"lower\"");
        let e = err(&text);
        assert!(e.contains("r.toml:29:1"), "{e}");
        assert!(e.contains("did you mean `direction`?"), "{e}");
    }

    #[test]
    fn unknown_variant_suggests() {
        let e = err(&MINIMAL.replace("\"lower\"", "\"lowr\""));
        assert!(e.contains("did you mean `lower`?"), "{e}");
    }

    #[test]
    fn negative_weight_is_rejected_with_location() {
        let e = err(&MINIMAL.replace("weight = 3\ndirection", "weight = -3\ndirection"));
        assert!(e.contains("finite number ≥ 0"), "{e}");
        assert!(e.contains("r.toml:28:10"), "{e}");
    }

    #[test]
    fn zero_weight_sum_is_rejected() {
        let e = err(&MINIMAL
            .replace("weight = 1\n\n[[dim", "weight = 0\n\n[[dim")
            .replace("weight = 3\n\n[[ind", "weight = 0\n\n[[ind"));
        assert!(
            e.contains("the dimension weights add up to 0; they need a positive sum"),
            "{e}"
        );
    }

    #[test]
    fn weights_too_large_to_add_are_named_so() {
        let e = err(&MINIMAL
            .replace("weight = 1\n\n[[dim", "weight = 1e308\n\n[[dim")
            .replace("weight = 3\n\n[[ind", "weight = 1e308\n\n[[ind"));
        assert!(
            e.contains("the dimension weights are too large to add up (the largest is 1e308;"),
            "{e}"
        );
        assert!(e.contains("divide them all by the same number"), "{e}");
        assert!(!e.contains("inf"), "{e}");
        assert!(e.contains("r.toml:6:1"), "{e}");
        let e = err(&MINIMAL
            .replace("weight = 1\ngoalposts", "weight = 1.5e308\ngoalposts")
            .replace("weight = 3\ndirection", "weight = 1e308\ndirection"));
        assert!(
            e.contains("the indicator weights of dimension `b` are too large to add up (the largest is 1.5e308;"),
            "{e}"
        );
    }

    #[test]
    fn numbers_in_messages_are_short() {
        let e = err(&MINIMAL.replace("weight = 3\ndirection", "weight = -1e308\ndirection"));
        assert!(e.contains("the weight of indicator `z` is -1e308;"), "{e}");
        let e = err(&MINIMAL.replacen("goalposts = [0, 10]", "goalposts = [1e300, 1e-300]", 1));
        assert!(e.contains("are [1e300, 1e-300]; the low goalpost"), "{e}");
        let e = err(&MINIMAL.replace("id = \"vid\"\n", "id = \"vid\"\nscale = -1e200\n"));
        assert!(e.contains("scale = -1e200; it must be"), "{e}");
        assert!(e.lines().all(|l| l.len() < 200), "{e}");
    }

    #[test]
    fn ahp_numbers_far_from_saatys_scale_are_short() {
        assert_eq!(ahp_number(1e308, 3), "1.00e308");
        assert_eq!(ahp_number(1e-308, 3), "1.00e-308");
        assert_eq!(ahp_number(0.333333, 3), "0.333");
        assert_eq!(ahp_number(9578544.8489, 4), "9.58e6");
        let ahp = |m: &str| {
            let three = MINIMAL.replace(
                "[[indicator]]\nid = \"x\"",
                "[[dimension]]\nid = \"c\"\n[[indicator]]\nid = \"w\"\ndimension = \"c\"\ngoalposts = [0, 1]\n[[indicator]]\nid = \"x\"",
            );
            format!(
                "{}\n[ahp]\ndimensions = {m}\n",
                three.replace("id = \"vid\"\n", "id = \"vid\"\nweighting = \"ahp\"\n")
            )
        };
        let e = err(&ahp("[[1, 1e308, 1e300], [1e-308, 1, 3], [1e-300, \"1/3\", 1]]"));
        assert!(e.lines().all(|l| l.chars().count() < 300), "{e}");
        assert!(e.contains("1.00e308"), "{e}");
    }

    #[test]
    fn long_values_in_toml_messages_are_cut() {
        let long = "x".repeat(400_000);
        let e = err(&MINIMAL.replace("id = \"vid\"\n", &format!("id = \"vid\"\nscale = \"{long}\"\n")));
        assert!(e.len() < 2000, "{} bytes", e.len());
        assert!(
            e.starts_with("error: invalid rubric: invalid type: string \"xxx"),
            "{e}"
        );
        let e = err(&MINIMAL.replace("id = \"vid\"\n", &format!("id = \"vid\"\n{long} = 1\n")));
        assert!(e.len() < 2000, "{} bytes", e.len());
        assert!(e.contains(&format!("unknown key `{}…`", "x".repeat(200))), "{e}");
    }

    #[test]
    fn a_key_nested_past_the_limit_is_pointed_at() {
        let key = vec!["a"; 300].join(".");
        let e = err(&format!("[rubric]\nid = \"vid\"\n\n[{key}]\nb = 1\n"));
        assert!(e.contains("more dotted parts than the TOML reader accepts"), "{e}");
        assert!(e.contains("r.toml:4:1"), "{e}");
        assert!(e.contains("help: a rubric's keys"), "{e}");
        let e = err(&format!("[rubric]\nid = \"vid\"\n{key} = 1\n"));
        assert!(e.contains("r.toml:3:1"), "{e}");
        assert_eq!(deepest_key("x = 1\n  a.'b.c'.d = 2 # e.f.g.h\n"), Some(8..17));
        assert_eq!(deepest_key("x = 1.5\n"), None);
        let deep = format!("[rubric]\nid = \"vid\"\nx = {}{}\n", "[".repeat(300), "]".repeat(300));
        let e = err(&deep);
        assert!(e.contains("arrays or inline tables are nested more deeply"), "{e}");
        assert!(e.contains("r.toml:3:"), "{e}");
        assert!(e.len() < 1500, "{e}");
    }

    #[test]
    fn many_dimensions_and_linkages_are_looked_up_by_id() {
        // 20,000 dimensions, linkages and indicators, each indicator naming
        // its own dimension and linkage, and a [coupling] over all of them:
        // linear work (the lists were searched once per indicator before).
        let n = 20_000;
        let mut text = String::from("[rubric]\nid = \"vid\"\n");
        for i in 0..n {
            text.push_str(&format!("[[dimension]]\nid = \"d{i}\"\n[[linkage]]\nid = \"l{i}\"\n"));
        }
        for i in 0..n {
            text.push_str(&format!(
                "[[indicator]]\nid = \"i{i}\"\ndimension = \"d{}\"\nlinkage = \"l{i}\"\ngoalposts = [0, 1]\n",
                n - 1 - i
            ));
        }
        let names: Vec<String> = (0..n).map(|i| format!("\"d{i}\"")).collect();
        text.push_str(&format!("[coupling]\ndimensions = [{}]\n", names.join(", ")));
        let r = parse(&text).unwrap();
        assert_eq!(r.indicators.len(), n);
        assert_eq!(r.indicators[0].dimension, n - 1);
        assert_eq!(r.dimensions[0].indicators, vec![n - 1]);
        assert_eq!(r.linkages[7].indicators, vec![7]);
        assert_eq!(r.coupling.as_ref().map(Vec::len), Some(n));
    }

    #[test]
    fn ids_are_unique_across_kinds() {
        let text = MINIMAL.replace("id = \"y\"", "id = \"a\"");
        let e = err(&text);
        assert!(e.contains("used twice"), "{e}");
        assert!(e.contains("line 7"), "{e}");
    }

    #[test]
    fn reserved_and_non_ascii_ids_are_rejected() {
        assert!(err(&MINIMAL.replace("id = \"x\"", "id = \"score\"")).contains("output column"));
        assert!(err(&MINIMAL.replace("id = \"x\"", "id = \"x_change\"")).contains("output column"));
        assert!(err(&MINIMAL.replace("id = \"x\"", "id = \"收入\"")).contains("ASCII"));
    }

    #[test]
    fn unknown_dimension_suggests_the_closest() {
        let e = err(&MINIMAL.replace("dimension = \"b\"\nweight = 1", "dimension = \"bb\"\nweight = 1"));
        assert!(e.contains("did you mean `b`?"), "{e}");
    }

    #[test]
    fn goalposts_are_checked() {
        assert!(
            err(&MINIMAL.replace(
                "[0, 10]\n\n[[indicator]]\nid = \"y\"",
                "[10, 0]\n\n[[indicator]]\nid = \"y\""
            ))
            .contains("below the high one")
        );
        assert!(
            err(&MINIMAL.replacen("goalposts = [0, 10]", "goalposts = [0, 10, 20]", 1)).contains("two finite numbers")
        );
        let log = MINIMAL.replacen("goalposts = [0, 10]", "transform = \"log\"\ngoalposts = [0, 10]", 1);
        assert!(err(&log).contains("outside it"));
        let none = MINIMAL.replacen("goalposts = [0, 10]", "", 1);
        assert!(err(&none).contains("has no `goalposts`"));
        let minmax = MINIMAL.replacen("goalposts = [0, 10]", "normalize = \"minmax\"", 1);
        assert!(parse(&minmax).is_ok());
    }

    #[test]
    fn grades_must_decrease() {
        let text = format!("{MINIMAL}\n[[grade]]\nname = \"A\"\nmin = 80\n[[grade]]\nname = \"B\"\nmin = 80\n");
        assert!(err(&text).contains("strictly decreasing"));
        let ok = format!("{MINIMAL}\n[[grade]]\nname = \"A\"\nmin = 80\n[[grade]]\nname = \"B\"\nmin = 60\n");
        let r = parse(&ok).unwrap();
        assert_eq!(r.grade_of(80.0), Some(0));
        assert_eq!(r.grade_of(79.99999999999), Some(0));
        assert_eq!(r.grade_of(79.9), Some(1));
        assert_eq!(r.grade_of(10.0), None);
        assert_eq!(r.grade_of(f64::NAN), None);
        assert_eq!(r.grade_of(1e300), Some(0));
    }

    #[test]
    fn empty_dimension_is_rejected() {
        let text = MINIMAL.replace(
            "[[dimension]]\nid = \"b\"",
            "[[dimension]]\nid = \"c\"\n[[dimension]]\nid = \"b\"",
        );
        assert!(err(&text).contains("dimension `c` has no indicators"));
    }

    #[test]
    fn coupling_lists_known_dimensions() {
        let r = parse(&format!("{MINIMAL}\n[coupling]\n")).unwrap();
        assert_eq!(r.coupling, Some(vec![0, 1]));
        let e = err(&format!("{MINIMAL}\n[coupling]\ndimensions = [\"a\", \"bx\"]\n"));
        assert!(e.contains("did you mean `b`?"), "{e}");
        assert!(err(&format!("{MINIMAL}\n[coupling]\ndimensions = [\"a\"]\n")).contains("two or more"));
    }

    #[test]
    fn builtin_rubric_is_valid() {
        let r = Rubric::builtin().unwrap();
        assert_eq!(r.dimensions.len(), 5);
        assert_eq!(r.linkages.len(), 10);
        assert!(r.is_chinese());
    }

    #[test]
    fn syntax_error_points_at_the_spot() {
        let e = err("[rubric]\nid = \n");
        assert!(e.contains("r.toml:2:"), "{e}");
    }

    #[test]
    fn outliers_default_to_none_and_are_validated() {
        let r = parse(MINIMAL).unwrap();
        assert_eq!(r.outliers, Outliers::None);
        assert_eq!(r.winsorize_max, DEFAULT_WINSORIZE_MAX);
        let with = |extra: &str| MINIMAL.replace("id = \"vid\"\n", &format!("id = \"vid\"\n{extra}\n"));
        let r = parse(&with("outliers = \"winsorize\"\nwinsorize_max = 0")).unwrap();
        assert_eq!((r.outliers, r.winsorize_max), (Outliers::Winsorize, 0));
        let e = err(&with("outliers = \"winsorise\""));
        assert!(e.contains("did you mean `winsorize`?"), "{e}");
        assert!(e.contains("r.toml:5:"), "{e}");
        let e = err(&with("winsorize_max = -1"));
        assert!(e.contains("winsorize_max = -1; it must be a whole number ≥ 0"), "{e}");
        assert!(e.contains("r.toml:5:17"), "{e}");
        let e = err(&with("winsorize_max = 2.5"));
        assert!(e.contains("winsorize_max"), "{e}");
    }
}
