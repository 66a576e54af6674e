//! Scoring a resolution against a synthetic world's truth (`truth/persons.csv`,
//! `truth/lines.csv`, see `spec/truth-v1.md`): pairwise precision, recall and F1 of a
//! clustering, and deconfliction recall.
//!
//! For tests and benchmarks only: no analysis may read the truth. This module knows nothing of
//! how the clustering was made; it takes records named by force, period and reference.

use std::collections::{HashMap, HashSet};
use std::fmt;
use std::path::Path;

/// A record as the truth names it: force, period and reference.
pub type RecordName = (String, String, String);

/// Which true entity (person or line id) each record is.
pub type Truth = HashMap<RecordName, String>;

/// Reads `truth/persons.csv` of the world at `world`.
pub fn read_persons(world: &Path) -> Result<Truth, csv::Error> {
    read(
        &world.join("truth").join("persons.csv"),
        "person_id",
        "nominal_ref",
    )
}

/// Reads `truth/lines.csv` of the world at `world`.
pub fn read_lines(world: &Path) -> Result<Truth, csv::Error> {
    read(
        &world.join("truth").join("lines.csv"),
        "line_id",
        "line_ref",
    )
}

fn read(path: &Path, id_column: &str, ref_column: &str) -> Result<Truth, csv::Error> {
    let mut reader = csv::Reader::from_path(path)?;
    let headers = reader.headers()?.clone();
    let column = |name: &str| headers.iter().position(|h| h == name);
    let (Some(id), Some(force), Some(period), Some(reference)) = (
        column(id_column),
        column("force"),
        column("period"),
        column(ref_column),
    ) else {
        panic!("{} lacks the columns of truth-v1", path.display());
    };
    let mut truth = Truth::new();
    for row in reader.records() {
        let row = row?;
        truth.insert(
            (
                row[force].to_owned(),
                row[period].to_owned(),
                row[reference].to_owned(),
            ),
            row[id].to_owned(),
        );
    }
    Ok(truth)
}

/// Pairwise agreement of a clustering with the truth.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PairScore {
    /// Pairs of records put together that truly are one entity, over all pairs put together.
    pub precision: f64,
    /// Pairs truly one entity that were put together, over all such pairs.
    pub recall: f64,
    /// Harmonic mean of precision and recall.
    pub f1: f64,
    /// Pairs put together (among records the truth knows).
    pub predicted_pairs: u64,
    /// Pairs truly together.
    pub true_pairs: u64,
    /// Pairs both.
    pub correct_pairs: u64,
}

impl fmt::Display for PairScore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "precision {:.4} recall {:.4} F1 {:.4} ({} predicted pairs, {} true, {} correct)",
            self.precision,
            self.recall,
            self.f1,
            self.predicted_pairs,
            self.true_pairs,
            self.correct_pairs
        )
    }
}

fn pairs(n: u64) -> u64 {
    n * n.saturating_sub(1) / 2
}

/// Scores `clustering` (record → cluster label) against `truth`. Records the truth does not
/// know are ignored; records the clustering lacks count as singletons.
pub fn pairwise<'a>(
    truth: &Truth,
    clustering: impl IntoIterator<Item = (RecordName, &'a str)>,
) -> PairScore {
    let mut label_of: HashMap<RecordName, &str> = HashMap::new();
    for (record, label) in clustering {
        if truth.contains_key(&record) {
            label_of.insert(record, label);
        }
    }
    let mut cluster_sizes: HashMap<&str, u64> = HashMap::new();
    let mut true_sizes: HashMap<&str, u64> = HashMap::new();
    let mut both: HashMap<(&str, &str), u64> = HashMap::new();
    for (record, id) in truth {
        *true_sizes.entry(id).or_default() += 1;
        if let Some(&label) = label_of.get(record) {
            *cluster_sizes.entry(label).or_default() += 1;
            *both.entry((label, id)).or_default() += 1;
        }
    }
    let predicted_pairs: u64 = cluster_sizes.values().map(|&n| pairs(n)).sum();
    let true_pairs: u64 = true_sizes.values().map(|&n| pairs(n)).sum();
    let correct_pairs: u64 = both.values().map(|&n| pairs(n)).sum();
    let precision = if predicted_pairs == 0 {
        1.0
    } else {
        correct_pairs as f64 / predicted_pairs as f64
    };
    let recall = if true_pairs == 0 {
        1.0
    } else {
        correct_pairs as f64 / true_pairs as f64
    };
    let f1 = if precision + recall == 0.0 {
        0.0
    } else {
        2.0 * precision * recall / (precision + recall)
    };
    PairScore {
        precision,
        recall,
        f1,
        predicted_pairs,
        true_pairs,
        correct_pairs,
    }
}

/// How many of the entities truly held by two or more forces were found: an entity is found
/// when one cluster holds its records from at least two different forces.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DeconflictionScore {
    /// Entities truly held by two or more forces.
    pub shared: usize,
    /// Of which found.
    pub found: usize,
    /// `found / shared` (1 when there are none).
    pub recall: f64,
}

impl fmt::Display for DeconflictionScore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "recall {:.4} ({} of {} shared entities found)",
            self.recall, self.found, self.shared
        )
    }
}

/// Deconfliction recall of `clustering` against `truth`.
pub fn deconfliction<'a>(
    truth: &Truth,
    clustering: impl IntoIterator<Item = (RecordName, &'a str)>,
) -> DeconflictionScore {
    let mut forces_of: HashMap<&str, HashSet<&str>> = HashMap::new();
    for ((force, _, _), id) in truth {
        forces_of.entry(id).or_default().insert(force);
    }
    let shared: HashSet<&str> = forces_of
        .iter()
        .filter(|(_, f)| f.len() >= 2)
        .map(|(&id, _)| id)
        .collect();
    let mut seen: HashMap<(&str, &str), HashSet<String>> = HashMap::new();
    for (record, label) in clustering {
        if let Some(id) = truth.get(&record).filter(|id| shared.contains(id.as_str())) {
            seen.entry((id.as_str(), label))
                .or_default()
                .insert(record.0.clone());
        }
    }
    let found: HashSet<&str> = seen
        .iter()
        .filter(|(_, f)| f.len() >= 2)
        .map(|(&(id, _), _)| id)
        .collect();
    let recall = if shared.is_empty() {
        1.0
    } else {
        found.len() as f64 / shared.len() as f64
    };
    DeconflictionScore {
        shared: shared.len(),
        found: found.len(),
        recall,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn name(force: &str, r: &str) -> RecordName {
        (force.to_owned(), "2026-01".to_owned(), r.to_owned())
    }

    #[test]
    fn pairwise_and_deconfliction() {
        let truth: Truth = [
            (name("a", "1"), "P1"),
            (name("b", "2"), "P1"),
            (name("a", "3"), "P1"),
            (name("a", "4"), "P2"),
        ]
        .into_iter()
        .map(|(k, v)| (k, v.to_owned()))
        .collect();
        let clustering = vec![
            (name("a", "1"), "x"),
            (name("b", "2"), "x"),
            (name("a", "3"), "y"),
            (name("a", "4"), "y"),
        ];
        let score = pairwise(&truth, clustering.clone());
        assert_eq!(
            (score.predicted_pairs, score.true_pairs, score.correct_pairs),
            (2, 3, 1)
        );
        assert!((score.precision - 0.5).abs() < 1e-12);
        let d = deconfliction(&truth, clustering);
        assert_eq!((d.shared, d.found), (1, 1));
    }
}
