//! The ranking of `score` (SPEC "Command line"): its columns, declared once,
//! and the document and text around them.

use super::listing::{Field, JsonSlot, Listing, Value};
use super::{Kind, Sheet, View};
use crate::engine::{COORDINATION_GRADES, Scored};
use crate::lang::Words;
use serde_json::{Map, json};

/// Which optional column groups a ranking shows.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Detail {
    pub linkages: bool,
    pub indicators: bool,
    pub obstacles: bool,
}

/// The ids of the (up to) three indicators with the largest positive
/// obstacle degree for unit `u`, largest first (ties in rubric order).
pub fn top_obstacles(scored: &Scored, u: usize) -> Vec<usize> {
    largest_three(crate::engine::obstacles(scored, u))
}

/// The indices of the (up to) three largest positive degrees, largest
/// first, ties in index order: what a stable sort by degree, descending,
/// puts first. Kept as they come (a report takes this for a million units;
/// sorting each unit's forty degrees was a sixth of its time): a later
/// index passes a kept one only with a strictly larger degree.
fn largest_three(degrees: Vec<Option<f64>>) -> Vec<usize> {
    const TOP: usize = 3;
    let mut top: Vec<(usize, f64)> = Vec::with_capacity(TOP + 1);
    for (i, degree) in degrees.into_iter().enumerate() {
        let Some(degree) = degree.filter(|&o| o > 0.0) else {
            continue;
        };
        let at = top
            .iter()
            .position(|&(_, kept)| degree.total_cmp(&kept).is_gt())
            .unwrap_or(top.len());
        if at < TOP {
            top.insert(at, (i, degree));
            top.truncate(TOP);
        }
    }
    top.into_iter().map(|(i, _)| i).collect()
}

/// Which columns a terminal table too narrow for the ranking leaves out
/// first (the highest rank first, right to left among equals): the detail
/// asked for with `--detail` (indicators, linkages), coupling, the
/// dimensions, obstacles, coverage, the group's rank, the group. Rank, id,
/// label, score and grade are always shown.
mod fit {
    pub const INDICATORS: u8 = 8;
    pub const LINKAGES: u8 = 7;
    pub const COUPLING: u8 = 6;
    pub const DIMENSIONS: u8 = 5;
    pub const OBSTACLES: u8 = 4;
    pub const COVERAGE: u8 = 3;
    pub const GROUP_RANK: u8 = 2;
    pub const GROUP: u8 = 1;
}

/// The key order of a unit-period's JSON object in a panel: its period,
/// then a unit's keys (SPEC "Command line": `json`).
pub const PANEL_UNIT_KEYS: &[&str] = &[
    "period",
    "rank",
    "id",
    "label",
    "group",
    "group_rank",
    "score",
    "coverage",
    "grade",
    "dimensions",
    "linkages",
    "coupling",
    "coordination",
    "coordination_grade",
    "obstacles",
    "indicators",
];

/// The key order of a unit's JSON object (SPEC "Command line": `json`).
const UNIT_KEYS: &[&str] = PANEL_UNIT_KEYS.split_at(1).1;

/// The ranking's rows (units in rank order, the first `top`) and columns:
/// `rank, id, label?, group?, group_rank?, score, coverage?, grade?`,
/// dimensions, coupling columns, then linkages, indicators and obstacles on
/// request. JSON has label, group, grade and linkages always (null when
/// absent), dimensions, linkages and indicators as objects and obstacles
/// as a list.
pub fn listing<'a>(scored: &'a Scored<'a>, detail: Detail, top: Option<usize>) -> Listing<'a, usize> {
    columns(scored, detail, top, false)
}

/// The ranking as people read it (table, markdown, workbook): the same
/// columns, with obstacles named by the indicators' names, not their ids.
pub fn people<'a>(scored: &'a Scored<'a>, detail: Detail, top: Option<usize>) -> Listing<'a, usize> {
    columns(scored, detail, top, true)
}

/// The columns of [`listing`]; `human` names obstacles by their names.
fn columns<'a>(scored: &'a Scored<'a>, detail: Detail, top: Option<usize>, human: bool) -> Listing<'a, usize> {
    let count = top.map_or(scored.order.len(), |n| n.min(scored.order.len()));
    let rows = scored.order.get(..count).unwrap_or_default();
    let mut l = Listing::new(scored.rubric.lang(), rows);
    push_columns(&mut l, scored.rubric, move |u| (scored, u), detail, human);
    l
}

/// A field's getter for rows keyed by `K`: `at` finds a row's scored table
/// and unit, `f` reads the value. Composed generically, so each field's
/// getter is one inlined function (no call through a pointer per cell: a
/// national CSV is 16 million cells).
fn via<'a, K, T>(
    at: impl Fn(K) -> (&'a Scored<'a>, usize) + Copy + Send + Sync + 'a,
    f: impl Fn(&'a Scored<'a>, usize) -> T + Copy + Send + Sync + 'a,
) -> impl Fn(K) -> T + Copy + Send + Sync + 'a {
    move |k| {
        let (s, u) = at(k);
        f(s, u)
    }
}

/// The ranking's columns, for rows keyed by `K`: `at` gives a row's scored
/// table and unit (one period's ranking, or the rows of a panel).
pub fn push_columns<'a, K: Copy + Send + Sync + 'a>(
    l: &mut Listing<'a, K>,
    r: &'a crate::rubric::Rubric,
    at: impl Fn(K) -> (&'a Scored<'a>, usize) + Copy + Send + Sync + 'a,
    detail: Detail,
    human: bool,
) {
    l.order_json(UNIT_KEYS);
    l.always_json_objects(&["dimensions", "linkages"]);
    l.warm_with(move |keys| {
        std::hint::black_box(keys.iter().fold(0, |acc, &k| {
            let (s, u) = at(k);
            acc ^ s.touch(u)
        }));
    });
    let scaled = move |x: Option<f64>| Value::num(x.map(|v| v * r.scale));
    let rank = via(at, |s, u| Value::int(s.rank(u)));
    l.push(Field::new("rank", Words::new("rank", "排名"), Kind::Int, rank));
    let id = via(at, |s, u| Value::str(s.table.id(u)));
    l.push(Field::new("id", &r.id_column, Kind::Text, id));
    let label = r.label_column.as_deref().unwrap_or("label");
    let label_of = via(at, |s, u| Value::text(s.table.label(u)));
    l.push(Field::new("label", label, Kind::Text, label_of).shown_if(r.label_column.is_some()));
    let (group, grouped) = (r.group_column.as_deref().unwrap_or("group"), r.group_column.is_some());
    let group = Field::new(
        "group",
        group,
        Kind::Text,
        via(at, |s, u| Value::text(s.table.group(u))),
    );
    l.push(group.shown_if(grouped).fit(fit::GROUP));
    let group_rank = via(at, |s, u| Value::int(s.group_rank(u)));
    let group_rank = Field::new(
        "group_rank",
        Words::new("group rank", "组内排名"),
        Kind::Int,
        group_rank,
    );
    l.push(group_rank.shown_if(grouped).fit(fit::GROUP_RANK));
    let score = move |k| {
        let (s, u) = at(k);
        scaled(s.score(u))
    };
    l.push(Field::new("score", Words::new("score", "总分"), Kind::Score, score));
    if r.missing != crate::rubric::MissingPolicy::Error {
        let coverage = via(at, |s, u| Value::Num(s.coverage(u)));
        let title = Words::new("coverage", "数据完整率");
        l.push(Field::new("coverage", title, Kind::Share, coverage).fit(fit::COVERAGE));
    }
    let grade = move |k| {
        let (s, u) = at(k);
        Value::text(s.grade(u).and_then(|g| r.grades.get(g)).map(|g| g.name.as_str()))
    };
    l.push(Field::new("grade", Words::new("grade", "等级"), Kind::Text, grade).shown_if(!r.grades.is_empty()));
    for (d, dim) in r.dimensions.iter().enumerate() {
        let value = move |k| {
            let (s, u) = at(k);
            scaled(s.dimension(u, d))
        };
        let field = Field::new(&dim.id, &dim.name, Kind::Score, value).fit(fit::DIMENSIONS);
        l.push(field.json(JsonSlot::In("dimensions")));
    }
    if r.coupling.is_some() {
        let coupling = via(at, |s, u| Value::num(s.coupling(u).map(|c| c.coupling)));
        let coordination = via(at, |s, u| Value::num(s.coupling(u).map(|c| c.coordination)));
        let band = via(at, |s, u| {
            Value::text(s.coupling(u).and_then(|c| COORDINATION_GRADES.get(c.band).copied()))
        });
        let title = Words::new("coupling", "耦合度");
        l.push(Field::new("coupling", title, Kind::Index, coupling).fit(fit::COUPLING));
        let title = Words::new("coordination", "耦合协调度");
        l.push(Field::new("coordination", title, Kind::Index, coordination).fit(fit::COUPLING));
        let title = Words::new("coordination grade", "协调等级");
        l.push(Field::new("coordination_grade", title, Kind::Text, band).fit(fit::COUPLING));
    }
    for (k, link) in r.linkages.iter().enumerate() {
        let value = move |key| {
            let (s, u) = at(key);
            scaled(s.linkage(u, k))
        };
        let field = Field::new(&link.id, &link.name, Kind::Score, value).fit(fit::LINKAGES);
        l.push(field.shown_if(detail.linkages).json(JsonSlot::In("linkages")));
    }
    if detail.indicators {
        for (i, ind) in r.indicators.iter().enumerate() {
            let value = move |k| {
                let (s, u) = at(k);
                scaled(s.z(i, u))
            };
            let field = Field::new(&ind.id, &ind.name, Kind::Score, value).fit(fit::INDICATORS);
            l.push(field.json(JsonSlot::In("indicators")));
        }
    }
    if detail.obstacles {
        for n in 1..=3 {
            let title = Words {
                en: format!("obstacle {n}"),
                zh: format!("障碍因子{n}"),
            };
            let value = move |k| {
                let (s, u) = at(k);
                let top = top_obstacles(s, u);
                let ind = top.get(n - 1).and_then(|&i| r.indicators.get(i));
                Value::text(ind.map(|i| if human { i.name.as_str() } else { i.id.as_str() }))
            };
            let field = Field::new(format!("obstacle_{n}"), title, Kind::Text, value).fit(fit::OBSTACLES);
            l.push(field.json(JsonSlot::Item("obstacles")));
        }
    }
}

/// `score`'s result in every format.
pub struct RankingView<'a> {
    scored: &'a Scored<'a>,
    listing: Listing<'a, usize>,
    detail: Detail,
    top: Option<usize>,
}

impl<'a> RankingView<'a> {
    pub fn new(scored: &'a Scored<'a>, detail: Detail, top: Option<usize>) -> RankingView<'a> {
        RankingView {
            scored,
            listing: listing(scored, detail, top),
            detail,
            top,
        }
    }
}

impl<'a> View<'a> for RankingView<'a> {
    type Key = usize;

    fn listing(&self) -> &Listing<'a, usize> {
        &self.listing
    }

    /// The same rows with names for ids, made when a person's format asks
    /// for it (CSV never does).
    fn people(&self) -> Sheet {
        people(self.scored, self.detail, self.top).sheet()
    }

    /// The whole run: inputs, rubric, weights, missing cells, warnings,
    /// units (and the outlier treatment when the rubric asks for one).
    fn json(&self) -> serde_json::Value {
        let scored = self.scored;
        let r = scored.rubric;
        let w = &scored.weights;
        let dimensions: Map<String, serde_json::Value> = r
            .dimensions
            .iter()
            .zip(&w.dimension)
            .map(|(d, x)| (d.id.clone(), json!(x)))
            .collect();
        let indicators: Map<String, serde_json::Value> = r
            .indicators
            .iter()
            .enumerate()
            .map(|(i, ind)| {
                let entry = json!({
                    "dimension": r.dimensions[ind.dimension].id,
                    "weight": w.indicator[i],
                    "global_weight": w.global[i],
                });
                (ind.id.clone(), entry)
            })
            .collect();
        let per_indicator: Map<String, serde_json::Value> = r
            .indicators
            .iter()
            .zip(&scored.missing.per_indicator)
            .filter(|(_, c)| **c > 0)
            .map(|(i, c)| (i.id.clone(), json!(c)))
            .collect();
        let mut doc = super::json::header(&[scored.table], r);
        doc.insert(
            "weights".into(),
            json!({ "method": w.method.as_str(), "dimensions": dimensions, "indicators": indicators }),
        );
        doc.insert(
            "missing".into(),
            json!({ "policy": scored.missing.policy.as_str(), "cells": scored.missing.cells, "by_indicator": per_indicator }),
        );
        doc.insert("warnings".into(), json!(scored.warnings));
        doc.insert("units".into(), serde_json::Value::Array(self.listing.json_objects()));
        // Only a rubric that opts in has the key, so other outputs stay as they were.
        if r.outliers != crate::rubric::Outliers::None {
            doc.insert("treatment".into(), super::json::treatment(scored));
        }
        serde_json::Value::Object(doc)
    }

    /// Headed by the rubric and followed by the coordination grades and the
    /// run's warnings, so a person sees everything in one place.
    fn text(&self, layout: super::Layout) -> String {
        let scored = self.scored;
        let r = scored.rubric;
        let lang = r.lang();
        let sheet = self.people();
        let version = if r.version.is_empty() {
            String::new()
        } else {
            format!(" ({})", r.version)
        };
        let (n, shown) = (scored.order.len(), sheet.rows.len());
        let count = match (lang.is_chinese(), shown < n) {
            (true, false) => format!("{n} 个单位"),
            (true, true) => format!("{n} 个单位，显示前 {shown} 名"),
            (false, false) => format!("{n} units"),
            (false, true) => format!("{n} units, top {shown} shown"),
        };
        let mut out = format!("{}{version}: {count}\n", r.name);
        out.push_str(&super::table::fitted(&sheet, layout));
        out.push('\n');
        if r.coupling.is_some() {
            out.push_str(&coordination_counts(scored));
        }
        for w in &scored.warnings {
            out.push_str(&format!("warning: {w}\n"));
        }
        out
    }

    fn workbook(&self) -> Vec<(String, Sheet)> {
        let r = self.scored.rubric;
        vec![
            ("ranking".into(), self.people()),
            (
                "weights".into(),
                super::weights::people(r, &self.scored.weights).sheet(),
            ),
            ("rubric".into(), super::weights::rubric_listing(r).sheet()),
        ]
    }
}

/// "协调等级：优质协调 12，良好协调 80，…" over all units, best band first.
fn coordination_counts(scored: &Scored) -> String {
    let mut counts = [0usize; 10];
    for u in 0..scored.len() {
        if let Some(count) = scored.coupling(u).and_then(|c| counts.get_mut(c.band)) {
            *count += 1;
        }
    }
    let lang = scored.rubric.lang();
    let list: Vec<String> = (0..10)
        .rev()
        .filter(|&b| counts[b] > 0)
        .map(|b| format!("{} {}", COORDINATION_GRADES[b], counts[b]))
        .collect();
    format!(
        "{}{}\n",
        lang.pick("coordination grades: ", "协调等级："),
        list.join(lang.pick(", ", "，"))
    )
}

#[cfg(test)]
mod tests {
    use proptest::strategy::Strategy;

    proptest::proptest! {
        /// The three kept as they come are the first three of a stable
        /// sort by degree, descending: random degrees with ties, zeros,
        /// negatives, infinities and missing ones.
        #[test]
        fn the_three_largest_are_the_first_three_of_a_stable_sort(
            degrees in proptest::collection::vec(proptest::option::of(proptest::prop_oneof![
                3 => (0u8..5).prop_map(f64::from),
                3 => 0.0f64..100.0,
                1 => proptest::strategy::Just(-1.0),
                1 => proptest::strategy::Just(f64::INFINITY),
            ]), 0..45),
        ) {
            let mut sorted: Vec<(usize, f64)> = degrees
                .iter()
                .enumerate()
                .filter_map(|(i, o)| o.filter(|&o| o > 0.0).map(|o| (i, o)))
                .collect();
            sorted.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
            let want: Vec<usize> = sorted.into_iter().take(3).map(|(i, _)| i).collect();
            proptest::prop_assert_eq!(super::largest_three(degrees), want);
        }
    }
}
