//! Stable entity ids. An entity keeps the id most of its members had in the previous run
//! (each id going to one entity only: the one holding most of its members, ties broken by the
//! id and then by the entities' smallest member); any other entity gets a new id minted from
//! its smallest member, so that re-running on unchanged data gives identical ids.
//!
//! This module does not decide membership; it names what clustering produced.

use rayon::prelude::*;
use rustc_hash::{FxHashMap, FxHashSet};
use sha2::{Digest, Sha256};

use crate::key::{EntityId, EntityKind, Member};

/// The ids records had in the previous run, by entity kind and record.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PreviousIds {
    map: FxHashMap<(EntityKind, Member), EntityId>,
}

impl PreviousIds {
    /// No previous run.
    pub fn new() -> PreviousIds {
        PreviousIds::default()
    }

    /// Records that `member` belonged to entity `id` of `kind`.
    pub fn insert(&mut self, kind: EntityKind, member: Member, id: EntityId) {
        self.map.insert((kind, member), id);
    }

    /// The id `member` had as part of an entity of `kind`.
    pub fn get(&self, kind: EntityKind, member: &Member) -> Option<&EntityId> {
        self.map.get(&(kind, member.clone()))
    }

    /// The ids of every member of every entity of a resolution.
    pub fn from_resolution(resolution: &crate::Resolution) -> PreviousIds {
        let mut previous = PreviousIds::new();
        for entity in &resolution.entities {
            for member in &entity.members {
                previous.insert(entity.kind, member.clone(), entity.id.clone());
            }
        }
        previous
    }

    /// Number of records known.
    pub fn len(&self) -> usize {
        self.map.len()
    }

    /// Whether no record is known.
    pub fn is_empty(&self) -> bool {
        self.map.is_empty()
    }
}

/// An id minted from text: the kind's letter, a dash and the first `digits` hexadecimal digits
/// of the text's SHA-256.
pub fn mint(kind: EntityKind, text: &str, digits: usize) -> EntityId {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let hash = Sha256::new()
        .chain_update(kind.as_str())
        .chain_update(":")
        .chain_update(text)
        .finalize();
    let digits = digits.min(2 * hash.len());
    let mut id = String::with_capacity(kind.prefix().len() + 1 + digits);
    id.push_str(kind.prefix());
    id.push('-');
    for i in 0..digits {
        let byte = hash[i / 2];
        let nibble = if i % 2 == 0 { byte >> 4 } else { byte & 15 };
        id.push(char::from(HEX[usize::from(nibble)]));
    }
    EntityId(id)
}

/// The first id not in `used` among those minted from `text` with `digits` hexadecimal digits
/// (`minted`, made already), then two more at a time up to the whole hash (kept even if used,
/// which a 256-bit hash makes moot); added to `used`.
pub fn first_free(
    kind: EntityKind,
    text: &str,
    digits: usize,
    minted: EntityId,
    used: &mut FxHashSet<EntityId>,
) -> EntityId {
    let (mut candidate, mut digits) = (minted, digits);
    while used.contains(&candidate) && digits < 64 {
        digits += 2;
        candidate = mint(kind, text, digits);
    }
    used.insert(candidate.clone());
    candidate
}

/// Ids for `clusters` (each sorted, non-empty) of `kind`, keeping previous ids where most
/// members had them and minting new ones from the smallest member otherwise.
pub fn assign(kind: EntityKind, clusters: &[Vec<Member>], previous: &PreviousIds) -> Vec<EntityId> {
    let mut claims: Vec<(usize, EntityId, usize)> = Vec::new();
    if !previous.is_empty() {
        for (c, members) in clusters.iter().enumerate() {
            let mut counts: FxHashMap<&EntityId, usize> = FxHashMap::default();
            for member in members {
                if let Some(id) = previous.get(kind, member) {
                    *counts.entry(id).or_default() += 1;
                }
            }
            claims.extend(counts.into_iter().map(|(id, n)| (n, id.clone(), c)));
        }
    }
    // Most members first; then the id; then the cluster with the smallest member.
    claims.sort_unstable_by(|x, y| {
        y.0.cmp(&x.0)
            .then_with(|| x.1.cmp(&y.1))
            .then_with(|| clusters[x.2][0].cmp(&clusters[y.2][0]))
    });
    let mut ids: Vec<Option<EntityId>> = vec![None; clusters.len()];
    let mut used: FxHashSet<EntityId> = FxHashSet::default();
    for (_, id, c) in claims {
        if ids[c].is_none() && !used.contains(&id) {
            used.insert(id.clone());
            ids[c] = Some(id);
        }
    }
    let mut order: Vec<usize> = (0..clusters.len()).filter(|&c| ids[c].is_none()).collect();
    order.par_sort_unstable_by(|&x, &y| clusters[x][0].cmp(&clusters[y][0]));
    // The shortest ids are minted side by side; the rare clash is settled in order after.
    let minted: Vec<(String, EntityId)> = order
        .par_iter()
        .map(|&c| {
            let first = &clusters[c][0];
            let text = format!("{}:{}", first.kind.as_str(), first.key);
            let id = mint(kind, &text, 8);
            (text, id)
        })
        .collect();
    for (c, (text, shortest)) in order.into_iter().zip(minted) {
        ids[c] = Some(first_free(kind, &text, 8, shortest, &mut used));
    }
    ids.into_iter()
        .map(|id| id.expect("invariant: every cluster named"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::key::{RecordKey, RecordKind};

    fn member(reference: &str) -> Member {
        let force = "kent".parse().unwrap();
        Member {
            kind: RecordKind::Person,
            key: RecordKey::new(force, "2026-01".parse().unwrap(), reference),
        }
    }

    #[test]
    fn majority_keeps_its_id_and_new_ids_are_deterministic() {
        let first = assign(
            EntityKind::Person,
            &[vec![member("a"), member("b")], vec![member("c")]],
            &PreviousIds::new(),
        );
        assert_eq!(
            first,
            assign(
                EntityKind::Person,
                &[vec![member("a"), member("b")], vec![member("c")]],
                &PreviousIds::new()
            )
        );
        assert!(first[0].as_str().starts_with("P-"));
        let mut previous = PreviousIds::new();
        for (m, id) in [("a", &first[0]), ("b", &first[0]), ("c", &first[1])] {
            previous.insert(EntityKind::Person, member(m), id.clone());
        }
        // "a" moves to c's entity: each new entity then holds one member of each old id.
        // Every old id is kept, by one entity each (ties go by id, then smallest member).
        let split = assign(
            EntityKind::Person,
            &[
                vec![member("a"), member("c")],
                vec![member("b"), member("z")],
            ],
            &previous,
        );
        assert_ne!(split[0], split[1]);
        assert!(split.contains(&first[0]));
        assert!(split.contains(&first[1]));
    }
}
