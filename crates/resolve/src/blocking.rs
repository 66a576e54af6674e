//! The blocking index: which records are worth comparing. Each record gives a few block keys
//! (one per rule that applies, e.g. "surname sound + year of birth"); two records are
//! candidates when they share a key under any rule (the union of the rules, each pair once).
//!
//! Blocks larger than a cap are not expanded (they would cost the square of their size for
//! pairs most of which are non-matches) and are counted, so a run can report them.
//! This module knows nothing of what the keys mean: the person and line modules make them.

use std::hash::{Hash, Hasher};

use rustc_hash::{FxHashMap, FxHasher};

/// The bit marking the key of a broad rule (one that groups on little, e.g. a name's sound
/// or a date of birth alone), whose blocks get a smaller cap.
pub const BROAD: u64 = 1 << 63;

/// A block key: a rule number and the values it groups on, hashed. A collision only adds
/// candidates, never loses one.
pub fn key(rule: u8, parts: &[&dyn BlockPart]) -> u64 {
    let mut hasher = FxHasher::default();
    rule.hash(&mut hasher);
    for part in parts {
        part.feed(&mut hasher);
    }
    hasher.finish() & !BROAD
}

/// `key` marked as the key of a broad rule.
pub fn broad(key: u64) -> u64 {
    key | BROAD
}

/// The cap of a key's block: `broad_cap` for broad keys, `cap` otherwise.
fn cap_of(key: u64, cap: usize, broad_cap: usize) -> usize {
    if key & BROAD != 0 { broad_cap } else { cap }
}

/// A value a block key groups on.
pub trait BlockPart {
    /// Feeds the value to the hasher.
    fn feed(&self, hasher: &mut FxHasher);
}

impl<T: Hash + ?Sized> BlockPart for T {
    fn feed(&self, hasher: &mut FxHasher) {
        self.hash(hasher);
    }
}

/// Block key → members (node numbers, ascending as inserted in order).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BlockIndex {
    blocks: FxHashMap<u64, Vec<u32>>,
}

impl BlockIndex {
    /// Adds `node` under each of `keys`.
    pub fn insert(&mut self, node: u32, keys: &[u64]) {
        for &k in keys {
            let members = self.blocks.entry(k).or_default();
            if members.last() != Some(&node) {
                members.push(node);
            }
        }
    }

    /// The nodes sharing a key with `node` (given its `keys`), restricted by `keep`, sorted and
    /// without repeats; blocks with more than `cap` members (`broad_cap` for the keys of broad
    /// rules) are skipped.
    pub fn candidates(
        &self,
        node: u32,
        keys: &[u64],
        (cap, broad_cap): (usize, usize),
        keep: impl Fn(u32) -> bool,
        out: &mut Vec<u32>,
    ) {
        out.clear();
        for &k in keys {
            let Some(members) = self.blocks.get(&k) else {
                continue;
            };
            if members.len() > cap_of(k, cap, broad_cap) {
                continue;
            }
            out.extend(members.iter().copied().filter(|&m| m != node && keep(m)));
        }
        out.sort_unstable();
        out.dedup();
    }

    /// How many blocks hold more than `cap` members (`broad_cap` for broad keys), and so were
    /// skipped.
    pub fn oversized(&self, (cap, broad_cap): (usize, usize)) -> usize {
        self.blocks
            .iter()
            .filter(|(k, m)| m.len() > cap_of(**k, cap, broad_cap))
            .count()
    }

    /// Every block's members, for training on a single rule.
    pub fn blocks(&self) -> impl Iterator<Item = &[u32]> {
        self.blocks.values().map(Vec::as_slice)
    }

    /// The block's members, sorted by key for a deterministic order.
    pub fn sorted_blocks(&self) -> Vec<&[u32]> {
        let mut keys: Vec<&u64> = self.blocks.keys().collect();
        keys.sort_unstable();
        keys.into_iter()
            .map(|k| self.blocks[k].as_slice())
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn union_of_rules_without_repeats_and_giant_blocks_skipped() {
        let mut index = BlockIndex::default();
        let a = key(1, &[&"smith", &1990]);
        let b = key(2, &[&"07700"]);
        let giant = key(3, &[&"x"]);
        index.insert(0, &[a, b, giant]);
        index.insert(1, &[a, b, giant]);
        index.insert(2, &[b, giant]);
        index.insert(3, &[giant]);
        let mut out = Vec::new();
        index.candidates(0, &[a, b, giant], (3, 3), |_| true, &mut out);
        assert_eq!(out, vec![1, 2]);
        assert_eq!(index.oversized((3, 3)), 1);
        index.candidates(0, &[a, b, giant], (4, 4), |m| m > 1, &mut out);
        assert_eq!(out, vec![2, 3]);
        // A broad key's block is capped by the second cap.
        let wide = broad(key(4, &[&"y"]));
        for node in 0..3 {
            index.insert(node, &[wide]);
        }
        index.candidates(0, &[wide], (4, 2), |_| true, &mut out);
        assert!(out.is_empty());
        index.candidates(0, &[wide], (2, 4), |_| true, &mut out);
        assert_eq!(out, vec![1, 2]);
    }
}
