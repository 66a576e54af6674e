//! Text fixtures: a whole return described in one string, written out as any container.
//!
//! A fixture is a sequence of files, each introduced by a `//- <name>` line and followed by
//! that file's content, byte for byte (line endings, a byte order mark and all):
//!
//! ```text
//! //- return.csv
//! key,value
//! force,merseyside
//! //- lines.csv
//! line_ref,line_name,...
//! ```
//!
//! The same fixture can be written as a folder of CSV files, a zip of them, or a workbook with
//! one sheet per file (every cell a text cell), so that each container is tested from one
//! description. This mirrors the published folder-of-CSVs container (`spec/matrix-v1.md`).
//!
//! This module does not validate fixtures: a fixture may be deliberately wrong, and judging it
//! is the importer's job. Text before the first `//-` line is ignored.

use std::fs;
use std::io::{Cursor, Write};
use std::path::{Path, PathBuf};

/// A small but complete valid return: force `merseyside`, period `2026-03`, every table and
/// most columns, with lists, partial dates of birth, a vulnerability count, an NRM decision
/// and quoted cells holding commas and quotes.
pub const VALID_RETURN: &str = r#"//- return.csv
key,value
force,merseyside
period,2026-03
version,1
submitted_by,DI county lines desk
//- lines.csv
line_ref,line_name,deal_numbers,exporting_force,exporting_area,importing_areas,drugs,status,violence,weapons,cuckooing,ocg_urn,first_reported,last_reported,grading,notes
L1,Tony,07700 900123;07700 900124,merseyside,Liverpool,Blackpool;Preston,crack;heroin,active_investigation,weapons,knife,yes,OCG-0042,2025-11-02,2026-03-28,2-B-P,"runs from Dale St, uses ""Tony"" on texts"
L2,Bando,07700 900200,,,Southport,cocaine,passive_intelligence,none,,no,,2026-01-15,,3-C-C,
//- nominals.csv
nominal_ref,surname,forenames,aliases,dob,gender,pnc_id,address,postcode,phone_numbers,role,line_refs,times_come_to_notice,last_contact,vulnerabilities,grading,notes
N1,Smith,John Paul,JP;Smithy,2001-04-12,male,19/1234567A,"1 Dale Street, Liverpool",L2 2DH,07700 900123,controller,L1;L2,7,2026-03-20,,2-B-P,
N2,Jones,Kayden,K-Dog,2009-07,male,,,,07700 900301,runner,L1,2,2026-03-11,missing_episodes:3;looked_after;school_exclusions:2,1-A-C,child: safeguarding referral made
N3,Brown,Siân,,1978,female,,"Flat 2, Marine Court",FY1 1AA,,cuckooed_occupant,L1,,,substance_dependency;cuckooed,2-C-P,
N4,Okafor,Zoë,Zee,2008-02-29,female,,,,07700 900302,line_holder,L2,1,2026-03-02,,2-B-C,
//- locations.csv
location_ref,address,postcode,kind,line_refs,nominal_refs,first_reported,grading
P1,"Flat 2, Marine Court, Blackpool",FY1 1AA,cuckooed_address,L1,N3;N2,2026-02-01,2-B-P
P2,Blackpool North station,FY1 2AB,rail_station,L1,,,3-B-P
//- vehicles.csv
vrm,make,model,colour,kind,line_refs,nominal_refs,grading
AB12CDE,Toyota,Prius,silver,hire,L1,N2,2-B-P
//- events.csv
event_ref,kind,date,nominal_refs,line_refs,location_ref,force_area,quantity,outcome,notes
E1,arrest,2026-03-11,N2,L1,P1,lancashire,,,arrested in Blackpool
E2,drug_seizure,2026-03-11,N2,L1,P1,lancashire,28.5,,crack wraps
E3,nrm_referral,2026-03-12,N2,,,,,,
E4,nrm_reasonable_grounds,2026-03-25,N2,,,,,positive,
"#;

/// [`VALID_RETURN`] as a different tool would write it: a UTF-8 byte order mark, CRLF line
/// endings, upper-case headers in another order, `DD/MM/YYYY` dates, `+44` and `0044` numbers,
/// lower-case postcodes and grades, upper-case words, and every cell quoted.
///
/// It holds the same facts in the same rows, so it must import as the identical return.
pub const VALID_RETURN_OTHER_GENERATOR: &str = concat!(
    "//- return.csv\n",
    "\u{feff}\"KEY\",\"VALUE\"\r\n",
    "\"Force\",\"Merseyside\"\r\n",
    "\"Period\",\"2026-03\"\r\n",
    "\"Version\",\"1\"\r\n",
    "\"Submitted_By\",\"DI county lines desk\"\r\n",
    "//- LINES.CSV\n",
    "\u{feff}\"LINE_NAME\",\"LINE_REF\",\"STATUS\",\"GRADING\",\"NOTES\",\"DEAL_NUMBERS\",\"EXPORTING_FORCE\",\"EXPORTING_AREA\",",
    "\"IMPORTING_AREAS\",\"DRUGS\",\"VIOLENCE\",\"WEAPONS\",\"CUCKOOING\",\"OCG_URN\",\"FIRST_REPORTED\",\"LAST_REPORTED\"\r\n",
    "\"Tony\",\"L1\",\"ACTIVE_INVESTIGATION\",\"2-b-p\",\"runs from Dale St, uses \"\"Tony\"\" on texts\",",
    "\"+44 7700 900123; +44 (0)7700 900124\",\"Merseyside\",\"Liverpool\",\"Blackpool; Preston\",\"Crack; Heroin\",",
    "\"Weapons\",\"Knife\",\"Yes\",\"OCG-0042\",\"02/11/2025\",\"28/03/2026\"\r\n",
    "\"Bando\",\"L2\",\"Passive_Intelligence\",\"3-c-c\",\"\",\"0044 7700 900200\",\"\",\"\",\"Southport\",\"COCAINE\",",
    "\"None\",\"\",\"No\",\"\",\"15/01/2026\",\"\"\r\n",
    "//- Nominals.csv\n",
    "\u{feff}\"NOMINAL_REF\",\"FORENAMES\",\"SURNAME\",\"ROLE\",\"LINE_REFS\",\"GRADING\",\"ALIASES\",\"DOB\",\"GENDER\",",
    "\"PNC_ID\",\"ADDRESS\",\"POSTCODE\",\"PHONE_NUMBERS\",\"TIMES_COME_TO_NOTICE\",\"LAST_CONTACT\",\"VULNERABILITIES\",\"NOTES\"\r\n",
    "\"N1\",\"John Paul\",\"Smith\",\"Controller\",\"L1; L2\",\"2-b-p\",\"JP; Smithy\",\"12/04/2001\",\"Male\",",
    "\"19/1234567a\",\"1 Dale Street, Liverpool\",\"l2 2dh\",\"+447700900123\",\"7\",\"20/03/2026\",\"\",\"\"\r\n",
    "\"N2\",\"Kayden\",\"Jones\",\"RUNNER\",\"L1\",\"1-a-c\",\"K-Dog\",\"2009-07\",\"MALE\",",
    "\"\",\"\",\"\",\"+44 7700 900301\",\"2\",\"11/03/2026\",\"Missing_Episodes:3; Looked_After; School_Exclusions:2\",",
    "\"child: safeguarding referral made\"\r\n",
    "\"N3\",\"Siân\",\"Brown\",\"Cuckooed_Occupant\",\"L1\",\"2-c-p\",\"\",\"1978\",\"Female\",",
    "\"\",\"Flat 2, Marine Court\",\"fy11aa\",\"\",\"\",\"\",\"Substance_Dependency; Cuckooed\",\"\"\r\n",
    "\"N4\",\"Zoë\",\"Okafor\",\"Line_Holder\",\"L2\",\"2-b-c\",\"Zee\",\"29/02/2008\",\"Female\",",
    "\"\",\"\",\"\",\"+44 7700 900302\",\"1\",\"02/03/2026\",\"\",\"\"\r\n",
    "//- Locations.csv\n",
    "\u{feff}\"KIND\",\"LOCATION_REF\",\"GRADING\",\"ADDRESS\",\"POSTCODE\",\"LINE_REFS\",\"NOMINAL_REFS\",\"FIRST_REPORTED\"\r\n",
    "\"Cuckooed_Address\",\"P1\",\"2-b-p\",\"Flat 2, Marine Court, Blackpool\",\"fy1 1aa\",\"L1\",\"N3; N2\",\"01/02/2026\"\r\n",
    "\"Rail_Station\",\"P2\",\"3-b-p\",\"Blackpool North station\",\"fy1  2ab\",\"L1\",\"\",\"\"\r\n",
    "//- Vehicles.csv\n",
    "\u{feff}\"VRM\",\"GRADING\",\"MAKE\",\"MODEL\",\"COLOUR\",\"KIND\",\"LINE_REFS\",\"NOMINAL_REFS\"\r\n",
    "\"ab12 cde\",\"2-b-p\",\"Toyota\",\"Prius\",\"silver\",\"Hire\",\"L1\",\"N2\"\r\n",
    "//- Events.csv\n",
    "\u{feff}\"EVENT_REF\",\"DATE\",\"KIND\",\"NOMINAL_REFS\",\"LINE_REFS\",\"LOCATION_REF\",\"FORCE_AREA\",\"QUANTITY\",\"OUTCOME\",\"NOTES\"\r\n",
    "\"E1\",\"11/03/2026\",\"Arrest\",\"N2\",\"L1\",\"P1\",\"Lancashire\",\"\",\"\",\"arrested in Blackpool\"\r\n",
    "\"E2\",\"11/03/2026\",\"Drug_Seizure\",\"N2\",\"L1\",\"P1\",\"Lancashire\",\"28.5\",\"\",\"crack wraps\"\r\n",
    "\"E3\",\"12/03/2026\",\"NRM_Referral\",\"N2\",\"\",\"\",\"\",\"\",\"\",\"\"\r\n",
    "\"E4\",\"25/03/2026\",\"NRM_Reasonable_Grounds\",\"N2\",\"\",\"\",\"\",\"\",\"Positive\",\"\"\r\n",
);

/// The smallest valid return: the three required tables with one row each.
pub const MINIMAL_RETURN: &str = r#"//- return.csv
key,value
force,merseyside
period,2026-03
version,1
submitted_by,analyst
//- lines.csv
line_ref,line_name,status,grading
L1,Tony,active_investigation,2-B-P
//- nominals.csv
nominal_ref,role,line_refs,grading
N1,runner,L1,2-B-P
"#;

/// The files of a fixture: each name with its content, in fixture order.
pub fn parse_fixture(text: &str) -> Vec<(String, String)> {
    let mut files: Vec<(String, String)> = Vec::new();
    let mut rest = text;
    // Offsets are taken on the original text so that content is kept byte for byte.
    while !rest.is_empty() {
        let line_end = rest.find('\n').map_or(rest.len(), |at| at + 1);
        let line = &rest[..line_end];
        match line.strip_prefix("//- ") {
            Some(name) => files.push((name.trim().to_string(), String::new())),
            None => {
                if let Some((_, content)) = files.last_mut() {
                    content.push_str(line);
                }
            }
        }
        rest = &rest[line_end..];
    }
    files
}

/// The fixture with `name`'s content replaced by `content` (or the file added at the end).
pub fn with_file(text: &str, name: &str, content: &str) -> String {
    let mut files = parse_fixture(text);
    match files.iter_mut().find(|(file, _)| file == name) {
        Some((_, old)) => *old = content.to_string(),
        None => files.push((name.to_string(), content.to_string())),
    }
    render(&files)
}

/// The fixture without the file `name`.
pub fn without_file(text: &str, name: &str) -> String {
    let files: Vec<(String, String)> = parse_fixture(text)
        .into_iter()
        .filter(|(file, _)| file != name)
        .collect();
    render(&files)
}

/// Writes a parsed fixture back as fixture text.
fn render(files: &[(String, String)]) -> String {
    let mut text = String::new();
    for (name, content) in files {
        text.push_str("//- ");
        text.push_str(name);
        text.push('\n');
        text.push_str(content);
        if !content.is_empty() && !content.ends_with('\n') {
            text.push('\n');
        }
    }
    text
}

/// Writes the fixture's files into the folder `dir` (created if needed) and returns it.
pub fn write_csv_folder(text: &str, dir: &Path) -> PathBuf {
    fs::create_dir_all(dir).expect("create fixture folder");
    for (name, content) in parse_fixture(text) {
        fs::write(dir.join(&name), content.as_bytes()).expect("write fixture file");
    }
    dir.to_path_buf()
}

/// Writes the fixture as a workbook at `path`: one sheet per file, named after the file
/// without `.csv`, every cell a text cell.
pub fn write_xlsx(text: &str, path: &Path) {
    fs::write(path, xlsx_bytes(text)).expect("write fixture workbook");
}

/// The fixture as workbook bytes (see [`write_xlsx`]).
pub fn xlsx_bytes(text: &str) -> Vec<u8> {
    let mut workbook = rust_xlsxwriter::Workbook::new();
    for (name, content) in parse_fixture(text) {
        let sheet_name = name
            .strip_suffix(".csv")
            .or_else(|| name.strip_suffix(".CSV"))
            .unwrap_or(&name)
            .to_string();
        let sheet = workbook.add_worksheet();
        sheet.set_name(sheet_name).expect("fixture sheet name");
        for (row, cells) in csv_rows(&content).iter().enumerate() {
            for (col, cell) in cells.iter().enumerate() {
                if !cell.is_empty() {
                    sheet
                        .write_string(row as u32, col as u16, cell)
                        .expect("write fixture cell");
                }
            }
        }
    }
    workbook.save_to_buffer().expect("build fixture workbook")
}

/// Writes the fixture as a zip at `path`, every file at the top level.
pub fn write_zip(text: &str, path: &Path) {
    fs::write(path, zip_bytes(text, None)).expect("write fixture zip");
}

/// The fixture as zip bytes, its files at the top level or inside `folder`, deflated.
pub fn zip_bytes(text: &str, folder: Option<&str>) -> Vec<u8> {
    let mut writer = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    if let Some(folder) = folder {
        writer
            .add_directory(format!("{folder}/"), options)
            .expect("zip folder");
    }
    for (name, content) in parse_fixture(text) {
        let name = match folder {
            Some(folder) => format!("{folder}/{name}"),
            None => name,
        };
        writer.start_file(name, options).expect("zip entry");
        writer.write_all(content.as_bytes()).expect("zip content");
    }
    writer.finish().expect("finish zip").into_inner()
}

/// The cells of a CSV file's records (a byte order mark dropped).
pub fn csv_rows(content: &str) -> Vec<Vec<String>> {
    let content = content.strip_prefix('\u{feff}').unwrap_or(content);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(content.as_bytes());
    reader
        .records()
        .map(|record| {
            record
                .expect("fixture CSV is UTF-8")
                .iter()
                .map(str::to_string)
                .collect()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_keep_their_bytes() {
        let files = parse_fixture("ignored\n//- a.csv\nx,y\r\n1,2\r\n//- b.csv\n\u{feff}z\n");
        assert_eq!(
            files,
            [
                ("a.csv".to_string(), "x,y\r\n1,2\r\n".to_string()),
                ("b.csv".to_string(), "\u{feff}z\n".to_string())
            ]
        );
    }

    #[test]
    fn the_fixtures_have_every_table() {
        for text in [VALID_RETURN, VALID_RETURN_OTHER_GENERATOR] {
            let names: Vec<String> = parse_fixture(text)
                .into_iter()
                .map(|(name, _)| name.to_lowercase())
                .collect();
            assert_eq!(
                names,
                [
                    "return.csv",
                    "lines.csv",
                    "nominals.csv",
                    "locations.csv",
                    "vehicles.csv",
                    "events.csv"
                ]
            );
        }
        let other = parse_fixture(VALID_RETURN_OTHER_GENERATOR);
        assert!(
            other
                .iter()
                .all(|(_, content)| content.starts_with('\u{feff}') && content.contains("\r\n"))
        );
    }

    #[test]
    fn files_can_be_swapped() {
        let text = with_file(MINIMAL_RETURN, "lines.csv", "line_ref\nL9\n");
        let files = parse_fixture(&text);
        assert_eq!(
            files[1],
            ("lines.csv".to_string(), "line_ref\nL9\n".to_string())
        );
        assert_eq!(parse_fixture(&without_file(&text, "lines.csv")).len(), 2);
        assert_eq!(
            parse_fixture(&with_file(&text, "events.csv", "e\n")).len(),
            4
        );
    }

    #[test]
    fn csv_rows_split_quoted_cells() {
        assert_eq!(
            csv_rows("\u{feff}a,\"b, \"\"c\"\"\"\r\n"),
            [vec!["a".to_string(), "b, \"c\"".to_string()]]
        );
    }
}
