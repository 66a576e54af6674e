//! Phone numbers, stored as E.164 (`+447700900123`) whatever UK writing the return used.
//!
//! UK numbers are read by their *shape* (country code 44, a national significant number of
//! nine or ten digits starting 1, 2, 3, 5, 7, 8 or 9), not by libphonenumber's allocation
//! tables: those reject numbers such as Ofcom's drama range `07700 900xxx`, which the
//! published format itself uses as its example, and numbers a line buys tomorrow may sit in
//! ranges the tables do not know yet. Every other country's number goes to the
//! `phonenumber` crate (libphonenumber's metadata) and must be valid there.

use std::fmt;
use std::str::FromStr;

use crate::ValueError;

/// A phone number in E.164 form.
///
/// Invariant: `+` followed by 8 to 15 ASCII digits.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct PhoneNumber(String);

impl PhoneNumber {
    /// The E.164 text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Whether the number is a UK one.
    pub fn is_uk(&self) -> bool {
        self.0.starts_with("+44")
    }

    /// Reads a number from any usual writing: `07700 900123`, `+44 7700 900123`,
    /// `+44 (0)7700 900123`, `0044 7700 900123`, `447700900123`, a mobile whose leading zero a
    /// spreadsheet dropped (`7700900123`), or an international number with its `+` or `00`.
    pub fn parse(text: &str) -> Result<PhoneNumber, ValueError> {
        // The digits, then (for a UK number) the number itself: "+44" takes the place of
        // whatever came before the national number, so one buffer serves both.
        let mut digits = String::with_capacity(16);
        let mut plus = false;
        let trimmed = text.trim();
        // "+44 (0)20 ..." carries a national trunk zero in brackets; it is not part of E.164.
        // The first "(0)" is skipped (a byte search: this runs for every number of every
        // return, and a substring searcher costs more to set up than the search).
        let (before, after) = match trimmed.as_bytes().windows(3).position(|w| w == b"(0)") {
            Some(at) => (&trimmed[..at], &trimmed[at + 3..]),
            None => (trimmed, ""),
        };
        for (i, ch) in before.chars().chain(after.chars()).enumerate() {
            match ch {
                '0'..='9' => digits.push(ch),
                '+' if i == 0 => plus = true,
                ' ' | '-' | '(' | ')' | '.' | '\u{a0}' | '\t' | '/' => {}
                _ => {
                    return Err(ValueError::new(
                        "not a phone number: only digits, spaces, +, -, ( ) allowed",
                    ));
                }
            }
        }
        if digits.is_empty() {
            return Err(ValueError::new("not a phone number: no digits"));
        }
        // Where the national number starts in `digits`, for a UK number.
        let international = if plus {
            Some(0)
        } else {
            digits.starts_with("00").then_some(2)
        };
        if let Some(start) = international {
            return if digits[start..].starts_with("44") {
                let national = start + 2;
                let trunk = usize::from(digits[national..].starts_with('0'));
                uk(digits, national + trunk)
            } else {
                foreign(&digits[start..])
            };
        }
        if digits.starts_with('0') {
            return uk(digits, 1);
        }
        if digits.len() == 12 && digits.starts_with("44") {
            return uk(digits, 2);
        }
        if digits.len() == 10 && digits.starts_with('7') {
            return uk(digits, 0);
        }
        Err(ValueError::new(
            "not a UK or international phone number: write 07700 900123, +44 7700 900123 or +<country code> ...",
        ))
    }
}

/// The UK number whose national significant number is `digits[start..]`.
fn uk(mut digits: String, start: usize) -> Result<PhoneNumber, ValueError> {
    let national = &digits[start..];
    let first = national.as_bytes().first().copied().unwrap_or(b'0');
    if !(9..=10).contains(&national.len())
        || !matches!(first, b'1' | b'2' | b'3' | b'5' | b'7' | b'8' | b'9')
    {
        return Err(ValueError::new(
            "not a UK phone number: after 0 (or +44) come 9 or 10 digits starting 1, 2, 3, 5, 7, 8 or 9",
        ));
    }
    digits.replace_range(..start, "+44");
    Ok(PhoneNumber(digits))
}

fn foreign(number: &str) -> Result<PhoneNumber, ValueError> {
    let candidate = format!("+{number}");
    let parsed = phonenumber::parse(None, &candidate)
        .map_err(|_| ValueError::new("not a phone number this country's numbering plan allows"))?;
    if !phonenumber::is_valid(&parsed) {
        return Err(ValueError::new(
            "not a phone number this country's numbering plan allows",
        ));
    }
    Ok(PhoneNumber(
        parsed.format().mode(phonenumber::Mode::E164).to_string(),
    ))
}

impl FromStr for PhoneNumber {
    type Err = ValueError;

    fn from_str(s: &str) -> Result<Self, ValueError> {
        PhoneNumber::parse(s)
    }
}

impl fmt::Display for PhoneNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(input: &str, expect: &str) {
        let got = match PhoneNumber::parse(input) {
            Ok(n) => n.to_string(),
            Err(e) => format!("error: {e}"),
        };
        assert_eq!(got, expect, "input {input:?}");
    }

    #[test]
    fn uk_writings_normalise_to_one_number() {
        for writing in [
            "07700 900123",
            "07700900123",
            "+44 7700 900123",
            "+44 (0)7700 900123",
            "447700900123",
            "0044 7700 900123",
            "07700-900-123",
            "(07700) 900123",
            "7700900123",
        ] {
            check(writing, "+447700900123");
        }
        check("020 7946 0018", "+442079460018");
        check("01632 960001", "+441632960001");
    }

    #[test]
    fn foreign_numbers_go_through_libphonenumber() {
        check("+1 202 555 0143", "+12025550143");
        check("+353 85 123 4567", "+353851234567");
        check(
            "+999 1234",
            "error: not a phone number this country's numbering plan allows",
        );
    }

    #[test]
    fn unreadable_numbers_are_errors() {
        check("", "error: not a phone number: no digits");
        check(
            "07700 9001",
            "error: not a UK phone number: after 0 (or +44) come 9 or 10 digits starting 1, 2, 3, 5, 7, 8 or 9",
        );
        check(
            "06700 900123",
            "error: not a UK phone number: after 0 (or +44) come 9 or 10 digits starting 1, 2, 3, 5, 7, 8 or 9",
        );
        check(
            "0770O 900123",
            "error: not a phone number: only digits, spaces, +, -, ( ) allowed",
        );
        check(
            "12345",
            "error: not a UK or international phone number: write 07700 900123, +44 7700 900123 or +<country code> ...",
        );
    }
}
