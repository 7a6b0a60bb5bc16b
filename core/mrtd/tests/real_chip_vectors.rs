//! Vectors captured from real chips (icao9303.md §2.8): an RSA-1792 Active Authentication with
//! the two-byte trailer `34CC`, the protected INTERNAL AUTHENTICATE around it, and an AES
//! secure-messaging MSE:Set AT for Chip Authentication.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    missing_docs
)]

use tapid_card::CommandApdu;
use tapid_mrtd::active_authentication::{AaVerdict, internal_authenticate, verify};
use tapid_mrtd::lds::dg15::Dg15;
use tapid_mrtd::pa::HashAlgorithm;
use tapid_mrtd::secure_messaging::{LengthMode, SecureChannel};
use tapid_mrtd::symmetric::CipherAlg;
use zeroize::Zeroizing;

fn h(s: &str) -> Vec<u8> {
    hex::decode(s).unwrap()
}

const DG15: &str = "6F8201023081FF300D06092A864886F70D01010105000381ED003081E90281E100BB8F93F4DC95E205CDA17C6927AB1E365B13065D03CD12E0FCE95D96840529453202F56CC4C13F77CD062930C8BC89A2873B257045C286E601CF3C09323A53103314902804AA10A314628CE222206A8866946A36B442041BB54AC81E6855DD1D6E16101833D65A191C20AC8B33B8A1A32920F46043F8031CF2BC17417030865FC5BE5A39DEE423BCBA3CA8177168EB23CFE01BA43EC87711B1CFFF85DB46F300DD8AE317B50D543B573E119E23AF7070D0B2FED6A3B2313A5EC02A531AAED1741F4390D1013E2A0F081EAC5DC8B0A1B2C6BDB1206F08D30E3643E1E5BDF536110203010001";
const CHALLENGE: &str = "96302b0f3d7e7864";
const SIGNATURE: &str = "474256306840c0ab1b63c10e1c26bdfef4a0dd843920283cc4e6e70a60f2bd25dc7725f9677bc1cde66379dc28b38e8490f33afb2d10f9980c44c0bfc175d2b6684218f535c92fdd3e18db770a9ccbf91db3c7f0138e6d9e94b9bc8371761e3abed5e5e9b260279cfb238b58ae0d6a01da51c74c2a3ecd62c448bd9f20127f7384587287fa971204234e55b1a856c3e5aaaa620bb799a68fbae08ee132bb61683eba9b0b40dc1e54641cad975b16991cab50af82e3f3985afd19e7427a125f5b4b9878b12a5d2e01c7eedca3bb41c6fc05dccd818bce379d04b1f2f5d43487d3";

#[test]
fn rsa_1792_active_authentication_with_34cc_trailer() {
    let key = Dg15::parse(&h(DG15)).unwrap().public_key;
    assert_eq!(key.describe(), "RSA-1792");
    let challenge: [u8; 8] = h(CHALLENGE).try_into().unwrap();
    let verdict = verify(&key, &challenge, &h(SIGNATURE), None).unwrap();
    assert!(
        matches!(
            verdict,
            AaVerdict::Rsa {
                hash: HashAlgorithm::Sha256,
                key_bits: 1792,
                ..
            }
        ),
        "{verdict:?}"
    );
    // Any other challenge, or a flipped signature bit, fails.
    let mut other = challenge;
    other[0] ^= 1;
    assert!(verify(&key, &other, &h(SIGNATURE), None).is_err());
    let mut sig = h(SIGNATURE);
    sig[100] ^= 0x80;
    assert!(verify(&key, &challenge, &sig, None).is_err());
}

#[test]
fn protected_internal_authenticate_under_3des() {
    let mut sm = SecureChannel::new(
        CipherAlg::Tdes,
        Zeroizing::new(h("b99d546108eaa251570876b6d3456dce")),
        Zeroizing::new(h("e3857ca24946251c151c540e13f2cd51")),
        h("00000000000000cc"),
    )
    .unwrap();
    let cmd = internal_authenticate(&h(CHALLENGE).try_into().unwrap());
    let protected = sm.protect_command(&cmd, LengthMode::Short).unwrap();
    assert_eq!(
        protected.to_bytes().unwrap(),
        h("0c88000020871101ed7f8cb47a4eea086324a7f9dd7427809701008e0897f54bae49aa71f800")
    );
}

#[test]
fn aes_protected_mse_set_at_for_chip_authentication() {
    let mut sm = SecureChannel::new(
        CipherAlg::Aes128,
        Zeroizing::new(h("cc86415f2ed7e8fd663b754265695ae1")),
        Zeroizing::new(h("581e84b8ee06c4d3eee30461498d7fb3")),
        h("000000000000000000000000000000ba"),
    )
    .unwrap();
    let cmd =
        CommandApdu::new(0x00, 0x22, 0x41, 0xA4).with_data(h("800a04007f000702020302028401c3"));
    let protected = sm.protect_command(&cmd, LengthMode::Short).unwrap();
    assert_eq!(
        protected.to_bytes().unwrap(),
        h("0c2241a41d871101980953d37f67558690045d78a853b18a8e08929767a2cef172e200")
    );
}
