//! IIN (ИИН/ЖСН) of a person and BIN (БИН/БСН) of an organisation: the free-text detector and
//! the pure functions the column classifier and the pseudonymiser use on 12-digit numbers.
//!
//! Both numbers are 12 ASCII digits with one check digit; digit 5 tells them apart (0–3, the tens
//! of a birth day, in an IIN; 4–6, the kind of entity, in a BIN), so no number is both. The
//! checksum alone is weak (~9.9 % of random 12-digit strings pass it), so the detector weighs
//! three kinds of evidence: the check digit, the structure (a real birth date and a valid
//! century digit, or a BIN's month and entity digits), and the words just before the number.
//!
//! What this module is not: it does not decide what a column holds (the classifier does, using
//! [`normalize_column_value`] on a sample) nor what to do with a finding.
//!
//! # Rules
//!
//! Sources: domain-kz.md §IIN and §BIN (layout, check digit, vectors, how weak the checksum is),
//! the issue for this detector (context words, document words, grouped forms). "IIN-shaped":
//! digits 1–6 a real calendar date (leap years included) in the century given by digit 7 ∈ 1–6,
//! not after today. "BIN-shaped": month 01–12 in digits 3–4, digit 5 ∈ 4–6, digit 6 ∈ 0–4 (4 is
//! the older code for a farm). "Word" means a word from `patterns/iin.toml` within
//! [`ID_WINDOW`] characters before the number, or within [`AFTER_WINDOW`] after it when nothing
//! stands before and no other number follows; "near" means within [`NEAR`] characters. The
//! nearest word decides: a document word (заказ, договор, счёт, платёж, №, order, тапсырыс …)
//! within [`NEAR`] characters and nearer than any IIN/BIN word rejects the number outright. A
//! currency (тг, ₸, KZT …) rejects it only when it touches the number, at most two spaces or a
//! colon away: right before it, or right after it when no IIN/BIN word stands before (`87 000 тг
//! aigerim@mail.ru 061211600012` is an amount and then an IIN; found by the idempotence
//! property test: the `тг` rejected the IIN, and a pseudonymised e-mail moved it out of reach). A word
//! does not reach over another number of four digits or more: it names that number (held-out
//! set: `БИН 181240434173 | РНМ 010102345678`, `ИИН 871008401427, баллы 85 90 78 92 88 95`).
//! Document words do not reject a number after a form label ending in `:` (back to `|`, `;`, a
//! tab or the start, at most [`MAX_LABEL`] characters) whose first word is an IIN/BIN word: the
//! label names the field (`ИИН родителя …, на которого оформляется договор: 610203381700`).
//!
//! | check digit | structure | words | result | confidence |
//! |---|---|---|---|---|
//! | any | any | document word nearer than any IIN/BIN word, or `№`/`#` with no word | nothing | — |
//! | valid | IIN | IIN word (ИИН, ЖСН, IIN …) | iin | 0.99 |
//! | valid | IIN | loose word only (ИНН, РНН, СИК …) | iin | 0.95 |
//! | valid | IIN | BIN word only: a sole trader's IIN serves as BIN (domain-kz §BIN) | iin | 0.90 |
//! | valid | IIN | none, number stands alone | iin | 0.80 |
//! | valid | IIN | none, glued to a letter (`ID871008401427`) | iin | 0.60 |
//! | valid | BIN | BIN word (БИН, БСН, BIN) | bin | 0.99 |
//! | valid | BIN | IIN or loose word (`ИИН/БИН` fields) | bin | 0.90 |
//! | valid | BIN | none, number stands alone | bin | 0.75 |
//! | valid | BIN | none, glued to a letter | bin | 0.55 |
//! | valid | neither (000000000000, month 13, digit 7 ∉ 1–6, born in the future) | IIN word near | iin | 0.60 |
//! | wrong or never issued (a mistyped IIN is personal data) | any | IIN word near | iin | 0.50 |
//! | wrong or never issued | any | loose word near | iin | 0.40 |
//! | wrong or never issued | any | BIN word near, no IIN word | bin | 0.40 |
//! | any other combination | | | nothing | — |
//!
//! Where the rows say "none", these numbers are also not reported: a grouped form
//! (`8710 0840 1427`, `871-008-401-427`, `871008 401427`: in free text a run of grouped digits is
//! as likely an amount, a card or an account), and a number that reads as a timestamp
//! `YYYYMMDDhhmm` of 1990–2099 (order and log numbers; only 2000–2012 stamps can be IIN-shaped).
//!
//! Candidates: a run of exactly 12 ASCII digits with no digit directly before or after, or a
//! chain of 2–6 groups of 2–6 digits joined by one repeated separator (space, no-break space,
//! `-`) adding up to 12 digits. Not candidates: a run after `+` (an international phone number,
//! `+380501234564`) and the fraction of a decimal (`0.871008401427`, `12,871008401427`; not
//! `4512,070213630597`, a comma-separated row: no spreadsheet prints 16 significant digits). A
//! run glued to letters is a candidate; glued to an IIN word (`ИИН871008401427`) it counts as
//! having that word.
//!
//! # Functions for other modules
//!
//! Digit arrays hold the values 0–9, not ASCII; [`parse_digits`] makes one from a string.
//!
//! - [`check_digit`] / [`check_digit_valid`]: the two-pass check; [`check_digit_for`] computes
//!   the check digit of 11 digits (the pseudonymiser builds replacement numbers that pass).
//! - [`shape`]: IIN or BIN structure, check digit aside, with what the digits encode (birth date
//!   and sex; registration year, month, entity, division). [`classify_twelve`]: check digit and
//!   structure together, the test for "this is an IIN/BIN" outside any context.
//! - [`normalize_column_value`]: for a value of a column already known to hold IINs (separators,
//!   lost leading zero, Excel forms); the classifier counts its results over a sample.
//!
//! # Performance
//!
//! Digits are found with [`super::digits`] (digit-free blocks skipped at once); only runs of 12
//! digits and short runs followed by a separator and a digit go further, and only those look at
//! the words around them: one pass of one automaton over a short window answers all four word
//! lists (the text is never lower-cased). Text without such runs costs one pass and no
//! allocation.

use serde::Deserialize;

use super::context::{
    WordLists, WordScan, after_last_marker, after_last_number, is_alphabetic, is_alphanumeric,
    window_after, window_before,
};
use super::digits::{next_digit, run_end};
use super::{Detector, Finding, Kind};

/// Characters before a number in which an IIN/BIN word counts.
pub const ID_WINDOW: usize = 40;
/// Characters between a word and the number that still count as "right after the word"; also
/// the reach of document words.
pub const NEAR: usize = 24;
/// Characters after a number in which a word counts (`871008401427 (ИИН)`).
pub const AFTER_WINDOW: usize = 12;
/// Digits of another number that stop the words before a candidate from reaching it: in
/// `БИН 181240434173 | РНМ 010102345678` and `ИИН 871008401427, баллы 85 90 78 92 88 95` the word
/// names the first number only.
const OTHER_NUMBER_DIGITS: usize = 4;
/// Significant digits a spreadsheet (Excel, 1C) prints in a number: a longer run around a
/// comma is not one decimal number.
const MAX_SPREADSHEET_DIGITS: usize = 15;
/// Characters of a form label (`ИИН родителя (…): `) searched back for its first word.
const MAX_LABEL: usize = 120;

const IIN_WITH_IIN_WORD: f32 = 0.99;
const IIN_WITH_LOOSE_WORD: f32 = 0.95;
const IIN_WITH_BIN_WORD: f32 = 0.90;
const IIN_ALONE: f32 = 0.80;
const IIN_GLUED: f32 = 0.60;
const BIN_WITH_BIN_WORD: f32 = 0.99;
const BIN_WITH_IIN_WORD: f32 = 0.90;
const BIN_ALONE: f32 = 0.75;
const BIN_GLUED: f32 = 0.55;
const UNSHAPED_WITH_IIN_WORD: f32 = 0.60;
const MISTYPED_WITH_IIN_WORD: f32 = 0.50;
const MISTYPED_WITH_LOOSE_WORD: f32 = 0.40;
const MISTYPED_WITH_BIN_WORD: f32 = 0.40;

/// Digits in a group of a grouped form.
const GROUP_LEN: std::ops::RangeInclusive<usize> = 2..=6;
/// Groups in a grouped form.
const GROUP_COUNT: std::ops::RangeInclusive<usize> = 2..=6;

const RULES: &str = include_str!("../../patterns/iin.toml");

#[derive(Deserialize)]
struct Rules {
    iin_words: Vec<String>,
    loose_iin_words: Vec<String>,
    bin_words: Vec<String>,
    document_words: Vec<String>,
    currency_words: Vec<String>,
    number_signs: Vec<String>,
}

// ---------------------------------------------------------------------------------------------
// Pure functions on 12 digits
// ---------------------------------------------------------------------------------------------

/// The 12 digit values (0–9, not ASCII) of `s` when it is exactly 12 ASCII digits.
pub fn parse_digits(s: &str) -> Option<[u8; 12]> {
    let b = s.as_bytes();
    if b.len() != 12 || !b.iter().all(u8::is_ascii_digit) {
        return None;
    }
    Some(std::array::from_fn(|i| b[i] - b'0'))
}

/// What the check digit (digit 12) says. Digit arrays hold values 0–9, not ASCII.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum CheckDigit {
    /// Matches `Σ dᵢ·i mod 11`, weights 1..11.
    Pass1,
    /// Pass 1 gave 10; matches the sum with weights 3,4,5,6,7,8,9,10,11,1,2.
    Pass2,
    /// Does not match: a typo, or not an IIN/BIN.
    Wrong,
    /// Both passes give 10: no check digit exists, so no such number is ever issued.
    NeverIssued,
}

impl CheckDigit {
    /// Whether the number passes the check (pass 1 or pass 2).
    pub fn is_valid(self) -> bool {
        matches!(self, CheckDigit::Pass1 | CheckDigit::Pass2)
    }
}

const WEIGHTS_1: [u32; 11] = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11];
const WEIGHTS_2: [u32; 11] = [3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2];

fn weighted_mod_11(first: &[u8], weights: &[u32; 11]) -> u8 {
    let sum: u32 = first
        .iter()
        .zip(weights)
        .map(|(&d, &w)| u32::from(d) * w)
        .sum();
    (sum % 11) as u8
}

/// The check digit for the first 11 digits, or `None` when both passes give 10 (never issued).
/// The pseudonymiser uses it to make replacement numbers that pass the check.
pub fn check_digit_for(first: &[u8; 11]) -> Option<u8> {
    let r = weighted_mod_11(first, &WEIGHTS_1);
    if r != 10 {
        return Some(r);
    }
    let r = weighted_mod_11(first, &WEIGHTS_2);
    (r != 10).then_some(r)
}

/// Checks digit 12 of an IIN or BIN.
pub fn check_digit(digits: &[u8; 12]) -> CheckDigit {
    let first = &digits[..11];
    let r = weighted_mod_11(first, &WEIGHTS_1);
    if r != 10 {
        return if r == digits[11] {
            CheckDigit::Pass1
        } else {
            CheckDigit::Wrong
        };
    }
    match weighted_mod_11(first, &WEIGHTS_2) {
        10 => CheckDigit::NeverIssued,
        r if r == digits[11] => CheckDigit::Pass2,
        _ => CheckDigit::Wrong,
    }
}

/// Whether digit 12 is the right check digit (pass 1 or pass 2).
pub fn check_digit_valid(digits: &[u8; 12]) -> bool {
    check_digit(digits).is_valid()
}

pub use crate::calendar::Date;

/// Sex as encoded in digit 7 of an IIN. Since 2013 it need not match the holder: evidence only.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Sex {
    Male,
    Female,
}

/// Digit 5 of a BIN: the kind of entity.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum BinEntity {
    /// 4: resident legal entity.
    Resident,
    /// 5: non-resident legal entity.
    NonResident,
    /// 6: sole trader in a joint business.
    JointSoleTrader,
}

/// Digit 6 of a BIN: which part of the entity.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum BinDivision {
    /// 0
    HeadOffice,
    /// 1
    Branch,
    /// 2
    Representative,
    /// 3, or 4 in older numbers.
    Farm,
}

/// The structure a 12-digit number shows: whose number it looks like and what its digits encode.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum IdNumber {
    /// A person's IIN: birth date and sex as encoded (since 2013 not necessarily the holder's).
    Iin { birth: Date, sex: Sex },
    /// An organisation's BIN: two-digit registration year, month, entity and division.
    Bin {
        year: u8,
        month: u8,
        entity: BinEntity,
        division: BinDivision,
    },
}

impl IdNumber {
    /// [`Kind::Iin`] or [`Kind::Bin`].
    pub fn kind(&self) -> Kind {
        match self {
            IdNumber::Iin { .. } => Kind::Iin,
            IdNumber::Bin { .. } => Kind::Bin,
        }
    }
}

/// The IIN or BIN structure of `digits`, check digit aside; `None` when neither fits (a
/// placeholder `000000000000`, month 13, century digit 0/7/8/9, a birth date after today).
/// IIN and BIN exclude each other through digit 5 (0–3 vs 4–6).
pub fn shape(digits: &[u8; 12]) -> Option<IdNumber> {
    shape_on(digits, Date::today())
}

/// [`shape`] with "today" given, for reproducible results.
pub fn shape_on(digits: &[u8; 12], today: Date) -> Option<IdNumber> {
    iin_structure(digits, today).or_else(|| bin_structure(digits))
}

fn pair(digits: &[u8; 12], i: usize) -> u8 {
    digits[i] * 10 + digits[i + 1]
}

/// `YYMMDD C …`: a real date in the century of digit 7 (1–6), not after today.
fn iin_structure(digits: &[u8; 12], today: Date) -> Option<IdNumber> {
    let (birth, sex) = encoded_birth_and_sex(digits).filter(|&(b, _)| b <= today)?;
    Some(IdNumber::Iin { birth, sex })
}

/// The birth date (digits 1–6 in the century of digit 7, which must be 1–6) and sex (digit 7
/// odd = male) that 12 digits encode, check digit and today aside; `None` when the date does
/// not exist.
pub fn encoded_birth_and_sex(digits: &[u8; 12]) -> Option<(Date, Sex)> {
    let century = match digits[6] {
        1 | 2 => 1800,
        3 | 4 => 1900,
        5 | 6 => 2000,
        _ => return None,
    };
    let pair = |i: usize| u32::from(pair(digits, i));
    let birth = Date::new(century + pair(0) as i32, pair(2), pair(4))?;
    let sex = if digits[6] % 2 == 1 {
        Sex::Male
    } else {
        Sex::Female
    };
    Some((birth, sex))
}

/// `YY MM T A …`: month 01–12, T (digit 5) 4–6, A (digit 6) 0–4.
fn bin_structure(digits: &[u8; 12]) -> Option<IdNumber> {
    let entity = match digits[4] {
        4 => BinEntity::Resident,
        5 => BinEntity::NonResident,
        6 => BinEntity::JointSoleTrader,
        _ => return None,
    };
    let division = match digits[5] {
        0 => BinDivision::HeadOffice,
        1 => BinDivision::Branch,
        2 => BinDivision::Representative,
        3 | 4 => BinDivision::Farm,
        _ => return None,
    };
    let month = pair(digits, 2);
    (1..=12).contains(&month).then_some(IdNumber::Bin {
        year: pair(digits, 0),
        month,
        entity,
        division,
    })
}

/// An IIN or BIN: the check digit passes and the structure fits. `None` for everything else,
/// including checksum-valid numbers without structure (placeholders, month 13 …).
pub fn classify_twelve(digits: &[u8; 12]) -> Option<IdNumber> {
    check_digit_valid(digits).then(|| shape(digits)).flatten()
}

/// Whether the 12 digits read as a timestamp `YYYYMMDDhhmm` of 1990–2099.
fn looks_like_timestamp(d: &[u8; 12]) -> bool {
    let year = i32::from(pair(d, 0)) * 100 + i32::from(pair(d, 2));
    (1990..=2099).contains(&year)
        && Date::new(year, u32::from(pair(d, 4)), u32::from(pair(d, 6))).is_some()
        && pair(d, 8) < 24
        && pair(d, 10) < 60
}

// ---------------------------------------------------------------------------------------------
// A value in a column already known to hold IINs
// ---------------------------------------------------------------------------------------------

/// What a value of an IIN column holds, from [`normalize_column_value`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ColumnValue {
    /// Blank (or only quotes and spaces).
    Empty,
    /// Twelve digits, whatever their check digit: a wrong one in an IIN column is a mistyped IIN.
    Digits(ColumnDigits),
    /// Excel scientific notation that lost digits (`6.12116E+10`): likely an IIN, but neither
    /// checkable nor recoverable.
    Unverifiable,
    /// Anything else: text, too few or too many digits, an 11-digit value that a restored leading
    /// zero does not make valid.
    NotIin,
}

/// Twelve digits read from a column value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ColumnDigits {
    /// Digit values 0–9.
    pub digits: [u8; 12],
    pub check: CheckDigit,
    /// The value had 11 digits; a leading `0` lost by an integer or Excel column was put back
    /// (the result passes the check: a restored zero is only accepted then).
    pub zero_restored: bool,
}

impl ColumnDigits {
    /// IIN or BIN structure, check digit aside. Computed when asked: an IIN column's values
    /// need only their check digit.
    pub fn shape(&self) -> Option<IdNumber> {
        shape(&self.digits)
    }

    /// The 12 digits as ASCII, the canonical form pseudonyms are computed over.
    pub fn to_ascii(&self) -> String {
        let mut ascii = String::with_capacity(12);
        self.push_ascii(&mut ascii);
        ascii
    }

    /// Appends the 12 digits as ASCII to `out`.
    pub fn push_ascii(&self, out: &mut String) {
        out.extend(self.digits.iter().map(|&d| char::from(b'0' + d)));
    }
}

/// Reads a value of a column already known to hold IINs (or BINs). Accepts what exports do to
/// such values: separators and spaces (`8710 0840 1427`, `871-008-401-427`), an Excel text marker
/// (`'061211600012`, `="061211600012"`), a float rendering (`871008401427.0`), a lost leading
/// zero (`61211600012`, padded and re-checked), scientific notation (`6.12116E+10` →
/// [`ColumnValue::Unverifiable`]; exact when every digit is kept, `8.71008401427E+11`).
pub fn normalize_column_value(value: &str) -> ColumnValue {
    let v = strip_text_markers(super::trim(value));
    if v.is_empty() {
        return ColumnValue::Empty;
    }
    let mut buf = [0u8; 12];
    let mut n = 0;
    if v.len() <= 12 && v.bytes().all(|b| b.is_ascii_digit()) {
        // Digits only, as most exports write IINs.
        for (d, b) in buf.iter_mut().zip(v.bytes()) {
            *d = b - b'0';
        }
        n = v.len();
    } else if let Some(sci) = scientific(v) {
        match sci {
            Scientific::Exact { digits, len } => {
                buf = digits;
                n = len;
            }
            Scientific::Lossy => return ColumnValue::Unverifiable,
            Scientific::Other => return ColumnValue::NotIin,
        }
    } else {
        let v = strip_zero_fraction(v);
        for c in v.chars() {
            if c.is_ascii_digit() {
                if n == 12 {
                    return ColumnValue::NotIin;
                }
                buf[n] = c as u8 - b'0';
                n += 1;
            } else if !is_column_separator(c) {
                return ColumnValue::NotIin;
            }
        }
    }
    match n {
        12 => ColumnValue::Digits(column_digits(buf, false)),
        11 => {
            let mut padded = [0u8; 12];
            padded[1..].copy_from_slice(&buf[..11]);
            let restored = column_digits(padded, true);
            if restored.check.is_valid() {
                ColumnValue::Digits(restored)
            } else {
                ColumnValue::NotIin
            }
        }
        _ => ColumnValue::NotIin,
    }
}

fn column_digits(digits: [u8; 12], zero_restored: bool) -> ColumnDigits {
    ColumnDigits {
        digits,
        check: check_digit(&digits),
        zero_restored,
    }
}

fn is_column_separator(c: char) -> bool {
    c.is_whitespace() || matches!(c, '-' | '‐' | '‑' | '–' | '—')
}

/// Removes Excel's ways of forcing text: a leading apostrophe, `="…"`, surrounding quotes.
fn strip_text_markers(v: &str) -> &str {
    let v = v.strip_prefix('\'').unwrap_or(v);
    let v = v.strip_prefix('=').unwrap_or(v);
    let v = v
        .strip_prefix('"')
        .and_then(|s| s.strip_suffix('"'))
        .unwrap_or(v);
    super::trim(v)
}

/// `871008401427.0` / `871008401427,00` → `871008401427`.
fn strip_zero_fraction(v: &str) -> &str {
    match v.rfind(['.', ',']) {
        Some(i) if i + 1 < v.len() && v[i + 1..].bytes().all(|b| b == b'0') => &v[..i],
        _ => v,
    }
}

enum Scientific {
    /// Every digit kept: `8.71008401427E+11`.
    Exact { digits: [u8; 12], len: usize },
    /// An 11- or 12-digit integer with digits lost: `6.12116E+10`.
    Lossy,
    /// Scientific notation of anything else.
    Other,
}

/// Parses `d[.,]ddd…E[+]nn` (any case); `None` when `v` is not in that form.
fn scientific(v: &str) -> Option<Scientific> {
    let (mantissa, exponent) = v.split_once(['e', 'E'])?;
    let exponent: u32 = exponent
        .strip_prefix('+')
        .unwrap_or(exponent)
        .parse()
        .ok()?;
    let (int, frac) = mantissa.split_once(['.', ',']).unwrap_or((mantissa, ""));
    if int.len() != 1 || !int.bytes().chain(frac.bytes()).all(|b| b.is_ascii_digit()) {
        return None;
    }
    let len = exponent as usize + 1;
    if !(11..=12).contains(&len) {
        return Some(Scientific::Other);
    }
    let frac = frac.trim_end_matches('0');
    if frac.len() > exponent as usize {
        return Some(Scientific::Other);
    }
    if frac.len() < exponent as usize {
        return Some(Scientific::Lossy);
    }
    let mut digits = [0u8; 12];
    for (slot, b) in digits.iter_mut().zip(int.bytes().chain(frac.bytes())) {
        *slot = b - b'0';
    }
    Some(Scientific::Exact { digits, len })
}

// ---------------------------------------------------------------------------------------------
// The detector
// ---------------------------------------------------------------------------------------------

/// Finds IIN (ИИН/ЖСН) of a person and BIN (БИН/БСН) of an organisation in free text.
#[derive(Clone, Debug)]
pub struct IinDetector {
    /// The word lists of `patterns/iin.toml`, indexed by the `*_WORDS` constants.
    words: WordLists,
    number_signs: Vec<String>,
    today: Date,
}

impl IinDetector {
    /// The detector with the rules embedded from `patterns/iin.toml`.
    pub fn builtin() -> Self {
        let rules: Rules = toml::from_str(RULES).expect("patterns/iin.toml is valid");
        IinDetector {
            words: WordLists::new([
                &rules.iin_words,
                &rules.loose_iin_words,
                &rules.bin_words,
                &rules.document_words,
                &rules.currency_words,
            ]),
            number_signs: rules.number_signs,
            today: Date::today(),
        }
    }

    /// Judges one candidate, 12 digits at `start..end`, and reports it if the rules say so.
    fn judge(
        &self,
        text: &str,
        span: (usize, usize),
        digits: [u8; 12],
        form: Form,
    ) -> Option<Finding> {
        let (start, end) = span;
        let evidence = Evidence {
            check: check_digit(&digits),
            shape: shape_on(&digits, self.today),
            cue: self.cue(text, start, end),
            form,
            timestamp: looks_like_timestamp(&digits),
        };
        let (kind, confidence) = decide(&evidence)?;
        Some(Finding {
            start,
            end,
            kind,
            confidence,
            normalized: String::from_utf8(digits.map(|d| b'0' + d).to_vec()).expect("ASCII digits"),
        })
    }

    /// What the words around `start..end` say: words before decide; words right after count
    /// only when nothing stands before and no other number follows them.
    fn cue(&self, text: &str, start: usize, end: usize) -> Cue {
        let before = after_last_marker(after_last_number(
            &text[widen_left(text, start - window_before(text, start, ID_WINDOW).len())..start],
            OTHER_NUMBER_DIGITS,
        ));
        let mut words = Words::seen(&self.words.scan(before), |_, e| char_count(&before[e..]));
        if words.document.is_some() && self.label_names_an_id(text, start) {
            words.document = None;
        }
        if self.currency_before(before) {
            words.document = Some(0);
        }
        if let Some(cue) = words.resolve() {
            return cue;
        }
        if self.currency_after(&text[end..]) {
            return Cue {
                rejected: true,
                ..Cue::default()
            };
        }
        let trimmed = before
            .trim_end_matches(|c: char| c.is_whitespace() || c == ':')
            .as_bytes();
        if self.number_signs.iter().any(|s| {
            trimmed.len() >= s.len()
                && trimmed[trimmed.len() - s.len()..].eq_ignore_ascii_case(s.as_bytes())
        }) {
            return Cue {
                rejected: true,
                ..Cue::default()
            };
        }
        let after =
            &text[end..widen_right(text, end + window_after(text, end, AFTER_WINDOW).len())];
        if after.bytes().any(|b| b.is_ascii_digit()) {
            return Cue::default();
        }
        let words = Words::seen(&self.words.scan(after), |s, _| char_count(&after[..s]));
        words.resolve().unwrap_or_default()
    }

    /// Whether a currency stands right before the number, at the end of `before`.
    fn currency_before(&self, before: &str) -> bool {
        self.words
            .scan(before)
            .last(CURRENCY_WORDS)
            .is_some_and(|(_, e)| is_currency_gap(&before[e..]))
    }

    /// Whether a currency stands right after the number, at the start of `after`.
    fn currency_after(&self, after: &str) -> bool {
        let rest = after.trim_start_matches(|c: char| c.is_whitespace() || c == ':');
        if !is_currency_gap(&after[..after.len() - rest.len()]) {
            return false;
        }
        let word_len = match rest.find(|c: char| !is_alphanumeric(c)) {
            Some(0) => rest.chars().next().map_or(0, char::len_utf8),
            Some(n) => n,
            None => rest.len(),
        };
        self.words.scan(&rest[..word_len]).has(CURRENCY_WORDS)
    }

    /// Whether the number follows a form label that starts with an IIN/BIN word and ends with
    /// a colon: `ИИН родителя (законного представителя) ребёнка, на которого оформляется
    /// договор: 610203381700`. The label's first word names the field, so a document word later
    /// in the label (here `договор`) does not reject the value.
    fn label_names_an_id(&self, text: &str, start: usize) -> bool {
        let head = text[..start].trim_end();
        let Some(head) = head.strip_suffix(':') else {
            return false;
        };
        let window = window_before(head, head.len(), MAX_LABEL);
        let label = window
            .rfind(['|', ';', '\t', '\n'])
            .map_or(window, |i| &window[i + 1..])
            .trim_start_matches(|c: char| !is_alphanumeric(c));
        let first = &label[..label
            .find(|c: char| !is_alphanumeric(c))
            .unwrap_or(label.len())];
        let words = self.words.scan(first);
        [IIN_WORDS, LOOSE_IIN_WORDS, BIN_WORDS]
            .into_iter()
            .any(|list| words.has(list))
    }
}

/// Indexes of the lists in [`IinDetector::words`].
const IIN_WORDS: usize = 0;
const LOOSE_IIN_WORDS: usize = 1;
const BIN_WORDS: usize = 2;
const DOCUMENT_WORDS: usize = 3;
const CURRENCY_WORDS: usize = 4;

/// How many characters (spaces, a colon) may stand between a currency and the number it names.
const CURRENCY_GAP: usize = 2;

/// Whether `gap` may stand between a currency and its number.
fn is_currency_gap(gap: &str) -> bool {
    gap.chars().count() <= CURRENCY_GAP && gap.chars().all(|c| c.is_whitespace() || c == ':')
}

fn char_count(s: &str) -> usize {
    s.chars().count()
}

/// How far a window may be widened so as not to cut a word in two (a cut word's tail could
/// read as a context word); a giant token is cut anyway.
const MAX_WIDEN: usize = 32;

/// The start of the word `from` falls in, or `from`; with the `[` of a placeholder before it.
fn widen_left(text: &str, from: usize) -> usize {
    if !text[from..].chars().next().is_some_and(is_alphanumeric) {
        return from;
    }
    let word = text[..from]
        .char_indices()
        .rev()
        .take(MAX_WIDEN)
        .take_while(|&(_, c)| is_alphanumeric(c))
        .last()
        .map_or(from, |(i, _)| i);
    // tazala's own placeholders stay whole (see `widen_right`).
    if text[..word].ends_with('[') {
        word - 1
    } else {
        word
    }
}

/// The end of the word `to` falls in, or `to`; with the rest of a placeholder (`[IIN]`) or a
/// pseudonym (`IIN-RBPKLSTFDTTGBJGK`) that the word starts. Cut short, such a marker's kind
/// word would read as context, and scrubbing a scrubbed text would find what the first pass
/// rightly left (found by the idempotence property test in `tests/props.rs`).
fn widen_right(text: &str, to: usize) -> usize {
    let head = &text[..to];
    let after_word = |h: &str| h.chars().next_back().is_some_and(is_alphanumeric);
    let word = if after_word(head) {
        to + text[to..]
            .chars()
            .take(MAX_WIDEN)
            .take_while(|&c| is_alphanumeric(c))
            .map(char::len_utf8)
            .sum::<usize>()
    } else if head.strip_suffix('-').is_some_and(after_word) {
        // Cut right after the hyphen of a pseudonym's kind (`IIN-`).
        to - 1
    } else {
        return to;
    };
    let rest = &text[word..];
    if rest.starts_with(']') {
        return (word + 1).max(to);
    }
    match rest.strip_prefix('-') {
        Some(tail) => {
            let capitals = tail
                .bytes()
                .take(MAX_WIDEN)
                .take_while(u8::is_ascii_uppercase)
                .count();
            if capitals > 0 {
                word + 1 + capitals
            } else {
                word.max(to)
            }
        }
        None => word.max(to),
    }
}

/// Distances of the nearest word of each list on one side of a candidate.
#[derive(Clone, Copy, Debug, Default)]
struct Words {
    iin: Option<usize>,
    loose: Option<usize>,
    bin: Option<usize>,
    document: Option<usize>,
}

impl Words {
    /// The nearest word of each list in a scanned window, as a distance computed from its span.
    fn seen(scan: &WordScan<'_>, distance: impl Fn(usize, usize) -> usize) -> Words {
        let seen = |list| scan.last(list).map(|(s, e)| distance(s, e));
        Words {
            iin: seen(IIN_WORDS),
            loose: seen(LOOSE_IIN_WORDS),
            bin: seen(BIN_WORDS),
            document: seen(DOCUMENT_WORDS),
        }
    }

    /// The cue these words give, or `None` when none of them counts.
    fn resolve(self) -> Option<Cue> {
        let iin = match (self.iin, self.loose) {
            (Some(s), Some(l)) if l < s => Some(IinWord {
                distance: l,
                strong: false,
            }),
            (Some(s), _) => Some(IinWord {
                distance: s,
                strong: true,
            }),
            (None, Some(l)) => Some(IinWord {
                distance: l,
                strong: false,
            }),
            (None, None) => None,
        };
        let nearest_id = match (iin.map(|w| w.distance), self.bin) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        let document = self.document.filter(|&d| d <= NEAR);
        if document.is_some_and(|d| nearest_id.is_none_or(|i| d < i)) {
            return Some(Cue {
                rejected: true,
                ..Cue::default()
            });
        }
        nearest_id.map(|_| Cue {
            iin,
            bin: self.bin,
            rejected: false,
        })
    }
}

/// How the digits are written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Form {
    /// 12 digits with neither digits nor letters around.
    Plain,
    /// 12 digits glued to a letter (`ID871008401427`).
    Glued,
    /// Groups with separators (`8710 0840 1427`).
    Grouped,
}

/// An IIN word seen near a candidate.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct IinWord {
    /// Characters between the word and the number.
    distance: usize,
    /// ИИН/ЖСН/IIN rather than a loose word (ИНН, РНН …).
    strong: bool,
}

/// What the words around a candidate say.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct Cue {
    iin: Option<IinWord>,
    /// Distance of the nearest BIN word.
    bin: Option<usize>,
    /// A document word or number sign decides: not an IIN/BIN.
    rejected: bool,
}

/// Everything known about one candidate.
#[derive(Clone, Copy, Debug)]
struct Evidence {
    check: CheckDigit,
    shape: Option<IdNumber>,
    cue: Cue,
    form: Form,
    timestamp: bool,
}

/// The rules table of the module doc.
fn decide(e: &Evidence) -> Option<(Kind, f32)> {
    let cue = e.cue;
    if cue.rejected {
        return None;
    }
    let alone = cue.iin.is_none() && cue.bin.is_none();
    if alone && (e.form == Form::Grouped || e.timestamp) {
        return None;
    }
    let glued = e.form == Form::Glued;
    let iin_near = cue.iin.filter(|w| w.distance <= NEAR);
    if e.check.is_valid() {
        match e.shape {
            Some(IdNumber::Iin { .. }) => {
                let confidence = match (cue.iin, cue.bin) {
                    (Some(w), _) if w.strong => IIN_WITH_IIN_WORD,
                    (Some(_), _) => IIN_WITH_LOOSE_WORD,
                    (None, Some(_)) => IIN_WITH_BIN_WORD,
                    (None, None) if glued => IIN_GLUED,
                    (None, None) => IIN_ALONE,
                };
                Some((Kind::Iin, confidence))
            }
            Some(IdNumber::Bin { .. }) => {
                let confidence = match (cue.bin, cue.iin) {
                    (Some(_), _) => BIN_WITH_BIN_WORD,
                    (None, Some(_)) => BIN_WITH_IIN_WORD,
                    (None, None) if glued => BIN_GLUED,
                    (None, None) => BIN_ALONE,
                };
                Some((Kind::Bin, confidence))
            }
            None => iin_near
                .filter(|w| w.strong)
                .map(|_| (Kind::Iin, UNSHAPED_WITH_IIN_WORD)),
        }
    } else if let Some(w) = iin_near {
        let confidence = if w.strong {
            MISTYPED_WITH_IIN_WORD
        } else {
            MISTYPED_WITH_LOOSE_WORD
        };
        Some((Kind::Iin, confidence))
    } else if cue.bin.is_some_and(|d| d <= NEAR) {
        Some((Kind::Bin, MISTYPED_WITH_BIN_WORD))
    } else {
        None
    }
}

impl Detector for IinDetector {
    fn kinds(&self) -> &'static [Kind] {
        &[Kind::Iin, Kind::Bin]
    }

    fn find(&self, text: &str, out: &mut Vec<Finding>) {
        let bytes = text.as_bytes();
        let mut pos = 0;
        while let Some(start) = next_digit(bytes, pos) {
            let end = run_end(bytes, start);
            pos = end;
            if not_a_candidate(bytes, start) {
                continue;
            }
            let len = end - start;
            if len == 12 {
                let digits = std::array::from_fn(|i| bytes[start + i] - b'0');
                let glued = text[..start].chars().next_back().is_some_and(is_alphabetic)
                    || text[end..].chars().next().is_some_and(is_alphabetic);
                let form = if glued { Form::Glued } else { Form::Plain };
                out.extend(self.judge(text, (start, end), digits, form));
            } else if GROUP_LEN.contains(&len)
                && !continues_a_group(bytes, start)
                && let Some((chain_end, digits)) = grouped_at(bytes, start, end)
            {
                pos = chain_end;
                out.extend(self.judge(text, (start, chain_end), digits, Form::Grouped));
            }
        }
    }
}

/// Whether the run at `start` follows a separator after a digit: it belongs to a chain of groups
/// that started earlier (and was judged, or rejected, as a whole).
fn continues_a_group(bytes: &[u8], start: usize) -> bool {
    separator_ending_at(bytes, start)
        .is_some_and(|len| bytes[..start - len].last().is_some_and(u8::is_ascii_digit))
}

/// A run after `+` (an international phone number) or the fraction of a decimal (`0.871…`; a
/// comma after a 12-digit run is a list, `871008401427,760212350620`). A decimal comma comes
/// from spreadsheets and 1C, which print at most [`MAX_SPREADSHEET_DIGITS`] significant digits:
/// after more than three integer digits the comma separates fields (`4512,070213630597,…`).
fn not_a_candidate(bytes: &[u8], start: usize) -> bool {
    let Some((&prev, head)) = bytes[..start].split_last() else {
        return false;
    };
    let int_len = || head.iter().rev().take_while(|b| b.is_ascii_digit()).count();
    match prev {
        b'+' => true,
        b'.' => (1..12).contains(&int_len()),
        b',' => (1..=MAX_SPREADSHEET_DIGITS - 12).contains(&int_len()),
        _ => false,
    }
}

/// Byte length of a group separator starting at `i`: space, `-`, no-break space (U+00A0),
/// narrow no-break space (U+202F), thin space (U+2009).
fn separator_at(bytes: &[u8], i: usize) -> Option<usize> {
    match bytes.get(i..)? {
        [b' ' | b'-', ..] => Some(1),
        [0xC2, 0xA0, ..] => Some(2),
        [0xE2, 0x80, 0xAF | 0x89, ..] => Some(3),
        _ => None,
    }
}

/// Byte length of a group separator ending at `i`.
fn separator_ending_at(bytes: &[u8], i: usize) -> Option<usize> {
    let head = &bytes[..i];
    match head {
        [.., b' ' | b'-'] => Some(1),
        [.., 0xC2, 0xA0] => Some(2),
        [.., 0xE2, 0x80, 0xAF | 0x89] => Some(3),
        _ => None,
    }
}

/// The grouped form starting with the run `start..first_end`: its end and its digits, when the
/// whole chain of groups has exactly 12 digits in 2–6 groups of 2–6, joined by one separator.
fn grouped_at(bytes: &[u8], start: usize, first_end: usize) -> Option<(usize, [u8; 12])> {
    let mut digits = [0u8; 12];
    let mut n = 0;
    let mut groups = 0;
    let mut separator: Option<&[u8]> = None;
    let (mut s, mut e) = (start, first_end);
    loop {
        let len = e - s;
        if !GROUP_LEN.contains(&len) || n + len > 12 {
            return None;
        }
        for (slot, b) in digits[n..n + len].iter_mut().zip(&bytes[s..e]) {
            *slot = b - b'0';
        }
        n += len;
        groups += 1;
        let Some(sep_len) = separator_at(bytes, e) else {
            break;
        };
        if !bytes.get(e + sep_len).is_some_and(u8::is_ascii_digit) {
            break;
        }
        let this = &bytes[e..e + sep_len];
        if *separator.get_or_insert(this) != this {
            return None;
        }
        // A run longer than any group (another IIN, an account) is a number of its own.
        let next_end = run_end(bytes, e + sep_len);
        if next_end - (e + sep_len) > *GROUP_LEN.end() {
            break;
        }
        s = e + sep_len;
        e = next_end;
    }
    (n == 12 && GROUP_COUNT.contains(&groups)).then_some((e, digits))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::OnceLock;

    /// A fixed "today" so that structure tests do not move with the calendar.
    const TODAY: Date = Date {
        year: 2025,
        month: 6,
        day: 1,
    };

    // The vectors of domain-kz.md §IIN and §BIN.
    const PASS_1: [&str; 14] = [
        "871008401427",
        "760212350620",
        "800416300257",
        "680503450037",
        "901123300258",
        "791028302728",
        "031231500126",
        "181228500010",
        "170624600015",
        "910701300010",
        "730812300016",
        "150109600011",
        "800416100254",
        "680503250034",
    ];
    const PASS_2: [&str; 7] = [
        "730703400015",
        "840101400014",
        "061211600012",
        "080525511864",
        "610208395512",
        "010714686047",
        "091213591439",
    ];
    const WRONG: [&str; 8] = [
        "901123300255",
        "010101600586",
        "150105600011",
        "123456789012",
        "842101400014",
        "971008401427",
        "871008501427",
        "871008404127",
    ];
    const NEVER_ISSUED: [&str; 5] = [
        "82121424009",
        "56091032322",
        "85041545147",
        "22103160666",
        "83071834811",
    ];
    const NOT_SHAPED: [&str; 8] = [
        "000000000000",
        "999999999990",
        "123456789013",
        "871308401428",
        "871008701426",
        "871008911426",
        "871008011429",
        "871008611427",
    ];
    const BIN_VALID: [&str; 6] = [
        "940140000385",
        "950341000052",
        "961141000023",
        "070941024691",
        "990140004654",
        "990940003030",
    ];
    const BIN_INVALID: [&str; 4] = [
        "990940003031",
        "949940000385",
        "940190000385",
        "940149000385",
    ];

    fn digits(s: &str) -> [u8; 12] {
        parse_digits(s).unwrap_or_else(|| panic!("{s} is not 12 digits"))
    }

    fn first_eleven(d: &[u8; 12]) -> [u8; 11] {
        d[..11].try_into().unwrap()
    }

    fn is_iin(d: &[u8; 12]) -> bool {
        matches!(shape_on(d, TODAY), Some(IdNumber::Iin { .. }))
    }

    #[test]
    fn pass_1_vectors_are_valid_iins() {
        for v in PASS_1 {
            let d = digits(v);
            assert_eq!(check_digit(&d), CheckDigit::Pass1, "{v}");
            assert_eq!(check_digit_for(&first_eleven(&d)), Some(d[11]), "{v}");
            assert!(is_iin(&d), "{v}");
        }
    }

    #[test]
    fn pass_2_vectors_are_valid_iins() {
        for v in PASS_2 {
            let d = digits(v);
            assert_eq!(check_digit(&d), CheckDigit::Pass2, "{v}");
            assert_eq!(check_digit_for(&first_eleven(&d)), Some(d[11]), "{v}");
            assert!(is_iin(&d), "{v}");
        }
    }

    #[test]
    fn wrong_check_digits_fail() {
        for v in WRONG {
            let d = digits(v);
            assert_eq!(check_digit(&d), CheckDigit::Wrong, "{v}");
            assert!(!check_digit_valid(&d), "{v}");
            assert_eq!(classify_twelve(&d), None, "{v}");
        }
    }

    #[test]
    fn never_issued_numbers_fail_whatever_the_last_digit() {
        for prefix in NEVER_ISSUED {
            for last in 0..=9 {
                let d = digits(&format!("{prefix}{last}"));
                assert_eq!(check_digit(&d), CheckDigit::NeverIssued, "{prefix}{last}");
                assert!(!check_digit_valid(&d));
            }
            assert_eq!(
                check_digit_for(&first_eleven(&digits(&format!("{prefix}0")))),
                None
            );
        }
    }

    #[test]
    fn checksum_valid_numbers_without_structure_are_neither_iin_nor_bin() {
        for v in NOT_SHAPED {
            let d = digits(v);
            assert!(check_digit_valid(&d), "{v}");
            assert_eq!(shape_on(&d, TODAY), None, "{v}");
        }
        assert_eq!(classify_twelve(&digits("000000000000")), None);
    }

    #[test]
    fn bin_vectors() {
        for v in BIN_VALID {
            let d = digits(v);
            assert!(check_digit_valid(&d), "{v}");
            let id = classify_twelve(&d).unwrap_or_else(|| panic!("{v}"));
            assert_eq!(id.kind(), Kind::Bin, "{v}");
        }
        for v in BIN_INVALID {
            assert_eq!(classify_twelve(&digits(v)), None, "{v}");
        }
        assert_eq!(check_digit(&digits("961141000023")), CheckDigit::Pass2);
        assert_eq!(
            shape_on(&digits("961141000023"), TODAY),
            Some(IdNumber::Bin {
                year: 96,
                month: 11,
                entity: BinEntity::Resident,
                division: BinDivision::Branch,
            })
        );
    }

    #[test]
    fn bin_structure_needs_month_entity_and_division() {
        // Check digits valid, structure not: month 13, division 5.
        for v in ["941340000385", "940745000384"] {
            let d = digits(v);
            assert!(check_digit_valid(&d), "{v}");
            assert_eq!(shape_on(&d, TODAY), None, "{v}");
        }
        // Digit 6 = 4 is the older farm code.
        assert_eq!(
            bin_structure(&digits("940144000000")),
            Some(IdNumber::Bin {
                year: 94,
                month: 1,
                entity: BinEntity::Resident,
                division: BinDivision::Farm,
            })
        );
    }

    #[test]
    fn no_number_is_both_iin_and_bin_shaped() {
        // Digit 5 is the tens of a day (0–3) in an IIN and the entity (4–6) in a BIN: try every
        // value of digits 3–7 (month, day, century) around a real IIN.
        let base = digits("871008401427");
        let mut iins = 0;
        let mut bins = 0;
        for n in 0..100_000u32 {
            let mut d = base;
            let mut rest = n;
            for slot in &mut d[2..7] {
                *slot = (rest % 10) as u8;
                rest /= 10;
            }
            let iin = iin_structure(&d, TODAY).is_some();
            let bin = bin_structure(&d).is_some();
            assert!(!(iin && bin), "{d:?}");
            iins += usize::from(iin);
            bins += usize::from(bin);
        }
        assert!(iins > 0 && bins > 0);
    }

    #[test]
    fn birth_date_must_exist_leap_years_included() {
        let birth = |v: &str| match shape_on(&digits(v), TODAY) {
            Some(IdNumber::Iin { birth, .. }) => Some(birth),
            _ => None,
        };
        // 29 February: 2000 and 1988 are leap years, 1900 is not.
        assert_eq!(
            birth("000229500018"),
            Some(Date {
                year: 2000,
                month: 2,
                day: 29
            })
        );
        assert!(birth("880229300017").is_some());
        assert_eq!(birth("000229300015"), None);
        for v in ["000229300015", "000229500018", "880229300017"] {
            assert!(check_digit_valid(&digits(v)), "{v}");
        }
    }

    #[test]
    fn century_and_sex_come_from_digit_7() {
        let id = |v: &str| shape_on(&digits(v), TODAY).unwrap();
        let iin = |year, month, day, sex| IdNumber::Iin {
            birth: Date { year, month, day },
            sex,
        };
        assert_eq!(id("800416100254"), iin(1880, 4, 16, Sex::Male));
        assert_eq!(id("680503250034"), iin(1868, 5, 3, Sex::Female));
        assert_eq!(id("610208395512"), iin(1961, 2, 8, Sex::Male));
        assert_eq!(id("871008401427"), iin(1987, 10, 8, Sex::Female));
        assert_eq!(id("080525511864"), iin(2008, 5, 25, Sex::Male));
        assert_eq!(id("061211600012"), iin(2006, 12, 11, Sex::Female));
    }

    #[test]
    fn a_birth_date_after_today_is_not_iin_shaped() {
        let d = digits("871008611427");
        assert_eq!(shape_on(&d, TODAY), None);
        let later = Date {
            year: 2090,
            month: 1,
            day: 1,
        };
        assert!(matches!(shape_on(&d, later), Some(IdNumber::Iin { .. })));
        // Born today is fine: IINs are issued at birth.
        let first = [2, 5, 0, 6, 0, 1, 5, 0, 0, 0, 1];
        let mut d = [0; 12];
        d[..11].copy_from_slice(&first);
        d[11] = check_digit_for(&first).unwrap();
        assert!(is_iin(&d));
    }

    #[test]
    fn parse_digits_takes_exactly_twelve_ascii_digits() {
        assert_eq!(
            parse_digits("871008401427"),
            Some([8, 7, 1, 0, 0, 8, 4, 0, 1, 4, 2, 7])
        );
        for bad in [
            "87100840142",
            "8710084014271",
            "8710 0840142",
            "87100840142٧",
            "",
        ] {
            assert_eq!(parse_digits(bad), None, "{bad}");
        }
    }

    // ---- column values ----

    fn column(v: &str) -> ColumnValue {
        normalize_column_value(v)
    }

    fn column_digits_of(v: &str) -> (String, CheckDigit, bool) {
        match column(v) {
            ColumnValue::Digits(c) => (c.to_ascii(), c.check, c.zero_restored),
            other => panic!("{v:?}: {other:?}"),
        }
    }

    #[test]
    fn column_values_lose_their_separators_and_text_markers() {
        for v in [
            "871008401427",
            " 871008401427 ",
            "8710 0840 1427",
            "871-008-401-427",
            "871008 401427",
            "8710\u{a0}0840\u{a0}1427",
            "'871008401427",
            "=\"871008401427\"",
            "\"871008401427\"",
            "871008401427.0",
            "871008401427,00",
            "8.71008401427E+11",
        ] {
            assert_eq!(
                column_digits_of(v),
                ("871008401427".to_string(), CheckDigit::Pass1, false),
                "{v:?}"
            );
        }
    }

    #[test]
    fn an_eleven_digit_column_value_gets_its_leading_zero_back_when_the_check_passes() {
        for v in [
            "61211600012",
            "61211600012.0",
            "6.1211600012E+10",
            "'61211600012",
        ] {
            assert_eq!(
                column_digits_of(v),
                ("061211600012".to_string(), CheckDigit::Pass2, true),
                "{v:?}"
            );
        }
        // The padded check fails: not a lost zero.
        assert_eq!(column("61211600013"), ColumnValue::NotIin);
        // An 11-digit phone that happens to pass once padded: the structure says it is no IIN.
        match column("87011234567") {
            ColumnValue::Digits(c) => {
                assert!(c.zero_restored && c.check.is_valid());
                assert_eq!(c.shape(), None);
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_mistyped_iin_in_a_column_is_kept_with_its_failing_check() {
        assert_eq!(
            column_digits_of("901123300255"),
            ("901123300255".to_string(), CheckDigit::Wrong, false)
        );
    }

    #[test]
    fn excel_scientific_notation_that_lost_digits_is_unverifiable() {
        for v in [
            "6.12116E+10",
            "6,12116E+10",
            "8.71008E+11",
            "8.71008e+11",
            "6.12116E10",
        ] {
            assert_eq!(column(v), ColumnValue::Unverifiable, "{v:?}");
        }
        for v in [
            "1.5E+3",
            "8.71008E+12",
            "8.710084014271E+11",
            "-6.12116E+10",
        ] {
            assert_eq!(column(v), ColumnValue::NotIin, "{v:?}");
        }
    }

    #[test]
    fn other_column_values_are_not_iins() {
        for v in ["", "   ", "\"\"", "'"] {
            assert_eq!(column(v), ColumnValue::Empty, "{v:?}");
        }
        for v in [
            "12345",
            "8710084014271",
            "ИИН 871008401427",
            "871008401427x",
            "87100840142.5",
            "не указан",
            "8710 0840 1427 5",
        ] {
            assert_eq!(column(v), ColumnValue::NotIin, "{v:?}");
        }
    }

    // ---- the detector ----

    fn detector() -> &'static IinDetector {
        static DETECTOR: OnceLock<IinDetector> = OnceLock::new();
        DETECTOR.get_or_init(IinDetector::builtin)
    }

    fn find(text: &str) -> Vec<(String, Kind, f32, String)> {
        let mut out = Vec::new();
        detector().find(text, &mut out);
        out.into_iter()
            .map(|f| {
                (
                    text[f.start..f.end].to_string(),
                    f.kind,
                    f.confidence,
                    f.normalized,
                )
            })
            .collect()
    }

    fn found(text: &str) -> Option<(Kind, f32)> {
        let all = find(text);
        assert!(all.len() <= 1, "{text:?}: {all:?}");
        all.first().map(|f| (f.1, f.2))
    }

    #[test]
    fn grouped_forms_span_first_to_last_digit_and_normalise_to_twelve_digits() {
        for (text, span) in [
            ("ИИН 8710 0840 1427.", "8710 0840 1427"),
            ("ИИН: 871-008-401-427", "871-008-401-427"),
            ("ЖСН 871008 401427", "871008 401427"),
            ("ИИН 8710\u{a0}0840\u{a0}1427", "8710\u{a0}0840\u{a0}1427"),
            ("ИИН 87 10 08 40 14 27", "87 10 08 40 14 27"),
        ] {
            assert_eq!(
                find(text),
                [(
                    span.to_string(),
                    Kind::Iin,
                    IIN_WITH_IIN_WORD,
                    "871008401427".to_string()
                )],
                "{text:?}"
            );
        }
    }

    /// Found by `tests/props.rs` (idempotence): a grouped IIN followed by another IIN was
    /// read as one chain too long for an IIN, and left in the text.
    #[test]
    fn regression_grouped_iin_followed_by_an_iin_is_found() {
        let d = IinDetector::builtin();
        let mut out = Vec::new();
        d.find("ИИН 8710 0840 1427 061211600012", &mut out);
        let spans: Vec<(usize, usize)> = out.iter().map(|f| (f.start, f.end)).collect();
        assert_eq!(spans, vec![(7, 21), (22, 34)]);
    }

    /// Found by `tests/props.rs` (idempotence, 400 cases): a placeholder or pseudonym cut by
    /// the window after a grouped number left its kind word (`IIN`) as context, so the second
    /// scrub of `8710 0840 1427 Жумабекова Айгерим 871008401427` took the grouped number.
    #[test]
    fn regression_markers_cut_by_the_window_are_no_context() {
        let d = IinDetector::builtin();
        for text in [
            "8710 0840 1427 [NAME] IIN-RBPKLSTFDTTGBJGK",
            "8710 0840 1427 [PHONE] IIN-RBPKLSTFDTTGBJGK",
            "8710 0840 1427 [NAME]  IIN-RBPKLSTFDTTGBJGK",
            "8710 0840 1427 [NAME] [IIN]",
            "[IIN] [NAME] [NAME] 8710 0840 1427",
        ] {
            let mut out = Vec::new();
            d.find(text, &mut out);
            assert!(out.is_empty(), "{text}: {out:?}");
        }
        let mut out = Vec::new();
        d.find("8710 0840 1427 [NAME] IIN", &mut out);
        assert_eq!(
            out.len(),
            1,
            "a real IIN word after the number still counts"
        );
    }

    #[test]
    fn grouped_forms_need_a_word_one_separator_and_exactly_twelve_digits() {
        for text in [
            "8710 0840 1427",
            "ИИН 8710 0840-1427",
            "ИИН 8710 0840 1427 5",
            "ИИН 8 710 084 014 27",
            "ИИН 1 8710 0840 1427",
            "ИИН +998 90 123 45 67",
        ] {
            assert_eq!(find(text), [], "{text:?}");
        }
    }

    #[test]
    fn confidence_follows_the_evidence() {
        assert_eq!(
            found("ИИН 871008401427"),
            Some((Kind::Iin, IIN_WITH_IIN_WORD))
        );
        assert_eq!(
            found("ИНН 871008401427"),
            Some((Kind::Iin, IIN_WITH_LOOSE_WORD))
        );
        assert_eq!(
            found("БИН 871008401427"),
            Some((Kind::Iin, IIN_WITH_BIN_WORD))
        );
        assert_eq!(found("код 871008401427"), Some((Kind::Iin, IIN_ALONE)));
        assert_eq!(found("ID871008401427"), Some((Kind::Iin, IIN_GLUED)));
        assert_eq!(
            found("БСН 940140000385"),
            Some((Kind::Bin, BIN_WITH_BIN_WORD))
        );
        assert_eq!(
            found("IIN 940140000385"),
            Some((Kind::Bin, BIN_WITH_IIN_WORD))
        );
        assert_eq!(found("ТОО 940140000385"), Some((Kind::Bin, BIN_ALONE)));
        assert_eq!(found("940140000385KZ"), Some((Kind::Bin, BIN_GLUED)));
        assert_eq!(
            found("ИИН 871308401428"),
            Some((Kind::Iin, UNSHAPED_WITH_IIN_WORD))
        );
        assert_eq!(
            found("ИИН 901123300255"),
            Some((Kind::Iin, MISTYPED_WITH_IIN_WORD))
        );
        assert_eq!(
            found("РНН 901123300255"),
            Some((Kind::Iin, MISTYPED_WITH_LOOSE_WORD))
        );
        assert_eq!(
            found("БИН 990940003031"),
            Some((Kind::Bin, MISTYPED_WITH_BIN_WORD))
        );
        // Loose and BIN words do not vouch for a number without structure.
        assert_eq!(found("ИНН 871308401428"), None);
        assert_eq!(found("БИН 871308401428"), None);
    }

    #[test]
    fn every_vector_is_judged_by_its_evidence() {
        for v in PASS_1.iter().chain(&PASS_2) {
            assert_eq!(found(v), Some((Kind::Iin, IIN_ALONE)), "{v}");
            assert_eq!(
                found(&format!("ИИН {v}")),
                Some((Kind::Iin, IIN_WITH_IIN_WORD))
            );
        }
        for v in WRONG {
            assert_eq!(found(v), None, "{v}");
            assert_eq!(
                found(&format!("ИИН {v}")),
                Some((Kind::Iin, MISTYPED_WITH_IIN_WORD))
            );
        }
        for v in NEVER_ISSUED {
            let v = format!("{v}7");
            assert_eq!(found(&v), None, "{v}");
            assert_eq!(
                found(&format!("ЖСН: {v}")),
                Some((Kind::Iin, MISTYPED_WITH_IIN_WORD))
            );
        }
        for v in NOT_SHAPED {
            assert_eq!(found(v), None, "{v}");
            assert_eq!(
                found(&format!("IIN {v}")),
                Some((Kind::Iin, UNSHAPED_WITH_IIN_WORD))
            );
        }
        for v in BIN_VALID {
            assert_eq!(found(v), Some((Kind::Bin, BIN_ALONE)), "{v}");
            assert_eq!(
                found(&format!("БИН {v}")),
                Some((Kind::Bin, BIN_WITH_BIN_WORD))
            );
        }
        for v in BIN_INVALID {
            assert_eq!(found(v), None, "{v}");
        }
    }

    #[test]
    fn the_nearest_word_decides() {
        assert_eq!(found("ИИН покупателя в заказе 871008401427"), None);
        assert_eq!(found("ИИН в договоре № 901123300255"), None);
        assert_eq!(
            found("Заказ 15, ИИН 871008401427"),
            Some((Kind::Iin, IIN_WITH_IIN_WORD))
        );
        assert_eq!(
            found("ИИН № 871008401427"),
            Some((Kind::Iin, IIN_WITH_IIN_WORD))
        );
        assert_eq!(found("№ 871008401427"), None);
        assert_eq!(found("# 871008401427"), None);
        // Document words reach only NEAR characters; an IIN word reaches ID_WINDOW.
        assert_eq!(
            found("Заказ оформлен, подробности ниже. 871008401427"),
            Some((Kind::Iin, IIN_ALONE))
        );
        assert_eq!(
            found("ИИН ученика, подтверждённый школой: 871008401427"),
            Some((Kind::Iin, IIN_WITH_IIN_WORD))
        );
        // A mistyped number must be right after its word.
        assert_eq!(
            found("ИИН ученика, подтверждённый школой: 901123300255"),
            None
        );
        // A word is matched whole: Иннокентий is no ИНН.
        assert_eq!(found("Иннокентий 901123300255"), None);
    }

    #[test]
    fn a_comma_after_a_long_number_separates_fields() {
        assert!(found("4512,871008401427,87014127708").is_some());
        assert_eq!(found("p = 12,871008401427"), None);
        assert_eq!(found("p = 0.871008401427"), None);
        assert_eq!(found("4512.871008401427"), None);
    }

    #[test]
    fn a_label_headed_by_an_iin_word_names_its_value() {
        let label =
            "ИИН родителя (законного представителя) ребёнка, на которого оформляется договор";
        assert_eq!(
            found(&format!("{label}: 871008401427")),
            Some((Kind::Iin, IIN_ALONE))
        );
        assert_eq!(
            found("Номер договора, ИИН: 871008401427").map(|f| f.0),
            Some(Kind::Iin)
        );
        assert_eq!(found("Номер договора: 871008401427"), None);
        assert_eq!(
            found("Заказ | ИИН плательщика по договору: 871008401427").map(|f| f.0),
            Some(Kind::Iin)
        );
    }

    #[test]
    fn a_word_after_the_number_counts_unless_it_introduces_another_number() {
        assert_eq!(
            found("901123300255 (ИИН)"),
            Some((Kind::Iin, MISTYPED_WITH_IIN_WORD))
        );
        assert_eq!(found("871008401427 — номер заказа"), None);
        assert_eq!(
            find("901123300255, ИИН 871008401427")
                .into_iter()
                .map(|f| f.0)
                .collect::<Vec<_>>(),
            ["871008401427"]
        );
    }

    #[test]
    fn timestamps_are_reported_only_after_an_iin_word() {
        let stamp = "201011221536";
        assert!(check_digit_valid(&digits(stamp)) && is_iin(&digits(stamp)));
        assert_eq!(found(stamp), None);
        assert_eq!(
            found(&format!("ИИН {stamp}")),
            Some((Kind::Iin, IIN_WITH_IIN_WORD))
        );
    }

    #[test]
    fn runs_of_other_lengths_phones_and_decimals_are_not_candidates() {
        for text in [
            "87011234567",
            "8710084014271",
            "ИИН 8710084014271",
            "+871008401427",
            "0.871008401427",
            "0,871008401427",
            "KZ86125KZT5004100100",
        ] {
            assert_eq!(find(text), [], "{text:?}");
        }
        // A comma after a 12-digit run is a list, not a decimal.
        assert_eq!(find("ИИН 871008401427,760212350620").len(), 2);
        // A decimal's integer part may be an IIN written by a float column.
        assert_eq!(found("871008401427.0"), Some((Kind::Iin, IIN_ALONE)));
    }

    #[test]
    fn spans_are_byte_offsets_on_char_boundaries() {
        let text = "Оқушының ЖСН-і: 871008401427 ✓";
        let mut out = Vec::new();
        detector().find(text, &mut out);
        assert_eq!(out.len(), 1);
        assert_eq!(&text[out[0].start..out[0].end], "871008401427");
        assert_eq!(out[0].normalized, "871008401427");
    }

    #[test]
    fn text_without_candidates_adds_nothing() {
        let mut out = Vec::new();
        let d = detector();
        d.find(
            "Ученик 5А класса, оценка 5, 12.03.2024, тел. 8 701 123 45 67",
            &mut out,
        );
        d.find("", &mut out);
        assert!(out.is_empty());
    }

    #[test]
    fn the_detector_is_send_sync_and_clone() {
        fn assert_traits<T: Send + Sync + Clone>() {}
        assert_traits::<IinDetector>();
    }
}
