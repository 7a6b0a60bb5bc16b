//! The storage trait: the seam between the store and a database — run a statement, run a
//! query, apply the migrations. SQLite and PostgreSQL implement it; every statement is its own
//! transaction and is durable when the call returns.

use async_trait::async_trait;

use super::StoreError;
use super::value::{Param, Row};

/// Which SQL dialect a backend speaks (only the schema's types differ).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    /// SQLite 3.
    Sqlite,
    /// PostgreSQL.
    Postgres,
}

/// A database connection (or pool) the store runs its statements on. SQL uses `$1`, `$2`, …
/// placeholders in order of first appearance.
#[async_trait]
pub trait Storage: Send + Sync {
    /// The dialect.
    fn dialect(&self) -> Dialect;

    /// Runs a statement; returns the number of rows it changed. Durable when it returns.
    async fn execute(&self, sql: &str, params: Vec<Param>) -> Result<u64, StoreError>;

    /// Runs a query and returns its rows.
    async fn query(&self, sql: &str, params: Vec<Param>) -> Result<Vec<Row>, StoreError>;

    /// Applies the migrations not yet applied, in order, each in one transaction, recording
    /// them in `schema_migrations`. Safe when several instances start at once.
    async fn migrate(&self, migrations: &[Migration]) -> Result<(), StoreError>;
}

/// One schema version.
#[derive(Debug, Clone, Copy)]
pub struct Migration {
    /// The version number (1, 2, …).
    pub version: i64,
    /// What it does, for the record.
    pub name: &'static str,
    /// The statements, `;`-separated, with `BLOB` for byte columns (PostgreSQL gets `BYTEA`).
    pub sql: &'static str,
}

impl Migration {
    /// The statements in `dialect`.
    pub fn statements(&self, dialect: Dialect) -> Vec<String> {
        self.sql
            .split(';')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(|s| match dialect {
                Dialect::Sqlite => s.to_owned(),
                Dialect::Postgres => s.replace("BLOB", "BYTEA"),
            })
            .collect()
    }
}
