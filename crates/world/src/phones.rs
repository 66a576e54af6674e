//! Phone numbers over time: each line's deal numbers with their replacements, and
//! everyone's own phones.
//!
//! A line keeps one deal number at a time (some run a second alongside for a
//! while) and moves to a new one when it is dropped, cut off by a DDTRO, seized on
//! an arrest, or when the whole group changes phones on one day. The new number
//! starts within hours or days of the cut-off, sometimes in the same handset. People
//! change their own phones now and then, and some carry two at once. The times set
//! here are the truth that `comms.rs` must honour (no activity outside a number's
//! `from`..`to`) and that `truth/numbers.csv` and `truth/replacements.csv` report.
//! Numbers used before the calendar opens are not modelled, and nothing here
//! decides which force knows which number (`plan.rs` does).

use std::collections::BTreeMap;

use crate::calendar::{DAY_SECS, Day, day_start};
use crate::identifiers::imei;
use crate::model::{NumberKind, NumberRec, Replacement, Role, SwitchCause};
use crate::rng::{between, chance, waiting_days, weighted};
use crate::world::Builder;
use rand::RngExt as _;

const HOUR: i64 = 3600;

/// Gives out deal numbers and personal phones for the whole world.
pub(crate) fn assign(b: &mut Builder) {
    let cal_start = b.w.cal.start();
    let cal_end = b.w.cal.end();
    // Some groups drop every phone on one day.
    let mut person_changes: BTreeMap<u32, Vec<Day>> = BTreeMap::new();
    let mut group_days: Vec<Option<Day>> = Vec::with_capacity(b.w.lines.len());
    for line in &b.w.lines {
        let from = line.start.max(cal_start) + 20;
        let to = line.end.unwrap_or(cal_end) - 20;
        let day = (to > from && chance(&mut b.rng, 0.08)).then(|| b.rng.random_range(from..to));
        if let Some(day) = day {
            for person in line
                .controllers
                .iter()
                .chain(&line.holders)
                .chain(&line.runners)
            {
                person_changes.entry(*person).or_default().push(day);
            }
        }
        group_days.push(day);
    }
    for (line, group_day) in group_days.into_iter().enumerate() {
        deal_numbers(b, line as u32, group_day);
    }
    for person in 0..b.w.persons.len() as u32 {
        let changes = person_changes.remove(&person).unwrap_or_default();
        personal_phones(b, person, changes);
    }
}

fn push_number(b: &mut Builder, rec: NumberRec) -> u32 {
    b.w.numbers.push(rec);
    (b.w.numbers.len() - 1) as u32
}

/// A time of day in working-ish hours.
fn at_hour(b: &mut Builder, day: Day, lo: i64, hi: i64) -> i64 {
    day_start(day) + b.rng.random_range(lo..hi) * HOUR + b.rng.random_range(0..HOUR)
}

fn deal_numbers(b: &mut Builder, line: u32, group_day: Option<Day>) {
    let (start, end) = {
        let l = &b.w.lines[line as usize];
        (l.start, l.end)
    };
    let cal_start = b.w.cal.start();
    let cal_end = b.w.cal.end();
    let stop_day = end.unwrap_or(cal_end);
    let end_ts = end.map(|d| at_hour(b, d, 1, 6));
    let horizon = end_ts.unwrap_or(day_start(cal_end));

    // Numbers in use before the calendar are not history we model: the number a
    // line holds when the calendar opens started a plausible while earlier.
    let lead = waiting_days(&mut b.rng, 80, 1, 400);
    let first_from = at_hour(b, start.max(cal_start - lead), 9, 20);
    let nsn = b.pool.mobile(&mut b.rng);
    let handset = imei(&mut b.rng);
    let mut current = push_number(
        b,
        NumberRec {
            nsn,
            kind: NumberKind::Deal,
            line: Some(line),
            person: None,
            from: first_from,
            to: None,
            imei: Some(handset),
        },
    );
    let mut numbers = vec![current];

    let mut switches: Vec<(Day, SwitchCause)> = Vec::new();
    let mut day = start.max(cal_start);
    loop {
        day += waiting_days(
            &mut b.rng,
            80,
            7,
            stop_day.saturating_sub(day).max(1) as u32 + 1,
        );
        if day >= stop_day - 3 {
            break;
        }
        let cause = weighted(
            &mut b.rng,
            &[
                (SwitchCause::Dropped, 55),
                (SwitchCause::Ddtro, 20),
                (SwitchCause::Seized, 25),
            ],
        );
        switches.push((day, cause));
    }
    if let Some(day) = group_day {
        switches.retain(|(d, _)| (d - day).abs() > 10);
        switches.push((day, SwitchCause::GroupChange));
        switches.sort_by_key(|(d, _)| *d);
    }
    for (day, cause) in switches {
        let cutoff = at_hour(b, day, 7, 22);
        let gap = match cause {
            SwitchCause::GroupChange => b.rng.random_range(HOUR / 2..4 * HOUR),
            _ => match weighted(&mut b.rng, &[(0u8, 50), (1, 35), (2, 15)]) {
                0 => b.rng.random_range(HOUR..12 * HOUR),
                1 => b.rng.random_range(12 * HOUR..48 * HOUR),
                _ => b.rng.random_range(48 * HOUR..120 * HOUR),
            },
        };
        let switched_at = cutoff + gap;
        if switched_at >= horizon - HOUR {
            break;
        }
        let old_imei = b.w.numbers[current as usize].imei;
        b.w.numbers[current as usize].to = Some(cutoff);
        // A seized handset cannot be reused; a dropped SIM often goes into the same phone.
        let same_handset = cause != SwitchCause::Seized && chance(&mut b.rng, 0.4);
        let handset = if same_handset {
            old_imei
        } else {
            Some(imei(&mut b.rng))
        };
        let nsn = b.pool.mobile(&mut b.rng);
        let new = push_number(
            b,
            NumberRec {
                nsn,
                kind: NumberKind::Deal,
                line: Some(line),
                person: None,
                from: switched_at,
                to: None,
                imei: handset,
            },
        );
        b.w.replacements.push(Replacement {
            old: current,
            new,
            cutoff,
            switched_at,
            line,
            cause,
        });
        numbers.push(new);
        current = new;
    }
    if let Some(end_ts) = end_ts {
        let last = &mut b.w.numbers[current as usize];
        last.to = Some(end_ts.max(last.from + HOUR));
    }
    // Some lines run a second number alongside the first for a while.
    if chance(&mut b.rng, 0.15) {
        let lo = start.max(cal_start);
        let hi = stop_day - 30;
        if hi > lo {
            let from_day = b.rng.random_range(lo..hi);
            let len = b.rng.random_range(30..120);
            let from = at_hour(b, from_day, 9, 20);
            let to_day = from_day + len;
            let to = if to_day < stop_day {
                Some(at_hour(b, to_day, 8, 22))
            } else {
                end_ts
            };
            let nsn = b.pool.mobile(&mut b.rng);
            let handset = imei(&mut b.rng);
            let second = push_number(
                b,
                NumberRec {
                    nsn,
                    kind: NumberKind::Deal,
                    line: Some(line),
                    person: None,
                    from,
                    to,
                    imei: Some(handset),
                },
            );
            numbers.push(second);
        }
    }
    b.w.lines[line as usize].deal_numbers = numbers;
}

fn personal_phones(b: &mut Builder, person: u32, group_changes: Vec<Day>) {
    let cal_start = b.w.cal.start();
    let cal_end = b.w.cal.end();
    let (role, place) = {
        let p = &b.w.persons[person as usize];
        (p.role, p.place)
    };
    let kind = if role == Role::Customer {
        NumberKind::Customer
    } else {
        NumberKind::Personal
    };
    let mean_days = match role {
        Role::Runner => 150,
        Role::LineHolder | Role::Controller => 120,
        Role::Driver => 300,
        Role::Customer | Role::Associate | Role::Unknown => 400,
        Role::StashHolder => 500,
        Role::CuckooedOccupant => 1000,
    };
    let mut changes: Vec<Day> = Vec::new();
    let mut day = cal_start;
    loop {
        day += waiting_days(&mut b.rng, mean_days, 10, (cal_end - day).max(1) as u32 + 1);
        if day >= cal_end - 5 {
            break;
        }
        changes.push(day);
    }
    for day in &group_changes {
        changes.retain(|d| (d - day).abs() > 7);
    }
    changes.extend(group_changes.iter().copied());
    changes.sort_unstable();
    changes.dedup();

    let first_from =
        day_start(cal_start - b.rng.random_range(30..900)) + b.rng.random_range(0..DAY_SECS);
    let nsn = b.pool.mobile(&mut b.rng);
    let mut handset = imei(&mut b.rng);
    let mut current = push_number(
        b,
        NumberRec {
            nsn,
            kind,
            line: None,
            person: Some(person),
            from: first_from,
            to: None,
            imei: Some(handset),
        },
    );
    let mut phones = vec![current];
    for day in changes {
        let grouped = group_changes.contains(&day);
        let at = if grouped {
            day_start(day) + between(&mut b.rng, 9, 12) * HOUR
        } else {
            at_hour(b, day, 8, 22)
        };
        b.w.numbers[current as usize].to = Some(at);
        if !chance(&mut b.rng, 0.5) || grouped {
            handset = imei(&mut b.rng);
        }
        let nsn = b.pool.mobile(&mut b.rng);
        let from = at + b.rng.random_range(60..3 * HOUR);
        current = push_number(
            b,
            NumberRec {
                nsn,
                kind,
                line: None,
                person: Some(person),
                from,
                to: None,
                imei: Some(handset),
            },
        );
        phones.push(current);
    }
    // Some people carry two phones at once.
    if matches!(role, Role::Runner | Role::LineHolder | Role::Controller)
        && chance(&mut b.rng, 0.12)
    {
        let from_day = b.rng.random_range(cal_start..cal_end - 20);
        let from = at_hour(b, from_day, 8, 22);
        let to_day = from_day + b.rng.random_range(30..150);
        let to = (to_day < cal_end).then(|| at_hour(b, to_day, 8, 22));
        let nsn = b.pool.mobile(&mut b.rng);
        let second_handset = imei(&mut b.rng);
        let second = push_number(
            b,
            NumberRec {
                nsn,
                kind,
                line: None,
                person: Some(person),
                from,
                to,
                imei: Some(second_handset),
            },
        );
        phones.push(second);
    }
    // Older occupants of cuckooed homes often still have a landline.
    if role == Role::CuckooedOccupant && chance(&mut b.rng, 0.3) {
        let town = b.w.geo.town(place);
        let nsn = b.pool.landline(&mut b.rng, town);
        let from = day_start(cal_start - 3000);
        let landline = push_number(
            b,
            NumberRec {
                nsn,
                kind: NumberKind::Personal,
                line: None,
                person: Some(person),
                from,
                to: None,
                imei: None,
            },
        );
        phones.push(landline);
    }
    b.w.persons[person as usize].phones = phones;
}
