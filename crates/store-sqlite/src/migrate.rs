//! The SQLite schema's migrations and the small runner that applies them on open.
//!
//! The runner is hand-written on purpose: refinery (0.10.1, its newest release when this was
//! written) accepts rusqlite only up to 0.41 while the workspace uses 0.43, and needs Rust 1.92
//! where the workspace promises 1.88. Applying numbered SQL files in order and recording them
//! takes a few lines. This module does not migrate data between backends and never rolls a
//! schema back: a database written by a newer crossline is refused instead.

use chrono::Utc;
use rusqlite::{Connection, TransactionBehavior};
use store::{Error, Result};

use crate::db_error;

/// Every migration, oldest first: its version and its SQL. Versions only grow, and a published
/// migration is never edited; a change is a new file.
const MIGRATIONS: &[(i64, &str)] = &[
    (1, include_str!("../migrations/0001_init.sql")),
    (2, include_str!("../migrations/0002_resolution.sql")),
    (3, include_str!("../migrations/0003_orders.sql")),
    (4, include_str!("../migrations/0004_replacement_links.sql")),
];

/// The newest schema version this program knows.
pub const SCHEMA_VERSION: i64 = MIGRATIONS[MIGRATIONS.len() - 1].0;

/// Brings the database to [`SCHEMA_VERSION`] in one transaction, or refuses a newer one.
pub(crate) fn run(conn: &mut Connection) -> Result<()> {
    let tx = conn
        .transaction_with_behavior(TransactionBehavior::Immediate)
        .map_err(db_error("starting the migration transaction"))?;
    tx.execute_batch(
        "CREATE TABLE IF NOT EXISTS schema_migrations (
             version    INTEGER PRIMARY KEY,
             applied_at TEXT    NOT NULL
         )",
    )
    .map_err(db_error("creating schema_migrations"))?;
    let found: i64 = tx
        .query_row(
            "SELECT COALESCE(MAX(version), 0) FROM schema_migrations",
            [],
            |r| r.get(0),
        )
        .map_err(db_error("reading the schema version"))?;
    if found > SCHEMA_VERSION {
        return Err(Error::SchemaTooNew {
            found,
            supported: SCHEMA_VERSION,
        });
    }
    for (version, sql) in MIGRATIONS.iter().filter(|(version, _)| *version > found) {
        tx.execute_batch(sql)
            .map_err(|e| Error::Database(format!("applying migration {version}: {e}")))?;
        tx.execute(
            "INSERT INTO schema_migrations (version, applied_at) VALUES (?1, ?2)",
            rusqlite::params![version, crate::timestamp(Utc::now())],
        )
        .map_err(db_error("recording a migration"))?;
    }
    tx.commit().map_err(db_error("committing the migrations"))
}

/// The schema version the database is at (0 for an empty file).
pub(crate) fn current_version(conn: &Connection) -> Result<i64> {
    conn.query_row(
        "SELECT COALESCE(MAX(version), 0) FROM schema_migrations",
        [],
        |r| r.get(0),
    )
    .map_err(db_error("reading the schema version"))
}
