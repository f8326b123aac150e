//! The terminal table: human headings, rounded numbers, CJK text aligned by
//! display width (comfy-table measures with unicode-width), ASCII rules so
//! that terminals which draw box characters double-width still line up.

use super::{Kind, Sheet};
use crate::error::escape_controls;
use comfy_table::{CellAlignment, ContentArrangement, Table, presets};
use unicode_width::UnicodeWidthStr;

/// How wide a terminal table may be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Layout {
    /// The widest a table may be, in display columns; `None` shows every
    /// column however wide (`--wide`).
    pub width: Option<usize>,
}

impl Layout {
    /// What a table is fitted to when the terminal's width is unknown.
    pub const UNKNOWN_WIDTH: usize = 100;

    /// As wide as it needs.
    pub const WIDE: Layout = Layout { width: None };
}

impl Default for Layout {
    /// Fitted to [`Layout::UNKNOWN_WIDTH`].
    fn default() -> Layout {
        Layout {
            width: Some(Layout::UNKNOWN_WIDTH),
        }
    }
}

/// Renders a sheet as an aligned text table (no trailing newline).
pub fn render(sheet: &Sheet) -> String {
    let all: Vec<usize> = (0..sheet.columns.len()).collect();
    build(sheet, &all, None).to_string()
}

/// Renders a sheet within `layout`'s width (no trailing newline): while
/// the table is too wide, the column left out first is the one of the
/// highest [`Column::fit`](super::Column) rank, the rightmost of equals;
/// columns of rank 0 always stay. A last line names what was left out and
/// how to see it.
pub fn fitted(sheet: &Sheet, layout: Layout) -> String {
    let mut kept: Vec<usize> = (0..sheet.columns.len()).collect();
    if let Some(limit) = layout.width {
        let widest = widest_cells(sheet);
        while probe_width(sheet, &kept, &widest) > limit {
            let next = kept
                .iter()
                .enumerate()
                .filter(|&(_, &c)| sheet.columns.get(c).is_some_and(|c| c.fit > 0))
                .max_by_key(|&(at, &c)| (sheet.columns.get(c).map_or(0, |c| c.fit), at));
            let Some((at, _)) = next else { break };
            kept.remove(at);
        }
    }
    let mut out = build(sheet, &kept, None).to_string();
    let left_out: Vec<&str> = (0..sheet.columns.len())
        .filter(|c| !kept.contains(c))
        .filter_map(|c| sheet.columns.get(c))
        .map(|c| sheet.title(c))
        .collect();
    if !left_out.is_empty() {
        let (n, names, width) = (
            left_out.len(),
            left_out.join(sheet.lang.pick(", ", "、")),
            layout.width.unwrap_or(0),
        );
        out.push('\n');
        out.push_str(&escape_controls(&sheet.lang.pick(
            format!("{n} columns left out to fit {width} columns: {names}; --wide shows them (or -f csv)"),
            format!("为适应 {width} 列宽度省略了 {n} 列：{names}；加 --wide 显示全部（或 -f csv）"),
        )));
    }
    out
}

/// Per column, the text of its widest cell (display width).
fn widest_cells(sheet: &Sheet) -> Vec<String> {
    sheet
        .columns
        .iter()
        .enumerate()
        .map(|(c, column)| {
            let mut widest = (0, String::new());
            for cell in sheet.rows.iter().filter_map(|row| row.get(c)) {
                let text = escape_controls(&cell.human(column.kind)).into_owned();
                let width = text.width();
                if width > widest.0 {
                    widest = (width, text);
                }
            }
            widest.1
        })
        .collect()
}

/// The display width of the table of columns `kept`: the header and one
/// row of each column's widest cell laid out as the whole table would be.
fn probe_width(sheet: &Sheet, kept: &[usize], widest: &[String]) -> usize {
    let table = build(sheet, kept, Some(widest));
    table.lines().map(|line| line.width()).max().unwrap_or(0)
}

/// The table of columns `kept`: the sheet's rows, or only `probe` (one cell
/// per column of the sheet) to measure it.
fn build(sheet: &Sheet, kept: &[usize], probe: Option<&[String]>) -> Table {
    let columns: Vec<&super::Column> = kept.iter().filter_map(|&c| sheet.columns.get(c)).collect();
    let mut table = Table::new();
    table
        .load_style(presets::ASCII_BORDERS_ONLY_CONDENSED)
        .set_content_arrangement(ContentArrangement::Disabled)
        .set_header(columns.iter().map(|c| escape_controls(sheet.title(c)).into_owned()));
    match probe {
        Some(widest) => {
            table.add_row(kept.iter().map(|&c| widest.get(c).cloned().unwrap_or_default()));
        }
        // Cells are the data's own text: a control character (ESC, a line
        // break) is shown escaped, so a cell can neither drive the terminal
        // nor break the table's rows.
        None => {
            for row in &sheet.rows {
                table.add_row(kept.iter().zip(&columns).map(|(&c, column)| {
                    let text = row.get(c).map(|cell| cell.human(column.kind)).unwrap_or_default();
                    escape_controls(&text).into_owned()
                }));
            }
        }
    }
    for (i, c) in columns.iter().enumerate() {
        if c.kind != Kind::Text
            && let Some(column) = table.column_mut(i)
        {
            column.set_cell_alignment(CellAlignment::Right);
        }
    }
    table
}

#[cfg(test)]
mod tests {
    use super::super::{Cell, Column};
    use super::*;

    #[test]
    fn control_characters_in_cells_are_escaped() {
        let sheet = Sheet {
            lang: crate::lang::Lang::En,
            columns: vec![Column::new("label", "label\u{7}", Kind::Text)],
            rows: vec![vec![Cell::Text("a\u{1b}[31mred\nx".into())]],
        };
        let shown = render(&sheet);
        assert!(!shown.chars().any(|c| c.is_control() && c != '\n'), "{shown:?}");
        assert!(shown.contains("a\\u{1b}[31mred\\u{a}x"), "{shown}");
        assert!(shown.contains("label\\u{7}"), "{shown}");
    }

    fn wide_sheet() -> Sheet {
        let column = |key: &str, fit| {
            let mut c = Column::new(key, key, Kind::Text);
            c.fit = fit;
            c
        };
        Sheet {
            lang: crate::lang::Lang::En,
            columns: vec![
                column("id", 0),
                column("a", 1),
                column("b", 2),
                column("c", 2),
                column("d", 1),
            ],
            rows: vec![
                ["v1", "aaaaaaaaaa", "bbbbbbbbbb", "cccccccccc", "dddddddddd"]
                    .iter()
                    .map(|t| Cell::Text((*t).into()))
                    .collect(),
            ],
        }
    }

    #[test]
    fn a_table_too_wide_leaves_out_the_highest_fit_rank_first_right_to_left() {
        let sheet = wide_sheet();
        let full = render(&sheet);
        let width = |t: &str| t.lines().map(UnicodeWidthStr::width).max().unwrap_or(0);
        // Every column: "| " + 2 + 4 × 10 + 4 × 3 separators + " |" = 58.
        assert_eq!(width(&full), 58);
        assert_eq!(fitted(&sheet, Layout::WIDE), full);
        assert_eq!(fitted(&sheet, Layout { width: Some(58) }), full);
        // One column less: c (rank 2, rightmost of the 2s) goes first.
        let one = fitted(&sheet, Layout { width: Some(57) });
        assert!(!one.contains("cccc") && one.contains("bbbb"), "{one}");
        assert!(
            one.ends_with("1 columns left out to fit 57 columns: c; --wide shows them (or -f csv)"),
            "{one}"
        );
        // Then b, then d (rank 1, rightmost), then a; id (rank 0) always stays.
        let three = fitted(&sheet, Layout { width: Some(30) });
        assert!(three.contains("aaaa") && !three.contains("dddd"), "{three}");
        let all = fitted(&sheet, Layout { width: Some(1) });
        assert!(all.contains("v1") && !all.contains("aaaa"), "{all}");
        assert!(all.contains("4 columns left out to fit 1 columns: a, b, c, d"), "{all}");
    }
}
