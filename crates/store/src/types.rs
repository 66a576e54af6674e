//! What goes into and comes out of a [`crate::Store`] besides the records themselves.

use std::str::FromStr;

use chrono::{DateTime, Utc};
use model::{ForceCode, Period, Problem, ReturnId, SubmissionId, ValueError};

pub use model::submission::{Container, SourceFile, Submission};

/// What storing a valid return did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SubmitOutcome {
    /// Stored as the force's current version for the period.
    Accepted {
        /// The new version's id.
        return_id: ReturnId,
        /// 1 for a first submission, 2 for the first resubmission, and so on.
        revision: u32,
        /// The version it replaced, if any.
        replaced: Option<ReturnId>,
    },
    /// The same content is already the current version: nothing changed.
    Unchanged {
        /// The current version.
        return_id: ReturnId,
    },
}

/// A submission that was rejected, for the log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rejection {
    /// The path it was read from.
    pub origin: String,
    /// Its SHA-256, when it could be read at all.
    pub sha256: Option<String>,
    /// The force it claimed to be from, if that much could be read.
    pub force: Option<ForceCode>,
    /// The period it claimed to cover, if that much could be read.
    pub period: Option<Period>,
    /// Every problem found.
    pub problems: Vec<Problem>,
}

/// A stored version of a return, without its records.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReturnInfo {
    /// Its id.
    pub id: ReturnId,
    /// The force.
    pub force: ForceCode,
    /// The period.
    pub period: Period,
    /// The format version (`1`).
    pub version: u32,
    /// The nth submission for this force and period.
    pub revision: u32,
    /// Who compiled it, as the return says.
    pub submitted_by: String,
    /// Who stored it.
    pub stored_by: String,
    /// When it was stored.
    pub received_at: DateTime<Utc>,
    /// Where it was read from.
    pub origin: String,
    /// How it was sent.
    pub container: Container,
    /// Its content hash.
    pub sha256: String,
    /// Whether it is the current version.
    pub current: bool,
    /// Record counts: lines, nominals, locations, vehicles, events.
    pub counts: [u32; 5],
}

/// What became of a submission.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SubmissionOutcome {
    /// Stored as a new version.
    Accepted,
    /// Identical to the current version; nothing stored.
    Unchanged,
    /// Rejected with problems; nothing stored.
    Rejected,
}

impl SubmissionOutcome {
    /// The stored word.
    pub fn as_str(&self) -> &'static str {
        match self {
            SubmissionOutcome::Accepted => "accepted",
            SubmissionOutcome::Unchanged => "unchanged",
            SubmissionOutcome::Rejected => "rejected",
        }
    }
}

impl FromStr for SubmissionOutcome {
    type Err = ValueError;

    fn from_str(s: &str) -> Result<Self, ValueError> {
        match s {
            "accepted" => Ok(SubmissionOutcome::Accepted),
            "unchanged" => Ok(SubmissionOutcome::Unchanged),
            "rejected" => Ok(SubmissionOutcome::Rejected),
            _ => Err(ValueError::new("not a submission outcome")),
        }
    }
}

/// One line of the submission log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SubmissionEntry {
    /// Its id.
    pub id: SubmissionId,
    /// When it arrived.
    pub received_at: DateTime<Utc>,
    /// Who submitted it.
    pub submitted_by: String,
    /// Where it was read from.
    pub origin: String,
    /// Its hash, when readable.
    pub sha256: Option<String>,
    /// The force, when readable.
    pub force: Option<ForceCode>,
    /// The period, when readable.
    pub period: Option<Period>,
    /// What became of it.
    pub outcome: SubmissionOutcome,
    /// How many problems it had.
    pub problem_count: u32,
    /// The first problems, in words (at most 20 kept).
    pub problems: Vec<String>,
    /// The stored version it produced or matched.
    pub return_id: Option<ReturnId>,
}

/// One audit-log entry: who did what to which data, when.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditEntry {
    /// Sequence number.
    pub id: i64,
    /// When.
    pub at: DateTime<Utc>,
    /// Who.
    pub user: String,
    /// In which role.
    pub role: String,
    /// The action, e.g. `submit_return`, `read_returns`, `denied`.
    pub action: String,
    /// What it concerned, e.g. `force:merseyside` or `return:R12`.
    pub subject: String,
    /// Anything else worth knowing.
    pub detail: String,
}
