//! The dynamics' layout (SPEC "Dynamics: `dynamics`"): the rows of the one
//! part `--part` names (CSV, JSON Lines, markdown), the nested JSON document
//! of every computed part, the workbook's sheet per part, and the tables
//! people read (in `people`).
//!
//! Each part's rows are one [`Listing`] of [`Row`]s, its columns declared
//! once:
//! - density: `period, x, density`, a row per grid point of each period
//!   with a density (a single-point period has none);
//! - markov: `from_class, to_class, count, probability`, the full K × K
//!   matrix (classes 1-based, zero counts included), then `steady, k, , π_k`
//!   (absent without a unique steady state), then `boundary, k, , b_k`;
//! - sigma: `period, n, mean, sd, cv, sd_log`;
//! - beta: `term, estimate, std_error, t, p`, rows `alpha, beta, r2, n,
//!   speed, half_life` (the last four with their value in `estimate`).
//!   With groups (`--by`), `group` is the first column: the overall fit's
//!   rows come first with an empty `group`, then each group's, in order of
//!   first appearance.

use super::listing::{Field, Listing, Value};
use super::{Cell, Kind, Layout, Sheet, View};
use crate::dynamics::beta::{Coefficient, Fit};
use crate::dynamics::{Dynamics, Part};
use crate::input::Table;
use crate::lang::{Lang, Words};
use crate::rubric::Rubric;
use serde_json::json;

mod people;
#[cfg(test)]
mod tests;

/// A row of β's output: a coefficient, or a figure of the fit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Term {
    Alpha,
    Beta,
    R2,
    N,
    Speed,
    HalfLife,
}

impl Term {
    /// Every term, in SPEC's order.
    pub const ALL: [Term; 6] = [Term::Alpha, Term::Beta, Term::R2, Term::N, Term::Speed, Term::HalfLife];

    /// The machine name in the `term` column.
    pub fn as_str(self) -> &'static str {
        match self {
            Term::Alpha => "alpha",
            Term::Beta => "beta",
            Term::R2 => "r2",
            Term::N => "n",
            Term::Speed => "speed",
            Term::HalfLife => "half_life",
        }
    }

    /// The coefficient of a fit this term is, if it is one.
    fn coefficient(self, fit: &Fit) -> Option<&Coefficient> {
        match self {
            Term::Alpha => Some(&fit.alpha),
            Term::Beta => Some(&fit.beta),
            _ => None,
        }
    }

    /// The value in `estimate`.
    fn estimate<'a>(self, fit: &Fit) -> Value<'a> {
        match self {
            Term::Alpha | Term::Beta => Value::num(self.coefficient(fit).and_then(|c| c.estimate)),
            Term::R2 => Value::num(fit.r2),
            Term::N => Value::Int(fit.n),
            Term::Speed => Value::num(fit.speed),
            Term::HalfLife => Value::num(fit.half_life),
        }
    }
}

/// One output row of a part: indices into the part's data (0-based; the
/// outputs show classes and boundaries 1-based).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Row {
    /// density: a period's density at grid point `point`.
    Density { period: usize, point: usize },
    /// markov: the transitions from class `from` to class `to`.
    Transition { from: usize, to: usize },
    /// markov: π_k.
    Steady(usize),
    /// markov: b_k.
    Boundary(usize),
    /// sigma: a period.
    Sigma(usize),
    /// beta: a term of the overall fit (`group` None) or of a group's.
    Beta { group: Option<usize>, term: Term },
}

/// The rows of `part`, in the order SPEC gives (none when the part was not
/// computed).
pub fn rows(dynamics: &Dynamics, part: Part) -> Vec<Row> {
    let mut out = Vec::new();
    match part {
        Part::Density => {
            for (p, period) in dynamics.density.iter().flat_map(|d| d.periods.iter().enumerate()) {
                let points = dynamics
                    .density
                    .as_ref()
                    .map_or(0, |d| d.x.len().min(period.density.len()));
                out.extend((0..points).map(|point| Row::Density { period: p, point }));
            }
        }
        Part::Markov => {
            if let Some(m) = &dynamics.markov {
                let k = m.counts.len();
                for from in 0..k {
                    out.extend((0..k).map(|to| Row::Transition { from, to }));
                }
                out.extend((0..m.steady.as_ref().map_or(0, Vec::len)).map(Row::Steady));
                out.extend((0..m.boundaries.len()).map(Row::Boundary));
            }
        }
        Part::Sigma => out.extend((0..dynamics.sigma.as_ref().map_or(0, |s| s.periods.len())).map(Row::Sigma)),
        Part::Beta => {
            if let Some(b) = &dynamics.beta {
                let fits = std::iter::once(None).chain((0..b.groups.len()).map(Some));
                for group in fits {
                    out.extend(Term::ALL.iter().map(|&term| Row::Beta { group, term }));
                }
            }
        }
    }
    out
}

/// The rows of `part` and their columns, headed in `lang`.
pub fn listing(dynamics: &Dynamics, part: Part, lang: Lang) -> Listing<'_, Row> {
    let mut l = Listing::new(lang, rows(dynamics, part));
    match part {
        Part::Density => density_fields(&mut l, dynamics),
        Part::Markov => markov_fields(&mut l, dynamics),
        Part::Sigma => sigma_fields(&mut l, dynamics),
        Part::Beta => beta_fields(&mut l, dynamics),
    }
    l
}

fn density_fields<'a>(l: &mut Listing<'a, Row>, dynamics: &'a Dynamics) {
    let d = dynamics.density.as_ref();
    let at = move |r: Row| match r {
        Row::Density { period, point } => {
            d.and_then(|d| Some((d.periods.get(period)?, d.x.get(point).copied()?, point)))
        }
        _ => None,
    };
    l.push(Field::new(
        "period",
        Words::new("period", "时期"),
        Kind::Text,
        move |r: Row| Value::text(at(r).map(|(p, _, _)| p.label.as_str())),
    ));
    l.push(Field::new("x", "x", Kind::Score, move |r: Row| {
        Value::num(at(r).map(|(_, x, _)| x))
    }));
    l.push(Field::new(
        "density",
        Words::new("density", "密度"),
        Kind::Raw,
        move |r: Row| Value::num(at(r).and_then(|(p, _, i)| p.density.get(i).copied())),
    ));
}

fn markov_fields<'a>(l: &mut Listing<'a, Row>, dynamics: &'a Dynamics) {
    let m = dynamics.markov.as_ref();
    l.push(Field::new(
        "from_class",
        Words::new("from class", "期初类别"),
        Kind::Text,
        |r: Row| match r {
            Row::Transition { from, .. } => Value::Int(from + 1),
            Row::Steady(_) => Value::str("steady"),
            Row::Boundary(_) => Value::str("boundary"),
            _ => Value::Empty,
        },
    ));
    l.push(Field::new(
        "to_class",
        Words::new("to class", "期末类别"),
        Kind::Int,
        |r: Row| match r {
            Row::Transition { to: k, .. } | Row::Steady(k) | Row::Boundary(k) => Value::Int(k + 1),
            _ => Value::Empty,
        },
    ));
    l.push(Field::new(
        "count",
        Words::new("count", "转移次数"),
        Kind::Int,
        move |r: Row| match r {
            Row::Transition { from, to } => {
                let count = m.and_then(|m| m.counts.get(from)?.get(to).copied());
                Value::int(count.and_then(|c| usize::try_from(c).ok()))
            }
            _ => Value::Empty,
        },
    ));
    l.push(Field::new(
        "probability",
        Words::new("probability", "概率"),
        Kind::Raw,
        move |r: Row| {
            let value = m.and_then(|m| match r {
                Row::Transition { from, to } => m.probabilities.get(from)?.get(to).copied(),
                Row::Steady(k) => m.steady.as_ref()?.get(k).copied(),
                Row::Boundary(k) => m.boundaries.get(k).copied(),
                _ => None,
            });
            Value::num(value)
        },
    ));
}

/// One of a period's σ figures.
type SigmaFigure = fn(&crate::dynamics::sigma::SigmaRow) -> Option<f64>;

/// One of a coefficient's figures (standard error, t, p).
type CoefficientFigure = fn(&Coefficient) -> Option<f64>;

fn sigma_fields<'a>(l: &mut Listing<'a, Row>, dynamics: &'a Dynamics) {
    let s = dynamics.sigma.as_ref();
    let row = move |r: Row| match r {
        Row::Sigma(p) => s.and_then(|s| s.periods.get(p)),
        _ => None,
    };
    l.push(Field::new(
        "period",
        Words::new("period", "时期"),
        Kind::Text,
        move |r: Row| Value::text(row(r).map(|p| p.label.as_str())),
    ));
    l.push(Field::new("n", "n", Kind::Int, move |r: Row| {
        Value::int(row(r).map(|p| p.n))
    }));
    let figures: [(&str, Words, Kind, SigmaFigure); 4] = [
        ("mean", Words::new("mean", "均值"), Kind::Score, |p| p.mean),
        ("sd", Words::new("sd", "标准差"), Kind::Score, |p| p.sd),
        ("cv", Words::new("CV", "变异系数"), Kind::Index, |p| p.cv),
        (
            "sd_log",
            Words::new("sd of ln y", "对数标准差"),
            Kind::Index,
            |p| p.sd_log,
        ),
    ];
    for (key, title, kind, get) in figures {
        l.push(Field::new(key, title, kind, move |r: Row| {
            Value::num(row(r).and_then(get))
        }));
    }
}

fn beta_fields<'a>(l: &mut Listing<'a, Row>, dynamics: &'a Dynamics) {
    let b = dynamics.beta.as_ref();
    let fit = move |group: Option<usize>| match group {
        None => b.map(|b| &b.overall),
        Some(g) => b.and_then(|b| b.groups.get(g)).map(|(_, f)| f),
    };
    if b.is_some_and(|b| !b.groups.is_empty()) {
        l.push(Field::new(
            "group",
            Words::new("group", "组"),
            Kind::Text,
            move |r: Row| match r {
                Row::Beta { group: Some(g), .. } => {
                    Value::text(b.and_then(|b| b.groups.get(g)).map(|(n, _)| n.as_str()))
                }
                _ => Value::Empty,
            },
        ));
    }
    l.push(Field::new(
        "term",
        Words::new("term", "项"),
        Kind::Text,
        |r: Row| match r {
            Row::Beta { term, .. } => Value::str(term.as_str()),
            _ => Value::Empty,
        },
    ));
    l.push(Field::new(
        "estimate",
        Words::new("estimate", "估计值"),
        Kind::Raw,
        move |r: Row| match r {
            Row::Beta { group, term } => fit(group).map_or(Value::Empty, |f| term.estimate(f)),
            _ => Value::Empty,
        },
    ));
    let figures: [(&str, Words, CoefficientFigure); 3] = [
        ("std_error", Words::new("std. error", "标准误"), |c| c.std_error),
        ("t", Words::same("t"), |c| c.t),
        ("p", Words::same("p"), |c| c.p),
    ];
    for (key, title, get) in figures {
        l.push(Field::new(key, title, Kind::Raw, move |r: Row| match r {
            Row::Beta { group, term } => Value::num(fit(group).and_then(|f| term.coefficient(f)).and_then(get)),
            _ => Value::Empty,
        }));
    }
}

/// `dynamics`' result in every format.
pub struct DynamicsView<'a> {
    dynamics: &'a Dynamics,
    /// The part CSV, JSON Lines and markdown show (`--part`).
    part: Part,
    rubric: &'a Rubric,
    tables: Vec<&'a Table>,
    /// What is analysed: `score`, or a dimension's id (`--of`).
    of: &'a str,
    /// The group column of β's clubs (`--by`); `None` without groups.
    by: Option<&'a str>,
    listing: Listing<'a, Row>,
}

impl<'a> DynamicsView<'a> {
    /// The view of `dynamics`, showing `part` in CSV and markdown, of the
    /// values of `of` (`score` or a dimension's id), β by the groups of
    /// column `by`, read from `tables` with `rubric`.
    pub fn new(
        dynamics: &'a Dynamics,
        part: Part,
        rubric: &'a Rubric,
        tables: &[&'a Table],
        of: &'a str,
        by: Option<&'a str>,
    ) -> DynamicsView<'a> {
        DynamicsView {
            dynamics,
            part,
            rubric,
            tables: tables.to_vec(),
            of,
            by,
            listing: listing(dynamics, part, rubric.lang()),
        }
    }

    /// What is analysed as people read it: the dimension's name, or the
    /// overall score.
    fn of_name(&self) -> &str {
        let lang = self.rubric.lang();
        match self.rubric.dimensions.iter().find(|d| d.id == self.of) {
            Some(d) => &d.name,
            None => lang.pick("the score", "总分"),
        }
    }

    /// The first line: the rubric and what is analysed.
    fn heading(&self) -> String {
        let (name, of) = (&self.rubric.name, self.of_name());
        self.rubric
            .lang()
            .pick(format!("{name}: dynamics of {of}"), format!("{name}：{of}的分布动态"))
    }
}

impl<'a> View<'a> for DynamicsView<'a> {
    type Key = Row;

    fn listing(&self) -> &Listing<'a, Row> {
        &self.listing
    }

    /// The header, `of` and `by`, then every part (`null` when not
    /// computed) and the warnings.
    fn json(&self) -> serde_json::Value {
        let mut doc = super::json::header(&self.tables, self.rubric);
        doc.insert("of".into(), json!(self.of));
        doc.insert("by".into(), json!(self.by));
        let d = self.dynamics;
        doc.insert("density".into(), d.density.as_ref().map_or(json!(null), density_json));
        doc.insert("markov".into(), d.markov.as_ref().map_or(json!(null), markov_json));
        doc.insert("sigma".into(), d.sigma.as_ref().map_or(json!(null), sigma_json));
        doc.insert("beta".into(), d.beta.as_ref().map_or(json!(null), beta_json));
        doc.insert("warnings".into(), json!(d.warnings));
        serde_json::Value::Object(doc)
    }

    fn text(&self, layout: Layout) -> String {
        people::text(self.dynamics, self.rubric.lang(), &self.heading(), self.by, layout)
    }

    fn people(&self) -> Sheet {
        for_reading(self.listing.sheet())
    }

    /// The heading, the part's name, and its table.
    fn markdown(&self) -> String {
        use super::markdown::{escape, render};
        let lang = self.rubric.lang();
        format!(
            "# {}\n\n## {}\n\n{}",
            escape(&self.heading()),
            escape(people::part_title(self.part, lang)),
            render(&self.people())
        )
    }

    /// A sheet per computed part, named by its key.
    fn workbook(&self) -> Vec<(String, Sheet)> {
        let d = self.dynamics;
        let computed = [
            d.density.is_some(),
            d.markov.is_some(),
            d.sigma.is_some(),
            d.beta.is_some(),
        ];
        Part::ALL
            .iter()
            .zip(computed)
            .filter(|(_, computed)| *computed)
            .map(|(&part, _)| (part.key().to_string(), listing(d, part, self.rubric.lang()).sheet()))
            .collect()
    }
}

/// `sheet` as people read it in markdown: raw numbers (densities,
/// probabilities, coefficients) with four significant digits (0.3333,
/// 0.02, 55.2, 1); the other
/// kinds as [`Cell::human`] rounds them.
fn for_reading(mut sheet: Sheet) -> Sheet {
    let raw: Vec<bool> = sheet.columns.iter().map(|c| c.kind == Kind::Raw).collect();
    for row in &mut sheet.rows {
        for (cell, &raw) in row.iter_mut().zip(&raw) {
            if let (Cell::Num(x), true) = (&*cell, raw) {
                *cell = Cell::Text(significant(*x, 4));
            }
        }
    }
    sheet
}

/// `x` with `digits` significant digits, without trailing zeros (never in
/// exponent form, at most 12 decimals).
pub(crate) fn significant(x: f64, digits: usize) -> String {
    if x == 0.0 || !x.is_finite() {
        return crate::util::lossless(x);
    }
    let magnitude = x.abs().log10().floor() as i64;
    let decimals = (digits as i64 - 1 - magnitude).clamp(0, 12) as usize;
    without_trailing_zeros(crate::util::rounded(x, decimals))
}

/// A number's text without the zeros that end its decimals (55.20 is 55.2,
/// 40.00 is 40).
pub(crate) fn without_trailing_zeros(s: String) -> String {
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s
    }
}

fn density_json(d: &crate::dynamics::density::Density) -> serde_json::Value {
    let periods: Vec<serde_json::Value> = d
        .periods
        .iter()
        .map(|p| {
            let peaks: Vec<serde_json::Value> = p.peaks.iter().map(|(x, f)| json!({ "x": x, "density": f })).collect();
            json!({
                "period": p.label, "n": p.n, "bandwidth": p.bandwidth,
                "density": p.density, "peaks": peaks,
            })
        })
        .collect();
    json!({ "x": d.x, "periods": periods })
}

fn markov_json(m: &crate::dynamics::markov::Markov) -> serde_json::Value {
    let empty_rows: Vec<usize> = m.empty_rows.iter().map(|k| k + 1).collect();
    json!({
        "classes": m.counts.len(), "boundaries": m.boundaries, "from_cuts": m.from_cuts,
        "counts": m.counts, "probabilities": m.probabilities, "empty_rows": empty_rows,
        "initial": m.initial, "steady": m.steady,
    })
}

fn sigma_json(s: &crate::dynamics::sigma::Sigma) -> serde_json::Value {
    let periods: Vec<serde_json::Value> = s
        .periods
        .iter()
        .map(|p| {
            json!({
                "period": p.label, "n": p.n, "mean": p.mean, "sd": p.sd, "cv": p.cv, "sd_log": p.sd_log,
            })
        })
        .collect();
    json!({
        "periods": periods, "cv_falls": s.cv_falls, "cv_falls_every_period": s.cv_falls_every_period,
    })
}

fn fit_json(fit: &Fit) -> serde_json::Value {
    let coefficient = |c: &Coefficient| json!({ "estimate": c.estimate, "std_error": c.std_error, "t": c.t, "p": c.p });
    json!({
        "n": fit.n, "alpha": coefficient(&fit.alpha), "beta": coefficient(&fit.beta),
        "r2": fit.r2, "speed": fit.speed, "half_life": fit.half_life,
    })
}

fn beta_json(b: &crate::dynamics::beta::Beta) -> serde_json::Value {
    let groups: Vec<serde_json::Value> = b
        .groups
        .iter()
        .map(|(name, fit)| {
            let mut object = serde_json::Map::new();
            object.insert("group".into(), json!(name));
            if let serde_json::Value::Object(figures) = fit_json(fit) {
                object.extend(figures);
            }
            serde_json::Value::Object(object)
        })
        .collect();
    json!({ "span": b.span, "overall": fit_json(&b.overall), "groups": groups })
}
