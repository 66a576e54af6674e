//! The runs: a full run (train, compare, cluster everything), a run with given models, and an
//! incremental run that compares only the new records' pairs and re-clusters only the
//! components they touch. All three end in `finish`, which clusters, resolves lines, places,
//! vehicles and numbers, names the entities and fills the review queue.
//!
//! This module sequences stages; the stages themselves live in their own modules.

use rayon::prelude::*;
use rustc_hash::{FxHashMap, FxHashSet};

use crate::cluster;
use crate::decisions::Decision;
use crate::fellegi_sunter::probability_of;
use crate::ids::{self, PreviousIds};
use crate::input::Input;
use crate::key::{EntityKind, Member, RecordKey, RecordKind};
use crate::lines;
use crate::persons::{self, PersonIndex, PersonLinkage, PersonModel};
use crate::places;
use crate::resolution::{Entity, Models, Resolution, ReviewItem, State, Stats};
use crate::settings::{Progress, Settings, Stage};

/// The person entity (cluster) of each live nominal record, by return (`persons::slot`) and
/// reference: the returns' maps are built side by side.
fn nominals_by_return<'a>(
    index: &'a PersonIndex,
    cluster_of_profile: &[u32],
) -> FxHashMap<u64, FxHashMap<&'a str, u32>> {
    let mut records: Vec<(u64, u32, u32)> = index
        .profile_records
        .par_iter()
        .enumerate()
        .flat_map_iter(|(p, records)| {
            records
                .iter()
                .map(move |&r| (index.record_slots[r as usize], r, cluster_of_profile[p]))
        })
        .collect();
    records.par_sort_unstable();
    records
        .par_chunk_by(|a, b| a.0 == b.0)
        .map(|group| {
            let refs = group
                .iter()
                .map(|&(_, r, c)| (index.records[r as usize].reference.as_str(), c))
                .collect();
            (group[0].0, refs)
        })
        .collect()
}

/// Blocks every live profile and compares each candidate pair once, first estimating the
/// prior from the candidates when asked.
fn compare_all(
    index: &mut PersonIndex,
    pm: &mut PersonModel,
    estimate_prior: bool,
    settings: &Settings,
    progress: Progress<'_>,
) {
    let live = index.live();
    let keys = persons::add_to_blocks(index, &live);
    let pairs = persons::Pairs::Later;
    if estimate_prior {
        persons::estimate_prior(index, pm, &live, &keys, pairs, settings, progress);
    }
    let (n_compared, edges) =
        persons::compare_candidates(index, pm, &live, &keys, pairs, settings, progress);
    index.n_compared = n_compared;
    index.edges = edges;
}

/// A full run: trains the models on `input`, then resolves it.
pub fn resolve_full(
    input: &Input,
    decisions: &[Decision],
    previous: &PreviousIds,
    settings: &Settings,
    progress: Progress<'_>,
) -> Resolution {
    progress(Stage::Profiles, 0, input.persons.len() as u64);
    let mut index = PersonIndex::default();
    index.add(&input.persons);
    progress(
        Stage::Profiles,
        input.persons.len() as u64,
        input.persons.len() as u64,
    );
    let mut pm = persons::train(&index, settings, progress);
    compare_all(&mut index, &mut pm, true, settings, progress);
    finish(
        index,
        pm,
        None,
        others_of(input),
        decisions,
        previous,
        settings,
        progress,
        Recluster::All,
    )
}

/// A run with given models (nothing is trained; priors and term frequencies are the models').
pub fn resolve_using(
    input: &Input,
    decisions: &[Decision],
    previous: &PreviousIds,
    settings: &Settings,
    models: &Models,
    progress: Progress<'_>,
) -> Resolution {
    let mut index = PersonIndex::default();
    index.add(&input.persons);
    let mut pm = models.persons.clone();
    compare_all(&mut index, &mut pm, false, settings, progress);
    finish(
        index,
        pm,
        Some(models.lines.clone()),
        others_of(input),
        decisions,
        previous,
        settings,
        progress,
        Recluster::All,
    )
}

/// An incremental run: see [`crate::resolve_incremental`].
pub fn resolve_more(
    previous: Resolution,
    new_records: &Input,
    decisions: &[Decision],
    settings: &Settings,
    progress: Progress<'_>,
) -> Resolution {
    let previous_ids = PreviousIds::from_resolution(&previous);
    let State {
        persons: mut index,
        person_clusters,
        models,
        mut others,
        decisions: old_decisions,
    } = previous.state;
    let replaced: FxHashSet<u64> = new_records
        .persons
        .iter()
        .map(|r| &r.key)
        .chain(new_records.lines.iter().map(|r| &r.key))
        .chain(new_records.locations.iter().map(|r| &r.key))
        .chain(new_records.vehicles.iter().map(|r| &r.key))
        .map(|k| persons::slot(&k.force, k.period))
        .collect();
    let mut affected: FxHashSet<u32> = index.remove_returns(&replaced).into_iter().collect();
    let kept = |k: &RecordKey| !replaced.contains(&persons::slot(&k.force, k.period));
    others.lines.retain(|r| kept(&r.key));
    others.locations.retain(|r| kept(&r.key));
    others.vehicles.retain(|r| kept(&r.key));
    let mut new_others = others_of(new_records);
    others.lines.append(&mut new_others.lines);
    others.locations.append(&mut new_others.locations);
    others.vehicles.append(&mut new_others.vehicles);

    let (touched, created) = index.add(&new_records.persons);
    affected.extend(touched);
    let new_set: FxHashSet<u32> = created.iter().copied().collect();
    let pm = models.persons.clone();
    let keys = persons::add_to_blocks(&mut index, &created);
    let (n_compared, edges) = persons::compare_candidates(
        &index,
        &pm,
        &created,
        &keys,
        persons::Pairs::Kept(&|p, q| !new_set.contains(&q) || q > p),
        settings,
        progress,
    );
    index.n_compared = n_compared;
    index.edges.extend(edges);

    // A decision made or withdrawn since the last run re-opens the components it concerns.
    let old: FxHashSet<&Decision> = old_decisions.iter().collect();
    let new: FxHashSet<&Decision> = decisions.iter().collect();
    let changed: FxHashSet<&RecordKey> = old
        .symmetric_difference(&new)
        .filter(|d| d.kind == EntityKind::Person)
        .flat_map(|d| [&d.a, &d.b])
        .collect();
    if !changed.is_empty() {
        for (r, key) in index.records.iter().enumerate() {
            if changed.contains(key) {
                affected.insert(index.record_profile[r]);
            }
        }
    }
    finish(
        index,
        pm,
        Some(models.lines),
        others,
        decisions,
        &previous_ids,
        settings,
        progress,
        Recluster::Only {
            clusters: person_clusters,
            affected,
        },
    )
}

/// Which person components to cluster.
enum Recluster {
    /// Every component.
    All,
    /// Only components holding an affected profile; the others keep their clusters.
    Only {
        clusters: Vec<Vec<u32>>,
        affected: FxHashSet<u32>,
    },
}

/// The records other than people.
fn others_of(input: &Input) -> Input {
    Input {
        persons: Vec::new(),
        lines: input.lines.clone(),
        locations: input.locations.clone(),
        vehicles: input.vehicles.clone(),
    }
}

#[allow(clippy::too_many_arguments)]
fn finish(
    index: PersonIndex,
    pm: PersonModel,
    line_model: Option<lines::LineModel>,
    others: Input,
    decisions: &[Decision],
    previous: &PreviousIds,
    settings: &Settings,
    progress: Progress<'_>,
    recluster: Recluster,
) -> Resolution {
    let mut notes = Vec::new();
    let mut stats = Stats {
        person_records: index.profile_records.iter().map(Vec::len).sum(),
        person_profiles: index.live().len(),
        person_pairs_compared: index.n_compared,
        person_links: index.edges.len(),
        person_oversized_blocks: index
            .blocks
            .oversized((settings.max_block_size, settings.max_broad_block_size)),
        person_em_iterations: pm.em_iterations.clone(),
        person_prior: pm.model.lambda,
        ..Stats::default()
    };

    // People: cluster the components that need it.
    progress(Stage::Cluster, 0, 1);
    let ranks = index.ranks();
    let (must, cannot, decision_notes) = persons::decision_pairs(&index, decisions);
    notes.extend(decision_notes);
    let thresholds = persons::thresholds(settings, pm.model.prior_weight());
    let n_profiles = index.profiles.len();
    let components: Vec<Vec<u32>> =
        cluster::components(n_profiles, &index.edges, &must, thresholds.link_weight)
            .into_iter()
            .filter(|c| index.is_live(c[0]))
            .collect();
    let mut component_of = vec![u32::MAX; n_profiles];
    for (c, nodes) in components.iter().enumerate() {
        for &p in nodes {
            component_of[p as usize] = c as u32;
        }
    }
    let (mut person_clusters, redo): (Vec<Vec<u32>>, Vec<bool>) = match recluster {
        Recluster::All => (Vec::new(), vec![true; components.len()]),
        Recluster::Only { clusters, affected } => {
            let mut redo = vec![false; components.len()];
            for &p in &affected {
                if let Some(&c) = component_of.get(p as usize).filter(|&&c| c != u32::MAX) {
                    redo[c as usize] = true;
                }
            }
            let kept: Vec<Vec<u32>> = clusters
                .into_iter()
                .filter(|cl| {
                    let c = component_of[cl[0] as usize];
                    c != u32::MAX && !redo[c as usize]
                })
                .collect();
            (kept, redo)
        }
    };
    let to_cluster: Vec<Vec<u32>> = components
        .iter()
        .zip(&redo)
        .filter(|(_, r)| **r)
        .map(|(c, _)| c.clone())
        .collect();
    stats.components_clustered = to_cluster.len();
    let mut edges_of: FxHashMap<u32, Vec<(u32, u32, f64)>> = FxHashMap::default();
    for &e in &index.edges {
        let c = component_of[e.0 as usize];
        if c != u32::MAX && redo[c as usize] && e.2 >= thresholds.link_weight {
            edges_of.entry(c).or_default().push(e);
        }
    }
    let linkage = PersonLinkage {
        index: &index,
        model: &pm,
        table: pm.model.table(),
        ranks: &ranks,
        known: persons::KnownWeights::of(&index.edges, n_profiles),
    };
    let (new_clusters, contradictions) = persons::cluster_components(
        &to_cluster,
        &edges_of,
        &must,
        &cannot,
        &linkage,
        &thresholds,
        &component_of,
    );
    for (a, b) in contradictions {
        notes.push(format!(
            "a \"same\" decision joining {} and {} contradicts a \"different\" decision and was not applied",
            index.representative(a),
            index.representative(b)
        ));
    }
    person_clusters.extend(new_clusters);
    person_clusters.sort_unstable_by_key(|c| ranks[c[0] as usize]);
    progress(Stage::Cluster, 1, 1);

    let mut cluster_of_profile = vec![u32::MAX; n_profiles];
    for (c, profiles) in person_clusters.iter().enumerate() {
        for &p in profiles {
            cluster_of_profile[p as usize] = c as u32;
        }
    }
    let person_members: Vec<Vec<Member>> = person_clusters
        .par_iter()
        .map(|profiles| {
            let mut members: Vec<Member> = profiles
                .iter()
                .flat_map(|&p| index.profile_records[p as usize].iter())
                .map(|&r| Member {
                    kind: RecordKind::Person,
                    key: index.records[r as usize].clone(),
                })
                .collect();
            members.sort_unstable();
            members
        })
        .collect();

    // Lines, using the people just resolved.
    progress(Stage::Lines, 0, 1);
    let person_of = nominals_by_return(&index, &cluster_of_profile);
    let line_index = lines::index(&others.lines, &|k, reference| {
        person_of
            .get(&persons::slot(&k.force, k.period))
            .and_then(|refs| refs.get(reference))
            .copied()
    });
    drop(person_of);
    let (line_pairs, line_oversized) = lines::candidates(&line_index, settings);
    let lm = match line_model {
        Some(lm) => lm,
        None => {
            let mut lm = lines::train(&line_index, settings);
            lines::estimate_prior(&mut lm, &line_index, &line_pairs, settings);
            lm
        }
    };
    let resolved_lines = lines::resolve(
        &line_index,
        &others.lines,
        &lm,
        decisions,
        &line_pairs,
        line_oversized,
        settings,
    );
    notes.extend(resolved_lines.notes.iter().cloned());
    stats.line_records = others.lines.len();
    stats.line_pairs_compared = resolved_lines.n_compared;
    stats.line_oversized_blocks = resolved_lines.oversized_blocks;
    progress(Stage::Lines, 1, 1);

    // Places, vehicles, numbers.
    progress(Stage::Places, 0, 1);
    let (location_clusters, location_notes) =
        places::locations(&others.locations, decisions, settings.location_similarity);
    notes.extend(location_notes);
    let vehicle_groups = places::vehicles(&others.vehicles);
    // Every (number, record) pair, the record as its kind and position, sorted: each number's
    // records then lie together. A record's key is read only for its number's entity.
    let profiles = &index.profiles;
    let mut numbers: Vec<(u64, RecordKind, u32)> = index
        .profile_records
        .par_iter()
        .enumerate()
        .flat_map_iter(|(p, records)| {
            profiles[p]
                .phones
                .iter()
                .flat_map(move |&n| records.iter().map(move |&r| (n, RecordKind::Person, r)))
        })
        .collect();
    numbers.extend(others.lines.iter().enumerate().flat_map(|(i, line)| {
        line.deal_numbers.iter().map(move |n| {
            (
                persons::features::phone_digits(n),
                RecordKind::Line,
                i as u32,
            )
        })
    }));
    numbers.par_sort_unstable();
    numbers.dedup();
    progress(Stage::Places, 1, 1);

    // Names.
    progress(Stage::Ids, 0, 1);
    // Ids are minted side by side; the rare clash with an id already used is settled after.
    let key_of = |kind: RecordKind, i: u32| match kind {
        RecordKind::Line => &others.lines[i as usize].key,
        _ => &index.records[i as usize],
    };
    let minted: Vec<(String, Vec<Member>, crate::key::EntityId)> = numbers
        .par_chunk_by(|a, b| a.0 == b.0)
        .map(|group| {
            let label = format!("+{}", group[0].0);
            let id = ids::mint(EntityKind::Phone, &label, EXACT_ID_DIGITS);
            let mut members: Vec<Member> = group
                .iter()
                .map(|&(_, kind, i)| Member {
                    kind,
                    key: key_of(kind, i).clone(),
                })
                .collect();
            members.sort_unstable();
            members.dedup();
            (label, members, id)
        })
        .collect();
    drop(numbers);
    let mut entities = Vec::with_capacity(
        person_members.len()
            + resolved_lines.clusters.len()
            + location_clusters.len()
            + vehicle_groups.len()
            + minted.len(),
    );
    let person_ids = ids::assign(EntityKind::Person, &person_members, previous);
    let person_labels: Vec<String> = person_clusters
        .par_iter()
        .map(|profiles| person_label(&index, profiles))
        .collect();
    for ((id, members), label) in person_ids
        .into_iter()
        .zip(person_members)
        .zip(person_labels)
    {
        entities.push(Entity {
            id,
            kind: EntityKind::Person,
            members,
            label,
        });
    }
    let line_members: Vec<Vec<Member>> = resolved_lines
        .clusters
        .iter()
        .map(|rs| {
            rs.iter()
                .map(|&r| Member {
                    kind: RecordKind::Line,
                    key: others.lines[r as usize].key.clone(),
                })
                .collect()
        })
        .collect();
    for ((id, members), rs) in ids::assign(EntityKind::Line, &line_members, previous)
        .into_iter()
        .zip(line_members)
        .zip(&resolved_lines.clusters)
    {
        let label = others.lines[rs[rs.len() - 1] as usize].line_name.clone();
        entities.push(Entity {
            id,
            kind: EntityKind::Line,
            members,
            label,
        });
    }
    let location_members: Vec<Vec<Member>> = location_clusters
        .iter()
        .map(|rs| {
            rs.iter()
                .map(|&r| Member {
                    kind: RecordKind::Location,
                    key: others.locations[r as usize].key.clone(),
                })
                .collect()
        })
        .collect();
    for ((id, members), rs) in ids::assign(EntityKind::Location, &location_members, previous)
        .into_iter()
        .zip(location_members)
        .zip(&location_clusters)
    {
        let record = &others.locations[rs[rs.len() - 1] as usize];
        let label = match (&record.address, &record.postcode) {
            (Some(a), Some(p)) => format!("{a}, {p}"),
            (Some(a), None) => a.clone(),
            (None, Some(p)) => p.to_string(),
            (None, None) => String::new(),
        };
        entities.push(Entity {
            id,
            kind: EntityKind::Location,
            members,
            label,
        });
    }
    let mut used = FxHashSet::default();
    for rs in &vehicle_groups {
        let vrm = others.vehicles[rs[0] as usize].vrm.to_string();
        let members = rs
            .iter()
            .map(|&r| Member {
                kind: RecordKind::Vehicle,
                key: others.vehicles[r as usize].key.clone(),
            })
            .collect();
        entities.push(Entity {
            id: exact_id(EntityKind::Vehicle, &vrm, &mut used),
            kind: EntityKind::Vehicle,
            members,
            label: vrm,
        });
    }
    for (label, members, id) in minted {
        entities.push(Entity {
            id: ids::first_free(EntityKind::Phone, &label, EXACT_ID_DIGITS, id, &mut used),
            kind: EntityKind::Phone,
            members,
            label,
        });
    }
    for (i, kind) in [
        EntityKind::Person,
        EntityKind::Line,
        EntityKind::Location,
        EntityKind::Vehicle,
        EntityKind::Phone,
    ]
    .iter()
    .enumerate()
    {
        stats.entities[i] = entities.iter().filter(|e| e.kind == *kind).count();
    }
    progress(Stage::Ids, 1, 1);

    // Review: pairs in the band that no decision covers.
    let (low, high) = settings.review_band;
    let decided: FxHashSet<(u32, u32)> = must.iter().chain(&cannot).copied().collect();
    let mut review: Vec<ReviewItem> = index
        .edges
        .iter()
        .filter(|e| (low..high).contains(&probability_of(e.2)) && !decided.contains(&(e.0, e.1)))
        .map(|&(a, b, w)| {
            let (ka, kb) = (index.representative(a), index.representative(b));
            ReviewItem {
                kind: EntityKind::Person,
                a: ka.clone(),
                b: kb.clone(),
                probability: probability_of(w),
                same_entity: cluster_of_profile[a as usize] == cluster_of_profile[b as usize],
                explanation: pm.explain_features(
                    ka,
                    &index.profiles[a as usize],
                    kb,
                    &index.profiles[b as usize],
                ),
            }
        })
        .collect();
    let line_decided: FxHashSet<(&RecordKey, &RecordKey)> = decisions
        .iter()
        .filter(|d| d.kind == EntityKind::Line)
        .flat_map(|d| [(&d.a, &d.b), (&d.b, &d.a)])
        .collect();
    let mut line_cluster_of = vec![u32::MAX; others.lines.len()];
    for (c, rs) in resolved_lines.clusters.iter().enumerate() {
        for &r in rs {
            line_cluster_of[r as usize] = c as u32;
        }
    }
    for &(a, b, w) in &resolved_lines.edges {
        let p = probability_of(w);
        if !(low..high).contains(&p) {
            continue;
        }
        let latest = |profile: u32| {
            *line_index.profile_records[profile as usize]
                .iter()
                .max_by(|&&x, &&y| {
                    others.lines[x as usize]
                        .key
                        .period
                        .cmp(&others.lines[y as usize].key.period)
                })
                .expect("invariant: profiles have records")
        };
        let (ra, rb) = (latest(a), latest(b));
        let (ka, kb) = (
            &others.lines[ra as usize].key,
            &others.lines[rb as usize].key,
        );
        let covered = line_index.profile_records[a as usize].iter().any(|&x| {
            line_index.profile_records[b as usize].iter().any(|&y| {
                line_decided
                    .contains(&(&others.lines[x as usize].key, &others.lines[y as usize].key))
            })
        });
        if covered {
            continue;
        }
        review.push(ReviewItem {
            kind: EntityKind::Line,
            a: ka.clone(),
            b: kb.clone(),
            probability: p,
            same_entity: line_cluster_of[ra as usize] == line_cluster_of[rb as usize],
            explanation: lm.explain_features(
                ka,
                &line_index.profiles[a as usize],
                kb,
                &line_index.profiles[b as usize],
            ),
        });
    }
    review.sort_by(|x, y| {
        x.kind
            .cmp(&y.kind)
            .then(y.probability.total_cmp(&x.probability))
            .then_with(|| x.a.cmp(&y.a))
            .then_with(|| x.b.cmp(&y.b))
    });

    Resolution {
        entities,
        review,
        stats,
        notes,
        state: State {
            persons: index,
            person_clusters,
            models: Models {
                persons: pm,
                lines: lm,
            },
            others,
            decisions: decisions.to_vec(),
        },
    }
}

/// The hexadecimal digits of an id minted from an exact value (a VRM, a number).
const EXACT_ID_DIGITS: usize = 10;

/// The id of an entity that is its own key (a registration mark, a number).
fn exact_id(
    kind: EntityKind,
    text: &str,
    used: &mut FxHashSet<crate::key::EntityId>,
) -> crate::key::EntityId {
    let minted = ids::mint(kind, text, EXACT_ID_DIGITS);
    ids::first_free(kind, text, EXACT_ID_DIGITS, minted, used)
}

/// The name of the profile holding most records.
fn person_label(index: &PersonIndex, profiles: &[u32]) -> String {
    let best = profiles
        .iter()
        .copied()
        .max_by_key(|&p| {
            (
                index.profile_records[p as usize].len(),
                std::cmp::Reverse(p),
            )
        })
        .expect("invariant: clusters are not empty");
    let f = &index.profiles[best as usize];
    let mut label = format!("{} {}", f.forenames.join(" "), f.surname_words)
        .trim()
        .to_owned();
    if label.is_empty() {
        label = f.aliases.join(";");
    }
    if let Some(dob) = f.dob {
        label.push_str(&format!(" ({dob})"));
    }
    label
}
