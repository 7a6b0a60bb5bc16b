//! Storage: the [`Storage`] trait with its two implementations — [`Sqlite`] (one file, WAL,
//! the embedded default) and [`Postgres`] (several stateless instances on one database) — and
//! the [`Store`] every handler uses on top of either. The store's writes are single
//! statements: inserts, and compare-and-set updates on a row's `version`, so a write is either
//! applied whole and durable, or not applied, and exactly one of two racing writers wins.

mod columns;
pub mod postgres;
pub mod push;
pub mod records;
pub mod renewal;
pub mod schema;
pub mod sqlite;
pub mod storage;
pub mod value;

use std::path::Path;
use std::sync::Arc;

pub use postgres::Postgres;
pub use push::{OfflineCodeRecord, PushRecord};
pub use records::{IdentityRecord, IdentityStatus, OrderKind, OrderRecord, Phase, Pickup};
pub use renewal::{RenewalPhase, RenewalRecord};
pub use sqlite::Sqlite;
pub use storage::{Dialect, Migration, Storage};
pub use value::{Cell, Param, Row};

use crate::clock::Millis;

/// A storage failure.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum StoreError {
    /// A unique value exists already (a token, an order reference, an open order for the
    /// same personal number).
    #[error("a unique value exists already")]
    Conflict,
    /// A stored value does not decode (the column's position).
    #[error("stored column {column} does not decode")]
    Decode {
        /// Position in the row.
        column: usize,
    },
    /// The database failed (its message, which names no stored value).
    #[error("database: {0}")]
    Database(String),
}

/// How an order is looked up.
#[derive(Debug, Clone, Copy)]
pub enum OrderKey<'a> {
    /// By order reference.
    Ref(&'a str),
    /// By QR start token.
    QrStartToken(&'a str),
    /// By autostart token.
    AutoStartToken(&'a str),
    /// By the app's session token hash.
    AppTokenHash(&'a str),
    /// The open order that requires this personal number.
    PendingPersonalNumber(&'a str),
}

/// How an identity is looked up.
#[derive(Debug, Clone, Copy)]
pub enum IdentityKey<'a> {
    /// By id.
    Id(&'a str),
    /// By the hash of its unused activation code.
    ActivationHash(&'a str),
}

/// The service's storage: orders and identities over a [`Storage`].
#[derive(Clone)]
pub struct Store {
    db: Arc<dyn Storage>,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Store({:?})", self.db.dialect())
    }
}

impl Store {
    /// A store on `db`, migrated to the current schema.
    pub async fn new(db: Arc<dyn Storage>) -> Result<Self, StoreError> {
        db.migrate(schema::MIGRATIONS).await?;
        Ok(Self { db })
    }

    /// The SQLite file at `path`, migrated.
    pub async fn sqlite(path: &Path) -> Result<Self, StoreError> {
        Self::new(Arc::new(Sqlite::open(path)?)).await
    }

    /// The PostgreSQL database at `url`, migrated.
    pub async fn postgres(url: &str) -> Result<Self, StoreError> {
        Self::new(Arc::new(Postgres::connect(url, 4).await?)).await
    }

    /// Opens `sqlite:FILE` or `postgres://…`.
    pub async fn open(spec: &str) -> Result<Self, StoreError> {
        if let Some(path) = spec.strip_prefix("sqlite:") {
            Self::sqlite(Path::new(path)).await
        } else if spec.starts_with("postgres://") || spec.starts_with("postgresql://") {
            Self::postgres(spec).await
        } else {
            Err(StoreError::Database(
                "the database must be sqlite:FILE or postgres://…".into(),
            ))
        }
    }

    /// The backend's dialect.
    pub fn dialect(&self) -> Dialect {
        self.db.dialect()
    }

    /// The storage underneath (for the benchmark's raw commit rate).
    pub fn storage(&self) -> &Arc<dyn Storage> {
        &self.db
    }

    /// Inserts a new order. [`StoreError::Conflict`] when a token collides or another open
    /// order requires the same personal number.
    pub async fn insert_order(&self, o: &OrderRecord) -> Result<(), StoreError> {
        let sql = format!(
            "INSERT INTO orders ({}) VALUES ({})",
            columns::ORDER,
            placeholders(columns::ORDER_COUNT)
        );
        self.db.execute(&sql, columns::order_params(o)).await?;
        Ok(())
    }

    /// Finds an order.
    pub async fn find_order(&self, key: OrderKey<'_>) -> Result<Option<OrderRecord>, StoreError> {
        let (column, value) = match key {
            OrderKey::Ref(v) => ("order_ref", v),
            OrderKey::QrStartToken(v) => ("qr_start_token", v),
            OrderKey::AutoStartToken(v) => ("auto_start_token", v),
            OrderKey::AppTokenHash(v) => ("app_token_hash", v),
            OrderKey::PendingPersonalNumber(v) => ("pending_pno", v),
        };
        let sql = format!("SELECT {} FROM orders WHERE {column} = $1", columns::ORDER);
        let rows = self.db.query(&sql, vec![value.into()]).await?;
        rows.first().map(columns::order_from_row).transpose()
    }

    /// Writes `o` if the stored row still has `o.version`; on success `o.version` moves on.
    /// `false` when another writer changed the order first (re-read and decide again).
    pub async fn update_order(&self, o: &mut OrderRecord) -> Result<bool, StoreError> {
        let mut params = columns::order_params(o);
        let n = params.len();
        let sets = set_list(columns::ORDER, n);
        params.push(o.version.into());
        let sql = format!(
            "UPDATE orders SET {sets} WHERE order_ref = ${} AND version = ${}",
            n + 2,
            n + 1
        );
        // The version written is the next one; the parameter list carries both.
        if let Some(Param::Int(v)) = params
            .iter_mut()
            .zip(columns::ORDER.split(", "))
            .find(|(_, c)| *c == "version")
            .map(|(p, _)| p)
        {
            *v = Some(o.version + 1);
        }
        params.push(o.order_ref.clone().into());
        let changed = self.db.execute(&sql, params).await? == 1;
        if changed {
            o.version += 1;
        }
        Ok(changed)
    }

    /// Inserts a new identity.
    pub async fn insert_identity(&self, i: &IdentityRecord) -> Result<(), StoreError> {
        let sql = format!(
            "INSERT INTO identities ({}) VALUES ({})",
            columns::IDENTITY,
            placeholders(columns::IDENTITY_COUNT)
        );
        self.db.execute(&sql, columns::identity_params(i)).await?;
        Ok(())
    }

    /// Finds an identity.
    pub async fn find_identity(
        &self,
        key: IdentityKey<'_>,
    ) -> Result<Option<IdentityRecord>, StoreError> {
        let (column, value) = match key {
            IdentityKey::Id(v) => ("identity_id", v),
            IdentityKey::ActivationHash(v) => ("activation_hash", v),
        };
        let sql = format!(
            "SELECT {} FROM identities WHERE {column} = $1",
            columns::IDENTITY
        );
        let rows = self.db.query(&sql, vec![value.into()]).await?;
        rows.first().map(columns::identity_from_row).transpose()
    }

    /// Compare-and-set write of an identity, as [`Store::update_order`].
    pub async fn update_identity(&self, i: &mut IdentityRecord) -> Result<bool, StoreError> {
        let mut params = columns::identity_params(i);
        let n = params.len();
        let sets = set_list(columns::IDENTITY, n);
        params.push(i.version.into());
        let sql = format!(
            "UPDATE identities SET {sets} WHERE identity_id = ${} AND version = ${}",
            n + 2,
            n + 1
        );
        if let Some(Param::Int(v)) = params
            .iter_mut()
            .zip(columns::IDENTITY.split(", "))
            .find(|(_, c)| *c == "version")
            .map(|(p, _)| p)
        {
            *v = Some(i.version + 1);
        }
        params.push(i.identity_id.clone().into());
        let changed = self.db.execute(&sql, params).await? == 1;
        if changed {
            i.version += 1;
        }
        Ok(changed)
    }

    /// Deletes encrypted evidence whose retention ended by `now`; returns how many bundles.
    pub async fn purge_evidence(&self, now: Millis) -> Result<u64, StoreError> {
        self.db
            .execute(
                "UPDATE orders SET evidence = NULL, evidence_delete_at = NULL \
                 WHERE evidence_delete_at IS NOT NULL AND evidence_delete_at <= $1",
                vec![now.into()],
            )
            .await
    }

    /// How many orders `rp_id` started since `since` (its rate limit).
    pub async fn orders_started_since(
        &self,
        rp_id: &str,
        since: Millis,
    ) -> Result<i64, StoreError> {
        let rows = self
            .db
            .query(
                "SELECT COUNT(*) FROM orders WHERE rp_id = $1 AND created_at >= $2",
                vec![rp_id.into(), since.into()],
            )
            .await?;
        rows.first()
            .map(|r| r.int(0))
            .transpose()
            .map(|n| n.unwrap_or(0))
    }
}

/// `$1, $2, …, $n`.
fn placeholders(n: usize) -> String {
    (1..=n)
        .map(|i| format!("${i}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// `a = $1, b = $2, …` for every column (the key columns are rewritten with their own value,
/// which leaves them unchanged).
fn set_list(columns: &str, n: usize) -> String {
    columns
        .split(", ")
        .take(n)
        .enumerate()
        .map(|(i, c)| format!("{c} = ${}", i + 1))
        .collect::<Vec<_>>()
        .join(", ")
}
