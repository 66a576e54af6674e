//! Replacement numbers linked to entities: each replacement a communications analysis accepts
//! is linked to the line entities whose records list its old number as a deal number (for a
//! deal line) or the person entities whose records list it as a phone number (for a personal
//! phone), with its evidence and confidence, and an alert is raised to every force holding
//! the entity ([`link_replacements`]). The links are what the entity views show beside the
//! numbers the returns list ([`replacement_view`], and `ddtro` plans).
//!
//! Which entity a number belongs to comes from the last resolution run (its memberships) and
//! the current returns; without a saved run nothing is linked. A replacement of a number that
//! itself replaced one of an entity's numbers is linked too, so that a line that moved twice is
//! followed to its latest number. A replacement of a number under a restriction order raises an
//! urgent alert, which also goes to the forces' regions and the national centre, as a conflict
//! does; any other raises a notice to the forces holding the entity.
//!
//! It does not run the analysis (`comms` does, then calls this) and keeps no state of its own:
//! each run's links and alerts replace the previous run's in the store, in one transaction.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use chrono::{DateTime, Utc};
use model::{Actor, ForceCode, LineStatus, Period, Scope, UserRole};
use store::{
    Alert, AlertTopic, LinkRun, Order, Recipient, RecordRef, ReplacementLink, Severity, Store,
};

use crate::comms::check_comms;
use crate::ddtro::SavedReplacement;
use crate::resolution::names;

/// The name the deployment's communications analysis saves its links under: each run of it
/// replaces the links of the last.
pub const COMMS_ANALYSIS: &str = "comms";

/// What [`link_replacements`] linked and raised.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct LinkReport {
    /// The run's id, as the links name it.
    pub run_id: String,
    /// Replacements considered.
    pub replacements: usize,
    /// Of those, linked to no entity (no resolved entity lists the old number).
    pub unlinked: usize,
    /// Links saved (one per replacement and entity).
    pub links: usize,
    /// Of those, not found by the previous run.
    pub new_links: usize,
    /// Alerts standing for the links.
    pub alerts: usize,
    /// Of those, raised now.
    pub new_alerts: usize,
}

/// The entity a record was resolved to, and what is known of each entity.
#[derive(Default)]
struct Entities {
    /// (kind, number) → entities whose records list the number.
    holders: BTreeMap<(&'static str, String), BTreeSet<String>>,
    /// Entity → what its records say.
    info: BTreeMap<String, EntityInfo>,
}

/// What an entity's records say.
struct EntityInfo {
    kind: &'static str,
    /// Per force: the latest period it reports the entity, and whether a record of that period
    /// puts it under active investigation.
    by_force: BTreeMap<ForceCode, (Period, bool)>,
    first_seen: Period,
    last_seen: Period,
    /// The records, for telling a force which of its own records the alert is about.
    records: BTreeSet<RecordRef>,
}

impl EntityInfo {
    fn forces(&self) -> Vec<ForceCode> {
        self.by_force.keys().cloned().collect()
    }

    fn active_forces(&self) -> Vec<ForceCode> {
        self.by_force
            .iter()
            .filter(|(_, (_, active))| *active)
            .map(|(f, _)| f.clone())
            .collect()
    }
}

/// Reads who holds which number: the last run's line and person memberships and the current
/// returns' deal numbers and phone numbers (both reads audited).
fn entities(store: &mut dyn Store, actor: &Actor) -> crate::Result<Entities> {
    let members = store.entity_members(actor, &Scope::National)?;
    let mut entity_of: BTreeMap<(&'static str, &RecordRef), &str> = BTreeMap::new();
    for m in &members {
        let kind = match m.kind.as_str() {
            "line" => "line",
            "person" => "person",
            _ => continue,
        };
        entity_of.insert((kind, &m.record), m.entity_id.as_str());
    }
    if entity_of.is_empty() {
        return Ok(Entities::default());
    }
    let returns = store.load_current(actor, &Scope::National)?;
    let mut out = Entities::default();
    let mut note = |kind: &'static str, record: RecordRef, numbers: Vec<String>, active: bool| {
        let Some(entity) = entity_of.get(&(kind, &record)) else {
            return;
        };
        for number in numbers {
            out.holders
                .entry((kind, number))
                .or_default()
                .insert((*entity).to_owned());
        }
        let info = out
            .info
            .entry((*entity).to_owned())
            .or_insert_with(|| EntityInfo {
                kind,
                by_force: BTreeMap::new(),
                first_seen: record.period,
                last_seen: record.period,
                records: BTreeSet::new(),
            });
        info.first_seen = info.first_seen.min(record.period);
        info.last_seen = info.last_seen.max(record.period);
        let slot = info
            .by_force
            .entry(record.force.clone())
            .or_insert((record.period, false));
        if record.period > slot.0 {
            *slot = (record.period, active);
        } else if record.period == slot.0 {
            slot.1 |= active;
        }
        info.records.insert(record);
    };
    for (_, ret) in &returns {
        let record = |reference: String| RecordRef {
            force: ret.header.force.clone(),
            period: ret.header.period,
            reference,
        };
        let active_lines: BTreeSet<&str> = ret
            .lines
            .iter()
            .filter(|l| l.status == LineStatus::ActiveInvestigation)
            .map(|l| l.line_ref.as_str())
            .collect();
        for l in &ret.lines {
            note(
                "line",
                record(l.line_ref.to_string()),
                l.deal_numbers.iter().map(|n| n.to_string()).collect(),
                l.status == LineStatus::ActiveInvestigation,
            );
        }
        for n in &ret.nominals {
            // A person is under active investigation where a line of theirs is, as in
            // deconfliction.
            let active = n
                .line_refs
                .iter()
                .any(|l| active_lines.contains(l.as_str()));
            note(
                "person",
                record(n.nominal_ref.to_string()),
                n.phone_numbers.iter().map(|p| p.to_string()).collect(),
                active,
            );
        }
    }
    Ok(out)
}

/// A replacement linked to an entity: which of the analysis's, and, when its old number is
/// not one the entity's records list but one the entity moved to, the number that one replaced.
struct Found {
    index: usize,
    via: Option<String>,
}

/// Links the `replacements` one run of `analysis` accepted to the entities whose records list
/// their old numbers, raises an alert to the forces holding each such entity, and saves both
/// (replacing what the analysis's previous run saved). National analysts only, like the
/// analysis itself; every read and the save are audited.
pub fn link_replacements(
    store: &mut dyn Store,
    actor: &Actor,
    analysis: &str,
    replacements: &[assess::Replacement],
) -> crate::Result<LinkReport> {
    check_comms(store, actor, "link replacement numbers to entities")?;
    let run_id = format!("{analysis}-{}", Utc::now().format("%Y%m%dT%H%M%SZ"));
    let entities = entities(store, actor)?;
    let all_orders = store.orders(actor)?;
    let orders = latest_orders(&all_orders);

    // Each replacement goes to the entities of its class's kind listing the old number, or
    // failing those, of the other kind (a force may list a deal handset as a person's phone).
    // Keyed by (entity, old number, new number).
    let mut found: BTreeMap<(String, String, String), Found> = BTreeMap::new();
    for (index, r) in replacements.iter().enumerate() {
        let (first, second) = match r.class {
            assess::NumberClass::DealLine => ("line", "person"),
            _ => ("person", "line"),
        };
        let holders = entities
            .holders
            .get(&(first, r.old_number.clone()))
            .or_else(|| entities.holders.get(&(second, r.old_number.clone())));
        for entity in holders.into_iter().flatten() {
            let key = (entity.clone(), r.old_number.clone(), r.new_number.clone());
            found.entry(key).or_insert(Found { index, via: None });
        }
    }
    // Then, until nothing changes, a replacement of a number an entity has moved to goes to
    // that entity too. Each round adds a link, and there are finitely many, so it ends.
    loop {
        let moved_to: BTreeMap<&str, Vec<(&str, &str)>> =
            found
                .keys()
                .fold(BTreeMap::new(), |mut acc, (entity, old, new)| {
                    acc.entry(new.as_str())
                        .or_insert_with(Vec::new)
                        .push((entity.as_str(), old.as_str()));
                    acc
                });
        let mut more = Vec::new();
        for (index, r) in replacements.iter().enumerate() {
            for (entity, via) in moved_to.get(r.old_number.as_str()).into_iter().flatten() {
                let key = (
                    (*entity).to_owned(),
                    r.old_number.clone(),
                    r.new_number.clone(),
                );
                if !found.contains_key(&key) {
                    let via = Some((*via).to_owned());
                    more.push((key, Found { index, via }));
                }
            }
        }
        if more.is_empty() {
            break;
        }
        found.extend(more);
    }
    let linked: BTreeSet<usize> = found.values().map(|f| f.index).collect();

    let mut links = Vec::new();
    let mut alerts = Vec::new();
    for ((entity_id, _, _), linked_by) in &found {
        let Some(info) = entities.info.get(entity_id) else {
            continue;
        };
        let r = &replacements[linked_by.index];
        let link = ReplacementLink {
            analysis: analysis.to_owned(),
            run_id: run_id.clone(),
            entity_id: entity_id.clone(),
            kind: info.kind.to_owned(),
            forces: info.forces(),
            old_number: r.old_number.clone(),
            new_number: r.new_number.clone(),
            switched_at: DateTime::<Utc>::from_timestamp_millis(r.switched_at_ms)
                .unwrap_or_default(),
            score: r.score.clamp(0.0, 1.0),
            shared_customers: r.shared_customers,
            old_customers: r.old_customers,
            same_imei: r.same_imei,
            first_linked_at: Utc::now(),
        };
        alerts.extend(alerts_for(
            &link,
            info,
            linked_by.via.as_deref(),
            orders.get(r.old_number.as_str()).copied(),
        ));
        links.push(link);
    }
    let run = LinkRun {
        analysis: analysis.to_owned(),
        run_id: run_id.clone(),
        links,
        alerts,
    };
    let saved = store.save_replacement_links(actor, &run)?;
    Ok(LinkReport {
        run_id,
        replacements: replacements.len(),
        unlinked: replacements.len() - linked.len(),
        links: run.links.len(),
        new_links: saved.new_links,
        alerts: run.alerts.len(),
        new_alerts: saved.new_alerts,
    })
}

/// The latest order recorded on each number.
fn latest_orders(orders: &[Order]) -> BTreeMap<&str, &Order> {
    let mut latest = BTreeMap::new();
    for o in orders {
        latest.insert(o.number.as_str(), o);
    }
    latest
}

/// The alerts about one link: a notice to each force holding the entity, or, when the old
/// number is under an order, an urgent alert to each of them, their regions and the centre.
fn alerts_for(
    link: &ReplacementLink,
    info: &EntityInfo,
    via: Option<&str>,
    order: Option<&Order>,
) -> Vec<Alert> {
    let severity = if order.is_some() {
        Severity::Urgent
    } else {
        Severity::Notice
    };
    let forces = info.forces();
    let mut recipients: Vec<Recipient> = forces.iter().cloned().map(Recipient::Force).collect();
    if severity.reaches_centre() {
        let regions: BTreeSet<_> = forces.iter().map(|f| f.region().clone()).collect();
        recipients.extend(regions.into_iter().map(Recipient::Region));
        recipients.push(Recipient::National);
    }
    let evidence = evidence(link, via, order);
    recipients
        .into_iter()
        .map(|recipient| {
            // A force is told which of its own records the entity is; regions and the centre
            // get the forces.
            let about = match &recipient {
                Recipient::Force(force) => {
                    let own = own_records(info, force);
                    format!(
                        "{} {} (your records {})",
                        link.kind,
                        link.entity_id,
                        own.join(", ")
                    )
                }
                _ => format!(
                    "{} {} (held by {})",
                    link.kind,
                    link.entity_id,
                    names(&forces)
                ),
            };
            Alert {
                alert_id: format!(
                    "{}:{}:{}>{}@{recipient}",
                    link.analysis, link.entity_id, link.old_number, link.new_number
                ),
                entity_id: link.entity_id.clone(),
                kind: link.kind.clone(),
                topic: AlertTopic::Replacement,
                severity,
                recipient,
                forces: forces.clone(),
                active_forces: info.active_forces(),
                first_seen: info.first_seen,
                last_seen: info.last_seen,
                raised_at: Utc::now(),
                summary: format!("{about} {evidence}"),
            }
        })
        .collect()
}

/// The evidence of a link in words: numbers, time, confidence, customers, handset, the run, and
/// any order it evades.
fn evidence(link: &ReplacementLink, via: Option<&str>, order: Option<&Order>) -> String {
    let what = if link.kind == "line" {
        "deal number"
    } else {
        "phone"
    };
    // A personal phone has contacts rather than customers; its score says how many it shares.
    let customers = if link.old_customers == 0 {
        "no customers".to_owned()
    } else {
        format!(
            "reached {} of its {} customers",
            link.shared_customers, link.old_customers
        )
    };
    let mut text = format!(
        "moved from {what} {} to {} at {} (score {:.3}; {customers}; {}",
        link.old_number,
        link.new_number,
        link.switched_at.format("%Y-%m-%dT%H:%M:%SZ"),
        link.score,
        if link.same_imei {
            "same handset"
        } else {
            "other handset"
        }
    );
    if let Some(first) = via {
        text.push_str(&format!("; {} itself replaced {first}", link.old_number));
    }
    text.push_str(&format!("; {} run {})", link.analysis, link.run_id));
    if let Some(order) = order {
        text.push_str(&format!(
            "; {} is under a restriction order ({} {}), which no longer bites",
            link.old_number, order.status, order.date
        ));
    }
    text
}

/// A force's own records of the entity, `period/ref`, at most six and a count of the rest.
fn own_records(info: &EntityInfo, force: &ForceCode) -> Vec<String> {
    let refs: Vec<String> = info
        .records
        .iter()
        .filter(|r| r.force == *force)
        .map(|r| format!("{}/{}", r.period, r.reference))
        .collect();
    crate::resolution::at_most_six(refs)
}

/// A replacement as an entity view shows it: the replacement, and the entity it is linked to
/// (none for a replacement of a number no resolved entity lists).
#[derive(Debug, Clone, PartialEq)]
pub struct ReplacementEntry {
    /// The replacement and its evidence.
    pub replacement: SavedReplacement,
    /// The link to an entity, with when it was first made and by which run.
    pub link: Option<ReplacementLink>,
}

/// The replacements `actor` may see, each with the entity it is linked to: for a national
/// analyst, every deal-line replacement of the last analysis (`replacements.csv`) and every
/// stored link (personal phones' included); for a force or regional analyst, the links of the
/// entities their home holds, and nothing read from the communications folder. By switch time.
/// `None` when there is nothing to show and no analysis has run.
pub fn replacement_view(
    store: &mut dyn Store,
    actor: &Actor,
    dir: &Path,
) -> crate::Result<Option<Vec<ReplacementEntry>>> {
    let national = actor.role() == UserRole::NationalAnalyst;
    let saved = if national {
        match crate::comms::saved_replacements(store, actor, dir)? {
            Some(_) => Some(crate::ddtro::load_replacements(store, actor, dir)?),
            None => None,
        }
    } else {
        None
    };
    let links = store.replacement_links(actor, actor.home())?;
    if saved.is_none() && links.is_empty() {
        return Ok(None);
    }
    let mut out = Vec::new();
    let mut shown: BTreeSet<(String, String)> = BTreeSet::new();
    for r in saved.into_iter().flatten() {
        shown.insert((r.old_number.clone(), r.new_number.clone()));
        let mine: Vec<&ReplacementLink> = links
            .iter()
            .filter(|l| l.old_number == r.old_number && l.new_number == r.new_number)
            .collect();
        if mine.is_empty() {
            out.push(ReplacementEntry {
                replacement: r,
                link: None,
            });
            continue;
        }
        for l in mine {
            out.push(ReplacementEntry {
                replacement: r.clone(),
                link: Some(l.clone()),
            });
        }
    }
    for l in &links {
        if shown.contains(&(l.old_number.clone(), l.new_number.clone())) {
            continue;
        }
        out.push(ReplacementEntry {
            replacement: saved_of(l),
            link: Some(l.clone()),
        });
    }
    out.sort_by(|a, b| {
        let key = |e: &ReplacementEntry| {
            (
                e.replacement.switched_at.clone(),
                e.replacement.old_number.clone(),
                e.replacement.new_number.clone(),
                e.link.as_ref().map(|l| l.entity_id.clone()),
            )
        };
        key(a).cmp(&key(b))
    });
    Ok(Some(out))
}

/// A stored link's replacement, written as `replacements.csv` writes it.
pub(crate) fn saved_of(link: &ReplacementLink) -> SavedReplacement {
    SavedReplacement {
        old_number: link.old_number.clone(),
        new_number: link.new_number.clone(),
        switched_at: share::rfc3339(link.switched_at.timestamp_millis()),
        score: (link.score * 1000.0).round() / 1000.0,
        shared_customers: link.shared_customers,
        old_customers: link.old_customers,
        same_imei: link.same_imei,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn link(kind: &str) -> ReplacementLink {
        ReplacementLink {
            analysis: "comms".into(),
            run_id: "comms-20260302T090000Z".into(),
            entity_id: "L-00af".into(),
            kind: kind.into(),
            forces: vec!["kent".parse().unwrap()],
            old_number: "+447700900001".into(),
            new_number: "+447700900002".into(),
            switched_at: DateTime::<Utc>::from_timestamp_millis(1_772_389_325_000).unwrap(),
            score: 0.91234,
            shared_customers: 12,
            old_customers: 14,
            same_imei: true,
            first_linked_at: Utc::now(),
        }
    }

    #[test]
    fn evidence_names_numbers_time_confidence_customers_handset_and_run() {
        assert_eq!(
            evidence(&link("line"), None, None),
            "moved from deal number +447700900001 to +447700900002 at 2026-03-01T18:22:05Z \
             (score 0.912; reached 12 of its 14 customers; same handset; comms run \
             comms-20260302T090000Z)"
        );
        let order = Order {
            number: "+447700900001".into(),
            status: store::OrderStatus::Granted,
            line: None,
            date: "2026-02-20".parse().unwrap(),
            recorded_by: "rita".into(),
            recorded_at: Utc::now(),
        };
        let mut l = link("person");
        l.same_imei = false;
        l.old_customers = 0;
        l.shared_customers = 0;
        assert_eq!(
            evidence(&l, Some("+447700900000"), Some(&order)),
            "moved from phone +447700900001 to +447700900002 at 2026-03-01T18:22:05Z \
             (score 0.912; no customers; other handset; +447700900001 itself \
             replaced +447700900000; comms run comms-20260302T090000Z); +447700900001 is under \
             a restriction order (granted 2026-02-20), which no longer bites"
        );
    }

    #[test]
    fn a_stored_link_reads_as_its_replacements_csv_row() {
        let saved = saved_of(&link("line"));
        assert_eq!(saved.switched_at, "2026-03-01T18:22:05Z");
        assert_eq!(saved.score, 0.912);
        assert!(saved.same_imei);
    }
}
