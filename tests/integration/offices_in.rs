//! Data as offices fill it in (SPEC.md "Data as offices fill it in", issue
//! 13), the reading side: totals rows by name and by values, the header
//! found below title rows, headers matched across full-width/half-width
//! forms, spaces and line breaks, data text echoed safely, `na` advice with
//! the rubric's file and line, CR-only line ends, UTF-16/UTF-32 refused,
//! `--sheet` on a CSV refused.
//!
//! The county return is built here as a county office sends it: a title row,
//! a 填报单位 row, full-width brackets and an Alt+Enter line break in the
//! headers, a blank cell and a 合计 row at the bottom — once as CSV, once as
//! an .xlsx made with rust_xlsxwriter. Expected scores are worked by hand:
//! goalposts [0, 20000], [0, 100], [0, 2000], one dimension of three equal
//! weights, `missing = "reweight"`:
//! - V1 10000, 50, 1000 → 0.5, 0.5, 0.5 → 50
//! - V2 12000, (blank), 1600 → 0.6, 0.8 → 70 (coverage 2/3)
//! - V3 6000, 30, 1200 → 0.3, 0.3, 0.6 → 40

use crate::support::{Run, assert_mentions, fails, ls_in, ok, root, tmp, write};
use std::path::Path;

const RUBRIC: &str = r#"[rubric]
name = "县级报表"
id = "村代码"
label = "村名"
missing = "reweight"

[[dimension]]
id = "d"
weight = 1

[[indicator]]
id = "inc"
column = "人均可支配收入(元)"
dimension = "d"
weight = 1
goalposts = [0, 20000]

[[indicator]]
id = "coop"
column = "合作社覆盖率(%)"
dimension = "d"
weight = 1
goalposts = [0, 100]

[[indicator]]
id = "pop"
column = "户籍人口"
dimension = "d"
weight = 1
goalposts = [0, 2000]
"#;

/// The county return as CSV: title, 填报单位, a header with full-width
/// brackets, a line break inside a quoted cell and spaces, three villages
/// (one blank cell) and a 合计 row whose id is empty.
const COUNTY_CSV: &str = "某县2023年巩固拓展脱贫攻坚成果统计表,,,,\n\
填报单位：某县农业农村局,,,,\n\
村代码,村名,人均可支配收入（元）,\"合作社覆盖率\n（%）\", 户籍 人口 \n\
V1,甲村,10000,50,1000\n\
V2,乙村,12000,,1600\n\
V3,丙村,6000,30,1200\n\
,合计,28000,40,3800\n";

/// Writes the rubric and runs `linkscore score DATA --rubric r.toml --format csv EXTRA…` in `dir`.
fn score(dir: &Path, data: &str, extra: &[&str]) -> Run {
    write(dir, "r.toml", RUBRIC);
    let mut args = vec!["score", data, "--rubric", "r.toml", "--format", "csv"];
    args.extend_from_slice(extra);
    ls_in(dir, &args)
}

/// The `warning:` lines of a run.
fn warnings(stderr: &str) -> Vec<&str> {
    stderr.lines().filter(|l| l.starts_with("warning: ")).collect()
}

/// (id, score, coverage) of each output row, in rank order.
fn ranking(stdout: &str) -> Vec<(String, f64, f64)> {
    let mut lines = stdout.lines();
    let header: Vec<&str> = lines.next().expect("a header line").split(',').collect();
    let at = |name: &str| {
        header
            .iter()
            .position(|h| *h == name)
            .expect("the column is in the output")
    };
    let (id, score, coverage) = (at("id"), at("score"), at("coverage"));
    lines
        .map(|l| {
            let cells: Vec<&str> = l.split(',').collect();
            (
                cells[id].to_string(),
                cells[score].parse().expect("a score"),
                cells[coverage].parse().expect("a coverage"),
            )
        })
        .collect()
}

/// The hand-worked ranking of the county return.
fn assert_county_ranking(stdout: &str) {
    let got = ranking(stdout);
    let want = [("V2", 70.0, 2.0 / 3.0), ("V1", 50.0, 1.0), ("V3", 40.0, 1.0)];
    assert_eq!(got.len(), want.len(), "{stdout}");
    for ((id, s, c), (wid, ws, wc)) in got.iter().zip(want) {
        assert_eq!(id, wid, "{stdout}");
        assert!((s - ws).abs() < 1e-9 && (c - wc).abs() < 1e-12, "{stdout}");
    }
}

const HEADER_NOTE: &str = "row 3 is taken as the header (it names every column the rubric reads; the 2 row(s) above it are left out); use --header-row N to choose another row";

#[test]
fn a_county_return_in_csv_is_read_as_sent() {
    let dir = tmp();
    write(dir.path(), "county.csv", COUNTY_CSV);
    let r = ok(score(dir.path(), "county.csv", &[]));
    assert_county_ranking(&r.stdout);
    let w = warnings(&r.stderr);
    assert_eq!(
        w.first().copied(),
        Some(format!("warning: county.csv: {HEADER_NOTE}").as_str())
    );
    // The header's second line is file line 4: the 合计 row is line 8.
    assert_eq!(
        w.get(1).copied(),
        Some("warning: county.csv:8: `合计` is a totals row, not a unit: left out")
    );
    // `check` lists what reading set right.
    let c = ls_in(dir.path(), &["check", "--rubric", "r.toml", "county.csv"]);
    let said = format!("{}{}", c.stdout, c.stderr);
    assert_mentions(
        &said,
        &[
            &format!("county.csv: {HEADER_NOTE}"),
            "county.csv:8: `合计` is a totals row, not a unit: left out",
        ],
    );
}

#[test]
fn header_row_given_wins_and_needs_no_note() {
    let dir = tmp();
    write(dir.path(), "county.csv", COUNTY_CSV);
    let r = ok(score(dir.path(), "county.csv", &["--header-row", "3"]));
    assert_county_ranking(&r.stdout);
    let w = warnings(&r.stderr);
    assert_eq!(
        w.first().copied(),
        Some("warning: county.csv:8: `合计` is a totals row, not a unit: left out")
    );
    assert!(!r.stderr.contains("taken as the header"), "{}", r.stderr);
}

/// The county return as an .xlsx: the same rows, numbers as numbers.
fn county_xlsx(path: &Path) {
    use rust_xlsxwriter::Workbook;
    let mut book = Workbook::new();
    let ws = book.add_worksheet();
    ws.write_string(0, 0, "某县2023年巩固拓展脱贫攻坚成果统计表").unwrap();
    ws.write_string(1, 0, "填报单位：某县农业农村局").unwrap();
    for (c, h) in [
        "村代码",
        "村名",
        "人均可支配收入（元）",
        "合作社覆盖率\n（%）",
        " 户籍 人口 ",
    ]
    .iter()
    .enumerate()
    {
        ws.write_string(2, c as u16, *h).unwrap();
    }
    let rows: [(&str, &str, [Option<f64>; 3]); 4] = [
        ("V1", "甲村", [Some(10000.0), Some(50.0), Some(1000.0)]),
        ("V2", "乙村", [Some(12000.0), None, Some(1600.0)]),
        ("V3", "丙村", [Some(6000.0), Some(30.0), Some(1200.0)]),
        ("", "合计", [Some(28000.0), Some(40.0), Some(3800.0)]),
    ];
    for (i, (id, name, values)) in rows.iter().enumerate() {
        let r = 3 + i as u32;
        if !id.is_empty() {
            ws.write_string(r, 0, *id).unwrap();
        }
        ws.write_string(r, 1, *name).unwrap();
        for (k, v) in values.iter().enumerate() {
            if let Some(v) = v {
                ws.write_number(r, 2 + k as u16, *v).unwrap();
            }
        }
    }
    book.save(path).unwrap();
}

#[test]
fn a_county_return_in_xlsx_is_read_as_sent() {
    let dir = tmp();
    county_xlsx(&dir.path().join("county.xlsx"));
    let r = ok(score(dir.path(), "county.xlsx", &[]));
    assert_county_ranking(&r.stdout);
    let w = warnings(&r.stderr);
    assert_eq!(
        w.first().copied(),
        Some(format!("warning: county.xlsx[Sheet1]: {HEADER_NOTE}").as_str())
    );
    assert_eq!(
        w.get(1).copied(),
        Some("warning: county.xlsx[Sheet1]:7: `合计` is a totals row, not a unit: left out")
    );
}

#[test]
fn totals_rows_by_name_are_left_out_before_any_other_check() {
    let dir = tmp();
    // A subtotal in the middle, `Total` in any case with text cells, spaces
    // inside a name, a row too short for the header, and 平均 as the label.
    let csv = "村代码,村名,人均可支配收入(元),合作社覆盖率(%),户籍人口\n\
V1,甲村,10000,50,1000\n\
小计：城关镇,,10000,50,1000\n\
V2,乙村,12000,,1600\n\
TOTAL,,—,—,—\n\
 总 计 ,,28000\n\
V3,丙村,6000,30,1200\n\
,平均,9333,40,1266\n";
    write(dir.path(), "t.csv", csv);
    let r = ok(score(dir.path(), "t.csv", &[]));
    assert_county_ranking(&r.stdout);
    assert_eq!(
        warnings(&r.stderr)[..5],
        [
            "warning: t.csv:3: `小计：城关镇` is a totals row, not a unit: left out",
            "warning: t.csv:5: `TOTAL` is a totals row, not a unit: left out",
            "warning: t.csv:6: `总 计` is a totals row, not a unit: left out",
            "warning: t.csv:8: `平均` is a totals row, not a unit: left out",
            "warning: 1 missing cell(s) (合作社覆盖率(%) 1): left out, with the remaining weights renormalized",
        ]
    );
}

/// A totals row is recognized by its id or label (SPEC); 合计 written in
/// another column (the township's) of a row without an id is an error, and
/// its help says what the row looks like and where 合计 belongs.
#[test]
fn a_totals_name_outside_the_id_and_label_is_named_in_the_empty_id_error() {
    let dir = tmp();
    let csv = "村代码,村名,乡镇,人均可支配收入(元),合作社覆盖率(%),户籍人口\n\
V1,甲村,城关镇,10000,50,1000\nV2,乙村,城关镇,12000,20,1600\n,,合计,22000,70,2600\n";
    write(dir.path(), "t.csv", csv);
    let e = fails(score(dir.path(), "t.csv", &[]), 1);
    assert_eq!(
        e,
        "error: t.csv:4:1: the id cell (column `村代码`) is empty\n  \
= help: every unit needs an id\n  \
= help: column 3 of this row reads `合计`: if it is a totals row, write `合计` in the id column `村代码` or the label column `村名` (that is where a totals row is recognized, and it is then left out), or delete the row\n"
    );
}

/// Every guard of SPEC "Data as offices fill it in" is quiet on the
/// conformance data under every variant rubric: no totals row, header
/// search, implausible value or outlier treatment.
#[test]
fn the_guards_are_quiet_on_every_conformance_case() {
    let dir = crate::support::shared("conformance");
    let mut rubrics = vec!["rubric.toml".to_string()];
    let variants = std::fs::read_dir(dir.join("variants")).unwrap();
    let mut names: Vec<String> = variants
        .map(|e| format!("variants/{}", e.unwrap().file_name().to_string_lossy()))
        .filter(|n| n.ends_with(".toml"))
        .collect();
    names.sort();
    rubrics.extend(names);
    for rubric in &rubrics {
        for data in ["data.csv", "data_next_year.csv", "data_missing.csv"] {
            let r = crate::support::run(
                crate::support::linkscore()
                    .current_dir(&dir)
                    .args(["check", "--strict", "--rubric", rubric, data]),
            );
            for guard in [
                "totals row",
                "taken as the header",
                "implausible",
                "winsoriz",
                "outliers",
            ] {
                assert!(
                    !r.stdout.contains(guard) && !r.stderr.contains(guard),
                    "{rubric} {data}: {guard}\n{}\n{}",
                    r.stdout,
                    r.stderr
                );
            }
        }
    }
}

#[test]
fn a_file_of_only_totals_rows_has_no_data() {
    let dir = tmp();
    write(
        dir.path(),
        "t.csv",
        "村代码,村名,人均可支配收入(元),合作社覆盖率(%),户籍人口\n,合计,1,2,3\n",
    );
    let e = fails(score(dir.path(), "t.csv", &[]), 1);
    assert_mentions(&e, &["t.csv has no data rows besides its totals rows"]);
}

/// Four villages with three indicators each, and `last` as a fifth row.
fn with_last_row(last: &str) -> String {
    format!(
        "村代码,村名,人均可支配收入(元),合作社覆盖率(%),户籍人口\n\
V1,甲村,10000,50,1000\n\
V2,乙村,12000,20,1600\n\
V3,丙村,6000,30,1200\n\
V4,丁村,8000,60,200\n\
{last}\n"
    )
}

#[test]
fn a_row_of_sums_or_means_looks_like_a_totals_row() {
    let dir = tmp();
    // Sums of V1–V4: 36000, 160, 4000.
    write(dir.path(), "sum.csv", with_last_row("X9,县,36000,160,4000"));
    let r = ok(score(dir.path(), "sum.csv", &[]));
    assert_eq!(
        warnings(&r.stderr),
        [
            "warning: sum.csv:6: `X9` looks like a totals row (each of its values is the sum or the mean of the other rows'), not a unit: left out"
        ]
    );
    assert_eq!(ranking(&r.stdout).len(), 4);
    // Means: 9000, 40, 1000 — and a sum within 0.5 % (36100 is 0.28 % off).
    write(dir.path(), "mean.csv", with_last_row("X9,县,36100,40,1000"));
    let r = ok(score(dir.path(), "mean.csv", &[]));
    assert_eq!(
        warnings(&r.stderr),
        [
            "warning: mean.csv:6: `X9` looks like a totals row (each of its values is the sum or the mean of the other rows'), not a unit: left out"
        ]
    );
    // 0.6 % off the sum, and not the mean: a unit.
    write(dir.path(), "unit.csv", with_last_row("X9,县,36217,40,1000"));
    let r = ok(score(dir.path(), "unit.csv", &[]));
    assert_eq!(warnings(&r.stderr), Vec::<&str>::new(), "{}", r.stderr);
    assert_eq!(ranking(&r.stdout).len(), 5);
}

/// An unnamed row of sums and, at the bottom, an unnamed row of means: each
/// counts the other among the other rows (so 36000 is not 36000 + 9000,
/// nor 9000 the mean of the four villages and 36000), and they are judged
/// as a pair. V1–V4 sum to 36000, 160, 4000; their means are 9000, 40, 1000.
#[test]
fn a_row_of_sums_and_a_row_of_means_below_it_are_both_totals_rows() {
    let dir = tmp();
    write(
        dir.path(),
        "pair.csv",
        with_last_row("X8,县,36000,160,4000\nX9,县均,9000,40,1000"),
    );
    let r = ok(score(dir.path(), "pair.csv", &[]));
    assert_eq!(
        warnings(&r.stderr),
        [
            "warning: pair.csv:6: `X8` looks like a totals row (each of its values is the sum or the mean of the other rows'), not a unit: left out",
            "warning: pair.csv:7: `X9` looks like a totals row (each of its values is the sum or the mean of the other rows'), not a unit: left out",
        ]
    );
    assert_eq!(ranking(&r.stdout).len(), 4);
    // The sums on top (as a yearbook has them) and the means at the bottom.
    let body = with_last_row("X9,县均,9000,40,1000");
    let (header, rows) = body.split_at(body.find("V1").unwrap());
    write(dir.path(), "top.csv", format!("{header}X8,县,36000,160,4000\n{rows}"));
    let r = ok(score(dir.path(), "top.csv", &[]));
    assert_eq!(warnings(&r.stderr).len(), 2, "{}", r.stderr);
    assert_eq!(ranking(&r.stdout).len(), 4);
    // A last row 1 % off the means is a unit, and so the row of sums
    // (36000 against 36000 + 9090) is one too: nothing is left out.
    write(
        dir.path(),
        "near.csv",
        with_last_row("X8,县,36000,160,4000\nX9,县均,9090,40.4,1010"),
    );
    let r = ok(score(dir.path(), "near.csv", &[]));
    assert_eq!(warnings(&r.stderr), Vec::<&str>::new(), "{}", r.stderr);
    assert_eq!(ranking(&r.stdout).len(), 6);
}

#[test]
fn too_few_rows_are_not_judged_by_values_but_a_row_of_means_anywhere_is() {
    let dir = tmp();
    // Three villages and their sums: 3 other rows, the least judged.
    let three = "村代码,村名,人均可支配收入(元),合作社覆盖率(%),户籍人口\n\
V1,甲村,10000,50,1000\nV2,乙村,12000,20,1600\nV3,丙村,6000,30,1200\nX9,县,28000,100,3800\n";
    write(dir.path(), "three.csv", three);
    let r = ok(score(dir.path(), "three.csv", &[]));
    assert!(
        r.stderr.contains("`X9` looks like a totals row"),
        "3 other rows are enough:\n{}",
        r.stderr
    );
    let two = "村代码,村名,人均可支配收入(元),合作社覆盖率(%),户籍人口\n\
V1,甲村,10000,50,1000\nV2,乙村,12000,20,1600\nX9,县,22000,70,2600\n";
    write(dir.path(), "two.csv", two);
    let r = ok(score(dir.path(), "two.csv", &[]));
    assert_eq!(warnings(&r.stderr), Vec::<&str>::new(), "{}", r.stderr);
    // V3 sits mid-file at the mean of the others in every column, (10000 +
    // 12000 + 8000) / 3 = 10000, (50 + 20 + 50) / 3 = 40, (1000 + 1600 +
    // 1000) / 3 = 1200: SPEC "Totals rows" names no place for a row of means.
    let middle = "村代码,村名,人均可支配收入(元),合作社覆盖率(%),户籍人口\n\
V1,甲村,10000,50,1000\nV2,乙村,12000,20,1600\nV3,丙村,10000,40,1200\nV4,丁村,8000,50,1000\n";
    write(dir.path(), "middle.csv", middle);
    let r = ok(score(dir.path(), "middle.csv", &[]));
    assert_eq!(
        warnings(&r.stderr),
        [
            "warning: middle.csv:4: `V3` looks like a totals row (each of its values is the sum or the mean of the other rows'), not a unit: left out"
        ]
    );
    // 0.6 % off the mean in one column (10060 for 10000): a unit.
    let near = middle.replace("V3,丙村,10000", "V3,丙村,10060");
    write(dir.path(), "near-mean.csv", &near);
    let r = ok(score(dir.path(), "near-mean.csv", &[]));
    assert_eq!(warnings(&r.stderr), Vec::<&str>::new(), "{}", r.stderr);
}

#[test]
fn a_row_of_sums_or_of_means_anywhere_is_a_totals_row() {
    let dir = tmp();
    let header = "村代码,村名,人均可支配收入(元),合作社覆盖率(%),户籍人口\n";
    let rows = "V1,甲村,10000,50,1000\nV2,乙村,12000,20,1600\nV3,丙村,6000,30,1200\nV4,丁村,8000,60,200\n";
    // Yearbook tables put 总计 on top: 36000, 160, 4000.
    write(dir.path(), "top.csv", format!("{header}X0,县,36000,160,4000\n{rows}"));
    let r = ok(score(dir.path(), "top.csv", &[]));
    assert_eq!(
        warnings(&r.stderr),
        [
            "warning: top.csv:2: `X0` looks like a totals row (each of its values is the sum or the mean of the other rows'), not a unit: left out"
        ]
    );
    // A first row at the means (36000 / 4 = 9000, 160 / 4 = 40, 4000 / 4 = 1000).
    write(dir.path(), "mean.csv", format!("{header}X0,县,9000,40,1000\n{rows}"));
    let r = ok(score(dir.path(), "mean.csv", &[]));
    assert_eq!(
        warnings(&r.stderr),
        [
            "warning: mean.csv:2: `X0` looks like a totals row (each of its values is the sum or the mean of the other rows'), not a unit: left out"
        ]
    );
    assert_eq!(ranking(&r.stdout).len(), 4);
    // A row of sums mid-file (a subtotal left unnamed): 36000, 160, 4000.
    let (upper, lower) = rows.split_at(rows.find("V3").unwrap());
    write(
        dir.path(),
        "mid.csv",
        format!(
            "{header}{upper}X0,县,36000,160,4000
{lower}"
        ),
    );
    let r = ok(score(dir.path(), "mid.csv", &[]));
    assert_eq!(
        warnings(&r.stderr),
        [
            "warning: mid.csv:4: `X0` looks like a totals row (each of its values is the sum or the mean of the other rows'), not a unit: left out"
        ]
    );
}

#[test]
fn a_typo_in_a_number_is_not_offered_as_a_missing_value_token() {
    let dir = tmp();
    let csv = "村代码,村名,人均可支配收入(元),合作社覆盖率(%),户籍人口\nV1,甲村,58.o,50,1000\nV2,乙村,12000,20,1600\n";
    write(dir.path(), "t.csv", csv);
    let e = fails(score(dir.path(), "t.csv", &[]), 1);
    assert!(!e.contains("\"58.o\" means"), "{e}");
    assert_mentions(
        &e,
        &[
            "= help: a word that marks a missing value is declared so: `na = [\"\", \"NA\", \"N/A\", \"n/a\", \"/\", \"-\", \"—\", \"…\", \"暂无\"]` in `[rubric]` (r.toml:1)",
        ],
    );
}

#[test]
fn a_header_not_found_names_the_closest_row_and_header_row() {
    let dir = tmp();
    let csv = COUNTY_CSV.replace(" 户籍 人口 ", "户籍人数");
    write(dir.path(), "county.csv", csv);
    let e = fails(score(dir.path(), "county.csv", &[]), 1);
    assert_eq!(
        e,
        "error: county.csv lacks a column the rubric needs\n  \
--> county.csv:3\n  \
no column `户籍人口` (indicator `pop`); did you mean `户籍人数`?\n  \
= help: rename the header(s), or set the rubric's `column` to the name the data uses\n  \
= help: no row among the first 20 names every column the rubric reads; row 3 names the most (4 of 5): if it is the header, correct the names above and pass --header-row 3; if another row is, pass --header-row N with its number\n"
    );
}

#[test]
fn two_headers_matching_one_column_are_an_error_naming_both() {
    let dir = tmp();
    let csv = "村代码,村名,人均可支配收入(元),合作社覆盖率(%),户籍人口,人均可支配收入（元）\nV1,甲村,1,2,3,4\n";
    write(dir.path(), "t.csv", csv);
    let e = fails(score(dir.path(), "t.csv", &[]), 1);
    assert_eq!(
        e,
        "error: t.csv:1: two headers match the column `人均可支配收入(元)` (indicator `inc`): `人均可支配收入(元)` (column 3) and `人均可支配收入（元）` (column 6)\n  \
= help: headers are matched ignoring full-width/half-width forms and spaces; rename or remove one of them\n"
    );
}

#[test]
fn a_word_in_a_number_cell_says_how_to_declare_it_missing() {
    let dir = tmp();
    let csv = "村代码,村名,人均可支配收入(元),合作社覆盖率(%),户籍人口\nV1,甲村,暂无,50,1000\nV2,乙村,12000,20,1600\n";
    write(dir.path(), "t.csv", csv);
    let e = fails(score(dir.path(), "t.csv", &[]), 1);
    // No `na` in the rubric: the `[rubric]` line.
    assert_mentions(
        &e,
        &[
            "t.csv:2:3 (column `人均可支配收入(元)`): \"暂无\" is not a number",
            // The whole list to write: the default tokens kept, 暂无 added
            // (`na = ["暂无"]` alone would make every blank an error).
            "= help: if \"暂无\" means the value is missing, declare it so: `na = [\"\", \"NA\", \"N/A\", \"n/a\", \"/\", \"-\", \"—\", \"…\", \"暂无\"]` in `[rubric]` (r.toml:1)",
        ],
    );
    // With an `na` list: its line.
    let rubric = RUBRIC.replace(
        "missing = \"reweight\"\n",
        "missing = \"reweight\"\nna = [\"\", \"-\"]\n",
    );
    write(dir.path(), "na.toml", rubric);
    let e = fails(
        ls_in(
            dir.path(),
            &["score", "t.csv", "--rubric", "na.toml", "--format", "csv"],
        ),
        1,
    );
    // With an `na` list: its tokens kept, on its line.
    assert_mentions(&e, &["`na = [\"\", \"-\", \"暂无\"]` in `[rubric]` (na.toml:6)"]);
}

#[test]
fn data_text_in_messages_is_escaped_and_cut() {
    let dir = tmp();
    let long = "长".repeat(300);
    let csv = format!(
        "村代码,村名,人均可支配收入(元),合作社覆盖率(%),户籍人口\nV1,甲村,\x1b[31m红,50,1000\nV2,乙村,{long},20,1600\n"
    );
    write(dir.path(), "t.csv", csv);
    let e = fails(score(dir.path(), "t.csv", &[]), 1);
    assert!(!e.contains('\x1b'), "{e:?}");
    assert_mentions(
        &e,
        &[
            "\"\\u{1b}[31m红\" is not a number",
            &format!("\"{}…\" is not a number", "长".repeat(200)),
        ],
    );
    assert!(!e.contains(&"长".repeat(201)), "{e}");
}

#[test]
fn cr_only_line_ends_are_read_with_their_row_numbers() {
    let dir = tmp();
    write(dir.path(), "mac.csv", COUNTY_CSV.replace('\n', "\r"));
    let r = ok(score(dir.path(), "mac.csv", &[]));
    assert_county_ranking(&r.stdout);
    assert_eq!(
        warnings(&r.stderr)[..2],
        [
            format!("warning: mac.csv: {HEADER_NOTE}").as_str(),
            "warning: mac.csv:8: `合计` is a totals row, not a unit: left out",
        ]
    );
    let bad = COUNTY_CSV.replace("6000,30", "6000,三十").replace('\n', "\r");
    write(dir.path(), "bad.csv", bad);
    let e = fails(score(dir.path(), "bad.csv", &[]), 1);
    assert_mentions(
        &e,
        &["bad.csv:7:4 (column `合作社覆盖率(%)`): \"三十\" is not a number"],
    );
}

#[test]
fn utf16_and_utf32_without_a_bom_are_refused_by_name() {
    let dir = tmp();
    let text = COUNTY_CSV.replace('\n', "\r\n");
    let le16: Vec<u8> = text.encode_utf16().flat_map(u16::to_le_bytes).collect();
    let be32: Vec<u8> = text.chars().flat_map(|c| (c as u32).to_be_bytes()).collect();
    for (name, bytes, encoding) in [("u16.csv", le16, "UTF-16LE"), ("u32.csv", be32, "UTF-32BE")] {
        write(dir.path(), name, bytes);
        let e = fails(score(dir.path(), name, &[]), 1);
        assert_eq!(
            e,
            format!(
                "error: {name} is {encoding} text without a byte-order mark (\"Unicode text\" in Excel), which linkscore does not read\n  = help: save it as \"CSV UTF-8\" (or plain CSV) instead\n"
            )
        );
    }
}

#[test]
fn sheet_for_a_csv_input_is_a_usage_error() {
    let dir = tmp();
    write(dir.path(), "county.csv", COUNTY_CSV);
    let e = fails(score(dir.path(), "county.csv", &["--sheet", "Sheet1"]), 2);
    assert_mentions(
        &e,
        &["--sheet Sheet1 names a sheet of a workbook, but county.csv is a CSV file"],
    );
}

#[test]
fn the_shipped_examples_read_without_a_reading_warning() {
    for year in ["2023", "2024", "2025"] {
        let data = root().join("examples").join(format!("villages-{year}.csv"));
        let rubric = root().join("rubrics").join("linkage.toml");
        let r = ok(ls_in(
            &root(),
            &[
                "score",
                data.to_str().unwrap(),
                "--rubric",
                rubric.to_str().unwrap(),
                "--format",
                "csv",
            ],
        ));
        for w in warnings(&r.stderr) {
            assert!(
                !w.contains("totals row") && !w.contains("taken as the header"),
                "villages-{year}.csv: {w}"
            );
        }
    }
}

/// The shipped sample data is what `examples/make_villages.py` makes
/// (seeded, byte-identical on every run): regenerated into a temporary
/// folder, every year's file and the synthetic map (`villages.geojson`,
/// `villages-coords.csv`) equal the committed ones byte for byte. Adding a
/// year or the map must not change the earlier files (the script draws each year from
/// a generator of its own). Needs Python 3.11 or later, as the differential
/// test does.
#[test]
fn the_shipped_examples_are_what_make_villages_makes() {
    let dir = tmp();
    let out = std::process::Command::new("python3")
        .arg(root().join("examples").join("make_villages.py"))
        .arg("--out")
        .arg(dir.path())
        .output()
        .expect("run python3 (this test needs Python 3.11 or later)");
    assert!(
        out.status.success(),
        "make_villages.py failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let names = ["2023", "2024", "2025"]
        .map(|year| format!("villages-{year}.csv"))
        .into_iter()
        .chain(["villages.geojson".to_string(), "villages-coords.csv".to_string()]);
    for name in names {
        let made = std::fs::read(dir.path().join(&name)).expect("regenerated file");
        let shipped = std::fs::read(root().join("examples").join(&name)).expect("shipped file");
        assert!(
            made == shipped,
            "examples/{name} differs from what examples/make_villages.py makes \
             ({} bytes made, {} shipped); regenerate it and check the script",
            made.len(),
            shipped.len()
        );
    }
}
