//! The identity app on a desktop: its device key in an encrypted software key store (a
//! temporary directory, the store's default Argon2id costs, a security code drawn for this
//! run), the app API client ([`AppClient`]) signing every step with that key, and the passport
//! step-up.

use std::sync::Arc;

use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;
use tapid_identity::autostart::{LaunchUrl, RedirectPolicy};
use tapid_identity::client::{AppClient, Https, PickedUp};
use tapid_identity::qr::QrPayload;
use tapid_identity::service_api::{Attestation, StepUpOutcome, attestation};
use tapid_keystore::{
    CodePolicy, KeyAlias, KeyStore, ProtectionPolicy, SecurityCode, SoftwareKeyStore, StoreOptions,
};
use tapid_service::entropy::{self, OsEntropy};

use super::error::{DemoError, api};
use super::passport::{self, StepUp};
use super::say::Say;

/// The app with its device key.
pub struct Device {
    client: AppClient,
    _dir: tempfile::TempDir,
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
            _dir: dir,
        })
    }

    /// Enrols the device key with the issuer's activation code.
    pub async fn enrol(&mut self, activation_code: &str, say: &Say) -> Result<(), DemoError> {
        let software = Attestation {
            kind: attestation::SOFTWARE.into(),
            data: String::new(),
        };
        self.client
            .enrol(activation_code, software)
            .await
            .map_err(api("enrol"))?;
        say.line(
            "app",
            "enrolled the device key with the activation code (software attestation)",
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
        }
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
