//! Real people: who they are (name, birth, record, home) and how vulnerable they
//! really are.
//!
//! People are made here on demand by the line builder, with the role they play.
//! The realism that later analyses must cope with starts here: common names are
//! common, some different people deliberately share a name (namesakes), siblings
//! and twins share a surname and a home, children are exploited as runners and
//! carry the vulnerability factors that go with it. Phones are given out later by
//! `phones.rs`; how forces misrecord people is `views.rs`.

use crate::addresses::Address;
use crate::calendar::Day;
use crate::geography::Place;
use crate::identifiers::pnc_id;
use crate::model::{Gender, Person, Role, Vuln};
use crate::names::{FEMALE, MALE, STREET_ALIASES, SURNAMES, UNISEX};
use crate::rng::{WorldRng, between, chance, pick, weighted};
use crate::world::Builder;
use rand::RngExt as _;

/// A forename, skewed towards the front (most common) of a pool.
fn forename(rng: &mut WorldRng, gender: Gender) -> String {
    let pool = match gender {
        Gender::Male => MALE,
        Gender::Female => FEMALE,
        Gender::Other => UNISEX,
    };
    let u: f64 = rng.random();
    pool[((u * u) * pool.len() as f64) as usize].to_string()
}

fn surname(rng: &mut WorldRng) -> String {
    weighted(rng, SURNAMES).to_string()
}

/// The chance a person in a role is male, out of 100 (the rest female, with a
/// small share recorded as other).
fn male_share(role: Role) -> u32 {
    match role {
        Role::Controller => 95,
        Role::LineHolder | Role::Driver => 90,
        Role::Runner => 84,
        Role::CuckooedOccupant | Role::StashHolder => 60,
        Role::Customer => 65,
        Role::Associate | Role::Unknown => 70,
    }
}

/// Makes a new person living at `place`, aged between `age.0` and `age.1` on
/// `age_on`, and returns their index.
pub(crate) fn new_person(
    b: &mut Builder,
    role: Role,
    place: Place,
    age: (i32, i32),
    age_on: Day,
) -> u32 {
    let rng = &mut b.rng;
    let male = male_share(role);
    let gender = weighted(
        rng,
        &[
            (Gender::Male, male * 10),
            (Gender::Female, (100 - male) * 10 - 8),
            (Gender::Other, 8),
        ],
    );
    let years = between(rng, i64::from(age.0), i64::from(age.1)) as i32;
    let dob = age_on - years * 365 - years / 4 - rng.random_range(0..365);
    let mut person = Person {
        forename: forename(rng, gender),
        middle: chance(rng, 0.3).then(|| {
            forename(
                rng,
                if gender == Gender::Female {
                    Gender::Female
                } else {
                    Gender::Male
                },
            )
        }),
        surname: surname(rng),
        aliases: Vec::new(),
        dob,
        gender,
        pnc: None,
        home: None,
        place,
        role,
        lines: Vec::new(),
        factors: Vec::new(),
        prior_missing: 0,
        prior_exclusions: 0,
        missing_days: Vec::new(),
        exclusion_days: Vec::new(),
        nrm_day: None,
        moved_day: None,
        exploited: false,
        phones: Vec::new(),
    };
    if person.middle.as_deref() == Some(person.forename.as_str()) {
        person.middle = None;
    }
    let alias_share = match role {
        Role::Controller => 1.0,
        Role::LineHolder => 0.8,
        Role::Runner => 0.45,
        Role::Associate => 0.3,
        Role::Driver => 0.15,
        _ => 0.03,
    };
    if chance(rng, alias_share) {
        person
            .aliases
            .push((*pick(rng, STREET_ALIASES)).to_string());
        if role == Role::Controller && chance(rng, 0.4) {
            let second = (*pick(rng, STREET_ALIASES)).to_string();
            if !person.aliases.contains(&second) {
                person.aliases.push(second);
            }
        }
    }
    let age_now = person.age_on(age_on);
    assign_factors(rng, &mut person, age_now);
    let record_share = match role {
        Role::LineHolder => 0.8,
        Role::Controller => 0.6,
        Role::Runner | Role::Associate => 0.5,
        Role::Customer | Role::Driver => 0.4,
        _ => 0.3,
    };
    if chance(rng, record_share) {
        let (birth_year, _, _) = crate::calendar::ymd(dob);
        let first = (birth_year + 12).max(2000);
        let year = between(rng, i64::from(first), 2026.max(i64::from(first))) as i32;
        person.pnc = Some(pnc_id(rng, year));
    }
    let town = b.w.geo.town(place);
    if !person.has(Vuln::Homeless) {
        person.home = Some(Address::random(&mut b.rng, town, 0.45));
    }
    b.w.persons.push(person);
    (b.w.persons.len() - 1) as u32
}

/// Makes a sibling (a twin when `twin`) of an existing person: same surname,
/// same home, a different forename.
pub(crate) fn new_sibling(b: &mut Builder, of: u32, twin: bool, age_on: Day) -> u32 {
    let original = b.w.persons[of as usize].clone();
    let index = new_person(b, original.role, original.place, (13, 17), age_on);
    let rng = &mut b.rng;
    let sibling = &mut b.w.persons[index as usize];
    sibling.surname = original.surname.clone();
    sibling.home = original.home.clone();
    sibling.dob = if twin {
        original.dob
    } else {
        original.dob + if chance(rng, 0.5) { 1 } else { -1 } * rng.random_range(300..1100)
    };
    if chance(rng, 0.8) {
        sibling.gender = original.gender;
    }
    for _ in 0..10 {
        if sibling.forename != original.forename {
            break;
        }
        sibling.forename = forename(rng, sibling.gender);
    }
    if sibling.forename == original.forename {
        sibling.forename = format!("{}-Lee", original.forename);
    }
    // Siblings share their upbringing.
    for factor in [Vuln::LookedAfter, Vuln::AdverseChildhoodExperiences] {
        if original.has(factor) {
            sibling.add(factor);
        }
    }
    index
}

/// Gives `person` the name of another (a namesake: a different real person).
pub(crate) fn make_namesake(b: &mut Builder, person: u32, of: u32) {
    let (forename, surname, gender) = {
        let o = &b.w.persons[of as usize];
        (o.forename.clone(), o.surname.clone(), o.gender)
    };
    let p = &mut b.w.persons[person as usize];
    p.forename = forename;
    p.surname = surname;
    p.gender = gender;
}

/// Draws the true vulnerability factors for a person of a role and age, and
/// whether they are being exploited.
fn assign_factors(rng: &mut WorldRng, p: &mut Person, age: i32) {
    let child = age < 18;
    fn maybe(rng: &mut WorldRng, p: &mut Person, factor: Vuln, share: f64) {
        if chance(rng, share) {
            p.add(factor);
        }
    }
    match p.role {
        Role::Runner if child => {
            p.exploited = true;
            maybe(rng, p, Vuln::LookedAfter, 0.3);
            maybe(rng, p, Vuln::ExcludedLong, 0.3);
            maybe(rng, p, Vuln::MentalHealth, 0.2);
            maybe(rng, p, Vuln::LearningDisability, 0.1);
            maybe(rng, p, Vuln::SubstanceDependency, 0.2);
            maybe(rng, p, Vuln::DebtBondage, 0.25);
            maybe(rng, p, Vuln::AdverseChildhoodExperiences, 0.45);
            maybe(rng, p, Vuln::VictimOfViolence, 0.25);
            maybe(rng, p, Vuln::CarryingWeapon, 0.2);
            maybe(rng, p, Vuln::GangAssociation, 0.4);
            maybe(rng, p, Vuln::PreviousExploitation, 0.2);
            maybe(rng, p, Vuln::PhysicalDisability, 0.02);
            if p.gender == Gender::Female {
                maybe(rng, p, Vuln::SexWork, 0.1);
            }
            maybe(rng, p, Vuln::Homeless, 0.02);
            if p.has(Vuln::LookedAfter) {
                maybe(rng, p, Vuln::MovedByLocalAuthority, 0.35);
            }
        }
        Role::Runner => {
            p.exploited = true;
            maybe(rng, p, Vuln::SubstanceDependency, 0.7);
            maybe(rng, p, Vuln::Homeless, 0.3);
            maybe(rng, p, Vuln::MentalHealth, 0.4);
            maybe(rng, p, Vuln::LearningDisability, 0.15);
            maybe(rng, p, Vuln::DebtBondage, 0.4);
            maybe(rng, p, Vuln::CareLeaver, 0.2);
            maybe(rng, p, Vuln::VictimOfViolence, 0.2);
            maybe(rng, p, Vuln::PreviousExploitation, 0.15);
            maybe(rng, p, Vuln::AdverseChildhoodExperiences, 0.2);
        }
        Role::LineHolder => {
            p.exploited = child || chance(rng, 0.15);
            maybe(rng, p, Vuln::GangAssociation, 0.7);
            maybe(rng, p, Vuln::CarryingWeapon, 0.3);
            maybe(rng, p, Vuln::VictimOfViolence, 0.15);
            if child {
                maybe(rng, p, Vuln::LookedAfter, 0.2);
                maybe(rng, p, Vuln::ExcludedLong, 0.3);
            } else {
                maybe(rng, p, Vuln::CareLeaver, 0.1);
            }
        }
        Role::CuckooedOccupant => {
            p.exploited = true;
            p.add(Vuln::Cuckooed);
            maybe(rng, p, Vuln::SubstanceDependency, 0.7);
            maybe(rng, p, Vuln::MentalHealth, 0.4);
            maybe(rng, p, Vuln::LearningDisability, 0.25);
            maybe(rng, p, Vuln::PhysicalDisability, 0.15);
            maybe(rng, p, Vuln::SexWork, 0.1);
            maybe(rng, p, Vuln::DebtBondage, 0.3);
            maybe(rng, p, Vuln::VictimOfViolence, 0.3);
        }
        Role::StashHolder => {
            if chance(rng, 0.4) {
                p.exploited = true;
                p.add(Vuln::DebtBondage);
                maybe(rng, p, Vuln::SubstanceDependency, 0.6);
                maybe(rng, p, Vuln::MentalHealth, 0.3);
            }
        }
        Role::Customer => {
            maybe(rng, p, Vuln::SubstanceDependency, 0.9);
            maybe(rng, p, Vuln::Homeless, 0.2);
            maybe(rng, p, Vuln::MentalHealth, 0.2);
            if chance(rng, 0.08) {
                p.exploited = true;
                p.add(Vuln::DebtBondage);
                maybe(rng, p, Vuln::SexWork, 0.4);
            }
        }
        Role::Driver => {
            maybe(rng, p, Vuln::GangAssociation, 0.3);
        }
        Role::Controller => {
            maybe(rng, p, Vuln::GangAssociation, 0.3);
        }
        Role::Associate | Role::Unknown => {
            maybe(rng, p, Vuln::GangAssociation, 0.5);
            maybe(rng, p, Vuln::CarryingWeapon, 0.1);
        }
    }
    if child {
        p.prior_missing = if chance(rng, 0.75) {
            rng.random_range(1..=8)
        } else {
            0
        };
        if chance(rng, 0.5) {
            p.prior_exclusions = rng.random_range(1..=4);
        }
    } else if p.role == Role::Runner && chance(rng, 0.2) {
        p.prior_missing = rng.random_range(1..=3);
    }
    if p.prior_missing > 0 {
        p.add(Vuln::MissingEpisodes);
    }
    if p.prior_exclusions > 0 {
        p.add(Vuln::SchoolExclusions);
    }
    if p.exploited && chance(rng, 0.15) {
        p.add(Vuln::NrmReferral);
    }
}
