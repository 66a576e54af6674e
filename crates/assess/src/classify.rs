//! Classification of a number as deal line, personal phone or customer, from its profile.
//! Pure: no IO, no DataFusion; the thresholds are [`crate::Settings`].
//!
//! A deal line broadcasts: bursts of messages to many distinct numbers within minutes
//! ("flare" texts), and takes short calls from many numbers. A customer is a number the
//! deal lines only ever text (it receives flares, never a call from a deal line). Every
//! other number is a personal phone (runners, holders, controllers, associates).

use crate::{NumberClass, Profile, Settings};

/// The deal-line score in `[0, 1]` of a profile: bursts dominate, short calls in from
/// many numbers add.
pub fn deal_score(profile: &Profile, settings: &Settings) -> f64 {
    let bursts = profile.bursts as f64;
    let burst_part = bursts / (bursts + settings.deal_bursts_half);
    let callers = profile.short_callers_in as f64;
    let caller_part = callers / (callers + 10.0);
    (0.8 * burst_part + 0.2 * caller_part).min(1.0)
}

/// Class and score of one number given its deal-line score and how deal lines treat it.
pub fn classify(
    deal_score: f64,
    texts_from_deal: i64,
    calls_from_deal: i64,
    settings: &Settings,
) -> (NumberClass, f64) {
    if deal_score >= settings.deal_threshold {
        return (NumberClass::DealLine, deal_score);
    }
    if texts_from_deal > 0 && calls_from_deal == 0 {
        // More flares received, surer; capped below certainty.
        let score = 1.0 - 0.5 / (1.0 + texts_from_deal as f64 / 4.0);
        return (NumberClass::Customer, score);
    }
    let score = if calls_from_deal > 0 { 0.9 } else { 0.6 };
    (NumberClass::Personal, score)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn profile(bursts: i64, short_callers_in: i64) -> Profile {
        Profile {
            bursts,
            short_callers_in,
            ..Profile::default()
        }
    }

    #[test]
    fn deal_lines_broadcast() {
        let s = Settings::default();
        let (class, _) = classify(deal_score(&profile(40, 25), &s), 0, 0, &s);
        assert_eq!(class, NumberClass::DealLine);
        let (class, _) = classify(deal_score(&profile(0, 2), &s), 6, 0, &s);
        assert_eq!(class, NumberClass::Customer);
        let (class, _) = classify(deal_score(&profile(0, 0), &s), 3, 2, &s);
        assert_eq!(class, NumberClass::Personal);
    }
}
