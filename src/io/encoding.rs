//! Text encodings of CSV files: UTF-8 (with or without a byte-order mark) and Windows-1251.
//!
//! | evidence in the first block of the file | assumed | output |
//! |---|---|---|
//! | `EF BB BF` | UTF-8 with BOM | the BOM is kept |
//! | `FF FE` / `FE FF` | UTF-16: refused (convert to UTF-8 first) | |
//! | a NUL byte | not text (binary, or UTF-16 without a mark): refused | |
//! | valid UTF-8 (a sequence cut by the block end is allowed) | UTF-8 | |
//! | control bytes other than tab, line ends, form feed and `1A`, or `98` (unassigned in Windows-1251) | no known encoding: refused | |
//! | anything else | Windows-1251 (1C and Excel exports on Russian-locale Windows) | Windows-1251 |
//!
//! The delimiters, quotes and line ends of a CSV file are ASCII in both encodings, and neither
//! encoding uses ASCII bytes inside a multi-byte character, so records are split on raw bytes
//! and only the values that are classified or changed are ever decoded.
//!
//! What this module is not: it does not read files; it judges bytes and converts values.

use std::borrow::Cow;

use anyhow::{Result, bail};

/// The encoding of one file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TextEncoding {
    Utf8 { bom: bool },
    Windows1251,
}

pub const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";

impl TextEncoding {
    pub fn name(self) -> &'static str {
        match self {
            TextEncoding::Utf8 { bom: true } => "utf-8 with BOM",
            TextEncoding::Utf8 { bom: false } => "utf-8",
            TextEncoding::Windows1251 => "windows-1251",
        }
    }

    /// Judges the first block of a file (`at_eof`: the block is the whole file). Returns the
    /// encoding and how it was decided.
    pub fn detect(block: &[u8], at_eof: bool) -> Result<(TextEncoding, &'static str)> {
        if block.starts_with(UTF8_BOM) {
            return Ok((TextEncoding::Utf8 { bom: true }, "byte-order mark"));
        }
        if block.starts_with(b"\xFF\xFE") || block.starts_with(b"\xFE\xFF") {
            bail!("UTF-16 text is not supported: convert the file to UTF-8 first");
        }
        if memchr::memchr(0, block).is_some() {
            bail!(
                "holds NUL bytes: not a text file (or UTF-16 without a byte-order mark), so its \
                 encoding cannot be told; convert it to UTF-8"
            );
        }
        // The SIMD check settles the common case (valid text) in a tenth of the time; the
        // standard one says where and how a block is not UTF-8.
        let utf8 = match simdutf8::basic::from_utf8(block) {
            Ok(_) => Ok(()),
            Err(_) => std::str::from_utf8(block).map(|_| ()),
        };
        match utf8 {
            Ok(()) if block.is_ascii() => Ok((
                TextEncoding::Utf8 { bom: false },
                "ascii only (read as utf-8)",
            )),
            Ok(()) => Ok((TextEncoding::Utf8 { bom: false }, "valid utf-8")),
            // A character cut by the end of the block is not evidence against UTF-8.
            Err(e) if e.error_len().is_none() && !at_eof => {
                Ok((TextEncoding::Utf8 { bom: false }, "valid utf-8"))
            }
            Err(_) if block.iter().any(|&b| b == 0x98 || is_binary_control(b)) => bail!(
                "neither UTF-8 nor Windows-1251 text (control bytes or bytes unassigned in \
                 Windows-1251), so its encoding cannot be told; convert it to UTF-8"
            ),
            Err(_) => Ok((
                TextEncoding::Windows1251,
                "not valid utf-8: assumed windows-1251",
            )),
        }
    }

    /// Decodes a value. Invalid UTF-8 becomes U+FFFD (only in values that are changed).
    pub fn decode<'a>(self, bytes: &'a [u8]) -> Cow<'a, str> {
        match self {
            // The strict check is faster than the lossy one on the valid text most files hold.
            TextEncoding::Utf8 { .. } => match simdutf8::basic::from_utf8(bytes) {
                Ok(text) => Cow::Borrowed(text),
                Err(_) => String::from_utf8_lossy(bytes),
            },
            TextEncoding::Windows1251 => {
                encoding_rs::WINDOWS_1251
                    .decode_without_bom_handling(bytes)
                    .0
            }
        }
    }

    /// Encodes a value written by tazala. Characters Windows-1251 lacks (none in pseudonyms or
    /// placeholders, which are ASCII) become `?`, as the exporting program would have written.
    pub fn encode<'a>(self, text: &'a str) -> Cow<'a, [u8]> {
        match self {
            TextEncoding::Utf8 { .. } => Cow::Borrowed(text.as_bytes()),
            TextEncoding::Windows1251 => {
                let (bytes, _, unmappable) = encoding_rs::WINDOWS_1251.encode(text);
                if !unmappable {
                    return bytes;
                }
                let mut out = Vec::with_capacity(text.len());
                let mut buf = [0u8; 4];
                for c in text.chars() {
                    let (b, _, bad) = encoding_rs::WINDOWS_1251.encode(c.encode_utf8(&mut buf));
                    if bad {
                        out.push(b'?')
                    } else {
                        out.extend_from_slice(&b)
                    }
                }
                Cow::Owned(out)
            }
        }
    }
}

/// A control byte no text export holds (tab, line ends, form feed and DOS end-of-file aside).
fn is_binary_control(b: u8) -> bool {
    b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r' | 0x0C | 0x1A)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn binary_and_unknown_encodings_are_refused() {
        assert!(TextEncoding::detect(b"a,b\n\0\x01", true).is_err());
        assert!(TextEncoding::detect(b"a,b\n\xc8\x02\x03", true).is_err());
        assert!(TextEncoding::detect(b"a,b\n\x98\xc8", true).is_err());
        assert!(TextEncoding::detect(b"a\tb\r\n\xc8\xc8\n", true).is_ok());
    }

    #[test]
    fn detects_bom_utf8_and_windows_1251() {
        let (e, _) = TextEncoding::detect(b"\xEF\xBB\xBFa,b\n", true).unwrap();
        assert_eq!(e, TextEncoding::Utf8 { bom: true });
        let (e, _) = TextEncoding::detect("ИИН,ФИО\n".as_bytes(), true).unwrap();
        assert_eq!(e, TextEncoding::Utf8 { bom: false });
        let (cp, _, _) = encoding_rs::WINDOWS_1251.encode("ИИН;ФИО\n");
        let (e, why) = TextEncoding::detect(&cp, true).unwrap();
        assert_eq!(e, TextEncoding::Windows1251);
        assert!(why.contains("assumed"));
        assert!(TextEncoding::detect(b"\xFF\xFEa\0", true).is_err());
    }

    #[test]
    fn a_character_cut_by_the_block_end_is_still_utf8() {
        let text = "ФИО".as_bytes();
        let cut = &text[..3];
        assert_eq!(
            TextEncoding::detect(cut, false).unwrap().0,
            TextEncoding::Utf8 { bom: false }
        );
        assert_eq!(
            TextEncoding::detect(cut, true).unwrap().0,
            TextEncoding::Windows1251
        );
    }

    #[test]
    fn windows_1251_round_trips_and_replaces_what_it_cannot_hold() {
        let e = TextEncoding::Windows1251;
        let bytes = e.encode("Кенжегүл IIN-BCDF");
        assert_eq!(e.decode(&bytes), "Кенжег?л IIN-BCDF");
        let all: Vec<u8> = (0u8..=255).collect();
        assert_eq!(e.encode(&e.decode(&all)).as_ref(), all.as_slice());
    }
}
