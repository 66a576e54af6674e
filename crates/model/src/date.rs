//! Dates as the return writes them: full dates (`YYYY-MM-DD` or `DD/MM/YYYY`) and the partial
//! dates of birth forces often hold (`YYYY-MM`, `YYYY`).
//!
//! Calendar validity is chrono's; this module only splits the accepted writings into numbers.
//! It does not guess at other writings (US order, two-digit years): those are errors.

use std::fmt;
use std::str::FromStr;

use chrono::{Datelike, NaiveDate};

use crate::ValueError;

/// Reads a full date written `YYYY-MM-DD` or `DD/MM/YYYY`.
pub fn parse_date(text: &str) -> Result<NaiveDate, ValueError> {
    let text = text.trim();
    let (year, month, day) = if let Some((y, m, d)) = split3(text, '-') {
        (y, m, d)
    } else if let Some((d, m, y)) = split3(text, '/') {
        (y, m, d)
    } else {
        return Err(ValueError::new(
            "not a date: write YYYY-MM-DD or DD/MM/YYYY",
        ));
    };
    let (year, month, day) = match (digits(year, 4), digits(month, 2), digits(day, 2)) {
        (Some(y), Some(m), Some(d)) => (y, m, d),
        _ => {
            return Err(ValueError::new(
                "not a date: write YYYY-MM-DD or DD/MM/YYYY",
            ));
        }
    };
    NaiveDate::from_ymd_opt(year as i32, month, day)
        .ok_or_else(|| ValueError::new("no such day in the calendar"))
}

fn split3(text: &str, sep: char) -> Option<(&str, &str, &str)> {
    let mut parts = text.split(sep);
    let out = (parts.next()?, parts.next()?, parts.next()?);
    parts.next().is_none().then_some(out)
}

/// Reads exactly `len` ASCII digits (a one-digit day or month is accepted for `len` 2).
fn digits(text: &str, len: usize) -> Option<u32> {
    let ok_len = text.len() == len || (len == 2 && text.len() == 1);
    if !ok_len || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse().ok()
}

/// A date that may be known only to the year or the month, as dates of birth often are.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum PartialDate {
    /// Only the year is known.
    Year(i32),
    /// The year and month are known.
    YearMonth(i32, u32),
    /// The whole date is known.
    Full(NaiveDate),
}

impl PartialDate {
    /// The year, always known.
    pub fn year(&self) -> i32 {
        match *self {
            PartialDate::Year(y) | PartialDate::YearMonth(y, _) => y,
            PartialDate::Full(d) => d.year(),
        }
    }

    /// The month, if known.
    pub fn month(&self) -> Option<u32> {
        match *self {
            PartialDate::Year(_) => None,
            PartialDate::YearMonth(_, m) => Some(m),
            PartialDate::Full(d) => Some(d.month()),
        }
    }

    /// The day of the month, if known.
    pub fn day(&self) -> Option<u32> {
        match *self {
            PartialDate::Full(d) => Some(d.day()),
            _ => None,
        }
    }

    /// Age in whole years on `on`, when it can be told for certain; `None` when the partial
    /// date leaves two possible ages.
    pub fn age_on(&self, on: NaiveDate) -> Option<i32> {
        let youngest = self.latest_possible();
        let oldest = self.earliest_possible();
        let age = |born: NaiveDate| on.years_since(born).map(|y| y as i32);
        match (age(oldest), age(youngest)) {
            (Some(a), Some(b)) if a == b => Some(a),
            _ => None,
        }
    }

    /// Highest age this date could mean on `on`, saturating at 0 for dates after `on`.
    pub fn max_age_on(&self, on: NaiveDate) -> i32 {
        on.years_since(self.earliest_possible())
            .map(|y| y as i32)
            .unwrap_or(0)
    }

    fn earliest_possible(&self) -> NaiveDate {
        match *self {
            PartialDate::Year(y) => NaiveDate::from_ymd_opt(y, 1, 1),
            PartialDate::YearMonth(y, m) => NaiveDate::from_ymd_opt(y, m, 1),
            PartialDate::Full(d) => Some(d),
        }
        .expect("invariant: partial dates are valid calendar positions")
    }

    fn latest_possible(&self) -> NaiveDate {
        match *self {
            PartialDate::Year(y) => NaiveDate::from_ymd_opt(y, 12, 31),
            PartialDate::YearMonth(y, m) => {
                let (ny, nm) = if m == 12 { (y + 1, 1) } else { (y, m + 1) };
                NaiveDate::from_ymd_opt(ny, nm, 1).and_then(|d| d.pred_opt())
            }
            PartialDate::Full(d) => Some(d),
        }
        .expect("invariant: partial dates are valid calendar positions")
    }
}

impl FromStr for PartialDate {
    type Err = ValueError;

    /// Accepts `YYYY-MM-DD`, `DD/MM/YYYY`, `YYYY-MM` or `YYYY`.
    fn from_str(s: &str) -> Result<Self, ValueError> {
        let text = s.trim();
        const HINT: &str = "not a date of birth: write YYYY-MM-DD, DD/MM/YYYY, YYYY-MM or YYYY";
        if text.len() == 4 {
            let year = digits4(text).ok_or_else(|| ValueError::new(HINT))?;
            return Ok(PartialDate::Year(year));
        }
        if text.len() == 7 && text.as_bytes()[4] == b'-' {
            let year = digits4(&text[..4]).ok_or_else(|| ValueError::new(HINT))?;
            let month: u32 = digits(&text[5..], 2).ok_or_else(|| ValueError::new(HINT))?;
            if !(1..=12).contains(&month) {
                return Err(ValueError::new("no such month"));
            }
            return Ok(PartialDate::YearMonth(year, month));
        }
        match parse_date(text) {
            Ok(d) => Ok(PartialDate::Full(d)),
            Err(e) if e.0.starts_with("not a date") => Err(ValueError::new(HINT)),
            Err(e) => Err(e),
        }
    }
}

fn digits4(text: &str) -> Option<i32> {
    let year = digits(text, 4)? as i32;
    (1000..=9999).contains(&year).then_some(year)
}

impl fmt::Display for PartialDate {
    /// The canonical writing: `YYYY`, `YYYY-MM` or `YYYY-MM-DD`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PartialDate::Year(y) => write!(f, "{y:04}"),
            PartialDate::YearMonth(y, m) => write!(f, "{y:04}-{m:02}"),
            PartialDate::Full(d) => write!(f, "{}", d.format("%Y-%m-%d")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check_date(input: &str, expect: &str) {
        let got = match parse_date(input) {
            Ok(d) => d.to_string(),
            Err(e) => format!("error: {e}"),
        };
        assert_eq!(got, expect, "input {input:?}");
    }

    #[test]
    fn full_dates() {
        check_date("2026-03-01", "2026-03-01");
        check_date(" 01/03/2026 ", "2026-03-01");
        check_date("1/3/2026", "2026-03-01");
        check_date("2026-02-30", "error: no such day in the calendar");
        check_date(
            "03/01/26",
            "error: not a date: write YYYY-MM-DD or DD/MM/YYYY",
        );
        check_date(
            "2026-3-1x",
            "error: not a date: write YYYY-MM-DD or DD/MM/YYYY",
        );
        check_date("", "error: not a date: write YYYY-MM-DD or DD/MM/YYYY");
        check_date(
            "１９９９-01-01",
            "error: not a date: write YYYY-MM-DD or DD/MM/YYYY",
        );
    }

    fn check_dob(input: &str, expect: &str) {
        let got = match input.parse::<PartialDate>() {
            Ok(d) => d.to_string(),
            Err(e) => format!("error: {e}"),
        };
        assert_eq!(got, expect, "input {input:?}");
    }

    #[test]
    fn dates_of_birth() {
        check_dob("2009", "2009");
        check_dob("2009-07", "2009-07");
        check_dob("2009-13", "error: no such month");
        check_dob("14/07/2009", "2009-07-14");
        check_dob("2009-07-14", "2009-07-14");
        check_dob(
            "July 2009",
            "error: not a date of birth: write YYYY-MM-DD, DD/MM/YYYY, YYYY-MM or YYYY",
        );
        check_dob(
            "0999",
            "error: not a date of birth: write YYYY-MM-DD, DD/MM/YYYY, YYYY-MM or YYYY",
        );
    }

    #[test]
    fn ages() {
        let on = NaiveDate::from_ymd_opt(2026, 6, 15).unwrap();
        assert_eq!(
            "2009-07-14".parse::<PartialDate>().unwrap().age_on(on),
            Some(16)
        );
        assert_eq!("2009-06".parse::<PartialDate>().unwrap().age_on(on), None);
        assert_eq!(
            "2009-05".parse::<PartialDate>().unwrap().age_on(on),
            Some(17)
        );
        assert_eq!("2009".parse::<PartialDate>().unwrap().age_on(on), None);
        assert_eq!("2009".parse::<PartialDate>().unwrap().max_age_on(on), 17);
    }
}
