//! Elliptic-curve keys of DS/CSCA certificates: the curve from a named-curve OID or from
//! explicit prime-curve `ECParameters` (as real German, Austrian or British certificates
//! carry), and ECDSA verification through the shared [`crate::crypto`] curve code, which
//! routes known curves to the RustCrypto crates and any other to its generic arithmetic.

use crate::crypto::{EcCurveParams, EcGroup, NamedCurve, ecdsa};

use super::{algorithm::parse_oid, error::PaError, oid, tlv};

/// The curve of an id-ecPublicKey, resolved from its parameters.
#[derive(Debug, Clone)]
pub struct EcKeyCurve {
    group: EcGroup,
}

impl EcKeyCurve {
    /// Resolves the parameters of an id-ecPublicKey AlgorithmIdentifier (full TLV).
    pub fn from_params(params: Option<&[u8]>) -> Result<Self, PaError> {
        let bytes = params
            .ok_or_else(|| PaError::UnsupportedKey("EC key without curve parameters".into()))?;
        let t = tlv::parse_single(bytes)?;
        let group = match t.tag {
            0x06 => {
                let oid = parse_oid(t)?;
                let curve = NamedCurve::from_oid(&oid.to_string())
                    .map_err(|_| PaError::UnsupportedKey(format!("named curve {oid}")))?;
                EcGroup::named(curve).map_err(|e| PaError::UnsupportedKey(e.to_string()))?
            }
            0x30 => EcGroup::from_params(&explicit_params(t.content)?)
                .map_err(|e| PaError::UnsupportedKey(format!("explicit EC parameters: {e}")))?,
            _ => {
                return Err(PaError::UnsupportedKey(
                    "implicitCA or malformed EC parameters".into(),
                ));
            }
        };
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

/// `ECParameters ::= SEQUENCE { version, fieldID { prime-field, p }, curve { a, b, seed OPT },
/// base, order, cofactor OPT }` (X9.62 / RFC 3279), prime fields and uncompressed bases only.
fn explicit_params(content: &[u8]) -> Result<EcCurveParams, PaError> {
    let mut r = tlv::Reader::new(content);
    r.next_required("ECParameters version")?
        .expect(0x02, "ECParameters version")?;
    let mut f = r
        .next_required("fieldID")?
        .expect(0x30, "fieldID")?
        .children();
    if parse_oid(f.next_required("fieldType")?)? != oid::PRIME_FIELD {
        return Err(PaError::UnsupportedKey("characteristic-two field".into()));
    }
    let p = f.next_required("prime")?.expect(0x02, "prime")?.content;
    let mut c = r.next_required("curve")?.expect(0x30, "curve")?.children();
    let a = c.next_required("curve a")?.octets()?;
    let b = c.next_required("curve b")?.octets()?;
    let base = r.next_required("base")?.octets()?;
    let n = r.next_required("order")?.expect(0x02, "order")?.content;
    let h = match r.next().transpose()? {
        Some(t) => super::algorithm::parse_small_uint(t)?,
        None => 1,
    };
    let xy = match base.split_first() {
        Some((0x04, xy)) if xy.len() % 2 == 0 => xy,
        _ => {
            return Err(PaError::UnsupportedKey(
                "compressed or malformed EC base point".into(),
            ));
        }
    };
    let (gx, gy) = xy
        .split_at_checked(xy.len() / 2)
        .ok_or(PaError::Malformed("base point"))?;
    EcCurveParams::new(p, &a, &b, gx, gy, n, h).map_err(|e| PaError::UnsupportedKey(e.to_string()))
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
