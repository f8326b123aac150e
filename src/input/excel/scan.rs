//! Checks on a workbook's zip archive (SPEC "Command line": Bounded
//! resources), so that the reader library (calamine) never holds more than
//! the data needs. It keeps some parts whole in memory
//! (shared strings, styles, an OpenDocument file's every sheet, expanded),
//! and buffers each XML text, tag or comment of the parts it streams (the
//! sheets) whole. So, before it opens the file: the sizes the archive's
//! directory declares are bounded, the prolog of each XML part is read for
//! a DTD, and an OpenDocument `content.xml` is read through to count what
//! its repeats expand to. The streamed parts are scanned by a second thread
//! while the reader reads them, and a [`Gate`] lets the reader have only
//! what the scan has found sound: a sheet is not unpacked twice in a row,
//! and the reader's wait is a few kilobytes of it.
//!
//! The parts: `zip` (the archive's directory and the checks before
//! opening), `xml` (the scanner and its refusals), `ods` (what an
//! OpenDocument `content.xml` expands to) and `gate` (the scanning thread
//! and the reader's view of the bytes). This file joins them: how a part is
//! scanned ([`Mode`], [`scan_part`]).

mod gate;
mod ods;
mod xml;
mod zip;

pub use gate::{Gate, Gated};
pub use zip::{Kind, check_zip};

use crate::error::Error;
use ods::Ods;
use std::io::Read;
use xml::{Refusal, Scanner, Sheet};

/// A refusal of the workbook at `path`: `what` follows the path in the message.
fn refuse(path: &str, what: String, help: &str) -> Error {
    Error::data(format!("{path}{what}")).help(help)
}

/// What to look for in a part.
enum Mode {
    /// Only the prolog (up to the first element): a DTD. For parts kept
    /// whole, whose size is bounded (see [`zip::read_whole`]).
    Prolog,
    /// A sheet read as a stream: every run and cell is bounded.
    Sheet(Sheet),
    /// An OpenDocument `content.xml`: what expanding it would take.
    Ods(Box<Ods>),
}

/// Streams a part through the scanner.
/// Calls `progress` after each chunk; it returns false to stop.
fn scan_part(
    mut part: impl Read,
    mut mode: Mode,
    progress: &mut dyn FnMut() -> bool,
) -> std::result::Result<(), Refusal> {
    let mut scanner = Scanner::default();
    let mut chunk = vec![0u8; 256 << 10];
    let whole = !matches!(mode, Mode::Prolog);
    loop {
        // A part that cannot be unpacked to its end is the reader's to report.
        let n = part.read(&mut chunk).unwrap_or(0);
        let data = chunk.get(..n).unwrap_or(&[]);
        let more = scanner.feed(data, n == 0, whole, &mut |markup, text, offset| match &mut mode {
            Mode::Prolog => Ok(markup.starts_with(b"<?") || markup.starts_with(b"<!")),
            Mode::Sheet(sheet) => sheet.markup(markup, offset).map(|()| true),
            Mode::Ods(ods) => ods.markup(markup, text).map(|()| true),
        })?;
        if !more || n == 0 || !progress() {
            break;
        }
    }
    if let Mode::Ods(ods) = &mut mode {
        ods.finish()?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::xml::{MAX_XML_RUN, markup_len};
    use super::zip::directory_size;
    use super::*;

    fn scan(xml: &str, mode: Mode, chunk: usize) -> std::result::Result<(), Refusal> {
        let mut scanner = Scanner::default();
        let mut mode = mode;
        let whole = !matches!(mode, Mode::Prolog);
        let bytes = xml.as_bytes();
        let mut pieces: Vec<&[u8]> = bytes.chunks(chunk).collect();
        pieces.push(&[]);
        let mut seen = Vec::new();
        for piece in pieces {
            let more = scanner.feed(piece, piece.is_empty(), whole, &mut |m, text, offset| {
                seen.push((String::from_utf8_lossy(m).into_owned(), text));
                match &mut mode {
                    Mode::Prolog => Ok(m.starts_with(b"<?") || m.starts_with(b"<!")),
                    Mode::Sheet(s) => s.markup(m, offset).map(|()| true),
                    Mode::Ods(o) => o.markup(m, text).map(|()| true),
                }
            })?;
            if !more {
                break;
            }
        }
        if let Mode::Ods(o) = &mut mode {
            o.finish()?;
        }
        Ok(())
    }

    #[test]
    fn markup_is_found_across_chunks_and_quotes() {
        let xml = r#"<?xml version="1.0"?><a x=">" y='<'><!-- < > --><![CDATA[ <b> ]]>text</a>"#;
        for chunk in 1..12 {
            assert!(scan(xml, Mode::Sheet(Sheet::default()), chunk).is_ok());
        }
        assert_eq!(markup_len(br#"<a x=">">"#, true), Some(9));
        assert_eq!(markup_len(b"<!-- a -->b", true), Some(10));
        assert_eq!(markup_len(b"<a", false), None);
    }

    #[test]
    fn a_dtd_is_refused_in_any_part() {
        let xml = r#"<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "b">]><sst>&a;</sst>"#;
        for chunk in [1, 5, 1000] {
            assert!(matches!(scan(xml, Mode::Prolog, chunk), Err(Refusal::Entities)));
            assert!(matches!(
                scan(xml, Mode::Sheet(Sheet::default()), chunk),
                Err(Refusal::Entities)
            ));
        }
        // After the first element, a whole-kept part is not read on.
        assert!(scan("<sst><!DOCTYPE x></sst>", Mode::Prolog, 3).is_ok());
    }

    #[test]
    fn long_runs_and_cells_are_refused_in_a_sheet() {
        let long = format!("<c><v>{}</v></c>", "1".repeat(MAX_XML_RUN + 1));
        assert!(matches!(
            scan(&long, Mode::Sheet(Sheet::default()), 4096),
            Err(Refusal::Run(_))
        ));
        let runs = format!(
            "<c t=\"inlineStr\"><is>{}</is></c>",
            "<r><t>abcdefgh</t></r>".repeat(300_000)
        );
        assert!(matches!(
            scan(&runs, Mode::Sheet(Sheet::default()), 65536),
            Err(Refusal::Cell(_))
        ));
        let fine = "<row><c r=\"A1\" s=\"1\"/><c><v>1</v></c></row>".repeat(100_000);
        assert!(scan(&fine, Mode::Sheet(Sheet::default()), 65536).is_ok());
    }

    const ROW: &str = r#"<table:table-row><table:table-cell office:value-type="float" office:value="1"/><table:table-cell table:number-columns-repeated="1020"/></table:table-row>"#;

    #[test]
    fn trailing_empty_rows_and_cells_of_an_ods_cost_nothing() {
        let xml = format!(
            r#"<table:table table:name="S">{}<table:table-row table:number-rows-repeated="1048553"><table:table-cell table:number-columns-repeated="1024"/></table:table-row></table:table>"#,
            ROW.repeat(20)
        );
        assert!(scan(&xml, Mode::Ods(Box::default()), 100).is_ok());
    }

    #[test]
    fn repeats_with_content_are_counted_as_expanded() {
        let bomb = r#"<table:table table:name="S"><table:table-row table:number-rows-repeated="300000"><table:table-cell table:number-columns-repeated="100" office:value-type="float" office:value="1"/></table:table-row></table:table>"#;
        match scan(bomb, Mode::Ods(Box::default()), 64) {
            Err(Refusal::Ods(m)) => assert!(m.contains("30000101 cells") && m.contains("`S`"), "{m}"),
            _ => panic!("not refused"),
        }
        // An empty row between filled ones is expanded too.
        let gap = format!(
            r#"<table:table table:name="S">{ROW}<table:table-row table:number-rows-repeated="1000000"><table:table-cell table:number-columns-repeated="10"/></table:table-row><table:table-row><table:table-cell table:number-columns-repeated="9"/><table:table-cell office:value-type="float" office:value="1"/></table:table-row></table:table>"#
        );
        assert!(matches!(
            scan(&gap, Mode::Ods(Box::default()), 64),
            Err(Refusal::Ods(_))
        ));
        // Spaces declared by count are text the reader writes out.
        let spaces = r#"<table:table table:name="S"><table:table-row><table:table-cell office:value-type="string"><text:p><text:s text:c="400000000"/></text:p></table:table-cell></table:table-row></table:table>"#;
        assert!(matches!(
            scan(spaces, Mode::Ods(Box::default()), 64),
            Err(Refusal::Ods(_))
        ));
    }

    #[test]
    fn the_directory_size_is_read_from_the_end_record() {
        let mut zip = b"junk".to_vec();
        zip.extend_from_slice(b"PK\x05\x06\0\0\0\0\x03\0\x03\0\x10\0\0\0\0\0\0\0\0\0");
        assert_eq!(directory_size(&zip), Some((3, 16)));
        assert_eq!(directory_size(b"no end record"), None);
    }
}
