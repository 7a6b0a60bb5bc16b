//! Elliptic-curve keys of DS/CSCA certificates: the curve from a named-curve OID or from
//! explicit prime-curve `ECParameters` (as real German, Austrian or British certificates
//! carry), and ECDSA verification through the shared [`crate::crypto`] curve code, which
//! routes known curves to the RustCrypto crates and any other to its generic arithmetic.

use crate::crypto::{EcGroup, EcParameters, NamedCurve, ecdsa};

use super::error::PaError;

/// The curve of an id-ecPublicKey, resolved from its parameters.
#[derive(Debug, Clone)]
pub struct EcKeyCurve {
    group: EcGroup,
}

impl EcKeyCurve {
    /// Resolves the parameters of an id-ecPublicKey AlgorithmIdentifier (full TLV): the
    /// shared [`EcParameters`] decoder with its checks, then the curve arithmetic.
    pub fn from_params(params: Option<&[u8]>) -> Result<Self, PaError> {
        let bytes = params
            .ok_or_else(|| PaError::UnsupportedKey("EC key without curve parameters".into()))?;
        let unsupported = |e: crate::crypto::CryptoError| PaError::UnsupportedKey(e.to_string());
        let curve = EcParameters::parse(bytes)
            .and_then(|p| p.curve())
            .map_err(unsupported)?;
        let group = EcGroup::new(&curve).map_err(unsupported)?;
        Ok(Self { group })
    }

    /// The curve's name, or "explicit" for parameters that match no named curve.
    pub fn name(&self) -> &'static str {
        self.group
            .named_curve()
            .map_or("explicit", NamedCurve::name)
    }

    /// Verifies an ECDSA signature (X9.62 DER, or plain r‖s) over a prehash with a SEC1 point.
    pub fn verify_prehash(
        &self,
        point: &[u8],
        prehash: &[u8],
        sig: &[u8],
        plain: bool,
    ) -> Result<(), PaError> {
        let sig = if plain {
            ecdsa::Signature::from_plain(sig)
        } else {
            ecdsa::Signature::from_der(sig)
        }
        .map_err(|_| PaError::MalformedSignature)?;
        self.group
            .decode_point(point)
            .map_err(|e| PaError::InvalidKey(e.to_string()))?;
        ecdsa::verify_prehash(&self.group, point, prehash, &sig).map_err(|_| PaError::BadSignature)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn named_curve_oids() {
        let p = hex::decode("06082a8648ce3d030107").unwrap();
        assert_eq!(
            EcKeyCurve::from_params(Some(&p)).unwrap().name(),
            NamedCurve::P256.name()
        );
        let bp = hex::decode("06092b2403030208010107").unwrap();
        assert_eq!(
            EcKeyCurve::from_params(Some(&bp)).unwrap().name(),
            NamedCurve::BrainpoolP256r1.name()
        );
        assert!(EcKeyCurve::from_params(None).is_err());
        let unknown = hex::decode("06032a0304").unwrap();
        assert!(matches!(
            EcKeyCurve::from_params(Some(&unknown)),
            Err(PaError::UnsupportedKey(_))
        ));
    }
}
