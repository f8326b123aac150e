//! Output for offices (issue 16, items 1 and 2): workbooks headed in the
//! rubric's language with a `columns` sheet mapping titles to ids, number
//! formats by what a column holds, widths that fit, the diff summary in
//! sentences; `--headers names|ids`; a BOM on CSV written to a file.
//!
//! The fixture is hand-computable: goalposts [0, 100] and [0, 20], equal
//! indicator weights, two dimensions at 0.5, scale 100, missing = reweight.
//!   v01 王家寨子村: econ (0.8 + 0.8) / 2 = 0.8, life 0.9 → 85, coverage 1
//!   v02 李庄: econ 0.6 (jobs missing: income alone), life 0.75 → 67.5, coverage 2/3
//!   v03 张村: econ (0.4 + 0.4) / 2 = 0.4, life 0.5 → 45, coverage 1

use crate::support::{fails, ls_in, ok, tmp, write};
use calamine::{Data, Reader};
use std::collections::BTreeMap;
use std::io::{Cursor, Read as _};
use std::path::Path;

const RUBRIC: &str = r#"
[rubric]
name = "衔接测试"
id = "编号"
label = "村名"
group = "乡镇"
scale = 100
normalize = "goalpost"
missing = "reweight"

[[dimension]]
id = "econ"
name = "产业兴旺"
weight = 0.5

[[dimension]]
id = "life"
name = "生活富裕"
weight = 0.5

[[indicator]]
id = "income"
column = "人均收入"
dimension = "econ"
goalposts = [0, 100]

[[indicator]]
id = "jobs"
column = "就业人数"
dimension = "econ"
goalposts = [0, 20]

[[indicator]]
id = "water"
column = "自来水普及率"
dimension = "life"
goalposts = [0, 100]

[[grade]]
name = "好"
min = 80

[[grade]]
name = "中"
min = 60

[[grade]]
name = "差"
min = 0
"#;

const OLD: &str = "编号,村名,乡镇,人均收入,就业人数,自来水普及率\n\
v01,王家寨子村,东乡,80,16,90\n\
v02,李庄,东乡,60,,75\n\
v03,张村,西乡,40,8,50\n";

/// The next year: v02 econ 0.9, life 0.95 → 92.5; v01 0.6, 0.7 → 65;
/// v03 0.5, 0.6 → 55.
const NEW: &str = "编号,村名,乡镇,人均收入,就业人数,自来水普及率\n\
v01,王家寨子村,东乡,60,12,70\n\
v02,李庄,东乡,90,18,95\n\
v03,张村,西乡,50,10,60\n";

/// A folder with the rubric (`r.toml`) and both years (`old.csv`, `new.csv`).
fn folder() -> tempfile::TempDir {
    let dir = tmp();
    write(dir.path(), "r.toml", RUBRIC);
    write(dir.path(), "old.csv", OLD);
    write(dir.path(), "new.csv", NEW);
    dir
}

type Book = Vec<(String, Vec<Vec<Data>>)>;

/// Every sheet of a workbook as a grid from A1, in workbook order.
fn read_book(path: &Path) -> Book {
    let bytes = std::fs::read(path).expect("read the workbook");
    let mut book = calamine::open_workbook_auto_from_rs(Cursor::new(bytes)).expect("calamine opens it");
    book.sheet_names()
        .into_iter()
        .map(|name| {
            let range = book.worksheet_range(&name).expect("calamine reads the sheet");
            let grid = match range.end() {
                None => Vec::new(),
                Some((rows, cols)) => (0..=rows)
                    .map(|r| {
                        (0..=cols)
                            .map(|c| range.get_value((r, c)).cloned().unwrap_or(Data::Empty))
                            .collect()
                    })
                    .collect(),
            };
            (name, grid)
        })
        .collect()
}

fn sheet<'b>(book: &'b Book, name: &str) -> &'b [Vec<Data>] {
    &book
        .iter()
        .find(|(n, _)| n == name)
        .unwrap_or_else(|| panic!("no sheet {name}"))
        .1
}

fn texts(row: &[Data]) -> Vec<String> {
    row.iter().map(|d| d.to_string()).collect()
}

fn num(d: &Data) -> f64 {
    match d {
        Data::Float(x) => *x,
        other => panic!("not a number: {other:?}"),
    }
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-9 * b.abs().max(1.0)
}

/// The text of one part of the workbook's zip archive.
fn part(path: &Path, name: &str) -> String {
    let bytes = std::fs::read(path).expect("read the workbook");
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).expect("a zip archive");
    let mut part = archive.by_name(name).unwrap_or_else(|e| panic!("no part {name}: {e}"));
    let mut text = String::new();
    part.read_to_string(&mut text).expect("a UTF-8 part");
    text
}

/// Each cell's number format in sheet `n` (1-based, workbook order), by
/// reference (`F2`): the style's `numFmt` code, `General` for built-in 0.
fn formats(path: &Path, n: usize) -> BTreeMap<String, String> {
    let styles = part(path, "xl/styles.xml");
    let styles = roxmltree::Document::parse(&styles).expect("styles.xml is XML");
    let codes: BTreeMap<&str, &str> = styles
        .descendants()
        .filter(|e| e.has_tag_name("numFmt"))
        .map(|e| (e.attribute("numFmtId").unwrap(), e.attribute("formatCode").unwrap()))
        .collect();
    let xfs = styles
        .descendants()
        .find(|e| e.has_tag_name("cellXfs"))
        .expect("cellXfs");
    let by_style: Vec<String> = xfs
        .children()
        .filter(|e| e.has_tag_name("xf"))
        .map(|xf| match xf.attribute("numFmtId").unwrap_or("0") {
            "0" => "General".to_string(),
            id => codes.get(id).map_or_else(|| format!("builtin {id}"), |c| c.to_string()),
        })
        .collect();
    let xml = part(path, &format!("xl/worksheets/sheet{n}.xml"));
    let doc = roxmltree::Document::parse(&xml).expect("the sheet is XML");
    doc.descendants()
        .filter(|e| e.has_tag_name("c"))
        .map(|c| {
            let style: usize = c.attribute("s").map_or(0, |s| s.parse().unwrap());
            (c.attribute("r").unwrap().to_string(), by_style[style].clone())
        })
        .collect()
}

/// The width Excel is given for column `letter` of sheet `n`.
fn width(path: &Path, n: usize, column: u32) -> f64 {
    let xml = part(path, &format!("xl/worksheets/sheet{n}.xml"));
    let doc = roxmltree::Document::parse(&xml).expect("the sheet is XML");
    let col = doc
        .descendants()
        .filter(|e| e.has_tag_name("col"))
        .find(|e| {
            let (min, max) = (e.attribute("min").unwrap(), e.attribute("max").unwrap());
            (min.parse::<u32>().unwrap()..=max.parse().unwrap()).contains(&column)
        })
        .unwrap_or_else(|| panic!("no width for column {column}"));
    col.attribute("width").unwrap().parse().unwrap()
}

const RANKING_TITLES: [&str; 10] = [
    "排名",
    "编号",
    "村名",
    "乡镇",
    "组内排名",
    "总分",
    "数据完整率",
    "等级",
    "产业兴旺",
    "生活富裕",
];
const RANKING_IDS: [&str; 10] = [
    "rank",
    "id",
    "label",
    "group",
    "group_rank",
    "score",
    "coverage",
    "grade",
    "econ",
    "life",
];

#[test]
fn a_chinese_workbook_is_headed_in_chinese_and_maps_titles_to_ids() {
    let dir = folder();
    ok(ls_in(dir.path(), &["score", "old.csv", "-r", "r.toml", "-o", "r.xlsx"]));
    let book = read_book(&dir.path().join("r.xlsx"));
    let names: Vec<&str> = book.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names, ["ranking", "weights", "rubric", "columns"]);
    let ranking = sheet(&book, "ranking");
    assert_eq!(texts(&ranking[0]), RANKING_TITLES);
    // The cells: numbers as numbers, as computed by hand (module comment).
    type Row = (
        f64,
        &'static str,
        &'static str,
        &'static str,
        f64,
        f64,
        f64,
        &'static str,
        f64,
        f64,
    );
    let expected: [Row; 3] = [
        (1.0, "v01", "王家寨子村", "东乡", 1.0, 85.0, 1.0, "好", 80.0, 90.0),
        (2.0, "v02", "李庄", "东乡", 2.0, 67.5, 2.0 / 3.0, "中", 60.0, 75.0),
        (3.0, "v03", "张村", "西乡", 1.0, 45.0, 1.0, "差", 40.0, 50.0),
    ];
    assert_eq!(ranking.len(), 4);
    for (row, e) in ranking[1..].iter().zip(expected) {
        let at = format!("{row:?}");
        assert!(close(num(&row[0]), e.0), "rank {at}");
        assert_eq!(texts(&row[1..4]), [e.1, e.2, e.3], "{at}");
        assert!(close(num(&row[4]), e.4), "group rank {at}");
        assert!(close(num(&row[5]), e.5), "score {at}");
        assert!(close(num(&row[6]), e.6), "coverage {at}");
        assert_eq!(row[7].to_string(), e.7, "{at}");
        assert!(close(num(&row[8]), e.8), "econ {at}");
        assert!(close(num(&row[9]), e.9), "life {at}");
    }
    // The ids, for machines: one row per column of every sheet.
    let columns = sheet(&book, "columns");
    assert_eq!(texts(&columns[0]), ["工作表", "列", "列名", "字段名"]);
    let ranking_map: Vec<Vec<String>> = columns[1..]
        .iter()
        .filter(|r| r[0] == Data::String("ranking".into()))
        .map(|r| texts(r))
        .collect();
    let letters = ["A", "B", "C", "D", "E", "F", "G", "H", "I", "J"];
    let expected: Vec<Vec<String>> = (0..10)
        .map(|c| {
            ["ranking", letters[c], RANKING_TITLES[c], RANKING_IDS[c]]
                .map(String::from)
                .to_vec()
        })
        .collect();
    assert_eq!(ranking_map, expected);
    // The other sheets are mapped too.
    for name in ["weights", "rubric"] {
        let mapped = columns[1..]
            .iter()
            .filter(|r| r[0] == Data::String(name.into()))
            .count();
        assert_eq!(mapped, sheet(&book, name)[0].len(), "{name}");
    }
}

#[test]
fn headers_ids_heads_a_workbook_with_the_machine_ids() {
    let dir = folder();
    ok(ls_in(
        dir.path(),
        &["score", "old.csv", "-r", "r.toml", "-o", "r.xlsx", "--headers", "ids"],
    ));
    let book = read_book(&dir.path().join("r.xlsx"));
    assert_eq!(texts(&sheet(&book, "ranking")[0]), RANKING_IDS);
    assert_eq!(texts(&sheet(&book, "columns")[0]), ["sheet", "column", "title", "id"]);
}

#[test]
fn numbers_are_formatted_by_what_they_are() {
    let dir = folder();
    ok(ls_in(dir.path(), &["score", "old.csv", "-r", "r.toml", "-o", "r.xlsx"]));
    let path = dir.path().join("r.xlsx");
    let f = formats(&path, 1);
    // Ranks integers, ids and labels as text, scores two decimals,
    // coverage a percentage.
    let expect = [
        ("A1", "General"),
        ("A2", "0"),
        ("B2", "General"),
        ("C2", "General"),
        ("E2", "0"),
        ("F2", "0.00"),
        ("G3", "0.0%"),
        ("I2", "0.00"),
        ("J4", "0.00"),
    ];
    for (cell, format) in expect {
        assert_eq!(f.get(cell).map(String::as_str), Some(format), "{cell}");
    }
    // Raw values (the rubric sheet's goalposts) are General.
    let rubric = formats(&path, 3);
    let book = read_book(&path);
    let header = texts(&sheet(&book, "rubric")[0]);
    let low = header.iter().position(|h| h == "目标下限").expect("a goalpost column");
    let cell = format!("{}2", char::from(b'A' + low as u8));
    assert_eq!(rubric.get(&cell).map(String::as_str), Some("General"), "{cell}");

    // The whole ranking, each cell with its format.
    let ranking = sheet(&book, "ranking");
    let mut lines = Vec::new();
    for (r, row) in ranking.iter().enumerate() {
        let cells: Vec<String> = row
            .iter()
            .enumerate()
            .map(|(c, d)| {
                let at = format!("{}{}", char::from(b'A' + c as u8), r + 1);
                let value = match d {
                    Data::Float(x) => format!("{}", (x * 1e9).round() / 1e9),
                    other => other.to_string(),
                };
                format!("{value} [{}]", f.get(&at).map_or("-", String::as_str))
            })
            .collect();
        lines.push(cells.join(" | "));
    }
    insta::assert_snapshot!("office_ranking_cells_and_formats", lines.join("\n"));
}

#[test]
fn explain_obstacle_degrees_read_as_percent_and_diff_changes_carry_a_sign() {
    let dir = folder();
    ok(ls_in(
        dir.path(),
        &[
            "explain",
            "old.csv",
            "-r",
            "r.toml",
            "--unit",
            "v03",
            "-o",
            "e.xlsx",
            "--headers",
            "ids",
        ],
    ));
    let path = dir.path().join("e.xlsx");
    let book = read_book(&path);
    let header = texts(&sheet(&book, "explain")[0]);
    let column = header.iter().position(|h| h == "obstacle").expect("an obstacle column");
    let cell = format!("{}2", char::from(b'A' + column as u8));
    assert_eq!(formats(&path, 1).get(&cell).map(String::as_str), Some("0.00\"%\""));

    ok(ls_in(
        dir.path(),
        &[
            "diff",
            "old.csv",
            "new.csv",
            "-r",
            "r.toml",
            "-o",
            "d.xlsx",
            "--headers",
            "ids",
        ],
    ));
    let path = dir.path().join("d.xlsx");
    let book = read_book(&path);
    let header = texts(&sheet(&book, "diff")[0]);
    let f = formats(&path, 1);
    let at = |id: &str| {
        let c = header.iter().position(|h| h == id).unwrap_or_else(|| panic!("no {id}"));
        f.get(&format!("{}2", char::from(b'A' + c as u8))).cloned()
    };
    assert_eq!(at("rank_change").as_deref(), Some("+0;-0;0"));
    assert_eq!(at("score_change").as_deref(), Some("+0.00;-0.00;0.00"));
    assert_eq!(at("score_new").as_deref(), Some("0.00"));
}

#[test]
fn columns_are_as_wide_as_their_text_with_cjk_counted_double() {
    let dir = folder();
    ok(ls_in(dir.path(), &["score", "old.csv", "-r", "r.toml", "-o", "r.xlsx"]));
    let path = dir.path().join("r.xlsx");
    // 村名: 王家寨子村 is 5 CJK characters, 10 cells; the width is that
    // plus a margin of 2 (Excel stores it with its own padding, under 1).
    let label = width(&path, 1, 3);
    assert!((12.0..13.0).contains(&label), "{label}");
    // 数据完整率 (10 cells) is wider than its cells (100.0%).
    let coverage = width(&path, 1, 7);
    assert!((12.0..13.0).contains(&coverage), "{coverage}");
    // 编号 and v01: 4 cells, the narrowest a column is.
    let id = width(&path, 1, 2);
    assert!((6.0..7.0).contains(&id), "{id}");
}

#[test]
fn the_diff_summary_sheet_speaks_in_sentences() {
    let dir = folder();
    ok(ls_in(
        dir.path(),
        &["diff", "old.csv", "new.csv", "-r", "r.toml", "-o", "d.xlsx"],
    ));
    let book = read_book(&dir.path().join("d.xlsx"));
    let summary = sheet(&book, "summary");
    assert_eq!(texts(&summary[0]), ["事项", "数值"]);
    let rows: BTreeMap<String, Data> = summary[1..]
        .iter()
        .map(|r| (r[0].to_string(), r.get(1).cloned().unwrap_or(Data::Empty)))
        .collect();
    let value = |item: &str| num(rows.get(item).unwrap_or_else(|| panic!("no {item:?} in {rows:?}")));
    assert!(rows.contains_key("比较：old.csv → new.csv"), "{rows:?}");
    assert!(close(value("两年都有的单位"), 3.0));
    assert!(close(value("本年新增的单位"), 0.0));
    assert!(close(value("本年不再有的单位"), 0.0));
    // (92.5 − 67.5) + (65 − 85) + (55 − 45) = 15, over 3 units.
    assert!(close(value("总分的平均变化（两年都有的单位）"), 5.0));
    // econ: (0.6 − 0.8) + (0.9 − 0.6) + (0.5 − 0.4) = 0.2, × 100 / 3.
    assert!(close(value("产业兴旺的平均变化"), 20.0 / 3.0));
    // life: (0.7 − 0.9) + (0.95 − 0.75) + (0.6 − 0.5) = 0.1, × 100 / 3.
    assert!(close(value("生活富裕的平均变化"), 10.0 / 3.0));
    assert!(close(
        value("排名上升最多：李庄（v02），由第 2 名升至第 1 名（上升 1 名），总分变化 +25.00"),
        1.0
    ));
    assert!(close(
        value("排名下降最多：王家寨子村（v01），由第 1 名降至第 2 名（下降 1 名），总分变化 -20.00"),
        -1.0
    ));
    assert!(close(value("等级由“好”变为“中”的单位"), 1.0));
    assert!(close(value("等级由“中”变为“好”的单位"), 1.0));
    assert!(close(value("等级未变的单位"), 1.0));
    assert_eq!(rows.len(), 12, "{rows:?}");
}

const BOM: &[u8] = b"\xEF\xBB\xBF";

#[test]
fn a_csv_file_starts_with_a_bom_and_standard_output_does_not() {
    let dir = folder();
    let score = ["score", "old.csv", "-r", "r.toml"];
    fn with<'a>(score: &[&'a str], extra: &[&'a str]) -> Vec<&'a str> {
        [score, extra].concat()
    }
    let with = |extra: &[&'static str]| with(&score, extra);
    ok(ls_in(dir.path(), &with(&["-o", "out.csv"])));
    let file = std::fs::read(dir.path().join("out.csv")).expect("out.csv");
    assert!(file.starts_with(BOM), "no BOM");
    let stdout = ok(ls_in(dir.path(), &with(&["-f", "csv"]))).raw_stdout;
    assert!(
        stdout.starts_with(b"rank,id,label,"),
        "{}",
        String::from_utf8_lossy(&stdout)
    );
    assert_eq!(
        &file[3..],
        &stdout[..],
        "the file is standard output's bytes after its BOM"
    );
    // `-o -` is standard output.
    let dash = ok(ls_in(dir.path(), &with(&["-o", "-", "-f", "csv"]))).raw_stdout;
    assert_eq!(dash, stdout);

    ok(ls_in(dir.path(), &with(&["-o", "never.csv", "--bom", "never"])));
    assert_eq!(std::fs::read(dir.path().join("never.csv")).unwrap(), stdout);
    let always = ok(ls_in(dir.path(), &with(&["-f", "csv", "--bom", "always"]))).raw_stdout;
    assert_eq!(always, [BOM, &stdout[..]].concat());
    // Other formats have none, even in a file.
    ok(ls_in(dir.path(), &with(&["-o", "out.json"])));
    assert!(std::fs::read(dir.path().join("out.json")).unwrap().starts_with(b"{"));
}

#[test]
fn every_command_that_writes_csv_writes_a_bom_to_a_file() {
    let dir = folder();
    let runs: [&[&str]; 5] = [
        &["score", "old.csv", "-r", "r.toml"],
        &["diff", "old.csv", "new.csv", "-r", "r.toml"],
        &["explain", "old.csv", "-r", "r.toml", "--unit", "v01"],
        &["weights", "old.csv", "-r", "r.toml"],
        &["sensitivity", "old.csv", "-r", "r.toml", "--runs", "5"],
    ];
    for args in runs {
        ok(ls_in(dir.path(), &[args, &["-o", "x.csv"]].concat()));
        let bytes = std::fs::read(dir.path().join("x.csv")).unwrap();
        assert!(bytes.starts_with(BOM), "{args:?}: no BOM");
        let stdout = ok(ls_in(dir.path(), &[args, &["-f", "csv"]].concat())).raw_stdout;
        assert_eq!(&bytes[3..], &stdout[..], "{args:?}");
    }
}

#[test]
fn headers_names_heads_a_csv_with_the_titles_people_read() {
    let dir = folder();
    let r = ok(ls_in(
        dir.path(),
        &["score", "old.csv", "-r", "r.toml", "-f", "csv", "--headers", "names"],
    ));
    let mut lines = r.stdout.lines();
    assert_eq!(lines.next(), Some(RANKING_TITLES.join(",").as_str()));
    // The rows are the CSV's, unchanged.
    let ids = ok(ls_in(dir.path(), &["score", "old.csv", "-r", "r.toml", "-f", "csv"])).stdout;
    assert_eq!(lines.collect::<Vec<_>>(), ids.lines().skip(1).collect::<Vec<_>>());
    // diff too.
    let r = ok(ls_in(
        dir.path(),
        &[
            "diff",
            "old.csv",
            "new.csv",
            "-r",
            "r.toml",
            "-f",
            "csv",
            "--headers",
            "names",
        ],
    ));
    assert!(
        r.stdout.starts_with("编号,村名,乡镇,状态,上年排名,本年排名,"),
        "{}",
        r.stdout
    );
}

#[test]
fn output_flags_a_format_cannot_honour_are_usage_errors() {
    let dir = folder();
    let score = ["score", "old.csv", "-r", "r.toml"];
    let bad: [(&[&str], &[&str]); 6] = [
        (&["--headers", "titles"], &["--headers", "names", "ids"]),
        (&["--bom", "sometimes"], &["--bom", "always", "never"]),
        (&["-f", "json", "--headers", "names"], &["--headers names", "json"]),
        (&["-f", "jsonl", "--headers", "names"], &["--headers names", "jsonl"]),
        (&["-f", "table", "--headers", "ids"], &["--headers ids", "table"]),
        (&["-o", "r.xlsx", "--bom", "always"], &["--bom always", "CSV"]),
    ];
    for (extra, words) in bad {
        let err = fails(ls_in(dir.path(), &[&score[..], extra].concat()), 2);
        crate::support::assert_mentions(&err, words);
    }
    assert!(!dir.path().join("r.xlsx").exists(), "a refused run wrote its output");
    // What a format does anyway is not an error.
    ok(ls_in(
        dir.path(),
        &[&score[..], &["-f", "json", "--headers", "ids"]].concat(),
    ));
    ok(ls_in(
        dir.path(),
        &[&score[..], &["-f", "markdown", "--headers", "names"]].concat(),
    ));
    ok(ls_in(
        dir.path(),
        &[&score[..], &["-f", "json", "--bom", "never"]].concat(),
    ));
}
