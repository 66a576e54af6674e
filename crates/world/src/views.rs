//! How one force records one real person: the spelling of the name, the form of
//! the date of birth, which address, which identifiers.
//!
//! A view is drawn from the seed, the force and the person, so a force records a
//! person the same way every month while another force records them differently:
//! misspelt, by nickname, with forename and surname swapped, under a street alias
//! taken for a forename, with only a year of birth or with day and month
//! transposed, with or without the PNC id. Controllers are often recorded only by
//! alias or by phone number. The facts behind a view come from the world; this
//! module only chooses how they appear.

use crate::addresses::AddressStyle;
use crate::calendar::{Day, day_from_ymd, ymd};
use crate::identifiers::write_postcode;
use crate::model::{Gender, Person, Role};
use crate::names::{misspell, nicknames, strip_diacritics};
use crate::rng::{WorldRng, chance, pick, rng_for, weighted};
use crate::world::World;
use rand::RngExt as _;

/// A date of birth as recorded.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Dob {
    /// A full date (possibly wrong: transposed or mistyped).
    Full(Day),
    /// `YYYY-MM`.
    YearMonth(i32, u32),
    /// `YYYY`.
    Year(i32),
    /// Not recorded.
    Unknown,
}

/// A person as one force records them.
#[derive(Clone, Debug)]
pub(crate) struct PersonView {
    /// `surname`.
    pub surname: String,
    /// `forenames`.
    pub forenames: String,
    /// `aliases`.
    pub aliases: Vec<String>,
    /// `dob`.
    pub dob: Dob,
    /// `gender`.
    pub gender: Option<Gender>,
    /// `pnc_id`.
    pub pnc: Option<String>,
    /// `address`.
    pub address: Option<String>,
    /// `postcode`.
    pub postcode: Option<String>,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum NameMode {
    Exact,
    UpperSurname,
    AllUpper,
    TypoSurname,
    TypoForename,
    Nickname,
    Swapped,
    AliasAsForename,
    AliasOnly,
    PhoneOnly,
    WithMiddle,
    Initial,
}

fn name_mode(rng: &mut WorldRng, p: &Person, record: u8, has_phones: bool) -> NameMode {
    use NameMode::*;
    let has_alias = !p.aliases.is_empty();
    if record == 1 {
        // A duplicate record is the one made under a street name.
        return if has_alias && chance(rng, 0.6) {
            AliasOnly
        } else if has_alias {
            AliasAsForename
        } else {
            TypoSurname
        };
    }
    let mode = if p.role == Role::Controller {
        weighted(
            rng,
            &[
                (AliasOnly, 35),
                (PhoneOnly, 20),
                (Exact, 25),
                (AliasAsForename, 10),
                (TypoSurname, 10),
            ],
        )
    } else {
        weighted(
            rng,
            &[
                (Exact, 40),
                (UpperSurname, 8),
                (AllUpper, 5),
                (TypoSurname, 10),
                (TypoForename, 8),
                (Nickname, 8),
                (Swapped, 6),
                (AliasAsForename, 4),
                (WithMiddle, 7),
                (Initial, 4),
            ],
        )
    };
    match mode {
        PhoneOnly if !has_phones => AliasOnly,
        AliasOnly | AliasAsForename if !has_alias => TypoSurname,
        Nickname if nicknames(&p.forename).is_empty() => TypoForename,
        WithMiddle if p.middle.is_none() => Exact,
        other => other,
    }
}

/// How `force` records `person` (`record` 1 is a duplicate record). `has_phones`
/// says whether the record lists a phone, which a phone-only record needs.
pub(crate) fn person_view(
    w: &World,
    force: u16,
    person: u32,
    record: u8,
    has_phones: bool,
) -> PersonView {
    let p = &w.persons[person as usize];
    let mut rng = rng_for(
        w.seed,
        "pview",
        u64::from(force),
        u64::from(person) * 2 + u64::from(record),
    );
    let mode = name_mode(&mut rng, p, record, has_phones);
    let alias = p.aliases.first().cloned().unwrap_or_default();
    let forename = p.forename.clone();
    let (surname, forenames) = match mode {
        NameMode::Exact => (p.surname.clone(), forename),
        NameMode::UpperSurname => (p.surname.to_uppercase(), forename),
        NameMode::AllUpper => (p.surname.to_uppercase(), forename.to_uppercase()),
        NameMode::TypoSurname => (misspell(&mut rng, &p.surname), forename),
        NameMode::TypoForename => (p.surname.clone(), misspell(&mut rng, &forename)),
        NameMode::Nickname => (
            p.surname.clone(),
            (*pick(&mut rng, nicknames(&forename))).to_string(),
        ),
        NameMode::Swapped => (forename, p.surname.clone()),
        NameMode::AliasAsForename => (
            if chance(&mut rng, 0.5) {
                p.surname.clone()
            } else {
                String::new()
            },
            alias.clone(),
        ),
        NameMode::AliasOnly | NameMode::PhoneOnly => (String::new(), String::new()),
        NameMode::WithMiddle => (
            p.surname.clone(),
            format!("{forename} {}", p.middle.clone().unwrap_or_default()),
        ),
        NameMode::Initial => (
            p.surname.clone(),
            forename
                .chars()
                .next()
                .map(String::from)
                .unwrap_or_default(),
        ),
    };
    let mut aliases = Vec::new();
    match mode {
        NameMode::PhoneOnly => {}
        NameMode::AliasOnly => aliases.push(alias.clone()),
        _ => {
            if !p.aliases.is_empty() && chance(&mut rng, 0.6) {
                aliases.extend(p.aliases.iter().cloned());
            }
            if mode != NameMode::Nickname
                && !nicknames(&p.forename).is_empty()
                && chance(&mut rng, 0.15)
            {
                aliases.push((*pick(&mut rng, nicknames(&p.forename))).to_string());
            }
            if strip_diacritics(&p.surname) != p.surname && chance(&mut rng, 0.2) {
                aliases.push(format!("{} {}", p.forename, strip_diacritics(&p.surname)));
            }
        }
    }
    let anonymous = matches!(mode, NameMode::AliasOnly | NameMode::PhoneOnly);
    let dob = if anonymous && chance(&mut rng, 0.8) {
        Dob::Unknown
    } else {
        dob_view(&mut rng, p.dob, p.role)
    };
    let gender =
        (!matches!(mode, NameMode::PhoneOnly) && chance(&mut rng, 0.92)).then_some(p.gender);
    let pnc_share = if p.role == Role::Controller {
        0.4
    } else {
        0.55
    };
    let pnc = p
        .pnc
        .clone()
        .filter(|_| !anonymous && chance(&mut rng, pnc_share));
    let (address, postcode) = if anonymous {
        (None, None)
    } else {
        address_view(&mut rng, p, force)
    };
    PersonView {
        surname,
        forenames,
        aliases,
        dob,
        gender,
        pnc,
        address,
        postcode,
    }
}

fn dob_view(rng: &mut WorldRng, dob: Day, role: Role) -> Dob {
    let (y, m, d) = ymd(dob);
    let unknown = if role == Role::Customer { 25 } else { 10 };
    match weighted(
        rng,
        &[
            (0u8, 64),
            (1, 6),
            (2, 7),
            (3, unknown),
            (4, 6),
            (5, 2),
            (6, 3),
        ],
    ) {
        0 => Dob::Full(dob),
        1 => Dob::YearMonth(y, m),
        2 => Dob::Year(y),
        3 => Dob::Unknown,
        // Day and month transposed, where that still makes a date.
        4 if d <= 12 && d != m => Dob::Full(day_from_ymd(y, d, m)),
        4 => Dob::Full(dob),
        // Year mistyped.
        5 => Dob::Full(day_from_ymd(
            y + if chance(rng, 0.5) { 1 } else { -1 },
            m,
            d.min(28),
        )),
        // Day mistyped.
        _ => Dob::Full(day_from_ymd(y, m, if d < 28 { d + 1 } else { d - 1 })),
    }
}

fn address_view(rng: &mut WorldRng, p: &Person, force: u16) -> (Option<String>, Option<String>) {
    let Some(home) = &p.home else {
        // No fixed abode.
        return match rng.random_range(0..3) {
            0 => (Some("NFA".into()), None),
            1 => (Some("No fixed abode".into()), None),
            _ => (None, None),
        };
    };
    let known_share = if p.place.force == force { 0.9 } else { 0.5 };
    if !chance(rng, known_share) {
        return (None, None);
    }
    let address = home.write(AddressStyle::random(rng));
    let postcode = chance(rng, 0.8).then(|| write_postcode(rng, &home.postcode));
    (Some(address), postcode)
}

/// How a force writes a line's brand (stable per force and line).
pub(crate) fn line_name(w: &World, force: u16, line: u32) -> String {
    let mut rng = rng_for(w.seed, "brand", u64::from(force), u64::from(line));
    crate::names::brand_variant(&mut rng, &w.lines[line as usize].brand)
}
