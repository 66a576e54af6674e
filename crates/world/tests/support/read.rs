//! Reading a generated world's files: returns (CSV folders and xlsx workbooks),
//! truth CSVs and comms CSVs (plain or gzip).

use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Path, PathBuf};

use calamine::{Data, Reader, Xlsx, open_workbook};

/// A table as read: header names trimmed and lower-cased, cells as text.
#[derive(Debug, Clone, Default)]
pub struct Table {
    pub columns: Vec<String>,
    pub raw_header: Vec<String>,
    pub rows: Vec<Vec<String>>,
}

impl Table {
    pub fn col(&self, name: &str) -> Option<usize> {
        self.columns.iter().position(|c| c == name)
    }

    /// The value of `name` in each row (empty when the column is absent).
    pub fn values<'a>(&'a self, name: &str) -> Vec<&'a str> {
        match self.col(name) {
            Some(i) => self.rows.iter().map(|r| r[i].as_str()).collect(),
            None => vec![""; self.rows.len()],
        }
    }

    pub fn get<'a>(&'a self, row: &'a [String], name: &str) -> &'a str {
        self.col(name).map_or("", |i| row[i].as_str())
    }
}

/// One return as read.
#[derive(Debug, Clone)]
pub struct Return {
    pub force: String,
    pub period: String,
    pub xlsx: bool,
    pub tables: BTreeMap<String, Table>,
}

fn table_from(header: Vec<String>, rows: Vec<Vec<String>>) -> Table {
    Table {
        columns: header.iter().map(|h| h.trim().to_lowercase()).collect(),
        raw_header: header,
        rows,
    }
}

fn read_csv_table(path: &Path) -> Table {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .from_path(path)
        .unwrap();
    let header: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
    let rows = reader
        .records()
        .map(|r| r.unwrap().iter().map(String::from).collect())
        .collect();
    table_from(header, rows)
}

/// Days since 1970-01-01 to `YYYY-MM-DD`.
fn iso_from_days(days: i64) -> String {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}")
}

fn cell_text(cell: &Data) -> String {
    match cell {
        Data::Empty => String::new(),
        Data::String(s) => s.clone(),
        Data::Int(i) => i.to_string(),
        Data::Float(f) if f.fract() == 0.0 => format!("{f:.0}"),
        Data::Float(f) => f.to_string(),
        Data::Bool(b) => b.to_string(),
        // Excel serial dates count from 1899-12-30.
        Data::DateTime(dt) => iso_from_days(dt.as_f64().floor() as i64 - 25_569),
        Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
        Data::Error(e) => format!("#ERR {e:?}"),
    }
}

fn read_xlsx(path: &Path) -> BTreeMap<String, Table> {
    let mut workbook: Xlsx<_> = open_workbook(path).unwrap();
    let mut tables = BTreeMap::new();
    for name in workbook.sheet_names() {
        let range = workbook.worksheet_range(&name).unwrap();
        let mut rows = range
            .rows()
            .map(|r| r.iter().map(cell_text).collect::<Vec<_>>());
        let header = rows.next().unwrap_or_default();
        let width = header.len();
        let rows = rows
            .map(|mut r| {
                r.resize(width, String::new());
                r
            })
            .collect();
        tables.insert(name.clone(), table_from(header, rows));
    }
    tables
}

/// Every return of a world, ordered by period then force.
pub fn returns(root: &Path) -> Vec<Return> {
    let mut out = Vec::new();
    let mut periods: Vec<PathBuf> = std::fs::read_dir(root.join("returns"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    periods.sort();
    for period_dir in periods {
        let period = period_dir
            .file_name()
            .unwrap()
            .to_string_lossy()
            .to_string();
        let mut entries: Vec<PathBuf> = std::fs::read_dir(&period_dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        entries.sort();
        for entry in entries {
            let name = entry.file_name().unwrap().to_string_lossy().to_string();
            if let Some(force) = name.strip_suffix(".xlsx") {
                out.push(Return {
                    force: force.to_string(),
                    period: period.clone(),
                    xlsx: true,
                    tables: read_xlsx(&entry),
                });
            } else {
                let mut tables = BTreeMap::new();
                for file in std::fs::read_dir(&entry).unwrap() {
                    let file = file.unwrap().path();
                    let table = file.file_stem().unwrap().to_string_lossy().to_string();
                    tables.insert(table, read_csv_table(&file));
                }
                out.push(Return {
                    force: name,
                    period: period.clone(),
                    xlsx: false,
                    tables,
                });
            }
        }
    }
    out
}

/// A truth file as rows of fields, without its header.
pub fn truth(root: &Path, name: &str) -> (Vec<String>, Vec<Vec<String>>) {
    let t = read_csv_table(&root.join("truth").join(name));
    (t.columns, t.rows)
}

/// Every comms record: `(file name, fields)`.
pub fn comms(root: &Path) -> Vec<(String, Vec<String>)> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(root.join("comms"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    let mut out = Vec::new();
    for path in files {
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        let mut text = String::new();
        if name.ends_with(".gz") {
            flate2::read::GzDecoder::new(std::fs::File::open(&path).unwrap())
                .read_to_string(&mut text)
                .unwrap();
        } else {
            text = std::fs::read_to_string(&path).unwrap();
        }
        let mut reader = csv::Reader::from_reader(text.as_bytes());
        let header: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
        assert_eq!(
            header,
            [
                "started_at",
                "kind",
                "from_number",
                "to_number",
                "duration_s",
                "from_imei",
                "cell_id"
            ],
            "{name}"
        );
        for record in reader.records() {
            out.push((
                name.clone(),
                record.unwrap().iter().map(String::from).collect(),
            ));
        }
    }
    out
}
