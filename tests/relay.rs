//! Relay mode end to end over loopback TLS on SQLite and PostgreSQL: the service reads the
//! emulated chip itself over APDUs the app relays, and decides the step-up as evidence mode
//! does; every relay failure is a typed error that leaves the order pending.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    missing_docs
)]

mod common;

use async_trait::async_trait;
use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;
use common::harness::{App, Harness, card, mrz_key};
use tapid_card::{CardTransport, TransportCapabilities, TransportError};
use tapid_emulator::{EmulatorTransport, Fault, Profile};
use tapid_identity::client::{AppClient, ClientError, PickedUp};
use tapid_identity::service_api::{
    self as api, RelayAccessKey, RelayCapabilities, RelayExchangeRequest, RelayProgress,
    RelayStartRequest, RelayStep,
};
use tapid_keystore::{KeyAlias, KeyStore, SecurityCode};
use tapid_service::api::wire::{Requirement, StartRequest};
use tapid_service::clock::ManualClock;
use tapid_test_support::backend::TestDb;

fn mrtd_sign() -> StartRequest {
    StartRequest {
        end_user_ip: "192.0.2.10".into(),
        user_visible_data: Some(B64.encode("Överför 10 000 kr")),
        requirement: Some(Requirement {
            mrtd: true,
            ..Default::default()
        }),
        ..Default::default()
    }
}

fn code<T: std::fmt::Debug>(r: Result<T, ClientError>) -> String {
    r.unwrap_err().error_code().unwrap_or("none").to_owned()
}

/// What a phone does wrong at one command.
#[derive(Clone)]
enum Mishap {
    /// Answers only after the service's clock moved on by this many milliseconds.
    Late(ManualClock, i64),
    /// Answers every command from this one on after the service's clock moved on by this
    /// many milliseconds (each answer in time, the whole read not).
    Slow(ManualClock, i64),
    /// The card leaves the field.
    CardLost,
}

/// A phone relaying to `card`, with `mishap` at the command numbered `at` (from 0).
struct Phone {
    card: EmulatorTransport,
    sent: usize,
    mishap: Option<(usize, Mishap)>,
}

impl Phone {
    fn new(card: EmulatorTransport) -> Self {
        Self {
            card,
            sent: 0,
            mishap: None,
        }
    }

    fn with(mut self, at: usize, mishap: Mishap) -> Self {
        self.mishap = Some((at, mishap));
        self
    }
}

#[async_trait]
impl CardTransport for Phone {
    async fn transmit(&mut self, command: &[u8]) -> Result<Vec<u8>, TransportError> {
        let n = self.sent;
        self.sent += 1;
        match &self.mishap {
            Some((at, Mishap::CardLost)) if *at == n => Err(TransportError::LinkLost),
            Some((at, Mishap::Late(clock, ms))) if *at == n => {
                clock.advance(*ms);
                self.card.transmit(command).await
            }
            Some((at, Mishap::Slow(clock, ms))) if *at <= n => {
                clock.advance(*ms);
                self.card.transmit(command).await
            }
            _ => self.card.transmit(command).await,
        }
    }

    fn capabilities(&self) -> TransportCapabilities {
        self.card.capabilities()
    }

    fn historical_bytes(&self) -> Option<Vec<u8>> {
        self.card.historical_bytes()
    }
}

/// Starts a mrtd sign order and picks it up with `app`: the order reference and the pickup.
async fn picked(h: &Harness, app: &App) -> (String, PickedUp) {
    let order = h.start_order("sign", &mrtd_sign()).await;
    let picked = app
        .client
        .pickup_autostart(&order.auto_start_token)
        .await
        .unwrap();
    (order.order_ref, picked)
}

/// Relays `phone` for `picked`; the progress reports seen.
async fn relay(
    app: &AppClient,
    picked: &PickedUp,
    key: &RelayAccessKey,
    phone: &mut Phone,
) -> (Result<api::StepUpOutcome, ClientError>, Vec<RelayProgress>) {
    let mut seen = Vec::new();
    let r = app
        .relay_read(picked, key, phone, &mut |p| seen.push(p.clone()))
        .await;
    (r, seen)
}

async fn assert_pending(h: &Harness, order_ref: &str) {
    let c = h.collect(order_ref).await;
    assert_eq!(c["status"], "pending", "{c}");
    assert_eq!(c["hintCode"], "userMrtd", "{c}");
}

/// Approves and collects: the completion data.
async fn complete(
    h: &Harness,
    app: &AppClient,
    order_ref: &str,
    picked: &PickedUp,
) -> serde_json::Value {
    app.approve(picked).await.unwrap();
    let done = h.collect(order_ref).await;
    assert_eq!(done["status"], "complete", "{done}");
    done["completionData"].clone()
}

async fn the_passport_and_the_id_card_complete_with_mrtd_true(db: TestDb) {
    let h = Harness::start(&db).await;
    let app = h.app().await;
    let id_card = RelayAccessKey::Can {
        can: Profile::named("se-id-pace")
            .unwrap()
            .can()
            .unwrap()
            .to_owned(),
    };
    for (profile, key, method) in [
        ("se-passport-pace", mrz_key("se-passport-pace"), "CA"),
        ("se-id-pace", id_card, "CA"),
    ] {
        let (order_ref, picked) = picked(&h, &app).await;
        let mut phone = Phone::new(card(profile, None));
        let (outcome, seen) = relay(&app.client, &picked, &key, &mut phone).await;
        let outcome = outcome.unwrap();
        assert!(outcome.mrtd, "{profile}: {outcome:?}");
        assert!(
            seen.iter().any(|p| p.step.as_deref() == Some("DG1")),
            "{profile}"
        );
        let last = seen.iter().map(|p| p.exchanges).max().unwrap();
        assert_eq!(last as usize, phone.sent, "every command was relayed once");
        // The step-up is done: no second relay for the order.
        let (again, _) = relay(
            &app.client,
            &picked,
            &key,
            &mut Phone::new(card(profile, None)),
        )
        .await;
        assert_eq!(code(again), "stepUpNotExpected");
        let data = complete(&h, &app.client, &order_ref, &picked).await;
        assert_eq!(data["stepUp"]["mrtd"], true, "{data}");
        let details = &data["stepUpDetails"];
        assert_eq!(details["mode"], "relay");
        assert_eq!(details["passiveAuthentication"], "valid");
        // Chip Authentication ran on the service: valid, not "proved on the device" — the
        // ID card passes without the relying party accepting device proofs.
        assert_eq!(details["chipAuthenticity"], "valid", "{profile}: {details}");
        assert_eq!(details["chipMethod"], method, "{profile}: {details}");
        assert_eq!(details["holderMatch"], true);
    }
}

async fn refused(h: &Harness, app: &App, fault: Fault) -> serde_json::Value {
    let (order_ref, picked) = picked(h, app).await;
    let mut phone = Phone::new(card("se-passport-pace", Some(fault)));
    let (outcome, _) = relay(
        &app.client,
        &picked,
        &mrz_key("se-passport-pace"),
        &mut phone,
    )
    .await;
    let outcome = outcome.unwrap();
    assert!(!outcome.mrtd, "{fault}: {outcome:?}");
    let data = complete(h, &app.client, &order_ref, &picked).await;
    assert_eq!(data["stepUp"]["mrtd"], false);
    assert_eq!(data["stepUpDetails"]["mode"], "relay");
    assert_eq!(
        data["stepUpDetails"]["reason"],
        outcome.reason.unwrap().as_str()
    );
    data["stepUpDetails"].clone()
}

async fn a_ca_clone_completes_with_mrtd_false(db: TestDb) {
    let h = Harness::start(&db).await;
    let app = h.app().await;
    for fault in [Fault::CaClonePlain6982, Fault::CaClone] {
        let details = refused(&h, &app, fault).await;
        assert_eq!(details["reason"], "chipInvalid", "{fault}: {details}");
        assert_eq!(details["chipAuthenticity"], "invalid", "{fault}: {details}");
    }
}

async fn an_edited_data_group_completes_with_mrtd_false(db: TestDb) {
    let h = Harness::start(&db).await;
    let app = h.app().await;
    let details = refused(&h, &app, Fault::Dg1HashMismatch).await;
    assert_eq!(details["reason"], "passiveAuthenticationInvalid");
    assert_eq!(details["passiveAuthentication"], "invalid");
}

async fn a_wrong_access_key_is_refused_and_the_order_stays_pending(db: TestDb) {
    let h = Harness::start(&db).await;
    let app = h.app().await;
    let (order_ref, picked) = picked(&h, &app).await;
    let RelayAccessKey::Mrz {
        date_of_birth,
        date_of_expiry,
        ..
    } = mrz_key("se-passport-pace")
    else {
        unreachable!()
    };
    let misread = RelayAccessKey::Mrz {
        document_number: "AA0000000".into(),
        date_of_birth,
        date_of_expiry,
    };
    let mut phone = Phone::new(card("se-passport-pace", None));
    let (r, _) = relay(&app.client, &picked, &misread, &mut phone).await;
    assert_eq!(code(r), "relayAccessDenied");
    assert_pending(&h, &order_ref).await;
    let malformed = RelayAccessKey::Can { can: "12ab".into() };
    let (r, _) = relay(&app.client, &picked, &malformed, &mut phone).await;
    assert_eq!(code(r), "invalidParameters");
    // The right key, read anew.
    let mut phone = Phone::new(card("se-passport-pace", None));
    let (r, _) = relay(
        &app.client,
        &picked,
        &mrz_key("se-passport-pace"),
        &mut phone,
    )
    .await;
    assert!(r.unwrap().mrtd);
}

async fn a_phone_that_stops_answering_or_loses_the_card_ends_the_relay(db: TestDb) {
    let h = Harness::start(&db).await;
    let app = h.app().await;
    let (order_ref, picked) = picked(&h, &app).await;
    let key = mrz_key("se-passport-pace");
    let apdu = h.config.relay.apdu_timeout;
    // The passport's read takes 17 commands: at just under the per-command bound each, the
    // read's bound (12 such answers) ends it.
    for (at, mishap, expected) in [
        (5, Mishap::Late(h.clock.clone(), apdu + 1), "relayTimedOut"),
        (0, Mishap::Slow(h.clock.clone(), apdu - 1), "relayTimedOut"),
        (5, Mishap::CardLost, "relayCardLost"),
    ] {
        let mut phone = Phone::new(card("se-passport-pace", None)).with(at, mishap);
        let (r, _) = relay(&app.client, &picked, &key, &mut phone).await;
        assert_eq!(code(r), expected);
        assert_pending(&h, &order_ref).await;
    }
    // The app starts a new relay and completes the step-up.
    let mut phone = Phone::new(card("se-passport-pace", None));
    let (r, _) = relay(&app.client, &picked, &key, &mut phone).await;
    assert!(r.unwrap().mrtd);
}

/// The device-key signature over `message` (DER, base64), as the app's client makes it.
async fn sign(app: &App, message: &[u8]) -> String {
    let alias = KeyAlias::new("identity").unwrap();
    let code = SecurityCode::new("731904".into()).unwrap();
    let sig = app.keys.sign(&alias, message, Some(&code)).await.unwrap();
    B64.encode(sig.as_der())
}

/// `POST /app/v1/relay/start` by hand on instance `i`.
async fn start_relay(
    h: &Harness,
    i: usize,
    app: &App,
    picked: &PickedUp,
    caps: TransportCapabilities,
) -> RelayStep {
    h.anonymous(i)
        .post(
            api::RELAY_START,
            &RelayStartRequest {
                app_token: picked.order.app_token.clone(),
                access_key: mrz_key("se-passport-pace"),
                capabilities: RelayCapabilities {
                    extended_length: caps.extended_length,
                    max_command_len: caps.max_command_len,
                    max_response_len: caps.max_response_len,
                },
                historical_bytes: None,
                signature: sign(app, &api::relay_start_payload(&picked.challenge)).await,
            },
        )
        .await
        .unwrap()
}

/// `POST /app/v1/relay/exchange` by hand on instance `i`.
async fn exchange(
    h: &Harness,
    i: usize,
    app_token: &str,
    relay_id: &str,
    response: &[u8],
) -> Result<RelayStep, ClientError> {
    h.anonymous(i)
        .post(
            api::RELAY_EXCHANGE,
            &RelayExchangeRequest {
                app_token: app_token.into(),
                relay_id: relay_id.into(),
                response: Some(B64.encode(response)),
            },
        )
        .await
}

async fn relay_calls_with_another_orders_token_or_on_another_instance_are_refused(db: TestDb) {
    let mut h = Harness::start(&db).await;
    h.add_instance(&db).await;
    let app = h.app().await;
    let other_app = h.app().await;
    let (order_ref, mine) = picked(&h, &app).await;
    let (_, theirs) = picked(&h, &other_app).await;
    let mut chip = card("se-passport-pace", None);
    let caps = chip.capabilities();
    let mut step = start_relay(&h, 0, &app, &mine, caps).await;
    let first = B64.decode(step.command.as_deref().unwrap()).unwrap();
    let answer = chip.transmit(&first).await.unwrap();
    // Another order's app token does not reach this relay, and leaves it running.
    let r = exchange(&h, 0, &theirs.order.app_token, &step.relay_id, &answer).await;
    assert_eq!(code(r), "relayLost");
    // A made-up relay id neither.
    let r = exchange(&h, 0, &mine.order.app_token, "00", &answer).await;
    assert_eq!(code(r), "relayLost");
    // Another instance does not know the relay: it is pinned to the one running it.
    let r = exchange(&h, 1, &mine.order.app_token, &step.relay_id, &answer).await;
    assert_eq!(code(r), "relayLost");
    assert_pending(&h, &order_ref).await;
    // The relay goes on with the right token on its own instance, to the end.
    let mut response = answer;
    let outcome = loop {
        step = exchange(&h, 0, &mine.order.app_token, &step.relay_id, &response)
            .await
            .unwrap();
        if let Some(o) = step.outcome.take() {
            break o;
        }
        let command = B64.decode(step.command.as_deref().unwrap()).unwrap();
        response = chip.transmit(&command).await.unwrap();
    };
    assert!(outcome.mrtd, "{outcome:?}");
    // The ended relay is gone.
    let r = exchange(&h, 0, &mine.order.app_token, &step.relay_id, &response).await;
    assert_eq!(code(r), "relayLost");
}

async fn a_lost_relay_is_started_anew_on_another_instance(db: TestDb) {
    let mut h = Harness::start(&db).await;
    h.add_instance(&db).await;
    let app = h.app().await;
    let (order_ref, picked) = picked(&h, &app).await;
    let chip = card("se-passport-pace", None);
    let step = start_relay(&h, 0, &app, &picked, chip.capabilities()).await;
    assert!(step.command.is_some());
    // Instance 0 is lost with its relay; the other instance (now the first) serves on.
    h.instances.remove(0);
    assert_pending(&h, &order_ref).await;
    let r = exchange(&h, 0, &picked.order.app_token, &step.relay_id, &[0x90, 0]).await;
    assert_eq!(code(r), "relayLost");
    // The app starts a new relay there and completes the step-up.
    let mut client = AppClient::new(
        h.anonymous(0),
        app.keys.clone(),
        KeyAlias::new("identity").unwrap(),
        Some(SecurityCode::new("731904".into()).unwrap()),
    );
    client.set_identity(app.client.identity_id().unwrap());
    let mut phone = Phone::new(card("se-passport-pace", None));
    let (outcome, _) = relay(&client, &picked, &mrz_key("se-passport-pace"), &mut phone).await;
    assert!(outcome.unwrap().mrtd);
    let data = complete(&h, &client, &order_ref, &picked).await;
    assert_eq!(data["stepUp"]["mrtd"], true);
}

async fn a_hostile_phone_gets_errors_and_the_order_stays_pending(db: TestDb) {
    let h = Harness::start(&db).await;
    let app = h.app().await;
    let (order_ref, picked) = picked(&h, &app).await;
    let caps = TransportCapabilities::SHORT;
    // An answer larger than the link it announced.
    let step = start_relay(&h, 0, &app, &picked, caps).await;
    let r = exchange(&h, 0, &picked.order.app_token, &step.relay_id, &[0; 300]).await;
    assert_eq!(code(r), "relayFailed");
    // The relay ended with it.
    let r = exchange(&h, 0, &picked.order.app_token, &step.relay_id, &[0x90, 0]).await;
    assert_eq!(code(r), "relayLost");
    // An answer that is not base64 ends the relay too.
    let step = start_relay(&h, 0, &app, &picked, caps).await;
    let r: Result<RelayStep, _> = h
        .anonymous(0)
        .post(
            api::RELAY_EXCHANGE,
            &RelayExchangeRequest {
                app_token: picked.order.app_token.clone(),
                relay_id: step.relay_id.clone(),
                response: Some("not base64!".into()),
            },
        )
        .await;
    assert_eq!(code(r), "invalidParameters");
    let r = exchange(&h, 0, &picked.order.app_token, &step.relay_id, &[0x90, 0]).await;
    assert_eq!(code(r), "relayLost");
    // A start signed for another order's challenge.
    let mut forged = RelayStartRequest {
        app_token: picked.order.app_token.clone(),
        access_key: mrz_key("se-passport-pace"),
        capabilities: RelayCapabilities {
            extended_length: false,
            max_command_len: 261,
            max_response_len: 258,
        },
        historical_bytes: None,
        signature: sign(&app, &api::relay_start_payload(b"another challenge")).await,
    };
    let r: Result<RelayStep, _> = h.anonymous(0).post(api::RELAY_START, &forged).await;
    assert_eq!(code(r), "badSignature");
    forged.signature = sign(&app, &api::relay_start_payload(&picked.challenge)).await;
    forged.historical_bytes = Some("00".repeat(16));
    let r: Result<RelayStep, _> = h.anonymous(0).post(api::RELAY_START, &forged).await;
    assert_eq!(code(r), "invalidParameters");
    // A chip (or a phone) that breaks secure messaging: the read fails, typed.
    let mut phone = Phone::new(card("se-passport-pace", Some(Fault::SmWrongMac)));
    let (r, _) = relay(
        &app.client,
        &picked,
        &mrz_key("se-passport-pace"),
        &mut phone,
    )
    .await;
    let err = r.unwrap_err();
    assert_eq!(err.error_code(), Some("relayFailed"));
    assert!(
        matches!(&err, ClientError::Api { details, .. } if details == "sm_bad_mac"),
        "{err:?}"
    );
    assert_pending(&h, &order_ref).await;
}

tapid_test_support::on_both_backends!(
    a_hostile_phone_gets_errors_and_the_order_stays_pending,
    the_passport_and_the_id_card_complete_with_mrtd_true,
    a_ca_clone_completes_with_mrtd_false,
    an_edited_data_group_completes_with_mrtd_false,
    a_wrong_access_key_is_refused_and_the_order_stays_pending,
    a_phone_that_stops_answering_or_loses_the_card_ends_the_relay,
    relay_calls_with_another_orders_token_or_on_another_instance_are_refused,
    a_lost_relay_is_started_anew_on_another_instance,
);
