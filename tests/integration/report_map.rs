//! Maps in the report (`report --map FILE.geojson [--key PROPERTY]`, SPEC
//! "Spatial", issue 19): the sample's 304 synthetic village polygons
//! coloured by grade, a hand-made 2×2 map coloured by quintile, a panel's
//! last period, and the errors.
//!
//! The quintile map (`quintile_map_without_grades`): the report fixture
//! without its grades, scores u1 80, u2 45, u3 95, u4 55, u5 40. Sorted
//! 40, 45, 55, 80, 95; numpy's linear quantiles at 0.2, 0.4, 0.6, 0.8 (virtual
//! index 4p): 40 + 0.8·5 = 44, 45 + 0.6·10 = 51, 55 + 0.4·25 = 65,
//! 80 + 0.2·15 = 83. So u1 (80) is in the fourth fifth (65, 83], u2 (45) in
//! the second (44, 51], u3 (95) in the fifth (> 83); the map's fourth cell,
//! `u9`, is not in the data (grey), and u4, u5 are not on the map.

use crate::report::{assert_self_contained, by_id, parse, report, text_of};
use crate::support::{assert_mentions, fails, ls_in, root, tmp, write};

const SAMPLE: &str = "examples/villages-2024.csv";
const LINKAGE: &str = "rubrics/linkage.toml";
const MAP: &str = "examples/villages.geojson";

/// The grade colours of the page (best to worst) and the no-data grey.
const GRADE_COLOURS: [&str; 6] = ["#2e7d32", "#7cb342", "#f9a825", "#ef6c00", "#c62828", "#6d1b1b"];
const GREY: &str = "#d0d0d0";

/// The `<path>`s of the map section: (fill, tooltip).
fn map_paths(page: &str) -> Vec<(String, String)> {
    let doc = parse(page);
    let section = by_id(&doc, "map");
    let svgs: Vec<_> = section.descendants().filter(|n| n.has_tag_name("svg")).collect();
    assert_eq!(svgs.len(), 1, "one map");
    svgs[0]
        .descendants()
        .filter(|n| n.has_tag_name("path"))
        .map(|p| {
            let title = p
                .children()
                .find(|c| c.has_tag_name("title"))
                .expect("a <title> per unit");
            (p.attribute("fill").unwrap_or_default().to_string(), text_of(title))
        })
        .collect()
}

fn section_ids(page: &str) -> Vec<String> {
    let doc = parse(page);
    doc.descendants()
        .filter(|n| n.has_tag_name("section"))
        .filter_map(|n| n.attribute("id"))
        .map(str::to_string)
        .collect()
}

#[test]
fn report_maps_the_sample_villages_by_grade() {
    let (_dir, _out, page) = report(&[SAMPLE, "-r", LINKAGE, "--map", MAP, "--key", "village_id"]);
    assert_self_contained(&page);
    assert!(page.len() < 1_500_000, "the page is {} bytes", page.len());
    let ids = section_ids(&page);
    let at = ids.iter().position(|s| s == "map").expect("a map section");
    assert_eq!(ids.get(at - 1).map(String::as_str), Some("groups"));
    let paths = map_paths(&page);
    assert_eq!(paths.len(), 304, "one polygon per village of any year");
    // The four villages merged away after 2023 are not in the 2024 data: grey.
    let (grey, coloured): (Vec<_>, Vec<_>) = paths.iter().partition(|(fill, _)| fill == GREY);
    assert_eq!(grey.len(), 4, "{grey:?}");
    for (fill, tip) in coloured {
        assert!(
            GRADE_COLOURS.contains(&fill.as_str()),
            "{fill} is not a grade colour ({tip})"
        );
        // "V530121001 老营村: 81.08 (良)"
        assert!(
            tip.starts_with('V') && tip.contains(": ") && tip.ends_with(')'),
            "{tip}"
        );
    }
    assert!(paths.iter().any(|(_, t)| t.starts_with("V530121001 老营村: ")));
    // The legend counts the villages of each grade (the 300 of 2024) and the
    // 4 grey ones.
    let doc = parse(&page);
    let legend: usize = by_id(&doc, "map")
        .descendants()
        .filter(|n| n.has_tag_name("text"))
        .filter_map(|n| {
            let t = text_of(n);
            let count = t.rsplit_once('(')?.1.strip_suffix(')')?.parse::<usize>().ok()?;
            Some(count)
        })
        .sum();
    assert_eq!(legend, 304);
    assert_mentions(&text_of(by_id(&doc, "map")), &["village_id", "0.5"]);
    // The simplified outlines keep the page small: the map section is well
    // under 150 KB for 304 villages.
    let start = page.find("<section id=\"map\">").expect("the section");
    let end = page[start..].find("</section>").expect("closed") + start;
    assert!(end - start < 150_000, "the map section is {} bytes", end - start);
}

#[test]
fn without_key_the_features_own_ids_match() {
    let (_dir, _out, page) = report(&[SAMPLE, "-r", LINKAGE, "--map", MAP]);
    let paths = map_paths(&page);
    assert_eq!(paths.len(), 304);
    assert_eq!(paths.iter().filter(|(fill, _)| fill == GREY).count(), 4);
}

#[test]
fn a_panel_maps_its_last_period() {
    // 2025 has 297 of the 304 villages of the map: seven features are grey
    // (the four merged away after 2023, the three after 2024).
    let (_dir, _out, page) = report(&[
        "2023=examples/villages-2023.csv",
        "2024=examples/villages-2024.csv",
        "2025=examples/villages-2025.csv",
        "-r",
        LINKAGE,
        "--map",
        MAP,
    ]);
    let paths = map_paths(&page);
    assert_eq!(paths.len(), 304);
    let grey: Vec<&str> = paths
        .iter()
        .filter(|(fill, _)| fill == GREY)
        .map(|(_, t)| t.as_str())
        .collect();
    assert_eq!(grey.len(), 7, "{grey:?}");
    assert!(grey.iter().any(|t| t.starts_with("V530121046 ")), "{grey:?}");
    let doc = parse(&page);
    let section = text_of(by_id(&doc, "map"));
    assert_mentions(&section, &["2025", "7 个地图要素不在数据中"]);
}

/// A 2×2 grid of unit squares keyed by `code`: u1, u2, u3 (a MultiPolygon
/// of two halves) and u9, which is not in the data; and a Point, which is
/// left out with a warning.
const GRID: &str = r#"{"type":"FeatureCollection","features":[
{"type":"Feature","properties":{"code":"u1"},"geometry":{"type":"Polygon","coordinates":[[[100,20],[101,20],[101,21],[100,21],[100,20]]]}},
{"type":"Feature","properties":{"code":"u2"},"geometry":{"type":"Polygon","coordinates":[[[101,20],[102,20],[102,21],[101,21],[101,20]]]}},
{"type":"Feature","properties":{"code":"u3"},"geometry":{"type":"MultiPolygon","coordinates":[
  [[[100,21],[100.5,21],[100.5,22],[100,22],[100,21]]],[[[100.5,21],[101,21],[101,22],[100.5,22],[100.5,21]]]]}},
{"type":"Feature","properties":{"code":"u9","name":"外村"},"geometry":{"type":"Polygon","coordinates":[[[101,21],[102,21],[102,22],[101,22],[101,21]]]}},
{"type":"Feature","properties":{"code":"p"},"geometry":{"type":"Point","coordinates":[101,21]}}
]}"#;

#[test]
fn quintile_map_without_grades() {
    let dir = tmp();
    let rubric = std::fs::read_to_string(root().join("tests/fixtures/report.toml")).expect("the fixture");
    let ungraded = rubric.split("[[grade]]").next().expect("text before the grades");
    let rubric = write(dir.path(), "ungraded.toml", ungraded);
    let map = write(dir.path(), "grid.geojson", GRID);
    let out = dir.path().join("r.html");
    let args = [
        "report",
        "tests/fixtures/report-2024.csv",
        "-r",
        rubric.to_str().expect("path"),
        "--map",
        map.to_str().expect("path"),
        "--key",
        "code",
        "-o",
        out.to_str().expect("path"),
    ];
    let r = ls_in(&root(), &args);
    assert_eq!(r.code, 0, "{}", r.stderr);
    // Not on the map: u4 and u5; not a polygon: the Point.
    assert_mentions(
        &r.stderr,
        &[
            "2 unit(s) of the data are not on the map",
            "u4, u5",
            "feature 5 (Point)",
        ],
    );
    let page = std::fs::read_to_string(&out).expect("the page");
    assert_self_contained(&page);
    let paths = map_paths(&page);
    let fills: Vec<&str> = paths.iter().map(|(f, _)| f.as_str()).collect();
    assert_eq!(fills, ["#a6d96a", "#fdae61", "#1a9641", GREY]);
    let tips: Vec<&str> = paths.iter().map(|(_, t)| t.as_str()).collect();
    assert_eq!(tips[0], "u1 东村: 80.00 (Q4)");
    assert_eq!(tips[1], "u2 西村: 45.00 (Q2)");
    assert_eq!(tips[3], "u9 外村: 不在数据中");
    // u3's two halves are one path of two rings.
    let doc = parse(&page);
    let section = by_id(&doc, "map");
    let u3 = section
        .descendants()
        .filter(|n| n.has_tag_name("path"))
        .nth(2)
        .and_then(|p| p.attribute("d"))
        .expect("u3's path");
    assert_eq!(u3.matches('M').count(), 2);
    // The legend: the quintile ranges, with the map's units in each.
    let text = text_of(section);
    assert_mentions(
        &text,
        &[
            "≤ 44.00 (0)",
            "(44.00–51.00] (1)",
            "(51.00–65.00] (0)",
            "(65.00–83.00] (1)",
            "> 83.00 (1)",
            "无得分或不在数据中 (1)",
            "1 个地图要素不在数据中",
            "2 个数据单位不在地图中",
        ],
    );
}

#[test]
fn a_missing_key_is_an_error_naming_the_property() {
    let dir = tmp();
    let out = dir.path().join("r.html");
    let err = fails(
        ls_in(
            &root(),
            &[
                "report",
                SAMPLE,
                "-r",
                LINKAGE,
                "--map",
                MAP,
                "--key",
                "code",
                "-o",
                out.to_str().expect("path"),
            ],
        ),
        1,
    );
    assert_mentions(
        &err,
        &[
            "no property `code`",
            "`village_id`",
            "`name`",
            "`county`",
            "--key PROPERTY",
        ],
    );
    assert!(!out.exists(), "nothing is written");
}

#[test]
fn a_key_that_matches_no_unit_is_an_error() {
    let dir = tmp();
    let out = dir.path().join("r.html");
    let err = fails(
        ls_in(
            &root(),
            &[
                "report",
                SAMPLE,
                "-r",
                LINKAGE,
                "--map",
                MAP,
                "--key",
                "county",
                "-o",
                out.to_str().expect("path"),
            ],
        ),
        1,
    );
    assert_mentions(
        &err,
        &[
            "no feature of examples/villages.geojson",
            "ids in the map: 安平县",
            "ids in the data: V530121001",
            "--key",
        ],
    );
}

#[test]
fn a_file_that_is_not_geojson_is_an_error() {
    let dir = tmp();
    let out = dir.path().join("r.html");
    let out = out.to_str().expect("path");
    for (name, content) in [
        ("a.geojson", "village_id,lon,lat\nV1,102,24\n"),
        ("b.geojson", r#"{"type":"Topology","objects":{}}"#),
        ("c.geojson", r#"{"type":"FeatureCollection","features":[]}"#),
    ] {
        let map = write(dir.path(), name, content);
        let err = fails(
            ls_in(
                &root(),
                &[
                    "report",
                    SAMPLE,
                    "-r",
                    LINKAGE,
                    "--map",
                    map.to_str().expect("path"),
                    "-o",
                    out,
                ],
            ),
            1,
        );
        assert_mentions(&err, &[name, "help:", "GeoJSON"]);
    }
    // Too large: refused by its size, before it is read (a sparse file).
    let big = dir.path().join("big.geojson");
    std::fs::File::create(&big)
        .and_then(|f| f.set_len((256 << 20) + 1))
        .expect("a sparse file");
    let err = fails(
        ls_in(
            &root(),
            &[
                "report",
                SAMPLE,
                "-r",
                LINKAGE,
                "--map",
                big.to_str().expect("path"),
                "-o",
                out,
            ],
        ),
        1,
    );
    assert_mentions(&err, &["larger than 256 MiB"]);
    // --key without --map is a usage error.
    fails(
        ls_in(&root(), &["report", SAMPLE, "-r", LINKAGE, "--key", "id", "-o", out]),
        2,
    );
}
