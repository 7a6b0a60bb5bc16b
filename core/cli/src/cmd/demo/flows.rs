//! The demo's flows, each run to its final status through the real APIs. [`Flow`] lists them;
//! each takes the step-up mode ([`StepUp`]) it runs with as a parameter.

use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;
use tapid_identity::client::PickedUp;
use tapid_service::api::wire::{Requirement, StartRequest};

use super::app::Device;
use super::error::DemoError;
use super::issuer;
use super::passport::StepUp;
use super::report::{Completed, Outcome};
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
    // Push approval completed with the offline code, and remote renewal, go here (with their
    // arms in `Flow::ALL`, `name`, `title` and `run`).
}

impl Flow {
    /// Every flow, in the order the demo runs them.
    pub const ALL: [Flow; 3] = [Flow::QrAuth, Flow::AutostartAuth, Flow::Sign];

    /// The flow's name in the JSON output.
    pub fn name(self) -> &'static str {
        match self {
            Flow::QrAuth => "qr-auth",
            Flow::AutostartAuth => "autostart-auth",
            Flow::Sign => "sign",
        }
    }

    /// The heading of the flow in the human output.
    pub fn title(self) -> &'static str {
        match self {
            Flow::QrAuth => "log in with the animated QR code and the passport",
            Flow::AutostartAuth => "log in on the same device (autostart) with the passport",
            Flow::Sign => "sign a payment with the passport",
        }
    }

    /// The step-up mode the flow runs with.
    pub fn step_up(self) -> StepUp {
        StepUp::Evidence
    }
}

/// The parties every flow uses: the service, the relying party and the enrolled app.
pub struct Setup {
    service: DemoService,
    rp: RelyingParty,
    app: Device,
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
        })
    }

    /// Stops the service.
    pub async fn stop(self) {
        self.service.stop().await;
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
pub async fn run(flow: Flow, s: &Setup, say: &Say) -> Outcome {
    let mode = flow.step_up();
    let result = match flow {
        Flow::QrAuth => qr_auth(s, mode, say).await,
        Flow::AutostartAuth => autostart_auth(s, mode, say).await,
        Flow::Sign => sign(s, mode, say).await,
    };
    Outcome {
        flow,
        step_up: mode,
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
                "re-verified the evidence with its own trust store and clock: mrtd {}{}",
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
    let collected = s.rp.collect_final(order_ref, say).await?;
    let claims = match collected.get("completionData") {
        Some(data) => Some(s.rp.verify(order_ref, data).await?),
        None => None,
    };
    Ok(Completed { collected, claims })
}
