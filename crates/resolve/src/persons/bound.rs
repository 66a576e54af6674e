//! An upper bound on the match weight of two profiles, from a small summary of each: most
//! candidate pairs fall well short of the lowest weight a link is kept at, and the bound
//! shows it without reading the profiles themselves (several cache lines each, scattered over
//! hundreds of megabytes at a million records) or comparing any text.
//!
//! For each comparison the summaries tell which levels the full comparison (`compare`) can
//! reach: exactly one for some (date of birth, gender, postcode), a few for others (two
//! surnames whose hashes differ cannot agree exactly), all of them when the summary cannot
//! tell. The bound adds, for each comparison, the largest weight among its possible levels,
//! a term-frequency-adjusted level counted with the rarest value's adjustment. It is never
//! below the full weight: a test checks it on every candidate pair of a generated world.
//!
//! This module neither compares profiles in full nor decides which pairs are kept
//! (`compare_candidates` does, with the bound as a first test).

use model::Gender;

use crate::fellegi_sunter::{MAX_COMPARISONS, Table};
use crate::persons::compare::{
    ADDRESS, ALIASES, DOB, DobKey, FORENAME, GENDER, LINES, LOCALITY, OTHER_IDS, PHONE, PNC, Part,
    SAME_REF, SURNAME, address_level, postcode_part,
};
use crate::persons::features::{
    ALIASES as ALIAS_COUNT, LINE_BRANDS, LINE_NUMBERS, LOCALITY as LOCALITY_COUNT,
    OTHER_IDS as OTHER_ID_COUNT, PHONES, PersonFeatures, hash_of,
};

/// What the bound knows of a profile: hashes (32 bits of them: equal hashes only say that the
/// values may be equal, different ones that they differ), the date of birth, the postcode's
/// keys and folded masks of the lists. One cache line, so that a profile's candidates' summaries
/// are read in few cache lines.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Summary {
    postcode_key: u64,
    dob: DobKey,
    /// Surname and first forename hashes (0 when empty).
    names: [u32; 2],
    district_key: u32,
    /// Hashes of the address's first line (0 when none) and of its numbers.
    address: [u32; 2],
    /// PNC id hash (0 when none).
    pnc: u32,
    reference: u32,
    /// Masks of phones, line numbers and line brands, folded to 16 bits (two lists whose
    /// folded masks share no bit share no value).
    masks: [u16; 3],
    force: u16,
    gender: Option<Gender>,
    /// Bits: street names, other ids, locality words present.
    lists: u8,
}

const HAS_ALIASES: u8 = 1;
const HAS_OTHER_IDS: u8 = 2;
const HAS_LOCALITY: u8 = 4;

/// A 64-bit hash in 32 bits (equal hashes stay equal).
fn low(h: u64) -> u32 {
    (h ^ (h >> 32)) as u32
}

/// A text's hash in 32 bits: 0 for the empty text, never 0 otherwise.
fn hash32(text: &str) -> u32 {
    if text.is_empty() {
        return 0;
    }
    low(hash_of(text)) | 1
}

/// A 64-bit mask folded to 16 bits: a value's bit stays set, so disjoint folds mean
/// disjoint masks.
fn fold(mask: u64) -> u16 {
    let m = mask | (mask >> 32);
    let m = m | (m >> 16);
    (m & 0xffff) as u16
}

impl Summary {
    /// The summary of a profile.
    pub fn of(f: &PersonFeatures) -> Summary {
        let has = |count: u8, bit: u8| if count > 0 { bit } else { 0 };
        Summary {
            postcode_key: f.postcode_key,
            dob: f.dob_key,
            names: [hash32(&f.surname), hash32(&f.forename)],
            district_key: f.district_key,
            address: [
                if f.address_hashes.0 == 0 {
                    0
                } else {
                    low(f.address_hashes.0) | 1
                },
                low(f.address_hashes.1),
            ],
            pnc: if f.pnc_hash == 0 {
                0
            } else {
                low(f.pnc_hash) | 1
            },
            reference: low(f.reference_hash),
            masks: [
                fold(f.masks[PHONES]),
                fold(f.masks[LINE_NUMBERS]),
                fold(f.masks[LINE_BRANDS]),
            ],
            force: f.force,
            gender: f.gender,
            lists: has(f.counts[ALIAS_COUNT], HAS_ALIASES)
                | has(f.counts[OTHER_ID_COUNT], HAS_OTHER_IDS)
                | has(f.counts[LOCALITY_COUNT], HAS_LOCALITY),
        }
    }
}

/// A set of levels of one comparison, as bits (bit 0: missing).
type Levels = u16;

const fn level(l: u8) -> Levels {
    1 << l
}

/// Every level from 1 to `n - 1`, and missing.
const fn up_to(n: u8) -> Levels {
    (1 << n) - 1
}

/// The levels the full comparison can reach for each comparison, given two summaries.
fn possible_levels(a: &Summary, b: &Summary) -> [Levels; MAX_COMPARISONS] {
    let mut levels = [level(0); MAX_COMPARISONS];
    let names = |x: u32, y: u32, n: u8| {
        if x == 0 || y == 0 {
            level(0)
        } else if x == y {
            up_to(n)
        } else {
            // Different texts: anything but exact agreement (level 1).
            up_to(n) & !level(1)
        }
    };
    levels[SURNAME] = names(a.names[0], b.names[0], 8);
    levels[FORENAME] = names(a.names[1], b.names[1], 10);
    let aliases = (a.lists & HAS_ALIASES, b.lists & HAS_ALIASES);
    levels[ALIASES] = match aliases {
        (0, 0) => level(0),
        // Only one side has street names: one of them may be the other's forename.
        (0, _) | (_, 0) => level(0) | level(2),
        _ => up_to(5),
    };
    levels[DOB] = level(a.dob.level(b.dob));
    levels[PNC] = match (a.pnc, b.pnc) {
        (0, _) | (_, 0) => level(0),
        (x, y) if x == y => level(1) | level(2),
        _ => level(2),
    };
    levels[PHONE] = match (a.masks[0], b.masks[0]) {
        (0, _) | (_, 0) => level(0),
        (x, y) if x & y == 0 => level(2),
        _ => level(1) | level(2),
    };
    levels[ADDRESS] = address(a, b);
    levels[GENDER] = level(match (a.gender, b.gender) {
        (Some(x), Some(y)) if x == y => 1,
        (Some(_), Some(_)) => 2,
        _ => 0,
    });
    levels[SAME_REF] = if a.force != b.force {
        level(0)
    } else if a.reference == b.reference {
        level(1) | level(2)
    } else {
        level(2)
    };
    let (na, ba, nb, bb) = (a.masks[1], a.masks[2], b.masks[1], b.masks[2]);
    levels[LINES] = if na == 0 && ba == 0 || nb == 0 && bb == 0 {
        level(0)
    } else {
        let mut l = level(3);
        if na & nb != 0 {
            l |= level(1);
        }
        if ba & bb != 0 {
            l |= level(2);
        }
        l
    };
    let both = |bit: u8| a.lists & bit != 0 && b.lists & bit != 0;
    levels[OTHER_IDS] = if both(HAS_OTHER_IDS) {
        up_to(4)
    } else {
        level(0)
    };
    levels[LOCALITY] = if both(HAS_LOCALITY) {
        up_to(5)
    } else {
        level(0)
    };
    levels
}

/// The address levels possible: the postcode's part is known exactly, the first line's only
/// as far as its hashes tell (the same table as `compare::address`).
fn address(a: &Summary, b: &Summary) -> Levels {
    use Part::*;
    let postcode = postcode_part(
        (a.postcode_key, a.district_key),
        (b.postcode_key, b.district_key),
    );
    let mut lines = [None; 3];
    if a.address[0] == 0 || b.address[0] == 0 {
        lines[0] = Some(Missing);
    } else {
        lines[0] = Some(Different);
        if a.address[0] == b.address[0] {
            lines[1] = Some(Exact);
        }
        if a.address[1] == b.address[1] {
            lines[2] = Some(Near);
        }
    }
    lines
        .into_iter()
        .flatten()
        .fold(0, |set, line| set | level(address_level(postcode, line)))
}

/// The model's largest weight per comparison and set of levels, for bounding.
#[derive(Debug, Clone)]
pub struct Bounds {
    table: Table,
    /// For each comparison, indexed by a set of its levels ([`Levels`]), the largest weight
    /// among them.
    best: Vec<Vec<f64>>,
}

impl Bounds {
    /// The bounds of a model's weights.
    pub fn new(table: &Table) -> Bounds {
        Bounds {
            table: table.clone(),
            best: (0..table.n_comparisons())
                .map(|k| {
                    let n = table.n_levels(k);
                    (0..1usize << n)
                        .map(|set| {
                            (0..n)
                                .filter(|l| set & (1 << l) != 0)
                                .map(|l| table.max_weight(k, l))
                                .fold(f64::NEG_INFINITY, f64::max)
                        })
                        .collect()
                })
                .collect(),
        }
    }

    /// A weight the pair's full match weight cannot exceed.
    pub fn upper(&self, a: &Summary, b: &Summary) -> f64 {
        self.sum(a, b, None)
    }

    /// The prior and, for each comparison, the largest weight of its possible levels, or the
    /// exact weight of the names when they are given.
    fn sum(&self, a: &Summary, b: &Summary, names: Option<[(u8, f32); 2]>) -> f64 {
        let levels = possible_levels(a, b);
        let mut total = self.table.prior_weight();
        for (k, (best, set)) in self.best.iter().zip(levels).enumerate() {
            total += match (k, names) {
                (SURNAME | FORENAME, Some(names)) => {
                    let (level, tf) = if k == SURNAME { names[0] } else { names[1] };
                    let (base, adjustment) = self.table.comparison_weight(k, level, tf);
                    base + adjustment
                }
                _ => best[usize::from(set)],
            };
        }
        total
    }

    /// Whether the pair cannot reach `weight` (with a margin for the rounding of sums made in
    /// another order).
    pub fn below(&self, a: &Summary, b: &Summary, weight: f64) -> bool {
        self.upper(a, b) < weight - 1e-6
    }

    /// [`Bounds::upper`] with the exact levels and term frequencies of the names
    /// (`compare::names`) in place of their possible ones: the summaries tell least about the
    /// names (two different ones may still be alike), and comparing them is a small part of
    /// comparing two profiles.
    pub fn upper_with_names(&self, a: &Summary, b: &Summary, names: [(u8, f32); 2]) -> f64 {
        self.sum(a, b, Some(names))
    }

    /// [`Bounds::below`] with the names compared ([`Bounds::upper_with_names`]).
    pub fn below_with_names(
        &self,
        a: &Summary,
        b: &Summary,
        names: [(u8, f32); 2],
        weight: f64,
    ) -> bool {
        self.upper_with_names(a, b, names) < weight - 1e-6
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folding_keeps_every_bit() {
        for bit in 0..64 {
            assert_ne!(fold(1 << bit), 0);
            assert_eq!(fold(1 << bit).count_ones(), 1);
        }
        assert_eq!(fold(0), 0);
        assert_eq!(fold(1 | (1 << 16)), 1);
    }

    #[test]
    fn a_summary_fits_a_cache_line() {
        assert!(std::mem::size_of::<Summary>() <= 64);
    }

    #[test]
    fn empty_names_hash_to_zero_and_others_never() {
        assert_eq!(hash32(""), 0);
        assert_ne!(hash32("a"), 0);
    }
}
