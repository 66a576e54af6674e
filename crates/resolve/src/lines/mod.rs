//! Resolving county lines across forces and months. A line is recognised by its deal numbers
//! (a number listed by two records is strong evidence; a line that moved to a new number is
//! still linked through the records, often of its own force, that list both), its brand
//! normalised (`J-Line`, `J Line`, `JLINE`), where it is run from and supplies, the people the
//! forces link to it (as resolved), and the force's own reference kept month to month (strong
//! evidence, not certainty). Lines use the same machinery as people: profiles, blocking, a
//! Fellegi–Sunter model trained without labels, and clustering that resists chaining.
//!
//! Lines are few (thousands) beside people, so every run resolves them whole. This module
//! does not resolve the people it uses (`persons`).

pub mod compare;
pub mod features;

use rayon::prelude::*;
use rustc_hash::{FxHashMap, FxHashSet};

use crate::blocking::{BlockIndex, key};
use crate::cluster::{self, Linkage, Thresholds};
use crate::decisions::Decision;
use crate::em::{self, Patterns};
use crate::explain::Explanation;
use crate::fellegi_sunter::{Model, probability_of, weight_of};
use crate::input::LineRecord;
use crate::key::{EntityKind, RecordKey};
use crate::persons::slot;
use crate::sampling;
use crate::settings::Settings;

use features::{LineFeatures, LineTermFrequencies, PersonOf};

/// A trained line model.
#[derive(Debug, Clone, PartialEq)]
pub struct LineModel {
    /// m, u and the prior.
    pub model: Model,
    /// Value frequencies for the adjustment.
    pub tf: LineTermFrequencies,
    /// Iterations each training session ran.
    pub em_iterations: Vec<usize>,
}

impl LineModel {
    /// The match weight of two line profiles.
    pub fn weight(&self, a: &LineFeatures, b: &LineFeatures) -> f64 {
        self.model.weight(&compare::compare(a, b, &self.tf))
    }

    /// The waterfall of two line profiles.
    pub fn explain_features(
        &self,
        ka: &RecordKey,
        a: &LineFeatures,
        kb: &RecordKey,
        b: &LineFeatures,
    ) -> Explanation {
        let gamma = compare::compare(a, b, &self.tf);
        let total_weight = self.model.weight(&gamma);
        Explanation {
            kind: EntityKind::Line,
            a: ka.clone(),
            b: kb.clone(),
            prior_weight: self.model.prior_weight(),
            steps: self.model.steps(&gamma, &compare::values(a, b)),
            total_weight,
            probability: probability_of(total_weight),
        }
    }
}

/// Line records made into profiles.
pub struct LineIndex {
    /// Distinct profiles.
    pub profiles: Vec<LineFeatures>,
    /// Records of each profile (indices into the input's lines).
    pub profile_records: Vec<Vec<u32>>,
    /// Returns of each profile's records.
    pub slots: Vec<Vec<u64>>,
    /// Order of profiles by smallest record key.
    pub ranks: Vec<u64>,
}

/// Builds line profiles; `person_of` gives the person entity of a nominal record.
pub fn index(lines: &[LineRecord], person_of: &PersonOf<'_>) -> LineIndex {
    let mut by_features: FxHashMap<LineFeatures, u32> = FxHashMap::default();
    let mut out = LineIndex {
        profiles: Vec::new(),
        profile_records: Vec::new(),
        slots: Vec::new(),
        ranks: Vec::new(),
    };
    let mut first: Vec<&RecordKey> = Vec::new();
    let features: Vec<LineFeatures> = lines
        .par_iter()
        .map(|line| LineFeatures::of(line, person_of))
        .collect();
    for ((r, line), f) in lines.iter().enumerate().zip(features) {
        let p = *by_features.entry(f.clone()).or_insert_with(|| {
            out.profiles.push(f);
            out.profile_records.push(Vec::new());
            out.slots.push(Vec::new());
            first.push(&line.key);
            (out.profiles.len() - 1) as u32
        });
        out.profile_records[p as usize].push(r as u32);
        out.slots[p as usize].push(slot(&line.key.force, line.key.period));
        if line.key < *first[p as usize] {
            first[p as usize] = &line.key;
        }
    }
    let mut order: Vec<u32> = (0..out.profiles.len() as u32).collect();
    order.sort_unstable_by(|&a, &b| first[a as usize].cmp(first[b as usize]));
    out.ranks = vec![0; out.profiles.len()];
    for (rank, p) in order.into_iter().enumerate() {
        out.ranks[p as usize] = rank as u64;
    }
    out
}

fn block_keys(p: &LineFeatures) -> Vec<u64> {
    let mut out = Vec::new();
    for n in p.numbers.iter() {
        out.push(key(1, n));
    }
    if !p.brand.is_empty() {
        out.push(key(2, &*p.brand));
        out.push(key(3, p.brand_code));
    }
    out.push(key(4, (p.force, &*p.reference)));
    for person in p.people.iter() {
        out.push(key(5, person));
    }
    for area in p.importing.iter() {
        out.push(key(6, (&**area, p.brand.bytes().next())));
    }
    out.sort_unstable();
    out.dedup();
    out
}

fn patterns(index: &LineIndex, tf: &LineTermFrequencies, pairs: &[(u32, u32)]) -> Patterns {
    Patterns::of_pairs(
        pairs,
        |a, b| compare::compare(&index.profiles[a as usize], &index.profiles[b as usize], tf),
        |a, b| {
            features::touch(&index.profiles[a as usize])
                ^ features::touch(&index.profiles[b as usize])
        },
    )
}

/// Trains a line model.
pub fn train(index: &LineIndex, settings: &Settings) -> LineModel {
    let tf = LineTermFrequencies::count(&index.profiles);
    let mut model = Model {
        comparisons: compare::comparisons(),
        lambda: 1e-3,
        tf_weight: settings.tf_adjustment_weight,
        tf_floor: 1e-6,
    };
    let all: Vec<u32> = (0..index.profiles.len() as u32).collect();
    let random = sampling::random_pairs(&all, settings.u_sample_pairs, settings.seed ^ 0x11e5);
    em::estimate_u(&mut model, &patterns(index, &tf, &random));
    let mut sessions = Vec::new();
    for (rule, excluded) in [(0u8, compare::BRAND), (1, compare::NUMBERS)] {
        let keyed: Vec<(u64, u32)> = index
            .profiles
            .par_iter()
            .enumerate()
            .flat_map_iter(|(p, f)| {
                let keys: Vec<u64> = match rule {
                    0 if !f.brand.is_empty() => vec![key(102, &*f.brand)],
                    1 => f.numbers.iter().map(|n| key(101, n)).collect(),
                    _ => Vec::new(),
                };
                keys.into_iter().map(move |k| (k, p as u32))
            })
            .collect();
        let blocks = sampling::SortedBlocks::of(keyed);
        let mut pairs = sampling::block_pairs(
            &blocks.blocks(),
            settings.max_block_size,
            settings.max_training_pairs,
        );
        pairs.sort_unstable_by_key(|&(a, b)| (a.min(b), a.max(b)));
        pairs.dedup_by_key(|&mut (a, b)| (a.min(b), a.max(b)));
        let mut active = vec![true; compare::N_COMPARISONS];
        active[excluded] = false;
        sessions.push(em::train(
            &model,
            &patterns(index, &tf, &pairs),
            &active,
            settings.em_max_iterations,
            settings.em_tolerance,
        ));
    }
    em::combine(&mut model, &sessions);
    LineModel {
        model,
        tf,
        em_iterations: sessions.iter().map(|s| s.iterations).collect(),
    }
}

/// The candidate pairs of an index.
pub fn candidates(index: &LineIndex, settings: &Settings) -> (Vec<(u32, u32)>, usize) {
    let mut blocks = BlockIndex::default();
    let keys: Vec<Vec<u64>> = index.profiles.par_iter().map(block_keys).collect();
    let nodes: Vec<u32> = (0..keys.len() as u32).collect();
    blocks.insert_all(&nodes, |p| &keys[p as usize]);
    // Chunks of profiles side by side, their pairs in order.
    const CHUNK: usize = 4096;
    let caps = (settings.max_block_size, settings.max_block_size);
    let chunks: Vec<Vec<(u32, u32)>> = keys
        .par_chunks(CHUNK)
        .enumerate()
        .map(|(c, chunk)| {
            let (mut out, mut found) = (Vec::new(), Vec::new());
            for (i, k) in chunk.iter().enumerate() {
                let p = (c * CHUNK + i) as u32;
                blocks.candidates(p, k, caps, |q| q > p, &mut found);
                out.extend(found.iter().map(|&q| (p, q)));
            }
            out
        })
        .collect();
    (chunks.concat(), blocks.oversized(caps))
}

/// Sets the prior of `lm` from the candidate pairs.
pub fn estimate_prior(
    lm: &mut LineModel,
    index: &LineIndex,
    pairs: &[(u32, u32)],
    settings: &Settings,
) {
    let n = index.profiles.len() as f64;
    lm.model.lambda = em::estimate_lambda(
        &lm.model,
        &patterns(index, &lm.tf, pairs),
        pairs.len() as f64,
        n * (n - 1.0) / 2.0,
        settings.em_max_iterations,
        settings.em_tolerance,
    );
}

struct LineLinkage<'a> {
    index: &'a LineIndex,
    model: &'a LineModel,
}

impl Linkage for LineLinkage<'_> {
    fn rank(&self, node: u32) -> u64 {
        self.index.ranks[node as usize]
    }
    fn slots(&self, node: u32) -> &[u64] {
        &self.index.slots[node as usize]
    }
    fn ids(&self, _node: u32) -> &[u64] {
        &[]
    }
    fn weight(&self, a: u32, b: u32) -> f64 {
        self.model.weight(
            &self.index.profiles[a as usize],
            &self.index.profiles[b as usize],
        )
    }
}

/// Lines resolved: clusters of record indices and the scored pairs.
pub struct Resolved {
    /// Clusters of line record indices (into the input's lines), each sorted by key.
    pub clusters: Vec<Vec<u32>>,
    /// Scored profile pairs kept: (a, b, weight).
    pub edges: Vec<(u32, u32, f64)>,
    /// Notes on decisions not applied.
    pub notes: Vec<String>,
    /// Candidate pairs compared.
    pub n_compared: u64,
    /// Blocks skipped for size.
    pub oversized_blocks: usize,
}

/// Scores and clusters the lines of `index`.
pub fn resolve(
    index: &LineIndex,
    lines: &[LineRecord],
    lm: &LineModel,
    decisions: &[Decision],
    pairs: &[(u32, u32)],
    oversized: usize,
    settings: &Settings,
) -> Resolved {
    let keep = weight_of(settings.review_band.0.min(settings.match_threshold));
    let edges: Vec<(u32, u32, f64)> = pairs
        .iter()
        .map(|&(a, b)| {
            (
                a,
                b,
                lm.weight(&index.profiles[a as usize], &index.profiles[b as usize]),
            )
        })
        .filter(|e| e.2 >= keep)
        .collect();
    let mut profile_of: FxHashMap<&RecordKey, u32> = FxHashMap::default();
    for (p, records) in index.profile_records.iter().enumerate() {
        for &r in records {
            profile_of.insert(&lines[r as usize].key, p as u32);
        }
    }
    let (mut must, mut cannot, mut notes) = (Vec::new(), Vec::new(), Vec::new());
    for d in decisions.iter().filter(|d| d.kind == EntityKind::Line) {
        match (profile_of.get(&d.a), profile_of.get(&d.b)) {
            (Some(&a), Some(&b)) if a != b => {
                if d.same {
                    must.push((a.min(b), a.max(b)))
                } else {
                    cannot.push((a.min(b), a.max(b)))
                }
            }
            (Some(_), Some(_)) => {
                if !d.same {
                    notes.push(format!("decision by {} that lines {} and {} differ cannot be applied: the force's records are identical", d.by, d.a, d.b));
                }
            }
            _ => notes.push(format!(
                "decision by {} about lines {} and {} names a record not in the input",
                d.by, d.a, d.b
            )),
        }
    }
    let thresholds = Thresholds {
        link_weight: weight_of(settings.match_threshold),
        prior_weight: lm.model.prior_weight(),
        cluster_evidence: settings.cluster_evidence,
        evidence_clamp: settings.evidence_clamp,
        max_linkage_pairs: settings.max_linkage_pairs,
        use_slots: settings.same_return_cannot_link,
        use_ids: false,
    };
    let linkage = LineLinkage { index, model: lm };
    let n = index.profiles.len();
    let components = cluster::components(n, &edges, &must, thresholds.link_weight);
    let mut clusters = Vec::new();
    for nodes in components {
        let set: FxHashSet<u32> = nodes.iter().copied().collect();
        let inside = |&(a, _): &(u32, u32)| set.contains(&a);
        let e: Vec<_> = edges
            .iter()
            .copied()
            .filter(|e| set.contains(&e.0))
            .collect();
        let m: Vec<_> = must.iter().copied().filter(inside).collect();
        let c: Vec<_> = cannot.iter().copied().filter(inside).collect();
        let result = cluster::cluster(&nodes, &e, &m, &c, &linkage, &thresholds);
        for (x, y) in result.contradictions {
            notes.push(format!("a \"same\" decision joining line profiles {x} and {y} contradicts a \"different\" decision and was not applied"));
        }
        clusters.extend(result.clusters);
    }
    let clusters = clusters
        .into_iter()
        .map(|profiles| {
            let mut records: Vec<u32> = profiles
                .iter()
                .flat_map(|&p| index.profile_records[p as usize].iter().copied())
                .collect();
            records.sort_unstable_by(|&a, &b| lines[a as usize].key.cmp(&lines[b as usize].key));
            records
        })
        .collect();
    Resolved {
        clusters,
        edges,
        notes,
        n_compared: pairs.len() as u64,
        oversized_blocks: oversized,
    }
}
