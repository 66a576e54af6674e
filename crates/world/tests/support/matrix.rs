//! An independent check of returns against `matrix-v1.md`: columns, required
//! values, enumerations, formats of dates, phones, postcodes, VRMs, PNC ids and
//! gradings, and references within the return. It also records which columns and
//! enumeration values occur, for the coverage tests.

use std::collections::{BTreeMap, BTreeSet};

use super::read::{Return, Table};

pub const TABLES: &[(&str, &[&str])] = &[
    ("return", &["key", "value"]),
    (
        "lines",
        &[
            "line_ref",
            "line_name",
            "deal_numbers",
            "exporting_force",
            "exporting_area",
            "importing_areas",
            "drugs",
            "status",
            "violence",
            "weapons",
            "cuckooing",
            "ocg_urn",
            "first_reported",
            "last_reported",
            "grading",
            "notes",
        ],
    ),
    (
        "nominals",
        &[
            "nominal_ref",
            "surname",
            "forenames",
            "aliases",
            "dob",
            "gender",
            "pnc_id",
            "address",
            "postcode",
            "phone_numbers",
            "role",
            "line_refs",
            "times_come_to_notice",
            "last_contact",
            "vulnerabilities",
            "grading",
            "notes",
        ],
    ),
    (
        "locations",
        &[
            "location_ref",
            "address",
            "postcode",
            "kind",
            "line_refs",
            "nominal_refs",
            "first_reported",
            "grading",
        ],
    ),
    (
        "vehicles",
        &[
            "vrm",
            "make",
            "model",
            "colour",
            "kind",
            "line_refs",
            "nominal_refs",
            "grading",
        ],
    ),
    (
        "events",
        &[
            "event_ref",
            "kind",
            "date",
            "nominal_refs",
            "line_refs",
            "location_ref",
            "force_area",
            "quantity",
            "outcome",
            "notes",
        ],
    ),
];

pub const DRUGS: &[&str] = &[
    "crack", "heroin", "cocaine", "cannabis", "ketamine", "mdma", "spice", "other",
];
pub const STATUSES: &[&str] = &[
    "active_investigation",
    "passive_intelligence",
    "disrupted",
    "closed",
];
pub const VIOLENCE: &[&str] = &["none", "threats", "weapons", "serious_violence"];
pub const WEAPONS: &[&str] = &["knife", "firearm", "corrosive", "other"];
pub const GENDERS: &[&str] = &["male", "female", "other"];
pub const ROLES: &[&str] = &[
    "controller",
    "line_holder",
    "runner",
    "driver",
    "stash_holder",
    "cuckooed_occupant",
    "customer",
    "associate",
    "unknown",
];
pub const VULNS: &[&str] = &[
    "looked_after",
    "care_leaver",
    "missing_episodes",
    "school_exclusions",
    "excluded_long",
    "mental_health",
    "learning_disability",
    "physical_disability",
    "substance_dependency",
    "debt_bondage",
    "cuckooed",
    "homeless",
    "sex_work",
    "previous_exploitation",
    "nrm_referral",
    "adverse_childhood_experiences",
    "moved_by_local_authority",
    "victim_of_violence",
    "carrying_weapon",
    "gang_association",
];
pub const LOCATION_KINDS: &[&str] = &[
    "cuckooed_address",
    "trap_house",
    "stash",
    "hotel",
    "rail_station",
    "school",
    "care_home",
    "other",
];
pub const VEHICLE_KINDS: &[&str] = &["private", "hire", "taxi", "other"];
pub const EVENT_KINDS: &[&str] = &[
    "arrest",
    "charge",
    "stop_search",
    "drug_seizure",
    "cash_seizure",
    "weapon_seizure",
    "missing_episode",
    "found_missing",
    "return_home_interview",
    "school_exclusion",
    "la_placement_move",
    "custody_release",
    "pre_charge_bail",
    "released_under_investigation",
    "bail_extension",
    "nrm_referral",
    "nrm_reasonable_grounds",
    "nrm_conclusive_grounds",
    "s45_defence_raised",
    "safeguarding_referral",
    "ddtro_application",
    "ddtro_granted",
    "closure_order",
    "stpo_granted",
    "scpo_granted",
    "warrant",
    "other",
];

/// What was seen across returns.
#[derive(Debug, Default)]
pub struct Coverage {
    /// `(table, column)` with at least one non-empty value.
    pub filled: BTreeSet<(String, String)>,
    /// `(table.column, value)` of enumerations.
    pub values: BTreeSet<(String, String)>,
    /// Forms of `dob` seen (`iso`, `uk`, `year_month`, `year`).
    pub dob_forms: BTreeSet<&'static str>,
    /// Tables present.
    pub tables: BTreeSet<String>,
    /// Vulnerability tokens seen with a count.
    pub counted: BTreeSet<String>,
}

fn digits(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
}

pub fn valid_date(s: &str) -> bool {
    let (y, m, d) = if s.len() == 10 && &s[4..5] == "-" && &s[7..8] == "-" {
        (&s[0..4], &s[5..7], &s[8..10])
    } else if s.len() == 10 && &s[2..3] == "/" && &s[5..6] == "/" {
        (&s[6..10], &s[3..5], &s[0..2])
    } else {
        return false;
    };
    if !(digits(y) && digits(m) && digits(d)) {
        return false;
    }
    let (y, m, d): (i32, u32, u32) = (y.parse().unwrap(), m.parse().unwrap(), d.parse().unwrap());
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let days = match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return false,
    };
    (1..=days).contains(&d)
}

/// `YYYY-MM-DD` of a valid date, for comparisons.
pub fn iso_date(s: &str) -> Option<String> {
    if !valid_date(s) {
        return None;
    }
    Some(if &s[4..5] == "-" {
        s.to_string()
    } else {
        format!("{}-{}-{}", &s[6..10], &s[3..5], &s[0..2])
    })
}

pub fn dob_form(s: &str) -> Option<&'static str> {
    if valid_date(s) {
        Some(if &s[4..5] == "-" { "iso" } else { "uk" })
    } else if s.len() == 7
        && digits(&s[0..4])
        && &s[4..5] == "-"
        && digits(&s[5..7])
        && (1..=12).contains(&s[5..7].parse::<u32>().unwrap())
    {
        Some("year_month")
    } else if s.len() == 4 && digits(s) {
        Some("year")
    } else {
        None
    }
}

/// A UK phone number in any of the writings the generator uses.
pub fn valid_phone(s: &str) -> bool {
    let compact: String = s.chars().filter(|c| *c != ' ').collect();
    let national = if let Some(rest) = compact.strip_prefix("+44") {
        rest.to_string()
    } else if let Some(rest) = compact.strip_prefix("44") {
        rest.to_string()
    } else if let Some(rest) = compact.strip_prefix('0') {
        rest.to_string()
    } else {
        return false;
    };
    digits(&national)
        && national.len() == 10
        && matches!(national.as_bytes()[0], b'1' | b'2' | b'7')
}

/// E.164 digits of a UK phone writing.
pub fn e164(s: &str) -> String {
    let compact: String = s.chars().filter(|c| *c != ' ').collect();
    if let Some(rest) = compact.strip_prefix("+44") {
        format!("+44{rest}")
    } else if let Some(rest) = compact.strip_prefix("44") {
        format!("+44{rest}")
    } else {
        format!("+44{}", &compact[1..])
    }
}

pub fn valid_postcode(s: &str) -> bool {
    let compact: String = s
        .chars()
        .filter(|c| *c != ' ')
        .collect::<String>()
        .to_uppercase();
    if !(5..=7).contains(&compact.len()) {
        return false;
    }
    let (outward, inward) = compact.split_at(compact.len() - 3);
    let inward: Vec<char> = inward.chars().collect();
    let outward: Vec<char> = outward.chars().collect();
    inward[0].is_ascii_digit()
        && inward[1..]
            .iter()
            .all(|c| "ABDEFGHJLNPQRSTUWXYZ".contains(*c))
        && outward[0].is_ascii_alphabetic()
        && outward.iter().any(|c| c.is_ascii_digit())
        && outward.iter().all(|c| c.is_ascii_alphanumeric())
}

pub fn valid_vrm(s: &str) -> bool {
    let compact: Vec<char> = s
        .chars()
        .filter(|c| *c != ' ')
        .collect::<String>()
        .to_uppercase()
        .chars()
        .collect();
    compact.len() == 7
        && compact[..2].iter().all(char::is_ascii_uppercase)
        && compact[2..4].iter().all(char::is_ascii_digit)
        && compact[4..].iter().all(char::is_ascii_uppercase)
}

pub fn valid_pnc(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 11
        && digits(&s[0..2])
        && b[2] == b'/'
        && digits(&s[3..10])
        && b[10].is_ascii_uppercase()
}

pub fn valid_grading(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 5
        && (b'1'..=b'3').contains(&b[0])
        && b[1] == b'-'
        && (b'A'..=b'E').contains(&b[2])
        && b[3] == b'-'
        && (b[4] == b'P' || b[4] == b'C')
}

fn list(s: &str) -> Vec<&str> {
    s.split(';')
        .map(str::trim)
        .filter(|x| !x.is_empty())
        .collect()
}

/// Checks one return; returns the problems found (empty when valid).
pub fn check(r: &Return, forces: &BTreeSet<String>, cov: &mut Coverage) -> Vec<String> {
    let mut errors = Vec::new();
    let mut err = |table: &str, row: usize, column: &str, msg: String| {
        errors.push(format!(
            "{} {} {table} row {row} {column}: {msg}",
            r.period, r.force
        ))
    };
    for (name, table) in &r.tables {
        let Some((_, spec)) = TABLES.iter().find(|(t, _)| t == name) else {
            err(name, 0, "", "unknown table".into());
            continue;
        };
        cov.tables.insert(name.clone());
        let mut seen = BTreeSet::new();
        for c in &table.columns {
            if !spec.contains(&c.as_str()) {
                err(name, 0, c, "unknown column".into());
            }
            if !seen.insert(c.clone()) {
                err(name, 0, c, "duplicate column".into());
            }
        }
        for c in table.columns.iter() {
            if table
                .rows
                .iter()
                .any(|row| !row[table.col(c).unwrap()].is_empty())
            {
                cov.filled.insert((name.clone(), c.clone()));
            }
        }
    }
    for required in ["return", "lines", "nominals"] {
        if !r.tables.contains_key(required) {
            err(required, 0, "", "missing table".into());
        }
    }
    let empty = Table::default();
    let ret = r.tables.get("return").unwrap_or(&empty);
    let kv: BTreeMap<&str, &str> = ret
        .rows
        .iter()
        .map(|row| (ret.get(row, "key"), ret.get(row, "value")))
        .collect();
    let keys: BTreeSet<&str> = kv.keys().copied().collect();
    if keys != BTreeSet::from(["force", "period", "version", "submitted_by"]) || ret.rows.len() != 4
    {
        err("return", 0, "key", format!("keys {keys:?}"));
    }
    if kv.get("force") != Some(&r.force.as_str()) || !forces.contains(&r.force) {
        err("return", 0, "force", format!("{:?}", kv.get("force")));
    }
    if kv.get("period") != Some(&r.period.as_str()) || kv.get("version") != Some(&"1") {
        err("return", 0, "period", format!("{kv:?}"));
    }

    let enum_check = |cov: &mut Coverage,
                      errors: &mut Vec<String>,
                      table: &str,
                      row: usize,
                      column: &str,
                      value: &str,
                      allowed: &[&str],
                      many: bool| {
        let values = if many {
            list(value)
        } else if value.is_empty() {
            vec![]
        } else {
            vec![value]
        };
        for v in values {
            if allowed.contains(&v) {
                cov.values
                    .insert((format!("{table}.{column}"), v.to_string()));
            } else {
                errors.push(format!(
                    "{} {} {table} row {row} {column}: bad value {v:?}",
                    r.period, r.force
                ));
            }
        }
    };
    let grading_check = |errors: &mut Vec<String>, table: &str, row: usize, value: &str| {
        if !valid_grading(value) {
            errors.push(format!(
                "{} {} {table} row {row} grading: {value:?}",
                r.period, r.force
            ));
        }
    };
    let date_check = |errors: &mut Vec<String>,
                      table: &str,
                      row: usize,
                      column: &str,
                      value: &str,
                      required: bool| {
        if (required || !value.is_empty()) && !valid_date(value) {
            errors.push(format!(
                "{} {} {table} row {row} {column}: bad date {value:?}",
                r.period, r.force
            ));
        }
    };
    let required =
        |errors: &mut Vec<String>, table: &str, row: usize, column: &str, value: &str| {
            if value.trim().is_empty() {
                errors.push(format!(
                    "{} {} {table} row {row} {column}: required",
                    r.period, r.force
                ));
            }
        };

    let lines = r.tables.get("lines").unwrap_or(&empty);
    let mut line_refs = BTreeSet::new();
    for (i, row) in lines.rows.iter().enumerate() {
        let row_no = i + 2;
        let get = |c: &str| lines.get(row, c);
        for c in ["line_ref", "line_name", "status", "grading"] {
            required(&mut errors, "lines", row_no, c, get(c));
        }
        if !line_refs.insert(get("line_ref").to_string()) {
            errors.push(format!(
                "{} {} lines row {row_no} line_ref duplicate",
                r.period, r.force
            ));
        }
        for n in list(get("deal_numbers")) {
            if !valid_phone(n) {
                errors.push(format!(
                    "{} {} lines row {row_no} deal_numbers {n:?}",
                    r.period, r.force
                ));
            }
        }
        let ef = get("exporting_force");
        if !ef.is_empty() && !forces.contains(ef) {
            errors.push(format!(
                "{} {} lines row {row_no} exporting_force {ef:?}",
                r.period, r.force
            ));
        }
        enum_check(
            cov,
            &mut errors,
            "lines",
            row_no,
            "drugs",
            get("drugs"),
            DRUGS,
            true,
        );
        enum_check(
            cov,
            &mut errors,
            "lines",
            row_no,
            "status",
            get("status"),
            STATUSES,
            false,
        );
        enum_check(
            cov,
            &mut errors,
            "lines",
            row_no,
            "violence",
            get("violence"),
            VIOLENCE,
            false,
        );
        enum_check(
            cov,
            &mut errors,
            "lines",
            row_no,
            "weapons",
            get("weapons"),
            WEAPONS,
            true,
        );
        enum_check(
            cov,
            &mut errors,
            "lines",
            row_no,
            "cuckooing",
            get("cuckooing"),
            &["yes", "no"],
            false,
        );
        date_check(
            &mut errors,
            "lines",
            row_no,
            "first_reported",
            get("first_reported"),
            false,
        );
        date_check(
            &mut errors,
            "lines",
            row_no,
            "last_reported",
            get("last_reported"),
            false,
        );
        grading_check(&mut errors, "lines", row_no, get("grading"));
    }

    let nominals = r.tables.get("nominals").unwrap_or(&empty);
    let mut nominal_refs = BTreeSet::new();
    for (i, row) in nominals.rows.iter().enumerate() {
        let row_no = i + 2;
        let get = |c: &str| nominals.get(row, c);
        for c in ["nominal_ref", "role", "line_refs", "grading"] {
            required(&mut errors, "nominals", row_no, c, get(c));
        }
        if !nominal_refs.insert(get("nominal_ref").to_string()) {
            errors.push(format!(
                "{} {} nominals row {row_no} nominal_ref duplicate",
                r.period, r.force
            ));
        }
        let dob = get("dob");
        if !dob.is_empty() {
            match dob_form(dob) {
                Some(form) => {
                    cov.dob_forms.insert(form);
                }
                None => errors.push(format!(
                    "{} {} nominals row {row_no} dob {dob:?}",
                    r.period, r.force
                )),
            }
        }
        enum_check(
            cov,
            &mut errors,
            "nominals",
            row_no,
            "gender",
            get("gender"),
            GENDERS,
            false,
        );
        enum_check(
            cov,
            &mut errors,
            "nominals",
            row_no,
            "role",
            get("role"),
            ROLES,
            false,
        );
        let pnc = get("pnc_id");
        if !pnc.is_empty() && !valid_pnc(pnc) {
            errors.push(format!(
                "{} {} nominals row {row_no} pnc_id {pnc:?}",
                r.period, r.force
            ));
        }
        let postcode = get("postcode");
        if !postcode.is_empty() && !valid_postcode(postcode) {
            errors.push(format!(
                "{} {} nominals row {row_no} postcode {postcode:?}",
                r.period, r.force
            ));
        }
        for n in list(get("phone_numbers")) {
            if !valid_phone(n) {
                errors.push(format!(
                    "{} {} nominals row {row_no} phone_numbers {n:?}",
                    r.period, r.force
                ));
            }
        }
        for l in list(get("line_refs")) {
            if !line_refs.contains(l) {
                errors.push(format!(
                    "{} {} nominals row {row_no} line_refs {l:?} not in return",
                    r.period, r.force
                ));
            }
        }
        let times = get("times_come_to_notice");
        if !times.is_empty() && !digits(times) {
            errors.push(format!(
                "{} {} nominals row {row_no} times_come_to_notice {times:?}",
                r.period, r.force
            ));
        }
        date_check(
            &mut errors,
            "nominals",
            row_no,
            "last_contact",
            get("last_contact"),
            false,
        );
        for token in list(get("vulnerabilities")) {
            let (name, count) = token
                .split_once(':')
                .map_or((token, None), |(n, c)| (n, Some(c)));
            if let Some(c) = count {
                if !digits(c) {
                    errors.push(format!(
                        "{} {} nominals row {row_no} vulnerabilities count {token:?}",
                        r.period, r.force
                    ));
                }
                cov.counted.insert(name.to_string());
            }
            enum_check(
                cov,
                &mut errors,
                "nominals",
                row_no,
                "vulnerabilities",
                name,
                VULNS,
                false,
            );
        }
        grading_check(&mut errors, "nominals", row_no, get("grading"));
    }

    let mut location_refs = BTreeSet::new();
    if let Some(locations) = r.tables.get("locations") {
        for (i, row) in locations.rows.iter().enumerate() {
            let row_no = i + 2;
            let get = |c: &str| locations.get(row, c);
            for c in ["location_ref", "kind", "grading"] {
                required(&mut errors, "locations", row_no, c, get(c));
            }
            if !location_refs.insert(get("location_ref").to_string()) {
                errors.push(format!(
                    "{} {} locations row {row_no} location_ref duplicate",
                    r.period, r.force
                ));
            }
            enum_check(
                cov,
                &mut errors,
                "locations",
                row_no,
                "kind",
                get("kind"),
                LOCATION_KINDS,
                false,
            );
            let postcode = get("postcode");
            if !postcode.is_empty() && !valid_postcode(postcode) {
                errors.push(format!(
                    "{} {} locations row {row_no} postcode {postcode:?}",
                    r.period, r.force
                ));
            }
            for l in list(get("line_refs")) {
                if !line_refs.contains(l) {
                    errors.push(format!(
                        "{} {} locations row {row_no} line_refs {l:?}",
                        r.period, r.force
                    ));
                }
            }
            for n in list(get("nominal_refs")) {
                if !nominal_refs.contains(n) {
                    errors.push(format!(
                        "{} {} locations row {row_no} nominal_refs {n:?}",
                        r.period, r.force
                    ));
                }
            }
            date_check(
                &mut errors,
                "locations",
                row_no,
                "first_reported",
                get("first_reported"),
                false,
            );
            grading_check(&mut errors, "locations", row_no, get("grading"));
        }
    }
    if let Some(vehicles) = r.tables.get("vehicles") {
        for (i, row) in vehicles.rows.iter().enumerate() {
            let row_no = i + 2;
            let get = |c: &str| vehicles.get(row, c);
            for c in ["vrm", "grading"] {
                required(&mut errors, "vehicles", row_no, c, get(c));
            }
            if !valid_vrm(get("vrm")) {
                errors.push(format!(
                    "{} {} vehicles row {row_no} vrm {:?}",
                    r.period,
                    r.force,
                    get("vrm")
                ));
            }
            enum_check(
                cov,
                &mut errors,
                "vehicles",
                row_no,
                "kind",
                get("kind"),
                VEHICLE_KINDS,
                false,
            );
            for l in list(get("line_refs")) {
                if !line_refs.contains(l) {
                    errors.push(format!(
                        "{} {} vehicles row {row_no} line_refs {l:?}",
                        r.period, r.force
                    ));
                }
            }
            for n in list(get("nominal_refs")) {
                if !nominal_refs.contains(n) {
                    errors.push(format!(
                        "{} {} vehicles row {row_no} nominal_refs {n:?}",
                        r.period, r.force
                    ));
                }
            }
            grading_check(&mut errors, "vehicles", row_no, get("grading"));
        }
    }
    if let Some(events) = r.tables.get("events") {
        let mut event_refs = BTreeSet::new();
        let (first, last) = (format!("{}-01", r.period), format!("{}-31", r.period));
        for (i, row) in events.rows.iter().enumerate() {
            let row_no = i + 2;
            let get = |c: &str| events.get(row, c);
            for c in ["event_ref", "kind", "date"] {
                required(&mut errors, "events", row_no, c, get(c));
            }
            if !event_refs.insert(get("event_ref").to_string()) {
                errors.push(format!(
                    "{} {} events row {row_no} event_ref duplicate",
                    r.period, r.force
                ));
            }
            enum_check(
                cov,
                &mut errors,
                "events",
                row_no,
                "kind",
                get("kind"),
                EVENT_KINDS,
                false,
            );
            date_check(&mut errors, "events", row_no, "date", get("date"), true);
            if let Some(d) = iso_date(get("date"))
                && (d < first || d > last)
            {
                errors.push(format!(
                    "{} {} events row {row_no} date {d} outside the period",
                    r.period, r.force
                ));
            }
            for l in list(get("line_refs")) {
                if !line_refs.contains(l) {
                    errors.push(format!(
                        "{} {} events row {row_no} line_refs {l:?}",
                        r.period, r.force
                    ));
                }
            }
            for n in list(get("nominal_refs")) {
                if !nominal_refs.contains(n) {
                    errors.push(format!(
                        "{} {} events row {row_no} nominal_refs {n:?}",
                        r.period, r.force
                    ));
                }
            }
            let loc = get("location_ref");
            if !loc.is_empty() && !location_refs.contains(loc) {
                errors.push(format!(
                    "{} {} events row {row_no} location_ref {loc:?}",
                    r.period, r.force
                ));
            }
            let area = get("force_area");
            if !area.is_empty() && !forces.contains(area) {
                errors.push(format!(
                    "{} {} events row {row_no} force_area {area:?}",
                    r.period, r.force
                ));
            }
            let quantity = get("quantity");
            if !quantity.is_empty() && quantity.parse::<f64>().is_err() {
                errors.push(format!(
                    "{} {} events row {row_no} quantity {quantity:?}",
                    r.period, r.force
                ));
            }
            if get("kind").starts_with("nrm_") && get("kind") != "nrm_referral" {
                let outcome = get("outcome");
                if !outcome.is_empty() {
                    cov.values
                        .insert(("events.nrm_outcome".into(), outcome.to_string()));
                }
            }
        }
    }
    errors
}
