//! What happens to lines and their people: missing episodes, arrests and what
//! follows them, NRM decisions, orders, warrants.
//!
//! Incidents are made month by month for each line while it trades, plus the ones
//! tied to deal-number replacements (a DDTRO granted on the day a number is cut
//! off; an arrest on the day a handset is seized). Each incident names the forces
//! that record it: the force where it happened, and often the person's home force
//! too, which writes the other force's code in `force_area`. Which of these reach
//! a return is decided in `plan.rs`.

use crate::calendar::{Day, day_of};
use crate::geography::{BTP, Place};
use crate::model::{EventKind, Incident, LocKind, Reporter, SwitchCause, Vuln};
use crate::notes;
use crate::rng::{WorldRng, between, chance, pick, weighted};
use crate::world::Builder;
use rand::RngExt as _;

/// Makes every incident of the world and updates the factors they imply.
pub(crate) fn generate(b: &mut Builder) {
    let btp = b.w.geo.index(BTP);
    for line in 0..b.w.lines.len() as u32 {
        monthly(b, line, btp);
    }
    for r in b.w.replacements.clone() {
        let day = day_of(r.cutoff);
        let l = b.w.lines[r.line as usize].clone();
        let import = l.imports[0];
        match r.cause {
            SwitchCause::Ddtro => {
                let applied = day - b.rng.random_range(7..30);
                let reporter = vec![Reporter {
                    force: import.force,
                    area: None,
                }];
                push(
                    b,
                    EventKind::DdtroApplication,
                    applied,
                    vec![l.holders[0]],
                    r.line,
                    None,
                    reporter.clone(),
                    None,
                    None,
                );
                let outcome = Some(format!(
                    "Granted for {} months",
                    pick(&mut b.rng, &[3, 6, 6, 12])
                ));
                push(
                    b,
                    EventKind::DdtroGranted,
                    day,
                    vec![],
                    r.line,
                    None,
                    reporter,
                    None,
                    outcome,
                );
            }
            SwitchCause::Seized => {
                let person = if chance(&mut b.rng, 0.5) {
                    l.holders[0]
                } else {
                    *pick(&mut b.rng, &l.runners)
                };
                arrest_chain(b, r.line, person, day, import, btp);
            }
            SwitchCause::Dropped | SwitchCause::GroupChange => {}
        }
    }
    // Facts the incidents establish become true factors of the people involved.
    let end = b.w.cal.end();
    let incidents = std::mem::take(&mut b.w.incidents);
    let mut kept = Vec::with_capacity(incidents.len());
    for incident in incidents {
        if incident.day >= end || incident.day < b.w.cal.start() - 400 {
            continue;
        }
        for person in &incident.persons {
            let p = &mut b.w.persons[*person as usize];
            match incident.kind {
                EventKind::MissingEpisode => {
                    p.missing_days.push(incident.day);
                    p.add(Vuln::MissingEpisodes);
                }
                EventKind::SchoolExclusion => {
                    p.exclusion_days.push(incident.day);
                    p.add(Vuln::SchoolExclusions);
                }
                EventKind::NrmReferral => {
                    p.add(Vuln::NrmReferral);
                    p.nrm_day = Some(p.nrm_day.map_or(incident.day, |d| d.min(incident.day)));
                }
                EventKind::LaPlacementMove => {
                    p.add(Vuln::MovedByLocalAuthority);
                    p.moved_day = Some(p.moved_day.map_or(incident.day, |d| d.min(incident.day)));
                }
                EventKind::WeaponSeizure => p.add(Vuln::CarryingWeapon),
                _ => {}
            }
        }
        kept.push(incident);
    }
    for p in &mut b.w.persons {
        p.missing_days.sort_unstable();
        p.exclusion_days.sort_unstable();
    }
    b.w.incidents = kept;
}

#[allow(clippy::too_many_arguments)]
fn push(
    b: &mut Builder,
    kind: EventKind,
    day: Day,
    persons: Vec<u32>,
    line: u32,
    location: Option<u32>,
    reporters: Vec<Reporter>,
    quantity: Option<f64>,
    outcome: Option<String>,
) {
    let town = location
        .map(|l| b.w.locations[l as usize].address.town)
        .unwrap_or_else(|| b.w.geo.town(b.w.lines[line as usize].imports[0]).name);
    let note = notes::incident(&mut b.rng, kind, town);
    b.w.incidents.push(Incident {
        kind,
        day,
        persons,
        line,
        location,
        reporters,
        quantity,
        outcome,
        note,
    });
}

/// A location of the line of one of the kinds, if it has one.
fn location_of(b: &Builder, line: u32, kinds: &[LocKind]) -> Option<u32> {
    b.w.lines[line as usize]
        .locations
        .iter()
        .copied()
        .find(|l| kinds.contains(&b.w.locations[*l as usize].kind))
}

/// The recording forces of something that happened at `place` to someone whose
/// home force is `home`: the local force, and with probability `home_share` the
/// home force too (naming the local force in `force_area`).
fn reporters(rng: &mut WorldRng, place: Place, home: u16, home_share: f64) -> Vec<Reporter> {
    let mut out = vec![Reporter {
        force: place.force,
        area: None,
    }];
    if home != place.force && chance(rng, home_share) {
        out.push(Reporter {
            force: home,
            area: Some(place.force),
        });
    }
    out
}

fn grams(rng: &mut WorldRng) -> f64 {
    let g: f64 = rng.random_range(2.0..90.0);
    if chance(rng, 0.5) {
        g.round()
    } else {
        (g * 10.0).round() / 10.0
    }
}

fn monthly(b: &mut Builder, line: u32, btp: u16) {
    let l = b.w.lines[line as usize].clone();
    let periods = b.w.cal.periods.clone();
    for period in periods {
        let lo = period.first_day().max(l.start);
        let hi = period.last_day().min(l.end.map_or(Day::MAX, |e| e - 1));
        if hi < lo {
            continue;
        }
        let day = |b: &mut Builder| between(&mut b.rng, i64::from(lo), i64::from(hi)) as Day;
        let import = *pick(&mut b.rng, &l.imports);
        for &runner in &l.runners {
            let (home, child, looked_after) = {
                let p = &b.w.persons[runner as usize];
                (p.place.force, p.age_on(lo) < 18, p.has(Vuln::LookedAfter))
            };
            if child && chance(&mut b.rng, 0.45) {
                let d = day(b);
                missing_episode(b, line, runner, d, import, home);
            }
            if child && chance(&mut b.rng, 0.06) {
                let school = location_of(b, line, &[LocKind::School]);
                let d = day(b);
                let long = chance(&mut b.rng, 0.4);
                let outcome = long.then(|| "Fixed-term exclusion, 5 days".to_string());
                push(
                    b,
                    EventKind::SchoolExclusion,
                    d,
                    vec![runner],
                    line,
                    school,
                    vec![Reporter {
                        force: home,
                        area: None,
                    }],
                    None,
                    outcome,
                );
                if long {
                    b.w.persons[runner as usize].add(Vuln::ExcludedLong);
                }
            }
            if looked_after && chance(&mut b.rng, 0.05) {
                let care_home = location_of(b, line, &[LocKind::CareHome]);
                let moved_to = care_home
                    .map(|c| b.w.locations[c as usize].place.force)
                    .unwrap_or(import.force);
                let mut who = vec![Reporter {
                    force: home,
                    area: (moved_to != home).then_some(moved_to),
                }];
                if moved_to != home {
                    who.push(Reporter {
                        force: moved_to,
                        area: None,
                    });
                }
                let d = day(b);
                push(
                    b,
                    EventKind::LaPlacementMove,
                    d,
                    vec![runner],
                    line,
                    care_home,
                    who,
                    None,
                    None,
                );
            }
            if chance(&mut b.rng, 0.12) {
                let station = location_of(b, line, &[LocKind::RailStation]);
                let d = day(b);
                let who = if station.is_some() && chance(&mut b.rng, 0.35) {
                    vec![Reporter {
                        force: btp,
                        area: Some(import.force),
                    }]
                } else {
                    vec![Reporter {
                        force: import.force,
                        area: None,
                    }]
                };
                let outcome = Some(
                    pick(
                        &mut b.rng,
                        &[
                            "NFA",
                            "Nothing found",
                            "Cannabis found, community resolution",
                            "Cash found, intel submitted",
                        ],
                    )
                    .to_string(),
                );
                push(
                    b,
                    EventKind::StopSearch,
                    d,
                    vec![runner],
                    line,
                    station,
                    who,
                    None,
                    outcome,
                );
            }
            if chance(&mut b.rng, 0.06) {
                let d = day(b);
                arrest_chain(b, line, runner, d, import, btp);
            }
        }
        for &holder in &l.holders {
            if chance(&mut b.rng, 0.03) {
                let d = day(b);
                arrest_chain(b, line, holder, d, import, btp);
            }
            if chance(&mut b.rng, 0.006) {
                let d = day(b);
                let who = vec![Reporter {
                    force: import.force,
                    area: None,
                }];
                push(
                    b,
                    EventKind::StpoGranted,
                    d,
                    vec![holder],
                    line,
                    None,
                    who,
                    None,
                    Some("STPO granted at Crown Court on conviction".into()),
                );
            }
        }
        if let Some(trap) = location_of(b, line, &[LocKind::TrapHouse, LocKind::CuckooedAddress])
            && chance(&mut b.rng, 0.04)
        {
            let d = day(b);
            let mut persons = b.w.locations[trap as usize].persons.clone();
            persons.truncate(3);
            let where_ = b.w.locations[trap as usize].place;
            let who = vec![Reporter {
                force: where_.force,
                area: None,
            }];
            push(
                b,
                EventKind::Warrant,
                d,
                persons.clone(),
                line,
                Some(trap),
                who.clone(),
                None,
                Some("Executed, two arrested".into()),
            );
            let g = grams(&mut b.rng);
            push(
                b,
                EventKind::DrugSeizure,
                d,
                persons.clone(),
                line,
                Some(trap),
                who.clone(),
                Some(g),
                None,
            );
            if chance(&mut b.rng, 0.5) {
                let cash = f64::from(b.rng.random_range(3..120) * 50);
                push(
                    b,
                    EventKind::CashSeizure,
                    d,
                    persons,
                    line,
                    Some(trap),
                    who,
                    Some(cash),
                    None,
                );
            }
        }
        for &occupant in &l.occupants {
            let home = location_of(b, line, &[LocKind::CuckooedAddress]);
            let where_ = b.w.persons[occupant as usize].place;
            let who = vec![Reporter {
                force: where_.force,
                area: None,
            }];
            if chance(&mut b.rng, 0.05) {
                let d = day(b);
                push(
                    b,
                    EventKind::SafeguardingReferral,
                    d,
                    vec![occupant],
                    line,
                    home,
                    who.clone(),
                    None,
                    Some("Adult safeguarding referral".into()),
                );
            }
            if home.is_some() && chance(&mut b.rng, 0.025) {
                let d = day(b);
                push(
                    b,
                    EventKind::ClosureOrder,
                    d,
                    vec![occupant],
                    line,
                    home,
                    who,
                    None,
                    Some("Closure order granted for 3 months".into()),
                );
            }
        }
        for &driver in &l.drivers {
            if chance(&mut b.rng, 0.05) {
                let d = day(b);
                let who = vec![Reporter {
                    force: import.force,
                    area: None,
                }];
                push(
                    b,
                    EventKind::StopSearch,
                    d,
                    vec![driver],
                    line,
                    None,
                    who,
                    None,
                    Some("Vehicle stop, ANPR hit".into()),
                );
            }
        }
        for &controller in &l.controllers {
            if chance(&mut b.rng, 0.004) {
                let d = day(b);
                let who = vec![Reporter {
                    force: l.export.force,
                    area: None,
                }];
                push(
                    b,
                    EventKind::ScpoGranted,
                    d,
                    vec![controller],
                    line,
                    None,
                    who,
                    None,
                    Some("SCPO, 5 years".into()),
                );
            }
            if chance(&mut b.rng, 0.004) {
                let d = day(b);
                arrest_chain(b, line, controller, d, l.export, btp);
            }
        }
        if chance(&mut b.rng, 0.04) {
            let d = day(b);
            let who = vec![Reporter {
                force: import.force,
                area: None,
            }];
            let outcome = Some(
                pick(
                    &mut b.rng,
                    &[
                        "Community Protection Notice served",
                        "Partial closure notice",
                        "Gang injunction applied for",
                        "Taxi licensing informed",
                    ],
                )
                .to_string(),
            );
            let persons = vec![l.holders[0]];
            push(
                b,
                EventKind::Other,
                d,
                persons,
                line,
                None,
                who,
                None,
                outcome,
            );
        }
    }
}

/// A missing episode and what follows: found out of area, the return home
/// interview, often a safeguarding referral.
fn missing_episode(b: &mut Builder, line: u32, runner: u32, day: Day, import: Place, home: u16) {
    let home_place = b.w.persons[runner as usize].place;
    let who = vec![Reporter {
        force: home,
        area: None,
    }];
    push(
        b,
        EventKind::MissingEpisode,
        day,
        vec![runner],
        line,
        None,
        who,
        None,
        None,
    );
    let found = day + b.rng.random_range(1..7);
    let where_found = location_of(
        b,
        line,
        &[
            LocKind::RailStation,
            LocKind::TrapHouse,
            LocKind::CuckooedAddress,
            LocKind::Hotel,
        ],
    );
    let found_in = where_found
        .map(|l| b.w.locations[l as usize].place)
        .unwrap_or(import);
    let who = reporters(&mut b.rng, found_in, home, 0.7);
    push(
        b,
        EventKind::FoundMissing,
        found,
        vec![runner],
        line,
        where_found,
        who,
        None,
        None,
    );
    if chance(&mut b.rng, 0.7) {
        let rhi = found + b.rng.random_range(1..5);
        let outcome = Some(
            pick(
                &mut b.rng,
                &[
                    "Completed, disclosed exploitation",
                    "Declined",
                    "Completed, no disclosure",
                ],
            )
            .to_string(),
        );
        push(
            b,
            EventKind::ReturnHomeInterview,
            rhi,
            vec![runner],
            line,
            None,
            vec![Reporter {
                force: home_place.force,
                area: None,
            }],
            None,
            outcome,
        );
    }
    if chance(&mut b.rng, 0.4) {
        let who = reporters(&mut b.rng, found_in, home, 0.3);
        push(
            b,
            EventKind::SafeguardingReferral,
            found,
            vec![runner],
            line,
            None,
            who,
            None,
            Some("Referred to children's services".into()),
        );
    }
}

/// An arrest and what follows it: seizures, release, charge or bail or RUI, and
/// for the exploited the NRM.
fn arrest_chain(b: &mut Builder, line: u32, person: u32, day: Day, place: Place, btp: u16) {
    let (home, exploited, child) = {
        let p = &b.w.persons[person as usize];
        (p.place.force, p.exploited, p.age_on(day) < 18)
    };
    let at = location_of(
        b,
        line,
        &[
            LocKind::TrapHouse,
            LocKind::CuckooedAddress,
            LocKind::RailStation,
            LocKind::Hotel,
            LocKind::Other,
        ],
    )
    .filter(|_| chance(&mut b.rng, 0.5));
    let mut who = reporters(&mut b.rng, place, home, 0.3);
    if at.is_some_and(|l| b.w.locations[l as usize].kind == LocKind::RailStation)
        && chance(&mut b.rng, 0.5)
    {
        who = vec![Reporter {
            force: btp,
            area: Some(place.force),
        }];
    }
    let offence = pick(
        &mut b.rng,
        &[
            "PWITS Class A",
            "possession of an offensive weapon",
            "PWITS Class A and B",
            "being concerned in the supply of Class A",
        ],
    )
    .to_string();
    push(
        b,
        EventKind::Arrest,
        day,
        vec![person],
        line,
        at,
        who.clone(),
        None,
        Some(format!("Arrested: {offence}")),
    );
    if chance(&mut b.rng, 0.6) {
        let g = grams(&mut b.rng);
        push(
            b,
            EventKind::DrugSeizure,
            day,
            vec![person],
            line,
            at,
            who.clone(),
            Some(g),
            None,
        );
    }
    if chance(&mut b.rng, 0.3) {
        let cash = f64::from(b.rng.random_range(3..250) * 20);
        push(
            b,
            EventKind::CashSeizure,
            day,
            vec![person],
            line,
            at,
            who.clone(),
            Some(cash),
            None,
        );
    }
    if chance(&mut b.rng, 0.12) {
        let count = f64::from(b.rng.random_range(1..3));
        push(
            b,
            EventKind::WeaponSeizure,
            day,
            vec![person],
            line,
            at,
            who.clone(),
            Some(count),
            None,
        );
    }
    let local = vec![who[0]];
    let disposal = weighted(
        &mut b.rng,
        &[
            (EventKind::Charge, 30),
            (EventKind::PreChargeBail, 35),
            (EventKind::ReleasedUnderInvestigation, 35),
        ],
    );
    let next = day + i32::from(chance(&mut b.rng, 0.5));
    let release = match disposal {
        EventKind::Charge => "Charged and bailed to court",
        EventKind::PreChargeBail => "Released on pre-charge bail with conditions",
        _ => "Released under investigation",
    };
    match disposal {
        EventKind::Charge => {
            push(
                b,
                EventKind::Charge,
                next,
                vec![person],
                line,
                None,
                local.clone(),
                None,
                Some(format!("Charged: {offence}")),
            );
            if exploited && chance(&mut b.rng, 0.4) {
                let d = next + b.rng.random_range(30..120);
                push(
                    b,
                    EventKind::S45DefenceRaised,
                    d,
                    vec![person],
                    line,
                    None,
                    local.clone(),
                    None,
                    Some("s.45 defence raised at PTPH".into()),
                );
            }
        }
        EventKind::PreChargeBail => {
            push(
                b,
                EventKind::PreChargeBail,
                next,
                vec![person],
                line,
                None,
                local.clone(),
                None,
                Some("Bail to return in 3 months".into()),
            );
            if chance(&mut b.rng, 0.5) {
                let d = next + b.rng.random_range(85..92);
                push(
                    b,
                    EventKind::BailExtension,
                    d,
                    vec![person],
                    line,
                    None,
                    local.clone(),
                    None,
                    Some("Extended to 6 months by inspector".into()),
                );
            }
        }
        _ => push(
            b,
            EventKind::ReleasedUnderInvestigation,
            next,
            vec![person],
            line,
            None,
            local.clone(),
            None,
            None,
        ),
    }
    if chance(&mut b.rng, 0.7) {
        push(
            b,
            EventKind::CustodyRelease,
            next,
            vec![person],
            line,
            None,
            local.clone(),
            None,
            Some(release.to_string()),
        );
    }
    if exploited && chance(&mut b.rng, if child { 0.7 } else { 0.35 }) {
        let referred = day + b.rng.random_range(0..8);
        push(
            b,
            EventKind::NrmReferral,
            referred,
            vec![person],
            line,
            None,
            local.clone(),
            None,
            None,
        );
        let rg = referred + b.rng.random_range(5..30);
        let rg_positive = chance(&mut b.rng, 0.8);
        push(
            b,
            EventKind::NrmReasonableGrounds,
            rg,
            vec![person],
            line,
            None,
            local.clone(),
            None,
            Some(if rg_positive { "positive" } else { "negative" }.into()),
        );
        if rg_positive {
            let cg = rg + b.rng.random_range(60..200);
            let outcome = if chance(&mut b.rng, 0.7) {
                "positive"
            } else {
                "negative"
            };
            push(
                b,
                EventKind::NrmConclusiveGrounds,
                cg,
                vec![person],
                line,
                None,
                local.clone(),
                None,
                Some(outcome.into()),
            );
        }
        if chance(&mut b.rng, 0.5) {
            push(
                b,
                EventKind::SafeguardingReferral,
                day,
                vec![person],
                line,
                None,
                local,
                None,
                Some("Referred to MASH".into()),
            );
        }
    }
}
