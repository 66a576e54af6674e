//! What the analyses derive and crossline must remember between runs: which records were
//! resolved to which entity (so entity ids stay stable), the pairs waiting for an analyst's
//! review, analysts' decisions (final: they survive every re-run), alerts, and the replacement
//! numbers linked to line and person entities.
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

/// How serious an alert is, least first. Who is told follows from it: the lower two go to
/// the forces holding the subject; the upper two also to their regions and the national centre.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    /// For information: something new is known about a subject the recipient holds (a line or
    /// person has moved to a new number).
    Notice,
    /// The subject is held by two or more forces.
    Shared,
    /// Two or more forces have it under active investigation.
    Conflict,
    /// Act now: a number under a restriction order has been replaced, so the order no longer
    /// bites. The highest severity.
    Urgent,
}

impl Severity {
    /// The stored word.
    pub fn as_str(&self) -> &'static str {
        match self {
            Severity::Notice => "notice",
            Severity::Shared => "shared",
            Severity::Conflict => "conflict",
            Severity::Urgent => "urgent",
        }
    }

    /// Whether the regions of the forces concerned and the national centre are told too.
    pub fn reaches_centre(&self) -> bool {
        matches!(self, Severity::Conflict | Severity::Urgent)
    }
}

impl FromStr for Severity {
    type Err = ValueError;

    fn from_str(s: &str) -> Result<Self, ValueError> {
        match s {
            "notice" => Ok(Severity::Notice),
            "shared" => Ok(Severity::Shared),
            "conflict" => Ok(Severity::Conflict),
            "urgent" => Ok(Severity::Urgent),
            _ => Err(ValueError::new(
                "not a severity: notice, shared, conflict or urgent",
            )),
        }
    }
}

/// What an alert is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum AlertTopic {
    /// A subject held by more than one force (raised by resolution).
    Deconfliction,
    /// A line or person has moved to a new number (raised by a communications analysis).
    Replacement,
}

impl AlertTopic {
    /// The stored word.
    pub fn as_str(&self) -> &'static str {
        match self {
            AlertTopic::Deconfliction => "deconfliction",
            AlertTopic::Replacement => "replacement",
        }
    }
}

impl fmt::Display for AlertTopic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for AlertTopic {
    type Err = ValueError;

    fn from_str(s: &str) -> Result<Self, ValueError> {
        match s {
            "deconfliction" => Ok(AlertTopic::Deconfliction),
            "replacement" => Ok(AlertTopic::Replacement),
            _ => Err(ValueError::new(
                "not an alert topic: deconfliction or replacement",
            )),
        }
    }
}

/// An alert for one recipient about one entity.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Alert {
    /// Stable id: the same entity and recipient (and, for a replacement, the same old and new
    /// numbers) always give the same id.
    pub alert_id: String,
    /// The entity.
    pub entity_id: String,
    /// Its kind.
    pub kind: String,
    /// What it is about. Resolution saves and replaces the deconfliction alerts; each
    /// replacement analysis its own replacement alerts ([`LinkRun`]).
    pub topic: AlertTopic,
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
    /// One line saying what it is about and on what evidence, without personal details beyond
    /// the ids and numbers.
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

/// A replacement number linked to the line or person entity whose old number it replaced: the
/// entity's records list `old_number` (a line's deal numbers, a person's phone numbers), and a
/// communications analysis found `new_number` taking over from it.
///
/// Derived like memberships: each run of an analysis replaces that analysis's links. The key is
/// (analysis, entity, old number, new number); a link found again keeps `first_linked_at`.
#[derive(Debug, Clone, PartialEq)]
pub struct ReplacementLink {
    /// The analysis that found it (`comms` for the deployment's communications analysis).
    pub analysis: String,
    /// The run of that analysis that last found it.
    pub run_id: String,
    /// The entity.
    pub entity_id: String,
    /// Its kind: `line` or `person`.
    pub kind: String,
    /// Every force holding the entity (whose returns name it), sorted.
    pub forces: Vec<ForceCode>,
    /// The number the entity's records list, which fell silent.
    pub old_number: String,
    /// The number that took over.
    pub new_number: String,
    /// When the new number took over (its first activity).
    pub switched_at: DateTime<Utc>,
    /// Confidence, `[0, 1]`.
    pub score: f64,
    /// Evidence: customers of the old number the new one reached.
    pub shared_customers: u32,
    /// Evidence: customers of the old number near its end.
    pub old_customers: u32,
    /// Evidence: the new number was used in the old one's handset.
    pub same_imei: bool,
    /// When the link was first found (kept across re-runs; filled by the store).
    pub first_linked_at: DateTime<Utc>,
}

/// What one run of a replacement analysis links and raises, saved together.
#[derive(Debug, Clone, PartialEq)]
pub struct LinkRun {
    /// The analysis: its links and replacement alerts replace those it saved before, and
    /// nothing else's.
    pub analysis: String,
    /// This run.
    pub run_id: String,
    /// Every link found. Invariant: each has `analysis` and `run_id` equal to the run's.
    pub links: Vec<ReplacementLink>,
    /// The alerts now standing for those links. Invariant: each has topic
    /// [`AlertTopic::Replacement`].
    pub alerts: Vec<Alert>,
}

/// What saving a [`LinkRun`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct LinksSaved {
    /// Links not found by the analysis's previous run.
    pub new_links: usize,
    /// Alerts that did not stand before and were raised now.
    pub new_alerts: usize,
}
