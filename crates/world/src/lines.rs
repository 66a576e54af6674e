//! County lines and the people around them.
//!
//! Lines are made in groups under one controlling mind (one to three lines each),
//! from an exporting town into one or more importing towns. Each line gets its
//! holder, runners (mostly exploited children, some recruited locally, some shared
//! between a controller's lines, some siblings or twins), drivers, stash holders,
//! cuckooed occupants, customers and associates. Deal numbers and phones are given
//! out afterwards by `phones.rs`; places and vehicles by `places.rs`.

use crate::calendar::Day;
use crate::model::{Drug, Line, Role, Violence, Weapon};
use crate::names::BRANDS;
use crate::people::{make_namesake, new_person, new_sibling};
use crate::rng::{between, chance, pick, weighted};
use crate::world::Builder;
use rand::RngExt as _;

/// Builds `n_lines` lines with their people.
pub(crate) fn generate(b: &mut Builder, n_lines: usize) {
    let mut ocg_counter = 1000 + b.rng.random_range(0..4000u32);
    while b.w.lines.len() < n_lines {
        let group_size =
            weighted(&mut b.rng, &[(1usize, 55), (2, 30), (3, 15)]).min(n_lines - b.w.lines.len());
        let (export, _) = b.w.geo.pick_route(&mut b.rng);
        let age_on = b.w.cal.end();
        let controller = new_person(b, Role::Controller, export, (22, 42), age_on);
        // Some controlling minds share a mapped organised crime group.
        let ocg = chance(&mut b.rng, 0.5).then(|| {
            ocg_counter += b.rng.random_range(1..40);
            format!(
                "OCG-{}-{ocg_counter:05}",
                b.w.geo.forces[usize::from(export.force)].prefix
            )
        });
        let co_controller = chance(&mut b.rng, 0.08)
            .then(|| new_person(b, Role::Controller, export, (20, 35), age_on));
        let first_line = b.w.lines.len();
        for k in 0..group_size {
            let line_index = b.w.lines.len() as u32;
            let mut route = b.w.geo.pick_route(&mut b.rng);
            for _ in 0..30 {
                if route.0.force == export.force {
                    break;
                }
                route = b.w.geo.pick_route(&mut b.rng);
            }
            let (mut line_export, imports) = route;
            if line_export.force == export.force && k == 0 {
                line_export = export;
            }
            let mut line = new_line(b, line_export, imports, ocg.clone());
            line.controllers.push(controller);
            if let Some(co) = co_controller.filter(|_| k == 0) {
                line.controllers.push(co);
            }
            b.w.lines.push(line);
            populate(b, line_index, first_line);
        }
    }
    for (index, line) in b.w.lines.iter().enumerate() {
        for (person, _) in line.members() {
            push_unique(&mut b.w.persons[person as usize].lines, index as u32);
        }
        for (person, _, _) in &line.customers {
            push_unique(&mut b.w.persons[*person as usize].lines, index as u32);
        }
    }
}

fn push_unique(list: &mut Vec<u32>, value: u32) {
    if !list.contains(&value) {
        list.push(value);
    }
}

/// A line's trade: brand, drugs, violence, lifetime.
fn new_line(
    b: &mut Builder,
    export: crate::geography::Place,
    imports: Vec<crate::geography::Place>,
    ocg: Option<String>,
) -> Line {
    let rng = &mut b.rng;
    let cal = &b.w.cal;
    // Brands repeat across the country: two unrelated "Tony" lines are normal.
    let mut brand = (*pick(rng, BRANDS)).to_string();
    if chance(rng, 0.12) {
        brand = format!("{brand} {}", rng.random_range(2..4));
    } else if chance(rng, 0.06) {
        brand = format!("Big {brand}");
    }
    let mut drugs = Vec::new();
    if chance(rng, 0.85) {
        drugs.push(Drug::Crack);
        drugs.push(Drug::Heroin);
    }
    for (drug, share) in [
        (Drug::Cocaine, 0.3),
        (Drug::Cannabis, 0.15),
        (Drug::Ketamine, 0.06),
        (Drug::Mdma, 0.05),
        (Drug::Spice, 0.04),
        (Drug::Other, 0.03),
    ] {
        if chance(rng, share) {
            drugs.push(drug);
        }
    }
    if drugs.is_empty() {
        drugs.push(Drug::Cocaine);
    }
    let violence = weighted(
        rng,
        &[
            (Violence::None, 30),
            (Violence::Threats, 35),
            (Violence::Weapons, 25),
            (Violence::Serious, 10),
        ],
    );
    let mut weapons = Vec::new();
    if matches!(violence, Violence::Weapons | Violence::Serious) {
        weapons.push(Weapon::Knife);
        for (weapon, share) in [
            (Weapon::Firearm, 0.15),
            (Weapon::Corrosive, 0.1),
            (Weapon::Other, 0.1),
        ] {
            if chance(rng, share) {
                weapons.push(weapon);
            }
        }
        if chance(rng, 0.1) {
            weapons.retain(|w| *w != Weapon::Knife);
            if weapons.is_empty() {
                weapons.push(Weapon::Other);
            }
        }
    }
    let span = cal.end() - cal.start();
    let start: Day = if chance(rng, 0.7) {
        cal.start() - rng.random_range(30..700)
    } else {
        cal.start() + rng.random_range(0..(span * 7 / 10).max(1))
    };
    let end = chance(rng, 0.25).then(|| {
        let earliest = (start + 45).max(cal.start() + 20);
        between(rng, i64::from(earliest), i64::from(cal.end() - 1)) as Day
    });
    let end = end.filter(|e| *e < cal.end() && *e > start);
    Line {
        brand,
        export,
        imports,
        drugs,
        violence,
        weapons,
        cuckooing: chance(rng, 0.55),
        ocg,
        start,
        end,
        controllers: Vec::new(),
        holders: Vec::new(),
        runners: Vec::new(),
        drivers: Vec::new(),
        stash: Vec::new(),
        occupants: Vec::new(),
        customers: Vec::new(),
        associates: Vec::new(),
        deal_numbers: Vec::new(),
        locations: Vec::new(),
        vehicles: Vec::new(),
    }
}

/// Gives a line its people. `group_first` is the first line of the same
/// controller, whose runners may be shared.
fn populate(b: &mut Builder, line: u32, group_first: usize) {
    let (export, imports, cuckooing, start, end) = {
        let l = &b.w.lines[line as usize];
        (l.export, l.imports.clone(), l.cuckooing, l.start, l.end)
    };
    let cal_start = b.w.cal.start();
    let cal_end = b.w.cal.end();
    let age_on = cal_end;
    let import_place = |b: &mut Builder| *pick(&mut b.rng, &imports);

    let age = holder_age(b);
    let mut holders = vec![new_person(b, Role::LineHolder, export, age, age_on)];
    if chance(&mut b.rng, 0.2) {
        let place = if chance(&mut b.rng, 0.5) {
            export
        } else {
            import_place(b)
        };
        holders.push(new_person(b, Role::LineHolder, place, (18, 30), age_on));
    }

    let n_runners = b.rng.random_range(2..=5);
    let mut runners = Vec::new();
    for _ in 0..n_runners {
        // Controllers move runners between their lines.
        if line as usize > group_first && chance(&mut b.rng, 0.25) {
            let sibling_line = &b.w.lines[group_first];
            if let Some(shared) = sibling_line.runners.first().copied()
                && !runners.contains(&shared)
            {
                runners.push(shared);
                continue;
            }
        }
        let local = chance(&mut b.rng, 0.35);
        let place = if local { import_place(b) } else { export };
        let child = chance(&mut b.rng, 0.7);
        let runner = if child {
            new_person(b, Role::Runner, place, (13, 17), cal_start)
        } else {
            new_person(b, Role::Runner, place, (18, 45), age_on)
        };
        runners.push(runner);
    }
    // Deliberate near-collisions: every eighth line's first new runner carries the
    // name of an earlier line's runner, a different real person.
    if line % 8 == 3 {
        let earlier = &b.w.lines[(line - 3) as usize];
        if let (Some(&other), Some(&mine)) = (earlier.runners.first(), runners.last())
            && other != mine
        {
            make_namesake(b, mine, other);
        }
    } else if chance(&mut b.rng, 0.03) && b.w.persons.len() > 10 {
        let other = b.rng.random_range(0..b.w.persons.len() as u32 - 1);
        if let Some(&mine) = runners.last()
            && other != mine
            && b.w.persons[other as usize].role != Role::Controller
        {
            make_namesake(b, mine, other);
        }
    }
    // Siblings and twins run for the same line.
    if chance(&mut b.rng, 0.12) {
        let of = runners[0];
        if b.w.persons[of as usize].age_on(cal_start) < 18 {
            let twin = chance(&mut b.rng, 0.4);
            runners.push(new_sibling(b, of, twin, cal_start));
        }
    }

    let n_drivers = weighted(&mut b.rng, &[(0usize, 40), (1, 45), (2, 15)]);
    let drivers: Vec<u32> = (0..n_drivers)
        .map(|_| new_person(b, Role::Driver, export, (19, 40), age_on))
        .collect();
    let n_stash = weighted(&mut b.rng, &[(0usize, 40), (1, 45), (2, 15)]);
    let stash: Vec<u32> = (0..n_stash)
        .map(|_| {
            let place = import_place(b);
            new_person(b, Role::StashHolder, place, (20, 60), age_on)
        })
        .collect();
    let n_occupants = if cuckooing {
        b.rng.random_range(1..=2)
    } else {
        0
    };
    let occupants: Vec<u32> = (0..n_occupants)
        .map(|_| {
            let place = import_place(b);
            new_person(b, Role::CuckooedOccupant, place, (25, 70), age_on)
        })
        .collect();
    let n_associates = b.rng.random_range(0..=3);
    let associates: Vec<u32> = (0..n_associates)
        .map(|_| {
            let place = if chance(&mut b.rng, 0.5) {
                export
            } else {
                import_place(b)
            };
            new_person(b, Role::Associate, place, (17, 40), age_on)
        })
        .collect();

    let line_end = end.unwrap_or(cal_end);
    let first_day = start.max(cal_start - 60);
    let n_customers = b.rng.random_range(10..=24);
    let mut customers = Vec::new();
    for _ in 0..n_customers {
        let place = import_place(b);
        // Customers of another line in the same town sometimes buy here too.
        let shared = chance(&mut b.rng, 0.1).then(|| {
            b.w.lines
                .iter()
                .take(line as usize)
                .rev()
                .take(40)
                .find_map(|other| {
                    other
                        .imports
                        .contains(&place)
                        .then(|| other.customers.first().map(|c| c.0))
                        .flatten()
                })
        });
        let person = match shared.flatten() {
            Some(p) if !customers.iter().any(|(c, _, _)| *c == p) => p,
            _ => new_person(b, Role::Customer, place, (19, 60), age_on),
        };
        let joins = if chance(&mut b.rng, 0.6) {
            first_day
        } else {
            between(&mut b.rng, i64::from(first_day), i64::from(line_end - 1)) as Day
        };
        let leaves = if chance(&mut b.rng, 0.6) {
            line_end
        } else {
            between(
                &mut b.rng,
                i64::from(joins + 14),
                i64::from(line_end.max(joins + 14)),
            ) as Day
        };
        customers.push((person, joins, leaves.min(line_end).max(joins + 1)));
    }
    let l = &mut b.w.lines[line as usize];
    l.holders = holders;
    l.runners = runners;
    l.drivers = drivers;
    l.stash = stash;
    l.occupants = occupants;
    l.associates = associates;
    l.customers = customers;
}

fn holder_age(b: &mut Builder) -> (i32, i32) {
    if chance(&mut b.rng, 0.15) {
        (16, 17)
    } else {
        (18, 30)
    }
}
