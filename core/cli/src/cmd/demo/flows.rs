//! The demo's flows, each run to its final status through the real APIs. [`Flow`] lists them;
//! each with a passport step-up takes the mode ([`StepUp`]) it runs with as a parameter.

use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;
use tapid_identity::client::PickedUp;
use tapid_service::api::wire::{Requirement, StartRequest};

use super::app::Device;
use super::error::DemoError;
use super::issuer;
use super::passport::StepUp;
use super::report::{Completed, Ended, Outcome, Renewed};
use super::rp::{RelyingParty, Started};
use super::say::Say;
use super::service::{self, DemoService};

/// Scans of a newer QR frame when the last one was too old by the time it reached the service.
const RESCANS: usize = 2;

/// A flow of the demo.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flow {
    /// An auth order with `requirement.mrtd`, picked up by scanning the animated QR.
    QrAuth,
    /// The same-device flow: the app is launched with the order's autostart token.
    AutostartAuth,
    /// A sign order (userVisibleData) with the passport step-up.
    Sign,
    /// An auth order for the holder's personal number, pushed to the app; the phone has no
    /// network, so the user approves with the offline code the relying party verifies.
    PushOffline,
    /// A new phone renews the identity with the passport; the old phone's identity is revoked.
    Renewal,
    /// The new phone picks up a pushed auth order and approves it with its new key.
    PushAuth,
}

impl Flow {
    /// Every flow, in the order the demo runs them ([`Flow::PushAuth`] uses the phone that
    /// [`Flow::Renewal`] set up).
    pub const ALL: [Flow; 6] = [
        Flow::QrAuth,
        Flow::AutostartAuth,
        Flow::Sign,
        Flow::PushOffline,
        Flow::Renewal,
        Flow::PushAuth,
    ];

    /// The flow's name in the JSON output.
    pub fn name(self) -> &'static str {
        match self {
            Flow::QrAuth => "qr-auth",
            Flow::AutostartAuth => "autostart-auth",
            Flow::Sign => "sign",
            Flow::PushOffline => "push-offline",
            Flow::Renewal => "renewal",
            Flow::PushAuth => "push-auth",
        }
    }

    /// The heading of the flow in the human output.
    pub fn title(self) -> &'static str {
        match self {
            Flow::QrAuth => "log in with the animated QR code and the passport (relay mode)",
            Flow::AutostartAuth => "log in on the same device (autostart) with the passport",
            Flow::Sign => "sign a payment with the passport",
            Flow::PushOffline => "a pushed login approved with the offline code (no network)",
            Flow::Renewal => "renew the identity onto a new phone with the passport",
            Flow::PushAuth => "the new phone approves a pushed login",
        }
    }

    /// The step-up mode the flow runs with, when it has a passport step-up: relay mode for
    /// the QR login, evidence mode for the others (renewal has no relay mode).
    pub fn step_up(self) -> Option<StepUp> {
        match self {
            Flow::QrAuth => Some(StepUp::Relay),
            Flow::AutostartAuth | Flow::Sign | Flow::Renewal => Some(StepUp::Evidence),
            Flow::PushOffline | Flow::PushAuth => None,
        }
    }

    /// How the completion must say the user approved, when the flow is about that.
    pub fn approval_method(self) -> Option<&'static str> {
        match self {
            Flow::PushOffline => Some("offlineCode"),
            Flow::PushAuth => Some("deviceKey"),
            _ => None,
        }
    }
}

/// The parties every flow uses: the service, the relying party, the enrolled app and, after
/// the renewal, the new phone.
pub struct Setup {
    service: DemoService,
    rp: RelyingParty,
    app: Device,
    new_phone: Option<Device>,
}

impl Setup {
    /// Starts the service, issues the holder's identity and enrols the app.
    pub async fn new(say: &Say) -> Result<Self, DemoError> {
        let service = DemoService::start().await?;
        say.line(
            "service",
            &format!(
                "listening on {} (SQLite in a temporary directory, a test PKI made for this \
                 run, mutual TLS)",
                service.url()
            ),
        );
        let issued = issuer::issue(&service.client(Some(service::ISSUER))?, say).await?;
        let mut app = Device::create(service.client(None)?, say).await?;
        app.enrol(&issued.activation_code, say).await?;
        Ok(Self {
            rp: RelyingParty::new(service.client(Some(service::RP))?),
            service,
            app,
            new_phone: None,
        })
    }

    /// Stops the service.
    pub async fn stop(self) {
        self.service.stop().await;
    }
}

/// An order for the holder by personal number (pushed to the holder's phone), no step-up.
fn for_holder(user_visible: &str) -> StartRequest {
    StartRequest {
        end_user_ip: "127.0.0.1".into(),
        user_visible_data: Some(B64.encode(user_visible)),
        requirement: Some(Requirement {
            personal_number: Some(issuer::PERSONAL_NUMBER.into()),
            ..Default::default()
        }),
        ..Default::default()
    }
}

fn request(user_visible: &str) -> StartRequest {
    StartRequest {
        end_user_ip: "127.0.0.1".into(),
        user_visible_data: Some(B64.encode(user_visible)),
        requirement: Some(Requirement {
            mrtd: true,
            ..Default::default()
        }),
        ..Default::default()
    }
}

/// Runs `flow` to its final status.
pub async fn run(flow: Flow, s: &mut Setup, say: &Say) -> Outcome {
    let mode = flow.step_up().unwrap_or(StepUp::Evidence);
    let result = match flow {
        Flow::QrAuth => qr_auth(s, mode, say).await.map(Ended::Order),
        Flow::AutostartAuth => autostart_auth(s, mode, say).await.map(Ended::Order),
        Flow::Sign => sign(s, mode, say).await.map(Ended::Order),
        Flow::PushOffline => push_offline(s, say).await.map(Ended::Order),
        Flow::Renewal => renewal(s, say).await.map(Ended::Renewal),
        Flow::PushAuth => push_auth(s, say).await.map(Ended::Order),
    };
    Outcome {
        flow,
        step_up: flow.step_up(),
        result,
    }
}

async fn qr_auth(s: &Setup, mode: StepUp, say: &Say) -> Result<Completed, DemoError> {
    let started =
        s.rp.start("auth", &request("Logga in hos Webbshoppen"), say)
            .await?;
    let mut frame = s.rp.show_qr(&started, say).await?;
    // A frame that grew too old before the pickup reached the service is scanned again, as a
    // user holds the camera up a second time.
    let mut picked = s.app.pickup_qr(&frame, say).await;
    for _ in 0..RESCANS {
        match &picked {
            Err(DemoError::Api { source, .. }) if source.error_code() == Some("qrTooOld") => {
                say.line("app", "the frame was too old: scanning the current one");
                frame = started.qr_frame()?;
                picked = s.app.pickup_qr(&frame, say).await;
            }
            _ => break,
        }
    }
    finish(s, &started, &picked?, mode, say).await
}

async fn autostart_auth(s: &Setup, mode: StepUp, say: &Say) -> Result<Completed, DemoError> {
    let started =
        s.rp.start("auth", &request("Logga in hos Webbshoppen"), say)
            .await?;
    let url = started.launch_url()?;
    say.line("rp", &format!("opens the identity app: {url}"));
    let picked = s.app.pickup_autostart(&url, say).await?;
    finish(s, &started, &picked, mode, say).await
}

async fn sign(s: &Setup, mode: StepUp, say: &Say) -> Result<Completed, DemoError> {
    let started =
        s.rp.start(
            "sign",
            &request("Överför 2 500 kr till konto 5566-1234"),
            say,
        )
        .await?;
    let url = started.launch_url()?;
    let picked = s.app.pickup_autostart(&url, say).await?;
    finish(s, &started, &picked, mode, say).await
}

async fn push_offline(s: &Setup, say: &Say) -> Result<Completed, DemoError> {
    let started =
        s.rp.start(
            "auth",
            &for_holder("Godkänn inloggning hos Webbshoppen"),
            say,
        )
        .await?;
    s.app.push_for("auth", service::RP, say).await?;
    say.line(
        "app",
        "the phone loses its network before the user can approve: the user asks the web \
         page for an offline code",
    );
    let order_ref = &started.order.order_ref;
    let challenge = s.rp.offline_challenge(order_ref, say).await?;
    let response = s.app.offline_code(&challenge, say)?;
    s.rp.offline_verify(order_ref, &response, say).await?;
    collect_verified(s, &started, say).await
}

async fn renewal(s: &mut Setup, say: &Say) -> Result<Renewed, DemoError> {
    say.line(
        "app",
        "(the new phone) the holder renews the identity with the passport",
    );
    let mut phone = Device::create(s.service.client(None)?, say).await?;
    let revoked_identity = s
        .app
        .identity_id()
        .ok_or_else(|| DemoError::Unexpected("the old phone has no identity".into()))?
        .to_owned();
    let (step_up, done) = phone.renew(issuer::PERSONAL_NUMBER, say).await?;
    if done.replaces != revoked_identity {
        return Err(DemoError::Unexpected(
            "the renewal replaced another identity than the old phone's".into(),
        ));
    }
    let old_device_poll = match s.app.poll_pushes().await {
        Ok(_) => {
            return Err(DemoError::Unexpected(
                "the old phone's identity still answers its push poll".into(),
            ));
        }
        Err(e) => e.error_code().unwrap_or("none").to_owned(),
    };
    say.line(
        "app",
        &format!("(the old phone) its next push poll answers {old_device_poll}"),
    );
    let new_identity = done.identity_id.clone();
    s.new_phone = Some(phone);
    Ok(Renewed {
        step_up,
        revoked_identity,
        new_identity,
        old_device_poll,
    })
}

async fn push_auth(s: &Setup, say: &Say) -> Result<Completed, DemoError> {
    let phone = s
        .new_phone
        .as_ref()
        .ok_or_else(|| DemoError::Unexpected("no renewed phone (the renewal failed)".into()))?;
    let started =
        s.rp.start("auth", &for_holder("Logga in hos Webbshoppen"), say)
            .await?;
    let push = phone.push_for("auth", service::RP, say).await?;
    let picked = phone.pickup_push(&push, say).await?;
    s.rp.status(&started.order.order_ref, say).await?;
    phone.approve(&picked, say).await?;
    collect_verified(s, &started, say).await
}

/// Collects `started` until final and verifies the completion's signature.
async fn collect_verified(s: &Setup, started: &Started, say: &Say) -> Result<Completed, DemoError> {
    let order_ref = &started.order.order_ref;
    let collected = s.rp.collect_final(order_ref, say).await?;
    let claims = match collected.get("completionData") {
        Some(data) => Some(s.rp.verify(order_ref, data).await?),
        None => None,
    };
    Ok(Completed { collected, claims })
}

/// The picked-up order to its end: the step-up when required, the approval, the final collect
/// and the completion's signature.
async fn finish(
    s: &Setup,
    started: &Started,
    picked: &PickedUp,
    mode: StepUp,
    say: &Say,
) -> Result<Completed, DemoError> {
    let order_ref = &started.order.order_ref;
    s.rp.status(order_ref, say).await?;
    if picked.order.mrtd_required {
        let outcome = s.app.step_up(picked, mode, say).await?;
        say.line(
            "service",
            &format!(
                "{} with its own trust store and clock: mrtd {}{}",
                match mode {
                    StepUp::Evidence => "re-verified the evidence",
                    StepUp::Relay => "decided on its own read of the chip",
                },
                outcome.mrtd,
                outcome
                    .reason
                    .as_deref()
                    .map(|r| format!(" ({r})"))
                    .unwrap_or_default()
            ),
        );
        s.rp.status(order_ref, say).await?;
    }
    s.app.approve(picked, say).await?;
    collect_verified(s, started, say).await
}
