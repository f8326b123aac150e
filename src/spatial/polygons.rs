//! Contiguity of GeoJSON polygons. Queen: two units are neighbours when
//! they share at least one vertex of any ring; rook: when they share an
//! edge, two consecutive vertices of a ring. Coordinates are compared
//! exactly (their bit patterns, −0 taken as 0).
//!
//! No pair of polygons is ever compared: every (vertex or edge, unit) is
//! put in one index, sorted by the vertex's or edge's key, and the units
//! of each key are neighbours of each other. So 50,000 village polygons
//! take about as long as sorting their vertices. The file is read as
//! the report's maps read it ([`crate::shapes`]), so both take the same
//! ids from the same features.

use super::Graph;
use crate::error::{Error, Result};
use crate::shapes::Shapes;

/// A vertex: the bit patterns of its x and y.
type Vertex = (u64, u64);

/// Reads the GeoJSON file at `path` as the report's maps read it
/// ([`crate::shapes::read`]: the unit id is the property `key`, without
/// one the property `id`, else the feature's own id; features that are not
/// polygons are left out with a warning); rook contiguity with `rook`,
/// else queen.
pub fn load(path: &str, key: Option<&str>, rook: bool) -> Result<Graph> {
    let shapes = crate::shapes::read(path, key)?;
    contiguity(&shapes, rook)
}

/// The contiguity graph of the units of `shapes`.
pub fn contiguity(shapes: &Shapes, rook: bool) -> Result<Graph> {
    let mut graph = Graph::default();
    graph.warnings.extend(shapes.warnings.iter().cloned());
    // (key, unit): a vertex is keyed as (vertex, vertex); an edge by its
    // two vertices, the smaller first.
    let mut index: Vec<((Vertex, Vertex), u32)> = Vec::new();
    for shape in &shapes.units {
        let (u, _) = graph.intern(&shape.id, true);
        let unit = u32::try_from(u).map_err(|_| Error::data(format!("{} has too many features", shapes.path)))?;
        for ring in shape.polygons.iter().flatten() {
            let vertices: Vec<Vertex> = ring.iter().map(vertex).collect();
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

/// A position's key: the bit patterns of x and y (−0 as 0).
fn vertex(p: &[f64; 2]) -> Vertex {
    let [x, y] = *p;
    ((x + 0.0).to_bits(), (y + 0.0).to_bits())
}
