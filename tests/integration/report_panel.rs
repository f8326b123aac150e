//! A report on a panel (issue 17): the trend and disparity sections, the
//! last period reported and compared with the one before it.
//!
//! The fixture of `report.rs` as a panel `2023=report-2023.csv
//! 2024=report-2024.csv` (goalpost rubric: pooling changes nothing), worked
//! by hand from the scores listed there:
//!
//! ```text
//! 2023  scores 60 (甲) 80 (甲) 90 (乙) 20 (乙) 50 (乙): mean 60, median 60,
//!       min 20, max 90; every unit has a = b = c, so each dimension's mean is 60.
//!       Σ|y_i − y_r| over unordered pairs of 20 50 60 80 90
//!         = 30+40+60+70 + 10+30+40 + 20+30 + 10 = 340;
//!       G = 2·340 / (2 · 5² · 60) = 680/3000 = 0.2267
//! 2024  scores 80 45 (甲) 95 55 40 (乙): mean 63, median 55, min 40, max 95;
//!       a (80+60+100+40+50)/5 = 66, b (60+40+100+80+20)/5 = 60,
//!       c (100+20+80+60+40)/5 = 60.
//!       Σ|…| over pairs of 40 45 55 80 95 = 5+15+40+55 + 10+35+50 + 25+40 + 15 = 290;
//!       G = 580 / (2 · 25 · 63) = 0.1841.
//!       G_甲甲 = 2·35 / (2·4·62.5) = 0.14; G_乙乙 = 2·110 / (2·9·(190/3)) = 0.19298;
//!       p = (2/5, 3/5), s = (125/315, 190/315):
//!       G_w = 0.14·0.4·125/315 + 0.19298·0.6·190/315 = 0.022222 + 0.069841 = 0.092063,
//!       which is half of G: the within share is 50.0 %.
//! ```

use crate::report::{by_id, parse, report, table_rows, text_of};
use crate::support::{fails, ls_in, root, tmp, write};

const RUBRIC: &str = "tests/fixtures/report.toml";

fn panel_page() -> String {
    report(&[
        "2024=tests/fixtures/report-2024.csv",
        "2023=tests/fixtures/report-2023.csv",
        "--rubric",
        RUBRIC,
    ])
    .2
}

#[test]
fn a_panel_report_has_the_trend_and_disparity_sections_before_the_ranking() {
    let page = panel_page();
    let doc = parse(&page);
    let ids: Vec<&str> = doc
        .descendants()
        .filter(|n| n.has_tag_name("section"))
        .filter_map(|n| n.attribute("id"))
        .collect();
    let at = |id: &str| {
        ids.iter()
            .position(|i| *i == id)
            .unwrap_or_else(|| panic!("no section {id}: {ids:?}"))
    };
    assert!(at("changes") < at("trend") && at("trend") < at("disparity") && at("disparity") < at("ranking"));
    // The last period is reported and compared with the one before it.
    assert!(page.contains("上期：2023"), "the header names the previous period");
}

#[test]
fn the_trend_table_matches_the_hand_computation() {
    let page = panel_page();
    let doc = parse(&page);
    let rows = table_rows(by_id(&doc, "trend"));
    let expected = [
        [
            "2023", "5", "60.00", "60.00", "20.00", "90.00", "60.00", "60.00", "60.00",
        ],
        [
            "2024", "5", "63.00", "55.00", "40.00", "95.00", "66.00", "60.00", "60.00",
        ],
    ];
    assert_eq!(rows, expected.map(|r| r.map(String::from).to_vec()));
    // Two lines' worth of points: the mean and three dimensions, two periods each.
    let chart = by_id(&doc, "trend")
        .descendants()
        .find(|n| n.has_tag_name("svg"))
        .expect("a chart");
    assert_eq!(chart.descendants().filter(|n| n.has_tag_name("circle")).count(), 8);
}

#[test]
fn the_disparity_section_shows_the_hand_computed_gini_and_shares() {
    let page = panel_page();
    let doc = parse(&page);
    let section = by_id(&doc, "disparity");
    let rows = table_rows(by_id(&doc, "disparity-table").parent().expect("a parent"));
    assert_eq!(rows.first().and_then(|r| r.first()).map(String::as_str), Some("2023"));
    assert_eq!(rows.first().and_then(|r| r.get(1)).map(String::as_str), Some("0.2267"));
    assert_eq!(rows.get(1).and_then(|r| r.get(1)).map(String::as_str), Some("0.1841"));
    assert_eq!(rows.get(1).and_then(|r| r.get(2)).map(String::as_str), Some("50.0%"));
    let lead = text_of(section);
    assert!(lead.contains("2024 年总体基尼系数为 0.1841"), "{lead}");
    // Stacked shares per period and one line per county.
    let svgs: Vec<_> = section.descendants().filter(|n| n.has_tag_name("svg")).collect();
    assert_eq!(svgs.len(), 2);
    assert!(page.contains("各组组内基尼系数"));
}

#[test]
fn the_sample_panel_says_the_gap_is_mainly_between_counties() {
    let (_dir, _out, page) = report(&[
        "2023=examples/villages-2023.csv",
        "2024=examples/villages-2024.csv",
        "2025=examples/villages-2025.csv",
        "--rubric",
        "rubrics/linkage.toml",
    ]);
    assert!(page.contains("2025 年总体基尼系数为"));
    assert!(page.contains("差距主要来自组间"));
}

#[test]
fn without_groups_the_disparity_section_shows_the_gini_alone() {
    let dir = tmp();
    let text = std::fs::read_to_string(root().join(RUBRIC)).expect("the fixture rubric");
    let ungrouped: String = text
        .lines()
        .filter(|l| !l.starts_with("group ="))
        .map(|l| format!("{l}\n"))
        .collect();
    let rubric = write(dir.path(), "ungrouped.toml", ungrouped);
    let (_d, _o, page) = report(&[
        "2023=tests/fixtures/report-2023.csv",
        "2024=tests/fixtures/report-2024.csv",
        "--rubric",
        rubric.to_str().expect("path"),
    ]);
    let doc = parse(&page);
    let section = text_of(by_id(&doc, "disparity"));
    assert!(section.contains("未设分组列"), "{section}");
    assert!(section.contains("2024 年总体基尼系数为 0.1841"), "{section}");
}

#[test]
fn previous_with_a_panel_is_a_usage_error() {
    let dir = tmp();
    let out = dir.path().join("r.html");
    let err = fails(
        ls_in(
            &root(),
            &[
                "report",
                "2023=tests/fixtures/report-2023.csv",
                "2024=tests/fixtures/report-2024.csv",
                "--rubric",
                RUBRIC,
                "--previous",
                "tests/fixtures/report-2023.csv",
                "-o",
                out.to_str().expect("path"),
            ],
        ),
        2,
    );
    assert!(err.contains("--previous"), "{err}");
    assert!(!out.exists());
}

#[test]
fn a_panel_of_one_period_has_no_dynamics_section() {
    let (_d, _o, page) = report(&["2023=tests/fixtures/report-2023.csv", "--rubric", RUBRIC]);
    assert!(page.contains("<section id=\"trend\""));
    assert!(!page.contains("<section id=\"dynamics\""));
}
