//! GAL files (the GeoDa/PySAL neighbours format): a first line `n` or
//! `0 n name key`, then for each unit a line `id k` followed by a line of
//! its k neighbour ids (an island's line of none may be empty or left out).

use super::Graph;
use crate::error::{Error, Location, Result, echo};
use std::collections::HashMap;

/// Reads the GAL file at `path`.
pub fn load(path: &str) -> Result<Graph> {
    let text = super::read_text(path, "GAL file", super::MAX_NEIGHBOURS_FILE)?;
    parse(path, &text)
}

/// Parses the text of a GAL file; `path` names it in messages.
pub fn parse(path: &str, text: &str) -> Result<Graph> {
    let mut lines = text
        .lines()
        .enumerate()
        .map(|(k, line)| (k as u64 + 1, line))
        .skip_while(|(_, line)| line.trim().is_empty())
        .peekable();
    let Some((first, header)) = lines.next() else {
        return Err(
            Error::data(format!("{path} is empty: a GAL file starts with its number of units"))
                .at(Location::file(path)),
        );
    };
    let n = header_count(path, first, header)?;
    let mut graph = Graph::default();
    let mut seen: HashMap<String, u64> = HashMap::new();
    let mut units = 0usize;
    while let Some((at, line)) = lines.next() {
        if line.trim().is_empty() {
            continue;
        }
        let (id, k) = unit_line(path, at, line)?;
        if let Some(before) = seen.insert(id.to_string(), at) {
            return Err(
                Error::data(format!("unit `{}` is listed twice (first at line {before})", echo(id)))
                    .at(Location::line(path, at))
                    .help("each unit has one `id k` line, followed by the line of its neighbours"),
            );
        }
        units += 1;
        let (u, _) = graph.intern(id, true);
        let neighbours = match lines.peek() {
            Some((_, next)) if k == 0 && next.trim().is_empty() => {
                lines.next();
                continue;
            }
            _ if k == 0 => continue,
            Some(&(nat, next)) => {
                lines.next();
                (nat, next)
            }
            None => {
                return Err(Error::data(format!(
                    "unit `{}` has {k} neighbour(s) but the file ends before their line",
                    echo(id)
                ))
                .at(Location::line(path, at)));
            }
        };
        neighbour_line(&mut graph, path, u, k, neighbours)?;
    }
    if units != n {
        return Err(Error::data(format!("{path} says it has {n} units but lists {units}"))
            .at(Location::line(path, first))
            .help("the first line of a GAL file is its number of units (`n`, or `0 n name key`)"));
    }
    graph.finish();
    Ok(graph)
}

/// The number of units on the first line: `n` or `0 n name key`.
fn header_count(path: &str, at: u64, line: &str) -> Result<usize> {
    let fields: Vec<&str> = line.split_whitespace().collect();
    let count = match fields.as_slice() {
        [n] => n.parse::<usize>().ok(),
        ["0", n, _, _] => n.parse::<usize>().ok(),
        _ => None,
    };
    count.ok_or_else(|| {
        Error::data(format!(
            "the first line of a GAL file is `n` or `0 n name key`, not `{}`",
            echo(line.trim())
        ))
        .at(Location::line(path, at))
        .help("n is the number of units listed after it")
    })
}

/// A unit's line `id k`.
fn unit_line<'a>(path: &str, at: u64, line: &'a str) -> Result<(&'a str, usize)> {
    let fields: Vec<&str> = line.split_whitespace().collect();
    if let [id, k] = fields.as_slice()
        && let Ok(k) = k.parse::<usize>()
    {
        return Ok((id, k));
    }
    Err(Error::data(format!(
        "expected a unit's line `id k` (its id and number of neighbours), found `{}`",
        echo(line.trim())
    ))
    .at(Location::line(path, at))
    .help("each unit has a line `id k`, then a line of its k neighbour ids"))
}

/// The line of unit `u`'s `k` neighbour ids.
fn neighbour_line(graph: &mut Graph, path: &str, u: usize, k: usize, (at, line): (u64, &str)) -> Result<()> {
    let ids: Vec<&str> = line.split_whitespace().collect();
    if ids.len() != k {
        return Err(Error::data(format!(
            "unit `{}` is said to have {k} neighbour(s) but this line lists {}",
            echo(graph.id(u)),
            ids.len()
        ))
        .at(Location::line(path, at))
        .help("the line after `id k` lists exactly k neighbour ids, separated by spaces"));
    }
    for id in ids {
        let (v, _) = graph.intern(id, false);
        if graph.has_link(u, v) {
            return Err(Error::data(format!(
                "unit `{}` lists neighbour `{}` twice",
                echo(graph.id(u)),
                echo(id)
            ))
            .at(Location::line(path, at)));
        }
        graph.link(u, v, 1.0);
    }
    Ok(())
}
