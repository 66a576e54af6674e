//! Extra nominal records for benchmarks (`WorldConfig::nominals`).
//!
//! When a run asks for more nominal rows than the world naturally holds, each
//! (force, line) slot carries a number of extra people (runners, customers,
//! associates) who appear in every return of that slot. They are never stored:
//! each is regenerated from the seed and its index whenever it is written (in a
//! return, then in the truth), which keeps memory flat for millions of rows. Each
//! extra is local to one force and one line; the cross-force realism lives in the
//! world's own people.

use crate::addresses::Address;
use crate::calendar::Day;
use crate::identifiers::{extra_mobile, write_phone, write_postcode};
use crate::model::{Gender, Role, Vuln};
use crate::names::{FEMALE, MALE, SURNAMES};
use crate::plan::{Plans, Slot};
use crate::render::grading;
use crate::rng::{WorldRng, chance, pick, rng_for, weighted};
use crate::style::ForceStyle;
use crate::table::Cell;
use crate::world::World;
use rand::RngExt as _;

/// An extra person, regenerated on demand.
pub(crate) struct ExtraPerson {
    /// Truth id.
    pub id: String,
    /// Forename.
    pub forename: &'static str,
    /// Surname.
    pub surname: &'static str,
    /// Date of birth.
    pub dob: Day,
    /// Gender.
    pub gender: Gender,
    /// Role.
    pub role: Role,
    /// Phone (national significant number).
    pub phone: u64,
    /// True factors.
    pub factors: Vec<Vuln>,
    /// Exploited?
    pub exploited: bool,
}

/// Regenerates extra person `j` of slot `slot_index`. The returned generator
/// goes on to draw what only a return needs (address, postcode, grading), so the
/// truth can stop here.
pub(crate) fn person(w: &World, slot_index: usize, slot: &Slot, j: u32) -> (ExtraPerson, WorldRng) {
    let mut rng = rng_for(w.seed, "extra", slot_index as u64, u64::from(j));
    let role = weighted(
        &mut rng,
        &[
            (Role::Runner, 40),
            (Role::Customer, 35),
            (Role::Associate, 25),
        ],
    );
    let gender = if chance(&mut rng, 0.75) {
        Gender::Male
    } else {
        Gender::Female
    };
    let forename = *pick(&mut rng, if gender == Gender::Male { MALE } else { FEMALE });
    let surname = weighted(&mut rng, SURNAMES);
    let age = match role {
        Role::Runner if chance(&mut rng, 0.6) => rng.random_range(13..18),
        _ => rng.random_range(18..55),
    };
    let dob = w.cal.start() - age * 365 - rng.random_range(0..365);
    let mut factors = Vec::new();
    let exploited = role == Role::Runner;
    if exploited {
        for (factor, share) in [
            (Vuln::MissingEpisodes, 0.5),
            (Vuln::DebtBondage, 0.3),
            (Vuln::LookedAfter, 0.2),
            (Vuln::GangAssociation, 0.3),
        ] {
            if chance(&mut rng, share) {
                factors.push(factor);
            }
        }
    } else if role == Role::Customer {
        factors.push(Vuln::SubstanceDependency);
    }
    factors.sort();
    let index = slot.extra_index + u64::from(j);
    let person = ExtraPerson {
        id: format!("X{slot_index:05}-{j:05}"),
        forename,
        surname,
        dob,
        gender,
        role,
        phone: extra_mobile(index),
        factors,
        exploited,
    };
    (person, rng)
}

/// Appends the slot's extra nominal rows (spec column order) and their truth rows.
pub(crate) fn append(
    w: &World,
    style: &ForceStyle,
    slot_index: usize,
    slot: &Slot,
    line_ref: &str,
    rows: &mut Vec<Vec<crate::table::Cell>>,
    truth: &mut Vec<(String, String)>,
) {
    rows.reserve(slot.extras as usize);
    let town = w.geo.town(w.lines[slot.line as usize].imports[0]);
    let role_tokens = |p: &ExtraPerson| {
        p.factors
            .iter()
            .map(|f| f.token())
            .collect::<Vec<_>>()
            .join(";")
    };
    for j in 0..slot.extras {
        let (p, mut rng) = person(w, slot_index, slot, j);
        let address = Address::random(&mut rng, town, 0.4);
        let nominal_ref = style.refs.write(&style.prefix, "N", slot.extra_ref + j);
        rows.push(vec![
            Cell::Text(nominal_ref.clone()),
            Cell::Static(p.surname),
            Cell::Static(p.forename),
            Cell::Empty,
            Cell::Date(p.dob, style.date),
            Cell::Static(p.gender.token()),
            Cell::Empty,
            Cell::Text(address.full()),
            Cell::Text(write_postcode(&mut rng, &address.postcode)),
            Cell::Text(write_phone(p.phone, style.phone)),
            Cell::Static(p.role.token()),
            Cell::text(line_ref),
            Cell::Int(rng.random_range(1..12)),
            Cell::Empty,
            if p.factors.is_empty() {
                Cell::Empty
            } else {
                Cell::Text(role_tokens(&p))
            },
            Cell::Static(grading(&mut rng, false)),
            Cell::Empty,
        ]);
        truth.push((p.id, nominal_ref));
    }
}

/// Spreads `target` nominal rows over the slots as extra records, on top of the
/// rows the plans already hold. Does nothing when the plans already hold enough.
pub(crate) fn allocate(plans: &mut Plans, target: usize) {
    let base = plans.nominal_rows();
    if target <= base {
        return;
    }
    let wanted = (target - base) as f64;
    let mut appearances = vec![0u64; plans.slots.len()];
    for plan in &plans.returns {
        for entry in &plan.lines {
            appearances[entry.slot] += 1;
        }
    }
    let total: u64 = appearances.iter().sum();
    if total == 0 {
        return;
    }
    // Each extra appears in every return of its slot, so a per-slot count of
    // `wanted / total` yields about `wanted` rows.
    let per_slot = wanted / total as f64;
    let used: Vec<usize> = (0..plans.slots.len())
        .filter(|s| appearances[*s] > 0)
        .collect();
    let mut next_ref: Vec<u32> = plans.max_nominal_ref.iter().map(|r| r + 1000).collect();
    let mut next_index = 0u64;
    for (i, &s) in used.iter().enumerate() {
        let k = ((per_slot * (i + 1) as f64).round() - (per_slot * i as f64).round()) as u32;
        let slot = &mut plans.slots[s];
        slot.extras = k;
        slot.extra_ref = next_ref[usize::from(slot.force)];
        slot.extra_index = next_index;
        next_ref[usize::from(slot.force)] += k;
        next_index += u64::from(k);
    }
}
