//! Seeded randomness for the generator.
//!
//! Every random choice in a world comes from a ChaCha8 stream derived from the
//! world's seed and a *label* naming what is being decided (a tag plus one or two
//! indices). Deriving a fresh stream per decision, instead of threading one stream
//! through the whole program, keeps a choice stable when unrelated code changes and
//! lets a force's view of a person be recomputed in any period without storing it.
//! This module deliberately knows nothing about the domain.

use rand::{Rng, RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// The random number generator used everywhere in the generator.
pub(crate) type WorldRng = ChaCha8Rng;

/// SplitMix64's finaliser: a cheap, well-mixed bijection on `u64`.
pub(crate) fn mix(mut x: u64) -> u64 {
    x = x.wrapping_add(0x9e37_79b9_7f4a_7c15);
    x = (x ^ (x >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    x ^ (x >> 31)
}

/// A 64-bit key derived from the seed and a label.
pub(crate) fn derive(seed: u64, tag: &str, a: u64, b: u64) -> u64 {
    let mut h = mix(seed ^ 0x5eed_c0de_0000_0001);
    for byte in tag.bytes() {
        h = mix(h ^ u64::from(byte));
    }
    h = mix(h ^ a);
    mix(h ^ b.rotate_left(17))
}

/// A fresh generator for the decision named by `tag`, `a` and `b`.
pub(crate) fn rng_for(seed: u64, tag: &str, a: u64, b: u64) -> WorldRng {
    WorldRng::seed_from_u64(derive(seed, tag, a, b))
}

/// True with probability `p` (clamped to `[0, 1]`).
pub(crate) fn chance<R: Rng + ?Sized>(rng: &mut R, p: f64) -> bool {
    if p <= 0.0 {
        false
    } else if p >= 1.0 {
        true
    } else {
        rng.random_bool(p)
    }
}

/// One element of a non-empty slice, uniformly.
pub(crate) fn pick<'a, T, R: Rng + ?Sized>(rng: &mut R, items: &'a [T]) -> &'a T {
    debug_assert!(!items.is_empty());
    &items[rng.random_range(0..items.len())]
}

/// One string of a non-empty list of static strings, uniformly.
pub(crate) fn pick_str<R: Rng + ?Sized>(rng: &mut R, items: &[&'static str]) -> &'static str {
    items[rng.random_range(0..items.len())]
}

/// One value from `(value, weight)` pairs, in proportion to the weights.
pub(crate) fn weighted<T: Copy, R: Rng + ?Sized>(rng: &mut R, items: &[(T, u32)]) -> T {
    let total: u32 = items.iter().map(|(_, w)| *w).sum();
    debug_assert!(total > 0);
    let mut ticket = rng.random_range(0..total);
    for (value, weight) in items {
        if ticket < *weight {
            return *value;
        }
        ticket -= *weight;
    }
    items[items.len() - 1].0
}

/// An integer in `lo..=hi`.
pub(crate) fn between<R: Rng + ?Sized>(rng: &mut R, lo: i64, hi: i64) -> i64 {
    if hi <= lo {
        lo
    } else {
        rng.random_range(lo..=hi)
    }
}

/// A draw from a geometric-like distribution: the number of failures before a
/// success of probability `p`, capped at `cap`.
pub(crate) fn geometric<R: Rng + ?Sized>(rng: &mut R, p: f64, cap: u32) -> u32 {
    let mut n = 0;
    while n < cap && !chance(rng, p) {
        n += 1;
    }
    n
}

/// Days until something that happens on average every `mean` days, at least
/// `min` and at most `cap`. Drawn day by day (no logarithms), so the result is the
/// same on every platform's maths library.
pub(crate) fn waiting_days<R: Rng + ?Sized>(rng: &mut R, mean: u32, min: u32, cap: u32) -> i32 {
    let mut days = 0;
    loop {
        days += 1;
        if (days >= min && chance(rng, 1.0 / f64::from(mean.max(1)))) || days >= cap {
            return days as i32;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn derived_streams_are_stable_and_distinct() {
        assert_eq!(derive(1, "x", 2, 3), derive(1, "x", 2, 3));
        assert_ne!(derive(1, "x", 2, 3), derive(1, "x", 3, 2));
        assert_ne!(derive(1, "x", 2, 3), derive(1, "y", 2, 3));
        let mut rng = rng_for(7, "t", 0, 0);
        let w = weighted(&mut rng, &[('a', 0), ('b', 5)]);
        assert_eq!(w, 'b');
    }
}
