//! Builds the LDS files a profile serves: EF.COM, DG1 and an ISO/IEC 19794-5 DG2.

use tapid_card::tlv::{Tag, encode};
use tapid_mrtd::lds::DataGroup;
use tapid_mrtd::lds::dg1::Dg1;

/// EF.COM listing `data_groups` (LDS 1.7, Unicode 4.0.0).
pub fn ef_com(data_groups: &[u8]) -> Vec<u8> {
    let tags: Vec<u8> = data_groups
        .iter()
        .filter_map(|n| DataGroup::new(*n))
        .map(DataGroup::tag)
        .collect();
    let mut body = encode(Tag(0x5F01), b"0107");
    body.extend(encode(Tag(0x5F36), b"040000"));
    body.extend(encode(Tag(0x5C), &tags));
    encode(Tag(0x60), &body)
}

/// DG1 for an MRZ given as text lines.
pub fn dg1(mrz: &str) -> Vec<u8> {
    Dg1::encode(mrz)
}

/// DG11 (additional personal details) with the tag list the 9303-10 layout requires.
pub fn dg11(full_name: &str, date_of_birth: &str, place_of_birth: &str, address: &str) -> Vec<u8> {
    dg11_fields(&[
        (Tag(0x5F0E), full_name),
        (Tag(0x5F2B), date_of_birth),
        (Tag(0x5F11), place_of_birth),
        (Tag(0x5F42), address),
    ])
}

/// DG11 with exactly these fields, in this order (e.g. `5F10` personal number). Text is
/// UTF-8: 9303-10 lets DG11 carry names in national characters (`Å`, `Ä`, `Ö`).
pub fn dg11_fields(fields: &[(Tag, &str)]) -> Vec<u8> {
    let mut tags = Vec::new();
    let mut body = Vec::new();
    for (tag, value) in fields {
        tags.extend(tag.to_bytes());
        body.extend(encode(*tag, value.as_bytes()));
    }
    let mut out = encode(Tag(0x5C), &tags);
    out.extend(body);
    encode(Tag(0x6B), &out)
}

/// DG12 (additional document details): issuing authority and date of issue.
pub fn dg12(issuing_authority: &str, date_of_issue: &str) -> Vec<u8> {
    let mut tags = Tag(0x5F19).to_bytes();
    tags.extend(Tag(0x5F26).to_bytes());
    let mut out = encode(Tag(0x5C), &tags);
    out.extend(encode(Tag(0x5F19), issuing_authority.as_bytes()));
    out.extend(encode(Tag(0x5F26), date_of_issue.as_bytes()));
    encode(Tag(0x6C), &out)
}

/// Image data type of an ISO/IEC 19794-5 record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FaceImageType {
    /// JPEG (`00`).
    Jpeg,
    /// JPEG 2000 (`01`).
    Jpeg2000,
}

/// DG2 holding one ISO/IEC 19794-5 (2005) facial record around `image`.
pub fn dg2(image: &[u8], kind: FaceImageType, width: u16, height: u16) -> Vec<u8> {
    // Facial record: header (20 bytes) + image information (12 bytes) + image.
    let block_len = (20 + 12 + image.len()) as u32;
    let mut fac = Vec::with_capacity(image.len() + 64);
    fac.extend_from_slice(b"FAC\x00010\x00");
    fac.extend_from_slice(&(14 + block_len).to_be_bytes());
    fac.extend_from_slice(&1u16.to_be_bytes()); // number of facial images
    fac.extend_from_slice(&block_len.to_be_bytes());
    fac.extend_from_slice(&0u16.to_be_bytes()); // feature points
    fac.extend_from_slice(&[0x02, 0x00, 0x00]); // gender female, eye and hair colour unspecified
    fac.extend_from_slice(&[0x00, 0x00, 0x00]); // property mask
    fac.extend_from_slice(&[0x00, 0x01]); // expression neutral
    fac.extend_from_slice(&[0, 0, 0, 0, 0, 0]); // pose angles and uncertainty
    fac.push(0x01); // face image type: full frontal
    fac.push(match kind {
        FaceImageType::Jpeg => 0x00,
        FaceImageType::Jpeg2000 => 0x01,
    });
    fac.extend_from_slice(&width.to_be_bytes());
    fac.extend_from_slice(&height.to_be_bytes());
    fac.push(0x01); // colour space sRGB
    fac.push(0x02); // source: digital still camera
    fac.extend_from_slice(&[0, 0, 0, 0]); // device type, quality
    fac.extend_from_slice(image);

    let mut header = encode(Tag(0x80), &[0x01, 0x01]);
    header.extend(encode(Tag(0x81), &[0x02]));
    header.extend(encode(Tag(0x87), &[0x01, 0x01]));
    header.extend(encode(Tag(0x88), &[0x00, 0x08]));
    let mut instance = encode(Tag(0xA1), &header);
    instance.extend(encode(Tag(0x5F2E), &fac));
    let mut group = encode(Tag(0x02), &[0x01]);
    group.extend(encode(Tag(0x7F60), &instance));
    encode(Tag(0x75), &encode(Tag(0x7F61), &group))
}

#[cfg(test)]
mod tests {
    use super::*;
    use tapid_card::tlv::Tlv;

    #[test]
    fn dg2_structure() {
        let dg2 = dg2(&[0xFF, 0xD8, 0xFF, 0xD9], FaceImageType::Jpeg, 240, 320);
        let outer = Tlv::parse_tagged(&dg2, Tag(0x75)).unwrap();
        let group = Tlv::parse_tagged(outer.value, Tag(0x7F61)).unwrap();
        let inst = group.require(Tag(0x7F60)).unwrap();
        let data = inst.require(Tag(0x5F2E)).unwrap();
        assert!(data.value.starts_with(b"FAC\x00010\x00"));
        assert!(data.value.ends_with(&[0xFF, 0xD8, 0xFF, 0xD9]));
        assert_eq!(
            ef_com(&[1, 2]),
            hex::decode("60145F0104303130375F36063034303030305C026175").unwrap()
        );
    }
}
