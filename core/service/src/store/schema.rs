//! The schema, as numbered migrations applied at start-up (both backends; `BLOB` becomes
//! `BYTEA` on PostgreSQL). A released migration is never edited: changes are new versions.

use super::storage::Migration;

/// Every migration, oldest first.
pub const MIGRATIONS: &[Migration] = &[Migration {
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
}];
