use super::*;
use crate::error::{ErrorKind, Location};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use std::io::Write;

const STL_GAL: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/data/pysal/stl-stl.gal");
/// As esda's test suite publishes it (more digits than an f64 holds).
#[allow(clippy::excessive_precision)]
const PYSAL_I: f64 = 0.24365582621771659;
const STL_HOM: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/data/pysal/stl-stl_hom.txt");

fn line_of(e: &Error) -> Option<u64> {
    match e.location() {
        Some(Location::File { line, .. }) => *line,
        Some(Location::Cell(cell)) => Some(cell.row),
        _ => None,
    }
}

fn temp(name: &str, text: &str) -> (tempfile::TempDir, String) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(name);
    std::fs::File::create(&path)
        .unwrap()
        .write_all(text.as_bytes())
        .unwrap();
    let path = path.to_string_lossy().into_owned();
    (dir, path)
}

fn counts(graph: &Graph, ids: &[&str]) -> Vec<usize> {
    ids.iter()
        .map(|id| graph.neighbours(graph.unit(id).unwrap()).len())
        .collect()
}

/// PySAL's published example (esda's test_moran.py): HR8893 of the 78
/// counties around St. Louis with the row-standardized queen weights of
/// stl.gal: I = 0.24365582621771659, E[I] = −1/77, one-tailed normal
/// p = 0.00013573931385468807.
#[test]
fn st_louis_homicides_reproduce_pysal() {
    let text = std::fs::read_to_string(STL_HOM)
        .expect("../shared/data/pysal/stl-stl_hom.txt beside the repository (see SPEC.md)");
    let mut lines = text.lines();
    assert_eq!(lines.next().map(str::trim), Some("78,4"));
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let column = header.iter().position(|h| h.trim_matches('"') == "HR8893").unwrap();
    let y: Vec<f64> = lines
        .filter(|l| !l.trim().is_empty())
        .map(|l| l.split(',').nth(column).unwrap().trim().parse().unwrap())
        .collect();
    assert_eq!(y.len(), 78);
    let ids: Vec<String> = (1..=78).map(|k| k.to_string()).collect();
    let ids: Vec<&str> = ids.iter().map(String::as_str).collect();
    let graph = load(&Source::Gal(STL_GAL.to_string())).unwrap();
    let (w, warnings) = weights(&graph, &ids, Transform::Row).unwrap();
    assert!(warnings.is_empty(), "{warnings:?}");
    let m = moran(&y, &w, &Settings::default()).unwrap();
    let g = m.global.unwrap();
    assert!((g.i - PYSAL_I).abs() <= 1e-12 * PYSAL_I, "{}", g.i);
    assert!((g.expected + 1.0 / 77.0).abs() < 1e-15);
    let one_tailed = g.p_norm.unwrap() / 2.0;
    assert!((one_tailed - 0.00013573931385468807).abs() < 1e-12, "{one_tailed}");
    assert!(g.p_sim.unwrap() <= 0.01, "{:?}", g.p_sim);
    assert_eq!(m.units.len(), 78);
    let again = moran(&y, &w, &Settings::default()).unwrap();
    assert_eq!(again.units, m.units);
}

#[test]
fn gal_files_parse_with_islands_and_headers() {
    let g = gal::parse("a.gal", "0 3 shape key\nA 2\nB C\nB 1\nA\nC 0\n\n").unwrap();
    assert_eq!(counts(&g, &["A", "B", "C"]), [2, 1, 0]);
    // An island's empty line may be left out.
    let g = gal::parse("a.gal", "3\nC 0\nA 1\nB\nB 1\nA\n").unwrap();
    assert_eq!(counts(&g, &["A", "B", "C"]), [1, 1, 0]);
}

#[test]
fn gal_errors_say_where() {
    let cases = [
        ("three\nA 1\nB\n", 1, "first line"),
        ("2\nA 1\nB\nB x\nA\n", 4, "`id k`"),
        ("2\nA 2\nB\nB 1\nA\n", 3, "lists 1"),
        ("2\nA 1\nB\nA 1\nB\n", 4, "twice"),
        ("3\nA 1\nB\nB 1\nA\n", 1, "lists 2"),
        ("2\nA 1\nB\nB 1\n", 4, "file ends"),
        ("1\nA 2\nB B\n", 3, "twice"),
    ];
    for (text, line, words) in cases {
        let e = gal::parse("w.gal", text).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Data);
        assert_eq!(line_of(&e), Some(line), "{text:?}: {e}");
        assert!(e.to_string().contains(words), "{text:?}: {e}");
    }
    assert!(gal::parse("w.gal", "\n\n").is_err());
}

#[test]
fn edge_lists_parse_weights_and_symmetry() {
    let text = "id,neighbour,weight\nA,B,2\nB,A,3\nB,C,0.5\n";
    let g = edges::parse("e.csv", text, false).unwrap();
    assert_eq!(counts(&g, &["A", "B", "C"]), [1, 2, 0]);
    let g = edges::parse("e.csv", text, true).unwrap();
    assert_eq!(counts(&g, &["A", "B", "C"]), [1, 2, 1]);
    let c = g.unit("C").unwrap();
    assert_eq!(g.neighbours(c), &[(g.unit("B").unwrap(), 0.5)]);
    let a = g.unit("A").unwrap();
    assert_eq!(
        g.neighbours(a),
        &[(g.unit("B").unwrap(), 2.0)],
        "an existing reverse keeps its weight"
    );
    let g = edges::parse("e.csv", "from,to\nA,B\n", true).unwrap();
    assert_eq!(g.neighbours(0), &[(1, 1.0)]);
}

#[test]
fn edge_list_errors_say_where() {
    let cases = [
        ("id,neighbour,weight\nA,B,1\nA,C,-1\n", 3, "not a positive number"),
        ("id,neighbour,weight\nA,B,1\nA,C,\n", 3, "not a positive number"),
        ("id,neighbour,weight\nA,B,abc\n", 2, "not a positive number"),
        ("id,neighbour\nA,B\nC\n", 3, "fewer than 2"),
        ("id,neighbour\nA,B\n,B\n", 3, "empty id"),
        ("id,neighbour\nA,B\nC,D\nA,B\n", 4, "twice (first at row 2)"),
        ("id\nA\n", 1, "1 column"),
    ];
    for (text, row, words) in cases {
        let e = edges::parse("e.csv", text, false).unwrap_err();
        assert_eq!(line_of(&e), Some(row), "{text:?}: {e}");
        assert!(e.to_string().contains(words), "{text:?}: {e}");
    }
    let e = edges::parse("e.csv", "id,neighbour,weight\nA,B,x\n", false).unwrap_err();
    assert!(matches!(e.location(), Some(Location::Cell(c)) if c.column == Some(3)));
}

/// A 3×3 grid of unit squares, ids `r{row}c{col}`, as GeoJSON; the centre
/// as a MultiPolygon, one corner's id as the feature id.
fn grid_geojson() -> String {
    let mut features = Vec::new();
    for r in 0..3 {
        for c in 0..3 {
            let (x, y) = (c as f64, r as f64);
            let ring = format!(
                "[[{x},{y}],[{},{y}],[{},{}],[{x},{}],[{x},{y}]]",
                x + 1.0,
                x + 1.0,
                y + 1.0,
                y + 1.0
            );
            let geometry = if (r, c) == (1, 1) {
                format!(r#"{{"type":"MultiPolygon","coordinates":[[{ring}]]}}"#)
            } else {
                format!(r#"{{"type":"Polygon","coordinates":[{ring}]}}"#)
            };
            let id = if (r, c) == (0, 0) {
                r#""id":"r0c0","properties":{"name":"x"}"#.to_string()
            } else {
                format!(r#""properties":{{"id":"r{r}c{c}"}}"#)
            };
            features.push(format!(r#"{{"type":"Feature",{id},"geometry":{geometry}}}"#));
        }
    }
    format!(r#"{{"type":"FeatureCollection","features":[{}]}}"#, features.join(","))
}

#[test]
fn geojson_grid_queen_and_rook() {
    let (_dir, path) = temp("grid.geojson", &grid_geojson());
    let ids = ["r0c0", "r0c1", "r1c1"];
    let queen = load(&Source::GeoJson {
        path: path.clone(),
        key: None,
        rook: false,
    })
    .unwrap();
    assert_eq!(counts(&queen, &ids), [3, 5, 8]);
    let rook = load(&Source::GeoJson {
        path: path.clone(),
        key: None,
        rook: true,
    })
    .unwrap();
    assert_eq!(counts(&rook, &ids), [2, 3, 4]);
    let all: Vec<String> = (0..9).map(|k| format!("r{}c{}", k / 3, k % 3)).collect();
    let all: Vec<&str> = all.iter().map(String::as_str).collect();
    assert_eq!(counts(&queen, &all), [3, 5, 3, 5, 8, 5, 3, 5, 3]);
    assert_eq!(counts(&rook, &all), [2, 3, 2, 3, 4, 3, 2, 3, 2]);
    // An explicit key every feature must have: r0c0 has `name`, the others not.
    let e = load(&Source::GeoJson {
        path,
        key: Some("name".into()),
        rook: false,
    })
    .unwrap_err();
    assert!(e.to_string().contains("`name`"), "{e}");
}

#[test]
fn geojson_errors() {
    let point = r#"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"id":1},"geometry":{"type":"Point","coordinates":[1,2]}}]}"#;
    let (_dir, path) = temp("p.geojson", point);
    let e = polygons::load(&path, None, false).unwrap_err();
    assert!(e.to_string().contains("no Polygon or MultiPolygon"), "{e}");
    let (_dir, path) = temp("bad.geojson", "{\n\"type\": \"FeatureCollection\",\n\"features\": [,]}");
    let e = polygons::load(&path, None, false).unwrap_err();
    assert!(e.to_string().contains("is not GeoJSON"), "{e}");
}

/// Random (lon, lat) points, some repeated so that ties occur.
fn random_points(rng: &mut ChaCha8Rng, n: usize) -> Vec<(String, f64, f64)> {
    let mut units: Vec<(String, f64, f64)> = (0..n)
        .map(|k| {
            (
                format!("u{k}"),
                rng.random_range(100.0..120.0),
                rng.random_range(20.0..40.0),
            )
        })
        .collect();
    for k in (0..n).step_by(17) {
        let (lon, lat) = (units[(k * 7) % n].1, units[(k * 7) % n].2);
        units[k].1 = lon;
        units[k].2 = lat;
    }
    units
}

#[test]
fn knn_and_band_agree_with_brute_force() {
    let mut rng = ChaCha8Rng::seed_from_u64(3);
    let units = random_points(&mut rng, 400);
    let d = |a: usize, b: usize| haversine_km((units[a].1, units[a].2), (units[b].1, units[b].2));
    for k in [1, 4, 6] {
        let g = coords::graph(&units, Nearest::Knn(k)).unwrap();
        for u in 0..units.len() {
            let mut others: Vec<usize> = (0..units.len()).filter(|&v| v != u).collect();
            others.sort_by(|&a, &b| {
                d(u, a)
                    .total_cmp(&d(u, b))
                    .then(units[a].0.as_bytes().cmp(units[b].0.as_bytes()))
            });
            let mut want: Vec<usize> = others.into_iter().take(k).collect();
            want.sort_unstable();
            let got: Vec<usize> = g.neighbours(u).iter().map(|n| n.0).collect();
            assert_eq!(got, want, "unit {u}, k {k}");
        }
    }
    for km in [50.0, 300.0] {
        let g = coords::graph(&units, Nearest::Band(km)).unwrap();
        for u in 0..units.len() {
            let want: Vec<usize> = (0..units.len()).filter(|&v| v != u && d(u, v) <= km).collect();
            let got: Vec<usize> = g.neighbours(u).iter().map(|n| n.0).collect();
            assert_eq!(got, want, "unit {u}, band {km}");
        }
    }
}

#[test]
fn coordinates_are_checked_and_distances_right() {
    // A quarter of the equator: π/2 · R.
    let quarter = haversine_km((0.0, 0.0), (90.0, 0.0));
    assert!((quarter - std::f64::consts::FRAC_PI_2 * EARTH_RADIUS_KM).abs() < 1e-9);
    let units = vec![("a".to_string(), 0.0, 95.0)];
    assert!(coords::graph(&units, Nearest::Knn(2)).is_err());
    let units = vec![("a".to_string(), 0.0, 0.0), ("a".to_string(), 1.0, 0.0)];
    assert!(coords::graph(&units, Nearest::Knn(1)).is_err());
    assert_eq!(
        coords::graph(&units, Nearest::Knn(0)).unwrap_err().kind(),
        ErrorKind::Usage
    );
    // Ties at equal distance go to the smaller id, as bytes ("B" < "a").
    let units = vec![
        ("o".to_string(), 0.0, 0.0),
        ("a".to_string(), 1.0, 0.0),
        ("B".to_string(), -1.0, 0.0),
    ];
    let g = coords::graph(&units, Nearest::Knn(1)).unwrap();
    assert_eq!(g.neighbours(0), &[(2, 1.0)]);
}

#[test]
fn weights_list_missing_units_and_warn() {
    let g = edges::parse("e.csv", "id,nb\nA,B\nB,A\nB,X\nC,X\nD,A\n", false).unwrap();
    let e = weights(&g, &["A", "Q", "B", "Z"], Transform::Row).unwrap_err();
    assert!(
        e.to_string()
            .contains("2 unit(s) of the data are not in the neighbours source: `Q`, `Z`"),
        "{e}"
    );
    let (w, warnings) = weights(&g, &["B", "A", "C"], Transform::Row).unwrap();
    assert_eq!(w.rows(), &[vec![(1, 1.0)], vec![(0, 1.0)], vec![]]);
    assert!(
        warnings[0].starts_with("2 neighbour link(s) point to 1 unit(s) not in the data"),
        "{warnings:?}"
    );
    assert!(
        warnings[1].contains("1 island(s)") && warnings[1].contains("`C`"),
        "{warnings:?}"
    );
    let many: Vec<String> = (0..25).map(|k| format!("m{k}")).collect();
    let many: Vec<&str> = many.iter().map(String::as_str).collect();
    let e = weights(&g, &many, Transform::Row).unwrap_err();
    assert!(e.to_string().contains("`m9`, and 15 more"), "{e}");
    let g = edges::parse("e.csv", "id,nb,w\nA,B,2\nA,C,6\nB,A,1\nC,A,1\n", false).unwrap();
    let (w, _) = weights(&g, &["A", "B", "C"], Transform::Row).unwrap();
    assert_eq!(w.row(0), &[(1, 0.25), (2, 0.75)]);
    let (w, _) = weights(&g, &["A", "B", "C"], Transform::Binary).unwrap();
    assert_eq!(w.row(0), &[(1, 1.0), (2, 1.0)]);
}

#[test]
fn a_gal_neighbour_is_not_a_unit_of_the_source() {
    let g = gal::parse("w.gal", "1\nA 1\nB\n").unwrap();
    let e = weights(&g, &["A", "B"], Transform::Row).unwrap_err();
    assert!(e.to_string().contains("`B`"), "{e}");
}

#[test]
fn a_period_leaves_out_units_without_a_value() {
    let g = gal::parse("w.gal", "4\nA 1\nB\nB 2\nA C\nC 2\nB D\nD 1\nC\n").unwrap();
    let values = PeriodValues {
        label: "2024",
        units: vec![
            ("A", None, Some(1.0)),
            ("B", None, None),
            ("C", None, Some(3.0)),
            ("D", None, Some(4.0)),
        ],
    };
    let p = period(&values, &g, Transform::Row, &Settings::default()).unwrap();
    assert_eq!(p.units, [(0, 1.0), (2, 3.0), (3, 4.0)]);
    assert_eq!(p.moran.units.len(), 3);
    assert!(
        p.warnings.iter().any(|w| w.contains("1 unit(s) without a value")),
        "{:?}",
        p.warnings
    );
    assert!(
        p.warnings.iter().any(|w| w.contains("island") && w.contains("`A`")),
        "{:?}",
        p.warnings
    );
    let values = PeriodValues {
        label: "2025",
        units: vec![("E", None, Some(1.0))],
    };
    let e = period(&values, &g, Transform::Row, &Settings::default()).unwrap_err();
    assert!(e.to_string().contains("in period `2025`"), "{e}");
}

/// 50,000 square villages (a 200 × 250 grid): queen contiguity in seconds
/// (run with `cargo test --release -- --ignored contiguity_scales`).
#[test]
#[ignore]
fn contiguity_scales() {
    let mut features = Vec::new();
    for r in 0..200 {
        for c in 0..250 {
            let (x, y) = (100.0 + c as f64 * 0.01, 30.0 + r as f64 * 0.01);
            let ring = format!(
                "[[{x},{y}],[{},{y}],[{},{}],[{x},{}],[{x},{y}]]",
                x + 0.01,
                x + 0.01,
                y + 0.01,
                y + 0.01
            );
            features.push(format!(r#"{{"type":"Feature","properties":{{"id":"v{r}-{c}"}},"geometry":{{"type":"Polygon","coordinates":[{ring}]}}}}"#));
        }
    }
    let text = format!(r#"{{"type":"FeatureCollection","features":[{}]}}"#, features.join(","));
    let (_dir, path) = temp("big.geojson", &text);
    let start = std::time::Instant::now();
    let g = polygons::load(&path, None, false).unwrap();
    let took = start.elapsed();
    assert_eq!(g.len(), 50_000);
    assert!(took.as_secs() < 10, "{took:?}");
    let mut rng = ChaCha8Rng::seed_from_u64(1);
    let units = random_points(&mut rng, 50_000);
    let start = std::time::Instant::now();
    let g = coords::graph(&units, Nearest::Knn(6)).unwrap();
    assert_eq!(g.len(), 50_000);
    assert!(start.elapsed().as_secs() < 10, "{:?}", start.elapsed());
    eprintln!("contiguity {took:?}, knn {:?}", start.elapsed());
    let ids: Vec<&str> = units.iter().map(|u| u.0.as_str()).collect();
    let (w, _) = weights(&g, &ids, Transform::Row).unwrap();
    let y: Vec<f64> = (0..ids.len()).map(|_| rng.random_range(0.0..100.0)).collect();
    let start = std::time::Instant::now();
    let m = moran(&y, &w, &Settings::default()).unwrap();
    assert!(m.global.is_some());
    eprintln!("moran with 999 permutations {:?}", start.elapsed());
}

#[test]
fn sources_are_named_by_extension() {
    assert_eq!(
        Source::from_path("w.GAL", true, None, false).unwrap(),
        Source::Gal("w.GAL".into())
    );
    assert!(matches!(
        Source::from_path("e.csv", true, None, false),
        Ok(Source::Edges { symmetric: true, .. })
    ));
    assert!(matches!(
        Source::from_path("m.json", false, Some("code"), true),
        Ok(Source::GeoJson { rook: true, .. })
    ));
    let e = Source::from_path("w.shp", false, None, false).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Usage);
}
