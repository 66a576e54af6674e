//! The integration tests of `resolve`, one binary:
//!
//! - collecting returns side by side gives the input of adding them in turn;
//! - comparison levels, table-driven;
//! - training: EM converges, m > u on agreement, term frequencies favour rare surnames;
//! - clustering: no chaining, decisions override the model;
//! - explanations: the waterfall sums to the total;
//! - ids: stable across identical runs and across a run with a new return;
//! - incremental runs give the entities of a full run with the same models;
//! - quality on a generated small world, scored against its truth;
//! - deconfliction.

use std::path::Path;
use std::sync::OnceLock;

use model::{PartialDate, Period, PhoneNumber};
use resolve::persons::compare::{self, N_COMPARISONS};
use resolve::persons::features::{PersonFeatures, PersonTermFrequencies};
use resolve::{
    Decision, EntityKind, Input, PersonRecord, PreviousIds, RecordKey, Resolution, Settings,
};
use test_support::score;

/// A small world generated once for the whole binary, with its returns read.
struct World {
    dir: tempfile::TempDir,
    returns: Vec<model::Return>,
}

fn world() -> &'static World {
    static WORLD: OnceLock<World> = OnceLock::new();
    WORLD.get_or_init(|| {
        let dir = tempfile::tempdir().expect("temporary folder");
        let config = world::WorldConfig {
            size: world::Size::Small,
            seed: 7,
            nominals: None,
            xlsx_share: 0.0,
            comms: false,
        };
        world::generate(&config, dir.path(), &mut |_| {}).expect("world generated");
        let limits = ingest::Limits::default();
        let (found, problems) = ingest::discover(&[dir.path().join("returns")]);
        assert!(problems.is_empty(), "{problems:?}");
        let mut returns: Vec<model::Return> = found
            .iter()
            .map(|f| {
                let submission = ingest::read_submission(f, &limits).expect("readable");
                ingest::parse_return(&submission, &limits)
                    .ret
                    .expect("valid return")
            })
            .collect();
        returns.sort_by(|a, b| {
            (a.header.period, &a.header.force).cmp(&(b.header.period, &b.header.force))
        });
        World { dir, returns }
    })
}

fn full_resolution() -> &'static (Input, Resolution) {
    static RESOLUTION: OnceLock<(Input, Resolution)> = OnceLock::new();
    RESOLUTION.get_or_init(|| {
        let input = resolve::input_from_returns(world().returns.iter().cloned());
        let resolution = resolve::resolve(&input, &[], &PreviousIds::new(), &Settings::default());
        (input, resolution)
    })
}

#[test]
fn collecting_returns_side_by_side_equals_adding_them_in_turn() {
    let returns = &world().returns;
    let mut one_by_one = Input::default();
    for ret in returns.iter().cloned() {
        one_by_one.add_return(ret);
    }
    let collected = resolve::input_from_returns(returns.iter().cloned());
    assert!(returns.len() > 1 && !collected.persons.is_empty() && !collected.lines.is_empty());
    assert!(!collected.locations.is_empty());
    assert_eq!(collected, one_by_one);
    assert_eq!(resolve::input_from_returns(Vec::new()), Input::default());
}

fn period(text: &str) -> Period {
    text.parse().unwrap()
}

/// A person record with only a name; fields are filled in by the cases.
fn person(
    force: &str,
    month: &str,
    reference: &str,
    surname: &str,
    forenames: &str,
) -> PersonRecord {
    PersonRecord {
        surname: (!surname.is_empty()).then(|| surname.to_owned()),
        forenames: (!forenames.is_empty()).then(|| forenames.to_owned()),
        ..PersonRecord::new(RecordKey::new(
            force.parse().unwrap(),
            period(month),
            reference,
        ))
    }
}

fn dob(text: &str) -> Option<PartialDate> {
    Some(text.parse().unwrap())
}

fn phone(text: &str) -> PhoneNumber {
    PhoneNumber::parse(text).unwrap()
}

/// The level label a comparison reaches for two records.
fn check_level(a: &PersonRecord, b: &PersonRecord, comparison: usize, expect: &str) {
    let tf = PersonTermFrequencies::default();
    let gamma = compare::compare(&PersonFeatures::of(a), &PersonFeatures::of(b), &tf);
    let comparisons = compare::comparisons();
    let got = comparisons[comparison].levels[usize::from(gamma.levels[comparison])].label;
    assert_eq!(
        got, expect,
        "{} of {:?} / {:?}",
        comparisons[comparison].name, a, b
    );
}

#[test]
fn comparison_levels() {
    let base = person("kent", "2026-01", "K1", "Smith", "Robert");
    let with = |f: &dyn Fn(&mut PersonRecord)| {
        let mut p = person("essex", "2026-02", "E1", "Smith", "Robert");
        f(&mut p);
        p
    };
    use compare::{ADDRESS, ALIASES, DOB, FORENAME, PHONE, PNC, SAME_REF, SURNAME};
    let cases: Vec<(PersonRecord, PersonRecord, usize, &str)> = vec![
        (base.clone(), with(&|_| {}), SURNAME, "exact"),
        (
            base.clone(),
            with(&|p| p.surname = Some("SMIHT".into())),
            SURNAME,
            "Jaro-Winkler at least 0.92",
        ),
        (
            base.clone(),
            with(&|p| p.surname = Some("Smythe".into())),
            SURNAME,
            "same sound (Double Metaphone)",
        ),
        (
            base.clone(),
            with(&|p| p.surname = Some("Jones-Smith".into())),
            SURNAME,
            "a word of a double-barrelled surname",
        ),
        (
            base.clone(),
            with(&|p| p.surname = Some("O'Brien".into())),
            SURNAME,
            "different",
        ),
        (
            base.clone(),
            with(&|p| p.surname = None),
            SURNAME,
            "missing",
        ),
        (
            base.clone(),
            with(&|p| {
                p.surname = Some("Robert".into());
                p.forenames = Some("Smith".into());
            }),
            SURNAME,
            "matches the other's forename (swapped)",
        ),
        (base.clone(), with(&|_| {}), FORENAME, "exact"),
        (
            base.clone(),
            with(&|p| p.forenames = Some("Bob".into())),
            FORENAME,
            "nickname or other form of the name",
        ),
        (
            base.clone(),
            with(&|p| p.forenames = Some("Robbert".into())),
            FORENAME,
            "Jaro-Winkler at least 0.92",
        ),
        (
            base.clone(),
            with(&|p| p.forenames = Some("R".into())),
            FORENAME,
            "initial agrees",
        ),
        (
            base.clone(),
            with(&|p| p.forenames = Some("James Robert".into())),
            FORENAME,
            "another forename agrees",
        ),
        (
            base.clone(),
            with(&|p| p.forenames = Some("Kwame".into())),
            FORENAME,
            "different",
        ),
        (
            base.clone(),
            with(&|p| {
                p.forenames = None;
                p.aliases = vec!["Robert".into()];
            }),
            ALIASES,
            "a street name is the other's forename",
        ),
        (
            PersonRecord {
                aliases: vec!["Lil' T".into()],
                ..base.clone()
            },
            with(&|p| p.aliases = vec!["LIL T".into(), "Tiny".into()]),
            ALIASES,
            "a street name in common",
        ),
        (
            PersonRecord {
                dob: dob("2008-12-24"),
                ..base.clone()
            },
            with(&|p| p.dob = dob("24/12/2008")),
            DOB,
            "exact",
        ),
        (
            PersonRecord {
                dob: dob("2008-05-07"),
                ..base.clone()
            },
            with(&|p| p.dob = dob("2008-07-05")),
            DOB,
            "day and month transposed",
        ),
        (
            PersonRecord {
                dob: dob("2008-12"),
                ..base.clone()
            },
            with(&|p| p.dob = dob("2008-12-24")),
            DOB,
            "same year and month (one side partial)",
        ),
        (
            PersonRecord {
                dob: dob("2008"),
                ..base.clone()
            },
            with(&|p| p.dob = dob("2008-12-24")),
            DOB,
            "same year (one side year only)",
        ),
        (
            PersonRecord {
                dob: dob("2008-03-02"),
                ..base.clone()
            },
            with(&|p| p.dob = dob("2008-12-24")),
            DOB,
            "within a year",
        ),
        (
            PersonRecord {
                dob: dob("1990-03-02"),
                ..base.clone()
            },
            with(&|p| p.dob = dob("2008-12-24")),
            DOB,
            "different",
        ),
        (
            base.clone(),
            with(&|p| p.dob = dob("2008-12-24")),
            DOB,
            "missing",
        ),
        (
            PersonRecord {
                pnc_id: Some("19/123A".parse().unwrap()),
                ..base.clone()
            },
            with(&|p| p.pnc_id = Some("19/0000123A".parse().unwrap())),
            PNC,
            "exact",
        ),
        (
            PersonRecord {
                pnc_id: Some("19/123A".parse().unwrap()),
                ..base.clone()
            },
            with(&|p| p.pnc_id = Some("19/124A".parse().unwrap())),
            PNC,
            "different",
        ),
        (
            PersonRecord {
                phone_numbers: vec![phone("07700 900123")],
                ..base.clone()
            },
            with(&|p| p.phone_numbers = vec![phone("+44 7700 900123"), phone("07700 900999")]),
            PHONE,
            "a number in common",
        ),
        (
            PersonRecord {
                address: Some("Flat 3, 12 High St, Leeds".into()),
                postcode: Some("ls1 4ab".parse().unwrap()),
                ..base.clone()
            },
            with(&|p| {
                p.address = Some("3/12 High Street".into());
                p.postcode = Some("LS1 4AB".parse().unwrap());
            }),
            ADDRESS,
            "postcode and first line agree",
        ),
        (
            PersonRecord {
                postcode: Some("LS1 4AB".parse().unwrap()),
                ..base.clone()
            },
            with(&|p| p.postcode = Some("LS1 9ZZ".parse().unwrap())),
            ADDRESS,
            "same postcode district",
        ),
        (
            PersonRecord {
                address: Some("NFA".into()),
                ..base.clone()
            },
            with(&|p| p.address = Some("no fixed abode".into())),
            ADDRESS,
            "missing",
        ),
        (
            base.clone(),
            person("kent", "2026-02", "K1", "Smith", "Robert"),
            SAME_REF,
            "same force and reference",
        ),
        (
            base.clone(),
            person("kent", "2026-02", "K2", "Smith", "Robert"),
            SAME_REF,
            "same force, different reference",
        ),
    ];
    for (a, b, comparison, expect) in &cases {
        check_level(a, b, *comparison, expect);
    }
    assert_eq!(compare::comparisons().len(), N_COMPARISONS);
}

#[test]
fn em_converges_with_m_above_u_on_agreement() {
    let (_, resolution) = full_resolution();
    let models = resolution.models();
    let settings = Settings::default();
    for iterations in &models.persons.em_iterations {
        assert!(
            *iterations < settings.em_max_iterations,
            "EM did not converge: {:?}",
            models.persons.em_iterations
        );
    }
    for model in [&models.persons.model, &models.lines.model] {
        for comparison in &model.comparisons {
            let top = &comparison.levels[1];
            assert!(
                top.m > top.u,
                "{}: {} m {} u {}",
                comparison.name,
                top.label,
                top.m,
                top.u
            );
            let last = comparison.levels.last().unwrap();
            if last.label.contains("different") || last.label.starts_with("no ") {
                assert!(
                    last.m < last.u,
                    "{}: {} m {} u {}",
                    comparison.name,
                    last.label,
                    last.m,
                    last.u
                );
            }
        }
    }
    assert!(resolution.stats.person_prior > 0.0 && resolution.stats.person_prior < 0.01);
}

#[test]
fn a_rare_shared_surname_weighs_more_than_a_common_one() {
    let (input, resolution) = full_resolution();
    let tf = &resolution.models().persons.tf;
    let (common, _) = tf
        .surname
        .iter()
        .max_by(|a, b| a.1.total_cmp(b.1))
        .expect("surnames counted");
    let common = input
        .persons
        .iter()
        .find(|p| {
            p.surname
                .as_deref()
                .is_some_and(|s| resolve::normalise::name_compact(s) == **common)
        })
        .unwrap()
        .surname
        .clone()
        .unwrap();
    let pair = |surname: &str| {
        let a = person("kent", "2026-01", "K1", surname, "Zed");
        let b = person("essex", "2026-01", "E1", surname, "Zed");
        let explanation = resolve::explain(resolution.models(), &a, &b);
        explanation
            .steps
            .iter()
            .find(|s| s.comparison == "surname")
            .unwrap()
            .weight
    };
    let (rare, usual) = (pair("Vandersteen"), pair(&common));
    assert!(
        rare > usual + 1.0,
        "rare {rare} vs common {common}: {usual}"
    );
}

#[test]
fn the_waterfall_sums_to_the_total() {
    let (input, resolution) = full_resolution();
    for window in input.persons.windows(2).step_by(97) {
        let explanation = resolve::explain(resolution.models(), &window[0], &window[1]);
        assert!((explanation.sum_of_parts() - explanation.total_weight).abs() < 1e-9);
        assert_eq!(explanation.steps.len(), N_COMPARISONS);
        let text = explanation.to_string();
        assert!(
            text.contains("dob: ") && text.contains("probability"),
            "{text}"
        );
    }
    for item in resolution.review.iter().take(20) {
        assert!((item.explanation.sum_of_parts() - item.explanation.total_weight).abs() < 1e-9);
        let (low, high) = Settings::default().review_band;
        assert!((low..high).contains(&item.probability));
    }
}

/// The records of `kind` grouped as the resolution has them, by entity id.
fn members(resolution: &Resolution, kind: EntityKind) -> Vec<(String, Vec<String>)> {
    let mut out: Vec<(String, Vec<String>)> = resolution
        .of_kind(kind)
        .map(|e| {
            (
                e.id.to_string(),
                e.members.iter().map(|m| m.key.to_string()).collect(),
            )
        })
        .collect();
    out.sort();
    out
}

fn entity_of<'a>(resolution: &'a Resolution, key: &RecordKey) -> &'a str {
    resolution
        .of_kind(EntityKind::Person)
        .find(|e| e.members.iter().any(|m| &m.key == key))
        .map(|e| e.id.as_str())
        .expect("record resolved")
}

#[test]
fn a_chain_through_one_weak_link_is_not_merged() {
    let (input, resolution) = full_resolution();
    // A and C disagree on everything but the name; B shares a number with each.
    let mut a = person("kent", "2026-01", "CHAIN-A", "Quigley", "Aloysius");
    a.dob = dob("1990-01-01");
    a.phone_numbers = vec![phone("07700 900001")];
    a.address = Some("1 Rose Lane, Canterbury".into());
    a.postcode = Some("CT1 1AA".parse().unwrap());
    a.gender = Some(model::Gender::Male);
    let mut b = person("essex", "2026-01", "CHAIN-B", "Quigley", "Aloysius");
    b.phone_numbers = vec![phone("07700 900001"), phone("07700 900002")];
    let mut c = person("norfolk", "2026-01", "CHAIN-C", "Quigley", "Aloysius");
    c.dob = dob("1971-08-30");
    c.phone_numbers = vec![phone("07700 900002")];
    c.address = Some("99 Mill Road, Norwich".into());
    c.postcode = Some("NR9 9ZZ".parse().unwrap());
    c.gender = Some(model::Gender::Female);
    let mut more = input.clone();
    more.persons.extend([a.clone(), b.clone(), c.clone()]);
    let again = resolve::resolve_using(
        &more,
        &[],
        &PreviousIds::new(),
        &Settings::default(),
        resolution.models(),
    );
    let (ea, eb, ec) = (
        entity_of(&again, &a.key),
        entity_of(&again, &b.key),
        entity_of(&again, &c.key),
    );
    assert!(ea == eb || eb == ec, "B links to one of them");
    assert_ne!(ea, ec, "A and C are not chained together through B");
}

#[test]
fn decisions_override_the_model() {
    let (input, resolution) = full_resolution();
    // Two records the model put together from different forces, and two it kept apart.
    let merged = resolution
        .of_kind(EntityKind::Person)
        .find(|e| e.forces().len() >= 2)
        .expect("a person held by two forces");
    let first = merged.members[0].key.clone();
    let other = merged
        .members
        .iter()
        .find(|m| m.key.force != first.force)
        .unwrap()
        .key
        .clone();
    let apart = resolution
        .of_kind(EntityKind::Person)
        .find(|e| e.id != merged.id)
        .unwrap()
        .members[0]
        .key
        .clone();
    let decisions = vec![
        Decision {
            a: first.clone(),
            b: other.clone(),
            kind: EntityKind::Person,
            same: false,
            by: "analyst".into(),
        },
        Decision {
            a: first.clone(),
            b: apart.clone(),
            kind: EntityKind::Person,
            same: true,
            by: "analyst".into(),
        },
    ];
    let decided = resolve::resolve_using(
        input,
        &decisions,
        &PreviousIds::new(),
        &Settings::default(),
        resolution.models(),
    );
    assert_ne!(entity_of(&decided, &first), entity_of(&decided, &other));
    assert_eq!(entity_of(&decided, &first), entity_of(&decided, &apart));
    assert!(
        decided
            .review
            .iter()
            .all(|r| !(r.a == first && r.b == other || r.a == other && r.b == first))
    );
    // Decisions survive a re-run with new data.
    let again =
        resolve::resolve_incremental(decided, &Input::default(), &decisions, &Settings::default());
    assert_ne!(entity_of(&again, &first), entity_of(&again, &other));
    assert_eq!(entity_of(&again, &first), entity_of(&again, &apart));
}

#[test]
fn ids_are_stable() {
    let (input, first) = full_resolution();
    let second = resolve::resolve(input, &[], &PreviousIds::new(), &Settings::default());
    for kind in [
        EntityKind::Person,
        EntityKind::Line,
        EntityKind::Location,
        EntityKind::Vehicle,
        EntityKind::Phone,
    ] {
        assert_eq!(
            members(first, kind),
            members(&second, kind),
            "{kind} differs between identical runs"
        );
    }

    // Without the last month, then with it: records of the first run keep their ids.
    let returns = &world().returns;
    let last = returns.iter().map(|r| r.header.period).max().unwrap();
    let earlier =
        resolve::input_from_returns(returns.iter().filter(|r| r.header.period < last).cloned());
    let before = resolve::resolve(&earlier, &[], &PreviousIds::new(), &Settings::default());
    let after = resolve::resolve(
        input,
        &[],
        &PreviousIds::from_resolution(&before),
        &Settings::default(),
    );
    let (mut kept, mut total) = (0, 0);
    for entity in before.of_kind(EntityKind::Person) {
        for member in &entity.members {
            total += 1;
            if entity_of(&after, &member.key) == entity.id.as_str() {
                kept += 1;
            }
        }
    }
    assert!(
        kept as f64 >= 0.98 * total as f64,
        "{kept} of {total} records kept their person id"
    );
}

#[test]
fn incremental_runs_match_a_full_run_with_the_same_models() {
    let returns = &world().returns;
    let last = returns.iter().map(|r| r.header.period).max().unwrap();
    let earlier =
        resolve::input_from_returns(returns.iter().filter(|r| r.header.period < last).cloned());
    let newest =
        resolve::input_from_returns(returns.iter().filter(|r| r.header.period == last).cloned());
    let settings = Settings::default();
    let before = resolve::resolve(&earlier, &[], &PreviousIds::new(), &settings);
    let models = before.models().clone();
    let previous = PreviousIds::from_resolution(&before);
    let incremental = resolve::resolve_incremental(before, &newest, &[], &settings);
    let all = resolve::input_from_returns(returns.iter().cloned());
    let full = resolve::resolve_using(&all, &[], &previous, &settings, &models);
    for kind in [
        EntityKind::Person,
        EntityKind::Line,
        EntityKind::Location,
        EntityKind::Vehicle,
        EntityKind::Phone,
    ] {
        assert_eq!(members(&incremental, kind), members(&full, kind), "{kind}");
    }
    assert!(incremental.stats.components_clustered < full.stats.components_clustered);
    assert!(incremental.stats.person_pairs_compared < full.stats.person_pairs_compared);

    // A resubmission replaces the return it resubmits.
    let resubmitted = resolve::input_from_returns(
        returns
            .iter()
            .filter(|r| r.header.period == last)
            .take(1)
            .cloned(),
    );
    let again = resolve::resolve_incremental(incremental, &resubmitted, &[], &settings);
    assert_eq!(again.stats.person_records, full.stats.person_records);
}

fn names(resolution: &Resolution, kind: EntityKind) -> Vec<(score::RecordName, &str)> {
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
}

#[test]
fn quality_on_a_small_world() {
    let (_, resolution) = full_resolution();
    let dir: &Path = world().dir.path();
    let persons = score::pairwise(
        &score::read_persons(dir).unwrap(),
        names(resolution, EntityKind::Person),
    );
    let lines = score::pairwise(
        &score::read_lines(dir).unwrap(),
        names(resolution, EntityKind::Line),
    );
    // The small world has too few records for the model to be as sure as on the medium one
    // (see benches/quality.rs for the measured figures there).
    assert!(
        persons.f1 >= 0.95 && persons.precision >= 0.99,
        "persons: {persons}"
    );
    assert!(
        lines.f1 >= 0.95 && lines.precision >= 0.99,
        "lines: {lines}"
    );
}

#[test]
fn deconfliction_lists_entities_of_several_forces() {
    let (input, resolution) = full_resolution();
    let rows = resolve::deconflict(resolution, input);
    assert!(!rows.is_empty());
    for row in &rows {
        assert!(row.forces.len() >= 2);
        assert!(row.active_forces.iter().all(|f| row.forces.contains(f)));
        assert!(row.first_seen <= row.last_seen);
        assert_eq!(
            row.severity == resolve::Severity::Conflict,
            row.active_forces.len() >= 2
        );
    }
    assert!(rows.iter().any(|r| r.kind == EntityKind::Line));
    assert!(rows.iter().any(|r| r.kind == EntityKind::Person));
    assert!(
        rows.iter()
            .any(|r| r.severity == resolve::Severity::Conflict)
    );
    let dir: &Path = world().dir.path();
    let found = score::deconfliction(
        &score::read_persons(dir).unwrap(),
        names(resolution, EntityKind::Person),
    );
    assert!(found.recall >= 0.85, "{found}");
}

/// The bound that spares most candidate pairs a full comparison is never below the full
/// weight, with the names compared or not: checked on every pair sharing a block (within the
/// cap) of the small world. It must also spare some pairs, all of them below the weight kept,
/// or it bounds nothing. The weight is also the same, to the bit, from either side (the
/// clustering reuses a link's weight scored from one side for the pair seen from the other:
/// `persons::KnownWeights`).
#[test]
fn the_weight_bound_is_never_below_the_full_weight() {
    use resolve::persons::{self, bound};
    let (input, _) = full_resolution();
    let settings = Settings::default();
    let mut index = persons::PersonIndex::default();
    index.add(&input.persons);
    let pm = persons::train(&index, &settings, &mut |_, _, _| {});
    let live = index.live();
    persons::add_to_blocks(&mut index, &live);
    let table = pm.model.table();
    let bounds = bound::Bounds::new(&table);
    let summaries: Vec<bound::Summary> = index.profiles.iter().map(bound::Summary::of).collect();
    let keep = persons::keep_weight(&settings);
    let (mut pairs, mut spared) = (0usize, 0usize);
    for block in index.blocks.sorted_blocks() {
        if block.len() > settings.max_block_size {
            continue;
        }
        for (i, &a) in block.iter().enumerate() {
            for &b in &block[i + 1..] {
                let (a, b) = (a as usize, b as usize);
                let gamma = compare::compare(&index.profiles[a], &index.profiles[b], &pm.tf);
                let weight = table.weight(&gamma);
                let reverse = compare::compare(&index.profiles[b], &index.profiles[a], &pm.tf);
                assert_eq!(table.weight(&reverse).to_bits(), weight.to_bits());
                let upper = bounds.upper(&summaries[a], &summaries[b]);
                assert!(
                    upper >= weight - 1e-9,
                    "bound {upper} below weight {weight} for {:?} and {:?} ({gamma:?})",
                    index.profiles[a],
                    index.profiles[b]
                );
                // With the names compared, the bound is tighter and still not below.
                let names = compare::names(&index.profiles[a], &index.profiles[b], &pm.tf);
                let with_names = bounds.upper_with_names(&summaries[a], &summaries[b], names);
                assert!(
                    with_names >= weight - 1e-9 && with_names <= upper + 1e-9,
                    "bound with names {with_names} outside [{weight}, {upper}]"
                );
                pairs += 1;
                if bounds.below(&summaries[a], &summaries[b], keep) {
                    spared += 1;
                    assert!(weight < keep);
                }
            }
        }
    }
    assert!(pairs > 10_000, "{pairs} pairs checked");
    // A small world's prior is far higher than a million records' (where three candidate
    // pairs in four are spared), so fewer pairs fall short here; some must.
    assert!(spared * 100 > pairs, "{spared} of {pairs} pairs spared");
    println!("{spared} of {pairs} block pairs spared a full comparison");
}
