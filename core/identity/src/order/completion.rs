//! Collect and error responses, and `completionData` with `stepUp.mrtd` (reference §1.7–§1.9).

use serde::{Deserialize, Serialize};

use super::{ErrorCode, HintCode, OrderStatus};

/// A `/collect` response.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CollectResponse {
    /// The order reference.
    pub order_ref: String,
    /// pending / failed / complete (or an unknown status).
    pub status: OrderStatus,
    /// Present for pending and failed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hint_code: Option<HintCode>,
    /// Present for complete.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub completion_data: Option<CompletionData>,
}

impl CollectResponse {
    /// Whether the relying party should stop collecting (failed or complete). Unknown statuses
    /// keep collecting, as BankID may add intermediate states.
    pub fn is_final(&self) -> bool {
        matches!(self.status, OrderStatus::Failed | OrderStatus::Complete)
    }

    /// `true` only if the order completed and reports a passed passport / ID-card check.
    pub fn mrtd_passed(&self) -> bool {
        self.status == OrderStatus::Complete
            && self
                .completion_data
                .as_ref()
                .and_then(|c| c.step_up.as_ref())
                .is_some_and(|s| s.mrtd)
    }
}

/// An HTTP error body `{errorCode, details}`.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ErrorResponse {
    /// The error code (open).
    pub error_code: ErrorCode,
    /// Free text for logs; never shown to the user.
    #[serde(default)]
    pub details: String,
}

/// `completionData` of a completed order. Unknown fields are ignored; keep the raw JSON for audit.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CompletionData {
    /// The identified user.
    pub user: User,
    /// The user's device.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub device: Option<Device>,
    /// Issue date of the ID (`YYYY-MM-DD`, possibly with a `Z`), kept as sent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bank_id_issue_date: Option<String>,
    /// Step-up results, present when a step-up was requested.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub step_up: Option<StepUp>,
    /// Base64 XML signature.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signature: Option<String>,
    /// Base64 OCSP response.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ocsp_response: Option<String>,
    /// `low` / `moderate` / `high`, when requested and available.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub risk: Option<String>,
}

/// The user in completion data.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct User {
    /// 12-digit personal identity number.
    pub personal_number: String,
    /// Full name.
    #[serde(default)]
    pub name: String,
    /// Given name(s).
    #[serde(default)]
    pub given_name: String,
    /// Surname.
    #[serde(default)]
    pub surname: String,
}

/// The device in completion data.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Device {
    /// The IP address as the server saw it (log mismatches, don't block on them).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ip_address: Option<String>,
    /// Unique hardware identifier (base64).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub uhi: Option<String>,
}

/// `stepUp`: an object, not a bare bool.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct StepUp {
    /// True if the MRTD check was performed and passed, false if performed and failed.
    pub mrtd: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_complete_with_step_up() {
        let json = r#"{"orderRef":"131daac9-16c6-4618-beb0-365768f37288","status":"complete",
            "completionData":{"user":{"personalNumber":"190000000000","name":"Karl Karlsson",
            "givenName":"Karl","surname":"Karlsson"},"device":{"ipAddress":"192.168.0.1",
            "uhi":"OZvYM9VvyiAmG7NA5jU5zqGcVpo="},"bankIdIssueDate":"2025-08-09Z",
            "stepUp":{"mrtd":true},"signature":"PD94","ocspResponse":"MIIH","risk":"low","newField":1}}"#;
        let r: CollectResponse = serde_json::from_str(json).unwrap();
        assert!(r.is_final());
        assert!(r.mrtd_passed());
        let c = r.completion_data.as_ref().unwrap();
        assert_eq!(c.user.surname, "Karlsson");
        assert_eq!(
            c.device.as_ref().unwrap().uhi.as_deref(),
            Some("OZvYM9VvyiAmG7NA5jU5zqGcVpo=")
        );
        assert_eq!(c.step_up, Some(StepUp { mrtd: true }));
        let failed_check = json.replace(r#""mrtd":true"#, r#""mrtd":false"#);
        let r2: CollectResponse = serde_json::from_str(&failed_check).unwrap();
        assert!(!r2.mrtd_passed());
    }

    #[test]
    fn parses_pending_with_unknown_hint() {
        let r: CollectResponse = serde_json::from_str(
            r#"{"orderRef":"a","status":"pending","hintCode":"somethingNew"}"#,
        )
        .unwrap();
        assert!(!r.is_final());
        assert_eq!(r.hint_code, Some(HintCode::Unknown("somethingNew".into())));
        let m: CollectResponse =
            serde_json::from_str(r#"{"orderRef":"a","status":"pending","hintCode":"userMrtd"}"#)
                .unwrap();
        assert_eq!(m.hint_code, Some(HintCode::UserMrtd));
        assert!(!m.mrtd_passed());
        let out = serde_json::to_string(&m).unwrap();
        assert_eq!(
            out,
            r#"{"orderRef":"a","status":"pending","hintCode":"userMrtd"}"#
        );
    }

    #[test]
    fn parses_error_body() {
        let e: ErrorResponse = serde_json::from_str(
            r#"{"errorCode":"alreadyInProgress","details":"Order already in progress for pno"}"#,
        )
        .unwrap();
        assert_eq!(e.error_code, ErrorCode::AlreadyInProgress);
        let u: ErrorResponse = serde_json::from_str(r#"{"errorCode":"fancyNewError"}"#).unwrap();
        assert_eq!(u.error_code, ErrorCode::Unknown("fancyNewError".into()));
    }
}
