//! The comparisons of two line profiles and their levels: deal numbers, brand, exporting
//! force, exporting area, importing areas, people in common and the force's reference.
//!
//! Levels only; weights are learnt (`em`) and applied (`fellegi_sunter`).

use crate::normalise::similar;

use crate::fellegi_sunter::{ComparisonParams, Gamma};
use crate::lines::features::{LineFeatures, LineTermFrequencies};
use crate::persons::compare::{phones, same_ref};

/// Deal numbers.
pub const NUMBERS: usize = 0;
/// Brand.
pub const BRAND: usize = 1;
/// Exporting force.
pub const EXPORTING_FORCE: usize = 2;
/// Exporting area.
pub const EXPORTING_AREA: usize = 3;
/// Importing areas.
pub const IMPORTING: usize = 4;
/// People in common.
pub const PEOPLE: usize = 5;
/// Same force and reference.
pub const SAME_REF: usize = 6;
/// Number of line comparisons.
pub const N_COMPARISONS: usize = 7;

/// The line comparisons with their levels and starting m probabilities.
pub fn comparisons() -> Vec<ComparisonParams> {
    vec![
        ComparisonParams::new(
            "deal_numbers",
            &[
                ("missing", 0.0, false),
                ("a deal number in common", 0.6, true),
                ("no deal number in common", 0.4, false),
            ],
        ),
        ComparisonParams::new(
            "brand",
            &[
                ("missing", 0.0, false),
                ("exact", 0.8, true),
                ("similar", 0.1, false),
                ("different", 0.1, false),
            ],
        ),
        ComparisonParams::new(
            "exporting_force",
            &[
                ("missing", 0.0, false),
                ("same", 0.9, false),
                ("different", 0.1, false),
            ],
        ),
        ComparisonParams::new(
            "exporting_area",
            &[
                ("missing", 0.0, false),
                ("same", 0.9, false),
                ("different", 0.1, false),
            ],
        ),
        ComparisonParams::new(
            "importing_areas",
            &[
                ("missing", 0.0, false),
                ("an area in common", 0.9, false),
                ("no area in common", 0.1, false),
            ],
        ),
        ComparisonParams::new(
            "people",
            &[
                ("missing", 0.0, false),
                ("a person in common", 0.7, false),
                ("no person in common", 0.3, false),
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
    ]
}

/// Whether two sorted lists share a value.
fn share_any<T: Ord>(a: &[T], b: &[T]) -> bool {
    // Lists whose ranges do not overlap share nothing (people of one force's line are
    // numbered close together), without walking them.
    match (a.first(), a.last(), b.first(), b.last()) {
        (Some(a0), Some(a1), Some(b0), Some(b1)) if a1 >= b0 && b1 >= a0 => {}
        _ => return false,
    }
    let (mut i, mut j) = (0, 0);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => return true,
        }
    }
    false
}

fn both<T>(a: &[T], b: &[T], agree: bool) -> u8 {
    if a.is_empty() || b.is_empty() {
        0
    } else if agree {
        1
    } else {
        2
    }
}

/// Compares two line profiles.
pub fn compare(a: &LineFeatures, b: &LineFeatures, tf: &LineTermFrequencies) -> Gamma {
    let mut gamma = Gamma::default();
    (gamma.levels[NUMBERS], gamma.tf[NUMBERS]) = phones(&a.numbers, &b.numbers, |n| tf.number(n));
    (gamma.levels[BRAND], gamma.tf[BRAND]) = brand(&a.brand, &b.brand, tf);
    gamma.levels[EXPORTING_FORCE] = match (a.exporting_force, b.exporting_force) {
        (Some(x), Some(y)) => {
            if x == y {
                1
            } else {
                2
            }
        }
        _ => 0,
    };
    gamma.levels[EXPORTING_AREA] = match (&a.exporting_area, &b.exporting_area) {
        (Some(x), Some(y)) => {
            if x == y {
                1
            } else {
                2
            }
        }
        _ => 0,
    };
    gamma.levels[IMPORTING] = both(
        &a.importing,
        &b.importing,
        share_any(&a.importing, &b.importing),
    );
    gamma.levels[PEOPLE] = both(&a.people, &b.people, share_any(&a.people, &b.people));
    gamma.levels[SAME_REF] = same_ref(a.force, &a.reference, b.force, &b.reference);
    gamma
}

fn brand(a: &str, b: &str, tf: &LineTermFrequencies) -> (u8, f32) {
    if a.is_empty() || b.is_empty() {
        return (0, 0.0);
    }
    if a == b {
        return (1, tf.brand(a));
    }
    // Lengths first: a substring searcher costs more to set up than most brands to read, and
    // random pairs (estimating u) are nearly all far apart, which `similar` tells cheaply.
    let within = |inner: &str, outer: &str| {
        inner.len() >= 3 && inner.len() <= outer.len() && outer.contains(inner)
    };
    if within(a, b) || within(b, a) || similar(a, b, 0.88) {
        return (2, 0.0);
    }
    (3, 0.0)
}

/// The values each comparison looked at, for explanations.
pub fn values(a: &LineFeatures, b: &LineFeatures) -> Vec<(String, String)> {
    let force = |i: Option<u16>| {
        i.and_then(|i| model::force::forces().get(usize::from(i)))
            .map(|f| f.code.to_string())
            .unwrap_or_default()
    };
    let numbers = |p: &LineFeatures| {
        p.numbers
            .iter()
            .map(|n| format!("+{n}"))
            .collect::<Vec<_>>()
            .join(";")
    };
    let join = |v: &[Box<str>]| v.join(";");
    let people = |p: &LineFeatures| format!("{} people", p.people.len());
    vec![
        (numbers(a), numbers(b)),
        (a.brand.to_string(), b.brand.to_string()),
        (force(a.exporting_force), force(b.exporting_force)),
        (
            a.exporting_area.as_deref().unwrap_or("").to_owned(),
            b.exporting_area.as_deref().unwrap_or("").to_owned(),
        ),
        (join(&a.importing), join(&b.importing)),
        (people(a), people(b)),
        (
            format!("{}/{}", force(Some(a.force)), a.reference),
            format!("{}/{}", force(Some(b.force)), b.reference),
        ),
    ]
}
