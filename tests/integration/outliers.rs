//! Outlier treatment through the executable (SPEC "Data as offices fill it
//! in": Outliers; issue 13): the stderr line per treated column, JSON
//! `treatment`, explain's raw and treated value, the freeze → params round
//! trip, a bad `outliers` value, and that nothing changes by default.
//!
//! The column `income` is the worked example of `src/outliers.rs`:
//! 0, 4, 5, 5, 5, 5, 6, 34 has G1 = 2.65, G2 = 7.34; winsorizing moves 34
//! to 6 (G1 = −2.24, G2 = 5.55: still beyond, now skewed low), then 0 to 4
//! (G1 = 0): clamps [4, 6], cells u4 (34 → 6) and u2 (0 → 4).

use crate::support::{self, ls_in};
use serde_json::Value;

const RUBRIC: &str = r#"
[rubric]
name = "outliers"
id = "id"
normalize = "minmax"
outliers = "winsorize"

[[dimension]]
id = "d"

[[indicator]]
id = "income"
dimension = "d"

[[indicator]]
id = "rate"
dimension = "d"
normalize = "goalpost"
goalposts = [0, 100]
"#;

const DATA: &str = "id,income,rate\nu1,5,10\nu2,0,20\nu3,5,30\nu4,34,40\nu5,4,50\nu6,5,60\nu7,6,70\nu8,5,80\n";

const WARNING: &str = "outliers: `income` winsorized: 1 value(s) above 6 set to 6, 1 value(s) below 4 set to 4 (skew 2.65 → 0.00, kurtosis 7.34 → -0.70)";

fn setup(rubric: &str, data: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("a temporary directory");
    support::write(dir.path(), "r.toml", rubric);
    support::write(dir.path(), "a.csv", data);
    dir
}

fn ok(dir: &tempfile::TempDir, args: &[&str]) -> support::Run {
    let run = ls_in(dir.path(), args);
    assert_eq!(run.code, 0, "linkscore {args:?}:\n{}", run.stderr);
    support::assert_clean_stderr(&run.stderr);
    run
}

/// The score of each unit in a CSV ranking, by id.
fn scores(csv: &str) -> Vec<(String, f64)> {
    let mut out: Vec<(String, f64)> = csv
        .lines()
        .skip(1)
        .map(|l| {
            let cells: Vec<&str> = l.split(',').collect();
            (cells[1].to_string(), cells[2].parse().expect("a score"))
        })
        .collect();
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

#[test]
fn winsorized_column_is_reported_on_stderr_and_scored_on_its_clamps() {
    let dir = setup(RUBRIC, DATA);
    let run = ok(&dir, &["score", "a.csv", "--rubric", "r.toml", "--format", "csv"]);
    assert_eq!(
        run.stderr
            .lines()
            .filter(|l| l.contains("outliers:"))
            .collect::<Vec<_>>(),
        [format!("warning: {WARNING}")],
        "{}",
        run.stderr
    );
    // min-max over the treated column [4, 6]: u4 (34 → 6) gets income z = 1,
    // u2 (0 → 4) gets 0, u7 (6) 1, the 5s 0.5; score = 50 z + 50 rate/100.
    let s = scores(&run.stdout);
    let get = |id: &str| s.iter().find(|(u, _)| u == id).map(|(_, v)| *v).expect("unit");
    assert!((get("u4") - (50.0 + 20.0)).abs() < 1e-9, "{s:?}");
    assert!((get("u2") - (0.0 + 10.0)).abs() < 1e-9, "{s:?}");
    assert!((get("u7") - (50.0 + 35.0)).abs() < 1e-9, "{s:?}");
    assert!((get("u1") - (25.0 + 5.0)).abs() < 1e-9, "{s:?}");
    // `check` shows the same line.
    let run = ok(&dir, &["check", "--rubric", "r.toml", "a.csv"]);
    assert!(
        run.stdout.contains(WARNING) || run.stderr.contains(WARNING),
        "{}{}",
        run.stdout,
        run.stderr
    );
}

#[test]
fn json_lists_the_treatment_and_every_treated_cell() {
    let dir = setup(RUBRIC, DATA);
    let run = ok(&dir, &["score", "a.csv", "--rubric", "r.toml", "--format", "json"]);
    let doc: Value = serde_json::from_str(&run.stdout).expect("json");
    let t = &doc["treatment"];
    assert_eq!(t["outliers"], "winsorize");
    assert_eq!(t["winsorize_max"], 5);
    let income = &t["indicators"]["income"];
    assert_eq!(income["method"], "winsorize");
    assert_eq!(
        (income["low"].as_f64(), income["high"].as_f64()),
        (Some(4.0), Some(6.0))
    );
    let cells: Vec<(String, f64, f64)> = income["cells"]
        .as_array()
        .expect("cells")
        .iter()
        .map(|c| {
            (
                c["id"].as_str().unwrap_or_default().to_string(),
                c["raw"].as_f64().unwrap_or(f64::NAN),
                c["treated"].as_f64().unwrap_or(f64::NAN),
            )
        })
        .collect();
    assert_eq!(cells, [("u2".into(), 0.0, 4.0), ("u4".into(), 34.0, 6.0)]);
    // Goalpost indicators are never treated.
    assert!(t["indicators"].get("rate").is_none(), "{t}");
    assert!(
        doc["warnings"]
            .as_array()
            .expect("warnings")
            .iter()
            .any(|w| w == WARNING)
    );
}

#[test]
fn explain_shows_raw_and_treated_values() {
    let dir = setup(RUBRIC, DATA);
    let run = ok(
        &dir,
        &[
            "explain", "a.csv", "--rubric", "r.toml", "--unit", "u4", "--format", "csv",
        ],
    );
    let mut lines = run.stdout.lines();
    assert_eq!(
        lines.next(),
        Some("indicator,dimension,linkage,raw,treated,normalized,weight,contribution,obstacle,rank")
    );
    let rows: Vec<&str> = lines.collect();
    assert!(
        rows.iter().any(|l| l.starts_with("income,d,,34,6,100,")),
        "{}",
        run.stdout
    );
    // An untreated cell (and a goalpost indicator) has no treated value.
    assert!(rows.iter().any(|l| l.starts_with("rate,d,,40,,40,")), "{}", run.stdout);
    let run = ok(
        &dir,
        &[
            "explain", "a.csv", "--rubric", "r.toml", "--unit", "u1", "--format", "csv",
        ],
    );
    assert!(run.stdout.contains("\nincome,d,,5,,50,"), "{}", run.stdout);
    let run = ok(
        &dir,
        &[
            "explain", "a.csv", "--rubric", "r.toml", "--unit", "u4", "--format", "table",
        ],
    );
    assert!(run.stdout.contains("treated"), "{}", run.stdout);
    assert!(run.stdout.contains(WARNING), "{}", run.stdout);
}

#[test]
fn freeze_then_params_is_byte_identical_and_clamps_another_year() {
    let dir = setup(RUBRIC, DATA);
    let csv = ["--rubric", "r.toml", "--format", "csv", "--detail", "indicators"];
    let frozen = ok(&dir, &[&["score", "a.csv", "--freeze", "p.toml"][..], &csv].concat());
    let p = std::fs::read_to_string(dir.path().join("p.toml")).expect("params file");
    assert!(p.contains("winsorize = [4.0, 6.0]"), "{p}");
    // Statistics of the treated column: min 4, max 6.
    assert!(p.contains("min = 4.0\nmax = 6.0\n"), "{p}");
    let again = ok(&dir, &[&["score", "a.csv", "--params", "p.toml"][..], &csv].concat());
    assert_eq!(frozen.stdout, again.stdout);
    assert!(
        again.stderr.contains(
            "outliers: `income` winsorized with the frozen bounds: values above 6 set to 6, values below 4 set to 4"
        ),
        "{}",
        again.stderr
    );
    // Another year: 100 and −3 lie beyond the frozen clamps and are clamped
    // (income z 1 and 0), 5.5 within them (z 0.75).
    support::write(dir.path(), "b.csv", "id,income,rate\nw1,100,0\nw2,-3,0\nw3,5.5,0\n");
    let next = ok(&dir, &[&["score", "b.csv", "--params", "p.toml"][..], &csv].concat());
    let s = scores(&next.stdout);
    assert_eq!(
        s.iter().map(|(_, v)| *v).collect::<Vec<_>>(),
        [50.0, 0.0, 37.5],
        "{s:?}"
    );
    // The JSON treatment is the same with the frozen file.
    let json = ["--rubric", "r.toml", "--format", "json"];
    let a: Value = serde_json::from_str(&ok(&dir, &[&["score", "a.csv"][..], &json].concat()).stdout).expect("json");
    let b: Value =
        serde_json::from_str(&ok(&dir, &[&["score", "a.csv", "--params", "p.toml"][..], &json].concat()).stdout)
            .expect("json");
    assert_eq!(a["treatment"], b["treatment"]);
}

#[test]
fn log_fallback_when_winsorize_max_is_reached() {
    let rubric = RUBRIC.replace(
        "outliers = \"winsorize\"",
        "outliers = \"winsorize\"\nwinsorize_max = 1",
    );
    let dir = setup(&rubric, DATA);
    let run = ok(
        &dir,
        &[
            "score", "a.csv", "--rubric", "r.toml", "--format", "json", "--freeze", "p.toml",
        ],
    );
    assert!(
        run.stderr.contains(
            "warning: outliers: `income` log-transformed: ln(x − 0 + 1), as winsorizing at most 1 value(s) left skew and kurtosis beyond 2 and 3.5"
        ),
        "{}",
        run.stderr
    );
    let doc: Value = serde_json::from_str(&run.stdout).expect("json");
    assert_eq!(doc["treatment"]["indicators"]["income"]["method"], "log");
    assert_eq!(doc["treatment"]["indicators"]["income"]["min"], 0.0);
    let p = std::fs::read_to_string(dir.path().join("p.toml")).expect("params file");
    assert!(p.contains("log_min = 0.0"), "{p}");
    // explain: every cell of a log-transformed column is treated; 34 → ln 35.
    let run = ok(
        &dir,
        &[
            "explain", "a.csv", "--rubric", "r.toml", "--unit", "u4", "--format", "json",
        ],
    );
    let doc: Value = serde_json::from_str(&run.stdout).expect("json");
    let income = doc["indicators"]
        .as_array()
        .expect("indicators")
        .iter()
        .find(|l| l["indicator"] == "income")
        .expect("income")
        .clone();
    assert_eq!(income["raw"], 34.0);
    let treated = income["treated"].as_f64().expect("a treated value");
    assert!((treated - 35f64.ln()).abs() < 1e-12, "{treated}");
}

#[test]
fn bad_outliers_values_are_errors_that_say_how_to_fix_them() {
    let dir = setup(&RUBRIC.replace("\"winsorize\"", "\"winsorise\""), DATA);
    let run = ls_in(dir.path(), &["score", "a.csv", "--rubric", "r.toml"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stderr.contains("r.toml:6:"), "{}", run.stderr);
    assert!(run.stderr.contains("did you mean `winsorize`?"), "{}", run.stderr);
    support::assert_clean_stderr(&run.stderr);
    let dir = setup(&RUBRIC.replace("outliers = \"winsorize\"", "winsorize_max = -2"), DATA);
    let run = ls_in(dir.path(), &["check", "--rubric", "r.toml"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr.contains("winsorize_max = -2; it must be a whole number ≥ 0"),
        "{}",
        run.stderr
    );
    let dir = setup(
        &RUBRIC.replace("outliers = \"winsorize\"", "outlier = \"winsorize\""),
        DATA,
    );
    let run = ls_in(dir.path(), &["check", "--rubric", "r.toml"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stderr.contains("did you mean `outliers`?"), "{}", run.stderr);
    // A params file with a treatment does not fit a rubric without one.
    let dir = setup(RUBRIC, DATA);
    ok(&dir, &["score", "a.csv", "--rubric", "r.toml", "--freeze", "p.toml"]);
    support::write(
        dir.path(),
        "plain.toml",
        RUBRIC.replace("outliers = \"winsorize\"\n", ""),
    );
    let run = ls_in(
        dir.path(),
        &["score", "a.csv", "--rubric", "plain.toml", "--params", "p.toml"],
    );
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stderr.contains("outliers = \"none\""), "{}", run.stderr);
}

#[test]
fn off_by_default_nothing_changes() {
    let plain = RUBRIC.replace("outliers = \"winsorize\"\n", "");
    let dir = setup(&plain, DATA);
    let run = ok(&dir, &["score", "a.csv", "--rubric", "r.toml", "--format", "json"]);
    assert!(!run.stderr.contains("outliers"), "{}", run.stderr);
    let doc: Value = serde_json::from_str(&run.stdout).expect("json");
    assert!(doc.get("treatment").is_none());
    // 34 is scored as it is: min-max over [0, 34].
    let run = ok(&dir, &["score", "a.csv", "--rubric", "r.toml", "--format", "csv"]);
    let s = scores(&run.stdout);
    // 6 is scored on min-max over [0, 34], not the clamps [4, 6].
    let u7 = s.iter().find(|(u, _)| u == "u7").map(|(_, v)| *v).expect("u7");
    assert!((u7 - (6.0 / 34.0 * 50.0 + 35.0)).abs() < 1e-9, "{s:?}");
    let run = ok(
        &dir,
        &[
            "explain", "a.csv", "--rubric", "r.toml", "--unit", "u4", "--format", "csv",
        ],
    );
    assert!(
        run.stdout
            .starts_with("indicator,dimension,linkage,raw,normalized,weight,contribution,obstacle,rank\n")
    );
    // The shipped rubric and sample data are untouched (no outlier lines).
    ok(&dir, &["init", "shipped"]);
    let shipped = dir.path().join("shipped");
    let run = ls_in(
        &shipped,
        &["score", "villages.csv", "--rubric", "linkage.toml", "--format", "json"],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(!run.stderr.contains("outliers"), "{}", run.stderr);
    assert!(!run.stdout.contains("\"treatment\""));
}

/// Missing cells are filled first (on raw values) and the filled column is
/// what the rule sees; under `reweight` a missing cell is no value at all,
/// so the worked example with one more, empty, unit gives the same clamps.
#[test]
fn missing_cells_are_left_out_under_reweight_and_filled_first_under_mean() {
    let rubric = RUBRIC.replace(
        "outliers = \"winsorize\"",
        "outliers = \"winsorize\"\nmissing = \"reweight\"",
    );
    let dir = setup(&rubric, &format!("{DATA}u9,,90\n"));
    let run = ok(&dir, &["score", "a.csv", "--rubric", "r.toml", "--format", "json"]);
    assert!(run.stderr.contains(WARNING), "{}", run.stderr);
    // Under `mean`, u9 is filled with the raw mean 64/8 = 8 (34 included),
    // which then counts among the values the rule sees: 34 is set to the
    // next highest value, the filled 8, and one step is enough.
    let rubric = RUBRIC.replace(
        "outliers = \"winsorize\"",
        "outliers = \"winsorize\"\nmissing = \"mean\"",
    );
    let dir = setup(&rubric, &format!("{DATA}u9,,90\n"));
    let run = ok(&dir, &["score", "a.csv", "--rubric", "r.toml", "--format", "json"]);
    assert!(
        run.stderr.contains(
            "outliers: `income` winsorized: 1 value(s) above 8 set to 8 (skew 2.73 → -1.04, kurtosis 7.92 → 2.44)"
        ),
        "{}",
        run.stderr
    );
    let doc: Value = serde_json::from_str(&run.stdout).expect("json");
    let income = &doc["treatment"]["indicators"]["income"];
    assert_eq!(
        (income["low"].clone(), income["high"].as_f64()),
        (Value::Null, Some(8.0))
    );
    assert_eq!(income["cells"].as_array().map(Vec::len), Some(1), "{income}");
}
