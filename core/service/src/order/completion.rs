//! The completion of an approved order: BankID's `completionData` (user, device,
//! `bankIdIssueDate`, `stepUp`) and, as its `signature`, a compact JWS by the service over the
//! order's result and the device's signature — what a relying party verifies offline with the
//! service's published keys.

use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use crate::clock::Millis;
use crate::jws::JwsKey;
use crate::store::{IdentityRecord, OrderRecord};

/// The JWS `iss`.
pub const ISSUER: &str = "tapid-service";

/// What the completion is made of.
#[derive(Debug)]
pub struct Approved<'a> {
    /// The order (picked up, step-up done when required).
    pub order: &'a OrderRecord,
    /// The identity that approved.
    pub identity: &'a IdentityRecord,
    /// The device key's signature over the approval payload (DER).
    pub device_signature: &'a [u8],
    /// The step-up result when the order required one (`stepUp.mrtd` and its details).
    pub step_up: Option<(bool, Value)>,
    /// The completion time.
    pub now: Millis,
}

fn digest(text: Option<&str>) -> Option<String> {
    text.map(|t| hex::encode(Sha256::digest(t.as_bytes())))
}

/// `YYYY-MM-DD` of a Unix time in milliseconds (UTC).
fn date(ms: Millis) -> String {
    tapid_identity::date::Date::from_unix_seconds(ms.div_euclid(1000))
        .map(|d| format!("{:04}-{:02}-{:02}", d.year(), d.month(), d.day()))
        .unwrap_or_default()
}

/// How the user approved: what `completionData.approval` (and the JWS) says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ApprovalMethod {
    /// The device key signed the order's challenge (after a QR, autostart or push pickup).
    DeviceKey,
    /// The user typed the offline code the app computed from its OCRA secret.
    OfflineCode {
        /// The matched time step minus the server's (the device's clock drift).
        step_offset: i64,
    },
}

impl ApprovalMethod {
    fn to_json(self, order: &OrderRecord) -> Value {
        match self {
            Self::DeviceKey => json!({
                "method": "deviceKey",
                "via": order.pickup.map(|p| p.as_str()),
            }),
            Self::OfflineCode { step_offset } => json!({
                "method": "offlineCode",
                "suite": tapid_identity::offline_code::SUITE,
                "stepOffset": step_offset,
            }),
        }
    }
}

/// The completion data with its JWS, approved with the device key.
pub fn completion(a: &Approved<'_>, key: &JwsKey) -> Value {
    completion_as(a, ApprovalMethod::DeviceKey, key)
}

/// The completion data with its JWS, approved as `method` says.
pub fn completion_as(a: &Approved<'_>, method: ApprovalMethod, key: &JwsKey) -> Value {
    let id = a.identity;
    let public_key = id.device_public_key.as_deref().unwrap_or_default();
    let uhi = B64.encode(Sha256::digest(public_key).get(..20).unwrap_or_default());
    let user = json!({
        "personalNumber": id.personal_number,
        "name": format!("{} {}", id.given_name, id.surname),
        "givenName": id.given_name,
        "surname": id.surname,
    });
    let device = json!({"ipAddress": a.order.device_ip, "uhi": uhi});
    let mut claims = json!({
        "iss": ISSUER,
        "iat": a.now.div_euclid(1000),
        "orderRef": a.order.order_ref,
        "rp": a.order.rp_id,
        "kind": a.order.kind.as_str(),
        "user": user,
        "device": device,
        "identityId": id.identity_id,
        "devicePublicKey": B64.encode(public_key),
        "challenge": B64.encode(&a.order.challenge),
        "deviceSignature": B64.encode(a.device_signature),
        "userVisibleDataSha256": digest(a.order.user_visible_data.as_deref()),
        "userNonVisibleDataSha256": digest(a.order.user_non_visible_data.as_deref()),
    });
    let approval = method.to_json(a.order);
    set(&mut claims, "approval", approval.clone());
    let mut data = json!({
        "user": user,
        "device": device,
        "bankIdIssueDate": date(id.enrolled_at.unwrap_or(id.created_at)),
        "approval": approval,
    });
    if let Some((mrtd, details)) = &a.step_up {
        set(
            &mut claims,
            "stepUp",
            json!({"mrtd": mrtd, "details": details}),
        );
        set(&mut data, "stepUp", json!({"mrtd": mrtd}));
        set(&mut data, "stepUpDetails", details.clone());
    }
    let signature = Value::String(key.sign(&claims));
    set(&mut data, "signature", signature);
    data
}

/// Sets `key` of a JSON object (`target` is always one here).
pub fn set(target: &mut Value, key: &str, value: Value) {
    if let Some(map) = target.as_object_mut() {
        map.insert(key.to_owned(), value);
    }
}
