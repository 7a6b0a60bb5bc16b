//! Swedish personal identity numbers (personnummer) and coordination numbers (samordningsnummer):
//! `YYMMDD-NNNC`, `YYMMDD+NNNC` (100 years or older), `YYMMDDNNNC`, `YYYYMMDDNNNC`,
//! `YYYYMMDD-NNNC`. `C` is a Luhn check digit over the ten-digit form's first nine digits;
//! coordination numbers add 60 to the day.

use std::fmt;

use crate::date::Date;
use crate::error::{Error, Result};

/// Earliest accepted birth year (the register began in 1947 with people then alive).
const MIN_YEAR: u16 = 1840;

/// A validated personal identity number or coordination number. `Debug` does not reveal it.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct PersonalNumber {
    birth_date: Date,
    coordination: bool,
    serial: u16,
    check: u8,
}

impl PersonalNumber {
    /// Parses any accepted form. `today` resolves the century of the ten-digit forms: `-` (or no
    /// separator) means younger than 100 on `today`, `+` means 100 or older.
    pub fn parse(s: &str, today: Date) -> Result<Self> {
        let p = Self::parse_inner(s, Some(today))?;
        if p.birth_date > today {
            return Err(Error::PersonalNumberDate);
        }
        Ok(p)
    }

    /// Parses only the forms that carry the century (12 digits, optionally `YYYYMMDD-NNNC`).
    pub fn parse_full(s: &str) -> Result<Self> {
        Self::parse_inner(s, None)
    }

    fn parse_inner(s: &str, today: Option<Date>) -> Result<Self> {
        if s.len() > 13 || !s.is_ascii() {
            return Err(Error::PersonalNumberFormat);
        }
        let (digits, separator) = split_separator(s)?;
        match (digits.len(), today) {
            (12, _) => {
                let year = number(digits.get(0..4))?;
                let rest = digits.get(2..).ok_or(Error::PersonalNumberFormat)?;
                let year = u16::try_from(year).map_err(|_| Error::PersonalNumberDate)?;
                Self::from_ten(rest, |_, _, _| Ok(year))
            }
            (10, Some(today)) => Self::from_ten(&digits, |yy, month, day| {
                century_year(yy, month, day, separator == Some('+'), today)
            }),
            _ => Err(Error::PersonalNumberFormat),
        }
    }

    fn from_ten(ten: &str, year_of: impl Fn(u16, u8, u8) -> Result<u16>) -> Result<Self> {
        let yy = number(ten.get(0..2))?;
        let month = number(ten.get(2..4))?;
        let day_field = number(ten.get(4..6))?;
        let serial = number(ten.get(6..9))?;
        let check = number(ten.get(9..10))?;
        let expected = luhn(ten.get(0..9).ok_or(Error::PersonalNumberFormat)?);
        let coordination = day_field > 60;
        let day = if coordination {
            day_field - 60
        } else {
            day_field
        };
        let (yy, month, day) = (small(yy)?, small(month)?, small(day)?);
        let year = year_of(u16::from(yy), month, day)?;
        // One bound for every form: a ten-digit number with `+` reaching before it would
        // parse while its own twelve-digit form did not.
        if year < MIN_YEAR {
            return Err(Error::PersonalNumberDate);
        }
        let birth_date = Date::new(year, month, day).map_err(|_| Error::PersonalNumberDate)?;
        if Some(check) != expected.map(u32::from) {
            return Err(Error::PersonalNumberChecksum);
        }
        Ok(Self {
            birth_date,
            coordination,
            serial: u16::try_from(serial).map_err(|_| Error::PersonalNumberFormat)?,
            check: small(check)?,
        })
    }

    /// The date of birth (for coordination numbers the day without the added 60).
    pub fn birth_date(&self) -> Date {
        self.birth_date
    }

    /// Whether this is a coordination number (day + 60).
    pub fn is_coordination_number(&self) -> bool {
        self.coordination
    }

    /// The day field as written (61–91 for coordination numbers).
    fn day_field(&self) -> u8 {
        self.birth_date.day() + if self.coordination { 60 } else { 0 }
    }

    /// The twelve-digit form `YYYYMMDDNNNC` used by the RP API.
    pub fn to_twelve_digits(&self) -> String {
        format!(
            "{:04}{:02}{:02}{:03}{}",
            self.birth_date.year(),
            self.birth_date.month(),
            self.day_field(),
            self.serial,
            self.check
        )
    }

    /// The ten-digit form `YYMMDDNNNC` without separator, as in Swedish MRZ optional data.
    pub fn to_ten_digits(&self) -> String {
        format!(
            "{:02}{:02}{:02}{:03}{}",
            self.birth_date.year() % 100,
            self.birth_date.month(),
            self.day_field(),
            self.serial,
            self.check
        )
    }

    /// The standard eleven-character form with `-`, or `+` when 100 or older on `today`.
    pub fn to_separated(&self, today: Date) -> String {
        let ten = self.to_ten_digits();
        let (date, rest) = ten.split_at_checked(6).unwrap_or((&ten, ""));
        let hundred = self.birth_date.add_years(100) <= today;
        format!("{date}{}{rest}", if hundred { '+' } else { '-' })
    }
}

impl fmt::Debug for PersonalNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("PersonalNumber(<redacted>)")
    }
}

/// The Luhn check digit over a string of digits (weights 2, 1, 2, … from the left).
pub fn luhn(digits: &str) -> Option<u8> {
    let mut sum = 0u32;
    for (i, b) in digits.bytes().enumerate() {
        let d = u32::from(b.checked_sub(b'0').filter(|d| *d <= 9)?);
        let p = if i % 2 == 0 { d * 2 } else { d };
        sum += p / 10 + p % 10;
    }
    u8::try_from((10 - sum % 10) % 10).ok()
}

/// Splits off an optional `-`/`+` separator (after 6 or 8 digits) and returns the digits.
fn split_separator(s: &str) -> Result<(String, Option<char>)> {
    let digits_only = |d: &str| !d.is_empty() && d.bytes().all(|b| b.is_ascii_digit());
    let Some(pos) = s.find(['-', '+']) else {
        return if digits_only(s) {
            Ok((s.to_owned(), None))
        } else {
            Err(Error::PersonalNumberFormat)
        };
    };
    let (head, tail) = s.split_at_checked(pos).ok_or(Error::PersonalNumberFormat)?;
    let sep = tail.chars().next().ok_or(Error::PersonalNumberFormat)?;
    let tail = tail.get(1..).ok_or(Error::PersonalNumberFormat)?;
    if !(head.len() == 6 || head.len() == 8)
        || tail.len() != 4
        || !digits_only(head)
        || !digits_only(tail)
    {
        return Err(Error::PersonalNumberFormat);
    }
    // `+` (100 years or older) only makes sense where the century is missing.
    if head.len() == 8 && sep == '+' {
        return Err(Error::PersonalNumberFormat);
    }
    Ok((format!("{head}{tail}"), Some(sep)))
}

/// The full year for a two-digit year: the latest year whose date is not after `today`
/// (younger than 100), or 100 years earlier with `+`.
fn century_year(yy: u16, month: u8, day: u8, plus: bool, today: Date) -> Result<u16> {
    let base = today.year() / 100 * 100 + yy;
    let candidate = match Date::new(base, month, day) {
        Ok(d) if d <= today => base,
        // Not yet born this century (or 29 February of a non-leap year): the previous century.
        _ => base.checked_sub(100).ok_or(Error::PersonalNumberDate)?,
    };
    if plus {
        candidate.checked_sub(100).ok_or(Error::PersonalNumberDate)
    } else {
        Ok(candidate)
    }
}

fn number(s: Option<&str>) -> Result<u32> {
    let s = s.ok_or(Error::PersonalNumberFormat)?;
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
        return Err(Error::PersonalNumberFormat);
    }
    s.parse().map_err(|_| Error::PersonalNumberFormat)
}

fn small(v: u32) -> Result<u8> {
    u8::try_from(v).map_err(|_| Error::PersonalNumberDate)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> Date {
        Date::new(2026, 11, 21).unwrap()
    }

    /// Found by proptest: `360827+9091` (born 1836) parsed while `183608279091` did not.
    #[test]
    fn the_earliest_year_bounds_every_form() {
        assert_eq!(
            PersonalNumber::parse("360827+9091", today()),
            Err(Error::PersonalNumberDate)
        );
        assert_eq!(
            PersonalNumber::parse("183608279091", today()),
            Err(Error::PersonalNumberDate)
        );
        // 1840 itself is accepted in both forms.
        let p = PersonalNumber::parse("400101+0000", today()).unwrap();
        assert_eq!(p.to_twelve_digits(), "184001010000");
        assert_eq!(PersonalNumber::parse(&p.to_twelve_digits(), today()), Ok(p));
    }

    #[test]
    fn luhn_check_digit() {
        // Skatteverket's example 811218-9876.
        assert_eq!(luhn("811218987"), Some(6));
        assert_eq!(luhn("640823323"), Some(4));
        assert_eq!(luhn("12a"), None);
    }

    #[test]
    fn all_forms_agree() {
        let forms = ["811218-9876", "8112189876", "198112189876", "19811218-9876"];
        for f in forms {
            let p = PersonalNumber::parse(f, today()).unwrap();
            assert_eq!(p.to_twelve_digits(), "198112189876", "{f}");
            assert_eq!(p.to_ten_digits(), "8112189876");
            assert_eq!(p.to_separated(today()), "811218-9876");
            assert_eq!(p.birth_date(), Date::new(1981, 12, 18).unwrap());
            assert!(!p.is_coordination_number());
        }
        assert_eq!(
            PersonalNumber::parse_full("198112189876")
                .unwrap()
                .to_ten_digits(),
            "8112189876"
        );
        assert_eq!(
            PersonalNumber::parse_full("8112189876"),
            Err(Error::PersonalNumberFormat)
        );
    }

    #[test]
    fn century_from_separator() {
        // Born 1912: with `+` on the ten-digit form.
        let old = PersonalNumber::parse("121212+1212", today()).unwrap();
        assert_eq!(old.birth_date().year(), 1912);
        assert_eq!(old.to_separated(today()), "121212+1212");
        let young = PersonalNumber::parse("121212-1212", today()).unwrap();
        assert_eq!(young.birth_date().year(), 2012);
        // A date later this year than today is last century.
        let later = format!("261224-999{}", luhn("261224999").unwrap());
        assert_eq!(
            PersonalNumber::parse(&later, today())
                .unwrap()
                .birth_date()
                .year(),
            1926
        );
        let earlier = format!("261120-999{}", luhn("261120999").unwrap());
        assert_eq!(
            PersonalNumber::parse(&earlier, today())
                .unwrap()
                .birth_date()
                .year(),
            2026
        );
        assert_eq!(
            PersonalNumber::parse("19121212+1212", today()),
            Err(Error::PersonalNumberFormat)
        );
    }

    #[test]
    fn coordination_numbers() {
        // Day 18 + 60 = 78.
        let check = luhn("811278987").unwrap();
        let s = format!("811278-987{check}");
        let p = PersonalNumber::parse(&s, today()).unwrap();
        assert!(p.is_coordination_number());
        assert_eq!(p.birth_date(), Date::new(1981, 12, 18).unwrap());
        assert_eq!(p.to_ten_digits(), format!("811278987{check}"));
        assert_eq!(p.to_twelve_digits(), format!("19811278987{check}"));
        let bad_day = format!("811292987{}", luhn("811292987").unwrap());
        assert_eq!(
            PersonalNumber::parse(&bad_day, today()),
            Err(Error::PersonalNumberDate)
        );
    }

    #[test]
    fn rejects_invalid() {
        assert_eq!(
            PersonalNumber::parse("811218-9877", today()),
            Err(Error::PersonalNumberChecksum)
        );
        assert_eq!(
            PersonalNumber::parse("811318-9876", today()),
            Err(Error::PersonalNumberDate)
        );
        assert_eq!(
            PersonalNumber::parse("811200-9876", today()),
            Err(Error::PersonalNumberDate)
        );
        for bad in [
            "",
            "81121898",
            "81121-89876",
            "811218--9876",
            "811218 9876",
            "8112189876x",
            "abcdefghij",
            "811218+98760",
            "１２３",
        ] {
            assert!(PersonalNumber::parse(bad, today()).is_err(), "{bad}");
        }
        assert_eq!(
            format!(
                "{:?}",
                PersonalNumber::parse("811218-9876", today()).unwrap()
            ),
            "PersonalNumber(<redacted>)"
        );
    }
}
