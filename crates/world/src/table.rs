//! The tables of a return as rows of cells, independent of the container.
//!
//! A [`Table`] holds the header as the force writes it (any order, any case, stray
//! spaces) and cells that know whether they are text, a date, an integer or a
//! number, so the CSV writer can write text and the xlsx writer can write real date
//! and number cells. The column names are the spec's (`matrix-v1.md`), and this
//! module is their single source in the generator. It neither fills tables
//! (`render.rs`) nor writes them (`returns_writer.rs`, `xlsx_writer.rs`).

use std::borrow::Cow;

use crate::calendar::{Day, iso, uk};

/// `return` table columns.
pub(crate) const RETURN_COLUMNS: &[&str] = &["key", "value"];
/// `lines` table columns.
pub(crate) const LINE_COLUMNS: &[&str] = &[
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
/// `nominals` table columns.
pub(crate) const NOMINAL_COLUMNS: &[&str] = &[
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
/// `locations` table columns.
pub(crate) const LOCATION_COLUMNS: &[&str] = &[
    "location_ref",
    "address",
    "postcode",
    "kind",
    "line_refs",
    "nominal_refs",
    "first_reported",
    "grading",
];
/// `vehicles` table columns.
pub(crate) const VEHICLE_COLUMNS: &[&str] = &[
    "vrm",
    "make",
    "model",
    "colour",
    "kind",
    "line_refs",
    "nominal_refs",
    "grading",
];
/// `events` table columns.
pub(crate) const EVENT_COLUMNS: &[&str] = &[
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

/// How a date is written as text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum DateStyle {
    /// `YYYY-MM-DD`.
    Iso,
    /// `DD/MM/YYYY`.
    Uk,
}

/// One cell of a table.
#[derive(Clone, Debug)]
pub(crate) enum Cell {
    /// Not known.
    Empty,
    /// Text.
    Text(String),
    /// Text that needs no allocation (tokens, pool names).
    Static(&'static str),
    /// A full date, written as text in a style or as an xlsx date cell.
    Date(Day, DateStyle),
    /// An integer.
    Int(i64),
    /// A number (grams, pounds).
    Num(f64),
}

impl Cell {
    /// Text, or empty for an empty string.
    pub(crate) fn text(s: impl Into<String>) -> Cell {
        let s = s.into();
        if s.is_empty() {
            Cell::Empty
        } else {
            Cell::Text(s)
        }
    }

    /// An optional value as text.
    pub(crate) fn opt(s: Option<impl Into<String>>) -> Cell {
        s.map_or(Cell::Empty, Cell::text)
    }

    /// The cell as CSV text.
    pub(crate) fn as_text(&self) -> Cow<'_, str> {
        match self {
            Cell::Empty => Cow::Borrowed(""),
            Cell::Text(s) => Cow::Borrowed(s),
            Cell::Static(s) => Cow::Borrowed(s),
            Cell::Date(day, DateStyle::Iso) => Cow::Owned(iso(*day)),
            Cell::Date(day, DateStyle::Uk) => Cow::Owned(uk(*day)),
            Cell::Int(n) => Cow::Owned(n.to_string()),
            Cell::Num(x) if x.fract() == 0.0 => Cow::Owned(format!("{x:.0}")),
            Cell::Num(x) => Cow::Owned(format!("{x:.1}")),
        }
    }
}

/// A table as written.
#[derive(Clone, Debug)]
pub(crate) struct Table {
    /// The table (sheet or file) name.
    pub name: &'static str,
    /// Header cells as written. Invariant: same length as every row.
    pub header: Vec<String>,
    /// Rows.
    pub rows: Vec<Vec<Cell>>,
}

impl Table {
    /// Puts the columns in `order` (a permutation of the column indices) and
    /// writes the header names through `case`.
    pub(crate) fn arranged(
        name: &'static str,
        columns: &[&str],
        rows: Vec<Vec<Cell>>,
        order: &[usize],
        header: &dyn Fn(usize, &str) -> String,
    ) -> Table {
        debug_assert_eq!(order.len(), columns.len());
        let header = order.iter().map(|&i| header(i, columns[i])).collect();
        let rows = rows
            .into_iter()
            .map(|mut row| {
                debug_assert_eq!(row.len(), columns.len());
                order
                    .iter()
                    .map(|&i| std::mem::replace(&mut row[i], Cell::Empty))
                    .collect()
            })
            .collect();
        Table { name, header, rows }
    }
}
