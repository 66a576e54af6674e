//! Finds returns on disk: which paths are workbooks, zips or folders of CSV files.
//!
//! A folder holding a `return.csv` (any case) is one CSV return, and its own subfolders are not
//! searched (they belong to it, or are its archive); any other folder is searched for returns.
//! `.xlsx` and `.zip` files are one return each. Hidden files, Excel's `~$` lock files and
//! anything else are passed over while searching, but a path named explicitly that is not a
//! return is reported. Symbolic links to folders are not followed, so a link loop cannot make
//! the search endless.
//!
//! This module only looks at names and file types: it reads no file's content.

use std::fs;
use std::path::{Path, PathBuf};

use model::submission::Container;

use crate::Found;

/// How deep folders are searched below a path given.
const MAX_DEPTH: usize = 32;

/// Walks `paths` (files or folder trees) and lists the returns found, sorted by path, with the
/// paths that could not be used and why.
///
/// A folder containing `return.csv` (case-insensitive) is one CSV return; `*.xlsx` and `*.zip`
/// files are one return each; other files met while searching are ignored. An explicitly named
/// path that cannot be read, is not a return, or holds none is reported.
pub fn discover(paths: &[PathBuf]) -> (Vec<Found>, Vec<(PathBuf, String)>) {
    let mut found = Vec::new();
    let mut problems = Vec::new();
    for path in paths {
        match fs::metadata(path) {
            Err(err) => problems.push((path.clone(), format!("cannot read: {err}"))),
            Ok(meta) if meta.is_dir() => {
                let before = found.len();
                walk(path, 0, &mut found, &mut problems);
                if found.len() == before {
                    problems.push((
                        path.clone(),
                        "no return found: no folder with a return.csv, and no .xlsx or .zip file"
                            .to_string(),
                    ));
                }
            }
            Ok(meta) if meta.is_file() => {
                let name = file_name(path);
                if let Some(container) = container_of_file(&name) {
                    found.push(Found {
                        path: path.clone(),
                        container,
                    });
                } else if name.eq_ignore_ascii_case("return.csv") {
                    let folder = match path.parent() {
                        Some(parent) if !parent.as_os_str().is_empty() => parent.to_path_buf(),
                        _ => PathBuf::from("."),
                    };
                    found.push(Found {
                        path: folder,
                        container: Container::CsvFolder,
                    });
                } else {
                    problems.push((
                        path.clone(),
                        "not a return: expected an .xlsx or .zip file, or a folder holding return.csv".to_string(),
                    ));
                }
            }
            Ok(_) => problems.push((path.clone(), "not a file or a folder".to_string())),
        }
    }
    found.sort_by(|a, b| {
        a.path
            .cmp(&b.path)
            .then_with(|| a.container.as_str().cmp(b.container.as_str()))
    });
    found.dedup();
    (found, problems)
}

fn walk(dir: &Path, depth: usize, found: &mut Vec<Found>, problems: &mut Vec<(PathBuf, String)>) {
    if depth > MAX_DEPTH {
        problems.push((
            dir.to_path_buf(),
            format!("folders nested more than {MAX_DEPTH} deep were not searched"),
        ));
        return;
    }
    let entries = match fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(err) => {
            problems.push((dir.to_path_buf(), format!("cannot read: {err}")));
            return;
        }
    };
    let mut children = Vec::new();
    for entry in entries {
        match entry {
            Ok(entry) => children.push(entry.path()),
            Err(err) => problems.push((dir.to_path_buf(), format!("cannot read: {err}"))),
        }
    }
    children.sort();
    let is_return_folder = children.iter().any(|child| {
        file_name(child).eq_ignore_ascii_case("return.csv")
            && fs::metadata(child).is_ok_and(|meta| meta.is_file())
    });
    if is_return_folder {
        found.push(Found {
            path: dir.to_path_buf(),
            container: Container::CsvFolder,
        });
        return;
    }
    for child in children {
        let name = file_name(&child);
        if name.starts_with('.') || name.starts_with("~$") {
            continue;
        }
        let Ok(link_meta) = fs::symlink_metadata(&child) else {
            continue;
        };
        if link_meta.is_dir() {
            walk(&child, depth + 1, found, problems);
        } else if let Some(container) = container_of_file(&name) {
            // A link to a file is followed; it must lead to a file.
            if fs::metadata(&child).is_ok_and(|meta| meta.is_file()) {
                found.push(Found {
                    path: child,
                    container,
                });
            }
        }
    }
}

/// The container a file's name says it is.
fn container_of_file(name: &str) -> Option<Container> {
    let lower = name.to_ascii_lowercase();
    if lower.starts_with("~$") || lower.starts_with('.') {
        None
    } else if lower.ends_with(".xlsx") {
        Some(Container::Xlsx)
    } else if lower.ends_with(".zip") {
        Some(Container::Zip)
    } else {
        None
    }
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|name| name.to_string_lossy().into_owned())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Makes the files named (folders end with `/`), discovers `args` (relative to the root)
    /// and renders what was found and the problems, with paths relative to the root.
    fn check(files: &[&str], args: &[&str], expect: &str) {
        let root = tempfile::tempdir().unwrap();
        for file in files {
            let path = root.path().join(file);
            if file.ends_with('/') {
                fs::create_dir_all(&path).unwrap();
            } else {
                fs::create_dir_all(path.parent().unwrap()).unwrap();
                fs::write(&path, b"x").unwrap();
            }
        }
        let args: Vec<PathBuf> = args.iter().map(|arg| root.path().join(arg)).collect();
        let (found, problems) = discover(&args);
        let relative = |path: &Path| {
            path.strip_prefix(root.path())
                .unwrap_or(path)
                .display()
                .to_string()
        };
        let mut got: Vec<String> = found
            .iter()
            .map(|found| format!("{} {}", found.container, relative(&found.path)))
            .collect();
        for (path, reason) in problems {
            got.push(format!(
                "problem {}: {}",
                relative(&path),
                reason.split(':').next().unwrap_or_default()
            ));
        }
        assert_eq!(got.join("\n"), expect.trim());
    }

    #[test]
    fn finds_each_kind() {
        check(
            &[
                "in/a.xlsx",
                "in/b.ZIP",
                "in/c/RETURN.CSV",
                "in/c/lines.csv",
                "in/notes.txt",
                "in/d/e/f.xlsx",
            ],
            &["in"],
            "xlsx in/a.xlsx\nzip in/b.ZIP\ncsv_folder in/c\nxlsx in/d/e/f.xlsx",
        );
    }

    #[test]
    fn return_folders_are_not_searched_inside() {
        check(
            &["r/return.csv", "r/old/return.csv", "r/copy.xlsx"],
            &["r"],
            "csv_folder r",
        );
    }

    #[test]
    fn skips_lock_and_hidden_files() {
        check(
            &["in/~$a.xlsx", "in/.b.zip", "in/.git/c.zip", "in/d.xlsx"],
            &["in"],
            "xlsx in/d.xlsx",
        );
    }

    #[test]
    fn explicit_paths() {
        check(
            &["a.xlsx", "r/return.csv", "notes.txt"],
            &["a.xlsx", "r/return.csv", "a.xlsx"],
            "xlsx a.xlsx\ncsv_folder r",
        );
        check(
            &["notes.txt"],
            &["notes.txt"],
            "problem notes.txt: not a return",
        );
        check(&[], &["missing"], "problem missing: cannot read");
        check(
            &["empty/", "empty/x.txt"],
            &["empty"],
            "problem empty: no return found",
        );
    }
}
