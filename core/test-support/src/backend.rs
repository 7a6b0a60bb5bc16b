//! The service's two storage backends, for tests that run once on each: a SQLite file in a
//! temporary directory and a fresh database on the test PostgreSQL. Only the database's spec
//! is handed out (`sqlite:FILE` or `postgres://…`): the test opens its store with it, so this
//! crate names no type of the service's.

/// A database a test runs on: a SQLite file in a temporary directory, or a fresh PostgreSQL
/// database. `spec()` opens it again (a restart on the same data).
pub struct TestDb {
    spec: String,
    _dir: Option<tempfile::TempDir>,
}

impl TestDb {
    /// A new SQLite database file.
    pub fn sqlite() -> Self {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("a temporary directory: {e}"));
        let spec = format!("sqlite:{}", dir.path().join("tapid.db").display());
        Self {
            spec,
            _dir: Some(dir),
        }
    }

    /// A new PostgreSQL database, or `None` when the test PostgreSQL is not running (the test
    /// then skips; CI requires it).
    pub async fn postgres() -> Option<Self> {
        let spec = crate::postgres::fresh_database().await?;
        Some(Self { spec, _dir: None })
    }

    /// `sqlite:FILE` or `postgres://…`.
    pub fn spec(&self) -> &str {
        &self.spec
    }
}

/// Defines `async fn $name(db: TestDb)` once and a test of it on each backend:
/// `sqlite::$name` and `postgres::$name`.
#[macro_export]
macro_rules! on_both_backends {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    super::$name($crate::backend::TestDb::sqlite()).await;
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    if let Some(db) = $crate::backend::TestDb::postgres().await {
                        super::$name(db).await;
                    }
                }
            )*
        }
    };
}
