//! `linkscore dynamics` on the shipped sample panel
//! (`examples/villages-2023.csv`, `-2024`, `-2025` with
//! `rubrics/linkage.toml`): every part in JSON and in the workbook, the
//! sentences of the table, the long-table form of the same panel, the same
//! bytes at any thread count, a snapshot of the table, and the report's
//! dynamics section against the CSV.

use crate::report::{by_id, parse, report, table_rows};
use crate::support::{self, read_csv_with_header};

const PARTS: [&str; 4] = ["density", "markov", "sigma", "beta"];

/// `dynamics <the sample panel> -r rubrics/linkage.toml EXTRA…` in the
/// repository root, which must succeed.
fn sample(extra: &[&str]) -> support::Run {
    support::sample_panel("dynamics", extra)
}

#[test]
fn json_has_every_part() {
    let out = sample(&["-f", "json"]).stdout;
    let doc: serde_json::Value = serde_json::from_str(&out).expect("valid JSON");
    for part in PARTS {
        assert!(doc[part].is_object(), "{part} in the JSON: {}", doc[part]);
    }
    // Densities: one per period, each on the 256-point grid.
    let periods = doc["density"]["periods"].as_array().expect("density periods");
    assert_eq!(periods.len(), 3);
    assert_eq!(doc["density"]["x"].as_array().map(Vec::len), Some(256));
    for p in periods {
        assert_eq!(p["density"].as_array().map(Vec::len), Some(256));
    }
    // Markov: rows of P sum to 1 (every class has transitions here), π to 1.
    let rows = doc["markov"]["probabilities"].as_array().expect("P");
    assert_eq!(rows.len(), 4);
    for row in rows {
        let sum: f64 = row
            .as_array()
            .expect("a row")
            .iter()
            .filter_map(serde_json::Value::as_f64)
            .sum();
        assert!((sum - 1.0).abs() < 1e-12, "a row of P sums to {sum}");
    }
    let pi: f64 = doc["markov"]["steady"]
        .as_array()
        .expect("a steady state")
        .iter()
        .filter_map(serde_json::Value::as_f64)
        .sum();
    assert!((pi - 1.0).abs() < 1e-9, "π sums to {pi}");
    // σ and β agree with the CSV.
    let (_, sigma) = read_csv_with_header(&sample(&["-f", "csv", "--part", "sigma"]).stdout);
    let json_sigma = doc["sigma"]["periods"].as_array().expect("σ periods");
    assert_eq!(json_sigma.len(), sigma.len());
    for (j, c) in json_sigma.iter().zip(&sigma) {
        assert_eq!(j["period"].as_str(), Some(c["period"].as_str()));
        // serde_json's default parser may be one ulp off the shortest text
        // both outputs print: compare to 1e-15 relative.
        let (a, b): (f64, f64) = (j["cv"].as_f64().expect("a CV"), c["cv"].parse().expect("a CV"));
        assert!((a - b).abs() <= 1e-15 * b, "{} cv: JSON {a}, CSV {b}", c["period"]);
    }
    assert_eq!(doc["beta"]["span"], 2);
    assert!(doc["beta"]["overall"]["beta"]["estimate"].is_f64());
}

#[test]
fn the_workbook_has_a_sheet_per_part() {
    use calamine::Reader;
    let dir = support::tmp();
    let out = dir.path().join("d.xlsx");
    sample(&["-o", support::p(&out)]);
    let book = calamine::open_workbook_auto(&out).expect("calamine opens the workbook");
    // A sheet per part in SPEC's order, then the workbooks' `columns` sheet
    // (the meaning of each sheet's columns), as every workbook has.
    let names = book.sheet_names();
    assert_eq!(names[..4], PARTS);
    assert_eq!(names[4..], ["columns"]);
}

#[test]
fn the_table_says_whether_the_panel_converges() {
    let out = sample(&["-f", "table"]).stdout;
    for heading in ["核密度估计", "马尔可夫转移矩阵", "σ 收敛", "绝对 β 收敛"] {
        assert!(out.contains(heading), "{heading}:\n{out}");
    }
    // The σ sentence names the first and last CV; the β sentence β and p.
    assert!(out.contains("变异系数从") && out.contains("（2023）"), "{out}");
    assert!(out.contains("β = ") && out.contains("p "), "{out}");
}

/// The same panel as one long table with a `年份` column gives the same
/// bytes as the LABEL=PATH form, for every part.
#[test]
fn long_table_gives_the_same_csv_for_every_part() {
    let dir = support::tmp();
    let path = support::sample_long_table(dir.path());
    let rubric = support::shipped_rubric();
    for part in PARTS {
        let from_long = support::ok(support::ls(&[
            "dynamics",
            support::p(&path),
            "-r",
            support::p(&rubric),
            "--period",
            "年份",
            "--part",
            part,
            "-f",
            "csv",
        ]));
        let from_files = sample(&["--part", part, "-f", "csv"]);
        assert!(
            from_long.stdout == from_files.stdout,
            "{part}: long table:\n{}\nfiles:\n{}",
            from_long.stdout,
            from_files.stdout
        );
    }
}

#[test]
fn same_output_at_one_and_two_threads() {
    let root = support::root();
    let panel = support::sample_panel_args();
    let mut runs: Vec<Vec<&str>> = PARTS.iter().map(|part| vec!["--part", part, "-f", "csv"]).collect();
    runs.push(vec!["-f", "json"]);
    for extra in runs {
        let mut args = vec!["dynamics"];
        args.extend(panel.iter().map(String::as_str));
        args.extend(["-r", "rubrics/linkage.toml"]);
        args.extend(&extra);
        let one = support::cli_output_at(&root, 1, &args);
        let two = support::cli_output_at(&root, 2, &args);
        assert!(one == two, "{extra:?}: 1 and 2 threads differ");
    }
}

#[test]
fn sample_table_snapshot() {
    let out = sample(&["--format", "table", "--wide"]).stdout;
    insta::assert_snapshot!("dynamics_sample_table", out);
}

/// The report's dynamics section: a polyline per period in its chart, and
/// the Markov table's probabilities are the CSV's to 3 decimals.
#[test]
fn the_report_shows_the_dynamics() {
    let panel = support::sample_panel_args();
    let mut args: Vec<&str> = panel.iter().map(String::as_str).collect();
    args.extend(["--rubric", "rubrics/linkage.toml"]);
    let (_dir, _, page) = report(&args);
    let doc = parse(&page);
    let section = by_id(&doc, "dynamics");
    assert!(section.has_tag_name("section"));
    let chart = section
        .descendants()
        .find(|n| n.has_tag_name("svg"))
        .expect("a density chart");
    assert_eq!(chart.descendants().filter(|n| n.has_tag_name("polyline")).count(), 3);
    let (_, csv) = read_csv_with_header(&sample(&["--part", "markov", "-f", "csv"]).stdout);
    let shown = table_rows(by_id(&doc, "markov-table"));
    let k = 4;
    for from in 0..k {
        let row = &shown[from];
        assert_eq!(row.len(), 2 + k, "{row:?}");
        for to in 0..k {
            let cell = &csv[from * k + to];
            assert_eq!(
                (cell["from_class"].as_str(), cell["to_class"].as_str()),
                (format!("{}", from + 1).as_str(), format!("{}", to + 1).as_str())
            );
            let p: f64 = cell["probability"].parse().expect("a probability");
            assert_eq!(row[2 + to], format!("{p:.3}"), "P[{from}][{to}]");
        }
    }
    // Then the first period's distribution and the steady state, whose
    // shares are the CSV's `steady` rows.
    let steady: Vec<String> = csv
        .iter()
        .filter(|r| r["from_class"] == "steady")
        .map(|r| format!("{:.3}", r["probability"].parse::<f64>().expect("π_k")))
        .collect();
    assert_eq!(steady.len(), k);
    assert_eq!(shown.len(), k + 2);
    assert_eq!(shown[k + 1][2..], steady[..]);
}
