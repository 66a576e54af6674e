//! The `crossline` binary as a user runs it: commands, exit statuses, text and JSON output.

use std::path::Path;
use std::process::{Command, Output};

use test_support::fixture::{self, VALID_RETURN};

fn crossline(db: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_crossline"))
        .args(args)
        .env("CROSSLINE_DB", db)
        .env("CROSSLINE_USER", "cli-test")
        .env_remove("CROSSLINE_ROLE")
        .env_remove("CROSSLINE_HOME")
        .output()
        .expect("the binary runs")
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[test]
fn help_names_every_command() {
    let dir = tempfile::tempdir().unwrap();
    let out = crossline(&dir.path().join("c.db"), &["--help"]);
    assert!(out.status.success());
    let text = stdout(&out);
    for command in [
        "demo",
        "world",
        "import",
        "summary",
        "quality",
        "returns",
        "submissions",
        "audit",
    ] {
        assert!(
            text.contains(command),
            "--help does not mention {command}:\n{text}"
        );
    }
}

#[test]
fn world_import_summary_quality_round_trip() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("c.db");
    let world = dir.path().join("w");
    let out = crossline(
        &db,
        &[
            "world",
            "--size",
            "small",
            "--seed",
            "3",
            "--out",
            world.to_str().unwrap(),
            "--no-comms",
        ],
    );
    assert!(out.status.success(), "world failed: {}", stderr(&out));

    let out = crossline(
        &db,
        &[
            "import",
            world.join("returns").to_str().unwrap(),
            "--no-progress",
        ],
    );
    assert!(
        out.status.success(),
        "import failed: {}{}",
        stdout(&out),
        stderr(&out)
    );
    assert!(stdout(&out).contains("0 rejected"), "{}", stdout(&out));

    let out = crossline(&db, &["summary", "--format", "json"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let summary: serde_json::Value = serde_json::from_slice(&out.stdout).expect("summary JSON");
    assert!(summary["lines"].as_u64().unwrap() > 0);
    assert!(summary["nominals"].as_u64().unwrap() > 0);
    assert!(!summary["forces_reporting"].as_array().unwrap().is_empty());

    let out = crossline(&db, &["summary", "--region", "north-west"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stdout(&out).contains("region:north-west"),
        "{}",
        stdout(&out)
    );

    let out = crossline(&db, &["quality"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stdout(&out).contains("Least complete columns"),
        "{}",
        stdout(&out)
    );

    let out = crossline(&db, &["returns", "--history"]);
    assert!(out.status.success());
    assert!(stdout(&out).contains("return version(s)"));
}

#[test]
fn a_rejected_import_exits_1_and_reports_every_problem_as_json() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("c.db");
    let folder = fixture::write_csv_folder(VALID_RETURN, &dir.path().join("r"));
    let lines = std::fs::read_to_string(folder.join("lines.csv")).unwrap();
    std::fs::write(
        folder.join("lines.csv"),
        lines.replacen("2-B-P", "2-B-X", 1),
    )
    .unwrap();

    let out = crossline(
        &db,
        &[
            "import",
            folder.to_str().unwrap(),
            "--format",
            "json",
            "--no-progress",
        ],
    );
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("import JSON");
    let item = &report["returns"][0];
    assert_eq!(item["outcome"], "rejected");
    let problem = &item["problems"][0];
    assert_eq!(problem["table"], "lines");
    assert_eq!(problem["column"], "grading");
    assert_eq!(problem["value"], "2-B-X");
    assert!(problem["row"].as_u64().unwrap() >= 2);

    let out = crossline(&db, &["import", folder.to_str().unwrap(), "--no-progress"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stdout(&out).contains("REJECTED"), "{}", stdout(&out));
    assert!(stdout(&out).contains("column grading"), "{}", stdout(&out));
}

#[test]
fn roles_are_enforced_and_audited() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("c.db");
    let folder = fixture::write_csv_folder(VALID_RETURN, &dir.path().join("r"));
    assert!(
        crossline(&db, &["import", folder.to_str().unwrap(), "--no-progress"])
            .status
            .success()
    );

    let out = crossline(&db, &["--role", "force_analyst", "summary"]);
    assert_eq!(out.status.code(), Some(3));
    assert!(stderr(&out).contains("--home"), "{}", stderr(&out));

    let out = crossline(
        &db,
        &[
            "--role",
            "force_analyst",
            "--home",
            "kent",
            "summary",
            "--region",
            "eastern",
        ],
    );
    assert_eq!(
        out.status.code(),
        Some(3),
        "a force analyst may not read a region"
    );
    assert!(stderr(&out).contains("may not"), "{}", stderr(&out));

    let out = crossline(&db, &["--role", "force_analyst", "--home", "kent", "audit"]);
    assert_eq!(
        out.status.code(),
        Some(3),
        "a force analyst may not read the audit log"
    );

    let out = crossline(
        &db,
        &["--role", "information_manager", "audit", "--limit", "100"],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let log = stdout(&out);
    assert!(log.contains("submit_return"), "{log}");
    assert!(log.contains("denied"), "refusals are audited too:\n{log}");
}

#[test]
fn analyse_review_alerts_and_export_work_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("c.db");
    let world = dir.path().join("w");
    let out = crossline(
        &db,
        &[
            "world",
            "--seed",
            "5",
            "--out",
            world.to_str().unwrap(),
            "--no-comms",
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        crossline(
            &db,
            &[
                "import",
                world.join("returns").to_str().unwrap(),
                "--no-progress"
            ]
        )
        .status
        .success()
    );

    let out = crossline(&db, &["analyse", "--no-progress"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains("deconfliction:"), "{}", stdout(&out));

    let out = crossline(&db, &["review", "list", "--limit", "3"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let listing = stdout(&out);
    let pair = listing
        .lines()
        .nth(1)
        .and_then(|l| l.split_whitespace().next())
        .expect("a queued pair")
        .to_string();
    assert!(pair.starts_with("Q-"), "{listing}");

    let out = crossline(&db, &["review", "show", &pair]);
    assert!(out.status.success(), "{}", stderr(&out));
    let shown = stdout(&out);
    assert!(
        shown.contains("prior") && shown.contains("total"),
        "the waterfall is shown:\n{shown}"
    );

    let out = crossline(
        &db,
        &[
            "review",
            "reject",
            &pair,
            "--note",
            "different dates of birth confirmed",
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let out = crossline(&db, &["review", "show", &pair]);
    assert_eq!(
        out.status.code(),
        Some(3),
        "a decided pair leaves the queue"
    );
    assert!(
        crossline(&db, &["analyse", "--no-progress"])
            .status
            .success()
    );
    assert!(!stdout(&crossline(&db, &["review", "list", "--limit", "1000"])).contains(&pair));

    let out = crossline(&db, &["alerts", "--national"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let out = crossline(
        &db,
        &[
            "--role",
            "force_analyst",
            "--home",
            "kent",
            "alerts",
            "--force",
            "essex",
        ],
    );
    assert_eq!(
        out.status.code(),
        Some(3),
        "a force sees only its own alerts"
    );
    let out = crossline(
        &db,
        &[
            "--role",
            "force_analyst",
            "--home",
            "kent",
            "review",
            "list",
        ],
    );
    assert_eq!(
        out.status.code(),
        Some(3),
        "a force analyst does not review other forces' pairs"
    );

    let exports = dir.path().join("exports");
    let out = crossline(&db, &["export", "--out", exports.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    let entities = std::fs::read_to_string(exports.join("entities.csv")).unwrap();
    assert!(entities.starts_with("entity_id,kind,force,period,ref\n"));
    assert!(entities.lines().count() > 100);
    let deconfliction = std::fs::read_to_string(exports.join("deconfliction.csv")).unwrap();
    assert!(
        deconfliction.starts_with("entity_id,kind,forces,active_forces,first_seen,last_seen\n")
    );
    assert!(
        deconfliction
            .lines()
            .skip(1)
            .all(|l| l.split(',').nth(2).is_some_and(|f| f.contains(';')))
    );
}

#[test]
fn communications_data_is_imported_analysed_exported_and_audited() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("c.db");
    let world = dir.path().join("w");
    let out = crossline(
        &db,
        &["world", "--seed", "7", "--out", world.to_str().unwrap()],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let comms_dir = world.join("comms");

    // Only national analysts handle communications data; the refusal is audited.
    let out = crossline(
        &db,
        &[
            "--role",
            "force_analyst",
            "--home",
            "kent",
            "import-comms",
            comms_dir.to_str().unwrap(),
        ],
    );
    assert_eq!(out.status.code(), Some(3), "{}", stdout(&out));

    let out = crossline(&db, &["import-comms", comms_dir.to_str().unwrap()]);
    assert!(out.status.success(), "{}{}", stdout(&out), stderr(&out));
    assert!(
        dir.path().join("c.db.comms").is_dir(),
        "records are Parquet beside the database"
    );
    let again = crossline(&db, &["import-comms", comms_dir.to_str().unwrap()]);
    assert!(again.status.success(), "{}", stderr(&again));

    let out = crossline(&db, &["comms", "analyse"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let exports = dir.path().join("exports");
    let out = crossline(&db, &["export", "--out", exports.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    let replacements = std::fs::read_to_string(exports.join("replacements.csv")).unwrap();
    assert!(replacements.starts_with(
        "old_number,new_number,switched_at,score,shared_customers,old_customers,same_imei\n"
    ));
    assert!(
        replacements.lines().count() > 10,
        "the world replaces numbers:\n{replacements}"
    );

    let log = stdout(&crossline(
        &db,
        &["--role", "information_manager", "audit", "--limit", "200"],
    ));
    for action in ["import_comms", "read_comms", "read_replacements", "denied"] {
        assert!(
            log.contains(action),
            "{action} missing from the audit log:\n{log}"
        );
    }
}

#[test]
fn ddtro_plan_records_orders_and_alerts_when_an_ordered_number_is_replaced() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("c.db");
    let world = dir.path().join("w");
    let ok = |out: Output| {
        assert!(out.status.success(), "{}{}", stdout(&out), stderr(&out));
        out
    };
    ok(crossline(
        &db,
        &["world", "--seed", "7", "--out", world.to_str().unwrap()],
    ));
    ok(crossline(
        &db,
        &[
            "import",
            world.join("returns").to_str().unwrap(),
            "--no-progress",
        ],
    ));
    ok(crossline(
        &db,
        &["import-comms", world.join("comms").to_str().unwrap()],
    ));
    ok(crossline(&db, &["analyse", "--no-progress"]));
    ok(crossline(&db, &["comms", "analyse"]));
    let exports = dir.path().join("exports");
    ok(crossline(
        &db,
        &["export", "--out", exports.to_str().unwrap()],
    ));

    // Controllers' phones, with the people whose returns list them.
    let out = ok(crossline(&db, &["comms", "controllers", "--limit", "50"]));
    let text = stdout(&out);
    assert!(text.lines().count() > 5, "{text}");
    assert!(
        text.contains("P-"),
        "some controller phone is linked to a person:\n{text}"
    );

    // A line with a known replacement: the first whose pack has a likely next number.
    let entities = std::fs::read_to_string(exports.join("entities.csv")).unwrap();
    let mut lines: Vec<&str> = entities
        .lines()
        .filter(|l| l.split(',').nth(1) == Some("line"))
        .filter_map(|l| l.split(',').next())
        .collect();
    lines.dedup();
    let packs = dir.path().join("packs");
    let (line, csv) = lines
        .iter()
        .find_map(|line| {
            let out = crossline(
                &db,
                &["ddtro", "plan", line, "--out", packs.to_str().unwrap()],
            );
            assert!(out.status.success(), "{}", stderr(&out));
            let csv = std::fs::read_to_string(packs.join(format!("ddtro-{line}.csv"))).unwrap();
            csv.contains(",likely-replacement,")
                .then(|| (line.to_string(), csv))
        })
        .expect("some line has a likely replacement");
    assert!(csv.starts_with("number,status,first_seen,last_seen,evidence,score\n"));
    let html = std::fs::read_to_string(packs.join(format!("ddtro-{line}.html"))).unwrap();
    assert!(html.contains(&format!("line {line}")) && html.contains("Forces holding it"));
    assert!(!html.contains("<script") && !html.contains("http"));

    // The replaced number: a current number of the pack that the analysis saw replaced.
    let replacements = std::fs::read_to_string(exports.join("replacements.csv")).unwrap();
    let pack_numbers: Vec<&str> = csv
        .lines()
        .skip(1)
        .filter_map(|l| l.split(',').next())
        .collect();
    let (old, new) = replacements
        .lines()
        .skip(1)
        .map(|l| {
            let f: Vec<&str> = l.split(',').collect();
            (f[0].to_string(), f[1].to_string())
        })
        .find(|(old, new)| {
            pack_numbers.contains(&old.as_str()) && pack_numbers.contains(&new.as_str())
        })
        .expect("the pack follows a replacement");

    // Force analysts may not record orders; the refusal is exit status 3.
    let out = crossline(
        &db,
        &[
            "--role",
            "force_analyst",
            "--home",
            "kent",
            "ddtro",
            "record",
            &old,
            "applied",
        ],
    );
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    let out = ok(crossline(&db, &["ddtro", "alerts"]));
    assert!(
        stdout(&out).contains("no ordered number"),
        "{}",
        stdout(&out)
    );

    ok(crossline(
        &db,
        &[
            "--role",
            "regional_analyst",
            "--home",
            "north-west",
            "ddtro",
            "record",
            &old,
            "applied",
            "--line",
            &line,
            "--date",
            "2026-01-05",
        ],
    ));
    ok(crossline(
        &db,
        &[
            "ddtro",
            "record",
            &old,
            "granted",
            "--line",
            &line,
            "--date",
            "2026-01-12",
        ],
    ));
    let out = ok(crossline(&db, &["ddtro", "alerts"]));
    let text = stdout(&out);
    assert!(
        text.contains("ALERT order granted on") && text.contains(&old) && text.contains(&new),
        "{text}"
    );
    let out = ok(crossline(&db, &["comms", "analyse"]));
    assert!(
        stderr(&out).contains("ALERT"),
        "a loud notice:\n{}",
        stderr(&out)
    );
    assert!(stdout(&out).contains(&new), "{}", stdout(&out));

    let log = stdout(&crossline(
        &db,
        &["--role", "information_manager", "audit", "--limit", "500"],
    ));
    for action in [
        "record_order",
        "read_orders",
        "ddtro_plan",
        "read_controllers",
    ] {
        assert!(
            log.contains(action),
            "{action} missing from the audit log:\n{log}"
        );
    }
}

#[test]
fn analyse_links_replacement_numbers_to_entities_and_alerts_the_forces_holding_them() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("c.db");
    let world = dir.path().join("w");
    let ok = |out: Output| {
        assert!(out.status.success(), "{}{}", stdout(&out), stderr(&out));
        out
    };
    ok(crossline(
        &db,
        &["world", "--seed", "7", "--out", world.to_str().unwrap()],
    ));
    ok(crossline(
        &db,
        &[
            "import",
            world.join("returns").to_str().unwrap(),
            "--no-progress",
        ],
    ));
    ok(crossline(
        &db,
        &["import-comms", world.join("comms").to_str().unwrap()],
    ));
    // With communications data beside the database, `analyse` links the replacements too.
    let out = ok(crossline(&db, &["analyse", "--no-progress"]));
    assert!(stdout(&out).contains("replacement(s) to line and person entities"));

    // The view: the replacements.csv columns, then the entity each is linked to.
    let text = stdout(&ok(crossline(&db, &["comms", "replacements"])));
    let mut rows = text.lines();
    assert_eq!(
        rows.next(),
        Some(
            "old_number,new_number,switched_at,score,shared_customers,old_customers,same_imei,\
             entity_id,kind,first_linked"
        )
    );
    let linked: Vec<Vec<&str>> = rows
        .map(|l| l.split(',').collect::<Vec<_>>())
        .filter(|f| !f[7].is_empty())
        .collect();
    let line = linked
        .iter()
        .find(|f| f[8] == "line")
        .expect("a deal-line replacement linked to its line");
    assert!(line[7].starts_with("L-"), "{line:?}");
    assert!(
        linked
            .iter()
            .any(|f| f[8] == "person" && f[7].starts_with("P-")),
        "a personal-phone replacement linked to its person:\n{text}"
    );

    // Every force holding the line has a replacement alert about it, with the evidence.
    let alerts = stdout(&ok(crossline(&db, &["alerts"])));
    let about: Vec<&str> = alerts
        .lines()
        .filter(|l| l.contains(" replacement ") && l.contains(line[7]) && l.contains(line[1]))
        .collect();
    assert!(!about.is_empty(), "{alerts}");
    assert!(
        about
            .iter()
            .all(|l| l.starts_with("NOTICE") && l.contains("score "))
    );
    let force = about[0]
        .split_whitespace()
        .nth(2)
        .and_then(|r| r.strip_prefix("force:"))
        .expect("a force's alert")
        .to_string();

    // A force analyst sees their own force's alerts and links only.
    let as_force = |args: &[&str]| {
        let mut all = vec!["--role", "force_analyst", "--home", force.as_str()];
        all.extend_from_slice(args);
        ok(crossline(&db, &all))
    };
    let own = stdout(&as_force(&["alerts"]));
    assert!(own.contains(line[1]), "{own}");
    let recipient = format!("force:{force} ");
    assert!(
        own.lines()
            .filter(|l| l.starts_with(|c: char| c.is_ascii_uppercase()) && l.contains(':'))
            .filter(|l| !l.contains(" alert(s)"))
            .all(|l| l.contains(&recipient)),
        "{own}"
    );
    let own_links = stdout(&as_force(&["comms", "replacements"]));
    assert!(own_links.lines().count() < text.lines().count());
    assert!(own_links.contains(line[1]), "{own_links}");

    // Exports keep their published layout: deconfliction lists shared entities only.
    let exports = dir.path().join("exports");
    ok(crossline(
        &db,
        &["export", "--out", exports.to_str().unwrap()],
    ));
    let deconfliction = std::fs::read_to_string(exports.join("deconfliction.csv")).unwrap();
    assert!(
        deconfliction
            .lines()
            .skip(1)
            .all(|l| l.split(',').nth(2).is_some_and(|f| f.contains(';')))
    );
}
