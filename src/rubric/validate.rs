//! Validation of a rubric (SPEC "Rubric (TOML)": every rule of it), from
//! its TOML form ([`super::raw`]) to the model, one function per section:
//! `[rubric]` settings and columns, `[[dimension]]`, `[[linkage]]`,
//! `[[indicator]]` (with goalposts and weights), `[[grade]]`, `[coupling]`,
//! `[combine]`, and `[ahp]` in [`ahp`]. [`Validator::build`] calls them in
//! an order where each finds what it refers to already checked. Each error
//! points at the value at fault.

mod ahp;

use super::raw::{
    RawCombine, RawCoupling, RawDimension, RawFile, RawGrade, RawHeader, RawIndicator, RawLinkage, RawObjective,
    RawRule, RawSubjective,
};
use super::{
    Aggregate, Combine, DEFAULT_NA, DEFAULT_WINSORIZE_MAX, Dimension, Direction, Grade, Ideal, Indicator, Linkage,
    Method, MissingPolicy, Normalize, Outliers, Rubric, RubricSource, Subjective, Transform, Weighting,
};
use crate::error::{Error, Location, Result, closest, echo};
use crate::util::readable;
use std::collections::{HashMap, HashSet};
use std::ops::Range;
use toml::Spanned;

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

pub(super) struct Validator<'a> {
    pub(super) path: &'a str,
    pub(super) text: &'a str,
    /// Bytes stripped before parsing (a BOM), added back to spans.
    pub(super) offset: usize,
}

impl Validator<'_> {
    fn err(&self, span: Range<usize>, message: &str, help: Option<&str>) -> Error {
        let error = Error::rubric(format!("invalid rubric: {message}")).at(Location::source(
            self.path,
            self.text,
            span.start + self.offset..span.end + self.offset,
        ));
        match help {
            Some(help) => error.help(help),
            None => error,
        }
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

    /// The index of the dimension `name` refers to. Otherwise an error:
    /// "`who` names dimension …, which the rubric does not define", with
    /// the closest id, or when none is close (and `list_all`) every id.
    fn dimension_named(
        &self,
        name: &Spanned<String>,
        who: &str,
        dimensions: &[Dimension],
        index: &HashMap<String, usize>,
        list_all: bool,
    ) -> Result<usize> {
        let wanted = name.get_ref();
        if let Some(&d) = index.get(wanted.as_str()) {
            return Ok(d);
        }
        let ids = || dimensions.iter().map(|d| d.id.as_str());
        let help = match closest(wanted, ids()) {
            Some(best) => Some(format!("did you mean `{best}`?")),
            None if list_all => Some(format!("the dimensions are: {}", list_ids(ids()))),
            None => None,
        };
        Err(self.err(
            name.span(),
            &format!(
                "{who} names dimension `{}`, which the rubric does not define",
                echo(wanted)
            ),
            help.as_deref(),
        ))
    }

    /// A number of `[rubric]` or `[combine]`: `default` when left out, else
    /// the value if it is `valid`; otherwise "`key` = value; it must be
    /// `rule`", pointing at the value.
    fn number(
        &self,
        value: &Option<Spanned<f64>>,
        key: &str,
        default: f64,
        (valid, rule): (fn(f64) -> bool, &str),
        help: &str,
    ) -> Result<f64> {
        let Some(value) = value else {
            return Ok(default);
        };
        let v = *value.get_ref();
        if valid(v) {
            Ok(v)
        } else {
            Err(self.err(
                value.span(),
                &format!("{key} = {}; it must be {rule}", readable(v)),
                Some(help),
            ))
        }
    }

    pub(super) fn build(&self, raw: RawFile, source: RubricSource) -> Result<Rubric> {
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
            period_column: header.period.map(Spanned::into_inner),
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
        let dimension = self.dimension_named(
            &ind.dimension,
            &format!("indicator `{id}`"),
            refs.dimensions,
            refs.dimension_index,
            true,
        )?;
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
        // The name people read: `name`, else the data's header (`column`),
        // else the id (which `column` defaults to). Said here once, so every
        // table, sheet and warning shows the same name.
        let column = ind.column.unwrap_or_else(|| id.clone());
        Ok(Indicator {
            name: ind.name.unwrap_or_else(|| column.clone()),
            column,
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
            let idx = self.dimension_named(&name, "[coupling]", dimensions, index, false)?;
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
        let scale = self.number(
            &header.scale,
            "scale",
            100.0,
            (|v| v.is_finite() && v > 0.0, "a finite number > 0"),
            "scores are reported on 0..scale, usually 100",
        )?;
        let floor = self.number(
            &header.floor,
            "floor",
            0.0,
            (|v| (0.0..1.0).contains(&v), "≥ 0 and < 1"),
            "a small value such as 0.01 keeps a geometric mean from being zeroed",
        )?;
        let entropy_shift = self.number(
            &header.entropy_shift,
            "entropy_shift",
            0.0,
            (|v| v.is_finite() && v >= 0.0, "a finite number ≥ 0"),
            "papers use 0.0001 or 0.001",
        )?;
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
        let alpha = self.number(
            &c.alpha,
            "alpha",
            0.5,
            (|v| (0.0..=1.0).contains(&v), "between 0 and 1"),
            "alpha is the share of the subjective weights: 0.5 weighs both sets equally",
        )?;
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
        if super::uses_ahp(weighting, combine) && !has_ahp {
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

    /// `id` names a column, and `label`, `group` and `period` other columns.
    fn check_columns(&self, header: &RawHeader) -> Result<()> {
        for (key, value) in [
            ("label", &header.label),
            ("group", &header.group),
            ("period", &header.period),
        ] {
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
}
