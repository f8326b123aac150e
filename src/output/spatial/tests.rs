//! Tests of [`super`]: the CSV rows of both modes and their empty cells,
//! the JSON document's keys, and the people's tables (snapshots).

use super::*;
use crate::input::{self, ReadOptions};
use crate::output::{Cell, Format, Options, Rendered, Rows, render};
use crate::spatial::{Cluster, Moran, Quadrant};

const RUBRIC: &str = r#"
[rubric]
name = "村庄评价"
id = "id"
label = "name"
[[dimension]]
id = "d"
name = "发展"
[[indicator]]
id = "a"
dimension = "d"
normalize = "minmax"
"#;

fn rubric(text: &str) -> Rubric {
    Rubric::parse("t.toml", text, false).unwrap_or_else(|e| panic!("{e}"))
}

fn table(rubric: &Rubric, csv: &str) -> Table {
    input::from_bytes(
        &[("t.csv".into(), csv.as_bytes().to_vec())],
        rubric,
        &ReadOptions::default(),
    )
    .unwrap_or_else(|e| panic!("{e}\n{csv}"))
}

const Y2021: &str = "id,name,a\nv1,东村,1\nv2,西村,2\nv3,南村,\nv4,北村,4\nv5,中村,5\nv6,孤村,6\n";
const Y2022: &str = "id,name,a\nv1,东村,3\nv2,西村,3\nv3,南村,3\n";

fn local(lag: f64, local_i: f64, p: f64, q: Quadrant, significant: bool) -> LocalMoran {
    LocalMoran {
        lag,
        local_i: Some(local_i),
        p_sim: Some(p),
        quadrant: Some(q),
        cluster: Some(if significant {
            Cluster::Significant(q)
        } else {
            Cluster::NotSignificant
        }),
    }
}

fn blank(lag: f64) -> LocalMoran {
    LocalMoran {
        lag,
        local_i: None,
        p_sim: None,
        quadrant: None,
        cluster: None,
    }
}

/// 2021: five units with a value (v3 has none), v6 an island; v1 and v2
/// a cold spot, v5 a hot spot, v4 not significant. 2022: every value 3,
/// no statistics.
fn periods() -> Vec<Period> {
    let first = Period {
        label: "2021".into(),
        units: vec![(0, 1.0), (1, 2.0), (3, 4.0), (4, 5.0), (5, 6.0)],
        moran: Moran {
            global: Some(GlobalMoran {
                n: 5,
                i: 0.2436558262177166,
                expected: -0.25,
                variance_norm: 0.0625,
                z_norm: Some(1.9746233048708663),
                p_norm: Some(0.048310),
                p_sim: Some(0.001),
                permutations: 999,
            }),
            units: vec![
                local(-1.5, 1.2, 0.01, Quadrant::LL, true),
                local(-0.5, 0.3, 0.04, Quadrant::LL, true),
                local(1.0, 0.25, 0.3, Quadrant::HH, false),
                local(1.5, 0.9, 0.002, Quadrant::HH, true),
                blank(0.0),
            ],
            warnings: Vec::new(),
        },
        warnings: Vec::new(),
    };
    let second = Period {
        label: "2022".into(),
        units: vec![(0, 3.0), (1, 3.0), (2, 3.0)],
        moran: Moran {
            global: None,
            units: vec![blank(0.0), blank(0.0), blank(0.0)],
            warnings: Vec::new(),
        },
        warnings: Vec::new(),
    };
    vec![first, second]
}

fn csv(view: &SpatialView) -> String {
    let mut out = Vec::new();
    render(view, Format::Csv, Options::default())
        .unwrap()
        .write_to(&mut out)
        .unwrap();
    String::from_utf8(out).unwrap()
}

fn raw(view: &SpatialView, format: Format) -> Vec<u8> {
    match render(view, format, Options::default()).unwrap() {
        Rendered::Bytes(b) => b,
        Rendered::Csv(..) => panic!("CSV streams"),
    }
}

fn bytes(view: &SpatialView, format: Format) -> String {
    String::from_utf8(raw(view, format)).unwrap()
}

#[test]
fn unit_rows_with_islands_and_a_period_without_statistics() {
    let r = rubric(RUBRIC);
    let (a, b) = (table(&r, Y2021), table(&r, Y2022));
    let periods = periods();
    let view = SpatialView::new(&periods, &[&a, &b], &r, "score", false, "v.gal");
    let text = csv(&view);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(
        lines,
        [
            "period,id,label,value,lag,local_i,p_sim,quadrant,cluster",
            "2021,v1,东村,1,-1.5,1.2,0.01,LL,LL",
            "2021,v2,西村,2,-0.5,0.3,0.04,LL,LL",
            "2021,v4,北村,4,1,0.25,0.3,HH,ns",
            "2021,v5,中村,5,1.5,0.9,0.002,HH,HH",
            "2021,v6,孤村,6,0,,,,",
            "2022,v1,东村,3,0,,,,",
            "2022,v2,西村,3,0,,,,",
            "2022,v3,南村,3,0,,,,",
        ]
    );
    // The workbook: both sheets, titled in Chinese.
    let sheets = view.workbook();
    let names: Vec<&str> = sheets.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names, ["global", "units"]);
    let (_, units) = &sheets[1];
    let titles: Vec<&str> = units.columns.iter().map(|c| units.title(c)).collect();
    assert_eq!(
        titles,
        [
            "时期",
            "id",
            "name",
            "取值",
            "空间滞后",
            "局部莫兰指数",
            "伪 p 值",
            "象限",
            "聚类"
        ]
    );
    assert_eq!(units.rows.len(), 8);
    assert!(raw(&view, Format::Xlsx).starts_with(b"PK"));
}

#[test]
fn without_a_label_column_no_label() {
    let text = RUBRIC.replace("label = \"name\"\n", "");
    let r = rubric(&text);
    let a = table(&r, Y2021);
    let periods = periods();
    let view = SpatialView::new(&periods[..1], &[&a], &r, "score", false, "v.gal");
    let out = csv(&view);
    let mut lines = out.lines();
    assert_eq!(lines.next(), Some("period,id,value,lag,local_i,p_sim,quadrant,cluster"));
    assert_eq!(lines.next(), Some("2021,v1,1,-1.5,1.2,0.01,LL,LL"));
    // JSON keeps the key, null.
    assert!(view.json()["periods"][0]["units"][0]["label"].is_null());
}

#[test]
fn global_rows_one_per_period() {
    let r = rubric(RUBRIC);
    let (a, b) = (table(&r, Y2021), table(&r, Y2022));
    let periods = periods();
    let view = SpatialView::new(&periods, &[&a, &b], &r, "score", true, "v.gal");
    let text = csv(&view);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(
        lines,
        [
            "period,n,moran_i,expected_i,variance_norm,z_norm,p_norm,p_sim,permutations",
            "2021,5,0.2436558262177166,-0.25,0.0625,1.9746233048708663,0.04831,0.001,999",
            "2022,3,,,,,,,",
        ]
    );
    // A missing z and p are empty cells.
    let mut none = periods.clone();
    if let Some(g) = none[0].moran.global.as_mut() {
        (g.z_norm, g.p_norm, g.p_sim, g.permutations) = (None, None, None, 0);
    }
    let view = SpatialView::new(&none, &[&a, &b], &r, "score", true, "v.gal");
    let mut cells = Vec::new();
    view.listing().row_into(0, &mut cells);
    assert_eq!(cells[5..], [Cell::Empty, Cell::Empty, Cell::Empty, Cell::Int(0)]);
    // jsonl: the rows as objects.
    let view = SpatialView::new(&periods, &[&a, &b], &r, "score", true, "v.gal");
    let jsonl = bytes(&view, Format::Jsonl);
    assert_eq!(
        jsonl.lines().nth(1),
        Some(
            r#"{"period":"2022","n":3,"moran_i":null,"expected_i":null,"variance_norm":null,"z_norm":null,"p_norm":null,"p_sim":null,"permutations":null}"#
        )
    );
}

#[test]
fn json_nests_global_and_units_per_period() {
    let r = rubric(RUBRIC);
    let (a, b) = (table(&r, Y2021), table(&r, Y2022));
    let periods = periods();
    let view = SpatialView::new(&periods, &[&a, &b], &r, "d", false, "v.geojson (queen)");
    let doc = view.json();
    assert_eq!(doc["of"], "d");
    assert_eq!(doc["neighbours"], "v.geojson (queen)");
    assert!(doc["linkscore"].is_string() && doc["rubric"].is_object() && doc["inputs"].is_array());
    let first = &doc["periods"][0];
    let keys: Vec<&str> = first.as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(keys, ["period", "global", "units"]);
    let keys: Vec<&str> = first["global"]
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        keys,
        [
            "n",
            "moran_i",
            "expected_i",
            "variance_norm",
            "z_norm",
            "p_norm",
            "p_sim",
            "permutations"
        ]
    );
    assert_eq!(first["global"]["permutations"], 999);
    assert_eq!(first["units"].as_array().unwrap().len(), 5);
    assert_eq!(
        first["units"][0],
        json!({"id": "v1", "label": "东村", "value": 1.0, "lag": -1.5, "local_i": 1.2,
               "p_sim": 0.01, "quadrant": "LL", "cluster": "LL"})
    );
    let keys: Vec<&str> = first["units"][4]
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        keys,
        ["id", "label", "value", "lag", "local_i", "p_sim", "quadrant", "cluster"]
    );
    assert!(first["units"][4]["local_i"].is_null() && first["units"][4]["cluster"].is_null());
    let second = &doc["periods"][1];
    assert!(second["global"].is_null());
    assert_eq!(second["units"][2]["id"], "v3");
    // jsonl of the unit rows.
    let jsonl = bytes(&view, Format::Jsonl);
    assert_eq!(jsonl.lines().count(), 8);
    assert!(
        jsonl.starts_with(r#"{"period":"2021","id":"v1","label":"东村","#),
        "{jsonl}"
    );
}

fn people<'v>(periods: &'v [Period], lang: Lang, heading: &str, of: &'v str) -> people::People<'v> {
    const NAMES: [&str; 6] = ["东村", "西村", "南村", "北村", "中村", "孤村"];
    people::People {
        periods,
        lang,
        heading: heading.to_string(),
        of,
        name: Box::new(|_, i| NAMES.get(i).copied().unwrap_or("?").to_string()),
    }
}

#[test]
fn table_layout_in_chinese() {
    let periods = periods();
    let text = people(
        &periods,
        Lang::Zh,
        "村庄评价：总分的空间自相关（邻接关系：v.gal）",
        "总分",
    )
    .text(Layout::default());
    insta::assert_snapshot!("spatial_table_zh", text);
}

#[test]
fn table_layout_in_english() {
    let periods = periods();
    let text = people(
        &periods,
        Lang::En,
        "rubric: spatial autocorrelation of the score (neighbours: v.gal)",
        "the score",
    )
    .text(Layout::default());
    insta::assert_snapshot!("spatial_table_en", text);
}

#[test]
fn markdown_layout() {
    let periods = periods();
    let text = people(&periods, Lang::Zh, "村庄评价：总分的空间自相关", "总分").markdown();
    insta::assert_snapshot!("spatial_markdown_zh", text);
}

#[test]
fn sentences_for_each_outcome() {
    let mut periods = periods();
    let sentence = |periods: &[Period], lang| people(periods, lang, "", "总分").text(Layout::default());
    assert!(
        sentence(&periods, Lang::Zh).contains("Moran's I = 0.24（p = 0.001）：相邻单位的总分显著相似（空间正相关）")
    );
    if let Some(g) = periods[0].moran.global.as_mut() {
        g.i = -0.6;
    }
    assert!(sentence(&periods, Lang::Zh).contains("显著相异（空间负相关）"));
    if let Some(g) = periods[0].moran.global.as_mut() {
        g.p_sim = Some(0.2);
    }
    assert!(sentence(&periods, Lang::En).contains("(p = 0.200): no significant spatial autocorrelation"));
    if let Some(g) = periods[0].moran.global.as_mut() {
        (g.p_sim, g.p_norm) = (None, Some(0.0001));
    }
    assert!(sentence(&periods, Lang::En).contains("(p < 0.001): neighbouring units have significantly dissimilar"));
}

#[test]
fn the_view_renders_the_people_text() {
    let r = rubric(RUBRIC);
    let (a, b) = (table(&r, Y2021), table(&r, Y2022));
    let periods = periods();
    let view = SpatialView::new(&periods, &[&a, &b], &r, "d", false, "v.gal");
    let table = bytes(&view, Format::Table);
    assert!(
        table.starts_with("村庄评价：发展的空间自相关（邻接关系：v.gal）\n"),
        "{table}"
    );
    assert!(table.contains("东村、西村"), "{table}");
    let markdown = bytes(&view, Format::Markdown);
    assert!(markdown.starts_with("# 村庄评价：发展的空间自相关"), "{markdown}");
    assert!(markdown.contains("| 聚类 | 单位数 | 包括 |"), "{markdown}");
}

#[test]
fn many_hot_spots_are_named_by_the_first_few() {
    let mut periods = periods();
    let hot = local(1.0, 0.5, 0.01, Quadrant::HH, true);
    periods[0].units = (0..8).map(|i| (i, i as f64)).collect();
    periods[0].moran.units = vec![hot; 8];
    let names = |lang| {
        let p = people::People {
            name: Box::new(|_, i| format!("u{i}")),
            ..people(&periods, lang, "", "")
        };
        p.text(Layout::WIDE)
    };
    assert!(
        names(Lang::Zh).contains("u0、u1、u2、u3、u4等 8 个"),
        "{}",
        names(Lang::Zh)
    );
    assert!(
        names(Lang::En).contains("u0, u1, u2, u3, u4, and 3 more"),
        "{}",
        names(Lang::En)
    );
}
