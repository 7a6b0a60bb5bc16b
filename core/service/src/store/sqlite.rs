//! The embedded backend: one SQLite file in WAL mode with `synchronous = FULL`, so a commit is
//! on disk (the WAL fsynced) before the statement returns. One connection per process behind a
//! mutex, used from tokio's blocking pool; other processes on the same file wait for the lock
//! (`busy_timeout`).

use std::path::Path;
use std::sync::{Arc, Mutex};

use async_trait::async_trait;
use rusqlite::types::{ToSqlOutput, ValueRef};
use rusqlite::{Connection, ToSql};

use super::StoreError;
use super::storage::{Dialect, Migration, Storage};
use super::value::{Cell, Param, Row};

/// A SQLite database file.
#[derive(Clone)]
pub struct Sqlite {
    conn: Arc<Mutex<Connection>>,
}

impl std::fmt::Debug for Sqlite {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Sqlite")
    }
}

impl Sqlite {
    /// Opens (creating it if needed) the database at `path`.
    pub fn open(path: &Path) -> Result<Self, StoreError> {
        let conn = Connection::open(path).map_err(db)?;
        conn.busy_timeout(std::time::Duration::from_secs(10))
            .map_err(db)?;
        let mode: String = conn
            .query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))
            .map_err(db)?;
        if !mode.eq_ignore_ascii_case("wal") {
            return Err(StoreError::Database(format!(
                "SQLite refused WAL mode (got {mode})"
            )));
        }
        conn.execute_batch("PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON;")
            .map_err(db)?;
        Ok(Self {
            conn: Arc::new(Mutex::new(conn)),
        })
    }

    async fn with_conn<T, F>(&self, f: F) -> Result<T, StoreError>
    where
        T: Send + 'static,
        F: FnOnce(&mut Connection) -> Result<T, StoreError> + Send + 'static,
    {
        let conn = Arc::clone(&self.conn);
        tokio::task::spawn_blocking(move || {
            let mut guard = conn
                .lock()
                .map_err(|_| StoreError::Database("SQLite connection poisoned".into()))?;
            f(&mut guard)
        })
        .await
        .map_err(|_| StoreError::Database("SQLite worker stopped".into()))?
    }
}

fn db(e: rusqlite::Error) -> StoreError {
    if let rusqlite::Error::SqliteFailure(f, _) = &e
        && f.code == rusqlite::ErrorCode::ConstraintViolation
    {
        return StoreError::Conflict;
    }
    StoreError::Database(e.to_string())
}

/// `$1` → `?1`: SQLite's numbered parameters.
fn sqlite_sql(sql: &str) -> String {
    sql.replace('$', "?")
}

impl ToSql for Param {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(match self {
            Param::Int(Some(v)) => ToSqlOutput::Borrowed(ValueRef::Integer(*v)),
            Param::Text(Some(v)) => ToSqlOutput::Borrowed(ValueRef::Text(v.as_bytes())),
            Param::Blob(Some(v)) => ToSqlOutput::Borrowed(ValueRef::Blob(v)),
            Param::Int(None) | Param::Text(None) | Param::Blob(None) => {
                ToSqlOutput::Borrowed(ValueRef::Null)
            }
        })
    }
}

fn cell(v: ValueRef<'_>) -> Result<Cell, StoreError> {
    Ok(match v {
        ValueRef::Null => Cell::Null,
        ValueRef::Integer(i) => Cell::Int(i),
        ValueRef::Text(t) => Cell::Text(
            String::from_utf8(t.to_vec())
                .map_err(|_| StoreError::Database("SQLite text is not UTF-8".into()))?,
        ),
        ValueRef::Blob(b) => Cell::Blob(b.to_vec()),
        ValueRef::Real(_) => return Err(StoreError::Database("unexpected REAL column".into())),
    })
}

#[async_trait]
impl Storage for Sqlite {
    fn dialect(&self) -> Dialect {
        Dialect::Sqlite
    }

    async fn execute(&self, sql: &str, params: Vec<Param>) -> Result<u64, StoreError> {
        let sql = sqlite_sql(sql);
        self.with_conn(move |c| {
            let n = c
                .execute(&sql, rusqlite::params_from_iter(params.iter()))
                .map_err(db)?;
            Ok(n as u64)
        })
        .await
    }

    async fn query(&self, sql: &str, params: Vec<Param>) -> Result<Vec<Row>, StoreError> {
        let sql = sqlite_sql(sql);
        self.with_conn(move |c| {
            let mut stmt = c.prepare_cached(&sql).map_err(db)?;
            let columns = stmt.column_count();
            let mut rows = stmt
                .query(rusqlite::params_from_iter(params.iter()))
                .map_err(db)?;
            let mut out = Vec::new();
            while let Some(r) = rows.next().map_err(db)? {
                let mut cells = Vec::with_capacity(columns);
                for i in 0..columns {
                    cells.push(cell(r.get_ref(i).map_err(db)?)?);
                }
                out.push(Row(cells));
            }
            Ok(out)
        })
        .await
    }

    async fn migrate(&self, migrations: &[Migration]) -> Result<(), StoreError> {
        let migrations = migrations.to_vec();
        self.with_conn(move |c| {
            // IMMEDIATE takes the write lock first: a second process migrating at the same
            // time waits, then finds the versions applied.
            let tx = c
                .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
                .map_err(db)?;
            tx.execute_batch(
                "CREATE TABLE IF NOT EXISTS schema_migrations (version BIGINT PRIMARY KEY, name TEXT NOT NULL)",
            )
            .map_err(db)?;
            for m in &migrations {
                let applied: i64 = tx
                    .query_row(
                        "SELECT COUNT(*) FROM schema_migrations WHERE version = ?1",
                        [m.version],
                        |r| r.get(0),
                    )
                    .map_err(db)?;
                if applied > 0 {
                    continue;
                }
                for s in m.statements(Dialect::Sqlite) {
                    tx.execute_batch(&s).map_err(db)?;
                }
                tx.execute(
                    "INSERT INTO schema_migrations (version, name) VALUES (?1, ?2)",
                    rusqlite::params![m.version, m.name],
                )
                .map_err(db)?;
            }
            tx.commit().map_err(db)
        })
        .await
    }
}
