//! Quality and time of the communications analysis on a medium world, scored against its
//! truth: deal-line classification and replacements (switch time within 3 days), with the
//! issue's goals (F1 ≥ 0.97 and ≥ 0.95).
//!
//! `cargo bench -p assess --bench quality` generates a medium world (seed 1) in a temporary
//! folder; set `CROSSLINE_BENCH_WORLD=/path/to/world` to score an existing one instead, and
//! `CROSSLINE_BENCH_SIZE=small` for a quick run. Prints; asserts nothing.

use std::path::{Path, PathBuf};
use std::time::Instant;

use assess::{NumberClass, Settings, analyse};
use comms::{CommsStore, ImportOptions};
use test_support::comms_score::{
    read_number_kinds, read_replacements, score_class, score_replacements,
};

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
    run(&world_dir, &tmp.path().join("comms"));
}

fn run(world_dir: &Path, store_dir: &Path) {
    let store = CommsStore::new(store_dir);
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

    let started = Instant::now();
    let analysis = analyse(store.dir(), &Settings::default()).expect("analysis");
    println!(
        "analysis: {} numbers in {:.2}s",
        analysis.profiles.len(),
        started.elapsed().as_secs_f64()
    );

    let kinds = read_number_kinds(world_dir).expect("truth/numbers.csv");
    let predicted: Vec<(String, String)> = analysis
        .profiles
        .iter()
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
    let score = score_replacements(&found, &truth, 3 * 86_400);
    println!("replacements (switch within 3 days): {score}");
    let deal = score_class(&predicted, &kinds, "deal");
    println!(
        "goals: deal-line F1 {:.4} (goal 0.97) {}; replacements F1 {:.4} (goal 0.95) {}",
        deal.f1,
        if deal.f1 >= 0.97 { "met" } else { "NOT met" },
        score.f1,
        if score.f1 >= 0.95 { "met" } else { "NOT met" },
    );
}
