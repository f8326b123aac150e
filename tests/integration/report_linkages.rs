//! The report's sections on the seed's subject (issue 16, item 7): the
//! linkages (衔接), coupling coordination and obstacles, the group table in
//! order of mean score, and histogram labels clear of the bar counts.
//!
//! The fixture (`tests/fixtures/report-linkages.toml`, `.csv`): dimensions
//! 产业兴旺 (weight 0.6: a1, a2, a3) and 生态宜居 (0.4: b1, b2), so every
//! indicator weighs 0.2 globally; goalposts [0, 100], so z = value / 100.
//! Linkages: 第一书记 → 红色头雁 = a1, 产业扶贫 → 经济多元化 = (a2 + a3)/2,
//! 扶贫资金 → 振兴资金 = (b1 + b2)/2, 行动计划 → 战略规划 has no indicator.
//!
//! ```text
//! unit county  a1  a2  a3  b1  b2 | U1  U2 | score | 书记  产业   资金 | D      band | top three obstacles
//! u1   甲县   100  90  80  80 100 | .9  .9 |  90   | 1.00  .850  .90  | .9487  优质 | a3, b1, a2 (only three short of 1)
//! u2   甲县     5  40  45  25  35 | .3  .3 |  30   |  .05  .425  .30  | .5477  勉强 | a1, b1, b2
//! u3   甲县    90  45  45  40  80 | .6  .6 |  60   |  .90  .450  .60  | .7746  中级 | b1, a2, a3
//! u4   乙县    50  95  95  75  85 | .8  .8 |  80   |  .50  .950  .80  | .8944  良好 | a1, b1, b2
//! u5   乙县    30  40  80  20  80 | .5  .5 |  50   |  .30  .600  .50  | .7071  中级 | b1, a1, a2
//! u6   乙县    85  90  95  10  10 | .9  .1 |  58   |  .85  .925  .10  | .5899  勉强 | b1, b2, a1
//! ```
//!
//! Score 0.6 U1 + 0.4 U2. D = √(C T) with C = 2√(U1 U2)/(U1 + U2) and
//! T = 0.6 U1 + 0.4 U2: equal U gives C = 1, D = √U; u6 C = 2 × 0.3 / 1 = 0.6,
//! T = 0.58, D = √0.348 = 0.5899. Obstacle degrees follow 1 − z (equal weights).
//!
//! Groups by mean score: 乙县 (80 + 50 + 58)/3 = 62.67 before 甲县
//! (90 + 30 + 60)/3 = 60.00, though 甲县 comes first in the data.
//! Linkage means: 书记 (1 + .05 + .9 + .5 + .3 + .85)/6 = 60.00, 甲县 1.95/3 =
//! 65.00, 乙县 1.65/3 = 55.00; 产业 4.2/6 = 70.00, 甲县 1.725/3 = 57.50, 乙县
//! 2.475/3 = 82.50; 资金 3.2/6 = 53.33, 甲县 1.8/3 = 60.00, 乙县 1.4/3 = 46.67.
//! Weakest: overall and 乙县 资金, 甲县 产业.
//! Bands: 优质 1, 良好 1, 中级 2, 勉强 2 (of 6: 16.7 %, 16.7 %, 33.3 %, 33.3 %);
//! 乙县 良好 1, 中级 1, 勉强 1; 甲县 优质 1, 中级 1, 勉强 1.
//! Top-three counts: b1 6 (all), a1 4, a2 3, b2 3, a3 2; 乙县 a1 3, b1 3, b2 2,
//! a2 1; 甲县 b1 3, a2 2, a3 2, a1 1, b2 1.

use crate::report::{assert_self_contained, by_id, parse, report, table_rows, text_of};
use crate::support::assert_mentions;

const RUBRIC: &str = "tests/fixtures/report-linkages.toml";
const DATA: &str = "tests/fixtures/report-linkages.csv";

fn fixture_page() -> String {
    report(&[DATA, "--rubric", RUBRIC]).2
}

/// The markup of `<section id="{id}">`, as written.
fn section(page: &str, id: &str) -> String {
    let open = format!("<section id=\"{id}\">");
    let start = page.find(&open).unwrap_or_else(|| panic!("no section {id}"));
    let end = page[start..].find("</section>").expect("the section is closed") + start;
    page[start..end + "</section>".len()].to_string()
}

/// The labels of a chart's bars, top to bottom (the `label` texts).
fn bar_labels(node: roxmltree::Node) -> Vec<String> {
    node.descendants()
        .filter(|n| n.attribute("class") == Some("label"))
        .map(text_of)
        .collect()
}

#[test]
fn sections_are_in_order_and_the_page_is_well_formed() {
    let page = fixture_page();
    assert_self_contained(&page);
    let doc = parse(&page);
    let ids: Vec<&str> = doc
        .descendants()
        .filter(|n| n.has_tag_name("section"))
        .filter_map(|n| n.attribute("id"))
        .collect();
    assert_eq!(
        ids,
        [
            "summary",
            "rubric",
            "distribution",
            "grades",
            "profiles",
            "groups",
            "linkages",
            "coupling",
            "obstacles",
            "ranking"
        ]
    );
    assert_mentions(
        &page,
        &["<h2>衔接情况</h2>", "<h2>耦合协调度</h2>", "<h2>主要障碍因子</h2>"],
    );
}

#[test]
fn group_table_is_sorted_by_mean_score() {
    let page = fixture_page();
    let doc = parse(&page);
    // county, units, mean score, 产业兴旺 (80 + 50 + 90)/3, 生态宜居 (80 + 50 + 10)/3.
    assert_eq!(
        table_rows(by_id(&doc, "groups")),
        [
            ["乙县", "3", "62.67", "73.33", "46.67"],
            ["甲县", "3", "60.00", "60.00", "60.00"],
        ]
    );
    assert_mentions(&text_of(by_id(&doc, "groups")), &["各组按平均总分从高到低排列"]);
}

#[test]
fn linkage_means_and_the_weakest_per_group_match_hand_computation() {
    let page = fixture_page();
    let doc = parse(&page);
    let linkages = by_id(&doc, "linkages");
    // linkage, all units, 乙县, 甲县.
    assert_eq!(
        table_rows(by_id(&doc, "linkage-means")),
        [
            ["第一书记 → 红色头雁", "60.00", "55.00", "65.00"],
            ["产业扶贫 → 经济多元化", "70.00", "82.50", "57.50"],
            ["扶贫资金 → 振兴资金", "53.33", "46.67", "60.00"],
            ["行动计划 → 战略规划", "—", "—", "—"],
        ]
    );
    // Each column's weakest is marked: 资金 overall and in 乙县, 产业 in 甲县.
    let weak: Vec<String> = by_id(&doc, "linkage-means")
        .descendants()
        .filter(|n| n.attribute("class") == Some("num weak"))
        .map(text_of)
        .collect();
    // In document order: 产业's 甲县 cell, then 资金's overall and 乙县 cells.
    assert_eq!(weak, ["57.50", "53.33", "46.67"]);
    assert_eq!(
        table_rows(by_id(&doc, "weakest-linkages")),
        [
            ["乙县", "3", "扶贫资金 → 振兴资金", "46.67"],
            ["甲县", "3", "产业扶贫 → 经济多元化", "57.50"],
        ]
    );
    let text = text_of(linkages);
    assert_mentions(
        &text,
        &[
            "总体最弱：扶贫资金 → 振兴资金（53.33）",
            "第一书记 → 红色头雁: 60.00",
            "产业扶贫 → 经济多元化: 70.00",
            "行动计划 → 战略规划: —",
        ],
    );
    assert_eq!(
        bar_labels(linkages),
        [
            "第一书记 → 红色头雁",
            "产业扶贫 → 经济多元化",
            "扶贫资金 → 振兴资金",
            "行动计划 → 战略规划"
        ]
    );
}

#[test]
fn coordination_bands_match_hand_computation() {
    let page = fixture_page();
    let doc = parse(&page);
    let coupling = by_id(&doc, "coupling");
    let text = text_of(coupling);
    assert_mentions(
        &text,
        &[
            "按产业兴旺、生态宜居计算",
            "优质协调: 1 (16.7%)",
            "良好协调: 1 (16.7%)",
            "中级协调: 2 (33.3%)",
            "初级协调: 0 (0.0%)",
            "勉强协调: 2 (33.3%)",
            "极度失调: 0 (0.0%)",
        ],
    );
    // All ten bands, best first.
    let labels = bar_labels(coupling);
    assert_eq!(labels.len(), 10);
    assert_eq!((labels[0].as_str(), labels[9].as_str()), ("优质协调", "极度失调"));
    // By county: only the bands that occur, best first.
    let header: Vec<String> = by_id(&doc, "coupling-table")
        .descendants()
        .filter(|n| n.has_tag_name("th"))
        .map(text_of)
        .collect();
    assert_eq!(
        header,
        ["county", "单位数", "优质协调", "良好协调", "中级协调", "勉强协调"]
    );
    assert_eq!(
        table_rows(by_id(&doc, "coupling-table")),
        [["乙县", "3", "0", "1", "1", "1"], ["甲县", "3", "1", "0", "1", "1"]]
    );
}

#[test]
fn obstacles_match_hand_computation_and_use_names() {
    let page = fixture_page();
    let doc = parse(&page);
    let obstacles = by_id(&doc, "obstacles");
    // Most often first; a2 and b2 tie at 3 and keep the rubric's order.
    assert_eq!(
        bar_labels(obstacles),
        [
            "卫生厕所普及率",
            "集体经济收入",
            "产业项目覆盖",
            "污水处理率",
            "务工收入占比"
        ]
    );
    let text = text_of(obstacles);
    assert_mentions(
        &text,
        &[
            "共 6 个单位存在障碍",
            "卫生厕所普及率: 6 (100.0%)",
            "集体经济收入: 4 (66.7%)",
            "产业项目覆盖: 3 (50.0%)",
            "污水处理率: 3 (50.0%)",
            "务工收入占比: 2 (33.3%)",
        ],
    );
    assert_eq!(
        table_rows(by_id(&doc, "obstacle-table")),
        [
            ["乙县", "3", "集体经济收入 (3)", "卫生厕所普及率 (3)", "污水处理率 (2)"],
            [
                "甲县",
                "3",
                "卫生厕所普及率 (3)",
                "产业项目覆盖 (2)",
                "务工收入占比 (2)"
            ],
        ]
    );
    // Names, never ids, for people.
    for id in ["a1", "a2", "a3", "b1", "b2"] {
        assert!(!text.contains(id), "the obstacles section shows the id {id}");
    }
}

#[test]
fn a_rubric_without_linkages_or_coupling_says_so() {
    let (_dir, _, page) = report(&[
        "tests/fixtures/report-2024.csv",
        "--rubric",
        "tests/fixtures/report.toml",
    ]);
    let doc = parse(&page);
    assert_mentions(&text_of(by_id(&doc, "linkages")), &["评价体系未设衔接"]);
    assert!(!page.contains("<section id=\"coupling\">"));
    // Obstacles need no linkage. Every unit has one; an indicator at 100 is
    // none: u1 (80, 60, 100) lacks a and b, u3 (100, 100, 80) only c, u2, u4
    // and u5 all three. So a 4, b 4, c 4 of 5 units.
    assert_mentions(
        &text_of(by_id(&doc, "obstacles")),
        &[
            "共 5 个单位存在障碍",
            "产业指标: 4 (80.0%)",
            "生态指标: 4 (80.0%)",
            "治理指标: 4 (80.0%)",
        ],
    );
}

#[test]
fn a_unit_without_any_value_counts_in_no_mean_and_has_no_band() {
    // u7 (甲县) has no value at all: it changes no mean and no obstacle count,
    // has no coordination band ("无值": 1 of 7 = 14.3 %), and counts as a unit.
    let dir = tempfile::TempDir::new().expect("temp dir");
    let root = crate::support::root();
    let rubric = std::fs::read_to_string(root.join(RUBRIC))
        .expect("the fixture rubric")
        .replace(
            "normalize = \"goalpost\"",
            "normalize = \"goalpost\"\nmissing = \"reweight\"",
        );
    let data = std::fs::read_to_string(root.join(DATA)).expect("the fixture data") + "u7,空村,甲县,,,,,\n";
    let (r, d) = (dir.path().join("r.toml"), dir.path().join("d.csv"));
    std::fs::write(&r, rubric).expect("write the rubric");
    std::fs::write(&d, data).expect("write the data");
    let (_d, _, page) = report(&[d.to_str().expect("path"), "--rubric", r.to_str().expect("path")]);
    let doc = parse(&page);
    assert_eq!(
        table_rows(by_id(&doc, "linkage-means"))[2],
        ["扶贫资金 → 振兴资金", "53.33", "46.67", "60.00"]
    );
    assert_eq!(
        table_rows(by_id(&doc, "weakest-linkages"))[1],
        ["甲县", "4", "产业扶贫 → 经济多元化", "57.50"]
    );
    assert_mentions(
        &text_of(by_id(&doc, "coupling")),
        &["优质协调: 1 (14.3%)", "中级协调: 2 (28.6%)", "无值: 1 (14.3%)"],
    );
    assert_eq!(
        table_rows(by_id(&doc, "coupling-table")),
        [
            ["乙县", "3", "0", "1", "1", "1", "0"],
            ["甲县", "4", "1", "0", "1", "1", "1"]
        ]
    );
    assert_mentions(
        &text_of(by_id(&doc, "obstacles")),
        &["共 6 个单位存在障碍", "卫生厕所普及率: 6 (100.0%)"],
    );
}

#[test]
fn names_from_the_rubric_are_escaped() {
    let dir = tempfile::TempDir::new().expect("temp dir");
    let rubric = std::fs::read_to_string(crate::support::root().join(RUBRIC))
        .expect("the fixture rubric")
        .replace("第一书记 → 红色头雁", "书记<b>&\\\"'")
        .replace("卫生厕所普及率", "厕所<i>&");
    let path = dir.path().join("r.toml");
    std::fs::write(&path, rubric).expect("write the rubric");
    let (_d, _, page) = report(&[DATA, "--rubric", path.to_str().expect("path")]);
    assert_self_contained(&page);
    let doc = parse(&page);
    assert_eq!(table_rows(by_id(&doc, "linkage-means"))[0][0], "书记<b>&\"'");
    assert_eq!(table_rows(by_id(&doc, "obstacle-table"))[0][3], "厕所<i>& (3)");
    assert!(page.contains("书记&lt;b&gt;&amp;&quot;&#39;") && !page.contains("<b>") && !page.contains("<i>"));
}

/// The boxes (left, right, top, bottom) of a chart's texts of `class`,
/// taking glyphs as wide as the chart's own layout does and 0.8 em above
/// the baseline, 0.2 em below.
fn text_boxes(svg: roxmltree::Node, class: &str, size: f64) -> Vec<(f64, f64, f64, f64)> {
    let number = |n: roxmltree::Node, a: &str| -> f64 {
        n.attribute(a)
            .and_then(|v| v.parse().ok())
            .unwrap_or_else(|| panic!("no {a}"))
    };
    svg.descendants()
        .filter(|n| n.attribute("class") == Some(class))
        .map(|n| {
            let (x, y) = (number(n, "x"), number(n, "y"));
            let w = linkscore::report::svg::text_width(&text_of(n), size);
            let left = match n.attribute("text-anchor") {
                Some("end") => x - w,
                Some("middle") => x - w / 2.0,
                _ => x,
            };
            (left, left + w, y - 0.8 * size, y + 0.2 * size)
        })
        .collect()
}

fn assert_labels_clear(page: &str, marks: usize) {
    let doc = parse(page);
    let svg = by_id(&doc, "distribution")
        .descendants()
        .find(|n| n.has_tag_name("svg"))
        .expect("the histogram");
    // Threshold labels at 11 px, bar counts at 12 px (the page's CSS).
    let labels = text_boxes(svg, "mark-label", 11.0);
    let counts = text_boxes(svg, "value", 12.0);
    assert_eq!(labels.len(), marks);
    assert!(!counts.is_empty());
    let apart = |a: (f64, f64, f64, f64), b: (f64, f64, f64, f64)| a.1 <= b.0 || b.1 <= a.0 || a.3 <= b.2 || b.3 <= a.2;
    for (k, &label) in labels.iter().enumerate() {
        for &count in &counts {
            assert!(apart(label, count), "label {label:?} overlaps count {count:?}");
        }
        for &other in &labels[..k] {
            assert!(apart(label, other), "label {label:?} overlaps label {other:?}");
        }
    }
}

#[test]
fn histogram_threshold_labels_never_overlap_the_counts() {
    // Thresholds 85, 70, 55 over bars of one unit each.
    assert_labels_clear(&fixture_page(), 3);
    // 300 villages: bars of every height beside the thresholds 90, 80, 60.
    let (_dir, _, page) = report(&["examples/villages-2024.csv", "--rubric", "rubrics/linkage.toml"]);
    assert_labels_clear(&page, 3);
}

#[test]
fn sample_report_shows_the_ten_linkages() {
    let (_dir, _, page) = report(&["examples/villages-2024.csv", "--rubric", "rubrics/linkage.toml"]);
    let doc = parse(&page);
    let rows = table_rows(by_id(&doc, "linkage-means"));
    assert_eq!(rows.len(), 10);
    assert_eq!(rows[0][0], "第一书记 → 乡村振兴红色头雁");
    // Every county names its weakest linkage.
    for row in table_rows(by_id(&doc, "weakest-linkages")) {
        assert!(row[2] != "—" && row[3] != "—", "{row:?}");
    }
    assert!(by_id(&doc, "coupling").descendants().any(|n| n.has_tag_name("svg")));
}

#[test]
fn snapshots_of_the_new_sections() {
    let page = fixture_page();
    insta::assert_snapshot!("linkages_section", section(&page, "linkages"));
    insta::assert_snapshot!("coupling_section", section(&page, "coupling"));
    insta::assert_snapshot!("obstacles_section", section(&page, "obstacles"));
}
