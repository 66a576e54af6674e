//! The comparisons of two person profiles and their levels, from strongest agreement to
//! disagreement: surname, forename, street names, date of birth, PNC id, phone numbers,
//! address, gender, whether the same force used the same reference, the lines the records
//! are linked to, identifiers of a scheme the return format does not name, and the rest of
//! the address after its first line.
//!
//! Each comparison returns a level (0 when a value is missing on either side) and, for exact
//! agreement on a value, that value's frequency. Weights are not decided here: they are
//! learnt (`em`) and applied (`fellegi_sunter`).

use chrono::Datelike;
use model::PartialDate;
use strsim::osa_distance;

use crate::normalise::{Sketch, bag_distance, jaro_winkler, jaro_winkler_ascii, similar};
use crate::text::Text;

use crate::fellegi_sunter::{ComparisonParams, Gamma};
use crate::nicknames;
use crate::persons::features::{
    ALIASES as ALIAS_COUNT, FORENAMES as FORENAME_COUNT, LINE_BRANDS, LINE_NUMBERS,
    LOCALITY as LOCALITY_COUNT, OTHER_IDS as OTHER_ID_COUNT, PHONES as PHONE_MASK, PersonFeatures,
    PersonTermFrequencies,
};

/// Index of each comparison in a person [`Gamma`].
pub const SURNAME: usize = 0;
/// Forename comparison.
pub const FORENAME: usize = 1;
/// Street-name comparison.
pub const ALIASES: usize = 2;
/// The forename level "different" (see [`comparisons`]).
pub const FORENAME_DIFFERENT: u8 = 9;
/// Date-of-birth comparison.
pub const DOB: usize = 3;
/// PNC id comparison.
pub const PNC: usize = 4;
/// Phone comparison.
pub const PHONE: usize = 5;
/// Address comparison.
pub const ADDRESS: usize = 6;
/// Gender comparison.
pub const GENDER: usize = 7;
/// Same force and reference.
pub const SAME_REF: usize = 8;
/// The lines the records are linked to.
pub const LINES: usize = 9;
/// Identifiers of an unnamed scheme (`PersonRecord::other_ids`).
pub const OTHER_IDS: usize = 10;
/// The rest of the address after its first line.
pub const LOCALITY: usize = 11;
/// Number of person comparisons.
pub const N_COMPARISONS: usize = 12;

/// The person comparisons with their levels and starting m probabilities.
pub fn comparisons() -> Vec<ComparisonParams> {
    vec![
        ComparisonParams::new(
            "surname",
            &[
                ("missing", 0.0, false),
                ("exact", 0.80, true),
                ("matches the other's forename (swapped)", 0.02, false),
                ("Jaro-Winkler at least 0.92", 0.06, false),
                ("same sound (Double Metaphone)", 0.03, false),
                ("a word of a double-barrelled surname", 0.02, false),
                ("Jaro-Winkler at least 0.80", 0.03, false),
                ("different", 0.04, false),
            ],
        ),
        ComparisonParams::new(
            "forename",
            &[
                ("missing", 0.0, false),
                ("exact", 0.75, true),
                ("nickname or other form of the name", 0.05, false),
                ("matches the other's surname (swapped)", 0.02, false),
                ("Jaro-Winkler at least 0.92", 0.05, false),
                ("same sound (Double Metaphone)", 0.03, false),
                ("another forename agrees", 0.03, false),
                ("initial agrees", 0.02, false),
                ("Jaro-Winkler at least 0.80", 0.02, false),
                ("different", 0.03, false),
            ],
        ),
        ComparisonParams::new(
            "aliases",
            &[
                ("missing", 0.0, false),
                ("a street name in common", 0.6, true),
                ("a street name is the other's forename", 0.1, false),
                ("similar street names", 0.1, false),
                ("street names differ", 0.2, false),
            ],
        ),
        ComparisonParams::new(
            "dob",
            &[
                ("missing", 0.0, false),
                ("exact", 0.80, false),
                ("day and month transposed", 0.03, false),
                ("same year and month (one side partial)", 0.05, false),
                ("one digit or a few days different", 0.04, false),
                ("same year (one side year only)", 0.04, false),
                ("within a year", 0.02, false),
                ("different", 0.02, false),
            ],
        ),
        ComparisonParams::new(
            "pnc_id",
            &[
                ("missing", 0.0, false),
                ("exact", 0.98, false),
                ("different", 0.02, false),
            ],
        ),
        ComparisonParams::new(
            "phone",
            &[
                ("missing", 0.0, false),
                ("a number in common", 0.7, true),
                ("no number in common", 0.3, false),
            ],
        ),
        ComparisonParams::new(
            "address",
            &[
                ("missing", 0.0, false),
                ("postcode and first line agree", 0.5, false),
                ("first line agrees (postcode missing)", 0.15, false),
                ("postcode agrees", 0.1, false),
                ("first line similar", 0.05, false),
                ("same postcode district", 0.05, false),
                ("different", 0.15, false),
            ],
        ),
        ComparisonParams::new(
            "gender",
            &[
                ("missing", 0.0, false),
                ("same", 0.97, false),
                ("different", 0.03, false),
            ],
        ),
        ComparisonParams::new(
            "same_ref",
            &[
                ("different forces", 0.0, false),
                ("same force and reference", 0.6, false),
                ("same force, different reference", 0.4, false),
            ],
        ),
        ComparisonParams::new(
            "lines",
            &[
                ("missing", 0.0, false),
                ("a linked line's deal number in common", 0.5, false),
                ("a linked line's brand in common", 0.3, false),
                ("no linked line in common", 0.2, false),
            ],
        ),
        ComparisonParams::new(
            "other_ids",
            &[
                ("missing", 0.0, false),
                ("an identifier in common", 0.9, false),
                ("identifiers within two edits", 0.05, false),
                ("different", 0.05, false),
            ],
        ),
        ComparisonParams::new(
            "locality",
            &[
                ("missing", 0.0, false),
                ("every word agrees", 0.7, false),
                ("most words agree", 0.15, false),
                ("a word agrees", 0.1, false),
                ("different", 0.05, false),
            ],
        ),
    ]
}

fn codes_agree(a: [u32; 2], b: [u32; 2]) -> bool {
    a[0] != 0
        && b[0] != 0
        && (a[0] == b[0] || (a[1] != 0 && a[1] == b[0]) || (b[1] != 0 && a[0] == b[1]))
}

/// Compares two profiles.
pub fn compare(a: &PersonFeatures, b: &PersonFeatures, tf: &PersonTermFrequencies) -> Gamma {
    compare_with_names(a, b, tf, names(a, b, tf))
}

/// The surname's and the first forename's levels and term frequencies (the first two
/// comparisons of [`compare`]).
pub fn names(a: &PersonFeatures, b: &PersonFeatures, tf: &PersonTermFrequencies) -> [(u8, f32); 2] {
    [surname(a, b, tf), forename(a, b, tf)]
}

/// [`compare`] given the [`names`] comparisons already made.
pub fn compare_with_names(
    a: &PersonFeatures,
    b: &PersonFeatures,
    tf: &PersonTermFrequencies,
    names: [(u8, f32); 2],
) -> Gamma {
    let mut gamma = Gamma::default();
    (gamma.levels[SURNAME], gamma.tf[SURNAME]) = names[0];
    (gamma.levels[FORENAME], gamma.tf[FORENAME]) = names[1];
    if a.counts[ALIAS_COUNT] > 0 || b.counts[ALIAS_COUNT] > 0 {
        (gamma.levels[ALIASES], gamma.tf[ALIASES]) = aliases(a, b, tf);
    }
    gamma.levels[DOB] = a.dob_key.level(b.dob_key);
    gamma.levels[PNC] = match (a.pnc_hash, b.pnc_hash) {
        (0, _) | (_, 0) => 0,
        (x, y) if x == y && a.pnc == b.pnc => 1,
        _ => 2,
    };
    let (pa, pb) = (a.masks[PHONE_MASK], b.masks[PHONE_MASK]);
    (gamma.levels[PHONE], gamma.tf[PHONE]) = if pa == 0 || pb == 0 {
        (0, 0.0)
    } else if pa & pb == 0 {
        // No mask bit in common: no number in common.
        (2, 0.0)
    } else {
        phones(&a.phones, &b.phones, |n| tf.phone(n))
    };
    gamma.levels[ADDRESS] = address(a, b);
    gamma.levels[GENDER] = match (a.gender, b.gender) {
        (Some(x), Some(y)) => {
            if x == y {
                1
            } else {
                2
            }
        }
        _ => 0,
    };
    gamma.levels[SAME_REF] = if a.force == b.force {
        // The hashes tell most references apart without reading them.
        if a.reference_hash == b.reference_hash && a.reference == b.reference {
            1
        } else {
            2
        }
    } else {
        0
    };
    gamma.levels[LINES] = lines(a, b);
    if a.counts[OTHER_ID_COUNT] > 0 && b.counts[OTHER_ID_COUNT] > 0 {
        gamma.levels[OTHER_IDS] = other_ids(&a.other_ids, &b.other_ids);
    }
    if a.counts[LOCALITY_COUNT] > 0 && b.counts[LOCALITY_COUNT] > 0 {
        gamma.levels[LOCALITY] = if a.counts[LOCALITY_COUNT] <= 2 && b.counts[LOCALITY_COUNT] <= 2 {
            short_locality(a, b)
        } else {
            locality(&a.locality, &b.locality)
        };
    }
    gamma
}

/// Whether two address words agree: equal, or (words of letters, not numbers) a typo apart.
fn words_agree(x: &str, y: &str) -> bool {
    x == y
        || x.len() >= 4
            && y.len() >= 4
            && !x.bytes().any(|b| b.is_ascii_digit())
            && !y.bytes().any(|b| b.is_ascii_digit())
            && similar(x, y, 0.9)
}

/// [`locality`] for profiles with at most two locality words each, deciding most word pairs
/// from their sketches alone.
fn short_locality(a: &PersonFeatures, b: &PersonFeatures) -> u8 {
    let (na, nb) = (
        usize::from(a.counts[LOCALITY_COUNT]),
        usize::from(b.counts[LOCALITY_COUNT]),
    );
    let (mut in_a, mut in_b) = (0u8, 0u8);
    for i in 0..na {
        for j in 0..nb {
            let (sx, sy) = (a.locality_sketches[i], b.locality_sketches[j]);
            let possible = sx == sy
                || sx.len() >= 4
                    && sy.len() >= 4
                    && !sx.has_digit()
                    && !sy.has_digit()
                    && sx.similarity_bound(sy) >= 0.9;
            if possible && words_agree(&a.locality[i], &b.locality[j]) {
                in_a |= 1 << i;
                in_b |= 1 << j;
            }
        }
    }
    let (ma, mb) = (in_a.count_ones() as usize, in_b.count_ones() as usize);
    level_of_shares(ma, na, mb, nb)
}

fn level_of_shares(ma: usize, na: usize, mb: usize, nb: usize) -> u8 {
    if ma == na && mb == nb {
        1
    } else if 2 * ma >= na && 2 * mb >= nb {
        2
    } else if ma > 0 {
        3
    } else {
        4
    }
}

/// Level of the words after the first lines of two addresses: 1 every word of each has a
/// counterpart in the other, 2 at least half of each side's words do, 3 some word does,
/// 4 none, 0 when either has no such words.
pub fn locality(a: &[Box<str>], b: &[Box<str>]) -> u8 {
    if a.is_empty() || b.is_empty() {
        return 0;
    }
    // Each pair of words is compared once; the agreeing words of each side are marked.
    let (a, b) = (&a[..a.len().min(64)], &b[..b.len().min(64)]);
    let (mut in_a, mut in_b) = (0u64, 0u64);
    for (i, x) in a.iter().enumerate() {
        for (j, y) in b.iter().enumerate() {
            if words_agree(x, y) {
                in_a |= 1 << i;
                in_b |= 1 << j;
            }
        }
    }
    let (ma, mb) = (in_a.count_ones() as usize, in_b.count_ones() as usize);
    level_of_shares(ma, a.len(), mb, b.len())
}

/// Level of two sorted identifier lists: 1 one in common, 2 two within a Damerau–Levenshtein
/// distance of 2 (a typo, two transposed digits), 3 different, 0 when either has none.
pub fn other_ids(a: &[Box<str>], b: &[Box<str>]) -> u8 {
    if a.is_empty() || b.is_empty() {
        return 0;
    }
    if a.iter().any(|x| b.binary_search(x).is_ok()) {
        return 1;
    }
    let near = a.iter().any(|x| {
        b.iter()
            .any(|y| bag_distance(x, y) <= 2 && osa_distance(x, y) <= 2)
    });
    if near { 2 } else { 3 }
}

fn lines(a: &PersonFeatures, b: &PersonFeatures) -> u8 {
    let (na, nb) = (a.masks[LINE_NUMBERS], b.masks[LINE_NUMBERS]);
    let (ba, bb) = (a.masks[LINE_BRANDS], b.masks[LINE_BRANDS]);
    if na == 0 && ba == 0 || nb == 0 && bb == 0 {
        return 0;
    }
    if na & nb != 0 && phones(&a.line_numbers, &b.line_numbers, |_| 0.0).0 == 1 {
        return 1;
    }
    if ba & bb != 0 && a.line_brands.iter().any(|x| b.line_brands.contains(x)) {
        return 2;
    }
    3
}

/// The lineage level shared by people and lines: 1 same force and reference, 2 same force
/// and another reference, 0 (no information) across forces.
pub fn same_ref(force_a: u16, ref_a: &str, force_b: u16, ref_b: &str) -> u8 {
    match (force_a == force_b, ref_a == ref_b) {
        (true, true) => 1,
        (true, false) => 2,
        (false, _) => 0,
    }
}

fn surname(a: &PersonFeatures, b: &PersonFeatures, tf: &PersonTermFrequencies) -> (u8, f32) {
    let (x, y) = (&a.surname, &b.surname);
    if x.is_empty() || y.is_empty() {
        return (0, 0.0);
    }
    if x == y {
        return (1, tf.surname(x));
    }
    if *x == b.forename || *y == a.forename {
        return (2, 0.0);
    }
    let similarity = name_similarity(x, y, a.name_sketches[0], b.name_sketches[0]);
    if similarity >= 0.92 {
        return (3, 0.0);
    }
    if codes_agree(a.surname_code, b.surname_code) {
        return (4, 0.0);
    }
    let words_shared = a.double_barrelled || b.double_barrelled;
    if words_shared
        && a.surname_words
            .split(' ')
            .any(|w| w.len() > 1 && b.surname_words.split(' ').any(|v| v == w))
    {
        return (5, 0.0);
    }
    if similarity >= 0.80 {
        return (6, 0.0);
    }
    (7, 0.0)
}

/// The Jaro–Winkler similarity of two names, or 0 when their sketches show it is under 0.8
/// (the lowest threshold a name level uses).
fn name_similarity(x: &Text, y: &Text, sx: Sketch, sy: Sketch) -> f64 {
    if sx.similarity_bound(sy) < 0.80 {
        return 0.0;
    }
    jaro_winkler_ascii(x.as_bytes(), y.as_bytes())
}

fn forename(a: &PersonFeatures, b: &PersonFeatures, tf: &PersonTermFrequencies) -> (u8, f32) {
    let (x, y) = (&a.forename, &b.forename);
    if x.is_empty() || y.is_empty() {
        return (0, 0.0);
    }
    if x == y {
        return (1, tf.forename(x));
    }
    if a.forename_groups
        .iter()
        .any(|g| b.forename_groups.contains(g))
    {
        return (2, 0.0);
    }
    if *x == b.surname || *y == a.surname {
        return (3, 0.0);
    }
    let (xb, yb) = (x.as_bytes(), y.as_bytes());
    if xb.len() == 1 || yb.len() == 1 {
        return if xb[0] == yb[0] { (7, 0.0) } else { (9, 0.0) };
    }
    let similarity = name_similarity(x, y, a.name_sketches[1], b.name_sketches[1]);
    if similarity >= 0.92 {
        return (4, 0.0);
    }
    if codes_agree(a.forename_code, b.forename_code) {
        return (5, 0.0);
    }
    // With one forename each, the only pair is the first forenames, already compared.
    let other_agrees = (a.counts[FORENAME_COUNT] > 1 || b.counts[FORENAME_COUNT] > 1)
        && a.forenames
            .iter()
            .any(|f| f.len() > 1 && b.forenames.iter().any(|g| g == f));
    if other_agrees {
        return (6, 0.0);
    }
    if similarity >= 0.80 {
        return (8, 0.0);
    }
    (9, 0.0)
}

fn aliases(a: &PersonFeatures, b: &PersonFeatures, tf: &PersonTermFrequencies) -> (u8, f32) {
    let mut rarest: Option<f32> = None;
    for alias in a.aliases.iter() {
        if b.aliases.contains(alias) {
            let f = tf.alias(alias);
            rarest = Some(rarest.map_or(f, |r: f32| r.min(f)));
        }
    }
    if let Some(f) = rarest {
        return (1, f);
    }
    let names_other = |aliases: &[Box<str>], other: &PersonFeatures| {
        aliases.iter().any(|alias| {
            other.forenames.iter().any(|f| f == alias)
                || nicknames::equivalent(alias, other.first_forename())
        })
    };
    if names_other(&a.aliases, b) || names_other(&b.aliases, a) {
        return (2, 0.0);
    }
    if a.aliases.is_empty() || b.aliases.is_empty() {
        return (0, 0.0);
    }
    let similar = a
        .aliases
        .iter()
        .any(|x| b.aliases.iter().any(|y| similar(x, y, 0.9)));
    if similar { (3, 0.0) } else { (4, 0.0) }
}

/// Date-of-birth level.
pub fn dob(a: Option<PartialDate>, b: Option<PartialDate>) -> u8 {
    DobKey::of(a).level(DobKey::of(b))
}

/// A date of birth prepared for comparing many times: its parts, and for a full date its day
/// number and its eight digits (`YYYYMMDD`) as packed decimal, so that the level of two dates
/// takes a few integer operations instead of calendar arithmetic.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct DobKey {
    /// Days since the common era, for a full date (else 0).
    days: i32,
    /// The digits of `YYYYMMDD`, four bits each, for a full date (else 0).
    digits: u32,
    year: i32,
    /// 0 when unknown.
    month: u8,
    /// 0 when unknown (not a full date).
    day: u8,
    known: bool,
}

impl DobKey {
    /// The key of a date of birth, possibly partial or missing.
    pub fn of(date: Option<PartialDate>) -> DobKey {
        let Some(date) = date else {
            return DobKey::default();
        };
        let mut key = DobKey {
            year: date.year(),
            month: date.month().map_or(0, |m| m as u8),
            known: true,
            ..DobKey::default()
        };
        if let PartialDate::Full(d) = date {
            key.day = d.day() as u8;
            key.days = d.num_days_from_ce();
            // The eight lowest decimal digits of YYYYMMDD, as `digits_different` read them.
            let mut n = (d.year() as u32)
                .wrapping_mul(10_000)
                .wrapping_add(d.month() * 100 + d.day());
            for i in 0..8 {
                key.digits |= (n % 10) << (4 * i);
                n /= 10;
            }
        }
        key
    }

    /// The date-of-birth level of two keys (see [`comparisons`]).
    pub fn level(self, other: DobKey) -> u8 {
        let (a, b) = (self, other);
        if !a.known || !b.known {
            return 0;
        }
        if a.day != 0 && b.day != 0 {
            let apart = (a.days - b.days).abs();
            return if a.days == b.days {
                1
            } else if a.year == b.year && a.day == b.month && a.month == b.day {
                2
            } else if digits_different(a.digits, b.digits) == 1 || apart <= 3 {
                4
            } else if apart <= 366 {
                6
            } else {
                7
            };
        }
        if a.month != 0 && a.month == b.month && a.year == b.year {
            return 3;
        }
        let year_only = a.month == 0 || b.month == 0;
        if year_only && a.year == b.year {
            return 5;
        }
        if (a.year - b.year).abs() <= 1 { 6 } else { 7 }
    }
}

/// How many of two packed-decimal numbers' eight digits differ.
fn digits_different(a: u32, b: u32) -> u32 {
    let x = a ^ b;
    ((x | (x >> 1) | (x >> 2) | (x >> 3)) & 0x1111_1111).count_ones()
}

/// Phone level over two sorted lists: 1 with the rarest shared number's frequency, 2 when
/// both have numbers and share none, 0 when either has none.
pub fn phones(a: &[u64], b: &[u64], frequency: impl Fn(u64) -> f32) -> (u8, f32) {
    if a.is_empty() || b.is_empty() {
        return (0, 0.0);
    }
    let (mut i, mut j) = (0, 0);
    let mut rarest: Option<f32> = None;
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                let f = frequency(a[i]);
                rarest = Some(rarest.map_or(f, |r: f32| r.min(f)));
                i += 1;
                j += 1;
            }
        }
    }
    match rarest {
        Some(f) => (1, f),
        None => (2, 0.0),
    }
}

/// How one part of two addresses (the postcode, the first line) compares.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Part {
    Missing,
    Exact,
    Near,
    Different,
}

/// How two postcodes, as their packed keys and districts' keys, compare.
pub(crate) fn postcode_part((a, district_a): (u64, u32), (b, district_b): (u64, u32)) -> Part {
    match (a, b) {
        (0, _) | (_, 0) => Part::Missing,
        (x, y) if x == y => Part::Exact,
        _ if district_a == district_b => Part::Near,
        _ => Part::Different,
    }
}

/// The address level of a postcode's and a first line's parts.
pub(crate) fn address_level(postcode: Part, line: Part) -> u8 {
    use Part::*;
    match (postcode, line) {
        (Missing, Missing) => 0,
        (Exact, Exact | Near) => 1,
        (Missing | Near, Exact) => 2,
        (Exact, Missing | Different) => 3,
        (Missing | Near, Near) => 4,
        (Near, Missing | Different) => 5,
        _ => 6,
    }
}

fn address(a: &PersonFeatures, b: &PersonFeatures) -> u8 {
    let postcode = postcode_part(
        (a.postcode_key, a.district_key),
        (b.postcode_key, b.district_key),
    );
    // The hashes tell most pairs apart without reading the texts (or even the lines: a
    // missing line has the hash 0).
    let (ha, hb) = (a.address_hashes, b.address_hashes);
    let line = if ha.0 == 0 || hb.0 == 0 {
        Part::Missing
    } else if ha.0 != hb.0 && ha.1 != hb.1 {
        Part::Different
    } else {
        address_line(a, b, ha, hb)
    };
    address_level(postcode, line)
}

/// The first lines of two addresses that both have one, whose hashes do not tell them apart.
fn address_line(a: &PersonFeatures, b: &PersonFeatures, ha: (u64, u64), hb: (u64, u64)) -> Part {
    match (&a.address, &b.address) {
        (Some(x), Some(y)) if ha.0 == hb.0 && x.text == y.text => Part::Exact,
        (Some(x), Some(y))
            if ha.1 == hb.1 && x.numbers == y.numbers && jaro_winkler(&x.text, &y.text) >= 0.88 =>
        {
            Part::Near
        }
        (Some(_), Some(_)) => Part::Different,
        _ => Part::Missing,
    }
}

/// The values each comparison looked at, for explanations.
pub fn values(a: &PersonFeatures, b: &PersonFeatures) -> Vec<(String, String)> {
    fn opt<T: ToString>(v: &Option<T>) -> String {
        v.as_ref().map(ToString::to_string).unwrap_or_default()
    }
    let forenames = |p: &PersonFeatures| p.forenames.join(" ");
    let aliases = |p: &PersonFeatures| p.aliases.join(";");
    let phones = |p: &PersonFeatures| {
        p.phones
            .iter()
            .map(|n| format!("+{n}"))
            .collect::<Vec<_>>()
            .join(";")
    };
    let address = |p: &PersonFeatures| {
        let line = p
            .address
            .as_ref()
            .map(|l| l.text.clone())
            .unwrap_or_default();
        match &p.postcode {
            Some(pc) if line.is_empty() => pc.to_string(),
            Some(pc) => format!("{line}, {pc}"),
            None => line,
        }
    };
    let lines = |p: &PersonFeatures| {
        let numbers = p.line_numbers.iter().map(|n| format!("+{n}"));
        p.line_brands
            .iter()
            .map(|b| b.to_string())
            .chain(numbers)
            .collect::<Vec<_>>()
            .join(";")
    };
    let other_ids = |p: &PersonFeatures| p.other_ids.join(";");
    let gender = |p: &PersonFeatures| p.gender.map(|g| g.to_string()).unwrap_or_default();
    let reference = |p: &PersonFeatures| {
        let force = model::force::forces()
            .get(usize::from(p.force))
            .map(|f| f.code.to_string())
            .unwrap_or_default();
        format!("{force}/{}", p.reference)
    };
    vec![
        (a.surname.to_string(), b.surname.to_string()),
        (forenames(a), forenames(b)),
        (aliases(a), aliases(b)),
        (opt(&a.dob), opt(&b.dob)),
        (opt(&a.pnc), opt(&b.pnc)),
        (phones(a), phones(b)),
        (address(a), address(b)),
        (gender(a), gender(b)),
        (reference(a), reference(b)),
        (lines(a), lines(b)),
        (other_ids(a), other_ids(b)),
        (a.locality.join(" "), b.locality.join(" ")),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check_dob(a: &str, b: &str, expect: u8) {
        let parse = |t: &str| (!t.is_empty()).then(|| t.parse::<PartialDate>().unwrap());
        assert_eq!(dob(parse(a), parse(b)), expect, "{a} vs {b}");
    }

    #[test]
    fn dob_levels() {
        check_dob("2008-12-24", "", 0);
        check_dob("2008-12-24", "2008-12-24", 1);
        check_dob("2008-05-07", "2008-07-05", 2);
        check_dob("2008-12", "2008-12-24", 3);
        check_dob("2008-12-24", "2008-12-25", 4);
        check_dob("2008-12-24", "2009-12-24", 4);
        check_dob("2008", "2008-12-24", 5);
        check_dob("2008-12-24", "2008-03-02", 6);
        check_dob("2008-11", "2008-12", 6);
        check_dob("2008-12-24", "1990-01-01", 7);
    }

    #[test]
    fn other_id_levels() {
        let ids = |list: &[&str]| -> Vec<Box<str>> { list.iter().map(|&s| s.into()).collect() };
        assert_eq!(other_ids(&ids(&[]), &ids(&["A1"])), 0);
        assert_eq!(other_ids(&ids(&["1234567", "X"]), &ids(&["1234567"])), 1);
        assert_eq!(other_ids(&ids(&["1234567"]), &ids(&["1243567"])), 2);
        assert_eq!(other_ids(&ids(&["1234567"]), &ids(&["1234999"])), 3);
    }

    #[test]
    fn phone_levels() {
        let f = |_| 0.01;
        assert_eq!(phones(&[], &[1], f), (0, 0.0));
        assert_eq!(phones(&[1, 5], &[2, 5], f), (1, 0.01));
        assert_eq!(phones(&[1], &[2], f), (2, 0.0));
    }
}
