//! The synthetic world generator: forces' monthly county lines returns
//! (`matrix-v1.md`), communications data (`comms-v1.md`) and the ground truth
//! beside them (`truth-v1.md`), so every later analysis can be scored.
//!
//! [`generate`] builds a world from a seed and writes it to a folder. The world
//! carries the difficulties real data has: the same person recorded by several
//! forces under different references, misspelt, by nickname or alias, with partial
//! or transposed dates of birth; namesakes and twins; the same line under different
//! brands and statuses; deal numbers cut off and replaced within hours; controllers
//! who hardly appear while exploited children come to notice again and again.
//! Generation is deterministic: the same configuration writes byte-identical files.
//! This crate does not read returns back or analyse anything; it only writes.
//!
//! Module map, in build order: `geography` (forces, towns, routes), `names`,
//! `identifiers`, `addresses`, `model` (the truth's types), `people`, `lines`,
//! `phones`, `places`, `incidents`, `world`; then `plan` (what each force reports),
//! `coverage`, `extras`, `style`, `views`, `render`, `table`; then the writers
//! `returns_writer`, `xlsx_writer`, `comms` and `truth`.

mod addresses;
mod calendar;
mod comms;
mod coverage;
mod error;
mod extras;
mod geography;
mod identifiers;
mod incidents;
mod lines;
mod model;
mod names;
mod notes;
mod people;
mod phones;
mod places;
mod plan;
mod render;
mod returns_writer;
mod rng;
mod style;
mod table;
mod truth;
mod views;
mod world;
mod xlsx_writer;

use std::fmt;
use std::path::Path;
use std::str::FromStr;

pub use error::{Error, Result};

use error::IoContext;
use style::ForceStyle;
use world::World;

/// How big a world to make.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Size {
    /// About 40 lines over 6 months: for tests and demos.
    #[default]
    Small,
    /// About 300 lines over 12 months.
    Medium,
    /// About 1,000 lines and over 2,000 deal numbers over 12 months: the national scale.
    Large,
}

impl Size {
    /// Lines and months of a world of this size.
    fn shape(self) -> (usize, usize) {
        match self {
            Size::Small => (40, 6),
            Size::Medium => (300, 12),
            Size::Large => (1000, 12),
        }
    }
}

impl FromStr for Size {
    type Err = Error;

    fn from_str(s: &str) -> Result<Size> {
        match s.trim().to_ascii_lowercase().as_str() {
            "small" => Ok(Size::Small),
            "medium" => Ok(Size::Medium),
            "large" => Ok(Size::Large),
            other => Err(Error::Config {
                reason: format!("unknown size {other:?} (expected small, medium or large)"),
            }),
        }
    }
}

impl fmt::Display for Size {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Size::Small => "small",
            Size::Medium => "medium",
            Size::Large => "large",
        })
    }
}

/// What to generate.
#[derive(Clone, Debug, PartialEq)]
pub struct WorldConfig {
    /// The world's size.
    pub size: Size,
    /// The seed: the same seed and configuration give byte-identical output.
    pub seed: u64,
    /// About how many nominal rows to write across all returns, for benchmarks.
    /// Fewer than the size naturally holds shrinks the world; more adds extra
    /// (force-local) runners, customers and associates. `None` keeps the size's own.
    pub nominals: Option<usize>,
    /// The share (0 to 1) of reporting forces that send `.xlsx` workbooks rather
    /// than CSV folders; each force keeps its choice every month.
    pub xlsx_share: f64,
    /// Whether to write communications data.
    pub comms: bool,
}

impl Default for WorldConfig {
    fn default() -> WorldConfig {
        WorldConfig {
            size: Size::Small,
            seed: 1,
            nominals: None,
            xlsx_share: 0.25,
            comms: true,
        }
    }
}

/// What was written.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct WorldStats {
    /// Forces that submitted at least one return.
    pub forces: usize,
    /// Months covered.
    pub periods: usize,
    /// Returns written.
    pub returns: usize,
    /// Of which workbooks.
    pub xlsx_returns: usize,
    /// Real lines in the world.
    pub lines: usize,
    /// Real deal numbers.
    pub deal_numbers: usize,
    /// Distinct real people named in returns.
    pub persons: usize,
    /// Nominal records written.
    pub nominal_rows: usize,
    /// Communications records written.
    pub comms_records: usize,
    /// Moves of a line to a new deal number.
    pub replacements: usize,
}

/// Where generation has got to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Progress {
    /// The stage: `world`, `returns`, `comms` or `truth`.
    pub stage: &'static str,
    /// Units done in this stage.
    pub done: u64,
    /// Units in this stage.
    pub total: u64,
}

/// Generates a world into `out`, which must be absent or empty, reporting progress
/// as it goes.
///
/// Writes `returns/<period>/<force>/*.csv` or `returns/<period>/<force>.xlsx`,
/// `comms/cdr-<period>.csv[.gz]` (when `config.comms`) and `truth/*.csv`.
pub fn generate(
    config: &WorldConfig,
    out: &Path,
    progress: &mut dyn FnMut(Progress),
) -> Result<WorldStats> {
    if !(0.0..=1.0).contains(&config.xlsx_share) {
        return Err(Error::Config {
            reason: format!("xlsx_share {} is not between 0 and 1", config.xlsx_share),
        });
    }
    prepare(out)?;
    progress(Progress {
        stage: "world",
        done: 0,
        total: 1,
    });
    let (mut n_lines, months) = config.size.shape();
    let mut world = World::build(config.seed, n_lines, months);
    let mut plans = plan::build(&world);
    if let Some(target) = config.nominals {
        // Fewer rows than the size holds: a smaller world, not a sparser one.
        let base = plans.nominal_rows().max(1);
        if target < base * 9 / 10 {
            n_lines = (n_lines * target / base).max(3);
            world = World::build(config.seed, n_lines, months);
            plans = plan::build(&world);
        }
    }
    coverage::ensure(&mut world, &mut plans);
    if let Some(target) = config.nominals {
        extras::allocate(&mut plans, target);
    }
    progress(Progress {
        stage: "world",
        done: 1,
        total: 1,
    });

    let n_forces = world.geo.forces.len();
    let styles: Vec<ForceStyle> = (0..n_forces)
        .map(|f| ForceStyle::of(config.seed, f as u16, &world.geo.forces[f].prefix))
        .collect();
    let mut reporting: Vec<u16> = plans.returns.iter().map(|r| r.force).collect();
    reporting.sort_unstable();
    reporting.dedup();
    let xlsx = style::xlsx_forces(config.seed, &reporting, n_forces, config.xlsx_share);

    let mut stats = WorldStats {
        forces: reporting.len(),
        periods: world.cal.periods.len(),
        lines: world.lines.len(),
        deal_numbers: world
            .numbers
            .iter()
            .filter(|n| n.kind == model::NumberKind::Deal)
            .count(),
        replacements: world.replacements.len(),
        ..WorldStats::default()
    };
    let mut truth = truth::TruthWriter::create(&out.join("truth"))?;
    let mut seen_people = std::collections::BTreeSet::new();
    let total = plans.returns.len() as u64;
    for (i, plan) in plans.returns.iter().enumerate() {
        let force = usize::from(plan.force);
        let code = &world.geo.forces[force].code;
        let period = world.cal.periods[plan.period].label();
        let rendered = render::render(&world, &plans, plan, &styles[force]);
        let folder = out.join("returns").join(&period);
        if xlsx[force] {
            std::fs::create_dir_all(&folder).at(&folder)?;
            xlsx_writer::write(
                &folder.join(format!("{code}.xlsx")),
                &rendered.tables,
                styles[force].date_cells,
            )?;
            stats.xlsx_returns += 1;
        } else {
            returns_writer::write(&folder.join(code), &rendered.tables)?;
        }
        truth.add_return(code, &period, &rendered.persons, &rendered.lines)?;
        stats.nominal_rows += rendered.persons.len();
        for (id, _) in &rendered.persons {
            if !id.starts_with('X') {
                seen_people.insert(id.clone());
            }
        }
        stats.returns += 1;
        progress(Progress {
            stage: "returns",
            done: (i + 1) as u64,
            total,
        });
    }
    let extra_people: u64 = plans.slots.iter().map(|s| u64::from(s.extras)).sum();
    stats.persons = seen_people.len() + extra_people as usize;

    if config.comms {
        let mut report = |done, total| {
            progress(Progress {
                stage: "comms",
                done,
                total,
            })
        };
        stats.comms_records = comms::write(&world, &out.join("comms"), &mut report)? as usize;
    }
    progress(Progress {
        stage: "truth",
        done: 0,
        total: 1,
    });
    truth.finish(&world, &plans)?;
    progress(Progress {
        stage: "truth",
        done: 1,
        total: 1,
    });
    Ok(stats)
}

/// Creates `out` if needed and refuses to write over an existing world.
fn prepare(out: &Path) -> Result<()> {
    if out.exists() {
        let mut entries = std::fs::read_dir(out).at(out)?;
        if entries.next().is_some() {
            return Err(Error::OutputNotEmpty {
                path: out.to_path_buf(),
            });
        }
    }
    std::fs::create_dir_all(out).at(out)
}
