//! Printing results: readable text for a terminal, or JSON for scripts.
//!
//! Only presentation lives here; every figure comes computed from the engine.

use engine::{ImportOutcome, ImportReport, QualityReport, Summary};
use model::Problem;
use serde_json::{Value, json};
use store::{AuditEntry, ReturnInfo, SubmissionEntry};

use crate::args::Format;

/// Like `std::println!`, but a closed pipe (`crossline summary | head`) ends the program
/// quietly instead of panicking.
macro_rules! println {
    () => { $crate::render::emit(String::new()) };
    ($($arg:tt)*) => { $crate::render::emit(format!($($arg)*)) };
}

/// Writes one line to standard output; exits 0 when the reader has gone, 3 on other failures.
pub fn emit(line: String) {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    if let Err(error) = writeln!(out, "{line}") {
        if error.kind() == std::io::ErrorKind::BrokenPipe {
            std::process::exit(0);
        }
        eprintln!("error: cannot write the output: {error}");
        std::process::exit(3);
    }
}

/// A free-standing message line (e.g. a hint after a report).
pub fn note(text: &str) {
    println!("{text}");
}

fn print_json(value: &Value) {
    println!(
        "{}",
        serde_json::to_string_pretty(value).expect("invariant: JSON values serialise")
    );
}

fn problem_json(p: &Problem) -> Value {
    json!({ "table": p.table.as_str(), "row": p.row, "column": p.column, "value": p.value, "reason": p.reason })
}

pub fn import_reports(reports: &[ImportReport], format: Format) {
    if format == Format::Json {
        let items: Vec<Value> = reports
            .iter()
            .map(|r| {
                let mut item = json!({
                    "path": r.path.display().to_string(),
                    "force": r.force.as_ref().map(|f| f.to_string()),
                    "period": r.period.map(|p| p.to_string()),
                });
                let extra = match &r.outcome {
                    ImportOutcome::Accepted { return_id, revision, replaced, records } => json!({
                        "outcome": "accepted", "return_id": return_id.0, "revision": revision,
                        "replaced": replaced.map(|r| r.0), "records": records, "problems": [],
                    }),
                    ImportOutcome::Unchanged { return_id } => {
                        json!({ "outcome": "unchanged", "return_id": return_id.0, "problems": [] })
                    }
                    ImportOutcome::Rejected { problems } => json!({
                        "outcome": "rejected", "problems": problems.iter().map(problem_json).collect::<Vec<_>>(),
                    }),
                };
                if let (Value::Object(item), Value::Object(extra)) = (&mut item, extra) {
                    item.extend(extra);
                }
                item
            })
            .collect();
        print_json(&json!({ "returns": items }));
        return;
    }
    let (mut accepted, mut replaced, mut unchanged, mut rejected) = (0, 0, 0, 0);
    for report in reports {
        let what = match (&report.force, &report.period) {
            (Some(f), Some(p)) => format!("{f} {p}"),
            _ => "return".to_string(),
        };
        match &report.outcome {
            ImportOutcome::Accepted {
                revision,
                replaced: previous,
                records,
                return_id,
            } => {
                accepted += 1;
                if previous.is_some() {
                    replaced += 1;
                    println!(
                        "replaced  {what} (revision {revision}, {records} records, {return_id}) from {}",
                        report.path.display()
                    );
                }
            }
            ImportOutcome::Unchanged { .. } => unchanged += 1,
            ImportOutcome::Rejected { problems } => {
                rejected += 1;
                println!(
                    "REJECTED  {what} from {}: {} problem(s)",
                    report.path.display(),
                    problems.len()
                );
                for problem in problems {
                    println!("    {problem}");
                }
            }
        }
    }
    println!(
        "{} return(s): {accepted} accepted ({replaced} replacing an earlier version), {unchanged} unchanged, {rejected} rejected",
        reports.len()
    );
}

pub fn summary(s: &Summary, format: Format) {
    if format == Format::Json {
        print_json(&json!({
            "scope": s.scope.to_string(),
            "period": s.period.map(|p| p.to_string()),
            "periods": s.periods.iter().map(|p| p.to_string()).collect::<Vec<_>>(),
            "forces_reporting": s.forces_reporting.iter().map(|f| f.to_string()).collect::<Vec<_>>(),
            "forces_missing": s.forces_missing.iter().map(|f| f.to_string()).collect::<Vec<_>>(),
            "lines": s.lines,
            "lines_by_status": s.lines_by_status.iter().map(|(k, n)| (k.as_str().to_string(), json!(n))).collect::<serde_json::Map<_, _>>(),
            "flows": s.flows.iter().map(|f| json!({"exporting": f.exporting.to_string(), "importing": f.importing.to_string(), "lines": f.lines})).collect::<Vec<_>>(),
            "lines_reported_by_exporter": s.lines_reported_by_exporter,
            "nominals": s.nominals,
            "nominals_by_role": s.nominals_by_role.iter().map(|(k, n)| (k.as_str().to_string(), json!(n))).collect::<serde_json::Map<_, _>>(),
            "vulnerable": s.vulnerable,
            "children": s.children,
            "vulnerable_children": s.vulnerable_children,
            "cuckooed_addresses": s.cuckooed_addresses,
            "events_by_kind": s.events_by_kind.iter().map(|(k, n)| (k.as_str().to_string(), json!(n))).collect::<serde_json::Map<_, _>>(),
        }));
        return;
    }
    let Some(period) = s.period else {
        println!("No returns are stored in scope {}.", s.scope);
        return;
    };
    println!(
        "Picture for {} — {period} (records as reported, before resolution)",
        s.scope
    );
    println!(
        "  returns: {} force(s) reported; {} in scope did not{}",
        s.forces_reporting.len(),
        s.forces_missing.len(),
        if s.forces_missing.is_empty() || s.forces_missing.len() > 8 {
            String::new()
        } else {
            format!(
                " ({})",
                s.forces_missing
                    .iter()
                    .map(|f| f.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        }
    );
    println!(
        "  periods stored: {}",
        s.periods
            .iter()
            .map(|p| p.to_string())
            .collect::<Vec<_>>()
            .join(" ")
    );
    println!("\nLines: {}", s.lines);
    for (status, n) in &s.lines_by_status {
        println!("  {:<22} {n:>7}", status.as_str());
    }
    println!(
        "\nFlows, exporting force → reporting force (line records): {} reported by the exporting force itself",
        s.lines_reported_by_exporter
    );
    for flow in s.flows.iter().take(15) {
        println!(
            "  {:<20} → {:<22} {:>5}",
            flow.exporting.as_str(),
            flow.importing.as_str(),
            flow.lines
        );
    }
    if s.flows.len() > 15 {
        println!(
            "  … and {} more flows (--format json lists all)",
            s.flows.len() - 15
        );
    }
    println!("\nNominals: {}", s.nominals);
    for (role, n) in &s.nominals_by_role {
        println!("  {:<22} {n:>7}", role.as_str());
    }
    println!("\nVulnerable people (records)");
    println!(
        "  {:<34} {:>7}",
        "with vulnerability indicators", s.vulnerable
    );
    println!(
        "  {:<34} {:>7}",
        "children (under 18 at period end)", s.children
    );
    println!(
        "  {:<34} {:>7}",
        "children with indicators", s.vulnerable_children
    );
    println!("  {:<34} {:>7}", "cuckooed addresses", s.cuckooed_addresses);
    if !s.events_by_kind.is_empty() {
        println!("\nEvents");
        for (kind, n) in &s.events_by_kind {
            println!("  {:<30} {n:>7}", kind.as_str());
        }
    }
}

pub fn quality(report: &QualityReport, format: Format) {
    if format == Format::Json {
        let forces: Vec<Value> = report
            .forces
            .iter()
            .map(|f| {
                json!({
                    "force": f.force.to_string(),
                    "returns": f.returns, "on_time": f.on_time, "late": f.late,
                    "missing": f.missing.iter().map(|p| p.to_string()).collect::<Vec<_>>(),
                    "resubmissions": f.resubmissions, "rejected": f.rejected, "records": f.records,
                    "completeness": f.completeness.iter().map(|c| json!({
                        "table": c.table.as_str(), "column": c.column, "filled": c.filled, "total": c.total,
                    })).collect::<Vec<_>>(),
                    "grading": f.grading.iter().map(|(g, n)| (g.clone(), json!(n))).collect::<serde_json::Map<_, _>>(),
                })
            })
            .collect();
        print_json(&json!({
            "periods": report.periods.iter().map(|p| p.to_string()).collect::<Vec<_>>(),
            "due_day": report.settings.due_day,
            "forces": forces,
        }));
        return;
    }
    let (Some(first), Some(last)) = (report.periods.first(), report.periods.last()) else {
        println!("No returns are stored in this scope.");
        return;
    };
    println!(
        "Data quality, {first} to {last} ({} months); a return is due by day {} of the following month",
        report.periods.len(),
        report.settings.due_day
    );
    println!(
        "\n{:<22} {:>7} {:>7} {:>5} {:>7} {:>7} {:>8} {:>8} {:>6}  {}",
        "force",
        "returns",
        "on time",
        "late",
        "missing",
        "resubm.",
        "rejected",
        "records",
        "filled",
        "grading (top 3)"
    );
    for f in &report.forces {
        let (filled, total) = f
            .completeness
            .iter()
            .fold((0, 0), |(a, b), c| (a + c.filled, b + c.total));
        let filled_pct = if total == 0 {
            "-".to_string()
        } else {
            format!("{:.0}%", 100.0 * filled as f64 / total as f64)
        };
        let grading = f
            .grading
            .iter()
            .take(3)
            .map(|(g, n)| format!("{g} {n}"))
            .collect::<Vec<_>>()
            .join(", ");
        println!(
            "{:<22} {:>7} {:>7} {:>5} {:>7} {:>7} {:>8} {:>8} {:>6}  {}",
            f.force.as_str(),
            f.returns,
            f.on_time,
            f.late,
            f.missing.len(),
            f.resubmissions,
            f.rejected,
            f.records,
            filled_pct,
            grading
        );
    }
    // Column completeness across the scope, weakest first: what forces most often leave out.
    let mut columns: Vec<(String, usize, usize)> = Vec::new();
    for f in &report.forces {
        for c in &f.completeness {
            let key = format!("{}.{}", c.table, c.column);
            match columns.iter_mut().find(|(k, _, _)| *k == key) {
                Some(entry) => {
                    entry.1 += c.filled;
                    entry.2 += c.total;
                }
                None => columns.push((key, c.filled, c.total)),
            }
        }
    }
    columns.retain(|(_, _, total)| *total > 0);
    columns.sort_by(|a, b| (a.1 as f64 / a.2 as f64).total_cmp(&(b.1 as f64 / b.2 as f64)));
    println!(
        "\nLeast complete columns (all forces in scope; --format json gives every column per force)"
    );
    for (column, filled, total) in columns.iter().take(12) {
        println!(
            "  {column:<32} {:>5.1}%  ({filled} of {total})",
            100.0 * *filled as f64 / *total as f64
        );
    }
}

pub fn returns(infos: &[ReturnInfo]) {
    println!(
        "{:<7} {:<22} {:<8} {:>4} {:<8} {:<20} {:>6} {:>8}  {}",
        "id", "force", "period", "rev", "current", "received", "lines", "nominals", "origin"
    );
    for i in infos {
        println!(
            "{:<7} {:<22} {:<8} {:>4} {:<8} {:<20} {:>6} {:>8}  {}",
            i.id.to_string(),
            i.force.as_str(),
            i.period.to_string(),
            i.revision,
            if i.current { "yes" } else { "no" },
            i.received_at.format("%Y-%m-%d %H:%M:%S").to_string(),
            i.counts[0],
            i.counts[1],
            i.origin
        );
    }
    println!("{} return version(s)", infos.len());
}

pub fn submissions(entries: &[SubmissionEntry]) {
    for e in entries {
        println!(
            "{:<6} {} {:<10} {:<22} {:<8} {:>4} problem(s)  {}  by {}",
            e.id.to_string(),
            e.received_at.format("%Y-%m-%d %H:%M:%S"),
            e.outcome.as_str(),
            e.force.as_ref().map_or("?", |f| f.as_str()),
            e.period.map_or("?".to_string(), |p| p.to_string()),
            e.problem_count,
            e.origin,
            e.submitted_by
        );
        for problem in &e.problems {
            println!("         {problem}");
        }
    }
    println!("{} submission(s)", entries.len());
}

pub fn audit(entries: &[AuditEntry]) {
    for e in entries {
        println!(
            "{:>6} {} {:<16} {:<20} {:<16} {:<28} {}",
            e.id,
            e.at.format("%Y-%m-%d %H:%M:%S"),
            e.user,
            e.role,
            e.action,
            e.subject,
            e.detail
        );
    }
}

pub fn analyse(report: &engine::AnalyseReport) {
    let s = &report.stats;
    let [persons, lines, locations, vehicles, phones] = s.entities;
    println!(
        "resolved {} person records into {persons} people, {} line records into {lines} lines; \
         {locations} places, {vehicles} vehicles, {phones} phone numbers",
        s.person_records, s.line_records
    );
    println!(
        "weighed {} candidate person pairs and {} line pairs ({} oversized blocks skipped)",
        s.person_pairs_compared,
        s.line_pairs_compared,
        s.person_oversized_blocks + s.line_oversized_blocks
    );
    println!(
        "deconfliction: {} subjects held by more than one force, {} of them conflicts (two or more active investigations); {} alerts",
        report.shared, report.conflicts, report.alerts
    );
    println!(
        "review queue: {} uncertain pairs (`crossline review list`)",
        report.review
    );
    for note in &report.notes {
        println!("note: {note}");
    }
}

pub fn review_list(pairs: &[store::ReviewPair], limit: usize) {
    println!(
        "{:<14} {:<7} {:>6}  {:<40} {}",
        "pair", "kind", "prob.", "record", "record"
    );
    for p in pairs.iter().take(limit) {
        println!(
            "{:<14} {:<7} {:>6.3}  {:<40} {}",
            p.pair_id,
            p.kind,
            p.probability,
            p.a.to_string(),
            p.b
        );
    }
    println!(
        "{} pair(s) waiting{}",
        pairs.len(),
        if pairs.len() > limit {
            format!(", {limit} shown")
        } else {
            String::new()
        }
    );
}

pub fn review_show(pair: &store::ReviewPair) {
    println!("{} ({}): {} vs {}", pair.pair_id, pair.kind, pair.a, pair.b);
    println!("probability {:.4}", pair.probability);
    println!();
    println!("{}", pair.explanation.trim_end());
    println!();
    println!(
        "decide with `crossline review accept {0}` or `crossline review reject {0}` (add --note)",
        pair.pair_id
    );
}

/// Alerts, most severe first, each with what it is about and its evidence (the summary).
pub fn alerts(alerts: &[store::Alert]) {
    for a in alerts {
        println!(
            "{:<8} {:<13} {:<22} {} first {} last {}  {}",
            a.severity.as_str().to_uppercase(),
            a.topic.as_str(),
            a.recipient.to_string(),
            a.raised_at.format("%Y-%m-%d %H:%M"),
            a.first_seen,
            a.last_seen,
            a.summary
        );
    }
    let count =
        |severity: store::Severity| alerts.iter().filter(|a| a.severity == severity).count();
    let replacements = alerts
        .iter()
        .filter(|a| a.topic == store::AlertTopic::Replacement)
        .count();
    println!(
        "{} alert(s): {} conflict(s), {replacements} about replacement numbers ({} urgent: an ordered number replaced)",
        alerts.len(),
        count(store::Severity::Conflict),
        count(store::Severity::Urgent)
    );
}

pub fn world_stats(stats: &world::WorldStats, out: &std::path::Path) {
    println!(
        "wrote a world to {}: {} forces, {} periods, {} returns ({} as .xlsx), {} lines with {} deal numbers, \
         {} persons in {} nominal records, {} communications records, {} number replacements",
        out.display(),
        stats.forces,
        stats.periods,
        stats.returns,
        stats.xlsx_returns,
        stats.lines,
        stats.deal_numbers,
        stats.persons,
        stats.nominal_rows,
        stats.comms_records,
        stats.replacements
    );
}

/// The import of communications files: per file its outcome and every bad row.
pub fn comms_import(report: &comms::ImportReport, format: Format) {
    let outcome = |o: &comms::FileOutcome| match o {
        comms::FileOutcome::Imported => "imported",
        comms::FileOutcome::AlreadyImported => "already imported",
        comms::FileOutcome::Rejected => "rejected",
    };
    if format == Format::Json {
        let items: Vec<Value> = report
            .files
            .iter()
            .map(|f| {
                json!({
                    "path": f.path.display().to_string(),
                    "sha256": f.sha256,
                    "outcome": outcome(&f.outcome).replace(' ', "_"),
                    "rows": f.rows,
                    "problems": f.problems.iter()
                        .map(|p| json!({ "line": p.line, "reason": p.reason }))
                        .collect::<Vec<_>>(),
                })
            })
            .collect();
        print_json(&json!({ "files": items, "rows_imported": report.rows_imported() }));
        return;
    }
    for f in &report.files {
        println!(
            "{}: {} ({} rows, {} bad rows)",
            f.path.display(),
            outcome(&f.outcome),
            f.rows,
            f.problems.len()
        );
        for p in &f.problems {
            println!("  line {}: {}", p.line, p.reason);
        }
    }
    println!("{} rows imported", report.rows_imported());
}

/// A communications analysis: counts per class, the deal-line replacements and what was linked
/// to entities.
pub fn comms_analysis(analysed: &engine::CommsAnalysis, took: std::time::Duration, format: Format) {
    let analysis = &analysed.analysis;
    let count = |c: assess::NumberClass| analysis.profiles.iter().filter(|p| p.class == c).count();
    let deal = engine::deal_replacements(analysis);
    if format == Format::Json {
        let items: Vec<Value> = deal
            .iter()
            .map(|r| {
                json!({
                    "old_number": r.old_number, "new_number": r.new_number,
                    "switched_at": engine::rfc3339(r.switched_at_ms), "score": r.score,
                    "shared_customers": r.shared_customers, "old_customers": r.old_customers,
                    "same_imei": r.same_imei,
                })
            })
            .collect();
        print_json(&json!({
            "numbers": analysis.profiles.len(),
            "deal_lines": count(assess::NumberClass::DealLine),
            "personal": count(assess::NumberClass::Personal),
            "customers": count(assess::NumberClass::Customer),
            "replacements": items,
            "personal_replacements": analysis.replacements.len() - deal.len(),
            "recycled": analysis.recycled.iter().map(|r| json!({
                "number": r.number, "epoch": r.epoch,
                "silent_from": engine::rfc3339(r.silent_from_ms),
                "reissued_at": engine::rfc3339(r.reissued_at_ms),
                "shared_contacts": r.shared_contacts,
            })).collect::<Vec<Value>>(),
            "links": analysed.links.as_ref().map(|l| json!({
                "run_id": l.run_id, "links": l.links, "new_links": l.new_links,
                "unlinked": l.unlinked, "alerts": l.alerts, "new_alerts": l.new_alerts,
            })),
            "seconds": took.as_secs_f64(),
        }));
        return;
    }
    println!(
        "{} numbers: {} deal lines, {} personal phones, {} customers ({:.1}s)",
        analysis.profiles.len(),
        count(assess::NumberClass::DealLine),
        count(assess::NumberClass::Personal),
        count(assess::NumberClass::Customer),
        took.as_secs_f64()
    );
    if !analysis.recycled.is_empty() {
        println!(
            "{} number(s) reissued to another subscriber after a long silence, profiled and followed apart:",
            analysis.recycled.len()
        );
        for r in &analysis.recycled {
            println!(
                "  {} silent from {}, subscriber {} from {} (contacts in common {:.0}%)",
                r.number,
                engine::rfc3339(r.silent_from_ms),
                r.epoch + 1,
                engine::rfc3339(r.reissued_at_ms),
                100.0 * r.shared_contacts
            );
        }
    }
    println!(
        "{} deal-line replacements ({} personal-phone replacements not exported):",
        deal.len(),
        analysis.replacements.len() - deal.len()
    );
    for r in &deal {
        println!(
            "  {} -> {}  from {}  score {:.2}  customers {}/{}{}",
            r.old_number,
            r.new_number,
            engine::rfc3339(r.switched_at_ms),
            r.score,
            r.shared_customers,
            r.old_customers,
            if r.same_imei { "  same handset" } else { "" }
        );
    }
    if let Some(links) = &analysed.links {
        link_report(links);
    }
}

/// What linking replacements to entities did.
pub fn link_report(links: &engine::LinkReport) {
    println!(
        "linked {} replacement(s) to line and person entities ({} new, {} replacement(s) of numbers no entity lists); \
         {} alert(s) to the forces holding them ({} new; `crossline alerts`, `crossline comms replacements`)",
        links.links, links.new_links, links.unlinked, links.alerts, links.new_alerts
    );
}

/// Replacements with the entity each is linked to, as CSV: the `replacements.csv` columns, then
/// `entity_id`, `kind` and `first_linked` (empty for a replacement no entity's number leads to).
pub fn replacements(entries: &[engine::ReplacementEntry]) {
    println!(
        "old_number,new_number,switched_at,score,shared_customers,old_customers,same_imei,entity_id,kind,first_linked"
    );
    for e in entries {
        let r = &e.replacement;
        let (entity, kind, first) = match &e.link {
            Some(l) => (
                l.entity_id.as_str(),
                l.kind.as_str(),
                l.first_linked_at.format("%Y-%m-%dT%H:%M:%SZ").to_string(),
            ),
            None => ("", "", String::new()),
        };
        println!(
            "{},{},{},{:.3},{},{},{},{entity},{kind},{first}",
            r.old_number,
            r.new_number,
            r.switched_at,
            r.score,
            r.shared_customers,
            r.old_customers,
            if r.same_imei { "yes" } else { "no" }
        );
    }
}

/// Number profiles, deal lines first then by score.
pub fn comms_profiles(analysis: &assess::Analysis, class: Option<&str>, limit: usize) {
    let mut shown: Vec<&assess::Profile> = analysis
        .profiles
        .iter()
        .filter(|p| class.is_none_or(|c| p.class.as_str() == c))
        .collect();
    shown.sort_by(|a, b| {
        (a.class != assess::NumberClass::DealLine)
            .cmp(&(b.class != assess::NumberClass::DealLine))
            .then(b.score.total_cmp(&a.score))
    });
    println!(
        "number          class     score  out    in     contacts out/in  bursts  handsets  active"
    );
    for p in shown.into_iter().take(limit) {
        let span = match (p.first_out, p.last_out) {
            (Some(a), Some(b)) => format!("{} .. {}", engine::rfc3339(a), engine::rfc3339(b)),
            _ => "receives only".to_owned(),
        };
        // A reissued number's later subscribers are marked `/2`, `/3`...
        let number = match p.epoch {
            0 => p.number.clone(),
            k => format!("{}/{}", p.number, k + 1),
        };
        println!(
            "{:<15} {:<9} {:.2}   {:<6} {:<6} {:>6}/{:<9} {:<7} {:<9} {}",
            number,
            p.class.as_str(),
            p.score,
            p.n_out,
            p.n_in,
            p.contacts_out,
            p.contacts_in,
            p.bursts,
            p.imeis.len(),
            span
        );
    }
}

pub fn comms_controllers(links: &[engine::ControllerLink], limit: usize) {
    if links.is_empty() {
        println!("no controllers' phones found");
        return;
    }
    println!("number          score  to deal  lines  runners  customers  people");
    for link in links.iter().take(limit) {
        let c = &link.controller;
        let people = if link.people.is_empty() {
            "(no return lists it)".to_owned()
        } else {
            link.people
                .iter()
                .map(|p| match &p.entity_id {
                    Some(e) => format!("{} {} [{}]", p.record, p.name, e),
                    None => format!("{} {}", p.record, p.name),
                })
                .collect::<Vec<_>>()
                .join("; ")
        };
        println!(
            "{:<15} {:.2}   {:<8} {:<6} {:<8} {:<10} {}",
            c.number,
            c.score,
            c.direction.to_deal,
            c.direction.deal_lines,
            c.direction.runners,
            c.direction.customers,
            people
        );
    }
    if links.len() > limit {
        println!("… and {} more (--limit)", links.len() - limit);
    }
}

pub fn ddtro_pack(pack: &engine::Pack, csv: &std::path::Path, html: &std::path::Path) {
    let current = pack
        .numbers
        .iter()
        .filter(|n| n.status == engine::PackStatus::Current)
        .count();
    println!(
        "line {} ({}), held by {}: {} current numbers, {} likely replacements",
        pack.line,
        pack.names.join(", "),
        pack.forces.join(", "),
        current,
        pack.numbers.len() - current
    );
    for n in &pack.numbers {
        println!(
            "  {:<15} {:<18} {:.3}",
            n.number,
            n.status.as_str(),
            n.score
        );
    }
    println!("wrote {} and {}", csv.display(), html.display());
}

/// Replacements of ordered numbers; `loud` after an analysis (silent when there are none).
pub fn ddtro_alerts(alerts: &[engine::OrderAlert], loud: bool) {
    if alerts.is_empty() {
        if !loud {
            println!("no ordered number has been replaced");
        }
        return;
    }
    if loud {
        eprintln!("{}", "!".repeat(72));
        eprintln!(
            "!!! ALERT: {} number(s) under a restriction order have been REPLACED",
            alerts.len()
        );
        eprintln!("{}", "!".repeat(72));
    }
    for a in alerts {
        println!(
            "ALERT order {} on {} ({}{}): replaced by {} from {} (score {:.3})",
            a.order.status,
            a.order.number,
            a.order.date,
            a.order
                .line
                .as_deref()
                .map(|l| format!(", line {l}"))
                .unwrap_or_default(),
            a.replacement.new_number,
            a.replacement.switched_at,
            a.replacement.score
        );
    }
}
