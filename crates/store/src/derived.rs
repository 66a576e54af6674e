//! What the analyses derive and crossline must remember between runs: which records were
//! resolved to which entity (so entity ids stay stable), the pairs waiting for an analyst's
//! review, analysts' decisions (final: they survive every re-run), and deconfliction alerts.
//!
//! Everything here except decisions can be recomputed from the submitted returns; decisions are
//! analysts' own input and are kept with who made them and when. These are plain data: the
//! resolution algorithm lives in `resolve`, and the engine converts its results into these.

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, Utc};
use model::{ForceCode, Period, RegionCode, ValueError};

/// A submitted record, named as the exports name it: force, period and the force's ref
/// (the VRM for vehicles).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct RecordRef {
    /// The submitting force.
    pub force: ForceCode,
    /// The return's period.
    pub period: Period,
    /// The record's ref in that return.
    pub reference: String,
}

impl fmt::Display for RecordRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}/{}", self.force, self.period, self.reference)
    }
}

impl FromStr for RecordRef {
    type Err = ValueError;

    /// Reads `force/period/ref` (the ref may itself contain `/`).
    fn from_str(s: &str) -> Result<Self, ValueError> {
        let mut parts = s.splitn(3, '/');
        let (Some(force), Some(period), Some(reference)) =
            (parts.next(), parts.next(), parts.next())
        else {
            return Err(ValueError::new(
                "not a record reference: write force/period/ref, e.g. merseyside/2026-03/N12",
            ));
        };
        if reference.is_empty() {
            return Err(ValueError::new(
                "a record reference needs a ref after force/period/",
            ));
        }
        Ok(RecordRef {
            force: force.parse()?,
            period: period.parse()?,
            reference: reference.to_string(),
        })
    }
}

/// One record's membership of an entity.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct EntityMember {
    /// The entity's stable id.
    pub entity_id: String,
    /// `person`, `line`, `location`, `vehicle` or `phone`.
    pub kind: String,
    /// The record.
    pub record: RecordRef,
}

/// A candidate pair the model is unsure of, waiting for an analyst.
#[derive(Debug, Clone, PartialEq)]
pub struct ReviewPair {
    /// Stable id of the pair (the same two records always give the same id).
    pub pair_id: String,
    /// The entity kind compared.
    pub kind: String,
    /// One record.
    pub a: RecordRef,
    /// The other.
    pub b: RecordRef,
    /// The model's probability that they are the same.
    pub probability: f64,
    /// The explanation (the waterfall), one comparison a line.
    pub explanation: String,
}

/// An analyst's final word on whether two records are the same.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decision {
    /// The entity kind.
    pub kind: String,
    /// One record.
    pub a: RecordRef,
    /// The other.
    pub b: RecordRef,
    /// Whether they are the same.
    pub same: bool,
    /// Who decided (filled by the store from the actor).
    pub decided_by: String,
    /// When (filled by the store).
    pub decided_at: DateTime<Utc>,
    /// Why, in the analyst's words.
    pub note: Option<String>,
}

/// Who an alert is for.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Recipient {
    /// A force.
    Force(ForceCode),
    /// A region's co-ordinators.
    Region(RegionCode),
    /// The national centre.
    National,
}

impl fmt::Display for Recipient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Recipient::Force(c) => write!(f, "force:{c}"),
            Recipient::Region(r) => write!(f, "region:{r}"),
            Recipient::National => f.write_str("national"),
        }
    }
}

impl FromStr for Recipient {
    type Err = ValueError;

    fn from_str(s: &str) -> Result<Self, ValueError> {
        if s == "national" {
            return Ok(Recipient::National);
        }
        match s.split_once(':') {
            Some(("force", code)) => Ok(Recipient::Force(code.parse()?)),
            Some(("region", code)) => Ok(Recipient::Region(code.parse()?)),
            _ => Err(ValueError::new(
                "not a recipient: write national, force:CODE or region:CODE",
            )),
        }
    }
}

/// How serious a deconfliction alert is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    /// The subject is held by two or more forces.
    Shared,
    /// Two or more forces have it under active investigation: the highest severity.
    Conflict,
}

impl Severity {
    /// The stored word.
    pub fn as_str(&self) -> &'static str {
        match self {
            Severity::Shared => "shared",
            Severity::Conflict => "conflict",
        }
    }
}

impl FromStr for Severity {
    type Err = ValueError;

    fn from_str(s: &str) -> Result<Self, ValueError> {
        match s {
            "shared" => Ok(Severity::Shared),
            "conflict" => Ok(Severity::Conflict),
            _ => Err(ValueError::new("not a severity: shared or conflict")),
        }
    }
}

/// A deconfliction alert for one recipient about one entity.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Alert {
    /// Stable id: the same entity and recipient always give the same id.
    pub alert_id: String,
    /// The entity.
    pub entity_id: String,
    /// Its kind.
    pub kind: String,
    /// How serious.
    pub severity: Severity,
    /// Who it is for.
    pub recipient: Recipient,
    /// Every force holding the entity.
    pub forces: Vec<ForceCode>,
    /// The forces with it under active investigation.
    pub active_forces: Vec<ForceCode>,
    /// First period it was reported.
    pub first_seen: Period,
    /// Last period it was reported.
    pub last_seen: Period,
    /// When the alert was first raised (kept across re-runs; filled by the store for new alerts).
    pub raised_at: DateTime<Utc>,
    /// One line saying what it is about, without personal details beyond the ids.
    pub summary: String,
}

/// Everything one resolution run derives, saved together.
#[derive(Debug, Clone, PartialEq)]
pub struct ResolutionRun {
    /// Every record's entity.
    pub members: Vec<EntityMember>,
    /// Pairs for review.
    pub review: Vec<ReviewPair>,
    /// Alerts now standing.
    pub alerts: Vec<Alert>,
    /// The trained model's parameters, serialised by the resolver (opaque here), so that an
    /// incremental run can reuse them.
    pub model: String,
}

/// Where a restriction order (DDTRO) on a number stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum OrderStatus {
    /// Applied for.
    Applied,
    /// Granted by the court.
    Granted,
}

impl OrderStatus {
    /// The stored spelling (`applied`, `granted`).
    pub fn as_str(self) -> &'static str {
        match self {
            OrderStatus::Applied => "applied",
            OrderStatus::Granted => "granted",
        }
    }
}

impl fmt::Display for OrderStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for OrderStatus {
    type Err = ValueError;

    fn from_str(s: &str) -> Result<Self, ValueError> {
        match s.trim().to_ascii_lowercase().as_str() {
            "applied" => Ok(OrderStatus::Applied),
            "granted" => Ok(OrderStatus::Granted),
            _ => Err(ValueError::new("an order status is applied or granted")),
        }
    }
}

/// A restriction order applied for, or granted, on one number. Orders are analysts' own input
/// and are never deleted: a later entry on the same number (say, granted after applied) is
/// added beside the earlier one.
#[derive(Debug, Clone, PartialEq)]
pub struct Order {
    /// The number, E.164.
    pub number: String,
    /// Applied for or granted.
    pub status: OrderStatus,
    /// The line it was sought against (a line entity id or force/period/ref), if named.
    pub line: Option<String>,
    /// The day it was applied for or granted.
    pub date: chrono::NaiveDate,
    /// Who recorded it (the store sets it from the actor).
    pub recorded_by: String,
    /// When it was recorded (the store sets it).
    pub recorded_at: DateTime<Utc>,
}
