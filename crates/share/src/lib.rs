//! Exports for analysts' tools, written exactly as `spec/exports-v1.md` lays them out: CSV with
//! a header row, ids the system's own stable ids, lists `;`-separated: `entities.csv`,
//! `deconfliction.csv` and `replacements.csv`.
//!
//! Each export is a function from plain rows to any `io::Write`, so the caller chooses the file
//! (or a test, a buffer). This crate decides the bytes of each format and nothing else: it does
//! not read the store, compute analyses or check who may export.

use std::io::Write;

use chrono::{DateTime, SecondsFormat, Utc};
use model::{ForceCode, Period};
use store::EntityMember;

/// An export failure: the writer failed.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Writing the CSV failed.
    #[error("cannot write {file}: {source}")]
    Csv {
        /// The export being written.
        file: &'static str,
        /// Why.
        source: csv::Error,
    },
}

/// Results of exports.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// The columns of `entities.csv`.
pub const ENTITIES_HEADER: [&str; 5] = ["entity_id", "kind", "force", "period", "ref"];

/// The columns of `deconfliction.csv`.
pub const DECONFLICTION_HEADER: [&str; 6] = [
    "entity_id",
    "kind",
    "forces",
    "active_forces",
    "first_seen",
    "last_seen",
];

/// The columns of `replacements.csv`.
pub const REPLACEMENTS_HEADER: [&str; 7] = [
    "old_number",
    "new_number",
    "switched_at",
    "score",
    "shared_customers",
    "old_customers",
    "same_imei",
];

/// One row of `replacements.csv`: a number judged to have replaced another (comms-v1), with
/// the evidence. A plain row, so that this crate needs nothing of the analysis that found it.
#[derive(Debug, Clone, PartialEq)]
pub struct ReplacementRow {
    /// The number that fell silent.
    pub old_number: String,
    /// The number that took over.
    pub new_number: String,
    /// When the new number took over (epoch milliseconds; written to the second).
    pub switched_at_ms: i64,
    /// Confidence, `[0, 1]` (written to three decimals).
    pub score: f64,
    /// Customers of the old number the new one reached.
    pub shared_customers: u32,
    /// Customers of the old number near its end.
    pub old_customers: u32,
    /// The new number was used in the old one's handset (`yes` or `no`).
    pub same_imei: bool,
}

/// One row of `deconfliction.csv`: an entity known to more than one force.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct DeconflictionRow {
    /// The entity.
    pub entity_id: String,
    /// Its kind.
    pub kind: String,
    /// Every force holding it.
    pub forces: Vec<ForceCode>,
    /// The forces with it under active investigation.
    pub active_forces: Vec<ForceCode>,
    /// First period reported.
    pub first_seen: Period,
    /// Last period reported.
    pub last_seen: Period,
}

/// Writes `entities.csv`: which submitted record was resolved to which entity, one row per
/// record, sorted by entity then record.
pub fn write_entities(out: impl Write, members: &[EntityMember]) -> Result<()> {
    let err = |source| Error::Csv {
        file: "entities.csv",
        source,
    };
    let mut rows: Vec<&EntityMember> = members.iter().collect();
    rows.sort();
    let mut writer = csv::Writer::from_writer(out);
    writer.write_record(ENTITIES_HEADER).map_err(err)?;
    for m in rows {
        writer
            .write_record([
                m.entity_id.as_str(),
                m.kind.as_str(),
                m.record.force.as_str(),
                &m.record.period.to_string(),
                m.record.reference.as_str(),
            ])
            .map_err(err)?;
    }
    writer.flush().map_err(|e| err(e.into()))
}

/// Writes `deconfliction.csv`, one row per entity, sorted by entity id.
pub fn write_deconfliction(out: impl Write, rows: &[DeconflictionRow]) -> Result<()> {
    let err = |source| Error::Csv {
        file: "deconfliction.csv",
        source,
    };
    let mut sorted: Vec<&DeconflictionRow> = rows.iter().collect();
    sorted.sort();
    let mut writer = csv::Writer::from_writer(out);
    writer.write_record(DECONFLICTION_HEADER).map_err(err)?;
    for r in sorted {
        writer
            .write_record([
                r.entity_id.as_str(),
                r.kind.as_str(),
                &join(&r.forces),
                &join(&r.active_forces),
                &r.first_seen.to_string(),
                &r.last_seen.to_string(),
            ])
            .map_err(err)?;
    }
    writer.flush().map_err(|e| err(e.into()))
}

/// Writes `replacements.csv`, one row per replacement in the order given (the caller sorts, by
/// switch time as the analysis does).
pub fn write_replacements(out: impl Write, rows: &[ReplacementRow]) -> Result<()> {
    let err = |source| Error::Csv {
        file: "replacements.csv",
        source,
    };
    let mut writer = csv::Writer::from_writer(out);
    writer.write_record(REPLACEMENTS_HEADER).map_err(err)?;
    for r in rows {
        writer
            .write_record([
                r.old_number.as_str(),
                r.new_number.as_str(),
                &rfc3339(r.switched_at_ms),
                &format!("{:.3}", r.score),
                &r.shared_customers.to_string(),
                &r.old_customers.to_string(),
                if r.same_imei { "yes" } else { "no" },
            ])
            .map_err(err)?;
    }
    writer.flush().map_err(|e| err(e.into()))
}

/// An instant (epoch milliseconds) as the exports write it: RFC 3339 UTC to the second
/// (`2026-03-01T18:22:05Z`); empty when out of range.
pub fn rfc3339(ms: i64) -> String {
    DateTime::<Utc>::from_timestamp_millis(ms)
        .map(|t| t.to_rfc3339_opts(SecondsFormat::Secs, true))
        .unwrap_or_default()
}

fn join(forces: &[ForceCode]) -> String {
    forces
        .iter()
        .map(|f| f.as_str())
        .collect::<Vec<_>>()
        .join(";")
}

#[cfg(test)]
mod tests {
    use super::*;
    use store::RecordRef;

    fn record(force: &str, period: &str, reference: &str) -> RecordRef {
        RecordRef {
            force: force.parse().unwrap(),
            period: period.parse().unwrap(),
            reference: reference.into(),
        }
    }

    #[test]
    fn entities_csv_is_exactly_the_published_layout() {
        let members = vec![
            EntityMember {
                entity_id: "P-2".into(),
                kind: "person".into(),
                record: record("kent", "2026-03", "N,7"),
            },
            EntityMember {
                entity_id: "P-1".into(),
                kind: "person".into(),
                record: record("merseyside", "2026-02", "N1"),
            },
        ];
        let mut out = Vec::new();
        write_entities(&mut out, &members).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "entity_id,kind,force,period,ref\nP-1,person,merseyside,2026-02,N1\nP-2,person,kent,2026-03,\"N,7\"\n"
        );
    }

    fn replacement(old: &str, new: &str, ms: i64, score: f64, same_imei: bool) -> ReplacementRow {
        ReplacementRow {
            old_number: old.into(),
            new_number: new.into(),
            switched_at_ms: ms,
            score,
            shared_customers: 12,
            old_customers: 14,
            same_imei,
        }
    }

    #[test]
    fn replacements_csv_is_exactly_the_published_layout() {
        let rows = [
            replacement(
                "+447700900001",
                "+447700900002",
                1_772_389_325_000,
                0.91234,
                true,
            ),
            // Milliseconds are dropped, not rounded; the order given is kept.
            replacement(
                "+447700900003",
                "+447700900004",
                1_772_389_325_999,
                0.5,
                false,
            ),
        ];
        let mut out = Vec::new();
        write_replacements(&mut out, &rows).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "old_number,new_number,switched_at,score,shared_customers,old_customers,same_imei\n\
             +447700900001,+447700900002,2026-03-01T18:22:05Z,0.912,12,14,yes\n\
             +447700900003,+447700900004,2026-03-01T18:22:05Z,0.500,12,14,no\n"
        );
        let mut empty = Vec::new();
        write_replacements(&mut empty, &[]).unwrap();
        assert_eq!(
            String::from_utf8(empty).unwrap(),
            "old_number,new_number,switched_at,score,shared_customers,old_customers,same_imei\n"
        );
    }

    #[test]
    fn instants_are_written_to_the_second_in_utc() {
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00Z");
        assert_eq!(rfc3339(1_772_389_325_000), "2026-03-01T18:22:05Z");
        assert_eq!(rfc3339(i64::MAX), "");
    }

    #[test]
    fn deconfliction_csv_joins_forces_with_semicolons() {
        let rows = vec![DeconflictionRow {
            entity_id: "L-9".into(),
            kind: "line".into(),
            forces: vec!["kent".parse().unwrap(), "metropolitan".parse().unwrap()],
            active_forces: vec![],
            first_seen: "2026-01".parse().unwrap(),
            last_seen: "2026-04".parse().unwrap(),
        }];
        let mut out = Vec::new();
        write_deconfliction(&mut out, &rows).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "entity_id,kind,forces,active_forces,first_seen,last_seen\nL-9,line,kent;metropolitan,,2026-01,2026-04\n"
        );
    }
}
