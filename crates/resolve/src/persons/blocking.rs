//! The person blocking rules: which profiles are compared. A pair is a candidate when it
//! shares a key under any rule (the list's numbers are not the rule numbers the code uses):
//!
//! 1. surname sound + year of birth + forename initial;
//! 2. forename sound (nicknames mapped to the formal name) + year and month of birth;
//! 3. PNC id;
//! 4. each phone number;
//! 5. postcode + surname initial;
//! 6. each street name; and a street name or first forename + surname sound (an alias in one
//!    return is a forename in another);
//! 7. the unordered pair of surname and forename sounds (catches swapped names, and names
//!    without a date of birth);
//! 8. full date of birth (catches misspelt names);
//! 9. same force and reference (the force's record in another month);
//! 10. postcode;
//! 11. a deal number of a linked line + surname sound, + a street name, or + year of birth
//!     (people known to several forces through the line they work);
//! 12. each identifier of an unnamed scheme (`other_ids`);
//! 13. the first line of the address, when it holds a number (people at one address);
//! 14. when there is no postcode, surname + each word of the rest of the address (district,
//!     town, a foreign postcode), which stand in for it;
//! 15. a linked line's brand + surname sound, or + year of birth (a force that names the line
//!     but not its number).
//!
//! Rules 1, 2, 8, the second part of 6, and those of 11 and 15 on a surname sound or a year
//! of birth are *refined* (see [`crate::blocking`]): where their block has grown past
//! `Settings::refine_block_size` profiles, it gives way to a narrower one, adding the month of
//! birth (1), the surname's initial (2), the initials of surname and forename as a pair in
//! either order (8), the year of birth (6), the forename's initial or sound (11 and 15 with a
//! surname sound), or the forename's sound (11 and 15 with a year of birth). A national
//! population shares a date of birth by the dozen, and a deal line may be linked to hundreds
//! of customers; a small force's return, or a line with a handful of people, keeps the whole
//! block. The narrowing was chosen with `cargo bench -p resolve --bench quality -- --rules`
//! on a world of a million records, keeping the quality bench's figures on three seeds.
//!
//! The training sessions block on narrower single rules (`training_key`).

use chrono::Datelike;
use model::PartialDate;

use crate::blocking::{broad, key, refinable, refined};
use crate::persons::features::PersonFeatures;

/// The block keys of a profile: `(key, 0)`, or `(broad, narrow)` for the refined rules (see
/// [`crate::blocking`]).
pub fn keys(p: &PersonFeatures) -> Vec<(u64, u64)> {
    let mut out = Vec::with_capacity(16);
    keys_into(p, &mut out);
    out
}

/// [`keys`] into `out` (cleared first).
pub fn keys_into(p: &PersonFeatures, out: &mut Vec<(u64, u64)>) {
    out.clear();
    each_key(p, |_, k, narrow| out.push((k, narrow)));
    out.sort_unstable();
    out.dedup();
}

/// The block keys of a profile with the number of the rule giving each (for measuring what
/// each rule costs and finds).
pub fn rule_keys(p: &PersonFeatures) -> Vec<(u8, u64, u64)> {
    let mut out = Vec::with_capacity(16);
    each_key(p, |rule, k, narrow| out.push((rule, k, narrow)));
    out.sort_unstable();
    out.dedup();
    out
}

/// The broad rules (see [`crate::blocking::BROAD`]).
const BROAD_RULES: [u8; 9] = [1, 2, 7, 8, 11, 13, 16, 19, 20];

fn each_key(p: &PersonFeatures, mut emit: impl FnMut(u8, u64, u64)) {
    // A key, or (with a narrow key) a refined rule's broad key and the narrow key standing in
    // for it when its block is large.
    let mut push = |rule: u8, k: u64, narrow: u64| {
        if narrow != 0 {
            emit(rule, refinable(k), broad(narrow));
        } else if BROAD_RULES.contains(&rule) {
            emit(rule, broad(k), 0);
        } else {
            emit(rule, k, 0);
        }
    };
    let surname_code = p.surname_code[0];
    let forename_code = p.forename_code[0];
    let surname_initial = p.surname.bytes().next().unwrap_or(0);
    let forename_initial = p.first_forename().bytes().next().unwrap_or(0);
    let year = p.dob.map_or(0, |d| d.year());
    if let Some(dob) = p.dob {
        if let (true, Some(initial)) = (surname_code != 0, p.first_forename().bytes().next()) {
            let (k, narrow) = refined(1, (surname_code, dob.year(), initial), dob.month());
            push(1, k, narrow);
        }
        if let (Some(month), true) = (dob.month(), forename_code != 0) {
            let (k, narrow) = refined(2, (forename_code, dob.year(), month), surname_initial);
            push(2, k, narrow);
        }
        if let PartialDate::Full(date) = dob {
            let day = date.num_days_from_ce();
            // Both initials, in either order (names swapped between records keep them).
            let (s, f) = (surname_initial, forename_initial);
            let (k, narrow) = refined(8, day, (s.min(f), s.max(f)));
            push(8, k, narrow);
        }
    }
    if let Some(pnc) = &p.pnc {
        push(3, key(3, &**pnc), 0);
    }
    for phone in p.phones.iter() {
        push(4, key(4, phone), 0);
    }
    if let (Some(postcode), Some(initial)) = (&p.postcode, p.surname.bytes().next()) {
        push(5, key(5, (&**postcode, initial)), 0);
    }
    for alias in p.aliases.iter() {
        push(6, key(6, &**alias), 0);
        if surname_code != 0 {
            let (k, narrow) = refined(16, (&**alias, surname_code), year);
            push(16, k, narrow);
        }
    }
    if surname_code != 0 && !p.first_forename().is_empty() {
        let (k, narrow) = refined(16, (p.first_forename(), surname_code), year);
        push(16, k, narrow);
    }
    if surname_code != 0 && forename_code != 0 {
        let (lo, hi) = if surname_code <= forename_code {
            (surname_code, forename_code)
        } else {
            (forename_code, surname_code)
        };
        push(7, key(7, (lo, hi)), 0);
    }
    for id in p.other_ids.iter() {
        push(14, key(14, &**id), 0);
    }
    if let Some(line) = p.address.as_ref().filter(|l| !l.numbers.is_empty()) {
        push(17, key(17, &line.text), 0);
    }
    if p.postcode.is_none() && !p.surname.is_empty() {
        for word in p.locality.iter() {
            push(18, key(18, (&*p.surname, &**word)), 0);
        }
    }
    push(9, key(9, (p.force, &*p.reference)), 0);
    if let Some(postcode) = &p.postcode {
        push(10, key(10, &**postcode), 0);
    }
    // A brand is written where the deal number is not known: brand + surname sound, or +
    // year of birth, ties a person to a line by name in another force's return. A line may be
    // linked to hundreds of people (its customers): where its block is large, its rules are
    // narrowed by the forename, as its initial or its sound (a nickname keeps the formal
    // name's sound; a misspelling rarely changes both). Tagged, so the two never collide.
    let forename_sound = (2u8, forename_code);
    let given = [(1u8, u32::from(forename_initial)), forename_sound];
    for brand in p.line_brands.iter() {
        if surname_code != 0 {
            for g in given {
                let (k, narrow) = refined(19, (&**brand, surname_code), g);
                push(19, k, narrow);
            }
        }
        if let Some(dob) = p.dob {
            let (k, narrow) = refined(20, (&**brand, dob.year()), forename_sound);
            push(20, k, narrow);
        }
    }
    for number in p.line_numbers.iter() {
        if surname_code != 0 {
            for g in given {
                let (k, narrow) = refined(11, (number, surname_code), g);
                push(11, k, narrow);
            }
        }
        for alias in p.aliases.iter() {
            push(12, key(12, (number, &**alias)), 0);
        }
        if let Some(dob) = p.dob {
            let (k, narrow) = refined(13, (number, dob.year()), forename_sound);
            push(13, k, narrow);
        }
    }
}

/// The rules of the training sessions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TrainingRule {
    /// Same full date of birth: estimates every comparison but `dob`.
    Dob,
    /// Same surname and forename sounds: estimates every comparison but the names.
    Names,
}

/// The profile's key under a training rule, if the rule applies.
pub fn training_key(p: &PersonFeatures, rule: TrainingRule) -> Option<u64> {
    match rule {
        TrainingRule::Dob => match p.dob {
            Some(PartialDate::Full(date)) => Some(key(101, date.num_days_from_ce())),
            _ => None,
        },
        TrainingRule::Names => (p.surname_code[0] != 0 && p.forename_code[0] != 0)
            .then(|| key(102, (p.surname_code[0], p.forename_code[0]))),
    }
}
