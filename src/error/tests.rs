//! Unit tests of errors: the renderer's shapes, snippets, suggestions, and
//! the kinds and locations the library's errors carry.

use super::*;
use unicode_width::UnicodeWidthStr;

/// A rubric error at `span` of `text`, as shown.
fn pointed(path: &str, text: &str, span: std::ops::Range<usize>, message: &str) -> String {
    Error::rubric(message)
        .at(Location::source(path, text, span))
        .to_string()
}

#[test]
fn echo_escapes_control_characters_and_cuts_long_text() {
    assert_eq!(echo("a\u{1b}[31mb\n"), "a\\u{1b}[31mb\\u{a}");
    assert_eq!(echo("暂无"), "暂无");
    let long = "数".repeat(250);
    let shown = echo(&long);
    assert_eq!(shown.chars().count(), ECHO_CHARS + 1);
    assert!(shown.ends_with("数…"));
    assert_eq!(echo(&"x".repeat(200)), "x".repeat(200));
}

#[test]
fn line_col_counts_characters_not_bytes() {
    let text = "a = 1\n名称 = 2\n";
    assert_eq!(line_col(text, 0), (1, 1));
    let off = text.find('=').unwrap();
    assert_eq!(line_col(text, off), (1, 3));
    let off2 = text.rfind('=').unwrap();
    assert_eq!(line_col(text, off2), (2, 4));
}

#[test]
fn caret_aligns_under_wide_characters() {
    let text = "名称 = -1\n";
    let start = text.find('-').unwrap();
    let msg = pointed("r.toml", text, start..start + 2, "bad");
    let lines: Vec<&str> = msg.lines().collect();
    assert_eq!(lines[3], "1 | 名称 = -1");
    // "名称 = " is 7 columns wide: the caret starts at column 8 after "  | ".
    assert_eq!(lines[4], "  |        ^^");
}

#[test]
fn a_long_line_is_cut_around_the_caret() {
    let text = format!("name = \"{}\" {}\n", "x".repeat(400_000), "y".repeat(400_000));
    let start = text.find('y').unwrap();
    let msg = pointed("r.toml", &text, start..start + 1, "bad");
    assert!(msg.len() < 1000, "{} bytes", msg.len());
    let lines: Vec<&str> = msg.lines().collect();
    assert_eq!(lines[1], " --> r.toml:1:400011");
    // 40 columns before the caret after "…", then the marked `y`.
    let shown = lines[3].strip_prefix("1 | ").unwrap();
    assert!(shown.starts_with('…') && shown.ends_with('…'), "{shown}");
    let caret = lines[4].strip_prefix("  | ").unwrap();
    assert_eq!(caret, format!("{}^", " ".repeat(41)));
    assert_eq!(shown.chars().nth(41), Some('y'), "{shown}");
    assert_eq!(shown.chars().nth(39), Some('"'), "{shown}");
}

#[test]
fn a_long_mark_is_cut_and_wide_characters_still_align() {
    let text = format!("{}= {}\n", "名".repeat(100), "z".repeat(500));
    let start = text.find('z').unwrap();
    let msg = pointed("r.toml", &text, start..start + 500, "bad");
    let lines: Vec<&str> = msg.lines().collect();
    let shown = lines[3].strip_prefix("1 | ").unwrap();
    let caret = lines[4].strip_prefix("  | ").unwrap();
    // Before the caret: "…", then as many of "名名…= " as fit in 40 columns.
    let pad = caret.len() - caret.trim_start().len();
    let before: String = shown.chars().take_while(|c| *c != 'z').collect();
    assert_eq!(UnicodeWidthStr::width(before.as_str()), pad, "{shown}\n{caret}");
    assert_eq!(caret.trim_start(), "^".repeat(SNIPPET_MARK));
    assert!(shown.ends_with("z…"), "{shown}");
}

#[test]
fn snippets_escape_control_characters() {
    let text = "a = \u{1b}[31m\tb\n";
    let start = text.find('b').unwrap();
    let msg = pointed("r.toml", text, start..start + 1, "bad");
    let lines: Vec<&str> = msg.lines().collect();
    assert_eq!(lines[3], "1 | a = \\u{1b}[31m b");
    assert_eq!(lines[4], format!("  | {}^", " ".repeat(15)));
}

#[test]
fn messages_reach_the_terminal_without_control_characters() {
    let e = Error::data("unit `v\u{1b}[2J1`").help("\tfix\r");
    assert_eq!(e.to_string(), "error: unit `v\\u{1b}[2J1`\n  = help: \tfix\\u{d}");
    assert_eq!(escape_controls("a\u{9b}b\n"), "a\\u{9b}b\\u{a}");
    assert!(matches!(escape_controls("plain 文字"), Cow::Borrowed(_)));
}

// ------------------------------------------------------------------
// The one renderer: each shape a message takes.

#[test]
fn the_renderer_lays_out_each_part_in_its_place() {
    let plain = Error::usage("the output file name is empty").help("name a file, e.g. -o results.csv");
    assert_eq!(
        plain.to_string(),
        "error: the output file name is empty\n  = help: name a file, e.g. -o results.csv"
    );
    assert_eq!(plain.exit_code(), 2);
    let file = Error::data("f.csv lacks a column the rubric needs")
        .at(Location::line("f.csv", 3))
        .note("  no column `x` (indicator `x`)")
        .help("rename the header(s)")
        .help("or pass --header-row 3");
    assert_eq!(
        file.to_string(),
        "error: f.csv lacks a column the rubric needs\n  --> f.csv:3\n  no column `x` (indicator `x`)\n  = help: rename the header(s)\n  = help: or pass --header-row 3"
    );
    let whole = Error::rubric("invalid rubric: x").at(Location::file("r.toml"));
    assert_eq!(whole.to_string(), "error: invalid rubric: x\n  --> r.toml");
    let cell = Error::data("the id cell (column `id`) is empty")
        .at(Location::cell("f.csv", 7, 1))
        .help("every unit needs an id");
    assert_eq!(
        cell.to_string(),
        "error: f.csv:7:1: the id cell (column `id`) is empty\n  = help: every unit needs an id"
    );
    assert_eq!(cell.headline(), "f.csv:7:1: the id cell (column `id`) is empty");
    assert_eq!(cell.exit_code(), 1);
}

#[test]
fn a_location_the_message_names_itself_is_kept_but_not_shown_twice() {
    let at = Location::Cell(Cell {
        path: "f.csv".into(),
        row: 4,
        column: Some(2),
        header: Some("收入\u{1b}".into()),
        unit: Some("V1".into()),
        period: None,
    });
    assert_eq!(at.to_string(), "f.csv:4:2 (column `收入\\u{1b}`, unit `V1`)");
    let e = Error::data(format!("missing value at {at}")).about(at.clone());
    assert_eq!(e.location(), Some(&at));
    assert_eq!(
        e.to_string(),
        "error: missing value at f.csv:4:2 (column `收入\\u{1b}`, unit `V1`)"
    );
}

#[test]
fn help_under_a_snippet_is_indented_past_its_gutter() {
    let text = format!("{}weight = -1\n", "\n".repeat(11));
    let start = text.find('-').unwrap_or(0);
    let e = Error::rubric("invalid rubric: bad weight")
        .at(Location::source("r.toml", &text, start..start + 2))
        .help("weights are relative");
    assert_eq!(
        e.to_string(),
        "error: invalid rubric: bad weight\n  --> r.toml:12:10\n   |\n12 | weight = -1\n   |          ^^\n   = help: weights are relative"
    );
    let Some(Location::Source(source)) = e.location() else {
        panic!("a source location: {e:?}")
    };
    assert_eq!((source.line, source.column), (12, 10));
}

#[test]
fn a_failed_file_operation_is_an_io_error_with_advice() {
    let missing = std::io::Error::from(std::io::ErrorKind::NotFound);
    let e = Error::io("x.csv", "read the data file", &missing);
    assert_eq!((e.kind(), e.exit_code()), (ErrorKind::Io, 1));
    assert_eq!(
        e.message(),
        "cannot read the data file x.csv: no such file or directory"
    );
    assert_eq!(e.helps(), ["check the path and the current directory"]);
    let other = std::io::Error::other("disk on fire");
    assert_eq!(
        Error::io("x.csv", "read the data file", &other).to_string(),
        "error: cannot read the data file x.csv: disk on fire"
    );
}

#[test]
fn the_suggester_answers_as_closest_does() {
    let headers = ["village_id", "收入(元)", "Income", "incme", "人口", "", "income_x"];
    let mut s = Suggester::new(&headers);
    for wanted in ["income", "收入（元）", "village id", "zzzz", "人", "INCOME", ""] {
        assert_eq!(s.suggest(wanted), closest(wanted, headers), "{wanted}");
    }
}

#[test]
fn the_suggester_stops_at_its_budget() {
    // 2,000 headers of 5 bytes: a lookup of a 6-character name reads
    // them (2,000 × 6 = 12,000) and compares all (2,000 × 5 × 6 =
    // 60,000): 72,000. A budget of 200,000 covers two such lookups; the
    // third is abandoned part way, and none is made after it.
    let headers: Vec<String> = (0..2000).map(|i| format!("h{i:04}")).collect();
    let mut s = Suggester::with_budget(&headers, 200_000);
    let answers: Vec<Option<&str>> = (0..4).map(|i| s.suggest(&format!("h{i:04}x"))).collect();
    assert_eq!(answers, [Some("h0000"), Some("h0001"), None, None]);
    assert_eq!(s.suggest("h0007"), None);
    let mut s = Suggester::with_budget(&headers, 200_000);
    // An equal header (but for case and width) ends the lookup early.
    assert_eq!(s.suggest("Ｈ0007"), Some("h0007"));
}

#[test]
fn closest_suggests_typos_and_full_width_forms() {
    let cands = ["direction", "dimension", "weight"];
    assert_eq!(closest("directon", cands), Some("direction"));
    assert_eq!(closest("zzzzzz", cands), None);
    assert_eq!(closest("收入（元）", ["收入(元)", "人口"]), Some("收入(元)"));
}
