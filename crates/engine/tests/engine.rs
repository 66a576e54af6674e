//! The engine end to end, against every backend `TestDb::all()` gives (SQLite always,
//! PostgreSQL when configured or reachable): importing generated worlds and hand-written
//! fixtures, rejection without side effects, replacement with history, and the reports.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use engine::{ImportOutcome, ImportReport};
use model::{Actor, Scope, Table};
use store::Store;
use test_support::db::TestDb;
use test_support::fixture::{self, VALID_RETURN, VALID_RETURN_OTHER_GENERATOR};

// Replacement numbers linked to line and person entities, with their alerts.
#[path = "engine/replacement_links.rs"]
mod replacement_links;

fn national() -> Actor {
    Actor::national("test-analyst")
}

fn import(store: &mut dyn Store, actor: &Actor, paths: &[PathBuf]) -> Vec<ImportReport> {
    engine::import(store, actor, paths, &ingest::Limits::default(), &mut |_| {})
        .expect("import runs")
}

/// A small world without comms data, generated once for the whole test binary.
fn small_world() -> &'static Path {
    static WORLD: OnceLock<tempfile::TempDir> = OnceLock::new();
    WORLD
        .get_or_init(|| {
            let dir = tempfile::tempdir().expect("temp dir");
            let config = world::WorldConfig {
                comms: false,
                ..world::WorldConfig::default()
            };
            world::generate(&config, dir.path(), &mut |_| {}).expect("world generates");
            dir
        })
        .path()
}

/// Row counts of the tables that hold submitted data (the logs legitimately grow on a rejection).
fn data_counts(store: &mut dyn Store) -> Vec<(String, i64)> {
    store
        .table_counts()
        .expect("counts")
        .into_iter()
        .filter(|(table, _)| !matches!(table.as_str(), "submissions" | "audit_log"))
        .collect()
}

fn problems(report: &ImportReport) -> &[model::Problem] {
    match &report.outcome {
        ImportOutcome::Rejected { problems } => problems,
        other => panic!("expected a rejection, got {other:?}"),
    }
}

/// Rows in one section of a fixture, header excluded.
fn fixture_rows(text: &str, file: &str) -> usize {
    fixture::parse_fixture(text)
        .into_iter()
        .find(|(name, _)| name == file)
        .map(|(_, content)| content.lines().filter(|l| !l.trim().is_empty()).count() - 1)
        .unwrap_or(0)
}

#[test]
fn a_generated_world_imports_without_a_single_error_and_twice_changes_nothing() {
    let world = small_world();
    for db in TestDb::all() {
        let mut store = db.store();
        let reports = import(&mut *store, &national(), &[world.join("returns")]);
        let rejected: Vec<_> = reports.iter().filter(|r| r.is_rejected()).collect();
        assert!(rejected.is_empty(), "{}: rejected {rejected:#?}", db.name());
        assert!(
            reports.len() > 20,
            "{}: only {} returns found",
            db.name(),
            reports.len()
        );
        let xlsx = reports
            .iter()
            .filter(|r| r.path.extension().is_some_and(|e| e == "xlsx"))
            .count();
        assert!(xlsx > 0, "the world has workbooks and they import");

        let before = data_counts(&mut *store);
        let again = import(&mut *store, &national(), &[world.join("returns")]);
        assert!(
            again
                .iter()
                .all(|r| matches!(r.outcome, ImportOutcome::Unchanged { .. })),
            "{}: a second import of the same files must change nothing",
            db.name()
        );
        assert_eq!(before, data_counts(&mut *store), "{}", db.name());
    }
}

#[test]
fn returns_written_by_another_generator_import_from_every_container() {
    for db in TestDb::all() {
        let dir = tempfile::tempdir().unwrap();
        let folder =
            fixture::write_csv_folder(VALID_RETURN_OTHER_GENERATOR, &dir.path().join("folder"));
        let zip = dir.path().join("other.zip");
        fixture::write_zip(VALID_RETURN_OTHER_GENERATOR, &zip);
        let xlsx = dir.path().join("other.xlsx");
        fixture::write_xlsx(VALID_RETURN_OTHER_GENERATOR, &xlsx);

        let mut store = db.store();
        for path in [folder, zip, xlsx] {
            let reports = import(&mut *store, &national(), std::slice::from_ref(&path));
            assert_eq!(reports.len(), 1, "{}: {path:?}", db.name());
            assert!(
                !reports[0].is_rejected(),
                "{}: {path:?} rejected: {:#?}",
                db.name(),
                reports[0].outcome
            );
        }
        // Three containers of the same return: one current version, three revisions (the bytes differ).
        let current = store.returns(&national(), &Scope::National, false).unwrap();
        assert_eq!(current.len(), 1, "{}", db.name());
        let history = store.returns(&national(), &Scope::National, true).unwrap();
        assert_eq!(history.len(), 3, "{}", db.name());
        // The three load back as the same records.
        let (_, latest) = store.load_return(&national(), current[0].id).unwrap();
        for info in &history {
            let (_, ret) = store.load_return(&national(), info.id).unwrap();
            assert_eq!(
                ret,
                latest,
                "{}: {} differs from the latest",
                db.name(),
                info.origin
            );
        }
    }
}

#[test]
fn a_bad_value_rejects_the_whole_return_and_changes_nothing() {
    for db in TestDb::all() {
        let dir = tempfile::tempdir().unwrap();
        let good = fixture::write_csv_folder(VALID_RETURN, &dir.path().join("good"));
        let mut store = db.store();
        let first = import(&mut *store, &national(), &[good]);
        assert!(
            !first[0].is_rejected(),
            "{}: {:#?}",
            db.name(),
            first[0].outcome
        );
        let before = data_counts(&mut *store);
        let current_before = store.returns(&national(), &Scope::National, false).unwrap();

        // The same return resubmitted with one unreadable phone number in the second nominal.
        let sections = fixture::parse_fixture(VALID_RETURN);
        let (_, nominals) = sections
            .iter()
            .find(|(name, _)| name == "nominals.csv")
            .expect("nominals section");
        let header: Vec<&str> = nominals.lines().next().unwrap().split(',').collect();
        let phone_col = header
            .iter()
            .position(|c| c.trim() == "phone_numbers")
            .expect("phone_numbers column");
        let bad_dir = dir.path().join("bad");
        fixture::write_csv_folder(VALID_RETURN, &bad_dir);
        let path = bad_dir.join("nominals.csv");
        let mut records: Vec<Vec<String>> = {
            let mut reader = csv_reader(&path);
            reader
                .records()
                .map(|r| r.unwrap().iter().map(str::to_string).collect())
                .collect()
        };
        records[1][phone_col] = "0770O 900123".to_string();
        write_csv(&path, &header, &records);

        let reports = import(&mut *store, &national(), &[bad_dir]);
        let found = problems(&reports[0]);
        assert_eq!(found.len(), 1, "{}: {found:#?}", db.name());
        let problem = &found[0];
        assert_eq!(problem.table, Table::Nominals);
        assert_eq!(
            problem.row,
            Some(3),
            "the second data row is row 3 (the header is row 1)"
        );
        assert_eq!(problem.column.as_deref(), Some("phone_numbers"));
        assert!(
            problem
                .value
                .as_deref()
                .unwrap_or_default()
                .contains("0770O 900123")
        );
        assert!(!problem.reason.is_empty());

        assert_eq!(
            before,
            data_counts(&mut *store),
            "{}: a rejected return must change nothing",
            db.name()
        );
        assert_eq!(
            current_before,
            store.returns(&national(), &Scope::National, false).unwrap()
        );
        let log = store.submissions(&national(), &Scope::National).unwrap();
        assert_eq!(
            log.last().unwrap().outcome,
            store::SubmissionOutcome::Rejected,
            "{}",
            db.name()
        );
    }
}

#[test]
fn a_resubmission_replaces_the_period_and_keeps_history() {
    for db in TestDb::all() {
        let dir = tempfile::tempdir().unwrap();
        let first = fixture::write_csv_folder(VALID_RETURN, &dir.path().join("v1"));
        let second_dir = dir.path().join("v2");
        fixture::write_csv_folder(VALID_RETURN, &second_dir);
        // The corrected return says who corrected it; any change of content makes a new version.
        let text = std::fs::read_to_string(second_dir.join("return.csv")).unwrap();
        std::fs::write(
            second_dir.join("return.csv"),
            text.replace("submitted_by,", "submitted_by,corrected: "),
        )
        .unwrap();

        let mut store = db.store();
        assert!(!import(&mut *store, &national(), &[first])[0].is_rejected());
        let reports = import(&mut *store, &national(), &[second_dir]);
        match reports[0].outcome {
            ImportOutcome::Accepted {
                revision, replaced, ..
            } => {
                assert_eq!(revision, 2, "{}", db.name());
                assert!(replaced.is_some(), "{}", db.name());
            }
            ref other => panic!("{}: {other:?}", db.name()),
        }
        let current = store.returns(&national(), &Scope::National, false).unwrap();
        assert_eq!(current.len(), 1);
        assert!(
            current[0].submitted_by.starts_with("corrected: "),
            "{}: {:?}",
            db.name(),
            current[0].submitted_by
        );
        assert_eq!(
            store
                .returns(&national(), &Scope::National, true)
                .unwrap()
                .len(),
            2
        );
    }
}

#[test]
fn summary_counts_what_the_return_holds() {
    for db in TestDb::all() {
        let dir = tempfile::tempdir().unwrap();
        let folder = fixture::write_csv_folder(VALID_RETURN, &dir.path().join("r"));
        let mut store = db.store();
        assert!(!import(&mut *store, &national(), &[folder])[0].is_rejected());
        let summary = engine::summary(&mut *store, &national(), &Scope::National, None).unwrap();
        let (info, ret) = store
            .load_current(&national(), &Scope::National)
            .unwrap()
            .remove(0);

        assert_eq!(summary.period, Some(info.period));
        assert_eq!(summary.forces_reporting, vec![info.force.clone()]);
        assert_eq!(
            summary.forces_missing.len(),
            43,
            "44 forces in the registry, one reported"
        );
        assert_eq!(summary.lines, fixture_rows(VALID_RETURN, "lines.csv"));
        assert_eq!(summary.nominals, fixture_rows(VALID_RETURN, "nominals.csv"));
        assert_eq!(
            summary
                .lines_by_status
                .iter()
                .map(|(_, n)| n)
                .sum::<usize>(),
            summary.lines
        );
        assert_eq!(
            summary
                .nominals_by_role
                .iter()
                .map(|(_, n)| n)
                .sum::<usize>(),
            summary.nominals
        );
        let with_tokens = ret
            .nominals
            .iter()
            .filter(|n| !n.vulnerabilities.is_empty())
            .count();
        assert_eq!(summary.vulnerable, with_tokens);
        assert!(summary.children <= summary.nominals);
        assert_eq!(
            summary.events_by_kind.iter().map(|(_, n)| n).sum::<usize>(),
            fixture_rows(VALID_RETURN, "events.csv")
        );

        // A force analyst of another force sees nothing of it, and may not ask.
        let outsider = Actor::force("outsider", "kent".parse().unwrap());
        assert!(engine::summary(&mut *store, &outsider, &Scope::National, None).is_err());
        let own = engine::summary(
            &mut *store,
            &outsider,
            &Scope::Force("kent".parse().unwrap()),
            None,
        )
        .unwrap();
        assert_eq!(own.period, None);
    }
}

#[test]
fn quality_reports_lateness_completeness_grading_and_rejections() {
    for db in TestDb::all() {
        let dir = tempfile::tempdir().unwrap();
        let folder = fixture::write_csv_folder(VALID_RETURN, &dir.path().join("r"));
        let mut store = db.store();
        let reports = import(&mut *store, &national(), &[folder]);
        let force = reports[0].force.clone().expect("force read");

        // A rejected submission from the same force: its force and period are readable.
        let bad = fixture::write_csv_folder(VALID_RETURN, &dir.path().join("bad"));
        let lines = std::fs::read_to_string(bad.join("lines.csv")).unwrap();
        std::fs::write(bad.join("lines.csv"), lines.replacen("2-B-P", "9-Z-Q", 1)).unwrap();
        assert!(import(&mut *store, &national(), &[bad])[0].is_rejected());

        let report = engine::quality(
            &mut *store,
            &national(),
            &Scope::National,
            engine::QualitySettings::default(),
        )
        .unwrap();
        assert_eq!(report.forces.len(), 44);
        let mine = report.forces.iter().find(|f| f.force == force).unwrap();
        assert_eq!(mine.returns, 1);
        assert_eq!(
            mine.late, 1,
            "received today, long after the period's due date"
        );
        assert_eq!(mine.on_time, 0);
        assert_eq!(mine.rejected, 1);
        assert!(mine.missing.is_empty());
        let nominal_rows = fixture_rows(VALID_RETURN, "nominals.csv");
        let refs = mine
            .completeness
            .iter()
            .find(|c| c.table == Table::Nominals && c.column == "nominal_ref")
            .unwrap();
        assert_eq!(
            (refs.filled, refs.total),
            (nominal_rows, nominal_rows),
            "a required column is always filled"
        );
        let graded: usize = mine.grading.iter().map(|(_, n)| n).sum();
        let expected = fixture_rows(VALID_RETURN, "lines.csv")
            + nominal_rows
            + fixture_rows(VALID_RETURN, "locations.csv")
            + fixture_rows(VALID_RETURN, "vehicles.csv");
        assert_eq!(graded, expected, "every graded record counted once");
        let others = report.forces.iter().filter(|f| f.force != force);
        assert!(
            others
                .clone()
                .all(|f| f.returns == 0 && f.missing.len() == report.periods.len())
        );
    }
}

fn csv_reader(path: &Path) -> csv::Reader<std::fs::File> {
    csv::ReaderBuilder::new().from_path(path).unwrap()
}

fn write_csv(path: &Path, header: &[&str], rows: &[Vec<String>]) {
    let mut writer = csv::Writer::from_path(path).unwrap();
    writer.write_record(header).unwrap();
    for row in rows {
        writer.write_record(row).unwrap();
    }
    writer.flush().unwrap();
}

/// Imports the small world into a fresh store and runs resolution on it.
fn analysed(db: &TestDb) -> Box<dyn Store> {
    let mut store = db.store();
    let reports = import(&mut *store, &national(), &[small_world().join("returns")]);
    assert!(reports.iter().all(|r| !r.is_rejected()));
    engine::analyse(
        &mut *store,
        &national(),
        &resolve::Settings::default(),
        &mut |_, _, _| {},
    )
    .expect("analyse");
    store
}

#[test]
fn analysis_ids_are_stable_and_decisions_survive_a_rerun() {
    for db in TestDb::all() {
        let mut store = analysed(&db);
        let first = store.entity_members(&national(), &Scope::National).unwrap();
        assert!(!first.is_empty(), "{}", db.name());

        // Nothing changed: a second run gives the very same ids.
        engine::analyse(
            &mut *store,
            &national(),
            &resolve::Settings::default(),
            &mut |_, _, _| {},
        )
        .unwrap();
        assert_eq!(
            first,
            store.entity_members(&national(), &Scope::National).unwrap(),
            "{}",
            db.name()
        );

        // An analyst rejects a queued pair and accepts another; both hold after a re-run.
        let queue = store.review_queue(&national()).unwrap();
        assert!(
            queue.len() >= 2,
            "{}: the small world should leave pairs to review",
            db.name()
        );
        let entity_of = |members: &[store::EntityMember], r: &store::RecordRef, kind: &str| {
            members
                .iter()
                .find(|m| &m.record == r && m.kind == kind)
                .map(|m| m.entity_id.clone())
        };
        for (pair, same) in [(&queue[0], false), (&queue[1], true)] {
            let decision = store::Decision {
                kind: pair.kind.clone(),
                a: pair.a.clone(),
                b: pair.b.clone(),
                same,
                decided_by: String::new(),
                decided_at: chrono::Utc::now(),
                note: Some("checked with both forces".into()),
            };
            store.record_decision(&national(), &decision).unwrap();
        }
        for _ in 0..2 {
            engine::analyse(
                &mut *store,
                &national(),
                &resolve::Settings::default(),
                &mut |_, _, _| {},
            )
            .unwrap();
            let members = store.entity_members(&national(), &Scope::National).unwrap();
            let (rejected, accepted) = (&queue[0], &queue[1]);
            assert_ne!(
                entity_of(&members, &rejected.a, &rejected.kind),
                entity_of(&members, &rejected.b, &rejected.kind),
                "{}: a rejected pair stays apart",
                db.name()
            );
            assert_eq!(
                entity_of(&members, &accepted.a, &accepted.kind),
                entity_of(&members, &accepted.b, &accepted.kind),
                "{}: an accepted pair stays together",
                db.name()
            );
            let queue_now = store.review_queue(&national()).unwrap();
            assert!(
                queue_now
                    .iter()
                    .all(|p| p.pair_id != rejected.pair_id && p.pair_id != accepted.pair_id)
            );
        }
    }
}

#[test]
fn deconfliction_alerts_reach_every_force_concerned_and_conflicts_reach_the_centre() {
    for db in TestDb::all() {
        let mut store = analysed(&db);
        let alerts = store.alerts(&national(), None).unwrap();
        assert!(
            !alerts.is_empty(),
            "{}: the small world shares subjects across forces",
            db.name()
        );
        for alert in &alerts {
            assert!(alert.forces.len() >= 2, "{}: {alert:?}", db.name());
            // Every force holding the entity has its own alert about it.
            for force in &alert.forces {
                let id = format!("{}@force:{force}", alert.entity_id);
                assert!(
                    alerts.iter().any(|a| a.alert_id == id),
                    "{}: {id} missing",
                    db.name()
                );
            }
            if alert.active_forces.len() >= 2 {
                assert_eq!(alert.severity, store::Severity::Conflict);
                let national_id = format!("{}@national", alert.entity_id);
                assert!(
                    alerts.iter().any(|a| a.alert_id == national_id),
                    "{}: {national_id} missing",
                    db.name()
                );
            } else {
                assert_eq!(alert.severity, store::Severity::Shared);
            }
        }
        // A force analyst sees only their own force's alerts.
        let force = alerts[0].forces[0].clone();
        let own = store
            .alerts(&Actor::force("f", force.clone()), None)
            .unwrap();
        assert!(!own.is_empty());
        assert!(
            own.iter()
                .all(|a| a.recipient == store::Recipient::Force(force.clone()))
        );

        // The exports are exactly the published layout.
        let (members, rows) = engine::export_rows(&mut *store, &national()).unwrap();
        let mut out = Vec::new();
        share::write_entities(&mut out, &members).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert!(text.starts_with("entity_id,kind,force,period,ref\n"));
        assert_eq!(text.lines().count(), members.len() + 1);
        assert!(
            rows.iter()
                .all(|r| r.forces.len() >= 2 && r.first_seen <= r.last_seen)
        );
    }
}
