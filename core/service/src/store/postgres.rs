//! The scale-out backend: PostgreSQL through `tokio-postgres`. Every statement is its own
//! transaction and commits with the server's default `synchronous_commit = on`, so it is
//! durable when acknowledged. Several service instances share one database and nothing else:
//! the store's compare-and-set updates decide races between them. A small set of connections
//! is used round-robin; a connection that broke is opened again on its next use.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use async_trait::async_trait;
use tokio::sync::Mutex;
use tokio_postgres::types::{IsNull, ToSql, Type, to_sql_checked};
use tokio_postgres::{Client, NoTls};

use super::StoreError;
use super::storage::{Dialect, Migration, Storage};
use super::value::{Cell, Param, Row};

/// Advisory lock key held while migrating (any constant shared by all instances).
const MIGRATION_LOCK: i64 = 0x7461_7069_6400;

/// A PostgreSQL database.
pub struct Postgres {
    url: String,
    slots: Vec<Mutex<Option<Arc<Client>>>>,
    next: AtomicUsize,
}

impl std::fmt::Debug for Postgres {
    // The URL may carry a password.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Postgres({} connections)", self.slots.len())
    }
}

impl Postgres {
    /// Connects to `url` (`postgres://user@host:port/db`) with up to `connections`
    /// connections (at least one), opening the first one now.
    pub async fn connect(url: &str, connections: usize) -> Result<Self, StoreError> {
        let pg = Self {
            url: url.to_owned(),
            slots: (0..connections.max(1)).map(|_| Mutex::new(None)).collect(),
            next: AtomicUsize::new(0),
        };
        pg.client().await?;
        Ok(pg)
    }

    async fn open(&self) -> Result<Client, StoreError> {
        let (client, connection) = tokio_postgres::connect(&self.url, NoTls)
            .await
            .map_err(db)?;
        tokio::spawn(async move {
            if let Err(e) = connection.await {
                tracing::warn!(error = %e, "PostgreSQL connection ended");
            }
        });
        Ok(client)
    }

    async fn client(&self) -> Result<Arc<Client>, StoreError> {
        let i = self.next.fetch_add(1, Ordering::Relaxed) % self.slots.len();
        let slot = self
            .slots
            .get(i)
            .ok_or_else(|| StoreError::Database("no connection slot".into()))?;
        let mut guard = slot.lock().await;
        if let Some(c) = guard.as_ref().filter(|c| !c.is_closed()) {
            return Ok(Arc::clone(c));
        }
        let c = Arc::new(self.open().await?);
        *guard = Some(Arc::clone(&c));
        Ok(c)
    }
}

fn db(e: tokio_postgres::Error) -> StoreError {
    if e.code() == Some(&tokio_postgres::error::SqlState::UNIQUE_VIOLATION) {
        return StoreError::Conflict;
    }
    StoreError::Database(e.to_string())
}

impl ToSql for Param {
    fn to_sql(
        &self,
        ty: &Type,
        out: &mut tokio_postgres::types::private::BytesMut,
    ) -> Result<IsNull, Box<dyn std::error::Error + Sync + Send>> {
        match self {
            Param::Int(v) => v.to_sql(ty, out),
            Param::Text(v) => v.to_sql(ty, out),
            Param::Blob(v) => v.to_sql(ty, out),
        }
    }

    fn accepts(ty: &Type) -> bool {
        <Option<i64> as ToSql>::accepts(ty)
            || <Option<String> as ToSql>::accepts(ty)
            || <Option<Vec<u8>> as ToSql>::accepts(ty)
    }

    to_sql_checked!();
}

fn cells(row: &tokio_postgres::Row) -> Result<Row, StoreError> {
    let mut out = Vec::with_capacity(row.len());
    for (i, col) in row.columns().iter().enumerate() {
        let ty = col.type_();
        let cell = if *ty == Type::INT8 {
            row.try_get::<_, Option<i64>>(i).map(|v| v.map(Cell::Int))
        } else if *ty == Type::INT4 {
            row.try_get::<_, Option<i32>>(i)
                .map(|v| v.map(|v| Cell::Int(i64::from(v))))
        } else if *ty == Type::BYTEA {
            row.try_get::<_, Option<Vec<u8>>>(i)
                .map(|v| v.map(Cell::Blob))
        } else {
            row.try_get::<_, Option<String>>(i)
                .map(|v| v.map(Cell::Text))
        }
        .map_err(db)?;
        out.push(cell.unwrap_or(Cell::Null));
    }
    Ok(Row(out))
}

fn refs(params: &[Param]) -> Vec<&(dyn ToSql + Sync)> {
    params.iter().map(|p| p as &(dyn ToSql + Sync)).collect()
}

#[async_trait]
impl Storage for Postgres {
    fn dialect(&self) -> Dialect {
        Dialect::Postgres
    }

    async fn execute(&self, sql: &str, params: Vec<Param>) -> Result<u64, StoreError> {
        let c = self.client().await?;
        c.execute(sql, &refs(&params)).await.map_err(db)
    }

    async fn query(&self, sql: &str, params: Vec<Param>) -> Result<Vec<Row>, StoreError> {
        let c = self.client().await?;
        let rows = c.query(sql, &refs(&params)).await.map_err(db)?;
        rows.iter().map(cells).collect()
    }

    async fn migrate(&self, migrations: &[Migration]) -> Result<(), StoreError> {
        // A connection of its own: the transaction needs `&mut Client`.
        let mut c = self.open().await?;
        let tx = c.transaction().await.map_err(db)?;
        tx.execute("SELECT pg_advisory_xact_lock($1)", &[&MIGRATION_LOCK])
            .await
            .map_err(db)?;
        tx.batch_execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations (version BIGINT PRIMARY KEY, name TEXT NOT NULL)",
        )
        .await
        .map_err(db)?;
        for m in migrations {
            let applied = tx
                .query_opt(
                    "SELECT version FROM schema_migrations WHERE version = $1",
                    &[&m.version],
                )
                .await
                .map_err(db)?;
            if applied.is_some() {
                continue;
            }
            for s in m.statements(Dialect::Postgres) {
                tx.batch_execute(&s).await.map_err(db)?;
            }
            tx.execute(
                "INSERT INTO schema_migrations (version, name) VALUES ($1, $2)",
                &[&m.version, &m.name],
            )
            .await
            .map_err(db)?;
        }
        tx.commit().await.map_err(db)
    }
}
