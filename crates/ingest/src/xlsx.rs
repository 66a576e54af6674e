//! Reads the workbook container: an `.xlsx` with one sheet per table, the sheet named after
//! the table (case-insensitively).
//!
//! It owns turning typed spreadsheet cells into the text the format defines: a date cell is
//! written `YYYY-MM-DD`; a whole number is written without a decimal point (so a phone number
//! typed as a number reads `7700900123`, which the phone reader accepts); a formula's saved
//! result is read as if typed. Booleans, error values (`#N/A`), durations and formulas without
//! a saved result are problems, not guesses.
//!
//! Before `calamine` sees the workbook, the archive is checked like any zip (`crate::zip`): entry
//! count, encryption, declared sizes, and every entry actually inflated and counted against
//! [`Limits`], because calamine itself decompresses without bounds. Sheets are streamed cell by
//! cell rather than loaded as dense ranges, so a lone cell at `XFD1048576` costs nothing.
//!
//! It deliberately never evaluates formulas, reads no styles, comments or hidden state, and
//! does not read legacy `.xls` or `.ods`.

use std::io::Cursor;

use calamine::{DataRef, Reader, Xlsx};
use model::Problem;
use model::problem::Table;

use crate::problems::Problems;
use crate::table::{RawTable, too_long, too_long_problem, too_many_rows_problem};
use crate::zip::{inflate, lowercase_first, open};
use crate::{Budget, Limits};

/// Columns beyond this are never part of a table (the widest has 17); cells there are reported.
const MAX_COLUMNS: u32 = 256;

/// How often (in cells) the time budget is checked while reading.
const BUDGET_CHECK_CELLS: usize = 1 << 16;

/// Reads a workbook, one table per sheet; `None` when the workbook or one of its sheets cannot
/// be read whole (the problems say why).
pub(crate) fn read(
    bytes: &[u8],
    limits: &Limits,
    budget: &Budget,
    problems: &mut Problems,
) -> Option<Vec<RawTable>> {
    if bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]) {
        problems.push(Problem::table(
            Table::Container,
            "not an .xlsx workbook: this is a password-protected workbook or an old .xls file; save it as .xlsx without a password",
        ));
        return None;
    }
    if let Err(problem) = check_archive(bytes, limits) {
        problems.push(problem);
        return None;
    }
    let mut workbook = match Xlsx::new(Cursor::new(bytes)) {
        Ok(workbook) => workbook,
        Err(err) => {
            problems.push(Problem::table(
                Table::Container,
                format!(
                    "not a readable .xlsx workbook: {}",
                    lowercase_first(&err.to_string())
                ),
            ));
            return None;
        }
    };
    let mut tables = Vec::new();
    for sheet in workbook.sheet_names() {
        if budget.expired() {
            problems.push(budget.problem());
            return None;
        }
        let Some(table) = Table::from_name(&sheet).filter(|_| sheet == sheet.trim()) else {
            problems.push(Problem {
                table: Table::Container,
                row: None,
                column: None,
                value: Some(sheet.clone()),
                reason: "unknown table: the sheets of a return are return, lines, nominals, locations, vehicles and events"
                    .into(),
            });
            continue;
        };
        tables.push(read_sheet(
            &mut workbook,
            &sheet,
            table,
            limits,
            budget,
            problems,
        )?);
    }
    Some(tables)
}

/// Checks the workbook as a zip: entries, encryption, declared and actual sizes.
fn check_archive(bytes: &[u8], limits: &Limits) -> Result<(), Problem> {
    let mut archive = open(bytes, "workbook", limits)?;
    let mut declared: u64 = 0;
    for index in 0..archive.len() {
        let entry = archive.by_index_raw(index).map_err(|err| {
            Problem::table(
                Table::Container,
                format!(
                    "not a readable workbook: {}",
                    lowercase_first(&err.to_string())
                ),
            )
        })?;
        if entry.encrypted() {
            return Err(Problem::table(
                Table::Container,
                "the workbook is encrypted: save it without a password",
            ));
        }
        declared = declared.saturating_add(entry.size());
    }
    if declared > limits.max_total_uncompressed_bytes {
        return Err(Problem::table(
            Table::Container,
            format!(
                "the workbook declares {declared} bytes uncompressed, more than the limit of {}",
                limits.max_total_uncompressed_bytes
            ),
        ));
    }
    let mut remaining = limits.max_total_uncompressed_bytes;
    for index in 0..archive.len() {
        let read =
            inflate(&mut archive, index, remaining, &mut std::io::sink()).map_err(|reason| {
                Problem::table(
                    Table::Container,
                    format!("the workbook is damaged: {reason}"),
                )
            })?;
        remaining -= read;
    }
    Ok(())
}

/// Reads one sheet as `table`: the first non-blank row is the header. `None` when it cannot
/// be read whole (the problems say why).
fn read_sheet(
    workbook: &mut Xlsx<Cursor<&[u8]>>,
    sheet: &str,
    table: Table,
    limits: &Limits,
    budget: &Budget,
    problems: &mut Problems,
) -> Option<RawTable> {
    let mut reader = match workbook.worksheet_cells_reader(sheet) {
        Ok(reader) => reader,
        Err(err) => {
            problems.push(Problem::table(
                table,
                format!(
                    "the sheet cannot be read: {}",
                    lowercase_first(&err.to_string())
                ),
            ));
            return None;
        }
    };
    let mut builder = SheetBuilder {
        table,
        name: sheet,
        limits,
        raw: None,
        row: None,
        cells: Vec::new(),
        data_rows: 0,
    };
    let mut last: Option<(u32, u32)> = None;
    let mut seen = 0usize;
    let mut wide_reported = false;
    loop {
        let record = match reader.next_cell_with_formula_metadata() {
            Ok(Some(record)) => record,
            Ok(None) => break,
            Err(err) => {
                problems.push(Problem::table(
                    table,
                    format!(
                        "the sheet is damaged: {}",
                        lowercase_first(&err.to_string())
                    ),
                ));
                return None;
            }
        };
        seen += 1;
        if seen.is_multiple_of(BUDGET_CHECK_CELLS) && budget.expired() {
            problems.push(budget.problem());
            return None;
        }
        let (row, col) = record.pos;
        // Every spreadsheet program writes cells row by row, left to right; a file that does
        // not was not written by one, and reading it anyway would need unbounded buffering.
        if last.is_some_and(|previous| (row, col) <= previous) {
            problems.push(Problem::table(
                table,
                "the sheet's cells are out of order: save the workbook from a spreadsheet program",
            ));
            return None;
        }
        last = Some((row, col));
        let text = match cell_text(&record.value, record.formula.is_some()) {
            Ok(text) => text,
            Err((shown, reason)) => {
                let column = builder.column_name(col as usize);
                problems.push(Problem::cell(
                    table,
                    row.saturating_add(1),
                    &column,
                    &shown,
                    reason,
                ));
                String::new()
            }
        };
        if col >= MAX_COLUMNS {
            if !text.trim().is_empty() && !wide_reported {
                wide_reported = true;
                problems.push(Problem::cell(
                    table,
                    row.saturating_add(1),
                    &format!("column {}", col as u64 + 1),
                    &text,
                    format!("a cell lies beyond column {MAX_COLUMNS}, which no table of the format reaches"),
                ));
            }
            continue;
        }
        if text.is_empty() {
            continue;
        }
        if builder.row != Some(row) {
            if !builder.flush(problems) {
                return None;
            }
            builder.row = Some(row);
        }
        if too_long(&text, limits.max_cell_chars) {
            let column = builder.column_name(col as usize);
            problems.push(too_long_problem(
                table,
                row.saturating_add(1),
                &column,
                &text,
                limits.max_cell_chars,
            ));
            continue;
        }
        builder.cells.push((col, text));
    }
    if !builder.flush(problems) {
        return None;
    }
    let mut raw = builder.raw.take().unwrap_or_else(|| {
        problems.push(Problem::table(
            table,
            "the sheet is empty: row 1 must be the header",
        ));
        RawTable::new(table, sheet, Vec::new())
    });
    raw.finish_row();
    if raw.overflowed() {
        problems.push(Problem::table(table, "the table is too large to read"));
        return None;
    }
    Some(raw)
}

/// Gathers one sheet row at a time into a [`RawTable`].
struct SheetBuilder<'a> {
    table: Table,
    name: &'a str,
    limits: &'a Limits,
    /// The table, once the header row has been seen.
    raw: Option<RawTable>,
    /// The 0-based sheet row being gathered.
    row: Option<u32>,
    /// Its non-empty cells: column and text.
    cells: Vec<(u32, String)>,
    data_rows: usize,
}

impl SheetBuilder<'_> {
    fn column_name(&self, index: usize) -> String {
        match &self.raw {
            Some(raw) => raw.column_name(index),
            None => format!("column {}", index + 1),
        }
    }

    /// Moves the gathered row into the table; `false` when the table is full.
    fn flush(&mut self, problems: &mut Problems) -> bool {
        let Some(row) = self.row.take() else {
            return true;
        };
        let cells = std::mem::take(&mut self.cells);
        if cells.iter().all(|(_, text)| text.trim().is_empty()) {
            return true;
        }
        let width = cells.last().map_or(0, |(col, _)| *col as usize + 1);
        let Some(raw) = &mut self.raw else {
            let mut header = vec![String::new(); width];
            for (col, text) in cells {
                header[col as usize] = text;
            }
            self.raw = Some(RawTable::new(self.table, self.name, header));
            return true;
        };
        if self.data_rows == self.limits.max_rows_per_table {
            problems.push(too_many_rows_problem(
                self.table,
                self.limits.max_rows_per_table,
            ));
            return false;
        }
        self.data_rows += 1;
        // Pad to the header's width so that a row reads like a CSV row would.
        let width = width.max(raw.header.len());
        raw.start_row(row.saturating_add(1));
        let mut cells = cells.into_iter().peekable();
        for col in 0..width {
            match cells.next_if(|(at, _)| *at as usize == col) {
                Some((_, text)) => raw.push_cell(&text),
                None => raw.push_cell(""),
            }
        }
        raw.finish_row();
        true
    }
}

/// The text of a cell as the format reads it, or what the cell shows and why it is refused.
fn cell_text(value: &DataRef<'_>, has_formula: bool) -> Result<String, (String, String)> {
    match value {
        DataRef::Empty if has_formula => Err((
            String::new(),
            "a formula without a saved result: open the workbook in a spreadsheet program and save it, or type the value".into(),
        )),
        DataRef::Empty => Ok(String::new()),
        DataRef::String(text) => Ok(text.clone()),
        DataRef::SharedString(text) => Ok((*text).to_string()),
        DataRef::Int(number) => Ok(number.to_string()),
        DataRef::Float(number) => Ok(number_text(*number)),
        DataRef::Bool(flag) => Err((
            if *flag { "TRUE" } else { "FALSE" }.to_string(),
            "a TRUE/FALSE cell is not a value of this format: type the value as text".into(),
        )),
        DataRef::DateTime(datetime) => {
            if datetime.is_duration() || datetime.as_f64() < 1.0 {
                return Err((
                    datetime.as_f64().to_string(),
                    "a time or duration cell is not a value of this format: give a date".into(),
                ));
            }
            let (year, month, day, ..) = datetime.to_ymd_hms_milli();
            Ok(format!("{year:04}-{month:02}-{day:02}"))
        }
        // Written ISO 8601; the date part, if any, is what the format reads.
        DataRef::DateTimeIso(text) => Ok(text.split('T').next().unwrap_or_default().to_string()),
        DataRef::DurationIso(text) => {
            Err((text.clone(), "a duration cell is not a value of this format".into()))
        }
        DataRef::Error(error) => Err((error.to_string(), format!("the cell holds the spreadsheet error {error}"))),
    }
}

/// A number as text: whole numbers without a decimal point (a phone number or count typed as
/// a number), others in Rust's shortest round-trip form.
fn number_text(number: f64) -> String {
    // Below 2^53 every whole f64 is exactly an integer.
    if number.is_finite() && number.fract() == 0.0 && number.abs() < 9_007_199_254_740_992.0 {
        format!("{}", number as i64)
    } else {
        format!("{number}")
    }
}

#[cfg(test)]
mod tests {
    use calamine::{CellErrorType, ExcelDateTime, ExcelDateTimeType};

    use super::*;

    fn check(value: DataRef<'_>, has_formula: bool, expect: &str) {
        let got = match cell_text(&value, has_formula) {
            Ok(text) => text,
            Err((shown, reason)) => format!("error {shown:?}: {reason}"),
        };
        assert_eq!(got, expect, "value {value:?}");
    }

    #[test]
    fn cells_become_the_formats_text() {
        check(DataRef::Empty, false, "");
        check(DataRef::String("Tony".into()), false, "Tony");
        check(DataRef::SharedString("Zoë"), false, "Zoë");
        check(DataRef::Int(3), false, "3");
        check(DataRef::Float(7700900123.0), false, "7700900123");
        check(DataRef::Float(2.5), false, "2.5");
        check(DataRef::Float(-4.0), false, "-4");
        check(DataRef::Float(1e300), false, &format!("{}", 1e300));
        check(DataRef::Float(f64::NAN), false, "NaN");
        check(DataRef::String("cached".into()), true, "cached");
        check(
            DataRef::DateTime(ExcelDateTime::new(
                46082.0,
                ExcelDateTimeType::DateTime,
                false,
            )),
            false,
            "2026-03-01",
        );
        check(
            DataRef::DateTime(ExcelDateTime::new(
                46082.75,
                ExcelDateTimeType::DateTime,
                false,
            )),
            false,
            "2026-03-01",
        );
        check(
            DataRef::DateTime(ExcelDateTime::new(
                44620.0,
                ExcelDateTimeType::DateTime,
                true,
            )),
            false,
            "2026-03-01",
        );
        check(
            DataRef::DateTimeIso("2026-03-01T10:00:00".into()),
            false,
            "2026-03-01",
        );
    }

    #[test]
    fn cells_the_format_has_no_words_for() {
        check(
            DataRef::Empty,
            true,
            "error \"\": a formula without a saved result: open the workbook in a spreadsheet program and save it, or type the value",
        );
        check(
            DataRef::Bool(true),
            false,
            "error \"TRUE\": a TRUE/FALSE cell is not a value of this format: type the value as text",
        );
        check(
            DataRef::Error(CellErrorType::NA),
            false,
            "error \"#N/A\": the cell holds the spreadsheet error #N/A",
        );
        check(
            DataRef::DateTime(ExcelDateTime::new(0.5, ExcelDateTimeType::DateTime, false)),
            false,
            "error \"0.5\": a time or duration cell is not a value of this format: give a date",
        );
        check(
            DataRef::DateTime(ExcelDateTime::new(3.0, ExcelDateTimeType::TimeDelta, false)),
            false,
            "error \"3\": a time or duration cell is not a value of this format: give a date",
        );
        check(
            DataRef::DurationIso("PT1H".into()),
            false,
            "error \"PT1H\": a duration cell is not a value of this format",
        );
    }

    #[test]
    fn legacy_and_garbage_files_are_problems() {
        for (bytes, expect) in [
            (
                &b"\xD0\xCF\x11\xE0rest"[..],
                "-: not an .xlsx workbook: this is a password-protected workbook or an old .xls file; save it as .xlsx without a password",
            ),
            (&b"garbage"[..], "-: not a readable workbook: "),
        ] {
            let limits = Limits::default();
            let mut problems = Problems::new(10);
            let tables = read(bytes, &limits, &Budget::new(&limits), &mut problems);
            assert!(tables.is_none());
            let got = problems.into_vec()[0].to_string();
            assert!(got.starts_with(expect), "{got}");
        }
    }
}
