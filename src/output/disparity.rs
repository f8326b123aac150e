//! The disparity's layout (SPEC "Disparity: `disparity`"): the tidy rows
//! `period, measure, group, other_group, value` from which CSV, JSON Lines
//! and the workbook are made, the nested JSON document, and the per-period
//! tables people read (overall figures, groups, the G_jh and D_jh
//! matrices).

use super::listing::{Field, Listing, Value};
use super::{Cell, Column, Kind, Layout, Sheet, View};
use crate::disparity::panel::{PanelDisparity, PeriodDisparity};
use crate::disparity::{Disparity, GroupFigures, Theil};
use crate::input::Table;
use crate::lang::{Lang, Words};
use crate::rubric::Rubric;
use serde_json::json;

mod people;
#[cfg(test)]
mod tests;

/// What a tidy row holds, in SPEC's order (the order of the rows of a
/// period).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Measure {
    N,
    Missing,
    Mean,
    Cv,
    Gini,
    GiniWithin,
    GiniBetween,
    GiniTransvariation,
    ShareWithin,
    ShareBetween,
    ShareTransvariation,
    GiniGroup,
    GiniPair,
    Affluence,
    TheilT,
    TheilTWithin,
    TheilTBetween,
    TheilL,
    TheilLWithin,
    TheilLBetween,
}

impl Measure {
    /// The machine name in the `measure` column.
    pub fn as_str(self) -> &'static str {
        match self {
            Measure::N => "n",
            Measure::Missing => "missing",
            Measure::Mean => "mean",
            Measure::Cv => "cv",
            Measure::Gini => "gini",
            Measure::GiniWithin => "gini_within",
            Measure::GiniBetween => "gini_between",
            Measure::GiniTransvariation => "gini_transvariation",
            Measure::ShareWithin => "share_within",
            Measure::ShareBetween => "share_between",
            Measure::ShareTransvariation => "share_transvariation",
            Measure::GiniGroup => "gini_group",
            Measure::GiniPair => "gini_pair",
            Measure::Affluence => "affluence",
            Measure::TheilT => "theil_t",
            Measure::TheilTWithin => "theil_t_within",
            Measure::TheilTBetween => "theil_t_between",
            Measure::TheilL => "theil_l",
            Measure::TheilLWithin => "theil_l_within",
            Measure::TheilLBetween => "theil_l_between",
        }
    }
}

/// A figure's value: a count, a number, or none (the figure does not exist).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Figure {
    None,
    Int(usize),
    Num(f64),
}

impl Figure {
    fn num(x: Option<f64>) -> Figure {
        x.map_or(Figure::None, Figure::Num)
    }

    fn value<'a>(self) -> Value<'a> {
        match self {
            Figure::None => Value::Empty,
            Figure::Int(v) => Value::Int(v),
            Figure::Num(v) => Value::Num(v),
        }
    }

    fn json(self) -> serde_json::Value {
        self.value().json()
    }
}

/// One tidy row: indices into the panel's periods and groups.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Row {
    pub period: usize,
    pub measure: Measure,
    /// The group (the richer one of a pair), as an index into
    /// [`PanelDisparity::groups`].
    pub group: Option<usize>,
    /// The poorer group of a pair.
    pub other: Option<usize>,
    pub value: Figure,
}

/// One of the Theil figures.
pub(super) type TheilFigure = fn(&Theil) -> f64;

/// A period's group in panel order: its panel index and figures, and G_jj.
pub(super) struct GroupRow<'p> {
    pub group: usize,
    pub figures: &'p GroupFigures,
    pub gini: Option<f64>,
}

/// A pair of a period's groups: the richer and the poorer (panel
/// indices), G_jh and D_jh.
pub(super) struct PairRow {
    pub richer: usize,
    pub poorer: usize,
    pub gini: Option<f64>,
    pub affluence: Option<f64>,
}

/// A period's groups in the panel's order, and its pairs ordered by the
/// richer group's position, then the poorer's. Without Dagum's figures
/// (negative values), the pairs are still every pair, the richer by its
/// mean, without values.
pub(super) fn ordered<'p>(period: &PeriodDisparity, f: &'p Disparity) -> (Vec<GroupRow<'p>>, Vec<PairRow>) {
    let panel_of = |local: usize| period.panel_group(local);
    let dagum = f.dagum.as_ref();
    let mut groups: Vec<GroupRow> = f
        .groups
        .iter()
        .enumerate()
        .filter_map(|(l, figures)| {
            Some(GroupRow {
                group: panel_of(l)?,
                figures,
                gini: dagum.and_then(|d| d.group_gini.get(l).copied()),
            })
        })
        .collect();
    groups.sort_by_key(|g| g.group);
    let mut pairs: Vec<PairRow> = match dagum {
        Some(d) => d
            .pairs
            .iter()
            .filter_map(|p| {
                Some(PairRow {
                    richer: panel_of(p.richer)?,
                    poorer: panel_of(p.poorer)?,
                    gini: Some(p.gini),
                    affluence: Some(p.affluence),
                })
            })
            .collect(),
        None => {
            let mut out = Vec::new();
            for (a, ga) in f.groups.iter().enumerate() {
                for (b, gb) in f.groups.iter().enumerate().skip(a + 1) {
                    let (j, h) = if gb.mean > ga.mean { (b, a) } else { (a, b) };
                    if let (Some(richer), Some(poorer)) = (panel_of(j), panel_of(h)) {
                        out.push(PairRow {
                            richer,
                            poorer,
                            gini: None,
                            affluence: None,
                        });
                    }
                }
            }
            out
        }
    };
    pairs.sort_by_key(|p| (p.richer, p.poorer));
    (groups, pairs)
}

/// Every tidy row of the panel, periods in panel order (SPEC's order of
/// measures; see the module's tests).
pub fn rows(panel: &PanelDisparity) -> Vec<Row> {
    let mut out = Vec::new();
    for (p, period) in panel.periods.iter().enumerate() {
        period_rows(p, period, panel.grouped, &mut out);
    }
    out
}

fn period_rows(p: usize, period: &PeriodDisparity, grouped: bool, out: &mut Vec<Row>) {
    let mut push = |measure, group: Option<usize>, other: Option<usize>, value| {
        out.push(Row {
            period: p,
            measure,
            group,
            other,
            value,
        });
    };
    let Some(f) = &period.figures else {
        push(Measure::N, None, None, Figure::Int(0));
        if period.missing > 0 {
            push(Measure::Missing, None, None, Figure::Int(period.missing));
        }
        return;
    };
    let (groups, pairs) = if grouped {
        ordered(period, f)
    } else {
        (Vec::new(), Vec::new())
    };
    push(Measure::N, None, None, Figure::Int(f.n));
    for g in &groups {
        push(Measure::N, Some(g.group), None, Figure::Int(g.figures.n));
    }
    if period.missing > 0 {
        push(Measure::Missing, None, None, Figure::Int(period.missing));
    }
    push(Measure::Mean, None, None, Figure::Num(f.mean));
    for g in &groups {
        push(Measure::Mean, Some(g.group), None, Figure::Num(g.figures.mean));
    }
    push(Measure::Cv, None, None, Figure::num(f.cv));
    for g in &groups {
        push(Measure::Cv, Some(g.group), None, Figure::num(g.figures.cv));
    }
    let dagum = f.dagum.as_ref();
    push(Measure::Gini, None, None, Figure::num(dagum.map(|d| d.gini)));
    let theil = f.theil.as_ref().ok();
    let theil_row = |get: TheilFigure| Figure::num(theil.map(get));
    if !grouped {
        push(Measure::TheilT, None, None, theil_row(|t| t.t));
        push(Measure::TheilL, None, None, theil_row(|t| t.l));
        return;
    }
    let parts = [
        (Measure::GiniWithin, dagum.map(|d| d.within)),
        (Measure::GiniBetween, dagum.map(|d| d.between)),
        (Measure::GiniTransvariation, dagum.map(|d| d.transvariation)),
    ];
    let shares = dagum.and_then(|d| d.shares);
    let share_rows = [
        (Measure::ShareWithin, shares.map(|s| s.within)),
        (Measure::ShareBetween, shares.map(|s| s.between)),
        (Measure::ShareTransvariation, shares.map(|s| s.transvariation)),
    ];
    for (measure, value) in parts.into_iter().chain(share_rows) {
        push(measure, None, None, Figure::num(value));
    }
    for g in &groups {
        push(Measure::GiniGroup, Some(g.group), None, Figure::num(g.gini));
    }
    for pair in &pairs {
        push(
            Measure::GiniPair,
            Some(pair.richer),
            Some(pair.poorer),
            Figure::num(pair.gini),
        );
    }
    for pair in &pairs {
        push(
            Measure::Affluence,
            Some(pair.richer),
            Some(pair.poorer),
            Figure::num(pair.affluence),
        );
    }
    let theil_rows: [(Measure, TheilFigure); 6] = [
        (Measure::TheilT, |t| t.t),
        (Measure::TheilTWithin, |t| t.t_within),
        (Measure::TheilTBetween, |t| t.t_between),
        (Measure::TheilL, |t| t.l),
        (Measure::TheilLWithin, |t| t.l_within),
        (Measure::TheilLBetween, |t| t.l_between),
    ];
    for (measure, get) in theil_rows {
        push(measure, None, None, theil_row(get));
    }
}

/// The tidy rows' columns: `period, measure, group, other_group, value`.
pub fn listing<'a>(panel: &'a PanelDisparity, lang: Lang) -> Listing<'a, Row> {
    let mut l = Listing::new(lang, rows(panel));
    let group = move |g: Option<usize>| Value::text(g.and_then(|g| panel.group_name(g)));
    l.push(Field::new(
        "period",
        Words::new("period", "时期"),
        Kind::Text,
        move |r: Row| Value::text(panel.periods.get(r.period).map(|p| p.label.as_str())),
    ));
    l.push(Field::new(
        "measure",
        Words::new("measure", "指标"),
        Kind::Text,
        |r: Row| Value::str(r.measure.as_str()),
    ));
    l.push(Field::new(
        "group",
        Words::new("group", "组"),
        Kind::Text,
        move |r: Row| group(r.group),
    ));
    l.push(Field::new(
        "other_group",
        Words::new("other group", "对比组"),
        Kind::Text,
        move |r: Row| group(r.other),
    ));
    l.push(Field::new(
        "value",
        Words::new("value", "数值"),
        Kind::Raw,
        |r: Row| r.value.value(),
    ));
    l
}

/// `disparity`'s result in every format.
pub struct DisparityView<'a> {
    panel: &'a PanelDisparity,
    rubric: &'a Rubric,
    tables: Vec<&'a Table>,
    /// What is measured: `score`, or a dimension's id (`--of`).
    of: &'a str,
    /// The group column (`--by`, or the rubric's group column); `None`
    /// without groups.
    by: Option<&'a str>,
    listing: Listing<'a, Row>,
}

impl<'a> DisparityView<'a> {
    /// The view of `panel`, the figures of `of` (`score` or a dimension's
    /// id) by the groups of column `by`, read from `tables` with `rubric`.
    pub fn new(
        panel: &'a PanelDisparity,
        rubric: &'a Rubric,
        tables: &[&'a Table],
        of: &'a str,
        by: Option<&'a str>,
    ) -> DisparityView<'a> {
        DisparityView {
            panel,
            rubric,
            tables: tables.to_vec(),
            of,
            by,
            listing: listing(panel, rubric.lang()),
        }
    }

    /// What is measured as people read it: the dimension's name, or the
    /// overall score.
    fn of_name(&self) -> &str {
        let lang = self.rubric.lang();
        match self.rubric.dimensions.iter().find(|d| d.id == self.of) {
            Some(d) => &d.name,
            None => lang.pick("the score", "总分"),
        }
    }
}

impl<'a> View<'a> for DisparityView<'a> {
    type Key = Row;

    fn listing(&self) -> &Listing<'a, Row> {
        &self.listing
    }

    /// The header, then per period its figures nested.
    fn json(&self) -> serde_json::Value {
        let mut doc = super::json::header(&self.tables, self.rubric);
        doc.insert("of".into(), json!(self.of));
        doc.insert("by".into(), json!(self.by));
        doc.insert("groups".into(), json!(self.panel.groups));
        let periods: Vec<serde_json::Value> = self.panel.periods.iter().map(|p| period_json(self.panel, p)).collect();
        doc.insert("periods".into(), serde_json::Value::Array(periods));
        serde_json::Value::Object(doc)
    }

    fn text(&self, layout: Layout) -> String {
        people::text(self.panel, self.rubric.lang(), &self.heading(), self.by, layout)
    }

    fn markdown(&self) -> String {
        people::markdown(self.panel, self.rubric.lang(), &self.heading(), self.by)
    }

    fn workbook(&self) -> Vec<(String, Sheet)> {
        vec![("disparity".into(), self.listing.sheet())]
    }
}

impl DisparityView<'_> {
    /// The first line: the rubric, what is measured and by which groups.
    fn heading(&self) -> String {
        let (name, of) = (&self.rubric.name, self.of_name());
        match (self.rubric.lang().is_chinese(), self.by) {
            (true, Some(by)) => format!("{name}：{of}的差距（按 {by} 分组）"),
            (true, None) => format!("{name}：{of}的差距"),
            (false, Some(by)) => format!("{name}: disparity of {of} by {by}"),
            (false, None) => format!("{name}: disparity of {of}"),
        }
    }
}

/// One period as the JSON document nests it.
fn period_json(panel: &PanelDisparity, period: &PeriodDisparity) -> serde_json::Value {
    let name = |g: usize| json!(panel.group_name(g));
    let Some(f) = &period.figures else {
        return json!({
            "period": period.label, "n": 0, "missing": period.missing,
            "mean": null, "cv": null, "gini": null, "theil": null, "groups": [], "pairs": [],
        });
    };
    let grouped = panel.grouped;
    let part = |x: f64| if grouped { json!(x) } else { serde_json::Value::Null };
    let gini = f.dagum.as_ref().map(|d| {
        let shares = d
            .shares
            .filter(|_| grouped)
            .map(|s| json!({ "within": s.within, "between": s.between, "transvariation": s.transvariation }));
        json!({
            "overall": d.gini, "within": part(d.within), "between": part(d.between),
            "transvariation": part(d.transvariation), "shares": shares,
        })
    });
    let theil = f.theil.as_ref().ok().map(|t| {
        json!({
            "t": t.t, "t_within": part(t.t_within), "t_between": part(t.t_between),
            "l": t.l, "l_within": part(t.l_within), "l_between": part(t.l_between),
        })
    });
    let (groups, pairs) = if grouped {
        ordered(period, f)
    } else {
        (Vec::new(), Vec::new())
    };
    let groups: Vec<serde_json::Value> = groups
        .iter()
        .map(|g| {
            json!({
                "group": name(g.group), "n": g.figures.n, "mean": g.figures.mean,
                "cv": Figure::num(g.figures.cv).json(), "gini": Figure::num(g.gini).json(),
            })
        })
        .collect();
    let pairs: Vec<serde_json::Value> = pairs
        .iter()
        .map(|p| {
            json!({
                "group": name(p.richer), "other_group": name(p.poorer),
                "gini": Figure::num(p.gini).json(), "affluence": Figure::num(p.affluence).json(),
            })
        })
        .collect();
    json!({
        "period": period.label, "n": f.n, "missing": period.missing,
        "mean": Figure::Num(f.mean).json(), "cv": Figure::num(f.cv).json(),
        "gini": gini, "theil": theil, "groups": groups, "pairs": pairs,
    })
}

/// A column of the people's tables: `Raw` for numbers already formatted
/// (right-aligned), `Text` for names.
pub(super) fn column(title: impl Into<Words>, kind: Kind) -> Column {
    let title: Words = title.into();
    Column::new(title.en.clone(), title, kind)
}

/// A formatted number as a right-aligned cell; empty for none.
pub(super) fn number(x: Option<f64>, decimals: usize) -> Cell {
    x.map_or(Cell::Empty, |x| Cell::Text(crate::util::rounded(x, decimals)))
}
