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

/// A number in the order of record keys as far as it goes: of two keys, the one with the
/// smaller number is the smaller key; equal numbers say nothing (the keys must then be
/// compared). Force, month and the first 13 bytes of the reference, the reference zero-padded
/// (a shorter reference that is a prefix of a longer one is the smaller), so that keys differ
/// in their numbers nearly always. Never `u128::MAX`.
pub fn order_prefix(key: &RecordKey) -> u128 {
    // The forces' order as their codes' (how `ForceCode` orders).
    static RANK: std::sync::OnceLock<Vec<&'static str>> = std::sync::OnceLock::new();
    let codes = RANK.get_or_init(|| {
        let mut codes: Vec<&'static str> = model::force::forces()
            .iter()
            .map(|f| f.code.as_str())
            .collect();
        codes.sort_unstable();
        assert!(codes.len() <= 256, "a force's rank must fit in 8 bits");
        codes
    });
    let force = codes
        .binary_search(&key.force.as_str())
        .expect("invariant: force codes come from the registry") as u128;
    // Months from 1900 on; any other year ties with every such key of its force, with the
    // reference left out so that nothing after the month decides.
    let months = (i64::from(key.period.year()) - 1900) * 12 + i64::from(key.period.month());
    if !(1..i64::from(u16::MAX)).contains(&months) {
        let edge = if months < 1 { 0 } else { u128::from(u16::MAX) };
        return force << 120 | edge << 104;
    }
    let mut reference = [0u8; 13];
    let bytes = key.reference.as_bytes();
    let n = bytes.len().min(13);
    reference[..n].copy_from_slice(&bytes[..n]);
    let reference = reference
        .iter()
        .fold(0u128, |acc, &b| acc << 8 | u128::from(b));
    force << 120 | (months as u128) << 104 | reference
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

#[cfg(test)]
mod tests {
    use super::{RecordKey, order_prefix};

    #[test]
    fn a_smaller_order_prefix_means_a_smaller_key() {
        let forces: Vec<_> = model::force::forces()
            .iter()
            .take(4)
            .map(|f| f.code.clone())
            .collect();
        let periods = [
            "1850-01", "1899-12", "1900-01", "2026-03", "2026-11", "2027-01",
        ];
        let references = [
            "",
            "A",
            "A\0",
            "AB",
            "KEN-N-0012",
            "KEN-N-00120",
            "KEN-N-0013",
            "a-very-long-reference-1",
            "a-very-long-reference-2",
            "a-very-long-r",
            "\u{e9}t\u{e9}",
        ];
        let mut keys = Vec::new();
        for force in &forces {
            for period in periods {
                for reference in references {
                    keys.push(RecordKey::new(
                        force.clone(),
                        period.parse().unwrap(),
                        reference,
                    ));
                }
            }
        }
        let mut distinct = 0;
        for a in &keys {
            for b in &keys {
                let (pa, pb) = (order_prefix(a), order_prefix(b));
                assert_ne!(pa, u128::MAX);
                if pa < pb {
                    assert!(a < b, "{a} before {b} by number but not by key");
                }
                if a != b && pa != pb {
                    distinct += 1;
                }
            }
        }
        // The numbers tell nearly all pairs apart (not the long references sharing 13 bytes,
        // nor months before 1900).
        assert!(distinct > keys.len() * keys.len() * 9 / 10, "{distinct}");
    }
}
