//! Year over year (SPEC.md "Year over year: diff") and frozen parameters
//! (SPEC.md "Command line": `--freeze FILE`, `--params FILE`), through the
//! real binary. Every expected number is worked out by hand in the comments
//! beside it, never copied from the program's output.
//!
//! The goalpost fixture pair (`tests/fixtures/year.toml`, `year-2023.csv`,
//! `year-2024.csv`): two dimensions of weight ½ each,
//!
//! ```text
//! econ = (income/100 + jobs/20) / 2 × 100     life = water/100 × 100
//! score = (econ + life) / 2                    grades: good ≥ 80, fair ≥ 60, poor ≥ 40
//!
//! 2023  income jobs water | econ  life  score grade rank
//! v01     80    16    90  |  80    90    85   good   1
//! v02     60    10    75  |  55    75    65   fair   3
//! v03     40     8    50  |  40    50    45   poor   4
//! v04     40     4    56  |  30    56    43   poor   5   (gone in 2024)
//! v05     70    14    80  |  70    80    75   fair   2
//!
//! 2024  income jobs water | econ  life  score grade rank
//! v01     70    14    80  |  70    80    75   fair   3 ┐ tie
//! v02     80    16    90  |  80    90    85   good   2 │
//! v03     60    12    90  |  60    90    75   fair   3 ┘
//! v05     60    12    70  |  60    70    65   fair   5
//! v06    100    30   100  | 100   100   100   good   1   (new; jobs 30 clamps to 20)
//! ```
//!
//! Kept units, new − old: score, econ, life, rank_change = rank_old − rank_new:
//! v01 −10, −10, −10, 1−3 = −2; v02 +20, +25, +15, 3−2 = +1;
//! v03 +30, +20, +40, 4−3 = +1; v05 −10, −10, −10, 2−5 = −3.
//! Means over the 4 kept: score 30/4 = 7.5, econ 25/4 = 6.25, life 35/4 = 8.75.
//! Grades: v01 good→fair, v02 fair→good, v03 poor→fair, v05 fair→fair
//! (three transitions of one unit each, one unchanged).

use crate::support::{self, Row, Run, assert_close, ls_in, number, read_csv, write};
use serde_json::Value;
use std::path::Path;
use tempfile::TempDir;

const OLD: &str = "tests/fixtures/year-2023.csv";
const NEW: &str = "tests/fixtures/year-2024.csv";
const RUBRIC: &str = "tests/fixtures/year.toml";

// ---------------------------------------------------------------------------
// Helpers

/// A run in `dir` that must succeed; returns it.
fn ok_in(dir: &Path, args: &[&str]) -> Run {
    let r = support::ok(ls_in(dir, args));
    assert!(std::str::from_utf8(&r.raw_stdout).is_ok(), "stdout is not UTF-8");
    r
}

/// A run in the repository root that must succeed.
fn ok(args: &[&str]) -> Run {
    ok_in(&support::root(), args)
}

/// A run in `dir` that must exit 1 with nothing on stdout; returns stderr.
fn fails_in(dir: &Path, args: &[&str]) -> String {
    support::fails(ls_in(dir, args), 1)
}

/// The fixture diff in `format` (run from the repository root).
fn fixture_diff(format: &str, extra: &[&str]) -> Run {
    let mut args = vec!["diff", OLD, NEW, "--rubric", RUBRIC, "--format", format];
    args.extend_from_slice(extra);
    ok(&args)
}

/// The ids of a CSV data file (column `column`), in file order.
fn ids_of(path: &Path, column: &str) -> Vec<String> {
    let text = std::fs::read_to_string(path).expect("read a data file");
    read_csv(&text).into_iter().map(|r| r[column].clone()).collect()
}

// ---------------------------------------------------------------------------
// diff on the goalpost fixture pair

#[test]
fn diff_csv_columns_in_spec_order() {
    let out = fixture_diff("csv", &[]).stdout;
    let header = out.lines().next().expect("a header");
    // id, label?, group?, status, ranks, scores, grade_old?, grade_new?, <dimension>_change in rubric order.
    assert_eq!(
        header,
        "id,label,group,status,rank_old,rank_new,rank_change,score_old,score_new,score_change,\
         grade_old,grade_new,econ_change,life_change"
    );
}

#[test]
fn diff_rows_are_ordered_by_new_rank_then_gone_units_by_old_rank() {
    let rows = read_csv(&fixture_diff("csv", &[]).stdout);
    let order: Vec<&str> = rows.iter().map(|r| r["id"].as_str()).collect();
    // rank_new: v06 1, v02 2, v01 3 = v03 3 (tie, by id), v05 5; then gone v04.
    assert_eq!(order, ["v06", "v02", "v01", "v03", "v05", "v04"]);
    let status: Vec<&str> = rows.iter().map(|r| r["status"].as_str()).collect();
    assert_eq!(status, ["new", "kept", "kept", "kept", "kept", "gone"]);
}

#[test]
fn diff_kept_units_have_hand_computed_changes() {
    let rows = read_csv(&fixture_diff("csv", &[]).stdout);
    // (id, rank_old, rank_new, rank_change, score_old, score_new, score_change,
    //  grade_old, grade_new, econ_change, life_change), from the table at the top.
    let expected = [
        ("v01", "1", "3", "-2", 85.0, 75.0, -10.0, "good", "fair", -10.0, -10.0),
        ("v02", "3", "2", "1", 65.0, 85.0, 20.0, "fair", "good", 25.0, 15.0),
        ("v03", "4", "3", "1", 45.0, 75.0, 30.0, "poor", "fair", 20.0, 40.0),
        ("v05", "2", "5", "-3", 75.0, 65.0, -10.0, "fair", "fair", -10.0, -10.0),
    ];
    for (id, ro, rn, rc, so, sn, sc, go, gn, ec, lc) in expected {
        let r = support::row(&rows, id);
        assert_eq!(r["status"], "kept", "{id}");
        assert_eq!((r["rank_old"].as_str(), r["rank_new"].as_str()), (ro, rn), "{id} ranks");
        assert_eq!(r["rank_change"], rc, "{id} rank_change");
        assert_close(number(r, "score_old"), so, &format!("{id} score_old"));
        assert_close(number(r, "score_new"), sn, &format!("{id} score_new"));
        assert_close(number(r, "score_change"), sc, &format!("{id} score_change"));
        assert_eq!(
            (r["grade_old"].as_str(), r["grade_new"].as_str()),
            (go, gn),
            "{id} grades"
        );
        assert_close(number(r, "econ_change"), ec, &format!("{id} econ_change"));
        assert_close(number(r, "life_change"), lc, &format!("{id} life_change"));
        // rank_change = rank_old − rank_new, positive = moved up.
        let (o, n): (i64, i64) = (r["rank_old"].parse().unwrap(), r["rank_new"].parse().unwrap());
        assert_eq!(r["rank_change"], (o - n).to_string());
    }
    // Labels and groups are carried over.
    assert_eq!(support::row(&rows, "v03")["label"], "Gamma");
    assert_eq!(support::row(&rows, "v03")["group"], "South");
}

#[test]
fn diff_leaves_cells_that_do_not_apply_empty() {
    let rows = read_csv(&fixture_diff("csv", &[]).stdout);
    let new = support::row(&rows, "v06");
    // New: only the new year's rank (1), score (income 100 → 1, jobs 30
    // clamps to 20 → 1, water 100 → 1: score 100) and grade (good).
    assert_eq!(new["status"], "new");
    assert_eq!(new["rank_new"], "1");
    assert_close(number(new, "score_new"), 100.0, "v06 score_new");
    assert_eq!(new["grade_new"], "good");
    assert_eq!((new["label"].as_str(), new["group"].as_str()), ("Zeta", "North"));
    for key in [
        "rank_old",
        "rank_change",
        "score_old",
        "score_change",
        "grade_old",
        "econ_change",
        "life_change",
    ] {
        assert_eq!(new[key], "", "v06 (new) has {key} = {:?}", new[key]);
    }
    let gone = support::row(&rows, "v04");
    // Gone: only the old year's rank 5, score 43 ((40/100 + 4/20)/2 = 0.3 → 30,
    // water 56; (30 + 56)/2 = 43) and grade poor.
    assert_eq!(gone["status"], "gone");
    assert_eq!(gone["rank_old"], "5");
    assert_close(number(gone, "score_old"), 43.0, "v04 score_old");
    assert_eq!(gone["grade_old"], "poor");
    assert_eq!((gone["label"].as_str(), gone["group"].as_str()), ("Delta", "South"));
    for key in [
        "rank_new",
        "rank_change",
        "score_new",
        "score_change",
        "grade_new",
        "econ_change",
        "life_change",
    ] {
        assert_eq!(gone[key], "", "v04 (gone) has {key} = {:?}", gone[key]);
    }
}

#[test]
fn diff_json_has_the_summary_and_every_unit() {
    let doc: Value = serde_json::from_str(&fixture_diff("json", &[]).stdout).expect("valid JSON");
    let units = doc["units"].as_array().expect("units array");
    let ids: Vec<&str> = units.iter().map(|u| u["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["v06", "v02", "v01", "v03", "v05", "v04"]);
    let v05 = &units[4];
    assert_eq!(v05["status"], "kept");
    assert_eq!(v05["rank_change"], -3);
    assert_close(v05["score_change"].as_f64().unwrap(), -10.0, "v05 score_change");
    // Cells that do not apply are null.
    assert!(units[0]["score_old"].is_null() && units[5]["score_new"].is_null());

    let s = &doc["summary"];
    assert_eq!(
        (s["kept"].as_u64(), s["new"].as_u64(), s["gone"].as_u64()),
        (Some(4), Some(1), Some(1))
    );
    // Means over the kept units: (−10 + 20 + 30 − 10)/4 = 7.5;
    // econ (−10 + 25 + 20 − 10)/4 = 6.25; life (−10 + 15 + 40 − 10)/4 = 8.75.
    assert_close(s["mean_score_change"].as_f64().unwrap(), 7.5, "mean score change");
    assert_close(
        s["mean_dimension_change"]["econ"].as_f64().unwrap(),
        6.25,
        "mean econ change",
    );
    assert_close(
        s["mean_dimension_change"]["life"].as_f64().unwrap(),
        8.75,
        "mean life change",
    );
    assert_eq!(s["grade_unchanged"], 1);
    assert_eq!(
        s["grade_transitions"].as_array().map(Vec::len),
        Some(3),
        "{}",
        s["grade_transitions"]
    );
    assert_eq!(doc["inputs"].as_array().map(Vec::len), Some(2));
}

#[test]
fn diff_summary_counts_and_means_agree_with_the_csv() {
    let rows = read_csv(&fixture_diff("csv", &[]).stdout);
    let count = |s: &str| rows.iter().filter(|r| r["status"] == s).count();
    assert_eq!((count("kept"), count("new"), count("gone")), (4, 1, 1));
    let kept: Vec<&Row> = rows.iter().filter(|r| r["status"] == "kept").collect();
    let mean = |key: &str| kept.iter().map(|r| number(r, key)).sum::<f64>() / kept.len() as f64;
    assert_close(mean("score_change"), 7.5, "mean score_change over kept rows");
    assert_close(mean("econ_change"), 6.25, "mean econ_change over kept rows");
    assert_close(mean("life_change"), 8.75, "mean life_change over kept rows");
}

#[test]
fn diff_table_opens_with_the_summary() {
    let out = fixture_diff("table", &[]).stdout;
    let lines: Vec<&str> = out.lines().collect();
    assert!(lines[0].starts_with("Year fixture (y1)"), "{out}");
    assert!(lines.contains(&"units: 4 kept, 1 new, 1 gone"), "{out}");
    // The means rounded to two places, signed.
    assert!(
        lines.contains(&"mean change: score +7.50; Economy +6.25, Living +8.75"),
        "{out}"
    );
    // Risers by rank change: v03 and v02 (+1 each; v03's +30 before v02's +20);
    // fallers: v05 (−3), then v01 (−2).
    assert!(out.contains("biggest rank rises:\n  v03 Gamma: 4 → 3 (+1)"), "{out}");
    assert!(out.contains("  v02 Beta: 3 → 2 (+1)"), "{out}");
    assert!(out.contains("biggest rank falls:\n  v05 Epsilon: 2 → 5 (-3)"), "{out}");
    assert!(out.contains("  v01 Alpha: 1 → 3 (-2)"), "{out}");
    // Grade transitions, one of each, one unit unchanged.
    let grades = lines
        .iter()
        .find(|l| l.starts_with("grade changes: "))
        .unwrap_or_else(|| panic!("no grade line:\n{out}"));
    for part in ["good → fair 1", "fair → good 1", "poor → fair 1", "unchanged 1"] {
        assert!(grades.contains(part), "{grades:?} lacks {part:?}");
    }
    // Then the table, one line per unit.
    for id in ["v01", "v02", "v03", "v04", "v05", "v06"] {
        assert!(
            lines.iter().any(|l| l.starts_with(&format!("| {id} "))),
            "{id} not in the table:\n{out}"
        );
    }
}

/// The `  id …` lines under a summary heading.
fn movers<'a>(out: &'a str, heading: &str) -> Vec<&'a str> {
    out.lines()
        .skip_while(|l| *l != heading)
        .skip(1)
        .take_while(|l| l.starts_with("  "))
        .collect()
}

#[test]
fn diff_top_limits_risers_and_fallers() {
    let all = fixture_diff("table", &[]).stdout;
    assert_eq!(movers(&all, "biggest rank rises:").len(), 2, "{all}");
    assert_eq!(movers(&all, "biggest rank falls:").len(), 2, "{all}");
    let one = fixture_diff("table", &["--top", "1"]).stdout;
    let risers = movers(&one, "biggest rank rises:");
    let fallers = movers(&one, "biggest rank falls:");
    // The biggest riser is v03 (+1 place, +30 points), the biggest faller v05 (−3 places).
    assert_eq!(risers.len(), 1, "{one}");
    assert!(risers[0].starts_with("  v03 "), "{one}");
    assert_eq!(fallers.len(), 1, "{one}");
    assert!(fallers[0].starts_with("  v05 "), "{one}");
    // The table itself still lists every unit.
    assert_eq!(one.lines().filter(|l| l.starts_with("| v0")).count(), 6, "{one}");
    // JSON's summary follows the same limit.
    let doc: Value = serde_json::from_str(&fixture_diff("json", &["--top", "1"]).stdout).unwrap();
    assert_eq!(doc["summary"]["risers"][0]["id"], "v03");
    assert_eq!(doc["summary"]["risers"].as_array().map(Vec::len), Some(1));
    assert_eq!(doc["summary"]["fallers"][0]["id"], "v05");
    assert_eq!(doc["summary"]["fallers"].as_array().map(Vec::len), Some(1));
}

#[test]
fn diff_table_snapshot() {
    insta::assert_snapshot!("diff_table", fixture_diff("table", &["--wide"]).stdout);
}

#[test]
fn diff_jsonl_is_one_unit_a_line() {
    let out = fixture_diff("jsonl", &[]).stdout;
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 6, "{out}");
    let ids: Vec<String> = lines
        .iter()
        .map(|l| {
            let v: Value = serde_json::from_str(l).unwrap_or_else(|e| panic!("{l:?} is not JSON: {e}"));
            v["id"].as_str().expect("an id").to_string()
        })
        .collect();
    assert_eq!(ids, ["v06", "v02", "v01", "v03", "v05", "v04"]);
    let v03: Value = serde_json::from_str(lines[3]).unwrap();
    assert_eq!(v03["status"], "kept");
    assert_close(v03["life_change"].as_f64().unwrap(), 40.0, "v03 life_change");
}

#[test]
fn diff_markdown_is_a_table() {
    let out = fixture_diff("markdown", &[]).stdout;
    let lines: Vec<&str> = out.lines().filter(|l| !l.trim().is_empty()).collect();
    // Header, separator, six units.
    assert_eq!(lines.len(), 8, "{out}");
    assert!(lines.iter().all(|l| l.starts_with('|') && l.ends_with('|')), "{out}");
    assert!(lines[1].contains("---"), "{out}");
    let cells = |l: &str| l.matches('|').count();
    assert!(lines.iter().all(|l| cells(l) == cells(lines[0])), "ragged rows:\n{out}");
    assert!(lines[2].contains("v06") && lines[7].contains("v04"), "{out}");
}

#[test]
fn diff_output_file_holds_what_stdout_would() {
    let dir = TempDir::new().unwrap();
    let target = dir.path().join("changes.csv");
    let target = target.to_str().unwrap();
    let r = fixture_diff("csv", &["--output", target]);
    assert!(r.stdout.is_empty(), "--output also wrote to stdout:\n{}", r.stdout);
    let written = std::fs::read_to_string(target).expect("the output file");
    // ... with the BOM a CSV file has for Excel (issue 16).
    assert_eq!(written, format!("\u{feff}{}", fixture_diff("csv", &[]).stdout));
}

#[test]
fn diff_of_a_goalpost_rubric_does_not_pool() {
    let r = fixture_diff("csv", &[]);
    assert!(!r.stderr.contains("pool"), "goalposts need no pooling:\n{}", r.stderr);
}

// ---------------------------------------------------------------------------
// Pooling of sample-relative rubrics

/// Two dimensions of weight ½, one min-max indicator each.
const MINMAX_RUBRIC: &str = r#"[rubric]
name = "minmax"
id = "id"
normalize = "minmax"

[[dimension]]
id = "d1"
weight = 1

[[dimension]]
id = "d2"
weight = 1

[[indicator]]
id = "x"
dimension = "d1"

[[indicator]]
id = "y"
dimension = "d2"
"#;

/// s2 has the same raw values (20, 40) in both years.
const MINMAX_Y1: &str = "id,x,y\ns1,10,10\ns2,20,40\ns3,30,70\n";
const MINMAX_Y2: &str = "id,x,y\ns1,0,10\ns2,20,40\ns3,60,100\n";

fn minmax_dir() -> TempDir {
    let dir = TempDir::new().unwrap();
    write(dir.path(), "r.toml", MINMAX_RUBRIC);
    write(dir.path(), "y1.csv", MINMAX_Y1);
    write(dir.path(), "y2.csv", MINMAX_Y2);
    dir
}

#[test]
fn pooled_diff_keeps_an_unchanged_village_score_exactly() {
    let dir = minmax_dir();
    let r = ok_in(
        dir.path(),
        &["diff", "y1.csv", "y2.csv", "--rubric", "r.toml", "--format", "csv"],
    );
    assert!(
        r.stderr.contains("pool"),
        "stderr does not say it pooled:\n{}",
        r.stderr
    );
    let rows = read_csv(&r.stdout);
    // Pooled x: 10, 20, 30, 0, 20, 60 → min 0, max 60; y: 10, 40, 70, 10, 40, 100
    // → min 10, max 100. s2 in both years: x (20 − 0)/60 = 1/3, y (40 − 10)/90 = 1/3,
    // score 100 × (½·⅓ + ½·⅓) = 33.333…, the same computation both years.
    let s2 = support::row(&rows, "s2");
    assert_eq!(s2["score_old"], s2["score_new"]);
    assert_close(number(s2, "score_old"), 100.0 / 3.0, "s2 pooled score");
    assert_eq!(s2["score_change"], "0");
    assert_eq!((s2["d1_change"].as_str(), s2["d2_change"].as_str()), ("0", "0"));
    // s1: 2023 x 10/60 = 1/6, y 0 → 100 × ½ × ⅙ = 8.333…; 2024 x 0, y 0 → 0.
    let s1 = support::row(&rows, "s1");
    assert_close(number(s1, "score_old"), 100.0 / 12.0, "s1 old");
    assert_close(number(s1, "score_new"), 0.0, "s1 new");
    assert_close(number(s1, "score_change"), -100.0 / 12.0, "s1 change");
    // s3: 2023 x 30/60 = ½, y 60/90 = ⅔ → 100 × (¼ + ⅓) = 58.333…; 2024 x 1, y 1 → 100.
    let s3 = support::row(&rows, "s3");
    assert_close(number(s3, "score_old"), 175.0 / 3.0, "s3 old");
    assert_close(number(s3, "score_new"), 100.0, "s3 new");
    assert_close(number(s3, "score_change"), 125.0 / 3.0, "s3 change");
}

#[test]
fn no_pool_rescales_each_year_and_warns() {
    let dir = minmax_dir();
    let r = ok_in(
        dir.path(),
        &[
            "diff",
            "y1.csv",
            "y2.csv",
            "--rubric",
            "r.toml",
            "--format",
            "csv",
            "--no-pool",
        ],
    );
    assert!(
        r.stderr.contains("warning") && r.stderr.contains("--no-pool"),
        "no warning about --no-pool:\n{}",
        r.stderr
    );
    let rows = read_csv(&r.stdout);
    // 2023 alone: x min 10 max 30 → s2 ½; y min 10 max 70 → s2 30/60 = ½: score 50.
    // 2024 alone: x min 0 max 60 → ⅓; y min 10 max 100 → ⅓: score 33.333…
    // The same raw values now "fall" by 50/3 = 16.666… points: pure rescaling.
    let s2 = support::row(&rows, "s2");
    assert_close(number(s2, "score_old"), 50.0, "s2 old alone");
    assert_close(number(s2, "score_new"), 100.0 / 3.0, "s2 new alone");
    assert_close(number(s2, "score_change"), -50.0 / 3.0, "s2 change without pooling");
}

#[test]
fn no_pool_and_params_conflict_on_the_command_line() {
    let dir = minmax_dir();
    let r = ls_in(
        dir.path(),
        &[
            "diff",
            "y1.csv",
            "y2.csv",
            "--rubric",
            "r.toml",
            "--no-pool",
            "--params",
            "p.toml",
        ],
    );
    assert_eq!(r.code, 2, "stderr:\n{}", r.stderr);
    assert!(r.stdout.is_empty());
}

#[test]
fn every_sample_relative_variant_pools_and_goalposts_do_not() {
    let old = support::shared("conformance/data.csv");
    let new = support::shared("conformance/data_next_year.csv");
    for (variant, pools) in [
        ("arithmetic", false),
        ("topsis-absolute", false),
        ("minmax", true),
        ("zscore", true),
        ("rank", true),
        ("entropy", true),
        ("critic", true),
        ("topsis-sample", true),
    ] {
        let rubric = support::shared(&format!("conformance/variants/{variant}.toml"));
        let r = ok(&[
            "diff",
            old.to_str().unwrap(),
            new.to_str().unwrap(),
            "--rubric",
            rubric.to_str().unwrap(),
            "--format",
            "csv",
        ]);
        assert_eq!(
            r.stderr.contains("pool"),
            pools,
            "{variant}: pooled note expected = {pools}; stderr:\n{}",
            r.stderr
        );
    }
}

// ---------------------------------------------------------------------------
// The shipped sample

#[test]
fn diff_of_the_shipped_sample_years() {
    let old = support::root().join("examples/villages-2023.csv");
    let new = support::root().join("examples/villages-2024.csv");
    let r = ok(&[
        "diff",
        "examples/villages-2023.csv",
        "examples/villages-2024.csv",
        "--rubric",
        "rubrics/linkage.toml",
        "--format",
        "csv",
    ]);
    let rows = read_csv(&r.stdout);
    let count = |s: &str| rows.iter().filter(|r| r["status"] == s).count();
    assert_eq!((count("kept"), count("new"), count("gone")), (295, 5, 4));
    assert_eq!(rows.len(), 304);

    let old_ids = ids_of(&old, "village_id");
    let new_ids = ids_of(&new, "village_id");
    let mut every: Vec<&str> = old_ids.iter().chain(&new_ids).map(String::as_str).collect();
    every.sort_unstable();
    every.dedup();
    let mut listed: Vec<&str> = rows.iter().map(|r| r["id"].as_str()).collect();
    listed.sort_unstable();
    let before = listed.len();
    listed.dedup();
    assert_eq!(before, listed.len(), "an id appears more than once");
    assert_eq!(listed, every, "the diff lists exactly the ids of both files");
    for row in &rows {
        let id = &row["id"];
        let expected = match (old_ids.contains(id), new_ids.contains(id)) {
            (true, true) => "kept",
            (false, true) => "new",
            (true, false) => "gone",
            (false, false) => unreachable!(),
        };
        assert_eq!(row["status"], expected, "{id}");
    }
    // Order: rank_new ascending over the units of the new year, then the gone.
    let ranks: Vec<usize> = rows
        .iter()
        .take_while(|r| r["status"] != "gone")
        .map(|r| r["rank_new"].parse().unwrap())
        .collect();
    assert_eq!(ranks.len(), 300);
    assert!(ranks.windows(2).all(|w| w[0] <= w[1]), "rows not ordered by rank_new");
    let gone: Vec<usize> = rows.iter().skip(300).map(|r| r["rank_old"].parse().unwrap()).collect();
    assert!(
        gone.windows(2).all(|w| w[0] <= w[1]),
        "gone rows not ordered by rank_old"
    );
}

// ---------------------------------------------------------------------------
// --freeze / --params

#[test]
fn freeze_then_params_reproduces_the_scores_byte_for_byte() {
    let dir = TempDir::new().unwrap();
    let data = support::shared("conformance/data.csv");
    let data = data.to_str().unwrap();
    for variant in [
        "arithmetic",
        "minmax",
        "zscore",
        "rank",
        "entropy",
        "critic",
        "topsis-sample",
    ] {
        let rubric = support::shared(&format!("conformance/variants/{variant}.toml"));
        let rubric = rubric.to_str().unwrap();
        let params = format!("{variant}.params.toml");
        let base = [
            "score",
            data,
            "--rubric",
            rubric,
            "--format",
            "csv",
            "--detail",
            "linkages,indicators",
        ];
        let frozen = ok_in(dir.path(), &[&base[..], &["--freeze", &params]].concat());
        let text = std::fs::read_to_string(dir.path().join(&params)).expect("--freeze wrote the file");
        assert!(text.contains("[indicator."), "{variant}: params file:\n{text}");
        let again = ok_in(dir.path(), &[&base[..], &["--params", &params]].concat());
        assert!(!frozen.stdout.is_empty());
        assert!(
            frozen.stdout == again.stdout,
            "{variant}: scoring with the frozen parameters changed the output"
        );
    }
}

#[test]
fn params_put_the_next_year_on_the_base_year_minmax_scale() {
    let dir = TempDir::new().unwrap();
    write(dir.path(), "r.toml", MINMAX_RUBRIC);
    write(dir.path(), "y1.csv", MINMAX_Y1);
    // Year 2 inside year 1's range [10, 30] × [10, 70].
    write(dir.path(), "y2.csv", "id,x,y\ns1,15,25\ns2,25,55\ns3,30,10\n");
    ok_in(
        dir.path(),
        &[
            "score", "y1.csv", "--rubric", "r.toml", "--format", "csv", "--freeze", "p.toml",
        ],
    );
    let rows = read_csv(
        &ok_in(
            dir.path(),
            &[
                "score", "y2.csv", "--rubric", "r.toml", "--format", "csv", "--params", "p.toml",
            ],
        )
        .stdout,
    );
    // Frozen: x min 10 max 30 (range 20), y min 10 max 70 (range 60).
    // s1: x (15−10)/20 = 0.25, y (25−10)/60 = 0.25 → 100 × 0.25 = 25
    // s2: x 15/20 = 0.75, y 45/60 = 0.75 → 75
    // s3: x 20/20 = 1, y 0 → 50
    // (Year 2's own min-max would give s1 x 0, s2 x 10/15 — different.)
    for (id, d1, d2, score, rank) in [
        ("s1", 25.0, 25.0, 25.0, "3"),
        ("s2", 75.0, 75.0, 75.0, "1"),
        ("s3", 100.0, 0.0, 50.0, "2"),
    ] {
        let r = support::row(&rows, id);
        assert_close(number(r, "d1"), d1, &format!("{id} d1"));
        assert_close(number(r, "d2"), d2, &format!("{id} d2"));
        assert_close(number(r, "score"), score, &format!("{id} score"));
        assert_eq!(r["rank"], rank, "{id}");
    }
}

/// SPEC says `--params` puts next year "on this year's scale" and gives the
/// min-max formula without a clamp; the implementation does not clamp, so a
/// value beyond the base year's range gives z outside [0, 1] and a score
/// outside 0..scale. (SPEC also says indicators are "normalized to [0, 1]"
/// and scores are "reported on 0..scale": see the report.)
#[test]
fn params_minmax_beyond_the_base_year_range_is_not_clamped() {
    let dir = minmax_dir();
    ok_in(
        dir.path(),
        &[
            "score", "y1.csv", "--rubric", "r.toml", "--format", "csv", "--freeze", "p.toml",
        ],
    );
    let rows = read_csv(
        &ok_in(
            dir.path(),
            &[
                "score",
                "y2.csv",
                "--rubric",
                "r.toml",
                "--format",
                "csv",
                "--detail",
                "indicators",
                "--params",
                "p.toml",
            ],
        )
        .stdout,
    );
    // Frozen x [10, 30], y [10, 70]. Year 2:
    // s3: x (60−10)/20 = 2.5, y (100−10)/60 = 1.5 → score 100 × (1.25 + 0.75) = 200
    // s2: x 10/20 = 0.5, y 30/60 = 0.5 → 50
    // s1: x (0−10)/20 = −0.5, y 0 → −25
    for (id, x, y, score) in [
        ("s3", 250.0, 150.0, 200.0),
        ("s2", 50.0, 50.0, 50.0),
        ("s1", -50.0, 0.0, -25.0),
    ] {
        let r = support::row(&rows, id);
        assert_close(number(r, "x"), x, &format!("{id} x"));
        assert_close(number(r, "y"), y, &format!("{id} y"));
        assert_close(number(r, "score"), score, &format!("{id} score"));
    }
}

#[test]
fn diff_with_params_scores_both_years_on_the_frozen_scale() {
    let dir = minmax_dir();
    ok_in(
        dir.path(),
        &[
            "score", "y1.csv", "--rubric", "r.toml", "--format", "csv", "--freeze", "p.toml",
        ],
    );
    let r = ok_in(
        dir.path(),
        &[
            "diff", "y1.csv", "y2.csv", "--rubric", "r.toml", "--format", "csv", "--params", "p.toml",
        ],
    );
    assert!(
        r.stderr.contains("p.toml"),
        "no note about the frozen parameters:\n{}",
        r.stderr
    );
    let rows = read_csv(&r.stdout);
    // Frozen from year 1, so year 1 scores as on its own: s2 50; in year 2
    // s2 has the same raw values and the same scale: 50 again, change 0.
    let s2 = support::row(&rows, "s2");
    assert_close(number(s2, "score_old"), 50.0, "s2 old");
    assert_eq!(s2["score_change"], "0");
    // s3: 2023 x 1, y 1 → 100; 2024 200 (see the unclamped test): +100.
    assert_close(number(support::row(&rows, "s3"), "score_change"), 100.0, "s3 change");
}

#[test]
fn params_with_a_renamed_indicator_names_the_unknown_and_the_missing() {
    let dir = minmax_dir();
    ok_in(
        dir.path(),
        &[
            "score", "y1.csv", "--rubric", "r.toml", "--format", "csv", "--freeze", "p.toml",
        ],
    );
    let text = std::fs::read_to_string(dir.path().join("p.toml")).unwrap();
    assert!(text.contains("[indicator.x]"), "{text}");
    write(
        dir.path(),
        "renamed.toml",
        text.replace("[indicator.x]", "[indicator.x_rate]"),
    );
    let err = fails_in(
        dir.path(),
        &[
            "score",
            "y1.csv",
            "--rubric",
            "r.toml",
            "--format",
            "csv",
            "--params",
            "renamed.toml",
        ],
    );
    assert!(err.contains("`x_rate`"), "the unknown indicator is not named:\n{err}");
    assert!(err.contains("`x`"), "the missing indicator is not named:\n{err}");
    assert!(err.contains("renamed.toml"), "the params file is not named:\n{err}");
    // The same check guards diff.
    let err = fails_in(
        dir.path(),
        &[
            "diff",
            "y1.csv",
            "y2.csv",
            "--rubric",
            "r.toml",
            "--params",
            "renamed.toml",
        ],
    );
    assert!(err.contains("`x_rate`") && err.contains("`x`"), "{err}");
}

#[test]
fn params_file_that_is_not_toml_names_file_and_line() {
    let dir = minmax_dir();
    // The stray `=` is on line 3.
    write(
        dir.path(),
        "bad.toml",
        "[params]\nlinkscore = \"0.1.0\"\nweighting = = \"explicit\"\n",
    );
    let err = fails_in(
        dir.path(),
        &[
            "score", "y1.csv", "--rubric", "r.toml", "--format", "csv", "--params", "bad.toml",
        ],
    );
    assert!(err.contains("bad.toml:3:"), "no file:line in:\n{err}");
    write(dir.path(), "prose.toml", "these are not the parameters\n");
    let err = fails_in(
        dir.path(),
        &[
            "score",
            "y1.csv",
            "--rubric",
            "r.toml",
            "--format",
            "csv",
            "--params",
            "prose.toml",
        ],
    );
    assert!(err.contains("prose.toml:1:"), "no file:line in:\n{err}");
}

#[test]

fn params_missing_statistic_names_the_normalization_as_written_in_the_rubric() {
    let dir = minmax_dir();
    ok_in(
        dir.path(),
        &[
            "score", "y1.csv", "--rubric", "r.toml", "--format", "csv", "--freeze", "p.toml",
        ],
    );
    let text = std::fs::read_to_string(dir.path().join("p.toml")).unwrap();
    let without_min: String = text
        .lines()
        .filter(|l| !l.starts_with("min = "))
        .map(|l| format!("{l}\n"))
        .collect();
    write(dir.path(), "nomin.toml", without_min);
    let err = fails_in(
        dir.path(),
        &[
            "score",
            "y1.csv",
            "--rubric",
            "r.toml",
            "--format",
            "csv",
            "--params",
            "nomin.toml",
        ],
    );
    assert!(err.contains("`min`"), "{err}");
    assert!(!err.contains("Minmax"), "Rust debug output in the message:\n{err}");
}

#[test]

fn params_rank_normalization_stays_within_zero_and_one() {
    let dir = minmax_dir();
    write(dir.path(), "rank.toml", MINMAX_RUBRIC.replace("\"minmax\"", "\"rank\""));
    ok_in(
        dir.path(),
        &[
            "score",
            "y1.csv",
            "--rubric",
            "rank.toml",
            "--format",
            "csv",
            "--freeze",
            "p.toml",
        ],
    );
    let rows = read_csv(
        &ok_in(
            dir.path(),
            &[
                "score",
                "y2.csv",
                "--rubric",
                "rank.toml",
                "--format",
                "csv",
                "--detail",
                "indicators",
                "--params",
                "p.toml",
            ],
        )
        .stdout,
    );
    // Frozen x values 10, 20, 30: year 2's x = 60 is above them all and x = 0
    // below them all; (r − 1)/(n − 1) of a rank can only be in [0, 1].
    for row in &rows {
        let x = number(row, "x");
        assert!((0.0..=100.0).contains(&x), "{}: x × scale = {x}", row["id"]);
    }
}

/// Issue 12, item 4, on the shipped data: the pooled diff of the
/// entropy-TOPSIS rubric has V530122001 first in both years with a higher
/// score; on the 2023 parameters frozen, two-sided TOPSIS distances made the
/// same village fall 1 → 4 (a value beyond the frozen ideal counted as a
/// distance from it). One-sided, it holds first there too.
#[test]
fn frozen_topsis_agrees_with_the_pool_on_the_leader() {
    let dir = tempfile::tempdir().unwrap();
    let root = support::root();
    let rubric = root.join("rubrics/entropy-topsis.toml");
    let (old, new) = (
        root.join("examples/villages-2023.csv"),
        root.join("examples/villages-2024.csv"),
    );
    let frozen = dir.path().join("base.toml");
    let s = |p: &std::path::Path| p.to_str().unwrap().to_string();
    support::ok(support::run(support::linkscore().args([
        "score".into(),
        s(&old),
        "--rubric".into(),
        s(&rubric),
        "--format".into(),
        "csv".into(),
        "--freeze".into(),
        s(&frozen),
    ])));
    for extra in [vec![], vec!["--params".to_string(), s(&frozen)]] {
        let mut args = vec![
            "diff".to_string(),
            s(&old),
            s(&new),
            "--rubric".into(),
            s(&rubric),
            "--format".into(),
            "csv".into(),
        ];
        args.extend(extra.clone());
        let r = support::ok(support::run(support::linkscore().args(&args)));
        let rows = read_csv(&r.stdout);
        let leader = support::row(&rows, "V530122001");
        assert_eq!(
            (leader["rank_old"].as_str(), leader["rank_new"].as_str()),
            ("1", "1"),
            "{extra:?}"
        );
        assert!(number(leader, "score_change") > 0.0, "{extra:?}");
    }
}
