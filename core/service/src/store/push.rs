//! Pushes and offline codes: the push an order for a named person sends to that person's
//! enrolled device, the 8-digit offline challenge of a pushed order with its attempt counter
//! (compare-and-set on `version`, so two instances can neither both accept a response nor
//! count past the limit), and the nonces of the device's signed polls.

use super::columns::identity_from_row;
use super::value::{Param, Row};
use super::{IdentityRecord, Store, StoreError, placeholders, set_list};
use crate::clock::Millis;

/// A push: the order `order_ref` waits for the device of `identity_id` until `expires_at`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PushRecord {
    /// The push's id (a UUID the device picks it up with).
    pub push_id: String,
    /// The order.
    pub order_ref: String,
    /// The identity whose device it was sent to.
    pub identity_id: String,
    /// When it was sent.
    pub created_at: Millis,
    /// When it expires.
    pub expires_at: Millis,
}

const PUSH: &str = "push_id, order_ref, identity_id, created_at, expires_at";

fn push_from_row(r: &Row) -> Result<PushRecord, StoreError> {
    Ok(PushRecord {
        push_id: r.text(0)?,
        order_ref: r.text(1)?,
        identity_id: r.text(2)?,
        created_at: r.int(3)?,
        expires_at: r.int(4)?,
    })
}

/// The offline code of one pushed order. The challenge is shown to the user, so it is not a
/// secret; `attempts` counts wrong answers over every challenge the order had.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OfflineCodeRecord {
    /// The order.
    pub order_ref: String,
    /// The identity whose OCRA secret answers it.
    pub identity_id: String,
    /// The current 8-digit challenge.
    pub challenge: String,
    /// When the current challenge was issued.
    pub issued_at: Millis,
    /// Wrong answers so far.
    pub attempts: i64,
    /// Answered right (once).
    pub used: bool,
    /// The matched time-step offset of the right answer (the device's clock drift).
    pub step_offset: Option<i64>,
    /// Compare-and-set version.
    pub version: i64,
}

const OFFLINE: &str =
    "order_ref, identity_id, challenge, issued_at, attempts, used, step_offset, version";
const OFFLINE_COUNT: usize = 8;

fn offline_params(o: &OfflineCodeRecord) -> Vec<Param> {
    vec![
        o.order_ref.clone().into(),
        o.identity_id.clone().into(),
        o.challenge.clone().into(),
        o.issued_at.into(),
        o.attempts.into(),
        i64::from(o.used).into(),
        o.step_offset.into(),
        o.version.into(),
    ]
}

fn offline_from_row(r: &Row) -> Result<OfflineCodeRecord, StoreError> {
    Ok(OfflineCodeRecord {
        order_ref: r.text(0)?,
        identity_id: r.text(1)?,
        challenge: r.text(2)?,
        issued_at: r.int(3)?,
        attempts: r.int(4)?,
        used: r.int(5)? != 0,
        step_offset: r.opt_int(6)?,
        version: r.int(7)?,
    })
}

/// Most pushes one poll returns.
pub const MAX_PUSHES: i64 = 20;

impl Store {
    /// Compare-and-set write of a row of `table` keyed by `key_col`: `params` are the row's
    /// values in `columns` order with `version` already moved on; applied only if the stored
    /// row still has `version`.
    pub(super) async fn compare_and_set(
        &self,
        table: &str,
        key_col: &str,
        columns: &str,
        mut params: Vec<Param>,
        key: &str,
        version: i64,
    ) -> Result<bool, StoreError> {
        let n = params.len();
        let sql = format!(
            "UPDATE {table} SET {} WHERE {key_col} = ${} AND version = ${}",
            set_list(columns, n),
            n + 1,
            n + 2
        );
        params.push(key.into());
        params.push(version.into());
        Ok(self.db.execute(&sql, params).await? == 1)
    }

    /// The enrolled, unrevoked identities of a person, most recently enrolled first.
    pub async fn active_identities(&self, pno: &str) -> Result<Vec<IdentityRecord>, StoreError> {
        let sql = format!(
            "SELECT {} FROM identities WHERE personal_number = $1 AND status = 'active' \
             ORDER BY enrolled_at DESC LIMIT 10",
            super::columns::IDENTITY
        );
        let rows = self.db.query(&sql, vec![pno.into()]).await?;
        rows.iter().map(identity_from_row).collect()
    }

    /// Records a push.
    pub async fn insert_push(&self, p: &PushRecord) -> Result<(), StoreError> {
        let sql = format!("INSERT INTO pushes ({PUSH}) VALUES ({})", placeholders(5));
        let params = vec![
            p.push_id.clone().into(),
            p.order_ref.clone().into(),
            p.identity_id.clone().into(),
            p.created_at.into(),
            p.expires_at.into(),
        ];
        self.db.execute(&sql, params).await?;
        Ok(())
    }

    /// A push by its id.
    pub async fn find_push(&self, push_id: &str) -> Result<Option<PushRecord>, StoreError> {
        let sql = format!("SELECT {PUSH} FROM pushes WHERE push_id = $1");
        let rows = self.db.query(&sql, vec![push_id.into()]).await?;
        rows.first().map(push_from_row).transpose()
    }

    /// The push of an order.
    pub async fn push_for_order(&self, order_ref: &str) -> Result<Option<PushRecord>, StoreError> {
        let sql = format!("SELECT {PUSH} FROM pushes WHERE order_ref = $1");
        let rows = self.db.query(&sql, vec![order_ref.into()]).await?;
        rows.first().map(push_from_row).transpose()
    }

    /// The unexpired pushes of an identity whose order is still outstanding, oldest first (at
    /// most [`MAX_PUSHES`]).
    pub async fn open_pushes(
        &self,
        identity_id: &str,
        now: Millis,
    ) -> Result<Vec<PushRecord>, StoreError> {
        let sql = format!(
            "SELECT {} FROM pushes p JOIN orders o ON o.order_ref = p.order_ref \
             WHERE p.identity_id = $1 AND p.expires_at >= $2 AND o.phase = 'outstanding' \
             ORDER BY p.created_at LIMIT {MAX_PUSHES}",
            PUSH.split(", ")
                .map(|c| format!("p.{c}"))
                .collect::<Vec<_>>()
                .join(", ")
        );
        let rows = self
            .db
            .query(&sql, vec![identity_id.into(), now.into()])
            .await?;
        rows.iter().map(push_from_row).collect()
    }

    /// Records the nonce of a signed request until `expires_at`; `false` when it was recorded
    /// before (a replay). Nonces past their time are deleted first.
    pub async fn record_nonce(
        &self,
        nonce_hash: &str,
        now: Millis,
        expires_at: Millis,
    ) -> Result<bool, StoreError> {
        self.db
            .execute(
                "DELETE FROM app_nonces WHERE expires_at < $1",
                vec![now.into()],
            )
            .await?;
        match self
            .db
            .execute(
                "INSERT INTO app_nonces (nonce_hash, expires_at) VALUES ($1, $2)",
                vec![nonce_hash.into(), expires_at.into()],
            )
            .await
        {
            Ok(_) => Ok(true),
            Err(StoreError::Conflict) => Ok(false),
            Err(e) => Err(e),
        }
    }

    /// Inserts the first offline code of an order ([`StoreError::Conflict`] when another
    /// instance did first).
    pub async fn insert_offline_code(&self, o: &OfflineCodeRecord) -> Result<(), StoreError> {
        let sql = format!(
            "INSERT INTO offline_codes ({OFFLINE}) VALUES ({})",
            placeholders(OFFLINE_COUNT)
        );
        self.db.execute(&sql, offline_params(o)).await?;
        Ok(())
    }

    /// The offline code of an order.
    pub async fn find_offline_code(
        &self,
        order_ref: &str,
    ) -> Result<Option<OfflineCodeRecord>, StoreError> {
        let sql = format!("SELECT {OFFLINE} FROM offline_codes WHERE order_ref = $1");
        let rows = self.db.query(&sql, vec![order_ref.into()]).await?;
        rows.first().map(offline_from_row).transpose()
    }

    /// Compare-and-set write of an offline code; on success `o.version` moves on.
    pub async fn update_offline_code(&self, o: &mut OfflineCodeRecord) -> Result<bool, StoreError> {
        let mut next = o.clone();
        next.version = o.version + 1;
        let changed = self
            .compare_and_set(
                "offline_codes",
                "order_ref",
                OFFLINE,
                offline_params(&next),
                &o.order_ref,
                o.version,
            )
            .await?;
        if changed {
            o.version = next.version;
        }
        Ok(changed)
    }

    /// Wrong offline answers for `identity_id` on challenges issued since `since` (the
    /// per-identity lock).
    pub async fn offline_failures_since(
        &self,
        identity_id: &str,
        since: Millis,
    ) -> Result<i64, StoreError> {
        let rows = self
            .db
            .query(
                "SELECT CAST(COALESCE(SUM(attempts), 0) AS BIGINT) FROM offline_codes \
                 WHERE identity_id = $1 AND issued_at >= $2",
                vec![identity_id.into(), since.into()],
            )
            .await?;
        rows.first()
            .map(|r| r.int(0))
            .transpose()
            .map(|n| n.unwrap_or(0))
    }

    /// The clock drift (time steps) learnt from the identity's last right offline answer.
    pub async fn last_step_offset(&self, identity_id: &str) -> Result<i64, StoreError> {
        let rows = self
            .db
            .query(
                "SELECT step_offset FROM offline_codes WHERE identity_id = $1 AND used = 1 \
                 AND step_offset IS NOT NULL ORDER BY issued_at DESC LIMIT 1",
                vec![identity_id.into()],
            )
            .await?;
        Ok(rows
            .first()
            .map(|r| r.opt_int(0))
            .transpose()?
            .flatten()
            .unwrap_or(0))
    }
}
