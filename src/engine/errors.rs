//! The errors scoring and reading raise, as data: their kinds, and the row,
//! cell or header line they point at (see [`crate::error`]).

use crate::error::{Error, ErrorKind, Location, Result};
use crate::input::{self, ReadOptions, Table};
use crate::rubric::Rubric;

const RUBRIC: &str = "[rubric]\nname = \"t\"\nid = \"id\"\nnormalize = \"minmax\"\n\n[[dimension]]\nid = \"d\"\n\n[[indicator]]\nid = \"a\"\ndimension = \"d\"\ntransform = \"log\"\n";

fn rubric(text: &str) -> Rubric {
    Rubric::parse("t.toml", text, false).unwrap_or_else(|e| panic!("{e}\n{text}"))
}

fn read(rubric: &Rubric, csv: &str) -> Result<Table> {
    input::from_bytes(
        &[("t.csv".into(), csv.as_bytes().to_vec())],
        rubric,
        &ReadOptions::default(),
    )
}

fn scoring_error(rubric: &Rubric, csv: &str) -> Error {
    let table = read(rubric, csv).unwrap_or_else(|e| panic!("{e}\n{csv}"));
    match super::score(rubric, &table) {
        Ok(_) => panic!("expected an error for\n{csv}"),
        Err(e) => e,
    }
}

#[test]
fn a_value_outside_the_transform_is_a_data_error_at_its_cell() {
    let e = scoring_error(&rubric(RUBRIC), "id,a\nu1,5\nu2,-1\nu3,2\n");
    assert_eq!((e.kind(), e.exit_code()), (ErrorKind::Data, 1));
    let Some(Location::Cell(cell)) = e.location() else {
        panic!("a cell location: {e:?}")
    };
    assert_eq!((cell.path.as_str(), cell.row, cell.column), ("t.csv", 3, Some(2)));
    assert_eq!((cell.header.as_deref(), cell.unit.as_deref()), (Some("a"), Some("u2")));
    assert!(
        e.to_string()
            .starts_with("error: t.csv:3:2 (column `a`, unit `u2`): the value -1 is outside"),
        "{e}"
    );
}

#[test]
fn a_missing_value_names_its_cell_in_the_message() {
    let r = rubric(&RUBRIC.replace("id = \"id\"\n", "id = \"id\"\nmissing = \"error\"\n"));
    let e = scoring_error(&r, "id,a\nu1,5\nu2,3\nu3,\n");
    let Some(Location::Cell(cell)) = e.location() else {
        panic!("a cell location: {e:?}")
    };
    assert_eq!((cell.row, cell.column, cell.unit.as_deref()), (4, Some(2), Some("u3")));
    assert!(
        e.to_string()
            .starts_with("error: missing value at t.csv:4:2 (column `a`, unit `u3`)\n"),
        "{e}"
    );
}

#[test]
fn reading_errors_carry_the_row_cell_or_header_line() {
    let r = rubric(RUBRIC);
    let fail = |csv: &str| match read(&r, csv) {
        Ok(_) => panic!("expected an error for\n{csv}"),
        Err(e) => e,
    };
    let empty_id = fail("id,a\nu1,5\n ,6\n");
    assert_eq!(empty_id.kind(), ErrorKind::Data);
    assert_eq!(empty_id.location(), Some(&Location::cell("t.csv", 3, 1)));
    let short = fail("id,a\nu1,5\nu2\n");
    assert_eq!(short.location(), Some(&Location::row("t.csv", 3)));
    let lacks = fail("id,b\nu1,5\n");
    assert_eq!(lacks.location(), Some(&Location::line("t.csv", 1)));
    assert_eq!(lacks.body(), ["  no column `a` (indicator `a`)"]);
    assert!(lacks.helps()[0].starts_with("rename the header(s)"), "{lacks}");
}

#[test]
fn no_data_file_is_a_usage_error() {
    let e = match input::load(&[], &rubric(RUBRIC), &ReadOptions::default()) {
        Ok(_) => panic!("no data file is an error"),
        Err(e) => e,
    };
    assert_eq!((e.kind(), e.exit_code()), (ErrorKind::Usage, 2));
}
