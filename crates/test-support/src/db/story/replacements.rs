//! The story's chapters on replacement numbers linked to entities (issue 4): a saved link run
//! read back with its alerts, a re-run replacing its own analysis's links and alerts (and
//! nothing of resolution's), who may read which links, and failed saves leaving no trace.
//!
//! The links name the entities of the resolution chapters' sample run (line L1 of merseyside
//! and metropolitan; persons P2 of merseyside and P3 of metropolitan). As there, nothing is
//! checked against submitted records: these chapters test storage and permissions only.

use std::time::Duration;

use chrono::{DateTime, Utc};
use model::Scope;
use store::{
    Alert, AlertTopic, Error, LinkRun, LinksSaved, ReplacementLink, Severity, Store, check_read,
};

use super::resolution::{
    alert_ids, assert_within, audited, comparable, last_audit, placeholder_time, recipient,
    sample_run, save,
};
use super::{assert_forbidden, count_of, record_counts};
use crate::builders::{
    AWKWARD_TEXT, force, force_analyst, information_manager, national_analyst, period,
    regional_analyst,
};
use crate::db::TestDb;

/// The analysis the chapters save as, like the engine's communications analysis.
const COMMS: &str = "comms";

fn at(text: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(text)
        .unwrap_or_else(|e| panic!("test data: {text:?} is not an instant: {e}"))
        .with_timezone(&Utc)
}

/// A link of `analysis` run `run_id`: `entity_id` (of `kind`, held by `forces`) moved from
/// `old` to `new`.
fn link(
    analysis: &str,
    run_id: &str,
    (entity_id, kind, forces): (&str, &str, &[&str]),
    (old, new): (&str, &str),
    score: f64,
) -> ReplacementLink {
    ReplacementLink {
        analysis: analysis.to_string(),
        run_id: run_id.to_string(),
        entity_id: entity_id.to_string(),
        kind: kind.to_string(),
        forces: forces.iter().map(|f| force(f)).collect(),
        old_number: old.to_string(),
        new_number: new.to_string(),
        switched_at: at("2026-03-01T18:22:05.123456Z"),
        score,
        shared_customers: 12,
        old_customers: 14,
        same_imei: kind == "line",
        first_linked_at: placeholder_time(),
    }
}

/// The alerts about `link` as the engine raises them: a notice to every force holding the
/// entity, or when the old number is under an order, an urgent alert that also goes to their
/// regions and the national centre.
fn alerts_for(link: &ReplacementLink, severity: Severity) -> Vec<Alert> {
    let mut to: Vec<String> = link.forces.iter().map(|f| format!("force:{f}")).collect();
    if severity.reaches_centre() {
        let mut regions: Vec<String> = link
            .forces
            .iter()
            .map(|f| format!("region:{}", f.region()))
            .collect();
        regions.sort();
        regions.dedup();
        to.extend(regions);
        to.push("national".to_string());
    }
    to.iter()
        .map(|to| Alert {
            alert_id: format!(
                "{}:{}>{}@{to}",
                link.entity_id, link.old_number, link.new_number
            ),
            entity_id: link.entity_id.clone(),
            kind: link.kind.clone(),
            topic: AlertTopic::Replacement,
            severity,
            recipient: recipient(to),
            forces: link.forces.clone(),
            active_forces: Vec::new(),
            first_seen: period("2026-01"),
            last_seen: period("2026-02"),
            raised_at: placeholder_time(),
            summary: format!(
                "{} {} moved from {} to {} (score {:.3})",
                link.kind, link.entity_id, link.old_number, link.new_number, link.score
            ),
        })
        .collect()
}

/// Line L1 (merseyside, metropolitan) and person P2 (merseyside) moved to new numbers; person
/// P3 (metropolitan) did too, from a number under an order.
fn sample_links(run_id: &str) -> LinkRun {
    let links = vec![
        link(
            COMMS,
            run_id,
            ("L1", "line", &["merseyside", "metropolitan"]),
            ("+447700900001", "+447700900002"),
            0.912,
        ),
        link(
            COMMS,
            run_id,
            ("P2", "person", &["merseyside"]),
            ("+447700900301", "+447700900399"),
            0.75,
        ),
        link(
            COMMS,
            run_id,
            ("P3", "person", &["metropolitan"]),
            ("+447700900401", "+447700900402"),
            0.8,
        ),
    ];
    let alerts = [
        alerts_for(&links[0], Severity::Notice),
        alerts_for(&links[1], Severity::Notice),
        alerts_for(&links[2], Severity::Urgent),
    ]
    .concat();
    LinkRun {
        analysis: COMMS.to_string(),
        run_id: run_id.to_string(),
        links,
        alerts,
    }
}

/// Saves `run` as a national analyst, expecting it stored; returns what the store reports and
/// the moments just before and after.
fn save_links(
    store: &mut dyn Store,
    run: &LinkRun,
) -> (LinksSaved, (DateTime<Utc>, DateTime<Utc>)) {
    let before = Utc::now();
    let saved = store
        .save_replacement_links(&national_analyst("nat"), run)
        .expect("save_replacement_links");
    (saved, (before, Utc::now()))
}

/// `links` by key, with the store-filled `first_linked_at` blanked, to compare with what was
/// saved.
fn comparable_links(links: &[ReplacementLink]) -> Vec<ReplacementLink> {
    let mut links = links.to_vec();
    for l in &mut links {
        l.first_linked_at = placeholder_time();
    }
    store::sort_links(&mut links);
    links
}

fn link_keys(links: &[ReplacementLink]) -> Vec<(&str, &str, &str)> {
    links
        .iter()
        .map(|l| {
            (
                l.entity_id.as_str(),
                l.old_number.as_str(),
                l.new_number.as_str(),
            )
        })
        .collect()
}

/// The alerts of one topic.
fn of_topic(alerts: &[Alert], topic: AlertTopic) -> Vec<Alert> {
    alerts
        .iter()
        .filter(|a| a.topic == topic)
        .cloned()
        .collect()
}

/// A saved link run reads back as saved, beside resolution's alerts: links by entity with
/// their evidence and when they were first linked, alerts most severe first.
pub fn replacement_links_round_trip(db: &TestDb) {
    let mut store = db.store();
    let nat = national_analyst("nat");
    assert!(
        store
            .replacement_links(&nat, &Scope::National)
            .expect("no links yet")
            .is_empty()
    );
    let resolution = sample_run();
    save(&mut *store, &resolution);
    let run = sample_links("comms-20260302T090000Z");
    let (saved, window) = save_links(&mut *store, &run);
    assert_eq!(
        saved,
        LinksSaved {
            new_links: 3,
            new_alerts: 6
        }
    );
    assert_eq!(
        last_audit(&mut *store),
        audited(
            "nat",
            "save_replacement_links",
            "analysis:comms",
            "run comms-20260302T090000Z: 3 links (3 new), 6 alerts (6 new)"
        )
    );

    // A second connection reads it all back.
    let mut other = db.store();
    let links = other
        .replacement_links(&nat, &Scope::National)
        .expect("replacement_links");
    assert_eq!(
        link_keys(&links),
        [
            ("L1", "+447700900001", "+447700900002"),
            ("P2", "+447700900301", "+447700900399"),
            ("P3", "+447700900401", "+447700900402"),
        ]
    );
    assert_eq!(comparable_links(&links), comparable_links(&run.links));
    assert_eq!(links[0].switched_at, at("2026-03-01T18:22:05.123456Z"));
    for l in &links {
        assert_within(l.first_linked_at, window);
    }
    assert_eq!(
        last_audit(&mut *other),
        audited("nat", "read_replacement_links", "national", "3 links")
    );

    let alerts = other.alerts(&nat, None).expect("alerts");
    assert_eq!(
        comparable(&of_topic(&alerts, AlertTopic::Replacement)),
        comparable(&run.alerts)
    );
    assert_eq!(
        comparable(&of_topic(&alerts, AlertTopic::Deconfliction)),
        comparable(&resolution.alerts),
        "resolution's alerts stand beside them"
    );
    assert_eq!(
        alert_ids(&alerts[..3]),
        [
            "P3:+447700900401>+447700900402@force:metropolitan",
            "P3:+447700900401>+447700900402@national",
            "P3:+447700900401>+447700900402@region:london",
        ],
        "urgent first"
    );
    assert_eq!(
        alerts.last().map(|a| a.severity),
        Some(Severity::Notice),
        "notices last"
    );
    for (table, n) in [("replacement_links", 3), ("alerts", 14)] {
        assert_eq!(count_of(&mut *other, table), n, "{table}");
    }
}

/// A re-run of an analysis replaces its links and alerts without duplicating them: a link
/// found again keeps when it was first linked (and its alerts when they were raised) but takes
/// the new run's evidence; one no longer found goes. Another analysis's links, and
/// resolution's alerts, stay; a resolution re-run leaves the links' alerts standing.
pub fn replacement_links_resave_replaces(db: &TestDb) {
    let mut store = db.store();
    let nat = national_analyst("nat");
    save(&mut *store, &sample_run());
    let run1 = sample_links("comms-1");
    save_links(&mut *store, &run1);
    let first_links = store
        .replacement_links(&nat, &Scope::National)
        .expect("links");
    let first_alerts = store.alerts(&nat, None).expect("alerts");
    let partner = LinkRun {
        analysis: "partner".to_string(),
        run_id: "partner-1".to_string(),
        links: vec![link(
            "partner",
            "partner-1",
            ("L1", "line", &["merseyside", "metropolitan"]),
            ("+447700900001", "+447700900002"),
            0.6,
        )],
        alerts: Vec::new(),
    };
    save_links(&mut *store, &partner);
    std::thread::sleep(Duration::from_millis(5));

    // The same run again changes nothing but the run id.
    let (saved, _) = save_links(&mut *store, &sample_links("comms-2"));
    assert_eq!(saved, LinksSaved::default(), "nothing new");
    assert_eq!(count_of(&mut *store, "replacement_links"), 4);
    assert_eq!(count_of(&mut *store, "alerts"), 14);

    // L1 is found again with new evidence, P2's link is not, and P2 moves on again.
    let mut run3 = sample_links("comms-3");
    run3.links[0].score = 0.95;
    run3.links[0].shared_customers = 13;
    run3.links.remove(1);
    run3.links.push(link(
        COMMS,
        "comms-3",
        ("P2", "person", &["merseyside"]),
        ("+447700900399", "+447700900398"),
        0.7,
    ));
    run3.alerts = [
        alerts_for(&run3.links[0], Severity::Notice),
        alerts_for(&run3.links[1], Severity::Urgent),
        alerts_for(&run3.links[2], Severity::Notice),
    ]
    .concat();
    let (saved, window) = save_links(&mut *store, &run3);
    assert_eq!(
        saved,
        LinksSaved {
            new_links: 1,
            new_alerts: 1
        }
    );

    let links = store
        .replacement_links(&nat, &Scope::National)
        .expect("links");
    let comms: Vec<ReplacementLink> = links
        .iter()
        .filter(|l| l.analysis == COMMS)
        .cloned()
        .collect();
    assert_eq!(comparable_links(&comms), comparable_links(&run3.links));
    assert_eq!(
        link_keys(&links),
        [
            ("L1", "+447700900001", "+447700900002"),
            ("L1", "+447700900001", "+447700900002"),
            ("P2", "+447700900399", "+447700900398"),
            ("P3", "+447700900401", "+447700900402"),
        ],
        "by entity and numbers, then analysis: comms before partner"
    );
    assert_eq!(
        links[1].analysis, "partner",
        "another analysis's link stays"
    );
    assert_eq!(links[1].score, 0.6);
    for l in &comms {
        assert_eq!(l.run_id, "comms-3");
        match first_links.iter().find(|f| {
            (&f.entity_id, &f.old_number, &f.new_number)
                == (&l.entity_id, &l.old_number, &l.new_number)
        }) {
            Some(first) => assert_eq!(
                l.first_linked_at, first.first_linked_at,
                "{} {} was linked before and keeps when",
                l.entity_id, l.old_number
            ),
            None => assert_within(l.first_linked_at, window),
        }
    }
    assert_eq!(links[0].shared_customers, 13, "the new run's evidence");

    let alerts = store.alerts(&nat, None).expect("alerts");
    let replacement = of_topic(&alerts, AlertTopic::Replacement);
    assert_eq!(comparable(&replacement), comparable(&run3.alerts));
    for a in &replacement {
        match first_alerts.iter().find(|f| f.alert_id == a.alert_id) {
            Some(first) => assert_eq!(a.raised_at, first.raised_at, "{}", a.alert_id),
            None => assert_within(a.raised_at, window),
        }
    }
    assert!(
        !alerts
            .iter()
            .any(|a| a.alert_id.starts_with("P2:+447700900301")),
        "the alerts of a link no longer found end"
    );

    // Resolution and replacement runs replace their own alerts only.
    let deconfliction = comparable(&of_topic(&alerts, AlertTopic::Deconfliction));
    assert_eq!(deconfliction, comparable(&sample_run().alerts));
    save(&mut *store, &sample_run());
    let after = store.alerts(&nat, None).expect("alerts");
    assert_eq!(
        of_topic(&after, AlertTopic::Replacement),
        replacement,
        "a resolution re-run keeps the replacement alerts, raised_at and all"
    );
    save_links(&mut *store, &run3);
    assert_eq!(
        comparable(&of_topic(
            &store.alerts(&nat, None).expect("alerts"),
            AlertTopic::Deconfliction
        )),
        deconfliction
    );
    assert_eq!(count_of(&mut *store, "replacement_links"), 4);
}

/// Who may do what: only a national analyst saves; a force analyst reads the links of their
/// own force's entities and sees their own force's alerts, a regional analyst their region's;
/// an information manager reads none. Every refusal is audited and changes nothing.
pub fn replacement_links_permissions(db: &TestDb) {
    let mut store = db.store();
    let nat = national_analyst("nat");
    let ann = force_analyst("ann", "merseyside");
    let rita = regional_analyst("rita", "north-west");
    let ian = information_manager("ian");
    save(&mut *store, &sample_run());
    let run = sample_links("comms-1");
    save_links(&mut *store, &run);
    let before = record_counts(&mut *store);

    assert_forbidden(
        store.save_replacement_links(&ann, &run),
        "a force analyst saves",
    );
    assert_forbidden(
        store.save_replacement_links(&rita, &run),
        "a regional analyst saves",
    );
    assert_forbidden(store.save_replacement_links(&ian, &run), "an auditor saves");
    let mersey = Scope::Force(force("merseyside"));
    let metropolitan = Scope::Force(force("metropolitan"));
    assert_forbidden(
        store.replacement_links(&ann, &metropolitan),
        "another force's links",
    );
    assert_forbidden(
        store.replacement_links(&ann, &Scope::National),
        "every link",
    );
    assert_forbidden(
        store.replacement_links(&rita, &metropolitan),
        "another region's force's links",
    );
    assert_forbidden(
        store.replacement_links(&ian, &Scope::National),
        "an auditor reads links",
    );
    assert_eq!(record_counts(&mut *store), before, "refusals store nothing");

    // Merseyside holds L1 (with metropolitan) and P2; P3 is metropolitan's alone.
    let own = store.replacement_links(&ann, &mersey).expect("own links");
    assert_eq!(
        link_keys(&own),
        [
            ("L1", "+447700900001", "+447700900002"),
            ("P2", "+447700900301", "+447700900399"),
        ]
    );
    assert_eq!(
        link_keys(
            &store
                .replacement_links(&rita, &rita.home().clone())
                .expect("region")
        ),
        link_keys(&own)
    );
    assert_eq!(
        link_keys(
            &store
                .replacement_links(&nat, &metropolitan)
                .expect("one force")
        ),
        [
            ("L1", "+447700900001", "+447700900002"),
            ("P3", "+447700900401", "+447700900402"),
        ]
    );
    let ann_alerts = store.alerts(&ann, None).expect("own alerts");
    assert!(
        ann_alerts
            .iter()
            .all(|a| a.recipient == recipient("force:merseyside"))
    );
    assert_eq!(
        alert_ids(&of_topic(&ann_alerts, AlertTopic::Replacement)),
        [
            "L1:+447700900001>+447700900002@force:merseyside",
            "P2:+447700900301>+447700900399@force:merseyside",
        ]
    );
    assert!(check_read(&ann, &metropolitan).is_err());

    let audit = store.audit_log(&nat, 100).expect("audit log");
    let trail: Vec<(&str, &str, &str, &str)> = audit
        .iter()
        .rev()
        .filter(|e| e.action.contains("replacement_links") || e.action == "denied")
        .map(|e| {
            (
                e.user.as_str(),
                e.action.as_str(),
                e.subject.as_str(),
                e.detail.as_str(),
            )
        })
        .collect();
    assert_eq!(
        trail,
        [
            (
                "nat",
                "save_replacement_links",
                "analysis:comms",
                "run comms-1: 3 links (3 new), 6 alerts (6 new)"
            ),
            ("ann", "denied", "analysis:comms", "save_replacement_links"),
            ("rita", "denied", "analysis:comms", "save_replacement_links"),
            ("ian", "denied", "analysis:comms", "save_replacement_links"),
            (
                "ann",
                "denied",
                "force:metropolitan",
                "read_replacement_links"
            ),
            ("ann", "denied", "national", "read_replacement_links"),
            (
                "rita",
                "denied",
                "force:metropolitan",
                "read_replacement_links"
            ),
            ("ian", "denied", "national", "read_replacement_links"),
            (
                "ann",
                "read_replacement_links",
                "force:merseyside",
                "2 links"
            ),
            (
                "rita",
                "read_replacement_links",
                "region:north-west",
                "2 links"
            ),
            (
                "nat",
                "read_replacement_links",
                "force:metropolitan",
                "2 links"
            ),
        ]
    );
}

/// Tabs, line breaks, backslashes, quotes and emoji in analysis names, run ids, entity ids,
/// numbers and summaries come back exactly.
pub fn replacement_links_awkward_text_round_trips(db: &TestDb) {
    let mut store = db.store();
    let nat = national_analyst("nat");
    for (i, text) in AWKWARD_TEXT.iter().enumerate() {
        let analysis = format!("A{i} {text}");
        let run_id = format!("R{i} {text}");
        let mut l = link(
            &analysis,
            &run_id,
            (&format!("E{i} {text}"), "person", &["merseyside"]),
            (text, &format!("{text}'")),
            0.5,
        );
        l.same_imei = i % 2 == 0;
        let mut alerts = alerts_for(&l, Severity::Notice);
        alerts[0].summary = text.to_string();
        let run = LinkRun {
            analysis,
            run_id,
            links: vec![l],
            alerts,
        };
        save_links(&mut *store, &run);
        let links = store
            .replacement_links(&nat, &Scope::National)
            .expect("links");
        let got: Vec<ReplacementLink> = links
            .into_iter()
            .filter(|l| l.analysis == run.analysis)
            .collect();
        assert_eq!(comparable_links(&got), comparable_links(&run.links));
        let alerts = store.alerts(&nat, None).expect("alerts");
        let got: Vec<Alert> = alerts
            .into_iter()
            .filter(|a| a.alert_id == run.alerts[0].alert_id)
            .collect();
        assert_eq!(comparable(&got), comparable(&run.alerts));
    }
    assert_eq!(
        count_of(&mut *store, "replacement_links"),
        AWKWARD_TEXT.len() as i64
    );
}

/// A link save that fails (an impossible score, a duplicate link or alert, a link or alert of
/// the wrong run) leaves the previous links and alerts, and every other table, as they were.
pub fn failed_link_save_keeps_previous(db: &TestDb) {
    let mut store = db.store();
    let nat = national_analyst("nat");
    save(&mut *store, &sample_run());
    let run = sample_links("comms-1");
    save_links(&mut *store, &run);
    let links = store
        .replacement_links(&nat, &Scope::National)
        .expect("links");
    let alerts = store.alerts(&nat, None).expect("alerts");
    let before = store.table_counts().expect("table counts");

    let broken = |change: &dyn Fn(&mut LinkRun)| {
        let mut run = sample_links("comms-2");
        change(&mut run);
        run
    };
    let cases: Vec<(&str, LinkRun)> = vec![
        ("a NaN score", broken(&|r| r.links[1].score = f64::NAN)),
        ("a score above 1", broken(&|r| r.links[0].score = 1.5)),
        (
            "a duplicate link",
            broken(&|r| r.links.push(r.links[2].clone())),
        ),
        (
            "a duplicate alert id",
            broken(&|r| r.alerts.push(r.alerts[0].clone())),
        ),
        (
            "a link of another run",
            broken(&|r| r.links[0].run_id = "comms-0".to_string()),
        ),
        (
            "a deconfliction alert",
            broken(&|r| r.alerts[1].topic = AlertTopic::Deconfliction),
        ),
    ];
    for (what, broken) in cases {
        let result = store.save_replacement_links(&nat, &broken);
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
            .replacement_links(&nat, &Scope::National)
            .expect("links"),
        links
    );
    assert_eq!(store.alerts(&nat, None).expect("alerts"), alerts);
    // The connection is still usable.
    save_links(&mut *store, &run);
}
