//! Controllers' phones: the personal numbers that direct deal lines. Pure: it reads per-number
//! counts built from the contact graph (module `plan`'s `edges`) and returns scored numbers;
//! no IO and no DataFusion.
//!
//! A controller's phone calls or messages the deal handsets, and talks to the phones the deal
//! handsets talk to besides customers (the runners), but rarely a customer. Customers ring deal
//! lines too, but they are classed as customers and never followed here; runners are rung by
//! the handset rather than ringing it. The score rises with the records sent to deal lines and
//! with the distinct runners contacted, and falls with the share of customers among everything
//! the number contacts.

/// What is known of one personal number for controller scoring.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Direction {
    /// Records (calls and messages) it originated to deal lines.
    pub to_deal: i64,
    /// Distinct deal lines it originated to.
    pub deal_lines: u32,
    /// Distinct runners (numbers a deal line contacts that are not customers) it contacted.
    pub runners: u32,
    /// Distinct customers it contacted.
    pub customers: u32,
}

/// The controller score of a number in `[0, 1]`; 0 when it never contacts a deal line.
pub fn score(d: &Direction) -> f64 {
    if d.to_deal <= 0 || d.deal_lines == 0 {
        return 0.0;
    }
    let deal_part = d.to_deal as f64 / (d.to_deal as f64 + 3.0);
    let runner_part = f64::from(d.runners) / (f64::from(d.runners) + 1.0);
    let contacted = f64::from(d.deal_lines + d.runners + d.customers);
    let customer_share = f64::from(d.customers) / contacted.max(1.0);
    ((0.6 * deal_part + 0.4 * runner_part) * (1.0 - customer_share)).clamp(0.0, 1.0)
}

/// Lowest score reported as a controller's phone.
pub const MIN_SCORE: f64 = 0.5;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn directing_lines_and_runners_scores_high_and_customers_pull_it_down() {
        let controller = Direction {
            to_deal: 40,
            deal_lines: 1,
            runners: 3,
            customers: 0,
        };
        let customer_like = Direction {
            to_deal: 40,
            deal_lines: 1,
            runners: 0,
            customers: 12,
        };
        assert!(score(&controller) > 0.8, "{}", score(&controller));
        assert!(
            score(&customer_like) < MIN_SCORE,
            "{}",
            score(&customer_like)
        );
        assert_eq!(score(&Direction::default()), 0.0);
        let one_slip = Direction {
            customers: 1,
            ..controller
        };
        assert!(score(&one_slip) > MIN_SCORE && score(&one_slip) < score(&controller));
    }
}
