//! Detector of e-mail addresses in free text.
//!
//! A pragmatic subset of RFC 5322 `addr-spec`: the dot-atom forms people actually type, with
//! internationalised (Cyrillic, Kazakh) local parts and domains. Quoted local parts
//! (`"a b"@x.kz`), address literals (`a@[10.0.0.1]`) and comments are not recognised: they do
//! not occur in LMS exports. What it is not: a validator (it does not ask whether a mailbox
//! exists) and not an IDNA implementation (`почта.рф` and its punycode `xn--80a1acny.xn--p1ai`
//! stay two different values).
//!
//! | evidence | result | confidence | source |
//! |---|---|---|---|
//! | no `@` in the text | nothing; one `memchr` pass | — | performance rule, common brief |
//! | local part: letters (any script), digits, `.` `_` `%` `+` `-`; 1–64 bytes; leading `.` `+` `-` dropped (bullets, punctuation) | candidate | — | RFC 5322 §3.4.1 dot-atom, RFC 5321 §4.5.3.1.1 (64), RFC 6531 (non-ASCII) |
//! | domain: ≥ 2 labels of letters (any script) / digits / inner `-`, each ≤ 63 bytes, total ≤ 253; trailing `.` `-` left outside the span | candidate | — | RFC 1035 §2.3.4, RFC 5890 (IDN labels) |
//! | top-level label: ≥ 2 letters (`kz`, `рф`, `қаз`) or punycode `xn--…` | email | 0.95 | IANA root zone: no TLD has digits except `xn--` ones |
//! | the local part has non-ASCII letters (`директор@почта.рф`) | email | 0.85 | RFC 6531; rare in practice |
//! | top-level label is a file extension (`logo@2x.png`) | not an email | — | `patterns/email.toml` `file_extensions` |
//! | `@` inside a URL authority (`https://user:pw@host/…`) | not an email: URL credentials | — | RFC 3986 §3.2.1 userinfo |
//! | address in a URL path or query (`…?email=a@b.kz`) | email | 0.95 | it is still a person's address |
//! | `@handle` alone, `http://site.kz/@page` (nothing or `/` before `@`) | not an email | — | no local part |
//! | `mailto:` before the address | email, `mailto:` outside the span | 0.95 | RFC 6068; span rule, common brief |
//!
//! Normalised form (what pseudonyms are computed over): the domain lower-cased (Unicode
//! lower-casing for IDN), the local part lower-cased only for the providers in
//! `patterns/email.toml` (`case_insensitive_domains`, and `*.edu.kz` via
//! `case_insensitive_suffixes`); RFC 5321 lets other servers treat case as significant, so their
//! local parts are kept as written. Gmail dots are never removed.

use memchr::memchr_iter;
use serde::Deserialize;

use super::context::{is_alphabetic, is_alphanumeric, token_before};
use super::{Detector, Finding, Kind};

const RULES: &str = include_str!("../../patterns/email.toml");

/// Confidence of an ordinary address.
const CONFIDENCE: f32 = 0.95;
/// Confidence when the local part holds non-ASCII letters: allowed (RFC 6531) but rare, so a
/// glued word is a likelier explanation than for ASCII.
const CONFIDENCE_INTL_LOCAL: f32 = 0.85;
/// RFC 5321 §4.5.3.1.1.
const MAX_LOCAL: usize = 64;
/// Leading `.` `+` `-` tolerated before a local part (bullets, ellipses).
const MAX_LOCAL_TRIM: usize = 8;
/// RFC 1035 §2.3.4.
const MAX_LABEL: usize = 63;
const MAX_DOMAIN: usize = 253;
/// How far back to look for a URL scheme (`://`) in the token before an address.
const MAX_URL_LOOKBACK: usize = 512;
/// Characters between the `<` of a message id and the local part read inside it.
const MAX_ID_PREFIX: usize = 128;
/// Bytes of the longest file extension and case-insensitive domain of the rules (see
/// [`packed`]); checked when the rules load.
const MAX_PACKED: usize = 16;

/// [`PLAIN`] bit: an ASCII byte a plain local part may hold.
const PLAIN_LOCAL: u8 = 1;
/// [`PLAIN`] bit: an ASCII byte a plain domain may hold.
const PLAIN_DOMAIN: u8 = 2;
/// What each byte may be in a plain ASCII address (see `EmailDetector::plain_whole`): one
/// table lookup per byte instead of a chain of comparisons.
const PLAIN: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        let alnum = c.is_ascii_alphanumeric();
        if alnum || matches!(c, b'.' | b'_' | b'%' | b'+' | b'-') {
            t[b] |= PLAIN_LOCAL;
        }
        if alnum || matches!(c, b'.' | b'-') {
            t[b] |= PLAIN_DOMAIN;
        }
        b += 1;
    }
    t
};

/// A label of a plain domain: 1–63 bytes, no `-` at either end.
fn plain_label(label: &[u8]) -> bool {
    !label.is_empty()
        && label.len() <= MAX_LABEL
        && label[0] != b'-'
        && label[label.len() - 1] != b'-'
}

#[derive(Deserialize)]
struct Rules {
    case_insensitive_domains: Vec<String>,
    case_insensitive_suffixes: Vec<String>,
    file_extensions: Vec<String>,
    message_id_headers: Vec<String>,
}

/// Finds e-mail addresses.
#[derive(Clone, Debug)]
pub struct EmailDetector {
    case_insensitive_domains: PackedSet,
    /// Stored with a leading dot (`.edu.kz`) so a suffix match falls on a label boundary.
    case_insensitive_suffixes: Vec<String>,
    file_extensions: PackedSet,
    /// Lower-cased header names with their colon (`message-id:`).
    message_id_headers: Vec<String>,
}

impl EmailDetector {
    /// The detector with the rules embedded from `patterns/email.toml`.
    pub fn builtin() -> Self {
        let rules: Rules =
            toml::from_str(RULES).expect("patterns/email.toml is embedded and parsed by tests");
        let lower = |v: Vec<String>| v.into_iter().map(|s| s.trim().to_lowercase());
        EmailDetector {
            case_insensitive_domains: PackedSet::new(
                lower(rules.case_insensitive_domains),
                "case-insensitive domain",
            ),
            case_insensitive_suffixes: lower(rules.case_insensitive_suffixes)
                .map(|s| format!(".{}", s.trim_start_matches('.')))
                .collect(),
            file_extensions: PackedSet::new(lower(rules.file_extensions), "file extension"),
            message_id_headers: lower(rules.message_id_headers)
                .map(|h| format!("{}:", h.trim_end_matches(':')))
                .collect(),
        }
    }

    /// Whether the provider of `domain` (lower-cased) ignores the case of local parts.
    fn ignores_local_case(&self, domain: &str) -> bool {
        self.case_insensitive_domains.contains(domain)
            || self
                .case_insensitive_suffixes
                .iter()
                .any(|s| domain.ends_with(s.as_str()) || domain == &s[1..])
    }

    /// The address around the `@` at byte `at`, if there is one. `floor` is the end of the
    /// previous finding: a local part never reaches back into it.
    fn address_at(&self, text: &str, at: usize, floor: usize) -> Option<Finding> {
        let start = local_start(text, at, floor)?;
        let local = &text[start..at];
        if local.len() > MAX_LOCAL || before_is(text, start, |c| c == '@') {
            return None;
        }
        if in_url_authority(text, start) {
            return None;
        }
        let end = domain_end(text, at + 1);
        let domain = &text[at + 1..end];
        if !self.valid_domain(domain)
            || after_is(text, end, |c| c == '@')
            || is_scp_path(text, end)
            || self.in_message_id(text, start)
        {
            return None;
        }
        // `local@domain` built in one string: the domain lower-cased, then the local part too
        // when the provider ignores its case.
        let mut normalized = String::with_capacity(local.len() + 1 + domain.len());
        normalized.push_str(local);
        normalized.push('@');
        push_lowercase(&mut normalized, domain);
        if self.ignores_local_case(&normalized[local.len() + 1..]) {
            if local.is_ascii() {
                normalized[..local.len()].make_ascii_lowercase();
            } else {
                normalized = local.to_lowercase() + &normalized[local.len()..];
            }
        }
        let confidence = if local.is_ascii() {
            CONFIDENCE
        } else {
            CONFIDENCE_INTL_LOCAL
        };
        Some(Finding {
            start,
            end,
            kind: Kind::Email,
            confidence,
            normalized,
        })
    }

    /// The normalised form of `value` when the whole of it is a plain ASCII address
    /// (`aigerim.k@mail.ru`): what [`find`](Detector::find) would give as the one finding
    /// spanning it, without its searches around the address, which a value alone does not
    /// need. `None`: not that simple a shape, or not an address; ask `find`. The common case of
    /// an e-mail column.
    pub fn plain_whole(&self, value: &str) -> Option<String> {
        let mut normalized = String::new();
        self.plain_whole_into(value, &mut normalized)
            .then_some(normalized)
    }

    /// Like [`plain_whole`](Self::plain_whole), the normalised form appended to `out`; `false`
    /// (and `out` as it was) when the shortcut does not answer.
    pub fn plain_whole_into(&self, value: &str, out: &mut String) -> bool {
        let Some((at, case_insensitive)) = self.plain_whole_at(value) else {
            return false;
        };
        let mark = out.len();
        out.push_str(value);
        out[mark + at + 1..].make_ascii_lowercase();
        if case_insensitive {
            out[mark..mark + at].make_ascii_lowercase();
        }
        true
    }

    /// Where the `@` is when the whole of `value` is a plain ASCII address, and whether its
    /// provider ignores the case of the local part.
    fn plain_whole_at(&self, value: &str) -> Option<(usize, bool)> {
        let bytes = value.as_bytes();
        let at = memchr::memchr(b'@', bytes)?;
        let (local, domain) = (&bytes[..at], &bytes[at + 1..]);
        let simple_local = !local.is_empty()
            && local.len() <= MAX_LOCAL
            && !matches!(local[0], b'.' | b'+' | b'-')
            && local
                .iter()
                .all(|&b| PLAIN[usize::from(b)] & PLAIN_LOCAL != 0);
        if !simple_local || domain.is_empty() || domain.len() > MAX_DOMAIN {
            return None;
        }
        // A column's addresses share a few domains: what each says is remembered.
        // The `@` is ASCII, so the domain starts on a character boundary.
        let domain_text = &value[at + 1..];
        let case_insensitive = DOMAINS.with_borrow_mut(|cache| {
            cache.verdict(self, domain, || self.read_plain_domain(domain_text))
        })?;
        Some((at, case_insensitive))
    }

    /// Whether `domain` is a plain one (`Some`) and, if so, whether its provider ignores the
    /// case of the local part.
    fn read_plain_domain(&self, domain: &str) -> Option<bool> {
        // Every character is one the full reading accepts and nothing surrounds the address:
        // the domain's labels decide alone, as in `valid_domain`, read here in one pass.
        let mut label_start = 0;
        let mut labels = 0;
        for (i, &b) in domain.as_bytes().iter().enumerate() {
            if PLAIN[usize::from(b)] & PLAIN_DOMAIN == 0 {
                return None;
            }
            if b == b'.' {
                if !plain_label(&domain.as_bytes()[label_start..i]) {
                    return None;
                }
                labels += 1;
                label_start = i + 1;
            }
        }
        let top = &domain[label_start..];
        if labels == 0
            || !plain_label(top.as_bytes())
            || !is_ascii_top_level(top.as_bytes())
            || self.is_file_extension(top)
        {
            return None;
        }
        Some(self.ignores_local_case(&domain.to_ascii_lowercase()))
    }

    /// Whether the address-like token whose local part starts at `start` is a message
    /// identifier in a mail header (`Message-ID: <CAF8a7=2x…@mail.gmail.com>`, or any id of a
    /// `References:` list): RFC 5322 §3.6.4 gives ids the form of an address, but they name a
    /// message, not a mailbox.
    fn in_message_id(&self, text: &str, start: usize) -> bool {
        // Back to the `<` that opens the id: ids hold characters (`=`, `$`) that the local part
        // read here does not, so the local part may start inside the id.
        let opening = text[..start]
            .char_indices()
            .rev()
            .take(MAX_ID_PREFIX)
            .find(|&(_, c)| c == '<' || c == '>' || c.is_whitespace());
        let Some((open, '<')) = opening else {
            return false;
        };
        let mut rest = &text[..open];
        loop {
            let trimmed = rest.trim_end_matches(|c: char| c == ',' || c.is_whitespace());
            match trimmed
                .strip_suffix('>')
                .and_then(|id| id.rfind('<').map(|i| &id[..i]))
            {
                Some(before_id) => rest = before_id,
                None => {
                    rest = trimmed;
                    break;
                }
            }
        }
        self.message_id_headers.iter().any(|h| {
            rest.len() >= h.len()
                && rest.is_char_boundary(rest.len() - h.len())
                && rest[rest.len() - h.len()..].eq_ignore_ascii_case(h)
        })
    }

    fn valid_domain(&self, domain: &str) -> bool {
        if domain.len() > MAX_DOMAIN {
            return false;
        }
        let mut labels = 0;
        let mut last = "";
        for label in domain.split('.') {
            if label.is_empty()
                || label.len() > MAX_LABEL
                || label.starts_with('-')
                || label.ends_with('-')
            {
                return false;
            }
            labels += 1;
            last = label;
        }
        labels >= 2 && is_top_level(last) && !self.is_file_extension(last)
    }

    fn is_file_extension(&self, tld: &str) -> bool {
        self.file_extensions.contains(tld)
    }
}

/// A set of short ASCII words, case-insensitive, as [`packed`] numbers in an open-addressing
/// table at most a quarter full: a lookup is a multiplication and, nearly always, one compare.
/// The rules' lists are a few dozen words, looked up for every address.
#[derive(Clone, Debug)]
struct PackedSet {
    /// Zero marks a free slot: no word packs to zero.
    slots: Vec<u128>,
    /// Bits of a word's hash that index `slots`.
    bits: u32,
}

impl PackedSet {
    fn new(words: impl Iterator<Item = String>, what: &str) -> Self {
        let words: Vec<u128> = words
            .map(|w| {
                packed(w.as_bytes()).unwrap_or_else(|| {
                    panic!(
                        "patterns/email.toml: {what} `{w}` is empty, not ASCII or longer than \
                         {MAX_PACKED} bytes"
                    )
                })
            })
            .collect();
        let bits = (words.len() * 4)
            .next_power_of_two()
            .trailing_zeros()
            .max(4);
        let mut set = PackedSet {
            slots: vec![0; 1 << bits],
            bits,
        };
        for w in words {
            let mut i = set.slot(w);
            while set.slots[i] != 0 && set.slots[i] != w {
                i = (i + 1) & (set.slots.len() - 1);
            }
            set.slots[i] = w;
        }
        set
    }

    fn slot(&self, word: u128) -> usize {
        let mixed = (word as u64 ^ (word >> 64) as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        (mixed >> (64 - self.bits)) as usize
    }

    fn contains(&self, word: &str) -> bool {
        let Some(w) = packed(word.as_bytes()) else {
            return false;
        };
        let mut i = self.slot(w);
        loop {
            match self.slots[i] {
                0 => return false,
                s if s == w => return true,
                _ => i = (i + 1) & (self.slots.len() - 1),
            }
        }
    }
}

/// An ASCII word of at most [`MAX_PACKED`] bytes, lower-cased, as one number (zero bytes
/// after it, which no domain holds): compared in one instruction, not byte by byte.
#[inline]
fn packed(word: &[u8]) -> Option<u128> {
    if word.is_empty() || word.len() > MAX_PACKED || !word.is_ascii() {
        return None;
    }
    let mut bytes = [0u8; MAX_PACKED];
    bytes[..word.len()].copy_from_slice(word);
    bytes.make_ascii_lowercase();
    Some(u128::from_le_bytes(bytes))
}

/// Domains at most this long are remembered by [`DomainCache`].
const CACHED_DOMAIN: usize = 32;

/// What [`EmailDetector::read_plain_domain`] said of the domains a thread met last, so that
/// an e-mail column's thousands of `mail.ru` and `gmail.com` addresses read their domain once:
/// a small table indexed by the domain's hash, a newer domain taking an older one's place.
/// Entries name the detector they are from (its address; every detector is built from the
/// same rules, so one built where a dropped one was answers alike).
struct DomainCache([DomainEntry; DOMAIN_SLOTS]);

/// Domains a thread remembers: more than a column's common providers.
const DOMAIN_SLOTS: usize = 16;

#[derive(Clone, Copy, Default)]
struct DomainEntry {
    detector: usize,
    len: usize,
    bytes: [u8; CACHED_DOMAIN],
    verdict: Option<bool>,
}

impl DomainCache {
    fn verdict(
        &mut self,
        detector: &EmailDetector,
        domain: &[u8],
        read: impl FnOnce() -> Option<bool>,
    ) -> Option<bool> {
        if domain.len() > CACHED_DOMAIN {
            return read();
        }
        let id = std::ptr::from_ref(detector) as usize;
        let mut h = crate::fasthash::FastHasher::default();
        std::hash::Hasher::write(&mut h, domain);
        let entry = &mut self.0[std::hash::Hasher::finish(&h) as usize % DOMAIN_SLOTS];
        if entry.detector != id || entry.len != domain.len() || entry.bytes[..entry.len] != *domain
        {
            let mut bytes = [0; CACHED_DOMAIN];
            bytes[..domain.len()].copy_from_slice(domain);
            *entry = DomainEntry {
                detector: id,
                len: domain.len(),
                bytes,
                verdict: read(),
            };
        }
        entry.verdict
    }
}

thread_local! {
    static DOMAINS: std::cell::RefCell<DomainCache> =
        std::cell::RefCell::new(DomainCache([DomainEntry::default(); DOMAIN_SLOTS]));
}

impl Detector for EmailDetector {
    fn kinds(&self) -> &'static [Kind] {
        &[Kind::Email]
    }

    fn find(&self, text: &str, out: &mut Vec<Finding>) {
        let mut floor = 0;
        for at in memchr_iter(b'@', text.as_bytes()) {
            if at < floor {
                continue;
            }
            if let Some(f) = self.address_at(text, at, floor) {
                floor = f.end;
                out.push(f);
            }
        }
    }
}

/// Appends `s` lower-cased as [`str::to_lowercase`] does it, without its allocation for ASCII.
fn push_lowercase(out: &mut String, s: &str) {
    if s.is_ascii() {
        out.extend(s.bytes().map(|b| char::from(b.to_ascii_lowercase())));
    } else {
        out.push_str(&s.to_lowercase());
    }
}

fn is_local_char(c: char) -> bool {
    is_alphanumeric(c) || is_combining_mark(c) || matches!(c, '.' | '_' | '%' | '+' | '-')
}

fn is_domain_char(c: char) -> bool {
    is_alphanumeric(c) || is_combining_mark(c) || matches!(c, '.' | '-')
}

/// Combining diacritics: `й` and `ё` may arrive decomposed (domain-kz.md, names).
fn is_combining_mark(c: char) -> bool {
    matches!(c, '\u{0300}'..='\u{036F}')
}

/// Start of the local part ending at `at`, after dropping leading `.` `+` `-`. A run of local
/// characters longer than any local part (a glued blob) gives `None` without reading it all.
fn local_start(text: &str, at: usize, floor: usize) -> Option<usize> {
    let head = &text[floor..at];
    let mut run = None;
    for (n, (i, c)) in head.char_indices().rev().enumerate() {
        if !is_local_char(c) {
            break;
        }
        if n >= MAX_LOCAL + MAX_LOCAL_TRIM {
            return None;
        }
        run = Some(floor + i);
    }
    let run = run?;
    let trimmed = text[run..at].trim_start_matches(['.', '+', '-']);
    if trimmed.is_empty() {
        None
    } else {
        Some(at - trimmed.len())
    }
}

/// End of the domain that starts at `from`, trailing `.` and `-` excluded (sentence ends).
fn domain_end(text: &str, from: usize) -> usize {
    let tail = &text[from..];
    let run = tail
        .char_indices()
        .find(|&(_, c)| !is_domain_char(c))
        .map_or(tail.len(), |(i, _)| i);
    let domain = tail[..run].trim_end_matches(['.', '-']);
    from + domain.len() - glued_to_top_level(domain)
}

/// Bytes at the end of `domain` that are a word glued to an ASCII top-level label
/// (`mail.ruпишите`), or a Kazakh case suffix after a hyphen (`gmail.com-ға`, `mail.ru-дан`:
/// Kazakh joins suffixes to Latin words that way): registries forbid labels mixing scripts. A
/// look-alike letter typed in the other script (`mail.rу` with Cyrillic `у`) leaves the label
/// too short once cut, and is kept.
fn glued_to_top_level(domain: &str) -> usize {
    let tld = domain.rsplit('.').next().unwrap_or(domain);
    let ascii_len = tld
        .char_indices()
        .find(|&(_, c)| !c.is_ascii())
        .map_or(tld.len(), |(i, _)| i);
    let label = tld[..ascii_len]
        .strip_suffix('-')
        .unwrap_or(&tld[..ascii_len]);
    if label.len() >= 2 && ascii_len < tld.len() && label.bytes().all(|b| b.is_ascii_alphabetic()) {
        tld.len() - label.len()
    } else {
        0
    }
}

/// [`is_top_level`] for an ASCII label, without decoding characters: what a plain address
/// (`EmailDetector::plain_whole`) asks of every value of an e-mail column.
fn is_ascii_top_level(label: &[u8]) -> bool {
    let punycode = label.len() > 4
        && label[..4].eq_ignore_ascii_case(b"xn--")
        && label[4..]
            .iter()
            .all(|&b| b.is_ascii_alphanumeric() || b == b'-');
    punycode || (label.len() >= 2 && label.iter().all(u8::is_ascii_alphabetic))
}

/// The last label of a domain: letters only (any script), or an IDNA `xn--` label.
fn is_top_level(label: &str) -> bool {
    let punycode = label.len() > 4
        && label.as_bytes()[..4].eq_ignore_ascii_case(b"xn--")
        && label[4..]
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-');
    punycode || (label.chars().count() >= 2 && label.chars().all(is_alphabetic))
}

/// Whether the local part starting at `start` sits in the authority of a URL
/// (`scheme://user:password@host`): those are credentials, not a mailbox.
fn in_url_authority(text: &str, start: usize) -> bool {
    let token = token_before(text, start, MAX_URL_LOOKBACK);
    match token.rfind("://") {
        Some(i) => !token[i + 3..].contains(['/', '?', '#']),
        None => false,
    }
}

/// Whether the domain ending at `end` is followed by `:path` of an SSH/SCP remote
/// (`git@github.com:org/repo.git`, `deploy@lms.kz:/var/backups`): a host to log in to, not a
/// mailbox. `a@b.kz: пишите` (a space after the colon) is still an address.
fn is_scp_path(text: &str, end: usize) -> bool {
    let Some(rest) = text[end..].strip_prefix(':') else {
        return false;
    };
    let path = &rest[..rest
        .find(|c: char| c.is_whitespace() || matches!(c, '"' | '\'' | '>' | ')' | ',' | ';'))
        .unwrap_or(rest.len())];
    path.contains('/') || path.ends_with(".git")
}

fn before_is(text: &str, pos: usize, pred: impl Fn(char) -> bool) -> bool {
    text[..pos].chars().next_back().is_some_and(pred)
}

fn after_is(text: &str, pos: usize, pred: impl Fn(char) -> bool) -> bool {
    text[pos..].chars().next().is_some_and(pred)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn find(text: &str) -> Vec<(String, String)> {
        let mut out = Vec::new();
        EmailDetector::builtin().find(text, &mut out);
        out.into_iter()
            .map(|f| (text[f.start..f.end].to_owned(), f.normalized))
            .collect()
    }

    fn spans(text: &str) -> Vec<String> {
        find(text).into_iter().map(|(s, _)| s).collect()
    }

    /// `plain_whole` as first written, check by check: the one-pass reading must answer alike.
    fn plain_whole_by_the_rules(d: &EmailDetector, value: &str) -> Option<String> {
        let at = value.find('@')?;
        let (local, domain) = (&value[..at], &value[at + 1..]);
        let local_ok =
            |b: u8| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'%' | b'+' | b'-');
        let simple_local = !local.is_empty()
            && local.len() <= MAX_LOCAL
            && !local.starts_with(['.', '+', '-'])
            && local.bytes().all(local_ok);
        let simple_domain = !domain.is_empty()
            && domain.len() <= MAX_DOMAIN
            && domain
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'-');
        if !simple_local || !simple_domain {
            return None;
        }
        if domain.ends_with(['.', '-']) || !d.valid_domain(domain) {
            return None;
        }
        let mut normalized = format!("{local}@{}", domain.to_ascii_lowercase());
        if d.ignores_local_case(&normalized[at + 1..]) {
            normalized[..at].make_ascii_lowercase();
        }
        Some(normalized)
    }

    proptest::proptest! {
        /// The one-pass shortcut answers as the rules it stands for, on any mix of the bytes
        /// that matter (an `@`, dots, hyphens, letters, digits, a non-ASCII letter).
        #[test]
        fn plain_whole_follows_its_rules(
            value in "[a-zA-Z0-9._%+-]{0,6}@?[a-zA-Z0-9.@ж-]{0,10}(\\.(kz|ru|Com|edu\\.kz|PNG|Mail\\.Ru|k2|x|xn--p1ai|-))?",
        ) {
            let d = EmailDetector::builtin();
            proptest::prop_assert_eq!(d.plain_whole(&value), plain_whole_by_the_rules(&d, &value));
        }

        /// The shortcut for whole values agrees with the full reading wherever it answers.
        #[test]
        fn plain_whole_values_read_as_find_reads_them(
            local in "[a-zA-Z0-9._%+-]{0,12}",
            domain in "[a-zA-Z0-9.-]{0,8}(\\.(kz|ru|com|edu\\.kz|PNG|Mail\\.Ru|k2|x))?",
        ) {
            let value = format!("{local}@{domain}");
            let d = EmailDetector::builtin();
            if let Some(plain) = d.plain_whole(&value) {
                let mut out = Vec::new();
                d.find(&value, &mut out);
                proptest::prop_assert_eq!(out.len(), 1, "{}", value);
                proptest::prop_assert_eq!((out[0].start, out[0].end), (0, value.len()));
                proptest::prop_assert_eq!(&out[0].normalized, &plain);
            }
        }
    }

    #[test]
    fn plain_whole_values_take_the_shortcut() {
        let d = EmailDetector::builtin();
        assert_eq!(
            d.plain_whole("Aigerim.K@Mail.RU").as_deref(),
            Some("aigerim.k@mail.ru")
        );
        assert_eq!(
            d.plain_whole("Aigerim.K@school.kz").as_deref(),
            Some("Aigerim.K@school.kz")
        );
        assert_eq!(d.plain_whole("logo@2x.png"), None);
        assert_eq!(d.plain_whole("директор@почта.рф"), None, "asks find");
    }

    proptest::proptest! {
        /// Packing lower-cases as `to_ascii_lowercase` does, and tells words apart.
        #[test]
        fn packed_words_are_the_lower_cased_words(a in "[ -~]{1,16}", b in "[ -~]{1,16}") {
            let lower = |w: &str| {
                let mut bytes = [0u8; MAX_PACKED];
                bytes[..w.len()].copy_from_slice(w.to_ascii_lowercase().as_bytes());
                u128::from_le_bytes(bytes)
            };
            proptest::prop_assert_eq!(packed(a.as_bytes()), Some(lower(&a)));
            proptest::prop_assert_eq!(
                packed(a.as_bytes()) == packed(b.as_bytes()),
                a.eq_ignore_ascii_case(&b)
            );
        }
    }

    #[test]
    fn rules_file_parses() {
        let d = EmailDetector::builtin();
        assert!(d.case_insensitive_domains.contains("mail.ru"));
        assert!(d.is_file_extension("png") && d.is_file_extension("PNG"));
        assert!(!d.is_file_extension("kz") && !d.is_file_extension("pngpngpngpngpngpng"));
    }

    #[test]
    fn finds_plain_addresses_without_trailing_punctuation() {
        assert_eq!(spans("пишите: ivan@mail.ru."), ["ivan@mail.ru"]);
        assert_eq!(spans("(a.b@c-d.kz), ok"), ["a.b@c-d.kz"]);
        assert_eq!(spans("x@y.kz-"), ["x@y.kz"]);
        assert_eq!(spans("mailto:ivan@mail.ru"), ["ivan@mail.ru"]);
        assert_eq!(spans("a@b.kz,c@d.kz"), ["a@b.kz", "c@d.kz"]);
    }

    #[test]
    fn drops_leading_bullets_and_dots() {
        assert_eq!(spans("-ivan@mail.ru"), ["ivan@mail.ru"]);
        assert_eq!(spans("...ivan@mail.ru"), ["ivan@mail.ru"]);
        assert_eq!(spans("+tag@mail.ru"), ["tag@mail.ru"]);
        assert!(spans("+@mail.ru").is_empty());
    }

    #[test]
    fn accepts_plus_tags_and_idn() {
        assert_eq!(spans("a+lms@gmail.com"), ["a+lms@gmail.com"]);
        assert_eq!(spans("директор@почта.рф"), ["директор@почта.рф"]);
        assert_eq!(spans("oqushy@мектеп.қаз"), ["oqushy@мектеп.қаз"]);
        assert_eq!(
            spans("u@xn--80a1acny.xn--p1ai"),
            ["u@xn--80a1acny.xn--p1ai"]
        );
    }

    #[test]
    fn normalizes_domain_always_and_local_for_known_providers() {
        assert_eq!(find("Ivan.Petrov@Mail.RU")[0].1, "ivan.petrov@mail.ru");
        assert_eq!(find("I.Petrov@GMAIL.com")[0].1, "i.petrov@gmail.com");
        assert_eq!(
            find("A.Nurlanova@School12.EDU.kz")[0].1,
            "a.nurlanova@school12.edu.kz"
        );
        assert_eq!(find("Ivan@Company.KZ")[0].1, "Ivan@company.kz");
        assert_eq!(find("Директор@ПОЧТА.РФ")[0].1, "Директор@почта.рф");
        // edu.kz itself, but not a domain merely ending in the letters "edu.kz".
        assert_eq!(find("A@EDU.KZ")[0].1, "a@edu.kz");
        assert_eq!(find("A@myedu.kz")[0].1, "A@myedu.kz");
    }

    /// Remembered domains answer as a fresh reading does, however addresses of many domains
    /// (more than the table holds, some longer than it keeps, some alike but for case) follow
    /// one another.
    #[test]
    fn remembered_domains_answer_as_a_fresh_reading() {
        let d = EmailDetector::builtin();
        let domains: Vec<String> = (0..40)
            .map(|i| format!("school{i}.edu.kz"))
            .chain(["mail.ru", "MAIL.RU", "Gmail.com", "a.png", "b..kz", "x.y"].map(String::from))
            .chain([format!("{}.kz", "long".repeat(10))])
            .collect();
        for round in 0..3 {
            for (i, domain) in domains.iter().enumerate().rev().skip(round) {
                let value = format!("Aigerim.K{i}@{domain}");
                let want = d
                    .read_plain_domain(domain)
                    .map(|ci| (value.find('@').unwrap(), ci));
                assert_eq!(d.plain_whole_at(&value), want, "{value}");
            }
        }
    }

    /// The ASCII shortcut answers as the general reading does, on every label of up to three
    /// bytes from a set that covers each branch, and on punycode and near-punycode labels.
    #[test]
    fn the_ascii_top_level_check_agrees_with_the_general_one() {
        let bytes = b"aZ0-_.x";
        let mut labels: Vec<String> = vec![String::new()];
        for len in 1..=3 {
            let mut shaped = vec![String::new()];
            for _ in 0..len {
                shaped = shaped
                    .iter()
                    .flat_map(|s| bytes.iter().map(move |&b| format!("{s}{}", b as char)))
                    .collect();
            }
            labels.extend(shaped);
        }
        labels.extend(
            [
                "xn--80ao21a",
                "XN--P1AI",
                "xn--",
                "xn--a",
                "xn--a_b",
                "xn-p1ai",
                "kz",
                "KZ",
                "com",
            ]
            .map(String::from),
        );
        for label in &labels {
            assert_eq!(
                is_ascii_top_level(label.as_bytes()),
                is_top_level(label),
                "{label:?}"
            );
        }
    }

    #[test]
    fn a_word_glued_to_the_top_level_label_is_left_out() {
        let got = find("ivan@mail.ruпишите");
        assert_eq!(
            got,
            [("ivan@mail.ru".to_owned(), "ivan@mail.ru".to_owned())]
        );
        // A look-alike Cyrillic letter inside the label is typed, not glued: keep it.
        assert_eq!(spans("ivan@mail.rу"), ["ivan@mail.rу"]);
        assert_eq!(spans("a@мектеп.қаз"), ["a@мектеп.қаз"]);
    }

    #[test]
    fn a_kazakh_suffix_after_a_hyphen_is_left_out() {
        assert_eq!(spans("aidos.n@inbox.ru-ға жіберіңіз"), ["aidos.n@inbox.ru"]);
        assert_eq!(spans("zhanar.b@gmail.com-дан"), ["zhanar.b@gmail.com"]);
        assert_eq!(spans("a@b-c.kz"), ["a@b-c.kz"]);
        // A label mixing scripts after four bytes used to be sliced inside a letter.
        assert!(spans("a@b.ruу-ға").len() <= 1);
    }

    #[test]
    fn a_long_glued_run_is_not_read_to_its_start() {
        let blob = "a".repeat(10_000);
        assert!(spans(&format!("{blob}@mail.ru")).is_empty());
    }

    #[test]
    fn non_ascii_local_part_is_less_certain() {
        let mut out = Vec::new();
        let d = EmailDetector::builtin();
        d.find("директор@почта.рф и ivan@mail.ru", &mut out);
        assert_eq!(out[0].confidence, CONFIDENCE_INTL_LOCAL);
        assert_eq!(out[1].confidence, CONFIDENCE);
    }

    #[test]
    fn rejects_url_credentials_but_not_addresses_in_a_query() {
        assert!(spans("https://user@host.kz/p").is_empty());
        assert!(spans("ftp://user:pw@files.kz").is_empty());
        assert!(spans("http://site.kz/@page").is_empty());
        assert_eq!(
            spans("https://x.kz/reset?email=aigul@mail.ru"),
            ["aigul@mail.ru"]
        );
    }

    #[test]
    fn rejects_handles_file_names_and_bad_domains() {
        for text in [
            "@aigerim_k",
            "logo@2x.png",
            "photo@large.JPG",
            "root@localhost",
            "ivan@mail",
            "ivan@mail.r",
            "admin@10.0.0.1",
            "ivan@@mail.ru",
            "a @ b.kz",
            "ivan@mail..ru",
            "ivan@-mail.ru",
            "ivan@.mail.ru",
            "a@b.kz@c.kz",
            "a@b@c.kz",
        ] {
            assert!(spans(text).is_empty(), "{text}: {:?}", spans(text));
        }
    }

    #[test]
    fn enforces_length_limits() {
        let long_local = "a".repeat(65);
        assert!(spans(&format!("{long_local}@mail.ru")).is_empty());
        let ok_local = "a".repeat(64);
        assert_eq!(spans(&format!("{ok_local}@mail.ru")).len(), 1);
        let long_label = "b".repeat(64);
        assert!(spans(&format!("a@{long_label}.kz")).is_empty());
    }

    #[test]
    fn spans_fall_on_char_boundaries_in_cyrillic_text() {
        let text = "Почта:ivan@mail.ru—звоните";
        let mut out = Vec::new();
        EmailDetector::builtin().find(text, &mut out);
        assert_eq!(out.len(), 1);
        assert_eq!(&text[out[0].start..out[0].end], "ivan@mail.ru");
    }

    #[test]
    fn a_wide_separator_before_an_address_is_stepped_over() {
        // A no-break space is two bytes: the URL look-back must not cut it in half.
        assert_eq!(spans("E-mail:\u{a0}aigerim@mail.ru"), ["aigerim@mail.ru"]);
        assert_eq!(spans("почта\u{202f}a@b.kz"), ["a@b.kz"]);
    }

    #[test]
    fn ssh_remotes_are_not_addresses() {
        assert!(spans("git clone git@github.com:org/repo.git").is_empty());
        assert!(spans("scp a.sql deploy@lms.kz:/var/backups/").is_empty());
        assert_eq!(spans("Пишите на a@b.kz: отвечу"), ["a@b.kz"]);
        assert_eq!(spans("a@b.kz:пароль"), ["a@b.kz"]);
    }

    #[test]
    fn message_ids_in_mail_headers_are_not_addresses() {
        assert!(spans("Message-ID: <CAF8a7=2xYpQ+1234567890@mail.gmail.com>").is_empty());
        assert!(spans("In-Reply-To: <20240312.4512@mailer.bilimland.kz>").is_empty());
        assert!(spans("References: <a1@mailer.kz>, <b2.c3@mail.gmail.com>").is_empty());
        assert_eq!(
            spans("Reply-To: <noreply@bilimland.kz> Message-ID: <x1@mail.kz>"),
            ["noreply@bilimland.kz"]
        );
        assert_eq!(spans("From: Dana <dana@mail.kz>"), ["dana@mail.kz"]);
    }

    #[test]
    fn text_without_at_sign_yields_nothing() {
        assert!(spans("Обычный текст без адресов. ivan mail.ru").is_empty());
    }
}
