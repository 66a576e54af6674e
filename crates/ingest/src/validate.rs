//! Validates a return's raw tables against the published format (`matrix-v1`) and builds the
//! [`model::Return`], or reports every problem by table, row, column and value.
//!
//! It owns the format's rules that are not about single values: which tables must be there,
//! header matching (case-insensitive after trimming, any order; unknown, duplicate and missing
//! required columns are problems), the `return` table's exact keys, required cells, `;`-separated
//! lists (items trimmed, empty items ignored), refs unique within their table, and every ref
//! pointing at a row of the same return. An empty cell means "not known".
//!
//! Single values are read by `model`'s types (`FromStr`), never re-parsed here, and a problem's
//! reason is the type's own. Rows are validated in parallel chunks, each chunk collecting its
//! own bounded problems, merged in row order so that the output is deterministic.
//!
//! It deliberately does not judge plausibility (a `last_reported` before `first_reported`, a
//! date of birth in the future): those are data-quality findings for later stages, not reasons
//! to refuse a return.

use std::str::FromStr;
use std::sync::atomic::{AtomicBool, Ordering};

use chrono::NaiveDate;
use foldhash::HashMap;
use model::problem::Table;
use model::record::{EventRef, LineRef, LocationRef, NominalRef};
use model::{
    Event, EventKind, ForceCode, Line, Location, Nominal, NrmDecision, Period, Problem, Return,
    ReturnHeader, ValueError, Vehicle, parse_date,
};
use rayon::prelude::*;

use crate::problems::Problems;
use crate::table::{RawRow, RawTable};
use crate::{Budget, MAX_PROBLEMS, Parsed};

/// Rows per parallel work item: large enough that scheduling costs nothing, small enough that
/// two cores share a table evenly.
const CHUNK_ROWS: usize = 8_192;

/// Longest value quoted in a problem; longer ones are cut with `…`.
const MAX_VALUE_CHARS: usize = 200;

/// The only format version this importer reads.
const VERSION: u32 = 1;

/// A column of the published format.
#[derive(Debug, Clone, Copy)]
struct Col {
    name: &'static str,
    required: bool,
}

/// Declares a table's columns: an enum naming each (its discriminant is its index in the spec)
/// and the spec itself, in one place so that the two cannot disagree.
macro_rules! columns {
    ($(#[$meta:meta])* $kind:ident, $spec:ident { $($variant:ident = $name:literal, $required:literal;)+ }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy)]
        enum $kind {
            $($variant,)+
        }

        impl From<$kind> for usize {
            fn from(col: $kind) -> usize {
                col as usize
            }
        }

        const $spec: &[Col] = &[$(Col { name: $name, required: $required },)+];
    };
}

columns! {
    /// Columns of `return`.
    ReturnCol, RETURN_COLUMNS {
        Key = "key", true;
        Value = "value", true;
    }
}

columns! {
    /// Columns of `lines`.
    LineCol, LINE_COLUMNS {
        LineRef = "line_ref", true;
        LineName = "line_name", true;
        DealNumbers = "deal_numbers", false;
        ExportingForce = "exporting_force", false;
        ExportingArea = "exporting_area", false;
        ImportingAreas = "importing_areas", false;
        Drugs = "drugs", false;
        Status = "status", true;
        Violence = "violence", false;
        Weapons = "weapons", false;
        Cuckooing = "cuckooing", false;
        OcgUrn = "ocg_urn", false;
        FirstReported = "first_reported", false;
        LastReported = "last_reported", false;
        Grading = "grading", true;
        Notes = "notes", false;
    }
}

columns! {
    /// Columns of `nominals`.
    NominalCol, NOMINAL_COLUMNS {
        NominalRef = "nominal_ref", true;
        Surname = "surname", false;
        Forenames = "forenames", false;
        Aliases = "aliases", false;
        Dob = "dob", false;
        Gender = "gender", false;
        PncId = "pnc_id", false;
        Address = "address", false;
        Postcode = "postcode", false;
        PhoneNumbers = "phone_numbers", false;
        Role = "role", true;
        LineRefs = "line_refs", true;
        TimesComeToNotice = "times_come_to_notice", false;
        LastContact = "last_contact", false;
        Vulnerabilities = "vulnerabilities", false;
        Grading = "grading", true;
        Notes = "notes", false;
    }
}

columns! {
    /// Columns of `locations`.
    LocationCol, LOCATION_COLUMNS {
        LocationRef = "location_ref", true;
        Address = "address", false;
        Postcode = "postcode", false;
        Kind = "kind", true;
        LineRefs = "line_refs", false;
        NominalRefs = "nominal_refs", false;
        FirstReported = "first_reported", false;
        Grading = "grading", true;
    }
}

columns! {
    /// Columns of `vehicles`.
    VehicleCol, VEHICLE_COLUMNS {
        Vrm = "vrm", true;
        Make = "make", false;
        Model = "model", false;
        Colour = "colour", false;
        Kind = "kind", false;
        LineRefs = "line_refs", false;
        NominalRefs = "nominal_refs", false;
        Grading = "grading", true;
    }
}

columns! {
    /// Columns of `events`.
    EventCol, EVENT_COLUMNS {
        EventRef = "event_ref", true;
        Kind = "kind", true;
        Date = "date", true;
        NominalRefs = "nominal_refs", false;
        LineRefs = "line_refs", false;
        LocationRef = "location_ref", false;
        ForceArea = "force_area", false;
        Quantity = "quantity", false;
        Outcome = "outcome", false;
        Notes = "notes", false;
    }
}

/// The published columns of `table`.
fn spec(table: Table) -> &'static [Col] {
    match table {
        Table::Container => &[],
        Table::Return => RETURN_COLUMNS,
        Table::Lines => LINE_COLUMNS,
        Table::Nominals => NOMINAL_COLUMNS,
        Table::Locations => LOCATION_COLUMNS,
        Table::Vehicles => VEHICLE_COLUMNS,
        Table::Events => EVENT_COLUMNS,
    }
}

/// Validates the tables read from a container; `problems` holds what reading them found.
pub(crate) fn validate(tables: Vec<RawTable>, budget: &Budget, mut problems: Problems) -> Parsed {
    // One slot per table of the format, in `Table::ALL` order.
    let mut slots: [Option<RawTable>; 6] = Default::default();
    let mut table_problems: [Problems; 6] = std::array::from_fn(|_| Problems::new(MAX_PROBLEMS));
    for raw in tables {
        let Some(slot) = Table::ALL.iter().position(|table| *table == raw.table) else {
            continue;
        };
        match &slots[slot] {
            Some(first) => table_problems[slot].push(Problem {
                table: raw.table,
                row: None,
                column: None,
                value: Some(raw.name.clone()),
                reason: format!(
                    "a second {} table: {:?} is already read as that table",
                    raw.table, first.name
                ),
            }),
            None => slots[slot] = Some(raw),
        }
    }
    for (slot, table) in Table::ALL.iter().enumerate() {
        if table.is_required() && slots[slot].is_none() {
            table_problems[slot].push(Problem::table(
                *table,
                "missing required table: a return has return, lines and nominals tables",
            ));
        }
    }

    let headers: Vec<Header> = Table::ALL
        .iter()
        .enumerate()
        .map(|(slot, table)| match &slots[slot] {
            Some(raw) => Header::map(raw, spec(*table), &mut table_problems[slot]),
            None => Header::absent(spec(*table)),
        })
        .collect();
    let [
        return_raw,
        lines_raw,
        nominals_raw,
        locations_raw,
        vehicles_raw,
        events_raw,
    ] = &slots;
    let [
        return_problems,
        line_problems,
        nominal_problems,
        location_problems,
        vehicle_problems,
        event_problems,
    ] = &mut table_problems;

    let (header, force, period) = match return_raw {
        Some(raw) => validate_return_table(raw, &headers[0], return_problems),
        None => (None, None, None),
    };

    let line_index = RefIndex::build(lines_raw.as_ref(), &headers[1], LineCol::LineRef.into());
    let nominal_index = RefIndex::build(
        nominals_raw.as_ref(),
        &headers[2],
        NominalCol::NominalRef.into(),
    );
    let location_index = RefIndex::build(
        locations_raw.as_ref(),
        &headers[3],
        LocationCol::LocationRef.into(),
    );
    let event_index = RefIndex::build(events_raw.as_ref(), &headers[5], EventCol::EventRef.into());
    let known = Known {
        lines: &line_index,
        nominals: &nominal_index,
        locations: &location_index,
    };

    let expired = AtomicBool::new(false);
    let run = Run {
        budget,
        expired: &expired,
    };
    let lines = run.rows(lines_raw.as_ref(), &headers[1], line_problems, |row| {
        line(row, &known)
    });
    let nominals = run.rows(
        nominals_raw.as_ref(),
        &headers[2],
        nominal_problems,
        |row| nominal(row, &known),
    );
    let locations = run.rows(
        locations_raw.as_ref(),
        &headers[3],
        location_problems,
        |row| location(row, &known),
    );
    let vehicles = run.rows(
        vehicles_raw.as_ref(),
        &headers[4],
        vehicle_problems,
        |row| vehicle(row, &known),
    );
    let events = run.rows(events_raw.as_ref(), &headers[5], event_problems, |row| {
        event(row, &known, &event_index)
    });

    for found in table_problems {
        problems.append(found);
    }
    if expired.load(Ordering::Relaxed) {
        problems.push(budget.problem());
    }
    let ret = match header {
        Some(header) if problems.is_empty() => Some(Return {
            header,
            lines,
            nominals,
            locations,
            vehicles,
            events,
        }),
        _ => {
            if problems.is_empty() {
                // Unreachable by construction (a missing header is always reported); kept so
                // that `ret` is `None` only with a problem saying why.
                problems.push(Problem::table(
                    Table::Return,
                    "the return table could not be read",
                ));
            }
            None
        }
    };
    Parsed {
        ret,
        problems: problems.into_vec(),
        force,
        period,
    }
}

/// Where each published column of a table is in its header.
#[derive(Debug)]
struct Header {
    /// Per published column, its index in the raw rows, if the header has it.
    positions: Vec<Option<usize>>,
    /// Cells a row must have: up to the header's last named column.
    named_width: usize,
    /// How many cells the header has.
    width: usize,
    /// Header cells left blank: they must have no values below.
    unnamed: Vec<usize>,
}

impl Header {
    fn absent(spec: &[Col]) -> Header {
        Header {
            positions: vec![None; spec.len()],
            named_width: 0,
            width: 0,
            unnamed: Vec::new(),
        }
    }

    /// Matches a table's header to the published columns, reporting unknown, duplicate and
    /// missing required ones.
    fn map(raw: &RawTable, spec: &[Col], problems: &mut Problems) -> Header {
        let mut header = Header::absent(spec);
        if raw.header.is_empty() {
            // The reader has said the table is empty; missing columns would only repeat it.
            return header;
        }
        header.width = raw.header.len();
        for (index, written) in raw.header.iter().enumerate() {
            let name = written.trim();
            if name.is_empty() {
                header.unnamed.push(index);
                continue;
            }
            header.named_width = index + 1;
            match spec
                .iter()
                .position(|col| col.name.eq_ignore_ascii_case(name))
            {
                Some(col) if header.positions[col].is_some() => problems.push(Problem::cell(
                    raw.table,
                    1,
                    &shorten(name),
                    &shorten(name),
                    format!(
                        "duplicate column: {} appears more than once",
                        spec[col].name
                    ),
                )),
                Some(col) => header.positions[col] = Some(index),
                None => problems.push(Problem::cell(
                    raw.table,
                    1,
                    &shorten(name),
                    &shorten(name),
                    unknown_column(raw.table, name, spec),
                )),
            }
        }
        for (col, position) in spec.iter().zip(&header.positions) {
            if col.required && position.is_none() {
                problems.push(Problem {
                    table: raw.table,
                    row: Some(1),
                    column: Some(col.name.to_string()),
                    value: None,
                    reason: "missing required column".into(),
                });
            }
        }
        header
    }
}

fn unknown_column(table: Table, name: &str, spec: &[Col]) -> String {
    if name.contains(';') || name.contains('\t') {
        return "unknown column: the file looks separated by semicolons or tabs, but the format uses commas".into();
    }
    let names: Vec<&str> = spec.iter().map(|col| col.name).collect();
    format!(
        "unknown column: the {table} table's columns are {}",
        names.join(", ")
    )
}

/// The refs a table defines, and the rows that repeat one.
///
/// Its maps hash with foldhash, seeded at random per map, in place of the standard library's
/// SipHash: reading the returns of a million records took 3.8% less time (measured), and the
/// seed keeps collisions as unpredictable to a sender who would craft refs that collide.
#[derive(Debug, Default)]
struct RefIndex<'a> {
    /// Every ref, with the first row having it.
    first_row: HashMap<&'a str, u32>,
    /// Rows whose ref an earlier row already has, with that earlier row. Found while the
    /// index is built, so that validating a row needs no second lookup of its own ref.
    repeats: HashMap<u32, u32>,
}

impl<'a> RefIndex<'a> {
    fn build(raw: Option<&'a RawTable>, header: &Header, col: usize) -> RefIndex<'a> {
        let mut index = RefIndex::default();
        let (Some(raw), Some(position)) = (raw, header.positions[col]) else {
            return index;
        };
        index.first_row.reserve(raw.row_count());
        for row in raw.rows() {
            let cell = row.cell(position).trim();
            if cell.is_empty() {
                continue;
            }
            let first = *index.first_row.entry(cell).or_insert(row.row);
            if first != row.row {
                index.repeats.insert(row.row, first);
            }
        }
        index
    }

    fn contains(&self, reference: &str) -> bool {
        self.first_row.contains_key(reference)
    }
}

/// The refs rows may point at.
struct Known<'a> {
    lines: &'a RefIndex<'a>,
    nominals: &'a RefIndex<'a>,
    locations: &'a RefIndex<'a>,
}

/// Validates the `return` table: exactly the keys force, period, version and submitted_by.
fn validate_return_table(
    raw: &RawTable,
    header: &Header,
    problems: &mut Problems,
) -> (Option<ReturnHeader>, Option<ForceCode>, Option<Period>) {
    const KEYS: [&str; 4] = ["force", "period", "version", "submitted_by"];
    let mut force = None;
    let mut period = None;
    let mut version = None;
    let mut submitted_by = None;
    let mut seen: [Option<u32>; 4] = [None; 4];
    for raw_row in raw.rows() {
        let mut row = Row::new(Table::Return, raw_row, header, RETURN_COLUMNS, problems);
        if !row.check_shape() {
            continue;
        }
        let Some(key) = row.required_cell(ReturnCol::Key) else {
            continue;
        };
        let Some(slot) = KEYS
            .iter()
            .position(|known| known.eq_ignore_ascii_case(key))
        else {
            row.report(
                ReturnCol::Key,
                key,
                "unknown key: the return table's keys are force, period, version and submitted_by",
            );
            continue;
        };
        if let Some(first) = seen[slot] {
            row.report(
                ReturnCol::Key,
                key,
                format!("duplicate key: row {first} already gives {}", KEYS[slot]),
            );
            continue;
        }
        seen[slot] = Some(row.raw.row);
        let Some(value) = row.required_cell(ReturnCol::Value) else {
            continue;
        };
        match slot {
            0 => force = row.parse(ReturnCol::Value, value, ForceCode::from_str),
            1 => period = row.parse(ReturnCol::Value, value, Period::from_str),
            2 => version = row.parse(ReturnCol::Value, value, parse_version),
            _ => submitted_by = Some(value.to_string()),
        }
    }
    for (slot, key) in KEYS.iter().enumerate() {
        if seen[slot].is_none() && header.positions[ReturnCol::Key as usize].is_some() {
            problems.push(Problem {
                table: Table::Return,
                row: None,
                column: Some("key".into()),
                value: Some(key.to_string()),
                reason: "missing required key".into(),
            });
        }
    }
    let header = match (&force, period, version, submitted_by) {
        (Some(force), Some(period), Some(version), Some(submitted_by)) => Some(ReturnHeader {
            force: force.clone(),
            period,
            version,
            submitted_by,
        }),
        _ => None,
    };
    (header, force, period)
}

fn parse_version(text: &str) -> Result<u32, ValueError> {
    match text.parse::<u32>() {
        Ok(VERSION) => Ok(VERSION),
        Ok(_) => Err(ValueError::new(format!(
            "unsupported version: this importer reads version {VERSION}"
        ))),
        Err(_) => Err(ValueError::new(format!(
            "not a version number: write {VERSION}"
        ))),
    }
}

/// Runs a table's rows through a row validator in parallel chunks.
struct Run<'a> {
    budget: &'a Budget,
    expired: &'a AtomicBool,
}

impl Run<'_> {
    /// The records of every valid row, in row order; problems go to `problems` in row order.
    // `filter_map(|slot| slot)` is kept over `flatten()`: only it is collected in place.
    #[allow(clippy::filter_map_identity)]
    fn rows<T, F>(
        &self,
        raw: Option<&RawTable>,
        header: &Header,
        problems: &mut Problems,
        validate_row: F,
    ) -> Vec<T>
    where
        T: Send,
        F: Fn(&mut Row<'_, '_>) -> Option<T> + Sync,
    {
        let Some(raw) = raw else { return Vec::new() };
        let table = raw.table;
        let n_rows = raw.row_count();
        // Each chunk writes its records straight into their final place, so that a million
        // records are neither gathered per chunk and then copied, nor allocated twice.
        let mut slots: Vec<Option<T>> = Vec::with_capacity(n_rows);
        slots.resize_with(n_rows, || None);
        let chunk_problems: Vec<Problems> = slots
            .par_chunks_mut(CHUNK_ROWS)
            .enumerate()
            .map(|(chunk, out)| {
                let mut found = Problems::new(MAX_PROBLEMS);
                if self.expired.load(Ordering::Relaxed) || self.budget.expired() {
                    self.expired.store(true, Ordering::Relaxed);
                    return found;
                }
                let start = chunk * CHUNK_ROWS;
                for (offset, slot) in out.iter_mut().enumerate() {
                    let mut row = Row::new(
                        table,
                        raw.row(start + offset),
                        header,
                        spec(table),
                        &mut found,
                    );
                    if !row.check_shape() {
                        continue;
                    }
                    let record = validate_row(&mut row);
                    if row.ok {
                        *slot = record;
                    }
                }
                found
            })
            .collect();
        for found in chunk_problems {
            problems.append(found);
        }
        // `Option<T>` has `T`'s size here (a record holds a `String`), so `filter_map` reuses the
        // allocation (std collects it in place; `flatten` would not).
        slots.into_iter().filter_map(|slot| slot).collect()
    }
}

/// One row being validated: reads its cells by published column and reports problems.
struct Row<'a, 'p> {
    table: Table,
    raw: RawRow<'a>,
    header: &'a Header,
    spec: &'static [Col],
    problems: &'p mut Problems,
    /// Whether no problem was found in the row (and every required column is present).
    ok: bool,
}

impl<'a, 'p> Row<'a, 'p> {
    fn new(
        table: Table,
        raw: RawRow<'a>,
        header: &'a Header,
        spec: &'static [Col],
        problems: &'p mut Problems,
    ) -> Row<'a, 'p> {
        Row {
            table,
            raw,
            header,
            spec,
            problems,
            ok: true,
        }
    }

    /// Reports a row whose cells do not line up with the header, and values under unnamed
    /// header cells. Returns whether the row lines up: if it does not, its cells are not read,
    /// since a missing or extra comma shifts every value after it into the wrong column.
    fn check_shape(&mut self) -> bool {
        let n_cells = self.raw.len();
        let extra =
            (self.header.width..n_cells).any(|index| !self.raw.cell(index).trim().is_empty());
        if n_cells < self.header.named_width || extra {
            self.ok = false;
            self.problems.push(Problem {
                table: self.table,
                row: Some(self.raw.row),
                column: None,
                value: None,
                reason: format!(
                    "the row has {n_cells} cells but the header has {} columns",
                    self.header.width
                ),
            });
            return false;
        }
        for &index in &self.header.unnamed {
            let cell = self.raw.cell(index).trim();
            if !cell.is_empty() {
                self.ok = false;
                self.problems.push(Problem::cell(
                    self.table,
                    self.raw.row,
                    &format!("column {}", index + 1),
                    &shorten(cell),
                    "a value in a column without a name in the header",
                ));
            }
        }
        true
    }

    /// The trimmed cell of a published column; `None` when the header lacks the column.
    fn cell(&self, col: impl Into<usize>) -> Option<&'a str> {
        let position = self.header.positions[col.into()]?;
        Some(self.raw.cell(position).trim())
    }

    fn report(&mut self, col: impl Into<usize>, value: &str, reason: impl Into<String>) {
        self.ok = false;
        let name = self.spec[col.into()].name;
        self.problems.push(Problem::cell(
            self.table,
            self.raw.row,
            name,
            &shorten(value),
            reason,
        ));
    }

    /// The cell when it holds something; an empty cell means "not known".
    fn present(&self, col: impl Into<usize>) -> Option<&'a str> {
        self.cell(col).filter(|cell| !cell.is_empty())
    }

    /// The cell of a required column, reporting it when empty.
    fn required_cell(&mut self, col: impl Into<usize> + Copy) -> Option<&'a str> {
        let Some(cell) = self.cell(col) else {
            // The header problem already says the column is missing.
            self.ok = false;
            return None;
        };
        if cell.is_empty() {
            self.report(col, "", "a value is required");
            return None;
        }
        Some(cell)
    }

    fn parse<T>(
        &mut self,
        col: impl Into<usize>,
        cell: &str,
        read: impl FnOnce(&str) -> Result<T, ValueError>,
    ) -> Option<T> {
        match read(cell) {
            Ok(value) => Some(value),
            Err(err) => {
                self.report(col, cell, err.0);
                None
            }
        }
    }

    fn text(&self, col: impl Into<usize>) -> Option<String> {
        self.present(col).map(str::to_string)
    }

    fn required_text(&mut self, col: impl Into<usize> + Copy) -> Option<String> {
        self.required_cell(col).map(str::to_string)
    }

    fn value<T: FromStr<Err = ValueError>>(&mut self, col: impl Into<usize> + Copy) -> Option<T> {
        let cell = self.present(col)?;
        self.parse(col, cell, T::from_str)
    }

    fn required<T: FromStr<Err = ValueError>>(
        &mut self,
        col: impl Into<usize> + Copy,
    ) -> Option<T> {
        let cell = self.required_cell(col)?;
        self.parse(col, cell, T::from_str)
    }

    fn date(&mut self, col: impl Into<usize> + Copy) -> Option<NaiveDate> {
        let cell = self.present(col)?;
        self.parse(col, cell, parse_date)
    }

    /// The `;`-separated items of a cell, trimmed, empty ones dropped.
    fn items(&self, col: usize) -> impl Iterator<Item = &'a str> + use<'a, 'p> {
        self.present(col)
            .unwrap_or_default()
            .split(';')
            .map(str::trim)
            .filter(|item| !item.is_empty())
    }

    fn list<T: FromStr<Err = ValueError>>(&mut self, col: impl Into<usize> + Copy) -> Vec<T> {
        let mut values = Vec::new();
        for item in self.items(col.into()) {
            values.extend(self.parse(col, item, T::from_str));
        }
        values
    }

    fn text_list(&self, col: impl Into<usize>) -> Vec<String> {
        self.items(col.into()).map(str::to_string).collect()
    }

    /// The row's own ref, reported when another row already has it.
    fn own_ref(&mut self, col: impl Into<usize> + Copy, index: &RefIndex<'_>) -> Option<String> {
        let cell = self.required_cell(col)?;
        let name = self.spec[col.into()].name;
        if let Some(&first) = index.repeats.get(&self.raw.row) {
            self.report(
                col,
                cell,
                format!("duplicate {name}: row {first} already has it"),
            );
        }
        if cell.contains(';') {
            // It could never be pointed at: `;` separates the refs of a list.
            self.report(
                col,
                cell,
                format!("a {name} cannot contain ';', which separates refs in lists"),
            );
        }
        Some(cell.to_string())
    }

    /// Refs to rows of another table, each reported when no such row exists.
    fn refs<R>(
        &mut self,
        col: impl Into<usize> + Copy,
        index: &RefIndex<'_>,
        target: Table,
        make: impl Fn(String) -> R,
    ) -> Vec<R> {
        let mut refs = Vec::new();
        for item in self.items(col.into()) {
            if index.contains(item) {
                refs.push(make(item.to_string()));
            } else {
                self.report(col, item, missing_ref(target));
            }
        }
        refs
    }
}

fn missing_ref(target: Table) -> String {
    let column = match target {
        Table::Lines => "line_ref",
        Table::Nominals => "nominal_ref",
        Table::Locations => "location_ref",
        _ => "ref",
    };
    format!("no row of the {target} table has this {column}")
}

/// A value cut to a readable length for a problem.
fn shorten(value: &str) -> String {
    match value.char_indices().nth(MAX_VALUE_CHARS) {
        Some((cut, _)) => format!("{}…", &value[..cut]),
        None => value.to_string(),
    }
}

fn line(row: &mut Row<'_, '_>, known: &Known<'_>) -> Option<Line> {
    use LineCol as C;
    let line_ref = row.own_ref(C::LineRef, known.lines);
    let line_name = row.required_text(C::LineName);
    let deal_numbers = row.list(C::DealNumbers);
    let exporting_force = row.value(C::ExportingForce);
    let exporting_area = row.text(C::ExportingArea);
    let importing_areas = row.text_list(C::ImportingAreas);
    let drugs = row.list(C::Drugs);
    let status = row.required(C::Status);
    let violence = row.value(C::Violence);
    let weapons = row.list(C::Weapons);
    let cuckooing = row.value(C::Cuckooing);
    let ocg_urn = row.text(C::OcgUrn);
    let first_reported = row.date(C::FirstReported);
    let last_reported = row.date(C::LastReported);
    let grading = row.required(C::Grading);
    let notes = row.text(C::Notes);
    let (Some(line_ref), Some(line_name), Some(status), Some(grading)) =
        (line_ref, line_name, status, grading)
    else {
        return None;
    };
    Some(Line {
        row: row.raw.row,
        line_ref: LineRef(line_ref),
        line_name,
        deal_numbers,
        exporting_force,
        exporting_area,
        importing_areas,
        drugs,
        status,
        violence,
        weapons,
        cuckooing,
        ocg_urn,
        first_reported,
        last_reported,
        grading,
        notes,
    })
}

fn nominal(row: &mut Row<'_, '_>, known: &Known<'_>) -> Option<Nominal> {
    use NominalCol as C;
    let nominal_ref = row.own_ref(C::NominalRef, known.nominals);
    let surname = row.text(C::Surname);
    let forenames = row.text(C::Forenames);
    let aliases = row.text_list(C::Aliases);
    let dob = row.value(C::Dob);
    let gender = row.value(C::Gender);
    let pnc_id = row.value(C::PncId);
    let address = row.text(C::Address);
    let postcode = row.value(C::Postcode);
    let phone_numbers = row.list(C::PhoneNumbers);
    let role = row.required(C::Role);
    let line_refs = match row.required_cell(C::LineRefs) {
        Some(cell) if row.items(C::LineRefs.into()).next().is_none() => {
            row.report(C::LineRefs, cell, "at least one line_ref is required");
            Vec::new()
        }
        Some(_) => row.refs(C::LineRefs, known.lines, Table::Lines, LineRef),
        None => Vec::new(),
    };
    let times_come_to_notice = row.present(C::TimesComeToNotice).and_then(|cell| {
        row.parse(C::TimesComeToNotice, cell, |text| {
            text.parse::<u32>()
                .map_err(|_| ValueError::new("not a whole number"))
        })
    });
    let last_contact = row.date(C::LastContact);
    let vulnerabilities = row.list(C::Vulnerabilities);
    let grading = row.required(C::Grading);
    let notes = row.text(C::Notes);
    let (Some(nominal_ref), Some(role), Some(grading)) = (nominal_ref, role, grading) else {
        return None;
    };
    Some(Nominal {
        row: row.raw.row,
        nominal_ref: NominalRef(nominal_ref),
        surname,
        forenames,
        aliases,
        dob,
        gender,
        pnc_id,
        address,
        postcode,
        phone_numbers,
        role,
        line_refs,
        times_come_to_notice,
        last_contact,
        vulnerabilities,
        grading,
        notes,
    })
}

fn location(row: &mut Row<'_, '_>, known: &Known<'_>) -> Option<Location> {
    use LocationCol as C;
    let location_ref = row.own_ref(C::LocationRef, known.locations);
    let address = row.text(C::Address);
    let postcode = row.value(C::Postcode);
    let kind = row.required(C::Kind);
    let line_refs = row.refs(C::LineRefs, known.lines, Table::Lines, LineRef);
    let nominal_refs = row.refs(C::NominalRefs, known.nominals, Table::Nominals, NominalRef);
    let first_reported = row.date(C::FirstReported);
    let grading = row.required(C::Grading);
    let (Some(location_ref), Some(kind), Some(grading)) = (location_ref, kind, grading) else {
        return None;
    };
    Some(Location {
        row: row.raw.row,
        location_ref: LocationRef(location_ref),
        address,
        postcode,
        kind,
        line_refs,
        nominal_refs,
        first_reported,
        grading,
    })
}

fn vehicle(row: &mut Row<'_, '_>, known: &Known<'_>) -> Option<Vehicle> {
    use VehicleCol as C;
    let vrm = row.required(C::Vrm);
    let make = row.text(C::Make);
    let model = row.text(C::Model);
    let colour = row.text(C::Colour);
    let kind = row.value(C::Kind);
    let line_refs = row.refs(C::LineRefs, known.lines, Table::Lines, LineRef);
    let nominal_refs = row.refs(C::NominalRefs, known.nominals, Table::Nominals, NominalRef);
    let grading = row.required(C::Grading);
    let (Some(vrm), Some(grading)) = (vrm, grading) else {
        return None;
    };
    Some(Vehicle {
        row: row.raw.row,
        vrm,
        make,
        model,
        colour,
        kind,
        line_refs,
        nominal_refs,
        grading,
    })
}

fn event(row: &mut Row<'_, '_>, known: &Known<'_>, events: &RefIndex<'_>) -> Option<Event> {
    use EventCol as C;
    let event_ref = row.own_ref(C::EventRef, events);
    let kind: Option<EventKind> = row.required(C::Kind);
    let date = row
        .required_cell(C::Date)
        .and_then(|cell| row.parse(C::Date, cell, parse_date));
    let nominal_refs = row.refs(C::NominalRefs, known.nominals, Table::Nominals, NominalRef);
    let line_refs = row.refs(C::LineRefs, known.lines, Table::Lines, LineRef);
    let location_ref = match row.present(C::LocationRef) {
        Some(cell) if known.locations.contains(cell) => Some(LocationRef(cell.to_string())),
        Some(cell) => {
            row.report(C::LocationRef, cell, missing_ref(Table::Locations));
            None
        }
        None => None,
    };
    let force_area = row.value(C::ForceArea);
    let quantity = row
        .present(C::Quantity)
        .and_then(|cell| row.parse(C::Quantity, cell, parse_quantity));
    let outcome = match (kind, row.present(C::Outcome)) {
        // For NRM decisions the outcome is the decision itself, in its published words.
        (Some(EventKind::NrmReasonableGrounds | EventKind::NrmConclusiveGrounds), Some(cell)) => {
            row.parse(C::Outcome, cell, NrmDecision::from_str)
                .map(|decision| decision.to_string())
        }
        (_, cell) => cell.map(str::to_string),
    };
    let notes = row.text(C::Notes);
    let (Some(event_ref), Some(kind), Some(date)) = (event_ref, kind, date) else {
        return None;
    };
    Some(Event {
        row: row.raw.row,
        event_ref: EventRef(event_ref),
        kind,
        date,
        nominal_refs,
        line_refs,
        location_ref,
        force_area,
        quantity,
        outcome,
        notes,
    })
}

/// A quantity: a finite, non-negative number, written with digits and an optional point.
fn parse_quantity(text: &str) -> Result<f64, ValueError> {
    let plain = !text.is_empty()
        && text
            .bytes()
            .all(|byte| byte.is_ascii_digit() || byte == b'.')
        && text.bytes().filter(|&byte| byte == b'.').count() <= 1
        && text != ".";
    if text.starts_with('-') && text[1..].parse::<f64>().is_ok() {
        return Err(ValueError::new("a quantity cannot be negative"));
    }
    match text.parse::<f64>() {
        Ok(number) if plain && number.is_finite() => Ok(number),
        _ => Err(ValueError::new(
            "not a number: write digits with an optional decimal point, e.g. 28.5",
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn specs_match_their_enums() {
        assert_eq!(LINE_COLUMNS[LineCol::Notes as usize].name, "notes");
        assert_eq!(LINE_COLUMNS.len(), 16);
        assert_eq!(
            NOMINAL_COLUMNS[NominalCol::LineRefs as usize].name,
            "line_refs"
        );
        assert_eq!(NOMINAL_COLUMNS.len(), 17);
        assert_eq!(LOCATION_COLUMNS.len(), 8);
        assert_eq!(VEHICLE_COLUMNS.len(), 8);
        assert_eq!(EVENT_COLUMNS[EventCol::Quantity as usize].name, "quantity");
        assert_eq!(EVENT_COLUMNS.len(), 10);
    }

    /// Maps a lines header written as `header` (comma-separated) and renders where each
    /// published column was found, then the problems.
    fn check_header(header: &str, expect: &str) {
        let raw = RawTable::new(
            Table::Lines,
            "lines.csv",
            header.split(',').map(str::to_string).collect(),
        );
        let mut problems = Problems::new(100);
        let mapped = Header::map(&raw, LINE_COLUMNS, &mut problems);
        let mut got: Vec<String> = LINE_COLUMNS
            .iter()
            .zip(&mapped.positions)
            .filter_map(|(col, position)| position.map(|at| format!("{}@{at}", col.name)))
            .collect();
        got.extend(problems.into_vec().iter().map(ToString::to_string));
        assert_eq!(got.join("\n"), expect.trim(), "header {header:?}");
    }

    #[test]
    fn headers() {
        check_header(
            "line_ref,line_name,status,grading",
            "line_ref@0\nline_name@1\nstatus@2\ngrading@3",
        );
        check_header(
            " GRADING , Status,LINE_NAME,Line_Ref,notes",
            "line_ref@3\nline_name@2\nstatus@1\ngrading@0\nnotes@4",
        );
        check_header(
            "line_ref,line_name,status",
            "line_ref@0\nline_name@1\nstatus@2\nlines row 1 column grading: missing required column",
        );
        check_header(
            "line_ref,line_name,status,grading,,",
            "line_ref@0\nline_name@1\nstatus@2\ngrading@3",
        );
        check_header(
            "line_ref,line_name,status,grading,line_ref",
            "line_ref@0\nline_name@1\nstatus@2\ngrading@3\nlines row 1 column line_ref value \"line_ref\": duplicate column: line_ref appears more than once",
        );
        check_header(
            "line_ref,line_name,status,grading,colour",
            "line_ref@0\nline_name@1\nstatus@2\ngrading@3\nlines row 1 column colour value \"colour\": unknown column: the lines table's columns are line_ref, line_name, deal_numbers, exporting_force, exporting_area, importing_areas, drugs, status, violence, weapons, cuckooing, ocg_urn, first_reported, last_reported, grading, notes",
        );
    }

    #[test]
    fn quantities() {
        let check = |input: &str, expect: &str| {
            let got = match parse_quantity(input) {
                Ok(number) => number.to_string(),
                Err(err) => format!("error: {err}"),
            };
            assert_eq!(got, expect, "input {input:?}");
        };
        check("28.5", "28.5");
        check("3", "3");
        check("0", "0");
        check(".5", "0.5");
        check("-3", "error: a quantity cannot be negative");
        check(
            "1,000",
            "error: not a number: write digits with an optional decimal point, e.g. 28.5",
        );
        check(
            "NaN",
            "error: not a number: write digits with an optional decimal point, e.g. 28.5",
        );
        check(
            "inf",
            "error: not a number: write digits with an optional decimal point, e.g. 28.5",
        );
        check(
            "1e3",
            "error: not a number: write digits with an optional decimal point, e.g. 28.5",
        );
        check(
            "1.2.3",
            "error: not a number: write digits with an optional decimal point, e.g. 28.5",
        );
        check(
            ".",
            "error: not a number: write digits with an optional decimal point, e.g. 28.5",
        );
        check(
            "-",
            "error: not a number: write digits with an optional decimal point, e.g. 28.5",
        );
    }

    #[test]
    fn shortening() {
        assert_eq!(shorten("abc"), "abc");
        let long = "é".repeat(MAX_VALUE_CHARS + 5);
        assert_eq!(shorten(&long), format!("{}…", "é".repeat(MAX_VALUE_CHARS)));
    }

    #[test]
    fn versions() {
        assert_eq!(parse_version("1"), Ok(1));
        assert_eq!(
            parse_version("2").unwrap_err().0,
            "unsupported version: this importer reads version 1"
        );
        assert_eq!(
            parse_version("one").unwrap_err().0,
            "not a version number: write 1"
        );
    }
}
