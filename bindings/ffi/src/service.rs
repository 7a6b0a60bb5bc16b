//! The app's client of tapid's identity service: [`ServiceClient`] wraps the core's
//! `AppClient` (HTTPS with rustls, every step signed with the device key of a
//! [`DeviceKeys`]) — enrol with the issuer's activation code, pick up an order by its QR frame
//! or autostart token, run its passport step-up in relay mode (the service reads the chip
//! itself over APDUs this call carries between it and the platform's [`NfcTransport`]),
//! approve or decline, and renew remotely with a new key.
//!
//! Every call runs on the FFI's runtime and is aborted when the caller goes away (a cancelled
//! Kotlin coroutine); a relay also takes a [`CancelHandle`] (Swift). The offline code's OCRA
//! secret never reaches the app in the clear: enrolment and renewal seal it with the device
//! keys at once and hand back the sealed bytes (for `DeviceKeys.offline_code_response`).

use std::sync::atomic::AtomicU64;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;
use tapid_identity::client::{self, AppClient, Https, PickedUp, RenewalStarted};
use tapid_identity::service_api::{
    self as api, Attestation, PickupResponse, RelayAccessKey, RenewalStartResponse,
};
use tapid_keystore::{KeyAlias, SecurityCode};
use tapid_mrtd::mrz::AccessKey as CoreAccessKey;
use zeroize::Zeroizing;

use crate::errors::{KeyError, ServiceError};
use crate::keys::{DeviceKeys, KeyAttestation};
use crate::mrz::AccessKey;
use crate::progress::Delivery;
use crate::reader::{CancelHandle, DEFAULT_APDU_TIMEOUT_MS};
use crate::runtime::{self, Cancellation};
use crate::transport::{Adapter, NfcTransport};

/// What an enrolment (or a completed renewal) gave this device.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Enrolment {
    /// The identity the device now acts for (keep it: `use_identity` after a restart).
    pub identity_id: String,
    /// The identity a renewal replaced (now revoked); `None` for an enrolment.
    pub replaces: Option<String>,
    /// The offline code's OCRA secret, sealed with the device keys (`DeviceKeys.seal` under
    /// the seal alias given): pass it to `DeviceKeys.offline_code_response`.
    pub sealed_offline_key: Vec<u8>,
    /// The OCRA suite of the offline codes.
    pub ocra_suite: String,
}

/// An order this app picked up: what to show the user, and what the later calls need.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct ServiceOrder {
    /// The app's session token for the order (the later calls carry it).
    pub app_token: String,
    /// `auth` or `sign`.
    pub kind: String,
    /// The relying party's display name.
    pub relying_party: String,
    /// `userVisibleData` as received (base64): what an approval signs.
    pub user_visible_data: Option<String>,
    /// `userVisibleData` decoded, when it is UTF-8 text: what to show.
    pub user_visible_text: Option<String>,
    /// `userVisibleDataFormat` (`simpleMarkdownV1` or none).
    pub user_visible_data_format: Option<String>,
    /// Whether the passport step-up is required before approving.
    pub mrtd_required: bool,
    /// The order's challenge (32 bytes).
    pub challenge: Vec<u8>,
    /// The Active Authentication challenge for the chip (8 bytes), when a step-up is required.
    pub aa_challenge: Option<Vec<u8>>,
}

/// A renewal this app started with a new device key.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct RenewalOrder {
    /// The renewal's session token.
    pub app_token: String,
    /// The renewal's challenge (32 bytes).
    pub challenge: Vec<u8>,
    /// The Active Authentication challenge for the chip (8 bytes).
    pub aa_challenge: Vec<u8>,
    /// When the renewal expires (Unix seconds).
    pub expires_at: i64,
}

/// The service's step-up verdict.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct StepUpOutcome {
    /// Whether the passport check passed (what `completionData.stepUp.mrtd` will say).
    pub mrtd: bool,
    /// Why not, as the service's code (`holderMismatch`, `documentExpired`, `chipInvalid`,
    /// `passiveAuthenticationInvalid`, …).
    pub reason: Option<String>,
}

/// How far the service's own read of the chip got, after each relayed command.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct RelayProgress {
    /// Commands relayed so far.
    pub exchanges: u32,
    /// The file being read (`EF.SOD`, `DG1`, …) or the access protocol being run.
    pub step: Option<String>,
    /// Bytes of that file read so far.
    pub done: u64,
    /// That file's size (0 while unknown).
    pub total: u64,
}

/// Receives a relay's progress; implemented by the app. Each call is awaited (bounded) before
/// the next event is delivered, apart from the relay: a slow listener never holds it up.
#[uniffi::export(foreign)]
#[async_trait::async_trait]
pub trait RelayListener: Send + Sync {
    /// One event. Throwing is allowed (the error is dropped; the relay goes on).
    async fn on_relay_progress(
        &self,
        progress: RelayProgress,
    ) -> Result<(), crate::errors::CallbackError>;
}

/// The device key a client signs with.
#[derive(Clone)]
struct Device {
    keys: Arc<DeviceKeys>,
    alias: KeyAlias,
    security_code: Option<Zeroizing<String>>,
    identity_id: Option<String>,
}

impl Device {
    fn code(&self) -> Result<Option<SecurityCode>, KeyError> {
        self.security_code
            .as_ref()
            .map(|c| SecurityCode::new(c.as_str().to_owned()))
            .transpose()
            .map_err(KeyError::from)
    }

    /// The core's client over `http` for this device (run on the FFI's runtime).
    async fn client(&self, http: &Https) -> Result<AppClient, ServiceError> {
        let store = self.keys.key_store().await?;
        let mut c = AppClient::new(http.clone(), store, self.alias.clone(), self.code()?);
        if let Some(id) = &self.identity_id {
            c.set_identity(id);
        }
        Ok(c)
    }

    /// Seals the OCRA secret (hex, as the service sent it) under `seal_alias`.
    async fn seal_offline_key(
        &self,
        seal_alias: String,
        ocra_secret_hex: &str,
    ) -> Result<Vec<u8>, ServiceError> {
        let secret = Zeroizing::new(
            hex::decode(ocra_secret_hex).map_err(|_| ServiceError::UnexpectedAnswer)?,
        );
        let code = self.security_code.as_ref().map(|c| c.as_str().to_owned());
        Ok(self.keys.seal(seal_alias, secret.to_vec(), code).await?)
    }
}

/// The attestation the service records for a key: the platform's, or `software`.
fn attestation_of(a: Option<KeyAttestation>) -> Attestation {
    match a {
        None => Attestation {
            kind: api::attestation::SOFTWARE.into(),
            data: String::new(),
        },
        // DER certificates are self-delimiting: the chain goes as their concatenation.
        Some(KeyAttestation::AndroidKeystore { certificate_chain }) => Attestation {
            kind: api::attestation::ANDROID.into(),
            data: B64.encode(certificate_chain.concat()),
        },
        Some(KeyAttestation::AppleAppAttest {
            attestation_object, ..
        }) => Attestation {
            kind: api::attestation::APPLE.into(),
            data: B64.encode(attestation_object),
        },
    }
}

fn order_of(p: PickedUp) -> ServiceOrder {
    let text = p
        .order
        .user_visible_data
        .as_deref()
        .and_then(|d| B64.decode(d).ok())
        .and_then(|b| String::from_utf8(b).ok());
    ServiceOrder {
        app_token: p.order.app_token,
        kind: p.order.kind,
        relying_party: p.order.relying_party,
        user_visible_data: p.order.user_visible_data,
        user_visible_text: text,
        user_visible_data_format: p.order.user_visible_data_format,
        mrtd_required: p.order.mrtd_required,
        challenge: p.challenge,
        aa_challenge: p.aa_challenge.map(|c| c.to_vec()),
    }
}

fn invalid(detail: &str) -> ServiceError {
    ServiceError::InvalidInput {
        detail: detail.to_owned(),
    }
}

fn picked_of(o: ServiceOrder) -> Result<PickedUp, ServiceError> {
    let aa_challenge = o
        .aa_challenge
        .map(|c| <[u8; 8]>::try_from(c.as_slice()))
        .transpose()
        .map_err(|_| invalid("the order's Active Authentication challenge is not 8 bytes"))?;
    Ok(PickedUp {
        order: PickupResponse {
            app_token: o.app_token,
            kind: o.kind,
            relying_party: o.relying_party,
            user_visible_data: o.user_visible_data,
            user_visible_data_format: o.user_visible_data_format,
            challenge: B64.encode(&o.challenge),
            mrtd_required: o.mrtd_required,
            aa_challenge: aa_challenge.map(hex::encode),
        },
        challenge: o.challenge,
        aa_challenge,
    })
}

fn renewal_of(r: RenewalStarted) -> RenewalOrder {
    RenewalOrder {
        app_token: r.response.app_token,
        challenge: r.challenge,
        aa_challenge: r.aa_challenge.to_vec(),
        expires_at: r.response.expires_at,
    }
}

fn started_of(r: RenewalOrder) -> Result<RenewalStarted, ServiceError> {
    let aa_challenge = <[u8; 8]>::try_from(r.aa_challenge.as_slice())
        .map_err(|_| invalid("the renewal's Active Authentication challenge is not 8 bytes"))?;
    Ok(RenewalStarted {
        response: RenewalStartResponse {
            app_token: r.app_token,
            challenge: B64.encode(&r.challenge),
            aa_challenge: hex::encode(aa_challenge),
            expires_at: r.expires_at,
        },
        challenge: r.challenge,
        aa_challenge,
    })
}

fn relay_key(key: &AccessKey) -> RelayAccessKey {
    match &key.inner {
        CoreAccessKey::Mrz(m) => RelayAccessKey::Mrz {
            document_number: m.document_number().to_owned(),
            date_of_birth: m.date_of_birth().to_owned(),
            date_of_expiry: m.date_of_expiry().to_owned(),
        },
        CoreAccessKey::Can(c) => RelayAccessKey::Can {
            can: c.as_str().to_owned(),
        },
    }
}

fn outcome_of(o: api::StepUpOutcome) -> StepUpOutcome {
    StepUpOutcome {
        mrtd: o.mrtd,
        reason: o.reason,
    }
}

/// Runs `work` on the FFI's runtime under `cancellation` (raised when the caller goes away);
/// a raised cancellation ends it with [`ServiceError::Cancelled`].
async fn on_runtime<T: Send + 'static>(
    cancellation: Arc<Cancellation>,
    work: impl std::future::Future<Output = Result<T, ServiceError>> + Send + 'static,
) -> Result<T, ServiceError> {
    let watched = cancellation.clone();
    let guarded = async move {
        tokio::select! {
            biased;
            () = watched.cancelled() => Err(ServiceError::Cancelled),
            r = work => r,
        }
    };
    let task = runtime::spawn(cancellation, guarded).map_err(|_| ServiceError::Internal {
        detail: "the runtime could not start".into(),
    })?;
    match task.await {
        Ok(r) => r,
        Err(e) if e.is_cancelled() => Err(ServiceError::Cancelled),
        Err(_) => Err(ServiceError::Internal {
            detail: "the service call failed unexpectedly (a bug in tapid)".into(),
        }),
    }
}

/// One relay's work: the core client relays the service's commands over the platform's
/// transport (bounded per APDU, stopped by the cancellation) and reports progress.
struct Relay {
    client: AppClient,
    key: RelayAccessKey,
    transport: Arc<dyn NfcTransport>,
    listener: Option<Arc<dyn RelayListener>>,
    cancellation: Arc<Cancellation>,
}

/// Which step-up a relay is for.
enum RelayFor {
    Order(PickedUp),
    Renewal(RenewalStarted),
}

impl Relay {
    async fn run(self, what: RelayFor) -> Result<StepUpOutcome, ServiceError> {
        let timeout = Duration::from_millis(u64::from(DEFAULT_APDU_TIMEOUT_MS));
        let mut adapter = Adapter::open(
            self.transport,
            timeout,
            self.cancellation.clone(),
            Arc::new(AtomicU64::new(0)),
        )
        .await
        .map_err(|transport_error| ServiceError::Transport { transport_error })?;
        let delivery = Delivery::start_with(self.listener.map(|l| {
            move |p: RelayProgress| {
                let l = l.clone();
                async move { l.on_relay_progress(p).await }
            }
        }));
        let mut progress = |p: &api::RelayProgress| {
            delivery.send(RelayProgress {
                exchanges: p.exchanges,
                step: p.step.clone(),
                done: p.done,
                total: p.total,
            });
        };
        let outcome = match &what {
            RelayFor::Order(picked) => {
                self.client
                    .relay_read(picked, &self.key, &mut adapter, &mut progress)
                    .await
            }
            RelayFor::Renewal(started) => {
                self.client
                    .relay_renewal(started, &self.key, &mut adapter, &mut progress)
                    .await
            }
        };
        delivery.finish().await;
        if self.cancellation.is_cancelled() {
            return Err(ServiceError::Cancelled);
        }
        Ok(outcome_of(outcome?))
    }
}

/// The app's client of one identity service. Construct it with the service's URL and CA
/// certificate; `enrol` (or `use_identity`) binds it to a device key, which signs every later
/// step.
#[derive(uniffi::Object)]
pub struct ServiceClient {
    http: Https,
    device: Mutex<Option<Device>>,
}

impl std::fmt::Debug for ServiceClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "ServiceClient({:?})", self.http)
    }
}

impl ServiceClient {
    fn device(&self) -> Result<Device, ServiceError> {
        self.lock().clone().ok_or(ServiceError::NotEnrolled)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Option<Device>> {
        self.device
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn set_device(&self, device: Device) {
        *self.lock() = Some(device);
    }
}

fn new_device(
    keys: Arc<DeviceKeys>,
    key_alias: String,
    security_code: Option<String>,
    identity_id: Option<String>,
) -> Result<Device, ServiceError> {
    Ok(Device {
        keys,
        alias: KeyAlias::new(&key_alias).map_err(KeyError::from)?,
        security_code: security_code.map(Zeroizing::new),
        identity_id,
    })
}

#[uniffi::export]
impl ServiceClient {
    /// A client of the service at `base_url` (`https://host:port`), trusting the server
    /// certificates `ca_certificate` (PEM, one or more, or one DER certificate) issued.
    #[uniffi::constructor]
    pub fn new(base_url: String, ca_certificate: Vec<u8>) -> Result<Arc<Self>, ServiceError> {
        let roots = client::certificates(&ca_certificate)?;
        let http = Https::anonymous(&base_url, &roots)?;
        Ok(Arc::new(Self {
            http,
            device: Mutex::new(None),
        }))
    }

    /// The identity this client acts for, once enrolled.
    pub fn identity_id(&self) -> Option<String> {
        self.lock().as_ref().and_then(|d| d.identity_id.clone())
    }

    /// Acts for an identity enrolled earlier (after a restart): its id, and the device key
    /// `key_alias` in `keys` (with the security code when the key needs it).
    pub fn use_identity(
        &self,
        identity_id: String,
        keys: Arc<DeviceKeys>,
        key_alias: String,
        security_code: Option<String>,
    ) -> Result<(), ServiceError> {
        self.set_device(new_device(
            keys,
            key_alias,
            security_code,
            Some(identity_id),
        )?);
        Ok(())
    }

    /// Enrols the device key `key_alias` of `keys` with the issuer's one-time
    /// `activation_code`, sending `attestation` (the key's, from `DeviceKeys.generate`; `None`:
    /// a software key). The OCRA secret comes back sealed under `seal_alias` (`None`: the
    /// device key's alias, which is what the software store seals with). From now on this
    /// client acts for the new identity.
    pub async fn enrol(
        &self,
        activation_code: String,
        keys: Arc<DeviceKeys>,
        key_alias: String,
        security_code: Option<String>,
        attestation: Option<KeyAttestation>,
        seal_alias: Option<String>,
    ) -> Result<Enrolment, ServiceError> {
        let seal_alias = seal_alias.unwrap_or_else(|| key_alias.clone());
        let device = new_device(keys, key_alias, security_code, None)?;
        let http = self.http.clone();
        let work_device = device.clone();
        let (identity_id, enrolment) = on_runtime(Cancellation::new(), async move {
            let mut client = work_device.client(&http).await?;
            let done = client
                .enrol(&activation_code, attestation_of(attestation))
                .await?;
            let sealed = work_device
                .seal_offline_key(seal_alias, &done.ocra_secret)
                .await?;
            Ok((
                done.identity_id.clone(),
                Enrolment {
                    identity_id: done.identity_id,
                    replaces: None,
                    sealed_offline_key: sealed,
                    ocra_suite: done.ocra_suite,
                },
            ))
        })
        .await?;
        self.set_device(Device {
            identity_id: Some(identity_id),
            ..device
        });
        Ok(enrolment)
    }

    /// Picks up the order of a scanned animated QR frame.
    pub async fn pickup_qr(&self, payload: String) -> Result<ServiceOrder, ServiceError> {
        let (device, http) = (self.device()?, self.http.clone());
        on_runtime(Cancellation::new(), async move {
            let client = device.client(&http).await?;
            Ok(order_of(client.pickup_qr(&payload).await?))
        })
        .await
    }

    /// Picks up the order of an autostart token (the app was launched by the relying party).
    pub async fn pickup_autostart(&self, token: String) -> Result<ServiceOrder, ServiceError> {
        let (device, http) = (self.device()?, self.http.clone());
        on_runtime(Cancellation::new(), async move {
            let client = device.client(&http).await?;
            Ok(order_of(client.pickup_autostart(&token).await?))
        })
        .await
    }

    /// Runs the order's passport step-up in relay mode: the service reads the chip behind
    /// `transport` itself, opening it with `key` (the MRZ or CAN the app scanned or the user
    /// typed), and this call relays each command to the chip and its answer back. `listener`
    /// sees the service's progress; `cancel` (or cancelling the coroutine) stops the relay
    /// before its next APDU. Returns the service's verdict; a chip that leaves the field ends
    /// in `Refused` with `relayCardLost`.
    pub async fn relay_step_up(
        &self,
        order: ServiceOrder,
        key: Arc<AccessKey>,
        transport: Arc<dyn NfcTransport>,
        listener: Option<Arc<dyn RelayListener>>,
        cancel: Option<Arc<CancelHandle>>,
    ) -> Result<StepUpOutcome, ServiceError> {
        let picked = picked_of(order)?;
        self.relay(RelayFor::Order(picked), &key, transport, listener, cancel)
            .await
    }

    /// Approves the order (after its step-up, when it requires one): signs its challenge and
    /// the user-visible data shown. Returns the order's status (`complete`).
    pub async fn approve(&self, order: ServiceOrder) -> Result<String, ServiceError> {
        let (device, http) = (self.device()?, self.http.clone());
        let picked = picked_of(order)?;
        on_runtime(Cancellation::new(), async move {
            let client = device.client(&http).await?;
            Ok(client.approve(&picked).await?.status)
        })
        .await
    }

    /// Declines the order (the user cancels). Returns the order's status (`failed`).
    pub async fn decline(&self, order: ServiceOrder) -> Result<String, ServiceError> {
        let (device, http) = (self.device()?, self.http.clone());
        let picked = picked_of(order)?;
        on_runtime(Cancellation::new(), async move {
            let client = device.client(&http).await?;
            Ok(client.decline(&picked).await?.status)
        })
        .await
    }

    /// Starts replacing the identity of `personal_number` with the new device key
    /// `key_alias` of `keys` (remote renewal); from now on this client signs with that key.
    /// Then `relay_renewal` with the holder's passport, then `complete_renewal`.
    pub async fn start_renewal(
        &self,
        personal_number: String,
        keys: Arc<DeviceKeys>,
        key_alias: String,
        security_code: Option<String>,
        attestation: Option<KeyAttestation>,
    ) -> Result<RenewalOrder, ServiceError> {
        let device = new_device(keys, key_alias, security_code, None)?;
        let (work_device, http) = (device.clone(), self.http.clone());
        let started = on_runtime(Cancellation::new(), async move {
            let client = work_device.client(&http).await?;
            Ok(renewal_of(
                client
                    .start_renewal(&personal_number, attestation_of(attestation))
                    .await?,
            ))
        })
        .await?;
        self.set_device(device);
        Ok(started)
    }

    /// The renewal's passport step-up in relay mode, as `relay_step_up` does an order's: the
    /// service matches the read against the holder of the identity being replaced.
    pub async fn relay_renewal(
        &self,
        renewal: RenewalOrder,
        key: Arc<AccessKey>,
        transport: Arc<dyn NfcTransport>,
        listener: Option<Arc<dyn RelayListener>>,
        cancel: Option<Arc<CancelHandle>>,
    ) -> Result<StepUpOutcome, ServiceError> {
        let started = started_of(renewal)?;
        self.relay(
            RelayFor::Renewal(started),
            &key,
            transport,
            listener,
            cancel,
        )
        .await
    }

    /// Completes the renewal: the service revokes the old identity and creates the new one,
    /// which this client acts for from now on. The new OCRA secret comes back sealed under
    /// `seal_alias` (`None`: the device key's alias).
    pub async fn complete_renewal(
        &self,
        renewal: RenewalOrder,
        seal_alias: Option<String>,
    ) -> Result<Enrolment, ServiceError> {
        let device = self.device()?;
        let seal_alias = seal_alias.unwrap_or_else(|| device.alias.as_str().to_owned());
        let started = started_of(renewal)?;
        let (work_device, http) = (device.clone(), self.http.clone());
        let enrolment = on_runtime(Cancellation::new(), async move {
            let mut client = work_device.client(&http).await?;
            let done = client.renew(&started).await?;
            let sealed = work_device
                .seal_offline_key(seal_alias, &done.ocra_secret)
                .await?;
            Ok(Enrolment {
                identity_id: done.identity_id,
                replaces: Some(done.replaces),
                sealed_offline_key: sealed,
                ocra_suite: done.ocra_suite,
            })
        })
        .await?;
        self.set_device(Device {
            identity_id: Some(enrolment.identity_id.clone()),
            ..device
        });
        Ok(enrolment)
    }
}

impl ServiceClient {
    async fn relay(
        &self,
        what: RelayFor,
        key: &AccessKey,
        transport: Arc<dyn NfcTransport>,
        listener: Option<Arc<dyn RelayListener>>,
        cancel: Option<Arc<CancelHandle>>,
    ) -> Result<StepUpOutcome, ServiceError> {
        let (device, http) = (self.device()?, self.http.clone());
        let key = relay_key(key);
        let cancellation = cancel.map_or_else(Cancellation::new, |c| c.cancellation.clone());
        let relay_cancellation = cancellation.clone();
        on_runtime(cancellation, async move {
            let relay = Relay {
                client: device.client(&http).await?,
                key,
                transport,
                listener,
                cancellation: relay_cancellation,
            };
            relay.run(what).await
        })
        .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_order_survives_the_record_and_back() {
        let picked = PickedUp {
            order: PickupResponse {
                app_token: "t".into(),
                kind: "sign".into(),
                relying_party: "Webbshoppen AB".into(),
                user_visible_data: Some(B64.encode("Överför 10 kr")),
                user_visible_data_format: None,
                challenge: B64.encode([7u8; 32]),
                mrtd_required: true,
                aa_challenge: Some(hex::encode([1, 2, 3, 4, 5, 6, 7, 8])),
            },
            challenge: vec![7; 32],
            aa_challenge: Some([1, 2, 3, 4, 5, 6, 7, 8]),
        };
        let record = order_of(picked.clone());
        assert_eq!(record.user_visible_text.as_deref(), Some("Överför 10 kr"));
        assert_eq!(picked_of(record).unwrap(), picked);
    }

    #[test]
    fn a_short_aa_challenge_is_refused() {
        let order = ServiceOrder {
            app_token: "t".into(),
            kind: "auth".into(),
            relying_party: "x".into(),
            user_visible_data: None,
            user_visible_text: None,
            user_visible_data_format: None,
            mrtd_required: true,
            challenge: vec![0; 32],
            aa_challenge: Some(vec![1, 2]),
        };
        assert!(matches!(
            picked_of(order),
            Err(ServiceError::InvalidInput { .. })
        ));
    }

    #[test]
    fn a_ca_that_is_not_a_certificate_is_refused() {
        let pem = b"-----BEGIN CERTIFICATE-----\nnot base64!\n-----END CERTIFICATE-----\n";
        assert_eq!(
            ServiceClient::new("https://127.0.0.1:1".into(), pem.to_vec()).unwrap_err(),
            ServiceError::InvalidCertificate
        );
    }
}
