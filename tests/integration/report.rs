//! Reports (SPEC.md "Reports: report") through the real binary: the page is
//! self-contained, well-formed (the whole document, and every chart on its
//! own), has every section, and shows numbers worked out by hand. The
//! linkages, coupling and obstacles sections are in `report_linkages.rs`, the
//! run in headless Chromium in `report_browser.rs`.
//!
//! The fixture (`tests/fixtures/report.toml`, `report-2023.csv`,
//! `report-2024.csv`): three dimensions, one goalpost indicator [0, 100] each,
//!
//! ```text
//! score = 0.5 a + 0.25 b + 0.25 c        grades 优 ≥ 90, 良 ≥ 75, 中 ≥ 50, 差 ≥ 0
//!
//! 2024  county  a    b    c  | score grade rank      2023  a  b  c | score rank
//! u1    甲县    80   60  100 |  80    良    2         u1   60 64 56 |  60    3
//! u2    甲县    60   40   20 |  45    差    4         u2   80 80 80 |  80    2
//! u3    乙县   100  100   80 |  95    优    1         u3   90 90 90 |  90    1
//! u4    乙县    40   80   60 |  55    中    3         u4   20 20 20 |  20    5
//! u5    乙县    50   20   40 |  40    差    5 (new)   u6   50 46 54 |  50    4 (gone)
//! ```
//!
//! In 2023 u1 and u6 are not flat: u1 at 60 60 60 would be the mean of the
//! other rows in every column, which SPEC "Totals rows" leaves out as a
//! totals row. Each column's 2023 mean is still 60.
//!
//! u5's label is `石<桥>&"村'` (every character HTML escapes).
//! Group means, listed best mean score first (乙县, then 甲县): 甲县 (u1, u2)
//! score (80 + 45)/2 = 62.50, a (80 + 60)/2 = 70.00, b (60 + 40)/2 = 50.00,
//! c (100 + 20)/2 = 60.00; 乙县 (u3, u4, u5) score (95 + 55 + 40)/3 = 63.33,
//! a (100 + 40 + 50)/3 = 63.33, b (100 + 80 + 20)/3 = 66.67, c (80 + 60 + 40)/3
//! = 60.00.
//! Best u3, median u4 (3rd of 5), worst u5. Grade counts 优 1, 良 1, 中 1, 差 2.
//! Rank changes (old − new): u3 1−1 = 0, u1 3−2 = +1, u4 5−3 = +2, u2 2−4 = −2;
//! score changes u1 +20, u2 −35, u3 +5, u4 +35: mean 25/4 = +6.25.
//! Histogram: 20 bands of 5 points; 40 → [40, 45), 45 → [45, 50), 55 →
//! [55, 60), 80 → [80, 85), 95 → [95, 100].

use crate::support::{assert_mentions, fails, ls_in, ok, root};
use std::path::PathBuf;
use tempfile::TempDir;

const RUBRIC: &str = "tests/fixtures/report.toml";
const NEW: &str = "tests/fixtures/report-2024.csv";
const OLD: &str = "tests/fixtures/report-2023.csv";
/// The fixture has no linkages (the section says so) and no `[coupling]`
/// (no section).
const SECTIONS: [&str; 10] = [
    "summary",
    "rubric",
    "distribution",
    "grades",
    "profiles",
    "groups",
    "linkages",
    "obstacles",
    "changes",
    "ranking",
];

// ---------------------------------------------------------------------------
// Helpers

/// Runs `linkscore report` in the repository root with `args` and `-o` into a
/// temp dir; returns the page.
pub(crate) fn report(args: &[&str]) -> (TempDir, PathBuf, String) {
    let dir = TempDir::new().expect("temp dir");
    let out = dir.path().join("report.html");
    let out_s = out.to_str().expect("UTF-8 temp path").to_string();
    let mut all = vec!["report"];
    all.extend_from_slice(args);
    all.extend_from_slice(&["-o", &out_s]);
    let r = ok(ls_in(&root(), &all));
    assert!(r.stdout.is_empty(), "report wrote to stdout:\n{}", r.stdout);
    let page = std::fs::read_to_string(&out).expect("the report was written as UTF-8");
    (dir, out, page)
}

fn fixture_report(extra: &[&str]) -> String {
    let mut args = vec![NEW, "--rubric", RUBRIC, "--previous", OLD];
    args.extend_from_slice(extra);
    report(&args).2
}

pub(crate) fn parse(page: &str) -> roxmltree::Document<'_> {
    let options = roxmltree::ParsingOptions {
        allow_dtd: true,
        ..Default::default()
    };
    roxmltree::Document::parse_with_options(page, options)
        .unwrap_or_else(|e| panic!("the page is not well-formed XML: {e}"))
}

/// The text of a node and its descendants.
pub(crate) fn text_of(node: roxmltree::Node) -> String {
    node.descendants()
        .filter(|n| n.is_text())
        .filter_map(|n| n.text())
        .collect()
}

pub(crate) fn by_id<'a, 'i>(doc: &'a roxmltree::Document<'i>, id: &str) -> roxmltree::Node<'a, 'i> {
    doc.descendants()
        .find(|n| n.attribute("id") == Some(id))
        .unwrap_or_else(|| panic!("no element with id {id}"))
}

/// The rows of the first table under `node`, as cell texts (header row excluded).
pub(crate) fn table_rows(node: roxmltree::Node) -> Vec<Vec<String>> {
    let table = node.descendants().find(|n| n.has_tag_name("table")).expect("a table");
    table
        .descendants()
        .filter(|n| n.has_tag_name("tr"))
        .filter(|tr| tr.children().any(|c| c.has_tag_name("td")))
        .map(|tr| tr.children().filter(|c| c.has_tag_name("td")).map(text_of).collect())
        .collect()
}

/// Asserts nothing in the page would be fetched from outside it.
pub(crate) fn assert_self_contained(page: &str) {
    let doc = parse(page);
    for node in doc.descendants().filter(|n| n.is_element()) {
        for a in node.attributes() {
            let name = a.name().to_ascii_lowercase();
            if matches!(name.as_str(), "src" | "href" | "srcset" | "action" | "poster" | "data") {
                let v = a.value().trim();
                assert!(
                    v.starts_with('#') || v.starts_with("data:"),
                    "<{} {name}=\"{v}\"> points outside the page",
                    node.tag_name().name()
                );
            }
        }
        let tag = node.tag_name().name().to_ascii_lowercase();
        assert!(
            !matches!(tag.as_str(), "link" | "iframe" | "object" | "embed" | "base"),
            "<{tag}> in the page"
        );
        if tag == "script" {
            assert!(node.attribute("src").is_none(), "a script loaded from outside");
        }
    }
    // No URL anywhere but the SVG namespace name (an identifier, never fetched).
    let stripped = page.replace("http://www.w3.org/2000/svg", "");
    for bad in ["http://", "https://", "//fonts.", "@import", "url(", "@font-face"] {
        assert!(!stripped.contains(bad), "the page contains {bad:?}");
    }
}

// ---------------------------------------------------------------------------
// The page's structure

#[test]
fn report_is_self_contained_and_well_formed() {
    let page = fixture_report(&["--unit", "u2"]);
    assert!(page.starts_with("<!DOCTYPE html>"));
    assert!(page.contains("<meta charset=\"utf-8\"/>"));
    assert_self_contained(&page);
    let doc = parse(&page);
    assert_eq!(doc.root_element().tag_name().name(), "html");
    // Every chart is an <svg> that also parses on its own, as a file would.
    let svgs: Vec<_> = doc.descendants().filter(|n| n.has_tag_name("svg")).collect();
    // weights, histogram, grades, radar, groups, obstacles, movers, grade changes.
    assert_eq!(svgs.len(), 8, "charts: {}", svgs.len());
    let mut rest = page.as_str();
    let mut standalone = 0;
    while let Some(start) = rest.find("<svg") {
        let end = rest[start..].find("</svg>").expect("every <svg> is closed") + start + "</svg>".len();
        let svg = &rest[start..end];
        let d = roxmltree::Document::parse(svg).unwrap_or_else(|e| panic!("an SVG does not parse alone: {e}"));
        assert_eq!(
            d.root_element().tag_name().namespace(),
            Some("http://www.w3.org/2000/svg")
        );
        assert!(d.root_element().attribute("viewBox").is_some());
        assert!(
            !svg.contains("NaN") && !svg.contains("inf"),
            "a chart has a non-number:\n{svg}"
        );
        standalone += 1;
        rest = &rest[end..];
    }
    assert_eq!(standalone, svgs.len());
    // A system CJK font stack, no script.
    assert_mentions(
        &page,
        &["\"Noto Sans CJK SC\"", "\"Microsoft YaHei\"", "\"PingFang SC\""],
    );
    assert!(!page.contains("<script"));
}

#[test]
fn report_has_every_section_in_order() {
    let page = fixture_report(&[]);
    let doc = parse(&page);
    let ids: Vec<&str> = doc
        .descendants()
        .filter(|n| n.has_tag_name("section"))
        .filter_map(|n| n.attribute("id"))
        .collect();
    assert_eq!(ids, SECTIONS);
    for id in SECTIONS {
        let section = by_id(&doc, id);
        let h2 = section.children().find(|c| c.has_tag_name("h2")).expect("a heading");
        assert!(!text_of(h2).trim().is_empty());
    }
    // Headings in Chinese, as the rubric is.
    assert_mentions(
        &page,
        &["<h2>得分分布</h2>", "<h2>完整排名</h2>", "<h2>与上期相比</h2>"],
    );
    assert!(page.contains("<html lang=\"zh-CN\">"));
}

#[test]
fn without_previous_there_is_no_changes_section() {
    let (_dir, _, page) = report(&[NEW, "--rubric", RUBRIC]);
    let doc = parse(&page);
    let ids: Vec<&str> = doc
        .descendants()
        .filter(|n| n.has_tag_name("section"))
        .filter_map(|n| n.attribute("id"))
        .collect();
    let expected: Vec<&str> = SECTIONS.iter().copied().filter(|s| *s != "changes").collect();
    assert_eq!(ids, expected);
    // No change column in the ranking.
    let rows = table_rows(by_id(&doc, "ranking"));
    assert_eq!(rows[0][0], "1");
    assert_eq!(rows[0][1], "u3");
}

#[test]
fn title_option_and_english_rubric() {
    let (_dir, _, page) = report(&[
        "tests/fixtures/year-2024.csv",
        "--rubric",
        "tests/fixtures/year.toml",
        "--title",
        "County <review> 2024",
    ]);
    assert_self_contained(&page);
    let doc = parse(&page);
    let title = doc.descendants().find(|n| n.has_tag_name("title")).expect("<title>");
    assert_eq!(text_of(title), "County <review> 2024");
    assert!(page.contains("<html lang=\"en\">"));
    assert!(page.contains("<h2>Score distribution</h2>"));
    // Two dimensions make no radar polygon: the profiles are bars instead.
    let profiles = by_id(&doc, "profiles");
    assert!(profiles.descendants().any(|n| n.has_tag_name("rect")));
    assert!(!profiles.descendants().any(|n| n.has_tag_name("polygon")));
}

// ---------------------------------------------------------------------------
// Numbers, checked against the hand computation in the module comment

#[test]
fn group_averages_match_hand_computation() {
    let page = fixture_report(&[]);
    let doc = parse(&page);
    let rows = table_rows(by_id(&doc, "groups"));
    // county, units, mean score, 产业兴旺, 生态宜居, 治理有效; best mean
    // score first (乙县 63.33 before 甲县 62.50, though 甲县 comes first in the data).
    assert_eq!(
        rows,
        vec![
            vec!["乙县", "3", "63.33", "63.33", "66.67", "60.00"],
            vec!["甲县", "2", "62.50", "70.00", "50.00", "60.00"],
        ]
    );
    // The chart draws the same values (its tooltips carry them).
    assert_mentions(
        &page,
        &[
            "甲县 · 产业兴旺: 70.00",
            "乙县 · 生态宜居: 66.67",
            "乙县 · 治理有效: 60.00",
        ],
    );
}

#[test]
fn ranking_table_has_every_unit_with_rank_changes() {
    let page = fixture_report(&[]);
    let doc = parse(&page);
    let rows = table_rows(by_id(&doc, "ranking"));
    // rank, change, id, name, county, group rank, score, grade, a, b, c.
    let brief: Vec<Vec<&str>> = rows
        .iter()
        .map(|r| {
            vec![
                r[0].as_str(),
                r[1].as_str(),
                r[2].as_str(),
                r[6].as_str(),
                r[7].as_str(),
            ]
        })
        .collect();
    assert_eq!(
        brief,
        vec![
            vec!["1", "0", "u3", "95.00", "优"],
            vec!["2", "+1", "u1", "80.00", "良"],
            vec!["3", "+2", "u4", "55.00", "中"],
            vec!["4", "-2", "u2", "45.00", "差"],
            vec!["5", "新增", "u5", "40.00", "差"],
        ]
    );
    // The label comes back exactly, escaped in the markup.
    assert_eq!(rows[4][3], "石<桥>&\"村'");
    assert!(page.contains("石&lt;桥&gt;&amp;&quot;村&#39;"));
    assert!(!page.contains("石<桥>"));
}

#[test]
fn grades_and_distribution_match_hand_computation() {
    let page = fixture_report(&[]);
    let doc = parse(&page);
    let grades = text_of(by_id(&doc, "grades"));
    // 5 units: 1 = 20.0 %, 2 = 40.0 %.
    for tip in ["优: 1 (20.0%)", "良: 1 (20.0%)", "中: 1 (20.0%)", "差: 2 (40.0%)"] {
        assert!(grades.contains(tip), "grades section lacks {tip:?}:\n{grades}");
    }
    let hist = text_of(by_id(&doc, "distribution"));
    for tip in [
        "40.0–45.0: 1",
        "45.0–50.0: 1",
        "55.0–60.0: 1",
        "80.0–85.0: 1",
        "95.0–100.0: 1",
        "50.0–55.0: 0",
    ] {
        assert!(hist.contains(tip), "histogram lacks {tip:?}");
    }
    // Grade thresholds are marked.
    assert_mentions(&hist, &["优 ≥ 90", "良 ≥ 75", "中 ≥ 50"]);
    // Summary cards: 5 units, mean (95 + 80 + 55 + 45 + 40)/5 = 63.00, median 55.00.
    let summary = text_of(by_id(&doc, "summary"));
    assert_mentions(
        &summary,
        &["5", "63.00", "中位数 55.00", "95.00", "u3 南村", "40.00", "+6.25"],
    );
}

#[test]
fn profiles_show_best_median_worst_and_chosen_units() {
    let page = fixture_report(&["--unit", "u2", "--unit", "u3"]);
    let doc = parse(&page);
    let profiles = by_id(&doc, "profiles");
    let rows = table_rows(profiles);
    let first: Vec<&str> = rows.iter().map(|r| r[0].as_str()).collect();
    // u3 is best and also chosen: listed once, under both roles.
    assert_eq!(
        first,
        vec![
            "最高 / 指定: u3 南村",
            "中位: u4 北村",
            "最低: u5 石<桥>&\"村'",
            "指定: u2 西村"
        ]
    );
    assert_eq!(rows[1][1..], ["3", "55.00", "40.00", "80.00", "60.00"]);
    // The radar: 5 grid rings and one polygon per unit.
    let polygons = profiles.descendants().filter(|n| n.has_tag_name("polygon")).count();
    assert_eq!(polygons, 5 + 4);
}

#[test]
fn movers_match_hand_computation() {
    let page = fixture_report(&[]);
    let doc = parse(&page);
    let changes = by_id(&doc, "changes");
    let rows = table_rows(changes);
    assert_eq!(
        rows,
        vec![
            vec!["u4 北村", "5", "3", "+2", "+35.00"],
            vec!["u1 东村", "3", "2", "+1", "+20.00"],
            vec!["u2 西村", "2", "4", "-2", "-35.00"],
        ]
    );
    let text = text_of(changes);
    // Dimension changes of the kept (u1 was 60 64 56): a (20 − 20 + 10 + 20)/4 = +7.50,
    // b (−4 − 40 + 10 + 60)/4 = +6.50, c (44 − 60 − 10 + 40)/4 = +3.50.
    assert_mentions(
        &text,
        &[
            "保留 4，新增 1，消失 1",
            "总分 +6.25",
            "产业兴旺 +7.50",
            "生态宜居 +6.50",
            "治理有效 +3.50",
        ],
    );
}

#[test]
fn same_input_gives_the_same_bytes() {
    let a = fixture_report(&["--unit", "u1"]);
    let b = fixture_report(&["--unit", "u1"]);
    assert_eq!(a, b);
}

#[test]
fn sample_report_lists_all_300_villages() {
    let (_dir, _, page) = report(&[
        "examples/villages-2024.csv",
        "--rubric",
        "rubrics/linkage.toml",
        "--previous",
        "examples/villages-2023.csv",
    ]);
    assert_self_contained(&page);
    let doc = parse(&page);
    assert_eq!(table_rows(by_id(&doc, "ranking")).len(), 300);
    // The five dimensions on the radar.
    let profiles = text_of(by_id(&doc, "profiles"));
    assert_mentions(&profiles, &["产业兴旺", "生态宜居", "乡风文明", "治理有效", "生活富裕"]);
}

// ---------------------------------------------------------------------------
// Bad command lines and bad input

#[test]
fn output_must_be_html() {
    let dir = TempDir::new().expect("temp dir");
    let err = fails(
        ls_in(
            &root(),
            &["report", NEW, "--rubric", RUBRIC, "-o", "/nonexistent/x/report.pdf"],
        ),
        2,
    );
    assert_mentions(&err, &[".html", "help: use -o report.html"]);
    let out = dir.path().join("report.txt");
    fails(
        ls_in(
            &root(),
            &["report", NEW, "--rubric", RUBRIC, "-o", out.to_str().expect("path")],
        ),
        2,
    );
    assert!(!out.exists());
    // -o is required.
    fails(ls_in(&root(), &["report", NEW, "--rubric", RUBRIC]), 2);
}

#[test]
fn unknown_unit_suggests_close_ids_and_writes_nothing() {
    let dir = TempDir::new().expect("temp dir");
    let out = dir.path().join("r.html");
    let err = fails(
        ls_in(
            &root(),
            &[
                "report",
                NEW,
                "--rubric",
                RUBRIC,
                "--unit",
                "u33",
                "-o",
                out.to_str().expect("path"),
            ],
        ),
        1,
    );
    assert_mentions(&err, &["no unit with id or label `u33`", "did you mean", "`u3`"]);
    assert!(!out.exists(), "a failed run left a report");
    assert_eq!(
        std::fs::read_dir(dir.path()).expect("list").count(),
        0,
        "a temp file was left"
    );
}

#[test]
fn bad_previous_file_is_an_error() {
    let dir = TempDir::new().expect("temp dir");
    let out = dir.path().join("r.html");
    let err = fails(
        ls_in(
            &root(),
            &[
                "report",
                NEW,
                "--rubric",
                RUBRIC,
                "--previous",
                "tests/fixtures/no-such.csv",
                "-o",
                out.to_str().expect("path"),
            ],
        ),
        1,
    );
    assert_mentions(&err, &["no-such.csv"]);
    assert!(!out.exists());
}

// ---------------------------------------------------------------------------
// The previous year as `diff` scores it, and units without a score

#[test]
fn previous_year_is_pooled_as_diff_pools_it() {
    // entropy weights and a sample TOPSIS ideal: both years are one panel.
    let rubric = "rubrics/entropy-topsis.toml";
    let (old, new) = ("examples/villages-2023.csv", "examples/villages-2024.csv");
    let dir = TempDir::new().expect("temp dir");
    let out = dir.path().join("r.html");
    let r = ok(ls_in(
        &root(),
        &[
            "report",
            new,
            "--rubric",
            rubric,
            "--previous",
            old,
            "-o",
            out.to_str().expect("path"),
        ],
    ));
    assert_mentions(&r.stderr, &["pooled into one panel"]);
    let page = std::fs::read_to_string(&out).expect("the report");
    let diff = ok(ls_in(
        &root(),
        &["diff", old, new, "--rubric", rubric, "--format", "csv"],
    ));
    // The first row of diff is the new year's best: its id and score (rounded
    // to two decimals) head the report's ranking, with the same rank change.
    let mut lines = diff.stdout.lines();
    let header: Vec<&str> = lines.next().expect("a header").split(',').collect();
    let first: Vec<&str> = lines.next().expect("a row").split(',').collect();
    let col = |name: &str| header.iter().position(|h| *h == name).expect("a diff column");
    let score: f64 = first[col("score_new")].parse().expect("a score");
    let change: i64 = first[col("rank_change")].parse().expect("a rank change");
    let doc = parse(&page);
    let rows = table_rows(by_id(&doc, "ranking"));
    assert_eq!(rows[0][2], first[col("id")]);
    assert_eq!(rows[0][6], format!("{score:.2}"));
    let shown = if change == 0 {
        "0".to_string()
    } else {
        format!("{change:+}")
    };
    assert_eq!(rows[0][1], shown);
}

#[test]
fn a_unit_without_any_value_is_listed_last_without_a_grade() {
    let dir = TempDir::new().expect("temp dir");
    let rubric = std::fs::read_to_string(root().join(RUBRIC))
        .expect("the fixture rubric")
        .replace(
            "normalize = \"goalpost\"",
            "normalize = \"goalpost\"\nmissing = \"reweight\"",
        );
    let rubric_path = dir.path().join("r.toml");
    std::fs::write(&rubric_path, rubric).expect("write the rubric");
    let data = std::fs::read_to_string(root().join(NEW)).expect("the fixture data") + "u7,空村,甲县,,,\n";
    let data_path = dir.path().join("d.csv");
    std::fs::write(&data_path, data).expect("write the data");
    let out = dir.path().join("r.html");
    ok(ls_in(
        &root(),
        &[
            "report",
            data_path.to_str().expect("path"),
            "--rubric",
            rubric_path.to_str().expect("path"),
            "-o",
            out.to_str().expect("path"),
        ],
    ));
    let page = std::fs::read_to_string(&out).expect("the report");
    assert_self_contained(&page);
    let doc = parse(&page);
    let rows = table_rows(by_id(&doc, "ranking"));
    assert_eq!(rows.len(), 6);
    let last = rows.last().expect("a row");
    assert_eq!((last[0].as_str(), last[1].as_str()), ("", "u7"));
    // 6 units: 差 2 of 6 = 33.3 %, and u7 has no grade: 1 of 6 = 16.7 %.
    let grades = text_of(by_id(&doc, "grades"));
    assert_mentions(&grades, &["差: 2 (33.3%)", "无等级: 1 (16.7%)"]);
    assert_mentions(&text_of(by_id(&doc, "summary")), &["1 个无得分"]);
    // 甲县's dimension means are still over u1 and u2 only: 70.00, 50.00, 60.00,
    // but it counts 3 units (second: 乙县's mean 63.33 is higher).
    let groups = table_rows(by_id(&doc, "groups"));
    assert_eq!(groups[1], ["甲县", "3", "62.50", "70.00", "50.00", "60.00"]);
}

#[test]
fn uncertainty_shows_rank_intervals_and_which_moves_go_beyond_them() {
    // With --weights 0 every re-scoring is the nominal one, so each interval
    // is the unit's own rank, and every kept unit whose rank changed (u4 5 → 3,
    // u1 3 → 2, u2 2 → 4; u3 stays 1st) moved beyond its interval: 3 of 3.
    let page = fixture_report(&["--uncertainty", "20", "--weights", "0"]);
    let doc = parse(&page);
    let rows = table_rows(by_id(&doc, "ranking"));
    // rank, change, interval, id, …
    let brief: Vec<(&str, &str, &str)> = rows
        .iter()
        .map(|r| (r[0].as_str(), r[2].as_str(), r[3].as_str()))
        .collect();
    assert_eq!(
        brief,
        vec![
            ("1", "1", "u3"),
            ("2", "2", "u1"),
            ("3", "3", "u4"),
            ("4", "4", "u2"),
            ("5", "5", "u5")
        ]
    );
    let changes = by_id(&doc, "changes");
    assert_eq!(
        table_rows(changes),
        vec![
            vec!["u4 北村", "5", "3", "+2", "+35.00", "超出"],
            vec!["u1 东村", "3", "2", "+1", "+20.00", "超出"],
            vec!["u2 西村", "2", "4", "-2", "-35.00", "超出"],
        ]
    );
    assert_mentions(&text_of(by_id(&doc, "moves")), &["20 次", "3 / 3", "其余 0 个"]);
    assert_self_contained(&page);
}

#[test]
fn uncertainty_intervals_contain_the_rank_spread_when_weights_vary() {
    // Varied weights: every interval is a range "p05–p95" (or one rank) that
    // is well-formed, and the page says how many moves are beyond.
    let page = fixture_report(&["--uncertainty", "200", "--seed", "5"]);
    let doc = parse(&page);
    for row in table_rows(by_id(&doc, "ranking")) {
        let interval = &row[2];
        let (lo, hi) = interval.split_once('–').unwrap_or((interval, interval));
        let (lo, hi): (u32, u32) = (lo.parse().expect("p05"), hi.parse().expect("p95"));
        assert!(1 <= lo && lo <= hi && hi <= 5, "{row:?}");
    }
    assert_mentions(&text_of(by_id(&doc, "moves")), &["200 次", "/ 3"]);
    // Without --uncertainty there is neither the column nor the line.
    let plain = fixture_report(&[]);
    assert!(!plain.contains("排名区间") && !plain.contains("id=\"moves\""));
}

#[test]
fn uncertainty_flags_need_uncertainty() {
    let err = fails(
        ls_in(
            &root(),
            &["report", NEW, "--rubric", RUBRIC, "--seed", "3", "-o", "r.html"],
        ),
        2,
    );
    assert_mentions(&err, &["need --uncertainty"]);
}
