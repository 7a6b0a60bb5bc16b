//! Decoding DG2/DG5 face images to pixels: JPEG 2000 (JP2 file or raw codestream, trailing
//! padding tolerated) through `hayro-jpeg2000`; JPEG and PNG through `image` with the feature
//! `face-image` only (the feature `face-jpeg2000` leaves them out, for the mobile library,
//! whose app shows JPEG and PNG faces as stored). The result is 8-bit RGB or RGBA, ready to show
//! or to write as PNG (`face.png`, with the `png` encoder in both features).
//!
//! Images come from the chip, so sizes are checked from the headers before any pixel buffer is
//! allocated, and a panic inside a third-party decoder is caught and reported as an error.

#[cfg(feature = "face-image")]
use std::io::Cursor;
use std::panic::{AssertUnwindSafe, catch_unwind};

use crate::lds::biometric::ImageType;

/// Largest width or height accepted (a passport face is about 400×500).
pub const MAX_DIMENSION: u32 = 4096;
/// Largest pixel count accepted (width × height).
pub const MAX_PIXELS: u64 = 8 * 1024 * 1024;
/// Largest encoded image accepted (bytes).
pub const MAX_ENCODED_LEN: usize = 4 * 1024 * 1024;

/// Why a face image could not be decoded or encoded. Never carries pixel data.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum FaceImageError {
    /// The bytes are not JPEG, JPEG 2000 or PNG.
    #[error("face image format not recognised")]
    UnknownFormat,
    /// The declared size exceeds [`MAX_DIMENSION`] or [`MAX_PIXELS`], or is zero.
    #[error("face image size {width}x{height} is outside the accepted limits")]
    BadDimensions {
        /// Declared width.
        width: u32,
        /// Declared height.
        height: u32,
    },
    /// The encoded image is larger than [`MAX_ENCODED_LEN`].
    #[error("encoded face image of {0} bytes is too large")]
    TooLarge(usize),
    /// The decoder rejected the data.
    #[error("face image does not decode: {0}")]
    Decode(String),
    /// The JPEG 2000 colour space has no RGB rendering here (e.g. unknown channel layouts).
    #[error("unsupported JPEG 2000 colour space with {0} channels")]
    UnsupportedColourSpace(u8),
    /// Decoding this format is not built in (JPEG and PNG need the feature `face-image`).
    #[error("decoding {0:?} face images is not built in")]
    NotBuiltIn(ImageType),
    /// A third-party decoder panicked on this input.
    #[error("face image decoder failed on malformed data")]
    DecoderPanicked,
    /// PNG encoding failed.
    #[error("PNG encoding failed: {0}")]
    Encode(String),
}

/// A decoded face: 8-bit interleaved RGB (or RGBA when `has_alpha`), row-major.
#[derive(Clone, PartialEq, Eq)]
pub struct FaceImage {
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
    /// Whether `pixels` holds RGBA rather than RGB.
    pub has_alpha: bool,
    /// The samples: `width × height × (3 or 4)` bytes.
    pub pixels: Vec<u8>,
}

impl std::fmt::Debug for FaceImage {
    // Pixels are biometric data: show only the geometry.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "FaceImage({}x{}, alpha={})",
            self.width, self.height, self.has_alpha
        )
    }
}

fn check_dimensions(width: u32, height: u32) -> Result<(), FaceImageError> {
    let pixels = u64::from(width) * u64::from(height);
    if width == 0
        || height == 0
        || width > MAX_DIMENSION
        || height > MAX_DIMENSION
        || pixels > MAX_PIXELS
    {
        return Err(FaceImageError::BadDimensions { width, height });
    }
    Ok(())
}

impl FaceImage {
    /// Decodes an image whose format is recognised from its first bytes.
    pub fn decode(bytes: &[u8]) -> Result<Self, FaceImageError> {
        let kind = ImageType::sniff(bytes).ok_or(FaceImageError::UnknownFormat)?;
        Self::decode_as(bytes, kind)
    }

    /// Decodes an image of a known format.
    pub fn decode_as(bytes: &[u8], kind: ImageType) -> Result<Self, FaceImageError> {
        if bytes.len() > MAX_ENCODED_LEN {
            return Err(FaceImageError::TooLarge(bytes.len()));
        }
        catch_unwind(AssertUnwindSafe(|| match kind {
            ImageType::Jpeg2000 => decode_jpeg2000(bytes),
            #[cfg(feature = "face-image")]
            ImageType::Jpeg => decode_with_image(bytes, image::ImageFormat::Jpeg),
            #[cfg(feature = "face-image")]
            ImageType::Png => decode_with_image(bytes, image::ImageFormat::Png),
            #[cfg(not(feature = "face-image"))]
            ImageType::Jpeg | ImageType::Png => Err(FaceImageError::NotBuiltIn(kind)),
        }))
        .unwrap_or(Err(FaceImageError::DecoderPanicked))
    }

    /// The image as a PNG file (balanced compression, adaptive filter: what `image` writes).
    pub fn encode_png(&self) -> Result<Vec<u8>, FaceImageError> {
        let encode_err = |e: png::EncodingError| FaceImageError::Encode(e.to_string());
        let colour = if self.has_alpha {
            png::ColorType::Rgba
        } else {
            png::ColorType::Rgb
        };
        let mut out = Vec::new();
        let mut encoder = png::Encoder::new(&mut out, self.width, self.height);
        encoder.set_color(colour);
        encoder.set_depth(png::BitDepth::Eight);
        encoder.set_compression(png::Compression::Balanced);
        encoder.set_filter(png::Filter::Adaptive);
        let mut writer = encoder.write_header().map_err(encode_err)?;
        writer.write_image_data(&self.pixels).map_err(encode_err)?;
        writer.finish().map_err(encode_err)?;
        Ok(out)
    }
}

#[cfg(feature = "face-image")]
fn decode_with_image(
    bytes: &[u8],
    format: image::ImageFormat,
) -> Result<FaceImage, FaceImageError> {
    let decode_err = |e: image::ImageError| FaceImageError::Decode(e.to_string());
    // Reading the dimensions consumes a reader, so decoding takes a second one, limited alike.
    let reader = || {
        let mut reader = image::ImageReader::with_format(Cursor::new(bytes), format);
        let mut limits = image::Limits::default();
        limits.max_image_width = Some(MAX_DIMENSION);
        limits.max_image_height = Some(MAX_DIMENSION);
        limits.max_alloc = Some(MAX_PIXELS * 8);
        reader.limits(limits);
        reader
    };
    let (width, height) = reader().into_dimensions().map_err(decode_err)?;
    check_dimensions(width, height)?;
    let decoded = reader().decode().map_err(decode_err)?;
    let has_alpha = decoded.color().has_alpha();
    let pixels = if has_alpha {
        decoded.to_rgba8().into_raw()
    } else {
        decoded.to_rgb8().into_raw()
    };
    Ok(FaceImage {
        width,
        height,
        has_alpha,
        pixels,
    })
}

/// The JPEG 2000 data without trailing padding: a JP2 file is cut after its last complete
/// box, a raw codestream after its EOC marker (`FF D9`).
fn trim_jpeg2000(bytes: &[u8]) -> &[u8] {
    if bytes.starts_with(&[0xFF, 0x4F, 0xFF, 0x51]) {
        let end = bytes
            .windows(2)
            .rposition(|w| w == [0xFF, 0xD9])
            .map_or(bytes.len(), |p| p + 2);
        return bytes.get(..end).unwrap_or(bytes);
    }
    let mut offset = 0usize;
    while let Some(header) = bytes.get(offset..offset + 8) {
        let declared = header.get(..4).map_or(0, |l| {
            l.iter().fold(0u64, |acc, b| (acc << 8) | u64::from(*b))
        });
        let len = match declared {
            // Length 0: the box runs to the end of the file.
            0 => return bytes,
            // Length 1: a 64-bit extended length follows; leave such files as they are.
            1 => return bytes,
            n => usize::try_from(n).unwrap_or(usize::MAX),
        };
        match offset.checked_add(len) {
            Some(next) if len >= 8 && next <= bytes.len() => offset = next,
            _ => break,
        }
    }
    bytes
        .get(..offset)
        .filter(|b| !b.is_empty())
        .unwrap_or(bytes)
}

fn decode_jpeg2000(bytes: &[u8]) -> Result<FaceImage, FaceImageError> {
    use hayro_jpeg2000::{ColorSpace, DecodeSettings, DecoderContext, Image};
    let data = trim_jpeg2000(bytes);
    let decode_err = |e: hayro_jpeg2000::DecodeError| FaceImageError::Decode(e.to_string());
    let image = Image::new(data, &DecodeSettings::default()).map_err(decode_err)?;
    let (width, height) = (image.width(), image.height());
    check_dimensions(width, height)?;
    let has_alpha = image.has_alpha();
    let colour = image.color_space().clone();
    let mut ctx = DecoderContext::default();
    let samples = image.decode(&mut ctx).map_err(decode_err)?.data_u8();
    let pixel_count = usize::try_from(u64::from(width) * u64::from(height))
        .map_err(|_| FaceImageError::BadDimensions { width, height })?;
    let channels = usize::from(colour.num_channels()) + usize::from(has_alpha);
    if pixel_count == 0 || samples.len() != pixel_count * channels {
        return Err(FaceImageError::Decode(
            "JPEG 2000 sample count does not match the image size".into(),
        ));
    }
    let out_channels = if has_alpha { 4 } else { 3 };
    let mut pixels = Vec::with_capacity(pixel_count * out_channels);
    for px in samples.chunks_exact(channels) {
        let (colour_part, alpha) = if has_alpha {
            let (c, a) = px.split_at_checked(channels - 1).unwrap_or((px, &[]));
            (c, a.first().copied())
        } else {
            (px, None)
        };
        match (&colour, colour_part) {
            (ColorSpace::Gray, [g]) | (ColorSpace::Icc { .. }, [g]) => {
                pixels.extend_from_slice(&[*g, *g, *g])
            }
            (ColorSpace::RGB, [r, g, b]) | (ColorSpace::Icc { .. }, [r, g, b]) => {
                pixels.extend_from_slice(&[*r, *g, *b])
            }
            (ColorSpace::CMYK, [c, m, y, k]) => {
                let ink = |v: u8| ((255 - u16::from(v)) * (255 - u16::from(*k)) / 255) as u8;
                pixels.extend_from_slice(&[ink(*c), ink(*m), ink(*y)]);
            }
            _ => {
                return Err(FaceImageError::UnsupportedColourSpace(
                    colour.num_channels(),
                ));
            }
        }
        if let Some(a) = alpha {
            pixels.push(a);
        }
    }
    Ok(FaceImage {
        width,
        height,
        has_alpha,
        pixels,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Cursor;

    fn png_of(width: u32, height: u32) -> Vec<u8> {
        FaceImage {
            width,
            height,
            has_alpha: false,
            pixels: vec![0x80; (width * height * 3) as usize],
        }
        .encode_png()
        .unwrap()
    }

    #[test]
    fn png_encodes() {
        // Read back with the `png` crate's decoder, which both features link.
        let png = png_of(4, 3);
        let mut reader = png::Decoder::new(Cursor::new(png.as_slice()))
            .read_info()
            .unwrap();
        let mut pixels = vec![0; reader.output_buffer_size().unwrap()];
        let info = reader.next_frame(&mut pixels).unwrap();
        assert_eq!((info.width, info.height), (4, 3));
        assert_eq!(info.color_type, png::ColorType::Rgb);
        assert_eq!(pixels, vec![0x80; 36]);
        let short = FaceImage {
            width: 4,
            height: 3,
            has_alpha: true,
            pixels: vec![0; 36],
        };
        assert!(matches!(short.encode_png(), Err(FaceImageError::Encode(_))));
    }

    #[cfg(feature = "face-image")]
    #[test]
    fn png_round_trip() {
        let face = FaceImage::decode(&png_of(4, 3)).unwrap();
        assert_eq!((face.width, face.height, face.pixels.len()), (4, 3, 36));
        assert_eq!(format!("{face:?}"), "FaceImage(4x3, alpha=false)");
        assert!(matches!(
            FaceImage::decode(&png_of(MAX_DIMENSION + 1, 1)),
            Err(FaceImageError::Decode(_) | FaceImageError::BadDimensions { .. })
        ));
        assert!(FaceImage::decode(&[0xFF, 0xD8, 0xFF, 0xE0, 0, 0]).is_err());
    }

    #[cfg(not(feature = "face-image"))]
    #[test]
    fn jpeg_and_png_are_not_built_in() {
        assert_eq!(
            FaceImage::decode(&png_of(4, 3)),
            Err(FaceImageError::NotBuiltIn(ImageType::Png))
        );
        assert_eq!(
            FaceImage::decode(&[0xFF, 0xD8, 0xFF, 0xE0, 0, 0]),
            Err(FaceImageError::NotBuiltIn(ImageType::Jpeg))
        );
    }

    #[test]
    fn limits() {
        assert_eq!(
            FaceImage::decode(&[1, 2, 3]),
            Err(FaceImageError::UnknownFormat)
        );
        assert!(FaceImage::decode(&[0xFF, 0x4F, 0xFF, 0x51, 0, 0]).is_err());
        assert_eq!(
            check_dimensions(4096, 4096),
            Err(FaceImageError::BadDimensions {
                width: 4096,
                height: 4096
            })
        );
        assert!(check_dimensions(0, 10).is_err());
    }

    #[test]
    fn trims_padding() {
        let j2k = [0xFF, 0x4F, 0xFF, 0x51, 1, 2, 0xFF, 0xD9, 0, 0, 0];
        assert_eq!(trim_jpeg2000(&j2k), &j2k[..8]);
        let mut jp2 = vec![0, 0, 0, 12, 0x6A, 0x50, 0x20, 0x20, 0x0D, 0x0A, 0x87, 0x0A];
        jp2.extend([0, 0, 0, 9, b'j', b'p', b'2', b'c', 7]);
        let len = jp2.len();
        jp2.extend([0; 5]);
        assert_eq!(trim_jpeg2000(&jp2).len(), len);
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(128))]
        #[test]
        fn never_panics(prefix in 0usize..4, bytes in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..300)) {
            let magic: [&[u8]; 4] = [
                &[0xFF, 0xD8, 0xFF],
                &[0, 0, 0, 0x0C, 0x6A, 0x50, 0x20, 0x20, 0x0D, 0x0A, 0x87, 0x0A],
                &[0xFF, 0x4F, 0xFF, 0x51],
                b"\x89PNG\r\n\x1a\n",
            ];
            let mut data = magic[prefix].to_vec();
            data.extend_from_slice(&bytes);
            let _ = FaceImage::decode(&data);
            let _ = trim_jpeg2000(&bytes);
        }
    }
}
