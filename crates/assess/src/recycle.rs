//! Recycled numbers: a mobile number that falls silent and is later reissued by its network
//! to an unrelated subscriber. Its records then describe two phones, and taken as one they
//! hide the first subscriber's end (so the number it moved to looks like a second phone
//! used at the same time), make a stranger look like its continuation, and add the
//! stranger's traffic to the first subscriber's profile. Pure: it reads one number's
//! activity, contacts and handsets (from the aggregations in `plan`) and says where its
//! history splits; no IO and no DataFusion.
//!
//! The rule, with its thresholds in [`Settings`]:
//!
//! 1. **A long silence.** The number originates nothing for at least
//!    [`Settings::recycle_silence_secs`]. The plans mark, for each number, which of
//!    [`Activity::BUCKETS`] equal stretches of the data's time span it originated anything
//!    in; a run of empty stretches at least that long, between busy ones, is a silence.
//!    (The first and last records to each contact are not enough on their own: a contact
//!    rung now and then all year spans any gap.)
//! 2. **Two strangers.** Before and after the silence the number contacts at least
//!    [`Settings::recycle_min_contacts`] numbers each, and the contacts reached on both
//!    sides, weighted by rarity as in `replace` (a number everybody calls, such as a taxi
//!    firm both subscribers ring, says little), are at most [`Settings::recycle_max_shared`]
//!    of the smaller side's.
//! 3. **A new handset.** Handsets (IMEIs) are seen on both sides of the silence and none is
//!    used on both. Without [`Settings::recycle_needs_handsets`] (for data that carry no
//!    IMEIs) a side without handsets passes and the contacts decide alone; a handset used
//!    on both sides still vetoes the split.
//!
//! A person who pauses (custody, travel) keeps their contacts and usually their handset, so
//! they fail test 2 or 3; a customer who stops buying for a while and comes back to a
//! line's new number has new contacts but the same phone, or no handset on record (the
//! data seldom carry customers' IMEIs), and fails test 3; a line that loses its number moves to another number, which
//! `replace` follows. A number may be reissued more than once; each split starts a new
//! epoch. Calls *to* the number during the silence (stragglers still ringing the first
//! subscriber) belong to the earlier epoch.

use crate::Settings;

/// Where one number's history splits: the earlier subscriber's last originated record and
/// the later one's first.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Split {
    /// The earlier subscriber's last originated record (epoch ms).
    pub silent_from: i64,
    /// The later subscriber's first originated record (epoch ms): the new epoch starts here.
    pub reissued_at: i64,
    /// Rarity-weighted share of contacts the two sides have in common, `[0, 1]`.
    pub shared: f64,
}

/// One contact a number originated to, or one handset it originated from: (contact or
/// handset id, first record, last record), epoch ms.
pub type Span = (u32, i64, i64);

/// When a number originated anything: one bit per stretch of `width_ms` from `origin_ms`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Activity {
    /// Start of the first stretch, epoch ms.
    pub origin_ms: i64,
    /// Length of each stretch, ms.
    pub width_ms: i64,
    /// Bit `k % 64` of word `k / 64` is set when the number originated a record in
    /// stretch `k`.
    pub words: [u64; Activity::WORDS],
}

impl Activity {
    /// Words in [`Activity::words`].
    pub const WORDS: usize = 4;
    /// Stretches the data's time span is cut into.
    pub const BUCKETS: usize = Activity::WORDS * 64;

    fn busy(&self, k: usize) -> bool {
        self.words[k / 64] & (1u64 << (k % 64)) != 0
    }

    /// Runs of idle stretches between busy ones, as (end of the last busy stretch before,
    /// start of the next busy one), epoch ms.
    fn silences(&self) -> Vec<(i64, i64)> {
        let mut out = Vec::new();
        let mut last_busy: Option<usize> = None;
        for k in 0..Activity::BUCKETS {
            if !self.busy(k) {
                continue;
            }
            if let Some(prev) = last_busy
                && k > prev + 1
            {
                out.push((
                    self.origin_ms + (prev as i64 + 1) * self.width_ms,
                    self.origin_ms + k as i64 * self.width_ms,
                ));
            }
            last_busy = Some(k);
        }
        out
    }
}

/// The splits of one number's history, in time order, from when it originated anything
/// (`activity`), the contacts it originated to (`out`), the handsets it used (`handsets`)
/// and the rarity weight of every number (`weights`, indexed by contact).
pub fn splits(
    activity: &Activity,
    out: &[Span],
    handsets: &[Span],
    weights: &[f64],
    settings: &Settings,
) -> Vec<Split> {
    let min_contacts = settings.recycle_min_contacts.max(1) as usize;
    let silence = settings.recycle_silence_secs.max(1) * 1000;
    if out.len() < min_contacts || activity.width_ms <= 0 {
        return Vec::new();
    }
    let mut found = Vec::new();
    // Each silence is judged on its own (all contacts before it against all after it), so
    // that the rule reads as one SQL join too (the DuckDB mirror in `benches/scale.py`).
    for (lo, hi) in activity.silences() {
        if hi - lo < silence {
            continue;
        }
        // Nothing was originated in [lo, hi): each contact was reached before it, after it
        // or on both sides.
        let (mut before, mut after, mut both) = (0usize, 0usize, 0usize);
        let (mut w_before, mut w_after, mut w_both) = (0.0, 0.0, 0.0);
        let (mut silent_from, mut reissued_at) = (i64::MIN, i64::MAX);
        for &(contact, first, last) in out {
            let w = weights.get(contact as usize).copied().unwrap_or(1.0);
            if last < lo {
                before += 1;
                w_before += w;
                silent_from = silent_from.max(last);
            } else if first >= hi {
                after += 1;
                w_after += w;
                reissued_at = reissued_at.min(first);
            } else {
                both += 1;
                w_both += w;
                silent_from = silent_from.max(first);
                reissued_at = reissued_at.min(last);
            }
        }
        if before + both < min_contacts || after + both < min_contacts {
            continue;
        }
        let smaller = (w_before + w_both).min(w_after + w_both);
        let shared = if smaller > 0.0 { w_both / smaller } else { 1.0 };
        if shared > settings.recycle_max_shared {
            continue;
        }
        let same_handset = handsets.iter().any(|&(imei, first, _)| {
            first < lo
                && handsets
                    .iter()
                    .any(|&(other, _, last)| other == imei && last >= hi)
        });
        let seen_before = handsets.iter().any(|&(_, first, _)| first < lo);
        let seen_after = handsets.iter().any(|&(_, _, last)| last >= hi);
        if same_handset || (settings.recycle_needs_handsets && !(seen_before && seen_after)) {
            continue;
        }
        found.push(Split {
            silent_from,
            reissued_at,
            shared,
        });
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    const DAY: i64 = 86_400_000;

    /// Activity over days 0..=365 in stretches of `width` days, busy on the given days.
    fn activity(busy: &[std::ops::Range<i64>]) -> Activity {
        let width = 2 * DAY;
        let mut a = Activity {
            origin_ms: 0,
            width_ms: width,
            words: [0; Activity::WORDS],
        };
        for range in busy {
            for day in range.clone() {
                let k = (day * DAY / width) as usize;
                a.words[k / 64] |= 1 << (k % 64);
            }
        }
        a
    }

    /// Checks the splits found; `handsets` empty means data without IMEIs (contacts decide).
    fn check(
        busy: &[std::ops::Range<i64>],
        out: &[Span],
        handsets: &[Span],
        expect: &[(i64, i64)],
    ) {
        let weights = vec![1.0; 100];
        let settings = Settings {
            recycle_needs_handsets: !handsets.is_empty(),
            ..Settings::default()
        };
        let got: Vec<(i64, i64)> = splits(&activity(busy), out, handsets, &weights, &settings)
            .iter()
            .map(|s| (s.silent_from / DAY, s.reissued_at / DAY))
            .collect();
        assert_eq!(got, expect);
    }

    fn spans(contacts: std::ops::Range<u32>, first: i64, last: i64) -> Vec<Span> {
        contacts.map(|c| (c, first * DAY, last * DAY)).collect()
    }

    #[test]
    fn a_stranger_after_a_long_silence_starts_a_new_epoch() {
        let mut out = spans(0..10, 0, 40);
        out.extend(spans(20..26, 150, 300));
        let handsets = [(1, 0, 40 * DAY), (2, 150 * DAY, 300 * DAY)];
        check(&[0..41, 150..301], &out, &handsets, &[(40, 150)]);
    }

    #[test]
    fn handsets_must_be_seen_on_both_sides_when_the_data_carry_them() {
        let mut out = spans(0..10, 0, 40);
        out.extend(spans(20..26, 150, 300));
        let handsets = [(1, 0, 40 * DAY)];
        check(&[0..41, 150..301], &out, &handsets, &[]);
    }

    #[test]
    fn the_same_handset_across_the_silence_is_the_same_phone() {
        let mut out = spans(0..10, 0, 40);
        out.extend(spans(20..26, 150, 300));
        let handsets = [(1, 0, 40 * DAY), (1, 150 * DAY, 300 * DAY)];
        check(&[0..41, 150..301], &out, &handsets, &[]);
    }

    #[test]
    fn the_same_contacts_across_the_silence_are_the_same_person() {
        // Back from a long absence on a new handset, calling the same people.
        let mut out = spans(0..4, 0, 300);
        out.extend(spans(10..14, 0, 40));
        out.extend(spans(20..24, 150, 300));
        let handsets = [(1, 0, 40 * DAY), (2, 150 * DAY, 300 * DAY)];
        check(&[0..41, 150..301], &out, &handsets, &[]);
    }

    #[test]
    fn contacts_changing_without_a_silence_are_not_a_reissue() {
        // Nobody reached from day 40 to 150 for the first time or the last, but the number
        // kept ringing contact 99 throughout.
        let mut out = spans(0..10, 0, 40);
        out.extend(spans(20..26, 150, 300));
        out.push((99, 0, 300 * DAY));
        check(&[0..301], &out, &[], &[]);
    }

    #[test]
    fn a_short_silence_or_too_little_traffic_is_not_enough() {
        let mut out = spans(0..10, 0, 40);
        out.extend(spans(20..26, 80, 300));
        check(&[0..41, 80..301], &out, &[], &[]);
        let mut out = spans(0..10, 0, 40);
        out.extend(spans(20..22, 150, 300));
        check(&[0..41, 150..301], &out, &[], &[]);
    }

    #[test]
    fn one_bridge_among_many_contacts_does_not_hide_the_split() {
        // Both subscribers ring the same taxi firm (contact 99).
        let mut out = spans(0..10, 0, 40);
        out.extend(spans(20..30, 150, 300));
        out.push((99, 10 * DAY, 200 * DAY));
        check(&[0..41, 150..301], &out, &[], &[(40, 150)]);
    }

    #[test]
    fn a_number_reissued_twice_has_three_epochs() {
        let mut out = spans(0..5, 0, 40);
        out.extend(spans(10..15, 150, 200));
        out.extend(spans(20..25, 300, 360));
        check(
            &[0..41, 150..201, 300..361],
            &out,
            &[],
            &[(40, 150), (200, 300)],
        );
    }
}
