//! Times saving a national resolution run into a SQLite store, and reading its memberships
//! back, to check that a million memberships stay a matter of seconds.
//!
//! ```text
//! cargo run --release -p store-sqlite --example sqlite_save_resolution -- [--members N] [--db FILE]
//! ```
//!
//! `--members` is the number of memberships (default 1,000,000), spread over every force and
//! twelve periods; the run also holds a review pair per hundred members and an alert per twenty.
//! The run is saved twice, into empty tables and then over itself, since a re-run must first
//! clear the last run. It measures; it asserts nothing.

use std::time::Instant;

use chrono::Utc;
use model::{Actor, Scope};
use store::{
    Alert, EntityMember, Recipient, RecordRef, ResolutionRun, ReviewPair, Severity, Store,
};
use store_sqlite::SqliteStore;

/// A run of `n` memberships, its entity ids in no particular order, as a resolver's would be.
fn national_run(n: usize) -> ResolutionRun {
    let forces = model::force::forces();
    let record = |i: usize| RecordRef {
        force: forces[i % forces.len()].code.clone(),
        period: model::Period::new(2025, (i / forces.len() % 12) as u32 + 1).expect("a month"),
        reference: format!("N{i}"),
    };
    let entity = |i: usize| format!("P{:08}", (i / 3).wrapping_mul(2_654_435_761) % 100_000_000);
    ResolutionRun {
        members: (0..n)
            .map(|i| EntityMember {
                entity_id: entity(i),
                kind: "person".to_string(),
                record: record(i),
            })
            .collect(),
        review: (0..n / 100)
            .map(|i| ReviewPair {
                pair_id: format!("R{i}"),
                kind: "person".to_string(),
                a: record(i * 100),
                b: record(i * 100 + 1),
                probability: (i % 1000) as f64 / 1000.0,
                explanation: "surname jaro-winkler 0.94: +3.20\ndob year only: +1.10".to_string(),
            })
            .collect(),
        alerts: (0..n / 20)
            .map(|i| {
                let holder = record(i * 20);
                Alert {
                    alert_id: format!("{}>{}", entity(i * 20), holder.force),
                    entity_id: entity(i * 20),
                    kind: "person".to_string(),
                    topic: store::AlertTopic::Deconfliction,
                    severity: Severity::Shared,
                    recipient: Recipient::Force(holder.force.clone()),
                    forces: vec![holder.force.clone(), record(i * 20 + 1).force],
                    active_forces: Vec::new(),
                    first_seen: holder.period,
                    last_seen: holder.period,
                    raised_at: Utc::now(),
                    summary: format!("person {} is held by two forces", entity(i * 20)),
                }
            })
            .collect(),
        model: "{}".to_string(),
    }
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut members = 1_000_000usize;
    let mut db = std::env::temp_dir().join("crossline-save-resolution.db");
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--members" => {
                members = args
                    .next()
                    .ok_or("--members needs a number")?
                    .replace('_', "")
                    .parse()?
            }
            "--db" => db = args.next().ok_or("--db needs a path")?.into(),
            other => return Err(format!("unknown argument {other:?}").into()),
        }
    }
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", db.display()));
    }

    let started = Instant::now();
    let run = national_run(members);
    println!(
        "built a run of {} members, {} review pairs and {} alerts in {:.2?}",
        run.members.len(),
        run.review.len(),
        run.alerts.len(),
        started.elapsed()
    );
    let mut store = SqliteStore::open(&db)?;
    let nat = Actor::national("bench");
    for what in ["into empty tables", "over the last run"] {
        let started = Instant::now();
        store.save_resolution(&nat, &run)?;
        println!("saved {what} in {:.2?}", started.elapsed());
    }
    let started = Instant::now();
    let all = store.entity_members(&nat, &Scope::National)?;
    println!(
        "read {} members nationally in {:.2?}",
        all.len(),
        started.elapsed()
    );
    let merseyside: model::ForceCode = "merseyside".parse()?;
    let started = Instant::now();
    let one = store.entity_members(&nat, &Scope::Force(merseyside))?;
    println!(
        "read {} members of one force in {:.2?}",
        one.len(),
        started.elapsed()
    );
    let started = Instant::now();
    let alerts = store.alerts(&nat, None)?;
    println!("read {} alerts in {:.2?}", alerts.len(), started.elapsed());
    Ok(())
}
