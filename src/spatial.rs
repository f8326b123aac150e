//! Spatial autocorrelation (SPEC "Spatial: `spatial`"): who neighbours whom,
//! and whether neighbours have similar values — global Moran's I and local
//! Moran (LISA) per unit. Plain data in, plain data out; formatting is
//! `output`'s, the command line `commands`'.
//!
//! The flow for one period of a panel:
//!
//! 1. [`load`] reads a neighbours [`Source`] into a [`Graph`]: the source's
//!    own units, keyed by id strings, each with its neighbours (and a weight
//!    when an edge list gives one). Sources: a GAL file ([`gal`]), a CSV
//!    edge list ([`edges`]), GeoJSON polygons by queen or rook contiguity
//!    ([`polygons`]), or coordinates by k nearest neighbours or a distance
//!    band on the sphere ([`coords`]).
//! 2. [`weights()`] turns the graph into the sparse matrix w_ij of the
//!    period's units (in the data's order): a data unit missing from the
//!    source is an error listing them; neighbours not in the data are
//!    dropped and islands get a zero row, each with a warning; rows are
//!    standardized ([`Transform::Row`]) or binary ([`Transform::Binary`]).
//! 3. [`moran()`] computes the global statistic ([`GlobalMoran`]: I, E[I],
//!    the variance under normality, z, the two-sided normal p and a
//!    permutation p) and the local one per unit ([`LocalMoran`]: lag,
//!    I_i, conditional-permutation p, quadrant, cluster).
//!
//! [`period`] does steps 2 and 3 for one period of a panel
//! ([`crate::panel::PeriodValues`]), leaving out the units without a value.
//!
//! ```no_run
//! use linkscore::spatial::{self, Settings, Source, Transform};
//! let graph = spatial::load(&Source::Gal("stl.gal".into()))?;
//! let ids = ["1", "2", "3"];
//! let (w, warnings) = spatial::weights(&graph, &ids, Transform::Row)?;
//! let result = spatial::moran(&[1.0, 2.0, 4.0], &w, &Settings::default())?;
//! # Ok::<(), linkscore::Error>(())
//! ```
//!
//! Randomness: every permutation of the global test and every unit of the
//! local one draws from its own ChaCha8 stream of the seed (as
//! `sensitivity` does), so results are identical at any thread count.

use crate::error::{Error, Result};
use crate::panel::PeriodValues;
use std::io::Read;

pub mod coords;
pub mod edges;
pub mod gal;
mod graph;
mod moran;
pub mod polygons;
mod weights;

#[cfg(test)]
mod tests;

pub use coords::{EARTH_RADIUS_KM, Nearest, haversine_km};
pub use graph::Graph;
pub use moran::{Cluster, GlobalMoran, LocalMoran, Moran, Quadrant, Settings, moran};
pub use weights::{Transform, Weights, weights};

/// The largest GAL file or CSV edge list read (a million units with a
/// dozen neighbours each is about 100 MiB).
pub const MAX_NEIGHBOURS_FILE: u64 = 256 << 20;

/// Where the neighbours come from.
#[derive(Debug, Clone, PartialEq)]
pub enum Source {
    /// A GAL file (GeoDa/PySAL).
    Gal(String),
    /// A CSV edge list `id, neighbour[, weight]`; `symmetric` adds the
    /// reverse of each pair that lacks one, with the same weight.
    Edges { path: String, symmetric: bool },
    /// GeoJSON Polygons/MultiPolygons: the unit id is the property `key`,
    /// else the feature's id; queen contiguity, or rook with `rook`.
    GeoJson {
        path: String,
        key: Option<String>,
        rook: bool,
    },
    /// Coordinates: per unit its id, longitude and latitude (degrees).
    Coords {
        units: Vec<(String, f64, f64)>,
        nearest: Nearest,
    },
}

impl Source {
    /// The file source `path` names by its extension (`.gal`, `.csv`,
    /// `.geojson` or `.json`, in any case), with the settings that apply
    /// to it: `symmetric` to an edge list, `key` and `rook` to GeoJSON.
    pub fn from_path(path: &str, symmetric: bool, key: Option<&str>, rook: bool) -> Result<Source> {
        let extension = std::path::Path::new(path)
            .extension()
            .map(|e| e.to_string_lossy().to_lowercase())
            .unwrap_or_default();
        match extension.as_str() {
            "gal" => Ok(Source::Gal(path.to_string())),
            "csv" => Ok(Source::Edges {
                path: path.to_string(),
                symmetric,
            }),
            "geojson" | "json" => Ok(Source::GeoJson {
                path: path.to_string(),
                key: key.map(str::to_string),
                rook,
            }),
            _ => Err(Error::usage(format!(
                "--neighbours {} is not a .gal, .csv, .geojson or .json file",
                crate::error::echo(path)
            ))
            .help("neighbours come from a GAL file, a CSV edge list `id,neighbour[,weight]` or GeoJSON polygons")
            .help("for neighbours from coordinates use --coords LON,LAT with --knn K or --distance KM")),
        }
    }
}

/// Reads a neighbours source into its graph.
pub fn load(source: &Source) -> Result<Graph> {
    match source {
        Source::Gal(path) => gal::load(path),
        Source::Edges { path, symmetric } => edges::load(path, *symmetric),
        Source::GeoJson { path, key, rook } => polygons::load(path, key.as_deref(), *rook),
        Source::Coords { units, nearest } => coords::graph(units, *nearest),
    }
}

/// One period's spatial statistics: the units that had a value (their
/// positions in the period's units, and values), and Moran's I of them.
#[derive(Debug, Clone, PartialEq)]
pub struct Period {
    pub label: String,
    /// Per unit with a value: its index in [`PeriodValues::units`] and its value.
    pub units: Vec<(usize, f64)>,
    pub moran: Moran,
    /// The weights' and the statistics' warnings, and how many units had no value.
    pub warnings: Vec<String>,
}

/// Weights and Moran's I of one period, on the units that have a value.
pub fn period(values: &PeriodValues<'_>, graph: &Graph, transform: Transform, settings: &Settings) -> Result<Period> {
    let units: Vec<(usize, f64)> = values
        .units
        .iter()
        .enumerate()
        .filter_map(|(k, (_, _, v))| v.map(|v| (k, v)))
        .collect();
    let mut warnings = Vec::new();
    let missing = values.units.len() - units.len();
    if missing > 0 {
        warnings.push(format!(
            "period {}: {missing} unit(s) without a value left out of the spatial statistics",
            values.label
        ));
    }
    let ids: Vec<&str> = units
        .iter()
        .filter_map(|&(k, _)| values.units.get(k).map(|u| u.0))
        .collect();
    let (w, weight_warnings) = weights(graph, &ids, transform).map_err(|e| e.in_period(values.label))?;
    let y: Vec<f64> = units.iter().map(|&(_, v)| v).collect();
    let result = moran(&y, &w, settings)?;
    let label = values.label;
    warnings.extend(weight_warnings.into_iter().map(|m| format!("period {label}: {m}")));
    warnings.extend(result.warnings.iter().map(|m| format!("period {label}: {m}")));
    Ok(Period {
        label: label.to_string(),
        units,
        moran: result,
        warnings,
    })
}

/// Reads a whole file of at most `limit` bytes (`/dev/zero` included:
/// reading stops one byte past the limit).
pub(crate) fn read_bounded(path: &str, what: &str, limit: u64) -> Result<Vec<u8>> {
    let action = format!("read the {what}");
    let file = std::fs::File::open(path).map_err(|e| Error::io(path, &action, &e))?;
    if file.metadata().is_ok_and(|m| m.is_dir()) {
        let e = std::io::Error::from(std::io::ErrorKind::IsADirectory);
        return Err(Error::io(path, &action, &e));
    }
    let mut bytes = Vec::new();
    file.take(limit.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(|e| Error::io(path, &action, &e))?;
    if bytes.len() as u64 > limit {
        return Err(Error::data(format!(
            "{path} is larger than {} MiB, the most a {what} may be",
            limit >> 20
        ))
        .help(format!("check that {path} is the {what} you meant")));
    }
    Ok(bytes)
}

/// The text of a file read with [`read_bounded`], which must be UTF-8 (a
/// byte-order mark is dropped).
pub(crate) fn read_text(path: &str, what: &str, limit: u64) -> Result<String> {
    let bytes = read_bounded(path, what, limit)?;
    let mut text = String::from_utf8(bytes).map_err(|e| {
        Error::data(format!(
            "{path} is not UTF-8 text (invalid byte at offset {})",
            e.utf8_error().valid_up_to()
        ))
        .help(format!("save the {what} as UTF-8"))
    })?;
    if text.starts_with('\u{feff}') {
        text.drain(..'\u{feff}'.len_utf8());
    }
    Ok(text)
}

/// `count` ids as a message lists them: the first `shown`, each quoted,
/// then "and N more".
pub(crate) fn list_ids<'a, I: IntoIterator<Item = &'a str>>(ids: I, count: usize, shown: usize) -> String {
    let mut out: Vec<String> = ids
        .into_iter()
        .take(shown)
        .map(|id| format!("`{}`", crate::error::echo(id)))
        .collect();
    if count > out.len() {
        out.push(format!("and {} more", count - out.len()));
    }
    out.join(", ")
}
