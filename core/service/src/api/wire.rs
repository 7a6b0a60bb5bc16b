//! The relying-party and issuer request and response bodies (RP API v6.0 field names).

use serde::{Deserialize, Serialize};
use utoipa::openapi::schema::{AnyOfBuilder, KnownFormat, ObjectBuilder, SchemaFormat, Type};

/// `requirement` of an auth or sign order.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Requirement {
    /// The user must confirm with the security code.
    #[serde(default)]
    pub pin_code: bool,
    /// A passport or national ID card check is required.
    #[serde(default)]
    pub mrtd: bool,
    /// Only this person (12 digits) may complete the order.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(pattern = "^[0-9]{12}$", examples("198503142385"))]
    pub personal_number: Option<String>,
    /// tapid: accept chip authenticity proved only on the device (CA / PACE-CAM without AA)
    /// for the step-up. Off: the server must prove the chip itself (Active Authentication).
    #[serde(default)]
    pub mrtd_accept_device_proof: bool,
}

/// `POST /rp/v6.0/auth` and `/sign`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct StartRequest {
    /// The end user's IP address as the relying party sees it (IPv4, or IPv6 that is not
    /// IPv4-mapped).
    #[schema(schema_with = ip_address)]
    pub end_user_ip: String,
    /// Requirements.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub requirement: Option<Requirement>,
    /// Text shown to the user (base64 of UTF-8); required for sign.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(min_length = 1, max_length = 40000, examples("SGVqIGZyw6VuIHRhcGlk"))]
    pub user_visible_data: Option<String>,
    /// Data signed but not shown (base64).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(min_length = 1, max_length = 200000, examples("b3JkZXItNDI="))]
    pub user_non_visible_data: Option<String>,
    /// `simpleMarkdownV1` or `plaintext`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(pattern = "^(simpleMarkdownV1|plaintext)$", examples("plaintext"))]
    pub user_visible_data_format: Option<String>,
    /// Where a same-device order returns to (https, 1–512 characters).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(
        pattern = "^https://[!-~]+$",
        max_length = 512,
        examples("https://rp.example/done")
    )]
    pub return_url: Option<String>,
}

/// The answer to auth and sign.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct StartResponse {
    /// The order reference to collect with.
    pub order_ref: String,
    /// The same-device launch token.
    pub auto_start_token: String,
    /// The animated QR's token.
    pub qr_start_token: String,
    /// The animated QR's secret (for the relying party's backend only).
    pub qr_start_secret: String,
}

/// `POST /rp/v6.0/collect` and `/cancel`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct OrderRefRequest {
    /// The order reference.
    pub order_ref: String,
}

/// `POST /issuer/v1/identities`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct IssueRequest {
    /// The holder's personal number (12 digits, with a valid check digit).
    #[schema(pattern = "^[0-9]{12}$", examples("198503142385"))]
    pub personal_number: String,
    /// Given names.
    #[schema(min_length = 1, max_length = 100, examples("Anna"))]
    pub given_name: String,
    /// Surname.
    #[schema(min_length = 1, max_length = 100, examples("Andersson"))]
    pub surname: String,
}

/// The answer to an issue request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct IssueResponse {
    /// The new identity.
    pub identity_id: String,
    /// The one-time activation code to hand to the holder.
    pub activation_code: String,
    /// When the code stops working (Unix seconds).
    pub activation_expires_at: i64,
}

/// The answer to `/cancel`: an empty object, as BankID's.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Cancelled {}

/// The schema of `endUserIp`: an IPv4 or IPv6 address.
fn ip_address() -> AnyOfBuilder {
    let ip = |format| {
        ObjectBuilder::new()
            .schema_type(Type::String)
            .format(Some(SchemaFormat::KnownFormat(format)))
    };
    AnyOfBuilder::new()
        .item(ip(KnownFormat::Ipv4))
        .item(ip(KnownFormat::Ipv6))
        .description(Some(
            "The end user's IP address as the relying party sees it (IPv4, or IPv6 that is not \
             IPv4-mapped).",
        ))
        .examples(["192.0.2.1", "2001:db8::1"])
}
