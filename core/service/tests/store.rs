//! The storage suite, run on SQLite and on PostgreSQL alike: records round-trip through every
//! lookup, compare-and-set lets exactly one of racing writers win, one open order per personal
//! number, evidence purged after its retention, and everything survives reopening the database.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    missing_docs
)]

use std::sync::Arc;

use tapid_service::store::{
    IdentityKey, IdentityRecord, IdentityStatus, OrderKey, OrderKind, OrderRecord, Phase, Pickup,
    Store, StoreError,
};
use tapid_test_support::backend::TestDb;

/// Opens the test database's store (migrating it).
async fn open(db: &TestDb) -> Store {
    Store::open(db.spec()).await.unwrap()
}

fn order(n: u8) -> OrderRecord {
    OrderRecord {
        order_ref: format!("00000000-0000-4000-8000-0000000000{n:02x}"),
        rp_id: "shop".into(),
        kind: OrderKind::Sign,
        phase: Phase::Outstanding,
        hint_code: Some("outstandingTransaction".into()),
        version: 0,
        created_at: 1_000 + i64::from(n),
        updated_at: 1_000,
        qr_start_token: format!("10000000-0000-4000-8000-0000000000{n:02x}"),
        qr_start_secret: format!("secret-{n}"),
        auto_start_token: format!("20000000-0000-4000-8000-0000000000{n:02x}"),
        end_user_ip: "192.0.2.1".into(),
        requirement: r#"{"mrtd":true}"#.into(),
        user_visible_data: Some("SGVq".into()),
        user_non_visible_data: None,
        user_visible_data_format: Some("simpleMarkdownV1".into()),
        return_url: None,
        pending_pno: None,
        challenge: vec![n; 32],
        aa_challenge: vec![n; 8],
        picked_up_at: None,
        pickup: None,
        identity_id: None,
        app_token_hash: None,
        device_ip: None,
        step_up: None,
        evidence: None,
        evidence_delete_at: None,
        completion: None,
        finished_at: None,
    }
}

fn identity(n: u8) -> IdentityRecord {
    IdentityRecord {
        identity_id: format!("30000000-0000-4000-8000-0000000000{n:02x}"),
        issuer_id: "bank".into(),
        personal_number: "198503142385".into(),
        given_name: "Åsa Märta".into(),
        surname: "Öberg".into(),
        status: IdentityStatus::Issued,
        version: 0,
        created_at: 5,
        updated_at: 5,
        activation_hash: Some(format!("hash-{n}")),
        activation_expires_at: 9_999,
        device_public_key: None,
        attestation_kind: None,
        attestation: None,
        ocra_secret: None,
        enrolled_at: None,
        revoked_at: None,
        replaced_by: None,
    }
}

async fn orders_round_trip_through_every_key(db: TestDb) {
    let store = open(&db).await;
    let mut o = order(1);
    o.pending_pno = Some("198503142385".into());
    o.app_token_hash = Some("apphash".into());
    o.evidence = Some(vec![0, 1, 2, 255]);
    o.pickup = Some(Pickup::Autostart);
    o.picked_up_at = Some(-7);
    store.insert_order(&o).await.unwrap();
    for key in [
        OrderKey::Ref(&o.order_ref),
        OrderKey::QrStartToken(&o.qr_start_token),
        OrderKey::AutoStartToken(&o.auto_start_token),
        OrderKey::AppTokenHash("apphash"),
        OrderKey::PendingPersonalNumber("198503142385"),
    ] {
        assert_eq!(
            store.find_order(key).await.unwrap().as_ref(),
            Some(&o),
            "{key:?}"
        );
    }
    assert_eq!(store.find_order(OrderKey::Ref("nope")).await.unwrap(), None);
}

async fn compare_and_set_lets_one_writer_win(db: TestDb) {
    let store = open(&db).await;
    let o = order(2);
    store.insert_order(&o).await.unwrap();
    let mut first = o.clone();
    let mut second = o.clone();
    first.phase = Phase::PickedUp;
    first.identity_id = Some("one".into());
    second.phase = Phase::PickedUp;
    second.identity_id = Some("two".into());
    assert!(store.update_order(&mut first).await.unwrap());
    assert_eq!(first.version, 1);
    assert!(!store.update_order(&mut second).await.unwrap());
    assert_eq!(second.version, 0);
    let stored = store
        .find_order(OrderKey::Ref(&o.order_ref))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored, first);
}

async fn racing_writers_from_many_tasks_yield_one_winner(db: TestDb) {
    let store = Arc::new(open(&db).await);
    let o = order(3);
    store.insert_order(&o).await.unwrap();
    let mut tasks = Vec::new();
    for i in 0..16 {
        let store = Arc::clone(&store);
        let mut mine = o.clone();
        tasks.push(tokio::spawn(async move {
            mine.phase = Phase::PickedUp;
            mine.identity_id = Some(format!("app-{i}"));
            store.update_order(&mut mine).await.unwrap().then_some(i)
        }));
    }
    let mut winners = Vec::new();
    for t in tasks {
        winners.extend(t.await.unwrap());
    }
    assert_eq!(winners.len(), 1, "{winners:?}");
    let stored = store
        .find_order(OrderKey::Ref(&o.order_ref))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.identity_id, Some(format!("app-{}", winners[0])));
    assert_eq!(stored.version, 1);
}

async fn one_open_order_per_personal_number(db: TestDb) {
    let store = open(&db).await;
    let mut a = order(4);
    a.pending_pno = Some("198503142385".into());
    store.insert_order(&a).await.unwrap();
    let mut b = order(5);
    b.pending_pno = a.pending_pno.clone();
    assert_eq!(store.insert_order(&b).await, Err(StoreError::Conflict));
    // A token collision is a conflict too.
    let mut c = order(6);
    c.qr_start_token = a.qr_start_token.clone();
    assert_eq!(store.insert_order(&c).await, Err(StoreError::Conflict));
    // Once the first order is final it no longer holds the personal number.
    a.phase = Phase::Complete;
    a.pending_pno = None;
    assert!(store.update_order(&mut a).await.unwrap());
    store.insert_order(&b).await.unwrap();
}

async fn identities_round_trip_and_activation_codes_are_unique(db: TestDb) {
    let store = open(&db).await;
    let mut i = identity(1);
    store.insert_identity(&i).await.unwrap();
    let found = store
        .find_identity(IdentityKey::ActivationHash("hash-1"))
        .await
        .unwrap();
    assert_eq!(found.as_ref(), Some(&i));
    let mut dup = identity(2);
    dup.activation_hash = Some("hash-1".into());
    assert_eq!(store.insert_identity(&dup).await, Err(StoreError::Conflict));
    i.status = IdentityStatus::Active;
    i.activation_hash = None;
    i.device_public_key = Some(vec![4; 65]);
    i.ocra_secret = Some(vec![9; 60]);
    i.enrolled_at = Some(77);
    assert!(store.update_identity(&mut i).await.unwrap());
    let stale = &mut identity(1);
    assert!(!store.update_identity(stale).await.unwrap());
    assert_eq!(
        store
            .find_identity(IdentityKey::Id(&i.identity_id))
            .await
            .unwrap(),
        Some(i)
    );
    assert_eq!(
        store
            .find_identity(IdentityKey::ActivationHash("hash-1"))
            .await
            .unwrap(),
        None
    );
}

async fn evidence_is_purged_after_its_retention(db: TestDb) {
    let store = open(&db).await;
    let mut keep = order(7);
    keep.evidence = Some(vec![1; 10]);
    keep.evidence_delete_at = Some(2_000);
    let mut drop_it = order(8);
    drop_it.evidence = Some(vec![2; 10]);
    drop_it.evidence_delete_at = Some(1_500);
    store.insert_order(&keep).await.unwrap();
    store.insert_order(&drop_it).await.unwrap();
    assert_eq!(store.purge_evidence(1_500).await.unwrap(), 1);
    let gone = store
        .find_order(OrderKey::Ref(&drop_it.order_ref))
        .await
        .unwrap()
        .unwrap();
    assert_eq!((gone.evidence, gone.evidence_delete_at), (None, None));
    let kept = store
        .find_order(OrderKey::Ref(&keep.order_ref))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(kept.evidence, Some(vec![1; 10]));
    assert_eq!(store.purge_evidence(1_999).await.unwrap(), 0);
    assert_eq!(store.orders_started_since("shop", 1_007).await.unwrap(), 2);
    assert_eq!(store.orders_started_since("shop", 1_009).await.unwrap(), 0);
    assert_eq!(store.orders_started_since("other", 0).await.unwrap(), 0);
}

async fn data_survives_reopening_and_migrations_apply_once(db: TestDb) {
    let mut o = order(9);
    {
        let store = open(&db).await;
        store.insert_order(&o).await.unwrap();
        o.phase = Phase::Failed;
        o.hint_code = Some("startFailed".into());
        assert!(store.update_order(&mut o).await.unwrap());
    }
    // Two instances opening the same database at once both migrate safely.
    let (a, b) = tokio::join!(open(&db), open(&db));
    for store in [a, b] {
        assert_eq!(
            store.find_order(OrderKey::Ref(&o.order_ref)).await.unwrap(),
            Some(o.clone())
        );
    }
}

tapid_test_support::on_both_backends!(
    orders_round_trip_through_every_key,
    compare_and_set_lets_one_writer_win,
    racing_writers_from_many_tasks_yield_one_winner,
    one_open_order_per_personal_number,
    identities_round_trip_and_activation_codes_are_unique,
    evidence_is_purged_after_its_retention,
    data_survives_reopening_and_migrations_apply_once,
);
