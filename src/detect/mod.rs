//! Detectors: find personal data in one piece of text and say where it is.
//!
//! A [`Detector`] looks at a `&str` (one value, one line) and pushes [`Finding`]s: a byte span,
//! a [`Kind`], a confidence and the value's canonical form (used for pseudonyms, never printed
//! unless the user asks). A [`DetectorSet`] runs every detector of the requested kinds and
//! resolves overlaps, so a span is reported once, as its most specific kind.
//!
//! What this module is not: it knows nothing of files, columns, records or actions. Column-level
//! decisions (a header that says "ИИН", an integer column that lost its leading zero) live in the
//! classifier; detectors judge a value by itself and by the words around it.
//!
//! Every detector is built once from its rules in `patterns/` (embedded in the binary), is
//! `Send + Sync`, and is cheap to share between threads.

pub mod card;
pub mod context;
pub mod digits;
pub mod email;
pub mod iin;
pub mod messenger;
pub mod name;
pub mod phone;

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// The kinds of personal (and organisational) data tazala knows.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// Individual identification number of a person (ИИН / ЖСН).
    Iin,
    /// Business identification number of an organisation (БИН / БСН); not personal data.
    Bin,
    /// Telephone number, Kazakh or Russian (+7).
    Phone,
    /// E-mail address.
    Email,
    /// Messenger account: Telegram handle or `t.me/` link.
    Messenger,
    /// Payment card number (Luhn-valid, known brand prefix).
    Card,
    /// Person name or part of one.
    Name,
}

impl Kind {
    /// Every kind, in the order used for output and for breaking ties.
    pub const ALL: [Kind; 7] = [
        Kind::Iin,
        Kind::Bin,
        Kind::Phone,
        Kind::Email,
        Kind::Messenger,
        Kind::Card,
        Kind::Name,
    ];

    /// The lower-case name used on the command line, in JSON and in policies.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Iin => "iin",
            Kind::Bin => "bin",
            Kind::Phone => "phone",
            Kind::Email => "email",
            Kind::Messenger => "messenger",
            Kind::Card => "card",
            Kind::Name => "name",
        }
    }

    /// Whether a finding of this kind identifies a person (a BIN identifies an organisation).
    pub fn is_personal(self) -> bool {
        !matches!(self, Kind::Bin)
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Kind {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Kind::ALL
            .into_iter()
            .find(|k| k.as_str().eq_ignore_ascii_case(s.trim()))
            .ok_or_else(|| {
                let known: Vec<&str> = Kind::ALL.iter().map(|k| k.as_str()).collect();
                format!("unknown kind '{s}' (known: {})", known.join(", "))
            })
    }
}

/// One piece of personal data found in a text.
#[derive(Clone, Debug, PartialEq)]
pub struct Finding {
    /// Byte offset of the first byte of the span.
    pub start: usize,
    /// Byte offset one past the last byte of the span.
    pub end: usize,
    pub kind: Kind,
    /// How sure the detector is, in `0.0..=1.0`.
    pub confidence: f32,
    /// The canonical form of the value: IIN/BIN as 12 digits, phone as E.164 (`+77011234567`),
    /// email trimmed and lower-cased where the provider ignores case, messenger handle without
    /// `@` and lower-cased, card as bare digits. Pseudonyms are computed over this form, so every
    /// written form of one value gets one pseudonym. It is personal data: never log it.
    pub normalized: String,
}

impl Finding {
    pub fn len(&self) -> usize {
        self.end - self.start
    }

    pub fn is_empty(&self) -> bool {
        self.start == self.end
    }

    fn overlaps(&self, other: &Finding) -> bool {
        self.start < other.end && other.start < self.end
    }
}

/// `value` without white space at either end, as `str::trim` gives it, without decoding a
/// character when the end bytes settle it: a byte from `!` to `~`, or the lead byte of a
/// Cyrillic letter, is no white space (Unicode's beyond ASCII start with C2, E1, E2 or E3, and
/// none ends in an ASCII byte). Nearly every value is trimmed as it is.
pub fn trim(value: &str) -> &str {
    let bytes = value.as_bytes();
    let (Some(&first), Some(&last)) = (bytes.first(), bytes.last()) else {
        return value;
    };
    let clean_start = first > b' ' && !matches!(first, 0x7F..=0xC2 | 0xE1..=0xE3);
    match (clean_start, last > b' ' && last < 0x7F) {
        (true, true) => value,
        (true, false) => value.trim_end(),
        _ => value.trim(),
    }
}

/// Whether no built-in detector can find anything in `text`, from its bytes alone: it is
/// ASCII, has no letter (names, e-mail and messenger handles), no `@` or `/` (e-mail,
/// messenger links), no `?` (a capital letter lost in Windows-1251), and fewer ASCII digits than
/// the fewest any number a detector reads has: a masked card shows [`card::MIN_VISIBLE_DIGITS`],
/// a phone has 10 digits, an IIN 12. Grades, percentages and counts (`4,5`, `77.3%`, `12`) are
/// then known clean without a search.
pub fn nothing_to_find(text: &str) -> bool {
    let mut digits = 0;
    for &b in text.as_bytes() {
        if b.is_ascii_digit() {
            digits += 1;
        } else if !b.is_ascii() || b.is_ascii_alphabetic() || matches!(b, b'@' | b'/' | b'?') {
            return false;
        }
    }
    digits < card::MIN_VISIBLE_DIGITS
}

/// A detector of one or more kinds. Built once, shared by every thread.
pub trait Detector: Send + Sync {
    /// The kinds this detector can report.
    fn kinds(&self) -> &'static [Kind];

    /// Appends the findings in `text` to `out`, in any order. Spans are byte offsets into
    /// `text` and always fall on `char` boundaries.
    fn find(&self, text: &str, out: &mut Vec<Finding>);
}

/// A set of detectors run together, with overlaps resolved.
pub struct DetectorSet {
    detectors: Vec<Box<dyn Detector>>,
    kinds: Vec<Kind>,
}

impl DetectorSet {
    /// Every built-in detector, with the rules embedded from `patterns/`.
    pub fn builtin() -> Self {
        Self::with_kinds(&Kind::ALL)
    }

    /// The built-in detectors that report any of `kinds`; findings of other kinds are dropped.
    /// Only those detectors are built, each on a thread of its own: compiling their word
    /// automata and dictionaries is most of tazala's start-up.
    pub fn with_kinds(kinds: &[Kind]) -> Self {
        type Build = fn() -> Box<dyn Detector>;
        const BUILTIN: [(&[Kind], Build); 6] = [
            (&[Kind::Iin, Kind::Bin], || {
                Box::new(iin::IinDetector::builtin())
            }),
            (&[Kind::Phone], || Box::new(phone::PhoneDetector::builtin())),
            (&[Kind::Email], || Box::new(email::EmailDetector::builtin())),
            (&[Kind::Messenger], || {
                Box::new(messenger::MessengerDetector::builtin())
            }),
            (&[Kind::Card], || Box::new(card::CardDetector::builtin())),
            (&[Kind::Name], || Box::new(name::NameDetector::prepared())),
        ];
        let detectors = std::thread::scope(|scope| {
            let building: Vec<_> = BUILTIN
                .iter()
                .filter(|(reports, _)| reports.iter().any(|k| kinds.contains(k)))
                .map(|(_, build)| scope.spawn(build))
                .collect();
            building
                .into_iter()
                .map(|b| b.join().expect("the built-in rules compile"))
                .collect()
        });
        let mut kinds = kinds.to_vec();
        kinds.sort();
        kinds.dedup();
        DetectorSet { detectors, kinds }
    }

    /// The kinds this set reports.
    pub fn kinds(&self) -> &[Kind] {
        &self.kinds
    }

    /// All findings in `text`, sorted by start, without overlaps.
    pub fn find(&self, text: &str) -> Vec<Finding> {
        let mut out = Vec::new();
        self.find_into(text, &mut out);
        out
    }

    /// Like [`find`](Self::find), reusing `out` (cleared first).
    pub fn find_into(&self, text: &str, out: &mut Vec<Finding>) {
        out.clear();
        for d in &self.detectors {
            d.find(text, out);
        }
        out.retain(|f| self.kinds.contains(&f.kind));
        resolve_overlaps(out);
    }
}

/// Keeps one finding per overlapping group: the longest span wins, then the higher confidence,
/// then the kind listed first in [`Kind::ALL`]. Deterministic whatever order detectors ran in.
fn resolve_overlaps(findings: &mut Vec<Finding>) {
    if findings.len() < 2 {
        return;
    }
    findings.sort_by(|a, b| {
        b.len()
            .cmp(&a.len())
            .then(b.confidence.total_cmp(&a.confidence))
            .then(a.kind.cmp(&b.kind))
            .then(a.start.cmp(&b.start))
    });
    let mut kept: Vec<Finding> = Vec::with_capacity(findings.len());
    for f in findings.drain(..) {
        if !kept.iter().any(|k| k.overlaps(&f)) {
            kept.push(f);
        }
    }
    kept.sort_by_key(|f| (f.start, f.end));
    *findings = kept;
}

#[cfg(test)]
mod tests {
    use super::*;

    fn finding(start: usize, end: usize, kind: Kind, confidence: f32) -> Finding {
        Finding {
            start,
            end,
            kind,
            confidence,
            normalized: String::new(),
        }
    }

    proptest::proptest! {
        /// The shortcut trims as `str::trim` does, white space of every kind included.
        #[test]
        fn trim_is_str_trim(value in "[ \t\n\r\u{0B}\u{0C}\u{85}\u{A0}\u{2000}\u{3000}a-zА-яӘә~\u{7F}1.]{0,8}") {
            proptest::prop_assert_eq!(trim(&value), value.trim());
        }
    }

    #[test]
    fn plain_numbers_and_signs_have_nothing_to_find() {
        for clean in ["", "4,5", "77.3%", "12", " (3) ", "1234567", "+7 701"] {
            assert!(nothing_to_find(clean), "{clean}");
        }
        for not in [
            "Ә",
            "a",
            "x@",
            "t.me/x",
            "?.",
            "12345678",
            "1 2 3 4 5 6 7 8",
        ] {
            assert!(!nothing_to_find(not), "{not}");
        }
        // The sparest numbers the detectors read are not let by: a masked card, a phone.
        let set = DetectorSet::builtin();
        for number in ["4400 **** **** 1234", "8 701 123 45 67"] {
            assert!(!set.find(number).is_empty(), "{number}");
            assert!(!nothing_to_find(number), "{number}");
        }
    }

    proptest::proptest! {
        /// What `nothing_to_find` lets by, no detector finds anything in: digits (fewer than
        /// it allows) among every other ASCII sign, including the separators and masks numbers
        /// are written with.
        #[test]
        fn the_detectors_find_nothing_where_nothing_is_to_find(
            text in "[0-9 .,:;%()*+=#&'\"!$^_~<>|\\\\\\[\\]{}\t-]{0,28}",
        ) {
            proptest::prop_assume!(nothing_to_find(&text));
            proptest::prop_assert_eq!(DetectorSet::builtin().find(&text), vec![]);
        }
    }

    #[test]
    fn detector_set_is_send_and_sync() {
        fn assert_send_sync<T: Send + Sync>() {}
        assert_send_sync::<DetectorSet>();
    }

    #[test]
    fn kind_round_trips_through_its_name() {
        for k in Kind::ALL {
            assert_eq!(k.as_str().parse::<Kind>(), Ok(k));
        }
        assert!("passport".parse::<Kind>().is_err());
    }

    #[test]
    fn longest_overlapping_finding_wins() {
        let mut v = vec![
            finding(3, 14, Kind::Phone, 0.9),
            finding(0, 20, Kind::Email, 0.9),
            finding(25, 30, Kind::Iin, 0.5),
        ];
        resolve_overlaps(&mut v);
        assert_eq!(
            v.iter().map(|f| (f.start, f.kind)).collect::<Vec<_>>(),
            [(0, Kind::Email), (25, Kind::Iin)]
        );
    }

    #[test]
    fn equal_spans_prefer_confidence_then_kind_order() {
        let mut v = vec![
            finding(0, 12, Kind::Bin, 0.9),
            finding(0, 12, Kind::Iin, 0.9),
        ];
        resolve_overlaps(&mut v);
        assert_eq!(v[0].kind, Kind::Iin);
        let mut v = vec![
            finding(0, 12, Kind::Iin, 0.5),
            finding(0, 12, Kind::Bin, 0.9),
        ];
        resolve_overlaps(&mut v);
        assert_eq!(v[0].kind, Kind::Bin);
    }
}
