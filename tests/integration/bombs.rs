//! Memory bombs (SPEC "Bounded resources"; issue 14, items 5 and 6, and the
//! workbook half of 10): small, endless or hostile inputs that would make
//! linkscore hold far more than their useful data. Each is built in a
//! temporary directory and run under a 2 GiB address-space limit
//! (`support::run_limited`); each must end in exit 1 within 10 seconds with
//! a message that names the limit crossed and how to stay under it.
//!
//! The big zip parts are deflated by hand (one block of fixed Huffman codes,
//! repeats written as back-references, CRC-32 computed by powers of its
//! affine map), so that a gigabyte of sheet XML takes well under a second to
//! build in a debug test.

use crate::support::{Run, assert_clean_stderr, assert_mentions, fails, limit_memory, ok, run_limited, tmp, write};
use std::io::Write;
use std::path::Path;
use std::time::{Duration, Instant};

/// One indicator, `x`, read as it is; the id column is `id`.
const RUBRIC: &str = r#"[rubric]
name = "bombs"
id = "id"
scale = 1
normalize = "none"
missing = "reweight"

[[dimension]]
id = "d"
name = "D"

[[indicator]]
id = "x"
column = "x"
dimension = "d"
"#;

/// SPEC: a bomb is refused in under 10 s (a release build refuses each in
/// well under a second). The tests run an unoptimized build beside the rest
/// of the suite on two cores, where reading 70 MiB takes 5-11 s: they allow
/// three times as long, which still fails a bomb that is read through.
const LIMIT: Duration = Duration::from_secs(if cfg!(debug_assertions) { 30 } else { 10 });

/// Runs `score FILE` under the memory limit and requires a refusal: exit 1,
/// every one of `parts` in the message, a help line, in under 10 s.
fn refused(dir: &Path, file: &str, stdin: Option<Vec<u8>>, parts: &[&str]) -> String {
    write(dir, "rubric.toml", RUBRIC);
    let (run, took) = run_limited(dir, &["score", file, "--rubric", "rubric.toml"], stdin);
    let e = fails(run, 1);
    assert_mentions(&e, parts);
    assert!(e.contains("= help:"), "no advice in:\n{e}");
    assert!(took < LIMIT, "{file}: took {took:?}:\n{e}");
    e
}

// ---------------------------------------------------------------------------
// Zip archives and deflate streams by hand

/// The CRC-32 table (reflected, polynomial 0xEDB88320).
fn crc_table() -> [u32; 256] {
    let mut table = [0u32; 256];
    for (n, entry) in table.iter_mut().enumerate() {
        let mut c = n as u32;
        for _ in 0..8 {
            c = if c & 1 == 1 { 0xEDB8_8320 ^ (c >> 1) } else { c >> 1 };
        }
        *entry = c;
    }
    table
}

/// The CRC register after `bytes`, from `register` (no pre- or post-inversion).
fn crc_update(table: &[u32; 256], mut register: u32, bytes: &[u8]) -> u32 {
    for &b in bytes {
        register = table[((register ^ u32::from(b)) & 0xFF) as usize] ^ (register >> 8);
    }
    register
}

/// What reading bytes does to the CRC register, an affine map over GF(2):
/// r ↦ M·r ⊕ c, M by the images of the 32 unit vectors. Reading a block n
/// times is the map's n-th power, found in log n squarings.
#[derive(Clone, Copy)]
struct Affine {
    columns: [u32; 32],
    constant: u32,
}

impl Affine {
    fn identity() -> Affine {
        let mut columns = [0u32; 32];
        for (i, c) in columns.iter_mut().enumerate() {
            *c = 1 << i;
        }
        Affine { columns, constant: 0 }
    }

    fn of(table: &[u32; 256], bytes: &[u8]) -> Affine {
        let constant = crc_update(table, 0, bytes);
        let mut columns = [0u32; 32];
        for (i, c) in columns.iter_mut().enumerate() {
            *c = crc_update(table, 1 << i, bytes) ^ constant;
        }
        Affine { columns, constant }
    }

    fn linear(&self, r: u32) -> u32 {
        (0..32)
            .filter(|i| r >> i & 1 == 1)
            .fold(0, |acc, i| acc ^ self.columns[i])
    }

    fn apply(&self, r: u32) -> u32 {
        self.linear(r) ^ self.constant
    }

    /// This map, then `next`.
    fn then(&self, next: &Affine) -> Affine {
        let mut columns = [0u32; 32];
        for (c, &mine) in columns.iter_mut().zip(&self.columns) {
            *c = next.linear(mine);
        }
        Affine {
            columns,
            constant: next.apply(self.constant),
        }
    }

    fn power(&self, mut n: u64) -> Affine {
        let (mut result, mut base) = (Affine::identity(), *self);
        while n > 0 {
            if n & 1 == 1 {
                result = result.then(&base);
            }
            base = base.then(&base);
            n >>= 1;
        }
        result
    }
}

/// The `n` low bits of `code` in reverse order.
fn reversed(code: u32, n: u32) -> u32 {
    (0..n).fold(0, |acc, i| acc | ((code >> i) & 1) << (n - 1 - i))
}

/// Content as segments: each `(unit, times)` is `unit` repeated.
type Segments<'a> = [(&'a [u8], u64)];

/// The CRC-32 of the content of `segments`.
fn crc_of(segments: &Segments<'_>) -> u32 {
    let table = crc_table();
    let map = segments.iter().fold(Affine::identity(), |map, (unit, times)| {
        map.then(&Affine::of(&table, unit).power(*times))
    });
    !map.apply(!0)
}

/// A raw deflate stream: one final block of fixed Huffman codes.
struct Deflate {
    out: Vec<u8>,
    bits: u64,
    count: u32,
}

impl Deflate {
    fn new() -> Deflate {
        let mut d = Deflate {
            out: Vec::new(),
            bits: 0,
            count: 0,
        };
        d.put(1, 1); // the final block
        d.put(1, 2); // of fixed Huffman codes
        d
    }

    /// `n` bits of `value`, least significant first.
    fn put(&mut self, value: u32, n: u32) {
        self.bits |= u64::from(value) << self.count;
        self.count += n;
        while self.count >= 8 {
            self.out.push(self.bits as u8);
            self.bits >>= 8;
            self.count -= 8;
        }
    }

    /// A Huffman code: most significant bit first.
    fn code(&mut self, code: u32, n: u32) {
        self.put(reversed(code, n), n);
    }

    fn symbol(&mut self, s: u32) {
        match s {
            0..=143 => self.code(0x30 + s, 8),
            144..=255 => self.code(0x190 + s - 144, 9),
            256..=279 => self.code(s - 256, 7),
            _ => self.code(0xC0 + s - 280, 8),
        }
    }

    fn literals(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.symbol(u32::from(b));
        }
    }

    /// `unit` repeated `times` times: once as literals, then copies of the
    /// bytes `unit.len()` back, 258 at a time.
    fn repeat(&mut self, unit: &[u8], times: u64) {
        assert!(!unit.is_empty() && times >= 1);
        assert!(times == 1 || unit.len() <= 32_768, "a copy reaches 32 KiB back at most");
        self.literals(unit);
        let period = unit.len() as u64;
        let rest = (times - 1) * period;
        // A copy of 258 bytes is length code 285; the distance code and its
        // extra bits are the same for each copy: work them out once.
        let n = period - 1;
        let (code, extra, value) = if period <= 4 {
            (n as u32, 0, 0)
        } else {
            let e = 63 - n.leading_zeros() - 1;
            ((2 * (e + 1) + ((n >> e) & 1) as u32), e, (n & ((1 << e) - 1)) as u32)
        };
        let copy_bits = reversed(0xC5, 8) | reversed(code, 5) << 8 | value << 13;
        let copy_len = 13 + extra;
        for _ in 0..rest / 258 {
            self.put(copy_bits, copy_len);
        }
        let done = rest / 258 * 258;
        for i in done..rest {
            self.symbol(u32::from(unit[(i % period) as usize]));
        }
    }

    fn finish(mut self) -> Vec<u8> {
        self.symbol(256);
        if self.count > 0 {
            self.out.push(self.bits as u8);
        }
        self.out
    }
}

/// A part of a zip archive: its bytes as stored, how it is stored, its CRC
/// and its size unpacked.
struct Part {
    name: String,
    data: Vec<u8>,
    deflated: bool,
    crc: u32,
    size: u64,
}

impl Part {
    fn stored(name: &str, data: &[u8]) -> Part {
        Part {
            name: name.to_string(),
            data: data.to_vec(),
            deflated: false,
            crc: crc_of(&[(data, 1)]),
            size: data.len() as u64,
        }
    }

    /// Deflated by hand from segments.
    fn deflated(name: &str, segments: &Segments<'_>) -> Part {
        let mut d = Deflate::new();
        for (unit, times) in segments {
            d.repeat(unit, *times);
        }
        Part {
            name: name.to_string(),
            data: d.finish(),
            deflated: true,
            crc: crc_of(segments),
            size: segments.iter().map(|(u, t)| u.len() as u64 * t).sum(),
        }
    }
}

/// A zip archive of `parts` (sizes below 4 GiB: no zip64).
fn zip(parts: &[Part]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut directory = Vec::new();
    let u16le = |v: usize| (v as u16).to_le_bytes();
    let u32le = |v: u64| u32::try_from(v).expect("under 4 GiB").to_le_bytes();
    for part in parts {
        let offset = out.len() as u64;
        let method = if part.deflated { 8 } else { 0 };
        // Version 2.0, no flags, 1980-01-01.
        let common = [
            &u16le(20)[..],
            &u16le(0),
            &u16le(method),
            &u16le(0),
            &u16le(33),
            &part.crc.to_le_bytes(),
            &u32le(part.data.len() as u64),
            &u32le(part.size),
            &u16le(part.name.len()),
            &u16le(0),
        ]
        .concat();
        out.extend_from_slice(b"PK\x03\x04");
        out.extend_from_slice(&common);
        out.extend_from_slice(part.name.as_bytes());
        out.extend_from_slice(&part.data);
        directory.extend_from_slice(b"PK\x01\x02");
        directory.extend_from_slice(&u16le(20));
        directory.extend_from_slice(&common);
        directory.extend_from_slice(&[0u8; 10]); // comment length, disk, attributes
        directory.extend_from_slice(&u32le(offset));
        directory.extend_from_slice(part.name.as_bytes());
    }
    let at = out.len() as u64;
    out.extend_from_slice(&directory);
    out.extend_from_slice(b"PK\x05\x06\0\0\0\0");
    out.extend_from_slice(&u16le(parts.len()));
    out.extend_from_slice(&u16le(parts.len()));
    out.extend_from_slice(&u32le(directory.len() as u64));
    out.extend_from_slice(&u32le(at));
    out.extend_from_slice(&[0, 0]);
    out
}

/// The parts of an xlsx around its sheet (and its shared strings, if any).
fn xlsx(sheet: Part, shared: Option<Part>) -> Vec<u8> {
    let mut parts = vec![
        Part::stored(
            "[Content_Types].xml",
            br#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>"#,
        ),
        Part::stored(
            "_rels/.rels",
            br#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#,
        ),
        Part::stored(
            "xl/workbook.xml",
            br#"<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>"#,
        ),
        Part::stored(
            "xl/_rels/workbook.xml.rels",
            br#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>"#,
        ),
    ];
    parts.extend(shared);
    parts.push(sheet);
    zip(&parts)
}

const SHEET_HEAD: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>"#;
const SHEET_TAIL: &str = "</sheetData></worksheet>";

/// An inline-string cell.
fn text_cell(at: &str, text: &str) -> String {
    format!(r#"<c r="{at}" t="inlineStr"><is><t>{text}</t></is></c>"#)
}

/// Sheet XML: the header `id`, `x`, then `rows`.
fn sheet_xml(rows: &str) -> String {
    format!(
        r#"{SHEET_HEAD}<row r="1">{}{}</row>{rows}{SHEET_TAIL}"#,
        text_cell("A1", "id"),
        text_cell("B1", "x")
    )
}

// ---------------------------------------------------------------------------
// Workbooks

/// Item 1: one 15 MiB shared string used by 900 cells. Each cell used to
/// copy it (13.5 GB); a cell holds at most 32,767 characters in Excel.
#[test]
fn a_shared_string_longer_than_a_cell_can_hold_is_refused_at_its_cell() {
    let dir = tmp();
    let head = br#"<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="902" uniqueCount="1"><si><t>"#;
    let tail = b"</t></si></sst>";
    let shared = Part::deflated(
        "xl/sharedStrings.xml",
        &[(&head[..], 1), (b"A", 15 << 20), (&tail[..], 1)],
    );
    let mut rows: String = (2..=6)
        .map(|r| {
            format!(
                r#"<row r="{r}">{}<c r="B{r}"><v>{r}</v></c></row>"#,
                text_cell(&format!("A{r}"), &format!("u{r}"))
            )
        })
        .collect();
    for r in 7..=906 {
        rows.push_str(&format!(
            r#"<row r="{r}">{}<c r="B{r}" t="s"><v>0</v></c></row>"#,
            text_cell(&format!("A{r}"), &format!("u{r}"))
        ));
    }
    let sheet = Part::stored("xl/worksheets/sheet1.xml", sheet_xml(&rows).as_bytes());
    let book = xlsx(sheet, Some(shared));
    assert!(book.len() < 200 << 10, "{} bytes", book.len());
    write(dir.path(), "book.xlsx", &book);
    refused(
        dir.path(),
        "book.xlsx",
        None,
        &[
            "book.xlsx[Sheet1]!B7",
            "15728640 characters",
            "32767",
            "export the sheet as CSV",
        ],
    );
}

/// Item 1's other bound: a row's text, as for a line of CSV (64 MiB), even
/// when each of its cells is within Excel's limit. (Once the header is
/// found only the rubric's columns are kept: the row is a title row above it.)
#[test]
fn a_row_of_more_text_than_a_line_of_csv_is_refused() {
    if !crate::support::long_only() {
        return;
    }
    let dir = tmp();
    // 2,300 cells of 30,000 characters each: 69 MB.
    let starts: Vec<String> = (0..2_300u32)
        .map(|c| {
            let mut col = String::new();
            let mut n = c + 1;
            while n > 0 {
                col.insert(0, char::from(b'A' + ((n - 1) % 26) as u8));
                n = (n - 1) / 26;
            }
            format!(r#"<c r="{col}1" t="inlineStr"><is><t>"#)
        })
        .collect();
    let head = format!(r#"{SHEET_HEAD}<row r="1">"#);
    let mut segments: Vec<(&[u8], u64)> = vec![(head.as_bytes(), 1)];
    for start in &starts {
        segments.extend([(start.as_bytes(), 1), (&b"a"[..], 30_000), (&b"</t></is></c>"[..], 1)]);
    }
    let tail = format!("</row>{SHEET_TAIL}");
    segments.push((tail.as_bytes(), 1));
    let sheet = Part::deflated("xl/worksheets/sheet1.xml", &segments);
    write(dir.path(), "wide.xlsx", xlsx(sheet, None));
    refused(dir.path(), "wide.xlsx", None, &["wide.xlsx[Sheet1]:1", "64 MiB"]);
}

/// Item 3: a 7.7 MB xlsx whose sheet inflates to 1 GB at a ratio under the
/// 200:1 guard, all of it cells in columns the rubric does not read. Every
/// cell used to be kept (about 3 GB); now only the rubric's columns are, and
/// reading thousands of other cells per useful one is refused early.
#[test]
fn a_sheet_of_a_gigabyte_in_columns_the_rubric_does_not_read_is_refused_early() {
    if !crate::support::long_only() {
        return;
    }
    let dir = tmp();
    let head = sheet_xml("");
    let head = head.strip_suffix(SHEET_TAIL).expect("the sheet's head");
    let row_start = format!("<row>{}<c><v>5</v></c>", r#"<c t="inlineStr"><is><t>u</t></is></c>"#);
    let (cell, row_end) = (&b"<c><v>1</v></c>"[..], &b"</row>"[..]);
    let rows = 4_100u64;
    // Each row fills every column of Excel, A to XFD.
    let mut segments: Vec<(&[u8], u64)> = vec![(head.as_bytes(), 1)];
    for _ in 0..rows {
        segments.extend([(row_start.as_bytes(), 1), (cell, 16_382), (row_end, 1)]);
    }
    segments.push((SHEET_TAIL.as_bytes(), 1));
    // The CRC of 4,100 equal rows: the row's map to the 4,100th power.
    let table = crc_table();
    let row = Affine::of(&table, row_start.as_bytes())
        .then(&Affine::of(&table, cell).power(16_382))
        .then(&Affine::of(&table, row_end));
    let crc = !Affine::of(&table, head.as_bytes())
        .then(&row.power(rows))
        .then(&Affine::of(&table, SHEET_TAIL.as_bytes()))
        .apply(!0);
    let mut deflate = Deflate::new();
    for (unit, times) in &segments {
        deflate.repeat(unit, *times);
    }
    let sheet = Part {
        name: "xl/worksheets/sheet1.xml".into(),
        data: deflate.finish(),
        deflated: true,
        crc,
        size: segments.iter().map(|(u, t)| u.len() as u64 * t).sum(),
    };
    let (size, packed) = (sheet.size, sheet.data.len() as u64);
    assert!(size > 1_000_000_000, "{size} bytes unpacked");
    assert!(size / packed < 200, "ratio {}", size / packed);
    write(dir.path(), "wide.xlsx", xlsx(sheet, None));
    refused(
        dir.path(),
        "wide.xlsx",
        None,
        &[
            "wide.xlsx[Sheet1]",
            "outside the 2 columns the rubric reads",
            "1024 per cell",
            "export the sheet as CSV",
        ],
    );
}

/// A sheet with a few hundred filled columns of which the rubric reads two
/// is read, and so is one with thousands of empty (formatted) cells a row.
#[test]
fn a_sheet_with_many_columns_the_rubric_does_not_read_is_read() {
    if !crate::support::long_only() {
        return;
    }
    let dir = tmp();
    let mut rows = String::new();
    for r in 2..=120 {
        rows.push_str(&format!(
            r#"<row r="{r}">{}<c><v>{r}</v></c>"#,
            text_cell(&format!("A{r}"), &format!("u{r}"))
        ));
        rows.push_str(&"<c><v>7</v></c>".repeat(1500));
        rows.push_str(&"<c/>".repeat(3000));
        rows.push_str("</row>");
    }
    let sheet = Part::deflated("xl/worksheets/sheet1.xml", &[(sheet_xml(&rows).as_bytes(), 1)]);
    write(dir.path(), "many.xlsx", xlsx(sheet, None));
    write(dir.path(), "rubric.toml", RUBRIC);
    let (run, took) = run_limited(
        dir.path(),
        &["score", "many.xlsx", "--rubric", "rubric.toml", "--format", "csv"],
        None,
    );
    let r = ok(run);
    assert!(r.stdout.contains("u120"), "{}", r.stdout);
    // Not a bomb: no time limit (a loaded CI machine must not fail it).
    let _ = took;
}

/// Item 5: an entity declared in a workbook's XML. calamine said "Cannot
/// detect file format".
#[test]
fn entities_in_a_workbooks_xml_are_named() {
    let dir = tmp();
    let dtd = r#"<?xml version="1.0" encoding="UTF-8"?><!DOCTYPE sst [<!ENTITY big "xxxxxxxxxx">]><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>&big;</t></si></sst>"#;
    let rows = format!(
        r#"<row r="2">{}<c r="B2" t="s"><v>0</v></c></row>"#,
        text_cell("A2", "u2")
    );
    let sheet = || Part::stored("xl/worksheets/sheet1.xml", sheet_xml(&rows).as_bytes());
    write(
        dir.path(),
        "shared.xlsx",
        xlsx(sheet(), Some(Part::stored("xl/sharedStrings.xml", dtd.as_bytes()))),
    );
    let e = refused(
        dir.path(),
        "shared.xlsx",
        None,
        &[
            "shared.xlsx",
            "xl/sharedStrings.xml",
            "entities",
            "not what a spreadsheet program writes",
            "re-save it in Excel",
            "CSV",
        ],
    );
    assert!(!e.contains("Cannot detect"), "{e}");
    // In the sheet itself, which is read as a stream.
    let in_sheet = sheet_xml(&rows).replace("<worksheet", r#"<!DOCTYPE worksheet [<!ENTITY big "x">]><worksheet"#);
    write(
        dir.path(),
        "sheet.xlsx",
        xlsx(Part::stored("xl/worksheets/sheet1.xml", in_sheet.as_bytes()), None),
    );
    refused(
        dir.path(),
        "sheet.xlsx",
        None,
        &["sheet.xlsx", "xl/worksheets/sheet1.xml", "entities"],
    );
    // An entity used but never declared.
    let undeclared = sheet_xml(&format!(
        r#"<row r="2">{}<c r="B2"><v>1</v></c></row>"#,
        text_cell("A2", "&big;")
    ));
    write(
        dir.path(),
        "undeclared.xlsx",
        xlsx(Part::stored("xl/worksheets/sheet1.xml", undeclared.as_bytes()), None),
    );
    let e = refused(
        dir.path(),
        "undeclared.xlsx",
        None,
        &["undeclared.xlsx", "entity", "not what Excel writes"],
    );
    assert!(!e.contains("Cannot detect"), "{e}");
}

/// An .ods of `content` (the XML inside `<table:table>`), as LibreOffice
/// packs one.
fn ods(table: &str) -> Vec<u8> {
    let content = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2"><office:body><office:spreadsheet><table:table table:name="Sheet1">{table}</table:table></office:spreadsheet></office:body></office:document-content>"#
    );
    let manifest = r#"<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2"><manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/><manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>"#;
    let mut writer = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let stored = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    let deflated = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    for (name, bytes, options) in [
        ("mimetype", "application/vnd.oasis.opendocument.spreadsheet", stored),
        ("META-INF/manifest.xml", manifest, deflated),
        ("content.xml", content.as_str(), deflated),
    ] {
        writer.start_file(name, options).expect("start a part");
        writer.write_all(bytes.as_bytes()).expect("write a part");
    }
    writer.finish().expect("finish the archive").into_inner()
}

const ODS_HEADER: &str = r#"<table:table-column table:number-columns-repeated="1024"/><table:table-row><table:table-cell office:value-type="string"><text:p>id</text:p></table:table-cell><table:table-cell office:value-type="string"><text:p>x</text:p></table:table-cell><table:table-cell table:number-columns-repeated="1022"/></table:table-row>"#;

/// Item 2: an 845-byte .ods declaring 300,000 rows × 100 columns of one
/// value, which calamine expands in memory when it opens the file.
#[test]
fn an_ods_declaring_millions_of_repeated_cells_is_refused_before_it_is_expanded() {
    let dir = tmp();
    let bomb = ods(&format!(
        r#"{ODS_HEADER}<table:table-row table:number-rows-repeated="300000"><table:table-cell table:number-columns-repeated="100" office:value-type="float" office:value="1"><text:p>1</text:p></table:table-cell></table:table-row>"#
    ));
    assert!(bomb.len() < 1500, "{} bytes", bomb.len());
    write(dir.path(), "bomb.ods", &bomb);
    refused(
        dir.path(),
        "bomb.ods",
        None,
        &[
            "bomb.ods",
            "Sheet1",
            "number-rows-repeated",
            "8000000",
            "save the workbook as .xlsx",
            "CSV",
        ],
    );
}

/// What LibreOffice writes below and beside a table: a million empty rows
/// and a thousand empty cells in one declaration each. They cost nothing.
#[test]
fn an_ods_with_libreoffices_empty_trailing_rows_and_cells_is_read() {
    let dir = tmp();
    let rows: String = (1..=3)
        .map(|i| {
            format!(
                r#"<table:table-row><table:table-cell office:value-type="string"><text:p>u{i}</text:p></table:table-cell><table:table-cell office:value-type="float" office:value="{}"><text:p>{}</text:p></table:table-cell><table:table-cell table:number-columns-repeated="1022"/></table:table-row>"#,
                i * 10,
                i * 10
            )
        })
        .collect();
    let book = ods(&format!(
        r#"{ODS_HEADER}{rows}<table:table-row table:number-rows-repeated="1048572"><table:table-cell table:number-columns-repeated="1024"/></table:table-row>"#
    ));
    write(dir.path(), "small.ods", &book);
    write(dir.path(), "rubric.toml", RUBRIC);
    let (run, took) = run_limited(
        dir.path(),
        &["score", "small.ods", "--rubric", "rubric.toml", "--format", "csv"],
        None,
    );
    let r = ok(run);
    for id in ["u1", "u2", "u3"] {
        assert!(r.stdout.contains(id), "{id} missing:\n{}", r.stdout);
    }
    assert!(took < LIMIT, "{took:?}");
}

/// Item 4: `/dev/zero` named .xlsx was read whole into memory, forever.
#[test]
fn a_device_named_like_a_workbook_is_not_read_as_one() {
    let dir = tmp();
    std::os::unix::fs::symlink("/dev/zero", dir.path().join("z.xlsx")).expect("a symlink");
    refused(dir.path(), "z.xlsx", None, &["z.xlsx", "is not a workbook", "CSV"]);
    // Nor is text with a workbook's name, however short.
    write(dir.path(), "t.xlsx", "id,x\nu1,1\n");
    refused(dir.path(), "t.xlsx", None, &["t.xlsx", "is not a workbook"]);
}

/// Item 4: standard input that starts as a zip archive does and never ends
/// is read up to the workbook limit, not into all the memory there is.
#[test]
fn endless_standard_input_that_starts_like_a_workbook_is_cut_off() {
    if !crate::support::long_only() {
        return;
    }
    let dir = tmp();
    write(dir.path(), "rubric.toml", RUBRIC);
    let mut cmd = std::process::Command::new(assert_cmd::cargo::cargo_bin("linkscore"));
    cmd.current_dir(dir.path())
        .args(["score", "-", "--rubric", "rubric.toml"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
    limit_memory(&mut cmd);
    let started = Instant::now();
    let mut child = cmd.spawn().expect("start linkscore");
    let mut stdin = child.stdin.take().expect("its standard input");
    // Write until linkscore stops reading (a broken pipe), or give up.
    let feeder = std::thread::spawn(move || {
        let zeros = vec![0u8; 1 << 20];
        let _ = stdin.write_all(b"PK\x03\x04");
        let mut written: u64 = 0;
        while written < 8 << 30 && stdin.write_all(&zeros).is_ok() {
            written += zeros.len() as u64;
        }
        written
    });
    let out = child.wait_with_output().expect("linkscore ends");
    let took = started.elapsed();
    let written = feeder.join().expect("the feeder ends");
    let run = Run {
        code: out.status.code().unwrap_or_else(|| {
            panic!(
                "killed by a signal after {written} bytes: {}",
                String::from_utf8_lossy(&out.stderr)
            )
        }),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        raw_stdout: out.stdout,
    };
    let e = fails(run, 1);
    assert_mentions(&e, &["<stdin>", "1024 MiB", "export the sheet as CSV"]);
    assert!(written < 2 << 30, "read {written} bytes");
    assert!(took < LIMIT, "{took:?}");
}

// ---------------------------------------------------------------------------
// CSV

/// Item 6: a quoted cell with line breaks inside passed the 64 MiB line
/// limit (3.6 GB); a record is bounded as a line is.
#[test]
fn a_quoted_cell_running_over_64_mib_of_lines_is_refused() {
    if !crate::support::long_only() {
        return;
    }
    let dir = tmp();
    let line = format!("{}\n", "a".repeat(1023));
    let mut data = b"id,x\nu1,1\nu2,\"".to_vec();
    for _ in 0..70 << 10 {
        data.extend_from_slice(line.as_bytes());
    }
    data.extend_from_slice(b"\"\n");
    write(dir.path(), "data.csv", &data);
    let e = refused(dir.path(), "data.csv", None, &["data.csv:3", "64 MiB", "quote"]);
    assert_clean_stderr(&e);
    // The same on standard input.
    refused(dir.path(), "-", Some(data), &["<stdin>:3", "64 MiB"]);
}

/// Item 6: 300 MB of lines of ten million commas each. Batches of 16,384
/// records held them all at once with their field ends (2.6 GB); batches
/// are capped in bytes too.
#[test]
fn lines_of_millions_of_empty_fields_are_read_in_small_batches() {
    if !crate::support::long_only() {
        return;
    }
    let dir = tmp();
    let path = dir.path().join("commas.csv");
    let mut file = std::io::BufWriter::new(std::fs::File::create(&path).expect("create the file"));
    file.write_all(b"id,x\n").expect("write");
    let commas = vec![b','; 10_000_000];
    for i in 1..=30 {
        write!(file, "u{i},5").expect("write");
        file.write_all(&commas).expect("write");
        file.write_all(b"\n").expect("write");
    }
    file.flush().expect("flush");
    drop(file);
    refused(
        dir.path(),
        "commas.csv",
        None,
        &["commas.csv:2", "10000002 fields but the header has 2"],
    );
}
