//! What the resolver reads: the records of accepted returns, each under its [`RecordKey`],
//! with only the values resolution uses, plus the statuses of the lines each record is linked
//! to in its return (for deconfliction).
//!
//! It copies values out of [`model::Return`]s and nothing more: no normalising (that is
//! `normalise` and `features`), no reading of files, and no judgement about which return is
//! current (the caller passes the current version of each force's period).

use std::sync::Arc;

use rayon::prelude::*;
use rustc_hash::FxHashMap;

use model::record::{LineRef, NominalRef};
use model::{
    ForceCode, Gender, LineStatus, LocationKind, PartialDate, PhoneNumber, PncId, Postcode, Return,
    Vrm,
};

use crate::key::{RecordKey, RecordKind};

/// A nominal record: one force's view of a person in one month.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PersonRecord {
    /// Force, period and `nominal_ref`.
    pub key: RecordKey,
    /// Surname as written.
    pub surname: Option<String>,
    /// Forenames as written.
    pub forenames: Option<String>,
    /// Street names and other names.
    pub aliases: Vec<String>,
    /// Date of birth, possibly partial.
    pub dob: Option<PartialDate>,
    /// Gender.
    pub gender: Option<Gender>,
    /// Police National Computer id.
    pub pnc_id: Option<PncId>,
    /// Address as written.
    pub address: Option<String>,
    /// Postcode.
    pub postcode: Option<Postcode>,
    /// Phone numbers.
    pub phone_numbers: Vec<PhoneNumber>,
    /// Identifiers of a scheme the return format does not name (another agency's id, a
    /// national insurance number in a foreign dataset...), as written. Compared with each
    /// other only: exact, within two edits, or different. Returns never fill it.
    pub other_ids: Vec<String>,
    /// The lines the person is linked to in this return.
    pub line_refs: Vec<LineRef>,
    /// The status, in this return, of each line in `line_refs` that the return lists.
    pub line_statuses: Vec<LineStatus>,
    /// The names and deal numbers of those lines (shared by every record of the return
    /// linked to the same line).
    pub lines: Vec<Arc<LinkedLine>>,
}

/// A line as the records linked to it see it: its brand and deal numbers in the return.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct LinkedLine {
    /// The brand, as written.
    pub name: String,
    /// The deal numbers.
    pub deal_numbers: Vec<PhoneNumber>,
}

impl PersonRecord {
    /// A record under `key` with no values yet, for adapters that build records from flat
    /// data (a CSV, another system) rather than from returns: set the fields known and push
    /// it onto [`Input::persons`].
    pub fn new(key: RecordKey) -> PersonRecord {
        PersonRecord {
            key,
            surname: None,
            forenames: None,
            aliases: Vec::new(),
            dob: None,
            gender: None,
            pnc_id: None,
            address: None,
            postcode: None,
            phone_numbers: Vec::new(),
            other_ids: Vec::new(),
            line_refs: Vec::new(),
            line_statuses: Vec::new(),
            lines: Vec::new(),
        }
    }
}

/// A line record: one force's view of a county line in one month.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineRecord {
    /// Force, period and `line_ref`.
    pub key: RecordKey,
    /// The brand.
    pub line_name: String,
    /// Deal numbers.
    pub deal_numbers: Vec<PhoneNumber>,
    /// The force it is run from, if stated.
    pub exporting_force: Option<ForceCode>,
    /// The town or borough it is run from, if stated.
    pub exporting_area: Option<String>,
    /// The towns or boroughs supplied.
    pub importing_areas: Vec<String>,
    /// Status in the reporting force.
    pub status: LineStatus,
    /// The nominal records of the same return linked to this line.
    pub nominal_refs: Vec<NominalRef>,
}

/// A location record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LocationRecord {
    /// Force, period and `location_ref`.
    pub key: RecordKey,
    /// Address as written.
    pub address: Option<String>,
    /// Postcode.
    pub postcode: Option<Postcode>,
    /// What the place is.
    pub kind: LocationKind,
    /// The statuses of the lines the record is linked to (directly, or through the nominal
    /// records it names).
    pub line_statuses: Vec<LineStatus>,
}

/// A vehicle record; its key's reference is the registration mark.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VehicleRecord {
    /// Force, period and VRM.
    pub key: RecordKey,
    /// Registration mark.
    pub vrm: Vrm,
    /// The statuses of the lines the record is linked to (directly, or through the nominal
    /// records it names).
    pub line_statuses: Vec<LineStatus>,
}

/// A phone number as carried by one record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PhoneRecord<'a> {
    /// The number.
    pub number: &'a PhoneNumber,
    /// Which table the carrying record comes from.
    pub kind: RecordKind,
    /// The carrying record.
    pub key: &'a RecordKey,
    /// The statuses of the lines the carrying record is linked to.
    pub line_statuses: &'a [LineStatus],
}

/// The records to resolve, from any number of returns.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Input {
    /// Nominal records.
    pub persons: Vec<PersonRecord>,
    /// Line records.
    pub lines: Vec<LineRecord>,
    /// Location records.
    pub locations: Vec<LocationRecord>,
    /// Vehicle records.
    pub vehicles: Vec<VehicleRecord>,
}

/// Collects the records of `returns` (each the current version of its force's period), in
/// the order given: the same input as adding each return in turn, made a return per core at a
/// time.
///
/// Each return's people are moved straight into their stretch of the one vector of person
/// records, so no record is moved twice and no vector grows by copying. The vector is first
/// filled with empty records, side by side, so every core touches its memory at once.
pub fn input_from_returns(returns: impl IntoIterator<Item = Return>) -> Input {
    let returns: Vec<Return> = returns.into_iter().collect();
    let Some(first) = returns.first() else {
        return Input::default();
    };
    let placeholder = RecordKey::new(first.header.force.clone(), first.header.period, "");
    let total = returns.iter().map(|r| r.nominals.len()).sum();
    let mut persons: Vec<PersonRecord> = (0..total)
        .into_par_iter()
        .map(|_| PersonRecord::new(placeholder.clone()))
        .collect();
    let mut stretches = Vec::with_capacity(returns.len());
    let mut rest = persons.as_mut_slice();
    for ret in &returns {
        let (stretch, after) = rest.split_at_mut(ret.nominals.len());
        stretches.push(stretch);
        rest = after;
    }
    let others: Vec<Input> = returns
        .into_par_iter()
        .zip(stretches)
        .map(|(ret, stretch)| {
            let mut others = Input::default();
            let mut slots = stretch.iter_mut();
            // Called once per nominal of the return: the stretch has a slot for each.
            others.take_return(ret, &mut |person| {
                if let Some(slot) = slots.next() {
                    *slot = person;
                }
            });
            others
        })
        .collect();
    let mut input = Input::from_persons(persons);
    for part in others {
        input.extend(part);
    }
    input
}

impl Input {
    /// Adds the records of one return, taking its values rather than copying them (a caller
    /// reading many returns adds each as it is read).
    pub fn add_return(&mut self, ret: Return) {
        let mut persons = std::mem::take(&mut self.persons);
        persons.reserve(ret.nominals.len());
        self.take_return(ret, &mut |person| persons.push(person));
        self.persons = persons;
    }

    /// Adds the lines, places and vehicles of `ret` to `self` and hands each of its people, in
    /// the order of its table, to `person`.
    fn take_return(&mut self, ret: Return, person: &mut dyn FnMut(PersonRecord)) {
        let Return {
            header,
            lines,
            nominals,
            locations,
            vehicles,
            ..
        } = ret;
        let (force, period) = (header.force, header.period);
        let key = |reference: String| RecordKey::new(force.clone(), period, reference);
        let status_of: FxHashMap<&str, LineStatus> = lines
            .iter()
            .map(|line| (line.line_ref.as_str(), line.status))
            .collect();
        let statuses = |refs: &mut dyn Iterator<Item = &LineRef>| -> Vec<LineStatus> {
            let mut out: Vec<LineStatus> = refs
                .filter_map(|r| status_of.get(r.as_str()).copied())
                .collect();
            out.sort_unstable();
            out.dedup();
            out
        };

        // Places and vehicles first: the people they name lead to more lines, read before the
        // people's own values are taken.
        let nominal_lines: FxHashMap<&str, &[LineRef]> = nominals
            .iter()
            .map(|n| (n.nominal_ref.as_str(), n.line_refs.as_slice()))
            .collect();
        // A place or vehicle is under investigation when a line it serves is, directly or
        // through the people the record names.
        let linked = |line_refs: &[LineRef], nominal_refs: &[NominalRef]| {
            let through_people = nominal_refs
                .iter()
                .filter_map(|n| nominal_lines.get(n.as_str()))
                .flat_map(|refs| refs.iter());
            statuses(&mut line_refs.iter().chain(through_people))
        };
        for location in locations {
            let line_statuses = linked(&location.line_refs, &location.nominal_refs);
            self.locations.push(LocationRecord {
                key: key(location.location_ref.0),
                address: location.address,
                postcode: location.postcode,
                kind: location.kind,
                line_statuses,
            });
        }
        for vehicle in vehicles {
            let line_statuses = linked(&vehicle.line_refs, &vehicle.nominal_refs);
            self.vehicles.push(VehicleRecord {
                key: key(vehicle.vrm.as_str().to_string()),
                vrm: vehicle.vrm,
                line_statuses,
            });
        }
        drop(nominal_lines);

        // The people of each line, in the order of the line's table.
        let line_index: FxHashMap<&str, usize> = lines
            .iter()
            .enumerate()
            .map(|(i, line)| (line.line_ref.as_str(), i))
            .collect();
        let mut people_of_line: Vec<Vec<NominalRef>> = vec![Vec::new(); lines.len()];
        for nominal in &nominals {
            for line_ref in &nominal.line_refs {
                if let Some(&i) = line_index.get(line_ref.as_str()) {
                    people_of_line[i].push(nominal.nominal_ref.clone());
                }
            }
        }

        // Each line's name and numbers are copied once, for all the records linked to it.
        let linked: Vec<Arc<LinkedLine>> = lines
            .iter()
            .map(|line| {
                Arc::new(LinkedLine {
                    name: line.line_name.clone(),
                    deal_numbers: line.deal_numbers.clone(),
                })
            })
            .collect();
        for nominal in nominals {
            let line_statuses = statuses(&mut nominal.line_refs.iter());
            let linked_lines = nominal
                .line_refs
                .iter()
                .filter_map(|r| line_index.get(r.as_str()).map(|&i| linked[i].clone()))
                .collect();
            person(PersonRecord {
                key: key(nominal.nominal_ref.0),
                surname: nominal.surname,
                forenames: nominal.forenames,
                aliases: nominal.aliases,
                dob: nominal.dob,
                gender: nominal.gender,
                pnc_id: nominal.pnc_id,
                address: nominal.address,
                postcode: nominal.postcode,
                phone_numbers: nominal.phone_numbers,
                other_ids: Vec::new(),
                line_refs: nominal.line_refs,
                line_statuses,
                lines: linked_lines,
            });
        }
        drop(line_index);
        drop(status_of);

        self.lines.reserve(lines.len());
        for (line, nominal_refs) in lines.into_iter().zip(people_of_line) {
            self.lines.push(LineRecord {
                key: key(line.line_ref.0),
                line_name: line.line_name,
                deal_numbers: line.deal_numbers,
                exporting_force: line.exporting_force,
                exporting_area: line.exporting_area,
                importing_areas: line.importing_areas,
                status: line.status,
                nominal_refs,
            });
        }
    }

    /// Every phone number carried by a person or line record, in record order.
    pub fn phones(&self) -> impl Iterator<Item = PhoneRecord<'_>> {
        let from_persons = self.persons.iter().flat_map(|p| {
            p.phone_numbers.iter().map(move |number| PhoneRecord {
                number,
                kind: RecordKind::Person,
                key: &p.key,
                line_statuses: &p.line_statuses,
            })
        });
        let from_lines = self.lines.iter().flat_map(|l| {
            l.deal_numbers.iter().map(move |number| PhoneRecord {
                number,
                kind: RecordKind::Line,
                key: &l.key,
                line_statuses: std::slice::from_ref(&l.status),
            })
        });
        from_persons.chain(from_lines)
    }

    /// Number of records of every kind.
    pub fn len(&self) -> usize {
        self.persons.len() + self.lines.len() + self.locations.len() + self.vehicles.len()
    }

    /// Whether there are no records at all.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// An input of person records only, e.g. from an adapter over flat data.
    pub fn from_persons(persons: Vec<PersonRecord>) -> Input {
        Input {
            persons,
            ..Input::default()
        }
    }

    /// Adds every record of `other`.
    pub fn extend(&mut self, other: Input) {
        self.persons.extend(other.persons);
        self.lines.extend(other.lines);
        self.locations.extend(other.locations);
        self.vehicles.extend(other.vehicles);
    }
}
