//! The real binary over every command and every class of bad input
//! (SPEC.md "Rubric (TOML)", "Data", "Command line").
//!
//! Most checks use the small fixture pair (`tests/fixtures/small.toml`,
//! `small.csv`): a Chinese rubric with 3 dimensions, 6 indicators, 2
//! linkages, label and group columns, grades, `[coupling]` and
//! `missing = "reweight"`, and 7 villages in 2 counties (one `/` cell, one
//! tie). Broken variants are written into a temporary directory and run from
//! there, so messages name short relative paths.

use crate::support::{
    self, Run, assert_clean_stderr, assert_mentions, fails, fixture, ls, ls_in, ok, p, run, shipped_rubric, small_toml,
    tmp, write,
};
use predicates::Predicate;
use serde_json::Value;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::Stdio;

// ---------------------------------------------------------------------------
// Helpers

fn assert_mentions_any(message: &str, parts: &[&str]) {
    assert!(
        parts.iter().any(|p| message.contains(p)),
        "message mentions none of {parts:?}:\n{message}"
    );
}

/// `name:LINE:COL` of the first occurrence of `needle` in `text` (1-based,
/// columns in characters).
fn location(name: &str, text: &str, needle: &str) -> String {
    let at = text
        .find(needle)
        .unwrap_or_else(|| panic!("{needle:?} is not in the text"));
    let before = &text[..at];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let col = text[line_start..at].chars().count() + 1;
    format!("{name}:{line}:{col}")
}

/// `text` with the first `from` replaced by `to`; `from` must be there.
fn edited(text: &str, from: &str, to: &str) -> String {
    assert!(text.contains(from), "{from:?} is not in the fixture");
    text.replacen(from, to, 1)
}

fn small_csv() -> PathBuf {
    fixture("small.csv")
}

fn small_csv_text() -> String {
    std::fs::read_to_string(small_csv()).expect("read small.csv")
}

fn small_toml_text() -> String {
    std::fs::read_to_string(small_toml()).expect("read small.toml")
}

fn shipped_data() -> PathBuf {
    support::root().join("examples").join("villages-2024.csv")
}

/// Scores the small data with the small rubric in CSV (the reference output).
fn small_reference_csv() -> String {
    ok(ls(&[
        "score",
        p(&small_csv()),
        "--rubric",
        p(&small_toml()),
        "--format",
        "csv",
    ]))
    .stdout
}

/// Scores `data` (file names inside `dir`) with the small rubric as CSV.
fn score_csv_in(dir: &Path, data: &[&str]) -> Run {
    let rubric = small_toml();
    let mut args = vec!["score"];
    args.extend_from_slice(data);
    args.extend_from_slice(&["--rubric", p(&rubric), "--format", "csv"]);
    ls_in(dir, &args)
}

fn lines(s: &str) -> Vec<&str> {
    s.lines().collect()
}

/// A CSV document as a header and rows (the output is plain, but labels
/// could in principle be quoted, so use the csv crate).
fn parse_csv(s: &str) -> (Vec<String>, Vec<Vec<String>>) {
    let mut reader = csv::ReaderBuilder::new().has_headers(true).from_reader(s.as_bytes());
    let header = reader
        .headers()
        .expect("a CSV header")
        .iter()
        .map(String::from)
        .collect();
    let rows = reader
        .records()
        .map(|r| r.expect("a CSV row").iter().map(String::from).collect())
        .collect();
    (header, rows)
}

fn col(header: &[String], name: &str) -> usize {
    header
        .iter()
        .position(|h| h == name)
        .unwrap_or_else(|| panic!("no column {name} in {header:?}"))
}

fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

// ---------------------------------------------------------------------------
// score: formats

#[test]
fn score_every_format_succeeds_and_says_what_it_should() {
    let data = small_csv();
    let rubric = small_toml();
    let fmt = |f: &str| ok(ls(&["score", p(&data), "--rubric", p(&rubric), "--format", f]));

    let table = fmt("table").stdout;
    assert_mentions(
        &table,
        &[
            "乡村振兴衔接小样例",
            "产业兴旺",
            "生态宜居",
            "生活富裕",
            "肖家庄村",
            "安平县",
        ],
    );
    // Rounded for reading: the lossless score does not appear, the rounded one does.
    assert!(table.contains("89.72"), "{table}");
    assert!(
        !table.contains("89.72461316"),
        "the table should round numbers:\n{table}"
    );
    // The run's warnings follow the table.
    assert!(table.contains("warning:"), "{table}");

    let csv = fmt("csv").stdout;
    assert!(csv.starts_with("rank,id,label,group,group_rank,score,"), "{csv}");
    assert_eq!(lines(&csv).len(), 1 + 7);

    let json: Value = serde_json::from_str(&fmt("json").stdout).expect("json output parses");
    assert_eq!(json["units"].as_array().expect("units").len(), 7);

    let jsonl = fmt("jsonl").stdout;
    assert_eq!(lines(&jsonl).len(), 7);
    for line in lines(&jsonl) {
        let v: Value = serde_json::from_str(line).expect("each jsonl line parses");
        assert!(v.is_object());
    }

    let md = fmt("markdown").stdout;
    let md_lines = lines(&md);
    assert!(md_lines[0].starts_with("| 排名 |"), "{md}");
    assert!(md_lines[1].starts_with("| ---"), "{md}");
    assert_eq!(md_lines.len(), 2 + 7, "{md}");
    assert!(md_lines.iter().all(|l| l.starts_with('|') && l.ends_with('|')), "{md}");
    assert!(md.contains("89.72 |") && !md.contains("89.724"), "{md}");
}

#[test]
fn csv_is_the_default_when_stdout_is_not_a_terminal() {
    let default = ok(ls(&["score", p(&small_csv()), "--rubric", p(&small_toml())])).stdout;
    assert_eq!(default, small_reference_csv());
}

#[test]
fn csv_header_follows_spec_order() {
    let data = small_csv();
    let rubric = small_toml();
    let header = |detail: &[&str]| {
        let mut args = vec!["score", p(&data), "--rubric", p(&rubric)];
        args.extend_from_slice(detail);
        let out = ok(ls(&args)).stdout;
        out.lines().next().expect("a header").to_string()
    };
    let base = "rank,id,label,group,group_rank,score,coverage,grade,industry,ecology,prosperity,coupling,coordination,coordination_grade";
    let links = "economy,funds";
    let inds = "collective_income,lead_industry_share,fund_execution,toilet_rate,engel,income";
    assert_eq!(header(&[]), base);
    assert_eq!(header(&["--detail", "dimensions"]), base);
    assert_eq!(header(&["--detail", "linkages"]), format!("{base},{links}"));
    assert_eq!(header(&["--detail", "indicators"]), format!("{base},{inds}"));
    assert_eq!(
        header(&["--detail", "linkages,indicators"]),
        format!("{base},{links},{inds}")
    );
    // Order of the flag's values does not change the column order.
    assert_eq!(
        header(&["--detail", "indicators,linkages"]),
        format!("{base},{links},{inds}")
    );
    assert_eq!(
        header(&["--detail", "indicators", "--detail", "linkages"]),
        format!("{base},{links},{inds}")
    );
}

#[test]
fn optional_columns_appear_only_when_the_rubric_has_them() {
    // No label, group, grades, coupling; missing = "error" (no coverage).
    let dir = tmp();
    let mut text = small_toml_text();
    text = edited(&text, "label = \"村名\"\n", "");
    text = edited(&text, "group = \"县\"\n", "");
    text = edited(&text, "missing = \"reweight\"\n", "");
    text = edited(&text, "[coupling]\n", "");
    let cut = text.find("[[grade]]").expect("grades in the fixture");
    text.truncate(cut);
    write(dir.path(), "plain.toml", &text);
    let data = edited(&small_csv_text(), ",/,", ",80,");
    write(dir.path(), "data.csv", &data);
    let out = ok(ls_in(dir.path(), &["score", "data.csv", "--rubric", "plain.toml"])).stdout;
    assert_eq!(
        out.lines().next(),
        Some("rank,id,score,industry,ecology,prosperity"),
        "{out}"
    );
    let json: Value = serde_json::from_str(
        &ok(ls_in(
            dir.path(),
            &["score", "data.csv", "--rubric", "plain.toml", "-f", "json"],
        ))
        .stdout,
    )
    .expect("json");
    let unit = &json["units"][0];
    assert!(unit.get("coverage").is_none(), "{unit}");
}

#[test]
fn csv_values_are_the_expected_ranks_grades_and_normalized_values() {
    let out = ok(ls(&[
        "score",
        p(&small_csv()),
        "--rubric",
        p(&small_toml()),
        "--detail",
        "linkages,indicators",
    ]))
    .stdout;
    let (h, rows) = parse_csv(&out);
    let get = |id: &str, c: &str| -> String {
        let row = rows
            .iter()
            .find(|r| r[col(&h, "id")] == id)
            .unwrap_or_else(|| panic!("no unit {id}"));
        row[col(&h, c)].clone()
    };
    let ids: Vec<&str> = rows.iter().map(|r| r[col(&h, "id")].as_str()).collect();
    assert_eq!(ids, ["AP003", "AP001", "QH001", "QH002", "AP004", "AP002", "QH003"]);
    let ranks: Vec<&str> = rows.iter().map(|r| r[0].as_str()).collect();
    // Standard competition ranking; QH001 and QH002 have identical data.
    assert_eq!(ranks, ["1", "2", "3", "3", "5", "6", "7"]);
    assert_eq!(get("QH001", "group_rank"), "1");
    assert_eq!(get("QH002", "group_rank"), "1");
    assert_eq!(get("QH003", "group_rank"), "3");
    assert_eq!(get("AP002", "group_rank"), "4");
    assert_eq!(get("AP003", "grade"), "优秀");
    assert_eq!(get("AP001", "grade"), "良好");
    assert_eq!(get("QH001", "grade"), "合格");
    // Below the last band: an empty grade.
    assert_eq!(get("QH003", "grade"), "");
    // Indicator columns are z × scale: clamped at the goalposts, lower-is-better turned round.
    assert_eq!(get("AP001", "lead_industry_share"), "100"); // 75.7 ≥ 70
    assert_eq!(get("AP001", "engel"), "100"); // 24.1 ≤ 25, lower is better
    assert_eq!(get("QH003", "collective_income"), "0"); // 0.8 < 1 (log goalposts)
    assert_eq!(get("AP002", "toilet_rate"), "30"); // (58 − 40) / 60
    // The missing cell stays empty, and coverage says 5 of 6 cells.
    assert_eq!(get("AP004", "fund_execution"), "");
    assert_eq!(get("AP004", "coverage").parse::<f64>().unwrap(), 5.0 / 6.0);
    assert_eq!(get("AP003", "coverage"), "1");
    // coupling, coordination are 0–1.
    for r in &rows {
        for c in ["coupling", "coordination"] {
            let v: f64 = r[col(&h, c)].parse().unwrap();
            assert!((0.0..=1.0).contains(&v), "{c} = {v}");
        }
    }
    assert_eq!(get("AP003", "coordination_grade"), "优质协调");
}

#[test]
fn csv_numbers_are_lossless_and_agree_with_json() {
    let data = small_csv();
    let rubric = small_toml();
    let csv = ok(ls(&["score", p(&data), "--rubric", p(&rubric), "--detail", "linkages"])).stdout;
    let jsonl = ok(ls(&["score", p(&data), "--rubric", p(&rubric), "-f", "jsonl"])).stdout;
    let (h, rows) = parse_csv(&csv);
    let keys = [
        "score",
        "industry",
        "ecology",
        "prosperity",
        "coupling",
        "coordination",
        "economy",
        "funds",
    ];
    for (row, line) in rows.iter().zip(jsonl.lines()) {
        assert!(line.contains(&format!("\"id\":\"{}\"", row[col(&h, "id")])), "{line}");
        for key in keys {
            let cell = &row[col(&h, key)];
            // serde_json's default float parser is not exactly rounded, so
            // read the number's text from the JSON and parse it with Rust's.
            let from_json = json_number(line, key);
            let from_csv: f64 = cell.parse().unwrap();
            assert_eq!(from_csv, from_json, "{key}: csv and json differ bit for bit");
            // Shortest round-trip form: printing the value gives the cell back.
            assert_eq!(&format!("{from_csv}"), cell, "{key}");
        }
    }
}

/// The number after `"key":` in a one-line JSON object.
fn json_number(line: &str, key: &str) -> f64 {
    let tag = format!("\"{key}\":");
    let at = line.find(&tag).unwrap_or_else(|| panic!("no {key} in {line}")) + tag.len();
    let text: String = line[at..]
        .chars()
        .take_while(|c| c.is_ascii_digit() || matches!(c, '.' | '-' | '+' | 'e' | 'E'))
        .collect();
    text.parse()
        .unwrap_or_else(|_| panic!("{key}: {text:?} is not a number"))
}

#[test]
fn json_has_the_documented_shape() {
    let data = small_csv();
    let rubric = small_toml();
    // Paths as given on the command line (relative to the current directory).
    let out = ok(ls(&[
        "score",
        "tests/fixtures/small.csv",
        "--rubric",
        "tests/fixtures/small.toml",
        "--format",
        "json",
    ]))
    .stdout;
    let json: Value = serde_json::from_str(&out).expect("json");
    for key in ["linkscore", "inputs", "rubric", "weights", "missing", "units"] {
        assert!(json.get(key).is_some(), "no `{key}` in the JSON");
    }
    assert!(json["linkscore"].is_string());
    let inputs = json["inputs"].as_array().unwrap();
    assert_eq!(inputs.len(), 1);
    assert_eq!(inputs[0]["path"], "tests/fixtures/small.csv");
    assert_eq!(inputs[0]["sha256"], sha256_hex(&std::fs::read(&data).unwrap()).as_str());
    assert_eq!(json["rubric"]["name"], "乡村振兴衔接小样例");
    assert_eq!(json["rubric"]["version"], "test.1");
    assert_eq!(
        json["rubric"]["sha256"],
        sha256_hex(&std::fs::read(&rubric).unwrap()).as_str()
    );
    assert!(json["weights"].is_object());
    assert!(json["missing"].is_object());
    // The one `/` cell is counted.
    let missing = json["missing"].to_string();
    assert!(missing.contains("reweight") && missing.contains('1'), "{missing}");

    let units = json["units"].as_array().unwrap();
    assert_eq!(units.len(), 7);
    for u in units {
        for key in [
            "rank",
            "id",
            "label",
            "group",
            "group_rank",
            "score",
            "grade",
            "dimensions",
            "linkages",
        ] {
            assert!(u.get(key).is_some(), "a unit has no `{key}`: {u}");
        }
        assert_eq!(
            u["dimensions"].as_object().unwrap().keys().collect::<Vec<_>>(),
            ["industry", "ecology", "prosperity"]
        );
        assert_eq!(
            u["linkages"].as_object().unwrap().keys().collect::<Vec<_>>(),
            ["economy", "funds"]
        );
    }
    assert_eq!(units[0]["id"], "AP003");
    assert_eq!(units[0]["label"], "肖家庄村");
    assert_eq!(units[0]["group"], "安平县");
    assert_eq!(units[0]["rank"], 1);
    assert_eq!(units[0]["grade"], "优秀");
    // No grade is null (or absent from the band list), not a made-up name.
    let last = &units[6];
    assert_eq!(last["id"], "QH003");
    assert!(last["grade"].is_null() || last["grade"] == "", "{last}");
}

#[test]
fn jsonl_is_one_unit_object_a_line_matching_json() {
    let data = small_csv();
    let rubric = small_toml();
    let json: Value =
        serde_json::from_str(&ok(ls(&["score", p(&data), "--rubric", p(&rubric), "-f", "json"])).stdout).unwrap();
    let jsonl = ok(ls(&["score", p(&data), "--rubric", p(&rubric), "-f", "jsonl"])).stdout;
    assert!(jsonl.ends_with('\n'));
    let units = json["units"].as_array().unwrap();
    let objects: Vec<Value> = jsonl.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(&objects, units);
}

#[test]
fn same_input_gives_byte_identical_output() {
    let data = small_csv();
    let rubric = small_toml();
    for f in ["table", "csv", "json", "jsonl", "markdown"] {
        let args = [
            "score",
            p(&data),
            "--rubric",
            p(&rubric),
            "--format",
            f,
            "--detail",
            "linkages,indicators",
        ];
        let a = ok(ls(&args)).raw_stdout;
        let b = ok(ls(&args)).raw_stdout;
        assert_eq!(a, b, "format {f} is not deterministic");
    }
    let (data, rubric) = (shipped_data(), shipped_rubric());
    let args = ["score", p(&data), "--rubric", p(&rubric), "-f", "json"];
    assert_eq!(ok(ls(&args)).raw_stdout, ok(ls(&args)).raw_stdout);
}

#[test]
fn top_n_limits_the_rows() {
    let data = small_csv();
    let rubric = small_toml();
    let top = |n: &str, f: &str| ok(ls(&["score", p(&data), "--rubric", p(&rubric), "--top", n, "-f", f])).stdout;
    let csv = top("2", "csv");
    assert_eq!(lines(&csv).len(), 3, "{csv}");
    assert_eq!(lines(&csv)[1..], lines(&small_reference_csv())[1..3]);
    let json: Value = serde_json::from_str(&top("2", "json")).unwrap();
    assert_eq!(json["units"].as_array().unwrap().len(), 2);
    assert_eq!(lines(&top("2", "jsonl")).len(), 2);
    assert_eq!(lines(&top("2", "markdown")).len(), 4);
    let table = top("2", "table");
    assert!(
        table.contains("肖家庄村") && table.contains("老营村") && !table.contains("上坪村"),
        "{table}"
    );
    // More than there are: everything.
    assert_eq!(top("100", "csv"), small_reference_csv());
    // A tie at the cut: the rank is still the competition rank.
    let csv3 = top("3", "csv");
    assert!(lines(&csv3)[3].starts_with("3,"), "{csv3}");
}

#[test]
fn output_file_takes_its_format_from_the_extension() {
    let dir = tmp();
    let data = small_csv();
    let rubric = small_toml();
    for (name, format) in [
        ("out.csv", "csv"),
        ("out.json", "json"),
        ("out.jsonl", "jsonl"),
        ("out.md", "markdown"),
    ] {
        let target = dir.path().join(name);
        let r = ok(ls(&["score", p(&data), "--rubric", p(&rubric), "--output", p(&target)]));
        assert!(
            r.raw_stdout.is_empty(),
            "--output {name} also wrote to stdout:\n{}",
            r.stdout
        );
        let written = std::fs::read_to_string(&target).expect("the output file is written");
        let mut expected = ok(ls(&["score", p(&data), "--rubric", p(&rubric), "--format", format])).stdout;
        if format == "csv" {
            // A CSV written to a file starts with a BOM for Excel (issue 16).
            expected.insert(0, '\u{feff}');
        }
        assert_eq!(written, expected, "{name} is not in {format} format");
    }
    // -o is the short form; --format wins over the extension.
    let target = dir.path().join("forced.csv");
    ok(ls(&[
        "score",
        p(&data),
        "--rubric",
        p(&rubric),
        "-o",
        p(&target),
        "-f",
        "jsonl",
    ]));
    let written = std::fs::read_to_string(&target).unwrap();
    assert!(written.starts_with('{'), "{written}");
    // An existing file is replaced.
    let target = dir.path().join("again.csv");
    std::fs::write(&target, "old content that is longer than nothing\n".repeat(100)).unwrap();
    ok(ls(&["score", p(&data), "--rubric", p(&rubric), "-o", p(&target)]));
    assert_eq!(
        std::fs::read_to_string(&target).unwrap(),
        format!("\u{feff}{}", small_reference_csv())
    );
    // No temporary files left beside the output.
    let leftovers: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with('.') || n.ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn dash_reads_standard_input() {
    let text = small_csv_text();
    let r = ok(run(support::linkscore()
        .args(["score", "-", "--rubric", p(&small_toml())])
        .write_stdin(text.clone())));
    assert_eq!(r.stdout, small_reference_csv());
    // Standard input mixed with a file.
    let dir = tmp();
    let all: Vec<&str> = text.lines().collect();
    let first = format!("{}\n", all[..4].join("\n"));
    let rest = format!("{}\n{}\n", all[0], all[4..].join("\n"));
    write(dir.path(), "first.csv", &first);
    let r = ok(run(support::linkscore()
        .current_dir(dir.path())
        .args(["score", "first.csv", "-", "--rubric", p(&small_toml())])
        .write_stdin(rest)));
    assert_eq!(r.stdout, small_reference_csv());
}

#[test]
fn several_files_are_scored_as_one_table() {
    let dir = tmp();
    let text = small_csv_text();
    let all: Vec<&str> = text.lines().collect();
    write(dir.path(), "a.csv", format!("{}\n", all[..4].join("\n")));
    write(dir.path(), "b.csv", format!("{}\n{}\n", all[0], all[4..].join("\n")));
    let r = ok(score_csv_in(dir.path(), &["a.csv", "b.csv"]));
    assert_eq!(r.stdout, small_reference_csv());
    // The order of the files does not change the ranking.
    let r = ok(score_csv_in(dir.path(), &["b.csv", "a.csv"]));
    assert_eq!(r.stdout, small_reference_csv());
    // JSON names both inputs in order, with their checksums.
    let json: Value = serde_json::from_str(
        &ok(ls_in(
            dir.path(),
            &["score", "a.csv", "b.csv", "--rubric", p(&small_toml()), "-f", "json"],
        ))
        .stdout,
    )
    .unwrap();
    let inputs = json["inputs"].as_array().unwrap();
    assert_eq!(inputs.len(), 2);
    assert_eq!(inputs[0]["path"], "a.csv");
    assert_eq!(inputs[1]["path"], "b.csv");
    assert_eq!(
        inputs[1]["sha256"],
        sha256_hex(&std::fs::read(dir.path().join("b.csv")).unwrap()).as_str()
    );
}

#[test]
fn files_may_order_their_columns_differently() {
    let dir = tmp();
    let text = small_csv_text();
    let rows: Vec<Vec<&str>> = text.lines().map(|l| l.split(',').collect()).collect();
    let reversed = |r: &Vec<&str>| r.iter().rev().copied().collect::<Vec<_>>().join(",");
    let a: Vec<String> = rows[..4].iter().map(|r| r.join(",")).collect();
    let mut b = vec![reversed(&rows[0])];
    b.extend(rows[4..].iter().map(reversed));
    write(dir.path(), "a.csv", format!("{}\n", a.join("\n")));
    write(dir.path(), "b.csv", format!("{}\n", b.join("\n")));
    assert_eq!(
        ok(score_csv_in(dir.path(), &["a.csv", "b.csv"])).stdout,
        small_reference_csv()
    );
}

#[test]
fn bom_crlf_and_gbk_input_read_the_same() {
    let dir = tmp();
    let text = small_csv_text();
    write(
        dir.path(),
        "bom.csv",
        [b"\xEF\xBB\xBF".as_slice(), text.as_bytes()].concat(),
    );
    write(dir.path(), "crlf.csv", text.replace('\n', "\r\n"));
    let (gbk, _, unmappable) = encoding_rs::GB18030.encode(&text);
    assert!(!unmappable);
    write(dir.path(), "gbk.csv", gbk.as_ref());
    for name in ["bom.csv", "crlf.csv", "gbk.csv"] {
        let r = ok(score_csv_in(dir.path(), &[name]));
        assert_eq!(r.stdout, small_reference_csv(), "{name}");
    }
    // --encoding forces one; forcing the wrong one is a data error.
    let r = ok(ls_in(
        dir.path(),
        &["score", "gbk.csv", "--rubric", p(&small_toml()), "--encoding", "gbk"],
    ));
    assert_eq!(r.stdout, small_reference_csv());
    let e = fails(
        ls_in(
            dir.path(),
            &["score", "gbk.csv", "--rubric", p(&small_toml()), "--encoding", "utf-8"],
        ),
        1,
    );
    assert_mentions(&e, &["gbk.csv", "UTF-8"]);
}

#[test]
fn builtin_rubric_is_used_when_rubric_is_left_out_and_says_so() {
    let data = shipped_data();
    let with = ok(ls(&["score", p(&data), "--rubric", p(&shipped_rubric())]));
    let without = ok(ls(&["score", p(&data)]));
    assert_eq!(without.stdout, with.stdout);
    assert!(without.stderr.contains("built-in"), "stderr:\n{}", without.stderr);
    assert!(!with.stderr.contains("built-in"), "stderr:\n{}", with.stderr);
    // The same for check and weights.
    let c = ok(ls(&["check"]));
    assert!(
        c.stderr.contains("built-in") || c.stdout.contains("built-in"),
        "{}{}",
        c.stdout,
        c.stderr
    );
    let w = ok(ls(&["weights"]));
    assert!(w.stderr.contains("built-in"), "{}", w.stderr);
}

#[test]
fn shipped_rubric_scores_the_shipped_example_end_to_end() {
    let data = shipped_data();
    let rubric = shipped_rubric();
    ok(ls(&["check", "--rubric", p(&rubric), p(&data)]));
    let out = ok(ls(&[
        "score",
        p(&data),
        "--rubric",
        p(&rubric),
        "--detail",
        "linkages,indicators",
    ]))
    .stdout;
    let (h, rows) = parse_csv(&out);
    assert_eq!(rows.len(), 300);
    assert_eq!(
        h[..16].join(","),
        "rank,id,label,group,group_rank,score,coverage,grade,industry,ecology,civility,governance,prosperity,coupling,coordination,coordination_grade"
    );
    assert_eq!(
        h[16..26].join(","),
        "leadership,work_teams,economy,skills,funds,policy,participation,social,planning,assessment"
    );
    assert_eq!(h.len(), 26 + 35);
    let scores: Vec<f64> = rows.iter().map(|r| r[col(&h, "score")].parse().unwrap()).collect();
    assert!(scores.windows(2).all(|w| w[0] >= w[1]), "rows are not in rank order");
    assert!(scores.iter().all(|s| (0.0..=100.0).contains(s)));
    let grades: std::collections::BTreeSet<&str> = rows.iter().map(|r| r[col(&h, "grade")].as_str()).collect();
    assert!(
        grades.iter().all(|g| ["优", "良", "中", "差"].contains(g)),
        "{grades:?}"
    );
    for f in ["table", "json", "jsonl", "markdown"] {
        ok(ls(&["score", p(&data), "--rubric", p(&rubric), "-f", f]));
    }
}

#[test]
fn broken_pipe_ends_quietly_with_success() {
    // Enough output (the shipped data with every detail column, ~190 kB) to
    // fill the pipe, so the writer is still writing when the reader leaves.
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_linkscore"))
        .args([
            "score",
            p(&shipped_data()),
            "--rubric",
            p(&shipped_rubric()),
            "--detail",
            "linkages,indicators",
            "--format",
            "csv",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn linkscore");
    let stdout = child.stdout.take().unwrap();
    let mut reader = BufReader::new(stdout);
    let mut first = String::new();
    reader.read_line(&mut first).unwrap();
    assert!(first.starts_with("rank,id,"), "{first}");
    drop(reader);
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "stderr:\n{stderr}");
    assert_clean_stderr(&stderr);
    assert!(!stderr.to_lowercase().contains("broken pipe"), "{stderr}");
}

// ---------------------------------------------------------------------------
// check

#[test]
fn check_accepts_a_good_rubric_and_data() {
    let r = ok(ls(&["check", "--rubric", p(&small_toml())]));
    assert!(r.stdout.to_lowercase().contains("ok"), "{}", r.stdout);
    let r = ok(ls(&["check", "--rubric", p(&small_toml()), p(&small_csv())]));
    assert!(r.stdout.to_lowercase().contains("ok"), "{}", r.stdout);
    ok(ls(&["check", "--rubric", p(&shipped_rubric())]));
}

#[test]
fn check_rejects_bad_rubric_and_bad_data() {
    let dir = tmp();
    write(
        dir.path(),
        "bad.toml",
        edited(&small_toml_text(), "weight = 0.3", "weight = -0.3"),
    );
    let e = fails(ls_in(dir.path(), &["check", "--rubric", "bad.toml"]), 1);
    assert_mentions(&e, &["bad.toml"]);
    let e = fails(
        ls_in(dir.path(), &["check", "--rubric", "bad.toml", p(&small_csv())]),
        1,
    );
    assert_mentions(&e, &["bad.toml"]);
    write(dir.path(), "bad.csv", edited(&small_csv_text(), ",58.0,", ",58.o,"));
    let e = fails(
        ls_in(dir.path(), &["check", "--rubric", p(&small_toml()), "bad.csv"]),
        1,
    );
    assert_mentions(&e, &["bad.csv", "58.o"]);
    // What only scoring shows (a log of 0, a missing cell under "error") is caught too.
    write(
        dir.path(),
        "log0.csv",
        edited(&small_csv_text(), "坪坝乡,0.8,", "坪坝乡,0,"),
    );
    fails(
        ls_in(dir.path(), &["check", "--rubric", p(&small_toml()), "log0.csv"]),
        1,
    );
    write(
        dir.path(),
        "strict.toml",
        edited(&small_toml_text(), "missing = \"reweight\"", "missing = \"error\""),
    );
    fails(
        ls_in(dir.path(), &["check", "--rubric", "strict.toml", p(&small_csv())]),
        1,
    );
    fails(ls_in(dir.path(), &["check", "--rubric", "nope.toml"]), 1);
    fails(
        ls_in(dir.path(), &["check", "--rubric", p(&small_toml()), "nope.csv"]),
        1,
    );
}

// ---------------------------------------------------------------------------
// weights

fn check_weights_csv(out: &str, dims: usize, inds: usize) -> Vec<Vec<String>> {
    let (h, rows) = parse_csv(out);
    assert_eq!(h, ["level", "id", "parent", "weight", "global_weight"]);
    assert_eq!(rows.len(), dims + inds, "{out}");
    let num = |s: &str| s.parse::<f64>().unwrap_or_else(|_| panic!("{s:?} is not a number"));
    let dim_rows: Vec<_> = rows.iter().filter(|r| r[0] == "dimension").collect();
    let ind_rows: Vec<_> = rows.iter().filter(|r| r[0] == "indicator").collect();
    assert_eq!(dim_rows.len(), dims);
    assert_eq!(ind_rows.len(), inds);
    assert!(dim_rows.iter().all(|r| r[2].is_empty()), "dimensions have no parent");
    let dim_sum: f64 = dim_rows.iter().map(|r| num(&r[3])).sum();
    assert!((dim_sum - 1.0).abs() < 1e-12, "dimension weights sum to {dim_sum}");
    let global_sum: f64 = ind_rows.iter().map(|r| num(&r[4])).sum();
    assert!((global_sum - 1.0).abs() < 1e-12, "global weights sum to {global_sum}");
    // global = dimension weight × weight inside the dimension.
    for r in &ind_rows {
        let parent = dim_rows
            .iter()
            .find(|d| d[1] == r[2])
            .unwrap_or_else(|| panic!("unknown parent {}", r[2]));
        let expected = num(&parent[3]) * num(&r[3]);
        assert!((num(&r[4]) - expected).abs() < 1e-12, "{r:?}");
    }
    rows
}

#[test]
fn weights_lists_dimensions_and_indicators() {
    let rubric = small_toml();
    let with_data = ok(ls(&["weights", p(&small_csv()), "--rubric", p(&rubric)])).stdout;
    let rows = check_weights_csv(&with_data, 3, 6);
    let find = |id: &str| rows.iter().find(|r| r[1] == id).unwrap().clone();
    assert_eq!(find("industry")[3], "0.4");
    assert_eq!(find("collective_income")[2], "industry");
    assert_eq!(find("collective_income")[3], "0.5"); // 2 of 1 + 1 + 2
    assert_eq!(find("toilet_rate")[3], "1");
    assert_eq!(
        rows.iter().map(|r| r[1].as_str()).collect::<Vec<_>>(),
        [
            "industry",
            "ecology",
            "prosperity",
            "collective_income",
            "lead_industry_share",
            "fund_execution",
            "toilet_rate",
            "engel",
            "income"
        ]
    );
    // Without data for an explicit rubric: the same weights.
    let without = ok(ls(&["weights", "--rubric", p(&rubric)])).stdout;
    assert_eq!(without, with_data);
    // The shipped rubric: 5 dimensions, 35 indicators.
    let shipped = ok(ls(&["weights", p(&shipped_data()), "--rubric", p(&shipped_rubric())])).stdout;
    check_weights_csv(&shipped, 5, 35);
    // Table format names the method, in the rubric's language (small.toml is
    // Chinese), and each id beside its name.
    let table = ok(ls(&["weights", "--rubric", p(&rubric), "-f", "table"])).stdout;
    assert_mentions(
        &table,
        &[
            "赋权方法：给定权重",
            "collective_income",
            "村集体经营性收入",
            "全局权重",
        ],
    );
}

#[test]
fn weights_from_data_need_the_data() {
    let dir = tmp();
    write(
        dir.path(),
        "entropy.toml",
        edited(
            &small_toml_text(),
            "missing = \"reweight\"",
            "missing = \"reweight\"\nweighting = \"entropy\"",
        ),
    );
    let out = ok(ls_in(
        dir.path(),
        &["weights", p(&small_csv()), "--rubric", "entropy.toml"],
    ))
    .stdout;
    check_weights_csv(&out, 3, 6);
    let e = fails(ls_in(dir.path(), &["weights", "--rubric", "entropy.toml"]), 2);
    assert_mentions(&e, &["entropy"]);
}

// ---------------------------------------------------------------------------
// init

#[test]
fn init_writes_a_working_rubric_and_data() {
    let dir = tmp();
    let target = dir.path().join("new-project");
    let t = p(&target);
    ok(ls(&["init", t]));
    let rubric = target.join("linkage.toml");
    let data = target.join("villages.csv");
    assert_eq!(
        std::fs::read_to_string(&rubric).unwrap(),
        std::fs::read_to_string(shipped_rubric()).unwrap()
    );
    assert!(data.exists());
    let out = ok(ls(&["score", p(&data), "--rubric", p(&rubric)])).stdout;
    assert!(out.starts_with("rank,id,label,group,group_rank,score,coverage,grade,"));
    assert!(lines(&out).len() > 10);

    // A second init refuses and changes nothing.
    std::fs::write(&rubric, "# my own edits\n").unwrap();
    std::fs::write(&data, "mine\n").unwrap();
    let e = fails(ls(&["init", t]), 1);
    assert_mentions(&e, &["linkage.toml"]);
    assert_mentions_any(&e, &["--force", "force"]);
    assert_eq!(std::fs::read_to_string(&rubric).unwrap(), "# my own edits\n");
    assert_eq!(std::fs::read_to_string(&data).unwrap(), "mine\n");

    // Only one of the two there: still refuses, and does not write the other.
    std::fs::remove_file(&data).unwrap();
    fails(ls(&["init", t]), 1);
    assert!(!data.exists(), "init wrote villages.csv although it refused");
    assert_eq!(std::fs::read_to_string(&rubric).unwrap(), "# my own edits\n");

    // --force overwrites.
    ok(ls(&["init", t, "--force"]));
    assert_eq!(
        std::fs::read_to_string(&rubric).unwrap(),
        std::fs::read_to_string(shipped_rubric()).unwrap()
    );
    ok(ls(&["score", p(&data), "--rubric", p(&rubric)]));
}

#[test]
fn init_defaults_to_the_current_directory() {
    let dir = tmp();
    ok(ls_in(dir.path(), &["init"]));
    assert!(dir.path().join("linkage.toml").exists());
    assert!(dir.path().join("villages.csv").exists());
    ok(ls_in(
        dir.path(),
        &["score", "villages.csv", "--rubric", "linkage.toml"],
    ));
}

// ---------------------------------------------------------------------------
// Exit codes and the command line

#[test]
fn bad_command_lines_exit_2() {
    let dir = tmp();
    let data = small_csv();
    let rubric = small_toml();
    let out = dir.path().join("out.csv");
    let cases: Vec<Vec<&str>> = vec![
        vec!["score", p(&data), "--rubric", p(&rubric), "--bogus"],
        vec!["frobnicate"],
        vec!["score", p(&data), "--rubric", p(&rubric), "--format", "xml"],
        vec!["score", "--rubric", p(&rubric)],
        vec!["score", p(&data), "--rubric", p(&rubric), "--top", "many"],
        vec!["score", p(&data), "--rubric", p(&rubric), "--detail", "everything"],
        vec!["score", p(&data), "--rubric"],
        vec!["weights", "--rubric", p(&rubric), "--format", "xml"],
        vec!["init", "a", "b"],
    ];
    for args in &cases {
        let mut with_output = args.clone();
        with_output.extend_from_slice(&["--output", p(&out)]);
        for a in [args, &with_output] {
            let r = ls(a);
            assert_eq!(r.code, 2, "{a:?} exited {}:\n{}", r.code, r.stderr);
            assert!(r.raw_stdout.is_empty(), "{a:?} wrote to stdout");
            assert_clean_stderr(&r.stderr);
            assert!(!r.stderr.trim().is_empty());
            assert!(!out.exists(), "{a:?} created the output file");
        }
    }
    // Standard input named twice is a command-line mistake too.
    let r = run(support::linkscore()
        .args(["score", "-", "-", "--rubric", p(&rubric)])
        .write_stdin(small_csv_text()));
    fails(r, 2);
}

#[test]
fn help_and_version_succeed() {
    let h = ok(ls(&["--help"]));
    assert_mentions(&h.stdout, &["score", "check", "weights", "init"]);
    let h = ok(ls(&["score", "--help"]));
    assert_mentions(&h.stdout, &["--rubric", "--format", "--output", "--top", "--detail"]);
    let v = ok(ls(&["--version"]));
    assert!(v.stdout.contains(env!("CARGO_PKG_VERSION")), "{}", v.stdout);
}

#[test]
fn a_failed_run_leaves_output_files_alone() {
    let dir = tmp();
    write(dir.path(), "bad.csv", edited(&small_csv_text(), ",58.0,", ",58.o,"));
    write(
        dir.path(),
        "bad.toml",
        edited(&small_toml_text(), "direction = \"lower\"", "directon = \"lower\""),
    );
    let existing = write(dir.path(), "existing.csv", "precious results\n");
    for (data, rubric) in [
        ("bad.csv", p(&small_toml())),
        (p(&small_csv()), "bad.toml"),
        ("missing.csv", p(&small_toml())),
    ] {
        for target in ["new.csv", "new.json", "new.md", "new.jsonl", "existing.csv"] {
            let r = ls_in(dir.path(), &["score", data, "--rubric", rubric, "--output", target]);
            fails(r, 1);
            if target != "existing.csv" {
                assert!(
                    !dir.path().join(target).exists(),
                    "{target} was created by a failed run"
                );
            }
        }
        assert_eq!(std::fs::read_to_string(&existing).unwrap(), "precious results\n");
    }
    let names: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    let mut names = names;
    names.sort();
    assert_eq!(names, ["bad.csv", "bad.toml", "existing.csv"]);
}

#[test]
fn output_into_a_missing_directory_is_an_error() {
    let dir = tmp();
    let target = dir.path().join("no").join("such").join("dir.csv");
    let e = fails(
        ls(&["score", p(&small_csv()), "--rubric", p(&small_toml()), "-o", p(&target)]),
        1,
    );
    assert_mentions(&e, &["dir.csv"]);
}

// ---------------------------------------------------------------------------
// Bad rubrics: each names the file, line and column and what was expected.

/// Writes `text` as `rubric.toml` and runs `check` and `score --output` on
/// it: both exit 1, nothing on stdout, no output file. Returns the message.
fn bad_rubric(text: &str) -> String {
    let dir = tmp();
    write(dir.path(), "rubric.toml", text);
    let check = fails(ls_in(dir.path(), &["check", "--rubric", "rubric.toml"]), 1);
    let score = fails(
        ls_in(
            dir.path(),
            &["score", p(&small_csv()), "--rubric", "rubric.toml", "-o", "out.csv"],
        ),
        1,
    );
    assert!(!dir.path().join("out.csv").exists());
    assert_eq!(check, score, "check and score report the rubric differently");
    assert_mentions(&check, &["rubric.toml"]);
    check
}

fn assert_has_line_col(message: &str, file: &str) {
    let re = predicates::str::is_match(format!(r"{}:\d+:\d+", regex_escape(file))).unwrap();
    assert!(re.eval(message), "no {file}:LINE:COLUMN in:\n{message}");
}

fn regex_escape(s: &str) -> String {
    s.chars()
        .flat_map(|c| {
            if "\\.+*?()|[]{}^$".contains(c) {
                vec!['\\', c]
            } else {
                vec![c]
            }
        })
        .collect()
}

#[test]
fn rubric_unknown_key_names_it_with_position_and_suggestion() {
    let text = edited(&small_toml_text(), "direction = \"lower\"", "directon = \"lower\"");
    let e = bad_rubric(&text);
    assert_mentions(
        &e,
        &[
            "directon",
            &location("rubric.toml", &text, "directon"),
            "did you mean `direction`",
        ],
    );
    // In [rubric] too.
    let text = edited(&small_toml_text(), "missing = \"reweight\"", "mising = \"reweight\"");
    let e = bad_rubric(&text);
    assert_mentions(
        &e,
        &[
            "mising",
            &location("rubric.toml", &text, "mising"),
            "did you mean `missing`",
        ],
    );
    // An unknown top-level table.
    let text = format!("{}\n[couplng]\n", small_toml_text());
    let e = bad_rubric(&text);
    assert_mentions(&e, &["couplng"]);
    assert_has_line_col(&e, "rubric.toml");
}

#[test]
fn rubric_unknown_value_suggests_the_closest() {
    let text = edited(&small_toml_text(), "direction = \"lower\"", "direction = \"lowr\"");
    let e = bad_rubric(&text);
    assert_mentions(&e, &["lowr", "did you mean `lower`"]);
    assert_has_line_col(&e, "rubric.toml");
}

#[test]
fn rubric_negative_weight() {
    let text = edited(&small_toml_text(), "weight = 0.3", "weight = -0.3");
    let e = bad_rubric(&text);
    assert_mentions(&e, &["-0.3", "ecology", &location("rubric.toml", &text, "-0.3")]);
    assert_mentions_any(&e, &["≥ 0", ">= 0", "negative"]);
    // Indicator weights too.
    let text = edited(&small_toml_text(), "weight = 2", "weight = -2");
    let e = bad_rubric(&text);
    assert_mentions(&e, &["collective_income", &location("rubric.toml", &text, "-2")]);
}

#[test]
fn rubric_zero_weight_sum() {
    // All dimension weights zero.
    let mut text = small_toml_text();
    for w in ["weight = 0.4", "weight = 0.3", "weight = 0.3"] {
        text = edited(&text, w, "weight = 0");
    }
    let e = bad_rubric(&text);
    assert_mentions(&e, &["dimension"]);
    assert_mentions_any(&e, &["sum", "add up"]);
    assert_has_line_col(&e, "rubric.toml");
    // All indicator weights inside one dimension zero.
    let text = edited(
        &small_toml_text(),
        "dimension = \"ecology\"\n",
        "dimension = \"ecology\"\nweight = 0\n",
    );
    let e = bad_rubric(&text);
    assert_mentions(&e, &["ecology"]);
    assert_mentions_any(&e, &["sum", "add up"]);
    assert_has_line_col(&e, "rubric.toml");
}

#[test]
fn rubric_ids_unique_across_kinds() {
    // An indicator with a dimension's id.
    let text = edited(&small_toml_text(), "id = \"engel\"", "id = \"ecology\"");
    let e = bad_rubric(&text);
    // The message points at the second use (the indicator's id).
    let second = text.rfind("id = \"ecology\"").unwrap();
    let line = text[..second].matches('\n').count() + 1;
    assert_mentions(&e, &["ecology", &format!("rubric.toml:{line}:")]);
    assert_mentions_any(&e, &["twice", "unique", "duplicate", "already"]);
    // A linkage with an indicator's id.
    let text = edited(&small_toml_text(), "id = \"funds\"", "id = \"income\"");
    let text = text.replace("linkage = \"funds\"", "linkage = \"economy\"");
    let e = bad_rubric(&text);
    assert_mentions(&e, &["income"]);
    assert_mentions_any(&e, &["twice", "unique", "duplicate", "already"]);
}

#[test]
fn rubric_reserved_ids() {
    for reserved in ["score", "rank", "coverage", "coordination_grade", "engel_change"] {
        let text = edited(&small_toml_text(), "id = \"engel\"", &format!("id = \"{reserved}\""));
        let e = bad_rubric(&text);
        assert_mentions(
            &e,
            &[reserved, &location("rubric.toml", &text, &format!("\"{reserved}\""))],
        );
    }
    let text = edited(&small_toml_text(), "id = \"engel\"", "id = \"恩格尔\"");
    let e = bad_rubric(&text);
    assert_mentions(&e, &["恩格尔", "ASCII"]);
}

#[test]
fn rubric_unknown_dimension_reference_suggests() {
    let text = edited(&small_toml_text(), "dimension = \"ecology\"", "dimension = \"ecolgy\"");
    let e = bad_rubric(&text);
    assert_mentions(
        &e,
        &[
            "ecolgy",
            "toilet_rate",
            &location("rubric.toml", &text, "\"ecolgy\""),
            "did you mean `ecology`",
        ],
    );
    // Unknown linkage, unknown coupling dimension.
    let text = edited(&small_toml_text(), "linkage = \"funds\"", "linkage = \"fund\"");
    assert_mentions(&bad_rubric(&text), &["fund", "did you mean `funds`"]);
    let text = edited(
        &small_toml_text(),
        "[coupling]\n",
        "[coupling]\ndimensions = [\"industry\", \"prosprity\"]\n",
    );
    assert_mentions(&bad_rubric(&text), &["prosprity", "did you mean `prosperity`"]);
}

#[test]
fn rubric_goalposts_missing_reversed_or_malformed() {
    let text = edited(&small_toml_text(), "goalposts = [40, 100]\n", "");
    let e = bad_rubric(&text);
    assert_mentions(&e, &["toilet_rate", "goalposts"]);
    assert_has_line_col(&e, "rubric.toml");

    let text = edited(&small_toml_text(), "goalposts = [40, 100]", "goalposts = [100, 40]");
    let e = bad_rubric(&text);
    assert_mentions(&e, &["toilet_rate", &location("rubric.toml", &text, "[100, 40]")]);
    assert_mentions_any(&e, &["low", "below", "less"]);

    let text = edited(&small_toml_text(), "goalposts = [40, 100]", "goalposts = [40, 40]");
    assert_mentions(&bad_rubric(&text), &["toilet_rate"]);
    let text = edited(&small_toml_text(), "goalposts = [40, 100]", "goalposts = [40]");
    assert_mentions(&bad_rubric(&text), &["toilet_rate"]);
    let text = edited(&small_toml_text(), "goalposts = [40, 100]", "goalposts = [nan, 100]");
    assert_mentions(&bad_rubric(&text), &["toilet_rate"]);
    // log goalposts must be in the log's domain.
    let text = edited(&small_toml_text(), "goalposts = [1, 100]", "goalposts = [0, 100]");
    assert_mentions(&bad_rubric(&text), &["collective_income", "log"]);
}

#[test]
fn rubric_grades_must_decrease() {
    let text = edited(&small_toml_text(), "min = 70", "min = 90");
    let e = bad_rubric(&text);
    assert_mentions(&e, &["良好", &location("rubric.toml", &text, "90\n")]);
    assert_mentions_any(&e, &["decreasing", "below"]);
    let text = edited(&small_toml_text(), "min = 70", "min = 85");
    assert_mentions(&bad_rubric(&text), &["良好"]);
}

#[test]
fn rubric_toml_syntax_error_points_at_the_spot() {
    let text = edited(&small_toml_text(), "scale = 100", "scale = = 100");
    let e = bad_rubric(&text);
    let line = text[..text.find("scale = =").unwrap()].matches('\n').count() + 1;
    assert_mentions(&e, &[&format!("rubric.toml:{line}:")]);
    // Unterminated string.
    let text = edited(&small_toml_text(), "name = \"产业兴旺\"", "name = \"产业兴旺");
    let e = bad_rubric(&text);
    let line = text[..text.find("name = \"产业兴旺").unwrap()].matches('\n').count() + 1;
    assert_mentions(&e, &[&format!("rubric.toml:{line}:")]);
    // Not TOML at all, and empty.
    assert_has_line_col(&bad_rubric("this is not toml\n"), "rubric.toml");
    bad_rubric("");
}

#[test]
fn rubric_missing_required_parts() {
    // No id column.
    let text = edited(&small_toml_text(), "id = \"编号\"\n", "");
    assert_mentions(&bad_rubric(&text), &["id"]);
    // An indicator without a dimension.
    let text = edited(&small_toml_text(), "dimension = \"ecology\"\n", "");
    assert_mentions(&bad_rubric(&text), &["dimension"]);
    // Wrong type.
    let text = edited(&small_toml_text(), "weight = 0.3", "weight = \"heavy\"");
    assert_has_line_col(&bad_rubric(&text), "rubric.toml");
}

#[test]
fn rubric_file_problems() {
    let dir = tmp();
    let e = fails(ls_in(dir.path(), &["check", "--rubric", "nope.toml"]), 1);
    assert_mentions(&e, &["nope.toml"]);
    let e = fails(
        ls_in(dir.path(), &["score", p(&small_csv()), "--rubric", "nope.toml"]),
        1,
    );
    assert_mentions(&e, &["nope.toml"]);
    write(
        dir.path(),
        "gbk.toml",
        encoding_rs::GB18030.encode(&small_toml_text()).0.as_ref(),
    );
    let e = fails(ls_in(dir.path(), &["check", "--rubric", "gbk.toml"]), 1);
    assert_mentions(&e, &["gbk.toml", "UTF-8"]);
    // A BOM is fine.
    write(
        dir.path(),
        "bom.toml",
        [b"\xEF\xBB\xBF".as_slice(), small_toml_text().as_bytes()].concat(),
    );
    ok(ls_in(dir.path(), &["check", "--rubric", "bom.toml"]));
}

// ---------------------------------------------------------------------------
// Bad data: each names the file, row and column and the cell.

/// Writes `csv` as `data.csv` and scores it with `rubric` (default: the
/// small one) in a temporary directory: exit 1, nothing on stdout, no output
/// file, an existing output untouched, and `check` agrees. Returns the message.
fn bad_data_with(csv: impl AsRef<[u8]>, rubric: Option<&str>) -> String {
    let dir = tmp();
    write(dir.path(), "data.csv", csv);
    let rubric_path = match rubric {
        Some(text) => write(dir.path(), "rubric.toml", text),
        None => small_toml(),
    };
    let r = p(&rubric_path);
    let e = fails(
        ls_in(dir.path(), &["score", "data.csv", "--rubric", r, "-o", "out.json"]),
        1,
    );
    assert!(!dir.path().join("out.json").exists(), "a failed run created its output");
    write(dir.path(), "kept.csv", "kept\n");
    fails(
        ls_in(dir.path(), &["score", "data.csv", "--rubric", r, "-o", "kept.csv"]),
        1,
    );
    assert_eq!(std::fs::read_to_string(dir.path().join("kept.csv")).unwrap(), "kept\n");
    fails(ls_in(dir.path(), &["check", "--rubric", r, "data.csv"]), 1);
    e
}

fn bad_data(csv: impl AsRef<[u8]>) -> String {
    bad_data_with(csv, None)
}

#[test]
fn data_non_numeric_cell_names_file_row_column_and_text() {
    // AP002 is on row 3 (header = 1); 卫生厕所普及率 is the 8th column.
    let e = bad_data(edited(&small_csv_text(), ",58.0,", ",58.o,"));
    assert_mentions(&e, &["data.csv:3:8", "卫生厕所普及率", "58.o"]);
    let e = bad_data(edited(&small_csv_text(), ",9200", ",九千二"));
    assert_mentions(&e, &["data.csv:8:10", "人均可支配收入（元）", "九千二"]);
    // Ambiguous separators and units are not numbers either.
    for cell in ["1,5", "12元", "0x10", "1.2.3", "1e999"] {
        let csv = edited(&small_csv_text(), ",58.0,", &format!(",\"{cell}\","));
        let e = bad_data(csv);
        assert_mentions(&e, &["data.csv:3:8", cell]);
    }
}

#[test]
fn data_nan_and_inf_are_not_numbers() {
    for cell in ["NaN", "nan", "inf", "-inf", "Infinity", "+inf"] {
        let e = bad_data(edited(&small_csv_text(), ",58.0,", &format!(",{cell},")));
        assert_mentions(&e, &["data.csv:3:8", cell]);
    }
}

#[test]
fn data_missing_column_names_it_and_suggests_the_closest_header() {
    let text = small_csv_text();
    let header = text.lines().next().unwrap();
    // A unit written differently: suggested.
    let e = bad_data(edited(&text, header, &header.replace("（元）", "（万元）")));
    assert_mentions(&e, &["data.csv", "人均可支配收入（元）", "人均可支配收入（万元）"]);
    assert_mentions_any(&e, &["did you mean", "closest"]);
    // A typo.
    let e = bad_data(edited(&text, header, &header.replace("恩格尔系数", "恩格尔系素")));
    assert_mentions(&e, &["恩格尔系数", "恩格尔系素"]);
    // Half-width parentheses where the rubric has full-width ones, and
    // full-width letters in an ASCII header, match (SPEC: NFKC).
    let dir = tmp();
    write(
        dir.path(),
        "half.csv",
        edited(&text, header, &header.replace("（元）", "(元)")),
    );
    let rubric = edited(&small_toml_text(), "column = \"恩格尔系数\"", "column = \"Engel\"");
    write(dir.path(), "engel.toml", rubric);
    write(
        dir.path(),
        "wide.csv",
        edited(&text, header, &header.replace("恩格尔系数", "Ｅｎｇｅｌ")),
    );
    ok(ls_in(dir.path(), &["score", "half.csv", "--rubric", p(&small_toml())]));
    ok(ls_in(dir.path(), &["score", "wide.csv", "--rubric", "engel.toml"]));
    // The id, label and group columns are needed too.
    let e = bad_data(edited(&text, header, &header.replace("编号", "村编号")));
    assert_mentions(&e, &["编号"]);
    let e = bad_data(edited(&text, header, &header.replace("县,", "县区,")));
    assert_mentions(&e, &["县"]);
}

#[test]
fn data_duplicate_id_names_both_rows() {
    let e = bad_data(edited(&small_csv_text(), "QH002,", "AP002,"));
    assert_mentions(&e, &["AP002", "data.csv:3", "data.csv:7"]);
    // Across two files.
    let dir = tmp();
    let text = small_csv_text();
    let all: Vec<&str> = text.lines().collect();
    write(dir.path(), "a.csv", format!("{}\n", all[..4].join("\n")));
    write(dir.path(), "b.csv", format!("{}\n{}\n", all[0], all[2..].join("\n")));
    let e = fails(score_csv_in(dir.path(), &["a.csv", "b.csv"]), 1);
    assert_mentions(&e, &["AP002", "a.csv:3", "b.csv:2"]);
    // The same file twice.
    let e = fails(score_csv_in(dir.path(), &["a.csv", "a.csv"]), 1);
    assert_mentions(&e, &["AP001"]);
}

#[test]
fn data_ragged_rows() {
    let more = bad_data(edited(&small_csv_text(), ",9200\n", ",9200,1\n"));
    assert_mentions(&more, &["data.csv:8", "11", "10"]);
    let fewer = bad_data(edited(&small_csv_text(), ",9200\n", "\n"));
    assert_mentions(&fewer, &["data.csv:8", "9", "10"]);
    // An open quote swallows the rest of the file.
    let quote = bad_data(edited(&small_csv_text(), ",58.0,", ",\"58.0,"));
    assert_mentions(&quote, &["data.csv"]);
}

#[test]
fn data_empty_header_only_and_blank_id() {
    let e = bad_data("");
    assert_mentions(&e, &["data.csv"]);
    assert_mentions_any(&e, &["empty", "no header"]);
    let e = bad_data("\n\n");
    assert_mentions(&e, &["data.csv"]);
    let header = small_csv_text().lines().next().unwrap().to_string();
    let e = bad_data(format!("{header}\n"));
    assert_mentions(&e, &["data.csv"]);
    assert_mentions_any(&e, &["no data", "no rows", "no units"]);
    let e = bad_data(header.clone());
    assert_mentions_any(&e, &["no data", "no rows", "no units"]);
    let e = bad_data(edited(&small_csv_text(), "QH002,", ","));
    assert_mentions(&e, &["data.csv:7", "编号"]);
    let e = bad_data(edited(&small_csv_text(), "QH002,", "  ,"));
    assert_mentions(&e, &["data.csv:7"]);
}

#[test]
fn data_missing_cell_under_missing_error_names_row_and_column() {
    let strict = edited(&small_toml_text(), "missing = \"reweight\"", "missing = \"error\"");
    // AP004's `/` is on row 5, column 7 (衔接资金预算执行率).
    let e = bad_data_with(small_csv_text(), Some(&strict));
    assert_mentions(&e, &["data.csv:5:7", "衔接资金预算执行率"]);
    // An empty cell too.
    let e = bad_data_with(edited(&small_csv_text(), ",58.0,", ",,"), Some(&strict));
    assert_mentions(&e, &["data.csv:3:8", "卫生厕所普及率"]);
}

#[test]
fn data_log_of_a_non_positive_value_names_the_cell() {
    for bad in ["0", "-3"] {
        let e = bad_data(edited(&small_csv_text(), "坪坝乡,0.8,", &format!("坪坝乡,{bad},")));
        assert_mentions(&e, &["data.csv:8:5", "村集体经营性收入（万元）", "log"]);
    }
}

#[test]
fn data_file_problems() {
    let dir = tmp();
    let e = fails(score_csv_in(dir.path(), &["nope.csv"]), 1);
    assert_mentions(&e, &["nope.csv"]);
    let e = fails(score_csv_in(dir.path(), &[p(dir.path())]), 1);
    assert_mentions_any(&e, &["directory", p(dir.path())]);
    // One good and one missing file: nothing is written.
    let e = fails(score_csv_in(dir.path(), &[p(&small_csv()), "nope.csv"]), 1);
    assert_mentions(&e, &["nope.csv"]);
}

#[test]
fn data_undecodable_bytes_are_an_error() {
    let text = small_csv_text();
    // 0xFF is neither UTF-8 nor GB18030.
    let at = text.find("老营村").unwrap();
    let bytes = [&text.as_bytes()[..at], b"\xFF\xFF", &text.as_bytes()[at..]].concat();
    let e = bad_data(bytes);
    assert_mentions(&e, &["data.csv"]);
    assert_mentions_any(&e, &["UTF-8", "GB18030", "GBK", "encoding"]);
    // UTF-16 (Excel's "Unicode text").
    let mut utf16 = vec![0xFF, 0xFE];
    for u in text.encode_utf16() {
        utf16.extend_from_slice(&u.to_le_bytes());
    }
    let e = bad_data(utf16);
    assert_mentions(&e, &["data.csv"]);
    // Binary garbage.
    let e = bad_data((0u8..=255).cycle().take(2000).collect::<Vec<u8>>());
    assert_mentions(&e, &["data.csv"]);
}

// ---------------------------------------------------------------------------
// Messy cells that must be accepted

#[test]
fn messy_numbers_read_as_plain_numbers() {
    let text = small_csv_text();
    let messy = [
        (",22.05,", ",  22.05 ,"), // surrounding spaces
        (",75.7,", ",75.7%,"),     // trailing %
        (",32.8,", ",３２．８,"),  // full-width digits and point
        (",27979", ",２７９７９"), // full-width digits
        (",18047", ",\"18,047\""), // thousands separator in quotes
        (",16500\nQH002", ",\" 16,500.0 \"\nQH002"),
        (",93.8,", ",\u{3000}93.8\u{3000},"), // ideographic spaces
        (",45.0,", ",45.0 %,"),
    ];
    let mut m = text.clone();
    for (from, to) in messy {
        m = edited(&m, from, to);
    }
    let dir = tmp();
    write(dir.path(), "messy.csv", &m);
    let r = ok(score_csv_in(dir.path(), &["messy.csv"]));
    assert_eq!(r.stdout, small_reference_csv());
}

#[test]
fn slash_and_dash_are_missing_under_reweight() {
    let text = small_csv_text();
    let dir = tmp();
    // The reference: the same cells left empty.
    let empty = edited(&edited(&text, ",/,", ",,"), ",58.0,", ",,");
    write(dir.path(), "empty.csv", &empty);
    let reference = ok(score_csv_in(dir.path(), &["empty.csv"]));
    for (a, b) in [("/", "—"), ("—", "/"), (" / ", "N/A"), ("NA", "-"), ("…", "n/a")] {
        let t = edited(&edited(&text, ",/,", &format!(",{a},")), ",58.0,", &format!(",{b},"));
        write(dir.path(), "na.csv", &t);
        let r = ok(score_csv_in(dir.path(), &["na.csv"]));
        assert_eq!(r.stdout, reference.stdout, "{a:?} / {b:?}");
        assert!(
            r.stderr.contains('2'),
            "the warning counts 2 missing cells:\n{}",
            r.stderr
        );
    }
    let (h, rows) = parse_csv(&reference.stdout);
    let ap002 = rows.iter().find(|r| r[1] == "AP002").unwrap();
    // AP002 lost its only ecology indicator: the dimension is missing, the
    // score is reweighted over the other two, and coverage is 5/6.
    assert_eq!(ap002[col(&h, "ecology")], "");
    assert!(!ap002[col(&h, "score")].is_empty());
    assert_eq!(ap002[col(&h, "coverage")].parse::<f64>().unwrap(), 5.0 / 6.0);
}

#[test]
fn blank_rows_below_the_table_are_ignored() {
    let dir = tmp();
    write(
        dir.path(),
        "trailing.csv",
        format!("{}\n,,,,,,,,,\n\n", small_csv_text().trim_end()),
    );
    let r = ok(score_csv_in(dir.path(), &["trailing.csv"]));
    assert_eq!(r.stdout, small_reference_csv());
}
