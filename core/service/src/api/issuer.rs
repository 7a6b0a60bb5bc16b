//! The issuer API: a bank (its own client certificate, role `issuer`) creates an identity for
//! a person and gets a one-time activation code, with an expiry, to hand to them.

use axum::Extension;
use axum::extract::State;
use sha2::{Digest, Sha256};
use tapid_identity::order::ErrorResponse;
use tapid_identity::personal_number::PersonalNumber;

use super::error::ApiError;
use super::json::Json;
use super::openapi::TAG_ISSUER;
use super::wire::{IssueRequest, IssueResponse};
use super::{AppState, Peer};
use crate::entropy::{self, Entropy};
use crate::store::{IdentityRecord, IdentityStatus};
use crate::tls::Role;

/// The activation code's alphabet: no 0/O, 1/I/L.
const ALPHABET: &[u8] = b"23456789ABCDEFGHJKMNPQRSTUVWXYZ";

/// A one-time activation code: 20 characters of a 31-letter alphabet without 0/O, 1/I/L
/// (about 99 bits), in groups of five.
pub fn activation_code(entropy: &dyn Entropy) -> String {
    let mut out = String::with_capacity(23);
    let mut n = 0;
    while n < 20 {
        let [b]: [u8; 1] = entropy::bytes(entropy);
        // Rejection sampling keeps every character equally likely.
        let limit = 256 - 256 % ALPHABET.len();
        if usize::from(b) >= limit {
            continue;
        }
        if n > 0 && n % 5 == 0 {
            out.push('-');
        }
        if let Some(c) = ALPHABET.get(usize::from(b) % ALPHABET.len()) {
            out.push(char::from(*c));
        }
        n += 1;
    }
    out
}

/// The stored form of an activation code: SHA-256 (hex) of its canonical text (upper case,
/// without separators).
pub fn activation_hash(code: &str) -> String {
    let canonical: String = code
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_uppercase())
        .collect();
    hex::encode(Sha256::digest(canonical.as_bytes()))
}

fn valid_name(n: &str) -> bool {
    !n.trim().is_empty() && n.chars().count() <= 100 && !n.chars().any(char::is_control)
}

/// `POST /issuer/v1/identities`.
#[utoipa::path(
    post,
    path = super::ISSUER_IDENTITIES,
    operation_id = "issueIdentity",
    tag = TAG_ISSUER,
    security(("mutualTLS" = [])),
    request_body = IssueRequest,
    responses(
        (status = 200, description = "The identity, and the activation code to hand to its holder", body = IssueResponse),
        (status = 400, description = "`invalidParameters`: the personal number or a name", body = ErrorResponse),
        (status = 401, description = "`unauthorized`: no issuer's client certificate", body = ErrorResponse),
        (status = 415, description = "`unsupportedMediaType`: not `application/json`", body = ErrorResponse),
        (status = 500, description = "`internalError`", body = ErrorResponse),
    ),
)]
pub async fn issue(
    State(state): State<AppState>,
    Extension(peer): Extension<Peer>,
    Json(req): Json<IssueRequest>,
) -> Result<axum::Json<IssueResponse>, ApiError> {
    let issuer = peer.require(Role::Issuer)?;
    if req.personal_number.len() != 12 || PersonalNumber::parse_full(&req.personal_number).is_err()
    {
        return Err(ApiError::invalid("Invalid personalNumber"));
    }
    if !valid_name(&req.given_name) || !valid_name(&req.surname) {
        return Err(ApiError::invalid("Invalid name"));
    }
    let now = state.clock.now_millis();
    let code = activation_code(state.entropy.as_ref());
    let record = IdentityRecord {
        identity_id: entropy::uuid(state.entropy.as_ref()),
        issuer_id: issuer.id.clone(),
        personal_number: req.personal_number,
        given_name: req.given_name.trim().to_owned(),
        surname: req.surname.trim().to_owned(),
        status: IdentityStatus::Issued,
        version: 0,
        created_at: now,
        updated_at: now,
        activation_hash: Some(activation_hash(&code)),
        activation_expires_at: now + state.config.activation_ttl,
        device_public_key: None,
        attestation_kind: None,
        attestation: None,
        ocra_secret: None,
        enrolled_at: None,
        revoked_at: None,
        replaced_by: None,
    };
    state.store.insert_identity(&record).await?;
    tracing::info!(identity = %record.identity_id, issuer = %issuer.id, "identity issued");
    Ok(axum::Json(IssueResponse {
        identity_id: record.identity_id,
        activation_code: code,
        activation_expires_at: record.activation_expires_at.div_euclid(1000),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::entropy::SeededEntropy;

    #[test]
    fn activation_codes_are_grouped_and_hash_canonically() {
        let e = SeededEntropy::new(b"a");
        let code = activation_code(&e);
        assert_eq!(code.len(), 23);
        assert_eq!(code.matches('-').count(), 3);
        assert!(code.bytes().all(|b| b == b'-' || ALPHABET.contains(&b)));
        assert_ne!(activation_code(&e), code);
        assert_eq!(
            activation_hash(&code),
            activation_hash(&code.replace('-', "").to_lowercase())
        );
    }
}
