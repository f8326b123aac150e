//! JSON and JSON Lines (SPEC "Command line": `json`, `jsonl`).

use crate::engine::Scored;
use serde_json::{Map, Value, json};

/// What every JSON document opens with: the program's version, the input
/// files with their checksums, and the rubric.
pub fn header(tables: &[&crate::input::Table], rubric: &crate::rubric::Rubric) -> Map<String, Value> {
    // The periods of one long panel table share its files: each is listed once.
    let mut seen = std::collections::HashSet::new();
    let inputs: Vec<Value> = tables
        .iter()
        .flat_map(|t| &t.files)
        .filter(|f| seen.insert((&f.path, &f.name)))
        .map(|f| json!({ "path": f.path, "sha256": f.sha256 }))
        .collect();
    let mut doc = version();
    doc.insert("inputs".into(), Value::Array(inputs));
    doc.insert(
        "rubric".into(),
        json!({ "name": rubric.name, "version": rubric.version, "sha256": rubric.source.sha256 }),
    );
    doc
}

/// The program's version, the one key every JSON document has.
pub fn version() -> Map<String, Value> {
    let mut doc = Map::new();
    doc.insert("linkscore".into(), json!(env!("CARGO_PKG_VERSION")));
    doc
}

/// `treatment`: per treated indicator its method and fitted parameters
/// (clamps, or the log's minimum), and for winsorization every clamped cell
/// of this table: unit id, the cell's value (the fill value for a filled
/// cell), and its value after transform and treatment.
pub(super) fn treatment(scored: &Scored) -> Value {
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
