//! Times importing one large return into a SQLite store, phase by phase, to compare with
//! `sqlite3 .import` of the same nominals as CSV.
//!
//! ```text
//! cargo run --release -p store-sqlite --example sqlite_bulk_insert -- [--rows N] [--db FILE] [--csv FILE] [--no-sources]
//! sqlite3 other.db '.import --csv FILE nominals'    # the yardstick, on the file --csv wrote
//! ```
//!
//! `--rows` is the number of nominals (default 1,000,000; the other tables follow
//! `test_support::builders::sample_return`). `--no-sources` submits without the files as
//! received, to separate the cost of storing them. It measures; it asserts nothing.

use std::path::PathBuf;
use std::time::Instant;

use store::Store;
use store::codec;
use store_sqlite::SqliteStore;
use test_support::builders::{force_analyst, sample_return, sample_submission, table_csv};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut rows = 1_000_000usize;
    let mut db = std::env::temp_dir().join("crossline-bulk-insert.db");
    let mut csv: Option<PathBuf> = None;
    let mut sources = true;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--rows" => {
                rows = args
                    .next()
                    .ok_or("--rows needs a number")?
                    .replace('_', "")
                    .parse()?
            }
            "--db" => db = args.next().ok_or("--db needs a path")?.into(),
            "--csv" => csv = Some(args.next().ok_or("--csv needs a path")?.into()),
            "--no-sources" => sources = false,
            other => return Err(format!("unknown argument {other:?}").into()),
        }
    }
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", db.display()));
    }

    let started = Instant::now();
    let ret = sample_return("merseyside", "2026-02", rows);
    let mut submission = sample_submission(&ret);
    if !sources {
        submission.files.clear();
    }
    println!(
        "built a return of {} records ({} nominals, {} MB of source files) in {:.2?}",
        ret.record_count(),
        ret.nominals.len(),
        submission.size_bytes() / 1_000_000,
        started.elapsed()
    );

    let started = Instant::now();
    let encoded: usize = ret
        .nominals
        .iter()
        .map(|n| codec::encode_nominal(n).len())
        .sum();
    println!(
        "encoding the nominals alone ({encoded} values) takes {:.2?}",
        started.elapsed()
    );

    if let Some(path) = &csv {
        std::fs::write(
            path,
            table_csv(
                codec::NOMINAL_COLUMNS,
                ret.nominals.iter().map(codec::encode_nominal),
            ),
        )?;
        println!("wrote {} for sqlite3 .import", path.display());
    }

    let actor = force_analyst("bench", "merseyside");
    let mut store = SqliteStore::open(&db)?;
    let started = Instant::now();
    let outcome = store.submit_return(&actor, &submission, &ret)?;
    let took = started.elapsed();
    println!(
        "submit_return: {took:.2?} ({:.0} nominal rows/s over the whole return) -> {outcome:?}",
        rows as f64 / took.as_secs_f64()
    );

    let store::SubmitOutcome::Accepted { return_id, .. } = outcome else {
        return Err("the return was not stored".into());
    };
    let started = Instant::now();
    let (_, back) = store.load_return(&actor, return_id)?;
    println!(
        "load_return: {:.2?}, equal: {}",
        started.elapsed(),
        back == ret
    );
    let size = std::fs::metadata(&db)?.len()
        + std::fs::metadata(format!("{}-wal", db.display())).map_or(0, |m| m.len());
    println!("database {} is {} MB", db.display(), size / 1_000_000);
    Ok(())
}
