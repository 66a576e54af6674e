//! Estimating a Fellegi–Sunter model without labels, as Splink does: u probabilities from
//! random pairs (almost all of which are non-matches), then m probabilities by
//! expectation–maximisation over blocked candidate pairs, in training sessions each blocked
//! on one rule; a comparison the session's rule depends on is left out of that session
//! (its pairs agree on it by construction), and each m is the mean over the sessions that
//! estimated it. Finally the prior is estimated over all candidate pairs.
//!
//! Term-frequency adjustments play no part in estimation (Splink's choice too). This module
//! works on comparison vectors only; which pairs to draw is the caller's.

use rayon::prelude::*;
use rustc_hash::FxHashMap;

use crate::fellegi_sunter::{Gamma, MAX_COMPARISONS, Model};

/// Counts of identical comparison vectors (levels only).
#[derive(Debug, Clone, Default)]
pub struct Patterns {
    counts: FxHashMap<[u8; MAX_COMPARISONS], u64>,
    total: u64,
}

impl Patterns {
    /// The patterns of `pairs`, each compared by `compare`, in chunks side by side.
    ///
    /// `touch` reads a little of both sides of a pair (and makes any number of what it read):
    /// it is called [`TOUCH_AHEAD`] pairs before the pair is compared, so that the memory the
    /// comparison will wait on (two profiles anywhere in a large index, for random pairs) is
    /// already being fetched while the pairs before it are compared.
    pub fn of_pairs(
        pairs: &[(u32, u32)],
        compare: impl Fn(u32, u32) -> Gamma + Sync,
        touch: impl Fn(u32, u32) -> u64 + Sync,
    ) -> Patterns {
        pairs
            .par_chunks(4096)
            .map(|chunk| {
                let mut patterns = Patterns::default();
                let mut touched = 0u64;
                for (i, &(a, b)) in chunk.iter().enumerate() {
                    if let Some(&(c, d)) = chunk.get(i + TOUCH_AHEAD) {
                        touched ^= touch(c, d);
                    }
                    patterns.add(&compare(a, b));
                }
                // Kept, so that the reads are not optimised away.
                std::hint::black_box(touched);
                patterns
            })
            .reduce(Patterns::default, |mut x, y| {
                x.merge(y);
                x
            })
    }

    /// Adds one pair's comparison vector.
    pub fn add(&mut self, gamma: &Gamma) {
        *self.counts.entry(gamma.levels).or_default() += 1;
        self.total += 1;
    }

    /// Adds every pattern of `other`.
    pub fn merge(&mut self, other: Patterns) {
        for (levels, n) in other.counts {
            *self.counts.entry(levels).or_default() += n;
        }
        self.total += other.total;
    }

    /// Pairs counted.
    pub fn total(&self) -> u64 {
        self.total
    }

    fn sorted(&self) -> Vec<([u8; MAX_COMPARISONS], f64)> {
        let mut v: Vec<_> = self.counts.iter().map(|(l, &n)| (*l, n as f64)).collect();
        v.sort_unstable_by_key(|row| row.0);
        v
    }
}

/// How many pairs ahead of its comparison [`Patterns::of_pairs`] touches a pair.
pub const TOUCH_AHEAD: usize = 3;

/// Smallest probability a level keeps, so that no level becomes impossible.
const FLOOR: f64 = 1e-6;

/// How many pairs' worth the starting m values count for in each M-step.
const PRIOR_PAIRS: f64 = 10.0;

/// Sets every u from the levels of random pairs: the share of pairs at each level among those
/// where both values are present. A level never seen gets half a count, so that its weight
/// stays finite.
pub fn estimate_u(model: &mut Model, random_pairs: &Patterns) {
    for (k, comparison) in model.comparisons.iter_mut().enumerate() {
        let n_levels = comparison.levels.len();
        let mut counts = vec![0.0f64; n_levels];
        for (levels, n) in random_pairs.sorted() {
            counts[usize::from(levels[k])] += n;
        }
        let present: f64 = counts[1..].iter().map(|c| c.max(0.5)).sum();
        for (params, count) in comparison.levels.iter_mut().zip(&counts).skip(1) {
            params.u = (count.max(0.5) / present).max(FLOOR);
        }
    }
}

/// The outcome of one training session.
#[derive(Debug, Clone, PartialEq)]
pub struct Session {
    /// m per comparison and level, for the comparisons estimated.
    pub m: Vec<Option<Vec<f64>>>,
    /// The share of matches among the session's pairs.
    pub lambda: f64,
    /// Iterations run.
    pub iterations: usize,
}

/// Runs expectation–maximisation for m (u fixed) over `patterns`, leaving out the comparisons
/// whose `active` entry is false.
pub fn train(
    model: &Model,
    patterns: &Patterns,
    active: &[bool],
    max_iterations: usize,
    tolerance: f64,
) -> Session {
    let rows = patterns.sorted();
    let n_comparisons = model.comparisons.len();
    let mut m: Vec<Vec<f64>> = model
        .comparisons
        .iter()
        .map(|c| c.levels.iter().map(|l| l.m).collect())
        .collect();
    // The starting m values act as a weak prior (pseudo-counts), so that a level seen in only
    // a handful of pairs cannot collapse to zero and weigh without bound.
    let start: Vec<Vec<f64>> = m
        .iter()
        .map(|levels| {
            let present: f64 = levels[1..].iter().sum::<f64>().max(f64::MIN_POSITIVE);
            levels.iter().map(|v| v / present).collect()
        })
        .collect();
    let u: Vec<Vec<f64>> = model
        .comparisons
        .iter()
        .map(|c| c.levels.iter().map(|l| l.u).collect())
        .collect();
    let mut lambda = 0.3f64;
    let mut iterations = 0;
    if rows.is_empty() {
        return Session {
            m: vec![None; n_comparisons],
            lambda,
            iterations,
        };
    }
    for _ in 0..max_iterations {
        iterations += 1;
        let mut expected: Vec<Vec<f64>> = m.iter().map(|levels| vec![0.0; levels.len()]).collect();
        let mut matches = 0.0;
        let mut total = 0.0;
        for (levels, n) in &rows {
            let mut log_odds = (lambda / (1.0 - lambda)).ln();
            for k in 0..n_comparisons {
                let level = usize::from(levels[k]);
                if active[k] && level != 0 {
                    log_odds += (m[k][level] / u[k][level]).ln();
                }
            }
            let p = 1.0 / (1.0 + (-log_odds).exp());
            matches += p * n;
            total += n;
            for k in 0..n_comparisons {
                expected[k][usize::from(levels[k])] += p * n;
            }
        }
        let mut change = 0.0f64;
        for k in 0..n_comparisons {
            if !active[k] {
                continue;
            }
            let present: f64 = expected[k][1..].iter().sum();
            if present <= 0.0 {
                continue;
            }
            for level in 1..m[k].len() {
                let smoothed =
                    (expected[k][level] + PRIOR_PAIRS * start[k][level]) / (present + PRIOR_PAIRS);
                let new = smoothed.max(FLOOR);
                change = change.max((new - m[k][level]).abs());
                m[k][level] = new;
            }
        }
        let new_lambda = (matches / total).clamp(1e-9, 1.0 - 1e-9);
        change = change.max((new_lambda - lambda).abs());
        lambda = new_lambda;
        if change < tolerance {
            break;
        }
    }
    let m = m
        .into_iter()
        .enumerate()
        .map(|(k, levels)| active[k].then_some(levels))
        .collect();
    Session {
        m,
        lambda,
        iterations,
    }
}

/// Sets each m to the mean of the sessions that estimated it (comparisons no session
/// estimated keep their starting values).
pub fn combine(model: &mut Model, sessions: &[Session]) {
    for (k, comparison) in model.comparisons.iter_mut().enumerate() {
        let estimates: Vec<&Vec<f64>> = sessions.iter().filter_map(|s| s.m[k].as_ref()).collect();
        if estimates.is_empty() {
            continue;
        }
        for level in 1..comparison.levels.len() {
            let mean = estimates.iter().map(|m| m[level]).sum::<f64>() / estimates.len() as f64;
            comparison.levels[level].m = mean.max(FLOOR);
        }
    }
}

/// Estimates the prior for pairs drawn from all `n_total_pairs` pairs, given the comparison
/// vectors of (a sample of) the `n_candidates` candidate pairs, assumed to hold nearly every
/// match: the expected number of matches among candidates, by expectation–maximisation on the
/// share alone, over all pairs.
pub fn estimate_lambda(
    model: &Model,
    candidates: &Patterns,
    n_candidates: f64,
    n_total_pairs: f64,
    max_iterations: usize,
    tolerance: f64,
) -> f64 {
    let rows = candidates.sorted();
    if rows.is_empty() || n_total_pairs <= 0.0 {
        return 1e-6;
    }
    let bayes: Vec<(f64, f64)> = rows
        .iter()
        .map(|(levels, n)| {
            let mut log_bf = 0.0;
            for (k, comparison) in model.comparisons.iter().enumerate() {
                let level = levels[k];
                if level != 0 {
                    log_bf += comparison.base_weight(level) * std::f64::consts::LN_2;
                }
            }
            (log_bf, *n)
        })
        .collect();
    let n_sampled: f64 = bayes.iter().map(|(_, n)| n).sum();
    let mut lambda = 0.1f64;
    for _ in 0..max_iterations.max(50) {
        let prior = (lambda / (1.0 - lambda)).ln();
        let matches: f64 = bayes
            .iter()
            .map(|(bf, n)| n / (1.0 + (-(prior + bf)).exp()))
            .sum();
        let new = (matches / n_sampled).clamp(1e-12, 1.0 - 1e-9);
        let done = (new - lambda).abs() < tolerance * 1e-2;
        lambda = new;
        if done {
            break;
        }
    }
    (lambda * n_candidates / n_total_pairs).clamp(1e-15, 0.5)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fellegi_sunter::ComparisonParams;

    /// Two comparisons; matches agree 90% of the time on each, non-matches 10%.
    fn synthetic() -> (Model, Patterns, Patterns) {
        let comparisons = vec![
            ComparisonParams::new(
                "a",
                &[
                    ("missing", 0.0, false),
                    ("agree", 0.5, false),
                    ("disagree", 0.5, false),
                ],
            ),
            ComparisonParams::new(
                "b",
                &[
                    ("missing", 0.0, false),
                    ("agree", 0.5, false),
                    ("disagree", 0.5, false),
                ],
            ),
            ComparisonParams::new(
                "c",
                &[
                    ("missing", 0.0, false),
                    ("agree", 0.5, false),
                    ("disagree", 0.5, false),
                ],
            ),
        ];
        let model = Model {
            comparisons,
            lambda: 0.01,
            tf_weight: 1.0,
            tf_floor: 1e-6,
        };
        let mut random = Patterns::default();
        let mut blocked = Patterns::default();
        let add = |patterns: &mut Patterns, a: u8, b: u8, c: u8, n: usize| {
            let mut g = Gamma::default();
            g.levels[0] = a;
            g.levels[1] = b;
            g.levels[2] = c;
            for _ in 0..n {
                patterns.add(&g);
            }
        };
        // Non-matches: independent 10% agreement.
        for (a, pa) in [(1u8, 0.1), (2, 0.9)] {
            for (b, pb) in [(1u8, 0.1), (2, 0.9)] {
                for (c, pc) in [(1u8, 0.1), (2, 0.9)] {
                    add(&mut random, a, b, c, (10_000.0 * pa * pb * pc) as usize);
                    add(&mut blocked, a, b, c, (5_000.0 * pa * pb * pc) as usize);
                }
            }
        }
        // Matches: independent 90% agreement.
        for (a, pa) in [(1u8, 0.9), (2, 0.1)] {
            for (b, pb) in [(1u8, 0.9), (2, 0.1)] {
                for (c, pc) in [(1u8, 0.9), (2, 0.1)] {
                    add(&mut blocked, a, b, c, (5_000.0 * pa * pb * pc) as usize);
                }
            }
        }
        (model, random, blocked)
    }

    #[test]
    fn em_recovers_m_and_u() {
        let (mut model, random, blocked) = synthetic();
        estimate_u(&mut model, &random);
        assert!((model.comparisons[0].levels[1].u - 0.1).abs() < 0.01);
        let session = train(&model, &blocked, &[true, true, true], 100, 1e-7);
        combine(&mut model, std::slice::from_ref(&session));
        assert!(session.iterations < 100, "converged");
        assert!(
            (session.lambda - 0.5).abs() < 0.05,
            "lambda {}",
            session.lambda
        );
        for c in &model.comparisons {
            assert!((c.levels[1].m - 0.9).abs() < 0.03, "m {}", c.levels[1].m);
            assert!(c.levels[1].m > c.levels[1].u);
        }
    }
}
