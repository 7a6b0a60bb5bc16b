//! What the page shows for an order, decided by its backend from a collect answer: the status
//! and hint code, the recommended user message (RFA) in the page's language, the current QR
//! frame while no app has picked the order up, the same-device launch button once 5 s have
//! passed, and the holder's name when the order completed.

use serde::Serialize;
use tapid_identity::autostart::launch::START_BUTTON_AFTER_MS;
use tapid_identity::messages::{CollectOutcome, Decision, Lang, MessageContext, Rfa, decide};
use tapid_identity::order::{ErrorCode, HintCode, OrderStatus};
use tapid_identity::qr;

use super::qr_svg;
use super::sessions::Session;
use crate::api::error::ApiError;
use crate::clock::Millis;
use crate::order::lifecycle::Collected;

/// A user message: its RFA id and its text in the page's language.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Message {
    /// `RFA1`, `RFA9`, …
    pub id: &'static str,
    /// The text.
    pub text: &'static str,
}

impl Message {
    /// `rfa` in `lang`.
    pub fn new(rfa: Rfa, lang: Lang) -> Self {
        Self {
            id: rfa.id(),
            text: rfa.text(lang),
        }
    }

    /// The message for an error answer with `error_code` (RFA22 where the reference shows no
    /// message, so the page always has one).
    pub fn for_error(error_code: &str, lang: Lang) -> Self {
        let code = ErrorCode::from(error_code);
        let rfa = match decide(CollectOutcome::Error(&code), MessageContext::default()) {
            Decision::Show(rfa) => rfa,
            Decision::Internal | Decision::RetrySilently | Decision::Nothing => Rfa::Rfa22,
        };
        Self::new(rfa, lang)
    }
}

/// One QR frame.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct QrFrame {
    /// The frame's time: whole seconds since the order started.
    pub time: u64,
    /// The frame as an SVG image.
    pub svg: String,
}

/// The same-device button: the launch URL and its label (RFA18).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Launch {
    /// The button's label.
    pub label: &'static str,
    /// The autostart launch URL.
    pub url: String,
}

/// Who completed the order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Holder {
    /// Given names and surname, from the completion data.
    pub name: String,
}

/// The status answer of `/demo/api/status`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct View {
    /// `pending`, `failed`, `complete`, or `cancelled` (by the page).
    pub status: String,
    /// The hint code of a pending or failed order.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hint_code: Option<String>,
    /// The message to show.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<Message>,
    /// The QR frame to show now.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub qr: Option<QrFrame>,
    /// The same-device button, when due.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub launch: Option<Launch>,
    /// The holder of a completed order.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub holder: Option<Holder>,
}

/// The view of an order the page cancelled.
pub fn cancelled(lang: Lang) -> View {
    View {
        status: "cancelled".to_owned(),
        hint_code: None,
        message: Some(Message::new(Rfa::Rfa6, lang)),
        qr: None,
        launch: None,
        holder: None,
    }
}

/// The view of `collected` for `session` at `now`; `auto_started` when the page opened the
/// launch URL (the user chose this device).
pub fn of(
    collected: &Collected,
    session: &Session,
    lang: Lang,
    auto_started: bool,
    now: Millis,
) -> Result<View, ApiError> {
    let ctx = MessageContext {
        device_is_mobile: session.mobile,
        used_qr: !auto_started,
        auto_started,
        error_repeated: false,
    };
    let hint = collected.hint_code.as_ref();
    let message = match decide(
        CollectOutcome::Status {
            status: &collected.status,
            hint,
        },
        ctx,
    ) {
        Decision::Show(rfa) => Some(Message::new(rfa, lang)),
        Decision::Internal | Decision::RetrySilently | Decision::Nothing => None,
    };
    let mut view = View {
        status: collected.status.as_str().to_owned(),
        hint_code: hint.map(|h| h.as_str().to_owned()),
        message,
        qr: None,
        launch: None,
        holder: None,
    };
    match &collected.status {
        OrderStatus::Complete => {
            view.holder = collected
                .completion_data
                .as_ref()
                .and_then(|c| c.get("user")?.get("name")?.as_str())
                .map(|name| Holder {
                    name: name.to_owned(),
                });
        }
        OrderStatus::Pending
            if matches!(
                hint,
                None | Some(HintCode::OutstandingTransaction | HintCode::NoClient)
            ) =>
        {
            // No app has the order yet: the QR (the official demo shows it only then) and,
            // after 5 s, the button for this device.
            let elapsed = u64::try_from(now.saturating_sub(session.started_at)).unwrap_or(0);
            let time = elapsed / 1000;
            let frame = qr::generate(&session.qr_start_token, &session.secret, time)
                .map_err(|_| render_failed())?;
            let svg = qr_svg::render(&frame.to_string()).map_err(|_| render_failed())?;
            view.qr = Some(QrFrame { time, svg });
            if elapsed >= START_BUTTON_AFTER_MS {
                view.launch = Some(Launch {
                    label: Rfa::Rfa18.text(lang),
                    url: session.launch_url.clone(),
                });
            }
        }
        _ => {}
    }
    Ok(view)
}

fn render_failed() -> ApiError {
    ApiError::rp(ErrorCode::InternalError, "Could not render the QR code")
}
