//! Resolution and deconfliction run against the store: load every current return, resolve the
//! records (keeping earlier entity ids and applying analysts' decisions), raise an alert to
//! every force holding a shared subject (and to the regions and the national centre where two
//! or more forces are actively investigating it), and save it all as one derived run.
//!
//! The method lives in `resolve`; this module converts between its types and the store's.
//! A run spans every force, so only a national analyst may start one.

use std::collections::{BTreeMap, BTreeSet};

use chrono::Utc;
use model::{Actor, ForceCode, Scope};
use resolve::{EntityKind, Member, PreviousIds, RecordKey, RecordKind};
use sha2::{Digest, Sha256};
use store::{
    Alert, AlertTopic, Decision, EntityMember, Recipient, RecordRef, ResolutionRun, ReviewPair,
    Severity, Store,
};

use crate::Result;

/// What a resolution run found.
#[derive(Debug, Clone)]
pub struct AnalyseReport {
    /// Figures from the resolver.
    pub stats: resolve::Stats,
    /// Pairs now waiting for review.
    pub review: usize,
    /// Entities held by two or more forces.
    pub shared: usize,
    /// Of those, actively investigated by two or more forces.
    pub conflicts: usize,
    /// Alerts standing (one per recipient and entity).
    pub alerts: usize,
    /// Decisions that could not be applied, and why.
    pub notes: Vec<String>,
}

/// Runs resolution over every current return and saves the result.
pub fn analyse(
    store: &mut dyn Store,
    actor: &Actor,
    settings: &resolve::Settings,
    progress: resolve::Progress<'_>,
) -> Result<AnalyseReport> {
    let returns = store.load_current(actor, &Scope::National)?;
    let input = resolve::input_from_returns(returns.into_iter().map(|(_, ret)| ret));
    let decisions: Vec<resolve::Decision> = store
        .decisions(actor)?
        .iter()
        .filter_map(to_resolve_decision)
        .collect();
    let previous = previous_ids(&store.entity_members(actor, &Scope::National)?);

    let resolution =
        resolve::resolve_with_progress(&input, &decisions, &previous, settings, progress);
    let deconflictions = resolve::deconflict(&resolution, &input);

    let members = resolution
        .entities
        .iter()
        .filter(|e| e.kind != EntityKind::Phone)
        .flat_map(|e| {
            e.members.iter().map(move |m| EntityMember {
                entity_id: e.id.to_string(),
                kind: e.kind.as_str().to_string(),
                record: to_record_ref(&m.key),
            })
        })
        .collect();
    let review = profile_pairs(&resolution.review)
        .into_iter()
        .map(|item| ReviewPair {
            pair_id: pair_id(item.kind.as_str(), &item.a, &item.b),
            kind: item.kind.as_str().to_string(),
            a: to_record_ref(&item.a),
            b: to_record_ref(&item.b),
            probability: item.probability,
            explanation: item.explanation.to_string(),
        })
        .collect::<Vec<_>>();
    let labels: BTreeMap<&str, &resolve::Entity> = resolution
        .entities
        .iter()
        .map(|e| (e.id.as_str(), e))
        .collect();
    let mut alerts = Vec::new();
    for d in &deconflictions {
        let entity = labels.get(d.entity_id.as_str()).copied();
        alerts.extend(alerts_for(d, entity));
    }
    let report = AnalyseReport {
        stats: resolution.stats.clone(),
        review: review.len(),
        shared: deconflictions.len(),
        conflicts: deconflictions
            .iter()
            .filter(|d| d.severity == resolve::Severity::Conflict)
            .count(),
        alerts: alerts.len(),
        notes: resolution.notes.clone(),
    };
    let run = ResolutionRun {
        members,
        review,
        alerts,
        model: String::new(),
    };
    store.save_resolution(actor, &run)?;
    Ok(report)
}

/// One review item per pair of force records: a force re-reports an unchanged record every
/// month, and a decision on one month's pair covers the others, so the analyst sees the pair
/// once, with its latest months.
fn profile_pairs(items: &[resolve::ReviewItem]) -> Vec<&resolve::ReviewItem> {
    /// A force's record across months: the force and its reference.
    type ForceRecord<'a> = (&'a ForceCode, &'a str);
    let mut latest: BTreeMap<(EntityKind, ForceRecord<'_>, ForceRecord<'_>), &resolve::ReviewItem> =
        BTreeMap::new();
    for item in items {
        let a = (&item.a.force, item.a.reference.as_str());
        let b = (&item.b.force, item.b.reference.as_str());
        let key = if a <= b {
            (item.kind, a, b)
        } else {
            (item.kind, b, a)
        };
        let newer = |old: &resolve::ReviewItem| {
            (
                item.a.period.max(item.b.period),
                item.a.period.min(item.b.period),
            ) > (
                old.a.period.max(old.b.period),
                old.a.period.min(old.b.period),
            )
        };
        match latest.get(&key) {
            Some(old) if !newer(old) => {}
            _ => {
                latest.insert(key, item);
            }
        }
    }
    latest.into_values().collect()
}

/// The stable id of a review pair: the same two records (in either order) always give it.
pub fn pair_id(kind: &str, a: &RecordKey, b: &RecordKey) -> String {
    let (first, second) = if a <= b { (a, b) } else { (b, a) };
    let digest = Sha256::digest(format!("{kind}\n{first}\n{second}").as_bytes());
    let hex: String = digest.iter().take(5).map(|b| format!("{b:02x}")).collect();
    format!("Q-{hex}")
}

fn to_record_ref(key: &RecordKey) -> RecordRef {
    RecordRef {
        force: key.force.clone(),
        period: key.period,
        reference: key.reference.clone(),
    }
}

fn to_record_key(r: &RecordRef) -> RecordKey {
    RecordKey::new(r.force.clone(), r.period, r.reference.clone())
}

fn entity_kind(word: &str) -> Option<EntityKind> {
    [
        EntityKind::Person,
        EntityKind::Line,
        EntityKind::Location,
        EntityKind::Vehicle,
        EntityKind::Phone,
    ]
    .into_iter()
    .find(|k| k.as_str() == word)
}

fn to_resolve_decision(d: &Decision) -> Option<resolve::Decision> {
    Some(resolve::Decision {
        a: to_record_key(&d.a),
        b: to_record_key(&d.b),
        kind: entity_kind(&d.kind)?,
        same: d.same,
        by: d.decided_by.clone(),
    })
}

/// The ids the last run gave each record, so that entities keep them.
fn previous_ids(members: &[EntityMember]) -> PreviousIds {
    let mut previous = PreviousIds::new();
    for m in members {
        let Some(kind) = entity_kind(&m.kind) else {
            continue;
        };
        let Some(record_kind) = kind.record_kind() else {
            continue;
        };
        let member = Member {
            kind: record_kind,
            key: to_record_key(&m.record),
        };
        previous.insert(kind, member, resolve::EntityId(m.entity_id.clone()));
    }
    previous
}

/// One alert per force holding the entity; for a conflict also one per region concerned and
/// one for the national centre.
fn alerts_for(d: &resolve::Deconfliction, entity: Option<&resolve::Entity>) -> Vec<Alert> {
    let severity = match d.severity {
        resolve::Severity::Conflict => Severity::Conflict,
        resolve::Severity::Shared => Severity::Shared,
    };
    let mut recipients: Vec<Recipient> = d.forces.iter().cloned().map(Recipient::Force).collect();
    if severity == Severity::Conflict {
        let regions: BTreeSet<_> = d.forces.iter().map(|f| f.region().clone()).collect();
        recipients.extend(regions.into_iter().map(Recipient::Region));
        recipients.push(Recipient::National);
    }
    let held_by = names(&d.forces);
    let active = if d.active_forces.is_empty() {
        "none".to_string()
    } else {
        names(&d.active_forces)
    };
    recipients
        .into_iter()
        .map(|recipient| {
            // A force is told which of its own records match; regions and the centre get the count.
            let own: Vec<String> = match (&recipient, entity) {
                (Recipient::Force(force), Some(entity)) => own_records(entity, force),
                _ => Vec::new(),
            };
            let records = entity.map_or(0, |e| e.members.len());
            let summary = if own.is_empty() {
                format!(
                    "{} {} is held by {} forces ({held_by}); active: {active}; {records} records",
                    d.kind,
                    d.entity_id,
                    d.forces.len()
                )
            } else {
                format!(
                    "{} {} (your records {}) is held by {} forces ({held_by}); active: {active}",
                    d.kind,
                    d.entity_id,
                    own.join(", "),
                    d.forces.len()
                )
            };
            Alert {
                alert_id: format!("{}@{recipient}", d.entity_id),
                entity_id: d.entity_id.to_string(),
                kind: d.kind.as_str().to_string(),
                topic: AlertTopic::Deconfliction,
                severity,
                recipient,
                forces: d.forces.clone(),
                active_forces: d.active_forces.clone(),
                first_seen: d.first_seen,
                last_seen: d.last_seen,
                raised_at: Utc::now(),
                summary,
            }
        })
        .collect()
}

fn own_records(entity: &resolve::Entity, force: &ForceCode) -> Vec<String> {
    let mut refs: Vec<String> = entity
        .members
        .iter()
        .filter(|m| m.key.force == *force && m.kind != RecordKind::Vehicle)
        .map(|m| format!("{}/{}", m.key.period, m.key.reference))
        .collect();
    refs.sort();
    refs.dedup();
    at_most_six(refs)
}

/// A list of references cut to its first six and a count of the rest.
pub(crate) fn at_most_six(mut refs: Vec<String>) -> Vec<String> {
    if refs.len() > 6 {
        let more = refs.len() - 6;
        refs.truncate(6);
        refs.push(format!("and {more} more"));
    }
    refs
}

/// Force codes as a comma-separated list.
pub(crate) fn names(forces: &[ForceCode]) -> String {
    forces
        .iter()
        .map(|f| f.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

/// The rows of `entities.csv` and `deconfliction.csv` from the last saved run, as far as the
/// actor's scope reaches.
pub fn export_rows(
    store: &mut dyn Store,
    actor: &Actor,
) -> Result<(Vec<EntityMember>, Vec<share::DeconflictionRow>)> {
    let members = store.entity_members(actor, actor.home())?;
    let mut rows: BTreeMap<String, share::DeconflictionRow> = BTreeMap::new();
    // Replacement alerts name entities held by one force too: they are not deconfliction.
    for alert in store
        .alerts(actor, None)?
        .into_iter()
        .filter(|a| a.topic == AlertTopic::Deconfliction)
    {
        rows.entry(alert.entity_id.clone())
            .or_insert_with(|| share::DeconflictionRow {
                entity_id: alert.entity_id,
                kind: alert.kind,
                forces: alert.forces,
                active_forces: alert.active_forces,
                first_seen: alert.first_seen,
                last_seen: alert.last_seen,
            });
    }
    Ok((members, rows.into_values().collect()))
}

/// The waterfall for two person records, named `force/period/ref`: the models are trained
/// afresh on every current return (as `analyse` does), so the weights are those a run now gives.
pub fn explain_persons(
    store: &mut dyn Store,
    actor: &Actor,
    settings: &resolve::Settings,
    a: &RecordRef,
    b: &RecordRef,
) -> Result<Option<resolve::Explanation>> {
    let returns = store.load_current(actor, &Scope::National)?;
    let input = resolve::input_from_returns(returns.into_iter().map(|(_, ret)| ret));
    let (key_a, key_b) = (to_record_key(a), to_record_key(b));
    let find = |key: &RecordKey| input.persons.iter().find(|p| &p.key == key);
    let (Some(record_a), Some(record_b)) = (find(&key_a), find(&key_b)) else {
        return Ok(None);
    };
    let resolution = resolve::resolve(&input, &[], &PreviousIds::new(), settings);
    Ok(Some(resolve::explain(
        resolution.models(),
        record_a,
        record_b,
    )))
}
