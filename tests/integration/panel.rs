//! Panels (SPEC.md "Panels: several periods at once"): `linkscore panel`
//! through the real binary. Its inputs (LABEL=PATH, plain paths, one long
//! table in CSV or a workbook), the order of its periods, the one pooled
//! scale (checked by hand and against `score`, `diff` and `--params`),
//! `--per-period`, its errors and its formats.
//!
//! Expected numbers are worked out by hand (in the comments beside them) or
//! computed independently here, never copied from the program's output.
//!
//! The hand-made panel (`tiny_dir`): one dimension, two min-max indicators
//! of explicit weights 3 and 1, so score = 100 × (3 z_x + z_y) / 4:
//!
//! ```text
//!        p1: x  y    p2: x  y
//! a         10  0        50 20
//! b         20  5        30 10
//! c         40 10        10  0
//! pooled: x 10..50, y 0..20
//!   p1: a z (0, 0) → 0;  b (¼, ¼) → 25;  c (¾, ½) → 100 × 2.75/4 = 68.75
//!   p2: a (1, 1) → 100;  b (½, ½) → 50;  c (0, 0) → 0
//! per period: p1 x 10..40, y 0..10
//!   p1: a (0, 0) → 0;  b (⅓, ½) → 100 × 1.5/4 = 37.5;  c (1, 1) → 100
//!   p2: as pooled (its ranges are the pooled ones)
//! ```

use crate::support::{self, Row, Run, assert_close, ls_in, number, p, read_csv, write};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use tempfile::TempDir;

pub(crate) const TINY_RUBRIC: &str = r#"[rubric]
name = "tiny panel"
id = "id"
normalize = "minmax"

[[dimension]]
id = "d"
weight = 1

[[indicator]]
id = "x"
dimension = "d"
weight = 3

[[indicator]]
id = "y"
dimension = "d"
weight = 1
"#;

pub(crate) const P1: &str = "id,x,y\na,10,0\nb,20,5\nc,40,10\n";
pub(crate) const P2: &str = "id,x,y\na,50,20\nb,30,10\nc,10,0\n";

/// The hand-made panel: `r.toml`, `p1.csv`, `p2.csv`.
pub(crate) fn tiny_dir() -> TempDir {
    let dir = support::tmp();
    write(dir.path(), "r.toml", TINY_RUBRIC);
    write(dir.path(), "p1.csv", P1);
    write(dir.path(), "p2.csv", P2);
    dir
}

pub(crate) fn ok_in(dir: &Path, args: &[&str]) -> Run {
    support::ok(ls_in(dir, args))
}

pub(crate) fn fails_in(dir: &Path, code: i32, args: &[&str]) -> String {
    support::fails(ls_in(dir, args), code)
}

/// A sample year, examples/villages-YEAR.csv.
pub(crate) fn village(year: u32) -> PathBuf {
    support::root().join("examples").join(format!("villages-{year}.csv"))
}

/// `YEAR=examples/villages-YEAR.csv`.
pub(crate) fn labelled(year: u32) -> String {
    format!("{year}={}", p(&village(year)))
}

pub(crate) fn rubric(name: &str) -> String {
    p(&support::root().join("rubrics").join(name)).to_string()
}

/// The periods of a long output, each once, in output order.
pub(crate) fn periods(rows: &[Row]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for r in rows {
        if out.last() != Some(&r["period"]) {
            assert!(!out.contains(&r["period"]), "period {} is not contiguous", r["period"]);
            out.push(r["period"].clone());
        }
    }
    out
}

/// `column` of each unit of `period`, by id.
pub(crate) fn by_id(rows: &[Row], period: &str, column: &str) -> BTreeMap<String, f64> {
    rows.iter()
        .filter(|r| r["period"] == period)
        .map(|r| (r["id"].clone(), number(r, column)))
        .collect()
}

/// Two maps hold the same ids and numbers within 1e-12 (relative above 1).
fn assert_same_numbers(actual: &BTreeMap<String, f64>, expected: &BTreeMap<String, f64>, what: &str) {
    assert_eq!(
        actual.keys().collect::<Vec<_>>(),
        expected.keys().collect::<Vec<_>>(),
        "{what}: the same units"
    );
    for (id, e) in expected {
        let a = actual[id];
        assert!((a - e).abs() <= 1e-12 * e.abs().max(1.0), "{what} {id}: {a} vs {e}");
    }
}

/// The ids in a data file's column `column`, in file order.
fn ids_in(path: &Path, column: &str) -> Vec<String> {
    let text = std::fs::read_to_string(path).expect("read a data file");
    read_csv(&text).into_iter().map(|r| r[column].clone()).collect()
}

// ---------------------------------------------------------------------------
// Inputs and the order of periods

#[test]
fn labelled_periods_are_ordered_as_numbers() {
    let dir = tiny_dir();
    let run = |args: &[&str]| {
        let mut all = vec!["panel"];
        all.extend_from_slice(args);
        all.extend(["-r", "r.toml", "-f", "csv"]);
        periods(&read_csv(&ok_in(dir.path(), &all).stdout))
    };
    assert_eq!(run(&["2024=p2.csv", "2023=p1.csv"]), ["2023", "2024"]);
    // As numbers, not as text: 9 before 10, 2021 before 2021.5.
    assert_eq!(run(&["10=p2.csv", "9=p1.csv"]), ["9", "10"]);
    assert_eq!(run(&["2021.5=p2.csv", "2021=p1.csv"]), ["2021", "2021.5"]);
}

#[test]
fn other_labels_keep_the_order_given() {
    let dir = tiny_dir();
    let run = |args: &[&str]| {
        let mut all = vec!["panel"];
        all.extend_from_slice(args);
        all.extend(["-r", "r.toml", "-f", "csv"]);
        periods(&read_csv(&ok_in(dir.path(), &all).stdout))
    };
    assert_eq!(run(&["b=p2.csv", "a=p1.csv"]), ["b", "a"]);
    // `2023年` is not a decimal number, so none of them are ordered as numbers.
    assert_eq!(run(&["2024=p2.csv", "2023年=p1.csv"]), ["2024", "2023年"]);
}

#[test]
fn plain_paths_are_labelled_by_their_file_names() {
    let dir = tiny_dir();
    std::fs::create_dir(dir.path().join("sub")).unwrap();
    write(&dir.path().join("sub"), "2024.csv", P2);
    write(dir.path(), "2023.csv", P1);
    let rows = read_csv(&ok_in(dir.path(), &["panel", "p2.csv", "p1.csv", "-r", "r.toml"]).stdout);
    assert_eq!(periods(&rows), ["p2", "p1"]);
    // Folder and extension left out; labels that are numbers are ordered as numbers.
    let rows = read_csv(&ok_in(dir.path(), &["panel", "sub/2024.csv", "2023.csv", "-r", "r.toml"]).stdout);
    assert_eq!(periods(&rows), ["2023", "2024"]);
}

#[test]
fn a_long_table_gives_what_labelled_files_give() {
    let dir = support::tmp();
    let long = support::sample_long_table(dir.path());
    let linkage = rubric("linkage.toml");
    let by_files = ok_in(
        dir.path(),
        &[
            "panel",
            &labelled(2024),
            &labelled(2025),
            &labelled(2023),
            "-r",
            &linkage,
        ],
    );
    let by_flag = ok_in(dir.path(), &["panel", p(&long), "--period", "年份", "-r", &linkage]);
    // The rubric's `period` names the column instead of --period.
    let text = std::fs::read_to_string(&linkage).unwrap();
    assert!(text.contains("\n[rubric]\n"), "linkage.toml has a [rubric] table");
    let with_period = text.replacen("\n[rubric]\n", "\n[rubric]\nperiod = \"年份\"\n", 1);
    write(dir.path(), "period.toml", with_period);
    let by_rubric = ok_in(dir.path(), &["panel", "long.csv", "-r", "period.toml"]);

    assert_eq!(periods(&read_csv(&by_files.stdout)), ["2023", "2024", "2025"]);
    assert!(
        by_flag.raw_stdout == by_files.raw_stdout,
        "--period 年份 differs from LABEL=PATH"
    );
    assert!(
        by_rubric.raw_stdout == by_files.raw_stdout,
        "period = \"年份\" differs from LABEL=PATH"
    );
    // The warnings name the same periods.
    assert_eq!(by_flag.stderr, by_files.stderr);
    assert!(by_files.stderr.contains("warning: 2025: "), "{}", by_files.stderr);
    // Labelled arguments leave the rubric's period column unused.
    let labelled_with_period = ok_in(
        dir.path(),
        &[
            "panel",
            &labelled(2024),
            &labelled(2025),
            &labelled(2023),
            "-r",
            "period.toml",
        ],
    );
    assert!(labelled_with_period.raw_stdout == by_files.raw_stdout);
}

#[test]
fn a_long_table_in_a_workbook() {
    let dir = tiny_dir();
    let mut book = rust_xlsxwriter::Workbook::new();
    let ws = book.add_worksheet();
    for (c, h) in ["id", "year", "x", "y"].iter().enumerate() {
        ws.write_string(0, c as u16, *h).unwrap();
    }
    // Periods as numbers (as Excel keeps a year), rows of the two periods mixed.
    let rows: [(&str, f64, f64, f64); 6] = [
        ("a", 2024.0, 50.0, 20.0),
        ("a", 2023.0, 10.0, 0.0),
        ("b", 2023.0, 20.0, 5.0),
        ("b", 2024.0, 30.0, 10.0),
        ("c", 2024.0, 10.0, 0.0),
        ("c", 2023.0, 40.0, 10.0),
    ];
    for (r, (id, year, x, y)) in rows.iter().enumerate() {
        let r = r as u32 + 1;
        ws.write_string(r, 0, *id).unwrap();
        ws.write_number(r, 1, *year).unwrap();
        ws.write_number(r, 2, *x).unwrap();
        ws.write_number(r, 3, *y).unwrap();
    }
    book.save(dir.path().join("long.xlsx")).unwrap();
    let from_book = ok_in(dir.path(), &["panel", "long.xlsx", "--period", "year", "-r", "r.toml"]);
    let from_files = ok_in(dir.path(), &["panel", "2023=p1.csv", "2024=p2.csv", "-r", "r.toml"]);
    assert_eq!(from_book.stdout, from_files.stdout);
    assert_eq!(periods(&read_csv(&from_book.stdout)), ["2023", "2024"]);
}

#[test]
fn an_unbalanced_panel_ranks_within_each_period() {
    let dir = support::tmp();
    let out = ok_in(
        dir.path(),
        &["panel", &labelled(2024), &labelled(2025), "-r", &rubric("linkage.toml")],
    );
    let rows = read_csv(&out.stdout);
    assert_eq!(periods(&rows), ["2024", "2025"]);
    for year in [2024, 2025] {
        let label = year.to_string();
        let ids = ids_in(&village(year), "village_id");
        let these: Vec<&Row> = rows.iter().filter(|r| r["period"] == label).collect();
        let mut got: Vec<&str> = these.iter().map(|r| r["id"].as_str()).collect();
        got.sort_unstable();
        let mut want: Vec<&str> = ids.iter().map(String::as_str).collect();
        want.sort_unstable();
        assert_eq!(got, want, "{year}: every unit of the year, once");
        // Ranks 1..n within the period (no ties in the sample), best score first.
        let ranks: Vec<usize> = these.iter().map(|r| r["rank"].parse().unwrap()).collect();
        assert_eq!(ranks, (1..=these.len()).collect::<Vec<_>>(), "{year}");
        let scores: Vec<f64> = these.iter().map(|r| number(r, "score")).collect();
        assert!(scores.windows(2).all(|w| w[0] >= w[1]), "{year}: ordered by score");
    }
    // 2025 lacks three villages of 2024.
    let (a, b) = (
        ids_in(&village(2024), "village_id"),
        ids_in(&village(2025), "village_id"),
    );
    let gone: Vec<&String> = a.iter().filter(|id| !b.contains(id)).collect();
    assert_eq!(gone.len(), 3, "{gone:?}");
    for id in gone {
        assert!(!rows.iter().any(|r| r["period"] == "2025" && &r["id"] == id), "{id}");
    }
}

// ---------------------------------------------------------------------------
// One pooled scale

/// Min-max of `v` over `pool`: (v − min) / (max − min).
fn minmax(v: f64, pool: &[f64]) -> f64 {
    let min = pool.iter().copied().fold(f64::INFINITY, f64::min);
    let max = pool.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    (v - min) / (max - min)
}

/// The tiny panel's scores computed here: `pool` lists the periods whose
/// values make the ranges of period `period`'s units.
fn tiny_scores(period: &str, pool: &[&str]) -> BTreeMap<String, f64> {
    let data = |text: &str| -> Vec<(String, f64, f64)> {
        read_csv(text)
            .iter()
            .map(|r| (r["id"].clone(), number(r, "x"), number(r, "y")))
            .collect()
    };
    let pooled: Vec<(String, f64, f64)> = pool
        .iter()
        .flat_map(|q| data(if *q == "p1" { P1 } else { P2 }))
        .collect();
    let xs: Vec<f64> = pooled.iter().map(|u| u.1).collect();
    let ys: Vec<f64> = pooled.iter().map(|u| u.2).collect();
    data(if period == "p1" { P1 } else { P2 })
        .into_iter()
        .map(|(id, x, y)| (id, 100.0 * (3.0 * minmax(x, &xs) + minmax(y, &ys)) / 4.0))
        .collect()
}

#[test]
fn the_pooled_scale_is_fitted_on_every_unit_period() {
    let dir = tiny_dir();
    let out = ok_in(dir.path(), &["panel", "p1.csv", "p2.csv", "-r", "r.toml"]);
    let rows = read_csv(&out.stdout);
    for period in ["p1", "p2"] {
        let expected = tiny_scores(period, &["p1", "p2"]);
        assert_same_numbers(&by_id(&rows, period, "score"), &expected, period);
        assert_same_numbers(&by_id(&rows, period, "d"), &expected, period);
    }
    // By hand (the table at the top).
    let p1 = by_id(&rows, "p1", "score");
    assert_close(p1["b"], 25.0, "p1 b");
    assert_close(p1["c"], 68.75, "p1 c");
    assert_close(by_id(&rows, "p2", "score")["a"], 100.0, "p2 a");
    let order: Vec<&str> = rows.iter().map(|r| r["id"].as_str()).collect();
    assert_eq!(order, ["c", "b", "a", "a", "b", "c"]);
    assert!(!out.stderr.contains("--per-period"), "{}", out.stderr);
}

/// Fill values are taken over every unit-period too (SPEC "Panels": fill
/// values are sample statistics).
#[test]
fn missing_cells_are_filled_from_the_pooled_column() {
    let dir = tiny_dir();
    write(dir.path(), "q1.csv", "id,x,y\na,10,0\nb,,5\nc,40,10\n");
    // The x values with a cell: 10, 40 in q1 and 50, 30, 10 in p2: mean
    // 140/5 = 28, median 30 (q1 alone: mean and median 25).
    for (missing, fill) in [("mean", 28.0), ("median", 30.0)] {
        let rubric = TINY_RUBRIC.replace(
            "normalize = \"minmax\"",
            &format!("normalize = \"minmax\"\nmissing = \"{missing}\""),
        );
        write(dir.path(), "m.toml", rubric);
        let rows = read_csv(&ok_in(dir.path(), &["panel", "q1.csv", "p2.csv", "-r", "m.toml"]).stdout);
        // x 10..50 (the fill inside it), y 0..20: b = 100 × (3 (fill − 10)/40 + 5/20) / 4,
        // 40 with the mean, 43.75 with the median.
        let expected = 100.0 * (3.0 * (fill - 10.0) / 40.0 + 0.25) / 4.0;
        assert_close(by_id(&rows, "q1", "score")["b"], expected, missing);
        assert_close(by_id(&rows, "q1", "score")["c"], 68.75, missing);
    }
}

#[test]
fn per_period_fits_each_period_alone_with_a_warning() {
    let dir = tiny_dir();
    let out = ok_in(
        dir.path(),
        &["panel", "p1.csv", "p2.csv", "-r", "r.toml", "--per-period"],
    );
    let rows = read_csv(&out.stdout);
    for period in ["p1", "p2"] {
        assert_same_numbers(&by_id(&rows, period, "score"), &tiny_scores(period, &[period]), period);
    }
    assert_close(by_id(&rows, "p1", "score")["b"], 37.5, "p1 b alone");
    assert!(
        out.stderr.contains("warning: --per-period") && out.stderr.contains("do not compare"),
        "{}",
        out.stderr
    );
    // Each period alone is what `score` gives for it.
    for period in ["p1", "p2"] {
        let alone = read_csv(&ok_in(dir.path(), &["score", &format!("{period}.csv"), "-r", "r.toml"]).stdout);
        let scores: BTreeMap<String, f64> = alone.iter().map(|r| (r["id"].clone(), number(r, "score"))).collect();
        assert_same_numbers(&by_id(&rows, period, "score"), &scores, period);
    }
}

#[test]
fn goalposts_are_the_same_pooled_per_period_and_alone() {
    let dir = support::tmp();
    let linkage = rubric("linkage.toml");
    let years = [2023, 2024, 2025];
    let mut args: Vec<String> = vec!["panel".into()];
    args.extend(years.iter().map(|y| labelled(*y)));
    args.extend(["-r".into(), linkage.clone()]);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let pooled = read_csv(&ok_in(dir.path(), &args).stdout);
    let mut alone_args = args.clone();
    alone_args.push("--per-period");
    let per_period = ok_in(dir.path(), &alone_args);
    // Goalposts take nothing from the data: no warning.
    assert!(!per_period.stderr.contains("--per-period"), "{}", per_period.stderr);
    let per_period = read_csv(&per_period.stdout);
    for year in years {
        let label = year.to_string();
        let alone = read_csv(&ok_in(dir.path(), &["score", p(&village(year)), "-r", &linkage]).stdout);
        for column in ["score", "industry", "prosperity"] {
            let scores: BTreeMap<String, f64> = alone.iter().map(|r| (r["id"].clone(), number(r, column))).collect();
            assert_same_numbers(
                &by_id(&pooled, &label, column),
                &scores,
                &format!("{year} pooled {column}"),
            );
            assert_same_numbers(
                &by_id(&per_period, &label, column),
                &scores,
                &format!("{year} per period {column}"),
            );
        }
    }
}

#[test]
fn a_sample_relative_panel_of_two_years_is_diffs_pooled_scale() {
    let dir = support::tmp();
    let entropy = rubric("entropy-topsis.toml");
    let (old, new) = (village(2023), village(2024));
    let panel = read_csv(&ok_in(dir.path(), &["panel", &labelled(2023), &labelled(2024), "-r", &entropy]).stdout);
    let diff = read_csv(&ok_in(dir.path(), &["diff", p(&old), p(&new), "-r", &entropy]).stdout);
    for (label, column) in [("2023", "score_old"), ("2024", "score_new")] {
        let expected: BTreeMap<String, f64> = diff
            .iter()
            .filter(|r| !r[column].is_empty())
            .map(|r| (r["id"].clone(), number(r, column)))
            .collect();
        assert_same_numbers(&by_id(&panel, label, "score"), &expected, column);
    }
}

#[test]
fn a_frozen_panel_scores_a_single_year_on_its_scale() {
    let dir = support::tmp();
    let entropy = rubric("entropy-topsis.toml");
    let panel = ok_in(
        dir.path(),
        &[
            "panel",
            &labelled(2023),
            &labelled(2024),
            "-r",
            &entropy,
            "--freeze",
            "f.toml",
        ],
    );
    let panel = read_csv(&panel.stdout);
    let single = read_csv(
        &ok_in(
            dir.path(),
            &["score", p(&village(2024)), "-r", &entropy, "--params", "f.toml"],
        )
        .stdout,
    );
    let of = |column: &str| -> BTreeMap<String, f64> {
        single.iter().map(|r| (r["id"].clone(), number(r, column))).collect()
    };
    assert_same_numbers(&by_id(&panel, "2024", "score"), &of("score"), "2024 score");
    assert_same_numbers(&by_id(&panel, "2024", "rank"), &of("rank"), "2024 rank");
    // The panel itself on its frozen scale gives the pooled scores again.
    let again = ok_in(
        dir.path(),
        &[
            "panel",
            &labelled(2023),
            &labelled(2024),
            "-r",
            &entropy,
            "--params",
            "f.toml",
        ],
    );
    let again = read_csv(&again.stdout);
    for label in ["2023", "2024"] {
        assert_same_numbers(&by_id(&again, label, "score"), &by_id(&panel, label, "score"), label);
    }
}

#[test]
fn freeze_or_params_with_per_period_is_a_usage_error() {
    let dir = tiny_dir();
    ok_in(
        dir.path(),
        &["panel", "p1.csv", "p2.csv", "-r", "r.toml", "--freeze", "f.toml"],
    );
    let base = [
        "panel",
        "p1.csv",
        "p2.csv",
        "-r",
        "r.toml",
        "--per-period",
        "-o",
        "out.csv",
    ];
    let mut freeze = base.to_vec();
    freeze.extend(["--freeze", "g.toml"]);
    let e = fails_in(dir.path(), 2, &freeze);
    support::assert_mentions(&e, &["--freeze", "--per-period"]);
    let mut params = base.to_vec();
    params.extend(["--params", "f.toml"]);
    let e = fails_in(dir.path(), 2, &params);
    support::assert_mentions(&e, &["--params", "--per-period"]);
    assert!(!dir.path().join("g.toml").exists(), "--freeze wrote its file");
    assert!(!dir.path().join("out.csv").exists(), "--output was written");
}
