//! What a line record is compared on, normalised once: brand (and its sound), deal numbers,
//! exporting force and area, importing areas, the people linked to it (as person entities)
//! and the force's reference. Records with identical features form one profile.
//!
//! It also counts brand and number frequencies. It compares nothing (`compare`).

use std::hash::Hash;

use rustc_hash::{FxHashMap, FxHashSet};

use crate::input::LineRecord;
use crate::key::RecordKey;
use crate::normalise;
use crate::persons::features::{force_index, pack_code, phone_digits};

/// A normalised line record.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct LineFeatures {
    /// The reporting force's position in the registry.
    pub force: u16,
    /// The force's reference.
    pub reference: Box<str>,
    /// The brand, normalised (`jline` → `j`).
    pub brand: Box<str>,
    /// Double Metaphone code of the brand.
    pub brand_code: u32,
    /// Deal numbers as E.164 digits, sorted.
    pub numbers: Box<[u64]>,
    /// Exporting force, if stated.
    pub exporting_force: Option<u16>,
    /// Exporting area, normalised.
    pub exporting_area: Option<Box<str>>,
    /// Importing areas, normalised and sorted.
    pub importing: Box<[Box<str>]>,
    /// Person entities linked to the line in the same return, sorted.
    pub people: Box<[u32]>,
}

/// A number made from a line's fields and the first byte of its brand, for reading a
/// profile ahead of comparing it (`em::Patterns::of_pairs`).
pub fn touch(p: &LineFeatures) -> u64 {
    u64::from(p.force) ^ u64::from(p.brand.bytes().next().unwrap_or(0))
}

/// The person entity of a nominal record, given the key of a record of its return and its
/// reference.
pub type PersonOf<'a> = dyn Fn(&RecordKey, &str) -> Option<u32> + Sync + 'a;

impl LineFeatures {
    /// Normalises one record; `person_of` gives the person entity of a nominal record of the
    /// line record's return (its key, and the nominal reference).
    pub fn of(line: &LineRecord, person_of: &PersonOf<'_>) -> LineFeatures {
        let brand = normalise::brand(&line.line_name);
        let mut numbers: Vec<u64> = line.deal_numbers.iter().map(phone_digits).collect();
        numbers.sort_unstable();
        numbers.dedup();
        let mut importing: Vec<Box<str>> = line
            .importing_areas
            .iter()
            .map(|a| normalise::area(a))
            .filter(|a| !a.is_empty())
            .map(String::into_boxed_str)
            .collect();
        importing.sort();
        importing.dedup();
        let mut people: Vec<u32> = line
            .nominal_refs
            .iter()
            .filter_map(|n| person_of(&line.key, n.as_str()))
            .collect();
        people.sort_unstable();
        people.dedup();
        LineFeatures {
            force: force_index(&line.key.force),
            reference: line.key.reference.as_str().into(),
            brand_code: pack_code(&normalise::phonetic(&brand).0),
            brand: brand.into_boxed_str(),
            numbers: numbers.into_boxed_slice(),
            exporting_force: line.exporting_force.as_ref().map(force_index),
            exporting_area: line
                .exporting_area
                .as_deref()
                .map(normalise::area)
                .filter(|a| !a.is_empty())
                .map(String::into_boxed_str),
            importing: importing.into_boxed_slice(),
            people: people.into_boxed_slice(),
        }
    }
}

/// Brand and number frequencies, counted once per force and reference.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct LineTermFrequencies {
    /// By normalised brand.
    pub brand: FxHashMap<Box<str>, f32>,
    /// By deal number.
    pub number: FxHashMap<u64, f32>,
    /// Frequency of a value never counted.
    pub unseen: f32,
}

impl LineTermFrequencies {
    /// Counts the values of `profiles`.
    pub fn count(profiles: &[LineFeatures]) -> LineTermFrequencies {
        let mut brand_seen: FxHashSet<(u16, &str, &str)> = FxHashSet::default();
        let mut number_seen: FxHashSet<(u16, &str, u64)> = FxHashSet::default();
        let mut brand: FxHashMap<Box<str>, u32> = FxHashMap::default();
        let mut number: FxHashMap<u64, u32> = FxHashMap::default();
        for p in profiles {
            if !p.brand.is_empty() && brand_seen.insert((p.force, &p.reference, &p.brand)) {
                *brand.entry(p.brand.clone()).or_default() += 1;
            }
            for &n in p.numbers.iter() {
                if number_seen.insert((p.force, &p.reference, n)) {
                    *number.entry(n).or_default() += 1;
                }
            }
        }
        fn shares<K: Eq + Hash>(counts: FxHashMap<K, u32>) -> (FxHashMap<K, f32>, f64) {
            let total = counts.values().map(|&c| f64::from(c)).sum::<f64>().max(1.0);
            (
                counts
                    .into_iter()
                    .map(|(k, c)| (k, (f64::from(c) / total) as f32))
                    .collect(),
                total,
            )
        }
        let (brand, brand_total) = shares(brand);
        let (number, number_total) = shares(number);
        LineTermFrequencies {
            brand,
            number,
            unseen: (1.0 / brand_total.max(number_total)) as f32,
        }
    }

    /// Frequency of a brand.
    pub fn brand(&self, value: &str) -> f32 {
        self.brand.get(value).copied().unwrap_or(self.unseen)
    }

    /// Frequency of a deal number.
    pub fn number(&self, value: u64) -> f32 {
        self.number.get(&value).copied().unwrap_or(self.unseen)
    }
}
