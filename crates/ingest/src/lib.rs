//! The importer of intelligence returns (`matrix-v1`): finds returns on disk, reads their
//! bytes, and turns a workbook, a zip or a folder of CSV files into a validated
//! [`model::Return`], or into the complete list of [`model::Problem`]s that stop it.
//!
//! The pipeline is: [`discover()`] → [`read_submission`] (bytes and hash) → [`parse_return`],
//! which reads the container into neutral tables of text (one module per format: `csv_folder`,
//! `zip`, `xlsx`) and then validates those tables against the published format (`validate`).
//!
//! Invariants: bad data is never an [`Error`], only a problem; every problem names its table,
//! row, column and value; a return is produced only when there are no problems at all (whole or
//! not at all); no input, however hostile, makes [`parse_return`] panic, allocate without bound
//! or run without end (see [`Limits`]).
//!
//! This crate deliberately does not store anything, does not know who is importing, and does
//! not decide what a resubmission replaces: those are the engine's and the store's jobs.

mod csv_folder;
mod discover;
mod problems;
mod read;
mod table;
mod validate;
mod xlsx;
mod zip;

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::PathBuf;
use std::time::{Duration, Instant};

use model::problem::Table;
use model::submission::{Container, Submission};
use model::{ForceCode, Period, Problem};

pub use discover::discover;
pub use read::{read_submission, submission_from_memory};

/// Bounds on what one submission may cost to read, so that a hostile or broken file cannot
/// exhaust memory or time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Limits {
    /// Largest file read from disk (a workbook, a zip, or one CSV file of a folder), in bytes.
    pub max_file_bytes: u64,
    /// Most bytes a submission may expand to once decompressed (all entries of a zip or
    /// workbook together; all files of a folder together).
    pub max_total_uncompressed_bytes: u64,
    /// Most entries in a zip or workbook, and most files in a return folder.
    pub max_zip_entries: usize,
    /// Most data rows in one table.
    pub max_rows_per_table: usize,
    /// Longest cell, in characters.
    pub max_cell_chars: usize,
    /// Longest time parsing and validating one return may take, in seconds.
    pub max_seconds: u64,
}

impl Default for Limits {
    /// 512 MiB per file, 2 GiB decompressed, 64 entries, 5,000,000 rows per table,
    /// 32,768 characters per cell and 600 seconds.
    fn default() -> Self {
        Limits {
            max_file_bytes: 512 * 1024 * 1024,
            max_total_uncompressed_bytes: 2 * 1024 * 1024 * 1024,
            max_zip_entries: 64,
            max_rows_per_table: 5_000_000,
            max_cell_chars: 32_768,
            max_seconds: 600,
        }
    }
}

/// A return found on disk by [`discover()`], not yet read.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Found {
    /// The workbook or zip file, or the folder holding `return.csv`.
    pub path: PathBuf,
    /// How the return is packaged.
    pub container: Container,
}

/// What a return could be read as: the validated return, or why not.
#[derive(Debug, Clone, PartialEq)]
pub struct Parsed {
    /// The validated return.
    ///
    /// Invariant: `Some` exactly when `problems` is empty.
    pub ret: Option<model::Return>,
    /// Every problem found, in table and row order (at most [`MAX_PROBLEMS`] of them, the
    /// last one then saying how many more there were).
    pub problems: Vec<Problem>,
    /// The submitting force, when the `return` table names a valid one (even if other things
    /// are wrong), so that a rejection can be logged against it.
    pub force: Option<ForceCode>,
    /// The period, when the `return` table names a valid one (even if other things are wrong).
    pub period: Option<Period>,
}

/// Most problems kept for one return; the rest are counted in one final problem, so that a
/// hostile file cannot fill memory with diagnostics.
pub const MAX_PROBLEMS: usize = 1_000;

/// A failure to read a submission from disk. Bad *content* is never an error: it is a
/// [`Problem`] in [`Parsed::problems`].
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The file or folder could not be read.
    #[error("cannot read {}: {source}", path.display())]
    Io {
        /// What was being read.
        path: PathBuf,
        /// The operating system's reason.
        source: std::io::Error,
    },
    /// A file, or a folder's files together, are larger than [`Limits`] allow.
    #[error("{} is larger than the limit of {limit} bytes", path.display())]
    TooLarge {
        /// The file or folder.
        path: PathBuf,
        /// The limit exceeded, in bytes.
        limit: u64,
    },
    /// A return folder holds more files than [`Limits::max_zip_entries`].
    #[error("{} holds more than {limit} files", path.display())]
    TooManyFiles {
        /// The folder.
        path: PathBuf,
        /// The limit exceeded.
        limit: usize,
    },
}

/// Results of this crate's fallible functions.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Parses and validates a whole return.
///
/// Never stops at the first problem and never panics on any input: every problem found is
/// in [`Parsed::problems`], and [`Parsed::ret`] is the return only when there are none.
/// The work is bounded by `limits`; exceeding one is itself a problem.
pub fn parse_return(submission: &Submission, limits: &Limits) -> Parsed {
    let budget = Budget::new(limits);
    // Readers and validators are written not to panic; this is the last line of defence
    // (third-party parsers of hostile workbooks included), turning a bug into a problem
    // rather than taking the whole import down.
    match catch_unwind(AssertUnwindSafe(|| {
        parse_unguarded(submission, limits, &budget)
    })) {
        Ok(parsed) => parsed,
        Err(_) => Parsed {
            ret: None,
            problems: vec![Problem::table(
                Table::Container,
                "internal error while reading this return (a bug in crossline; please report it with the file)",
            )],
            force: None,
            period: None,
        },
    }
}

fn parse_unguarded(submission: &Submission, limits: &Limits, budget: &Budget) -> Parsed {
    let mut problems = problems::Problems::new(MAX_PROBLEMS);
    // Files read by `read_submission` are already bounded; an upload built in memory may not be.
    if let Some(file) = submission
        .files
        .iter()
        .find(|file| file.bytes.len() as u64 > limits.max_file_bytes)
    {
        problems.push(Problem {
            table: Table::Container,
            row: None,
            column: None,
            value: Some(file.name.clone()),
            reason: format!(
                "the file is larger than the limit of {} bytes",
                limits.max_file_bytes
            ),
        });
        return Parsed {
            ret: None,
            problems: problems.into_vec(),
            force: None,
            period: None,
        };
    }
    let tables = match submission.container {
        Container::CsvFolder => csv_folder::read(&submission.files, limits, budget, &mut problems),
        Container::Zip => single_file(submission, &mut problems)
            .and_then(|bytes| zip::read(bytes, limits, budget, &mut problems)),
        Container::Xlsx => single_file(submission, &mut problems)
            .and_then(|bytes| xlsx::read(bytes, limits, budget, &mut problems)),
    };
    match tables {
        Some(tables) => validate::validate(tables, budget, problems),
        // The container could not be read whole: validating what was read would only add
        // problems (missing tables, refs to rows never read) that the fix makes moot.
        None => Parsed {
            ret: None,
            problems: problems.into_vec(),
            force: None,
            period: None,
        },
    }
}

/// The one file of a workbook or zip submission.
fn single_file<'a>(
    submission: &'a Submission,
    problems: &mut problems::Problems,
) -> Option<&'a [u8]> {
    match submission.files.as_slice() {
        [file] => Some(&file.bytes),
        files => {
            problems.push(Problem::table(
                Table::Container,
                format!(
                    "a {} submission is one file, not {}",
                    submission.container,
                    files.len()
                ),
            ));
            None
        }
    }
}

/// The time allowed for one return.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Budget {
    deadline: Option<Instant>,
    seconds: u64,
}

impl Budget {
    fn new(limits: &Limits) -> Budget {
        Budget {
            deadline: Instant::now().checked_add(Duration::from_secs(limits.max_seconds)),
            seconds: limits.max_seconds,
        }
    }

    /// Whether the time is up.
    pub(crate) fn expired(&self) -> bool {
        self.deadline
            .is_some_and(|deadline| Instant::now() >= deadline)
    }

    /// The problem to report when the time is up.
    pub(crate) fn problem(&self) -> Problem {
        Problem::table(
            Table::Container,
            format!(
                "reading this return took longer than the limit of {} seconds; it was abandoned",
                self.seconds
            ),
        )
    }
}
