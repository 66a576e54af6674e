//! A submission as it arrived: its container, its files byte for byte, and its fingerprint.
//!
//! Kept beside the validated records so that nothing a force sent is ever lost. Reading the
//! files is the importer's job; this module only describes them.

use std::fmt;
use std::str::FromStr;

use crate::ValueError;

/// How a return was sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Container {
    /// An `.xlsx` workbook.
    Xlsx,
    /// A folder of CSV files.
    CsvFolder,
    /// A `.zip` of CSV files.
    Zip,
}

impl Container {
    /// The stored word.
    pub fn as_str(&self) -> &'static str {
        match self {
            Container::Xlsx => "xlsx",
            Container::CsvFolder => "csv_folder",
            Container::Zip => "zip",
        }
    }
}

impl FromStr for Container {
    type Err = ValueError;

    fn from_str(s: &str) -> Result<Self, ValueError> {
        match s {
            "xlsx" => Ok(Container::Xlsx),
            "csv_folder" => Ok(Container::CsvFolder),
            "zip" => Ok(Container::Zip),
            _ => Err(ValueError::new("not a container kind")),
        }
    }
}

impl fmt::Display for Container {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One file of a submission, byte for byte as received.
#[derive(Clone, PartialEq, Eq)]
pub struct SourceFile {
    /// Its name within the submission (`nominals.csv`, or the workbook's file name).
    pub name: String,
    /// Its bytes.
    pub bytes: Vec<u8>,
}

impl fmt::Debug for SourceFile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SourceFile({:?}, {} bytes)", self.name, self.bytes.len())
    }
}

/// A submission as received: where from, its fingerprint and its files.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Submission {
    /// The path it was read from, as given.
    pub origin: String,
    /// How it was sent.
    pub container: Container,
    /// SHA-256 of the content, hex: of the file, or for a folder of its files' names and bytes
    /// in name order. Equal hashes mean the same submission.
    pub sha256: String,
    /// The files, as received.
    pub files: Vec<SourceFile>,
}

impl Submission {
    /// Total size of the files.
    pub fn size_bytes(&self) -> u64 {
        self.files.iter().map(|f| f.bytes.len() as u64).sum()
    }
}
