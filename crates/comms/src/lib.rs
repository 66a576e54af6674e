//! Communications data (`spec/comms-v1.md`): reading call and message records from CSV,
//! gzip-compressed CSV or Parquet, validating every row, and keeping them as
//! month-partitioned Parquet in a folder beside the database.
//!
//! [`read`] streams a file in bounded batches and reports each row it cannot read with its
//! line number and reason ([`RowProblem`]); [`store`] writes accepted records as
//! `month=YYYY-MM/part-<hash>-N.parquet` and keeps a manifest of imported files so that
//! importing the same bytes twice adds nothing. This crate does no analysis (that is
//! `assess`), knows nothing of SQL databases, and never prints.

pub mod read;
pub mod record;
pub mod store;

pub use read::{RowProblem, read_file};
pub use record::{Kind, Record, schema};
pub use store::{CommsStore, FileOutcome, FileReport, ImportOptions, ImportReport};

use std::path::PathBuf;

/// What went wrong reading or storing communications data (not bad rows: those are
/// [`RowProblem`] diagnostics).
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A file could not be read or written.
    #[error("cannot access {path}: {source}")]
    Io {
        /// The file or folder.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
    /// A CSV file is malformed beyond its rows (for example, an unreadable header).
    #[error("cannot read {path} as CSV: {message}")]
    Csv {
        /// The file.
        path: PathBuf,
        /// What the CSV reader said.
        message: String,
    },
    /// A file lacks a column comms-v1 requires.
    #[error("{path} lacks the comms-v1 column `{column}`")]
    MissingColumn {
        /// The file.
        path: PathBuf,
        /// The column missing.
        column: &'static str,
    },
    /// A Parquet file could not be read or written.
    #[error("parquet error in {path}: {message}")]
    Parquet {
        /// The file.
        path: PathBuf,
        /// What the Parquet library said.
        message: String,
    },
    /// The file's name says neither `.csv`, `.csv.gz` nor `.parquet`.
    #[error("{path}: not a comms-v1 file (expected .csv, .csv.gz or .parquet)")]
    UnknownFormat {
        /// The file.
        path: PathBuf,
    },
}

/// Result of this crate's fallible operations.
pub type Result<T, E = Error> = std::result::Result<T, E>;

pub(crate) fn io_error(path: &std::path::Path) -> impl FnOnce(std::io::Error) -> Error + '_ {
    move |source| Error::Io {
        path: path.to_path_buf(),
        source,
    }
}
