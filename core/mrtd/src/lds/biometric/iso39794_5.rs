//! ISO/IEC 39794-5 face image data in the ICAO application profile (DG2 `7F2E`): tagged BER
//! with context-specific tags.
//!
//! ```text
//! 7F2E { [A1 {] 65 FaceImageDataBlock {
//!   A0 versionBlock { 80 generation, 81 year },
//!   A1 representationBlocks { 30 RepresentationBlock {
//!     80 representationId,
//!     A1 imageRepresentation { A0 base { A0 image2D {
//!       80 representationData2D (the image),
//!       A1 imageInformation2DBlock { A0 imageDataFormat { 80 code }, …,
//!                                    A7 imageSize { 80 width, 81 height }, … } } } },
//!     … capture date, quality, PAD, landmarks … } … } } [}] }
//! ```
//! Only what the report and the decoder need is read; everything else is skipped.

use tapid_card::tlv::{Tag, Tlv, TlvIter};

use super::{BiometricError, Face, FaceFormat, ImageType, MAX_FACES};

const FACE_IMAGE_DATA_BLOCK: Tag = Tag(0x65);

fn ctx(n: u32) -> Tag {
    Tag(0x80 | n)
}

fn ctx_cons(n: u32) -> Tag {
    Tag(0xA0 | n)
}

fn structure(what: &'static str) -> impl Fn(tapid_card::TlvError) -> BiometricError {
    move |_| BiometricError::Structure(what)
}

fn require<'a>(t: &Tlv<'a>, tag: Tag, what: &'static str) -> Result<Tlv<'a>, BiometricError> {
    t.find(tag)
        .map_err(structure(what))?
        .ok_or(BiometricError::Structure(what))
}

/// A non-negative INTEGER value of at most 32 bits.
fn small_uint(value: &[u8], what: &'static str) -> Result<u32, BiometricError> {
    let trimmed = match value {
        [0, rest @ ..] if !rest.is_empty() => rest,
        v => v,
    };
    if trimmed.is_empty() || trimmed.len() > 4 || value.first().is_some_and(|b| b & 0x80 != 0) {
        return Err(BiometricError::Structure(what));
    }
    Ok(trimmed
        .iter()
        .fold(0u32, |acc, b| (acc << 8) | u32::from(*b)))
}

/// Parses the content of DG2's `7F2E` object into its faces (one per 2D representation).
pub fn parse(data: &[u8]) -> Result<Vec<Face>, BiometricError> {
    let outer = Tlv::parse_exact(data).map_err(structure("outer object"))?;
    let block = if outer.tag == FACE_IMAGE_DATA_BLOCK {
        outer
    } else if outer.tag == ctx_cons(1) {
        require(&outer, FACE_IMAGE_DATA_BLOCK, "FaceImageDataBlock")?
    } else {
        return Err(BiometricError::Structure("FaceImageDataBlock"));
    };
    let representations = require(&block, ctx_cons(1), "representationBlocks")?;
    let mut faces = Vec::new();
    for rep in TlvIter::new(representations.value) {
        let rep = rep.map_err(structure("RepresentationBlock"))?;
        if rep.tag != Tag(0x30) {
            return Err(BiometricError::Structure("RepresentationBlock"));
        }
        if faces.len() == MAX_FACES {
            return Err(BiometricError::TooManyFaces(MAX_FACES + 1));
        }
        if let Some(face) = representation(&rep)? {
            faces.push(face);
        }
    }
    if faces.is_empty() {
        return Err(BiometricError::NoFace);
    }
    Ok(faces)
}

/// One representation; `None` for a 3D-only representation (no 2D image to show).
fn representation(rep: &Tlv<'_>) -> Result<Option<Face>, BiometricError> {
    let image_rep = require(rep, ctx_cons(1), "imageRepresentation")?;
    let Some(base) = image_rep.find(ctx_cons(0)).map_err(structure("base"))? else {
        return Ok(None);
    };
    let Some(image_2d) = base.find(ctx_cons(0)).map_err(structure("image2D"))? else {
        return Ok(None);
    };
    let image = require(&image_2d, ctx(0), "representationData2D")?.value;
    let info = require(&image_2d, ctx_cons(1), "imageInformation2DBlock")?;
    let declared = match info
        .find(ctx_cons(0))
        .map_err(structure("imageDataFormat"))?
    {
        Some(format) => match format.find(ctx(0)).map_err(structure("imageDataFormat"))? {
            Some(code) => match small_uint(code.value, "imageDataFormat code")? {
                2 => Some(ImageType::Jpeg),
                3 | 4 => Some(ImageType::Jpeg2000),
                5 => Some(ImageType::Png),
                _ => None,
            },
            None => None,
        },
        None => None,
    };
    let (width, height) = match info.find(ctx_cons(7)).map_err(structure("imageSize"))? {
        Some(size) => (
            small_uint(require(&size, ctx(0), "width")?.value, "width")?,
            small_uint(require(&size, ctx(1), "height")?.value, "height")?,
        ),
        None => (0, 0),
    };
    if image.is_empty() {
        return Err(BiometricError::NoFace);
    }
    Ok(Some(Face {
        format: FaceFormat::Iso39794_5,
        image_type: ImageType::resolve(image, declared)?,
        width,
        height,
        image_len: image.len(),
        iso19794_5: None,
        image: image.to_vec(),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use tapid_card::tlv::encode;

    fn face_block(image: &[u8], format: u8, wrap: bool) -> Vec<u8> {
        let mut size = encode(ctx(0), &[0x01, 0xE0]);
        size.extend(encode(ctx(1), &[0x02, 0x80]));
        let mut info = encode(ctx_cons(0), &encode(ctx(0), &[format]));
        info.extend(encode(ctx_cons(7), &size));
        let mut img2d = encode(ctx(0), image);
        img2d.extend(encode(ctx_cons(1), &info));
        let rep_img = encode(
            ctx_cons(1),
            &encode(ctx_cons(0), &encode(ctx_cons(0), &img2d)),
        );
        let mut rep = encode(ctx(0), &[0]);
        rep.extend(rep_img);
        let reps = encode(ctx_cons(1), &encode(Tag(0x30), &rep));
        let mut block = encode(ctx_cons(0), &[0x80, 0x01, 0x03, 0x81, 0x02, 0x07, 0xE3]);
        block.extend(reps);
        let block = encode(FACE_IMAGE_DATA_BLOCK, &block);
        if wrap {
            encode(ctx_cons(1), &block)
        } else {
            block
        }
    }

    #[test]
    fn synthetic_png_face() {
        for wrap in [false, true] {
            let faces = parse(&face_block(b"\x89PNG\r\n\x1a\n", 5, wrap)).unwrap();
            assert_eq!(faces.len(), 1);
            assert_eq!(faces[0].image_type, ImageType::Png);
            assert_eq!((faces[0].width, faces[0].height), (480, 640));
        }
        // Unrecognisable bytes fall back to the declared format.
        let faces = parse(&face_block(&[1, 2, 3], 2, false)).unwrap();
        assert_eq!(faces[0].image_type, ImageType::Jpeg);
        assert_eq!(
            parse(&face_block(&[1, 2, 3], 1, false)),
            Err(BiometricError::UnknownImageFormat)
        );
        assert!(parse(&[0x65, 0x00]).is_err());
    }

    proptest::proptest! {
        #[test]
        fn never_panics(bytes in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..200)) {
            let _ = parse(&bytes);
            let _ = parse(&encode(FACE_IMAGE_DATA_BLOCK, &bytes));
        }
    }
}
