//! Refusals of malformed input, shared by the format adapters: a file tazala cannot read with
//! certainty is an error naming the file, record and column, never a value.
//!
//! | evidence | result |
//! |---|---|
//! | no header record (a zero-byte file, or only a byte-order mark) | error |
//! | two columns with the same name | error (policy rules name columns; which one would apply?) |
//! | a header field holding an identifier (iin, phone, e-mail, card, messenger) | error: the first record is data, and column names are printed and reported |
//! | a record with more or fewer fields than the header | error (`csv`) |
//! | a quoted field never closed | error (`csv`) |
//! | bytes that are not UTF-8 in a file read as UTF-8 | error: such a value cannot be searched |
//! | a record longer than the batch byte bound | error (`csv`): memory stays bounded |
//!
//! What this module is not: it reads no file; the adapters call it on what they have read.

use anyhow::{Result, bail};

use crate::detect::{DetectorSet, Kind};

/// Refuses a header in which two columns have the same name. The message gives positions only.
pub fn unique_headers(file: &std::path::Path, headers: &[String]) -> Result<()> {
    for (i, name) in headers.iter().enumerate() {
        if let Some(j) = headers[..i].iter().position(|h| h == name) {
            bail!(
                "{}: header: columns {} and {} have the same name; policy rules and reports name \
                 columns, so each name must be unique",
                file.display(),
                j + 1,
                i + 1
            );
        }
    }
    Ok(())
}

/// Refuses a header that holds an identifier: the file has no header and its first record is
/// data, which would otherwise be printed and reported as column names.
pub fn header_is_not_data(
    file: &std::path::Path,
    headers: &[String],
    detectors: &DetectorSet,
) -> Result<()> {
    const IDENTIFIERS: [Kind; 5] = [
        Kind::Iin,
        Kind::Phone,
        Kind::Email,
        Kind::Card,
        Kind::Messenger,
    ];
    for (i, name) in headers.iter().enumerate() {
        if let Some(f) = detectors
            .find(name)
            .into_iter()
            .find(|f| IDENTIFIERS.contains(&f.kind))
        {
            bail!(
                "{}: header, column {}: holds what looks like {} data: the first record must \
                 name the columns (add a header line)",
                file.display(),
                i + 1,
                f.kind
            );
        }
    }
    Ok(())
}

/// Whether a quoted field's raw bytes (opening quote included) hold its closing quote.
pub fn quote_closed(raw: &[u8]) -> bool {
    let Some(inner) = raw.strip_prefix(b"\"") else {
        return true;
    };
    let mut i = 0;
    while let Some(j) = memchr::memchr(b'"', &inner[i..]) {
        i += j + 1;
        if inner.get(i) == Some(&b'"') {
            i += 1;
        } else {
            return true;
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    #[test]
    fn duplicate_names_are_refused_by_position() {
        let h = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert!(unique_headers(Path::new("f.csv"), &h(&["a", "b"])).is_ok());
        let err = unique_headers(Path::new("f.csv"), &h(&["a", "b", "secret", "secret"]))
            .unwrap_err()
            .to_string();
        assert!(err.contains("columns 3 and 4"), "{err}");
        assert!(!err.contains("secret"), "{err}");
    }

    #[test]
    fn a_header_of_data_is_refused_without_the_value() {
        let d = DetectorSet::builtin();
        let h = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert!(
            header_is_not_data(Path::new("f.csv"), &h(&["ИИН", "Телефон", "Email"]), &d).is_ok()
        );
        let err = header_is_not_data(Path::new("f.csv"), &h(&["871008401427", "x"]), &d)
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("column 1") && !err.contains("871008401427"),
            "{err}"
        );
    }

    #[test]
    fn closing_quotes_are_told_from_doubled_ones() {
        assert!(quote_closed(b"\"a\""));
        assert!(quote_closed(b"\"a\"\"b\""));
        assert!(quote_closed(b"\"a\"junk"));
        assert!(quote_closed(b"plain"));
        assert!(!quote_closed(b"\"a"));
        assert!(!quote_closed(b"\"a\"\""));
        assert!(!quote_closed(b"\""));
    }
}
