//! The spatial statistics' layout (SPEC "Spatial: `spatial`"): the rows
//! from which CSV, JSON Lines and the workbook are made, the nested JSON
//! document, and the per-period tables people read (in `people`).
//!
//! Two listings of [`Row`]s, each with its columns declared once:
//! - units (the default): `period, id, label?, value, lag, local_i, p_sim,
//!   quadrant, cluster`, a row per unit with a value and period; an
//!   island's `local_i`, `p_sim`, `quadrant` and `cluster` are empty, as
//!   are every unit's in a period without statistics;
//! - global (`--global`): `period, n, moran_i, expected_i, variance_norm,
//!   z_norm, p_norm, p_sim, permutations`, a row per period; a period
//!   without statistics has only `period` and `n`.
//!
//! The JSON document nests both per period: `global` (the global row's
//! keys, or null) and `units` (the unit rows' keys), so its keys are the
//! CSV's.

use super::listing::{Field, Listing, Value};
use super::{Kind, Layout, Sheet, View};
use crate::input::Table;
use crate::lang::{Lang, Words};
use crate::rubric::Rubric;
use crate::spatial::{GlobalMoran, LocalMoran, Period};
use serde_json::json;

mod people;
#[cfg(test)]
mod tests;

/// One output row: indices into the periods and their units.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Row {
    /// A period's global figures.
    Global(usize),
    /// A unit of a period: its position in [`Period::units`] (and in the
    /// period's [`crate::spatial::Moran::units`]).
    Unit { period: usize, unit: usize },
}

/// A row per unit with a value, periods in order, units in the data's.
pub fn unit_rows(periods: &[Period]) -> Vec<Row> {
    periods
        .iter()
        .enumerate()
        .flat_map(|(period, p)| (0..p.units.len()).map(move |unit| Row::Unit { period, unit }))
        .collect()
}

/// A row per period.
pub fn global_rows(periods: &[Period]) -> Vec<Row> {
    (0..periods.len()).map(Row::Global).collect()
}

/// What a unit row reads: its period, its index in the period's table, its
/// value and its local statistics (`None` if missing).
struct UnitAt<'a> {
    period: &'a Period,
    table: Option<&'a Table>,
    index: usize,
    value: f64,
    local: Option<&'a LocalMoran>,
}

fn unit_at<'a>(periods: &'a [Period], tables: &[&'a Table], r: Row) -> Option<UnitAt<'a>> {
    let Row::Unit { period, unit } = r else { return None };
    let p = periods.get(period)?;
    let &(index, value) = p.units.get(unit)?;
    Some(UnitAt {
        period: p,
        table: tables.get(period).copied().filter(|t| index < t.len()),
        index,
        value,
        local: p.moran.units.get(unit),
    })
}

/// One of a unit's local figures.
type LocalFigure<'a> = fn(&LocalMoran) -> Value<'a>;

/// The unit rows' columns, headed in `lang`: the id and label columns are
/// titled by the rubric's names for them; the label is shown only when the
/// rubric has a label column (JSON always has it).
pub fn unit_listing<'a>(periods: &'a [Period], tables: &[&'a Table], rubric: &'a Rubric) -> Listing<'a, Row> {
    let mut l = Listing::new(rubric.lang(), unit_rows(periods));
    let tables: Vec<&'a Table> = tables.to_vec();
    let at = move |r: Row| unit_at(periods, &tables, r);
    let at = std::sync::Arc::new(at);
    let local = {
        let at = at.clone();
        move |r: Row, get: LocalFigure<'a>| at(r).and_then(|u| u.local.map(get)).unwrap_or(Value::Empty)
    };
    let local = std::sync::Arc::new(local);
    let get = at.clone();
    l.push(Field::new(
        "period",
        Words::new("period", "时期"),
        Kind::Text,
        move |r: Row| Value::text(get(r).map(|u| u.period.label.as_str())),
    ));
    let get = at.clone();
    l.push(Field::new(
        "id",
        rubric.id_column.as_str(),
        Kind::Text,
        move |r: Row| Value::text(get(r).and_then(|u| Some(u.table?.id(u.index)))),
    ));
    let get = at.clone();
    let label = rubric.label_column.as_deref().unwrap_or("label");
    l.push(
        Field::new("label", label, Kind::Text, move |r: Row| {
            Value::text(get(r).and_then(|u| u.table?.label(u.index)))
        })
        .shown_if(rubric.label_column.is_some()),
    );
    let get = at.clone();
    l.push(Field::new(
        "value",
        Words::new("value", "取值"),
        Kind::Score,
        move |r: Row| Value::num(get(r).map(|u| u.value)),
    ));
    let locals: [(&str, Words, LocalFigure<'a>); 5] = [
        ("lag", Words::new("spatial lag", "空间滞后"), |m| Value::Num(m.lag)),
        ("local_i", Words::new("local Moran's I", "局部莫兰指数"), |m| {
            Value::num(m.local_i)
        }),
        ("p_sim", Words::new("pseudo p", "伪 p 值"), |m| Value::num(m.p_sim)),
        ("quadrant", Words::new("quadrant", "象限"), |m| {
            Value::text(m.quadrant.map(|q| q.key()))
        }),
        ("cluster", Words::new("cluster", "聚类"), |m| {
            Value::text(m.cluster.map(|c| c.key()))
        }),
    ];
    for (key, title, get) in locals {
        let local = local.clone();
        let kind = if matches!(key, "quadrant" | "cluster") {
            Kind::Text
        } else {
            Kind::Raw
        };
        l.push(Field::new(key, title, kind, move |r: Row| local(r, get)));
    }
    l
}

/// The global rows' columns, headed in `lang`.
pub fn global_listing(periods: &[Period], lang: Lang) -> Listing<'_, Row> {
    let mut l = Listing::new(lang, global_rows(periods));
    let period = move |r: Row| match r {
        Row::Global(p) => periods.get(p),
        Row::Unit { .. } => None,
    };
    let global = move |r: Row| period(r).and_then(|p| p.moran.global.as_ref());
    l.push(Field::new(
        "period",
        Words::new("period", "时期"),
        Kind::Text,
        move |r: Row| Value::text(period(r).map(|p| p.label.as_str())),
    ));
    l.push(Field::new(
        "n",
        Words::new("units n", "单位数 n"),
        Kind::Int,
        move |r: Row| Value::int(period(r).map(|p| p.moran.global.as_ref().map_or(p.units.len(), |g| g.n))),
    ));
    type Figure = fn(&GlobalMoran) -> Option<f64>;
    let figures: [(&str, Words, Figure); 6] = [
        ("moran_i", Words::new("Moran's I", "莫兰指数 I"), |g| Some(g.i)),
        ("expected_i", Words::new("E[I]", "期望 E[I]"), |g| Some(g.expected)),
        (
            "variance_norm",
            Words::new("Var[I] (normality)", "方差 Var[I]（正态）"),
            |g| Some(g.variance_norm),
        ),
        ("z_norm", Words::new("z (normality)", "z 值（正态）"), |g| g.z_norm),
        ("p_norm", Words::new("p (normality)", "p 值（正态）"), |g| g.p_norm),
        ("p_sim", Words::new("p (permutations)", "p 值（置换）"), |g| {
            g.p_sim
        }),
    ];
    for (key, title, get) in figures {
        l.push(Field::new(key, title, Kind::Raw, move |r: Row| {
            Value::num(global(r).and_then(get))
        }));
    }
    l.push(Field::new(
        "permutations",
        Words::new("permutations", "置换次数"),
        Kind::Int,
        move |r: Row| Value::int(global(r).map(|g| g.permutations)),
    ));
    l
}

/// `spatial`'s result in every format.
pub struct SpatialView<'a> {
    periods: &'a [Period],
    rubric: &'a Rubric,
    tables: Vec<&'a Table>,
    /// What is tested: `score`, or a dimension's id (`--of`).
    of: &'a str,
    /// `--global`: the rows are the periods' global figures.
    global_only: bool,
    /// Where the neighbours come from, as the headings name it.
    neighbours: &'a str,
    units: Listing<'a, Row>,
    global: Listing<'a, Row>,
}

impl<'a> SpatialView<'a> {
    /// The view of `periods` (one per table of `tables`, in the same order:
    /// a period's unit indices are its table's), the statistics of `of`
    /// (`score` or a dimension's id) read with `rubric`; `global_only`
    /// (`--global`) makes the rows the periods' global figures;
    /// `neighbours` describes the neighbours' source for the headings
    /// (`villages.geojson (queen)`).
    pub fn new(
        periods: &'a [Period],
        tables: &[&'a Table],
        rubric: &'a Rubric,
        of: &'a str,
        global_only: bool,
        neighbours: &'a str,
    ) -> SpatialView<'a> {
        SpatialView {
            periods,
            rubric,
            tables: tables.to_vec(),
            of,
            global_only,
            neighbours,
            units: unit_listing(periods, tables, rubric),
            global: global_listing(periods, rubric.lang()),
        }
    }

    /// What is tested as people read it: the dimension's name, or the
    /// overall score.
    fn of_name(&self) -> &str {
        match self.rubric.dimensions.iter().find(|d| d.id == self.of) {
            Some(d) => &d.name,
            None => self.rubric.lang().pick("the score", "总分"),
        }
    }

    /// The first line: the rubric, what is tested and the neighbours.
    fn heading(&self) -> String {
        let (name, of, source) = (&self.rubric.name, self.of_name(), self.neighbours);
        self.rubric.lang().pick(
            format!("{name}: spatial autocorrelation of {of} (neighbours: {source})"),
            format!("{name}：{of}的空间自相关（邻接关系：{source}）"),
        )
    }

    /// A unit's name in sentences: its label, else its id.
    fn name(&self, period: usize, index: usize) -> String {
        let Some(table) = self.tables.get(period).filter(|t| index < t.len()) else {
            return String::new();
        };
        match table.label(index).filter(|l| !l.trim().is_empty()) {
            Some(label) => label.to_string(),
            None => table.id(index).to_string(),
        }
    }

    /// What the table and markdown show.
    fn reading(&self) -> people::People<'_> {
        people::People {
            periods: self.periods,
            lang: self.rubric.lang(),
            heading: self.heading(),
            of: self.of_name(),
            name: Box::new(|p, i| self.name(p, i)),
        }
    }
}

/// Row `i` of `listing` as a JSON object without its `period`.
fn without_period(listing: &Listing<'_, Row>, i: usize) -> serde_json::Value {
    let mut object = listing.json_object(i);
    if let Some(o) = object.as_object_mut() {
        o.shift_remove("period");
    }
    object
}

impl<'a> View<'a> for SpatialView<'a> {
    type Key = Row;

    fn listing(&self) -> &Listing<'a, Row> {
        if self.global_only { &self.global } else { &self.units }
    }

    /// The header, then per period its global figures and its units.
    fn json(&self) -> serde_json::Value {
        let mut doc = super::json::header(&self.tables, self.rubric);
        doc.insert("of".into(), json!(self.of));
        doc.insert("neighbours".into(), json!(self.neighbours));
        let mut first = 0;
        let periods: Vec<serde_json::Value> = self
            .periods
            .iter()
            .enumerate()
            .map(|(p, period)| {
                let global = match period.moran.global {
                    Some(_) => without_period(&self.global, p),
                    None => serde_json::Value::Null,
                };
                let units: Vec<serde_json::Value> = (first..first + period.units.len())
                    .map(|i| without_period(&self.units, i))
                    .collect();
                first += period.units.len();
                json!({ "period": period.label, "global": global, "units": units })
            })
            .collect();
        doc.insert("periods".into(), serde_json::Value::Array(periods));
        serde_json::Value::Object(doc)
    }

    fn text(&self, layout: Layout) -> String {
        self.reading().text(layout)
    }

    fn markdown(&self) -> String {
        self.reading().markdown()
    }

    fn workbook(&self) -> Vec<(String, Sheet)> {
        vec![
            ("global".into(), self.global.sheet()),
            ("units".into(), self.units.sheet()),
        ]
    }
}
