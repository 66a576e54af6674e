//! Reads the zip container: a `.zip` of `<table>.csv` files, at its top level or inside one
//! top-level folder (as "compress this folder" makes), each then read as in `csv_folder`.
//!
//! It owns zip safety, shared with the workbook reader (an `.xlsx` is a zip too): a bounded
//! entry count, declared sizes checked *and* actual decompressed bytes counted against
//! [`Limits`], so that an archive lying about its sizes is caught while it inflates; encrypted
//! entries, unsafe paths (`..`, absolute, drive letters) and nested zips are rejected. Finder's
//! `__MACOSX/` folder and hidden files (`.DS_Store`) are skipped.
//!
//! It deliberately does not extract anything to disk and does not support compression methods
//! other than stored and deflate (the workspace builds `zip` with deflate only).

use std::io::{Cursor, Read, Write};

use ::zip::ZipArchive;
use model::Problem;
use model::problem::Table;

use crate::csv_folder::{read_csv, table_of_file};
use crate::problems::Problems;
use crate::table::RawTable;
use crate::{Budget, Limits};

/// Reads a zip of CSV files, one table each; `None` when the zip or one of its files cannot
/// be read whole (the problems say why).
pub(crate) fn read(
    bytes: &[u8],
    limits: &Limits,
    budget: &Budget,
    problems: &mut Problems,
) -> Option<Vec<RawTable>> {
    let files = entries(bytes, limits, problems)?;
    let mut tables = Vec::new();
    for (name, content) in files {
        if budget.expired() {
            problems.push(budget.problem());
            return None;
        }
        let Some(table) = table_of_file(&name, problems) else {
            continue;
        };
        tables.push(read_csv(table, &name, &content, limits, budget, problems)?);
    }
    Some(tables)
}

/// The files of the zip that may hold tables, with their decompressed bytes, sorted by name.
/// `None` (with problems) when the archive as a whole is unacceptable.
fn entries(
    bytes: &[u8],
    limits: &Limits,
    problems: &mut Problems,
) -> Option<Vec<(String, Vec<u8>)>> {
    let mut archive = match open(bytes, "zip", limits) {
        Ok(archive) => archive,
        Err(problem) => {
            problems.push(problem);
            return None;
        }
    };
    let mut wanted = Vec::new();
    let mut folder: Option<String> = None;
    let mut declared: u64 = 0;
    let mut ok = true;
    for index in 0..archive.len() {
        let Ok(entry) = archive.by_index_raw(index) else {
            problems.push(container("an entry of the zip cannot be read"));
            ok = false;
            continue;
        };
        let raw_name = entry
            .name()
            .map(|name| name.into_owned())
            .unwrap_or_else(|_| String::from_utf8_lossy(entry.name_raw()).into_owned());
        let name = raw_name.replace('\\', "/");
        if entry.is_dir() || skipped(&name) {
            continue;
        }
        if let Err(reason) = safe_path(&name) {
            problems.push(entry_problem(&raw_name, reason));
            ok = false;
            continue;
        }
        if entry.encrypted() {
            problems.push(entry_problem(
                &raw_name,
                "encrypted entries are not accepted: zip the files without a password",
            ));
            ok = false;
            continue;
        }
        if name.to_ascii_lowercase().ends_with(".zip") {
            problems.push(entry_problem(
                &raw_name,
                "a zip inside the zip is not accepted: put the CSV files in one zip",
            ));
            ok = false;
            continue;
        }
        let (parent, _) = name.rsplit_once('/').unwrap_or(("", &name));
        match &folder {
            None => folder = Some(parent.to_string()),
            Some(first) if first == parent => {}
            Some(first) => {
                problems.push(entry_problem(
                    &raw_name,
                    format!(
                        "the CSV files of a return must sit together at the top of the zip or in one folder, and another is in {:?}",
                        first
                    ),
                ));
                ok = false;
                continue;
            }
        }
        if parent.contains('/') {
            problems.push(entry_problem(
                &raw_name,
                "the CSV files of a return must sit at the top of the zip or in one top-level folder",
            ));
            ok = false;
            continue;
        }
        declared = declared.saturating_add(entry.size());
        wanted.push((index, raw_name));
    }
    if archive.has_duplicate_names() {
        problems.push(container("the zip holds two entries with the same name"));
        ok = false;
    }
    if declared > limits.max_total_uncompressed_bytes {
        problems.push(container(format!(
            "the zip's files declare {declared} bytes uncompressed, more than the limit of {}",
            limits.max_total_uncompressed_bytes
        )));
        return None;
    }
    if !ok {
        return None;
    }
    let mut remaining = limits.max_total_uncompressed_bytes;
    let mut files = Vec::with_capacity(wanted.len());
    for (index, name) in wanted {
        let mut content = Vec::new();
        match inflate(&mut archive, index, remaining, &mut content) {
            Ok(read) => remaining -= read,
            Err(reason) => {
                problems.push(entry_problem(&name, reason));
                return None;
            }
        }
        if content.starts_with(b"PK\x03\x04") {
            problems.push(entry_problem(
                &name,
                "a zip inside the zip is not accepted: put the CSV files in one zip",
            ));
            return None;
        }
        files.push((name, content));
    }
    files.sort_by(|a, b| a.0.cmp(&b.0));
    Some(files)
}

/// Opens `bytes` as a zip archive (`what` names it in problems: a zip, a workbook) and checks
/// its entry count.
pub(crate) fn open<'a>(
    bytes: &'a [u8],
    what: &str,
    limits: &Limits,
) -> Result<ZipArchive<Cursor<&'a [u8]>>, Problem> {
    let archive = ZipArchive::new(Cursor::new(bytes)).map_err(|err| {
        container(format!(
            "not a readable {what}: {}",
            lowercase_first(&err.to_string())
        ))
    })?;
    if archive.len() > limits.max_zip_entries {
        return Err(container(format!(
            "the {what} holds {} entries, more than the limit of {}",
            archive.len(),
            limits.max_zip_entries
        )));
    }
    Ok(archive)
}

/// Decompresses entry `index` into `out`, failing once more than `limit` bytes come out
/// whatever the entry declared. Returns the number of bytes written.
pub(crate) fn inflate<W: Write>(
    archive: &mut ZipArchive<Cursor<&[u8]>>,
    index: usize,
    limit: u64,
    out: &mut W,
) -> Result<u64, String> {
    let entry = archive.by_index(index).map_err(|err| {
        format!(
            "the entry cannot be read: {}",
            lowercase_first(&err.to_string())
        )
    })?;
    // Reading one byte past the limit tells "exactly at the limit" from "beyond it".
    let copied = std::io::copy(&mut entry.take(limit.saturating_add(1)), out).map_err(|err| {
        format!(
            "the entry cannot be decompressed: {}",
            lowercase_first(&err.to_string())
        )
    })?;
    if copied > limit {
        return Err(format!(
            "the entry expands to more than the limit of {limit} bytes (a zip bomb?)"
        ));
    }
    Ok(copied)
}

/// Entries that are never part of a return: Finder's resource forks and hidden files.
fn skipped(name: &str) -> bool {
    let base = name
        .trim_end_matches('/')
        .rsplit('/')
        .next()
        .unwrap_or(name);
    name.starts_with("__MACOSX/") || base.starts_with('.')
}

/// Whether an entry's path stays inside the archive.
fn safe_path(name: &str) -> Result<(), &'static str> {
    const UNSAFE: &str = "unsafe path in the zip: paths must be relative and must not contain ..";
    if name.starts_with('/') || name.contains('\0') || name.as_bytes().get(1) == Some(&b':') {
        return Err(UNSAFE);
    }
    if name.split('/').any(|part| part == ".." || part == ".") {
        return Err(UNSAFE);
    }
    Ok(())
}

fn container(reason: impl Into<String>) -> Problem {
    Problem::table(Table::Container, reason)
}

fn entry_problem(name: &str, reason: impl Into<String>) -> Problem {
    Problem {
        table: Table::Container,
        row: None,
        column: None,
        value: Some(name.to_string()),
        reason: reason.into(),
    }
}

/// Our problems start lowercase; third-party error messages may not.
pub(crate) fn lowercase_first(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first
            .to_lowercase()
            .chain(chars)
            .collect::<String>()
            .trim_end_matches('.')
            .to_string(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use ::zip::write::SimpleFileOptions;
    use ::zip::{CompressionMethod, ZipWriter};

    use super::*;

    fn zip_of(files: &[(&str, &[u8])]) -> Vec<u8> {
        let mut writer = ZipWriter::new(Cursor::new(Vec::new()));
        let options = SimpleFileOptions::default().compression_method(CompressionMethod::Deflated);
        for (name, content) in files {
            if name.ends_with('/') {
                writer.add_directory(*name, options).unwrap();
            } else {
                writer.start_file(*name, options).unwrap();
                writer.write_all(content).unwrap();
            }
        }
        writer.finish().unwrap().into_inner()
    }

    /// Reads a zip of `files` and renders the entries kept or the problems.
    fn check(files: &[(&str, &[u8])], limits: &Limits, expect: &str) {
        let bytes = zip_of(files);
        let mut problems = Problems::new(100);
        let got = match entries(&bytes, limits, &mut problems) {
            Some(files) => files
                .iter()
                .map(|(name, content)| format!("{name}={}", content.len()))
                .collect::<Vec<_>>(),
            None => vec!["none".to_string()],
        };
        let mut got = got.join(" ");
        for problem in problems.into_vec() {
            got.push_str(&format!("\nproblem {problem}"));
        }
        assert_eq!(got, expect);
    }

    #[test]
    fn layouts() {
        let limits = Limits::default();
        check(
            &[("return.csv", b"k"), ("lines.csv", b"ab")],
            &limits,
            "lines.csv=2 return.csv=1",
        );
        check(
            &[
                ("march/", b""),
                ("march/return.csv", b"k"),
                ("march/lines.csv", b"ab"),
            ],
            &limits,
            "march/lines.csv=2 march/return.csv=1",
        );
        check(
            &[
                ("return.csv", b"k"),
                ("__MACOSX/._return.csv", b"junk"),
                (".DS_Store", b"x"),
                ("a/.hidden", b""),
            ],
            &limits,
            "return.csv=1",
        );
        check(
            &[("a/return.csv", b"k"), ("b/lines.csv", b"ab")],
            &limits,
            "none\nproblem - value \"b/lines.csv\": the CSV files of a return must sit together at the top of the zip or in one folder, and another is in \"a\"",
        );
        check(
            &[("a/b/return.csv", b"k")],
            &limits,
            "none\nproblem - value \"a/b/return.csv\": the CSV files of a return must sit at the top of the zip or in one top-level folder",
        );
    }

    #[test]
    fn hostile_entries() {
        let limits = Limits::default();
        check(
            &[("inner.zip", b"PK")],
            &limits,
            "none\nproblem - value \"inner.zip\": a zip inside the zip is not accepted: put the CSV files in one zip",
        );
        check(
            &[("lines.csv", b"PK\x03\x04rest")],
            &limits,
            "none\nproblem - value \"lines.csv\": a zip inside the zip is not accepted: put the CSV files in one zip",
        );
        let bomb = vec![0u8; 100_000];
        check(
            &[("lines.csv", &bomb)],
            &Limits {
                max_total_uncompressed_bytes: 1000,
                ..Limits::default()
            },
            "none\nproblem -: the zip's files declare 100000 bytes uncompressed, more than the limit of 1000",
        );
        check(
            &[("a.csv", b"1"), ("b.csv", b"2"), ("c.csv", b"3")],
            &Limits {
                max_zip_entries: 2,
                ..Limits::default()
            },
            "none\nproblem -: the zip holds 3 entries, more than the limit of 2",
        );
    }

    #[test]
    fn paths() {
        let cases = [
            ("lines.csv", true),
            ("folder/lines.csv", true),
            ("../lines.csv", false),
            ("a/../../lines.csv", false),
            ("/etc/lines.csv", false),
            ("C:/lines.csv", false),
            ("./lines.csv", false),
        ];
        for (name, ok) in cases {
            assert_eq!(safe_path(name).is_ok(), ok, "path {name:?}");
        }
    }

    #[test]
    fn garbage_is_not_a_zip() {
        let mut problems = Problems::new(10);
        assert!(entries(b"not a zip at all", &Limits::default(), &mut problems).is_none());
        let got = problems.into_vec()[0].to_string();
        assert!(got.starts_with("-: not a readable zip: "), "{got}");
    }
}
