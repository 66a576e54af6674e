//! Import of comms-v1 files into the Parquet store: the three containers give the same
//! rows, bad rows are reported by line and reason (and reject the file unless skipped),
//! and importing the same file twice adds nothing.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use comms::record::to_batch;
use comms::{CommsStore, FileOutcome, ImportOptions, Record, read_file};
use datafusion::parquet::arrow::ArrowWriter;

const CSV: &str = "\
started_at,kind,from_number,to_number,duration_s,from_imei,cell_id
2026-03-01T18:22:05Z,sms,+447700900123,+447700900124,0,351972773451849,234-10-1096-16164
2026-03-01T18:22:07Z,sms,+447700900123,07700 900125,0,351972773451849,
2026-03-02T09:00:00Z,call,447700900124,+447700900123,35,,234-10-1096-16100
2026-04-01T00:00:01Z,call,+447700900126,+447700900123,0,,
";

fn stored_rows(dir: &Path) -> Vec<Record> {
    let mut files = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in fs::read_dir(&d).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "parquet") {
                files.push(path);
            }
        }
    }
    let mut rows = Vec::new();
    for file in files {
        read_file(&file, 2, &mut |batch| {
            rows.extend(batch);
            Ok(())
        })
        .unwrap();
    }
    rows.sort_by(|a, b| {
        (a.started_at_ms, a.from_number.as_str()).cmp(&(b.started_at_ms, b.from_number.as_str()))
    });
    rows
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let path = dir.join(name);
    fs::write(&path, bytes).unwrap();
    path
}

fn gzip(text: &str) -> Vec<u8> {
    let mut out = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    out.write_all(text.as_bytes()).unwrap();
    out.finish().unwrap()
}

#[test]
fn csv_gz_and_parquet_give_the_same_rows() {
    let tmp = tempfile::tempdir().unwrap();
    let csv = write(tmp.path(), "a.csv", CSV.as_bytes());
    let gz = write(tmp.path(), "a.csv.gz", &gzip(CSV));
    let mut records = Vec::new();
    read_file(&csv, 1000, &mut |b| {
        records.extend(b);
        Ok(())
    })
    .unwrap();
    let parquet = tmp.path().join("a.parquet");
    let mut writer =
        ArrowWriter::try_new(fs::File::create(&parquet).unwrap(), comms::schema(), None).unwrap();
    writer.write(&to_batch(&records)).unwrap();
    writer.close().unwrap();

    let mut results = Vec::new();
    for input in [&csv, &gz, &parquet] {
        let store = CommsStore::new(tmp.path().join(format!("store-{}", results.len())));
        let report = store
            .import(std::slice::from_ref(input), ImportOptions::default())
            .unwrap();
        assert_eq!(report.files[0].outcome, FileOutcome::Imported, "{input:?}");
        assert_eq!(report.rows_imported(), 4);
        // Partitioned by month.
        assert!(store.dir().join("month=2026-03").is_dir());
        assert!(store.dir().join("month=2026-04").is_dir());
        results.push(stored_rows(store.dir()));
    }
    assert_eq!(results[0].len(), 4);
    assert_eq!(results[0], results[1]);
    assert_eq!(results[0], results[2]);
    // Numbers are normalised to E.164 and empty fields are nulls.
    assert!(
        results[0]
            .iter()
            .all(|r| r.to_number.as_str().starts_with("+44"))
    );
    assert_eq!(results[0][2].from_imei, None);
}

#[test]
fn bad_rows_are_reported_with_line_and_reason() {
    let tmp = tempfile::tempdir().unwrap();
    let text = format!(
        "{CSV}yesterday,sms,+447700900123,+447700900124,0,,\n\
         2026-03-03T10:00:00Z,fax,+447700900123,+447700900124,0,,\n\
         2026-03-03T10:00:00Z,call,+447700900123,not a number,5,,\n"
    );
    let path = write(tmp.path(), "bad.csv", text.as_bytes());
    let store = CommsStore::new(tmp.path().join("store"));
    let report = store
        .import(std::slice::from_ref(&path), ImportOptions::default())
        .unwrap();
    let file = &report.files[0];
    assert_eq!(file.outcome, FileOutcome::Rejected);
    assert_eq!(file.rows, 0);
    let lines: Vec<(u64, &str)> = file
        .problems
        .iter()
        .map(|p| (p.line, p.reason.split(':').next().unwrap()))
        .collect();
    assert_eq!(
        lines,
        [(6, "started_at"), (7, "kind"), (8, "to_number")],
        "{:?}",
        file.problems
    );
    assert!(
        stored_rows(store.dir()).is_empty(),
        "a rejected file stores nothing"
    );

    // With --skip-bad-rows the good rows go in, and the bad ones are still reported.
    let options = ImportOptions {
        skip_bad_rows: true,
        ..ImportOptions::default()
    };
    let report = store.import(&[path], options).unwrap();
    assert_eq!(report.files[0].outcome, FileOutcome::Imported);
    assert_eq!(report.files[0].rows, 4);
    assert_eq!(report.files[0].problems.len(), 3);
    assert_eq!(stored_rows(store.dir()).len(), 4);
}

#[test]
fn importing_the_same_file_twice_adds_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let path = write(tmp.path(), "a.csv", CSV.as_bytes());
    let copy = write(tmp.path(), "copy-of-a.csv", CSV.as_bytes());
    let store = CommsStore::new(tmp.path().join("store"));
    let first = store
        .import(std::slice::from_ref(&path), ImportOptions::default())
        .unwrap();
    assert_eq!(first.rows_imported(), 4);
    let again = store
        .import(&[path, copy], ImportOptions::default())
        .unwrap();
    assert_eq!(again.rows_imported(), 0);
    assert!(
        again
            .files
            .iter()
            .all(|f| f.outcome == FileOutcome::AlreadyImported)
    );
    assert_eq!(stored_rows(store.dir()).len(), 4);
}

#[test]
fn a_file_with_a_missing_column_is_an_error() {
    let tmp = tempfile::tempdir().unwrap();
    let path = write(
        tmp.path(),
        "short.csv",
        b"started_at,kind\n2026-03-01T00:00:00Z,sms\n",
    );
    let store = CommsStore::new(tmp.path().join("store"));
    let err = store.import(&[path], ImportOptions::default()).unwrap_err();
    assert!(err.to_string().contains("from_number"), "{err}");
}
