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
//! Typed integer columns (Parquet `int64`/`uint64`, an IIN that lost its leading zero) get
//! integer pseudonyms that no identifier can equal: see [`Pseudonymiser::integer_i64`].
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
/// The two letters each byte of the hash is written as (high half, low half), in upper case.
const UPPER_PAIRS: [[u8; 2]; 256] = letter_pairs(0);
/// The same in lower case, for e-mail pseudonyms.
const LOWER_PAIRS: [[u8; 2]; 256] = letter_pairs(0x20);

const fn letter_pairs(case: u8) -> [[u8; 2]; 256] {
    let mut pairs = [[0; 2]; 256];
    let mut byte = 0;
    while byte < 256 {
        pairs[byte] = [ALPHABET[byte >> 4] | case, ALPHABET[byte & 0x0f] | case];
        byte += 1;
    }
    pairs
}

/// Bytes of the longest pseudonym.
const LONGEST_PSEUDONYM: usize = if EMAIL_PSEUDONYM_LEN > LONGEST_PREFIXED {
    EMAIL_PSEUDONYM_LEN
} else {
    LONGEST_PREFIXED
};

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

    fn hash(&self, kind: Option<Kind>, normalized: &str) -> [u8; 32] {
        let label = kind.map_or("value", Kind::as_str).as_bytes();
        // Identifiers are short: hashed in one call from the stack, the same bytes as below.
        let mut message = [0u8; 128];
        let len = label.len() + 1 + normalized.len();
        if len <= message.len() {
            message[..label.len()].copy_from_slice(label);
            message[label.len()] = 0x1f;
            message[label.len() + 1..len].copy_from_slice(normalized.as_bytes());
            return *blake3::keyed_hash(&self.subkey, &message[..len]).as_bytes();
        }
        let mut hasher = blake3::Hasher::new_keyed(&self.subkey);
        hasher.update(label);
        hasher.update(&[0x1f]);
        hasher.update(normalized.as_bytes());
        *hasher.finalize().as_bytes()
    }

    /// Appends the pseudonym of `normalized`, a value of `kind` (`None`: no known kind).
    pub fn pseudonym(&self, kind: Option<Kind>, normalized: &str, out: &mut String) {
        let hash = self.hash(kind, normalized);
        // An e-mail pseudonym is written in lower case, as addresses usually are.
        let email = kind == Some(Kind::Email);
        let letters = if email { &LOWER_PAIRS } else { &UPPER_PAIRS };
        let mut token = [0u8; TOKEN_LEN];
        for (pair, &byte) in token.chunks_exact_mut(2).zip(&hash[..TOKEN_LEN / 2]) {
            pair.copy_from_slice(&letters[usize::from(byte)]);
        }
        // Only the token is checked as text: prefix and domain are text already, and this
        // runs for every identifier.
        let token = std::str::from_utf8(&token).expect("the alphabet is ASCII");
        out.reserve(LONGEST_PSEUDONYM);
        if email {
            out.push_str(token);
            out.push('@');
            out.push_str(EMAIL_DOMAIN);
        } else {
            out.push_str(prefix(kind));
            out.push('-');
            out.push_str(token);
        }
    }

    /// The pseudonym of `normalized` for a signed integer column: `-1` followed by 17 digits
    /// (−10^17 − h, h < 10^17: 56 bits). Negative and 18 digits long, it cannot be an IIN
    /// (12 digits), a phone (10–11) or a card (13–19 digits, never starting with 1).
    pub fn integer_i64(&self, kind: Option<Kind>, normalized: &str) -> i64 {
        let h = u64::from_le_bytes(
            self.hash(kind, normalized)[..8]
                .try_into()
                .expect("8 bytes"),
        );
        -(INT_PSEUDONYM_BASE + (h % INT_PSEUDONYM_BASE as u64) as i64)
    }

    /// The pseudonym of `normalized` for an unsigned 64-bit column: 20 digits (≥ 10^19), longer
    /// than any IIN, phone or card number.
    pub fn integer_u64(&self, kind: Option<Kind>, normalized: &str) -> u64 {
        let h = u64::from_le_bytes(
            self.hash(kind, normalized)[..8]
                .try_into()
                .expect("8 bytes"),
        );
        UINT_PSEUDONYM_BASE + h % (u64::MAX - UINT_PSEUDONYM_BASE)
    }
}

/// Integer pseudonyms of signed columns lie in −(2·10^17 − 1) ..= −10^17.
const INT_PSEUDONYM_BASE: i64 = 100_000_000_000_000_000;
/// Integer pseudonyms of unsigned columns lie in 10^19 ..= u64::MAX − 1.
const UINT_PSEUDONYM_BASE: u64 = 10_000_000_000_000_000_000;

/// Whether an integer, written in decimal, is an integer pseudonym.
fn is_integer_pseudonym(v: &str) -> bool {
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    match v.strip_prefix('-') {
        Some(m) => m.len() == 18 && m.starts_with('1') && digits(m),
        None => v.len() == 20 && v.starts_with('1') && digits(v),
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
    let v = crate::detect::trim(value);
    // Most values are none of these shapes, told by their first byte and length alone.
    let shaped = matches!(
        v.len(),
        SHORTEST_PREFIXED..=LONGEST_PREFIXED | EMAIL_PSEUDONYM_LEN
    );
    if !shaped && !v.starts_with(['*', '[']) {
        return false;
    }
    if v.starts_with('*') || is_integer_pseudonym(v) {
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

/// The kind a scrubbed value was, when its shape tells: a typed pseudonym (`PHONE-…`, an
/// e-mail pseudonym) or a typed placeholder (`[PHONE]`). Masks, integer pseudonyms and the
/// untyped `ID-…`/`[REDACTED]` do not tell.
pub fn scrubbed_kind(value: &str) -> Option<Kind> {
    let v = value.trim();
    if !is_scrubbed(v) {
        return None;
    }
    if v.contains('@') {
        return Some(Kind::Email);
    }
    Kind::ALL.into_iter().find(|&k| {
        v == placeholder(Some(k))
            || v.strip_prefix(prefix(Some(k)))
                .is_some_and(|rest| rest.starts_with('-'))
    })
}

/// Lengths of `ID-…` (the shortest prefix) to `PHONE-…`/`EMAIL-…` (the longest), of integer
/// pseudonyms (19 and 20 bytes, in between) and of e-mail pseudonyms.
const SHORTEST_PREFIXED: usize = GENERIC_PREFIX.len() + 1 + TOKEN_LEN;
const LONGEST_PREFIXED: usize = "PHONE".len() + 1 + TOKEN_LEN;
const EMAIL_PSEUDONYM_LEN: usize = TOKEN_LEN + 1 + EMAIL_DOMAIN.len();

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
            assert_eq!(scrubbed_kind(&v), kind, "{v}");
            assert_eq!(scrubbed_kind(placeholder(kind)), kind);
        }
        assert_eq!(scrubbed_kind("********4567"), None);
        assert_eq!(scrubbed_kind("PHONE-BCDFGHJKLMNPRST"), None);
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
    fn integer_pseudonyms_cannot_be_identifiers_and_are_recognised() {
        let a = Pseudonymiser::new(&key(3));
        for v in ["061211600012", "871008401427", "+77011234567", "x"] {
            let i = a.integer_i64(Some(Kind::Iin), v);
            assert!(
                i <= -INT_PSEUDONYM_BASE && i > -2 * INT_PSEUDONYM_BASE,
                "{i}"
            );
            assert!(is_scrubbed(&i.to_string()), "{i}");
            let u = a.integer_u64(Some(Kind::Iin), v);
            assert!(
                u >= UINT_PSEUDONYM_BASE && is_scrubbed(&u.to_string()),
                "{u}"
            );
            assert_eq!(i, a.integer_i64(Some(Kind::Iin), v));
        }
        assert!(!is_scrubbed("61211600012"));
        assert!(!is_scrubbed("-5"));
    }

    #[test]
    fn the_length_shortcut_agrees_with_every_shape() {
        let a = Pseudonymiser::new(&key(4));
        for kind in Kind::ALL.iter().map(|k| Some(*k)).chain([None]) {
            let v = p(&a, kind, "x");
            assert!(is_scrubbed(&v) && is_scrubbed(&format!("  {v} ")), "{v}");
        }
        let longest = Kind::ALL.iter().map(|k| prefix(Some(*k)).len()).max();
        assert_eq!(longest, Some(LONGEST_PREFIXED - 1 - TOKEN_LEN));
        assert!(is_scrubbed(&a.integer_i64(None, "x").to_string()));
        assert!(is_scrubbed(&a.integer_u64(None, "x").to_string()));
        assert!(is_scrubbed("[REDACTED]") && is_scrubbed("**7"));
        assert!(!is_scrubbed("IIN-BCDFGHJKLMNPRST") && !is_scrubbed("9А"));
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
