//! The table a run scores (SPEC "Data"): its units in input order (id,
//! label, group, file and row), and per indicator the raw value of each
//! unit, held compactly (see [`RawValues`]), with the files they came from.
//! How the table is read is in `read`; this is the model and its accessors.

use super::cell::RawValues;
use crate::error::{Cell, Error, Location, Result, echo};
use crate::rubric::Rubric;
use rayon::prelude::*;

/// One input file, as the JSON output names it.
#[derive(Debug, Clone)]
pub struct InputFile {
    pub path: String,
    pub sha256: String,
    /// The name used in messages: the path, and for a workbook its sheet
    /// (`book.xlsx[Sheet1]`).
    pub name: String,
}

/// Many short strings in one buffer (ids, labels, groups of a million units
/// without a million allocations).
#[derive(Debug, Clone, Default)]
pub struct TextColumn {
    text: String,
    ends: Vec<usize>,
}

impl TextColumn {
    /// Room for `times` as many texts as `like` holds (see [`Table::reserve_like`]).
    fn reserve_like(&mut self, like: &TextColumn, times: f64) {
        let _ = self.text.try_reserve(scaled(like.text.len(), times));
        let _ = self.ends.try_reserve(scaled(like.ends.len(), times));
    }

    pub fn push(&mut self, s: &str) {
        self.text.push_str(s);
        self.ends.push(self.text.len());
    }

    pub fn get(&self, i: usize) -> &str {
        let start = if i == 0 {
            0
        } else {
            self.ends.get(i - 1).copied().unwrap_or(0)
        };
        let end = self.ends.get(i).copied().unwrap_or(start);
        self.text.get(start..end).unwrap_or("")
    }

    pub fn len(&self) -> usize {
        self.ends.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    fn append(&mut self, other: &TextColumn) {
        let offset = self.text.len();
        self.text.push_str(&other.text);
        self.ends.extend(other.ends.iter().map(|e| e + offset));
    }
}

/// A text column of few distinct values (the group: a county of a
/// thousand villages), as one small code per unit.
#[derive(Debug, Clone, Default)]
pub struct CodedText {
    names: Vec<String>,
    index: std::collections::HashMap<String, u32>,
    codes: Vec<u32>,
}

impl CodedText {
    fn reserve_like(&mut self, like: &CodedText, times: f64) {
        let _ = self.codes.try_reserve(scaled(like.codes.len(), times));
    }

    fn code_of(&mut self, s: &str) -> u32 {
        if let Some(&code) = self.index.get(s) {
            return code;
        }
        // Codes fit: a table in memory has fewer than 2³² units.
        let code = u32::try_from(self.names.len()).unwrap_or(u32::MAX);
        self.names.push(s.to_string());
        self.index.insert(s.to_string(), code);
        code
    }

    pub fn push(&mut self, s: &str) {
        let code = self.code_of(s);
        self.codes.push(code);
    }

    pub fn get(&self, i: usize) -> &str {
        self.code(i).and_then(|c| self.names.get(c)).map_or("", String::as_str)
    }

    /// The index of unit `i`'s value among the distinct values (in order of first appearance).
    pub fn code(&self, i: usize) -> Option<usize> {
        self.codes.get(i).map(|&c| c as usize)
    }

    /// How many distinct values.
    pub fn distinct(&self) -> usize {
        self.names.len()
    }

    fn append(&mut self, other: &CodedText) {
        let map: Vec<u32> = other.names.iter().map(|name| self.code_of(name)).collect();
        self.codes
            .extend(other.codes.iter().map(|&c| map.get(c as usize).copied().unwrap_or(0)));
    }
}

/// The data of a run: units in input order, and per indicator (rubric
/// order) the raw value of each unit.
#[derive(Debug, Clone, Default)]
pub struct Table {
    pub files: Vec<InputFile>,
    ids: TextColumn,
    labels: Option<TextColumn>,
    groups: Option<CodedText>,
    /// Per unit: its period, in a long panel table (SPEC "Panels").
    periods: Option<CodedText>,
    /// Per unit: index into `files`.
    file_of: Vec<u32>,
    /// Per unit: 1-based row in its file (the header row is 1).
    row_of: Vec<u64>,
    /// Per indicator (rubric order): the raw values.
    pub values: Vec<RawValues>,
    /// Per file, per indicator: the 1-based column number it was read from.
    pub columns: Vec<Vec<usize>>,
    /// The first file's name and header, which every other file must share.
    pub(super) first_header: Option<(String, Vec<String>)>,
    /// What reading noticed and the user should hear (rows left out, the
    /// header row found, implausible cells): the first warnings of a run.
    pub notes: Vec<String>,
    /// Whether [`Table::release_cells`] dropped the indicator values.
    cells_released: bool,
}

impl Table {
    pub(super) fn new(rubric: &Rubric, options: &super::ReadOptions) -> Table {
        Table {
            labels: rubric.label_column.as_ref().map(|_| TextColumn::default()),
            groups: rubric.group_column.as_ref().map(|_| CodedText::default()),
            periods: options.period.as_ref().map(|_| CodedText::default()),
            values: vec![RawValues::default(); rubric.indicators.len()],
            ..Table::default()
        }
    }

    /// The number of units.
    pub fn len(&self) -> usize {
        self.ids.len()
    }

    /// Stores each indicator column as compactly as it can, once the table
    /// is read (see [`RawValues::compact`]).
    pub(super) fn compact(&mut self) {
        self.values.par_iter_mut().for_each(RawValues::compact);
    }

    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }

    pub fn id(&self, u: usize) -> &str {
        self.ids.get(u)
    }

    /// Reads unit `u`'s texts and returns something of them (see [`crate::engine::Scored::touch`]).
    pub fn touch(&self, u: usize) -> u64 {
        let first = |t: &str| u64::from(t.as_bytes().first().copied().unwrap_or(0));
        first(self.id(u)) ^ self.label(u).map_or(0, first) ^ self.group(u).map_or(0, first)
    }

    pub fn label(&self, u: usize) -> Option<&str> {
        self.labels.as_ref().map(|l| l.get(u))
    }

    pub fn group(&self, u: usize) -> Option<&str> {
        self.groups.as_ref().map(|g| g.get(u))
    }

    /// Unit `u`'s period, in a long panel table.
    pub fn period(&self, u: usize) -> Option<&str> {
        self.periods.as_ref().map(|p| p.get(u))
    }

    /// Marks every unit as of period `label`: a panel's period read from a
    /// file of its own, whose cells' locations then name their period as a
    /// long table's do (SPEC "Panels"), whichever step meets them.
    pub fn set_period(&mut self, label: &str) {
        let mut periods = CodedText::default();
        for _ in 0..self.len() {
            periods.push(label);
        }
        self.periods = Some(periods);
    }

    /// The periods of a long panel table, in order of first appearance
    /// (empty for any other table).
    pub fn period_names(&self) -> &[String] {
        self.periods.as_ref().map_or(&[], |p| p.names.as_slice())
    }

    /// Unit `u`'s period as an index into [`Table::period_names`].
    pub fn period_code(&self, u: usize) -> Option<usize> {
        self.periods.as_ref().and_then(|p| p.code(u))
    }

    /// Unit `u`'s group as an index among the groups, and how many groups
    /// there are (`None` without a group column).
    pub fn group_code(&self, u: usize) -> Option<(usize, usize)> {
        let groups = self.groups.as_ref()?;
        Some((groups.code(u)?, groups.distinct()))
    }

    /// Index into `files` of the file unit `u` came from.
    pub fn file(&self, u: usize) -> usize {
        self.file_of.get(u).map_or(0, |&f| f as usize)
    }

    /// The 1-based row of unit `u` in its file.
    pub fn row(&self, u: usize) -> u64 {
        self.row_of.get(u).copied().unwrap_or(0)
    }

    /// Drops every indicator value, keeping the units (ids, labels, groups,
    /// where they were read): for a table already scored whose cells
    /// nothing reads again, so that the next year's fit in memory.
    pub fn release_cells(&mut self) {
        self.values = Vec::new();
        self.cells_released = true;
        crate::util::release_free_memory();
    }

    /// The raw value of indicator `i` for unit `u`.
    #[inline]
    pub fn value(&self, i: usize, u: usize) -> Option<f64> {
        debug_assert!(!self.cells_released, "a cell of a table whose cells were released");
        self.values.get(i).and_then(|c| c.get(u))
    }

    /// One cell, for messages: `file:row:column (column `name`, unit `id`)`.
    pub fn cell_location(&self, rubric: &Rubric, unit: usize, indicator: usize) -> Location {
        let file = self.file(unit);
        let col = self
            .columns
            .get(file)
            .and_then(|c| c.get(indicator))
            .copied()
            .unwrap_or(0);
        Location::Cell(Cell {
            path: self.files.get(file).map_or("", |f| f.name.as_str()).to_string(),
            row: self.row(unit),
            column: Some(col),
            header: Some(
                rubric
                    .indicators
                    .get(indicator)
                    .map_or("", |i| i.column.as_str())
                    .to_string(),
            ),
            unit: Some(self.id(unit).to_string()),
            period: self.period(unit).map(str::to_string),
        })
    }

    /// Leaves units out (`drop` in increasing order): rows found to be
    /// totals rows once the whole file was read.
    pub(super) fn remove_units(&mut self, drop: &[usize]) {
        if drop.is_empty() {
            return;
        }
        let mut keep = vec![true; self.len()];
        for &u in drop {
            if let Some(k) = keep.get_mut(u) {
                *k = false;
            }
        }
        let notes = std::mem::take(&mut self.notes);
        *self = self.subset(&keep);
        self.notes = notes;
    }

    /// The units `keep` marks, in order, with the same files and columns
    /// (and no notes: they belong to the reading, not to a part of it).
    fn subset(&self, keep: &[bool]) -> Table {
        let kept = |u: &usize| keep.get(*u).copied().unwrap_or(false);
        let units = || (0..self.len()).filter(kept);
        let mut ids = TextColumn::default();
        units().for_each(|u| ids.push(self.ids.get(u)));
        let labels = self.labels.as_ref().map(|labels| {
            let mut new = TextColumn::default();
            units().for_each(|u| new.push(labels.get(u)));
            new
        });
        let coded = |column: &Option<CodedText>| {
            column.as_ref().map(|column| {
                let mut new = CodedText::default();
                units().for_each(|u| new.push(column.get(u)));
                new
            })
        };
        let pick = |column: &[u64]| units().filter_map(|u| column.get(u).copied()).collect::<Vec<u64>>();
        Table {
            files: self.files.clone(),
            ids,
            labels,
            groups: coded(&self.groups),
            periods: coded(&self.periods),
            file_of: units().filter_map(|u| self.file_of.get(u).copied()).collect(),
            row_of: pick(&self.row_of),
            values: self
                .values
                .iter()
                .map(|column| {
                    column
                        .iter()
                        .enumerate()
                        .filter(|(u, _)| kept(u))
                        .map(|(_, v)| v)
                        .collect()
                })
                .collect(),
            columns: self.columns.clone(),
            cells_released: self.cells_released,
            first_header: self.first_header.clone(),
            notes: Vec::new(),
        }
    }

    /// A long panel table cut into one table per period, in order of first
    /// appearance (SPEC "Panels"); the period column stays, for messages.
    /// A table without a period column is returned whole, as one part.
    pub fn split_periods(self) -> Vec<(String, Table)> {
        let names = self.period_names().to_vec();
        if self.periods.is_none() {
            return vec![(String::new(), self)];
        }
        names
            .iter()
            .enumerate()
            .map(|(p, name)| {
                let keep: Vec<bool> = (0..self.len()).map(|u| self.period_code(u) == Some(p)).collect();
                (name.clone(), self.subset(&keep))
            })
            .collect()
    }

    /// Appends the units of one batch of rows, after those read so far.
    /// Makes room for `times` as many units as `units` (the first part of a
    /// file whose size says how many such parts follow), so that columns
    /// do not grow by doubling: each doubling leaves the memory it moved
    /// from behind in the allocator (on 1M x 40 a diff's peak was 45 MB
    /// higher). Only address space is taken until it is written, and a
    /// reservation that cannot be made is not: the columns then grow.
    pub(super) fn reserve_like(&mut self, units: &Units, times: f64) {
        self.ids.reserve_like(&units.ids, times);
        if let (Some(mine), Some(theirs)) = (&mut self.labels, &units.labels) {
            mine.reserve_like(theirs, times);
        }
        if let (Some(mine), Some(theirs)) = (&mut self.groups, &units.groups) {
            mine.reserve_like(theirs, times);
        }
        if let (Some(mine), Some(theirs)) = (&mut self.periods, &units.periods) {
            mine.reserve_like(theirs, times);
        }
        let rows = scaled(units.rows.len(), times);
        let _ = self.file_of.try_reserve(rows);
        let _ = self.row_of.try_reserve(rows);
        for column in &mut self.values {
            column.reserve(rows);
        }
    }

    pub(super) fn append(&mut self, units: &Units) {
        self.ids.append(&units.ids);
        if let (Some(mine), Some(theirs)) = (&mut self.labels, &units.labels) {
            mine.append(theirs);
        }
        if let (Some(mine), Some(theirs)) = (&mut self.groups, &units.groups) {
            mine.append(theirs);
        }
        if let (Some(mine), Some(theirs)) = (&mut self.periods, &units.periods) {
            mine.append(theirs);
        }
        self.file_of.extend(std::iter::repeat_n(units.file, units.rows.len()));
        self.row_of.extend_from_slice(&units.rows);
        for (mine, theirs) in self.values.iter_mut().zip(&units.values) {
            mine.append(theirs);
        }
    }
}

/// `n` × `times`, rounded up (a count to reserve room for).
fn scaled(n: usize, times: f64) -> usize {
    // A float-to-int `as` saturates: no overflow, and NaN gives 0.
    (n as f64 * times).ceil() as usize
}

/// Units parsed from one batch of a file's rows, in file order, to be
/// appended to the table (see [`Table::append`]).
#[derive(Default)]
pub(super) struct Units {
    /// Index into [`Table::files`] of the file the rows come from.
    pub(super) file: u32,
    pub(super) ids: TextColumn,
    pub(super) labels: Option<TextColumn>,
    pub(super) groups: Option<CodedText>,
    pub(super) periods: Option<CodedText>,
    /// Per unit: its 1-based row in the file.
    pub(super) rows: Vec<u64>,
    /// Per indicator (rubric order): the raw values.
    pub(super) values: Vec<RawValues>,
}

/// An error naming the first id that two units share (in reading order),
/// with the rows of both.
pub(super) fn check_duplicate_ids(table: &Table) -> Result<()> {
    // Sorted (hash, unit) pairs rather than a map of every id: a million ids
    // take 16 MB instead of about 50, and sort in parallel. Equal ids have
    // equal hashes, so duplicates sit in runs of equal hashes. In a long
    // panel table an id is unique within its period.
    let key = |u: usize| (table.id(u), table.period(u));
    // Any hash finds the duplicates (equal hashes are then compared as
    // ids); foldhash's is several times cheaper than the standard
    // library's SipHash on short ids, and fixed, so runs are alike.
    let state = foldhash::fast::FixedState::with_seed(0);
    let hash = |u: usize| std::hash::BuildHasher::hash_one(&state, key(u));
    let mut keyed: Vec<(u64, usize)> = (0..table.len()).into_par_iter().map(|u| (hash(u), u)).collect();
    keyed.par_sort_unstable();
    // The reported pair is the first unit (in reading order) whose id came
    // before, with that id's first occurrence.
    let mut first: Option<(usize, usize)> = None;
    for run in keyed.chunk_by(|a, b| a.0 == b.0).filter(|run| run.len() > 1) {
        let mut units: Vec<usize> = run.iter().map(|&(_, u)| u).collect();
        // Different ids can share a hash: order by id, then by unit.
        units.sort_unstable_by(|&a, &b| key(a).cmp(&key(b)).then(a.cmp(&b)));
        for same in units.chunk_by(|&a, &b| key(a) == key(b)) {
            if let [j, u, ..] = *same
                && first.is_none_or(|(_, fu)| u < fu)
            {
                first = Some((j, u));
            }
        }
    }
    if let Some((j, u)) = first {
        let place = |v: usize| {
            let name = table.files.get(table.file(v)).map_or("", |f| f.name.as_str());
            format!("{name}:{}", table.row(v))
        };
        let (within, once) = match table.period(u) {
            Some(period) => (format!(" in period `{}`", echo(period)), "once in each period"),
            None => (String::new(), "once"),
        };
        return Err(Error::data(format!(
            "duplicate id `{}`{within}: {} and {}",
            echo(table.id(u)),
            place(j),
            place(u)
        ))
        .help(format!(
            "each unit must appear {once}; remove or renumber one of the rows"
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn room_is_made_for_as_many_units_again_as_the_first_part_says() {
        let rubric = crate::rubric::Rubric::parse(
            "t.toml",
            "[rubric]\nname = \"t\"\nid = \"id\"\nlabel = \"name\"\n[[dimension]]\nid = \"d\"\n[[indicator]]\nid = \"a\"\ndimension = \"d\"\nnormalize = \"minmax\"\n",
            false,
        )
        .unwrap();
        let mut table = Table::new(&rubric, &super::super::ReadOptions::default());
        let mut units = Units {
            labels: Some(TextColumn::default()),
            values: vec![RawValues::default()],
            ..Units::default()
        };
        for u in 0..10 {
            units.ids.push(&format!("u{u}"));
            if let Some(labels) = &mut units.labels {
                labels.push("村");
            }
            units.rows.push(u + 2);
            units.values[0].push_decimal(5, 1);
        }
        table.reserve_like(&units, 100.5);
        assert!(table.row_of.capacity() >= 1005 && table.file_of.capacity() >= 1005);
        assert!(table.ids.ends.capacity() >= 1005 && table.ids.text.capacity() >= 2010);
        assert!(table.labels.as_ref().unwrap().text.capacity() >= 3015);
        table.append(&units);
        assert_eq!(
            (table.len(), table.id(9), table.values[0].iter().nth(9)),
            (10, "u9", Some(Some(0.5)))
        );
        // A reservation too large to make is not made.
        table.reserve_like(&units, f64::INFINITY);
        assert_eq!(table.len(), 10);
    }
}
