//! Calendar dates as they appear in personal identity numbers, MRZs and DG11 (no time zones, no
//! clock access: "today" is always passed in by the caller).

use std::fmt;

use crate::error::{Error, Result};

/// A proleptic Gregorian calendar date. Ordering is chronological.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    year: u16,
    month: u8,
    day: u8,
}

impl Date {
    /// A checked date; fails for month 13, 30 February and the like.
    pub fn new(year: u16, month: u8, day: u8) -> Result<Self> {
        if !(1..=12).contains(&month) {
            return Err(Error::Date("month out of range"));
        }
        if day == 0 || day > days_in_month(year, month) {
            return Err(Error::Date("day out of range"));
        }
        Ok(Self { year, month, day })
    }

    /// Year (e.g. 1985).
    pub fn year(self) -> u16 {
        self.year
    }

    /// Month 1–12.
    pub fn month(self) -> u8 {
        self.month
    }

    /// Day of month 1–31.
    pub fn day(self) -> u8 {
        self.day
    }

    /// The UTC date of a Unix timestamp (seconds), so callers can pass their `now`.
    pub fn from_unix_seconds(secs: i64) -> Result<Self> {
        // The reader's conversion, so a holder match and a report agree on the day.
        let (year, month, day) = tapid_mrtd::pa::time::civil_date(secs);
        let year = u16::try_from(year).map_err(|_| Error::Date("year out of range"))?;
        Self::new(year, month, day)
    }

    /// Parses `YYYY-MM-DD` (ISO 8601 calendar date).
    pub fn parse_iso(s: &str) -> Result<Self> {
        let b = s.as_bytes();
        if b.len() != 10 || b.get(4) != Some(&b'-') || b.get(7) != Some(&b'-') {
            return Err(Error::Date("expected YYYY-MM-DD"));
        }
        let year = digits(s.get(0..4))?;
        let month = digits(s.get(5..7))?;
        let day = digits(s.get(8..10))?;
        Self::from_parts(year, month, day)
    }

    /// Parses `YYYYMMDD` (DG11 full date of birth, 12-digit personal numbers).
    pub fn parse_compact(s: &str) -> Result<Self> {
        if s.len() != 8 {
            return Err(Error::Date("expected YYYYMMDD"));
        }
        Self::from_parts(
            digits(s.get(0..4))?,
            digits(s.get(4..6))?,
            digits(s.get(6..8))?,
        )
    }

    /// Parses an MRZ `YYMMDD` date; the century is the latest one that does not put the
    /// date after `latest` (for birth dates pass today; for expiry dates pass today + 50 years).
    pub fn parse_yymmdd(s: &str, latest: Date) -> Result<Self> {
        if s.len() != 6 {
            return Err(Error::Date("expected YYMMDD"));
        }
        let yy = digits(s.get(0..2))?;
        let month = digits(s.get(2..4))?;
        let day = digits(s.get(4..6))?;
        let century = u32::from(latest.year) / 100 * 100;
        let candidate = Self::from_parts(century + yy, month, day);
        match candidate {
            Ok(d) if d <= latest => Ok(d),
            _ => Self::from_parts(century.saturating_sub(100) + yy, month, day),
        }
    }

    /// Parses any of `YYYY-MM-DD`, `YYYYMMDD` or (with the century rule of
    /// [`Date::parse_yymmdd`]) `YYMMDD`.
    pub fn parse_flexible(s: &str, latest: Date) -> Result<Self> {
        match s.len() {
            10 => Self::parse_iso(s),
            8 => Self::parse_compact(s),
            6 => Self::parse_yymmdd(s, latest),
            _ => Err(Error::Date("expected YYYY-MM-DD, YYYYMMDD or YYMMDD")),
        }
    }

    /// The same day `years` years later (29 February becomes 28 February).
    pub fn add_years(self, years: u16) -> Self {
        let year = self.year.saturating_add(years);
        let day = self.day.min(days_in_month(year, self.month));
        Self {
            year,
            month: self.month,
            day,
        }
    }

    fn from_parts(year: u32, month: u32, day: u32) -> Result<Self> {
        let year = u16::try_from(year).map_err(|_| Error::Date("year out of range"))?;
        let month = u8::try_from(month).map_err(|_| Error::Date("month out of range"))?;
        let day = u8::try_from(day).map_err(|_| Error::Date("day out of range"))?;
        Self::new(year, month, day)
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

impl serde::Serialize for Date {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// Whether `year` is a Gregorian leap year.
pub fn is_leap_year(year: u16) -> bool {
    (year.is_multiple_of(4) && !year.is_multiple_of(100)) || year.is_multiple_of(400)
}

/// Number of days in `month` of `year` (0 for an invalid month).
pub fn days_in_month(year: u16, month: u8) -> u8 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if is_leap_year(year) => 29,
        2 => 28,
        _ => 0,
    }
}

/// Parses an all-ASCII-digit field.
fn digits(s: Option<&str>) -> Result<u32> {
    let s = s.ok_or(Error::Date("field missing"))?;
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
        return Err(Error::Date("non-digit in date"));
    }
    s.parse().map_err(|_| Error::Date("number out of range"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn validates_calendar() {
        assert!(Date::new(2024, 2, 29).is_ok());
        assert_eq!(Date::new(2023, 2, 29), Err(Error::Date("day out of range")));
        assert!(Date::new(1900, 2, 29).is_err());
        assert!(Date::new(2000, 2, 29).is_ok());
        assert!(Date::new(2024, 13, 1).is_err());
        assert!(Date::new(2024, 4, 31).is_err());
    }

    #[test]
    fn unix_seconds_to_date() {
        assert_eq!(
            Date::from_unix_seconds(0).unwrap().to_string(),
            "1970-01-01"
        );
        assert_eq!(
            Date::from_unix_seconds(1_234_567_890).unwrap().to_string(),
            "2009-02-13"
        );
        assert_eq!(
            Date::from_unix_seconds(951_782_400).unwrap().to_string(),
            "2000-02-29"
        );
        assert_eq!(
            Date::from_unix_seconds(-86_400).unwrap().to_string(),
            "1969-12-31"
        );
    }

    #[test]
    fn yymmdd_century_rule() {
        let today = Date::new(2026, 11, 21).unwrap();
        assert_eq!(
            Date::parse_yymmdd("850612", today).unwrap().to_string(),
            "1985-06-12"
        );
        assert_eq!(
            Date::parse_yymmdd("261121", today).unwrap().to_string(),
            "2026-11-21"
        );
        assert_eq!(
            Date::parse_yymmdd("261122", today).unwrap().to_string(),
            "1926-11-22"
        );
        let horizon = today.add_years(50);
        assert_eq!(
            Date::parse_yymmdd("310101", horizon).unwrap().to_string(),
            "2031-01-01"
        );
        assert!(Date::parse_yymmdd("85061<", today).is_err());
        assert!(Date::parse_yymmdd("851332", today).is_err());
    }

    #[test]
    fn iso_and_compact() {
        assert_eq!(
            Date::parse_iso("1985-06-12").unwrap(),
            Date::new(1985, 6, 12).unwrap()
        );
        assert_eq!(
            Date::parse_compact("19850612").unwrap(),
            Date::new(1985, 6, 12).unwrap()
        );
        assert!(Date::parse_iso("1985/06/12").is_err());
        assert!(Date::parse_iso("+985-06-12").is_err());
        assert_eq!(
            Date::new(2024, 2, 29).unwrap().add_years(1).to_string(),
            "2025-02-28"
        );
    }
}
