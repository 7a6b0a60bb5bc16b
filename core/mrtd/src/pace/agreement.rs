//! Key agreement over either family, as PACE and Chip Authentication use it: an EC or DH
//! group with its current generator, key pairs, public keys on the wire (EC `04 ‖ X ‖ Y`,
//! DH `y` with |p| bytes) and the shared secret K (ECDH x-coordinate / DH value, fixed width).

use rand_core::CryptoRng;
use tapid_card::tlv::{self, Tag};
use zeroize::Zeroizing;

use crate::crypto::{CryptoError, DhGroup, DhPrivateKey, DomainParameters, EcGroup, EcPrivateKey};

/// A group to agree keys in, with its current (possibly PACE-mapped) generator.
#[derive(Clone, Debug)]
pub enum AgreementGroup {
    /// An elliptic-curve group.
    Ec(EcGroup),
    /// A MODP group.
    Dh(DhGroup),
}

/// A private key of either family (zeroized on drop; no key material in `Debug`).
#[derive(Clone, Debug)]
pub enum AgreementPrivateKey {
    /// An EC scalar.
    Ec(EcPrivateKey),
    /// A DH exponent.
    Dh(DhPrivateKey),
}

/// A key pair with its public key in wire encoding.
#[derive(Clone, Debug)]
pub struct AgreementKeyPair {
    /// The private key.
    pub private: AgreementPrivateKey,
    /// The public key as sent: EC `04 ‖ X ‖ Y`, DH `y` with |p| bytes.
    pub public: Vec<u8>,
}

impl AgreementGroup {
    /// The group of domain parameters, on their standard generator.
    pub fn new(domain: &DomainParameters) -> Result<Self, CryptoError> {
        Ok(match domain {
            DomainParameters::Ec(_) => Self::Ec(domain.ec_group()?),
            DomainParameters::Dh(_) => Self::Dh(domain.dh_group()?),
        })
    }

    /// A fresh key pair on the current generator.
    pub fn generate<R: CryptoRng + ?Sized>(
        &self,
        rng: &mut R,
    ) -> Result<AgreementKeyPair, CryptoError> {
        Ok(match self {
            Self::Ec(g) => {
                let kp = g.generate_keypair(rng)?;
                AgreementKeyPair {
                    public: kp.public.to_sec1_uncompressed(),
                    private: AgreementPrivateKey::Ec(kp.private),
                }
            }
            Self::Dh(g) => {
                let kp = g.generate_keypair(rng)?;
                AgreementKeyPair {
                    public: kp.public,
                    private: AgreementPrivateKey::Dh(kp.private),
                }
            }
        })
    }

    /// The key pair of a known private key (a chip's static key; test vectors).
    pub fn key_pair_from_private(&self, private: &[u8]) -> Result<AgreementKeyPair, CryptoError> {
        Ok(match self {
            Self::Ec(g) => {
                let sk = g.private_key_from_bytes(private)?;
                AgreementKeyPair {
                    public: g.public_from_private(&sk)?.to_sec1_uncompressed(),
                    private: AgreementPrivateKey::Ec(sk),
                }
            }
            Self::Dh(g) => {
                let sk = g.private_key_from_bytes(private)?;
                AgreementKeyPair {
                    public: g.public_from_private(&sk)?,
                    private: AgreementPrivateKey::Dh(sk),
                }
            }
        })
    }

    /// Checks a received public key: on the curve and in the subgroup, not the identity
    /// (EC); `1 < y < p−1` and `y^q = 1` (DH).
    pub fn validate_public(&self, public: &[u8]) -> Result<(), CryptoError> {
        match self {
            Self::Ec(g) => g.decode_point(public).map(|_| ()),
            Self::Dh(g) => g.validate_public(public),
        }
    }

    /// The shared secret K with a peer's public key, which is validated (once, by the
    /// family's own agreement: the point's decoding, or DH's range and subgroup check) and
    /// must differ from our own public key.
    pub fn shared_secret(
        &self,
        own: &AgreementKeyPair,
        peer: &[u8],
    ) -> Result<Zeroizing<Vec<u8>>, CryptoError> {
        if peer == own.public.as_slice() {
            return Err(CryptoError::Unsupported("peer echoed our own public key"));
        }
        match (self, &own.private) {
            (Self::Ec(g), AgreementPrivateKey::Ec(sk)) => g.ecdh(sk, &g.decode_point(peer)?),
            (Self::Dh(g), AgreementPrivateKey::Dh(sk)) => g.shared_secret(sk, peer),
            _ => Err(CryptoError::Unsupported("key and group families differ")),
        }
    }

    /// The tag of a public key inside a public-key data object: `86` EC point, `84` DH value.
    pub fn public_key_tag(&self) -> Tag {
        match self {
            Self::Ec(_) => Tag(0x86),
            Self::Dh(_) => Tag(0x84),
        }
    }

    /// The public-key data object `7F49 { 06 OID, 86 point | 84 y }` the PACE tokens MAC.
    pub fn public_key_do(&self, oid: &[u8], public: &[u8]) -> Vec<u8> {
        let mut inner = tlv::encode(Tag(0x06), oid);
        tlv::encode_into(self.public_key_tag(), public, &mut inner);
        tlv::encode(Tag(0x7F49), &inner)
    }
}
