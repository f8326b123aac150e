//! `linkscore spatial` through the real binary (SPEC.md "Spatial:
//! `spatial`"): Moran's I and LISA against PySAL's published St. Louis
//! figure, a 2×3 lattice worked by hand, a hand-made GeoJSON grid, and
//! neighbours from coordinates.
//!
//! The rubric [`ONE`] has one indicator with `normalize = "none"` and
//! `scale = 1`, so a unit's score is its value exactly (checked first with
//! `score`). Every expected figure comes from [`reference`]: SPEC's formulas
//! written out over a dense weights matrix, independently of the library.
//! Errors and warnings are in `spatial_errors.rs`, the permutation p-values
//! and random edge lists in `spatial_permutations.rs`, the shipped sample and
//! the report in `spatial_sample.rs`.

use crate::support::{self, Row, fails, ls_in, ok, p, read_csv, write};
use std::path::Path;

/// One indicator `v`, score = v (no normalization, scale 1).
pub const ONE: &str = r#"
[rubric]
name = "Spatial fixture"
version = "s1"
id = "id"
scale = 1
normalize = "none"
weighting = "explicit"
missing = "reweight"

[[dimension]]
id = "d"
name = "D"
weight = 1

[[indicator]]
id = "v"
dimension = "d"
weight = 1
"#;

// ---------------------------------------------------------------------------
// The reference: SPEC's formulas over a dense matrix.

/// Global and local Moran of `y` under the dense weights `w` (w[i][j]).
pub struct Reference {
    pub i: f64,
    pub expected: f64,
    pub var: f64,
    pub z: f64,
    pub lag: Vec<f64>,
    /// `None` for an island (an all-zero row).
    pub local: Vec<Option<f64>>,
}

pub fn reference(y: &[f64], w: &[Vec<f64>]) -> Reference {
    let n = y.len();
    let nf = n as f64;
    let mean = y.iter().sum::<f64>() / nf;
    let z: Vec<f64> = y.iter().map(|v| v - mean).collect();
    let m2: f64 = z.iter().map(|v| v * v).sum();
    let mut s0 = 0.0;
    let mut cross = 0.0;
    let mut s1 = 0.0;
    for i in 0..n {
        for j in 0..n {
            s0 += w[i][j];
            cross += w[i][j] * z[i] * z[j];
            s1 += (w[i][j] + w[j][i]).powi(2);
        }
    }
    s1 /= 2.0;
    let s2: f64 = (0..n)
        .map(|i| {
            let row: f64 = (0..n).map(|j| w[i][j]).sum();
            let col: f64 = (0..n).map(|j| w[j][i]).sum();
            (row + col).powi(2)
        })
        .sum();
    let i_global = nf / s0 * cross / m2;
    let expected = -1.0 / (nf - 1.0);
    let var = (nf * nf * s1 - nf * s2 + 3.0 * s0 * s0) / ((nf * nf - 1.0) * s0 * s0) - expected * expected;
    let lag: Vec<f64> = (0..n).map(|i| (0..n).map(|j| w[i][j] * z[j]).sum()).collect();
    let local = (0..n)
        .map(|i| w[i].iter().any(|x| *x != 0.0).then(|| (nf - 1.0) * z[i] * lag[i] / m2))
        .collect();
    Reference {
        i: i_global,
        expected,
        var,
        z: (i_global - expected) / var.sqrt(),
        lag,
        local,
    }
}

/// Dense weights from neighbour lists (0-based): row-standardized, or 1 per
/// neighbour when `binary`.
pub fn dense(neighbours: &[Vec<usize>], binary: bool) -> Vec<Vec<f64>> {
    let n = neighbours.len();
    neighbours
        .iter()
        .map(|list| {
            let mut row = vec![0.0; n];
            for &j in list {
                row[j] = if binary { 1.0 } else { 1.0 / list.len() as f64 };
            }
            row
        })
        .collect()
}

/// The quadrant SPEC gives a unit (a zero goes with the low side).
pub fn quadrant(z: f64, lag: f64) -> &'static str {
    match (z > 0.0, lag > 0.0) {
        (true, true) => "HH",
        (false, true) => "LH",
        (false, false) => "LL",
        (true, false) => "HL",
    }
}

/// Two-sided normal p, 2(1 − Φ(|z|)), by Abramowitz & Stegun 7.1.26
/// (absolute error below 1.5e-7).
pub fn p_normal(z: f64) -> f64 {
    let x = z.abs() / std::f64::consts::SQRT_2;
    let t = 1.0 / (1.0 + 0.327_591_1 * x);
    let poly =
        t * (0.254_829_592 + t * (-0.284_496_736 + t * (1.421_413_741 + t * (-1.453_152_027 + t * 1.061_405_429))));
    poly * (-x * x).exp()
}

/// `actual` within `rel` (relative) of `expected`.
pub fn close(actual: f64, expected: f64, rel: f64, what: &str) {
    assert!(
        ((actual - expected) / expected).abs() <= rel,
        "{what}: got {actual:e}, expected {expected:e}"
    );
}

/// The data CSV `id,v` of `ids` and `values`.
pub fn data_csv(ids: &[String], values: &[f64]) -> String {
    let mut s = String::from("id,v\n");
    for (id, v) in ids.iter().zip(values) {
        s.push_str(&format!("{id},{}\n", support::literal(*v)));
    }
    s
}

/// A GAL file of the neighbour lists (0-based) of `ids`.
pub fn gal(ids: &[String], neighbours: &[Vec<usize>]) -> String {
    let mut s = format!("{}\n", ids.len());
    for (id, list) in ids.iter().zip(neighbours) {
        s.push_str(&format!("{id} {}\n", list.len()));
        let names: Vec<&str> = list.iter().map(|j| ids[*j].as_str()).collect();
        s.push_str(&names.join(" "));
        s.push('\n');
    }
    s
}

/// `linkscore spatial ARGS -r one.toml` in `dir` (the rubric is written there).
pub fn spatial(dir: &Path, args: &[&str]) -> support::Run {
    write(dir, "one.toml", ONE);
    let mut all = vec!["spatial"];
    all.extend_from_slice(args);
    all.extend(["-r", "one.toml"]);
    ls_in(dir, &all)
}

pub fn global_row(dir: &Path, args: &[&str]) -> Row {
    let mut all = args.to_vec();
    all.push("--global");
    let rows = read_csv(&ok(spatial(dir, &all)).stdout);
    assert_eq!(rows.len(), 1, "one period, one row: {rows:?}");
    rows[0].clone()
}

/// Each unit's checked figures against the reference, by `ids`.
pub fn check_units(rows: &[Row], ids: &[String], y: &[f64], r: &Reference, what: &str) {
    let mean = y.iter().sum::<f64>() / y.len() as f64;
    assert_eq!(rows.len(), ids.len(), "{what}: one row per unit");
    for (k, id) in ids.iter().enumerate() {
        let row = support::row(rows, id);
        support::assert_close(support::number(row, "value"), y[k], &format!("{what} {id} value"));
        let lag = support::number(row, "lag");
        assert!(
            (lag - r.lag[k]).abs() <= 1e-9 * (1.0 + r.lag[k].abs()),
            "{what} {id} lag {lag} vs {}",
            r.lag[k]
        );
        match r.local[k] {
            Some(local) => {
                let got = support::number(row, "local_i");
                assert!(
                    (got - local).abs() <= 1e-9 * (1.0 + local.abs()),
                    "{what} {id} local_i {got} vs {local}"
                );
                assert_eq!(row["quadrant"], quadrant(y[k] - mean, r.lag[k]), "{what} {id} quadrant");
            }
            None => {
                for c in ["local_i", "p_sim", "quadrant", "cluster"] {
                    assert_eq!(row[c], "", "{what} {id}: an island's {c} is empty");
                }
            }
        }
    }
}

// ---------------------------------------------------------------------------
// The rubric

#[test]
fn the_rubric_scores_the_value_itself() {
    let dir = support::tmp();
    let d = dir.path();
    write(d, "one.toml", ONE);
    write(d, "d.csv", "id,v\na,1.624458\nb,45.905406\nc,0\nd,250.5\n");
    let rows = read_csv(&ok(ls_in(d, &["score", "d.csv", "-r", "one.toml", "-f", "csv"])).stdout);
    for (id, v) in [("a", 1.624458), ("b", 45.905406), ("c", 0.0), ("d", 250.5)] {
        support::assert_close(support::num(&rows, id, "score"), v, id);
    }
}

// ---------------------------------------------------------------------------
// PySAL's St. Louis homicide rates

/// PySAL's published Moran's I of HR8893 (`esda/tests/test_moran.py`),
/// written as published.
#[allow(clippy::excessive_precision)]
const PYSAL_I: f64 = 0.24365582621771659;

/// The St. Louis data (id = 1-based row, value = HR8893) and the neighbour
/// lists of stl.gal, read here independently of linkscore.
fn st_louis() -> (Vec<String>, Vec<f64>, Vec<Vec<usize>>) {
    let text = std::fs::read_to_string(support::shared("data/pysal/stl-stl_hom.txt")).expect("stl_hom.txt");
    let mut lines = text.lines().skip(1);
    let header: Vec<&str> = lines.next().expect("a header").split(',').collect();
    let column = header
        .iter()
        .position(|h| h.trim_matches('"') == "HR8893")
        .expect("HR8893");
    let values: Vec<f64> = lines
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            l.split(',')
                .nth(column)
                .expect("a cell")
                .trim()
                .parse()
                .expect("a number")
        })
        .collect();
    let ids: Vec<String> = (1..=values.len()).map(|k| k.to_string()).collect();
    let gal = std::fs::read_to_string(support::shared("data/pysal/stl-stl.gal")).expect("stl.gal");
    let mut lines = gal.lines().filter(|l| !l.trim().is_empty());
    let n: usize = lines.next().expect("n").trim().parse().expect("a count");
    assert_eq!(n, values.len());
    let mut neighbours = vec![Vec::new(); n];
    while let (Some(head), Some(list)) = (lines.next(), lines.next()) {
        let unit: usize = head
            .split_whitespace()
            .next()
            .expect("an id")
            .parse()
            .expect("a number");
        neighbours[unit - 1] = list
            .split_whitespace()
            .map(|j| j.parse::<usize>().expect("an id") - 1)
            .collect();
    }
    (ids, values, neighbours)
}

#[test]
fn st_louis_reproduces_pysal() {
    let (ids, y, neighbours) = st_louis();
    assert_eq!(y.len(), 78);
    let dir = support::tmp();
    let d = dir.path();
    write(d, "stl.csv", data_csv(&ids, &y));
    let gal = support::shared("data/pysal/stl-stl.gal");
    let g = global_row(d, &["stl.csv", "--neighbours", p(&gal)]);
    assert_eq!(g["n"], "78");
    close(support::number(&g, "moran_i"), PYSAL_I, 1e-12, "Moran's I (PySAL)");
    let r = reference(&y, &dense(&neighbours, false));
    close(support::number(&g, "expected_i"), r.expected, 1e-12, "E[I]");
    close(r.expected, -1.0 / 77.0, 1e-15, "E[I] = -1/77");
    close(r.i, PYSAL_I, 1e-12, "the reference's own I");
    close(support::number(&g, "variance_norm"), r.var, 1e-10, "Var[I]");
    close(support::number(&g, "z_norm"), r.z, 1e-10, "z");
    assert!(
        (support::number(&g, "p_norm") - p_normal(r.z)).abs() < 1e-6,
        "p_norm {g:?}"
    );
    assert_eq!(g["permutations"], "999");
    // The per-unit rows agree with the reference too.
    let rows = read_csv(&ok(spatial(d, &["stl.csv", "--neighbours", p(&gal)])).stdout);
    check_units(&rows, &ids, &y, &r, "St. Louis");
}

// ---------------------------------------------------------------------------
// A 2×3 lattice by hand
//
//   1 2 3      values y = 1 2 3      mean 3.5, z = −2.5 −1.5 −0.5
//   4 5 6                 4 5 6                    0.5  1.5  2.5
//
// Rook neighbours: 1:{2,4} 2:{1,3,5} 3:{2,6} 4:{1,5} 5:{2,4,6} 6:{3,5};
// Σ z² = 17.5, n = 6, E[I] = −1/5.
// Row-standardized: lag = (z2+z4)/2 = −0.5, (z1+z3+z5)/3 = −0.5,
// (z2+z6)/2 = 0.5, (z1+z5)/2 = −0.5, (z2+z4+z6)/3 = 0.5, (z3+z5)/2 = 0.5;
// Σ z_i lag_i = 1.25 + 0.75 − 0.25 − 0.25 + 0.75 + 1.25 = 3.5, S0 = 6,
// I = (6/6)·3.5/17.5 = 0.2.
// Quadrants: LL LL LH HL HH HH. I_i = 5 z_i lag_i / 17.5 = 5/14, 3/14,
// −1/14, −1/14, 3/14, 5/14.
// S1 = Σ over the 7 edges of (w_ij + w_ji)²: four edges between a corner (½)
// and a middle (⅓): 4·(5/6)² = 100/36; 1–4 and 3–6: 2·1; 2–5: (2/3)² =
// 16/36; S1 = 47/9. Column sums: corners ½+⅓ = 5/6, middles ½+½+⅓ = 4/3;
// S2 = 4·(11/6)² + 2·(7/3)² = 73/3.
// Var = (36·47/9 − 6·73/3 + 3·36)/(35·36) − 1/25 = 150/1260 − 1/25 = 83/1050.
// Binary: S0 = 14, Σ_ij z_i z_j over ordered neighbour pairs = 2·(3.75 −
// 1.25 + 0.75 − 2.25 − 1.25 + 0.75 + 3.75) = 8.5, I = (6/14)·8.5/17.5 = 51/245.

pub fn lattice() -> (Vec<String>, Vec<f64>, Vec<Vec<usize>>) {
    let ids = (1..=6).map(|k| k.to_string()).collect();
    let y = vec![1.0, 2.0, 3.0, 4.0, 5.0, 6.0];
    let neighbours = vec![
        vec![1, 3],
        vec![0, 2, 4],
        vec![1, 5],
        vec![0, 4],
        vec![1, 3, 5],
        vec![2, 4],
    ];
    (ids, y, neighbours)
}

/// The lattice's rook edges, each once (the lower id first).
pub const LATTICE_EDGES: &str = "id,neighbour\n1,2\n1,4\n2,3\n2,5\n3,6\n4,5\n5,6\n";

#[test]
fn lattice_by_hand() {
    let (ids, y, neighbours) = lattice();
    let dir = support::tmp();
    let d = dir.path();
    write(d, "l.csv", data_csv(&ids, &y));
    write(d, "l.gal", gal(&ids, &neighbours));
    write(d, "edges.csv", LATTICE_EDGES);

    let r = reference(&y, &dense(&neighbours, false));
    // The reference agrees with the hand computation above.
    close(r.i, 0.2, 1e-12, "hand I");
    close(r.var, 83.0 / 1050.0, 1e-12, "hand Var");
    let hand_local = [5.0, 3.0, -1.0, -1.0, 3.0, 5.0].map(|x| x / 14.0);
    for (k, l) in hand_local.iter().enumerate() {
        close(r.local[k].expect("no island"), *l, 1e-12, "hand I_i");
    }

    let g = global_row(d, &["l.csv", "--neighbours", "l.gal"]);
    assert_eq!(g["n"], "6");
    close(support::number(&g, "moran_i"), 0.2, 1e-12, "I");
    close(support::number(&g, "expected_i"), -0.2, 1e-12, "E[I]");
    close(support::number(&g, "variance_norm"), 83.0 / 1050.0, 1e-12, "Var[I]");
    let z = 0.4 / (83.0f64 / 1050.0).sqrt();
    close(support::number(&g, "z_norm"), z, 1e-12, "z");
    assert!(
        (support::number(&g, "p_norm") - p_normal(z)).abs() < 1e-6,
        "p_norm {g:?}"
    );

    let gal_out = ok(spatial(d, &["l.csv", "--neighbours", "l.gal"])).stdout;
    let rows = read_csv(&gal_out);
    check_units(&rows, &ids, &y, &r, "lattice");
    let hand_quadrants = ["LL", "LL", "LH", "HL", "HH", "HH"];
    let hand_lags = [-0.5, -0.5, 0.5, -0.5, 0.5, 0.5];
    for (k, id) in ids.iter().enumerate() {
        assert_eq!(support::row(&rows, id)["quadrant"], hand_quadrants[k], "{id}");
        close(support::num(&rows, id, "lag"), hand_lags[k], 1e-12, "lag");
    }

    // The same neighbours as a one-way edge list made symmetric: the same output.
    let edges_out = ok(spatial(d, &["l.csv", "--neighbours", "edges.csv", "--symmetric"])).stdout;
    assert_eq!(edges_out, gal_out, "GAL and the symmetric edge list agree");
    let edges_global = global_row(d, &["l.csv", "--neighbours", "edges.csv", "--symmetric"]);
    assert_eq!(edges_global, g);

    // Binary weights: I = 51/245 by hand, and the reference's Var.
    let rb = reference(&y, &dense(&neighbours, true));
    close(rb.i, 51.0 / 245.0, 1e-12, "hand binary I");
    let b = global_row(d, &["l.csv", "--neighbours", "l.gal", "--transform", "binary"]);
    close(support::number(&b, "moran_i"), 51.0 / 245.0, 1e-12, "binary I");
    close(support::number(&b, "variance_norm"), rb.var, 1e-12, "binary Var");
    close(support::number(&b, "z_norm"), rb.z, 1e-12, "binary z");
    let brows = read_csv(&ok(spatial(d, &["l.csv", "--neighbours", "l.gal", "--transform", "binary"])).stdout);
    check_units(&brows, &ids, &y, &rb, "lattice, binary");
}

#[test]
fn an_edge_list_without_symmetric_is_taken_as_it_is() {
    // One-way edges: only the lower id has neighbours; 6 is an island.
    let (ids, y, _) = lattice();
    let dir = support::tmp();
    let d = dir.path();
    write(d, "l.csv", data_csv(&ids, &y));
    write(d, "edges.csv", LATTICE_EDGES);
    let one_way = vec![vec![1, 3], vec![2, 4], vec![5], vec![4], vec![5], vec![]];
    let r = reference(&y, &dense(&one_way, false));
    let run = ok(spatial(d, &["l.csv", "--neighbours", "edges.csv"]));
    check_units(&read_csv(&run.stdout), &ids, &y, &r, "one-way edges");
    assert!(
        run.stderr.contains("island") && run.stderr.contains('6'),
        "{}",
        run.stderr
    );
    let g = global_row(d, &["l.csv", "--neighbours", "edges.csv"]);
    close(support::number(&g, "moran_i"), r.i, 1e-12, "one-way I");
    close(support::number(&g, "variance_norm"), r.var, 1e-12, "one-way Var");
}

// ---------------------------------------------------------------------------
// GeoJSON: a hand-made 3×3 grid of unit squares

/// Cell k (0-based, row-major) of the 3×3 grid: its corners, counter-clockwise.
fn square(k: usize) -> [(i64, i64); 4] {
    let (x, y) = ((100 + k % 3) as i64, (30 - k / 3) as i64);
    [(x, y), (x + 1, y), (x + 1, y + 1), (x, y + 1)]
}

fn grid_geojson() -> String {
    let features: Vec<String> = (0..9)
        .map(|k| {
            let ring: Vec<String> = square(k)
                .iter()
                .chain(std::iter::once(&square(k)[0]))
                .map(|(x, y)| format!("[{x}.0,{y}.0]"))
                .collect();
            format!(
                r#"{{"type":"Feature","id":"g{0}","properties":{{"code":"g{0}","name":"cell {0}"}},"geometry":{{"type":"Polygon","coordinates":[[{1}]]}}}}"#,
                k + 1,
                ring.join(",")
            )
        })
        .collect();
    format!(r#"{{"type":"FeatureCollection","features":[{}]}}"#, features.join(","))
}

/// Neighbours of the grid from its own corners: queen shares at least one
/// corner, rook at least two (an edge, for squares).
fn grid_neighbours(rook: bool) -> Vec<Vec<usize>> {
    (0..9)
        .map(|i| {
            (0..9)
                .filter(|&j| {
                    let shared = square(i).iter().filter(|c| square(j).contains(c)).count();
                    j != i && shared >= if rook { 2 } else { 1 }
                })
                .collect()
        })
        .collect()
}

#[test]
fn geojson_queen_and_rook() {
    let ids: Vec<String> = (1..=9).map(|k| format!("g{k}")).collect();
    let y = vec![3.0, 1.0, 4.0, 1.0, 5.0, 9.0, 2.0, 6.0, 5.0];
    let queen = grid_neighbours(false);
    let rook = grid_neighbours(true);
    let counts = |n: &[Vec<usize>]| n.iter().map(Vec::len).collect::<Vec<_>>();
    assert_eq!(counts(&queen), [3, 5, 3, 5, 8, 5, 3, 5, 3]);
    assert_eq!(counts(&rook), [2, 3, 2, 3, 4, 3, 2, 3, 2]);
    let dir = support::tmp();
    let d = dir.path();
    write(d, "g.csv", data_csv(&ids, &y));
    write(d, "grid.geojson", grid_geojson());

    let rq = reference(&y, &dense(&queen, false));
    let rr = reference(&y, &dense(&rook, false));
    assert!((rq.i - rr.i).abs() > 1e-3, "the fixture separates queen from rook");
    let q = global_row(d, &["g.csv", "--neighbours", "grid.geojson", "--key", "code"]);
    let r = global_row(
        d,
        &[
            "g.csv",
            "--neighbours",
            "grid.geojson",
            "--key",
            "code",
            "--contiguity",
            "rook",
        ],
    );
    close(support::number(&q, "moran_i"), rq.i, 1e-12, "queen I");
    close(support::number(&q, "variance_norm"), rq.var, 1e-12, "queen Var");
    close(support::number(&r, "moran_i"), rr.i, 1e-12, "rook I");
    close(support::number(&r, "variance_norm"), rr.var, 1e-12, "rook Var");
    for (rule, reference) in [("queen", &rq), ("rook", &rr)] {
        let rows = read_csv(
            &ok(spatial(
                d,
                &[
                    "g.csv",
                    "--neighbours",
                    "grid.geojson",
                    "--key",
                    "code",
                    "--contiguity",
                    rule,
                ],
            ))
            .stdout,
        );
        check_units(&rows, &ids, &y, reference, rule);
    }
    // Without --key and without an `id` property: the feature's id.
    assert_eq!(global_row(d, &["g.csv", "--neighbours", "grid.geojson"]), q);
}

#[test]
fn geojson_key_that_is_not_a_property_fails_naming_it() {
    let ids: Vec<String> = (1..=9).map(|k| format!("g{k}")).collect();
    let dir = support::tmp();
    let d = dir.path();
    write(
        d,
        "g.csv",
        data_csv(&ids, &[1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0]),
    );
    write(d, "grid.geojson", grid_geojson());
    let err = fails(
        spatial(d, &["g.csv", "--neighbours", "grid.geojson", "--key", "村编码"]),
        1,
    );
    support::assert_mentions(&err, &["村编码"]);
}

// ---------------------------------------------------------------------------
// Coordinates

/// Great-circle distance in km (haversine, R = 6371.0088).
fn haversine(a: (f64, f64), b: (f64, f64)) -> f64 {
    let (lon1, lat1, lon2, lat2) = (a.0.to_radians(), a.1.to_radians(), b.0.to_radians(), b.1.to_radians());
    let h = ((lat2 - lat1) / 2.0).sin().powi(2) + lat1.cos() * lat2.cos() * ((lon2 - lon1) / 2.0).sin().powi(2);
    2.0 * 6371.0088 * h.sqrt().asin()
}

/// Points: two pairs close together, one a little further, one far away.
const POINTS: [(&str, f64, f64, f64); 6] = [
    ("a", 0.0, 0.0, 10.0),
    ("b", 1.0, 0.0, 12.0),
    ("c", 0.0, 2.0, 7.0),
    ("d", 10.0, 10.0, 30.0),
    ("e", 11.0, 10.5, 25.0),
    ("f", 50.0, -20.0, 1.0),
];

fn points_csv() -> String {
    let mut s = String::from("id,v,lon,lat\n");
    for (id, lon, lat, v) in POINTS {
        s.push_str(&format!("{id},{v},{lon},{lat}\n"));
    }
    s
}

/// Brute force: each point's k nearest (ties by id) or all within `km`.
fn nearest(k: Option<usize>, km: Option<f64>) -> Vec<Vec<usize>> {
    let n = POINTS.len();
    (0..n)
        .map(|i| {
            let mut others: Vec<(f64, &str, usize)> = (0..n)
                .filter(|&j| j != i)
                .map(|j| {
                    let d = haversine((POINTS[i].1, POINTS[i].2), (POINTS[j].1, POINTS[j].2));
                    (d, POINTS[j].0, j)
                })
                .collect();
            others.sort_by(|x, y| x.0.total_cmp(&y.0).then(x.1.as_bytes().cmp(y.1.as_bytes())));
            match (k, km) {
                (Some(k), _) => others.iter().take(k).map(|o| o.2).collect(),
                (None, Some(km)) => others.iter().filter(|o| o.0 <= km).map(|o| o.2).collect(),
                _ => unreachable!(),
            }
        })
        .collect()
}

#[test]
fn coordinates_knn_and_distance_band() {
    let ids: Vec<String> = POINTS.iter().map(|p| p.0.to_string()).collect();
    let y: Vec<f64> = POINTS.iter().map(|p| p.3).collect();
    let dir = support::tmp();
    let d = dir.path();
    write(d, "pts.csv", points_csv());

    // The neighbours the fixture is built for.
    let knn = nearest(Some(2), None);
    assert_eq!(knn[0], [1, 2], "a: b then c");
    assert_eq!(knn[3], [4, 2], "d: e then c");
    let r = reference(&y, &dense(&knn, false));
    let rows = read_csv(&ok(spatial(d, &["pts.csv", "--coords", "lon,lat", "--knn", "2"])).stdout);
    check_units(&rows, &ids, &y, &r, "knn 2");
    let g = global_row(d, &["pts.csv", "--coords", "lon,lat", "--knn", "2"]);
    close(support::number(&g, "moran_i"), r.i, 1e-12, "knn I");
    close(support::number(&g, "variance_norm"), r.var, 1e-12, "knn Var");

    // A 200 km band: a–b (111 km) and d–e (about 123 km); c (222 km from a)
    // and f are islands.
    let band = nearest(None, Some(200.0));
    assert_eq!(band, vec![vec![1], vec![0], vec![], vec![4], vec![3], vec![]]);
    let rb = reference(&y, &dense(&band, false));
    let run = ok(spatial(d, &["pts.csv", "--coords", "lon,lat", "--distance", "200"]));
    check_units(&read_csv(&run.stdout), &ids, &y, &rb, "200 km band");
    assert!(run.stderr.contains("island"), "{}", run.stderr);
    support::assert_mentions(&run.stderr, &["`c`", "`f`"]);
    let g = global_row(d, &["pts.csv", "--coords", "lon,lat", "--distance", "200"]);
    close(support::number(&g, "moran_i"), rb.i, 1e-12, "band I");
    assert_eq!(g["n"], "6", "islands count in n");
}

#[test]
fn coordinates_usage_errors() {
    let dir = support::tmp();
    let d = dir.path();
    write(d, "pts.csv", points_csv());
    write(d, "l.gal", "1\na 0\n\n");
    let err = fails(spatial(d, &["pts.csv", "--neighbours", "l.gal", "--knn", "2"]), 2);
    support::assert_mentions(&err, &["--coords"]);
    fails(
        spatial(d, &["pts.csv", "--neighbours", "l.gal", "--distance", "100"]),
        2,
    );
    let err = fails(spatial(d, &["pts.csv", "--coords", "lon"]), 2);
    support::assert_mentions(&err, &["--coords"]);
    fails(spatial(d, &["pts.csv", "--coords", "lon,lat", "--distance", "-5"]), 2);
}

#[test]
fn a_unit_without_coordinates_is_an_error_listing_it() {
    let dir = support::tmp();
    let d = dir.path();
    let mut data = points_csv();
    data.push_str("nowhere,3,,\n");
    write(d, "pts.csv", data);
    let err = fails(spatial(d, &["pts.csv", "--coords", "lon,lat", "--knn", "2"]), 1);
    support::assert_mentions(&err, &["nowhere"]);
}
