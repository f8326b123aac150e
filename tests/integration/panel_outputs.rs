//! Panels (SPEC.md "Panels: several periods at once"), continued from
//! `panel.rs`: errors that name their period, the output formats (JSON,
//! the workbook, the table people read) and determinism across thread
//! counts. The hand-made panel and its scores are described in `panel.rs`.

use crate::panel::{P1, P2, TINY_RUBRIC, by_id, fails_in, labelled, ok_in, periods, rubric, tiny_dir};
use crate::support::{self, assert_close, read_csv, write};
use serde_json::Value;

// ---------------------------------------------------------------------------
// Errors name the period

#[test]
fn a_bad_cell_in_a_long_table_names_its_place_and_period() {
    let dir = tiny_dir();
    write(dir.path(), "long.csv", "年份,id,x,y\n2024,a,5,1\n2023,b,zz,1\n");
    let e = fails_in(
        dir.path(),
        1,
        &["panel", "long.csv", "--period", "年份", "-r", "r.toml"],
    );
    support::assert_mentions(&e, &["long.csv:3:3", "`x`", "period `2023`", "\"zz\""]);
}

#[test]
fn a_bad_cell_in_a_labelled_file_names_its_period() {
    let dir = tiny_dir();
    write(dir.path(), "bad.csv", "id,x,y\na,5,1\nb,2,?\n");
    let e = fails_in(dir.path(), 1, &["panel", "2023=p1.csv", "2024=bad.csv", "-r", "r.toml"]);
    support::assert_mentions(&e, &["bad.csv:3:3", "period `2024`"]);
    assert!(!e.contains("period `2023`"), "{e}");
}

/// An error met while the pooled scale is fitted (here a transform's
/// domain) names the period too, whether the period came from its own file
/// or from a long table.
#[test]
fn an_error_while_fitting_names_the_period() {
    let dir = tiny_dir();
    write(
        dir.path(),
        "log.toml",
        TINY_RUBRIC.replace("weight = 3\n", "weight = 3\ntransform = \"log\"\n"),
    );
    write(dir.path(), "zero.csv", "id,x,y\na,5,1\nb,0,1\n");
    for extra in [&[][..], &["--per-period"][..]] {
        let mut args = vec!["panel", "2023=p1.csv", "2024=zero.csv", "-r", "log.toml"];
        args.extend_from_slice(extra);
        let e = fails_in(dir.path(), 1, &args);
        support::assert_mentions(&e, &["zero.csv:3:2", "`b`", "period `2024`", "log"]);
    }
    write(
        dir.path(),
        "long.csv",
        "年份,id,x,y\n2023,a,1,1\n2024,a,5,1\n2024,b,0,1\n",
    );
    let e = fails_in(
        dir.path(),
        1,
        &["panel", "long.csv", "--period", "年份", "-r", "log.toml"],
    );
    support::assert_mentions(&e, &["long.csv:4:3", "`b`", "period `2024`", "log"]);
}

#[test]
fn ids_are_unique_within_a_period_not_across_periods() {
    let dir = tiny_dir();
    write(
        dir.path(),
        "dup.csv",
        "年份,id,x,y\n2024,a,5,1\n2023,a,1,1\n2023,a,2,2\n",
    );
    let e = fails_in(dir.path(), 1, &["panel", "dup.csv", "--period", "年份", "-r", "r.toml"]);
    support::assert_mentions(&e, &["`a`", "period `2023`", "dup.csv:3", "dup.csv:4"]);
    // One unit in two periods, and in a period of its own: fine.
    write(
        dir.path(),
        "ok.csv",
        "年份,id,x,y\n2024,a,5,1\n2023,a,1,1\n2023,b,2,2\n",
    );
    let rows = read_csv(&ok_in(dir.path(), &["panel", "ok.csv", "--period", "年份", "-r", "r.toml"]).stdout);
    assert_eq!(rows.len(), 3);
    assert_eq!(periods(&rows), ["2023", "2024"]);
}

#[test]
fn labels_must_be_unique_and_exclude_a_period_column() {
    let dir = tiny_dir();
    let e = fails_in(dir.path(), 2, &["panel", "a=p1.csv", "a=p2.csv", "-r", "r.toml"]);
    support::assert_mentions(&e, &["`a`"]);
    // Two plain paths with one file name are labelled alike.
    std::fs::create_dir(dir.path().join("sub")).unwrap();
    write(&dir.path().join("sub"), "p1.csv", P2);
    let e = fails_in(dir.path(), 2, &["panel", "p1.csv", "sub/p1.csv", "-r", "r.toml"]);
    support::assert_mentions(&e, &["`p1`"]);
    let e = fails_in(
        dir.path(),
        2,
        &[
            "panel",
            "2023=p1.csv",
            "2024=p2.csv",
            "--period",
            "年份",
            "-r",
            "r.toml",
        ],
    );
    support::assert_mentions(&e, &["--period", "LABEL=PATH"]);
}

#[test]
fn a_long_table_needs_every_period_cell_and_the_column() {
    let dir = tiny_dir();
    write(dir.path(), "empty.csv", "年份,id,x,y\n2024,a,5,1\n,b,1,1\n");
    let e = fails_in(
        dir.path(),
        1,
        &["panel", "empty.csv", "--period", "年份", "-r", "r.toml"],
    );
    support::assert_mentions(&e, &["empty.csv:3:1", "period"]);
    let e = fails_in(dir.path(), 1, &["panel", "p1.csv", "--period", "年份", "-r", "r.toml"]);
    support::assert_mentions(&e, &["p1.csv", "`年份`"]);
}

// ---------------------------------------------------------------------------
// Formats

#[test]
fn json_has_the_scale_the_periods_and_every_unit_period() {
    let dir = tiny_dir();
    let out = ok_in(dir.path(), &["panel", "p1.csv", "p2.csv", "-r", "r.toml", "-f", "json"]);
    let doc: Value = serde_json::from_str(&out.stdout).expect("valid JSON");
    assert_eq!(doc["scale"], "pooled");
    assert_eq!(doc["inputs"].as_array().map(Vec::len), Some(2));
    let periods = doc["periods"].as_array().expect("periods");
    assert_eq!(periods.len(), 2);
    // p1 pooled: 0, 25, 68.75 → mean 31.25, median 25; p2: 100, 50, 0 → mean 50.
    let expected = [("p1", 31.25, 25.0, 0.0, 68.75), ("p2", 50.0, 50.0, 0.0, 100.0)];
    for (got, (label, mean, median, min, max)) in periods.iter().zip(expected) {
        assert_eq!(got["period"], label);
        assert_eq!(got["units"], 3);
        for (key, want) in [
            ("mean", mean),
            ("median", median),
            ("min", min),
            ("max", max),
            ("d_mean", mean),
        ] {
            assert_close(got[key].as_f64().expect(key), want, &format!("{label} {key}"));
        }
    }
    let units = doc["units"].as_array().expect("units");
    assert_eq!(units.len(), 6);
    for u in units {
        assert_eq!(
            u.as_object().unwrap().keys().next().map(String::as_str),
            Some("period"),
            "{u}"
        );
    }
    assert_eq!(
        (units[0]["period"].as_str(), units[0]["id"].as_str()),
        (Some("p1"), Some("c"))
    );
    assert_close(units[0]["score"].as_f64().unwrap(), 68.75, "p1 c");
    let per_period = ok_in(
        dir.path(),
        &[
            "panel",
            "p1.csv",
            "p2.csv",
            "-r",
            "r.toml",
            "-f",
            "json",
            "--per-period",
        ],
    );
    let doc: Value = serde_json::from_str(&per_period.stdout).unwrap();
    assert_eq!(doc["scale"], "per_period");
}

/// The JSON's per-period figures are those of the long rows: mean, median
/// (of an even count: the mean of the middle two), min, max and each
/// dimension's mean, computed here from the CSV.
#[test]
fn the_summary_is_that_of_the_long_rows() {
    let dir = support::tmp();
    let entropy = rubric("entropy-topsis.toml");
    let args = ["panel", &labelled(2023), &labelled(2024), "-r", &entropy];
    let rows = read_csv(&ok_in(dir.path(), &args).stdout);
    let mut json = args.to_vec();
    json.extend(["-f", "json"]);
    let doc: Value = serde_json::from_str(&ok_in(dir.path(), &json).stdout).unwrap();
    let summaries = doc["periods"].as_array().unwrap();
    assert_eq!(summaries.len(), 2);
    for (got, (label, units)) in summaries.iter().zip([("2023", 299), ("2024", 300)]) {
        assert_eq!(got["period"], label);
        assert_eq!(got["units"], units);
        let mut scores: Vec<f64> = by_id(&rows, label, "score").into_values().collect();
        assert_eq!(scores.len(), units);
        scores.sort_by(f64::total_cmp);
        let n = scores.len();
        let median = if n % 2 == 1 {
            scores[n / 2]
        } else {
            (scores[n / 2 - 1] + scores[n / 2]) / 2.0
        };
        let mean = |v: &[f64]| v.iter().sum::<f64>() / v.len() as f64;
        assert_close(got["mean"].as_f64().unwrap(), mean(&scores), &format!("{label} mean"));
        assert_close(got["median"].as_f64().unwrap(), median, &format!("{label} median"));
        assert_close(got["min"].as_f64().unwrap(), scores[0], &format!("{label} min"));
        assert_close(got["max"].as_f64().unwrap(), scores[n - 1], &format!("{label} max"));
        for dim in ["industry", "ecology", "civility", "governance", "prosperity"] {
            let values: Vec<f64> = by_id(&rows, label, dim).into_values().collect();
            let key = format!("{dim}_mean");
            assert_close(got[&key].as_f64().unwrap(), mean(&values), &format!("{label} {key}"));
        }
    }
}

#[test]
fn the_workbook_has_the_long_sheet_a_summary_and_a_sheet_per_period() {
    use calamine::Reader;
    let dir = tiny_dir();
    let names = |extra: &[&str]| {
        let mut args = vec!["panel", "2024=p2.csv", "2023=p1.csv", "-r", "r.toml", "-o", "out.xlsx"];
        args.extend_from_slice(extra);
        ok_in(dir.path(), &args);
        let mut book = calamine::open_workbook_auto(dir.path().join("out.xlsx")).expect("calamine opens it");
        let long = book.worksheet_range("panel").expect("a sheet `panel`");
        // A header and one row per unit-period, 2023's first.
        assert_eq!(long.height(), 7);
        let first: Vec<String> = long.rows().skip(1).map(|r| r[0].to_string()).collect();
        assert_eq!(first, ["2023", "2023", "2023", "2024", "2024", "2024"]);
        assert_eq!(book.worksheet_range("summary").expect("a summary").height(), 3);
        assert_eq!(book.worksheet_range("2024").expect("a sheet for 2024").height(), 4);
        book.sheet_names()
    };
    assert_eq!(
        names(&[]),
        ["panel", "summary", "2023", "2024", "weights", "rubric", "columns"]
    );
    // Each period on its own scale has no one set of weights.
    assert_eq!(
        names(&["--per-period"]),
        ["panel", "summary", "2023", "2024", "rubric", "columns"]
    );
}

/// Period sheets are named as Excel allows, unlike the fixed sheets in any
/// case (Excel compares names ignoring case): the workbook is written.
#[test]
fn period_sheets_never_clash_with_the_fixed_ones() {
    use calamine::Reader;
    let dir = tiny_dir();
    write(dir.path(), "p3.csv", P1);
    write(dir.path(), "p4.csv", P2);
    let args = ["panel", "Weights=p1.csv", "COLUMNS=p2.csv", "'q'=p3.csv", "a:b=p4.csv"];
    let mut all = args.to_vec();
    all.extend(["-r", "r.toml", "-o", "out.xlsx"]);
    ok_in(dir.path(), &all);
    let book = calamine::open_workbook_auto(dir.path().join("out.xlsx")).expect("calamine opens it");
    let names = book.sheet_names();
    assert_eq!(names.len(), 9, "{names:?}");
    let mut lower: Vec<String> = names.iter().map(|n| n.to_lowercase()).collect();
    lower.sort();
    lower.dedup();
    assert_eq!(lower.len(), 9, "names alike but for case: {names:?}");
    for fixed in ["panel", "summary", "weights", "rubric", "columns"] {
        assert!(names.iter().any(|n| n == fixed), "{fixed} in {names:?}");
    }
    assert!(
        names
            .iter()
            .all(|n| !n.starts_with('\'') && !n.ends_with('\'') && !n.contains(':')),
        "{names:?}"
    );
}

#[test]
fn the_table_summarises_each_period_within_100_columns() {
    let out = ok_in(
        &support::root(),
        &[
            "panel",
            "2025=examples/villages-2025.csv",
            "2023=examples/villages-2023.csv",
            "2024=examples/villages-2024.csv",
            "-r",
            "rubrics/linkage.toml",
            "-f",
            "table",
        ],
    );
    let text = out.stdout;
    let table = text.lines().filter(|l| l.starts_with(['|', '+']));
    assert!(
        table.clone().all(|l| unicode_width::UnicodeWidthStr::width(l) <= 100),
        "{text}"
    );
    // A row per period, in order, with its number of units.
    let rows: Vec<&str> = text.lines().filter(|l| l.starts_with("| 20")).collect();
    assert_eq!(rows.len(), 3, "{text}");
    for (row, (year, units)) in rows.iter().zip([(2023, 299), (2024, 300), (2025, 297)]) {
        let cells: Vec<&str> = row.split_whitespace().collect();
        assert_eq!(
            (cells[1], cells[2]),
            (year.to_string().as_str(), units.to_string().as_str()),
            "{row}"
        );
    }
    insta::assert_snapshot!("panel_table", text);
    // --wide shows the means of all five dimensions, and says nothing was left out.
    let wide = ok_in(
        &support::root(),
        &[
            "panel",
            "examples/villages-2023.csv",
            "-r",
            "rubrics/linkage.toml",
            "-f",
            "table",
            "--wide",
        ],
    )
    .stdout;
    for name in ["最大值", "产业兴旺", "生态宜居", "乡风文明", "治理有效", "生活富裕"] {
        assert!(wide.contains(name), "{name}:\n{wide}");
    }
    assert!(!wide.contains("省略"), "{wide}");
}

// ---------------------------------------------------------------------------
// Determinism

#[test]
fn the_panel_is_the_same_at_any_thread_count() {
    let dir = support::tmp();
    let entropy = rubric("entropy-topsis.toml");
    let (a, b, c) = (labelled(2023), labelled(2024), labelled(2025));
    let args = ["panel", &a, &b, &c, "-r", &entropy];
    let csv = support::same_at_any_thread_count(dir.path(), "csv", &args);
    // A header and a row per unit-period: 299 + 300 + 297.
    assert_eq!(csv.iter().filter(|&&c| c == b'\n').count(), 1 + 299 + 300 + 297);
    support::same_at_any_thread_count(dir.path(), "json", &args);
    let mut cli = args.to_vec();
    cli.extend(["-f", "csv"]);
    for threads in [1, 2] {
        assert!(
            support::cli_output_at(dir.path(), threads, &cli) == csv,
            "the executable at {threads} threads differs"
        );
    }
}
