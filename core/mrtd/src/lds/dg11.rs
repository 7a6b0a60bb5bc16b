//! DG11: additional personal details (9303-10 §4.7.11), `6B { 5C tag list, 5F0E full name,
//! A0 { 02 count, 0F other name … } (or the `02`/`0F` objects unwrapped, as some issuers
//! write them), 5F10 personal number, 5F2B full date of birth, 5F11 place of birth, 5F42
//! address, 5F12 telephone, 5F13 profession, 5F14 title, 5F15 personal summary, 5F16 proof
//! of citizenship (image), 5F17 other travel documents, 5F18 custody information }`.
//!
//! Also holds the text, name and date helpers DG12 shares.

use serde::Serialize;
use tapid_card::tlv::{Tag, Tlv, TlvError};

/// Most "other names" / "other persons" accepted (the count is attacker-controlled).
pub const MAX_NAMES: usize = 16;
/// Longest text field accepted (bytes).
pub const MAX_TEXT_LEN: usize = 2048;
/// Longest tag list accepted (bytes).
pub const MAX_TAG_LIST_LEN: usize = 64;

/// Errors parsing DG11 or DG12. Never carries the personal data itself.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum DetailsError {
    /// The TLV structure is broken.
    #[error("data group structure: {0}")]
    Tlv(#[from] TlvError),
    /// A text field is longer than [`MAX_TEXT_LEN`] or the tag list than [`MAX_TAG_LIST_LEN`].
    #[error("field {0} is too long")]
    FieldTooLong(Tag),
    /// More names than [`MAX_NAMES`], or a count that is not a small integer.
    #[error("name count is invalid or above {MAX_NAMES}")]
    TooManyNames,
    /// The declared name count disagrees with the names present.
    #[error("name count {declared} does not match the {found} names present")]
    CountMismatch {
        /// The count in `02`.
        declared: usize,
        /// Names found.
        found: usize,
    },
    /// A date is neither `YYYYMMDD` text nor 4-byte BCD (or `YYYYMMDDhhmmss` / 7-byte BCD).
    #[error("field {0} is not a valid date")]
    InvalidDate(Tag),
}

/// A name in ICAO form: primary and secondary identifiers separated by `<<`, parts by `<`.
#[derive(Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct Name {
    /// Surname(s), `<` turned into spaces.
    pub primary: String,
    /// Given name(s), `<` turned into spaces (empty if there is no `<<`).
    pub secondary: String,
}

impl std::fmt::Debug for Name {
    // Personal data: never printed.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Name(..)")
    }
}

impl Name {
    /// Splits `PRIMARY<<SECONDARY<NAMES` (no `<<`: everything is primary).
    pub fn parse(text: &str) -> Self {
        let clean = |s: &str| {
            s.split('<')
                .filter(|p| !p.is_empty())
                .collect::<Vec<_>>()
                .join(" ")
        };
        match text.split_once("<<") {
            Some((primary, secondary)) => Self {
                primary: clean(primary),
                secondary: clean(secondary),
            },
            None => Self {
                primary: clean(text),
                secondary: String::new(),
            },
        }
    }
}

/// Field text: UTF-8, else ISO 8859-1 (older chips), trimmed.
pub(crate) fn text(t: &Tlv<'_>) -> Result<String, DetailsError> {
    if t.value.len() > MAX_TEXT_LEN {
        return Err(DetailsError::FieldTooLong(t.tag));
    }
    let s = match std::str::from_utf8(t.value) {
        Ok(s) => s.to_owned(),
        Err(_) => t.value.iter().map(|b| char::from(*b)).collect(),
    };
    Ok(s.trim_matches(|c: char| c.is_whitespace() || c == '\0')
        .to_owned())
}

/// Text whose `<` separates parts (addresses, places): parts joined with ", ".
pub(crate) fn separated_text(t: &Tlv<'_>) -> Result<String, DetailsError> {
    Ok(text(t)?
        .split('<')
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join(", "))
}

/// A date as digits: `digits` ASCII digits, or `digits / 2` BCD bytes.
pub(crate) fn date_digits(t: &Tlv<'_>, digits: usize) -> Result<String, DetailsError> {
    let bad = || DetailsError::InvalidDate(t.tag);
    let out: String = if t.value.len() == digits {
        t.value.iter().map(|b| char::from(*b)).collect()
    } else if t.value.len() * 2 == digits {
        t.value
            .iter()
            .flat_map(|b| [b >> 4, b & 0x0F])
            .map(|n| char::from_digit(u32::from(n), 10).ok_or_else(bad))
            .collect::<Result<_, _>>()?
    } else {
        return Err(bad());
    };
    if out.chars().all(|c| c.is_ascii_digit()) {
        Ok(out)
    } else {
        Err(bad())
    }
}

/// Names from an `A0 { 02 count, 0F name … }` template or loose `02`/`0F` objects.
#[derive(Default)]
pub(crate) struct NameList {
    declared: Option<usize>,
    names: Vec<Name>,
}

impl NameList {
    /// Feeds one object; returns whether it was part of a name list.
    pub(crate) fn feed(&mut self, t: &Tlv<'_>) -> Result<bool, DetailsError> {
        match t.tag.0 {
            0xA0 => {
                for child in t.children() {
                    self.feed(&child?)?;
                }
                Ok(true)
            }
            0x02 => {
                let n = match t.value {
                    [n] => usize::from(*n),
                    _ => return Err(DetailsError::TooManyNames),
                };
                if n > MAX_NAMES {
                    return Err(DetailsError::TooManyNames);
                }
                self.declared = Some(n);
                Ok(true)
            }
            0x0F => {
                if self.names.len() >= MAX_NAMES {
                    return Err(DetailsError::TooManyNames);
                }
                self.names.push(Name::parse(&text(t)?));
                Ok(true)
            }
            _ => Ok(false),
        }
    }

    /// The names, checked against the declared count.
    pub(crate) fn finish(self) -> Result<Vec<Name>, DetailsError> {
        match self.declared {
            Some(declared) if declared != self.names.len() => Err(DetailsError::CountMismatch {
                declared,
                found: self.names.len(),
            }),
            _ => Ok(self.names),
        }
    }
}

/// Checks the `5C` tag list's size (its content is informative only).
pub(crate) fn check_tag_list(t: &Tlv<'_>) -> Result<(), DetailsError> {
    if t.value.len() > MAX_TAG_LIST_LEN {
        return Err(DetailsError::FieldTooLong(t.tag));
    }
    Ok(())
}

/// Parsed DG11. Every field is optional; absent fields are `None`.
#[derive(Clone, Default, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct Dg11 {
    /// `5F0E` full name in national characters.
    pub full_name: Option<Name>,
    /// `0F` other names.
    pub other_names: Vec<Name>,
    /// `5F10` personal number.
    pub personal_number: Option<String>,
    /// `5F2B` full date of birth, `YYYYMMDD` (unknown parts as `00`).
    pub full_date_of_birth: Option<String>,
    /// `5F11` place of birth, parts joined with ", ".
    pub place_of_birth: Option<String>,
    /// `5F42` permanent address, parts joined with ", ".
    pub address: Option<String>,
    /// `5F12` telephone.
    pub telephone: Option<String>,
    /// `5F13` profession.
    pub profession: Option<String>,
    /// `5F14` title.
    pub title: Option<String>,
    /// `5F15` personal summary.
    pub personal_summary: Option<String>,
    /// `5F16` proof of citizenship (an image), not serialized.
    #[serde(skip)]
    pub proof_of_citizenship: Option<Vec<u8>>,
    /// `5F17` other valid travel document numbers.
    pub other_travel_documents: Option<String>,
    /// `5F18` custody information.
    pub custody_information: Option<String>,
}

impl std::fmt::Debug for Dg11 {
    // Personal data: only which fields are present.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "Dg11(full_name: {}, other_names: {}, personal_number: {}, date_of_birth: {})",
            self.full_name.is_some(),
            self.other_names.len(),
            self.personal_number.is_some(),
            self.full_date_of_birth.is_some()
        )
    }
}

impl Dg11 {
    /// Parses the file.
    pub fn parse(bytes: &[u8]) -> Result<Self, DetailsError> {
        let dg11 = Tlv::parse_tagged(bytes, Tag(0x6B))?;
        let mut out = Self::default();
        let mut names = NameList::default();
        for child in dg11.children() {
            let t = child?;
            if names.feed(&t)? {
                continue;
            }
            match t.tag.0 {
                0x5C => check_tag_list(&t)?,
                0x5F0E => out.full_name = Some(Name::parse(&text(&t)?)),
                0x5F10 => out.personal_number = Some(text(&t)?),
                0x5F2B => out.full_date_of_birth = Some(date_digits(&t, 8)?),
                0x5F11 => out.place_of_birth = Some(separated_text(&t)?),
                0x5F42 => out.address = Some(separated_text(&t)?),
                0x5F12 => out.telephone = Some(text(&t)?),
                0x5F13 => out.profession = Some(text(&t)?),
                0x5F14 => out.title = Some(text(&t)?),
                0x5F15 => out.personal_summary = Some(text(&t)?),
                0x5F16 => out.proof_of_citizenship = Some(t.value.to_vec()),
                0x5F17 => out.other_travel_documents = Some(text(&t)?),
                0x5F18 => out.custody_information = Some(text(&t)?),
                _ => {}
            }
        }
        out.other_names = names.finish()?;
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        let n = Name::parse("SMITH<<JOHN<J");
        assert_eq!(
            (n.primary.as_str(), n.secondary.as_str()),
            ("SMITH", "JOHN J")
        );
        let n = Name::parse("VAN<DER<BERG");
        assert_eq!(
            (n.primary.as_str(), n.secondary.as_str()),
            ("VAN DER BERG", "")
        );
        assert_eq!(format!("{n:?}"), "Name(..)");
    }

    proptest::proptest! {
        #[test]
        fn never_panics(bytes in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..300)) {
            let _ = Dg11::parse(&bytes);
            let _ = Dg11::parse(&tapid_card::tlv::encode(Tag(0x6B), &bytes));
        }
    }
}
