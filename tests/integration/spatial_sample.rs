//! `linkscore spatial` and `report --neighbours` on the shipped sample
//! (examples/villages-202{3,4,5}.csv with the synthetic polygons of
//! examples/villages.geojson), SPEC.md "Spatial: `spatial`".

use crate::support::{self, Row, ok, read_csv};

const MAP: &str = "examples/villages.geojson";

fn panel_args() -> Vec<String> {
    ["2023", "2024", "2025"]
        .iter()
        .map(|y| format!("{y}=examples/villages-{y}.csv"))
        .collect()
}

/// `linkscore spatial` on the three sample years in the repository root.
fn sample(extra: &[&str]) -> support::Run {
    let panel = panel_args();
    let mut args = vec!["spatial"];
    args.extend(panel.iter().map(String::as_str));
    args.extend(["-r", "rubrics/linkage.toml", "--neighbours", MAP, "--key", "village_id"]);
    args.extend_from_slice(extra);
    ok(support::ls(&args))
}

/// The data rows of one sample year (lines after the header).
fn units_in(year: &str) -> usize {
    let text = std::fs::read_to_string(support::root().join(format!("examples/villages-{year}.csv"))).expect("sample");
    text.lines().skip(1).filter(|l| !l.trim().is_empty()).count()
}

#[test]
fn sample_units_and_global_figures() {
    let rows = read_csv(&sample(&[]).stdout);
    assert_eq!((units_in("2023"), units_in("2024"), units_in("2025")), (299, 300, 297));
    assert_eq!(rows.len(), 299 + 300 + 297);
    for (year, n) in [("2023", 299), ("2024", 300), ("2025", 297)] {
        assert_eq!(rows.iter().filter(|r| r["period"] == year).count(), n, "{year}");
    }
    for row in &rows {
        let cluster = row["cluster"].as_str();
        assert!(["HH", "LL", "HL", "LH", "ns", ""].contains(&cluster), "{row:?}");
        if !cluster.is_empty() && cluster != "ns" {
            assert_eq!(cluster, row["quadrant"], "a cluster is its quadrant: {row:?}");
            assert!(support::number(row, "p_sim") <= 0.05, "{row:?}");
        }
    }

    let global = read_csv(&sample(&["--global"]).stdout);
    let periods: Vec<&str> = global.iter().map(|r| r["period"].as_str()).collect();
    assert_eq!(periods, ["2023", "2024", "2025"]);
    for (g, n) in global.iter().zip([299, 300, 297]) {
        assert_eq!(support::number(g, "n"), f64::from(n));
        let i = support::number(g, "moran_i");
        assert!(i > 0.0, "the synthetic map puts counties in blocks: {g:?}");
        support::assert_close(support::number(g, "expected_i"), -1.0 / f64::from(n - 1), "E[I]");
        let z = (i - support::number(g, "expected_i")) / support::number(g, "variance_norm").sqrt();
        support::assert_close(support::number(g, "z_norm"), z, "z from I, E[I] and Var");
    }
}

#[test]
fn sample_table_snapshot() {
    let out = sample(&["--format", "table"]).stdout;
    insta::assert_snapshot!("spatial_sample_table", out);
}

#[test]
fn sample_json_has_global_and_units_per_period() {
    let out = sample(&["--format", "json"]).stdout;
    let doc: serde_json::Value = serde_json::from_str(&out).expect("valid JSON");
    let periods = doc["periods"].as_array().expect("periods[]");
    assert_eq!(periods.len(), 3);
    for (period, n) in periods.iter().zip([299, 300, 297]) {
        assert!(
            period["global"]["moran_i"].as_f64().expect("moran_i") > 0.0,
            "{}",
            period["global"]
        );
        for key in [
            "n",
            "expected_i",
            "variance_norm",
            "z_norm",
            "p_norm",
            "p_sim",
            "permutations",
        ] {
            assert!(!period["global"][key].is_null(), "global.{key}");
        }
        assert_eq!(period["units"].as_array().expect("units[]").len(), n);
    }
}

#[test]
fn sample_workbook_has_global_and_units_sheets() {
    use calamine::Reader;
    let dir = support::tmp();
    let out = dir.path().join("s.xlsx");
    sample(&["-o", support::p(&out)]);
    let mut book = calamine::open_workbook_auto(&out).expect("calamine opens the workbook");
    let names = book.sheet_names();
    for sheet in ["global", "units"] {
        assert!(names.iter().any(|n| n == sheet), "sheet {sheet} in {names:?}");
    }
    let units = book.worksheet_range("units").expect("the units sheet");
    assert_eq!(
        units.height(),
        1 + 299 + 300 + 297,
        "a header and a row per unit and period"
    );
    let global = book.worksheet_range("global").expect("the global sheet");
    assert_eq!(global.height(), 1 + 3);
}

#[test]
fn a_long_table_gives_the_same_csv() {
    let dir = support::tmp();
    let mut long = String::new();
    for year in ["2023", "2024", "2025"] {
        let text =
            std::fs::read_to_string(support::root().join(format!("examples/villages-{year}.csv"))).expect("sample");
        let mut lines = text.lines();
        let header = lines.next().expect("a header");
        if long.is_empty() {
            long.push_str(&format!("年份,{header}\n"));
        }
        for line in lines.filter(|l| !l.trim().is_empty()) {
            long.push_str(&format!("{year},{line}\n"));
        }
    }
    let path = support::write(dir.path(), "long.csv", long);
    let rubric = support::shipped_rubric();
    let map = support::root().join(MAP);
    for extra in [&[][..], &["--global"][..]] {
        let mut args = vec![
            "spatial",
            support::p(&path),
            "--period",
            "年份",
            "-r",
            support::p(&rubric),
            "--neighbours",
            support::p(&map),
            "--key",
            "village_id",
        ];
        args.extend_from_slice(extra);
        let from_long = ok(support::ls(&args));
        let from_files = sample(extra);
        assert!(
            from_long.stdout == from_files.stdout,
            "{extra:?}: the long table and the files differ"
        );
    }
}

#[test]
fn same_output_at_one_and_two_threads() {
    let root = support::root();
    let panel = panel_args();
    for format in ["csv", "json"] {
        let mut args = vec!["spatial"];
        args.extend(panel.iter().map(String::as_str));
        args.extend([
            "-r",
            "rubrics/linkage.toml",
            "--neighbours",
            MAP,
            "--key",
            "village_id",
            "--format",
            format,
        ]);
        let one = support::cli_output_at(&root, 1, &args);
        let two = support::cli_output_at(&root, 2, &args);
        assert!(one == two, "{format}: 1 and 2 threads differ");
    }
}

// ---------------------------------------------------------------------------
// The report's spatial section

/// The text of the numeric cells (`<td class="num">…</td>`) of the table `id`.
fn table_numbers(html: &str, id: &str) -> Vec<String> {
    let start = html
        .find(&format!("id=\"{id}\""))
        .unwrap_or_else(|| panic!("table {id} in the report"));
    let table = &html[start..start + html[start..].find("</table>").expect("the table ends")];
    table
        .split("<td class=\"num\">")
        .skip(1)
        .map(|cell| cell[..cell.find("</td>").expect("the cell ends")].to_string())
        .collect()
}

#[test]
fn report_spatial_section_agrees_with_spatial() {
    let dir = support::tmp();
    let html_path = dir.path().join("r.html");
    let rubric = support::shipped_rubric();
    let map = support::root().join(MAP);
    let data = support::root().join("examples/villages-2024.csv");
    let (r, m, d) = (support::p(&rubric), support::p(&map), support::p(&data));
    ok(support::ls(&[
        "report",
        d,
        "-r",
        r,
        "--neighbours",
        m,
        "--key",
        "village_id",
        "--map",
        m,
        "-o",
        support::p(&html_path),
    ]));
    let html = std::fs::read_to_string(&html_path).expect("the report");
    assert!(html.contains("<section id=\"spatial\">"), "a spatial section");

    let spatial = |extra: &[&str]| {
        let mut args = vec!["spatial", d, "-r", r, "--neighbours", m, "--key", "village_id"];
        args.extend_from_slice(extra);
        read_csv(&ok(support::ls(&args)).stdout)
    };
    let global = spatial(&["--global"]);
    let moran = table_numbers(&html, "moran-table");
    assert_eq!(
        moran[0],
        format!("{:.4}", support::number(&global[0], "moran_i")),
        "Moran's I"
    );
    assert_eq!(moran.last().expect("n"), &global[0]["n"], "n");

    // Counts per cluster in the table's order: HH, LL, HL, LH, ns (the
    // sample's map has no island in any year, so no islands row).
    let units: Vec<Row> = spatial(&[]);
    let count = |key: &str| units.iter().filter(|u| u["cluster"] == key).count().to_string();
    assert_eq!(count(""), "0", "the sample's 2024 map has no island");
    let expected: Vec<String> = ["HH", "LL", "HL", "LH", "ns"].iter().map(|k| count(k)).collect();
    assert_eq!(table_numbers(&html, "cluster-table"), expected);

    // Two maps: the score map and the LISA map, each a path per feature.
    let features = std::fs::read_to_string(&map)
        .expect("the map")
        .matches("\"Feature\"")
        .count();
    assert_eq!(features, 304);
    let maps: Vec<&str> = html
        .split("<svg")
        .skip(1)
        .map(|s| &s[..s.find("</svg>").expect("an svg ends")])
        .filter(|s| s.matches("<path").count() > 0)
        .collect();
    assert_eq!(maps.len(), 2, "a score map and a LISA map");
    let lisa = maps.iter().find(|s| s.contains("LISA")).expect("a LISA map");
    assert_eq!(lisa.matches("<path").count(), 304, "a path per feature");
}
