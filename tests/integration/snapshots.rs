//! Snapshots of the human-facing layouts on the small fixture: the ranking
//! in every format people read (table, markdown) or diff (csv, json), the
//! weights table, and representative error messages.
//!
//! Runs use paths relative to the repository root (or to a temporary
//! directory for the error cases), so the paths and checksums the outputs
//! carry are the same on every machine. Update with
//! `INSTA_UPDATE=always cargo test --test integration snapshots`, then read
//! the changed `.snap` files before keeping them.

use crate::support::{self, write};

const DATA: &str = "tests/fixtures/small.csv";
const RUBRIC: &str = "tests/fixtures/small.toml";

/// Stdout of a successful run in the repository root.
fn stdout(args: &[&str]) -> String {
    let out = support::linkscore()
        .current_dir(support::root())
        .args(args)
        .output()
        .expect("run linkscore");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "linkscore {args:?} failed:\n{stderr}");
    String::from_utf8(out.stdout).expect("UTF-8 output")
}

/// Stderr of a run (in `dir`) that must fail with exit 1 and say nothing on stdout.
fn error_in(dir: &std::path::Path, args: &[&str]) -> String {
    let out = support::linkscore()
        .current_dir(dir)
        .args(args)
        .output()
        .expect("run linkscore");
    assert_eq!(out.status.code(), Some(1), "linkscore {args:?} did not exit 1");
    assert!(out.stdout.is_empty(), "a failed run wrote to stdout");
    String::from_utf8(out.stderr).expect("UTF-8 message")
}

fn score(format: &str, extra: &[&str]) -> String {
    let mut args = vec!["score", DATA, "--rubric", RUBRIC, "--format", format];
    args.extend_from_slice(extra);
    stdout(&args)
}

fn fixture_text(name: &str) -> String {
    std::fs::read_to_string(support::fixture(name)).expect("read a fixture")
}

#[test]
fn score_table() {
    insta::assert_snapshot!("score_table", score("table", &["--wide"]));
}

/// Without --wide a table fits 100 columns (the width when the terminal's
/// is unknown): the columns that do not fit are left out, dimensions from
/// the right, and named under the table.
#[test]
fn score_table_fitted_to_100_columns() {
    let text = score("table", &["--detail", "linkages"]);
    let table = text.lines().filter(|l| l.starts_with(['|', '+']));
    assert!(table.clone().count() > 3, "{text}");
    assert!(
        table.clone().all(|l| unicode_width::UnicodeWidthStr::width(l) <= 100),
        "{text}"
    );
    // Wider than 100 with every column: something was left out, and said.
    assert!(text.contains("为适应 100 列宽度省略了"), "{text}");
    insta::assert_snapshot!("score_table_100", text);
}

/// `$COLUMNS` sets the width: at 60, only what is never left out remains.
#[test]
fn score_table_fitted_to_60_columns() {
    let out = support::linkscore()
        .current_dir(support::root())
        .env("COLUMNS", "60")
        .args([
            "score",
            DATA,
            "--rubric",
            RUBRIC,
            "--format",
            "table",
            "--detail",
            "obstacles",
        ])
        .output()
        .expect("run linkscore");
    assert!(out.status.success());
    insta::assert_snapshot!("score_table_60", String::from_utf8_lossy(&out.stdout));
}

#[test]
fn score_table_with_linkages() {
    insta::assert_snapshot!(
        "score_table_linkages",
        score("table", &["--detail", "linkages", "--top", "3", "--wide"])
    );
}

#[test]
fn score_markdown() {
    insta::assert_snapshot!("score_markdown", score("markdown", &[]));
}

#[test]
fn score_csv() {
    insta::assert_snapshot!("score_csv", score("csv", &["--detail", "linkages,indicators"]));
}

#[test]
fn score_json() {
    // The version changes with every release; everything else is the run's.
    let json = score("json", &[]);
    let version_line = format!("\"linkscore\": \"{}\",", env!("CARGO_PKG_VERSION"));
    assert!(json.contains(&version_line), "{json}");
    insta::assert_snapshot!(
        "score_json",
        json.replacen(&version_line, "\"linkscore\": \"[version]\",", 1)
    );
}

#[test]
fn weights_table() {
    insta::assert_snapshot!(
        "weights_table",
        stdout(&["weights", DATA, "--rubric", RUBRIC, "--format", "table"])
    );
}

#[test]
fn error_unknown_key() {
    let dir = tempfile::tempdir().unwrap();
    let text = fixture_text("small.toml").replacen("direction = \"lower\"", "directon = \"lower\"", 1);
    write(dir.path(), "small.toml", text);
    insta::assert_snapshot!(
        "error_unknown_key",
        error_in(dir.path(), &["check", "--rubric", "small.toml"])
    );
}

#[test]
fn error_bad_cell() {
    let dir = tempfile::tempdir().unwrap();
    let text = fixture_text("small.csv")
        .replacen(",58.0,", ",58.o,", 1)
        .replacen(",46.0,", ",NaN,", 1);
    write(dir.path(), "small.csv", text);
    // The rubric beside the data, so the message names it by a short path.
    write(dir.path(), "small.toml", fixture_text("small.toml"));
    insta::assert_snapshot!(
        "error_bad_cell",
        error_in(dir.path(), &["score", "small.csv", "--rubric", "small.toml"])
    );
}

#[test]
fn error_missing_column() {
    let dir = tempfile::tempdir().unwrap();
    // (The half-width form `人均可支配收入(元)` matches: headers are compared after NFKC.)
    let text = fixture_text("small.csv").replacen("人均可支配收入（元）", "人均可支配收入（万元）", 1);
    write(dir.path(), "small.csv", text);
    let rubric = support::fixture("small.toml");
    insta::assert_snapshot!(
        "error_missing_column",
        error_in(
            dir.path(),
            &["score", "small.csv", "--rubric", rubric.to_str().unwrap()]
        )
    );
}

#[test]
fn error_negative_weight() {
    let dir = tempfile::tempdir().unwrap();
    let text = fixture_text("small.toml").replacen("weight = 0.3", "weight = -0.3", 1);
    write(dir.path(), "small.toml", text);
    insta::assert_snapshot!(
        "error_negative_weight",
        error_in(dir.path(), &["check", "--rubric", "small.toml"])
    );
}
