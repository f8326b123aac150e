//! A report on many units (issue 20): beyond 2,000 units the ranking in
//! the page is the first and the last 1,000, with a note saying how to get
//! the whole ranking as a file, so that a national report stays a page a
//! browser opens (a million rows were 274 MB of HTML).

use crate::report::{by_id, parse, report, table_rows, text_of};
use crate::support::{tmp, write};

/// A one-indicator rubric whose score is the value (goalposts 0..100).
const RUBRIC: &str = r#"[rubric]
name = "scale"
id = "id"
scale = 100

[[dimension]]
id = "d"

[[indicator]]
id = "x"
column = "x"
dimension = "d"
goalposts = [0, 100]
"#;

/// `n` units u0001… with distinct values: unit k scores (n − k) / n × 100,
/// so the ranks follow the ids.
fn data(n: usize) -> String {
    let mut s = String::from("id,x\n");
    for k in 0..n {
        s.push_str(&format!("u{:05},{}\n", k + 1, (n - k) as f64 / n as f64 * 100.0));
    }
    s
}

/// The ranking's rows, and the section's text when the page says it cut
/// the ranking (empty otherwise).
fn ranking_rows(n: usize) -> (Vec<Vec<String>>, String) {
    let dir = tmp();
    let rubric = write(dir.path(), "r.toml", RUBRIC);
    let csv = write(dir.path(), "d.csv", data(n));
    let (_d, _o, page) = report(&[csv.to_str().expect("path"), "-r", rubric.to_str().expect("path")]);
    let doc = parse(&page);
    let section = by_id(&doc, "ranking");
    let cut = page.contains("id=\"ranking-cut\"");
    (table_rows(section), if cut { text_of(section) } else { String::new() })
}

#[test]
fn a_ranking_of_up_to_2000_units_is_listed_whole() {
    let (rows, text) = ranking_rows(2_000);
    assert_eq!(rows.len(), 2_000);
    assert!(text.is_empty(), "no note of a cut");
}

#[test]
fn a_longer_ranking_lists_the_first_and_the_last_1000_and_says_so() {
    let n = 2_500;
    let (rows, text) = ranking_rows(n);
    // 1,000 + the gap row + 1,000.
    assert_eq!(rows.len(), 2_001);
    let first = |row: &Vec<String>| row.first().cloned().unwrap_or_default();
    assert_eq!(rows.first().map(first).as_deref(), Some("1"));
    assert_eq!(rows.get(999).map(first).as_deref(), Some("1000"));
    assert!(
        rows.get(1000).map(first).unwrap_or_default().contains("500"),
        "the gap row says 500 are left out"
    );
    assert_eq!(rows.get(1001).map(first).as_deref(), Some("1501"));
    assert_eq!(rows.last().map(first).as_deref(), Some("2500"));
    // The ids follow the ranks.
    assert_eq!(rows.last().and_then(|r| r.get(1)).map(String::as_str), Some("u02500"));
    assert!(
        text.contains("linkscore score"),
        "the note says how to get the whole ranking"
    );
}
