//! Generalisation: a value replaced by a coarser one that keeps the statistics (a birth date by
//! its year or age band, a postcode by its region), and attributes derived from an IIN before
//! it is pseudonymised (birth year, sex, age band).
//!
//! | action | input | output | cannot be read |
//! |---|---|---|---|
//! | `year` | a date | `2009` | empty |
//! | `month` | a date | `2009-03` | empty |
//! | `age_band` | a date of birth | the band of the age in full years on the reference date: `7-10`, `65+`, `<7` below the first band | empty (also a birth after the reference date) |
//! | `truncate:N` | any value | its first N characters (a phone in a phone column: of its E.164 form, `+7701`) | — |
//! | `bucket:W` | a number | `[30,40)`: the half-open range of width W holding it | empty |
//! | `bucket` + `edges` | a number | `[50,70)` between two edges, `<0` below the first, `>=100` from the last | empty |
//! | `top_code:N` | any value | kept when the column holds it in at least N records, else `other` (counted in a first pass, see `anonymise`) | — |
//!
//! Dates are read as `YYYY-MM-DD` (a time after it, `T…` or ` …`, is ignored), `YYYY.MM.DD`,
//! `YYYY/MM/DD`, `DD.MM.YYYY` and `DD/MM/YYYY` (day first, as Kazakh and Russian exports write
//! it); anything else, or a date that does not exist (`2023-02-29`), cannot be read. A value that
//! cannot be generalised is written empty, never kept as is: keeping it would leak exactly the
//! detail the policy asked to remove. Numbers take `.` or `,` as the decimal mark.
//!
//! Ages: full years on the reference date (`reference`, default the day of the run in UTC). The
//! birthday counts on its day: a person born 2015-09-01 is 10 on 2025-09-01. Someone born on
//! 29 February turns a year older on 1 March in a common year (on 28 February they are not yet
//! a year older), the usual legal reading.
//!
//! Derived from an IIN (digits 1–6 the birth date YYMMDD, digit 7 the century and sex: 1/2 = male/
//! female born 18xx, 3/4 = 19xx, 5/6 = 20xx; domain-kz.md): only from an IIN whose check digit
//! passes, whose digit 7 is 1–6 and whose date exists. Anything else (digit 7 = 0 or 7–9, a wrong
//! check digit, Excel's `6.12116E+10`, text) derives nothing: the new values are empty (null in
//! Parquet). Since 2013 the digits need not match the holder: the derived values are what the
//! IIN encodes. An IIN that lost its leading zero (11 digits) is padded first.
//!
//! What this module is not: it reads no file and knows no column; `anonymise` applies these
//! functions to the columns a policy names.

use std::fmt::Write as _;

use crate::detect::iin::{self, ColumnValue};

pub use crate::calendar::Date;
pub use crate::detect::iin::Sex;

/// Full years from `birth` to `on`; `None` when `on` is before `birth`.
pub fn age_on(birth: Date, on: Date) -> Option<u32> {
    if on < birth {
        return None;
    }
    let before_birthday = (on.month, on.day) < (birth.month, birth.day);
    u32::try_from(on.year - birth.year - i32::from(before_birthday)).ok()
}

/// Age bands as ascending lower bounds: `[0, 7, 11]` makes `0-6`, `7-10`, `11+`.
#[derive(Clone, Debug, PartialEq)]
pub struct AgeBands {
    lower: Vec<u32>,
}

/// School-minded default bands: pre-school, primary (grades 1–4), lower secondary (5–9), upper
/// secondary (10–11), then adult decades-ish.
pub const DEFAULT_AGE_BANDS: [u32; 9] = [0, 7, 11, 16, 18, 25, 35, 50, 65];

impl Default for AgeBands {
    fn default() -> Self {
        AgeBands {
            lower: DEFAULT_AGE_BANDS.to_vec(),
        }
    }
}

impl AgeBands {
    /// Bands from their lower bounds, which must strictly ascend.
    pub fn new(lower: Vec<u32>) -> Result<AgeBands, String> {
        if lower.is_empty() {
            return Err(
                "`bands` is empty: give the lower bound of each band, e.g. [0, 7, 11]".into(),
            );
        }
        if lower.windows(2).any(|w| w[0] >= w[1]) {
            return Err("`bands` must strictly ascend (lower bounds of the bands)".into());
        }
        Ok(AgeBands { lower })
    }

    /// The band holding `age`.
    pub fn label(&self, age: u32) -> String {
        let i = self.lower.partition_point(|&l| l <= age);
        if i == 0 {
            return format!("<{}", self.lower[0]);
        }
        match self.lower.get(i) {
            Some(next) if next - 1 == self.lower[i - 1] => self.lower[i - 1].to_string(),
            Some(next) => format!("{}-{}", self.lower[i - 1], next - 1),
            None => format!("{}+", self.lower[i - 1]),
        }
    }
}

/// How `bucket` cuts numbers.
#[derive(Clone, Debug, PartialEq)]
pub enum Buckets {
    /// Ranges `[n·W, (n+1)·W)`.
    Width(f64),
    /// Ranges between ascending edges.
    Edges(Vec<f64>),
}

/// A generalisation action (see the module documentation).
#[derive(Clone, Debug, PartialEq)]
pub enum Generalisation {
    Year,
    Month,
    AgeBand { bands: AgeBands, reference: Date },
    Truncate(usize),
    Bucket(Buckets),
    TopCode(u64),
}

/// What `top_code` writes for a rare value.
pub const OTHER: &str = "other";

impl Generalisation {
    /// The action's name as written in a policy (without parameters).
    pub fn name(&self) -> &'static str {
        match self {
            Generalisation::Year => "year",
            Generalisation::Month => "month",
            Generalisation::AgeBand { .. } => "age_band",
            Generalisation::Truncate(_) => "truncate",
            Generalisation::Bucket(_) => "bucket",
            Generalisation::TopCode(_) => "top_code",
        }
    }

    /// The generalised value; `None` when the value cannot be read (it is then written empty).
    /// `top_code` returns the value unchanged: its replacement needs the column's counts.
    /// Empty values stay empty.
    pub fn apply(&self, value: &str) -> Option<String> {
        let v = value.trim();
        if v.is_empty() {
            return Some(String::new());
        }
        match self {
            Generalisation::Year => Date::parse(v).map(|d| d.year.to_string()),
            Generalisation::Month => {
                Date::parse(v).map(|d| format!("{:04}-{:02}", d.year, d.month))
            }
            Generalisation::AgeBand { bands, reference } => {
                let birth = Date::parse(v)?;
                age_on(birth, *reference).map(|a| bands.label(a))
            }
            Generalisation::Truncate(n) => Some(v.chars().take(*n).collect()),
            Generalisation::Bucket(b) => parse_number(v).map(|x| bucket(b, x)),
            Generalisation::TopCode(_) => Some(v.to_string()),
        }
    }
}

/// A number with `.` or `,` as the decimal mark (spaces inside, `1 200`, allowed).
pub fn parse_number(value: &str) -> Option<f64> {
    let cleaned: String = value
        .trim()
        .chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| if c == ',' { '.' } else { c })
        .collect();
    cleaned.parse::<f64>().ok().filter(|x| x.is_finite())
}

fn bucket(b: &Buckets, x: f64) -> String {
    let mut out = String::new();
    match b {
        Buckets::Width(w) => {
            let lo = (x / w).floor() * w;
            let _ = write!(out, "[{},{})", tidy(lo), tidy(lo + w));
        }
        Buckets::Edges(edges) => {
            let i = edges.partition_point(|&e| e <= x);
            if i == 0 {
                let _ = write!(out, "<{}", tidy(edges[0]));
            } else if i == edges.len() {
                let _ = write!(out, ">={}", tidy(edges[i - 1]));
            } else {
                let _ = write!(out, "[{},{})", tidy(edges[i - 1]), tidy(edges[i]));
            }
        }
    }
    out
}

/// A bound as people write it: `30`, not `30.0`; no `-0`; float noise of `n·W` rounded away.
fn tidy(x: f64) -> String {
    let r = (x * 1e9).round() / 1e9;
    if r == 0.0 {
        "0".to_string()
    } else {
        r.to_string()
    }
}

impl Sex {
    /// As written in a derived column.
    pub fn as_str(self) -> &'static str {
        match self {
            Sex::Male => "M",
            Sex::Female => "F",
        }
    }
}

/// What an IIN encodes: birth date and sex.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct IinFacts {
    pub birth: Date,
    pub sex: Sex,
}

/// The birth date and sex an IIN encodes; `None` for anything that is not a checkable IIN with
/// digit 7 in 1–6 and a real date (see the module documentation).
pub fn iin_facts(value: &str) -> Option<IinFacts> {
    let ColumnValue::Digits(d) = iin::normalize_column_value(value) else {
        return None;
    };
    if !d.check.is_valid() {
        return None;
    }
    let (birth, sex) = iin::encoded_birth_and_sex(&d.digits)?;
    Some(IinFacts { birth, sex })
}

/// An attribute derived from an IIN into a new column.
#[derive(Clone, Debug, PartialEq)]
pub enum Derived {
    BirthYear,
    Sex,
    AgeBand { bands: AgeBands, reference: Date },
}

impl Derived {
    /// The attribute's name in a policy.
    pub fn name(&self) -> &'static str {
        match self {
            Derived::BirthYear => "birth_year",
            Derived::Sex => "sex",
            Derived::AgeBand { .. } => "age_band",
        }
    }

    /// The derived value, `None` when the IIN gives none.
    pub fn value(&self, iin_value: &str) -> Option<String> {
        let facts = iin_facts(iin_value)?;
        match self {
            Derived::BirthYear => Some(facts.birth.year.to_string()),
            Derived::Sex => Some(facts.sex.as_str().to_string()),
            Derived::AgeBand { bands, reference } => {
                age_on(facts.birth, *reference).map(|a| bands.label(a))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> Date {
        Date::new(y, m, day).unwrap()
    }

    #[test]
    fn dates_are_read_in_the_forms_exports_use_and_must_exist() {
        for (text, date) in [
            ("2009-03-01", d(2009, 3, 1)),
            ("2009-03-01T10:00:00", d(2009, 3, 1)),
            ("2009-03-01 10:00", d(2009, 3, 1)),
            ("01.03.2009", d(2009, 3, 1)),
            ("1.3.2009", d(2009, 3, 1)),
            ("01/03/2009", d(2009, 3, 1)),
            ("2009/03/01", d(2009, 3, 1)),
            ("2008-02-29", d(2008, 2, 29)),
            ("29.02.2000", d(2000, 2, 29)),
        ] {
            assert_eq!(Date::parse(text), Some(date), "{text}");
        }
        for bad in [
            "2023-02-29",
            "29.02.1900",
            "2009-13-01",
            "2009-00-10",
            "32.01.2009",
            "01-03-2009",
            "2009",
            "вчера",
            "2009-03",
            "12345-01-01",
        ] {
            assert_eq!(Date::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn ages_count_the_birthday_on_its_day() {
        assert_eq!(age_on(d(2015, 9, 1), d(2025, 9, 1)), Some(10));
        assert_eq!(age_on(d(2015, 9, 1), d(2025, 8, 31)), Some(9));
        assert_eq!(age_on(d(2015, 9, 1), d(2015, 9, 1)), Some(0));
        assert_eq!(age_on(d(2015, 9, 2), d(2015, 9, 1)), None);
        // Year boundaries.
        assert_eq!(age_on(d(2010, 12, 31), d(2025, 1, 1)), Some(14));
        assert_eq!(age_on(d(2010, 1, 1), d(2024, 12, 31)), Some(14));
        assert_eq!(age_on(d(2010, 1, 1), d(2025, 1, 1)), Some(15));
    }

    #[test]
    fn born_on_29_february_ages_on_1_march_in_common_years() {
        let leapling = d(2008, 2, 29);
        assert_eq!(age_on(leapling, d(2025, 2, 28)), Some(16));
        assert_eq!(age_on(leapling, d(2025, 3, 1)), Some(17));
        assert_eq!(age_on(leapling, d(2024, 2, 28)), Some(15));
        assert_eq!(age_on(leapling, d(2024, 2, 29)), Some(16));
    }

    #[test]
    fn age_bands_label_their_bounds() {
        let b = AgeBands::new(vec![7, 11, 16, 18]).unwrap();
        assert_eq!(b.label(6), "<7");
        assert_eq!(b.label(7), "7-10");
        assert_eq!(b.label(10), "7-10");
        assert_eq!(b.label(11), "11-15");
        assert_eq!(b.label(17), "16-17");
        assert_eq!(b.label(18), "18+");
        assert_eq!(AgeBands::new(vec![0, 1, 5]).unwrap().label(0), "0");
        assert!(AgeBands::new(vec![]).is_err());
        assert!(AgeBands::new(vec![7, 7]).is_err());
        assert!(AgeBands::new(vec![11, 7]).is_err());
        assert_eq!(AgeBands::default().label(9), "7-10");
    }

    #[test]
    fn age_band_on_edge_dates() {
        let g = Generalisation::AgeBand {
            bands: AgeBands::new(vec![0, 7, 11]).unwrap(),
            reference: d(2025, 9, 1),
        };
        assert_eq!(
            g.apply("2018-09-01").as_deref(),
            Some("7-10"),
            "7th birthday on the day"
        );
        assert_eq!(
            g.apply("2018-09-02").as_deref(),
            Some("0-6"),
            "a day short of 7"
        );
        assert_eq!(g.apply("29.02.2016").as_deref(), Some("7-10"));
        assert_eq!(g.apply("2026-01-01"), None, "born after the reference");
        assert_eq!(g.apply("not a date"), None);
        assert_eq!(g.apply("  ").as_deref(), Some(""));
        let leap_ref = Generalisation::AgeBand {
            bands: AgeBands::new(vec![0, 11]).unwrap(),
            reference: d(2027, 2, 28),
        };
        assert_eq!(leap_ref.apply("2016-02-29").as_deref(), Some("0-10"));
        let march = Generalisation::AgeBand {
            bands: AgeBands::new(vec![0, 11]).unwrap(),
            reference: d(2027, 3, 1),
        };
        assert_eq!(march.apply("2016-02-29").as_deref(), Some("11+"));
    }

    #[test]
    fn year_and_month_at_year_boundaries_and_29_february() {
        assert_eq!(
            Generalisation::Year.apply("31.12.2009").as_deref(),
            Some("2009")
        );
        assert_eq!(
            Generalisation::Year.apply("2010-01-01").as_deref(),
            Some("2010")
        );
        assert_eq!(
            Generalisation::Month.apply("2008-02-29").as_deref(),
            Some("2008-02")
        );
        assert_eq!(
            Generalisation::Month.apply("01.01.2010").as_deref(),
            Some("2010-01")
        );
        assert_eq!(Generalisation::Year.apply("2009-02-29"), None);
    }

    #[test]
    fn truncate_keeps_leading_characters() {
        let t = Generalisation::Truncate(3);
        assert_eq!(t.apply("050000").as_deref(), Some("050"));
        assert_eq!(t.apply("Алматы").as_deref(), Some("Алм"));
        assert_eq!(t.apply("12").as_deref(), Some("12"));
    }

    #[test]
    fn buckets_by_width_and_edges() {
        let w = Generalisation::Bucket(Buckets::Width(10.0));
        assert_eq!(w.apply("37").as_deref(), Some("[30,40)"));
        assert_eq!(w.apply("40").as_deref(), Some("[40,50)"));
        assert_eq!(w.apply("-0,5").as_deref(), Some("[-10,0)"));
        assert_eq!(w.apply("0").as_deref(), Some("[0,10)"));
        assert_eq!(w.apply("n/a"), None);
        let f = Generalisation::Bucket(Buckets::Width(0.1));
        assert_eq!(f.apply("0.35").as_deref(), Some("[0.3,0.4)"));
        let e = Generalisation::Bucket(Buckets::Edges(vec![0.0, 50.0, 70.0, 100.0]));
        assert_eq!(e.apply("-1").as_deref(), Some("<0"));
        assert_eq!(e.apply("0").as_deref(), Some("[0,50)"));
        assert_eq!(e.apply("69,9").as_deref(), Some("[50,70)"));
        assert_eq!(e.apply("70").as_deref(), Some("[70,100)"));
        assert_eq!(e.apply("100").as_deref(), Some(">=100"));
    }

    #[test]
    fn derived_birth_year_and_sex_for_every_century_digit() {
        // Digits 1–6 on one date; the check digit is computed, so each is a valid IIN.
        for (digit, year, sex) in [
            (1, 1887, Sex::Male),
            (2, 1887, Sex::Female),
            (3, 1987, Sex::Male),
            (4, 1987, Sex::Female),
            (5, 2087, Sex::Male),
            (6, 2087, Sex::Female),
        ] {
            let iin = with_check_digit(&format!("871008{digit}0142"));
            let facts = iin_facts(&iin).unwrap_or_else(|| panic!("{iin}"));
            assert_eq!(facts.birth, d(year, 10, 8), "{iin}");
            assert_eq!(facts.sex, sex, "{iin}");
            assert_eq!(Derived::BirthYear.value(&iin), Some(year.to_string()));
            assert_eq!(Derived::Sex.value(&iin).as_deref(), Some(sex.as_str()));
        }
        for digit in [0, 7, 8, 9] {
            let iin = with_check_digit(&format!("871008{digit}0142"));
            assert_eq!(iin_facts(&iin), None, "{iin}");
            assert_eq!(Derived::BirthYear.value(&iin), None);
        }
    }

    #[test]
    fn derived_from_the_domain_test_vectors() {
        assert_eq!(iin_facts("871008401427").unwrap().birth, d(1987, 10, 8));
        assert_eq!(iin_facts("871008401427").unwrap().sex, Sex::Female);
        assert_eq!(iin_facts("800416100254").unwrap().birth, d(1880, 4, 16));
        assert_eq!(iin_facts("680503250034").unwrap().sex, Sex::Female);
        assert_eq!(iin_facts("031231500126").unwrap().birth, d(2003, 12, 31));
        let lost_zero = iin_facts("61211600012").unwrap();
        assert_eq!(
            (lost_zero.birth, lost_zero.sex),
            (d(2006, 12, 11), Sex::Female)
        );
        assert_eq!(iin_facts("0612 1160 0012").unwrap().birth, d(2006, 12, 11));
        // Wrong check digit, never issued, month 13, digit 7 outside 1–6, lossy Excel, text.
        for bad in [
            "901123300255",
            "821214240090",
            "871308401428",
            "871008701426",
            "871008011429",
            "6.12116E+10",
            "IIN-abc",
            "",
        ] {
            assert_eq!(iin_facts(bad), None, "{bad}");
        }
        let band = Derived::AgeBand {
            bands: AgeBands::new(vec![0, 18]).unwrap(),
            reference: d(2024, 12, 11),
        };
        assert_eq!(band.value("061211600012").as_deref(), Some("18+"));
        let band = Derived::AgeBand {
            bands: AgeBands::new(vec![0, 18]).unwrap(),
            reference: d(2024, 12, 10),
        };
        assert_eq!(band.value("061211600012").as_deref(), Some("0-17"));
    }

    /// The 12-digit IIN with the check digit of its first 11 (must exist).
    fn with_check_digit(first11: &str) -> String {
        let digits: [u8; 11] = std::array::from_fn(|i| first11.as_bytes()[i] - b'0');
        let c = iin::check_digit_for(&digits).expect("issued");
        format!("{first11}{c}")
    }
}
