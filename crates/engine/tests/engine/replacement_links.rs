//! Replacement numbers linked to entities (issue 4, item 3), on every backend: returns from three
//! forces are imported and resolved, then replacements as the communications analysis would
//! accept them are linked with `engine::link_replacements`, so that the test controls exactly
//! which numbers moved.
//!
//! Merseyside and Kent both report the line "Tony" (deal numbers 07700 900123 and 900124),
//! resolved as one line, and its people (the runner Kayden Jones on 07700 900301); Cheshire
//! reports a line and a person of its own and shares nothing with them.

use std::collections::BTreeSet;
use std::path::Path;

use model::{Actor, Scope};
use store::{AlertTopic, Recipient, ReplacementLink, Severity, Store};
use test_support::db::TestDb;
use test_support::fixture::{self, VALID_RETURN};

use super::{import, national};

/// Cheshire's return: one line and one person, sharing nothing with the others.
const CHESHIRE_RETURN: &str = r#"//- return.csv
key,value
force,cheshire
period,2026-03
version,1
submitted_by,analyst
//- lines.csv
line_ref,line_name,deal_numbers,status,grading
C1,Zed,07700 900555,active_investigation,2-B-P
//- nominals.csv
nominal_ref,surname,forenames,dob,phone_numbers,role,line_refs,grading
N1,Green,Alan,1990-05-05,07700 900556,line_holder,C1,2-B-P
"#;

fn replacement(old: &str, new: &str, class: assess::NumberClass) -> assess::Replacement {
    assess::Replacement {
        old_number: old.to_owned(),
        new_number: new.to_owned(),
        switched_at_ms: 1_772_389_325_000,
        score: 0.912,
        shared_customers: 12,
        old_customers: 14,
        same_imei: true,
        class,
    }
}

const DEAL: assess::NumberClass = assess::NumberClass::DealLine;
const PERSONAL: assess::NumberClass = assess::NumberClass::Personal;

/// A store holding the three forces' returns, resolved.
fn resolved(db: &TestDb, dir: &Path) -> Box<dyn Store> {
    let mut store = db.store();
    let kent = VALID_RETURN.replacen("force,merseyside", "force,kent", 1);
    let paths: Vec<_> = [
        ("merseyside", VALID_RETURN),
        ("kent", kent.as_str()),
        ("cheshire", CHESHIRE_RETURN),
    ]
    .into_iter()
    .map(|(name, text)| fixture::write_csv_folder(text, &dir.join(name)))
    .collect();
    let reports = import(&mut *store, &national(), &paths);
    assert_eq!(reports.len(), 3);
    assert!(reports.iter().all(|r| !r.is_rejected()), "{}", db.name());
    // Five lines are too few to train the line model on, so an analyst has said that the two
    // forces' "Tony" is one line (a decision is final, whatever the model).
    let decision = store::Decision {
        kind: "line".into(),
        a: "merseyside/2026-03/L1".parse().unwrap(),
        b: "kent/2026-03/L1".parse().unwrap(),
        same: true,
        decided_by: String::new(),
        decided_at: chrono::Utc::now(),
        note: Some("same deal numbers".into()),
    };
    store.record_decision(&national(), &decision).unwrap();
    engine::analyse(
        &mut *store,
        &national(),
        &resolve::Settings::default(),
        &mut |_, _, _| {},
    )
    .expect("analyse");
    store
}

/// The entity of `kind` holding the record `force/period/ref`.
fn entity_of(store: &mut dyn Store, kind: &str, record: &str) -> String {
    let record: store::RecordRef = record.parse().expect("record");
    store
        .entity_members(&national(), &Scope::National)
        .expect("members")
        .into_iter()
        .find(|m| m.kind == kind && m.record == record)
        .unwrap_or_else(|| panic!("no {kind} entity holds {record}"))
        .entity_id
}

fn replacement_alerts(store: &mut dyn Store, actor: &Actor) -> Vec<store::Alert> {
    store
        .alerts(actor, None)
        .expect("alerts")
        .into_iter()
        .filter(|a| a.topic == AlertTopic::Replacement)
        .collect()
}

/// `alerts` with the run their summaries name left out.
fn without_run_named(alerts: Vec<store::Alert>) -> Vec<store::Alert> {
    alerts
        .into_iter()
        .map(|mut a| {
            if let Some(at) = a.summary.find(" run ")
                && let Some(end) = a.summary[at..].find(')')
            {
                a.summary.replace_range(at..at + end, " run");
            }
            a
        })
        .collect()
}

fn force(code: &str) -> model::ForceCode {
    code.parse().expect("force code")
}

fn recipients(alerts: &[store::Alert]) -> BTreeSet<String> {
    alerts.iter().map(|a| a.recipient.to_string()).collect()
}

fn set(items: &[&str]) -> BTreeSet<String> {
    items.iter().map(|s| s.to_string()).collect()
}

#[test]
fn a_replaced_deal_number_links_to_the_line_and_alerts_both_forces_holding_it_and_not_a_third() {
    for db in TestDb::all() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = resolved(&db, dir.path());
        let line = entity_of(&mut *store, "line", "merseyside/2026-03/L1");
        assert_eq!(
            line,
            entity_of(&mut *store, "line", "kent/2026-03/L1"),
            "{}: both forces' line is one entity",
            db.name()
        );

        let report = engine::link_replacements(
            &mut *store,
            &national(),
            engine::COMMS_ANALYSIS,
            &[
                replacement("+447700900123", "+447700900777", DEAL),
                // Nobody lists this number: nothing to link.
                replacement("+447700900999", "+447700900998", DEAL),
            ],
        )
        .expect("link");
        assert_eq!((report.links, report.unlinked), (1, 1), "{}", db.name());
        assert_eq!((report.alerts, report.new_alerts), (2, 2));

        let links = store
            .replacement_links(&national(), &Scope::National)
            .unwrap();
        assert_eq!(links.len(), 1, "{}: {links:?}", db.name());
        let link = &links[0];
        // The controller lists the same number as his phone; a deal line links to the line.
        assert_eq!(
            (link.entity_id.as_str(), link.kind.as_str()),
            (line.as_str(), "line")
        );
        assert_eq!(link.forces, [force("kent"), force("merseyside")]);
        assert_eq!(
            (link.old_number.as_str(), link.new_number.as_str()),
            ("+447700900123", "+447700900777")
        );
        assert_eq!(
            (link.score, link.shared_customers, link.old_customers),
            (0.912, 12, 14)
        );
        assert!(link.same_imei);
        assert_eq!(link.analysis, "comms");
        assert_eq!(link.run_id, report.run_id);

        let alerts = replacement_alerts(&mut *store, &national());
        assert_eq!(
            recipients(&alerts),
            set(&["force:kent", "force:merseyside"]),
            "{}: both forces holding the line, and not cheshire",
            db.name()
        );
        for a in &alerts {
            assert_eq!(a.severity, Severity::Notice);
            assert_eq!(a.entity_id, line);
            assert_eq!(a.forces, [force("kent"), force("merseyside")]);
            assert_eq!(a.active_forces, [force("kent"), force("merseyside")]);
            for evidence in [
                "+447700900123",
                "+447700900777",
                "score 0.912",
                "12 of its 14 customers",
                "same handset",
                "your records 2026-03/L1",
            ] {
                assert!(a.summary.contains(evidence), "{evidence} in {}", a.summary);
            }
        }
        let cheshire = Actor::force("chester", force("cheshire"));
        assert!(replacement_alerts(&mut *store, &cheshire).is_empty());
        let kent = Actor::force("kentish", force("kent"));
        assert_eq!(
            recipients(&replacement_alerts(&mut *store, &kent)),
            set(&["force:kent"])
        );
        // Deconfliction is unchanged and the export still lists shared entities only.
        let (_, rows) = engine::export_rows(&mut *store, &national()).unwrap();
        assert!(rows.iter().all(|r| r.forces.len() >= 2));
    }
}

#[test]
fn a_replaced_personal_phone_links_to_the_person_and_a_chain_is_followed() {
    for db in TestDb::all() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = resolved(&db, dir.path());
        let runner = entity_of(&mut *store, "person", "merseyside/2026-03/N2");
        let holder = entity_of(&mut *store, "person", "cheshire/2026-03/N1");

        engine::link_replacements(
            &mut *store,
            &national(),
            engine::COMMS_ANALYSIS,
            &[
                replacement("+447700900301", "+447700900388", PERSONAL),
                // Then the runner moves again, from a number no return lists.
                replacement("+447700900388", "+447700900389", PERSONAL),
                replacement("+447700900556", "+447700900557", PERSONAL),
            ],
        )
        .expect("link");
        let links = store
            .replacement_links(&national(), &Scope::National)
            .unwrap();
        let of = |entity: &str| -> Vec<(&str, &str, &str)> {
            links
                .iter()
                .filter(|l| l.entity_id == entity)
                .map(|l| {
                    (
                        l.kind.as_str(),
                        l.old_number.as_str(),
                        l.new_number.as_str(),
                    )
                })
                .collect()
        };
        assert_eq!(
            of(&runner),
            [
                ("person", "+447700900301", "+447700900388"),
                ("person", "+447700900388", "+447700900389"),
            ],
            "{}: {links:?}",
            db.name()
        );
        assert_eq!(of(&holder), [("person", "+447700900556", "+447700900557")]);
        let runner_alerts: Vec<store::Alert> = replacement_alerts(&mut *store, &national())
            .into_iter()
            .filter(|a| a.entity_id == runner)
            .collect();
        assert!(
            runner_alerts.iter().any(|a| a
                .summary
                .contains("+447700900388 itself replaced +447700900301")),
            "{runner_alerts:?}"
        );
        let holder_alerts: Vec<store::Alert> = replacement_alerts(&mut *store, &national())
            .into_iter()
            .filter(|a| a.entity_id == holder)
            .collect();
        assert_eq!(recipients(&holder_alerts), set(&["force:cheshire"]));

        // The entity view shows the new numbers with their entity.
        let view = engine::replacement_view(&mut *store, &national(), dir.path())
            .unwrap()
            .expect("links to show");
        assert_eq!(view.len(), 3);
        assert!(view.iter().all(|e| e.link.is_some()));
    }
}

#[test]
fn a_rerun_replaces_the_links_without_duplicating_and_keeps_when_they_were_first_raised() {
    for db in TestDb::all() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = resolved(&db, dir.path());
        let replacements = [
            replacement("+447700900123", "+447700900777", DEAL),
            replacement("+447700900301", "+447700900388", PERSONAL),
        ];
        let link = |store: &mut dyn Store, replacements: &[assess::Replacement]| {
            engine::link_replacements(store, &national(), engine::COMMS_ANALYSIS, replacements)
                .expect("link")
        };
        let first = link(&mut *store, &replacements);
        assert_eq!(first.new_links, first.links);
        let links = store
            .replacement_links(&national(), &Scope::National)
            .unwrap();
        let alerts = replacement_alerts(&mut *store, &national());
        let counts = store.table_counts().unwrap();

        std::thread::sleep(std::time::Duration::from_millis(5));
        let again = link(&mut *store, &replacements);
        assert_eq!((again.new_links, again.new_alerts), (0, 0), "{}", db.name());
        assert_eq!(again.links, first.links);
        let relinked = store
            .replacement_links(&national(), &Scope::National)
            .unwrap();
        let without_run = |links: &[ReplacementLink]| -> Vec<ReplacementLink> {
            links
                .iter()
                .cloned()
                .map(|mut l| {
                    l.run_id = String::new();
                    l
                })
                .collect()
        };
        assert_eq!(
            without_run(&relinked),
            without_run(&links),
            "{}: the same links, first linked when they were",
            db.name()
        );
        // The same alerts, raised when they first were (their summaries name the run that last
        // found the link: the rerun, when it starts in a later second).
        assert_eq!(
            without_run_named(replacement_alerts(&mut *store, &national())),
            without_run_named(alerts.clone())
        );
        let table = |counts: &[(String, i64)], name: &str| {
            counts.iter().find(|(t, _)| t == name).map(|(_, n)| *n)
        };
        for name in ["replacement_links", "alerts"] {
            assert_eq!(
                table(&store.table_counts().unwrap(), name),
                table(&counts, name),
                "{name}"
            );
        }

        // Resolution run again keeps the links' alerts; the line's replacement no longer found
        // is dropped with its alerts.
        engine::analyse(
            &mut *store,
            &national(),
            &resolve::Settings::default(),
            &mut |_, _, _| {},
        )
        .unwrap();
        assert_eq!(
            without_run_named(replacement_alerts(&mut *store, &national())),
            without_run_named(alerts)
        );
        link(&mut *store, &replacements[1..]);
        let left = store
            .replacement_links(&national(), &Scope::National)
            .unwrap();
        assert_eq!(left.len(), 1);
        assert_eq!(left[0].kind, "person");
        assert!(
            replacement_alerts(&mut *store, &national())
                .iter()
                .all(|a| a.kind == "person")
        );
    }
}

#[test]
fn a_force_user_reads_their_own_forces_links_only() {
    for db in TestDb::all() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = resolved(&db, dir.path());
        engine::link_replacements(
            &mut *store,
            &national(),
            engine::COMMS_ANALYSIS,
            &[
                replacement("+447700900123", "+447700900777", DEAL),
                replacement("+447700900556", "+447700900557", PERSONAL),
            ],
        )
        .expect("link");
        let cheshire = Actor::force("chester", force("cheshire"));
        let mersey = Actor::force("liverpudlian", force("merseyside"));

        let own = store
            .replacement_links(&cheshire, &Scope::Force(force("cheshire")))
            .unwrap();
        assert_eq!(own.len(), 1, "{}", db.name());
        assert_eq!(own[0].old_number, "+447700900556");
        for scope in [Scope::Force(force("merseyside")), Scope::National] {
            assert!(
                matches!(
                    store.replacement_links(&cheshire, &scope),
                    Err(store::Error::Forbidden { .. })
                ),
                "{}: cheshire reads {scope}",
                db.name()
            );
        }
        let theirs = store
            .replacement_links(&mersey, &Scope::Force(force("merseyside")))
            .unwrap();
        assert_eq!(theirs.len(), 1);
        assert_eq!(theirs[0].old_number, "+447700900123");
        // Only national analysts link, and the view shows a force its own links only.
        assert!(matches!(
            engine::link_replacements(&mut *store, &mersey, engine::COMMS_ANALYSIS, &[]),
            Err(engine::Error::Store(store::Error::Forbidden { .. }))
        ));
        let view = engine::replacement_view(&mut *store, &cheshire, dir.path())
            .unwrap()
            .expect("own links");
        assert_eq!(view.len(), 1);
        assert_eq!(view[0].replacement.old_number, "+447700900556");
        assert!(
            replacement_alerts(&mut *store, &cheshire)
                .iter()
                .all(|a| a.recipient == Recipient::Force(force("cheshire")))
        );
        let log = store.audit_log(&national(), 200).unwrap();
        assert!(
            log.iter().any(|e| e.user == "chester"
                && e.action == "denied"
                && e.detail == "read_replacement_links"),
            "the refusal is audited"
        );
    }
}

#[test]
fn a_replaced_ordered_number_raises_an_urgent_alert_to_the_regions_and_the_centre_too() {
    for db in TestDb::all() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = resolved(&db, dir.path());
        let line = entity_of(&mut *store, "line", "kent/2026-03/L1");
        let order = store::Order {
            number: "+447700900124".into(),
            status: store::OrderStatus::Granted,
            line: Some(line.clone()),
            date: "2026-02-20".parse().unwrap(),
            recorded_by: String::new(),
            recorded_at: chrono::Utc::now(),
        };
        store.record_order(&national(), &order).unwrap();
        engine::link_replacements(
            &mut *store,
            &national(),
            engine::COMMS_ANALYSIS,
            &[replacement("+447700900124", "+447700900778", DEAL)],
        )
        .expect("link");
        let alerts = replacement_alerts(&mut *store, &national());
        assert!(
            alerts.iter().all(|a| a.severity == Severity::Urgent),
            "{alerts:?}"
        );
        assert_eq!(
            recipients(&alerts),
            set(&[
                "force:kent",
                "force:merseyside",
                "national",
                "region:eastern",
                "region:north-west",
            ]),
            "{}",
            db.name()
        );
        assert!(
            alerts[0]
                .summary
                .contains("restriction order (granted 2026-02-20)")
        );
        assert_eq!(
            store.alerts(&national(), None).unwrap()[0].severity,
            Severity::Urgent,
            "most severe first"
        );

        // The restriction-order pack for the line shows the linked number.
        let pack = engine::ddtro_plan(&mut *store, &national(), dir.path(), &line)
            .unwrap()
            .expect("pack");
        let next = pack
            .numbers
            .iter()
            .find(|n| n.number == "+447700900778")
            .expect("the linked replacement is in the pack");
        assert_eq!(next.status, engine::PackStatus::LikelyReplacement);
        assert!(
            next.evidence
                .iter()
                .any(|e| e.contains(&format!("linked to line {line}"))),
            "{:?}",
            next.evidence
        );
    }
}
