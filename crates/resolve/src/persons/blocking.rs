//! The person blocking rules: which profiles are compared. A pair is a candidate when it
//! shares a key under any rule:
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
//! The training sessions block on narrower single rules (`training_key`).

use chrono::Datelike;
use model::PartialDate;

use crate::blocking::{broad, key};
use crate::persons::features::PersonFeatures;

/// The block keys of a profile.
pub fn keys(p: &PersonFeatures) -> Vec<u64> {
    let mut out = Vec::with_capacity(12);
    each_key(p, |_, k| out.push(k));
    out.sort_unstable();
    out.dedup();
    out
}

/// The block keys of a profile with the number of the rule giving each (for measuring what
/// each rule costs and finds).
pub fn rule_keys(p: &PersonFeatures) -> Vec<(u8, u64)> {
    let mut out = Vec::with_capacity(12);
    each_key(p, |rule, k| out.push((rule, k)));
    out.sort_unstable();
    out.dedup();
    out
}

/// The broad rules (see [`crate::blocking::BROAD`]).
const BROAD_RULES: [u8; 9] = [1, 2, 7, 8, 11, 13, 16, 19, 20];

fn each_key(p: &PersonFeatures, mut emit: impl FnMut(u8, u64)) {
    let mut push = |rule: u8, k: u64| {
        emit(
            rule,
            if BROAD_RULES.contains(&rule) {
                broad(k)
            } else {
                k
            },
        );
    };
    let surname_code = p.surname_code[0];
    let forename_code = p.forename_code[0];
    if let Some(dob) = p.dob {
        if let (true, Some(initial)) = (surname_code != 0, p.first_forename().bytes().next()) {
            push(1, key(1, &[&surname_code, &dob.year(), &initial]));
        }
        if let (Some(month), true) = (dob.month(), forename_code != 0) {
            push(2, key(2, &[&forename_code, &dob.year(), &month]));
        }
        if let PartialDate::Full(date) = dob {
            push(8, key(8, &[&date.num_days_from_ce()]));
        }
    }
    if let Some(pnc) = &p.pnc {
        push(3, key(3, &[&&**pnc]));
    }
    for phone in p.phones.iter() {
        push(4, key(4, &[phone]));
    }
    if let (Some(postcode), Some(initial)) = (&p.postcode, p.surname.bytes().next()) {
        push(5, key(5, &[&&**postcode, &initial]));
    }
    for alias in p.aliases.iter() {
        push(6, key(6, &[&&**alias]));
        if surname_code != 0 {
            push(16, key(16, &[&&**alias, &surname_code]));
        }
    }
    if surname_code != 0 && !p.first_forename().is_empty() {
        push(16, key(16, &[&p.first_forename(), &surname_code]));
    }
    if surname_code != 0 && forename_code != 0 {
        let (lo, hi) = if surname_code <= forename_code {
            (surname_code, forename_code)
        } else {
            (forename_code, surname_code)
        };
        push(7, key(7, &[&lo, &hi]));
    }
    for id in p.other_ids.iter() {
        push(14, key(14, &[&&**id]));
    }
    if let Some(line) = p.address.as_ref().filter(|l| !l.numbers.is_empty()) {
        push(17, key(17, &[&line.text]));
    }
    if p.postcode.is_none() && !p.surname.is_empty() {
        for word in p.locality.iter() {
            push(18, key(18, &[&&*p.surname, &&**word]));
        }
    }
    push(9, key(9, &[&p.force, &&*p.reference]));
    if let Some(postcode) = &p.postcode {
        push(10, key(10, &[&&**postcode]));
    }
    // A brand is written where the deal number is not known: brand + surname sound, or +
    // year of birth, ties a person to a line by name in another force's return.
    for brand in p.line_brands.iter() {
        if surname_code != 0 {
            push(19, key(19, &[&&**brand, &surname_code]));
        }
        if let Some(dob) = p.dob {
            push(20, key(20, &[&&**brand, &dob.year()]));
        }
    }
    for number in p.line_numbers.iter() {
        if surname_code != 0 {
            push(11, key(11, &[number, &surname_code]));
        }
        for alias in p.aliases.iter() {
            push(12, key(12, &[number, &&**alias]));
        }
        if let Some(dob) = p.dob {
            push(13, key(13, &[number, &dob.year()]));
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
            Some(PartialDate::Full(date)) => Some(key(101, &[&date.num_days_from_ce()])),
            _ => None,
        },
        TrainingRule::Names => (p.surname_code[0] != 0 && p.forename_code[0] != 0)
            .then(|| key(102, &[&p.surname_code[0], &p.forename_code[0]])),
    }
}
