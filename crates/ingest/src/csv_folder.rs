//! Reads the CSV container: a folder of UTF-8 `<table>.csv` files (also what a zip holds).
//!
//! It owns the file-to-table naming rule, CSV decoding (comma-separated, `"`-quoted, any line
//! ending, an optional UTF-8 byte order mark), the UTF-8 check, the per-cell and per-table
//! limits, and row numbering: a row's number is where a spreadsheet shows it, the header being
//! row 1, blank lines counted and a quoted multi-line cell counting as one row.
//!
//! It deliberately does not guess encodings (Windows-1252 or UTF-16 files are rejected with a
//! reason, not transcoded), does not accept other delimiters, and does not look at what the
//! cells say: that is `validate`'s job.

use model::Problem;
use model::problem::Table;
use model::submission::SourceFile;

use crate::problems::Problems;
use crate::table::{RawTable, column_name, too_long, too_long_problem, too_many_rows_problem};
use crate::{Budget, Limits};

/// How often (in rows) the time budget is checked while reading.
const BUDGET_CHECK_ROWS: usize = 1 << 16;

/// Reads a folder's files, one table each; `None` when a file cannot be read at all (the
/// problems say why), as the return cannot then be judged as a whole.
pub(crate) fn read(
    files: &[SourceFile],
    limits: &Limits,
    budget: &Budget,
    problems: &mut Problems,
) -> Option<Vec<RawTable>> {
    if files.len() > limits.max_zip_entries {
        problems.push(Problem::table(
            Table::Container,
            format!(
                "the folder holds {} files, more than the limit of {}",
                files.len(),
                limits.max_zip_entries
            ),
        ));
        return None;
    }
    let total: u64 = files.iter().map(|file| file.bytes.len() as u64).sum();
    if total > limits.max_total_uncompressed_bytes {
        problems.push(Problem::table(
            Table::Container,
            format!(
                "the files hold {total} bytes, more than the limit of {}",
                limits.max_total_uncompressed_bytes
            ),
        ));
        return None;
    }
    let mut tables = Vec::new();
    for file in files {
        let Some(table) = table_of_file(&file.name, problems) else {
            continue;
        };
        tables.push(read_csv(
            table,
            &file.name,
            &file.bytes,
            limits,
            budget,
            problems,
        )?);
    }
    Some(tables)
}

/// The table a file named `name` holds (`Lines.CSV` → lines), or a problem saying why none.
pub(crate) fn table_of_file(name: &str, problems: &mut Problems) -> Option<Table> {
    let base = name.rsplit(['/', '\\']).next().unwrap_or(name);
    let stem = base
        .len()
        .checked_sub(4)
        .filter(|&at| base.is_char_boundary(at))
        .and_then(|at| {
            let (stem, extension) = base.split_at(at);
            extension.eq_ignore_ascii_case(".csv").then_some(stem)
        });
    let Some(stem) = stem else {
        problems.push(Problem {
            table: Table::Container,
            row: None,
            column: None,
            value: Some(name.to_string()),
            reason: "not a CSV file: a return holds only <table>.csv files".into(),
        });
        return None;
    };
    let table =
        Table::from_name(stem).filter(|table| *table != Table::Container && stem == stem.trim());
    if table.is_none() {
        problems.push(Problem {
            table: Table::Container,
            row: None,
            column: None,
            value: Some(name.to_string()),
            reason: "unknown table: the files of a return are return.csv, lines.csv, nominals.csv, locations.csv, vehicles.csv and events.csv".into(),
        });
    }
    table
}

/// Reads one CSV file as `table`. `None` when it cannot be read whole (problems say why):
/// another encoding, more rows than allowed, out of time.
pub(crate) fn read_csv(
    table: Table,
    name: &str,
    bytes: &[u8],
    limits: &Limits,
    budget: &Budget,
    problems: &mut Problems,
) -> Option<RawTable> {
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        problems.push(Problem::table(
            table,
            "the file is UTF-16 text: save it as CSV UTF-8",
        ));
        return None;
    }
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(bytes);
    // One record reused for every row: the csv crate then allocates only when a row is
    // longer than any before it.
    let mut record = csv::ByteRecord::new();
    let mut rows = RowCounter::default();

    match reader.read_byte_record(&mut record) {
        Ok(true) => {}
        Ok(false) => {
            problems.push(Problem::table(
                table,
                "the file is empty: row 1 must be the header",
            ));
            return Some(RawTable::new(table, name, Vec::new()));
        }
        Err(err) => {
            problems.push(Problem::table(table, format!("not readable as CSV: {err}")));
            return None;
        }
    }
    let header_row = rows.next(&record, bytes);
    let mut header = Vec::with_capacity(record.len());
    for (index, field) in record.iter().enumerate() {
        let column = format!("column {}", index + 1);
        header.push(decode(field, table, header_row, &column, limits, problems).into_owned());
    }
    let mut raw = RawTable::new(table, name, header);
    // Counting line ends costs a fast scan and saves regrowing a table of millions of cells.
    // The guess is capped (a cell a few bytes long on average) so that a hostile file of line
    // ends and commas cannot reserve much more than it will really use.
    let lines = bytes
        .iter()
        .filter(|&&byte| byte == b'\n')
        .count()
        .min(limits.max_rows_per_table)
        + 1;
    raw.reserve(
        bytes.len(),
        lines
            .saturating_mul(raw.header.len().max(1))
            .min(bytes.len() / 4 + 1),
        lines,
    );

    let mut data_rows = 0usize;
    loop {
        match reader.read_byte_record(&mut record) {
            Ok(true) => {}
            Ok(false) => break,
            Err(err) => {
                problems.push(Problem::table(table, format!("not readable as CSV: {err}")));
                return None;
            }
        }
        let row = rows.next(&record, bytes);
        if data_rows == limits.max_rows_per_table {
            problems.push(too_many_rows_problem(table, limits.max_rows_per_table));
            return None;
        }
        data_rows += 1;
        if data_rows.is_multiple_of(BUDGET_CHECK_ROWS) && budget.expired() {
            problems.push(budget.problem());
            return None;
        }
        // The usual row is valid UTF-8 with no cell over the limit: check and copy it whole.
        // A cell boundary inside a character cannot happen then, as each cell is UTF-8 alone
        // exactly when the whole is and every boundary falls between characters.
        let whole = record.as_slice();
        if let Ok(text) = std::str::from_utf8(whole)
            && (whole.len() <= limits.max_cell_chars
                || record
                    .iter()
                    .all(|field| field.len() <= limits.max_cell_chars))
            && (0..record.len()).all(|index| {
                record
                    .range(index)
                    .is_some_and(|range| text.is_char_boundary(range.end))
            })
        {
            raw.push_row(
                row,
                text,
                (0..record.len()).filter_map(|index| record.range(index).map(|range| range.end)),
            );
            continue;
        }
        raw.start_row(row);
        for (index, field) in record.iter().enumerate() {
            // The column's name is only built when there is a problem to report.
            match std::str::from_utf8(field) {
                Ok(text) if !too_long(text, limits.max_cell_chars) => raw.push_cell(text),
                _ => {
                    let column = column_name(&raw.header, index);
                    let text = decode(field, table, row, &column, limits, problems);
                    raw.push_cell(&text);
                }
            }
        }
        raw.finish_row();
    }
    raw.finish_row();
    if raw.overflowed() {
        problems.push(Problem::table(table, "the table is too large to read"));
        return None;
    }
    Some(raw)
}

/// A cell's text, reporting invalid UTF-8 (read lossily so that refs still resolve) and cells
/// over the length limit (read as empty).
fn decode<'a>(
    field: &'a [u8],
    table: Table,
    row: u32,
    column: &str,
    limits: &Limits,
    problems: &mut Problems,
) -> std::borrow::Cow<'a, str> {
    let text = match std::str::from_utf8(field) {
        Ok(text) => std::borrow::Cow::Borrowed(text),
        Err(_) => {
            let lossy = String::from_utf8_lossy(field);
            if !too_long(&lossy, limits.max_cell_chars) {
                problems.push(Problem::cell(
                    table,
                    row,
                    column,
                    &lossy,
                    "not UTF-8 text: save the file as CSV UTF-8",
                ));
            }
            lossy
        }
    };
    if too_long(&text, limits.max_cell_chars) {
        problems.push(too_long_problem(
            table,
            row,
            column,
            &text,
            limits.max_cell_chars,
        ));
        return std::borrow::Cow::Borrowed("");
    }
    text
}

/// Numbers records as a spreadsheet shows them: the csv reader skips blank lines, which a
/// spreadsheet shows as rows, and a quoted cell may span several lines, which a spreadsheet
/// shows as one row.
///
/// A record's position is where the reader started looking for it, so the line endings
/// between there and the record's first byte are the blank lines skipped. (The csv crate's
/// own line count is no help: it counts a CRLF's two bytes in different records.)
#[derive(Debug, Default)]
struct RowCounter {
    /// The previous record's row number (0 before the first).
    row: u32,
}

impl RowCounter {
    fn next(&mut self, record: &csv::ByteRecord, bytes: &[u8]) -> u32 {
        let start = record.position().map_or(0, |position| position.byte()) as usize;
        let mut run = bytes.get(start..).unwrap_or_default();
        // The previous record may have ended on the CR of a CRLF, leaving its LF here.
        if start > 0 && bytes.get(start - 1) == Some(&b'\r') && run.first() == Some(&b'\n') {
            run = &run[1..];
        }
        let mut blank_lines: u32 = 0;
        let mut at = 0;
        while let Some(&byte) = run.get(at) {
            match byte {
                b'\r' if run.get(at + 1) == Some(&b'\n') => at += 2,
                b'\r' | b'\n' => at += 1,
                _ => break,
            }
            blank_lines = blank_lines.saturating_add(1);
        }
        self.row = self.row.saturating_add(1).saturating_add(blank_lines);
        self.row
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Reads `bytes` as the lines table and renders header, rows and problems.
    fn check(bytes: &[u8], expect: &str) {
        check_with(bytes, &Limits::default(), expect);
    }

    fn check_with(bytes: &[u8], limits: &Limits, expect: &str) {
        let mut problems = Problems::new(100);
        let budget = Budget::new(limits);
        let raw = read_csv(
            Table::Lines,
            "lines.csv",
            bytes,
            limits,
            &budget,
            &mut problems,
        );
        let mut got = Vec::new();
        if let Some(raw) = raw {
            got.push(format!("header {}", raw.header.join("|")));
            for row in raw.rows() {
                got.push(format!(
                    "{}: {}",
                    row.row,
                    row.cells().collect::<Vec<_>>().join("|")
                ));
            }
        }
        for problem in problems.into_vec() {
            got.push(format!("problem {problem}"));
        }
        assert_eq!(
            got.join("\n"),
            expect.trim(),
            "input {:?}",
            String::from_utf8_lossy(bytes)
        );
    }

    #[test]
    fn plain_files() {
        check(b"a,b\n1,2\n3,4\n", "header a|b\n2: 1|2\n3: 3|4");
        check(b"a,b\r\n1,2\r\n", "header a|b\n2: 1|2");
        check(b"a,b\n1,2", "header a|b\n2: 1|2");
        check(b"\xEF\xBB\xBFa,b\n1,2\n", "header a|b\n2: 1|2");
        check(b"a,b\n", "header a|b");
        check(
            b"",
            "header \nproblem lines: the file is empty: row 1 must be the header",
        );
    }

    #[test]
    fn quoting() {
        check(
            b"a,b\n\"x, y\",\"say \"\"hi\"\"\"\n",
            "header a|b\n2: x, y|say \"hi\"",
        );
        check(
            b"a,b\n\"two\nlines\",z\n5,6\n",
            "header a|b\n2: two\nlines|z\n3: 5|6",
        );
    }

    #[test]
    fn blank_lines_are_skipped_but_counted() {
        check(b"a,b\n1,2\n\n\n3,4\n", "header a|b\n2: 1|2\n5: 3|4");
        check(b"a,b\n1,2\n,\n , \n3,4\n", "header a|b\n2: 1|2\n5: 3|4");
        check(b"a,b\r\n\r\n1,2\r\n", "header a|b\n3: 1|2");
        check(b"\na,b\n1,2\n", "header a|b\n3: 1|2");
        check(b"a,b\r\r3,4\r", "header a|b\n3: 3|4");
        check(
            b"a,b\n\"x\n\ny\",2\n\n3,4\n",
            "header a|b\n2: x\n\ny|2\n4: 3|4",
        );
    }

    #[test]
    fn ragged_rows_are_kept_for_the_validator() {
        check(b"a,b\n1\n1,2,3\n", "header a|b\n2: 1\n3: 1|2|3");
    }

    #[test]
    fn bad_encodings_are_problems() {
        check(
            b"a,b\n1,caf\xE9\n",
            "header a|b\n2: 1|caf\u{FFFD}\nproblem lines row 2 column b value \"caf\u{FFFD}\": not UTF-8 text: save the file as CSV UTF-8",
        );
        check(
            b"a,\xFF\n1,2\n",
            "header a|\u{FFFD}\n2: 1|2\nproblem lines row 1 column column 2 value \"\u{FFFD}\": not UTF-8 text: save the file as CSV UTF-8",
        );
        check(
            b"\xFF\xFEa\x00,\x00b\x00",
            "problem lines: the file is UTF-16 text: save it as CSV UTF-8",
        );
    }

    #[test]
    fn limits_are_problems() {
        let limits = Limits {
            max_cell_chars: 5,
            max_rows_per_table: 2,
            ..Limits::default()
        };
        check_with(
            b"a,b\n1,123456\n2,x\n3,y\n",
            &limits,
            "problem lines row 2 column b value \"123456…\": the cell is longer than the limit of 5 characters\nproblem lines: the table has more than the limit of 2 rows; the rest was not read",
        );
        check_with(
            b"a,b\n1,123456\n2,x\n",
            &limits,
            "header a|b\n2: 1|\n3: 2|x\nproblem lines row 2 column b value \"123456…\": the cell is longer than the limit of 5 characters",
        );
    }

    #[test]
    fn file_names() {
        let cases = [
            ("lines.csv", "lines"),
            ("NOMINALS.CSV", "nominals"),
            ("dir/Return.csv", "return"),
            (
                "nominal.csv",
                "problem - value \"nominal.csv\": unknown table: the files of a return are return.csv, lines.csv, nominals.csv, locations.csv, vehicles.csv and events.csv",
            ),
            (
                "lines.xlsx",
                "problem - value \"lines.xlsx\": not a CSV file: a return holds only <table>.csv files",
            ),
            (
                "-.csv",
                "problem - value \"-.csv\": unknown table: the files of a return are return.csv, lines.csv, nominals.csv, locations.csv, vehicles.csv and events.csv",
            ),
            (
                "é.csv",
                "problem - value \"é.csv\": unknown table: the files of a return are return.csv, lines.csv, nominals.csv, locations.csv, vehicles.csv and events.csv",
            ),
            (
                "ab",
                "problem - value \"ab\": not a CSV file: a return holds only <table>.csv files",
            ),
        ];
        for (name, expect) in cases {
            let mut problems = Problems::new(10);
            let got = match table_of_file(name, &mut problems) {
                Some(table) => table.to_string(),
                None => format!("problem {}", problems.into_vec()[0]),
            };
            assert_eq!(got, expect, "name {name:?}");
        }
    }
}
