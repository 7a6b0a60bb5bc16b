//! DG12: additional document details (9303-10 §4.7.12), `6C { 5C tag list, 5F19 issuing
//! authority, 5F26 date of issue, A0 { 02 count, 0F other person … } (or unwrapped), 5F1B
//! endorsements and observations, 5F1C tax/exit requirements, 5F1D front image, 5F1E rear
//! image, 5F55 personalization date and time, 5F56 personalization device serial }`.

use serde::Serialize;
use tapid_card::tlv::{Tag, Tlv};

use super::dg11::{
    DetailsError, Name, NameList, check_tag_list, date_digits, separated_text, text,
};

/// Parsed DG12. Every field is optional; absent fields are `None`.
#[derive(Clone, Default, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct Dg12 {
    /// `5F19` issuing authority.
    pub issuing_authority: Option<String>,
    /// `5F26` date of issue, `YYYYMMDD`.
    pub date_of_issue: Option<String>,
    /// `0F` names of other persons (e.g. children) included in the document.
    pub other_persons: Vec<Name>,
    /// `5F1B` endorsements and observations.
    pub endorsements_and_observations: Option<String>,
    /// `5F1C` tax or exit requirements.
    pub tax_or_exit_requirements: Option<String>,
    /// `5F1D` image of the document's front, not serialized.
    #[serde(skip)]
    pub front_image: Option<Vec<u8>>,
    /// `5F1E` image of the document's rear, not serialized.
    #[serde(skip)]
    pub rear_image: Option<Vec<u8>>,
    /// `5F55` personalization date and time, `YYYYMMDDhhmmss`.
    pub personalization_time: Option<String>,
    /// `5F56` serial number of the personalization system.
    pub personalization_device_serial: Option<String>,
}

impl std::fmt::Debug for Dg12 {
    // Other persons' names are personal data: only presence is shown.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "Dg12(issuing_authority: {}, date_of_issue: {:?}, other_persons: {})",
            self.issuing_authority.is_some(),
            self.date_of_issue,
            self.other_persons.len()
        )
    }
}

impl Dg12 {
    /// Parses the file.
    pub fn parse(bytes: &[u8]) -> Result<Self, DetailsError> {
        let dg12 = Tlv::parse_tagged(bytes, Tag(0x6C))?;
        let mut out = Self::default();
        let mut names = NameList::default();
        for child in dg12.children() {
            let t = child?;
            if names.feed(&t)? {
                continue;
            }
            match t.tag.0 {
                0x5C => check_tag_list(&t)?,
                0x5F19 => out.issuing_authority = Some(separated_text(&t)?),
                0x5F26 => out.date_of_issue = Some(date_digits(&t, 8)?),
                0x5F1B => out.endorsements_and_observations = Some(text(&t)?),
                0x5F1C => out.tax_or_exit_requirements = Some(text(&t)?),
                0x5F1D => out.front_image = Some(t.value.to_vec()),
                0x5F1E => out.rear_image = Some(t.value.to_vec()),
                0x5F55 => out.personalization_time = Some(date_digits(&t, 14)?),
                0x5F56 => out.personalization_device_serial = Some(text(&t)?),
                _ => {}
            }
        }
        out.other_persons = names.finish()?;
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        #[test]
        fn never_panics(bytes in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..300)) {
            let _ = Dg12::parse(&bytes);
            let _ = Dg12::parse(&tapid_card::tlv::encode(Tag(0x6C), &bytes));
        }
    }
}
