//! The fixed calendar a world lives in: days, months ("periods") and timestamps.
//!
//! Days are counted from 1970-01-01 and timestamps are UTC seconds since the Unix
//! epoch, converted with Howard Hinnant's civil-date algorithms, so formatting
//! millions of timestamps costs no allocation beyond the output string. The calendar
//! never looks at the wall clock: a world's last period is fixed ([`LAST_PERIOD`]).

use std::fmt::Write as _;

/// A day number: days since 1970-01-01.
pub(crate) type Day = i32;

/// Seconds in a day.
pub(crate) const DAY_SECS: i64 = 86_400;

/// The last month every world reports (the calendar is fixed, never "today").
pub(crate) const LAST_PERIOD: Period = Period {
    year: 2026,
    month: 10,
};

/// Days since the epoch of a civil date.
pub(crate) fn day_from_ymd(year: i32, month: u32, day: u32) -> Day {
    let y = if month <= 2 { year - 1 } else { year };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let m = month as i32;
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + day as i32 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The civil date of a day number.
pub(crate) fn ymd(day: Day) -> (i32, u32, u32) {
    let z = day + 719_468;
    let era = if z >= 0 { z } else { z - 146_096 } / 146_097;
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

/// Number of days in a month.
pub(crate) fn days_in_month(year: i32, month: u32) -> u32 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        _ if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        _ => 28,
    }
}

/// `YYYY-MM-DD`.
pub(crate) fn iso(day: Day) -> String {
    let (y, m, d) = ymd(day);
    format!("{y:04}-{m:02}-{d:02}")
}

/// `DD/MM/YYYY`, the way most UK spreadsheets write a date.
pub(crate) fn uk(day: Day) -> String {
    let (y, m, d) = ymd(day);
    format!("{d:02}/{m:02}/{y:04}")
}

/// The first second of a day.
pub(crate) fn day_start(day: Day) -> i64 {
    i64::from(day) * DAY_SECS
}

/// The day a timestamp falls on.
pub(crate) fn day_of(ts: i64) -> Day {
    ts.div_euclid(DAY_SECS) as Day
}

/// Appends an RFC 3339 UTC timestamp (`2026-03-01T18:22:05Z`) to `out`.
pub(crate) fn push_rfc3339(out: &mut String, ts: i64) {
    let (y, m, d) = ymd(day_of(ts));
    let secs = ts.rem_euclid(DAY_SECS);
    let _ = write!(
        out,
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        secs / 3600,
        (secs / 60) % 60,
        secs % 60
    );
}

/// An RFC 3339 UTC timestamp.
pub(crate) fn rfc3339(ts: i64) -> String {
    let mut s = String::with_capacity(20);
    push_rfc3339(&mut s, ts);
    s
}

/// A reporting month.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct Period {
    /// Calendar year.
    pub year: i32,
    /// Month, 1 to 12.
    pub month: u32,
}

impl Period {
    /// The first day of the month.
    pub(crate) fn first_day(self) -> Day {
        day_from_ymd(self.year, self.month, 1)
    }

    /// The last day of the month (inclusive).
    pub(crate) fn last_day(self) -> Day {
        day_from_ymd(self.year, self.month, days_in_month(self.year, self.month))
    }

    /// The month before.
    pub(crate) fn previous(self) -> Period {
        if self.month == 1 {
            Period {
                year: self.year - 1,
                month: 12,
            }
        } else {
            Period {
                year: self.year,
                month: self.month - 1,
            }
        }
    }

    /// `YYYY-MM`.
    pub(crate) fn label(self) -> String {
        format!("{:04}-{:02}", self.year, self.month)
    }

    /// `YYYYMM`, for references.
    pub(crate) fn compact(self) -> String {
        format!("{:04}{:02}", self.year, self.month)
    }
}

/// The months a world covers, oldest first, ending at [`LAST_PERIOD`].
#[derive(Clone, Debug)]
pub(crate) struct Calendar {
    /// The periods, oldest first. Invariant: never empty, consecutive months.
    pub periods: Vec<Period>,
}

impl Calendar {
    /// A calendar of `months` consecutive periods ending at [`LAST_PERIOD`].
    pub(crate) fn ending_at_last(months: usize) -> Calendar {
        let mut periods = vec![LAST_PERIOD];
        while periods.len() < months.max(1) {
            let earliest = periods[periods.len() - 1];
            periods.push(earliest.previous());
        }
        periods.reverse();
        Calendar { periods }
    }

    /// The first day covered.
    pub(crate) fn start(&self) -> Day {
        self.periods[0].first_day()
    }

    /// The day after the last day covered.
    pub(crate) fn end(&self) -> Day {
        self.periods[self.periods.len() - 1].last_day() + 1
    }

    /// The index of the period containing `day`, if the calendar covers it.
    pub(crate) fn period_of(&self, day: Day) -> Option<usize> {
        self.periods
            .iter()
            .position(|p| p.first_day() <= day && day <= p.last_day())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_round_trip() {
        for day in -1000..30_000 {
            let (y, m, d) = ymd(day);
            assert_eq!(day_from_ymd(y, m, d), day);
        }
        assert_eq!(iso(day_from_ymd(2026, 3, 1)), "2026-03-01");
        assert_eq!(uk(day_from_ymd(2026, 3, 1)), "01/03/2026");
        assert_eq!(
            rfc3339(day_start(day_from_ymd(2026, 3, 1)) + 18 * 3600 + 22 * 60 + 5),
            "2026-03-01T18:22:05Z"
        );
    }

    #[test]
    fn calendar_ends_at_last_period() {
        let cal = Calendar::ending_at_last(6);
        assert_eq!(cal.periods.len(), 6);
        assert_eq!(cal.periods[0].label(), "2026-05");
        assert_eq!(cal.periods[5].label(), "2026-10");
        assert_eq!(iso(cal.end()), "2026-11-01");
        assert_eq!(Calendar::ending_at_last(12).periods[0].label(), "2025-11");
    }
}
