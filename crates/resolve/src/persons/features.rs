//! What a nominal record is compared on, normalised once: names as comparable words and
//! phonetic codes, street names, date of birth, PNC id, other identifiers, phone numbers,
//! postcode, the first line of the address and the words of the rest of it. Records whose features (and force and reference) are identical form
//! one *profile* and are compared once: a force repeats most of its nominal records unchanged
//! month after month.
//!
//! It also counts how often each value occurs (term frequencies). It does not compare
//! anything (`compare`) and keeps nothing of a record that comparisons do not use.

use std::hash::{Hash, Hasher};

use rustc_hash::{FxHashMap, FxHashSet, FxHasher};

use model::{Gender, PartialDate};

use crate::input::PersonRecord;
use crate::normalise::{self, AddressLine};

/// A normalised person record; equal features from the same force and reference make one
/// profile.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct PersonFeatures {
    /// The submitting force's position in the registry.
    pub force: u16,
    /// The force's reference.
    pub reference: Box<str>,
    /// Surname without spaces or punctuation; empty when missing.
    pub surname: Box<str>,
    /// Surname words separated by single spaces (for double-barrelled names).
    pub surname_words: Box<str>,
    /// Double Metaphone codes of the surname (packed; 0 = none).
    pub surname_code: [u32; 2],
    /// Forename words; the first is the given name.
    pub forenames: Box<[Box<str>]>,
    /// Double Metaphone codes of the first forename.
    pub forename_code: [u32; 2],
    /// Street names, each without spaces or punctuation.
    pub aliases: Box<[Box<str>]>,
    /// Date of birth.
    pub dob: Option<PartialDate>,
    /// Gender.
    pub gender: Option<Gender>,
    /// PNC id.
    pub pnc: Option<Box<str>>,
    /// Phone numbers as the digits of their E.164 form, sorted.
    pub phones: Box<[u64]>,
    /// Postcode, canonical (`SW1A 1AA`).
    pub postcode: Option<Box<str>>,
    /// Identifiers of an unnamed scheme, upper-case letters and digits only, sorted.
    pub other_ids: Box<[Box<str>]>,
    /// First line of the address.
    pub address: Option<AddressLine>,
    /// The words of the rest of the address (district, town, a foreign postcode), sorted.
    pub locality: Box<[Box<str>]>,
    /// Deal numbers of the lines the record is linked to in its return, sorted.
    pub line_numbers: Box<[u64]>,
    /// Normalised brands of those lines, sorted.
    pub line_brands: Box<[Box<str>]>,
}

/// Packs a phonetic code of up to four ASCII letters into a number (0 = none).
pub fn pack_code(code: &str) -> u32 {
    code.bytes()
        .take(4)
        .fold(0u32, |acc, b| (acc << 8) | u32::from(b))
}

/// The digits of an E.164 number as an integer.
pub fn phone_digits(number: &model::PhoneNumber) -> u64 {
    number
        .as_str()
        .bytes()
        .filter(u8::is_ascii_digit)
        .fold(0u64, |acc, b| acc * 10 + u64::from(b - b'0'))
}

/// The position of a force in the registry.
pub fn force_index(force: &model::ForceCode) -> u16 {
    static INDEX: std::sync::OnceLock<FxHashMap<&'static str, u16>> = std::sync::OnceLock::new();
    let index = INDEX.get_or_init(|| {
        model::force::forces()
            .iter()
            .enumerate()
            .map(|(i, f)| (f.code.as_str(), i as u16))
            .collect()
    });
    index.get(force.as_str()).copied().unwrap_or(u16::MAX)
}

fn codes(name: &str) -> [u32; 2] {
    let (primary, alternate) = normalise::phonetic(name);
    [pack_code(&primary), pack_code(&alternate)]
}

impl PersonFeatures {
    /// Normalises one record.
    pub fn of(record: &PersonRecord) -> PersonFeatures {
        let surname_tokens = record
            .surname
            .as_deref()
            .map(normalise::name_tokens)
            .unwrap_or_default();
        let surname = surname_tokens.concat();
        let forenames: Vec<Box<str>> = record
            .forenames
            .as_deref()
            .map(normalise::name_tokens)
            .unwrap_or_default()
            .into_iter()
            .map(String::into_boxed_str)
            .collect();
        // A forename the record also lists as a street name is a street name written in the
        // wrong column ("Prada" with alias "Prada"): it is compared as an alias only.
        let compact_forenames: String = forenames.concat();
        let street_name = |name: &str| {
            record
                .aliases
                .iter()
                .any(|a| normalise::name_compact(a) == name)
        };
        let forenames: Vec<Box<str>> =
            if !compact_forenames.is_empty() && street_name(&compact_forenames) {
                Vec::new()
            } else {
                forenames
            };
        let first = forenames.first().map(|f| &**f).unwrap_or("");
        let forename_code = codes(crate::nicknames::canonical(first));
        let mut aliases: Vec<Box<str>> = record
            .aliases
            .iter()
            .map(|a| normalise::name_compact(a))
            .filter(|a| !a.is_empty())
            .map(String::into_boxed_str)
            .collect();
        aliases.sort();
        aliases.dedup();
        let mut phones: Vec<u64> = record.phone_numbers.iter().map(phone_digits).collect();
        phones.sort_unstable();
        phones.dedup();
        let mut other_ids: Vec<Box<str>> = record
            .other_ids
            .iter()
            .map(|id| normalise::identifier(id))
            .filter(|id| !id.is_empty())
            .map(String::into_boxed_str)
            .collect();
        other_ids.sort();
        other_ids.dedup();
        let address = record
            .address
            .as_deref()
            .map(normalise::address_line)
            .filter(|line| !line.text.is_empty());
        let locality: Vec<Box<str>> = record
            .address
            .as_deref()
            .map(normalise::address_locality)
            .unwrap_or_default()
            .into_iter()
            .map(String::into_boxed_str)
            .collect();
        let mut line_numbers: Vec<u64> = record.line_numbers.iter().map(phone_digits).collect();
        line_numbers.sort_unstable();
        line_numbers.dedup();
        let mut line_brands: Vec<Box<str>> = record
            .line_names
            .iter()
            .map(|n| normalise::brand(n))
            .filter(|b| !b.is_empty())
            .map(String::into_boxed_str)
            .collect();
        line_brands.sort();
        line_brands.dedup();
        PersonFeatures {
            line_numbers: line_numbers.into_boxed_slice(),
            line_brands: line_brands.into_boxed_slice(),
            force: force_index(&record.key.force),
            reference: record.key.reference.as_str().into(),
            surname_code: codes(&surname),
            surname: surname.into_boxed_str(),
            surname_words: surname_tokens.join(" ").into_boxed_str(),
            forename_code,
            forenames: forenames.into_boxed_slice(),
            aliases: aliases.into_boxed_slice(),
            dob: record.dob,
            gender: record.gender,
            pnc: record.pnc_id.as_ref().map(|p| p.as_str().into()),
            phones: phones.into_boxed_slice(),
            postcode: record.postcode.as_ref().map(|p| p.as_str().into()),
            other_ids: other_ids.into_boxed_slice(),
            address,
            locality: locality.into_boxed_slice(),
        }
    }

    /// The first forename, or "" when there is none.
    pub fn first_forename(&self) -> &str {
        self.forenames.first().map_or("", |f| f)
    }

    /// A hash of the whole profile, for finding identical records.
    pub fn fingerprint(&self) -> u64 {
        let mut hasher = FxHasher::default();
        self.hash(&mut hasher);
        hasher.finish()
    }

    /// The postcode's outward code (`SW1A`).
    pub fn outward(&self) -> Option<&str> {
        self.postcode
            .as_deref()
            .map(|p| p.split(' ').next().unwrap_or(p))
    }
}

/// How often each value occurs, counted once per force and reference (a force's record of a
/// person repeated every month counts once), as a share of the records holding such a value.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PersonTermFrequencies {
    /// By compact surname.
    pub surname: FxHashMap<Box<str>, f32>,
    /// By first forename.
    pub forename: FxHashMap<Box<str>, f32>,
    /// By compact street name.
    pub alias: FxHashMap<Box<str>, f32>,
    /// By phone number.
    pub phone: FxHashMap<u64, f32>,
    /// The frequency assumed for a value never counted (one occurrence).
    pub unseen: FxHashMap<&'static str, f32>,
}

impl PersonTermFrequencies {
    /// Counts the values of `profiles`.
    pub fn count<'a>(profiles: impl Iterator<Item = &'a PersonFeatures>) -> PersonTermFrequencies {
        let mut seen: FxHashSet<(u16, &str, u8, u64)> = FxHashSet::default();
        let mut surname: FxHashMap<Box<str>, u32> = FxHashMap::default();
        let mut forename: FxHashMap<Box<str>, u32> = FxHashMap::default();
        let mut alias: FxHashMap<Box<str>, u32> = FxHashMap::default();
        let mut phone: FxHashMap<u64, u32> = FxHashMap::default();
        let hash = |s: &str| {
            let mut h = FxHasher::default();
            s.hash(&mut h);
            h.finish()
        };
        for p in profiles {
            let mut once =
                |field: u8, value: u64| seen.insert((p.force, &*p.reference, field, value));
            if !p.surname.is_empty() && once(0, hash(&p.surname)) {
                *surname.entry(p.surname.clone()).or_default() += 1;
            }
            let first = p.first_forename();
            if !first.is_empty() && once(1, hash(first)) {
                *forename.entry(first.into()).or_default() += 1;
            }
            for a in p.aliases.iter() {
                if once(2, hash(a)) {
                    *alias.entry(a.clone()).or_default() += 1;
                }
            }
            for &n in p.phones.iter() {
                if once(3, n) {
                    *phone.entry(n).or_default() += 1;
                }
            }
        }
        fn shares<K: Eq + Hash>(counts: FxHashMap<K, u32>) -> (FxHashMap<K, f32>, f32) {
            let total: u64 = counts.values().map(|&c| u64::from(c)).sum();
            let total = total.max(1) as f64;
            let map = counts
                .into_iter()
                .map(|(k, c)| (k, (f64::from(c) / total) as f32))
                .collect();
            (map, (1.0 / total) as f32)
        }
        let (surname, s_unseen) = shares(surname);
        let (forename, f_unseen) = shares(forename);
        let (alias, a_unseen) = shares(alias);
        let (phone, p_unseen) = shares(phone);
        let unseen = [
            ("surname", s_unseen),
            ("forename", f_unseen),
            ("alias", a_unseen),
            ("phone", p_unseen),
        ]
        .into_iter()
        .collect();
        PersonTermFrequencies {
            surname,
            forename,
            alias,
            phone,
            unseen,
        }
    }

    /// The frequency of a surname.
    pub fn surname(&self, value: &str) -> f32 {
        self.surname
            .get(value)
            .copied()
            .unwrap_or_else(|| self.unseen_of("surname"))
    }

    /// The frequency of a first forename.
    pub fn forename(&self, value: &str) -> f32 {
        self.forename
            .get(value)
            .copied()
            .unwrap_or_else(|| self.unseen_of("forename"))
    }

    /// The frequency of a street name.
    pub fn alias(&self, value: &str) -> f32 {
        self.alias
            .get(value)
            .copied()
            .unwrap_or_else(|| self.unseen_of("alias"))
    }

    /// The frequency of a phone number.
    pub fn phone(&self, value: u64) -> f32 {
        self.phone
            .get(&value)
            .copied()
            .unwrap_or_else(|| self.unseen_of("phone"))
    }

    fn unseen_of(&self, field: &str) -> f32 {
        self.unseen.get(field).copied().unwrap_or(1e-6)
    }
}
