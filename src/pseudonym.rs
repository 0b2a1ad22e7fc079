//! Pseudonyms: keyed, deterministic, and unmistakable for real personal data.
//!
//! A pseudonym is `blake3::keyed_hash(subkey, kind ‖ 0x1F ‖ normalised value)`, where the subkey
//! is derived from the user's key (see `key`). The same person therefore gets the same pseudonym
//! in every file, column and night processed with the same key, whatever way the value was
//! written (`8 701 123-45-67` and `+77011234567` normalise alike), and a different pseudonym in
//! each kind (an IIN and a phone number with the same digits do not collide).
//!
//! Format (64 bits of the hash, as 16 letters of a 16-consonant alphabet):
//!
//! | kind | pseudonym | why this shape |
//! |---|---|---|
//! | iin, bin, phone, card, messenger, name | `IIN-KDTBRMHSGLNPCFJV`, `PHONE-…`, `MSG-…`, `NAME-…` | no digits, so no IIN/phone/card detector can ever match; no vowels, so no name |
//! | email | `kdtbrmhsglnpcfjv@pseudonym.invalid` | still a syntactically valid address for systems that demand one, on the reserved `.invalid` top-level domain (RFC 2606), which no mailbox can have |
//! | any other forced column | `ID-…` | |
//!
//! [`is_scrubbed`] recognises these shapes, the redaction placeholders and masked values, so a
//! scrubbed store scans clean and a second scrub leaves it unchanged.
//!
//! What this module is not: it does not normalise values (see `normalize`) nor choose actions.

use std::fmt;

use crate::detect::Kind;
use crate::key::Key;

/// The letters a pseudonym is written with: consonants only, no digits (see module doc).
const ALPHABET: &[u8; 16] = b"BCDFGHJKLMNPRSTV";
/// Letters in a token: 64 bits. Among ten million people the chance of any two sharing a
/// pseudonym is about 3 in a million.
const TOKEN_LEN: usize = 16;
/// Domain of e-mail pseudonyms.
pub const EMAIL_DOMAIN: &str = "pseudonym.invalid";
/// Prefix of pseudonyms of values that are not of a known kind (a column forced by a rule).
const GENERIC_PREFIX: &str = "ID";

/// Computes pseudonyms with the subkey derived from a [`Key`]. Cheap to share between threads.
#[derive(Clone)]
pub struct Pseudonymiser {
    subkey: [u8; 32],
}

impl fmt::Debug for Pseudonymiser {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Pseudonymiser(<redacted>)")
    }
}

impl Pseudonymiser {
    pub fn new(key: &Key) -> Self {
        Pseudonymiser {
            subkey: key.pseudonym_subkey(),
        }
    }

    /// Appends the pseudonym of `normalized`, a value of `kind` (`None`: no known kind).
    pub fn pseudonym(&self, kind: Option<Kind>, normalized: &str, out: &mut String) {
        let label = kind.map_or("value", Kind::as_str);
        let mut hasher = blake3::Hasher::new_keyed(&self.subkey);
        hasher.update(label.as_bytes());
        hasher.update(&[0x1f]);
        hasher.update(normalized.as_bytes());
        let hash = hasher.finalize();
        let mut token = [0u8; TOKEN_LEN];
        for (i, byte) in hash.as_bytes()[..TOKEN_LEN / 2].iter().enumerate() {
            token[2 * i] = ALPHABET[usize::from(byte >> 4)];
            token[2 * i + 1] = ALPHABET[usize::from(byte & 0x0f)];
        }
        let token = std::str::from_utf8(&token).expect("alphabet is ASCII");
        if kind == Some(Kind::Email) {
            out.push_str(&token.to_ascii_lowercase());
            out.push('@');
            out.push_str(EMAIL_DOMAIN);
        } else {
            out.push_str(prefix(kind));
            out.push('-');
            out.push_str(token);
        }
    }
}

fn prefix(kind: Option<Kind>) -> &'static str {
    match kind {
        Some(Kind::Iin) => "IIN",
        Some(Kind::Bin) => "BIN",
        Some(Kind::Phone) => "PHONE",
        Some(Kind::Email) => "EMAIL",
        Some(Kind::Messenger) => "MSG",
        Some(Kind::Card) => "CARD",
        Some(Kind::Name) => "NAME",
        None => GENERIC_PREFIX,
    }
}

/// The placeholder `redact` writes for a value of `kind`.
pub fn placeholder(kind: Option<Kind>) -> &'static str {
    match kind {
        Some(Kind::Iin) => "[IIN]",
        Some(Kind::Bin) => "[BIN]",
        Some(Kind::Phone) => "[PHONE]",
        Some(Kind::Email) => "[EMAIL]",
        Some(Kind::Messenger) => "[MESSENGER]",
        Some(Kind::Card) => "[CARD]",
        Some(Kind::Name) => "[NAME]",
        None => "[REDACTED]",
    }
}

/// Whether a value (or a span) is already the output of an action: a pseudonym, a placeholder
/// or a masked value. Such values are not personal data and are not counted as findings.
pub fn is_scrubbed(value: &str) -> bool {
    let v = value.trim();
    if v.starts_with('*') {
        return true;
    }
    if v.starts_with('[') && v.ends_with(']') {
        let kinds = Kind::ALL.iter().map(|k| Some(*k)).chain([None]);
        return kinds.into_iter().any(|k| placeholder(k) == v);
    }
    if let Some((local, domain)) = v.rsplit_once('@') {
        return domain.eq_ignore_ascii_case(EMAIL_DOMAIN) && is_token(&local.to_ascii_uppercase());
    }
    match v.split_once('-') {
        Some((p, token)) => {
            let known = Kind::ALL.iter().map(|k| Some(*k)).chain([None]);
            known.into_iter().any(|k| prefix(k) == p) && is_token(token)
        }
        None => false,
    }
}

fn is_token(s: &str) -> bool {
    s.len() == TOKEN_LEN && s.bytes().all(|b| ALPHABET.contains(&b))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(byte: u8) -> Key {
        Key::from_bytes([byte; 32])
    }

    fn p(ps: &Pseudonymiser, kind: Option<Kind>, v: &str) -> String {
        let mut out = String::new();
        ps.pseudonym(kind, v, &mut out);
        out
    }

    #[test]
    fn same_key_same_value_same_pseudonym() {
        let a = Pseudonymiser::new(&key(1));
        let b = Pseudonymiser::new(&key(1));
        let x = p(&a, Some(Kind::Iin), "871008401427");
        assert_eq!(x, p(&b, Some(Kind::Iin), "871008401427"));
        assert!(x.starts_with("IIN-") && x.len() == 4 + TOKEN_LEN, "{x}");
    }

    #[test]
    fn key_value_and_kind_all_change_the_pseudonym() {
        let a = Pseudonymiser::new(&key(1));
        let b = Pseudonymiser::new(&key(2));
        let base = p(&a, Some(Kind::Iin), "871008401427");
        assert_ne!(base, p(&b, Some(Kind::Iin), "871008401427"));
        assert_ne!(base, p(&a, Some(Kind::Iin), "760212350620"));
        let as_bin = p(&a, Some(Kind::Bin), "871008401427");
        assert_ne!(base[4..], as_bin[4..]);
    }

    #[test]
    fn pseudonyms_hold_no_digits_and_are_recognised() {
        let a = Pseudonymiser::new(&key(7));
        for kind in Kind::ALL.iter().map(|k| Some(*k)).chain([None]) {
            let v = p(&a, kind, "+77011234567");
            assert!(!v.bytes().any(|b| b.is_ascii_digit()), "{v}");
            assert!(is_scrubbed(&v), "{v}");
            assert!(is_scrubbed(placeholder(kind)));
        }
        let email = p(&a, Some(Kind::Email), "a@mail.ru");
        assert!(email.ends_with("@pseudonym.invalid"), "{email}");
    }

    #[test]
    fn real_values_are_not_taken_for_scrubbed() {
        for v in [
            "871008401427",
            "IIN-871008401427",
            "aigerim@mail.ru",
            "x@pseudonym.invalid",
            "[ИИН]",
            "NAME-Aigerim",
            "Жумабекова Айгерим",
        ] {
            assert!(!is_scrubbed(v), "{v}");
        }
        assert!(is_scrubbed("********1427"));
    }

    #[test]
    fn debug_is_redacted() {
        let shown = format!("{:?}", Pseudonymiser::new(&key(0xab)));
        assert!(
            !shown.contains("171") && !shown.contains("ab, ab"),
            "{shown}"
        );
    }
}
