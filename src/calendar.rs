//! Gregorian calendar dates: the birth date an IIN encodes (`detect::iin`), the dates a policy
//! generalises and the reference date of ages (`generalise`), Parquet `Date32` values (`io`).
//! No time zones and no times: a date is a day.

use std::fmt;
use std::sync::OnceLock;
use std::time::{SystemTime, UNIX_EPOCH};

/// A date of the Gregorian calendar.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    pub year: i32,
    pub month: u32,
    pub day: u32,
}

/// Days in `month` of `year`; 0 for a month outside 1–12.
pub fn days_in_month(year: i32, month: u32) -> u32 {
    let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => 0,
    }
}

impl Date {
    /// `Some` when the date exists (29 February in leap years only).
    pub fn new(year: i32, month: u32, day: u32) -> Option<Date> {
        (day >= 1 && day <= days_in_month(year, month)).then_some(Date { year, month, day })
    }

    /// Reads `YYYY-MM-DD` (a time after it, `T…` or ` …`, is ignored), `YYYY.MM.DD`,
    /// `YYYY/MM/DD`, `DD.MM.YYYY` and `DD/MM/YYYY` (day first, as Kazakh and Russian exports
    /// write it); `None` for anything else and for dates that do not exist.
    pub fn parse(value: &str) -> Option<Date> {
        let v = value.trim();
        let head = v.split(['T', ' ']).next().unwrap_or("");
        let parts: Vec<&str> = head.split(['-', '.', '/']).collect();
        let [a, b, c] = parts.as_slice() else {
            return None;
        };
        let num = |s: &str| -> Option<u32> {
            (!s.is_empty() && s.len() <= 4 && s.bytes().all(|b| b.is_ascii_digit()))
                .then(|| s.parse().ok())
                .flatten()
        };
        let (y, m, d) = if a.len() == 4 {
            (num(a)?, num(b)?, num(c)?)
        } else if c.len() == 4 && !head.contains('-') {
            (num(c)?, num(b)?, num(a)?)
        } else {
            return None;
        };
        if b.len() > 2 || (a.len() != 4 && a.len() > 2) || (a.len() == 4 && c.len() > 2) {
            return None;
        }
        Date::new(i32::try_from(y).ok()?, m, d)
    }

    /// The date `days` after 1970-01-01 (H. Hinnant's `civil_from_days`): Parquet `Date32`.
    pub fn from_days_since_epoch(days: i64) -> Date {
        let z = days + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z.rem_euclid(146_097);
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
        let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
        let year = (yoe + era * 400 + i64::from(month <= 2)) as i32;
        Date { year, month, day }
    }

    /// Today in UTC, read once per process: a run that crosses midnight keeps its first day,
    /// so every file of one run is judged and generalised against the same date.
    pub fn today() -> Date {
        static TODAY: OnceLock<Date> = OnceLock::new();
        *TODAY.get_or_init(|| {
            let secs = SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .map_or(0, |d| d.as_secs());
            Date::from_days_since_epoch((secs / 86_400) as i64)
        })
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(year: i32, month: u32, day: u32) -> Date {
        Date::new(year, month, day).unwrap()
    }

    #[test]
    fn day_counts_map_to_dates_across_leap_days_and_the_epoch() {
        assert_eq!(Date::from_days_since_epoch(0), d(1970, 1, 1));
        assert_eq!(Date::from_days_since_epoch(-1), d(1969, 12, 31));
        assert_eq!(Date::from_days_since_epoch(11_016), d(2000, 2, 29));
        assert_eq!(Date::from_days_since_epoch(14_303), d(2009, 2, 28));
        assert_eq!(Date::from_days_since_epoch(19_723), d(2024, 1, 1));
        assert!(Date::today() >= d(2025, 1, 1));
    }

    #[test]
    fn only_real_dates_exist() {
        assert!(Date::new(2000, 2, 29).is_some());
        assert!(Date::new(1988, 2, 29).is_some());
        assert!(Date::new(1900, 2, 29).is_none());
        assert!(Date::new(2023, 2, 29).is_none());
        assert!(Date::new(2023, 13, 1).is_none());
        assert!(Date::new(2023, 4, 31).is_none());
        assert!(Date::new(2023, 1, 0).is_none());
    }
}
