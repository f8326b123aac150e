//! The units' polygons for maps (`report --map FILE.geojson [--key
//! PROPERTY]`, SPEC "Spatial"), read from GeoJSON with the `geojson` crate.
//!
//! A unit's id is its property `--key` (a string, or a number written as
//! JSON writes it); without `--key`, the property `id`, else the feature's
//! own `id`. Polygons and MultiPolygons are kept; a feature of another
//! geometry (or of none) is left out with a warning. Features with the same
//! id are one unit (a village in two parts). The file is read whole, and
//! refused over [`MAX_GEOJSON`].

use crate::error::{Error, Result, echo};
use geojson::{Feature, GeoJson, GeometryValue};
use std::collections::HashMap;
use std::io::Read;

/// The largest GeoJSON file read: the village boundaries of a whole
/// province are a few hundred megabytes at full detail; simplify them first.
pub const MAX_GEOJSON: u64 = 256 << 20;

/// One polygon: rings of `[lon, lat]`, the outer ring first, then its holes.
pub type Polygon = Vec<Vec<[f64; 2]>>;

/// One unit of the map.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Shape {
    /// Its id (the `--key` property).
    pub id: String,
    /// Its property `name`, when it has a text one (for units not in the data).
    pub name: Option<String>,
    pub polygons: Vec<Polygon>,
}

/// A map file read.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Shapes {
    /// The file, as named on the command line.
    pub path: String,
    /// The property the ids were read from (`id` without `--key`).
    pub key: String,
    /// The units in the file's order (the first feature of each id).
    pub units: Vec<Shape>,
    /// Features left out (not polygons), for the run's warnings.
    pub warnings: Vec<String>,
}

/// Reads `path` (bounded by [`MAX_GEOJSON`]) as GeoJSON.
pub fn read(path: &str, key: Option<&str>) -> Result<Shapes> {
    let file = std::fs::File::open(path).map_err(|e| Error::io(path, "read the map", &e))?;
    let metadata = file.metadata().ok();
    if metadata.as_ref().is_some_and(std::fs::Metadata::is_dir) {
        let e = std::io::Error::from(std::io::ErrorKind::IsADirectory);
        return Err(Error::io(path, "read the map", &e));
    }
    // A regular file is measured before it is read; anything else (a pipe,
    // a device) is read up to one byte past the limit.
    if metadata.is_some_and(|m| m.is_file() && m.len() > MAX_GEOJSON) {
        return Err(too_large(path));
    }
    let mut bytes = Vec::new();
    file.take(MAX_GEOJSON + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| Error::io(path, "read the map", &e))?;
    if bytes.len() as u64 > MAX_GEOJSON {
        return Err(too_large(path));
    }
    let text = std::str::from_utf8(bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(&bytes)).map_err(|e| {
        Error::data(format!(
            "{path} is not GeoJSON: it is not UTF-8 text (byte {} is not UTF-8)",
            e.valid_up_to()
        ))
        .help(GEOJSON_HELP)
    })?;
    parse(text, path, key)
}

fn too_large(path: &str) -> Error {
    Error::data(format!(
        "{path} is larger than {} MiB, the most of a map linkscore reads",
        MAX_GEOJSON >> 20
    ))
    .help("simplify the boundaries first (e.g. mapshaper's -simplify or QGIS's Simplify), or keep only the region reported on")
}

const GEOJSON_HELP: &str = "--map takes a GeoJSON FeatureCollection of Polygon or MultiPolygon features in longitude/latitude degrees (WGS 84), \
     e.g. QGIS's Export > Save Features As > GeoJSON, or `ogr2ogr -f GeoJSON -t_srs EPSG:4326 map.geojson boundaries.shp`";

/// Reads GeoJSON text (`path` only names it in messages).
pub fn parse(text: &str, path: &str, key: Option<&str>) -> Result<Shapes> {
    let geojson: GeoJson = text.parse().map_err(|e: geojson::Error| {
        Error::data(format!("{path} is not GeoJSON: {}", echo(&e.to_string()))).help(GEOJSON_HELP)
    })?;
    let features = match geojson {
        GeoJson::FeatureCollection(c) => c.features,
        GeoJson::Feature(f) => vec![f],
        GeoJson::Geometry(_) => {
            return Err(Error::data(format!(
                "{path} is a bare GeoJSON geometry: it has no features, so no unit ids"
            ))
            .help(GEOJSON_HELP));
        }
    };
    if features.is_empty() {
        return Err(Error::data(format!("{path} has no features: there is nothing to draw")).help(GEOJSON_HELP));
    }
    let mut shapes = Shapes {
        path: path.to_string(),
        key: key.unwrap_or("id").to_string(),
        ..Shapes::default()
    };
    let mut index: HashMap<String, usize> = HashMap::new();
    let mut skipped: Vec<(usize, &'static str)> = Vec::new();
    for (k, feature) in features.iter().enumerate() {
        // A feature left off the map needs no id.
        let Some(polygons) = polygons_of(feature, &mut skipped, k) else {
            continue;
        };
        let id = feature_id(feature, key).ok_or_else(|| missing_key(path, k, features.len(), feature, key))?;
        match index.get(&id).and_then(|&u| shapes.units.get_mut(u)) {
            Some(unit) => unit.polygons.extend(polygons),
            None => {
                index.insert(id.clone(), shapes.units.len());
                let name = property(feature, "name").filter(|_| is_text(feature, "name"));
                shapes.units.push(Shape { id, name, polygons });
            }
        }
    }
    if shapes.units.is_empty() {
        return Err(Error::data(format!(
            "{path} has no Polygon or MultiPolygon feature: there is no unit to draw"
        ))
        .help(GEOJSON_HELP));
    }
    if !skipped.is_empty() {
        let listed: Vec<String> = skipped
            .iter()
            .take(5)
            .map(|(k, kind)| format!("feature {} ({kind})", k + 1))
            .collect();
        let more = skipped.len().saturating_sub(listed.len());
        shapes.warnings.push(format!(
            "{path}: {} feature(s) are not Polygons or MultiPolygons and are left off the map: {}{}",
            skipped.len(),
            listed.join(", "),
            if more > 0 {
                format!(" and {more} more")
            } else {
                String::new()
            }
        ));
    }
    Ok(shapes)
}

/// The feature's id: its property `key`, or without `--key` the property
/// `id`, else the feature's own `id`.
fn feature_id(feature: &Feature, key: Option<&str>) -> Option<String> {
    match key {
        Some(key) => property(feature, key),
        None => property(feature, "id").or_else(|| {
            feature.id.as_ref().map(|id| match id {
                geojson::feature::Id::String(s) => s.clone(),
                geojson::feature::Id::Number(n) => n.to_string(),
            })
        }),
    }
}

/// A property as text: a string as it is, a number as JSON writes it; none
/// for a missing, null, boolean, array or object value.
fn property(feature: &Feature, name: &str) -> Option<String> {
    match feature.properties.as_ref()?.get(name)? {
        serde_json::Value::String(s) => Some(s.clone()),
        serde_json::Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

fn is_text(feature: &Feature, name: &str) -> bool {
    matches!(
        feature.properties.as_ref().and_then(|p| p.get(name)),
        Some(serde_json::Value::String(_))
    )
}

/// The error for feature `k` (0-based) without an id.
fn missing_key(path: &str, k: usize, count: usize, feature: &Feature, key: Option<&str>) -> Error {
    let names: Vec<String> = feature
        .properties
        .iter()
        .flat_map(|p| p.keys())
        .take(12)
        .map(|n| format!("`{}`", echo(n)))
        .collect();
    let has = if names.is_empty() {
        "it has no properties".to_string()
    } else {
        format!("its properties: {}", names.join(", "))
    };
    let message = match key {
        Some(key) => format!(
            "feature {} of {count} in {path} has no property `{}` (text or number) to match the units by",
            k + 1,
            echo(key)
        ),
        None => format!(
            "feature {} of {count} in {path} has neither a property `id` nor an `id` of its own to match the units by",
            k + 1
        ),
    };
    Error::data(message)
        .note(has)
        .help("--key PROPERTY names the property that holds the units' ids (the values of the data's id column)")
}

/// The polygons of a feature; `None` (and the feature noted in `skipped`)
/// when its geometry is not a Polygon or MultiPolygon.
fn polygons_of(feature: &Feature, skipped: &mut Vec<(usize, &'static str)>, k: usize) -> Option<Vec<Polygon>> {
    let Some(geometry) = &feature.geometry else {
        skipped.push((k, "no geometry"));
        return None;
    };
    let ring = |r: &Vec<geojson::Position>| -> Vec<[f64; 2]> {
        r.iter()
            .filter_map(|p| match p.as_slice() {
                [lon, lat, ..] if lon.is_finite() && lat.is_finite() => Some([*lon, *lat]),
                _ => None,
            })
            .collect()
    };
    let polygon =
        |rings: &Vec<Vec<geojson::Position>>| -> Polygon { rings.iter().map(ring).filter(|r| !r.is_empty()).collect() };
    match &geometry.value {
        GeometryValue::Polygon { coordinates } => Some(vec![polygon(coordinates)]),
        GeometryValue::MultiPolygon { coordinates } => Some(coordinates.iter().map(polygon).collect()),
        GeometryValue::Point { .. } => kind(skipped, k, "Point"),
        GeometryValue::MultiPoint { .. } => kind(skipped, k, "MultiPoint"),
        GeometryValue::LineString { .. } => kind(skipped, k, "LineString"),
        GeometryValue::MultiLineString { .. } => kind(skipped, k, "MultiLineString"),
        GeometryValue::GeometryCollection { .. } => kind(skipped, k, "GeometryCollection"),
    }
}

fn kind(skipped: &mut Vec<(usize, &'static str)>, k: usize, what: &'static str) -> Option<Vec<Polygon>> {
    skipped.push((k, what));
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    const TWO: &str = r#"{"type":"FeatureCollection","features":[
      {"type":"Feature","id":7,"properties":{"code":"a","name":"甲"},
       "geometry":{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,1],[0,0]]]}},
      {"type":"Feature","id":"x","properties":{"code":12,"id":"b"},
       "geometry":{"type":"MultiPolygon","coordinates":[[[[1,0],[2,0],[2,1],[1,0]]],[[[3,0],[4,0],[4,1],[3,0]]]]}},
      {"type":"Feature","properties":{"code":"p"},"geometry":{"type":"Point","coordinates":[5,5]}}
    ]}"#;

    #[test]
    fn reads_polygons_and_multipolygons_by_key() {
        let s = parse(TWO, "m.geojson", Some("code")).expect("parses");
        let ids: Vec<&str> = s.units.iter().map(|u| u.id.as_str()).collect();
        assert_eq!(ids, ["a", "12"]);
        assert_eq!(s.units[0].polygons.len(), 1);
        assert_eq!(s.units[0].polygons[0][0].len(), 5);
        assert_eq!(s.units[0].name.as_deref(), Some("甲"));
        assert_eq!(s.units[1].polygons.len(), 2);
        assert_eq!(s.warnings.len(), 1);
        assert!(s.warnings[0].contains("feature 3 (Point)"), "{:?}", s.warnings);
        assert_eq!(s.key, "code");
    }

    #[test]
    fn without_key_the_property_id_else_the_features_id() {
        let s = parse(TWO, "m.geojson", None).expect("parses");
        let ids: Vec<&str> = s.units.iter().map(|u| u.id.as_str()).collect();
        assert_eq!(ids, ["7", "b"]);
    }

    #[test]
    fn a_missing_key_names_the_property_and_the_ones_there_are() {
        let e = parse(TWO, "m.geojson", Some("village_id")).expect_err("no such property");
        let text = e.to_string();
        assert!(
            text.contains("feature 1 of 3 in m.geojson has no property `village_id`"),
            "{text}"
        );
        assert!(text.contains("`code`, `name`"), "{text}");
        assert!(text.contains("--key"), "{text}");
        assert_eq!(e.kind().exit_code(), 1);
    }

    #[test]
    fn features_of_one_id_are_one_unit() {
        let text = r#"{"type":"FeatureCollection","features":[
          {"type":"Feature","properties":{"id":"a"},"geometry":{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,0]]]}},
          {"type":"Feature","properties":{"id":"a"},"geometry":{"type":"Polygon","coordinates":[[[5,0],[6,0],[6,1],[5,0]]]}}
        ]}"#;
        let s = parse(text, "m.geojson", None).expect("parses");
        assert_eq!(s.units.len(), 1);
        assert_eq!(s.units[0].polygons.len(), 2);
    }

    #[test]
    fn not_geojson_is_a_clear_error() {
        for text in [
            "id,lon,lat\n1,2,3\n",
            r#"{"a": 1}"#,
            r#"{"type":"Point","coordinates":[1,2]}"#,
        ] {
            let e = parse(text, "m.geojson", None).expect_err("not GeoJSON");
            let shown = e.to_string();
            assert!(shown.contains("m.geojson"), "{shown}");
            assert!(shown.contains("FeatureCollection"), "{shown}");
        }
        let e = parse(r#"{"type":"FeatureCollection","features":[]}"#, "m.geojson", None).expect_err("empty");
        assert!(e.to_string().contains("no features"));
        let points = r#"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"id":"a"},"geometry":{"type":"Point","coordinates":[1,2]}}]}"#;
        let e = parse(points, "m.geojson", None).expect_err("no polygon");
        assert!(e.to_string().contains("no Polygon or MultiPolygon feature"), "{e}");
    }
}
