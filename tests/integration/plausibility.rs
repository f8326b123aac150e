//! Plausibility flags and `--strict` (SPEC "Data as offices fill it in"):
//! the sample return with two unit slips typed into it, through the real
//! executable.

use crate::support::{self, fails, ls_in, ok, write};
use tempfile::TempDir;

/// The 2024 sample with 卫生厕所普及率 (%) of its 5th village typed as a
/// fraction (0.782 for 78.2) and 农村居民人均可支配收入 (元) of its 7th in
/// 万元 (1.8 for about 18,000): rows 6 and 8 of the file (header = 1),
/// columns 33 and 31.
fn slipped() -> TempDir {
    let dir = tempfile::tempdir().unwrap();
    let sample = std::fs::read_to_string(support::root().join("examples/villages-2024.csv")).unwrap();
    let mut lines: Vec<String> = sample.lines().map(str::to_string).collect();
    for (line, column, value) in [(5, 32, "0.782"), (7, 30, "1.8")] {
        let mut cells: Vec<&str> = lines[line].split(',').collect();
        cells[column] = value;
        lines[line] = cells.join(",");
    }
    write(dir.path(), "returns.csv", lines.join("\n") + "\n");
    std::fs::copy(support::root().join("rubrics/linkage.toml"), dir.path().join("r.toml")).unwrap();
    std::fs::copy(
        support::root().join("examples/villages-2023.csv"),
        dir.path().join("old.csv"),
    )
    .unwrap();
    dir
}

const FRACTION: &str = "returns.csv:6:33 (column `卫生厕所普及率`, unit `V530121005`): 0.782 looks like a share written as a fraction of 1; did you mean 78.2?";
const TEN_THOUSAND: &str = "returns.csv:8:31 (column `农村居民人均可支配收入`, unit `V530121007`): 1.8 looks 10000 times too small (a unit slip?); did you mean 18000?";

#[test]
fn check_lists_every_slip_and_does_not_say_ok() {
    let dir = slipped();
    let r = ok(ls_in(dir.path(), &["check", "--rubric", "r.toml", "returns.csv"]));
    support::assert_mentions(&r.stdout, &["2 thing(s) to look at", FRACTION, TEN_THOUSAND]);
    assert!(!r.stdout.contains("ok: returns.csv"), "{}", r.stdout);
}

#[test]
fn strict_refuses_and_writes_nothing() {
    let dir = slipped();
    let e = fails(
        ls_in(dir.path(), &["check", "--rubric", "r.toml", "returns.csv", "--strict"]),
        1,
    );
    support::assert_mentions(&e, &["2 implausible value(s)", "--strict", FRACTION, TEN_THOUSAND]);
    for args in [
        &[
            "score",
            "returns.csv",
            "--rubric",
            "r.toml",
            "--strict",
            "-o",
            "out.csv",
        ][..],
        &[
            "diff",
            "old.csv",
            "returns.csv",
            "--rubric",
            "r.toml",
            "--strict",
            "-o",
            "out.csv",
        ],
        &[
            "panel",
            "2023=old.csv",
            "2024=returns.csv",
            "--rubric",
            "r.toml",
            "--strict",
            "-o",
            "out.csv",
        ],
        &[
            "report",
            "returns.csv",
            "--rubric",
            "r.toml",
            "--strict",
            "-o",
            "out.html",
        ],
    ] {
        let e = fails(ls_in(dir.path(), args), 1);
        // (panel names the period too: "unit `V530121005`, period `2024`")
        support::assert_mentions(
            &e,
            &[
                "returns.csv:6:33 (column `卫生厕所普及率`, unit `V530121005`",
                "0.782 looks like a share written as a fraction of 1; did you mean 78.2?",
            ],
        );
        assert!(
            !dir.path().join("out.csv").exists() && !dir.path().join("out.html").exists(),
            "{args:?}"
        );
    }
}

#[test]
fn without_strict_the_slips_are_scored_with_warnings() {
    let dir = slipped();
    let r = ok(ls_in(
        dir.path(),
        &["score", "returns.csv", "--rubric", "r.toml", "--format", "csv"],
    ));
    support::assert_mentions(&r.stderr, &[FRACTION, TEN_THOUSAND]);
    assert!(r.stdout.lines().count() > 300);
}

#[test]
fn clean_returns_raise_nothing() {
    let root = support::root();
    for rubric in ["linkage", "entropy-topsis", "ahp", "combined"] {
        for year in ["2023", "2024", "2025"] {
            let r = ok(support::run(support::linkscore().current_dir(&root).args([
                "check",
                "--rubric",
                &format!("rubrics/{rubric}.toml"),
                &format!("examples/villages-{year}.csv"),
                "--strict",
            ])));
            assert!(
                r.stdout.contains(&format!("ok: examples/villages-{year}.csv")),
                "{rubric} {year}:\n{}",
                r.stdout
            );
            assert!(!r.stderr.contains("implausible"), "{}", r.stderr);
        }
    }
    for year in ["2000", "2022"] {
        let data = support::shared(&format!("data/hdi/hdi_inputs_{year}.csv"));
        let r = ok(support::run(
            support::linkscore()
                .args(["check", "--strict", "--rubric"])
                .arg(support::fixture("hdi.toml"))
                .arg(&data),
        ));
        assert!(!r.stdout.contains("to look at"), "{}", r.stdout);
    }
}

/// A county return as offices keep it: a title row and a 填报单位 row above
/// a header with full-width brackets, a blank cell, a 合计 row at the
/// bottom, one share typed as a fraction (丙村 0.782 for 78.2 %), one income
/// in 万元 (戊村 1.8 for about 18,000 元) and an outlier in the collective
/// income (丑村 400 beside 5…15). Rows: (id, name, income, toilet, collective).
const RETURN: [(&str, &str, f64, Option<f64>, f64); 12] = [
    ("V01", "甲村", 12000.0, Some(60.0), 5.0),
    ("V02", "乙村", 13000.0, Some(65.0), 6.0),
    ("V03", "丙村", 14000.0, Some(0.782), 7.0),
    ("V04", "丁村", 15000.0, Some(70.0), 8.0),
    ("V05", "戊村", 1.8, Some(72.0), 9.0),
    ("V06", "己村", 17000.0, Some(75.0), 10.0),
    ("V07", "庚村", 18000.0, Some(78.0), 11.0),
    ("V08", "辛村", 19000.0, Some(80.0), 12.0),
    ("V09", "壬村", 20000.0, None, 13.0),
    ("V10", "癸村", 21000.0, Some(85.0), 14.0),
    ("V11", "子村", 22000.0, Some(90.0), 15.0),
    ("V12", "丑村", 23000.0, Some(95.0), 400.0),
];
const TITLE: &str = "某某县2024年巩固拓展脱贫攻坚成果评估数据填报表";
const FILED_BY: &str = "填报单位：某某县农业农村局";
const HEADER: [&str; 5] = [
    "村代码",
    "村名",
    "人均可支配收入（元）",
    "卫生厕所普及率（％）",
    "村集体经营性收入（万元）",
];

fn county_csv(path: &std::path::Path) {
    let mut text = format!(
        "{TITLE},,,,\n{FILED_BY},,,填报日期：2024年12月31日,\n{}\n",
        HEADER.join(",")
    );
    for (id, name, income, toilet, collective) in RETURN {
        let toilet = toilet.map_or(String::new(), |t| t.to_string());
        text.push_str(&format!("{id},{name},{income},{toilet},{collective}\n"));
    }
    text.push_str("合计,,190001.8,,510\n");
    std::fs::write(path, text).unwrap();
}

fn county_xlsx(path: &std::path::Path) {
    let mut book = rust_xlsxwriter::Workbook::new();
    let ws = book.add_worksheet();
    ws.write_string(0, 0, TITLE).unwrap();
    ws.write_string(1, 0, FILED_BY).unwrap();
    for (c, h) in HEADER.iter().enumerate() {
        ws.write_string(2, c as u16, *h).unwrap();
    }
    for (k, (id, name, income, toilet, collective)) in RETURN.iter().enumerate() {
        let r = 3 + k as u32;
        ws.write_string(r, 0, *id).unwrap();
        ws.write_string(r, 1, *name).unwrap();
        ws.write_number(r, 2, *income).unwrap();
        if let Some(t) = toilet {
            ws.write_number(r, 3, *t).unwrap();
        }
        ws.write_number(r, 4, *collective).unwrap();
    }
    ws.write_string(15, 0, "合计").unwrap();
    ws.write_number(15, 2, 190001.8).unwrap();
    ws.write_number(15, 4, 510.0).unwrap();
    book.save(path).unwrap();
}

/// What `check` says of the return, worked by hand:
/// - toilet (11 values; V09 is blank), sorted 0.782, 60, 65, 70, 72, 75, 78,
///   80, 85, 90, 95: P5 (h = 0.5) = 30.39, a twentieth 1.52 > 0.782; Q1
///   (h = 2.5) 67.5 ≤ 78.2 ≤ Q3 (h = 7.5) 82.5: a fraction.
/// - income: median (h = 5.5) 17,500; the median of |log10 − its median|
///   is 0.088, so the bar is 3.26 decades and 1.8 is 3.99 off; × 1,000 =
///   1,800 < Q1 13,750, × 10,000 = 18,000 ≤ Q3 20,250.
/// - collective 5, 6, …, 15, 400: G1 = 3.459, G2 = 11.975 (Excel's SKEW and
///   KURT); 400 → 15 gives G1 = −0.109, G2 = −1.320, within the limits:
///   one value moved.
fn expected_check(file: &str, header_note: &str, totals_row: &str) -> String {
    format!(
        "ok: county-return.toml: rubric \"县级填报\" with 1 dimensions, 0 linkages, 3 indicators\n\
         check: {file}: 12 units, 1 missing cell(s) (missing = \"reweight\"); 5 thing(s) to look at:\n\
         \x20 - {header_note}\n\
         \x20 - {totals_row}: `合计` is a totals row, not a unit: left out\n\
         \x20 - implausible value at {file}:6:4 (column `卫生厕所普及率(%)`, unit `V03`): 0.782 looks like a share written as a fraction of 1; did you mean 78.2?\n\
         \x20 - implausible value at {file}:8:3 (column `人均可支配收入(元)`, unit `V05`): 1.8 looks 10000 times too small (a unit slip?); did you mean 18000?\n\
         \x20 - outliers: `村集体经营性收入(万元)` winsorized: 1 value(s) above 15 set to 15 (skew 3.46 → -0.11, kurtosis 11.98 → -1.32)\n"
    )
}

#[test]
fn a_county_return_is_checked_item_by_item() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(
        support::fixture("county-return.toml"),
        dir.path().join("county-return.toml"),
    )
    .unwrap();
    county_csv(&dir.path().join("return.csv"));
    county_xlsx(&dir.path().join("return.xlsx"));
    let note = |file: &str| {
        format!(
            "{file}: row 3 is taken as the header (it names every column the rubric reads; the 2 row(s) above it are left out); use --header-row N to choose another row"
        )
    };
    for (file, name, totals) in [
        ("return.csv", "return.csv", "return.csv:16"),
        ("return.xlsx", "return.xlsx[Sheet1]", "return.xlsx[Sheet1]:16"),
    ] {
        let r = ok(ls_in(dir.path(), &["check", "--rubric", "county-return.toml", file]));
        let want =
            expected_check(name, &note(name), totals).replace(&format!("check: {name}:"), &format!("check: {file}:"));
        assert_eq!(r.stdout, want, "{file}");
        let e = fails(
            ls_in(
                dir.path(),
                &["check", "--rubric", "county-return.toml", file, "--strict"],
            ),
            1,
        );
        support::assert_mentions(&e, &["2 implausible value(s)"]);
    }
}

/// `--strict` makes the implausible values, and only them, errors: the
/// return with its two slips corrected (丙村 78.2, 戊村 18,000) still has
/// its title rows, its 合计 row and its outlier, which `check --strict`
/// lists and exits 0 with (SPEC: "--strict … makes these flags, and only
/// these, errors").
#[test]
fn strict_leaves_totals_rows_header_search_and_outliers_as_warnings() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(
        support::fixture("county-return.toml"),
        dir.path().join("county-return.toml"),
    )
    .unwrap();
    county_csv(&dir.path().join("slipped.csv"));
    let text = std::fs::read_to_string(dir.path().join("slipped.csv"))
        .unwrap()
        .replace("V03,丙村,14000,0.782,", "V03,丙村,14000,78.2,")
        .replace("V05,戊村,1.8,", "V05,戊村,18000,");
    write(dir.path(), "return.csv", text);
    let r = ok(ls_in(
        dir.path(),
        &["check", "--rubric", "county-return.toml", "return.csv", "--strict"],
    ));
    support::assert_mentions(
        &r.stdout,
        &[
            "3 thing(s) to look at",
            "row 3 is taken as the header",
            "return.csv:16: `合计` is a totals row",
            "outliers: `村集体经营性收入(万元)` winsorized",
        ],
    );
    assert!(!r.stdout.contains("implausible"), "{}", r.stdout);
}
