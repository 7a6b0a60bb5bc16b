//! EC domain parameters as values: a named curve, or explicit (p, a, b, G, n, h).

use super::CryptoError;
use super::curves::NamedCurve;
use super::field::trim_leading_zeros;

/// Explicit short-Weierstrass domain parameters over a prime field, normalised: p, a, b, Gx
/// and Gy are big-endian with the byte width of p; n is minimal big-endian.
#[derive(Clone, PartialEq, Eq, Hash, Debug)]
pub struct EcCurveParams {
    p: Vec<u8>,
    a: Vec<u8>,
    b: Vec<u8>,
    gx: Vec<u8>,
    gy: Vec<u8>,
    n: Vec<u8>,
    cofactor: u64,
}

impl EcCurveParams {
    /// Normalises raw big-endian parameters (leading zeros allowed). Checks only sizes; the
    /// mathematical checks happen when an [`super::EcGroup`] is built from them.
    pub fn new(
        p: &[u8],
        a: &[u8],
        b: &[u8],
        gx: &[u8],
        gy: &[u8],
        n: &[u8],
        cofactor: u64,
    ) -> Result<Self, CryptoError> {
        let p = trim_leading_zeros(p);
        let width = p.len();
        if width == 0 || width > 128 {
            return Err(CryptoError::MalformedParameters("prime size"));
        }
        let fit = |v: &[u8]| -> Result<Vec<u8>, CryptoError> {
            let v = trim_leading_zeros(v);
            let pad = width
                .checked_sub(v.len())
                .ok_or(CryptoError::MalformedParameters(
                    "field element wider than p",
                ))?;
            let mut out = vec![0u8; pad];
            out.extend_from_slice(v);
            Ok(out)
        };
        let n = trim_leading_zeros(n);
        if n.is_empty() || n.len() > width.saturating_add(1) {
            return Err(CryptoError::MalformedParameters("order size"));
        }
        Ok(Self {
            p: p.to_vec(),
            a: fit(a)?,
            b: fit(b)?,
            gx: fit(gx)?,
            gy: fit(gy)?,
            n: n.to_vec(),
            cofactor,
        })
    }

    /// The parameters of a named curve.
    pub fn named(curve: NamedCurve) -> Self {
        let c = curve.consts();
        let d = |h: &str| hex::decode(h).unwrap_or_default();
        Self {
            p: d(c.p),
            a: d(c.a),
            b: d(c.b),
            gx: d(c.gx),
            gy: d(c.gy),
            n: d(c.n),
            cofactor: u64::from(c.h),
        }
    }

    /// The named curve with exactly these p, a, b, G and n, if any (so that explicit
    /// parameters in certificates and DG14 use the named curve's fast, audited path).
    pub fn identify(&self) -> Option<NamedCurve> {
        NamedCurve::ALL
            .into_iter()
            .find(|c| Self::named(*c).same_group(self))
    }

    fn same_group(&self, other: &Self) -> bool {
        self.p == other.p
            && self.a == other.a
            && self.b == other.b
            && self.gx == other.gx
            && self.gy == other.gy
            && self.n == other.n
    }

    /// Field prime p.
    pub fn p(&self) -> &[u8] {
        &self.p
    }
    /// Coefficient a.
    pub fn a(&self) -> &[u8] {
        &self.a
    }
    /// Coefficient b.
    pub fn b(&self) -> &[u8] {
        &self.b
    }
    /// Base point x.
    pub fn gx(&self) -> &[u8] {
        &self.gx
    }
    /// Base point y.
    pub fn gy(&self) -> &[u8] {
        &self.gy
    }
    /// Order n of the base point.
    pub fn n(&self) -> &[u8] {
        &self.n
    }
    /// Cofactor h.
    pub fn cofactor(&self) -> u64 {
        self.cofactor
    }
}

/// An elliptic curve as found in domain parameters: named, or explicit and not equal to any
/// named curve.
#[derive(Clone, PartialEq, Eq, Hash, Debug)]
pub enum EcCurve {
    /// One of the standard's named curves.
    Named(NamedCurve),
    /// Explicit parameters that match no named curve.
    Explicit(EcCurveParams),
}

impl EcCurve {
    /// Classifies explicit parameters, mapping them to a named curve when they are one.
    pub fn from_params(params: EcCurveParams) -> Self {
        match params.identify() {
            Some(named) => EcCurve::Named(named),
            None => EcCurve::Explicit(params),
        }
    }

    /// The full parameters.
    pub fn params(&self) -> EcCurveParams {
        match self {
            EcCurve::Named(c) => EcCurveParams::named(*c),
            EcCurve::Explicit(p) => p.clone(),
        }
    }
}
