//! Importing returns: every path is discovered, read, validated and stored whole, or rejected
//! whole with every problem listed. A rejection stores nothing but its line in the submission log.
//!
//! Reading and validating the next return overlaps with storing the previous one (a two-stage
//! pipeline on scoped threads), since on a laptop either stage alone leaves a core idle.
//! This module never decides *whether* a value is valid (that is `ingest`) and never writes SQL.

use std::path::{Path, PathBuf};
use std::sync::mpsc;

use ingest::{Found, Limits, Parsed};
use model::{Actor, ForceCode, Period, Problem, ReturnId, Table};
use store::{Rejection, Store, Submission, SubmitOutcome};

use crate::Result;

/// What happened to one return.
#[derive(Debug, Clone, PartialEq)]
pub enum ImportOutcome {
    /// Stored as the force's current version for its period.
    Accepted {
        /// The stored version.
        return_id: ReturnId,
        /// 1 for a first submission, 2 for the first resubmission, …
        revision: u32,
        /// The version it replaced.
        replaced: Option<ReturnId>,
        /// Records stored, all tables.
        records: usize,
    },
    /// Identical to the current version: nothing changed.
    Unchanged {
        /// The current version.
        return_id: ReturnId,
    },
    /// Rejected whole; nothing stored.
    Rejected {
        /// Every problem found.
        problems: Vec<Problem>,
    },
}

/// The result for one discovered return (or one unusable path).
#[derive(Debug, Clone, PartialEq)]
pub struct ImportReport {
    /// The path of the workbook, zip or folder.
    pub path: PathBuf,
    /// The force it claims, when readable.
    pub force: Option<ForceCode>,
    /// The period it claims, when readable.
    pub period: Option<Period>,
    /// What became of it.
    pub outcome: ImportOutcome,
}

impl ImportReport {
    /// Whether the return was rejected.
    pub fn is_rejected(&self) -> bool {
        matches!(self.outcome, ImportOutcome::Rejected { .. })
    }
}

/// Progress of an import, reported before each return is stored and once at the end.
#[derive(Debug, Clone, Copy)]
pub struct ImportProgress<'a> {
    /// Returns finished so far.
    pub done: usize,
    /// Returns found in all.
    pub total: usize,
    /// The return being worked on (`None` at the end).
    pub current: Option<&'a Path>,
}

/// One return after reading and validating, waiting to be stored.
enum Prepared {
    Valid(Box<(Submission, model::Return)>),
    Invalid {
        sha256: Option<String>,
        parsed_force: Option<ForceCode>,
        parsed_period: Option<Period>,
        problems: Vec<Problem>,
    },
}

/// Imports every return under `paths` for `actor`. Returns one report per return found (and
/// per path that could not be used), in path order. Only store failures are `Err`.
pub fn import(
    store: &mut dyn Store,
    actor: &Actor,
    paths: &[PathBuf],
    limits: &Limits,
    progress: &mut dyn FnMut(ImportProgress<'_>),
) -> Result<Vec<ImportReport>> {
    let (found, unusable) = ingest::discover(paths);
    let mut reports = Vec::with_capacity(found.len() + unusable.len());
    for (path, reason) in unusable {
        let problem = Problem::table(Table::Container, reason);
        let rejection = Rejection {
            origin: path.display().to_string(),
            sha256: None,
            force: None,
            period: None,
            problems: vec![problem.clone()],
        };
        store.record_rejection(actor, &rejection)?;
        reports.push(ImportReport {
            path,
            force: None,
            period: None,
            outcome: ImportOutcome::Rejected {
                problems: vec![problem],
            },
        });
    }

    let total = found.len();
    std::thread::scope(|scope| -> Result<()> {
        // Invariant: the reader sends returns in `found` order, so reports keep path order.
        let (sender, receiver) = mpsc::sync_channel::<(usize, Prepared)>(1);
        let found_ref = &found;
        scope.spawn(move || {
            for (index, item) in found_ref.iter().enumerate() {
                if sender.send((index, prepare(item, limits))).is_err() {
                    break; // The storing side stopped on a store failure.
                }
            }
        });
        for (index, prepared) in receiver {
            let item = &found[index];
            progress(ImportProgress {
                done: index,
                total,
                current: Some(&item.path),
            });
            reports.push(store_prepared(store, actor, item, prepared)?);
        }
        Ok(())
    })?;
    progress(ImportProgress {
        done: total,
        total,
        current: None,
    });
    Ok(reports)
}

fn prepare(item: &Found, limits: &Limits) -> Prepared {
    let submission = match ingest::read_submission(item, limits) {
        Ok(submission) => submission,
        Err(error) => {
            return Prepared::Invalid {
                sha256: None,
                parsed_force: None,
                parsed_period: None,
                problems: vec![Problem::table(Table::Container, error.to_string())],
            };
        }
    };
    let Parsed {
        ret,
        problems,
        force,
        period,
    } = ingest::parse_return(&submission, limits);
    match ret {
        Some(ret) if problems.is_empty() => Prepared::Valid(Box::new((submission, ret))),
        _ => Prepared::Invalid {
            sha256: Some(submission.sha256),
            parsed_force: force,
            parsed_period: period,
            problems,
        },
    }
}

fn store_prepared(
    store: &mut dyn Store,
    actor: &Actor,
    item: &Found,
    prepared: Prepared,
) -> Result<ImportReport> {
    let origin = item.path.display().to_string();
    match prepared {
        Prepared::Invalid {
            sha256,
            parsed_force,
            parsed_period,
            problems,
        } => {
            let rejection = Rejection {
                origin,
                sha256,
                force: parsed_force.clone(),
                period: parsed_period,
                problems: problems.clone(),
            };
            store.record_rejection(actor, &rejection)?;
            Ok(ImportReport {
                path: item.path.clone(),
                force: parsed_force,
                period: parsed_period,
                outcome: ImportOutcome::Rejected { problems },
            })
        }
        Prepared::Valid(boxed) => {
            let (submission, ret) = *boxed;
            let force = Some(ret.header.force.clone());
            let period = Some(ret.header.period);
            let outcome = match store.submit_return(actor, &submission, &ret) {
                Ok(SubmitOutcome::Accepted {
                    return_id,
                    revision,
                    replaced,
                }) => ImportOutcome::Accepted {
                    return_id,
                    revision,
                    replaced,
                    records: ret.record_count(),
                },
                Ok(SubmitOutcome::Unchanged { return_id }) => {
                    ImportOutcome::Unchanged { return_id }
                }
                Err(store::Error::Forbidden { actor: who, action }) => {
                    let problem = Problem::table(Table::Return, format!("{who} may not {action}"));
                    let rejection = Rejection {
                        origin,
                        sha256: Some(submission.sha256.clone()),
                        force: force.clone(),
                        period,
                        problems: vec![problem.clone()],
                    };
                    store.record_rejection(actor, &rejection)?;
                    ImportOutcome::Rejected {
                        problems: vec![problem],
                    }
                }
                Err(other) => return Err(other.into()),
            };
            Ok(ImportReport {
                path: item.path.clone(),
                force,
                period,
                outcome,
            })
        }
    }
}
