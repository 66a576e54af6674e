//! The Fellegi–Sunter model: for each comparison, the probability of each agreement level
//! among true matches (m) and among non-matches (u); a pair's match weight is the prior
//! log-odds plus, for every comparison, log2(m/u) of the level it reached, with a
//! term-frequency adjustment on exact agreement on a value (so a shared rare surname counts
//! more than a shared "Smith"). Missing values (level 0, "null") contribute nothing.
//!
//! This module holds parameters and turns comparison vectors into weights. It does not
//! compare records (`persons::compare`, `lines::compare`) and does not estimate parameters
//! (`em`).

use crate::explain::Step;

/// Most comparisons one model has.
pub const MAX_COMPARISONS: usize = 12;

/// The result of comparing two records: the level each comparison reached (0 = a value
/// missing on either side) and, for term-frequency-adjusted levels, how often the agreed
/// value occurs among all records (0 when not applicable).
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Gamma {
    /// Level reached per comparison.
    pub levels: [u8; MAX_COMPARISONS],
    /// Relative frequency of the agreed value, per comparison; 0 when not adjusted.
    pub tf: [f32; MAX_COMPARISONS],
}

/// One level of a comparison, with its estimated probabilities.
#[derive(Debug, Clone, PartialEq)]
pub struct LevelParams {
    /// The level in words, e.g. `day and month transposed`.
    pub label: &'static str,
    /// P(level | match).
    pub m: f64,
    /// P(level | non-match).
    pub u: f64,
    /// Whether exact agreement at this level is adjusted by the agreed value's frequency.
    pub tf: bool,
}

/// One comparison (e.g. `dob`) and its levels; level 0 is always "missing".
#[derive(Debug, Clone, PartialEq)]
pub struct ComparisonParams {
    /// The comparison's name, e.g. `dob`.
    pub name: &'static str,
    /// Levels in order; index 0 is the null level, whose m and u are unused.
    pub levels: Vec<LevelParams>,
}

impl ComparisonParams {
    /// A comparison whose levels are given as `(label, starting m, tf)`; u starts uniform.
    pub fn new(name: &'static str, levels: &[(&'static str, f64, bool)]) -> ComparisonParams {
        let n = levels.len().saturating_sub(1).max(1) as f64;
        ComparisonParams {
            name,
            levels: levels
                .iter()
                .map(|&(label, m, tf)| LevelParams {
                    label,
                    m,
                    u: 1.0 / n,
                    tf,
                })
                .collect(),
        }
    }

    /// log2(m/u) of `level`; 0 for the null level.
    pub fn base_weight(&self, level: u8) -> f64 {
        if level == 0 {
            return 0.0;
        }
        let params = &self.levels[usize::from(level)];
        (params.m / params.u).log2()
    }
}

/// A trained model: comparisons and the prior probability that two records match.
#[derive(Debug, Clone, PartialEq)]
pub struct Model {
    /// The comparisons, in the order of [`Gamma::levels`].
    pub comparisons: Vec<ComparisonParams>,
    /// The prior probability that two records (profiles) drawn at random match.
    pub lambda: f64,
    /// How strongly term frequencies adjust exact agreements (0 = not at all, 1 = fully).
    pub tf_weight: f64,
    /// Smallest term frequency used, so that one-off values cannot weigh without bound.
    pub tf_floor: f64,
}

/// Match weight of a probability: log2 of its odds.
pub fn weight_of(probability: f64) -> f64 {
    let p = probability.clamp(1e-300, 1.0 - 1e-16);
    (p / (1.0 - p)).log2()
}

/// Probability of a match weight.
pub fn probability_of(weight: f64) -> f64 {
    let odds = weight.exp2();
    if odds.is_infinite() {
        1.0
    } else {
        odds / (1.0 + odds)
    }
}

impl Model {
    /// The prior's weight: log2 of the prior odds.
    pub fn prior_weight(&self) -> f64 {
        weight_of(self.lambda)
    }

    /// The weight one comparison adds: log2(m/u), adjusted by term frequency on agreement.
    pub fn comparison_weight(&self, k: usize, level: u8, tf: f32) -> (f64, f64) {
        let comparison = &self.comparisons[k];
        if level == 0 {
            return (0.0, 0.0);
        }
        let base = comparison.base_weight(level);
        let params = &comparison.levels[usize::from(level)];
        let adjustment = if params.tf && tf > 0.0 && self.tf_weight > 0.0 {
            // Splink's adjustment: the level's u is replaced by the agreed value's frequency.
            self.tf_weight * (params.u / f64::from(tf).max(self.tf_floor)).log2()
        } else {
            0.0
        };
        (base, adjustment)
    }

    /// The total match weight of a comparison vector.
    pub fn weight(&self, gamma: &Gamma) -> f64 {
        let mut total = self.prior_weight();
        for k in 0..self.comparisons.len() {
            let (base, adjustment) = self.comparison_weight(k, gamma.levels[k], gamma.tf[k]);
            total += base + adjustment;
        }
        total
    }

    /// The waterfall of a comparison vector: one step per comparison, values filled by the
    /// caller.
    pub fn steps(&self, gamma: &Gamma, values: &[(String, String)]) -> Vec<Step> {
        (0..self.comparisons.len())
            .map(|k| {
                let comparison = &self.comparisons[k];
                let level = gamma.levels[k];
                let params = &comparison.levels[usize::from(level)];
                let (base, adjustment) = self.comparison_weight(k, level, gamma.tf[k]);
                Step {
                    comparison: comparison.name,
                    level: params.label,
                    values: values.get(k).cloned().unwrap_or_default(),
                    m: (level != 0).then_some(params.m),
                    u: (level != 0).then_some(params.u),
                    term_frequency: (adjustment != 0.0).then_some(f64::from(gamma.tf[k])),
                    base_weight: base,
                    tf_weight: adjustment,
                    weight: base + adjustment,
                }
            })
            .collect()
    }
}

/// A model's weights precomputed for scoring many pairs: log2(m/u) and u per level.
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    prior: f64,
    base: Vec<Vec<f64>>,
    u: Vec<Vec<f64>>,
    tf: Vec<Vec<bool>>,
    tf_weight: f64,
    tf_floor: f64,
}

impl Table {
    /// The match weight of a comparison vector; equal to [`Model::weight`].
    pub fn weight(&self, gamma: &Gamma) -> f64 {
        let mut total = self.prior;
        for k in 0..self.base.len() {
            let (base, adjustment) = self.comparison_weight(k, gamma.levels[k], gamma.tf[k]);
            total += base;
            total += adjustment;
        }
        total
    }

    /// The prior's weight.
    pub fn prior_weight(&self) -> f64 {
        self.prior
    }

    /// The weight comparison `k` adds at `level` with term frequency `tf`, as its base weight
    /// and its term-frequency adjustment; equal to [`Model::comparison_weight`].
    pub fn comparison_weight(&self, k: usize, level: u8, tf: f32) -> (f64, f64) {
        let level = usize::from(level);
        if level == 0 {
            return (0.0, 0.0);
        }
        let adjustment = if self.tf[k][level] && tf > 0.0 && self.tf_weight > 0.0 {
            self.tf_weight * (self.u[k][level] / f64::from(tf).max(self.tf_floor)).log2()
        } else {
            0.0
        };
        (self.base[k][level], adjustment)
    }

    /// How many comparisons the model has.
    pub fn n_comparisons(&self) -> usize {
        self.base.len()
    }

    /// How many levels comparison `k` has (the null level included).
    pub fn n_levels(&self, k: usize) -> usize {
        self.base[k].len()
    }

    /// The most comparison `k` can add at `level`: its weight, plus for a level adjusted by
    /// term frequency the adjustment of the rarest value possible (at the floor). 0 for the
    /// null level.
    pub fn max_weight(&self, k: usize, level: usize) -> f64 {
        if level == 0 {
            return 0.0;
        }
        let mut most = self.base[k][level];
        if self.tf[k][level] && self.tf_weight > 0.0 {
            most += (self.tf_weight * (self.u[k][level] / self.tf_floor).log2()).max(0.0);
        }
        most
    }
}

impl Model {
    /// The weights precomputed.
    pub fn table(&self) -> Table {
        Table {
            prior: self.prior_weight(),
            base: self
                .comparisons
                .iter()
                .map(|c| {
                    (0..c.levels.len())
                        .map(|l| c.base_weight(l as u8))
                        .collect()
                })
                .collect(),
            u: self
                .comparisons
                .iter()
                .map(|c| c.levels.iter().map(|l| l.u).collect())
                .collect(),
            tf: self
                .comparisons
                .iter()
                .map(|c| c.levels.iter().map(|l| l.tf).collect())
                .collect(),
            tf_weight: self.tf_weight,
            tf_floor: self.tf_floor,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn model() -> Model {
        let mut c = ComparisonParams::new(
            "name",
            &[
                ("missing", 0.0, false),
                ("exact", 0.9, true),
                ("else", 0.1, false),
            ],
        );
        c.levels[1].u = 0.01;
        c.levels[2].u = 0.99;
        Model {
            comparisons: vec![c],
            lambda: 0.5,
            tf_weight: 1.0,
            tf_floor: 1e-6,
        }
    }

    #[test]
    fn weights() {
        let m = model();
        let mut gamma = Gamma::default();
        assert_eq!(m.weight(&gamma), 0.0);
        gamma.levels[0] = 1;
        assert!((m.weight(&gamma) - (0.9f64 / 0.01).log2()).abs() < 1e-12);
        // A value rarer than the level's u weighs more; a commoner one less.
        gamma.tf[0] = 0.001;
        let rare = m.weight(&gamma);
        gamma.tf[0] = 0.05;
        let common = m.weight(&gamma);
        assert!(rare > common);
        assert!((rare - (0.9f64 / 0.001).log2()).abs() < 1e-4);
        assert_eq!(m.table().weight(&gamma), m.weight(&gamma));
    }

    #[test]
    fn probabilities_round_trip() {
        for p in [0.01, 0.5, 0.95, 0.999] {
            assert!((probability_of(weight_of(p)) - p).abs() < 1e-12);
        }
    }
}
