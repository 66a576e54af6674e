//! Communications data beside the database: where its Parquet folder lives
//! ([`comms_dir`]), importing files into it ([`import_comms`]), running the bulk analysis
//! ([`analyse_comms`], [`analyse_and_link_comms`]) and keeping the last analysis's
//! replacements for `export` ([`saved_replacements`]).
//!
//! Communications records are never SQL rows: for `--db crossline.db` they live in
//! `crossline.db.comms/` (month partitions plus a manifest); a PostgreSQL deployment must
//! name the folder. The last analysis's deal-line replacements are kept as
//! `analysis/replacements.csv` inside that folder, written by `share` in the `exports-v1` form
//! so that `export` can copy it as it is. Every replacement whose old number a resolved line or
//! person lists is linked to that entity in the store, with alerts to the forces holding it
//! (`replacements`).
//!
//! Communications data is personal data held outside the database, so every import and read
//! here is checked against the actor's role (national analysts only, for now: the data is
//! obtained nationally) and written to the store's audit log before any of it is handed out.

use std::path::{Path, PathBuf};

use model::{Actor, UserRole};
use store::Store;

use crate::replacements::{COMMS_ANALYSIS, LinkReport, link_replacements};

pub use share::rfc3339;

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

/// An analysis with what it linked.
#[derive(Debug, Clone)]
pub struct CommsAnalysis {
    /// Profiles, classes, replacements and controllers' phones.
    pub analysis: assess::Analysis,
    /// The replacements linked to entities and the alerts raised; `None` when the folder holds
    /// no records (nothing was analysed, and the previous links stand).
    pub links: Option<LinkReport>,
}

/// Runs the bulk analysis over the folder `dir`, its plans on `engine` (in process or on a
/// Ballista cluster), keeps its replacements of deal lines for `export`, and links every
/// replacement to the line or person entity whose number it replaced, raising alerts to the
/// forces holding it ([`analyse_and_link_comms`] also says what it linked).
pub fn analyse_comms(
    store: &mut dyn Store,
    actor: &Actor,
    dir: &Path,
    settings: &assess::Settings,
    engine: &assess::Engine,
) -> crate::Result<assess::Analysis> {
    Ok(analyse_and_link_comms(store, actor, dir, settings, engine)?.analysis)
}

/// [`analyse_comms`], saying what was linked and raised.
pub fn analyse_and_link_comms(
    store: &mut dyn Store,
    actor: &Actor,
    dir: &Path,
    settings: &assess::Settings,
    engine: &assess::Engine,
) -> crate::Result<CommsAnalysis> {
    check_comms(store, actor, "read communications data")?;
    // The audit names the cluster, since the records are then read on other machines.
    let detail = match engine {
        assess::Engine::InProcess => "bulk analysis of every record".to_owned(),
        assess::Engine::Cluster(url) => {
            format!("bulk analysis of every record on the cluster {url}")
        }
    };
    store.record_access(actor, "read_comms", &dir.display().to_string(), &detail)?;
    let comms_store = comms::CommsStore::new(dir);
    if comms_store.is_empty() {
        return Ok(CommsAnalysis {
            analysis: assess::Analysis::default(),
            links: None,
        });
    }
    let analysis = assess::analyse_on(dir, settings, engine)?;
    let folder = dir.join("analysis");
    let io = |source| comms::Error::Io {
        path: folder.clone(),
        source,
    };
    std::fs::create_dir_all(&folder).map_err(io)?;
    let path = folder.join("replacements.csv");
    let file = std::fs::File::create(&path).map_err(io)?;
    let rows: Vec<share::ReplacementRow> = deal_replacements(&analysis)
        .iter()
        .map(replacement_row)
        .collect();
    share::write_replacements(std::io::BufWriter::new(file), &rows)?;
    let links = link_replacements(store, actor, COMMS_ANALYSIS, &analysis.replacements)?;
    Ok(CommsAnalysis {
        analysis,
        links: Some(links),
    })
}

/// A replacement as a row of `replacements.csv`.
pub fn replacement_row(r: &assess::Replacement) -> share::ReplacementRow {
    share::ReplacementRow {
        old_number: r.old_number.clone(),
        new_number: r.new_number.clone(),
        switched_at_ms: r.switched_at_ms,
        score: r.score,
        shared_customers: r.shared_customers,
        old_customers: r.old_customers,
        same_imei: r.same_imei,
    }
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
    fn replacements_csv_is_written_by_share_in_the_exports_v1_columns() {
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
        let mut out = Vec::new();
        share::write_replacements(&mut out, &[replacement_row(&r)]).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "old_number,new_number,switched_at,score,shared_customers,old_customers,same_imei\n\
             +447700900001,+447700900002,2026-03-01T18:22:05Z,0.912,12,14,yes\n"
        );
    }
}
