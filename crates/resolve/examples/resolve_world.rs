//! Resolves a generated world's returns end to end, for the speed and memory benchmark against
//! Splink (`benches/splink/scale.py`); or flattens the world's nominal records to one CSV for
//! Splink to read.
//!
//! `cargo run --release -p resolve --example resolve_world -- --world DIR --out CLUSTERS.csv
//! [--stages]` (`--stages` reports when each stage of the run starts, with the processor time
//! used so far, then the profiles, pairs compared and links kept)
//! reads every return under `DIR/returns` with the `ingest` crate, one per core at a time
//! (keeping each return until its records are moved into the input), resolves with
//! `Settings::default()` (people, lines, places, vehicles and numbers: the whole pipeline) and
//! writes `record_id,cluster_id` for every person record, the record id being
//! `force/period/nominal_ref`. The last line on stderr is machine-readable: `resolve_world
//! records=N clusters=M read_seconds=R resolve_seconds=S total_seconds=T peak_rss_kib=K
//! read_peak_rss_kib=P` (`VmHWM`, the process's peak resident memory, at the end and after
//! reading). The benchmark builds it with `--profile dist`, the deployment build.
//!
//! `... -- --world DIR --flatten FLAT.csv` instead writes the same person records, as the
//! importer read them, with the columns `unique_id, forenames, surname, dob, postcode, phone,
//! phones, pnc_id, address` (`phone` the first number, `phones` all of them `;`-separated),
//! and resolves nothing.
//!
//! It never reads the world's truth: scoring is the benchmark script's job.

use std::error::Error;
use std::fmt::Write as _;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::time::Instant;

use commonware_allocator::mimalloc::MiMalloc;
use model::Return;
use rayon::prelude::*;
use resolve::{EntityKind, Input, PreviousIds, Settings};
use test_support::process::{cpu_seconds, peak_rss_kib};

/// The allocator the `crossline` binary installs, with the same settings (`resolve::allocator`),
/// so the benchmark measures what users run.
#[global_allocator]
static ALLOCATOR: MiMalloc = MiMalloc::new(resolve::allocator::MIMALLOC);

fn main() -> Result<(), Box<dyn Error>> {
    let started = Instant::now();
    let args: Vec<String> = std::env::args().skip(1).collect();
    let value = |flag: &str| {
        args.iter()
            .position(|a| a == flag)
            .and_then(|i| args.get(i + 1))
            .cloned()
    };
    let world = PathBuf::from(value("--world").ok_or("--world DIR is required")?);
    let input = read_world(&world)?;
    let read_seconds = started.elapsed().as_secs_f64();
    let read_peak = peak_rss_kib();

    if let Some(flat) = value("--flatten") {
        return flatten(&input, Path::new(&flat));
    }
    let out = value("--out").ok_or("--out CLUSTERS.csv or --flatten FLAT.csv is required")?;
    let resolving = Instant::now();
    let show_stages = args.iter().any(|a| a == "--stages");
    let mut last_stage = None;
    let resolution = resolve::resolve_with_progress(
        &input,
        &[],
        &PreviousIds::new(),
        &Settings::default(),
        &mut |stage, _, _| {
            if show_stages && last_stage != Some(stage) {
                eprintln!(
                    "  {stage} at {:.3} s (processor time so far {:.3} s)",
                    resolving.elapsed().as_secs_f64(),
                    cpu_seconds()
                );
                last_stage = Some(stage);
            }
        },
    );
    let resolve_seconds = resolving.elapsed().as_secs_f64();
    if show_stages {
        let s = &resolution.stats;
        eprintln!(
            "  person profiles {}, pairs compared {}, links {}, oversized blocks {}; line pairs compared {}",
            s.person_profiles,
            s.person_pairs_compared,
            s.person_links,
            s.person_oversized_blocks,
            s.line_pairs_compared
        );
    }
    let records = input.persons.len();
    // The process ends soon: its memory goes back to the operating system whole, rather than
    // a million small allocations freed one by one.
    std::mem::forget(input);

    // The rows are made side by side, a chunk of entities each, then written in order.
    let people: Vec<&resolve::Entity> = resolution.of_kind(EntityKind::Person).collect();
    let clusters = people.len();
    let chunks: Vec<Vec<u8>> = people
        .par_chunks(4096)
        .map(|chunk| -> Result<Vec<u8>, Box<dyn Error + Send + Sync>> {
            let mut writer = csv::Writer::from_writer(Vec::new());
            // The key as it displays itself, formatted whole only where the force or period
            // changes: the members after it (most of a cluster's) swap the reference alone.
            let (mut record_id, mut prefix_len, mut prefix_of) = (String::new(), 0, None);
            for entity in chunk {
                for member in &entity.members {
                    let key = &member.key;
                    if prefix_of != Some((&key.force, key.period)) {
                        record_id.clear();
                        write!(record_id, "{key}")?;
                        prefix_len = record_id.len() - key.reference.len();
                        prefix_of = Some((&key.force, key.period));
                    }
                    record_id.truncate(prefix_len);
                    record_id.push_str(&key.reference);
                    writer.write_record([record_id.as_str(), entity.id.as_str()])?;
                }
            }
            Ok(writer.into_inner().map_err(|e| e.to_string())?)
        })
        .collect::<Result<_, _>>()
        .map_err(|e| e.to_string())?;
    let mut file = std::io::BufWriter::new(std::fs::File::create(&out)?);
    file.write_all(b"record_id,cluster_id\n")?;
    for chunk in &chunks {
        file.write_all(chunk)?;
    }
    file.flush()?;
    drop(people);
    // The process ends here: leave the resolution's memory to the operating system rather
    // than free a million small allocations one by one.
    std::mem::forget(resolution);
    eprintln!(
        "resolve_world records={records} clusters={clusters} read_seconds={read_seconds:.3} resolve_seconds={resolve_seconds:.3} total_seconds={:.3} peak_rss_kib={} read_peak_rss_kib={read_peak}",
        started.elapsed().as_secs_f64(),
        peak_rss_kib(),
    );
    Ok(())
}

/// Reads every return of the world (two at a time or more, one per core), then collects
/// their records with `resolve::input_from_returns`, as the engine does.
fn read_world(dir: &Path) -> Result<Input, Box<dyn Error>> {
    let limits = ingest::Limits::default();
    let (found, problems) = ingest::discover(&[dir.join("returns")]);
    if !problems.is_empty() {
        return Err(format!("{problems:?}").into());
    }
    let returns: Vec<Return> = found
        .par_iter()
        .map(|f| {
            let submission = ingest::read_submission(f, &limits).map_err(|e| e.to_string())?;
            let parsed = ingest::parse_return(&submission, &limits);
            drop(submission);
            parsed
                .ret
                .ok_or_else(|| format!("{} rejected", f.path.display()))
        })
        .collect::<Result<_, String>>()?;
    Ok(resolve::input_from_returns(returns))
}

/// Writes the person records as one flat CSV.
fn flatten(input: &Input, path: &Path) -> Result<(), Box<dyn Error>> {
    let mut writer = csv::Writer::from_path(path)?;
    writer.write_record([
        "unique_id",
        "forenames",
        "surname",
        "dob",
        "postcode",
        "phone",
        "phones",
        "pnc_id",
        "address",
    ])?;
    let text = |v: &Option<String>| v.clone().unwrap_or_default();
    for p in &input.persons {
        let phones: Vec<&str> = p.phone_numbers.iter().map(|n| n.as_str()).collect();
        writer.write_record([
            p.key.to_string(),
            text(&p.forenames),
            text(&p.surname),
            p.dob.map(|d| d.to_string()).unwrap_or_default(),
            p.postcode
                .as_ref()
                .map(|c| c.to_string())
                .unwrap_or_default(),
            phones.first().map(|n| n.to_string()).unwrap_or_default(),
            phones.join(";"),
            p.pnc_id.as_ref().map(|c| c.to_string()).unwrap_or_default(),
            text(&p.address),
        ])?;
    }
    writer.flush()?;
    Ok(())
}
