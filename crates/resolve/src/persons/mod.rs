//! Resolving people: nominal records become profiles (`features`), profiles are blocked
//! (`blocking`), compared (`compare`) and scored with a Fellegi–Sunter model trained without
//! labels (`em`), and the scored pairs are clustered (`cluster`).
//!
//! [`PersonIndex`] keeps everything a later incremental run needs: the profiles, which records
//! make them, the blocking index and the scored links. This module does not name entities
//! (`ids`) or decide what is shown for review beyond the band (`lib`).

pub mod blocking;
pub mod bound;
pub mod compare;
pub mod features;

use std::hash::{Hash, Hasher};

use rayon::prelude::*;
use rustc_hash::{FxHashMap, FxHashSet, FxHasher};
use smallvec::SmallVec;

use model::{ForceCode, Period};

use crate::blocking::{BlockIndex, KeyLists, RecentBlocks};
use crate::cluster::{self, Linkage, Thresholds};
use crate::decisions::Decision;
use crate::em::{self, Patterns};
use crate::explain::Explanation;
use crate::fellegi_sunter::{Model, probability_of, weight_of};
use crate::input::PersonRecord;
use crate::key::{EntityKind, RecordKey};
use crate::sampling;
use crate::settings::{Settings, Stage};

use blocking::TrainingRule;
use features::{Address, PersonFeatures, PersonTermFrequencies, PhoneticCodes};

/// A trained person model: the Fellegi–Sunter parameters and the term frequencies.
#[derive(Debug, Clone, PartialEq)]
pub struct PersonModel {
    /// m, u and the prior.
    pub model: Model,
    /// Value frequencies for the adjustment.
    pub tf: PersonTermFrequencies,
    /// Iterations each training session ran.
    pub em_iterations: Vec<usize>,
}

impl PersonModel {
    /// The match weight of two profiles.
    pub fn weight(&self, a: &PersonFeatures, b: &PersonFeatures) -> f64 {
        self.model.weight(&compare::compare(a, b, &self.tf))
    }

    /// The waterfall of two profiles under the keys `ka`, `kb`.
    pub fn explain_features(
        &self,
        ka: &RecordKey,
        a: &PersonFeatures,
        kb: &RecordKey,
        b: &PersonFeatures,
    ) -> Explanation {
        let gamma = compare::compare(a, b, &self.tf);
        let steps = self.model.steps(&gamma, &compare::values(a, b));
        let total_weight = self.model.weight(&gamma);
        Explanation {
            kind: EntityKind::Person,
            a: ka.clone(),
            b: kb.clone(),
            prior_weight: self.model.prior_weight(),
            steps,
            total_weight,
            probability: probability_of(total_weight),
        }
    }

    /// The waterfall of any two person records.
    pub fn explain(&self, a: &PersonRecord, b: &PersonRecord) -> Explanation {
        self.explain_features(
            &a.key,
            &PersonFeatures::of(a),
            &b.key,
            &PersonFeatures::of(b),
        )
    }
}

/// The tag of a record's return: force and period.
pub fn slot(force: &ForceCode, period: Period) -> u64 {
    (u64::from(features::force_index(force)) << 32)
        | (period.year() as u64 * 12 + u64::from(period.month()))
}

/// A hash of the values of a record that its features depend on (all but the period).
fn value_hash(r: &PersonRecord) -> u64 {
    let mut h = FxHasher::default();
    (
        &r.key.force,
        &r.key.reference,
        &r.surname,
        &r.forenames,
        &r.aliases,
    )
        .hash(&mut h);
    (&r.dob, &r.gender, &r.pnc_id, &r.address, &r.postcode).hash(&mut h);
    (&r.phone_numbers, &r.other_ids, &r.lines).hash(&mut h);
    h.finish()
}

/// For each record, the first record of `records` holding the same values for everything the
/// features depend on (itself when none before it does). Records are grouped by a hash of their
/// values, the groups checked side by side.
fn first_of_values(records: &[PersonRecord]) -> Vec<u32> {
    let mut by_hash: Vec<(u64, u32)> = records
        .par_iter()
        .enumerate()
        .map(|(i, r)| (value_hash(r), i as u32))
        .collect();
    by_hash.par_sort_unstable();
    let same_group = |a: &(u64, u32), b: &(u64, u32)| a.0 == b.0;
    // Nearly always every record of a group (in record order) holds the first one's values,
    // since a hash rarely joins different values: only the other groups are worked out
    // record by record.
    let mixed: Vec<Option<Vec<u32>>> = by_hash
        .par_chunk_by(same_group)
        .map(|group| {
            let head = &records[group[0].1 as usize];
            if group[1..]
                .iter()
                .all(|&(_, i)| same_values(head, &records[i as usize]))
            {
                return None;
            }
            let mut firsts: Vec<u32> = Vec::new();
            Some(
                group
                    .iter()
                    .map(|&(_, i)| {
                        let same = firsts
                            .iter()
                            .copied()
                            .find(|&j| same_values(&records[j as usize], &records[i as usize]));
                        same.unwrap_or_else(|| {
                            firsts.push(i);
                            i
                        })
                    })
                    .collect(),
            )
        })
        .collect();
    let mut first = vec![0u32; records.len()];
    for (group, mixed) in by_hash.chunk_by(same_group).zip(mixed) {
        match mixed {
            None => {
                for &(_, i) in group {
                    first[i as usize] = group[0].1;
                }
            }
            Some(firsts) => {
                for (&(_, i), f) in group.iter().zip(firsts) {
                    first[i as usize] = f;
                }
            }
        }
    }
    first
}

/// Whether two records hold the same values for everything their features depend on.
fn same_values(a: &PersonRecord, b: &PersonRecord) -> bool {
    a.key.force == b.key.force
        && a.key.reference == b.key.reference
        && a.surname == b.surname
        && a.forenames == b.forenames
        && a.aliases == b.aliases
        && a.dob == b.dob
        && a.gender == b.gender
        && a.pnc_id == b.pnc_id
        && a.address == b.address
        && a.postcode == b.postcode
        && a.phone_numbers == b.phone_numbers
        && a.other_ids == b.other_ids
        && a.lines == b.lines
}

/// Person records, their profiles, the blocking index and the scored links.
#[derive(Debug, Clone, Default)]
pub struct PersonIndex {
    /// Distinct profiles.
    pub profiles: Vec<PersonFeatures>,
    /// Profiles by fingerprint (nearly always one each, kept in the entry itself), for the
    /// first `fingerprinted` profiles: filled only when records are added to an index that
    /// already has profiles (a first batch has none to find).
    fingerprints: FxHashMap<u64, SmallVec<[u32; 1]>>,
    /// How many profiles `fingerprints` holds.
    fingerprinted: u32,
    /// Each profile's fingerprint.
    fingerprint_of: Vec<u64>,
    /// Every record added, in order.
    pub records: Vec<RecordKey>,
    /// The profile of each record.
    pub record_profile: Vec<u32>,
    /// The return (force and period, as [`slot`]) of each record.
    pub record_slots: Vec<u64>,
    /// The live records of each profile (empty once all were replaced).
    pub profile_records: Vec<Vec<u32>>,
    /// The returns (force and period) of each profile's live records.
    pub slots: Vec<Vec<u64>>,
    /// Hashed PNC id of each profile (empty when none).
    pub pnc: Vec<Vec<u64>>,
    /// Blocking index over profiles.
    pub blocks: BlockIndex,
    /// Scored links kept (weight reaching the lower of the review band and the match threshold).
    pub edges: Vec<(u32, u32, f64)>,
    /// Candidate pairs weighed so far (most of them only by their bound, `bound`).
    pub n_compared: u64,
    /// The block keys of the profiles not yet in the blocking index, made with their
    /// features while those were still in the processor's cache (read again later, a
    /// profile's lists are scattered over the heap).
    fresh_keys: NodeKeys,
}

impl PersonIndex {
    /// Whether profile `p` still has records.
    pub fn is_live(&self, p: u32) -> bool {
        !self.profile_records[p as usize].is_empty()
    }

    /// Profiles that still have records.
    pub fn live(&self) -> Vec<u32> {
        (0..self.profiles.len() as u32)
            .filter(|&p| self.is_live(p))
            .collect()
    }

    /// Adds records; returns the profiles that gained records and those newly created.
    pub fn add(&mut self, records: &[PersonRecord]) -> (Vec<u32>, Vec<u32>) {
        // A force repeats most records unchanged month after month: a record holding the same
        // values as an earlier one of this call (force and reference included) takes that
        // record's profile without being normalised again.
        let first = first_of_values(records);
        let distinct: Vec<u32> = (0..records.len() as u32)
            .filter(|&i| first[i as usize] == i)
            .collect();
        let (features, fingerprints, keys) = normalise(records, &distinct);
        let base = self.profiles.len() as u32;
        let (profile_of_distinct, unplaced) = self.add_profiles(features, &fingerprints, keys);
        let created: Vec<u32> = (base..base + unplaced.sources.len() as u32).collect();
        let mut distinct_of = vec![u32::MAX; records.len()];
        for (d, &i) in distinct.iter().enumerate() {
            distinct_of[i as usize] = d as u32;
        }
        let profile_of: Vec<u32> = (0..records.len())
            .into_par_iter()
            .map(|i| profile_of_distinct[distinct_of[first[i] as usize] as usize])
            .collect();
        // The new profiles are moved into place (one core's work) while the records are added.
        let (placed, touched) = rayon::join(
            move || unplaced.place(),
            || self.add_records(records, profile_of),
        );
        self.append_profiles(placed);
        (touched, created)
    }

    /// Gives each of `features` (with its `fingerprints`, and its block keys in `keys`, in
    /// lists of `NORMALISED_CHUNK`) a profile: an existing one with the same features, else a
    /// new one; returns the profile of each, and the new profiles' features still to be put
    /// in their places ([`Unplaced::place`], then [`PersonIndex::append_profiles`]).
    fn add_profiles(
        &mut self,
        features: Vec<PersonFeatures>,
        fingerprints: &[u64],
        keys: Vec<KeyLists>,
    ) -> (Vec<u32>, Unplaced) {
        // New profiles are numbered in the order that keeps similar ones next to each other
        // in memory (`locality_key`): comparing a profile with its candidates then mostly
        // reads memory that the comparisons of its neighbours have just read, and at a
        // million records the comparisons are bound by memory latency.
        let order = locality_order(&features, (0..features.len() as u32).collect());
        // Nothing is moved yet: `sources` lists the features of each new profile.
        let base = self.profiles.len() as u32;
        let mut profile_of = vec![0u32; features.len()];
        let mut sources: Vec<u32> = Vec::with_capacity(features.len());
        let first_batch = self.profiles.is_empty() && {
            let mut sorted = fingerprints.to_vec();
            sorted.par_sort_unstable();
            sorted.windows(2).all(|w| w[0] != w[1])
        };
        if first_batch {
            // Nothing to find: every one is a new profile (their fingerprints all differ).
            for (i, &d) in order.iter().enumerate() {
                profile_of[d as usize] = base + i as u32;
            }
            sources.extend_from_slice(&order);
        } else {
            self.index_fingerprints();
            self.fingerprints.reserve(features.len());
            for &d in &order {
                let (f, fingerprint) = (&features[d as usize], fingerprints[d as usize]);
                let profile = |p: u32| match p.checked_sub(base) {
                    None => &self.profiles[p as usize],
                    Some(new) => &features[sources[new as usize] as usize],
                };
                let same = self
                    .fingerprints
                    .get(&fingerprint)
                    .and_then(|ps| ps.iter().copied().find(|&p| profile(p) == f));
                profile_of[d as usize] = same.unwrap_or_else(|| {
                    let p = base + sources.len() as u32;
                    self.fingerprints.entry(fingerprint).or_default().push(p);
                    sources.push(d);
                    p
                });
            }
            self.fingerprinted = base + sources.len() as u32;
        }
        let n_new = sources.len();
        self.fingerprint_of
            .extend(sources.iter().map(|&d| fingerprints[d as usize]));
        // The new profiles' keys stay where they were made.
        self.fresh_keys.place(
            keys,
            self.profiles.len() + n_new,
            sources
                .iter()
                .enumerate()
                .map(|(i, &d)| (base + i as u32, d as usize)),
        );
        let n_profiles = self.profiles.len() + n_new;
        self.profile_records.resize(n_profiles, Vec::new());
        self.slots.resize(n_profiles, Vec::new());
        let unplaced = Unplaced { features, sources };
        (profile_of, unplaced)
    }

    /// Appends new profiles, in their places ([`Unplaced::place`]).
    fn append_profiles(&mut self, mut features: Vec<PersonFeatures>) {
        self.pnc.par_extend(features.par_iter().map(|f| {
            f.pnc
                .as_deref()
                .map(features::hash_of)
                .into_iter()
                .collect()
        }));
        if self.profiles.is_empty() {
            self.profiles = features;
        } else {
            self.profiles.append(&mut features);
        }
    }

    /// Adds the profiles not yet in `fingerprints`.
    fn index_fingerprints(&mut self) {
        let from = self.fingerprinted as usize;
        self.fingerprints.reserve(self.fingerprint_of.len() - from);
        for (p, &f) in self.fingerprint_of.iter().enumerate().skip(from) {
            self.fingerprints.entry(f).or_default().push(p as u32);
        }
        self.fingerprinted = self.fingerprint_of.len() as u32;
    }

    /// Adds `records`, each to its profile (`profile_of`); returns the profiles that gained
    /// records. Each profile's new records and returns are gathered side by side (a
    /// profile's records ascending, its returns sorted without repeats).
    fn add_records(&mut self, records: &[PersonRecord], profile_of: Vec<u32>) -> Vec<u32> {
        let base = self.records.len() as u32;
        // Each record's return is read here, in record order, rather than record by record
        // once the records are grouped by profile (scattered over memory).
        let mut assigned: Vec<(u32, u32, u64)> = profile_of
            .par_iter()
            .zip(records)
            .enumerate()
            .map(|(i, (&p, r))| (p, base + i as u32, slot(&r.key.force, r.key.period)))
            .collect();
        self.record_profile.par_extend(profile_of);
        self.record_slots
            .par_extend(assigned.par_iter().map(|&(_, _, s)| s));
        self.records
            .par_extend(records.par_iter().map(|r| r.key.clone()));
        assigned.par_sort_unstable();
        let gained: Vec<(u32, Vec<u32>, Vec<u64>)> = assigned
            .par_chunk_by(|a, b| a.0 == b.0)
            .map(|group| {
                let ids: Vec<u32> = group.iter().map(|&(_, r, _)| r).collect();
                let mut slots: Vec<u64> = group.iter().map(|&(_, _, s)| s).collect();
                slots.sort_unstable();
                slots.dedup();
                (group[0].0, ids, slots)
            })
            .collect();
        drop(assigned);
        let touched: Vec<u32> = gained.iter().map(|g| g.0).collect();
        for (p, ids, slots) in gained {
            let (held, returns) = (
                &mut self.profile_records[p as usize],
                &mut self.slots[p as usize],
            );
            if held.is_empty() {
                *held = ids;
            } else {
                held.extend(ids);
            }
            if returns.is_empty() {
                *returns = slots;
            } else {
                for s in slots {
                    if let Err(at) = returns.binary_search(&s) {
                        returns.insert(at, s);
                    }
                }
            }
        }
        touched
    }

    /// Drops the records of the given returns (being replaced); returns the profiles that
    /// lost records.
    pub fn remove_returns(&mut self, returns: &FxHashSet<u64>) -> Vec<u32> {
        let mut touched = Vec::new();
        for (p, records) in self.profile_records.iter_mut().enumerate() {
            let before = records.len();
            records.retain(|&r| !returns.contains(&self.record_slots[r as usize]));
            if records.len() != before {
                touched.push(p as u32);
                self.slots[p].retain(|s| !returns.contains(s));
            }
        }
        let dead: FxHashSet<u32> = touched
            .iter()
            .copied()
            .filter(|&p| self.profile_records[p as usize].is_empty())
            .collect();
        if !dead.is_empty() {
            self.edges
                .retain(|e| !dead.contains(&e.0) && !dead.contains(&e.1));
        }
        touched
    }

    /// The smallest live record key of each profile (`None` for dead profiles).
    pub fn first_key(&self, p: u32) -> Option<&RecordKey> {
        self.profile_records[p as usize]
            .iter()
            .map(|&r| &self.records[r as usize])
            .min()
    }

    /// A total order of live profiles by their smallest record key (dead profiles last).
    pub fn ranks(&self) -> Vec<u64> {
        // Sorted by a number that orders the keys as far as it goes, the keys themselves
        // compared only where it ties: comparing keys reads texts scattered over memory.
        let mut order: Vec<(u128, Option<&RecordKey>, u32)> = (0..self.profiles.len() as u32)
            .into_par_iter()
            .map(|p| {
                let key = self.first_key(p);
                (key.map_or(u128::MAX, crate::key::order_prefix), key, p)
            })
            .collect();
        order.par_sort_unstable_by(|a, b| {
            a.0.cmp(&b.0).then_with(|| match (a.1, b.1) {
                (Some(x), Some(y)) => x.cmp(y),
                (Some(_), None) => std::cmp::Ordering::Less,
                (None, Some(_)) => std::cmp::Ordering::Greater,
                (None, None) => a.2.cmp(&b.2),
            })
        });
        let mut ranks = vec![0u64; self.profiles.len()];
        for (rank, (_, _, p)) in order.into_iter().enumerate() {
            ranks[p as usize] = rank as u64;
        }
        ranks
    }

    /// The record shown for a profile in review: its latest, then smallest, key.
    pub fn representative(&self, p: u32) -> &RecordKey {
        self.profile_records[p as usize]
            .iter()
            .map(|&r| &self.records[r as usize])
            .max_by(|x, y| x.period.cmp(&y.period).then(y.cmp(x)))
            .expect("invariant: live profile")
    }
}

/// Features of records, their fingerprints and their block keys (in lists of
/// [`NORMALISED_CHUNK`] records).
type Normalised = (Vec<PersonFeatures>, Vec<u64>, Vec<KeyLists>);

/// How many records [`normalise`] gives the block keys of in one list.
const NORMALISED_CHUNK: usize = 1024;

/// The features of the `distinct` records, their fingerprints and their block keys: each
/// distinct address normalised once, each name's phonetic codes made once per batch of
/// records.
fn normalise(records: &[PersonRecord], distinct: &[u32]) -> Normalised {
    // Each distinct address is normalised once: each record's is numbered here, in the order
    // the addresses are first met (`texts`).
    let mut address_of: FxHashMap<&str, u32> = FxHashMap::default();
    let mut texts: Vec<&str> = Vec::new();
    let address_number: Vec<u32> = distinct
        .iter()
        .map(|&i| match records[i as usize].address.as_deref() {
            Some(a) => *address_of.entry(a).or_insert_with(|| {
                texts.push(a);
                (texts.len() - 1) as u32
            }),
            None => u32::MAX,
        })
        .collect();
    drop(address_of);
    let addresses: Vec<Address> = texts.par_iter().map(|&t| Address::of(t)).collect();
    drop(texts);
    // Each record's features are written in place, then read while still in the processor's
    // cache for their fingerprint and block keys.
    let mut features: Vec<PersonFeatures> = (0..distinct.len())
        .into_par_iter()
        .map(|_| PersonFeatures::default())
        .collect();
    let mut fingerprints = vec![0u64; distinct.len()];
    let keys: Vec<KeyLists> = features
        .par_chunks_mut(NORMALISED_CHUNK)
        .zip(fingerprints.par_chunks_mut(NORMALISED_CHUNK))
        .zip(distinct.par_chunks(NORMALISED_CHUNK))
        .zip(address_number.par_chunks(NORMALISED_CHUNK))
        .map_init(
            || (PhoneticCodes::default(), Vec::new()),
            |(codes, scratch), (((features, fingerprints), distinct), numbers)| {
                let mut lists = KeyLists::with_capacity(distinct.len(), 16 * distinct.len());
                let rows = features
                    .iter_mut()
                    .zip(fingerprints)
                    .zip(distinct)
                    .zip(numbers);
                for (((f, fingerprint), &i), &number) in rows {
                    let record = &records[i as usize];
                    let address = addresses.get(number as usize);
                    *f = PersonFeatures::with_address_and_codes(record, address, codes);
                    *fingerprint = f.fingerprint();
                    blocking::keys_into(f, scratch);
                    lists.push(scratch);
                }
                lists
            },
        )
        .collect();
    (features, fingerprints, keys)
}

/// New profiles' features, in the order they were made, not yet in the order of the profiles.
struct Unplaced {
    features: Vec<PersonFeatures>,
    /// The features of each new profile, in profile order (the other features repeat a
    /// profile's).
    sources: Vec<u32>,
}

impl Unplaced {
    /// The new profiles' features, in profile order.
    ///
    /// They are moved into their places within the vector they were made in (the features
    /// that repeat an earlier profile's go last, and are dropped): a vector of several hundred
    /// megabytes is neither copied nor faulted in again.
    fn place(self) -> Vec<PersonFeatures> {
        let Unplaced {
            mut features,
            mut sources,
        } = self;
        let count = sources.len();
        let mut in_place = vec![false; features.len()];
        for &d in &sources {
            in_place[d as usize] = true;
        }
        sources.extend((0..features.len() as u32).filter(|&d| !in_place[d as usize]));
        drop(in_place);
        permute(&mut features, &sources);
        features.truncate(count);
        features
    }
}

/// Rearranges `items` so that position `i` holds the item that was at `sources[i]` (a
/// permutation of the positions), by following each cycle of the permutation with swaps: every
/// item moves within the vector, none is copied elsewhere.
fn permute<T>(items: &mut [T], sources: &[u32]) {
    debug_assert_eq!(items.len(), sources.len());
    let mut done = vec![false; items.len()];
    for start in 0..items.len() {
        if done[start] {
            continue;
        }
        let mut at = start;
        loop {
            done[at] = true;
            let from = sources[at] as usize;
            if from == start {
                break;
            }
            items.swap(at, from);
            at = from;
        }
    }
}

/// `nodes` (positions in `profiles`) sorted by [`locality_key`], each key made once (a sort by a
/// key function would make it, reading two scattered profiles, at every comparison).
fn locality_order(profiles: &[PersonFeatures], nodes: Vec<u32>) -> Vec<u32> {
    let mut keyed: Vec<_> = nodes
        .into_par_iter()
        .map(|p| locality_key(&profiles[p as usize], p))
        .collect();
    keyed.par_sort_unstable();
    keyed.into_par_iter().map(|key| key.3).collect()
}

/// The order [`PersonIndex::add`] numbers new profiles in, and [`for_candidates`] visits them
/// in.
fn locality_key(f: &PersonFeatures, p: u32) -> (u32, Option<i32>, u32, u32) {
    (
        f.surname_code[0],
        f.dob.map(|d| d.year()),
        f.forename_code[0],
        p,
    )
}

/// Trains a person model on the live profiles of `index`.
pub fn train(
    index: &PersonIndex,
    settings: &Settings,
    progress: crate::settings::Progress<'_>,
) -> PersonModel {
    let live = index.live();
    let profiles: Vec<&PersonFeatures> =
        live.iter().map(|&p| &index.profiles[p as usize]).collect();
    let tf = PersonTermFrequencies::count(&profiles);
    let mut model = Model {
        comparisons: compare::comparisons(),
        lambda: 1e-4,
        tf_weight: settings.tf_adjustment_weight,
        tf_floor: 1e-7,
    };
    let patterns_of = |pairs: &[(u32, u32)]| -> Patterns {
        Patterns::of_pairs(
            pairs,
            |a, b| {
                compare::compare(
                    &index.profiles[a as usize],
                    &index.profiles[b as usize],
                    &tf,
                )
            },
            |a, b| {
                let (a, b) = (&index.profiles[a as usize], &index.profiles[b as usize]);
                features::touch(a) ^ features::touch(b)
            },
        )
    };
    progress(Stage::EstimateU, 0, 1);
    let random = sampling::random_pairs(&live, settings.u_sample_pairs, settings.seed);
    em::estimate_u(&mut model, &patterns_of(&random));
    drop(random);
    progress(Stage::EstimateU, 1, 1);

    let rules = [TrainingRule::Dob, TrainingRule::Names];
    let mut sessions = Vec::new();
    for (i, rule) in rules.iter().enumerate() {
        progress(Stage::Train, i as u64, rules.len() as u64);
        let keyed: Vec<(u64, u32)> = live
            .par_iter()
            .filter_map(|&p| {
                blocking::training_key(&index.profiles[p as usize], *rule).map(|k| (k, p))
            })
            .collect();
        let blocks = sampling::SortedBlocks::of(keyed);
        let pairs = sampling::block_pairs(
            &blocks.blocks(),
            settings.max_block_size,
            settings.max_training_pairs,
        );
        let mut active = vec![true; compare::N_COMPARISONS];
        match rule {
            TrainingRule::Dob => active[compare::DOB] = false,
            TrainingRule::Names => {
                active[compare::SURNAME] = false;
                active[compare::FORENAME] = false;
            }
        }
        sessions.push(em::train(
            &model,
            &patterns_of(&pairs),
            &active,
            settings.em_max_iterations,
            settings.em_tolerance,
        ));
    }
    em::combine(&mut model, &sessions);
    progress(Stage::Train, rules.len() as u64, rules.len() as u64);
    PersonModel {
        model,
        tf,
        em_iterations: sessions.iter().map(|s| s.iterations).collect(),
    }
}

/// The lowest weight a link is kept at.
pub fn keep_weight(settings: &Settings) -> f64 {
    weight_of(settings.review_band.0.min(settings.match_threshold))
}

/// The block keys of profiles (those just added to the blocking index, or about to be), kept
/// for the comparisons that follow (which would otherwise make them again): lists of keys,
/// and each profile's list and row in it.
#[derive(Debug, Clone, Default)]
pub struct NodeKeys {
    position: Vec<(u32, u32)>,
    lists: Vec<KeyLists>,
}

/// The position of a profile without keys here.
const NO_KEYS: (u32, u32) = (u32::MAX, u32::MAX);

impl NodeKeys {
    /// The keys of `node`, if it has them here.
    fn get(&self, node: u32) -> Option<&[(u64, u64)]> {
        let &(list, row) = self.position.get(node as usize)?;
        self.lists.get(list as usize).map(|l| l.row(row as usize))
    }

    /// Adds `lists` (each of [`NORMALISED_CHUNK`] rows but the last), and gives each node of
    /// `rows` (all below `n_nodes`) its row, counted across them.
    fn place(
        &mut self,
        lists: Vec<KeyLists>,
        n_nodes: usize,
        rows: impl Iterator<Item = (u32, usize)>,
    ) {
        let first_list = self.lists.len();
        self.lists.extend(lists);
        self.position
            .resize(n_nodes.max(self.position.len()), NO_KEYS);
        for (node, row) in rows {
            self.position[node as usize] = (
                (first_list + row / NORMALISED_CHUNK) as u32,
                (row % NORMALISED_CHUNK) as u32,
            );
        }
    }
}

/// Adds `nodes` to the blocking index; returns their keys (those made with the features of
/// new profiles, the others made now).
pub fn add_to_blocks(index: &mut PersonIndex, nodes: &[u32]) -> NodeKeys {
    let mut keys = std::mem::take(&mut index.fresh_keys);
    keys.position.resize(index.profiles.len(), NO_KEYS);
    let missing: Vec<u32> = nodes
        .iter()
        .copied()
        .filter(|&p| keys.get(p).is_none())
        .collect();
    if !missing.is_empty() {
        let profiles = &index.profiles;
        let made: Vec<KeyLists> = missing
            .par_chunks(NORMALISED_CHUNK)
            .map_init(Vec::new, |scratch, chunk| {
                let mut lists = KeyLists::default();
                for &p in chunk {
                    blocking::keys_into(&profiles[p as usize], scratch);
                    lists.push(scratch);
                }
                lists
            })
            .collect();
        keys.place(
            made,
            index.profiles.len(),
            missing.iter().enumerate().map(|(row, &p)| (p, row)),
        );
    }
    index.blocks.insert_all_refined(nodes, |p| {
        keys.get(p).expect("invariant: every node's keys were made")
    });
    keys
}

/// Which candidate pairs of a node are compared.
#[derive(Clone, Copy)]
pub enum Pairs<'a> {
    /// Each pair once: a node with the candidates numbered after it.
    Later,
    /// Those the function allows (node, candidate).
    Kept(&'a (dyn Fn(u32, u32) -> bool + Sync)),
}

/// Calls `visit` with each candidate pair of every `node` (those `pairs` allows), in parallel
/// over chunks of nodes, and gathers what the visits return, in an order of the nodes that
/// keeps similar profiles together (not the order given): consecutive nodes then share most
/// candidates, whose profiles are still in the processor's cache.
fn for_candidates<T: Send>(
    index: &PersonIndex,
    nodes: &[u32],
    node_keys: &NodeKeys,
    pairs: Pairs<'_>,
    settings: &Settings,
    progress: crate::settings::Progress<'_>,
    visit: &(dyn Fn(u32, &[u32]) -> T + Sync),
) -> Vec<T> {
    let total = nodes.len() as u64;
    let order = locality_order(&index.profiles, nodes.to_vec());
    // Which profiles are live, compactly (read for every member of every block).
    let live: Vec<bool> = (0..index.profiles.len() as u32)
        .map(|q| index.is_live(q))
        .collect();
    let mut out = Vec::with_capacity(nodes.len());
    for (chunk_no, chunk) in order.chunks(16_384).enumerate() {
        progress(Stage::Compare, (chunk_no * 16_384) as u64, total);
        let results: Vec<T> = chunk
            .par_iter()
            .map_init(
                || (Vec::new(), RecentBlocks::default()),
                |(candidates, recent), &p| {
                    let made;
                    let keys = match node_keys.get(p) {
                        Some(keys) => keys,
                        None => {
                            made = blocking::keys(&index.profiles[p as usize]);
                            &made
                        }
                    };
                    let (from, keep) = match pairs {
                        Pairs::Later => (p + 1, None),
                        Pairs::Kept(keep) => (0, Some(keep)),
                    };
                    index.blocks.candidates_refined(
                        p,
                        keys,
                        (settings.max_block_size, settings.max_broad_block_size),
                        settings.refine_block_size,
                        from,
                        |q| live[q as usize] && keep.is_none_or(|keep| keep(p, q)),
                        candidates,
                        recent,
                    );
                    visit(p, candidates)
                },
            )
            .collect();
        out.extend(results);
    }
    progress(Stage::Compare, total, total);
    out
}

/// Estimates the prior of `pm` from the candidate pairs of an evenly spread sample of `nodes`
/// (all of them when few): the expected number of matches among candidates over all pairs.
pub fn estimate_prior(
    index: &PersonIndex,
    pm: &mut PersonModel,
    nodes: &[u32],
    node_keys: &NodeKeys,
    pairs: Pairs<'_>,
    settings: &Settings,
    progress: crate::settings::Progress<'_>,
) {
    const SAMPLE: usize = 20_000;
    let stride = nodes.len().div_ceil(SAMPLE).max(1);
    let sample: Vec<u32> = nodes.iter().copied().step_by(stride).collect();
    let tf = &pm.tf;
    let patterns: Vec<Patterns> = for_candidates(
        index,
        &sample,
        node_keys,
        pairs,
        settings,
        progress,
        &|p, candidates| {
            let mut patterns = Patterns::default();
            let a = &index.profiles[p as usize];
            for &q in candidates {
                patterns.add(&compare::compare(a, &index.profiles[q as usize], tf));
            }
            patterns
        },
    );
    let mut all = Patterns::default();
    for p in patterns {
        all.merge(p);
    }
    let n = nodes.len() as f64;
    let n_candidates = all.total() as f64 * nodes.len() as f64 / sample.len().max(1) as f64;
    pm.model.lambda = em::estimate_lambda(
        &pm.model,
        &all,
        n_candidates,
        n * (n - 1.0) / 2.0,
        settings.em_max_iterations,
        settings.em_tolerance,
    );
}

/// Compares `nodes` with their candidates (those `pairs` allows) and returns the number of
/// candidate pairs weighed (most only by their bound) and the pairs whose weight reaches
/// `keep_weight(settings)`.
pub fn compare_candidates(
    index: &PersonIndex,
    pm: &PersonModel,
    nodes: &[u32],
    node_keys: &NodeKeys,
    pairs: Pairs<'_>,
    settings: &Settings,
    progress: crate::settings::Progress<'_>,
) -> (u64, Vec<(u32, u32, f64)>) {
    let table = pm.model.table();
    let bounds = bound::Bounds::new(&table);
    let keep_at = keep_weight(settings);
    let tf = &pm.tf;
    // Most candidate pairs are told from their summaries, read densely, to fall short of the
    // weight kept; only the others are compared in full.
    let summaries: Vec<bound::Summary> =
        index.profiles.par_iter().map(bound::Summary::of).collect();
    let results = for_candidates(
        index,
        nodes,
        node_keys,
        pairs,
        settings,
        progress,
        &|p, candidates| {
            let a = &index.profiles[p as usize];
            let summary = &summaries[p as usize];
            let mut out = Vec::new();
            for &q in candidates {
                if bounds.below(summary, &summaries[q as usize], keep_at) {
                    continue;
                }
                let b = &index.profiles[q as usize];
                let names = compare::names(a, b, tf);
                if bounds.below_with_names(summary, &summaries[q as usize], names, keep_at) {
                    continue;
                }
                let w = table.weight(&compare::compare_with_names(a, b, tf, names));
                if w >= keep_at {
                    out.push((p.min(q), p.max(q), w));
                }
            }
            (candidates.len() as u64, out)
        },
    );
    let mut n_compared = 0;
    let mut edges = Vec::new();
    for (n, out) in results {
        n_compared += n;
        edges.extend(out);
    }
    // In the order of the pairs, whatever order the nodes were visited in.
    edges.par_sort_unstable_by_key(|e| (e.0, e.1));
    (n_compared, edges)
}

/// The person linkage the clustering sees.
pub struct PersonLinkage<'a> {
    /// The index.
    pub index: &'a PersonIndex,
    /// The model.
    pub model: &'a PersonModel,
    /// The model's weights.
    pub table: crate::fellegi_sunter::Table,
    /// Ranks of profiles.
    pub ranks: &'a [u64],
    /// The weights of the links kept (`PersonIndex::edges`), which are not worked out again.
    pub known: KnownWeights,
}

/// The weights of scored pairs, found from either profile: for each profile, the pairs in
/// which it is the lower-numbered (a profile has a few).
#[derive(Debug, Clone, Default)]
pub struct KnownWeights {
    /// Where each profile's pairs start in `pairs`, then where the last one's end.
    starts: Vec<u32>,
    /// The other profile and the weight.
    pairs: Vec<(u32, f64)>,
}

impl KnownWeights {
    /// The weights of `edges` (`(a, b, weight)` with `a < b`, in any order) among `n`
    /// profiles.
    pub fn of(edges: &[(u32, u32, f64)], n: usize) -> KnownWeights {
        // A counting sort by the lower profile.
        let mut starts = vec![0u32; n + 1];
        for e in edges {
            starts[e.0 as usize + 1] += 1;
        }
        for i in 0..n {
            starts[i + 1] += starts[i];
        }
        let mut next = starts.clone();
        let mut pairs = vec![(0u32, 0.0f64); edges.len()];
        for &(a, b, w) in edges {
            pairs[next[a as usize] as usize] = (b, w);
            next[a as usize] += 1;
        }
        KnownWeights { starts, pairs }
    }

    /// The weight of `a` and `b`, if scored.
    pub fn get(&self, a: u32, b: u32) -> Option<f64> {
        let (lo, hi) = (a.min(b) as usize, a.max(b));
        let range = *self.starts.get(lo)? as usize..*self.starts.get(lo + 1)? as usize;
        self.pairs[range].iter().find(|p| p.0 == hi).map(|p| p.1)
    }
}

impl Linkage for PersonLinkage<'_> {
    fn rank(&self, node: u32) -> u64 {
        self.ranks[node as usize]
    }
    fn slots(&self, node: u32) -> &[u64] {
        &self.index.slots[node as usize]
    }
    fn ids(&self, node: u32) -> &[u64] {
        &self.index.pnc[node as usize]
    }
    fn weight(&self, a: u32, b: u32) -> f64 {
        if let Some(w) = self.known.get(a, b) {
            return w;
        }
        let (pa, pb) = (
            &self.index.profiles[a as usize],
            &self.index.profiles[b as usize],
        );
        self.table.weight(&compare::compare(pa, pb, &self.model.tf))
    }
    /// Two records of one return are two people unless they are a confident match, and also
    /// when their forenames differ (not a nickname, initial, swap or near spelling of each
    /// other, and neither's street name is the other's forename): twins or siblings on one
    /// line, whom everything else makes look alike. One comparison serves both tests.
    fn apart_in_one_slot(&self, a: u32, b: u32, link_weight: f64) -> bool {
        let (pa, pb) = (
            &self.index.profiles[a as usize],
            &self.index.profiles[b as usize],
        );
        let gamma = compare::compare(pa, pb, &self.model.tf);
        let distinct = gamma.levels[compare::FORENAME] == compare::FORENAME_DIFFERENT
            && !matches!(gamma.levels[compare::ALIASES], 1 | 2);
        distinct || self.table.weight(&gamma) < link_weight
    }
}

/// Must-link profile pairs, cannot-link profile pairs, and notes on decisions not applied.
pub type DecisionPairs = (Vec<(u32, u32)>, Vec<(u32, u32)>, Vec<String>);

/// Profile pairs of the decisions about people: (must-links, cannot-links, notes on
/// decisions that could not be applied).
pub fn decision_pairs(index: &PersonIndex, decisions: &[Decision]) -> DecisionPairs {
    let wanted: FxHashSet<&RecordKey> = decisions
        .iter()
        .filter(|d| d.kind == EntityKind::Person)
        .flat_map(|d| [&d.a, &d.b])
        .collect();
    let mut found: FxHashMap<&RecordKey, u32> = FxHashMap::default();
    if !wanted.is_empty() {
        for (r, key) in index.records.iter().enumerate() {
            let p = index.record_profile[r];
            if wanted.contains(key) && index.profile_records[p as usize].contains(&(r as u32)) {
                found.insert(key, p);
            }
        }
    }
    let (mut must, mut cannot, mut notes) = (Vec::new(), Vec::new(), Vec::new());
    for d in decisions.iter().filter(|d| d.kind == EntityKind::Person) {
        let (Some(&a), Some(&b)) = (found.get(&d.a), found.get(&d.b)) else {
            notes.push(format!(
                "decision by {} about {} and {} names a record not in the input",
                d.by, d.a, d.b
            ));
            continue;
        };
        match (d.same, a == b) {
            (true, true) => {}
            (true, false) => must.push((a.min(b), a.max(b))),
            (false, true) => notes.push(format!(
                "decision by {} that {} and {} differ cannot be applied: the force's records are identical",
                d.by, d.a, d.b
            )),
            (false, false) => cannot.push((a.min(b), a.max(b))),
        }
    }
    must.sort_unstable();
    must.dedup();
    cannot.sort_unstable();
    cannot.dedup();
    (must, cannot, notes)
}

/// The clustering thresholds from settings.
pub fn thresholds(settings: &Settings, prior_weight: f64) -> Thresholds {
    Thresholds {
        link_weight: weight_of(settings.match_threshold),
        prior_weight,
        cluster_evidence: settings.cluster_evidence,
        evidence_clamp: settings.evidence_clamp,
        max_linkage_pairs: settings.max_linkage_pairs,
        use_slots: settings.same_return_cannot_link,
        use_ids: settings.pnc_cannot_link,
    }
}

/// Clusters the given components in parallel.
pub fn cluster_components(
    components: &[Vec<u32>],
    edges_of: &FxHashMap<u32, Vec<(u32, u32, f64)>>,
    must: &[(u32, u32)],
    cannot: &[(u32, u32)],
    linkage: &dyn Linkage,
    thresholds: &Thresholds,
    component_of: &[u32],
) -> (Vec<Vec<u32>>, Vec<(u32, u32)>) {
    let empty = Vec::new();
    let mut must_of: FxHashMap<u32, Vec<(u32, u32)>> = FxHashMap::default();
    for &(a, b) in must {
        must_of
            .entry(component_of[a as usize])
            .or_default()
            .push((a, b));
    }
    let mut cannot_of: FxHashMap<u32, Vec<(u32, u32)>> = FxHashMap::default();
    for &(a, b) in cannot {
        if component_of[a as usize] == component_of[b as usize] {
            cannot_of
                .entry(component_of[a as usize])
                .or_default()
                .push((a, b));
        }
    }
    let results: Vec<cluster::Clustered> = components
        .par_iter()
        .map(|nodes| {
            if nodes.len() == 1 {
                return cluster::Clustered {
                    clusters: vec![nodes.clone()],
                    contradictions: Vec::new(),
                };
            }
            let c = component_of[nodes[0] as usize];
            cluster::cluster(
                nodes,
                edges_of.get(&c).unwrap_or(&empty),
                must_of.get(&c).unwrap_or(&empty_pairs()),
                cannot_of.get(&c).unwrap_or(&empty_pairs()),
                linkage,
                thresholds,
            )
        })
        .collect();
    let mut clusters = Vec::new();
    let mut contradictions = Vec::new();
    for r in results {
        clusters.extend(r.clusters);
        contradictions.extend(r.contradictions);
    }
    (clusters, contradictions)
}

fn empty_pairs() -> Vec<(u32, u32)> {
    Vec::new()
}

#[cfg(test)]
mod tests {
    use super::{KnownWeights, permute};

    #[test]
    fn known_weights_are_found_from_either_side() {
        let known = KnownWeights::of(&[(2, 5, 1.5), (0, 3, -2.0), (2, 4, 7.0)], 6);
        assert_eq!(known.get(2, 5), Some(1.5));
        assert_eq!(known.get(5, 2), Some(1.5));
        assert_eq!(known.get(4, 2), Some(7.0));
        assert_eq!(known.get(3, 0), Some(-2.0));
        assert_eq!(known.get(2, 3), None);
        assert_eq!(known.get(1, 5), None);
        assert_eq!(known.get(9, 1), None);
    }

    #[test]
    fn permute_places_each_item_from_its_source() {
        // One 3-cycle, one swap, one fixed point.
        let mut items = vec!["a", "b", "c", "d", "e", "f"];
        let sources = [2, 0, 1, 4, 3, 5];
        permute(&mut items, &sources);
        assert_eq!(items, vec!["c", "a", "b", "e", "d", "f"]);
        let mut identity = vec![1, 2, 3];
        permute(&mut identity, &[0, 1, 2]);
        assert_eq!(identity, vec![1, 2, 3]);
    }
}
