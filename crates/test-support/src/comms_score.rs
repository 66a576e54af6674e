//! Scoring communications analysis against a synthetic world's truth
//! (`truth/numbers.csv`, `truth/replacements.csv`, see `spec/truth-v1.md`): precision, recall
//! and F1 of a class of numbers, and of replacement pairs with their switch time.
//!
//! For tests and benchmarks only: no analysis may read the truth. This module knows nothing
//! of how the predictions were made; it takes numbers as E.164 text.

use std::collections::{HashMap, HashSet};
use std::fmt;
use std::path::Path;

use chrono::DateTime;

/// The true kind (`deal`, `personal`, `customer`) of every number.
pub fn read_number_kinds(world: &Path) -> Result<HashMap<String, String>, csv::Error> {
    let mut reader = csv::Reader::from_path(world.join("truth").join("numbers.csv"))?;
    let mut kinds = HashMap::new();
    for row in reader.records() {
        let row = row?;
        kinds.insert(row[0].to_owned(), row[1].to_owned());
    }
    Ok(kinds)
}

/// A true replacement: old number, new number, switch time (epoch seconds).
pub type TrueReplacement = (String, String, i64);

/// Every replacement in `truth/replacements.csv`.
pub fn read_replacements(world: &Path) -> Result<Vec<TrueReplacement>, csv::Error> {
    let mut reader = csv::Reader::from_path(world.join("truth").join("replacements.csv"))?;
    let mut out = Vec::new();
    for row in reader.records() {
        let row = row?;
        let at = DateTime::parse_from_rfc3339(&row[2])
            .map(|t| t.timestamp())
            .unwrap_or_else(|e| panic!("bad switched_at {:?} in truth: {e}", &row[2]));
        out.push((row[0].to_owned(), row[1].to_owned(), at));
    }
    Ok(out)
}

/// Precision, recall and F1 of a set of predictions.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Score {
    /// Correct predictions over all predictions.
    pub precision: f64,
    /// Correct predictions over all true items.
    pub recall: f64,
    /// Harmonic mean of precision and recall.
    pub f1: f64,
    /// Predictions made.
    pub predicted: usize,
    /// True items.
    pub truth: usize,
    /// Predictions that were right.
    pub correct: usize,
}

impl Score {
    fn new(predicted: usize, truth: usize, correct: usize) -> Score {
        let precision = if predicted == 0 {
            1.0
        } else {
            correct as f64 / predicted as f64
        };
        let recall = if truth == 0 {
            1.0
        } else {
            correct as f64 / truth as f64
        };
        let f1 = if precision + recall == 0.0 {
            0.0
        } else {
            2.0 * precision * recall / (precision + recall)
        };
        Score {
            precision,
            recall,
            f1,
            predicted,
            truth,
            correct,
        }
    }
}

impl fmt::Display for Score {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "precision {:.4} recall {:.4} F1 {:.4} ({} predicted, {} true, {} correct)",
            self.precision, self.recall, self.f1, self.predicted, self.truth, self.correct
        )
    }
}

/// Scores the numbers predicted to be of `kind` among `seen` (the numbers present in the
/// communications data: a true number that never appears cannot be found).
pub fn score_class(
    predicted: &[(String, String)],
    truth: &HashMap<String, String>,
    kind: &str,
) -> Score {
    let seen: HashSet<&str> = predicted.iter().map(|(n, _)| n.as_str()).collect();
    let true_set: HashSet<&str> = truth
        .iter()
        .filter(|(n, k)| k.as_str() == kind && seen.contains(n.as_str()))
        .map(|(n, _)| n.as_str())
        .collect();
    let predicted_set: HashSet<&str> = predicted
        .iter()
        .filter(|(_, k)| k == kind)
        .map(|(n, _)| n.as_str())
        .collect();
    let correct = predicted_set.intersection(&true_set).count();
    Score::new(predicted_set.len(), true_set.len(), correct)
}

/// Scores predicted replacements (old, new, switched_at in epoch seconds): one is right when
/// the truth has the same old and new numbers and the switch time is within `tolerance_secs`.
pub fn score_replacements(
    predicted: &[TrueReplacement],
    truth: &[TrueReplacement],
    tolerance_secs: i64,
) -> Score {
    let true_map: HashMap<(&str, &str), i64> = truth
        .iter()
        .map(|(o, n, t)| ((o.as_str(), n.as_str()), *t))
        .collect();
    let correct = predicted
        .iter()
        .filter(|(o, n, t)| {
            true_map
                .get(&(o.as_str(), n.as_str()))
                .is_some_and(|truth_at| (truth_at - t).abs() <= tolerance_secs)
        })
        .count();
    Score::new(predicted.len(), truth.len(), correct)
}
