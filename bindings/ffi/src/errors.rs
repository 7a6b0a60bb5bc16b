//! The FFI's errors: a few UniFFI error enums, and every mapping from the core's errors to them
//! in this one module.
//!
//! Rules (they are what a reviewer checks): no field is named `message` or `cause` (both clash
//! with `Throwable` in Kotlin); no value carries a secret or personal data (MRZ, CAN, security
//! code, keys, APDU payloads, names) — the core's errors name fields and reasons only, and the
//! texts here come from them; every error a foreign trait returns converts from
//! [`uniffi::UnexpectedUniFFICallbackError`], so an exception the platform did not declare is
//! an error value, never a Rust panic.

use tapid_identity::Error as IdError;
use tapid_keystore::KeyStoreError;
use tapid_mrtd::mrz::{MrzError as CoreMrzError, MrzField};
use tapid_mrtd::reader::ReadError as CoreReadError;
use tapid_mrtd::secure_messaging::SmError;

/// What the platform's NFC transport reports (the `NfcTransport` implementation throws these).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, uniffi::Error)]
pub enum TransportError {
    /// The tag left the field (Android `TagLostException`, iOS "tag connection lost").
    #[error("the tag left the field")]
    TagLost,
    /// The tag did not answer in time.
    #[error("the tag did not answer in time")]
    Timeout,
    /// The platform refused the command (iOS: the AID is not in the app's Info.plist).
    #[error("the platform refused the command")]
    SecurityViolation,
    /// The read was cancelled (the NFC session was closed by the user or the app).
    #[error("cancelled")]
    Cancelled,
    /// Another I/O failure of the NFC stack; `detail` is the platform's description (never
    /// the APDU).
    #[error("NFC I/O failed: {detail}")]
    Io {
        /// The platform's description.
        detail: String,
    },
    /// An exception the transport did not declare.
    #[error("unexpected platform error: {reason}")]
    Unexpected {
        /// The exception's class and text.
        reason: String,
    },
}

impl From<uniffi::UnexpectedUniFFICallbackError> for TransportError {
    fn from(e: uniffi::UnexpectedUniFFICallbackError) -> Self {
        Self::Unexpected { reason: e.reason }
    }
}

/// A listener or log sink of the app failed (its error is dropped; the read goes on).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, uniffi::Error)]
pub enum CallbackError {
    /// The callback threw.
    #[error("callback failed: {reason}")]
    Failed {
        /// The exception's class and text.
        reason: String,
    },
}

impl From<uniffi::UnexpectedUniFFICallbackError> for CallbackError {
    fn from(e: uniffi::UnexpectedUniFFICallbackError) -> Self {
        Self::Failed { reason: e.reason }
    }
}

/// Which secure-messaging check a chip failed (a hostile or broken chip).
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum SmFailure {
    /// A response's MAC does not verify (a forged or replayed answer).
    BadMac,
    /// The decrypted data has broken padding.
    BadPadding,
    /// The chip answered in plaintext after secure messaging started.
    PlaintextResponse,
    /// The protected and the outer status word disagree.
    StatusMismatch,
    /// The protected data objects are malformed or missing.
    Malformed,
    /// Another secure-messaging failure.
    Other,
}

/// Why a passport read failed. Check outcomes (passive authentication, a clone, a downgrade)
/// are not errors: they are verdicts in the read's report.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, uniffi::Error)]
pub enum ReadError {
    /// The chip refused the access key: wrong MRZ data or CAN.
    #[error("access denied: the chip rejected the access key")]
    AccessDenied,
    /// The tag left the field. When `resumable`, the reader kept what was read: call `read`
    /// again with the next tap's transport and it continues.
    #[error("the tag was lost after {files_read} complete files (resumable: {resumable})")]
    TagLost {
        /// Files read completely before the loss.
        files_read: u32,
        /// Whether the reader kept a state to continue from.
        resumable: bool,
    },
    /// The tag did not answer within the APDU timeout.
    #[error("the tag did not answer in time")]
    Timeout,
    /// The read was cancelled (cancel handle, or the caller's coroutine/task).
    #[error("the read was cancelled")]
    Cancelled,
    /// The platform's transport failed otherwise.
    #[error("transport failed: {transport_error}")]
    Transport {
        /// The transport's error.
        transport_error: TransportError,
    },
    /// The chip broke secure messaging (e.g. a bad MAC: a forged or replayed answer).
    #[error("secure messaging failed: {failure:?} ({detail})")]
    SecureMessaging {
        /// Which check failed.
        failure: SmFailure,
        /// In words.
        detail: String,
    },
    /// PACE failed for a reason other than a wrong password, or the chip offers only variants
    /// this reader does not run (and BAC fallback is off).
    #[error("PACE failed: {detail}")]
    Pace {
        /// The core's reason code (`pace`, `pace_unsupported`, …).
        code: String,
        /// In words.
        detail: String,
    },
    /// A CAN was given but the chip only does BAC, which needs the MRZ.
    #[error("the chip offers no PACE; a CAN cannot open it (use the MRZ)")]
    CanNeedsPace,
    /// The chip answered a command with an error status.
    #[error("{command} failed with status {sw:04X}")]
    ChipStatus {
        /// The command.
        command: String,
        /// The status word.
        sw: u16,
    },
    /// A command needs extended-length APDUs that the chip or the transport cannot carry.
    #[error("extended length required: {detail}")]
    ExtendedLengthRequired {
        /// Which command and why.
        detail: String,
    },
    /// The chip's data or answers are malformed or violate the protocol (a broken or hostile
    /// chip): malformed or truncated files, absurd sizes, endless answers.
    #[error("the chip violated the protocol ({code}): {detail}")]
    Protocol {
        /// The core's reason code (`malformed_file`, `file_truncated`, …).
        code: String,
        /// In words (file names and sizes, never their contents).
        detail: String,
    },
    /// Something that should not happen (the runtime could not start, a bug): reported
    /// instead of a crash.
    #[error("internal error: {detail}")]
    Internal {
        /// What failed.
        detail: String,
    },
}

/// An input to an exported function is not usable (MRZ text, CAN, options, trust files,
/// evidence bytes, emulator names).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, uniffi::Error)]
pub enum InputError {
    /// MRZ text is not 3×30, 2×36 or 2×44 characters (after OCR clean-up).
    #[error("the MRZ has an unknown layout (expected TD1 3x30, TD2 2x36 or TD3 2x44)")]
    MrzLayout,
    /// A character outside `0-9 A-Z <` that no OCR repair explains.
    #[error("MRZ line {line} position {position}: character not allowed")]
    MrzCharacter {
        /// One-based line.
        line: u32,
        /// One-based column.
        position: u32,
    },
    /// A check digit does not match its field, and no single repair of the usual OCR
    /// confusions (O/0, I/1, S/5, B/8, …) makes it match.
    #[error("the MRZ check digit is wrong for the {field:?}")]
    MrzCheckDigit {
        /// The field.
        field: MrzFieldName,
    },
    /// Several repairs make the check digit match: the field cannot be read reliably.
    #[error("the MRZ {field:?} is ambiguous: scan again")]
    MrzAmbiguous {
        /// The field.
        field: MrzFieldName,
    },
    /// A date field is not a valid `YYMMDD` date.
    #[error("the MRZ {field:?} is not a valid date")]
    MrzDate {
        /// The field.
        field: MrzFieldName,
    },
    /// A typed-in field has the wrong length or characters.
    #[error("the {field:?} is malformed")]
    MrzMalformed {
        /// The field.
        field: MrzFieldName,
    },
    /// A data group number outside 1–16, or given twice.
    #[error("data group {number} cannot be requested (1-16, each once)")]
    DataGroup {
        /// The number given.
        number: i32,
    },
    /// An Active Authentication challenge that is not 8 bytes.
    #[error("the Active Authentication challenge must be 8 bytes, not {len}")]
    AaChallenge {
        /// The length given.
        len: u32,
    },
    /// A numeric option out of range.
    #[error("option {option} is out of range")]
    Option {
        /// The option's name.
        option: String,
    },
    /// A trust file (master list, certificate, CRL) cannot be used.
    #[error("trust file {source_name}: {detail}")]
    TrustFile {
        /// The name the caller gave it.
        source_name: String,
        /// Why.
        detail: String,
    },
    /// Bytes that are not an evidence bundle this build reads.
    #[error("not a usable evidence bundle: {detail}")]
    Evidence {
        /// Why.
        detail: String,
    },
    /// No emulator profile or fault of that name, or the fault does not apply to the profile.
    #[error("emulator: {detail}")]
    Emulator {
        /// Why.
        detail: String,
    },
}

/// The MRZ field an error is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, uniffi::Enum)]
pub enum MrzFieldName {
    /// Document number.
    DocumentNumber,
    /// Date of birth.
    DateOfBirth,
    /// Date of expiry.
    DateOfExpiry,
    /// Optional data / personal number.
    OptionalData,
    /// The composite check digit over the other fields.
    Composite,
    /// The card access number.
    Can,
    /// The document code and issuing state.
    DocumentCode,
    /// Nationality.
    Nationality,
    /// Sex.
    Sex,
    /// The name field.
    Name,
}

/// An identity-flow input (QR, autostart URL, personal number, offline code) is not usable.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, uniffi::Error)]
pub enum IdentityError {
    /// The scanned code is not an identification QR code at all.
    #[error("not an identification QR code: {kind:?}")]
    NotAnOrderQr {
        /// What it is instead.
        kind: ForeignQr,
    },
    /// An order QR code that is malformed or does not verify.
    #[error("QR code: {detail}")]
    Qr {
        /// Why, in words.
        detail: String,
    },
    /// An autostart launch URL, redirect or return URL that is not acceptable.
    #[error("autostart: {detail}")]
    Autostart {
        /// Why, in words.
        detail: String,
    },
    /// A personal identity number or date that does not parse.
    #[error("personal data: {detail}")]
    PersonalData {
        /// Which check failed (never the value).
        detail: String,
    },
    /// An offline code, key or challenge that is not usable.
    #[error("offline code: {detail}")]
    OfflineCode {
        /// Why.
        detail: String,
    },
    /// The response matches only at a time far from the verifier's clock.
    #[error("the device clock is off by about {offset_secs} s")]
    ClockSkew {
        /// Device minus verifier time, seconds.
        offset_secs: i64,
    },
    /// Another identity-flow failure.
    #[error("{detail}")]
    Other {
        /// Why.
        detail: String,
    },
}

/// What a scanned code holds when it is not an order QR code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum ForeignQr {
    /// Nothing.
    Empty,
    /// A web address.
    WebAddress,
    /// The retired static start code.
    StaticAutostart,
    /// Another URI scheme (Wi-Fi, e-mail, phone, …).
    OtherUri,
    /// Plain text or binary content.
    Text,
}

/// Why a device-key operation failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, uniffi::Error)]
pub enum KeyError {
    /// Wrong security code; the store takes `attempts_left` more tries.
    #[error("wrong security code ({attempts_left} attempts left)")]
    WrongSecurityCode {
        /// Tries left before the store blocks.
        attempts_left: u32,
    },
    /// Blocked after too many wrong security codes.
    #[error("the key store is blocked")]
    Blocked,
    /// The operation needs the security code.
    #[error("this operation needs the security code")]
    SecurityCodeRequired,
    /// The security code is empty or too long (not tried).
    #[error("the security code is empty or too long")]
    InvalidSecurityCode,
    /// A new security code is too short or a trivial pattern (refused before any attempt).
    #[error("the new security code is too weak: {rule}")]
    WeakSecurityCode {
        /// The rule it breaks, for the user ("too short", …).
        rule: String,
    },
    /// The system could not provide randomness; nothing was changed.
    #[error("no randomness available from the system")]
    RandomnessUnavailable,
    /// No key under this alias.
    #[error("no key under alias {alias}")]
    NotFound {
        /// The alias.
        alias: String,
    },
    /// A key under this alias exists already.
    #[error("a key under alias {alias} exists already")]
    AlreadyExists {
        /// The alias.
        alias: String,
    },
    /// The alias is not 1–64 characters of `A–Z a–z 0–9 . _ -`.
    #[error("invalid key alias")]
    InvalidAlias,
    /// No store at this location, or one exists already where a new one was to be created.
    #[error("key store location: {detail}")]
    Store {
        /// Which.
        detail: String,
    },
    /// A store file is damaged or tampered with, or sealed data does not open.
    #[error("corrupted: {detail}")]
    Corrupted {
        /// What was found.
        detail: String,
    },
    /// The store cannot enforce the requested protection policy.
    #[error("unsupported policy: {detail}")]
    UnsupportedPolicy {
        /// What it cannot do.
        detail: String,
    },
    /// A public key, signature or option given from outside is not valid.
    #[error("invalid input: {detail}")]
    InvalidInput {
        /// What.
        detail: String,
    },
    /// A signature does not verify (also: a platform store signed with another key).
    #[error("signature verification failed")]
    BadSignature,
    /// The file system failed.
    #[error("storage failed: {detail}")]
    Storage {
        /// The step and the OS error kind.
        detail: String,
    },
    /// The user dismissed the platform's prompt (biometric or device credential).
    #[error("the user cancelled")]
    UserCancelled,
    /// The platform key store (Android Keystore, Secure Enclave) failed.
    #[error("platform key store: {detail}")]
    Platform {
        /// The platform's description (no key material).
        detail: String,
    },
    /// The platform did not answer within the timeout.
    #[error("the platform key store did not answer in time")]
    Timeout,
    /// An exception the platform store did not declare.
    #[error("unexpected platform error: {reason}")]
    Unexpected {
        /// The exception's class and text.
        reason: String,
    },
    /// Something that should not happen: reported instead of a crash.
    #[error("internal error: {detail}")]
    Internal {
        /// What failed.
        detail: String,
    },
}

impl From<uniffi::UnexpectedUniFFICallbackError> for KeyError {
    fn from(e: uniffi::UnexpectedUniFFICallbackError) -> Self {
        Self::Unexpected { reason: e.reason }
    }
}

/// Why a call to the identity service failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, uniffi::Error)]
pub enum ServiceError {
    /// The service refused the request: `error_code` is its typed code (`noSuchOrder`,
    /// `alreadyPickedUp`, `stepUpNotExpected`, `relayAccessDenied`, `relayCardLost`,
    /// `stepUpFailed`, …), `status` the HTTP status, `details` its text for logs (the
    /// service puts no personal data in it).
    #[error("the service answered {status} {error_code}")]
    Refused {
        /// HTTP status.
        status: u16,
        /// The service's `errorCode`.
        error_code: String,
        /// The service's `details`.
        details: String,
    },
    /// The service URL is not `https://host:port`.
    #[error("the service URL must be https://host:port")]
    InvalidUrl,
    /// The CA certificate is neither PEM nor one DER certificate.
    #[error("the CA certificate is neither PEM nor DER")]
    InvalidCertificate,
    /// TLS failed: setup, the handshake, or the server's certificate does not chain to the CA.
    #[error("TLS: {detail}")]
    Tls {
        /// What failed.
        detail: String,
    },
    /// The connection failed, or the service did not answer in time.
    #[error("connection: {detail}")]
    Connection {
        /// What failed (an I/O error kind, never a request body).
        detail: String,
    },
    /// The service's answer is not what its API says.
    #[error("the service's answer does not decode")]
    UnexpectedAnswer,
    /// The device key refused (wrong security code, cancelled prompt, missing key, …).
    #[error("device key: {key_error}")]
    Key {
        /// The key store's error.
        key_error: KeyError,
    },
    /// No identity enrolled in this client: `enrol` or `use_identity` first.
    #[error("no identity enrolled in this client")]
    NotEnrolled,
    /// The NFC link failed before the relay could start.
    #[error("transport failed: {transport_error}")]
    Transport {
        /// The transport's error.
        transport_error: TransportError,
    },
    /// The relay was cancelled (cancel handle, or the caller's coroutine/task).
    #[error("cancelled")]
    Cancelled,
    /// An argument is not usable (an order record that was not the service's).
    #[error("invalid input: {detail}")]
    InvalidInput {
        /// What.
        detail: String,
    },
    /// Something that should not happen: reported instead of a crash.
    #[error("internal error: {detail}")]
    Internal {
        /// What failed.
        detail: String,
    },
}

impl From<KeyError> for ServiceError {
    fn from(key_error: KeyError) -> Self {
        Self::Key { key_error }
    }
}

impl From<tapid_identity::client::ClientError> for ServiceError {
    fn from(e: tapid_identity::client::ClientError) -> Self {
        use tapid_identity::client::ClientError as C;
        match e {
            C::Api {
                status,
                error_code,
                details,
            } => Self::Refused {
                status,
                error_code,
                details,
            },
            C::Url => Self::InvalidUrl,
            C::Certificate => Self::InvalidCertificate,
            C::Tls(detail) => Self::Tls { detail },
            C::Transport(detail) => Self::Connection { detail },
            C::Decode => Self::UnexpectedAnswer,
            C::KeyStore(k) => Self::Key {
                key_error: KeyError::from(k),
            },
            C::NotEnrolled => Self::NotEnrolled,
            // The client's enum may grow.
            other => Self::Internal {
                detail: other.to_string(),
            },
        }
    }
}

/// Why a measurement of the feature `testing` ([`crate::bench`]) could not run or finish.
#[cfg(feature = "testing")]
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, uniffi::Error)]
pub enum BenchError {
    /// An argument outside the range the measurement accepts.
    #[error("{argument} must be within {min}..={max}")]
    OutOfRange {
        /// The argument's name.
        argument: String,
        /// The smallest value accepted.
        min: u32,
        /// The largest value accepted.
        max: u32,
    },
    /// The transport failed a round trip.
    #[error("round trip {round_trip} failed: {transport_error}")]
    Transport {
        /// Which round trip (1-based; 0: asking for the capabilities before the first).
        round_trip: u32,
        /// The transport's error.
        transport_error: TransportError,
    },
    /// The transport's answer was not the expected response (its length and status word only
    /// are compared, and named).
    #[error("round trip {round_trip}: {len} bytes ending in {sw:04X}, not the expected answer")]
    Response {
        /// Which round trip (1-based).
        round_trip: u32,
        /// The answer's length in bytes.
        len: u32,
        /// Its last two bytes (0 when shorter).
        sw: u16,
    },
    /// The measurement was cancelled (the caller's coroutine or task).
    #[error("cancelled")]
    Cancelled,
    /// Something that should not happen (the runtime could not start): reported instead of a
    /// crash.
    #[error("internal error: {detail}")]
    Internal {
        /// What failed.
        detail: String,
    },
}

// ---- the mappings ----

impl From<MrzField> for MrzFieldName {
    fn from(f: MrzField) -> Self {
        match f {
            MrzField::DocumentNumber => Self::DocumentNumber,
            MrzField::DateOfBirth => Self::DateOfBirth,
            MrzField::DateOfExpiry => Self::DateOfExpiry,
            MrzField::OptionalData => Self::OptionalData,
            MrzField::Composite => Self::Composite,
            MrzField::Can => Self::Can,
        }
    }
}

/// The clamped `u32` of a count.
pub(crate) fn count(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

impl From<CoreMrzError> for InputError {
    fn from(e: CoreMrzError) -> Self {
        match e {
            CoreMrzError::UnknownLayout => Self::MrzLayout,
            CoreMrzError::InvalidCharacter { line, position } => Self::MrzCharacter {
                line: count(line),
                position: count(position),
            },
            CoreMrzError::CheckDigit(f) => Self::MrzCheckDigit { field: f.into() },
            CoreMrzError::InvalidDate(f) => Self::MrzDate { field: f.into() },
            CoreMrzError::Malformed(f) => Self::MrzMalformed { field: f.into() },
            // The core's enum may grow; a new variant is still a malformed MRZ.
            _ => Self::MrzLayout,
        }
    }
}

impl From<tapid_mrtd::pa::PaError> for InputError {
    fn from(e: tapid_mrtd::pa::PaError) -> Self {
        Self::TrustFile {
            source_name: String::new(),
            detail: e.to_string(),
        }
    }
}

impl From<tapid_mrtd::reader::EvidenceError> for InputError {
    fn from(e: tapid_mrtd::reader::EvidenceError) -> Self {
        Self::Evidence {
            detail: e.to_string(),
        }
    }
}

fn sm_failure(e: &SmError) -> SmFailure {
    match e {
        SmError::BadMac => SmFailure::BadMac,
        SmError::BadPadding | SmError::PaddingIndicator => SmFailure::BadPadding,
        SmError::PlaintextResponse => SmFailure::PlaintextResponse,
        SmError::StatusMismatch => SmFailure::StatusMismatch,
        SmError::Malformed(_) | SmError::MissingObject(_) | SmError::UnexpectedObject(_) => {
            SmFailure::Malformed
        }
        _ => SmFailure::Other,
    }
}

/// The FFI error of a failed read. `cancelled` says whether the caller cancelled (a transport
/// failure after a cancel is the cancel); `resumable` whether the reader kept the progress of
/// a lost link.
pub(crate) fn read_error(e: &CoreReadError, cancelled: bool, resumable: bool) -> ReadError {
    use tapid_card::TransportError as Link;
    if cancelled {
        return ReadError::Cancelled;
    }
    let code = e.code().to_owned();
    match e {
        CoreReadError::AccessDenied => ReadError::AccessDenied,
        CoreReadError::LinkLost { progress } => ReadError::TagLost {
            files_read: count(progress.files.len()),
            resumable,
        },
        CoreReadError::Transport(Link::LinkLost | Link::NoCard) => ReadError::TagLost {
            files_read: 0,
            resumable: false,
        },
        CoreReadError::Transport(Link::Timeout) => ReadError::Timeout,
        CoreReadError::Transport(other) => ReadError::Transport {
            transport_error: TransportError::Io {
                detail: other.to_string(),
            },
        },
        CoreReadError::SecureMessaging(sm) => ReadError::SecureMessaging {
            failure: sm_failure(sm),
            detail: sm.to_string(),
        },
        CoreReadError::Pace(_)
        | CoreReadError::PaceUnsupported
        | CoreReadError::ExplicitPaceParametersRefused
        | CoreReadError::PaceParametersRejected(_) => ReadError::Pace {
            code,
            detail: e.to_string(),
        },
        CoreReadError::CanNeedsPace => ReadError::CanNeedsPace,
        CoreReadError::Chip { command, sw } => ReadError::ChipStatus {
            command: (*command).to_owned(),
            sw: sw.0,
        },
        CoreReadError::ExtendedLengthRequired { .. } => ReadError::ExtendedLengthRequired {
            detail: e.to_string(),
        },
        _ => ReadError::Protocol {
            code,
            detail: e.to_string(),
        },
    }
}

impl From<IdError> for IdentityError {
    fn from(e: IdError) -> Self {
        use tapid_identity::error::ForeignQrKind as K;
        let detail = e.to_string();
        match e {
            IdError::QrForeign(kind) => Self::NotAnOrderQr {
                kind: match kind {
                    K::Empty => ForeignQr::Empty,
                    K::WebAddress => ForeignQr::WebAddress,
                    K::StaticAutostart => ForeignQr::StaticAutostart,
                    K::OtherUri => ForeignQr::OtherUri,
                    _ => ForeignQr::Text,
                },
            },
            IdError::QrTooLong { .. }
            | IdError::QrStructure
            | IdError::QrToken
            | IdError::QrTime { .. }
            | IdError::QrAuthCodeSyntax
            | IdError::QrWrongOrder
            | IdError::QrAuthCodeMismatch
            | IdError::QrTooOld { .. }
            | IdError::QrFromFuture { .. }
            | IdError::QrOrderPickedUp
            | IdError::QrPickupWindowClosed
            | IdError::QrSecret => Self::Qr { detail },
            IdError::LaunchUrlScheme
            | IdError::LaunchUrlSyntax(_)
            | IdError::LaunchUrlTooLong { .. }
            | IdError::LaunchUrlDuplicate(_)
            | IdError::LaunchUrlUnknownParam
            | IdError::AutostartTokenMissing
            | IdError::AutostartToken
            | IdError::Redirect(_)
            | IdError::ReturnNonceUnknown
            | IdError::ReturnNonceReused
            | IdError::ReturnNonceExpired
            | IdError::ReturnSessionMismatch
            | IdError::ReturnNonceMissing => Self::Autostart { detail },
            IdError::PersonalNumberFormat
            | IdError::PersonalNumberDate
            | IdError::PersonalNumberChecksum
            | IdError::Date(_) => Self::PersonalData { detail },
            IdError::ClockSkew { offset_secs } => Self::ClockSkew { offset_secs },
            IdError::OtpDigits(_)
            | IdError::OtpKey
            | IdError::OtpTime
            | IdError::OcraSuite(_)
            | IdError::OcraInput(_)
            | IdError::Challenge(_)
            | IdError::ResponseSyntax
            | IdError::ResponseMismatch
            | IdError::CodeReplayed
            | IdError::TooManyAttempts
            | IdError::Expired
            | IdError::UnknownChallenge => Self::OfflineCode { detail },
            _ => Self::Other { detail },
        }
    }
}

impl From<KeyStoreError> for KeyError {
    fn from(e: KeyStoreError) -> Self {
        let detail = e.to_string();
        match e {
            KeyStoreError::WrongSecurityCode { attempts_left } => {
                Self::WrongSecurityCode { attempts_left }
            }
            KeyStoreError::Blocked => Self::Blocked,
            KeyStoreError::SecurityCodeRequired => Self::SecurityCodeRequired,
            KeyStoreError::InvalidSecurityCode { .. } => Self::InvalidSecurityCode,
            KeyStoreError::WeakSecurityCode { reason } => Self::WeakSecurityCode {
                rule: reason.to_owned(),
            },
            KeyStoreError::RandomnessUnavailable => Self::RandomnessUnavailable,
            KeyStoreError::NotFound { alias } => Self::NotFound { alias },
            KeyStoreError::AlreadyExists { alias } => Self::AlreadyExists { alias },
            KeyStoreError::InvalidAlias => Self::InvalidAlias,
            KeyStoreError::StoreNotFound | KeyStoreError::StoreExists => Self::Store { detail },
            KeyStoreError::Corrupted(_) => Self::Corrupted { detail },
            KeyStoreError::UnsupportedPolicy { .. } => Self::UnsupportedPolicy { detail },
            KeyStoreError::InvalidOptions { .. }
            | KeyStoreError::InvalidEncoding { .. }
            | KeyStoreError::StoreFull { .. }
            | KeyStoreError::CredentialTooLarge { .. } => Self::InvalidInput { detail },
            KeyStoreError::BadSignature => Self::BadSignature,
            KeyStoreError::Io { .. } => Self::Storage { detail },
            KeyStoreError::Platform { message } => Self::Platform { detail: message },
            _ => Self::Internal { detail },
        }
    }
}

/// Turns the FFI's key error back into the core's, for the platform store adapter (the core's
/// `KeyStore` trait speaks `KeyStoreError`).
pub(crate) fn to_core_key_error(e: KeyError) -> KeyStoreError {
    match e {
        KeyError::WrongSecurityCode { attempts_left } => {
            KeyStoreError::WrongSecurityCode { attempts_left }
        }
        KeyError::Blocked => KeyStoreError::Blocked,
        KeyError::SecurityCodeRequired => KeyStoreError::SecurityCodeRequired,
        KeyError::NotFound { alias } => KeyStoreError::NotFound { alias },
        KeyError::AlreadyExists { alias } => KeyStoreError::AlreadyExists { alias },
        KeyError::InvalidAlias => KeyStoreError::InvalidAlias,
        KeyError::BadSignature => KeyStoreError::BadSignature,
        other => KeyStoreError::Platform {
            message: other.to_string(),
        },
    }
}

/// The key error carried through the core's `KeyStoreError::Platform` back to its FFI form.
pub(crate) fn from_core_key_error(e: KeyStoreError) -> KeyError {
    KeyError::from(e)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mrz_errors_name_the_field() {
        assert_eq!(
            InputError::from(CoreMrzError::CheckDigit(MrzField::DateOfBirth)),
            InputError::MrzCheckDigit {
                field: MrzFieldName::DateOfBirth
            }
        );
    }

    #[test]
    fn a_cancelled_read_is_cancelled_whatever_the_transport_said() {
        let e = CoreReadError::Transport(tapid_card::TransportError::Reader("x".into()));
        assert_eq!(read_error(&e, true, false), ReadError::Cancelled);
        assert!(matches!(
            read_error(&e, false, false),
            ReadError::Transport { .. }
        ));
    }

    #[test]
    fn a_service_refusal_keeps_its_code_and_a_key_error_its_type() {
        use tapid_identity::client::ClientError;
        let refused = ServiceError::from(ClientError::Api {
            status: 409,
            error_code: "alreadyPickedUp".into(),
            details: "Another app picked the order up".into(),
        });
        assert!(matches!(
            refused,
            ServiceError::Refused { status: 409, ref error_code, .. } if error_code == "alreadyPickedUp"
        ));
        assert_eq!(
            ServiceError::from(ClientError::KeyStore(KeyStoreError::WrongSecurityCode {
                attempts_left: 2
            })),
            ServiceError::Key {
                key_error: KeyError::WrongSecurityCode { attempts_left: 2 }
            }
        );
        assert_eq!(
            ServiceError::from(ClientError::NotEnrolled),
            ServiceError::NotEnrolled
        );
    }

    #[test]
    fn bad_mac_is_typed() {
        let e = CoreReadError::SecureMessaging(SmError::BadMac);
        assert!(matches!(
            read_error(&e, false, false),
            ReadError::SecureMessaging {
                failure: SmFailure::BadMac,
                ..
            }
        ));
    }
}
