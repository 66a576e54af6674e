//! Per-test databases on every backend: [`TestDb`] gives each test a store of its own, and
//! [`story`] holds the store tests that every backend must pass alike.
//!
//! SQLite databases are files in a temporary folder. PostgreSQL databases are created on a
//! server, one per test (`crossline_test_<pid>_<n>`, so that tests may run in parallel), and
//! dropped when the [`TestDb`] is; set `CROSSLINE_KEEP_TEST_DB=1` to keep them (and the SQLite
//! files) for inspection. The server is `TEST_DATABASE_URL`, or else the local default
//! `postgres://postgres@127.0.0.1:5432/postgres`.
//!
//! When `TEST_DATABASE_URL` is set (as CI sets it), PostgreSQL is not optional: [`TestDb::all`]
//! and [`TestDb::postgres`] panic, saying how to start it, when that server cannot be reached.
//! Without it, the local default server is used when it answers; when it does not (a fresh
//! machine with only the Rust toolchain), the PostgreSQL run is skipped with a notice on
//! stderr rather than failing the suite. `CROSSLINE_SKIP_POSTGRES=1` tests SQLite only.
//!
//! This module does not open stores by settings (the engine does that); it hands out
//! [`TestDb::location`] for tests that want to go through settings themselves.

pub mod story;

use std::env;
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use store::Store;
use store_postgres::{PostgresStore, describe};
use store_sqlite::SqliteStore;

/// The PostgreSQL server to create test databases on; the default is the local one.
pub const DATABASE_URL_VAR: &str = "TEST_DATABASE_URL";
/// Set (to anything) to keep test databases after the test.
pub const KEEP_VAR: &str = "CROSSLINE_KEEP_TEST_DB";
/// Set to `1` to run the store tests against SQLite only.
pub const SKIP_POSTGRES_VAR: &str = "CROSSLINE_SKIP_POSTGRES";
/// The server used when [`DATABASE_URL_VAR`] is not set.
pub const DEFAULT_SERVER_URL: &str = "postgres://postgres@127.0.0.1:5432/postgres";

/// How to start the local server, for the panic message.
const START_POSTGRES: &str =
    "pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start";

/// Which kind of database a [`TestDb`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TestBackend {
    /// A SQLite file.
    Sqlite,
    /// A PostgreSQL database.
    Postgres,
}

/// A database for one test, on one backend, removed when dropped.
pub struct TestDb {
    inner: Inner,
    name: String,
}

enum Inner {
    Sqlite {
        /// `None` once kept.
        dir: Option<tempfile::TempDir>,
        path: PathBuf,
    },
    Postgres {
        /// The server's maintenance database, where `CREATE` and `DROP DATABASE` are run.
        server_url: String,
        /// The test database's name.
        database: String,
        /// The test database's URL.
        url: String,
    },
}

impl std::fmt::Debug for TestDb {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TestDb").field("name", &self.name).finish()
    }
}

impl Default for TestDb {
    fn default() -> Self {
        TestDb::new()
    }
}

fn keep_requested() -> bool {
    env::var_os(KEEP_VAR).is_some_and(|v| !v.is_empty() && v != "0")
}

/// Whether the default local server answers; asked once per test binary, with a notice when not.
fn default_server_answers() -> bool {
    static ANSWERS: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    *ANSWERS.get_or_init(|| match connect_server(DEFAULT_SERVER_URL) {
        Ok(_) => true,
        Err(e) => {
            eprintln!(
                "note: PostgreSQL store tests skipped: no server at {DEFAULT_SERVER_URL} ({}). \
                 Start it with `{START_POSTGRES}` or set {DATABASE_URL_VAR}.",
                describe(&e)
            );
            false
        }
    })
}

fn postgres_skipped() -> bool {
    env::var(SKIP_POSTGRES_VAR).is_ok_and(|v| v == "1")
}

/// The URL of the server to create test databases on.
fn server_url() -> String {
    env::var(DATABASE_URL_VAR)
        .ok()
        .filter(|u| !u.trim().is_empty())
        .unwrap_or_else(|| DEFAULT_SERVER_URL.to_string())
}

fn redacted(url: &str) -> String {
    store::StoreSettings::parse(url)
        .map(|s| s.redacted())
        .unwrap_or_else(|_| "(unreadable URL)".to_string())
}

/// `url` with its database replaced by `database`. A key=value connection string gets a
/// trailing `dbname=`, which overrides any earlier one.
fn with_database(url: &str, database: &str) -> String {
    let Some(scheme_end) = url.find("://") else {
        return format!("{url} dbname={database}");
    };
    let after = scheme_end + 3;
    let (base, query) = match url[after..].find('?') {
        Some(q) => (&url[..after + q], &url[after + q..]),
        None => (url, ""),
    };
    let authority_end = base[after..].find('/').map_or(base.len(), |i| after + i);
    format!("{}/{database}{query}", &base[..authority_end])
}

/// Connects to the maintenance database of the server at `url`, quickly failing if it is down.
fn connect_server(url: &str) -> Result<postgres::Client, postgres::Error> {
    let mut config: postgres::Config = url.parse()?;
    config.connect_timeout(Duration::from_secs(5));
    config.connect(postgres::NoTls)
}

impl TestDb {
    /// The default test database: a SQLite file, or a PostgreSQL database on the server at
    /// `TEST_DATABASE_URL` when that is set.
    pub fn new() -> TestDb {
        match env::var(DATABASE_URL_VAR) {
            Ok(url) if !url.trim().is_empty() => TestDb::postgres_on(&url),
            _ => TestDb::sqlite(),
        }
    }

    /// A fresh SQLite file in a temporary folder.
    pub fn sqlite() -> TestDb {
        let dir = tempfile::Builder::new()
            .prefix("crossline-test-")
            .tempdir()
            .unwrap_or_else(|e| {
                panic!("cannot create a temporary folder for a test database: {e}")
            });
        let path = dir.path().join("crossline.db");
        let name = format!("sqlite:{}", path.display());
        TestDb {
            inner: Inner::Sqlite {
                dir: Some(dir),
                path,
            },
            name,
        }
    }

    /// A fresh PostgreSQL database on the test server, or `None` when
    /// `CROSSLINE_SKIP_POSTGRES=1`.
    ///
    /// # Panics
    ///
    /// When `TEST_DATABASE_URL` names a server that cannot be reached, with a message saying
    /// how to start it.
    pub fn postgres() -> Option<TestDb> {
        if postgres_skipped() {
            return None;
        }
        if env::var(DATABASE_URL_VAR).is_ok_and(|u| !u.trim().is_empty())
            || default_server_answers()
        {
            return Some(TestDb::postgres_on(&server_url()));
        }
        None
    }

    /// One fresh database per backend: SQLite always, PostgreSQL unless skipped.
    ///
    /// # Panics
    ///
    /// When PostgreSQL is wanted but cannot be reached.
    pub fn all() -> Vec<TestDb> {
        let mut dbs = vec![TestDb::sqlite()];
        dbs.extend(TestDb::postgres());
        dbs
    }

    fn postgres_on(server: &str) -> TestDb {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let database = format!(
            "crossline_test_{}_{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        );
        let mut client = connect_server(server).unwrap_or_else(|e| {
            panic!(
                "PostgreSQL is not reachable at {}: {}\n\
                 The store tests run against PostgreSQL as well as SQLite. Start the local server with\n    \
                 {START_POSTGRES}\n\
                 or set {DATABASE_URL_VAR} to a server's URL, or set {SKIP_POSTGRES_VAR}=1 to test SQLite only.",
                redacted(server),
                describe(&e)
            )
        });
        // A database of the same name can only be left over from a dead process that had our
        // pid (and kept its databases); it is nobody's now. Two statements, not one batch:
        // CREATE DATABASE cannot run inside the transaction a batch implies.
        for sql in [
            format!("DROP DATABASE IF EXISTS {database} WITH (FORCE)"),
            format!("CREATE DATABASE {database}"),
        ] {
            client.batch_execute(&sql).unwrap_or_else(|e| {
                panic!(
                    "cannot create test database {database} on {}: {}",
                    redacted(server),
                    describe(&e)
                )
            });
        }
        let url = with_database(server, &database);
        TestDb {
            name: format!("postgres:{database}"),
            inner: Inner::Postgres {
                server_url: server.to_string(),
                database,
                url,
            },
        }
    }

    /// Which backend this is.
    pub fn backend(&self) -> TestBackend {
        match self.inner {
            Inner::Sqlite { .. } => TestBackend::Sqlite,
            Inner::Postgres { .. } => TestBackend::Postgres,
        }
    }

    /// A short description for messages: `sqlite:/tmp/…/crossline.db` or
    /// `postgres:crossline_test_123_4`.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Where the database is, as `store::StoreSettings::parse` reads it: the SQLite file's
    /// path or the PostgreSQL URL.
    pub fn location(&self) -> String {
        match &self.inner {
            Inner::Sqlite { path, .. } => path.display().to_string(),
            Inner::Postgres { url, .. } => url.clone(),
        }
    }

    /// Opens a new connection to the database (running migrations), reporting failure.
    pub fn open(&self) -> store::Result<Box<dyn Store>> {
        Ok(match &self.inner {
            Inner::Sqlite { path, .. } => Box::new(SqliteStore::open(path)?),
            Inner::Postgres { url, .. } => Box::new(PostgresStore::connect(url)?),
        })
    }

    /// Opens a new connection to the database (running migrations).
    ///
    /// # Panics
    ///
    /// When it cannot be opened.
    pub fn store(&self) -> Box<dyn Store> {
        self.open()
            .unwrap_or_else(|e| panic!("cannot open test database {}: {e}", self.name))
    }

    /// Runs `sql` directly on the database, bypassing the store: for tests that must tamper with
    /// what is stored (a newer schema version, a corrupt value).
    ///
    /// # Panics
    ///
    /// When the SQL fails.
    pub fn execute_sql(&self, sql: &str) {
        let result = match &self.inner {
            Inner::Sqlite { path, .. } => rusqlite::Connection::open(path)
                .and_then(|conn| conn.execute_batch(sql))
                .map_err(|e| e.to_string()),
            Inner::Postgres { url, .. } => postgres::Client::connect(url, postgres::NoTls)
                .and_then(|mut client| client.batch_execute(sql))
                .map_err(|e| describe(&e)),
        };
        if let Err(e) = result {
            panic!("SQL failed on test database {}: {e}\n{sql}", self.name);
        }
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        let keep = keep_requested();
        match &mut self.inner {
            Inner::Sqlite { dir, path } => {
                if keep && let Some(dir) = dir.take() {
                    let folder = dir.keep();
                    eprintln!(
                        "kept test database {} (in {})",
                        path.display(),
                        folder.display()
                    );
                }
            }
            Inner::Postgres {
                server_url,
                database,
                url,
            } => {
                if keep {
                    eprintln!("kept test database {}", redacted(url));
                    return;
                }
                // FORCE ends connections a test left open (and those still closing).
                let dropped = connect_server(server_url).and_then(|mut client| {
                    client
                        .batch_execute(&format!("DROP DATABASE IF EXISTS {database} WITH (FORCE)"))
                });
                if let Err(e) = dropped {
                    // Never panic in drop: the test's own result matters more.
                    eprintln!("could not drop test database {database}: {}", describe(&e));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn database_names_go_into_urls() {
        let check =
            |url: &str, expect: &str| assert_eq!(with_database(url, "t1"), expect, "url {url}");
        check(
            "postgres://postgres@127.0.0.1:5432/postgres",
            "postgres://postgres@127.0.0.1:5432/t1",
        );
        check(
            "postgres://u:p@db:5432/x?sslmode=disable",
            "postgres://u:p@db:5432/t1?sslmode=disable",
        );
        check("postgresql://localhost", "postgresql://localhost/t1");
        check(
            "postgres://localhost?user=postgres",
            "postgres://localhost/t1?user=postgres",
        );
        check(
            "host=localhost user=postgres",
            "host=localhost user=postgres dbname=t1",
        );
    }

    /// Both backends have the same tables, and neither keeps data between test databases.
    #[test]
    fn every_backend_starts_empty_with_the_same_tables() {
        let dbs = TestDb::all();
        let mut shapes = Vec::new();
        for db in &dbs {
            let counts = db.store().table_counts().unwrap();
            assert!(
                counts
                    .iter()
                    .all(|(t, n)| *n == 0 || t == "schema_migrations"),
                "{}: {counts:?}",
                db.name()
            );
            shapes.push(counts.into_iter().map(|(t, _)| t).collect::<Vec<_>>());
        }
        assert!(shapes.windows(2).all(|w| w[0] == w[1]), "{shapes:?}");
    }

    #[test]
    fn sqlite_test_databases_vanish() {
        let db = TestDb::sqlite();
        let path = PathBuf::from(db.location());
        db.store();
        assert!(path.exists());
        if !keep_requested() {
            drop(db);
            assert!(!path.exists());
        }
    }
}
