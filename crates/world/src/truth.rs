//! Writes the ground truth (`truth-v1.md`): which real person and line each record
//! is, who controls each line, every number, every replacement, and who is really
//! vulnerable.
//!
//! `persons.csv` and `lines.csv` are streamed while returns are written, one row per
//! record; the rest is written at the end from the world. Numbers are E.164 and
//! times RFC 3339 UTC. Nothing here is read back by the generator.

use std::fs::File;
use std::io::BufWriter;
use std::path::{Path, PathBuf};

use crate::calendar::{day_start, rfc3339};
use crate::error::{IoContext, Result};
use crate::model::{NumberKind, Role, Vuln};
use crate::plan::Plans;
use crate::world::World;

type CsvOut = csv::Writer<BufWriter<File>>;

fn create(path: &Path, header: &[&str]) -> Result<CsvOut> {
    let file = File::create(path).at(path)?;
    let mut out = csv::Writer::from_writer(BufWriter::new(file));
    out.write_record(header).at(path)?;
    Ok(out)
}

/// The truth folder being written.
pub(crate) struct TruthWriter {
    dir: PathBuf,
    persons: CsvOut,
    lines: CsvOut,
}

impl TruthWriter {
    /// Creates `dir` and opens the streamed files.
    pub(crate) fn create(dir: &Path) -> Result<TruthWriter> {
        std::fs::create_dir_all(dir).at(dir)?;
        Ok(TruthWriter {
            dir: dir.to_path_buf(),
            persons: create(
                &dir.join("persons.csv"),
                &["person_id", "force", "period", "nominal_ref"],
            )?,
            lines: create(
                &dir.join("lines.csv"),
                &["line_id", "force", "period", "line_ref"],
            )?,
        })
    }

    /// Records the nominal and line records of one return.
    pub(crate) fn add_return(
        &mut self,
        force: &str,
        period: &str,
        persons: &[(String, String)],
        lines: &[(String, String)],
    ) -> Result<()> {
        let path = self.dir.join("persons.csv");
        for (id, reference) in persons {
            self.persons
                .write_record([id.as_str(), force, period, reference.as_str()])
                .at(&path)?;
        }
        let path = self.dir.join("lines.csv");
        for (id, reference) in lines {
            self.lines
                .write_record([id.as_str(), force, period, reference.as_str()])
                .at(&path)?;
        }
        Ok(())
    }

    /// Writes the remaining files and closes everything.
    pub(crate) fn finish(mut self, w: &World, plans: &Plans) -> Result<()> {
        self.persons.flush().at(&self.dir.join("persons.csv"))?;
        self.lines.flush().at(&self.dir.join("lines.csv"))?;
        let dir = self.dir;

        let path = dir.join("controllers.csv");
        let mut out = create(&path, &["person_id", "line_id"])?;
        for (index, line) in w.lines.iter().enumerate() {
            for controller in &line.controllers {
                out.write_record([World::person_id(*controller), World::line_id(index as u32)])
                    .at(&path)?;
            }
        }
        out.flush().at(&path)?;

        let path = dir.join("numbers.csv");
        let mut numbers = create(
            &path,
            &[
                "number",
                "kind",
                "line_id",
                "person_id",
                "active_from",
                "active_to",
            ],
        )?;
        for number in &w.numbers {
            numbers
                .write_record([
                    format!("+44{}", number.nsn),
                    number.kind.token().to_string(),
                    number.line.map(World::line_id).unwrap_or_default(),
                    number.person.map(World::person_id).unwrap_or_default(),
                    rfc3339(number.from),
                    number.to.map(rfc3339).unwrap_or_default(),
                ])
                .at(&path)?;
        }

        let path = dir.join("replacements.csv");
        let mut out = create(
            &path,
            &["old_number", "new_number", "switched_at", "line_id"],
        )?;
        for r in &w.replacements {
            out.write_record([
                format!("+44{}", w.numbers[r.old as usize].nsn),
                format!("+44{}", w.numbers[r.new as usize].nsn),
                rfc3339(r.switched_at),
                World::line_id(r.line),
            ])
            .at(&path)?;
        }
        out.flush().at(&path)?;

        let path = dir.join("vulnerable.csv");
        let mut out = create(&path, &["person_id", "exploited", "factors"])?;
        let end = w.cal.end();
        for (index, person) in w.persons.iter().enumerate() {
            let factors: Vec<String> = person
                .factors
                .iter()
                .map(|f| match f {
                    Vuln::MissingEpisodes => {
                        format!("{}:{}", f.token(), w.missing_count(index as u32, end))
                    }
                    Vuln::SchoolExclusions => {
                        format!("{}:{}", f.token(), w.exclusion_count(index as u32, end))
                    }
                    other => other.token().to_string(),
                })
                .collect();
            out.write_record([
                World::person_id(index as u32),
                if person.exploited { "yes" } else { "no" }.to_string(),
                factors.join(";"),
            ])
            .at(&path)?;
        }
        // Extra benchmark people: one regeneration feeds both files.
        let numbers_path = dir.join("numbers.csv");
        let calendar_start = rfc3339(day_start(w.cal.start()));
        for (index, slot) in plans.slots.iter().enumerate() {
            for j in 0..slot.extras {
                let (p, _) = crate::extras::person(w, index, slot, j);
                let kind = if p.role == Role::Customer {
                    NumberKind::Customer
                } else {
                    NumberKind::Personal
                };
                numbers
                    .write_record([
                        &format!("+44{}", p.phone),
                        kind.token(),
                        "",
                        &p.id,
                        &calendar_start,
                        "",
                    ])
                    .at(&numbers_path)?;
                let factors: Vec<String> = p
                    .factors
                    .iter()
                    .map(|f| {
                        if f.counted() {
                            format!("{}:1", f.token())
                        } else {
                            f.token().to_string()
                        }
                    })
                    .collect();
                out.write_record([
                    p.id.as_str(),
                    if p.exploited { "yes" } else { "no" },
                    &factors.join(";"),
                ])
                .at(&path)?;
            }
        }
        numbers.flush().at(&numbers_path)?;
        out.flush().at(&path)?;
        Ok(())
    }
}
