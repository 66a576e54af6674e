//! Writes a return as a folder of UTF-8 CSV files, `<table>.csv` each.
//!
//! The writer is deliberately dumb: the tables arrive in the force's own column
//! order and header case (`render.rs`); it only quotes what CSV needs quoted
//! (commas, quotes, line breaks in notes).

use std::path::Path;

use crate::error::{IoContext, Result};
use crate::table::Table;

/// Writes `tables` into `dir` (created if needed).
pub(crate) fn write(dir: &Path, tables: &[Table]) -> Result<()> {
    std::fs::create_dir_all(dir).at(dir)?;
    for table in tables {
        let path = dir.join(format!("{}.csv", table.name));
        let mut out = csv::Writer::from_path(&path).at(&path)?;
        out.write_record(&table.header).at(&path)?;
        for row in &table.rows {
            for cell in row {
                out.write_field(cell.as_text().as_bytes()).at(&path)?;
            }
            out.write_record(None::<&[u8]>).at(&path)?;
        }
        out.flush().at(&path)?;
    }
    Ok(())
}
