//! DG5 (displayed portrait, `65 { 02 count, 5F40 image … }`) and DG7 (displayed signature or
//! usual mark, `67 { 02 count, 5F43 image … }`), 9303-10 §4.7.5 and §4.7.7: the images as
//! printed on the data page, normally JPEG.

use serde::Serialize;
use tapid_card::tlv::{Tag, Tlv, TlvError};

use super::DataGroup;
use super::biometric::ImageType;

/// Most images accepted in one displayed-image group.
pub const MAX_DISPLAYED_IMAGES: usize = 8;

/// Errors parsing DG5 or DG7.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum DisplayedImageError {
    /// The TLV structure is broken.
    #[error("displayed image structure: {0}")]
    Tlv(#[from] TlvError),
    /// The count is not one byte or exceeds [`MAX_DISPLAYED_IMAGES`].
    #[error("displayed image count is invalid or above {MAX_DISPLAYED_IMAGES}")]
    TooManyImages,
    /// The declared count disagrees with the images present.
    #[error("displayed image count {declared} does not match the {found} images present")]
    CountMismatch {
        /// The count in `02`.
        declared: usize,
        /// Images found.
        found: usize,
    },
}

/// One displayed image.
#[derive(Clone, PartialEq, Eq, Serialize)]
pub struct DisplayedImage {
    /// The format recognised from the bytes, if any.
    pub image_type: Option<ImageType>,
    /// Size in bytes.
    pub image_len: usize,
    /// The image, byte for byte as stored; not serialized.
    #[serde(skip)]
    pub image: Vec<u8>,
}

impl std::fmt::Debug for DisplayedImage {
    // A portrait or signature is personal data: only its type and size.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "DisplayedImage({:?}, {} bytes)",
            self.image_type,
            self.image.len()
        )
    }
}

/// Parsed DG5 or DG7.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DisplayedImages {
    /// DG5 or DG7.
    pub data_group: DataGroup,
    /// The images in order.
    pub images: Vec<DisplayedImage>,
}

impl DisplayedImages {
    /// Parses DG5 (displayed portrait).
    pub fn parse_dg5(bytes: &[u8]) -> Result<Self, DisplayedImageError> {
        Self::parse(bytes, 5, Tag(0x65), Tag(0x5F40))
    }

    /// Parses DG7 (displayed signature or usual mark).
    pub fn parse_dg7(bytes: &[u8]) -> Result<Self, DisplayedImageError> {
        Self::parse(bytes, 7, Tag(0x67), Tag(0x5F43))
    }

    fn parse(bytes: &[u8], dg: u8, tag: Tag, image_tag: Tag) -> Result<Self, DisplayedImageError> {
        let group = Tlv::parse_tagged(bytes, tag)?;
        let declared = match group.require(Tag(0x02))?.value {
            [n] if usize::from(*n) <= MAX_DISPLAYED_IMAGES => usize::from(*n),
            _ => return Err(DisplayedImageError::TooManyImages),
        };
        let mut images = Vec::new();
        for child in group.children() {
            let t = child?;
            if t.tag != image_tag {
                continue;
            }
            if images.len() == declared {
                return Err(DisplayedImageError::CountMismatch {
                    declared,
                    found: declared + 1,
                });
            }
            images.push(DisplayedImage {
                image_type: ImageType::sniff(t.value),
                image_len: t.value.len(),
                image: t.value.to_vec(),
            });
        }
        if images.len() != declared {
            return Err(DisplayedImageError::CountMismatch {
                declared,
                found: images.len(),
            });
        }
        let data_group = DataGroup::new(dg).ok_or(DisplayedImageError::TooManyImages)?;
        Ok(Self { data_group, images })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tapid_card::tlv::encode;

    #[test]
    fn dg5_and_dg7() {
        let jpeg = [0xFF, 0xD8, 0xFF, 0xE0, 1, 2];
        let mut body = encode(Tag(0x02), &[1]);
        body.extend(encode(Tag(0x5F40), &jpeg));
        let dg5 = DisplayedImages::parse_dg5(&encode(Tag(0x65), &body)).unwrap();
        assert_eq!(dg5.data_group.number(), 5);
        assert_eq!(dg5.images[0].image, jpeg);
        assert_eq!(dg5.images[0].image_type, Some(ImageType::Jpeg));
        let mut body = encode(Tag(0x02), &[2]);
        body.extend(encode(Tag(0x5F43), &[1, 2, 3]));
        assert_eq!(
            DisplayedImages::parse_dg7(&encode(Tag(0x67), &body)),
            Err(DisplayedImageError::CountMismatch {
                declared: 2,
                found: 1
            })
        );
        let body = encode(Tag(0x02), &[99]);
        assert_eq!(
            DisplayedImages::parse_dg7(&encode(Tag(0x67), &body)),
            Err(DisplayedImageError::TooManyImages)
        );
        assert!(DisplayedImages::parse_dg5(&encode(Tag(0x67), &[])).is_err());
    }

    proptest::proptest! {
        #[test]
        fn never_panics(bytes in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..300)) {
            let _ = DisplayedImages::parse_dg5(&bytes);
            let _ = DisplayedImages::parse_dg7(&encode(Tag(0x67), &bytes));
        }
    }
}
