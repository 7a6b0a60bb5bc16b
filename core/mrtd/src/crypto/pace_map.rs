//! PACE mapping math (9303-11 §4.4.3.3): Generic Mapping, Integrated Mapping and the
//! Chip Authentication Mapping helpers, for ECDH and DH. Pure functions; the protocol state
//! machine lives elsewhere.

use crypto_bigint::modular::BoxedMontyForm;
use crypto_bigint::{BoxedUint, CtEq, CtSelect, Resize};
use zeroize::Zeroizing;

use super::CryptoError;
use super::dh::{DhGroup, DhPrivateKey};
use super::ec_group::EcGroup;
use super::ec_point::{EcPoint, EcPrivateKey};
use super::im_prf::{ImCipher, im_prf, reduce_mod};

/// ECDH Generic Mapping: `Ĝ = s·G + H` with `H = SK_Map · PK_Map,peer` (validated). Returns
/// the group with generator Ĝ.
pub fn gm_ec_map(
    group: &EcGroup,
    nonce: &[u8],
    sk_map: &EcPrivateKey,
    pk_map_peer: &EcPoint,
) -> Result<EcGroup, CryptoError> {
    let h = group.ecdh_point(sk_map, pk_map_peer)?;
    let sg = group.mul_generator(nonce)?;
    let g_hat = group.add(&sg, &h)?;
    group.with_generator(&g_hat)
}

/// DH Generic Mapping: `ĝ = g^s · h mod p` with `h = PK_Map,peer^SK_Map` (validated).
/// Returns the group with generator ĝ.
pub fn gm_dh_map(
    group: &DhGroup,
    nonce: &[u8],
    sk_map: &DhPrivateKey,
    pk_map_peer: &[u8],
) -> Result<DhGroup, CryptoError> {
    let h = group.shared_secret(sk_map, pk_map_peer)?;
    let field = group.field();
    let h = field.elem_checked(&h)?;
    let g_hat = group.generator_pow_secret(nonce).mul(&h);
    group.with_subgroup_generator(&field.to_bytes(&g_hat))
}

/// Integrated Mapping, ECDH: `Ĝ = fG(R(s, t) mod p)` (point encoding of 9303-11 App. B;
/// requires p ≡ 3 mod 4, so not P-224). Returns the group with generator Ĝ.
pub fn im_ec_map(
    group: &EcGroup,
    cipher: ImCipher,
    s: &[u8],
    t: &[u8],
) -> Result<EcGroup, CryptoError> {
    let curve = group.generic();
    let r = im_prf(cipher, s, t, curve.field.bits())?;
    let rp = reduce_mod(&curve.field, &r);
    let g_hat = im_point_encoding(group, &rp)?;
    group.with_generator(&g_hat)
}

/// `R(s,t) mod p` for a curve (exposed for test vectors and the chip emulator).
pub fn im_ec_rp(
    group: &EcGroup,
    cipher: ImCipher,
    s: &[u8],
    t: &[u8],
) -> Result<Zeroizing<Vec<u8>>, CryptoError> {
    let field = &group.generic().field;
    Ok(reduce_mod(field, &im_prf(cipher, s, t, field.bits())?))
}

/// The point encoding fG of 9303-11 App. B.2 for `t` (here Rp), p ≡ 3 mod 4:
/// α = −t², X2 = −b·a⁻¹·(1 + (α + α²)⁻¹), X3 = α·X2, h2 = X2³ + a·X2 + b, U = t³·h2,
/// A = h2^(p−1−(p+1)/4); (X2, A·h2) if A²·h2 = 1, else (X3, A·U). Both candidates are
/// computed and one is chosen with a constant-time select.
pub fn im_point_encoding(group: &EcGroup, rp: &[u8]) -> Result<EcPoint, CryptoError> {
    let curve = group.generic();
    let f = &curve.field;
    if !f.is_3mod4() {
        return Err(CryptoError::Unsupported(
            "integrated mapping needs p ≡ 3 mod 4",
        ));
    }
    let t = f.elem_reduced(rp);
    let (a, b) = (&curve.a, &curve.b);
    let alpha = t.square().neg();
    let inv = |e: &BoxedMontyForm| -> Result<BoxedMontyForm, CryptoError> {
        f.invert(e).into_option().ok_or(CryptoError::Unsupported(
            "degenerate integrated mapping input",
        ))
    };
    let a_inv = inv(a)?;
    let x2 = b
        .mul(&a_inv)
        .neg()
        .mul(&f.one().add(&inv(&alpha.add(&alpha.square()))?));
    let x3 = alpha.mul(&x2);
    let h2 = x2.square().mul(&x2).add(&a.mul(&x2)).add(b);
    let u = t.square().mul(&t).mul(&h2);
    // p − 1 − (p + 1)/4 with (p + 1)/4 = ⌊p/4⌋ + 1 for p ≡ 3 mod 4.
    let p = f.modulus();
    let one = BoxedUint::one().resize_unchecked(f.precision());
    let quarter = p
        .shr_vartime(2)
        .ok_or(CryptoError::MalformedParameters("modulus"))?
        .wrapping_add(&one);
    let exp = p.wrapping_sub(&one).wrapping_sub(&quarter);
    let big_a = h2.pow(&exp);
    let first = big_a.square().mul(&h2).ct_eq(&f.one());
    let x = x3.ct_select(&x2, first);
    let y = big_a.mul(&u).ct_select(&big_a.mul(&h2), first);
    let point = EcPoint::from_coordinates(f.to_bytes(&x), f.to_bytes(&y));
    group.validate_point(&point)?;
    Ok(point)
}

/// Integrated Mapping, DH: `ĝ = Rp^((p−1)/q) mod p`, `Rp = R(s, t) mod p`. Returns the
/// group with generator ĝ.
pub fn im_dh_map(
    group: &DhGroup,
    cipher: ImCipher,
    s: &[u8],
    t: &[u8],
) -> Result<DhGroup, CryptoError> {
    let field = group.field();
    let rp = reduce_mod(field, &im_prf(cipher, s, t, field.bits())?);
    let g_hat = im_dh_generator(group, &rp)?;
    group.with_subgroup_generator(&g_hat)
}

/// `Rp^((p−1)/q) mod p` (|p| bytes); needs q.
pub fn im_dh_generator(group: &DhGroup, rp: &[u8]) -> Result<Vec<u8>, CryptoError> {
    let field = group.field();
    let e = group.cofactor_exponent()?;
    let base = field.elem_reduced(rp);
    let g = group.pow_public(&base, &e);
    if bool::from(g.ct_eq(&field.one())) || bool::from(g.is_zero()) {
        return Err(CryptoError::InvalidDhValue);
    }
    Ok(field.to_bytes(&g))
}

/// PACE-CAM, chip side: `CA_IC = SK_Map,IC · SK_IC⁻¹ mod n`, width of n.
pub fn cam_chip_data(
    group: &EcGroup,
    sk_map_ic: &EcPrivateKey,
    sk_ic: &EcPrivateKey,
) -> Result<Zeroizing<Vec<u8>>, CryptoError> {
    let order = group.order_field();
    let map = order.elem_checked(sk_map_ic.as_bytes())?;
    let sk = order.elem_checked(sk_ic.as_bytes())?;
    let sk_inv = order
        .invert(&sk)
        .into_option()
        .ok_or(CryptoError::InvalidScalar)?;
    let ca = map.mul(&sk_inv);
    if bool::from(ca.is_zero()) {
        return Err(CryptoError::InvalidScalar);
    }
    Ok(Zeroizing::new(order.to_bytes(&ca)))
}

/// PACE-CAM, terminal side: checks `PK_Map,IC == CA_IC · PK_IC` (PK_IC being the static
/// chip key from a verified EF.CardSecurity). `CA_IC` must be in `[1, n−1]`.
pub fn cam_verify(
    group: &EcGroup,
    ca_ic: &[u8],
    pk_ic: &EcPoint,
    pk_map_ic: &EcPoint,
) -> Result<(), CryptoError> {
    let ca = group.private_key_from_bytes(ca_ic)?;
    group.validate_point(pk_map_ic)?;
    let expected = group.ecdh_point(&ca, pk_ic)?;
    if expected == *pk_map_ic {
        Ok(())
    } else {
        Err(CryptoError::InvalidSignature)
    }
}
