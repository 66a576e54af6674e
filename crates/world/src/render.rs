//! Turns a return's plan into tables as the force writes them.
//!
//! This is where a plan's facts get their force-specific spelling: the force's
//! references, brand spellings, person views, phone and date writings, gradings
//! and notes, then its column order and header case. It also yields the truth rows
//! that name each record (`truth/persons.csv`, `truth/lines.csv`). It writes no
//! files.

use std::collections::BTreeMap;

use crate::calendar::Day;
use crate::identifiers::{write_phone, write_postcode, write_vrm};
use crate::model::Role;
use crate::notes;
use crate::plan::{Plans, ReturnPlan};
use crate::rng::{WorldRng, chance, rng_for, weighted};
use crate::style::ForceStyle;
use crate::table::{
    Cell, DateStyle, EVENT_COLUMNS, LINE_COLUMNS, LOCATION_COLUMNS, NOMINAL_COLUMNS,
    RETURN_COLUMNS, Table, VEHICLE_COLUMNS,
};
use crate::views::{Dob, line_name, person_view};
use crate::world::World;

/// A return ready to write, with the truth rows naming its records.
pub(crate) struct Rendered {
    /// Tables in spec order (`return`, `lines`, `nominals`, then the optional ones present).
    pub tables: Vec<Table>,
    /// `(person_id, nominal_ref)` for every nominal record.
    pub persons: Vec<(String, String)>,
    /// `(line_id, line_ref)` for every line record.
    pub lines: Vec<(String, String)>,
}

/// A 3x5x2 grading, weighted towards the common ones.
pub(crate) fn grading(rng: &mut WorldRng, weak: bool) -> &'static str {
    if weak {
        return weighted(
            rng,
            &[
                ("3-C-P", 40),
                ("3-D-P", 20),
                ("2-C-P", 20),
                ("3-E-P", 10),
                ("3-C-C", 10),
            ],
        );
    }
    weighted(
        rng,
        &[
            ("2-B-P", 40),
            ("3-C-P", 20),
            ("1-A-P", 8),
            ("2-C-P", 10),
            ("3-B-P", 6),
            ("1-B-P", 5),
            ("2-B-C", 3),
            ("3-C-C", 2),
            ("2-A-P", 2),
            ("3-D-P", 2),
            ("2-D-P", 1),
            ("3-E-P", 1),
            ("1-A-C", 1),
        ],
    )
}

fn date(day: Day, style: DateStyle) -> Cell {
    Cell::Date(day, style)
}

/// Renders one return.
pub(crate) fn render(w: &World, plans: &Plans, plan: &ReturnPlan, style: &ForceStyle) -> Rendered {
    let seed = w.seed;
    let force = plan.force;
    let period = w.cal.periods[plan.period];
    let prefix = &style.prefix;
    let mut rng = rng_for(seed, "render", u64::from(force), plan.period as u64);
    let line_ref = |n: u32| style.refs.write(prefix, "CL", n);
    let nominal_ref = |n: u32| style.refs.write(prefix, "N", n);
    let location_ref = |n: u32| style.refs.write(prefix, "LOC", n);
    let refs_of_lines: BTreeMap<u32, String> = plan
        .lines
        .iter()
        .map(|l| (l.line, line_ref(l.line_ref)))
        .collect();
    let refs_of_people: BTreeMap<u32, String> = plan
        .nominals
        .iter()
        .filter(|n| n.record == 0)
        .map(|n| (n.person, nominal_ref(n.nominal_ref)))
        .collect();
    let refs_of_locations: BTreeMap<u32, String> = plan
        .locations
        .iter()
        .flatten()
        .map(|l| (l.location, location_ref(l.location_ref)))
        .collect();
    let join_lines = |lines: &[u32]| {
        lines
            .iter()
            .filter_map(|l| refs_of_lines.get(l).cloned())
            .collect::<Vec<_>>()
            .join(";")
    };
    let join_people = |people: &[u32]| {
        people
            .iter()
            .filter_map(|p| refs_of_people.get(p).cloned())
            .collect::<Vec<_>>()
            .join(";")
    };
    let mut truth_lines = Vec::new();
    let mut truth_persons = Vec::new();

    // return
    let return_rows = vec![
        vec![
            Cell::text("force"),
            Cell::text(w.geo.forces[usize::from(force)].code.clone()),
        ],
        vec![Cell::text("period"), Cell::text(period.label())],
        vec![Cell::text("version"), Cell::text("1")],
        vec![
            Cell::text("submitted_by"),
            Cell::text(style.submitted_by.clone()),
        ],
    ];

    // lines
    let mut line_rows = Vec::new();
    for entry in &plan.lines {
        let line = &w.lines[entry.line as usize];
        let mut lrng = rng_for(seed, "lineview", u64::from(force), u64::from(entry.line));
        let numbers: Vec<String> = entry
            .numbers
            .iter()
            .map(|n| write_phone(w.numbers[*n as usize].nsn, style.row_phone(&mut rng)))
            .collect();
        let export_town = w.geo.town(line.export);
        let import_towns: Vec<&str> = line
            .imports
            .iter()
            .filter(|i| {
                i.force == force
                    || plans.slots[entry.slot].relation != crate::plan::Relation::Importer
            })
            .map(|i| w.geo.town(*i).name)
            .collect();
        let import_towns = if import_towns.is_empty() {
            vec![w.geo.town(line.imports[0]).name]
        } else {
            import_towns
        };
        let ocg = line.ocg.clone().filter(|_| chance(&mut lrng, 0.6));
        let export_known = chance(&mut lrng, 0.75);
        let ds = style.row_date(&mut rng);
        let row = vec![
            Cell::text(line_ref(entry.line_ref)),
            Cell::text(line_name(w, force, entry.line)),
            Cell::text(numbers.join(style.list_sep)),
            if export_known || chance(&mut rng, 0.1) {
                Cell::text(w.geo.forces[usize::from(line.export.force)].code.clone())
            } else {
                Cell::Empty
            },
            if export_known {
                Cell::text(export_town.name)
            } else {
                Cell::Empty
            },
            if chance(&mut lrng, 0.9) {
                Cell::text(import_towns.join(style.list_sep))
            } else {
                Cell::Empty
            },
            Cell::text(
                entry
                    .drugs
                    .iter()
                    .map(|d| d.token())
                    .collect::<Vec<_>>()
                    .join(";"),
            ),
            Cell::text(entry.status.token()),
            Cell::opt(entry.violence.map(|v| v.token())),
            Cell::text(
                entry
                    .weapons
                    .iter()
                    .map(|d| d.token())
                    .collect::<Vec<_>>()
                    .join(";"),
            ),
            Cell::opt(entry.cuckooing.map(|c| if c { "yes" } else { "no" })),
            Cell::opt(ocg),
            date(entry.first_reported, ds),
            date(entry.last_reported, ds),
            Cell::text(grading(&mut rng, false)),
            Cell::opt(notes::line(
                &mut rng,
                &line.brand,
                w.geo.town(line.imports[0]).name,
            )),
        ];
        line_rows.push(row);
        truth_lines.push((World::line_id(entry.line), line_ref(entry.line_ref)));
    }

    // nominals
    let mut nominal_rows = Vec::new();
    for entry in &plan.nominals {
        let person = &w.persons[entry.person as usize];
        let view = person_view(
            w,
            force,
            entry.person,
            entry.record,
            !entry.phones.is_empty(),
        );
        let anonymous =
            view.surname.is_empty() && view.forenames.is_empty() && view.aliases.is_empty();
        // A record with no name at all is identified by its phone.
        let phones: Vec<String> = entry
            .phones
            .iter()
            .map(|n| write_phone(w.numbers[*n as usize].nsn, style.row_phone(&mut rng)))
            .collect();
        let ds = style.row_date(&mut rng);
        let dob = match view.dob {
            Dob::Full(day) => date(day, ds),
            Dob::YearMonth(y, m) => Cell::text(format!("{y:04}-{m:02}")),
            Dob::Year(y) => Cell::text(format!("{y:04}")),
            Dob::Unknown => Cell::Empty,
        };
        let vulns: Vec<String> = entry
            .vulns
            .iter()
            .map(|(v, count)| match count {
                Some(n) if style.counts => format!("{}:{n}", v.token()),
                _ => v.token().to_string(),
            })
            .collect();
        let weak = person.role == Role::Controller || anonymous;
        let note_town = w.geo.town(person.place).name;
        let alias = person.aliases.first().map(String::as_str);
        let row = vec![
            Cell::text(nominal_ref(entry.nominal_ref)),
            Cell::text(view.surname),
            Cell::text(view.forenames),
            Cell::text(view.aliases.join(style.list_sep)),
            dob,
            Cell::opt(view.gender.map(|g| g.token())),
            Cell::opt(view.pnc),
            Cell::opt(view.address),
            Cell::opt(view.postcode),
            Cell::text(phones.join(style.list_sep)),
            Cell::text(entry.role.token()),
            Cell::text(join_lines(&entry.lines)),
            entry.times.map_or(Cell::Empty, |t| Cell::Int(i64::from(t))),
            entry.last_contact.map_or(Cell::Empty, |d| date(d, ds)),
            Cell::text(vulns.join(";")),
            Cell::text(grading(&mut rng, weak)),
            Cell::opt(notes::nominal(&mut rng, alias, note_town)),
        ];
        nominal_rows.push(row);
        truth_persons.push((
            World::person_id(entry.person),
            nominal_ref(entry.nominal_ref),
        ));
    }
    for entry in &plan.lines {
        let slot = &plans.slots[entry.slot];
        if slot.extras > 0 {
            crate::extras::append(
                w,
                style,
                entry.slot,
                slot,
                &line_ref(entry.line_ref),
                &mut nominal_rows,
                &mut truth_persons,
            );
        }
    }

    let mut tables = vec![
        arrange(
            w,
            style,
            force,
            plan.period,
            0,
            "return",
            RETURN_COLUMNS,
            return_rows,
        ),
        arrange(
            w,
            style,
            force,
            plan.period,
            1,
            "lines",
            LINE_COLUMNS,
            line_rows,
        ),
        arrange(
            w,
            style,
            force,
            plan.period,
            2,
            "nominals",
            NOMINAL_COLUMNS,
            nominal_rows,
        ),
    ];

    // locations
    if let Some(locations) = &plan.locations {
        let mut rows = Vec::new();
        for entry in locations {
            let location = &w.locations[entry.location as usize];
            let mut lrng = rng_for(seed, "locview", u64::from(force), u64::from(entry.location));
            let address = location
                .address
                .write(crate::addresses::AddressStyle::random(&mut lrng));
            let postcode = chance(&mut lrng, 0.85)
                .then(|| write_postcode(&mut lrng, &location.address.postcode));
            let ds = style.row_date(&mut rng);
            rows.push(vec![
                Cell::text(location_ref(entry.location_ref)),
                Cell::text(address),
                Cell::opt(postcode),
                Cell::text(entry.kind.token()),
                Cell::text(join_lines(&entry.lines)),
                Cell::text(join_people(&entry.persons)),
                entry.first_reported.map_or(Cell::Empty, |d| date(d, ds)),
                Cell::text(grading(&mut rng, false)),
            ]);
        }
        tables.push(arrange(
            w,
            style,
            force,
            plan.period,
            3,
            "locations",
            LOCATION_COLUMNS,
            rows,
        ));
    }

    // vehicles
    if let Some(vehicles) = &plan.vehicles {
        let mut rows = Vec::new();
        for entry in vehicles {
            let vehicle = &w.vehicles[entry.vehicle as usize];
            let mut vrng = rng_for(seed, "vehview", u64::from(force), u64::from(entry.vehicle));
            let make = if chance(&mut vrng, 0.2) {
                vehicle.make.to_uppercase()
            } else {
                vehicle.make.to_string()
            };
            rows.push(vec![
                Cell::text(write_vrm(&mut vrng, &vehicle.vrm)),
                Cell::text(make),
                if chance(&mut vrng, 0.85) {
                    Cell::text(vehicle.model)
                } else {
                    Cell::Empty
                },
                if chance(&mut vrng, 0.8) {
                    Cell::text(vehicle.colour)
                } else {
                    Cell::Empty
                },
                Cell::opt(entry.kind.map(|k| k.token())),
                Cell::text(join_lines(&entry.lines)),
                Cell::text(join_people(&entry.persons)),
                Cell::text(grading(&mut rng, false)),
            ]);
        }
        tables.push(arrange(
            w,
            style,
            force,
            plan.period,
            4,
            "vehicles",
            VEHICLE_COLUMNS,
            rows,
        ));
    }

    // events
    if let Some(events) = &plan.events {
        let mut rows = Vec::new();
        for (i, event) in events.iter().enumerate() {
            let ds = style.row_date(&mut rng);
            let event_ref = match style.refs {
                crate::style::RefFormat::Plain => format!("{}-{:03}", period.compact(), i + 1),
                other => other.write(prefix, "EV", (i + 1) as u32),
            };
            rows.push(vec![
                Cell::text(event_ref),
                Cell::text(event.kind.token()),
                date(event.day, ds),
                Cell::text(join_people(&event.persons)),
                Cell::text(join_lines(&event.lines)),
                Cell::opt(
                    event
                        .location
                        .and_then(|l| refs_of_locations.get(&l).cloned()),
                ),
                Cell::opt(
                    event
                        .force_area
                        .map(|f| w.geo.forces[usize::from(f)].code.clone()),
                ),
                event.quantity.map_or(Cell::Empty, Cell::Num),
                Cell::opt(event.outcome.clone()),
                Cell::opt(event.note.clone()),
            ]);
        }
        tables.push(arrange(
            w,
            style,
            force,
            plan.period,
            5,
            "events",
            EVENT_COLUMNS,
            rows,
        ));
    }
    Rendered {
        tables,
        persons: truth_persons,
        lines: truth_lines,
    }
}

#[allow(clippy::too_many_arguments)]
fn arrange(
    w: &World,
    style: &ForceStyle,
    force: u16,
    period: usize,
    table: usize,
    name: &'static str,
    columns: &[&str],
    rows: Vec<Vec<Cell>>,
) -> Table {
    let order = if table == 0 {
        (0..columns.len()).collect()
    } else {
        style.column_order(w.seed, force, w.cal.periods[period], table, columns.len())
    };
    let header = |i: usize, name: &str| style.header_name(w.seed, force, table * 32 + i, name);
    Table::arranged(name, columns, rows, &order, &header)
}
