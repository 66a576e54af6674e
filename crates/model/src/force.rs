//! The forces that submit returns and the regions they belong to.
//!
//! The registry is `data/forces.csv`, a copy of the published `spec/forces.csv`, compiled in so
//! that a force code is checked without any IO. It does not model force mergers or history.

use std::fmt;
use std::str::FromStr;
use std::sync::OnceLock;

use crate::ValueError;

/// A force's code from `forces.csv`, e.g. `merseyside`.
///
/// Invariant: always a code present in the registry. It borrows the registry's text, so a
/// clone allocates nothing: every record key carries one.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ForceCode(&'static str);

/// A region's code from `forces.csv`, e.g. `north-west` (`national` for British Transport Police).
///
/// Invariant: always a region named by at least one force in the registry (whose text it
/// borrows).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct RegionCode(&'static str);

/// One force of the registry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Force {
    /// The force's code.
    pub code: ForceCode,
    /// The force's full name.
    pub name: String,
    /// The region it belongs to.
    pub region: RegionCode,
    /// Whether it is one of the 43 territorial forces (British Transport Police is not).
    pub territorial: bool,
}

const REGISTRY_CSV: &str = include_str!("../data/forces.csv");

/// Every force of the registry, in file order.
pub fn forces() -> &'static [Force] {
    static FORCES: OnceLock<Vec<Force>> = OnceLock::new();
    FORCES.get_or_init(|| {
        // The registry is our own three-column file with no quoted fields, so a split on
        // commas reads it exactly; a test checks every row parses.
        REGISTRY_CSV
            .lines()
            .skip(1)
            .filter(|line| !line.trim().is_empty())
            .map(|line| {
                let mut cols = line.trim().splitn(3, ',');
                let code = cols.next().unwrap_or_default();
                let name = cols.next().unwrap_or_default().to_string();
                let region = cols.next().unwrap_or_default();
                Force {
                    territorial: region != "national",
                    code: ForceCode(code),
                    name,
                    region: RegionCode(region),
                }
            })
            .collect()
    })
}

/// Every region, sorted, without duplicates.
pub fn regions() -> Vec<RegionCode> {
    let mut regions: Vec<RegionCode> = forces().iter().map(|f| f.region.clone()).collect();
    regions.sort();
    regions.dedup();
    regions
}

impl ForceCode {
    /// The code as written in `forces.csv`.
    pub fn as_str(&self) -> &'static str {
        self.0
    }

    /// The registry entry of this force.
    pub fn force(&self) -> &'static Force {
        forces()
            .iter()
            .find(|f| f.code == *self)
            .expect("invariant: a ForceCode is always in the registry")
    }

    /// The region this force belongs to.
    pub fn region(&self) -> &'static RegionCode {
        &self.force().region
    }
}

impl FromStr for ForceCode {
    type Err = ValueError;

    /// Accepts a registry code, case-insensitively and ignoring surrounding spaces.
    fn from_str(s: &str) -> Result<Self, ValueError> {
        let wanted = s.trim().to_ascii_lowercase();
        forces()
            .iter()
            .find(|f| f.code.0 == wanted)
            .map(|f| f.code.clone())
            .ok_or_else(|| ValueError::new("not a force code from forces.csv"))
    }
}

impl RegionCode {
    /// The code as written in `forces.csv`.
    pub fn as_str(&self) -> &'static str {
        self.0
    }

    /// The forces of this region.
    pub fn forces(&self) -> impl Iterator<Item = &'static Force> + '_ {
        forces().iter().filter(move |f| f.region == *self)
    }
}

impl FromStr for RegionCode {
    type Err = ValueError;

    fn from_str(s: &str) -> Result<Self, ValueError> {
        let wanted = s.trim().to_ascii_lowercase();
        forces()
            .iter()
            .find(|f| f.region.0 == wanted)
            .map(|f| f.region.clone())
            .ok_or_else(|| ValueError::new("not a region code from forces.csv"))
    }
}

impl fmt::Display for ForceCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0)
    }
}

impl fmt::Display for RegionCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn registry_has_43_territorial_forces_and_btp() {
        assert_eq!(forces().iter().filter(|f| f.territorial).count(), 43);
        assert_eq!(forces().len(), 44);
        assert!(forces().iter().all(|f| !f.name.is_empty()));
        assert_eq!(regions().len(), 11);
    }

    #[test]
    fn codes_parse_case_insensitively() {
        let code: ForceCode = " Merseyside ".parse().unwrap();
        assert_eq!(code.as_str(), "merseyside");
        assert_eq!(code.region().as_str(), "north-west");
        assert!("mersey".parse::<ForceCode>().is_err());
        let region: RegionCode = "london".parse().unwrap();
        assert_eq!(region.forces().count(), 2);
    }
}
