//! Identifiers of places, vehicles and people that forces write in many ways: postcodes,
//! vehicle registration marks and PNC ids, each with one canonical form.
//!
//! These check shape only; whether a postcode or VRM is actually issued needs reference data
//! (PAF, DVLA) this crate deliberately does not hold.

use std::fmt;
use std::str::FromStr;

use crate::ValueError;

/// A UK postcode, upper case with one space (`SW1A 1AA`).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Postcode(String);

impl Postcode {
    /// The canonical text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The outward code (`SW1A`), the part before the space.
    pub fn outward(&self) -> &str {
        self.0.split(' ').next().unwrap_or(&self.0)
    }

    /// The postcode district's area letters (`SW`).
    pub fn area(&self) -> &str {
        let outward = self.outward();
        let end = outward
            .find(|c: char| c.is_ascii_digit())
            .unwrap_or(outward.len());
        &outward[..end]
    }
}

impl FromStr for Postcode {
    type Err = ValueError;

    /// Accepts any spacing and case: `sw1a1aa`, `SW1A  1AA`.
    fn from_str(s: &str) -> Result<Self, ValueError> {
        const HINT: &str = "not a UK postcode (e.g. SW1A 1AA)";
        // The postcode without its spaces, upper case, in a buffer on the stack: every
        // person and place of every return has one, and a postcode is at most 7 letters.
        let mut compact = [0u8; 7];
        let mut len = 0;
        for c in s.chars().filter(|c| !c.is_whitespace()) {
            if !c.is_ascii() || len == compact.len() {
                return Err(ValueError::new(HINT));
            }
            compact[len] = (c as u8).to_ascii_uppercase();
            len += 1;
        }
        let compact = &compact[..len];
        if compact == b"GIR0AA" {
            return Ok(Postcode("GIR 0AA".into()));
        }
        if len < 5 {
            return Err(ValueError::new(HINT));
        }
        let (outward, inward) = compact.split_at(len - 3);
        let inward_ok = inward[0].is_ascii_digit()
            && inward[1].is_ascii_alphabetic()
            && inward[2].is_ascii_alphabetic();
        // Outward shapes: A9, A99, AA9, AA99, A9A, AA9A.
        let mut shape = [0u8; 4];
        for (mark, &c) in shape.iter_mut().zip(outward) {
            *mark = if c.is_ascii_digit() {
                b'9'
            } else if c.is_ascii_alphabetic() {
                b'A'
            } else {
                b'?'
            };
        }
        let outward_ok = matches!(
            &shape[..outward.len()],
            b"A9" | b"A99" | b"AA9" | b"AA99" | b"A9A" | b"AA9A"
        );
        if !inward_ok || !outward_ok {
            return Err(ValueError::new(HINT));
        }
        let mut text = String::with_capacity(len + 1);
        // ASCII throughout (checked above).
        text.extend(outward.iter().map(|&c| char::from(c)));
        text.push(' ');
        text.extend(inward.iter().map(|&c| char::from(c)));
        Ok(Postcode(text))
    }
}

impl fmt::Display for Postcode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A vehicle registration mark, upper case without spaces (`AB12CDE`).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Vrm(String);

impl Vrm {
    /// The canonical text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl FromStr for Vrm {
    type Err = ValueError;

    /// Accepts any spacing, hyphens and case. Current, prefix, suffix, dateless, Northern
    /// Irish and personalised marks all have 2 to 7 letters and digits with at least one of each.
    fn from_str(s: &str) -> Result<Self, ValueError> {
        let compact: String = s
            .chars()
            .filter(|c| !c.is_whitespace() && *c != '-')
            .collect::<String>()
            .to_ascii_uppercase();
        let ok = (2..=7).contains(&compact.len())
            && compact.bytes().all(|b| b.is_ascii_alphanumeric())
            && compact.bytes().any(|b| b.is_ascii_digit())
            && compact.bytes().any(|b| b.is_ascii_alphabetic());
        if !ok {
            return Err(ValueError::new(
                "not a UK registration mark: 2 to 7 letters and digits, with at least one of each",
            ));
        }
        Ok(Vrm(compact))
    }
}

impl fmt::Display for Vrm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A Police National Computer id, `YY/NNNNNNNL` with the number zero-padded to seven digits.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct PncId(String);

impl PncId {
    /// The canonical text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl FromStr for PncId {
    type Err = ValueError;

    /// Accepts `19/1234567A`, `19/123A` (leading zeros omitted), any case and spacing.
    /// The check letter is read but not verified: its algorithm is not published.
    fn from_str(s: &str) -> Result<Self, ValueError> {
        const HINT: &str = "not a PNC id: write YY/NNNNNNNL, e.g. 19/1234567A";
        let compact: String = s
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect::<String>()
            .to_ascii_uppercase();
        let (year, rest) = compact
            .split_once('/')
            .ok_or_else(|| ValueError::new(HINT))?;
        let year_ok = year.len() == 2 && year.bytes().all(|b| b.is_ascii_digit());
        let Some(letter) = rest.chars().last().filter(|c| c.is_ascii_uppercase()) else {
            return Err(ValueError::new(HINT));
        };
        let number = &rest[..rest.len() - 1];
        let number_ok =
            (1..=7).contains(&number.len()) && number.bytes().all(|b| b.is_ascii_digit());
        if !year_ok || !number_ok {
            return Err(ValueError::new(HINT));
        }
        let number: u32 = number.parse().map_err(|_| ValueError::new(HINT))?;
        Ok(PncId(format!("{year}/{number:07}{letter}")))
    }
}

impl fmt::Display for PncId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check<T: FromStr<Err = ValueError> + fmt::Display>(input: &str, expect: &str) {
        let got = match input.parse::<T>() {
            Ok(v) => v.to_string(),
            Err(e) => format!("error: {e}"),
        };
        assert_eq!(got, expect, "input {input:?}");
    }

    #[test]
    fn postcodes() {
        check::<Postcode>("sw1a1aa", "SW1A 1AA");
        check::<Postcode>(" L1  8JQ ", "L1 8JQ");
        check::<Postcode>("B33 8TH", "B33 8TH");
        check::<Postcode>("m1 1ae", "M1 1AE");
        check::<Postcode>("CR2 6XH", "CR2 6XH");
        check::<Postcode>("DN55 1PT", "DN55 1PT");
        check::<Postcode>("EC1A 1BB", "EC1A 1BB");
        check::<Postcode>("W1A 0AX", "W1A 0AX");
        check::<Postcode>("12345", "error: not a UK postcode (e.g. SW1A 1AA)");
        check::<Postcode>("SW1A", "error: not a UK postcode (e.g. SW1A 1AA)");
        check::<Postcode>("SW1A 1A1", "error: not a UK postcode (e.g. SW1A 1AA)");
        assert_eq!("sw1a 1aa".parse::<Postcode>().unwrap().area(), "SW");
    }

    #[test]
    fn vrms() {
        check::<Vrm>("ab12 cde", "AB12CDE");
        check::<Vrm>("A123 BCD", "A123BCD");
        check::<Vrm>("ABC 1", "ABC1");
        check::<Vrm>("AB12-CDE", "AB12CDE");
        check::<Vrm>(
            "ABCDEFGH",
            "error: not a UK registration mark: 2 to 7 letters and digits, with at least one of each",
        );
        check::<Vrm>(
            "ABCDE",
            "error: not a UK registration mark: 2 to 7 letters and digits, with at least one of each",
        );
        check::<Vrm>(
            "AB12 CD!",
            "error: not a UK registration mark: 2 to 7 letters and digits, with at least one of each",
        );
    }

    #[test]
    fn pnc_ids() {
        check::<PncId>("19/1234567A", "19/1234567A");
        check::<PncId>("19/123a", "19/0000123A");
        check::<PncId>("19 / 1234567 A", "19/1234567A");
        check::<PncId>(
            "1234567A",
            "error: not a PNC id: write YY/NNNNNNNL, e.g. 19/1234567A",
        );
        check::<PncId>(
            "19/12345678A",
            "error: not a PNC id: write YY/NNNNNNNL, e.g. 19/1234567A",
        );
        check::<PncId>(
            "19/1234567",
            "error: not a PNC id: write YY/NNNNNNNL, e.g. 19/1234567A",
        );
    }
}
