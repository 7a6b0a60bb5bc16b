//! The machine-readable zone (ICAO 9303-3, -4, -5, -6): TD1, TD2 and TD3 layouts, every
//! check digit, and the MRZ_information that BAC and PACE derive their keys from.

mod access_key;
pub mod check_digit;
mod date;

pub use access_key::{AccessKey, Can, MrzKey};
pub use date::MrzDate;

use serde::Serialize;

/// Errors parsing an MRZ. They name the field, never its content.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum MrzError {
    /// The text is not 3×30, 2×36 or 2×44 characters.
    #[error("MRZ has an unknown layout (expected TD1 3x30, TD2 2x36 or TD3 2x44)")]
    UnknownLayout,
    /// A character outside `0-9A-Z<`.
    #[error("MRZ line {line} position {position}: character not allowed")]
    InvalidCharacter {
        /// One-based line.
        line: usize,
        /// One-based column.
        position: usize,
    },
    /// A check digit does not match its field.
    #[error("MRZ check digit wrong for {0}")]
    CheckDigit(MrzField),
    /// A date field is not a valid YYMMDD date.
    #[error("MRZ {0} is not a valid date")]
    InvalidDate(MrzField),
    /// A field has the wrong length or shape (manual key entry).
    #[error("MRZ {0} is malformed")]
    Malformed(MrzField),
}

/// The MRZ fields that carry a check digit or can be malformed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MrzField {
    /// Document number (incl. the overflow into optional data).
    DocumentNumber,
    /// Date of birth.
    DateOfBirth,
    /// Date of expiry.
    DateOfExpiry,
    /// Optional data / personal number.
    OptionalData,
    /// The composite check digit.
    Composite,
    /// Card access number.
    Can,
}

impl std::fmt::Display for MrzField {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Self::DocumentNumber => "document number",
            Self::DateOfBirth => "date of birth",
            Self::DateOfExpiry => "date of expiry",
            Self::OptionalData => "optional data",
            Self::Composite => "composite",
            Self::Can => "card access number",
        })
    }
}

/// The three MRZ layouts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum MrzFormat {
    /// ID-1 cards: 3 lines of 30.
    TD1,
    /// ID-2 documents: 2 lines of 36.
    TD2,
    /// Passport books: 2 lines of 44.
    TD3,
}

impl MrzFormat {
    /// Characters the layout has for `PRIMARY<<SECONDARY` (TD1 30, TD2 31, TD3 39): a name
    /// that fills them may have been truncated by the issuer (9303-3 §4.6).
    pub fn name_capacity(self) -> usize {
        match self {
            Self::TD1 => 30,
            Self::TD2 => 31,
            Self::TD3 => 39,
        }
    }
}

/// A parsed MRZ with every check digit verified.
#[derive(Clone, PartialEq, Eq, Serialize)]
pub struct Mrz {
    /// Layout.
    pub format: MrzFormat,
    /// Document code (`P`, `I`, `ID`, `AC`, …), fillers removed.
    pub document_code: String,
    /// Issuing state or organisation (three letters, e.g. `UTO`, `SWE`, `D`).
    pub issuing_state: String,
    /// Full document number, including digits that overflowed into the optional data.
    pub document_number: String,
    /// Primary identifier (surname), `<` turned into spaces.
    pub primary_identifier: String,
    /// Secondary identifier (given names), `<` turned into spaces.
    pub secondary_identifier: String,
    /// Nationality (three letters).
    pub nationality: String,
    /// Date of birth.
    pub date_of_birth: MrzDate,
    /// Raw `YYMMDD` of the date of birth.
    pub date_of_birth_raw: String,
    /// `M`, `F` or `<` (unspecified, reported as `X`).
    pub sex: char,
    /// Date of expiry.
    pub date_of_expiry: MrzDate,
    /// Raw `YYMMDD` of the date of expiry.
    pub date_of_expiry_raw: String,
    /// Optional data (TD3: personal number; TD1: both optional fields), trailing fillers removed.
    pub optional_data: String,
    /// Second optional data field of TD1 documents.
    pub optional_data_2: Option<String>,
}

impl std::fmt::Debug for Mrz {
    // Personal data stays out of debug output.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Mrz({:?}, {})", self.format, self.issuing_state)
    }
}

fn field(line: &[u8], start: usize, end: usize) -> &[u8] {
    line.get(start..end).unwrap_or_default()
}

fn at(line: &[u8], i: usize) -> u8 {
    line.get(i).copied().unwrap_or(b'?')
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).trim_end_matches('<').to_owned()
}

fn check(f: &[u8], digit: u8, which: MrzField) -> Result<(), MrzError> {
    if check_digit::verify(f, digit) {
        Ok(())
    } else {
        Err(MrzError::CheckDigit(which))
    }
}

fn date(f: &[u8], which: MrzField) -> Result<MrzDate, MrzError> {
    MrzDate::parse(f).ok_or(MrzError::InvalidDate(which))
}

/// Where a layout keeps the fields TD1, TD2 and TD3 share (9303-4, -5, -6).
struct Located<'a> {
    /// Line 1: document code at 0..2, issuing state at 2..5.
    line1: &'a [u8],
    /// The name field, `primary<<secondary<names`.
    names: &'a [u8],
    /// Nationality.
    nationality: &'a [u8],
    /// Date of birth, `YYMMDD`.
    birth: &'a [u8],
    /// Sex.
    sex: u8,
    /// Date of expiry, `YYMMDD`.
    expiry: &'a [u8],
}

/// Splits `primary<<secondary<names` into the two identifiers.
fn names(field: &[u8]) -> (String, String) {
    let s = String::from_utf8_lossy(field);
    let s = s.trim_end_matches('<');
    let (primary, secondary) = s.split_once("<<").unwrap_or((s, ""));
    let clean = |p: &str| {
        p.split('<')
            .filter(|w| !w.is_empty())
            .collect::<Vec<_>>()
            .join(" ")
    };
    (clean(primary), clean(secondary))
}

/// A document number of 9 characters whose check-digit position holds `<` continues in the
/// optional data: the remaining characters up to the first `<`, the last of them being the
/// check digit (ICAO 9303-5 §4.2.4 note j).
fn long_document_number(
    number: &[u8],
    cd: u8,
    optional: &[u8],
) -> Result<(String, Vec<u8>), MrzError> {
    if cd != b'<' {
        check(number, cd, MrzField::DocumentNumber)?;
        return Ok((text(number), optional.to_vec()));
    }
    let overflow_len = optional
        .iter()
        .position(|c| *c == b'<')
        .unwrap_or(optional.len());
    let overflow = field(optional, 0, overflow_len);
    let (digits, cd) = match overflow.split_last() {
        Some((cd, digits)) if !digits.is_empty() => (digits, *cd),
        _ => return Err(MrzError::CheckDigit(MrzField::DocumentNumber)),
    };
    let mut full = number.to_vec();
    full.extend_from_slice(digits);
    check(&full, cd, MrzField::DocumentNumber)?;
    let rest = field(optional, overflow_len, optional.len()).to_vec();
    Ok((text(&full), rest))
}

impl Mrz {
    /// Parses MRZ text: lines separated by newlines, or the lines concatenated.
    pub fn parse(text_in: &str) -> Result<Self, MrzError> {
        let joined: Vec<u8> = text_in
            .bytes()
            .filter(|b| !matches!(b, b'\n' | b'\r' | b' ' | b'\t'))
            .collect();
        for (i, c) in joined.iter().enumerate() {
            if check_digit::char_value(*c).is_none() {
                let width = match joined.len() {
                    90 => 30,
                    72 => 36,
                    _ => 44,
                };
                return Err(MrzError::InvalidCharacter {
                    line: i / width + 1,
                    position: i % width + 1,
                });
            }
        }
        match joined.len() {
            90 => Self::parse_td1(&joined),
            72 => Self::parse_two_lines(&joined, MrzFormat::TD2),
            88 => Self::parse_two_lines(&joined, MrzFormat::TD3),
            _ => Err(MrzError::UnknownLayout),
        }
    }

    /// TD2 and TD3 share one layout of line 2 (ICAO 9303-5/-4): number, nationality, birth,
    /// sex, expiry, then optional data that runs to the composite check digit. Only TD3's
    /// optional data (the personal number) has a check digit of its own.
    fn parse_two_lines(m: &[u8], format: MrzFormat) -> Result<Self, MrzError> {
        let width = if format == MrzFormat::TD3 { 44 } else { 36 };
        let (l1, l2) = m.split_at_checked(width).ok_or(MrzError::UnknownLayout)?;
        let composite_at = width - 1;
        check(field(l2, 13, 19), at(l2, 19), MrzField::DateOfBirth)?;
        check(field(l2, 21, 27), at(l2, 27), MrzField::DateOfExpiry)?;
        let optional_end = if format == MrzFormat::TD3 {
            check(field(l2, 28, 42), at(l2, 42), MrzField::OptionalData)?;
            42
        } else {
            composite_at
        };
        let (document_number, optional) =
            long_document_number(field(l2, 0, 9), at(l2, 9), field(l2, 28, optional_end))?;
        let mut composite = field(l2, 0, 10).to_vec();
        composite.extend_from_slice(field(l2, 13, 20));
        composite.extend_from_slice(field(l2, 21, composite_at));
        check(&composite, at(l2, composite_at), MrzField::Composite)?;
        Self::assemble(
            format,
            Located {
                line1: l1,
                names: field(l1, 5, width),
                nationality: field(l2, 10, 13),
                birth: field(l2, 13, 19),
                sex: at(l2, 20),
                expiry: field(l2, 21, 27),
            },
            document_number,
            text(&optional),
            None,
        )
    }

    fn parse_td1(m: &[u8]) -> Result<Self, MrzError> {
        let l1 = field(m, 0, 30);
        let l2 = field(m, 30, 60);
        let l3 = field(m, 60, 90);
        check(field(l2, 0, 6), at(l2, 6), MrzField::DateOfBirth)?;
        check(field(l2, 8, 14), at(l2, 14), MrzField::DateOfExpiry)?;
        let (document_number, optional) =
            long_document_number(field(l1, 5, 14), at(l1, 14), field(l1, 15, 30))?;
        let mut composite = field(l1, 5, 30).to_vec();
        composite.extend_from_slice(field(l2, 0, 7));
        composite.extend_from_slice(field(l2, 8, 15));
        composite.extend_from_slice(field(l2, 18, 29));
        check(&composite, at(l2, 29), MrzField::Composite)?;
        Self::assemble(
            MrzFormat::TD1,
            Located {
                line1: l1,
                names: l3,
                nationality: field(l2, 15, 18),
                birth: field(l2, 0, 6),
                sex: at(l2, 7),
                expiry: field(l2, 8, 14),
            },
            document_number,
            text(&optional).trim_start_matches('<').to_owned(),
            Some(text(field(l2, 18, 29))),
        )
    }

    /// The model from the fields every layout has, once their check digits are verified.
    fn assemble(
        format: MrzFormat,
        at: Located<'_>,
        document_number: String,
        optional_data: String,
        optional_data_2: Option<String>,
    ) -> Result<Self, MrzError> {
        let (primary, secondary) = names(at.names);
        Ok(Self {
            format,
            document_code: text(field(at.line1, 0, 2)),
            issuing_state: text(field(at.line1, 2, 5)),
            document_number,
            primary_identifier: primary,
            secondary_identifier: secondary,
            nationality: text(at.nationality),
            date_of_birth: date(at.birth, MrzField::DateOfBirth)?,
            date_of_birth_raw: text(at.birth),
            sex: sex(at.sex),
            date_of_expiry: date(at.expiry, MrzField::DateOfExpiry)?,
            date_of_expiry_raw: text(at.expiry),
            optional_data,
            optional_data_2,
        })
    }

    /// Whether the document has expired on the UTC calendar day `today` (year, month, day):
    /// its date of expiry, with the century of [`MrzDate::expiry_year`] and an unknown month
    /// or day read as the latest it can be, lies before `today`.
    pub fn expired_on(&self, today: (u16, u8, u8)) -> bool {
        let expiry = &self.date_of_expiry;
        let last_day = (
            expiry.expiry_year(today.0),
            expiry.month.unwrap_or(12),
            expiry.day.unwrap_or(31),
        );
        last_day < today
    }

    /// The key for BAC/PACE taken from this MRZ.
    pub fn access_key(&self) -> Result<MrzKey, MrzError> {
        MrzKey::new(
            &self.document_number,
            &self.date_of_birth_raw,
            &self.date_of_expiry_raw,
        )
    }
}

fn sex(c: u8) -> char {
    match c {
        b'M' => 'M',
        b'F' => 'F',
        _ => 'X',
    }
}

#[cfg(test)]
mod tests;
