//! Makes sure even a small world shows every value the spec allows.
//!
//! Importers and analyses must be tested on every enumeration value (all roles, all
//! event kinds, all vulnerability tokens...). The plan's probabilities produce
//! nearly all of them in a small world; this pass finds the few that a particular
//! seed happened to miss and sets them on a suitable existing record, changing the
//! truth too where the truth depends on it (vulnerability factors, location and
//! vehicle kinds). It never adds or removes records.

use std::collections::BTreeSet;

use crate::model::{
    Drug, EventKind, Gender, LocKind, Role, Status, VehKind, Violence, Vuln, Weapon,
};
use crate::plan::Plans;
use crate::world::World;

/// Patches the plans (and the world) so every enumeration value occurs.
pub(crate) fn ensure(w: &mut World, plans: &mut Plans) {
    statuses(plans);
    line_values(plans);
    roles(w, plans);
    genders(w, plans);
    vulnerabilities(w, plans);
    location_kinds(w, plans);
    vehicle_kinds(w, plans);
    event_kinds(plans);
}

fn statuses(plans: &mut Plans) {
    let present: BTreeSet<Status> = plans
        .returns
        .iter()
        .flat_map(|r| r.lines.iter().map(|l| l.status))
        .collect();
    for &status in Status::ALL {
        if present.contains(&status) {
            continue;
        }
        let policies = plans.policies.clone();
        // Take a line record from a force that reports everything, from the middle
        // of the calendar so it is not the force's only record of the line.
        if let Some(entry) = plans
            .returns
            .iter_mut()
            .rev()
            .filter(|r| !policies[usize::from(r.force)].active_only)
            .flat_map(|r| r.lines.iter_mut())
            .nth(3)
        {
            entry.status = status;
        }
    }
}

fn line_values(plans: &mut Plans) {
    let mut drugs = BTreeSet::new();
    let mut violence = BTreeSet::new();
    let mut weapons = BTreeSet::new();
    for entry in plans.returns.iter().flat_map(|r| &r.lines) {
        drugs.extend(entry.drugs.iter().copied());
        violence.extend(entry.violence);
        weapons.extend(entry.weapons.iter().copied());
    }
    let mut all: Vec<&mut crate::plan::LineEntry> = plans
        .returns
        .iter_mut()
        .flat_map(|r| r.lines.iter_mut())
        .collect();
    if all.is_empty() {
        return;
    }
    let n = all.len();
    for (k, &drug) in Drug::ALL.iter().enumerate() {
        if !drugs.contains(&drug) {
            all[(k * 7) % n].drugs.push(drug);
        }
    }
    for (k, &v) in Violence::ALL.iter().enumerate() {
        if !violence.contains(&v) {
            let entry = &mut all[(k * 11 + 1) % n];
            entry.violence = Some(v);
            if matches!(v, Violence::None | Violence::Threats) {
                entry.weapons.clear();
            }
        }
    }
    for (k, &weapon) in Weapon::ALL.iter().enumerate() {
        if !weapons.contains(&weapon) {
            let at = all
                .iter()
                .position(|e| matches!(e.violence, Some(Violence::Weapons | Violence::Serious)))
                .unwrap_or((k * 13 + 2) % n);
            let entry = &mut all[at];
            entry.violence = Some(Violence::Weapons);
            entry.weapons.push(weapon);
        }
    }
}

fn roles(w: &World, plans: &mut Plans) {
    let present: BTreeSet<Role> = plans
        .returns
        .iter()
        .flat_map(|r| r.nominals.iter().map(|n| n.role))
        .collect();
    for &role in Role::ALL {
        if present.contains(&role) {
            continue;
        }
        // Prefer a record of someone who really plays the role.
        let mut found = false;
        if let Some(n) = plans
            .returns
            .iter_mut()
            .flat_map(|r| r.nominals.iter_mut())
            .find(|n| w.persons[n.person as usize].role == role)
        {
            n.role = role;
            found = true;
        }
        if !found
            && let Some(n) = plans
                .returns
                .iter_mut()
                .flat_map(|r| r.nominals.iter_mut())
                .find(|n| n.role == Role::Associate || n.role == Role::Customer)
        {
            n.role = role;
        }
    }
}

fn genders(w: &mut World, plans: &Plans) {
    let persons: Vec<u32> = plans
        .returns
        .iter()
        .flat_map(|r| r.nominals.iter().map(|n| n.person))
        .collect();
    let present: BTreeSet<Gender> = persons
        .iter()
        .map(|p| w.persons[*p as usize].gender)
        .collect();
    for (k, &gender) in Gender::ALL.iter().enumerate() {
        if !present.contains(&gender) && !persons.is_empty() {
            let person = persons[(k * 17 + 5) % persons.len()];
            w.persons[person as usize].gender = gender;
        }
    }
}

fn vulnerabilities(w: &mut World, plans: &mut Plans) {
    let present: BTreeSet<Vuln> = plans
        .returns
        .iter()
        .flat_map(|r| {
            r.nominals
                .iter()
                .flat_map(|n| n.vulns.iter().map(|(v, _)| *v))
        })
        .collect();
    for &token in Vuln::ALL {
        if present.contains(&token) {
            continue;
        }
        let candidate = plans
            .returns
            .iter_mut()
            .flat_map(|r| r.nominals.iter_mut())
            .find(|n| {
                n.record == 0
                    && w.persons[n.person as usize].exploited
                    && n.vulns.iter().all(|(v, _)| *v != token)
            });
        if let Some(n) = candidate {
            let count = token.counted().then_some(1);
            n.vulns.push((token, count));
            let person = &mut w.persons[n.person as usize];
            person.add(token);
            match token {
                Vuln::MissingEpisodes => person.prior_missing = person.prior_missing.max(1),
                Vuln::SchoolExclusions => person.prior_exclusions = person.prior_exclusions.max(1),
                _ => {}
            }
        }
    }
}

fn location_kinds(w: &mut World, plans: &mut Plans) {
    let present: BTreeSet<LocKind> = plans
        .returns
        .iter()
        .filter_map(|r| r.locations.as_ref())
        .flat_map(|l| l.iter().map(|e| e.kind))
        .collect();
    for &kind in LocKind::ALL {
        if present.contains(&kind) {
            continue;
        }
        let target = plans
            .returns
            .iter()
            .filter_map(|r| r.locations.as_ref())
            .flatten()
            .find(|e| {
                matches!(
                    e.kind,
                    LocKind::TrapHouse | LocKind::Other | LocKind::Hotel | LocKind::Stash
                )
            })
            .map(|e| e.location);
        if let Some(location) = target {
            w.locations[location as usize].kind = kind;
            for entry in plans
                .returns
                .iter_mut()
                .filter_map(|r| r.locations.as_mut())
                .flatten()
            {
                if entry.location == location {
                    entry.kind = kind;
                }
            }
        }
    }
}

fn vehicle_kinds(w: &mut World, plans: &mut Plans) {
    let present: BTreeSet<VehKind> = plans
        .returns
        .iter()
        .filter_map(|r| r.vehicles.as_ref())
        .flat_map(|v| v.iter().filter_map(|e| e.kind))
        .collect();
    for (k, &kind) in VehKind::ALL.iter().enumerate() {
        if present.contains(&kind) {
            continue;
        }
        let all: Vec<u32> = plans
            .returns
            .iter()
            .filter_map(|r| r.vehicles.as_ref())
            .flatten()
            .map(|e| e.vehicle)
            .collect();
        if all.is_empty() {
            return;
        }
        let vehicle = all[(k * 7) % all.len()];
        w.vehicles[vehicle as usize].kind = kind;
        for entry in plans
            .returns
            .iter_mut()
            .filter_map(|r| r.vehicles.as_mut())
            .flatten()
        {
            if entry.vehicle == vehicle {
                entry.kind = Some(kind);
            }
        }
    }
}

fn event_kinds(plans: &mut Plans) {
    let present: BTreeSet<EventKind> = plans
        .returns
        .iter()
        .filter_map(|r| r.events.as_ref())
        .flat_map(|e| e.iter().map(|e| e.kind))
        .collect();
    let mut spare = plans
        .returns
        .iter_mut()
        .filter_map(|r| r.events.as_mut())
        .flatten()
        .filter(|e| {
            matches!(
                e.kind,
                EventKind::StopSearch | EventKind::Other | EventKind::SafeguardingReferral
            )
        });
    for &kind in EventKind::ALL {
        if present.contains(&kind) {
            continue;
        }
        let Some(event) = spare.next() else { return };
        event.kind = kind;
        event.quantity = match kind {
            EventKind::DrugSeizure => Some(14.0),
            EventKind::CashSeizure => Some(820.0),
            EventKind::WeaponSeizure => Some(1.0),
            _ => None,
        };
        event.outcome = match kind {
            EventKind::NrmReasonableGrounds | EventKind::NrmConclusiveGrounds => {
                Some("positive".into())
            }
            _ => None,
        };
    }
    drop(spare);
    // Both NRM decisions must occur.
    for decision in ["positive", "negative"] {
        let nrm = |e: &crate::plan::EventEntry| {
            matches!(
                e.kind,
                EventKind::NrmReasonableGrounds | EventKind::NrmConclusiveGrounds
            )
        };
        let has = plans
            .returns
            .iter()
            .filter_map(|r| r.events.as_ref())
            .flatten()
            .any(|e| nrm(e) && e.outcome.as_deref() == Some(decision));
        if !has
            && let Some(e) = plans
                .returns
                .iter_mut()
                .filter_map(|r| r.events.as_mut())
                .flatten()
                .rev()
                .find(|e| nrm(e))
        {
            e.outcome = Some(decision.into());
        }
    }
}
