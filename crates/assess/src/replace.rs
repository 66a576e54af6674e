//! Replacement detection: which number a line (or a person) moved to when an old number fell
//! silent. Pure: it reads [`Activity`] (one entry per number, or per epoch of a recycled
//! number, built from the aggregations) and returns scored pairs; no IO and no DataFusion.
//!
//! A candidate new number starts originating within [`Settings::window_secs`] after the old
//! one's last originated record; one that was already active before (beyond a little slack)
//! is a second phone used at the same time, not a replacement. Calls *to* the old number
//! after it fell silent (stragglers) do not count as its activity. The evidence is the
//! share of the old number's recent contacts that the new one reaches, each contact
//! weighted by rarity (`1 / (1 + ln df)`, where `df` is how many numbers it is in contact
//! with: a number everybody calls says little), the gap, the same handset, and the same
//! cells. Pairs are taken greedily, best first, one new number per old and one old per new.
//! Then contact sets are rewritten through the pairs found (an old contact counts as its
//! replacement) and the unmatched numbers are scored again, which finds a group's leader
//! whose contacts all changed phones on the same day.
//!
//! Candidates are found through the contacts rather than by trying every number that
//! starts in the window: an index lists, for each contact, the followed numbers that reached
//! it in their first [`Settings::recent_secs`], sorted by start, so only numbers sharing at
//! least one recent contact with the old one are scored. A number sharing none has
//! containment 0 and cannot be accepted while [`Settings::min_containment`] is above 0;
//! when it is not, every number starting in the window is scored as well.
//!
//! The epochs of one recycled number (see `recycle`) are separate activities with the same
//! [`Activity::number`]; they are never paired with each other.

use rustc_hash::{FxHashMap, FxHashSet};

use crate::Settings;

/// What is known of one number (or one epoch of a recycled number) for replacement
/// detection.
#[derive(Debug, Clone, Default)]
pub struct Activity {
    /// First record it originated, epoch milliseconds.
    pub first_out: i64,
    /// Last record it originated, epoch milliseconds.
    pub last_out: i64,
    /// Whether it may be an old or new number of a pair (deal lines and personal phones;
    /// customers are not followed).
    pub followed: bool,
    /// Group of numbers that may replace one another (the class: deal lines replace deal
    /// lines, personal phones replace personal phones).
    pub group: u8,
    /// The phone number it is an epoch of: activities of one number are never paired.
    pub number: u32,
    /// Contacts (by index into the activity table) with the first and last time of contact.
    pub contacts: Vec<(u32, i64, i64)>,
    /// Contacts that count as "customers" in the evidence reported.
    pub customer: Vec<bool>,
    /// Handsets (IMEIs) it originated from, as ids (equal ids, same handset).
    pub imeis: Vec<u32>,
    /// Cells it originated from, as ids, sorted and without repeats.
    pub cells: Vec<u32>,
}

/// A pair found, by index into the activity table.
#[derive(Debug, Clone, PartialEq)]
pub struct Pair {
    /// The number that fell silent.
    pub old: u32,
    /// The number that took over.
    pub new: u32,
    /// Score in `[0, 1]`.
    pub score: f64,
    /// Customers of the old number (recent) reached by the new one.
    pub shared_customers: u32,
    /// Customers of the old number (recent).
    pub old_customers: u32,
    /// Whether the two share a handset.
    pub same_imei: bool,
    /// Which round found it (1: raw contacts; 2: contacts rewritten through round 1).
    pub round: u8,
}

/// The evidence for one candidate pair, before weighting.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Evidence {
    /// Rarity-weighted share of the old number's recent contacts the new one reaches.
    pub containment: f64,
    /// Seconds from the old number's last record to the new one's first.
    pub gap_secs: i64,
    /// Same handset.
    pub same_imei: bool,
    /// Dice overlap of the cells used, when both have cells.
    pub cells: Option<f64>,
}

/// The score of a candidate in `[0, 1]`.
pub fn score(evidence: &Evidence, settings: &Settings) -> f64 {
    let window = settings.window_secs as f64;
    let gap = evidence.gap_secs.max(0) as f64;
    let timing = if gap <= 2.0 * 86_400.0 {
        1.0
    } else {
        (1.0 - (gap - 2.0 * 86_400.0) / (window - 2.0 * 86_400.0).max(1.0)).max(0.0)
    };
    let cells = evidence.cells.unwrap_or(0.0);
    let raw = 0.65 * evidence.containment
        + 0.15 * timing
        + 0.12 * f64::from(u8::from(evidence.same_imei))
        + 0.08 * cells;
    raw.clamp(0.0, 1.0)
}

/// Whether a candidate is accepted.
pub fn accept(evidence: &Evidence, score: f64, settings: &Settings) -> bool {
    score >= settings.accept_score
        && (evidence.containment >= settings.min_containment
            || (evidence.same_imei && evidence.containment >= settings.min_containment / 2.0))
}

/// Finds the replacement pairs among `numbers`.
pub fn detect(numbers: &[Activity], settings: &Settings) -> Vec<Pair> {
    let weights = rarity(numbers);
    let mut by_start: Vec<u32> = (0..numbers.len() as u32)
        .filter(|&i| numbers[i as usize].followed)
        .collect();
    by_start.sort_by_key(|&i| (numbers[i as usize].first_out, i));
    let starts: Vec<i64> = by_start
        .iter()
        .map(|&i| numbers[i as usize].first_out)
        .collect();
    let early = EarlyIndex::new(numbers, &by_start, settings);
    let scan_window = settings.min_containment <= 0.0;

    let mut pairs: Vec<Pair> = Vec::new();
    let mut mapping: FxHashMap<u32, u32> = FxHashMap::default();
    let mut shared: FxHashMap<u32, (f64, u32)> = FxHashMap::default();
    for round in 1..=2u8 {
        let used_old: FxHashSet<u32> = pairs.iter().map(|p| p.old).collect();
        let used_new: FxHashSet<u32> = pairs.iter().map(|p| p.new).collect();
        let mut candidates = Vec::new();
        for (old_idx, old) in numbers.iter().enumerate() {
            let old_idx = old_idx as u32;
            if !old.followed || used_old.contains(&old_idx) {
                continue;
            }
            let recent = recent_contacts(old, settings, &mapping);
            if recent.is_empty() && old.imeis.is_empty() {
                continue;
            }
            let lo = old.last_out - settings.overlap_slack_secs * 1000;
            let hi = old.last_out + settings.window_secs * 1000;
            let eligible = |new_idx: u32| {
                let new = &numbers[new_idx as usize];
                new_idx != old_idx
                    && new.number != old.number
                    && new.group == old.group
                    && !used_new.contains(&new_idx)
            };
            // Shared weight and shared customers of every candidate reaching a recent contact.
            shared.clear();
            let mut total_weight = 0.0;
            let mut old_customers = 0u32;
            for (&contact, &is_customer) in &recent {
                let w = weights[contact as usize];
                total_weight += w;
                old_customers += u32::from(is_customer);
                for new_idx in early.reaching(contact, lo, hi) {
                    if eligible(new_idx) {
                        let entry = shared.entry(new_idx).or_insert((0.0, 0));
                        entry.0 += w;
                        entry.1 += u32::from(is_customer);
                    }
                }
            }
            if scan_window {
                // Two phones at once: the new one must begin after the old fell silent
                // (beyond the slack), which the window checks.
                let from = starts.partition_point(|&s| s <= lo);
                let to = starts.partition_point(|&s| s <= hi);
                for &new_idx in &by_start[from..to] {
                    if eligible(new_idx) {
                        shared.entry(new_idx).or_insert((0.0, 0));
                    }
                }
            }
            for (&new_idx, &(shared_weight, shared_customers)) in &shared {
                let new = &numbers[new_idx as usize];
                let containment = if total_weight > 0.0 {
                    shared_weight / total_weight
                } else {
                    0.0
                };
                let same_imei = old.imeis.iter().any(|i| new.imeis.contains(i));
                let evidence = Evidence {
                    containment,
                    gap_secs: (new.first_out - old.last_out) / 1000,
                    same_imei,
                    cells: dice(&old.cells, &new.cells),
                };
                let s = score(&evidence, settings);
                if accept(&evidence, s, settings) {
                    candidates.push(Pair {
                        old: old_idx,
                        new: new_idx,
                        score: s,
                        shared_customers,
                        old_customers,
                        same_imei,
                        round,
                    });
                }
            }
        }
        candidates.sort_by(|a, b| {
            b.score
                .total_cmp(&a.score)
                .then(a.old.cmp(&b.old))
                .then(a.new.cmp(&b.new))
        });
        let mut taken_old = used_old;
        let mut taken_new = used_new;
        let mut found = 0;
        for pair in candidates {
            if taken_old.contains(&pair.old) || taken_new.contains(&pair.new) {
                continue;
            }
            taken_old.insert(pair.old);
            taken_new.insert(pair.new);
            pairs.push(pair);
            found += 1;
        }
        if found == 0 {
            break;
        }
        mapping = pairs.iter().map(|p| (p.old, p.new)).collect();
    }
    pairs.sort_by_key(|p| (numbers[p.new as usize].first_out, p.old));
    pairs
}

/// For every number, the followed numbers that reached it in their first `recent_secs`, as
/// (start, follower) sorted by the follower's first originated record.
struct EarlyIndex(crate::Grouped<(i64, u32)>);

impl EarlyIndex {
    fn new(numbers: &[Activity], by_start: &[u32], settings: &Settings) -> EarlyIndex {
        // Followers are visited by start, and grouping keeps that order within each contact.
        let mut entries: Vec<(u32, (i64, u32))> = Vec::new();
        for &n in by_start {
            let new = &numbers[n as usize];
            let until = new.first_out + settings.recent_secs * 1000;
            let mut contacts: Vec<u32> = new
                .contacts
                .iter()
                .filter(|(_, first, _)| *first <= until)
                .map(|(c, _, _)| *c)
                .collect();
            contacts.sort_unstable();
            contacts.dedup();
            entries.extend(contacts.into_iter().map(|c| (c, (new.first_out, n))));
        }
        EarlyIndex(crate::Grouped::new(numbers.len(), || {
            entries.iter().copied()
        }))
    }

    /// The followed numbers that reached `contact` early and started in `(lo, hi]`.
    fn reaching(&self, contact: u32, lo: i64, hi: i64) -> impl Iterator<Item = u32> + '_ {
        let list = self.0.of(contact);
        let from = list.partition_point(|&(s, _)| s <= lo);
        let to = list.partition_point(|&(s, _)| s <= hi);
        list[from..to].iter().map(|&(_, n)| n)
    }
}

/// The old number's contacts in the last `recent_secs` of its activity, rewritten through
/// `mapping` (old contact → its replacement, followed to the end of the chain).
fn recent_contacts(
    old: &Activity,
    settings: &Settings,
    mapping: &FxHashMap<u32, u32>,
) -> FxHashMap<u32, bool> {
    let since = old.last_out - settings.recent_secs * 1000;
    let mut out = FxHashMap::default();
    for (k, &(contact, _, last)) in old.contacts.iter().enumerate() {
        if last < since {
            continue;
        }
        let mut c = contact;
        let mut hops = 0;
        while let Some(&next) = mapping.get(&c) {
            c = next;
            hops += 1;
            if hops > 16 {
                break;
            }
        }
        let is_customer = old.customer.get(k).copied().unwrap_or(false);
        *out.entry(c).or_insert(false) |= is_customer;
    }
    out
}

/// Each number's rarity weight as a contact: `1 / (1 + ln df)`.
fn rarity(numbers: &[Activity]) -> Vec<f64> {
    let mut df = vec![0u32; numbers.len()];
    for n in numbers {
        for (c, _, _) in &n.contacts {
            df[*c as usize] += 1;
        }
    }
    df.iter()
        .map(|&d| 1.0 / (1.0 + f64::from(d.max(1)).ln()))
        .collect()
}

/// The Dice coefficient of two sorted sets of cells (1 when both used the same cells), when
/// both have cells.
fn dice(a: &[u32], b: &[u32]) -> Option<f64> {
    if a.is_empty() || b.is_empty() {
        return None;
    }
    let (mut i, mut j, mut both) = (0, 0, 0usize);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                both += 1;
                i += 1;
                j += 1;
            }
        }
    }
    Some((2.0 * both as f64 / (a.len() + b.len()) as f64).min(1.0))
}

#[cfg(test)]
mod tests {
    use super::*;

    const DAY: i64 = 86_400_000;

    fn number(first: i64, last: i64, contacts: &[u32], imei: u32) -> Activity {
        Activity {
            first_out: first,
            last_out: last,
            followed: true,
            group: 0,
            number: u32::MAX,
            contacts: contacts.iter().map(|&c| (c, first, last)).collect(),
            customer: vec![true; contacts.len()],
            imeis: if imei == 0 { Vec::new() } else { vec![imei] },
            cells: Vec::new(),
        }
    }

    /// Gives every activity its own number, as the crate root does for numbers that were
    /// never reissued.
    fn numbered(mut numbers: Vec<Activity>) -> Vec<Activity> {
        for (i, n) in numbers.iter_mut().enumerate() {
            if n.number == u32::MAX {
                n.number = i as u32;
            }
        }
        numbers
    }

    fn customers(n: usize) -> Vec<Activity> {
        (0..n)
            .map(|_| Activity {
                first_out: 0,
                last_out: 100 * DAY,
                number: u32::MAX,
                ..Activity::default()
            })
            .collect()
    }

    #[test]
    fn a_line_moves_to_a_new_number() {
        let mut numbers = customers(10);
        let list: Vec<u32> = (0..10).collect();
        numbers.push(number(0, 30 * DAY, &list, 1));
        numbers.push(number(31 * DAY, 60 * DAY, &list[1..], 2));
        let pairs = detect(&numbered(numbers), &Settings::default());
        assert_eq!(pairs.len(), 1);
        assert_eq!((pairs[0].old, pairs[0].new), (10, 11));
        assert_eq!((pairs[0].shared_customers, pairs[0].old_customers), (9, 10));
    }

    #[test]
    fn two_phones_at_once_are_not_a_replacement() {
        let mut numbers = customers(10);
        let list: Vec<u32> = (0..10).collect();
        numbers.push(number(0, 30 * DAY, &list, 1));
        numbers.push(number(10 * DAY, 60 * DAY, &list, 2));
        assert!(detect(&numbered(numbers), &Settings::default()).is_empty());
    }

    #[test]
    fn strangers_are_not_a_replacement() {
        let mut numbers = customers(20);
        numbers.push(number(0, 30 * DAY, &(0..10).collect::<Vec<_>>(), 1));
        numbers.push(number(31 * DAY, 60 * DAY, &(10..20).collect::<Vec<_>>(), 2));
        assert!(detect(&numbered(numbers), &Settings::default()).is_empty());
    }

    #[test]
    fn epochs_of_one_number_are_never_a_pair() {
        // The same number, reissued: even with the same contacts it is not its own
        // replacement.
        let mut numbers = customers(10);
        let list: Vec<u32> = (0..10).collect();
        numbers.push(number(0, 30 * DAY, &list, 1));
        numbers.push(number(31 * DAY, 60 * DAY, &list, 2));
        numbers[10].number = 99;
        numbers[11].number = 99;
        assert!(detect(&numbered(numbers), &Settings::default()).is_empty());
    }

    #[test]
    fn without_a_containment_floor_every_number_in_the_window_is_scored() {
        // Same handset, no shared contact: only found when the containment floor is 0.
        let mut numbers = customers(20);
        numbers.push(number(0, 30 * DAY, &(0..10).collect::<Vec<_>>(), 7));
        numbers.push(number(31 * DAY, 60 * DAY, &(10..20).collect::<Vec<_>>(), 7));
        let numbers = numbered(numbers);
        assert!(detect(&numbers, &Settings::default()).is_empty());
        let loose = Settings {
            min_containment: 0.0,
            accept_score: 0.2,
            ..Settings::default()
        };
        let pairs = detect(&numbers, &loose);
        assert_eq!(pairs.len(), 1);
        assert!(pairs[0].same_imei);
    }

    #[test]
    fn a_group_changing_phones_together_is_found_in_the_second_round() {
        // Leader 0 talks only to runners 1 and 2; all three change phones on day 30.
        let mut numbers = customers(6);
        // Runners' phones each keep talking to their own customers 3..6, which anchors them.
        numbers[1] = number(0, 30 * DAY, &[0, 3, 4], 0);
        numbers[2] = number(0, 30 * DAY, &[0, 5, 3], 0);
        numbers[0] = number(0, 30 * DAY, &[1, 2], 0);
        numbers.push(number(31 * DAY, 60 * DAY, &[7, 8], 0)); // 6: new leader
        numbers.push(number(31 * DAY, 60 * DAY, &[6, 3, 4], 0)); // 7: new runner 1
        numbers.push(number(31 * DAY, 60 * DAY, &[6, 5, 3], 0)); // 8: new runner 2
        for n in &mut numbers[3..6] {
            n.followed = false;
        }
        let pairs = detect(&numbered(numbers), &Settings::default());
        let found: Vec<(u32, u32, u8)> = pairs.iter().map(|p| (p.old, p.new, p.round)).collect();
        assert!(found.contains(&(1, 7, 1)), "{found:?}");
        assert!(found.contains(&(2, 8, 1)), "{found:?}");
        assert!(found.contains(&(0, 6, 2)), "{found:?}");
    }
}
