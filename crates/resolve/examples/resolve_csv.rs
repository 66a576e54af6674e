//! Resolves the people of a flat CSV file, for benchmarks against other linkage tools on
//! public datasets (see `benches/splink/febrl.py`).
//!
//! `cargo run --release -p resolve --example resolve_csv -- [--stages] INPUT.csv OUTPUT.csv`
//! (`--stages` reports when each stage of the run starts).
//!
//! INPUT has a header and the columns `record_id, forenames, surname, dob, address, postcode,
//! phones, pnc_id, other_ids` (any may be absent or empty except `record_id`, which may also be
//! called `unique_id`): `dob` is `YYYY-MM-DD`, `YYYY-MM` or `YYYY`; `postcode` a UK postcode;
//! `phones` and `other_ids` are `;`-separated. A value that does not read (a date that is no
//! date, a foreign postcode, an invalid PNC id or phone number) is left out and counted.
//! OUTPUT gets `record_id,cluster_id` for every record. The last line on stderr is
//! machine-readable: `resolve_csv records=N clusters=M unread=U read_seconds=R
//! resolve_seconds=S total_seconds=T peak_rss_kib=K` (peak RSS is the process's `VmHWM`).
//!
//! Flat records come from no return, so every record is keyed under one force (the
//! registry's first) and one month with its `record_id` as reference, and
//! `Settings::same_return_cannot_link` is turned off: the rule that two references of one
//! force's return are two people describes returns, not a flat file (with it on, every cluster
//! would need all its pairs to be confident matches). Everything else is
//! `Settings::default()`. This example does not train on labels, tune per dataset or read any
//! truth.

use std::collections::HashSet;
use std::error::Error;
use std::time::Instant;

use commonware_allocator::mimalloc::MiMalloc;
use model::{PartialDate, PhoneNumber, PncId, Postcode};
use resolve::{EntityKind, Input, PersonRecord, PreviousIds, RecordKey, Settings};
use test_support::process::peak_rss_kib;

/// The allocator the `crossline` binary installs, with the same settings (`resolve::allocator`),
/// so the benchmark measures what users run.
#[global_allocator]
static ALLOCATOR: MiMalloc = MiMalloc::new(resolve::allocator::MIMALLOC);

fn main() -> Result<(), Box<dyn Error>> {
    let started = Instant::now();
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let show_stages = args.iter().any(|a| a == "--stages");
    args.retain(|a| a != "--stages");
    let [input_path, output_path] = args.as_slice() else {
        return Err("usage: resolve_csv [--stages] INPUT.csv OUTPUT.csv".into());
    };
    let (input, unread) = read(input_path)?;
    let read_seconds = started.elapsed().as_secs_f64();

    let settings = Settings {
        same_return_cannot_link: false,
        ..Settings::default()
    };
    let resolving = Instant::now();
    let mut last_stage = None;
    let resolution = resolve::resolve_with_progress(
        &input,
        &[],
        &PreviousIds::new(),
        &settings,
        &mut |stage, _, _| {
            if show_stages && last_stage != Some(stage) {
                eprintln!("  {stage} at {:.3} s", resolving.elapsed().as_secs_f64());
                last_stage = Some(stage);
            }
        },
    );
    let resolve_seconds = resolving.elapsed().as_secs_f64();

    let mut writer = csv::Writer::from_path(output_path)?;
    writer.write_record(["record_id", "cluster_id"])?;
    let mut clusters = 0;
    for entity in resolution.of_kind(EntityKind::Person) {
        clusters += 1;
        for member in &entity.members {
            writer.write_record([member.key.reference.as_str(), entity.id.as_str()])?;
        }
    }
    writer.flush()?;
    eprintln!(
        "resolve_csv records={} clusters={clusters} unread={unread} read_seconds={read_seconds:.3} resolve_seconds={resolve_seconds:.3} total_seconds={:.3} peak_rss_kib={}",
        input.persons.len(),
        started.elapsed().as_secs_f64(),
        peak_rss_kib()
    );
    Ok(())
}

/// Reads the records; returns them and the number of values that did not read.
fn read(path: &str) -> Result<(Input, usize), Box<dyn Error>> {
    let mut reader = csv::Reader::from_path(path)?;
    let headers = reader.headers()?.clone();
    let column = |name: &str| headers.iter().position(|h| h.trim() == name);
    let id_column = column("record_id")
        .or_else(|| column("unique_id"))
        .ok_or("no record_id (or unique_id) column")?;
    let columns = [
        "forenames",
        "surname",
        "dob",
        "address",
        "postcode",
        "phones",
        "pnc_id",
        "other_ids",
    ]
    .map(column);
    let force = model::force::forces()[0].code.clone();
    let period: model::Period = "2000-01".parse()?;
    let mut persons = Vec::new();
    let mut seen = HashSet::new();
    let mut unread = 0;
    for row in reader.records() {
        let row = row?;
        let value = |i: usize| {
            columns[i]
                .and_then(|c| row.get(c))
                .map(str::trim)
                .filter(|v| !v.is_empty())
        };
        let id = row.get(id_column).unwrap_or_default().trim();
        if !seen.insert(id.to_owned()) {
            return Err(format!("record_id {id} is repeated").into());
        }
        let mut record = PersonRecord::new(RecordKey::new(force.clone(), period, id));
        record.forenames = value(0).map(str::to_owned);
        record.surname = value(1).map(str::to_owned);
        record.dob = parsed::<PartialDate>(value(2), &mut unread);
        record.address = value(3).map(str::to_owned);
        record.postcode = parsed::<Postcode>(value(4), &mut unread);
        record.phone_numbers = list(value(5))
            .filter_map(|p| parsed::<PhoneNumber>(Some(p), &mut unread))
            .collect();
        record.pnc_id = parsed::<PncId>(value(6), &mut unread);
        record.other_ids = list(value(7)).map(str::to_owned).collect();
        persons.push(record);
    }
    Ok((Input::from_persons(persons), unread))
}

fn list(value: Option<&str>) -> impl Iterator<Item = &str> {
    value
        .unwrap_or_default()
        .split(';')
        .map(str::trim)
        .filter(|v| !v.is_empty())
}

fn parsed<T: std::str::FromStr>(value: Option<&str>, unread: &mut usize) -> Option<T> {
    let parsed = value?.parse().ok();
    *unread += usize::from(parsed.is_none());
    parsed
}
