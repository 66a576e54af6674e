//! Names for what is resolved: a submitted record's stable identity ([`RecordKey`]), the
//! kinds of record and entity, and the entity ids the resolver hands out ([`EntityId`]).
//!
//! This module only names things; it does not decide which records are the same (that is
//! the rest of the crate) nor how an id is chosen (`ids`).

use std::fmt;

use model::{ForceCode, Period};

/// A submitted record's identity: the force that sent it, the month reported and the
/// force's own reference in that return (`exports-v1` names records this way). For a
/// vehicle the reference is its registration mark.
///
/// Invariant: unique per record kind, since a reference is unique within its table in one
/// return.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct RecordKey {
    /// The submitting force.
    pub force: ForceCode,
    /// The month of the return.
    pub period: Period,
    /// The force's reference for the record in that return.
    pub reference: String,
}

impl RecordKey {
    /// The key of record `reference` in `force`'s return for `period`.
    pub fn new(force: ForceCode, period: Period, reference: impl Into<String>) -> RecordKey {
        RecordKey {
            force,
            period,
            reference: reference.into(),
        }
    }
}

impl fmt::Display for RecordKey {
    /// `force/period/reference`, e.g. `kent/2026-03/KEN-N-0012`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}/{}", self.force, self.period, self.reference)
    }
}

/// The tables a record comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum RecordKind {
    /// A row of `nominals`.
    Person,
    /// A row of `lines`.
    Line,
    /// A row of `locations`.
    Location,
    /// A row of `vehicles`.
    Vehicle,
}

impl RecordKind {
    /// The word `exports-v1` uses: `person`, `line`, `location` or `vehicle`.
    pub fn as_str(self) -> &'static str {
        match self {
            RecordKind::Person => "person",
            RecordKind::Line => "line",
            RecordKind::Location => "location",
            RecordKind::Vehicle => "vehicle",
        }
    }
}

impl fmt::Display for RecordKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What an entity is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum EntityKind {
    /// A real person (from nominal records).
    Person,
    /// A county line (from line records).
    Line,
    /// A place (from location records).
    Location,
    /// A vehicle (from vehicle records).
    Vehicle,
    /// A phone number (carried by person and line records).
    Phone,
}

impl EntityKind {
    /// The lowercase word: `person`, `line`, `location`, `vehicle` or `phone`.
    pub fn as_str(self) -> &'static str {
        match self {
            EntityKind::Person => "person",
            EntityKind::Line => "line",
            EntityKind::Location => "location",
            EntityKind::Vehicle => "vehicle",
            EntityKind::Phone => "phone",
        }
    }

    /// The letter that starts this kind's ids.
    pub(crate) fn prefix(self) -> &'static str {
        match self {
            EntityKind::Person => "P",
            EntityKind::Line => "L",
            EntityKind::Location => "A",
            EntityKind::Vehicle => "V",
            EntityKind::Phone => "T",
        }
    }

    /// The record kind whose records make up entities of this kind; `None` for phones, whose
    /// members are the person and line records carrying the number.
    pub fn record_kind(self) -> Option<RecordKind> {
        match self {
            EntityKind::Person => Some(RecordKind::Person),
            EntityKind::Line => Some(RecordKind::Line),
            EntityKind::Location => Some(RecordKind::Location),
            EntityKind::Vehicle => Some(RecordKind::Vehicle),
            EntityKind::Phone => None,
        }
    }
}

impl fmt::Display for EntityKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The resolver's stable id for an entity, e.g. `P-3f9a2c1b`: the kind's letter, a dash and
/// hexadecimal digits.
///
/// Invariant: unique within one [`crate::Resolution`].
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct EntityId(pub String);

impl EntityId {
    /// The id's text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for EntityId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A record together with its kind: the members of a phone entity are person and line
/// records, whose references could coincide.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Member {
    /// The table the record comes from.
    pub kind: RecordKind,
    /// The record.
    pub key: RecordKey,
}
