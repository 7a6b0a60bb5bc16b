//! Several service instances on one database, as a deployment scales out: an order started on
//! one instance is picked up, stepped up and completed through another, and when apps on
//! different instances race to pick up the same order, exactly one wins — on SQLite (two
//! instances on one file) and on PostgreSQL alike.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    missing_docs
)]

mod common;

use std::sync::Arc;

use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;
use common::harness::{Harness, evidence};
use tapid_identity::qr::{QrStartSecret, generate};
use tapid_service::api::wire::{Requirement, StartRequest, StartResponse};
use tapid_test_support::backend::TestDb;

fn mrtd_sign() -> StartRequest {
    StartRequest {
        end_user_ip: "192.0.2.10".into(),
        user_visible_data: Some(B64.encode("Överför 250 000 kr")),
        requirement: Some(Requirement {
            mrtd: true,
            ..Default::default()
        }),
        ..Default::default()
    }
}

async fn an_order_started_on_one_instance_completes_through_another(db: TestDb) {
    let mut h = Harness::start(&db).await;
    h.add_instance(&db).await;
    let app = h.app_on(1).await;
    let order: StartResponse = h
        .shop_on(0)
        .post("/rp/v6.0/sign", &mrtd_sign())
        .await
        .unwrap();
    let secret = QrStartSecret::new(&order.qr_start_secret).unwrap();
    let frame = generate(&order.qr_start_token, &secret, 0)
        .unwrap()
        .to_string();
    let picked = app.client.pickup_qr(&frame).await.unwrap();
    let bundle = evidence("se-passport-pace", None, picked.aa_challenge.unwrap()).await;
    assert!(
        app.client
            .send_evidence(&picked, &bundle)
            .await
            .unwrap()
            .mrtd
    );
    app.client.approve(&picked).await.unwrap();
    let body = serde_json::json!({"orderRef": order.order_ref});
    let on_0: serde_json::Value = h.shop_on(0).post("/rp/v6.0/collect", &body).await.unwrap();
    let on_1: serde_json::Value = h.shop_on(1).post("/rp/v6.0/collect", &body).await.unwrap();
    assert_eq!(on_0["completionData"]["stepUp"]["mrtd"], true, "{on_0}");
    assert_eq!(on_0, on_1);
    // One instance gone: the other keeps serving the same state.
    h.instances.remove(0);
    let after: serde_json::Value = h.shop_on(0).post("/rp/v6.0/collect", &body).await.unwrap();
    assert_eq!(after, on_1);
}

async fn apps_racing_on_two_instances_yield_exactly_one_pickup(db: TestDb) {
    let mut h = Harness::start(&db).await;
    h.add_instance(&db).await;
    let mut apps = Vec::new();
    for i in 0..8 {
        apps.push(Arc::new(h.app_on(i % 2).await));
    }
    for round in 0..3 {
        let order = h
            .start_order(
                "auth",
                &StartRequest {
                    end_user_ip: "192.0.2.10".into(),
                    ..Default::default()
                },
            )
            .await;
        let token = Arc::new(order.auto_start_token.clone());
        let tasks: Vec<_> = apps
            .iter()
            .map(|app| {
                let app = Arc::clone(app);
                let token = Arc::clone(&token);
                tokio::spawn(async move { app.client.pickup_autostart(&token).await })
            })
            .collect();
        let mut won = 0;
        for t in tasks {
            match t.await.unwrap() {
                Ok(_) => won += 1,
                Err(e) => assert_eq!(
                    e.error_code(),
                    Some("alreadyPickedUp"),
                    "round {round}: {e}"
                ),
            }
        }
        assert_eq!(won, 1, "round {round}");
        assert_eq!(h.collect(&order.order_ref).await["hintCode"], "userSign");
    }
}

tapid_test_support::on_both_backends!(
    an_order_started_on_one_instance_completes_through_another,
    apps_racing_on_two_instances_yield_exactly_one_pickup,
);
