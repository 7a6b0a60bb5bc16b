//! Biometric data blocks inside DG2 (the CBEFF `5F2E` / `7F2E` objects): the face records of
//! ISO/IEC 19794-5:2005 and of the ISO/IEC 39794-5 ICAO application profile, reduced to the
//! common [`Face`] the report and the face-image decoder need.

pub mod iso19794_5;
pub mod iso39794_5;

use serde::Serialize;

pub use iso19794_5::FacialRecordInfo;

/// Most faces (images, representations) accepted in one record: real documents hold one.
pub const MAX_FACES: usize = 16;

/// Why a face record failed to parse. Never carries image bytes or personal data.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum BiometricError {
    /// The record does not start with the `FAC\0` format identifier.
    #[error("face record does not start with FAC\\0")]
    NotAFaceRecord,
    /// A 19794-5 version other than `010` (2005), whose layout differs.
    #[error("unsupported ISO/IEC 19794-5 version {0:?}")]
    UnsupportedVersion(String),
    /// The record ends inside a header or a declared block.
    #[error("face record truncated in {0}")]
    Truncated(&'static str),
    /// A length or count field contradicts the data around it.
    #[error("face record length field inconsistent: {0}")]
    InconsistentLength(&'static str),
    /// More faces than [`MAX_FACES`].
    #[error("face record declares {0} faces (limit {MAX_FACES})")]
    TooManyFaces(usize),
    /// The record holds no face image.
    #[error("face record holds no image")]
    NoFace,
    /// A 39794-5 element is missing or has the wrong shape.
    #[error("ISO/IEC 39794-5 structure: {0}")]
    Structure(&'static str),
    /// The image bytes are in no format a face may use (JPEG, JPEG 2000, PNG).
    #[error("face image format not recognised")]
    UnknownImageFormat,
}

/// Which standard the face record follows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FaceFormat {
    /// ISO/IEC 19794-5:2005 (`FAC\0` `010\0`), the classic eMRTD encoding.
    Iso19794_5,
    /// ISO/IEC 39794-5 ICAO application profile (tagged BER), LDS 2 era documents.
    Iso39794_5,
}

impl FaceFormat {
    /// The standard's name as printed in reports.
    pub fn name(self) -> &'static str {
        match self {
            Self::Iso19794_5 => "ISO/IEC 19794-5",
            Self::Iso39794_5 => "ISO/IEC 39794-5",
        }
    }
}

impl Serialize for FaceFormat {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.name())
    }
}

impl<'de> serde::Deserialize<'de> for FaceFormat {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let name = String::deserialize(d)?;
        [Self::Iso19794_5, Self::Iso39794_5]
            .into_iter()
            .find(|f| f.name() == name)
            .ok_or_else(|| serde::de::Error::custom("unknown face record format"))
    }
}

/// The compression of a face image.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ImageType {
    /// JPEG (ISO/IEC 10918).
    Jpeg,
    /// JPEG 2000, as a JP2 file or a raw codestream.
    Jpeg2000,
    /// PNG (39794-5 only).
    Png,
}

impl ImageType {
    /// The type recognised from the image's first bytes (the declared type is sometimes wrong).
    pub fn sniff(image: &[u8]) -> Option<Self> {
        match image {
            [0xFF, 0xD8, 0xFF, ..] => Some(Self::Jpeg),
            [0x00, 0x00, 0x00, 0x0C, 0x6A, 0x50, 0x20, 0x20, ..] | [0xFF, 0x4F, 0xFF, 0x51, ..] => {
                Some(Self::Jpeg2000)
            }
            [0x89, b'P', b'N', b'G', ..] => Some(Self::Png),
            _ => None,
        }
    }

    /// The file extension for writing the image out.
    pub fn extension(self) -> &'static str {
        match self {
            Self::Jpeg => "jpg",
            Self::Jpeg2000 => "jp2",
            Self::Png => "png",
        }
    }

    /// The type from the image bytes, else the declared one, else an error.
    pub(crate) fn resolve(image: &[u8], declared: Option<Self>) -> Result<Self, BiometricError> {
        Self::sniff(image)
            .or(declared)
            .ok_or(BiometricError::UnknownImageFormat)
    }
}

/// One face image with the facts the report needs; the image bytes are not serialized.
#[derive(Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct Face {
    /// The record format.
    pub format: FaceFormat,
    /// The image compression (from the image bytes when recognisable, else as declared).
    pub image_type: ImageType,
    /// Width in pixels as declared by the record.
    pub width: u32,
    /// Height in pixels as declared by the record.
    pub height: u32,
    /// Size of the embedded image in bytes.
    pub image_len: usize,
    /// The 19794-5 facial record fields (gender, colours, pose, image information).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub iso19794_5: Option<FacialRecordInfo>,
    /// The embedded image, byte for byte as stored.
    #[serde(skip)]
    pub image: Vec<u8>,
}

impl std::fmt::Debug for Face {
    // Faces are biometric personal data: show only the technical facts.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "Face({}, {:?}, {}x{}, {} bytes)",
            self.format.name(),
            self.image_type,
            self.width,
            self.height,
            self.image.len()
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sniffing() {
        assert_eq!(
            ImageType::sniff(&[0xFF, 0xD8, 0xFF, 0xE0]),
            Some(ImageType::Jpeg)
        );
        assert_eq!(
            ImageType::sniff(&[0xFF, 0x4F, 0xFF, 0x51, 0]),
            Some(ImageType::Jpeg2000)
        );
        assert_eq!(ImageType::sniff(b"\x89PNG\r\n"), Some(ImageType::Png));
        assert_eq!(ImageType::sniff(&[1, 2, 3]), None);
        assert_eq!(
            ImageType::resolve(&[1], None),
            Err(BiometricError::UnknownImageFormat)
        );
        assert_eq!(
            ImageType::resolve(&[1], Some(ImageType::Png)),
            Ok(ImageType::Png)
        );
    }
}
