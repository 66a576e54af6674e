//! Writing and reading the record tables (`lines` … `events`) through [`store::codec`].
//!
//! The SQL is built from the codec's column lists, so the codec stays the one description of
//! what is stored. This module is the hot path of an import: one cached prepared statement
//! per table, parameters bound by index, nothing allocated per row beyond what the codec
//! returns. It does not check permissions or write logs; `lib.rs` does, around it.

use model::{Return, ReturnHeader};
use rusqlite::Connection;
use store::codec::{self, Columns};
use store::{Error, Result};

use crate::db_error;

/// `INSERT INTO table (return_id, row, c1, …) VALUES (?1, ?2, ?3, …)`.
fn insert_sql(table: &str, columns: &[&str]) -> String {
    let mut sql = format!("INSERT INTO {table} (return_id, row");
    for column in columns {
        sql.push_str(", ");
        sql.push_str(column);
    }
    sql.push_str(") VALUES (?1, ?2");
    for i in 0..columns.len() {
        sql.push_str(&format!(", ?{}", i + 3));
    }
    sql.push(')');
    sql
}

/// `SELECT row, c1, … FROM table WHERE return_id = ?1 ORDER BY row`.
fn select_sql(table: &str, columns: &[&str]) -> String {
    format!(
        "SELECT row, {} FROM {table} WHERE return_id = ?1 ORDER BY row",
        columns.join(", ")
    )
}

/// Inserts one table's rows for `return_id`.
fn insert_table<'a, T: 'a>(
    conn: &Connection,
    table: &'static str,
    columns: &'static [&'static str],
    return_id: i64,
    records: impl IntoIterator<Item = &'a T>,
    row_of: fn(&T) -> u32,
    encode: fn(&T) -> Columns,
) -> Result<()> {
    let context = format!("inserting into {table}");
    let mut stmt = conn
        .prepare_cached(&insert_sql(table, columns))
        .map_err(db_error(&context))?;
    // The return id is the same for every row; SQLite keeps a binding across executions.
    stmt.raw_bind_parameter(1, return_id)
        .map_err(db_error(&context))?;
    for record in records {
        let values = encode(record);
        debug_assert_eq!(values.len(), columns.len());
        stmt.raw_bind_parameter(2, row_of(record))
            .map_err(db_error(&context))?;
        for (i, value) in values.iter().enumerate() {
            stmt.raw_bind_parameter(i + 3, value.as_deref())
                .map_err(db_error(&context))?;
        }
        stmt.raw_execute()
            .map_err(|e| Error::Database(format!("{context}, row {}: {e}", row_of(record))))?;
    }
    Ok(())
}

/// Inserts every record of `ret` under `return_id`.
pub(crate) fn insert_all(conn: &Connection, return_id: i64, ret: &Return) -> Result<()> {
    insert_table(
        conn,
        "lines",
        codec::LINE_COLUMNS,
        return_id,
        &ret.lines,
        |r| r.row,
        codec::encode_line,
    )?;
    insert_table(
        conn,
        "nominals",
        codec::NOMINAL_COLUMNS,
        return_id,
        &ret.nominals,
        |r| r.row,
        codec::encode_nominal,
    )?;
    insert_table(
        conn,
        "locations",
        codec::LOCATION_COLUMNS,
        return_id,
        &ret.locations,
        |r| r.row,
        codec::encode_location,
    )?;
    insert_table(
        conn,
        "vehicles",
        codec::VEHICLE_COLUMNS,
        return_id,
        &ret.vehicles,
        |r| r.row,
        codec::encode_vehicle,
    )?;
    insert_table(
        conn,
        "events",
        codec::EVENT_COLUMNS,
        return_id,
        &ret.events,
        |r| r.row,
        codec::encode_event,
    )?;
    Ok(())
}

/// Reads one table's rows of `return_id`, in row order.
fn load_table<T>(
    conn: &Connection,
    table: &'static str,
    columns: &'static [&'static str],
    return_id: i64,
    decode: fn(u32, &[Option<String>]) -> Result<T>,
) -> Result<Vec<T>> {
    let context = format!("reading {table}");
    let mut stmt = conn
        .prepare_cached(&select_sql(table, columns))
        .map_err(db_error(&context))?;
    let mut rows = stmt.query([return_id]).map_err(db_error(&context))?;
    let mut out = Vec::new();
    let mut values: Columns = Vec::with_capacity(columns.len());
    while let Some(r) = rows.next().map_err(db_error(&context))? {
        let row: i64 = r.get(0).map_err(|e| corrupt(table, "row", e))?;
        let row = u32::try_from(row).map_err(|e| corrupt(table, "row", e))?;
        values.clear();
        for (i, column) in columns.iter().enumerate() {
            values.push(r.get(i + 1).map_err(|e| corrupt(table, column, e))?);
        }
        out.push(decode(row, &values)?);
    }
    Ok(out)
}

fn corrupt(table: &'static str, column: &'static str, e: impl std::fmt::Display) -> Error {
    Error::Corrupt {
        table,
        column,
        reason: e.to_string(),
    }
}

/// Reads every record of `return_id` back into a [`Return`] with `header`.
pub(crate) fn load_all(conn: &Connection, return_id: i64, header: ReturnHeader) -> Result<Return> {
    Ok(Return {
        header,
        lines: load_table(
            conn,
            "lines",
            codec::LINE_COLUMNS,
            return_id,
            codec::decode_line,
        )?,
        nominals: load_table(
            conn,
            "nominals",
            codec::NOMINAL_COLUMNS,
            return_id,
            codec::decode_nominal,
        )?,
        locations: load_table(
            conn,
            "locations",
            codec::LOCATION_COLUMNS,
            return_id,
            codec::decode_location,
        )?,
        vehicles: load_table(
            conn,
            "vehicles",
            codec::VEHICLE_COLUMNS,
            return_id,
            codec::decode_vehicle,
        )?,
        events: load_table(
            conn,
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

    #[test]
    fn sql_follows_the_codec() {
        assert_eq!(
            insert_sql("vehicles", codec::VEHICLE_COLUMNS),
            "INSERT INTO vehicles (return_id, row, vrm, make, model, colour, kind, line_refs, nominal_refs, grading) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)"
        );
        assert_eq!(
            select_sql("vehicles", codec::VEHICLE_COLUMNS),
            "SELECT row, vrm, make, model, colour, kind, line_refs, nominal_refs, grading FROM vehicles \
             WHERE return_id = ?1 ORDER BY row"
        );
    }
}
