//! Times importing one large return into a PostgreSQL store, phase by phase.
//!
//! ```text
//! cargo run --release -p store-postgres --example postgres_bulk_insert -- [--rows N] [--no-sources]
//! ```
//!
//! It creates a throw-away database on the test server (`TEST_DATABASE_URL`, or the local
//! default) with `test_support::db::TestDb`, and drops it afterwards. `--rows` is the number of
//! nominals (default 1,000,000). `--no-sources` submits without the files as received, to
//! separate the cost of storing them. It measures; it asserts nothing.

use std::time::Instant;

use store::Store;
use store_postgres::PostgresStore;
use test_support::builders::{force_analyst, sample_return, sample_submission};
use test_support::db::TestDb;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut rows = 1_000_000usize;
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
            "--no-sources" => sources = false,
            other => return Err(format!("unknown argument {other:?}").into()),
        }
    }
    let db = TestDb::postgres().ok_or("PostgreSQL is skipped (CROSSLINE_SKIP_POSTGRES)")?;

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

    let actor = force_analyst("bench", "merseyside");
    let mut store = PostgresStore::connect(&db.location())?;
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
    Ok(())
}
