//! Remote renewal end to end over loopback TLS, on SQLite and PostgreSQL: enrolment → a new
//! device renews with the holder's passport → the old identity is revoked (its device's next
//! poll answers `identityRevoked`, it can no longer approve) → the new device approves an
//! order; the step-up in evidence mode and in relay mode. A passport of another holder, a
//! cloned chip, the rate limit and the cool-off are refused.
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
use common::harness::{App, HOLDER_PNO, Harness, card, evidence, mrz_key, software};
use tapid_emulator::Fault;
use tapid_identity::client::{ClientError, RenewalStarted};
use tapid_identity::service_api::RenewalResponse;
use tapid_service::api::wire::{Requirement, StartRequest};
use tapid_service::clock::Clock;
use tapid_service::config::Config;
use tapid_service::store::{IdentityKey, IdentityStatus};
use tapid_test_support::backend::TestDb;

fn for_person(pno: &str) -> StartRequest {
    StartRequest {
        end_user_ip: "192.0.2.10".into(),
        user_visible_data: Some(B64.encode("Logga in")),
        requirement: Some(Requirement {
            personal_number: Some(pno.into()),
            ..Default::default()
        }),
        ..Default::default()
    }
}

fn code<T: std::fmt::Debug>(r: Result<T, ClientError>) -> String {
    r.unwrap_err().error_code().unwrap_or("none").to_owned()
}

/// A new device renews the holder's identity with the holder's passport.
async fn renew(h: &Harness) -> (App, RenewalStarted, RenewalResponse) {
    let mut app = App::new(h.anonymous(0)).await;
    let started = app
        .client
        .start_renewal(HOLDER_PNO, software())
        .await
        .unwrap();
    let bundle = evidence("se-passport-pace", None, started.aa_challenge).await;
    let outcome = app
        .client
        .send_renewal_evidence(&started, &bundle)
        .await
        .unwrap();
    assert!(outcome.mrtd, "{outcome:?}");
    let done = app.client.renew(&started).await.unwrap();
    (app, started, done)
}

async fn cancel(h: &Harness, order_ref: &str) {
    let _: serde_json::Value = h
        .shop()
        .post(
            "/rp/v6.0/cancel",
            &serde_json::json!({"orderRef": order_ref}),
        )
        .await
        .unwrap();
}

async fn renewal_revokes_the_old_device_and_the_new_one_approves(db: TestDb) {
    let h = Harness::start(&db).await;
    let old = h.app().await;
    let old_id = old.client.identity_id().unwrap().to_owned();
    // The old device picks up a push before the renewal…
    let order = h.start_order("auth", &for_person(HOLDER_PNO)).await;
    let list = old
        .client
        .pending_pushes(h.clock.now_secs(), [1; 16])
        .await
        .unwrap();
    let picked = old.client.pickup_push(&list.pushes[0]).await.unwrap();

    let (mut new, started, done) = renew(&h).await;
    // A retried confirmation (the answer was lost) finds the renewal done: same identity.
    assert_eq!(new.client.renew(&started).await.unwrap(), done);
    assert_ne!(done.identity_id, old_id);
    assert_eq!(done.replaces, old_id);
    assert!(done.mrtd);
    assert_eq!(done.face_check, "notPerformed");
    assert_eq!(done.ocra_secret.len(), 64);
    let store = &h.instances[0].state.store;
    let revoked = store
        .find_identity(IdentityKey::Id(&old_id))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(revoked.status, IdentityStatus::Revoked);
    assert_eq!(revoked.revoked_at, Some(h.clock.now_millis()));
    assert_eq!(
        revoked.replaced_by.as_deref(),
        Some(done.identity_id.as_str())
    );
    let renewed = store
        .find_identity(IdentityKey::Id(&done.identity_id))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(renewed.status, IdentityStatus::Active);
    assert_eq!(renewed.personal_number, HOLDER_PNO);
    assert_eq!(renewed.surname, revoked.surname);

    // …and is told on its next poll; it can no longer approve or pick up.
    assert_eq!(
        code(old.client.pending_pushes(h.clock.now_secs(), [2; 16]).await),
        "identityRevoked"
    );
    assert_eq!(code(old.client.approve(&picked).await), "identityUnusable");
    assert_eq!(
        h.collect(&order.order_ref).await["status"],
        "pending",
        "a refused approval changes nothing"
    );
    cancel(&h, &order.order_ref).await;
    let next = h.start_order("auth", &for_person(HOLDER_PNO)).await;
    assert_eq!(
        code(old.client.pickup_autostart(&next.auto_start_token).await),
        "identityUnusable"
    );
    // The new device gets the push and approves.
    let list = new
        .client
        .pending_pushes(h.clock.now_secs(), [3; 16])
        .await
        .unwrap();
    assert_eq!(list.pushes.len(), 1);
    let picked = new.client.pickup_push(&list.pushes[0]).await.unwrap();
    new.client.approve(&picked).await.unwrap();
    let complete = h.collect(&next.order_ref).await;
    assert_eq!(complete["status"], "complete");
    assert_eq!(
        complete["completionData"]["user"]["personalNumber"],
        HOLDER_PNO
    );
}

async fn a_passport_of_another_holder_does_not_renew(db: TestDb) {
    let h = Harness::start(&db).await;
    let other_pno = "199001010017";
    let issued = h.issue(other_pno, "Karl", "Svensson").await;
    let mut holder = App::new(h.anonymous(0)).await;
    holder
        .client
        .enrol(&issued.activation_code, software())
        .await
        .unwrap();
    let mut thief = App::new(h.anonymous(0)).await;
    let started = thief
        .client
        .start_renewal(other_pno, software())
        .await
        .unwrap();
    // Completing before the step-up is refused.
    assert_eq!(code(thief.client.renew(&started).await), "stepUpRequired");
    let bundle = evidence("se-passport-pace", None, started.aa_challenge).await;
    let outcome = thief
        .client
        .send_renewal_evidence(&started, &bundle)
        .await
        .unwrap();
    assert!(!outcome.mrtd);
    assert_eq!(outcome.reason.as_deref(), Some("holderMismatch"));
    assert_eq!(code(thief.client.renew(&started).await), "stepUpFailed");
    assert_eq!(
        code(thief.client.send_renewal_evidence(&started, &bundle).await),
        "stepUpNotExpected"
    );
    // The holder's identity is untouched.
    let list = holder
        .client
        .pending_pushes(h.clock.now_secs(), [1; 16])
        .await
        .unwrap();
    assert!(list.pushes.is_empty());
    // Evidence for another renewal's challenge is refused, the renewal stays open.
    let mut other = App::new(h.anonymous(0)).await;
    let second = other.client.start_renewal(HOLDER_PNO, software()).await;
    assert_eq!(code(second), "identityUnusable", "nobody to renew yet");
    h.app().await;
    let second = other
        .client
        .start_renewal(HOLDER_PNO, software())
        .await
        .unwrap();
    assert_eq!(
        code(other.client.send_renewal_evidence(&second, &bundle).await),
        "evidenceReplayed"
    );
    let fresh = evidence("se-passport-pace", None, second.aa_challenge).await;
    assert!(
        other
            .client
            .send_renewal_evidence(&second, &fresh)
            .await
            .unwrap()
            .mrtd
    );
    other.client.renew(&second).await.unwrap();
}

async fn renewals_are_rate_limited_and_cool_off(db: TestDb) {
    let config = Config {
        renewals_per_day: 2,
        renewal_cool_off: 3_600_000,
        ..Config::default()
    };
    let h = Harness::with_config(&db, config).await;
    h.app().await;
    renew(&h).await;
    let late = App::new(h.anonymous(0)).await;
    assert_eq!(
        code(late.client.start_renewal(HOLDER_PNO, software()).await),
        "renewalCoolOff"
    );
    h.clock.advance(3_600_001);
    let (_, _, second) = renew(&h).await;
    assert!(!second.identity_id.is_empty());
    h.clock.advance(3_600_001);
    assert_eq!(
        code(late.client.start_renewal(HOLDER_PNO, software()).await),
        "tooManyRequests"
    );
    // A day after the first, the person may renew again.
    h.clock.advance(24 * 3_600_000 - 2 * 3_600_001 + 1);
    late.client
        .start_renewal(HOLDER_PNO, software())
        .await
        .unwrap();
}

/// Relay mode: the service reads the new device's passport itself (PACE, Chip Authentication,
/// Active Authentication, passive authentication on the server), matches it against the holder
/// of the identity being replaced, and the renewal completes; a CA clone does not renew, and an
/// order's token cannot drive a renewal's relay.
async fn a_renewal_in_relay_mode_is_read_by_the_server(db: TestDb) {
    let h = Harness::start(&db).await;
    let old = h.app().await;
    let old_id = old.client.identity_id().unwrap().to_owned();

    // A cloned chip first: the read completes, the step-up fails, the renewal is over.
    let mut thief = App::new(h.anonymous(0)).await;
    let cloned = thief
        .client
        .start_renewal(HOLDER_PNO, software())
        .await
        .unwrap();
    let mut clone = card("se-passport-pace", Some(Fault::CaClone));
    let outcome = thief
        .client
        .relay_renewal(
            &cloned,
            &mrz_key("se-passport-pace"),
            &mut clone,
            &mut |_| {},
        )
        .await
        .unwrap();
    assert!(!outcome.mrtd, "{outcome:?}");
    assert_eq!(outcome.reason.as_deref(), Some("chipInvalid"));
    assert_eq!(code(thief.client.renew(&cloned).await), "stepUpFailed");

    // The genuine passport on a new device renews.
    let mut new = App::new(h.anonymous(0)).await;
    let started = new
        .client
        .start_renewal(HOLDER_PNO, software())
        .await
        .unwrap();
    let mut steps = Vec::new();
    let mut passport = card("se-passport-pace", None);
    let outcome = new
        .client
        .relay_renewal(
            &started,
            &mrz_key("se-passport-pace"),
            &mut passport,
            &mut |p| steps.extend(p.step.clone()),
        )
        .await
        .unwrap();
    assert!(outcome.mrtd, "{outcome:?}");
    assert!(steps.iter().any(|s| s == "DG1"), "{steps:?}");
    // The step-up is done: neither a second relay nor evidence is taken.
    let again = new
        .client
        .relay_renewal(
            &started,
            &mrz_key("se-passport-pace"),
            &mut card("se-passport-pace", None),
            &mut |_| {},
        )
        .await;
    assert_eq!(code(again), "stepUpNotExpected");
    let done = new.client.renew(&started).await.unwrap();
    assert!(done.mrtd);
    assert_eq!(done.replaces, old_id);
    assert_eq!(
        code(old.client.pending_pushes(h.clock.now_secs(), [1; 16]).await),
        "identityRevoked"
    );

    // An order's app token is not a renewal's: its relay is refused on the renewal endpoints.
    let order = h
        .start_order(
            "auth",
            &StartRequest {
                end_user_ip: "192.0.2.10".into(),
                requirement: Some(Requirement {
                    mrtd: true,
                    ..Default::default()
                }),
                ..Default::default()
            },
        )
        .await;
    let picked = new
        .client
        .pickup_autostart(&order.auto_start_token)
        .await
        .unwrap();
    let as_renewal = RenewalStarted {
        response: tapid_identity::service_api::RenewalStartResponse {
            app_token: picked.order.app_token.clone(),
            challenge: B64.encode(&picked.challenge),
            aa_challenge: "0000000000000000".into(),
            expires_at: 0,
        },
        challenge: picked.challenge.clone(),
        aa_challenge: [0; 8],
    };
    let wrong = new
        .client
        .relay_renewal(
            &as_renewal,
            &mrz_key("se-passport-pace"),
            &mut card("se-passport-pace", None),
            &mut |_| {},
        )
        .await;
    assert_eq!(code(wrong), "noSuchOrder");
    assert_eq!(h.collect(&order.order_ref).await["status"], "pending");
}

tapid_test_support::on_both_backends!(
    a_renewal_in_relay_mode_is_read_by_the_server,
    renewal_revokes_the_old_device_and_the_new_one_approves,
    a_passport_of_another_holder_does_not_renew,
    renewals_are_rate_limited_and_cool_off,
);
