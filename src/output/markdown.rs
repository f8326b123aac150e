//! Markdown: a pipe table with human headings and rounded numbers, for reports.

use super::{Kind, Sheet};

fn escape(s: &str) -> String {
    s.replace('|', "\\|").replace('\n', " ")
}

/// Renders a sheet as a GitHub-flavoured markdown table.
pub fn render(sheet: &Sheet) -> String {
    let mut out = String::new();
    out.push_str("| ");
    out.push_str(
        &sheet
            .columns
            .iter()
            .map(|c| escape(&c.title))
            .collect::<Vec<_>>()
            .join(" | "),
    );
    out.push_str(" |\n|");
    for c in &sheet.columns {
        out.push_str(if c.kind == Kind::Text { " --- |" } else { " ---: |" });
    }
    out.push('\n');
    for row in &sheet.rows {
        out.push_str("| ");
        let cells: Vec<String> = row
            .iter()
            .zip(&sheet.columns)
            .map(|(cell, c)| escape(&cell.human(c.kind)))
            .collect();
        out.push_str(&cells.join(" | "));
        out.push_str(" |\n");
    }
    out
}
