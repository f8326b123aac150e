//! Contiguity of GeoJSON polygons. Queen: two units are neighbours when
//! they share at least one vertex of any ring; rook: when they share an
//! edge, two consecutive vertices of a ring. Coordinates are compared
//! exactly (their bit patterns, −0 taken as 0).
//!
//! No pair of polygons is ever compared: every (vertex or edge, unit) is
//! put in one index, sorted by the vertex's or edge's key, and the units
//! of each key are neighbours of each other. So 50,000 village polygons
//! take about as long as sorting their vertices.

use super::Graph;
use crate::error::{Error, Location, Result, echo};
use geojson::{Feature, GeoJson, GeometryValue, PolygonType, Position, feature::Id};

/// A vertex: the bit patterns of its x and y.
type Vertex = (u64, u64);

/// Reads the GeoJSON file at `path`; the unit id is the property `key`,
/// else the feature's id; rook contiguity with `rook`, else queen.
pub fn load(path: &str, key: &str, rook: bool) -> Result<Graph> {
    let bytes = super::read_bounded(path, "GeoJSON file", super::MAX_GEOJSON_FILE)?;
    let parsed: GeoJson = serde_json::from_slice(&bytes).map_err(|e| {
        Error::data(format!("{path} is not valid GeoJSON: {e}"))
            .at(Location::line(path, e.line() as u64))
            .help("the neighbours file is a GeoJSON FeatureCollection of Polygons and MultiPolygons")
    })?;
    drop(bytes);
    let features = match parsed {
        GeoJson::FeatureCollection(collection) => collection.features,
        GeoJson::Feature(feature) => vec![feature],
        GeoJson::Geometry(_) => {
            return Err(
                Error::data(format!("{path} holds a bare geometry, not features with ids"))
                    .at(Location::file(path))
                    .help("give each unit's polygon as a Feature whose properties name the unit"),
            );
        }
    };
    contiguity(path, &features, key, rook)
}

/// The contiguity graph of `features`; `path` names the file in messages.
pub fn contiguity(path: &str, features: &[Feature], key: &str, rook: bool) -> Result<Graph> {
    let mut graph = Graph::default();
    let mut merged = 0usize;
    // (key, unit): a vertex is keyed as (vertex, vertex); an edge by its
    // two vertices, the smaller first.
    let mut index: Vec<((Vertex, Vertex), u32)> = Vec::new();
    for (k, feature) in features.iter().enumerate() {
        let id = unit_id(path, k, feature, key)?;
        let (u, before) = graph.intern(&id, true);
        merged += usize::from(before);
        let unit = u32::try_from(u).map_err(|_| Error::data(format!("{path} has too many features")))?;
        for ring in rings(path, k, &id, feature)? {
            let vertices = ring
                .iter()
                .map(|p| vertex(p).ok_or_else(|| bad_position(path, k, &id)))
                .collect::<Result<Vec<Vertex>>>()?;
            if rook {
                let closing = vertices.first().zip(vertices.last());
                let edges = vertices.windows(2).filter_map(|w| w.first().zip(w.get(1)));
                for (&a, &b) in edges.chain(closing) {
                    if a != b {
                        index.push(((a.min(b), a.max(b)), unit));
                    }
                }
            } else {
                index.extend(vertices.into_iter().map(|v| ((v, v), unit)));
            }
        }
    }
    if merged > 0 {
        graph.warnings.push(format!(
            "{merged} feature(s) repeat the id of an earlier one: their polygons are taken as one unit"
        ));
    }
    index.sort_unstable();
    index.dedup();
    for group in index.chunk_by(|a, b| a.0 == b.0) {
        for (x, a) in group.iter().enumerate() {
            for b in group.iter().skip(x + 1) {
                graph.link(a.1 as usize, b.1 as usize, 1.0);
                graph.link(b.1 as usize, a.1 as usize, 1.0);
            }
        }
    }
    graph.finish();
    Ok(graph)
}

/// The unit id of feature `k`: its property `key` (a string or a number),
/// else its own id.
fn unit_id(path: &str, k: usize, feature: &Feature, key: &str) -> Result<String> {
    let property = feature.properties.as_ref().and_then(|p| p.get(key));
    match property {
        Some(serde_json::Value::String(s)) => return Ok(s.clone()),
        Some(serde_json::Value::Number(n)) => return Ok(n.to_string()),
        None | Some(serde_json::Value::Null) => {}
        Some(other) => {
            return Err(Error::data(format!(
                "feature {} has property `{}` = {}, which is not an id (a string or a number)",
                k + 1,
                echo(key),
                echo(&other.to_string())
            ))
            .at(Location::file(path)));
        }
    }
    match &feature.id {
        Some(Id::String(s)) => Ok(s.clone()),
        Some(Id::Number(n)) => Ok(n.to_string()),
        None => Err(
            Error::data(format!("feature {} has no property `{}` and no id", k + 1, echo(key)))
                .at(Location::file(path))
                .help("name the property that holds the unit ids with --key PROPERTY"),
        ),
    }
}

/// The rings of feature `k`'s Polygon or MultiPolygon (none without a geometry).
fn rings<'a>(path: &str, k: usize, id: &str, feature: &'a Feature) -> Result<Vec<&'a Vec<Position>>> {
    let Some(geometry) = &feature.geometry else {
        return Ok(Vec::new());
    };
    match &geometry.value {
        GeometryValue::Polygon { coordinates } => Ok(coordinates.iter().collect()),
        GeometryValue::MultiPolygon { coordinates } => {
            Ok(coordinates.iter().flat_map(|p: &PolygonType| p.iter()).collect())
        }
        other => Err(Error::data(format!(
            "feature {} (unit `{}`) is a {}, not a Polygon or MultiPolygon",
            k + 1,
            echo(id),
            other.type_name()
        ))
        .at(Location::file(path))
        .help("contiguity needs the units' polygons; for points use --coords with --knn or --distance")),
    }
}

/// A position's key: the bit patterns of x and y (−0 as 0).
fn vertex(p: &Position) -> Option<Vertex> {
    let c = p.as_slice();
    let (x, y) = (c.first()?, c.get(1)?);
    Some(((x + 0.0).to_bits(), (y + 0.0).to_bits()))
}

fn bad_position(path: &str, k: usize, id: &str) -> Error {
    Error::data(format!(
        "feature {} (unit `{}`) has a position with fewer than two coordinates",
        k + 1,
        echo(id)
    ))
    .at(Location::file(path))
}
