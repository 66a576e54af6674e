//! The story's chapters on what resolution derives (issue 3): a saved run read back, a re-run
//! replacing it, analysts' decisions outliving runs, deconfliction alerts, and who may see what.
//!
//! The runs are built here from a handful of records of three forces: merseyside and cheshire
//! (region north-west) and metropolitan (london). No return is submitted: the store keeps what
//! the resolver derived and does not check it against the stored records, so these chapters
//! test storage and permissions only, never resolution itself.

use std::collections::HashMap;
use std::time::Duration;

use chrono::{DateTime, Utc};
use model::{Actor, Scope};
use store::{
    Alert, Decision, EntityMember, Error, Recipient, RecordRef, ResolutionRun, ReviewPair,
    Severity, Store,
};

use super::{assert_forbidden, count_of, record_counts};
use crate::builders::{
    AWKWARD_TEXT, force, force_analyst, information_manager, national_analyst, period, region,
    regional_analyst,
};
use crate::db::TestDb;

/// The record written `force/period/ref`.
pub(super) fn rec(text: &str) -> RecordRef {
    text.parse()
        .unwrap_or_else(|e| panic!("test data: {text:?} is not a record reference: {e}"))
}

fn member(entity_id: &str, kind: &str, record: &str) -> EntityMember {
    EntityMember {
        entity_id: entity_id.to_string(),
        kind: kind.to_string(),
        record: rec(record),
    }
}

fn pair(pair_id: &str, kind: &str, a: &str, b: &str, probability: f64) -> ReviewPair {
    ReviewPair {
        pair_id: pair_id.to_string(),
        kind: kind.to_string(),
        a: rec(a),
        b: rec(b),
        probability,
        explanation: format!("{pair_id}\nsurname jaro-winkler 0.94: +3.20\ndob year only: +1.10"),
    }
}

pub(super) fn recipient(text: &str) -> Recipient {
    text.parse()
        .unwrap_or_else(|e| panic!("test data: {text:?} is not a recipient: {e}"))
}

/// What a caller passes for the fields the store fills (`raised_at`, `decided_at`).
pub(super) fn placeholder_time() -> DateTime<Utc> {
    DateTime::from_timestamp(946_684_800, 0).expect("2000-01-01")
}

/// The alert about `entity_id` for `to` (written `force:CODE`, `region:CODE` or `national`).
fn alert(
    entity_id: &str,
    kind: &str,
    severity: Severity,
    to: &str,
    forces: &[&str],
    active: &[&str],
) -> Alert {
    Alert {
        alert_id: format!("{entity_id}>{to}"),
        entity_id: entity_id.to_string(),
        kind: kind.to_string(),
        topic: store::AlertTopic::Deconfliction,
        severity,
        recipient: recipient(to),
        forces: forces.iter().map(|f| force(f)).collect(),
        active_forces: active.iter().map(|f| force(f)).collect(),
        first_seen: period("2026-01"),
        last_seen: period("2026-02"),
        raised_at: placeholder_time(),
        summary: format!("{kind} {entity_id} is held by {}", forces.join(", ")),
    }
}

/// Alerts about `entity_id` as issue 3 raises them: one to each force holding it, and where two
/// or more have it under active investigation, a conflict that also goes to their regions and
/// the national centre.
fn alerts_for(entity_id: &str, kind: &str, forces: &[&str], active: &[&str]) -> Vec<Alert> {
    let severity = if active.len() >= 2 {
        Severity::Conflict
    } else {
        Severity::Shared
    };
    let mut to: Vec<String> = forces.iter().map(|f| format!("force:{f}")).collect();
    if severity == Severity::Conflict {
        let mut regions: Vec<String> = forces
            .iter()
            .map(|f| format!("region:{}", force(f).region()))
            .collect();
        regions.sort();
        regions.dedup();
        to.extend(regions);
        to.push("national".to_string());
    }
    to.iter()
        .map(|to| alert(entity_id, kind, severity, to, forces, active))
        .collect()
}

/// A run over three forces: person P1 in all three (a conflict: merseyside and metropolitan
/// both investigate), line L1 shared by merseyside and metropolitan, and one nominal in two
/// phone entities.
pub(super) fn sample_run() -> ResolutionRun {
    ResolutionRun {
        members: vec![
            member("P1", "person", "merseyside/2026-02/N1"),
            member("P1", "person", "metropolitan/2026-02/N7"),
            member("P1", "person", "cheshire/2026-01/N3"),
            member("P2", "person", "merseyside/2026-02/N2"),
            member("P3", "person", "metropolitan/2026-02/N8"),
            member("L1", "line", "merseyside/2026-02/L1"),
            member("L1", "line", "metropolitan/2026-02/L4"),
            // One record may belong to two entities of one kind: a nominal with two phones.
            member("T1", "phone", "merseyside/2026-02/N1"),
            member("T2", "phone", "merseyside/2026-02/N1"),
            member("T2", "phone", "cheshire/2026-01/N3"),
        ],
        review: vec![
            pair(
                "R1",
                "person",
                "merseyside/2026-02/N2",
                "metropolitan/2026-02/N8",
                0.9,
            ),
            pair(
                "R2",
                "person",
                "cheshire/2026-01/N3",
                "merseyside/2026-02/N2",
                0.45,
            ),
            pair(
                "R3",
                "person",
                "metropolitan/2026-02/N7",
                "metropolitan/2026-02/N8",
                0.6,
            ),
            pair(
                "R4",
                "line",
                "merseyside/2026-02/L1",
                "cheshire/2026-01/L2",
                0.15,
            ),
        ],
        alerts: [
            alerts_for(
                "P1",
                "person",
                &["cheshire", "merseyside", "metropolitan"],
                &["merseyside", "metropolitan"],
            ),
            alerts_for(
                "L1",
                "line",
                &["merseyside", "metropolitan"],
                &["merseyside"],
            ),
        ]
        .concat(),
        model: "{\"m\": {\"surname\": [0.95, 0.02]}, \"lambda\": 0.0004}\n".to_string(),
    }
}

/// Saves `run` as a national analyst, expecting it stored, and returns the moments just
/// before and after.
pub(super) fn save(store: &mut dyn Store, run: &ResolutionRun) -> (DateTime<Utc>, DateTime<Utc>) {
    let before = Utc::now();
    store
        .save_resolution(&national_analyst("nat"), run)
        .expect("save_resolution");
    (before, Utc::now())
}

#[track_caller]
pub(super) fn assert_within(at: DateTime<Utc>, (before, after): (DateTime<Utc>, DateTime<Utc>)) {
    let second = chrono::Duration::seconds(1);
    assert!(
        at >= before - second && at <= after + second,
        "{at} is not between {before} and {after}"
    );
}

fn sorted<T: Ord + Clone>(items: &[T]) -> Vec<T> {
    let mut items = items.to_vec();
    items.sort();
    items
}

/// `alerts` by id, with the store-filled `raised_at` blanked, to compare with what was saved.
pub(super) fn comparable(alerts: &[Alert]) -> Vec<Alert> {
    let mut alerts = alerts.to_vec();
    for a in &mut alerts {
        a.raised_at = placeholder_time();
    }
    alerts.sort_by(|x, y| x.alert_id.cmp(&y.alert_id));
    alerts
}

pub(super) fn alert_ids(alerts: &[Alert]) -> Vec<&str> {
    alerts.iter().map(|a| a.alert_id.as_str()).collect()
}

fn pair_ids(pairs: &[ReviewPair]) -> Vec<&str> {
    pairs.iter().map(|p| p.pair_id.as_str()).collect()
}

/// The review pair `id` of `run`.
fn pair_of<'r>(run: &'r ResolutionRun, id: &str) -> &'r ReviewPair {
    run.review
        .iter()
        .find(|p| p.pair_id == id)
        .unwrap_or_else(|| panic!("no pair {id}"))
}

/// A decision as a caller passes it, with nonsense in the fields the store fills.
fn decision(kind: &str, a: &str, b: &str, same: bool, note: Option<&str>) -> Decision {
    Decision {
        kind: kind.to_string(),
        a: rec(a),
        b: rec(b),
        same,
        decided_by: "somebody else".to_string(),
        decided_at: placeholder_time(),
        note: note.map(str::to_string),
    }
}

/// The newest audit entry, as (user, action, subject, detail).
pub(super) fn last_audit(store: &mut dyn Store) -> (String, String, String, String) {
    let entry = store
        .audit_log(&national_analyst("auditor"), 1)
        .expect("audit log")
        .remove(0);
    (entry.user, entry.action, entry.subject, entry.detail)
}

pub(super) fn audited(
    user: &str,
    action: &str,
    subject: &str,
    detail: &str,
) -> (String, String, String, String) {
    (
        user.to_string(),
        action.to_string(),
        subject.to_string(),
        detail.to_string(),
    )
}

/// A saved run reads back as saved: memberships, the review queue (most uncertain first),
/// alerts (raised now) and the model.
pub fn resolution_round_trip(db: &TestDb) {
    let mut store = db.store();
    let nat = national_analyst("nat");
    assert_eq!(
        store.resolution_model(&nat).expect("resolution_model"),
        None,
        "no run saved yet"
    );
    assert!(store.review_queue(&nat).expect("review_queue").is_empty());
    assert!(store.alerts(&nat, None).expect("alerts").is_empty());

    let run = sample_run();
    let window = save(&mut *store, &run);
    assert_eq!(
        last_audit(&mut *store),
        audited(
            "nat",
            "save_resolution",
            "resolution",
            "10 members, 4 review pairs, 8 alerts (8 new)"
        )
    );

    // A second connection reads it all back.
    let mut other = db.store();
    let members = other
        .entity_members(&nat, &Scope::National)
        .expect("entity_members");
    assert_eq!(members, sorted(&run.members), "by entity, kind and record");
    assert_eq!(
        last_audit(&mut *other),
        audited("nat", "read_entities", "national", "10 members")
    );

    let review = other.review_queue(&nat).expect("review_queue");
    // Most uncertain first: |p - 1/2| is 0.05, 0.1, 0.35 and 0.4.
    assert_eq!(pair_ids(&review), ["R2", "R3", "R4", "R1"]);
    for got in &review {
        assert_eq!(got, pair_of(&run, &got.pair_id));
    }
    assert_eq!(
        last_audit(&mut *other),
        audited(
            "nat",
            "read_review_queue",
            "review_queue",
            "4 pairs in national"
        )
    );

    let alerts = other.alerts(&nat, None).expect("alerts");
    assert_eq!(comparable(&alerts), comparable(&run.alerts));
    let raised_at = alerts[0].raised_at;
    assert_within(raised_at, window);
    assert!(
        alerts.iter().all(|a| a.raised_at == raised_at),
        "every new alert is raised at the moment of saving"
    );
    assert_eq!(
        alert_ids(&alerts),
        [
            "P1>force:cheshire",
            "P1>force:merseyside",
            "P1>force:metropolitan",
            "P1>national",
            "P1>region:london",
            "P1>region:north-west",
            "L1>force:merseyside",
            "L1>force:metropolitan",
        ],
        "conflicts first, then by id when raised together"
    );
    assert_eq!(
        last_audit(&mut *other),
        audited("nat", "read_alerts", "national", "8 alerts")
    );
    let london = other
        .alerts(&nat, Some(&recipient("region:london")))
        .expect("one recipient's alerts");
    assert_eq!(alert_ids(&london), ["P1>region:london"]);

    assert_eq!(
        other.resolution_model(&nat).expect("resolution_model"),
        Some(run.model.clone())
    );
    assert_eq!(
        other
            .resolution_model(&force_analyst("ann", "merseyside"))
            .expect("every analyst may read the model"),
        Some(run.model.clone())
    );
    for (table, n) in [
        ("entity_members", 10),
        ("review_pairs", 4),
        ("alerts", 8),
        ("resolution_model", 1),
        ("decisions", 0),
    ] {
        assert_eq!(count_of(&mut *other, table), n, "{table}");
    }
}

/// A second run replaces the first's memberships, review queue, alerts and model; an alert
/// standing in both keeps when it was first raised, a new one is raised now.
pub fn resolution_resave_replaces(db: &TestDb) {
    let mut store = db.store();
    let nat = national_analyst("nat");
    let run1 = sample_run();
    save(&mut *store, &run1);
    let first: HashMap<String, DateTime<Utc>> = store
        .alerts(&nat, None)
        .expect("alerts")
        .into_iter()
        .map(|a| (a.alert_id, a.raised_at))
        .collect();
    // Microsecond timestamps: make sure the second save is later than the first.
    std::thread::sleep(Duration::from_millis(5));

    let mut run2 = sample_run();
    // P2 turns out to be P1; P3 has a new record in cheshire; metropolitan no longer holds L1.
    run2.members[3].entity_id = "P1".to_string();
    run2.members
        .retain(|m| m.record != rec("metropolitan/2026-02/L4"));
    run2.members
        .push(member("P3", "person", "cheshire/2026-02/N9"));
    run2.review.retain(|p| p.pair_id != "R1");
    run2.review[0].probability = 0.3;
    run2.review[0].explanation = "R2, scored again\nphone shared: +6.00".to_string();
    run2.review.push(pair(
        "R5",
        "person",
        "merseyside/2026-03/N4",
        "cheshire/2026-02/N9",
        0.55,
    ));
    // P1's alerts stand, with new content; L1's alert to metropolitan ends; P3's are new.
    run2.alerts
        .retain(|a| a.alert_id != "L1>force:metropolitan");
    for a in run2.alerts.iter_mut().filter(|a| a.entity_id == "P1") {
        a.last_seen = period("2026-03");
        a.summary = format!("{} (seen again in 2026-03)", a.summary);
    }
    run2.alerts.extend(alerts_for(
        "P3",
        "person",
        &["cheshire", "metropolitan"],
        &[],
    ));
    run2.model = "model of the second run".to_string();
    let window = save(&mut *store, &run2);
    assert_eq!(
        last_audit(&mut *store),
        audited(
            "nat",
            "save_resolution",
            "resolution",
            "10 members, 4 review pairs, 9 alerts (2 new)"
        )
    );

    assert_eq!(
        store
            .entity_members(&nat, &Scope::National)
            .expect("entity_members"),
        sorted(&run2.members)
    );
    let review = store.review_queue(&nat).expect("review_queue");
    assert_eq!(pair_ids(&review), ["R5", "R3", "R2", "R4"]);
    for got in &review {
        assert_eq!(got, pair_of(&run2, &got.pair_id));
    }

    let alerts = store.alerts(&nat, None).expect("alerts");
    assert_eq!(comparable(&alerts), comparable(&run2.alerts));
    for a in &alerts {
        match first.get(&a.alert_id) {
            Some(raised_at) => assert_eq!(
                a.raised_at, *raised_at,
                "{} stood before and keeps when it was raised",
                a.alert_id
            ),
            None => {
                assert_within(a.raised_at, window);
                assert!(
                    a.raised_at > first["P1>national"],
                    "{} is raised by the second run",
                    a.alert_id
                );
            }
        }
    }
    assert_eq!(
        alert_ids(&alerts),
        [
            "P1>force:cheshire",
            "P1>force:merseyside",
            "P1>force:metropolitan",
            "P1>national",
            "P1>region:london",
            "P1>region:north-west",
            "P3>force:cheshire",
            "P3>force:metropolitan",
            "L1>force:merseyside",
        ],
        "conflicts first, then the most recently raised"
    );
    assert_eq!(
        store.resolution_model(&nat).expect("resolution_model"),
        Some(run2.model.clone())
    );
    for (table, n) in [
        ("entity_members", 10),
        ("review_pairs", 4),
        ("alerts", 9),
        ("resolution_model", 1),
    ] {
        assert_eq!(count_of(&mut *store, table), n, "{table}");
    }

    // An empty run clears everything it replaces.
    let empty = ResolutionRun {
        members: Vec::new(),
        review: Vec::new(),
        alerts: Vec::new(),
        model: String::new(),
    };
    save(&mut *store, &empty);
    assert!(
        store
            .entity_members(&nat, &Scope::National)
            .expect("entity_members")
            .is_empty()
    );
    assert!(store.review_queue(&nat).expect("review_queue").is_empty());
    assert!(store.alerts(&nat, None).expect("alerts").is_empty());
    assert_eq!(
        store.resolution_model(&nat).expect("resolution_model"),
        Some(String::new())
    );
}

/// Decisions are kept with who made them and when (the store's word, not the caller's), the
/// latest on a pair is in force whichever way round the pair was named, every decision stays,
/// decided pairs leave the review queue, and re-running changes none of it.
pub fn decisions_survive_resave(db: &TestDb) {
    let mut store = db.store();
    let nat = national_analyst("nat");
    let rita = regional_analyst("rita", "north-west");
    let run = sample_run();
    save(&mut *store, &run);
    assert!(store.decisions(&nat).expect("decisions").is_empty());

    let before = Utc::now();
    let decide = |store: &mut dyn Store, actor: &Actor, d: Decision| {
        store.record_decision(actor, &d).expect("record_decision");
    };
    // R1, decided one way by the national analyst, then the other way round by rita.
    decide(
        &mut *store,
        &nat,
        decision(
            "person",
            "merseyside/2026-02/N2",
            "metropolitan/2026-02/N8",
            true,
            Some("same phone"),
        ),
    );
    // R2, named the other way round from the queue.
    decide(
        &mut *store,
        &rita,
        decision(
            "person",
            "merseyside/2026-02/N2",
            "cheshire/2026-01/N3",
            true,
            Some("same date of birth and phone"),
        ),
    );
    decide(
        &mut *store,
        &rita,
        decision(
            "person",
            "metropolitan/2026-02/N8",
            "merseyside/2026-02/N2",
            false,
            None,
        ),
    );
    // The same records as another kind of pair are another pair.
    decide(
        &mut *store,
        &nat,
        decision(
            "line",
            "metropolitan/2026-02/L4",
            "merseyside/2026-02/L1",
            true,
            Some("same deal number"),
        ),
    );
    let window = (before, Utc::now());
    assert_eq!(
        last_audit(&mut *store),
        audited(
            "nat",
            "record_decision",
            "pair:line merseyside/2026-02/L1 metropolitan/2026-02/L4",
            "same"
        )
    );

    let in_force = store.decisions(&nat).expect("decisions");
    let expected = [
        (
            "person",
            "cheshire/2026-01/N3",
            "merseyside/2026-02/N2",
            true,
            "rita",
            Some("same date of birth and phone"),
        ),
        (
            "person",
            "merseyside/2026-02/N2",
            "metropolitan/2026-02/N8",
            false,
            "rita",
            None,
        ),
        (
            "line",
            "merseyside/2026-02/L1",
            "metropolitan/2026-02/L4",
            true,
            "nat",
            Some("same deal number"),
        ),
    ];
    let check = |in_force: &[Decision]| {
        assert_eq!(in_force.len(), expected.len(), "{in_force:#?}");
        for (got, (kind, a, b, same, by, note)) in in_force.iter().zip(expected) {
            assert_eq!(
                (got.kind.as_str(), &got.a, &got.b, got.same),
                (kind, &rec(a), &rec(b), same),
                "the latest decision per pair, oldest first, its pair in order"
            );
            assert_eq!(got.decided_by, by, "the store names who decided");
            assert_eq!(got.note.as_deref(), note);
            assert_within(got.decided_at, window);
        }
        assert!(
            in_force
                .windows(2)
                .all(|w| w[0].decided_at <= w[1].decided_at),
            "oldest first"
        );
    };
    check(&in_force);
    assert_eq!(
        count_of(&mut *store, "decisions"),
        4,
        "every decision stays"
    );
    assert_eq!(
        last_audit(&mut *store),
        audited("nat", "read_decisions", "decisions", "3 in force")
    );

    // Decided pairs leave the queue, whichever way round they were named.
    assert_eq!(
        pair_ids(&store.review_queue(&nat).expect("review_queue")),
        ["R3", "R4"]
    );
    assert_eq!(
        pair_ids(&store.review_queue(&rita).expect("review_queue")),
        ["R4"]
    );

    // A re-run replaces what was derived and nothing that was decided.
    save(&mut *store, &sample_run());
    let after_rerun = store.decisions(&nat).expect("decisions");
    assert_eq!(after_rerun, in_force);
    check(&after_rerun);
    assert_eq!(count_of(&mut *store, "decisions"), 4);
    assert_eq!(
        pair_ids(&store.review_queue(&nat).expect("review_queue")),
        ["R3", "R4"]
    );
    // Every analyst may read the decisions, since whoever runs resolution must honour them.
    assert_eq!(
        store
            .decisions(&force_analyst("ann", "merseyside"))
            .expect("a force analyst reads decisions"),
        in_force
    );
}

/// Who may do what: a force analyst neither saves runs nor reviews and sees their own force's
/// alerts only; a regional analyst reviews and sees the region's; an information manager reads
/// none of it. Every refusal is audited and changes nothing.
pub fn resolution_permissions(db: &TestDb) {
    let mut store = db.store();
    let nat = national_analyst("nat");
    let ann = force_analyst("ann", "merseyside");
    let rita = regional_analyst("rita", "north-west");
    let ian = information_manager("ian");
    let run = sample_run();
    save(&mut *store, &run);
    let before = record_counts(&mut *store);
    let r1 = decision(
        "person",
        "metropolitan/2026-02/N7",
        "merseyside/2026-02/N1",
        true,
        None,
    );
    let london_only = decision(
        "person",
        "metropolitan/2026-02/N7",
        "metropolitan/2026-02/N8",
        false,
        None,
    );

    // A force analyst.
    assert_forbidden(store.save_resolution(&ann, &run), "a force analyst saves");
    assert_forbidden(store.review_queue(&ann), "a force analyst reviews");
    assert_forbidden(store.record_decision(&ann, &r1), "a force analyst decides");
    assert_forbidden(
        store.alerts(&ann, Some(&recipient("force:metropolitan"))),
        "another force's alerts",
    );
    assert_forbidden(
        store.alerts(&ann, Some(&recipient("region:north-west"))),
        "the region's alerts",
    );
    assert_forbidden(
        store.alerts(&ann, Some(&recipient("national"))),
        "the national alerts",
    );
    assert_forbidden(
        store.entity_members(&ann, &Scope::National),
        "national memberships",
    );
    let own = ["P1>force:merseyside", "L1>force:merseyside"];
    assert_eq!(
        alert_ids(&store.alerts(&ann, None).expect("own alerts")),
        own
    );
    assert_eq!(
        alert_ids(
            &store
                .alerts(&ann, Some(&recipient("force:merseyside")))
                .expect("own force's alerts")
        ),
        own
    );

    // A regional analyst.
    assert_forbidden(
        store.save_resolution(&rita, &run),
        "a regional analyst saves",
    );
    assert_forbidden(
        store.alerts(&rita, Some(&recipient("region:london"))),
        "another region's alerts",
    );
    assert_forbidden(
        store.alerts(&rita, Some(&recipient("force:metropolitan"))),
        "another region's force's alerts",
    );
    assert_forbidden(
        store.record_decision(&rita, &london_only),
        "deciding a pair outside the region",
    );
    assert_eq!(
        alert_ids(&store.alerts(&rita, None).expect("the region's alerts")),
        [
            "P1>force:cheshire",
            "P1>force:merseyside",
            "P1>region:north-west",
            "L1>force:merseyside",
        ]
    );
    assert_eq!(
        pair_ids(
            &store
                .review_queue(&rita)
                .expect("the region's review queue")
        ),
        ["R2", "R4", "R1"],
        "the pairs with a record in the region"
    );

    // An information manager.
    assert_forbidden(store.save_resolution(&ian, &run), "an auditor saves");
    assert_forbidden(
        store.entity_members(&ian, &Scope::National),
        "an auditor reads memberships",
    );
    assert_forbidden(store.resolution_model(&ian), "an auditor reads the model");
    assert_forbidden(store.review_queue(&ian), "an auditor reviews");
    assert_forbidden(store.record_decision(&ian, &r1), "an auditor decides");
    assert_forbidden(store.decisions(&ian), "an auditor reads decisions");
    assert_forbidden(store.alerts(&ian, None), "an auditor reads alerts");
    assert_forbidden(
        store.alerts(&ian, Some(&recipient("national"))),
        "an auditor reads national alerts",
    );

    assert_eq!(record_counts(&mut *store), before, "refusals store nothing");
    let audit = store.audit_log(&nat, 200).expect("audit log");
    let denied: Vec<(&str, &str, &str)> = audit
        .iter()
        .rev()
        .filter(|e| e.action == "denied")
        .map(|e| (e.user.as_str(), e.subject.as_str(), e.detail.as_str()))
        .collect();
    let r1_subject = "pair:person merseyside/2026-02/N1 metropolitan/2026-02/N7";
    assert_eq!(
        denied,
        [
            ("ann", "resolution", "save_resolution"),
            ("ann", "review_queue", "read_review_queue"),
            ("ann", r1_subject, "record_decision"),
            ("ann", "force:metropolitan", "read_alerts"),
            ("ann", "region:north-west", "read_alerts"),
            ("ann", "national", "read_alerts"),
            ("ann", "national", "read_entities"),
            ("rita", "resolution", "save_resolution"),
            ("rita", "region:london", "read_alerts"),
            ("rita", "force:metropolitan", "read_alerts"),
            (
                "rita",
                "pair:person metropolitan/2026-02/N7 metropolitan/2026-02/N8",
                "record_decision"
            ),
            ("ian", "resolution", "save_resolution"),
            ("ian", "national", "read_entities"),
            ("ian", "resolution_model", "read_resolution_model"),
            ("ian", "review_queue", "read_review_queue"),
            ("ian", r1_subject, "record_decision"),
            ("ian", "decisions", "read_decisions"),
            ("ian", "national", "read_alerts"),
            ("ian", "national", "read_alerts"),
        ]
    );
    // The allowed reads were audited too, naming what was read.
    let read_alerts: Vec<(&str, &str, &str)> = audit
        .iter()
        .rev()
        .filter(|e| e.action == "read_alerts")
        .map(|e| (e.user.as_str(), e.subject.as_str(), e.detail.as_str()))
        .collect();
    assert_eq!(
        read_alerts,
        [
            ("ann", "force:merseyside", "2 alerts"),
            ("ann", "force:merseyside", "2 alerts"),
            ("rita", "region:north-west", "4 alerts"),
        ]
    );
}

/// Memberships are read by the scope of the record's force, within what the actor may read.
pub fn entity_members_follow_scope(db: &TestDb) {
    let mut store = db.store();
    let nat = national_analyst("nat");
    let ann = force_analyst("ann", "merseyside");
    let rita = regional_analyst("rita", "north-west");
    let run = sample_run();
    save(&mut *store, &run);
    let in_scope = |scope: &Scope| -> Vec<EntityMember> {
        let mut members: Vec<EntityMember> = run
            .members
            .iter()
            .filter(|m| scope.contains(&m.record.force))
            .cloned()
            .collect();
        members.sort();
        members
    };

    let cases: [(&Actor, Scope, usize); 8] = [
        (&nat, Scope::National, 10),
        (&nat, Scope::Region(region("north-west")), 7),
        (&nat, Scope::Region(region("london")), 3),
        (&nat, Scope::Region(region("south-west")), 0),
        (&nat, Scope::Force(force("metropolitan")), 3),
        (&rita, Scope::Region(region("north-west")), 7),
        (&rita, Scope::Force(force("cheshire")), 2),
        (&ann, Scope::Force(force("merseyside")), 5),
    ];
    for (actor, scope, n) in cases {
        let got = store
            .entity_members(actor, &scope)
            .unwrap_or_else(|e| panic!("{actor} reading {scope}: {e}"));
        assert_eq!(got, in_scope(&scope), "{actor} reading {scope}");
        assert_eq!(got.len(), n, "{scope}");
        assert_eq!(
            last_audit(&mut *store),
            audited(
                actor.user(),
                "read_entities",
                &scope.to_string(),
                &format!("{n} members")
            )
        );
    }

    assert_forbidden(
        store.entity_members(&ann, &Scope::Force(force("cheshire"))),
        "another force",
    );
    assert_forbidden(
        store.entity_members(&ann, &Scope::Region(region("north-west"))),
        "the force's region",
    );
    assert_forbidden(
        store.entity_members(&rita, &Scope::Force(force("metropolitan"))),
        "a force of another region",
    );
    assert_forbidden(store.entity_members(&rita, &Scope::National), "nationally");
}

/// Tabs, line breaks, backslashes (COPY's `\N` and `\.` among them), quotes and emoji in
/// refs, explanations, summaries, notes and the model come back exactly.
pub fn resolution_awkward_text_round_trips(db: &TestDb) {
    let mut store = db.store();
    let nat = national_analyst("nat");
    let record = |text: &str| RecordRef {
        force: force("merseyside"),
        period: period("2026-02"),
        reference: text.to_string(),
    };
    let other = rec("cheshire/2026-02/N1");
    let mut run = ResolutionRun {
        members: Vec::new(),
        review: Vec::new(),
        alerts: Vec::new(),
        model: AWKWARD_TEXT.join("\n"),
    };
    for (i, text) in AWKWARD_TEXT.iter().enumerate() {
        run.members.push(EntityMember {
            entity_id: format!("E{i} {text}"),
            kind: "person".to_string(),
            record: record(text),
        });
        run.review.push(ReviewPair {
            pair_id: format!("R{i} {text}"),
            kind: "person".to_string(),
            a: record(text),
            b: other.clone(),
            probability: 0.5 + i as f64 / 100.0,
            explanation: text.to_string(),
        });
        let mut a = alert(
            &format!("E{i}"),
            "person",
            Severity::Shared,
            "force:merseyside",
            &["merseyside", "cheshire"],
            &[],
        );
        a.alert_id = format!("A{i} {text}");
        a.summary = text.to_string();
        run.alerts.push(a);
    }
    save(&mut *store, &run);

    let mut other_store = db.store();
    assert_eq!(
        other_store
            .entity_members(&nat, &Scope::National)
            .expect("entity_members"),
        sorted(&run.members)
    );
    let review = other_store.review_queue(&nat).expect("review_queue");
    assert_eq!(review, run.review, "already most uncertain first");
    assert_eq!(
        comparable(&other_store.alerts(&nat, None).expect("alerts")),
        comparable(&run.alerts)
    );
    assert_eq!(
        other_store.resolution_model(&nat).expect("model"),
        Some(run.model.clone())
    );

    for text in AWKWARD_TEXT {
        let mut d = decision(
            "person",
            "cheshire/2026-02/N1",
            "cheshire/2026-02/N1",
            true,
            Some(text),
        );
        d.a = record(text);
        store.record_decision(&nat, &d).expect("record_decision");
    }
    let notes: Vec<Option<String>> = other_store
        .decisions(&nat)
        .expect("decisions")
        .into_iter()
        .map(|d| d.note)
        .collect();
    let expected: Vec<Option<String>> = AWKWARD_TEXT.iter().map(|t| Some(t.to_string())).collect();
    assert_eq!(notes, expected);
}

/// A save that fails part-way (a duplicate id, an impossible probability) leaves the previous
/// run, and every other table, as it was.
pub fn failed_save_keeps_previous_run(db: &TestDb) {
    let mut store = db.store();
    let nat = national_analyst("nat");
    let run = sample_run();
    save(&mut *store, &run);
    let alerts = store.alerts(&nat, None).expect("alerts");
    let before = store.table_counts().expect("table counts");

    let mut duplicate_pair = sample_run();
    duplicate_pair.review.push(duplicate_pair.review[0].clone());
    let mut duplicate_alert = sample_run();
    duplicate_alert
        .alerts
        .push(duplicate_alert.alerts[3].clone());
    let mut not_a_probability = sample_run();
    not_a_probability.review[2].probability = f64::NAN;
    let mut too_likely = sample_run();
    too_likely.review[1].probability = 1.5;
    for (what, broken) in [
        ("a duplicate pair id", duplicate_pair),
        ("a duplicate alert id", duplicate_alert),
        ("a NaN probability", not_a_probability),
        ("a probability above 1", too_likely),
    ] {
        let result = store.save_resolution(&nat, &broken);
        assert!(
            matches!(result, Err(Error::Database(_))),
            "{what}: expected a database error, got {result:?}"
        );
        assert_eq!(
            store.table_counts().expect("table counts"),
            before,
            "{what}: a failed save leaves no trace"
        );
    }
    assert_eq!(
        store
            .entity_members(&nat, &Scope::National)
            .expect("entity_members"),
        sorted(&run.members)
    );
    assert_eq!(store.alerts(&nat, None).expect("alerts"), alerts);
    assert_eq!(
        store.resolution_model(&nat).expect("model"),
        Some(run.model.clone())
    );
    // The connection is still usable.
    save(&mut *store, &run);
}
