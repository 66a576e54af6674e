//! Resolving places, vehicles and phone numbers, which need no learnt model:
//!
//! - a location is the same place as another when their postcodes agree and the first lines
//!   of their addresses agree (same house and flat numbers, similar words), or, when a
//!   postcode is missing, when the whole normalised addresses agree; the clustering that
//!   resists chaining still applies, so two different flats cannot be joined through a record
//!   that lacks the flat number;
//! - a vehicle is its registration mark;
//! - a phone number is itself (E.164): its members are the person and line records carrying it.
//!
//! Analysts' decisions about locations are honoured; vehicles and numbers are exact and take
//! none.

use crate::normalise::jaro_winkler;
use rustc_hash::FxHashMap;

use crate::blocking::{BlockIndex, key};
use crate::cluster::{self, Linkage, Thresholds};
use crate::decisions::Decision;
use crate::input::{LocationRecord, VehicleRecord};
use crate::key::{EntityKind, RecordKey};
use crate::normalise::{self, AddressLine};

/// A normalised location.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct Place {
    postcode: Option<Box<str>>,
    line: AddressLine,
    full: Box<str>,
}

impl Place {
    fn of(record: &LocationRecord) -> Place {
        let address = record.address.as_deref().unwrap_or("");
        Place {
            postcode: record.postcode.as_ref().map(|p| p.as_str().into()),
            line: normalise::address_line(address),
            full: normalise::address_full(address).into_boxed_str(),
        }
    }
}

/// Whether two places are the same by the rules above.
fn same_place(a: &Place, b: &Place, similarity: f64) -> bool {
    match (&a.postcode, &b.postcode) {
        (Some(x), Some(y)) => {
            x == y
                && !a.line.text.is_empty()
                && a.line.numbers == b.line.numbers
                && (a.line.text == b.line.text
                    || jaro_winkler(&a.line.text, &b.line.text) >= similarity)
        }
        _ => !a.full.is_empty() && a.full == b.full && !a.line.numbers.is_empty(),
    }
}

struct PlaceLinkage<'a> {
    places: &'a [Place],
    similarity: f64,
}

/// The weight given to a rule's verdict (the rules are certain either way).
const CERTAIN: f64 = 30.0;

impl Linkage for PlaceLinkage<'_> {
    fn rank(&self, node: u32) -> u64 {
        u64::from(node)
    }
    fn slots(&self, _node: u32) -> &[u64] {
        &[]
    }
    fn ids(&self, _node: u32) -> &[u64] {
        &[]
    }
    fn weight(&self, a: u32, b: u32) -> f64 {
        if same_place(
            &self.places[a as usize],
            &self.places[b as usize],
            self.similarity,
        ) {
            CERTAIN
        } else {
            -CERTAIN
        }
    }
}

/// Clusters location records (indices into `records`), each cluster sorted by key; and notes
/// on decisions not applied.
pub fn locations(
    records: &[LocationRecord],
    decisions: &[Decision],
    similarity: f64,
) -> (Vec<Vec<u32>>, Vec<String>) {
    // Profiles: identical normalised places, numbered in order of their smallest key.
    let mut order: Vec<u32> = (0..records.len() as u32).collect();
    order.sort_unstable_by(|&a, &b| records[a as usize].key.cmp(&records[b as usize].key));
    let mut by_place: FxHashMap<Place, u32> = FxHashMap::default();
    let mut places: Vec<Place> = Vec::new();
    let mut members: Vec<Vec<u32>> = Vec::new();
    let mut profile_of: FxHashMap<&RecordKey, u32> = FxHashMap::default();
    for &r in &order {
        let place = Place::of(&records[r as usize]);
        let p = *by_place.entry(place.clone()).or_insert_with(|| {
            places.push(place);
            members.push(Vec::new());
            (places.len() - 1) as u32
        });
        members[p as usize].push(r);
        profile_of.insert(&records[r as usize].key, p);
    }
    let mut blocks = BlockIndex::default();
    let keys: Vec<Vec<u64>> = places
        .iter()
        .map(|p| {
            let mut k = Vec::new();
            if let Some(pc) = &p.postcode {
                k.push(key(1, &**pc));
            }
            if !p.full.is_empty() {
                k.push(key(2, &*p.full));
            }
            k
        })
        .collect();
    for (p, k) in keys.iter().enumerate() {
        blocks.insert(p as u32, k);
    }
    let linkage = PlaceLinkage {
        places: &places,
        similarity,
    };
    let mut edges = Vec::new();
    let mut found = Vec::new();
    for (p, k) in keys.iter().enumerate() {
        let p = p as u32;
        blocks.candidates(p, k, (usize::MAX, usize::MAX), |q| q > p, &mut found);
        for &q in &found {
            let w = linkage.weight(p, q);
            if w > 0.0 {
                edges.push((p, q, w));
            }
        }
    }
    let (mut must, mut cannot, mut notes) = (Vec::new(), Vec::new(), Vec::new());
    for d in decisions.iter().filter(|d| d.kind == EntityKind::Location) {
        match (profile_of.get(&d.a), profile_of.get(&d.b)) {
            (Some(&a), Some(&b)) if a != b => {
                if d.same {
                    must.push((a.min(b), a.max(b)))
                } else {
                    cannot.push((a.min(b), a.max(b)))
                }
            }
            (Some(_), Some(_)) => {}
            _ => notes.push(format!(
                "decision by {} about locations {} and {} names a record not in the input",
                d.by, d.a, d.b
            )),
        }
    }
    let thresholds = Thresholds {
        link_weight: 0.0,
        prior_weight: 0.0,
        cluster_evidence: 0.0,
        evidence_clamp: CERTAIN,
        max_linkage_pairs: 400,
        use_slots: false,
        use_ids: false,
    };
    let mut clusters = Vec::new();
    for component in cluster::components(places.len(), &edges, &must, 0.0) {
        if component.len() == 1 {
            clusters.push(component);
            continue;
        }
        let inside = |&(a, _): &(u32, u32)| component.binary_search(&a).is_ok();
        let e: Vec<_> = edges
            .iter()
            .copied()
            .filter(|e| component.binary_search(&e.0).is_ok())
            .collect();
        let m: Vec<_> = must.iter().copied().filter(inside).collect();
        let c: Vec<_> = cannot.iter().copied().filter(inside).collect();
        clusters.extend(cluster::cluster(&component, &e, &m, &c, &linkage, &thresholds).clusters);
    }
    let out = clusters
        .into_iter()
        .map(|profiles| {
            let mut rs: Vec<u32> = profiles
                .iter()
                .flat_map(|&p| members[p as usize].iter().copied())
                .collect();
            rs.sort_unstable_by(|&a, &b| records[a as usize].key.cmp(&records[b as usize].key));
            rs
        })
        .collect();
    (out, notes)
}

/// Groups vehicle records by registration mark (indices into `records`, each group sorted by
/// key), in order of mark.
pub fn vehicles(records: &[VehicleRecord]) -> Vec<Vec<u32>> {
    let mut groups: FxHashMap<&str, Vec<u32>> = FxHashMap::default();
    for (r, v) in records.iter().enumerate() {
        groups.entry(v.vrm.as_str()).or_default().push(r as u32);
    }
    let mut out: Vec<(&str, Vec<u32>)> = groups.into_iter().collect();
    out.sort_unstable_by(|a, b| a.0.cmp(b.0));
    out.into_iter()
        .map(|(_, mut rs)| {
            rs.sort_unstable_by(|&a, &b| records[a as usize].key.cmp(&records[b as usize].key));
            rs
        })
        .collect()
}
