//! The schema, as numbered migrations applied at start-up (both backends; `BLOB` becomes
//! `BYTEA` on PostgreSQL). A released migration is never edited: changes are new versions.

use super::storage::Migration;

/// Every migration, oldest first.
pub const MIGRATIONS: &[Migration] = &[
    Migration {
        version: 1,
        name: "orders and identities",
        sql: "
CREATE TABLE orders (
    order_ref TEXT PRIMARY KEY,
    rp_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    phase TEXT NOT NULL,
    hint_code TEXT,
    version BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    qr_start_token TEXT NOT NULL UNIQUE,
    qr_start_secret TEXT NOT NULL,
    auto_start_token TEXT NOT NULL UNIQUE,
    end_user_ip TEXT NOT NULL,
    requirement TEXT NOT NULL,
    user_visible_data TEXT,
    user_non_visible_data TEXT,
    user_visible_data_format TEXT,
    return_url TEXT,
    pending_pno TEXT UNIQUE,
    challenge BLOB NOT NULL,
    aa_challenge BLOB NOT NULL,
    picked_up_at BIGINT,
    pickup TEXT,
    identity_id TEXT,
    app_token_hash TEXT UNIQUE,
    device_ip TEXT,
    step_up TEXT,
    evidence BLOB,
    evidence_delete_at BIGINT,
    completion TEXT,
    finished_at BIGINT
);
CREATE INDEX orders_rp_created ON orders (rp_id, created_at);
CREATE INDEX orders_evidence_delete ON orders (evidence_delete_at);
CREATE TABLE identities (
    identity_id TEXT PRIMARY KEY,
    issuer_id TEXT NOT NULL,
    personal_number TEXT NOT NULL,
    given_name TEXT NOT NULL,
    surname TEXT NOT NULL,
    status TEXT NOT NULL,
    version BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    activation_hash TEXT UNIQUE,
    activation_expires_at BIGINT NOT NULL,
    device_public_key BLOB,
    attestation_kind TEXT,
    attestation BLOB,
    ocra_secret BLOB,
    enrolled_at BIGINT,
    revoked_at BIGINT,
    replaced_by TEXT
);
CREATE INDEX identities_pno ON identities (personal_number)
",
    },
    // Version 3: pushes to enrolled devices, the offline codes of pushed orders (attempts counted
    // in the row, compare-and-set on `version`), the nonces of signed app polls, and remote
    // renewals.
    Migration {
        version: 3,
        name: "pushes, offline codes, app nonces, renewals",
        sql: "
CREATE TABLE pushes (
    push_id TEXT PRIMARY KEY,
    order_ref TEXT NOT NULL UNIQUE,
    identity_id TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
);
CREATE INDEX pushes_identity ON pushes (identity_id, expires_at);
CREATE TABLE offline_codes (
    order_ref TEXT PRIMARY KEY,
    identity_id TEXT NOT NULL,
    challenge TEXT NOT NULL,
    issued_at BIGINT NOT NULL,
    attempts BIGINT NOT NULL,
    used BIGINT NOT NULL,
    step_offset BIGINT,
    version BIGINT NOT NULL
);
CREATE INDEX offline_codes_identity ON offline_codes (identity_id, issued_at);
CREATE TABLE app_nonces (
    nonce_hash TEXT PRIMARY KEY,
    expires_at BIGINT NOT NULL
);
CREATE INDEX app_nonces_expiry ON app_nonces (expires_at);
CREATE TABLE renewals (
    renewal_id TEXT PRIMARY KEY,
    personal_number TEXT NOT NULL,
    old_identity_id TEXT NOT NULL,
    new_identity_id TEXT NOT NULL UNIQUE,
    phase TEXT NOT NULL,
    version BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    device_public_key BLOB NOT NULL,
    attestation_kind TEXT NOT NULL,
    attestation BLOB NOT NULL,
    challenge BLOB NOT NULL,
    aa_challenge BLOB NOT NULL,
    app_token_hash TEXT NOT NULL UNIQUE,
    step_up TEXT,
    face_check TEXT NOT NULL,
    finished_at BIGINT
);
CREATE INDEX renewals_pno ON renewals (personal_number, created_at)
",
    },
];
