//! crossline's embedded store: [`SqliteStore`] keeps returns, their history, the files as
//! received, the submission log and the audit log in one SQLite file.
//!
//! It implements [`store::Store`] and keeps that trait's invariants: every write is one
//! transaction, permissions are checked (and refusals audited) inside the same transaction that
//! would read or write, and the record tables hold exactly the [`store::codec`] columns. The
//! schema lives in `migrations/` and is applied on open ([`SCHEMA_VERSION`]).
//!
//! It deliberately does not choose between backends (the engine does, from
//! [`store::StoreSettings`]), does not validate returns (they arrive validated) and does not
//! share a connection between threads: open one store per thread. Reads take the write lock
//! too, because each writes its audit entry in the same transaction, so a read waits (up to
//! the 30 s busy timeout) while another connection writes an import.
//!
//! What resolution derives (entity memberships, the review queue, alerts, the model) and
//! analysts' decisions are kept in the tables of schema version 2 (`derived.rs`), and the
//! replacement numbers linked to entities (with their alerts) in those of version 4; the rules
//! for who may read and write them are in the [`Store`] methods below.
//!
//! Performance: an import is one `BEGIN IMMEDIATE` transaction with one cached prepared
//! statement per record table and parameters bound by index, under `journal_mode=WAL` and
//! `synchronous=NORMAL` (durable at checkpoints, never corrupt). The record tables are keyed by
//! `(return_id, row)`, which is how a return is read back; that index costs about a quarter of
//! an import (1M nominals: about 2.4 s with it, 1.9 s without, and 2.6 s for
//! `sqlite3 .import` of the same rows as CSV). `examples/sqlite_bulk_insert.rs` measures it.

mod derived;
mod migrate;
mod records;

use std::fmt;
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::time::Duration;

use chrono::{DateTime, SecondsFormat, SubsecRound, Utc};
use model::{
    Actor, ForceCode, Period, Return, ReturnHeader, ReturnId, Scope, SubmissionId, UserRole,
};
use rusqlite::{Connection, OptionalExtension, TransactionBehavior, params};
use store::{
    Alert, AuditEntry, Decision, EntityMember, Error, LinkRun, LinksSaved, Order, Recipient,
    Rejection, ReplacementLink, ResolutionRun, Result, ReturnInfo, ReviewPair, Store, Submission,
    SubmissionEntry, SubmissionOutcome, SubmitOutcome,
};

pub use migrate::SCHEMA_VERSION;

/// At most this many problems of a rejected submission are kept in the log, one per line.
const KEPT_PROBLEMS: usize = 20;

/// Every table of the schema, sorted by name, for [`Store::table_counts`].
const TABLES: &[&str] = &[
    "alerts",
    "audit_log",
    "decisions",
    "entity_members",
    "events",
    "lines",
    "locations",
    "nominals",
    "orders",
    "replacement_links",
    "resolution_model",
    "return_sources",
    "returns",
    "review_pairs",
    "schema_migrations",
    "submissions",
    "vehicles",
];

/// The columns of `returns` that make a [`ReturnInfo`], in the order [`read_info`] reads them.
const INFO_COLUMNS: &str = "id, force, period, version, revision, submitted_by, stored_by, received_at, origin, \
                            container, sha256, current, n_lines, n_nominals, n_locations, n_vehicles, n_events";

/// Audit actions, as stored in `audit_log.action`.
mod action {
    /// A return was stored, or found unchanged.
    pub const SUBMIT_RETURN: &str = "submit_return";
    /// A rejected submission was logged.
    pub const RECORD_REJECTION: &str = "record_rejection";
    /// One stored return was read whole.
    pub const READ_RETURN: &str = "read_return";
    /// The current returns of a scope were read.
    pub const READ_RETURNS: &str = "read_returns";
    /// Returns were listed (refusals only are audited: listings hold no personal data).
    pub const LIST_RETURNS: &str = "list_returns";
    /// The submission log of a scope was read.
    pub const READ_SUBMISSIONS: &str = "read_submissions";
    /// The audit log was read.
    pub const READ_AUDIT_LOG: &str = "read_audit_log";
    /// A resolution run was saved, replacing the previous one.
    pub const SAVE_RESOLUTION: &str = "save_resolution";
    /// Entity memberships of a scope were read.
    pub const READ_ENTITIES: &str = "read_entities";
    /// The last run's model was read.
    pub const READ_RESOLUTION_MODEL: &str = "read_resolution_model";
    /// The review queue was read.
    pub const READ_REVIEW_QUEUE: &str = "read_review_queue";
    /// An analyst decided a pair.
    pub const RECORD_DECISION: &str = "record_decision";
    /// The decisions in force were read.
    pub const READ_DECISIONS: &str = "read_decisions";
    /// Alerts were read.
    pub const READ_ALERTS: &str = "read_alerts";
    /// A restriction order on a number was recorded.
    pub const RECORD_ORDER: &str = "record_order";
    /// The recorded restriction orders were read.
    pub const READ_ORDERS: &str = "read_orders";
    /// A replacement analysis's links and alerts were saved, replacing its previous ones.
    pub const SAVE_REPLACEMENT_LINKS: &str = "save_replacement_links";
    /// Replacement links of a scope were read.
    pub const READ_REPLACEMENT_LINKS: &str = "read_replacement_links";
    /// Something was refused; the detail names what.
    pub const DENIED: &str = "denied";
}

/// A [`Store`] in a SQLite database.
pub struct SqliteStore {
    conn: Connection,
    /// The file, or `None` in memory.
    path: Option<PathBuf>,
}

impl fmt::Debug for SqliteStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let location = self
            .path
            .as_ref()
            .map_or_else(|| ":memory:".to_string(), |p| p.display().to_string());
        f.debug_struct("SqliteStore")
            .field("path", &location)
            .finish()
    }
}

impl SqliteStore {
    /// Opens (creating it if need be) the database file at `path` and brings its schema up to
    /// date. Fails with [`Error::SchemaTooNew`] on a file written by a newer crossline.
    pub fn open(path: &Path) -> Result<SqliteStore> {
        create_private(path)?;
        let conn = Connection::open(path).map_err(|e| {
            Error::Database(format!("opening SQLite database {}: {e}", path.display()))
        })?;
        // WAL lets readers work while an import writes; NORMAL syncs at checkpoints rather than
        // at every commit, which under WAL can lose the last commits on power failure but never
        // corrupts the file.
        let mode: String = conn
            .pragma_update_and_check(None, "journal_mode", "WAL", |r| r.get(0))
            .map_err(db_error("setting journal_mode"))?;
        if !mode.eq_ignore_ascii_case("wal") {
            return Err(Error::Database(format!(
                "{} cannot use write-ahead logging (journal mode {mode})",
                path.display()
            )));
        }
        Self::configure(conn, Some(path.to_path_buf()))
    }

    /// Opens a fresh database in memory, for quick tests; it vanishes when dropped.
    pub fn open_in_memory() -> Result<SqliteStore> {
        let conn =
            Connection::open_in_memory().map_err(db_error("opening an in-memory database"))?;
        Self::configure(conn, None)
    }

    fn configure(mut conn: Connection, path: Option<PathBuf>) -> Result<SqliteStore> {
        conn.pragma_update(None, "synchronous", "NORMAL")
            .map_err(db_error("setting synchronous"))?;
        conn.pragma_update(None, "foreign_keys", "ON")
            .map_err(db_error("enabling foreign keys"))?;
        // Another process importing holds the write lock for the whole import; wait for it
        // rather than fail at once.
        conn.busy_timeout(Duration::from_secs(30))
            .map_err(db_error("setting the busy timeout"))?;
        migrate::run(&mut conn)?;
        Ok(SqliteStore { conn, path })
    }

    /// The file this store is in (`None` in memory).
    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }

    /// The schema version of the database (equal to [`SCHEMA_VERSION`] once open).
    pub fn schema_version(&self) -> Result<i64> {
        migrate::current_version(&self.conn)
    }

    fn write_transaction(&mut self) -> Result<rusqlite::Transaction<'_>> {
        self.conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(db_error("starting a transaction"))
    }
}

/// A [`rusqlite::Error`] as a store error, saying what was being done.
pub(crate) fn db_error(context: &str) -> impl Fn(rusqlite::Error) -> Error + '_ {
    move |e| Error::Database(format!("{context}: {e}"))
}

/// The present moment at the precision both backends keep (microseconds).
fn now() -> DateTime<Utc> {
    Utc::now().trunc_subsecs(6)
}

/// A timestamp as stored: RFC 3339 UTC with six fractional digits, so text order is time order.
pub(crate) fn timestamp(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Micros, true)
}

fn corrupt(table: &'static str, column: &'static str, reason: impl fmt::Display) -> Error {
    Error::Corrupt {
        table,
        column,
        reason: reason.to_string(),
    }
}

fn parse_timestamp(table: &'static str, column: &'static str, text: &str) -> Result<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(text)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|e| corrupt(table, column, format!("{text:?}: {e}")))
}

fn parse<T: FromStr>(table: &'static str, column: &'static str, text: &str) -> Result<T>
where
    T::Err: fmt::Display,
{
    text.parse()
        .map_err(|e: T::Err| corrupt(table, column, format!("{text:?}: {e}")))
}

fn get<T: rusqlite::types::FromSql>(
    row: &rusqlite::Row<'_>,
    index: usize,
    table: &'static str,
    column: &'static str,
) -> Result<T> {
    row.get(index).map_err(|e| corrupt(table, column, e))
}

fn count(table: &'static str, column: &'static str, n: i64) -> Result<u32> {
    u32::try_from(n).map_err(|_| corrupt(table, column, format!("{n} is out of range")))
}

/// Reads a `returns` row selected with [`INFO_COLUMNS`].
fn read_info(r: &rusqlite::Row<'_>) -> Result<ReturnInfo> {
    const T: &str = "returns";
    let force: String = get(r, 1, T, "force")?;
    let period: String = get(r, 2, T, "period")?;
    let received_at: String = get(r, 7, T, "received_at")?;
    let container: String = get(r, 9, T, "container")?;
    let mut counts = [0u32; 5];
    for (i, (slot, column)) in counts
        .iter_mut()
        .zip([
            "n_lines",
            "n_nominals",
            "n_locations",
            "n_vehicles",
            "n_events",
        ])
        .enumerate()
    {
        *slot = count(T, column, get(r, 12 + i, T, column)?)?;
    }
    Ok(ReturnInfo {
        id: ReturnId(get(r, 0, T, "id")?),
        force: parse(T, "force", &force)?,
        period: parse(T, "period", &period)?,
        version: count(T, "version", get(r, 3, T, "version")?)?,
        revision: count(T, "revision", get(r, 4, T, "revision")?)?,
        submitted_by: get(r, 5, T, "submitted_by")?,
        stored_by: get(r, 6, T, "stored_by")?,
        received_at: parse_timestamp(T, "received_at", &received_at)?,
        origin: get(r, 8, T, "origin")?,
        container: parse(T, "container", &container)?,
        sha256: get(r, 10, T, "sha256")?,
        current: get::<i64>(r, 11, T, "current")? != 0,
        counts,
    })
}

/// The `return` table of a stored version, rebuilt from its description.
fn header_of(info: &ReturnInfo) -> ReturnHeader {
    ReturnHeader {
        force: info.force.clone(),
        period: info.period,
        version: info.version,
        submitted_by: info.submitted_by.clone(),
    }
}

/// Every stored version (or only the current ones), ordered by force, period and revision.
fn list_returns(conn: &Connection, history: bool) -> Result<Vec<ReturnInfo>> {
    let filter = if history { "" } else { "WHERE current = 1" };
    let sql =
        format!("SELECT {INFO_COLUMNS} FROM returns {filter} ORDER BY force, period, revision");
    let mut stmt = conn
        .prepare_cached(&sql)
        .map_err(db_error("listing returns"))?;
    let mut rows = stmt.query([]).map_err(db_error("listing returns"))?;
    let mut out = Vec::new();
    while let Some(r) = rows.next().map_err(db_error("listing returns"))? {
        out.push(read_info(r)?);
    }
    Ok(out)
}

fn find_return(conn: &Connection, id: ReturnId) -> Result<Option<ReturnInfo>> {
    let sql = format!("SELECT {INFO_COLUMNS} FROM returns WHERE id = ?1");
    let mut stmt = conn
        .prepare_cached(&sql)
        .map_err(db_error("reading a return"))?;
    let mut rows = stmt.query([id.0]).map_err(db_error("reading a return"))?;
    match rows.next().map_err(db_error("reading a return"))? {
        Some(r) => Ok(Some(read_info(r)?)),
        None => Ok(None),
    }
}

/// Appends one audit entry.
fn audit(
    conn: &Connection,
    actor: &Actor,
    action: &str,
    subject: &str,
    detail: &str,
) -> Result<()> {
    conn.prepare_cached(
        "INSERT INTO audit_log (at, user_name, role, action, subject, detail) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )
    .and_then(|mut stmt| {
        stmt.execute(params![timestamp(now()), actor.user(), actor.role().as_str(), action, subject, detail])
    })
    .map(|_| ())
    .map_err(db_error("writing the audit log"))
}

/// Audits a refusal of `attempted` on `subject` and commits it, then returns `refusal`.
fn refuse<T>(
    tx: rusqlite::Transaction<'_>,
    actor: &Actor,
    attempted: &str,
    subject: &str,
    refusal: Error,
) -> Result<T> {
    audit(&tx, actor, action::DENIED, subject, attempted)?;
    tx.commit().map_err(db_error("committing the audit log"))?;
    Err(refusal)
}

/// One submission-log row.
struct LogRow<'a> {
    origin: &'a str,
    sha256: Option<&'a str>,
    force: Option<&'a ForceCode>,
    period: Option<Period>,
    outcome: SubmissionOutcome,
    problem_count: usize,
    problems: String,
    return_id: Option<i64>,
}

fn log_submission(
    conn: &Connection,
    actor: &Actor,
    at: &str,
    row: &LogRow<'_>,
) -> Result<SubmissionId> {
    conn.execute(
        "INSERT INTO submissions
             (received_at, submitted_by, origin, sha256, force, period, outcome, problem_count, problems, return_id)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
        params![
            at,
            actor.user(),
            row.origin,
            row.sha256,
            row.force.map(|f| f.as_str()),
            row.period.map(|p| p.to_string()),
            row.outcome.as_str(),
            len(row.problem_count),
            row.problems,
            row.return_id,
        ],
    )
    .map_err(db_error("writing the submission log"))?;
    Ok(SubmissionId(conn.last_insert_rowid()))
}

/// The first [`KEPT_PROBLEMS`] problems, one per line. A line break inside a problem (a header
/// cell may hold one) becomes a space so that each stored line is one problem.
fn problems_text(problems: &[model::Problem]) -> String {
    problems
        .iter()
        .take(KEPT_PROBLEMS)
        .map(|p| p.to_string().replace(['\n', '\r'], " "))
        .collect::<Vec<_>>()
        .join("\n")
}

/// A length as SQLite stores integers.
fn len(n: usize) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

fn return_subject(id: i64) -> String {
    format!("return:{}", ReturnId(id))
}

/// The scope whose readers may see alerts for `recipient`.
fn recipient_scope(recipient: &Recipient) -> Scope {
    match recipient {
        Recipient::Force(force) => Scope::Force(force.clone()),
        Recipient::Region(region) => Scope::Region(region.clone()),
        Recipient::National => Scope::National,
    }
}

/// The recipients whose alerts `actor` sees when asking for all of them, or `None` for every
/// recipient (national). A regional analyst sees the region's and its forces' alerts.
fn visible_recipients(actor: &Actor) -> Option<Vec<Recipient>> {
    match actor.home() {
        Scope::National => None,
        Scope::Region(region) => Some(
            std::iter::once(Recipient::Region(region.clone()))
                .chain(region.forces().map(|f| Recipient::Force(f.code.clone())))
                .collect(),
        ),
        Scope::Force(force) => Some(vec![Recipient::Force(force.clone())]),
    }
}

/// Whether `actor` works the review queue: regional and national analysts.
fn reviews(actor: &Actor) -> bool {
    matches!(
        actor.role(),
        UserRole::RegionalAnalyst | UserRole::NationalAnalyst
    )
}

/// Whether `actor`'s home scope holds either record of a pair. A regional analyst reviews the
/// pairs that touch the region (and so sees the other region's record of such a pair); a
/// national analyst, all.
fn touches_home(actor: &Actor, a: &store::RecordRef, b: &store::RecordRef) -> bool {
    actor.home().contains(&a.force) || actor.home().contains(&b.force)
}

/// `decision` as stored: its pair in order, so that (a, b) and (b, a) are one pair.
fn ordered(decision: &Decision) -> Decision {
    let mut d = decision.clone();
    if d.b < d.a {
        std::mem::swap(&mut d.a, &mut d.b);
    }
    d
}

fn pair_subject(d: &Decision) -> String {
    format!("pair:{} {} {}", d.kind, d.a, d.b)
}

/// Most uncertain first: by the distance of the probability from 1/2, then by pair id, so
/// that the order is total and the same on every backend.
fn sort_review(pairs: &mut [ReviewPair]) {
    pairs.sort_by(|x, y| {
        (x.probability - 0.5)
            .abs()
            .total_cmp(&(y.probability - 0.5).abs())
            .then_with(|| x.pair_id.cmp(&y.pair_id))
    });
}

/// Most severe first (urgent, conflict, shared, notice), then the most recently raised, then by
/// alert id.
fn sort_alerts(alerts: &mut [Alert]) {
    alerts.sort_by(|x, y| {
        y.severity
            .cmp(&x.severity)
            .then_with(|| y.raised_at.cmp(&x.raised_at))
            .then_with(|| x.alert_id.cmp(&y.alert_id))
    });
}

/// Refuses a review pair whose probability is not in [0, 1] (NaN included) before anything is
/// written: SQLite would store NaN as NULL and fail with a less helpful message.
fn check_probabilities(run: &ResolutionRun) -> Result<()> {
    match run
        .review
        .iter()
        .find(|p| !(0.0..=1.0).contains(&p.probability))
    {
        Some(p) => Err(Error::Database(format!(
            "review pair {}: probability {} is not between 0 and 1",
            p.pair_id, p.probability
        ))),
        None => Ok(()),
    }
}

impl Store for SqliteStore {
    fn submit_return(
        &mut self,
        actor: &Actor,
        submission: &Submission,
        ret: &Return,
    ) -> Result<SubmitOutcome> {
        let force = &ret.header.force;
        let period = ret.header.period;
        let at = timestamp(now());
        let tx = self.write_transaction()?;
        if !actor.may_submit_for(force) {
            let refusal = Error::Forbidden {
                actor: actor.to_string(),
                action: format!("submit returns for force {force}"),
            };
            return refuse(
                tx,
                actor,
                action::SUBMIT_RETURN,
                &format!("force:{force} period:{period}"),
                refusal,
            );
        }
        let current: Option<(i64, String)> = tx
            .query_row(
                "SELECT id, sha256 FROM returns WHERE force = ?1 AND period = ?2 AND current = 1",
                params![force.as_str(), period.to_string()],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()
            .map_err(db_error("finding the current return"))?;
        let mut log = LogRow {
            origin: &submission.origin,
            sha256: Some(&submission.sha256),
            force: Some(force),
            period: Some(period),
            outcome: SubmissionOutcome::Unchanged,
            problem_count: 0,
            problems: String::new(),
            return_id: None,
        };

        if let Some((current_id, current_sha)) = &current
            && *current_sha == submission.sha256
        {
            log.return_id = Some(*current_id);
            log_submission(&tx, actor, &at, &log)?;
            audit(
                &tx,
                actor,
                action::SUBMIT_RETURN,
                &return_subject(*current_id),
                "unchanged",
            )?;
            tx.commit().map_err(db_error("committing"))?;
            return Ok(SubmitOutcome::Unchanged {
                return_id: ReturnId(*current_id),
            });
        }

        let revision: i64 = tx
            .query_row(
                "SELECT COALESCE(MAX(revision), 0) + 1 FROM returns WHERE force = ?1 AND period = ?2",
                params![force.as_str(), period.to_string()],
                |r| r.get(0),
            )
            .map_err(db_error("numbering the revision"))?;
        let replaced = current.map(|(id, _)| id);
        // The old version stops being current before the new one is inserted: the partial
        // unique index allows only one current row per force and period at any moment.
        if let Some(old) = replaced {
            tx.execute("UPDATE returns SET current = 0 WHERE id = ?1", [old])
                .map_err(db_error("superseding the current return"))?;
        }
        tx.execute(
            "INSERT INTO returns (force, period, version, revision, submitted_by, stored_by, received_at, origin,
                                  container, sha256, current, superseded_by,
                                  n_lines, n_nominals, n_locations, n_vehicles, n_events)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, 1, NULL, ?11, ?12, ?13, ?14, ?15)",
            params![
                force.as_str(),
                period.to_string(),
                ret.header.version,
                revision,
                ret.header.submitted_by,
                actor.user(),
                at,
                submission.origin,
                submission.container.as_str(),
                submission.sha256,
                len(ret.lines.len()),
                len(ret.nominals.len()),
                len(ret.locations.len()),
                len(ret.vehicles.len()),
                len(ret.events.len()),
            ],
        )
        .map_err(db_error("inserting the return"))?;
        let return_id = tx.last_insert_rowid();
        if let Some(old) = replaced {
            tx.execute(
                "UPDATE returns SET superseded_by = ?1 WHERE id = ?2",
                [return_id, old],
            )
            .map_err(db_error("superseding the current return"))?;
        }
        {
            let mut stmt = tx
                .prepare_cached(
                    "INSERT INTO return_sources (return_id, name, bytes) VALUES (?1, ?2, ?3)",
                )
                .map_err(db_error("storing the source files"))?;
            for file in &submission.files {
                stmt.execute(params![return_id, file.name, file.bytes])
                    .map_err(db_error("storing the source files"))?;
            }
        }
        records::insert_all(&tx, return_id, ret)?;

        log.outcome = SubmissionOutcome::Accepted;
        log.return_id = Some(return_id);
        log_submission(&tx, actor, &at, &log)?;
        let mut detail = format!("revision {revision}");
        if let Some(old) = replaced {
            detail.push_str(&format!(", replaces {}", ReturnId(old)));
        }
        audit(
            &tx,
            actor,
            action::SUBMIT_RETURN,
            &return_subject(return_id),
            &detail,
        )?;
        tx.commit().map_err(db_error("committing the return"))?;

        let revision =
            u32::try_from(revision).map_err(|_| corrupt("returns", "revision", "out of range"))?;
        Ok(SubmitOutcome::Accepted {
            return_id: ReturnId(return_id),
            revision,
            replaced: replaced.map(ReturnId),
        })
    }

    fn record_rejection(&mut self, actor: &Actor, rejection: &Rejection) -> Result<SubmissionId> {
        // Logging a failed attempt is never refused, whoever made it: hiding attempts would
        // defeat the log. The problems may quote submitted values, so the entry is audited.
        let at = timestamp(now());
        let tx = self.write_transaction()?;
        let log = LogRow {
            origin: &rejection.origin,
            sha256: rejection.sha256.as_deref(),
            force: rejection.force.as_ref(),
            period: rejection.period,
            outcome: SubmissionOutcome::Rejected,
            problem_count: rejection.problems.len(),
            problems: problems_text(&rejection.problems),
            return_id: None,
        };
        let id = log_submission(&tx, actor, &at, &log)?;
        let subject = match &rejection.force {
            Some(force) => format!("force:{force}"),
            None => "unknown force".to_string(),
        };
        audit(
            &tx,
            actor,
            action::RECORD_REJECTION,
            &subject,
            &format!("{id}, {} problems", rejection.problems.len()),
        )?;
        tx.commit().map_err(db_error("committing the rejection"))?;
        Ok(id)
    }

    fn returns(&mut self, actor: &Actor, scope: &Scope, history: bool) -> Result<Vec<ReturnInfo>> {
        if let Err(refusal) = store::check_read(actor, scope) {
            let tx = self.write_transaction()?;
            return refuse(tx, actor, action::LIST_RETURNS, &scope.to_string(), refusal);
        }
        let mut all = list_returns(&self.conn, history)?;
        all.retain(|info| scope.contains(&info.force));
        Ok(all)
    }

    fn load_return(&mut self, actor: &Actor, id: ReturnId) -> Result<(ReturnInfo, Return)> {
        let tx = self.write_transaction()?;
        let Some(info) = find_return(&tx, id)? else {
            return Err(Error::NotFound {
                what: format!("return {id}"),
            });
        };
        if let Err(refusal) = store::check_read(actor, &Scope::Force(info.force.clone())) {
            return refuse(
                tx,
                actor,
                action::READ_RETURN,
                &return_subject(id.0),
                refusal,
            );
        }
        let header = header_of(&info);
        let ret = records::load_all(&tx, id.0, header)?;
        audit(
            &tx,
            actor,
            action::READ_RETURN,
            &return_subject(id.0),
            &format!("force:{}", info.force),
        )?;
        tx.commit().map_err(db_error("committing the audit log"))?;
        Ok((info, ret))
    }

    fn load_current(&mut self, actor: &Actor, scope: &Scope) -> Result<Vec<(ReturnInfo, Return)>> {
        let tx = self.write_transaction()?;
        if let Err(refusal) = store::check_read(actor, scope) {
            return refuse(tx, actor, action::READ_RETURNS, &scope.to_string(), refusal);
        }
        let mut out = Vec::new();
        for info in list_returns(&tx, false)? {
            if scope.contains(&info.force) {
                let header = header_of(&info);
                let ret = records::load_all(&tx, info.id.0, header)?;
                out.push((info, ret));
            }
        }
        let ids: Vec<String> = out.iter().map(|(info, _)| info.id.to_string()).collect();
        audit(
            &tx,
            actor,
            action::READ_RETURNS,
            &scope.to_string(),
            &ids.join(","),
        )?;
        tx.commit().map_err(db_error("committing the audit log"))?;
        Ok(out)
    }

    fn submissions(&mut self, actor: &Actor, scope: &Scope) -> Result<Vec<SubmissionEntry>> {
        let tx = self.write_transaction()?;
        if let Err(refusal) = store::check_read(actor, scope) {
            return refuse(
                tx,
                actor,
                action::READ_SUBMISSIONS,
                &scope.to_string(),
                refusal,
            );
        }
        let mut out = Vec::new();
        {
            let mut stmt = tx
                .prepare_cached(
                    "SELECT id, received_at, submitted_by, origin, sha256, force, period, outcome, problem_count,
                            problems, return_id
                     FROM submissions ORDER BY id",
                )
                .map_err(db_error("reading the submission log"))?;
            let mut rows = stmt
                .query([])
                .map_err(db_error("reading the submission log"))?;
            const T: &str = "submissions";
            while let Some(r) = rows
                .next()
                .map_err(db_error("reading the submission log"))?
            {
                let force: Option<String> = get(r, 5, T, "force")?;
                let force: Option<ForceCode> = force.map(|f| parse(T, "force", &f)).transpose()?;
                // An entry that names no force is visible nationally only.
                let visible = match &force {
                    Some(force) => scope.contains(force),
                    None => *scope == Scope::National,
                };
                if !visible {
                    continue;
                }
                let received_at: String = get(r, 1, T, "received_at")?;
                let period: Option<String> = get(r, 6, T, "period")?;
                let outcome: String = get(r, 7, T, "outcome")?;
                let problems: String = get(r, 9, T, "problems")?;
                out.push(SubmissionEntry {
                    id: SubmissionId(get(r, 0, T, "id")?),
                    received_at: parse_timestamp(T, "received_at", &received_at)?,
                    submitted_by: get(r, 2, T, "submitted_by")?,
                    origin: get(r, 3, T, "origin")?,
                    sha256: get(r, 4, T, "sha256")?,
                    force,
                    period: period.map(|p| parse(T, "period", &p)).transpose()?,
                    outcome: parse(T, "outcome", &outcome)?,
                    problem_count: count(T, "problem_count", get(r, 8, T, "problem_count")?)?,
                    problems: if problems.is_empty() {
                        Vec::new()
                    } else {
                        problems.split('\n').map(str::to_string).collect()
                    },
                    return_id: get::<Option<i64>>(r, 10, T, "return_id")?.map(ReturnId),
                });
            }
        }
        audit(
            &tx,
            actor,
            action::READ_SUBMISSIONS,
            &scope.to_string(),
            &format!("{} entries", out.len()),
        )?;
        tx.commit().map_err(db_error("committing the audit log"))?;
        Ok(out)
    }

    fn audit_log(&mut self, actor: &Actor, limit: usize) -> Result<Vec<AuditEntry>> {
        let tx = self.write_transaction()?;
        if !actor.may_read_audit() {
            let refusal = Error::Forbidden {
                actor: actor.to_string(),
                action: "read the audit log".to_string(),
            };
            return refuse(tx, actor, action::READ_AUDIT_LOG, "audit_log", refusal);
        }
        let mut out = Vec::new();
        {
            let mut stmt = tx
                .prepare_cached(
                    "SELECT id, at, user_name, role, action, subject, detail FROM audit_log ORDER BY id DESC LIMIT ?1",
                )
                .map_err(db_error("reading the audit log"))?;
            let limit = i64::try_from(limit).unwrap_or(i64::MAX);
            let mut rows = stmt
                .query([limit])
                .map_err(db_error("reading the audit log"))?;
            const T: &str = "audit_log";
            while let Some(r) = rows.next().map_err(db_error("reading the audit log"))? {
                let at: String = get(r, 1, T, "at")?;
                out.push(AuditEntry {
                    id: get(r, 0, T, "id")?,
                    at: parse_timestamp(T, "at", &at)?,
                    user: get(r, 2, T, "user_name")?,
                    role: get(r, 3, T, "role")?,
                    action: get(r, 4, T, "action")?,
                    subject: get(r, 5, T, "subject")?,
                    detail: get(r, 6, T, "detail")?,
                });
            }
        }
        // Logged after the read, so the entries returned are those before this call.
        audit(
            &tx,
            actor,
            action::READ_AUDIT_LOG,
            "audit_log",
            &format!("limit {limit}"),
        )?;
        tx.commit().map_err(db_error("committing the audit log"))?;
        Ok(out)
    }

    fn record_access(
        &mut self,
        actor: &Actor,
        action: &str,
        subject: &str,
        detail: &str,
    ) -> Result<()> {
        let tx = self.write_transaction()?;
        audit(&tx, actor, action, subject, detail)?;
        tx.commit().map_err(db_error("committing the audit log"))
    }

    fn table_counts(&mut self) -> Result<Vec<(String, i64)>> {
        // One read transaction, so that the counts are of one moment.
        let tx = self
            .conn
            .transaction()
            .map_err(db_error("starting a transaction"))?;
        let mut out = Vec::with_capacity(TABLES.len());
        for table in TABLES {
            let n: i64 = tx
                .query_row(&format!("SELECT COUNT(*) FROM {table}"), [], |r| r.get(0))
                .map_err(db_error("counting rows"))?;
            out.push((table.to_string(), n));
        }
        tx.commit().map_err(db_error("ending a transaction"))?;
        Ok(out)
    }

    fn save_resolution(&mut self, actor: &Actor, run: &ResolutionRun) -> Result<()> {
        let at = timestamp(now());
        let tx = self.write_transaction()?;
        if actor.role() != UserRole::NationalAnalyst {
            let refusal = Error::Forbidden {
                actor: actor.to_string(),
                action: "save a resolution run (national analysts only)".to_string(),
            };
            return refuse(tx, actor, action::SAVE_RESOLUTION, "resolution", refusal);
        }
        check_probabilities(run)?;
        let replaced = derived::replace_run(&tx, run, actor.user(), &at)?;
        let detail = format!(
            "{} members, {} review pairs, {} alerts ({} new)",
            run.members.len(),
            run.review.len(),
            run.alerts.len(),
            replaced.new_alerts
        );
        audit(&tx, actor, action::SAVE_RESOLUTION, "resolution", &detail)?;
        tx.commit()
            .map_err(db_error("committing the resolution run"))
    }

    fn entity_members(&mut self, actor: &Actor, scope: &Scope) -> Result<Vec<EntityMember>> {
        let tx = self.write_transaction()?;
        if let Err(refusal) = store::check_read(actor, scope) {
            return refuse(
                tx,
                actor,
                action::READ_ENTITIES,
                &scope.to_string(),
                refusal,
            );
        }
        let mut out = derived::load_members(&tx, scope)?;
        out.sort_unstable();
        audit(
            &tx,
            actor,
            action::READ_ENTITIES,
            &scope.to_string(),
            &format!("{} members", out.len()),
        )?;
        tx.commit().map_err(db_error("committing the audit log"))?;
        Ok(out)
    }

    fn resolution_model(&mut self, actor: &Actor) -> Result<Option<String>> {
        // Whoever may run resolution may read its model: every analyst, as for decisions.
        let tx = self.write_transaction()?;
        if actor.role() == UserRole::InformationManager {
            let refusal = Error::Forbidden {
                actor: actor.to_string(),
                action: "read the resolution model".to_string(),
            };
            return refuse(
                tx,
                actor,
                action::READ_RESOLUTION_MODEL,
                "resolution_model",
                refusal,
            );
        }
        let model = derived::load_model(&tx)?;
        let detail = if model.is_some() {
            "found"
        } else {
            "none saved"
        };
        audit(
            &tx,
            actor,
            action::READ_RESOLUTION_MODEL,
            "resolution_model",
            detail,
        )?;
        tx.commit().map_err(db_error("committing the audit log"))?;
        Ok(model)
    }

    fn review_queue(&mut self, actor: &Actor) -> Result<Vec<ReviewPair>> {
        // "Most uncertain first" is the probability nearest 1/2 first (`sort_review`): working
        // down the queue, an analyst meets the pairs the model can least tell apart before the
        // near-certainties at either end. Pairs already decided are left out, since a decision
        // is final, and a regional analyst gets the pairs with a record in the region.
        let tx = self.write_transaction()?;
        if !reviews(actor) {
            let refusal = Error::Forbidden {
                actor: actor.to_string(),
                action: "read the review queue".to_string(),
            };
            return refuse(
                tx,
                actor,
                action::READ_REVIEW_QUEUE,
                "review_queue",
                refusal,
            );
        }
        let mut out = derived::load_review(&tx)?;
        out.retain(|p| touches_home(actor, &p.a, &p.b));
        sort_review(&mut out);
        audit(
            &tx,
            actor,
            action::READ_REVIEW_QUEUE,
            "review_queue",
            &format!("{} pairs in {}", out.len(), actor.home()),
        )?;
        tx.commit().map_err(db_error("committing the audit log"))?;
        Ok(out)
    }

    fn record_decision(&mut self, actor: &Actor, decision: &Decision) -> Result<()> {
        let mut decision = ordered(decision);
        decision.decided_by = actor.user().to_string();
        decision.decided_at = now();
        let subject = pair_subject(&decision);
        let tx = self.write_transaction()?;
        if !reviews(actor) || !touches_home(actor, &decision.a, &decision.b) {
            let refusal = Error::Forbidden {
                actor: actor.to_string(),
                action: format!("decide {subject}"),
            };
            return refuse(tx, actor, action::RECORD_DECISION, &subject, refusal);
        }
        derived::insert_decision(&tx, &decision)?;
        let detail = if decision.same { "same" } else { "not same" };
        audit(&tx, actor, action::RECORD_DECISION, &subject, detail)?;
        tx.commit().map_err(db_error("committing the decision"))
    }

    fn decisions(&mut self, actor: &Actor) -> Result<Vec<Decision>> {
        // Every analyst may read them: resolution, whoever runs it, must honour them.
        let tx = self.write_transaction()?;
        if actor.role() == UserRole::InformationManager {
            let refusal = Error::Forbidden {
                actor: actor.to_string(),
                action: "read review decisions".to_string(),
            };
            return refuse(tx, actor, action::READ_DECISIONS, "decisions", refusal);
        }
        let out = derived::load_decisions(&tx)?;
        audit(
            &tx,
            actor,
            action::READ_DECISIONS,
            "decisions",
            &format!("{} in force", out.len()),
        )?;
        tx.commit().map_err(db_error("committing the audit log"))?;
        Ok(out)
    }

    fn record_order(&mut self, actor: &Actor, order: &Order) -> Result<()> {
        let subject = format!("number {}", order.number);
        let tx = self.write_transaction()?;
        if !reviews(actor) {
            let refusal = Error::Forbidden {
                actor: actor.to_string(),
                action: format!("record an order on {}", order.number),
            };
            return refuse(tx, actor, action::RECORD_ORDER, &subject, refusal);
        }
        tx.execute(
            "INSERT INTO orders (number, status, line, order_date, recorded_by, recorded_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![
                order.number,
                order.status.as_str(),
                order.line,
                order.date.format("%Y-%m-%d").to_string(),
                actor.user(),
                timestamp(now())
            ],
        )
        .map_err(db_error("storing an order"))?;
        let detail = format!("{} {}", order.status, order.date);
        audit(&tx, actor, action::RECORD_ORDER, &subject, &detail)?;
        tx.commit().map_err(db_error("committing the order"))
    }

    fn orders(&mut self, actor: &Actor) -> Result<Vec<Order>> {
        const T: &str = "orders";
        const CONTEXT: &str = "reading orders";
        let tx = self.write_transaction()?;
        if !reviews(actor) {
            let refusal = Error::Forbidden {
                actor: actor.to_string(),
                action: "read restriction orders".to_string(),
            };
            return refuse(tx, actor, action::READ_ORDERS, "orders", refusal);
        }
        let mut out = Vec::new();
        {
            let mut stmt = tx
                .prepare_cached(
                    "SELECT number, status, line, order_date, recorded_by, recorded_at
                     FROM orders ORDER BY id",
                )
                .map_err(db_error(CONTEXT))?;
            let mut rows = stmt.query([]).map_err(db_error(CONTEXT))?;
            while let Some(r) = rows.next().map_err(db_error(CONTEXT))? {
                let status: String = r.get(1).map_err(|e| corrupt(T, "status", e))?;
                let date: String = r.get(3).map_err(|e| corrupt(T, "order_date", e))?;
                let at: String = r.get(5).map_err(|e| corrupt(T, "recorded_at", e))?;
                out.push(Order {
                    number: r.get(0).map_err(|e| corrupt(T, "number", e))?,
                    status: parse(T, "status", &status)?,
                    line: r.get(2).map_err(|e| corrupt(T, "line", e))?,
                    date: parse(T, "order_date", &date)?,
                    recorded_by: r.get(4).map_err(|e| corrupt(T, "recorded_by", e))?,
                    recorded_at: parse_timestamp(T, "recorded_at", &at)?,
                });
            }
        }
        audit(
            &tx,
            actor,
            action::READ_ORDERS,
            "orders",
            &format!("{} orders", out.len()),
        )?;
        tx.commit().map_err(db_error("committing the audit log"))?;
        Ok(out)
    }

    fn alerts(&mut self, actor: &Actor, recipient: Option<&Recipient>) -> Result<Vec<Alert>> {
        // Asking for every alert is asking for those of one's home scope, which an
        // information manager may not read.
        let (subject, allowed) = match recipient {
            Some(recipient) => (
                recipient.to_string(),
                actor.may_read(&recipient_scope(recipient)),
            ),
            None => (actor.home().to_string(), actor.may_read(actor.home())),
        };
        let tx = self.write_transaction()?;
        if !allowed {
            let refusal = Error::Forbidden {
                actor: actor.to_string(),
                action: format!("read alerts for {subject}"),
            };
            return refuse(tx, actor, action::READ_ALERTS, &subject, refusal);
        }
        let wanted = match recipient {
            Some(recipient) => Some(vec![recipient.clone()]),
            None => visible_recipients(actor),
        };
        let mut out = derived::load_alerts(&tx, wanted.as_deref())?;
        sort_alerts(&mut out);
        audit(
            &tx,
            actor,
            action::READ_ALERTS,
            &subject,
            &format!("{} alerts", out.len()),
        )?;
        tx.commit().map_err(db_error("committing the audit log"))?;
        Ok(out)
    }

    fn save_replacement_links(&mut self, actor: &Actor, run: &LinkRun) -> Result<LinksSaved> {
        let at = timestamp(now());
        let subject = format!("analysis:{}", run.analysis);
        let tx = self.write_transaction()?;
        if let Err(refusal) = store::check_link_saver(actor) {
            return refuse(tx, actor, action::SAVE_REPLACEMENT_LINKS, &subject, refusal);
        }
        store::check_link_run(run)?;
        let saved = derived::replace_links(&tx, run, &at)?;
        let detail = store::link_run_detail(run, &saved);
        audit(
            &tx,
            actor,
            action::SAVE_REPLACEMENT_LINKS,
            &subject,
            &detail,
        )?;
        tx.commit()
            .map_err(db_error("committing the replacement links"))?;
        Ok(saved)
    }

    fn replacement_links(&mut self, actor: &Actor, scope: &Scope) -> Result<Vec<ReplacementLink>> {
        let tx = self.write_transaction()?;
        if let Err(refusal) = store::check_read(actor, scope) {
            return refuse(
                tx,
                actor,
                action::READ_REPLACEMENT_LINKS,
                &scope.to_string(),
                refusal,
            );
        }
        let out = store::links_in_scope(derived::load_links(&tx)?, scope);
        audit(
            &tx,
            actor,
            action::READ_REPLACEMENT_LINKS,
            &scope.to_string(),
            &format!("{} links", out.len()),
        )?;
        tx.commit().map_err(db_error("committing the audit log"))?;
        Ok(out)
    }
}

/// Creates a new database file readable and writable by its owner only: it holds intelligence
/// about children. SQLite gives its `-wal` and `-shm` files the same permissions. An existing
/// file is left as its owner set it.
fn create_private(path: &Path) -> Result<()> {
    if path.exists() {
        return Ok(());
    }
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    match options.open(path) {
        Ok(_) => Ok(()),
        // Another process created it first: fine, it is theirs to have set.
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
        Err(e) => Err(Error::Database(format!(
            "opening SQLite database {}: {e}",
            path.display()
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The migrated record tables hold `return_id`, `row` and exactly the codec's columns, and
    /// [`TABLES`] names every table of the schema.
    #[test]
    fn schema_matches_the_codec() {
        let store = SqliteStore::open_in_memory().unwrap();
        for (table, columns) in store::codec::RECORD_TABLES {
            let mut stmt = store
                .conn
                .prepare(&format!("SELECT name FROM pragma_table_info('{table}')"))
                .unwrap();
            let found: Vec<String> = stmt
                .query_map([], |r| r.get(0))
                .unwrap()
                .map(|c| c.unwrap())
                .collect();
            let mut expected = vec!["return_id".to_string(), "row".to_string()];
            expected.extend(columns.iter().map(|c| c.to_string()));
            assert_eq!(found, expected, "table {table}");
        }
        let mut stmt = store
            .conn
            .prepare("SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
            .unwrap();
        let tables: Vec<String> = stmt
            .query_map([], |r| r.get(0))
            .unwrap()
            .map(|c| c.unwrap())
            .collect();
        assert_eq!(tables, TABLES);
        assert_eq!(store.schema_version().unwrap(), SCHEMA_VERSION);
    }

    #[test]
    fn timestamps_sort_as_text() {
        let early = DateTime::parse_from_rfc3339("2026-03-01T09:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        let late = early + chrono::Duration::microseconds(1);
        assert_eq!(timestamp(early), "2026-03-01T09:00:00.000000Z");
        assert!(timestamp(early) < timestamp(late));
        assert_eq!(parse_timestamp("t", "c", &timestamp(late)).unwrap(), late);
    }

    #[test]
    fn problems_are_kept_one_per_line() {
        let problems: Vec<model::Problem> = (0..25)
            .map(|i| {
                model::Problem::cell(
                    model::Table::Nominals,
                    i + 2,
                    "dob\nx",
                    "99/99/9999",
                    "no such day",
                )
            })
            .collect();
        let text = problems_text(&problems);
        assert_eq!(text.lines().count(), KEPT_PROBLEMS);
        assert!(
            text.starts_with("nominals row 2 column dob x value \"99/99/9999\": no such day\n")
        );
    }
}
