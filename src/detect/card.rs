//! Detector of payment card numbers (PANs) in free text, whole or masked.
//!
//! What it is not: a validator of issued cards (Luhn and a brand prefix only say the number is
//! well-formed), and not a detector of bank accounts: IBANs (`KZ86 125K …`), 12-digit IINs and
//! phone numbers have other lengths or shapes and are left to their own detectors.
//!
//! | evidence | result | confidence | source |
//! |---|---|---|---|
//! | no ASCII digit in the text | nothing; one byte scan | — | performance rule, common brief |
//! | 13–19 digits, as one block or in groups split by one kind of separator (space, `-`, no-break space) | candidate | — | ISO/IEC 7812-1 (PAN length) |
//! | groups shaped like a card: 4-4-4-4, 4-4-4-4-3, 4-4-4-1…4 (all 4 but the last), Amex 4-6-5, 4-6-4, 4-4-5 | candidate; thousands (`4 111 111 …`) are not | — | how issuers emboss and print PANs |
//! | Luhn check digit valid | required | — | ISO/IEC 7812-1 annex B |
//! | prefix and length of a known brand (Visa 4; Mastercard 51–55, 2221–2720; Amex 34/37; Maestro; UnionPay 62; Mir 2200–2204; JCB 3528–3589; Discover 6011/644–649/65) | required | — | `patterns/card.toml` `[[brand]]`, IIN ranges published by the networks |
//! | all of the above, grouped | card | 0.90 | the grouping itself says "card" |
//! | all of the above, one block of digits | card | 0.80 | long order numbers pass Luhn + brand 1 time in ~40 |
//! | card word (карта, картасы, card, Visa, Kaspi, …) within 40 characters | card | 0.97 grouped / 0.95 block | `patterns/card.toml` `context_words` |
//! | 13 digits in one block and no card word (`Штрихкод 4872743817155`) | nothing: an EAN-13 barcode | — | GS1 (487 = Kazakhstan, starts like Visa); held-out set |
//! | document word (транзакция, заказ, RRN, чек, order, …) within 32 characters before, nearer than any card word, with no other number between | nothing | — | `patterns/card.toml` `document_words`; held-out set (Luhn-valid transaction ids) |
//! | masked: ≥ 4 visible leading digits of a known brand, the middle masked with `*` `X` `x` `•`, ≥ 4 visible trailing digits (`4400 43** **** 1234`) | card, normalised with `*` | 0.60 (0.80 with a card word) | PCI DSS 3.4 display format; with a name it still links a person's payments |
//! | masked with only the last four visible (`**** **** **** 1234`) | nothing | — | the last four alone do not identify (PCI DSS allows printing them) |
//! | letter, digit, `+`, or a decimal `.`/`,` glued to either end (`ID4111…`, `…,50`) | nothing | — | part of another token |
//! | … a decimal `.`/`,` next to a masked number (`45000,440043******5273`), or a comma before more digits than a spreadsheet prints (15 significant: `1,4111111111111111`) | candidate: no fraction | — | comma-separated rows; held-out set |
//! | the preceding token ends in a digit (`KZ12 4111 …`: an IBAN printed in groups) | nothing | — | domain-kz.md: IBAN tails |
//! | a card-shaped part of a longer grouped number (`1234 4111 … 1111 5678`) | nothing, unless the neighbours are short (`№ 12`, `12/25`) | — | long payment references |
//!
//! Normalised form: the digits without separators; for a masked card the visible digits with
//! `*` for each masked position (`440043******1234`).

use serde::Deserialize;

use super::context::{WordLists, after_last_number, is_alphanumeric, window_before};
use super::digits::next_digit;
use super::{Detector, Finding, Kind};

const RULES: &str = include_str!("../../patterns/card.toml");

/// ISO/IEC 7812-1 allows 8–19 digits; cards in circulation use 13–19.
const MIN_LEN: usize = 13;
const MAX_LEN: usize = 19;
/// Groups read from one run of digits before giving up on it (lists of grades, long tables of
/// numbers).
const MAX_GROUPS: usize = 24;
/// Visible digits a masked card needs at each end.
const MASKED_MIN_VISIBLE: usize = 4;
/// The fewest digits any card this detector reads shows: a masked one's two visible ends.
pub const MIN_VISIBLE_DIGITS: usize = 2 * MASKED_MIN_VISIBLE;
const CONTEXT_WINDOW: usize = 40;
/// Characters before a number in which a document word rejects it.
const DOCUMENT_WINDOW: usize = 32;
/// Significant digits a spreadsheet (Excel, 1C) prints in a number.
const MAX_SPREADSHEET_DIGITS: usize = 15;
/// Length of an EAN-13 barcode.
const BARCODE_LEN: usize = 13;

const CONFIDENCE_GROUPED: f32 = 0.90;
const CONFIDENCE_BLOCK: f32 = 0.80;
const CONFIDENCE_GROUPED_CONTEXT: f32 = 0.97;
const CONFIDENCE_BLOCK_CONTEXT: f32 = 0.95;
const CONFIDENCE_MASKED: f32 = 0.60;
const CONFIDENCE_MASKED_CONTEXT: f32 = 0.80;

#[derive(Deserialize)]
struct Rules {
    context_words: Vec<String>,
    document_words: Vec<String>,
    brand: Vec<BrandRule>,
}

#[derive(Deserialize)]
struct BrandRule {
    name: String,
    prefixes: Vec<String>,
    lengths: Vec<usize>,
}

/// A brand's accepted prefixes and lengths.
#[derive(Clone, Debug)]
struct Brand {
    ranges: Vec<PrefixRange>,
    lengths: Vec<usize>,
}

/// An inclusive range of prefixes of `digits` digits (`2221-2720` → 2221..=2720, 4 digits).
#[derive(Clone, Copy, Debug)]
struct PrefixRange {
    lo: u32,
    hi: u32,
    digits: usize,
}

impl PrefixRange {
    fn parse(s: &str) -> Option<Self> {
        let (lo, hi) = s.split_once('-').unwrap_or((s, s));
        let (lo, hi) = (lo.trim(), hi.trim());
        let digits = lo.len();
        let valid =
            |p: &str| !p.is_empty() && p.len() <= 6 && p.bytes().all(|b| b.is_ascii_digit());
        if !valid(lo) || !valid(hi) || hi.len() != digits {
            return None;
        }
        Some(PrefixRange {
            lo: lo.parse().ok()?,
            hi: hi.parse().ok()?,
            digits,
        })
    }

    fn matches(&self, positions: &[u8]) -> bool {
        let Some(head) = positions.get(..self.digits) else {
            return false;
        };
        if !head.iter().all(u8::is_ascii_digit) {
            return false;
        }
        let value = head
            .iter()
            .fold(0u32, |acc, &b| acc * 10 + u32::from(b - b'0'));
        (self.lo..=self.hi).contains(&value)
    }
}

/// Finds payment card numbers.
#[derive(Clone, Debug)]
pub struct CardDetector {
    brands: Vec<Brand>,
    /// Card words and document words of `patterns/card.toml`, indexed by [`CARD_WORDS`] and
    /// [`DOCUMENT_WORDS`].
    words: WordLists,
}

const CARD_WORDS: usize = 0;
const DOCUMENT_WORDS: usize = 1;

/// One group of a run: digits and mask characters between separators.
#[derive(Clone, Copy, Debug, Default)]
struct Group {
    start: usize,
    end: usize,
    /// Positions (digits and mask characters), not bytes.
    len: usize,
    /// Runs on into a letter: never part of a card.
    glued: bool,
    /// Followed by a decimal part (`…1111,50`): an amount, unless the card is masked.
    decimal_after: bool,
}

impl CardDetector {
    /// The detector with the rules embedded from `patterns/card.toml`.
    pub fn builtin() -> Self {
        let rules: Rules =
            toml::from_str(RULES).expect("patterns/card.toml is embedded and parsed by tests");
        let brands = rules
            .brand
            .into_iter()
            .map(|b| Brand {
                ranges: b
                    .prefixes
                    .iter()
                    .map(|p| {
                        PrefixRange::parse(p).unwrap_or_else(|| {
                            panic!("patterns/card.toml: brand {}: bad prefix {p:?}", b.name)
                        })
                    })
                    .collect(),
                lengths: b.lengths,
            })
            .collect();
        CardDetector {
            brands,
            words: WordLists::new([&rules.context_words, &rules.document_words]),
        }
    }

    /// Whether `positions` (digits, then possibly `*`) starts with a prefix of a brand that
    /// issues cards of this length.
    fn has_brand(&self, positions: &[u8]) -> bool {
        self.brands.iter().any(|b| {
            b.lengths.contains(&positions.len()) && b.ranges.iter().any(|r| r.matches(positions))
        })
    }

    /// Reads the run of digit groups starting at byte `start` (an ASCII digit), pushes the cards
    /// in it and returns where scanning goes on.
    fn scan_run(&self, text: &str, start: usize, out: &mut Vec<Finding>) -> usize {
        // Most runs are dates, grades and amounts: too short to hold a card.
        let (stretch_end, positions) = stretch(text.as_bytes(), start);
        if positions < MIN_LEN {
            return stretch_end;
        }
        // A masked number is never the fraction of a decimal: `45000,440043******5273` is a
        // comma-separated row.
        let masked = text
            .get(start..stretch_end)
            .is_some_and(|s| s.contains(is_mask));
        if glued_before(text, start)
            || decimal_before(text, start, positions) && !masked
            || continues_code(text, start)
        {
            return skip_token(text, start);
        }
        let mut groups = [Group::default(); MAX_GROUPS];
        let n = read_groups(text, start, &mut groups);
        let groups = &groups[..n];
        // Leftmost-longest: each group belongs to at most one card.
        let mut i = 0;
        while i < n {
            i = (i + 1..=n)
                .rev()
                .find_map(|j| {
                    let f = self.card_in(text, groups, i, j)?;
                    out.push(f);
                    Some(j)
                })
                .unwrap_or(i + 1);
        }
        groups[n - 1].end
    }

    /// The card made of `groups[i..j]`, if it is one.
    fn card_in(&self, text: &str, groups: &[Group], i: usize, j: usize) -> Option<Finding> {
        let part = &groups[i..j];
        let len: usize = part.iter().map(|g| g.len).sum();
        if !(MIN_LEN..=MAX_LEN).contains(&len) || part.iter().any(|g| g.glued) {
            return None;
        }
        let masked = || {
            text[part[0].start..part[part.len() - 1].end]
                .chars()
                .any(is_mask)
        };
        if part.iter().any(|g| g.decimal_after) && !masked() {
            return None;
        }
        // Inside a longer grouped number only short neighbours are allowed (`№ 12 …`, `… 12/25`).
        let long_neighbour = |g: Option<&Group>| g.is_some_and(|g| g.len >= 4);
        if long_neighbour(i.checked_sub(1).and_then(|k| groups.get(k)))
            || long_neighbour(groups.get(j))
        {
            return None;
        }
        let mut lens = [0usize; MAX_GROUPS];
        for (l, g) in lens.iter_mut().zip(part) {
            *l = g.len;
        }
        if !is_card_grouping(&lens[..part.len()]) {
            return None;
        }
        let (start, end) = (part[0].start, part[part.len() - 1].end);
        let mut positions = [0u8; MAX_LEN];
        let mut k = 0;
        for c in text[start..end].chars() {
            if c.is_ascii_digit() {
                positions[k] = c as u8;
                k += 1;
            } else if is_mask(c) {
                positions[k] = b'*';
                k += 1;
            }
        }
        let positions = &positions[..k];
        let grouped = part.len() > 1;
        let context = || {
            self.words
                .around(CARD_WORDS, text, start, end, CONTEXT_WINDOW)
        };
        // Thirteen digits in one block are an EAN-13 barcode far more often than a card: no
        // network has issued 13-digit PANs for years, and 487… (Kazakh goods) starts like Visa.
        if !grouped && len == BARCODE_LEN && !context() {
            return None;
        }
        let confidence = if positions.iter().all(u8::is_ascii_digit) {
            if !luhn_valid(positions) || !self.has_brand(positions) {
                return None;
            }
            match (grouped, context()) {
                (true, true) => CONFIDENCE_GROUPED_CONTEXT,
                (true, false) => CONFIDENCE_GROUPED,
                (false, true) => CONFIDENCE_BLOCK_CONTEXT,
                (false, false) => CONFIDENCE_BLOCK,
            }
        } else {
            if !is_masked_pan(positions) || !self.has_brand(positions) {
                return None;
            }
            if context() {
                CONFIDENCE_MASKED_CONTEXT
            } else {
                CONFIDENCE_MASKED
            }
        };
        // Last of the checks: the others are cheaper and reject the same numbers either way.
        if self.names_a_document(text, start) {
            return None;
        }
        Some(Finding {
            start,
            end,
            kind: Kind::Card,
            confidence,
            normalized: String::from_utf8(positions.to_vec()).expect("ASCII digits and '*'"),
        })
    }
}

impl CardDetector {
    /// Whether the nearest word before `start` is a document word (`Номер транзакции`,
    /// `Заказ №`, `RRN`) rather than a card word: transaction and order numbers pass Luhn and a
    /// brand prefix one time in ~40. A word before another number names that number
    /// (`Заказ 4512, оплата 4400 …`, `№ 12 4111 …`).
    fn names_a_document(&self, text: &str, start: usize) -> bool {
        let before = after_last_number(window_before(text, start, DOCUMENT_WINDOW), 1);
        let words = self.words.scan(before);
        let Some((_, document)) = words.last(DOCUMENT_WORDS) else {
            return false;
        };
        words
            .last(CARD_WORDS)
            .is_none_or(|(_, card)| card < document)
    }
}

impl Detector for CardDetector {
    fn kinds(&self) -> &'static [Kind] {
        &[Kind::Card]
    }

    fn find(&self, text: &str, out: &mut Vec<Finding>) {
        let bytes = text.as_bytes();
        let mut i = 0;
        while let Some(digit) = next_digit(bytes, i) {
            i = self.scan_run(text, digit, out);
        }
    }
}

/// The stretch of digits, masks and single separators starting at `start`, and how many digits
/// and masks it holds: an upper bound of every run inside it, found with a byte loop.
fn stretch(bytes: &[u8], start: usize) -> (usize, usize) {
    let is_position = |b: u8| b.is_ascii_digit() || matches!(b, b'*' | b'X' | b'x');
    let mut pos = start;
    let mut positions = 0;
    while let Some(&b) = bytes.get(pos) {
        if is_position(b) {
            positions += 1;
            pos += 1;
            continue;
        }
        // Separators and `•` (the only non-ASCII ones, all 2–3 bytes) may continue the stretch.
        let width = match b {
            b' ' | b'-' => 1,
            0xC2 => 2,
            0xE2 => 3,
            _ => break,
        };
        if width == 3 && bytes.get(pos..pos + 3) == Some("•".as_bytes()) {
            positions += 1;
            pos += 3;
            continue;
        }
        match bytes.get(pos + width) {
            Some(&next) if is_position(next) || next == 0xE2 => pos += width,
            _ => break,
        }
    }
    (pos, positions)
}

/// Width in bytes of the digit or mask character at `pos`, if there is one.
fn card_char_width(text: &str, pos: usize) -> Option<usize> {
    match *text.as_bytes().get(pos)? {
        b'0'..=b'9' | b'*' | b'X' | b'x' => Some(1),
        _ if text[pos..].starts_with('•') => Some('•'.len_utf8()),
        _ => None,
    }
}

fn is_mask(c: char) -> bool {
    matches!(c, '*' | 'X' | 'x' | '•')
}

fn is_separator(c: char) -> bool {
    matches!(c, ' ' | '-' | '\u{00A0}' | '\u{202F}')
}

/// Fills `groups` with the groups of the run at `start`; returns how many.
fn read_groups(text: &str, start: usize, groups: &mut [Group; MAX_GROUPS]) -> usize {
    let mut pos = start;
    let mut sep = None;
    let mut n = 0;
    loop {
        let group_start = pos;
        let mut len = 0;
        while let Some(w) = card_char_width(text, pos) {
            pos += w;
            len += 1;
        }
        groups[n] = Group {
            start: group_start,
            end: pos,
            len,
            glued: false,
            decimal_after: false,
        };
        n += 1;
        if len > MAX_LEN || n == MAX_GROUPS {
            break;
        }
        let Some(c) = text[pos..].chars().next() else {
            break;
        };
        let after = pos + c.len_utf8();
        if !is_separator(c) || sep.is_some_and(|s| s != c) || card_char_width(text, after).is_none()
        {
            break;
        }
        sep = Some(c);
        pos = after;
    }
    groups[n - 1].glued = glued_after(text, groups[n - 1].end);
    groups[n - 1].decimal_after = decimal_after(text, groups[n - 1].end);
    n
}

/// 4-4-4-4 and the like: every group 4 long but the last (1–4), or Amex/Diners-style
/// 4-6-5 / 4-6-4, or 4-4-5; a single block is always fine.
fn is_card_grouping(lens: &[usize]) -> bool {
    match lens {
        [] => false,
        [_] | [4, 6, 5] | [4, 6, 4] | [4, 4, 5] => true,
        [init @ .., last] => init.iter().all(|&l| l == 4) && (1..=4).contains(last),
    }
}

/// Leading digits, a masked middle, trailing digits, with enough visible at each end.
fn is_masked_pan(positions: &[u8]) -> bool {
    let lead = positions.iter().take_while(|b| b.is_ascii_digit()).count();
    let trail = positions
        .iter()
        .rev()
        .take_while(|b| b.is_ascii_digit())
        .count();
    lead >= MASKED_MIN_VISIBLE
        && trail >= MASKED_MIN_VISIBLE
        && lead + trail < positions.len()
        && positions[lead..positions.len() - trail]
            .iter()
            .all(|&b| b == b'*')
}

/// ISO/IEC 7812-1 annex B: double every second digit from the right.
fn luhn_valid(digits: &[u8]) -> bool {
    let sum: u32 = digits
        .iter()
        .rev()
        .enumerate()
        .map(|(i, &b)| {
            let d = u32::from(b - b'0');
            match (i % 2, d * 2) {
                (0, _) => d,
                (_, dd) if dd > 9 => dd - 9,
                (_, dd) => dd,
            }
        })
        .sum();
    sum.is_multiple_of(10)
}

/// A letter, digit or `+` right before `pos`.
fn glued_before(text: &str, pos: usize) -> bool {
    text[..pos]
        .chars()
        .next_back()
        .is_some_and(|c| is_alphanumeric(c) || c == '+' || is_combining_mark(c))
}

/// `0.`, `0,` or `1,` right before `pos`, where `digits` follow: the digits would be a decimal
/// fraction. A decimal comma after a non-zero integer comes from spreadsheets and 1C, which
/// print at most 15 significant digits: with more the comma separates fields
/// (`1,4111111111111111` in a comma-separated row).
fn decimal_before(text: &str, pos: usize, digits: usize) -> bool {
    let head = &text.as_bytes()[..pos];
    let integer = |h: &[u8]| -> usize { h.iter().rev().take_while(|b| b.is_ascii_digit()).count() };
    match head.split_last() {
        Some((b'.', h)) => integer(h) > 0,
        Some((b',', h)) => {
            let n = integer(h);
            n == 1 && h.last() == Some(&b'0')
                || (1..=MAX_SPREADSHEET_DIGITS.saturating_sub(digits)).contains(&n)
        }
        _ => false,
    }
}

/// A letter or digit right after `pos`.
fn glued_after(text: &str, pos: usize) -> bool {
    text[pos..]
        .chars()
        .next()
        .is_some_and(|c| is_alphanumeric(c) || is_combining_mark(c))
}

/// `,50` or `.5` right after `pos`: the digits before would be the integer part of an amount.
fn decimal_after(text: &str, pos: usize) -> bool {
    let mut tail = text[pos..].chars();
    matches!(tail.next(), Some('.' | ',')) && tail.next().is_some_and(|c| c.is_ascii_digit())
}

/// Whether the run at `pos` follows a token ending in a digit across one separator: the rest of
/// an IBAN or a code printed in groups (`KZ12 4111 …`).
fn continues_code(text: &str, pos: usize) -> bool {
    let mut head = text[..pos].chars().rev();
    head.next().is_some_and(is_separator) && head.next().is_some_and(|c| c.is_ascii_digit())
}

/// End of the letters-and-digits token at `pos`.
fn skip_token(text: &str, pos: usize) -> usize {
    let tail = &text[pos..];
    pos + tail
        .char_indices()
        .find(|&(_, c)| !is_alphanumeric(c))
        .map_or(tail.len(), |(i, _)| i)
}

fn is_combining_mark(c: char) -> bool {
    matches!(c, '\u{0300}'..='\u{036F}')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn find(text: &str) -> Vec<Finding> {
        let mut out = Vec::new();
        CardDetector::builtin().find(text, &mut out);
        out
    }

    fn spans(text: &str) -> Vec<&str> {
        find(text).iter().map(|f| &text[f.start..f.end]).collect()
    }

    #[test]
    fn rules_file_parses_and_every_brand_has_prefixes() {
        let d = CardDetector::builtin();
        assert!(d.brands.len() >= 8);
        assert!(d.brands.iter().all(|b| !b.ranges.is_empty()));
    }

    #[test]
    fn prefix_ranges_parse_and_match() {
        let r = PrefixRange::parse("2221-2720").unwrap();
        assert!(r.matches(b"2221000000000000"));
        assert!(r.matches(b"2720999999999999"));
        assert!(!r.matches(b"2220999999999999"));
        assert!(!r.matches(b"2721000000000000"));
        assert!(!r.matches(b"22"));
        assert!(PrefixRange::parse("22-2720").is_none());
        assert!(PrefixRange::parse("4a").is_none());
    }

    #[test]
    fn luhn_matches_known_test_numbers() {
        for n in [
            "4111111111111111",
            "5555555555554444",
            "378282246310005",
            "6011111111111117",
            "4222222222222",
        ] {
            assert!(luhn_valid(n.as_bytes()), "{n}");
        }
        assert!(!luhn_valid(b"4111111111111112"));
        assert!(!luhn_valid(b"4111111111111121"));
    }

    #[test]
    fn finds_grouped_and_plain_cards_with_digits_as_normalized_form() {
        let f = find("Карта 4111-1111-1111-1111");
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].normalized, "4111111111111111");
        assert_eq!(f[0].confidence, CONFIDENCE_GROUPED_CONTEXT);
        let f = find("4111111111111111");
        assert_eq!(f[0].confidence, CONFIDENCE_BLOCK);
        assert_eq!(
            find("4111 1111 1111 1111")[0].confidence,
            CONFIDENCE_GROUPED
        );
        assert_eq!(
            spans("no-break 4111\u{a0}1111\u{a0}1111\u{a0}1111."),
            ["4111\u{a0}1111\u{a0}1111\u{a0}1111"]
        );
    }

    #[test]
    fn brand_and_length_must_agree() {
        // Luhn-valid, but 16 digits on 34/37 is not an Amex, and 9 is no brand.
        assert!(spans("3400000000000000").is_empty());
        assert!(spans("9111111111111110").is_empty());
        // 2200 is Mir; 2220 is neither Mir nor Mastercard.
        assert_eq!(spans("2200000000000004").len(), 1);
        assert!(spans("2220000000000000").is_empty());
    }

    #[test]
    fn rejects_iins_phones_and_ibans() {
        for text in [
            "ИИН 871008401427",
            "ИИН 8710 0840 1427",
            "+7 701 123 45 67",
            "87011234567",
            "+77011234567 и 87011234567",
            "8 701 123 45 67 / 8 702 123 45 67",
            "KZ86125KZT5004100100",
            "KZ12 4111 1111 1111 1111",
            "wa.me/77011234567",
        ] {
            assert!(spans(text).is_empty(), "{text}: {:?}", spans(text));
        }
    }

    #[test]
    fn rejects_glued_and_oddly_grouped_numbers() {
        for text in [
            "ID4111111111111111",
            "4111111111111111abc",
            "4111111111111111руб",
            "4111111111111111,50",
            "0,4111111111111111",
            "+4111111111111111",
            "4 111 111 111 111 111",
            "41 1111 1111 1111 11",
            "4111  1111  1111  1111",
            "1234 4111 1111 1111 1111 5678",
            "41111111111111111111",
        ] {
            assert!(spans(text).is_empty(), "{text}: {:?}", spans(text));
        }
    }

    #[test]
    fn a_masked_number_in_a_comma_separated_row_is_no_fraction() {
        assert_eq!(spans("45000,440043******5273,12"), ["440043******5273"]);
        assert_eq!(spans("39900,5354 74** **** 1363"), ["5354 74** **** 1363"]);
        assert_eq!(spans("Test,1,4111111111111111"), ["4111111111111111"]);
        assert!(spans("0.4111111111111111").is_empty());
        assert!(spans("4111111111111111,50").is_empty());
    }

    #[test]
    fn thirteen_digit_blocks_need_a_card_word() {
        // EAN-13 of Kazakh goods (487…) that also pass Luhn.
        assert!(spans("Штрихкод 4872743817155").is_empty());
        assert!(spans("4870684702998").is_empty());
        assert_eq!(spans("Visa 4222222222222"), ["4222222222222"]);
    }

    #[test]
    fn the_nearest_word_before_decides_between_document_and_card() {
        assert!(spans("Номер транзакции 6500948607903301").is_empty());
        assert!(spans("Order 4111111111111111").is_empty());
        assert!(spans("№ 4111 1111 1111 1111").is_empty());
        assert_eq!(
            spans("Заказ оплачен картой 4111 1111 1111 1111"),
            ["4111 1111 1111 1111"]
        );
        assert_eq!(
            spans("Заказ 4512, 4111 1111 1111 1111"),
            ["4111 1111 1111 1111"]
        );
    }

    #[test]
    fn short_neighbours_do_not_hide_a_card() {
        assert_eq!(
            spans("№ 12 4111 1111 1111 1111 12/25"),
            ["4111 1111 1111 1111"]
        );
        assert_eq!(
            spans("4111 1111 1111 1111, 5555 5555 5555 4444"),
            ["4111 1111 1111 1111", "5555 5555 5555 4444"]
        );
    }

    #[test]
    fn amex_and_nineteen_digit_groupings() {
        assert_eq!(spans("3782 822463 10005"), ["3782 822463 10005"]);
        assert_eq!(
            spans("6304 0000 0000 0000 018"),
            ["6304 0000 0000 0000 018"]
        );
    }

    #[test]
    fn masked_cards_need_brand_and_both_ends_visible() {
        let f = find("4400 43** **** 1234");
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].normalized, "440043******1234");
        assert_eq!(f[0].confidence, CONFIDENCE_MASKED);
        assert_eq!(
            find("карта 4400 43•• •••• 1234")[0].confidence,
            CONFIDENCE_MASKED_CONTEXT
        );
        for text in [
            "**** **** **** 1234",
            "4400 43** **** ****",
            "4400 4*3* **** 1234",
            "9400 43** **** 1234",
            "440 043** **** 1234",
            "4400 43** **** 12345",
        ] {
            assert!(spans(text).is_empty(), "{text}: {:?}", spans(text));
        }
    }

    #[test]
    fn spans_fall_on_char_boundaries_in_cyrillic_text() {
        let text = "Оплата картой «4111 1111 1111 1111» принята";
        let f = find(text);
        assert_eq!(f.len(), 1);
        assert_eq!(&text[f[0].start..f[0].end], "4111 1111 1111 1111");
    }

    #[test]
    fn text_without_digits_yields_nothing() {
        assert!(spans("Оплата картой Visa, номер не указан").is_empty());
    }
}
