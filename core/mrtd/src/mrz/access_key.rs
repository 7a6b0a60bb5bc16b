//! Access keys for BAC and PACE: the MRZ-derived key (document number, birth, expiry) and the
//! card access number (CAN). Both are secrets: zeroized on drop, hidden from `Debug`.

use zeroize::{Zeroize, ZeroizeOnDrop, Zeroizing};

use super::{MrzDate, MrzError, MrzField, check_digit};

/// The MRZ-derived access key, typed in by a user or taken from a scanned MRZ.
#[derive(Clone, Zeroize, ZeroizeOnDrop)]
pub struct MrzKey {
    document_number: String,
    date_of_birth: String,
    date_of_expiry: String,
}

impl std::fmt::Debug for MrzKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("MrzKey(<redacted>)")
    }
}

impl MrzKey {
    /// Builds the key from a document number (any length ≥ 1; `<` fillers allowed) and two
    /// `YYMMDD` dates. Lower case is accepted and upper-cased.
    pub fn new(
        document_number: &str,
        date_of_birth: &str,
        date_of_expiry: &str,
    ) -> Result<Self, MrzError> {
        let document_number = document_number.trim().to_ascii_uppercase();
        if document_number.is_empty()
            || document_number.len() > 22
            || !document_number
                .bytes()
                .all(|c| check_digit::char_value(c).is_some())
        {
            return Err(MrzError::Malformed(MrzField::DocumentNumber));
        }
        let dob = date_of_birth.trim();
        let doe = date_of_expiry.trim();
        if dob.len() != 6 || MrzDate::parse(dob.as_bytes()).is_none() {
            return Err(MrzError::Malformed(MrzField::DateOfBirth));
        }
        if doe.len() != 6 || MrzDate::parse(doe.as_bytes()).is_none() {
            return Err(MrzError::Malformed(MrzField::DateOfExpiry));
        }
        Ok(Self {
            document_number,
            date_of_birth: dob.to_owned(),
            date_of_expiry: doe.to_owned(),
        })
    }

    /// Parses the CLI form `DOCNUMBER,YYMMDD,YYMMDD`.
    pub fn parse_triple(s: &str) -> Result<Self, MrzError> {
        let mut parts = s.split(',');
        match (parts.next(), parts.next(), parts.next(), parts.next()) {
            (Some(n), Some(b), Some(e), None) => Self::new(n, b, e),
            _ => Err(MrzError::Malformed(MrzField::DocumentNumber)),
        }
    }

    /// MRZ_information (ICAO 9303-11 §4.3.2): document number padded to 9 with `<`, its
    /// check digit, date of birth, check digit, date of expiry, check digit.
    pub fn mrz_information(&self) -> Zeroizing<String> {
        let mut number = self.document_number.clone();
        while number.len() < 9 {
            number.push('<');
        }
        let cd = |f: &str| check_digit::compute(f.as_bytes()).map_or('0', char::from);
        let mut out = Zeroizing::new(String::with_capacity(32));
        out.push_str(&number);
        out.push(cd(&number));
        out.push_str(&self.date_of_birth);
        out.push(cd(&self.date_of_birth));
        out.push_str(&self.date_of_expiry);
        out.push(cd(&self.date_of_expiry));
        number.zeroize();
        out
    }

    /// The document number as given (upper case, without check digit): what a relay-mode
    /// step-up sends the service, which derives the keys itself.
    pub fn document_number(&self) -> &str {
        &self.document_number
    }

    /// The date of birth, `YYMMDD`.
    pub fn date_of_birth(&self) -> &str {
        &self.date_of_birth
    }

    /// The date of expiry, `YYMMDD`.
    pub fn date_of_expiry(&self) -> &str {
        &self.date_of_expiry
    }

    /// Whether the document number equals `other` (fillers ignored); used to compare the key
    /// with the DG1 read afterwards without exposing either.
    pub fn matches_document_number(&self, other: &str) -> bool {
        self.document_number.trim_end_matches('<') == other.trim_end_matches('<')
    }
}

/// The card access number printed on the data page (PACE password reference 2).
#[derive(Clone, Zeroize, ZeroizeOnDrop)]
pub struct Can(String);

impl std::fmt::Debug for Can {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Can(<redacted>)")
    }
}

impl Can {
    /// A CAN: digits only (usually six).
    pub fn new(can: &str) -> Result<Self, MrzError> {
        let can = can.trim();
        if can.is_empty() || can.len() > 16 || !can.bytes().all(|c| c.is_ascii_digit()) {
            return Err(MrzError::Malformed(MrzField::Can));
        }
        Ok(Self(can.to_owned()))
    }

    /// The password bytes f(π) for PACE: the ASCII digits, not hashed.
    pub fn as_bytes(&self) -> &[u8] {
        self.0.as_bytes()
    }

    /// The digits, as text (what a relay-mode step-up sends the service).
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// What the user gives to open the chip.
#[derive(Debug, Clone)]
pub enum AccessKey {
    /// The MRZ-derived key (BAC, or PACE with password reference 1).
    Mrz(MrzKey),
    /// The card access number (PACE only, password reference 2).
    Can(Can),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mrz_information() {
        let k = MrzKey::new("L898902C", "690806", "940623").unwrap();
        assert_eq!(&*k.mrz_information(), "L898902C<369080619406236");
        let k = MrzKey::parse_triple("t22000129,640812,101031").unwrap();
        assert_eq!(&*k.mrz_information(), "T22000129364081251010318");
        assert_eq!(format!("{k:?}"), "MrzKey(<redacted>)");
        assert!(k.matches_document_number("T22000129"));
    }

    #[test]
    fn malformed_keys() {
        assert_eq!(
            MrzKey::new("", "690806", "940623").err(),
            Some(MrzError::Malformed(MrzField::DocumentNumber))
        );
        assert_eq!(
            MrzKey::new("A-1", "690806", "940623").err(),
            Some(MrzError::Malformed(MrzField::DocumentNumber))
        );
        assert_eq!(
            MrzKey::new("A1", "691306", "940623").err(),
            Some(MrzError::Malformed(MrzField::DateOfBirth))
        );
        assert_eq!(
            MrzKey::new("A1", "690806", "9406").err(),
            Some(MrzError::Malformed(MrzField::DateOfExpiry))
        );
        assert!(MrzKey::parse_triple("A1,690806").is_err());
        assert!(Can::new("123456").is_ok());
        assert_eq!(
            Can::new("12a456").err(),
            Some(MrzError::Malformed(MrzField::Can))
        );
    }
}
