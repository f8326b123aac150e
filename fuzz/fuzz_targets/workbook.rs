//! Workbooks from arbitrary bytes: the bytes become the XML of a sheet, of
//! the shared strings, or of an OpenDocument `content.xml` inside an
//! otherwise sound archive, so that the fuzzer explores what the workbook
//! reader parses (cells, repeats, entities, runs of text) rather than the
//! zip container (which the `data` target covers). An error or a result,
//! never a panic, and never more memory than the reader's bounds allow
//! (libFuzzer's default RSS limit, 2 GiB, is what the memory-bomb tests
//! run under).
#![no_main]

use libfuzzer_sys::fuzz_target;
use linkscore::input::{ReadOptions, from_bytes};
use linkscore::rubric::Rubric;

const RUBRIC: &str = r#"
[rubric]
id = "id"
label = "name"
missing = "reweight"
[[dimension]]
id = "a"
[[indicator]]
id = "x"
dimension = "a"
goalposts = [0, 100]
[[indicator]]
id = "y"
dimension = "a"
normalize = "minmax"
"#;

/// A sheet that takes its header and labels from the shared strings.
const SHEET: &str = r#"<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c><c r="C1" t="s"><v>2</v></c><c r="D1" t="s"><v>3</v></c></row><row r="2"><c r="A2" t="s"><v>4</v></c><c r="B2" t="s"><v>5</v></c><c r="C2"><v>12</v></c><c r="D2" t="s"><v>6</v></c></row></sheetData></worksheet>"#;

const SHARED: &str = r#"<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>id</t></si><si><t>name</t></si><si><t>x</t></si><si><t>y</t></si><si><t>v1</t></si><si><t>Village</t></si><si><t>7.5</t></si></sst>"#;

fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &b in bytes {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 == 1 { 0xEDB8_8320 ^ (crc >> 1) } else { crc >> 1 };
        }
    }
    !crc
}

/// A zip archive of stored (uncompressed) parts.
fn zip(parts: &[(&str, &[u8])]) -> Vec<u8> {
    let (mut out, mut directory) = (Vec::new(), Vec::new());
    let u16le = |v: usize| (v as u16).to_le_bytes();
    let u32le = |v: usize| (v as u32).to_le_bytes();
    for (name, data) in parts {
        let offset = out.len();
        let common = [
            &u16le(20)[..],
            &u16le(0),
            &u16le(0),
            &u16le(0),
            &u16le(33),
            &crc32(data).to_le_bytes(),
            &u32le(data.len()),
            &u32le(data.len()),
            &u16le(name.len()),
            &u16le(0),
        ]
        .concat();
        out.extend_from_slice(b"PK\x03\x04");
        out.extend_from_slice(&common);
        out.extend_from_slice(name.as_bytes());
        out.extend_from_slice(data);
        directory.extend_from_slice(b"PK\x01\x02");
        directory.extend_from_slice(&u16le(20));
        directory.extend_from_slice(&common);
        directory.extend_from_slice(&[0u8; 10]);
        directory.extend_from_slice(&u32le(offset));
        directory.extend_from_slice(name.as_bytes());
    }
    let at = out.len();
    out.extend_from_slice(&directory);
    out.extend_from_slice(b"PK\x05\x06\0\0\0\0");
    out.extend_from_slice(&u16le(parts.len()));
    out.extend_from_slice(&u16le(parts.len()));
    out.extend_from_slice(&u32le(directory.len()));
    out.extend_from_slice(&u32le(at));
    out.extend_from_slice(&[0, 0]);
    out
}

fn xlsx(sheet: &[u8], shared: &[u8]) -> Vec<u8> {
    zip(&[
        ("_rels/.rels", br#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#),
        ("xl/workbook.xml", br#"<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>"#),
        ("xl/_rels/workbook.xml.rels", br#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>"#),
        ("xl/sharedStrings.xml", shared),
        ("xl/worksheets/sheet1.xml", sheet),
    ])
}

fn ods(content: &[u8]) -> Vec<u8> {
    zip(&[
        ("mimetype", b"application/vnd.oasis.opendocument.spreadsheet"),
        ("META-INF/manifest.xml", br#"<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"><manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/></manifest:manifest>"#),
        ("content.xml", content),
    ])
}

fuzz_target!(|bytes: &[u8]| {
    let Some((&which, xml)) = bytes.split_first() else {
        return;
    };
    let Ok(rubric) = Rubric::parse("fuzz.toml", RUBRIC, false) else {
        return;
    };
    let (name, book) = match which % 3 {
        0 => ("fuzz.xlsx", xlsx(xml, SHARED.as_bytes())),
        1 => ("fuzz.xlsx", xlsx(SHEET.as_bytes(), xml)),
        _ => ("fuzz.ods", ods(xml)),
    };
    let sources = [(name.to_string(), book)];
    if let Ok(table) = from_bytes(&sources, &rubric, &ReadOptions::default()) {
        let _ = linkscore::engine::score(&rubric, &table);
    }
});
