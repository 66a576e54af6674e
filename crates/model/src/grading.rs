//! Intelligence grading under the 3x5x2 system: source evaluation (`1`-`3`), intelligence
//! assessment (`A`-`E`) and handling code (`P` or `C`), written `2-B-P` in a return.
//!
//! The legacy 5x5x5 scheme puts letters and numbers the other way round, so a bare "B2" is
//! never guessed at: only the published `N-L-H` writing is read. Converting legacy grades is
//! deliberately not done (no official crosswalk exists).

use std::fmt;
use std::str::FromStr;

use crate::ValueError;

/// Source evaluation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum SourceEvaluation {
    /// 1: reliable.
    Reliable = 1,
    /// 2: untested.
    Untested = 2,
    /// 3: not reliable.
    NotReliable = 3,
}

/// Intelligence assessment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum IntelligenceAssessment {
    /// A: known directly to the source.
    A,
    /// B: known indirectly to the source, but corroborated.
    B,
    /// C: known indirectly to the source.
    C,
    /// D: not known to the source.
    D,
    /// E: suspected to be false.
    E,
}

/// Handling code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum HandlingCode {
    /// P: lawful sharing permitted.
    P,
    /// C: lawful sharing permitted with conditions.
    C,
}

/// A 3x5x2 grade.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Grading {
    /// How far the source is trusted.
    pub source: SourceEvaluation,
    /// How the source knows it.
    pub intelligence: IntelligenceAssessment,
    /// How it may be shared.
    pub handling: HandlingCode,
}

impl Grading {
    /// A display label for the source grade.
    pub fn source_label(&self) -> &'static str {
        match self.source {
            SourceEvaluation::Reliable => "reliable",
            SourceEvaluation::Untested => "untested",
            SourceEvaluation::NotReliable => "not reliable",
        }
    }
}

impl FromStr for Grading {
    type Err = ValueError;

    /// Accepts `2-B-P` (case-insensitive, spaces around the parts ignored).
    fn from_str(s: &str) -> Result<Self, ValueError> {
        const HINT: &str =
            "not a 3x5x2 grading: write source 1-3, intelligence A-E, handling P or C, e.g. 2-B-P";
        let mut parts = s.trim().split('-').map(str::trim);
        let (Some(source), Some(intelligence), Some(handling), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(ValueError::new(HINT));
        };
        let source = match source {
            "1" => SourceEvaluation::Reliable,
            "2" => SourceEvaluation::Untested,
            "3" => SourceEvaluation::NotReliable,
            _ => return Err(ValueError::new(HINT)),
        };
        let intelligence = match intelligence.as_bytes() {
            [b'A' | b'a'] => IntelligenceAssessment::A,
            [b'B' | b'b'] => IntelligenceAssessment::B,
            [b'C' | b'c'] => IntelligenceAssessment::C,
            [b'D' | b'd'] => IntelligenceAssessment::D,
            [b'E' | b'e'] => IntelligenceAssessment::E,
            _ => return Err(ValueError::new(HINT)),
        };
        let handling = match handling.as_bytes() {
            [b'P' | b'p'] => HandlingCode::P,
            [b'C' | b'c'] => HandlingCode::C,
            _ => return Err(ValueError::new(HINT)),
        };
        Ok(Grading {
            source,
            intelligence,
            handling,
        })
    }
}

impl fmt::Display for Grading {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}-{:?}-{:?}",
            self.source as u8, self.intelligence, self.handling
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_and_writes_3x5x2() {
        assert_eq!("2-B-P".parse::<Grading>().unwrap().to_string(), "2-B-P");
        assert_eq!(
            " 1 - a - c ".parse::<Grading>().unwrap().to_string(),
            "1-A-C"
        );
        for bad in [
            "B2", "2B P", "4-B-P", "2-F-P", "2-B-1", "2-B-P-X", "", "B-2-P",
        ] {
            assert!(
                bad.parse::<Grading>().is_err(),
                "{bad:?} should be rejected"
            );
        }
    }
}
