//! The generator's error type.
//!
//! Every failure is an IO failure on a path (or a configuration the caller got
//! wrong): the generator has no bad input of its own to report.

use std::path::PathBuf;

/// Why a world could not be generated.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The configuration cannot be generated (for example `xlsx_share` outside `[0, 1]`).
    #[error("invalid world configuration: {reason}")]
    Config {
        /// What is wrong.
        reason: String,
    },
    /// The output folder already holds files; a world is never written over another.
    #[error("output folder {path} is not empty")]
    OutputNotEmpty {
        /// The folder.
        path: PathBuf,
    },
    /// A folder or file could not be created or written.
    #[error("cannot write {path}")]
    Io {
        /// The file or folder.
        path: PathBuf,
        /// The cause.
        #[source]
        source: std::io::Error,
    },
    /// A CSV file could not be written.
    #[error("cannot write CSV file {path}")]
    Csv {
        /// The file.
        path: PathBuf,
        /// The cause.
        #[source]
        source: csv::Error,
    },
    /// A workbook could not be written.
    #[error("cannot write workbook {path}")]
    Xlsx {
        /// The file.
        path: PathBuf,
        /// The cause.
        #[source]
        source: rust_xlsxwriter::XlsxError,
    },
}

/// The generator's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Attaches a path to IO errors.
pub(crate) trait IoContext<T> {
    /// The error, naming `path`.
    fn at(self, path: &std::path::Path) -> Result<T>;
}

impl<T> IoContext<T> for std::io::Result<T> {
    fn at(self, path: &std::path::Path) -> Result<T> {
        self.map_err(|source| Error::Io {
            path: path.to_path_buf(),
            source,
        })
    }
}

impl<T> IoContext<T> for csv::Result<T> {
    fn at(self, path: &std::path::Path) -> Result<T> {
        self.map_err(|source| Error::Csv {
            path: path.to_path_buf(),
            source,
        })
    }
}

impl<T> IoContext<T> for std::result::Result<T, rust_xlsxwriter::XlsxError> {
    fn at(self, path: &std::path::Path) -> Result<T> {
        self.map_err(|source| Error::Xlsx {
            path: path.to_path_buf(),
            source,
        })
    }
}
