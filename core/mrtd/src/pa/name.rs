//! Comparing X.501 Names the way robust eMRTD readers do.
//!
//! A SignerInfo's `issuerAndSerialNumber`, a certificate's issuer and a CRL's issuer are meant
//! to be the issuer's subject Name, but real documents do not always encode them identically:
//! a Malaysian passport's SignerInfo lists the same attributes as its Document Signer
//! certificate's issuer in another order. Names are therefore compared as a *set* of
//! attributes (each attribute type with its value), with RFC 4518-style string preparation
//! for the directory string types: case-insensitive and with runs of white space collapsed.
//! Values of other types (and strings that are not valid text) compare by tag and bytes.

use der::{Encode, Tag, Tagged};
use x509_cert::name::Name;

use super::{error::PaError, tlv};

/// One attribute of a Name in comparable form.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Attribute {
    /// The attribute type OID's content octets.
    oid: Vec<u8>,
    /// The prepared value.
    value: Value,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Value {
    /// A directory string (Printable, UTF8, IA5, Visible, BMP, Teletex), prepared.
    Text(String),
    /// Anything else: tag and content octets.
    Other(Vec<u8>, Vec<u8>),
}

/// A Name as a sorted multiset of prepared attributes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ComparableName(Vec<Attribute>);

impl ComparableName {
    /// Parses a DER (or BER) Name: `SEQUENCE OF SET OF SEQUENCE { type, value }`.
    pub(crate) fn from_der(bytes: &[u8]) -> Result<Self, PaError> {
        let name: Name = tlv::decode(bytes, "Name")?;
        let mut attributes: Vec<Attribute> = name
            .iter()
            .map(|atv| Attribute {
                oid: atv.oid.as_bytes().to_vec(),
                value: prepare(atv.value.tag(), atv.value.value()),
            })
            .collect();
        attributes.sort();
        Ok(Self(attributes))
    }

    /// A byte key that is equal for equal names (for hash-map lookups).
    pub(crate) fn key(&self) -> Vec<u8> {
        let mut out = Vec::new();
        for a in &self.0 {
            push_field(&mut out, &a.oid);
            match &a.value {
                Value::Text(s) => {
                    out.push(0);
                    push_field(&mut out, s.as_bytes());
                }
                Value::Other(tag, bytes) => {
                    out.push(1);
                    push_field(&mut out, tag);
                    push_field(&mut out, bytes);
                }
            }
        }
        out
    }
}

fn push_field(out: &mut Vec<u8>, bytes: &[u8]) {
    out.extend_from_slice(&(bytes.len() as u64).to_be_bytes());
    out.extend_from_slice(bytes);
}

/// The lookup key of a Name's DER: its prepared attribute set, or (for a Name that does not
/// parse) the bytes themselves, so that such a name still matches only itself.
pub(crate) fn key(der: &[u8]) -> Vec<u8> {
    match ComparableName::from_der(der) {
        Ok(n) => {
            let mut k = vec![0];
            k.extend(n.key());
            k
        }
        Err(_) => {
            let mut k = vec![1];
            k.extend_from_slice(der);
            k
        }
    }
}

/// Whether two Names (DER) are the same name: identical bytes, or the same set of attributes
/// after string preparation.
pub fn same_name(a: &[u8], b: &[u8]) -> bool {
    if a == b {
        return true;
    }
    match (ComparableName::from_der(a), ComparableName::from_der(b)) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}

/// Prepares a value: directory strings are decoded, case-folded and white space collapsed.
fn prepare(tag: Tag, content: &[u8]) -> Value {
    let text = match tag {
        Tag::Utf8String | Tag::PrintableString | Tag::Ia5String | Tag::VisibleString => {
            std::str::from_utf8(content).ok().map(str::to_owned)
        }
        // TeletexString: in practice Latin-1 in certificates.
        Tag::TeletexString => Some(content.iter().map(|&b| char::from(b)).collect()),
        // BMPString (UTF-16BE).
        Tag::BmpString => {
            let units: Option<Vec<u16>> = content.len().is_multiple_of(2).then(|| {
                content
                    .chunks_exact(2)
                    .map(|c| {
                        u16::from_be_bytes([
                            c.first().copied().unwrap_or(0),
                            c.get(1).copied().unwrap_or(0),
                        ])
                    })
                    .collect()
            });
            units.and_then(|u| String::from_utf16(&u).ok())
        }
        _ => None,
    };
    match text {
        Some(t) => Value::Text(
            t.split_whitespace()
                .collect::<Vec<_>>()
                .join(" ")
                .to_lowercase(),
        ),
        None => Value::Other(tag.to_der().unwrap_or_default(), content.to_vec()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tlv(tag: u8, content: &[u8]) -> Vec<u8> {
        let mut v = vec![tag, content.len() as u8];
        v.extend_from_slice(content);
        v
    }

    fn atv(oid: &[u8], tag: u8, value: &str) -> Vec<u8> {
        tlv(0x30, &[tlv(0x06, oid), tlv(tag, value.as_bytes())].concat())
    }

    fn name(rdns: &[Vec<u8>]) -> Vec<u8> {
        let sets: Vec<u8> = rdns.iter().flat_map(|a| tlv(0x31, a)).collect();
        tlv(0x30, &sets)
    }

    const C: &[u8] = &[0x55, 0x04, 0x06];
    const O: &[u8] = &[0x55, 0x04, 0x0A];
    const CN: &[u8] = &[0x55, 0x04, 0x03];

    #[test]
    fn order_case_whitespace_and_string_type_do_not_matter() {
        let a = name(&[
            atv(C, 0x13, "MY"),
            atv(O, 0x13, "Jabatan Imigresen"),
            atv(CN, 0x0C, "CSCA Malaysia"),
        ]);
        let b = name(&[
            atv(CN, 0x13, "csca  MALAYSIA"),
            atv(C, 0x13, "MY"),
            atv(O, 0x0C, " Jabatan Imigresen "),
        ]);
        assert!(same_name(&a, &b));
        assert_eq!(key(&a), key(&b));
    }

    #[test]
    fn different_values_or_missing_attributes_differ() {
        let a = name(&[atv(C, 0x13, "MY"), atv(CN, 0x13, "CSCA")]);
        let b = name(&[atv(C, 0x13, "SG"), atv(CN, 0x13, "CSCA")]);
        let c = name(&[atv(C, 0x13, "MY")]);
        let d = name(&[
            atv(C, 0x13, "MY"),
            atv(CN, 0x13, "CSCA"),
            atv(CN, 0x13, "CSCA"),
        ]);
        assert!(!same_name(&a, &b));
        assert!(!same_name(&a, &c));
        assert!(
            !same_name(&a, &d),
            "a multiset: a repeated attribute counts"
        );
        assert_ne!(key(&a), key(&b));
        // A value that is not a string compares by tag and bytes.
        let e = name(&[atv(C, 0x04, "MY"), atv(CN, 0x13, "CSCA")]);
        assert!(!same_name(&a, &e));
        assert!(!same_name(&a, b"\x30\x05garbage"));
    }
}
