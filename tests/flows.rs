//! End to end over loopback TLS, on SQLite and PostgreSQL: a relying party starts an order,
//! the app picks it up (animated QR or autostart), does the passport step-up in evidence mode
//! when asked, approves with its device key, and the relying party collects a completion whose
//! JWS it verifies offline with the published keys.
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
use common::harness::{HOLDER_PNO, Harness, evidence};
use tapid_identity::qr::{QrStartSecret, generate};
use tapid_service::api::wire::{Requirement, StartRequest};
use tapid_service::jws::{self, JwkSet};
use tapid_test_support::backend::TestDb;

fn auth_request() -> StartRequest {
    StartRequest {
        end_user_ip: "192.0.2.10".into(),
        user_visible_data: Some(B64.encode("Logga in hos Webbshoppen")),
        ..Default::default()
    }
}

fn mrtd_sign_request(accept_device_proof: bool) -> StartRequest {
    StartRequest {
        end_user_ip: "192.0.2.10".into(),
        user_visible_data: Some(B64.encode("Överför 250 000 kr till konto 1234")),
        requirement: Some(Requirement {
            mrtd: true,
            mrtd_accept_device_proof: accept_device_proof,
            ..Default::default()
        }),
        ..Default::default()
    }
}

async fn auth_by_qr_completes_with_a_verifiable_signature(db: TestDb) {
    let h = Harness::start(&db).await;
    let app = h.app().await;
    let order = h.start_order("auth", &auth_request()).await;
    let pending = h.collect(&order.order_ref).await;
    assert_eq!(pending["status"], "pending");
    assert_eq!(pending["hintCode"], "outstandingTransaction");
    h.clock.advance(2_400);
    let secret = QrStartSecret::new(&order.qr_start_secret).unwrap();
    let frame = generate(&order.qr_start_token, &secret, 2)
        .unwrap()
        .to_string();
    let picked = app.client.pickup_qr(&frame).await.unwrap();
    assert!(!picked.order.mrtd_required);
    assert_eq!(h.collect(&order.order_ref).await["hintCode"], "userSign");
    assert_eq!(
        app.client.approve(&picked).await.unwrap().status,
        "complete"
    );
    let done = h.collect(&order.order_ref).await;
    assert_eq!(done["status"], "complete", "{done}");
    let data = &done["completionData"];
    assert_eq!(data["user"]["personalNumber"], HOLDER_PNO);
    assert_eq!(data["user"]["surname"], "Öberg");
    assert!(data.get("stepUp").is_none());
    let set: JwkSet = h.anonymous(0).get("/.well-known/jwks.json").await.unwrap();
    let claims = jws::verify(data["signature"].as_str().unwrap(), &set).unwrap();
    assert_eq!(claims["orderRef"], order.order_ref.as_str());
    assert_eq!(claims["user"]["personalNumber"], HOLDER_PNO);
    assert_eq!(claims["challenge"], picked.order.challenge.as_str());
    // Collect keeps answering the same completion (kept for audit).
    assert_eq!(h.collect(&order.order_ref).await, done);
}

async fn sign_with_passport_step_up_by_autostart(db: TestDb) {
    let h = Harness::start(&db).await;
    let app = h.app().await;
    let order = h.start_order("sign", &mrtd_sign_request(false)).await;
    let picked = app
        .client
        .pickup_autostart(&order.auto_start_token)
        .await
        .unwrap();
    assert!(picked.order.mrtd_required);
    assert_eq!(h.collect(&order.order_ref).await["hintCode"], "userMrtd");
    let err = app.client.approve(&picked).await.unwrap_err();
    assert_eq!(err.error_code(), Some("stepUpRequired"));
    let bundle = evidence("se-passport-pace", None, picked.aa_challenge.unwrap()).await;
    let outcome = app.client.send_evidence(&picked, &bundle).await.unwrap();
    assert!(outcome.mrtd, "{outcome:?}");
    assert_eq!(h.collect(&order.order_ref).await["hintCode"], "userSign");
    app.client.approve(&picked).await.unwrap();
    let done = h.collect(&order.order_ref).await;
    let data = &done["completionData"];
    assert_eq!(data["stepUp"]["mrtd"], true, "{done}");
    assert_eq!(data["stepUpDetails"]["passiveAuthentication"], "valid");
    assert_eq!(data["stepUpDetails"]["chipAuthenticity"], "valid");
    assert_eq!(data["stepUpDetails"]["chipMethod"], "AA");
    assert_eq!(data["stepUpDetails"]["holderMatch"], true);
    let set: JwkSet = h.anonymous(0).get("/.well-known/jwks.json").await.unwrap();
    let claims = jws::verify(data["signature"].as_str().unwrap(), &set).unwrap();
    assert_eq!(claims["stepUp"]["mrtd"], true);
}

async fn id_card_chip_proved_on_the_device_counts_only_when_the_rp_accepts_it(db: TestDb) {
    let h = Harness::start(&db).await;
    let app = h.app().await;
    for (accept, expected) in [(true, true), (false, false)] {
        let order = h.start_order("sign", &mrtd_sign_request(accept)).await;
        let picked = app
            .client
            .pickup_autostart(&order.auto_start_token)
            .await
            .unwrap();
        let bundle = evidence("se-id-pace", None, picked.aa_challenge.unwrap()).await;
        let outcome = app.client.send_evidence(&picked, &bundle).await.unwrap();
        assert_eq!(outcome.mrtd, expected, "{outcome:?}");
        app.client.approve(&picked).await.unwrap();
        let done = h.collect(&order.order_ref).await;
        let details = &done["completionData"]["stepUpDetails"];
        assert_eq!(done["completionData"]["stepUp"]["mrtd"], expected);
        assert_eq!(details["chipAuthenticity"], "proved_on_device");
        if !expected {
            assert_eq!(details["reason"], "chipProvedOnDeviceOnly");
        }
    }
}

tapid_test_support::on_both_backends!(
    auth_by_qr_completes_with_a_verifiable_signature,
    sign_with_passport_step_up_by_autostart,
    id_card_chip_proved_on_the_device_counts_only_when_the_rp_accepts_it,
);
