//! Where the rubric's columns are in one file, found from its header, and
//! the parse of a batch of its rows into units and raw values (SPEC "Data"
//! and "Data as offices fill it in": totals rows, missing-value tokens,
//! numbers as Chinese spreadsheets write them). Every problem is reported
//! by file, row and column.

use super::MAX_LISTED_ERRORS;
use super::cell::{NotANumber, RawValues, parse_cell, parse_plain_decimal};
use super::decode::{Encoding, bad_text, field_text, is_blank};
use super::records::{Batch, Rec};
use super::table::{CodedText, Table, TextColumn, Units};
use super::{ReadOptions, header, totals};
use crate::error::{Error, Location, Result, echo};
use crate::rubric::Rubric;
use std::borrow::Cow;

/// Where the rubric's columns are in one file, from its header.
pub(super) struct Layout {
    pub(super) path: String,
    encoding: Encoding,
    width: usize,
    id: usize,
    label: Option<usize>,
    group: Option<usize>,
    /// The period column of a long panel table.
    period: Option<usize>,
    /// Per indicator: its 0-based field index.
    indicators: Vec<usize>,
    /// The rubric's missing-value tokens, trimmed.
    pub(super) na: Vec<String>,
    /// Whether a plain decimal could be a missing-value token (then the fast
    /// path must look tokens up first).
    numeric_na: bool,
    /// Whether rows may have fewer or more fields than the header (sheets,
    /// whose rows end at their last non-empty cell).
    pub(super) short_rows: bool,
    /// Where the rubric's `na` list is (see [`na_place`]).
    pub(super) na_place: String,
    /// Per field: its 0-based column in the file, when records hold only
    /// the columns the rubric reads (see [`Layout::keep_only_used`]); empty
    /// when fields are the file's columns.
    columns: Vec<usize>,
}

impl Layout {
    pub(super) fn read(
        next: &mut dyn FnMut(&mut Batch) -> Result<bool>,
        path: &str,
        encoding: Encoding,
        rubric: &Rubric,
        options: &ReadOptions,
        table: &mut Table,
    ) -> Result<Layout> {
        let found = header::find(next, path, encoding, rubric, options)?;
        let (header_row, headers) = (found.row, &found.headers);
        // Files scored together are one table: their headers must agree (in any order).
        match &table.first_header {
            None => table.first_header = Some((path.to_string(), headers.clone())),
            Some((first, expected)) => header::check_same(path, header_row, headers, first, expected)?,
        }
        if headers.iter().all(String::is_empty) {
            return Err(Error::data("the header row is empty")
                .at(Location::row(path, header_row))
                .help(format!(
                    "the header must name the columns, e.g. {},…; use --header-row N if the header is further down",
                    echo(&rubric.id_column)
                )));
        }
        // Look every rubric column up first, so one message names every missing one.
        let matcher = header::Matcher::new(headers);
        let mut missing: Vec<String> = Vec::new();
        let mut find = |name: &str, what: &str| -> Result<Option<usize>> {
            Ok(match matcher.find(name, what, path, header_row)? {
                Ok(i) => Some(i),
                Err(m) => {
                    missing.push(m.line);
                    None
                }
            })
        };
        let id = find(&rubric.id_column, "the rubric's `id` column")?;
        let label = match rubric.label_column.as_deref() {
            Some(c) => find(c, "the rubric's `label` column")?,
            None => None,
        };
        let group = match rubric.group_column.as_deref() {
            Some(c) if options.group_from_flag => find(c, "the column named by --by")?,
            Some(c) => find(c, "the rubric's `group` column")?,
            None => None,
        };
        let period = match options.period.as_deref() {
            Some(c) => find(c, "the period column (`--period`, or the rubric's `period`)")?,
            None => None,
        };
        let mut indicators_found = Vec::with_capacity(rubric.indicators.len());
        for ind in &rubric.indicators {
            indicators_found.push(find(&ind.column, &format!("indicator `{}`", ind.id))?);
        }
        let lacks = |headline: String, help: &str| {
            let error = Error::data(headline)
                .at(Location::line(path, header_row))
                .notes(missing.iter().cloned())
                .help(help);
            match &found.advice {
                Some(advice) => error.help(advice.clone()),
                None => error,
            }
        };
        let (Some(id), Some(indicators)) = (id, indicators_found.into_iter().collect::<Option<Vec<usize>>>()) else {
            let noun = if missing.len() == 1 { "a column" } else { "columns" };
            return Err(lacks(
                format!("{path} lacks {noun} the rubric needs"),
                "rename the header(s), or set the rubric's `column` to the name the data uses",
            ));
        };
        if !missing.is_empty() {
            return Err(lacks(
                format!("{path} lacks a column the rubric names"),
                "rename the header, or correct the rubric's `label`/`group`/`period` (or --period)",
            ));
        }
        table.notes.extend(found.note);
        table.columns.push(indicators.iter().map(|c| c + 1).collect());
        let na: Vec<String> = rubric.na.iter().map(|s| s.trim().to_string()).collect();
        let numeric_na = na
            .iter()
            .any(|t| !t.is_empty() && parse_plain_decimal(t.as_bytes()).is_some());
        Ok(Layout {
            path: path.to_string(),
            encoding,
            width: headers.len(),
            id,
            label,
            group,
            period,
            indicators,
            na,
            numeric_na,
            short_rows: false,
            na_place: na_place(rubric),
            columns: Vec::new(),
        })
    }

    /// The 0-based column of the file that field `c` comes from.
    fn column(&self, c: usize) -> usize {
        self.columns.get(c).copied().unwrap_or(c)
    }

    /// From now on records hold only the columns the rubric reads, in file
    /// order: renumbers the fields so, and returns those columns.
    pub(super) fn keep_only_used(&mut self) -> Vec<usize> {
        let mut kept: Vec<usize> = [Some(self.id), self.label, self.group, self.period]
            .into_iter()
            .flatten()
            .chain(self.indicators.iter().copied())
            .collect();
        kept.sort_unstable();
        kept.dedup();
        let field = |c: usize| kept.binary_search(&c).unwrap_or(0);
        self.id = field(self.id);
        self.label = self.label.map(field);
        self.group = self.group.map(field);
        self.period = self.period.map(field);
        for c in &mut self.indicators {
            *c = field(*c);
        }
        self.width = kept.len();
        self.columns.clone_from(&kept);
        kept
    }

    /// The period of a row of a long panel table, from field `c`: its text
    /// trimmed, never empty.
    fn period_of<'r>(&self, text: &dyn Fn(usize) -> Result<Cow<'r, str>>, c: usize, row: u64) -> Result<String> {
        let period = text(c)?.trim().to_string();
        if period.is_empty() {
            return Err(Error::data("the period cell is empty")
                .at(Location::cell(&self.path, row, self.column(c) + 1))
                .help("every row of a long panel table names its period (e.g. 2024)"));
        }
        Ok(period)
    }

    /// The id or label of a row that names it a totals row.
    fn totals_name(&self, record: Rec<'_>) -> Option<String> {
        [Some(self.id), self.label].into_iter().flatten().find_map(|c| {
            let field = record.get(c)?;
            if totals::surely_not_totals(field) {
                return None;
            }
            let text = field_text(field, self.encoding).ok()?;
            totals::is_totals_name(&text).then(|| text.trim().to_string())
        })
    }

    /// The error for a row without an id. A totals row is recognized by its
    /// id or label (SPEC "Data as offices fill it in"); when another cell of
    /// the row names one (合计 in the township column), the help says so.
    fn empty_id(&self, rubric: &Rubric, record: Rec<'_>, row: u64) -> Error {
        let error = Error::data(format!("the id cell (column `{}`) is empty", rubric.id_column))
            .at(Location::cell(&self.path, row, self.column(self.id) + 1))
            .help("every unit needs an id");
        let named = record.iter().enumerate().find_map(|(c, field)| {
            if totals::surely_not_totals(field) {
                return None;
            }
            let text = field_text(field, self.encoding).ok()?;
            totals::is_totals_name(&text).then(|| (c, text.trim().to_string()))
        });
        let label = match &rubric.label_column {
            Some(l) => format!(" or the label column `{l}`"),
            None => String::new(),
        };
        match named {
            Some((c, name)) => error.help(format!(
                "column {} of this row reads `{}`: if it is a totals row, write `{}` in the id column `{}`{label} (that is where a totals row is recognized, and it is then left out), or delete the row",
                c + 1,
                echo(&name),
                echo(&name),
                rubric.id_column
            )),
            None => error,
        }
    }

    /// Parses a batch of data records into a part of the table.
    pub(super) fn parse(&self, records: &Batch, rubric: &Rubric, file: usize) -> Part {
        let mut part = Part {
            units: Units {
                file: u32::try_from(file).unwrap_or(u32::MAX),
                labels: self.label.map(|_| TextColumn::default()),
                groups: self.group.map(|_| CodedText::default()),
                periods: self.period.map(|_| CodedText::default()),
                // One by one: a clone of an empty column would not keep its capacity.
                values: (0..self.indicators.len())
                    .map(|_| RawValues::with_capacity(records.len()))
                    .collect(),
                ..Units::default()
            },
            ..Part::default()
        };
        let na: Vec<&str> = self.na.iter().map(String::as_str).collect();
        let empty_is_missing = na.contains(&"");
        let plain_first = !self.numeric_na;
        for record in records.iter() {
            let row = record.line();
            // Rows of nothing but empty cells are what Excel leaves below a
            // table. (A row with an id is not blank: the cheap test first.)
            let has_id = record.get(self.id).is_some_and(|f| !is_blank(f, self.encoding));
            if !has_id && !record.hidden() && record.iter().all(|f| is_blank(f, self.encoding)) {
                continue;
            }
            // A totals row is not a unit, whatever else is in it.
            if let Some(name) = self.totals_name(record) {
                part.totals += 1;
                if part.notes.len() < MAX_LISTED_ERRORS {
                    part.notes.push(format!(
                        "{}:{row}: `{}` is a totals row, not a unit: left out",
                        self.path,
                        echo(&name)
                    ));
                }
                continue;
            }
            // A sheet's rows end at their last non-empty cell, and cells to
            // the right of the header are in unnamed, ignored columns.
            if record.len() != self.width && !self.short_rows {
                part.fatal = Some(
                    Error::data(format!(
                        "this row has {} fields but the header has {}",
                        record.len(),
                        self.width
                    ))
                    .at(Location::row(&self.path, row))
                    .help("a quote left open or a stray comma inside an unquoted cell shifts the columns; quote cells that contain commas"),
                );
                return part;
            }
            let text = |c: usize| -> Result<Cow<'_, str>> {
                let field = record.get(c).unwrap_or(b"");
                field_text(field, self.encoding)
                    .map_err(|at| bad_text(&self.path, row, self.column(c), record, at, self.encoding))
            };
            let id = match text(self.id) {
                Ok(t) => t,
                Err(e) => {
                    part.fatal = Some(e);
                    return part;
                }
            };
            let id = id.trim();
            let period = match self.period.map(|c| self.period_of(&text, c, row)).transpose() {
                Ok(p) => p,
                Err(e) => {
                    part.fatal = Some(e);
                    return part;
                }
            };
            if id.is_empty() {
                let error = self.empty_id(rubric, record, row);
                part.fatal = Some(match &period {
                    Some(p) => error.in_period(p),
                    None => error,
                });
                return part;
            }
            for (k, &c) in self.indicators.iter().enumerate() {
                let raw = record.get(c).unwrap_or(b"");
                let Some(column) = part.units.values.get_mut(k) else {
                    continue; // one column per indicator: never
                };
                // A plain decimal has no space to trim: tried first, as is.
                if plain_first && let Some((m, d)) = parse_plain_decimal(raw) {
                    column.push_decimal(m, d);
                    continue;
                }
                let field = raw.trim_ascii();
                if field.is_empty() && empty_is_missing {
                    column.push_missing();
                    continue;
                }
                // Tried again only when trimming took something off.
                if plain_first
                    && field.len() < raw.len()
                    && let Some((m, d)) = parse_plain_decimal(field)
                {
                    column.push_decimal(m, d);
                    continue;
                }
                let parsed = match text(c) {
                    Ok(t) => parse_cell(&t, &na).map_err(|NotANumber| t.into_owned()),
                    Err(e) => {
                        part.fatal = Some(e);
                        return part;
                    }
                };
                match parsed {
                    Ok(v) => column.push(v),
                    Err(cell) => {
                        column.push_missing();
                        let column_name = rubric.indicators.get(k).map_or("", |i| i.column.as_str());
                        self.note_bad_cell(&mut part, (row, c), column_name, period.as_deref(), cell);
                    }
                }
            }
            let pushed = (|| -> Result<()> {
                if let (Some(c), Some(labels)) = (self.label, &mut part.units.labels) {
                    labels.push(text(c)?.trim());
                }
                if let (Some(c), Some(groups)) = (self.group, &mut part.units.groups) {
                    groups.push(text(c)?.trim());
                }
                if let (Some(p), Some(periods)) = (&period, &mut part.units.periods) {
                    periods.push(p);
                }
                Ok(())
            })();
            if let Err(e) = pushed {
                part.fatal = Some(e);
                return part;
            }
            part.units.ids.push(id);
            part.units.rows.push(row);
        }
        part
    }

    /// Counts a cell that is not a number (it is stored as missing) and
    /// lists it among the first [`MAX_LISTED_ERRORS`]; `at` is its row and
    /// column index.
    fn note_bad_cell(&self, part: &mut Part, at: (u64, usize), column_name: &str, period: Option<&str>, cell: String) {
        let (row, c) = at;
        part.error_count += 1;
        if part.cell_errors.len() < MAX_LISTED_ERRORS {
            part.cell_errors.push(format!(
                "  --> {}:{row}:{} (column `{}`{}): \"{}\" is not a number",
                self.path,
                self.column(c) + 1,
                echo(column_name),
                period.map_or(String::new(), |p| format!(", period `{}`", echo(p))),
                echo(&cell)
            ));
        }
        // A word (暂无, 未统计) may mark a missing value; 58.o does not.
        if part.first_bad.is_none() && !cell.chars().any(char::is_numeric) {
            part.first_bad = Some(cell);
        }
    }
}

/// Where to declare a missing-value token: the rubric's file and the line
/// of its `na` list, or of `[rubric]` when it has none.
fn na_place(rubric: &Rubric) -> String {
    if rubric.source.builtin {
        return "of a rubric of your own (`linkscore init` writes one; pass it with --rubric)".to_string();
    }
    let path = &rubric.source.path;
    let mut in_rubric = false;
    let mut header_line = None;
    for (n, line) in rubric.source.text.lines().enumerate() {
        let line = line.trim_start_matches('\u{feff}').trim();
        if line.starts_with('[') {
            in_rubric = line
                .strip_prefix("[rubric]")
                .is_some_and(|rest| rest.trim().is_empty() || rest.trim().starts_with('#'));
            if in_rubric {
                header_line = Some(n + 1);
            }
            continue;
        }
        if in_rubric
            && let Some(rest) = line.strip_prefix("na")
            && rest.trim_start().starts_with('=')
        {
            return format!("({path}:{})", n + 1);
        }
    }
    match header_line {
        Some(n) => format!("({path}:{n})"),
        None => format!("({path})"),
    }
}

/// A batch of parsed rows, appended to the table in file order.
#[derive(Default)]
pub(super) struct Part {
    pub(super) units: Units,
    /// The first [`MAX_LISTED_ERRORS`] cells that are not numbers, as lines
    /// of the message, and how many there are.
    pub(super) cell_errors: Vec<String>,
    pub(super) error_count: usize,
    /// The text of the first cell that is not a number and has no digit.
    pub(super) first_bad: Option<String>,
    /// Totals rows left out: how many, and the first few as warnings.
    pub(super) totals: usize,
    pub(super) notes: Vec<String>,
    /// An error that stops the reading (a ragged row, an empty id).
    pub(super) fatal: Option<Error>,
}
