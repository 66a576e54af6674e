//! The bounded list of problems one return collects while it is read and validated.
//!
//! Keeps the first problems in the order found and only counts the rest, so that a file with
//! a million bad rows costs a counter, not a million messages. It does not sort or deduplicate:
//! readers and validators report in table and row order already.

use model::Problem;
use model::problem::Table;

/// Problems found so far, at most `cap` kept.
#[derive(Debug)]
pub(crate) struct Problems {
    kept: Vec<Problem>,
    dropped: usize,
    cap: usize,
}

impl Problems {
    /// An empty list keeping at most `cap` problems.
    pub(crate) fn new(cap: usize) -> Problems {
        Problems {
            kept: Vec::new(),
            dropped: 0,
            cap,
        }
    }

    /// Records a problem (or only counts it, once `cap` are kept).
    pub(crate) fn push(&mut self, problem: Problem) {
        if self.kept.len() < self.cap {
            self.kept.push(problem);
        } else {
            self.dropped += 1;
        }
    }

    /// Appends another list's problems after this one's.
    pub(crate) fn append(&mut self, other: Problems) {
        for problem in other.kept {
            self.push(problem);
        }
        self.dropped += other.dropped;
    }

    /// Whether no problem was found.
    pub(crate) fn is_empty(&self) -> bool {
        self.kept.is_empty() && self.dropped == 0
    }

    /// How many problems were found, kept or not.
    #[cfg(test)]
    pub(crate) fn count(&self) -> usize {
        self.kept.len() + self.dropped
    }

    /// The kept problems, followed by one saying how many more there were, if any.
    pub(crate) fn into_vec(self) -> Vec<Problem> {
        let mut kept = self.kept;
        if self.dropped > 0 {
            kept.push(Problem::table(
                Table::Container,
                format!("and {} more problems not listed", self.dropped),
            ));
        }
        kept
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(cap: usize, pushed: usize, expect: &[&str]) {
        let mut problems = Problems::new(cap);
        for i in 0..pushed {
            problems.push(Problem::table(Table::Lines, format!("p{i}")));
        }
        assert_eq!(problems.count(), pushed);
        let got: Vec<String> = problems.into_vec().into_iter().map(|p| p.reason).collect();
        assert_eq!(got, expect, "cap {cap}, pushed {pushed}");
    }

    #[test]
    fn keeps_the_first_and_counts_the_rest() {
        check(3, 0, &[]);
        check(3, 2, &["p0", "p1"]);
        check(3, 3, &["p0", "p1", "p2"]);
        check(3, 5, &["p0", "p1", "p2", "and 2 more problems not listed"]);
    }

    #[test]
    fn append_keeps_order_and_the_cap() {
        let mut first = Problems::new(2);
        first.push(Problem::table(Table::Lines, "a"));
        let mut second = Problems::new(2);
        for reason in ["b", "c", "d"] {
            second.push(Problem::table(Table::Lines, reason));
        }
        first.append(second);
        let got: Vec<String> = first.into_vec().into_iter().map(|p| p.reason).collect();
        assert_eq!(got, ["a", "b", "and 2 more problems not listed"]);
    }
}
