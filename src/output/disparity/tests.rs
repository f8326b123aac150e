//! Tests of [`super`]: the tidy rows' order and empty cells, the JSON
//! document, and the people's tables (snapshots).

use super::*;
use crate::disparity::panel::{PeriodValues, panel};
use crate::output::{Format, Options, Rows, render};

type Unit = (&'static str, Option<&'static str>, Option<f64>);

/// Three groups (中 first, then 东, 西) over two periods: in 2021 西 has one
/// unit and one unit of 中 has no value; in 2022 a unit of 中 is 0 (no
/// Theil).
fn fixture(grouped: bool) -> PanelDisparity {
    let y2021: [Unit; 7] = [
        ("b1", Some("中"), Some(60.0)),
        ("a1", Some("东"), Some(80.0)),
        ("c1", Some("西"), Some(40.0)),
        ("a2", Some("东"), Some(90.0)),
        ("b2", Some("中"), Some(50.0)),
        ("a3", Some("东"), Some(70.0)),
        ("d1", Some("中"), None),
    ];
    let y2022: [Unit; 6] = [
        ("a1", Some("东"), Some(85.0)),
        ("a2", Some("东"), Some(95.0)),
        ("b1", Some("中"), Some(0.0)),
        ("b2", Some("中"), Some(55.0)),
        ("c1", Some("西"), Some(45.0)),
        ("c2", Some("西"), Some(35.0)),
    ];
    let periods = [
        PeriodValues {
            label: "2021",
            units: y2021.to_vec(),
        },
        PeriodValues {
            label: "2022",
            units: y2022.to_vec(),
        },
    ];
    panel(&periods, grouped).unwrap()
}

/// `period|measure|group|other_group|` of each row, and its value as CSV
/// writes it.
fn tidy(p: &PanelDisparity) -> Vec<(String, String)> {
    let l = listing(p, Lang::Zh);
    (0..l.count())
        .map(|i| {
            let mut cells = Vec::new();
            l.row_into(i, &mut cells);
            let text = |c: &Cell| match c {
                Cell::Empty => String::new(),
                Cell::Int(v) => v.to_string(),
                Cell::Num(v) => crate::util::lossless(*v),
                Cell::Text(t) => t.clone(),
                Cell::Signed(v) => v.to_string(),
            };
            let key: Vec<String> = cells.iter().take(4).map(text).collect();
            (key.join("|") + "|", cells.get(4).map(text).unwrap_or_default())
        })
        .collect()
}

#[test]
fn csv_rows_follow_the_spec_order_per_period() {
    let p = fixture(true);
    let rows = tidy(&p);
    let keys: Vec<&str> = rows
        .iter()
        .map(|(k, _)| k.as_str())
        .filter(|k| k.starts_with("2021|"))
        .collect();
    let expected = [
        "n||",
        "n|中|",
        "n|东|",
        "n|西|",
        "missing||",
        "mean||",
        "mean|中|",
        "mean|东|",
        "mean|西|",
        "cv||",
        "cv|中|",
        "cv|东|",
        "cv|西|",
        "gini||",
        "gini_within||",
        "gini_between||",
        "gini_transvariation||",
        "share_within||",
        "share_between||",
        "share_transvariation||",
        "gini_group|中|",
        "gini_group|东|",
        "gini_group|西|",
        "gini_pair|中|西",
        "gini_pair|东|中",
        "gini_pair|东|西",
        "affluence|中|西",
        "affluence|东|中",
        "affluence|东|西",
        "theil_t||",
        "theil_t_within||",
        "theil_t_between||",
        "theil_l||",
        "theil_l_within||",
        "theil_l_between||",
    ];
    let expected: Vec<String> = expected.iter().map(|k| format!("2021|{k}|")).collect();
    let keys: Vec<String> = keys.iter().map(|k| k.to_string()).collect();
    assert_eq!(keys, expected);
    // 2022 has no missing row; the rest follows the same order.
    let later: Vec<&str> = rows.iter().filter_map(|(k, _)| k.strip_prefix("2022|")).collect();
    assert_eq!(later.len(), expected.len() - 1);
    assert!(!later.iter().any(|k| k.starts_with("missing")));
    let value = |key: &str| rows.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_str());
    assert_eq!(value("2021|n|||"), Some("6"));
    assert_eq!(value("2021|missing|||"), Some("1"));
    assert_eq!(value("2021|n|西||"), Some("1"));
    assert_eq!(value("2021|mean|东||"), Some("80"));
    assert_eq!(value("2021|mean|||"), Some("65"));
    let g = p.periods[0].figures.as_ref().unwrap().dagum.as_ref().unwrap().gini;
    assert_eq!(value("2021|gini|||"), Some(crate::util::lossless(g).as_str()));
}

#[test]
fn figures_that_do_not_exist_are_empty_cells() {
    let rows = tidy(&fixture(true));
    let value = |key: &str| rows.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_str());
    // CV of one unit.
    assert_eq!(value("2021|cv|西||"), Some(""));
    assert_ne!(value("2021|cv|东||"), Some(""));
    // The six Theil rows of 2022 (a value of 0) are kept, empty.
    let theil: Vec<&(String, String)> = rows.iter().filter(|(k, _)| k.starts_with("2022|theil_")).collect();
    assert_eq!(theil.len(), 6);
    assert!(theil.iter().all(|(_, v)| v.is_empty()), "{theil:?}");
    assert!(
        rows.iter()
            .filter(|(k, _)| k.starts_with("2021|theil_"))
            .all(|(_, v)| !v.is_empty())
    );
    // Equal values: G = 0, the share rows are empty.
    let equal = panel(
        &[PeriodValues {
            label: "p",
            units: vec![("a", Some("x"), Some(5.0)), ("b", Some("y"), Some(5.0))],
        }],
        true,
    )
    .unwrap();
    let rows = tidy(&equal);
    let value = |key: &str| rows.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_str());
    assert_eq!(value("p|gini|||"), Some("0"));
    for share in ["share_within", "share_between", "share_transvariation"] {
        assert_eq!(value(&format!("p|{share}|||")), Some(""), "{share}");
    }
}

#[test]
fn without_groups_only_the_overall_rows() {
    let rows = tidy(&fixture(false));
    let keys: Vec<&str> = rows.iter().filter_map(|(k, _)| k.strip_prefix("2021|")).collect();
    assert_eq!(
        keys,
        [
            "n|||",
            "missing|||",
            "mean|||",
            "cv|||",
            "gini|||",
            "theil_t|||",
            "theil_l|||"
        ]
    );
    let keys: Vec<&str> = rows.iter().filter_map(|(k, _)| k.strip_prefix("2022|")).collect();
    assert_eq!(
        keys,
        ["n|||", "mean|||", "cv|||", "gini|||", "theil_t|||", "theil_l|||"]
    );
}

#[test]
fn a_period_without_values_has_its_counts_only() {
    let p = panel(
        &[PeriodValues {
            label: "p",
            units: vec![("a", Some("x"), None)],
        }],
        true,
    )
    .unwrap();
    assert_eq!(
        tidy(&p),
        [
            ("p|n|||".to_string(), "0".to_string()),
            ("p|missing|||".to_string(), "1".to_string())
        ]
    );
}

#[test]
fn the_csv_header_and_a_pair_row() {
    let p = fixture(true);
    let rubric = crate::rubric::Rubric::builtin().unwrap();
    let view = DisparityView::new(&p, &rubric, &[], "score", Some("县"));
    let mut out = Vec::new();
    render(&view, Format::Csv, Options::default())
        .unwrap()
        .write_to(&mut out)
        .unwrap();
    let text = String::from_utf8(out).unwrap();
    let mut lines = text.lines();
    assert_eq!(lines.next(), Some("period,measure,group,other_group,value"));
    assert_eq!(lines.next(), Some("2021,n,,,6"));
    assert!(text.contains("\n2021,affluence,东,中,"), "{text}");
    assert!(text.contains("\n2021,cv,西,,\n"), "{text}");
    assert!(text.contains("\n2022,theil_l_between,,,\n"), "{text}");
    // The workbook's one sheet holds the same rows, titled in Chinese.
    let sheets = view.workbook();
    assert_eq!(sheets.len(), 1);
    let (name, sheet) = &sheets[0];
    assert_eq!(*name, "disparity");
    let titles: Vec<&str> = sheet.columns.iter().map(|c| sheet.title(c)).collect();
    assert_eq!(titles, ["时期", "指标", "组", "对比组", "数值"]);
    assert_eq!(sheet.rows.len(), text.lines().count() - 1);
}

#[test]
fn json_nests_the_figures_per_period() {
    let p = fixture(true);
    let rubric = crate::rubric::Rubric::builtin().unwrap();
    let view = DisparityView::new(&p, &rubric, &[], "score", Some("县"));
    let doc = view.json();
    assert_eq!(doc["of"], "score");
    assert_eq!(doc["by"], "县");
    assert_eq!(doc["groups"], json!(["中", "东", "西"]));
    let first = &doc["periods"][0];
    assert_eq!(first["period"], "2021");
    assert_eq!((first["n"].as_u64(), first["missing"].as_u64()), (Some(6), Some(1)));
    let keys: Vec<&str> = first.as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(
        keys,
        [
            "period", "n", "missing", "mean", "cv", "gini", "theil", "groups", "pairs"
        ]
    );
    let gini = &first["gini"];
    let parts =
        gini["within"].as_f64().unwrap() + gini["between"].as_f64().unwrap() + gini["transvariation"].as_f64().unwrap();
    assert!((parts - gini["overall"].as_f64().unwrap()).abs() < 1e-12);
    assert!(gini["shares"]["within"].is_number());
    assert_eq!(
        first["groups"][2],
        json!({"group": "西", "n": 1, "mean": 40.0, "cv": null, "gini": 0.0})
    );
    let pairs: Vec<(&str, &str)> = first["pairs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p["group"].as_str().unwrap(), p["other_group"].as_str().unwrap()))
        .collect();
    assert_eq!(pairs, [("中", "西"), ("东", "中"), ("东", "西")]);
    assert!(first["theil"]["t_within"].is_number());
    assert!(doc["periods"][1]["theil"].is_null());
    // jsonl: one object per tidy row.
    let lines = String::from_utf8(match render(&view, Format::Jsonl, Options::default()).unwrap() {
        crate::output::Rendered::Bytes(b) => b,
        crate::output::Rendered::Csv(..) => Vec::new(),
    })
    .unwrap();
    assert_eq!(
        lines.lines().next(),
        Some(r#"{"period":"2021","measure":"n","group":null,"other_group":null,"value":6}"#)
    );
    // Without groups the parts are null.
    let ungrouped = fixture(false);
    let view = DisparityView::new(&ungrouped, &rubric, &[], "score", None);
    let doc = view.json();
    assert!(doc["by"].is_null());
    assert!(doc["periods"][0]["gini"]["within"].is_null());
    assert!(doc["periods"][0]["gini"]["shares"].is_null());
    assert_eq!(doc["periods"][0]["groups"], json!([]));
}

#[test]
fn table_layout_in_chinese() {
    let p = fixture(true);
    let text = people::text(
        &p,
        Lang::Zh,
        "评价：总分的差距（按县分组）",
        Some("县"),
        Layout::default(),
    );
    insta::assert_snapshot!("disparity_table_zh", text);
}

#[test]
fn table_layout_in_english() {
    let p = fixture(true);
    let text = people::text(
        &p,
        Lang::En,
        "rubric: disparity of the score by county",
        Some("county"),
        Layout::default(),
    );
    insta::assert_snapshot!("disparity_table_en", text);
}

#[test]
fn table_layout_without_groups() {
    let p = fixture(false);
    let text = people::text(&p, Lang::En, "rubric: disparity of the score", None, Layout::default());
    insta::assert_snapshot!("disparity_table_ungrouped", text);
}

#[test]
fn markdown_layout() {
    let p = fixture(true);
    let text = people::markdown(&p, Lang::Zh, "评价：总分的差距", Some("县"));
    insta::assert_snapshot!("disparity_markdown_zh", text);
}

#[test]
fn every_format_renders_through_the_view() {
    let p = fixture(true);
    let rubric = crate::rubric::Rubric::builtin().unwrap();
    let view = DisparityView::new(&p, &rubric, &[], "score", Some("县"));
    let bytes = |format| match render(&view, format, Options::default()).unwrap() {
        crate::output::Rendered::Bytes(b) => b,
        crate::output::Rendered::Csv(..) => panic!("CSV streams"),
    };
    let lang = rubric.lang();
    let heading = view.heading();
    assert!(heading.starts_with(&rubric.name), "{heading}");
    let table = String::from_utf8(bytes(Format::Table)).unwrap();
    assert_eq!(table, people::text(&p, lang, &heading, Some("县"), Layout::default()));
    let markdown = String::from_utf8(bytes(Format::Markdown)).unwrap();
    assert_eq!(markdown, people::markdown(&p, lang, &heading, Some("县")));
    assert!(markdown.contains("| 县 | n | 均值 | CV | G_jj |"), "{markdown}");
    let xlsx = bytes(Format::Xlsx);
    assert!(xlsx.starts_with(b"PK"));
    // A dimension's name heads the text when `of` is a dimension.
    let dim = &rubric.dimensions[0];
    let view = DisparityView::new(&p, &rubric, &[], &dim.id, None);
    assert!(view.heading().contains(&dim.name), "{}", view.heading());
}
