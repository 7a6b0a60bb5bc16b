//! The demo page's backend (`/demo`, `/demo/api/*`) over loopback TLS on SQLite, with a manual
//! clock: the page, the QR frame of each second (the very frame of the order's secret), the
//! launch button from 5 s, the messages in Swedish and English as the app picks the order up
//! and approves it, the holder's name, a cancel, and the bounds on sessions.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    missing_docs
)]

mod common;

use axum::http::Method;
use common::harness::Harness;
use serde_json::{Value, json};
use tapid_identity::autostart::{LaunchUrl, RedirectPolicy};
use tapid_identity::client::Https;
use tapid_identity::messages::{Lang, Rfa};
use tapid_identity::qr::{self, QrStartSecret};
use tapid_service::config::{Config, DemoConfig};
use tapid_service::demo::qr_svg;
use tapid_service::store::OrderKey;
use tapid_service::tls::{Party, Role};
use tapid_test_support::backend::TestDb;

fn demo_config(max_sessions: usize) -> Config {
    let mut demo = DemoConfig::new(Party {
        id: "shop".into(),
        role: Role::RelyingParty,
        display_name: "Webbshoppen <AB>".into(),
    });
    demo.max_sessions = max_sessions;
    Config {
        demo: Some(demo),
        ..Config::default()
    }
}

async fn post(page: &Https, path: &str, body: Value) -> (u16, Value) {
    let (status, bytes) = page
        .send(Method::POST, path, Some(serde_json::to_vec(&body).unwrap()))
        .await
        .unwrap();
    let text = String::from_utf8(bytes).unwrap();
    assert!(!text.to_lowercase().contains("secret"), "{text}");
    (status, serde_json::from_str(&text).unwrap())
}

async fn status(page: &Https, session: &str, lang: &str) -> Value {
    let (code, v) = post(
        page,
        "/demo/api/status",
        json!({"session": session, "lang": lang}),
    )
    .await;
    assert_eq!(code, 200, "{v}");
    v
}

async fn start(page: &Https) -> (u16, Value) {
    post(page, "/demo/api/start", json!({"lang": "sv"})).await
}

#[tokio::test]
async fn the_page_is_off_unless_configured() {
    let db = TestDb::sqlite();
    let h = Harness::start(&db).await;
    let page = h.anonymous(0);
    let (code, _) = page.send(Method::GET, "/demo", None).await.unwrap();
    assert_eq!(code, 404);
    let (code, v) = start(&page).await;
    assert_eq!(code, 404);
    assert_eq!(v["errorCode"], "notFound");
}

#[tokio::test]
async fn an_order_from_the_page_runs_to_the_holder_s_name() {
    let db = TestDb::sqlite();
    let h = Harness::with_config(&db, demo_config(8)).await;
    let page = h.anonymous(0);

    let (code, html) = page.send(Method::GET, "/demo", None).await.unwrap();
    assert_eq!(code, 200);
    let html = String::from_utf8(html).unwrap();
    assert!(
        html.contains("Webbshoppen &lt;AB&gt;"),
        "the party's name, escaped"
    );

    let (code, started) = start(&page).await;
    assert_eq!(code, 200, "{started}");
    let session = started["session"].as_str().unwrap().to_owned();
    assert_eq!(session.len(), 32);

    let v = status(&page, &session, "sv").await;
    assert_eq!(v["status"], "pending");
    assert_eq!(v["hintCode"], "outstandingTransaction");
    assert_eq!(v["message"]["id"], "RFA1");
    assert_eq!(v["message"]["text"], Rfa::Rfa1.text(Lang::Sv));
    assert_eq!(v["qr"]["time"], 0);
    assert!(v.get("launch").is_none(), "no button before 5 s: {v}");

    h.clock.advance(4_999);
    let v = status(&page, &session, "en").await;
    assert_eq!(v["qr"]["time"], 4);
    assert_eq!(v["message"]["text"], Rfa::Rfa1.text(Lang::En));
    assert!(v.get("launch").is_none());

    h.clock.advance(1);
    let v = status(&page, &session, "sv").await;
    assert_eq!(v["qr"]["time"], 5);
    assert_eq!(v["launch"]["label"], Rfa::Rfa18.text(Lang::Sv));
    let url = v["launch"]["url"].as_str().unwrap();
    let launch = LaunchUrl::parse(url, &RedirectPolicy::new()).unwrap();

    // The frame shown is the frame of the order's own secret at that second.
    let order = h.instances[0]
        .state
        .store
        .find_order(OrderKey::AutoStartToken(&launch.autostart_token))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(order.rp_id, "shop");
    let secret = QrStartSecret::new(&order.qr_start_secret).unwrap();
    let frame = qr::generate(&order.qr_start_token, &secret, 5).unwrap();
    assert_eq!(v["qr"]["svg"], qr_svg::render(&frame.to_string()).unwrap());

    // The app scans that frame: the service accepts it.
    let app = h.app().await;
    let picked = app.client.pickup_qr(&frame.to_string()).await.unwrap();
    let v = status(&page, &session, "en").await;
    assert_eq!(v["hintCode"], "userSign");
    assert_eq!(v["message"]["id"], "RFA9");
    assert_eq!(v["message"]["text"], Rfa::Rfa9.text(Lang::En));
    assert!(v.get("qr").is_none() && v.get("launch").is_none(), "{v}");
    let v = status(&page, &session, "sv").await;
    assert_eq!(v["message"]["text"], Rfa::Rfa9.text(Lang::Sv));

    app.client.approve(&picked).await.unwrap();
    let v = status(&page, &session, "sv").await;
    assert_eq!(v["status"], "complete");
    assert_eq!(v["holder"]["name"], "Åsa Märta Öberg");
    assert!(v.get("message").is_none());

    // The order is the demo party's: the shop collects it with its own certificate too.
    let collected = h.collect(&order.order_ref).await;
    assert_eq!(collected["status"], "complete");
}

#[tokio::test]
async fn the_page_cancels_and_its_sessions_are_bounded() {
    let db = TestDb::sqlite();
    let h = Harness::with_config(&db, demo_config(1)).await;
    let page = h.anonymous(0);
    let (_, first) = start(&page).await;
    let session = first["session"].as_str().unwrap().to_owned();

    let (code, v) = start(&page).await;
    assert_eq!(code, 429, "{v}");
    assert_eq!(v["errorCode"], "tooManyRequests");

    let (code, v) = post(
        &page,
        "/demo/api/cancel",
        json!({"session": session, "lang": "en"}),
    )
    .await;
    assert_eq!(code, 200, "{v}");
    let v = status(&page, &session, "en").await;
    assert_eq!(v["status"], "cancelled");
    assert_eq!(v["message"]["text"], Rfa::Rfa6.text(Lang::En));

    // A finished session makes room for the next.
    let (code, v) = start(&page).await;
    assert_eq!(code, 200, "{v}");

    let (code, v) = post(
        &page,
        "/demo/api/status",
        json!({"session": "0".repeat(32), "lang": "en"}),
    )
    .await;
    assert_eq!(code, 400);
    assert_eq!(v["errorCode"], "invalidParameters");
    assert_eq!(v["message"]["id"], "RFA22");
}
