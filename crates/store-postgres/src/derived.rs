//! Writing and reading what resolution derives (`entity_members`, `review_pairs`, `alerts`,
//! `resolution_model`) and analysts' `decisions` (schema version 2), and what a replacement
//! analysis derives (`replacement_links` and its own `alerts`, schema version 4).
//!
//! Like `records.rs`, this module is SQL only: it checks no permission and writes no log;
//! `lib.rs` does both around it, in the same transaction. A run replaces the last one with
//! `TRUNCATE` and `COPY … FROM STDIN`, as an import writes records, because a national run may
//! hold a million memberships. Reads return rows in no particular order (decisions apart:
//! oldest first, by id); `lib.rs` sorts them, so that both backends give the same order
//! whatever the database's collation.

use std::collections::HashMap;
use std::io::Write;

use chrono::{DateTime, SecondsFormat, Utc};
use model::Scope;
use postgres::fallible_iterator::FallibleIterator;
use postgres::types::ToSql;
use postgres::{CopyInWriter, Transaction};
use store::codec::{RefDecoder, decode_force_list, force_list};
use store::{
    Alert, Decision, EntityMember, Error, LinkRun, LinksSaved, Recipient, RecordRef,
    ReplacementLink, ResolutionRun, Result, ReviewPair,
};

use crate::records::{NulInText, push_copy_text};
use crate::{db_error, get, parse};

/// Bytes gathered before they are handed to the connection, as in `records.rs`.
const COPY_CHUNK: usize = 1 << 20;

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
    tx: &mut Transaction<'_>,
    run: &ResolutionRun,
    saved_by: &str,
    at: DateTime<Utc>,
) -> Result<Replaced> {
    // The lock TRUNCATE would take, taken before the standing alerts are read, so that two runs
    // saved at once follow one another and the second keeps the first's raised_at. Readers of
    // these tables wait for the commit.
    tx.batch_execute(
        "LOCK TABLE entity_members, review_pairs, alerts, resolution_model IN ACCESS EXCLUSIVE MODE",
    )
    .map_err(db_error("locking the resolution tables"))?;
    let standing = standing_alerts(tx, RESOLUTION_SOURCE)?;
    // TRUNCATE rather than DELETE: it leaves no million dead rows behind for vacuum. Alerts, a
    // few per shared entity, are deleted by source, since a replacement analysis's stay.
    tx.batch_execute("TRUNCATE entity_members, review_pairs, resolution_model")
        .map_err(db_error("clearing the previous resolution run"))?;
    tx.execute(
        "DELETE FROM alerts WHERE source = $1",
        &[&RESOLUTION_SOURCE],
    )
    .map_err(db_error("clearing the previous resolution run"))?;
    replace_members(tx, &run.members)?;
    copy_review(tx, &run.review)?;
    let new_alerts = copy_alerts(tx, &run.alerts, RESOLUTION_SOURCE, &standing, at)?;
    tx.execute(
        "INSERT INTO resolution_model (id, saved_at, saved_by, model) VALUES (1, $1, $2, $3)",
        &[&at, &saved_by, &run.model],
    )
    .map_err(db_error("storing the resolution model"))?;
    Ok(Replaced { new_alerts })
}

/// The id and `raised_at` of every alert now standing that `source` raised.
fn standing_alerts(
    tx: &mut Transaction<'_>,
    source: &str,
) -> Result<HashMap<String, DateTime<Utc>>> {
    let rows = tx
        .query(
            "SELECT alert_id, raised_at FROM alerts WHERE source = $1",
            &[&source],
        )
        .map_err(db_error("reading the standing alerts"))?;
    rows.iter()
        .map(|r| {
            Ok((
                get(r, 0, "alerts", "alert_id")?,
                get(r, 1, "alerts", "raised_at")?,
            ))
        })
        .collect()
}

/// One `COPY … FROM STDIN` in text format, written a row at a time.
struct CopyIn<'a> {
    writer: CopyInWriter<'a>,
    buf: Vec<u8>,
    table: &'static str,
    /// Whether the next value starts a row.
    row_start: bool,
}

/// The column holding a NUL character, which PostgreSQL cannot store in text.
struct NulIn(&'static str);

impl<'a> CopyIn<'a> {
    fn start(
        tx: &'a mut Transaction<'_>,
        table: &'static str,
        columns: &[&str],
    ) -> Result<CopyIn<'a>> {
        let sql = format!("COPY {table} ({}) FROM STDIN", columns.join(", "));
        let writer = tx
            .copy_in(&sql)
            .map_err(db_error(&format!("copying into {table}")))?;
        Ok(CopyIn {
            writer,
            buf: Vec::with_capacity(COPY_CHUNK + 64 * 1024),
            table,
            row_start: true,
        })
    }

    fn separate(&mut self) {
        if !self.row_start {
            self.buf.push(b'\t');
        }
        self.row_start = false;
    }

    /// Appends a text value to the row.
    fn text(&mut self, column: &'static str, value: &str) -> Result<(), NulIn> {
        self.separate();
        push_copy_text(&mut self.buf, value).map_err(|NulInText| NulIn(column))
    }

    /// Appends a value that may be NULL.
    fn optional(&mut self, column: &'static str, value: Option<&str>) -> Result<(), NulIn> {
        match value {
            Some(value) => self.text(column, value),
            None => {
                self.separate();
                self.buf.extend_from_slice(b"\\N");
                Ok(())
            }
        }
    }

    /// Appends a value whose writing holds nothing COPY would escape (numbers, dates, codes).
    fn plain(&mut self, value: impl std::fmt::Display) {
        self.separate();
        // Writing into a Vec cannot fail.
        let _ = write!(self.buf, "{value}");
    }

    /// Ends the row, or, when `written` failed, reports which row and column.
    fn end_row(&mut self, written: Result<(), NulIn>, row: impl FnOnce() -> String) -> Result<()> {
        if let Err(NulIn(column)) = written {
            return Err(Error::Database(format!(
                "{} {} column {column}: PostgreSQL cannot store the NUL character (U+0000) in text",
                self.table,
                row()
            )));
        }
        self.buf.push(b'\n');
        self.row_start = true;
        if self.buf.len() >= COPY_CHUNK {
            self.flush()?;
        }
        Ok(())
    }

    fn flush(&mut self) -> Result<()> {
        self.writer
            .write_all(&self.buf)
            .map_err(|e| Error::Database(format!("copying into {}: {e}", self.table)))?;
        self.buf.clear();
        Ok(())
    }

    fn finish(mut self) -> Result<()> {
        self.flush()?;
        let context = format!("copying into {}", self.table);
        self.writer.finish().map_err(db_error(&context))?;
        Ok(())
    }
}

/// Copies `members` into the emptied table with its indexes dropped, then builds them again
/// from their definitions: building an index over a million rows at once takes a fraction of
/// keeping it up to date row by row (1M members: about 2.6 s for the whole save against 5.7 s;
/// `examples/postgres_save_resolution.rs` measures it). It happens inside the caller's
/// transaction, so a failure brings the indexes back with the rows.
fn replace_members(tx: &mut Transaction<'_>, members: &[EntityMember]) -> Result<()> {
    const CONTEXT: &str = "rebuilding the entity_members indexes";
    let indexes: Vec<(String, String)> = tx
        .query(
            "SELECT indexname::text, indexdef FROM pg_indexes
             WHERE schemaname = current_schema() AND tablename = 'entity_members'",
            &[],
        )
        .map_err(db_error(CONTEXT))?
        .iter()
        .map(|r| Ok((r.try_get(0)?, r.try_get(1)?)))
        .collect::<Result<_, postgres::Error>>()
        .map_err(db_error(CONTEXT))?;
    for (name, _) in &indexes {
        tx.batch_execute(&format!("DROP INDEX \"{name}\""))
            .map_err(db_error(CONTEXT))?;
    }
    copy_members(tx, members)?;
    for (_, definition) in &indexes {
        tx.batch_execute(definition).map_err(db_error(CONTEXT))?;
    }
    Ok(())
}

fn copy_members(tx: &mut Transaction<'_>, members: &[EntityMember]) -> Result<()> {
    if members.is_empty() {
        return Ok(());
    }
    let mut copy = CopyIn::start(
        tx,
        "entity_members",
        &["entity_id", "kind", "force", "period", "reference"],
    )?;
    for m in members {
        let written = (|| {
            copy.text("entity_id", &m.entity_id)?;
            copy.text("kind", &m.kind)?;
            copy.plain(&m.record.force);
            copy.plain(m.record.period);
            copy.text("reference", &m.record.reference)
        })();
        copy.end_row(written, || {
            format!("entity {:?} record {}", m.entity_id, m.record)
        })?;
    }
    copy.finish()
}

fn copy_review(tx: &mut Transaction<'_>, review: &[ReviewPair]) -> Result<()> {
    if review.is_empty() {
        return Ok(());
    }
    let mut copy = CopyIn::start(
        tx,
        "review_pairs",
        &[
            "pair_id",
            "kind",
            "a_force",
            "a_period",
            "a_ref",
            "b_force",
            "b_period",
            "b_ref",
            "probability",
            "explanation",
        ],
    )?;
    for p in review {
        let written = (|| {
            copy.text("pair_id", &p.pair_id)?;
            copy.text("kind", &p.kind)?;
            copy.plain(&p.a.force);
            copy.plain(p.a.period);
            copy.text("a_ref", &p.a.reference)?;
            copy.plain(&p.b.force);
            copy.plain(p.b.period);
            copy.text("b_ref", &p.b.reference)?;
            // Rust writes the shortest digits that read back as the same f64, and PostgreSQL
            // reads them back exactly.
            copy.plain(p.probability);
            copy.text("explanation", &p.explanation)
        })();
        copy.end_row(written, || format!("pair {:?}", p.pair_id))?;
    }
    copy.finish()
}

/// Copies `alerts` raised by `source`, keeping the `raised_at` of those in `standing`; returns
/// how many are new.
fn copy_alerts(
    tx: &mut Transaction<'_>,
    alerts: &[Alert],
    source: &str,
    standing: &HashMap<String, DateTime<Utc>>,
    at: DateTime<Utc>,
) -> Result<usize> {
    if alerts.is_empty() {
        return Ok(0);
    }
    let mut copy = CopyIn::start(
        tx,
        "alerts",
        &[
            "alert_id",
            "entity_id",
            "kind",
            "topic",
            "source",
            "severity",
            "recipient",
            "forces",
            "active_forces",
            "first_seen",
            "last_seen",
            "raised_at",
            "summary",
        ],
    )?;
    let mut new_alerts = 0;
    for a in alerts {
        let raised_at = match standing.get(&a.alert_id) {
            Some(kept) => *kept,
            None => {
                new_alerts += 1;
                at
            }
        };
        let written = (|| {
            copy.text("alert_id", &a.alert_id)?;
            copy.text("entity_id", &a.entity_id)?;
            copy.text("kind", &a.kind)?;
            copy.plain(a.topic.as_str());
            copy.text("source", source)?;
            copy.plain(a.severity.as_str());
            // A recipient's writing is a keyword and a registry code: nothing to escape.
            copy.plain(&a.recipient);
            copy.optional("forces", force_list(&a.forces).as_deref())?;
            copy.optional("active_forces", force_list(&a.active_forces).as_deref())?;
            copy.plain(a.first_seen);
            copy.plain(a.last_seen);
            copy.plain(raised_at.to_rfc3339_opts(SecondsFormat::Micros, true));
            copy.text("summary", &a.summary)
        })();
        copy.end_row(written, || format!("alert {:?}", a.alert_id))?;
    }
    copy.finish()?;
    Ok(new_alerts)
}

/// Reads the force, period and reference columns starting at `first` through the shared decoder.
fn record_ref(
    parser: &mut RefDecoder,
    table: &'static str,
    columns: [&'static str; 3],
    row: &postgres::Row,
    first: usize,
) -> Result<RecordRef> {
    parser.record(
        table,
        columns,
        get::<&str>(row, first, table, columns[0])?,
        get::<&str>(row, first + 1, table, columns[1])?,
        get(row, first + 2, table, columns[2])?,
    )
}

/// The memberships of records of forces in `scope`, streamed.
pub(crate) fn load_members(tx: &mut Transaction<'_>, scope: &Scope) -> Result<Vec<EntityMember>> {
    const CONTEXT: &str = "reading entity members";
    const T: &str = "entity_members";
    const SELECT: &str = "SELECT entity_id, kind, force, period, reference FROM entity_members";
    let mut rows = match scope {
        Scope::National => tx.query_raw(SELECT, std::iter::empty::<&str>()),
        Scope::Region(region) => {
            let forces: Vec<&str> = region.forces().map(|f| f.code.as_str()).collect();
            tx.query_raw(&format!("{SELECT} WHERE force = ANY($1)"), [forces])
        }
        Scope::Force(force) => {
            let forces = vec![force.as_str()];
            tx.query_raw(&format!("{SELECT} WHERE force = ANY($1)"), [forces])
        }
    }
    .map_err(db_error(CONTEXT))?;
    let mut parser = RefDecoder::default();
    let mut out = Vec::with_capacity(rows.size_hint().0);
    while let Some(r) = rows.next().map_err(db_error(CONTEXT))? {
        out.push(EntityMember {
            entity_id: get(&r, 0, T, "entity_id")?,
            kind: get(&r, 1, T, "kind")?,
            record: record_ref(&mut parser, T, ["force", "period", "reference"], &r, 2)?,
        });
    }
    Ok(out)
}

/// The stored model, if a run was saved.
pub(crate) fn load_model(tx: &mut Transaction<'_>) -> Result<Option<String>> {
    let row = tx
        .query_opt("SELECT model FROM resolution_model", &[])
        .map_err(db_error("reading the resolution model"))?;
    row.as_ref()
        .map(|r| get(r, 0, "resolution_model", "model"))
        .transpose()
}

/// The review queue, without the pairs an analyst has already decided (either way round).
pub(crate) fn load_review(tx: &mut Transaction<'_>) -> Result<Vec<ReviewPair>> {
    const T: &str = "review_pairs";
    let rows = tx
        .query(
            "SELECT pair_id, kind, a_force, a_period, a_ref, b_force, b_period, b_ref, probability, explanation
             FROM review_pairs r
             WHERE NOT EXISTS (
                 SELECT 1 FROM decisions d
                 WHERE d.kind = r.kind
                   AND ((d.a_force = r.a_force AND d.a_period = r.a_period AND d.a_ref = r.a_ref
                         AND d.b_force = r.b_force AND d.b_period = r.b_period AND d.b_ref = r.b_ref)
                     OR (d.a_force = r.b_force AND d.a_period = r.b_period AND d.a_ref = r.b_ref
                         AND d.b_force = r.a_force AND d.b_period = r.a_period AND d.b_ref = r.a_ref)))",
            &[],
        )
        .map_err(db_error("reading the review queue"))?;
    let mut parser = RefDecoder::default();
    rows.iter()
        .map(|r| {
            Ok(ReviewPair {
                pair_id: get(r, 0, T, "pair_id")?,
                kind: get(r, 1, T, "kind")?,
                a: record_ref(&mut parser, T, ["a_force", "a_period", "a_ref"], r, 2)?,
                b: record_ref(&mut parser, T, ["b_force", "b_period", "b_ref"], r, 5)?,
                probability: get(r, 8, T, "probability")?,
                explanation: get(r, 9, T, "explanation")?,
            })
        })
        .collect()
}

/// Appends a decision; its pair must already be in order and its author and time filled.
pub(crate) fn insert_decision(tx: &mut Transaction<'_>, d: &Decision) -> Result<()> {
    debug_assert!(d.a <= d.b, "the pair is stored in order");
    let (a_period, b_period) = (d.a.period.to_string(), d.b.period.to_string());
    let params: [&(dyn ToSql + Sync); 11] = [
        &d.kind,
        &d.a.force.as_str(),
        &a_period,
        &d.a.reference,
        &d.b.force.as_str(),
        &b_period,
        &d.b.reference,
        &d.same,
        &d.decided_by,
        &d.decided_at,
        &d.note,
    ];
    tx.execute(
        "INSERT INTO decisions (kind, a_force, a_period, a_ref, b_force, b_period, b_ref, same,
                                decided_by, decided_at, note)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
        &params,
    )
    .map(|_| ())
    .map_err(db_error("storing the decision"))
}

/// The decisions in force (the latest per pair and kind), oldest first.
pub(crate) fn load_decisions(tx: &mut Transaction<'_>) -> Result<Vec<Decision>> {
    const T: &str = "decisions";
    let rows = tx
        .query(
            "SELECT kind, a_force, a_period, a_ref, b_force, b_period, b_ref, same, decided_by, decided_at, note
             FROM decisions
             WHERE id IN (SELECT MAX(id) FROM decisions
                          GROUP BY kind, a_force, a_period, a_ref, b_force, b_period, b_ref)
             ORDER BY id",
            &[],
        )
        .map_err(db_error("reading decisions"))?;
    let mut parser = RefDecoder::default();
    rows.iter()
        .map(|r| {
            Ok(Decision {
                kind: get(r, 0, T, "kind")?,
                a: record_ref(&mut parser, T, ["a_force", "a_period", "a_ref"], r, 1)?,
                b: record_ref(&mut parser, T, ["b_force", "b_period", "b_ref"], r, 4)?,
                same: get(r, 7, T, "same")?,
                decided_by: get(r, 8, T, "decided_by")?,
                decided_at: get(r, 9, T, "decided_at")?,
                note: get(r, 10, T, "note")?,
            })
        })
        .collect()
}

/// The alerts for `recipients`, or every alert for `None`.
pub(crate) fn load_alerts(
    tx: &mut Transaction<'_>,
    recipients: Option<&[Recipient]>,
) -> Result<Vec<Alert>> {
    const SELECT: &str = "SELECT alert_id, entity_id, kind, severity, recipient, forces, active_forces, \
                          first_seen, last_seen, raised_at, summary, topic FROM alerts";
    let rows = match recipients {
        None => tx.query(SELECT, &[]),
        Some(recipients) => {
            let wanted: Vec<String> = recipients.iter().map(Recipient::to_string).collect();
            tx.query(&format!("{SELECT} WHERE recipient = ANY($1)"), &[&wanted])
        }
    }
    .map_err(db_error("reading alerts"))?;
    rows.iter().map(read_alert).collect()
}

fn read_alert(r: &postgres::Row) -> Result<Alert> {
    const T: &str = "alerts";
    Ok(Alert {
        alert_id: get(r, 0, T, "alert_id")?,
        entity_id: get(r, 1, T, "entity_id")?,
        kind: get(r, 2, T, "kind")?,
        topic: parse(T, "topic", get(r, 11, T, "topic")?)?,
        severity: parse(T, "severity", get(r, 3, T, "severity")?)?,
        recipient: parse(T, "recipient", get(r, 4, T, "recipient")?)?,
        forces: decode_force_list(T, "forces", get(r, 5, T, "forces")?)?,
        active_forces: decode_force_list(T, "active_forces", get(r, 6, T, "active_forces")?)?,
        first_seen: parse(T, "first_seen", get(r, 7, T, "first_seen")?)?,
        last_seen: parse(T, "last_seen", get(r, 8, T, "last_seen")?)?,
        raised_at: get(r, 9, T, "raised_at")?,
        summary: get(r, 10, T, "summary")?,
    })
}

/// Replaces the links and alerts `run.analysis` saved before with `run`'s. Links and alerts
/// that stood before keep `first_linked_at` and `raised_at`; the others take `at`. A run holds
/// a link per replaced number of an entity, thousands at most, so plain INSERTs do.
pub(crate) fn replace_links(
    tx: &mut Transaction<'_>,
    run: &LinkRun,
    at: DateTime<Utc>,
) -> Result<LinksSaved> {
    const CONTEXT: &str = "storing replacement links";
    const T: &str = "replacement_links";
    // Two saves of one analysis at once follow one another, so that the second keeps the
    // first's times; readers wait for the commit.
    tx.batch_execute("LOCK TABLE replacement_links, alerts IN EXCLUSIVE MODE")
        .map_err(db_error("locking the replacement links"))?;
    let standing_links: HashMap<(String, String, String), DateTime<Utc>> = tx
        .query(
            "SELECT entity_id, old_number, new_number, first_linked_at
             FROM replacement_links WHERE analysis = $1",
            &[&run.analysis],
        )
        .map_err(db_error(CONTEXT))?
        .iter()
        .map(|r| {
            Ok((
                (
                    get(r, 0, T, "entity_id")?,
                    get(r, 1, T, "old_number")?,
                    get(r, 2, T, "new_number")?,
                ),
                get(r, 3, T, "first_linked_at")?,
            ))
        })
        .collect::<Result<_>>()?;
    let standing = standing_alerts(tx, &run.analysis)?;
    tx.execute(
        "DELETE FROM replacement_links WHERE analysis = $1",
        &[&run.analysis],
    )
    .map_err(db_error("clearing the previous replacement links"))?;
    tx.execute("DELETE FROM alerts WHERE source = $1", &[&run.analysis])
        .map_err(db_error("clearing the previous replacement alerts"))?;
    let insert = tx
        .prepare(
            "INSERT INTO replacement_links (analysis, run_id, entity_id, kind, forces, old_number,
                                            new_number, switched_at, score, shared_customers,
                                            old_customers, same_imei, first_linked_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)",
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
            Some(kept) => *kept,
            None => {
                new_links += 1;
                at
            }
        };
        let counts = [link.shared_customers, link.old_customers].map(i32::try_from);
        let [Ok(shared_customers), Ok(old_customers)] = counts else {
            return Err(Error::Database(format!(
                "{CONTEXT}, entity {} {} -> {}: a customer count is too large to store",
                link.entity_id, link.old_number, link.new_number
            )));
        };
        let forces = force_list(&link.forces);
        let params: [&(dyn ToSql + Sync); 13] = [
            &link.analysis,
            &link.run_id,
            &link.entity_id,
            &link.kind,
            &forces,
            &link.old_number,
            &link.new_number,
            &link.switched_at,
            &link.score,
            &shared_customers,
            &old_customers,
            &link.same_imei,
            &first_linked_at,
        ];
        tx.execute(&insert, &params).map_err(|e| {
            Error::Database(format!(
                "{CONTEXT}, entity {} {} -> {}: {}",
                link.entity_id,
                link.old_number,
                link.new_number,
                crate::describe(&e)
            ))
        })?;
    }
    let new_alerts = copy_alerts(tx, &run.alerts, &run.analysis, &standing, at)?;
    Ok(LinksSaved {
        new_links,
        new_alerts,
    })
}

/// Every replacement link, of every analysis.
pub(crate) fn load_links(tx: &mut Transaction<'_>) -> Result<Vec<ReplacementLink>> {
    const T: &str = "replacement_links";
    let rows = tx
        .query(
            "SELECT analysis, run_id, entity_id, kind, forces, old_number, new_number, switched_at,
                    score, shared_customers, old_customers, same_imei, first_linked_at
             FROM replacement_links",
            &[],
        )
        .map_err(db_error("reading replacement links"))?;
    let count = |r: &postgres::Row, index: usize, column: &'static str| -> Result<u32> {
        let n: i32 = get(r, index, T, column)?;
        crate::count(T, column, n)
    };
    rows.iter()
        .map(|r| {
            Ok(ReplacementLink {
                analysis: get(r, 0, T, "analysis")?,
                run_id: get(r, 1, T, "run_id")?,
                entity_id: get(r, 2, T, "entity_id")?,
                kind: get(r, 3, T, "kind")?,
                forces: decode_force_list(T, "forces", get(r, 4, T, "forces")?)?,
                old_number: get(r, 5, T, "old_number")?,
                new_number: get(r, 6, T, "new_number")?,
                switched_at: get(r, 7, T, "switched_at")?,
                score: get(r, 8, T, "score")?,
                shared_customers: count(r, 9, "shared_customers")?,
                old_customers: count(r, 10, "old_customers")?,
                same_imei: get(r, 11, T, "same_imei")?,
                first_linked_at: get(r, 12, T, "first_linked_at")?,
            })
        })
        .collect()
}
