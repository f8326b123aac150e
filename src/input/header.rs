//! Finding the header row and the rubric's columns in it (SPEC "Data" and
//! "Data as offices fill it in"), as offices fill sheets in: a title row and a 填报单位 row above the header, full-width
//! brackets, spaces and line breaks (Alt+Enter) inside header cells.

use super::ReadOptions;
use super::decode::{Encoding, bad_text, field_text, is_blank};
use super::records::{Batch, Rec};
use crate::error::{Error, Location, Result, Suggester, echo};
use crate::rubric::Rubric;
use std::borrow::Cow;
use std::cell::RefCell;
use std::collections::HashSet;
use std::hash::{DefaultHasher, Hash, Hasher};
use unicode_normalization::{IsNormalized, UnicodeNormalization, is_nfkc_quick};

/// Rows searched for the header when the first row is not it.
pub const SEARCHED_ROWS: u64 = 20;

/// What a header cell and a rubric `column` are compared by: NFKC (so
/// `（万元）` is `(万元)` and `Ａ` is `A`), without any space or line break
/// (around or inside), and without a byte-order mark.
pub fn header_key(text: &str) -> String {
    key_of(text).into_owned()
}

/// [`header_key`], borrowed when the text is its own key (no space, line
/// break or BOM in it, and ASCII or already in NFKC, as nearly every header
/// is): matching a header of millions of columns allocates nothing per column.
fn key_of(text: &str) -> Cow<'_, str> {
    let plain = !text.chars().any(|c| c.is_whitespace() || c == '\u{feff}');
    if plain && (text.is_ascii() || is_nfkc_quick(text.chars()) == IsNormalized::Yes) {
        return Cow::Borrowed(text);
    }
    if text.is_ascii() {
        // NFKC leaves ASCII as it is.
        return Cow::Owned(text.chars().filter(|c| !c.is_whitespace()).collect());
    }
    Cow::Owned(text.nfkc().filter(|c| !c.is_whitespace() && *c != '\u{feff}').collect())
}

/// The header row: its 1-based row number, its cells (trimmed), and what
/// the search for it has to tell.
pub struct HeaderRow {
    pub row: u64,
    pub headers: Vec<String>,
    /// A note for the run's warnings when the header was found by searching.
    pub note: Option<String>,
    /// When no row held every rubric column: advice for the error.
    pub advice: Option<String>,
}

/// The distinct keys of every column the rubric reads.
fn rubric_keys(rubric: &Rubric) -> HashSet<String> {
    let mut keys: HashSet<String> = rubric.indicators.iter().map(|i| header_key(&i.column)).collect();
    keys.insert(header_key(&rubric.id_column));
    keys.extend(
        rubric
            .label_column
            .iter()
            .chain(&rubric.group_column)
            .map(|c| header_key(c)),
    );
    keys
}

/// How many of `keys` a row's cells hold.
fn held(headers: &[String], keys: &HashSet<String>) -> usize {
    let found: HashSet<Cow<'_, str>> = headers
        .iter()
        .map(|h| key_of(h))
        .filter(|k| keys.contains(k.as_ref()))
        .collect();
    found.len()
}

/// A row's cells as text; `strict` makes a cell that is not text in the
/// file's encoding an error (the header), else it reads as empty (a title row).
fn cells(record: Rec<'_>, path: &str, encoding: Encoding, strict: bool) -> Result<Vec<String>> {
    let mut headers = Vec::with_capacity(record.len());
    for (c, field) in record.iter().enumerate() {
        let text = match field_text(field, encoding) {
            Ok(t) => t,
            Err(at) if strict => return Err(bad_text(path, record.line(), c, record, at, encoding)),
            Err(_) => "".into(),
        };
        headers.push(text.trim_start_matches('\u{feff}').trim().to_string());
    }
    Ok(headers)
}

/// Reads up to and including the header row. Without `--header-row` the
/// header is the first row that is not blank, unless it holds fewer than
/// half of the rubric's columns: then the first [`SEARCHED_ROWS`] rows are
/// searched for one that holds them all.
pub fn find(
    next: &mut dyn FnMut(&mut Batch) -> Result<bool>,
    path: &str,
    encoding: Encoding,
    rubric: &Rubric,
    options: &ReadOptions,
) -> Result<HeaderRow> {
    let mut seen_rows = 0usize;
    let mut scratch = Batch::default();
    let empty = || {
        Error::data(format!("{path} is empty: it has no header row and no data")).help(format!(
            "the first row must name the columns, e.g. {},…",
            echo(&rubric.id_column)
        ))
    };
    loop {
        scratch.clear();
        if !next(&mut scratch)? {
            return Err(match options.header_row {
                Some(n) if seen_rows > 0 => {
                    Error::data(format!("{path} has no row {n} for the header (--header-row {n})"))
                        .help("check --header-row")
                }
                _ => empty(),
            });
        }
        let Some(record) = scratch.get(0) else { continue };
        let row = record.line();
        seen_rows += 1;
        match options.header_row {
            // Without --header-row the header is the first row that is not blank.
            None if !record.iter().all(|f| is_blank(f, encoding)) => break,
            Some(n) if row == n as u64 => {
                let headers = cells(record, path, encoding, true)?;
                return Ok(HeaderRow {
                    row,
                    headers,
                    note: None,
                    advice: None,
                });
            }
            Some(n) if row > n as u64 => {
                return Err(Error::data(format!("the header row (--header-row {n}) is empty"))
                    .at(Location::row(path, n as u64))
                    .help("point --header-row at the row that names the columns"));
            }
            _ => {}
        }
    }
    let record = scratch.get(0).ok_or_else(empty)?;
    let first_row = record.line();
    let keys = rubric_keys(rubric);
    let first = cells(record, path, encoding, true)?;
    let first_held = held(&first, &keys);
    if 2 * first_held >= keys.len() {
        return Ok(HeaderRow {
            row: first_row,
            headers: first,
            note: None,
            advice: None,
        });
    }
    // Title rows above the header: search on.
    let mut best = (first_held, first_row, first);
    loop {
        scratch.clear();
        if !next(&mut scratch)? {
            break;
        }
        let Some(record) = scratch.get(0) else { continue };
        let row = record.line();
        if row > SEARCHED_ROWS {
            break;
        }
        let headers = cells(record, path, encoding, false)?;
        let count = held(&headers, &keys);
        if count == keys.len() {
            let headers = cells(record, path, encoding, true)?;
            let note = format!(
                "{path}: row {row} is taken as the header (it names every column the rubric reads; the {} row(s) above it are left out); use --header-row N to choose another row",
                row - 1
            );
            return Ok(HeaderRow {
                row,
                headers,
                note: Some(note),
                advice: None,
            });
        }
        if count > best.0 {
            best = (count, row, headers);
        }
    }
    let (count, row, headers) = best;
    let advice = format!(
        "no row among the first {SEARCHED_ROWS} names every column the rubric reads; row {row} names the most ({count} of {}): if it is the header, correct the names above and pass --header-row {row}; if another row is, pass --header-row N with its number",
        keys.len()
    );
    Ok(HeaderRow {
        row,
        headers,
        note: None,
        advice: Some(advice),
    })
}

/// Where each rubric column is among the headers, by [`header_key`]: the
/// headers' keys are hashed and sorted once, so each column is a binary
/// search, a rubric of 100,000 indicators against a header of millions of
/// columns costs n log n, and the index takes 16 bytes a column.
pub struct Matcher<'h> {
    headers: &'h [String],
    /// (hash of the key, column) of every non-empty header, sorted.
    keys: Vec<(u64, usize)>,
    /// "Did you mean" over the headers, made at the first missing column;
    /// its budget bounds the work however many columns are missing.
    suggester: RefCell<Option<Suggester<'h, String>>>,
}

/// A rubric column that no header matches, with a close header if any.
pub struct Missing {
    pub line: String,
}

/// The hash a key is sorted and found by (std's hasher has fixed keys, so
/// runs are alike; equal hashes are checked against the keys themselves).
fn key_hash(key: &str) -> u64 {
    let mut hasher = DefaultHasher::new();
    key.hash(&mut hasher);
    hasher.finish()
}

impl<'h> Matcher<'h> {
    pub fn new(headers: &'h [String]) -> Matcher<'h> {
        let mut keys: Vec<(u64, usize)> = headers
            .iter()
            .enumerate()
            .filter(|(_, h)| !h.is_empty())
            .map(|(i, h)| (key_hash(&key_of(h)), i))
            .collect();
        keys.sort_unstable();
        Matcher {
            headers,
            keys,
            suggester: RefCell::new(None),
        }
    }

    /// The first two columns whose header matches `key`, in column order.
    fn hits(&self, key: &str) -> Vec<usize> {
        let hash = key_hash(key);
        let from = self.keys.partition_point(|&(h, _)| h < hash);
        self.keys
            .get(from..)
            .unwrap_or_default()
            .iter()
            .take_while(|&&(h, _)| h == hash)
            .map(|&(_, i)| i)
            .filter(|&i| key_of(self.header(i)) == key)
            .take(2)
            .collect()
    }

    /// The header closest to `name`, if one is close and the budget allows.
    fn suggest(&self, name: &str) -> Option<&'h str> {
        let mut suggester = self.suggester.borrow_mut();
        suggester
            .get_or_insert_with(|| Suggester::new(self.headers))
            .suggest(name)
    }

    /// The 0-based field of column `name`; `Ok(Err(..))` when no header
    /// matches it; an error when two do.
    pub fn find(&self, name: &str, what: &str, path: &str, row: u64) -> Result<std::result::Result<usize, Missing>> {
        let hits = self.hits(&key_of(name));
        match hits[..] {
            [one] => Ok(Ok(one)),
            [] => {
                let hint = self
                    .suggest(name)
                    .map_or(String::new(), |best| format!("; did you mean `{}`?", echo(best)));
                Ok(Err(Missing {
                    line: format!("  no column `{}` ({what}){hint}", echo(name)),
                }))
            }
            [a, b, ..] => {
                let (ha, hb) = (self.header(a), self.header(b));
                let at = Location::row(path, row);
                Err(if ha == hb {
                    Error::data(format!(
                        "the column `{}` appears twice (columns {} and {})",
                        echo(ha),
                        a + 1,
                        b + 1
                    ))
                    .at(at)
                    .help("rename or remove one of them")
                } else {
                    Error::data(format!(
                        "two headers match the column `{}` ({what}): `{}` (column {}) and `{}` (column {})",
                        echo(name),
                        echo(ha),
                        a + 1,
                        echo(hb),
                        b + 1
                    ))
                    .at(at)
                    .help("headers are matched ignoring full-width/half-width forms and spaces; rename or remove one of them")
                })
            }
        }
    }

    fn header(&self, i: usize) -> &str {
        self.headers.get(i).map_or("", String::as_str)
    }
}

/// The keys of a row's non-empty headers.
fn key_set(headers: &[String]) -> HashSet<Cow<'_, str>> {
    headers.iter().filter(|h| !h.is_empty()).map(|h| key_of(h)).collect()
}

/// Files scored together are one table: their headers must agree (in any
/// order, matched as the rubric's columns are).
pub fn check_same(path: &str, row: u64, headers: &[String], first: &str, expected: &[String]) -> Result<()> {
    let (here, there) = (key_set(headers), key_set(expected));
    let only = |v: &[String], other: &HashSet<Cow<'_, str>>| -> String {
        let listed: Vec<String> = v
            .iter()
            .filter(|h| !h.is_empty() && !other.contains(&key_of(h)))
            .map(|h| echo(h))
            .collect();
        if listed.is_empty() {
            "(none)".to_string()
        } else {
            listed.join(", ")
        }
    };
    if here == there {
        return Ok(());
    }
    Err(Error::data(format!(
        "{path} and {first} have different headers, so they cannot be scored as one table"
    ))
    .at(Location::line(path, row))
    .note(format!("  only in {path}: {}", only(headers, &there)))
    .note(format!("  only in {first}: {}", only(expected, &here)))
    .help("give every file the same columns (the order may differ)"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_ignore_width_spaces_and_line_breaks() {
        assert_eq!(header_key("人均可支配收入（元）"), header_key("人均可支配收入(元)"));
        assert_eq!(header_key(" 村集体\n经营性 收入 "), "村集体经营性收入");
        assert_eq!(header_key("ＧＤＰ（万元）"), "GDP(万元)");
        assert_ne!(header_key("income"), header_key("Income"));
        assert_eq!(header_key(" a\u{b}b\tc\r\n"), "abc");
        for ascii in ["GDP (万元)", "x_1", "A B"] {
            let slow: String = ascii.nfkc().filter(|c| !c.is_whitespace()).collect();
            assert_eq!(header_key(ascii), slow);
        }
    }

    #[test]
    fn a_missing_column_suggests_the_closest_header() {
        let headers = vec!["village_id".to_string(), "收入(元)".into(), "人口".into()];
        let m = Matcher::new(&headers);
        let missing = |name: &str| match m.find(name, "indicator `i`", "f.csv", 1) {
            Ok(Err(missing)) => missing.line,
            _ => panic!("`{name}` should be missing"),
        };
        assert_eq!(
            missing("村民收入(元)"),
            "  no column `村民收入(元)` (indicator `i`); did you mean `收入(元)`?"
        );
        assert_eq!(
            missing("VILLAGE_ID "),
            "  no column `VILLAGE_ID ` (indicator `i`); did you mean `village_id`?"
        );
        assert_eq!(missing("zzz"), "  no column `zzz` (indicator `i`)");
    }

    #[test]
    fn two_headers_matching_one_column_are_named() {
        let headers = vec![
            "id".to_string(),
            "收入(元)".into(),
            "收入（元）".into(),
            "x".into(),
            "x".into(),
        ];
        let m = Matcher::new(&headers);
        assert_eq!(m.find("id", "id", "f.csv", 1).unwrap().ok(), Some(0));
        let e = m
            .find("收入 (元)", "indicator `inc`", "f.csv", 1)
            .err()
            .unwrap()
            .to_string();
        assert!(e.contains("`收入(元)` (column 2) and `收入（元）` (column 3)"), "{e}");
        let e = m.find("x", "indicator `x`", "f.csv", 1).err().unwrap().to_string();
        assert!(e.contains("the column `x` appears twice (columns 4 and 5)"), "{e}");
        assert!(m.find("y", "indicator `y`", "f.csv", 1).unwrap().is_err());
    }
}
