//! The storage interface: what crossline keeps and how every backend is asked for it.
//!
//! [`Store`] is the seam between the engine and the databases (`store-sqlite`, the embedded
//! default, and `store-postgres`, for deployments). Submitted returns are kept exactly as
//! validated, with their source files, and never edited; a resubmission is a new version.
//! Every call names the [`Actor`] on whose behalf it is made and every read or write of personal
//! data is written to the audit log in the same transaction.
//!
//! This crate holds no SQL: the dialects live in the backends. It does hold the [`codec`], the
//! one mapping from records to stored text columns, so that both backends store alike.

pub mod codec;
mod derived;
mod settings;
mod types;

pub use derived::*;
pub use settings::{Backend, StoreSettings};
pub use types::*;

use model::{Actor, Return, ReturnId, Scope, SubmissionId, UserRole};

/// A store failure. Bad *data* never reaches here: it is rejected with problems before.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The actor may not do this; nothing was read or written.
    #[error("{actor} may not {action}")]
    Forbidden {
        /// Who tried.
        actor: String,
        /// What they tried, in words.
        action: String,
    },
    /// No such thing is stored.
    #[error("{what} not found")]
    NotFound {
        /// What was looked for.
        what: String,
    },
    /// A stored value could not be read back: the database was changed outside crossline.
    #[error("stored data is corrupt in table {table}, column {column}: {reason}")]
    Corrupt {
        /// The table.
        table: &'static str,
        /// The column.
        column: &'static str,
        /// Why.
        reason: String,
    },
    /// The database was written by a newer crossline.
    #[error(
        "the database is at schema version {found}, newer than this program's {supported}; upgrade crossline"
    )]
    SchemaTooNew {
        /// The version found.
        found: i64,
        /// The newest this program knows.
        supported: i64,
    },
    /// The settings are unusable.
    #[error("invalid store settings: {0}")]
    Settings(String),
    /// The database failed.
    #[error("database error: {0}")]
    Database(String),
}

/// Results of store calls.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Where crossline keeps returns, their history, the submission log and the audit log.
///
/// Invariants every backend keeps:
/// - a return is written whole in one transaction, or not at all;
/// - at most one version of a force's period is current; older versions stay, marked superseded;
/// - submitting a file whose hash equals the current version's writes nothing but the log entry;
/// - every method that reads or writes personal data appends to the audit log in the same
///   transaction, and refuses (with [`Error::Forbidden`], writing an audit entry of the refusal)
///   when the actor's role does not allow it.
pub trait Store: Send {
    /// Stores a validated return for `actor`, replacing the force's current version for the period.
    fn submit_return(
        &mut self,
        actor: &Actor,
        submission: &Submission,
        ret: &Return,
    ) -> Result<SubmitOutcome>;

    /// Records that a submission was rejected (the log entry only; no data is stored).
    fn record_rejection(&mut self, actor: &Actor, rejection: &Rejection) -> Result<SubmissionId>;

    /// Describes the stored returns in `scope` (current ones, or every version with `history`).
    /// Descriptions hold no personal data.
    fn returns(&mut self, actor: &Actor, scope: &Scope, history: bool) -> Result<Vec<ReturnInfo>>;

    /// Reads one stored return whole (audited).
    fn load_return(&mut self, actor: &Actor, id: ReturnId) -> Result<(ReturnInfo, Return)>;

    /// Reads every current return in `scope` (audited once, naming the scope).
    fn load_current(&mut self, actor: &Actor, scope: &Scope) -> Result<Vec<(ReturnInfo, Return)>>;

    /// The submission log for `scope`: every attempt, accepted, unchanged or rejected, oldest first.
    fn submissions(&mut self, actor: &Actor, scope: &Scope) -> Result<Vec<SubmissionEntry>>;

    /// The audit log, newest first, at most `limit` entries (information managers and national analysts).
    fn audit_log(&mut self, actor: &Actor, limit: usize) -> Result<Vec<AuditEntry>>;

    /// Row counts of every table, for status reports and for tests that a failure changed nothing.
    fn table_counts(&mut self) -> Result<Vec<(String, i64)>>;

    /// Appends an audit entry for an access to personal data kept outside the database
    /// (communications data in Parquet beside it). The caller decides the permission and calls
    /// this before handing any of that data out, so no such read escapes the log.
    fn record_access(
        &mut self,
        actor: &Actor,
        action: &str,
        subject: &str,
        detail: &str,
    ) -> Result<()>;

    /// Saves what a resolution run derived, in one transaction: entity memberships, the review
    /// queue and the model replace the previous run's; alerts are replaced too, but an alert
    /// standing before keeps its `raised_at`. National analysts only (the run spans all forces).
    fn save_resolution(&mut self, actor: &Actor, run: &ResolutionRun) -> Result<()>;

    /// Entity memberships of the records of forces in `scope` (audited).
    fn entity_members(&mut self, actor: &Actor, scope: &Scope) -> Result<Vec<EntityMember>>;

    /// The last run's model parameters, if any run was saved.
    fn resolution_model(&mut self, actor: &Actor) -> Result<Option<String>>;

    /// The review queue, most uncertain first (regional and national analysts; audited).
    fn review_queue(&mut self, actor: &Actor) -> Result<Vec<ReviewPair>>;

    /// Records an analyst's decision (regional and national analysts; audited). A later decision
    /// on the same pair supersedes an earlier one; both stay.
    fn record_decision(&mut self, actor: &Actor, decision: &Decision) -> Result<()>;

    /// The decisions in force: the latest per pair, oldest first.
    fn decisions(&mut self, actor: &Actor) -> Result<Vec<Decision>>;

    /// Alerts for `recipient` (or every alert the actor may see, for `None`), most severe
    /// and newest first (audited). A force analyst sees their force's alerts, a regional analyst
    /// their region's and its forces', a national analyst all.
    fn alerts(&mut self, actor: &Actor, recipient: Option<&Recipient>) -> Result<Vec<Alert>>;

    /// Records a restriction order applied for or granted on a number (regional and national
    /// analysts; audited). The store sets `recorded_by` and `recorded_at`; orders are never
    /// deleted.
    fn record_order(&mut self, actor: &Actor, order: &Order) -> Result<()>;

    /// Every order recorded, oldest first (regional and national analysts; audited).
    fn orders(&mut self, actor: &Actor) -> Result<Vec<Order>>;

    /// Saves what one run of a replacement analysis linked and raised, in one transaction: the
    /// links and replacement alerts that `run.analysis` saved before are replaced, and nothing
    /// else is touched (resolution's memberships and deconfliction alerts stay). A link found
    /// before (same analysis, entity, old and new number) keeps its `first_linked_at`, an
    /// alert its `raised_at`. National analysts only (the analysis spans all forces).
    fn save_replacement_links(&mut self, actor: &Actor, run: &LinkRun) -> Result<LinksSaved>;

    /// The replacement links of entities held by a force in `scope`, by entity then old and
    /// new number (audited). A force analyst reads their force's, a regional analyst their
    /// region's forces', a national analyst all.
    fn replacement_links(&mut self, actor: &Actor, scope: &Scope) -> Result<Vec<ReplacementLink>>;
}

/// Refuses a link run that breaks [`LinkRun`]'s invariants or whose scores are not in
/// `[0, 1]` (NaN included), before anything is written, in the same words on every backend.
pub fn check_link_run(run: &LinkRun) -> Result<()> {
    let bad = |reason: String| Err(Error::Database(reason));
    for link in &run.links {
        if link.analysis != run.analysis || link.run_id != run.run_id {
            return bad(format!(
                "replacement link {} {} -> {}: from analysis {} run {}, saved with analysis {} run {}",
                link.entity_id,
                link.old_number,
                link.new_number,
                link.analysis,
                link.run_id,
                run.analysis,
                run.run_id
            ));
        }
        if !(0.0..=1.0).contains(&link.score) {
            return bad(format!(
                "replacement link {} {} -> {}: score {} is not between 0 and 1",
                link.entity_id, link.old_number, link.new_number, link.score
            ));
        }
    }
    if let Some(alert) = run
        .alerts
        .iter()
        .find(|a| a.topic != AlertTopic::Replacement)
    {
        return bad(format!(
            "alert {} is about {}, not a replacement",
            alert.alert_id, alert.topic
        ));
    }
    Ok(())
}

/// Checks that `actor` may save replacement links: national analysts only.
pub fn check_link_saver(actor: &Actor) -> Result<()> {
    if actor.role() == UserRole::NationalAnalyst {
        Ok(())
    } else {
        Err(Error::Forbidden {
            actor: actor.to_string(),
            action: "save replacement links (national analysts only)".to_string(),
        })
    }
}

/// The audit log's detail of a saved link run, in the same words on every backend.
pub fn link_run_detail(run: &LinkRun, saved: &LinksSaved) -> String {
    format!(
        "run {}: {} links ({} new), {} alerts ({} new)",
        run.run_id,
        run.links.len(),
        saved.new_links,
        run.alerts.len(),
        saved.new_alerts
    )
}

/// The links a reader of `scope` sees (those of entities some force of the scope holds), in
/// the order of [`sort_links`].
pub fn links_in_scope(mut links: Vec<ReplacementLink>, scope: &Scope) -> Vec<ReplacementLink> {
    links.retain(|link| link.forces.iter().any(|f| scope.contains(f)));
    sort_links(&mut links);
    links
}

/// Sorts replacement links as [`Store::replacement_links`] returns them: by entity, old
/// number, new number, then analysis, so that every backend gives the same order.
pub fn sort_links(links: &mut [ReplacementLink]) {
    links.sort_by(|x, y| {
        (&x.entity_id, &x.old_number, &x.new_number, &x.analysis).cmp(&(
            &y.entity_id,
            &y.old_number,
            &y.new_number,
            &y.analysis,
        ))
    });
}

/// Checks that `actor` may read `scope`, in the words an error should use.
pub fn check_read(actor: &Actor, scope: &Scope) -> Result<()> {
    if actor.may_read(scope) {
        Ok(())
    } else {
        Err(Error::Forbidden {
            actor: actor.to_string(),
            action: format!("read returns in scope {scope}"),
        })
    }
}
