//! The completion signature relying parties verify offline: a compact JWS (RFC 7515) with
//! ES256 (ECDSA P-256 / SHA-256, `r ‖ s`) by the service's signing key, whose public half is
//! published as a JWK set (RFC 7517) at `/.well-known/jwks.json`.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64URL;
use p256::ecdsa::signature::{Signer, Verifier};
use p256::ecdsa::{Signature, SigningKey, VerifyingKey};
use p256::pkcs8::{DecodePrivateKey, EncodePrivateKey, EncodePublicKey};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

/// The JWS `typ` of a completion.
pub const TYP: &str = "tapid-completion+jwt";

/// The service's signing key and its key id.
#[derive(Clone)]
pub struct JwsKey {
    key: SigningKey,
    kid: String,
}

impl std::fmt::Debug for JwsKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "JwsKey(kid {})", self.kid)
    }
}

/// One public key of the JWK set.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Jwk {
    /// `EC`.
    pub kty: String,
    /// `P-256`.
    pub crv: String,
    /// The x coordinate, base64url.
    pub x: String,
    /// The y coordinate, base64url.
    pub y: String,
    /// The key id.
    pub kid: String,
    /// `sig`.
    #[serde(rename = "use")]
    pub use_: String,
    /// `ES256`.
    pub alg: String,
}

/// `{"keys": [...]}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct JwkSet {
    /// The keys.
    pub keys: Vec<Jwk>,
}

/// Why a JWS does not verify.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum JwsError {
    /// Not three base64url parts with a JSON header and payload.
    #[error("malformed JWS")]
    Malformed,
    /// Another algorithm than ES256, or a key id the set does not hold.
    #[error("JWS algorithm or key id not accepted")]
    Key,
    /// The signature does not verify.
    #[error("JWS signature invalid")]
    Signature,
}

#[derive(Serialize, Deserialize)]
struct Header {
    alg: String,
    typ: String,
    kid: String,
}

impl JwsKey {
    /// A key from its PKCS #8 DER encoding.
    pub fn from_pkcs8(der: &[u8]) -> Option<Self> {
        SigningKey::from_pkcs8_der(der).ok().map(Self::from_key)
    }

    /// A key from 32 secret bytes (`None` when they are not a valid scalar).
    pub fn from_bytes(bytes: &[u8; 32]) -> Option<Self> {
        SigningKey::from_slice(bytes).ok().map(Self::from_key)
    }

    fn from_key(key: SigningKey) -> Self {
        let spki = key
            .verifying_key()
            .to_public_key_der()
            .map(|d| d.as_bytes().to_vec())
            .unwrap_or_default();
        let digest = Sha256::digest(&spki);
        let kid = B64URL.encode(digest.get(..12).unwrap_or_default());
        Self { key, kid }
    }

    /// PKCS #8 DER (to store the key file).
    pub fn to_pkcs8(&self) -> Option<Zeroizing<Vec<u8>>> {
        self.key
            .to_pkcs8_der()
            .ok()
            .map(|d| Zeroizing::new(d.as_bytes().to_vec()))
    }

    /// The key id.
    pub fn kid(&self) -> &str {
        &self.kid
    }

    /// The public JWK.
    pub fn jwk(&self) -> Jwk {
        let point = self.key.verifying_key().to_sec1_point(false);
        Jwk {
            kty: "EC".into(),
            crv: "P-256".into(),
            x: B64URL.encode(point.x().map(|x| x.to_vec()).unwrap_or_default()),
            y: B64URL.encode(point.y().map(|y| y.to_vec()).unwrap_or_default()),
            kid: self.kid.clone(),
            use_: "sig".into(),
            alg: "ES256".into(),
        }
    }

    /// Signs `claims` as a compact JWS.
    pub fn sign(&self, claims: &serde_json::Value) -> String {
        let header = Header {
            alg: "ES256".into(),
            typ: TYP.into(),
            kid: self.kid.clone(),
        };
        let header = serde_json::to_vec(&header).unwrap_or_default();
        let payload = serde_json::to_vec(claims).unwrap_or_default();
        let input = format!("{}.{}", B64URL.encode(header), B64URL.encode(payload));
        let sig: Signature = self.key.sign(input.as_bytes());
        format!("{input}.{}", B64URL.encode(sig.to_bytes()))
    }
}

/// Verifies a compact JWS against a JWK set and returns its claims (what a relying party
/// does offline with the set it fetched once).
pub fn verify(jws: &str, set: &JwkSet) -> Result<serde_json::Value, JwsError> {
    let mut parts = jws.split('.');
    let (Some(h), Some(p), Some(s), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(JwsError::Malformed);
    };
    let header: Header = B64URL
        .decode(h)
        .ok()
        .and_then(|b| serde_json::from_slice(&b).ok())
        .ok_or(JwsError::Malformed)?;
    if header.alg != "ES256" {
        return Err(JwsError::Key);
    }
    let jwk = set
        .keys
        .iter()
        .find(|k| k.kid == header.kid && k.kty == "EC" && k.crv == "P-256")
        .ok_or(JwsError::Key)?;
    let mut sec1 = vec![4u8];
    sec1.extend(B64URL.decode(&jwk.x).map_err(|_| JwsError::Key)?);
    sec1.extend(B64URL.decode(&jwk.y).map_err(|_| JwsError::Key)?);
    let vk = VerifyingKey::from_sec1_bytes(&sec1).map_err(|_| JwsError::Key)?;
    let sig = B64URL
        .decode(s)
        .ok()
        .and_then(|b| Signature::from_slice(&b).ok())
        .ok_or(JwsError::Malformed)?;
    vk.verify(format!("{h}.{p}").as_bytes(), &sig)
        .map_err(|_| JwsError::Signature)?;
    B64URL
        .decode(p)
        .ok()
        .and_then(|b| serde_json::from_slice(&b).ok())
        .ok_or(JwsError::Malformed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signed_claims_verify_against_the_published_set_only() {
        let key = JwsKey::from_bytes(&[7; 32]).unwrap();
        let set = JwkSet {
            keys: vec![key.jwk()],
        };
        let claims = serde_json::json!({"orderRef": "x", "stepUp": {"mrtd": true}});
        let jws = key.sign(&claims);
        assert_eq!(verify(&jws, &set).unwrap(), claims);
        let other = JwsKey::from_bytes(&[8; 32]).unwrap();
        assert_eq!(
            verify(
                &jws,
                &JwkSet {
                    keys: vec![other.jwk()]
                }
            ),
            Err(JwsError::Key)
        );
        let (head, _) = jws.rsplit_once('.').unwrap();
        let forged = format!("{head}.{}", other.sign(&claims).rsplit_once('.').unwrap().1);
        assert_eq!(verify(&forged, &set), Err(JwsError::Signature));
        let tampered = jws.replacen('.', ".e30", 1);
        assert!(verify(&tampered, &set).is_err());
        assert_eq!(verify("a.b", &set), Err(JwsError::Malformed));
        let reloaded = JwsKey::from_pkcs8(&key.to_pkcs8().unwrap()).unwrap();
        assert_eq!(reloaded.jwk(), key.jwk());
    }
}
