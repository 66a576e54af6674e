//! Fuzzes `ingest::parse_return` with every container built from the fuzzer's bytes.
//!
//! The first byte picks the shape: a raw workbook, a raw zip, a folder of CSV files, or a
//! well-formed zip wrapping such a folder (so that mutations reach the CSV reader inside a zip
//! rather than dying at the zip's checksum). Folder files are the rest of the input split at
//! NUL bytes, named after the tables in turn, so the fuzzer spends its time on table content.
//!
//! It checks what must hold for any input: no panic (a panic caught by `parse_return` shows as
//! an "internal error" problem and is turned back into a crash here), and a return exactly when
//! there are no problems. It does not check that problems are right: the tests do that.

#![no_main]

use std::io::{Cursor, Write};

use ingest::{Limits, parse_return, submission_from_memory};
use libfuzzer_sys::fuzz_target;
use model::submission::{Container, SourceFile};

/// The file names a folder's parts get, in turn.
const NAMES: [&str; 7] =
    ["return.csv", "lines.csv", "nominals.csv", "locations.csv", "vehicles.csv", "events.csv", "Other.CSV"];

fuzz_target!(|data: &[u8]| run(data));

fn run(data: &[u8]) {
    let Some((&shape, rest)) = data.split_first() else { return };
    // Small limits keep each run fast; reaching them is itself worth fuzzing.
    let limits = Limits {
        max_file_bytes: 1 << 20,
        max_total_uncompressed_bytes: 4 << 20,
        max_zip_entries: 16,
        max_rows_per_table: 10_000,
        max_cell_chars: 4_096,
        max_seconds: 10,
    };
    let submission = match shape % 4 {
        0 => single(Container::Xlsx, "fuzz.xlsx", rest.to_vec()),
        1 => single(Container::Zip, "fuzz.zip", rest.to_vec()),
        2 => submission_from_memory("fuzz", Container::CsvFolder, folder(rest)),
        _ => single(Container::Zip, "fuzz.zip", zip_of(&folder(rest), shape & 0x10 != 0)),
    };
    let parsed = parse_return(&submission, &limits);
    assert_eq!(parsed.ret.is_some(), parsed.problems.is_empty(), "a return exactly when there are no problems");
    if let Some(problem) = parsed.problems.iter().find(|problem| problem.reason.starts_with("internal error")) {
        panic!("parse_return caught a panic: {problem}");
    }
}

fn single(container: Container, name: &str, bytes: Vec<u8>) -> model::submission::Submission {
    submission_from_memory(name, container, vec![SourceFile { name: name.to_string(), bytes }])
}

/// The input split at NUL bytes into files named after the tables.
fn folder(data: &[u8]) -> Vec<SourceFile> {
    data.split(|&byte| byte == 0)
        .zip(NAMES.iter().cycle())
        .take(NAMES.len())
        .map(|(bytes, name)| SourceFile { name: name.to_string(), bytes: bytes.to_vec() })
        .collect()
}

/// A well-formed zip of the files, at its top level or inside one folder.
fn zip_of(files: &[SourceFile], in_folder: bool) -> Vec<u8> {
    let mut writer = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    for file in files {
        let name = if in_folder { format!("return/{}", file.name) } else { file.name.clone() };
        if writer.start_file(name, options).is_err() || writer.write_all(&file.bytes).is_err() {
            return Vec::new();
        }
    }
    writer.finish().map(Cursor::into_inner).unwrap_or_default()
}
