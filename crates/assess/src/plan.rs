//! The bulk aggregations over the stored communications, as DataFusion SQL plans: per-number
//! activity, the contact graph (one row per ordered pair of numbers), bursts of messages,
//! handsets and cells. They reduce billions of records to tables the size of the number
//! population, which the pure code in `classify` and `replace` then reads.
//!
//! The same SQL runs unchanged on a Ballista cluster (`cluster`); nothing here depends on
//! running in process beyond the `SessionContext` it is given.

use std::path::Path;

use datafusion::arrow::array::{Array, AsArray, RecordBatch};
use datafusion::arrow::compute::cast;
use datafusion::arrow::datatypes::{DataType, Int64Type};
use datafusion::prelude::{ParquetReadOptions, SessionConfig, SessionContext};

use crate::{Error, Result, Settings};

/// Per-number aggregates read back from the plans.
#[derive(Debug, Default)]
pub(crate) struct Tables {
    /// number, first_out, last_out, n_out, sms_out, contacts_out
    pub out_stats: Vec<RecordBatch>,
    /// number, n_in, contacts_in, short_callers_in
    pub in_stats: Vec<RecordBatch>,
    /// number, bursts, burst_messages
    pub bursts: Vec<RecordBatch>,
    /// from_number, to_number, n, sms, calls, first_ts, last_ts
    pub edges: Vec<RecordBatch>,
    /// number, from_imei
    pub imeis: Vec<RecordBatch>,
    /// number, cell_id
    pub cells: Vec<RecordBatch>,
}

/// A session over the Parquet folder `dir`, registered as table `comms`, with the view `c`
/// (times as epoch milliseconds).
pub(crate) async fn session(dir: &Path) -> Result<SessionContext> {
    let config = SessionConfig::new().with_target_partitions(2);
    let ctx = SessionContext::new_with_config(config);
    register(&ctx, dir).await?;
    Ok(ctx)
}

/// Registers the Parquet folder `dir` in `ctx` as table `comms`, with the view `c`: the one
/// registration both engines use (in process here, on a cluster in `cluster`), so the same
/// SQL is the same job on both.
pub(crate) async fn register(ctx: &SessionContext, dir: &Path) -> Result<()> {
    let url = format!("{}/", dir.display());
    ctx.register_parquet("comms", &url, ParquetReadOptions::default())
        .await
        .map_err(Error::datafusion)?;
    ctx.sql(
        "CREATE VIEW c AS SELECT CAST(started_at AS BIGINT) AS ts, kind, from_number, \
         to_number, duration_s, from_imei, cell_id FROM comms",
    )
    .await
    .map_err(Error::datafusion)?;
    Ok(())
}

async fn run(ctx: &SessionContext, sql: &str) -> Result<Vec<RecordBatch>> {
    ctx.sql(sql)
        .await
        .map_err(Error::datafusion)?
        .collect()
        .await
        .map_err(Error::datafusion)
}

/// Runs every aggregation.
pub(crate) async fn tables(ctx: &SessionContext, settings: &Settings) -> Result<Tables> {
    let bucket = settings.burst_secs * 1000;
    let min = settings.burst_min_recipients;
    let short = settings.short_call_secs;
    Ok(Tables {
        out_stats: run(
            ctx,
            "SELECT from_number AS number, MIN(ts) AS first_out, MAX(ts) AS last_out, \
             COUNT(*) AS n_out, SUM(CASE WHEN kind = 'sms' THEN 1 ELSE 0 END) AS sms_out, \
             COUNT(DISTINCT to_number) AS contacts_out FROM c GROUP BY from_number",
        )
        .await?,
        in_stats: run(
            ctx,
            &format!(
                "SELECT to_number AS number, COUNT(*) AS n_in, \
                 COUNT(DISTINCT from_number) AS contacts_in, \
                 COUNT(DISTINCT CASE WHEN kind = 'call' AND duration_s < {short} \
                 THEN from_number END) AS short_callers_in FROM c GROUP BY to_number"
            ),
        )
        .await?,
        bursts: run(
            ctx,
            &format!(
                "SELECT from_number AS number, COUNT(*) AS bursts, \
                 SUM(recipients) AS burst_messages FROM ( \
                   SELECT from_number, ts / {bucket} AS slot, \
                   COUNT(DISTINCT to_number) AS recipients FROM c WHERE kind = 'sms' \
                   GROUP BY from_number, ts / {bucket}) AS s \
                 WHERE recipients >= {min} GROUP BY from_number"
            ),
        )
        .await?,
        edges: run(
            ctx,
            "SELECT from_number, to_number, COUNT(*) AS n, \
             SUM(CASE WHEN kind = 'sms' THEN 1 ELSE 0 END) AS sms, \
             SUM(CASE WHEN kind = 'call' THEN 1 ELSE 0 END) AS calls, \
             MIN(ts) AS first_ts, MAX(ts) AS last_ts FROM c GROUP BY from_number, to_number",
        )
        .await?,
        imeis: run(
            ctx,
            "SELECT DISTINCT from_number AS number, from_imei FROM c WHERE from_imei IS NOT NULL",
        )
        .await?,
        cells: run(
            ctx,
            "SELECT DISTINCT from_number AS number, cell_id FROM c WHERE cell_id IS NOT NULL",
        )
        .await?,
    })
}

/// A column of a result batch as text.
pub(crate) fn strings(batch: &RecordBatch, name: &str) -> Result<Vec<String>> {
    let column = column(batch, name)?;
    let text = cast(column, &DataType::Utf8).map_err(|e| Error::Plan(e.to_string()))?;
    let text = text.as_string::<i32>();
    Ok((0..text.len())
        .map(|i| {
            if text.is_null(i) {
                String::new()
            } else {
                text.value(i).to_owned()
            }
        })
        .collect())
}

/// A column of a result batch as integers (nulls as 0).
pub(crate) fn ints(batch: &RecordBatch, name: &str) -> Result<Vec<i64>> {
    let column = column(batch, name)?;
    let values = cast(column, &DataType::Int64).map_err(|e| Error::Plan(e.to_string()))?;
    let values = values.as_primitive::<Int64Type>();
    Ok((0..values.len())
        .map(|i| {
            if values.is_null(i) {
                0
            } else {
                values.value(i)
            }
        })
        .collect())
}

fn column<'a>(batch: &'a RecordBatch, name: &str) -> Result<&'a dyn Array> {
    batch
        .column_by_name(name)
        .map(|c| c.as_ref())
        .ok_or_else(|| Error::Plan(format!("result lacks column {name}")))
}
