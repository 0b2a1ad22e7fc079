//! Prints the synthetic values used in the hand-written held-out set (`fixtures/holdout/`):
//! IINs and BINs with correct check digits, Luhn-valid card numbers on real issuer prefixes
//! with made-up account digits, Kazakh EAN-13 barcodes and random references (decoys).
//!
//! The check digits are computed here by an implementation written apart from
//! `tazala::detect`, so the held-out set does not inherit a mistake of the detectors.
//!
//! ```text
//! cargo run --example holdout_values
//! ```

/// xorshift64*: reproducible, no dependency.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }

    fn digits(&mut self, n: usize) -> String {
        (0..n)
            .map(|_| char::from(b'0' + self.below(10) as u8))
            .collect()
    }
}

/// domain-kz.md §IIN: weights 1..11, then 3..11,1,2 when the first pass gives 10.
fn iin_check(first11: &str) -> Option<u32> {
    let d: Vec<u32> = first11.bytes().map(|b| u32::from(b - b'0')).collect();
    let w1 = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11];
    let w2 = [3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2];
    let r = d.iter().zip(w1).map(|(a, b)| a * b).sum::<u32>() % 11;
    if r != 10 {
        return Some(r);
    }
    let r = d.iter().zip(w2).map(|(a, b)| a * b).sum::<u32>() % 11;
    (r != 10).then_some(r)
}

fn luhn_complete(body: &str) -> String {
    let sum: u32 = body
        .bytes()
        .rev()
        .enumerate()
        .map(|(i, b)| {
            let d = u32::from(b - b'0');
            if i % 2 == 0 {
                let dd = d * 2;
                if dd > 9 { dd - 9 } else { dd }
            } else {
                d
            }
        })
        .sum();
    format!("{body}{}", (10 - sum % 10) % 10)
}

fn luhn_valid(n: &str) -> bool {
    luhn_complete(&n[..n.len() - 1]) == n
}

fn ean13_complete(body12: &str) -> String {
    let sum: u32 = body12
        .bytes()
        .enumerate()
        .map(|(i, b)| u32::from(b - b'0') * if i % 2 == 0 { 1 } else { 3 })
        .sum();
    format!("{body12}{}", (10 - sum % 10) % 10)
}

fn main() {
    let mut rng = Rng(0x07A2_A1A0_5EED);

    println!("# IIN: YYMMDD, century/sex digit, 4 serial digits, check digit");
    let births = [
        ("871008", 3),
        ("760212", 3),
        ("920315", 4),
        ("950728", 3),
        ("990101", 4),
        ("010914", 5),
        ("051123", 6),
        ("070430", 5),
        ("100617", 6),
        ("120229", 5),
        ("140802", 6),
        ("160511", 5),
        ("641201", 4),
        ("580930", 3),
        ("831117", 4),
        ("030303", 6),
        ("090909", 5),
        ("110110", 6),
        ("881231", 3),
        ("970606", 4),
        ("020220", 5),
        ("080808", 6),
        ("131013", 5),
        ("150115", 6),
        ("780419", 3),
        ("851025", 4),
        ("930707", 3),
        ("000101", 5),
        ("060606", 6),
        ("170317", 5),
    ];
    let mut pass2 = Vec::new();
    for (date, century) in births {
        let mut found = 0;
        while found < 3 {
            let first = format!("{date}{century}{}", rng.digits(4));
            let Some(k) = iin_check(&first) else { continue };
            let w1: u32 = first
                .bytes()
                .zip(1..)
                .map(|(b, w)| u32::from(b - b'0') * w)
                .sum::<u32>()
                % 11;
            if w1 == 10 {
                pass2.push(format!("{first}{k}"));
            }
            print!("{first}{k} ");
            found += 1;
        }
        println!();
    }
    println!("# IIN needing pass 2 among the above: {}", pass2.join(" "));
    // Pass-2 IINs are rare (1 in 11): make a few on purpose.
    let mut extra = Vec::new();
    while extra.len() < 6 {
        let (date, century) = births[rng.below(births.len() as u64) as usize];
        let first = format!("{date}{century}{}", rng.digits(4));
        let w1: u32 = first
            .bytes()
            .zip(1..)
            .map(|(b, w)| u32::from(b - b'0') * w)
            .sum::<u32>()
            % 11;
        if w1 == 10
            && let Some(k) = iin_check(&first)
        {
            extra.push(format!("{first}{k}"));
        }
    }
    println!("# more pass-2 IINs: {}", extra.join(" "));

    println!("# BIN: YYMM, entity 4/5/6, division 0-3, 5 serial digits, check digit");
    for (ym, t, a) in [
        ("0409", 4, 0),
        ("1103", 4, 0),
        ("1508", 4, 1),
        ("1812", 4, 0),
        ("1902", 4, 0),
        ("2006", 4, 2),
        ("2201", 5, 1),
        ("0712", 4, 0),
        ("9908", 4, 0),
        ("1305", 6, 0),
        ("2104", 4, 0),
        ("0310", 4, 3),
    ] {
        let mut found = 0;
        while found < 3 {
            let first = format!("{ym}{t}{a}{}", rng.digits(5));
            if let Some(k) = iin_check(&first) {
                print!("{first}{k} ");
                found += 1;
            }
        }
        println!();
    }

    println!(
        "# cards: issuer prefix (Kaspi 440043, Halyk/Jusan/… Visa and Mastercard, Mir, UnionPay)"
    );
    for prefix in [
        "440043", "440043", "440043", "400303", "405645", "535474", "539545", "220070", "624303",
        "517792", "457367", "676280", "440043", "440043", "440043", "440043", "405645", "535474",
        "220070", "457367", "400303", "517792", "440043", "539545",
    ] {
        let body = format!("{prefix}{}", rng.digits(15 - prefix.len()));
        let pan = luhn_complete(&body);
        assert!(luhn_valid(&pan));
        print!("{pan} ");
    }
    println!();
    let amex = luhn_complete(&format!("37{}", rng.digits(12)));
    println!("# amex: {amex}");

    println!("# EAN-13 barcodes of Kazakh goods (prefix 487): [L] = also passes Luhn");
    for _ in 0..30 {
        let ean = ean13_complete(&format!("487{}", rng.digits(9)));
        let tag = if luhn_valid(&ean) { "[L]" } else { "" };
        print!("{ean}{tag} ");
    }
    println!();

    println!("# random references (decoys), 12 and 16 digits");
    for _ in 0..12 {
        print!("{} ", rng.digits(12));
    }
    println!();
    for _ in 0..8 {
        let r = rng.digits(16);
        let tag = if luhn_valid(&r) { "[L]" } else { "" };
        print!("{r}{tag} ");
    }
    println!();

    println!("# more cards (second batch, same method)");
    for prefix in [
        "440043", "440043", "440043", "440043", "400303", "405645", "457367", "535474", "539545",
        "517792", "220070", "624303", "440043", "405645", "535474", "440043",
    ] {
        let body = format!("{prefix}{}", rng.digits(15 - prefix.len()));
        print!("{} ", luhn_complete(&body));
    }
    println!();

    // Second batch, for records written after the detector fixes.
    println!("# batch 2: IINs with random birth dates 1950–2019");
    let mut n = 0;
    while n < 40 {
        let year = 1950 + rng.below(70) as u32;
        let (month, day) = (1 + rng.below(12) as u32, 1 + rng.below(28) as u32);
        let century = match (year >= 2000, rng.below(2)) {
            (false, 0) => 3,
            (false, _) => 4,
            (true, 0) => 5,
            (true, _) => 6,
        };
        let first = format!(
            "{:02}{month:02}{day:02}{century}{}",
            year % 100,
            rng.digits(4)
        );
        if let Some(k) = iin_check(&first) {
            print!("{first}{k} ");
            n += 1;
        }
    }
    println!();
    println!("# batch 2: BINs");
    n = 0;
    while n < 12 {
        let first = format!(
            "{:02}{:02}4{}{}",
            rng.below(25),
            1 + rng.below(12),
            rng.below(3),
            rng.digits(5)
        );
        if let Some(k) = iin_check(&first) {
            print!("{first}{k} ");
            n += 1;
        }
    }
    println!();
    println!("# batch 2: cards");
    for prefix in [
        "440043", "440043", "440043", "405645", "535474", "539545", "400303", "457367", "220070",
        "517792",
    ] {
        let body = format!("{prefix}{}", rng.digits(15 - prefix.len()));
        print!("{} ", luhn_complete(&body));
    }
    println!();
}
