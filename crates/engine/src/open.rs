//! Opening the configured store: a SQLite file by default, PostgreSQL for a `postgres://` URL.
//!
//! Only this module knows every backend; everything else sees `dyn Store`.

use store::{Backend, Store, StoreSettings};

/// Opens (creating and migrating as needed) the store the settings name.
pub fn open_store(settings: &StoreSettings) -> store::Result<Box<dyn Store>> {
    Ok(match &settings.backend {
        Backend::Sqlite(path) => Box::new(store_sqlite::SqliteStore::open(path)?),
        Backend::Postgres(url) => Box::new(store_postgres::PostgresStore::connect(url)?),
    })
}
