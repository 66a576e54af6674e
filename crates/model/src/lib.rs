//! crossline's domain model: the intelligence return and its records, the validated values
//! they carry (phone numbers, postcodes, registration marks, dates, grading), the forces and
//! regions, and who is acting.
//!
//! This crate owns the *meaning* of the data and the canonical written form of every value
//! (each value type parses any accepted writing and displays its one canonical form).
//! It deliberately does no IO, knows nothing about files, SQL or HTTP, and does not derive
//! `Serialize`: wire formats belong to the crates at the edges.

pub mod access;
pub mod date;
pub mod force;
pub mod grading;
pub mod ids;
pub mod phone;
pub mod place;
pub mod problem;
pub mod record;
pub mod submission;
pub mod vocab;

pub use access::{Actor, Scope, UserRole};
pub use date::{PartialDate, parse_date};
pub use force::{Force, ForceCode, RegionCode};
pub use grading::Grading;
pub use ids::{ReturnId, SubmissionId};
pub use phone::PhoneNumber;
pub use place::{PncId, Postcode, Vrm};
pub use problem::{Problem, Table};
pub use record::{Event, Line, Location, Nominal, Period, Return, ReturnHeader, Vehicle};
pub use vocab::*;

/// Why a single written value could not be read.
///
/// The message is the *reason* only (lowercase, no trailing period); the caller adds the
/// table, row, column and value.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct ValueError(pub String);

impl ValueError {
    /// A reason why a value is not acceptable.
    pub fn new(reason: impl Into<String>) -> Self {
        ValueError(reason.into())
    }
}
