//! Which pairs train a model: random pairs for u (seeded, so a run is reproducible) and the
//! pairs within the blocks of a training rule, thinned evenly when there are too many.
//!
//! Only pair selection lives here; comparing the pairs is the caller's.

use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;

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
/// `max_pairs` of them by taking every k-th.
pub fn block_pairs(blocks: &[&[u32]], max_block: usize, max_pairs: usize) -> Vec<(u32, u32)> {
    let usable = |b: &&&[u32]| b.len() >= 2 && b.len() <= max_block;
    let total: u64 = blocks
        .iter()
        .filter(usable)
        .map(|b| (b.len() * (b.len() - 1) / 2) as u64)
        .sum();
    let step = total.div_ceil(max_pairs.max(1) as u64).max(1);
    let mut out = Vec::with_capacity(total.min(max_pairs as u64) as usize);
    let mut counter = 0u64;
    for block in blocks.iter().filter(usable) {
        for i in 0..block.len() {
            for j in i + 1..block.len() {
                if counter.is_multiple_of(step) {
                    out.push((block[i], block[j]));
                }
                counter += 1;
            }
        }
    }
    out
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
}
