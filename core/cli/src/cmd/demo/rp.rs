//! The relying party (a web shop's backend, with its client certificate): starts orders over
//! the RP API v6.0, shows the animated QR (its frames computed from `qrStartSecret`, which
//! never leaves the backend) or hands the autostart token to the app, collects until the order
//! is final, and verifies the completion's JWS offline against the published JWK set. For a
//! user whose phone has no network it shows the offline challenge and passes on the code the
//! user typed.

use std::time::{Duration, Instant};

use serde_json::Value;
use tapid_identity::autostart::{LaunchUrl, Platform, RedirectPolicy};
use tapid_identity::client::Https;
use tapid_identity::qr::{QrStartSecret, generate};
use tapid_identity::service_api::{OFFLINE_CHALLENGE, OFFLINE_VERIFY};
use tapid_service::api::offline::{
    OfflineChallengeRequest, OfflineChallengeResponse, OfflineVerifyRequest, OfflineVerifyResponse,
};
use tapid_service::api::wire::{StartRequest, StartResponse};
use tapid_service::jws::{self, JwkSet};

use super::error::{DemoError, api};
use super::qr_view::QrView;
use super::report::field;
use super::say::Say;

/// How often collect is called while an order is pending (BankID: every 1–2 s; the demo's
/// app answers at once, so the order is final after a call or two).
const COLLECT_EVERY: Duration = Duration::from_millis(200);
/// Collect calls before the relying party gives up on a pending order.
const COLLECT_MAX: usize = 50;
/// Frames of the animated QR shown before the app scans (one per second).
const QR_FRAMES: u64 = 3;

/// The relying party.
pub struct RelyingParty {
    http: Https,
}

/// An order the relying party started.
pub struct Started {
    /// The start response.
    pub order: StartResponse,
    /// When the response came: the QR's seconds count from here.
    at: Instant,
}

impl Started {
    /// The animated QR's current frame.
    pub fn qr_frame(&self) -> Result<String, DemoError> {
        let secret = QrStartSecret::new(&self.order.qr_start_secret)
            .map_err(|e| DemoError::Unexpected(format!("qrStartSecret: {e}")))?;
        generate(
            &self.order.qr_start_token,
            &secret,
            self.at.elapsed().as_secs(),
        )
        .map(|p| p.to_string())
        .map_err(|e| DemoError::Unexpected(format!("QR frame: {e}")))
    }

    /// The same-device launch URL carrying the autostart token (`redirect=null`: a desktop
    /// app returns by itself).
    pub fn launch_url(&self) -> Result<String, DemoError> {
        LaunchUrl::for_platform(
            Platform::Desktop,
            &self.order.auto_start_token,
            None,
            &RedirectPolicy::new(),
        )
        .map(|u| u.to_string())
        .map_err(|e| DemoError::Unexpected(format!("launch URL: {e}")))
    }
}

impl RelyingParty {
    /// The relying party talking to the service over `http` (with its client certificate).
    pub fn new(http: Https) -> Self {
        Self { http }
    }

    /// Starts an `auth` or `sign` order.
    pub async fn start(
        &self,
        kind: &str,
        req: &StartRequest,
        say: &Say,
    ) -> Result<Started, DemoError> {
        let order: StartResponse = self
            .http
            .post(&format!("/rp/v6.0/{kind}"), req)
            .await
            .map_err(api("start the order"))?;
        let mrtd = req.requirement.as_ref().is_some_and(|r| r.mrtd);
        let pushed = req
            .requirement
            .as_ref()
            .is_some_and(|r| r.personal_number.is_some());
        say.line(
            "rp",
            &format!(
                "started {} {kind} order{}{} (orderRef {})",
                if kind == "auth" { "an" } else { "a" },
                if mrtd { " with requirement.mrtd" } else { "" },
                if pushed {
                    " for the holder's personal number (pushed to the phone)"
                } else {
                    ""
                },
                order.order_ref
            ),
        );
        Ok(Started {
            order,
            at: Instant::now(),
        })
    }

    /// One collect call.
    pub async fn collect(&self, order_ref: &str) -> Result<Value, DemoError> {
        self.http
            .post(
                "/rp/v6.0/collect",
                &serde_json::json!({"orderRef": order_ref}),
            )
            .await
            .map_err(api("collect"))
    }

    /// Collects once and says what the order is doing.
    pub async fn status(&self, order_ref: &str, say: &Say) -> Result<Value, DemoError> {
        let c = self.collect(order_ref).await?;
        say.line(
            "rp",
            &format!(
                "collect: {} / {}",
                field(&c, "/status").as_str().unwrap_or("?"),
                field(&c, "/hintCode").as_str().unwrap_or("-")
            ),
        );
        Ok(c)
    }

    /// The offline challenge of `order_ref`, shown to the user on the web page.
    pub async fn offline_challenge(&self, order_ref: &str, say: &Say) -> Result<String, DemoError> {
        let shown: OfflineChallengeResponse = self
            .http
            .post(
                OFFLINE_CHALLENGE,
                &OfflineChallengeRequest {
                    order_ref: order_ref.to_owned(),
                },
            )
            .await
            .map_err(api("ask for the offline challenge"))?;
        say.line(
            "rp",
            &format!(
                "shows the offline challenge {} (valid until {}, {} wrong answers allowed)",
                shown.challenge, shown.expires_at, shown.attempts_left
            ),
        );
        Ok(shown.challenge)
    }

    /// Passes on the offline code the user typed; the service completes the order.
    pub async fn offline_verify(
        &self,
        order_ref: &str,
        response: &str,
        say: &Say,
    ) -> Result<(), DemoError> {
        let verified: OfflineVerifyResponse = self
            .http
            .post(
                OFFLINE_VERIFY,
                &OfflineVerifyRequest {
                    order_ref: order_ref.to_owned(),
                    response: response.to_owned(),
                },
            )
            .await
            .map_err(api("verify the offline code"))?;
        say.line(
            "rp",
            &format!(
                "the user typed the app's code; the service says {}",
                verified.status
            ),
        );
        Ok(())
    }

    /// Shows the animated QR (not with `--json`) for a few frames, collecting between them as
    /// a web page's backend does, and returns the frame on screen when the app scans it.
    pub async fn show_qr(&self, started: &Started, say: &Say) -> Result<String, DemoError> {
        if say.json() {
            return started.qr_frame();
        }
        say.line(
            "rp",
            "shows the animated QR code (a new frame every second)",
        );
        let mut view = QrView::default();
        let frames = if QrView::animates() { QR_FRAMES } else { 1 };
        for n in 0..frames {
            view.show(&started.qr_frame()?)?;
            let _ = self.collect(&started.order.order_ref).await?;
            if n + 1 < frames {
                let next = Duration::from_secs(n + 1);
                tokio::time::sleep(next.saturating_sub(started.at.elapsed())).await;
            }
        }
        started.qr_frame()
    }

    /// Collects until the order is no longer pending (bounded), and returns the last answer.
    pub async fn collect_final(&self, order_ref: &str, say: &Say) -> Result<Value, DemoError> {
        for _ in 0..COLLECT_MAX {
            let c = self.collect(order_ref).await?;
            if field(&c, "/status") != "pending" {
                say.line(
                    "rp",
                    &format!("collect: {}", field(&c, "/status").as_str().unwrap_or("?")),
                );
                return Ok(c);
            }
            tokio::time::sleep(COLLECT_EVERY).await;
        }
        Err(DemoError::Unexpected("the order stayed pending".to_owned()))
    }

    /// Verifies the completion's `signature` (a JWS) against `/.well-known/jwks.json`, and
    /// that it signs this order: its claims.
    pub async fn verify(&self, order_ref: &str, completion: &Value) -> Result<Value, DemoError> {
        let set: JwkSet = self
            .http
            .get("/.well-known/jwks.json")
            .await
            .map_err(api("fetch the JWK set"))?;
        let jws = completion["signature"]
            .as_str()
            .ok_or_else(|| DemoError::Unexpected("the completion has no signature".into()))?;
        let claims = jws::verify(jws, &set)
            .map_err(|e| DemoError::Unexpected(format!("completion signature: {e}")))?;
        if field(&claims, "/orderRef") != order_ref {
            return Err(DemoError::Unexpected(
                "the completion signature is for another order".into(),
            ));
        }
        Ok(claims)
    }
}
