//! Markdown: a pipe table with human headings and rounded numbers, for reports.

use super::{Kind, Sheet};

/// A cell's text as markdown shows it (SPEC "Command line": markdown escapes
/// `|`, `<`, `>` and `\` in text cells): `|` would end the cell, `<` and `>`
/// would open raw HTML (`<script>`) or an autolink (`<javascript:…>`), and
/// `\` would escape what follows it. `]` is escaped too where it is
/// followed by `(`, so that `[x](javascript:alert(1))` or `![x](url)` is
/// shown as text and never becomes a link or an image; a `\]` renders as
/// `]`, and a `]` elsewhere is left as it is. Line breaks, which would end
/// the table row, become spaces.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '|' | '<' | '>' | '\\' => {
                out.push('\\');
                out.push(c);
            }
            ']' if chars.peek() == Some(&'(') => out.push_str("\\]"),
            '\n' | '\r' => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// Renders a sheet as a GitHub-flavoured markdown table.
pub fn render(sheet: &Sheet) -> String {
    let mut out = String::new();
    out.push_str("| ");
    out.push_str(
        &sheet
            .columns
            .iter()
            .map(|c| escape(sheet.title(c)))
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_that_is_markup_stays_text() {
        assert_eq!(escape("a|b"), "a\\|b");
        assert_eq!(escape("<script>alert(1)</script>"), "\\<script\\>alert(1)\\</script\\>");
        assert_eq!(escape("a\\|b"), "a\\\\\\|b");
        assert_eq!(escape("[x](javascript:alert(1))"), "[x\\](javascript:alert(1))");
        assert_eq!(escape("![i](http://e/x.png)"), "![i\\](http://e/x.png)");
        assert_eq!(escape("村[1] (甲)"), "村[1] (甲)");
        assert_eq!(escape("two\nlines\r"), "two lines ");
        assert_eq!(escape("*_`#&"), "*_`#&");
    }
}
