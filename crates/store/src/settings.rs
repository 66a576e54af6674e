//! Which database to open: a SQLite file path or a `postgres://` URL.
//!
//! Parsing only; opening is the engine's job, since only it knows every backend.

use std::fmt;
use std::path::PathBuf;

use crate::{Error, Result};

/// The kind of database.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Backend {
    /// An embedded SQLite file.
    Sqlite(PathBuf),
    /// A PostgreSQL server, by connection URL.
    Postgres(String),
}

/// Settings for opening a store.
#[derive(Clone, PartialEq, Eq)]
pub struct StoreSettings {
    /// Where the data lives.
    pub backend: Backend,
}

impl StoreSettings {
    /// The default: `crossline.db` in the working folder.
    pub const DEFAULT_PATH: &'static str = "crossline.db";

    /// Reads `postgres://…` / `postgresql://…` as PostgreSQL, `sqlite://PATH` or any other text as a
    /// SQLite file path.
    pub fn parse(text: &str) -> Result<StoreSettings> {
        let text = text.trim();
        if text.is_empty() {
            return Err(Error::Settings("the database location is empty".into()));
        }
        let backend = if text.starts_with("postgres://") || text.starts_with("postgresql://") {
            Backend::Postgres(text.to_string())
        } else if let Some(path) = text.strip_prefix("sqlite://") {
            Backend::Sqlite(PathBuf::from(path))
        } else {
            Backend::Sqlite(PathBuf::from(text))
        };
        Ok(StoreSettings { backend })
    }

    /// The location with any password hidden, for messages and logs.
    pub fn redacted(&self) -> String {
        match &self.backend {
            Backend::Sqlite(path) => path.display().to_string(),
            Backend::Postgres(url) => redact_url(url),
        }
    }
}

/// Hides the password of `scheme://user:password@host/...` and any `password=` parameter.
fn redact_url(url: &str) -> String {
    let mut out = url.to_string();
    if let Some(scheme_end) = out.find("://") {
        let rest_start = scheme_end + 3;
        if let Some(at) = out[rest_start..].find('@') {
            let userinfo = &out[rest_start..rest_start + at];
            if let Some(colon) = userinfo.find(':') {
                let from = rest_start + colon + 1;
                out.replace_range(from..rest_start + at, "***");
            }
        }
    }
    if let Some(pos) = out.find("password=") {
        let from = pos + "password=".len();
        let to = out[from..].find('&').map_or(out.len(), |i| from + i);
        out.replace_range(from..to, "***");
    }
    out
}

impl fmt::Debug for StoreSettings {
    // Deliberately never prints a password.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StoreSettings")
            .field("backend", &self.redacted())
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_redacts() {
        let s = StoreSettings::parse(
            "postgres://crossline:s3cret@db.example/crossline?sslmode=require",
        )
        .unwrap();
        assert_eq!(
            s.redacted(),
            "postgres://crossline:***@db.example/crossline?sslmode=require"
        );
        assert!(!format!("{s:?}").contains("s3cret"));
        let s = StoreSettings::parse("postgres://db/x?user=a&password=p&x=1").unwrap();
        assert_eq!(s.redacted(), "postgres://db/x?user=a&password=***&x=1");
        assert_eq!(
            StoreSettings::parse("data/c.db").unwrap().backend,
            Backend::Sqlite("data/c.db".into())
        );
        assert_eq!(
            StoreSettings::parse("sqlite://c.db").unwrap().backend,
            Backend::Sqlite("c.db".into())
        );
        assert!(StoreSettings::parse("  ").is_err());
    }
}
