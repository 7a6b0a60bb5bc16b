//! The crate's error type. Variants name what was wrong, never the secret or personal value
//! that was wrong (no keys, codes, personal numbers or MRZ data in messages or `Debug`).

use thiserror::Error as ThisError;

/// Result alias used throughout the crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// What kind of content a scanned QR code held when it was not a tapid/BankID order code,
/// so the app can tell the user what they actually scanned.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub enum ForeignQrKind {
    /// Nothing at all (empty or whitespace).
    Empty,
    /// A web address (`http://`, `https://`): a link, not an order.
    WebAddress,
    /// The retired static QR (`bankid:///?autostarttoken=…`), which enabled relay fraud.
    StaticAutostart,
    /// Some other URI scheme (`mailto:`, `tel:`, `WIFI:` …).
    OtherUri,
    /// Plain text or binary content.
    Text,
}

impl std::fmt::Display for ForeignQrKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Self::Empty => "it is empty",
            Self::WebAddress => "it is a web address",
            Self::StaticAutostart => {
                "it is a retired static start code; scan the moving QR code instead"
            }
            Self::OtherUri => "it is another kind of code (such as Wi-Fi, e-mail or phone)",
            Self::Text => "it contains plain text",
        })
    }
}

/// Every way an operation of this crate can fail.
#[derive(Debug, Clone, PartialEq, Eq, ThisError)]
#[non_exhaustive]
pub enum Error {
    // ---- QR ----
    /// The scanned code is not an order QR code at all.
    #[error("the scanned code is not an identification QR code: {0}")]
    QrForeign(ForeignQrKind),
    /// The payload exceeds the maximum length of an order QR code.
    #[error("QR payload is {len} bytes, more than the maximum {max}")]
    QrTooLong {
        /// Actual length in bytes.
        len: usize,
        /// Maximum accepted length.
        max: usize,
    },
    /// The payload starts like an order QR code but does not have four dot-separated parts.
    #[error("QR payload must have the form bankid.<token>.<time>.<code>")]
    QrStructure,
    /// The QR start token is not 36 characters of lowercase hex digits and dashes.
    #[error("QR start token has an invalid syntax")]
    QrToken,
    /// The time field is not a canonical decimal number in range.
    #[error(
        "QR time must be a decimal number of seconds without leading zeros (at most {max_digits} digits)"
    )]
    QrTime {
        /// Maximum number of digits accepted.
        max_digits: usize,
    },
    /// The auth code is not 64 lowercase hex digits.
    #[error("QR auth code must be 64 lowercase hexadecimal digits")]
    QrAuthCodeSyntax,
    /// The QR start token does not belong to the order being verified.
    #[error("QR code belongs to another order")]
    QrWrongOrder,
    /// The auth code does not match the order's secret at the claimed time.
    #[error("QR auth code does not match")]
    QrAuthCodeMismatch,
    /// The frame is older than the accepted window ("the QR code is too old").
    #[error(
        "the QR code is invalid because it is too old ({age_secs} s behind, at most {max_secs} s accepted)"
    )]
    QrTooOld {
        /// How many seconds the frame is behind the server's elapsed time.
        age_secs: u64,
        /// Accepted lag.
        max_secs: u64,
    },
    /// The frame claims a time ahead of the server's elapsed time beyond tolerance.
    #[error(
        "the QR code's time is {ahead_secs} s ahead of the order (at most {max_secs} s accepted)"
    )]
    QrFromFuture {
        /// Seconds ahead.
        ahead_secs: u64,
        /// Accepted lead.
        max_secs: u64,
    },
    /// The order was already picked up by a client; its QR code is no longer valid.
    #[error("the order has already been started; this QR code is no longer valid")]
    QrOrderPickedUp,
    /// The pickup window (about 30 s) has passed; the order is about to fail with `startFailed`.
    #[error("the QR code has expired; start again")]
    QrPickupWindowClosed,
    /// The QR start secret is empty or not printable ASCII.
    #[error("QR start secret must be non-empty printable ASCII")]
    QrSecret,

    // ---- autostart ----
    /// The launch URL is not a `bankid:///` or `https://app.bankid.com/` URL.
    #[error("not an autostart launch URL")]
    LaunchUrlScheme,
    /// The launch URL is malformed.
    #[error("malformed launch URL: {0}")]
    LaunchUrlSyntax(&'static str),
    /// The launch URL is too long.
    #[error("launch URL is {len} bytes, more than the maximum {max}")]
    LaunchUrlTooLong {
        /// Actual length.
        len: usize,
        /// Maximum accepted.
        max: usize,
    },
    /// A query parameter appears more than once.
    #[error("query parameter `{0}` appears more than once")]
    LaunchUrlDuplicate(&'static str),
    /// A query parameter is not one the launch URL may carry.
    #[error("unexpected query parameter in launch URL")]
    LaunchUrlUnknownParam,
    /// The autostart token is missing.
    #[error("launch URL has no autostarttoken")]
    AutostartTokenMissing,
    /// The autostart token has an invalid syntax (expected a UUID).
    #[error("autostart token must be a UUID (8-4-4-4-12 hexadecimal digits)")]
    AutostartToken,
    /// The redirect is not acceptable.
    #[error("redirect rejected: {0}")]
    Redirect(RedirectRejection),
    /// The return nonce is unknown (never issued, or already forgotten).
    #[error("return nonce is unknown")]
    ReturnNonceUnknown,
    /// The return nonce was already used once.
    #[error("return nonce was already used")]
    ReturnNonceReused,
    /// The return nonce has expired.
    #[error("return nonce has expired")]
    ReturnNonceExpired,
    /// The return came from another session than the one that started the order.
    #[error("return does not belong to the session that started the order")]
    ReturnSessionMismatch,
    /// The return URL has no nonce parameter or it has an invalid syntax.
    #[error("return URL carries no valid nonce")]
    ReturnNonceMissing,

    // ---- personal number / dates ----
    /// The personal identity number has the wrong number of digits or stray characters.
    #[error("personal identity number must be 10 or 12 digits, optionally with a - or + separator")]
    PersonalNumberFormat,
    /// The date part of the personal identity number is not a calendar date.
    #[error("personal identity number does not contain a valid date")]
    PersonalNumberDate,
    /// The Luhn check digit does not match.
    #[error("personal identity number check digit is wrong")]
    PersonalNumberChecksum,
    /// A date could not be parsed.
    #[error("invalid date: {0}")]
    Date(&'static str),

    // ---- OTP / OCRA ----
    /// The number of digits is outside what the algorithm supports.
    #[error("unsupported number of digits {0}")]
    OtpDigits(u32),
    /// The key is empty.
    #[error("OTP key must not be empty")]
    OtpKey,
    /// The time step is zero or the time is before T0.
    #[error("invalid TOTP time parameters")]
    OtpTime,
    /// The OCRA suite string is malformed.
    #[error("invalid OCRA suite: {0}")]
    OcraSuite(&'static str),
    /// An input the suite requires is missing, or one it does not use was given.
    #[error("OCRA input does not fit the suite: {0}")]
    OcraInput(&'static str),
    /// The challenge does not fit the suite's challenge format.
    #[error("challenge must be {0}")]
    Challenge(&'static str),

    // ---- offline code ----
    /// The response code is not 8 digits.
    #[error("response code must be exactly 8 digits")]
    ResponseSyntax,
    /// The response does not match within the accepted time window.
    #[error("response code is wrong or has expired")]
    ResponseMismatch,
    /// The response matches, but only for a time far from the server's clock: the device clock is off.
    #[error("the device clock is off by about {offset_secs} s; turn on automatic date and time")]
    ClockSkew {
        /// Device minus server time, in seconds (approximate, step granularity).
        offset_secs: i64,
    },
    /// The challenge was already answered successfully once.
    #[error("this code has already been used")]
    CodeReplayed,
    /// Too many wrong attempts for this challenge.
    #[error("too many attempts; request a new code")]
    TooManyAttempts,
    /// The challenge or approval request has expired.
    #[error("the request has expired; start again")]
    Expired,
    /// The challenge is unknown to the verifier.
    #[error("unknown challenge")]
    UnknownChallenge,

    // ---- approval ----
    /// The approval response refers to another request.
    #[error("approval response belongs to another request")]
    ApprovalWrongRequest,
    /// The approval request was already decided.
    #[error("approval request was already decided")]
    ApprovalAlreadyDecided,
    /// The approval signature did not verify.
    #[error("approval signature is invalid")]
    ApprovalSignature,

    // ---- platform ----
    /// An OS version string could not be parsed.
    #[error("invalid OS version")]
    OsVersion,
}

/// Why a redirect (or return URL) was rejected.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ThisError)]
#[non_exhaustive]
pub enum RedirectRejection {
    /// Empty value.
    #[error("empty")]
    Empty,
    /// Longer than allowed.
    #[error("longer than {max} characters")]
    TooLong {
        /// Maximum accepted length.
        max: usize,
    },
    /// Contains whitespace, control or non-ASCII characters.
    #[error("contains whitespace, control or non-ASCII characters")]
    Characters,
    /// A `javascript:` (or `vbscript:`) URL.
    #[error("script URLs are not allowed")]
    Script,
    /// A `data:` URL.
    #[error("data URLs are not allowed")]
    DataUrl,
    /// Plain `http:`, which can be intercepted.
    #[error("plain http is not allowed, use https")]
    InsecureHttp,
    /// A scheme that is neither https nor a registered app scheme.
    #[error("scheme is neither https nor a registered app scheme")]
    UnregisteredScheme,
    /// No scheme at all (a relative reference).
    #[error("not an absolute URL")]
    NotAbsolute,
    /// User name or password in the URL.
    #[error("credentials in URLs are not allowed")]
    Credentials,
    /// An https URL without a host.
    #[error("https URL has no host")]
    MissingHost,
    /// The host is not on the caller's allow list.
    #[error("host is not on the allow list")]
    HostNotAllowed,
}
