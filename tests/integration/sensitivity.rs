//! Robustness (SPEC.md "Robustness: `sensitivity`") and `diff --uncertainty`
//! (SPEC.md "Year over year: `diff`"), through the real binary. Every expected
//! number is worked out by hand in the comments beside it, never copied from
//! the program's output.
//!
//! The tiny fixture (`tests/fixtures/sensitivity.toml`, `sensitivity.csv`):
//! one dimension, indicators x and y of weight 1 each on goalposts [0, 1],
//! scale 1. A run multiplies the weights by factors f_x, f_y ~ U[0.75, 1.25]
//! (`--weights 0.25`; the one dimension's own factor cancels), so a unit
//! scores s = (f_x x + f_y y) / (f_x + f_y):
//!
//! ```text
//!      x    y   | nominal s  rank | in a run
//! A   1.0  0.0  |   0.5       1   | f_x / (f_x + f_y)
//! B   0.0  0.9  |   0.45      2   | 0.9 f_y / (f_x + f_y)
//! C   0.0  0.0  |   0         3   | 0
//! ```
//!
//! B overtakes A exactly when f_x < 0.9 f_y. Over the square
//! [0.75, 1.25]² (area 0.25): for f_y < 0.75 / 0.9 = 0.8333 nothing; above,
//! f_x ranges over [0.75, 0.9 f_y], length 0.9 f_y − 0.75 = u, with u going
//! from 0 to 0.375 as f_y goes to 1.25 (dy = du / 0.9), so the area is
//! 0.375² / 2 / 0.9 = 0.078125 and the probability 0.078125 / 0.25 = 0.3125.
//! C (score 0) is always third. Over R = 1000 runs about 312 put B first:
//! - A's ranks: ~688 ones, ~312 twos. Nearest rank (k = ⌈pR⌉): p05 is the
//!   50th smallest = 1, the median the 500th = 1, p95 the 950th = 2.
//! - B's ranks: ~312 ones, ~688 twos: p05 (50th) = 1, median (500th) = 2,
//!   p95 (950th) = 2.
//! - C: 3, 3, 3, spread 0.
//!
//! Mean absolute rank shift over units and runs: A and B each move one place
//! in 31.25 % of runs, C never: 2 × 0.3125 / 3 = 0.2083.

use crate::support::{self, Row, Run, assert_mentions, fails, ls, ls_in, ok};
use serde_json::Value;
use std::collections::BTreeSet;

const TINY: &str = "tests/fixtures/sensitivity.csv";
const TINY_RUBRIC: &str = "tests/fixtures/sensitivity.toml";
const NO_GOALPOSTS: &str = "tests/fixtures/sensitivity-nogoalposts.toml";
const OLD: &str = "tests/fixtures/sensitivity-2023.csv";
const NEW: &str = "tests/fixtures/sensitivity-2024.csv";
const SAMPLE: &str = "examples/villages-2024.csv";
const LINKAGE: &str = "rubrics/linkage.toml";
const ENTROPY_TOPSIS: &str = "rubrics/entropy-topsis.toml";

const COLUMNS: &str = "id,label,rank,rank_median,rank_p05,rank_p95,rank_spread";

// ---------------------------------------------------------------------------
// Helpers

/// `sensitivity DATA --rubric RUBRIC --format FORMAT EXTRA…` in the repository root; must succeed.
fn sensitivity(data: &str, rubric: &str, format: &str, extra: &[&str]) -> Run {
    let mut args = vec!["sensitivity", data, "--rubric", rubric, "--format", format];
    args.extend_from_slice(extra);
    ok(ls(&args))
}

/// Header and rows of CSV text.
fn parse_csv(text: &str) -> (String, Vec<Row>) {
    let header = text.lines().next().expect("a header row").to_string();
    (header, support::read_csv(text))
}

fn int(row: &Row, key: &str) -> u32 {
    row[key]
        .parse()
        .unwrap_or_else(|_| panic!("`{key}` of {} is not a whole number: {:?}", row["id"], row[key]))
}

/// (rank, rank_median, rank_p05, rank_p95, rank_spread) of `id`.
fn ranks(rows: &[Row], id: &str) -> (u32, u32, u32, u32, u32) {
    let r = support::row(rows, id);
    (
        int(r, "rank"),
        int(r, "rank_median"),
        int(r, "rank_p05"),
        int(r, "rank_p95"),
        int(r, "rank_spread"),
    )
}

/// The ids of a CSV data file (column `column`).
fn ids_of(path: &str, column: &str) -> BTreeSet<String> {
    let text = std::fs::read_to_string(support::root().join(path)).expect("read a data file");
    parse_csv(&text).1.into_iter().map(|r| r[column].clone()).collect()
}

/// Every structural promise of a sensitivity CSV: the columns, one row per
/// unit of `data`, rows in nominal rank order, p05 ≤ median ≤ p95 and
/// spread = p95 − p05.
fn assert_well_formed(csv: &str, data: &str, id_column: &str, columns: &str) -> Vec<Row> {
    let (header, rows) = parse_csv(csv);
    assert_eq!(header, columns);
    let ids: Vec<&str> = rows.iter().map(|r| r["id"].as_str()).collect();
    let unique: BTreeSet<String> = ids.iter().map(|s| s.to_string()).collect();
    assert_eq!(unique.len(), ids.len(), "a unit appears twice");
    assert_eq!(unique, ids_of(data, id_column), "one row per unit of {data}");
    let mut last = 0;
    for r in &rows {
        let (rank, median, p05, p95, spread) = ranks(&rows, &r["id"]);
        assert!(
            rank >= last,
            "{}: rank {rank} after {last}: not in nominal rank order",
            r["id"]
        );
        last = rank;
        assert!(
            p05 <= median && median <= p95,
            "{}: p05 {p05}, median {median}, p95 {p95}",
            r["id"]
        );
        assert_eq!(spread, p95 - p05, "{}: spread", r["id"]);
        assert!(p05 >= 1 && p95 as usize <= rows.len(), "{}: rank out of 1..=n", r["id"]);
    }
    rows
}

// ---------------------------------------------------------------------------
// 1. The hand-checkable tiny case

#[test]
fn tiny_case_intervals_match_the_hand_computed_probability() {
    let out = sensitivity(
        TINY,
        TINY_RUBRIC,
        "csv",
        &["--runs", "1000", "--seed", "1", "--weights", "0.25"],
    );
    let rows = assert_well_formed(&out.stdout, TINY, "id", COLUMNS);
    let order: Vec<&str> = rows.iter().map(|r| r["id"].as_str()).collect();
    assert_eq!(order, ["A", "B", "C"]);
    // (rank, median, p05, p95, spread), from the module comment.
    assert_eq!(ranks(&rows, "A"), (1, 1, 1, 2, 1));
    assert_eq!(ranks(&rows, "B"), (2, 2, 1, 2, 1));
    assert_eq!(ranks(&rows, "C"), (3, 3, 3, 3, 0));
    assert_eq!(support::row(&rows, "B")["label"], "Bea");
}

#[test]
fn tiny_case_default_weights_are_the_spec_default() {
    // No --weights: the SPEC's default is 0.25, so the same intervals as above.
    let out = sensitivity(TINY, TINY_RUBRIC, "csv", &["--runs", "1000", "--seed", "1"]);
    let rows = parse_csv(&out.stdout).1;
    assert_eq!(ranks(&rows, "A"), (1, 1, 1, 2, 1));
    assert_eq!(ranks(&rows, "B"), (2, 2, 1, 2, 1));
    assert_eq!(ranks(&rows, "C"), (3, 3, 3, 3, 0));
}

#[test]
fn tiny_case_mean_abs_rank_shift_is_near_the_hand_computed_value() {
    let out = sensitivity(TINY, TINY_RUBRIC, "json", &["--runs", "1000", "--seed", "1"]);
    let doc: Value = serde_json::from_str(&out.stdout).expect("JSON");
    let shift = doc["summary"]["mean_abs_rank_shift"].as_f64().expect("a number");
    // Expected 2 × 0.3125 / 3 = 0.20833. The number K of runs in which A and
    // B swap is Binomial(1000, 0.3125): sd √(1000 × 0.3125 × 0.6875) = 14.7
    // runs, and the shift is 2K / 3000, so its sd is 2 × 14.7 / 3000 = 0.0098.
    // ±0.03 is three standard deviations: a correct program fails this for
    // fewer than 3 seeds in 1000, and the seed is fixed.
    let expected = 2.0 * 0.3125 / 3.0;
    assert!(
        (shift - expected).abs() <= 0.03,
        "mean_abs_rank_shift {shift}, expected {expected} ± 0.03"
    );
    // The shift is a count of places over 3 units × 1000 runs: a multiple of 1/3000.
    let places = shift * 3000.0;
    assert!((places - places.round()).abs() < 1e-6, "{shift} × 3000 is not whole");
    // The JSON carries the settings and one object per unit, as in the CSV.
    assert_eq!(doc["settings"]["runs"], 1000);
    assert_eq!(doc["settings"]["seed"], 1);
    assert_eq!(doc["settings"]["weights"], 0.25);
    let units = doc["units"].as_array().expect("units");
    let ids: Vec<&str> = units.iter().map(|u| u["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["A", "B", "C"]);
    assert_eq!(units[1]["rank_p05"], 1);
    assert_eq!(units[1]["rank_median"], 2);
}

#[test]
fn tiny_case_within_counts_units_whose_interval_stays_near_the_nominal_rank() {
    // --within 0: A [1, 2] around 1 and B [1, 2] around 2 leave ±0; only C
    // ([3, 3] around 3) stays: 1 of 3. --within 1: all 3.
    let zero = sensitivity(TINY, TINY_RUBRIC, "json", &["--runs", "1000", "--within", "0"]);
    let doc: Value = serde_json::from_str(&zero.stdout).unwrap();
    let within = &doc["summary"]["within"];
    assert_eq!(
        (
            within["places"].as_u64(),
            within["units"].as_u64(),
            within["of"].as_u64()
        ),
        (Some(0), Some(1), Some(3))
    );
    assert!((within["share"].as_f64().unwrap() - 1.0 / 3.0).abs() < 1e-12);
    let one = sensitivity(TINY, TINY_RUBRIC, "json", &["--runs", "1000", "--within", "1"]);
    let doc: Value = serde_json::from_str(&one.stdout).unwrap();
    assert_eq!(doc["summary"]["within"]["units"], 3);
    assert_eq!(doc["summary"]["within"]["share"], 1.0);
    // The table format says the same in words.
    let table = sensitivity(TINY, TINY_RUBRIC, "table", &["--runs", "1000", "--within", "0"]).stdout;
    assert_mentions(&table, &["1 of 3", "±0"]);
}

#[test]
fn tiny_case_with_zero_weight_spread_nobody_moves() {
    let out = sensitivity(TINY, TINY_RUBRIC, "csv", &["--runs", "1000", "--weights", "0"]);
    let rows = assert_well_formed(&out.stdout, TINY, "id", COLUMNS);
    assert_eq!(ranks(&rows, "A"), (1, 1, 1, 1, 0));
    assert_eq!(ranks(&rows, "B"), (2, 2, 2, 2, 0));
    assert_eq!(ranks(&rows, "C"), (3, 3, 3, 3, 0));
    let json = sensitivity(TINY, TINY_RUBRIC, "json", &["--runs", "1000", "--weights", "0"]).stdout;
    let doc: Value = serde_json::from_str(&json).unwrap();
    assert_eq!(doc["summary"]["mean_abs_rank_shift"].as_f64(), Some(0.0));
}

#[test]
fn tiny_case_one_run_is_its_own_interval() {
    // R = 1: k = ⌈0.05⌉ = ⌈0.5⌉ = ⌈0.95⌉ = 1, so p05 = median = p95 = the one
    // run's rank. A and B take ranks 1 and 2 in some order, C is third.
    let out = sensitivity(TINY, TINY_RUBRIC, "csv", &["--runs", "1", "--seed", "5"]);
    let rows = assert_well_formed(&out.stdout, TINY, "id", COLUMNS);
    let (_, a, a05, a95, a_spread) = ranks(&rows, "A");
    let (_, b, b05, b95, b_spread) = ranks(&rows, "B");
    assert_eq!((a05, a95, a_spread), (a, a, 0));
    assert_eq!((b05, b95, b_spread), (b, b, 0));
    assert_eq!(BTreeSet::from([a, b]), BTreeSet::from([1, 2]));
    assert_eq!(ranks(&rows, "C"), (3, 3, 3, 3, 0));
}

#[test]
fn tiny_case_with_method_alternatives_keeps_c_last_and_a_b_in_the_top_two() {
    // Every run draws one of minmax, rank and one of arithmetic, geometric.
    // With one dimension the top-level aggregation is d^1 = d either way.
    // minmax: x → A 1, B 0, C 0; y → A 0, B 1, C 0: A = w_x, B = w_y, C = 0.
    // rank ((r−1)/(n−1), ties averaged): x → A 1, B 0.25, C 0.25;
    //   y → B 1, A 0.25, C 0.25: A = w_x + 0.25 w_y, B = 0.25 w_x + w_y, C = 0.25.
    // Both ways C is last and A beats B exactly when f_x > f_y (probability
    // ½), so A and B hold ranks 1 and 2, each in about 500 of 1000 runs:
    // p05 = 1 and p95 = 2 for both (the median sits on the edge: not checked).
    let out = sensitivity(
        TINY,
        TINY_RUBRIC,
        "csv",
        &[
            "--runs",
            "1000",
            "--normalize",
            "minmax,rank",
            "--aggregate",
            "arithmetic,geometric",
        ],
    );
    let rows = assert_well_formed(&out.stdout, TINY, "id", COLUMNS);
    for id in ["A", "B"] {
        let (_, _, p05, p95, spread) = ranks(&rows, id);
        assert_eq!((p05, p95, spread), (1, 2, 1), "{id}");
    }
    assert_eq!(ranks(&rows, "C"), (3, 3, 3, 3, 0));
}

#[test]
fn a_unit_without_a_score_is_listed_last_with_empty_cells() {
    // missing = "reweight" and both of N's cells missing: N has no score, so
    // no rank and no interval; A, B and C are as in the tiny case, and only
    // they count as ranked.
    let dir = tempfile::tempdir().unwrap();
    let rubric = std::fs::read_to_string(support::fixture("sensitivity.toml"))
        .unwrap()
        .replacen("[rubric]\n", "[rubric]\nmissing = \"reweight\"\n", 1);
    support::write(dir.path(), "r.toml", rubric);
    support::write(
        dir.path(),
        "d.csv",
        "id,name,x,y\nA,Ann,1.0,0.0\nN,Nil,NA,NA\nB,Bea,0.0,0.9\nC,Cid,0,0\n",
    );
    let csv = ok(ls_in(
        dir.path(),
        &[
            "sensitivity",
            "d.csv",
            "-r",
            "r.toml",
            "--format",
            "csv",
            "--runs",
            "1000",
        ],
    ))
    .stdout;
    let (header, rows) = parse_csv(&csv);
    assert_eq!(header, COLUMNS);
    let order: Vec<&str> = rows.iter().map(|r| r["id"].as_str()).collect();
    assert_eq!(order, ["A", "B", "C", "N"]);
    assert_eq!(ranks(&rows, "A"), (1, 1, 1, 2, 1));
    assert_eq!(ranks(&rows, "B"), (2, 2, 1, 2, 1));
    assert_eq!(ranks(&rows, "C"), (3, 3, 3, 3, 0));
    let n = support::row(&rows, "N");
    for key in ["rank", "rank_median", "rank_p05", "rank_p95", "rank_spread"] {
        assert_eq!(n[key], "", "N {key}");
    }
    let json = ok(ls_in(
        dir.path(),
        &[
            "sensitivity",
            "d.csv",
            "-r",
            "r.toml",
            "--format",
            "json",
            "--runs",
            "1000",
        ],
    ))
    .stdout;
    let doc: Value = serde_json::from_str(&json).unwrap();
    assert_eq!(doc["summary"]["within"]["of"], 3);
}

// ---------------------------------------------------------------------------
// 2. Collapse with --weights 0 and no alternatives

fn assert_collapsed(data: &str, rubric: &str) {
    let out = sensitivity(data, rubric, "csv", &["--weights", "0", "--runs", "50"]);
    let rows = assert_well_formed(&out.stdout, data, "village_id", COLUMNS);
    assert_eq!(rows.len(), 300);
    for r in &rows {
        let (rank, median, p05, p95, spread) = ranks(&rows, &r["id"]);
        assert_eq!(
            (median, p05, p95, spread),
            (rank, rank, rank, 0),
            "{} under {rubric}",
            r["id"]
        );
    }
    let json = sensitivity(data, rubric, "json", &["--weights", "0", "--runs", "50"]).stdout;
    let doc: Value = serde_json::from_str(&json).unwrap();
    assert_eq!(doc["summary"]["mean_abs_rank_shift"].as_f64(), Some(0.0));
    assert_eq!(doc["summary"]["within"]["share"].as_f64(), Some(1.0));
}

#[test]
fn zero_weight_spread_collapses_every_interval_on_the_shipped_sample() {
    assert_collapsed(SAMPLE, LINKAGE);
}

#[test]
fn zero_weight_spread_collapses_every_interval_under_sample_relative_entropy_topsis() {
    // Min-max normalization, entropy weights and a sample TOPSIS ideal: all
    // taken from the data, and with nothing varied all the same in every run.
    assert_collapsed(SAMPLE, ENTROPY_TOPSIS);
}

// ---------------------------------------------------------------------------
// 3. Shape: columns, rows, ordering, interval invariants

#[test]
fn intervals_contain_the_median_on_the_sample_with_every_alternative() {
    let out = sensitivity(
        SAMPLE,
        LINKAGE,
        "csv",
        &[
            "--runs",
            "200",
            "--normalize",
            "minmax,rank",
            "--aggregate",
            "arithmetic,geometric",
        ],
    );
    let rows = assert_well_formed(&out.stdout, SAMPLE, "village_id", COLUMNS);
    assert_eq!(rows.len(), 300);
    // The nominal ranks are those of `score` (the rubric as written).
    let score = ok(ls(&["score", SAMPLE, "--rubric", LINKAGE, "--format", "csv"])).stdout;
    let (_, scored) = parse_csv(&score);
    for s in &scored {
        assert_eq!(support::row(&rows, &s["id"])["rank"], s["rank"], "{}", s["id"]);
    }
}

#[test]
fn intervals_are_well_formed_under_entropy_topsis_with_weight_noise() {
    let out = sensitivity(
        SAMPLE,
        ENTROPY_TOPSIS,
        "csv",
        &["--runs", "200", "--normalize", "minmax,rank"],
    );
    assert_well_formed(&out.stdout, SAMPLE, "village_id", COLUMNS);
}

#[test]
fn a_rubric_without_a_label_has_no_label_column() {
    // No label; y is min-max normalized: x → A 1, B 0, C 0; y → A 0, B 1, C 0,
    // so nominally A = B = 0.5 (a tie at rank 1) and C = 0 (rank 3).
    let out = sensitivity(TINY, NO_GOALPOSTS, "csv", &["--runs", "100"]);
    let rows = assert_well_formed(
        &out.stdout,
        TINY,
        "id",
        "id,rank,rank_median,rank_p05,rank_p95,rank_spread",
    );
    assert_eq!(
        (
            int(support::row(&rows, "A"), "rank"),
            int(support::row(&rows, "B"), "rank")
        ),
        (1, 1)
    );
    // Ties are ordered by id.
    let order: Vec<&str> = rows.iter().map(|r| r["id"].as_str()).collect();
    assert_eq!(order, ["A", "B", "C"]);
    assert_eq!(ranks(&rows, "C"), (3, 3, 3, 3, 0));
    let json = sensitivity(TINY, NO_GOALPOSTS, "json", &["--runs", "100"]).stdout;
    let doc: Value = serde_json::from_str(&json).unwrap();
    assert!(doc["units"][0].get("label").is_none(), "{json}");
}

// ---------------------------------------------------------------------------
// 4. Determinism

/// `sensitivity` through the library on pools of 1, 2 and 4 threads:
/// byte-identical CSV and JSON (300 runs under `LINKSCORE_LONG_TESTS=1`,
/// 24 otherwise: still six a thread at four threads); the
/// executable once, under `RAYON_NUM_THREADS=4`, writes the same bytes.
#[test]
fn output_is_byte_identical_at_any_thread_count() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (sample, rubric) = (support::root().join(SAMPLE), support::root().join(LINKAGE));
    let (sample, rubric) = (sample.to_str().expect("UTF-8"), rubric.to_str().expect("UTF-8"));
    let runs = support::cases("24", "300");
    let alternatives = ["--normalize", "minmax,rank", "--aggregate", "arithmetic,geometric"];
    let mut weights_only = Vec::new();
    for extra in [&[][..], &alternatives[..]] {
        for format in ["csv", "json"] {
            let mut args = vec![
                "sensitivity",
                sample,
                "--rubric",
                rubric,
                "--seed",
                "11",
                "--runs",
                runs,
            ];
            args.extend_from_slice(extra);
            let one = support::same_at_any_thread_count(dir.path(), format, &args);
            assert!(one.len() > 5000, "{args:?}: too little output");
            if extra.is_empty() && format == "csv" {
                weights_only = one;
            }
        }
    }
    let cli = [
        "sensitivity",
        SAMPLE,
        "--rubric",
        LINKAGE,
        "--seed",
        "11",
        "--runs",
        runs,
        "--format",
        "csv",
    ];
    assert!(
        support::cli_output_at(&support::root(), 4, &cli) == weights_only,
        "the executable at 4 threads differs from 1 thread"
    );
}

/// `diff --uncertainty` through the library on pools of 1, 2 and 4 threads,
/// and the executable once under `RAYON_NUM_THREADS=4`: the same bytes (200
/// runs under `LINKSCORE_LONG_TESTS=1`, 40 otherwise).
#[test]
fn diff_uncertainty_is_byte_identical_at_any_thread_count() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = |p: &str| support::root().join(p).to_str().expect("UTF-8").to_string();
    let (old, new, rubric) = (path("examples/villages-2023.csv"), path(SAMPLE), path(LINKAGE));
    let runs = support::cases("40", "200");
    let args = ["diff", &old, &new, "--rubric", &rubric, "--uncertainty", runs];
    let one = support::same_at_any_thread_count(dir.path(), "csv", &args);
    let cli = [
        "diff",
        "examples/villages-2023.csv",
        SAMPLE,
        "--rubric",
        LINKAGE,
        "--format",
        "csv",
        "--uncertainty",
        runs,
    ];
    assert!(
        support::cli_output_at(&support::root(), 4, &cli) == one,
        "the executable at 4 threads differs from 1 thread"
    );
}

#[test]
fn the_same_seed_gives_the_same_bytes_and_another_seed_other_intervals() {
    // 300 runs under LINKSCORE_LONG_TESTS=1, 50 otherwise.
    let runs = support::cases("50", "300");
    let run = |seed: &str| sensitivity(SAMPLE, LINKAGE, "csv", &["--runs", runs, "--seed", seed]).raw_stdout;
    let first = run("3");
    assert!(first == run("3"), "seed 3 twice gave different output");
    // 300 villages under ±25 % weights: some interval moves with the draws.
    assert!(first != run("4"), "seeds 3 and 4 gave the same output");
    // The default seed is 1.
    assert!(
        sensitivity(SAMPLE, LINKAGE, "csv", &["--runs", runs]).raw_stdout == run("1"),
        "no --seed is not --seed 1"
    );
}

// ---------------------------------------------------------------------------
// 5. Bad usage and bad input

/// Runs `sensitivity TINY --rubric RUBRIC EXTRA…`, which must fail with `code`; returns stderr.
fn sensitivity_fails(rubric: &str, extra: &[&str], code: i32) -> String {
    let mut args = vec!["sensitivity", TINY, "--rubric", rubric, "--format", "csv"];
    args.extend_from_slice(extra);
    fails(ls(&args), code)
}

#[test]
fn weights_spread_of_one_or_more_is_bad_usage() {
    let err = sensitivity_fails(TINY_RUBRIC, &["--weights", "1"], 2);
    assert_mentions(&err, &["--weights", "1", "[0, 1)"]);
    let err = sensitivity_fails(TINY_RUBRIC, &["--weights", "1.5"], 2);
    assert_mentions(&err, &["--weights", "1.5", "[0, 1)"]);
}

#[test]
fn negative_weights_spread_is_bad_usage_when_attached() {
    let err = sensitivity_fails(TINY_RUBRIC, &["--weights=-0.1"], 2);
    assert_mentions(&err, &["--weights", "-0.1", "[0, 1)"]);
}

#[test]
fn negative_weights_spread_is_bad_usage() {
    let err = sensitivity_fails(TINY_RUBRIC, &["--weights", "-0.1"], 2);
    assert_mentions(&err, &["--weights", "-0.1", "[0, 1)"]);
}

#[test]
fn zero_runs_is_bad_usage() {
    let err = sensitivity_fails(TINY_RUBRIC, &["--runs", "0"], 2);
    assert_mentions(&err, &["--runs", "0"]);
}

#[test]
fn an_unknown_normalization_is_bad_usage() {
    let err = sensitivity_fails(TINY_RUBRIC, &["--normalize", "bogus"], 2);
    assert_mentions(&err, &["--normalize", "bogus", "minmax", "rank"]);
    let err = sensitivity_fails(TINY_RUBRIC, &["--aggregate", "harmonic"], 2);
    assert_mentions(&err, &["--aggregate", "harmonic", "geometric"]);
}

#[test]
fn goalpost_alternative_needs_goalposts_on_every_indicator() {
    // y has no goalposts in this rubric.
    let err = sensitivity_fails(NO_GOALPOSTS, &["--normalize", "goalpost,minmax"], 2);
    assert_mentions(&err, &["--normalize goalpost", "`y`", "goalposts"]);
}

#[test]
fn geometric_alternative_cannot_take_zscore_values() {
    // z-scores of x (1, 0, 0) are (2/3, −1/3, −1/3) / sd: B and C get a
    // negative dimension value, which a geometric mean cannot take.
    let err = sensitivity_fails(TINY_RUBRIC, &["--normalize", "zscore", "--aggregate", "geometric"], 2);
    assert_mentions(&err, &["--normalize zscore", "--aggregate geometric", "negative"]);
    // Either alternative alone scores.
    sensitivity(TINY, TINY_RUBRIC, "csv", &["--runs", "10", "--normalize", "zscore"]);
    sensitivity(TINY, TINY_RUBRIC, "csv", &["--runs", "10", "--aggregate", "geometric"]);
}

#[test]
fn zscore_alternative_cannot_feed_entropy_weights() {
    // Entropy weights need z ≥ 0; z-scores are negative below the mean. The
    // rubric as written (min-max) is fine: the alternative from the command
    // line is what cannot apply, so this is bad usage, as above.
    let r = ls(&[
        "sensitivity",
        SAMPLE,
        "--rubric",
        ENTROPY_TOPSIS,
        "--normalize",
        "zscore",
        "--runs",
        "10",
    ]);
    let err = fails(r, 2);
    assert_mentions(&err, &["--normalize zscore", "entropy"]);
}

#[test]
fn aggregate_alternatives_do_not_apply_to_topsis() {
    let r = ls(&[
        "sensitivity",
        SAMPLE,
        "--rubric",
        ENTROPY_TOPSIS,
        "--aggregate",
        "arithmetic,geometric",
    ]);
    let err = fails(r, 2);
    assert_mentions(&err, &["TOPSIS", "--aggregate"]);
    // Nor under diff --uncertainty.
    let r = ls(&[
        "diff",
        "examples/villages-2023.csv",
        SAMPLE,
        "--rubric",
        ENTROPY_TOPSIS,
        "--uncertainty",
        "10",
        "--aggregate",
        "geometric",
    ]);
    assert_mentions(&fails(r, 2), &["TOPSIS", "--aggregate"]);
}

#[test]
fn diff_vary_flags_need_uncertainty() {
    for extra in [
        &["--seed", "3"][..],
        &["--weights", "0.1"][..],
        &["--normalize", "minmax"][..],
        &["--aggregate", "geometric"][..],
    ] {
        let mut args = vec!["diff", OLD, NEW, "--rubric", TINY_RUBRIC, "--format", "csv"];
        args.extend_from_slice(extra);
        let err = fails(ls(&args), 2);
        assert_mentions(&err, &[extra[0], "--uncertainty"]);
    }
    let err = fails(
        ls(&["diff", OLD, NEW, "--rubric", TINY_RUBRIC, "--uncertainty", "0"]),
        2,
    );
    assert_mentions(&err, &["--uncertainty", "0"]);
    let err = fails(
        ls(&[
            "diff",
            OLD,
            NEW,
            "--rubric",
            TINY_RUBRIC,
            "--uncertainty",
            "10",
            "--weights",
            "1",
        ]),
        2,
    );
    assert_mentions(&err, &["--weights", "[0, 1)"]);
}

#[test]
fn bad_data_is_exit_one() {
    let dir = tempfile::tempdir().unwrap();
    support::write(dir.path(), "bad.csv", "id,name,x,y\nA,Ann,1.0,oops\nB,Bea,0,0.9\n");
    let rubric = support::fixture("sensitivity.toml");
    let err = fails(
        ls_in(
            dir.path(),
            &["sensitivity", "bad.csv", "--rubric", rubric.to_str().unwrap()],
        ),
        1,
    );
    assert_mentions(&err, &["bad.csv", "oops"]);
}

// ---------------------------------------------------------------------------
// 6. diff --uncertainty on the tiny pair of years
//
// Same rubric (goalposts: each year scored on its own, no pooling):
//
// ```text
// 2023  x     y    | s     rank     2024  x    y    | s     rank  interval (--weights 0.25)
// A    0.8   0     | 0.40  2        A    1.0  0    | 0.50  1     [1, 2]
// B    0     0.9   | 0.45  1        B    0    0.9  | 0.45  2     [1, 2]
// C    0.25  0.25  | 0.25  3        E    0.3  0.3  | 0.30  3     [3, 3]
// D    0.2   0.2   | 0.20  4 gone   C    0.25 0.25 | 0.25  4     [4, 4]
// E    0.1   0.1   | 0.10  5        F    0.2  0.2  | 0.20  5 new [5, 5]
// G    0     0     | 0     6        G    0    0    | 0     6     [6, 6]
// ```
//
// In 2024, a unit with x = y scores x whatever the weights; A scores
// f_x / (f_x + f_y) ≥ 0.75 / 2 = 0.375 > 0.3, and B 0.9 f_y / (f_x + f_y) ≥
// 0.9 × 0.375 = 0.3375 > 0.3, so A and B only ever swap (probability 0.3125,
// as in the tiny case: both intervals [1, 2]) and E, C, F, G never move.
// Moves: A 2 → 1 and B 1 → 2 are within [1, 2]; E 5 → 3 is outside [3, 3]
// and C 3 → 4 outside [4, 4]: beyond. G 6 → 6 did not move: empty; D and F
// are gone and new: empty. Summary: 2 beyond, 2 within.
// With --weights 0 every interval is the 2024 rank alone, so all four
// kept units that moved are beyond.

const DIFF_COLUMNS: &str = "id,label,status,rank_old,rank_new,rank_change,score_old,score_new,score_change,d_change";

fn tiny_diff(format: &str, extra: &[&str]) -> Run {
    let mut args = vec!["diff", OLD, NEW, "--rubric", TINY_RUBRIC, "--format", format];
    args.extend_from_slice(extra);
    ok(ls(&args))
}

#[test]
fn diff_uncertainty_columns_appear_only_with_the_flag_after_the_dimension_changes() {
    let (plain, plain_rows) = parse_csv(&tiny_diff("csv", &[]).stdout);
    assert_eq!(plain, DIFF_COLUMNS);
    let (with, rows) = parse_csv(&tiny_diff("csv", &["--uncertainty", "1000"]).stdout);
    assert_eq!(with, format!("{DIFF_COLUMNS},rank_new_p05,rank_new_p95,rank_move"));
    // The other columns are unchanged, row for row.
    assert_eq!(rows.len(), plain_rows.len());
    for (a, b) in plain_rows.iter().zip(&rows) {
        for key in DIFF_COLUMNS.split(',') {
            assert_eq!(a[key], b[key], "{} {key}", a["id"]);
        }
    }
}

#[test]
fn diff_uncertainty_marks_moves_by_the_hand_computed_intervals() {
    let rows = parse_csv(&tiny_diff("csv", &["--uncertainty", "1000"]).stdout).1;
    let order: Vec<&str> = rows.iter().map(|r| r["id"].as_str()).collect();
    assert_eq!(order, ["A", "B", "E", "C", "F", "G", "D"]);
    // (id, status, rank_old, rank_new, p05, p95, rank_move), from the table above.
    let expected = [
        ("A", "kept", "2", "1", "1", "2", "within"),
        ("B", "kept", "1", "2", "1", "2", "within"),
        ("E", "kept", "5", "3", "3", "3", "beyond"),
        ("C", "kept", "3", "4", "4", "4", "beyond"),
        ("F", "new", "", "5", "5", "5", ""),
        ("G", "kept", "6", "6", "6", "6", ""),
        ("D", "gone", "4", "", "", "", ""),
    ];
    for (id, status, old, new, p05, p95, mv) in expected {
        let r = support::row(&rows, id);
        let got = (
            r["status"].as_str(),
            r["rank_old"].as_str(),
            r["rank_new"].as_str(),
            r["rank_new_p05"].as_str(),
            r["rank_new_p95"].as_str(),
            r["rank_move"].as_str(),
        );
        assert_eq!(got, (status, old, new, p05, p95, mv), "{id}");
    }
}

#[test]
fn diff_uncertainty_with_zero_weight_spread_makes_every_move_beyond() {
    let rows = parse_csv(&tiny_diff("csv", &["--uncertainty", "100", "--weights", "0"]).stdout).1;
    for r in &rows {
        let id = r["id"].as_str();
        match (r["status"].as_str(), r["rank_change"].as_str()) {
            ("kept", change) if change != "0" => {
                // The interval is the new rank alone, and the old rank differs from it.
                assert_eq!(r["rank_new_p05"], r["rank_new"], "{id}");
                assert_eq!(r["rank_new_p95"], r["rank_new"], "{id}");
                assert_eq!(r["rank_move"], "beyond", "{id}");
            }
            (status, _) => assert_eq!(r["rank_move"], "", "{id} ({status})"),
        }
    }
    // A, B, E and C moved; G did not.
    let beyond: Vec<&str> = rows
        .iter()
        .filter(|r| r["rank_move"] == "beyond")
        .map(|r| r["id"].as_str())
        .collect();
    assert_eq!(beyond, ["A", "B", "E", "C"]);
}

#[test]
fn diff_uncertainty_summary_counts_beyond_and_within() {
    let json = tiny_diff("json", &["--uncertainty", "1000"]).stdout;
    let doc: Value = serde_json::from_str(&json).expect("JSON");
    assert_eq!(doc["summary"]["moves"]["beyond"], 2, "{json}");
    assert_eq!(doc["summary"]["moves"]["within"], 2, "{json}");
    let zero = tiny_diff("json", &["--uncertainty", "100", "--weights", "0"]).stdout;
    let doc: Value = serde_json::from_str(&zero).expect("JSON");
    assert_eq!(doc["summary"]["moves"]["beyond"], 4);
    assert_eq!(doc["summary"]["moves"]["within"], 0);
    // Without the flag there is no such summary.
    let plain = tiny_diff("json", &[]).stdout;
    let doc: Value = serde_json::from_str(&plain).expect("JSON");
    assert!(doc["summary"].get("moves").is_none(), "{plain}");

    let table = tiny_diff("table", &["--uncertainty", "1000"]).stdout;
    let line = table
        .lines()
        .find(|l| l.contains("beyond"))
        .unwrap_or_else(|| panic!("no line about moves beyond the interval:\n{table}"));
    assert_mentions(line, &["2 of 4", "1000"]);
    let plain = tiny_diff("table", &[]).stdout;
    assert!(!plain.contains("beyond"), "{plain}");
}

/// On the shipped pair of years: `rank_move` is `beyond` exactly when a
/// kept unit moved and its old rank is outside [rank_new_p05, rank_new_p95],
/// `within` when inside, and empty otherwise.
fn assert_moves_follow_the_intervals(rubric: &str) {
    let csv = ok(ls(&[
        "diff",
        "examples/villages-2023.csv",
        SAMPLE,
        "--rubric",
        rubric,
        "--format",
        "csv",
        "--uncertainty",
        "200",
    ]))
    .stdout;
    let rows = parse_csv(&csv).1;
    let (mut beyond, mut within) = (0, 0);
    for r in &rows {
        let id = r["id"].as_str();
        if r["status"] != "kept" || r["rank_change"] == "0" {
            assert_eq!(r["rank_move"], "", "{id}");
            if r["status"] == "gone" {
                assert_eq!(
                    (r["rank_new_p05"].as_str(), r["rank_new_p95"].as_str()),
                    ("", ""),
                    "{id}"
                );
            }
            continue;
        }
        let (old, p05, p95) = (int(r, "rank_old"), int(r, "rank_new_p05"), int(r, "rank_new_p95"));
        assert!(p05 <= p95, "{id}: [{p05}, {p95}]");
        let expected = if (p05..=p95).contains(&old) { "within" } else { "beyond" };
        assert_eq!(r["rank_move"], expected, "{id}: old {old}, interval [{p05}, {p95}]");
        if expected == "beyond" {
            beyond += 1;
        } else {
            within += 1;
        }
    }
    // Under ±25 % weights some of 295 kept villages move within their
    // interval and some beyond it.
    assert!(beyond > 0 && within > 0, "{rubric}: beyond {beyond}, within {within}");
}

#[test]
fn diff_uncertainty_moves_follow_the_intervals_on_the_shipped_years() {
    assert_moves_follow_the_intervals(LINKAGE);
}

#[test]
fn diff_uncertainty_moves_follow_the_intervals_when_years_are_pooled() {
    assert_moves_follow_the_intervals(ENTROPY_TOPSIS);
}

// ---------------------------------------------------------------------------
// 7. The table people read

#[test]
fn sensitivity_table_snapshot() {
    // The small Chinese fixture (7 villages, 2 counties, one tie): CJK labels
    // and headers aligned, the settings line above and the summary below.
    let out = sensitivity(
        "tests/fixtures/small.csv",
        "tests/fixtures/small.toml",
        "table",
        &["--runs", "200", "--seed", "7"],
    );
    insta::assert_snapshot!("sensitivity_table", out.stdout);
}
