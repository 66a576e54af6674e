//! The blocking index: which records are worth comparing. Each record gives a few block keys
//! (one per rule that applies, e.g. "surname sound + year of birth"); two records are
//! candidates when they share a key under any rule (the union of the rules, each pair once).
//!
//! Blocks larger than a cap are not expanded (they would cost the square of their size for
//! pairs most of which are non-matches) and are counted, so a run can report them.
//!
//! A rule may also give a *refined* key: a broad key paired with a narrower one that adds a
//! value to it (a date of birth, then the date and an initial). The broad block is used while
//! it is small; past `refine_above` members its pairs come from the narrower block instead,
//! so a rule keeps its full reach on small data and on small groups (a line with a handful of
//! people), and narrows itself only where its block has grown into strangers (a line with
//! hundreds of customers, a date of birth shared by a national population). Every member of
//! a narrow block is in its broad block, and both members of a pair see the same broad block,
//! so the choice is the same from either side.
//! This module knows nothing of what the keys mean: the person and line modules make them.

use std::hash::{Hash, Hasher};

use rayon::prelude::*;
use rustc_hash::{FxHashMap, FxHasher};
use smallvec::SmallVec;

/// The bit marking the key of a broad rule (one that groups on little, e.g. a name's sound
/// or a date of birth alone), whose blocks get a smaller cap.
pub const BROAD: u64 = 1 << 63;

/// A block key: a rule number and the values it groups on (a tuple, hashed value by value),
/// hashed. A collision only adds candidates, never loses one.
pub fn key(rule: u8, parts: impl Hash) -> u64 {
    let mut hasher = FxHasher::default();
    rule.hash(&mut hasher);
    parts.hash(&mut hasher);
    key_of(&hasher)
}

/// The keys of a refined rule (see the module's introduction): `key(rule, parts)`, and the
/// narrow key that adds `extra`'s values after those of `parts` (the key `key` gives for all of
/// them in one tuple), `parts` hashed once for both.
pub fn refined(rule: u8, parts: impl Hash, extra: impl Hash) -> (u64, u64) {
    let mut hasher = FxHasher::default();
    rule.hash(&mut hasher);
    parts.hash(&mut hasher);
    let wide = key_of(&hasher);
    extra.hash(&mut hasher);
    (wide, key_of(&hasher))
}

/// A key from its hash so far, without the flag bits.
fn key_of(hasher: &FxHasher) -> u64 {
    // Never 0, which stands for "no narrow key" in a refined pair.
    (hasher.finish() & !(BROAD | REFINABLE)).max(1)
}

/// `key` marked as the key of a broad rule.
pub fn broad(key: u64) -> u64 {
    key | BROAD
}

/// The bit marking the broad key of a refined pair (see the module's introduction), whose
/// block is never skipped as oversized: past its size its narrow key stands in for it.
pub const REFINABLE: u64 = 1 << 62;

/// `key` marked as the broad key of a refined pair.
pub fn refinable(key: u64) -> u64 {
    key | REFINABLE
}

/// Lists of refined keys (see the module's introduction), one per row, kept in one vector: a
/// million small vectors cost about as much to allocate and free as to fill.
#[derive(Debug, Clone)]
pub struct KeyLists {
    /// Where each row starts in `keys`, then where the last one ends (so never empty).
    starts: Vec<usize>,
    keys: Vec<(u64, u64)>,
}

impl Default for KeyLists {
    fn default() -> KeyLists {
        KeyLists::with_capacity(0, 0)
    }
}

impl KeyLists {
    /// Empty lists with room for `rows` rows of `keys` keys in all.
    pub fn with_capacity(rows: usize, keys: usize) -> KeyLists {
        let mut starts = Vec::with_capacity(rows + 1);
        starts.push(0);
        KeyLists {
            starts,
            keys: Vec::with_capacity(keys),
        }
    }

    /// Adds a row.
    pub fn push(&mut self, row: &[(u64, u64)]) {
        self.keys.extend_from_slice(row);
        self.starts.push(self.keys.len());
    }

    /// Row `i`.
    pub fn row(&self, i: usize) -> &[(u64, u64)] {
        &self.keys[self.starts[i]..self.starts[i + 1]]
    }
}

/// The cap of a key's block: `broad_cap` for broad keys, `cap` otherwise.
fn cap_of(key: u64, cap: usize, broad_cap: usize) -> usize {
    if key & BROAD != 0 { broad_cap } else { cap }
}

/// Block key → members (node numbers, ascending as inserted in order), in shards by key, so
/// that many nodes can be added with the shards filled side by side.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BlockIndex {
    shards: Vec<FxHashMap<u64, Members>>,
}

impl Default for BlockIndex {
    fn default() -> BlockIndex {
        BlockIndex {
            shards: vec![FxHashMap::default(); SHARDS],
        }
    }
}

/// A block's members: most blocks hold a few profiles, kept in the map's entry itself (no
/// allocation of their own, and one memory access fewer to read them).
type Members = SmallVec<[u32; 4]>;

/// How many shards an index has: enough that one shard of a million records' index fits in a
/// processor's cache.
const SHARDS: usize = 64;

/// The keys, and their nodes, bound for one shard.
#[derive(Clone, Default)]
struct ShardList {
    keys: Vec<u64>,
    nodes: Vec<u32>,
}

fn shard_of(k: u64) -> usize {
    // The low bits of a key are its hash's (the flags are the top bits).
    (k as usize) % SHARDS
}

impl BlockIndex {
    /// Adds `node` under each of `keys`.
    pub fn insert(&mut self, node: u32, keys: &[u64]) {
        for &k in keys {
            self.push(k, node);
        }
    }

    /// Adds each of `nodes` (ascending, and after any node already in) under its refined keys
    /// (`keys(node)`): `(broad, narrow)` pairs, the broad key made with
    /// [`refinable`], or `(key, 0)` for a key that is not refined.
    pub fn insert_all_refined<'k>(
        &mut self,
        nodes: &[u32],
        keys: impl Fn(u32) -> &'k [(u64, u64)] + Sync,
    ) {
        self.insert_all_with(nodes, |node| {
            keys(node)
                .iter()
                .flat_map(|&(k, narrow)| [k, narrow])
                .filter(|&k| k != 0)
        });
    }

    /// Adds each of `nodes` (ascending, and after any node already in) under its keys
    /// (`keys(node)`), as [`BlockIndex::insert`] does one by one.
    pub fn insert_all<'k>(&mut self, nodes: &[u32], keys: impl Fn(u32) -> &'k [u64] + Sync) {
        self.insert_all_with(nodes, |node| keys(node).iter().copied());
    }

    /// Adds each of `nodes` under the keys `keys(node)` gives.
    ///
    /// The keys are first sorted out by shard (chunks of nodes side by side, so each shard's
    /// list stays in node order), then the shards are filled side by side, each from its own
    /// list: a shard is small enough to stay in the processor's cache while it is filled,
    /// where inserting into the whole index at random would wait on memory at every key.
    fn insert_all_with<I: Iterator<Item = u64>>(
        &mut self,
        nodes: &[u32],
        keys: impl Fn(u32) -> I + Sync,
    ) {
        let chunk = nodes
            .len()
            .div_ceil(4 * rayon::current_num_threads())
            .max(1);
        let scattered: Vec<Vec<ShardList>> = nodes
            .par_chunks(chunk)
            .map(|nodes| {
                // Room for every key up front (counted first, while the keys are read anyway):
                // lists grown by doubling would copy most of their keys once more.
                let room = nodes.iter().map(|&node| keys(node).count()).sum::<usize>();
                let room = room / SHARDS + room / (4 * SHARDS) + 16;
                let mut lists: Vec<ShardList> = (0..SHARDS)
                    .map(|_| ShardList {
                        keys: Vec::with_capacity(room),
                        nodes: Vec::with_capacity(room),
                    })
                    .collect();
                for &node in nodes {
                    for k in keys(node) {
                        let list = &mut lists[shard_of(k)];
                        list.keys.push(k);
                        list.nodes.push(node);
                    }
                }
                lists
            })
            .collect();
        self.shards
            .par_iter_mut()
            .enumerate()
            .for_each(|(s, shard)| {
                // Blocks hold about five members on average: room for the keys up front saves
                // growing (and rehashing) the shard several times.
                let entries: usize = scattered.iter().map(|lists| lists[s].keys.len()).sum();
                shard.reserve(entries / 4);
                for lists in &scattered {
                    let list = &lists[s];
                    for (&k, &node) in list.keys.iter().zip(&list.nodes) {
                        push(shard, k, node);
                    }
                }
            });
    }

    fn push(&mut self, k: u64, node: u32) {
        push(&mut self.shards[shard_of(k)], k, node);
    }

    fn members(&self, k: u64) -> &[u32] {
        self.shards[shard_of(k)]
            .get(&k)
            .map_or(&[][..], SmallVec::as_slice)
    }

    /// The nodes sharing a key with `node` (given its `keys`), restricted by `keep`, sorted and
    /// without repeats; blocks with more than `cap` members (`broad_cap` for the keys of broad
    /// rules) are skipped.
    pub fn candidates(
        &self,
        node: u32,
        keys: &[u64],
        caps: (usize, usize),
        keep: impl Fn(u32) -> bool,
        out: &mut Vec<u32>,
    ) {
        let blocks = keys.iter().filter_map(|&k| self.usable(k, caps));
        gather(node, blocks, 0, keep, out);
    }

    /// [`BlockIndex::candidates`] for refined keys (see the module's introduction): a broad
    /// key's block is used up to `refine_above` members, past that its narrow key's block
    /// (itself under the caps). Only members numbered `from` or more are looked at (found by
    /// bisection: members are ascending, nodes being added in ascending order).
    ///
    /// `keys` are sorted; `recent` holds the blocks of the keys of the node looked at before
    /// (with the same caps), whose keys this node shares in part when nodes are visited in an
    /// order that keeps similar ones together: those blocks are not looked up again.
    #[allow(clippy::too_many_arguments)]
    pub fn candidates_refined<'a>(
        &'a self,
        node: u32,
        keys: &[(u64, u64)],
        caps: (usize, usize),
        refine_above: usize,
        from: u32,
        keep: impl Fn(u32) -> bool,
        out: &mut Vec<u32>,
        recent: &mut RecentBlocks<'a>,
    ) {
        let RecentBlocks { last, next } = recent;
        next.clear();
        let mut i = 0;
        for &key in keys {
            while i < last.len() && last[i].0 < key {
                i += 1;
            }
            let block = match last.get(i) {
                Some(&(k, block)) if k == key => block,
                _ => self.refined_block(key, caps, refine_above),
            };
            next.push((key, block));
        }
        std::mem::swap(last, next);
        gather(node, last.iter().filter_map(|b| b.1), from, keep, out);
    }

    /// The block a refined key stands for: the broad block while it holds at most
    /// `refine_above` members, past that the narrow one (a key that is not refined: its own
    /// block); `None` when that block is over its cap.
    pub fn refined_block(
        &self,
        (k, narrow): (u64, u64),
        caps: (usize, usize),
        refine_above: usize,
    ) -> Option<&[u32]> {
        if narrow == 0 {
            return self.usable(k, caps);
        }
        let broad = self.members(k);
        if broad.len() <= refine_above {
            Some(broad)
        } else {
            self.usable(narrow, caps)
        }
    }

    /// The block of `k` if it is within its cap.
    fn usable(&self, k: u64, (cap, broad_cap): (usize, usize)) -> Option<&[u32]> {
        let members = self.members(k);
        (members.len() <= cap_of(k, cap, broad_cap)).then_some(members)
    }

    /// How many blocks hold more than `cap` members (`broad_cap` for broad keys), and so were
    /// skipped (the broad keys of refined pairs, which are replaced rather than skipped, are
    /// not counted).
    pub fn oversized(&self, (cap, broad_cap): (usize, usize)) -> usize {
        self.shards
            .iter()
            .flatten()
            .filter(|(k, m)| **k & REFINABLE == 0 && m.len() > cap_of(**k, cap, broad_cap))
            .count()
    }

    /// Every block's members, sorted by key for a deterministic order (for inspecting an
    /// index; training builds its single-rule blocks with `sampling::SortedBlocks`).
    pub fn sorted_blocks(&self) -> Vec<&[u32]> {
        let mut blocks: Vec<(u64, &[u32])> = self
            .shards
            .iter()
            .flatten()
            .map(|(&k, m)| (k, m.as_slice()))
            .collect();
        blocks.sort_unstable_by_key(|b| b.0);
        blocks.into_iter().map(|b| b.1).collect()
    }
}

/// The blocks of the last node's keys (see [`BlockIndex::candidates_refined`]), and room for
/// the next node's.
#[derive(Debug, Default)]
pub struct RecentBlocks<'a> {
    last: Vec<KeyBlock<'a>>,
    next: Vec<KeyBlock<'a>>,
}

/// A refined key and the block it stands for (`None` when over its cap).
type KeyBlock<'a> = ((u64, u64), Option<&'a [u32]>);

/// The members of `blocks` numbered `from` or more, other than `node` and allowed by `keep`,
/// into `out`, sorted and without repeats.
fn gather<'a>(
    node: u32,
    blocks: impl Iterator<Item = &'a [u32]>,
    from: u32,
    keep: impl Fn(u32) -> bool,
    out: &mut Vec<u32>,
) {
    out.clear();
    for members in blocks {
        let members = &members[members.partition_point(|&m| m < from)..];
        out.extend(members.iter().copied().filter(|&m| m != node && keep(m)));
    }
    out.sort_unstable();
    out.dedup();
}

fn push(shard: &mut FxHashMap<u64, Members>, k: u64, node: u32) {
    let members = shard.entry(k).or_default();
    if members.last() != Some(&node) {
        debug_assert!(
            members.last().is_none_or(|&m| m < node),
            "invariant: nodes are added in ascending order"
        );
        members.push(node);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn union_of_rules_without_repeats_and_giant_blocks_skipped() {
        let mut index = BlockIndex::default();
        let a = key(1, ("smith", 1990));
        let b = key(2, "07700");
        let giant = key(3, "x");
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
        let wide = broad(key(4, "y"));
        for node in 0..3 {
            index.insert(node, &[wide]);
        }
        index.candidates(0, &[wide], (4, 2), |_| true, &mut out);
        assert!(out.is_empty());
        index.candidates(0, &[wide], (2, 4), |_| true, &mut out);
        assert_eq!(out, vec![1, 2]);
    }

    #[test]
    fn a_refined_key_keeps_its_broad_block_while_small_and_narrows_past_it() {
        let broad_key = refinable(key(8, "1990-01-01"));
        let narrow = |letter: &str| broad(key(8, ("1990-01-01", letter)));
        // Nodes 0..4: four profiles with one date of birth, two initials.
        let keys: Vec<Vec<(u64, u64)>> = ["s", "s", "t", "t"]
            .iter()
            .map(|l| vec![(broad_key, narrow(l))])
            .collect();
        let nodes = [0, 1, 2, 3];
        // Added in two batches (as an incremental run adds new profiles) or at once.
        let mut one_by_one = BlockIndex::default();
        let keys_of = |node: u32| keys[node as usize].as_slice();
        one_by_one.insert_all_refined(&nodes[..2], keys_of);
        one_by_one.insert_all_refined(&nodes[2..], keys_of);
        let mut at_once = BlockIndex::default();
        at_once.insert_all_refined(&nodes, keys_of);
        assert_eq!(one_by_one, at_once);
        // The candidates of `node` with fresh lookups.
        let candidates = |node: u32, caps, refine_above, from| {
            let mut out = Vec::new();
            let keys = &keys[node as usize];
            let mut recent = RecentBlocks::default();
            at_once.candidates_refined(
                node,
                keys,
                caps,
                refine_above,
                from,
                |_| true,
                &mut out,
                &mut recent,
            );
            out
        };
        // Small enough: the whole block.
        assert_eq!(candidates(0, (400, 50), 4, 0), vec![1, 2, 3]);
        // Past the size: only the narrow block, from either side alike.
        assert_eq!(candidates(0, (400, 50), 3, 0), vec![1]);
        assert_eq!(candidates(3, (400, 50), 3, 0), vec![2]);
        // A narrow block over its own cap is skipped like any other.
        assert!(candidates(0, (400, 1), 3, 0).is_empty());
        // Only the members from a number on.
        assert_eq!(candidates(1, (400, 50), 4, 2), vec![2, 3]);
        assert!(candidates(0, (400, 1), 3, 0).is_empty());
        // The blocks remembered from the node before give what looking them up gives.
        let (mut recent, mut out) = (RecentBlocks::default(), Vec::new());
        for node in [0, 1, 3, 2, 2] {
            let k = &keys[node as usize];
            at_once.candidates_refined(node, k, (400, 50), 3, 0, |_| true, &mut out, &mut recent);
            assert_eq!(out, candidates(node, (400, 50), 3, 0));
        }
        // The broad block of a refined rule is not counted as oversized: it was replaced.
        assert_eq!(at_once.oversized((400, 1)), 2);
        assert_eq!(at_once.sorted_blocks().len(), 3);
    }
}
