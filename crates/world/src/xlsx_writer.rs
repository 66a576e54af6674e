//! Writes a return as an `.xlsx` workbook, one sheet per table.
//!
//! Dates become real date cells when the force's style says so (as a spreadsheet
//! user typing dates would get), numbers become number cells, everything else is
//! text. The document's creation time is fixed so the same world is byte-identical
//! every time it is generated. Formatting beyond that (widths, fonts) is not
//! attempted.

use std::path::Path;

use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, Workbook};

use crate::calendar::ymd;
use crate::error::{IoContext, Result};
use crate::table::{Cell, DateStyle, Table};

/// Writes `tables` to the workbook at `path`. With `date_cells`, dates are written
/// as date cells, otherwise as text.
pub(crate) fn write(path: &Path, tables: &[Table], date_cells: bool) -> Result<()> {
    let mut workbook = Workbook::new();
    let created = ExcelDateTime::from_ymd(2026, 1, 1).at(path)?;
    let properties = DocProperties::new()
        .set_creation_datetime(&created)
        .set_author("crossline world generator")
        .set_title("County lines intelligence return");
    workbook.set_properties(&properties);
    // The fastest deflate level: benchmark worlds write millions of rows, and no
    // reader cares about the few extra kilobytes.
    workbook.set_zip_compression_level(1);
    let iso = Format::new().set_num_format("yyyy-mm-dd");
    let uk = Format::new().set_num_format("dd/mm/yyyy");
    for table in tables {
        let sheet = workbook.add_worksheet();
        sheet.set_name(table.name).at(path)?;
        for (c, name) in table.header.iter().enumerate() {
            sheet.write_string(0, c as u16, name).at(path)?;
        }
        for (r, row) in table.rows.iter().enumerate() {
            let r = (r + 1) as u32;
            for (c, cell) in row.iter().enumerate() {
                let c = c as u16;
                match cell {
                    Cell::Empty => {}
                    Cell::Text(s) => {
                        sheet.write_string(r, c, s).at(path)?;
                    }
                    Cell::Static(s) => {
                        sheet.write_string(r, c, *s).at(path)?;
                    }
                    Cell::Date(day, style) if date_cells => {
                        let (y, m, d) = ymd(*day);
                        let date = ExcelDateTime::from_ymd(y as u16, m as u8, d as u8).at(path)?;
                        let format = if *style == DateStyle::Iso { &iso } else { &uk };
                        sheet
                            .write_datetime_with_format(r, c, &date, format)
                            .at(path)?;
                    }
                    Cell::Date(..) => {
                        sheet.write_string(r, c, cell.as_text()).at(path)?;
                    }
                    Cell::Int(n) => {
                        sheet.write_number(r, c, *n as f64).at(path)?;
                    }
                    Cell::Num(x) => {
                        sheet.write_number(r, c, *x).at(path)?;
                    }
                }
            }
        }
    }
    workbook.save(path).at(path)?;
    Ok(())
}
