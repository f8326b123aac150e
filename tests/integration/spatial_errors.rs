//! `linkscore spatial`: errors and warnings (SPEC.md "Spatial: `spatial`":
//! units missing from the neighbours, neighbours not in the data, islands,
//! constant values, bad options). Fixtures and the reference are in
//! `spatial.rs`.

use crate::spatial::{check_units, close, data_csv, dense, gal, global_row, lattice, reference, spatial};
use crate::support::{self, fails, ok, read_csv, write};

#[test]
fn data_units_missing_from_the_gal_are_listed() {
    let (ids, y, neighbours) = lattice();
    let dir = support::tmp();
    let d = dir.path();
    let mut more = ids.clone();
    more.extend(["x7".to_string(), "x8".to_string()]);
    write(d, "l.csv", data_csv(&more, &[y.clone(), vec![7.0, 8.0]].concat()));
    write(d, "l.gal", gal(&ids, &neighbours));
    let err = fails(spatial(d, &["l.csv", "--neighbours", "l.gal"]), 1);
    support::assert_mentions(&err, &["x7", "x8"]);
    fails(spatial(d, &["l.csv", "--neighbours", "l.gal", "--global"]), 1);
}

#[test]
fn neighbours_not_in_the_data_are_ignored_with_a_warning() {
    // Unit 6 is in the GAL but not in the data: the others keep their
    // remaining neighbours (3: {2}, 5: {2, 4}), row-standardized again.
    let (ids, y, _) = lattice();
    let dir = support::tmp();
    let d = dir.path();
    let (_, _, full) = lattice();
    write(d, "l.gal", gal(&ids, &full));
    let ids5 = ids[..5].to_vec();
    let y5 = y[..5].to_vec();
    write(d, "l.csv", data_csv(&ids5, &y5));
    let five = vec![vec![1, 3], vec![0, 2, 4], vec![1], vec![0, 4], vec![1, 3]];
    let r = reference(&y5, &dense(&five, false));
    let run = ok(spatial(d, &["l.csv", "--neighbours", "l.gal"]));
    check_units(&read_csv(&run.stdout), &ids5, &y5, &r, "without 6");
    assert!(
        run.stderr.contains("warning") && run.stderr.contains("`6`"),
        "{}",
        run.stderr
    );
}

#[test]
fn an_island_is_warned_and_has_no_local_statistic() {
    let dir = support::tmp();
    let d = dir.path();
    let ids: Vec<String> = ["p", "q", "r", "s", "alone"].iter().map(|s| s.to_string()).collect();
    let y = vec![1.0, 2.0, 6.0, 8.0, 4.0];
    let neighbours = vec![vec![1, 2], vec![0, 3], vec![0, 3], vec![1, 2], vec![]];
    write(d, "i.csv", data_csv(&ids, &y));
    write(d, "i.gal", gal(&ids, &neighbours));
    let r = reference(&y, &dense(&neighbours, false));
    let run = ok(spatial(d, &["i.csv", "--neighbours", "i.gal"]));
    let rows = read_csv(&run.stdout);
    check_units(&rows, &ids, &y, &r, "island");
    assert_eq!(
        support::num(&rows, "alone", "lag"),
        0.0,
        "an island's lag is 0 (a zero row)"
    );
    assert!(
        run.stderr.contains("island") && run.stderr.contains("alone"),
        "{}",
        run.stderr
    );
    let g = global_row(d, &["i.csv", "--neighbours", "i.gal"]);
    assert_eq!(g["n"], "5", "islands count in n");
    close(support::number(&g, "moran_i"), r.i, 1e-12, "I with an island");
    close(support::number(&g, "variance_norm"), r.var, 1e-12, "Var with an island");
}

#[test]
fn all_values_equal_gives_no_statistic_and_a_warning() {
    let (ids, _, neighbours) = lattice();
    let dir = support::tmp();
    let d = dir.path();
    write(d, "l.csv", data_csv(&ids, &[4.0; 6]));
    write(d, "l.gal", gal(&ids, &neighbours));
    let run = ok(spatial(d, &["l.csv", "--neighbours", "l.gal", "--global"]));
    let rows = read_csv(&run.stdout);
    assert_eq!(rows.len(), 1);
    for c in ["moran_i", "expected_i", "variance_norm", "z_norm", "p_norm", "p_sim"] {
        assert_eq!(rows[0][c], "", "{c} is empty: {rows:?}");
    }
    assert!(run.stderr.contains("warning"), "{}", run.stderr);
    let run = ok(spatial(d, &["l.csv", "--neighbours", "l.gal"]));
    for row in read_csv(&run.stdout) {
        for c in ["local_i", "p_sim", "quadrant", "cluster"] {
            assert_eq!(row[c], "", "{c} is empty: {row:?}");
        }
    }
    assert!(run.stderr.contains("warning"), "{}", run.stderr);
}

#[test]
fn bad_alpha_is_a_usage_error() {
    let (ids, y, neighbours) = lattice();
    let dir = support::tmp();
    let d = dir.path();
    write(d, "l.csv", data_csv(&ids, &y));
    write(d, "l.gal", gal(&ids, &neighbours));
    for alpha in ["--alpha=2", "--alpha=0", "--alpha=-0.1", "--alpha=NaN"] {
        let err = fails(spatial(d, &["l.csv", "--neighbours", "l.gal", alpha]), 2);
        support::assert_mentions(&err, &["--alpha"]);
    }
    fails(spatial(d, &["l.csv", "--neighbours", "missing.gal"]), 1);
}
