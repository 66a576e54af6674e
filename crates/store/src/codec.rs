//! The one mapping between validated records and the text columns every backend stores.
//!
//! Each table is stored with `return_id` and `row` followed by the columns named here, in
//! this order, holding each value's canonical writing; a list is stored `;`-joined and an empty
//! list or unknown value as NULL. Backends build their SQL from these lists, so SQLite and
//! PostgreSQL store the same text. Decoding re-reads the canonical writing and reports anything
//! else as [`Error::Corrupt`].

use std::fmt::Display;
use std::str::FromStr;

use model::record::{EventRef, LineRef, LocationRef, NominalRef};
use model::{Event, Line, Location, Nominal, ValueError, Vehicle};

use crate::{Error, Result};

/// A stored row's values after `return_id` and `row`.
pub type Columns = Vec<Option<String>>;

/// Columns of the stored `lines` table.
pub const LINE_COLUMNS: &[&str] = &[
    "line_ref",
    "line_name",
    "deal_numbers",
    "exporting_force",
    "exporting_area",
    "importing_areas",
    "drugs",
    "status",
    "violence",
    "weapons",
    "cuckooing",
    "ocg_urn",
    "first_reported",
    "last_reported",
    "grading",
    "notes",
];

/// Columns of the stored `nominals` table.
pub const NOMINAL_COLUMNS: &[&str] = &[
    "nominal_ref",
    "surname",
    "forenames",
    "aliases",
    "dob",
    "gender",
    "pnc_id",
    "address",
    "postcode",
    "phone_numbers",
    "role",
    "line_refs",
    "times_come_to_notice",
    "last_contact",
    "vulnerabilities",
    "grading",
    "notes",
];

/// Columns of the stored `locations` table.
pub const LOCATION_COLUMNS: &[&str] = &[
    "location_ref",
    "address",
    "postcode",
    "kind",
    "line_refs",
    "nominal_refs",
    "first_reported",
    "grading",
];

/// Columns of the stored `vehicles` table.
pub const VEHICLE_COLUMNS: &[&str] = &[
    "vrm",
    "make",
    "model",
    "colour",
    "kind",
    "line_refs",
    "nominal_refs",
    "grading",
];

/// Columns of the stored `events` table.
pub const EVENT_COLUMNS: &[&str] = &[
    "event_ref",
    "kind",
    "date",
    "nominal_refs",
    "line_refs",
    "location_ref",
    "force_area",
    "quantity",
    "outcome",
    "notes",
];

/// The stored record tables with their columns, in the order a return is written.
pub const RECORD_TABLES: &[(&str, &[&str])] = &[
    ("lines", LINE_COLUMNS),
    ("nominals", NOMINAL_COLUMNS),
    ("locations", LOCATION_COLUMNS),
    ("vehicles", VEHICLE_COLUMNS),
    ("events", EVENT_COLUMNS),
];

fn one<T: Display>(value: &Option<T>) -> Option<String> {
    value.as_ref().map(|v| v.to_string())
}

fn text(value: &Option<String>) -> Option<String> {
    value.clone()
}

fn list<T: Display>(values: &[T]) -> Option<String> {
    if values.is_empty() {
        return None;
    }
    let mut out = String::new();
    for (i, v) in values.iter().enumerate() {
        if i > 0 {
            out.push(';');
        }
        out.push_str(&v.to_string());
    }
    Some(out)
}

/// Encodes a line in [`LINE_COLUMNS`] order.
pub fn encode_line(l: &Line) -> Columns {
    vec![
        Some(l.line_ref.to_string()),
        Some(l.line_name.clone()),
        list(&l.deal_numbers),
        one(&l.exporting_force),
        text(&l.exporting_area),
        list(&l.importing_areas),
        list(&l.drugs),
        Some(l.status.to_string()),
        one(&l.violence),
        list(&l.weapons),
        one(&l.cuckooing),
        text(&l.ocg_urn),
        one(&l.first_reported),
        one(&l.last_reported),
        Some(l.grading.to_string()),
        text(&l.notes),
    ]
}

/// Encodes a nominal in [`NOMINAL_COLUMNS`] order.
pub fn encode_nominal(n: &Nominal) -> Columns {
    vec![
        Some(n.nominal_ref.to_string()),
        text(&n.surname),
        text(&n.forenames),
        list(&n.aliases),
        one(&n.dob),
        one(&n.gender),
        one(&n.pnc_id),
        text(&n.address),
        one(&n.postcode),
        list(&n.phone_numbers),
        Some(n.role.to_string()),
        list(&n.line_refs),
        one(&n.times_come_to_notice),
        one(&n.last_contact),
        list(&n.vulnerabilities),
        Some(n.grading.to_string()),
        text(&n.notes),
    ]
}

/// Encodes a location in [`LOCATION_COLUMNS`] order.
pub fn encode_location(l: &Location) -> Columns {
    vec![
        Some(l.location_ref.to_string()),
        text(&l.address),
        one(&l.postcode),
        Some(l.kind.to_string()),
        list(&l.line_refs),
        list(&l.nominal_refs),
        one(&l.first_reported),
        Some(l.grading.to_string()),
    ]
}

/// Encodes a vehicle in [`VEHICLE_COLUMNS`] order.
pub fn encode_vehicle(v: &Vehicle) -> Columns {
    vec![
        Some(v.vrm.to_string()),
        text(&v.make),
        text(&v.model),
        text(&v.colour),
        one(&v.kind),
        list(&v.line_refs),
        list(&v.nominal_refs),
        Some(v.grading.to_string()),
    ]
}

/// Encodes an event in [`EVENT_COLUMNS`] order.
pub fn encode_event(e: &Event) -> Columns {
    vec![
        Some(e.event_ref.to_string()),
        Some(e.kind.to_string()),
        Some(e.date.to_string()),
        list(&e.nominal_refs),
        list(&e.line_refs),
        one(&e.location_ref),
        one(&e.force_area),
        one(&e.quantity),
        text(&e.outcome),
        text(&e.notes),
    ]
}

/// Reads stored columns back, naming the table and column of anything unreadable.
struct Reader<'a> {
    table: &'static str,
    names: &'static [&'static str],
    cols: &'a [Option<String>],
}

impl<'a> Reader<'a> {
    fn new(
        table: &'static str,
        names: &'static [&'static str],
        cols: &'a [Option<String>],
    ) -> Result<Self> {
        if cols.len() != names.len() {
            return Err(Error::Corrupt {
                table,
                column: "*",
                reason: format!("expected {} columns, found {}", names.len(), cols.len()),
            });
        }
        Ok(Reader { table, names, cols })
    }

    fn corrupt(&self, i: usize, reason: impl Into<String>) -> Error {
        Error::Corrupt {
            table: self.table,
            column: self.names[i],
            reason: reason.into(),
        }
    }

    fn text(&self, i: usize) -> Option<String> {
        self.cols[i].clone()
    }

    fn required(&self, i: usize) -> Result<String> {
        self.cols[i]
            .clone()
            .ok_or_else(|| self.corrupt(i, "missing a required value"))
    }

    fn one<T: FromStr>(&self, i: usize) -> Result<Option<T>>
    where
        T::Err: Display,
    {
        match &self.cols[i] {
            None => Ok(None),
            Some(s) => s
                .parse()
                .map(Some)
                .map_err(|e: T::Err| self.corrupt(i, format!("{s:?}: {e}"))),
        }
    }

    fn req<T: FromStr>(&self, i: usize) -> Result<T>
    where
        T::Err: Display,
    {
        self.one(i)?
            .ok_or_else(|| self.corrupt(i, "missing a required value"))
    }

    fn list<T: FromStr>(&self, i: usize) -> Result<Vec<T>>
    where
        T::Err: Display,
    {
        match &self.cols[i] {
            None => Ok(Vec::new()),
            Some(s) => s
                .split(';')
                .map(|part| {
                    part.parse()
                        .map_err(|e: T::Err| self.corrupt(i, format!("{part:?}: {e}")))
                })
                .collect(),
        }
    }

    fn refs<T>(&self, i: usize, make: fn(String) -> T) -> Vec<T> {
        match &self.cols[i] {
            None => Vec::new(),
            Some(s) => s.split(';').map(|p| make(p.to_string())).collect(),
        }
    }

    fn texts(&self, i: usize) -> Vec<String> {
        self.refs(i, |s| s)
    }
}

/// Parses a date stored by [`encode_line`] and friends.
struct StoredDate(chrono::NaiveDate);

impl FromStr for StoredDate {
    type Err = ValueError;

    fn from_str(s: &str) -> Result<Self, ValueError> {
        model::parse_date(s).map(StoredDate)
    }
}

fn date(d: Option<StoredDate>) -> Option<chrono::NaiveDate> {
    d.map(|d| d.0)
}

/// Decodes a stored line.
pub fn decode_line(row: u32, cols: &[Option<String>]) -> Result<Line> {
    let r = Reader::new("lines", LINE_COLUMNS, cols)?;
    Ok(Line {
        row,
        line_ref: LineRef(r.required(0)?),
        line_name: r.required(1)?,
        deal_numbers: r.list(2)?,
        exporting_force: r.one(3)?,
        exporting_area: r.text(4),
        importing_areas: r.texts(5),
        drugs: r.list(6)?,
        status: r.req(7)?,
        violence: r.one(8)?,
        weapons: r.list(9)?,
        cuckooing: r.one(10)?,
        ocg_urn: r.text(11),
        first_reported: date(r.one(12)?),
        last_reported: date(r.one(13)?),
        grading: r.req(14)?,
        notes: r.text(15),
    })
}

/// Decodes a stored nominal.
pub fn decode_nominal(row: u32, cols: &[Option<String>]) -> Result<Nominal> {
    let r = Reader::new("nominals", NOMINAL_COLUMNS, cols)?;
    Ok(Nominal {
        row,
        nominal_ref: NominalRef(r.required(0)?),
        surname: r.text(1),
        forenames: r.text(2),
        aliases: r.texts(3),
        dob: r.one(4)?,
        gender: r.one(5)?,
        pnc_id: r.one(6)?,
        address: r.text(7),
        postcode: r.one(8)?,
        phone_numbers: r.list(9)?,
        role: r.req(10)?,
        line_refs: r.refs(11, LineRef),
        times_come_to_notice: r.one(12)?,
        last_contact: date(r.one(13)?),
        vulnerabilities: r.list(14)?,
        grading: r.req(15)?,
        notes: r.text(16),
    })
}

/// Decodes a stored location.
pub fn decode_location(row: u32, cols: &[Option<String>]) -> Result<Location> {
    let r = Reader::new("locations", LOCATION_COLUMNS, cols)?;
    Ok(Location {
        row,
        location_ref: LocationRef(r.required(0)?),
        address: r.text(1),
        postcode: r.one(2)?,
        kind: r.req(3)?,
        line_refs: r.refs(4, LineRef),
        nominal_refs: r.refs(5, NominalRef),
        first_reported: date(r.one(6)?),
        grading: r.req(7)?,
    })
}

/// Decodes a stored vehicle.
pub fn decode_vehicle(row: u32, cols: &[Option<String>]) -> Result<Vehicle> {
    let r = Reader::new("vehicles", VEHICLE_COLUMNS, cols)?;
    Ok(Vehicle {
        row,
        vrm: r.req(0)?,
        make: r.text(1),
        model: r.text(2),
        colour: r.text(3),
        kind: r.one(4)?,
        line_refs: r.refs(5, LineRef),
        nominal_refs: r.refs(6, NominalRef),
        grading: r.req(7)?,
    })
}

/// Decodes a stored event.
pub fn decode_event(row: u32, cols: &[Option<String>]) -> Result<Event> {
    let r = Reader::new("events", EVENT_COLUMNS, cols)?;
    Ok(Event {
        row,
        event_ref: EventRef(r.required(0)?),
        kind: r.req(1)?,
        date: r.req::<StoredDate>(2)?.0,
        nominal_refs: r.refs(3, NominalRef),
        line_refs: r.refs(4, LineRef),
        location_ref: r.text(5).map(LocationRef),
        force_area: r.one(6)?,
        quantity: r.one(7)?,
        outcome: r.text(8),
        notes: r.text(9),
    })
}

/// Forces `;`-joined, or NULL for none, as lists are stored.
pub fn force_list(forces: &[model::ForceCode]) -> Option<String> {
    (!forces.is_empty()).then(|| {
        forces
            .iter()
            .map(|f| f.as_str())
            .collect::<Vec<_>>()
            .join(";")
    })
}

/// Reads a stored force list back.
pub fn decode_force_list(
    table: &'static str,
    column: &'static str,
    text: Option<&str>,
) -> Result<Vec<model::ForceCode>> {
    match text {
        None => Ok(Vec::new()),
        Some(text) => text
            .split(';')
            .map(|f| decode_text(table, column, f))
            .collect(),
    }
}

fn decode_text<T: FromStr>(table: &'static str, column: &'static str, text: &str) -> Result<T>
where
    T::Err: Display,
{
    text.parse().map_err(|e: T::Err| Error::Corrupt {
        table,
        column,
        reason: format!("{text:?}: {e}"),
    })
}

/// Decodes stored record references, parsing each distinct force and period text once: a
/// national read returns a million members from a few dozen forces and periods.
#[derive(Default)]
pub struct RefDecoder {
    forces: std::collections::HashMap<String, model::ForceCode>,
    periods: std::collections::HashMap<String, model::Period>,
}

impl RefDecoder {
    /// The reference stored as `force`, `period`, `reference` in the named columns.
    pub fn record(
        &mut self,
        table: &'static str,
        columns: [&'static str; 3],
        force: &str,
        period: &str,
        reference: String,
    ) -> Result<crate::RecordRef> {
        let force = match self.forces.get(force) {
            Some(f) => f.clone(),
            None => {
                let parsed: model::ForceCode = decode_text(table, columns[0], force)?;
                self.forces.insert(force.to_string(), parsed.clone());
                parsed
            }
        };
        let period = match self.periods.get(period) {
            Some(p) => *p,
            None => {
                let parsed: model::Period = decode_text(table, columns[1], period)?;
                self.periods.insert(period.to_string(), parsed);
                parsed
            }
        };
        Ok(crate::RecordRef {
            force,
            period,
            reference,
        })
    }
}
