//! Restriction orders (DDTROs), co-ordinated: the application pack for a line (every current
//! deal number and the numbers it is likely to move to), and alerts when a number under an
//! order is replaced. Also the people behind controllers' phones.
//!
//! The pack reads the line's records in the current returns, the replacements kept by the last
//! communications analysis (`analysis/replacements.csv`) and the replacements linked to the
//! line's entity in the store (`replacements`), and follows them from the line's numbers;
//! `ddtro alerts` are computed on the fly from the kept replacements and the orders in the
//! store (the stored links raise urgent alerts of their own). Every read of communications
//! data is checked and audited as in `comms`.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::Path;

use model::{Actor, Scope};
use store::{Order, RecordRef, Store};

use crate::comms::{check_comms, rfc3339};

/// Whether a number in the pack is in use now or a likely next one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PackStatus {
    /// Listed as a deal number of the line in a current return.
    Current,
    /// Found by the communications analysis to replace one of the line's numbers (or a
    /// replacement of one, along a chain).
    LikelyReplacement,
}

impl PackStatus {
    /// The CSV spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            PackStatus::Current => "current",
            PackStatus::LikelyReplacement => "likely-replacement",
        }
    }
}

/// One number of an application pack.
#[derive(Debug, Clone, PartialEq)]
pub struct PackNumber {
    /// The number, E.164.
    pub number: String,
    /// Current or likely replacement.
    pub status: PackStatus,
    /// First seen (a date or an instant, as text; empty when unknown).
    pub first_seen: String,
    /// Last seen (empty when unknown or still in use).
    pub last_seen: String,
    /// Why it is in the pack, one item a piece.
    pub evidence: Vec<String>,
    /// Confidence, `[0, 1]` (1 for a number a force lists).
    pub score: f64,
}

/// The application pack for one line.
#[derive(Debug, Clone, PartialEq)]
pub struct Pack {
    /// The line as asked for (entity id or force/period/ref).
    pub line: String,
    /// Names the line is known by.
    pub names: Vec<String>,
    /// Forces holding the line.
    pub forces: Vec<String>,
    /// When the pack was generated, RFC 3339.
    pub generated_at: String,
    /// The numbers, current ones first.
    pub numbers: Vec<PackNumber>,
}

/// A replacement as kept by the last analysis.
#[derive(Debug, Clone, PartialEq)]
pub struct SavedReplacement {
    /// The number that fell silent.
    pub old_number: String,
    /// The number that took over.
    pub new_number: String,
    /// When, RFC 3339.
    pub switched_at: String,
    /// Confidence.
    pub score: f64,
    /// Customers shared.
    pub shared_customers: u32,
    /// Customers of the old number.
    pub old_customers: u32,
    /// Same handset.
    pub same_imei: bool,
}

/// A replacement of a number under an order: the line has moved and the order no longer bites.
#[derive(Debug, Clone, PartialEq)]
pub struct OrderAlert {
    /// The order (the latest on the number).
    pub order: Order,
    /// The replacement found.
    pub replacement: SavedReplacement,
}

/// Reads the replacements kept by the last analysis (empty when none has run). The read is
/// checked and audited.
pub fn load_replacements(
    store: &mut dyn Store,
    actor: &Actor,
    dir: &Path,
) -> crate::Result<Vec<SavedReplacement>> {
    let Some(path) = crate::comms::saved_replacements(store, actor, dir)? else {
        check_comms(store, actor, "read number replacements")?;
        return Ok(Vec::new());
    };
    let io = |source| comms::Error::Io {
        path: path.clone(),
        source,
    };
    let text = std::fs::read_to_string(&path).map_err(io)?;
    Ok(parse_replacements(&text))
}

/// Parses `replacements.csv` (`exports-v1`); malformed rows are skipped (the file is ours).
pub fn parse_replacements(text: &str) -> Vec<SavedReplacement> {
    text.lines()
        .skip(1)
        .filter_map(|line| {
            let f: Vec<&str> = line.split(',').collect();
            if f.len() < 7 {
                return None;
            }
            Some(SavedReplacement {
                old_number: f[0].to_owned(),
                new_number: f[1].to_owned(),
                switched_at: f[2].to_owned(),
                score: f[3].parse().ok()?,
                shared_customers: f[4].parse().ok()?,
                old_customers: f[5].parse().ok()?,
                same_imei: f[6].trim() == "yes",
            })
        })
        .collect()
}

/// The line records a line id names, and the line entities they make: a force line ref
/// (`force/period/ref`), widened to its resolved entity when a resolution run holds it, or a
/// line entity id.
fn line_records(
    store: &mut dyn Store,
    actor: &Actor,
    line: &str,
) -> crate::Result<(BTreeSet<RecordRef>, BTreeSet<String>)> {
    let members = store.entity_members(actor, &Scope::National)?;
    let lines = members.iter().filter(|m| m.kind == "line");
    let mut out = BTreeSet::new();
    let entities: BTreeSet<String> = match line.parse::<RecordRef>() {
        Ok(reference) => {
            out.insert(reference.clone());
            lines
                .clone()
                .filter(|m| m.record == reference)
                .map(|m| m.entity_id.clone())
                .collect()
        }
        Err(_) => lines
            .clone()
            .filter(|m| m.entity_id == line)
            .map(|m| m.entity_id.clone())
            .collect(),
    };
    for m in lines.filter(|m| entities.contains(&m.entity_id)) {
        out.insert(m.record.clone());
    }
    Ok((out, entities))
}

/// A deal number as the returns list it: first reported, last reported, and the records
/// listing it.
type Listing = (Option<String>, Option<String>, Vec<String>);

/// Builds the application pack for `line` (an entity id or `force/period/ref`). `None` when no
/// current line record matches.
pub fn ddtro_plan(
    store: &mut dyn Store,
    actor: &Actor,
    dir: &Path,
    line: &str,
) -> crate::Result<Option<Pack>> {
    let (wanted, entities) = line_records(store, actor, line)?;
    if wanted.is_empty() {
        return Ok(None);
    }
    let returns = store.load_current(actor, &Scope::National)?;
    let mut names = BTreeSet::new();
    let mut forces = BTreeSet::new();
    let mut current: BTreeMap<String, Listing> = BTreeMap::new();
    for (_, ret) in &returns {
        for l in &ret.lines {
            let reference = RecordRef {
                force: ret.header.force.clone(),
                period: ret.header.period,
                reference: l.line_ref.to_string(),
            };
            if !wanted.contains(&reference) {
                continue;
            }
            names.insert(l.line_name.clone());
            forces.insert(ret.header.force.to_string());
            for n in &l.deal_numbers {
                let entry = current.entry(n.to_string()).or_default();
                let first = l.first_reported.map(|d| d.to_string());
                let last = l.last_reported.map(|d| d.to_string());
                if first.is_some() && (entry.0.is_none() || first < entry.0) {
                    entry.0 = first;
                }
                if last.is_some() && last > entry.1 {
                    entry.1 = last;
                }
                entry
                    .2
                    .push(format!("listed by {reference} ({})", l.status));
            }
        }
    }
    drop(returns);
    if forces.is_empty() {
        return Ok(None);
    }
    let mut replacements = load_replacements(store, actor, dir)?;
    // The stored links add what the file leaves out (personal-phone replacements linked to a
    // line) and say which were linked to this line's entity, and since when.
    let links = store.replacement_links(actor, &Scope::National)?;
    let mut notes: BTreeMap<(&str, &str), Vec<String>> = BTreeMap::new();
    for l in &links {
        let key = (l.old_number.as_str(), l.new_number.as_str());
        if !replacements
            .iter()
            .any(|r| (r.old_number.as_str(), r.new_number.as_str()) == key)
        {
            replacements.push(crate::replacements::saved_of(l));
        }
        if entities.contains(&l.entity_id) {
            notes.entry(key).or_default().push(format!(
                "linked to {} {} since {} ({} run {})",
                l.kind,
                l.entity_id,
                l.first_linked_at.format("%Y-%m-%d %H:%M"),
                l.analysis,
                l.run_id
            ));
        }
    }
    store.record_access(
        actor,
        "ddtro_plan",
        line,
        &format!("{} numbers", current.len()),
    )?;
    let mut numbers: Vec<PackNumber> = current
        .iter()
        .map(|(number, (first, last, evidence))| PackNumber {
            number: number.clone(),
            status: PackStatus::Current,
            first_seen: first.clone().unwrap_or_default(),
            last_seen: last.clone().unwrap_or_default(),
            evidence: evidence.clone(),
            score: 1.0,
        })
        .collect();
    // Follow replacement chains from the current numbers.
    let mut seen: BTreeSet<String> = current.keys().cloned().collect();
    let mut frontier: Vec<(String, f64)> = current.keys().map(|n| (n.clone(), 1.0)).collect();
    while let Some((old, confidence)) = frontier.pop() {
        for r in replacements.iter().filter(|r| r.old_number == old) {
            let score = confidence * r.score;
            let mut evidence = vec![replacement_evidence(r)];
            if let Some(linked) = notes.get(&(r.old_number.as_str(), r.new_number.as_str())) {
                evidence.extend(linked.iter().cloned());
            }
            if let Some(existing) = numbers.iter_mut().find(|p| p.number == r.new_number) {
                existing.evidence.extend(evidence);
                continue;
            }
            if !seen.insert(r.new_number.clone()) {
                continue;
            }
            numbers.push(PackNumber {
                number: r.new_number.clone(),
                status: PackStatus::LikelyReplacement,
                first_seen: r.switched_at.clone(),
                last_seen: String::new(),
                evidence,
                score,
            });
            frontier.push((r.new_number.clone(), score));
        }
    }
    Ok(Some(Pack {
        line: line.to_owned(),
        names: names.into_iter().collect(),
        forces: forces.into_iter().collect(),
        generated_at: rfc3339(chrono::Utc::now().timestamp_millis()),
        numbers,
    }))
}

fn replacement_evidence(r: &SavedReplacement) -> String {
    format!(
        "replaces {} from {} (score {:.3}; reached {} of its {} customers; {})",
        r.old_number,
        r.switched_at,
        r.score,
        r.shared_customers,
        r.old_customers,
        if r.same_imei {
            "same handset"
        } else {
            "other handset"
        }
    )
}

/// One CSV field, quoted when it must be (RFC 4180), and with a leading formula character
/// neutralised so that a spreadsheet does not run it.
fn csv_field(text: &str) -> String {
    let text = if text.starts_with(['=', '@', '-']) && !text.starts_with("-0") {
        format!("'{text}")
    } else {
        text.to_owned()
    };
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text
    }
}

/// The pack as `ddtro-<line>.csv`: `number,status,first_seen,last_seen,evidence,score`.
pub fn pack_csv(pack: &Pack) -> String {
    let mut out = String::from("number,status,first_seen,last_seen,evidence,score\n");
    for n in &pack.numbers {
        let _ = writeln!(
            out,
            "{},{},{},{},{},{:.3}",
            csv_field(&n.number),
            n.status.as_str(),
            csv_field(&n.first_seen),
            csv_field(&n.last_seen),
            csv_field(&n.evidence.join("; ")),
            n.score
        );
    }
    out
}

/// Text escaped for HTML element content and attribute values.
pub fn html_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// The pack as a printable, self-contained HTML page (no scripts, no external assets).
pub fn pack_html(pack: &Pack) -> String {
    let e = html_escape;
    let mut out = String::new();
    let title = format!("DDTRO application pack: line {}", pack.line);
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>{}</title>\n\
         <style>\nbody {{ font-family: sans-serif; margin: 2em; }}\n\
         table {{ border-collapse: collapse; margin-bottom: 1.5em; width: 100%; page-break-inside: avoid; }}\n\
         th, td {{ border: 1px solid #444; padding: 4px 8px; text-align: left; vertical-align: top; }}\n\
         th {{ background: #eee; width: 12em; }}\n\
         @media print {{ body {{ margin: 0; }} }}\n</style>\n</head>\n<body>\n",
        e(&title)
    );
    let _ = writeln!(out, "<h1>{}</h1>", e(&title));
    let _ = writeln!(
        out,
        "<p>OFFICIAL-SENSITIVE: for restriction order applications only.</p>"
    );
    let _ = writeln!(
        out,
        "<dl>\n<dt>Line</dt><dd>{}</dd>\n<dt>Known as</dt><dd>{}</dd>\n\
         <dt>Forces holding it</dt><dd>{}</dd>\n<dt>Generated</dt><dd>{}</dd>\n\
         <dt>Numbers</dt><dd>{}</dd>\n</dl>",
        e(&pack.line),
        e(&pack.names.join(", ")),
        e(&pack.forces.join(", ")),
        e(&pack.generated_at),
        pack.numbers.len()
    );
    for n in &pack.numbers {
        let _ = writeln!(
            out,
            "<table>\n<tr><th>Number</th><td>{}</td></tr>\n<tr><th>Status</th><td>{}</td></tr>\n\
             <tr><th>First seen</th><td>{}</td></tr>\n<tr><th>Last seen</th><td>{}</td></tr>\n\
             <tr><th>Score</th><td>{:.3}</td></tr>\n<tr><th>Evidence</th><td><ul>",
            e(&n.number),
            n.status.as_str(),
            e(&n.first_seen),
            e(&n.last_seen),
            n.score
        );
        for item in &n.evidence {
            let _ = writeln!(out, "<li>{}</li>", e(item));
        }
        out.push_str("</ul></td></tr>\n</table>\n");
    }
    out.push_str("</body>\n</html>\n");
    out
}

/// A file-name-safe form of a line id (`kent/2026-03/L1` → `kent_2026-03_L1`).
pub fn pack_file_stem(line: &str) -> String {
    let safe: String = line
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '.' {
                c
            } else {
                '_'
            }
        })
        .collect();
    format!("ddtro-{safe}")
}

/// Replacements whose old number is under an order applied for or granted (the latest order on
/// each number counts).
pub fn order_alerts(orders: &[Order], replacements: &[SavedReplacement]) -> Vec<OrderAlert> {
    let mut latest: BTreeMap<&str, &Order> = BTreeMap::new();
    for o in orders {
        latest.insert(o.number.as_str(), o);
    }
    replacements
        .iter()
        .filter_map(|r| {
            latest.get(r.old_number.as_str()).map(|o| OrderAlert {
                order: (*o).clone(),
                replacement: r.clone(),
            })
        })
        .collect()
}

/// The alerts now standing: replacements (from the last analysis) of numbers under orders.
pub fn ddtro_alerts(
    store: &mut dyn Store,
    actor: &Actor,
    dir: &Path,
) -> crate::Result<Vec<OrderAlert>> {
    let replacements = load_replacements(store, actor, dir)?;
    let orders = store.orders(actor)?;
    Ok(order_alerts(&orders, &replacements))
}

/// A person record listing a controller's phone.
#[derive(Debug, Clone, PartialEq)]
pub struct PersonLink {
    /// The nominal record.
    pub record: RecordRef,
    /// The name as written.
    pub name: String,
    /// The person entity it was resolved to, when a resolution run holds it.
    pub entity_id: Option<String>,
}

/// A controller's phone with the people whose returns list it.
#[derive(Debug, Clone, PartialEq)]
pub struct ControllerLink {
    /// The number and its evidence.
    pub controller: assess::Controller,
    /// The person records: those listing the number, and the other records of their resolved
    /// person entities.
    pub people: Vec<PersonLink>,
}

/// Runs the analysis and links every controller's phone to the nominals whose phone numbers
/// list it (and, through the resolved person entities, to the same people's other records).
/// The analysis's plans run on `engine`.
pub fn comms_controllers(
    store: &mut dyn Store,
    actor: &Actor,
    dir: &Path,
    settings: &assess::Settings,
    engine: &assess::Engine,
) -> crate::Result<Vec<ControllerLink>> {
    let analysis = crate::comms::analyse_comms(store, actor, dir, settings, engine)?;
    if analysis.controllers.is_empty() {
        return Ok(Vec::new());
    }
    let members = store.entity_members(actor, &Scope::National)?;
    let entity_of: BTreeMap<&RecordRef, &str> = members
        .iter()
        .filter(|m| m.kind == "person")
        .map(|m| (&m.record, m.entity_id.as_str()))
        .collect();
    let returns = store.load_current(actor, &Scope::National)?;
    let mut by_number: BTreeMap<String, Vec<RecordRef>> = BTreeMap::new();
    let mut names: BTreeMap<RecordRef, String> = BTreeMap::new();
    for (_, ret) in &returns {
        for n in &ret.nominals {
            let record = RecordRef {
                force: ret.header.force.clone(),
                period: ret.header.period,
                reference: n.nominal_ref.to_string(),
            };
            let name = [n.forenames.as_deref(), n.surname.as_deref()]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>()
                .join(" ");
            for phone in &n.phone_numbers {
                by_number
                    .entry(phone.to_string())
                    .or_default()
                    .push(record.clone());
            }
            names.insert(record, name);
        }
    }
    drop(returns);
    let mut out = Vec::new();
    for c in analysis.controllers {
        let mut records: BTreeSet<RecordRef> = by_number
            .get(&c.number)
            .cloned()
            .unwrap_or_default()
            .into_iter()
            .collect();
        let entities: BTreeSet<&str> = records
            .iter()
            .filter_map(|r| entity_of.get(r).copied())
            .collect();
        for m in members
            .iter()
            .filter(|m| m.kind == "person" && entities.contains(m.entity_id.as_str()))
        {
            if names.contains_key(&m.record) {
                records.insert(m.record.clone());
            }
        }
        let people = records
            .into_iter()
            .map(|r| PersonLink {
                name: names.get(&r).cloned().unwrap_or_default(),
                entity_id: entity_of.get(&r).map(|s| (*s).to_owned()),
                record: r,
            })
            .collect();
        out.push(ControllerLink {
            controller: c,
            people,
        });
    }
    store.record_access(
        actor,
        "read_controllers",
        &dir.display().to_string(),
        &format!("{} controller phones", out.len()),
    )?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pack() -> Pack {
        Pack {
            line: "kent/2026-03/L<1>".into(),
            names: vec!["\"Bravo\" & <script>alert(1)</script>".into()],
            forces: vec!["kent".into(), "merseyside".into()],
            generated_at: "2026-04-01T09:00:00Z".into(),
            numbers: vec![
                PackNumber {
                    number: "+447700900001".into(),
                    status: PackStatus::Current,
                    first_seen: "2026-01-03".into(),
                    last_seen: "2026-03-28".into(),
                    evidence: vec!["listed by kent/2026-03/L1, \"active\"".into()],
                    score: 1.0,
                },
                PackNumber {
                    number: "+447700900002".into(),
                    status: PackStatus::LikelyReplacement,
                    first_seen: "2026-03-29T10:00:00Z".into(),
                    last_seen: String::new(),
                    evidence: vec!["=HYPERLINK(\"x\")".into(), "<b>bold</b>".into()],
                    score: 0.8123,
                },
            ],
        }
    }

    #[test]
    fn pack_csv_quotes_and_neutralises_formulas() {
        let csv = pack_csv(&pack());
        let lines: Vec<&str> = csv.lines().collect();
        assert_eq!(
            lines[0],
            "number,status,first_seen,last_seen,evidence,score"
        );
        assert_eq!(
            lines[1],
            "+447700900001,current,2026-01-03,2026-03-28,\"listed by kent/2026-03/L1, \"\"active\"\"\",1.000"
        );
        assert_eq!(
            lines[2],
            "+447700900002,likely-replacement,2026-03-29T10:00:00Z,,\"'=HYPERLINK(\"\"x\"\"); <b>bold</b>\",0.812"
        );
        assert_eq!(lines.len(), 3);
    }

    #[test]
    fn pack_html_escapes_text_and_is_self_contained() {
        let html = pack_html(&pack());
        assert!(html.starts_with("<!DOCTYPE html>"));
        assert!(!html.contains("<script>"), "{html}");
        assert!(html.contains("&quot;Bravo&quot; &amp; &lt;script&gt;alert(1)&lt;/script&gt;"));
        assert!(html.contains("kent/2026-03/L&lt;1&gt;"));
        assert!(html.contains("&lt;b&gt;bold&lt;/b&gt;"));
        assert!(html.contains("kent, merseyside"));
        assert!(html.contains("2026-04-01T09:00:00Z"));
        assert_eq!(html.matches("<table>").count(), 2);
        for external in ["http://", "https://", "src=", "href=", "@import"] {
            assert!(!html.contains(external), "{external} in {html}");
        }
    }

    #[test]
    fn pack_file_names_are_safe() {
        assert_eq!(pack_file_stem("kent/2026-03/L 1"), "ddtro-kent_2026-03_L_1");
        assert_eq!(pack_file_stem("L-00af"), "ddtro-L-00af");
    }

    #[test]
    fn replacements_of_ordered_numbers_alert() {
        let text = "old_number,new_number,switched_at,score,shared_customers,old_customers,same_imei\n\
                    +447700900001,+447700900002,2026-03-01T18:22:05Z,0.912,12,14,yes\n\
                    +447700900003,+447700900004,2026-03-02T18:22:05Z,0.800,5,9,no\n";
        let replacements = parse_replacements(text);
        assert_eq!(replacements.len(), 2);
        assert!(replacements[0].same_imei);
        let order = Order {
            number: "+447700900001".into(),
            status: store::OrderStatus::Granted,
            line: None,
            date: "2026-02-20".parse().unwrap(),
            recorded_by: "rita".into(),
            recorded_at: chrono::Utc::now(),
        };
        let alerts = order_alerts(&[order], &replacements);
        assert_eq!(alerts.len(), 1);
        assert_eq!(alerts[0].replacement.new_number, "+447700900002");
    }
}
