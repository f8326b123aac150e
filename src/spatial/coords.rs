//! Neighbours from coordinates (longitude, latitude in degrees): the k
//! nearest by great-circle distance, or every unit within a distance band.
//!
//! Distances are haversine on a sphere of radius [`EARTH_RADIUS_KM`]. The
//! search uses an R-tree of the points on the unit sphere in 3-D, where the
//! straight-line (chord) distance orders points as the great-circle one
//! does; the candidates it yields are then measured and ordered by
//! haversine distance (ties by id compared as bytes), so the tree only
//! makes the search fast and never decides the result.

use super::Graph;
use crate::error::{Error, Result, echo};
use rayon::prelude::*;
use rstar::RTree;
use rstar::primitives::GeomWithData;

/// The mean Earth radius (IUGG), in kilometres.
pub const EARTH_RADIUS_KM: f64 = 6371.0088;

/// Relative slack on the tree's squared chord distances, far above their
/// rounding error: candidates within it are measured by haversine.
const SLACK: f64 = 1e-9;

/// Which units are neighbours.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Nearest {
    /// The k nearest (ties by id compared as bytes).
    Knn(usize),
    /// Every unit within this many kilometres (distance ≤ km).
    Band(f64),
}

/// Great-circle distance in km between two (longitude, latitude) points in degrees.
pub fn haversine_km(a: (f64, f64), b: (f64, f64)) -> f64 {
    let (lon1, lat1) = (a.0.to_radians(), a.1.to_radians());
    let (lon2, lat2) = (b.0.to_radians(), b.1.to_radians());
    let s_lat = ((lat2 - lat1) / 2.0).sin();
    let s_lon = ((lon2 - lon1) / 2.0).sin();
    let h = s_lat * s_lat + lat1.cos() * lat2.cos() * s_lon * s_lon;
    2.0 * EARTH_RADIUS_KM * h.clamp(0.0, 1.0).sqrt().asin()
}

/// The point on the unit sphere of (longitude, latitude) in degrees.
fn on_sphere((lon, lat): (f64, f64)) -> [f64; 3] {
    let (lon, lat) = (lon.to_radians(), lat.to_radians());
    [lat.cos() * lon.cos(), lat.cos() * lon.sin(), lat.sin()]
}

/// The neighbours graph of `units` (id, longitude, latitude).
pub fn graph(units: &[(String, f64, f64)], nearest: Nearest) -> Result<Graph> {
    check(units, nearest)?;
    let points: Vec<(f64, f64)> = units.iter().map(|u| (u.1, u.2)).collect();
    let ids: Vec<&str> = units.iter().map(|u| u.0.as_str()).collect();
    let mut graph = Graph::default();
    for id in &ids {
        let (_, before) = graph.intern(id, true);
        if before {
            return Err(Error::data(format!("unit `{}` has coordinates twice", echo(id)))
                .help("give each unit one longitude and latitude"));
        }
    }
    let tree = RTree::bulk_load(
        points
            .iter()
            .enumerate()
            .map(|(u, &p)| GeomWithData::new(on_sphere(p), u))
            .collect(),
    );
    let rows: Vec<Vec<usize>> = (0..points.len())
        .into_par_iter()
        .map(|u| match nearest {
            Nearest::Knn(k) => knn(&tree, &points, &ids, u, k),
            Nearest::Band(km) => band(&tree, &points, u, km),
        })
        .collect();
    for (u, row) in rows.into_iter().enumerate() {
        for v in row {
            graph.link(u, v, 1.0);
        }
    }
    graph.finish();
    if let Nearest::Knn(k) = nearest
        && k >= points.len()
        && points.len() > 1
    {
        graph.warnings.push(format!(
            "--knn {k} asks for more neighbours than the {} other units: each unit has them all",
            points.len() - 1
        ));
    }
    Ok(graph)
}

/// Coordinates are finite, latitudes within ±90°, longitudes within ±360°;
/// k is at least 1 and a band positive.
fn check(units: &[(String, f64, f64)], nearest: Nearest) -> Result<()> {
    match nearest {
        Nearest::Knn(0) => return Err(Error::usage("--knn must be at least 1")),
        Nearest::Band(km) if !(km.is_finite() && km > 0.0) => {
            return Err(Error::usage(format!(
                "--distance must be a positive number of kilometres, not {km}"
            )));
        }
        _ => {}
    }
    for (id, lon, lat) in units {
        let lat_ok = lat.is_finite() && lat.abs() <= 90.0;
        let lon_ok = lon.is_finite() && lon.abs() <= 360.0;
        if !(lat_ok && lon_ok) {
            return Err(Error::data(format!(
                "unit `{}` has longitude {lon} and latitude {lat}, not a place on Earth",
                echo(id)
            ))
            .help("coordinates are degrees, longitude first (--coords LON,LAT); latitudes lie within ±90"));
        }
    }
    Ok(())
}

/// The k nearest units of `u`, by haversine distance then id as bytes.
fn knn(
    tree: &RTree<GeomWithData<[f64; 3], usize>>,
    points: &[(f64, f64)],
    ids: &[&str],
    u: usize,
    k: usize,
) -> Vec<usize> {
    let Some(&here) = points.get(u) else { return Vec::new() };
    let mut candidates = Vec::new();
    let mut bound: Option<f64> = None;
    for (item, d2) in tree.nearest_neighbor_iter_with_distance_2(on_sphere(here)) {
        if bound.is_some_and(|b| d2 > b) {
            break;
        }
        if item.data == u {
            continue;
        }
        candidates.push(item.data);
        if candidates.len() == k && bound.is_none() {
            bound = Some(d2 * (1.0 + SLACK) + SLACK * SLACK);
        }
    }
    let mut measured: Vec<(f64, &str, usize)> = candidates
        .into_iter()
        .filter_map(|v| Some((haversine_km(here, *points.get(v)?), *ids.get(v)?, v)))
        .collect();
    measured.sort_by(|a, b| a.0.total_cmp(&b.0).then_with(|| a.1.as_bytes().cmp(b.1.as_bytes())));
    measured.into_iter().take(k).map(|m| m.2).collect()
}

/// Every unit within `km` of `u` (distance ≤ km).
fn band(tree: &RTree<GeomWithData<[f64; 3], usize>>, points: &[(f64, f64)], u: usize, km: f64) -> Vec<usize> {
    let Some(&here) = points.get(u) else { return Vec::new() };
    let angle = km / EARTH_RADIUS_KM;
    let chord = if angle >= std::f64::consts::PI {
        2.0
    } else {
        2.0 * (angle / 2.0).sin()
    };
    let r2 = chord * chord * (1.0 + SLACK) + SLACK * SLACK;
    let mut out: Vec<usize> = tree
        .locate_within_distance(on_sphere(here), r2)
        .map(|item| item.data)
        .filter(|&v| v != u && points.get(v).is_some_and(|&p| haversine_km(here, p) <= km))
        .collect();
    out.sort_unstable();
    out
}
