//! Durability of `tapid serve` under SIGKILL, on SQLite and on PostgreSQL: an instance killed
//! between any two steps of the flows (identity issued, device enrolled, order started, picked
//! up, passport evidence accepted, order completed) and started again on the same database and
//! TLS directory answers with every identity and order in the state it acknowledged, and the
//! flows complete through the new instance. Orders and identities acknowledged while a burst
//! of requests is in flight survive a kill in the middle of it. With two instances on one PostgreSQL, an order
//! started on one is completed through the other, and killing one leaves the other serving.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    missing_docs
)]

mod deployment;

use deployment::{App, Deployment, HOLDER_PNO, auth, evidence, field, mrtd_sign};
use serde_json::Value;
use tapid_identity::client::Https;
use tapid_service::api::wire::IssueResponse;

async fn jwks(http: &Https) -> Value {
    http.get("/.well-known/jwks.json").await.unwrap()
}

/// Each acknowledged step, then SIGKILL and a new instance: the step's state is there as it
/// was acknowledged, and the next step runs on the new instance.
async fn acknowledged_state_survives_sigkill_at_every_step(db: &str) {
    let tmp = tempfile::tempdir().unwrap();
    let d = Deployment::new(tmp.path(), db);
    let mut n = 0;
    let mut next = || {
        n += 1;
        n
    };
    let s = d.start(next()).await;
    assert!(s.generated_tls);
    let keys = jwks(&d.client(&s, None)).await;

    // An identity issued: its activation code still enrols after the kill.
    let issued = d.issue(&s).await;
    let s = d.restart(s, next()).await;
    let mut app = App::new().await;
    app.enrol(&mut d.app_on(&app, &s), &issued.activation_code)
        .await;
    assert_eq!(
        app.identity_id.as_deref(),
        Some(issued.identity_id.as_str())
    );

    // Enrolled: the code is used up for good, and the device key acts for the identity.
    let s = d.restart(s, next()).await;
    let reused = d
        .app_on(&App::new().await, &s)
        .enrol(&issued.activation_code, deployment::software())
        .await
        .unwrap_err();
    assert_eq!(reused.error_code(), Some("activationInvalid"), "{reused}");

    // An auth order started: outstanding after the kill.
    let rp = d.rp(&s);
    let auth_order = rp.start("auth", &auth()).await;
    let auth_ref = field(&auth_order, "orderRef").to_owned();
    let outstanding = rp.collect(&auth_ref).await;
    assert_eq!(
        outstanding["hintCode"], "outstandingTransaction",
        "{outstanding}"
    );
    let s = d.restart(s, next()).await;
    assert_eq!(d.rp(&s).collect(&auth_ref).await, outstanding);

    // Picked up: still the app's after the kill; another pickup of it is refused.
    let auth_picked = d
        .app_on(&app, &s)
        .pickup_autostart(field(&auth_order, "autoStartToken"))
        .await
        .unwrap();
    let picked_state = d.rp(&s).collect(&auth_ref).await;
    assert_eq!(picked_state["hintCode"], "userSign", "{picked_state}");
    let s = d.restart(s, next()).await;
    assert_eq!(d.rp(&s).collect(&auth_ref).await, picked_state);
    let again = d
        .app_on(&app, &s)
        .pickup_autostart(field(&auth_order, "autoStartToken"))
        .await
        .unwrap_err();
    assert_eq!(again.error_code(), Some("alreadyPickedUp"), "{again}");

    // A sign order with the passport step-up, started and picked up.
    let sign_order = d.rp(&s).start("sign", &mrtd_sign()).await;
    let sign_ref = field(&sign_order, "orderRef").to_owned();
    let sign_picked = d
        .app_on(&app, &s)
        .pickup_autostart(field(&sign_order, "autoStartToken"))
        .await
        .unwrap();
    let awaiting_mrtd = d.rp(&s).collect(&sign_ref).await;
    assert_eq!(awaiting_mrtd["hintCode"], "userMrtd", "{awaiting_mrtd}");
    let s = d.restart(s, next()).await;
    assert_eq!(d.rp(&s).collect(&sign_ref).await, awaiting_mrtd);

    // Evidence accepted: the step-up's verdict stays; approving needs no second read.
    let bundle = evidence(&sign_picked).await;
    let outcome = d
        .app_on(&app, &s)
        .send_evidence(&sign_picked, &bundle)
        .await
        .unwrap();
    assert!(outcome.mrtd, "{outcome:?}\n{}", s.log_text());
    let stepped_up = d.rp(&s).collect(&sign_ref).await;
    assert_eq!(stepped_up["hintCode"], "userSign", "{stepped_up}");
    let s = d.restart(s, next()).await;
    assert_eq!(d.rp(&s).collect(&sign_ref).await, stepped_up);
    let twice = d
        .app_on(&app, &s)
        .send_evidence(&sign_picked, &bundle)
        .await
        .unwrap_err();
    assert_eq!(twice.error_code(), Some("stepUpNotExpected"), "{twice}");

    // Both complete through the new instance (the app's session tokens outlived the kills).
    let client = d.app_on(&app, &s);
    client.approve(&auth_picked).await.unwrap();
    client.approve(&sign_picked).await.unwrap();
    let rp = d.rp(&s);
    let auth_done = rp.collect(&auth_ref).await;
    let sign_done = rp.collect(&sign_ref).await;
    for done in [&auth_done, &sign_done] {
        assert_eq!(done["status"], "complete", "{done}");
        assert_eq!(done["completionData"]["user"]["personalNumber"], HOLDER_PNO);
    }
    assert_eq!(
        sign_done["completionData"]["stepUp"]["mrtd"], true,
        "{sign_done}"
    );

    // Completed: the completion data kept for audit is the same after the kill, signed with
    // the same service key.
    let s = d.restart(s, next()).await;
    let rp = d.rp(&s);
    assert_eq!(rp.collect(&auth_ref).await, auth_done);
    assert_eq!(rp.collect(&sign_ref).await, sign_done);
    assert_eq!(jwks(&d.client(&s, None)).await, keys);
    s.sigkill();
}

/// What a client of the burst had answered.
enum Acked {
    /// An order started (its reference).
    Order(String),
    /// An identity issued (its activation code).
    Identity(String),
}

/// Orders started by concurrent relying-party clients and identities issued by concurrent
/// issuer clients while the instance is SIGKILLed: after the restart every answered start is
/// an outstanding order, and every answered issue's activation code enrols a device.
async fn writes_acknowledged_in_a_burst_survive_a_sigkill(db: &str) {
    /// Relying-party clients; as many issuer clients.
    const CLIENTS: usize = 4;
    /// Answered requests before the kill.
    const BEFORE_KILL: usize = 24;
    /// Requests each client sends at most (the kill ends them first).
    const PER_CLIENT: usize = 500;
    let tmp = tempfile::tempdir().unwrap();
    let d = Deployment::new(tmp.path(), db);
    let s = d.start(1).await;
    let (acked, mut answers) = tokio::sync::mpsc::unbounded_channel::<Acked>();
    let mut tasks = Vec::new();
    for _ in 0..CLIENTS {
        let (rp, issuer) = (d.client(&s, Some("rp")), d.client(&s, Some("issuer")));
        let (orders, identities) = (acked.clone(), acked.clone());
        tasks.push(tokio::spawn(async move {
            for _ in 0..PER_CLIENT {
                let Ok(order) = rp.post::<_, Value>("/rp/v6.0/auth", &auth()).await else {
                    break;
                };
                if orders
                    .send(Acked::Order(field(&order, "orderRef").to_owned()))
                    .is_err()
                {
                    break;
                }
            }
        }));
        tasks.push(tokio::spawn(async move {
            for _ in 0..PER_CLIENT {
                let Ok(issued) = issuer
                    .post::<_, IssueResponse>("/issuer/v1/identities", &deployment::holder())
                    .await
                else {
                    break;
                };
                if identities
                    .send(Acked::Identity(issued.activation_code))
                    .is_err()
                {
                    break;
                }
            }
        }));
    }
    drop(acked);
    let mut answered = Vec::new();
    while answered.len() < BEFORE_KILL {
        answered.push(answers.recv().await.expect("the clients answered"));
    }
    // The clients are still sending: kill the instance under them.
    s.sigkill();
    for t in tasks {
        t.await.unwrap();
    }
    while let Some(a) = answers.recv().await {
        answered.push(a);
    }
    eprintln!("{} requests answered before the kill", answered.len());
    let s = d.start(2).await;
    let rp = d.rp(&s);
    for a in &answered {
        match a {
            Acked::Order(r) => {
                let c = rp.collect(r).await;
                assert_eq!(c["status"], "pending", "{r}: {c}");
                assert_eq!(c["hintCode"], "outstandingTransaction", "{r}: {c}");
            }
            Acked::Identity(code) => {
                let mut app = App::new().await;
                app.enrol(&mut d.app_on(&app, &s), code).await;
            }
        }
    }
    s.sigkill();
}

mod sqlite {
    fn db(dir: &tempfile::TempDir) -> String {
        format!("sqlite:{}", dir.path().join("db/tapid.db").display())
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn acknowledged_state_survives_sigkill_at_every_step() {
        let dir = tempfile::tempdir().unwrap();
        super::acknowledged_state_survives_sigkill_at_every_step(&db(&dir)).await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn writes_acknowledged_in_a_burst_survive_a_sigkill() {
        let dir = tempfile::tempdir().unwrap();
        super::writes_acknowledged_in_a_burst_survive_a_sigkill(&db(&dir)).await;
    }
}

mod postgres {
    use super::*;

    // Each skips when the test PostgreSQL (scripts/postgres.sh) is not running, and fails
    // instead under TAPID_REQUIRE_POSTGRES=1 (CI).

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn acknowledged_state_survives_sigkill_at_every_step() {
        if let Some(db) = tapid_test_support::postgres::fresh_database().await {
            super::acknowledged_state_survives_sigkill_at_every_step(&db).await;
        }
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn writes_acknowledged_in_a_burst_survive_a_sigkill() {
        if let Some(db) = tapid_test_support::postgres::fresh_database().await {
            super::writes_acknowledged_in_a_burst_survive_a_sigkill(&db).await;
        }
    }

    /// Two instances on one database: an order started on A is picked up, stepped up and
    /// completed through B; A SIGKILLed with an order picked up through B, B keeps serving:
    /// health, collect, the open order completed, a new order.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn an_order_moves_between_instances_and_one_survives_the_others_kill() {
        let Some(db) = tapid_test_support::postgres::fresh_database().await else {
            return;
        };
        let tmp = tempfile::tempdir().unwrap();
        let d = Deployment::new(tmp.path(), &db);
        let a = d.start(1).await;
        let b = d.start(2).await;
        assert!(a.generated_tls && !b.generated_tls);
        let issued = d.issue(&a).await;
        let mut app = App::new().await;
        app.enrol(&mut d.app_on(&app, &b), &issued.activation_code)
            .await;

        let order = d.rp(&a).start("sign", &mrtd_sign()).await;
        let order_ref = field(&order, "orderRef").to_owned();
        let on_b = d.app_on(&app, &b);
        let picked = on_b
            .pickup_autostart(field(&order, "autoStartToken"))
            .await
            .unwrap();
        assert_eq!(d.rp(&a).collect(&order_ref).await["hintCode"], "userMrtd");
        let outcome = on_b
            .send_evidence(&picked, &evidence(&picked).await)
            .await
            .unwrap();
        assert!(outcome.mrtd, "{outcome:?}");
        on_b.approve(&picked).await.unwrap();
        let done = d.rp(&a).collect(&order_ref).await;
        assert_eq!(done["status"], "complete", "{done}");
        assert_eq!(done["completionData"]["stepUp"]["mrtd"], true, "{done}");
        assert_eq!(d.rp(&b).collect(&order_ref).await, done);

        // An order started on A and picked up through B, then A is gone.
        let open = d.rp(&a).start("auth", &auth()).await;
        let open_picked = on_b
            .pickup_autostart(field(&open, "autoStartToken"))
            .await
            .unwrap();
        a.sigkill();
        assert_eq!(
            deployment::wait_healthy(&d.client(&b, None)).await["status"],
            "ok"
        );
        let rp = d.rp(&b);
        assert_eq!(rp.collect(&order_ref).await, done);
        on_b.approve(&open_picked).await.unwrap();
        let open_done = rp.collect(field(&open, "orderRef")).await;
        assert_eq!(open_done["status"], "complete", "{open_done}");
        let new = rp.start("auth", &auth()).await;
        let new_picked = on_b
            .pickup_autostart(field(&new, "autoStartToken"))
            .await
            .unwrap();
        on_b.approve(&new_picked).await.unwrap();
        let new_done = rp.collect(field(&new, "orderRef")).await;
        assert_eq!(new_done["status"], "complete", "{new_done}");
        assert_eq!(
            new_done["completionData"]["user"]["personalNumber"],
            HOLDER_PNO
        );
        b.sigkill();
    }
}
