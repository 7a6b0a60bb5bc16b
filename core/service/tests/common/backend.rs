//! The two storage backends, for tests that run once on each.

use tapid_service::store::Store;

/// A database a test runs on: a SQLite file in a temporary directory, or a fresh PostgreSQL
/// database. `spec()` opens it again (a restart on the same data).
pub struct TestDb {
    spec: String,
    _dir: Option<tempfile::TempDir>,
}

impl TestDb {
    /// A new SQLite database file.
    pub fn sqlite() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let spec = format!("sqlite:{}", dir.path().join("tapid.db").display());
        Self {
            spec,
            _dir: Some(dir),
        }
    }

    /// A new PostgreSQL database, or `None` when the test PostgreSQL is not running (the test
    /// then skips; CI requires it).
    pub async fn postgres() -> Option<Self> {
        let spec = tapid_test_support::postgres::fresh_database().await?;
        Some(Self { spec, _dir: None })
    }

    /// `sqlite:FILE` or `postgres://…`.
    pub fn spec(&self) -> &str {
        &self.spec
    }

    /// Opens the store (migrating it).
    pub async fn open(&self) -> Store {
        Store::open(&self.spec).await.unwrap()
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
                    super::$name($crate::common::backend::TestDb::sqlite()).await;
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    if let Some(db) = $crate::common::backend::TestDb::postgres().await {
                        super::$name(db).await;
                    }
                }
            )*
        }
    };
}
