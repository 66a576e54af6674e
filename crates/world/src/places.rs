//! Places and vehicles linked to lines: cuckooed homes, trap houses, stashes,
//! hotels, stations, schools, care homes; hire cars, taxis and the like.
//!
//! A cuckooed address *is* its occupant's home and a stash is the stash holder's
//! home, so the same address turns up in nominal records and location records,
//! written differently by different forces. Station, school and care-home
//! locations are what make the spec's safeguarding events placeable. Incidents at
//! these places are made in `incidents.rs`.

use crate::addresses::Address;
use crate::geography::Place;
use crate::identifiers::vrm;
use crate::model::{LocKind, Location, VehKind, Vehicle};
use crate::rng::{chance, pick, pick_str, weighted};
use crate::world::Builder;

const SCHOOLS: &[&str] = &[
    "St Mary's Academy",
    "Oakfield School",
    "Kingsway Academy",
    "Riverside Pupil Referral Unit",
    "Hillcrest High School",
    "The Grange Academy",
];
const CARE_HOMES: &[&str] = &[
    "Oakfield House",
    "Willow Lodge",
    "The Beeches",
    "Meadowview Children's Home",
    "Cedar House",
];
const OTHER_PLACES: &[&str] = &[
    "Car park rear of Tesco Express",
    "Skate park, Victoria Park",
    "McDonald's",
    "Bus station",
    "Underpass by the ring road",
    "Launderette",
];
const CARS: &[(&str, &str)] = &[
    ("Vauxhall", "Corsa"),
    ("Ford", "Fiesta"),
    ("Ford", "Focus"),
    ("Volkswagen", "Golf"),
    ("Volkswagen", "Polo"),
    ("Mercedes-Benz", "A-Class"),
    ("BMW", "1 Series"),
    ("Audi", "A3"),
    ("Nissan", "Qashqai"),
    ("Kia", "Sportage"),
    ("Peugeot", "208"),
    ("Seat", "Leon"),
    ("Toyota", "Yaris"),
    ("Hyundai", "i10"),
];
const TAXIS: &[(&str, &str)] = &[
    ("Toyota", "Prius"),
    ("Skoda", "Octavia"),
    ("Toyota", "Corolla"),
    ("Kia", "Niro"),
];
const OTHER_VEHICLES: &[(&str, &str)] =
    &[("Honda", "PCX125"), ("Yamaha", "NMAX"), ("Ford", "Transit")];
const COLOURS: &[&str] = &["Black", "White", "Silver", "Grey", "Blue", "Red"];

fn add_location(
    b: &mut Builder,
    line: u32,
    kind: LocKind,
    place: Place,
    address: Address,
    persons: Vec<u32>,
) {
    let since = b.w.lines[line as usize].start.max(b.w.cal.start() - 200);
    b.w.locations.push(Location {
        kind,
        address,
        place,
        lines: vec![line],
        persons,
        since,
    });
    let index = (b.w.locations.len() - 1) as u32;
    b.w.lines[line as usize].locations.push(index);
}

/// Makes the places and vehicles of every line.
pub(crate) fn generate(b: &mut Builder) {
    for line in 0..b.w.lines.len() as u32 {
        let l = b.w.lines[line as usize].clone();
        let import = l.imports[0];
        let runners_here: Vec<u32> = l.runners.iter().copied().take(2).collect();
        // Cuckooed homes and stashes are their occupants' own homes.
        for occupant in &l.occupants {
            let p = &b.w.persons[*occupant as usize];
            if let Some(home) = p.home.clone() {
                let mut persons = vec![*occupant];
                persons.extend(runners_here.iter().copied());
                add_location(b, line, LocKind::CuckooedAddress, p.place, home, persons);
            }
        }
        for holder in &l.stash {
            let p = &b.w.persons[*holder as usize];
            if let Some(home) = p.home.clone() {
                add_location(b, line, LocKind::Stash, p.place, home, vec![*holder]);
            }
        }
        if chance(&mut b.rng, 0.5) {
            let town = b.w.geo.town(import);
            let address = Address::random(&mut b.rng, town, 0.6);
            let mut persons = l.holders.clone();
            persons.extend(runners_here.iter().copied());
            add_location(b, line, LocKind::TrapHouse, import, address, persons);
        }
        if chance(&mut b.rng, 0.3) {
            let town = b.w.geo.town(import);
            let chain = pick(
                &mut b.rng,
                &[
                    "Premier Inn",
                    "Travelodge",
                    "Ibis Budget",
                    "Holiday Inn Express",
                ],
            );
            let name = format!("{chain} {}", town.name);
            let address = Address::premises(&mut b.rng, town, name);
            add_location(
                b,
                line,
                LocKind::Hotel,
                import,
                address,
                runners_here.clone(),
            );
        }
        if chance(&mut b.rng, 0.4) {
            let town = b.w.geo.town(import);
            let address = Address::premises(
                &mut b.rng,
                town,
                format!("{} railway station", town.station),
            );
            add_location(
                b,
                line,
                LocKind::RailStation,
                import,
                address,
                runners_here.clone(),
            );
        }
        let children: Vec<u32> = l
            .runners
            .iter()
            .copied()
            .filter(|r| b.w.persons[*r as usize].age_on(b.w.cal.start()) < 18)
            .collect();
        if let Some(&child) = children.first()
            && chance(&mut b.rng, 0.4)
        {
            let place = b.w.persons[child as usize].place;
            let town = b.w.geo.town(place);
            let name = (*pick(&mut b.rng, SCHOOLS)).to_string();
            let address = Address::premises(&mut b.rng, town, name);
            add_location(b, line, LocKind::School, place, address, vec![child]);
        }
        if let Some(&child) = children
            .iter()
            .find(|c| b.w.persons[**c as usize].has(crate::model::Vuln::LookedAfter))
        {
            // Looked-after children are often placed out of area, near where the line runs.
            let place = if chance(&mut b.rng, 0.5) {
                import
            } else {
                b.w.persons[child as usize].place
            };
            let town = b.w.geo.town(place);
            let name = (*pick(&mut b.rng, CARE_HOMES)).to_string();
            let address = Address::premises(&mut b.rng, town, name);
            add_location(b, line, LocKind::CareHome, place, address, vec![child]);
        }
        if chance(&mut b.rng, 0.2) {
            let town = b.w.geo.town(import);
            let name = (*pick(&mut b.rng, OTHER_PLACES)).to_string();
            let address = Address::premises(&mut b.rng, town, name);
            add_location(
                b,
                line,
                LocKind::Other,
                import,
                address,
                runners_here.clone(),
            );
        }

        let n_vehicles = weighted(&mut b.rng, &[(0usize, 30), (1, 50), (2, 20)]);
        for _ in 0..n_vehicles {
            let kind = weighted(
                &mut b.rng,
                &[
                    (VehKind::Private, 40),
                    (VehKind::Hire, 35),
                    (VehKind::Taxi, 15),
                    (VehKind::Other, 10),
                ],
            );
            let (make, model) = match kind {
                VehKind::Taxi => *pick(&mut b.rng, TAXIS),
                VehKind::Other => *pick(&mut b.rng, OTHER_VEHICLES),
                _ => *pick(&mut b.rng, CARS),
            };
            let mut persons: Vec<u32> = l.drivers.clone();
            if let Some(r) = l.runners.first() {
                persons.push(*r);
            }
            b.w.vehicles.push(Vehicle {
                vrm: vrm(&mut b.rng),
                make,
                model,
                colour: pick_str(&mut b.rng, COLOURS),
                kind,
                lines: vec![line],
                persons,
            });
            let index = (b.w.vehicles.len() - 1) as u32;
            b.w.lines[line as usize].vehicles.push(index);
        }
    }
}
