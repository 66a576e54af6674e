//! The communications store: a folder of month-partitioned Parquet
//! (`month=YYYY-MM/part-<file hash>.parquet`) plus `manifest.csv`, the SHA-256 of every
//! file imported, so that importing the same bytes again adds nothing.
//!
//! A file is written to a staging folder first and moved into place only once it has been
//! read to the end, so a failed or rejected import leaves no partial rows behind. A file
//! with bad rows is rejected whole (its rows listed) unless the caller passes
//! [`ImportOptions::skip_bad_rows`], in which case its good rows are stored and the bad
//! ones are still reported. Two processes importing into one folder at once are not
//! guarded against. The same record sent in two different files is stored twice: the
//! manifest names files, not rows.

use std::collections::{HashMap, HashSet};
use std::fs::{self, File, OpenOptions};
use std::io::{BufReader, Read, Write};
use std::path::{Path, PathBuf};

use datafusion::parquet::arrow::ArrowWriter;
use datafusion::parquet::basic::Compression;
use datafusion::parquet::file::properties::WriterProperties;
use sha2::{Digest, Sha256};

use crate::read::{ReadSummary, RowProblem, read_file};
use crate::record::{Record, schema, to_batch};
use crate::{Error, Result, io_error};

const MANIFEST: &str = "manifest.csv";

/// How to import.
#[derive(Debug, Clone, Copy)]
pub struct ImportOptions {
    /// Store a file's good rows even when some rows are bad (the bad ones are reported all
    /// the same). Off by default: a file with bad rows is rejected whole.
    pub skip_bad_rows: bool,
    /// Rows held in memory per batch and per open month before they are written out.
    pub batch_rows: usize,
}

impl Default for ImportOptions {
    fn default() -> Self {
        ImportOptions {
            skip_bad_rows: false,
            batch_rows: 65_536,
        }
    }
}

/// What happened to one file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FileOutcome {
    /// Its rows were stored.
    Imported,
    /// The same bytes were imported before; nothing was added.
    AlreadyImported,
    /// It had bad rows and was not stored.
    Rejected,
}

/// One file's import.
#[derive(Debug, Clone)]
pub struct FileReport {
    /// The file as given.
    pub path: PathBuf,
    /// SHA-256 of its bytes, hex.
    pub sha256: String,
    /// What happened.
    pub outcome: FileOutcome,
    /// Rows stored (0 unless imported).
    pub rows: u64,
    /// Every row not read, with its line and reason.
    pub problems: Vec<RowProblem>,
}

/// The import of several files.
#[derive(Debug, Clone, Default)]
pub struct ImportReport {
    /// One entry per file, in the order given.
    pub files: Vec<FileReport>,
}

impl ImportReport {
    /// Rows stored by this import.
    pub fn rows_imported(&self) -> u64 {
        self.files.iter().map(|f| f.rows).sum()
    }

    /// Whether any file was rejected.
    pub fn any_rejected(&self) -> bool {
        self.files
            .iter()
            .any(|f| f.outcome == FileOutcome::Rejected)
    }
}

/// A communications store in a folder.
#[derive(Debug, Clone)]
pub struct CommsStore {
    dir: PathBuf,
}

impl CommsStore {
    /// The store in `dir` (created on first import).
    pub fn new(dir: impl Into<PathBuf>) -> CommsStore {
        CommsStore { dir: dir.into() }
    }

    /// The folder: what the analyses read as a Parquet table.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Whether anything has been imported.
    pub fn is_empty(&self) -> bool {
        self.imported_hashes().map_or(true, |h| h.is_empty())
    }

    /// The hashes of every file imported so far.
    pub fn imported_hashes(&self) -> Result<HashSet<String>> {
        let path = self.dir.join(MANIFEST);
        if !path.exists() {
            return Ok(HashSet::new());
        }
        let text = fs::read_to_string(&path).map_err(io_error(&path))?;
        Ok(text
            .lines()
            .skip(1)
            .filter_map(|l| l.split(',').next())
            .filter(|h| !h.is_empty())
            .map(str::to_owned)
            .collect())
    }

    /// Imports every file in `paths` (folders are searched for `.csv`, `.csv.gz` and
    /// `.parquet` files, in name order).
    pub fn import(&self, paths: &[PathBuf], options: ImportOptions) -> Result<ImportReport> {
        fs::create_dir_all(&self.dir).map_err(io_error(&self.dir))?;
        let mut files = Vec::new();
        for path in paths {
            collect_files(path, &mut files)?;
        }
        let mut known = self.imported_hashes()?;
        let mut report = ImportReport::default();
        for path in files {
            let sha256 = hash_file(&path)?;
            if known.contains(&sha256) {
                report.files.push(FileReport {
                    path,
                    sha256,
                    outcome: FileOutcome::AlreadyImported,
                    rows: 0,
                    problems: Vec::new(),
                });
                continue;
            }
            let file = self.import_one(&path, &sha256, options)?;
            if file.outcome == FileOutcome::Imported {
                known.insert(sha256);
            }
            report.files.push(file);
        }
        Ok(report)
    }

    fn import_one(&self, path: &Path, sha256: &str, options: ImportOptions) -> Result<FileReport> {
        let tag = &sha256[..16];
        let staging = self.dir.join(format!(".staging-{tag}"));
        if staging.exists() {
            fs::remove_dir_all(&staging).map_err(io_error(&staging))?;
        }
        let mut months = MonthWriters::new(&staging, tag, options.batch_rows);
        let read = read_file(path, options.batch_rows, &mut |records| {
            months.push(records)
        });
        let written = read.and_then(|summary| months.finish().map(|parts| (summary, parts)));
        let (summary, parts): (ReadSummary, Vec<(PathBuf, PathBuf)>) = match written {
            Ok(done) => done,
            Err(e) => {
                let _ = fs::remove_dir_all(&staging);
                return Err(e);
            }
        };
        let rejected = !summary.problems.is_empty() && !options.skip_bad_rows;
        if rejected {
            let _ = fs::remove_dir_all(&staging);
            return Ok(FileReport {
                path: path.to_path_buf(),
                sha256: sha256.to_owned(),
                outcome: FileOutcome::Rejected,
                rows: 0,
                problems: summary.problems,
            });
        }
        for (from, to) in &parts {
            let folder = to.parent().unwrap_or(&self.dir);
            fs::create_dir_all(folder).map_err(io_error(folder))?;
            fs::rename(from, to).map_err(io_error(to))?;
        }
        let _ = fs::remove_dir_all(&staging);
        self.append_manifest(path, sha256, summary.rows, summary.problems.len())?;
        Ok(FileReport {
            path: path.to_path_buf(),
            sha256: sha256.to_owned(),
            outcome: FileOutcome::Imported,
            rows: summary.rows,
            problems: summary.problems,
        })
    }

    fn append_manifest(&self, path: &Path, sha256: &str, rows: u64, bad: usize) -> Result<()> {
        let manifest = self.dir.join(MANIFEST);
        let new = !manifest.exists();
        let mut out = OpenOptions::new()
            .create(true)
            .append(true)
            .open(&manifest)
            .map_err(io_error(&manifest))?;
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().replace([',', '\n'], "_"))
            .unwrap_or_default();
        let now = chrono::Utc::now().format("%Y-%m-%dT%H:%M:%SZ");
        let mut text = String::new();
        if new {
            text.push_str("sha256,file,rows,bad_rows,imported_at\n");
        }
        text.push_str(&format!("{sha256},{name},{rows},{bad},{now}\n"));
        out.write_all(text.as_bytes()).map_err(io_error(&manifest))
    }
}

/// Finds comms files under `path` (itself when a file), sorted by name.
fn collect_files(path: &Path, out: &mut Vec<PathBuf>) -> Result<()> {
    if path.is_dir() {
        let mut entries: Vec<PathBuf> = fs::read_dir(path)
            .map_err(io_error(path))?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .collect();
        entries.sort();
        for entry in entries {
            if entry.is_dir() || crate::read::is_comms_file(&entry) {
                collect_files(&entry, out)?;
            }
        }
    } else {
        out.push(path.to_path_buf());
    }
    Ok(())
}

fn hash_file(path: &Path) -> Result<String> {
    let mut reader = BufReader::new(File::open(path).map_err(io_error(path))?);
    let mut hasher = Sha256::new();
    let mut buffer = vec![0u8; 1 << 20];
    loop {
        let n = reader.read(&mut buffer).map_err(io_error(path))?;
        if n == 0 {
            break;
        }
        hasher.update(&buffer[..n]);
    }
    Ok(hasher
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect())
}

/// One open Parquet writer per month of the file being imported, each fed in batches.
struct MonthWriters<'a> {
    staging: &'a Path,
    tag: &'a str,
    batch_rows: usize,
    open: HashMap<String, (ArrowWriter<File>, Vec<Record>, PathBuf)>,
}

impl<'a> MonthWriters<'a> {
    fn new(staging: &'a Path, tag: &'a str, batch_rows: usize) -> Self {
        MonthWriters {
            staging,
            tag,
            batch_rows,
            open: HashMap::new(),
        }
    }

    fn push(&mut self, records: Vec<Record>) -> Result<()> {
        for record in records {
            let month = record.month();
            if !self.open.contains_key(&month) {
                fs::create_dir_all(self.staging).map_err(io_error(self.staging))?;
                // Staged files do not end in `.parquet`, so no reader of the folder sees them.
                let path = self.staging.join(format!("{month}.parquet.tmp"));
                let file = File::create(&path).map_err(io_error(&path))?;
                let properties = WriterProperties::builder()
                    .set_compression(Compression::SNAPPY)
                    .set_max_row_group_row_count(Some(self.batch_rows.max(1024)))
                    .build();
                let writer = ArrowWriter::try_new(file, schema(), Some(properties))
                    .map_err(|e| parquet_error(&path, &e))?;
                self.open.insert(month.clone(), (writer, Vec::new(), path));
            }
            let (writer, buffer, path) = self.open.get_mut(&month).expect("opened above");
            buffer.push(record);
            if buffer.len() >= self.batch_rows {
                writer
                    .write(&to_batch(buffer))
                    .map_err(|e| parquet_error(path, &e))?;
                buffer.clear();
            }
        }
        Ok(())
    }

    /// Closes every writer; returns (staged file, final place) pairs.
    fn finish(self) -> Result<Vec<(PathBuf, PathBuf)>> {
        let root = self.staging.parent().unwrap_or(self.staging);
        let mut parts = Vec::new();
        for (month, (mut writer, buffer, path)) in self.open {
            if !buffer.is_empty() {
                writer
                    .write(&to_batch(&buffer))
                    .map_err(|e| parquet_error(&path, &e))?;
            }
            writer.close().map_err(|e| parquet_error(&path, &e))?;
            let target = root
                .join(format!("month={month}"))
                .join(format!("part-{}.parquet", self.tag));
            parts.push((path, target));
        }
        parts.sort();
        Ok(parts)
    }
}

fn parquet_error(path: &Path, e: &dyn std::fmt::Display) -> Error {
    Error::Parquet {
        path: path.to_path_buf(),
        message: e.to_string(),
    }
}
