//! Tests of the RFA table and of the decision function, in both languages.

use super::*;

/// The reference's table (§4.1): id, Swedish, English.
const REFERENCE: [(&str, &str, &str); 22] = [
    ("RFA1", "Starta BankID-appen.", "Start your BankID app."),
    (
        "RFA2",
        "Du har inte BankID-appen installerad. Kontakta din bank.",
        "The BankID app is not installed. Please contact your bank.",
    ),
    (
        "RFA3",
        "Åtgärden avbruten. Försök igen.",
        "Action cancelled. Please try again.",
    ),
    (
        "RFA4",
        "En identifiering eller underskrift för det här personnumret är redan påbörjad. Försök igen.",
        "An identification or signing for this personal number is already started. Please try again.",
    ),
    (
        "RFA5",
        "Internt tekniskt fel. Försök igen.",
        "Internal error. Please try again.",
    ),
    ("RFA6", "Åtgärden avbruten.", "Action cancelled."),
    (
        "RFA8",
        "BankID-appen svarar inte. Kontrollera att den är startad och att du har internetanslutning. Om du inte har något giltigt BankID kan du skaffa ett hos din bank. Försök sedan igen.",
        "The BankID app is not responding. Please check that it’s started and that you have internet access. If you don’t have a valid BankID you can get one from your bank. Try again.",
    ),
    (
        "RFA9",
        "Skriv in din säkerhetskod i BankID-appen och välj Identifiera eller Skriv under.",
        "Enter your security code in the BankID app and select Identify or Sign.",
    ),
    (
        "RFA13",
        "Försöker starta BankID-appen.",
        "Trying to start your BankID app.",
    ),
    (
        "RFA14A",
        "Söker efter BankID, det kan ta en liten stund … Om det har gått några sekunder och inget BankID har hittats har du sannolikt inget BankID som går att använda för den aktuella identifieringen/underskriften i den här datorn. Om du har ett BankID-kort, sätt in det i kortläsaren. Om du inte har något BankID kan du skaffa ett hos din bank. Om du har ett BankID på en annan enhet kan du starta din BankID-app där.",
        "Searching for BankID, it may take a little while … If a few seconds have passed and still no BankID has been found, you probably don’t have a BankID which can be used for this identification/signing on this computer. If you have a BankID card, please insert it into your card reader. If you don’t have a BankID you can get one from your bank. If you have a BankID on another device you can start the BankID app on that device.",
    ),
    (
        "RFA14B",
        "Söker efter BankID, det kan ta en liten stund … Om det har gått några sekunder och inget BankID har hittats har du sannolikt inget BankID som går att använda för den aktuella identifieringen/underskriften i den här enheten. Om du inte har något BankID kan du skaffa ett hos din bank. Om du har ett BankID på en annan enhet kan du starta din BankID-app där.",
        "Searching for BankID, it may take a little while … If a few seconds have passed and still no BankID has been found, you probably don’t have a BankID which can be used for this identification/signing on this device. If you don’t have a BankID you can get one from your bank. If you have a BankID on another device you can start the BankID app on that device.",
    ),
    (
        "RFA15A",
        "Söker efter BankID, det kan ta en liten stund … Om det har gått några sekunder och inget BankID har hittats har du sannolikt inget BankID som går att använda för den aktuella identifieringen/underskriften i den här datorn. Om du har ett BankID-kort, sätt in det i kortläsaren. Om du inte har något BankID kan du skaffa ett hos din bank.",
        "Searching for BankID:s, it may take a little while … If a few seconds have passed and still no BankID has been found, you probably don’t have a BankID which can be used for this identification/signing on this computer. If you have a BankID card, please insert it into your card reader. If you don’t have a BankID you can get one from your bank.",
    ),
    (
        "RFA15B",
        "Söker efter BankID, det kan ta en liten stund … Om det har gått några sekunder och inget BankID har hittats har du sannolikt inget BankID som går att använda för den aktuella identifieringen/underskriften i den här enheten. Om du inte har något BankID kan du skaffa ett hos din bank.",
        "Searching for BankID, it may take a little while … If a few seconds have passed and still no BankID has been found, you probably don’t have a BankID which can be used for this identification/signing on this device. If you don’t have a BankID you can get one from your bank.",
    ),
    (
        "RFA16",
        "Det BankID du försöker använda är för gammalt eller spärrat. Använd ett annat BankID eller skaffa ett nytt hos din bank.",
        "The BankID you are trying to use is blocked or too old. Please use another BankID or get a new one from your bank.",
    ),
    (
        "RFA17A",
        "BankID-appen verkar inte finnas i din dator eller mobil. Installera den och skaffa ett BankID hos din bank. Installera appen från din appbutik eller https://install.bankid.com",
        "The BankID app couldn’t be found on your computer or mobile device. Please install it and get a BankID from your bank. Install the app from your app store or https://install.bankid.com",
    ),
    (
        "RFA17B",
        "Misslyckades att läsa av QR-koden. Starta BankID-appen och läs av QR-koden. Kontrollera att BankID-appen är uppdaterad. Om du inte har BankID-appen måste du installera den och skaffa ett BankID hos din bank. Installera appen från din appbutik eller https://install.bankid.com",
        "Failed to scan the QR code. Start the BankID app and scan the QR code. Check that the BankID app is up to date. If you don't have the BankID app, you need to install it and get a BankID from your bank. Install the app from your app store or https://install.bankid.com",
    ),
    ("RFA18", "Starta BankID-appen", "Start the BankID app"),
    (
        "RFA19",
        "Vill du identifiera dig eller skriva under med BankID på den här datorn eller med ett Mobilt BankID?",
        "Would you like to identify yourself or sign with a BankID on this computer, or with a Mobile BankID?",
    ),
    (
        "RFA20",
        "Vill du identifiera dig eller skriva under med ett BankID på den här enheten eller med ett BankID på en annan enhet?",
        "Do you want to identify yourself or sign with a BankID on this device or with a BankID on another device?",
    ),
    (
        "RFA21",
        "Identifiering eller underskrift pågår.",
        "Identification or signing in progress.",
    ),
    (
        "RFA22",
        "Okänt fel. Försök igen.",
        "Unknown error. Please try again.",
    ),
    (
        "RFA23",
        "Fotografera och läs av din ID-handling med BankID-appen.",
        "Process your machine-readable travel document using the BankID app.",
    ),
];

fn text_of(id: &str, lang: Lang) -> &'static str {
    let row = REFERENCE.iter().find(|r| r.0 == id).unwrap();
    match lang {
        Lang::Sv => row.1,
        Lang::En => row.2,
    }
}

#[test]
fn every_message_in_both_languages() {
    assert_eq!(Rfa::ALL.len(), REFERENCE.len());
    for (rfa, (id, sv, en)) in Rfa::ALL.iter().zip(REFERENCE.iter()) {
        assert_eq!(rfa.id(), *id);
        assert_eq!(rfa.text(Lang::Sv), *sv, "{id} sv");
        assert_eq!(rfa.text(Lang::En), *en, "{id} en");
        assert_ne!(
            rfa.text(Lang::Sv),
            rfa.text(Lang::En),
            "{id} must be translated"
        );
        assert_eq!(serde_json::to_string(rfa).unwrap(), format!("\"{id}\""));
    }
    assert_eq!(start_button_label(Lang::Sv), "Starta BankID-appen");
    assert_eq!(start_button_label(Lang::En), "Start the BankID app");
}

fn ctx(mobile: bool, qr: bool, auto: bool) -> MessageContext {
    MessageContext {
        device_is_mobile: mobile,
        used_qr: qr,
        auto_started: auto,
        error_repeated: false,
    }
}

fn status(s: &str, h: Option<&str>, c: MessageContext) -> Decision {
    let status = OrderStatus::from(s);
    let hint = h.map(HintCode::from);
    decide(
        CollectOutcome::Status {
            status: &status,
            hint: hint.as_ref(),
        },
        c,
    )
}

fn error(e: &str, c: MessageContext) -> Decision {
    decide(CollectOutcome::Error(&ErrorCode::from(e)), c)
}

/// Every rule of §4.3 with the message it selects, checked with its Swedish and English text.
#[test]
fn selection_follows_the_decision_function() {
    let qr = ctx(false, true, false);
    let auto_desktop = ctx(false, false, true);
    let auto_mobile = ctx(true, false, true);
    let cases: Vec<(Decision, &str)> = vec![
        (
            status("pending", Some("outstandingTransaction"), auto_mobile),
            "RFA13",
        ),
        (
            status("pending", Some("outstandingTransaction"), qr),
            "RFA1",
        ),
        (status("pending", Some("noClient"), qr), "RFA1"),
        (status("pending", Some("noClient"), auto_mobile), "RFA1"),
        (status("pending", Some("started"), auto_mobile), "RFA15B"),
        (status("pending", Some("started"), auto_desktop), "RFA15A"),
        (status("pending", Some("userSign"), qr), "RFA9"),
        (status("pending", Some("userMrtd"), qr), "RFA23"),
        (status("pending", Some("userCallConfirm"), qr), "RFA21"),
        (status("pending", Some("processing"), qr), "RFA21"),
        (status("pending", Some("someFutureHint"), qr), "RFA21"),
        (status("pending", None, qr), "RFA21"),
        (status("someFutureStatus", Some("userSign"), qr), "RFA9"),
        (status("failed", Some("userCancel"), qr), "RFA6"),
        (status("failed", Some("cancelled"), qr), "RFA3"),
        (status("failed", Some("expiredTransaction"), qr), "RFA8"),
        (status("failed", Some("certificateErr"), qr), "RFA16"),
        (status("failed", Some("startFailed"), qr), "RFA17B"),
        (status("failed", Some("startFailed"), auto_mobile), "RFA17A"),
        (status("failed", Some("userDeclinedCall"), qr), "RFA22"),
        (status("failed", Some("notSupportedByUserApp"), qr), "RFA22"),
        (
            status("failed", Some("transactionRiskBlocked"), qr),
            "RFA22",
        ),
        (status("failed", Some("someFutureFailure"), qr), "RFA22"),
        (status("failed", None, qr), "RFA22"),
        (error("alreadyInProgress", qr), "RFA4"),
        (error("requestTimeout", qr), "RFA5"),
        (error("internalError", qr), "RFA5"),
        (error("tooManyRequests", qr), "RFA5"),
        (
            error(
                "maintenance",
                MessageContext {
                    error_repeated: true,
                    ..qr
                },
            ),
            "RFA5",
        ),
        (error("verificationFailed", qr), "RFA22"),
        (error("someFutureError", qr), "RFA22"),
    ];
    for (decision, id) in cases {
        let Decision::Show(rfa) = decision else {
            panic!("expected {id}, got {decision:?}")
        };
        assert_eq!(rfa.id(), id);
        assert_eq!(rfa.text(Lang::Sv), text_of(id, Lang::Sv));
        assert_eq!(rfa.text(Lang::En), text_of(id, Lang::En));
    }
    // Spot-check wording end to end in both languages.
    let Decision::Show(m) = status("pending", Some("userMrtd"), qr) else {
        panic!()
    };
    assert_eq!(
        m.text(Lang::Sv),
        "Fotografera och läs av din ID-handling med BankID-appen."
    );
    assert_eq!(
        m.text(Lang::En),
        "Process your machine-readable travel document using the BankID app."
    );
}

#[test]
fn non_message_decisions() {
    let c = ctx(false, true, false);
    assert_eq!(status("complete", None, c), Decision::Nothing);
    assert_eq!(error("maintenance", c), Decision::RetrySilently);
    for internal in [
        "invalidParameters",
        "unauthorized",
        "notFound",
        "methodNotAllowed",
        "unsupportedMediaType",
    ] {
        assert_eq!(error(internal, c), Decision::Internal, "{internal}");
    }
    assert_eq!(
        serde_json::to_string(&Decision::Show(Rfa::Rfa9)).unwrap(),
        r#"{"action":"show","rfa":"RFA9"}"#
    );
    assert_eq!(
        serde_json::to_string(&Decision::Internal).unwrap(),
        r#"{"action":"internal"}"#
    );
}

#[test]
fn language_codes() {
    assert_eq!("sv".parse::<Lang>(), Ok(Lang::Sv));
    assert_eq!("en".parse::<Lang>(), Ok(Lang::En));
    assert_eq!("de".parse::<Lang>(), Err(UnknownLang));
    assert_eq!(Lang::default(), Lang::Sv);
}
