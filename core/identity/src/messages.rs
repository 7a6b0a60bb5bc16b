//! The recommended user messages RFA1–RFA23 in Swedish and English (reference §4.1) and the
//! decision function that picks one for a collect result or an API error (reference §4.3).

use std::fmt;
use std::str::FromStr;

use crate::order::{ErrorCode, HintCode, OrderStatus};

/// The language of user-facing texts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    /// Swedish (the default, as for BankID).
    #[default]
    Sv,
    /// English.
    En,
}

impl FromStr for Lang {
    type Err = UnknownLang;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "sv" => Ok(Self::Sv),
            "en" => Ok(Self::En),
            _ => Err(UnknownLang),
        }
    }
}

/// A language code other than `sv` or `en`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("language must be sv or en")]
pub struct UnknownLang;

/// A recommended user message. RFA7, RFA10, RFA11 and RFA12 are not defined.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Rfa {
    /// Start your app (QR or not auto-started).
    Rfa1,
    /// The app is not installed.
    Rfa2,
    /// Cancelled because a new order arrived; try again.
    Rfa3,
    /// An order for this personal number is already in progress.
    Rfa4,
    /// Internal error; try again.
    Rfa5,
    /// Cancelled by the user.
    Rfa6,
    /// The app is not responding (order expired).
    Rfa8,
    /// Enter your security code.
    Rfa9,
    /// Trying to start the app (auto-started).
    Rfa13,
    /// Searching for an ID, computer, legacy flow without autostart.
    Rfa14A,
    /// Searching for an ID, mobile, legacy flow without autostart.
    Rfa14B,
    /// Searching for an ID, computer, autostart.
    Rfa15A,
    /// Searching for an ID, mobile, autostart.
    Rfa15B,
    /// The ID is blocked or too old.
    Rfa16,
    /// The app could not be found (start failed without QR).
    Rfa17A,
    /// Failed to scan the QR code (start failed with QR).
    Rfa17B,
    /// Label of the button that starts the app.
    Rfa18,
    /// Device choice on a computer.
    Rfa19,
    /// Device choice on a mobile device.
    Rfa20,
    /// Identification or signing in progress (unknown pending hint).
    Rfa21,
    /// Unknown error.
    Rfa22,
    /// Scan your passport or ID card.
    Rfa23,
}

impl Rfa {
    /// Every defined message, in order.
    pub const ALL: [Rfa; 22] = [
        Self::Rfa1,
        Self::Rfa2,
        Self::Rfa3,
        Self::Rfa4,
        Self::Rfa5,
        Self::Rfa6,
        Self::Rfa8,
        Self::Rfa9,
        Self::Rfa13,
        Self::Rfa14A,
        Self::Rfa14B,
        Self::Rfa15A,
        Self::Rfa15B,
        Self::Rfa16,
        Self::Rfa17A,
        Self::Rfa17B,
        Self::Rfa18,
        Self::Rfa19,
        Self::Rfa20,
        Self::Rfa21,
        Self::Rfa22,
        Self::Rfa23,
    ];

    /// The identifier as BankID writes it (`RFA17B`).
    pub fn id(self) -> &'static str {
        match self {
            Self::Rfa1 => "RFA1",
            Self::Rfa2 => "RFA2",
            Self::Rfa3 => "RFA3",
            Self::Rfa4 => "RFA4",
            Self::Rfa5 => "RFA5",
            Self::Rfa6 => "RFA6",
            Self::Rfa8 => "RFA8",
            Self::Rfa9 => "RFA9",
            Self::Rfa13 => "RFA13",
            Self::Rfa14A => "RFA14A",
            Self::Rfa14B => "RFA14B",
            Self::Rfa15A => "RFA15A",
            Self::Rfa15B => "RFA15B",
            Self::Rfa16 => "RFA16",
            Self::Rfa17A => "RFA17A",
            Self::Rfa17B => "RFA17B",
            Self::Rfa18 => "RFA18",
            Self::Rfa19 => "RFA19",
            Self::Rfa20 => "RFA20",
            Self::Rfa21 => "RFA21",
            Self::Rfa22 => "RFA22",
            Self::Rfa23 => "RFA23",
        }
    }

    /// The text in the given language.
    pub fn text(self, lang: Lang) -> &'static str {
        let (sv, en) = self.texts();
        match lang {
            Lang::Sv => sv,
            Lang::En => en,
        }
    }

    fn texts(self) -> (&'static str, &'static str) {
        match self {
            Self::Rfa1 => ("Starta BankID-appen.", "Start your BankID app."),
            Self::Rfa2 => (
                "Du har inte BankID-appen installerad. Kontakta din bank.",
                "The BankID app is not installed. Please contact your bank.",
            ),
            Self::Rfa3 => (
                "Åtgärden avbruten. Försök igen.",
                "Action cancelled. Please try again.",
            ),
            Self::Rfa4 => (
                "En identifiering eller underskrift för det här personnumret är redan påbörjad. Försök igen.",
                "An identification or signing for this personal number is already started. Please try again.",
            ),
            Self::Rfa5 => (
                "Internt tekniskt fel. Försök igen.",
                "Internal error. Please try again.",
            ),
            Self::Rfa6 => ("Åtgärden avbruten.", "Action cancelled."),
            Self::Rfa8 => (
                "BankID-appen svarar inte. Kontrollera att den är startad och att du har internetanslutning. Om du inte har något giltigt BankID kan du skaffa ett hos din bank. Försök sedan igen.",
                "The BankID app is not responding. Please check that it’s started and that you have internet access. If you don’t have a valid BankID you can get one from your bank. Try again.",
            ),
            Self::Rfa9 => (
                "Skriv in din säkerhetskod i BankID-appen och välj Identifiera eller Skriv under.",
                "Enter your security code in the BankID app and select Identify or Sign.",
            ),
            Self::Rfa13 => (
                "Försöker starta BankID-appen.",
                "Trying to start your BankID app.",
            ),
            Self::Rfa14A => (
                "Söker efter BankID, det kan ta en liten stund … Om det har gått några sekunder och inget BankID har hittats har du sannolikt inget BankID som går att använda för den aktuella identifieringen/underskriften i den här datorn. Om du har ett BankID-kort, sätt in det i kortläsaren. Om du inte har något BankID kan du skaffa ett hos din bank. Om du har ett BankID på en annan enhet kan du starta din BankID-app där.",
                "Searching for BankID, it may take a little while … If a few seconds have passed and still no BankID has been found, you probably don’t have a BankID which can be used for this identification/signing on this computer. If you have a BankID card, please insert it into your card reader. If you don’t have a BankID you can get one from your bank. If you have a BankID on another device you can start the BankID app on that device.",
            ),
            Self::Rfa14B => (
                "Söker efter BankID, det kan ta en liten stund … Om det har gått några sekunder och inget BankID har hittats har du sannolikt inget BankID som går att använda för den aktuella identifieringen/underskriften i den här enheten. Om du inte har något BankID kan du skaffa ett hos din bank. Om du har ett BankID på en annan enhet kan du starta din BankID-app där.",
                "Searching for BankID, it may take a little while … If a few seconds have passed and still no BankID has been found, you probably don’t have a BankID which can be used for this identification/signing on this device. If you don’t have a BankID you can get one from your bank. If you have a BankID on another device you can start the BankID app on that device.",
            ),
            Self::Rfa15A => (
                "Söker efter BankID, det kan ta en liten stund … Om det har gått några sekunder och inget BankID har hittats har du sannolikt inget BankID som går att använda för den aktuella identifieringen/underskriften i den här datorn. Om du har ett BankID-kort, sätt in det i kortläsaren. Om du inte har något BankID kan du skaffa ett hos din bank.",
                "Searching for BankID:s, it may take a little while … If a few seconds have passed and still no BankID has been found, you probably don’t have a BankID which can be used for this identification/signing on this computer. If you have a BankID card, please insert it into your card reader. If you don’t have a BankID you can get one from your bank.",
            ),
            Self::Rfa15B => (
                "Söker efter BankID, det kan ta en liten stund … Om det har gått några sekunder och inget BankID har hittats har du sannolikt inget BankID som går att använda för den aktuella identifieringen/underskriften i den här enheten. Om du inte har något BankID kan du skaffa ett hos din bank.",
                "Searching for BankID, it may take a little while … If a few seconds have passed and still no BankID has been found, you probably don’t have a BankID which can be used for this identification/signing on this device. If you don’t have a BankID you can get one from your bank.",
            ),
            Self::Rfa16 => (
                "Det BankID du försöker använda är för gammalt eller spärrat. Använd ett annat BankID eller skaffa ett nytt hos din bank.",
                "The BankID you are trying to use is blocked or too old. Please use another BankID or get a new one from your bank.",
            ),
            Self::Rfa17A => (
                "BankID-appen verkar inte finnas i din dator eller mobil. Installera den och skaffa ett BankID hos din bank. Installera appen från din appbutik eller https://install.bankid.com",
                "The BankID app couldn’t be found on your computer or mobile device. Please install it and get a BankID from your bank. Install the app from your app store or https://install.bankid.com",
            ),
            Self::Rfa17B => (
                "Misslyckades att läsa av QR-koden. Starta BankID-appen och läs av QR-koden. Kontrollera att BankID-appen är uppdaterad. Om du inte har BankID-appen måste du installera den och skaffa ett BankID hos din bank. Installera appen från din appbutik eller https://install.bankid.com",
                "Failed to scan the QR code. Start the BankID app and scan the QR code. Check that the BankID app is up to date. If you don't have the BankID app, you need to install it and get a BankID from your bank. Install the app from your app store or https://install.bankid.com",
            ),
            Self::Rfa18 => ("Starta BankID-appen", "Start the BankID app"),
            Self::Rfa19 => (
                "Vill du identifiera dig eller skriva under med BankID på den här datorn eller med ett Mobilt BankID?",
                "Would you like to identify yourself or sign with a BankID on this computer, or with a Mobile BankID?",
            ),
            Self::Rfa20 => (
                "Vill du identifiera dig eller skriva under med ett BankID på den här enheten eller med ett BankID på en annan enhet?",
                "Do you want to identify yourself or sign with a BankID on this device or with a BankID on another device?",
            ),
            Self::Rfa21 => (
                "Identifiering eller underskrift pågår.",
                "Identification or signing in progress.",
            ),
            Self::Rfa22 => (
                "Okänt fel. Försök igen.",
                "Unknown error. Please try again.",
            ),
            Self::Rfa23 => (
                "Fotografera och läs av din ID-handling med BankID-appen.",
                "Process your machine-readable travel document using the BankID app.",
            ),
        }
    }
}

impl fmt::Display for Rfa {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}

impl serde::Serialize for Rfa {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.id())
    }
}

/// What the relying party knows about the flow when it picks a message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct MessageContext {
    /// The user's browser or app runs on a mobile device.
    pub device_is_mobile: bool,
    /// The flow shows an animated QR code (another device).
    pub used_qr: bool,
    /// The relying party tried to start the app automatically (same device).
    pub auto_started: bool,
    /// The same error was already returned before (for `maintenance`).
    pub error_repeated: bool,
}

/// What a collect call or an API call produced.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CollectOutcome<'a> {
    /// A collect response's status and hint code.
    Status {
        /// The order status.
        status: &'a OrderStatus,
        /// The hint code, if any.
        hint: Option<&'a HintCode>,
    },
    /// An HTTP error response's error code.
    Error(&'a ErrorCode),
}

/// The decision: which message, if any, to show.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase", tag = "action", content = "rfa")]
pub enum Decision {
    /// Show this message.
    Show(Rfa),
    /// An internal error of the relying party: log it, show no BankID message.
    Internal,
    /// Retry without telling the user (first `maintenance`).
    RetrySilently,
    /// Nothing to show (the order is complete).
    Nothing,
}

/// The reference's decision function (§4.3); the first matching rule wins.
pub fn decide(outcome: CollectOutcome<'_>, ctx: MessageContext) -> Decision {
    match outcome {
        CollectOutcome::Error(code) => decide_error(code, ctx),
        CollectOutcome::Status {
            status: OrderStatus::Complete,
            ..
        } => Decision::Nothing,
        CollectOutcome::Status {
            status: OrderStatus::Failed,
            hint,
        } => Decision::Show(match hint {
            Some(HintCode::UserCancel) => Rfa::Rfa6,
            Some(HintCode::Cancelled) => Rfa::Rfa3,
            Some(HintCode::ExpiredTransaction) => Rfa::Rfa8,
            Some(HintCode::CertificateErr) => Rfa::Rfa16,
            Some(HintCode::StartFailed) if ctx.used_qr => Rfa::Rfa17B,
            Some(HintCode::StartFailed) => Rfa::Rfa17A,
            _ => Rfa::Rfa22,
        }),
        // Pending, and statuses this version does not know (BankID keeps the order open).
        CollectOutcome::Status { hint, .. } => Decision::Show(match hint {
            Some(HintCode::OutstandingTransaction) if ctx.auto_started => Rfa::Rfa13,
            Some(HintCode::OutstandingTransaction | HintCode::NoClient) => Rfa::Rfa1,
            Some(HintCode::Started) if ctx.device_is_mobile => Rfa::Rfa15B,
            Some(HintCode::Started) => Rfa::Rfa15A,
            Some(HintCode::UserSign) => Rfa::Rfa9,
            Some(HintCode::UserMrtd) => Rfa::Rfa23,
            _ => Rfa::Rfa21,
        }),
    }
}

fn decide_error(code: &ErrorCode, ctx: MessageContext) -> Decision {
    match code {
        ErrorCode::AlreadyInProgress => Decision::Show(Rfa::Rfa4),
        ErrorCode::RequestTimeout | ErrorCode::InternalError | ErrorCode::TooManyRequests => {
            Decision::Show(Rfa::Rfa5)
        }
        ErrorCode::Maintenance if ctx.error_repeated => Decision::Show(Rfa::Rfa5),
        ErrorCode::Maintenance => Decision::RetrySilently,
        ErrorCode::InvalidParameters
        | ErrorCode::Unauthorized
        | ErrorCode::NotFound
        | ErrorCode::MethodNotAllowed
        | ErrorCode::UnsupportedMediaType => Decision::Internal,
        _ => Decision::Show(Rfa::Rfa22),
    }
}

/// The message for a start button (RFA18), for integrators who render the button themselves.
pub fn start_button_label(lang: Lang) -> &'static str {
    Rfa::Rfa18.text(lang)
}

#[cfg(test)]
mod tests;
