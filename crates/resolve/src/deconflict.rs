//! Deconfliction: every entity held by two or more forces, with the forces that are actively
//! investigating it. A force is active on an entity when, in the latest month that force
//! reports the entity, a record puts it under `active_investigation`: for a line, its own
//! status; for a person, place, vehicle or number, the status of the lines its record is
//! linked to in that return. Two or more active forces make a conflict, the highest severity.
//!
//! This module only finds them; alerting forces, regions and the national centre is `act`'s.

use rustc_hash::FxHashMap;

use model::{ForceCode, LineStatus, Period};

use crate::input::Input;
use crate::key::{EntityId, EntityKind, RecordKey, RecordKind};
use crate::resolution::Resolution;

/// How serious an overlap is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    /// Held by two or more forces, fewer than two of them active.
    Shared,
    /// Two or more forces actively investigating.
    Conflict,
}

impl Severity {
    /// `shared` or `conflict`.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Shared => "shared",
            Severity::Conflict => "conflict",
        }
    }
}

/// An entity known to more than one force (a row of `deconfliction.csv`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Deconfliction {
    /// The entity.
    pub entity_id: EntityId,
    /// What it is.
    pub kind: EntityKind,
    /// Every force holding it, sorted.
    pub forces: Vec<ForceCode>,
    /// The forces actively investigating it, sorted.
    pub active_forces: Vec<ForceCode>,
    /// The first month any force reported it.
    pub first_seen: Period,
    /// The last month any force reported it.
    pub last_seen: Period,
    /// `Conflict` when two or more forces are active.
    pub severity: Severity,
}

/// Every entity of `resolution` held by two or more forces. `input` supplies the line
/// statuses; records it lacks count as held but not active.
pub fn deconflict(resolution: &Resolution, input: &Input) -> Vec<Deconfliction> {
    let mut statuses: FxHashMap<(RecordKind, &RecordKey), &[LineStatus]> = FxHashMap::default();
    for p in &input.persons {
        statuses.insert((RecordKind::Person, &p.key), &p.line_statuses);
    }
    for l in &input.lines {
        statuses.insert((RecordKind::Line, &l.key), std::slice::from_ref(&l.status));
    }
    for l in &input.locations {
        statuses.insert((RecordKind::Location, &l.key), &l.line_statuses);
    }
    for v in &input.vehicles {
        statuses.insert((RecordKind::Vehicle, &v.key), &v.line_statuses);
    }
    let mut out = Vec::new();
    for entity in &resolution.entities {
        let first = &entity.members[0].key.force;
        if entity.members.iter().all(|m| &m.key.force == first) {
            continue;
        }
        // Per force: its latest period, and whether a record of that period is active.
        let mut by_force: FxHashMap<&ForceCode, (Period, bool)> = FxHashMap::default();
        for m in &entity.members {
            let active = statuses
                .get(&(m.kind, &m.key))
                .is_some_and(|s| s.contains(&LineStatus::ActiveInvestigation));
            let slot = by_force
                .entry(&m.key.force)
                .or_insert((m.key.period, false));
            if m.key.period > slot.0 {
                *slot = (m.key.period, active);
            } else if m.key.period == slot.0 {
                slot.1 |= active;
            }
        }
        let mut forces: Vec<ForceCode> = by_force.keys().map(|&f| f.clone()).collect();
        forces.sort();
        let mut active_forces: Vec<ForceCode> = by_force
            .iter()
            .filter(|(_, (_, a))| *a)
            .map(|(&f, _)| f.clone())
            .collect();
        active_forces.sort();
        let first_seen = entity
            .members
            .iter()
            .map(|m| m.key.period)
            .min()
            .expect("invariant: members");
        let last_seen = entity
            .members
            .iter()
            .map(|m| m.key.period)
            .max()
            .expect("invariant: members");
        let severity = if active_forces.len() >= 2 {
            Severity::Conflict
        } else {
            Severity::Shared
        };
        out.push(Deconfliction {
            entity_id: entity.id.clone(),
            kind: entity.kind,
            forces,
            active_forces,
            first_seen,
            last_seen,
            severity,
        });
    }
    out.sort_by(|a, b| {
        b.severity
            .cmp(&a.severity)
            .then(a.kind.cmp(&b.kind))
            .then_with(|| a.entity_id.cmp(&b.entity_id))
    });
    out
}
