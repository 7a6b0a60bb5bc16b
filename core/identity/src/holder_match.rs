//! Does this passport or national ID card belong to the identity holder? Compares the holder's
//! personal number, names and date of birth with what a verified read of the document
//! established — DG1's MRZ ([`Mrz`], the one MRZ model) and DG11 — and checks that the document
//! is a Swedish passport or ID card that had not expired at the verification time. The result
//! lists every field with whether it matched and why, without repeating the personal data
//! itself.
//!
//! [`match_holder`] takes the reader's [`VerifiedRead`], so what is matched is what was
//! verified; [`match_mrz`] is the same comparison on an MRZ held apart from a read.

use serde::Serialize;
use tapid_mrtd::lds::dg11::{Dg11, Name};
use tapid_mrtd::mrz::{Mrz, MrzFormat};
use tapid_mrtd::reader::VerifiedRead;

use crate::date::Date;
use crate::error::Result;
use crate::personal_number::PersonalNumber;
use crate::transliteration::{normalize_mrz_field, to_mrz};

/// The identity holder as the identity service knows them.
#[derive(Clone, PartialEq, Eq)]
pub struct IdentityHolder {
    /// Personal identity number or coordination number.
    pub personal_number: PersonalNumber,
    /// Given names in national characters, space-separated.
    pub given_names: String,
    /// Surname in national characters.
    pub surname: String,
    /// Date of birth, if known separately (otherwise taken from the personal number).
    pub date_of_birth: Option<Date>,
}

impl std::fmt::Debug for IdentityHolder {
    // Personal data stays out of debug output and logs.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("IdentityHolder(<redacted>)")
    }
}

/// Which comparison a [`FieldCheck`] is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum Field {
    /// Document type and issuing state.
    Document,
    /// Document validity.
    Expiry,
    /// Personal identity number.
    PersonalNumber,
    /// Surname.
    Surname,
    /// Given names.
    GivenNames,
    /// Date of birth.
    DateOfBirth,
}

/// Whether the field matched.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum Outcome {
    /// Matched.
    Match,
    /// Did not match.
    Mismatch,
    /// The document does not carry the field, or it could not be read.
    Unavailable,
}

/// Why a field got its outcome.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub enum Reason {
    /// Identical.
    Exact,
    /// Identical after ICAO 9303-3 transliteration.
    Transliterated,
    /// Identical after dropping diacritics (the issuer did not use ICAO transliteration).
    SimpleTransliteration,
    /// The MRZ name field is full and the MRZ holds a permitted truncation of the name.
    Truncated,
    /// Coordination number (day + 60) matched.
    CoordinationNumber,
    /// A Swedish passport.
    SwedishPassport,
    /// A Swedish national ID card.
    SwedishIdCard,
    /// Valid on the check date.
    Valid,
    /// The values differ.
    Different,
    /// The document's MRZ and DG11 disagree with each other.
    SourcesDisagree,
    /// The field is not in the document.
    NotInDocument,
    /// The document's value could not be parsed.
    Unreadable,
    /// The document has expired.
    Expired,
    /// Issued by another state (only Swedish documents are accepted).
    NotSwedish,
    /// Neither a passport nor an ID card.
    UnsupportedDocumentType,
    /// The holder's name contains characters that cannot be transliterated.
    Untransliterable,
}

/// Where the compared document value came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum Source {
    /// The MRZ (DG1).
    Mrz,
    /// DG11.
    Dg11,
    /// Both, agreeing.
    MrzAndDg11,
    /// Not applicable.
    None,
}

/// One field's result.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FieldCheck {
    /// The field.
    pub field: Field,
    /// Matched or not.
    pub outcome: Outcome,
    /// Why.
    pub reason: Reason,
    /// Which document data was compared.
    pub source: Source,
}

/// The result of [`match_holder`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct HolderMatch {
    /// True only if every field matched.
    pub matched: bool,
    /// Every field's result, in a fixed order.
    pub fields: Vec<FieldCheck>,
}

impl HolderMatch {
    /// The result for one field.
    pub fn field(&self, field: Field) -> Option<&FieldCheck> {
        self.fields.iter().find(|f| f.field == field)
    }

    /// The fields that did not match (mismatched or unavailable).
    pub fn failures(&self) -> impl Iterator<Item = &FieldCheck> {
        self.fields.iter().filter(|f| f.outcome != Outcome::Match)
    }
}

/// Compares the holder with a verified read of their document: DG1's MRZ and DG11 as the read
/// verified them, on the UTC date of the read's verification time, with the report's expiry
/// verdict (`document.expired`). The report's passive authentication and chip authenticity
/// verdicts stay the report's: a caller accepts a match only together with them.
///
/// Fails only when the verification time lies outside the years a [`Date`] holds.
pub fn match_holder(holder: &IdentityHolder, read: &VerifiedRead) -> Result<HolderMatch> {
    let report = read.report();
    let today = Date::from_unix_seconds(report.verification.at)?;
    let doc = Document {
        mrz: read.mrz(),
        dg11: report.data.dg11.as_ref(),
        expired: report.document.expired,
    };
    Ok(compare(holder, &doc, today))
}

/// The comparison of [`match_holder`] on an MRZ (and DG11) held apart from a read, on `today`;
/// the document counts as expired when its date of expiry lies before `today`
/// ([`Mrz::expired_on`]). It cannot know whether the MRZ was verified: for a passport that was
/// read, use [`match_holder`].
pub fn match_mrz(
    holder: &IdentityHolder,
    mrz: &Mrz,
    dg11: Option<&Dg11>,
    today: Date,
) -> HolderMatch {
    let doc = Document {
        mrz,
        dg11,
        expired: mrz.expired_on((today.year(), today.month(), today.day())),
    };
    compare(holder, &doc, today)
}

/// The document side of a match.
struct Document<'a> {
    /// DG1's MRZ.
    mrz: &'a Mrz,
    /// DG11, when it was read.
    dg11: Option<&'a Dg11>,
    /// Whether the date of expiry lies before the day of the match.
    expired: bool,
}

impl Document<'_> {
    fn dg11_personal_number(&self) -> Option<&str> {
        self.dg11.and_then(|d| d.personal_number.as_deref())
    }
}

fn compare(holder: &IdentityHolder, doc: &Document<'_>, today: Date) -> HolderMatch {
    let (mrz_primary, mrz_secondary) = (
        normalize_mrz_field(&doc.mrz.primary_identifier),
        normalize_mrz_field(&doc.mrz.secondary_identifier),
    );
    let mrz_full = mrz_name_is_full(&mrz_primary, &mrz_secondary, doc.mrz.format);
    let dg11_name = doc
        .dg11
        .and_then(|d| d.full_name.as_ref())
        .map(split_full_name);

    let fields = vec![
        check_document(doc),
        check_expiry(doc),
        check_personal_number(holder, doc, today),
        check_name(
            Field::Surname,
            &holder.surname,
            &mrz_primary,
            mrz_full,
            dg11_name.as_ref().map(|n| n.0.as_str()),
        ),
        check_name(
            Field::GivenNames,
            &holder.given_names,
            &mrz_secondary,
            mrz_full,
            dg11_name.as_ref().map(|n| n.1.as_str()),
        ),
        check_birth_date(holder, doc, today),
    ];
    HolderMatch {
        matched: fields.iter().all(|f| f.outcome == Outcome::Match),
        fields,
    }
}

fn check(field: Field, outcome: Outcome, reason: Reason, source: Source) -> FieldCheck {
    FieldCheck {
        field,
        outcome,
        reason,
        source,
    }
}

fn check_document(doc: &Document<'_>) -> FieldCheck {
    let kind = match doc.mrz.document_code.chars().next() {
        Some('P') => Some(Reason::SwedishPassport),
        Some('I') => Some(Reason::SwedishIdCard),
        _ => None,
    };
    match kind {
        None => check(
            Field::Document,
            Outcome::Mismatch,
            Reason::UnsupportedDocumentType,
            Source::Mrz,
        ),
        Some(_) if doc.mrz.issuing_state != "SWE" => check(
            Field::Document,
            Outcome::Mismatch,
            Reason::NotSwedish,
            Source::Mrz,
        ),
        Some(reason) => check(Field::Document, Outcome::Match, reason, Source::Mrz),
    }
}

/// An expiry the MRZ does not give in full (`<<` for month or day) cannot show the document
/// valid on a given day.
fn check_expiry(doc: &Document<'_>) -> FieldCheck {
    let expiry = &doc.mrz.date_of_expiry;
    if expiry.month.is_none() || expiry.day.is_none() {
        check(
            Field::Expiry,
            Outcome::Unavailable,
            Reason::Unreadable,
            Source::Mrz,
        )
    } else if doc.expired {
        check(
            Field::Expiry,
            Outcome::Mismatch,
            Reason::Expired,
            Source::Mrz,
        )
    } else {
        check(Field::Expiry, Outcome::Match, Reason::Valid, Source::Mrz)
    }
}

/// Personal numbers in the MRZ optional data: digit runs of 10 or 12 that validate.
fn mrz_personal_numbers(mrz: &Mrz, today: Date) -> Vec<PersonalNumber> {
    [
        mrz.optional_data.as_str(),
        mrz.optional_data_2.as_deref().unwrap_or_default(),
    ]
    .iter()
    .flat_map(|field| field.split(|c: char| !c.is_ascii_digit() && c != '-' && c != '+'))
    .filter_map(|run| PersonalNumber::parse(run, today).ok())
    .collect()
}

/// Compares on the ten-digit form; the century is compared when both sides carry it.
fn same_number(holder: &PersonalNumber, doc: &PersonalNumber) -> bool {
    holder.to_ten_digits() == doc.to_ten_digits()
}

fn check_personal_number(holder: &IdentityHolder, doc: &Document<'_>, today: Date) -> FieldCheck {
    let reason_ok = if holder.personal_number.is_coordination_number() {
        Reason::CoordinationNumber
    } else {
        Reason::Exact
    };
    let mrz = mrz_personal_numbers(doc.mrz, today);
    let dg11 = match doc
        .dg11_personal_number()
        .map(|s| PersonalNumber::parse(s.trim(), today))
    {
        Some(Ok(p)) => Some(Ok(p)),
        Some(Err(_)) => Some(Err(())),
        None => None,
    };
    let mrz_match = mrz.iter().any(|p| same_number(&holder.personal_number, p));
    let dg11_full_match = |p: &PersonalNumber| {
        same_number(&holder.personal_number, p)
            && doc.dg11_personal_number().is_none_or(|raw| {
                let digits: String = raw.chars().filter(char::is_ascii_digit).collect();
                digits.len() != 12 || digits == holder.personal_number.to_twelve_digits()
            })
    };
    match (mrz.is_empty(), dg11) {
        (true, None) => check(
            Field::PersonalNumber,
            Outcome::Unavailable,
            Reason::NotInDocument,
            Source::None,
        ),
        (true, Some(Err(()))) => check(
            Field::PersonalNumber,
            Outcome::Unavailable,
            Reason::Unreadable,
            Source::Dg11,
        ),
        (false, None) | (false, Some(Err(()))) => {
            if mrz_match {
                check(
                    Field::PersonalNumber,
                    Outcome::Match,
                    reason_ok,
                    Source::Mrz,
                )
            } else {
                check(
                    Field::PersonalNumber,
                    Outcome::Mismatch,
                    Reason::Different,
                    Source::Mrz,
                )
            }
        }
        (true, Some(Ok(p))) => {
            if dg11_full_match(&p) {
                check(
                    Field::PersonalNumber,
                    Outcome::Match,
                    reason_ok,
                    Source::Dg11,
                )
            } else {
                check(
                    Field::PersonalNumber,
                    Outcome::Mismatch,
                    Reason::Different,
                    Source::Dg11,
                )
            }
        }
        (false, Some(Ok(p))) => {
            let dg11_match = dg11_full_match(&p);
            match (mrz_match, dg11_match) {
                (true, true) => check(
                    Field::PersonalNumber,
                    Outcome::Match,
                    reason_ok,
                    Source::MrzAndDg11,
                ),
                (false, false) if mrz.iter().any(|m| same_number(m, &p)) => check(
                    Field::PersonalNumber,
                    Outcome::Mismatch,
                    Reason::Different,
                    Source::MrzAndDg11,
                ),
                _ => check(
                    Field::PersonalNumber,
                    Outcome::Mismatch,
                    Reason::SourcesDisagree,
                    Source::MrzAndDg11,
                ),
            }
        }
    }
}

/// A DG11 full name in normalised parts. Some issuers write `SURNAME, GIVEN NAMES` rather than
/// `SURNAME<<GIVEN<NAMES`, which DG11's parser keeps whole as the primary identifier: the name
/// is put back together and split on either separator.
fn split_full_name(name: &Name) -> (String, String) {
    let full = if name.secondary.is_empty() {
        name.primary.clone()
    } else {
        format!("{}<<{}", name.primary, name.secondary)
    };
    let full = full.replace(", ", "<<");
    match full.split_once("<<") {
        Some((primary, secondary)) => {
            (normalize_mrz_field(primary), normalize_mrz_field(secondary))
        }
        None => (normalize_mrz_field(&full), String::new()),
    }
}

fn mrz_name_is_full(primary: &str, secondary: &str, format: MrzFormat) -> bool {
    let used = if secondary.is_empty() {
        primary.len()
    } else {
        primary.len() + 2 + secondary.len()
    };
    used >= format.name_capacity()
}

/// Whether `mrz` is a permitted truncation of `full`: each MRZ component is a non-empty prefix
/// of the corresponding component (names cut down, possibly to initials), later ones may be dropped.
fn is_truncation(mrz: &str, full: &str) -> bool {
    let full_parts: Vec<&str> = full.split('<').collect();
    let mrz_parts: Vec<&str> = mrz.split('<').collect();
    !mrz.is_empty()
        && mrz_parts.len() <= full_parts.len()
        && mrz_parts
            .iter()
            .zip(&full_parts)
            .all(|(m, f)| !m.is_empty() && f.starts_with(m))
}

fn check_name(
    field: Field,
    holder_name: &str,
    mrz: &str,
    mrz_full: bool,
    dg11: Option<&str>,
) -> FieldCheck {
    let forms = to_mrz(holder_name);
    if forms.lossy || forms.icao.is_empty() {
        return check(
            field,
            Outcome::Unavailable,
            Reason::Untransliterable,
            Source::None,
        );
    }
    let exact_reason = |candidate: &str| {
        if candidate == forms.icao && forms.icao == forms.simple {
            Some(Reason::Exact)
        } else if candidate == forms.icao {
            Some(Reason::Transliterated)
        } else if candidate == forms.simple {
            Some(Reason::SimpleTransliteration)
        } else {
            None
        }
    };
    let mrz_reason = exact_reason(mrz).or_else(|| {
        (mrz_full && (is_truncation(mrz, &forms.icao) || is_truncation(mrz, &forms.simple)))
            .then_some(Reason::Truncated)
    });
    // DG11 may spell the name in national characters (9303-10 allows it): compare it in its
    // ICAO transliteration then, as the MRZ has it.
    let dg11_reason = dg11.map(|d| {
        exact_reason(d).or_else(|| {
            let national = to_mrz(d);
            (!national.lossy && national.icao != d)
                .then(|| exact_reason(&national.icao))
                .flatten()
        })
    });
    match (mrz_reason, dg11_reason) {
        (Some(r), None) => check(field, Outcome::Match, r, Source::Mrz),
        (Some(_), Some(Some(r))) => check(field, Outcome::Match, r, Source::MrzAndDg11),
        (None, Some(Some(_))) => check(
            field,
            Outcome::Mismatch,
            Reason::SourcesDisagree,
            Source::MrzAndDg11,
        ),
        (Some(_), Some(None)) => check(
            field,
            Outcome::Mismatch,
            Reason::SourcesDisagree,
            Source::MrzAndDg11,
        ),
        (None, Some(None)) => check(
            field,
            Outcome::Mismatch,
            Reason::Different,
            Source::MrzAndDg11,
        ),
        (None, None) if mrz.is_empty() => check(
            field,
            Outcome::Unavailable,
            Reason::NotInDocument,
            Source::Mrz,
        ),
        (None, None) => check(field, Outcome::Mismatch, Reason::Different, Source::Mrz),
    }
}

/// The MRZ's two-digit year is compared as it stands (the century is DG11's or the personal
/// number's to tell); a birth date with unknown parts (`<<`) cannot be compared.
fn check_birth_date(holder: &IdentityHolder, doc: &Document<'_>, today: Date) -> FieldCheck {
    let expected = holder
        .date_of_birth
        .unwrap_or_else(|| holder.personal_number.birth_date());
    let birth = &doc.mrz.date_of_birth;
    let mrz = match (birth.month, birth.day) {
        (Some(month), Some(day)) => Some(
            (u16::from(birth.yy), month, day)
                == (expected.year() % 100, expected.month(), expected.day()),
        ),
        _ => None,
    };
    let dg11 = doc
        .dg11
        .and_then(|d| d.full_date_of_birth.as_deref())
        .map(|s| {
            Date::parse_flexible(s.trim(), today)
                .ok()
                .map(|d| d == expected)
        });
    let field = Field::DateOfBirth;
    match (mrz, dg11.flatten()) {
        (Some(true), Some(true)) => check(field, Outcome::Match, Reason::Exact, Source::MrzAndDg11),
        (Some(true), None) => check(field, Outcome::Match, Reason::Exact, Source::Mrz),
        (None, Some(true)) => check(field, Outcome::Match, Reason::Exact, Source::Dg11),
        (Some(false), Some(false)) => check(
            field,
            Outcome::Mismatch,
            Reason::Different,
            Source::MrzAndDg11,
        ),
        (Some(_), Some(_)) => check(
            field,
            Outcome::Mismatch,
            Reason::SourcesDisagree,
            Source::MrzAndDg11,
        ),
        (Some(false), None) => check(field, Outcome::Mismatch, Reason::Different, Source::Mrz),
        (None, Some(false)) => check(field, Outcome::Mismatch, Reason::Different, Source::Dg11),
        (None, None) => check(
            field,
            Outcome::Unavailable,
            Reason::Unreadable,
            Source::None,
        ),
    }
}

#[cfg(test)]
mod tests;
