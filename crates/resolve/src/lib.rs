//! Entity resolution for crossline: recognising the same person, county line, phone number,
//! place and vehicle across forces' returns and months, despite misspellings, nicknames,
//! street names, swapped names, partial or transposed dates of birth, and numbers that change.
//!
//! People (and lines) are linked the way the best linkage tools do it (Fellegi–Sunter match
//! weights whose m and u probabilities are estimated without labels: u from random pairs, m by
//! expectation–maximisation over blocked pairs, with term-frequency adjustments), then
//! clustered so that one weak link cannot chain two different people together. Every scored
//! pair can be explained as a waterfall of weights. Analysts' decisions are final. Ids are
//! stable across runs, and a new return can be resolved incrementally.
//!
//! This crate is a pure library: no IO, no SQL, no clock. It never reads a world's truth.
//!
//! Module map: `key` and `input` (what goes in), `normalise` and `nicknames` (text),
//! `fellegi_sunter`, `em`, `sampling`, `blocking` and `cluster` (the method), `persons` and
//! `lines` (the two learnt resolvers), `places` (locations, vehicles, numbers), `ids`, `explain`,
//! `decisions`, `deconflict`, `resolution` (what comes out), `settings`, `text` (compact
//! storage of short texts), `run` (the runs), and `allocator` (the allocator settings the
//! `crossline` binary and the benchmarks install).

pub mod allocator;
pub mod blocking;
pub mod cluster;
pub mod decisions;
pub mod deconflict;
pub mod em;
pub mod explain;
pub mod fellegi_sunter;
pub mod ids;
pub mod input;
pub mod key;
pub mod lines;
pub mod nicknames;
pub mod normalise;
pub mod persons;
pub mod places;
pub mod resolution;
mod run;
pub mod sampling;
pub mod settings;
pub mod text;

pub use decisions::Decision;
pub use deconflict::{Deconfliction, Severity, deconflict};
pub use explain::{Explanation, Step};
pub use ids::PreviousIds;
pub use input::{
    Input, LineRecord, LinkedLine, LocationRecord, PersonRecord, PhoneRecord, VehicleRecord,
    input_from_returns,
};
pub use key::{EntityId, EntityKind, Member, RecordKey, RecordKind};
pub use resolution::{Entity, Models, Resolution, ReviewItem, State, Stats};
pub use settings::{Progress, Settings, Stage};

/// Resolves `input` in full: trains the models on it, compares the blocked pairs, clusters,
/// and names the entities (keeping the ids of `previous` where most members had them).
pub fn resolve(
    input: &Input,
    decisions: &[Decision],
    previous: &PreviousIds,
    settings: &Settings,
) -> Resolution {
    run::resolve_full(input, decisions, previous, settings, &mut |_, _, _| {})
}

/// [`resolve`], reporting progress (stage, done, total) as it goes.
pub fn resolve_with_progress(
    input: &Input,
    decisions: &[Decision],
    previous: &PreviousIds,
    settings: &Settings,
    progress: Progress<'_>,
) -> Resolution {
    run::resolve_full(input, decisions, previous, settings, progress)
}

/// Resolves `input` in full with already trained `models` (nothing is re-estimated), e.g.
/// those of an earlier run.
pub fn resolve_using(
    input: &Input,
    decisions: &[Decision],
    previous: &PreviousIds,
    settings: &Settings,
    models: &Models,
) -> Resolution {
    run::resolve_using(
        input,
        decisions,
        previous,
        settings,
        models,
        &mut |_, _, _| {},
    )
}

/// Resolves new returns against an earlier resolution without redoing everything: the
/// models (m, u, prior, term frequencies) are reused, only pairs involving the new records are
/// compared (through the blocking index), and only the components of linked records that the
/// new records (or changed decisions) touch are re-clustered. A return for a force and period
/// already resolved replaces the earlier one. Ids are kept as in [`resolve`].
///
/// It gives the same entities as [`resolve_using`] on all the records with the same models,
/// except when the new records push a block over `max_block_size` (a full run would then skip
/// pairs the earlier run compared). A full [`resolve`] re-estimates the models, so its
/// weights, and rarely its entities, differ slightly.
pub fn resolve_incremental(
    previous: Resolution,
    new_records: &Input,
    decisions: &[Decision],
    settings: &Settings,
) -> Resolution {
    run::resolve_more(
        previous,
        new_records,
        decisions,
        settings,
        &mut |_, _, _| {},
    )
}

/// [`resolve_incremental`], reporting progress.
pub fn resolve_incremental_with_progress(
    previous: Resolution,
    new_records: &Input,
    decisions: &[Decision],
    settings: &Settings,
    progress: Progress<'_>,
) -> Resolution {
    run::resolve_more(previous, new_records, decisions, settings, progress)
}

/// The waterfall of any two person records under a trained model: the prior, each
/// comparison's level, values and weight, the total weight and the probability.
pub fn explain(models: &Models, a: &PersonRecord, b: &PersonRecord) -> Explanation {
    models.persons.explain(a, b)
}
