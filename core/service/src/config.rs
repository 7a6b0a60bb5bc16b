//! The service's policy knobs, with BankID's timings as defaults.

use tapid_identity::qr::QrWindow;

use crate::clock::Millis;
use crate::tls::Party;

/// Timings and policies.
#[derive(Debug, Clone)]
pub struct Config {
    /// An order no app picks up within this time fails with `startFailed` (BankID: ~30 s).
    pub pickup_window: Millis,
    /// An order not completed within this time after its start fails with
    /// `expiredTransaction`.
    pub order_lifetime: Millis,
    /// How long a completed order can be collected (BankID: 3 min).
    pub collect_complete: Millis,
    /// How long a failed order can be collected (BankID: 5 min).
    pub collect_failed: Millis,
    /// How far a scanned QR frame may lag behind or run ahead of the order's own seconds.
    pub qr_window: QrWindow,
    /// How long an activation code works.
    pub activation_ttl: Millis,
    /// Refuse enrolments whose key attestation is not hardware-backed.
    pub require_hardware_key: bool,
    /// How long encrypted evidence bundles are kept.
    pub evidence_retention: Millis,
    /// Orders one relying party may start per minute.
    pub rp_orders_per_minute: i64,
    /// The bounds of relay-mode step-ups.
    pub relay: RelayLimits,
    /// How long a push (and the order of a named person it belongs to) waits for the device,
    /// and how long an offline challenge is valid (the offline code's 90 s). Orders for a named person
    /// wait this long for a pickup instead of [`Config::pickup_window`] when it is longer.
    pub push_window: Millis,
    /// How far a signed app poll's timestamp may be from the service's clock, either way; its
    /// nonce is remembered for twice as long.
    pub app_request_window: Millis,
    /// Wrong offline answers one identity may give within [`Config::offline_identity_period`]
    /// before all its offline codes are locked (each order's own limit is 5).
    pub offline_identity_max_failures: i64,
    /// The period of the per-identity offline lock.
    pub offline_identity_period: Millis,
    /// Renewals that may be started for one personal number within 24 hours.
    pub renewals_per_day: i64,
    /// After a renewal completes, the person cannot be renewed again for this long.
    pub renewal_cool_off: Millis,
    /// The demo relying-party page at `/demo` (see [`crate::demo`]): off unless set (`tapid
    /// serve --demo-rp CERT` sets it).
    pub demo: Option<DemoConfig>,
}

/// The demo page: the relying party its backend acts as, and the bounds that keep a page
/// anyone can reach from opening unbounded orders.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoConfig {
    /// The relying party the page's backend starts, collects and cancels orders as (read from
    /// a relying-party certificate the service holds).
    pub party: Party,
    /// Orders the page may start in any minute, over every instance (each start call opens
    /// one order).
    pub orders_per_minute: i64,
    /// Page sessions one instance keeps at once (each holds one order's QR secret).
    pub max_sessions: usize,
}

impl DemoConfig {
    /// The page acting as `party`, with at most 30 orders a minute and 64 sessions.
    pub fn new(party: Party) -> Self {
        Self {
            party,
            orders_per_minute: 30,
            max_sessions: 64,
        }
    }
}

/// What a relay-mode read may cost the instance running it: a slow or hostile phone gets a
/// typed error when it exceeds one of these, never a hang or unbounded memory.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RelayLimits {
    /// How long the service waits for the phone's answer to one command APDU.
    pub apdu_timeout: Millis,
    /// How long one whole read may take, from the relay's start.
    pub read_timeout: Millis,
    /// Command APDUs one read may send.
    pub max_exchanges: u32,
    /// Largest command APDU the service sends (the phone may announce less).
    pub max_command_len: usize,
    /// Largest response APDU the service accepts (the phone may announce less).
    pub max_response_len: usize,
    /// Relays one instance runs at the same time.
    pub max_sessions: usize,
}

impl Default for RelayLimits {
    fn default() -> Self {
        Self {
            apdu_timeout: 5_000,
            read_timeout: 60_000,
            max_exchanges: 512,
            max_command_len: 65_544,
            max_response_len: 65_538,
            max_sessions: 256,
        }
    }
}

impl Default for Config {
    fn default() -> Self {
        Self {
            pickup_window: 30_000,
            order_lifetime: 180_000,
            collect_complete: 180_000,
            collect_failed: 300_000,
            qr_window: QrWindow::default(),
            activation_ttl: 3_600_000,
            require_hardware_key: false,
            evidence_retention: 30 * 24 * 3_600_000,
            rp_orders_per_minute: 6_000,
            relay: RelayLimits::default(),
            push_window: 90_000,
            app_request_window: 60_000,
            offline_identity_max_failures: 15,
            offline_identity_period: 24 * 3_600_000,
            renewals_per_day: 3,
            renewal_cool_off: 7 * 24 * 3_600_000,
            demo: None,
        }
    }
}
