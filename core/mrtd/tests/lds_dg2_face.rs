#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    missing_docs
)]
//! DG2 and face images on real data: the ISO 19794-5 and ISO/IEC 39794-5 face containers give
//! exactly the published image bytes, the BSI and Dutch DG2s parse, the emulator's DG2 layout
//! parses, and every image decodes (JPEG, JPEG 2000 with and without padding) to PNG. JPEG
//! (and decoding PNG) needs the feature `face-image`; `face-jpeg2000` alone refuses them.

use tapid_card::tlv::{Tag, encode};
use tapid_mrtd::face_image::{FaceImage, FaceImageError};
use tapid_mrtd::lds::biometric::{self, FaceFormat, ImageType};
use tapid_mrtd::lds::dg2::Dg2;
use tapid_test_support::conformance::{self, conformance_dir};

#[test]
fn iso19794_5_container_gives_the_published_jpeg() {
    let Some(dir) = conformance_dir() else {
        return;
    };
    let record = conformance::read(&dir, "face-containers/ISO19794_Test1_Data.bin");
    let expected = conformance::read(&dir, "face-containers/ISO19794_Test1_Face.jpg");
    let faces = biometric::iso19794_5::parse(&record).unwrap();
    assert_eq!(faces.len(), 1);
    let face = &faces[0];
    assert_eq!(face.format, FaceFormat::Iso19794_5);
    assert_eq!(face.image, expected);
    // The record declares JPEG 2000 but holds a JPEG: the bytes decide.
    assert_eq!(face.image_type, ImageType::Jpeg);
    assert_eq!(
        face.iso19794_5.as_ref().unwrap().declared_image_data_type,
        "jpeg2000"
    );
    assert_decodes_as_jpeg(&face.image);

    // Wrapped in a DG2 the same record parses too.
    let mut header = encode(Tag(0x81), &[0x02]);
    header.extend(encode(Tag(0x87), &[0x01, 0x01]));
    header.extend(encode(Tag(0x88), &[0x00, 0x08]));
    let mut instance = encode(Tag(0xA1), &header);
    instance.extend(encode(Tag(0x5F2E), &record));
    let mut group = encode(Tag(0x02), &[1]);
    group.extend(encode(Tag(0x7F60), &instance));
    let dg2 = Dg2::parse(&encode(Tag(0x75), &encode(Tag(0x7F61), &group))).unwrap();
    assert_eq!(dg2.faces[0].image, expected);
    assert_eq!(dg2.headers[0].format_type, Some(8));
}

#[test]
fn iso39794_5_dg2_gives_the_published_jp2() {
    let Some(dir) = conformance_dir() else {
        return;
    };
    let dg2 = Dg2::parse(&conformance::read(
        &dir,
        "face-containers/ICAO_39794_5_AP_DG2_AllFields.dat",
    ))
    .unwrap();
    let expected = conformance::read(&dir, "face-containers/ICAO_39794_5_AP_DG2_Face.jp2");
    assert_eq!(dg2.faces.len(), 1);
    let face = &dg2.faces[0];
    assert_eq!(face.format, FaceFormat::Iso39794_5);
    assert_eq!(face.image_type, ImageType::Jpeg2000);
    assert_eq!(face.image, expected);
    assert_eq!((face.width, face.height), (572, 731));
    assert_eq!(dg2.headers[0].format_owner, Some(0x0101));
    assert_eq!(dg2.headers[0].format_type, Some(0x002A));
    let json = serde_json::to_value(&dg2).unwrap();
    assert_eq!(json["faces"][0]["format"], "ISO/IEC 39794-5");
    assert_eq!(json["faces"][0]["image_type"], "jpeg2000");
    assert!(json["faces"][0].get("image").is_none());

    // The JP2 decodes, also with trailing padding, and as PNG.
    let decoded = FaceImage::decode(&face.image).unwrap();
    assert_eq!((decoded.width, decoded.height), (413, 531));
    let mut padded = face.image.clone();
    padded.extend([0u8; 37]);
    assert_eq!(FaceImage::decode(&padded).unwrap(), decoded);
    let png = decoded.encode_png().unwrap();
    #[cfg(feature = "face-image")]
    assert_eq!(FaceImage::decode(&png).unwrap(), decoded);
    #[cfg(not(feature = "face-image"))]
    assert_eq!(
        FaceImage::decode(&png),
        Err(FaceImageError::NotBuiltIn(ImageType::Png))
    );

    // The raw codestream inside the `jp2c` box decodes to the same pixels, padded or not.
    let at = face.image.windows(4).position(|w| w == b"jp2c").unwrap();
    let codestream = &face.image[at + 4..];
    assert_eq!(&codestream[..4], &[0xFF, 0x4F, 0xFF, 0x51]);
    assert_eq!(FaceImage::decode(codestream).unwrap(), decoded);
    let mut padded = codestream.to_vec();
    padded.extend([0xFFu8; 16]);
    assert_eq!(FaceImage::decode(&padded).unwrap(), decoded);
}

#[test]
fn bsi_and_dutch_dg2_parse_and_decode() {
    let Some(dir) = conformance_dir() else {
        return;
    };
    for (file, size) in [
        ("bsi-tr03105-reference/Datagroup2.bin", (337, 449)),
        ("nl-specimen-2006/ef0102.bin", (449, 598)),
    ] {
        let dg2 = Dg2::parse(&conformance::read(&dir, file)).unwrap();
        assert_eq!(dg2.faces.len(), 1, "{file}");
        let face = &dg2.faces[0];
        assert_eq!(face.format, FaceFormat::Iso19794_5);
        assert_eq!(face.image_type, ImageType::Jpeg2000, "{file}");
        assert_eq!((face.width, face.height), size, "{file}");
        // The BSI record declares another size than its JP2 carries; the decoder reports the
        // codestream's own size.
        let decoded = FaceImage::decode(&face.image).unwrap();
        eprintln!(
            "{file}: declared {size:?}, decoded {}x{}",
            decoded.width, decoded.height
        );
        assert!(decoded.width >= 300 && decoded.height >= 400, "{file}");
        assert_eq!(
            decoded.pixels.len(),
            (decoded.width * decoded.height * 3) as usize
        );
        assert!(!decoded.encode_png().unwrap().is_empty());
    }
}

/// The layout `tapid_emulator::lds_builder::dg2` produces, rebuilt here byte for byte around
/// the specimen JPEG the emulator serves.
#[test]
fn emulator_dg2_layout_parses() {
    let image =
        std::fs::read(conformance::workspace_root().join("fixtures/faces/specimen.jpg")).unwrap();
    let block_len = (20 + 12 + image.len()) as u32;
    let mut fac = b"FAC\x00010\x00".to_vec();
    fac.extend((14 + block_len).to_be_bytes());
    fac.extend(1u16.to_be_bytes());
    fac.extend(block_len.to_be_bytes());
    fac.extend(0u16.to_be_bytes());
    fac.extend([
        0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0, 0, 0, 0, 0, 0,
    ]);
    fac.extend([0x01, 0x00]);
    fac.extend(240u16.to_be_bytes());
    fac.extend(320u16.to_be_bytes());
    fac.extend([0x01, 0x02, 0, 0, 0, 0]);
    fac.extend_from_slice(&image);
    let mut header = encode(Tag(0x80), &[0x01, 0x01]);
    header.extend(encode(Tag(0x81), &[0x02]));
    header.extend(encode(Tag(0x87), &[0x01, 0x01]));
    header.extend(encode(Tag(0x88), &[0x00, 0x08]));
    let mut instance = encode(Tag(0xA1), &header);
    instance.extend(encode(Tag(0x5F2E), &fac));
    let mut group = encode(Tag(0x02), &[0x01]);
    group.extend(encode(Tag(0x7F60), &instance));
    let dg2 = Dg2::parse(&encode(Tag(0x75), &encode(Tag(0x7F61), &group))).unwrap();
    let face = &dg2.faces[0];
    assert_eq!(face.image, image);
    assert_eq!((face.width, face.height), (240, 320));
    assert_eq!(face.iso19794_5.as_ref().unwrap().gender, "female");
    assert_eq!(dg2.headers[0].version.as_deref(), Some("0101"));
    #[cfg(feature = "face-image")]
    {
        let decoded = FaceImage::decode(&face.image).unwrap();
        assert_eq!((decoded.width, decoded.height), (240, 320));
    }
    assert_decodes_as_jpeg(&face.image);
}

/// A JPEG decodes to RGB with `face-image`, and is refused as not built in without it.
fn assert_decodes_as_jpeg(image: &[u8]) {
    let decoded = FaceImage::decode(image);
    if cfg!(feature = "face-image") {
        let decoded = decoded.unwrap();
        assert!(decoded.width > 0 && decoded.height > 0);
        assert_eq!(
            decoded.pixels.len(),
            (decoded.width * decoded.height * 3) as usize
        );
    } else {
        assert_eq!(decoded, Err(FaceImageError::NotBuiltIn(ImageType::Jpeg)));
    }
}

#[test]
fn truncated_real_files_are_errors_not_panics() {
    let Some(dir) = conformance_dir() else {
        return;
    };
    for file in [
        "face-containers/ICAO_39794_5_AP_DG2_AllFields.dat",
        "bsi-tr03105-reference/Datagroup2.bin",
    ] {
        let bytes = conformance::read(&dir, file);
        for cut in [1, 5, 50, 200, bytes.len() / 2, bytes.len() - 1] {
            assert!(Dg2::parse(&bytes[..cut]).is_err(), "{file} cut at {cut}");
        }
        // Flip bytes all over the header region: never a panic.
        for i in 0..bytes.len().min(400) {
            let mut flipped = bytes.clone();
            flipped[i] ^= 0xFF;
            let _ = Dg2::parse(&flipped);
        }
    }
}
