//! Which pairs train a model: random pairs for u (seeded, so a run is reproducible) and the
//! pairs within the blocks of a training rule, thinned evenly when there are too many.
//!
//! Only pair selection lives here; comparing the pairs is the caller's.

use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rayon::prelude::*;

/// `n_pairs` random pairs of distinct nodes among `nodes` (every pair when there are no more
/// than that), drawn with `seed`.
pub fn random_pairs(nodes: &[u32], n_pairs: usize, seed: u64) -> Vec<(u32, u32)> {
    let n = nodes.len();
    if n < 2 {
        return Vec::new();
    }
    let all = n as u128 * (n as u128 - 1) / 2;
    if all <= n_pairs as u128 {
        let mut out = Vec::with_capacity(all as usize);
        for i in 0..n {
            for j in i + 1..n {
                out.push((nodes[i], nodes[j]));
            }
        }
        return out;
    }
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut out = Vec::with_capacity(n_pairs);
    while out.len() < n_pairs {
        let i = rng.random_range(0..n);
        let j = rng.random_range(0..n);
        if i != j {
            out.push((nodes[i], nodes[j]));
        }
    }
    out
}

/// Every pair within each block (blocks larger than `max_block` skipped), keeping about
/// `max_pairs` of them by taking every k-th (counting the pairs block by block, each block's
/// in the order `(0, 1), (0, 2), ..., (1, 2), ...`). The blocks are worked side by side, each
/// jumping from one kept pair to the next.
pub fn block_pairs(blocks: &[&[u32]], max_block: usize, max_pairs: usize) -> Vec<(u32, u32)> {
    let pairs_in = |b: &[u32]| {
        if b.len() >= 2 && b.len() <= max_block {
            (b.len() * (b.len() - 1) / 2) as u64
        } else {
            0
        }
    };
    // Where each block's pairs start in the count.
    let mut starts = Vec::with_capacity(blocks.len());
    let mut total = 0u64;
    for block in blocks {
        starts.push(total);
        total += pairs_in(block);
    }
    let step = total.div_ceil(max_pairs.max(1) as u64).max(1);
    blocks
        .par_iter()
        .zip(starts)
        .flat_map_iter(|(block, start)| {
            let mut out = Vec::new();
            if pairs_in(block) == 0 {
                return out;
            }
            // The next pair kept, counted within the block, and the first pair of row `i`.
            let mut next = (step - start % step) % step;
            let mut row_start = 0u64;
            for i in 0..block.len() {
                let row_len = (block.len() - 1 - i) as u64;
                while next < row_start + row_len {
                    out.push((block[i], block[i + 1 + (next - row_start) as usize]));
                    next += step;
                }
                row_start += row_len;
            }
            out
        })
        .collect()
}

/// The blocks of a single-key rule, from each node's key: the nodes sharing a key (ascending),
/// the blocks in key order, as [`crate::blocking::BlockIndex::sorted_blocks`] gives them for the
/// same keys inserted one by one, made by one parallel sort instead of a hash map.
#[derive(Debug, Clone, Default)]
pub struct SortedBlocks {
    nodes: Vec<u32>,
    /// Where each block ends in `nodes`.
    ends: Vec<usize>,
}

impl SortedBlocks {
    /// The blocks of `(key, node)` pairs, in any order.
    pub fn of(mut keyed: Vec<(u64, u32)>) -> SortedBlocks {
        keyed.par_sort_unstable();
        keyed.dedup();
        let ends = (1..=keyed.len())
            .filter(|&i| i == keyed.len() || keyed[i].0 != keyed[i - 1].0)
            .collect();
        SortedBlocks {
            nodes: keyed.into_iter().map(|(_, node)| node).collect(),
            ends,
        }
    }

    /// Every block's nodes.
    pub fn blocks(&self) -> Vec<&[u32]> {
        let mut start = 0;
        self.ends
            .iter()
            .map(|&end| {
                let block = &self.nodes[start..end];
                start = end;
                block
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn random_pairs_are_reproducible_and_exhaustive_when_few() {
        let nodes: Vec<u32> = (0..100).collect();
        assert_eq!(random_pairs(&nodes, 10, 1), random_pairs(&nodes, 10, 1));
        assert_ne!(random_pairs(&nodes, 10, 1), random_pairs(&nodes, 10, 2));
        assert_eq!(random_pairs(&nodes[..5], 100, 1).len(), 10);
    }

    #[test]
    fn block_pairs_thin_evenly() {
        let block: Vec<u32> = (0..10).collect();
        assert_eq!(block_pairs(&[&block], 100, 1000).len(), 45);
        assert_eq!(block_pairs(&[&block], 100, 15).len(), 15);
        assert!(block_pairs(&[&block], 5, 1000).is_empty());
    }

    #[test]
    fn block_pairs_take_every_kth_pair_counted_across_blocks() {
        // The plain reading: count every pair of the usable blocks in order, keep every k-th.
        let plain = |blocks: &[&[u32]], max_block: usize, max_pairs: usize| {
            let usable = |b: &&&[u32]| b.len() >= 2 && b.len() <= max_block;
            let all: Vec<(u32, u32)> = blocks
                .iter()
                .filter(usable)
                .flat_map(|b| {
                    (0..b.len()).flat_map(move |i| (i + 1..b.len()).map(move |j| (b[i], b[j])))
                })
                .collect();
            let step = all.len().div_ceil(max_pairs.max(1)).max(1);
            all.into_iter().step_by(step).collect::<Vec<_>>()
        };
        let mut rng = ChaCha8Rng::seed_from_u64(7);
        let blocks: Vec<Vec<u32>> = (0..300)
            .map(|b| (0..rng.random_range(0..30)).map(|i| b * 100 + i).collect())
            .collect();
        let blocks: Vec<&[u32]> = blocks.iter().map(Vec::as_slice).collect();
        for max_pairs in [1, 7, 100, 999, 5000, 1_000_000] {
            for max_block in [2, 10, 29] {
                assert_eq!(
                    block_pairs(&blocks, max_block, max_pairs),
                    plain(&blocks, max_block, max_pairs),
                    "max_pairs {max_pairs}, max_block {max_block}"
                );
            }
        }
    }

    #[test]
    fn sorted_blocks_are_the_block_index_s_blocks() {
        let mut rng = ChaCha8Rng::seed_from_u64(3);
        let keyed: Vec<(u64, u32)> = (0..2000)
            .map(|node| (rng.random_range(0..300u64), node))
            .collect();
        let mut index = crate::blocking::BlockIndex::default();
        for &(k, node) in &keyed {
            index.insert(node, &[k]);
        }
        let mut shuffled = keyed.clone();
        shuffled.reverse();
        // A node listed twice under one key is in its block once.
        shuffled.push(keyed[0]);
        assert_eq!(SortedBlocks::of(shuffled).blocks(), index.sorted_blocks());
    }
}
