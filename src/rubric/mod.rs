//! The rubric (SPEC "Rubric (TOML)"): the validated model every other
//! module reads — settings, dimensions, linkages, indicators, grades,
//! `[coupling]`, `[ahp]` and `[combine]` — and the way in to it,
//! [`Rubric::from_path`], [`Rubric::parse`] and [`Rubric::builtin`].
//!
//! Reading is done in two steps, each in its own file: [`raw`] is the TOML
//! form as serde reads it (and what the TOML reader's errors become);
//! [`validate`] checks every rule of the SPEC section by section and builds
//! the model, with errors that point at file:line:column.

mod raw;
#[cfg(test)]
mod tests;
mod validate;

use crate::error::{Error, Result};
use crate::lang::Words;
use serde::Deserialize;

/// The rubric shipped in the binary (what `init` writes and what runs when
/// `--rubric` is left out).
pub const BUILTIN_RUBRIC: &str = include_str!("../../rubrics/linkage.toml");
/// The name the built-in rubric goes by in messages.
pub const BUILTIN_RUBRIC_NAME: &str = "linkage.toml (built-in)";

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

    /// The normalization as people read it (the rubric's word in English).
    pub fn words(self) -> Words {
        let zh = match self {
            Normalize::Goalpost => "目标值法",
            Normalize::Minmax => "极差标准化",
            Normalize::Zscore => "Z-score 标准化",
            Normalize::Rank => "排序标准化",
            Normalize::None => "不标准化",
        };
        Words::new(self.as_str(), zh)
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

impl Aggregate {
    /// The aggregation as people read it (the rubric's word in English).
    pub fn words(self) -> Words {
        match self {
            Aggregate::Arithmetic => Words::new("arithmetic", "算术平均"),
            Aggregate::Geometric => Words::new("geometric", "几何平均"),
        }
    }
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

    /// The policy as people read it (the rubric's word in English).
    pub fn words(self) -> Words {
        let zh = match self {
            MissingPolicy::Error => "报错",
            MissingPolicy::Reweight => "剔除缺失指标，权重重新归一",
            MissingPolicy::Mean => "均值填补",
            MissingPolicy::Median => "中位数填补",
        };
        Words::new(self.as_str(), zh)
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

    /// The method as people read it (the rubric's word in English).
    pub fn words(self) -> Words {
        let zh = match self {
            Weighting::Explicit => "给定权重",
            Weighting::Equal => "等权",
            Weighting::Entropy => "熵权法",
            Weighting::Critic => "CRITIC法",
            Weighting::Ahp => "层次分析法",
            Weighting::Combined => "组合赋权",
        };
        Words::new(self.as_str(), zh)
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
    /// The name people read (tables, sheets, warnings): the rubric's `name`,
    /// else `column`, else the id. Machine outputs use `id`.
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
    /// The column naming each row's period in a long panel table (SPEC "Panels").
    pub period_column: Option<String>,
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
            Error::rubric(format!(
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
        let raw: raw::RawFile = toml::from_str(body).map_err(|e| raw::toml_error(path, text, offset, &e))?;
        let source = RubricSource {
            path: path.to_string(),
            text: text.to_string(),
            sha256: crate::util::sha256_hex(text.as_bytes()),
            builtin,
        };
        validate::Validator { path, text, offset }.build(raw, source)
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
    pub fn lang(&self) -> crate::lang::Lang {
        crate::lang::Lang::of(
            std::iter::once(self.name.as_str()).chain(self.dimensions.iter().map(|d| d.name.as_str())),
        )
    }

    /// Whether the weights in use come from the `[ahp]` matrices: under
    /// `weighting = "ahp"`, or `"combined"` with AHP as the subjective part.
    pub fn uses_ahp(&self) -> bool {
        uses_ahp(self.weighting, self.combine)
    }

    /// `[combine]` when the weighting is `"combined"` (validation has made
    /// sure it is there then); `None` under any other weighting, where a
    /// `[combine]` table is ignored.
    pub fn combined(&self) -> Option<Combine> {
        self.combine.filter(|_| self.weighting == Weighting::Combined)
    }
}

/// "Uses AHP", said once: validation asks it of the raw settings (to
/// require `[ahp]`) before the model exists, the model of itself.
fn uses_ahp(weighting: Weighting, combine: Option<Combine>) -> bool {
    weighting == Weighting::Ahp
        || (weighting == Weighting::Combined && combine.is_some_and(|c| c.subjective == Subjective::Ahp))
}
