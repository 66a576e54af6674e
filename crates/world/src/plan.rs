//! What each force knows and reports, month by month: the plan of every return.
//!
//! Forces see the world partially and late. A force knows a line (a *slot*) from
//! some month, holds its own status for it (one force's `active_investigation` is
//! another's `passive_intelligence`), knows some of its people for some months,
//! some of its numbers after a lag, and records the incidents that happened in its
//! area or to its own residents. Some forces report only lines they actively work.
//! A [`ReturnPlan`] lists which records a return holds and the facts in them; the
//! spelling of those facts (names, dates, numbers, column order) is left to
//! `render.rs`, so the plan can be checked for coverage before anything is written.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use crate::calendar::{DAY_SECS, Day, day_start};
use crate::geography::BTP;
use crate::model::{Drug, EventKind, LocKind, Role, Status, VehKind, Violence, Vuln, Weapon};
use crate::rng::{WorldRng, between, chance, geometric, rng_for, weighted};
use crate::world::World;
use rand::RngExt as _;

/// How a force is related to a line.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Relation {
    /// The line is run from the force's area.
    Exporter,
    /// The line supplies the force's area.
    Importer,
    /// The line runs between two towns of the force.
    Internal,
    /// British Transport Police, who see runners on trains.
    Transport,
}

/// A force's knowledge of one line across the months it reports it.
#[derive(Clone, Debug)]
pub(crate) struct Slot {
    /// The force.
    pub force: u16,
    /// The line.
    pub line: u32,
    /// How the force is related to the line.
    pub relation: Relation,
    /// First period reported (index).
    pub first: usize,
    /// Last period reported (index, inclusive).
    pub last: usize,
    /// The force's status for the line, one per period from `first`.
    pub statuses: Vec<Status>,
    /// People the force links to the line: `(person, first period, last period)`.
    pub persons: Vec<(u32, usize, usize)>,
    /// Drugs the force knows the line sells. Invariant: never empty.
    pub drugs: Vec<Drug>,
    /// Violence, if the force records it.
    pub violence: Option<Violence>,
    /// Weapons the force records.
    pub weapons: Vec<Weapon>,
    /// Cuckooing, if recorded.
    pub cuckooing: Option<bool>,
    /// The day the force first reported the line.
    pub first_reported: Day,
    /// Extra (benchmark) nominal records per return for this slot.
    pub extras: u32,
    /// The force's reference number of the slot's first extra record.
    pub extra_ref: u32,
    /// World-wide index of the slot's first extra record.
    pub extra_index: u64,
}

/// A force's standing reporting choices.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Policy {
    /// The force reports only lines it is working (no passive intelligence).
    pub active_only: bool,
    /// The force never sends the vehicles table.
    pub never_vehicles: bool,
}

/// A line record in a return.
#[derive(Clone, Debug)]
pub(crate) struct LineEntry {
    /// The line.
    pub line: u32,
    /// Index of the force's slot for the line.
    pub slot: usize,
    /// The force's reference number for the line.
    pub line_ref: u32,
    /// The force's status this month.
    pub status: Status,
    /// Deal numbers listed (indices), may be empty.
    pub numbers: Vec<u32>,
    /// Drugs listed.
    pub drugs: Vec<Drug>,
    /// Violence listed.
    pub violence: Option<Violence>,
    /// Weapons listed.
    pub weapons: Vec<Weapon>,
    /// Cuckooing listed.
    pub cuckooing: Option<bool>,
    /// `first_reported`.
    pub first_reported: Day,
    /// `last_reported`.
    pub last_reported: Day,
}

/// A nominal record in a return.
#[derive(Clone, Debug)]
pub(crate) struct NominalEntry {
    /// The real person.
    pub person: u32,
    /// 0 for the force's main record of the person, 1 for a duplicate record.
    pub record: u8,
    /// The force's reference number for the record.
    pub nominal_ref: u32,
    /// Role as recorded.
    pub role: Role,
    /// Lines (indices) the record links to; all are in the return.
    pub lines: Vec<u32>,
    /// `times_come_to_notice`, if recorded.
    pub times: Option<u32>,
    /// `last_contact`.
    pub last_contact: Option<Day>,
    /// Vulnerability tokens with counts.
    pub vulns: Vec<(Vuln, Option<u32>)>,
    /// Phones listed (number indices).
    pub phones: Vec<u32>,
}

/// A location record in a return.
#[derive(Clone, Debug)]
pub(crate) struct LocEntry {
    /// The real location.
    pub location: u32,
    /// The force's reference number.
    pub location_ref: u32,
    /// Kind as recorded.
    pub kind: LocKind,
    /// Lines (indices) in the return.
    pub lines: Vec<u32>,
    /// People (main records) in the return.
    pub persons: Vec<u32>,
    /// `first_reported`.
    pub first_reported: Option<Day>,
}

/// A vehicle record in a return.
#[derive(Clone, Debug)]
pub(crate) struct VehEntry {
    /// The real vehicle.
    pub vehicle: u32,
    /// Kind, if recorded.
    pub kind: Option<VehKind>,
    /// Lines in the return.
    pub lines: Vec<u32>,
    /// People (main records) in the return.
    pub persons: Vec<u32>,
}

/// An event record in a return.
#[derive(Clone, Debug)]
pub(crate) struct EventEntry {
    /// What happened.
    pub kind: EventKind,
    /// When.
    pub day: Day,
    /// People (main records) in the return.
    pub persons: Vec<u32>,
    /// Lines in the return.
    pub lines: Vec<u32>,
    /// A location in the return.
    pub location: Option<u32>,
    /// `force_area`.
    pub force_area: Option<u16>,
    /// `quantity`.
    pub quantity: Option<f64>,
    /// `outcome`.
    pub outcome: Option<String>,
    /// `notes`.
    pub note: Option<String>,
}

/// Everything one force reports for one month.
#[derive(Clone, Debug)]
pub(crate) struct ReturnPlan {
    /// The force.
    pub force: u16,
    /// The period (index).
    pub period: usize,
    /// Line records. Invariant: never empty.
    pub lines: Vec<LineEntry>,
    /// Nominal records.
    pub nominals: Vec<NominalEntry>,
    /// Location records; `None` when the table is left out.
    pub locations: Option<Vec<LocEntry>>,
    /// Vehicle records; `None` when the table is left out.
    pub vehicles: Option<Vec<VehEntry>>,
    /// Event records; `None` when the table is left out.
    pub events: Option<Vec<EventEntry>>,
}

/// The plans of every return, plus the knowledge behind them.
pub(crate) struct Plans {
    /// One slot per (force, line) the force ever reports.
    pub slots: Vec<Slot>,
    /// Per-force policies, indexed like the forces.
    pub policies: Vec<Policy>,
    /// Returns, ordered by period then force.
    pub returns: Vec<ReturnPlan>,
    /// The highest nominal reference handed out per force, for extra records.
    pub max_nominal_ref: Vec<u32>,
}

impl Plans {
    /// Number of nominal records planned (without extras).
    pub(crate) fn nominal_rows(&self) -> usize {
        self.returns.iter().map(|r| r.nominals.len()).sum()
    }
}

/// Hands out each force's reference numbers, stable across periods.
struct RefBook {
    lines: HashMap<(u16, u32), u32>,
    nominals: HashMap<(u16, u32, u8), u32>,
    locations: HashMap<(u16, u32), u32>,
    next: Vec<[u32; 3]>,
}

impl RefBook {
    fn new(seed: u64, forces: usize) -> RefBook {
        let next = (0..forces)
            .map(|f| {
                let mut rng = rng_for(seed, "refstart", f as u64, 0);
                [
                    rng.random_range(1..400),
                    rng.random_range(1..4000),
                    rng.random_range(1..300),
                ]
            })
            .collect();
        RefBook {
            lines: HashMap::new(),
            nominals: HashMap::new(),
            locations: HashMap::new(),
            next,
        }
    }

    fn take(next: &mut [u32; 3], which: usize) -> u32 {
        let value = next[which];
        next[which] += 1;
        value
    }

    fn line(&mut self, force: u16, line: u32) -> u32 {
        let next = &mut self.next[usize::from(force)];
        *self
            .lines
            .entry((force, line))
            .or_insert_with(|| Self::take(next, 0))
    }

    fn nominal(&mut self, force: u16, person: u32, record: u8) -> u32 {
        let next = &mut self.next[usize::from(force)];
        *self
            .nominals
            .entry((force, person, record))
            .or_insert_with(|| Self::take(next, 1))
    }

    fn location(&mut self, force: u16, location: u32) -> u32 {
        let next = &mut self.next[usize::from(force)];
        *self
            .locations
            .entry((force, location))
            .or_insert_with(|| Self::take(next, 2))
    }
}

/// The share of people in a role a force links to a line it reports.
fn know_share(role: Role, relation: Relation, local: bool) -> f64 {
    use Relation::*;
    let share: f64 = match (role, relation) {
        (Role::Controller, Exporter) => 0.4,
        (Role::Controller, Importer) => 0.1,
        (Role::Controller, Internal) => 0.35,
        (Role::LineHolder, Exporter) => 0.6,
        (Role::LineHolder, Importer) => 0.5,
        (Role::LineHolder, Internal) => 0.8,
        (Role::LineHolder, Transport) => 0.1,
        (Role::Runner, Exporter) => 0.25,
        (Role::Runner, Importer | Internal) => 0.9,
        (Role::Runner, Transport) => 0.4,
        (Role::Driver, Exporter) => 0.3,
        (Role::Driver, Importer | Internal) => 0.5,
        (Role::Driver, Transport) => 0.1,
        (Role::StashHolder, Importer | Internal) => 0.7,
        (Role::CuckooedOccupant, Importer | Internal) => 0.85,
        (Role::Customer, Importer | Internal) => 0.08,
        (Role::Associate, Exporter | Importer) => 0.3,
        (Role::Associate, Internal) => 0.4,
        (Role::Associate, Transport) => 0.05,
        _ => 0.03,
    };
    let local_roles = matches!(
        role,
        Role::StashHolder | Role::CuckooedOccupant | Role::Customer
    );
    if local_roles && relation == Importer && !local {
        share * 0.1
    } else if local
        && matches!(
            role,
            Role::Runner | Role::LineHolder | Role::Associate | Role::Driver
        )
    {
        share.max(0.6)
    } else {
        share
    }
}

/// Incidents a force records in a period: `(incident, force_area)`.
type ReportedIncidents = Vec<(u32, Option<u16>)>;

/// Builds the slots and the plan of every return.
pub(crate) fn build(w: &World) -> Plans {
    let seed = w.seed;
    let n_forces = w.geo.forces.len();
    let btp = w.geo.index(BTP);
    let policies: Vec<Policy> = (0..n_forces)
        .map(|f| {
            let mut rng = rng_for(seed, "policy", f as u64, 0);
            let exempt = w.geo.is_major_exporter(f as u16) || f as u16 == btp;
            Policy {
                active_only: !exempt && chance(&mut rng, 0.25),
                never_vehicles: chance(&mut rng, 0.1),
            }
        })
        .collect();
    let slots = make_slots(w, btp);
    let mut slots_of: Vec<Vec<usize>> = vec![Vec::new(); n_forces];
    for (i, slot) in slots.iter().enumerate() {
        slots_of[usize::from(slot.force)].push(i);
    }
    // Incidents by (period, recording force).
    let n_periods = w.cal.periods.len();
    let mut incidents_at: Vec<Vec<ReportedIncidents>> = vec![vec![Vec::new(); n_forces]; n_periods];
    for (i, incident) in w.incidents.iter().enumerate() {
        if let Some(p) = w.cal.period_of(incident.day) {
            for r in &incident.reporters {
                incidents_at[p][usize::from(r.force)].push((i as u32, r.area));
            }
        }
    }
    let mut refs = RefBook::new(seed, n_forces);
    let mut notice: HashMap<(u16, u32), u32> = HashMap::new();
    let mut returns = Vec::new();
    for (p, incidents_of_period) in incidents_at.iter().enumerate() {
        for (f, incidents) in incidents_of_period.iter().enumerate() {
            let force = f as u16;
            for (incident, _) in incidents {
                for person in &w.incidents[*incident as usize].persons {
                    *notice.entry((force, *person)).or_default() += 1;
                }
            }
            let plan = plan_return(
                w,
                force,
                p,
                &slots,
                &slots_of[f],
                policies[f],
                incidents,
                &mut refs,
                &notice,
            );
            if let Some(plan) = plan {
                returns.push(plan);
            }
        }
    }
    let max_nominal_ref = refs.next.iter().map(|n| n[1]).collect();
    Plans {
        slots,
        policies,
        returns,
        max_nominal_ref,
    }
}

fn make_slots(w: &World, btp: u16) -> Vec<Slot> {
    let seed = w.seed;
    let cal = &w.cal;
    let n_periods = cal.periods.len();
    let mut slots = Vec::new();
    for (index, line) in w.lines.iter().enumerate() {
        let line_index = index as u32;
        let mut rng = rng_for(seed, "slots", u64::from(line_index), 0);
        let Some(a) = cal.period_of(line.start.max(cal.start())) else {
            continue;
        };
        let last_day = line
            .end
            .map_or(cal.end() - 1, |e| (e - 1).min(cal.end() - 1));
        let Some(b) = cal.period_of(last_day) else {
            continue;
        };
        let internal = line.imports.iter().all(|i| i.force == line.export.force);
        let mut relations: Vec<(u16, Relation)> = Vec::new();
        if internal {
            if chance(&mut rng, 0.95) {
                relations.push((line.export.force, Relation::Internal));
            }
        } else {
            let share = if w.geo.is_major_exporter(line.export.force) {
                0.55
            } else {
                0.45
            };
            if chance(&mut rng, share) {
                relations.push((line.export.force, Relation::Exporter));
            }
            let importers: BTreeSet<u16> = line
                .imports
                .iter()
                .map(|i| i.force)
                .filter(|f| *f != line.export.force)
                .collect();
            for force in importers {
                if chance(&mut rng, 0.92) {
                    relations.push((force, Relation::Importer));
                }
            }
            if chance(&mut rng, 0.15) {
                relations.push((btp, Relation::Transport));
            }
        }
        if relations.is_empty() {
            relations.push((
                line.imports[0].force,
                if internal {
                    Relation::Internal
                } else {
                    Relation::Importer
                },
            ));
        }
        let ended = line.end.is_some_and(|e| e <= cal.end());
        for (force, relation) in relations {
            let lag = match relation {
                Relation::Importer => weighted(&mut rng, &[(0usize, 50), (1, 35), (2, 15)]),
                Relation::Exporter => weighted(
                    &mut rng,
                    &[(0usize, 30), (1, 25), (2, 20), (3, 15), (4, 10)],
                ),
                Relation::Internal => weighted(&mut rng, &[(0usize, 60), (1, 30), (2, 10)]),
                Relation::Transport => rng.random_range(0..4),
            };
            let first = (a + lag).min(b);
            let mut last = b;
            let mut extended = false;
            if ended && b + 1 < n_periods && chance(&mut rng, 0.3) {
                last = b + 1;
                extended = true;
            }
            let stale = !extended && chance(&mut rng, 0.1);
            if stale {
                last = between(&mut rng, first as i64, last as i64) as usize;
            }
            let mut state = match relation {
                Relation::Exporter if chance(&mut rng, 0.45) => Status::ActiveInvestigation,
                Relation::Importer if chance(&mut rng, 0.3) => Status::ActiveInvestigation,
                Relation::Internal if chance(&mut rng, 0.4) => Status::ActiveInvestigation,
                Relation::Transport if chance(&mut rng, 0.1) => Status::ActiveInvestigation,
                _ => Status::PassiveIntelligence,
            };
            let mut statuses = Vec::new();
            for _ in first..=last {
                statuses.push(state);
                state = match state {
                    Status::PassiveIntelligence if chance(&mut rng, 0.15) => {
                        Status::ActiveInvestigation
                    }
                    Status::ActiveInvestigation if chance(&mut rng, 0.12) => Status::Disrupted,
                    Status::Disrupted if chance(&mut rng, 0.3) => Status::ActiveInvestigation,
                    Status::Disrupted if chance(&mut rng, 0.1) => Status::PassiveIntelligence,
                    other => other,
                };
            }
            let final_status = if extended || (ended && last == b && chance(&mut rng, 0.7)) {
                Some(Status::Closed)
            } else if ended && last == b {
                Some(Status::Disrupted)
            } else if stale && chance(&mut rng, 0.5) {
                Some(Status::Closed)
            } else {
                None
            };
            if let (Some(status), Some(slot_last)) = (final_status, statuses.last_mut()) {
                *slot_last = status;
            }
            if extended && statuses.len() >= 2 {
                let n = statuses.len();
                if statuses[n - 2] == Status::Closed {
                    statuses[n - 2] = Status::Disrupted;
                }
            }
            // The people the force links to the line, each for some of the months.
            let mut persons = Vec::new();
            let mut members: Vec<(u32, Role)> = line.members().collect();
            members.extend(line.customers.iter().map(|(p, _, _)| (*p, Role::Customer)));
            for (person, role) in members {
                let local = w.persons[person as usize].place.force == force;
                if !chance(&mut rng, know_share(role, relation, local)) {
                    continue;
                }
                let from = first + geometric(&mut rng, 0.55, 3) as usize;
                if from > last {
                    continue;
                }
                // Controllers surface in intelligence briefly; the rest stay on the books.
                let to = if role == Role::Controller {
                    (from + geometric(&mut rng, 0.5, 3) as usize).min(last)
                } else if chance(&mut rng, 0.85) {
                    last
                } else {
                    between(&mut rng, from as i64, last as i64) as usize
                };
                persons.push((person, from, to));
            }
            let mut drugs: Vec<Drug> = line
                .drugs
                .iter()
                .copied()
                .filter(|_| chance(&mut rng, 0.85))
                .collect();
            if drugs.is_empty() {
                drugs.push(line.drugs[0]);
            }
            let violence = chance(&mut rng, 0.75).then_some(line.violence);
            let weapons = if violence.is_some() {
                line.weapons
                    .iter()
                    .copied()
                    .filter(|_| chance(&mut rng, 0.8))
                    .collect()
            } else {
                Vec::new()
            };
            let cuckooing = chance(&mut rng, 0.7).then_some(line.cuckooing);
            let period = cal.periods[first];
            let earliest = period.first_day().max(line.start);
            let first_reported =
                between(&mut rng, i64::from(earliest), i64::from(period.last_day())) as Day;
            slots.push(Slot {
                force,
                line: line_index,
                relation,
                first,
                last,
                statuses,
                persons,
                drugs,
                violence,
                weapons,
                cuckooing,
                first_reported,
                extras: 0,
                extra_ref: 0,
                extra_index: 0,
            });
        }
    }
    slots
}

/// The role a force records for a person.
pub(crate) fn recorded_role(
    seed: u64,
    force: u16,
    person: u32,
    record: u8,
    true_role: Role,
) -> Role {
    let mut rng = rng_for(
        seed,
        "role",
        u64::from(force),
        u64::from(person) * 2 + u64::from(record),
    );
    match true_role {
        Role::Controller => weighted(
            &mut rng,
            &[
                (Role::Controller, 60),
                (Role::Unknown, 25),
                (Role::Associate, 15),
            ],
        ),
        Role::Runner => weighted(
            &mut rng,
            &[
                (Role::Runner, 88),
                (Role::LineHolder, 4),
                (Role::Associate, 4),
                (Role::Unknown, 4),
            ],
        ),
        Role::Customer => weighted(
            &mut rng,
            &[
                (Role::Customer, 85),
                (Role::Associate, 10),
                (Role::Unknown, 5),
            ],
        ),
        other => weighted(
            &mut rng,
            &[(other, 92), (Role::Associate, 4), (Role::Unknown, 4)],
        ),
    }
}

/// Whether the force holds a second, duplicate record of a person.
fn has_duplicate(seed: u64, force: u16, person: u32, role: Role) -> bool {
    let mut rng = rng_for(seed, "dup", u64::from(force), u64::from(person));
    matches!(role, Role::Runner | Role::LineHolder | Role::Controller) && chance(&mut rng, 0.05)
}

/// A number known to the force after a lag, or never.
fn knows_number(seed: u64, force: u16, number: u32, share: f64) -> Option<i64> {
    let mut rng = rng_for(seed, "numknow", u64::from(force), u64::from(number));
    chance(&mut rng, share).then(|| i64::from(rng.random_range(0..45)) * DAY_SECS)
}

#[allow(clippy::too_many_arguments)]
fn plan_return(
    w: &World,
    force: u16,
    p: usize,
    slots: &[Slot],
    my_slots: &[usize],
    policy: Policy,
    incidents: &[(u32, Option<u16>)],
    refs: &mut RefBook,
    notice: &HashMap<(u16, u32), u32>,
) -> Option<ReturnPlan> {
    let seed = w.seed;
    let period = w.cal.periods[p];
    let (p_start, p_end) = (period.first_day(), period.last_day());
    let (ts_start, ts_end) = (day_start(p_start), day_start(p_end + 1));
    let mut rng = rng_for(seed, "return", u64::from(force), p as u64);

    // Lines.
    let mut lines = Vec::new();
    for &s in my_slots {
        let slot = &slots[s];
        if p < slot.first || p > slot.last {
            continue;
        }
        let status = slot.statuses[p - slot.first];
        if policy.active_only && status == Status::PassiveIntelligence {
            continue;
        }
        let line = &w.lines[slot.line as usize];
        let share = match slot.relation {
            Relation::Exporter => 0.6,
            Relation::Transport => 0.5,
            _ => 0.8,
        };
        let mut numbers = Vec::new();
        for &n in &line.deal_numbers {
            let number = &w.numbers[n as usize];
            let Some(lag) = knows_number(seed, force, n, share) else {
                continue;
            };
            let current = number.overlaps(ts_start, ts_end) && number.from + lag < ts_end;
            // Some forces go on listing a number for a month or two after it died.
            let lingering = number
                .to
                .is_some_and(|to| to < ts_start && to + 45 * DAY_SECS >= ts_start)
                && lag % 3 == 0;
            if current || lingering {
                numbers.push(n);
            }
        }
        let last_reported = between(
            &mut rng,
            i64::from(p_start.max(slot.first_reported)),
            i64::from(p_end),
        ) as Day;
        lines.push(LineEntry {
            line: slot.line,
            slot: s,
            line_ref: refs.line(force, slot.line),
            status,
            numbers,
            drugs: slot.drugs.clone(),
            violence: slot.violence,
            weapons: slot.weapons.clone(),
            cuckooing: slot.cuckooing,
            first_reported: slot.first_reported,
            last_reported,
        });
    }
    if lines.is_empty() {
        return None;
    }
    let in_return: BTreeSet<u32> = lines.iter().map(|l| l.line).collect();

    // People: those the force links to its lines, and those its incidents name.
    let mut people: BTreeMap<u32, BTreeSet<u32>> = BTreeMap::new();
    for entry in &lines {
        for &(person, from, to) in &slots[entry.slot].persons {
            if from <= p && p <= to {
                people.entry(person).or_default().insert(entry.line);
            }
        }
    }
    let kept_incidents: Vec<(u32, Option<u16>)> = incidents
        .iter()
        .copied()
        .filter(|(i, _)| in_return.contains(&w.incidents[*i as usize].line))
        .collect();
    for (i, _) in &kept_incidents {
        let incident = &w.incidents[*i as usize];
        for person in &incident.persons {
            people.entry(*person).or_default().insert(incident.line);
        }
    }
    let mut nominals = Vec::new();
    for (person, person_lines) in &people {
        let person = *person;
        let truth = &w.persons[person as usize];
        let mut records = vec![0u8];
        if has_duplicate(seed, force, person, truth.role) && chance(&mut rng, 0.7) {
            records.push(1);
        }
        for record in records {
            let role = recorded_role(seed, force, person, record, truth.role);
            let mut prng = rng_for(
                seed,
                "nominal",
                u64::from(force),
                u64::from(person) * 2 + u64::from(record),
            );
            let base = match truth.role {
                Role::Controller => prng.random_range(0..3),
                Role::LineHolder => prng.random_range(2..11),
                Role::Runner => prng.random_range(3..26),
                Role::CuckooedOccupant | Role::Customer => prng.random_range(1..13),
                _ => prng.random_range(0..7),
            };
            let seen = notice.get(&(force, person)).copied().unwrap_or(0);
            let times = if record == 1 {
                Some(prng.random_range(0..3))
            } else {
                chance(&mut prng, 0.9).then_some(base + seen)
            };
            let last_contact = chance(&mut rng, 0.7)
                .then(|| between(&mut rng, i64::from(p_start), i64::from(p_end)) as Day);
            let vulns = if record == 0 {
                known_vulns(w, force, person, p_end)
            } else {
                Vec::new()
            };
            let phones = known_phones(w, force, person, ts_start, ts_end);
            nominals.push(NominalEntry {
                person,
                record,
                nominal_ref: refs.nominal(force, person, record),
                role,
                lines: person_lines.iter().copied().collect(),
                times,
                last_contact,
                vulns,
                phones,
            });
        }
    }
    nominals.sort_by_key(|n| n.nominal_ref);

    // Locations.
    let mut location_ids: BTreeSet<u32> = BTreeSet::new();
    for entry in &lines {
        let relation = slots[entry.slot].relation;
        for &loc in &w.lines[entry.line as usize].locations {
            let location = &w.locations[loc as usize];
            let mut lrng = rng_for(seed, "locknow", u64::from(force), u64::from(loc));
            let share = if location.place.force == force {
                0.8
            } else if relation == Relation::Transport && location.kind == LocKind::RailStation {
                0.9
            } else {
                0.08
            };
            let from = slots[entry.slot].first + geometric(&mut lrng, 0.6, 3) as usize;
            if chance(&mut lrng, share) && from <= p && location.since <= p_end {
                location_ids.insert(loc);
            }
        }
    }
    for (i, _) in &kept_incidents {
        if let Some(loc) = w.incidents[*i as usize].location {
            location_ids.insert(loc);
        }
    }
    let main_records: BTreeSet<u32> = nominals
        .iter()
        .filter(|n| n.record == 0)
        .map(|n| n.person)
        .collect();
    let locations: Vec<LocEntry> = location_ids
        .iter()
        .map(|&loc| {
            let location = &w.locations[loc as usize];
            let first_reported =
                chance(&mut rng, 0.8).then(|| location.since.max(w.cal.start()).min(p_end));
            LocEntry {
                location: loc,
                location_ref: refs.location(force, loc),
                kind: location.kind,
                lines: location
                    .lines
                    .iter()
                    .copied()
                    .filter(|l| in_return.contains(l))
                    .collect(),
                persons: location
                    .persons
                    .iter()
                    .copied()
                    .filter(|p| main_records.contains(p))
                    .collect(),
                first_reported,
            }
        })
        .collect();

    // Vehicles.
    let mut vehicles = Vec::new();
    for entry in &lines {
        let relation = slots[entry.slot].relation;
        for &v in &w.lines[entry.line as usize].vehicles {
            let vehicle = &w.vehicles[v as usize];
            let mut vrng = rng_for(seed, "vehknow", u64::from(force), u64::from(v));
            let share = if relation == Relation::Importer || relation == Relation::Internal {
                0.5
            } else {
                0.25
            };
            if chance(&mut vrng, share) && vehicles.iter().all(|e: &VehEntry| e.vehicle != v) {
                vehicles.push(VehEntry {
                    vehicle: v,
                    kind: chance(&mut vrng, 0.85).then_some(vehicle.kind),
                    lines: vehicle
                        .lines
                        .iter()
                        .copied()
                        .filter(|l| in_return.contains(l))
                        .collect(),
                    persons: vehicle
                        .persons
                        .iter()
                        .copied()
                        .filter(|p| main_records.contains(p))
                        .collect(),
                });
            }
        }
    }

    // Events.
    let events: Vec<EventEntry> = kept_incidents
        .iter()
        .map(|&(i, area)| {
            let incident = &w.incidents[i as usize];
            EventEntry {
                kind: incident.kind,
                day: incident.day,
                persons: incident
                    .persons
                    .iter()
                    .copied()
                    .filter(|p| main_records.contains(p))
                    .collect(),
                lines: vec![incident.line],
                location: incident.location,
                force_area: area,
                quantity: incident.quantity,
                outcome: incident.outcome.clone(),
                note: incident.note.clone(),
            }
        })
        .collect();

    // Optional tables are sometimes left out, and empty ones often are.
    let mut omit = rng_for(seed, "omit", u64::from(force), p as u64);
    let keep = |rng: &mut WorldRng, empty: bool, share: f64| {
        !(chance(rng, share) || (empty && chance(rng, 0.5)))
    };
    let mut locations = keep(&mut omit, locations.is_empty(), 0.12).then_some(locations);
    let vehicles =
        (!policy.never_vehicles && keep(&mut omit, vehicles.is_empty(), 0.25)).then_some(vehicles);
    let mut events = keep(&mut omit, events.is_empty(), 0.08).then_some(events);
    if locations.is_none()
        && let Some(events) = &mut events
    {
        for event in events {
            event.location = None;
        }
    }
    if let Some(locations) = &mut locations {
        locations.sort_by_key(|l| l.location_ref);
    }
    Some(ReturnPlan {
        force,
        period: p,
        lines,
        nominals,
        locations,
        vehicles,
        events,
    })
}

/// The vulnerability tokens a force records for a person by the end of a month.
fn known_vulns(w: &World, force: u16, person: u32, until: Day) -> Vec<(Vuln, Option<u32>)> {
    let truth = &w.persons[person as usize];
    let home = truth.place.force == force;
    let mut out = Vec::new();
    for &factor in &truth.factors {
        let mut rng = rng_for(
            w.seed,
            "vknow",
            u64::from(force),
            u64::from(person) * 32 + factor as u64,
        );
        if !chance(&mut rng, if home { 0.75 } else { 0.45 }) {
            continue;
        }
        match factor {
            Vuln::MissingEpisodes => {
                let count = if home {
                    w.missing_count(person, until)
                } else {
                    truth.missing_days.iter().filter(|d| **d <= until).count() as u32
                };
                if count > 0 {
                    out.push((factor, Some(count)));
                }
            }
            Vuln::SchoolExclusions => {
                let count = w.exclusion_count(person, until);
                if home && count > 0 {
                    out.push((factor, Some(count)));
                }
            }
            Vuln::NrmReferral if truth.nrm_day.is_some_and(|d| d > until) => {}
            Vuln::MovedByLocalAuthority if truth.moved_day.is_some_and(|d| d > until) => {}
            other => out.push((other, None)),
        }
    }
    // Now and then a force records something that is not true.
    let mut rng = rng_for(w.seed, "vfalse", u64::from(force), u64::from(person));
    if chance(&mut rng, 0.02) && !truth.has(Vuln::GangAssociation) {
        out.push((Vuln::GangAssociation, None));
    }
    out
}

/// The person's phones in use during the month that the force knows.
fn known_phones(w: &World, force: u16, person: u32, from: i64, to: i64) -> Vec<u32> {
    let truth = &w.persons[person as usize];
    let share = if truth.role == Role::Controller {
        0.8
    } else {
        0.6
    };
    truth
        .phones
        .iter()
        .copied()
        .filter(|&n| {
            let number = &w.numbers[n as usize];
            number.overlaps(from, to)
                && knows_number(w.seed, force, n, share).is_some_and(|lag| number.from + lag < to)
        })
        .collect()
}
