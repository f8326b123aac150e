//! `linkscore disparity` on the shipped sample panel
//! (`examples/villages-2023.csv`, `-2024`, `-2025` with
//! `rubrics/linkage.toml`, groups by `county`): the identity
//! G = G_w + G_nb + G_t in every period, the long-table form of the same
//! panel, the same bytes at any thread count, and a snapshot of the table.

use crate::support::{self, read_csv_with_header};

const YEARS: [&str; 3] = ["2023", "2024", "2025"];

/// `disparity <the sample panel> -r rubrics/linkage.toml EXTRA…` in the
/// repository root, which must succeed.
fn sample(extra: &[&str]) -> support::Run {
    support::sample_panel("disparity", extra)
}

#[test]
fn sample_panel_identity_and_shares_hold_in_every_period() {
    let out = sample(&["--format", "csv"]).stdout;
    let (header, rows) = read_csv_with_header(&out);
    assert_eq!(header, ["period", "measure", "group", "other_group", "value"]);
    let value = |period: &str, measure: &str| -> f64 {
        let found: Vec<f64> = rows
            .iter()
            .filter(|r| r["period"] == period && r["measure"] == measure && r["group"].is_empty())
            .map(|r| r["value"].parse().expect("a number"))
            .collect();
        assert_eq!(found.len(), 1, "{period} {measure}");
        found[0]
    };
    let mut periods: Vec<&str> = rows.iter().map(|r| r["period"].as_str()).collect();
    periods.dedup();
    assert_eq!(periods, YEARS);
    for y in YEARS {
        let g = value(y, "gini");
        let parts = value(y, "gini_within") + value(y, "gini_between") + value(y, "gini_transvariation");
        assert!(g > 0.0 && g < 1.0, "{y}: G {g}");
        assert!(((parts - g) / g).abs() <= 1e-9, "{y}: G {g} vs parts {parts}");
        let shares = value(y, "share_within") + value(y, "share_between") + value(y, "share_transvariation");
        assert!((shares - 1.0).abs() <= 1e-9, "{y}: shares sum to {shares}");
        // Theil: within + between = total (an identity of the definitions).
        for m in ["theil_t", "theil_l"] {
            let total = value(y, m);
            let split = value(y, &format!("{m}_within")) + value(y, &format!("{m}_between"));
            assert!(((split - total) / total).abs() <= 1e-9, "{y}: {m} {total} vs {split}");
        }
        // n per group sums to n.
        let n = value(y, "n");
        let per_group: f64 = rows
            .iter()
            .filter(|r| r["period"] == y && r["measure"] == "n" && !r["group"].is_empty())
            .map(|r| r["value"].parse::<f64>().expect("a count"))
            .sum();
        assert_eq!(per_group, n, "{y}");
    }
}

/// The same panel as one long table with a `年份` column gives the same
/// bytes as the LABEL=PATH form.
#[test]
fn long_table_gives_the_same_csv() {
    let dir = support::tmp();
    let path = support::sample_long_table(dir.path());
    let rubric = support::shipped_rubric();
    let from_long = support::ok(support::ls(&[
        "disparity",
        support::p(&path),
        "-r",
        support::p(&rubric),
        "--period",
        "年份",
        "--format",
        "csv",
    ]));
    let from_files = sample(&["--format", "csv"]);
    assert!(
        from_long.stdout == from_files.stdout,
        "long table:\n{}\nfiles:\n{}",
        from_long.stdout,
        from_files.stdout
    );
}

#[test]
fn same_output_at_one_and_two_threads() {
    let root = support::root();
    let panel = support::sample_panel_args();
    for format in ["csv", "json"] {
        let mut args = vec!["disparity"];
        args.extend(panel.iter().map(String::as_str));
        args.extend(["-r", "rubrics/linkage.toml", "--format", format]);
        let one = support::cli_output_at(&root, 1, &args);
        let two = support::cli_output_at(&root, 2, &args);
        assert!(one == two, "{format}: 1 and 2 threads differ");
    }
}

#[test]
fn sample_table_snapshot() {
    let out = sample(&["--format", "table", "--wide"]).stdout;
    insta::assert_snapshot!("disparity_sample_table", out);
}
