//! Explanations (SPEC.md "Explanations: explain, obstacles") through the real
//! binary. Every expected number is worked out by hand in the comments beside
//! it, never copied from the program's output.
//!
//! The fixture (`tests/fixtures/explain.toml`, `explain.csv`), both levels
//! arithmetic, scale 100:
//!
//! ```text
//! dimension econ (0.6): share [0, 100] weight 1, jobs [0, 10] weight 3
//! dimension life (0.4): dirt [0, 50], lower is better
//! global weights w_j: share 0.6 × ¼ = 0.15, jobs 0.6 × ¾ = 0.45, dirt 0.4
//!
//!         share jobs dirt | z_share z_jobs z_dirt | econ   life  score
//! maple     40    5   10  |  0.4     0.5    0.8   | 0.475  0.8   60.5
//! birch    100   10    0  |  1       1      1     | 1      1    100
//! cedar     40    2   30  |  0.4     0.2    0.4   | 0.25   0.4   31
//! aspen     80    5   50  |  0.8     0.5    0      | 0.575  0     34.5
//! willow   100    0   25  |  1       0      0.5   | 0.25   0.5   35
//! ```
//!
//! (econ = ¼ z_share + ¾ z_jobs, score = 100 × (0.6 econ + 0.4 life);
//! ranks: birch 1, maple 2, willow 3, aspen 4, cedar 5.)

use crate::support::{self, Row, assert_close, number, read_csv};
use serde_json::Value;

const DATA: &str = "tests/fixtures/explain.csv";
const RUBRIC: &str = "tests/fixtures/explain.toml";
const UNITS: [&str; 5] = ["maple", "birch", "cedar", "aspen", "willow"];

// ---------------------------------------------------------------------------
// Helpers

/// Stdout of a run that must succeed.
fn ok(args: &[&str]) -> String {
    String::from_utf8(support::ok(support::ls_in(&support::root(), args)).raw_stdout).expect("UTF-8 stdout")
}

/// `explain` of one fixture unit in `format`.
fn explain(unit: &str, format: &str) -> String {
    ok(&["explain", DATA, "--rubric", RUBRIC, "--unit", unit, "--format", format])
}

/// The CSV rows of `explain` for one fixture unit.
fn explain_rows(unit: &str) -> Vec<Row> {
    read_csv(&explain(unit, "csv"))
}

/// The fixture's `score` CSV with `extra` arguments.
fn score_rows(extra: &[&str]) -> Vec<Row> {
    let mut args = vec!["score", DATA, "--rubric", RUBRIC, "--format", "csv"];
    args.extend_from_slice(extra);
    read_csv(&ok(&args))
}

fn line<'a>(rows: &'a [Row], indicator: &str) -> &'a Row {
    rows.iter()
        .find(|r| r["indicator"] == indicator)
        .unwrap_or_else(|| panic!("no row for indicator {indicator}"))
}

// ---------------------------------------------------------------------------
// The hand-made fixture

#[test]
fn csv_has_one_row_per_indicator_in_the_spec_columns() {
    let out = explain("maple", "csv");
    assert_eq!(
        out.lines().next(),
        Some("indicator,dimension,linkage,raw,normalized,weight,contribution,obstacle,rank")
    );
    let rows = read_csv(&out);
    assert_eq!(rows.len(), 3);
    let dirt = line(&rows, "dirt");
    assert_eq!((dirt["dimension"].as_str(), dirt["linkage"].as_str()), ("life", ""));
    let jobs = line(&rows, "jobs");
    assert_eq!(
        (jobs["dimension"].as_str(), jobs["linkage"].as_str()),
        ("econ", "economy")
    );
}

#[test]
fn maple_indicator_by_indicator_by_hand() {
    let rows = explain_rows("maple");
    // Obstacle degrees of maple, O_j = w_j (1 − z_j) / Σ_k w_k (1 − z_k) × 100:
    //   share 0.15 × (1 − 0.4) = 0.09
    //   jobs  0.45 × (1 − 0.5) = 0.225
    //   dirt  0.40 × (1 − 0.8) = 0.08
    //   Σ = 0.09 + 0.225 + 0.08 = 0.395
    //   O_share = 0.09/0.395 × 100 = 22.78481…  (= 1800/79)
    //   O_jobs  = 0.225/0.395 × 100 = 56.96202… (= 4500/79)
    //   O_dirt  = 0.08/0.395 × 100 = 20.25316…  (= 1600/79)
    // Contributions 100 × w_j × z_j: share 100 × 0.15 × 0.4 = 6,
    //   jobs 100 × 0.45 × 0.5 = 22.5, dirt 100 × 0.4 × 0.8 = 32.
    // Ranks on each indicator's z (competition, best first):
    //   share: birch 1, willow 1 (both z 1), aspen 3 (0.8), maple 4, cedar 4 (0.4)
    //   jobs: birch 1, maple 2, aspen 2 (0.5), cedar 4, willow 5
    //   dirt: birch 1 (z 1), maple 2 (0.8), willow 3, cedar 4, aspen 5
    // (indicator, raw, normalized, weight, contribution, obstacle, rank), largest obstacle first.
    let expected = [
        ("jobs", 5.0, 50.0, 0.45, 22.5, 4500.0 / 79.0, "2"),
        ("share", 40.0, 40.0, 0.15, 6.0, 1800.0 / 79.0, "4"),
        ("dirt", 10.0, 80.0, 0.4, 32.0, 1600.0 / 79.0, "2"),
    ];
    assert_eq!(rows.len(), expected.len());
    for (row, (id, raw, normalized, weight, contribution, obstacle, rank)) in rows.iter().zip(expected) {
        assert_eq!(row["indicator"], id, "rows are ordered by obstacle, largest first");
        assert_close(number(row, "raw"), raw, &format!("{id} raw"));
        assert_close(number(row, "normalized"), normalized, &format!("{id} normalized"));
        assert_close(number(row, "weight"), weight, &format!("{id} weight"));
        assert_close(number(row, "contribution"), contribution, &format!("{id} contribution"));
        assert_close(number(row, "obstacle"), obstacle, &format!("{id} obstacle"));
        assert_eq!(row["rank"], rank, "{id} rank");
    }
    // 6 + 22.5 + 32 = 60.5 = maple's score; obstacles (1800 + 4500 + 1600)/79 = 100.
    let contributions: f64 = rows.iter().map(|r| number(r, "contribution")).sum();
    assert_close(contributions, 60.5, "maple's contributions");
    let obstacles: f64 = rows.iter().map(|r| number(r, "obstacle")).sum();
    assert_close(obstacles, 100.0, "maple's obstacles");
}

#[test]
fn contributions_add_up_to_the_score_and_obstacles_to_100_for_every_unit() {
    let ranking = score_rows(&[]);
    // Scores by hand (see the top of this file).
    for (id, score) in [
        ("maple", 60.5),
        ("birch", 100.0),
        ("cedar", 31.0),
        ("aspen", 34.5),
        ("willow", 35.0),
    ] {
        let ranked = ranking.iter().find(|r| r["id"] == id).expect("a ranking row");
        assert_close(number(ranked, "score"), score, &format!("{id} score"));
        let rows = explain_rows(id);
        let contributions: f64 = rows.iter().map(|r| number(r, "contribution")).sum();
        assert_close(contributions, score, &format!("{id}: Σ contributions"));
        let obstacles: f64 = rows.iter().map(|r| number(r, "obstacle")).sum();
        let expected = if id == "birch" { 0.0 } else { 100.0 };
        assert!(
            (obstacles - expected).abs() <= 1e-9,
            "{id}: Σ obstacles = {obstacles}, expected {expected}"
        );
        assert!(
            rows.windows(2)
                .all(|w| number(&w[0], "obstacle") >= number(&w[1], "obstacle")),
            "{id}: rows not ordered by obstacle"
        );
    }
}

#[test]
fn perfect_unit_has_no_obstacles() {
    // birch: every z = 1, so every w_j (1 − z_j) = 0 and all degrees are 0.
    let rows = explain_rows("birch");
    assert_eq!(rows.len(), 3);
    for row in &rows {
        assert_eq!(number(row, "obstacle"), 0.0, "{row:?}");
        assert_eq!(row["rank"], "1", "{row:?}");
    }
    let table = explain("birch", "table");
    let summary = table
        .lines()
        .find(|l| l.starts_with("largest obstacles:"))
        .unwrap_or_else(|| panic!("no obstacle line:\n{table}"));
    assert!(summary.contains("none"), "{summary:?}");
    let doc: Value = serde_json::from_str(&explain("birch", "json")).unwrap();
    assert_eq!(doc["largest_obstacles"], serde_json::json!([]));
}

#[test]
fn table_names_the_three_largest_obstacles() {
    let table = explain("maple", "table");
    let summary = table
        .lines()
        .find(|l| l.starts_with("largest obstacles:"))
        .unwrap_or_else(|| panic!("no obstacle line:\n{table}"));
    // jobs 56.96 %, share 22.78 %, dirt 20.25 % (see the hand computation above),
    // by the rubric's names, largest first.
    assert_eq!(
        summary,
        "largest obstacles: Local jobs 56.96%, Cooperative share 22.78%, Untreated waste 20.25%"
    );
    // The table shows the score, the rank and the grade (60.5 ≥ 50: fair).
    assert!(table.contains("score 60.50"), "{table}");
    assert!(table.contains("rank 2 / 5"), "{table}");
    assert!(table.contains("grade fair"), "{table}");
}

#[test]
fn table_snapshot() {
    insta::assert_snapshot!("explain_table_maple", explain("maple", "table"));
}

#[test]
fn json_has_the_unit_its_dimensions_with_ranks_and_its_indicators() {
    let doc: Value = serde_json::from_str(&explain("maple", "json")).expect("valid JSON");
    let unit = &doc["unit"];
    assert_eq!(unit["id"], "maple");
    assert_eq!(unit["label"], "Maple");
    assert_close(unit["score"].as_f64().unwrap(), 60.5, "unit score");
    assert_eq!(unit["rank"], 2);
    assert_eq!(unit["grade"], "fair");
    // econ: birch 1, aspen 0.575, maple 0.475, cedar = willow 0.25 → maple 3.
    // life: birch 1, maple 0.8, willow 0.5, cedar 0.4, aspen 0 → maple 2.
    let dims = doc["dimensions"].as_array().expect("dimensions array");
    assert_eq!(dims.len(), 2);
    assert_eq!(
        (dims[0]["id"].as_str(), dims[0]["rank"].as_u64()),
        (Some("econ"), Some(3))
    );
    assert_close(dims[0]["value"].as_f64().unwrap(), 47.5, "econ value");
    assert_eq!(
        (dims[1]["id"].as_str(), dims[1]["rank"].as_u64()),
        (Some("life"), Some(2))
    );
    assert_close(dims[1]["value"].as_f64().unwrap(), 80.0, "life value");
    let indicators = doc["indicators"].as_array().expect("indicators array");
    let ids: Vec<&str> = indicators.iter().map(|i| i["indicator"].as_str().unwrap()).collect();
    assert_eq!(ids, ["jobs", "share", "dirt"]);
    assert_close(
        indicators[0]["obstacle"].as_f64().unwrap(),
        4500.0 / 79.0,
        "jobs obstacle",
    );
    assert_close(
        indicators[2]["contribution"].as_f64().unwrap(),
        32.0,
        "dirt contribution",
    );
    assert_eq!(indicators[1]["rank"], 4);
}

#[test]
fn rank_column_is_the_competition_rank_on_each_indicator() {
    // By hand (z per unit at the top of this file):
    //   share z: birch 1, willow 1, aspen 0.8, maple 0.4, cedar 0.4 → 1, 1, 3, 4, 4
    //   jobs z:  birch 1, maple 0.5, aspen 0.5, cedar 0.2, willow 0 → 1, 2, 2, 4, 5
    //   dirt z:  birch 1, maple 0.8, willow 0.5, cedar 0.4, aspen 0 → 1, 2, 3, 4, 5
    let expected = [
        ("birch", [1, 1, 1]),
        ("willow", [1, 5, 3]),
        ("aspen", [3, 2, 5]),
        ("maple", [4, 2, 2]),
        ("cedar", [4, 4, 4]),
    ];
    for (unit, [share, jobs, dirt]) in expected {
        let rows = explain_rows(unit);
        for (indicator, rank) in [("share", share), ("jobs", jobs), ("dirt", dirt)] {
            assert_eq!(
                line(&rows, indicator)["rank"],
                rank.to_string(),
                "{unit} on {indicator}"
            );
        }
    }
    // And in general: 1 + the number of units strictly better on that indicator.
    let all: Vec<(&str, Vec<Row>)> = UNITS.iter().map(|u| (*u, explain_rows(u))).collect();
    for indicator in ["share", "jobs", "dirt"] {
        let z: Vec<f64> = all
            .iter()
            .map(|(_, rows)| number(line(rows, indicator), "normalized"))
            .collect();
        for (k, (unit, rows)) in all.iter().enumerate() {
            let better = z.iter().filter(|&&other| other > z[k] + 1e-9).count();
            assert_eq!(
                line(rows, indicator)["rank"],
                (better + 1).to_string(),
                "{unit} on {indicator}"
            );
        }
    }
}

#[test]
fn unknown_unit_is_an_error_suggesting_the_close_id() {
    let r = support::ls_in(
        &support::root(),
        &[
            "explain", DATA, "--rubric", RUBRIC, "--unit", "mapel", "--format", "csv",
        ],
    );
    assert_eq!(r.code, 1, "stderr:\n{}", r.stderr);
    assert!(r.stdout.is_empty(), "a failed run wrote to stdout:\n{}", r.stdout);
    assert!(r.stderr.contains("mapel"), "the unknown id is not named:\n{}", r.stderr);
    assert!(r.stderr.contains("did you mean"), "{}", r.stderr);
    assert!(
        r.stderr.contains("`maple`"),
        "the close id is not suggested:\n{}",
        r.stderr
    );
    assert!(!r.stderr.contains("`birch`"), "a far id is suggested:\n{}", r.stderr);
    assert!(!r.stderr.contains("panicked"), "{}", r.stderr);
}

#[test]
fn score_detail_obstacles_equals_explains_top_three() {
    let ranking = score_rows(&["--detail", "obstacles"]);
    assert_eq!(ranking.len(), UNITS.len());
    for row in &ranking {
        let id = &row["id"];
        let top: Vec<String> = explain_rows(id)
            .iter()
            .filter(|r| number(r, "obstacle") > 0.0)
            .take(3)
            .map(|r| r["indicator"].clone())
            .collect();
        let columns: Vec<String> = (1..=3)
            .map(|k| row[&format!("obstacle_{k}")].clone())
            .filter(|c| !c.is_empty())
            .collect();
        assert_eq!(columns, top, "{id}");
    }
    // By hand, w_j (1 − z_j) per unit (share, jobs, dirt):
    //   maple  0.09, 0.225, 0.08 → jobs, share, dirt
    //   cedar  0.09, 0.36,  0.24 → jobs, dirt, share
    //   aspen  0.03, 0.225, 0.4  → dirt, jobs, share
    //   willow 0,    0.45,  0.2  → jobs, dirt (share is at its best: no third)
    //   birch  0,    0,     0    → none
    let expected = [
        ("maple", ["jobs", "share", "dirt"]),
        ("cedar", ["jobs", "dirt", "share"]),
        ("aspen", ["dirt", "jobs", "share"]),
        ("willow", ["jobs", "dirt", ""]),
        ("birch", ["", "", ""]),
    ];
    for (id, [o1, o2, o3]) in expected {
        let row = ranking.iter().find(|r| r["id"] == id).unwrap();
        assert_eq!(
            (
                row["obstacle_1"].as_str(),
                row["obstacle_2"].as_str(),
                row["obstacle_3"].as_str()
            ),
            (o1, o2, o3),
            "{id}"
        );
    }
}

// ---------------------------------------------------------------------------
// The shipped sample

#[test]
fn contributions_add_up_on_the_shipped_sample() {
    // The linkage rubric is arithmetic at both levels; take a village with no
    // missing cell (reweighting would change the weights inside its dimension).
    let data = support::root().join("examples/villages-2024.csv");
    let text = std::fs::read_to_string(&data).unwrap();
    let na = ["", "NA", "N/A", "n/a", "/", "-", "—", "…"];
    let complete: Vec<String> = read_csv(&text)
        .into_iter()
        .filter(|r| r.values().all(|v| !na.contains(&v.trim())))
        .map(|r| r["village_id"].clone())
        .take(3)
        .collect();
    assert!(!complete.is_empty(), "no complete row in the sample");
    for id in &complete {
        let doc: Value = serde_json::from_str(&ok(&[
            "explain",
            "examples/villages-2024.csv",
            "--rubric",
            "rubrics/linkage.toml",
            "--unit",
            id,
            "--format",
            "json",
        ]))
        .expect("valid JSON");
        let score = doc["unit"]["score"].as_f64().expect("a score");
        let indicators = doc["indicators"].as_array().unwrap();
        assert!(
            indicators.iter().all(|i| !i["raw"].is_null()),
            "{id} has a missing cell"
        );
        let contributions: f64 = indicators.iter().map(|i| i["contribution"].as_f64().unwrap()).sum();
        assert_close(contributions, score, &format!("{id}: Σ contributions"));
        let obstacles: f64 = indicators.iter().map(|i| i["obstacle"].as_f64().unwrap()).sum();
        assert!((obstacles - 100.0).abs() <= 1e-9, "{id}: Σ obstacles = {obstacles}");
        let weights: f64 = indicators.iter().map(|i| i["weight"].as_f64().unwrap()).sum();
        assert!((weights - 1.0).abs() <= 1e-9, "{id}: Σ global weights = {weights}");
    }
}
