//! Street addresses: inventing them, and writing them the way different forces do.
//!
//! An address is held in parts (flat, number, street, town, postcode) so that one
//! real address can be written "Flat 3, 12 High Street, Reading" by one force and
//! "3/12 High St" by another. Named premises (hotels, stations, schools, care
//! homes) carry their name. This module does not decide who lives where.

use crate::geography::Town;
use crate::identifiers::postcode;
use crate::rng::{WorldRng, chance, pick_str, weighted};
use rand::RngExt as _;

const STREETS: &[&str] = &[
    "High",
    "Church",
    "Station",
    "Victoria",
    "Park",
    "Mill",
    "London",
    "Queen's",
    "King's",
    "Albert",
    "Manor",
    "Grove",
    "Windsor",
    "Springfield",
    "Oak",
    "Elm",
    "Cedar",
    "Beech",
    "Ash",
    "Willow",
    "Meadow",
    "Orchard",
    "Chapel",
    "School",
    "Market",
    "North",
    "South",
    "West",
    "Bridge",
    "Castle",
    "Green",
    "York",
    "Richmond",
    "Jubilee",
    "Coronation",
    "St John's",
    "St Mary's",
    "Nelson",
    "Wellington",
    "Cromwell",
    "Tudor",
    "Stanley",
    "Moorland",
    "Heath",
    "Brook",
    "Princes",
    "Alexandra",
    "Highfield",
    "Kingsway",
    "Marlborough",
];

/// Street types with the abbreviation forces use.
const STREET_TYPES: &[(&str, &str)] = &[
    ("Street", "St"),
    ("Road", "Rd"),
    ("Avenue", "Ave"),
    ("Close", "Cl"),
    ("Lane", "Ln"),
    ("Drive", "Dr"),
    ("Court", "Ct"),
    ("Way", "Way"),
    ("Gardens", "Gdns"),
    ("Crescent", "Cres"),
    ("Place", "Pl"),
    ("Terrace", "Terr"),
];

/// A postal address in parts.
#[derive(Clone, Debug)]
pub(crate) struct Address {
    /// A named premises ("Premier Inn Reading Central"), if any.
    pub premises: Option<String>,
    /// Flat number, if the address is a flat.
    pub flat: Option<u16>,
    /// House number.
    pub number: u16,
    /// Street name without its type ("High").
    pub street: &'static str,
    /// Index into [`STREET_TYPES`].
    street_type: usize,
    /// The town.
    pub town: &'static str,
    /// Canonical postcode (`RG1 4QR`).
    pub postcode: String,
}

impl Address {
    /// A residential address in a town; `flat_share` is the chance it is a flat.
    pub(crate) fn random(rng: &mut WorldRng, town: &'static Town, flat_share: f64) -> Address {
        Address {
            premises: None,
            flat: chance(rng, flat_share).then(|| rng.random_range(1..=24)),
            number: rng.random_range(1..=180),
            street: pick_str(rng, STREETS),
            street_type: rng.random_range(0..STREET_TYPES.len()),
            town: town.name,
            postcode: postcode(rng, town),
        }
    }

    /// Named premises in a town.
    pub(crate) fn premises(rng: &mut WorldRng, town: &'static Town, name: String) -> Address {
        let mut address = Address::random(rng, town, 0.0);
        address.premises = Some(name);
        address
    }

    /// The full, canonical writing: "Flat 3, 12 High Street, Reading".
    pub(crate) fn full(&self) -> String {
        self.write(AddressStyle::Full)
    }

    /// The address written in a style.
    pub(crate) fn write(&self, style: AddressStyle) -> String {
        let (long_type, short_type) = STREET_TYPES[self.street_type];
        let street_long = format!("{} {long_type}", self.street);
        let street_short = format!("{} {short_type}", self.street);
        let mut out = String::new();
        if let Some(name) = &self.premises {
            out.push_str(name);
            out.push_str(", ");
        }
        match style {
            AddressStyle::Full => {
                if let Some(flat) = self.flat {
                    out.push_str(&format!("Flat {flat}, "));
                }
                out.push_str(&format!("{} {street_long}, {}", self.number, self.town));
            }
            AddressStyle::Slashed => match self.flat {
                Some(flat) => out.push_str(&format!("{flat}/{} {street_short}", self.number)),
                None => out.push_str(&format!("{} {street_short}", self.number)),
            },
            AddressStyle::Abbreviated => {
                if let Some(flat) = self.flat {
                    out.push_str(&format!("Flat {flat} "));
                }
                out.push_str(&format!("{} {street_short}, {}", self.number, self.town));
            }
            AddressStyle::Upper => {
                if let Some(flat) = self.flat {
                    out.push_str(&format!("FLAT {flat} "));
                }
                out.push_str(&format!("{} {street_long}", self.number).to_uppercase());
            }
            AddressStyle::NoTown => {
                if let Some(flat) = self.flat {
                    out.push_str(&format!("F{flat} "));
                }
                out.push_str(&format!("{} {street_long}", self.number));
            }
        }
        out
    }
}

/// The ways forces write one address.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum AddressStyle {
    /// "Flat 3, 12 High Street, Reading".
    Full,
    /// "3/12 High St".
    Slashed,
    /// "Flat 3 12 High St, Reading".
    Abbreviated,
    /// "FLAT 3 12 HIGH STREET".
    Upper,
    /// "F3 12 High Street".
    NoTown,
}

impl AddressStyle {
    /// A style, weighted towards the full writing.
    pub(crate) fn random(rng: &mut WorldRng) -> AddressStyle {
        weighted(
            rng,
            &[
                (AddressStyle::Full, 45),
                (AddressStyle::Slashed, 15),
                (AddressStyle::Abbreviated, 20),
                (AddressStyle::Upper, 10),
                (AddressStyle::NoTown, 10),
            ],
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::rng_for;

    #[test]
    fn one_address_many_writings() {
        let address = Address {
            premises: None,
            flat: Some(3),
            number: 12,
            street: "High",
            street_type: 0,
            town: "Reading",
            postcode: "RG1 4QR".into(),
        };
        assert_eq!(address.full(), "Flat 3, 12 High Street, Reading");
        assert_eq!(address.write(AddressStyle::Slashed), "3/12 High St");
        assert_eq!(address.write(AddressStyle::Upper), "FLAT 3 12 HIGH STREET");
        let mut rng = rng_for(1, "addr", 0, 0);
        let _ = AddressStyle::random(&mut rng);
    }
}
