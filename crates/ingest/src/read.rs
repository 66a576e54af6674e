//! Reads a found return's bytes from disk, bounded by [`Limits`], and fingerprints them.
//!
//! The fingerprint (SHA-256, lowercase hex) of a workbook or zip is that of the file; of a
//! folder it is taken over each file's name and bytes in name order, each framed by its length,
//! so that no two different folders can hash alike by moving bytes between names and contents.
//!
//! This module reads only: it does not parse, and it never follows a folder's subfolders or
//! reads its hidden files (`.DS_Store`), which are not part of a return.

use std::fs;
use std::io::Read;
use std::path::Path;

use model::submission::{Container, SourceFile, Submission};
use sha2::{Digest, Sha256};

use crate::{Error, Found, Limits, Result};

/// Reads the return at `found` into memory, bounded by `limits`, and computes its SHA-256.
///
/// Only IO failures and files over the limits are errors; bad content is found later by
/// [`crate::parse_return`].
pub fn read_submission(found: &Found, limits: &Limits) -> Result<Submission> {
    let files = match found.container {
        Container::CsvFolder => read_folder(&found.path, limits)?,
        Container::Xlsx | Container::Zip => {
            let name = found
                .path
                .file_name()
                .map(|name| name.to_string_lossy().into_owned())
                .unwrap_or_default();
            vec![SourceFile {
                name,
                bytes: read_file(&found.path, limits.max_file_bytes)?,
            }]
        }
    };
    Ok(submission_from_memory(
        found.path.display().to_string(),
        found.container,
        files,
    ))
}

/// Builds a submission from files already in memory (an upload, a test, a fuzzer), hashing
/// them exactly as [`read_submission`] does; a folder's files are put in name order.
pub fn submission_from_memory(
    origin: impl Into<String>,
    container: Container,
    mut files: Vec<SourceFile>,
) -> Submission {
    let sha256 = match (container, files.as_slice()) {
        (Container::Xlsx | Container::Zip, [file]) => hex(&Sha256::digest(&file.bytes)),
        _ => {
            files.sort_by(|a, b| a.name.cmp(&b.name));
            folder_hash(&files)
        }
    };
    Submission {
        origin: origin.into(),
        container,
        sha256,
        files,
    }
}

/// The SHA-256 of files framed as: name length, name, content length, content (lengths as
/// 64-bit little-endian), in the order given.
fn folder_hash(files: &[SourceFile]) -> String {
    let mut hasher = Sha256::new();
    for file in files {
        hasher.update((file.name.len() as u64).to_le_bytes());
        hasher.update(file.name.as_bytes());
        hasher.update((file.bytes.len() as u64).to_le_bytes());
        hasher.update(&file.bytes);
    }
    hex(&hasher.finalize())
}

fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for byte in bytes {
        out.push(DIGITS[(byte >> 4) as usize] as char);
        out.push(DIGITS[(byte & 0xF) as usize] as char);
    }
    out
}

/// Reads a file of at most `max` bytes.
fn read_file(path: &Path, max: u64) -> Result<Vec<u8>> {
    let io = |source| Error::Io {
        path: path.to_path_buf(),
        source,
    };
    let file = fs::File::open(path).map_err(io)?;
    let declared = file.metadata().map_err(io)?.len();
    if declared > max {
        return Err(Error::TooLarge {
            path: path.to_path_buf(),
            limit: max,
        });
    }
    // The file may grow while it is read; read one byte past the limit to notice.
    let mut bytes = Vec::with_capacity(declared as usize);
    file.take(max.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(io)?;
    if bytes.len() as u64 > max {
        return Err(Error::TooLarge {
            path: path.to_path_buf(),
            limit: max,
        });
    }
    Ok(bytes)
}

/// Reads the visible files directly in a return folder, in name order.
fn read_folder(dir: &Path, limits: &Limits) -> Result<Vec<SourceFile>> {
    let io = |source| Error::Io {
        path: dir.to_path_buf(),
        source,
    };
    let mut paths = Vec::new();
    for entry in fs::read_dir(dir).map_err(io)? {
        let entry = entry.map_err(io)?;
        let name = entry.file_name().to_string_lossy().into_owned();
        let path = entry.path();
        if name.starts_with('.') {
            continue;
        }
        let meta = fs::metadata(&path).map_err(|source| Error::Io {
            path: path.clone(),
            source,
        })?;
        if meta.is_file() {
            paths.push((name, path));
        }
    }
    if paths.len() > limits.max_zip_entries {
        return Err(Error::TooManyFiles {
            path: dir.to_path_buf(),
            limit: limits.max_zip_entries,
        });
    }
    paths.sort();
    let mut files = Vec::with_capacity(paths.len());
    let mut total: u64 = 0;
    for (name, path) in paths {
        let bytes = read_file(&path, limits.max_file_bytes)?;
        total = total.saturating_add(bytes.len() as u64);
        if total > limits.max_total_uncompressed_bytes {
            return Err(Error::TooLarge {
                path: dir.to_path_buf(),
                limit: limits.max_total_uncompressed_bytes,
            });
        }
        files.push(SourceFile { name, bytes });
    }
    Ok(files)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(name: &str, bytes: &[u8]) -> SourceFile {
        SourceFile {
            name: name.into(),
            bytes: bytes.to_vec(),
        }
    }

    #[test]
    fn file_hash_is_plain_sha256() {
        let submission =
            submission_from_memory("x.zip", Container::Zip, vec![file("x.zip", b"abc")]);
        assert_eq!(
            submission.sha256,
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[test]
    fn folder_hash_is_framed_and_ordered() {
        let hash = |files: Vec<SourceFile>| {
            submission_from_memory("d", Container::CsvFolder, files).sha256
        };
        let one = hash(vec![file("a.csv", b"1"), file("b.csv", b"2")]);
        assert_eq!(one, hash(vec![file("b.csv", b"2"), file("a.csv", b"1")]));
        assert_ne!(one, hash(vec![file("a.csv", b"1"), file("b.csv", b"3")]));
        // Moving bytes between a name and a content changes the hash.
        assert_ne!(hash(vec![file("ab", b"c")]), hash(vec![file("a", b"bc")]));
        assert_eq!(one.len(), 64);
    }

    #[test]
    fn limits_are_errors() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join("return.csv"), b"key,value\n").unwrap();
        fs::write(dir.path().join("lines.csv"), vec![b'x'; 100]).unwrap();
        fs::write(dir.path().join(".DS_Store"), b"junk").unwrap();
        fs::create_dir(dir.path().join("old")).unwrap();
        let found = Found {
            path: dir.path().to_path_buf(),
            container: Container::CsvFolder,
        };
        let submission = read_submission(&found, &Limits::default()).unwrap();
        let names: Vec<&str> = submission.files.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(names, ["lines.csv", "return.csv"]);

        let small = Limits {
            max_file_bytes: 50,
            ..Limits::default()
        };
        let err = read_submission(&found, &small).unwrap_err().to_string();
        assert!(
            err.ends_with("lines.csv is larger than the limit of 50 bytes"),
            "{err}"
        );
        let few = Limits {
            max_zip_entries: 1,
            ..Limits::default()
        };
        assert!(matches!(
            read_submission(&found, &few),
            Err(Error::TooManyFiles { limit: 1, .. })
        ));
        let missing = Found {
            path: dir.path().join("nope.xlsx"),
            container: Container::Xlsx,
        };
        assert!(matches!(
            read_submission(&missing, &Limits::default()),
            Err(Error::Io { .. })
        ));
    }
}
