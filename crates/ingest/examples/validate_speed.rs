//! Times [`ingest::parse_return`] on a synthetic return of N nominal rows (default 1,000,000),
//! held in memory as a folder of CSV files, so that importer speed can be checked without a
//! benchmark harness: `cargo run --release -p ingest --example validate_speed -- 1000000`.
//!
//! Pass `--write DIR` to also write the generated CSV files there (to compare with, say,
//! `sqlite3 :memory: '.import --csv DIR/nominals.csv nominals'`). It measures reading and
//! validation only: no disk, no store.

use std::time::Instant;

use ingest::{Limits, parse_return, submission_from_memory};
use model::submission::{Container, SourceFile};

fn main() {
    let mut args = std::env::args().skip(1);
    let mut n_rows: usize = 1_000_000;
    let mut write_to = None;
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--write" => write_to = args.next(),
            number => {
                n_rows = number
                    .replace('_', "")
                    .parse()
                    .expect("usage: validate_speed [N] [--write DIR]")
            }
        }
    }
    let n_lines = (n_rows / 100).max(1);

    let started = Instant::now();
    let mut lines = String::from("line_ref,line_name,deal_numbers,status,grading\n");
    for i in 0..n_lines {
        lines.push_str(&format!(
            "L{i},Line {i},07700 9{:05},active_investigation,2-B-P\n",
            i % 100_000
        ));
    }
    let mut nominals = String::with_capacity(n_rows * 200);
    nominals.push_str(
        "nominal_ref,surname,forenames,aliases,dob,gender,pnc_id,address,postcode,phone_numbers,role,line_refs,\
         times_come_to_notice,last_contact,vulnerabilities,grading,notes\n",
    );
    for i in 0..n_rows {
        let line = i % n_lines;
        nominals.push_str(&format!(
            "N{i},Smith{},John Paul,JP;Smithy,{}-0{}-1{},male,19/{:07}A,\"{} Dale Street, Liverpool\",L{} {}DH,\
             07700 9{:05};+44 7700 8{:05},runner,L{line};L{},{},2026-03-2{},missing_episodes:{};looked_after,2-B-P,seen\n",
            i % 997,
            1990 + i % 20,
            1 + i % 9,
            i % 10,
            i % 10_000_000,
            i % 300,
            1 + i % 9,
            i % 10,
            i % 100_000,
            (i * 7) % 100_000,
            (line + 1) % n_lines,
            i % 30,
            i % 10,
            i % 5,
        ));
    }
    let return_csv =
        "key,value\nforce,merseyside\nperiod,2026-03\nversion,1\nsubmitted_by,speed test\n";
    let files = vec![
        SourceFile {
            name: "return.csv".into(),
            bytes: return_csv.as_bytes().to_vec(),
        },
        SourceFile {
            name: "lines.csv".into(),
            bytes: lines.into_bytes(),
        },
        SourceFile {
            name: "nominals.csv".into(),
            bytes: nominals.into_bytes(),
        },
    ];
    if let Some(dir) = write_to {
        std::fs::create_dir_all(&dir).expect("create output folder");
        for file in &files {
            std::fs::write(std::path::Path::new(&dir).join(&file.name), &file.bytes)
                .expect("write CSV");
        }
    }
    let total_bytes: usize = files.iter().map(|file| file.bytes.len()).sum();
    eprintln!(
        "generated {n_rows} nominal rows ({:.1} MB) in {:.2?}",
        total_bytes as f64 / 1e6,
        started.elapsed()
    );

    let started = Instant::now();
    let submission = submission_from_memory("synthetic", Container::CsvFolder, files);
    let hashed = started.elapsed();

    let started = Instant::now();
    let cpu_before = cpu_seconds();
    let parsed = parse_return(&submission, &Limits::default());
    let elapsed = started.elapsed();
    let cpu = cpu_seconds()
        .zip(cpu_before)
        .map(|(after, before)| after - before);
    for problem in parsed.problems.iter().take(5) {
        eprintln!("problem: {problem}");
    }
    let ret = parsed.ret.expect("the synthetic return is valid");
    println!(
        "parse_return: {} nominals + {} lines in {:.3?} wall, {} CPU ({:.0} rows/s, {:.0} MB/s) on {} threads; sha256 {:.3?}",
        ret.nominals.len(),
        ret.lines.len(),
        elapsed,
        cpu.map_or("unknown".to_string(), |cpu| format!("{cpu:.2}s")),
        (ret.nominals.len() + ret.lines.len()) as f64 / elapsed.as_secs_f64(),
        total_bytes as f64 / 1e6 / elapsed.as_secs_f64(),
        rayon::current_num_threads(),
        hashed,
    );
}

/// This process's user and system CPU time so far, in seconds (Linux only): on a shared
/// machine wall time says more about the neighbours than about the code.
fn cpu_seconds() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // Fields after the command name, which is in parentheses and may hold spaces.
    let fields: Vec<&str> = stat.rsplit_once(')')?.1.split_whitespace().collect();
    let user: f64 = fields.get(11)?.parse().ok()?;
    let system: f64 = fields.get(12)?.parse().ok()?;
    // The kernel counts in clock ticks, 100 a second on every Linux we run on.
    Some((user + system) / 100.0)
}
