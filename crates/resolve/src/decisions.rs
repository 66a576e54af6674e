//! Analysts' decisions about pairs of records: final, they override the model. A "same"
//! decision is a must-link, a "different" decision a cannot-link.
//!
//! A decision about a record also covers the records of the same force and reference whose
//! compared values are identical to it (its profile): they are the force's unchanged record of
//! the same subject in other months. Storing decisions, and who made them when, is the
//! store's job.

use crate::key::{EntityKind, RecordKey};

/// An analyst's decision that two records are, or are not, the same subject.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Decision {
    /// One record.
    pub a: RecordKey,
    /// The other record.
    pub b: RecordKey,
    /// What the records are (`Person` or `Line`; others are resolved by exact rules and a
    /// decision about them is honoured the same way).
    pub kind: EntityKind,
    /// True: the same subject. False: different subjects.
    pub same: bool,
    /// Who decided.
    pub by: String,
}

impl Decision {
    /// Whether the decision is about the pair `x`, `y` (in either order).
    pub fn covers(&self, kind: EntityKind, x: &RecordKey, y: &RecordKey) -> bool {
        self.kind == kind && ((&self.a == x && &self.b == y) || (&self.a == y && &self.b == x))
    }
}
