//! Measures resolution on a generated world: precision, recall and F1 of people and lines
//! against the world's truth, deconfliction recall, time and peak memory.
//!
//! `cargo bench -p resolve --bench quality -- [--size small|medium|large] [--seed N]
//! [--nominals N] [--world DIR] [--refine-block-size N] [--rules]`. With `--world` an existing
//! world is read (and not generated). `--rules` resolves nothing: it prints, for each person
//! blocking rule, the candidate pairs it gives, how many are one true person, and how many
//! only it gives. This is the only place, with the tests, where a world's truth is read.

use std::path::{Path, PathBuf};
use std::time::Instant;

use resolve::{EntityKind, Input, PreviousIds, Settings};
use test_support::score;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let value = |flag: &str| {
        args.iter()
            .position(|a| a == flag)
            .and_then(|i| args.get(i + 1))
            .cloned()
    };
    if args.iter().any(|a| a == "--list") {
        return;
    }
    let rules_only = args.iter().any(|a| a == "--rules");
    let size: world::Size =
        value("--size").map_or(world::Size::Medium, |s| s.parse().expect("size"));
    let seed: u64 = value("--seed").map_or(1, |s| s.parse().expect("seed"));
    let nominals: Option<usize> = value("--nominals").map(|s| s.parse().expect("nominals"));
    let temp = tempfile::tempdir().expect("temporary folder");
    let world_dir: PathBuf = match value("--world") {
        Some(dir) if Path::new(&dir).join("truth").exists() => PathBuf::from(dir),
        other => {
            let dir = other.map_or_else(|| temp.path().join("world"), PathBuf::from);
            let started = Instant::now();
            let config = world::WorldConfig {
                size,
                seed,
                nominals,
                xlsx_share: 0.0,
                comms: false,
            };
            let stats = world::generate(&config, &dir, &mut |_| {}).expect("world generated");
            eprintln!(
                "generated {} nominal records in {:.1?}",
                stats.nominal_rows,
                started.elapsed()
            );
            dir
        }
    };

    let started = Instant::now();
    let input = read_world(&world_dir);
    let read_time = started.elapsed();
    let memory_after_reading = peak_memory();
    println!(
        "world {}: {} person, {} line, {} location, {} vehicle records (read in {read_time:.1?})",
        world_dir.display(),
        input.persons.len(),
        input.lines.len(),
        input.locations.len(),
        input.vehicles.len()
    );

    let mut settings = Settings::default();
    if let Some(v) = value("--refine-block-size") {
        settings.refine_block_size = v.parse().expect("a size");
    }
    if rules_only {
        let truth = score::read_persons(&world_dir).expect("truth/persons.csv");
        print_rules(&input, &truth, &settings);
        return;
    }
    if let Some(v) = value("--match-threshold") {
        settings.match_threshold = v.parse().expect("probability");
    }
    if let Some(v) = value("--cluster-evidence") {
        settings.cluster_evidence = v.parse().expect("bits");
    }
    let started = Instant::now();
    let mut last_stage = None;
    let resolution = resolve::resolve_with_progress(
        &input,
        &[],
        &PreviousIds::new(),
        &settings,
        &mut |stage, _, _| {
            if last_stage != Some(stage) {
                eprintln!(
                    "  {stage} at {:.1?} (peak so far {})",
                    started.elapsed(),
                    peak_memory()
                );
                last_stage = Some(stage);
            }
        },
    );
    let resolve_time = started.elapsed();
    let memory_after_resolving = peak_memory();
    let deconfliction = resolve::deconflict(&resolution, &input);
    let s = &resolution.stats;
    println!(
        "resolved in {resolve_time:.2?}: {} person profiles, {} pairs compared, {} links kept, {} oversized blocks, EM iterations {:?}, prior {:.3e}",
        s.person_profiles,
        s.person_pairs_compared,
        s.person_links,
        s.person_oversized_blocks,
        s.person_em_iterations,
        s.person_prior
    );
    println!(
        "entities: {} people, {} lines, {} locations, {} vehicles, {} numbers; {} deconfliction rows ({} conflicts); {} review items",
        s.entities[0],
        s.entities[1],
        s.entities[2],
        s.entities[3],
        s.entities[4],
        deconfliction.len(),
        deconfliction
            .iter()
            .filter(|d| d.severity == resolve::Severity::Conflict)
            .count(),
        resolution.review.len()
    );

    let labels = |kind: EntityKind| -> Vec<(score::RecordName, &str)> {
        resolution
            .of_kind(kind)
            .flat_map(|e| {
                e.members.iter().map(move |m| {
                    (
                        (
                            m.key.force.to_string(),
                            m.key.period.to_string(),
                            m.key.reference.clone(),
                        ),
                        e.id.as_str(),
                    )
                })
            })
            .collect()
    };
    let persons_truth = score::read_persons(&world_dir).expect("truth/persons.csv");
    let lines_truth = score::read_lines(&world_dir).expect("truth/lines.csv");
    let person_labels = labels(EntityKind::Person);
    let line_labels = labels(EntityKind::Line);
    println!(
        "persons: {}",
        score::pairwise(&persons_truth, person_labels.clone())
    );
    println!(
        "lines:   {}",
        score::pairwise(&lines_truth, line_labels.clone())
    );
    let dp = score::deconfliction(&persons_truth, person_labels.clone());
    let dl = score::deconfliction(&lines_truth, line_labels);
    let overall = (dp.found + dl.found) as f64 / (dp.shared + dl.shared).max(1) as f64;
    println!("deconfliction: persons {dp}; lines {dl}; overall recall {overall:.4}");
    if let Some(id) = value("--show") {
        show_person(&resolution, &input, &persons_truth, &person_labels, &id);
    }
    if let Some(n) = value("--misses") {
        print_misses(
            &resolution,
            &input,
            &persons_truth,
            &person_labels,
            n.parse().expect("a count"),
        );
    }
    println!(
        "peak memory (VmHWM): {memory_after_reading} after reading the input, {memory_after_resolving} after resolving, {} after scoring",
        peak_memory()
    );
}

/// Prints, for up to `n` people held by two or more forces whom no entity brings together
/// across forces, the waterfall of their best-scoring cross-force pair of records: what a
/// missed deconfliction looked like to the model. Diagnostic output only.
fn print_misses(
    resolution: &resolve::Resolution,
    input: &Input,
    truth: &score::Truth,
    labels: &[(score::RecordName, &str)],
    n: usize,
) {
    use std::collections::{HashMap, HashSet};
    let label_of: HashMap<&score::RecordName, &str> = labels.iter().map(|(k, l)| (k, *l)).collect();
    let mut records_of: HashMap<&str, Vec<&resolve::PersonRecord>> = HashMap::new();
    for r in &input.persons {
        let name = (
            r.key.force.to_string(),
            r.key.period.to_string(),
            r.key.reference.clone(),
        );
        if let Some(id) = truth.get(&name) {
            records_of.entry(id.as_str()).or_default().push(r);
        }
    }
    let mut ids: Vec<&str> = records_of.keys().copied().collect();
    ids.sort_unstable();
    let mut shown = 0;
    for id in ids {
        let records = &records_of[id];
        let forces: HashSet<String> = records.iter().map(|r| r.key.force.to_string()).collect();
        if forces.len() < 2 {
            continue;
        }
        let mut forces_of_label: HashMap<&str, HashSet<String>> = HashMap::new();
        for r in records {
            let name = (
                r.key.force.to_string(),
                r.key.period.to_string(),
                r.key.reference.clone(),
            );
            if let Some(l) = label_of.get(&name) {
                forces_of_label
                    .entry(l)
                    .or_default()
                    .insert(r.key.force.to_string());
            }
        }
        if forces_of_label.values().any(|f| f.len() >= 2) {
            continue;
        }
        let mut best: Option<resolve::Explanation> = None;
        for (i, a) in records.iter().enumerate() {
            for b in &records[i + 1..] {
                if a.key.force == b.key.force {
                    continue;
                }
                let e = resolve::explain(resolution.models(), a, b);
                if best
                    .as_ref()
                    .is_none_or(|x| e.total_weight > x.total_weight)
                {
                    best = Some(e);
                }
            }
        }
        if let Some(e) = best {
            let mut parts: Vec<String> = forces_of_label
                .iter()
                .map(|(l, f)| format!("{l} in {}", f.iter().cloned().collect::<Vec<_>>().join("+")))
                .collect();
            parts.sort();
            println!(
                "\nmissed {id} ({} records, {} forces; entities: {}):\n{e}",
                records.len(),
                forces.len(),
                parts.join(", ")
            );
            shown += 1;
        }
        if shown >= n {
            break;
        }
    }
}

/// Prints every record of the true person `id` with the entity it was put in, and the match
/// weight of every pair of them. Diagnostic output only.
fn show_person(
    resolution: &resolve::Resolution,
    input: &Input,
    truth: &score::Truth,
    labels: &[(score::RecordName, &str)],
    id: &str,
) {
    let label_of: std::collections::HashMap<&score::RecordName, &str> =
        labels.iter().map(|(k, l)| (k, *l)).collect();
    let records: Vec<&resolve::PersonRecord> = input
        .persons
        .iter()
        .filter(|r| {
            let name = (
                r.key.force.to_string(),
                r.key.period.to_string(),
                r.key.reference.clone(),
            );
            truth.get(&name).is_some_and(|t| t == id)
        })
        .collect();
    for (i, r) in records.iter().enumerate() {
        let name = (
            r.key.force.to_string(),
            r.key.period.to_string(),
            r.key.reference.clone(),
        );
        println!(
            "{i:>3} {} -> {} | {:?} {:?} {:?} {:?} pnc {:?} phones {:?} lines {:?}",
            r.key,
            label_of.get(&name).copied().unwrap_or("-"),
            r.forenames,
            r.surname,
            r.aliases,
            r.dob,
            r.pnc_id,
            r.phone_numbers,
            r.lines
        );
    }
    let mut wanted: Vec<&str> = records
        .iter()
        .filter_map(|r| {
            let name = (
                r.key.force.to_string(),
                r.key.period.to_string(),
                r.key.reference.clone(),
            );
            label_of.get(&name).copied()
        })
        .collect();
    wanted.sort_unstable();
    wanted.dedup();
    for label in wanted {
        let mut members: Vec<String> = labels
            .iter()
            .filter(|(_, l)| *l == label)
            .map(|(k, _)| {
                format!(
                    "{}/{}={}",
                    k.0,
                    k.2,
                    truth.get(k).map_or("?", |t| t.as_str())
                )
            })
            .collect();
        members.sort();
        members.dedup();
        println!("entity {label}: {}", members.join(" "));
    }
    for (i, a) in records.iter().enumerate() {
        let row: Vec<String> = records
            .iter()
            .map(|b| {
                format!(
                    "{:>6.1}",
                    resolve::explain(resolution.models(), a, b).total_weight
                )
            })
            .collect();
        println!("{i:>3} {}", row.join(""));
    }
}

/// Prints, for each person blocking rule, how many candidate profile pairs it gives (blocks
/// over their caps left out, as the resolver leaves them), how many of those are the same true
/// person, and how many same-person pairs no other rule gives: what each rule costs and what
/// dropping it would lose. Diagnostic output only.
fn print_rules(input: &Input, truth: &score::Truth, settings: &Settings) {
    use resolve::persons::{PersonIndex, blocking};
    use rustc_hash::FxHashMap;
    let mut index = PersonIndex::default();
    index.add(&input.persons);
    let live = index.live();
    // The true person of each profile (its first record's).
    let mut person_of: FxHashMap<u32, &str> = FxHashMap::default();
    for (r, key) in index.records.iter().enumerate() {
        let name = (
            key.force.to_string(),
            key.period.to_string(),
            key.reference.clone(),
        );
        if let Some(id) = truth.get(&name) {
            person_of
                .entry(index.record_profile[r])
                .or_insert(id.as_str());
        }
    }
    let keys: Vec<Vec<(u8, u64, u64)>> = live
        .iter()
        .map(|&p| blocking::rule_keys(&index.profiles[p as usize]))
        .collect();
    let mut blocks = resolve::blocking::BlockIndex::default();
    let refined: Vec<Vec<(u64, u64)>> = keys
        .iter()
        .map(|keys| keys.iter().map(|&(_, k, narrow)| (k, narrow)).collect())
        .collect();
    blocks.insert_all_refined(&live, |p| {
        let i = live.binary_search(&p).expect("live profiles are ascending");
        refined[i].as_slice()
    });
    drop(refined);
    // The resolver's choice of block for each key, from each profile's side.
    let caps = (settings.max_block_size, settings.max_broad_block_size);
    let mut rules_of: FxHashMap<(u32, u32), u32> = FxHashMap::default();
    let mut oversized: FxHashMap<u8, usize> = FxHashMap::default();
    for (&p, keys) in live.iter().zip(&keys) {
        for &(rule, k, narrow) in keys {
            let Some(members) = blocks.refined_block((k, narrow), caps, settings.refine_block_size)
            else {
                *oversized.entry(rule).or_default() += 1;
                continue;
            };
            for &q in members.iter().filter(|&&q| q > p) {
                *rules_of.entry((p, q)).or_default() |= 1 << rule;
            }
        }
    }
    let same = |a: u32, b: u32| match (person_of.get(&a), person_of.get(&b)) {
        (Some(x), Some(y)) => x == y,
        _ => false,
    };
    let mut rows: FxHashMap<u8, (u64, u64, u64, u64)> = FxHashMap::default();
    let (mut total, mut total_true) = (0u64, 0u64);
    for (&(a, b), &mask) in &rules_of {
        let is_same = same(a, b);
        total += 1;
        total_true += u64::from(is_same);
        for rule in 0..32u8 {
            if mask & (1 << rule) != 0 {
                let row = rows.entry(rule).or_default();
                row.0 += 1;
                row.1 += u64::from(is_same);
                if mask == 1 << rule {
                    row.2 += 1;
                    row.3 += u64::from(is_same);
                }
            }
        }
    }
    println!(
        "{} live profiles; {total} candidate pairs, {total_true} of them the same person",
        live.len()
    );
    println!(
        "rule      pairs   same person   only this rule   of them same   profiles' keys over the caps"
    );
    let mut keys: Vec<u8> = rows.keys().copied().collect();
    keys.sort_unstable();
    for rule in keys {
        let (n, t, only, only_true) = rows[&rule];
        let over = oversized.get(&rule).copied().unwrap_or_default();
        println!("{rule:>4} {n:>10} {t:>13} {only:>16} {only_true:>14}   {over}");
    }
}

fn read_world(dir: &Path) -> Input {
    let limits = ingest::Limits::default();
    let (found, problems) = ingest::discover(&[dir.join("returns")]);
    assert!(problems.is_empty(), "{problems:?}");
    let mut input = Input::default();
    for f in &found {
        let submission = ingest::read_submission(f, &limits).expect("readable return");
        let parsed = ingest::parse_return(&submission, &limits);
        let ret = parsed.ret.unwrap_or_else(|| {
            panic!(
                "{} rejected: {:?}",
                f.path.display(),
                &parsed.problems[..parsed.problems.len().min(3)]
            )
        });
        input.add_return(ret);
    }
    input
}

fn peak_memory() -> String {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM"))
                .map(|l| l.split_whitespace().skip(1).collect::<Vec<_>>().join(" "))
        })
        .unwrap_or_else(|| "unknown".to_owned())
}
