//! The engine runs crossline's stages against a store on behalf of an actor: it opens the
//! configured database, imports returns (discover → read → validate → store, whole or not at
//! all), and assembles the collated picture and the data-quality report from stored returns.
//!
//! It is the only library crate that wires stages to a store. It does not parse files itself
//! (that is `ingest`), hold SQL (that is `store-*`), or print anything (that is `cli`): results
//! come back as plain data for the caller to render.

mod comms;
mod ddtro;
mod import;
mod open;
mod quality;
mod replacements;
mod resolution;
mod summary;

pub use comms::{
    CommsAnalysis, analyse_and_link_comms, analyse_comms, comms_dir, deal_replacements,
    import_comms, replacement_row, rfc3339, saved_replacements,
};
pub use ddtro::{
    ControllerLink, OrderAlert, Pack, PackNumber, PackStatus, PersonLink, SavedReplacement,
    comms_controllers, ddtro_alerts, ddtro_plan, html_escape, load_replacements, order_alerts,
    pack_csv, pack_file_stem, pack_html, parse_replacements,
};
pub use import::{ImportOutcome, ImportProgress, ImportReport, import};
pub use open::open_store;
pub use quality::{ColumnCompleteness, ForceQuality, QualityReport, QualitySettings, quality};
pub use replacements::{
    COMMS_ANALYSIS, LinkReport, ReplacementEntry, link_replacements, replacement_view,
};
pub use resolution::{AnalyseReport, analyse, explain_persons, export_rows, pair_id};
pub use summary::{Flow, Summary, summary};

/// An engine failure: the store or the file system failed. Bad data is never an error here; it
/// comes back as problems inside an [`ImportReport`].
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The store failed.
    #[error(transparent)]
    Store(#[from] store::Error),
    /// Reading input failed.
    #[error(transparent)]
    Ingest(#[from] ingest::Error),
    /// Reading or storing communications data failed.
    #[error(transparent)]
    Comms(#[from] ::comms::Error),
    /// The communications analysis failed.
    #[error(transparent)]
    Assess(#[from] assess::Error),
    /// Writing an export failed.
    #[error(transparent)]
    Export(#[from] share::Error),
}

/// Results of engine calls.
pub type Result<T, E = Error> = std::result::Result<T, E>;
