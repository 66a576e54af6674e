//! The data-quality report per force: returns on time, late or missing, resubmissions and
//! rejections, how complete each column is, and the grading mix.
//!
//! When a return is due is not nationally confirmed, so the due day is a setting
//! ([`QualitySettings::due_day`]). Completeness is measured over the current returns with the
//! store's own column lists, so a column added to the format is counted without change here.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use model::{Actor, ForceCode, Period, Scope, Table};
use store::codec;
use store::{Store, SubmissionOutcome};

use crate::Result;

/// Settings of the quality report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QualitySettings {
    /// The day of the month after the period by which a return is due (end of that day, UTC).
    pub due_day: u32,
}

impl Default for QualitySettings {
    fn default() -> Self {
        QualitySettings { due_day: 14 }
    }
}

/// How often one column is filled in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ColumnCompleteness {
    /// The table.
    pub table: Table,
    /// The column, as the format spells it.
    pub column: &'static str,
    /// Records with a value.
    pub filled: usize,
    /// Records in all.
    pub total: usize,
}

impl ColumnCompleteness {
    /// Filled share in percent (100 for an empty table).
    pub fn percent(&self) -> f64 {
        if self.total == 0 {
            100.0
        } else {
            100.0 * self.filled as f64 / self.total as f64
        }
    }
}

/// One force's data quality.
#[derive(Debug, Clone, PartialEq)]
pub struct ForceQuality {
    /// The force.
    pub force: ForceCode,
    /// Periods with a current return.
    pub returns: usize,
    /// Of those, first received by the due date.
    pub on_time: usize,
    /// Of those, first received after it.
    pub late: usize,
    /// Periods in the reporting window without a return.
    pub missing: Vec<Period>,
    /// Resubmissions accepted (versions beyond the first).
    pub resubmissions: usize,
    /// Submissions rejected.
    pub rejected: usize,
    /// Records in current returns, all tables.
    pub records: usize,
    /// Completeness of every column of every table.
    pub completeness: Vec<ColumnCompleteness>,
    /// Records by grading (`2-B-P` …), most used first.
    pub grading: Vec<(String, usize)>,
}

/// The data-quality report for a scope.
#[derive(Debug, Clone, PartialEq)]
pub struct QualityReport {
    /// The reporting window: every period from the first to the last seen in scope.
    pub periods: Vec<Period>,
    /// The settings used.
    pub settings: QualitySettings,
    /// One entry per force in scope, in registry order.
    pub forces: Vec<ForceQuality>,
}

/// Builds the report for `scope`.
pub fn quality(
    store: &mut dyn Store,
    actor: &Actor,
    scope: &Scope,
    settings: QualitySettings,
) -> Result<QualityReport> {
    let submissions = store.submissions(actor, scope)?;
    let history = store.returns(actor, scope, true)?;
    let current = store.load_current(actor, scope)?;

    let seen: BTreeSet<Period> = history.iter().map(|i| i.period).collect();
    let periods = window(seen.first().copied(), seen.last().copied());

    // The first accepted submission of each force's period decides whether it was on time.
    let mut first_received: BTreeMap<(ForceCode, Period), DateTime<Utc>> = BTreeMap::new();
    for info in &history {
        let at = first_received
            .entry((info.force.clone(), info.period))
            .or_insert(info.received_at);
        if info.received_at < *at {
            *at = info.received_at;
        }
    }

    let mut forces = Vec::new();
    for force in model::force::forces()
        .iter()
        .filter(|f| scope.contains(&f.code))
    {
        let code = &force.code;
        let mine: Vec<_> = current
            .iter()
            .filter(|(info, _)| info.force == *code)
            .collect();
        let reported: BTreeSet<Period> = mine.iter().map(|(info, _)| info.period).collect();
        let mut on_time = 0;
        let mut late = 0;
        for period in &reported {
            if let Some(at) = first_received.get(&(code.clone(), *period)) {
                if *at <= due(*period, settings.due_day) {
                    on_time += 1;
                } else {
                    late += 1;
                }
            }
        }
        let resubmissions = history
            .iter()
            .filter(|i| i.force == *code && i.revision > 1)
            .count();
        let rejected = submissions
            .iter()
            .filter(|s| s.outcome == SubmissionOutcome::Rejected && s.force.as_ref() == Some(code))
            .count();

        let mut completeness = Vec::new();
        let mut grading: BTreeMap<String, usize> = BTreeMap::new();
        let mut records = 0;
        for (table, columns) in codec::RECORD_TABLES {
            let table =
                Table::from_name(table).expect("invariant: stored tables are format tables");
            let mut filled = vec![0usize; columns.len()];
            let mut total = 0;
            for (_, ret) in &mine {
                for (cols, grade) in encoded(table, ret) {
                    total += 1;
                    for (count, value) in filled.iter_mut().zip(&cols) {
                        *count += usize::from(value.is_some());
                    }
                    if let Some(grade) = grade {
                        *grading.entry(grade).or_default() += 1;
                    }
                }
            }
            records += total;
            completeness.extend(columns.iter().zip(filled).map(|(column, filled)| {
                ColumnCompleteness {
                    table,
                    column,
                    filled,
                    total,
                }
            }));
        }
        let mut grading: Vec<(String, usize)> = grading.into_iter().collect();
        grading.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));

        forces.push(ForceQuality {
            force: code.clone(),
            returns: reported.len(),
            on_time,
            late,
            missing: periods
                .iter()
                .filter(|p| !reported.contains(p))
                .copied()
                .collect(),
            resubmissions,
            rejected,
            records,
            completeness,
            grading,
        });
    }
    Ok(QualityReport {
        periods,
        settings,
        forces,
    })
}

/// The stored columns and the grading of every record of one table.
fn encoded(table: Table, ret: &model::Return) -> Vec<(codec::Columns, Option<String>)> {
    match table {
        Table::Lines => ret
            .lines
            .iter()
            .map(|r| (codec::encode_line(r), Some(r.grading.to_string())))
            .collect(),
        Table::Nominals => ret
            .nominals
            .iter()
            .map(|r| (codec::encode_nominal(r), Some(r.grading.to_string())))
            .collect(),
        Table::Locations => ret
            .locations
            .iter()
            .map(|r| (codec::encode_location(r), Some(r.grading.to_string())))
            .collect(),
        Table::Vehicles => ret
            .vehicles
            .iter()
            .map(|r| (codec::encode_vehicle(r), Some(r.grading.to_string())))
            .collect(),
        Table::Events => ret
            .events
            .iter()
            .map(|r| (codec::encode_event(r), None))
            .collect(),
        Table::Return | Table::Container => Vec::new(),
    }
}

/// End of the due day: `due_day` of the month after `period`, clamped to that month's length.
fn due(period: Period, due_day: u32) -> DateTime<Utc> {
    let next = period.next();
    let day = due_day.clamp(1, next.last_day().day());
    let date = NaiveDate::from_ymd_opt(next.year(), next.month(), day).unwrap_or(next.last_day());
    date.and_hms_opt(23, 59, 59)
        .expect("invariant: valid time")
        .and_utc()
}

fn window(first: Option<Period>, last: Option<Period>) -> Vec<Period> {
    let (Some(mut period), Some(last)) = (first, last) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    while period <= last {
        out.push(period);
        period = period.next();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn due_dates_clamp_to_month_length() {
        let jan: Period = "2026-01".parse().unwrap();
        assert_eq!(due(jan, 14).to_rfc3339(), "2026-02-14T23:59:59+00:00");
        assert_eq!(due(jan, 31).to_rfc3339(), "2026-02-28T23:59:59+00:00");
        let window = window(
            Some("2025-11".parse().unwrap()),
            Some("2026-02".parse().unwrap()),
        );
        assert_eq!(window.len(), 4);
    }
}
