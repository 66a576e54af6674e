//! The bulk aggregations over the stored communications, as DataFusion SQL plans: the
//! contact graph (one row per ordered pair of numbers, with counts and first and last
//! times), bursts of messages (per month, see below), and handset and cell use. They reduce
//! billions of records to tables the size of the number population, which the pure code in
//! `recycle`, `classify` and `replace` then reads; each number's activity and contact counts
//! are sums over its edges, so they cost no scan of their own.
//!
//! Results are read batch by batch into compact tables as they stream out of the plans:
//! numbers become dense ids (E.164 text is `+` and up to 15 digits, so the digits as an
//! integer are the key), handsets and cells are interned, and no batch is kept.
//!
//! The same SQL runs unchanged on a Ballista cluster (module `cluster`); nothing here
//! depends on running in process beyond the `SessionContext` it is given.

use std::path::Path;

use chrono::{DateTime, Datelike, TimeZone, Utc};
use datafusion::arrow::array::{Array, AsArray, RecordBatch};
use datafusion::arrow::compute::cast;
use datafusion::arrow::datatypes::{DataType, Int64Type};
use datafusion::prelude::{ParquetReadOptions, SessionConfig, SessionContext};
use futures::StreamExt;
use rustc_hash::FxHashMap;

use crate::recycle::Activity;
use crate::{Error, Result, Settings};

/// No handset, or no cell, in a [`Use`].
pub(crate) const NONE: u32 = u32::MAX;

/// One ordered pair of numbers in contact: the records from `from` to `to`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Edge {
    /// The originating number's id.
    pub from: u32,
    /// The receiving number's id.
    pub to: u32,
    /// Records.
    pub n: u32,
    /// Messages among them (the rest are calls).
    pub sms: u32,
    /// Calls shorter than [`Settings::short_call_secs`].
    pub short_calls: u32,
    /// First record, epoch ms.
    pub first: i64,
    /// Last record, epoch ms.
    pub last: i64,
}

/// One burst: a slot in which a number messaged many distinct numbers.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Burst {
    /// The sender's id.
    pub number: u32,
    /// Start of the slot, epoch ms.
    pub slot_ms: i64,
    /// Distinct recipients in the slot.
    pub recipients: u32,
}

/// A number's use of one handset in one cell (either may be [`NONE`]) between two times,
/// with the stretches of the data's span it was used in ([`Tables::activity`]).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Use {
    /// The originating number's id.
    pub number: u32,
    /// Index into [`Tables::imeis`], or [`NONE`].
    pub imei: u32,
    /// Index into [`Tables::cells`], or [`NONE`].
    pub cell: u32,
    /// First record, epoch ms.
    pub first: i64,
    /// Last record, epoch ms.
    pub last: i64,
    /// Bit `k` set when used in stretch `k` (`recycle::Activity::words`).
    pub words: [u64; Activity::WORDS],
}

/// The aggregates read back from the plans.
#[derive(Debug, Default)]
pub(crate) struct Tables {
    /// Every number seen, by id, as its E.164 digits without the `+`.
    pub numbers: Vec<i64>,
    /// The contact graph.
    pub edges: Vec<Edge>,
    /// Bursts, in no particular order.
    pub bursts: Vec<Burst>,
    /// Handset and cell use.
    pub uses: Vec<Use>,
    /// Handsets (IMEIs) by id.
    pub imeis: Vec<String>,
    /// Cells by id.
    pub cells: Vec<String>,
    /// The stretches [`Use::words`] count in: `origin_ms` and `width_ms` (the words are
    /// empty here).
    pub activity: Activity,
    /// Number id of each E.164 integer.
    ids: FxHashMap<i64, u32>,
    /// Handset id of each IMEI.
    imei_ids: FxHashMap<String, u32>,
    /// Cell id of each cell.
    cell_ids: FxHashMap<String, u32>,
}

impl Tables {
    /// Renumbers the numbers in the order of their digits and sorts the edges, so that ids,
    /// and so every tie and every sum the rules make, do not depend on the order in which
    /// the engine returned rows.
    fn canonical(&mut self) {
        let mut order: Vec<u32> = (0..self.numbers.len() as u32).collect();
        order.sort_unstable_by_key(|&i| self.numbers[i as usize]);
        let mut new_id = vec![0u32; order.len()];
        for (new, &old) in order.iter().enumerate() {
            new_id[old as usize] = new as u32;
        }
        self.numbers = order.iter().map(|&i| self.numbers[i as usize]).collect();
        self.ids.clear();
        for e in &mut self.edges {
            e.from = new_id[e.from as usize];
            e.to = new_id[e.to as usize];
        }
        self.edges.sort_unstable_by_key(|e| (e.from, e.to));
        for b in &mut self.bursts {
            b.number = new_id[b.number as usize];
        }
        self.bursts.sort_unstable_by_key(|b| (b.number, b.slot_ms));
        for u in &mut self.uses {
            u.number = new_id[u.number as usize];
        }
    }

    fn number(&mut self, digits: i64) -> u32 {
        let next = self.numbers.len() as u32;
        let id = *self.ids.entry(digits).or_insert(next);
        if id == next {
            self.numbers.push(digits);
        }
        id
    }
}

fn intern(ids: &mut FxHashMap<String, u32>, names: &mut Vec<String>, name: &str) -> u32 {
    if let Some(&id) = ids.get(name) {
        return id;
    }
    let id = names.len() as u32;
    ids.insert(name.to_owned(), id);
    names.push(name.to_owned());
    id
}

/// The session configuration used in process: one partition per core, as many as the
/// runtime's worker threads.
pub(crate) fn config() -> SessionConfig {
    SessionConfig::new().with_target_partitions(crate::cores())
}

/// A session over the Parquet folder `dir`, registered as table `comms`, with the view `c`
/// (times as epoch milliseconds).
pub(crate) async fn session(dir: &Path) -> Result<SessionContext> {
    let ctx = SessionContext::new_with_config(config());
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
        "CREATE VIEW c AS SELECT CAST(started_at AS BIGINT) AS ts, started_at, kind, \
         from_number, to_number, duration_s, from_imei, cell_id FROM comms",
    )
    .await
    .map_err(Error::datafusion)?;
    Ok(())
}

/// Runs `sql` and hands each result batch to `each` as it comes.
async fn stream(
    ctx: &SessionContext,
    sql: &str,
    mut each: impl FnMut(&RecordBatch) -> Result<()>,
) -> Result<()> {
    let mut batches = ctx
        .sql(sql)
        .await
        .map_err(Error::datafusion)?
        .execute_stream()
        .await
        .map_err(Error::datafusion)?;
    while let Some(batch) = batches.next().await {
        each(&batch.map_err(Error::datafusion)?)?;
    }
    Ok(())
}

/// Runs every aggregation.
pub(crate) async fn tables(ctx: &SessionContext, settings: &Settings) -> Result<Tables> {
    let mut t = Tables::default();
    // The time span of the data. On the raw column (the cast to epoch ms keeps the order), so
    // that it can be answered from the files' statistics rather than by a scan.
    let mut span = None;
    let sql = "SELECT CAST(MIN(started_at) AS BIGINT) AS lo, \
               CAST(MAX(started_at) AS BIGINT) AS hi FROM comms";
    stream(ctx, sql, |b| {
        if b.num_rows() > 0 && !b.column(0).is_null(0) {
            span = Some((ints(b, "lo")?[0], ints(b, "hi")?[0]));
        }
        Ok(())
    })
    .await?;
    let Some((lo, hi)) = span else {
        return Ok(t);
    };

    // The contact graph: everything per number (activity span, records and contacts out and
    // in, short callers) is summed from it, which saves a scan per table.
    let short = settings.short_call_secs;
    stream(
        ctx,
        &format!(
            "SELECT from_number, to_number, COUNT(*) AS n, \
             COUNT(*) FILTER (WHERE kind = 'sms') AS sms, \
             COUNT(*) FILTER (WHERE kind = 'call' AND duration_s < {short}) AS short_calls, \
             MIN(ts) AS first_ts, MAX(ts) AS last_ts FROM c GROUP BY from_number, to_number"
        ),
        |b| {
            let (from, to) = (digits(b, "from_number")?, digits(b, "to_number")?);
            let (n, sms, short) = (ints(b, "n")?, ints(b, "sms")?, ints(b, "short_calls")?);
            let (first, last) = (ints(b, "first_ts")?, ints(b, "last_ts")?);
            t.edges.reserve(from.len());
            for r in 0..from.len() {
                let edge = Edge {
                    from: t.number(from[r]),
                    to: t.number(to[r]),
                    n: count(n[r]),
                    sms: count(sms[r]),
                    short_calls: count(short[r]),
                    first: first[r],
                    last: last[r],
                };
                t.edges.push(edge);
            }
            Ok(())
        },
    )
    .await?;

    // Bursts, one month at a time: a slot never spans two chunks (their bounds are whole
    // slots), so the result is the same as over everything at once, while the distinct
    // (sender, slot, recipient) triples held at any moment are a month's, not the whole
    // span's. As many months run at once as there are cores.
    let bucket = settings.burst_secs.max(1) * 1000;
    let min = settings.burst_min_recipients;
    let queries: Vec<String> = chunks(lo, hi, bucket)
        .into_iter()
        .map(|(from, to)| {
            let (from, to) = (timestamp(from), timestamp(to));
            format!(
                "SELECT from_number, ts / {bucket} AS slot, \
                 COUNT(DISTINCT to_number) AS recipients FROM c \
                 WHERE kind = 'sms' AND started_at >= '{from}' AND started_at < '{to}' \
                 GROUP BY from_number, ts / {bucket} HAVING COUNT(DISTINCT to_number) >= {min}"
            )
        })
        .collect();
    let mut results = futures::stream::iter(queries.iter().map(|sql| collect(ctx, sql)))
        .buffer_unordered(crate::cores());
    while let Some(batches) = results.next().await {
        for b in &batches? {
            let (numbers, slots) = (digits(b, "from_number")?, ints(b, "slot")?);
            let recipients = ints(b, "recipients")?;
            for r in 0..numbers.len() {
                let burst = Burst {
                    number: t.number(numbers[r]),
                    slot_ms: slots[r] * bucket,
                    recipients: count(recipients[r]),
                };
                t.bursts.push(burst);
            }
        }
    }
    drop(results);

    // Handsets and cells, with when each was used, and in which stretches of the span each
    // number originated anything (for `recycle`).
    let width = ((hi - lo) / Activity::BUCKETS as i64 + 1).max(1);
    t.activity = Activity {
        origin_ms: lo,
        width_ms: width,
        words: [0; Activity::WORDS],
    };
    let stretch = format!("((ts - {lo}) / {width})");
    let words: Vec<String> = (0..Activity::WORDS)
        .map(|w| {
            let (a, b) = (64 * w, 64 * w + 64);
            format!(
                "BIT_OR(CASE WHEN {stretch} >= {a} AND {stretch} < {b} \
                 THEN CAST(1 AS BIGINT) << ({stretch} - {a}) ELSE CAST(0 AS BIGINT) END) AS w{w}"
            )
        })
        .collect();
    stream(
        ctx,
        &format!(
            "SELECT from_number, from_imei, cell_id, MIN(ts) AS first_ts, MAX(ts) AS last_ts, \
             {} FROM c GROUP BY from_number, from_imei, cell_id",
            words.join(", ")
        ),
        |b| {
            let numbers = digits(b, "from_number")?;
            let (imeis, cells) = (texts(b, "from_imei")?, texts(b, "cell_id")?);
            let (first, last) = (ints(b, "first_ts")?, ints(b, "last_ts")?);
            let words = (0..Activity::WORDS)
                .map(|w| ints(b, &format!("w{w}")))
                .collect::<Result<Vec<_>>>()?;
            for r in 0..numbers.len() {
                let number = t.number(numbers[r]);
                let imei = match imeis.is_null(r) {
                    true => NONE,
                    false => intern(&mut t.imei_ids, &mut t.imeis, imeis.value(r)),
                };
                let cell = match cells.is_null(r) {
                    true => NONE,
                    false => intern(&mut t.cell_ids, &mut t.cells, cells.value(r)),
                };
                t.uses.push(Use {
                    number,
                    imei,
                    cell,
                    first: first[r],
                    last: last[r],
                    words: std::array::from_fn(|w| words[w][r] as u64),
                });
            }
            Ok(())
        },
    )
    .await?;
    t.canonical();
    Ok(t)
}

/// Runs `sql` and keeps its result.
async fn collect(ctx: &SessionContext, sql: &str) -> Result<Vec<RecordBatch>> {
    ctx.sql(sql)
        .await
        .map_err(Error::datafusion)?
        .collect()
        .await
        .map_err(Error::datafusion)
}

/// An instant as an RFC 3339 literal the plans compare `started_at` with, so that the scan
/// can skip the files and row groups outside a chunk by their statistics.
fn timestamp(ms: i64) -> String {
    DateTime::<Utc>::from_timestamp_millis(ms)
        .unwrap_or_default()
        .format("%Y-%m-%dT%H:%M:%S%.3fZ")
        .to_string()
}

/// Time ranges `[lo, hi)` in epoch ms covering `lo..=hi`, one per calendar month (UTC), with
/// bounds rounded down to whole slots of `bucket` ms.
fn chunks(lo: i64, hi: i64, bucket: i64) -> Vec<(i64, i64)> {
    let month_start = |ms: i64| {
        let t = DateTime::<Utc>::from_timestamp_millis(ms).unwrap_or_default();
        Utc.with_ymd_and_hms(t.year(), t.month(), 1, 0, 0, 0)
            .single()
            .map_or(ms, |m| m.timestamp_millis())
    };
    let next_month = |ms: i64| {
        let t = DateTime::<Utc>::from_timestamp_millis(ms).unwrap_or_default();
        let (y, m) = if t.month() == 12 {
            (t.year() + 1, 1)
        } else {
            (t.year(), t.month() + 1)
        };
        Utc.with_ymd_and_hms(y, m, 1, 0, 0, 0)
            .single()
            .map_or(i64::MAX, |m| m.timestamp_millis())
    };
    let slot = |ms: i64| ms.div_euclid(bucket) * bucket;
    if bucket > 28 * 86_400_000 {
        // Slots longer than a month: one chunk, so that no slot is cut.
        return vec![(slot(lo), slot(hi) + bucket)];
    }
    let mut out = Vec::new();
    let mut month = month_start(lo);
    while slot(month) <= hi {
        let next = next_month(month);
        out.push((slot(month), slot(next)));
        month = next;
    }
    out
}

fn count(value: i64) -> u32 {
    u32::try_from(value).unwrap_or(u32::MAX)
}

/// A column of E.164 numbers (text, or already integers) as their digits.
fn digits(batch: &RecordBatch, name: &str) -> Result<Vec<i64>> {
    let column = column(batch, name)?;
    if column.data_type().is_integer() {
        return ints(batch, name);
    }
    let text = cast(column, &DataType::Utf8View).map_err(|e| Error::Plan(e.to_string()))?;
    let text = text.as_string_view();
    (0..text.len())
        .map(|i| {
            let value = text.value(i);
            value
                .strip_prefix('+')
                .and_then(|d| d.parse::<i64>().ok())
                .filter(|_| !text.is_null(i))
                .ok_or_else(|| Error::Plan(format!("{name} holds {value:?}, not an E.164 number")))
        })
        .collect()
}

/// A column of text (nulls kept).
fn texts(batch: &RecordBatch, name: &str) -> Result<datafusion::arrow::array::StringViewArray> {
    let column = column(batch, name)?;
    let text = cast(column, &DataType::Utf8View).map_err(|e| Error::Plan(e.to_string()))?;
    Ok(text.as_string_view().clone())
}

/// A column of a result batch as integers (nulls as 0).
fn ints(batch: &RecordBatch, name: &str) -> Result<Vec<i64>> {
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
