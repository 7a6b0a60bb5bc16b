//! The protocol OIDs of BSI TR-03110 / ICAO 9303-11 §9.2 as types: PACE (mapping, key
//! agreement, cipher) and Chip Authentication (key agreement, cipher).
//!
//! They are families of two arcs under the base OIDs [`oid::ID_PACE`] and [`oid::ID_CA`] of
//! the [`crate::oid`] table; every arc is below 128, so a protocol OID is its base's DER
//! content bytes followed by one byte per arc, and is encoded and recognised that way.

use crate::oid;
use crate::symmetric::CipherAlg;

/// The PACE mapping of the nonce onto an ephemeral generator (9303-11 §4.4.3.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "UPPERCASE")]
#[non_exhaustive]
pub enum Mapping {
    /// Generic Mapping: a DH/ECDH exchange blinds the nonce.
    Gm,
    /// Integrated Mapping: a cipher-based PRF of both nonces is encoded as a group element.
    Im,
    /// Chip Authentication Mapping: GM plus the chip's proof of its static CA key.
    Cam,
}

/// The key agreement family.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "UPPERCASE")]
#[non_exhaustive]
pub enum Agreement {
    /// Diffie–Hellman modulo p.
    Dh,
    /// Elliptic-curve Diffie–Hellman.
    Ecdh,
}

/// The cipher arc shared by PACE and CA OIDs: `.1` 3DES, `.2`/`.3`/`.4` AES-128/192/256.
fn cipher_from_arc(arc: u8) -> Option<CipherAlg> {
    match arc {
        1 => Some(CipherAlg::Tdes),
        2 => Some(CipherAlg::Aes128),
        3 => Some(CipherAlg::Aes192),
        4 => Some(CipherAlg::Aes256),
        _ => None,
    }
}

fn cipher_arc(cipher: CipherAlg) -> u8 {
    match cipher {
        CipherAlg::Tdes => 1,
        CipherAlg::Aes128 => 2,
        CipherAlg::Aes192 => 3,
        CipherAlg::Aes256 => 4,
    }
}

/// A PACE protocol: `id-PACE.{mapping and agreement}.{cipher}`, e.g.
/// `id-PACE-ECDH-GM-AES-CBC-CMAC-128` = 0.4.0.127.0.7.2.2.4.2.2.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
pub struct PaceProtocol {
    /// How the nonce is mapped.
    pub mapping: Mapping,
    /// DH or ECDH.
    pub agreement: Agreement,
    /// The cipher of Kπ, the session keys and secure messaging.
    pub cipher: CipherAlg,
}

impl PaceProtocol {
    /// Builds a protocol, refusing combinations the standard does not define (CAM exists
    /// only for ECDH with AES).
    pub fn new(mapping: Mapping, agreement: Agreement, cipher: CipherAlg) -> Option<Self> {
        if mapping == Mapping::Cam && (agreement == Agreement::Dh || cipher == CipherAlg::Tdes) {
            return None;
        }
        Some(Self {
            mapping,
            agreement,
            cipher,
        })
    }

    fn mapping_arc(mapping: Mapping, agreement: Agreement) -> u8 {
        match (mapping, agreement) {
            (Mapping::Gm, Agreement::Dh) => 1,
            (Mapping::Gm, Agreement::Ecdh) => 2,
            (Mapping::Im, Agreement::Dh) => 3,
            (Mapping::Im, Agreement::Ecdh) => 4,
            (Mapping::Cam, _) => 6,
        }
    }

    /// The (mapping, agreement) of a `id-PACE.x` arc, used by PACEDomainParameterInfo too.
    pub(crate) fn mapping_from_arc(arc: u8) -> Option<(Mapping, Agreement)> {
        match arc {
            1 => Some((Mapping::Gm, Agreement::Dh)),
            2 => Some((Mapping::Gm, Agreement::Ecdh)),
            3 => Some((Mapping::Im, Agreement::Dh)),
            4 => Some((Mapping::Im, Agreement::Ecdh)),
            6 => Some((Mapping::Cam, Agreement::Ecdh)),
            _ => None,
        }
    }

    /// Parses the DER content bytes of an OID; `None` if it is not a known PACE protocol.
    pub fn from_oid_bytes(oid: &[u8]) -> Option<Self> {
        match oid.strip_prefix(oid::ID_PACE.as_bytes())? {
            [m, c] => {
                let (mapping, agreement) = Self::mapping_from_arc(*m)?;
                Self::new(mapping, agreement, cipher_from_arc(*c)?)
            }
            _ => None,
        }
    }

    /// The DER content bytes of the protocol OID (the value of tag `80` in MSE:Set AT and of
    /// tag `06` in the public-key data object).
    pub fn oid_bytes(&self) -> Vec<u8> {
        let mut out = oid::ID_PACE.as_bytes().to_vec();
        out.extend_from_slice(&[
            Self::mapping_arc(self.mapping, self.agreement),
            cipher_arc(self.cipher),
        ]);
        out
    }

    /// The standard's name, e.g. `id-PACE-ECDH-GM-AES-CBC-CMAC-128`, for reports.
    pub fn name(&self) -> String {
        let map = match (self.mapping, self.agreement) {
            (Mapping::Gm, Agreement::Dh) => "DH-GM",
            (Mapping::Gm, Agreement::Ecdh) => "ECDH-GM",
            (Mapping::Im, Agreement::Dh) => "DH-IM",
            (Mapping::Im, Agreement::Ecdh) => "ECDH-IM",
            (Mapping::Cam, _) => "ECDH-CAM",
        };
        format!("id-PACE-{map}-{}", cipher_suffix(self.cipher))
    }
}

fn cipher_suffix(cipher: CipherAlg) -> &'static str {
    match cipher {
        CipherAlg::Tdes => "3DES-CBC-CBC",
        CipherAlg::Aes128 => "AES-CBC-CMAC-128",
        CipherAlg::Aes192 => "AES-CBC-CMAC-192",
        CipherAlg::Aes256 => "AES-CBC-CMAC-256",
    }
}

/// A Chip Authentication protocol: `id-CA.{1 DH, 2 ECDH}.{cipher}`, e.g.
/// `id-CA-ECDH-AES-CBC-CMAC-128` = 0.4.0.127.0.7.2.2.3.2.2.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
pub struct CaProtocol {
    /// DH or ECDH.
    pub agreement: Agreement,
    /// The cipher of the new secure-messaging session.
    pub cipher: CipherAlg,
}

impl CaProtocol {
    /// Parses the DER content bytes of an OID; `None` if it is not a known CA protocol.
    pub fn from_oid_bytes(oid: &[u8]) -> Option<Self> {
        match oid.strip_prefix(oid::ID_CA.as_bytes())? {
            [a, c] => Some(Self {
                agreement: agreement_from_arc(*a)?,
                cipher: cipher_from_arc(*c)?,
            }),
            _ => None,
        }
    }

    /// The DER content bytes of the OID (tag `80` of MSE:Set AT for CA).
    pub fn oid_bytes(&self) -> Vec<u8> {
        let mut out = oid::ID_CA.as_bytes().to_vec();
        out.extend_from_slice(&[agreement_arc(self.agreement), cipher_arc(self.cipher)]);
        out
    }

    /// The standard's name, e.g. `id-CA-ECDH-3DES-CBC-CBC`.
    pub fn name(&self) -> String {
        let a = match self.agreement {
            Agreement::Dh => "DH",
            Agreement::Ecdh => "ECDH",
        };
        format!("id-CA-{a}-{}", cipher_suffix(self.cipher))
    }
}

/// `id-CA-DH` = 1, `id-CA-ECDH` = 2.
fn agreement_from_arc(arc: u8) -> Option<Agreement> {
    match arc {
        1 => Some(Agreement::Dh),
        2 => Some(Agreement::Ecdh),
        _ => None,
    }
}

fn agreement_arc(agreement: Agreement) -> u8 {
    match agreement {
        Agreement::Dh => 1,
        Agreement::Ecdh => 2,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pace_oids_round_trip() {
        for m in [Mapping::Gm, Mapping::Im, Mapping::Cam] {
            for a in [Agreement::Dh, Agreement::Ecdh] {
                for c in [
                    CipherAlg::Tdes,
                    CipherAlg::Aes128,
                    CipherAlg::Aes192,
                    CipherAlg::Aes256,
                ] {
                    if let Some(p) = PaceProtocol::new(m, a, c) {
                        assert_eq!(PaceProtocol::from_oid_bytes(&p.oid_bytes()), Some(p));
                    }
                }
            }
        }
        let g1 = PaceProtocol::from_oid_bytes(&hex::decode("04007F00070202040202").unwrap());
        assert_eq!(
            g1.map(|p| p.name()).as_deref(),
            Some("id-PACE-ECDH-GM-AES-CBC-CMAC-128")
        );
        // CAM with 3DES and unknown arcs are not protocols.
        assert!(
            PaceProtocol::from_oid_bytes(&hex::decode("04007F00070202040601").unwrap()).is_none()
        );
        assert!(
            PaceProtocol::from_oid_bytes(&hex::decode("04007F00070202040502").unwrap()).is_none()
        );
        assert!(
            PaceProtocol::from_oid_bytes(&hex::decode("04007F000702020402").unwrap()).is_none()
        );
    }

    #[test]
    fn ca_oids() {
        let p = CaProtocol::from_oid_bytes(&hex::decode("04007F00070202030201").unwrap()).unwrap();
        assert_eq!(p.agreement, Agreement::Ecdh);
        assert_eq!(p.cipher, CipherAlg::Tdes);
        assert_eq!(p.name(), "id-CA-ECDH-3DES-CBC-CBC");
        assert_eq!(p.oid_bytes(), hex::decode("04007F00070202030201").unwrap());
    }
}
