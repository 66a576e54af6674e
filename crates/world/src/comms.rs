//! Communications data (`comms-v1.md`): calls and messages of the deal lines,
//! the people running them and their customers, one file per month.
//!
//! Each deal line sends "flare" texts to its customer list a few times a day and
//! takes short calls from customers; the controller's phone calls the deal handset
//! and the runners, rarely a customer; the handset calls runners out; customers call
//! one another. When a line moves number, the new number's first act is a broadcast
//! to the customer list at exactly `switched_at`, and a few stragglers still ring
//! the old number for a day or two (unanswered). Every record respects the numbers'
//! truth: no number originates activity outside its `from`..`to`, and the new
//! number of a replacement is silent before `switched_at`. Files alternate plain
//! and gzip; a few rows write numbers in other UK forms. Only CSV is written (no
//! Parquet), and only the lines' own circle appears: no background traffic of
//! people unconnected to any line.

use std::fmt::Write as _;
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::Path;

use flate2::Compression;
use flate2::write::GzEncoder;

use crate::calendar::{DAY_SECS, day_start, push_rfc3339};
use crate::error::{IoContext, Result};
use crate::geography::Place;
use crate::rng::{WorldRng, chance, rng_for, weighted};
use crate::world::World;
use rand::RngExt as _;

/// One call or message.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
struct Record {
    ts: i64,
    from: u32,
    to: u32,
    sms: bool,
    duration: u32,
    /// Cell code (0 = unknown).
    cell: u32,
    /// Whether the originating handset's IMEI is written.
    imei: bool,
}

/// Writes one file per period into `dir`; returns the number of records.
pub(crate) fn write(w: &World, dir: &Path, progress: &mut dyn FnMut(u64, u64)) -> Result<u64> {
    std::fs::create_dir_all(dir).at(dir)?;
    let n = w.cal.periods.len();
    let mut total = 0u64;
    for (p, period) in w.cal.periods.iter().enumerate() {
        let mut records = Vec::new();
        for line in 0..w.lines.len() as u32 {
            month_of_line(w, line, p, &mut records);
        }
        records.sort_unstable();
        let gz = p % 2 == 1;
        let name = format!("cdr-{}.csv{}", period.label(), if gz { ".gz" } else { "" });
        let path = dir.join(name);
        let file = BufWriter::with_capacity(1 << 20, File::create(&path).at(&path)?);
        let mut rng = rng_for(w.seed, "commswriting", p as u64, 0);
        if gz {
            let mut out = GzEncoder::new(file, Compression::fast());
            write_records(w, &records, &mut out, &mut rng).at(&path)?;
            out.finish().and_then(|mut f| f.flush()).at(&path)?;
        } else {
            let mut out = file;
            write_records(w, &records, &mut out, &mut rng).at(&path)?;
            out.flush().at(&path)?;
        }
        total += records.len() as u64;
        progress((p + 1) as u64, n as u64);
    }
    Ok(total)
}

fn write_records(
    w: &World,
    records: &[Record],
    out: &mut dyn Write,
    rng: &mut WorldRng,
) -> std::io::Result<()> {
    out.write_all(b"started_at,kind,from_number,to_number,duration_s,from_imei,cell_id\n")?;
    let mut line = String::with_capacity(128);
    for r in records {
        line.clear();
        push_rfc3339(&mut line, r.ts);
        line.push_str(if r.sms { ",sms," } else { ",call," });
        push_number(&mut line, w.numbers[r.from as usize].nsn, rng);
        line.push(',');
        push_number(&mut line, w.numbers[r.to as usize].nsn, rng);
        let _ = write!(line, ",{},", r.duration);
        if r.imei
            && let Some(imei) = w.numbers[r.from as usize].imei
        {
            let _ = write!(line, "{imei}");
        }
        line.push(',');
        if r.cell != 0 {
            let _ = write!(
                line,
                "234-{}-{}-{}",
                10 + (r.cell % 4) * 5,
                1000 + r.cell / 64,
                10_000 + r.cell
            );
        }
        line.push('\n');
        out.write_all(line.as_bytes())?;
    }
    Ok(())
}

/// A number, E.164 nearly always, now and then another UK writing.
fn push_number(out: &mut String, nsn: u64, rng: &mut WorldRng) {
    match rng.random_range(0..200u32) {
        0 => {
            let _ = write!(out, "0{nsn}");
        }
        1 => {
            let _ = write!(out, "44{nsn}");
        }
        _ => {
            let _ = write!(out, "+44{nsn}");
        }
    }
}

/// A cell code for a town.
fn cell(place: Place, rng: &mut WorldRng) -> u32 {
    (u32::from(place.force) * 16 + u32::from(place.town)) * 64 + rng.random_range(1..24)
}

/// The person's phone in use at `ts`; with two in use, either.
fn phone_at(w: &World, person: u32, ts: i64, rng: &mut WorldRng) -> Option<u32> {
    let phones = &w.persons[person as usize].phones;
    let mut found = None;
    for &n in phones {
        let number = &w.numbers[n as usize];
        if number.imei.is_some() && number.active_at(ts) {
            if found.is_some() && chance(rng, 0.5) {
                return Some(n);
            }
            found.get_or_insert(n);
        }
    }
    found
}

/// The line's deal number in use at `ts`; customers are split between two
/// numbers running at once by `salt`.
fn deal_at(w: &World, line: u32, ts: i64, salt: usize) -> Option<u32> {
    let mut active = w.lines[line as usize]
        .deal_numbers
        .iter()
        .copied()
        .filter(|n| w.numbers[*n as usize].active_at(ts));
    let first = active.next()?;
    match active.next() {
        Some(second) if salt % 3 == 2 => Some(second),
        _ => Some(first),
    }
}

/// A time of day, busier in the afternoon and evening.
fn time_of_day(rng: &mut WorldRng) -> i64 {
    let hour = weighted(
        rng,
        &[
            (8i64, 3),
            (10, 5),
            (12, 7),
            (14, 8),
            (16, 9),
            (18, 10),
            (20, 9),
            (22, 5),
            (0, 2),
        ],
    );
    (hour + rng.random_range(0..2)) * 3600 + rng.random_range(0..3600)
}

#[allow(clippy::too_many_arguments)]
fn push_call(
    records: &mut Vec<Record>,
    rng: &mut WorldRng,
    ts: i64,
    from: u32,
    to: u32,
    sms: bool,
    duration: u32,
    cell: u32,
) {
    records.push(Record {
        ts,
        from,
        to,
        sms,
        duration: if sms { 0 } else { duration },
        cell: if chance(rng, 0.97) { cell } else { 0 },
        imei: chance(rng, 0.96),
    });
}

fn month_of_line(w: &World, line: u32, p: usize, records: &mut Vec<Record>) {
    let l = &w.lines[line as usize];
    let period = w.cal.periods[p];
    let mut rng = rng_for(w.seed, "comms", u64::from(line), p as u64);
    let holder = l.holders[0];
    let controller = l.controllers[0];
    for day in period.first_day()..=period.last_day() {
        if !l.active_on(day) {
            continue;
        }
        let day_ts = day_start(day);
        let customers: Vec<(usize, u32, Place)> = l
            .customers
            .iter()
            .enumerate()
            .filter(|(_, (_, from, to))| *from <= day && day < *to)
            .map(|(i, (c, _, _))| (i, *c, w.persons[*c as usize].place))
            .collect();
        let deal_place = l.imports[0];
        // Flare texts to the customer list.
        let flares = weighted(&mut rng, &[(1u32, 25), (2, 45), (3, 30)]);
        for _ in 0..flares {
            let t0 = day_ts + time_of_day(&mut rng);
            let deal_cell = cell(deal_place, &mut rng);
            let mut t = t0;
            for &(i, customer, _) in &customers {
                if !chance(&mut rng, 0.8) {
                    continue;
                }
                t += rng.random_range(1..4);
                if let (Some(deal), Some(to)) =
                    (deal_at(w, line, t, i), phone_at(w, customer, t, &mut rng))
                {
                    push_call(records, &mut rng, t, deal, to, true, 0, deal_cell);
                }
            }
        }
        // Customers ring the line.
        for &(i, customer, place) in &customers {
            if chance(&mut rng, 0.15) {
                let t = day_ts + time_of_day(&mut rng);
                if let (Some(from), Some(deal)) =
                    (phone_at(w, customer, t, &mut rng), deal_at(w, line, t, i))
                {
                    let c = cell(place, &mut rng);
                    let duration = rng.random_range(8..90);
                    let sms = chance(&mut rng, 0.2);
                    push_call(records, &mut rng, t, from, deal, sms, duration, c);
                }
            }
            // Customers also talk among themselves.
            if chance(&mut rng, 0.03) && customers.len() > 1 {
                let mate = customers[(i + 1 + rng.random_range(0..3)) % customers.len()].1;
                let t = day_ts + time_of_day(&mut rng);
                if mate != customer
                    && let (Some(from), Some(to)) = (
                        phone_at(w, customer, t, &mut rng),
                        phone_at(w, mate, t, &mut rng),
                    )
                {
                    let c = cell(place, &mut rng);
                    let duration = rng.random_range(20..600);
                    let sms = chance(&mut rng, 0.5);
                    push_call(records, &mut rng, t, from, to, sms, duration, c);
                }
            }
        }
        // The handset sends runners out.
        for _ in 0..rng.random_range(1..4) {
            if l.runners.is_empty() {
                break;
            }
            let runner = l.runners[rng.random_range(0..l.runners.len())];
            let t = day_ts + time_of_day(&mut rng);
            if let (Some(deal), Some(to)) =
                (deal_at(w, line, t, 0), phone_at(w, runner, t, &mut rng))
            {
                let c = cell(deal_place, &mut rng);
                let duration = rng.random_range(20..200);
                let sms = chance(&mut rng, 0.3);
                push_call(records, &mut rng, t, deal, to, sms, duration, c);
            }
        }
        // The controller checks on the line and the runners, and almost never a customer.
        let controller_cell = cell(l.export, &mut rng);
        if chance(&mut rng, 0.6) {
            let t = day_ts + time_of_day(&mut rng);
            if let (Some(from), Some(deal)) =
                (phone_at(w, controller, t, &mut rng), deal_at(w, line, t, 0))
            {
                let duration = rng.random_range(30..300);
                push_call(
                    records,
                    &mut rng,
                    t,
                    from,
                    deal,
                    false,
                    duration,
                    controller_cell,
                );
            }
        }
        if chance(&mut rng, 0.3) && !l.runners.is_empty() {
            let runner = l.runners[rng.random_range(0..l.runners.len())];
            let t = day_ts + time_of_day(&mut rng);
            if let (Some(from), Some(to)) = (
                phone_at(w, controller, t, &mut rng),
                phone_at(w, runner, t, &mut rng),
            ) {
                let duration = rng.random_range(15..240);
                let sms = chance(&mut rng, 0.3);
                push_call(
                    records,
                    &mut rng,
                    t,
                    from,
                    to,
                    sms,
                    duration,
                    controller_cell,
                );
            }
        }
        if chance(&mut rng, 0.01) && !customers.is_empty() {
            let customer = customers[rng.random_range(0..customers.len())].1;
            let t = day_ts + time_of_day(&mut rng);
            if let (Some(from), Some(to)) = (
                phone_at(w, controller, t, &mut rng),
                phone_at(w, customer, t, &mut rng),
            ) {
                push_call(records, &mut rng, t, from, to, false, 40, controller_cell);
            }
        }
        // Runners report to the holder.
        if chance(&mut rng, 0.3) && !l.runners.is_empty() {
            let runner = l.runners[rng.random_range(0..l.runners.len())];
            let t = day_ts + time_of_day(&mut rng);
            if let (Some(from), Some(to)) = (
                phone_at(w, runner, t, &mut rng),
                phone_at(w, holder, t, &mut rng),
            ) {
                let c = cell(deal_place, &mut rng);
                let duration = rng.random_range(10..180);
                let sms = chance(&mut rng, 0.5);
                push_call(records, &mut rng, t, from, to, sms, duration, c);
            }
        }
    }
    // Moves to a new number in this month.
    let (month_start, month_end) = (
        day_start(period.first_day()),
        day_start(period.last_day() + 1),
    );
    for r in w
        .replacements
        .iter()
        .filter(|r| r.line == line && r.switched_at >= month_start && r.switched_at < month_end)
    {
        let day = r.switched_at.div_euclid(DAY_SECS) as i32;
        let deal_cell = cell(l.imports[0], &mut rng);
        // The new number announces itself to the old customer list.
        let mut sent = false;
        let mut t = r.switched_at;
        for (customer, from, to) in &l.customers {
            if !(*from <= day && day < *to) || (sent && !chance(&mut rng, 0.85)) {
                continue;
            }
            if let Some(phone) = phone_at(w, *customer, t, &mut rng) {
                push_call(records, &mut rng, t, r.new, phone, true, 0, deal_cell);
                sent = true;
                t += rng.random_range(1..4);
            }
        }
        if !sent {
            // No customer reachable: the first act is a call to the holder's latest phone.
            let phones = &w.persons[holder as usize].phones;
            if let Some(&to) = phones
                .iter()
                .rev()
                .find(|n| w.numbers[**n as usize].from <= r.switched_at)
                .or(phones.first())
            {
                push_call(
                    records,
                    &mut rng,
                    r.switched_at,
                    r.new,
                    to,
                    false,
                    35,
                    deal_cell,
                );
            }
        }
        // A few stragglers still ring the old number, unanswered.
        let stragglers = rng.random_range(2..6);
        for _ in 0..stragglers {
            let Some(&(customer, from, to)) = l
                .customers
                .get(rng.random_range(0..l.customers.len().max(1)))
            else {
                break;
            };
            if !(from <= day && day < to) {
                continue;
            }
            let ts = r.cutoff + rng.random_range(600..3 * DAY_SECS);
            if ts >= month_end + 3 * DAY_SECS {
                continue;
            }
            if let Some(phone) = phone_at(w, customer, ts, &mut rng) {
                let c = cell(w.persons[customer as usize].place, &mut rng);
                push_call(records, &mut rng, ts, phone, r.old, false, 0, c);
            }
        }
    }
}
