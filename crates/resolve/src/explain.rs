//! Explanations of a pair's score, the "waterfall": the prior, then for each comparison the
//! level reached (in words), the values compared and the weight it added, then the total
//! match weight and probability.
//!
//! This module only holds and prints explanations; they are produced by the model
//! (`fellegi_sunter`) and by the person and line comparisons, which know the values.

use std::fmt;

use crate::key::{EntityKind, RecordKey};

/// One comparison's contribution to a pair's match weight.
#[derive(Debug, Clone, PartialEq)]
pub struct Step {
    /// The comparison, e.g. `dob`.
    pub comparison: &'static str,
    /// The level reached, in words, e.g. `day and month transposed`.
    pub level: &'static str,
    /// The two values compared, as the resolver read them.
    pub values: (String, String),
    /// P(level | match); `None` when a value is missing.
    pub m: Option<f64>,
    /// P(level | non-match); `None` when a value is missing.
    pub u: Option<f64>,
    /// The agreed value's frequency when a term-frequency adjustment applied.
    pub term_frequency: Option<f64>,
    /// log2(m/u).
    pub base_weight: f64,
    /// The term-frequency adjustment (0 when none).
    pub tf_weight: f64,
    /// `base_weight + tf_weight`: what this comparison adds to the match weight.
    pub weight: f64,
}

/// Why a pair of records scored as it did.
#[derive(Debug, Clone, PartialEq)]
pub struct Explanation {
    /// What the records are.
    pub kind: EntityKind,
    /// One record.
    pub a: RecordKey,
    /// The other record.
    pub b: RecordKey,
    /// log2 of the prior odds that two records match.
    pub prior_weight: f64,
    /// One step per comparison, in the model's order.
    pub steps: Vec<Step>,
    /// The prior plus every step's weight.
    pub total_weight: f64,
    /// The match probability of `total_weight`.
    pub probability: f64,
}

impl Explanation {
    /// The steps' weights added to the prior, which [`Explanation::total_weight`] equals.
    pub fn sum_of_parts(&self) -> f64 {
        self.prior_weight + self.steps.iter().map(|s| s.weight).sum::<f64>()
    }
}

impl fmt::Display for Explanation {
    /// One line per step: `dob: day and month transposed (2008-12-24 | 2008-24-12) +6.10`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "{} {} ~ {}", self.kind, self.a, self.b)?;
        writeln!(f, "  prior{:>+44.2}", self.prior_weight)?;
        for step in &self.steps {
            let label = format!("{}: {}", step.comparison, step.level);
            write!(f, "  {label:<40} {:>+7.2}", step.weight)?;
            if step.tf_weight != 0.0 {
                write!(f, " (incl. term frequency {:+.2})", step.tf_weight)?;
            }
            writeln!(f, "  [{} | {}]", step.values.0, step.values.1)?;
        }
        writeln!(f, "  total{:>+44.2}", self.total_weight)?;
        write!(f, "  probability {:.4}", self.probability)
    }
}
