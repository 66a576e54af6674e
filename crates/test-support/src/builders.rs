//! Builders of valid records, whole returns, submissions, rejections and actors for tests.
//!
//! Everything here is deterministic (the same arguments always give the same values, with no
//! clock and no randomness) and already canonical, so that a value stored and read back
//! compares equal to the one built. [`sample_return`] fills every table and, across its rows,
//! every column, including the empty ("not known") case of each optional one.
//!
//! These builders panic on a bad argument (an unknown force code, say): they are for tests,
//! where a panic is the right report. They deliberately build only *valid* data; invalid
//! returns are written as text fixtures ([`crate::fixture`]), the way forces send them.

use chrono::{Days, NaiveDate};
use model::record::{EventRef, LineRef, LocationRef, NominalRef};
use model::{
    Actor, Drug, Event, EventKind, ForceCode, Gender, Grading, Line, LineStatus, Location,
    LocationKind, Nominal, PartialDate, Period, PhoneNumber, Problem, RegionCode, Return,
    ReturnHeader, Role, Table, Vehicle, VehicleKind, Violence, Vulnerability, VulnerabilityKind,
    Weapon, YesNo,
};
use sha2::{Digest, Sha256};
use store::codec::{self, Columns};
use store::{Container, Rejection, SourceFile, Submission};

/// The force with registry code `code`.
pub fn force(code: &str) -> ForceCode {
    code.parse()
        .unwrap_or_else(|e| panic!("test data: {code:?} is not a force code: {e}"))
}

/// The region with registry code `code`.
pub fn region(code: &str) -> RegionCode {
    code.parse()
        .unwrap_or_else(|e| panic!("test data: {code:?} is not a region code: {e}"))
}

/// The period written `YYYY-MM`.
pub fn period(text: &str) -> Period {
    text.parse()
        .unwrap_or_else(|e| panic!("test data: {text:?} is not a period: {e}"))
}

/// The grading written `2-B-P`.
pub fn grading(text: &str) -> Grading {
    text.parse()
        .unwrap_or_else(|e| panic!("test data: {text:?} is not a grading: {e}"))
}

/// The phone number in any accepted writing.
pub fn phone(text: &str) -> PhoneNumber {
    PhoneNumber::parse(text)
        .unwrap_or_else(|e| panic!("test data: {text:?} is not a phone number: {e}"))
}

fn parsed<T: std::str::FromStr>(text: &str) -> T
where
    T::Err: std::fmt::Display,
{
    text.parse()
        .unwrap_or_else(|e| panic!("test data: {text:?} does not parse: {e}"))
}

/// A force analyst of `force_code`.
pub fn force_analyst(user: &str, force_code: &str) -> Actor {
    Actor::force(user, force(force_code))
}

/// A regional analyst of `region_code`.
pub fn regional_analyst(user: &str, region_code: &str) -> Actor {
    Actor::regional(user, region(region_code))
}

/// A national analyst.
pub fn national_analyst(user: &str) -> Actor {
    Actor::national(user)
}

/// An information manager.
pub fn information_manager(user: &str) -> Actor {
    Actor::information_manager(user)
}

/// The first data row of every table (row 1 is the header).
pub const FIRST_ROW: u32 = 2;

const GRADINGS: [&str; 4] = ["2-B-P", "1-A-C", "3-E-P", "2-C-C"];
const BRANDS: [&str; 6] = ["Tony", "Bando", "J-Line", "Scooby", "Dolly", "Ace"];
const SURNAMES: [&str; 8] = [
    "Smith",
    "O'Brien",
    "Nowak",
    "Adeyemi",
    "Ó Súilleabháin",
    "Khan",
    "Jones",
    "MacDonald",
];
const FORENAMES: [&str; 6] = ["Tyler", "Chloé", "Mohammed", "Kai", "Jordan", "Zoë"];
const POSTCODES: [&str; 6] = [
    "L1 8JQ", "CH41 5LH", "SW1A 1AA", "M1 1AE", "B33 8TH", "CR2 6XH",
];
const AREAS: [&str; 5] = ["Lambeth", "Liverpool", "Birkenhead", "Chester", "Croydon"];
const COLOURS: [&str; 4] = ["black", "silver", "white", "red"];

fn row_of(i: usize) -> u32 {
    FIRST_ROW + u32::try_from(i).unwrap_or_else(|_| panic!("test data: record {i} is too far down"))
}

/// A day of `period`, chosen by `i`.
fn day_in(period: Period, i: usize) -> NaiveDate {
    let span = period
        .last_day()
        .signed_duration_since(period.first_day())
        .num_days() as usize
        + 1;
    period.first_day() + Days::new((i % span) as u64)
}

fn line_ref(i: usize) -> LineRef {
    LineRef(format!("L{:03}", i + 1))
}

fn nominal_ref(i: usize) -> NominalRef {
    NominalRef(format!("N{:06}", i + 1))
}

fn location_ref(i: usize) -> LocationRef {
    LocationRef(format!("P{:03}", i + 1))
}

fn grading_of(i: usize) -> Grading {
    grading(GRADINGS[i % GRADINGS.len()])
}

fn cycle<T: Copy>(all: &[T], i: usize) -> T {
    all[i % all.len()]
}

/// The `i`th line (0-based) of a return for `period`.
pub fn line(i: usize, period: Period) -> Line {
    let brand = BRANDS[i % BRANDS.len()];
    Line {
        row: row_of(i),
        line_ref: line_ref(i),
        line_name: if i < BRANDS.len() {
            brand.to_string()
        } else {
            format!("{brand} {}", i / BRANDS.len())
        },
        deal_numbers: match i % 3 {
            0 => vec![phone(&format!("07700 900{:03}", i % 1000))],
            1 => vec![
                phone(&format!("07700 900{:03}", i % 1000)),
                phone("+44 7700 900999"),
            ],
            _ => Vec::new(),
        },
        exporting_force: match i % 3 {
            0 => Some(force("metropolitan")),
            1 => Some(force("west-midlands")),
            _ => None,
        },
        exporting_area: (i % 3 != 2).then(|| AREAS[i % AREAS.len()].to_string()),
        importing_areas: if i % 4 == 3 {
            Vec::new()
        } else {
            vec!["Wirral".to_string(), "Chester".to_string()]
        },
        drugs: match i % 3 {
            0 => vec![Drug::Crack, Drug::Heroin],
            1 => vec![Drug::Cocaine],
            _ => Vec::new(),
        },
        status: cycle(LineStatus::ALL, i),
        violence: (i % 5 != 4).then(|| cycle(Violence::ALL, i)),
        weapons: if i.is_multiple_of(2) {
            vec![Weapon::Knife, Weapon::Firearm]
        } else {
            Vec::new()
        },
        cuckooing: match i % 3 {
            0 => Some(YesNo::Yes),
            1 => Some(YesNo::No),
            _ => None,
        },
        ocg_urn: i.is_multiple_of(2).then(|| format!("OCG-{:04}", i + 1)),
        first_reported: (i % 4 != 3).then(|| day_in(period, i)),
        last_reported: i.is_multiple_of(2).then(|| period.last_day()),
        grading: grading_of(i),
        notes: i.is_multiple_of(2).then(|| {
            format!(
                "Runs from {}, \"{}\" answers the phone",
                AREAS[i % AREAS.len()],
                brand
            )
        }),
    }
}

/// The `i`th nominal (0-based) of a return for `period` with `n_lines` lines.
pub fn nominal(i: usize, n_lines: usize, period: Period) -> Nominal {
    let n_lines = n_lines.max(1);
    let mut line_refs = vec![line_ref(i % n_lines)];
    if i.is_multiple_of(5) && n_lines > 1 {
        line_refs.push(line_ref((i + 1) % n_lines));
    }
    Nominal {
        row: row_of(i),
        nominal_ref: nominal_ref(i),
        surname: (i % 9 != 8).then(|| SURNAMES[i % SURNAMES.len()].to_string()),
        forenames: (i % 9 != 7).then(|| FORENAMES[i % FORENAMES.len()].to_string()),
        aliases: match i % 3 {
            0 => Vec::new(),
            1 => vec![format!("T{}", i % 100)],
            _ => vec!["Little T".to_string(), format!("Kid {}", i % 50)],
        },
        dob: match i % 4 {
            0 => Some(PartialDate::Full(
                NaiveDate::from_ymd_opt(2006, 1, 1)
                    .map(|d| d + Days::new((i % 3650) as u64))
                    .unwrap_or_default(),
            )),
            1 => Some(PartialDate::YearMonth(2007, (i % 12) as u32 + 1)),
            2 => Some(PartialDate::Year(1985 + (i % 20) as i32)),
            _ => None,
        },
        gender: match i % 4 {
            0 => Some(Gender::Male),
            1 => Some(Gender::Female),
            2 => Some(Gender::Other),
            _ => None,
        },
        pnc_id: i.is_multiple_of(2).then(|| {
            let letter = (b'A' + (i % 26) as u8) as char;
            parsed(&format!("{:02}/{:07}{letter}", 10 + i % 15, i % 10_000_000))
        }),
        address: (i % 5 != 4).then(|| format!("{} Acacia Avenue, Flat {}", 1 + i % 200, i % 9)),
        postcode: (i % 7 != 6).then(|| parsed(POSTCODES[i % POSTCODES.len()])),
        phone_numbers: match i % 4 {
            0 => vec![
                phone(&format!("07700 9{:05}", i % 100_000)),
                phone("+44 20 7946 0018"),
            ],
            3 => Vec::new(),
            _ => vec![phone(&format!("07700 9{:05}", i % 100_000))],
        },
        role: cycle(Role::ALL, i),
        line_refs,
        times_come_to_notice: (i % 6 != 5).then_some((i % 30) as u32),
        last_contact: i.is_multiple_of(3).then(|| day_in(period, i + 3)),
        vulnerabilities: match i % 3 {
            0 => Vec::new(),
            1 => vec![
                Vulnerability {
                    kind: VulnerabilityKind::MissingEpisodes,
                    count: Some(1 + (i % 5) as u32),
                },
                Vulnerability {
                    kind: VulnerabilityKind::LookedAfter,
                    count: None,
                },
            ],
            _ => vec![Vulnerability {
                kind: cycle(VulnerabilityKind::ALL, i),
                count: None,
            }],
        },
        grading: grading_of(i + 1),
        notes: i.is_multiple_of(4).then(|| {
            format!(
                "Seen at the station with \"Tee\"; see {}",
                line_ref(i % n_lines)
            )
        }),
    }
}

/// The `i`th location (0-based) of a return with `n_lines` lines and `n_nominals` nominals.
pub fn location(i: usize, n_lines: usize, n_nominals: usize, period: Period) -> Location {
    Location {
        row: row_of(i),
        location_ref: location_ref(i),
        address: (i % 4 != 3).then(|| format!("{} Station Road", 1 + i)),
        postcode: (i % 3 != 2).then(|| parsed(POSTCODES[(i + 1) % POSTCODES.len()])),
        kind: cycle(LocationKind::ALL, i),
        line_refs: if i.is_multiple_of(2) {
            vec![line_ref(i % n_lines.max(1))]
        } else {
            Vec::new()
        },
        nominal_refs: if n_nominals > 0 && i % 3 != 1 {
            vec![
                nominal_ref(i % n_nominals),
                nominal_ref((i + 2) % n_nominals),
            ]
        } else {
            Vec::new()
        },
        first_reported: (i % 2 == 1).then(|| day_in(period, i)),
        grading: grading_of(i + 2),
    }
}

/// The `i`th vehicle (0-based) of a return with `n_lines` lines and `n_nominals` nominals.
pub fn vehicle(i: usize, n_lines: usize, n_nominals: usize) -> Vehicle {
    let letter = |k: usize| (b'A' + ((i + k) % 26) as u8) as char;
    Vehicle {
        row: row_of(i),
        vrm: parsed(&format!(
            "{}{}{:02}{}{}{}",
            letter(0),
            letter(3),
            i % 100,
            letter(5),
            letter(7),
            letter(11)
        )),
        make: (i % 3 != 2).then(|| "Vauxhall".to_string()),
        model: (i % 3 != 2).then(|| "Corsa".to_string()),
        colour: i
            .is_multiple_of(2)
            .then(|| COLOURS[i % COLOURS.len()].to_string()),
        kind: (i % 5 != 4).then(|| cycle(VehicleKind::ALL, i)),
        line_refs: if i.is_multiple_of(2) {
            vec![line_ref(i % n_lines.max(1))]
        } else {
            Vec::new()
        },
        nominal_refs: if n_nominals > 0 && i % 2 == 1 {
            vec![nominal_ref(i % n_nominals)]
        } else {
            Vec::new()
        },
        grading: grading_of(i + 3),
    }
}

/// The `i`th event (0-based) of a return for `period` with the given numbers of lines,
/// nominals and locations. Successive events run through every event kind.
pub fn event(
    i: usize,
    n_lines: usize,
    n_nominals: usize,
    n_locations: usize,
    period: Period,
) -> Event {
    let kind = cycle(EventKind::ALL, i);
    let quantity = match kind {
        EventKind::DrugSeizure => Some(12.5 + i as f64),
        EventKind::CashSeizure => Some(2350.0),
        EventKind::WeaponSeizure => Some(2.0),
        _ => None,
    };
    let outcome = match kind {
        EventKind::NrmReasonableGrounds | EventKind::NrmConclusiveGrounds => {
            Some("positive".to_string())
        }
        EventKind::Charge => Some("charged with PWITS class A".to_string()),
        _ => None,
    };
    Event {
        row: row_of(i),
        event_ref: EventRef(format!("E{:03}", i + 1)),
        kind,
        date: day_in(period, i),
        nominal_refs: if n_nominals > 0 && i % 3 != 2 {
            vec![nominal_ref(i % n_nominals)]
        } else {
            Vec::new()
        },
        line_refs: if i.is_multiple_of(2) {
            vec![line_ref(i % n_lines.max(1))]
        } else {
            Vec::new()
        },
        location_ref: (n_locations > 0 && i.is_multiple_of(3))
            .then(|| location_ref(i % n_locations)),
        force_area: (i % 4 == 1).then(|| force("cheshire")),
        quantity,
        outcome,
        notes: (i % 3 == 1).then(|| format!("Event {} noted by the duty sergeant", i + 1)),
    }
}

/// A valid return of `force_code` for `period_text` (`YYYY-MM`) with `n_nominals` nominals and
/// every other table filled in proportion: a line per four nominals (at least two, at most a
/// thousand), as many locations and vehicles as lines, and two events per line (so that a
/// return of 56 nominals or more holds every event kind).
pub fn sample_return(force_code: &str, period_text: &str, n_nominals: usize) -> Return {
    let period = period(period_text);
    let n_lines = (n_nominals / 4).clamp(2, 1000);
    let n_locations = n_lines;
    Return {
        header: ReturnHeader {
            force: force(force_code),
            period,
            version: 1,
            submitted_by: "Force Intelligence Bureau, county lines desk".to_string(),
        },
        lines: (0..n_lines).map(|i| line(i, period)).collect(),
        nominals: (0..n_nominals)
            .map(|i| nominal(i, n_lines, period))
            .collect(),
        locations: (0..n_locations)
            .map(|i| location(i, n_lines, n_nominals, period))
            .collect(),
        vehicles: (0..n_lines)
            .map(|i| vehicle(i, n_lines, n_nominals))
            .collect(),
        events: (0..2 * n_lines)
            .map(|i| event(i, n_lines, n_nominals, n_locations, period))
            .collect(),
    }
}

/// Free text that breaks naive storage: tabs, line breaks, CR, backslashes (including COPY's
/// `\N` and `\.`), quotes, SQL comment and quote characters, non-ASCII letters and emoji.
/// None holds `;` (lists are stored `;`-joined) or the NUL character.
pub const AWKWARD_TEXT: &[&str] = &[
    "tab\there\tand\tthere",
    "line one\nline two\n",
    "windows line\r\nending\r",
    "back\\slash, \\N, \\t and a lone \\",
    "\\.",
    "before\n\\.\nafter",
    "quotes \"double\" and 'single' and `back`",
    "O'Brien'); DROP TABLE nominals; --",
    "emoji 🦊🚂🏴󠁧󠁢󠁷󠁬󠁳󠁿, Zoë, Łódź, Ørsted, 中文, עברית",
    "  leading and trailing spaces  ",
    "\\\\server\\share\\file.xlsx",
];

/// `ret` with [`AWKWARD_TEXT`] in every free-text column of every table, in turn.
pub fn with_awkward_text(mut ret: Return) -> Return {
    let mut texts = AWKWARD_TEXT.iter().cycle().map(|t| t.to_string());
    let mut next = move || texts.next().unwrap_or_default();
    ret.header.submitted_by = next();
    for l in &mut ret.lines {
        l.line_name = next();
        l.exporting_area = Some(next());
        l.ocg_urn = Some(next());
        l.notes = Some(next());
    }
    for n in &mut ret.nominals {
        n.surname = Some(next());
        n.forenames = Some(next());
        n.address = Some(next());
        n.notes = Some(next());
    }
    for l in &mut ret.locations {
        l.address = Some(next());
    }
    for v in &mut ret.vehicles {
        v.make = Some(next());
        v.model = Some(next());
        v.colour = Some(next());
    }
    for e in &mut ret.events {
        e.outcome = Some(next());
        e.notes = Some(next());
    }
    ret
}

/// Writes one CSV field, quoted when it must be.
fn push_csv_field(out: &mut String, value: &str) {
    if value.contains([',', '"', '\n', '\r']) {
        out.push('"');
        out.push_str(&value.replace('"', "\"\""));
        out.push('"');
    } else {
        out.push_str(value);
    }
}

/// A CSV table: the header `columns`, then one line per row (an unknown value is an empty cell).
pub fn table_csv(columns: &[&str], rows: impl IntoIterator<Item = Columns>) -> String {
    let mut out = columns.join(",");
    out.push('\n');
    for row in rows {
        for (i, value) in row.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            push_csv_field(&mut out, value.as_deref().unwrap_or(""));
        }
        out.push('\n');
    }
    out
}

/// `ret` as the folder of CSV files a force would send, one file per table, in name order.
/// Column names are the codec's, which are the published format's.
pub fn return_csv_files(ret: &Return) -> Vec<SourceFile> {
    let header = &ret.header;
    let return_rows = [
        ("force", header.force.to_string()),
        ("period", header.period.to_string()),
        ("version", header.version.to_string()),
        ("submitted_by", header.submitted_by.clone()),
    ]
    .map(|(key, value)| vec![Some(key.to_string()), Some(value)]);
    let mut files = vec![
        ("return.csv", table_csv(&["key", "value"], return_rows)),
        (
            "lines.csv",
            table_csv(
                codec::LINE_COLUMNS,
                ret.lines.iter().map(codec::encode_line),
            ),
        ),
        (
            "nominals.csv",
            table_csv(
                codec::NOMINAL_COLUMNS,
                ret.nominals.iter().map(codec::encode_nominal),
            ),
        ),
        (
            "locations.csv",
            table_csv(
                codec::LOCATION_COLUMNS,
                ret.locations.iter().map(codec::encode_location),
            ),
        ),
        (
            "vehicles.csv",
            table_csv(
                codec::VEHICLE_COLUMNS,
                ret.vehicles.iter().map(codec::encode_vehicle),
            ),
        ),
        (
            "events.csv",
            table_csv(
                codec::EVENT_COLUMNS,
                ret.events.iter().map(codec::encode_event),
            ),
        ),
    ];
    files.sort_by_key(|(name, _)| *name);
    files
        .into_iter()
        .map(|(name, text)| SourceFile {
            name: name.to_string(),
            bytes: text.into_bytes(),
        })
        .collect()
}

/// Hex SHA-256 of `files`' names and bytes in the order given, each name followed by a NUL.
pub fn files_sha256(files: &[SourceFile]) -> String {
    let mut hasher = Sha256::new();
    for file in files {
        hasher.update(file.name.as_bytes());
        hasher.update([0u8]);
        hasher.update(&file.bytes);
    }
    hasher
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// `ret` as a submitted folder of CSV files, with a real hash of its content: equal returns
/// give equal hashes, and any change to a value changes the hash.
pub fn sample_submission(ret: &Return) -> Submission {
    let files = return_csv_files(ret);
    Submission {
        origin: format!("inbox/{}-{}/", ret.header.force, ret.header.period),
        container: Container::CsvFolder,
        sha256: files_sha256(&files),
        files,
    }
}

/// A rejected submission with `n_problems` problems, claiming `force_code` (if any) and
/// `period_text` (if any).
pub fn sample_rejection(
    force_code: Option<&str>,
    period_text: Option<&str>,
    n_problems: usize,
) -> Rejection {
    let problems: Vec<Problem> = (0..n_problems)
        .map(|i| {
            Problem::cell(
                Table::Nominals,
                row_of(i),
                "dob",
                "31/02/2009",
                "no such day in the calendar",
            )
        })
        .collect();
    let sha = files_sha256(&[SourceFile {
        name: "rejected".into(),
        bytes: format!("{n_problems}").into_bytes(),
    }]);
    Rejection {
        origin: format!(
            "inbox/{}-{}-broken.xlsx",
            force_code.unwrap_or("unknown"),
            period_text.unwrap_or("unknown")
        ),
        sha256: Some(sha),
        force: force_code.map(force),
        period: period_text.map(period),
        problems,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sample_returns_are_deterministic_and_cover_every_table() {
        let a = sample_return("merseyside", "2026-02", 60);
        assert_eq!(a, sample_return("merseyside", "2026-02", 60));
        assert_eq!(
            (a.lines.len(), a.nominals.len(), a.locations.len()),
            (15, 60, 15)
        );
        assert_eq!((a.vehicles.len(), a.events.len()), (15, 30));
        let kinds: std::collections::BTreeSet<_> = a.events.iter().map(|e| e.kind).collect();
        assert_eq!(kinds.len(), EventKind::ALL.len());
        assert_eq!(sample_submission(&a), sample_submission(&a));
        let mut b = a.clone();
        b.nominals[3].notes = Some("changed".into());
        assert_ne!(sample_submission(&a).sha256, sample_submission(&b).sha256);
    }

    /// Every record encodes and decodes back to itself, so the builders make canonical values.
    #[test]
    fn records_survive_the_codec() {
        let ret = with_awkward_text(sample_return("cheshire", "2025-12", 80));
        for l in &ret.lines {
            assert_eq!(
                &codec::decode_line(l.row, &codec::encode_line(l)).unwrap(),
                l
            );
        }
        for n in &ret.nominals {
            assert_eq!(
                &codec::decode_nominal(n.row, &codec::encode_nominal(n)).unwrap(),
                n
            );
        }
        for l in &ret.locations {
            assert_eq!(
                &codec::decode_location(l.row, &codec::encode_location(l)).unwrap(),
                l
            );
        }
        for v in &ret.vehicles {
            assert_eq!(
                &codec::decode_vehicle(v.row, &codec::encode_vehicle(v)).unwrap(),
                v
            );
        }
        for e in &ret.events {
            assert_eq!(
                &codec::decode_event(e.row, &codec::encode_event(e)).unwrap(),
                e
            );
        }
    }

    #[test]
    fn csv_fields_are_quoted_when_needed() {
        let csv = table_csv(
            &["a", "b"],
            [
                vec![Some("x, \"y\"".to_string()), None],
                vec![Some("1\n2".into()), Some("z".into())],
            ],
        );
        assert_eq!(csv, "a,b\n\"x, \"\"y\"\"\",\n\"1\n2\",z\n");
    }
}
