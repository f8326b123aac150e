//! Bytes to text: UTF-8 (with or without BOM) or GB18030, detected or
//! forced, never replacing a character silently (SPEC "Data": Encoding);
//! and what a cell's bytes say as text (blank, or not text at all).

use super::records::Rec;
use crate::error::{Error, Location, Result};

/// Text encodings a data file may be in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Encoding {
    /// UTF-8, with or without a byte-order mark.
    #[value(name = "utf-8", alias = "utf8")]
    Utf8,
    /// GB18030, which covers GBK and GB2312 (what Chinese Excel writes).
    #[value(name = "gb18030", alias = "gbk")]
    Gb18030,
}

/// A zip archive (xlsx, ods) or an OLE compound file (xls) by its magic
/// bytes, so a workbook piped in on standard input is read as one.
pub fn looks_like_workbook(bytes: &[u8]) -> bool {
    bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1])
}

/// UTF-16 or UTF-32 by a byte-order mark, or without one by where the
/// zero bytes fall (text of those encodings has a zero byte in most ASCII
/// characters: digits, commas, line ends; UTF-8 and GB18030 text has none).
pub fn wide_encoding(head: &[u8]) -> Option<&'static str> {
    const BOMS: [(&[u8], &str); 4] = [
        (&[0xFF, 0xFE, 0, 0], "UTF-32LE"),
        (&[0, 0, 0xFE, 0xFF], "UTF-32BE"),
        (&[0xFF, 0xFE], "UTF-16LE"),
        (&[0xFE, 0xFF], "UTF-16BE"),
    ];
    if let Some((_, name)) = BOMS.iter().find(|(bom, _)| head.starts_with(bom)) {
        return Some(name);
    }
    let sample = head.get(..head.len().min(4096) & !3).unwrap_or(&[]);
    if sample.len() < 4 || !sample.contains(&0) {
        return None;
    }
    // Zeros by position modulo 4.
    let mut zeros = [0usize; 4];
    for (i, &b) in sample.iter().enumerate() {
        if b == 0 {
            zeros[i % 4] += 1;
        }
    }
    let quarter = sample.len() / 4;
    if zeros[2] == quarter && zeros[3] == quarter {
        return Some("UTF-32LE");
    }
    if zeros[0] == quarter && zeros[1] == quarter {
        return Some("UTF-32BE");
    }
    let (even, odd) = (zeros[0] + zeros[2], zeros[1] + zeros[3]);
    // At least one character in ten an ASCII one, and zeros on one side.
    let enough = |z: usize| z * 10 >= sample.len() / 2;
    if enough(odd) && odd > 4 * even {
        return Some("UTF-16LE");
    }
    if enough(even) && even > 4 * odd {
        return Some("UTF-16BE");
    }
    None
}

/// Refuses UTF-16 and UTF-32 text (see [`wide_encoding`]).
fn refuse_wide(head: &[u8], path: &str) -> Result<()> {
    match wide_encoding(head) {
        Some(name) => {
            let bom = if head.starts_with(&[0xFF, 0xFE])
                || head.starts_with(&[0xFE, 0xFF])
                || head.starts_with(&[0, 0, 0xFE, 0xFF])
            {
                ""
            } else {
                " without a byte-order mark"
            };
            Err(Error::data(format!(
                "{path} is {name} text{bom} (\"Unicode text\" in Excel), which linkscore does not read"
            ))
            .help("save it as \"CSV UTF-8\" (or plain CSV) instead"))
        }
        None => Ok(()),
    }
}

/// The encoding of a file from its first bytes (`head`, at most the first
/// MiB; `complete` when it is the whole file): a UTF-8 BOM or valid UTF-8
/// is UTF-8, anything else that is valid GB18030 is GB18030, and bytes valid
/// in neither are an error naming the first bad byte. A forced encoding is
/// checked the same way.
pub fn sniff(head: &[u8], complete: bool, path: &str, forced: Option<Encoding>) -> Result<Encoding> {
    refuse_wide(head, path)?;
    let utf8 = || -> std::result::Result<(), usize> {
        match std::str::from_utf8(head) {
            Ok(_) => Ok(()),
            // A character cut at the end of the head is not an error.
            Err(e) if e.error_len().is_none() && !complete => Ok(()),
            Err(e) => Err(e.valid_up_to()),
        }
    };
    let gb18030 = || -> std::result::Result<(), usize> {
        let mut decoder = encoding_rs::GB18030.new_decoder_without_bom_handling();
        let mut out = String::with_capacity(head.len() * 2 + 16);
        let (result, read) = decoder.decode_to_string_without_replacement(head, &mut out, complete);
        match result {
            encoding_rs::DecoderResult::Malformed(bad, after) => {
                Err(read.saturating_sub(usize::from(bad) + usize::from(after)))
            }
            _ => Ok(()),
        }
    };
    let byte = |at: usize| head.get(at).copied().unwrap_or(0);
    match forced {
        Some(Encoding::Utf8) => utf8()
            .map(|()| Encoding::Utf8)
            .map_err(|at| not_utf8(path, at, byte(at))),
        Some(Encoding::Gb18030) => {
            if !head.is_ascii() && std::str::from_utf8(head).is_ok() {
                // Forced, so done; but the text may come out garbled.
                eprintln!(
                    "warning: {path} is also valid UTF-8; if names in the output look garbled, leave out --encoding gb18030"
                );
            }
            gb18030()
                .map(|()| Encoding::Gb18030)
                .map_err(|at| not_gb18030(path, at, byte(at)))
        }
        None => match utf8() {
            Ok(()) => Ok(Encoding::Utf8),
            Err(utf8_at) => gb18030()
                .map(|()| Encoding::Gb18030)
                .map_err(|gb_at| neither(path, utf8_at, gb_at)),
        },
    }
}

/// The text of one field in the file's encoding; `Err` with the offset of
/// the first bad byte inside the field.
pub fn field_text(bytes: &[u8], encoding: Encoding) -> std::result::Result<std::borrow::Cow<'_, str>, usize> {
    if encoding == Encoding::Utf8 || bytes.is_ascii() {
        return std::str::from_utf8(bytes)
            .map(std::borrow::Cow::Borrowed)
            .map_err(|e| e.valid_up_to());
    }
    encoding_rs::GB18030
        .decode_without_bom_handling_and_without_replacement(bytes)
        .ok_or_else(|| {
            // Find the first undecodable byte for the message.
            let mut decoder = encoding_rs::GB18030.new_decoder_without_bom_handling();
            let mut out = String::with_capacity(bytes.len() * 2 + 16);
            match decoder.decode_to_string_without_replacement(bytes, &mut out, true) {
                (encoding_rs::DecoderResult::Malformed(bad, after), read) => {
                    read.saturating_sub(usize::from(bad) + usize::from(after))
                }
                (_, read) => read,
            }
        })
}

/// Decodes file bytes: UTF-8 (a BOM is dropped) or, failing that, GB18030.
/// Never replaces a character silently: undecodable input is an error.
pub fn decode(bytes: &[u8], path: &str, forced: Option<Encoding>) -> Result<String> {
    refuse_wide(bytes, path)?;
    let utf8 = || -> std::result::Result<String, usize> {
        let body = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
        std::str::from_utf8(body)
            .map(str::to_string)
            .map_err(|e| e.valid_up_to() + (bytes.len() - body.len()))
    };
    let gb18030 = || -> std::result::Result<String, usize> {
        let mut decoder = encoding_rs::GB18030.new_decoder_without_bom_handling();
        let capacity = decoder
            .max_utf8_buffer_length_without_replacement(bytes.len())
            .unwrap_or(bytes.len() * 3);
        let mut out = String::with_capacity(capacity);
        let (result, read) = decoder.decode_to_string_without_replacement(bytes, &mut out, true);
        match result {
            encoding_rs::DecoderResult::InputEmpty => Ok(out),
            encoding_rs::DecoderResult::Malformed(bad, after) => {
                Err(read.saturating_sub(bad as usize + after as usize))
            }
            encoding_rs::DecoderResult::OutputFull => Err(read),
        }
    };
    match forced {
        Some(Encoding::Utf8) => utf8().map_err(|at| not_utf8(path, at, bytes.get(at).copied().unwrap_or(0))),
        Some(Encoding::Gb18030) => gb18030().map_err(|at| not_gb18030(path, at, bytes.get(at).copied().unwrap_or(0))),
        None => utf8().or_else(|utf8_at| gb18030().map_err(|gb_at| neither(path, utf8_at, gb_at))),
    }
}

/// Whether a field is empty once spaces (also full-width ones) are trimmed.
pub(crate) fn is_blank(field: &[u8], encoding: Encoding) -> bool {
    let trimmed = field.trim_ascii();
    trimmed.is_empty()
        || (!trimmed.is_ascii()
            && field_text(trimmed, encoding)
                .is_ok_and(|t| t.trim_matches(['\u{feff}', ' ', '\u{3000}', '\t']).trim().is_empty()))
}

/// A cell whose bytes are not text in the file's encoding.
pub(crate) fn bad_text(path: &str, row: u64, c: usize, record: Rec<'_>, at: usize, encoding: Encoding) -> Error {
    let offset = record.byte();
    let name = match encoding {
        Encoding::Utf8 => "UTF-8",
        Encoding::Gb18030 => "GB18030/GBK",
    };
    Error::data(format!(
        "this cell is not valid {name} text (bad byte {at} bytes into the cell; the row starts at byte offset {offset})"
    ))
    .at(Location::cell(path, row, c + 1))
    .help("re-save the file in one encoding, or force it with --encoding")
}

/// A forced UTF-8 file with a bad byte `byte` at offset `at`.
fn not_utf8(path: &str, at: usize, byte: u8) -> Error {
    Error::data(format!(
        "{path} is not valid UTF-8: the first bad byte is at offset {at} (0x{byte:02X})"
    ))
    .help("leave out --encoding to detect GB18030/GBK, or re-save the file as UTF-8")
}

/// A forced GB18030 file with a bad byte `byte` at offset `at`.
fn not_gb18030(path: &str, at: usize, byte: u8) -> Error {
    Error::data(format!(
        "{path} is not valid GB18030/GBK: the first bad byte is at offset {at} (0x{byte:02X})"
    ))
    .help("leave out --encoding to detect UTF-8")
}

/// A file that is neither encoding: the first bad byte of each.
fn neither(path: &str, utf8_at: usize, gb_at: usize) -> Error {
    Error::data(format!(
        "{path} is neither UTF-8 (first bad byte at offset {utf8_at}) nor GB18030/GBK (first bad byte at offset {gb_at})"
    ))
    .help("re-save the file as \"CSV UTF-8\", or check that it is a text file")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utf16(text: &str, big_endian: bool) -> Vec<u8> {
        text.encode_utf16()
            .flat_map(|u| if big_endian { u.to_be_bytes() } else { u.to_le_bytes() })
            .collect()
    }

    fn utf32(text: &str, big_endian: bool) -> Vec<u8> {
        text.chars()
            .flat_map(|c| {
                if big_endian {
                    (c as u32).to_be_bytes()
                } else {
                    (c as u32).to_le_bytes()
                }
            })
            .collect()
    }

    #[test]
    fn wide_encodings_are_recognized_with_or_without_a_bom() {
        let text = "village_id,村名,人均可支配收入（元）\r\nV1,老营村,17023\r\nV2,杜家沟村,10758\r\n";
        assert_eq!(wide_encoding(&utf16(text, false)), Some("UTF-16LE"));
        assert_eq!(wide_encoding(&utf16(text, true)), Some("UTF-16BE"));
        assert_eq!(wide_encoding(&utf32(text, false)), Some("UTF-32LE"));
        assert_eq!(wide_encoding(&utf32(text, true)), Some("UTF-32BE"));
        let mut bom = vec![0xFF, 0xFE, 0, 0];
        bom.extend(utf32(text, false));
        assert_eq!(wide_encoding(&bom), Some("UTF-32LE"));
        assert_eq!(wide_encoding(text.as_bytes()), None);
        let (gbk, _, _) = encoding_rs::GB18030.encode(text);
        assert_eq!(wide_encoding(&gbk), None);
        let e = sniff(&utf16(text, false), true, "f.csv", Some(Encoding::Utf8))
            .unwrap_err()
            .to_string();
        assert!(e.contains("f.csv is UTF-16LE text without a byte-order mark"), "{e}");
        assert!(e.contains("CSV UTF-8"), "{e}");
    }

    #[test]
    fn decode_utf8_bom_and_gb18030() {
        assert_eq!(decode(b"\xEF\xBB\xBFa,b", "f", None).unwrap(), "a,b");
        let (gbk, _, _) = encoding_rs::GB18030.encode("村名,收入");
        assert_eq!(decode(&gbk, "f", None).unwrap(), "村名,收入");
        assert_eq!(decode(&gbk, "f", Some(Encoding::Gb18030)).unwrap(), "村名,收入");
        let e = decode(&gbk, "f", Some(Encoding::Utf8)).unwrap_err().to_string();
        assert!(e.contains("offset 0"), "{e}");
        let e = decode(b"\xFF\xFEa\x00", "f", None).unwrap_err().to_string();
        assert!(e.contains("UTF-16"), "{e}");
    }

    #[test]
    fn sniff_and_field_text() {
        let (gbk, _, _) = encoding_rs::GB18030.encode("村名,收入");
        assert_eq!(sniff(&gbk, true, "f", None).unwrap(), Encoding::Gb18030);
        assert_eq!(sniff("村名".as_bytes(), true, "f", None).unwrap(), Encoding::Utf8);
        // A UTF-8 character cut at the end of the head is fine unless the head is the whole file.
        let cut = &"村".as_bytes()[..2];
        assert_eq!(sniff(cut, false, "f", Some(Encoding::Utf8)).unwrap(), Encoding::Utf8);
        assert!(sniff(cut, true, "f", Some(Encoding::Utf8)).is_err());
        assert!(
            sniff(b"ab\xFF", true, "f", None)
                .unwrap_err()
                .to_string()
                .contains("offset 2")
        );
        assert_eq!(field_text(&gbk[..4], Encoding::Gb18030).unwrap(), "村名");
        assert_eq!(field_text(b"a\xFFb", Encoding::Utf8), Err(1));
        assert_eq!(field_text(b"ab\xFF", Encoding::Gb18030), Err(2));
    }

    #[test]
    fn undecodable_bytes_are_an_error_with_offset() {
        // 0xFF is invalid in both UTF-8 and GB18030.
        let e = decode(b"ab\xFF", "f", None).unwrap_err().to_string();
        assert!(e.contains("offset 2"), "{e}");
    }
}
