//! CSV edge lists: a header row, then one row per ordered pair
//! `id, neighbour[, weight]` (columns by position; a weight is a positive
//! finite number, 1 without the column).

use super::Graph;
use crate::error::{Error, Location, Result, echo};
use std::collections::HashMap;

/// Reads the edge list at `path`; `symmetric` adds the reverse of each
/// pair that lacks one, with the same weight.
pub fn load(path: &str, symmetric: bool) -> Result<Graph> {
    let text = super::read_text(path, "edge list", super::MAX_NEIGHBOURS_FILE)?;
    parse(path, &text, symmetric)
}

/// Parses the text of an edge list; `path` names it in messages.
pub fn parse(path: &str, text: &str, symmetric: bool) -> Result<Graph> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let columns = reader.headers().map_err(|e| csv_error(path, &e))?.len();
    if columns < 2 {
        return Err(Error::data(format!(
            "{path} has {columns} column(s): an edge list has the columns `id, neighbour[, weight]`"
        ))
        .at(Location::row(path, 1))
        .help("the first row is a header, e.g. `id,neighbour,weight`"));
    }
    let weighted = columns >= 3;
    let mut graph = Graph::default();
    let mut pairs: HashMap<(usize, usize), u64> = HashMap::new();
    let mut edges = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| csv_error(path, &e))?;
        let row = record.position().map_or(0, csv::Position::line);
        if record.iter().all(str::is_empty) {
            continue;
        }
        let (Some(a), Some(b)) = (record.get(0), record.get(1)) else {
            return Err(Error::data("this row has fewer than 2 fields (id, neighbour)").at(Location::row(path, row)));
        };
        for (column, id) in [(1, a), (2, b)] {
            if id.is_empty() {
                return Err(Error::data("this row has an empty id")
                    .at(Location::cell(path, row, column))
                    .help("every row names a unit and one of its neighbours"));
            }
        }
        let w = if weighted {
            weight(path, row, record.get(2))?
        } else {
            1.0
        };
        let (u, _) = graph.intern(a, true);
        let (v, _) = graph.intern(b, true);
        if let Some(first) = pairs.insert((u, v), row) {
            return Err(Error::data(format!(
                "the pair `{}` → `{}` is listed twice (first at row {first})",
                echo(a),
                echo(b)
            ))
            .at(Location::row(path, row))
            .help("list each ordered pair once"));
        }
        edges.push((u, v, w));
    }
    for &(u, v, w) in &edges {
        graph.link(u, v, w);
        if symmetric && !pairs.contains_key(&(v, u)) {
            graph.link(v, u, w);
        }
    }
    graph.finish();
    Ok(graph)
}

/// The weight cell of a row: a positive finite number.
fn weight(path: &str, row: u64, cell: Option<&str>) -> Result<f64> {
    let cell = cell.unwrap_or("");
    match cell.parse::<f64>() {
        Ok(w) if w.is_finite() && w > 0.0 => Ok(w),
        _ => Err(
            Error::data(format!("the weight `{}` is not a positive number", echo(cell)))
                .at(Location::cell(path, row, 3))
                .help("a weight is a positive number such as 1 or 0.25; leave the column out for weights of 1"),
        ),
    }
}

/// A CSV reading error, at its row.
fn csv_error(path: &str, e: &csv::Error) -> Error {
    let row = e.position().map_or(1, csv::Position::line);
    Error::data(format!("{path} is not a readable CSV edge list: {e}")).at(Location::row(path, row))
}
