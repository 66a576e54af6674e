//! Communications data beside the database: where its Parquet folder lives
//! ([`comms_dir`]), importing files into it ([`import_comms`]), running the bulk analysis
//! ([`analyse_comms`]) and keeping the last analysis's replacements for `export`
//! ([`saved_replacements`]).
//!
//! Communications records are never SQL rows: for `--db crossline.db` they live in
//! `crossline.db.comms/` (month partitions plus a manifest); a PostgreSQL deployment must
//! name the folder. The last analysis is kept as `analysis/replacements.csv` inside that
//! folder, written in the `exports-v1` form so that `export` can copy it as it is.
//!
//! Communications data is personal data held outside the database, so every import and read
//! here is checked against the actor's role (national analysts only, for now: the data is
//! obtained nationally) and written to the store's audit log before any of it is handed out.
//!
//! FIXME: the `replacements.csv` writer belongs in `share` (the owner of export bytes); it
//! sits here until `share` takes a dependency on `assess`. Replacements are not yet saved
//! against line entities or raised as deconfliction alerts to the forces holding the line;
//! `ddtro` follows them from a line's numbers on demand and alerts on ordered numbers.

use std::io::Write;
use std::path::{Path, PathBuf};

use chrono::{DateTime, SecondsFormat, Utc};
use model::{Actor, UserRole};
use store::Store;

/// Refuses (and audits the refusal) unless `actor` may handle communications data.
pub(crate) fn check_comms(
    store: &mut dyn Store,
    actor: &Actor,
    attempted: &str,
) -> crate::Result<()> {
    if actor.role() == UserRole::NationalAnalyst {
        return Ok(());
    }
    store.record_access(actor, "denied", "comms", attempted)?;
    Err(store::Error::Forbidden {
        actor: actor.to_string(),
        action: attempted.to_string(),
    }
    .into())
}

/// Where the communications folder of a database is: `explicit` when given, else the SQLite
/// path with `.comms` appended. A PostgreSQL URL has no file beside it, so it needs `explicit`.
pub fn comms_dir(db: &str, explicit: Option<&Path>) -> Result<PathBuf, String> {
    if let Some(dir) = explicit {
        return Ok(dir.to_path_buf());
    }
    if db.starts_with("postgres://") || db.starts_with("postgresql://") {
        return Err(
            "a postgres database keeps communications data in a folder: \
                    pass --comms-dir or set CROSSLINE_COMMS_DIR"
                .to_owned(),
        );
    }
    Ok(PathBuf::from(format!("{db}.comms")))
}

/// Imports comms-v1 files (or folders of them) into the folder `dir`.
pub fn import_comms(
    store: &mut dyn Store,
    actor: &Actor,
    dir: &Path,
    paths: &[PathBuf],
    options: comms::ImportOptions,
) -> crate::Result<comms::ImportReport> {
    check_comms(store, actor, "import communications data")?;
    let report = comms::CommsStore::new(dir).import(paths, options)?;
    let files: Vec<String> = paths.iter().map(|p| p.display().to_string()).collect();
    store.record_access(
        actor,
        "import_comms",
        &dir.display().to_string(),
        &files.join("; "),
    )?;
    Ok(report)
}

/// Runs the bulk analysis over the folder `dir` and keeps its replacements of deal lines
/// for `export`.
pub fn analyse_comms(
    store: &mut dyn Store,
    actor: &Actor,
    dir: &Path,
    settings: &assess::Settings,
) -> crate::Result<assess::Analysis> {
    check_comms(store, actor, "read communications data")?;
    store.record_access(
        actor,
        "read_comms",
        &dir.display().to_string(),
        "bulk analysis of every record",
    )?;
    let comms_store = comms::CommsStore::new(dir);
    if comms_store.is_empty() {
        return Ok(assess::Analysis::default());
    }
    let analysis = assess::analyse(dir, settings)?;
    let folder = dir.join("analysis");
    let io = |source| comms::Error::Io {
        path: folder.clone(),
        source,
    };
    std::fs::create_dir_all(&folder).map_err(io)?;
    let path = folder.join("replacements.csv");
    let file = std::fs::File::create(&path).map_err(io)?;
    write_replacements(std::io::BufWriter::new(file), &deal_replacements(&analysis)).map_err(io)?;
    Ok(analysis)
}

/// The replacements of deal lines (what `replacements.csv` reports), by switch time.
pub fn deal_replacements(analysis: &assess::Analysis) -> Vec<assess::Replacement> {
    analysis
        .replacements
        .iter()
        .filter(|r| r.class == assess::NumberClass::DealLine)
        .cloned()
        .collect()
}

/// The file of the last analysis's replacements, when an analysis has run (the read is
/// checked and audited).
pub fn saved_replacements(
    store: &mut dyn Store,
    actor: &Actor,
    dir: &Path,
) -> crate::Result<Option<PathBuf>> {
    let path = dir.join("analysis").join("replacements.csv");
    if !path.is_file() {
        return Ok(None);
    }
    check_comms(store, actor, "read number replacements")?;
    store.record_access(actor, "read_replacements", &path.display().to_string(), "")?;
    Ok(Some(path))
}

/// Writes `replacements.csv` per `exports-v1`:
/// `old_number,new_number,switched_at,score,shared_customers,old_customers,same_imei`.
pub fn write_replacements(
    mut out: impl Write,
    replacements: &[assess::Replacement],
) -> std::io::Result<()> {
    writeln!(
        out,
        "old_number,new_number,switched_at,score,shared_customers,old_customers,same_imei"
    )?;
    for r in replacements {
        writeln!(
            out,
            "{},{},{},{:.3},{},{},{}",
            r.old_number,
            r.new_number,
            rfc3339(r.switched_at_ms),
            r.score,
            r.shared_customers,
            r.old_customers,
            if r.same_imei { "yes" } else { "no" }
        )?;
    }
    out.flush()
}

/// An instant as RFC 3339 UTC to the second (`2026-03-01T18:22:05Z`).
pub fn rfc3339(ms: i64) -> String {
    DateTime::<Utc>::from_timestamp_millis(ms)
        .map(|t| t.to_rfc3339_opts(SecondsFormat::Secs, true))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_folder_sits_beside_a_sqlite_file() {
        assert_eq!(
            comms_dir("data/crossline.db", None).unwrap(),
            PathBuf::from("data/crossline.db.comms")
        );
        assert!(comms_dir("postgres://db/crossline", None).is_err());
        assert_eq!(
            comms_dir("postgres://db/crossline", Some(Path::new("/srv/comms"))).unwrap(),
            PathBuf::from("/srv/comms")
        );
    }

    #[test]
    fn replacements_csv_has_the_exports_v1_columns() {
        let mut out = Vec::new();
        let r = assess::Replacement {
            old_number: "+447700900001".into(),
            new_number: "+447700900002".into(),
            switched_at_ms: 1_772_389_325_000,
            score: 0.91234,
            shared_customers: 12,
            old_customers: 14,
            same_imei: true,
            class: assess::NumberClass::DealLine,
        };
        write_replacements(&mut out, &[r]).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "old_number,new_number,switched_at,score,shared_customers,old_customers,same_imei\n\
             +447700900001,+447700900002,2026-03-01T18:22:05Z,0.912,12,14,yes\n"
        );
    }
}
