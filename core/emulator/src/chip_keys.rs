//! The chip's static keys for clone detection and the data groups that publish them:
//! Chip Authentication (DG14) and Active Authentication (DG15).

use der::Encode;
use der::asn1::{Any, BitString};
use spki::{AlgorithmIdentifierOwned, SubjectPublicKeyInfoOwned};
use tapid_card::tlv::{Tag, encode};
use tapid_mrtd::active_authentication::{sign_ecdsa, sign_rsa_9796_2};
use tapid_mrtd::crypto::{DomainParameters, EcGroup, EcParameters, EcPrivateKey, NamedCurve};
use tapid_mrtd::oid;
use tapid_mrtd::pa::HashAlgorithm;
use tapid_mrtd::pace::{AgreementGroup, AgreementPrivateKey};
use tapid_mrtd::security_infos::{
    ActiveAuthenticationInfo, Agreement, CaProtocol, ChipAuthenticationInfo,
    ChipAuthenticationPublicKeyInfo, DomainParameterForm, encode_security_infos,
};
use zeroize::Zeroizing;

use crate::EmulatorError;
use crate::pki::drbg::SeededRng;

/// A Chip Authentication key pair and the protocol the chip announces for it.
#[derive(Clone)]
pub struct CaKey {
    /// Key agreement and cipher of the new session.
    pub protocol: CaProtocol,
    /// The key's domain parameters.
    pub domain: DomainParameters,
    /// The private key (scalar or exponent), big-endian.
    pub private: Zeroizing<Vec<u8>>,
    /// The public key in wire encoding.
    pub public: Vec<u8>,
    /// The key ID DG14 gives it.
    pub key_id: Option<u64>,
    /// How DG14 (and EF.CardSecurity) name the key's domain parameters.
    pub form: DomainParameterForm,
}

impl std::fmt::Debug for CaKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "CaKey({})", self.protocol.name())
    }
}

impl CaKey {
    /// A key pair on `domain` drawn from `seed` (deterministic, so fixtures are stable).
    pub fn generate(
        protocol: CaProtocol,
        domain: DomainParameters,
        seed: &[u8],
    ) -> Result<Self, EmulatorError> {
        let group = AgreementGroup::new(&domain)?;
        let pair = group.generate(&mut SeededRng::new(seed))?;
        let private = Zeroizing::new(match &pair.private {
            AgreementPrivateKey::Ec(k) => k.as_bytes().to_vec(),
            AgreementPrivateKey::Dh(k) => k.as_bytes().to_vec(),
        });
        Ok(Self {
            protocol,
            domain,
            private,
            public: pair.public,
            key_id: Some(1),
            form: DomainParameterForm::Explicit,
        })
    }

    /// The same key published with its domain parameters in `form`.
    pub fn with_form(mut self, form: DomainParameterForm) -> Self {
        self.form = form;
        self
    }

    /// ChipAuthenticationInfo and ChipAuthenticationPublicKeyInfo, DER.
    pub fn security_infos(&self) -> Result<Vec<Vec<u8>>, EmulatorError> {
        let info = ChipAuthenticationInfo {
            protocol: self.protocol,
            version: 1,
            key_id: self.key_id,
        };
        let key = ChipAuthenticationPublicKeyInfo {
            agreement: self.protocol.agreement,
            domain: self.domain.clone(),
            public_key: self.public.clone(),
            key_id: self.key_id,
        };
        Ok(vec![info.to_der(), key.to_der_with(self.form)?])
    }
}

/// An Active Authentication key.
#[derive(Clone)]
pub enum AaKey {
    /// RSA with ISO/IEC 9796-2 scheme 1 signatures.
    Rsa {
        /// The private key.
        key: Box<rsa::PrivateKey>,
        /// The hash of the signature (trailer `BC` for SHA-1, `xxCC` otherwise).
        hash: HashAlgorithm,
    },
    /// ECDSA with plain r‖s signatures (BSI TR-03111).
    Ecdsa {
        /// The curve.
        curve: NamedCurve,
        /// The private scalar.
        key: EcPrivateKey,
        /// The public point, SEC1 uncompressed.
        public: Vec<u8>,
        /// The hash named in DG14's ActiveAuthenticationInfo.
        hash: HashAlgorithm,
    },
}

impl std::fmt::Debug for AaKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Rsa { .. } => f.write_str("AaKey::Rsa(..)"),
            Self::Ecdsa { curve, .. } => write!(f, "AaKey::Ecdsa({curve:?})"),
        }
    }
}

impl AaKey {
    /// An RSA key of `bits` drawn from `seed`.
    pub fn rsa(bits: usize, hash: HashAlgorithm, seed: &[u8]) -> Result<Self, EmulatorError> {
        let key = rsa::PrivateKey::new(&mut SeededRng::new(seed), bits)
            .map_err(|e| EmulatorError::Key(e.to_string()))?;
        Ok(Self::Rsa {
            key: Box::new(key),
            hash,
        })
    }

    /// An RSA key from PKCS#8 DER (e.g. `DG15_sk.pkcs8` of the BSI reference set).
    pub fn rsa_from_pkcs8(der: &[u8], hash: HashAlgorithm) -> Result<Self, EmulatorError> {
        use rsa::pkcs8::DecodePrivateKey as _;
        let key =
            rsa::PrivateKey::from_pkcs8_der(der).map_err(|e| EmulatorError::Key(e.to_string()))?;
        Ok(Self::Rsa {
            key: Box::new(key),
            hash,
        })
    }

    /// An ECDSA key on `curve` drawn from `seed`.
    pub fn ecdsa(
        curve: NamedCurve,
        hash: HashAlgorithm,
        seed: &[u8],
    ) -> Result<Self, EmulatorError> {
        let group = EcGroup::named(curve)?;
        let pair = group.generate_keypair(&mut SeededRng::new(seed))?;
        Ok(Self::Ecdsa {
            curve,
            public: group.encode_point(&pair.public),
            key: pair.private,
            hash,
        })
    }

    /// DG15: `6F` around the SubjectPublicKeyInfo.
    pub fn dg15(&self) -> Result<Vec<u8>, EmulatorError> {
        let spki = match self {
            Self::Rsa { key, .. } => {
                use rsa::pkcs8::EncodePublicKey as _;
                key.to_public_key()
                    .to_public_key_der()
                    .map_err(|e| EmulatorError::Key(e.to_string()))?
                    .as_bytes()
                    .to_vec()
            }
            Self::Ecdsa { curve, public, .. } => {
                let key_error = |e: der::Error| EmulatorError::Key(e.to_string());
                SubjectPublicKeyInfoOwned {
                    algorithm: AlgorithmIdentifierOwned {
                        oid: oid::EC_PUBLIC_KEY,
                        parameters: Some(
                            Any::encode_from(&EcParameters::named(*curve)).map_err(key_error)?,
                        ),
                    },
                    subject_public_key: BitString::from_bytes(public).map_err(key_error)?,
                }
                .to_der()
                .map_err(key_error)?
            }
        };
        Ok(encode(Tag(0x6F), &spki))
    }

    /// ActiveAuthenticationInfo for DG14 (ECDSA keys only: RSA needs no algorithm).
    pub fn security_info(&self) -> Option<Vec<u8>> {
        let Self::Ecdsa { hash, .. } = self else {
            return None;
        };
        let signature_algorithm = match hash {
            HashAlgorithm::Sha1 => oid::ECDSA_PLAIN_SHA1,
            HashAlgorithm::Sha224 => oid::ECDSA_PLAIN_SHA224,
            HashAlgorithm::Sha256 => oid::ECDSA_PLAIN_SHA256,
            HashAlgorithm::Sha384 => oid::ECDSA_PLAIN_SHA384,
            _ => oid::ECDSA_PLAIN_SHA512,
        };
        let info = ActiveAuthenticationInfo {
            version: 1,
            signature_algorithm,
        };
        Some(info.to_der())
    }

    /// INTERNAL AUTHENTICATE: the signature over the terminal's challenge.
    pub fn sign(&self, challenge: &[u8], rng: &mut SeededRng) -> Result<Vec<u8>, EmulatorError> {
        match self {
            Self::Rsa { key, hash } => sign_rsa_9796_2(key, challenge, *hash, rng),
            Self::Ecdsa {
                curve, key, hash, ..
            } => sign_ecdsa(&EcGroup::named(*curve)?, key, challenge, *hash, rng),
        }
        .map_err(|e| EmulatorError::Key(e.to_string()))
    }
}

/// DG14: `6E` around the SecurityInfos.
pub fn dg14(infos: &[Vec<u8>]) -> Vec<u8> {
    encode(Tag(0x6E), &encode_security_infos(infos))
}

/// The ECDH or DH flavour of a CA protocol for a domain.
pub fn ca_protocol(
    domain: &DomainParameters,
    cipher: tapid_mrtd::symmetric::CipherAlg,
) -> CaProtocol {
    let agreement = match domain {
        DomainParameters::Dh(_) => Agreement::Dh,
        _ => Agreement::Ecdh,
    };
    CaProtocol { agreement, cipher }
}
