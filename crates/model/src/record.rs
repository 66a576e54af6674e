//! The intelligence return (`matrix-v1`) as validated records: one struct per table, every
//! value already in its canonical type.
//!
//! A record keeps the row it came from (`row`, 1-based, the header being row 1) so that every
//! derived fact can point back at what was submitted. Records are never edited after import;
//! a resubmission is a new [`Return`].

use std::fmt;
use std::str::FromStr;

use chrono::{Datelike, NaiveDate};

use crate::{
    Drug, EventKind, ForceCode, Gender, Grading, LineStatus, LocationKind, PartialDate,
    PhoneNumber, PncId, Postcode, Role, ValueError, VehicleKind, Violence, Vrm, Vulnerability,
    Weapon, YesNo,
};

/// Defines a newtype for a force's own reference to a record.
macro_rules! reference {
    ($(#[$meta:meta])* $name:ident) => {
        $(#[$meta])*
        ///
        /// Invariant: non-empty and trimmed; unique within its table in one return.
        #[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub struct $name(pub String);

        impl $name {
            /// The reference as the force wrote it (trimmed).
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }
    };
}

reference!(
    /// The force's own id for a line.
    LineRef
);
reference!(
    /// The force's own id for a person.
    NominalRef
);
reference!(
    /// The force's own id for a place.
    LocationRef
);
reference!(
    /// The force's own id for an event.
    EventRef
);

/// A reporting month.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Period {
    year: i32,
    month: u32,
}

impl Period {
    /// The period of `year`-`month`; `None` for a month outside 1..=12.
    pub fn new(year: i32, month: u32) -> Option<Period> {
        ((1..=12).contains(&month) && (1000..=9999).contains(&year))
            .then_some(Period { year, month })
    }

    /// The year.
    pub fn year(&self) -> i32 {
        self.year
    }

    /// The month, 1 to 12.
    pub fn month(&self) -> u32 {
        self.month
    }

    /// The first day of the month.
    pub fn first_day(&self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.year, self.month, 1).expect("invariant: valid period")
    }

    /// The last day of the month.
    pub fn last_day(&self) -> NaiveDate {
        self.next()
            .first_day()
            .pred_opt()
            .expect("invariant: valid period")
    }

    /// The following month.
    pub fn next(&self) -> Period {
        if self.month == 12 {
            Period {
                year: self.year + 1,
                month: 1,
            }
        } else {
            Period {
                year: self.year,
                month: self.month + 1,
            }
        }
    }

    /// The period containing `date`.
    pub fn of(date: NaiveDate) -> Period {
        Period {
            year: date.year(),
            month: date.month(),
        }
    }
}

impl FromStr for Period {
    type Err = ValueError;

    /// Accepts `YYYY-MM`.
    fn from_str(s: &str) -> Result<Self, ValueError> {
        let text = s.trim();
        let hint = || ValueError::new("not a period: write YYYY-MM");
        let (year, month) = text.split_once('-').ok_or_else(hint)?;
        if year.len() != 4 || month.len() != 2 {
            return Err(hint());
        }
        if !year
            .bytes()
            .chain(month.bytes())
            .all(|b| b.is_ascii_digit())
        {
            return Err(hint());
        }
        let year: i32 = year.parse().map_err(|_| hint())?;
        let month: u32 = month.parse().map_err(|_| hint())?;
        Period::new(year, month).ok_or_else(|| ValueError::new("no such month"))
    }
}

impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}", self.year, self.month)
    }
}

/// The `return` table: who submits which month.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReturnHeader {
    /// The submitting force.
    pub force: ForceCode,
    /// The month reported.
    pub period: Period,
    /// The format version, always 1 for `matrix-v1`.
    pub version: u32,
    /// Who compiled it (a role, not necessarily a name).
    pub submitted_by: String,
}

/// A county line as one force reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    /// Row in the `lines` table.
    pub row: u32,
    /// The force's id for the line.
    pub line_ref: LineRef,
    /// The brand it is known by.
    pub line_name: String,
    /// Deal numbers, E.164.
    pub deal_numbers: Vec<PhoneNumber>,
    /// The force it is run from.
    pub exporting_force: Option<ForceCode>,
    /// The town or borough it is run from.
    pub exporting_area: Option<String>,
    /// The towns or boroughs supplied.
    pub importing_areas: Vec<String>,
    /// Drugs supplied.
    pub drugs: Vec<Drug>,
    /// Status in this force.
    pub status: LineStatus,
    /// Worst violence known.
    pub violence: Option<Violence>,
    /// Weapons known.
    pub weapons: Vec<Weapon>,
    /// Whether it cuckoos homes.
    pub cuckooing: Option<YesNo>,
    /// Mapped organised crime group.
    pub ocg_urn: Option<String>,
    /// First reported.
    pub first_reported: Option<NaiveDate>,
    /// Last reported.
    pub last_reported: Option<NaiveDate>,
    /// Grading.
    pub grading: Grading,
    /// Free text.
    pub notes: Option<String>,
}

/// A person as one force links them to lines.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Nominal {
    /// Row in the `nominals` table.
    pub row: u32,
    /// The force's id for the person.
    pub nominal_ref: NominalRef,
    /// Surname as written.
    pub surname: Option<String>,
    /// Forenames as written.
    pub forenames: Option<String>,
    /// Street names and other names.
    pub aliases: Vec<String>,
    /// Date of birth, possibly partial.
    pub dob: Option<PartialDate>,
    /// Gender.
    pub gender: Option<Gender>,
    /// Police National Computer id.
    pub pnc_id: Option<PncId>,
    /// Address as written.
    pub address: Option<String>,
    /// Postcode.
    pub postcode: Option<Postcode>,
    /// Phone numbers, E.164.
    pub phone_numbers: Vec<PhoneNumber>,
    /// Role in the lines.
    pub role: Role,
    /// The lines the person is linked to (never empty).
    pub line_refs: Vec<LineRef>,
    /// Times come to police notice.
    pub times_come_to_notice: Option<u32>,
    /// Last contact with police.
    pub last_contact: Option<NaiveDate>,
    /// Vulnerability indicators.
    pub vulnerabilities: Vec<Vulnerability>,
    /// Grading.
    pub grading: Grading,
    /// Free text.
    pub notes: Option<String>,
}

/// A place linked to lines or people.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    /// Row in the `locations` table.
    pub row: u32,
    /// The force's id for the place.
    pub location_ref: LocationRef,
    /// Address as written.
    pub address: Option<String>,
    /// Postcode.
    pub postcode: Option<Postcode>,
    /// What the place is.
    pub kind: LocationKind,
    /// Lines using it.
    pub line_refs: Vec<LineRef>,
    /// Occupants or users.
    pub nominal_refs: Vec<NominalRef>,
    /// First reported.
    pub first_reported: Option<NaiveDate>,
    /// Grading.
    pub grading: Grading,
}

/// A vehicle linked to lines or people.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Vehicle {
    /// Row in the `vehicles` table.
    pub row: u32,
    /// Registration mark.
    pub vrm: Vrm,
    /// Make.
    pub make: Option<String>,
    /// Model.
    pub model: Option<String>,
    /// Colour.
    pub colour: Option<String>,
    /// How it is used.
    pub kind: Option<VehicleKind>,
    /// Lines using it.
    pub line_refs: Vec<LineRef>,
    /// People using it.
    pub nominal_refs: Vec<NominalRef>,
    /// Grading.
    pub grading: Grading,
}

/// Something that happened in the period.
#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    /// Row in the `events` table.
    pub row: u32,
    /// The force's id for the event.
    pub event_ref: EventRef,
    /// What happened.
    pub kind: EventKind,
    /// When.
    pub date: NaiveDate,
    /// People concerned.
    pub nominal_refs: Vec<NominalRef>,
    /// Lines concerned.
    pub line_refs: Vec<LineRef>,
    /// Place concerned.
    pub location_ref: Option<LocationRef>,
    /// Force area where it happened, when not the submitting force's.
    pub force_area: Option<ForceCode>,
    /// Grams, pounds or a count, by kind.
    pub quantity: Option<f64>,
    /// Free text, or `positive`/`negative` for NRM decisions.
    pub outcome: Option<String>,
    /// Free text.
    pub notes: Option<String>,
}

/// A whole validated return.
#[derive(Debug, Clone, PartialEq)]
pub struct Return {
    /// The `return` table.
    pub header: ReturnHeader,
    /// The `lines` table.
    pub lines: Vec<Line>,
    /// The `nominals` table.
    pub nominals: Vec<Nominal>,
    /// The `locations` table (empty when absent).
    pub locations: Vec<Location>,
    /// The `vehicles` table (empty when absent).
    pub vehicles: Vec<Vehicle>,
    /// The `events` table (empty when absent).
    pub events: Vec<Event>,
}

impl Return {
    /// Number of records in all tables (the header not counted).
    pub fn record_count(&self) -> usize {
        self.lines.len()
            + self.nominals.len()
            + self.locations.len()
            + self.vehicles.len()
            + self.events.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn periods() {
        let p: Period = "2026-02".parse().unwrap();
        assert_eq!(p.last_day().to_string(), "2026-02-28");
        assert_eq!(
            "2025-12".parse::<Period>().unwrap().next().to_string(),
            "2026-01"
        );
        assert!("2026-13".parse::<Period>().is_err());
        assert!("2026-1".parse::<Period>().is_err());
        assert!("26-01".parse::<Period>().is_err());
    }
}
