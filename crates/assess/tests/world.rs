//! The analysis on a generated small world, scored against its truth: deal-line
//! classification and replacement detection must clear the thresholds asserted here.
//! (The goals on a medium world are measured by `benches/quality.rs`.)

use std::path::Path;

use assess::{NumberClass, Settings, analyse};
use comms::{CommsStore, ImportOptions};
use test_support::comms_score::{
    read_number_kinds, read_replacements, score_class, score_replacements,
};

const THREE_DAYS: i64 = 3 * 86_400;

fn small_world(dir: &Path) {
    let config = world::WorldConfig {
        size: world::Size::Small,
        seed: 7,
        nominals: None,
        xlsx_share: 0.25,
        comms: true,
    };
    world::generate(&config, dir, &mut |_| {}).unwrap();
}

#[test]
fn small_world_scores_against_the_truth() {
    let tmp = tempfile::tempdir().unwrap();
    let world_dir = tmp.path().join("world");
    small_world(&world_dir);
    let store = CommsStore::new(tmp.path().join("crossline.db.comms"));
    let report = store
        .import(&[world_dir.join("comms")], ImportOptions::default())
        .unwrap();
    assert!(!report.any_rejected());
    assert!(report.rows_imported() > 100_000);

    let analysis = analyse(store.dir(), &Settings::default()).unwrap();

    let kinds = read_number_kinds(&world_dir).unwrap();
    let predicted: Vec<(String, String)> = analysis
        .profiles
        .iter()
        .map(|p| (p.number.clone(), p.class.as_str().to_owned()))
        .collect();
    let deal = score_class(&predicted, &kinds, "deal");
    let customer = score_class(&predicted, &kinds, "customer");
    let personal = score_class(&predicted, &kinds, "personal");
    eprintln!("deal lines: {deal}\ncustomers: {customer}\npersonal: {personal}");

    let truth = read_replacements(&world_dir).unwrap();
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
    let replacements = score_replacements(&found, &truth, THREE_DAYS);
    eprintln!("replacements: {replacements}");

    assert!(deal.f1 >= 0.97, "deal lines: {deal}");
    assert!(customer.f1 >= 0.9, "customers: {customer}");
    assert!(replacements.f1 >= 0.95, "replacements: {replacements}");
}
