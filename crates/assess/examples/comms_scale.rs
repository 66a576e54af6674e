//! Scale harness for `benches/scale.py`: a fast generator of comms-v1 CSV at any volume,
//! and the import and analysis steps each run in their own process so that each one's
//! peak memory (VmHWM) is its own.
//!
//! ```text
//! cargo run --release -p assess --example comms_scale -- gen N SEED CSV_DIR [gz]
//! cargo run --release -p assess --example comms_scale -- import CSV_DIR STORE_DIR
//! cargo run --release -p assess --example comms_scale -- analyse STORE_DIR OUT.csv
//! ```
//!
//! The generated traffic mirrors the world generator's comms (`world::comms`), without the
//! rest of a world: deal lines flare to customer lists (bursts within one 10-minute slot)
//! and take short calls from customers; each line moves number every 30–120 days (a 0–36 h
//! gap, the new number's first act a flare at its start, stragglers ringing the old number
//! for two days, the handset kept 40% of the time); two runners per line whose phones change
//! every 60–200 days and who call their own families; a controller calling the deal handset
//! and the runners; customers calling each other and a few "everybody calls" hub numbers
//! (so rarity weighting matters); lists overlap between neighbouring lines. Some numbers a
//! line or runner dropped are recycled: 90–240 days after falling silent the network
//! reissues the number to a stranger (a new handset, six friends of their own, a few
//! records a day, now and then an old customer still ringing it). The planted replacements
//! are written to `CSV_DIR/../truth.csv` (old,new) and the reissues to
//! `CSV_DIR/../recycled.csv` (number,reissued_at). `analyse` writes the replacements to
//! OUT.csv and the reissues it finds to OUT with `-recycled.csv` for its `.csv`. Each step
//! prints one line `RESULT {json}` for the script.

use std::fmt::Write as _;
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::time::Instant;

const START: i64 = 1_735_689_600; // 2025-01-01T00:00:00Z
const DAY: i64 = 86_400;
const RECORDS_PER_LINE_DAY: f64 = 250.0;
const LIST: usize = 100;
const CUSTOMERS_PER_LINE: u64 = 70;
const HUBS: u64 = 20;
/// Share of dropped numbers (deal lines' and runners') that the network reissues.
const RECYCLED_SHARE: f64 = 0.2;

struct Rng(u64);
impl Rng {
    fn new(a: u64, b: u64, c: u64) -> Rng {
        let mut r =
            Rng(a ^ b.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ c.wrapping_mul(0xC2B2_AE3D_27D4_EB4F));
        r.next();
        r
    }
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
    fn chance(&mut self, p: f64) -> bool {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64 <= p
    }
}

/// A phone number's period of use: [start, end) in seconds, with its handset.
#[derive(Clone)]
struct Segment {
    number: u64,
    start: i64,
    end: i64,
    imei: u64,
}

/// A dropped number reissued to a stranger from `start` (seconds) on.
struct Reissue {
    number: u64,
    start: i64,
    imei: u64,
    friends: Vec<u64>,
    cells: [u64; 2],
}

struct Line {
    reissued: Vec<Reissue>,
    list: Vec<u64>,
    deal: Vec<Segment>,
    runners: [Vec<Segment>; 2],
    families: [Vec<u64>; 2],
    controller: u64,
    cells: [u64; 5],
}

fn segments(
    rng: &mut Rng,
    next_id: &mut u64,
    days: i64,
    min: i64,
    max: i64,
    keep_imei: f64,
    truth: &mut Vec<(u64, u64)>,
) -> Vec<Segment> {
    let mut out: Vec<Segment> = Vec::new();
    let mut start = START + rng.below(DAY as u64) as i64;
    let end_all = START + days * DAY + DAY;
    let mut imei = 0;
    while start < end_all {
        let len = (min + rng.below((max - min) as u64) as i64) * DAY;
        let number = *next_id;
        *next_id += 1;
        if out.is_empty() || !rng.chance(keep_imei) {
            imei = number;
        }
        if let Some(prev) = out.last() {
            truth.push((prev.number, number));
        }
        let end = start + len;
        out.push(Segment {
            number,
            start,
            end,
            imei,
        });
        // The gap before the next number: 0 to 36 hours.
        start = end + rng.below(36 * 3600) as i64;
    }
    out
}

fn active(segs: &[Segment], ts: i64) -> Option<&Segment> {
    segs.iter().find(|s| s.start <= ts && ts < s.end)
}

fn phone(out: &mut String, id: u64) {
    let _ = write!(out, "+447{:09}", id);
}

fn rfc3339(out: &mut String, ts: i64) {
    let days = ts.div_euclid(DAY);
    let secs = ts.rem_euclid(DAY);
    // Civil from days (Howard Hinnant).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = if m <= 2 { y + 1 } else { y };
    let _ = write!(
        out,
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        secs / 3600,
        secs / 60 % 60,
        secs % 60
    );
}

struct Out {
    line: String,
    count: u64,
    limit: u64,
}

impl Out {
    #[allow(clippy::too_many_arguments)]
    fn rec(
        &mut self,
        w: &mut dyn Write,
        ts: i64,
        sms: bool,
        from: u64,
        to: u64,
        duration: u64,
        imei: Option<u64>,
        cell: Option<u64>,
    ) {
        if self.count >= self.limit {
            return;
        }
        let l = &mut self.line;
        l.clear();
        rfc3339(l, ts);
        l.push_str(if sms { ",sms," } else { ",call," });
        phone(l, from);
        l.push(',');
        phone(l, to);
        let _ = write!(l, ",{},", if sms { 0 } else { duration });
        if let Some(i) = imei {
            let _ = write!(l, "35{:013}", i);
        }
        l.push(',');
        if let Some(c) = cell {
            let _ = write!(
                l,
                "234-{}-{}-{}",
                10 + (c % 4) * 5,
                1000 + c / 64,
                10_000 + c
            );
        }
        l.push('\n');
        w.write_all(l.as_bytes()).expect("write csv");
        self.count += 1;
    }
}

/// A month's CSV file, plain or gzip-compressed.
enum Sink {
    Plain(BufWriter<File>),
    Gz(BufWriter<flate2::write::GzEncoder<File>>),
}

impl Sink {
    fn create(dir: &Path, month: &str, gz: bool) -> Sink {
        let name = format!("cdr-{month}.csv{}", if gz { ".gz" } else { "" });
        let file = File::create(dir.join(name)).expect("csv");
        if gz {
            let gz = flate2::write::GzEncoder::new(file, flate2::Compression::fast());
            Sink::Gz(BufWriter::with_capacity(1 << 20, gz))
        } else {
            Sink::Plain(BufWriter::with_capacity(1 << 20, file))
        }
    }

    fn writer(&mut self) -> &mut dyn Write {
        match self {
            Sink::Plain(w) => w,
            Sink::Gz(w) => w,
        }
    }

    fn finish(self) {
        match self {
            Sink::Plain(mut w) => w.flush().expect("write csv"),
            Sink::Gz(w) => {
                let gz = w
                    .into_inner()
                    .map_err(|e| e.into_error())
                    .expect("write csv");
                gz.finish().and_then(|mut f| f.flush()).expect("write csv");
            }
        }
    }
}

fn generate(n: u64, seed: u64, dir: &Path, gz: bool) {
    std::fs::create_dir_all(dir).expect("csv dir");
    let days: i64 = 365;
    let lines = ((n as f64 / (RECORDS_PER_LINE_DAY * days as f64)).ceil() as u64).max(1);
    let pool = lines * CUSTOMERS_PER_LINE + 200;
    let mut next_id = 100_000_000 + pool + HUBS; // customers 0..pool, hubs after
    let mut truth = Vec::new();
    let mut all = Vec::new();
    for l in 0..lines {
        let mut rng = Rng::new(seed, 1, l);
        let base = l * CUSTOMERS_PER_LINE;
        let mut list = Vec::with_capacity(LIST);
        while list.len() < LIST {
            let c = 100_000_000 + (base + rng.below(200)) % pool;
            if !list.contains(&c) {
                list.push(c);
            }
        }
        let deal = segments(&mut rng, &mut next_id, days, 30, 120, 0.4, &mut truth);
        let runners = [
            segments(&mut rng, &mut next_id, days, 60, 200, 0.0, &mut truth),
            segments(&mut rng, &mut next_id, days, 60, 200, 0.0, &mut truth),
        ];
        let mut family = || {
            let f: Vec<u64> = (0..6).map(|k| next_id + k).collect();
            next_id += 6;
            f
        };
        let families = [family(), family()];
        let controller = next_id;
        next_id += 1;
        let cells = [0, 1, 2, 3, 4].map(|k| 1 + l * 5 + k);
        // Some dropped numbers are reissued to strangers after a long silence (their own
        // random stream, so the rest of the traffic is as it was without them).
        let mut reissued = Vec::new();
        let mut rrng = Rng::new(seed, 3, l);
        let end_all = START + days * DAY + DAY;
        for chain in [&deal, &runners[0], &runners[1]] {
            for s in &chain[..chain.len().saturating_sub(1)] {
                if !rrng.chance(RECYCLED_SHARE) {
                    continue;
                }
                let start =
                    s.end + (90 + rrng.below(150) as i64) * DAY + rrng.below(DAY as u64) as i64;
                if start + 30 * DAY > end_all {
                    continue;
                }
                let friends: Vec<u64> = (0..6).map(|k| next_id + k).collect();
                next_id += 6;
                let imei = next_id;
                next_id += 1;
                let cells = [0, 1].map(|k| 1_000_000 + 2 * (reissued.len() as u64 + l * 64) + k);
                reissued.push(Reissue {
                    number: s.number,
                    start,
                    imei,
                    friends,
                    cells,
                });
            }
        }
        all.push(Line {
            reissued,
            list,
            deal,
            runners,
            families,
            controller,
            cells,
        });
    }
    let mut tw = BufWriter::new(File::create(dir.join("../truth.csv")).expect("truth"));
    writeln!(tw, "old,new").unwrap();
    for (o, nw) in &truth {
        let (mut a, mut b) = (String::new(), String::new());
        phone(&mut a, *o);
        phone(&mut b, *nw);
        writeln!(tw, "{a},{b}").unwrap();
    }
    tw.flush().unwrap();
    let mut rw = BufWriter::new(File::create(dir.join("../recycled.csv")).expect("recycled"));
    writeln!(rw, "number,reissued_at").unwrap();
    for r in all.iter().flat_map(|l| &l.reissued) {
        let (mut a, mut b) = (String::new(), String::new());
        phone(&mut a, r.number);
        rfc3339(&mut b, r.start);
        writeln!(rw, "{a},{b}").unwrap();
    }
    rw.flush().unwrap();

    let mut out = Out {
        line: String::with_capacity(128),
        count: 0,
        limit: n,
    };
    let mut file: Option<(i64, Sink)> = None;
    let hub = |k: u64| 100_000_000 + pool + k;
    let mut day = 0i64;
    while out.count < n {
        let d0 = START + day * DAY;
        let mut ymd = String::new();
        rfc3339(&mut ymd, d0);
        let month = ymd[..7].to_owned();
        let month_key = ymd[..4].parse::<i64>().unwrap() * 12 + ymd[5..7].parse::<i64>().unwrap();
        if file.as_ref().map(|f| f.0) != Some(month_key) {
            if let Some((_, f)) = file.take() {
                f.finish();
            }
            file = Some((month_key, Sink::create(dir, &month, gz)));
            let w = file.as_mut().unwrap().1.writer();
            w.write_all(b"started_at,kind,from_number,to_number,duration_s,from_imei,cell_id\n")
                .expect("write csv");
        }
        let w = file.as_mut().unwrap().1.writer();
        for (l, line) in all.iter().enumerate() {
            let mut rng = Rng::new(seed, 2 + day as u64, l as u64);
            let cell = |rng: &mut Rng| Some(line.cells[rng.below(5) as usize]);
            // Flares: three a day, each to ~70% of the list within one 10-minute slot.
            for _ in 0..3 {
                let t = d0 + 8 * 3600 + rng.below(14 * 6) as i64 * 600 + rng.below(200) as i64;
                if let Some(s) = active(&line.deal, t) {
                    for &c in &line.list {
                        if rng.chance(0.7) {
                            let ts = t + rng.below(300) as i64;
                            out.rec(
                                &mut *w,
                                ts,
                                true,
                                s.number,
                                c,
                                0,
                                Some(s.imei).filter(|_| rng.chance(0.5)),
                                cell(&mut rng),
                            );
                        }
                    }
                }
            }
            // A new number's first act: a flare at its start.
            for s in line
                .deal
                .iter()
                .skip(1)
                .filter(|s| s.start >= d0 && s.start < d0 + DAY)
            {
                for &c in &line.list {
                    if rng.chance(0.8) {
                        out.rec(
                            &mut *w,
                            s.start + rng.below(120) as i64,
                            true,
                            s.number,
                            c,
                            0,
                            Some(s.imei),
                            cell(&mut rng),
                        );
                    }
                }
            }
            // Stragglers ring an old number for two days after it fell silent.
            for s in line
                .deal
                .iter()
                .filter(|s| s.end <= d0 + DAY && s.end + 2 * DAY > d0)
            {
                for _ in 0..2 {
                    let ts = d0 + rng.below(DAY as u64) as i64;
                    if ts > s.end {
                        let c = line.list[rng.below(LIST as u64) as usize];
                        out.rec(&mut *w, ts, false, c, s.number, 0, None, None);
                    }
                }
            }
            // Customers' short calls to the line.
            for _ in 0..15 {
                let ts = d0 + 9 * 3600 + rng.below(14 * 3600) as i64;
                if let Some(s) = active(&line.deal, ts) {
                    let c = line.list[rng.below(LIST as u64) as usize];
                    out.rec(
                        &mut *w,
                        ts,
                        false,
                        c,
                        s.number,
                        10 + rng.below(80),
                        Some(c).filter(|_| rng.chance(0.3)),
                        None,
                    );
                }
            }
            // The handset calls the runners out; the controller calls handset and runners.
            for r in 0..2 {
                for _ in 0..2 {
                    let ts = d0 + 8 * 3600 + rng.below(16 * 3600) as i64;
                    if let (Some(s), Some(p)) =
                        (active(&line.deal, ts), active(&line.runners[r], ts))
                    {
                        out.rec(
                            &mut *w,
                            ts,
                            false,
                            s.number,
                            p.number,
                            30 + rng.below(270),
                            Some(s.imei),
                            cell(&mut rng),
                        );
                    }
                }
                let ts = d0 + 8 * 3600 + rng.below(16 * 3600) as i64;
                if let Some(p) = active(&line.runners[r], ts) {
                    out.rec(
                        &mut *w,
                        ts,
                        false,
                        line.controller,
                        p.number,
                        60 + rng.below(540),
                        Some(line.controller),
                        None,
                    );
                }
                // Runners call their families.
                for _ in 0..3 {
                    let ts = d0 + 7 * 3600 + rng.below(16 * 3600) as i64;
                    if let Some(p) = active(&line.runners[r], ts) {
                        let f = line.families[r][rng.below(6) as usize];
                        out.rec(
                            &mut *w,
                            ts,
                            rng.chance(0.5),
                            p.number,
                            f,
                            20 + rng.below(600),
                            Some(p.imei),
                            cell(&mut rng),
                        );
                    }
                }
            }
            for _ in 0..2 {
                let ts = d0 + 8 * 3600 + rng.below(16 * 3600) as i64;
                if let Some(s) = active(&line.deal, ts) {
                    out.rec(
                        &mut *w,
                        ts,
                        false,
                        line.controller,
                        s.number,
                        60 + rng.below(540),
                        Some(line.controller),
                        None,
                    );
                }
            }
            // Reissued numbers: the stranger's own traffic, and now and then an old customer
            // still ringing the line's old number.
            let mut srng = Rng::new(seed, 4_000_000 + day as u64, l as u64);
            for r in line.reissued.iter().filter(|r| r.start < d0 + DAY) {
                if r.start >= d0 {
                    out.rec(
                        &mut *w,
                        r.start,
                        false,
                        r.number,
                        r.friends[0],
                        120,
                        Some(r.imei),
                        Some(r.cells[0]),
                    );
                }
                for k in 0..5 {
                    let ts = d0 + 8 * 3600 + srng.below(14 * 3600) as i64;
                    if ts <= r.start {
                        continue;
                    }
                    let friend = r.friends[srng.below(6) as usize];
                    let sms = srng.chance(0.5);
                    let (from, to, imei, cell) = if k < 3 {
                        (
                            r.number,
                            friend,
                            Some(r.imei),
                            Some(r.cells[srng.below(2) as usize]),
                        )
                    } else {
                        (friend, r.number, None, None)
                    };
                    out.rec(&mut *w, ts, sms, from, to, 20 + srng.below(600), imei, cell);
                }
                if srng.chance(0.1) {
                    let ts = d0 + srng.below(DAY as u64) as i64;
                    if ts > r.start {
                        let c = line.list[srng.below(LIST as u64) as usize];
                        out.rec(&mut *w, ts, true, c, r.number, 0, None, None);
                    }
                }
            }
            // Customers call one another and the hubs everybody calls.
            for _ in 0..10 {
                let ts = d0 + rng.below(DAY as u64) as i64;
                let a = line.list[rng.below(LIST as u64) as usize];
                let b = if rng.chance(0.5) {
                    hub(rng.below(HUBS))
                } else {
                    line.list[rng.below(LIST as u64) as usize]
                };
                if a != b {
                    out.rec(
                        &mut *w,
                        ts,
                        rng.chance(0.5),
                        a,
                        b,
                        5 + rng.below(900),
                        None,
                        None,
                    );
                }
            }
        }
        day += 1;
    }
    if let Some((_, f)) = file.take() {
        f.finish();
    }
    println!(
        "RESULT {{\"records\": {}, \"lines\": {lines}, \"days\": {day}, \"planted\": {}}}",
        out.count,
        truth.len()
    );
}

fn peak_mib() -> f64 {
    test_support::process::peak_rss_kib() as f64 / 1024.0
}

/// Runs each query over the store (table `comms`) and prints its time, rows and the
/// process's peak memory so far: a probe for tuning the plans, not part of the benchmark.
fn probe(store: &Path, queries: &[String]) {
    use datafusion::prelude::{ParquetReadOptions, SessionConfig, SessionContext};
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(async {
        let ctx = SessionContext::new_with_config(SessionConfig::new().with_target_partitions(2));
        ctx.register_parquet(
            "comms",
            &format!("{}/", store.display()),
            ParquetReadOptions::default(),
        )
        .await
        .expect("register");
        for sql in queries {
            let started = Instant::now();
            let cpu = test_support::process::cpu_seconds();
            if let Some(set) = sql.strip_prefix("SET ") {
                ctx.sql(&format!("SET {set}")).await.expect("set");
                continue;
            }
            let df = ctx.sql(sql).await.expect("plan");
            let batches = df.collect().await.expect("run");
            let rows: usize = batches.iter().map(|b| b.num_rows()).sum();
            if sql.starts_with("EXPLAIN") || rows <= 12 {
                println!(
                    "{}",
                    datafusion::arrow::util::pretty::pretty_format_batches(&batches).unwrap()
                );
            }
            println!(
                "{:.3}s (cpu {:.2}s) {rows} rows, peak {:.0} MiB: {}",
                started.elapsed().as_secs_f64(),
                test_support::process::cpu_seconds() - cpu,
                peak_mib(),
                sql.chars().take(100).collect::<String>()
            );
        }
    });
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("gen") => generate(
            args[1].parse().expect("N"),
            args[2].parse().expect("seed"),
            Path::new(&args[3]),
            args.get(4).is_some_and(|a| a == "gz"),
        ),
        Some("import") => {
            let store = comms::CommsStore::new(PathBuf::from(&args[2]));
            let started = Instant::now();
            let report = store
                .import(&[PathBuf::from(&args[1])], comms::ImportOptions::default())
                .expect("import");
            let secs = started.elapsed().as_secs_f64();
            assert!(!report.any_rejected(), "rows rejected");
            println!(
                "RESULT {{\"rows\": {}, \"secs\": {secs:.3}, \"peak_mib\": {:.1}}}",
                report.rows_imported(),
                peak_mib()
            );
        }
        Some("analyse") => {
            let started = Instant::now();
            let analysis = assess::analyse(Path::new(&args[1]), &assess::Settings::default())
                .expect("analysis");
            let secs = started.elapsed().as_secs_f64();
            let mut f = BufWriter::new(File::create(&args[2]).expect("out"));
            writeln!(f, "old,new,score").unwrap();
            for r in &analysis.replacements {
                writeln!(f, "{},{},{:.4}", r.old_number, r.new_number, r.score).unwrap();
            }
            f.flush().unwrap();
            let recycled_path = args[2].trim_end_matches(".csv").to_owned() + "-recycled.csv";
            let mut f = BufWriter::new(File::create(recycled_path).expect("out"));
            writeln!(f, "number,reissued_at_ms").unwrap();
            for r in &analysis.recycled {
                writeln!(f, "{},{}", r.number, r.reissued_at_ms).unwrap();
            }
            f.flush().unwrap();
            let deal = analysis
                .profiles
                .iter()
                .filter(|p| p.class == assess::NumberClass::DealLine)
                .count();
            println!(
                "RESULT {{\"secs\": {secs:.3}, \"peak_mib\": {:.1}, \"numbers\": {}, \"deal\": {deal}, \"replacements\": {}, \"recycled\": {}}}",
                peak_mib(),
                analysis.profiles.len(),
                analysis.replacements.len(),
                analysis.recycled.len()
            );
        }
        Some("sql") => probe(Path::new(&args[1]), &args[2..]),
        _ => eprintln!(
            "usage: comms_scale gen N SEED CSV_DIR [gz] | import CSV_DIR STORE | analyse STORE OUT.csv \
             | sql STORE QUERY..."
        ),
    }
}
