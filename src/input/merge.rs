//! Parsed parts put back in file order (SPEC "Data as offices fill it in":
//! cell errors listed together, totals rows left out with a note): however
//! many threads parse a file's rows, the table and every message are what
//! one thread reading from the top would make.

use super::layout::{Layout, Part};
use super::table::Table;
use super::{MAX_LISTED_ERRORS, totals};
use crate::error::{Error, Result, echo};
use std::collections::BTreeMap;

/// Puts parsed batches back in file order and collects their errors.
pub(super) struct Merger<'t> {
    path: String,
    na: Vec<String>,
    next: usize,
    pending: BTreeMap<usize, Result<Part>>,
    /// Parts are appended as soon as they are next in order, so the table
    /// is never held twice.
    table: &'t mut Table,
    before: usize,
    cell_errors: Vec<String>,
    error_count: usize,
    first_bad: Option<String>,
    /// How to declare a cell's text missing in the rubric (see [`Layout::na_place`]).
    na_place: String,
    totals: usize,
    notes: Vec<String>,
    pub(super) fatal: Option<Error>,
}

/// A token as it is written inside a TOML string (quotes and backslashes
/// escaped), with control characters escaped for the terminal.
fn toml_text(token: &str) -> String {
    echo(&token.replace('\\', "\\\\").replace('"', "\\\""))
}

/// The `na` line to write in `[rubric]`: the rubric's tokens and `token`.
fn na_list(na: &[String], token: &str) -> String {
    let tokens: Vec<String> = na
        .iter()
        .map(String::as_str)
        .chain(std::iter::once(token))
        .map(|t| format!("\"{}\"", toml_text(t)))
        .collect();
    format!("na = [{}]", tokens.join(", "))
}

impl<'t> Merger<'t> {
    pub(super) fn new(layout: &Layout, table: &'t mut Table) -> Merger<'t> {
        Merger {
            path: layout.path.clone(),
            na: layout.na.clone(),
            next: 0,
            pending: BTreeMap::new(),
            before: table.len(),
            table,
            cell_errors: Vec::new(),
            error_count: 0,
            first_bad: None,
            na_place: layout.na_place.clone(),
            totals: 0,
            notes: Vec::new(),
            fatal: None,
        }
    }

    /// Makes room in the table for `times` as many units as `part` holds
    /// (see [`Table::reserve_like`]).
    pub(super) fn reserve_like(&mut self, part: &Part, times: f64) {
        self.table.reserve_like(&part.units, times);
    }

    /// How many parts are in order (appended, or counted after an error).
    pub(super) fn merged(&self) -> usize {
        self.next
    }

    pub(super) fn add(&mut self, index: usize, part: Result<Part>) {
        self.pending.insert(index, part);
        while let Some(part) = self.pending.remove(&self.next) {
            self.next += 1;
            if self.fatal.is_some() {
                continue;
            }
            match part {
                Err(e) => self.fatal = Some(e),
                Ok(mut p) => {
                    self.fatal = p.fatal.take();
                    self.error_count += p.error_count;
                    let room = MAX_LISTED_ERRORS.saturating_sub(self.cell_errors.len());
                    self.cell_errors.extend(p.cell_errors.drain(..).take(room));
                    if self.first_bad.is_none() {
                        self.first_bad = p.first_bad.take();
                    }
                    self.totals += p.totals;
                    let room = MAX_LISTED_ERRORS.saturating_sub(self.notes.len());
                    self.notes.extend(p.notes.drain(..).take(room));
                    // Once a cell is bad the table is not kept: stop copying.
                    if self.error_count == 0 && self.fatal.is_none() {
                        self.table.append(&p.units);
                    }
                }
            }
        }
    }

    /// The first stopping error; else every cell error; else done.
    pub(super) fn finish(self) -> Result<()> {
        if let Some(e) = self.fatal {
            return Err(e);
        }
        if self.error_count > 0 {
            let more = (self.error_count > self.cell_errors.len())
                .then(|| format!("  … and {} more", self.error_count - self.cell_errors.len()));
            let noun = if self.error_count == 1 { "cell is" } else { "cells are" };
            // The whole list to write, the tokens already missing kept: a
            // rubric without `na` has the default list, and `na = ["暂无"]`
            // alone would make every blank cell an error.
            let declare = match self.first_bad.as_deref() {
                Some(cell) => {
                    let token = cell.trim();
                    format!(
                        "if \"{}\" means the value is missing, declare it so: `{}` in `[rubric]` {}",
                        toml_text(token),
                        na_list(&self.na, token),
                        self.na_place
                    )
                }
                None => format!(
                    "a word that marks a missing value is declared so: `{}` in `[rubric]` {}",
                    na_list(&self.na, "暂无"),
                    self.na_place
                ),
            };
            return Err(Error::data(format!("{} {noun} not a number", self.error_count))
                .notes(self.cell_errors.iter().cloned())
                .notes(more)
                .help(format!(
                    "write plain numbers (1234.5, \"1,234.5\", 12%); mark a missing value with one of the rubric's `na` tokens ({})",
                    self.na
                        .iter()
                        .map(|s| format!("{:?}", echo(s)))
                        .collect::<Vec<_>>()
                        .join(", ")
                ))
                .help(declare));
        }
        if self.table.len() == self.before && self.totals == 0 {
            return Err(Error::data(format!("{} has a header but no data rows", self.path))
                .help("add one row per unit below the header"));
        }
        let mut notes = self.notes;
        if self.totals > notes.len() {
            notes.push(format!(
                "… and {} more totals rows left out of {}",
                self.totals - notes.len(),
                self.path
            ));
        }
        let by_values = totals::by_values(self.table, self.before);
        for &u in by_values.iter().take(MAX_LISTED_ERRORS) {
            notes.push(format!(
                "{}:{}: `{}` looks like a totals row (each of its values is the sum or the mean of the other rows'), not a unit: left out",
                self.path,
                self.table.row(u),
                echo(self.table.id(u))
            ));
        }
        if by_values.len() > MAX_LISTED_ERRORS {
            notes.push(format!(
                "… and {} more rows that look like totals rows left out of {}",
                by_values.len() - MAX_LISTED_ERRORS,
                self.path
            ));
        }
        self.table.remove_units(&by_values);
        self.table.notes.extend(notes);
        if self.table.len() == self.before {
            return Err(
                Error::data(format!("{} has no data rows besides its totals rows", self.path))
                    .help("add one row per unit below the header"),
            );
        }
        Ok(())
    }
}
