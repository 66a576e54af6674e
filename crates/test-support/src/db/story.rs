//! The store story: what every [`store::Store`] backend must do, written once and run by each
//! backend's own integration tests (`crates/store-*/tests/store.rs`) on a fresh [`TestDb`].
//!
//! Each function is one chapter and takes a fresh database; [`ALL`] lists them so that a
//! backend's tests can check none is forgotten. The chapters check behaviour through the
//! `Store` trait only (and [`TestDb::execute_sql`] where a test must tamper); they do not
//! look at SQL, so the same assertions hold for SQLite and PostgreSQL.
//!
//! The chapters on what resolution derives (memberships, the review queue, decisions, alerts)
//! are in [`resolution`], those on replacement numbers linked to entities in [`replacements`],
//! and all are listed in [`ALL`] with the others.

mod replacements;
mod resolution;

use chrono::Utc;
use model::{Actor, Return, ReturnId, Scope};
use store::{Error, Store, SubmissionOutcome, SubmitOutcome};

use crate::builders::{
    force, force_analyst, information_manager, national_analyst, region, regional_analyst,
    sample_rejection, sample_return, sample_submission, with_awkward_text,
};
use crate::db::TestDb;

pub use replacements::{
    failed_link_save_keeps_previous, replacement_links_awkward_text_round_trips,
    replacement_links_permissions, replacement_links_resave_replaces, replacement_links_round_trip,
};
pub use resolution::{
    decisions_survive_resave, entity_members_follow_scope, failed_save_keeps_previous_run,
    resolution_awkward_text_round_trips, resolution_permissions, resolution_resave_replaces,
    resolution_round_trip,
};

/// One chapter of the story, run on a fresh database.
pub type Chapter = fn(&TestDb);

/// Every chapter, by name, in the order they tell the story.
pub const ALL: &[(&str, Chapter)] = &[
    ("round_trip", round_trip),
    ("awkward_text_round_trips", awkward_text_round_trips),
    ("optional_tables_may_be_empty", optional_tables_may_be_empty),
    ("resubmission_replaces", resubmission_replaces),
    ("same_hash_is_unchanged", same_hash_is_unchanged),
    ("rejection_changes_no_records", rejection_changes_no_records),
    ("failed_write_changes_nothing", failed_write_changes_nothing),
    ("force_analyst_stays_in_force", force_analyst_stays_in_force),
    ("regional_analyst_sees_region", regional_analyst_sees_region),
    (
        "information_manager_audits_only",
        information_manager_audits_only,
    ),
    ("submission_log_follows_scope", submission_log_follows_scope),
    (
        "every_read_and_write_is_audited",
        every_read_and_write_is_audited,
    ),
    (
        "reopening_keeps_data_and_schema",
        reopening_keeps_data_and_schema,
    ),
    ("newer_schema_is_refused", newer_schema_is_refused),
    ("resolution_round_trip", resolution_round_trip),
    ("resolution_resave_replaces", resolution_resave_replaces),
    ("decisions_survive_resave", decisions_survive_resave),
    ("resolution_permissions", resolution_permissions),
    ("entity_members_follow_scope", entity_members_follow_scope),
    (
        "resolution_awkward_text_round_trips",
        resolution_awkward_text_round_trips,
    ),
    (
        "failed_save_keeps_previous_run",
        failed_save_keeps_previous_run,
    ),
    ("orders_are_kept_and_audited", orders_are_kept_and_audited),
    ("replacement_links_round_trip", replacement_links_round_trip),
    (
        "replacement_links_resave_replaces",
        replacement_links_resave_replaces,
    ),
    (
        "replacement_links_permissions",
        replacement_links_permissions,
    ),
    (
        "replacement_links_awkward_text_round_trips",
        replacement_links_awkward_text_round_trips,
    ),
    (
        "failed_link_save_keeps_previous",
        failed_link_save_keeps_previous,
    ),
];

/// Runs every chapter, each on a fresh database from `new_db`, naming the chapter that fails.
pub fn run_all(new_db: impl Fn() -> TestDb) {
    for (name, chapter) in ALL {
        let db = new_db();
        eprintln!("store story: {name} on {}", db.name());
        chapter(&db);
    }
}

/// Table counts without the two logs, which legitimately grow on refusals and rejections.
fn record_counts(store: &mut dyn Store) -> Vec<(String, i64)> {
    let mut counts = store.table_counts().expect("table counts");
    counts.retain(|(table, _)| table != "audit_log" && table != "submissions");
    counts
}

fn count_of(store: &mut dyn Store, table: &str) -> i64 {
    let counts = store.table_counts().expect("table counts");
    counts
        .iter()
        .find(|(t, _)| t == table)
        .unwrap_or_else(|| panic!("no table {table} in {counts:?}"))
        .1
}

/// Submits `ret` (with its sample submission) and expects it accepted.
fn submit(store: &mut dyn Store, actor: &Actor, ret: &Return) -> (ReturnId, u32, Option<ReturnId>) {
    match store.submit_return(actor, &sample_submission(ret), ret) {
        Ok(SubmitOutcome::Accepted {
            return_id,
            revision,
            replaced,
        }) => (return_id, revision, replaced),
        other => panic!("expected the return to be accepted, got {other:?}"),
    }
}

#[track_caller]
fn assert_forbidden<T: std::fmt::Debug>(result: store::Result<T>, what: &str) {
    match result {
        Err(Error::Forbidden { .. }) => {}
        other => panic!("{what}: expected Forbidden, got {other:?}"),
    }
}

/// Compares table by table first, so that a failure names the table.
#[track_caller]
fn assert_same_return(got: &Return, expected: &Return) {
    assert_eq!(got.header, expected.header, "header");
    assert_eq!(got.lines, expected.lines, "lines");
    assert_eq!(got.nominals, expected.nominals, "nominals");
    assert_eq!(got.locations, expected.locations, "locations");
    assert_eq!(got.vehicles, expected.vehicles, "vehicles");
    assert_eq!(got.events, expected.events, "events");
    assert_eq!(got, expected);
}

/// A return submitted comes back equal, table by table, with a faithful description.
pub fn round_trip(db: &TestDb) {
    let mut store = db.store();
    let ann = force_analyst("ann", "merseyside");
    let ret = sample_return("merseyside", "2026-02", 60);
    let submission = sample_submission(&ret);
    let before = Utc::now();
    let outcome = store
        .submit_return(&ann, &submission, &ret)
        .expect("submit");
    let after = Utc::now();
    let SubmitOutcome::Accepted {
        return_id,
        revision: 1,
        replaced: None,
    } = outcome
    else {
        panic!("expected a first revision, got {outcome:?}");
    };

    let (info, back) = store.load_return(&ann, return_id).expect("load_return");
    assert_same_return(&back, &ret);
    assert_eq!(info.id, return_id);
    assert_eq!(info.force, force("merseyside"));
    assert_eq!(info.period, ret.header.period);
    assert_eq!((info.version, info.revision, info.current), (1, 1, true));
    assert_eq!(info.submitted_by, ret.header.submitted_by);
    assert_eq!(info.stored_by, "ann");
    assert_eq!(info.origin, submission.origin);
    assert_eq!(info.container, submission.container);
    assert_eq!(info.sha256, submission.sha256);
    let lens = [
        ret.lines.len(),
        ret.nominals.len(),
        ret.locations.len(),
        ret.vehicles.len(),
        ret.events.len(),
    ];
    assert_eq!(info.counts, lens.map(|n| n as u32));
    let second = chrono::Duration::seconds(1);
    assert!(
        info.received_at >= before - second && info.received_at <= after + second,
        "{}",
        info.received_at
    );

    // A second connection sees the same, through the other read.
    let mut other = db.store();
    let current = other
        .load_current(&ann, &Scope::Force(force("merseyside")))
        .expect("load_current");
    assert_eq!(current.len(), 1);
    assert_eq!(current[0].0, info);
    assert_same_return(&current[0].1, &ret);
    assert_eq!(
        other
            .returns(&ann, &Scope::Force(force("merseyside")), false)
            .expect("returns"),
        vec![info]
    );

    assert_eq!(count_of(&mut *other, "returns"), 1);
    assert_eq!(count_of(&mut *other, "nominals"), 60);
    assert_eq!(count_of(&mut *other, "events"), ret.events.len() as i64);
    assert_eq!(
        count_of(&mut *other, "return_sources"),
        submission.files.len() as i64
    );
}

/// Tabs, line breaks, backslashes, quotes and non-ASCII text come back exactly.
pub fn awkward_text_round_trips(db: &TestDb) {
    let mut store = db.store();
    let ann = force_analyst("ann", "merseyside");
    let ret = with_awkward_text(sample_return("merseyside", "2026-02", 30));
    let (id, _, _) = submit(&mut *store, &ann, &ret);
    let (_, back) = db.store().load_return(&ann, id).expect("load_return");
    assert_same_return(&back, &ret);
}

/// A return with no locations, vehicles or events (the optional tables) round-trips.
pub fn optional_tables_may_be_empty(db: &TestDb) {
    let mut store = db.store();
    let ann = force_analyst("ann", "merseyside");
    let mut ret = sample_return("merseyside", "2026-02", 0);
    ret.locations.clear();
    ret.vehicles.clear();
    ret.events.clear();
    let (id, _, _) = submit(&mut *store, &ann, &ret);
    let (info, back) = store.load_return(&ann, id).expect("load_return");
    assert_same_return(&back, &ret);
    assert_eq!(info.counts, [2, 0, 0, 0, 0]);
}

/// A resubmission replaces the current version as a whole; the old one stays in history.
pub fn resubmission_replaces(db: &TestDb) {
    let mut store = db.store();
    let ann = force_analyst("ann", "merseyside");
    let mersey = Scope::Force(force("merseyside"));
    let v1 = sample_return("merseyside", "2026-02", 12);
    let (id1, rev1, replaced1) = submit(&mut *store, &ann, &v1);
    assert_eq!((rev1, replaced1), (1, None));

    let mut v2 = v1.clone();
    v2.nominals.pop();
    v2.lines[0].notes = Some("Line now run from Croydon".to_string());
    let (id2, rev2, replaced2) = submit(&mut *store, &ann, &v2);
    assert_eq!((rev2, replaced2), (2, Some(id1)));
    assert_ne!(id1, id2);

    let current = store.returns(&ann, &mersey, false).expect("returns");
    assert_eq!(
        current
            .iter()
            .map(|i| (i.id, i.revision, i.current))
            .collect::<Vec<_>>(),
        [(id2, 2, true)]
    );
    let history = store.returns(&ann, &mersey, true).expect("history");
    assert_eq!(
        history
            .iter()
            .map(|i| (i.id, i.revision, i.current))
            .collect::<Vec<_>>(),
        [(id1, 1, false), (id2, 2, true)]
    );

    let loaded = store.load_current(&ann, &mersey).expect("load_current");
    assert_eq!(loaded.len(), 1, "only one current version");
    assert_same_return(&loaded[0].1, &v2);
    let (old_info, old) = store.load_return(&ann, id1).expect("history is kept");
    assert!(!old_info.current);
    assert_same_return(&old, &v1);
    assert_eq!(count_of(&mut *store, "nominals"), 12 + 11);

    // Sending the first version again makes it current again, as a third revision.
    let (id3, rev3, replaced3) = submit(&mut *store, &ann, &v1);
    assert_eq!((rev3, replaced3), (3, Some(id2)));
    // Another period is another history.
    let march = sample_return("merseyside", "2026-03", 5);
    let (_, rev_march, replaced_march) = submit(&mut *store, &ann, &march);
    assert_eq!((rev_march, replaced_march), (1, None));
    let current: Vec<_> = store
        .returns(&ann, &mersey, false)
        .expect("returns")
        .iter()
        .map(|i| i.id)
        .collect();
    assert_eq!(current.len(), 2);
    assert!(current.contains(&id3));
}

/// Submitting the current version's content again stores nothing but the log entry.
pub fn same_hash_is_unchanged(db: &TestDb) {
    let mut store = db.store();
    let ann = force_analyst("ann", "merseyside");
    let ret = sample_return("merseyside", "2026-02", 20);
    let (id, _, _) = submit(&mut *store, &ann, &ret);
    let before = record_counts(&mut *store);
    let again = store
        .submit_return(&ann, &sample_submission(&ret), &ret)
        .expect("resubmit");
    assert_eq!(again, SubmitOutcome::Unchanged { return_id: id });
    assert_eq!(
        record_counts(&mut *store),
        before,
        "an unchanged submission stores no records"
    );

    let log = store
        .submissions(&ann, &Scope::Force(force("merseyside")))
        .expect("submissions");
    let outcomes: Vec<_> = log.iter().map(|e| (e.outcome, e.return_id)).collect();
    assert_eq!(
        outcomes,
        [
            (SubmissionOutcome::Accepted, Some(id)),
            (SubmissionOutcome::Unchanged, Some(id))
        ]
    );
    assert_eq!(
        log[1].sha256.as_deref(),
        Some(sample_submission(&ret).sha256.as_str())
    );
}

/// A rejection is logged with its first problems and changes no record table.
pub fn rejection_changes_no_records(db: &TestDb) {
    let mut store = db.store();
    let ann = force_analyst("ann", "merseyside");
    submit(
        &mut *store,
        &ann,
        &sample_return("merseyside", "2026-01", 8),
    );
    let before = record_counts(&mut *store);
    let rejection = sample_rejection(Some("merseyside"), Some("2026-02"), 25);
    let id = store
        .record_rejection(&ann, &rejection)
        .expect("record_rejection");
    assert_eq!(
        record_counts(&mut *store),
        before,
        "a rejection stores no records"
    );

    let log = store
        .submissions(&ann, &Scope::Force(force("merseyside")))
        .expect("submissions");
    let entry = log.last().expect("an entry");
    assert_eq!(entry.id, id);
    assert_eq!(entry.outcome, SubmissionOutcome::Rejected);
    assert_eq!(entry.problem_count, 25);
    assert_eq!(entry.problems.len(), 20, "the first 20 problems are kept");
    assert_eq!(entry.problems[0], rejection.problems[0].to_string());
    assert_eq!(
        (entry.return_id, entry.sha256.clone()),
        (None, rejection.sha256.clone())
    );
    assert_eq!(
        (entry.force.clone(), entry.period),
        (rejection.force.clone(), rejection.period)
    );
    assert_eq!(
        (entry.origin.as_str(), entry.submitted_by.as_str()),
        (rejection.origin.as_str(), "ann")
    );
}

/// A write that fails half-way leaves every table, logs included, as it was.
pub fn failed_write_changes_nothing(db: &TestDb) {
    let mut store = db.store();
    let ann = force_analyst("ann", "merseyside");
    submit(
        &mut *store,
        &ann,
        &sample_return("merseyside", "2026-01", 8),
    );
    let before = store.table_counts().expect("table counts");
    // Two nominals on one row cannot be stored: the write fails after the return, its files
    // and the lines are in, and must take them all back.
    let mut broken = sample_return("merseyside", "2026-02", 10);
    broken.nominals[5].row = broken.nominals[4].row;
    let result = store.submit_return(&ann, &sample_submission(&broken), &broken);
    assert!(
        matches!(result, Err(Error::Database(_))),
        "expected a database error, got {result:?}"
    );
    assert_eq!(
        store.table_counts().expect("table counts"),
        before,
        "a failed write leaves no trace"
    );
    // The connection is still usable.
    submit(
        &mut *store,
        &ann,
        &sample_return("merseyside", "2026-02", 10),
    );
}

/// A force analyst reads and submits their own force only; each refusal is audited.
pub fn force_analyst_stays_in_force(db: &TestDb) {
    let mut store = db.store();
    let ann = force_analyst("ann", "merseyside");
    let bob = force_analyst("bob", "metropolitan");
    let (own, _, _) = submit(
        &mut *store,
        &ann,
        &sample_return("merseyside", "2026-02", 6),
    );
    let (theirs, _, _) = submit(
        &mut *store,
        &bob,
        &sample_return("metropolitan", "2026-02", 6),
    );
    let before = record_counts(&mut *store);

    let met_return = sample_return("metropolitan", "2026-03", 4);
    let met = Scope::Force(force("metropolitan"));
    assert_forbidden(
        store.submit_return(&ann, &sample_submission(&met_return), &met_return),
        "submit for another force",
    );
    assert_forbidden(
        store.load_return(&ann, theirs),
        "load another force's return",
    );
    assert_forbidden(
        store.load_current(&ann, &met),
        "load another force's returns",
    );
    assert_forbidden(
        store.load_current(&ann, &Scope::Region(region("north-west"))),
        "load own region",
    );
    assert_forbidden(
        store.load_current(&ann, &Scope::National),
        "load nationally",
    );
    assert_forbidden(
        store.returns(&ann, &met, true),
        "list another force's returns",
    );
    assert_forbidden(
        store.submissions(&ann, &met),
        "read another force's submissions",
    );
    assert_forbidden(store.audit_log(&ann, 10), "read the audit log");
    assert_eq!(record_counts(&mut *store), before, "refusals store nothing");

    let mine = store
        .load_current(&ann, &Scope::Force(force("merseyside")))
        .expect("own force");
    assert_eq!(mine.iter().map(|(i, _)| i.id).collect::<Vec<_>>(), [own]);

    let audit = store
        .audit_log(&national_analyst("nat"), 100)
        .expect("audit log");
    let denied: Vec<(&str, &str)> = audit
        .iter()
        .rev()
        .filter(|e| e.action == "denied")
        .map(|e| (e.subject.as_str(), e.detail.as_str()))
        .collect();
    let theirs_subject = format!("return:{theirs}");
    assert_eq!(
        denied,
        [
            ("force:metropolitan period:2026-03", "submit_return"),
            (theirs_subject.as_str(), "read_return"),
            ("force:metropolitan", "read_returns"),
            ("region:north-west", "read_returns"),
            ("national", "read_returns"),
            ("force:metropolitan", "list_returns"),
            ("force:metropolitan", "read_submissions"),
            ("audit_log", "read_audit_log"),
        ]
    );
    assert!(
        audit
            .iter()
            .filter(|e| e.action == "denied")
            .all(|e| e.user == "ann" && e.role == "force_analyst")
    );
}

/// A regional analyst sees the forces of the region and nothing else.
pub fn regional_analyst_sees_region(db: &TestDb) {
    let mut store = db.store();
    let nat = national_analyst("nat");
    let (mersey, _, _) = submit(
        &mut *store,
        &nat,
        &sample_return("merseyside", "2026-02", 4),
    );
    let (cheshire, _, _) = submit(&mut *store, &nat, &sample_return("cheshire", "2026-02", 4));
    let (met, _, _) = submit(
        &mut *store,
        &nat,
        &sample_return("metropolitan", "2026-02", 4),
    );

    let rita = regional_analyst("rita", "north-west");
    let north_west = Scope::Region(region("north-west"));
    let mut seen: Vec<ReturnId> = store
        .load_current(&rita, &north_west)
        .expect("own region")
        .iter()
        .map(|(i, _)| i.id)
        .collect();
    seen.sort();
    assert_eq!(seen, [mersey, cheshire]);
    assert_eq!(
        store
            .returns(&rita, &north_west, false)
            .expect("list own region")
            .len(),
        2
    );
    assert_eq!(
        store
            .load_current(&rita, &Scope::Force(force("cheshire")))
            .expect("a force of the region")
            .len(),
        1
    );
    store
        .load_return(&rita, mersey)
        .expect("a return of the region");

    assert_forbidden(store.load_return(&rita, met), "a return of another region");
    assert_forbidden(
        store.load_current(&rita, &Scope::Force(force("metropolitan"))),
        "a force of another region",
    );
    assert_forbidden(
        store.load_current(&rita, &Scope::Region(region("london"))),
        "another region",
    );
    assert_forbidden(store.load_current(&rita, &Scope::National), "nationally");
    assert_forbidden(
        store.returns(&rita, &Scope::National, false),
        "list nationally",
    );

    // The national analyst sees all three.
    assert_eq!(
        store
            .load_current(&nat, &Scope::National)
            .expect("national")
            .len(),
        3
    );
}

/// An information manager reads the audit log but no intelligence, and submits nothing.
pub fn information_manager_audits_only(db: &TestDb) {
    let mut store = db.store();
    let ann = force_analyst("ann", "merseyside");
    let (id, _, _) = submit(
        &mut *store,
        &ann,
        &sample_return("merseyside", "2026-02", 4),
    );
    let ian = information_manager("ian");
    let audit = store
        .audit_log(&ian, 50)
        .expect("the information manager reads the audit log");
    assert!(
        audit
            .iter()
            .any(|e| e.action == "submit_return" && e.user == "ann")
    );

    let mersey = Scope::Force(force("merseyside"));
    assert_forbidden(
        store.load_current(&ian, &Scope::National),
        "load nationally",
    );
    assert_forbidden(store.load_current(&ian, &mersey), "load a force");
    assert_forbidden(store.load_return(&ian, id), "load a return");
    assert_forbidden(store.returns(&ian, &Scope::National, true), "list returns");
    assert_forbidden(
        store.submissions(&ian, &Scope::National),
        "read submissions",
    );
    let ret = sample_return("merseyside", "2026-03", 4);
    assert_forbidden(
        store.submit_return(&ian, &sample_submission(&ret), &ret),
        "submit",
    );

    let audit = store.audit_log(&ian, 6).expect("audit log");
    assert_eq!(audit.len(), 6, "the limit is honoured");
    assert!(
        audit
            .iter()
            .all(|e| e.user == "ian" && e.role == "information_manager" && e.action == "denied")
    );
}

/// The submission log shows each scope its own entries; entries naming no force are national.
pub fn submission_log_follows_scope(db: &TestDb) {
    let mut store = db.store();
    let ann = force_analyst("ann", "merseyside");
    let bob = force_analyst("bob", "metropolitan");
    submit(
        &mut *store,
        &ann,
        &sample_return("merseyside", "2026-02", 4),
    );
    submit(
        &mut *store,
        &bob,
        &sample_return("metropolitan", "2026-02", 4),
    );
    store
        .record_rejection(&bob, &sample_rejection(Some("metropolitan"), None, 3))
        .expect("rejection");
    store
        .record_rejection(&ann, &sample_rejection(None, None, 1))
        .expect("unreadable rejection");

    let forces = |entries: Vec<store::SubmissionEntry>| -> Vec<Option<String>> {
        entries
            .into_iter()
            .map(|e| e.force.map(|f| f.to_string()))
            .collect()
    };
    let mersey = store
        .submissions(&ann, &Scope::Force(force("merseyside")))
        .expect("own log");
    assert_eq!(forces(mersey), [Some("merseyside".to_string())]);
    let london = store
        .submissions(
            &regional_analyst("lou", "london"),
            &Scope::Region(region("london")),
        )
        .expect("london");
    assert_eq!(forces(london), vec![Some("metropolitan".to_string()); 2]);
    let all = store
        .submissions(&national_analyst("nat"), &Scope::National)
        .expect("national log");
    assert_eq!(all.len(), 4);
    assert!(all.windows(2).all(|w| w[0].id < w[1].id), "oldest first");
    assert_eq!(all[3].force, None);
}

/// Every read and write of personal data leaves an audit entry naming who, what and which.
pub fn every_read_and_write_is_audited(db: &TestDb) {
    let mut store = db.store();
    let ann = force_analyst("ann", "merseyside");
    let nat = national_analyst("nat");
    let mersey = Scope::Force(force("merseyside"));
    let ret = sample_return("merseyside", "2026-02", 4);
    let (id, _, _) = submit(&mut *store, &ann, &ret);
    store
        .submit_return(&ann, &sample_submission(&ret), &ret)
        .expect("unchanged");
    let mut v2 = ret.clone();
    v2.nominals.pop();
    let (id2, _, _) = submit(&mut *store, &ann, &v2);
    store.load_return(&ann, id).expect("load_return");
    store.load_current(&ann, &mersey).expect("load_current");
    store
        .returns(&ann, &mersey, true)
        .expect("listing is not audited");
    store.submissions(&ann, &mersey).expect("submissions");
    store
        .record_rejection(
            &ann,
            &sample_rejection(Some("merseyside"), Some("2026-03"), 2),
        )
        .expect("rejection");
    assert_forbidden(store.load_current(&ann, &Scope::National), "national read");

    let audit = store.audit_log(&nat, 100).expect("audit log");
    assert!(
        audit
            .windows(2)
            .all(|w| w[0].id > w[1].id && w[0].at >= w[1].at),
        "newest first"
    );
    let trail: Vec<(String, String, String, String)> = audit
        .iter()
        .rev()
        .map(|e| {
            (
                e.user.clone(),
                e.action.clone(),
                e.subject.clone(),
                e.detail.clone(),
            )
        })
        .collect();
    let entry = |user: &str, action: &str, subject: String, detail: String| {
        (user.to_string(), action.to_string(), subject, detail)
    };
    assert_eq!(
        trail,
        [
            entry(
                "ann",
                "submit_return",
                format!("return:{id}"),
                "revision 1".into()
            ),
            entry(
                "ann",
                "submit_return",
                format!("return:{id}"),
                "unchanged".into()
            ),
            entry(
                "ann",
                "submit_return",
                format!("return:{id2}"),
                format!("revision 2, replaces {id}")
            ),
            entry(
                "ann",
                "read_return",
                format!("return:{id}"),
                "force:merseyside".into()
            ),
            entry(
                "ann",
                "read_returns",
                "force:merseyside".into(),
                id2.to_string()
            ),
            entry(
                "ann",
                "read_submissions",
                "force:merseyside".into(),
                "3 entries".into()
            ),
            entry(
                "ann",
                "record_rejection",
                "force:merseyside".into(),
                "S4, 2 problems".into()
            ),
            entry("ann", "denied", "national".into(), "read_returns".into()),
        ]
    );
    // Reading the audit log is itself audited.
    let latest = store.audit_log(&nat, 1).expect("audit log");
    assert_eq!(
        (latest[0].user.as_str(), latest[0].action.as_str()),
        ("nat", "read_audit_log")
    );
    assert_eq!(latest[0].role, "national_analyst");
}

/// Opening the database again keeps the data and does not migrate twice.
pub fn reopening_keeps_data_and_schema(db: &TestDb) {
    let ann = force_analyst("ann", "merseyside");
    let ret = sample_return("merseyside", "2026-02", 8);
    let (id, migrations) = {
        let mut store = db.store();
        let (id, _, _) = submit(&mut *store, &ann, &ret);
        (id, count_of(&mut *store, "schema_migrations"))
    };
    assert!(migrations >= 1);
    let mut store = db.store();
    assert_eq!(
        count_of(&mut *store, "schema_migrations"),
        migrations,
        "migrations run once"
    );
    assert_same_return(&store.load_return(&ann, id).expect("load").1, &ret);
}

/// A database whose schema is newer than the program is refused, not touched.
pub fn newer_schema_is_refused(db: &TestDb) {
    drop(db.store());
    db.execute_sql(
        "INSERT INTO schema_migrations (version, applied_at) VALUES (999, '2099-01-01T00:00:00Z')",
    );
    match db.open() {
        Err(Error::SchemaTooNew {
            found: 999,
            supported,
        }) => assert!(supported < 999),
        Err(other) => panic!("expected SchemaTooNew, got {other}"),
        Ok(_) => panic!("expected SchemaTooNew, the store opened"),
    }
}

/// Restriction orders: regional and national analysts record them, every entry stays (granted
/// beside applied), and each record, read and refusal is in the audit log.
pub fn orders_are_kept_and_audited(db: &TestDb) {
    let mut store = db.store();
    let nat = national_analyst("nat");
    let rita = regional_analyst("rita", "north-west");
    let ann = force_analyst("ann", "merseyside");
    let ian = information_manager("ian");
    let day = |s: &str| s.parse::<chrono::NaiveDate>().expect("date");
    let order =
        |number: &str, status: store::OrderStatus, line: Option<&str>, date: &str| store::Order {
            number: number.to_string(),
            status,
            line: line.map(str::to_string),
            date: day(date),
            recorded_by: "ignored".to_string(),
            recorded_at: Utc::now(),
        };
    let applied = order(
        "+447700900001",
        store::OrderStatus::Applied,
        Some("L-0001 <\"quoted\">"),
        "2026-03-02",
    );
    let granted = order(
        "+447700900001",
        store::OrderStatus::Granted,
        None,
        "2026-03-09",
    );
    assert_eq!(store.orders(&nat).expect("no orders yet"), Vec::new());
    store
        .record_order(&rita, &applied)
        .expect("regional analyst records");
    store
        .record_order(&nat, &granted)
        .expect("national analyst records");
    let before = count_of(&mut *store, "orders");
    assert_eq!(before, 2);
    assert_forbidden(
        store.record_order(&ann, &applied),
        "a force analyst records",
    );
    assert_forbidden(
        store.record_order(&ian, &applied),
        "an information manager records",
    );
    assert_forbidden(store.orders(&ann), "a force analyst reads orders");
    assert_eq!(
        count_of(&mut *store, "orders"),
        before,
        "refusals store nothing"
    );

    let orders = store.orders(&rita).expect("orders");
    assert_eq!(orders.len(), 2);
    assert_eq!(orders[0].number, "+447700900001");
    assert_eq!(orders[0].status, store::OrderStatus::Applied);
    assert_eq!(orders[0].line.as_deref(), Some("L-0001 <\"quoted\">"));
    assert_eq!(orders[0].date, day("2026-03-02"));
    assert_eq!(orders[0].recorded_by, "rita");
    assert_eq!(orders[1].status, store::OrderStatus::Granted);
    assert_eq!(orders[1].line, None);
    assert_eq!(orders[1].recorded_by, "nat");
    assert!(orders[0].recorded_at <= orders[1].recorded_at);

    let log = store.audit_log(&nat, 100).expect("audit log");
    let has = |user: &str, action: &str| log.iter().any(|e| e.user == user && e.action == action);
    assert!(has("rita", "record_order"), "{log:?}");
    assert!(has("nat", "record_order"));
    assert!(has("rita", "read_orders"));
    assert!(has("ann", "denied"));
    assert!(has("ian", "denied"));
}
