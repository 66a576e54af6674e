//! What a run produces: the entities with their member records, the review queue, figures
//! about the run, notes on decisions that could not be applied, and the state an incremental
//! run continues from.
//!
//! These are plain results; writing them out (`entities.csv`, the review queue in a store) is
//! for the crates at the edges.

use crate::decisions::Decision;
use crate::explain::Explanation;
use crate::input::Input;
use crate::key::{EntityId, EntityKind, Member, RecordKey};
use crate::lines::LineModel;
use crate::persons::{PersonIndex, PersonModel};

/// A resolved entity: the records that are one person, line, place, vehicle or number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entity {
    /// Stable id.
    pub id: EntityId,
    /// What it is.
    pub kind: EntityKind,
    /// The records it is made of, sorted (the provenance: which returns say what).
    ///
    /// Invariant: non-empty.
    pub members: Vec<Member>,
    /// A short human description: a name, brand, address, registration or number.
    pub label: String,
}

impl Entity {
    /// The forces holding the entity, sorted and without repeats.
    pub fn forces(&self) -> Vec<&model::ForceCode> {
        let mut forces: Vec<&model::ForceCode> =
            self.members.iter().map(|m| &m.key.force).collect();
        forces.sort();
        forces.dedup();
        forces
    }
}

/// A pair in the uncertain band, for an analyst to decide.
#[derive(Debug, Clone, PartialEq)]
pub struct ReviewItem {
    /// What the records are.
    pub kind: EntityKind,
    /// One record (the latest of its profile).
    pub a: RecordKey,
    /// The other record.
    pub b: RecordKey,
    /// The match probability.
    pub probability: f64,
    /// Whether the two records ended up in one entity anyway (through other records).
    pub same_entity: bool,
    /// Why the pair scored as it did.
    pub explanation: Explanation,
}

/// Figures about a run.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Stats {
    /// Person records resolved.
    pub person_records: usize,
    /// Distinct person profiles (records identical but for the month counted once).
    pub person_profiles: usize,
    /// Candidate person profile pairs weighed (this run): compared in full, or shown by the
    /// bound on their weight to fall short of the weight kept.
    pub person_pairs_compared: u64,
    /// Person links kept (at or above the review band).
    pub person_links: usize,
    /// Person blocks too large to expand.
    pub person_oversized_blocks: usize,
    /// Expectation–maximisation iterations per person training session.
    pub person_em_iterations: Vec<usize>,
    /// Prior match probability of two person profiles.
    pub person_prior: f64,
    /// Line records resolved.
    pub line_records: usize,
    /// Line profile pairs compared.
    pub line_pairs_compared: u64,
    /// Line blocks too large to expand.
    pub line_oversized_blocks: usize,
    /// Person components re-clustered (all of them in a full run).
    pub components_clustered: usize,
    /// Entities of each kind: person, line, location, vehicle, phone.
    pub entities: [usize; 5],
}

/// The trained models.
#[derive(Debug, Clone, PartialEq)]
pub struct Models {
    /// The person model.
    pub persons: PersonModel,
    /// The line model.
    pub lines: LineModel,
}

/// What an incremental run continues from: the person index (profiles, blocking index,
/// scored links), the person clusters, the models, the other records and the decisions.
#[derive(Debug, Clone)]
pub struct State {
    pub(crate) persons: PersonIndex,
    pub(crate) person_clusters: Vec<Vec<u32>>,
    pub(crate) models: Models,
    pub(crate) others: Input,
    pub(crate) decisions: Vec<Decision>,
}

/// The result of a run.
#[derive(Debug, Clone)]
pub struct Resolution {
    /// Every entity: people, lines, locations, vehicles, then phone numbers.
    pub entities: Vec<Entity>,
    /// Pairs in the uncertain band that no decision covers.
    pub review: Vec<ReviewItem>,
    /// Figures about the run.
    pub stats: Stats,
    /// Decisions that could not be applied, and why.
    pub notes: Vec<String>,
    pub(crate) state: State,
}

impl Resolution {
    /// The trained models (for explanations, or to resolve other data the same way).
    pub fn models(&self) -> &Models {
        &self.state.models
    }

    /// The entities of one kind.
    pub fn of_kind(&self, kind: EntityKind) -> impl Iterator<Item = &Entity> {
        self.entities.iter().filter(move |e| e.kind == kind)
    }
}
