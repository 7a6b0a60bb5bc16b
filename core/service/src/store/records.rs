//! The rows the service keeps: one per order, one per identity (an enrolled device key). Each
//! carries a `version` that every update compares and increments, so concurrent writers —
//! tasks of one instance or several instances on one database — never overwrite each other.

use crate::clock::Millis;

/// `auth` or `sign`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OrderKind {
    /// Identification.
    Auth,
    /// Signing (user-visible data is mandatory).
    Sign,
}

impl OrderKind {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Auth => "auth",
            Self::Sign => "sign",
        }
    }

    /// Parses a stored name.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "auth" => Some(Self::Auth),
            "sign" => Some(Self::Sign),
            _ => None,
        }
    }
}

/// Where an order stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    /// Started by the relying party; no app has picked it up.
    Outstanding,
    /// One app picked it up; waiting for the step-up and the user's signature.
    PickedUp,
    /// Completed: completion data is kept.
    Complete,
    /// Failed: the hint code says why.
    Failed,
    /// Cancelled by the relying party: no longer collectable.
    Cancelled,
}

impl Phase {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Outstanding => "outstanding",
            Self::PickedUp => "pickedUp",
            Self::Complete => "complete",
            Self::Failed => "failed",
            Self::Cancelled => "cancelled",
        }
    }

    /// Parses a stored name.
    pub fn parse(s: &str) -> Option<Self> {
        [
            Self::Outstanding,
            Self::PickedUp,
            Self::Complete,
            Self::Failed,
            Self::Cancelled,
        ]
        .into_iter()
        .find(|p| p.as_str() == s)
    }

    /// Whether the order can still change (outstanding or picked up).
    pub fn is_open(self) -> bool {
        matches!(self, Self::Outstanding | Self::PickedUp)
    }
}

/// How the app reached the order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pickup {
    /// A scanned animated QR frame (another device).
    Qr,
    /// The autostart token (same device).
    Autostart,
    /// A push to the device of the order's named person.
    Push,
    /// No app: the user typed the offline code the app computed for the order's challenge.
    OfflineCode,
}

impl Pickup {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Qr => "qr",
            Self::Autostart => "autostart",
            Self::Push => "push",
            Self::OfflineCode => "offlineCode",
        }
    }

    /// Parses a stored name.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "qr" => Some(Self::Qr),
            "autostart" => Some(Self::Autostart),
            "push" => Some(Self::Push),
            "offlineCode" => Some(Self::OfflineCode),
            _ => None,
        }
    }
}

/// One order. Secrets (`qr_start_secret`, the tokens) and personal data (`pending_pno`,
/// completion data, the encrypted evidence) never reach logs: `Debug` shows the reference and
/// the phase only.
#[derive(Clone, PartialEq, Eq)]
pub struct OrderRecord {
    /// The order reference (a UUID) the relying party collects with.
    pub order_ref: String,
    /// The relying party that started it (from its client certificate).
    pub rp_id: String,
    /// auth or sign.
    pub kind: OrderKind,
    /// Where it stands.
    pub phase: Phase,
    /// The hint code of a pending or failed order.
    pub hint_code: Option<String>,
    /// Compare-and-set version.
    pub version: i64,
    /// When the relying party started it.
    pub created_at: Millis,
    /// Last change.
    pub updated_at: Millis,
    /// The animated QR's public token.
    pub qr_start_token: String,
    /// The animated QR's secret (shared with the relying party's backend only).
    pub qr_start_secret: String,
    /// The same-device autostart token.
    pub auto_start_token: String,
    /// The end user's IP as the relying party saw it.
    pub end_user_ip: String,
    /// The requirement, as JSON.
    pub requirement: String,
    /// `userVisibleData` as sent (base64).
    pub user_visible_data: Option<String>,
    /// `userNonVisibleData` as sent (base64).
    pub user_non_visible_data: Option<String>,
    /// `userVisibleDataFormat`.
    pub user_visible_data_format: Option<String>,
    /// `returnUrl`.
    pub return_url: Option<String>,
    /// The required personal number while the order is open (unique: one open order per
    /// person and `alreadyInProgress` for a second).
    pub pending_pno: Option<String>,
    /// The random challenge the device key signs (32 bytes).
    pub challenge: Vec<u8>,
    /// The Active Authentication challenge bound to this order (8 bytes).
    pub aa_challenge: Vec<u8>,
    /// When an app picked it up.
    pub picked_up_at: Option<Millis>,
    /// How.
    pub pickup: Option<Pickup>,
    /// The identity that picked it up.
    pub identity_id: Option<String>,
    /// SHA-256 (hex) of the app's session token for this order.
    pub app_token_hash: Option<String>,
    /// The app's IP as the service saw it.
    pub device_ip: Option<String>,
    /// The passport step-up result, as JSON.
    pub step_up: Option<String>,
    /// The evidence bundle, encrypted at rest.
    pub evidence: Option<Vec<u8>>,
    /// When the encrypted evidence is deleted.
    pub evidence_delete_at: Option<Millis>,
    /// The completion data, as JSON (kept for audit).
    pub completion: Option<String>,
    /// When it completed, failed or was cancelled.
    pub finished_at: Option<Millis>,
}

impl std::fmt::Debug for OrderRecord {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OrderRecord")
            .field("order_ref", &self.order_ref)
            .field("phase", &self.phase)
            .field("version", &self.version)
            .finish_non_exhaustive()
    }
}

/// Where an identity stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IdentityStatus {
    /// Issued; waiting for the app to enrol with the activation code.
    Issued,
    /// Enrolled: a device key is registered.
    Active,
    /// Revoked (replaced by a renewal, or by the issuer).
    Revoked,
}

impl IdentityStatus {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Issued => "issued",
            Self::Active => "active",
            Self::Revoked => "revoked",
        }
    }

    /// Parses a stored name.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "issued" => Some(Self::Issued),
            "active" => Some(Self::Active),
            "revoked" => Some(Self::Revoked),
            _ => None,
        }
    }
}

/// One identity: a person (personal number, names) as an issuer created it and, once
/// enrolled, the device key that acts for them. Personal data stays out of `Debug`.
#[derive(Clone, PartialEq, Eq)]
pub struct IdentityRecord {
    /// The identity's id (a UUID).
    pub identity_id: String,
    /// The issuer that created it (from its client certificate).
    pub issuer_id: String,
    /// The 12-digit personal number.
    pub personal_number: String,
    /// Given names.
    pub given_name: String,
    /// Surname.
    pub surname: String,
    /// Where it stands.
    pub status: IdentityStatus,
    /// Compare-and-set version.
    pub version: i64,
    /// When the issuer created it.
    pub created_at: Millis,
    /// Last change.
    pub updated_at: Millis,
    /// SHA-256 (hex) of the one-time activation code while it is unused.
    pub activation_hash: Option<String>,
    /// When the activation code stops working.
    pub activation_expires_at: Millis,
    /// The device key's public key (SEC1, uncompressed).
    pub device_public_key: Option<Vec<u8>>,
    /// The attestation's kind as the app declared it.
    pub attestation_kind: Option<String>,
    /// The attestation as the app sent it (recorded).
    pub attestation: Option<Vec<u8>>,
    /// The OCRA secret for offline codes, encrypted at rest.
    pub ocra_secret: Option<Vec<u8>>,
    /// When the device enrolled.
    pub enrolled_at: Option<Millis>,
    /// When it was revoked.
    pub revoked_at: Option<Millis>,
    /// The identity that replaced it (remote renewal).
    pub replaced_by: Option<String>,
}

impl std::fmt::Debug for IdentityRecord {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("IdentityRecord")
            .field("identity_id", &self.identity_id)
            .field("status", &self.status)
            .field("version", &self.version)
            .finish_non_exhaustive()
    }
}
