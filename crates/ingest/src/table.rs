//! The container-neutral form of a return: each table as its header and rows of text cells,
//! exactly as written, whatever the workbook, zip or folder it came from.
//!
//! Cells of a table live in one text arena with end offsets, not one `String` each: a million-row
//! table is then a few large allocations instead of tens of millions of small ones. Whole-row
//! blank lines are dropped here, keeping the row numbering of the rest.
//!
//! This module does not interpret anything: header names, required cells and values are the
//! validator's business, and decoding bytes into text is each format reader's.

use model::Problem;
use model::problem::Table;

/// One table as read from its container: a header and rows of text cells.
#[derive(Debug, Clone)]
pub(crate) struct RawTable {
    /// Which table of the return this is.
    pub table: Table,
    /// What the container calls it (`Lines.csv`, `returns/lines.csv`, sheet `LINES`).
    pub name: String,
    /// Row 1, as written.
    pub header: Vec<String>,
    /// Every data cell's text, row after row.
    text: String,
    /// End offset in `text` of every cell, row after row; a cell starts where the previous ends.
    ends: Vec<u32>,
    /// Each kept row: its 1-based row number and the index in `ends` of its first cell.
    rows: Vec<(u32, u32)>,
    /// Row number and first cell of the row being built.
    building: Option<(u32, u32)>,
    /// Whether the row being built has a non-blank cell.
    building_has_text: bool,
    /// Whether a cell could not be kept because the table outgrew 32-bit offsets.
    overflowed: bool,
}

impl RawTable {
    /// An empty table named `name` by its container.
    pub(crate) fn new(table: Table, name: impl Into<String>, header: Vec<String>) -> RawTable {
        RawTable {
            table,
            name: name.into(),
            header,
            text: String::new(),
            ends: Vec::new(),
            rows: Vec::new(),
            building: None,
            building_has_text: false,
            overflowed: false,
        }
    }

    /// Reserves room for `text_bytes` more bytes of cell text and `cells` more cells, so that a
    /// large table is not built by repeated doubling and copying.
    pub(crate) fn reserve(&mut self, text_bytes: usize, cells: usize, rows: usize) {
        self.text.reserve(text_bytes);
        self.ends.reserve(cells);
        self.rows.reserve(rows);
    }

    /// Starts a row numbered `row` (1-based, the header is row 1), ending any row being built.
    pub(crate) fn start_row(&mut self, row: u32) {
        self.finish_row();
        self.building = Some((row, self.ends.len() as u32));
        self.building_has_text = false;
    }

    /// Appends a cell to the row being built.
    pub(crate) fn push_cell(&mut self, cell: &str) {
        if self.building.is_none() {
            debug_assert!(false, "push_cell without start_row");
            return;
        }
        let end = self.text.len() + cell.len();
        let (Ok(end), Ok(_)) = (u32::try_from(end), u32::try_from(self.ends.len() + 1)) else {
            self.overflowed = true;
            return;
        };
        self.text.push_str(cell);
        self.ends.push(end);
        self.building_has_text |= !cell.trim().is_empty();
    }

    /// Adds a whole row at once: `text` is its cells written one after another and `ends` the
    /// end of each cell within `text`. Each end must fall on a character boundary; one that does
    /// not is moved back to the previous boundary rather than trusted.
    pub(crate) fn push_row(&mut self, row: u32, text: &str, ends: impl Iterator<Item = usize>) {
        self.finish_row();
        // A row of blank cells is blank as a whole: separators are not part of `text`.
        if text.trim().is_empty() {
            return;
        }
        let base = self.text.len();
        let first = self.ends.len();
        let (Ok(_), Ok(first_cell)) = (u32::try_from(base + text.len()), u32::try_from(first))
        else {
            self.overflowed = true;
            return;
        };
        self.text.push_str(text);
        for end in ends {
            let mut end = end.min(text.len());
            while !text.is_char_boundary(end) {
                end -= 1;
            }
            // Fits: `base + text.len()` was checked above.
            self.ends.push((base + end) as u32);
        }
        if u32::try_from(self.ends.len()).is_err() {
            self.overflowed = true;
        }
        self.rows.push((row, first_cell));
    }

    /// Keeps the row being built, unless all its cells are blank.
    pub(crate) fn finish_row(&mut self) {
        let Some((row, first)) = self.building.take() else {
            return;
        };
        if self.building_has_text {
            self.rows.push((row, first));
        } else {
            let start = self.cell_start(first as usize);
            self.text.truncate(start);
            self.ends.truncate(first as usize);
        }
    }

    /// Whether the table grew past what 32-bit offsets can address (4 GiB of text or four
    /// billion cells); cells beyond that were not kept.
    pub(crate) fn overflowed(&self) -> bool {
        self.overflowed
    }

    /// How many rows were kept.
    pub(crate) fn row_count(&self) -> usize {
        self.rows.len()
    }

    /// The `index`th kept row (0-based).
    pub(crate) fn row(&self, index: usize) -> RawRow<'_> {
        let (row, first) = self.rows[index];
        let end = self
            .rows
            .get(index + 1)
            .map_or(self.ends.len(), |&(_, next)| next as usize);
        let first = first as usize;
        RawRow {
            row,
            text: &self.text,
            start: self.cell_start(first),
            ends: &self.ends[first..end],
        }
    }

    /// The kept rows, in order.
    pub(crate) fn rows(&self) -> impl Iterator<Item = RawRow<'_>> {
        (0..self.rows.len()).map(|index| self.row(index))
    }

    /// The name to give column `index` in a problem: its header, or its position when the
    /// header cell is blank or missing.
    pub(crate) fn column_name(&self, index: usize) -> String {
        column_name(&self.header, index)
    }

    fn cell_start(&self, cell: usize) -> usize {
        if cell == 0 {
            0
        } else {
            self.ends[cell - 1] as usize
        }
    }
}

/// A data row of a [`RawTable`].
#[derive(Debug, Clone, Copy)]
pub(crate) struct RawRow<'a> {
    /// The 1-based row number (the header is row 1).
    pub row: u32,
    text: &'a str,
    start: usize,
    ends: &'a [u32],
}

impl<'a> RawRow<'a> {
    /// How many cells the row has.
    pub(crate) fn len(&self) -> usize {
        self.ends.len()
    }

    /// The cell at `index`, as written; empty when the row is shorter.
    pub(crate) fn cell(&self, index: usize) -> &'a str {
        let Some(&end) = self.ends.get(index) else {
            return "";
        };
        let start = if index == 0 {
            self.start
        } else {
            self.ends[index - 1] as usize
        };
        // Offsets always fall on character boundaries (cells are pushed as whole strings);
        // `get` keeps even a broken invariant from panicking.
        self.text.get(start..end as usize).unwrap_or("")
    }

    /// The cells, in order.
    #[cfg(test)]
    pub(crate) fn cells(&self) -> impl Iterator<Item = &'a str> + '_ {
        (0..self.len()).map(|index| self.cell(index))
    }
}

/// The name to give column `index` of `header` in a problem.
pub(crate) fn column_name(header: &[String], index: usize) -> String {
    match header.get(index).map(|name| name.trim()) {
        Some(name) if !name.is_empty() => name.to_string(),
        _ => format!("column {}", index + 1),
    }
}

/// Whether `cell` is longer than `max_chars` characters (counting bytes first, cheaply).
pub(crate) fn too_long(cell: &str, max_chars: usize) -> bool {
    cell.len() > max_chars && cell.chars().count() > max_chars
}

/// The problem for a cell longer than `max_chars`; the value is shortened to its start.
pub(crate) fn too_long_problem(
    table: Table,
    row: u32,
    column: &str,
    cell: &str,
    max_chars: usize,
) -> Problem {
    let start: String = cell.chars().take(40).collect();
    Problem::cell(
        table,
        row,
        column,
        &format!("{start}…"),
        format!("the cell is longer than the limit of {max_chars} characters"),
    )
}

/// The problem for a table with more data rows than allowed.
pub(crate) fn too_many_rows_problem(table: Table, max_rows: usize) -> Problem {
    Problem::table(
        table,
        format!("the table has more than the limit of {max_rows} rows; the rest was not read"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Builds a table from rows of cells (row numbers from 2) and renders what was kept.
    fn check(rows: &[&[&str]], expect: &str) {
        let mut table = RawTable::new(Table::Lines, "lines.csv", vec!["a".into(), "b".into()]);
        for (i, cells) in rows.iter().enumerate() {
            table.start_row(i as u32 + 2);
            for cell in *cells {
                table.push_cell(cell);
            }
        }
        table.finish_row();
        let got: Vec<String> = table
            .rows()
            .map(|row| format!("{}:{}", row.row, row.cells().collect::<Vec<_>>().join("|")))
            .collect();
        assert_eq!(got.join(" "), expect);
    }

    #[test]
    fn rows_keep_their_cells_and_numbers() {
        check(&[], "");
        check(&[&["x", "y"]], "2:x|y");
        check(&[&["x", "y"], &["", "z"], &["ü", "ß"]], "2:x|y 3:|z 4:ü|ß");
        check(&[&["x"], &["a", "b", "c"]], "2:x 3:a|b|c");
    }

    #[test]
    fn blank_rows_are_dropped_but_counted() {
        check(
            &[&["", " "], &["x", ""], &[], &["\t", ""], &["y", "z"]],
            "3:x| 6:y|z",
        );
        check(&[&["", ""]], "");
    }

    #[test]
    fn whole_rows() {
        let mut table = RawTable::new(Table::Lines, "lines.csv", vec![]);
        table.push_row(2, "abcdé", [1, 3, 6].into_iter());
        table.push_row(3, "  ", [1, 2].into_iter());
        table.start_row(4);
        table.push_cell("x");
        table.push_row(5, "yz", [2, 2, 9].into_iter());
        let got: Vec<String> = table
            .rows()
            .map(|row| format!("{}:{}", row.row, row.cells().collect::<Vec<_>>().join("|")))
            .collect();
        assert_eq!(got, ["2:a|bc|dé", "4:x", "5:yz||"]);
    }

    #[test]
    fn short_rows_read_as_empty() {
        let mut table = RawTable::new(Table::Lines, "lines.csv", vec![]);
        table.start_row(2);
        table.push_cell("x");
        table.finish_row();
        let row = table.row(0);
        assert_eq!((row.cell(0), row.cell(1), row.cell(99)), ("x", "", ""));
    }

    #[test]
    fn column_names() {
        let header = vec!["line_ref".to_string(), " ".to_string()];
        assert_eq!(column_name(&header, 0), "line_ref");
        assert_eq!(column_name(&header, 1), "column 2");
        assert_eq!(column_name(&header, 5), "column 6");
    }

    #[test]
    fn long_cells() {
        assert!(!too_long("abc", 3));
        assert!(too_long("abcd", 3));
        assert!(!too_long("ééé", 3));
        let problem = too_long_problem(Table::Lines, 2, "notes", &"x".repeat(100), 50);
        assert_eq!(
            problem.value.as_deref(),
            Some(&*format!("{}…", "x".repeat(40)))
        );
    }
}
