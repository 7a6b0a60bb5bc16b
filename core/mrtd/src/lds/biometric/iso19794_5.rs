//! ISO/IEC 19794-5:2005 face records (`FAC\0` `010\0`), as in most eMRTD DG2s:
//! a 14-byte record header, then per face a 20-byte facial information block, feature points
//! (8 bytes each, skipped), a 12-byte image information block and the image.

use serde::Serialize;

use super::{BiometricError, Face, FaceFormat, ImageType, MAX_FACES};

const RECORD_HEADER_LEN: usize = 14;
const FEATURE_POINT_LEN: usize = 8;

/// The 19794-5 fields of one facial record, decoded to names where the standard names them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct FacialRecordInfo {
    /// `unspecified`, `male`, `female` or `unknown`.
    pub gender: String,
    /// Eye colour name (`blue`, `brown`, …) or `unspecified`.
    pub eye_colour: String,
    /// Hair colour name (`black`, `blonde`, …) or `unspecified`.
    pub hair_colour: String,
    /// The 24-bit property mask (glasses, moustache, …).
    pub property_mask: u32,
    /// Expression name (`neutral`, `smile_closed_jaw`, …).
    pub expression: String,
    /// Pose angles yaw, pitch, roll (encoded as in the standard: 0 = unspecified).
    pub pose_angle: [u8; 3],
    /// Number of feature points in the record (skipped).
    pub feature_points: u16,
    /// `basic`, `full_frontal` or `token_frontal`.
    pub face_image_type: String,
    /// The image data type as declared (`jpeg`, `jpeg2000`); may disagree with the bytes.
    pub declared_image_data_type: String,
    /// Colour space (`rgb24`, `yuv422`, `grey8`, …).
    pub colour_space: String,
    /// Source type (`static_photo_digital_still`, …).
    pub source_type: String,
    /// Image quality (0 = unspecified).
    pub quality: u16,
}

/// A byte cursor that never panics.
struct Cursor<'a> {
    rest: &'a [u8],
}

impl<'a> Cursor<'a> {
    fn take(&mut self, n: usize, what: &'static str) -> Result<&'a [u8], BiometricError> {
        let (head, tail) = self
            .rest
            .split_at_checked(n)
            .ok_or(BiometricError::Truncated(what))?;
        self.rest = tail;
        Ok(head)
    }

    fn u8(&mut self, what: &'static str) -> Result<u8, BiometricError> {
        Ok(self.take(1, what)?.first().copied().unwrap_or_default())
    }

    fn be(&mut self, n: usize, what: &'static str) -> Result<u32, BiometricError> {
        Ok(self
            .take(n, what)?
            .iter()
            .fold(0u32, |acc, b| (acc << 8) | u32::from(*b)))
    }
}

/// Parses a 19794-5:2005 face record (the content of DG2's `5F2E`) into its faces.
pub fn parse(record: &[u8]) -> Result<Vec<Face>, BiometricError> {
    let mut c = Cursor { rest: record };
    if c.take(4, "format identifier")? != b"FAC\0" {
        return Err(BiometricError::NotAFaceRecord);
    }
    let version = c.take(4, "version")?;
    if version != b"010\0" {
        let shown = String::from_utf8_lossy(version.get(..3).unwrap_or(version)).into_owned();
        return Err(BiometricError::UnsupportedVersion(shown));
    }
    let record_len = c.be(4, "record length")? as usize;
    if record_len < RECORD_HEADER_LEN || record_len > record.len() {
        return Err(BiometricError::InconsistentLength("record length"));
    }
    let count = c.be(2, "number of faces")? as usize;
    if count > MAX_FACES {
        return Err(BiometricError::TooManyFaces(count));
    }
    if count == 0 {
        return Err(BiometricError::NoFace);
    }
    // Bytes after the declared record length (padding) are ignored.
    let mut c = Cursor {
        rest: record
            .get(RECORD_HEADER_LEN..record_len)
            .ok_or(BiometricError::InconsistentLength("record length"))?,
    };
    (0..count).map(|_| facial_record(&mut c)).collect()
}

fn facial_record(c: &mut Cursor<'_>) -> Result<Face, BiometricError> {
    let block_len = c.be(4, "facial record length")? as usize;
    let body = block_len
        .checked_sub(4)
        .ok_or(BiometricError::InconsistentLength("facial record length"))?;
    let mut b = Cursor {
        rest: c.take(body, "facial record")?,
    };
    let feature_points = c_u16(&mut b, "feature point count")?;
    let gender = b.u8("gender")?;
    let eye = b.u8("eye colour")?;
    let hair = b.u8("hair colour")?;
    let property_mask = b.be(3, "property mask")?;
    let expression = c_u16(&mut b, "expression")?;
    let pose = b.take(3, "pose angle")?;
    let pose_angle = [
        pose.first().copied().unwrap_or_default(),
        pose.get(1).copied().unwrap_or_default(),
        pose.get(2).copied().unwrap_or_default(),
    ];
    b.take(3, "pose angle uncertainty")?;
    let points_len = usize::from(feature_points) * FEATURE_POINT_LEN;
    b.take(points_len, "feature points")?;
    let face_image_type = b.u8("face image type")?;
    let data_type = b.u8("image data type")?;
    let width = b.be(2, "width")?;
    let height = b.be(2, "height")?;
    let colour_space = b.u8("colour space")?;
    let source_type = b.u8("source type")?;
    b.take(2, "device type")?;
    let quality = c_u16(&mut b, "quality")?;
    let image = b.rest.to_vec();
    if image.is_empty() {
        return Err(BiometricError::NoFace);
    }
    let declared = match data_type {
        0 => Some(ImageType::Jpeg),
        1 => Some(ImageType::Jpeg2000),
        _ => None,
    };
    Ok(Face {
        format: FaceFormat::Iso19794_5,
        image_type: ImageType::resolve(&image, declared)?,
        width,
        height,
        image_len: image.len(),
        iso19794_5: Some(FacialRecordInfo {
            gender: gender_name(gender).into(),
            eye_colour: eye_name(eye).into(),
            hair_colour: hair_name(hair).into(),
            property_mask,
            expression: expression_name(expression).into(),
            pose_angle,
            feature_points,
            face_image_type: match face_image_type {
                0 => "basic",
                1 => "full_frontal",
                2 => "token_frontal",
                _ => "other",
            }
            .into(),
            declared_image_data_type: match data_type {
                0 => "jpeg",
                1 => "jpeg2000",
                _ => "other",
            }
            .into(),
            colour_space: match colour_space {
                0 => "unspecified",
                1 => "rgb24",
                2 => "yuv422",
                3 => "grey8",
                _ => "other",
            }
            .into(),
            source_type: match source_type {
                0 => "unspecified",
                1 => "static_photo_unknown_source",
                2 => "static_photo_digital_still",
                3 => "static_photo_scan",
                4 => "video_frame_unknown_source",
                5 => "video_frame_analogue",
                6 => "video_frame_digital",
                _ => "unknown",
            }
            .into(),
            quality,
        }),
        image,
    })
}

fn c_u16(c: &mut Cursor<'_>, what: &'static str) -> Result<u16, BiometricError> {
    Ok(c.be(2, what)? as u16)
}

fn gender_name(v: u8) -> &'static str {
    match v {
        0 => "unspecified",
        1 => "male",
        2 => "female",
        _ => "unknown",
    }
}

fn eye_name(v: u8) -> &'static str {
    match v {
        0 => "unspecified",
        1 => "black",
        2 => "blue",
        3 => "brown",
        4 => "grey",
        5 => "green",
        6 => "multi_coloured",
        7 => "pink",
        _ => "other",
    }
}

fn hair_name(v: u8) -> &'static str {
    match v {
        0 => "unspecified",
        1 => "bald",
        2 => "black",
        3 => "blonde",
        4 => "brown",
        5 => "grey",
        6 => "white",
        7 => "red",
        _ => "other",
    }
}

fn expression_name(v: u16) -> &'static str {
    match v {
        0 => "unspecified",
        1 => "neutral",
        2 => "smile_closed_jaw",
        3 => "smile_open_jaw",
        4 => "raised_eyebrows",
        5 => "eyes_looking_away",
        6 => "squinting",
        7 => "frowning",
        _ => "other",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A record with one face, `points` feature points and a JPEG-looking image.
    pub(crate) fn record(points: u16, image: &[u8]) -> Vec<u8> {
        let block = 32 + 8 * usize::from(points) + image.len();
        let mut r = b"FAC\x00010\x00".to_vec();
        r.extend(((14 + block) as u32).to_be_bytes());
        r.extend(1u16.to_be_bytes());
        r.extend((block as u32).to_be_bytes());
        r.extend(points.to_be_bytes());
        r.extend([1, 3, 4, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0]);
        r.extend(std::iter::repeat_n(0xAA, 8 * usize::from(points)));
        r.extend([1, 0, 0, 240, 1, 64, 1, 2, 0, 0, 0, 0]);
        r.extend_from_slice(image);
        r
    }

    #[test]
    fn skips_feature_points() {
        let img = [0xFF, 0xD8, 0xFF, 0xE0, 1, 2, 3];
        let faces = parse(&record(3, &img)).unwrap();
        assert_eq!(faces.len(), 1);
        let f = &faces[0];
        assert_eq!(f.image, img);
        assert_eq!((f.width, f.height), (240, 320));
        let info = f.iso19794_5.as_ref().unwrap();
        assert_eq!(info.feature_points, 3);
        assert_eq!(info.gender, "male");
        assert_eq!(info.eye_colour, "brown");
        assert_eq!(info.hair_colour, "brown");
        assert_eq!(info.expression, "neutral");
    }

    #[test]
    fn malformed() {
        let img = [0xFF, 0xD8, 0xFF, 0xE0];
        let good = record(0, &img);
        assert_eq!(parse(b"FAX\0"), Err(BiometricError::NotAFaceRecord));
        let mut v2 = good.clone();
        v2[4..8].copy_from_slice(b"030\0");
        assert!(matches!(
            parse(&v2),
            Err(BiometricError::UnsupportedVersion(_))
        ));
        // Feature points claimed beyond the block.
        let mut fp = good.clone();
        fp[18..20].copy_from_slice(&200u16.to_be_bytes());
        assert!(matches!(parse(&fp), Err(BiometricError::Truncated(_))));
        let mut many = good.clone();
        many[12..14].copy_from_slice(&u16::MAX.to_be_bytes());
        assert_eq!(parse(&many), Err(BiometricError::TooManyFaces(65535)));
        let mut unknown = record(0, &[1, 2, 3]);
        unknown[35] = 7;
        assert_eq!(parse(&unknown), Err(BiometricError::UnknownImageFormat));
        assert!(parse(&good[..good.len() - 1]).is_err());
    }

    proptest::proptest! {
        #[test]
        fn never_panics(bytes in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..200)) {
            let _ = parse(&bytes);
            let mut r = b"FAC\x00010\x00".to_vec();
            r.extend(((bytes.len() + 8) as u32).to_be_bytes());
            r.extend_from_slice(&bytes);
            let _ = parse(&r);
        }
    }
}
