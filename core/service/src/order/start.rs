//! Starting an order: the RP API v6 rules for the request fields (reference §1.3/§1.4) and a
//! fresh order with its random reference, tokens, secret and challenges.

use std::net::IpAddr;

use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;
use tapid_identity::personal_number::PersonalNumber;

use crate::api::error::ApiError;
use crate::api::wire::{Requirement, StartRequest};
use crate::clock::Millis;
use crate::entropy::{self, Entropy};
use crate::store::{OrderKind, OrderRecord, Phase};
use tapid_identity::order::HintCode;

/// Checks a start request: `endUserIp` an IP address (IPv4-mapped IPv6 refused, as BankID
/// does), `userVisibleData` base64 of UTF-8 within the kind's length (mandatory for sign),
/// `userNonVisibleData` base64 within its length, the format one BankID knows, `returnUrl`
/// https and at most 512 characters, and a valid 12-digit personal number.
pub fn validate(kind: OrderKind, req: &StartRequest) -> Result<(), ApiError> {
    let ip: IpAddr = req
        .end_user_ip
        .parse()
        .map_err(|_| ApiError::invalid("Invalid endUserIp"))?;
    if let IpAddr::V6(v6) = ip
        && v6.to_ipv4_mapped().is_some()
    {
        return Err(ApiError::invalid("Invalid endUserIp"));
    }
    let (uvd_max, unvd_max) = match kind {
        OrderKind::Auth => (1_500, 1_500),
        OrderKind::Sign => (40_000, 200_000),
    };
    match &req.user_visible_data {
        None if kind == OrderKind::Sign => {
            return Err(ApiError::invalid("userVisibleData is required for sign"));
        }
        None => {}
        Some(v) => {
            let text = B64
                .decode(v)
                .ok()
                .filter(|_| (1..=uvd_max).contains(&v.len()))
                .and_then(|b| String::from_utf8(b).ok())
                .filter(|t| !t.is_empty());
            if text.is_none() {
                return Err(ApiError::invalid("Invalid userVisibleData"));
            }
        }
    }
    if let Some(v) = &req.user_non_visible_data
        && (!(1..=unvd_max).contains(&v.len()) || B64.decode(v).is_err())
    {
        return Err(ApiError::invalid("Invalid userNonVisibleData"));
    }
    if let Some(f) = &req.user_visible_data_format
        && f != "simpleMarkdownV1"
        && f != "plaintext"
    {
        return Err(ApiError::invalid("Invalid userVisibleDataFormat"));
    }
    if let Some(u) = &req.return_url
        && (!(1..=512).contains(&u.len())
            || !u.starts_with("https://")
            || u.bytes().any(|b| !b.is_ascii_graphic()))
    {
        return Err(ApiError::invalid("Invalid returnUrl"));
    }
    if let Some(pno) = req
        .requirement
        .as_ref()
        .and_then(|r| r.personal_number.as_ref())
        && (pno.len() != 12 || PersonalNumber::parse_full(pno).is_err())
    {
        return Err(ApiError::invalid("Invalid personalNumber"));
    }
    Ok(())
}

/// A new outstanding order for the relying party `rp_id`, from a validated request.
pub fn new_order(
    kind: OrderKind,
    req: &StartRequest,
    rp_id: &str,
    now: Millis,
    entropy: &dyn Entropy,
) -> OrderRecord {
    let requirement = req.requirement.clone().unwrap_or_default();
    let challenge: [u8; 32] = entropy::bytes(entropy);
    let aa_challenge: [u8; 8] = entropy::bytes(entropy);
    OrderRecord {
        order_ref: entropy::uuid(entropy),
        rp_id: rp_id.to_owned(),
        kind,
        phase: Phase::Outstanding,
        hint_code: Some(HintCode::OutstandingTransaction.as_str().to_owned()),
        version: 0,
        created_at: now,
        updated_at: now,
        qr_start_token: entropy::uuid(entropy),
        qr_start_secret: entropy::uuid(entropy),
        auto_start_token: entropy::uuid(entropy),
        end_user_ip: req.end_user_ip.clone(),
        pending_pno: requirement.personal_number.clone(),
        requirement: serde_json::to_string(&requirement).unwrap_or_default(),
        user_visible_data: req.user_visible_data.clone(),
        user_non_visible_data: req.user_non_visible_data.clone(),
        user_visible_data_format: req.user_visible_data_format.clone(),
        return_url: req.return_url.clone(),
        challenge: challenge.to_vec(),
        aa_challenge: aa_challenge.to_vec(),
        picked_up_at: None,
        pickup: None,
        identity_id: None,
        app_token_hash: None,
        device_ip: None,
        step_up: None,
        evidence: None,
        evidence_delete_at: None,
        completion: None,
        finished_at: None,
    }
}

/// The order's requirement.
pub fn requirement(o: &OrderRecord) -> Requirement {
    serde_json::from_str(&o.requirement).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::entropy::SeededEntropy;

    fn req() -> StartRequest {
        StartRequest {
            end_user_ip: "192.0.2.7".into(),
            user_visible_data: Some(B64.encode("Logga in")),
            ..Default::default()
        }
    }

    #[test]
    fn v6_field_rules() {
        assert_eq!(validate(OrderKind::Auth, &req()), Ok(()));
        let with = |f: fn(&mut StartRequest)| {
            let mut r = req();
            f(&mut r);
            validate(OrderKind::Auth, &r).map_err(|e| e.details)
        };
        assert_eq!(
            with(|r| r.end_user_ip = "::ffff:172.19.0.1".into()),
            Err("Invalid endUserIp")
        );
        assert_eq!(with(|r| r.end_user_ip = "2001:db8::1".into()), Ok(()));
        assert_eq!(
            with(|r| r.end_user_ip = "localhost".into()),
            Err("Invalid endUserIp")
        );
        assert_eq!(
            with(|r| r.user_visible_data = Some("***".into())),
            Err("Invalid userVisibleData")
        );
        assert_eq!(
            with(|r| r.user_visible_data = Some(B64.encode("x".repeat(1_200)))),
            Err("Invalid userVisibleData")
        );
        assert_eq!(with(|r| r.user_visible_data = None), Ok(()));
        let mut sign = req();
        sign.user_visible_data = None;
        assert_eq!(
            validate(OrderKind::Sign, &sign).map_err(|e| e.details),
            Err("userVisibleData is required for sign")
        );
        assert_eq!(
            with(|r| r.user_visible_data_format = Some("html".into())),
            Err("Invalid userVisibleDataFormat")
        );
        assert_eq!(
            with(|r| r.return_url = Some("http://x".into())),
            Err("Invalid returnUrl")
        );
        assert_eq!(
            with(|r| r.requirement = Some(Requirement {
                personal_number: Some("198503142386".into()),
                ..Default::default()
            })),
            Err("Invalid personalNumber")
        );
        assert_eq!(
            with(|r| r.requirement = Some(Requirement {
                personal_number: Some("198503142385".into()),
                ..Default::default()
            })),
            Ok(())
        );
    }

    #[test]
    fn a_new_order_has_fresh_tokens() {
        let e = SeededEntropy::new(b"o");
        let a = new_order(OrderKind::Auth, &req(), "shop", 5, &e);
        let b = new_order(OrderKind::Auth, &req(), "shop", 5, &e);
        assert_ne!(a.order_ref, b.order_ref);
        assert_ne!(a.qr_start_secret, b.qr_start_secret);
        assert_eq!(a.phase, Phase::Outstanding);
        assert_eq!(a.challenge.len(), 32);
        assert_eq!(a.aa_challenge.len(), 8);
        assert_eq!(requirement(&a), Requirement::default());
    }
}
