//! The PostgreSQL schema's migrations and the small runner that applies them on connect.
//!
//! The runner is hand-written on purpose, as the SQLite store's is: refinery (0.10.1, its
//! newest release when this was written) needs Rust 1.92 where the workspace promises 1.88,
//! and its SQLite side stops at rusqlite 0.41 where we use 0.43; using it for one backend
//! only would give the two stores two different migration records. This module does not
//! migrate data between backends and never rolls a schema back: a database written by a newer
//! crossline is refused instead.

use postgres::Client;
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

/// The advisory lock that serialises migrations when several processes connect at once. Any
/// constant does, as long as nothing else in the database uses it.
const MIGRATION_LOCK: i64 = 0x63_726f_7373_6c69; // "crossli"

/// Brings the database to [`SCHEMA_VERSION`] in one transaction, or refuses a newer one.
pub(crate) fn run(client: &mut Client) -> Result<()> {
    let mut tx = client
        .transaction()
        .map_err(db_error("starting the migration transaction"))?;
    tx.execute("SELECT pg_advisory_xact_lock($1)", &[&MIGRATION_LOCK])
        .map_err(db_error("taking the migration lock"))?;
    tx.batch_execute(
        "CREATE TABLE IF NOT EXISTS schema_migrations (
             version    BIGINT      PRIMARY KEY,
             applied_at TIMESTAMPTZ NOT NULL
         )",
    )
    .map_err(db_error("creating schema_migrations"))?;
    let found: i64 = tx
        .query_one(
            "SELECT COALESCE(MAX(version), 0) FROM schema_migrations",
            &[],
        )
        .and_then(|r| r.try_get(0))
        .map_err(db_error("reading the schema version"))?;
    if found > SCHEMA_VERSION {
        return Err(Error::SchemaTooNew {
            found,
            supported: SCHEMA_VERSION,
        });
    }
    for (version, sql) in MIGRATIONS.iter().filter(|(version, _)| *version > found) {
        tx.batch_execute(sql).map_err(|e| {
            Error::Database(format!(
                "applying migration {version}: {}",
                crate::describe(&e)
            ))
        })?;
        tx.execute(
            "INSERT INTO schema_migrations (version, applied_at) VALUES ($1, now())",
            &[version],
        )
        .map_err(db_error("recording a migration"))?;
    }
    tx.commit().map_err(db_error("committing the migrations"))
}

/// The schema version the database is at.
pub(crate) fn current_version(client: &mut Client) -> Result<i64> {
    client
        .query_one(
            "SELECT COALESCE(MAX(version), 0) FROM schema_migrations",
            &[],
        )
        .and_then(|r| r.try_get(0))
        .map_err(db_error("reading the schema version"))
}
