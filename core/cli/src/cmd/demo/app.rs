//! The identity app on a desktop: its device key in an encrypted software key store (a
//! temporary directory, the store's default Argon2id costs, a security code drawn for this
//! run), the app API client ([`AppClient`]) signing every step with that key, and the passport
//! step-up. It also polls its pushes, computes the offline code from the OCRA secret it got
//! at enrolment, and renews the identity onto a new phone.

use std::sync::Arc;

use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;
use tapid_identity::autostart::{LaunchUrl, RedirectPolicy};
use tapid_identity::client::{AppClient, ClientError, Https, PickedUp};
use tapid_identity::qr::QrPayload;
use tapid_identity::service_api::{
    Attestation, Push, PushList, RenewalResponse, StepUpOutcome, attestation,
};
use tapid_keystore::{
    CodePolicy, KeyAlias, KeyStore, ProtectionPolicy, SecurityCode, SoftwareKeyStore, StoreOptions,
};
use tapid_service::clock::{Clock, SystemClock};
use tapid_service::entropy::{self, OsEntropy};
use zeroize::Zeroizing;

use super::error::{DemoError, api};
use super::passport::{self, StepUp};
use super::say::Say;

/// The app with its device key.
pub struct Device {
    client: AppClient,
    /// The OCRA secret (hex) the service provisioned at enrolment or renewal: the offline
    /// code's key, kept on the phone.
    ocra_secret: Option<Zeroizing<String>>,
    _dir: tempfile::TempDir,
}

fn software() -> Attestation {
    Attestation {
        kind: attestation::SOFTWARE.into(),
        data: String::new(),
    }
}

/// A six-digit security code the phone policy accepts, drawn from the OS generator.
fn security_code() -> Result<SecurityCode, DemoError> {
    for _ in 0..64 {
        let n = u32::from_be_bytes(entropy::bytes(&OsEntropy)) % 1_000_000;
        let code = SecurityCode::new(format!("{n:06}"))?;
        if CodePolicy::PHONE.check(&code).is_ok() {
            return Ok(code);
        }
    }
    Err(DemoError::Unexpected(
        "no acceptable security code drawn".into(),
    ))
}

impl Device {
    /// A new key store with one device key, talking to the service over `http`.
    pub async fn create(http: Https, say: &Say) -> Result<Self, DemoError> {
        let dir = tempfile::tempdir()
            .map_err(|e| DemoError::Unexpected(format!("temporary directory: {e}")))?;
        let code = security_code()?;
        let path = dir.path().join("keystore");
        let options = StoreOptions::default();
        let store = {
            let code = code.clone();
            tokio::task::spawn_blocking(move || {
                SoftwareKeyStore::create_in_dir(&path, &code, options)
            })
            .await
            .map_err(|e| DemoError::Unexpected(format!("key store task: {e}")))??
        };
        let alias = KeyAlias::new("identity")?;
        store
            .generate(&alias, ProtectionPolicy::SECURITY_CODE, Some(&code))
            .await?;
        say.line(
            "app",
            &format!(
                "created a software key store (Argon2id {} MiB, {} passes) and a P-256 device \
                 key under a six-digit security code",
                options.kdf.memory_kib / 1024,
                options.kdf.iterations
            ),
        );
        Ok(Self {
            client: AppClient::new(http, Arc::new(store), alias, Some(code)),
            ocra_secret: None,
            _dir: dir,
        })
    }

    /// Enrols the device key with the issuer's activation code.
    pub async fn enrol(&mut self, activation_code: &str, say: &Say) -> Result<(), DemoError> {
        let enrolment = self
            .client
            .enrol(activation_code, software())
            .await
            .map_err(api("enrol"))?;
        self.ocra_secret = Some(Zeroizing::new(enrolment.ocra_secret));
        say.line(
            "app",
            &format!(
                "enrolled the device key with the activation code (software attestation); \
                 kept the offline-code secret ({})",
                enrolment.ocra_suite
            ),
        );
        Ok(())
    }

    /// Scans an animated QR frame and picks up its order.
    pub async fn pickup_qr(&self, frame: &str, say: &Say) -> Result<PickedUp, DemoError> {
        let payload =
            QrPayload::parse(frame).map_err(|e| DemoError::Unexpected(format!("QR: {e}")))?;
        say.line(
            "app",
            &format!("scanned the QR code (frame {} s)", payload.time),
        );
        let picked = self
            .client
            .pickup_qr(&payload.to_string())
            .await
            .map_err(api("pick up by QR"))?;
        self.show(&picked, say);
        Ok(picked)
    }

    /// Is launched with `url` on the same device and picks up its order.
    pub async fn pickup_autostart(&self, url: &str, say: &Say) -> Result<PickedUp, DemoError> {
        let launch = LaunchUrl::parse(url, &RedirectPolicy::new())
            .map_err(|e| DemoError::Unexpected(format!("launch URL: {e}")))?;
        say.line("app", "launched with the autostart token");
        let picked = self
            .client
            .pickup_autostart(&launch.autostart_token)
            .await
            .map_err(api("pick up by autostart"))?;
        self.show(&picked, say);
        Ok(picked)
    }

    fn show(&self, picked: &PickedUp, say: &Say) {
        let text = picked
            .order
            .user_visible_data
            .as_deref()
            .and_then(|b| B64.decode(b).ok())
            .map(|b| format!(": \"{}\"", String::from_utf8_lossy(&b)))
            .unwrap_or_default();
        say.line(
            "app",
            &format!(
                "picked up the {} order of {}{text}{}",
                picked.order.kind,
                picked.order.relying_party,
                if picked.order.mrtd_required {
                    "; a passport check is required"
                } else {
                    ""
                }
            ),
        );
    }

    /// The passport step-up in `mode`: the service's verdict.
    pub async fn step_up(
        &self,
        picked: &PickedUp,
        mode: StepUp,
        say: &Say,
    ) -> Result<StepUpOutcome, DemoError> {
        let aa = picked.aa_challenge.ok_or_else(|| {
            DemoError::Unexpected("the service issued no passport challenge".into())
        })?;
        match mode {
            StepUp::Evidence => {
                say.line(
                    "app",
                    &format!(
                        "reading the passport ({}), answering the server's challenge {}",
                        passport::PROFILE,
                        hex::encode(aa)
                    ),
                );
                let bundle = passport::read_evidence(aa, say.json()).await?;
                say.line(
                    "app",
                    &format!(
                        "sending the evidence bundle ({} bytes), signed with the device key",
                        bundle.len()
                    ),
                );
                self.client
                    .send_evidence(picked, &bundle)
                    .await
                    .map_err(api("send the evidence"))
            }
            StepUp::Relay => {
                say.line(
                    "app",
                    &format!(
                        "relaying the passport ({}) to the service's own read: MRZ access key \
                         from the scan, every command APDU carried to the chip and back",
                        passport::PROFILE
                    ),
                );
                let (outcome, exchanges) =
                    passport::relay(&self.client, picked, say.json()).await?;
                say.line(
                    "app",
                    &format!("relayed {exchanges} commands; the service read the chip itself"),
                );
                Ok(outcome)
            }
        }
    }

    /// The identity this app acts for.
    pub fn identity_id(&self) -> Option<&str> {
        self.client.identity_id()
    }

    /// One signed poll of the pushes waiting for this device (the device's clock, a nonce
    /// from the OS generator).
    pub async fn poll_pushes(&self) -> Result<PushList, ClientError> {
        self.client
            .pending_pushes(SystemClock.now_secs(), entropy::bytes(&OsEntropy))
            .await
    }

    /// Polls and returns the first waiting push of `kind` from `relying_party`.
    pub async fn push_for(
        &self,
        kind: &str,
        relying_party: &str,
        say: &Say,
    ) -> Result<Push, DemoError> {
        let list = self.poll_pushes().await.map_err(api("poll the pushes"))?;
        let push = list
            .pushes
            .into_iter()
            .find(|p| p.kind == kind && p.relying_party == relying_party)
            .ok_or_else(|| DemoError::Unexpected("no push arrived for the order".into()))?;
        let text = push
            .user_visible_data
            .as_deref()
            .and_then(|b| B64.decode(b).ok())
            .map(|b| format!(": \"{}\"", String::from_utf8_lossy(&b)))
            .unwrap_or_default();
        say.line(
            "app",
            &format!(
                "polled its pushes (signed, timestamped, fresh nonce): {} {} push from \
                 {}{text}, open until {}",
                if push.kind == "auth" { "an" } else { "a" },
                push.kind,
                push.relying_party,
                push.expires_at
            ),
        );
        Ok(push)
    }

    /// Picks up the order of `push`.
    pub async fn pickup_push(&self, push: &Push, say: &Say) -> Result<PickedUp, DemoError> {
        let picked = self
            .client
            .pickup_push(push)
            .await
            .map_err(api("pick up the push"))?;
        self.show(&picked, say);
        Ok(picked)
    }

    /// The offline code for the relying party's `challenge`, computed on the phone from the
    /// kept OCRA secret and the device's clock: no network.
    pub fn offline_code(&self, challenge: &str, say: &Say) -> Result<String, DemoError> {
        let secret = self
            .ocra_secret
            .as_ref()
            .ok_or_else(|| DemoError::Unexpected("the app kept no offline-code secret".into()))?;
        let now = u64::try_from(SystemClock.now_secs())
            .map_err(|_| DemoError::Unexpected("the clock is before 1970".into()))?;
        let response = AppClient::offline_code(secret, challenge, now)
            .map_err(|e| DemoError::Unexpected(format!("offline code: {e}")))?;
        say.line(
            "app",
            "offline: the user typed the challenge; the app shows the 8-digit response",
        );
        Ok(response)
    }

    /// Renews the identity of `personal_number` onto this device: start (software
    /// attestation), the passport evidence for the service's challenge, confirm. The
    /// evidence's verdict and the renewal's answer; the app acts for the new identity after.
    pub async fn renew(
        &mut self,
        personal_number: &str,
        say: &Say,
    ) -> Result<(StepUpOutcome, RenewalResponse), DemoError> {
        let started = self
            .client
            .start_renewal(personal_number, software())
            .await
            .map_err(api("start the renewal"))?;
        say.line(
            "app",
            &format!(
                "started a renewal for {personal_number}; reading the passport ({}), answering \
                 the server's challenge {}",
                passport::PROFILE,
                hex::encode(started.aa_challenge)
            ),
        );
        let bundle = passport::read_evidence(started.aa_challenge, say.json()).await?;
        let outcome = self
            .client
            .send_renewal_evidence(&started, &bundle)
            .await
            .map_err(api("send the renewal evidence"))?;
        say.line(
            "service",
            &format!(
                "re-verified the evidence: mrtd {}{}",
                outcome.mrtd,
                outcome
                    .reason
                    .as_deref()
                    .map(|r| format!(" ({r})"))
                    .unwrap_or_default()
            ),
        );
        let done = self
            .client
            .renew(&started)
            .await
            .map_err(api("confirm the renewal"))?;
        self.ocra_secret = Some(Zeroizing::new(done.ocra_secret.clone()));
        say.line(
            "app",
            &format!(
                "renewed: identity {} replaces {} (face check {})",
                done.identity_id, done.replaces, done.face_check
            ),
        );
        Ok((outcome, done))
    }

    /// Approves the order with the device key.
    pub async fn approve(&self, picked: &PickedUp, say: &Say) -> Result<(), DemoError> {
        let decision = self.client.approve(picked).await.map_err(api("approve"))?;
        say.line(
            "app",
            &format!(
                "approved with the device key (security code); the service says {}",
                decision.status
            ),
        );
        Ok(())
    }
}
