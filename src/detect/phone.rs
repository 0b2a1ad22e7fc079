//! Detector of telephone numbers of the +7 zone: Kazakhstan and Russia.
//!
//! Finds a number in free text, decides from its shape and the words around it whether it is a
//! phone, and normalises it to E.164 (`+77011234567`), so every written form of one number gets
//! one pseudonym. [`normalize_column_value`] does the same for a value of a column already known
//! to hold phones, where a bare `7011234567` is enough.
//!
//! What it is not: a general libphonenumber. Only country code 7 is recognised (`+380 …` and
//! other codes are left alone), extensions are not part of the number, and short local numbers
//! (`293-85-89` without an area code) are not reported: without the code they cannot be
//! normalised and are too ambiguous in text.
//!
//! # How a number is found
//!
//! 1. A text with fewer than ten ASCII digits is left at once: one vectorised byte count, no
//!    allocation. After that only digit runs are visited, and only those with ten digits within
//!    reach (43 bytes) go further: dates, times and small numbers cost a count.
//! 2. At such a run (or the `+` / `(` right before it) a small parser reads a *shape*: digit
//!    groups joined by one separator (space, no-break space, `-` or an en dash, `.`), at most
//!    one pair of brackets around the area code, at most 11 digits.
//! 3. The shape is read as trunk/country prefix `8`/`7`/`+7` plus a 10-digit national number, or
//!    as a bare 10-digit national number, and the national number is looked up in the numbering
//!    plans of `patterns/phone.toml`.
//! 4. The words around the number (also in `patterns/phone.toml`) accept, reject or weigh it.
//!    Only a candidate with a valid shape ever gets here, so only it costs an allocation.
//!
//! # Rules
//!
//! Sources: **KZ**, **RU** = libphonenumber `resources/PhoneNumberMetadata.xml`, territories KZ
//! and RU; **dom** = `shared/design/domain-kz.md`, "Phone numbers"; **issue** = the phone
//! detector issue. Words and ranges live in `patterns/phone.toml`.
//!
//! Shape (what the digits look like):
//!
//! | evidence | result | source |
//! |---|---|---|
//! | `+7`, `8` or `7`, then 10 digits | candidate; normalised `+7` + the 10 | dom; KZ/RU prefix `8` |
//! | 10 digits, no prefix | candidate only as below (brackets, dash tail, phone word) | issue |
//! | other digit counts (`+7 (7172) 5746`) | not a phone | dom |
//! | a 12th digit glued on (`+7 701 123 45 678`, IIN, 13+ digits) | not a phone | dom |
//! | letter, digit or `_` glued before or after (`KZ12…`) | not a phone | issue |
//! | but a phone word glued before (`тел87015554412`) | phone word context | held-out set |
//! | but a Cyrillic word glued after `8`/`7`/`+7` + 10 digits of a listed range, not a currency or document word (`…4412мама`; not `…67тг`) | candidate | held-out set (a forgotten space) |
//! | `+` and a code other than 7 (`+380 …`) | not a phone | dom |
//! | prefix grouped with 1–2 more digits (`87 000`, `870 112`) | not a phone | issue (amounts) |
//! | a 1-digit group, except right after a bracketed code | not a phone | issue |
//! | groups of four (`3456 7890 1234 …`) | not a phone | issue (IBAN, cards) |
//! | next to a loose digit group (`3456 8 701 …`, `… 45 67 8`) | not a phone, unless the group starts another phone | issue |
//! | `-` or `.` and a digit right before or after | not a phone, unless another phone | issue |
//! | … but `.0` after 11 glued digits (`87022201144.0`) | candidate: a float rendering of an integer column | held-out set (pandas, Excel) |
//!
//! Range (the national number after `+7`):
//!
//! | evidence | result | source |
//! |---|---|---|
//! | starts 0, 1, 2, 5 or 6 (`+7 600 …`: 6xx is reserved) | not a phone | dom; KZ/RU `[347-9]\d{9}` |
//! | KZ mobile 700–702, 705–708, 747, 760–764, 771, 775–778, 785; VoIP 751 | known | KZ |
//! | KZ landline: 71xx/72xx area and 5-digit district codes, Baikonur 33622 | known | KZ |
//! | RU mobile 9xx; RU landline codes 3xx, 4xx, 8xx as listed | known | RU |
//! | service 800, 803, 804, 808, 809 | known | KZ, RU |
//! | other 3xx, 4xx, 7xx, 8xx | kept, −0.25 (numbers are portable, tables age); glued 11 digits need a phone word | dom |
//!
//! Confidence and context:
//!
//! | evidence | result | source |
//! |---|---|---|
//! | `+7`, brackets, dash tail `…-45-67`, or `tel:` / `wa.me/` before | 0.95 | dom (written forms) |
//! | groups joined by spaces, dots, dashes | 0.85 | dom |
//! | 11 digits glued (`87011234567`) | 0.70 | issue |
//! | no prefix: brackets `(701) 123-45-67` / dash tail / plain | 0.85 / 0.75 / needs a phone word, 0.70 | issue |
//! | phone word (тел, ұялы, байланыс, whatsapp, call…) ≤ 32 chars before or ≤ 24 after | +0.10 | issue |
//! | document word (заказ, договор, тапсырыс, шот, invoice, ИИН…) nearer before than a phone word | not a phone; with strong formatting −0.20 | dom (`Заказ № 8701…`) |
//! | … but another number of 4+ digits stands between word and phone (`ИИН 871008398037 8701…`) | the word names that number: ignored | held-out set |
//! | after `/` or `=` inside a URL (`https://zoom.us/j/8931…`), no link prefix or phone word | not a phone: a meeting, video or record ID | held-out set |
//! | number sign (`№`, `#`) before and no phone word | as a document word | dom |
//! | currency right after (тг, тенге, ₸, руб) and no `+` or brackets | not a phone | dom (`87 000 тг`) |

use serde::Deserialize;

use super::context::{
    WordLists, after_last_marker, after_last_number, is_alphabetic, is_alphanumeric, token_before,
    window_after, window_before,
};
use super::digits::{has_digits, next_digit, run_end};
use super::{Detector, Finding, Kind};

const RULES: &str = include_str!("../../patterns/phone.toml");

/// The shortest phone in text is a bare national number: ten digits.
const MIN_DIGITS: usize = 10;
/// The most bytes from a phone's first digit to its last: 11 digits and ten joins of up to
/// three bytes (a no-break space is two or three), plus the two brackets.
const MAX_SHAPE_BYTES: usize = 11 + 10 * 3 + 2;

const STRONG_FORMAT: f32 = 0.95;
const SEPARATED: f32 = 0.85;
const GLUED: f32 = 0.70;
const BARE_BRACKETED: f32 = 0.85;
const BARE_DASHED: f32 = 0.75;
/// A plain bare number is accepted only with a phone word, which adds its bonus: 0.70 in all.
const BARE_PLAIN: f32 = 0.60;
const PHONE_WORD_BONUS: f32 = 0.10;
const DOCUMENT_PENALTY: f32 = 0.20;
const UNLISTED_RANGE_PENALTY: f32 = 0.25;
/// Digits of another number between a document word and a candidate that make the word name
/// that number instead.
const OTHER_NUMBER_DIGITS: usize = 4;
/// Longest word glued to a number that is looked at (`тел87…`, `…67мама`).
const MAX_GLUED_WORD: usize = 24;
/// How far back a URL scheme (`://`) is looked for in the token before a number.
const MAX_URL_LOOKBACK: usize = 256;

/// Finds Kazakh and Russian (+7) telephone numbers.
#[derive(Clone, Debug)]
pub struct PhoneDetector {
    /// The word lists of `patterns/phone.toml`, indexed by the `*_WORDS` constants.
    words: WordLists,
    /// Lower-cased ASCII link prefixes (`tel:`, `wa.me/`).
    link_prefixes: Vec<String>,
    known_ranges: PrefixTable,
    before_chars: usize,
    after_chars: usize,
    amount_chars: usize,
}

#[derive(Deserialize)]
struct RulesFile {
    window: WindowRules,
    words: WordRules,
    ranges: RangeRules,
}

#[derive(Deserialize)]
struct WindowRules {
    before: usize,
    after: usize,
    amount_after: usize,
}

#[derive(Deserialize)]
struct WordRules {
    phone: Vec<String>,
    document: Vec<String>,
    number_sign: Vec<String>,
    amount: Vec<String>,
    link_prefixes: Vec<String>,
}

#[derive(Deserialize)]
struct RangeRules {
    kz_mobile: Vec<String>,
    kz_landline: Vec<String>,
    ru_mobile: Vec<String>,
    ru_landline: Vec<String>,
    service: Vec<String>,
}

impl PhoneDetector {
    /// The detector with the rules embedded from `patterns/phone.toml`.
    pub fn builtin() -> Self {
        Self::from_rules(RULES).expect("patterns/phone.toml is valid: a test loads it")
    }

    fn from_rules(toml_text: &str) -> Result<Self, String> {
        let rules: RulesFile = toml::from_str(toml_text).map_err(|e| e.to_string())?;
        let r = rules.ranges;
        let all_ranges = [
            r.kz_mobile,
            r.kz_landline,
            r.ru_mobile,
            r.ru_landline,
            r.service,
        ]
        .concat();
        Ok(PhoneDetector {
            words: WordLists::new([
                &rules.words.phone,
                &rules.words.document,
                &rules.words.number_sign,
                &rules.words.amount,
            ]),
            link_prefixes: rules
                .words
                .link_prefixes
                .iter()
                .map(|p| p.to_ascii_lowercase())
                .collect(),
            known_ranges: PrefixTable::parse(&all_ranges)?,
            before_chars: rules.window.before,
            after_chars: rules.window.after,
            amount_chars: rules.window.amount_after,
        })
    }

    /// The phone whose shape starts at the digit run at `run_start` (or at the `+` / `(` right
    /// before it), with its confidence.
    fn phone_at(&self, text: &str, run_start: usize, last_end: Option<usize>) -> Option<Judged> {
        let bytes = text.as_bytes();
        match run_start.checked_sub(1).map(|p| bytes[p]) {
            // `+7` is ours; any other country code is not, and its digits are not a phone either.
            Some(b'+') if bytes[run_start] == b'7' => self.judge_run(text, run_start - 1, last_end),
            Some(b'+') => None,
            Some(b'(') => self
                .judge_run(text, run_start - 1, last_end)
                .or_else(|| self.judge_run(text, run_start, last_end)),
            _ => self.judge_run(text, run_start, last_end),
        }
    }

    fn judge_run(&self, text: &str, start: usize, last_end: Option<usize>) -> Option<Judged> {
        let run = read_run(text.as_bytes(), start)?;
        [prefixed_shape(&run), bare_shape(&run)]
            .into_iter()
            .flatten()
            .filter(|s| {
                (leading_ok(text, s, last_end) || self.glued_phone_word(text, s.start))
                    && (trailing_ok(text, s) || self.glued_word_after_ok(text, s))
            })
            .find_map(|s| self.confidence(text, &s).map(|c| (s, c)))
    }

    /// A phone word glued to the number (`тел87015554412`): the space was forgotten.
    fn glued_phone_word(&self, text: &str, start: usize) -> bool {
        glued_word_before(text, start).is_some_and(|w| self.words.scan(w).has(PHONE_WORDS))
    }

    /// A Cyrillic word glued after a complete `8`/`7`/`+7` number of a listed range
    /// (`87015554412мама`): a forgotten space, as long as the word is not a currency or document
    /// word (`87011234567тг`). Latin letters stay a reason to reject: codes and hashes use them.
    fn glued_word_after_ok(&self, text: &str, shape: &Shape) -> bool {
        let Some(word) = glued_word_after(text, shape.end) else {
            return false;
        };
        shape.prefixed
            && !word.starts_with(|c: char| c.is_ascii())
            && self.known_ranges.classify(&shape.national) == Range::Known
            && {
                let words = self.words.scan(word);
                !words.has(AMOUNT_WORDS) && !words.has(DOCUMENT_WORDS)
            }
    }

    /// Weighs a well-shaped candidate by its number range, formatting and context words;
    /// `None` rejects it.
    fn confidence(&self, text: &str, shape: &Shape) -> Option<f32> {
        let range = self.known_ranges.classify(&shape.national);
        if range == Range::Impossible {
            return None;
        }
        if !(shape.plus || shape.bracketed)
            && self
                .words
                .scan(window_after(text, shape.end, self.amount_chars))
                .has(AMOUNT_WORDS)
        {
            return None;
        }
        let link = self.link_before(text, shape.start);
        let context = if link {
            Context::Phone
        } else {
            self.context(text, shape)
        };
        if !link && context != Context::Phone && in_url(text, shape.start) {
            return None;
        }
        let strong = shape.plus || shape.bracketed || shape.dash_tail || link;
        let base = if shape.prefixed {
            let glued = !shape.separated && !strong;
            if context == Context::Document && !strong
                || glued && range == Range::Unlisted && context != Context::Phone
            {
                return None;
            }
            if strong {
                STRONG_FORMAT
            } else if shape.separated {
                SEPARATED
            } else {
                GLUED
            }
        } else {
            let formatted = shape.bracketed || shape.dash_tail || link;
            if !formatted && context != Context::Phone {
                return None;
            }
            if shape.bracketed {
                BARE_BRACKETED
            } else if shape.dash_tail {
                BARE_DASHED
            } else {
                BARE_PLAIN
            }
        };
        let mut confidence = base;
        match context {
            Context::Phone => confidence += PHONE_WORD_BONUS,
            Context::Document => confidence -= DOCUMENT_PENALTY,
            Context::Neutral => {}
        }
        if range == Range::Unlisted {
            confidence -= UNLISTED_RANGE_PENALTY;
        }
        Some(confidence.clamp(0.05, 0.99))
    }

    /// What the words around the number say. Before the number the nearest word decides, so
    /// `Заказ № 1, тел. 8701…` is a phone and `тел. 8701…, заказ 8702…` has one phone.
    fn context(&self, text: &str, shape: &Shape) -> Context {
        if self.glued_phone_word(text, shape.start) {
            return Context::Phone;
        }
        let before = window_before(text, shape.start, self.before_chars);
        let words = self.words.scan(before);
        let phone = words.last(PHONE_WORDS).map(|(_, end)| end);
        // A document word names the number written right after it, not this one further on:
        // `ИИН 871008401427 87011234567`, `Заказ 4512, 87011234567 (Айгуль)`.
        let tail = after_last_marker(after_last_number(before, OTHER_NUMBER_DIGITS));
        let cut = before.len() - tail.len();
        let document = words
            .last_in(DOCUMENT_WORDS, cut..before.len())
            .map(|(_, end)| end);
        // A number sign names the number right after it (`№ 87011234567`), not a later one:
        // in `школа № 133. Связь: 8 701 …` the sign belongs to the school.
        let number_sign_right_before = || {
            words.last(NUMBER_SIGNS).is_some_and(|(_, end)| {
                before[end..]
                    .chars()
                    .all(|c| c.is_whitespace() || matches!(c, ':' | '.' | '-'))
            })
        };
        match (phone, document) {
            (Some(p), Some(d)) if d > p => Context::Document,
            (Some(_), _) => Context::Phone,
            (None, Some(_)) => Context::Document,
            (None, None) if number_sign_right_before() => Context::Document,
            (None, None)
                if self
                    .words
                    .scan(window_after(text, shape.end, self.after_chars))
                    .has(PHONE_WORDS) =>
            {
                Context::Phone
            }
            (None, None) => Context::Neutral,
        }
    }

    fn link_before(&self, text: &str, start: usize) -> bool {
        let head = &text.as_bytes()[..start];
        self.link_prefixes.iter().any(|p| {
            head.len() >= p.len() && head[head.len() - p.len()..].eq_ignore_ascii_case(p.as_bytes())
        })
    }
}

/// Indexes of the lists in [`PhoneDetector::words`].
const PHONE_WORDS: usize = 0;
const DOCUMENT_WORDS: usize = 1;
const NUMBER_SIGNS: usize = 2;
const AMOUNT_WORDS: usize = 3;

impl Detector for PhoneDetector {
    fn kinds(&self) -> &'static [Kind] {
        &[Kind::Phone]
    }

    fn find(&self, text: &str, out: &mut Vec<Finding>) {
        let bytes = text.as_bytes();
        if !has_digits(bytes, MIN_DIGITS) {
            return;
        }
        let mut i = 0;
        let mut last_end = None;
        while let Some(run_start) = next_digit(bytes, i) {
            // Dates, times and small numbers never have ten digits within reach: skip them
            // without parsing.
            let reach = &bytes[run_start..bytes.len().min(run_start + MAX_SHAPE_BYTES)];
            if !has_digits(reach, MIN_DIGITS) {
                i = run_end(bytes, run_start);
                continue;
            }
            if let Some((shape, confidence)) = self.phone_at(text, run_start, last_end) {
                out.push(Finding {
                    start: shape.start,
                    end: shape.end,
                    kind: Kind::Phone,
                    confidence,
                    normalized: e164(&shape.national),
                });
                last_end = Some(shape.end);
                i = shape.end;
            } else {
                i = run_end(bytes, run_start);
            }
        }
    }
}

/// The E.164 form of a value in a column known to hold phones, or `None` if the value is not
/// one +7 phone number.
///
/// Accepts every form the text detector accepts (`+7 (701) 123-45-67`, `8 701 123 45 67`,
/// `tel:+7…`, `wa.me/7…`) and, because the column already says "phone", also a bare national
/// number `7011234567` without a phone word, an integer `77011234567` / `87011234567` (also
/// with a float's `.0`), and codes outside the listed ranges (numbers are portable). The value
/// must be the number alone, surrounding whitespace aside: `87011234567, 87021234567` gives
/// `None` (run the detector on such values). A national number starting 0, 1, 2, 5 or 6 is
/// never a +7 phone.
///
/// ```
/// use tazala::detect::phone::normalize_column_value;
/// assert_eq!(normalize_column_value("8 (701) 123-45-67").as_deref(), Some("+77011234567"));
/// assert_eq!(normalize_column_value("7011234567").as_deref(), Some("+77011234567"));
/// assert_eq!(normalize_column_value("+7 600 123 45 67"), None);
/// ```
pub fn normalize_column_value(value: &str) -> Option<String> {
    let mut e164 = String::new();
    normalize_column_value_into(value, &mut e164).then_some(e164)
}

/// Like [`normalize_column_value`], the E.164 form appended to `out`; `false` (and `out` as it
/// was) when the value is not a phone number. What a scrub calls for every value of a phone
/// column, into a buffer it reuses.
pub fn normalize_column_value_into(value: &str, out: &mut String) -> bool {
    let Some(national) = national_of_column_value(value) else {
        return false;
    };
    push_e164(&national, out);
    true
}

/// The national number of a phone column's value.
fn national_of_column_value(value: &str) -> Option<[u8; 10]> {
    let mut v = super::trim(value);
    for link in ["https://wa.me/", "http://wa.me/", "wa.me/", "tel:"] {
        if v.len() >= link.len() && v.as_bytes()[..link.len()].eq_ignore_ascii_case(link.as_bytes())
        {
            v = &v[link.len()..];
            break;
        }
    }
    if let Some(integer) = v.strip_suffix(".0")
        && integer.bytes().all(|b| b.is_ascii_digit())
    {
        v = integer;
    }
    match plain_national(v.as_bytes()) {
        Some(answer) => answer,
        None => grouped_national(v.as_bytes()).or_else(|| national_by_shape(v)),
    }
}

/// What [`national_by_shape`] answers for a value written the grouped way most phone columns
/// hold the other half of their numbers: a prefix (`+7`, `8`, `7`), a space, dash or nothing
/// and a bracketed code, or a space or dash and a bare code of three digits, then groups of 3,
/// 2 and 2 digits joined by a space or dash each (`+7 701 123 45 67`, `8 (701) 123-45-67`,
/// `+7(701)123-45-67`, `8-701-123-45-67`), read without the general reading's groups. `None`:
/// not such a value, or not a possible number: the general reading decides.
fn grouped_national(bytes: &[u8]) -> Option<[u8; 10]> {
    let mut at = match bytes {
        [b'+', b'7', ..] => 2,
        [b'7' | b'8', ..] => 1,
        _ => return None,
    };
    let mut national = [0u8; 10];
    let mut n = 0;
    // Reads `count` digits at `at` into `national`.
    let mut digits = |at: &mut usize, count: usize| -> Option<()> {
        for _ in 0..count {
            let d = bytes.get(*at).filter(|b| b.is_ascii_digit())?;
            national[n] = d - b'0';
            n += 1;
            *at += 1;
        }
        Some(())
    };
    let join = |at: &mut usize| -> bool {
        let joined = matches!(bytes.get(*at), Some(b' ' | b'-'));
        *at += usize::from(joined);
        joined
    };
    let joined = join(&mut at);
    if bytes.get(at) == Some(&b'(') {
        at += 1;
        digits(&mut at, 3)?;
        (bytes.get(at) == Some(&b')')).then_some(())?;
        at += 1;
        join(&mut at);
    } else {
        joined.then_some(())?;
        digits(&mut at, 3)?;
        join(&mut at).then_some(())?;
    }
    digits(&mut at, 3)?;
    join(&mut at).then_some(())?;
    digits(&mut at, 2)?;
    join(&mut at).then_some(())?;
    digits(&mut at, 2)?;
    (at == bytes.len() && possible_national(&national)).then_some(national)
}

/// The general reading of a phone column's value: its digit groups and how they are joined.
fn national_by_shape(v: &str) -> Option<[u8; 10]> {
    let bytes = v.as_bytes();
    if !matches!(bytes.first(), Some(b'+' | b'(' | b'0'..=b'9')) {
        return None;
    }
    let run = read_run(bytes, 0)?;
    [prefixed_shape(&run), bare_shape(&run)]
        .into_iter()
        .flatten()
        .find(|s| s.end == v.len() && possible_national(&s.national))
        .map(|s| s.national)
}

/// What [`national_by_shape`] answers for a value of digits alone, perhaps after a `+`, the
/// way most phone columns hold half their numbers (`+77011234567`, `87011234567`,
/// `7011234567`), read without the general reading's groups. `None`: not such a value.
fn plain_national(bytes: &[u8]) -> Option<Option<[u8; 10]>> {
    let (plus, digits) = match bytes.split_first() {
        Some((b'+', rest)) => (true, rest),
        _ => (false, bytes),
    };
    if !digits.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let national = match (plus, digits.len(), digits.first()) {
        (true, 11, Some(b'7')) | (false, 11, Some(b'7' | b'8')) => &digits[1..],
        (false, 10, _) => digits,
        _ => return None,
    };
    let mut number = [0u8; 10];
    for (d, &b) in number.iter_mut().zip(national) {
        *d = b - b'0';
    }
    Some(possible_national(&number).then_some(number))
}

type Judged = (Shape, f32);

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Context {
    Phone,
    Document,
    Neutral,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Range {
    Known,
    /// Possible in the +7 plans but in none of the listed ranges.
    Unlisted,
    Impossible,
}

/// Number-range prefixes of the national number, by prefix length (1 to 5 digits).
#[derive(Clone, Debug, Default)]
struct PrefixTable {
    by_len: [Vec<u32>; 6],
}

impl PrefixTable {
    /// Reads prefixes like `"701"` and ranges like `"760-764"` (both ends of one length).
    fn parse<S: AsRef<str>>(entries: &[S]) -> Result<Self, String> {
        let mut table = PrefixTable::default();
        for entry in entries {
            let entry = entry.as_ref().trim();
            let (low, high) = entry.split_once('-').unwrap_or((entry, entry));
            let digits_ok =
                |s: &str| (1..=5).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit());
            if !digits_ok(low) || !digits_ok(high) || low.len() != high.len() || low > high {
                return Err(format!(
                    "bad number range {entry:?}: want 1–5 digits or low-high"
                ));
            }
            let len = low.len();
            let (low, high): (u32, u32) = (low.parse().unwrap(), high.parse().unwrap());
            table.by_len[len].extend(low..=high);
        }
        for list in &mut table.by_len {
            list.sort_unstable();
            list.dedup();
        }
        Ok(table)
    }

    fn classify(&self, national: &[u8; 10]) -> Range {
        let mut prefix = 0u32;
        for (len, &digit) in national.iter().enumerate().take(5) {
            prefix = prefix * 10 + u32::from(digit);
            if self.by_len[len + 1].binary_search(&prefix).is_ok() {
                return Range::Known;
            }
        }
        if possible_national(national) {
            Range::Unlisted
        } else {
            Range::Impossible
        }
    }
}

/// Kazakhstan uses 7xx (6xx is reserved, unused), Russia 3xx, 4xx, 8xx, 9xx.
fn possible_national(national: &[u8; 10]) -> bool {
    matches!(national[0], 3 | 4 | 7 | 8 | 9)
}

fn e164(national: &[u8; 10]) -> String {
    let mut s = String::with_capacity(12);
    push_e164(national, &mut s);
    s
}

fn push_e164(national: &[u8; 10], out: &mut String) {
    out.push_str("+7");
    out.extend(national.iter().map(|&d| char::from(b'0' + d)));
}

/// What joins a digit group to the one before it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Sep {
    Start,
    Space,
    Dash,
    Dot,
    /// Any join with a bracket in it: `(`, `) `, `-(`, …
    Bracket,
}

#[derive(Clone, Copy, Debug)]
struct Group {
    /// Digits, at most 11.
    len: u8,
    /// Bytes from the start of the run to just after the group's last digit: at most 11 digits
    /// and a join of at most four bytes after each, so a byte is enough (a run is copied for
    /// every digit run a phone could start at: keep it small).
    end: u8,
    sep: Sep,
    bracketed: bool,
}

const NO_GROUP: Group = Group {
    len: 0,
    end: 0,
    sep: Sep::Start,
    bracketed: false,
};

/// Digit groups read from one start, at most 11 digits.
struct Run {
    start: usize,
    plus: bool,
    digits: [u8; 11],
    n: usize,
    groups: [Group; 11],
    ng: usize,
    /// A 12th digit is glued to the 11th: the run is too long to be a phone.
    overflow: bool,
}

impl Run {
    fn groups(&self) -> &[Group] {
        &self.groups[..self.ng]
    }
}

/// A phone-shaped stretch of text.
#[derive(Clone, Copy, Debug)]
struct Shape {
    /// The `+`, the `(` of a bare number, or the first digit.
    start: usize,
    /// Just after the last digit.
    end: usize,
    national: [u8; 10],
    prefixed: bool,
    plus: bool,
    bracketed: bool,
    /// Ends `-XX-XX` after a group of two or three digits, the way people write subscriber
    /// numbers (`123-45-67`, `57-46-00`).
    dash_tail: bool,
    separated: bool,
}

/// A separator that may join two digit groups, with its length in bytes.
fn plain_sep(bytes: &[u8], i: usize) -> Option<(Sep, usize)> {
    match bytes.get(i..)? {
        [b' ', ..] => Some((Sep::Space, 1)),
        [b'-', ..] => Some((Sep::Dash, 1)),
        [b'.', ..] => Some((Sep::Dot, 1)),
        // U+00A0 no-break space, U+202F narrow no-break space, U+2009 thin space: Excel and
        // word processors put them into numbers.
        [0xC2, 0xA0, ..] => Some((Sep::Space, 2)),
        [0xE2, 0x80, 0xAF | 0x89, ..] => Some((Sep::Space, 3)),
        // U+2013 en dash, U+2011 non-breaking hyphen: word processors turn `-` into them
        // (`8 (7172) 51–20–33`).
        [0xE2, 0x80, 0x93 | 0x91, ..] => Some((Sep::Dash, 3)),
        _ => None,
    }
}

fn is_digit_at(bytes: &[u8], i: usize) -> bool {
    bytes.get(i).is_some_and(u8::is_ascii_digit)
}

/// Reads digit groups from `start` (a digit, `+7` or `(`) until the joins stop or 11 digits
/// are read. `None` when a bracket is left open or encloses separators.
fn read_run(bytes: &[u8], start: usize) -> Option<Run> {
    let mut run = Run {
        start,
        plus: false,
        digits: [0; 11],
        n: 0,
        groups: [NO_GROUP; 11],
        ng: 0,
        overflow: false,
    };
    let mut i = start;
    if bytes.get(i) == Some(&b'+') {
        run.plus = true;
        i += 1;
        if bytes.get(i) != Some(&b'7') {
            return None;
        }
    }
    let mut sep = Sep::Start;
    let mut in_bracket = false;
    let mut used_bracket = false;
    if bytes.get(i) == Some(&b'(') {
        in_bracket = true;
        used_bracket = true;
        sep = Sep::Bracket;
        i += 1;
    }
    loop {
        let group_start = i;
        while run.n < 11 && is_digit_at(bytes, i) {
            run.digits[run.n] = bytes[i] - b'0';
            run.n += 1;
            i += 1;
        }
        if i == group_start {
            return None;
        }
        run.groups[run.ng] = Group {
            len: (i - group_start) as u8,
            end: u8::try_from(i - start).expect("a run spans at most 11 digits and 11 joins"),
            sep,
            bracketed: in_bracket,
        };
        run.ng += 1;
        if run.n == 11 {
            run.overflow = is_digit_at(bytes, i);
            return (!in_bracket).then_some(run);
        }
        let mut j = i;
        if in_bracket {
            if bytes.get(j) != Some(&b')') {
                return None;
            }
            j += 1;
            in_bracket = false;
            sep = Sep::Bracket;
            if let Some((_, len)) = plain_sep(bytes, j) {
                j += len;
            }
        } else {
            sep = Sep::Start;
            if let Some((kind, len)) = plain_sep(bytes, j) {
                sep = kind;
                j += len;
            }
            if !used_bracket && bytes.get(j) == Some(&b'(') && is_digit_at(bytes, j + 1) {
                in_bracket = true;
                used_bracket = true;
                sep = Sep::Bracket;
                j += 1;
            }
        }
        if sep == Sep::Start || !is_digit_at(bytes, j) {
            return Some(run);
        }
        i = j;
    }
}

/// Reads the run as prefix `7`/`8` (or `+7`) and a 10-digit national number.
fn prefixed_shape(run: &Run) -> Option<Shape> {
    let g = run.groups();
    let prefix = run.digits[0];
    if run.n != 11 || run.overflow || !matches!(prefix, 7 | 8) || run.plus && prefix != 7 {
        return None;
    }
    if g[0].bracketed {
        return None;
    }
    // The prefix stands alone (`8 701 …`, `+7(727)…`) or is glued to a code (`87011234567`);
    // `87 000 …` and `870 112 …` are not how phones are grouped.
    let first_rest = match g[0].len {
        1 if g.len() > 1 && g[1].len >= 3 => 2,
        1 => return None,
        2 | 3 => return None,
        _ => 1,
    };
    let bracket_ok = g
        .iter()
        .enumerate()
        .skip(1)
        .filter(|(_, x)| x.bracketed)
        .all(|(i, x)| i == 1 && g[0].len == 1 && (3..=5).contains(&x.len));
    if !bracket_ok || !later_groups_ok(g, first_rest) || four_grouped(g) {
        return None;
    }
    let mut national = [0; 10];
    national.copy_from_slice(&run.digits[1..11]);
    Some(shape(run, g, national, true))
}

/// Reads the first ten digits of the run as a national number without prefix.
fn bare_shape(run: &Run) -> Option<Shape> {
    if run.plus {
        return None;
    }
    let mut total = 0;
    let last = run.groups().iter().position(|x| {
        total += usize::from(x.len);
        total >= 10
    })?;
    if total != 10 {
        return None;
    }
    let g = &run.groups()[..=last];
    if g[0].len < 3 || g[0].bracketed && g[0].len > 5 || g[1..].iter().any(|x| x.bracketed) {
        return None;
    }
    if !later_groups_ok(g, 1) || four_grouped(g) {
        return None;
    }
    let mut national = [0; 10];
    national.copy_from_slice(&run.digits[..10]);
    Some(shape(run, g, national, false))
}

fn shape(run: &Run, g: &[Group], national: [u8; 10], prefixed: bool) -> Shape {
    let n = g.len();
    let dash_tail = n >= 3
        && g[n - 1].len == 2
        && g[n - 2].len == 2
        && g[n - 1].sep == Sep::Dash
        && g[n - 2].sep == Sep::Dash
        && (2..=3).contains(&g[n - 3].len);
    Shape {
        start: run.start,
        end: run.start + usize::from(g[n - 1].end),
        national,
        prefixed,
        plus: run.plus,
        bracketed: g.iter().any(|x| x.bracketed),
        dash_tail,
        separated: n > 1,
    }
}

/// Groups after the code have two digits or more; only the first group after a bracketed code
/// may have one (`(71043) 2-12-34`, five-digit district codes).
fn later_groups_ok(g: &[Group], from: usize) -> bool {
    (from..g.len()).all(|i| g[i].len >= 2 || g[i - 1].bracketed)
}

/// `3456 7890 1234 …`: how IBANs and cards are printed, not phones.
fn four_grouped(g: &[Group]) -> bool {
    g.len() >= 3
        && g[1..].iter().all(|x| x.sep == Sep::Space)
        && g[..g.len() - 1].iter().all(|x| x.len == 4)
}

/// Nothing glued before the shape, and no loose digit group it could belong to.
fn leading_ok(text: &str, shape: &Shape, last_end: Option<usize>) -> bool {
    let Some(c) = text[..shape.start].chars().next_back() else {
        return true;
    };
    if shape.plus {
        // `ватсап+7…` is fine: the `+` itself marks the start.
        return !c.is_ascii_digit();
    }
    if is_alphanumeric(c) || c == '_' || c == '+' {
        return false;
    }
    let sep_start = shape.start - c.len_utf8();
    if plain_sep(text.as_bytes(), sep_start).is_none()
        || !text[..sep_start].ends_with(|d: char| d.is_ascii_digit())
        || last_end == Some(sep_start)
    {
        return true;
    }
    match c {
        '-' | '.' => false,
        _ => !shape.separated || !bare_group_before(text, sep_start),
    }
}

/// Nothing glued after the shape, and no loose digit group that could belong to it.
fn trailing_ok(text: &str, shape: &Shape) -> bool {
    let bytes = text.as_bytes();
    let Some(c) = text[shape.end..].chars().next() else {
        return true;
    };
    if is_alphanumeric(c) || c == '_' {
        return false;
    }
    let Some((sep, len)) = plain_sep(bytes, shape.end) else {
        return true;
    };
    let next = shape.end + len;
    if !is_digit_at(bytes, next) || starts_phone_shape(bytes, next) {
        return true;
    }
    match sep {
        // `87022201144.0`: a float rendering of an integer column (pandas, Excel).
        Sep::Dot => !shape.separated && is_float_zero(bytes, next),
        Sep::Dash => false,
        _ => !shape.separated || !bare_group_at(text, next),
    }
}

/// `0` at `i` and no digit after it: the `.0` a float rendering adds to an integer.
fn is_float_zero(bytes: &[u8], i: usize) -> bool {
    bytes.get(i) == Some(&b'0') && !is_digit_at(bytes, i + 1)
}

/// The letters glued to the text right before `start`, if any.
fn glued_word_before(text: &str, start: usize) -> Option<&str> {
    let head = &text[..start];
    let from = head
        .char_indices()
        .rev()
        .take(MAX_GLUED_WORD)
        .take_while(|&(_, c)| is_alphabetic(c))
        .last()?
        .0;
    Some(&head[from..])
}

/// The letters glued to the text right after `end`, if any.
fn glued_word_after(text: &str, end: usize) -> Option<&str> {
    let tail = &text[end..];
    let len: usize = tail
        .chars()
        .take(MAX_GLUED_WORD)
        .take_while(|&c| is_alphabetic(c))
        .map(char::len_utf8)
        .sum();
    (len > 0).then(|| &tail[..len])
}

/// Whether the number at `start` follows a `/` or `=` inside a URL (`https://zoom.us/j/8931…`,
/// `…?id=8701…`): meeting, video and record IDs, not phones, unless a link prefix or a phone
/// word (`?phone=`, `tel=`) says otherwise.
fn in_url(text: &str, start: usize) -> bool {
    if !matches!(text.as_bytes()[..start].last(), Some(b'/' | b'=')) {
        return false;
    }
    token_before(text, start, MAX_URL_LOOKBACK).contains("://")
}

/// Whether a phone shape (ignoring its surroundings) starts at `i`: the next one in a list.
fn starts_phone_shape(bytes: &[u8], i: usize) -> bool {
    read_run(bytes, i)
        .is_some_and(|run| prefixed_shape(&run).is_some() || bare_shape(&run).is_some())
}

/// The digits ending at `end` stand alone: nothing but a space or punctuation before them.
fn bare_group_before(text: &str, end: usize) -> bool {
    let head = text[..end].trim_end_matches(|c: char| c.is_ascii_digit());
    // A group longer than any phone group (an IIN, an amount) cannot belong to the phone.
    if end - head.len() > MAX_LOOSE_GROUP {
        return false;
    }
    head.chars()
        .next_back()
        .is_none_or(|c| c.is_whitespace() || ",;([{\"'".contains(c))
}

/// Digits of the longest group a written phone has (`+7 7172 …`): a longer loose group next to
/// a phone is another number, not a piece of it.
const MAX_LOOSE_GROUP: usize = 4;

/// The digits starting at `start` stand alone: nothing but a space or punctuation after them.
fn bare_group_at(text: &str, start: usize) -> bool {
    let tail = text[start..].trim_start_matches(|c: char| c.is_ascii_digit());
    if text.len() - start - tail.len() > MAX_LOOSE_GROUP {
        return false;
    }
    tail.chars()
        .next()
        .is_none_or(|c| c.is_whitespace() || ",;)]}\"'".contains(c))
}

#[cfg(test)]
mod tests {
    use std::sync::OnceLock;

    use super::*;

    fn detector() -> &'static PhoneDetector {
        static DETECTOR: OnceLock<PhoneDetector> = OnceLock::new();
        DETECTOR.get_or_init(PhoneDetector::builtin)
    }

    fn find(text: &str) -> Vec<Finding> {
        let mut out = Vec::new();
        detector().find(text, &mut out);
        out
    }

    /// Found by `tests/props.rs` (idempotence): a phone followed or preceded by an IIN was
    /// taken for a phone with a loose digit group and left in the text.
    #[test]
    fn regression_phone_next_to_an_iin_is_found() {
        for text in [
            "+7 701 234 56 78 061211600012",
            "061211600012 +7 701 234 56 78",
            "8 701 234 56 78 871008401427",
        ] {
            let phones: Vec<_> = find(text)
                .into_iter()
                .filter(|f| f.kind == Kind::Phone)
                .collect();
            assert_eq!(phones.len(), 1, "{text}");
        }
        assert!(
            find("+7 701 123 45 67 8").is_empty(),
            "a loose short group still refuses"
        );
    }

    /// The one phone in `text`: its span text and normalised form.
    fn one(text: &str) -> (String, String) {
        let found = find(text);
        assert_eq!(found.len(), 1, "want one phone in {text:?}, got {found:?}");
        let f = &found[0];
        (text[f.start..f.end].to_string(), f.normalized.clone())
    }

    fn none(text: &str) {
        let found = find(text);
        assert!(found.is_empty(), "want no phone in {text:?}, got {found:?}");
    }

    fn confidence(text: &str) -> f32 {
        let found = find(text);
        assert_eq!(found.len(), 1, "want one phone in {text:?}, got {found:?}");
        found[0].confidence
    }

    proptest::proptest! {
        /// The shortcut for digits-only values answers as the general reading does.
        #[test]
        fn plain_digits_read_as_their_shape_reads_them(value in "\\+?[0-9]{8,13}") {
            if let Some(answer) = plain_national(value.as_bytes()) {
                proptest::prop_assert_eq!(answer, national_by_shape(&value), "{}", value);
            }
        }
    }

    proptest::proptest! {
        /// The shortcut for grouped values answers as the general reading does, whenever it
        /// answers; values a little off the shape (a code of two or four digits, a doubled or
        /// missing join, a `.` or `/`) are in the mix, and it must leave them alone or agree.
        #[test]
        fn grouped_values_read_as_their_shape_reads_them(
            value in "(\\+7|7|8|\\+8|9)[ -]{0,2}\\(?[0-9]{2,4}\\)?[ ./-]{0,2}[0-9]{3}[ -]{0,1}[0-9]{2}[ -]{0,1}[0-9]{2}[0-9]{0,1}"
        ) {
            if let Some(national) = grouped_national(value.as_bytes()) {
                proptest::prop_assert_eq!(Some(national), national_by_shape(&value), "{}", value);
            }
        }

        /// The same on values of the shape itself, where it answers for every possible number.
        #[test]
        fn grouped_values_of_the_shape_read_as_their_shape_reads_them(
            value in "(\\+7|7|8)([ -]?\\([0-9]{3}\\)[ -]?|[ -][0-9]{3}[ -])[0-9]{3}[ -][0-9]{2}[ -][0-9]{2}"
        ) {
            let general = national_by_shape(&value);
            proptest::prop_assert_eq!(grouped_national(value.as_bytes()), general, "{}", value);
        }
    }

    #[test]
    fn grouped_values_take_the_shortcut() {
        for value in [
            "+7 701 123 45 67",
            "8 (701) 123-45-67",
            "+7 (701) 123-45-67",
            "+7(701)123-45-67",
            "8-701-123-45-67",
            "7 701 123 45 67",
            "8(701) 123 45 67",
        ] {
            let want = [7, 0, 1, 1, 2, 3, 4, 5, 6, 7];
            assert_eq!(grouped_national(value.as_bytes()), Some(want), "{value}");
            assert_eq!(national_by_shape(value), Some(want), "{value}");
        }
        // Not the shape, or not a possible number: the general reading decides.
        for value in [
            "8 (7012) 12-34-56",
            "+8 701 123 45 67",
            "8701 123 45 67",
            "8 701 123 45 678",
            "8 601 123 45 67",
            "8  701 123 45 67",
            "8 (701 123-45-67",
        ] {
            assert_eq!(grouped_national(value.as_bytes()), None, "{value}");
        }
    }

    #[test]
    fn plain_digits_take_the_shortcut() {
        for (value, want) in [
            ("+77011234567", Some(*b"7011234567")),
            ("87011234567", Some(*b"7011234567")),
            ("77011234567", Some(*b"7011234567")),
            ("7011234567", Some(*b"7011234567")),
            ("86011234567", None),
            ("+87011234567", None),
        ] {
            let want = want.map(|w| w.map(|b| b - b'0'));
            let got = plain_national(value.as_bytes());
            if want.is_some() || value.starts_with('8') {
                assert_eq!(got, Some(want), "{value}");
            }
            assert_eq!(national_by_shape(value), want, "{value}");
        }
    }

    #[test]
    fn every_written_form_of_domain_kz_normalises_to_e164() {
        let cases = [
            ("+7 (7172) 574-600", "+77172574600"),
            ("8 (727) 293-85-89", "+77272938589"),
            ("+7(727)2938589", "+77272938589"),
            ("+7 7172 57 46 00", "+77172574600"),
            ("87011234567", "+77011234567"),
            ("+77011234567", "+77011234567"),
            ("77011234567", "+77011234567"),
            ("+7 701 123 45 67", "+77011234567"),
            ("8-701-123-45-67", "+77011234567"),
            ("8 777 123 4567", "+77771234567"),
            ("+7 (747) 123-45-67", "+77471234567"),
            ("+7-(701)-123-45-67", "+77011234567"),
            ("+7 916 195 55 58", "+79161955558"),
            ("8 (495) 123-45-67", "+74951234567"),
            ("8.701.123.45.67", "+77011234567"),
            ("8 (71043) 2-12-34", "+77104321234"),
            ("8–701–233–45–17", "+77012334517"),
            ("+7 (7172) 51–20–33", "+77172512033"),
        ];
        for (form, e164) in cases {
            let text = format!("Қосымша: {form}.");
            assert_eq!(one(&text), (form.to_string(), e164.to_string()), "{form}");
        }
    }

    #[test]
    fn links_are_not_part_of_the_span() {
        assert_eq!(
            one("https://wa.me/77011234567?text=Сәлем"),
            ("77011234567".into(), "+77011234567".into())
        );
        assert_eq!(
            one("tel:+77011234567"),
            ("+77011234567".into(), "+77011234567".into())
        );
        assert!(confidence("wa.me/77011234567") > confidence("77011234567"));
    }

    #[test]
    fn a_bracketed_bare_number_starts_at_the_bracket() {
        assert_eq!(
            one("звоните (701) 123-45-67"),
            ("(701) 123-45-67".into(), "+77011234567".into())
        );
        assert_eq!(
            one("(7172) 57-46-00"),
            ("(7172) 57-46-00".into(), "+77172574600".into())
        );
    }

    #[test]
    fn a_plain_bare_number_needs_a_phone_word() {
        none("7011234567");
        none("701 123 45 67");
        assert_eq!(one("тел 7011234567").1, "+77011234567");
        assert_eq!(one("7011234567 (whatsapp)").1, "+77011234567");
        assert_eq!(one("ұялы: 701 123 45 67").1, "+77011234567");
        assert_eq!(one("701-123-45-67").1, "+77011234567");
    }

    #[test]
    fn ranges_outside_the_plans_are_rejected_or_weighed() {
        none("+7 600 123 45 67");
        none("тел. 8 (600) 123-45-67");
        none("тел. 8 501 123 45 67");
        none("тел. +7 101 123 45 67");
        // 799 is in no list: formatted it stays, weaker; glued it needs a phone word.
        let listed = confidence("+7 701 123 45 67");
        let unlisted = confidence("+7 799 123 45 67");
        assert!(unlisted < listed, "{unlisted} < {listed}");
        none("87991234567");
        assert_eq!(one("тел 87991234567").1, "+77991234567");
        // Russian landline ranges and Baikonur.
        assert_eq!(one("84951234567").1, "+74951234567");
        assert_eq!(one("83362212345").1, "+73362212345");
        none("83001234567");
    }

    #[test]
    fn wrong_lengths_are_not_phones() {
        none("+7 (7172) 5746");
        none("+7 701 123 45 678");
        none("870112345678");
        none("8701123456789");
        none("ИИН 871008401427");
        none("8710 0840 1427");
        none("871-008-401-427");
        none("+7 701 123 45 67 8");
        none("8-701-123-45-67-89");
    }

    #[test]
    fn document_words_reject_unless_formatting_says_phone() {
        none("Заказ № 87011234567");
        none("Заказ № 8 701 123 45 67");
        none("договор 87011234567");
        none("тапсырыс нөмірі 87011234567");
        none("Invoice 87011234567");
        none("№ 87011234567");
        none("ИИН: 87011234567");
        let formatted = confidence("Заказ № +7 701 123 45 67");
        let plain = confidence("+7 701 123 45 67");
        assert!(formatted < plain, "{formatted} < {plain}");
        assert_eq!(one("Заказ № 8 (701) 123-45-67").1, "+77011234567");
        assert_eq!(one("Заказ № 8-701-123-45-67").1, "+77011234567");
        assert_eq!(one("Заказ 12, тел. 87011234567").1, "+77011234567");
        assert_eq!(one("Тел. № 87011234567").1, "+77011234567");
    }

    #[test]
    fn the_nearest_word_before_decides() {
        let found = find("тел. 87011234567, заказ 87021234567");
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].normalized, "+77011234567");
        let found = find("Заказ 87011234567, тел. 87021234567");
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].normalized, "+77021234567");
    }

    #[test]
    fn phone_words_raise_confidence_and_glued_runs_are_weakest() {
        let glued = confidence("87011234567");
        let spaced = confidence("8 701 123 45 67");
        let strong = confidence("+7 701 123 45 67");
        let with_word = confidence("Телефон: 87011234567");
        assert!(
            glued < spaced && spaced < strong,
            "{glued} {spaced} {strong}"
        );
        assert!(with_word > glued, "{with_word} > {glued}");
    }

    #[test]
    fn amounts_dates_and_times_are_not_phones() {
        none("87 000 тг");
        none("8 500 000 тенге");
        none("7 700 ₸");
        none("Сумма 8 701 123 45 67 тенге");
        none("87011234567 тг");
        none("8.07.2023 7-10-2024 8:30 10:15");
        none("20240312 0830 1015 12");
    }

    #[test]
    fn digits_glued_to_letters_or_in_groups_of_four_are_not_phones() {
        none("KZ12 3456 7890 1234 5678");
        none("KZ8612 5KZT 5004 1001 00");
        none("A87011234567");
        none("87011234567abc");
        none("id_87011234567");
        none("+380 44 123 4567");
        none("+1 877 011 2345");
        none("7701 2345 678");
        none("1234 8 701 123 45 67");
    }

    #[test]
    fn lists_of_phones_are_all_found() {
        let text = "8 701 123 45 67 8 702 765 43 21; 87011234567 87027654321, +77051112233";
        let got: Vec<String> = find(text).into_iter().map(|f| f.normalized).collect();
        assert_eq!(
            got,
            [
                "+77011234567",
                "+77027654321",
                "+77011234567",
                "+77027654321",
                "+77051112233"
            ]
        );
    }

    #[test]
    fn a_number_after_a_date_is_still_found() {
        assert_eq!(one("12.03.2024 8 701 123 45 67").1, "+77011234567");
        assert_eq!(one("12.03.2024 87011234567").1, "+77011234567");
    }

    #[test]
    fn spans_are_byte_offsets_in_cyrillic_text() {
        let text = "Ата-ана телефоны: +7 701 123 45 67, рахмет";
        let f = &find(text)[0];
        assert_eq!(&text[f.start..f.end], "+7 701 123 45 67");
        let text = "Тел.\u{a0}8\u{a0}701\u{a0}123\u{a0}45\u{a0}67";
        let f = &find(text)[0];
        assert_eq!(&text[f.start..f.end], "8\u{a0}701\u{a0}123\u{a0}45\u{a0}67");
        assert_eq!(f.normalized, "+77011234567");
    }

    #[test]
    fn text_with_few_digits_is_left_without_touching_the_output() {
        let mut out = Vec::new();
        detector().find("Оқушы 5 сынып, 2024 жыл, бағасы 5", &mut out);
        assert!(out.is_empty());
        assert_eq!(out.capacity(), 0);
    }

    #[test]
    fn column_values_normalise_including_bare_and_integer_forms() {
        let cases = [
            ("7011234567", Some("+77011234567")),
            ("77011234567", Some("+77011234567")),
            ("87011234567", Some("+77011234567")),
            ("87011234567.0", Some("+77011234567")),
            (" +7 (701) 123-45-67 ", Some("+77011234567")),
            ("8 (7172) 57-46-00", Some("+77172574600")),
            ("tel:+77011234567", Some("+77011234567")),
            ("https://wa.me/77011234567", Some("+77011234567")),
            ("9161955558", Some("+79161955558")),
            ("87991234567", Some("+77991234567")),
            ("+7 600 123 45 67", None),
            ("6001234567", None),
            ("701123456", None),
            ("870112345678", None),
            ("87011234567, 87021234567", None),
            ("тел 87011234567", None),
            ("", None),
        ];
        for (value, want) in cases {
            assert_eq!(normalize_column_value(value).as_deref(), want, "{value:?}");
        }
    }

    #[test]
    fn range_tables_parse_and_reject_bad_entries() {
        let t = PrefixTable::parse(&["760-764", "7172", "9"]).unwrap();
        let national = |s: &str| {
            let mut n = [0u8; 10];
            for (d, b) in n.iter_mut().zip(s.bytes()) {
                *d = b - b'0';
            }
            n
        };
        assert_eq!(t.classify(&national("7621234567")), Range::Known);
        assert_eq!(t.classify(&national("7651234567")), Range::Unlisted);
        assert_eq!(t.classify(&national("7172574600")), Range::Known);
        assert_eq!(t.classify(&national("9161234567")), Range::Known);
        assert_eq!(t.classify(&national("6001234567")), Range::Impossible);
        assert!(PrefixTable::parse(&["76-764"]).is_err());
        assert!(PrefixTable::parse(&["764-760"]).is_err());
        assert!(PrefixTable::parse(&["7a1"]).is_err());
        assert!(PrefixTable::parse(&["123456"]).is_err());
    }

    #[test]
    fn builtin_tables_hold_the_domain_ranges() {
        let d = detector();
        for code in [
            "700", "701", "702", "705", "706", "707", "708", "747", "751", "760", "764", "771",
            "775", "778", "785", "7172", "7272", "7252", "7212", "7132", "7122", "7292", "7182",
            "7232", "7222", "7142", "7242", "7262", "7112", "7152", "7162", "7282",
        ] {
            let mut national = [0u8; 10];
            for (d, b) in national.iter_mut().zip(code.bytes()) {
                *d = b - b'0';
            }
            // Pad with the digits of a real-looking subscriber number.
            for (i, d) in national.iter_mut().enumerate().skip(code.len()) {
                *d = [2, 9, 3, 8, 5, 8, 9][i - code.len()];
            }
            assert_eq!(d.known_ranges.classify(&national), Range::Known, "{code}");
        }
    }

    #[test]
    fn a_document_word_names_only_the_number_right_after_it() {
        assert_eq!(one("ИИН 871008398037 87015550142").1, "+77015550142");
        assert_eq!(one("Заказ 4512, 87015550142 (Айгуль)").1, "+77015550142");
        none("Заказ 87015550142");
    }

    #[test]
    fn glued_words_are_a_forgotten_space_unless_they_say_otherwise() {
        assert_eq!(one("тел87015554412").0, "87015554412");
        assert_eq!(one("Мама 87015554412мама").0, "87015554412");
        none("87011234567тг");
        none("ИИН87011234567");
        none("87011234567abc");
        none("87991234567мама");
    }

    #[test]
    fn a_float_rendering_of_a_phone_column_is_a_phone() {
        assert_eq!(one("4515,87022201144.0,64.0").0, "87022201144");
        none("4515,87022201144.05");
        none("8 702 220 11 44.0");
    }

    #[test]
    fn numbers_in_urls_need_a_link_prefix_or_a_phone_word() {
        none("https://zoom.us/j/89312745601?pwd=x");
        none("https://site.kz/item?id=87011234567");
        assert_eq!(one("https://lms.kz/p?tel=87011234567").1, "+77011234567");
        assert_eq!(one("https://t.me/+77019001122").1, "+77019001122");
        assert_eq!(one("https://wa.me/77011234567").1, "+77011234567");
    }

    #[test]
    fn ids_and_user_numbers_are_documents() {
        none("user id 77011234567");
        none("ID: 87011234567");
        assert_eq!(one("ID 12, WhatsApp 87011234567").1, "+77011234567");
    }

    /// Random mixes of digits, separators, brackets and Cyrillic: no panic, spans on char
    /// boundaries, and every span normalises by itself to the finding's form.
    #[test]
    fn random_texts_give_consistent_findings() {
        const PIECES: [&str; 16] = [
            "8",
            "7",
            "0",
            "1",
            "5",
            " ",
            "-",
            ".",
            "(",
            ")",
            "+",
            "\u{a0}",
            "тел ",
            "ә",
            "№",
            "7011234567",
        ];
        let mut seed: u64 = 0x2545_f491_4f6c_dd1d;
        let mut found = 0;
        for _ in 0..20_000 {
            let mut text = String::new();
            for _ in 0..24 {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                text.push_str(PIECES[(seed % PIECES.len() as u64) as usize]);
            }
            for f in find(&text) {
                found += 1;
                let span = &text[f.start..f.end];
                assert_eq!(f.normalized.len(), 12, "{text:?}");
                assert_eq!(
                    normalize_column_value(span).as_deref(),
                    Some(f.normalized.as_str()),
                    "{text:?} span {span:?}"
                );
            }
        }
        assert!(found > 0, "the generator should hit some phones");
    }

    #[test]
    fn detector_is_send_sync_and_clone() {
        fn assert_traits<T: Send + Sync + Clone>() {}
        assert_traits::<PhoneDetector>();
    }
}
