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

/// Reads a truth CSV of plain fields (no quoted commas) as rows of strings, header dropped.
fn truth_rows(path: &Path) -> Vec<Vec<String>> {
    let text = std::fs::read_to_string(path).unwrap();
    text.lines()
        .skip(1)
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            l.split(',')
                .map(|f| f.trim_matches('"').to_owned())
                .collect()
        })
        .collect()
}

#[test]
fn top_controller_phones_are_mostly_true_controllers() {
    let tmp = tempfile::tempdir().unwrap();
    let world_dir = tmp.path().join("world");
    small_world(&world_dir);
    let store = CommsStore::new(tmp.path().join("crossline.db.comms"));
    store
        .import(&[world_dir.join("comms")], ImportOptions::default())
        .unwrap();
    let analysis = analyse(store.dir(), &Settings::default()).unwrap();

    // Truth, read here only: the personal numbers of people who control a line.
    let controllers: std::collections::HashSet<String> =
        truth_rows(&world_dir.join("truth/controllers.csv"))
            .into_iter()
            .map(|r| r[0].clone())
            .collect();
    let controller_numbers: std::collections::HashSet<String> =
        truth_rows(&world_dir.join("truth/numbers.csv"))
            .into_iter()
            .filter(|r| r[1] == "personal" && controllers.contains(&r[3]))
            .map(|r| r[0].clone())
            .collect();
    assert!(!controller_numbers.is_empty());

    let found = &analysis.controllers;
    assert!(!found.is_empty(), "no controller phones found");
    for k in [5usize, 10, 20] {
        let k = k.min(found.len());
        let hits = found[..k]
            .iter()
            .filter(|c| controller_numbers.contains(&c.number))
            .count();
        eprintln!(
            "controller phones: precision@{k} = {:.2} ({hits}/{k})",
            hits as f64 / k as f64
        );
    }
    let k = 10.min(found.len());
    let hits = found[..k]
        .iter()
        .filter(|c| controller_numbers.contains(&c.number))
        .count();
    assert!(
        hits * 10 >= k * 8,
        "precision@{k} {hits}/{k}: {:?}",
        &found[..k]
    );
    let all_hits = found
        .iter()
        .filter(|c| controller_numbers.contains(&c.number))
        .count();
    eprintln!(
        "controller phones: {} reported, {all_hits} true, {} true controller numbers",
        found.len(),
        controller_numbers.len()
    );
}
