//! Streaming readers for comms-v1 files: CSV, gzip-compressed CSV and Parquet, chosen by
//! the file's name. Records reach the caller in batches of at most `batch_rows`, so memory
//! stays bounded whatever the file's size.
//!
//! Every row that cannot be read becomes a [`RowProblem`] (line and reason) and is never
//! passed on; deciding whether such a file is accepted is the caller's business
//! (`store::CommsStore::import`). Parquet columns of any type are read through their text
//! form, except timestamps, which are taken as they are.

use std::fs::File;
use std::io::{BufReader, Read};
use std::path::Path;

use datafusion::arrow::array::{Array, AsArray};
use datafusion::arrow::compute::cast;
use datafusion::arrow::datatypes::{DataType, TimeUnit, TimestampMillisecondType};
use datafusion::parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use flate2::read::MultiGzDecoder;

use crate::record::{COLUMNS, Record};
use crate::{Error, Result, io_error};

/// A row that could not be read, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowProblem {
    /// The line of the file (1 is the CSV header; for Parquet, the row number counted from
    /// 2 so that both formats number data rows alike).
    pub line: u64,
    /// Why it was not read.
    pub reason: String,
}

/// What reading one file gave besides its records.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReadSummary {
    /// Rows read and passed on.
    pub rows: u64,
    /// Every row not read, in file order.
    pub problems: Vec<RowProblem>,
}

/// The container of a comms-v1 file, from its name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Format {
    Csv,
    CsvGz,
    Parquet,
}

fn format_of(path: &Path) -> Result<Format> {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    if name.ends_with(".csv.gz") {
        Ok(Format::CsvGz)
    } else if name.ends_with(".csv") {
        Ok(Format::Csv)
    } else if name.ends_with(".parquet") {
        Ok(Format::Parquet)
    } else {
        Err(Error::UnknownFormat {
            path: path.to_path_buf(),
        })
    }
}

/// Whether `path` names a comms-v1 file (`.csv`, `.csv.gz`, `.parquet`).
pub fn is_comms_file(path: &Path) -> bool {
    format_of(path).is_ok()
}

/// Reads `path`, handing its valid records to `on_batch` in batches of at most
/// `batch_rows`; returns the count and every row problem.
pub fn read_file(
    path: &Path,
    batch_rows: usize,
    on_batch: &mut dyn FnMut(Vec<Record>) -> Result<()>,
) -> Result<ReadSummary> {
    let batch_rows = batch_rows.max(1);
    let file = File::open(path).map_err(io_error(path))?;
    match format_of(path)? {
        Format::Csv => read_csv(
            path,
            BufReader::with_capacity(1 << 20, file),
            batch_rows,
            on_batch,
        ),
        Format::CsvGz => read_csv(
            path,
            BufReader::with_capacity(1 << 20, MultiGzDecoder::new(BufReader::new(file))),
            batch_rows,
            on_batch,
        ),
        Format::Parquet => read_parquet(path, file, batch_rows, on_batch),
    }
}

fn read_csv(
    path: &Path,
    input: impl Read,
    batch_rows: usize,
    on_batch: &mut dyn FnMut(Vec<Record>) -> Result<()>,
) -> Result<ReadSummary> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(true)
        .from_reader(input);
    let headers = reader
        .headers()
        .map_err(|e| Error::Csv {
            path: path.to_path_buf(),
            message: e.to_string(),
        })?
        .clone();
    let mut index = [0usize; 7];
    for (slot, column) in index.iter_mut().zip(COLUMNS) {
        *slot = headers
            .iter()
            .position(|h| h.trim().trim_start_matches('\u{feff}') == column)
            .ok_or(Error::MissingColumn {
                path: path.to_path_buf(),
                column,
            })?;
    }
    let mut summary = ReadSummary::default();
    let mut batch = Vec::with_capacity(batch_rows);
    let mut row = csv::StringRecord::new();
    let mut line = 1u64;
    loop {
        line += 1;
        match reader.read_record(&mut row) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => {
                // A broken row (bad UTF-8, unbalanced quote) is a problem of that line;
                // an IO failure underneath is an error of the file.
                if let csv::ErrorKind::Io(_) = e.kind() {
                    return Err(Error::Csv {
                        path: path.to_path_buf(),
                        message: e.to_string(),
                    });
                }
                summary.problems.push(RowProblem {
                    line: e.position().map_or(line, |p| p.line()),
                    reason: format!("unreadable row: {e}"),
                });
                continue;
            }
        }
        // Quoted fields may span lines: the reader knows where the record began.
        let at = row.position().map_or(line, |p| p.line());
        line = at;
        let fields = index.map(|i| row.get(i).unwrap_or(""));
        if row.len() != headers.len() {
            summary.problems.push(RowProblem {
                line: at,
                reason: format!("expected {} fields, found {}", headers.len(), row.len()),
            });
            continue;
        }
        match Record::from_fields(fields) {
            Ok(record) => {
                batch.push(record);
                if batch.len() == batch_rows {
                    summary.rows += batch.len() as u64;
                    on_batch(std::mem::replace(
                        &mut batch,
                        Vec::with_capacity(batch_rows),
                    ))?;
                }
            }
            Err(reason) => summary.problems.push(RowProblem { line: at, reason }),
        }
    }
    if !batch.is_empty() {
        summary.rows += batch.len() as u64;
        on_batch(batch)?;
    }
    Ok(summary)
}

fn read_parquet(
    path: &Path,
    file: File,
    batch_rows: usize,
    on_batch: &mut dyn FnMut(Vec<Record>) -> Result<()>,
) -> Result<ReadSummary> {
    let parquet_error = |e: &dyn std::fmt::Display| Error::Parquet {
        path: path.to_path_buf(),
        message: e.to_string(),
    };
    let builder = ParquetRecordBatchReaderBuilder::try_new(file).map_err(|e| parquet_error(&e))?;
    let schema = builder.schema().clone();
    let mut index = [0usize; 7];
    for (slot, column) in index.iter_mut().zip(COLUMNS) {
        *slot = schema.index_of(column).map_err(|_| Error::MissingColumn {
            path: path.to_path_buf(),
            column,
        })?;
    }
    let reader = builder
        .with_batch_size(batch_rows)
        .build()
        .map_err(|e| parquet_error(&e))?;
    let mut summary = ReadSummary::default();
    let mut line = 1u64;
    for batch in reader {
        let batch = batch.map_err(|e| parquet_error(&e))?;
        let started = batch.column(index[0]);
        // Timestamps are taken as instants; any other type is read as RFC 3339 text.
        let started_ms = match started.data_type() {
            DataType::Timestamp(_, _) => Some(
                cast(
                    started,
                    &DataType::Timestamp(TimeUnit::Millisecond, Some("UTC".into())),
                )
                .map_err(|e| parquet_error(&e))?,
            ),
            _ => None,
        };
        let text: Vec<_> = index
            .iter()
            .map(|&i| cast(batch.column(i), &DataType::Utf8))
            .collect::<Result<_, _>>()
            .map_err(|e| parquet_error(&e))?;
        let text: Vec<_> = text.iter().map(|a| a.as_string::<i32>()).collect();
        let mut records = Vec::with_capacity(batch.num_rows());
        for row in 0..batch.num_rows() {
            line += 1;
            let field = |c: usize| {
                if text[c].is_null(row) {
                    ""
                } else {
                    text[c].value(row)
                }
            };
            let mut fields = [""; 7];
            for (c, slot) in fields.iter_mut().enumerate() {
                *slot = field(c);
            }
            // A placeholder keeps validation of the other columns when the time is typed.
            if started_ms.is_some() {
                fields[0] = "1970-01-01T00:00:00Z";
            }
            let parsed = Record::from_fields(fields).and_then(|mut record| {
                if let Some(ms) = &started_ms {
                    let ms = ms.as_primitive::<TimestampMillisecondType>();
                    if ms.is_null(row) {
                        return Err("started_at: empty".to_owned());
                    }
                    record.started_at_ms = ms.value(row);
                }
                Ok(record)
            });
            match parsed {
                Ok(record) => records.push(record),
                Err(reason) => summary.problems.push(RowProblem { line, reason }),
            }
        }
        if !records.is_empty() {
            summary.rows += records.len() as u64;
            on_batch(records)?;
        }
    }
    Ok(summary)
}
