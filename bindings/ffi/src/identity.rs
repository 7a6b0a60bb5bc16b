//! The identity app's flows: the animated QR code, the autostart launch URL, the recommended
//! user messages, the holder match and the offline code — thin wrappers of `tapid-identity`.

use tapid_identity::autostart::{LaunchKind, LaunchUrl, Platform, Redirect, RedirectPolicy};
use tapid_identity::date::Date;
use tapid_identity::holder_match as hm;
use tapid_identity::messages::{self, CollectOutcome, Decision, MessageContext};
use tapid_identity::offline_code::{self, Challenge, OfflineKey};
use tapid_identity::order::{ErrorCode, HintCode, OrderStatus};
use tapid_identity::personal_number::PersonalNumber;
use tapid_identity::qr::QrPayload;
use tapid_mrtd::reader::VerifiedRead;

use crate::errors::IdentityError;
use crate::progress::Language;

/// A scanned animated QR code.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct QrCode {
    /// The order's QR start token.
    pub qr_start_token: String,
    /// Seconds since the order started.
    pub time: u64,
    /// The frame's authentication code (hex).
    pub qr_auth_code: String,
}

/// Parses what the camera read from an animated QR code.
#[uniffi::export]
pub fn parse_qr(payload: String) -> Result<QrCode, IdentityError> {
    let p = QrPayload::parse(&payload)?;
    Ok(QrCode {
        qr_start_token: p.qr_start_token,
        time: p.time,
        qr_auth_code: p.qr_auth_code,
    })
}

/// The platform a launch URL is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum LaunchPlatform {
    /// iPhone / iPad.
    Ios,
    /// Android.
    Android,
    /// A desktop browser.
    Desktop,
}

/// The form of a launch URL.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum LaunchUrlKind {
    /// `bankid:///`.
    Scheme,
    /// `https://app.bankid.com/`.
    UniversalLink,
}

/// A parsed autostart launch URL.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Autostart {
    /// The URL form.
    pub kind: LaunchUrlKind,
    /// The order's autostart token.
    pub autostart_token: String,
    /// Where to return afterwards; `None` for `redirect=null`.
    pub redirect: Option<String>,
}

fn policy(schemes: &[String]) -> RedirectPolicy {
    schemes
        .iter()
        .fold(RedirectPolicy::new(), |p, s| p.with_app_scheme(s))
}

/// Parses the launch URL the app was started with; a redirect must be https or one of
/// `allowed_schemes` (app schemes).
#[uniffi::export]
pub fn parse_autostart(
    url: String,
    allowed_schemes: Vec<String>,
) -> Result<Autostart, IdentityError> {
    let u = LaunchUrl::parse(&url, &policy(&allowed_schemes))?;
    Ok(Autostart {
        kind: match u.kind {
            LaunchKind::Scheme => LaunchUrlKind::Scheme,
            LaunchKind::UniversalLink => LaunchUrlKind::UniversalLink,
        },
        autostart_token: u.autostart_token,
        redirect: match u.redirect {
            Redirect::Null => None,
            Redirect::Url(r) => Some(r),
        },
    })
}

/// Builds the launch URL a relying party's page or app opens for `platform`.
#[uniffi::export]
pub fn build_autostart(
    platform: LaunchPlatform,
    autostart_token: String,
    redirect: Option<String>,
    allowed_schemes: Vec<String>,
) -> Result<String, IdentityError> {
    let platform = match platform {
        LaunchPlatform::Ios => Platform::Ios,
        LaunchPlatform::Android => Platform::Android,
        LaunchPlatform::Desktop => Platform::Desktop,
    };
    Ok(LaunchUrl::for_platform(
        platform,
        &autostart_token,
        redirect.as_deref(),
        &policy(&allowed_schemes),
    )?
    .to_string())
}

/// What the relying party knows about the flow.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Record)]
pub struct FlowContext {
    /// The user's browser or app runs on a mobile device.
    pub device_is_mobile: bool,
    /// The flow shows an animated QR code.
    pub used_qr: bool,
    /// The same error was returned before.
    pub error_repeated: bool,
}

/// What to do with a collect result.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum MessageAction {
    /// Show `text`.
    Show,
    /// An internal error: log it, show no message.
    Internal,
    /// Retry silently.
    RetrySilently,
    /// Nothing to show.
    Nothing,
}

/// The recommended user message.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct UserMessage {
    /// What to do.
    pub action: MessageAction,
    /// The message's id (`RFA1`, …) when there is one to show.
    pub id: Option<String>,
    /// Its text in the language asked for.
    pub text: Option<String>,
}

fn user_message(decision: Decision, language: Language) -> UserMessage {
    match decision {
        Decision::Show(rfa) => UserMessage {
            action: MessageAction::Show,
            id: Some(rfa.id().to_owned()),
            text: Some(rfa.text(language.into()).to_owned()),
        },
        Decision::Internal => UserMessage {
            action: MessageAction::Internal,
            id: None,
            text: None,
        },
        Decision::RetrySilently => UserMessage {
            action: MessageAction::RetrySilently,
            id: None,
            text: None,
        },
        Decision::Nothing => UserMessage {
            action: MessageAction::Nothing,
            id: None,
            text: None,
        },
    }
}

fn message_context(c: FlowContext) -> MessageContext {
    MessageContext {
        device_is_mobile: c.device_is_mobile,
        used_qr: c.used_qr,
        auto_started: !c.used_qr,
        error_repeated: c.error_repeated,
    }
}

/// The message for a collect response's `status` (`pending`, `failed`, `complete`) and
/// `hintCode`.
#[uniffi::export]
pub fn collect_message(
    status: String,
    hint_code: Option<String>,
    context: FlowContext,
    language: Language,
) -> UserMessage {
    let status = OrderStatus::from(status.as_str());
    let hint = hint_code.as_deref().map(HintCode::from);
    let decision = messages::decide(
        CollectOutcome::Status {
            status: &status,
            hint: hint.as_ref(),
        },
        message_context(context),
    );
    user_message(decision, language)
}

/// The message for an API error response's `errorCode`.
#[uniffi::export]
pub fn error_message(error_code: String, context: FlowContext, language: Language) -> UserMessage {
    let code = ErrorCode::from(error_code.as_str());
    user_message(
        messages::decide(CollectOutcome::Error(&code), message_context(context)),
        language,
    )
}

/// The identity holder as the identity service knows them (personal data).
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct IdentityHolder {
    /// Personal identity number (10 or 12 digits, `-`/`+` allowed).
    pub personal_number: String,
    /// Given names, space-separated.
    pub given_names: String,
    /// Surname.
    pub surname: String,
    /// Date of birth (`YYYY-MM-DD`), when known apart from the personal number.
    pub date_of_birth: Option<String>,
}

/// Which comparison a field check is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum MatchField {
    /// Document type and issuing state.
    Document,
    /// Validity.
    Expiry,
    /// Personal number.
    PersonalNumber,
    /// Surname.
    Surname,
    /// Given names.
    GivenNames,
    /// Date of birth.
    DateOfBirth,
}

/// A field's outcome.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum MatchOutcome {
    /// Matched.
    Match,
    /// Did not match.
    Mismatch,
    /// Not in the document, or unreadable.
    Unavailable,
}

/// One field's result (the core's reason as its code, e.g. `transliterated`).
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct FieldCheck {
    /// The field.
    pub field: MatchField,
    /// Matched or not.
    pub outcome: MatchOutcome,
    /// Why (`exact`, `transliterated`, `expired`, `notSwedish`, …).
    pub reason: String,
    /// The document data compared (`mrz`, `dg11`, `mrzAndDg11`, `none`).
    pub source: String,
}

/// The holder match.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct HolderMatch {
    /// True only if every field matched.
    pub matched: bool,
    /// Every field's result.
    pub fields: Vec<FieldCheck>,
}

fn serde_code<T: serde::Serialize>(v: &T) -> String {
    match serde_json::to_value(v) {
        Ok(serde_json::Value::String(s)) => s,
        _ => String::new(),
    }
}

/// The holder match of a verified read.
pub(crate) fn match_read(
    holder: &IdentityHolder,
    read: &VerifiedRead,
) -> Result<HolderMatch, IdentityError> {
    let today = Date::from_unix_seconds(read.report().verification.at)?;
    let holder = hm::IdentityHolder {
        personal_number: PersonalNumber::parse(holder.personal_number.trim(), today)?,
        given_names: holder.given_names.clone(),
        surname: holder.surname.clone(),
        date_of_birth: holder
            .date_of_birth
            .as_deref()
            .map(Date::parse_iso)
            .transpose()?,
    };
    let m = hm::match_holder(&holder, read)?;
    Ok(HolderMatch {
        matched: m.matched,
        fields: m
            .fields
            .iter()
            .map(|f| FieldCheck {
                field: match f.field {
                    hm::Field::Document => MatchField::Document,
                    hm::Field::Expiry => MatchField::Expiry,
                    hm::Field::PersonalNumber => MatchField::PersonalNumber,
                    hm::Field::Surname => MatchField::Surname,
                    hm::Field::GivenNames => MatchField::GivenNames,
                    hm::Field::DateOfBirth => MatchField::DateOfBirth,
                },
                outcome: match f.outcome {
                    hm::Outcome::Match => MatchOutcome::Match,
                    hm::Outcome::Mismatch => MatchOutcome::Mismatch,
                    hm::Outcome::Unavailable => MatchOutcome::Unavailable,
                },
                reason: serde_code(&f.reason),
                source: serde_code(&f.source),
            })
            .collect(),
    })
}

/// The 8-digit offline response (OCRA-1:HOTP-SHA256-8:QN08-T30S) to the code the web page
/// shows, at the device's Unix time, with the offline key in hand. Apps keep the key sealed
/// under a hardware key and use `DeviceKeys.offlineCodeResponse` instead; this form is for
/// tests and servers.
#[uniffi::export]
pub fn offline_code_response(
    key: Vec<u8>,
    challenge: String,
    unix_seconds: u64,
) -> Result<String, IdentityError> {
    let key = OfflineKey::new(&key)?;
    respond(&key, &challenge, unix_seconds)
}

/// The response with a key already unwrapped.
pub(crate) fn respond(
    key: &OfflineKey,
    challenge: &str,
    unix_seconds: u64,
) -> Result<String, IdentityError> {
    let challenge = Challenge::parse(challenge)?;
    Ok(offline_code::respond(key, &challenge, unix_seconds)?)
}
