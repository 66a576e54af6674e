//! Quality and time of the communications analysis on a medium world, scored against its
//! truth: deal-line classification and replacements (switch time within 3 days), with the
//! issue's goals (F1 ≥ 0.97 and ≥ 0.95), and the detection of recycled numbers.
//!
//! `cargo bench -p assess --bench quality` generates a medium world (seed 1) in a temporary
//! folder; set `CROSSLINE_BENCH_WORLD=/path/to/world` to score an existing one instead, and
//! `CROSSLINE_BENCH_SIZE=small` for a quick run. Prints; asserts nothing.
//!
//! It analyses the world twice: as generated, then with recycled numbers planted. The world
//! generator plants none, so the bench picks, from the imported data itself (never from the
//! truth), every fourth number that originated at least 50 records and then fell silent for
//! good at least 150 days before the data end: those are the numbers lines and people
//! dropped. It reissues each 90 to 119 days after its last record to a stranger (a handset
//! of their own, six friends on numbers the world does not use, a few calls and messages a
//! day to the end of the data), imports that traffic as one more file and analyses again.
//! The truth's replacements are unchanged by this, so the replacement score must hold; the
//! classes are scored on each number's first subscriber (epoch 0), the one the truth
//! describes; and the reissues found are scored against those planted.

use std::collections::HashSet;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::time::Instant;

use assess::{Analysis, NumberClass, Settings, analyse};
use comms::{CommsStore, ImportOptions};
use datafusion::arrow::array::AsArray;
use datafusion::arrow::compute::cast;
use datafusion::arrow::datatypes::{DataType, Int64Type};
use datafusion::prelude::{ParquetReadOptions, SessionContext};
use test_support::comms_score::{
    read_number_kinds, read_replacements, score_class, score_replacements,
};

const DAY_MS: i64 = 86_400_000;

fn main() {
    let tmp = tempfile::tempdir().expect("a temporary folder");
    let world_dir: PathBuf = match std::env::var_os("CROSSLINE_BENCH_WORLD") {
        Some(dir) => PathBuf::from(dir),
        None => {
            let size = match std::env::var("CROSSLINE_BENCH_SIZE").as_deref() {
                Ok("small") => world::Size::Small,
                _ => world::Size::Medium,
            };
            let dir = tmp.path().join("world");
            let started = Instant::now();
            world::generate(
                &world::WorldConfig {
                    size,
                    seed: 1,
                    nominals: None,
                    xlsx_share: 0.25,
                    comms: true,
                },
                &dir,
                &mut |_| {},
            )
            .expect("world generated");
            println!("world generated in {:.1}s", started.elapsed().as_secs_f64());
            dir
        }
    };
    let store = CommsStore::new(tmp.path().join("comms"));
    let started = Instant::now();
    let report = store
        .import(&[world_dir.join("comms")], ImportOptions::default())
        .expect("import");
    let import_secs = started.elapsed().as_secs_f64();
    println!(
        "import: {} rows from {} files in {import_secs:.2}s ({:.0} rows/s)",
        report.rows_imported(),
        report.files.len(),
        report.rows_imported() as f64 / import_secs
    );

    println!("\n== the world as generated");
    let analysis = run(&store);
    score(&world_dir, &analysis, &[], &HashSet::new());

    println!("\n== with recycled numbers planted");
    let (planted, strangers) = plant_recycled(&store, &tmp.path().join("recycled"));
    let analysis = run(&store);
    score(&world_dir, &analysis, &planted, &strangers);
}

fn run(store: &CommsStore) -> Analysis {
    let started = Instant::now();
    let analysis = analyse(store.dir(), &Settings::default()).expect("analysis");
    println!(
        "analysis: {} profiles, {} replacements, {} recycled numbers in {:.2}s",
        analysis.profiles.len(),
        analysis.replacements.len(),
        analysis.recycled.len(),
        started.elapsed().as_secs_f64()
    );
    analysis
}

/// Scores `analysis`; `strangers` are the planted subscribers' friends, numbers the truth
/// cannot know, left out of the class scores.
fn score(
    world_dir: &Path,
    analysis: &Analysis,
    planted: &[(String, i64)],
    strangers: &HashSet<String>,
) {
    let kinds = read_number_kinds(world_dir).expect("truth/numbers.csv");
    // The truth describes each number's first subscriber only.
    let predicted: Vec<(String, String)> = analysis
        .profiles
        .iter()
        .filter(|p| p.epoch == 0 && !strangers.contains(&p.number))
        .map(|p| (p.number.clone(), p.class.as_str().to_owned()))
        .collect();
    for kind in ["deal", "personal", "customer"] {
        println!("class {kind:<8}: {}", score_class(&predicted, &kinds, kind));
    }
    let truth = read_replacements(world_dir).expect("truth/replacements.csv");
    let found: Vec<(String, String, i64)> = analysis
        .replacements
        .iter()
        .filter(|r| r.class == NumberClass::DealLine)
        .map(|r| {
            (
                r.old_number.clone(),
                r.new_number.clone(),
                r.switched_at_ms.div_euclid(1000),
            )
        })
        .collect();
    let replacements = score_replacements(&found, &truth, 3 * 86_400);
    println!("replacements (switch within 3 days): {replacements}");
    let right = analysis
        .recycled
        .iter()
        .filter(|r| {
            planted
                .iter()
                .any(|(n, at)| *n == r.number && (r.reissued_at_ms - at).abs() <= 3 * DAY_MS)
        })
        .count();
    println!(
        "recycled numbers: {} planted, {} found, {right} right (reissue within 3 days)",
        planted.len(),
        analysis.recycled.len()
    );
    let deal = score_class(&predicted, &kinds, "deal");
    println!(
        "goals: deal-line F1 {:.4} (goal 0.97) {}; replacements F1 {:.4} (goal 0.95) {}",
        deal.f1,
        if deal.f1 >= 0.97 { "met" } else { "NOT met" },
        replacements.f1,
        if replacements.f1 >= 0.95 {
            "met"
        } else {
            "NOT met"
        },
    );
}

/// Plants recycled numbers in `store` (see the file's comment); returns each reissued number
/// with the time of its first new record (epoch ms), and the strangers' friends' numbers.
fn plant_recycled(store: &CommsStore, dir: &Path) -> (Vec<(String, i64)>, HashSet<String>) {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    let (silent, seen, end) = runtime.block_on(async {
        let ctx = SessionContext::new();
        ctx.register_parquet(
            "comms",
            &format!("{}/", store.dir().display()),
            ParquetReadOptions::default(),
        )
        .await
        .expect("register");
        let rows = |sql: &'static str| {
            let ctx = ctx.clone();
            async move {
                ctx.sql(sql)
                    .await
                    .expect("plan")
                    .collect()
                    .await
                    .expect("run")
            }
        };
        let end = rows("SELECT CAST(MAX(started_at) AS BIGINT) AS end_ms FROM comms").await;
        let end = int_column(&end[0], 0)[0];
        let mut silent = Vec::new();
        for b in rows(
            "SELECT from_number, CAST(MAX(started_at) AS BIGINT) AS last_ms FROM comms \
             GROUP BY from_number HAVING COUNT(*) >= 50 ORDER BY from_number",
        )
        .await
        {
            let numbers = cast(b.column(0), &DataType::Utf8).expect("text");
            let numbers = numbers.as_string::<i32>();
            let last = int_column(&b, 1);
            for r in 0..b.num_rows() {
                if last[r] < end - 150 * DAY_MS {
                    silent.push((numbers.value(r).to_owned(), last[r]));
                }
            }
        }
        let mut seen = HashSet::new();
        for b in rows("SELECT from_number AS n FROM comms UNION SELECT to_number FROM comms").await
        {
            let numbers = cast(b.column(0), &DataType::Utf8).expect("text");
            let numbers = numbers.as_string::<i32>();
            seen.extend((0..b.num_rows()).map(|r| numbers.value(r).to_owned()));
        }
        (silent, seen, end)
    });

    let mut csv =
        String::from("started_at,kind,from_number,to_number,duration_s,from_imei,cell_id\n");
    let mut planted = Vec::new();
    let mut strangers = HashSet::new();
    let mut next_friend = 0u64;
    let mut friend = || loop {
        next_friend += 1;
        let number = format!("+447{:09}", 999_000_000 + next_friend);
        if !seen.contains(&number) {
            return number;
        }
    };
    for (k, (number, last)) in silent.iter().enumerate().filter(|(k, _)| k % 4 == 0) {
        let start = last + (90 + (k as i64 % 30)) * DAY_MS + 3_600_000 * (k as i64 % 11);
        if start > end - 30 * DAY_MS {
            continue;
        }
        let friends: Vec<String> = (0..6).map(|_| friend()).collect();
        strangers.extend(friends.iter().cloned());
        let imei = format!("35999{:010}", k);
        let cell = format!("234-99-{}-{}", 100 + k, 1);
        let mut at = start;
        let mut i = 0usize;
        while at < end {
            let f = &friends[i % friends.len()];
            let kind = if i % 3 == 0 { "sms" } else { "call" };
            let duration = if kind == "sms" { 0 } else { 30 + (i % 500) };
            // Out from the stranger's handset, then a friend calling back an hour later.
            writeln_record(&mut csv, at, kind, number, f, duration, &imei, &cell);
            writeln_record(&mut csv, at + 3_600_000, kind, f, number, duration, "", "");
            i += 1;
            // Two or three exchanges a day.
            at += 8 * 3_600_000 + (i as i64 % 5) * 1_800_000;
        }
        planted.push((number.clone(), start));
    }
    std::fs::create_dir_all(dir).expect("folder");
    let path = dir.join("cdr-recycled.csv");
    std::fs::write(&path, csv).expect("write");
    let report = store
        .import(&[path], ImportOptions::default())
        .expect("import");
    assert!(!report.any_rejected(), "planted rows rejected");
    println!(
        "planted {} recycled numbers ({} rows) among {} numbers that fell silent",
        planted.len(),
        report.rows_imported(),
        silent.len()
    );
    (planted, strangers)
}

#[allow(clippy::too_many_arguments)]
fn writeln_record(
    out: &mut String,
    at_ms: i64,
    kind: &str,
    from: &str,
    to: &str,
    duration: usize,
    imei: &str,
    cell: &str,
) {
    let at = chrono::DateTime::<chrono::Utc>::from_timestamp_millis(at_ms)
        .expect("a time")
        .format("%Y-%m-%dT%H:%M:%SZ");
    let _ = writeln!(out, "{at},{kind},{from},{to},{duration},{imei},{cell}");
}

fn int_column(batch: &datafusion::arrow::array::RecordBatch, i: usize) -> Vec<i64> {
    let values = cast(batch.column(i), &DataType::Int64).expect("integers");
    let values = values.as_primitive::<Int64Type>();
    (0..values.len()).map(|r| values.value(r)).collect()
}
