//! Integration tests of the world generator.
//!
//! One small world (seed 1) is generated once and read back; the tests check it
//! against `matrix-v1.md` (with an independent validator in `support/matrix.rs`),
//! check that the truth names every record exactly once and agrees with the comms
//! data, that every table, column and enumeration value occurs, and that the
//! realism the analyses are scored on is really there. Further generations check
//! determinism, benchmark scaling and configuration errors. Large worlds are not
//! generated here: that belongs to benchmarks.

mod support;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use support::matrix::{self, Coverage};
use support::read::{self, Return};
use world::{Error, Size, WorldConfig, WorldStats, generate};

struct Generated {
    root: PathBuf,
    stats: WorldStats,
    returns: Vec<Return>,
}

fn fresh_dir(name: &str) -> PathBuf {
    let root = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_dir_all(&root);
    root
}

/// The seed of the shared small world: 1, or `WORLD_TEST_SEED` to try others.
fn seed() -> u64 {
    std::env::var("WORLD_TEST_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(1)
}

fn small() -> &'static Generated {
    static WORLD: OnceLock<Generated> = OnceLock::new();
    WORLD.get_or_init(|| {
        let root = fresh_dir(&format!("world-small-seed{}", seed()));
        let stats = generate(
            &WorldConfig {
                seed: seed(),
                ..WorldConfig::default()
            },
            &root,
            &mut |_| {},
        )
        .expect("generate");
        let returns = read::returns(&root);
        Generated {
            root,
            stats,
            returns,
        }
    })
}

fn forces() -> BTreeSet<String> {
    include_str!("../../model/data/forces.csv")
        .lines()
        .skip(1)
        .filter(|l| !l.is_empty())
        .map(|l| l.split(',').next().unwrap().to_string())
        .collect()
}

fn files(root: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut out = BTreeMap::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                out.insert(
                    path.strip_prefix(root).unwrap().to_path_buf(),
                    std::fs::read(&path).unwrap(),
                );
            }
        }
    }
    out
}

#[test]
fn same_seed_same_bytes() {
    let first = small();
    let again = fresh_dir(&format!("world-small-seed{}-again", seed()));
    let stats = generate(
        &WorldConfig {
            seed: seed(),
            ..WorldConfig::default()
        },
        &again,
        &mut |_| {},
    )
    .unwrap();
    assert_eq!(stats, first.stats);
    let a = files(&first.root);
    let b = files(&again);
    assert_eq!(a.keys().collect::<Vec<_>>(), b.keys().collect::<Vec<_>>());
    for (path, bytes) in &a {
        assert!(
            bytes == &b[path],
            "{} differs between two runs",
            path.display()
        );
    }
    let _ = std::fs::remove_dir_all(&again);
}

#[test]
fn layout_follows_truth_v1() {
    let w = small();
    let periods: Vec<String> = std::fs::read_dir(w.root.join("returns"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into())
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    assert_eq!(
        periods,
        [
            "2026-05", "2026-06", "2026-07", "2026-08", "2026-09", "2026-10"
        ]
    );
    assert_eq!(w.stats.periods, 6);
    assert_eq!(w.stats.returns, w.returns.len());
    let expected_truth = [
        (
            "persons.csv",
            vec!["person_id", "force", "period", "nominal_ref"],
        ),
        ("lines.csv", vec!["line_id", "force", "period", "line_ref"]),
        ("controllers.csv", vec!["person_id", "line_id"]),
        (
            "numbers.csv",
            vec![
                "number",
                "kind",
                "line_id",
                "person_id",
                "active_from",
                "active_to",
            ],
        ),
        (
            "replacements.csv",
            vec!["old_number", "new_number", "switched_at", "line_id"],
        ),
        ("vulnerable.csv", vec!["person_id", "exploited", "factors"]),
    ];
    for (name, header) in expected_truth {
        assert_eq!(read::truth(&w.root, name).0, header, "{name}");
    }
    let comms: Vec<String> = std::fs::read_dir(w.root.join("comms"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into())
        .collect();
    assert!(
        comms.iter().any(|f| f.ends_with(".csv.gz")) && comms.iter().any(|f| f.ends_with(".csv")),
        "{comms:?}"
    );

    // Each force keeps its container every month, and the xlsx share holds.
    let mut container: BTreeMap<&str, BTreeSet<bool>> = BTreeMap::new();
    for r in &w.returns {
        container.entry(&r.force).or_default().insert(r.xlsx);
        let expected: BTreeSet<&str> = if r.xlsx {
            r.tables.keys().map(String::as_str).collect()
        } else {
            BTreeSet::new()
        };
        if r.xlsx {
            assert!(
                expected.contains("return")
                    && expected.contains("lines")
                    && expected.contains("nominals")
            );
        }
    }
    assert!(
        container.values().all(|c| c.len() == 1),
        "a force switched container"
    );
    let xlsx_forces = container.values().filter(|c| c.contains(&true)).count();
    assert_eq!(
        xlsx_forces,
        (container.len() as f64 * 0.25).round() as usize
    );
    assert_eq!(container.len(), w.stats.forces);
    assert_eq!(
        w.returns.iter().filter(|r| r.xlsx).count(),
        w.stats.xlsx_returns
    );
    // Forces come only from forces.csv.
    let known = forces();
    assert!(container.keys().all(|f| known.contains(*f)));
}

#[test]
fn every_return_is_valid_matrix_v1() {
    let w = small();
    let known = forces();
    let mut cov = Coverage::default();
    let errors: Vec<String> = w
        .returns
        .iter()
        .flat_map(|r| matrix::check(r, &known, &mut cov))
        .collect();
    assert!(
        errors.is_empty(),
        "{} problems, first: {:#?}",
        errors.len(),
        &errors[..errors.len().min(25)]
    );
}

#[test]
fn every_table_column_and_value_occurs() {
    let w = small();
    let mut cov = Coverage::default();
    for r in &w.returns {
        matrix::check(r, &forces(), &mut cov);
    }
    for (table, columns) in matrix::TABLES {
        assert!(cov.tables.contains(*table), "table {table} never written");
        for column in *columns {
            assert!(
                cov.filled
                    .contains(&(table.to_string(), column.to_string())),
                "{table}.{column} never filled"
            );
        }
    }
    let enums: &[(&str, &[&str])] = &[
        ("lines.drugs", matrix::DRUGS),
        ("lines.status", matrix::STATUSES),
        ("lines.violence", matrix::VIOLENCE),
        ("lines.weapons", matrix::WEAPONS),
        ("lines.cuckooing", &["yes", "no"]),
        ("nominals.gender", matrix::GENDERS),
        ("nominals.role", matrix::ROLES),
        ("nominals.vulnerabilities", matrix::VULNS),
        ("locations.kind", matrix::LOCATION_KINDS),
        ("vehicles.kind", matrix::VEHICLE_KINDS),
        ("events.kind", matrix::EVENT_KINDS),
        ("events.nrm_outcome", &["positive", "negative"]),
    ];
    for (column, values) in enums {
        for value in *values {
            assert!(
                cov.values
                    .contains(&(column.to_string(), value.to_string())),
                "{column} = {value} never occurs"
            );
        }
    }
    assert_eq!(
        cov.dob_forms,
        BTreeSet::from(["iso", "uk", "year_month", "year"])
    );
    assert!(
        cov.counted.contains("missing_episodes") && cov.counted.contains("school_exclusions"),
        "{:?}",
        cov.counted
    );

    // Optional tables are sometimes left out; headers come in other orders and cases.
    for table in ["locations", "vehicles", "events"] {
        assert!(
            w.returns.iter().any(|r| !r.tables.contains_key(table)),
            "{table} always present"
        );
    }
    let spec_order: BTreeMap<&str, &[&str]> = matrix::TABLES.iter().copied().collect();
    assert!(
        w.returns.iter().any(|r| r
            .tables
            .iter()
            .any(|(name, t)| t.columns != spec_order[name.as_str()])),
        "columns always in spec order"
    );
    assert!(
        w.returns.iter().any(|r| r
            .tables
            .values()
            .any(|t| t.raw_header.iter().any(|h| h != &h.trim().to_lowercase()))),
        "headers always lower case"
    );
    // Dates as real xlsx date cells, and as both text writings.
    let all_dates: Vec<&str> = w
        .returns
        .iter()
        .filter(|r| !r.xlsx)
        .flat_map(|r| r.tables["lines"].values("first_reported"))
        .collect();
    assert!(all_dates.iter().any(|d| d.contains('/')) && all_dates.iter().any(|d| d.contains('-')));
    // Notes carry commas, quotes and non-ASCII text.
    let notes: Vec<&str> = w
        .returns
        .iter()
        .flat_map(|r| r.tables["nominals"].values("notes"))
        .collect();
    assert!(
        notes.iter().any(|n| n.contains(','))
            && notes.iter().any(|n| n.contains('"'))
            && notes.iter().any(|n| !n.is_ascii())
    );
}

/// `(force, period, ref)` keys of one table across returns.
fn record_keys(returns: &[Return], table: &str, column: &str) -> Vec<(String, String, String)> {
    returns
        .iter()
        .flat_map(|r| {
            r.tables[table]
                .values(column)
                .into_iter()
                .map(|v| (r.force.clone(), r.period.clone(), v.to_string()))
        })
        .collect()
}

#[test]
fn truth_names_every_record_once_and_agrees_with_itself() {
    let w = small();
    let (_, persons) = read::truth(&w.root, "persons.csv");
    let truth_keys: Vec<(String, String, String)> = persons
        .iter()
        .map(|r| (r[1].clone(), r[2].clone(), r[3].clone()))
        .collect();
    let mut sorted = truth_keys.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(
        sorted.len(),
        truth_keys.len(),
        "a nominal record is named twice"
    );
    let mut records = record_keys(&w.returns, "nominals", "nominal_ref");
    records.sort();
    assert_eq!(
        records, sorted,
        "truth/persons.csv and the nominal records differ"
    );
    assert_eq!(records.len(), w.stats.nominal_rows);

    let (_, lines) = read::truth(&w.root, "lines.csv");
    let mut truth_lines: Vec<(String, String, String)> = lines
        .iter()
        .map(|r| (r[1].clone(), r[2].clone(), r[3].clone()))
        .collect();
    truth_lines.sort();
    let mut line_records = record_keys(&w.returns, "lines", "line_ref");
    line_records.sort();
    assert_eq!(line_records, truth_lines);
    let line_ids: BTreeSet<&str> = lines.iter().map(|r| r[0].as_str()).collect();
    // A few lines are known to nobody (or only to forces that report active work).
    assert!(
        line_ids.len() * 10 >= w.stats.lines * 9,
        "{} of {} lines reported",
        line_ids.len(),
        w.stats.lines
    );

    let (_, numbers) = read::truth(&w.root, "numbers.csv");
    let by_number: BTreeMap<&str, &Vec<String>> =
        numbers.iter().map(|r| (r[0].as_str(), r)).collect();
    assert_eq!(by_number.len(), numbers.len(), "a number listed twice");
    for row in &numbers {
        assert!(row[0].starts_with("+44") && row[0].len() == 13, "{row:?}");
        match row[1].as_str() {
            "deal" => assert!(!row[2].is_empty() && row[3].is_empty()),
            "personal" | "customer" => assert!(row[2].is_empty() && !row[3].is_empty()),
            other => panic!("kind {other}"),
        }
    }
    assert_eq!(
        numbers.iter().filter(|r| r[1] == "deal").count(),
        w.stats.deal_numbers
    );
    let (_, replacements) = read::truth(&w.root, "replacements.csv");
    assert_eq!(replacements.len(), w.stats.replacements);
    assert!(!replacements.is_empty());
    for r in &replacements {
        let old = by_number
            .get(r[0].as_str())
            .expect("old number in numbers.csv");
        let new = by_number
            .get(r[1].as_str())
            .expect("new number in numbers.csv");
        assert_eq!((old[1].as_str(), new[1].as_str()), ("deal", "deal"));
        assert_eq!(
            (&old[2], &new[2]),
            (&r[3], &r[3]),
            "replacement of another line's number"
        );
        assert_eq!(new[4], r[2], "new number starts at switched_at");
        assert!(old[5] <= r[2], "old number still in use after the switch");
    }
    // Every real person named in a return has a vulnerability truth row.
    let (_, vulnerable) = read::truth(&w.root, "vulnerable.csv");
    let known: BTreeSet<&str> = vulnerable.iter().map(|r| r[0].as_str()).collect();
    for row in &persons {
        assert!(
            known.contains(row[0].as_str()),
            "{} has no vulnerable.csv row",
            row[0]
        );
    }
    for row in &vulnerable {
        assert!(row[1] == "yes" || row[1] == "no");
        for token in row[2].split(';').filter(|t| !t.is_empty()) {
            let name = token.split(':').next().unwrap();
            assert!(matrix::VULNS.contains(&name), "{token}");
        }
    }
    let (_, controllers) = read::truth(&w.root, "controllers.csv");
    let controlled: BTreeSet<&str> = controllers.iter().map(|r| r[1].as_str()).collect();
    assert_eq!(
        controlled.len(),
        w.stats.lines,
        "every line has a controller"
    );
    for row in &controllers {
        assert!(known.contains(row[0].as_str()));
    }
}

#[test]
fn comms_match_the_truth() {
    let w = small();
    let records = read::comms(&w.root);
    assert_eq!(records.len(), w.stats.comms_records);
    assert!(
        (100_000..=300_000).contains(&records.len()),
        "{} comms records",
        records.len()
    );
    let (_, numbers) = read::truth(&w.root, "numbers.csv");
    let windows: BTreeMap<String, (String, String)> = numbers
        .iter()
        .map(|r| (r[0].clone(), (r[4].clone(), r[5].clone())))
        .collect();
    let mut first_seen: BTreeMap<String, String> = BTreeMap::new();
    let mut e164 = 0usize;
    for (file, row) in &records {
        let ts = &row[0];
        assert!(
            ts.len() == 20 && ts.ends_with('Z') && &ts[10..11] == "T",
            "{file}: {row:?}"
        );
        assert!(row[1] == "call" || row[1] == "sms");
        assert!(
            matrix::valid_phone(&row[2]) && matrix::valid_phone(&row[3]),
            "{row:?}"
        );
        if row[1] == "sms" {
            assert_eq!(row[4], "0");
        }
        assert!(row[5].is_empty() || (14..=16).contains(&row[5].len()));
        e164 += usize::from(row[2].starts_with("+44"));
        let from = matrix::e164(&row[2]);
        let to = matrix::e164(&row[3]);
        // A number never originates anything outside its truth window.
        let (active_from, active_to) = windows
            .get(&from)
            .unwrap_or_else(|| panic!("{from} not in numbers.csv"));
        assert!(
            ts >= active_from && (active_to.is_empty() || ts <= active_to),
            "{from} active {active_from}..{active_to} but used at {ts}"
        );
        assert!(windows.contains_key(&to), "{to} not in numbers.csv");
        for n in [from, to] {
            let seen = first_seen.entry(n).or_insert_with(|| ts.clone());
            if ts < seen {
                *seen = ts.clone();
            }
        }
    }
    assert!(e164 * 100 > records.len() * 95, "numbers are mostly E.164");
    let (_, replacements) = read::truth(&w.root, "replacements.csv");
    for r in &replacements {
        assert_eq!(
            first_seen.get(&r[1]),
            Some(&r[2]),
            "new number {} first seen at switched_at",
            r[1]
        );
    }
}

/// A record as `(force, column -> value)`.
type ForceRecord = (String, BTreeMap<String, String>);

#[test]
fn the_world_carries_real_difficulties() {
    let w = small();
    let (_, persons) = read::truth(&w.root, "persons.csv");
    let person_of: BTreeMap<(String, String, String), String> = persons
        .iter()
        .map(|r| ((r[1].clone(), r[2].clone(), r[3].clone()), r[0].clone()))
        .collect();
    // Every nominal record, with the person it really is.
    let mut by_person: BTreeMap<String, Vec<ForceRecord>> = BTreeMap::new();
    for r in &w.returns {
        let t = &r.tables["nominals"];
        for row in &t.rows {
            let fields: BTreeMap<String, String> =
                t.columns.iter().cloned().zip(row.iter().cloned()).collect();
            let id = person_of[&(
                r.force.clone(),
                r.period.clone(),
                fields["nominal_ref"].clone(),
            )]
                .clone();
            by_person
                .entry(id)
                .or_default()
                .push((r.force.clone(), fields));
        }
    }
    let multi_force = by_person
        .values()
        .filter(|recs| recs.iter().map(|(f, _)| f).collect::<BTreeSet<_>>().len() >= 2)
        .count();
    assert!(
        multi_force >= 10,
        "only {multi_force} people known to two forces"
    );

    let swapped = by_person.values().any(|recs| {
        recs.iter().any(|(_, a)| {
            recs.iter().any(|(_, b)| {
                !a["surname"].is_empty()
                    && a["surname"].eq_ignore_ascii_case(&b["forenames"])
                    && a["forenames"].eq_ignore_ascii_case(&b["surname"])
            })
        })
    });
    assert!(swapped, "no record with forename and surname swapped");
    let spellings = by_person
        .values()
        .filter(|recs| {
            recs.iter()
                .map(|(_, f)| &f["surname"])
                .filter(|s| !s.is_empty())
                .collect::<BTreeSet<_>>()
                .len()
                >= 2
        })
        .count();
    assert!(
        spellings >= 5,
        "only {spellings} people with surnames written differently"
    );
    let partial_dob = by_person
        .values()
        .flatten()
        .filter(|(_, f)| matches!(matrix::dob_form(&f["dob"]), Some("year" | "year_month")))
        .count();
    assert!(
        partial_dob >= 10,
        "only {partial_dob} partial dates of birth"
    );
    let alias_only = by_person
        .values()
        .flatten()
        .filter(|(_, f)| f["surname"].is_empty() && f["forenames"].is_empty())
        .count();
    assert!(alias_only >= 3, "no records known only by alias or phone");

    // Namesakes: different people recorded under exactly the same name.
    let mut names: BTreeMap<(String, String), BTreeSet<&String>> = BTreeMap::new();
    for (id, recs) in &by_person {
        for (_, f) in recs {
            if !f["surname"].is_empty() && f["forenames"].len() > 1 {
                names
                    .entry((f["surname"].to_lowercase(), f["forenames"].to_lowercase()))
                    .or_default()
                    .insert(id);
            }
        }
    }
    assert!(names.values().any(|ids| ids.len() >= 2), "no namesakes");

    // Controllers hardly appear; runners come to notice again and again.
    let (_, controllers) = read::truth(&w.root, "controllers.csv");
    let controller_ids: BTreeSet<&String> = controllers.iter().map(|r| &r[0]).collect();
    let rows = |id: &String| by_person.get(id).map_or(0, Vec::len) as f64;
    let controller_rows: f64 =
        controller_ids.iter().map(|id| rows(id)).sum::<f64>() / controller_ids.len() as f64;
    let runners: Vec<&String> = by_person
        .iter()
        .filter(|(id, recs)| {
            !controller_ids.contains(id) && recs.iter().any(|(_, f)| f["role"] == "runner")
        })
        .map(|(id, _)| id)
        .collect();
    let runner_rows: f64 = runners.iter().map(|id| rows(id)).sum::<f64>() / runners.len() as f64;
    assert!(
        controller_rows * 2.0 < runner_rows,
        "controllers {controller_rows:.1} rows each, runners {runner_rows:.1}"
    );

    // The same line reported by two forces, spelt differently, under different statuses.
    let (_, lines) = read::truth(&w.root, "lines.csv");
    let mut line_records: BTreeMap<&str, Vec<(&str, &str, &str)>> = BTreeMap::new();
    for r in &lines {
        line_records.entry(r[0].as_str()).or_default().push((
            r[1].as_str(),
            r[2].as_str(),
            r[3].as_str(),
        ));
    }
    let lines_by_key: BTreeMap<(String, String, String), BTreeMap<String, String>> = w
        .returns
        .iter()
        .flat_map(|r| {
            let t = &r.tables["lines"];
            t.rows.iter().map(move |row| {
                let fields: BTreeMap<String, String> =
                    t.columns.iter().cloned().zip(row.iter().cloned()).collect();
                (
                    (
                        r.force.clone(),
                        r.period.clone(),
                        fields["line_ref"].clone(),
                    ),
                    fields,
                )
            })
        })
        .collect();
    let mut two_forces = 0;
    let mut spelt_differently = 0;
    let mut status_differs = 0;
    for records in line_records.values() {
        let forces: BTreeSet<&str> = records.iter().map(|r| r.0).collect();
        if forces.len() < 2 {
            continue;
        }
        two_forces += 1;
        let fields: Vec<&BTreeMap<String, String>> = records
            .iter()
            .map(|(f, p, r)| &lines_by_key[&(f.to_string(), p.to_string(), r.to_string())])
            .collect();
        if fields
            .iter()
            .map(|f| &f["line_name"])
            .collect::<BTreeSet<_>>()
            .len()
            > 1
        {
            spelt_differently += 1;
        }
        let mut per_period: BTreeMap<&str, BTreeSet<&String>> = BTreeMap::new();
        for ((_, p, _), f) in records.iter().zip(&fields) {
            per_period.entry(p).or_default().insert(&f["status"]);
        }
        if per_period.values().any(|s| s.len() > 1) {
            status_differs += 1;
        }
    }
    assert!(
        two_forces >= 10 && spelt_differently >= 3 && status_differs >= 3,
        "{two_forces} {spelt_differently} {status_differs}"
    );
}

#[test]
fn nominals_option_scales_rows_and_stays_valid() {
    let root = fresh_dir("world-small-nominals");
    let config = WorldConfig {
        nominals: Some(12_000),
        comms: false,
        ..WorldConfig::default()
    };
    let stats = generate(&config, &root, &mut |_| {}).unwrap();
    assert!(
        (10_800..=13_200).contains(&stats.nominal_rows),
        "{} rows",
        stats.nominal_rows
    );
    let returns = read::returns(&root);
    let known = forces();
    let mut cov = Coverage::default();
    let errors: Vec<String> = returns
        .iter()
        .flat_map(|r| matrix::check(r, &known, &mut cov))
        .collect();
    assert!(errors.is_empty(), "{:#?}", &errors[..errors.len().min(10)]);
    let (_, persons) = read::truth(&root, "persons.csv");
    assert_eq!(persons.len(), stats.nominal_rows);
    assert!(!root.join("comms").exists());
    let (_, numbers) = read::truth(&root, "numbers.csv");
    let listed: BTreeSet<&str> = numbers.iter().map(|r| r[0].as_str()).collect();
    assert_eq!(listed.len(), numbers.len(), "extra numbers collide");

    let tiny = fresh_dir("world-small-tiny");
    let stats = generate(
        &WorldConfig {
            nominals: Some(300),
            comms: false,
            ..WorldConfig::default()
        },
        &tiny,
        &mut |_| {},
    )
    .unwrap();
    assert!(stats.lines < 40 && stats.nominal_rows < 900, "{stats:?}");
    let _ = std::fs::remove_dir_all(&root);
    let _ = std::fs::remove_dir_all(&tiny);
}

#[test]
fn configuration_errors_and_sizes() {
    let dir = fresh_dir("world-config-errors");
    let bad = WorldConfig {
        xlsx_share: 1.5,
        ..WorldConfig::default()
    };
    assert!(matches!(
        generate(&bad, &dir, &mut |_| {}),
        Err(Error::Config { .. })
    ));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("keep.txt"), "x").unwrap();
    assert!(matches!(
        generate(&WorldConfig::default(), &dir, &mut |_| {}),
        Err(Error::OutputNotEmpty { .. })
    ));
    let _ = std::fs::remove_dir_all(&dir);
    for size in [Size::Small, Size::Medium, Size::Large] {
        assert_eq!(size.to_string().parse::<Size>().unwrap(), size);
    }
    assert!("huge".parse::<Size>().is_err());
    assert_eq!(
        WorldConfig::default(),
        WorldConfig {
            size: Size::Small,
            seed: 1,
            nominals: None,
            xlsx_share: 0.25,
            comms: true
        }
    );
}
