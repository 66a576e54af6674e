//! Identifiers and the many ways they are written: phone numbers, postcodes,
//! vehicle registration marks, PNC ids and handset IMEIs.
//!
//! Each identifier is generated in a canonical form that is valid (mobile numbers
//! only in ranges libphonenumber accepts as UK mobiles, not Ofcom's drama range;
//! geographic numbers under real dialling codes; postcodes and VRMs in their current
//! formats; PNC ids with their check letter; IMEIs with their Luhn digit) and then
//! written in any of the writings the spec allows. This module does not decide who
//! owns an identifier.

use std::collections::HashSet;

use crate::geography::Town;
use crate::rng::{WorldRng, chance, weighted};
use rand::RngExt as _;

/// UK mobile prefixes (after the trunk `0`) that libphonenumber accepts in full:
/// `07[1-5]`, `077`-`079` minus a few reserved sub-ranges. `0784`-`0789` are kept
/// back for the extra benchmark records ([`extra_mobile`]), so those never collide
/// with the world's own numbers.
const MOBILE_PREFIXES: &[u16] = &[
    710, 711, 712, 713, 714, 715, 716, 717, 718, 719, 720, 721, 722, 723, 724, 725, 726, 727, 728,
    729, 730, 731, 732, 733, 734, 735, 736, 737, 738, 739, 740, 741, 742, 743, 744, 746, 747, 748,
    749, 751, 753, 754, 755, 756, 757, 758, 759, 771, 772, 773, 774, 775, 776, 777, 780, 781, 790,
    792, 794, 795, 796, 797, 798, 799,
];

/// Hands out UK phone numbers, never the same one twice in a world.
#[derive(Default)]
pub(crate) struct NumberPool {
    used: HashSet<u64>,
}

impl NumberPool {
    /// A fresh mobile number: its national significant number (10 digits, `7...`).
    pub(crate) fn mobile(&mut self, rng: &mut WorldRng) -> u64 {
        // Newer ranges (074-075, 078-079) are the commonest on cheap handsets.
        loop {
            let prefix = u64::from(MOBILE_PREFIXES[rng.random_range(0..MOBILE_PREFIXES.len())]);
            let nsn = prefix * 10_000_000 + rng.random_range(0..10_000_000u64);
            if self.used.insert(nsn) {
                return nsn;
            }
        }
    }

    /// A fresh geographic (landline) number in a town's dialling code.
    pub(crate) fn landline(&mut self, rng: &mut WorldRng, town: &Town) -> u64 {
        let code: u64 = town.dialling.parse().unwrap_or(161);
        let code_len = town.dialling.len() as u32;
        let rest_len = 10 - code_len;
        // Subscriber numbers never start 0 or 1; under the big-city 011x and 0121
        // codes only some first digits are in use.
        let first_hi = if code_len == 3 && town.dialling.starts_with('1') {
            4
        } else {
            9
        };
        loop {
            let first = rng.random_range(2..=first_hi);
            let tail = rng.random_range(0..10u64.pow(rest_len - 1));
            let nsn = code * 10u64.pow(rest_len) + first * 10u64.pow(rest_len - 1) + tail;
            if self.used.insert(nsn) {
                return nsn;
            }
        }
    }
}

/// The mobile number of extra benchmark record `index`: a bijection of the index
/// onto `0784`-`0789`, so numbers are unique without remembering them.
pub(crate) fn extra_mobile(index: u64) -> u64 {
    const RANGE: u64 = 60_000_000;
    7_840_000_000 + (index.wrapping_mul(7_777_777).wrapping_add(12_345)) % RANGE
}

/// Ways of writing a UK number, all accepted by the spec.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum PhoneStyle {
    /// `07700 900123` / `020 7946 0123`.
    NationalSpaced,
    /// `07700900123`.
    NationalCompact,
    /// `07700 900 123`.
    NationalGrouped,
    /// `+44 7700 900123`.
    InternationalSpaced,
    /// `+447700900123`.
    E164,
    /// `447700900123`.
    InternationalNoPlus,
}

impl PhoneStyle {
    /// A writing style, weighted towards how police systems usually hold numbers.
    pub(crate) fn random(rng: &mut WorldRng) -> PhoneStyle {
        weighted(
            rng,
            &[
                (PhoneStyle::NationalSpaced, 35),
                (PhoneStyle::NationalCompact, 30),
                (PhoneStyle::NationalGrouped, 5),
                (PhoneStyle::InternationalSpaced, 12),
                (PhoneStyle::E164, 12),
                (PhoneStyle::InternationalNoPlus, 6),
            ],
        )
    }
}

/// The length of the area code of a geographic number (`20`, `161`, `1603`) or
/// the mobile "area" (`7700`), which decides where the space goes.
fn code_len(digits: &str) -> usize {
    let b = digits.as_bytes();
    match b[0] {
        b'2' => 2,
        b'1' if b[1] == b'1' || b[2] == b'1' => 3,
        _ => 4,
    }
}

/// Writes a number in a style.
pub(crate) fn write_phone(nsn: u64, style: PhoneStyle) -> String {
    let digits = nsn.to_string();
    let split = code_len(&digits);
    let (code, rest) = digits.split_at(split);
    // Geographic numbers with a 2- or 3-digit code are written `020 7946 0123`.
    let rest_spaced = if split <= 3 && rest.len() > 4 {
        format!("{} {}", &rest[..rest.len() - 4], &rest[rest.len() - 4..])
    } else {
        rest.to_string()
    };
    match style {
        PhoneStyle::NationalSpaced => format!("0{code} {rest_spaced}"),
        PhoneStyle::NationalCompact => format!("0{digits}"),
        PhoneStyle::NationalGrouped if rest.len() == 6 => {
            format!("0{code} {} {}", &rest[..3], &rest[3..])
        }
        PhoneStyle::NationalGrouped => format!("0{code} {rest_spaced}"),
        PhoneStyle::InternationalSpaced => format!("+44 {code} {rest_spaced}"),
        PhoneStyle::E164 => format!("+44{digits}"),
        PhoneStyle::InternationalNoPlus => format!("44{digits}"),
    }
}

/// Letters used in the inward part of a postcode.
const INWARD_LETTERS: &[u8] = b"ABDEFGHJLNPQRSTUWXYZ";

/// A postcode in a town, canonical form (`SE15 4QR`).
pub(crate) fn postcode(rng: &mut WorldRng, town: &Town) -> String {
    let district = rng.random_range(town.district_lo..=town.district_hi);
    let a = INWARD_LETTERS[rng.random_range(0..INWARD_LETTERS.len())] as char;
    let b = INWARD_LETTERS[rng.random_range(0..INWARD_LETTERS.len())] as char;
    format!(
        "{}{} {}{a}{b}",
        town.postcode_area,
        district,
        rng.random_range(1..10)
    )
}

/// A postcode written some way the spec accepts (any spacing, any case).
pub(crate) fn write_postcode(rng: &mut WorldRng, canonical: &str) -> String {
    let (outward, inward) = canonical.split_once(' ').unwrap_or((canonical, ""));
    match weighted(rng, &[(0u8, 55), (1, 15), (2, 12), (3, 8), (4, 10)]) {
        0 => canonical.to_string(),
        1 => format!("{outward}{inward}"),
        2 => canonical.to_lowercase(),
        3 => format!("{outward}  {inward}"),
        _ => format!("{outward} {}", inward.to_lowercase()),
    }
}

/// Letters used in a VRM (never I, Q or Z).
const VRM_LETTERS: &[u8] = b"ABCDEFGHJKLMNOPRSTUVWXY";
/// First letters of current-format memory tags.
const VRM_REGIONS: &[u8] = b"ABCDEFGHKLMNOPRSVWY";

/// A current-format VRM, canonical (`AB12CDE`).
pub(crate) fn vrm(rng: &mut WorldRng) -> String {
    let l = |rng: &mut WorldRng| VRM_LETTERS[rng.random_range(0..VRM_LETTERS.len())] as char;
    let region = VRM_REGIONS[rng.random_range(0..VRM_REGIONS.len())] as char;
    let year = rng.random_range(15..=25u32) + if chance(rng, 0.5) { 50 } else { 0 };
    format!("{region}{}{year:02}{}{}{}", l(rng), l(rng), l(rng), l(rng))
}

/// A VRM written with varied spacing and case.
pub(crate) fn write_vrm(rng: &mut WorldRng, canonical: &str) -> String {
    let (front, back) = canonical.split_at(4);
    match weighted(rng, &[(0u8, 50), (1, 30), (2, 10), (3, 10)]) {
        0 => format!("{front} {back}"),
        1 => canonical.to_string(),
        2 => format!("{front} {back}").to_lowercase(),
        _ => canonical.to_lowercase(),
    }
}

/// A Police National Computer id, `YY/NNNNNNNL`, with its check letter.
pub(crate) fn pnc_id(rng: &mut WorldRng, year: i32) -> String {
    let yy = (year.rem_euclid(100)) as u64;
    let serial = rng.random_range(1..10_000_000u64);
    const CHECK: &[u8] = b"ZABCDEFGHJKLMNPQRTUVWXY";
    let check = CHECK[((yy * 10_000_000 + serial) % 23) as usize] as char;
    format!("{yy:02}/{serial:07}{check}")
}

/// A 15-digit IMEI with a valid Luhn check digit.
pub(crate) fn imei(rng: &mut WorldRng) -> u64 {
    // Type allocation codes of cheap handsets start 35 or 86.
    let tac_head: u64 = if chance(rng, 0.7) { 35 } else { 86 };
    let body = tac_head * 1_000_000_000_000 + rng.random_range(0..1_000_000_000_000u64);
    body * 10 + luhn_digit(body)
}

/// The Luhn check digit of a number (the digit to append).
fn luhn_digit(body: u64) -> u64 {
    let mut sum = 0;
    let mut n = body;
    let mut double = true;
    while n > 0 {
        let mut d = n % 10;
        if double {
            d *= 2;
            if d > 9 {
                d -= 9;
            }
        }
        sum += d;
        double = !double;
        n /= 10;
    }
    (10 - sum % 10) % 10
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::rng_for;

    #[test]
    fn phone_writings() {
        let mobile = 7_712_345_678;
        assert_eq!(
            write_phone(mobile, PhoneStyle::NationalSpaced),
            "07712 345678"
        );
        assert_eq!(
            write_phone(mobile, PhoneStyle::NationalGrouped),
            "07712 345 678"
        );
        assert_eq!(
            write_phone(mobile, PhoneStyle::InternationalSpaced),
            "+44 7712 345678"
        );
        assert_eq!(write_phone(mobile, PhoneStyle::E164), "+447712345678");
        assert_eq!(
            write_phone(mobile, PhoneStyle::InternationalNoPlus),
            "447712345678"
        );
        assert_eq!(
            write_phone(2_079_460_123, PhoneStyle::NationalSpaced),
            "020 7946 0123"
        );
        assert_eq!(
            write_phone(1_614_960_123, PhoneStyle::NationalSpaced),
            "0161 496 0123"
        );
        assert_eq!(
            write_phone(1_603_123_456, PhoneStyle::NationalSpaced),
            "01603 123456"
        );
    }

    #[test]
    fn identifiers_are_well_formed() {
        let mut rng = rng_for(3, "ids", 0, 0);
        let mut pool = NumberPool::default();
        for _ in 0..100 {
            let m = pool.mobile(&mut rng).to_string();
            assert_eq!(m.len(), 10);
            assert!(m.starts_with('7'));
            let v = vrm(&mut rng);
            assert_eq!(v.len(), 7);
            let p = pnc_id(&mut rng, 2019);
            assert!(p.starts_with("19/") && p.len() == 11);
            let i = imei(&mut rng);
            assert_eq!(i.to_string().len(), 15);
            assert_eq!(luhn_digit(i / 10), i % 10);
        }
        // The worked IMEI example from the GSMA: 49015420323751-8.
        assert_eq!(luhn_digit(49_015_420_323_751), 8);
    }
}
