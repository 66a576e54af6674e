//! The importer end to end, through its public API only.
//!
//! Sections, in order:
//! - containers: one fixture, every container, the identical return;
//! - bad values: every kind of problem, with its exact table, row, column and value, alike in
//!   every container;
//! - several problems: all are reported, and a flood is capped;
//! - hostile inputs: zip bombs, unsafe paths, damaged workbooks, bad encodings, huge cells and
//!   random bytes give problems or errors, never panics;
//! - disk: discovery, reading and hashing.

use std::io::{Cursor, Write};
use std::path::PathBuf;

use ingest::{
    Found, Limits, Parsed, discover, parse_return, read_submission, submission_from_memory,
};
use model::submission::{Container, SourceFile, Submission};
use model::{EventKind, PartialDate, Return};
use test_support::fixture::{
    MINIMAL_RETURN, VALID_RETURN, VALID_RETURN_OTHER_GENERATOR, parse_fixture, with_file,
    without_file, write_csv_folder, write_xlsx, write_zip, xlsx_bytes, zip_bytes,
};

const CONTAINERS: [Container; 3] = [Container::CsvFolder, Container::Zip, Container::Xlsx];

/// The fixture as an in-memory submission of the given container.
fn submission(text: &str, container: Container) -> Submission {
    let files = match container {
        Container::CsvFolder => parse_fixture(text)
            .into_iter()
            .map(|(name, content)| SourceFile {
                name,
                bytes: content.into_bytes(),
            })
            .collect(),
        Container::Zip => vec![SourceFile {
            name: "return.zip".into(),
            bytes: zip_bytes(text, None),
        }],
        Container::Xlsx => vec![SourceFile {
            name: "return.xlsx".into(),
            bytes: xlsx_bytes(text),
        }],
    };
    submission_from_memory("fixture", container, files)
}

fn parse(text: &str, container: Container) -> Parsed {
    parse_return(&submission(text, container), &Limits::default())
}

fn rendered(parsed: &Parsed) -> Vec<String> {
    parsed.problems.iter().map(ToString::to_string).collect()
}

/// Parses the fixture in every container; the return must be valid and alike in all.
fn valid(text: &str) -> Return {
    let mut returns = CONTAINERS.iter().map(|&container| {
        let parsed = parse(text, container);
        assert_eq!(rendered(&parsed), Vec::<String>::new(), "{container}");
        parsed.ret.expect("a return without problems")
    });
    let first = returns.next().unwrap();
    for other in returns {
        assert_eq!(other, first);
    }
    first
}

/// Parses the fixture in every container and checks that exactly these problems are found,
/// alike in all.
fn check(text: &str, expect: &[&str]) {
    for container in CONTAINERS {
        let parsed = parse(text, container);
        assert_eq!(rendered(&parsed), expect, "{container}");
        assert!(parsed.ret.is_none(), "{container}: a return with problems");
    }
}

// Containers.

#[test]
fn the_valid_return_is_read_alike_from_every_container_on_disk() {
    let dir = tempfile::tempdir().unwrap();
    let folder = write_csv_folder(VALID_RETURN, &dir.path().join("folder"));
    write_zip(VALID_RETURN, &dir.path().join("flat.zip"));
    std::fs::write(
        dir.path().join("nested.zip"),
        zip_bytes(VALID_RETURN, Some("march")),
    )
    .unwrap();
    write_xlsx(VALID_RETURN, &dir.path().join("book.xlsx"));

    let (found, problems) = discover(&[dir.path().to_path_buf()]);
    assert_eq!(problems, Vec::<(PathBuf, String)>::new());
    let kinds: Vec<(String, Container)> = found
        .iter()
        .map(|found| {
            (
                found
                    .path
                    .file_name()
                    .unwrap()
                    .to_string_lossy()
                    .into_owned(),
                found.container,
            )
        })
        .collect();
    assert_eq!(
        kinds,
        [
            ("book.xlsx".to_string(), Container::Xlsx),
            ("flat.zip".to_string(), Container::Zip),
            ("folder".to_string(), Container::CsvFolder),
            ("nested.zip".to_string(), Container::Zip),
        ]
    );
    assert_eq!(found[2].path, folder);

    let limits = Limits::default();
    let returns: Vec<Return> = found
        .iter()
        .map(|found| {
            let submission = read_submission(found, &limits).unwrap();
            assert_eq!(submission.sha256.len(), 64);
            let parsed = parse_return(&submission, &limits);
            assert_eq!(
                rendered(&parsed),
                Vec::<String>::new(),
                "{}",
                found.path.display()
            );
            assert_eq!(
                parsed.force.as_ref().map(|force| force.as_str()),
                Some("merseyside")
            );
            assert_eq!(
                parsed.period.map(|period| period.to_string()).as_deref(),
                Some("2026-03")
            );
            parsed.ret.unwrap()
        })
        .collect();
    for other in &returns[1..] {
        assert_eq!(other, &returns[0]);
    }
}

#[test]
fn the_valid_return_holds_canonical_values() {
    let ret = valid(VALID_RETURN);
    assert_eq!(ret.header.force.as_str(), "merseyside");
    assert_eq!(ret.header.period.to_string(), "2026-03");
    assert_eq!(ret.header.version, 1);
    assert_eq!(ret.header.submitted_by, "DI county lines desk");
    assert_eq!(
        [
            ret.lines.len(),
            ret.nominals.len(),
            ret.locations.len(),
            ret.vehicles.len(),
            ret.events.len()
        ],
        [2, 4, 2, 1, 4]
    );

    let tony = &ret.lines[0];
    assert_eq!(
        (tony.row, tony.line_ref.as_str(), tony.line_name.as_str()),
        (2, "L1", "Tony")
    );
    let numbers: Vec<&str> = tony
        .deal_numbers
        .iter()
        .map(|number| number.as_str())
        .collect();
    assert_eq!(numbers, ["+447700900123", "+447700900124"]);
    assert_eq!(tony.importing_areas, ["Blackpool", "Preston"]);
    assert_eq!(
        tony.notes.as_deref(),
        Some("runs from Dale St, uses \"Tony\" on texts")
    );
    assert_eq!(tony.grading.to_string(), "2-B-P");
    assert_eq!(tony.last_reported.unwrap().to_string(), "2026-03-28");
    assert_eq!(ret.lines[1].exporting_force, None);
    assert_eq!(ret.lines[1].notes, None);

    let kayden = &ret.nominals[1];
    assert_eq!(kayden.row, 3);
    assert_eq!(kayden.dob, Some(PartialDate::YearMonth(2009, 7)));
    let vulnerabilities: Vec<String> = kayden
        .vulnerabilities
        .iter()
        .map(ToString::to_string)
        .collect();
    assert_eq!(
        vulnerabilities,
        ["missing_episodes:3", "looked_after", "school_exclusions:2"]
    );
    assert_eq!(
        ret.nominals[0].pnc_id.as_ref().unwrap().as_str(),
        "19/1234567A"
    );
    assert_eq!(
        ret.nominals[0].address.as_deref(),
        Some("1 Dale Street, Liverpool")
    );
    assert_eq!(ret.nominals[2].forenames.as_deref(), Some("Siân"));
    assert_eq!(
        ret.nominals[2].postcode.as_ref().unwrap().as_str(),
        "FY1 1AA"
    );
    assert_eq!(ret.nominals[3].forenames.as_deref(), Some("Zoë"));

    assert_eq!(ret.vehicles[0].vrm.as_str(), "AB12CDE");
    let decision = &ret.events[3];
    assert_eq!(
        (decision.kind, decision.outcome.as_deref()),
        (EventKind::NrmReasonableGrounds, Some("positive"))
    );
    assert_eq!(ret.events[1].quantity, Some(28.5));
}

#[test]
fn another_tools_writing_is_the_same_return() {
    let ours = valid(VALID_RETURN);
    let theirs = valid(VALID_RETURN_OTHER_GENERATOR);
    assert_eq!(theirs, ours);
}

#[test]
fn optional_tables_may_be_absent_and_zips_may_hold_one_folder() {
    let ret = valid(MINIMAL_RETURN);
    assert_eq!(ret.record_count(), 2);
    let in_folder = submission_from_memory(
        "in-folder.zip",
        Container::Zip,
        vec![SourceFile {
            name: "in-folder.zip".into(),
            bytes: zip_bytes(MINIMAL_RETURN, Some("Merseyside March")),
        }],
    );
    assert_eq!(parse_return(&in_folder, &Limits::default()).ret, Some(ret));
}

#[test]
fn blank_rows_are_skipped_and_rows_keep_their_numbers() {
    let text = with_file(
        MINIMAL_RETURN,
        "nominals.csv",
        "nominal_ref,role,line_refs,grading\n,,,\nN1,runner,L1,2-B-P\n\nN2,runner,L1,2-B-P\n",
    );
    let csv = parse(&text, Container::CsvFolder).ret.unwrap();
    let rows: Vec<u32> = csv.nominals.iter().map(|nominal| nominal.row).collect();
    assert_eq!(rows, [3, 5]);
}

// Bad values.

/// A nominals table of MINIMAL_RETURN with one extra column holding `value` in row 2.
fn nominal_with(column: &str, value: &str) -> String {
    with_file(
        MINIMAL_RETURN,
        "nominals.csv",
        &format!("nominal_ref,role,line_refs,grading,{column}\nN1,runner,L1,2-B-P,\"{value}\"\n"),
    )
}

#[test]
fn every_kind_of_bad_value_is_reported_where_it_is() {
    let cases: &[(&str, String, &[&str])] = &[
        (
            "bad phone",
            nominal_with("phone_numbers", "07700 900123; 07700 9001"),
            &[
                "nominals row 2 column phone_numbers value \"07700 9001\": not a UK phone number: after 0 (or +44) come 9 or 10 digits starting 1, 2, 3, 5, 7, 8 or 9",
            ],
        ),
        (
            "bad postcode",
            nominal_with("postcode", "L1 8J"),
            &["nominals row 2 column postcode value \"L1 8J\": not a UK postcode (e.g. SW1A 1AA)"],
        ),
        (
            "impossible date",
            nominal_with("last_contact", "31/02/2026"),
            &[
                "nominals row 2 column last_contact value \"31/02/2026\": no such day in the calendar",
            ],
        ),
        (
            "US date",
            nominal_with("last_contact", "03/31/2026"),
            &[
                "nominals row 2 column last_contact value \"03/31/2026\": no such day in the calendar",
            ],
        ),
        (
            "bad date of birth",
            nominal_with("dob", "July 2009"),
            &[
                "nominals row 2 column dob value \"July 2009\": not a date of birth: write YYYY-MM-DD, DD/MM/YYYY, YYYY-MM or YYYY",
            ],
        ),
        (
            "bad PNC id",
            nominal_with("pnc_id", "1234567A"),
            &[
                "nominals row 2 column pnc_id value \"1234567A\": not a PNC id: write YY/NNNNNNNL, e.g. 19/1234567A",
            ],
        ),
        (
            "bad count",
            nominal_with("times_come_to_notice", "lots"),
            &["nominals row 2 column times_come_to_notice value \"lots\": not a whole number"],
        ),
        (
            "unknown vulnerability",
            nominal_with("vulnerabilities", "looked_after;lonely"),
            &[
                "nominals row 2 column vulnerabilities value \"lonely\": not a vulnerability token: expected one of looked_after, care_leaver, missing_episodes, school_exclusions, excluded_long, mental_health, learning_disability, physical_disability, substance_dependency, debt_bondage, cuckooed, homeless, sex_work, previous_exploitation, nrm_referral, adverse_childhood_experiences, moved_by_local_authority, victim_of_violence, carrying_weapon, gang_association",
            ],
        ),
        (
            "bad grading",
            with_file(
                MINIMAL_RETURN,
                "lines.csv",
                "line_ref,line_name,status,grading\nL1,Tony,active_investigation,B2\n",
            ),
            &[
                "lines row 2 column grading value \"B2\": not a 3x5x2 grading: write source 1-3, intelligence A-E, handling P or C, e.g. 2-B-P",
            ],
        ),
        (
            "unknown enum word",
            with_file(
                MINIMAL_RETURN,
                "lines.csv",
                "line_ref,line_name,status,grading\nL1,Tony,open,2-B-P\n",
            ),
            &[
                "lines row 2 column status value \"open\": not a line status: expected one of active_investigation, passive_intelligence, disrupted, closed",
            ],
        ),
        (
            "unknown drug in a list",
            with_file(
                MINIMAL_RETURN,
                "lines.csv",
                "line_ref,line_name,status,grading,drugs\nL1,Tony,closed,2-B-P,crack; ; meth\n",
            ),
            &[
                "lines row 2 column drugs value \"meth\": not a drug: expected one of crack, heroin, cocaine, cannabis, ketamine, mdma, spice, other",
            ],
        ),
        (
            "unknown column",
            nominal_with("nickname", "Kay"),
            &[
                "nominals row 1 column nickname value \"nickname\": unknown column: the nominals table's columns are nominal_ref, surname, forenames, aliases, dob, gender, pnc_id, address, postcode, phone_numbers, role, line_refs, times_come_to_notice, last_contact, vulnerabilities, grading, notes",
            ],
        ),
        (
            "semicolon-separated file",
            with_file(
                MINIMAL_RETURN,
                "lines.csv",
                "line_ref;line_name;status;grading\nL1;Tony;closed;2-B-P\n",
            ),
            &[
                "lines row 1 column line_ref;line_name;status;grading value \"line_ref;line_name;status;grading\": unknown column: the file looks separated by semicolons or tabs, but the format uses commas",
                "lines row 1 column line_ref: missing required column",
                "lines row 1 column line_name: missing required column",
                "lines row 1 column status: missing required column",
                "lines row 1 column grading: missing required column",
                "nominals row 2 column line_refs value \"L1\": no row of the lines table has this line_ref",
            ],
        ),
        (
            "missing required column",
            with_file(
                MINIMAL_RETURN,
                "lines.csv",
                "line_ref,line_name,status\nL1,Tony,closed\n",
            ),
            &["lines row 1 column grading: missing required column"],
        ),
        (
            "duplicate column",
            with_file(
                MINIMAL_RETURN,
                "lines.csv",
                "line_ref,line_name,status,grading,Status\nL1,Tony,closed,2-B-P,open\n",
            ),
            &[
                "lines row 1 column Status value \"Status\": duplicate column: status appears more than once",
            ],
        ),
        (
            "duplicate ref",
            with_file(
                MINIMAL_RETURN,
                "nominals.csv",
                "nominal_ref,role,line_refs,grading\nN1,runner,L1,2-B-P\nN2,runner,L1,2-B-P\n N1 ,driver,L1,2-B-P\n",
            ),
            &[
                "nominals row 4 column nominal_ref value \"N1\": duplicate nominal_ref: row 2 already has it",
            ],
        ),
        (
            "dangling ref",
            with_file(
                MINIMAL_RETURN,
                "nominals.csv",
                "nominal_ref,role,line_refs,grading\nN1,runner,L1;L9,2-B-P\n",
            ),
            &[
                "nominals row 2 column line_refs value \"L9\": no row of the lines table has this line_ref",
            ],
        ),
        (
            "refs are case-sensitive",
            with_file(
                MINIMAL_RETURN,
                "nominals.csv",
                "nominal_ref,role,line_refs,grading\nN1,runner,l1,2-B-P\n",
            ),
            &[
                "nominals row 2 column line_refs value \"l1\": no row of the lines table has this line_ref",
            ],
        ),
        (
            "a ref that could never be pointed at",
            with_file(
                MINIMAL_RETURN,
                "lines.csv",
                "line_ref,line_name,status,grading\nL1,Tony,closed,2-B-P\nL2;L3,Bando,closed,2-B-P\n",
            ),
            &[
                "lines row 3 column line_ref value \"L2;L3\": a line_ref cannot contain ';', which separates refs in lists",
            ],
        ),
        (
            "no line refs",
            with_file(
                MINIMAL_RETURN,
                "nominals.csv",
                "nominal_ref,role,line_refs,grading\nN1,runner, ; ,2-B-P\n",
            ),
            &["nominals row 2 column line_refs value \";\": at least one line_ref is required"],
        ),
        (
            "missing required table",
            without_file(MINIMAL_RETURN, "nominals.csv"),
            &["nominals: missing required table: a return has return, lines and nominals tables"],
        ),
        (
            "empty required cell",
            with_file(
                MINIMAL_RETURN,
                "lines.csv",
                "line_ref,line_name,status,grading\nL1,  ,closed,2-B-P\n",
            ),
            &["lines row 2 column line_name value \"\": a value is required"],
        ),
        (
            "cells beyond the header",
            with_file(
                MINIMAL_RETURN,
                "lines.csv",
                "line_ref,line_name,status,grading\nL1,Tony,closed,2-B-P,oops\n",
            ),
            &["lines row 2: the row has 5 cells but the header has 4 columns"],
        ),
        (
            "a value under a header cell left blank",
            with_file(
                MINIMAL_RETURN,
                "lines.csv",
                "line_ref,line_name,,status,grading\nL1,Tony,x,closed,2-B-P\n",
            ),
            &[
                "lines row 2 column column 3 value \"x\": a value in a column without a name in the header",
            ],
        ),
        (
            "bad vehicle and event values",
            with_file(
                &with_file(
                    MINIMAL_RETURN,
                    "vehicles.csv",
                    "vrm,grading,nominal_refs\nAB12 CD!,2-B-P,N1\n",
                ),
                "events.csv",
                "event_ref,kind,date,location_ref,quantity,outcome,force_area\nE1,nrm_conclusive_grounds,2026-03-01,P1,-3,maybe,mersey\nE1,raid,,,,,\n",
            ),
            &[
                "vehicles row 2 column vrm value \"AB12 CD!\": not a UK registration mark: 2 to 7 letters and digits, with at least one of each",
                "events row 2 column location_ref value \"P1\": no row of the locations table has this location_ref",
                "events row 2 column force_area value \"mersey\": not a force code from forces.csv",
                "events row 2 column quantity value \"-3\": a quantity cannot be negative",
                "events row 2 column outcome value \"maybe\": not a NRM decision: expected one of positive, negative",
                "events row 3 column event_ref value \"E1\": duplicate event_ref: row 2 already has it",
                "events row 3 column kind value \"raid\": not a event kind: expected one of arrest, charge, stop_search, drug_seizure, cash_seizure, weapon_seizure, missing_episode, found_missing, return_home_interview, school_exclusion, la_placement_move, custody_release, pre_charge_bail, released_under_investigation, bail_extension, nrm_referral, nrm_reasonable_grounds, nrm_conclusive_grounds, s45_defence_raised, safeguarding_referral, ddtro_application, ddtro_granted, closure_order, stpo_granted, scpo_granted, warrant, other",
                "events row 3 column date value \"\": a value is required",
            ],
        ),
    ];
    for (name, text, expect) in cases {
        eprintln!("case: {name}");
        check(text, expect);
    }
}

/// MINIMAL_RETURN with its `return` table replaced.
fn return_table(rows: &str) -> String {
    with_file(MINIMAL_RETURN, "return.csv", &format!("key,value\n{rows}"))
}

#[test]
fn the_return_table_has_exactly_its_keys() {
    let cases: &[(&str, String, &[&str])] = &[
        (
            "wrong version",
            return_table("force,merseyside\nperiod,2026-03\nversion,2\nsubmitted_by,analyst\n"),
            &[
                "return row 4 column value value \"2\": unsupported version: this importer reads version 1",
            ],
        ),
        (
            "unknown force",
            return_table("force,mersey\nperiod,2026-03\nversion,1\nsubmitted_by,analyst\n"),
            &["return row 2 column value value \"mersey\": not a force code from forces.csv"],
        ),
        (
            "bad period",
            return_table("force,merseyside\nperiod,2026-13\nversion,1\nsubmitted_by,analyst\n"),
            &["return row 3 column value value \"2026-13\": no such month"],
        ),
        (
            "period written as a date",
            return_table("force,merseyside\nperiod,01/03/2026\nversion,1\nsubmitted_by,analyst\n"),
            &["return row 3 column value value \"01/03/2026\": not a period: write YYYY-MM"],
        ),
        (
            "missing key",
            return_table("force,merseyside\nperiod,2026-03\nversion,1\n"),
            &["return column key value \"submitted_by\": missing required key"],
        ),
        (
            "unknown and duplicate keys",
            return_table(
                "force,merseyside\nperiod,2026-03\nversion,1\nsubmitted_by,analyst\nregion,north-west\nFORCE,lancashire\n",
            ),
            &[
                "return row 6 column key value \"region\": unknown key: the return table's keys are force, period, version and submitted_by",
                "return row 7 column key value \"FORCE\": duplicate key: row 2 already gives force",
            ],
        ),
        (
            "empty value",
            return_table("force,merseyside\nperiod,2026-03\nversion,1\nsubmitted_by,\n"),
            &["return row 5 column value value \"\": a value is required"],
        ),
    ];
    for (name, text, expect) in cases {
        eprintln!("case: {name}");
        check(text, expect);
    }
}

#[test]
fn force_and_period_are_known_even_when_the_return_is_rejected() {
    let parsed = parse(&nominal_with("postcode", "nowhere"), Container::CsvFolder);
    assert!(parsed.ret.is_none());
    assert_eq!(parsed.force.unwrap().as_str(), "merseyside");
    assert_eq!(parsed.period.unwrap().to_string(), "2026-03");
}

#[test]
fn unknown_tables_are_named_in_each_containers_words() {
    let text = with_file(MINIMAL_RETURN, "nominal.csv", "nominal_ref\n");
    let folder = parse(&text, Container::CsvFolder);
    assert_eq!(
        rendered(&folder),
        [
            "- value \"nominal.csv\": unknown table: the files of a return are return.csv, lines.csv, nominals.csv, locations.csv, vehicles.csv and events.csv"
        ]
    );
    assert_eq!(rendered(&parse(&text, Container::Zip)), rendered(&folder));
    assert_eq!(
        rendered(&parse(&text, Container::Xlsx)),
        [
            "- value \"nominal\": unknown table: the sheets of a return are return, lines, nominals, locations, vehicles and events"
        ]
    );
    let lines = &parse_fixture(MINIMAL_RETURN)[1].1;
    let twice = with_file(MINIMAL_RETURN, "LINES.csv", lines);
    assert_eq!(
        rendered(&parse(&twice, Container::CsvFolder)),
        [
            "lines value \"lines.csv\": a second lines table: \"LINES.csv\" is already read as that table"
        ]
    );
}

#[test]
fn short_csv_rows_are_reported() {
    let text = with_file(
        MINIMAL_RETURN,
        "lines.csv",
        "line_ref,line_name,status,grading\nL1,Tony,closed\n",
    );
    assert_eq!(
        rendered(&parse(&text, Container::CsvFolder)),
        ["lines row 2: the row has 3 cells but the header has 4 columns"]
    );
}

// Several problems.

#[test]
fn every_problem_of_a_return_is_reported_in_order() {
    let text = VALID_RETURN
        .replace("force,merseyside", "force,atlantis")
        .replace("L2,Bando,07700 900200", "L2,Bando,0770")
        .replace("N3,Brown,Siân,,1978", "N3,Brown,Siân,,19788")
        .replace("2008-02-29,female", "2007-02-29,female")
        .replace("AB12CDE,Toyota", "AB12CDE,Toyota,extra")
        .replace(
            "E3,nrm_referral,2026-03-12,N2",
            "E3,nrm_referral,2026-03-12,N9",
        );
    let expect = [
        "return row 2 column value value \"atlantis\": not a force code from forces.csv",
        "lines row 3 column deal_numbers value \"0770\": not a UK phone number: after 0 (or +44) come 9 or 10 digits starting 1, 2, 3, 5, 7, 8 or 9",
        "nominals row 4 column dob value \"19788\": not a date of birth: write YYYY-MM-DD, DD/MM/YYYY, YYYY-MM or YYYY",
        "nominals row 5 column dob value \"2007-02-29\": no such day in the calendar",
        "vehicles row 2: the row has 9 cells but the header has 8 columns",
        "events row 4 column nominal_refs value \"N9\": no row of the nominals table has this nominal_ref",
    ];
    check(&text, &expect);
    let parsed = parse(&text, Container::CsvFolder);
    assert_eq!(parsed.force, None);
    assert_eq!(parsed.period.unwrap().to_string(), "2026-03");
}

#[test]
fn a_flood_of_problems_is_capped() {
    let mut nominals = String::from("nominal_ref,role,line_refs,grading\n");
    for i in 0..2_500 {
        nominals.push_str(&format!("N{i},boss,L1,2-B-P\n"));
    }
    let parsed = parse(
        &with_file(MINIMAL_RETURN, "nominals.csv", &nominals),
        Container::CsvFolder,
    );
    assert_eq!(parsed.problems.len(), ingest::MAX_PROBLEMS + 1);
    assert_eq!(parsed.problems[0].row, Some(2));
    assert_eq!(parsed.problems[999].row, Some(1001));
    assert_eq!(
        parsed.problems[1000].to_string(),
        "-: and 1500 more problems not listed"
    );
}

// Hostile inputs.

fn zip_of(entries: &[(&str, &[u8])]) -> Vec<u8> {
    let mut writer = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .large_file(false);
    for (name, content) in entries {
        writer.start_file(*name, options).unwrap();
        writer.write_all(content).unwrap();
    }
    writer.finish().unwrap().into_inner()
}

fn parse_bytes(container: Container, bytes: Vec<u8>, limits: &Limits) -> Parsed {
    let submission = submission_from_memory(
        "hostile",
        container,
        vec![SourceFile {
            name: "hostile".into(),
            bytes,
        }],
    );
    let parsed = parse_return(&submission, limits);
    assert!(parsed.ret.is_none());
    assert!(
        !rendered(&parsed)
            .iter()
            .any(|problem| problem.contains("internal error")),
        "{:?}",
        rendered(&parsed)
    );
    parsed
}

/// Overwrites the uncompressed size every header declares for the zip's entries.
fn lie_about_sizes(bytes: &mut [u8], size: u32) {
    let mut at = 0;
    while at + 30 <= bytes.len() {
        match &bytes[at..at + 4] {
            b"PK\x03\x04" => bytes[at + 22..at + 26].copy_from_slice(&size.to_le_bytes()),
            b"PK\x01\x02" => bytes[at + 24..at + 28].copy_from_slice(&size.to_le_bytes()),
            _ => {}
        }
        at += 1;
    }
}

/// Marks every entry of the zip as encrypted.
fn mark_encrypted(bytes: &mut [u8]) {
    let mut at = 0;
    while at + 30 <= bytes.len() {
        match &bytes[at..at + 4] {
            b"PK\x03\x04" => bytes[at + 6] |= 1,
            b"PK\x01\x02" => bytes[at + 8] |= 1,
            _ => {}
        }
        at += 1;
    }
}

#[test]
fn a_zip_bomb_is_refused() {
    let zeros = vec![b'0'; 8 * 1024 * 1024];
    let bomb = zip_of(&[("return.csv", b"key,value\n"), ("lines.csv", &zeros)]);
    assert!(bomb.len() < 64 * 1024, "the bomb is small: {}", bomb.len());
    let limits = Limits {
        max_total_uncompressed_bytes: 1024 * 1024,
        ..Limits::default()
    };
    let parsed = parse_bytes(Container::Zip, bomb.clone(), &limits);
    assert_eq!(
        rendered(&parsed),
        ["-: the zip's files declare 8388618 bytes uncompressed, more than the limit of 1048576"]
    );

    // A bomb that lies about its size is caught while it inflates.
    let mut liar = bomb;
    lie_about_sizes(&mut liar, 10);
    let parsed = parse_bytes(Container::Zip, liar.clone(), &limits);
    assert_eq!(parsed.problems.len(), 1, "{:?}", rendered(&parsed));
    let problem = parsed.problems[0].to_string();
    assert!(
        problem.contains("more than the limit of") || problem.contains("cannot be"),
        "{problem}"
    );

    // The same bombs dressed as workbooks.
    let parsed = parse_bytes(
        Container::Xlsx,
        zip_of(&[("xl/worksheets/sheet1.xml", &zeros)]),
        &limits,
    );
    assert_eq!(
        rendered(&parsed),
        ["-: the workbook declares 8388608 bytes uncompressed, more than the limit of 1048576"]
    );
    let parsed = parse_bytes(Container::Xlsx, liar, &limits);
    assert_eq!(parsed.problems.len(), 1, "{:?}", rendered(&parsed));
}

#[test]
fn unsafe_nested_and_encrypted_zips_are_refused() {
    let limits = Limits::default();
    let parsed = parse_bytes(
        Container::Zip,
        zip_of(&[("../return.csv", b"key,value\n")]),
        &limits,
    );
    assert_eq!(
        rendered(&parsed),
        [
            "- value \"../return.csv\": unsafe path in the zip: paths must be relative and must not contain .."
        ]
    );
    let inner = zip_bytes(MINIMAL_RETURN, None);
    let parsed = parse_bytes(Container::Zip, zip_of(&[("inner.zip", &inner)]), &limits);
    assert_eq!(
        rendered(&parsed),
        [
            "- value \"inner.zip\": a zip inside the zip is not accepted: put the CSV files in one zip"
        ]
    );
    let mut locked = zip_bytes(MINIMAL_RETURN, None);
    mark_encrypted(&mut locked);
    let parsed = parse_bytes(Container::Zip, locked.clone(), &limits);
    assert!(
        rendered(&parsed)[0]
            .ends_with("encrypted entries are not accepted: zip the files without a password")
    );
    let parsed = parse_bytes(Container::Xlsx, locked, &limits);
    assert!(!parsed.problems.is_empty());
    let many: Vec<(String, Vec<u8>)> = (0..100)
        .map(|i| (format!("f{i}.csv"), vec![b'x']))
        .collect();
    let many: Vec<(&str, &[u8])> = many
        .iter()
        .map(|(name, bytes)| (name.as_str(), bytes.as_slice()))
        .collect();
    let parsed = parse_bytes(Container::Zip, zip_of(&many), &limits);
    assert_eq!(
        rendered(&parsed),
        ["-: the zip holds 100 entries, more than the limit of 64"]
    );
}

#[test]
fn damaged_workbooks_are_problems() {
    let limits = Limits::default();
    let book = xlsx_bytes(VALID_RETURN);
    let parsed = parse_bytes(Container::Xlsx, book[..book.len() / 2].to_vec(), &limits);
    assert!(
        rendered(&parsed)[0].starts_with("-: not a readable workbook: "),
        "{:?}",
        rendered(&parsed)
    );
    let parsed = parse_bytes(Container::Xlsx, b"PK\x03\x04 not really".to_vec(), &limits);
    assert!(rendered(&parsed)[0].starts_with("-: not a readable workbook: "));
    let parsed = parse_bytes(Container::Xlsx, Vec::new(), &limits);
    assert_eq!(parsed.problems.len(), 1);
    // A zip that is not a workbook.
    let parsed = parse_bytes(Container::Xlsx, zip_bytes(MINIMAL_RETURN, None), &limits);
    assert!(
        rendered(&parsed)[0].starts_with("-: not a readable .xlsx workbook: "),
        "{:?}",
        rendered(&parsed)
    );
}

#[test]
fn typed_workbook_cells_are_read_as_the_format_says() {
    use rust_xlsxwriter::{ExcelDateTime, Formula, Workbook};
    let mut book = Workbook::new();
    for (name, content) in parse_fixture(MINIMAL_RETURN) {
        let sheet = book.add_worksheet();
        sheet.set_name(name.trim_end_matches(".csv")).unwrap();
        for (row, cells) in test_support::fixture::csv_rows(&content).iter().enumerate() {
            for (col, cell) in cells.iter().enumerate() {
                sheet.write_string(row as u32, col as u16, cell).unwrap();
            }
        }
        if name == "nominals.csv" {
            for (col, header) in [
                "phone_numbers",
                "last_contact",
                "times_come_to_notice",
                "surname",
                "notes",
            ]
            .iter()
            .enumerate()
            {
                sheet.write_string(0, 4 + col as u16, *header).unwrap();
            }
            sheet.write_number(1, 4, 7700900123.0).unwrap();
            let date = ExcelDateTime::from_ymd(2026, 3, 20).unwrap();
            let format = rust_xlsxwriter::Format::new().set_num_format("dd/mm/yyyy");
            sheet
                .write_datetime_with_format(1, 5, &date, &format)
                .unwrap();
            sheet.write_number(1, 6, 3.0).unwrap();
            sheet
                .write_formula(1, 7, Formula::new("=\"Sm\"&\"ith\"").set_result("Smith"))
                .unwrap();
            sheet.write_boolean(1, 8, true).unwrap();
        }
    }
    let parsed = parse_bytes(
        Container::Xlsx,
        book.save_to_buffer().unwrap(),
        &Limits::default(),
    );
    assert_eq!(
        rendered(&parsed),
        [
            "nominals row 2 column notes value \"TRUE\": a TRUE/FALSE cell is not a value of this format: type the value as text"
        ]
    );
}

#[test]
fn typed_workbook_cells_make_a_valid_nominal() {
    use rust_xlsxwriter::{ExcelDateTime, Format, Formula, Workbook};
    let mut book = Workbook::new();
    for (name, content) in parse_fixture(MINIMAL_RETURN) {
        let sheet = book.add_worksheet();
        sheet.set_name(name.trim_end_matches(".csv")).unwrap();
        for (row, cells) in test_support::fixture::csv_rows(&content).iter().enumerate() {
            for (col, cell) in cells.iter().enumerate() {
                sheet.write_string(row as u32, col as u16, cell).unwrap();
            }
        }
        if name == "nominals.csv" {
            for (col, header) in [
                "phone_numbers",
                "last_contact",
                "times_come_to_notice",
                "surname",
            ]
            .iter()
            .enumerate()
            {
                sheet.write_string(0, 4 + col as u16, *header).unwrap();
            }
            sheet.write_number(1, 4, 7700900123.0).unwrap();
            let date = ExcelDateTime::from_ymd(2026, 3, 20).unwrap();
            sheet
                .write_datetime_with_format(
                    1,
                    5,
                    &date,
                    &Format::new().set_num_format("dd/mm/yyyy"),
                )
                .unwrap();
            sheet.write_number(1, 6, 3.0).unwrap();
            sheet
                .write_formula(1, 7, Formula::new("=\"Sm\"&\"ith\"").set_result("Smith"))
                .unwrap();
        }
    }
    let submission = submission_from_memory(
        "typed.xlsx",
        Container::Xlsx,
        vec![SourceFile {
            name: "typed.xlsx".into(),
            bytes: book.save_to_buffer().unwrap(),
        }],
    );
    let parsed = parse_return(&submission, &Limits::default());
    assert_eq!(rendered(&parsed), Vec::<String>::new());
    let nominal = &parsed.ret.unwrap().nominals[0];
    assert_eq!(nominal.phone_numbers[0].as_str(), "+447700900123");
    assert_eq!(nominal.last_contact.unwrap().to_string(), "2026-03-20");
    assert_eq!(nominal.times_come_to_notice, Some(3));
    assert_eq!(nominal.surname.as_deref(), Some("Smith"));
}

#[test]
fn invalid_utf8_is_a_problem_naming_file_row_and_column() {
    let mut files: Vec<SourceFile> = parse_fixture(MINIMAL_RETURN)
        .into_iter()
        .map(|(name, content)| SourceFile {
            name,
            bytes: content.into_bytes(),
        })
        .collect();
    files[2].bytes =
        b"nominal_ref,role,line_refs,grading,surname\nN1,runner,L1,2-B-P,Ren\xE9e\n".to_vec();
    let submission = submission_from_memory("latin1", Container::CsvFolder, files.clone());
    let parsed = parse_return(&submission, &Limits::default());
    assert_eq!(
        rendered(&parsed),
        [
            "nominals row 2 column surname value \"Ren\u{FFFD}e\": not UTF-8 text: save the file as CSV UTF-8"
        ]
    );
    // The same file inside a zip.
    let entries: Vec<(&str, &[u8])> = files
        .iter()
        .map(|file| (file.name.as_str(), file.bytes.as_slice()))
        .collect();
    let parsed = parse_bytes(Container::Zip, zip_of(&entries), &Limits::default());
    assert_eq!(
        rendered(&parsed),
        [
            "nominals row 2 column surname value \"Ren\u{FFFD}e\": not UTF-8 text: save the file as CSV UTF-8"
        ]
    );
}

#[test]
fn an_enormous_cell_is_a_problem() {
    // A workbook cell holds at most 32,767 characters, so the limit is lowered to test all
    // containers alike.
    let limits = Limits {
        max_cell_chars: 1_000,
        ..Limits::default()
    };
    let text = nominal_with("notes", &"x".repeat(5_000));
    let expect = format!(
        "nominals row 2 column notes value \"{}…\": the cell is longer than the limit of 1000 characters",
        "x".repeat(40)
    );
    for container in CONTAINERS {
        let parsed = parse_return(&submission(&text, container), &limits);
        assert_eq!(rendered(&parsed), [expect.as_str()], "{container}");
    }

    let huge = "x".repeat(100_000);
    let parsed = parse(&nominal_with("notes", &huge), Container::CsvFolder);
    assert_eq!(
        rendered(&parsed),
        [format!(
            "nominals row 2 column notes value \"{}…\": the cell is longer than the limit of 32768 characters",
            "x".repeat(40)
        )]
    );
    // An unterminated quote swallows the rest of the file into one cell.
    let text = with_file(
        MINIMAL_RETURN,
        "lines.csv",
        &format!("line_ref,line_name,status,grading\nL1,\"Tony{huge}"),
    );
    let parsed = parse(&text, Container::CsvFolder);
    assert!(
        rendered(&parsed)
            .iter()
            .any(|problem| problem.contains("longer than the limit"))
    );
}

#[test]
fn limits_on_rows_and_time_are_problems() {
    let mut nominals = String::from("nominal_ref,role,line_refs,grading\n");
    for i in 0..20 {
        nominals.push_str(&format!("N{i},runner,L1,2-B-P\n"));
    }
    let text = with_file(MINIMAL_RETURN, "nominals.csv", &nominals);
    let limits = Limits {
        max_rows_per_table: 10,
        ..Limits::default()
    };
    for container in CONTAINERS {
        let parsed = parse_return(&submission(&text, container), &limits);
        assert_eq!(
            rendered(&parsed),
            ["nominals: the table has more than the limit of 10 rows; the rest was not read"],
            "{container}"
        );
    }
    let small = Limits {
        max_file_bytes: 50,
        ..Limits::default()
    };
    let parsed = parse_return(&submission(MINIMAL_RETURN, Container::Zip), &small);
    assert_eq!(
        rendered(&parsed),
        ["- value \"return.zip\": the file is larger than the limit of 50 bytes"]
    );
    let no_time = Limits {
        max_seconds: 0,
        ..Limits::default()
    };
    let parsed = parse_return(&submission(VALID_RETURN, Container::CsvFolder), &no_time);
    assert!(parsed.ret.is_none());
    assert!(
        rendered(&parsed)
            .iter()
            .any(|problem| problem.contains("longer than the limit of 0 seconds"))
    );
}

#[test]
fn random_and_mangled_bytes_never_panic() {
    // A small deterministic generator: the test must be reproducible.
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let limits = Limits {
        max_total_uncompressed_bytes: 1 << 20,
        ..Limits::default()
    };
    let book = xlsx_bytes(VALID_RETURN);
    let zip = zip_bytes(VALID_RETURN, None);
    for round in 0..150 {
        let mut mangled_book = book.clone();
        let mut mangled_zip = zip.clone();
        for _ in 0..(1 + round % 8) {
            let at = next() as usize % mangled_book.len();
            mangled_book[at] = next() as u8;
            let at = next() as usize % mangled_zip.len();
            mangled_zip[at] = next() as u8;
        }
        let random: Vec<u8> = (0..(next() % 600)).map(|_| next() as u8).collect();
        let submissions = [
            submission_from_memory(
                "m",
                Container::Xlsx,
                vec![SourceFile {
                    name: "m.xlsx".into(),
                    bytes: mangled_book,
                }],
            ),
            submission_from_memory(
                "m",
                Container::Zip,
                vec![SourceFile {
                    name: "m.zip".into(),
                    bytes: mangled_zip,
                }],
            ),
            submission_from_memory(
                "r",
                Container::Xlsx,
                vec![SourceFile {
                    name: "r.xlsx".into(),
                    bytes: random.clone(),
                }],
            ),
            submission_from_memory(
                "r",
                Container::CsvFolder,
                vec![
                    SourceFile {
                        name: "return.csv".into(),
                        bytes: random.clone(),
                    },
                    SourceFile {
                        name: "nominals.csv".into(),
                        bytes: [b"nominal_ref,line_refs\n".as_slice(), &random].concat(),
                    },
                ],
            ),
        ];
        for submission in submissions {
            let parsed = parse_return(&submission, &limits);
            assert_eq!(parsed.ret.is_some(), parsed.problems.is_empty());
            assert!(
                !rendered(&parsed)
                    .iter()
                    .any(|problem| problem.contains("internal error")),
                "round {round}: {:?}",
                rendered(&parsed)
            );
        }
    }
}

// Disk.

#[test]
fn reading_from_disk_hashes_and_bounds() {
    let dir = tempfile::tempdir().unwrap();
    let folder = write_csv_folder(VALID_RETURN_OTHER_GENERATOR, &dir.path().join("other"));
    std::fs::write(folder.join(".DS_Store"), b"junk").unwrap();
    let found = Found {
        path: folder.clone(),
        container: Container::CsvFolder,
    };
    let first = read_submission(&found, &Limits::default()).unwrap();
    let names: Vec<&str> = first.files.iter().map(|file| file.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "Events.csv",
            "LINES.CSV",
            "Locations.csv",
            "Nominals.csv",
            "Vehicles.csv",
            "return.csv"
        ]
    );
    assert_eq!(
        read_submission(&found, &Limits::default()).unwrap().sha256,
        first.sha256
    );
    assert_eq!(
        parse_return(&first, &Limits::default()).ret,
        Some(valid(VALID_RETURN))
    );

    std::fs::write(folder.join("vehicles.csv.bak"), b"old").unwrap();
    let parsed = parse_return(
        &read_submission(&found, &Limits::default()).unwrap(),
        &Limits::default(),
    );
    assert_eq!(
        rendered(&parsed),
        ["- value \"vehicles.csv.bak\": not a CSV file: a return holds only <table>.csv files"]
    );

    let book = dir.path().join("book.xlsx");
    write_xlsx(VALID_RETURN, &book);
    let tiny = Limits {
        max_file_bytes: 100,
        ..Limits::default()
    };
    let err = read_submission(
        &Found {
            path: book,
            container: Container::Xlsx,
        },
        &tiny,
    )
    .unwrap_err();
    assert!(
        err.to_string()
            .ends_with("book.xlsx is larger than the limit of 100 bytes"),
        "{err}"
    );
}
