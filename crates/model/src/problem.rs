//! A problem found in a submitted return: what is wrong and exactly where.
//!
//! Bad data is a diagnostic, not an error: readers and validators collect every problem and
//! carry on, so that a force sees all that needs fixing in one report.

use std::fmt;

/// A table of the return, or the container itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Table {
    /// The workbook, folder or zip as a whole.
    Container,
    /// `return`.
    Return,
    /// `lines`.
    Lines,
    /// `nominals`.
    Nominals,
    /// `locations`.
    Locations,
    /// `vehicles`.
    Vehicles,
    /// `events`.
    Events,
}

impl Table {
    /// The tables of the return, required first.
    pub const ALL: [Table; 6] = [
        Table::Return,
        Table::Lines,
        Table::Nominals,
        Table::Locations,
        Table::Vehicles,
        Table::Events,
    ];

    /// The table's name as the published format spells it (`-` for the container).
    pub fn as_str(&self) -> &'static str {
        match self {
            Table::Container => "-",
            Table::Return => "return",
            Table::Lines => "lines",
            Table::Nominals => "nominals",
            Table::Locations => "locations",
            Table::Vehicles => "vehicles",
            Table::Events => "events",
        }
    }

    /// The table of this name (case-insensitive), if any.
    pub fn from_name(name: &str) -> Option<Table> {
        Table::ALL
            .into_iter()
            .find(|t| t.as_str().eq_ignore_ascii_case(name.trim()))
    }

    /// Whether a return must contain this table.
    pub fn is_required(&self) -> bool {
        matches!(self, Table::Return | Table::Lines | Table::Nominals)
    }
}

impl fmt::Display for Table {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One problem: table, row, column, the value and why it is rejected.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Problem {
    /// Where: the table (or the container).
    pub table: Table,
    /// The 1-based row (the header is row 1), if the problem is in a row.
    pub row: Option<u32>,
    /// The column, if the problem is in a cell or header.
    pub column: Option<String>,
    /// The offending value as submitted, if any.
    pub value: Option<String>,
    /// Why it is rejected: lowercase, no trailing period.
    pub reason: String,
}

impl Problem {
    /// A problem with the container or a whole table.
    pub fn table(table: Table, reason: impl Into<String>) -> Problem {
        Problem {
            table,
            row: None,
            column: None,
            value: None,
            reason: reason.into(),
        }
    }

    /// A problem with one cell.
    pub fn cell(
        table: Table,
        row: u32,
        column: &str,
        value: &str,
        reason: impl Into<String>,
    ) -> Problem {
        Problem {
            table,
            row: Some(row),
            column: Some(column.to_string()),
            value: Some(value.to_string()),
            reason: reason.into(),
        }
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.table)?;
        if let Some(row) = self.row {
            write!(f, " row {row}")?;
        }
        if let Some(column) = &self.column {
            write!(f, " column {column}")?;
        }
        if let Some(value) = &self.value {
            write!(f, " value {value:?}")?;
        }
        write!(f, ": {}", self.reason)
    }
}
