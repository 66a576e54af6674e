//! The collated picture the regions and the national centre assemble by hand today: for one
//! period, which forces reported, lines by status, flows from exporting to importing forces,
//! nominals by role and the vulnerable people among them.
//!
//! Counts are of *records as reported*, before entity resolution: the same line reported by two
//! forces counts twice here. Resolution (a later stage) is what turns records into entities.

use std::collections::BTreeMap;

use model::{Actor, EventKind, ForceCode, LineStatus, LocationKind, Period, Role, Scope};
use store::Store;

use crate::Result;

/// Line records flowing from the force that runs them to a force that reports them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Flow {
    /// Where the line is run from.
    pub exporting: ForceCode,
    /// The force reporting it in its area.
    pub importing: ForceCode,
    /// How many line records.
    pub lines: usize,
}

/// The collated picture for one scope and period.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Summary {
    /// The scope summarised.
    pub scope: Scope,
    /// The period summarised (`None` when nothing is stored in scope).
    pub period: Option<Period>,
    /// Every period with a return in scope, oldest first.
    pub periods: Vec<Period>,
    /// Forces in scope with a current return for the period.
    pub forces_reporting: Vec<ForceCode>,
    /// Forces in scope without one.
    pub forces_missing: Vec<ForceCode>,
    /// Line records.
    pub lines: usize,
    /// Line records by status, in the format's order.
    pub lines_by_status: Vec<(LineStatus, usize)>,
    /// Exporting → importing force flows, largest first.
    pub flows: Vec<Flow>,
    /// Line records reported by the force they are run from.
    pub lines_reported_by_exporter: usize,
    /// Nominal records.
    pub nominals: usize,
    /// Nominal records by role, in the format's order.
    pub nominals_by_role: Vec<(Role, usize)>,
    /// Nominals with at least one vulnerability indicator.
    pub vulnerable: usize,
    /// Nominals certainly under 18 at the end of the period.
    pub children: usize,
    /// Children with at least one vulnerability indicator.
    pub vulnerable_children: usize,
    /// Cuckooed addresses reported.
    pub cuckooed_addresses: usize,
    /// Events by kind, only kinds that occurred.
    pub events_by_kind: Vec<(EventKind, usize)>,
}

/// Assembles the picture for `scope` and `period` (default: the latest period in scope).
pub fn summary(
    store: &mut dyn Store,
    actor: &Actor,
    scope: &Scope,
    period: Option<Period>,
) -> Result<Summary> {
    let infos = store.returns(actor, scope, false)?;
    let mut periods: Vec<Period> = infos.iter().map(|i| i.period).collect();
    periods.sort();
    periods.dedup();
    let period = period.or_else(|| periods.last().copied());

    let in_scope: Vec<ForceCode> = model::force::forces()
        .iter()
        .filter(|f| scope.contains(&f.code))
        .map(|f| f.code.clone())
        .collect();
    let mut summary = Summary {
        scope: scope.clone(),
        period,
        periods,
        forces_reporting: Vec::new(),
        forces_missing: Vec::new(),
        lines: 0,
        lines_by_status: LineStatus::ALL.iter().map(|s| (*s, 0)).collect(),
        flows: Vec::new(),
        lines_reported_by_exporter: 0,
        nominals: 0,
        nominals_by_role: Role::ALL.iter().map(|r| (*r, 0)).collect(),
        vulnerable: 0,
        children: 0,
        vulnerable_children: 0,
        cuckooed_addresses: 0,
        events_by_kind: Vec::new(),
    };
    let Some(period) = period else {
        summary.forces_missing = in_scope;
        return Ok(summary);
    };

    let returns = store.load_current(actor, scope)?;
    let mut flows: BTreeMap<(ForceCode, ForceCode), usize> = BTreeMap::new();
    let mut events: BTreeMap<EventKind, usize> = BTreeMap::new();
    let period_end = period.last_day();
    for (info, ret) in returns.iter().filter(|(info, _)| info.period == period) {
        summary.forces_reporting.push(info.force.clone());
        summary.lines += ret.lines.len();
        for line in &ret.lines {
            bump(&mut summary.lines_by_status, line.status);
            match &line.exporting_force {
                Some(exporting) if *exporting != info.force => {
                    *flows
                        .entry((exporting.clone(), info.force.clone()))
                        .or_default() += 1;
                }
                Some(_) => summary.lines_reported_by_exporter += 1,
                None => {}
            }
        }
        summary.nominals += ret.nominals.len();
        for nominal in &ret.nominals {
            bump(&mut summary.nominals_by_role, nominal.role);
            let vulnerable = !nominal.vulnerabilities.is_empty();
            let child = nominal
                .dob
                .is_some_and(|dob| dob.max_age_on(period_end) < 18);
            summary.vulnerable += usize::from(vulnerable);
            summary.children += usize::from(child);
            summary.vulnerable_children += usize::from(child && vulnerable);
        }
        summary.cuckooed_addresses += ret
            .locations
            .iter()
            .filter(|l| l.kind == LocationKind::CuckooedAddress)
            .count();
        for event in &ret.events {
            *events.entry(event.kind).or_default() += 1;
        }
    }
    summary.forces_reporting.sort();
    summary.forces_missing = in_scope
        .into_iter()
        .filter(|f| !summary.forces_reporting.contains(f))
        .collect();
    summary.flows = flows
        .into_iter()
        .map(|((exporting, importing), lines)| Flow {
            exporting,
            importing,
            lines,
        })
        .collect();
    summary.flows.sort_by(|a, b| {
        b.lines
            .cmp(&a.lines)
            .then_with(|| a.exporting.cmp(&b.exporting))
    });
    summary.events_by_kind = events.into_iter().collect();
    Ok(summary)
}

fn bump<T: PartialEq>(counts: &mut [(T, usize)], key: T) {
    if let Some(entry) = counts.iter_mut().find(|(k, _)| *k == key) {
        entry.1 += 1;
    }
}
