//! Whole values of a column: is this entire value an IIN, a phone, an e-mail…, and what is its
//! canonical form (the form pseudonyms are computed over)?
//!
//! Detectors find personal data *inside* text and must be strict, since prose is full of
//! numbers. A column that is known to hold one kind allows more: this module judges a value as
//! the whole content of a field, in one of two [`Scope`]s.
//!
//! One normaliser per kind. The canonical form of a value is computed by the same code whether
//! the value fills a column or is found in free text, so one person gets one pseudonym
//! everywhere: IINs and BINs are read by `detect::iin::normalize_column_value`, phones by
//! `detect::phone::normalize_column_value`, messenger handles by
//! `detect::messenger::normalize_column_value`, e-mails by the e-mail detector itself; this
//! module only adds what a [`Scope`] demands on top of them.
//!
//! | kind | reader | `Alone` (column kind unknown) | `InColumn` (column of that kind) | source |
//! |---|---|---|---|---|
//! | iin | 12 digits; separators, Excel text markers, `.0`, exact `E+11` accepted; 11 digits left-padded when that passes the check | check digit, digit 5 in 0–3, and a real date and digit 7 in 1–6 | check digit, digit 5 in 0–3 | domain-kz.md "IIN", "Integer columns" |
//! | bin | as iin | check digit and BIN structure | the same | domain-kz.md "BIN" |
//! | phone | `+7`/`7`/`8` + 10 digits, any of `( ) - . space`, `tel:`/`wa.me/`, `.0` | a prefix is required | also 10 bare digits | domain-kz.md "Phone numbers" |
//! | email | the e-mail detector's span covering the whole value (`mailto:` dropped) | yes | yes | `detect::email` |
//! | messenger | `@handle`, `t.me/handle`, bare handle | `@` or a link required | also a bare handle | domain-kz.md "messenger" |
//! | card | 13–19 digits, Luhn, known brand prefix | yes | yes | ISO/IEC 7812 |
//!
//! Names are folded here ([`name`]) and by the name detector with its own folding (which also
//! maps Latin homoglyphs inside Cyrillic words); the two agree on every name written in one
//! script.
//!
//! For values a column of kind K holds but that do not validate (a typo in an IIN,
//! `6.12116E+10`), [`fallback`] gives a best-effort canonical form: they are still personal
//! data and still get the column's action.
//!
//! What this module is not: no finding in free text (see `detect`), no column decision (see
//! `classify`).

use std::sync::OnceLock;

use crate::detect::Kind;
use crate::detect::email::EmailDetector;
use crate::detect::iin::{self, ColumnDigits, ColumnValue, IdNumber};
use crate::detect::{Detector, messenger, phone};

/// How much a value must prove by itself.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scope {
    /// Nothing is known about the column: only unambiguous shapes count.
    Alone,
    /// The column is known to hold this kind: accept the forms such columns hold.
    InColumn,
}

/// The canonical form of `value` if the whole value is of `kind`.
pub fn whole_value(kind: Kind, value: &str, scope: Scope) -> Option<String> {
    let mut canonical = String::new();
    whole_value_into(kind, value, scope, &mut canonical).then_some(canonical)
}

/// Like [`whole_value`], the canonical form appended to `out`; `false` (and `out` as it was)
/// when the value is not of `kind`. A scrub calls this for every value of an identifier column,
/// into a buffer it reuses: the common kinds write straight into it.
pub fn whole_value_into(kind: Kind, value: &str, scope: Scope, out: &mut String) -> bool {
    let owned = match kind {
        Kind::Iin => return iin_into(value, scope, out),
        Kind::Phone => return phone_into(value, scope, out),
        Kind::Email => return email_into(value, out),
        Kind::Bin => bin(value),
        Kind::Messenger => messenger(value, scope),
        Kind::Card => card(value),
        Kind::Name => None,
    };
    owned.is_some_and(|canonical| {
        out.push_str(&canonical);
        true
    })
}

/// Best-effort canonical form of a value in a column of `kind` that did not validate.
pub fn fallback(kind: Option<Kind>, value: &str) -> String {
    // A mistyped IIN reads as its 12 digits, as the column reader gives them.
    if matches!(kind, Some(Kind::Iin | Kind::Bin))
        && let Some(d) = twelve_digits(value)
    {
        return d.to_ascii();
    }
    match kind {
        Some(Kind::Iin | Kind::Bin | Kind::Card | Kind::Phone) => {
            let digits: String = value.chars().filter(char::is_ascii_digit).collect();
            if digits.is_empty() {
                fold(value)
            } else {
                digits
            }
        }
        Some(Kind::Email) => value.trim().to_lowercase(),
        Some(Kind::Messenger) => value.trim().trim_start_matches('@').to_lowercase(),
        Some(Kind::Name) | None => name(value),
    }
}

/// Lower-case, Kazakh letters and `ё` folded to their Russian look-alikes (people type Нурлан
/// for Нұрлан), whitespace runs made one space. Used for names and for column headers.
pub fn fold(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    fold_into(text, &mut out);
    out
}

/// Like [`fold`], appended to `out`.
pub fn fold_into(text: &str, out: &mut String) {
    let mark = out.len();
    for word in text.split_whitespace() {
        if out.len() > mark {
            out.push(' ');
        }
        for c in word.chars() {
            match lower_letter(c) {
                Some(l) => out.push(fold_letter(l)),
                None => out.extend(c.to_lowercase().map(fold_letter)),
            }
        }
    }
}

/// The lower case of an ASCII, Russian or Kazakh letter without Unicode tables (names are
/// made of these); `None` for anything else.
fn lower_letter(c: char) -> Option<char> {
    let lower = match c {
        'a'..='z' | 'а'..='я' | 'ѐ'..='џ' | '0'..='9' | '-' | '.' => c,
        'A'..='Z' => c.to_ascii_lowercase(),
        'А'..='Я' => char::from_u32(c as u32 + 0x20)?,
        'Ѐ'..='Џ' => char::from_u32(c as u32 + 0x50)?,
        // Ғ Қ Ң Ү Ұ Һ Ә Ө: upper case at the even code point, lower at the next.
        'Ғ' | 'Қ' | 'Ң' | 'Ү' | 'Ұ' | 'Һ' | 'Ә' | 'Ө' => char::from_u32(c as u32 + 1)?,
        'ғ' | 'қ' | 'ң' | 'ү' | 'ұ' | 'һ' | 'ә' | 'ө' => c,
        _ => return None,
    };
    Some(lower)
}

/// Kazakh letters and `ё` to the Russian look-alikes people type instead (lower case in).
fn fold_letter(c: char) -> char {
    match c {
        'ә' => 'а',
        'ғ' => 'г',
        'қ' => 'к',
        'ң' => 'н',
        'ө' => 'о',
        'ұ' | 'ү' => 'у',
        'һ' => 'х',
        'і' => 'и',
        'ё' => 'е',
        c => c,
    }
}

/// Canonical form of a person's name: [`fold`]ed, so `ЖУМАБЕКОВА  Айгерім` and
/// `Жумабекова Айгерим` get one pseudonym.
pub fn name(value: &str) -> String {
    fold(value)
}

/// Like [`name`], appended to `out`.
pub fn name_into(value: &str, out: &mut String) {
    fold_into(value, out);
}

/// Digits of a number written with the separators people use in identifiers; `None` when
/// anything else is in it.
fn digits_of(value: &str, separators: &[char]) -> Option<String> {
    let v = crate::detect::trim(value);
    if v.is_empty() || !v.starts_with(|c: char| c.is_ascii_digit()) {
        return None;
    }
    let mut digits = String::with_capacity(v.len());
    for c in v.chars() {
        if c.is_ascii_digit() {
            digits.push(c);
        } else if !separators.contains(&c) {
            return None;
        }
    }
    Some(digits)
}

/// Twelve digits read by the IIN column reader, whatever their check digit.
fn twelve_digits(value: &str) -> Option<ColumnDigits> {
    match iin::normalize_column_value(value) {
        ColumnValue::Digits(d) => Some(d),
        _ => None,
    }
}

fn iin_into(value: &str, scope: Scope, out: &mut String) -> bool {
    let Some(d) = twelve_digits(value) else {
        return false;
    };
    // Digit 5 is 0–3 in an IIN (tens of the birth day), 4–6 in a BIN.
    if !d.check.is_valid() || d.digits[4] > 3 {
        return false;
    }
    // Outside an IIN column a number must also look issued (~0.2 % of random numbers do).
    if scope == Scope::Alone && !matches!(d.shape(), Some(IdNumber::Iin { .. })) {
        return false;
    }
    d.push_ascii(out);
    true
}

fn bin(value: &str) -> Option<String> {
    let d = twelve_digits(value)?;
    (d.check.is_valid() && matches!(d.shape(), Some(IdNumber::Bin { .. }))).then(|| d.to_ascii())
}

fn phone_into(value: &str, scope: Scope, out: &mut String) -> bool {
    // Alone, a bare national number (`7011234567`) is as likely any other ten-digit number:
    // only the `+7`/`8`/`7` prefix makes it a phone.
    if scope == Scope::Alone {
        let v = value.trim();
        let v = v.strip_suffix(".0").unwrap_or(v);
        if v.bytes().filter(u8::is_ascii_digit).count() < 11 {
            return false;
        }
    }
    phone::normalize_column_value_into(value, out)
}

/// The e-mail detector's reading of the whole value: one rule (which providers ignore the case
/// of the local part, `patterns/email.toml`) for columns and free text alike.
fn email_into(value: &str, out: &mut String) -> bool {
    static DETECTOR: OnceLock<EmailDetector> = OnceLock::new();
    let mut v = crate::detect::trim(value);
    if v.as_bytes()
        .get(..7)
        .is_some_and(|p| p.eq_ignore_ascii_case(b"mailto:"))
    {
        v = &v[7..];
    }
    // Most values of most columns: no `@`, no detector.
    if memchr::memchr(b'@', v.as_bytes()).is_none() {
        return false;
    }
    let detector = DETECTOR.get_or_init(EmailDetector::builtin);
    if detector.plain_whole_into(v, out) {
        return true;
    }
    let mut found = Vec::with_capacity(1);
    detector.find(v, &mut found);
    match found.pop() {
        Some(f) if found.is_empty() && f.start == 0 && f.end == v.len() => {
            out.push_str(&f.normalized);
            true
        }
        _ => false,
    }
}

fn messenger(value: &str, scope: Scope) -> Option<String> {
    let v = value.trim();
    // Alone, a bare word is not a handle: it needs its `@` or a `t.me/` link.
    if scope == Scope::Alone && !v.starts_with('@') && !v.contains('/') {
        return None;
    }
    messenger::normalize_column_value(v)
}

fn card(value: &str) -> Option<String> {
    let digits = digits_of(value, &[' ', '-'])?;
    if !(13..=19).contains(&digits.len()) {
        return None;
    }
    let brand = |p: &str| digits.starts_with(p);
    let prefix4: u32 = digits[..4].parse().ok()?;
    let known = brand("4")
        || [
            "51", "52", "53", "54", "55", "34", "37", "35", "62", "65", "6011",
        ]
        .iter()
        .any(|p| brand(p))
        || (2200..=2204).contains(&prefix4)
        || (2221..=2720).contains(&prefix4);
    (known && luhn_ok(&digits)).then_some(digits)
}

fn luhn_ok(digits: &str) -> bool {
    let sum: u32 = digits
        .bytes()
        .rev()
        .enumerate()
        .map(|(i, b)| {
            let d = u32::from(b - b'0');
            if i % 2 == 1 {
                let x = d * 2;
                if x > 9 { x - 9 } else { x }
            } else {
                d
            }
        })
        .sum();
    sum.is_multiple_of(10)
}

#[cfg(test)]
mod tests {
    use super::*;
    use Scope::{Alone, InColumn};

    fn iin(value: &str, scope: Scope) -> Option<String> {
        whole_value(Kind::Iin, value, scope)
    }

    fn phone(value: &str, scope: Scope) -> Option<String> {
        whole_value(Kind::Phone, value, scope)
    }

    fn email(value: &str) -> Option<String> {
        whole_value(Kind::Email, value, InColumn)
    }

    /// Appending into a buffer answers as the owned form does, and leaves a buffer that held
    /// something before with that in front.
    #[test]
    fn the_canonical_form_appended_is_the_canonical_form() {
        for (kind, value) in [
            (Kind::Iin, "8710 0840 1427"),
            (Kind::Iin, "871008401428"),
            (Kind::Phone, "8 (701) 123-45-67"),
            (Kind::Phone, "12"),
            (Kind::Email, "Aigerim.K@Mail.RU"),
            (Kind::Email, "директор@почта.рф"),
            (Kind::Email, "no address"),
            (Kind::Card, "4400 4301 2345 6789"),
        ] {
            let mut out = String::from("before|");
            let appended = whole_value_into(kind, value, InColumn, &mut out);
            let owned = whole_value(kind, value, InColumn);
            assert_eq!(appended, owned.is_some(), "{value}");
            assert_eq!(
                out,
                format!("before|{}", owned.unwrap_or_default()),
                "{value}"
            );
        }
    }

    #[test]
    fn iin_check_digit_matches_domain_vectors() {
        for ok in [
            "871008401427",
            "760212350620",
            "800416300257",
            "031231500126",
            "800416100254",
            "680503250034",
            // second pass
            "730703400015",
            "840101400014",
            "061211600012",
            "080525511864",
            "091213591439",
        ] {
            assert_eq!(iin(ok, InColumn).as_deref(), Some(ok));
        }
        for bad in [
            "901123300255",
            "010101600586",
            "123456789012",
            "971008401427",
            "871008404127",
        ] {
            assert!(iin(bad, InColumn).is_none(), "{bad}");
            assert_eq!(fallback(Some(Kind::Iin), bad), bad, "a mistyped IIN");
        }
        for prefix in ["82121424009", "56091032322", "85041545147"] {
            for last in 0..10 {
                assert!(iin(&format!("{prefix}{last}"), InColumn).is_none());
            }
        }
    }

    #[test]
    fn iin_alone_needs_structure_in_column_only_the_check_digit() {
        assert_eq!(iin("871008401427", Alone).as_deref(), Some("871008401427"));
        assert_eq!(
            iin("8710 0840 1427", Alone).as_deref(),
            Some("871008401427")
        );
        assert_eq!(
            iin("871-008-401-427", InColumn).as_deref(),
            Some("871008401427")
        );
        for shaped_wrong in ["871308401428", "871008701426", "871008611427"] {
            assert!(iin(shaped_wrong, Alone).is_none(), "{shaped_wrong}");
            assert!(iin(shaped_wrong, InColumn).is_some(), "{shaped_wrong}");
        }
        assert!(iin("901123300255", InColumn).is_none());
        assert!(
            iin("940140000385", InColumn).is_none(),
            "a BIN is not an IIN"
        );
    }

    #[test]
    fn iin_lost_leading_zero_is_padded() {
        assert_eq!(
            iin("61211600012", InColumn).as_deref(),
            Some("061211600012")
        );
        assert_eq!(iin("61211600012", Alone).as_deref(), Some("061211600012"));
        assert!(iin("6.12116E+10", InColumn).is_none());
        assert_eq!(fallback(Some(Kind::Iin), "6.12116E+10"), "61211610");
    }

    #[test]
    fn bin_vectors() {
        for ok in [
            "940140000385",
            "950341000052",
            "961141000023",
            "990940003030",
        ] {
            assert_eq!(bin(ok).as_deref(), Some(ok));
        }
        for bad in [
            "990940003031",
            "949940000385",
            "940190000385",
            "871008401427",
        ] {
            assert!(bin(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn phone_forms_normalise_to_e164() {
        for (written, e164) in [
            ("+7 (7172) 574-600", "+77172574600"),
            ("8 (727) 293-85-89", "+77272938589"),
            ("87011234567", "+77011234567"),
            ("77011234567", "+77011234567"),
            ("+7 701 123 45 67", "+77011234567"),
            ("8-701-123-45-67", "+77011234567"),
            ("wa.me/77011234567", "+77011234567"),
            ("tel:+77011234567", "+77011234567"),
            ("+7 916 195 55 58", "+79161955558"),
        ] {
            assert_eq!(phone(written, Alone).as_deref(), Some(e164), "{written}");
        }
        assert_eq!(
            phone("7011234567", InColumn).as_deref(),
            Some("+77011234567")
        );
        assert!(phone("7011234567", Alone).is_none());
        for not_phone in [
            "+7 600 123 45 67",
            "+7 (7172) 5746",
            "+7 701 123 45 678",
            "871008401427",
            "87 000 тг",
            "61211600012",
        ] {
            assert!(phone(not_phone, InColumn).is_none(), "{not_phone}");
        }
    }

    #[test]
    fn email_normalisation_follows_the_provider() {
        assert_eq!(
            email(" Aigerim.K@Mail.RU ").as_deref(),
            Some("aigerim.k@mail.ru")
        );
        // The e-mail detector's rule (`patterns/email.toml`): school mailboxes ignore case too.
        assert_eq!(
            email("A.Nurlan@School12.EDU.KZ").as_deref(),
            Some("a.nurlan@school12.edu.kz")
        );
        assert_eq!(
            email("A.Nurlan@Company.KZ").as_deref(),
            Some("A.Nurlan@company.kz")
        );
        assert_eq!(
            email("mailto:x.y@gmail.com").as_deref(),
            Some("x.y@gmail.com")
        );
        for bad in [
            "https://site.kz",
            "a@b",
            "@mail.ru",
            "a b@mail.ru",
            "a@mail.r1",
        ] {
            assert!(email(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn messenger_handles() {
        assert_eq!(messenger("@Aigerim_K", Alone).as_deref(), Some("aigerim_k"));
        assert_eq!(
            messenger("https://t.me/aigerim_k", Alone).as_deref(),
            Some("aigerim_k")
        );
        assert!(messenger("aigerim_k", Alone).is_none());
        assert_eq!(
            messenger("aigerim_k", InColumn).as_deref(),
            Some("aigerim_k")
        );
        assert!(messenger("@abc", Alone).is_none());
    }

    #[test]
    fn cards_need_luhn_and_a_brand() {
        assert_eq!(
            card("4111 1111 1111 1111").as_deref(),
            Some("4111111111111111")
        );
        assert!(card("4111 1111 1111 1112").is_none());
        assert!(card("871008401427").is_none());
    }

    #[test]
    fn non_ascii_values_are_judged_without_panicking() {
        for kind in Kind::ALL {
            for v in ["Жумабекова Айгерим", "тел: 8701", "ы", "mailtoы", "@ы"]
            {
                assert!(whole_value(kind, v, InColumn).is_none(), "{kind} {v}");
            }
        }
    }

    /// The letter shortcut of [`fold`] gives what Unicode lower-casing gives.
    #[test]
    fn fold_shortcut_agrees_with_unicode_lower_case() {
        for c in (0..0x3000u32).filter_map(char::from_u32) {
            if let Some(l) = lower_letter(c) {
                assert_eq!(c.to_lowercase().collect::<String>(), l.to_string(), "{c:?}");
            }
        }
        assert_eq!(
            fold("ӘҒҚҢӨҰҮҺІЁ әғқңөұүһіё"),
            "агкноууxие агкноууxие".replace('x', "х")
        );
    }

    #[test]
    fn names_fold_case_space_and_kazakh_letters() {
        assert_eq!(name("ЖУМАБЕКОВА  Айгерім "), name("Жумабекова Айгерим"));
        assert_eq!(fold("Ф.И.О. Ұлы"), "ф.и.о. улы");
    }
}
