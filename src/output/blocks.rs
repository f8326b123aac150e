//! What people read of an analysis (`disparity`, `dynamics`, `spatial`):
//! a heading, then blocks — subheadings, sentences, tables — laid out once
//! for the terminal and once for markdown.

use super::{Layout, Sheet};
use crate::error::escape_controls;

/// One block of the text, in order.
pub enum Block {
    Heading(String),
    Line(String),
    Sheet(Sheet),
}

/// The terminal text: `heading`, then the blocks; a table follows a
/// heading directly, anything else after a blank line; tables fitted to
/// `layout`.
pub fn text(heading: &str, blocks: &[Block], layout: Layout) -> String {
    let mut out = format!("{}\n", escape_controls(heading));
    let mut after_heading = false;
    for block in blocks {
        match block {
            Block::Heading(h) => out.push_str(&format!("\n{}\n", escape_controls(h))),
            Block::Line(l) => out.push_str(&format!("{}\n", escape_controls(l))),
            Block::Sheet(s) => {
                if !after_heading {
                    out.push('\n');
                }
                out.push_str(&super::table::fitted(s, layout));
                out.push('\n');
            }
        }
        after_heading = matches!(block, Block::Heading(_));
    }
    out
}

/// The markdown: `heading` as `#`, subheadings as `##`, sentences as
/// paragraphs, tables as tables. Markdown drops a cell's leading spaces,
/// so a text cell indented as a part of the figure above it is marked
/// with a corner instead.
pub fn markdown(heading: &str, blocks: Vec<Block>) -> String {
    use super::markdown::{escape, render};
    let mut out = format!("# {}\n", escape(heading));
    for block in blocks {
        match block {
            Block::Heading(h) => out.push_str(&format!("\n## {}\n", escape(&h))),
            Block::Line(l) => out.push_str(&format!("\n{}\n", escape(&l))),
            Block::Sheet(mut s) => {
                for cell in s.rows.iter_mut().flatten() {
                    if let super::Cell::Text(text) = cell
                        && let Some(part) = text.strip_prefix("  ")
                    {
                        *text = format!("└ {part}");
                    }
                }
                out.push('\n');
                out.push_str(&render(&s));
            }
        }
    }
    out
}
