//! MRZ input as users give it: typed-in fields, a CAN, or the MRZ text a camera's OCR read.
//!
//! OCR text is cleaned (case, spaces, the usual stand-ins for `<`), then repaired guided by
//! the check digits: positions that can only hold digits (dates, check digits) or only letters
//! (codes, nationality, names, sex) get the usual confusions fixed outright (O/0, I/1, S/5,
//! B/8, Z/2, G/6); in the alphanumeric fields (document number, optional data) only a
//! combination of such swaps that makes the field's check digit hold is taken — and only when
//! exactly one combination with the fewest swaps does. Otherwise the error names the field.
//! The result is parsed by the core's MRZ model, which checks every digit again.

use std::sync::Arc;

use tapid_mrtd::mrz::{AccessKey as CoreAccessKey, Can, Mrz, MrzKey, check_digit};

use crate::errors::{InputError, MrzFieldName, count};

/// What a position may hold.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// `0-9` (and `<` where a field may be empty).
    Digit,
    /// `A-Z <`.
    Alpha,
    /// `0-9 A-Z <`, guarded by a check digit.
    Alnum,
}

/// One field of a layout: line, start, end, kind, the check digit's position (same line) and
/// the field's name.
struct Span {
    line: usize,
    start: usize,
    end: usize,
    kind: Kind,
    check: Option<usize>,
    field: MrzFieldName,
}

const fn span(
    line: usize,
    start: usize,
    end: usize,
    kind: Kind,
    check: Option<usize>,
    field: MrzFieldName,
) -> Span {
    Span {
        line,
        start,
        end,
        kind,
        check,
        field,
    }
}

use Kind::{Alnum, Alpha, Digit};
use MrzFieldName as F;

/// TD3 (passports, 2×44) and TD2 (2×36): line 2 differs only in the optional data's end.
fn two_line_spans(width: usize) -> Vec<Span> {
    let td3 = width == 44;
    let mut v = vec![
        span(0, 0, 2, Alpha, None, F::DocumentCode),
        span(0, 2, 5, Alpha, None, F::DocumentCode),
        span(0, 5, width, Alpha, None, F::Name),
        span(1, 0, 9, Alnum, Some(9), F::DocumentNumber),
        span(1, 10, 13, Alpha, None, F::Nationality),
        span(1, 13, 19, Digit, Some(19), F::DateOfBirth),
        span(1, 20, 21, Alpha, None, F::Sex),
        span(1, 21, 27, Digit, Some(27), F::DateOfExpiry),
    ];
    if td3 {
        v.push(span(1, 28, 42, Alnum, Some(42), F::OptionalData));
    } else {
        v.push(span(1, 28, 35, Alnum, None, F::OptionalData));
    }
    v
}

/// TD1 (ID cards, 3×30).
fn td1_spans() -> Vec<Span> {
    vec![
        span(0, 0, 2, Alpha, None, F::DocumentCode),
        span(0, 2, 5, Alpha, None, F::DocumentCode),
        span(0, 5, 14, Alnum, Some(14), F::DocumentNumber),
        span(0, 15, 30, Alnum, None, F::OptionalData),
        span(1, 0, 6, Digit, Some(6), F::DateOfBirth),
        span(1, 7, 8, Alpha, None, F::Sex),
        span(1, 8, 14, Digit, Some(14), F::DateOfExpiry),
        span(1, 15, 18, Alpha, None, F::Nationality),
        span(1, 18, 29, Alnum, None, F::OptionalData),
        span(2, 0, 30, Alpha, None, F::Name),
    ]
}

/// The composite check digit's position (line, column).
fn composite(lines: usize, width: usize) -> (usize, usize) {
    if lines == 3 { (1, 29) } else { (1, width - 1) }
}

/// The digit an OCR letter stands for.
fn as_digit(c: u8) -> Option<u8> {
    Some(match c {
        b'O' | b'Q' | b'D' => b'0',
        b'I' | b'L' => b'1',
        b'Z' => b'2',
        b'S' => b'5',
        b'G' => b'6',
        b'B' => b'8',
        _ => return None,
    })
}

/// The letter an OCR digit stands for.
fn as_letter(c: u8) -> Option<u8> {
    Some(match c {
        b'0' => b'O',
        b'1' => b'I',
        b'2' => b'Z',
        b'5' => b'S',
        b'6' => b'G',
        b'8' => b'B',
        _ => return None,
    })
}

/// The other reading of a confusable character in an alphanumeric field.
fn swap(c: u8) -> Option<u8> {
    match c {
        b'O' => Some(b'0'),
        b'0' => Some(b'O'),
        b'I' => Some(b'1'),
        b'1' => Some(b'I'),
        b'S' => Some(b'5'),
        b'5' => Some(b'S'),
        b'B' => Some(b'8'),
        b'8' => Some(b'B'),
        b'Z' => Some(b'2'),
        b'2' => Some(b'Z'),
        b'G' => Some(b'6'),
        b'6' => Some(b'G'),
        _ => None,
    }
}

/// Most confusable positions one field is searched over (2^12 candidates).
const MAX_SWAPS: usize = 12;

/// A repair the OCR clean-up made.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct MrzRepair {
    /// The field.
    pub field: MrzFieldName,
    /// One-based line.
    pub line: u32,
    /// One-based column.
    pub position: u32,
}

/// Cleans OCR text into MRZ lines: upper case, no spaces, `«`, `‹`, `(`, `[`, `{`, `≤` read
/// as `<`; one long line is split by its length.
fn clean(text: &str) -> Result<Vec<Vec<u8>>, InputError> {
    let mut lines: Vec<Vec<u8>> = Vec::new();
    for raw in text.lines() {
        let mut line = Vec::new();
        for c in raw.chars() {
            let c = match c {
                '«' | '‹' | '(' | '[' | '{' | '≤' => '<',
                c if c.is_whitespace() => continue,
                c => c.to_ascii_uppercase(),
            };
            if c.is_ascii() {
                line.push(c as u8);
            } else {
                // Kept as an invalid character the parser reports with its position.
                line.push(b'?');
            }
        }
        if !line.is_empty() {
            lines.push(line);
        }
    }
    if let [one] = lines.as_slice() {
        let width = match one.len() {
            90 => 30,
            72 => 36,
            88 => 44,
            _ => return Err(InputError::MrzLayout),
        };
        lines = one.chunks(width).map(<[u8]>::to_vec).collect();
    }
    let shape: Vec<usize> = lines.iter().map(Vec::len).collect();
    match shape.as_slice() {
        [30, 30, 30] | [36, 36] | [44, 44] => Ok(lines),
        _ => Err(InputError::MrzLayout),
    }
}

/// Fixes the single-kind positions of `span` in place.
fn fix_kind(line: &mut [u8], s: &Span, repairs: &mut Vec<MrzRepair>) {
    let positions = (s.start..s.end).chain(s.check.filter(|_| s.kind == Digit));
    for i in positions {
        let Some(c) = line.get(i).copied() else {
            continue;
        };
        let fixed = match s.kind {
            Digit if !c.is_ascii_digit() && c != b'<' => as_digit(c),
            Alpha if c.is_ascii_digit() => as_letter(c),
            _ => None,
        };
        if let (Some(f), Some(slot)) = (fixed, line.get_mut(i)) {
            *slot = f;
            repairs.push(MrzRepair {
                field: s.field,
                line: count(s.line + 1),
                position: count(i + 1),
            });
        }
    }
}

/// Repairs an alphanumeric field so its check digit holds, if exactly one minimal set of
/// swaps does it.
fn fix_checked(line: &mut [u8], s: &Span, repairs: &mut Vec<MrzRepair>) -> Result<(), InputError> {
    let Some(check_at) = s.check.filter(|_| s.kind == Alnum) else {
        return Ok(());
    };
    // The check digit itself is numeric.
    if let Some(c) = line.get(check_at).copied()
        && let Some(d) = as_digit(c)
        && let Some(slot) = line.get_mut(check_at)
    {
        *slot = d;
        repairs.push(MrzRepair {
            field: s.field,
            line: count(s.line + 1),
            position: count(check_at + 1),
        });
    }
    let digit = line.get(check_at).copied().unwrap_or(b'?');
    // TD1/TD3 long document numbers (`<` as the check digit) are the core's to resolve.
    if digit == b'<' && s.field == F::DocumentNumber {
        return Ok(());
    }
    let field: Vec<u8> = line.get(s.start..s.end).unwrap_or_default().to_vec();
    if check_digit::verify(&field, digit) {
        return Ok(());
    }
    let swappable: Vec<usize> = (0..field.len())
        .filter(|i| field.get(*i).copied().and_then(swap).is_some())
        .collect();
    if swappable.is_empty() || swappable.len() > MAX_SWAPS {
        return Err(InputError::MrzCheckDigit { field: s.field });
    }
    // The fewest swaps win; among those, the reading with the most digits (document numbers
    // and personal numbers are mostly digits, and OCR reads digits as letters more often than
    // the reverse); a tie after that is ambiguous.
    let digits = |c: &[u8]| c.iter().filter(|b| b.is_ascii_digit()).count();
    let mut best: Option<((u32, usize), Vec<u8>, usize)> = None;
    for mask in 1u32..(1u32 << swappable.len()) {
        let mut candidate = field.clone();
        for (bit, i) in swappable.iter().enumerate() {
            if mask & (1 << bit) != 0
                && let Some(slot) = candidate.get_mut(*i)
            {
                *slot = swap(*slot).unwrap_or(*slot);
            }
        }
        if !check_digit::verify(&candidate, digit) {
            continue;
        }
        // Ordered so that smaller is better.
        let rank = (mask.count_ones(), usize::MAX - digits(&candidate));
        best = match best {
            Some((r, c, ties)) if r < rank => Some((r, c, ties)),
            Some((r, c, ties)) if r == rank => Some((r, c, ties + 1)),
            _ => Some((rank, candidate, 1)),
        };
    }
    match best {
        Some((_, candidate, 1)) => {
            for (i, (old, new)) in field.iter().zip(&candidate).enumerate() {
                if old != new {
                    repairs.push(MrzRepair {
                        field: s.field,
                        line: count(s.line + 1),
                        position: count(s.start + i + 1),
                    });
                }
            }
            if let Some(slot) = line.get_mut(s.start..s.end) {
                slot.copy_from_slice(&candidate);
            }
            Ok(())
        }
        Some(_) => Err(InputError::MrzAmbiguous { field: s.field }),
        None => Err(InputError::MrzCheckDigit { field: s.field }),
    }
}

/// Cleans and repairs OCR'd MRZ text; returns the lines and the repairs made.
fn repair(text: &str) -> Result<(String, Vec<MrzRepair>), InputError> {
    let mut lines = clean(text)?;
    let width = lines.first().map_or(0, Vec::len);
    let spans = if lines.len() == 3 {
        td1_spans()
    } else {
        two_line_spans(width)
    };
    let mut repairs = Vec::new();
    for s in &spans {
        if let Some(line) = lines.get_mut(s.line) {
            fix_kind(line, s, &mut repairs);
        }
    }
    let (cl, cc) = composite(lines.len(), width);
    if let Some(slot) = lines.get_mut(cl).and_then(|l| l.get_mut(cc))
        && let Some(d) = as_digit(*slot)
    {
        *slot = d;
        repairs.push(MrzRepair {
            field: F::Composite,
            line: count(cl + 1),
            position: count(cc + 1),
        });
    }
    for s in &spans {
        if let Some(line) = lines.get_mut(s.line) {
            fix_checked(line, s, &mut repairs)?;
        }
    }
    let joined = lines
        .iter()
        .map(|l| String::from_utf8_lossy(l).into_owned())
        .collect::<Vec<_>>()
        .join("\n");
    Ok((joined, repairs))
}

/// A scanned MRZ, parsed and every check digit verified (personal data: do not log).
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct MrzScan {
    /// `TD1`, `TD2` or `TD3`.
    pub format: String,
    /// Document code.
    pub document_code: String,
    /// Issuing state.
    pub issuing_state: String,
    /// Document number.
    pub document_number: String,
    /// Surname.
    pub primary_identifier: String,
    /// Given names.
    pub secondary_identifier: String,
    /// Nationality.
    pub nationality: String,
    /// Date of birth, `YYMMDD`.
    pub date_of_birth: String,
    /// `M`, `F` or `X`.
    pub sex: String,
    /// Date of expiry, `YYMMDD`.
    pub date_of_expiry: String,
    /// Optional data.
    pub optional_data: String,
    /// The OCR repairs made (fields and positions, not the characters).
    pub repairs: Vec<MrzRepair>,
}

/// Parses MRZ text from OCR, repairing the usual confusions guided by the check digits.
#[uniffi::export]
pub fn scan_mrz(text: String) -> Result<MrzScan, InputError> {
    let (mrz, repairs) = parse_ocr(&text)?;
    Ok(MrzScan {
        format: format!("{:?}", mrz.format),
        document_code: mrz.document_code.clone(),
        issuing_state: mrz.issuing_state.clone(),
        document_number: mrz.document_number.clone(),
        primary_identifier: mrz.primary_identifier.clone(),
        secondary_identifier: mrz.secondary_identifier.clone(),
        nationality: mrz.nationality.clone(),
        date_of_birth: mrz.date_of_birth_raw.clone(),
        sex: mrz.sex.to_string(),
        date_of_expiry: mrz.date_of_expiry_raw.clone(),
        optional_data: mrz.optional_data.clone(),
        repairs,
    })
}

fn parse_ocr(text: &str) -> Result<(Mrz, Vec<MrzRepair>), InputError> {
    let (repaired, repairs) = repair(text)?;
    Ok((Mrz::parse(&repaired)?, repairs))
}

/// Which password an access key is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum AccessKeyKind {
    /// The MRZ key (document number, birth, expiry).
    Mrz,
    /// The card access number.
    Can,
}

/// The key that opens the chip: from the MRZ (typed or scanned) or the CAN. Opaque: its value
/// never crosses back to the app (no `toString` leak), and it is wiped when released.
#[derive(uniffi::Object)]
pub struct AccessKey {
    pub(crate) inner: CoreAccessKey,
}

impl std::fmt::Debug for AccessKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("AccessKey(<redacted>)")
    }
}

#[uniffi::export]
impl AccessKey {
    /// From typed-in fields: the document number and the dates of birth and expiry as
    /// `YYMMDD`.
    #[uniffi::constructor]
    pub fn from_mrz(
        document_number: String,
        date_of_birth: String,
        date_of_expiry: String,
    ) -> Result<Arc<Self>, InputError> {
        let key = MrzKey::new(&document_number, &date_of_birth, &date_of_expiry)?;
        Ok(Arc::new(Self {
            inner: CoreAccessKey::Mrz(key),
        }))
    }

    /// From MRZ text a camera's OCR read (see [`scan_mrz`]).
    #[uniffi::constructor]
    pub fn from_mrz_text(text: String) -> Result<Arc<Self>, InputError> {
        let (mrz, _) = parse_ocr(&text)?;
        Ok(Arc::new(Self {
            inner: CoreAccessKey::Mrz(mrz.access_key()?),
        }))
    }

    /// From the card access number printed on the data page (PACE chips only).
    #[uniffi::constructor]
    pub fn from_can(can: String) -> Result<Arc<Self>, InputError> {
        Ok(Arc::new(Self {
            inner: CoreAccessKey::Can(Can::new(&can)?),
        }))
    }

    /// MRZ or CAN.
    pub fn kind(&self) -> AccessKeyKind {
        match self.inner {
            CoreAccessKey::Mrz(_) => AccessKeyKind::Mrz,
            CoreAccessKey::Can(_) => AccessKeyKind::Can,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SPECIMEN: &str = "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\n\
                            L898902C36UTO7408122F1204159ZE184226B<<<<<10";

    #[test]
    fn clean_text_parses_without_repairs() {
        let scan = scan_mrz(SPECIMEN.into()).unwrap();
        assert_eq!(scan.document_number, "L898902C3");
        assert!(scan.repairs.is_empty());
    }

    #[test]
    fn confusions_are_repaired_guided_by_the_check_digits() {
        // O for 0 in the birth date, S for 5 in the expiry date, lower case, spaces,
        // 0 for O in the name and B for 8 in the document number.
        let ocr = "p<utoeriksson<<anna<maria<<<<<<<<<<<<<<<<<<<\n\
                   L89B902C36UTO74O8122F12041S9ZE184226B<<<<<10";
        let scan = scan_mrz(ocr.into()).unwrap();
        assert_eq!(scan.document_number, "L898902C3");
        assert_eq!(scan.date_of_birth, "740812");
        let fields: Vec<MrzFieldName> = scan.repairs.iter().map(|r| r.field).collect();
        assert!(fields.contains(&F::DocumentNumber));
        assert!(fields.contains(&F::DateOfBirth));
        assert!(fields.contains(&F::DateOfExpiry));
    }

    #[test]
    fn a_wrong_digit_names_the_field() {
        let ocr = SPECIMEN.replace("7408122", "7408132");
        assert_eq!(
            scan_mrz(ocr).unwrap_err(),
            InputError::MrzCheckDigit {
                field: F::DateOfBirth
            }
        );
    }

    #[test]
    fn garbage_is_a_layout_error() {
        assert_eq!(scan_mrz("hello".into()).unwrap_err(), InputError::MrzLayout);
        assert_eq!(scan_mrz(String::new()).unwrap_err(), InputError::MrzLayout);
    }
}
