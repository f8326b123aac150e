//! Data in and out (SPEC.md "Data", and "Command line": the `.xlsx` output
//! bullet and `template`): text encodings, Excel workbooks read and written,
//! several inputs as one table, messy cells, hostile files, and the blank
//! data-collection form.
//!
//! Every fixture is made here, from text: GB18030 bytes with `encoding_rs`,
//! workbooks with `rust_xlsxwriter`, zip archives with `zip`; the workbooks
//! linkscore writes are read back with `calamine` and compared cell by cell
//! with the CSV output of the same run. Most checks use the small fixture
//! pair (`tests/fixtures/small.toml`, `small.csv`: Chinese headers, label
//! and group columns, `missing = "reweight"`, one `/` cell), written into a
//! temporary directory and run from there, so messages name short paths.

use crate::support::{
    self, Run, assert_clean_stderr, assert_mentions, fails, fixture, ls_in, ok, p, run, shipped_rubric, small_toml,
    tmp, write,
};
use calamine::{Data, Reader};
use rust_xlsxwriter::{Formula, Workbook};
use sha2::Digest as _;
use std::io::{Cursor, Read as _, Write as _};
use std::path::Path;
use std::time::{Duration, Instant};

// ---------------------------------------------------------------------------
// Running linkscore

/// Runs `linkscore ARGS` in `dir` with `input` on standard input.
fn ls_stdin(dir: &Path, args: &[&str], input: impl Into<Vec<u8>>) -> Run {
    run(support::linkscore()
        .current_dir(dir)
        .args(args)
        .write_stdin(input.into()))
}

/// `a` then `b`.
fn cat<'a>(a: &[&'a str], b: &[&'a str]) -> Vec<&'a str> {
    [a, b].concat()
}

fn small_text() -> String {
    std::fs::read_to_string(fixture("small.csv")).expect("read small.csv")
}

/// `linkscore score DATA… --rubric small.toml --format csv` in `dir`, plus `extra`.
fn score_in(dir: &Path, data: &[&str], extra: &[&str]) -> Run {
    let rubric = small_toml();
    let mut args = vec!["score"];
    args.extend_from_slice(data);
    args.extend_from_slice(&["--rubric", p(&rubric), "--format", "csv"]);
    args.extend_from_slice(extra);
    ls_in(dir, &args)
}

/// The small fixture scored as CSV: what every equivalent input must give.
fn reference() -> String {
    let dir = tmp();
    write(dir.path(), "small.csv", small_text());
    ok(score_in(dir.path(), &["small.csv"], &[])).stdout
}

/// Writes `rubric.toml` into `dir` and returns its name.
fn rubric_in(dir: &Path, text: &str) -> &'static str {
    write(dir, "rubric.toml", text);
    "rubric.toml"
}

/// A rubric whose columns are ASCII (`id`, `name`, `x`), so that its data can
/// hold any text in the label without breaking the header.
const ASCII_RUBRIC: &str = r#"[rubric]
name = "ascii columns"
id = "id"
label = "name"

[[dimension]]
id = "d"
name = "D"

[[indicator]]
id = "x"
dimension = "d"
goalposts = [0, 100]
"#;

/// A rubric that reports each unit's only cell as its score: `normalize =
/// "none"` and `scale = 1` make the score the parsed number itself, and an
/// empty score a missing cell.
const ECHO_RUBRIC: &str = r#"[rubric]
name = "echo the cell"
id = "id"
scale = 1
normalize = "none"
missing = "reweight"

[[dimension]]
id = "d"
name = "D"

[[indicator]]
id = "x"
column = "值"
dimension = "d"
"#;

// ---------------------------------------------------------------------------
// CSV and workbook fixtures

/// A CSV document as rows of fields (header included).
fn csv_rows(text: &str) -> Vec<Vec<String>> {
    csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes())
        .records()
        .map(|r| r.expect("a CSV row").iter().map(String::from).collect())
        .collect()
}

/// One cell of a workbook fixture.
#[derive(Debug, Clone, PartialEq)]
enum X {
    Num(f64),
    Text(String),
    Empty,
    /// A formula and its cached result, as Excel saves them.
    Formula(String, String),
}

impl X {
    fn text(s: &str) -> X {
        X::Text(s.to_string())
    }

    /// The cell as a CSV export holds it.
    fn csv(&self) -> String {
        match self {
            X::Num(x) => format!("{x}"),
            X::Text(t) => t.clone(),
            X::Empty => String::new(),
            X::Formula(_, result) => result.clone(),
        }
    }
}

/// Text cells as a workbook holds them: numbers as numbers, empty cells empty.
fn typed(rows: &[Vec<String>]) -> Vec<Vec<X>> {
    rows.iter()
        .map(|row| {
            row.iter()
                .map(|s| match s.parse::<f64>() {
                    _ if s.is_empty() => X::Empty,
                    Ok(x) if x.is_finite() => X::Num(x),
                    _ => X::Text(s.clone()),
                })
                .collect()
        })
        .collect()
}

/// The small fixture as workbook cells (header first).
fn small_cells() -> Vec<Vec<X>> {
    typed(&csv_rows(&small_text()))
}

/// Replaces the cell of unit `id` (first column) under header `column`.
fn set(rows: &mut [Vec<X>], id: &str, column: &str, cell: X) {
    let c = rows[0]
        .iter()
        .position(|h| *h == X::text(column))
        .unwrap_or_else(|| panic!("no column {column}"));
    let row = rows
        .iter_mut()
        .find(|r| r[0] == X::text(id))
        .unwrap_or_else(|| panic!("no unit {id}"));
    row[c] = cell;
}

/// The rows as a CSV file (quoted where needed).
fn csv_of(rows: &[Vec<X>]) -> String {
    let mut w = csv::WriterBuilder::new()
        .flexible(true)
        .terminator(csv::Terminator::Any(b'\n'))
        .from_writer(Vec::new());
    for row in rows {
        w.write_record(row.iter().map(X::csv)).expect("write a CSV row");
    }
    String::from_utf8(w.into_inner().expect("flush the CSV")).expect("UTF-8")
}

/// A workbook with the given sheets, each filled from row 1, column A.
fn xlsx_of(sheets: &[(&str, &[Vec<X>])]) -> Vec<u8> {
    let mut book = Workbook::new();
    for (name, rows) in sheets {
        let ws = book.add_worksheet();
        ws.set_name(*name).expect("a valid sheet name");
        for (r, row) in rows.iter().enumerate() {
            for (c, cell) in row.iter().enumerate() {
                let (r, c) = (r as u32, c as u16);
                match cell {
                    X::Num(x) => {
                        ws.write_number(r, c, *x).expect("write a number");
                    }
                    X::Text(t) => {
                        ws.write_string(r, c, t).expect("write text");
                    }
                    X::Empty => {}
                    X::Formula(f, result) => {
                        ws.write_formula(r, c, Formula::new(f).set_result(result))
                            .expect("write a formula");
                    }
                }
            }
        }
    }
    book.save_to_buffer().expect("build the workbook")
}

/// A one-sheet workbook (sheet `Sheet1`).
fn xlsx1(rows: &[Vec<X>]) -> Vec<u8> {
    xlsx_of(&[("Sheet1", rows)])
}

/// Every sheet of a workbook as a grid from A1 (cells outside the used range
/// are `Empty`), in workbook order.
fn read_xlsx(path: &Path) -> Vec<(String, Vec<Vec<Data>>)> {
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()));
    let mut book = calamine::open_workbook_auto_from_rs(Cursor::new(bytes)).expect("calamine opens the workbook");
    let names = book.sheet_names();
    names
        .into_iter()
        .map(|name| {
            let range = book.worksheet_range(&name).expect("calamine reads the sheet");
            let grid = match range.end() {
                None => Vec::new(),
                Some((last_row, last_col)) => (0..=last_row)
                    .map(|r| {
                        (0..=last_col)
                            .map(|c| range.get_value((r, c)).cloned().unwrap_or(Data::Empty))
                            .collect()
                    })
                    .collect(),
            };
            (name, grid)
        })
        .collect()
}

fn sheet_names(book: &[(String, Vec<Vec<Data>>)]) -> Vec<&str> {
    book.iter().map(|(n, _)| n.as_str()).collect()
}

fn sheet<'a>(book: &'a [(String, Vec<Vec<Data>>)], name: &str) -> &'a [Vec<Data>] {
    &book
        .iter()
        .find(|(n, _)| n == name)
        .unwrap_or_else(|| panic!("no sheet {name} in {:?}", sheet_names(book)))
        .1
}

/// Asserts that a sheet holds exactly the CSV document `csv`: the same header,
/// the same rows and cells; numbers as numeric cells equal to the CSV's
/// (lossless) numbers, text as text, empty as empty. Cells of the columns in
/// `text_columns` are text even when they look like numbers (ids, labels).
fn assert_sheet_is_csv(grid: &[Vec<Data>], csv: &str, text_columns: &[&str], what: &str) {
    let rows = csv_rows(csv);
    assert_eq!(
        grid.len(),
        rows.len(),
        "{what}: the sheet has {} rows, the CSV {}",
        grid.len(),
        rows.len()
    );
    let header = &rows[0];
    for (r, (cells, fields)) in grid.iter().zip(&rows).enumerate() {
        assert_eq!(
            cells.len(),
            fields.len(),
            "{what}: row {} has {} cells, the CSV {} fields",
            r + 1,
            cells.len(),
            fields.len()
        );
        for (c, (cell, field)) in cells.iter().zip(fields).enumerate() {
            let at = format!("{what}: row {} column {} ({})", r + 1, c + 1, header[c]);
            match cell {
                Data::Float(x) => {
                    assert!(r > 0, "{at}: a header cell is a number");
                    let v: f64 = field
                        .parse()
                        .unwrap_or_else(|_| panic!("{at}: the sheet has {x}, the CSV {field:?}"));
                    assert_eq!(v.to_bits(), x.to_bits(), "{at}: {x} vs the CSV's {field}");
                    assert!(
                        !text_columns.contains(&header[c].as_str()),
                        "{at}: a text column holds a number"
                    );
                }
                Data::Int(i) => panic!("{at}: an integer cell {i} (xlsx numbers are floats)"),
                Data::String(s) => {
                    assert_eq!(s, field, "{at}");
                    if r > 0 && !text_columns.contains(&header[c].as_str()) {
                        assert!(
                            field.parse::<f64>().is_err(),
                            "{at}: the number {field} is written as text"
                        );
                    }
                }
                Data::Empty => assert_eq!(field, "", "{at}: the sheet's cell is empty"),
                other => panic!("{at}: unexpected cell {other:?}"),
            }
        }
    }
}

/// The text of one part of a zip archive.
fn zip_part(path: &Path, name: &str) -> String {
    let bytes = std::fs::read(path).expect("read the archive");
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).expect("a zip archive");
    let mut part = archive.by_name(name).unwrap_or_else(|e| panic!("no part {name}: {e}"));
    let mut text = String::new();
    part.read_to_string(&mut text).expect("a UTF-8 part");
    text
}

// ---------------------------------------------------------------------------
// 1. Encodings

/// The small fixture with two names that need GB18030's four-byte sequences:
/// 䶮 (CJK extension A, not in GBK) and 𠀋 (plane 2).
fn rare_names_text() -> String {
    small_text()
        .replacen("老营村", "老营䶮村", 1)
        .replacen("河湾村", "河湾𠀋村", 1)
}

#[test]
fn gb18030_scores_byte_identically_to_utf8_with_and_without_bom() {
    let dir = tmp();
    let text = rare_names_text();
    let (gb, _, unmappable) = encoding_rs::GB18030.encode(&text);
    assert!(!unmappable, "GB18030 maps every character");
    assert_eq!(encoding_rs::GB18030.encode("𠀋").0.len(), 4, "a four-byte sequence");
    assert_ne!(gb.as_ref(), text.as_bytes());
    write(dir.path(), "utf8.csv", &text);
    write(
        dir.path(),
        "bom.csv",
        [b"\xEF\xBB\xBF".as_slice(), text.as_bytes()].concat(),
    );
    write(dir.path(), "gb.csv", gb.as_ref());
    let crlf = text.replace('\n', "\r\n");
    write(dir.path(), "gb-crlf.csv", encoding_rs::GB18030.encode(&crlf).0.as_ref());
    // GB18030 has a byte-order mark of its own (84 31 95 33).
    let with_bom = format!("\u{feff}{text}");
    let gb_bom = encoding_rs::GB18030.encode(&with_bom).0.into_owned();
    assert!(gb_bom.starts_with(b"\x84\x31\x95\x33"));
    write(dir.path(), "gb-bom.csv", &gb_bom);

    let utf8 = ok(score_in(dir.path(), &["utf8.csv"], &[])).stdout;
    assert_mentions(&utf8, &["老营䶮村", "河湾𠀋村", "安平县"]);
    for (name, extra) in [
        ("bom.csv", &[][..]),
        ("gb.csv", &[]),
        ("gb-crlf.csv", &[]),
        ("gb-bom.csv", &[]),
        ("gb-bom.csv", &["--encoding", "gb18030"]),
        ("gb.csv", &["--encoding", "gb18030"]),
        ("gb.csv", &["--encoding", "gbk"]),
        ("gb-crlf.csv", &["--encoding", "gb18030"]),
        ("utf8.csv", &["--encoding", "utf-8"]),
        ("utf8.csv", &["--encoding", "utf8"]),
        ("bom.csv", &["--encoding", "utf-8"]),
    ] {
        let r = ok(score_in(dir.path(), &[name], extra));
        assert_eq!(r.stdout, utf8, "{name} {extra:?}");
    }
    // The same bytes on standard input.
    let r = ok(ls_stdin(
        dir.path(),
        &["score", "-", "--rubric", p(&small_toml())],
        gb.as_ref(),
    ));
    assert_eq!(r.stdout, utf8);
    // The JSON names the input by the checksum of its bytes as they are.
    let json = ok(ls_in(
        dir.path(),
        &["score", "gb.csv", "--rubric", p(&small_toml()), "--format", "json"],
    ))
    .stdout;
    let doc: serde_json::Value = serde_json::from_str(&json).expect("JSON output");
    let sha: String = sha2::Sha256::digest(gb.as_ref())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    assert_eq!(doc["inputs"][0]["path"], "gb.csv");
    assert_eq!(doc["inputs"][0]["sha256"], sha.as_str());
}

#[test]
fn forcing_the_wrong_encoding_names_the_first_bad_byte() {
    let dir = tmp();
    let rubric = rubric_in(dir.path(), ASCII_RUBRIC);
    // "id,name,x\nA1," is 13 bytes, so 老 starts at offset 13.
    let text = "id,name,x\nA1,老,50\n";
    assert_eq!(text.find('老'), Some(13));
    write(dir.path(), "u.csv", text);
    let gbk = encoding_rs::GB18030.encode(text).0.into_owned();
    assert_eq!(&gbk[13..15], b"\xC0\xCF", "老 in GBK");
    write(dir.path(), "g.csv", &gbk);
    write(dir.path(), "gbom.csv", [b"\xEF\xBB\xBF".as_slice(), &gbk].concat());

    // Detected, both read the same.
    let u = ok(ls_in(dir.path(), &["score", "u.csv", "--rubric", rubric])).stdout;
    let g = ok(ls_in(dir.path(), &["score", "g.csv", "--rubric", rubric])).stdout;
    assert_eq!(u, g);
    assert_mentions(&u, &["A1,老,"]);

    // UTF-8 read as GB18030: 老 is E8 80 81; E8 80 is a GB18030 pair, and the
    // lead byte 81 before a comma is the first bad byte, at offset 15.
    let e = fails(
        ls_in(
            dir.path(),
            &["score", "u.csv", "--rubric", rubric, "--encoding", "gb18030"],
        ),
        1,
    );
    assert_mentions(&e, &["u.csv", "GB18030", "offset 15", "0x81"]);
    // GBK read as UTF-8: C0 is never UTF-8, at offset 13.
    let e = fails(
        ls_in(
            dir.path(),
            &["score", "g.csv", "--rubric", rubric, "--encoding", "utf-8"],
        ),
        1,
    );
    assert_mentions(&e, &["g.csv", "UTF-8", "offset 13", "0xC0"]);
    // The offset counts bytes of the file, BOM included.
    let e = fails(
        ls_in(
            dir.path(),
            &["score", "gbom.csv", "--rubric", rubric, "--encoding", "utf-8"],
        ),
        1,
    );
    assert_mentions(&e, &["gbom.csv", "offset 16", "0xC0"]);
    // `check` agrees.
    fails(
        ls_in(
            dir.path(),
            &["check", "--rubric", rubric, "g.csv", "--encoding", "utf-8"],
        ),
        1,
    );
}

#[test]

fn valid_utf8_forced_as_gb18030_is_not_silently_garbled() {
    let dir = tmp();
    let rubric = rubric_in(dir.path(), ASCII_RUBRIC);
    // Two-character names: their UTF-8 bytes pair up into valid GB18030.
    let text = "id,name,x\nA1,老营,50\nA2,河湾,60\n";
    let (as_gb, had_errors) = encoding_rs::GB18030.decode_without_bom_handling(text.as_bytes());
    assert!(!had_errors, "the premise: these bytes are valid GB18030 too");
    assert!(as_gb.contains("鑰佽惀"), "{as_gb}");
    write(dir.path(), "u.csv", text);
    let r = ls_in(
        dir.path(),
        &["score", "u.csv", "--rubric", rubric, "--encoding", "gb18030"],
    );
    // Either refuse, or at least say that the file reads as UTF-8.
    if r.code == 0 {
        assert!(
            r.stderr.contains("UTF-8"),
            "garbled labels written without a word:\n{}\nstderr:\n{}",
            r.stdout,
            r.stderr
        );
    } else {
        fails(r, 1);
    }
}

#[test]
fn gbk_that_is_also_valid_utf8_is_read_right_with_encoding() {
    let dir = tmp();
    let rubric = rubric_in(dir.path(), ASCII_RUBRIC);
    // 农业 in GBK is C5 A9 D2 B5: two valid two-byte UTF-8 sequences (ũҵ).
    let gbk = encoding_rs::GB18030.encode("id,name,x\nA1,农业,50\n").0.into_owned();
    assert!(std::str::from_utf8(&gbk).is_ok(), "the premise: valid UTF-8 too");
    write(dir.path(), "g.csv", &gbk);
    let r = ok(ls_in(
        dir.path(),
        &["score", "g.csv", "--rubric", rubric, "--encoding", "gb18030"],
    ));
    assert_mentions(&r.stdout, &["A1,农业,"]);
    // Detection tries UTF-8 first (SPEC: "UTF-8 … otherwise GB18030"), so
    // such a file needs --encoding; detection reads it as the UTF-8 it is.
    let r = ok(ls_in(dir.path(), &["score", "g.csv", "--rubric", rubric]));
    assert_mentions(&r.stdout, &["A1,ũҵ,"]);
}

#[test]
fn bytes_invalid_in_both_encodings_name_the_first_bad_byte() {
    let dir = tmp();
    let rubric = rubric_in(dir.path(), ASCII_RUBRIC);
    // GBK 老 (C0 CF) at 13, then FF at 15: UTF-8 fails at 13, GB18030 at 15.
    let mut bytes = encoding_rs::GB18030.encode("id,name,x\nA1,老").0.into_owned();
    bytes.push(0xFF);
    bytes.extend_from_slice(b",50\n");
    write(dir.path(), "bad.csv", &bytes);
    let e = fails(ls_in(dir.path(), &["score", "bad.csv", "--rubric", rubric]), 1);
    assert_mentions(&e, &["bad.csv", "UTF-8", "offset 13", "GB18030", "offset 15"]);
    let e = fails(
        ls_in(
            dir.path(),
            &["score", "bad.csv", "--rubric", rubric, "--encoding", "gb18030"],
        ),
        1,
    );
    assert_mentions(&e, &["bad.csv", "offset 15", "0xFF"]);
    let e = fails(
        ls_in(
            dir.path(),
            &["score", "bad.csv", "--rubric", rubric, "--encoding", "utf-8"],
        ),
        1,
    );
    assert_mentions(&e, &["bad.csv", "offset 13", "0xC0"]);
    let e = fails(
        ls_stdin(dir.path(), &["score", "-", "--rubric", rubric], bytes.clone()),
        1,
    );
    assert_mentions(&e, &["<stdin>", "offset 13", "offset 15"]);
    fails(ls_in(dir.path(), &["check", "--rubric", rubric, "bad.csv"]), 1);
    // Nothing is written to --output.
    fails(
        ls_in(dir.path(), &["score", "bad.csv", "--rubric", rubric, "-o", "out.csv"]),
        1,
    );
    assert!(!dir.path().join("out.csv").exists());
}

#[test]
fn utf16_is_refused_with_advice() {
    let dir = tmp();
    let text = small_text();
    let mut le = vec![0xFF, 0xFE];
    let mut be = vec![0xFE, 0xFF];
    for u in text.encode_utf16() {
        le.extend_from_slice(&u.to_le_bytes());
        be.extend_from_slice(&u.to_be_bytes());
    }
    write(dir.path(), "le.csv", &le);
    write(dir.path(), "be.csv", &be);
    for (name, extra) in [
        ("le.csv", &[][..]),
        ("be.csv", &[]),
        ("le.csv", &["--encoding", "utf-8"]),
        ("le.csv", &["--encoding", "gb18030"]),
    ] {
        let e = fails(score_in(dir.path(), &[name], extra), 1);
        assert_mentions(&e, &[name, "UTF-16", "CSV UTF-8"]);
    }
    let e = fails(
        ls_stdin(dir.path(), &["score", "-", "--rubric", p(&small_toml())], le),
        1,
    );
    assert_mentions(&e, &["<stdin>", "UTF-16"]);
}

// ---------------------------------------------------------------------------
// 2. Excel input

#[test]
fn a_workbook_scores_like_the_same_csv() {
    let dir = tmp();
    // The fixture as it stands, numbers as numeric cells.
    write(dir.path(), "plain.xlsx", xlsx1(&small_cells()));
    assert_eq!(ok(score_in(dir.path(), &["plain.xlsx"], &[])).stdout, reference());
    ok(ls_in(
        dir.path(),
        &["check", "--rubric", p(&small_toml()), "plain.xlsx"],
    ));

    // Numbers typed as text the way offices do, an empty cell, and the
    // fixture's `/` (missing under reweight), in both formats.
    let mut rows = small_cells();
    set(&mut rows, "AP001", "主导产业收入占比", X::text("75.7%"));
    set(&mut rows, "AP002", "人均可支配收入（元）", X::text("11,678"));
    set(&mut rows, "AP003", "人均可支配收入（元）", X::text("27,979.0"));
    set(&mut rows, "QH001", "卫生厕所普及率", X::text("８５．５"));
    set(&mut rows, "QH002", "恩格尔系数", X::text(" 30.5 "));
    set(&mut rows, "QH003", "卫生厕所普及率", X::Empty);
    assert!(rows[4].contains(&X::text("/")), "AP004 keeps its `/`");
    write(dir.path(), "data.xlsx", xlsx1(&rows));
    write(dir.path(), "data.csv", csv_of(&rows));
    let from_csv = ok(score_in(dir.path(), &["data.csv"], &[]));
    let from_xlsx = ok(score_in(dir.path(), &["data.xlsx"], &[]));
    assert_eq!(from_xlsx.stdout, from_csv.stdout);
    assert_ne!(from_csv.stdout, reference(), "QH003 lost a value");
    // The warnings agree (two missing cells), apart from the file's name.
    assert_eq!(
        from_xlsx
            .stderr
            .replace("data.xlsx[Sheet1]", "data.csv")
            .replace("data.xlsx", "data.csv"),
        from_csv.stderr
    );
    assert_mentions(&from_csv.stderr, &["2 missing"]);
    // And every other format too.
    for format in ["json", "markdown", "table"] {
        let rubric = small_toml();
        let with = |data: &str| {
            ok(ls_in(
                dir.path(),
                &["score", data, "--rubric", p(&rubric), "-f", format],
            ))
            .stdout
        };
        let (a, b) = (with("data.csv"), with("data.xlsx"));
        if format == "json" {
            // The inputs' paths and checksums differ; the units do not.
            let a: serde_json::Value = serde_json::from_str(&a).unwrap();
            let b: serde_json::Value = serde_json::from_str(&b).unwrap();
            assert_eq!(a["units"], b["units"]);
            assert_eq!(b["inputs"][0]["path"], "data.xlsx");
        } else {
            assert_eq!(a, b, "{format}");
        }
    }
}

#[test]
fn numeric_ids_and_labels_in_a_workbook_read_as_their_digits() {
    let dir = tmp();
    let rubric = rubric_in(dir.path(), ASCII_RUBRIC);
    let rows = vec![
        vec![X::text("id"), X::text("name"), X::text("x")],
        vec![X::Num(1001.0), X::text("老营村"), X::Num(12.25)],
        vec![X::Num(530121001001.0), X::Num(2024.0), X::Num(0.1)],
        vec![X::text("A-3"), X::text("河湾村"), X::Num(100.0)],
    ];
    write(dir.path(), "ids.xlsx", xlsx1(&rows));
    write(dir.path(), "ids.csv", csv_of(&rows));
    let a = ok(ls_in(dir.path(), &["score", "ids.csv", "--rubric", rubric])).stdout;
    let b = ok(ls_in(dir.path(), &["score", "ids.xlsx", "--rubric", rubric])).stdout;
    assert_eq!(a, b);
    assert_mentions(&b, &[",1001,老营村,", ",530121001001,2024,"]);
}

#[test]
fn sheet_picks_a_sheet_and_an_unknown_sheet_suggests_the_closest() {
    let dir = tmp();
    let notes = vec![vec![X::text("填报说明")], vec![X::text("数据在“数据”工作表")]];
    let data = small_cells();
    write(
        dir.path(),
        "book.xlsx",
        xlsx_of(&[("说明", &notes), ("数据", &data), ("Sheet3", &notes)]),
    );
    // The first sheet by default: it has no data columns.
    let e = fails(score_in(dir.path(), &["book.xlsx"], &[]), 1);
    assert_mentions(&e, &["book.xlsx[说明]", "编号"]);
    // --sheet picks one, for every command that reads data.
    let r = ok(score_in(dir.path(), &["book.xlsx"], &["--sheet", "数据"]));
    assert_eq!(r.stdout, reference());
    ok(ls_in(
        dir.path(),
        &["check", "--rubric", p(&small_toml()), "book.xlsx", "--sheet", "数据"],
    ));
    ok(ls_in(
        dir.path(),
        &[
            "explain",
            "book.xlsx",
            "--rubric",
            p(&small_toml()),
            "--unit",
            "AP002",
            "--sheet",
            "数据",
            "-f",
            "csv",
        ],
    ));
    // A near miss is bad usage with a suggestion; a far one lists the sheets.
    let e = fails(score_in(dir.path(), &["book.xlsx"], &["--sheet", "数剧"]), 2);
    assert_mentions(&e, &["book.xlsx", "数剧", "did you mean", "数据"]);
    let e = fails(score_in(dir.path(), &["book.xlsx"], &["--sheet", "sheet3"]), 2);
    assert_mentions(&e, &["did you mean", "Sheet3"]);
    let e = fails(score_in(dir.path(), &["book.xlsx"], &["--sheet", "2024年汇总表"]), 2);
    assert_mentions(&e, &["2024年汇总表", "说明", "数据", "Sheet3"]);
    // Sheet names are matched exactly (no silent fallback to a similar one).
    fails(score_in(dir.path(), &["book.xlsx"], &["--sheet", "数据 "]), 2);
}

/// Two title rows above the header, as report-style sheets have them.
fn with_titles(rows: &[Vec<X>]) -> Vec<Vec<X>> {
    let mut out = vec![
        vec![X::text("2024年度巩固拓展脱贫攻坚成果村级数据")],
        vec![X::text("填报单位：安平县、清河县"), X::Empty, X::text("单位：万元、%")],
    ];
    out.extend(rows.iter().cloned());
    out
}

#[test]
fn title_rows_above_the_header_are_skipped_with_header_row() {
    let dir = tmp();
    let rows = with_titles(&small_cells());
    write(dir.path(), "titled.xlsx", xlsx1(&rows));
    write(dir.path(), "titled.csv", csv_of(&rows));
    for name in ["titled.xlsx", "titled.csv"] {
        let r = ok(score_in(dir.path(), &[name], &["--header-row", "3"]));
        assert_eq!(r.stdout, reference(), "{name}");
        ok(ls_in(
            dir.path(),
            &["check", "--rubric", p(&small_toml()), name, "--header-row", "3"],
        ));
        // Without it, the header is found below the title, with a note.
        let r = ok(score_in(dir.path(), &[name], &[]));
        assert_eq!(r.stdout, reference(), "{name}");
        assert_mentions(&r.stderr, &["row 3 is taken as the header"]);
    }
    // The wrong row, a row past the end, and row 0.
    let e = fails(score_in(dir.path(), &["titled.xlsx"], &["--header-row", "2"]), 1);
    assert_mentions(&e, &["titled.xlsx[Sheet1]", "编号"]);
    let e = fails(score_in(dir.path(), &["titled.csv"], &["--header-row", "40"]), 1);
    assert_mentions(&e, &["titled.csv", "40"]);
    let e = fails(score_in(dir.path(), &["titled.xlsx"], &["--header-row", "40"]), 1);
    assert_mentions(&e, &["titled.xlsx[Sheet1]", "40"]);
    fails(score_in(dir.path(), &["titled.csv"], &["--header-row", "0"]), 2);
    // A header row that is empty in a workbook.
    let mut gap = rows.clone();
    gap.insert(2, vec![]);
    write(dir.path(), "gap.xlsx", xlsx1(&gap));
    let e = fails(score_in(dir.path(), &["gap.xlsx"], &["--header-row", "3"]), 1);
    assert_mentions(&e, &["gap.xlsx[Sheet1]:3", "--header-row"]);
    assert_eq!(
        ok(score_in(dir.path(), &["gap.xlsx"], &["--header-row", "4"])).stdout,
        reference()
    );

    // Rows keep the sheet's own numbers: AP002 is on row 5 under two titles.
    let mut bad = small_cells();
    set(&mut bad, "AP002", "卫生厕所普及率", X::text("58.o"));
    let bad = with_titles(&bad);
    write(dir.path(), "bad.xlsx", xlsx1(&bad));
    write(dir.path(), "bad.csv", csv_of(&bad));
    let e = fails(score_in(dir.path(), &["bad.xlsx"], &["--header-row", "3"]), 1);
    assert_mentions(&e, &["bad.xlsx[Sheet1]:5:8", "卫生厕所普及率", "58.o"]);
    let e = fails(score_in(dir.path(), &["bad.csv"], &["--header-row", "3"]), 1);
    assert_mentions(&e, &["bad.csv:5:8", "58.o"]);
}

#[test]

fn crlf_csv_rows_are_numbered_like_lf() {
    let dir = tmp();
    let mut bad = small_cells();
    set(&mut bad, "AP002", "卫生厕所普及率", X::text("58.o"));
    let lf = csv_of(&bad);
    write(dir.path(), "lf.csv", &lf);
    write(dir.path(), "crlf.csv", lf.replace('\n', "\r\n"));
    let e = fails(score_in(dir.path(), &["lf.csv"], &[]), 1);
    assert_mentions(&e, &["lf.csv:3:8"]);
    let e = fails(score_in(dir.path(), &["crlf.csv"], &[]), 1);
    assert_mentions(&e, &["crlf.csv:3:8"]);
    // Duplicate ids: AP002 on rows 3 and 8.
    let dup = small_text().replacen("QH003,", "AP002,", 1).replace('\n', "\r\n");
    write(dir.path(), "dup.csv", dup);
    let e = fails(score_in(dir.path(), &["dup.csv"], &[]), 1);
    assert_mentions(&e, &["dup.csv:3", "dup.csv:8"]);
    // Title rows: the header is on row 3, as Excel shows it.
    let titled = csv_of(&with_titles(&small_cells())).replace('\n', "\r\n");
    write(dir.path(), "titled.csv", titled);
    let r = ok(score_in(dir.path(), &["titled.csv"], &["--header-row", "3"]));
    assert_eq!(r.stdout, reference());
}

#[test]

fn rows_after_blank_lines_are_numbered_consistently() {
    let dir = tmp();
    // A title, a blank line, then the header and the data. Whether blank
    // lines count as rows (a spreadsheet's view: header on row 3) or not
    // (README: "counts CSV records": header on row 2), AP002 is two rows
    // below the header.
    let mut bad = small_cells();
    set(&mut bad, "AP002", "卫生厕所普及率", X::text("58.o"));
    let mut text = csv_of(&bad);
    text.insert_str(0, "2024年度村级数据\n\n");
    write(dir.path(), "blank-title.csv", &text);
    let header_row = ["2", "3"]
        .into_iter()
        .find(|n| {
            let e = score_in(dir.path(), &["blank-title.csv"], &["--header-row", n]).stderr;
            e.contains("58.o")
        })
        .expect("some --header-row finds the header");
    let e = fails(
        score_in(dir.path(), &["blank-title.csv"], &["--header-row", header_row]),
        1,
    );
    let expected = header_row.parse::<usize>().unwrap() + 2;
    assert_mentions(&e, &[&format!("blank-title.csv:{expected}:8")]);
}

#[test]
fn formula_results_are_read_and_error_values_name_sheet_row_and_column() {
    let dir = tmp();
    // A formula with a number as its cached result is that number.
    let mut rows = small_cells();
    set(
        &mut rows,
        "AP002",
        "卫生厕所普及率",
        X::Formula("=2*29".into(), "58".into()),
    );
    write(dir.path(), "formula.xlsx", xlsx_of(&[("村级数据", &rows)]));
    assert_eq!(ok(score_in(dir.path(), &["formula.xlsx"], &[])).stdout, reference());

    // An error value is not a number: sheet, row and column are named.
    for (formula, shown) in [
        ("=1/0", "#DIV/0!"),
        ("=VLOOKUP(1,B2:B3,5)", "#N/A"),
        ("=\"a\"+1", "#VALUE!"),
    ] {
        let mut rows = small_cells();
        set(
            &mut rows,
            "AP002",
            "卫生厕所普及率",
            X::Formula(formula.into(), shown.into()),
        );
        write(dir.path(), "error.xlsx", xlsx_of(&[("村级数据", &rows)]));
        let e = fails(score_in(dir.path(), &["error.xlsx"], &[]), 1);
        assert_mentions(&e, &["error.xlsx[村级数据]:3:8", "卫生厕所普及率", shown]);
        fails(
            ls_in(dir.path(), &["check", "--rubric", p(&small_toml()), "error.xlsx"]),
            1,
        );
    }

    // Listed in the rubric's `na`, the error value is a missing cell: the same
    // as an empty cell in a CSV.
    let rubric = std::fs::read_to_string(small_toml()).unwrap().replace(
        "missing = \"reweight\"",
        "missing = \"reweight\"\nna = [\"\", \"/\", \"#DIV/0!\"]",
    );
    let rubric = rubric_in(dir.path(), &rubric);
    let mut rows = small_cells();
    set(
        &mut rows,
        "AP002",
        "卫生厕所普及率",
        X::Formula("=1/0".into(), "#DIV/0!".into()),
    );
    write(dir.path(), "na.xlsx", xlsx1(&rows));
    set(&mut rows, "AP002", "卫生厕所普及率", X::Empty);
    write(dir.path(), "empty.csv", csv_of(&rows));
    let a = ok(ls_in(dir.path(), &["score", "na.xlsx", "--rubric", rubric])).stdout;
    let b = ok(ls_in(dir.path(), &["score", "empty.csv", "--rubric", rubric])).stdout;
    assert_eq!(a, b);
    assert_ne!(a, reference());
}

#[test]
fn later_cell_errors_in_a_workbook_name_the_file_row_and_column() {
    let dir = tmp();
    let strict = std::fs::read_to_string(small_toml())
        .unwrap()
        .replace("missing = \"reweight\"", "missing = \"error\"");
    let rubric = rubric_in(dir.path(), &strict);
    // AP004's `/` under `missing = "error"`: row 5, column 7.
    write(dir.path(), "strict.xlsx", xlsx_of(&[("村级数据", &small_cells())]));
    let e = fails(ls_in(dir.path(), &["score", "strict.xlsx", "--rubric", rubric]), 1);
    assert_mentions(&e, &[":5:7", "衔接资金预算执行率", "AP004"]);
    assert!(
        e.contains("strict.xlsx[村级数据]:5:7") || e.contains("strict.xlsx:5:7"),
        "{e}"
    );
    // A value outside the log's domain: AP002's income on row 3, column 5.
    let mut rows = small_cells();
    set(&mut rows, "AP002", "村集体经营性收入（万元）", X::Num(0.0));
    write(dir.path(), "log.xlsx", xlsx1(&rows));
    let e = fails(score_in(dir.path(), &["log.xlsx"], &[]), 1);
    assert_mentions(&e, &[":3:5", "村集体经营性收入（万元）", "log"]);
    assert!(e.contains("log.xlsx[Sheet1]:3:5") || e.contains("log.xlsx:3:5"), "{e}");
}

#[test]
fn a_workbook_on_standard_input_is_read_by_its_magic_bytes() {
    let dir = tmp();
    let bytes = xlsx1(&small_cells());
    let r = ok(ls_stdin(
        dir.path(),
        &["score", "-", "--rubric", p(&small_toml()), "--format", "csv"],
        bytes.clone(),
    ));
    assert_eq!(r.stdout, reference());
    // A workbook saved under a .csv name is a workbook all the same.
    write(dir.path(), "really-a-workbook.csv", &bytes);
    assert_eq!(
        ok(score_in(dir.path(), &["really-a-workbook.csv"], &[])).stdout,
        reference()
    );
    // And standard input names itself in messages.
    let mut bad = small_cells();
    set(&mut bad, "AP002", "卫生厕所普及率", X::text("58.o"));
    let e = fails(
        ls_stdin(dir.path(), &["score", "-", "--rubric", p(&small_toml())], xlsx1(&bad)),
        1,
    );
    assert_mentions(&e, &["<stdin>[Sheet1]:3:8", "58.o"]);
}

#[test]
fn a_workbook_whose_sheet_is_empty_is_an_error() {
    let dir = tmp();
    write(dir.path(), "empty-sheet.xlsx", xlsx1(&[]));
    let e = fails(score_in(dir.path(), &["empty-sheet.xlsx"], &[]), 1);
    assert_mentions(&e, &["empty-sheet.xlsx", "empty"]);
    // Only a header.
    write(dir.path(), "header-only.xlsx", xlsx1(&small_cells()[..1]));
    let e = fails(score_in(dir.path(), &["header-only.xlsx"], &[]), 1);
    assert_mentions(&e, &["header-only.xlsx", "no data rows"]);
}

// ---------------------------------------------------------------------------
// 3. Excel output

/// Columns of the outputs that are text even when they look like numbers.
const TEXT_COLUMNS: &[&str] = &[
    "id",
    "label",
    "group",
    "grade",
    "coordination_grade",
    "parent",
    "level",
    "name",
];

/// The names small.toml gives its dimensions, linkages and indicators.
const SMALL_NAMES: &[(&str, &str)] = &[
    ("industry", "产业兴旺"),
    ("ecology", "生态宜居"),
    ("prosperity", "生活富裕"),
    ("economy", "产业扶贫 → 乡村经济多元化"),
    ("funds", "扶贫资金 → 乡村振兴资金"),
    ("collective_income", "村集体经营性收入"),
    ("lead_industry_share", "主导产业收入占比"),
    ("fund_execution", "衔接资金预算执行率"),
    ("toilet_rate", "卫生厕所普及率"),
    ("engel", "恩格尔系数"),
    ("income", "农村居民人均可支配收入"),
];

fn small_name(id: &str) -> String {
    if id.is_empty() {
        return String::new();
    }
    let name = SMALL_NAMES.iter().find(|(i, _)| *i == id);
    name.unwrap_or_else(|| panic!("no name for {id}")).1.to_string()
}

/// A machine CSV of small.toml as a workbook shows it to people: the
/// `columns` (by index) hold names for ids; for the weights, the level is
/// in Chinese and a `name` column follows the id.
fn for_people(csv: &str, columns: &[usize], weights: bool) -> String {
    let mut out = String::new();
    for (r, mut row) in csv_rows(csv).into_iter().enumerate() {
        if r > 0 {
            for &c in columns {
                row[c] = small_name(&row[c]);
            }
        }
        if weights {
            let name = if r == 0 {
                "name".to_string()
            } else {
                small_name(&row[1])
            };
            if r > 0 {
                row[0] = if row[0] == "dimension" { "维度" } else { "指标" }.to_string();
            }
            row.insert(2, name);
        }
        out.push_str(&row.join(","));
        out.push('\n');
    }
    out
}

#[test]
fn score_to_xlsx_writes_ranking_weights_and_rubric_sheets() {
    let dir = tmp();
    write(dir.path(), "small.csv", small_text());
    let rubric = p(&small_toml()).to_string();
    for detail in [&[][..], &["--detail", "linkages,indicators"]] {
        // Headed by ids to compare with the CSV (names are the default: office.rs).
        let mut args = vec![
            "score",
            "small.csv",
            "--rubric",
            &rubric,
            "-o",
            "results.xlsx",
            "--headers",
            "ids",
        ];
        args.extend_from_slice(detail);
        let r = ok(ls_in(dir.path(), &args));
        assert!(
            r.raw_stdout.is_empty(),
            "-o results.xlsx also wrote to stdout:\n{}",
            r.stdout
        );
        let path = dir.path().join("results.xlsx");
        assert!(std::fs::read(&path).unwrap().starts_with(b"PK\x03\x04"));
        let book = read_xlsx(&path);
        assert_eq!(sheet_names(&book), ["ranking", "weights", "rubric", "columns"]);

        let mut csv_args = vec!["score", "small.csv", "--rubric", &rubric, "--format", "csv"];
        csv_args.extend_from_slice(detail);
        let csv = ok(ls_in(dir.path(), &csv_args)).stdout;
        let ranking = sheet(&book, "ranking");
        assert_sheet_is_csv(ranking, &csv, TEXT_COLUMNS, "ranking");
        // Chinese text intact, numbers numeric.
        assert!(ranking.iter().any(|row| row.contains(&Data::String("老营村".into()))));
        assert!(ranking[1..].iter().all(|row| matches!(row[0], Data::Float(_))));

        let weights = ok(ls_in(
            dir.path(),
            &["weights", "small.csv", "--rubric", &rubric, "--format", "csv"],
        ))
        .stdout;
        // The weights sheet is for people: names beside ids (the parent by
        // its name), the level in the rubric's language.
        let people = for_people(&weights, &[2], true);
        assert_sheet_is_csv(sheet(&book, "weights"), &people, TEXT_COLUMNS, "weights");
    }

    // The rubric sheet: one row per indicator, in rubric order.
    let book = read_xlsx(&dir.path().join("results.xlsx"));
    let rubric_sheet = sheet(&book, "rubric");
    let header: Vec<&Data> = rubric_sheet[0].iter().take(3).collect();
    assert_eq!(
        header,
        [
            &Data::String("id".into()),
            &Data::String("column".into()),
            &Data::String("name".into())
        ]
    );
    let ids: Vec<String> = rubric_sheet[1..].iter().map(|r| r[0].to_string()).collect();
    assert_eq!(
        ids,
        [
            "collective_income",
            "lead_industry_share",
            "fund_execution",
            "toilet_rate",
            "engel",
            "income"
        ]
    );
    assert_eq!(rubric_sheet[1][1], Data::String("村集体经营性收入（万元）".into()));

    // --format does not turn a workbook into text, whatever it says.
    ok(ls_in(
        dir.path(),
        &[
            "score",
            "small.csv",
            "--rubric",
            &rubric,
            "-o",
            "forced.xlsx",
            "-f",
            "json",
        ],
    ));
    assert_eq!(
        sheet_names(&read_xlsx(&dir.path().join("forced.xlsx"))),
        ["ranking", "weights", "rubric", "columns"]
    );
    // The extension is not case-sensitive.
    ok(ls_in(
        dir.path(),
        &["score", "small.csv", "--rubric", &rubric, "-o", "UPPER.XLSX"],
    ));
    assert_eq!(read_xlsx(&dir.path().join("UPPER.XLSX")).len(), 4);
}

#[test]
fn diff_explain_and_weights_write_workbooks() {
    let dir = tmp();
    let year = p(&fixture("year.toml")).to_string();
    let old = p(&fixture("year-2023.csv")).to_string();
    let new = p(&fixture("year-2024.csv")).to_string();
    let r = ok(ls_in(
        dir.path(),
        &[
            "diff",
            &old,
            &new,
            "--rubric",
            &year,
            "-o",
            "d.xlsx",
            "--headers",
            "ids",
        ],
    ));
    assert!(r.raw_stdout.is_empty());
    let book = read_xlsx(&dir.path().join("d.xlsx"));
    assert_eq!(sheet_names(&book)[0], "diff");
    let csv = ok(ls_in(dir.path(), &["diff", &old, &new, "--rubric", &year, "-f", "csv"])).stdout;
    assert_sheet_is_csv(
        sheet(&book, "diff"),
        &csv,
        &["id", "label", "group", "status", "grade_old", "grade_new"],
        "diff",
    );

    // A workbook is as good as a CSV on either side.
    let old_rows = typed(&csv_rows(&std::fs::read_to_string(fixture("year-2023.csv")).unwrap()));
    write(dir.path(), "old.xlsx", xlsx1(&old_rows));
    let from_xlsx = ok(ls_in(
        dir.path(),
        &["diff", "old.xlsx", &new, "--rubric", &year, "-f", "csv"],
    ))
    .stdout;
    assert_eq!(from_xlsx, csv);

    let small = p(&fixture("small.csv")).to_string();
    let rubric = p(&small_toml()).to_string();
    ok(ls_in(
        dir.path(),
        &[
            "explain",
            &small,
            "--rubric",
            &rubric,
            "--unit",
            "AP004",
            "-o",
            "e.xlsx",
            "--headers",
            "ids",
        ],
    ));
    let book = read_xlsx(&dir.path().join("e.xlsx"));
    assert_eq!(sheet_names(&book)[0], "explain");
    let csv = ok(ls_in(
        dir.path(),
        &["explain", &small, "--rubric", &rubric, "--unit", "AP004", "-f", "csv"],
    ))
    .stdout;
    // For people: the indicators, dimensions and linkages by their names.
    assert_sheet_is_csv(
        sheet(&book, "explain"),
        &for_people(&csv, &[0, 1, 2], false),
        &["indicator", "dimension", "linkage"],
        "explain",
    );

    for data in [&[small.as_str()][..], &[]] {
        let mut args = vec!["weights"];
        args.extend_from_slice(data);
        args.extend_from_slice(&["--rubric", &rubric]);
        let csv = ok(ls_in(dir.path(), &cat(&args, &["-f", "csv"]))).stdout;
        ok(ls_in(dir.path(), &cat(&args, &["-o", "w.xlsx", "--headers", "ids"])));
        let book = read_xlsx(&dir.path().join("w.xlsx"));
        assert_eq!(sheet_names(&book), ["weights", "rubric", "columns"]);
        let people = for_people(&csv, &[2], true);
        assert_sheet_is_csv(sheet(&book, "weights"), &people, TEXT_COLUMNS, "weights");
    }
}

#[test]
fn xlsx_output_is_byte_identical_run_to_run() {
    let dir = tmp();
    write(dir.path(), "small.csv", small_text());
    let rubric = p(&small_toml()).to_string();
    let year = p(&fixture("year.toml")).to_string();
    let old = p(&fixture("year-2023.csv")).to_string();
    let new = p(&fixture("year-2024.csv")).to_string();
    let runs: [Vec<&str>; 4] = [
        vec!["score", "small.csv", "--rubric", &rubric, "--detail", "indicators"],
        vec!["diff", &old, &new, "--rubric", &year],
        vec!["weights", "small.csv", "--rubric", &rubric],
        vec!["template", "--rubric", &rubric],
    ];
    let first = |i: usize| dir.path().join(format!("first-{i}.xlsx"));
    let second = |i: usize| dir.path().join(format!("second-{i}.xlsx"));
    for (i, args) in runs.iter().enumerate() {
        ok(ls_in(dir.path(), &cat(args, &["-o", p(&first(i))])));
    }
    // Past a zip timestamp tick (2 s granularity, odd seconds round), so a
    // clock in the files would show.
    std::thread::sleep(Duration::from_millis(1100));
    for (i, args) in runs.iter().enumerate() {
        ok(ls_in(dir.path(), &cat(args, &["-o", p(&second(i))])));
        assert!(
            std::fs::read(first(i)).unwrap() == std::fs::read(second(i)).unwrap(),
            "{args:?}: two runs wrote different workbooks"
        );
        // No creation time of today in the document properties.
        let core = zip_part(&first(i), "docProps/core.xml");
        assert!(core.contains("2000-01-01T"), "{core}");
    }
}

#[test]
fn a_failed_run_leaves_no_workbook_and_xls_is_refused() {
    let dir = tmp();
    let mut bad = small_text();
    bad = bad.replacen(",58.0,", ",58.o,", 1);
    write(dir.path(), "bad.csv", &bad);
    write(dir.path(), "small.csv", small_text());
    let rubric = p(&small_toml()).to_string();
    let e = fails(
        ls_in(
            dir.path(),
            &["score", "bad.csv", "--rubric", &rubric, "-o", "results.xlsx"],
        ),
        1,
    );
    assert_mentions(&e, &["bad.csv:3:8"]);
    assert!(
        !dir.path().join("results.xlsx").exists(),
        "a failed run wrote a workbook"
    );
    // An existing workbook is left as it was.
    write(dir.path(), "kept.xlsx", b"old bytes");
    fails(
        ls_in(
            dir.path(),
            &["score", "bad.csv", "--rubric", &rubric, "-o", "kept.xlsx"],
        ),
        1,
    );
    fails(
        ls_in(
            dir.path(),
            &[
                "explain",
                "bad.csv",
                "--rubric",
                &rubric,
                "--unit",
                "AP001",
                "-o",
                "kept.xlsx",
            ],
        ),
        1,
    );
    fails(
        ls_in(
            dir.path(),
            &["diff", "small.csv", "bad.csv", "--rubric", &rubric, "-o", "kept.xlsx"],
        ),
        1,
    );
    assert_eq!(std::fs::read(dir.path().join("kept.xlsx")).unwrap(), b"old bytes");
    // The old binary format is bad usage, for every command that writes.
    for args in [
        vec!["score", "small.csv", "--rubric", &rubric, "-o", "x.xls"],
        vec!["score", "small.csv", "--rubric", &rubric, "-o", "X.XLS"],
        vec!["weights", "small.csv", "--rubric", &rubric, "-o", "x.xls"],
        vec![
            "explain",
            "small.csv",
            "--rubric",
            &rubric,
            "--unit",
            "AP001",
            "-o",
            "x.xls",
        ],
        vec!["diff", "small.csv", "small.csv", "--rubric", &rubric, "-o", "x.xls"],
    ] {
        let e = fails(ls_in(dir.path(), &args), 2);
        assert_mentions(&e, &[".xlsx"]);
    }
    // Nothing else was left behind (no temporary files).
    let mut names: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names, ["bad.csv", "kept.xlsx", "small.csv"]);
}

// ---------------------------------------------------------------------------
// 4. Several inputs

/// The small fixture's rows `range` (1-based data rows), with its header, and
/// its columns in the order `order` (indices into the header).
fn part_of_small(range: std::ops::Range<usize>, order: &[usize]) -> Vec<Vec<X>> {
    let rows = small_cells();
    std::iter::once(&rows[0])
        .chain(&rows[range])
        .map(|row| order.iter().map(|&c| row[c].clone()).collect())
        .collect()
}

fn natural_order() -> Vec<usize> {
    (0..small_cells()[0].len()).collect()
}

#[test]
fn csv_files_with_columns_in_different_orders_are_one_table() {
    let dir = tmp();
    let n = natural_order().len();
    // A shuffle, not a reversal: 7, 2, 9, 4, 0, …
    let shuffled: Vec<usize> = (0..n).map(|i| (i * 7 + 7) % n).collect();
    let mut check = shuffled.clone();
    check.sort_unstable();
    assert_eq!(check, natural_order(), "a permutation");
    write(dir.path(), "a.csv", csv_of(&part_of_small(1..4, &natural_order())));
    write(dir.path(), "b.csv", csv_of(&part_of_small(4..8, &shuffled)));
    assert_eq!(ok(score_in(dir.path(), &["a.csv", "b.csv"], &[])).stdout, reference());
    assert_eq!(ok(score_in(dir.path(), &["b.csv", "a.csv"], &[])).stdout, reference());
}

#[test]
fn files_with_different_headers_are_refused_naming_both() {
    let dir = tmp();
    let order = natural_order();
    write(dir.path(), "a.csv", csv_of(&part_of_small(1..4, &order)));
    // An extra column.
    let mut extra = part_of_small(4..8, &order);
    for (i, row) in extra.iter_mut().enumerate() {
        row.push(if i == 0 { X::text("备注") } else { X::text("无") });
    }
    write(dir.path(), "extra.csv", csv_of(&extra));
    let e = fails(score_in(dir.path(), &["a.csv", "extra.csv"], &[]), 1);
    assert_mentions(&e, &["a.csv", "extra.csv", "备注"]);
    let e = fails(score_in(dir.path(), &["extra.csv", "a.csv"], &[]), 1);
    assert_mentions(&e, &["a.csv", "extra.csv", "备注"]);
    // A column the rubric does not need is missing (乡镇, the 4th).
    let without: Vec<usize> = order.iter().copied().filter(|&c| c != 3).collect();
    write(dir.path(), "missing.csv", csv_of(&part_of_small(4..8, &without)));
    let e = fails(score_in(dir.path(), &["a.csv", "missing.csv"], &[]), 1);
    assert_mentions(&e, &["a.csv", "missing.csv", "乡镇"]);
    // A renamed column: both names are given.
    let mut renamed = part_of_small(4..8, &order);
    renamed[0][8] = X::text("恩格尔系素");
    write(dir.path(), "renamed.csv", csv_of(&renamed));
    let e = fails(score_in(dir.path(), &["a.csv", "renamed.csv"], &[]), 1);
    assert_mentions(&e, &["a.csv", "renamed.csv", "恩格尔系数", "恩格尔系素"]);
    // The same with a workbook.
    write(dir.path(), "extra.xlsx", xlsx1(&extra));
    let e = fails(score_in(dir.path(), &["a.csv", "extra.xlsx"], &[]), 1);
    assert_mentions(&e, &["a.csv", "extra.xlsx[Sheet1]", "备注"]);
    insta::assert_snapshot!("different_headers", e);
}

#[test]
fn csv_and_xlsx_with_the_same_header_are_one_table() {
    let dir = tmp();
    let order = natural_order();
    write(dir.path(), "a.csv", csv_of(&part_of_small(1..4, &order)));
    let rest = part_of_small(4..8, &order);
    write(dir.path(), "b.xlsx", xlsx1(&rest));
    assert_eq!(ok(score_in(dir.path(), &["a.csv", "b.xlsx"], &[])).stdout, reference());
    assert_eq!(ok(score_in(dir.path(), &["b.xlsx", "a.csv"], &[])).stdout, reference());
    // A GB18030 file, a workbook with its columns shuffled, and UTF-8 with a
    // BOM on standard input, all in one run.
    let gb = encoding_rs::GB18030
        .encode(&csv_of(&part_of_small(1..3, &order)))
        .0
        .into_owned();
    write(dir.path(), "gb.csv", gb);
    let reversed: Vec<usize> = order.iter().rev().copied().collect();
    write(dir.path(), "mid.xlsx", xlsx1(&part_of_small(3..6, &reversed)));
    let tail = format!("\u{feff}{}", csv_of(&part_of_small(6..8, &order)));
    let r = ok(ls_stdin(
        dir.path(),
        &["score", "gb.csv", "mid.xlsx", "-", "--rubric", p(&small_toml())],
        tail,
    ));
    assert_eq!(r.stdout, reference());
    // A duplicate id across a CSV and a workbook names both rows.
    write(dir.path(), "dup.xlsx", xlsx1(&part_of_small(2..5, &order)));
    let e = fails(score_in(dir.path(), &["a.csv", "dup.xlsx"], &[]), 1);
    assert_mentions(&e, &["AP002", "a.csv:3"]);
    assert!(
        e.contains("dup.xlsx[Sheet1]:2") || e.contains("dup.xlsx:2"),
        "the workbook's row is not named:\n{e}"
    );
}

// ---------------------------------------------------------------------------
// 5. Messy cells

/// Cells that are numbers or missing values, and what they read as.
const GOOD_CELLS: &[(&str, Option<f64>)] = &[
    ("85.5", Some(85.5)),
    ("８５．５", Some(85.5)),
    ("１，２３４", Some(1234.0)),
    ("1,234,567.5", Some(1_234_567.5)),
    (" 1,234 ", Some(1234.0)),
    ("-1,234", Some(-1234.0)),
    ("85%", Some(85.0)),
    ("85 %", Some(85.0)),
    ("85％", Some(85.0)),
    ("１２．５％", Some(12.5)),
    ("  12.5  ", Some(12.5)),
    ("\u{3000}12.5\u{3000}", Some(12.5)),
    ("\t7\t", Some(7.0)),
    ("－３", Some(-3.0)),
    ("+7", Some(7.0)),
    ("1e3", Some(1000.0)),
    (".5", Some(0.5)),
    ("-0", Some(0.0)),
    ("0.1", Some(0.1)),
    ("123456789.123456789", Some(123_456_789.123_456_79)),
    ("", None),
    ("  ", None),
    ("-", None),
    ("—", None),
    ("/", None),
    (" / ", None),
    ("\u{3000}—\u{3000}", None),
    ("N/A", None),
    ("NA", None),
    ("n/a", None),
    ("…", None),
];

/// Cells that are neither numbers nor missing values.
const BAD_CELLS: &[&str] = &[
    "1,23",
    "12元",
    "NaN",
    "nan",
    "inf",
    "-inf",
    "Infinity",
    "1e999",
    "1.2.3",
    "0x10",
    "1 234",
    "1,5",
    "１，２３",
    "%",
    "12%%",
    "e5",
    ".",
    "--5",
    "na",
    "#N/A",
    "是",
    "1,234,5",
];

/// A one-column table for the echo rubric: `c01`… with `cells`.
fn echo_rows(cells: &[&str]) -> Vec<Vec<X>> {
    let mut rows = vec![vec![X::text("id"), X::text("值")]];
    for (i, cell) in cells.iter().enumerate() {
        let value = if cell.is_empty() { X::Empty } else { X::text(cell) };
        rows.push(vec![X::Text(format!("c{:02}", i + 1)), value]);
    }
    rows
}

#[test]
fn messy_cells_read_as_numbers_or_missing() {
    let dir = tmp();
    let rubric = rubric_in(dir.path(), ECHO_RUBRIC);
    let cells: Vec<&str> = GOOD_CELLS.iter().map(|(c, _)| *c).collect();
    let rows = echo_rows(&cells);
    let csv = csv_of(&rows);
    assert!(csv.contains("\"1,234,567.5\""), "thousands are quoted:\n{csv}");
    write(dir.path(), "messy.csv", &csv);
    write(dir.path(), "messy.xlsx", xlsx1(&rows));
    let from_csv = ok(ls_in(dir.path(), &["score", "messy.csv", "--rubric", rubric])).stdout;
    let from_xlsx = ok(ls_in(dir.path(), &["score", "messy.xlsx", "--rubric", rubric])).stdout;
    assert_eq!(from_csv, from_xlsx);
    let out = csv_rows(&from_csv);
    let (id, score) = (
        out[0].iter().position(|h| h == "id").unwrap(),
        out[0].iter().position(|h| h == "score").unwrap(),
    );
    for (i, (cell, expected)) in GOOD_CELLS.iter().enumerate() {
        let unit = format!("c{:02}", i + 1);
        let row = out[1..]
            .iter()
            .find(|r| r[id] == unit)
            .unwrap_or_else(|| panic!("no row for {unit}"));
        let got = (!row[score].is_empty()).then(|| row[score].parse::<f64>().unwrap());
        assert_eq!(got, *expected, "cell {cell:?} ({unit})");
    }
}

#[test]
fn cells_that_are_not_numbers_name_file_row_column_and_text() {
    let dir = tmp();
    let rubric = rubric_in(dir.path(), ECHO_RUBRIC);
    for cell in BAD_CELLS {
        // Row 2 is good; the bad cell is on row 3, column 2.
        let rows = echo_rows(&["1", cell]);
        write(dir.path(), "data.csv", csv_of(&rows));
        write(dir.path(), "data.xlsx", xlsx1(&rows));
        for (name, at) in [("data.csv", "data.csv:3:2"), ("data.xlsx", "data.xlsx[Sheet1]:3:2")] {
            let e = fails(ls_in(dir.path(), &["score", name, "--rubric", rubric]), 1);
            assert_mentions(&e, &[at, "值", &format!("\"{cell}\"")]);
        }
    }
    // Under `missing = "error"` a missing value is an error at its cell too.
    let strict = ECHO_RUBRIC.replace("missing = \"reweight\"", "missing = \"error\"");
    let rubric = rubric_in(dir.path(), &strict);
    write(dir.path(), "na.csv", csv_of(&echo_rows(&["1", "2", "—"])));
    let e = fails(ls_in(dir.path(), &["score", "na.csv", "--rubric", rubric]), 1);
    assert_mentions(&e, &["na.csv:4:2", "值"]);
}

#[test]
fn every_bad_cell_is_listed_up_to_twenty() {
    let dir = tmp();
    let rubric = rubric_in(dir.path(), ECHO_RUBRIC);
    let mut cells: Vec<&str> = BAD_CELLS.to_vec();
    cells.extend(["x1", "x2", "x3"]);
    assert_eq!(cells.len(), 25);
    write(dir.path(), "data.csv", csv_of(&echo_rows(&cells)));
    let e = fails(ls_in(dir.path(), &["score", "data.csv", "--rubric", rubric]), 1);
    assert_mentions(&e, &["25 cells", "data.csv:2:2", "data.csv:21:2", "5 more"]);
    assert!(!e.contains("data.csv:22:2"), "more than 20 listed:\n{e}");
}

// ---------------------------------------------------------------------------
// 6. Hostile input

#[test]
fn a_line_longer_than_64_mib_is_refused() {
    if !crate::support::long_only() {
        return;
    }
    let dir = tmp();
    let rubric = rubric_in(dir.path(), ECHO_RUBRIC);
    // 70 MiB in one line (one cell), after a good header line.
    let mut bytes = b"id,\xE5\x80\xBC\nc01,".to_vec();
    bytes.resize(bytes.len() + (70 << 20), b'9');
    bytes.push(b'\n');
    write(dir.path(), "long.csv", &bytes);
    let started = Instant::now();
    let e = fails(ls_in(dir.path(), &["score", "long.csv", "--rubric", rubric]), 1);
    let took = started.elapsed();
    assert_mentions(&e, &["long.csv:2", "64 MiB"]);
    // Standard input, which has no size to look at first.
    let e = fails(ls_stdin(dir.path(), &["score", "-", "--rubric", rubric], bytes), 1);
    assert_mentions(&e, &["<stdin>:2", "64 MiB"]);
    assert!(took < Duration::from_secs(30), "took {took:?}");
}

/// The parts of a minimal workbook, with `sheet` as its only sheet's XML.
fn workbook_parts(sheet: &[u8]) -> Vec<(&'static str, Vec<u8>)> {
    vec![
        (
            "[Content_Types].xml",
            br#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>"#.to_vec(),
        ),
        (
            "_rels/.rels",
            br#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#.to_vec(),
        ),
        (
            "xl/workbook.xml",
            br#"<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>"#.to_vec(),
        ),
        (
            "xl/_rels/workbook.xml.rels",
            br#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>"#.to_vec(),
        ),
        ("xl/worksheets/sheet1.xml", sheet.to_vec()),
    ]
}

/// A zip archive of `parts`, deflated.
fn zip_of(parts: &[(&str, Vec<u8>)]) -> Vec<u8> {
    let mut writer = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .large_file(false);
    for (name, bytes) in parts {
        writer.start_file(*name, options).expect("start a zip part");
        writer.write_all(bytes).expect("write a zip part");
    }
    writer.finish().expect("finish the zip").into_inner()
}

/// Sets the uncompressed size that the local header and the central
/// directory declare for the part `name` (a lie the archive cannot check
/// without unpacking).
fn declare_size(zip: &mut [u8], name: &str, size: u32) {
    let mut patched = 0;
    for at in 0..zip.len().saturating_sub(46) {
        // Local file header: size at 22, name length at 26, name at 30;
        // central directory entry: size at 24, name length at 28, name at 46.
        let (size_at, name_len_at, name_at) = match &zip[at..at + 4] {
            b"PK\x03\x04" => (at + 22, at + 26, at + 30),
            b"PK\x01\x02" => (at + 24, at + 28, at + 46),
            _ => continue,
        };
        let name_len = u16::from_le_bytes([zip[name_len_at], zip[name_len_at + 1]]) as usize;
        if zip.get(name_at..name_at + name_len) == Some(name.as_bytes()) {
            zip[size_at..size_at + 4].copy_from_slice(&size.to_le_bytes());
            patched += 1;
        }
    }
    assert_eq!(patched, 2, "the part's local header and central directory entry");
}

#[test]
fn a_zip_bomb_is_refused_before_it_is_unpacked() {
    let dir = tmp();
    let rubric = rubric_in(dir.path(), ECHO_RUBRIC);
    // An honest bomb: 24 MiB of one byte deflates about 1000 to 1.
    let zeros = vec![b'0'; 24 << 20];
    let honest = zip_of(&workbook_parts(&zeros));
    assert!(honest.len() < 200 << 10, "{} bytes", honest.len());
    write(dir.path(), "bomb.xlsx", &honest);
    // A liar: a small sheet whose header declares 3.75 GiB.
    let mut liar = zip_of(&workbook_parts(b"<worksheet/>"));
    declare_size(&mut liar, "xl/worksheets/sheet1.xml", 0xF000_0000);
    write(dir.path(), "liar.xlsx", &liar);
    for name in ["bomb.xlsx", "liar.xlsx"] {
        let started = Instant::now();
        let e = fails(ls_in(dir.path(), &["score", name, "--rubric", rubric]), 1);
        assert_mentions(&e, &[name, "xl/worksheets/sheet1.xml", "zip bomb"]);
        assert!(
            started.elapsed() < Duration::from_secs(5),
            "{name}: {:?}",
            started.elapsed()
        );
        fails(ls_in(dir.path(), &["check", "--rubric", rubric, name]), 1);
    }
    // The opposite lie: a bomb that declares a small size is cut off there.
    let mut understated = honest.clone();
    declare_size(&mut understated, "xl/worksheets/sheet1.xml", 1000);
    write(dir.path(), "understated.xlsx", &understated);
    let started = Instant::now();
    let e = fails(ls_in(dir.path(), &["score", "understated.xlsx", "--rubric", rubric]), 1);
    assert_mentions(&e, &["understated.xlsx"]);
    assert!(started.elapsed() < Duration::from_secs(5), "{:?}", started.elapsed());
    let e = fails(ls_stdin(dir.path(), &["score", "-", "--rubric", rubric], honest), 1);
    assert_mentions(&e, &["<stdin>", "zip bomb"]);
    let liar_message = fails(ls_in(dir.path(), &["score", "liar.xlsx", "--rubric", rubric]), 1);
    insta::assert_snapshot!("zip_bomb", liar_message);
}

/// Deterministic noise (xorshift), so failures reproduce.
fn noise(seed: u64, len: usize) -> Vec<u8> {
    let mut x = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    (0..len)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (x >> 24) as u8
        })
        .collect()
}

#[test]
fn damaged_workbooks_are_refused_without_a_panic() {
    let dir = tmp();
    let rubric = rubric_in(dir.path(), ECHO_RUBRIC);
    let good = xlsx1(&echo_rows(&["1", "2"]));
    let mut cases: Vec<(String, Vec<u8>)> = vec![
        ("empty.xlsx".into(), Vec::new()),
        ("half.xlsx".into(), good[..good.len() / 2].to_vec()),
        ("head.xlsx".into(), good[..100].to_vec()),
        ("magic-only.xlsx".into(), b"PK\x03\x04".to_vec()),
        (
            "not-a-workbook.xlsx".into(),
            zip_of(&[("hello.txt", b"hello".to_vec())]),
        ),
        (
            "bad-xml.xlsx".into(),
            zip_of(&workbook_parts(b"<worksheet><sheetData><row><c r=\"A1\"")),
        ),
        ("text.xlsx".into(), b"id,\xE5\x80\xBC\nc01,1\n".to_vec()),
    ];
    for seed in 1..=6u64 {
        let len = [16, 512, 4096, 65536, 1000, 7][seed as usize % 6];
        cases.push((format!("noise{seed}.xlsx"), noise(seed, len)));
        cases.push((format!("noise{seed}.xls"), noise(seed, len)));
        cases.push((
            format!("pk-noise{seed}.xlsx"),
            [b"PK\x03\x04".as_slice(), &noise(seed, len)].concat(),
        ));
        // A good archive with one byte changed in its middle.
        let mut flipped = good.clone();
        let at = (good.len() / 7) * (seed as usize);
        flipped[at] ^= 0x5A;
        cases.push((format!("flipped{seed}.xlsx"), flipped));
    }
    for (name, bytes) in &cases {
        write(dir.path(), name, bytes);
        let r = ls_in(dir.path(), &["score", name, "--rubric", rubric]);
        // A flipped byte may land where nothing is checked; otherwise exit 1.
        if r.code == 0 && name.starts_with("flipped") {
            continue;
        }
        let e = fails(r, 1);
        assert_mentions(&e, &[name]);
    }
    // A text file named .xlsx is not read as CSV.
    let e = fails(ls_in(dir.path(), &["score", "text.xlsx", "--rubric", rubric]), 1);
    assert_mentions(&e, &["text.xlsx", "workbook"]);
}

/// The smallest OLE compound file (the container of .xls) that points its
/// first FAT sector just past the end of the file.
fn truncated_compound_file() -> Vec<u8> {
    let mut header = vec![0u8; 512];
    header[..8].copy_from_slice(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]);
    header[30..32].copy_from_slice(&9u16.to_le_bytes()); // 512-byte sectors
    header[32..34].copy_from_slice(&6u16.to_le_bytes()); // 64-byte mini sectors
    header[68..72].copy_from_slice(&0xFFFF_FFFEu32.to_le_bytes()); // no DIFAT chain
    for at in (76..512).step_by(4) {
        header[at..at + 4].copy_from_slice(&0xFFFF_FFFFu32.to_le_bytes());
    }
    header[76..80].copy_from_slice(&2u32.to_le_bytes()); // FAT in sector 2: past the end
    [header, vec![0u8; 512]].concat()
}

#[test]

fn a_damaged_xls_compound_file_is_refused_without_a_panic() {
    let dir = tmp();
    let rubric = rubric_in(dir.path(), ECHO_RUBRIC);
    let bytes = truncated_compound_file();
    write(dir.path(), "damaged.xls", &bytes);
    write(dir.path(), "damaged.xlsx", &bytes);
    for name in ["damaged.xls", "damaged.xlsx"] {
        let e = fails(ls_in(dir.path(), &["score", name, "--rubric", rubric]), 1);
        assert_mentions(&e, &[name]);
    }
    let e = fails(ls_stdin(dir.path(), &["score", "-", "--rubric", rubric], bytes), 1);
    assert_mentions(&e, &["<stdin>"]);
}

/// The echo table, plus one stray text cell at `(row, col)` (0-based).
fn with_stray_cell(row: u32, col: u16) -> Vec<u8> {
    let mut book = Workbook::new();
    let ws = book.add_worksheet();
    for (r, cells) in echo_rows(&["1", "2"]).iter().enumerate() {
        for (c, cell) in cells.iter().enumerate() {
            if let X::Text(t) = cell {
                ws.write_string(r as u32, c as u16, t).expect("write text");
            }
        }
    }
    ws.write_string(row, col, "stray").expect("write text");
    book.save_to_buffer().expect("build the workbook")
}

/// Runs linkscore in `dir` with its address space limited to `limit_kib`, so
/// that an attempt to allocate far too much fails fast instead of swapping.
fn ls_limited(dir: &Path, limit_kib: u64, args: &[&str]) -> (Option<i32>, String) {
    let out = std::process::Command::new("sh")
        .current_dir(dir)
        .arg("-c")
        .arg(format!("ulimit -v {limit_kib} && exec \"$0\" \"$@\""))
        .arg(env!("CARGO_BIN_EXE_linkscore"))
        .args(args)
        .output()
        .expect("run linkscore under sh");
    (out.status.code(), String::from_utf8_lossy(&out.stderr).into_owned())
}

#[test]
fn a_stray_cell_near_the_table_is_read_as_a_row() {
    let dir = tmp();
    let rubric = rubric_in(dir.path(), ECHO_RUBRIC);
    // A note typed a few rows below and right of the table: its row has no id.
    write(dir.path(), "near.xlsx", with_stray_cell(9, 5));
    let e = fails(ls_in(dir.path(), &["score", "near.xlsx", "--rubric", rubric]), 1);
    assert_mentions(&e, &["near.xlsx[Sheet1]:10:1", "id"]);
}

#[test]

fn a_stray_cell_far_from_the_table_does_not_exhaust_memory() {
    let dir = tmp();
    let rubric = rubric_in(dir.path(), ECHO_RUBRIC);
    let bytes = with_stray_cell(1_048_575, 16_383);
    assert!(bytes.len() < 10_000, "a small file: {} bytes", bytes.len());
    write(dir.path(), "far.xlsx", &bytes);
    let started = Instant::now();
    // 2 GiB of address space is far more than a 6 KB file needs.
    let (code, stderr) = ls_limited(dir.path(), 2 << 20, &["score", "far.xlsx", "--rubric", rubric]);
    assert!(
        matches!(code, Some(0 | 1)),
        "exit {code:?} (a signal?) after {:?}:\n{stderr}",
        started.elapsed()
    );
    assert_clean_stderr(&stderr);
    assert!(!stderr.contains("memory allocation"), "{stderr}");
    assert!(started.elapsed() < Duration::from_secs(20), "{:?}", started.elapsed());
}

#[test]

fn a_percent_formatted_cell_reads_like_the_csv_excel_exports() {
    let dir = tmp();
    let mut rows = small_cells();
    // Excel stores 75.7% as 0.757 and shows it (and exports it to CSV) as "75.7%".
    let column = 5; // 主导产业收入占比
    assert_eq!(rows[0][column], X::text("主导产业收入占比"));
    let percent = rust_xlsxwriter::Format::new().set_num_format("0.0%");
    let mut book = Workbook::new();
    let ws = book.add_worksheet();
    for (r, cells) in rows.iter().enumerate() {
        for (c, cell) in cells.iter().enumerate() {
            let (r, c) = (r as u32, c as u16);
            match cell {
                X::Num(x) if r > 0 && c as usize == column => {
                    ws.write_number_with_format(r, c, x / 100.0, &percent).unwrap();
                }
                X::Num(x) => {
                    ws.write_number(r, c, *x).unwrap();
                }
                X::Text(t) => {
                    ws.write_string(r, c, t).unwrap();
                }
                _ => {}
            }
        }
    }
    write(dir.path(), "percent.xlsx", book.save_to_buffer().unwrap());
    // What "Save as CSV" writes for that sheet.
    for row in rows.iter_mut().skip(1) {
        if let X::Num(x) = row[column] {
            row[column] = X::Text(format!("{x}%"));
        }
    }
    write(dir.path(), "exported.csv", csv_of(&rows));
    let from_csv = ok(score_in(dir.path(), &["exported.csv"], &[])).stdout;
    assert_eq!(from_csv, reference());
    let from_xlsx = ok(score_in(dir.path(), &["percent.xlsx"], &[])).stdout;
    assert_eq!(from_xlsx, from_csv);
}

// ---------------------------------------------------------------------------
// 7. template

/// The id/label/group columns and the indicator columns of a rubric file,
/// read from its TOML (not through linkscore).
fn rubric_columns(path: &Path) -> (Vec<String>, Vec<(String, String)>) {
    let text = std::fs::read_to_string(path).expect("read the rubric");
    let doc: toml::Table = toml::from_str(&text).expect("TOML");
    let head = &doc["rubric"];
    let mut fixed = vec![head["id"].as_str().unwrap().to_string()];
    for key in ["label", "group"] {
        if let Some(v) = head.get(key) {
            fixed.push(v.as_str().unwrap().to_string());
        }
    }
    let indicators = doc["indicator"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            let id = i["id"].as_str().unwrap();
            let column = i.get("column").and_then(|c| c.as_str()).unwrap_or(id);
            let name = i.get("name").and_then(|c| c.as_str()).unwrap_or(id);
            (column.to_string(), name.to_string())
        })
        .collect();
    (fixed, indicators)
}

fn strings(row: &[Data]) -> Vec<String> {
    row.iter()
        .map(|d| match d {
            Data::String(s) => s.clone(),
            other => panic!("a header cell is not text: {other:?}"),
        })
        .collect()
}

#[test]
fn template_xlsx_has_the_rubric_columns_and_an_explanation_sheet() {
    let dir = tmp();
    let rubric = shipped_rubric();
    let (fixed, indicators) = rubric_columns(&rubric);
    assert_eq!(fixed, ["village_id", "village_name", "county"]);
    assert_eq!(indicators.len(), 35);
    let r = ok(ls_in(
        dir.path(),
        &["template", "--rubric", p(&rubric), "-o", "form.xlsx"],
    ));
    assert!(r.raw_stdout.is_empty());
    assert_mentions(&r.stderr, &["form.xlsx"]);
    let path = dir.path().join("form.xlsx");
    let book = read_xlsx(&path);
    assert_eq!(book.len(), 2, "{:?}", sheet_names(&book));

    // The form: exactly the header, nothing below it.
    let form = &book[0].1;
    let mut expected = fixed.clone();
    expected.extend(indicators.iter().map(|(c, _)| c.clone()));
    assert_eq!(form.len(), 1, "the form has rows below its header");
    assert_eq!(strings(&form[0]), expected);

    // The explanation: one row per indicator, in rubric order.
    let notes = &book[1].1;
    assert_eq!(notes.len(), 1 + indicators.len());
    for (row, (column, name)) in notes[1..].iter().zip(&indicators) {
        assert_eq!(row[0], Data::String(column.clone()));
        assert_eq!(row[1], Data::String(name.clone()));
    }

    // The indicator cells accept only numbers.
    let xml = zip_part(&path, "xl/worksheets/sheet1.xml");
    assert_eq!(xml.matches("<dataValidation ").count(), indicators.len(), "{xml}");
    assert_eq!(xml.matches("type=\"decimal\"").count(), indicators.len());
}

#[test]
fn template_csv_is_the_header_with_a_bom() {
    let dir = tmp();
    let rubric = shipped_rubric();
    let (mut expected, indicators) = rubric_columns(&rubric);
    expected.extend(indicators.iter().map(|(c, _)| c.clone()));
    ok(ls_in(
        dir.path(),
        &["template", "--rubric", p(&rubric), "-o", "form.csv"],
    ));
    let bytes = std::fs::read(dir.path().join("form.csv")).unwrap();
    assert!(bytes.starts_with(b"\xEF\xBB\xBF"), "no BOM");
    let text = std::str::from_utf8(&bytes[3..]).expect("UTF-8");
    assert_eq!(text.lines().count(), 1, "{text}");
    assert!(text.ends_with('\n'));
    assert_eq!(csv_rows(text), [expected]);
    // The empty form is not data yet.
    let e = fails(ls_in(dir.path(), &["check", "--rubric", p(&rubric), "form.csv"]), 1);
    assert_mentions(&e, &["form.csv", "no data rows"]);
}

/// The first `n` villages of the shipped example, as header and rows.
fn example_rows(n: usize) -> Vec<Vec<String>> {
    let text = std::fs::read_to_string(support::root().join("examples").join("villages-2024.csv"))
        .expect("read the example data");
    csv_rows(&text).into_iter().take(n + 1).collect()
}

/// `rows` (header first) rearranged under `header`: columns by name.
fn under_header(rows: &[Vec<String>], header: &[String]) -> Vec<Vec<String>> {
    let index: Vec<usize> = header
        .iter()
        .map(|h| {
            rows[0]
                .iter()
                .position(|c| c == h)
                .unwrap_or_else(|| panic!("the data has no column {h}"))
        })
        .collect();
    rows.iter()
        .map(|row| index.iter().map(|&i| row[i].clone()).collect())
        .collect()
}

#[test]
fn a_filled_in_form_passes_check_and_scores() {
    let dir = tmp();
    let rubric = shipped_rubric();
    let r = p(&rubric);
    let data = example_rows(6);
    write(dir.path(), "original.csv", csv_of(&typed(&data)));
    let expected = ok(ls_in(dir.path(), &["score", "original.csv", "--rubric", r])).stdout;
    assert_eq!(expected.lines().count(), 7);

    // The Excel form, filled in: its own header, the values typed as Excel
    // does (numbers as numbers), the explanation sheet kept.
    ok(ls_in(dir.path(), &["template", "--rubric", r, "-o", "form.xlsx"]));
    let form = read_xlsx(&dir.path().join("form.xlsx"));
    let header = strings(&form[0].1[0]);
    let filled = typed(&under_header(&data, &header));
    let notes: Vec<Vec<X>> = form[1]
        .1
        .iter()
        .map(|row| {
            row.iter()
                .map(|d| match d {
                    Data::String(s) if !s.is_empty() => X::Text(s.clone()),
                    Data::Float(x) => X::Num(*x),
                    _ => X::Empty,
                })
                .collect()
        })
        .collect();
    write(
        dir.path(),
        "filled.xlsx",
        xlsx_of(&[(form[0].0.as_str(), &filled[..]), (form[1].0.as_str(), &notes[..])]),
    );
    ok(ls_in(dir.path(), &["check", "--rubric", r, "filled.xlsx"]));
    let got = ok(ls_in(dir.path(), &["score", "filled.xlsx", "--rubric", r])).stdout;
    assert_eq!(got, expected);

    // The CSV form, filled in below its header (the BOM stays).
    ok(ls_in(dir.path(), &["template", "--rubric", r, "-o", "form.csv"]));
    let mut text = std::fs::read_to_string(dir.path().join("form.csv")).unwrap();
    let csv_header = csv_rows(text.trim_start_matches('\u{feff}')).remove(0);
    let body = csv_of(&typed(&under_header(&data, &csv_header)[1..]));
    text.push_str(&body);
    write(dir.path(), "filled.csv", &text);
    ok(ls_in(dir.path(), &["check", "--rubric", r, "filled.csv"]));
    let got = ok(ls_in(dir.path(), &["score", "filled.csv", "--rubric", r])).stdout;
    assert_eq!(got, expected);
}

#[test]
fn template_needs_an_xlsx_or_csv_output() {
    let dir = tmp();
    let rubric = shipped_rubric();
    let r = p(&rubric);
    for name in ["form.txt", "form.xls", "form", "form.json"] {
        let e = fails(ls_in(dir.path(), &["template", "--rubric", r, "-o", name]), 2);
        assert_mentions(&e, &[".xlsx"]);
    }
    let e = fails(ls_in(dir.path(), &["template", "--rubric", r]), 2);
    assert_mentions(&e, &["--output"]);
    assert_eq!(
        std::fs::read_dir(dir.path()).unwrap().count(),
        0,
        "something was written"
    );
    // Upper-case extensions are fine.
    ok(ls_in(dir.path(), &["template", "--rubric", r, "-o", "FORM.XLSX"]));
    assert_eq!(read_xlsx(&dir.path().join("FORM.XLSX")).len(), 2);
}

#[test]
fn template_of_an_english_rubric_asks_for_a_shared_column_once() {
    let dir = tmp();
    let rubric = rubric_in(
        dir.path(),
        r#"[rubric]
name = "English form"
id = "code"

[[dimension]]
id = "econ"
name = "Economy"

[[indicator]]
id = "income"
dimension = "econ"
goalposts = [0, 100]

[[indicator]]
id = "income_log"
column = "income"
dimension = "econ"
transform = "log1p"
goalposts = [0, 100]

[[indicator]]
id = "jobs"
dimension = "econ"
direction = "lower"
goalposts = [0, 10]
"#,
    );
    ok(ls_in(dir.path(), &["template", "--rubric", rubric, "-o", "form.xlsx"]));
    let book = read_xlsx(&dir.path().join("form.xlsx"));
    assert_eq!(sheet_names(&book), ["data", "indicators"]);
    assert_eq!(strings(&book[0].1[0]), ["code", "income", "jobs"]);
    assert_eq!(book[1].1.len(), 4, "one row per indicator");
    // Filled in, it scores.
    let rows = vec![
        vec![X::text("code"), X::text("income"), X::text("jobs")],
        vec![X::text("a"), X::Num(50.0), X::Num(2.0)],
        vec![X::text("b"), X::Num(80.0), X::Num(5.0)],
    ];
    write(dir.path(), "filled.xlsx", xlsx_of(&[("data", &rows)]));
    ok(ls_in(dir.path(), &["check", "--rubric", rubric, "filled.xlsx"]));
    let out = ok(ls_in(dir.path(), &["score", "filled.xlsx", "--rubric", rubric])).stdout;
    assert_eq!(out.lines().count(), 3);
}
