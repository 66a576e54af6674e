//! Import benchmark: validates, normalises and stores about 1,000,000 nominal rows from CSV
//! returns into SQLite, and loads the very same CSV files with `sqlite3`'s own `.import`
//! (no validation, no normalisation) in the same run, printing both and their ratio.
//!
//! Run with `cargo bench -p cli --bench import`; set `CROSSLINE_BENCH_NOMINALS` for another
//! size. It needs the `sqlite3` command (Debian package `sqlite3`). The machine is shared and
//! noisy, so the ratio measured in one run is the figure to quote, not the seconds.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

fn main() {
    let nominals: usize = std::env::var("CROSSLINE_BENCH_NOMINALS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1_000_000);
    let dir = tempfile::tempdir().expect("a temporary folder");
    let world_dir = dir.path().join("world");

    eprintln!("generating a world with about {nominals} nominal rows (CSV only)…");
    let started = Instant::now();
    let config = world::WorldConfig {
        size: world::Size::Small,
        seed: 7,
        nominals: Some(nominals),
        xlsx_share: 0.0,
        comms: false,
    };
    let stats = world::generate(&config, &world_dir, &mut |_| {}).expect("world generation");
    eprintln!(
        "  {} returns, {} nominal rows in {:.1} s",
        stats.returns,
        stats.nominal_rows,
        started.elapsed().as_secs_f64()
    );

    let csv_files = csv_files(&world_dir.join("returns"));
    let csv_bytes: u64 = csv_files
        .iter()
        .map(|p| std::fs::metadata(p).map(|m| m.len()).unwrap_or(0))
        .sum();

    // crossline: discover, read, validate, normalise, store.
    let db_path = dir.path().join("crossline.db");
    let settings =
        store::StoreSettings::parse(db_path.to_str().expect("utf-8 path")).expect("settings");
    let mut store = engine::open_store(&settings).expect("open store");
    let actor = model::Actor::national("bench");
    let started = Instant::now();
    let reports = engine::import(
        &mut *store,
        &actor,
        &[world_dir.join("returns")],
        &ingest::Limits::default(),
        &mut |_| {},
    )
    .expect("import");
    let ours = started.elapsed().as_secs_f64();
    let rejected = reports.iter().filter(|r| r.is_rejected()).count();
    assert_eq!(rejected, 0, "every generated return must be accepted");
    drop(store);
    let stored_nominals = count_rows(&db_path, "SELECT count(*) FROM nominals");

    // sqlite3 .import of the same CSV files, one table per file, unvalidated.
    let raw_db = dir.path().join("raw.db");
    let mut script = String::from("PRAGMA journal_mode=WAL;\nPRAGMA synchronous=NORMAL;\n");
    for (i, file) in csv_files.iter().enumerate() {
        script.push_str(&format!(".import --csv '{}' t{i}\n", file.display()));
    }
    let started = Instant::now();
    let mut child = Command::new("sqlite3")
        .arg(&raw_db)
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .expect("the sqlite3 command (apt-get install sqlite3)");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(script.as_bytes())
        .expect("script");
    let status = child.wait().expect("sqlite3 ran");
    let raw = started.elapsed().as_secs_f64();
    assert!(status.success(), "sqlite3 .import failed");

    let peak_mib = peak_rss_mib();
    println!(
        "import benchmark: {} returns, {} CSV files, {:.1} MiB of CSV",
        stats.returns,
        csv_files.len(),
        csv_bytes as f64 / 1048576.0
    );
    println!("  nominal rows stored           {stored_nominals}");
    println!(
        "  crossline import (validated)  {ours:>8.2} s  {:>10.0} nominal rows/s",
        stored_nominals as f64 / ours
    );
    println!(
        "  sqlite3 .import (raw)         {raw:>8.2} s  {:>10.0} nominal rows/s",
        stored_nominals as f64 / raw
    );
    println!(
        "  ratio crossline / sqlite3     {:>8.2}x (goal: at most 3x)",
        ours / raw
    );
    if let Some(peak) = peak_mib {
        println!("  peak memory of this process   {peak:>8.0} MiB");
    }
}

fn csv_files(root: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).expect("read_dir").flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "csv") {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}

fn count_rows(db: &Path, sql: &str) -> u64 {
    let out = Command::new("sqlite3")
        .arg(db)
        .arg(sql)
        .output()
        .expect("sqlite3");
    String::from_utf8_lossy(&out.stdout)
        .trim()
        .parse()
        .unwrap_or(0)
}

/// Peak resident memory of this process, from /proc (Linux only).
fn peak_rss_mib() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib / 1024.0)
}
