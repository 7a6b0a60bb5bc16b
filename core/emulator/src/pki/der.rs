//! The DER encodings the test PKI relies on, checked against the encoder that writes them.
//!
//! This module was the test PKI's hand-written DER writer; certificates, CRLs and SignedData
//! are now encoded with the `der`, x509-cert and `cms` types (see [`super::cert`] and
//! [`super::signed`]). What its test pinned down still matters for the committed fixtures
//! (minimal INTEGERs with a sign octet, long-form lengths, UTCTime up to 2049 and
//! GeneralizedTime after), so the test stays, over these thin views of the new encoder.
#![allow(clippy::unwrap_used)]

use der::{
    Decode, Encode, Tag,
    asn1::{AnyRef, Uint},
};

/// One element with a single-byte tag.
fn tlv(tag: u8, content: &[u8]) -> Vec<u8> {
    let tag = Tag::from_der(&[tag]).unwrap();
    AnyRef::new(tag, content).unwrap().to_der().unwrap()
}

/// INTEGER from unsigned big-endian bytes.
fn uint(bytes: &[u8]) -> Vec<u8> {
    Uint::new(bytes).unwrap().to_der().unwrap()
}

/// INTEGER from a small number.
fn small(n: u64) -> Vec<u8> {
    uint(&n.to_be_bytes())
}

/// The Time the test PKI writes for a Unix time ([`super::cert`]'s choice), encoded.
fn time(unix: i64) -> Vec<u8> {
    super::cert::time(unix).unwrap().to_der().unwrap()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodings() {
        assert_eq!(uint(&[0x80]), vec![0x02, 0x02, 0x00, 0x80]);
        assert_eq!(uint(&[0, 0, 5]), vec![0x02, 0x01, 0x05]);
        assert_eq!(small(0), vec![0x02, 0x01, 0x00]);
        assert_eq!(tlv(0x04, &[0u8; 200])[..3], [0x04, 0x81, 200]);
        assert_eq!(time(0), tlv(0x17, b"700101000000Z"));
        assert_eq!(time(1_704_067_200), tlv(0x17, b"240101000000Z"));
        assert_eq!(time(2_556_144_000), tlv(0x18, b"20510101000000Z"));
    }
}
