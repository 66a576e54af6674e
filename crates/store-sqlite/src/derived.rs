//! Writing and reading what resolution derives (`entity_members`, `review_pairs`, `alerts`,
//! `resolution_model`) and analysts' `decisions` (schema version 2), and what a replacement
//! analysis derives (`replacement_links` and its own `alerts`, schema version 4).
//!
//! Like `records.rs`, this module is SQL only: it checks no permission and writes no log;
//! `lib.rs` does both around it, in the same transaction. Bulk writes use one cached prepared
//! statement per table with parameters bound by index, as an import does, because a national
//! run may hold a million memberships. Reads return rows in no particular order (decisions
//! apart: oldest first, by id); `lib.rs` sorts them, so that both backends give the same
//! order whatever their collations.

use std::collections::HashMap;

use model::Scope;
use rusqlite::{Connection, params};
use store::codec::{RefDecoder, decode_force_list, force_list};
use store::{
    Alert, Decision, EntityMember, Error, LinkRun, LinksSaved, Recipient, RecordRef,
    ReplacementLink, ResolutionRun, Result, ReviewPair,
};

use crate::{corrupt, db_error, get, parse, parse_timestamp, timestamp};

/// What [`replace_run`] did, for the audit log.
pub(crate) struct Replaced {
    /// Alerts that did not stand before and were raised now.
    pub(crate) new_alerts: usize,
}

/// The `source` of the alerts resolution raises (deconfliction); a replacement analysis's
/// alerts carry the analysis's name.
pub(crate) const RESOLUTION_SOURCE: &str = "resolution";

/// Replaces the stored run with `run`: memberships, review queue, resolution's alerts and
/// model. Alerts whose id stood before keep their `raised_at`; the others are raised `at`.
/// Alerts raised by other analyses (replacements) stay.
pub(crate) fn replace_run(
    conn: &Connection,
    run: &ResolutionRun,
    saved_by: &str,
    at: &str,
) -> Result<Replaced> {
    let standing = standing_alerts(conn, RESOLUTION_SOURCE)?;
    // An unqualified DELETE lets SQLite drop the tables' pages wholesale rather than row by row;
    // alerts, a few per shared entity, are deleted by source.
    conn.execute_batch(
        "DELETE FROM entity_members;
         DELETE FROM review_pairs;
         DELETE FROM resolution_model;",
    )
    .map_err(db_error("clearing the previous resolution run"))?;
    conn.execute("DELETE FROM alerts WHERE source = ?1", [RESOLUTION_SOURCE])
        .map_err(db_error("clearing the previous resolution run"))?;
    replace_members(conn, &run.members)?;
    insert_review(conn, &run.review)?;
    let new_alerts = insert_alerts(conn, &run.alerts, RESOLUTION_SOURCE, &standing, at)?;
    conn.execute(
        "INSERT INTO resolution_model (id, saved_at, saved_by, model) VALUES (1, ?1, ?2, ?3)",
        params![at, saved_by, run.model],
    )
    .map_err(db_error("storing the resolution model"))?;
    Ok(Replaced { new_alerts })
}

/// The id and stored `raised_at` of every alert now standing that `source` raised.
fn standing_alerts(conn: &Connection, source: &str) -> Result<HashMap<String, String>> {
    const CONTEXT: &str = "reading the standing alerts";
    let mut stmt = conn
        .prepare_cached("SELECT alert_id, raised_at FROM alerts WHERE source = ?1")
        .map_err(db_error(CONTEXT))?;
    let mut rows = stmt.query([source]).map_err(db_error(CONTEXT))?;
    let mut out = HashMap::new();
    while let Some(r) = rows.next().map_err(db_error(CONTEXT))? {
        out.insert(
            get(r, 0, "alerts", "alert_id")?,
            get(r, 1, "alerts", "raised_at")?,
        );
    }
    Ok(out)
}

/// Inserts `members` into the emptied table with its indexes dropped, then builds them again
/// from their stored definitions: building an index over a million rows at once takes a
/// fraction of keeping it up to date row by row (1M members: about 1.8 s for the whole save
/// against 6.9 s; `examples/sqlite_save_resolution.rs` measures it). It happens inside the
/// caller's transaction, so a failure brings the indexes back with the rows.
fn replace_members(conn: &Connection, members: &[EntityMember]) -> Result<()> {
    const CONTEXT: &str = "rebuilding the entity_members indexes";
    let indexes: Vec<(String, String)> = {
        let mut stmt = conn
            .prepare_cached(
                "SELECT name, sql FROM sqlite_schema
                 WHERE type = 'index' AND tbl_name = 'entity_members' AND sql IS NOT NULL",
            )
            .map_err(db_error(CONTEXT))?;
        stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .and_then(|rows| rows.collect())
            .map_err(db_error(CONTEXT))?
    };
    for (name, _) in &indexes {
        conn.execute_batch(&format!("DROP INDEX \"{name}\""))
            .map_err(db_error(CONTEXT))?;
    }
    insert_members(conn, members)?;
    for (_, sql) in &indexes {
        conn.execute_batch(sql).map_err(db_error(CONTEXT))?;
    }
    Ok(())
}

fn insert_members(conn: &Connection, members: &[EntityMember]) -> Result<()> {
    const CONTEXT: &str = "storing entity members";
    let mut stmt = conn
        .prepare_cached(
            "INSERT INTO entity_members (entity_id, kind, force, period, reference) VALUES (?1, ?2, ?3, ?4, ?5)",
        )
        .map_err(db_error(CONTEXT))?;
    for m in members {
        let record = &m.record;
        stmt.raw_bind_parameter(1, m.entity_id.as_str())
            .and_then(|()| stmt.raw_bind_parameter(2, m.kind.as_str()))
            .and_then(|()| stmt.raw_bind_parameter(3, record.force.as_str()))
            .and_then(|()| stmt.raw_bind_parameter(4, record.period.to_string()))
            .and_then(|()| stmt.raw_bind_parameter(5, record.reference.as_str()))
            .and_then(|()| stmt.raw_execute())
            .map_err(|e| {
                Error::Database(format!(
                    "{CONTEXT}, entity {} record {record}: {e}",
                    m.entity_id
                ))
            })?;
    }
    Ok(())
}

fn insert_review(conn: &Connection, review: &[ReviewPair]) -> Result<()> {
    const CONTEXT: &str = "storing the review queue";
    let mut stmt = conn
        .prepare_cached(
            "INSERT INTO review_pairs (pair_id, kind, a_force, a_period, a_ref, b_force, b_period, b_ref,
                                       probability, explanation)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
        )
        .map_err(db_error(CONTEXT))?;
    for p in review {
        stmt.execute(params![
            p.pair_id,
            p.kind,
            p.a.force.as_str(),
            p.a.period.to_string(),
            p.a.reference,
            p.b.force.as_str(),
            p.b.period.to_string(),
            p.b.reference,
            p.probability,
            p.explanation,
        ])
        .map_err(|e| Error::Database(format!("{CONTEXT}, pair {}: {e}", p.pair_id)))?;
    }
    Ok(())
}

/// Inserts `alerts` raised by `source`, keeping the `raised_at` of those in `standing`;
/// returns how many are new.
fn insert_alerts(
    conn: &Connection,
    alerts: &[Alert],
    source: &str,
    standing: &HashMap<String, String>,
    at: &str,
) -> Result<usize> {
    const CONTEXT: &str = "storing alerts";
    let mut stmt = conn
        .prepare_cached(
            "INSERT INTO alerts (alert_id, entity_id, kind, topic, source, severity, recipient, forces,
                                 active_forces, first_seen, last_seen, raised_at, summary)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
        )
        .map_err(db_error(CONTEXT))?;
    let mut new_alerts = 0;
    for a in alerts {
        let raised_at = match standing.get(&a.alert_id) {
            Some(kept) => kept.as_str(),
            None => {
                new_alerts += 1;
                at
            }
        };
        stmt.execute(params![
            a.alert_id,
            a.entity_id,
            a.kind,
            a.topic.as_str(),
            source,
            a.severity.as_str(),
            a.recipient.to_string(),
            force_list(&a.forces),
            force_list(&a.active_forces),
            a.first_seen.to_string(),
            a.last_seen.to_string(),
            raised_at,
            a.summary,
        ])
        .map_err(|e| Error::Database(format!("{CONTEXT}, alert {}: {e}", a.alert_id)))?;
    }
    Ok(new_alerts)
}

/// Reads the force, period and reference columns starting at `first` through the shared decoder.
fn record_ref(
    parser: &mut RefDecoder,
    table: &'static str,
    columns: [&'static str; 3],
    row: &rusqlite::Row<'_>,
    first: usize,
) -> Result<RecordRef> {
    parser.record(
        table,
        columns,
        text_ref(row, first, table, columns[0])?,
        text_ref(row, first + 1, table, columns[1])?,
        get(row, first + 2, table, columns[2])?,
    )
}

/// A text column borrowed from the row, without copying it.
fn text_ref<'r>(
    row: &'r rusqlite::Row<'_>,
    index: usize,
    table: &'static str,
    column: &'static str,
) -> Result<&'r str> {
    row.get_ref(index)
        .map_err(|e| corrupt(table, column, e))?
        .as_str()
        .map_err(|e| corrupt(table, column, e))
}

/// The memberships of records of forces in `scope`.
pub(crate) fn load_members(conn: &Connection, scope: &Scope) -> Result<Vec<EntityMember>> {
    const CONTEXT: &str = "reading entity members";
    const T: &str = "entity_members";
    const SELECT: &str = "SELECT entity_id, kind, force, period, reference FROM entity_members";
    // One query per force of the scope, each served by the index on (force, …).
    let forces: Vec<Option<&str>> = match scope {
        Scope::National => vec![None],
        Scope::Region(region) => region.forces().map(|f| Some(f.code.as_str())).collect(),
        Scope::Force(force) => vec![Some(force.as_str())],
    };
    let mut parser = RefDecoder::default();
    let mut out = Vec::new();
    for force in forces {
        let mut stmt = match force {
            None => conn.prepare_cached(SELECT),
            Some(_) => conn.prepare_cached(&format!("{SELECT} WHERE force = ?1")),
        }
        .map_err(db_error(CONTEXT))?;
        let mut rows = match force {
            None => stmt.query([]),
            Some(force) => stmt.query([force]),
        }
        .map_err(db_error(CONTEXT))?;
        while let Some(r) = rows.next().map_err(db_error(CONTEXT))? {
            out.push(EntityMember {
                entity_id: get(r, 0, T, "entity_id")?,
                kind: get(r, 1, T, "kind")?,
                record: record_ref(&mut parser, T, ["force", "period", "reference"], r, 2)?,
            });
        }
    }
    Ok(out)
}

/// The stored model, if a run was saved.
pub(crate) fn load_model(conn: &Connection) -> Result<Option<String>> {
    const CONTEXT: &str = "reading the resolution model";
    let mut stmt = conn
        .prepare_cached("SELECT model FROM resolution_model")
        .map_err(db_error(CONTEXT))?;
    let mut rows = stmt.query([]).map_err(db_error(CONTEXT))?;
    match rows.next().map_err(db_error(CONTEXT))? {
        Some(r) => Ok(Some(get(r, 0, "resolution_model", "model")?)),
        None => Ok(None),
    }
}

/// The review queue, without the pairs an analyst has already decided (either way round).
pub(crate) fn load_review(conn: &Connection) -> Result<Vec<ReviewPair>> {
    const CONTEXT: &str = "reading the review queue";
    const T: &str = "review_pairs";
    let mut stmt = conn
        .prepare_cached(
            "SELECT pair_id, kind, a_force, a_period, a_ref, b_force, b_period, b_ref, probability, explanation
             FROM review_pairs r
             WHERE NOT EXISTS (
                 SELECT 1 FROM decisions d
                 WHERE d.kind = r.kind
                   AND ((d.a_force = r.a_force AND d.a_period = r.a_period AND d.a_ref = r.a_ref
                         AND d.b_force = r.b_force AND d.b_period = r.b_period AND d.b_ref = r.b_ref)
                     OR (d.a_force = r.b_force AND d.a_period = r.b_period AND d.a_ref = r.b_ref
                         AND d.b_force = r.a_force AND d.b_period = r.a_period AND d.b_ref = r.a_ref)))",
        )
        .map_err(db_error(CONTEXT))?;
    let mut rows = stmt.query([]).map_err(db_error(CONTEXT))?;
    let mut parser = RefDecoder::default();
    let mut out = Vec::new();
    while let Some(r) = rows.next().map_err(db_error(CONTEXT))? {
        out.push(ReviewPair {
            pair_id: get(r, 0, T, "pair_id")?,
            kind: get(r, 1, T, "kind")?,
            a: record_ref(&mut parser, T, ["a_force", "a_period", "a_ref"], r, 2)?,
            b: record_ref(&mut parser, T, ["b_force", "b_period", "b_ref"], r, 5)?,
            probability: get(r, 8, T, "probability")?,
            explanation: get(r, 9, T, "explanation")?,
        });
    }
    Ok(out)
}

/// Appends a decision; its pair must already be in order and its author and time filled.
pub(crate) fn insert_decision(conn: &Connection, d: &Decision) -> Result<()> {
    debug_assert!(d.a <= d.b, "the pair is stored in order");
    conn.prepare_cached(
        "INSERT INTO decisions (kind, a_force, a_period, a_ref, b_force, b_period, b_ref, same,
                                decided_by, decided_at, note)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
    )
    .and_then(|mut stmt| {
        stmt.execute(params![
            d.kind,
            d.a.force.as_str(),
            d.a.period.to_string(),
            d.a.reference,
            d.b.force.as_str(),
            d.b.period.to_string(),
            d.b.reference,
            d.same,
            d.decided_by,
            timestamp(d.decided_at),
            d.note,
        ])
    })
    .map(|_| ())
    .map_err(db_error("storing the decision"))
}

/// The decisions in force (the latest per pair and kind), oldest first.
pub(crate) fn load_decisions(conn: &Connection) -> Result<Vec<Decision>> {
    const CONTEXT: &str = "reading decisions";
    const T: &str = "decisions";
    let mut stmt = conn
        .prepare_cached(
            "SELECT kind, a_force, a_period, a_ref, b_force, b_period, b_ref, same, decided_by, decided_at, note
             FROM decisions
             WHERE id IN (SELECT MAX(id) FROM decisions
                          GROUP BY kind, a_force, a_period, a_ref, b_force, b_period, b_ref)
             ORDER BY id",
        )
        .map_err(db_error(CONTEXT))?;
    let mut rows = stmt.query([]).map_err(db_error(CONTEXT))?;
    let mut parser = RefDecoder::default();
    let mut out = Vec::new();
    while let Some(r) = rows.next().map_err(db_error(CONTEXT))? {
        let decided_at: String = get(r, 9, T, "decided_at")?;
        out.push(Decision {
            kind: get(r, 0, T, "kind")?,
            a: record_ref(&mut parser, T, ["a_force", "a_period", "a_ref"], r, 1)?,
            b: record_ref(&mut parser, T, ["b_force", "b_period", "b_ref"], r, 4)?,
            same: get::<i64>(r, 7, T, "same")? != 0,
            decided_by: get(r, 8, T, "decided_by")?,
            decided_at: parse_timestamp(T, "decided_at", &decided_at)?,
            note: get(r, 10, T, "note")?,
        });
    }
    Ok(out)
}

/// The alerts for `recipients`, or every alert for `None`.
pub(crate) fn load_alerts(
    conn: &Connection,
    recipients: Option<&[Recipient]>,
) -> Result<Vec<Alert>> {
    const CONTEXT: &str = "reading alerts";
    const SELECT: &str = "SELECT alert_id, entity_id, kind, severity, recipient, forces, active_forces, \
                          first_seen, last_seen, raised_at, summary, topic FROM alerts";
    let mut out = Vec::new();
    match recipients {
        None => {
            let mut stmt = conn.prepare_cached(SELECT).map_err(db_error(CONTEXT))?;
            let mut rows = stmt.query([]).map_err(db_error(CONTEXT))?;
            while let Some(r) = rows.next().map_err(db_error(CONTEXT))? {
                out.push(read_alert(r)?);
            }
        }
        Some(recipients) => {
            // One query per recipient, each served by the index on recipient.
            let mut stmt = conn
                .prepare_cached(&format!("{SELECT} WHERE recipient = ?1"))
                .map_err(db_error(CONTEXT))?;
            for recipient in recipients {
                let mut rows = stmt
                    .query([recipient.to_string()])
                    .map_err(db_error(CONTEXT))?;
                while let Some(r) = rows.next().map_err(db_error(CONTEXT))? {
                    out.push(read_alert(r)?);
                }
            }
        }
    }
    Ok(out)
}

fn read_alert(r: &rusqlite::Row<'_>) -> Result<Alert> {
    const T: &str = "alerts";
    let severity: String = get(r, 3, T, "severity")?;
    let recipient: String = get(r, 4, T, "recipient")?;
    let first_seen: String = get(r, 7, T, "first_seen")?;
    let last_seen: String = get(r, 8, T, "last_seen")?;
    let raised_at: String = get(r, 9, T, "raised_at")?;
    let topic: String = get(r, 11, T, "topic")?;
    Ok(Alert {
        alert_id: get(r, 0, T, "alert_id")?,
        entity_id: get(r, 1, T, "entity_id")?,
        kind: get(r, 2, T, "kind")?,
        topic: parse(T, "topic", &topic)?,
        severity: parse(T, "severity", &severity)?,
        recipient: parse(T, "recipient", &recipient)?,
        forces: decode_force_list(
            T,
            "forces",
            get::<Option<String>>(r, 5, T, "forces")?.as_deref(),
        )?,
        active_forces: decode_force_list(
            T,
            "active_forces",
            get::<Option<String>>(r, 6, T, "active_forces")?.as_deref(),
        )?,
        first_seen: parse(T, "first_seen", &first_seen)?,
        last_seen: parse(T, "last_seen", &last_seen)?,
        raised_at: parse_timestamp(T, "raised_at", &raised_at)?,
        summary: get(r, 10, T, "summary")?,
    })
}

/// Replaces the links and alerts `run.analysis` saved before with `run`'s. Links and alerts
/// that stood before keep `first_linked_at` and `raised_at`; the others take `at`.
pub(crate) fn replace_links(conn: &Connection, run: &LinkRun, at: &str) -> Result<LinksSaved> {
    const CONTEXT: &str = "storing replacement links";
    let standing_links: HashMap<(String, String, String), String> = {
        let mut stmt = conn
            .prepare_cached(
                "SELECT entity_id, old_number, new_number, first_linked_at
                 FROM replacement_links WHERE analysis = ?1",
            )
            .map_err(db_error(CONTEXT))?;
        let mut rows = stmt.query([&run.analysis]).map_err(db_error(CONTEXT))?;
        let mut out = HashMap::new();
        while let Some(r) = rows.next().map_err(db_error(CONTEXT))? {
            const T: &str = "replacement_links";
            out.insert(
                (
                    get(r, 0, T, "entity_id")?,
                    get(r, 1, T, "old_number")?,
                    get(r, 2, T, "new_number")?,
                ),
                get(r, 3, T, "first_linked_at")?,
            );
        }
        out
    };
    let standing = standing_alerts(conn, &run.analysis)?;
    conn.execute(
        "DELETE FROM replacement_links WHERE analysis = ?1",
        [&run.analysis],
    )
    .map_err(db_error("clearing the previous replacement links"))?;
    conn.execute("DELETE FROM alerts WHERE source = ?1", [&run.analysis])
        .map_err(db_error("clearing the previous replacement alerts"))?;
    let mut stmt = conn
        .prepare_cached(
            "INSERT INTO replacement_links (analysis, run_id, entity_id, kind, forces, old_number,
                                            new_number, switched_at, score, shared_customers,
                                            old_customers, same_imei, first_linked_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
        )
        .map_err(db_error(CONTEXT))?;
    let mut new_links = 0;
    for link in &run.links {
        let key = (
            link.entity_id.clone(),
            link.old_number.clone(),
            link.new_number.clone(),
        );
        let first_linked_at = match standing_links.get(&key) {
            Some(kept) => kept.as_str(),
            None => {
                new_links += 1;
                at
            }
        };
        stmt.execute(params![
            link.analysis,
            link.run_id,
            link.entity_id,
            link.kind,
            force_list(&link.forces),
            link.old_number,
            link.new_number,
            timestamp(link.switched_at),
            link.score,
            link.shared_customers,
            link.old_customers,
            link.same_imei,
            first_linked_at,
        ])
        .map_err(|e| {
            Error::Database(format!(
                "{CONTEXT}, entity {} {} -> {}: {e}",
                link.entity_id, link.old_number, link.new_number
            ))
        })?;
    }
    let new_alerts = insert_alerts(conn, &run.alerts, &run.analysis, &standing, at)?;
    Ok(LinksSaved {
        new_links,
        new_alerts,
    })
}

/// Every replacement link, of every analysis.
pub(crate) fn load_links(conn: &Connection) -> Result<Vec<ReplacementLink>> {
    const CONTEXT: &str = "reading replacement links";
    const T: &str = "replacement_links";
    let mut stmt = conn
        .prepare_cached(
            "SELECT analysis, run_id, entity_id, kind, forces, old_number, new_number, switched_at,
                    score, shared_customers, old_customers, same_imei, first_linked_at
             FROM replacement_links",
        )
        .map_err(db_error(CONTEXT))?;
    let mut rows = stmt.query([]).map_err(db_error(CONTEXT))?;
    let mut out = Vec::new();
    while let Some(r) = rows.next().map_err(db_error(CONTEXT))? {
        let switched_at: String = get(r, 7, T, "switched_at")?;
        let first_linked_at: String = get(r, 12, T, "first_linked_at")?;
        out.push(ReplacementLink {
            analysis: get(r, 0, T, "analysis")?,
            run_id: get(r, 1, T, "run_id")?,
            entity_id: get(r, 2, T, "entity_id")?,
            kind: get(r, 3, T, "kind")?,
            forces: decode_force_list(
                T,
                "forces",
                get::<Option<String>>(r, 4, T, "forces")?.as_deref(),
            )?,
            old_number: get(r, 5, T, "old_number")?,
            new_number: get(r, 6, T, "new_number")?,
            switched_at: parse_timestamp(T, "switched_at", &switched_at)?,
            score: get(r, 8, T, "score")?,
            shared_customers: get(r, 9, T, "shared_customers")?,
            old_customers: get(r, 10, T, "old_customers")?,
            same_imei: get::<i64>(r, 11, T, "same_imei")? != 0,
            first_linked_at: parse_timestamp(T, "first_linked_at", &first_linked_at)?,
        });
    }
    Ok(out)
}
