//! Free-text notes, the way analysts write them: commas, quotes, arrows, accented
//! names and the odd line break, so every writer and reader is tested on them.
//!
//! Notes carry colour, never facts an analysis should rely on; nothing here is
//! in the truth.

use crate::model::EventKind;
use crate::rng::{WorldRng, chance, pick};

const RELATIVES: &[&str] = &[
    "Mother (Siân)",
    "Aunt Zoë",
    "Grandmother, Mrs O'Neill",
    "Foster carer Chloé",
    "Father",
    "Older sister Sinéad",
];

/// A note for a nominal record, sometimes none.
pub(crate) fn nominal(rng: &mut WorldRng, alias: Option<&str>, town: &str) -> Option<String> {
    if !chance(rng, 0.35) {
        return None;
    }
    let alias = alias.unwrap_or("unknown male");
    Some(match rng_index(rng, 9) {
        0 => format!("Seen with \"{alias}\" at the station, carrying a black rucksack"),
        1 => format!(
            "{} reports he's been going \"OT\" to {town} for days at a time",
            pick(rng, RELATIVES)
        ),
        2 => format!("Travelled Euston → {town}; paid cash for ticket, no ID"),
        3 => "Multiple handsets seen; won't explain whereabouts".to_string(),
        4 => format!("Believed to stay at an address in {town}, possibly cuckooed"),
        5 => format!("Intel: owes a debt to \"{alias}\", working it off"),
        6 => "Refused to engage; safeguarding concerns raised, again".to_string(),
        7 => format!("Named in CHIS reporting as {alias}'s runner.\nGrading per source handler."),
        _ => format!("Café owner in {town} reports youths using flat above, late at night"),
    })
}

/// A note for a line record, sometimes none.
pub(crate) fn line(rng: &mut WorldRng, brand: &str, town: &str) -> Option<String> {
    if !chance(rng, 0.45) {
        return None;
    }
    Some(match rng_index(rng, 8) {
        0 => format!("Flare texts advertising \"{brand}\" received by known users in {town}"),
        1 => "Line believed to operate 7 days, 10am–2am, deliveries by runners on foot".to_string(),
        2 => format!(
            "Intel suggests the line moved to a new number after the last DDTRO, brand still \"{brand}\""
        ),
        3 => format!(
            "Cuckooing of vulnerable adults in {town}; partners informed, adult social care engaged"
        ),
        4 => "Shares customers with another line; possible merger or takeover".to_string(),
        5 => format!("Op Orochi liaison: runners travel by train, returns via {town}"),
        6 => "Violence: threats made to a user over a £40 debt".to_string(),
        _ => format!("Reported by Siân Hughes (PCSO), \"{brand}\" tags on bus shelter"),
    })
}

/// A note for an incident, sometimes none.
pub(crate) fn incident(rng: &mut WorldRng, kind: EventKind, town: &str) -> Option<String> {
    if !chance(rng, 0.5) {
        return None;
    }
    Some(match kind {
        EventKind::MissingEpisode => format!(
            "{} reported missing; believed travelled to {town}",
            pick(rng, RELATIVES)
        ),
        EventKind::FoundMissing => {
            format!("Found in {town}, with £340 cash and 2 phones; \"didn't know\" whose flat")
        }
        EventKind::ReturnHomeInterview => {
            "RHI by children's services; disclosed being \"sent country\"".to_string()
        }
        EventKind::StopSearch => "S.23 MDA search, NFA; intelligence submitted".to_string(),
        EventKind::Arrest => format!("Arrested in {town}; handset seized, PIN refused"),
        EventKind::DrugSeizure => {
            "Wraps of crack and heroin, packaged for street supply".to_string()
        }
        EventKind::CashSeizure => "Cash in mixed notes, POCA s.294 seizure".to_string(),
        EventKind::WeaponSeizure => "Zombie knife recovered from bag".to_string(),
        EventKind::DdtroApplication => {
            "Application to magistrates, notice to network provider".to_string()
        }
        EventKind::DdtroGranted => {
            "Order covers the deal number and any replacement handset".to_string()
        }
        EventKind::ClosureOrder => {
            format!("Premises in {town} closed; occupant rehoused with support")
        }
        EventKind::Warrant => {
            "S.23 warrant executed at 06:00; two occupants, one vulnerable adult".to_string()
        }
        EventKind::SafeguardingReferral => {
            "Referral to MASH; strategy meeting requested".to_string()
        }
        EventKind::LaPlacementMove => {
            format!("Moved by the local authority to a placement near {town}")
        }
        _ => format!("See RMS entry, {town} (Siân/Zoë on the case)"),
    })
}

fn rng_index(rng: &mut WorldRng, n: usize) -> usize {
    use rand::RngExt as _;
    rng.random_range(0..n)
}
