//! Whole values of a column: is this entire value an IIN, a phone, an e-mail…, and what is its
//! canonical form (the form pseudonyms are computed over)?
//!
//! Detectors find personal data *inside* text and must be strict, since prose is full of
//! numbers. A column that is known to hold one kind allows more: this module judges a value as
//! the whole content of a field, in one of two [`Scope`]s.
//!
//! | kind | evidence | `Alone` (column kind unknown) | `InColumn` (column of that kind) | source |
//! |---|---|---|---|---|
//! | iin | 12 digits, check digit (two passes) | also needs a real date and digit 7 in 1–6 | check digit only | domain-kz.md "IIN" |
//! | iin | 11 digits (Excel lost the leading 0) | left-padded, check digit + date + digit 7 | left-padded, check digit | domain-kz.md "Integer columns" |
//! | iin | `8710 0840 1427`, `871-008-401-427` | separators removed | separators removed | domain-kz.md |
//! | bin | 12 digits, check digit, digit 5 in 4–6, month 01–12 | yes | yes | domain-kz.md "BIN" |
//! | phone | `+7`/`7`/`8` + 10 digits, any of `( ) - . space`, `tel:`/`wa.me/` | national number starts 3, 4, 8, 9 (Russia) or 70–78 (Kazakhstan) | also 10 bare digits | domain-kz.md "Phone numbers" |
//! | email | one `@`, local part, dotted domain, alphabetic TLD | yes | yes | RFC 5322 (simplified) |
//! | messenger | `@handle` (5–32 of `[A-Za-z0-9_]`), `t.me/handle` | yes | also a bare handle | domain-kz.md "messenger" |
//! | card | 13–19 digits, Luhn, known brand prefix | yes | yes | ISO/IEC 7812 |
//!
//! Canonical forms match the detectors' `Finding::normalized` (see `detect`), so one person
//! gets one pseudonym whether found in a column or in free text. For values a column of kind K
//! holds but that do not validate (a typo in an IIN, `6.12116E+10`), [`fallback`] gives a
//! best-effort canonical form: they are still personal data and still get the column's action.
//!
//! What this module is not: no finding in free text (see `detect`), no column decision (see
//! `classify`).

use crate::detect::Kind;

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
    match kind {
        Kind::Iin => iin(value, scope),
        Kind::Bin => bin(value),
        Kind::Phone => phone(value, scope),
        Kind::Email => email(value),
        Kind::Messenger => messenger(value, scope),
        Kind::Card => card(value),
        Kind::Name => None,
    }
}

/// Best-effort canonical form of a value in a column of `kind` that did not validate.
pub fn fallback(kind: Option<Kind>, value: &str) -> String {
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
    for word in text.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        for c in word.chars().flat_map(char::to_lowercase) {
            out.push(match c {
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
            });
        }
    }
    out
}

/// Canonical form of a person's name: [`fold`]ed, so `ЖУМАБЕКОВА  Айгерім` and
/// `Жумабекова Айгерим` get one pseudonym.
pub fn name(value: &str) -> String {
    fold(value)
}

/// Digits of a number written with the separators people use in identifiers; `None` when
/// anything else is in it.
fn digits_of(value: &str, separators: &[char]) -> Option<String> {
    let v = value.trim();
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

/// The IIN/BIN check digit rule: `Σ d_i·i mod 11`, a second pass with weights 3..11,1,2 when
/// the first gives 10, never issued when both give 10.
pub fn check_digit_ok(d: &[u8; 12]) -> bool {
    const W2: [u32; 11] = [3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2];
    let sum1: u32 = (0..11).map(|i| u32::from(d[i]) * (i as u32 + 1)).sum();
    let mut r = sum1 % 11;
    if r == 10 {
        let sum2: u32 = (0..11).map(|i| u32::from(d[i]) * W2[i]).sum();
        r = sum2 % 11;
        if r == 10 {
            return false;
        }
    }
    r == u32::from(d[11])
}

fn twelve(digits: &str) -> Option<[u8; 12]> {
    let bytes = digits.as_bytes();
    if bytes.len() != 12 {
        return None;
    }
    let mut d = [0u8; 12];
    for (i, b) in bytes.iter().enumerate() {
        d[i] = b - b'0';
    }
    Some(d)
}

/// Birth date and century/sex digit of an IIN make sense (evidence only since the 2013 decree).
pub fn iin_structure_ok(d: &[u8; 12]) -> bool {
    let yy = u32::from(d[0] * 10 + d[1]);
    let month = u32::from(d[2] * 10 + d[3]);
    let day = u32::from(d[4] * 10 + d[5]);
    let century = match d[6] {
        1 | 2 => 1800,
        3 | 4 => 1900,
        5 | 6 => 2000,
        _ => return false,
    };
    let year = century + yy;
    if year > current_year() {
        return false;
    }
    let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    let days = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return false,
    };
    (1..=days).contains(&day)
}

fn current_year() -> u32 {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    1970 + (secs / 31_556_952) as u32
}

fn iin(value: &str, scope: Scope) -> Option<String> {
    let digits = digits_of(value, &[' ', '-'])?;
    let digits = match digits.len() {
        12 => digits,
        11 => format!("0{digits}"),
        _ => return None,
    };
    let d = twelve(&digits)?;
    if d[4] > 3 || !check_digit_ok(&d) {
        return None;
    }
    // Outside an IIN column a number must also look issued (~0.2 % of random numbers do).
    if scope == Scope::Alone && !iin_structure_ok(&d) {
        return None;
    }
    Some(digits)
}

fn bin(value: &str) -> Option<String> {
    let digits = digits_of(value, &[' ', '-'])?;
    let d = twelve(&digits)?;
    let month = d[2] * 10 + d[3];
    let ok = (1..=12).contains(&month) && (4..=6).contains(&d[4]) && d[5] <= 4;
    (ok && check_digit_ok(&d)).then_some(digits)
}

fn phone(value: &str, scope: Scope) -> Option<String> {
    let mut v = value.trim();
    for prefix in ["tel:", "https://wa.me/", "http://wa.me/", "wa.me/"] {
        if v.as_bytes()
            .get(..prefix.len())
            .is_some_and(|p| p.eq_ignore_ascii_case(prefix.as_bytes()))
        {
            v = &v[prefix.len()..];
            break;
        }
    }
    let plus = v.starts_with('+');
    let body = if plus { &v[1..] } else { v };
    if !body.starts_with(|c: char| c.is_ascii_digit() || c == '(') {
        return None;
    }
    let mut digits = String::with_capacity(12);
    for c in body.chars() {
        match c {
            '0'..='9' => digits.push(c),
            ' ' | '(' | ')' | '-' | '.' | '\u{a0}' => {}
            _ => return None,
        }
    }
    let national = match (digits.len(), digits.as_bytes().first()) {
        (11, Some(b'7')) => &digits[1..],
        (11, Some(b'8')) if !plus => &digits[1..],
        (10, _) if !plus && scope == Scope::InColumn => &digits[..],
        _ => return None,
    };
    let n = national.as_bytes();
    let ok = match n[0] {
        b'3' | b'4' | b'8' | b'9' => true,
        b'7' => n[1] <= b'8',
        _ => false,
    };
    ok.then(|| format!("+7{national}"))
}

/// Providers whose mailboxes ignore the case of the local part.
const CASELESS_PROVIDERS: &[&str] = &[
    "mail.ru",
    "inbox.ru",
    "bk.ru",
    "list.ru",
    "internet.ru",
    "ya.ru",
    "gmail.com",
    "googlemail.com",
    "mail.kz",
];

fn email(value: &str) -> Option<String> {
    let mut v = value.trim();
    if v.as_bytes()
        .get(..7)
        .is_some_and(|p| p.eq_ignore_ascii_case(b"mailto:"))
    {
        v = &v[7..];
    }
    let (local, domain) = v.split_once('@')?;
    let local_ok = !local.is_empty()
        && local.len() <= 64
        && local
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"._%+-".contains(&b))
        && !local.starts_with('.');
    let labels: Vec<&str> = domain.split('.').collect();
    let domain_ok = labels.len() >= 2
        && labels
            .iter()
            .all(|l| !l.is_empty() && l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-'))
        && labels
            .last()
            .is_some_and(|tld| tld.len() >= 2 && tld.bytes().all(|b| b.is_ascii_alphabetic()));
    if !local_ok || !domain_ok {
        return None;
    }
    let domain = domain.to_ascii_lowercase();
    let caseless = CASELESS_PROVIDERS.contains(&domain.as_str()) || domain.starts_with("yandex.");
    let local = if caseless {
        local.to_ascii_lowercase()
    } else {
        local.to_string()
    };
    Some(format!("{local}@{domain}"))
}

fn is_handle(h: &str) -> bool {
    (5..=32).contains(&h.len()) && h.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
}

fn messenger(value: &str, scope: Scope) -> Option<String> {
    let v = value.trim();
    let lower = v.to_ascii_lowercase();
    let after_scheme = lower
        .strip_prefix("https://")
        .or_else(|| lower.strip_prefix("http://"))
        .unwrap_or(&lower);
    let handle = if let Some(h) = after_scheme.strip_prefix("t.me/") {
        h.trim_end_matches('/')
    } else if let Some(h) = lower.strip_prefix('@') {
        h
    } else if scope == Scope::InColumn && lower.starts_with(|c: char| c.is_ascii_alphabetic()) {
        &lower[..]
    } else {
        return None;
    };
    is_handle(handle).then(|| handle.to_string())
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

    fn d12(s: &str) -> [u8; 12] {
        twelve(s).unwrap()
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
            assert!(check_digit_ok(&d12(ok)), "{ok}");
        }
        for bad in [
            "901123300255",
            "010101600586",
            "123456789012",
            "971008401427",
            "871008404127",
        ] {
            assert!(!check_digit_ok(&d12(bad)), "{bad}");
        }
        for prefix in ["82121424009", "56091032322", "85041545147"] {
            for last in 0..10 {
                assert!(!check_digit_ok(&d12(&format!("{prefix}{last}"))));
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
        assert_eq!(
            email("A.Nurlan@school.edu.kz").as_deref(),
            Some("A.Nurlan@school.edu.kz")
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

    #[test]
    fn names_fold_case_space_and_kazakh_letters() {
        assert_eq!(name("ЖУМАБЕКОВА  Айгерім "), name("Жумабекова Айгерим"));
        assert_eq!(fold("Ф.И.О. Ұлы"), "ф.и.о. улы");
    }
}
