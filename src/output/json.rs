//! JSON and JSON Lines (SPEC "Command line": `json`, `jsonl`).

use crate::engine::{COORDINATION_GRADES, Scored};
use serde_json::{Map, Value, json};

fn num(x: Option<f64>, scale: f64) -> Value {
    x.map_or(Value::Null, |v| json!(v * scale))
}

/// One unit as a JSON object.
fn unit_object(scored: &Scored, u: usize, detail: super::Detail) -> Value {
    let r = scored.rubric;
    let table = scored.table;
    let mut o = Map::new();
    o.insert("rank".into(), json!(scored.rank(u)));
    o.insert("id".into(), json!(table.id(u)));
    o.insert("label".into(), json!(table.label(u)));
    o.insert("group".into(), json!(table.group(u)));
    o.insert("group_rank".into(), json!(scored.group_rank(u)));
    o.insert("score".into(), num(scored.score(u), r.scale));
    if r.missing != crate::rubric::MissingPolicy::Error {
        o.insert("coverage".into(), json!(scored.coverage(u)));
    }
    o.insert("grade".into(), json!(scored.grade(u).map(|g| r.grades[g].name.clone())));
    let dims: Map<String, Value> = r
        .dimensions
        .iter()
        .enumerate()
        .map(|(d, dim)| (dim.id.clone(), num(scored.dimension(u, d), r.scale)))
        .collect();
    o.insert("dimensions".into(), Value::Object(dims));
    let links: Map<String, Value> = r
        .linkages
        .iter()
        .enumerate()
        .map(|(l, link)| (link.id.clone(), num(scored.linkage(u, l), r.scale)))
        .collect();
    o.insert("linkages".into(), Value::Object(links));
    if r.coupling.is_some() {
        let c = scored.coupling(u);
        o.insert("coupling".into(), json!(c.map(|c| c.coupling)));
        o.insert("coordination".into(), json!(c.map(|c| c.coordination)));
        o.insert(
            "coordination_grade".into(),
            json!(c.map(|c| COORDINATION_GRADES[c.band])),
        );
    }
    if detail.obstacles {
        let ids: Vec<&str> = super::top_obstacles(scored, u)
            .iter()
            .map(|&i| r.indicators[i].id.as_str())
            .collect();
        o.insert("obstacles".into(), json!(ids));
    }
    if detail.indicators {
        let inds: Map<String, Value> = r
            .indicators
            .iter()
            .enumerate()
            .map(|(i, ind)| (ind.id.clone(), num(scored.z(i, u), r.scale)))
            .collect();
        o.insert("indicators".into(), Value::Object(inds));
    }
    Value::Object(o)
}

fn selected<'s>(scored: &'s Scored, top: Option<usize>) -> &'s [usize] {
    let n = top.map_or(scored.order.len(), |n| n.min(scored.order.len()));
    &scored.order[..n]
}

/// The whole run as one JSON document.
pub fn render(scored: &Scored, detail: super::Detail, top: Option<usize>) -> String {
    let r = scored.rubric;
    let w = &scored.weights;
    let inputs: Vec<Value> = scored
        .table
        .files
        .iter()
        .map(|f| json!({ "path": f.path, "sha256": f.sha256 }))
        .collect();
    let dimensions: Map<String, Value> = r
        .dimensions
        .iter()
        .zip(&w.dimension)
        .map(|(d, x)| (d.id.clone(), json!(x)))
        .collect();
    let indicators: Map<String, Value> = r
        .indicators
        .iter()
        .enumerate()
        .map(|(i, ind)| {
            (
                ind.id.clone(),
                json!({
                    "dimension": r.dimensions[ind.dimension].id,
                    "weight": w.indicator[i],
                    "global_weight": w.global[i],
                }),
            )
        })
        .collect();
    let per_indicator: Map<String, Value> = r
        .indicators
        .iter()
        .zip(&scored.missing.per_indicator)
        .filter(|(_, c)| **c > 0)
        .map(|(i, c)| (i.id.clone(), json!(c)))
        .collect();
    let units: Vec<Value> = selected(scored, top)
        .iter()
        .map(|&u| unit_object(scored, u, detail))
        .collect();
    let mut doc = json!({
        "linkscore": env!("CARGO_PKG_VERSION"),
        "inputs": inputs,
        "rubric": { "name": r.name, "version": r.version, "sha256": r.source.sha256 },
        "weights": { "method": w.method.as_str(), "dimensions": dimensions, "indicators": indicators },
        "missing": { "policy": scored.missing.policy.as_str(), "cells": scored.missing.cells, "by_indicator": per_indicator },
        "warnings": scored.warnings,
        "units": units,
    });
    // Only a rubric that opts in has the key, so other outputs stay as they were.
    if r.outliers != crate::rubric::Outliers::None
        && let Some(o) = doc.as_object_mut()
    {
        o.insert("treatment".into(), treatment(scored));
    }
    let mut s = serde_json::to_string_pretty(&doc).unwrap_or_default();
    s.push('\n');
    s
}

/// `treatment`: per treated indicator its method and fitted parameters
/// (clamps, or the log's minimum), and for winsorization every clamped cell
/// of this table: unit id, the cell's value (the fill value for a filled
/// cell), and its value after transform and treatment.
fn treatment(scored: &Scored) -> Value {
    use crate::outliers::Treatment;
    let r = scored.rubric;
    let bound = |x: f64| if x.is_finite() { json!(x) } else { Value::Null };
    let indicators: Map<String, Value> = r
        .indicators
        .iter()
        .enumerate()
        .filter_map(|(i, ind)| {
            let t = scored.params.treatment.get(i).copied()?;
            let entry = match t {
                Treatment::None => return None,
                Treatment::Log { min } => json!({ "method": t.method(), "min": min }),
                Treatment::Winsorize { low, high } => {
                    let cells: Vec<Value> = (0..scored.len())
                        .filter_map(|u| {
                            let (_, after) = scored.treated(i, u)?;
                            let raw = scored
                                .table
                                .value(i, u)
                                .or_else(|| scored.params.fill.get(i).copied().flatten());
                            Some(json!({ "id": scored.table.id(u), "raw": raw, "treated": after }))
                        })
                        .collect();
                    json!({ "method": t.method(), "low": bound(low), "high": bound(high), "cells": cells })
                }
            };
            Some((ind.id.clone(), entry))
        })
        .collect();
    json!({
        "outliers": r.outliers.as_str(),
        "winsorize_max": r.winsorize_max,
        "indicators": indicators,
    })
}

/// One unit object per line.
pub fn render_lines(scored: &Scored, detail: super::Detail, top: Option<usize>) -> String {
    let mut out = String::new();
    for &u in selected(scored, top) {
        out.push_str(&unit_object(scored, u, detail).to_string());
        out.push('\n');
    }
    out
}

/// The rows of a sheet as JSON objects keyed by the machine column names.
pub fn sheet_objects(sheet: &super::Sheet) -> Vec<Value> {
    sheet
        .rows
        .iter()
        .map(|row| {
            let map: Map<String, Value> = sheet
                .columns
                .iter()
                .zip(row)
                .map(|(c, cell)| {
                    let v = match cell {
                        super::Cell::Empty => Value::Null,
                        super::Cell::Num(x) => json!(x),
                        super::Cell::Int(i) => json!(i),
                        super::Cell::Signed(i) => json!(i),
                        super::Cell::Text(t) => json!(t),
                    };
                    (c.key.clone(), v)
                })
                .collect();
            Value::Object(map)
        })
        .collect()
}

/// `diff` as one JSON document: inputs, rubric, summary and one object per unit.
pub fn render_diff(c: &crate::diff::Comparison, s: &crate::diff::Summary, sheet: &super::Sheet) -> String {
    let r = c.new.rubric;
    let inputs: Vec<Value> = c
        .old
        .table
        .files
        .iter()
        .chain(&c.new.table.files)
        .map(|f| json!({ "path": f.path, "sha256": f.sha256 }))
        .collect();
    let mover = |m: &crate::diff::Mover| {
        json!({ "id": m.id, "label": m.label, "rank_old": m.rank_old, "rank_new": m.rank_new,
                "rank_change": m.rank_old as i64 - m.rank_new as i64, "score_change": m.score_change })
    };
    let dims: Map<String, Value> = r
        .dimensions
        .iter()
        .zip(&s.mean_dimension_change)
        .map(|(d, v)| (d.id.clone(), json!(v)))
        .collect();
    let transitions: Vec<Value> = s
        .grade_transitions
        .iter()
        .map(|((from, to), n)| json!({ "from": from, "to": to, "count": n }))
        .collect();
    let doc = json!({
        "linkscore": env!("CARGO_PKG_VERSION"),
        "inputs": inputs,
        "rubric": { "name": r.name, "version": r.version, "sha256": r.source.sha256 },
        "summary": {
            "kept": s.kept, "new": s.new, "gone": s.gone,
            "mean_score_change": s.mean_score_change,
            "mean_dimension_change": dims,
            "risers": s.risers.iter().map(mover).collect::<Vec<_>>(),
            "fallers": s.fallers.iter().map(mover).collect::<Vec<_>>(),
            "grade_transitions": transitions,
            "grade_unchanged": s.grade_unchanged,
        },
        "units": sheet_objects(sheet),
    });
    let mut doc = doc;
    if c.uncertainty.is_some()
        && let Some(summary) = doc.get_mut("summary").and_then(Value::as_object_mut)
    {
        let (beyond, within) = c.movements();
        summary.insert("moves".into(), json!({ "beyond": beyond, "within": within }));
    }
    let mut out = serde_json::to_string_pretty(&doc).unwrap_or_default();
    out.push('\n');
    out
}

/// A JSON document, pretty-printed, with a final newline.
pub fn pretty(doc: &Value) -> String {
    let mut out = serde_json::to_string_pretty(doc).unwrap_or_default();
    out.push('\n');
    out
}

/// JSON Lines: one compact object per line.
pub fn lines(objects: &[Value]) -> String {
    objects.iter().map(|o| format!("{o}\n")).collect()
}
