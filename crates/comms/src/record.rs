//! One validated call or message ([`Record`]), its validation from the text of a row
//! ([`Record::from_fields`]), and the Arrow schema it is stored under ([`schema`]).
//!
//! The stored schema keeps comms-v1's column names; `started_at` is a UTC timestamp in
//! milliseconds, numbers are E.164 text, and empty IMEIs and cells are nulls.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use datafusion::arrow::array::{
    ArrayRef, Int64Builder, RecordBatch, StringBuilder, TimestampMillisecondBuilder,
};
use datafusion::arrow::datatypes::{DataType, Field, Schema, SchemaRef, TimeUnit};
use model::PhoneNumber;

/// Call or message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    /// A voice call.
    Call,
    /// A text message.
    Sms,
}

impl Kind {
    /// The comms-v1 spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Call => "call",
            Kind::Sms => "sms",
        }
    }
}

/// One call or message, validated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record {
    /// When it began or was sent, in milliseconds since the Unix epoch (UTC).
    pub started_at_ms: i64,
    /// Call or message.
    pub kind: Kind,
    /// The originating number.
    pub from_number: PhoneNumber,
    /// The receiving number.
    pub to_number: PhoneNumber,
    /// Call length in seconds; 0 for a message.
    pub duration_s: i64,
    /// The originating handset (14–16 digits), when known.
    pub from_imei: Option<String>,
    /// The cell the originating handset used, when known.
    pub cell_id: Option<String>,
}

/// The column names of comms-v1, in order.
pub const COLUMNS: [&str; 7] = [
    "started_at",
    "kind",
    "from_number",
    "to_number",
    "duration_s",
    "from_imei",
    "cell_id",
];

impl Record {
    /// Validates one row given as the text of its seven columns in [`COLUMNS`] order;
    /// the error is the reason the row cannot be read.
    pub fn from_fields(fields: [&str; 7]) -> Result<Record, String> {
        let [started_at, kind, from, to, duration, imei, cell] = fields.map(str::trim);
        let started_at_ms = DateTime::parse_from_rfc3339(started_at)
            .map_err(|e| format!("started_at: not an RFC 3339 timestamp ({started_at:?}: {e})"))?
            .with_timezone(&Utc)
            .timestamp_millis();
        let kind = match kind {
            "call" => Kind::Call,
            "sms" => Kind::Sms,
            other => return Err(format!("kind: expected call or sms, found {other:?}")),
        };
        let from_number =
            PhoneNumber::parse(from).map_err(|e| format!("from_number: {e} ({from:?})"))?;
        let to_number = PhoneNumber::parse(to).map_err(|e| format!("to_number: {e} ({to:?})"))?;
        let duration_s: i64 =
            duration.parse().ok().filter(|d| *d >= 0).ok_or_else(|| {
                format!("duration_s: expected an integer ≥ 0, found {duration:?}")
            })?;
        if kind == Kind::Sms && duration_s != 0 {
            return Err(format!(
                "duration_s: an sms has duration 0, found {duration_s}"
            ));
        }
        let from_imei = if imei.is_empty() {
            None
        } else if (14..=16).contains(&imei.len()) && imei.bytes().all(|b| b.is_ascii_digit()) {
            Some(imei.to_owned())
        } else {
            return Err(format!(
                "from_imei: expected 14 to 16 digits, found {imei:?}"
            ));
        };
        let cell_id = (!cell.is_empty()).then(|| cell.to_owned());
        Ok(Record {
            started_at_ms,
            kind,
            from_number,
            to_number,
            duration_s,
            from_imei,
            cell_id,
        })
    }

    /// The month it falls in, `YYYY-MM` (UTC): its storage partition.
    pub fn month(&self) -> String {
        DateTime::<Utc>::from_timestamp_millis(self.started_at_ms)
            .map(|t| t.format("%Y-%m").to_string())
            .unwrap_or_else(|| "unknown".to_owned())
    }
}

/// The Arrow schema records are stored under.
pub fn schema() -> SchemaRef {
    Arc::new(Schema::new(vec![
        Field::new(
            "started_at",
            DataType::Timestamp(TimeUnit::Millisecond, Some("UTC".into())),
            false,
        ),
        Field::new("kind", DataType::Utf8, false),
        Field::new("from_number", DataType::Utf8, false),
        Field::new("to_number", DataType::Utf8, false),
        Field::new("duration_s", DataType::Int64, false),
        Field::new("from_imei", DataType::Utf8, true),
        Field::new("cell_id", DataType::Utf8, true),
    ]))
}

/// Builds one Arrow batch of `records` under [`schema`].
pub fn to_batch(records: &[Record]) -> RecordBatch {
    let n = records.len();
    let mut started = TimestampMillisecondBuilder::with_capacity(n).with_timezone("UTC");
    let mut kind = StringBuilder::with_capacity(n, n * 4);
    let mut from = StringBuilder::with_capacity(n, n * 13);
    let mut to = StringBuilder::with_capacity(n, n * 13);
    let mut duration = Int64Builder::with_capacity(n);
    let mut imei = StringBuilder::with_capacity(n, n * 15);
    let mut cell = StringBuilder::with_capacity(n, n * 16);
    for r in records {
        started.append_value(r.started_at_ms);
        kind.append_value(r.kind.as_str());
        from.append_value(r.from_number.as_str());
        to.append_value(r.to_number.as_str());
        duration.append_value(r.duration_s);
        imei.append_option(r.from_imei.as_deref());
        cell.append_option(r.cell_id.as_deref());
    }
    let columns: Vec<ArrayRef> = vec![
        Arc::new(started.finish()),
        Arc::new(kind.finish()),
        Arc::new(from.finish()),
        Arc::new(to.finish()),
        Arc::new(duration.finish()),
        Arc::new(imei.finish()),
        Arc::new(cell.finish()),
    ];
    // Invariant: the columns match `schema()` by construction.
    RecordBatch::try_new(schema(), columns).expect("columns built to the schema")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(fields: [&str; 7], expect: Result<(), &str>) {
        let got = Record::from_fields(fields).map(|_| ());
        match (got, expect) {
            (Ok(()), Ok(())) => {}
            (Err(e), Err(want)) => assert!(e.contains(want), "{e:?} lacks {want:?}"),
            (got, want) => panic!("got {got:?}, want {want:?}"),
        }
    }

    #[test]
    fn rows() {
        let ok = [
            "2026-03-01T18:22:05Z",
            "sms",
            "+447700900123",
            "07700 900124",
            "0",
            "",
            "",
        ];
        check(ok, Ok(()));
        let mut bad = ok;
        bad[0] = "yesterday";
        check(bad, Err("started_at"));
        let mut bad = ok;
        bad[1] = "fax";
        check(bad, Err("kind"));
        let mut bad = ok;
        bad[3] = "call me";
        check(bad, Err("to_number"));
        let mut bad = ok;
        bad[4] = "-3";
        check(bad, Err("duration_s"));
        let mut bad = ok;
        bad[5] = "12ab";
        check(bad, Err("from_imei"));
        let mut call = ok;
        call[1] = "call";
        call[4] = "61";
        call[5] = "351972773451849";
        check(call, Ok(()));
    }
}
