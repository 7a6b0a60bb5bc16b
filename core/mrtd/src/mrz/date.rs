//! MRZ dates (`YYMMDD`) and their conversion to ISO 8601 with an explicit century rule.

use serde::Serialize;

/// A date as printed in the MRZ. Days or months may be unknown (`<<`), which real documents
/// use for people without a known birth date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct MrzDate {
    /// Two-digit year.
    pub yy: u8,
    /// Month 1–12, or `None` if unknown.
    pub month: Option<u8>,
    /// Day 1–31, or `None` if unknown.
    pub day: Option<u8>,
}

fn two_digits(b: &[u8]) -> Option<u8> {
    match b {
        [a @ b'0'..=b'9', c @ b'0'..=b'9'] => Some((a - b'0') * 10 + (c - b'0')),
        _ => None,
    }
}

impl MrzDate {
    /// Parses six MRZ characters.
    pub fn parse(field: &[u8]) -> Option<Self> {
        let (yy, rest) = field.split_at_checked(2)?;
        let (mm, dd) = rest.split_at_checked(2)?;
        if dd.len() != 2 {
            return None;
        }
        let yy = two_digits(yy)?;
        let month = match mm {
            b"<<" => None,
            _ => Some(two_digits(mm).filter(|m| (1..=12).contains(m))?),
        };
        let day = match dd {
            b"<<" => None,
            _ => Some(two_digits(dd).filter(|d| (1..=31).contains(d))?),
        };
        Some(Self { yy, month, day })
    }

    /// The full year for a date of birth: never in the future relative to `current_year`.
    pub fn birth_year(&self, current_year: u16) -> u16 {
        let yy = u16::from(self.yy);
        let century = current_year / 100 * 100;
        if century + yy > current_year {
            century - 100 + yy
        } else {
            century + yy
        }
    }

    /// The full year for a date of expiry: within 50 years before or after `current_year`.
    pub fn expiry_year(&self, current_year: u16) -> u16 {
        let yy = u16::from(self.yy);
        let century = current_year / 100 * 100;
        let candidate = century + yy;
        if candidate + 50 < current_year {
            candidate + 100
        } else if candidate > current_year + 50 {
            candidate - 100
        } else {
            candidate
        }
    }

    /// ISO 8601 text for a given full year; unknown parts are written as `XX`.
    pub fn iso(&self, year: u16) -> String {
        let part = |v: Option<u8>| v.map_or_else(|| "XX".to_owned(), |v| format!("{v:02}"));
        format!("{year:04}-{}-{}", part(self.month), part(self.day))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn centuries() {
        let dob = MrzDate::parse(b"740812").unwrap();
        assert_eq!(dob.iso(dob.birth_year(2026)), "1974-08-12");
        let kid = MrzDate::parse(b"150101").unwrap();
        assert_eq!(kid.birth_year(2026), 2015);
        let doe = MrzDate::parse(b"120415").unwrap();
        assert_eq!(doe.iso(doe.expiry_year(2026)), "2012-04-15");
        let far = MrzDate::parse(b"940623").unwrap();
        assert_eq!(far.expiry_year(2026), 1994);
        let unknown = MrzDate::parse(b"74<<<<").unwrap();
        assert_eq!(unknown.iso(1974), "1974-XX-XX");
        assert!(MrzDate::parse(b"741312").is_none());
        assert!(MrzDate::parse(b"7408").is_none());
    }
}
