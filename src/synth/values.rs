//! Synthetic values: the personal data the corpus plants (IIN, BIN, phones, emails, handles,
//! cards) and the look-alikes it must not be confused with (document numbers, timestamps,
//! IBANs, random references).
//!
//! Every value is made up from the rules in `shared/design/domain-kz.md` (checksums, date
//! structure, number plans); none is looked up anywhere. Each personal value comes with its
//! written form and the byte span of the part a detector must report (e.g. the digits of
//! `wa.me/77011234567` without the prefix), so labels are exact by construction.

use super::rng::Rng;

/// A written value and the span of it that is labelled (byte offsets into `text`).
#[derive(Clone, Debug, PartialEq)]
pub struct Written {
    pub text: String,
    pub start: usize,
    pub end: usize,
}

impl Written {
    fn whole(text: String) -> Self {
        let end = text.len();
        Written {
            text,
            start: 0,
            end,
        }
    }

    fn after_prefix(prefix: &str, value: &str) -> Self {
        Written {
            text: format!("{prefix}{value}"),
            start: prefix.len(),
            end: prefix.len() + value.len(),
        }
    }
}

// ------------------------------------------------------------------------------ IIN and BIN

/// Check digit of the first 11 digits of an IIN/BIN, `None` if both passes give 10 (never
/// issued). Domain-kz.md, "IIN": weights 1..11, then 3,4,5,6,7,8,9,10,11,1,2.
pub fn check_digit(d: &[u8]) -> Option<u8> {
    const PASS2: [u32; 11] = [3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2];
    let sum1: u32 = (0..11).map(|i| u32::from(d[i]) * (i as u32 + 1)).sum();
    if sum1 % 11 != 10 {
        return Some((sum1 % 11) as u8);
    }
    let sum2: u32 = (0..11).map(|i| u32::from(d[i]) * PASS2[i]).sum();
    (sum2 % 11 != 10).then_some((sum2 % 11) as u8)
}

fn digits_of(s: &str) -> Vec<u8> {
    s.bytes().map(|b| b - b'0').collect()
}

fn days_in_month(year: u32, month: u32) -> u32 {
    match month {
        2 if year.is_multiple_of(4) && (!year.is_multiple_of(100) || year.is_multiple_of(400)) => {
            29
        }
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Whether 12 digits have the full structure of an IIN: checksum, calendar date, digit 7 in
/// 1–6 (the test a detector applies in free text without a context word).
pub fn is_iin_shaped(s: &str) -> bool {
    let d = digits_of(s);
    if d.len() != 12 || check_digit(&d) != Some(d[11]) || !(1..=6).contains(&d[6]) {
        return false;
    }
    let century = [1800, 1800, 1900, 1900, 2000, 2000][usize::from(d[6] - 1)];
    let year = century + u32::from(d[0]) * 10 + u32::from(d[1]);
    let month = u32::from(d[2]) * 10 + u32::from(d[3]);
    let day = u32::from(d[4]) * 10 + u32::from(d[5]);
    (1..=12).contains(&month) && day >= 1 && day <= days_in_month(year, month)
}

/// Whether 12 digits have the structure of a BIN: checksum, month 01–12, type digit 4–6.
pub fn is_bin_shaped(s: &str) -> bool {
    let d = digits_of(s);
    let month = u32::from(d[2]) * 10 + u32::from(d[3]);
    d.len() == 12
        && check_digit(&d) == Some(d[11])
        && (1..=12).contains(&month)
        && (4..=6).contains(&d[4])
}

/// Whose IIN: the birth years differ (digit 7 follows from them).
#[derive(Clone, Copy, Debug)]
pub enum Born {
    /// 2004–2019, digit 7 = 5/6: pupils and students.
    Child,
    /// 1958–2000, digit 7 = 3/4: parents, teachers, clients.
    Adult,
}

/// A valid IIN (12 digits) with a real date and a digit 7 that matches century and sex.
pub fn iin(rng: &mut Rng, born: Born, female: bool) -> String {
    loop {
        let year = match born {
            Born::Child => rng.range(2004, 2019),
            // One in a hundred adults gets an 18xx century digit (1/2): still a valid IIN.
            Born::Adult if rng.chance(1) => rng.range(1880, 1899),
            Born::Adult => rng.range(1958, 2000),
        };
        let month = rng.range(1, 12);
        let day = rng.range(1, days_in_month(year, month));
        let sex = u32::from(female);
        let c = match year {
            ..1900 => 1 + sex,
            1900..2000 => 3 + sex,
            _ => 5 + sex,
        };
        // Serial numbers run from 0001; most issued ones are small.
        let serial = if rng.chance(70) {
            rng.range(1, 1999)
        } else {
            rng.range(1, 9999)
        };
        let body = format!("{:02}{month:02}{day:02}{c}{serial:04}", year % 100);
        if let Some(k) = check_digit(&digits_of(&body)) {
            return format!("{body}{k}");
        }
    }
}

/// A 12-digit IIN whose date and digit 7 look right but whose check digit is wrong (a typo).
pub fn iin_bad_checksum(rng: &mut Rng, born: Born, female: bool) -> String {
    let good = iin(rng, born, female);
    let right = good.as_bytes()[11] - b'0';
    let wrong = (right + 1 + rng.below(9) as u8) % 10;
    format!("{}{wrong}", &good[..11])
}

/// A valid BIN: registration year and month, type 4/5/6, branch code, serial, check digit.
pub fn bin(rng: &mut Rng) -> String {
    loop {
        let year = rng.range(1995, 2024) % 100;
        let month = rng.range(1, 12);
        let kind = *rng.weighted(&[(85, 4), (5, 5), (10, 6)]);
        let branch = *rng.weighted(&[(80, 0), (12, 1), (5, 2), (3, 3)]);
        let serial = rng.range(0, 99999);
        let body = format!("{year:02}{month:02}{kind}{branch}{serial:05}");
        if let Some(k) = check_digit(&digits_of(&body)) {
            return format!("{body}{k}");
        }
    }
}

/// Writes 12 digits in the groups people use after a context word: `8710 0840 1427` or
/// `871-008-401-427`; the span covers first to last digit, i.e. the whole text.
pub fn grouped12(rng: &mut Rng, digits: &str) -> String {
    if rng.chance(60) {
        format!("{} {} {}", &digits[..4], &digits[4..8], &digits[8..])
    } else {
        format!(
            "{}-{}-{}-{}",
            &digits[..3],
            &digits[3..6],
            &digits[6..9],
            &digits[9..]
        )
    }
}

// ------------------------------------------------------------------------------ phones

/// Kazakh mobile codes (libphonenumber KZ metadata; VoIP 751), weighted by how often they
/// turn up: the big operators' first ranges most.
const KZ_MOBILE: [(u32, &str); 20] = [
    (12, "701"),
    (12, "702"),
    (10, "705"),
    (12, "707"),
    (6, "700"),
    (4, "706"),
    (3, "708"),
    (10, "747"),
    (2, "760"),
    (1, "761"),
    (1, "762"),
    (1, "763"),
    (1, "764"),
    (10, "771"),
    (8, "775"),
    (6, "776"),
    (12, "777"),
    (8, "778"),
    (1, "785"),
    (1, "751"),
];

/// Four-digit area codes of regional centres (domain-kz.md, "Phone numbers"); each is
/// followed by 6 subscriber digits.
const KZ_AREA4: [&str; 16] = [
    "7172", "7252", "7212", "7132", "7122", "7292", "7182", "7232", "7222", "7142", "7242", "7262",
    "7112", "7152", "7162", "7282",
];

/// Russian codes valid in libphonenumber RU metadata: mobile 9xx and some city codes.
const RU_MOBILE: [&str; 10] = [
    "916", "903", "905", "912", "921", "926", "977", "999", "950", "985",
];
const RU_CITY: [&str; 8] = ["495", "499", "812", "343", "383", "846", "861", "351"];

/// A phone number: the 10 national digits and how many of them are the area code.
#[derive(Clone, Debug)]
pub struct Phone {
    pub national: String,
    pub code_len: usize,
    pub mobile: bool,
}

fn digits(rng: &mut Rng, n: usize) -> String {
    (0..n).map(|_| char::from(b'0' + rng.digit())).collect()
}

/// A Kazakh or Russian number, mobile mostly.
pub fn phone(rng: &mut Rng) -> Phone {
    match rng.below(100) {
        0..78 => Phone {
            national: format!("{}{}", rng.weighted(&KZ_MOBILE), digits(rng, 7)),
            code_len: 3,
            mobile: true,
        },
        78..86 => Phone {
            national: format!("{}{}", rng.pick(&KZ_AREA4), subscriber(rng, 6)),
            code_len: 4,
            mobile: false,
        },
        // Almaty: 727 + 7 digits, which start with 2 or 3 in the numbering plan.
        86..92 => Phone {
            national: format!("727{}{}", rng.range(2, 3), digits(rng, 6)),
            code_len: 3,
            mobile: false,
        },
        92..97 => Phone {
            national: format!("{}{}", rng.pick(&RU_MOBILE), digits(rng, 7)),
            code_len: 3,
            mobile: true,
        },
        _ => Phone {
            national: format!("{}{}", rng.pick(&RU_CITY), subscriber(rng, 7)),
            code_len: 3,
            mobile: false,
        },
    }
}

/// Landline subscriber numbers do not start with 0 or 1.
fn subscriber(rng: &mut Rng, n: usize) -> String {
    format!("{}{}", rng.range(2, 9), digits(rng, n - 1))
}

/// Where a phone is written: the choice of forms depends on it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum PhoneStyle {
    /// Free text right after a phone word: every form, also `(701) 123-45-67`.
    AfterWord,
    /// Free text with no phone word: every form with a country or trunk prefix.
    Bare,
    /// A log line: `+77011234567` or `77011234567`.
    Log,
    /// An exported column: compact forms.
    Column,
    /// `wa.me/77011234567` (the template writes any `https://`).
    WaMe,
}

/// Writes a phone in one of the forms listed in domain-kz.md; the span runs from the first
/// character of the number (`+`, the leading `8`/`7`, or `(`) to its last digit, without a
/// `tel:` or `wa.me/` prefix.
pub fn write_phone(rng: &mut Rng, p: &Phone, style: PhoneStyle) -> Written {
    let n = &p.national;
    let (code, rest) = n.split_at(p.code_len);
    // The subscriber part in the usual groups: 123-45-67 (7 digits) or 57-46-00 (6 digits).
    let groups: Vec<&str> = if rest.len() == 7 {
        vec![&rest[..3], &rest[3..5], &rest[5..]]
    } else {
        vec![&rest[..2], &rest[2..4], &rest[4..]]
    };
    let dashed = groups.join("-");
    let spaced = groups.join(" ");
    match style {
        PhoneStyle::Log => {
            return Written::whole(if rng.chance(60) {
                format!("+7{n}")
            } else {
                format!("7{n}")
            });
        }
        PhoneStyle::WaMe => return Written::after_prefix("wa.me/", &format!("7{n}")),
        PhoneStyle::Column => {
            let forms = [
                format!("+7{n}"),
                format!("8{n}"),
                format!("7{n}"),
                format!("8 ({code}) {dashed}"),
                format!("+7 {code} {spaced}"),
            ];
            return Written::whole(rng.pick(&forms).clone());
        }
        PhoneStyle::AfterWord | PhoneStyle::Bare => {}
    }
    let roll = rng.below(100);
    if style == PhoneStyle::AfterWord && roll < 4 {
        return Written::whole(format!("({code}) {dashed}"));
    }
    if roll < 8 {
        let number = if rng.chance(80) {
            format!("+7{n}")
        } else {
            format!("8{n}")
        };
        return Written::after_prefix("tel:", &number);
    }
    if roll < 12 {
        let prefix = if rng.chance(50) {
            "wa.me/"
        } else {
            "https://wa.me/"
        };
        return Written::after_prefix(prefix, &format!("7{n}"));
    }
    let compact = rest;
    let forms: Vec<String> = if p.mobile {
        let (a, b) = rest.split_at(3);
        vec![
            format!("+7 {code} {spaced}"),
            format!("+7 ({code}) {dashed}"),
            format!("+7({code}){dashed}"),
            format!("+7-({code})-{dashed}"),
            format!("8 {code} {spaced}"),
            format!("8 ({code}) {dashed}"),
            format!("8-{code}-{dashed}"),
            format!("8 {code} {a} {b}"),
            format!("8{n}"),
            format!("+7{n}"),
            format!("7{n}"),
            format!("+7 {code} {compact}"),
            format!("8({code}){compact}"),
            format!("8.{code}.{}", groups.join(".")),
            format!("+7 {code}.{}", groups.join(".")),
            format!("+7 {code} {dashed}"),
            format!("8 {code} {dashed}"),
            format!("+7 ({code}) {spaced}"),
            format!("8({code}){dashed}"),
        ]
    } else {
        vec![
            format!("+7 ({code}) {dashed}"),
            format!("8 ({code}) {dashed}"),
            format!("+7 {code} {spaced}"),
            format!("8 {code} {compact}"),
            format!("8({code}){compact}"),
            format!("+7{n}"),
            format!("8{n}"),
            format!("+7 ({code}) {compact}"),
            format!("+7({code}){compact}"),
        ]
    };
    let form = rng.pick(&forms).clone();
    // Text pasted from Word or Excel keeps its no-break spaces.
    Written::whole(if rng.chance(3) {
        form.replace(' ', "\u{a0}")
    } else {
        form
    })
}

/// Numbers that look like phones but are not valid ones (domain-kz.md "Not phones"): zone 6xx
/// (reserved), a subscriber part too short or too long.
pub fn malformed_phone(rng: &mut Rng) -> String {
    let d7 = digits(rng, 7);
    match rng.below(4) {
        0 => format!("+7 600 {} {} {}", &d7[..3], &d7[3..5], &d7[5..]),
        1 => format!("+7 (7172) {}", &d7[..4]),
        2 => format!(
            "+7 {} {} {} {}8",
            rng.weighted(&KZ_MOBILE),
            &d7[..3],
            &d7[3..5],
            &d7[5..]
        ),
        _ => format!("8 {} {}", rng.weighted(&KZ_MOBILE), &d7[..5]),
    }
}

// ------------------------------------------------------------------------------ emails, handles

const PROVIDERS: [(u32, &str); 14] = [
    (25, "gmail.com"),
    (22, "mail.ru"),
    (5, "inbox.ru"),
    (4, "bk.ru"),
    (4, "list.ru"),
    (5, "yandex.kz"),
    (6, "yandex.ru"),
    (2, "ya.ru"),
    (6, "mail.kz"),
    (3, "outlook.com"),
    (3, "icloud.com"),
    (1, "hotmail.com"),
    (2, "internet.ru"),
    (1, "rambler.ru"),
];

const INSTITUTIONS: [&str; 10] = [
    "nis.edu.kz",
    "ast.nis.edu.kz",
    "nu.edu.kz",
    "sdu.edu.kz",
    "kaznu.edu.kz",
    "enu.kz",
    "kbtu.kz",
    "astanait.edu.kz",
    "aitu.edu.kz",
    "zhezu.edu.kz",
];

/// Internationalised domains: the Kazakh `.қаз` and Russian `.рф` zones.
const CYRILLIC_DOMAINS: [&str; 5] = [
    "мектеп.қаз",
    "білім.қаз",
    "колледж.қаз",
    "почта.рф",
    "школа.рф",
];

const NICK_WORDS: [&str; 16] = [
    "sunny", "star", "kitty", "tiger", "zhuldyz", "aruzhan", "bars", "nomad", "steppe", "almaty",
    "astana", "best", "mega", "dream", "angel", "lucky",
];

/// An email address for a person whose name in Latin letters is `given`/`surname` (lower
/// case): most people build theirs from the name, some pick a nickname.
pub fn email(rng: &mut Rng, given: &str, surname: &str, birth_year: u32) -> String {
    let yy = birth_year % 100;
    let g0 = &given[..1];
    let s0 = &surname[..1];
    let local = match rng.below(14) {
        0 | 1 => format!("{given}.{surname}"),
        2 => format!("{given}{yy:02}"),
        3 => format!("{g0}.{surname}"),
        4 => format!("{surname}_{g0}"),
        5 => format!("{given}_{surname}{}", rng.range(1, 99)),
        6 => format!("{given}{surname}"),
        7 => format!("{given}.{s0}{}", birth_year),
        8 => format!("{}_{}{}", rng.pick(&NICK_WORDS), given, rng.range(1, 999)),
        9 => format!("{given}-{surname}"),
        10 => format!("{surname}.{given}{}", rng.range(1, 9)),
        11 => format!("{given}.{surname}+lms"),
        12 => format!("{}{}", rng.pick(&NICK_WORDS), rng.range(10, 2025)),
        _ => format!("{g0}{surname}{yy:02}"),
    };
    let domain = match rng.below(100) {
        0..80 => rng.weighted(&PROVIDERS).to_string(),
        80..88 => format!("school{}.edu.kz", rng.range(1, 199)),
        88..96 => rng.pick(&INSTITUTIONS).to_string(),
        _ => rng.pick(&CYRILLIC_DOMAINS).to_string(),
    };
    let address = format!("{local}@{domain}");
    // Some people type their address with capitals; the normalised form lower-cases it.
    if rng.chance(5) {
        capitalise_parts(&address)
    } else {
        address
    }
}

/// An organisation's address: `info@…`, `priem@…`.
pub fn role_email(rng: &mut Rng) -> String {
    const ROLES: [&str; 8] = [
        "info", "priem", "office", "buh", "support", "director", "kense", "hr",
    ];
    let domain = match rng.below(3) {
        0 => format!("school{}.edu.kz", rng.range(1, 199)),
        1 => format!(
            "{}.kz",
            rng.pick(&["bilimcenter", "zerde-edu", "orleu", "smartkids"])
        ),
        _ => rng.pick(&INSTITUTIONS).to_string(),
    };
    format!("{}@{domain}", rng.pick(&ROLES))
}

fn capitalise_parts(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut start = true;
    for c in s.chars() {
        if start {
            out.extend(c.to_uppercase());
        } else {
            out.push(c);
        }
        start = matches!(c, '.' | '@' | '_');
    }
    out
}

/// A Telegram handle (without `@`): 5–32 of `[A-Za-z0-9_]`, starting with a letter, not
/// ending with `_` (Telegram's rules).
pub fn handle(rng: &mut Rng, given: &str, surname: &str, birth_year: u32) -> String {
    let g0 = &given[..1];
    let h = match rng.below(8) {
        0 => format!("{given}_{}", &surname[..1]),
        1 => format!("{given}_{surname}"),
        2 => format!("{given}{}", birth_year),
        3 => format!("{g0}_{surname}"),
        4 => format!("{given}{}", rng.range(1, 99)),
        5 => format!("{}_{}", rng.pick(&NICK_WORDS), given),
        6 => format!("{surname}{}", rng.range(1, 999)),
        _ => format!("{given}_{}_kz", &surname[..1]),
    };
    let mut h: String = h
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '_')
        .collect();
    while h.len() < 5 {
        h.push(char::from(b'0' + rng.digit()));
    }
    h.truncate(32);
    while h.ends_with('_') {
        h.pop();
    }
    if rng.chance(15) {
        h = capitalise_parts(&h);
    }
    h
}

// ------------------------------------------------------------------------------ cards

/// Issuer prefixes (BIN ranges of card brands, not persons): Visa 4, Mastercard 51–55 and
/// 2221–2720, Mir 2200–2204, UnionPay 62.
const CARD_PREFIXES: [(u32, &str); 9] = [
    (25, "440043"),
    (15, "400303"),
    (10, "4169"),
    (10, "5169"),
    (8, "5522"),
    (6, "5375"),
    (6, "2221"),
    (4, "2200"),
    (4, "6250"),
];

fn luhn_check_digit(body: &str) -> u8 {
    let sum: u32 = body
        .bytes()
        .rev()
        .enumerate()
        .map(|(i, b)| {
            let d = u32::from(b - b'0');
            if i % 2 == 0 {
                let x = d * 2;
                if x > 9 { x - 9 } else { x }
            } else {
                d
            }
        })
        .sum();
    ((10 - sum % 10) % 10) as u8
}

/// Whether a digit string passes the Luhn check.
#[cfg(test)]
pub fn luhn_valid(digits: &str) -> bool {
    let (body, last) = digits.split_at(digits.len() - 1);
    luhn_check_digit(body) == last.as_bytes()[0] - b'0'
}

/// A Luhn-valid 16-digit card number, written as people do (groups of four mostly).
pub fn card(rng: &mut Rng) -> String {
    let prefix = rng.weighted(&CARD_PREFIXES);
    let body = format!("{prefix}{}", digits(rng, 15 - prefix.len()));
    let n = format!("{body}{}", luhn_check_digit(&body));
    let groups = [&n[..4], &n[4..8], &n[8..12], &n[12..]];
    match rng.below(100) {
        0..60 => groups.join(" "),
        60..62 => groups.join("\u{a0}"),
        62..88 => n,
        _ => groups.join("-"),
    }
}

/// A card as receipts print it, and whether it is still a card finding: with the issuer's
/// first digits and the last four visible (`4400 43** **** 1234`, PCI DSS display format) it
/// links a person's payments and the card detector reports it; the last four alone
/// (`**** 1234`) do not identify anyone.
pub fn masked_card(rng: &mut Rng) -> (String, bool) {
    let last4 = digits(rng, 4);
    match rng.below(4) {
        0 => (format!("**** {last4}"), false),
        1 => (format!("*{last4}"), false),
        2 => {
            let prefix = format!("{}{}", rng.weighted(&CARD_PREFIXES), digits(rng, 2));
            (
                format!("{} {}** **** {last4}", &prefix[..4], &prefix[4..6]),
                true,
            )
        }
        _ => (format!("•••• {last4}"), false),
    }
}

// ------------------------------------------------------------------------------ look-alikes

/// A document number: half of them have the shape of a phone (`87011234567`), so only the
/// document word in front tells them apart (domain-kz.md: `Заказ № 87011234567`).
pub fn order_number(rng: &mut Rng) -> String {
    if rng.chance(50) {
        format!("8{}{}", rng.weighted(&KZ_MOBILE), digits(rng, 7))
    } else {
        let len = 5 + rng.below(5);
        format!("{}{}", rng.range(1, 9), digits(rng, len))
    }
}

/// A contract number: 10 digits (`1234567890`) or a dated form (`2024/0312-15`).
pub fn contract_number(rng: &mut Rng) -> String {
    if rng.chance(60) {
        format!("{}{}", rng.range(1, 9), digits(rng, 9))
    } else {
        format!(
            "{}/{:02}{:02}-{}",
            rng.range(2019, 2025),
            rng.range(1, 12),
            rng.range(1, 28),
            rng.range(1, 250)
        )
    }
}

/// A 12-digit `YYYYMMDDhhmm` timestamp of 2013–2025: read as an IIN its month would be 13–25,
/// so it never has the IIN structure.
pub fn timestamp12(rng: &mut Rng) -> String {
    let year = rng.range(2019, 2025);
    let month = rng.range(1, 12);
    format!(
        "{year}{month:02}{:02}{:02}{:02}",
        rng.range(1, days_in_month(year, month)),
        rng.range(0, 23),
        rng.range(0, 59)
    )
}

/// A 12-digit reference (RRN, transaction id) that has neither IIN nor BIN structure, so no
/// detector can be blamed for it without context; a third are IIN-like with a wrong check digit.
pub fn reference12(rng: &mut Rng) -> String {
    if rng.chance(30) {
        let female = rng.chance(50);
        return iin_bad_checksum(rng, Born::Adult, female);
    }
    loop {
        let s = format!("{}{}", rng.range(1, 9), digits(rng, 11));
        if !is_iin_shaped(&s) && !is_bin_shaped(&s) {
            return s;
        }
    }
}

/// Kazakh bank codes (the 3 characters after the IBAN check digits).
const BANK_CODES: [&str; 6] = ["722", "601", "856", "125", "998", "914"];

/// A Kazakh IBAN (20 characters, ISO 13616 mod-97 check digits), grouped by four or not.
pub fn iban(rng: &mut Rng) -> String {
    let bank = rng.pick(&BANK_CODES);
    let account = if rng.chance(50) {
        format!("KZT{}", digits(rng, 10))
    } else {
        digits(rng, 13)
    };
    let bban = format!("{bank}{account}");
    let numeric: String = format!("{bban}KZ00")
        .chars()
        .map(|c| {
            if c.is_ascii_digit() {
                c.to_string()
            } else {
                (u32::from(c) - u32::from('A') + 10).to_string()
            }
        })
        .collect();
    let rem = numeric
        .bytes()
        .fold(0u32, |acc, b| (acc * 10 + u32::from(b - b'0')) % 97);
    let iban = format!("KZ{:02}{bban}", 98 - rem);
    if rng.chance(60) {
        iban.as_bytes()
            .chunks(4)
            .map(|c| std::str::from_utf8(c).expect("ASCII"))
            .collect::<Vec<_>>()
            .join(" ")
    } else {
        iban
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn check_digit_agrees_with_the_domain_test_vectors() {
        for valid in [
            "871008401427",
            "760212350620",
            "031231500126",
            "730703400015",
            "061211600012",
            "940140000385",
            "961141000023",
        ] {
            let d = digits_of(valid);
            assert_eq!(check_digit(&d), Some(d[11]), "{valid}");
        }
        for wrong in ["901123300255", "871008404127", "990940003031"] {
            let d = digits_of(wrong);
            assert_ne!(check_digit(&d), Some(d[11]), "{wrong}");
        }
        assert_eq!(check_digit(&digits_of("82121424009")), None);
    }

    #[test]
    fn generated_iins_and_bins_have_their_structure() {
        let mut rng = Rng::new(1);
        for _ in 0..2000 {
            let female = rng.chance(50);
            let born = if rng.chance(50) {
                Born::Child
            } else {
                Born::Adult
            };
            let v = iin(&mut rng, born, female);
            assert!(is_iin_shaped(&v), "{v}");
            assert!(!is_bin_shaped(&v), "{v}");
            let b = bin(&mut rng);
            assert!(is_bin_shaped(&b) && !is_iin_shaped(&b), "{b}");
            let bad = iin_bad_checksum(&mut rng, born, female);
            assert!(!is_iin_shaped(&bad), "{bad}");
            let r = reference12(&mut rng);
            assert!(!is_iin_shaped(&r) && !is_bin_shaped(&r), "{r}");
            let t = timestamp12(&mut rng);
            assert!(!is_iin_shaped(&t) && !is_bin_shaped(&t), "{t}");
        }
        assert!(is_iin_shaped("871008401427") && !is_iin_shaped("871308401428"));
    }

    #[test]
    fn cards_pass_luhn_and_ibans_pass_mod97() {
        let mut rng = Rng::new(2);
        for _ in 0..500 {
            let c: String = card(&mut rng)
                .chars()
                .filter(char::is_ascii_digit)
                .collect();
            assert_eq!(c.len(), 16);
            assert!(luhn_valid(&c), "{c}");
        }
        assert!(luhn_valid("4111111111111111"));
        // The example IBAN of domain-kz.md.
        let example = "KZ86125KZT5004100100";
        let rearranged = format!("{}{}", &example[4..], &example[..4]);
        let numeric: String = rearranged
            .chars()
            .map(|c| c.to_digit(36).expect("alphanumeric").to_string())
            .collect();
        let rem = numeric
            .bytes()
            .fold(0u32, |acc, b| (acc * 10 + u32::from(b - b'0')) % 97);
        assert_eq!(rem, 1);
        for _ in 0..200 {
            let i: String = iban(&mut rng).split(' ').collect();
            let r = format!("{}{}", &i[4..], &i[..4]);
            let n: String = r
                .chars()
                .map(|c| c.to_digit(36).expect("alphanumeric").to_string())
                .collect();
            let rem = n
                .bytes()
                .fold(0u32, |acc, b| (acc * 10 + u32::from(b - b'0')) % 97);
            assert_eq!(rem, 1, "{i}");
        }
    }

    #[test]
    fn phone_spans_cover_the_number_without_prefixes() {
        let mut rng = Rng::new(3);
        for _ in 0..3000 {
            let p = phone(&mut rng);
            let style = *rng.pick(&[
                PhoneStyle::AfterWord,
                PhoneStyle::Bare,
                PhoneStyle::Log,
                PhoneStyle::Column,
                PhoneStyle::WaMe,
            ]);
            let w = write_phone(&mut rng, &p, style);
            let span = &w.text[w.start..w.end];
            let digits: String = span.chars().filter(char::is_ascii_digit).collect();
            assert!(digits.ends_with(&p.national), "{span}");
            assert!(digits.len() == 10 || digits.len() == 11, "{span}");
            assert!(
                span.starts_with(['+', '8', '7', '(']),
                "{span} starts badly"
            );
            assert!(span.ends_with(|c: char| c.is_ascii_digit()), "{span}");
            assert!(!span.contains("tel:") && !span.contains("wa.me"));
            if style != PhoneStyle::AfterWord {
                assert!(!span.starts_with('('), "{span} needs a phone word");
            }
        }
    }

    #[test]
    fn handles_follow_telegram_rules() {
        let mut rng = Rng::new(4);
        for _ in 0..1000 {
            let h = handle(&mut rng, "aigerim", "zhumabekova", 2008);
            assert!((5..=32).contains(&h.len()), "{h}");
            assert!(h.starts_with(|c: char| c.is_ascii_alphabetic()), "{h}");
            assert!(!h.ends_with('_'));
            assert!(h.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'));
        }
    }
}
