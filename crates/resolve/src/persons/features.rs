//! What a nominal record is compared on, normalised once: names as comparable words and
//! phonetic codes, street names, date of birth, PNC id, other identifiers, phone numbers,
//! postcode, the first line of the address and the words of the rest of it. Records whose features (and force and reference) are identical form
//! one *profile* and are compared once: a force repeats most of its nominal records unchanged
//! month after month.
//!
//! It also counts how often each value occurs (term frequencies). It does not compare
//! anything (`compare`) and keeps nothing of a record that comparisons do not use.

use std::borrow::Borrow;
use std::hash::{Hash, Hasher};
use std::sync::Arc;

use rustc_hash::{FxHashMap, FxHashSet, FxHasher};

use model::{Gender, PartialDate};

use crate::input::PersonRecord;
use crate::normalise::{self, AddressLine, Sketch};
use crate::persons::compare::DobKey;
use crate::text::Text;

/// A normalised person record; equal features from the same force and reference make one
/// profile.
///
/// The fields every comparison reads come first and are laid out in order (`repr(C)`), with
/// summaries of the lists (counts, and 64-bit masks of their values' hashes, so that two lists
/// sharing no mask bit share no value), so that most pairs are scored from the first few cache
/// lines of the two profiles without reading the lists themselves.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
#[repr(C)]
pub struct PersonFeatures {
    /// Surname without spaces or punctuation; empty when missing.
    pub surname: Text,
    /// The first forename (the given name); empty when none.
    pub forename: Text,
    /// Double Metaphone codes of the surname (packed; 0 = none).
    pub surname_code: [u32; 2],
    /// Double Metaphone codes of the first forename.
    pub forename_code: [u32; 2],
    /// The nickname groups of the first forename (`nicknames::groups`).
    pub forename_groups: &'static [u16],
    /// Sketches of the surname and the first forename.
    pub name_sketches: [Sketch; 2],
    /// Sketches of the first two locality words.
    pub locality_sketches: [Sketch; 2],
    /// Date of birth.
    pub dob: Option<PartialDate>,
    /// Date of birth prepared for comparing.
    pub dob_key: DobKey,
    /// The postcode's text packed into a number (0 when none; a canonical postcode has at
    /// most eight bytes).
    pub postcode_key: u64,
    /// Its outward code packed likewise (0 when none).
    pub district_key: u32,
    /// The submitting force's position in the registry.
    pub force: u16,
    /// Gender.
    pub gender: Option<Gender>,
    /// Whether the surname has more than one word.
    pub double_barrelled: bool,
    /// How many forenames, street names, other ids and locality words there are (at most
    /// 255 counted).
    pub counts: [u8; 4],
    /// Hashes of the first line's text and of its numbers (both 0 when there is none, the
    /// first never 0 otherwise).
    pub address_hashes: (u64, u64),
    /// Hash of the PNC id (0 when none).
    pub pnc_hash: u64,
    /// Hash of the force's reference.
    pub reference_hash: u64,
    /// Masks of `phones`, `line_numbers` and `line_brands` (0 when empty).
    pub masks: [u64; 3],
    /// The force's reference.
    pub reference: Text,
    /// Surname words separated by single spaces (for double-barrelled names).
    pub surname_words: Box<str>,
    /// Forename words; the first is the given name.
    pub forenames: Box<[Box<str>]>,
    /// Street names, each without spaces or punctuation.
    pub aliases: Box<[Box<str>]>,
    /// PNC id.
    pub pnc: Option<Text>,
    /// Phone numbers as the digits of their E.164 form, sorted.
    pub phones: Box<[u64]>,
    /// Postcode, canonical (`SW1A 1AA`).
    pub postcode: Option<Text>,
    /// Identifiers of an unnamed scheme, upper-case letters and digits only, sorted.
    pub other_ids: Box<[Box<str>]>,
    /// First line of the address (shared by the profiles at the address: records repeat
    /// addresses far more than they vary).
    pub address: Option<Arc<AddressLine>>,
    /// The words of the rest of the address (district, town, a foreign postcode), sorted
    /// (shared likewise).
    pub locality: Arc<[Box<str>]>,
    /// Deal numbers of the lines the record is linked to in its return, sorted.
    pub line_numbers: Box<[u64]>,
    /// Normalised brands of those lines, sorted.
    pub line_brands: Box<[Box<str>]>,
}

/// A normalised address: its first line (none when empty) and the words of the rest, each
/// shared by the features of every record at the address.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Address {
    /// First line.
    pub line: Option<Arc<AddressLine>>,
    /// The words of the rest, sorted.
    pub locality: Arc<[Box<str>]>,
}

impl Address {
    /// Normalises an address's text.
    pub fn of(text: &str) -> Address {
        let (line, locality) = normalise::address_parts(text);
        Address {
            line: (!line.text.is_empty()).then(|| Arc::new(line)),
            locality: locality.into_iter().map(String::into_boxed_str).collect(),
        }
    }
}

/// Index of each list in [`PersonFeatures::counts`].
pub const FORENAMES: usize = 0;
/// Street names.
pub const ALIASES: usize = 1;
/// Other ids.
pub const OTHER_IDS: usize = 2;
/// Locality words.
pub const LOCALITY: usize = 3;

/// Index of each list in [`PersonFeatures::masks`].
pub const PHONES: usize = 0;
/// Deal numbers of linked lines.
pub const LINE_NUMBERS: usize = 1;
/// Brands of linked lines.
pub const LINE_BRANDS: usize = 2;

/// A 64-bit mask with one bit per value (by hash); 0 for no values.
pub fn mask<T: Hash>(values: impl IntoIterator<Item = T>) -> u64 {
    values
        .into_iter()
        .fold(0, |m, v| m | (1u64 << (hash_of(&v) % 64)))
}

/// Up to eight bytes of text packed into a number (0 for none).
fn pack_text(text: &str) -> u64 {
    text.bytes()
        .take(8)
        .fold(0u64, |acc, b| (acc << 8) | u64::from(b))
}

/// A number made from fields a comparison reads on different cache lines (the surname code, the
/// postcode, the phones' mask), for reading a profile ahead of comparing it
/// (`em::Patterns::of_pairs`).
pub fn touch(f: &PersonFeatures) -> u64 {
    u64::from(f.surname_code[0]) ^ f.postcode_key ^ f.masks[0]
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

/// A value's FxHash.
pub(crate) fn hash_of<T: Hash + ?Sized>(value: &T) -> u64 {
    let mut hasher = FxHasher::default();
    value.hash(&mut hasher);
    hasher.finish()
}

/// Double Metaphone codes already made, by name: names repeat across records far more than
/// they vary, and encoding one is the costliest step of normalising a record.
#[derive(Debug, Default)]
pub struct PhoneticCodes(FxHashMap<Box<str>, [u32; 2]>);

impl PhoneticCodes {
    /// The packed codes of a normalised name.
    pub fn of(&mut self, name: &str) -> [u32; 2] {
        if let Some(&known) = self.0.get(name) {
            return known;
        }
        let made = codes(name);
        self.0.insert(name.into(), made);
        made
    }
}

fn codes(name: &str) -> [u32; 2] {
    let (primary, alternate) = normalise::phonetic(name);
    [pack_code(&primary), pack_code(&alternate)]
}

impl PersonFeatures {
    /// Normalises one record.
    pub fn of(record: &PersonRecord) -> PersonFeatures {
        let address = record.address.as_deref().map(Address::of);
        PersonFeatures::with_address(record, address.as_ref())
    }

    /// Normalises one record whose address (if any) is already normalised: records repeat
    /// addresses, which are the costliest part to normalise.
    pub fn with_address(record: &PersonRecord, address: Option<&Address>) -> PersonFeatures {
        PersonFeatures::with_address_and_codes(record, address, &mut PhoneticCodes::default())
    }

    /// [`PersonFeatures::with_address`] taking names' phonetic codes from `codes` (and adding
    /// those it makes), for normalising many records.
    pub fn with_address_and_codes(
        record: &PersonRecord,
        address: Option<&Address>,
        codes: &mut PhoneticCodes,
    ) -> PersonFeatures {
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
        let forename_code = codes.of(crate::nicknames::canonical(first));
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
        let (address, locality) = match address {
            Some(a) => (a.line.clone(), a.locality.clone()),
            None => (None, Arc::default()),
        };
        let mut line_numbers: Vec<u64> = record
            .lines
            .iter()
            .flat_map(|l| l.deal_numbers.iter().map(phone_digits))
            .collect();
        line_numbers.sort_unstable();
        line_numbers.dedup();
        let mut line_brands: Vec<Box<str>> = record
            .lines
            .iter()
            .map(|l| normalise::brand(&l.name))
            .filter(|b| !b.is_empty())
            .map(String::into_boxed_str)
            .collect();
        line_brands.sort();
        line_brands.dedup();
        let count = |n: usize| n.min(255) as u8;
        let postcode = record.postcode.as_ref();
        PersonFeatures {
            surname_code: codes.of(&surname),
            name_sketches: [Sketch::of(&surname), Sketch::of(first)],
            surname: surname.into(),
            forename: first.into(),
            forename_code,
            forename_groups: crate::nicknames::groups(first),
            locality_sketches: [
                locality
                    .first()
                    .map_or(Sketch::default(), |w| Sketch::of(w)),
                locality.get(1).map_or(Sketch::default(), |w| Sketch::of(w)),
            ],
            dob: record.dob,
            dob_key: DobKey::of(record.dob),
            postcode_key: postcode.map_or(0, |p| pack_text(p.as_str())),
            district_key: postcode.map_or(0, |p| pack_text(p.outward()) as u32),
            force: force_index(&record.key.force),
            gender: record.gender,
            double_barrelled: surname_tokens.len() > 1,
            address_hashes: address
                .as_ref()
                .map_or((0, 0), |a| (hash_of(&a.text) | 1, hash_of(&a.numbers))),
            reference_hash: hash_of(record.key.reference.as_str()),
            pnc_hash: record
                .pnc_id
                .as_ref()
                .map_or(0, |p| hash_of(p.as_str()) | 1),
            masks: [
                mask(phones.iter()),
                mask(line_numbers.iter()),
                mask(line_brands.iter()),
            ],
            counts: [
                count(forenames.len()),
                count(aliases.len()),
                count(other_ids.len()),
                count(locality.len()),
            ],
            reference: record.key.reference.as_str().into(),
            surname_words: surname_tokens.join(" ").into_boxed_str(),
            forenames: forenames.into_boxed_slice(),
            aliases: aliases.into_boxed_slice(),
            pnc: record.pnc_id.as_ref().map(|p| p.as_str().into()),
            phones: phones.into_boxed_slice(),
            postcode: postcode.map(|p| p.as_str().into()),
            other_ids: other_ids.into_boxed_slice(),
            address,
            locality,
            line_numbers: line_numbers.into_boxed_slice(),
            line_brands: line_brands.into_boxed_slice(),
        }
    }

    /// The first forename, or "" when there is none.
    pub fn first_forename(&self) -> &str {
        &self.forename
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

/// How many people (force and reference) hold each value that `values` gives of their
/// profiles: `values` calls its `add` with each value's hash and the value, and a person's
/// several profiles count a value once (a person told by the force and the hash of the
/// reference). A value is copied (`own`) only when first counted.
fn count_once<'a, K, Q>(
    profiles: &[&'a PersonFeatures],
    values: impl Fn(&'a PersonFeatures, &mut dyn FnMut(u64, &'a Q)),
    own: impl Fn(&Q) -> K,
) -> FxHashMap<K, u32>
where
    K: Eq + Hash + Borrow<Q>,
    Q: Eq + Hash + ?Sized + 'a,
{
    let mut seen: FxHashSet<(u16, u64, u64)> = FxHashSet::default();
    let mut counts: FxHashMap<K, u32> = FxHashMap::default();
    for &p in profiles {
        values(p, &mut |hash, value| {
            if seen.insert((p.force, p.reference_hash, hash)) {
                match counts.get_mut(value) {
                    Some(count) => *count += 1,
                    None => {
                        counts.insert(own(value), 1);
                    }
                }
            }
        });
    }
    counts
}

/// [`count_once`] of the texts that `texts` gives of each profile, empty ones left out.
fn count_texts<'a, I: Iterator<Item = &'a str>>(
    profiles: &[&'a PersonFeatures],
    texts: impl Fn(&'a PersonFeatures) -> I,
) -> FxHashMap<Box<str>, u32> {
    count_once(
        profiles,
        |p, add| {
            for text in texts(p).filter(|t| !t.is_empty()) {
                add(hash_of(text), text);
            }
        },
        |text: &str| Box::from(text),
    )
}

impl PersonTermFrequencies {
    /// Counts the values of `profiles`.
    pub fn count(profiles: &[&PersonFeatures]) -> PersonTermFrequencies {
        // The four fields are counted side by side, each over every profile.
        let ((surname, forename), (alias, phone)) = rayon::join(
            || {
                rayon::join(
                    || count_texts(profiles, |p| [&*p.surname].into_iter()),
                    || count_texts(profiles, |p| [p.first_forename()].into_iter()),
                )
            },
            || {
                rayon::join(
                    || count_texts(profiles, |p| p.aliases.iter().map(|a| &**a)),
                    || {
                        count_once(
                            profiles,
                            |p, add| {
                                for n in p.phones.iter() {
                                    add(*n, n);
                                }
                            },
                            |&n: &u64| n,
                        )
                    },
                )
            },
        );
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
