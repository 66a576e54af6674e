//! crossline's deployment store: [`PostgresStore`] keeps returns, their history, the files as
//! received, the submission log and the audit log in a PostgreSQL database.
//!
//! It implements [`store::Store`] with the same schema shape and the same behaviour as the
//! SQLite store (the shared story in `test-support` runs against both): every write is one
//! transaction, permissions are checked (and refusals audited) inside the transaction that
//! would read or write, and the record tables hold exactly the [`store::codec`] columns. The
//! schema lives in `migrations/` and is applied on connect ([`SCHEMA_VERSION`]).
//!
//! It deliberately does not choose between backends (the engine does, from
//! [`store::StoreSettings`]), does not validate returns (they arrive validated), does not pool
//! connections (one store is one connection; open one per thread) and does not speak TLS yet:
//! it connects without it, so a URL asking for `sslmode=require` fails.
//!
//! Performance: records go in with `COPY … FROM STDIN` (see `records.rs`), as fast as psql's
//! `\copy` of the same rows into the same tables (1M nominals: about 5 to 6 s, of which the
//! foreign key on `return_id` is some 2.5 s and the `(return_id, row)` key 1.2 s; a bare COPY
//! takes 2.1 s). `examples/postgres_bulk_insert.rs` measures it. Concurrent submissions for the
//! same force and period are serialised with a transaction-scoped advisory lock, so the second
//! sees the first's result instead of failing on the revision number.
//!
//! What resolution derives (entity memberships, the review queue, alerts, the model) and
//! analysts' decisions are kept in the tables of schema version 2 (`derived.rs`), written with
//! `TRUNCATE` and `COPY`, and the replacement numbers linked to entities (with their alerts) in
//! those of version 4; the rules for who may read and write them are in the [`Store`] methods
//! below, the same as the SQLite store's.

mod derived;
mod migrate;
mod records;

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, SubsecRound, Utc};
use model::{
    Actor, ForceCode, Period, Return, ReturnHeader, ReturnId, Scope, SubmissionId, UserRole,
};
use postgres::types::ToSql;
use postgres::{Client, NoTls, Transaction};
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

/// Audit actions, as stored in `audit_log.action`. The same words as the SQLite store's.
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

/// A [`Store`] in a PostgreSQL database, over one connection.
pub struct PostgresStore {
    client: Client,
    /// The connection URL with any password hidden, for messages.
    location: String,
}

impl fmt::Debug for PostgresStore {
    // Never prints a password.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PostgresStore")
            .field("location", &self.location)
            .finish()
    }
}

impl PostgresStore {
    /// Connects to the database at `url` (`postgres://user@host:5432/dbname`, or a key=value
    /// connection string) and brings its schema up to date. Fails with
    /// [`Error::SchemaTooNew`] on a database written by a newer crossline.
    pub fn connect(url: &str) -> Result<PostgresStore> {
        let location = store::StoreSettings::parse(url)
            .map(|s| s.redacted())
            .unwrap_or_else(|_| "-".to_string());
        let mut client = Client::connect(url, NoTls).map_err(|e| {
            Error::Database(format!(
                "connecting to PostgreSQL at {location}: {}",
                describe(&e)
            ))
        })?;
        migrate::run(&mut client)?;
        Ok(PostgresStore { client, location })
    }

    /// The schema version of the database (equal to [`SCHEMA_VERSION`] once connected).
    pub fn schema_version(&mut self) -> Result<i64> {
        migrate::current_version(&mut self.client)
    }

    fn transaction(&mut self) -> Result<Transaction<'_>> {
        self.client
            .transaction()
            .map_err(db_error("starting a transaction"))
    }
}

/// A [`postgres::Error`] as a store error, saying what was being done.
pub(crate) fn db_error(context: &str) -> impl Fn(postgres::Error) -> Error + '_ {
    move |e| Error::Database(format!("{context}: {}", describe(&e)))
}

/// The whole of a [`postgres::Error`] on one line: its `Display` alone says only "db error"
/// and leaves the server's message in the source chain.
pub fn describe(e: &postgres::Error) -> String {
    if let Some(db) = e.as_db_error() {
        let mut text = db.message().to_string();
        if let Some(detail) = db.detail() {
            text.push_str(&format!(" ({detail})"));
        }
        return text;
    }
    let mut text = e.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(cause) = source {
        text.push_str(&format!(": {cause}"));
        source = cause.source();
    }
    text
}

/// The present moment at the precision both backends keep (microseconds).
fn now() -> DateTime<Utc> {
    Utc::now().trunc_subsecs(6)
}

fn corrupt(table: &'static str, column: &'static str, reason: impl fmt::Display) -> Error {
    Error::Corrupt {
        table,
        column,
        reason: reason.to_string(),
    }
}

fn parse<T: FromStr>(table: &'static str, column: &'static str, text: &str) -> Result<T>
where
    T::Err: fmt::Display,
{
    text.parse()
        .map_err(|e: T::Err| corrupt(table, column, format!("{text:?}: {e}")))
}

fn get<'a, T: postgres::types::FromSql<'a>>(
    row: &'a postgres::Row,
    index: usize,
    table: &'static str,
    column: &'static str,
) -> Result<T> {
    row.try_get(index).map_err(|e| corrupt(table, column, e))
}

fn count(table: &'static str, column: &'static str, n: i32) -> Result<u32> {
    u32::try_from(n).map_err(|_| corrupt(table, column, format!("{n} is out of range")))
}

/// A count as PostgreSQL's INTEGER.
fn int(what: &str, n: usize) -> Result<i32> {
    i32::try_from(n).map_err(|_| Error::Database(format!("{what} ({n}) is too large to store")))
}

/// Reads a `returns` row selected with [`INFO_COLUMNS`].
fn read_info(r: &postgres::Row) -> Result<ReturnInfo> {
    const T: &str = "returns";
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
        force: parse(T, "force", get(r, 1, T, "force")?)?,
        period: parse(T, "period", get(r, 2, T, "period")?)?,
        version: count(T, "version", get(r, 3, T, "version")?)?,
        revision: count(T, "revision", get(r, 4, T, "revision")?)?,
        submitted_by: get(r, 5, T, "submitted_by")?,
        stored_by: get(r, 6, T, "stored_by")?,
        received_at: get(r, 7, T, "received_at")?,
        origin: get(r, 8, T, "origin")?,
        container: parse(T, "container", get(r, 9, T, "container")?)?,
        sha256: get(r, 10, T, "sha256")?,
        current: get(r, 11, T, "current")?,
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
fn list_returns(tx: &mut Transaction<'_>, history: bool) -> Result<Vec<ReturnInfo>> {
    let filter = if history { "" } else { "WHERE current" };
    let sql =
        format!("SELECT {INFO_COLUMNS} FROM returns {filter} ORDER BY force, period, revision");
    let rows = tx.query(&sql, &[]).map_err(db_error("listing returns"))?;
    rows.iter().map(read_info).collect()
}

fn find_return(tx: &mut Transaction<'_>, id: ReturnId) -> Result<Option<ReturnInfo>> {
    let sql = format!("SELECT {INFO_COLUMNS} FROM returns WHERE id = $1");
    let row = tx
        .query_opt(&sql, &[&id.0])
        .map_err(db_error("reading a return"))?;
    row.as_ref().map(read_info).transpose()
}

/// Appends one audit entry.
fn audit(
    tx: &mut Transaction<'_>,
    actor: &Actor,
    action: &str,
    subject: &str,
    detail: &str,
) -> Result<()> {
    tx.execute(
        "INSERT INTO audit_log (at, user_name, role, action, subject, detail) VALUES ($1, $2, $3, $4, $5, $6)",
        &[&now(), &actor.user(), &actor.role().as_str(), &action, &subject, &detail],
    )
    .map(|_| ())
    .map_err(db_error("writing the audit log"))
}

/// Audits a refusal of `attempted` on `subject` and commits it, then returns `refusal`.
fn refuse<T>(
    mut tx: Transaction<'_>,
    actor: &Actor,
    attempted: &str,
    subject: &str,
    refusal: Error,
) -> Result<T> {
    audit(&mut tx, actor, action::DENIED, subject, attempted)?;
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
    tx: &mut Transaction<'_>,
    actor: &Actor,
    at: DateTime<Utc>,
    row: &LogRow<'_>,
) -> Result<SubmissionId> {
    let params: [&(dyn ToSql + Sync); 10] = [
        &at,
        &actor.user(),
        &row.origin,
        &row.sha256,
        &row.force.map(|f| f.as_str()),
        &row.period.map(|p| p.to_string()),
        &row.outcome.as_str(),
        &int("the problem count", row.problem_count)?,
        &row.problems,
        &row.return_id,
    ];
    let id: i64 = tx
        .query_one(
            "INSERT INTO submissions
                 (received_at, submitted_by, origin, sha256, force, period, outcome, problem_count, problems, return_id)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
             RETURNING id",
            &params,
        )
        .and_then(|r| r.try_get(0))
        .map_err(db_error("writing the submission log"))?;
    Ok(SubmissionId(id))
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
/// written, with the same words as the SQLite store.
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

impl Store for PostgresStore {
    fn submit_return(
        &mut self,
        actor: &Actor,
        submission: &Submission,
        ret: &Return,
    ) -> Result<SubmitOutcome> {
        let force = &ret.header.force;
        let period = ret.header.period;
        let period_text = period.to_string();
        let at = now();
        let mut tx = self.transaction()?;
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
        // Serialise submissions for one force and period: without this, two at once would both
        // compute the same revision and the second would fail on the unique index.
        let lock_key = format!("crossline submit {force} {period}");
        tx.execute(
            "SELECT pg_advisory_xact_lock(hashtextextended($1, 0))",
            &[&lock_key],
        )
        .map_err(db_error("locking the force's period"))?;
        let current: Option<(i64, String)> = tx
            .query_opt(
                "SELECT id, sha256 FROM returns WHERE force = $1 AND period = $2 AND current",
                &[&force.as_str(), &period_text],
            )
            .map_err(db_error("finding the current return"))?
            .map(|r| Ok::<_, postgres::Error>((r.try_get(0)?, r.try_get(1)?)))
            .transpose()
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
            log_submission(&mut tx, actor, at, &log)?;
            audit(
                &mut tx,
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

        let revision: i32 = tx
            .query_one(
                "SELECT COALESCE(MAX(revision), 0) + 1 FROM returns WHERE force = $1 AND period = $2",
                &[&force.as_str(), &period_text],
            )
            .and_then(|r| r.try_get(0))
            .map_err(db_error("numbering the revision"))?;
        let replaced = current.map(|(id, _)| id);
        // The old version stops being current before the new one is inserted: the partial
        // unique index allows only one current row per force and period at any moment.
        if let Some(old) = replaced {
            tx.execute("UPDATE returns SET current = false WHERE id = $1", &[&old])
                .map_err(db_error("superseding the current return"))?;
        }
        let version = i32::try_from(ret.header.version).map_err(|_| {
            Error::Database(format!(
                "format version {} is too large",
                ret.header.version
            ))
        })?;
        let params: [&(dyn ToSql + Sync); 15] = [
            &force.as_str(),
            &period_text,
            &version,
            &revision,
            &ret.header.submitted_by,
            &actor.user(),
            &at,
            &submission.origin,
            &submission.container.as_str(),
            &submission.sha256,
            &int("the number of lines", ret.lines.len())?,
            &int("the number of nominals", ret.nominals.len())?,
            &int("the number of locations", ret.locations.len())?,
            &int("the number of vehicles", ret.vehicles.len())?,
            &int("the number of events", ret.events.len())?,
        ];
        let return_id: i64 = tx
            .query_one(
                "INSERT INTO returns (force, period, version, revision, submitted_by, stored_by, received_at, origin,
                                      container, sha256, current, superseded_by,
                                      n_lines, n_nominals, n_locations, n_vehicles, n_events)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, true, NULL, $11, $12, $13, $14, $15)
                 RETURNING id",
                &params,
            )
            .and_then(|r| r.try_get(0))
            .map_err(db_error("inserting the return"))?;
        if let Some(old) = replaced {
            tx.execute(
                "UPDATE returns SET superseded_by = $1 WHERE id = $2",
                &[&return_id, &old],
            )
            .map_err(db_error("superseding the current return"))?;
        }
        if !submission.files.is_empty() {
            let stmt = tx
                .prepare("INSERT INTO return_sources (return_id, name, bytes) VALUES ($1, $2, $3)")
                .map_err(db_error("storing the source files"))?;
            for file in &submission.files {
                tx.execute(&stmt, &[&return_id, &file.name, &file.bytes])
                    .map_err(db_error("storing the source files"))?;
            }
        }
        records::insert_all(&mut tx, return_id, ret)?;

        log.outcome = SubmissionOutcome::Accepted;
        log.return_id = Some(return_id);
        log_submission(&mut tx, actor, at, &log)?;
        let mut detail = format!("revision {revision}");
        if let Some(old) = replaced {
            detail.push_str(&format!(", replaces {}", ReturnId(old)));
        }
        audit(
            &mut tx,
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
        let at = now();
        let mut tx = self.transaction()?;
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
        let id = log_submission(&mut tx, actor, at, &log)?;
        let subject = match &rejection.force {
            Some(force) => format!("force:{force}"),
            None => "unknown force".to_string(),
        };
        let detail = format!("{id}, {} problems", rejection.problems.len());
        audit(&mut tx, actor, action::RECORD_REJECTION, &subject, &detail)?;
        tx.commit().map_err(db_error("committing the rejection"))?;
        Ok(id)
    }

    fn returns(&mut self, actor: &Actor, scope: &Scope, history: bool) -> Result<Vec<ReturnInfo>> {
        let mut tx = self.transaction()?;
        if let Err(refusal) = store::check_read(actor, scope) {
            return refuse(tx, actor, action::LIST_RETURNS, &scope.to_string(), refusal);
        }
        let mut all = list_returns(&mut tx, history)?;
        tx.commit().map_err(db_error("ending a transaction"))?;
        all.retain(|info| scope.contains(&info.force));
        Ok(all)
    }

    fn load_return(&mut self, actor: &Actor, id: ReturnId) -> Result<(ReturnInfo, Return)> {
        let mut tx = self.transaction()?;
        let Some(info) = find_return(&mut tx, id)? else {
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
        let ret = records::load_all(&mut tx, id.0, header_of(&info))?;
        audit(
            &mut tx,
            actor,
            action::READ_RETURN,
            &return_subject(id.0),
            &format!("force:{}", info.force),
        )?;
        tx.commit().map_err(db_error("committing the audit log"))?;
        Ok((info, ret))
    }

    fn load_current(&mut self, actor: &Actor, scope: &Scope) -> Result<Vec<(ReturnInfo, Return)>> {
        let mut tx = self.transaction()?;
        if let Err(refusal) = store::check_read(actor, scope) {
            return refuse(tx, actor, action::READ_RETURNS, &scope.to_string(), refusal);
        }
        let mut out = Vec::new();
        for info in list_returns(&mut tx, false)? {
            if scope.contains(&info.force) {
                let ret = records::load_all(&mut tx, info.id.0, header_of(&info))?;
                out.push((info, ret));
            }
        }
        let ids: Vec<String> = out.iter().map(|(info, _)| info.id.to_string()).collect();
        audit(
            &mut tx,
            actor,
            action::READ_RETURNS,
            &scope.to_string(),
            &ids.join(","),
        )?;
        tx.commit().map_err(db_error("committing the audit log"))?;
        Ok(out)
    }

    fn submissions(&mut self, actor: &Actor, scope: &Scope) -> Result<Vec<SubmissionEntry>> {
        let mut tx = self.transaction()?;
        if let Err(refusal) = store::check_read(actor, scope) {
            return refuse(
                tx,
                actor,
                action::READ_SUBMISSIONS,
                &scope.to_string(),
                refusal,
            );
        }
        let rows = tx
            .query(
                "SELECT id, received_at, submitted_by, origin, sha256, force, period, outcome, problem_count,
                        problems, return_id
                 FROM submissions ORDER BY id",
                &[],
            )
            .map_err(db_error("reading the submission log"))?;
        let mut out = Vec::new();
        const T: &str = "submissions";
        for r in &rows {
            let force: Option<&str> = get(r, 5, T, "force")?;
            let force: Option<ForceCode> = force.map(|f| parse(T, "force", f)).transpose()?;
            // An entry that names no force is visible nationally only.
            let visible = match &force {
                Some(force) => scope.contains(force),
                None => *scope == Scope::National,
            };
            if !visible {
                continue;
            }
            let period: Option<&str> = get(r, 6, T, "period")?;
            let problems: &str = get(r, 9, T, "problems")?;
            out.push(SubmissionEntry {
                id: SubmissionId(get(r, 0, T, "id")?),
                received_at: get(r, 1, T, "received_at")?,
                submitted_by: get(r, 2, T, "submitted_by")?,
                origin: get(r, 3, T, "origin")?,
                sha256: get(r, 4, T, "sha256")?,
                force,
                period: period.map(|p| parse(T, "period", p)).transpose()?,
                outcome: parse(T, "outcome", get(r, 7, T, "outcome")?)?,
                problem_count: count(T, "problem_count", get(r, 8, T, "problem_count")?)?,
                problems: if problems.is_empty() {
                    Vec::new()
                } else {
                    problems.split('\n').map(str::to_string).collect()
                },
                return_id: get::<Option<i64>>(r, 10, T, "return_id")?.map(ReturnId),
            });
        }
        audit(
            &mut tx,
            actor,
            action::READ_SUBMISSIONS,
            &scope.to_string(),
            &format!("{} entries", out.len()),
        )?;
        tx.commit().map_err(db_error("committing the audit log"))?;
        Ok(out)
    }

    fn audit_log(&mut self, actor: &Actor, limit: usize) -> Result<Vec<AuditEntry>> {
        let mut tx = self.transaction()?;
        if !actor.may_read_audit() {
            let refusal = Error::Forbidden {
                actor: actor.to_string(),
                action: "read the audit log".to_string(),
            };
            return refuse(tx, actor, action::READ_AUDIT_LOG, "audit_log", refusal);
        }
        let sql_limit = i64::try_from(limit).unwrap_or(i64::MAX);
        let rows = tx
            .query(
                "SELECT id, at, user_name, role, action, subject, detail FROM audit_log ORDER BY id DESC LIMIT $1",
                &[&sql_limit],
            )
            .map_err(db_error("reading the audit log"))?;
        const T: &str = "audit_log";
        let out = rows
            .iter()
            .map(|r| {
                Ok(AuditEntry {
                    id: get(r, 0, T, "id")?,
                    at: get(r, 1, T, "at")?,
                    user: get(r, 2, T, "user_name")?,
                    role: get(r, 3, T, "role")?,
                    action: get(r, 4, T, "action")?,
                    subject: get(r, 5, T, "subject")?,
                    detail: get(r, 6, T, "detail")?,
                })
            })
            .collect::<Result<Vec<_>>>()?;
        // Logged after the read, so the entries returned are those before this call.
        audit(
            &mut tx,
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
        let mut tx = self.transaction()?;
        audit(&mut tx, actor, action, subject, detail)?;
        tx.commit().map_err(db_error("committing the audit log"))
    }

    fn table_counts(&mut self) -> Result<Vec<(String, i64)>> {
        // One repeatable-read transaction, so that the counts are of one moment.
        let mut tx = self
            .client
            .build_transaction()
            .isolation_level(postgres::IsolationLevel::RepeatableRead)
            .read_only(true)
            .start()
            .map_err(db_error("starting a transaction"))?;
        let mut out = Vec::with_capacity(TABLES.len());
        for table in TABLES {
            let n: i64 = tx
                .query_one(&format!("SELECT COUNT(*) FROM {table}"), &[])
                .and_then(|r| r.try_get(0))
                .map_err(db_error("counting rows"))?;
            out.push((table.to_string(), n));
        }
        tx.commit().map_err(db_error("ending a transaction"))?;
        Ok(out)
    }

    fn save_resolution(&mut self, actor: &Actor, run: &ResolutionRun) -> Result<()> {
        let at = now();
        let mut tx = self.transaction()?;
        if actor.role() != UserRole::NationalAnalyst {
            let refusal = Error::Forbidden {
                actor: actor.to_string(),
                action: "save a resolution run (national analysts only)".to_string(),
            };
            return refuse(tx, actor, action::SAVE_RESOLUTION, "resolution", refusal);
        }
        check_probabilities(run)?;
        let replaced = derived::replace_run(&mut tx, run, actor.user(), at)?;
        let detail = format!(
            "{} members, {} review pairs, {} alerts ({} new)",
            run.members.len(),
            run.review.len(),
            run.alerts.len(),
            replaced.new_alerts
        );
        audit(
            &mut tx,
            actor,
            action::SAVE_RESOLUTION,
            "resolution",
            &detail,
        )?;
        tx.commit()
            .map_err(db_error("committing the resolution run"))
    }

    fn entity_members(&mut self, actor: &Actor, scope: &Scope) -> Result<Vec<EntityMember>> {
        let mut tx = self.transaction()?;
        if let Err(refusal) = store::check_read(actor, scope) {
            return refuse(
                tx,
                actor,
                action::READ_ENTITIES,
                &scope.to_string(),
                refusal,
            );
        }
        let mut out = derived::load_members(&mut tx, scope)?;
        out.sort_unstable();
        audit(
            &mut tx,
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
        let mut tx = self.transaction()?;
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
        let model = derived::load_model(&mut tx)?;
        let detail = if model.is_some() {
            "found"
        } else {
            "none saved"
        };
        audit(
            &mut tx,
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
        let mut tx = self.transaction()?;
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
        let mut out = derived::load_review(&mut tx)?;
        out.retain(|p| touches_home(actor, &p.a, &p.b));
        sort_review(&mut out);
        audit(
            &mut tx,
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
        let mut tx = self.transaction()?;
        if !reviews(actor) || !touches_home(actor, &decision.a, &decision.b) {
            let refusal = Error::Forbidden {
                actor: actor.to_string(),
                action: format!("decide {subject}"),
            };
            return refuse(tx, actor, action::RECORD_DECISION, &subject, refusal);
        }
        derived::insert_decision(&mut tx, &decision)?;
        let detail = if decision.same { "same" } else { "not same" };
        audit(&mut tx, actor, action::RECORD_DECISION, &subject, detail)?;
        tx.commit().map_err(db_error("committing the decision"))
    }

    fn decisions(&mut self, actor: &Actor) -> Result<Vec<Decision>> {
        // Every analyst may read them: resolution, whoever runs it, must honour them.
        let mut tx = self.transaction()?;
        if actor.role() == UserRole::InformationManager {
            let refusal = Error::Forbidden {
                actor: actor.to_string(),
                action: "read review decisions".to_string(),
            };
            return refuse(tx, actor, action::READ_DECISIONS, "decisions", refusal);
        }
        let out = derived::load_decisions(&mut tx)?;
        audit(
            &mut tx,
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
        let mut tx = self.transaction()?;
        if !reviews(actor) {
            let refusal = Error::Forbidden {
                actor: actor.to_string(),
                action: format!("record an order on {}", order.number),
            };
            return refuse(tx, actor, action::RECORD_ORDER, &subject, refusal);
        }
        tx.execute(
            "INSERT INTO orders (number, status, line, order_date, recorded_by, recorded_at)
             VALUES ($1, $2, $3, $4, $5, $6)",
            &[
                &order.number,
                &order.status.as_str(),
                &order.line,
                &order.date,
                &actor.user(),
                &now(),
            ],
        )
        .map_err(db_error("storing an order"))?;
        let detail = format!("{} {}", order.status, order.date);
        audit(&mut tx, actor, action::RECORD_ORDER, &subject, &detail)?;
        tx.commit().map_err(db_error("committing the order"))
    }

    fn orders(&mut self, actor: &Actor) -> Result<Vec<Order>> {
        const T: &str = "orders";
        let mut tx = self.transaction()?;
        if !reviews(actor) {
            let refusal = Error::Forbidden {
                actor: actor.to_string(),
                action: "read restriction orders".to_string(),
            };
            return refuse(tx, actor, action::READ_ORDERS, "orders", refusal);
        }
        let rows = tx
            .query(
                "SELECT number, status, line, order_date, recorded_by, recorded_at
                 FROM orders ORDER BY id",
                &[],
            )
            .map_err(db_error("reading orders"))?;
        let mut out = Vec::with_capacity(rows.len());
        for r in &rows {
            let status: String = get(r, 1, T, "status")?;
            out.push(Order {
                number: get(r, 0, T, "number")?,
                status: parse(T, "status", &status)?,
                line: get(r, 2, T, "line")?,
                date: get(r, 3, T, "order_date")?,
                recorded_by: get(r, 4, T, "recorded_by")?,
                recorded_at: get(r, 5, T, "recorded_at")?,
            });
        }
        audit(
            &mut tx,
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
        let mut tx = self.transaction()?;
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
        let mut out = derived::load_alerts(&mut tx, wanted.as_deref())?;
        sort_alerts(&mut out);
        audit(
            &mut tx,
            actor,
            action::READ_ALERTS,
            &subject,
            &format!("{} alerts", out.len()),
        )?;
        tx.commit().map_err(db_error("committing the audit log"))?;
        Ok(out)
    }

    fn save_replacement_links(&mut self, actor: &Actor, run: &LinkRun) -> Result<LinksSaved> {
        let at = now();
        let subject = format!("analysis:{}", run.analysis);
        let mut tx = self.transaction()?;
        if let Err(refusal) = store::check_link_saver(actor) {
            return refuse(tx, actor, action::SAVE_REPLACEMENT_LINKS, &subject, refusal);
        }
        store::check_link_run(run)?;
        let saved = derived::replace_links(&mut tx, run, at)?;
        let detail = store::link_run_detail(run, &saved);
        audit(
            &mut tx,
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
        let mut tx = self.transaction()?;
        if let Err(refusal) = store::check_read(actor, scope) {
            return refuse(
                tx,
                actor,
                action::READ_REPLACEMENT_LINKS,
                &scope.to_string(),
                refusal,
            );
        }
        let out = store::links_in_scope(derived::load_links(&mut tx)?, scope);
        audit(
            &mut tx,
            actor,
            action::READ_REPLACEMENT_LINKS,
            &scope.to_string(),
            &format!("{} links", out.len()),
        )?;
        tx.commit().map_err(db_error("committing the audit log"))?;
        Ok(out)
    }
}
