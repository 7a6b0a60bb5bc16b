//! Every row of the refusal table (README), end to end over loopback TLS on SQLite and
//! PostgreSQL: what the relying party or the app is told, and that an order a refusal leaves
//! pending is unchanged.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    missing_docs
)]

mod common;

use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;
use common::harness::{App, HOLDER_PNO, Harness, evidence, software};
use tapid_emulator::Fault;
use tapid_identity::client::ClientError;
use tapid_identity::qr::{QrStartSecret, generate};
use tapid_identity::service_api::{self as api, EvidenceRequest, StepUpOutcome};
use tapid_service::api::wire::{Requirement, StartRequest};
use tapid_service::config::Config;
use tapid_test_support::backend::TestDb;

fn req(mrtd: bool, pno: Option<&str>) -> StartRequest {
    StartRequest {
        end_user_ip: "192.0.2.10".into(),
        user_visible_data: Some(B64.encode("Överför pengar")),
        requirement: Some(Requirement {
            mrtd,
            personal_number: pno.map(str::to_owned),
            ..Default::default()
        }),
        ..Default::default()
    }
}

fn code<T: std::fmt::Debug>(r: Result<T, ClientError>) -> String {
    r.unwrap_err().error_code().unwrap_or("none").to_owned()
}

/// Picks up a fresh mrtd sign order, sends `bundle_for(aa)` and completes it: the completion.
async fn step_up_with(
    h: &Harness,
    app: &App,
    profile: &str,
    fault: Option<Fault>,
) -> serde_json::Value {
    let order = h.start_order("sign", &req(true, None)).await;
    let picked = app
        .client
        .pickup_autostart(&order.auto_start_token)
        .await
        .unwrap();
    let bundle = evidence(profile, fault, picked.aa_challenge.unwrap()).await;
    let outcome = app.client.send_evidence(&picked, &bundle).await.unwrap();
    assert!(!outcome.mrtd, "{outcome:?}");
    app.client.approve(&picked).await.unwrap();
    let done = h.collect(&order.order_ref).await;
    assert_eq!(done["status"], "complete");
    assert_eq!(done["completionData"]["stepUp"]["mrtd"], false);
    assert_eq!(
        done["completionData"]["stepUpDetails"]["reason"],
        outcome.reason.unwrap().as_str()
    );
    done["completionData"]["stepUpDetails"].clone()
}

async fn a_cloned_chip_completes_with_mrtd_false(db: TestDb) {
    let h = Harness::start(&db).await;
    let app = h.app().await;
    let details = step_up_with(&h, &app, "se-passport-pace", Some(Fault::AaClone)).await;
    assert_eq!(details["reason"], "chipInvalid");
    assert_eq!(details["chipAuthenticity"], "invalid");
}

async fn an_edited_data_group_completes_with_mrtd_false(db: TestDb) {
    let h = Harness::start(&db).await;
    let app = h.app().await;
    let details = step_up_with(&h, &app, "se-passport-pace", Some(Fault::Dg1HashMismatch)).await;
    assert_eq!(details["reason"], "passiveAuthenticationInvalid");
}

async fn another_persons_passport_completes_with_mrtd_false(db: TestDb) {
    let h = Harness::start(&db).await;
    let issued = h.issue("199001010017", "Karl", "Karlsson").await;
    let mut app = App::new(h.anonymous(0)).await;
    app.client
        .enrol(&issued.activation_code, software())
        .await
        .unwrap();
    let details = step_up_with(&h, &app, "se-passport-pace", None).await;
    assert_eq!(details["reason"], "holderMismatch");
    assert_eq!(details["holderMatch"], false);
    assert!(
        details["holderMismatchFields"]
            .as_array()
            .unwrap()
            .contains(&"personalNumber".into())
    );
}

async fn evidence_for_another_order_or_edited_is_refused_and_the_order_stays_pending(db: TestDb) {
    let h = Harness::start(&db).await;
    let app = h.app().await;
    let first = h.start_order("sign", &req(true, None)).await;
    let picked_first = app
        .client
        .pickup_autostart(&first.auto_start_token)
        .await
        .unwrap();
    let second = h.start_order("sign", &req(true, None)).await;
    let picked = app
        .client
        .pickup_autostart(&second.auto_start_token)
        .await
        .unwrap();
    let for_first = evidence("se-passport-pace", None, picked_first.aa_challenge.unwrap()).await;
    // Replayed: a bundle answering the first order's challenge, sent for the second.
    let before = h.collect(&second.order_ref).await;
    assert_eq!(
        code(app.client.send_evidence(&picked, &for_first).await),
        "evidenceReplayed"
    );
    assert_eq!(h.collect(&second.order_ref).await, before);
    // Edited after the device signed it.
    let mine = evidence("se-passport-pace", None, picked.aa_challenge.unwrap()).await;
    let payload = api::evidence_payload(&picked.challenge, &picked.aa_challenge.unwrap(), &mine);
    let signature = B64.encode(
        tapid_keystore::KeyStore::sign(
            app.keys.as_ref(),
            &tapid_keystore::KeyAlias::new("identity").unwrap(),
            &payload,
            Some(&tapid_keystore::SecurityCode::new("731904".into()).unwrap()),
        )
        .await
        .unwrap()
        .as_der(),
    );
    let mut edited = mine.clone();
    let at = edited.len() / 2;
    edited[at] ^= 0x01;
    let sent: Result<StepUpOutcome, _> = h
        .anonymous(0)
        .post(
            api::EVIDENCE,
            &EvidenceRequest {
                app_token: picked.order.app_token.clone(),
                evidence: B64.encode(&edited),
                signature: signature.clone(),
            },
        )
        .await;
    assert_eq!(code(sent), "badSignature");
    assert_eq!(h.collect(&second.order_ref).await, before);
    // The genuine bundle still goes through.
    assert!(app.client.send_evidence(&picked, &mine).await.unwrap().mrtd);
}

async fn expired_qr_frames_and_wrong_device_signatures_are_refused(db: TestDb) {
    let h = Harness::start(&db).await;
    let app = h.app().await;
    let order = h.start_order("auth", &req(false, None)).await;
    let secret = QrStartSecret::new(&order.qr_start_secret).unwrap();
    let frame0 = generate(&order.qr_start_token, &secret, 0)
        .unwrap()
        .to_string();
    h.clock.advance(10_000);
    assert_eq!(code(app.client.pickup_qr(&frame0).await), "qrTooOld");
    let forged = frame0.replace(".0.", ".10.");
    assert_eq!(code(app.client.pickup_qr(&forged).await), "qrInvalid");
    // A key that is not the identity's.
    let mut stranger = App::new(h.anonymous(0)).await;
    stranger
        .client
        .set_identity(app.client.identity_id().unwrap());
    let frame10 = generate(&order.qr_start_token, &secret, 10)
        .unwrap()
        .to_string();
    assert_eq!(
        code(stranger.client.pickup_qr(&frame10).await),
        "badSignature"
    );
    assert_eq!(
        h.collect(&order.order_ref).await["hintCode"],
        "outstandingTransaction"
    );
    let picked = app.client.pickup_qr(&frame10).await.unwrap();
    assert_eq!(code(stranger.client.approve(&picked).await), "badSignature");
    assert_eq!(h.collect(&order.order_ref).await["hintCode"], "userSign");
}

async fn a_second_app_and_a_replayed_autostart_token_are_refused(db: TestDb) {
    let h = Harness::start(&db).await;
    let first = h.app().await;
    let second = h.app().await;
    let order = h.start_order("auth", &req(false, None)).await;
    first
        .client
        .pickup_autostart(&order.auto_start_token)
        .await
        .unwrap();
    let before = h.collect(&order.order_ref).await;
    assert_eq!(
        code(
            second
                .client
                .pickup_autostart(&order.auto_start_token)
                .await
        ),
        "alreadyPickedUp"
    );
    assert_eq!(
        code(first.client.pickup_autostart(&order.auto_start_token).await),
        "alreadyPickedUp"
    );
    let secret = QrStartSecret::new(&order.qr_start_secret).unwrap();
    let frame = generate(&order.qr_start_token, &secret, 0)
        .unwrap()
        .to_string();
    assert_eq!(
        code(second.client.pickup_qr(&frame).await),
        "alreadyPickedUp"
    );
    assert_eq!(h.collect(&order.order_ref).await, before);
}

async fn a_relying_party_sees_only_its_own_orders(db: TestDb) {
    let h = Harness::start(&db).await;
    let order = h.start_order("auth", &req(false, None)).await;
    let body = serde_json::json!({"orderRef": order.order_ref});
    for path in ["/rp/v6.0/collect", "/rp/v6.0/cancel"] {
        let r: Result<serde_json::Value, _> = h.other_rp().post(path, &body).await;
        assert_eq!(code(r), "invalidParameters");
    }
    let unknown = serde_json::json!({"orderRef": "00000000-0000-4000-8000-000000000000"});
    let r: Result<serde_json::Value, _> = h.shop().post("/rp/v6.0/collect", &unknown).await;
    assert_eq!(code(r), "invalidParameters");
    assert_eq!(h.collect(&order.order_ref).await["status"], "pending");
    // Without a certificate, or with an issuer's, the RP API is closed.
    let r: Result<serde_json::Value, _> = h.anonymous(0).post("/rp/v6.0/collect", &body).await;
    assert!(
        matches!(r, Err(ClientError::Api { status: 401, .. })),
        "{r:?}"
    );
    let r: Result<serde_json::Value, _> = h.bank().post("/rp/v6.0/auth", &req(false, None)).await;
    assert_eq!(code(r), "unauthorized");
    let r: Result<serde_json::Value, _> = h
        .shop()
        .post(
            "/issuer/v1/identities",
            &serde_json::json!({"personalNumber": HOLDER_PNO, "givenName": "A", "surname": "B"}),
        )
        .await;
    assert_eq!(code(r), "unauthorized");
}

async fn no_pickup_within_30_s_fails_and_an_unfinished_order_expires(db: TestDb) {
    let h = Harness::start(&db).await;
    let app = h.app().await;
    let order = h.start_order("auth", &req(false, None)).await;
    h.clock.advance(30_001);
    let failed = h.collect(&order.order_ref).await;
    assert_eq!(
        (failed["status"].as_str(), failed["hintCode"].as_str()),
        (Some("failed"), Some("startFailed"))
    );
    assert_eq!(
        code(app.client.pickup_autostart(&order.auto_start_token).await),
        "orderClosed"
    );
    // Collectable for 5 minutes after failing, then gone.
    h.clock.advance(300_000);
    assert_eq!(h.collect(&order.order_ref).await["hintCode"], "startFailed");
    h.clock.advance(1);
    let r: Result<serde_json::Value, _> = h
        .shop()
        .post(
            "/rp/v6.0/collect",
            &serde_json::json!({"orderRef": order.order_ref}),
        )
        .await;
    assert_eq!(code(r), "invalidParameters");

    let late = h.start_order("auth", &req(false, None)).await;
    let picked = app
        .client
        .pickup_autostart(&late.auto_start_token)
        .await
        .unwrap();
    h.clock.advance(180_001);
    assert_eq!(
        h.collect(&late.order_ref).await["hintCode"],
        "expiredTransaction"
    );
    assert_eq!(code(app.client.approve(&picked).await), "orderClosed");
}

async fn a_second_order_for_the_same_person_is_refused_and_cancels_the_first(db: TestDb) {
    let h = Harness::start(&db).await;
    let first = h.start_order("auth", &req(false, Some(HOLDER_PNO))).await;
    let r: Result<serde_json::Value, _> = h
        .shop()
        .post("/rp/v6.0/auth", &req(false, Some(HOLDER_PNO)))
        .await;
    assert_eq!(code(r), "alreadyInProgress");
    assert_eq!(h.collect(&first.order_ref).await["hintCode"], "cancelled");
    // Now nothing holds the person: a new order starts.
    h.start_order("auth", &req(false, Some(HOLDER_PNO))).await;
}

async fn an_order_for_another_person_cannot_be_picked_up(db: TestDb) {
    let h = Harness::start(&db).await;
    let app = h.app().await;
    let order = h
        .start_order("auth", &req(false, Some("199001010017")))
        .await;
    assert_eq!(
        code(app.client.pickup_autostart(&order.auto_start_token).await),
        "personalNumberMismatch"
    );
    assert_eq!(
        h.collect(&order.order_ref).await["hintCode"],
        "outstandingTransaction"
    );
}

async fn cancel_and_decline_end_the_order(db: TestDb) {
    let h = Harness::start(&db).await;
    let app = h.app().await;
    let order = h.start_order("auth", &req(false, None)).await;
    let body = serde_json::json!({"orderRef": order.order_ref});
    let _: serde_json::Value = h.shop().post("/rp/v6.0/cancel", &body).await.unwrap();
    let r: Result<serde_json::Value, _> = h.shop().post("/rp/v6.0/cancel", &body).await;
    assert_eq!(code(r), "invalidParameters");
    let r: Result<serde_json::Value, _> = h.shop().post("/rp/v6.0/collect", &body).await;
    assert_eq!(code(r), "invalidParameters");
    assert_eq!(
        code(app.client.pickup_autostart(&order.auto_start_token).await),
        "noSuchOrder"
    );

    let declined = h.start_order("auth", &req(false, None)).await;
    let picked = app
        .client
        .pickup_autostart(&declined.auto_start_token)
        .await
        .unwrap();
    assert_eq!(app.client.decline(&picked).await.unwrap().status, "failed");
    assert_eq!(
        h.collect(&declined.order_ref).await["hintCode"],
        "userCancel"
    );
}

async fn activation_codes_work_once_and_until_they_expire(db: TestDb) {
    let h = Harness::with_config(
        &db,
        Config {
            activation_ttl: 60_000,
            ..Config::default()
        },
    )
    .await;
    let issued = h.issue(HOLDER_PNO, "Åsa Märta", "Öberg").await;
    let mut app = App::new(h.anonymous(0)).await;
    app.client
        .enrol(&issued.activation_code, software())
        .await
        .unwrap();
    let mut again = App::new(h.anonymous(0)).await;
    assert_eq!(
        code(
            again
                .client
                .enrol(&issued.activation_code, software())
                .await
        ),
        "activationInvalid"
    );
    let late = h.issue(HOLDER_PNO, "Åsa Märta", "Öberg").await;
    h.clock.advance(60_001);
    assert_eq!(
        code(again.client.enrol(&late.activation_code, software()).await),
        "activationInvalid"
    );
}

async fn a_policy_requiring_hardware_keys_refuses_software_keys(db: TestDb) {
    let h = Harness::with_config(
        &db,
        Config {
            require_hardware_key: true,
            ..Config::default()
        },
    )
    .await;
    let issued = h.issue(HOLDER_PNO, "Åsa Märta", "Öberg").await;
    let mut app = App::new(h.anonymous(0)).await;
    assert_eq!(
        code(app.client.enrol(&issued.activation_code, software()).await),
        "attestationRefused"
    );
}

tapid_test_support::on_both_backends!(
    a_cloned_chip_completes_with_mrtd_false,
    an_edited_data_group_completes_with_mrtd_false,
    another_persons_passport_completes_with_mrtd_false,
    evidence_for_another_order_or_edited_is_refused_and_the_order_stays_pending,
    expired_qr_frames_and_wrong_device_signatures_are_refused,
    a_second_app_and_a_replayed_autostart_token_are_refused,
    a_relying_party_sees_only_its_own_orders,
    no_pickup_within_30_s_fails_and_an_unfinished_order_expires,
    a_second_order_for_the_same_person_is_refused_and_cancels_the_first,
    an_order_for_another_person_cannot_be_picked_up,
    cancel_and_decline_end_the_order,
    activation_codes_work_once_and_until_they_expire,
    a_policy_requiring_hardware_keys_refuses_software_keys,
);
