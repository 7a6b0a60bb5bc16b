//! Push approvals and the offline-code fallback, end to end over loopback TLS on SQLite and
//! PostgreSQL: an order for a named person is pushed to that person's device, which polls
//! (signed, timestamped, never twice), picks it up and approves or declines it; with no
//! network the user types the offline code instead — right once, wrong five times and locked
//! (also across a restart of the service), expired after 90 s.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    missing_docs
)]

mod common;

use axum::http::Method;
use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;
use common::harness::{App, HOLDER_PNO, Harness, software};
use tapid_identity::client::{AppClient, ClientError, Https};
use tapid_identity::service_api::{self as api, EnrolResponse};
use tapid_service::api::wire::{Requirement, StartRequest};
use tapid_service::clock::Clock;
use tapid_service::config::Config;
use tapid_service::jws::{self, JwkSet};
use tapid_test_support::backend::TestDb;

fn for_holder() -> StartRequest {
    StartRequest {
        end_user_ip: "192.0.2.10".into(),
        user_visible_data: Some(B64.encode("Godkänn betalning 499 kr")),
        requirement: Some(Requirement {
            personal_number: Some(HOLDER_PNO.into()),
            ..Default::default()
        }),
        ..Default::default()
    }
}

fn code<T: std::fmt::Debug>(r: Result<T, ClientError>) -> String {
    r.unwrap_err().error_code().unwrap_or("none").to_owned()
}

/// An app enrolled for the holder, with what enrolment returned (the OCRA secret).
async fn enrolled(h: &Harness) -> (App, EnrolResponse) {
    let issued = h.issue(HOLDER_PNO, "Åsa Märta", "Öberg").await;
    let mut app = App::new(h.anonymous(0)).await;
    let enrolment = app
        .client
        .enrol(&issued.activation_code, software())
        .await
        .unwrap();
    (app, enrolment)
}

/// A relying-party call whose error body (with `attemptsLeft`) the test reads.
async fn rp_call(rp: &Https, path: &str, body: serde_json::Value) -> (u16, serde_json::Value) {
    let (status, bytes) = rp
        .send(Method::POST, path, Some(serde_json::to_vec(&body).unwrap()))
        .await
        .unwrap();
    (status, serde_json::from_slice(&bytes).unwrap())
}

async fn challenge(h: &Harness, order_ref: &str) -> (u16, serde_json::Value) {
    rp_call(
        &h.shop(),
        api::OFFLINE_CHALLENGE,
        serde_json::json!({"orderRef": order_ref}),
    )
    .await
}

async fn verify(h: &Harness, order_ref: &str, response: &str) -> (u16, serde_json::Value) {
    rp_call(
        &h.shop(),
        api::OFFLINE_VERIFY,
        serde_json::json!({"orderRef": order_ref, "response": response}),
    )
    .await
}

fn now(h: &Harness) -> i64 {
    h.clock.now_secs()
}

async fn a_push_is_approved_with_the_device_key(db: TestDb) {
    let h = Harness::start(&db).await;
    let app = h.app().await;
    let none = app.client.pending_pushes(now(&h), [1; 16]).await.unwrap();
    assert!(none.pushes.is_empty());
    assert_eq!(none.server_time, now(&h));
    let order = h.start_order("auth", &for_holder()).await;
    h.clock.advance(45_000); // beyond the 30 s of a QR order: a push waits 90 s
    let list = app.client.pending_pushes(now(&h), [2; 16]).await.unwrap();
    assert_eq!(list.pushes.len(), 1, "{list:?}");
    let push = &list.pushes[0];
    assert_eq!(push.kind, "auth");
    assert_eq!(push.relying_party, "shop");
    assert_eq!(push.expires_at, now(&h) - 45 + 90);
    assert_eq!(
        push.user_visible_data.as_deref(),
        for_holder().user_visible_data.as_deref()
    );
    // The same signed poll again is a replay; a poll from another time is stale.
    assert_eq!(
        code(app.client.pending_pushes(now(&h), [2; 16]).await),
        "requestReplayed"
    );
    assert_eq!(
        code(app.client.pending_pushes(now(&h) - 61, [3; 16]).await),
        "requestStale"
    );
    let picked = app.client.pickup_push(push).await.unwrap();
    assert_eq!(h.collect(&order.order_ref).await["hintCode"], "userSign");
    assert_eq!(code(app.client.pickup_push(push).await), "alreadyPickedUp");
    let after = app.client.pending_pushes(now(&h), [4; 16]).await.unwrap();
    assert!(
        after.pushes.is_empty(),
        "a picked-up push is no longer pending"
    );
    assert_eq!(
        app.client.approve(&picked).await.unwrap().status,
        "complete"
    );
    let done = h.collect(&order.order_ref).await;
    let data = &done["completionData"];
    assert_eq!(data["user"]["personalNumber"], HOLDER_PNO);
    assert_eq!(data["approval"]["method"], "deviceKey");
    assert_eq!(data["approval"]["via"], "push");
    let set: JwkSet = h.anonymous(0).get("/.well-known/jwks.json").await.unwrap();
    let claims = jws::verify(data["signature"].as_str().unwrap(), &set).unwrap();
    assert_eq!(claims["approval"]["via"], "push");
}

async fn a_push_is_declined(db: TestDb) {
    let h = Harness::start(&db).await;
    let app = h.app().await;
    let order = h.start_order("sign", &for_holder()).await;
    let list = app.client.pending_pushes(now(&h), [1; 16]).await.unwrap();
    let picked = app.client.pickup_push(&list.pushes[0]).await.unwrap();
    assert_eq!(picked.order.kind, "sign");
    assert_eq!(app.client.decline(&picked).await.unwrap().status, "failed");
    let failed = h.collect(&order.order_ref).await;
    assert_eq!(failed["status"], "failed");
    assert_eq!(failed["hintCode"], "userCancel");
}

async fn a_push_expires_with_its_order(db: TestDb) {
    let h = Harness::start(&db).await;
    let app = h.app().await;
    let order = h.start_order("auth", &for_holder()).await;
    let list = app.client.pending_pushes(now(&h), [1; 16]).await.unwrap();
    h.clock.advance(90_001);
    assert_eq!(
        code(app.client.pickup_push(&list.pushes[0]).await),
        "pickupWindowClosed"
    );
    let later = app.client.pending_pushes(now(&h), [2; 16]).await.unwrap();
    assert!(later.pushes.is_empty());
    assert_eq!(h.collect(&order.order_ref).await["hintCode"], "startFailed");
}

async fn the_offline_code_completes_the_order(db: TestDb) {
    let h = Harness::start(&db).await;
    let (_app, enrolment) = enrolled(&h).await;
    let order = h.start_order("auth", &for_holder()).await;
    // Only the relying party that owns the order gets its challenge.
    let (status, body) = rp_call(
        &h.other_rp(),
        api::OFFLINE_CHALLENGE,
        serde_json::json!({"orderRef": order.order_ref}),
    )
    .await;
    assert_eq!(
        (status, body["errorCode"].as_str()),
        (400, Some("invalidParameters"))
    );
    let (status, shown) = challenge(&h, &order.order_ref).await;
    assert_eq!(status, 200, "{shown}");
    assert_eq!(shown["attemptsLeft"], 5);
    assert_eq!(shown["expiresAt"], now(&h) + 90);
    let digits = shown["challenge"].as_str().unwrap().to_owned();
    assert_eq!(digits.len(), 8);
    // Asked again, the same challenge.
    assert_eq!(challenge(&h, &order.order_ref).await.1["challenge"], digits);
    // The user types it 40 s later; the phone's clock is 65 s behind (inside the window).
    h.clock.advance(40_000);
    let device_time = u64::try_from(now(&h) - 65).unwrap();
    let response = AppClient::offline_code(&enrolment.ocra_secret, &digits, device_time).unwrap();
    let (status, ok) = verify(&h, &order.order_ref, &response).await;
    assert_eq!(
        (status, ok["status"].as_str()),
        (200, Some("complete")),
        "{ok}"
    );
    let (status, again) = verify(&h, &order.order_ref, &response).await;
    assert_eq!(
        (status, again["errorCode"].as_str()),
        (409, Some("orderClosed"))
    );
    let done = h.collect(&order.order_ref).await;
    assert_eq!(done["status"], "complete");
    let data = &done["completionData"];
    assert_eq!(data["user"]["personalNumber"], HOLDER_PNO);
    assert_eq!(data["approval"]["method"], "offlineCode");
    assert_eq!(data["approval"]["suite"], "OCRA-1:HOTP-SHA256-8:QN08-T30S");
    let offset = data["approval"]["stepOffset"].as_i64().unwrap();
    assert!((-3..=-2).contains(&offset), "{offset}");
    let set: JwkSet = h.anonymous(0).get("/.well-known/jwks.json").await.unwrap();
    let claims = jws::verify(data["signature"].as_str().unwrap(), &set).unwrap();
    assert_eq!(claims["approval"]["method"], "offlineCode");
    assert_eq!(claims["identityId"], enrolment.identity_id.as_str());
}

async fn five_wrong_offline_codes_lock_it_across_a_restart(db: TestDb) {
    let mut h = Harness::start(&db).await;
    let (_app, enrolment) = enrolled(&h).await;
    let order = h.start_order("auth", &for_holder()).await;
    let digits = challenge(&h, &order.order_ref).await.1["challenge"]
        .as_str()
        .unwrap()
        .to_owned();
    for left in [4, 3, 2] {
        let (status, body) = verify(&h, &order.order_ref, "00000000").await;
        assert_eq!(status, 400, "{body}");
        assert_eq!(body["errorCode"], "offlineCodeWrong");
        assert_eq!(body["attemptsLeft"], left);
    }
    // A new instance on the same database: the attempts are in the store, not in memory.
    h.instances.clear();
    h.add_instance(&db).await;
    let (_, body) = verify(&h, &order.order_ref, "1234").await;
    assert_eq!(
        (body["errorCode"].as_str(), body["attemptsLeft"].as_i64()),
        (Some("offlineCodeWrong"), Some(1))
    );
    let (status, body) = verify(&h, &order.order_ref, "00000000").await;
    assert_eq!(status, 429);
    assert_eq!(
        (body["errorCode"].as_str(), body["attemptsLeft"].as_i64()),
        (Some("locked"), Some(0))
    );
    // The sixth, even right, is refused; no new challenge either.
    let right = AppClient::offline_code(
        &enrolment.ocra_secret,
        &digits,
        u64::try_from(now(&h)).unwrap(),
    )
    .unwrap();
    assert_eq!(
        verify(&h, &order.order_ref, &right).await.1["errorCode"],
        "locked"
    );
    assert_eq!(
        challenge(&h, &order.order_ref).await.1["errorCode"],
        "locked"
    );
    assert_eq!(h.collect(&order.order_ref).await["status"], "pending");
}

async fn an_expired_offline_code_is_refused_and_a_new_one_issued(db: TestDb) {
    let config = Config {
        push_window: 180_000,
        ..Config::default()
    };
    let h = Harness::with_config(&db, config).await;
    let (_app, enrolment) = enrolled(&h).await;
    let order = h.start_order("auth", &for_holder()).await;
    let first = challenge(&h, &order.order_ref).await.1["challenge"]
        .as_str()
        .unwrap()
        .to_owned();
    h.clock.advance(91_000);
    let late = AppClient::offline_code(
        &enrolment.ocra_secret,
        &first,
        u64::try_from(now(&h)).unwrap(),
    )
    .unwrap();
    let (_, body) = verify(&h, &order.order_ref, &late).await;
    assert_eq!(body["errorCode"], "offlineCodeExpired", "{body}");
    assert_eq!(body["attemptsLeft"], 5);
    let (_, renewed) = challenge(&h, &order.order_ref).await;
    let second = renewed["challenge"].as_str().unwrap().to_owned();
    assert_ne!(second, first);
    assert_eq!(renewed["expiresAt"], now(&h) + 90);
    let response = AppClient::offline_code(
        &enrolment.ocra_secret,
        &second,
        u64::try_from(now(&h)).unwrap(),
    )
    .unwrap();
    assert_eq!(
        verify(&h, &order.order_ref, &response).await.1["status"],
        "complete"
    );
}

async fn wrong_offline_codes_across_orders_lock_the_identity(db: TestDb) {
    let config = Config {
        offline_identity_max_failures: 3,
        ..Config::default()
    };
    let h = Harness::with_config(&db, config).await;
    let (_app, _enrolment) = enrolled(&h).await;
    let first = h.start_order("auth", &for_holder()).await;
    challenge(&h, &first.order_ref).await;
    for _ in 0..3 {
        assert_eq!(
            verify(&h, &first.order_ref, "00000000").await.1["errorCode"],
            "offlineCodeWrong"
        );
    }
    let _: serde_json::Value = h
        .shop()
        .post(
            "/rp/v6.0/cancel",
            &serde_json::json!({"orderRef": first.order_ref}),
        )
        .await
        .unwrap();
    let second = h.start_order("auth", &for_holder()).await;
    let (status, body) = challenge(&h, &second.order_ref).await;
    assert_eq!((status, body["errorCode"].as_str()), (429, Some("locked")));
}

async fn offline_codes_need_a_push_and_no_step_up(db: TestDb) {
    let h = Harness::start(&db).await;
    // No identity enrolled for the person: nothing was pushed.
    let order = h.start_order("auth", &for_holder()).await;
    assert_eq!(
        challenge(&h, &order.order_ref).await.1["errorCode"],
        "noSuchOrder"
    );
    assert_eq!(
        verify(&h, &order.order_ref, "12345678").await.1["errorCode"],
        "noSuchOrder"
    );
    let _: serde_json::Value = h
        .shop()
        .post(
            "/rp/v6.0/cancel",
            &serde_json::json!({"orderRef": order.order_ref}),
        )
        .await
        .unwrap();
    h.app().await;
    let mut mrtd = for_holder();
    mrtd.requirement.as_mut().unwrap().mrtd = true;
    let order = h.start_order("sign", &mrtd).await;
    assert_eq!(
        challenge(&h, &order.order_ref).await.1["errorCode"],
        "stepUpRequired"
    );
}

async fn racing_instances_neither_count_past_the_limit_nor_both_accept(db: TestDb) {
    let mut h = Harness::start(&db).await;
    h.add_instance(&db).await;
    let (_app, enrolment) = enrolled(&h).await;
    let order = h.start_order("auth", &for_holder()).await;
    let digits = challenge(&h, &order.order_ref).await.1["challenge"]
        .as_str()
        .unwrap()
        .to_owned();
    let right = AppClient::offline_code(
        &enrolment.ocra_secret,
        &digits,
        u64::try_from(now(&h)).unwrap(),
    )
    .unwrap();
    // Two right answers at once, one through each instance: exactly one completes the order.
    let body = |r: &str| serde_json::json!({"orderRef": order.order_ref, "response": r});
    let (rp0, rp1) = (h.shop_on(0), h.shop_on(1));
    let (a, b) = tokio::join!(
        rp_call(&rp0, api::OFFLINE_VERIFY, body(&right)),
        rp_call(&rp1, api::OFFLINE_VERIFY, body(&right)),
    );
    let mut outcomes = [
        a.1["status"]
            .as_str()
            .or(a.1["errorCode"].as_str())
            .unwrap()
            .to_owned(),
        b.1["status"]
            .as_str()
            .or(b.1["errorCode"].as_str())
            .unwrap()
            .to_owned(),
    ];
    outcomes.sort();
    assert_eq!(outcomes, ["complete", "orderClosed"]);

    // Eight wrong answers at once over both instances: five are counted, never more.
    let second = h.start_order("auth", &for_holder()).await;
    challenge(&h, &second.order_ref).await;
    let wrong = serde_json::json!({"orderRef": second.order_ref, "response": "00000000"});
    let calls: Vec<_> = (0..8)
        .map(|i| {
            let rp = h.shop_on(i % 2);
            let wrong = wrong.clone();
            tokio::spawn(async move { rp_call(&rp, api::OFFLINE_VERIFY, wrong).await })
        })
        .collect();
    let mut wrongs = Vec::new();
    let mut locked = 0;
    for c in calls {
        let (_, body) = c.await.unwrap();
        match body["errorCode"].as_str().unwrap() {
            "offlineCodeWrong" => wrongs.push(body["attemptsLeft"].as_i64().unwrap()),
            "locked" => locked += 1,
            other => panic!("{other}"),
        }
    }
    wrongs.sort();
    assert_eq!(wrongs, [1, 2, 3, 4], "each wrong answer counted once");
    assert_eq!(locked, 4);
    let stored = h.instances[0]
        .state
        .store
        .find_offline_code(&second.order_ref)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.attempts, 5);
}

tapid_test_support::on_both_backends!(
    racing_instances_neither_count_past_the_limit_nor_both_accept,
    a_push_is_approved_with_the_device_key,
    a_push_is_declined,
    a_push_expires_with_its_order,
    the_offline_code_completes_the_order,
    five_wrong_offline_codes_lock_it_across_a_restart,
    an_expired_offline_code_is_refused_and_a_new_one_issued,
    wrong_offline_codes_across_orders_lock_the_identity,
    offline_codes_need_a_push_and_no_step_up,
);
