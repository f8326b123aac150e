//! SPEC.md "Maths: objective weighting" and "Methods analysts publish with"
//! (AHP, combined weights, TOPSIS, floor, coupling), through the real binary.
//!
//! Three kinds of expected values, never copied from the program's output:
//! - the fixture runs (`tests/fixtures/methods.csv` with each
//!   `tests/fixtures/methods-*.toml`) are checked against the constants at
//!   the end of this file, printed by `tests/independent/methods.py`, an
//!   independent implementation written from SPEC.md alone;
//! - published examples (Saaty's 3×3 matrix) with their published rounding;
//! - small hand examples whose arithmetic is in the comments.

use crate::support::{self, Row, assert_close, num, read_csv, row};
use std::path::Path;

// ---------------------------------------------------------------- helpers

/// `actual` equals a published 4-decimal value within half a unit of the
/// last place.
fn assert_4dp(actual: f64, expected: f64, what: &str) {
    assert!(
        (actual - expected).abs() <= 5e-5,
        "{what}: got {actual}, expected ≈ {expected}"
    );
}

/// A finished run: exit code, stdout, stderr.
struct Out {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

/// Runs linkscore with `args` in `dir`.
fn run_in(dir: &Path, args: &[&str]) -> Out {
    let out = support::linkscore()
        .current_dir(dir)
        .args(args)
        .output()
        .expect("run linkscore");
    Out {
        code: out.status.code(),
        stdout: String::from_utf8(out.stdout).expect("UTF-8 stdout"),
        stderr: String::from_utf8(out.stderr).expect("UTF-8 stderr"),
    }
}

/// Runs linkscore with `args` in the repository root; it must succeed.
fn ok(args: &[&str]) -> String {
    let out = run_in(&support::root(), args);
    assert_eq!(out.code, Some(0), "linkscore {args:?} failed:\n{}", out.stderr);
    out.stdout
}

/// Writes a rubric (and data, if any) into a temporary directory and runs
/// `linkscore ARGS…` there; `rubric.toml` and `data.csv` are the names.
fn run_with(rubric: &str, data: Option<&str>, args: &[&str]) -> Out {
    let dir = tempfile::tempdir().expect("a temporary directory");
    support::write(dir.path(), "rubric.toml", rubric);
    if let Some(data) = data {
        support::write(dir.path(), "data.csv", data);
    }
    run_in(dir.path(), args)
}

/// `linkscore score data.csv --rubric rubric.toml --format csv ARGS…`; must succeed.
fn score(rubric: &str, data: &str, args: &[&str]) -> Vec<Row> {
    let mut all = vec!["score", "data.csv", "--rubric", "rubric.toml", "--format", "csv"];
    all.extend_from_slice(args);
    let out = run_with(rubric, Some(data), &all);
    assert_eq!(out.code, Some(0), "linkscore score failed:\n{}", out.stderr);
    read_csv(&out.stdout)
}

/// A run that must fail with exit 1, nothing on stdout; returns stderr.
fn fails(out: Out) -> String {
    assert_eq!(out.code, Some(1), "expected exit 1; stderr:\n{}", out.stderr);
    assert!(out.stdout.is_empty(), "nothing partial on stdout: {}", out.stdout);
    out.stderr
}

/// The numbers after `key = ` in a text such as "λmax = 3.0385, CI = …".
fn numbers_after(text: &str, key: &str) -> Vec<f64> {
    text.match_indices(key)
        .filter_map(|(at, _)| {
            let rest = &text[at + key.len()..];
            let end = rest
                .find(|c: char| !(c.is_ascii_digit() || c == '.' || c == '-'))
                .unwrap_or(rest.len());
            rest[..end].parse().ok()
        })
        .collect()
}

// ---------------------------------------------------------------- the independent reference

/// What tests/independent/methods.py computes for one fixture rubric.
struct Expected {
    /// tests/fixtures/<rubric>, scored on tests/fixtures/methods.csv.
    rubric: &'static str,
    /// (dimension or indicator id, weight inside its parent, global weight).
    weights: &'static [(&'static str, f64, f64)],
    /// Per AHP matrix ("dimensions" or the dimension id): λmax, CI, CR.
    ahp: &'static [(&'static str, f64, f64, f64)],
    /// The CSV columns `units` gives values for.
    columns: &'static [&'static str],
    units: &'static [(&'static str, &'static [f64])],
    /// coordination_grade per unit (rubrics with [coupling]).
    grades: &'static [(&'static str, &'static str)],
}

/// Scores the fixture with `--detail indicators` and asks `weights` (csv and
/// table), and compares everything with `e`.
fn check(e: &Expected) {
    let rubric = format!("tests/fixtures/{}", e.rubric);
    let data = "tests/fixtures/methods.csv";

    let weights = read_csv(&ok(&["weights", data, "--rubric", &rubric, "--format", "csv"]));
    assert_eq!(
        weights.len(),
        e.weights.len(),
        "one weights row per dimension and indicator"
    );
    for &(id, w, g) in e.weights {
        assert_close(num(&weights, id, "weight"), w, &format!("{}: weight of {id}", e.rubric));
        assert_close(
            num(&weights, id, "global_weight"),
            g,
            &format!("{}: global weight of {id}", e.rubric),
        );
    }
    let global_sum: f64 = weights
        .iter()
        .filter(|r| r["level"] == "indicator")
        .map(|r| r["global_weight"].parse::<f64>().expect("a number"))
        .sum();
    assert!(
        (global_sum - 1.0).abs() < 1e-12,
        "{}: global weights sum to {global_sum}",
        e.rubric
    );

    let scored = read_csv(&ok(&[
        "score",
        data,
        "--rubric",
        &rubric,
        "--format",
        "csv",
        "--detail",
        "indicators",
    ]));
    assert_eq!(scored.len(), e.units.len(), "{}: one row per unit", e.rubric);
    for &(unit, values) in e.units {
        for (column, &want) in e.columns.iter().zip(values) {
            assert_close(
                num(&scored, unit, column),
                want,
                &format!("{}: {unit}.{column}", e.rubric),
            );
        }
    }
    for &(unit, grade) in e.grades {
        assert_eq!(row(&scored, unit)["coordination_grade"], grade, "{}: {unit}", e.rubric);
    }
    if e.grades.is_empty() {
        assert!(!scored[0].contains_key("coupling"), "{}: no coupling columns", e.rubric);
    }
    // Ranks: standard competition ranking by descending score (1 + the
    // number of units scoring more; the scores here are 0 or far apart).
    for &(unit, values) in e.units {
        let above = e.units.iter().filter(|(_, v)| v[0] > values[0] + 1e-6).count();
        assert_eq!(
            row(&scored, unit)["rank"],
            (above + 1).to_string(),
            "{}: rank of {unit}",
            e.rubric
        );
    }

    // The table format names the method (and, for AHP, each matrix's CR),
    // in the rubric's language: these fixtures name their dimensions in
    // Chinese.
    let table = ok(&["weights", data, "--rubric", &rubric, "--format", "table"]);
    let method = e.rubric.trim_start_matches("methods-").trim_end_matches(".toml");
    let method = [
        ("ahp", "层次分析法"),
        ("critic", "CRITIC法"),
        ("entropy", "熵权法"),
        ("combined", "组合赋权"),
    ]
    .into_iter()
    .find(|m| method.starts_with(m.0))
    .map_or("给定权重", |m| m.1);
    assert!(table.contains(&format!("赋权方法：{method}")), "{}:\n{table}", e.rubric);
    if !e.ahp.is_empty() {
        for &(what, lambda, ci, cr) in e.ahp {
            // The dimensions' matrix is 维度; a dimension's is named with its id.
            let what = if what == "dimensions" { "维度" } else { what };
            let line = table
                .lines()
                .find(|l| l.contains("AHP") && l.contains(what))
                .unwrap_or_else(|| panic!("{}: an AHP line for {what}:\n{table}", e.rubric));
            for (key, want) in [("λmax = ", lambda), ("CI = ", ci), ("CR = ", cr)] {
                let got = numbers_after(line, key);
                assert_eq!(got.len(), 1, "{key} in {line}");
                assert_4dp(got[0], want, &format!("{}: {what} {key}", e.rubric));
            }
        }
    }
}

#[test]
fn independent_entropy() {
    check(&ENTROPY);
}

#[test]
fn independent_entropy_with_shift() {
    check(&ENTROPY_SHIFT);
}

#[test]
fn independent_critic() {
    check(&CRITIC);
}

#[test]
fn independent_critic_with_a_constant_column() {
    check(&CRITIC_FLAT);
    // the constant indicator carries no weight (σ = 0)
    let flat = CRITIC_FLAT.weights.iter().find(|w| w.0 == "flat").expect("flat");
    assert_eq!(flat.2, 0.0);
}

#[test]
fn independent_ahp() {
    check(&AHP);
}

#[test]
fn independent_combined_explicit_entropy_linear() {
    check(&COMBINED_LINEAR);
}

#[test]
fn independent_combined_explicit_critic_multiplicative() {
    check(&COMBINED_MULT);
}

#[test]
fn independent_combined_ahp_entropy_linear() {
    check(&COMBINED_AHP);
}

#[test]
fn independent_combined_ahp_critic_multiplicative() {
    check(&COMBINED_AHP_MULT);
}

#[test]
fn independent_explicit_with_coupling() {
    check(&EXPLICIT);
}

#[test]
fn independent_topsis_sample_ideal() {
    check(&TOPSIS);
}

#[test]
fn independent_topsis_absolute_ideal() {
    check(&TOPSIS_ABSOLUTE);
}

#[test]
fn independent_entropy_topsis() {
    check(&ENTROPY_TOPSIS);
}

#[test]
fn independent_geometric_without_floor() {
    check(&GEOMETRIC);
}

#[test]
fn independent_geometric_with_floor() {
    check(&FLOOR);
}

#[test]
fn independent_entropy_on_floored_values() {
    // SPEC: floor is the last step of normalization, so the weights see it.
    check(&ENTROPY_FLOOR);
}

#[test]
fn every_fixture_rubric_has_its_expected_values() {
    // A new tests/fixtures/methods-*.toml must come with its constants.
    let checked: Vec<&str> = ALL.iter().map(|e| e.rubric).collect();
    let mut on_disk: Vec<String> = std::fs::read_dir(support::root().join("tests").join("fixtures"))
        .expect("the fixtures folder")
        .map(|e| e.expect("an entry").file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with("methods-") && n.ends_with(".toml"))
        .collect();
    on_disk.sort();
    let mut checked_sorted: Vec<String> = checked.iter().map(|s| s.to_string()).collect();
    checked_sorted.sort();
    assert_eq!(on_disk, checked_sorted);
}

const ALL: [&Expected; 16] = [
    &AHP,
    &COMBINED_AHP_MULT,
    &COMBINED_AHP,
    &COMBINED_LINEAR,
    &COMBINED_MULT,
    &CRITIC_FLAT,
    &CRITIC,
    &ENTROPY_FLOOR,
    &ENTROPY_SHIFT,
    &ENTROPY_TOPSIS,
    &ENTROPY,
    &EXPLICIT,
    &FLOOR,
    &GEOMETRIC,
    &TOPSIS_ABSOLUTE,
    &TOPSIS,
];

// ---------------------------------------------------------------- AHP

/// Three dimensions `a`, `b`, `c` of one indicator each, AHP weighting with
/// the given `[ahp]` body.
fn ahp_rubric(ahp: &str) -> String {
    let mut s = String::from("[rubric]\nid = \"id\"\nscale = 1\nweighting = \"ahp\"\n\n");
    for d in ["a", "b", "c"] {
        s.push_str(&format!("[[dimension]]\nid = \"{d}\"\n\n"));
    }
    for d in ["a", "b", "c"] {
        s.push_str(&format!(
            "[[indicator]]\nid = \"x{d}\"\ndimension = \"{d}\"\ngoalposts = [0, 1]\n\n"
        ));
    }
    s.push_str(ahp);
    s
}

/// Saaty's classic example (The Analytic Hierarchy Process, 1980):
/// A = [[1, 1/3, 1/5], [3, 1, 1/3], [5, 3, 1]] → w ≈ (0.1047, 0.2583, 0.6370),
/// λmax ≈ 3.0385, CI ≈ 0.0193, CR = CI / 0.58 ≈ 0.0332.
const SAATY: &str = "[ahp]\ndimensions = [\n  [1, \"1/3\", \"1/5\"],\n  [3, 1, \"1/3\"],\n  [5, 3, 1],\n]\n";

#[test]
fn ahp_saaty_classic_weights_in_csv() {
    // AHP weights take nothing from the data: `weights` runs without it.
    let out = run_with(
        &ahp_rubric(SAATY),
        None,
        &["weights", "--rubric", "rubric.toml", "--format", "csv"],
    );
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    let rows = read_csv(&out.stdout);
    for (d, want) in [("a", 0.1047), ("b", 0.2583), ("c", 0.6370)] {
        assert_4dp(num(&rows, d, "weight"), want, d);
        assert_4dp(num(&rows, d, "global_weight"), want, d);
        // one indicator per dimension: weight 1 inside, global = the dimension's
        assert_eq!(num(&rows, &format!("x{d}"), "weight"), 1.0);
        assert_4dp(num(&rows, &format!("x{d}"), "global_weight"), want, d);
    }
}

#[test]
fn ahp_saaty_classic_prints_lambda_ci_cr_in_the_table() {
    let out = run_with(
        &ahp_rubric(SAATY),
        None,
        &["weights", "--rubric", "rubric.toml", "--format", "table"],
    );
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    assert!(out.stdout.contains("ahp"), "the method is named: {}", out.stdout);
    for (key, want) in [("λmax = ", 3.0385), ("CI = ", 0.0193), ("CR = ", 0.0332)] {
        let got = numbers_after(&out.stdout, key);
        assert_eq!(got.len(), 1, "one {key} in:\n{}", out.stdout);
        assert_4dp(got[0], want, key);
    }
}

#[test]
fn ahp_fractions_as_text_equal_the_numbers() {
    // "1/5" and 0.2 are the same double; "1/3" and 0.3333333333333333 too.
    let numeric =
        "[ahp]\ndimensions = [\n  [1, 0.3333333333333333, 0.2],\n  [3, 1, 0.3333333333333333],\n  [5, 3, 1],\n]\n";
    let args = ["weights", "--rubric", "rubric.toml", "--format", "csv"];
    let text = run_with(&ahp_rubric(SAATY), None, &args);
    let num = run_with(&ahp_rubric(numeric), None, &args);
    assert_eq!(text.code, Some(0), "{}", text.stderr);
    assert_eq!(num.code, Some(0), "{}", num.stderr);
    assert_eq!(text.stdout, num.stdout);
}

#[test]
fn ahp_two_by_two_has_cr_zero() {
    // n = 2: w = (4/5, 1/5) exactly, and CR = 0 by definition.
    let rubric = r#"
[rubric]
id = "id"
weighting = "ahp"

[[dimension]]
id = "p"

[[dimension]]
id = "q"

[[indicator]]
id = "x"
dimension = "p"
goalposts = [0, 1]

[[indicator]]
id = "y"
dimension = "q"
goalposts = [0, 1]

[ahp]
dimensions = [[1, 4], ["1/4", 1]]
"#;
    let out = run_with(rubric, None, &["weights", "--rubric", "rubric.toml", "--format", "csv"]);
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    let rows = read_csv(&out.stdout);
    assert_close(num(&rows, "p", "weight"), 0.8, "p");
    assert_close(num(&rows, "q", "weight"), 0.2, "q");
    let table = run_with(
        rubric,
        None,
        &["weights", "--rubric", "rubric.toml", "--format", "table"],
    );
    assert_eq!(numbers_after(&table.stdout, "CR = "), vec![0.0], "{}", table.stdout);
}

#[test]
fn ahp_indicator_matrix_keeps_explicit_weights_elsewhere() {
    // [ahp.indicators] for dimension p only; q keeps its explicit 1 : 3.
    let rubric = r#"
[rubric]
id = "id"
weighting = "ahp"
normalize = "minmax"

[[dimension]]
id = "p"
weight = 1

[[dimension]]
id = "q"
weight = 1

[[indicator]]
id = "p1"
dimension = "p"

[[indicator]]
id = "p2"
dimension = "p"

[[indicator]]
id = "q1"
dimension = "q"
weight = 1

[[indicator]]
id = "q2"
dimension = "q"
weight = 3

[ahp.indicators]
p = [[1, 3], ["1/3", 1]]
"#;
    let out = run_with(rubric, None, &["weights", "--rubric", "rubric.toml", "--format", "csv"]);
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    let rows = read_csv(&out.stdout);
    // no dimension matrix: the explicit 1 : 1
    assert_close(num(&rows, "p", "weight"), 0.5, "p");
    // p: eigenvector of [[1, 3], [1/3, 1]] = (3/4, 1/4)
    assert_close(num(&rows, "p1", "weight"), 0.75, "p1");
    assert_close(num(&rows, "p2", "weight"), 0.25, "p2");
    assert_close(num(&rows, "p1", "global_weight"), 0.375, "p1 global");
    // q: explicit 1 : 3
    assert_close(num(&rows, "q1", "weight"), 0.25, "q1");
    assert_close(num(&rows, "q2", "weight"), 0.75, "q2");
}

#[test]
fn ahp_non_reciprocal_matrix_is_an_error_naming_the_matrix() {
    // a[1][2] = 3 but a[2][1] = 3 (should be 1/3)
    let bad = "[ahp]\ndimensions = [\n  [1, 3, 5],\n  [3, 1, 2],\n  [\"1/5\", \"1/2\", 1],\n]\n";
    let stderr = fails(run_with(
        &ahp_rubric(bad),
        None,
        &["weights", "--rubric", "rubric.toml", "--format", "csv"],
    ));
    assert!(stderr.contains("reciprocal"), "{stderr}");
    assert!(stderr.contains("dimensions"), "names the matrix: {stderr}");
    assert!(stderr.contains("rubric.toml:"), "names the file and line: {stderr}");
}

#[test]
fn ahp_non_reciprocal_indicator_matrix_names_its_dimension() {
    // dimension b gets a second indicator and a 2×2 matrix with 2 × 2 ≠ 1
    let rubric = ahp_rubric("[ahp.indicators]\nb = [[1, 2], [2, 1]]\n")
        + "\n[[indicator]]\nid = \"xb2\"\ndimension = \"b\"\ngoalposts = [0, 1]\n";
    let stderr = fails(run_with(&rubric, None, &["check", "--rubric", "rubric.toml"]));
    assert!(stderr.contains("reciprocal"), "{stderr}");
    assert!(
        stderr.contains("`b`"),
        "names the dimension whose matrix it is: {stderr}"
    );
}

#[test]
fn ahp_reciprocal_within_one_percent_is_accepted() {
    // 3 × 0.331 = 0.993: within 1 % of 1 (SPEC: "within 1 %"), as a rounded 1/3 is
    let close = "[ahp]\ndimensions = [\n  [1, 3, 5],\n  [0.331, 1, 2],\n  [0.2, 0.5, 1],\n]\n";
    let out = run_with(&ahp_rubric(close), None, &["check", "--rubric", "rubric.toml"]);
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    // 3 × 0.32 = 0.96 and 3 × 0.34 = 1.02: not
    for wrong in ["0.32", "0.34"] {
        let far = close.replace("0.331", wrong);
        fails(run_with(&ahp_rubric(&far), None, &["check", "--rubric", "rubric.toml"]));
    }
}

#[test]
fn ahp_whole_number_written_as_text_is_accepted() {
    // A matrix written all in text for alignment, as users copy it from a paper.
    let text = "[ahp]\ndimensions = [\n  [\"1\", \"1/3\", \"1/5\"],\n  [\"3\", \"1\", \"1/3\"],\n  [\"5\", \"3\", \"1\"],\n]\n";
    let args = ["weights", "--rubric", "rubric.toml", "--format", "csv"];
    let out = run_with(&ahp_rubric(text), None, &args);
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    assert_eq!(out.stdout, run_with(&ahp_rubric(SAATY), None, &args).stdout);
}

#[test]
fn ahp_non_positive_entry_is_an_error() {
    let bad = "[ahp]\ndimensions = [\n  [1, 0, 5],\n  [3, 1, 2],\n  [\"1/5\", \"1/2\", 1],\n]\n";
    let stderr = fails(run_with(&ahp_rubric(bad), None, &["check", "--rubric", "rubric.toml"]));
    assert!(stderr.contains("positive"), "{stderr}");
}

#[test]
fn ahp_inconsistent_matrix_is_an_error_that_prints_cr() {
    // a > b by 9, b > c by 9, but c > a by 9: by symmetry w = (⅓, ⅓, ⅓),
    // λmax = 1 + 9 + 1/9 = 10.111…, CI = (λmax − 3)/2 = 3.5556,
    // CR = CI / 0.58 = 6.1303.
    let bad = "[ahp]\ndimensions = [\n  [1, 9, \"1/9\"],\n  [\"1/9\", 1, 9],\n  [9, \"1/9\", 1],\n]\n";
    let stderr = fails(run_with(
        &ahp_rubric(bad),
        None,
        &["weights", "--rubric", "rubric.toml", "--format", "csv"],
    ));
    let cr = numbers_after(&stderr, "CR = ");
    assert_eq!(cr.len(), 1, "the message prints CR: {stderr}");
    assert_4dp(cr[0], 6.1303, "CR");
    assert!(stderr.contains("dimensions"), "{stderr}");
}

#[test]
fn ahp_cr_just_below_and_just_above_the_threshold() {
    // [[1, 2, 3], [1/2, 1, 4], [1/3, 1/4, 1]]: CR ≈ 0.0930 < 0.10 → accepted
    // [[1, 5, 9], [1/5, 1, 5], [1/9, 1/5, 1]]: CR ≈ 0.1009 ≥ 0.10 → refused
    // (both from tests/independent/methods.py's `ahp`)
    let below = "[ahp]\ndimensions = [[1, 2, 3], [\"1/2\", 1, 4], [\"1/3\", \"1/4\", 1]]\n";
    let above = "[ahp]\ndimensions = [[1, 5, 9], [\"1/5\", 1, 5], [\"1/9\", \"1/5\", 1]]\n";
    let out = run_with(
        &ahp_rubric(below),
        None,
        &["weights", "--rubric", "rubric.toml", "--format", "table"],
    );
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    assert_4dp(numbers_after(&out.stdout, "CR = ")[0], 0.0930, "CR below");
    let stderr = fails(run_with(
        &ahp_rubric(above),
        None,
        &["check", "--rubric", "rubric.toml"],
    ));
    assert_4dp(numbers_after(&stderr, "CR = ")[0], 0.1009, "CR above");
}

#[test]
fn ahp_matrix_of_the_wrong_size_is_an_error() {
    let two = "[ahp]\ndimensions = [[1, 2], [\"1/2\", 1]]\n";
    let stderr = fails(run_with(&ahp_rubric(two), None, &["check", "--rubric", "rubric.toml"]));
    assert!(stderr.contains('3'), "says the size it needs: {stderr}");
    let ragged = "[ahp]\ndimensions = [[1, 2, 3], [\"1/2\", 1], [\"1/3\", 1, 1]]\n";
    fails(run_with(
        &ahp_rubric(ragged),
        None,
        &["check", "--rubric", "rubric.toml"],
    ));
}

#[test]
fn ahp_indicators_for_an_unknown_dimension_suggests_the_closest() {
    let stderr = fails(run_with(
        &ahp_rubric("[ahp.indicators]\nbb = [[1]]\n"),
        None,
        &["check", "--rubric", "rubric.toml"],
    ));
    assert!(stderr.contains("bb"), "{stderr}");
    assert!(stderr.contains("did you mean `b`"), "{stderr}");
}

#[test]
fn ahp_weighting_without_an_ahp_table_is_an_error() {
    let stderr = fails(run_with(&ahp_rubric(""), None, &["check", "--rubric", "rubric.toml"]));
    assert!(stderr.contains("[ahp]"), "{stderr}");
}

// ---------------------------------------------------------------- combined and objective errors

/// One dimension `d` with indicators `a`, `b` (goalposts [0, 10]) and the
/// given `[rubric]` extras and trailing tables.
fn two_indicators(header: &str, tail: &str) -> String {
    format!(
        "[rubric]\nid = \"id\"\n{header}\n\n[[dimension]]\nid = \"d\"\n\n\
         [[indicator]]\nid = \"a\"\ndimension = \"d\"\ngoalposts = [0, 10]\n\n\
         [[indicator]]\nid = \"b\"\ndimension = \"d\"\ngoalposts = [0, 10]\n\n{tail}"
    )
}

const TWO_DATA: &str = "id,a,b\nu,1,9\nv,5,5\nw,8,2\n";

#[test]
fn combined_without_a_combine_table_is_a_rubric_error() {
    let rubric = two_indicators("weighting = \"combined\"", "");
    let stderr = fails(run_with(
        &rubric,
        Some(TWO_DATA),
        &["score", "data.csv", "--rubric", "rubric.toml", "--format", "csv"],
    ));
    assert!(stderr.contains("[combine]"), "{stderr}");
    assert!(stderr.contains("rubric.toml:"), "names the file: {stderr}");
}

#[test]
fn weights_without_data_for_data_driven_weighting_is_a_usage_error() {
    for (header, tail) in [
        ("weighting = \"entropy\"", ""),
        ("weighting = \"critic\"", ""),
        (
            "weighting = \"combined\"",
            "[combine]\nsubjective = \"explicit\"\nobjective = \"entropy\"\n",
        ),
    ] {
        let out = run_with(
            &two_indicators(header, tail),
            None,
            &["weights", "--rubric", "rubric.toml", "--format", "csv"],
        );
        assert_eq!(out.code, Some(2), "{header}: {}", out.stderr);
        assert!(out.stdout.is_empty());
        assert!(
            out.stderr.contains("data"),
            "{header}: says data is needed: {}",
            out.stderr
        );
    }
}

#[test]
fn entropy_with_zscore_is_an_error_naming_the_indicator() {
    let rubric = "[rubric]\nid = \"id\"\nweighting = \"entropy\"\n\n[[dimension]]\nid = \"d\"\n\n\
                  [[indicator]]\nid = \"a\"\ndimension = \"d\"\ngoalposts = [0, 10]\n\n\
                  [[indicator]]\nid = \"zs\"\ndimension = \"d\"\nnormalize = \"zscore\"\n";
    let data = "id,a,zs\nu,1,9\nv,5,5\nw,8,2\n";
    for command in ["score", "weights"] {
        let stderr = fails(run_with(
            rubric,
            Some(data),
            &[command, "data.csv", "--rubric", "rubric.toml", "--format", "csv"],
        ));
        assert!(stderr.contains("`zs`"), "{command}: names the indicator: {stderr}");
        assert!(stderr.contains("entropy"), "{command}: {stderr}");
    }
}

#[test]
fn entropy_shift_must_be_non_negative() {
    let rubric = two_indicators("weighting = \"entropy\"\nentropy_shift = -0.0001", "");
    fails(run_with(&rubric, None, &["check", "--rubric", "rubric.toml"]));
}

#[test]
fn combined_alpha_one_and_zero_reduce_to_the_pure_methods() {
    // α = 1 gives the subjective (explicit 1 : 3) weights; α = 0 the entropy ones.
    let explicit = two_indicators("", "").replace(
        "id = \"b\"\ndimension = \"d\"",
        "id = \"b\"\ndimension = \"d\"\nweight = 3",
    );
    let explicit = explicit.replace(
        "id = \"a\"\ndimension = \"d\"",
        "id = \"a\"\ndimension = \"d\"\nweight = 1",
    );
    let combined = |alpha: &str| {
        explicit.replace(
            "[rubric]\nid = \"id\"\n",
            "[rubric]\nid = \"id\"\nweighting = \"combined\"\n",
        ) + &format!("[combine]\nsubjective = \"explicit\"\nobjective = \"entropy\"\nalpha = {alpha}\n")
    };
    let entropy = explicit.replace(
        "[rubric]\nid = \"id\"\n",
        "[rubric]\nid = \"id\"\nweighting = \"entropy\"\n",
    );
    let weights = |rubric: &str| {
        let out = run_with(
            rubric,
            Some(TWO_DATA),
            &["weights", "data.csv", "--rubric", "rubric.toml", "--format", "csv"],
        );
        assert_eq!(out.code, Some(0), "{}", out.stderr);
        read_csv(&out.stdout)
    };
    let one = weights(&combined("1"));
    assert_close(num(&one, "a", "global_weight"), 0.25, "α = 1: a");
    assert_close(num(&one, "b", "global_weight"), 0.75, "α = 1: b");
    let zero = weights(&combined("0"));
    let pure = weights(&entropy);
    for id in ["a", "b"] {
        assert_close(num(&zero, id, "global_weight"), num(&pure, id, "global_weight"), id);
    }
}

#[test]
fn combined_alpha_outside_zero_one_is_an_error() {
    let rubric = two_indicators(
        "weighting = \"combined\"",
        "[combine]\nsubjective = \"explicit\"\nobjective = \"entropy\"\nalpha = 1.5\n",
    );
    let stderr = fails(run_with(&rubric, None, &["check", "--rubric", "rubric.toml"]));
    assert!(stderr.contains("alpha"), "{stderr}");
}

// ---------------------------------------------------------------- TOPSIS

/// One dimension of three indicators with equal weights, `normalize = "none"`
/// so the data are z; scale 1.
fn topsis_rubric(ideal: &str) -> String {
    let mut s = format!(
        "[rubric]\nid = \"id\"\nscale = 1\nnormalize = \"none\"\nmethod = \"topsis\"\nideal = \"{ideal}\"\n\n\
         [[dimension]]\nid = \"d\"\n\n"
    );
    for c in ["c1", "c2", "c3"] {
        s.push_str(&format!("[[indicator]]\nid = \"{c}\"\ndimension = \"d\"\n\n"));
    }
    s
}

#[test]
fn topsis_hand_example_four_alternatives_three_criteria() {
    // Built by hand (the linkscore convention: v = w·z on already-normalized z).
    // w = ⅓ each. Every column reaches 1 and 0, so A⁺ = (⅓, ⅓, ⅓), A⁻ = 0, and
    // D± = ⅓·|z − 1| and ⅓·|z|; C = |z| / (|z| + |1 − z|):
    //   A (1, 1, 0):     |z| = √2,   |1 − z| = 1    → √2/(1 + √2) = 2 − √2 ≈ 0.5858
    //   B (0, 0, 1):     |z| = 1,    |1 − z| = √2   → 1/(1 + √2) = √2 − 1 ≈ 0.4142
    //   C (1, .5, .5):   |z| = √1.5, |1 − z| = √0.5 → √3/(√3 + 1) = (3 − √3)/2 ≈ 0.6340
    //   D (0, 1, .5):    |z| = √1.25 = |1 − z|      → 0.5
    // The weighted sum would tie A and C at ⅔; TOPSIS puts C first.
    let data = "id,c1,c2,c3\nA,1,1,0\nB,0,0,1\nC,1,0.5,0.5\nD,0,1,0.5\n";
    let s2 = 2f64.sqrt();
    let s3 = 3f64.sqrt();
    let want = [("A", 2.0 - s2), ("B", s2 - 1.0), ("C", (3.0 - s3) / 2.0), ("D", 0.5)];
    for ideal in ["sample", "absolute"] {
        // here the sample ideal is the absolute one, so both agree
        let rows = score(&topsis_rubric(ideal), data, &[]);
        for (id, c) in want {
            assert_close(num(&rows, id, "score"), c, &format!("{ideal}: {id}"));
        }
        let order: Vec<&str> = rows.iter().map(|r| r["id"].as_str()).collect();
        assert_eq!(order, ["C", "A", "D", "B"]);
        // the dimension value is reported as usual: the weighted mean of z
        assert_close(num(&rows, "A", "d"), 2.0 / 3.0, "A.d");
        assert_close(num(&rows, "C", "d"), 2.0 / 3.0, "C.d");
    }
}

#[test]
fn topsis_sample_and_absolute_ideals_differ_when_the_sample_falls_short() {
    // One indicator, weight 1, z = 0.2 and 0.6.
    // sample: A⁺ = 0.6, A⁻ = 0.2 → C = 0 and 1;
    // absolute: A⁺ = 1, A⁻ = 0 → C = z: 0.2 and 0.6.
    let rubric = "[rubric]\nid = \"id\"\nscale = 1\nnormalize = \"none\"\nmethod = \"topsis\"\nideal = \"IDEAL\"\n\n\
                  [[dimension]]\nid = \"d\"\n\n[[indicator]]\nid = \"x\"\ndimension = \"d\"\n";
    let data = "id,x\nlo,0.2\nhi,0.6\n";
    let sample = score(&rubric.replace("IDEAL", "sample"), data, &[]);
    assert_close(num(&sample, "lo", "score"), 0.0, "sample lo");
    assert_close(num(&sample, "hi", "score"), 1.0, "sample hi");
    let absolute = score(&rubric.replace("IDEAL", "absolute"), data, &[]);
    assert_close(num(&absolute, "lo", "score"), 0.2, "absolute lo");
    assert_close(num(&absolute, "hi", "score"), 0.6, "absolute hi");
}

#[test]
fn topsis_closeness_is_one_when_the_unit_is_the_ideal() {
    // All units identical: D⁺ = D⁻ = 0 for everyone; SPEC: C = 1 when D⁺ = 0.
    let data = "id,c1,c2,c3\np,0.4,0.5,0.6\nq,0.4,0.5,0.6\n";
    let rows = score(&topsis_rubric("sample"), data, &[]);
    for id in ["p", "q"] {
        assert_eq!(num(&rows, id, "score"), 1.0, "{id}");
        assert_eq!(row(&rows, id)["rank"], "1", "{id} ties at rank 1");
    }
}

// ---------------------------------------------------------------- floor

/// Minmax + geometric at both levels, one dimension of `a` and `b`, scale 100.
fn floor_rubric(floor: &str) -> String {
    format!(
        "[rubric]\nid = \"id\"\nnormalize = \"minmax\"\naggregate = \"geometric\"\n{floor}\n\n\
         [[dimension]]\nid = \"d\"\naggregate = \"geometric\"\n\n\
         [[indicator]]\nid = \"a\"\ndimension = \"d\"\n\n\
         [[indicator]]\nid = \"b\"\ndimension = \"d\"\n"
    )
}

#[test]
fn floor_keeps_a_geometric_mean_from_being_zeroed() {
    // minmax z: lo (0, 1), hi (1, 0), mid (0.5, 0.5)
    let data = "id,a,b\nlo,0,10\nhi,10,0\nmid,5,5\n";
    let without = score(&floor_rubric(""), data, &["--detail", "indicators"]);
    // a minimum value zeroes the geometric mean: 0^½ · 1^½ = 0
    assert_close(num(&without, "lo", "score"), 0.0, "lo without floor");
    assert_close(num(&without, "hi", "score"), 0.0, "hi without floor");
    assert_close(num(&without, "mid", "score"), 50.0, "mid without floor");
    assert_close(num(&without, "lo", "a"), 0.0, "lo.a without floor");

    let with = score(&floor_rubric("floor = 0.01"), data, &["--detail", "indicators"]);
    // z' = 0.01 + 0.99 z: 0 → 0.01, 1 → 1, 0.5 → 0.505 (× scale 100 in --detail)
    assert_close(num(&with, "lo", "a"), 1.0, "lo.a");
    assert_close(num(&with, "lo", "b"), 100.0, "lo.b");
    assert_close(num(&with, "mid", "a"), 50.5, "mid.a");
    // lo: √(0.01 · 1) = 0.1 → 10; mid: √(0.505²) = 0.505 → 50.5
    assert_close(num(&with, "lo", "score"), 10.0, "lo with floor");
    assert!(num(&with, "lo", "score") > 0.0);
    assert_close(num(&with, "hi", "score"), 10.0, "hi with floor");
    assert_close(num(&with, "mid", "score"), 50.5, "mid with floor");
    assert_close(num(&with, "mid", "d"), 50.5, "mid dimension");
}

#[test]
fn floor_is_seen_by_topsis_with_the_absolute_ideal() {
    // One indicator, weight 1, floor 0.5: z' = 0.5 + 0.5 z, so z = 0 → 0.5.
    // Absolute ideal: A⁺ = 1, A⁻ = 0, so C = z' = 0.5 and 1.
    let rubric = "[rubric]\nid = \"id\"\nscale = 1\nnormalize = \"none\"\nmethod = \"topsis\"\nideal = \"absolute\"\nfloor = 0.5\n\n\
                  [[dimension]]\nid = \"d\"\n\n[[indicator]]\nid = \"x\"\ndimension = \"d\"\n";
    let rows = score(rubric, "id,x\nzero,0\none,1\n", &[]);
    assert_close(num(&rows, "zero", "score"), 0.5, "zero");
    assert_close(num(&rows, "one", "score"), 1.0, "one");
}

#[test]
fn floor_outside_zero_one_is_an_error() {
    for floor in ["floor = 1", "floor = -0.01"] {
        let stderr = fails(run_with(
            &floor_rubric(floor),
            None,
            &["check", "--rubric", "rubric.toml"],
        ));
        assert!(stderr.contains("floor"), "{floor}: {stderr}");
    }
}

// ---------------------------------------------------------------- coupling

/// Two dimensions `p`, `q` (one indicator each, goalposts [0, 1], equal
/// weights) with `[coupling]`, scale 1: the dimension values are the data.
const COUPLING: &str = r#"
[rubric]
id = "id"
scale = 1

[[dimension]]
id = "p"

[[dimension]]
id = "q"

[[indicator]]
id = "x"
dimension = "p"
goalposts = [0, 1]

[[indicator]]
id = "y"
dimension = "q"
goalposts = [0, 1]

[coupling]
dimensions = ["p", "q"]
"#;

#[test]
fn coupling_at_its_limits() {
    // equal values: C = 2·√(U·U)/(2U) = 1; T = U; D = √U
    // one zero:     C = 2·√0/(0.9) = 0; D = 0 → 极度失调
    // both zero:    Σ U = 0 → C = 0 (SPEC), D = 0
    let data = "id,x,y\neq,0.6,0.6\nzero,0,0.9\nnone,0,0\nfull,1,1\n";
    let rows = score(COUPLING, data, &[]);
    assert_close(num(&rows, "eq", "coupling"), 1.0, "eq.coupling");
    assert_close(num(&rows, "eq", "coordination"), 0.6f64.sqrt(), "eq.coordination");
    assert_eq!(row(&rows, "eq")["coordination_grade"], "中级协调"); // √0.6 ≈ 0.7746
    for id in ["zero", "none"] {
        assert_eq!(num(&rows, id, "coupling"), 0.0, "{id}.coupling");
        assert_eq!(num(&rows, id, "coordination"), 0.0, "{id}.coordination");
        assert_eq!(row(&rows, id)["coordination_grade"], "极度失调", "{id}");
    }
    assert_close(num(&rows, "full", "coupling"), 1.0, "full.coupling");
    assert_close(num(&rows, "full", "coordination"), 1.0, "full.coordination");
    assert_eq!(row(&rows, "full")["coordination_grade"], "优质协调"); // [.9, 1] closed at 1
}

#[test]
fn coordination_bands_at_their_boundaries() {
    // Equal values U: C = 1, T = U, D = √U, so U = 0.25 gives D = 0.5 exactly,
    // which opens [.5, .6) 勉强协调; likewise every tenth.
    let bands = [
        ("b1", "0.01", 0.1, "严重失调"),
        ("b2", "0.04", 0.2, "中度失调"),
        ("b3", "0.09", 0.3, "轻度失调"),
        ("b4", "0.16", 0.4, "濒临失调"),
        ("b5", "0.25", 0.5, "勉强协调"),
        ("b6", "0.36", 0.6, "初级协调"),
        ("b7", "0.49", 0.7, "中级协调"),
        ("b8", "0.64", 0.8, "良好协调"),
        ("b9", "0.81", 0.9, "优质协调"),
    ];
    let mut data = String::from("id,x,y\n");
    for (id, u, _, _) in bands {
        data.push_str(&format!("{id},{u},{u}\n"));
    }
    let rows = score(COUPLING, &data, &[]);
    for (id, _, d, grade) in bands {
        assert_close(num(&rows, id, "coordination"), d, id);
        assert_eq!(row(&rows, id)["coordination_grade"], grade, "D = {d}");
    }
}

#[test]
fn coupling_development_uses_the_listed_dimension_weights_renormalized() {
    // Three dimensions, weights 1 : 1 : 2; coupling over p and r only:
    // β = (1/3, 2/3). U = (0.2, –, 0.8): C = 2·√0.16/1.0 = 0.8,
    // T = 0.2/3 + 1.6/3 = 0.6, D = √0.48.
    let rubric = r#"
[rubric]
id = "id"
scale = 1

[[dimension]]
id = "p"
weight = 1

[[dimension]]
id = "q"
weight = 1

[[dimension]]
id = "r"
weight = 2

[[indicator]]
id = "x"
dimension = "p"
goalposts = [0, 1]

[[indicator]]
id = "y"
dimension = "q"
goalposts = [0, 1]

[[indicator]]
id = "w"
dimension = "r"
goalposts = [0, 1]

[coupling]
dimensions = ["p", "r"]
"#;
    let rows = score(rubric, "id,x,y,w\nu,0.2,0.5,0.8\n", &[]);
    assert_close(num(&rows, "u", "coupling"), 0.8, "C");
    assert_close(num(&rows, "u", "coordination"), 0.48f64.sqrt(), "D");
    assert_eq!(row(&rows, "u")["coordination_grade"], "初级协调"); // √0.48 ≈ 0.6928 in [.6, .7)
}

// ---------------------------------------------------------------- snapshots

/// Update with `INSTA_UPDATE=always cargo test --test integration -- methods::snapshot`,
/// then read the changed `.snap` files before keeping them.
#[test]
fn snapshot_ahp_weights_table() {
    insta::assert_snapshot!(
        "ahp_weights_table",
        ok(&[
            "weights",
            "tests/fixtures/methods.csv",
            "--rubric",
            "tests/fixtures/methods-ahp.toml",
            "--format",
            "table"
        ])
    );
}

#[test]
fn snapshot_combined_ahp_weights_table() {
    insta::assert_snapshot!(
        "combined_ahp_weights_table",
        ok(&[
            "weights",
            "tests/fixtures/methods.csv",
            "--rubric",
            "tests/fixtures/methods-combined-ahp-mult.toml",
            "--format",
            "table"
        ])
    );
}

#[test]
fn snapshot_ahp_inconsistent_error() {
    let bad = "[ahp]\ndimensions = [\n  [1, 9, \"1/9\"],\n  [\"1/9\", 1, 9],\n  [9, \"1/9\", 1],\n]\n";
    insta::assert_snapshot!(
        "ahp_inconsistent_error",
        fails(run_with(&ahp_rubric(bad), None, &["check", "--rubric", "rubric.toml"]))
    );
}

#[test]
fn snapshot_topsis_coupling_table() {
    insta::assert_snapshot!(
        "topsis_coupling_table",
        ok(&[
            "score",
            "tests/fixtures/methods.csv",
            "--rubric",
            "tests/fixtures/methods-topsis-absolute.toml",
            "--format",
            "table"
        ])
    );
}

// ---------------------------------------------------------------- the example rubrics

fn example_rubric_scores(rubric: &str) {
    let out = ok(&[
        "score",
        "examples/villages-2024.csv",
        "--rubric",
        rubric,
        "--format",
        "csv",
    ]);
    let rows = read_csv(&out);
    assert_eq!(rows.len(), 300, "{rubric}: 300 villages");
    for r in &rows {
        let s: f64 = r["score"].parse().expect("a score");
        assert!((0.0..=100.0).contains(&s), "{rubric}: score {s} within 0..100");
    }
}

#[test]
fn example_ahp_rubric_scores_the_villages() {
    example_rubric_scores("rubrics/ahp.toml");
}

#[test]
fn example_combined_rubric_scores_the_villages() {
    example_rubric_scores("rubrics/combined.toml");
}

#[test]
fn example_entropy_topsis_rubric_scores_the_villages() {
    example_rubric_scores("rubrics/entropy-topsis.toml");
}

#[test]
fn example_ahp_rubric_is_consistent() {
    let table = ok(&["weights", "--rubric", "rubrics/ahp.toml", "--format", "table"]);
    let cr = numbers_after(&table, "CR = ");
    assert!(!cr.is_empty(), "the table prints CR:\n{table}");
    for c in cr {
        assert!((0.0..0.10).contains(&c), "CR = {c} is below 0.10");
    }
}

// ---------------------------------------------------------------- expected values
// from tests/independent/methods.py (`python3 tests/independent/methods.py` prints
// everything below this line; paste it over the old block)

/// tests/fixtures/methods-ahp.toml on tests/fixtures/methods.csv
#[rustfmt::skip]
const AHP: Expected = Expected {
    rubric: "methods-ahp.toml",
    weights: &[
        ("econ", 0.5584245430947972, 0.5584245430947972),
        ("env", 0.31961826393597564, 0.31961826393597564),
        ("soc", 0.1219571929692271, 0.1219571929692271),
        ("income", 0.6483290138222367, 0.362042833318783),
        ("jobs", 0.22965079406263714, 0.1282426397457855),
        ("enterprise", 0.12202019211512623, 0.06813907003022873),
        ("green", 0.25, 0.07990456598399391),
        ("water", 0.75, 0.23971369795198172),
        ("poverty", 1.0, 0.1219571929692271),
    ],
    ahp: &[
        ("dimensions", 3.0182947072896305, 0.009147353644815226, 0.01577129938761246),
        ("econ", 3.0036945980636394, 0.0018472990318196825, 0.0031849983307235905),
    ],
    columns: &["score", "econ", "env", "soc", "coupling", "coordination"],
    units: &[
        ("u1", &[76.61054703386971, 71.74637835529349, 80.0, 90.0, 0.9957235331302039, 0.8734009650074953]),
        ("u2", &[37.36085111017372, 33.7678215032534, 35.0, 60.0, 0.9643203959268786, 0.6002318779832331]),
        ("u3", &[97.06678956732434, 96.17823965793455, 97.5, 100.0, 0.9998694511335361, 0.9851604823985534]),
        ("u4", &[17.537843486417664, 16.788340618510187, 16.000000000000004, 25.0, 0.9794229701837364, 0.4144510436479161]),
        ("u5", &[61.41093940092021, 54.9580377367833, 67.5, 75.0, 0.9918481537743691, 0.7804506830437934]),
        ("u6", &[52.328763392130085, 93.70785012801066, 0.0, 0.0, 0.0, 0.0]),
        ("u7", &[39.501982294706885, 32.63154410853556, 47.5, 50.0, 0.9828918891758163, 0.6231065559263046]),
    ],
    grades: &[
        ("u1", "良好协调"),
        ("u2", "初级协调"),
        ("u3", "优质协调"),
        ("u4", "濒临失调"),
        ("u5", "中级协调"),
        ("u6", "极度失调"),
        ("u7", "初级协调"),
    ],
};

/// tests/fixtures/methods-combined-ahp-mult.toml on tests/fixtures/methods.csv
#[rustfmt::skip]
const COMBINED_AHP_MULT: Expected = Expected {
    rubric: "methods-combined-ahp-mult.toml",
    weights: &[
        ("econ", 0.5197954458572335, 0.5197954458572335),
        ("env", 0.32892326841207764, 0.32892326841207764),
        ("soc", 0.1512812857306888, 0.1512812857306888),
        ("income", 0.5923928320496726, 0.30792309625788883),
        ("jobs", 0.28442871693249, 0.14784475173252448),
        ("enterprise", 0.12317845101783728, 0.06402759786682012),
        ("green", 0.204814953496935, 0.06736840392387955),
        ("water", 0.795185046503065, 0.2615548644881981),
        ("poverty", 1.0, 0.1512812857306888),
    ],
    ahp: &[
        ("dimensions", 3.0182947072896305, 0.009147353644815226, 0.01577129938761246),
        ("econ", 3.0036945980636394, 0.0018472990318196825, 0.0031849983307235905),
    ],
    columns: &["score", "econ", "env", "soc"],
    units: &[
        ("u1", &[77.22958641381737, 70.61607213081508, 81.8074018601226, 90.0]),
        ("u2", &[37.699874168102326, 32.34625178088507, 35.9037009300613, 60.0]),
        ("u3", &[97.0475234701007, 95.61598219295213, 97.95185046503066, 100.0]),
        ("u4", &[17.719857464544976, 16.23187444804132, 16.722960744049043, 25.0]),
        ("u5", &[61.9656994615136, 54.38419768277375, 67.95185046503065, 75.0]),
        ("u6", &[48.839239157763394, 93.95857456430569, 0.0, 0.0]),
        ("u7", &[40.14988453557187, 32.34607190515917, 47.951850465030645, 50.0]),
    ],
    grades: &[
    ],
};

/// tests/fixtures/methods-combined-ahp.toml on tests/fixtures/methods.csv
#[rustfmt::skip]
const COMBINED_AHP: Expected = Expected {
    rubric: "methods-combined-ahp.toml",
    weights: &[
        ("econ", 0.4598112444110579, 0.4598112444110579),
        ("env", 0.39597720462739094, 0.39597720462739094),
        ("soc", 0.14421155096155108, 0.14421155096155108),
        ("income", 0.3491443546591816, 0.16054050019493404),
        ("jobs", 0.2889510965668518, 0.1328629632863439),
        ("enterprise", 0.36190454877396666, 0.16640778092978),
        ("green", 0.5083088962588543, 0.2012787358278156),
        ("water", 0.49169110374114566, 0.19469846879957534),
        ("poverty", 1.0, 0.14421155096155108),
    ],
    ahp: &[
        ("dimensions", 3.0182947072896305, 0.009147353644815226, 0.01577129938761246),
        ("econ", 3.0036945980636394, 0.0018472990318196825, 0.0031849983307235905),
    ],
    columns: &["score", "econ", "env", "soc"],
    units: &[
        ("u1", &[69.70124542915651, 63.36384160544397, 69.66764414964584, 90.0]),
        ("u2", &[30.347788300731303, 21.49051789100021, 29.833822074822912, 60.0]),
        ("u3", &[94.57848574723616, 92.58668217465691, 94.91691103741145, 100.0]),
        ("u4", &[14.923909991725917, 14.396204918526735, 11.86705765985833, 25.0]),
        ("u5", &[59.037353248635526, 48.96763668691724, 64.91691103741147, 75.0]),
        ("u6", &[41.018227416886624, 89.20666450735493, 0.0, 0.0]),
        ("u7", &[38.76165134982645, 29.936199029426074, 44.91691103741145, 50.0]),
    ],
    grades: &[
    ],
};

/// tests/fixtures/methods-combined-linear.toml on tests/fixtures/methods.csv
#[rustfmt::skip]
const COMBINED_LINEAR: Expected = Expected {
    rubric: "methods-combined-linear.toml",
    weights: &[
        ("econ", 0.44228388148261877, 0.44228388148261877),
        ("env", 0.3900917254465982, 0.3900917254465982),
        ("soc", 0.16762439307078295, 0.16762439307078295),
        ("income", 0.286982310487585, 0.12692765019929914),
        ("jobs", 0.29820252757230853, 0.13189017136260825),
        ("enterprise", 0.41481516194010654, 0.18346605992071138),
        ("green", 0.5122061120467682, 0.19980736603261742),
        ("water", 0.48779388795323186, 0.1902843594139808),
        ("poverty", 1.0, 0.16762439307078295),
    ],
    ahp: &[
    ],
    columns: &["score", "econ", "env", "soc"],
    units: &[
        ("u1", &[69.4430813189956, 61.591494590350635, 69.51175551812928, 90.0]),
        ("u2", &[30.014532967679187, 18.878254523387493, 29.755877759064642, 60.0]),
        ("u3", &[94.38969887703885, 91.8327852000256, 94.87793887953234, 100.0]),
        ("u4", &[14.94630694580062, 13.906861009726118, 11.80470220725171, 25.0]),
        ("u5", &[58.970321428359476, 47.68463358062453, 64.87793887953232, 75.0]),
        ("u6", &[39.0070983992476, 88.19470939905942, 0.0, 0.0]),
        ("u7", &[38.87355666141439, 29.360835742737397, 44.87793887953232, 50.0]),
    ],
    grades: &[
    ],
};

/// tests/fixtures/methods-combined-mult.toml on tests/fixtures/methods.csv
#[rustfmt::skip]
const COMBINED_MULT: Expected = Expected {
    rubric: "methods-combined-mult.toml",
    weights: &[
        ("econ", 0.45992784513912566, 0.45992784513912566),
        ("env", 0.299446244506476, 0.299446244506476),
        ("soc", 0.2406259103543985, 0.2406259103543985),
        ("income", 0.4484016710023842, 0.20623241430090974),
        ("jobs", 0.3038983765107449, 0.1397713254498656),
        ("enterprise", 0.24769995248687074, 0.11392410538835027),
        ("green", 0.20481495349693501, 0.06133106864342571),
        ("water", 0.7951850465030651, 0.2381151758630503),
        ("poverty", 1.0, 0.2406259103543985),
    ],
    ahp: &[
    ],
    columns: &["score", "econ", "env", "soc"],
    units: &[
        ("u1", &[76.7343291322239, 66.49103389517897, 81.80740186012261, 90.0]),
        ("u2", &[37.26466818119269, 26.25604272532219, 35.90370093006131, 60.0]),
        ("u3", &[96.56492474171272, 93.86476682880665, 97.95185046503066, 100.0]),
        ("u4", &[17.969688408565904, 15.103266591241018, 16.722960744049047, 25.0]),
        ("u5", &[62.02953478820995, 51.38776730393795, 67.95185046503065, 75.0]),
        ("u6", &[42.113519807699255, 91.5654928328163, 0.0, 0.0]),
        ("u7", &[40.64967395534603, 31.00350859257756, 47.95185046503065, 50.0]),
    ],
    grades: &[
    ],
};

/// tests/fixtures/methods-critic-flat.toml on tests/fixtures/methods.csv
#[rustfmt::skip]
const CRITIC_FLAT: Expected = Expected {
    rubric: "methods-critic-flat.toml",
    weights: &[
        ("econ", 0.481404205855119, 0.481404205855119),
        ("env", 0.32382027917727496, 0.32382027917727496),
        ("soc", 0.19477551496760606, 0.19477551496760606),
        ("income", 0.29725286117437355, 0.14309877757181125),
        ("jobs", 0.38014822807027204, 0.18300495584139997),
        ("enterprise", 0.3225989107553545, 0.15530047244190784),
        ("green", 0.4469844969103602, 0.14474264457742664),
        ("water", 0.5530155030896398, 0.1790776345998483),
        ("poverty", 1.0, 0.19477551496760606),
        ("flat", 0.0, 0.0),
    ],
    ahp: &[
    ],
    columns: &["score", "econ", "env", "soc"],
    units: &[
        ("u1", &[71.07713886826652, 62.71906811593393, 72.12062012358558, 90.0]),
        ("u2", &[31.844033281158335, 20.97934331425225, 31.060310061792794, 60.0]),
        ("u3", &[94.7812680902879, 92.16603133485538, 95.5301550308964, 100.0]),
        ("u4", &[15.663192159870897, 13.779025888632123, 12.848248049434236, 25.0]),
        ("u5", &[59.388098882155646, 48.94004222730181, 65.53015503089638, 75.0]),
        ("u6", &[43.54241488660516, 90.44876292524428, 0.0, 0.0]),
        ("u7", &[38.863480962772876, 29.873269752095098, 45.530155030896395, 50.0]),
    ],
    grades: &[
    ],
};

/// tests/fixtures/methods-critic.toml on tests/fixtures/methods.csv
#[rustfmt::skip]
const CRITIC: Expected = Expected {
    rubric: "methods-critic.toml",
    weights: &[
        ("econ", 0.48106786504810795, 0.48106786504810795),
        ("env", 0.31616865163691654, 0.31616865163691654),
        ("soc", 0.20276348331497554, 0.20276348331497554),
        ("income", 0.28899339643660654, 0.1390254362367598),
        ("jobs", 0.3917230005101558, 0.18844534754565956),
        ("enterprise", 0.3192836030532376, 0.15359708126568858),
        ("green", 0.43589090827474686, 0.13781504073001757),
        ("water", 0.564109091725253, 0.17835361090689894),
        ("poverty", 1.0, 0.20276348331497554),
    ],
    ahp: &[
    ],
    columns: &["score", "econ", "env", "soc"],
    units: &[
        ("u1", &[71.29990033143437, 62.587031898199754, 72.5643636690101, 90.0]),
        ("u2", &[32.08130583134223, 20.83916284985041, 31.282181834505064, 60.0]),
        ("u3", &[94.81743260142211, 92.09172495673297, 95.64109091725253, 100.0]),
        ("u4", &[15.772345179945335, 13.68814297199916, 13.02574546760405, 25.0]),
        ("u5", &[59.48460055485902, 48.89888892620059, 65.64109091725253, 75.0]),
        ("u6", &[43.57173229198478, 90.57294294148603, 0.0, 0.0]),
        ("u7", &[38.92763406659302, 29.848548966916844, 45.64109091725253, 50.0]),
    ],
    grades: &[
    ],
};

/// tests/fixtures/methods-entropy-floor.toml on tests/fixtures/methods.csv
#[rustfmt::skip]
const ENTROPY_FLOOR: Expected = Expected {
    rubric: "methods-entropy-floor.toml",
    weights: &[
        ("econ", 0.5666658281758262, 0.5666658281758262),
        ("env", 0.31895894751470455, 0.31895894751470455),
        ("soc", 0.11437522430946927, 0.11437522430946927),
        ("income", 0.3199300534308302, 0.18129342868571774),
        ("jobs", 0.35850273228709445, 0.2031512476947629),
        ("enterprise", 0.3215672142820753, 0.18222115179534557),
        ("green", 0.6034348773494421, 0.1924709533730429),
        ("water", 0.3965651226505578, 0.12648799414166165),
        ("poverty", 1.0, 0.11437522430946927),
    ],
    ahp: &[
    ],
    columns: &["score", "econ", "env", "soc", "income", "jobs", "enterprise", "green", "water", "poverty"],
    units: &[
        ("u1", &[66.1970694046259, 59.58797851141727, 70.80418202113017, 92.4, 62.0, 57.777777777777786, 59.285714285714285, 59.57446808510639, 92.08333333333333, 92.4]),
        ("u2", &[22.10404704882504, 13.143836249430546, 36.89048144291855, 69.60000000000001, 28.749999999999996, 15.555555555555555, 5.0, 29.255319148936167, 52.5, 69.60000000000001]),
        ("u3", &[97.75928282252286, 96.07972494504234, 100.0, 100.0, 100.0, 89.44444444444444, 100.0, 100.0, 100.0, 100.0]),
        ("u4", &[12.576587347242516, 7.624708056991447, 19.689642883109666, 43.0, 5.0, 5.0, 18.571428571428573, 13.085106382978722, 36.666666666666664, 43.0]),
        ("u5", &[56.21452619628299, 45.3523706844679, 72.21536533204635, 81.0, 43.0, 47.222222222222214, 45.71428571428571, 69.68085106382979, 76.25, 81.0]),
        ("u6", &[25.31207386439544, 87.48952604406999, 5.000000000000001, 5.0, 76.25, 100.0, 86.42857142857142, 5.0, 5.0, 5.0]),
        ("u7", &[35.62212915274775, 25.321691348758378, 53.550004008501276, 62.0, 19.25, 26.111111111111107, 32.14285714285714, 49.46808510638297, 60.41666666666667, 62.0]),
    ],
    grades: &[
    ],
};

/// tests/fixtures/methods-entropy-shift.toml on tests/fixtures/methods.csv
#[rustfmt::skip]
const ENTROPY_SHIFT: Expected = Expected {
    rubric: "methods-entropy-shift.toml",
    weights: &[
        ("econ", 0.41763869137044907, 0.41763869137044907),
        ("env", 0.42862870856771085, 0.42862870856771085),
        ("soc", 0.15373260006184003, 0.15373260006184003),
        ("income", 0.17775104276948434, 0.07423571289198017),
        ("jobs", 0.32307411894753363, 0.13492825225290875),
        ("enterprise", 0.4991748382829821, 0.20847472622556018),
        ("green", 0.5908082065841465, 0.253237358599368),
        ("water", 0.4091917934158536, 0.17539134996834285),
        ("poverty", 1.0, 0.15373260006184003),
    ],
    ahp: &[
    ],
    columns: &["score", "econ", "env", "soc"],
    units: &[
        ("u1", &[66.74131191049581, 58.563272472559866, 66.36767173663415, 90.0]),
        ("u2", &[27.343529299628756, 14.460279303577467, 28.183835868317075, 60.0]),
        ("u3", &[93.51240981365774, 90.5295733319874, 94.09191793415854, 100.0]),
        ("u4", &[13.804022293498525, 13.0254475234023, 10.547068694653658, 25.0]),
        ("u5", &[58.01993863800683, 45.53782494915757, 64.09191793415854, 75.0]),
        ("u6", &[36.180822416946, 86.63187382907802, 0.0, 0.0]),
        ("u7", &[38.443657519929445, 28.392881022432515, 44.091917934158545, 50.0]),
    ],
    grades: &[
    ],
};

/// tests/fixtures/methods-entropy-topsis.toml on tests/fixtures/methods.csv
#[rustfmt::skip]
const ENTROPY_TOPSIS: Expected = Expected {
    rubric: "methods-entropy-topsis.toml",
    weights: &[
        ("econ", 0.5676515575991519, 0.5676515575991519),
        ("env", 0.3202940469659644, 0.3202940469659644),
        ("soc", 0.11205439543488366, 0.11205439543488366),
        ("income", 0.3219758322531805, 0.18277008268780115),
        ("jobs", 0.35732396374673364, 0.20283550458833624),
        ("enterprise", 0.3207002040000859, 0.18204597032301453),
        ("green", 0.6116366745492641, 0.1959035857641883),
        ("water", 0.38836332545073593, 0.12439046120177615),
        ("poverty", 1.0, 0.11205439543488366),
    ],
    ahp: &[
    ],
    columns: &["score", "econ", "env", "soc", "income", "jobs", "enterprise", "green", "water", "poverty"],
    units: &[
        ("u1", &[62.12751814741093, 57.495607197315856, 70.73654642056597, 92.0, 60.0, 55.55555555555556, 57.14285714285714, 57.446808510638306, 91.66666666666666, 92.0]),
        ("u2", &[26.74020950524359, 12.019662070182108, 35.03442179294354, 68.0, 25.0, 11.11111111111111, 0.0, 25.53191489361702, 50.0, 68.0]),
        ("u3", &[94.75029498693289, 96.0297337361474, 100.0, 100.0, 100.0, 88.88888888888889, 100.0, 100.0, 100.0, 100.0]),
        ("u4", &[15.34937229314954, 4.5814314857155125, 18.150862688493444, 40.0, 0.0, 0.0, 14.285714285714285, 8.51063829787234, 33.33333333333333, 40.0]),
        ("u5", &[53.48079108311039, 42.504392802684144, 70.77059746322317, 80.0, 40.0, 44.44444444444444, 42.857142857142854, 68.08510638297872, 75.0, 80.0]),
        ("u6", &[52.467550782704286, 87.36917270795497, 0.0, 0.0, 75.0, 100.0, 85.71428571428571, 0.0, 0.0, 0.0]),
        ("u7", &[35.02730251044382, 21.933032982933927, 51.28432910537196, 60.0, 15.0, 22.22222222222222, 28.57142857142857, 46.808510638297875, 58.333333333333336, 60.0]),
    ],
    grades: &[
    ],
};

/// tests/fixtures/methods-entropy.toml on tests/fixtures/methods.csv
#[rustfmt::skip]
const ENTROPY: Expected = Expected {
    rubric: "methods-entropy.toml",
    weights: &[
        ("econ", 0.4175484021180268, 0.4175484021180268),
        ("env", 0.4287024649237118, 0.4287024649237118),
        ("soc", 0.15374913295826137, 0.15374913295826137),
        ("income", 0.1776616963477239, 0.07418235742757019),
        ("jobs", 0.3229400502135502, 0.13484310194658322),
        ("enterprise", 0.49939825343872596, 0.2085229427438734),
        ("green", 0.5908439020394434, 0.2532962371894535),
        ("water", 0.40915609796055663, 0.17540622773425832),
        ("poverty", 1.0, 0.15374913295826137),
    ],
    ahp: &[
    ],
    columns: &["score", "econ", "env", "soc", "coupling", "coordination"],
    units: &[
        ("u1", &[66.74011616999373, 58.559251392567226, 66.36624391842227, 90.0, 0.9980453904468346, 0.7898861125829272]),
        ("u2", &[27.342189953827408, 14.45357733991858, 28.18312195921113, 60.0, 0.9467354610074046, 0.4502055051645544]),
        ("u3", &[93.51206982434121, 90.52812132988043, 94.09156097960557, 100.0, 0.9998137083984642, 0.9608128033180183]),
        ("u4", &[13.80365277971517, 13.025112597074056, 10.546497567368906, 25.0, 0.9944561027102035, 0.3421143314298994]),
        ("u5", &[58.02010204051352, 45.53413879549317, 64.09156097960556, 75.0, 0.9855680249779024, 0.7358146902017343]),
        ("u6", &[36.170854856068, 86.62673518229323, 0.0, 0.0, 0.0, 0.0]),
        ("u7", &[38.44436665916342, 28.39131721454499, 44.09156097960557, 50.0, 0.9762590519242607, 0.5956680749039988]),
    ],
    grades: &[
        ("u1", "中级协调"),
        ("u2", "濒临失调"),
        ("u3", "优质协调"),
        ("u4", "轻度失调"),
        ("u5", "中级协调"),
        ("u6", "极度失调"),
        ("u7", "勉强协调"),
    ],
};

/// tests/fixtures/methods-explicit.toml on tests/fixtures/methods.csv
#[rustfmt::skip]
const EXPLICIT: Expected = Expected {
    rubric: "methods-explicit.toml",
    weights: &[
        ("econ", 0.5, 0.5),
        ("env", 0.3, 0.3),
        ("soc", 0.2, 0.2),
        ("income", 0.5, 0.25),
        ("jobs", 0.25, 0.125),
        ("enterprise", 0.25, 0.125),
        ("green", 0.25, 0.075),
        ("water", 0.75, 0.22499999999999998),
        ("poverty", 1.0, 0.2),
    ],
    ahp: &[
    ],
    columns: &["score", "econ", "env", "soc", "coupling", "coordination"],
    units: &[
        ("u1", &[75.75, 67.5, 80.0, 90.0, 0.993123054647582, 0.8673469397510684]),
        ("u2", &[36.25000000000001, 27.500000000000004, 35.0, 60.0, 0.9466058023488884, 0.5857854584670672]),
        ("u3", &[96.4375, 94.375, 97.5, 100.0, 0.999719623411506, 0.9818882888737757]),
        ("u4", &[17.612500000000004, 15.625, 16.000000000000004, 25.0, 0.9759023837457979, 0.41458510264748866]),
        ("u5", &[61.18750000000001, 51.87500000000001, 67.5, 75.0, 0.9883753304278619, 0.777664551915251]),
        ("u6", &[45.625, 91.25, 0.0, 0.0, 0.0, 0.0]),
        ("u7", &[39.87499999999999, 31.25, 47.5, 50.0, 0.9792161379026106, 0.6248699344572964]),
    ],
    grades: &[
        ("u1", "良好协调"),
        ("u2", "勉强协调"),
        ("u3", "优质协调"),
        ("u4", "濒临失调"),
        ("u5", "中级协调"),
        ("u6", "极度失调"),
        ("u7", "初级协调"),
    ],
};

/// tests/fixtures/methods-floor.toml on tests/fixtures/methods.csv
#[rustfmt::skip]
const FLOOR: Expected = Expected {
    rubric: "methods-floor.toml",
    weights: &[
        ("econ", 0.5, 0.5),
        ("env", 0.3, 0.3),
        ("soc", 0.2, 0.2),
        ("income", 0.5, 0.25),
        ("jobs", 0.25, 0.125),
        ("enterprise", 0.25, 0.125),
        ("green", 0.25, 0.075),
        ("water", 0.75, 0.22499999999999998),
        ("poverty", 1.0, 0.2),
    ],
    ahp: &[
    ],
    columns: &["score", "econ", "env", "soc", "income", "jobs", "enterprise", "green", "water", "poverty"],
    units: &[
        ("u1", &[70.86199431280437, 58.56217898341334, 81.76591785093534, 92.08000000000001, 60.4, 56.00000000000001, 57.57142857142858, 57.872340425531924, 91.75, 92.08000000000001]),
        ("u2", &[22.09071527870411, 9.444607804975131, 42.89047031374004, 68.32000000000001, 25.75, 11.999999999999998, 1.0, 26.276595744680847, 50.5, 68.32000000000001]),
        ("u3", &[98.55388544556067, 97.12868336416696, 100.0, 100.0, 100.0, 88.99999999999999, 100.0, 100.0, 100.0, 100.0]),
        ("u4", &[7.707027015560477, 1.9726587187184885, 24.67093760128075, 40.6, 1.0, 1.0, 15.142857142857144, 9.425531914893616, 34.0, 40.6]),
        ("u5", &[56.77865318218791, 42.36527512698679, 73.47687173753866, 80.2, 40.6, 44.99999999999999, 43.42857142857143, 68.40425531914893, 75.25, 80.2]),
        ("u6", &[9.137947951924764, 83.50209277208597, 1.0, 1.0, 75.25, 100.0, 85.85714285714286, 1.0, 1.0, 1.0]),
        ("u7", &[34.15323483098577, 20.281989219610814, 55.66265821213936, 60.4, 15.85, 23.0, 29.28571428571429, 47.340425531914896, 58.75, 60.4]),
    ],
    grades: &[
    ],
};

/// tests/fixtures/methods-geometric.toml on tests/fixtures/methods.csv
#[rustfmt::skip]
const GEOMETRIC: Expected = Expected {
    rubric: "methods-geometric.toml",
    weights: &[
        ("econ", 0.5, 0.5),
        ("env", 0.3, 0.3),
        ("soc", 0.2, 0.2),
        ("income", 0.5, 0.25),
        ("jobs", 0.25, 0.125),
        ("enterprise", 0.25, 0.125),
        ("green", 0.25, 0.075),
        ("water", 0.75, 0.22499999999999998),
        ("poverty", 1.0, 0.2),
    ],
    ahp: &[
    ],
    columns: &["score", "econ", "env", "soc", "income", "jobs", "enterprise", "green", "water", "poverty"],
    units: &[
        ("u1", &[70.54221229927853, 58.143073696821936, 81.55959412690105, 92.0, 60.0, 55.55555555555556, 57.14285714285714, 57.446808510638306, 91.66666666666666, 92.0]),
        ("u2", &[0.0, 0.0, 42.26670087109048, 68.0, 25.0, 11.11111111111111, 0.0, 25.53191489361702, 50.0, 68.0]),
        ("u3", &[98.53849721883559, 97.09835434146468, 100.0, 100.0, 100.0, 88.88888888888889, 100.0, 100.0, 100.0, 100.0]),
        ("u4", &[0.0, 0.0, 23.69461149806736, 40.0, 0.0, 0.0, 14.285714285714285, 8.51063829787234, 33.33333333333333, 40.0]),
        ("u5", &[56.29641967682161, 41.78209092288153, 73.20807337704444, 80.0, 40.0, 44.44444444444444, 42.857142857142854, 68.08510638297872, 75.0, 80.0]),
        ("u6", &[0.0, 83.32857102035372, 0.0, 0.0, 75.0, 100.0, 85.71428571428571, 0.0, 0.0, 0.0]),
        ("u7", &[33.31184103986827, 19.441308418139638, 55.210133997851884, 60.0, 15.0, 22.22222222222222, 28.57142857142857, 46.808510638297875, 58.333333333333336, 60.0]),
    ],
    grades: &[
    ],
};

/// tests/fixtures/methods-topsis-absolute.toml on tests/fixtures/methods.csv
#[rustfmt::skip]
const TOPSIS_ABSOLUTE: Expected = Expected {
    rubric: "methods-topsis-absolute.toml",
    weights: &[
        ("econ", 0.5, 0.5),
        ("env", 0.3, 0.3),
        ("soc", 0.2, 0.2),
        ("income", 0.5, 0.25),
        ("jobs", 0.25, 0.125),
        ("enterprise", 0.25, 0.125),
        ("green", 0.25, 0.075),
        ("water", 0.75, 0.22499999999999998),
        ("poverty", 1.0, 0.2),
    ],
    ahp: &[
    ],
    columns: &["score", "econ", "env", "soc", "coupling", "coordination"],
    units: &[
        ("u1", &[76.90103831889839, 67.5, 80.0, 90.0, 0.993123054647582, 0.8673469397510684]),
        ("u2", &[41.29675358634381, 27.500000000000004, 35.0, 60.0, 0.9466058023488884, 0.5857854584670672]),
        ("u3", &[95.23367118569486, 94.375, 97.5, 100.0, 0.999719623411506, 0.9818882888737757]),
        ("u4", &[19.62482977347299, 15.625, 16.000000000000004, 25.0, 0.9759023837457979, 0.41458510264748866]),
        ("u5", &[62.53785382175423, 51.87500000000001, 67.5, 75.0, 0.9883753304278619, 0.777664551915251]),
        ("u6", &[47.67141812260119, 91.25, 0.0, 0.0, 0.0, 0.0]),
        ("u7", &[41.3597406355585, 31.25, 47.5, 50.0, 0.9792161379026106, 0.6248699344572964]),
    ],
    grades: &[
        ("u1", "良好协调"),
        ("u2", "勉强协调"),
        ("u3", "优质协调"),
        ("u4", "濒临失调"),
        ("u5", "中级协调"),
        ("u6", "极度失调"),
        ("u7", "初级协调"),
    ],
};

/// tests/fixtures/methods-topsis.toml on tests/fixtures/methods.csv
#[rustfmt::skip]
const TOPSIS: Expected = Expected {
    rubric: "methods-topsis.toml",
    weights: &[
        ("econ", 0.5, 0.5),
        ("env", 0.3, 0.3),
        ("soc", 0.2, 0.2),
        ("income", 0.5, 0.25),
        ("jobs", 0.25, 0.125),
        ("enterprise", 0.25, 0.125),
        ("green", 0.25, 0.075),
        ("water", 0.75, 0.22499999999999998),
        ("poverty", 1.0, 0.2),
    ],
    ahp: &[
    ],
    columns: &["score", "econ", "env", "soc"],
    units: &[
        ("u1", &[77.36027844654323, 67.5, 80.0, 90.0]),
        ("u2", &[38.51787889685799, 27.500000000000004, 35.0, 60.0]),
        ("u3", &[96.94312328066908, 94.375, 97.5, 100.0]),
        ("u4", &[16.605862510222806, 15.625, 16.000000000000004, 25.0]),
        ("u5", &[61.36739482680029, 51.87500000000001, 67.5, 75.0]),
        ("u6", &[43.48789883216386, 91.25, 0.0, 0.0]),
        ("u7", &[39.139694534407155, 31.25, 47.5, 50.0]),
    ],
    grades: &[
    ],
};
