//! Writing and reading the record tables (`lines` … `events`) through [`store::codec`].
//!
//! Records go in with `COPY … FROM STDIN` in text format, the fastest way into PostgreSQL
//! short of the binary format, and come back with one streamed `SELECT` per table. The SQL
//! is built from the codec's column lists, so the codec stays the one description of what is
//! stored. This module does not check permissions or write logs; `lib.rs` does, around it.

use std::io::Write;

use model::{Return, ReturnHeader};
use postgres::Transaction;
use postgres::fallible_iterator::FallibleIterator;
use store::codec::{self, Columns};
use store::{Error, Result};

use crate::db_error;

/// Bytes gathered before they are handed to the connection. Large enough that the per-write
/// overhead vanishes, small enough not to matter next to the return itself.
const COPY_CHUNK: usize = 1 << 20;

/// `COPY table (return_id, row, c1, …) FROM STDIN`.
fn copy_sql(table: &str, columns: &[&str]) -> String {
    format!(
        "COPY {table} (return_id, row, {}) FROM STDIN",
        columns.join(", ")
    )
}

/// `SELECT row, c1, … FROM table WHERE return_id = $1 ORDER BY row`.
fn select_sql(table: &str, columns: &[&str]) -> String {
    format!(
        "SELECT row, {} FROM {table} WHERE return_id = $1 ORDER BY row",
        columns.join(", ")
    )
}

/// Why a value cannot go into a text column.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct NulInText;

/// Appends `text` escaped for COPY's text format: backslash, tab, newline and carriage return
/// are written as `\\`, `\t`, `\n` and `\r`; every other byte (all of UTF-8) goes as it is.
/// PostgreSQL cannot store U+0000 in text at all, so that alone is refused.
pub(crate) fn push_copy_text(buf: &mut Vec<u8>, text: &str) -> Result<(), NulInText> {
    let bytes = text.as_bytes();
    let mut start = 0;
    for (i, &b) in bytes.iter().enumerate() {
        let escaped: &[u8] = match b {
            b'\\' => b"\\\\",
            b'\t' => b"\\t",
            b'\n' => b"\\n",
            b'\r' => b"\\r",
            0 => return Err(NulInText),
            _ => continue,
        };
        buf.extend_from_slice(&bytes[start..i]);
        buf.extend_from_slice(escaped);
        start = i + 1;
    }
    buf.extend_from_slice(&bytes[start..]);
    Ok(())
}

/// Copies one table's rows for `return_id`.
fn copy_table<'a, T: 'a>(
    tx: &mut Transaction<'_>,
    table: &'static str,
    columns: &'static [&'static str],
    return_id: i64,
    records: &'a [T],
    row_of: fn(&T) -> u32,
    encode: fn(&T) -> Columns,
) -> Result<()> {
    if records.is_empty() {
        return Ok(());
    }
    let context = format!("copying into {table}");
    let mut writer = tx
        .copy_in(&copy_sql(table, columns))
        .map_err(db_error(&context))?;
    let mut buf: Vec<u8> = Vec::with_capacity(COPY_CHUNK + 64 * 1024);
    let prefix = format!("{return_id}\t");
    for record in records {
        let row = row_of(record);
        buf.extend_from_slice(prefix.as_bytes());
        // Writing a u32 into a Vec cannot fail.
        let _ = write!(buf, "{row}");
        for (value, column) in encode(record).iter().zip(columns) {
            buf.push(b'\t');
            match value {
                None => buf.extend_from_slice(b"\\N"),
                Some(text) => push_copy_text(&mut buf, text).map_err(|NulInText| {
                    Error::Database(format!(
                        "{table} row {row} column {column}: PostgreSQL cannot store the NUL character (U+0000) in text"
                    ))
                })?,
            }
        }
        buf.push(b'\n');
        if buf.len() >= COPY_CHUNK {
            writer
                .write_all(&buf)
                .map_err(|e| Error::Database(format!("{context}: {e}")))?;
            buf.clear();
        }
    }
    writer
        .write_all(&buf)
        .map_err(|e| Error::Database(format!("{context}: {e}")))?;
    writer.finish().map_err(db_error(&context))?;
    Ok(())
}

/// Copies every record of `ret` under `return_id`.
pub(crate) fn insert_all(tx: &mut Transaction<'_>, return_id: i64, ret: &Return) -> Result<()> {
    copy_table(
        tx,
        "lines",
        codec::LINE_COLUMNS,
        return_id,
        &ret.lines,
        |r| r.row,
        codec::encode_line,
    )?;
    copy_table(
        tx,
        "nominals",
        codec::NOMINAL_COLUMNS,
        return_id,
        &ret.nominals,
        |r| r.row,
        codec::encode_nominal,
    )?;
    copy_table(
        tx,
        "locations",
        codec::LOCATION_COLUMNS,
        return_id,
        &ret.locations,
        |r| r.row,
        codec::encode_location,
    )?;
    copy_table(
        tx,
        "vehicles",
        codec::VEHICLE_COLUMNS,
        return_id,
        &ret.vehicles,
        |r| r.row,
        codec::encode_vehicle,
    )?;
    copy_table(
        tx,
        "events",
        codec::EVENT_COLUMNS,
        return_id,
        &ret.events,
        |r| r.row,
        codec::encode_event,
    )?;
    Ok(())
}

fn corrupt(table: &'static str, column: &'static str, e: impl std::fmt::Display) -> Error {
    Error::Corrupt {
        table,
        column,
        reason: e.to_string(),
    }
}

/// Reads one table's rows of `return_id`, in row order, streaming them.
fn load_table<T>(
    tx: &mut Transaction<'_>,
    table: &'static str,
    columns: &'static [&'static str],
    return_id: i64,
    decode: fn(u32, &[Option<String>]) -> Result<T>,
) -> Result<Vec<T>> {
    let context = format!("reading {table}");
    let mut rows = tx
        .query_raw(&select_sql(table, columns), [return_id])
        .map_err(db_error(&context))?;
    let mut out = Vec::with_capacity(rows.size_hint().0);
    let mut values: Columns = Vec::with_capacity(columns.len());
    while let Some(r) = rows.next().map_err(db_error(&context))? {
        let row: i32 = r.try_get(0).map_err(|e| corrupt(table, "row", e))?;
        let row = u32::try_from(row).map_err(|e| corrupt(table, "row", e))?;
        values.clear();
        for (i, column) in columns.iter().enumerate() {
            values.push(r.try_get(i + 1).map_err(|e| corrupt(table, column, e))?);
        }
        out.push(decode(row, &values)?);
    }
    Ok(out)
}

/// Reads every record of `return_id` back into a [`Return`] with `header`.
pub(crate) fn load_all(
    tx: &mut Transaction<'_>,
    return_id: i64,
    header: ReturnHeader,
) -> Result<Return> {
    Ok(Return {
        header,
        lines: load_table(
            tx,
            "lines",
            codec::LINE_COLUMNS,
            return_id,
            codec::decode_line,
        )?,
        nominals: load_table(
            tx,
            "nominals",
            codec::NOMINAL_COLUMNS,
            return_id,
            codec::decode_nominal,
        )?,
        locations: load_table(
            tx,
            "locations",
            codec::LOCATION_COLUMNS,
            return_id,
            codec::decode_location,
        )?,
        vehicles: load_table(
            tx,
            "vehicles",
            codec::VEHICLE_COLUMNS,
            return_id,
            codec::decode_vehicle,
        )?,
        events: load_table(
            tx,
            "events",
            codec::EVENT_COLUMNS,
            return_id,
            codec::decode_event,
        )?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(input: &str, expect: &str) {
        let mut buf = Vec::new();
        let got = match push_copy_text(&mut buf, input) {
            Ok(()) => String::from_utf8(buf).unwrap(),
            Err(NulInText) => "refused".to_string(),
        };
        assert_eq!(got, expect, "input {input:?}");
    }

    #[test]
    fn copy_text_escaping() {
        check("plain", "plain");
        check("", "");
        check("tab\there", "tab\\there");
        check("two\nlines\r\n", "two\\nlines\\r\\n");
        check("back\\slash", "back\\\\slash");
        check("\\N", "\\\\N");
        check("\\.", "\\\\.");
        check("quotes \"'`, commas; semis", "quotes \"'`, commas; semis");
        check("Zoë 🦊 Łódź", "Zoë 🦊 Łódź");
        check("nul\0", "refused");
    }

    #[test]
    fn sql_follows_the_codec() {
        assert_eq!(
            copy_sql("vehicles", codec::VEHICLE_COLUMNS),
            "COPY vehicles (return_id, row, vrm, make, model, colour, kind, line_refs, nominal_refs, grading) FROM STDIN"
        );
        assert_eq!(
            select_sql("vehicles", codec::VEHICLE_COLUMNS),
            "SELECT row, vrm, make, model, colour, kind, line_refs, nominal_refs, grading FROM vehicles \
             WHERE return_id = $1 ORDER BY row"
        );
    }
}
