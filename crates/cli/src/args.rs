//! The command line: every subcommand and option, with the help a newcomer reads first.
//!
//! Parsing only (clap derive); what each command does lives in `commands`.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// crossline: the cross-border county-lines intelligence system.
///
/// Forces send monthly intelligence returns; crossline accepts or rejects each one whole,
/// keeps every version, and assembles the regional and national picture.
///
/// Start with `crossline demo`, which generates a synthetic world, imports it into
/// ./crossline.db and prints the national picture.
#[derive(Debug, Parser)]
#[command(
    name = "crossline",
    version,
    propagate_version = true,
    max_term_width = 100
)]
pub struct Cli {
    #[command(flatten)]
    pub global: Global,
    #[command(subcommand)]
    pub command: Command,
}

/// Options every command takes: where the data is and who is acting.
#[derive(Debug, Args)]
pub struct Global {
    /// The database: a SQLite file path, or a postgres:// URL for a shared deployment.
    #[arg(
        long,
        global = true,
        env = "CROSSLINE_DB",
        default_value = "crossline.db"
    )]
    pub db: String,

    /// Who is acting (recorded in the audit log). Defaults to the login name.
    #[arg(long, global = true, env = "CROSSLINE_USER")]
    pub user: Option<String>,

    /// The acting user's role: force_analyst, regional_analyst, national_analyst or information_manager.
    #[arg(
        long,
        global = true,
        env = "CROSSLINE_ROLE",
        default_value = "national_analyst"
    )]
    pub role: String,

    /// The force (for a force analyst) or region (for a regional analyst) the user belongs to.
    #[arg(long, global = true, env = "CROSSLINE_HOME")]
    pub home: Option<String>,

    /// The folder of communications data (month-partitioned Parquet). Defaults to the SQLite
    /// file's path plus `.comms`; required with a postgres:// database.
    #[arg(long, global = true, env = "CROSSLINE_COMMS_DIR")]
    pub comms_dir: Option<PathBuf>,

    /// Run the communications analysis on an Apache DataFusion Ballista cluster, named by its
    /// scheduler (default: in this process). Its scheduler and executors must see the comms
    /// folder at the same absolute path, as on a shared filesystem. Needs a build with
    /// `--features cluster`.
    #[arg(
        long,
        global = true,
        env = "CROSSLINE_CLUSTER",
        value_name = "df://HOST:PORT"
    )]
    pub cluster: Option<String>,
}

/// Review subcommands.
#[derive(Debug, Subcommand)]
pub enum ReviewCommand {
    /// The queue, most uncertain first.
    List {
        /// How many pairs to show.
        #[arg(long, default_value_t = 30)]
        limit: usize,
    },
    /// One pair with its explanation: every comparison and the weight it added.
    Show {
        /// The pair's id, as `review list` prints it (Q-…).
        pair: String,
    },
    /// Decide that the two records are the same subject (final: it survives every re-run).
    Accept {
        /// The pair's id.
        pair: String,
        /// Why, in your words.
        #[arg(long)]
        note: Option<String>,
    },
    /// Decide that the two records are different subjects (final: it survives every re-run).
    Reject {
        /// The pair's id.
        pair: String,
        /// Why, in your words.
        #[arg(long)]
        note: Option<String>,
    },
}

/// Communications-data subcommands.
#[derive(Debug, Subcommand)]
pub enum CommsCommand {
    /// Profile every number, classify it (deal line, personal, customer) and find the
    /// replacement numbers lines move to; keeps the replacements for `export`.
    Analyse {
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
    /// The replacements found by the last analysis (the `replacements.csv` columns), each with
    /// the line or person entity it is linked to; a force or regional analyst sees the links of
    /// their own entities.
    Replacements,
    /// Profiles of numbers, deal lines first.
    Profiles {
        /// Only numbers of this class: deal, personal or customer.
        #[arg(long)]
        class: Option<String>,
        /// How many to show.
        #[arg(long, default_value_t = 30)]
        limit: usize,
    },
    /// Controllers' phones: personal numbers that direct deal lines and their runners but
    /// rarely customers, with the people whose returns list them.
    Controllers {
        /// How many to show.
        #[arg(long, default_value_t = 30)]
        limit: usize,
    },
}

/// Restriction-order (DDTRO) subcommands.
#[derive(Debug, Subcommand)]
pub enum DdtroCommand {
    /// Write an application pack for a line: every current deal number and its likely next
    /// numbers, as ddtro-<line>.csv and a printable ddtro-<line>.html.
    Plan {
        /// The line: an entity id (entities.csv) or a force line ref, force/period/ref.
        line: String,
        /// Folder to write into (created if needed).
        #[arg(long, default_value = ".")]
        out: PathBuf,
    },
    /// Record an order applied for or granted on a number (regional and national analysts).
    Record {
        /// The number, E.164 (or another UK form).
        number: String,
        /// applied or granted.
        status: String,
        /// The line the order is sought against.
        #[arg(long)]
        line: Option<String>,
        /// The day, YYYY-MM-DD (default: today).
        #[arg(long)]
        date: Option<String>,
    },
    /// Replacements found for numbers under an order: the line has moved.
    Alerts,
}

/// How to print results.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Readable text for a terminal.
    Text,
    /// JSON, for scripts.
    Json,
}

/// Which part of the picture to report.
#[derive(Debug, Args)]
pub struct ScopeArgs {
    /// Only this force (a code from forces.csv, e.g. merseyside).
    #[arg(long, conflicts_with = "region")]
    pub force: Option<String>,
    /// Only the forces of this region (e.g. north-west).
    #[arg(long)]
    pub region: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Generate a small synthetic world, import it and print the national picture.
    ///
    /// The quickest way to see crossline work: nothing but this binary is needed.
    Demo {
        /// Where to write the world.
        #[arg(long, default_value = "demo-world")]
        out: PathBuf,
        /// World size: small, medium or large.
        #[arg(long, default_value = "small")]
        size: world::Size,
        /// Random seed; the same seed gives the same world.
        #[arg(long, default_value_t = 1)]
        seed: u64,
    },

    /// Write a synthetic world: every force's monthly returns, communications data and the truth.
    ///
    /// Layout: returns/<period>/<force>/*.csv or returns/<period>/<force>.xlsx, comms/, truth/.
    World {
        /// small (≈40 lines, 6 months), medium (≈300 lines, 12 months) or large (≈1,000 lines, 12 months).
        #[arg(long, default_value = "small")]
        size: world::Size,
        /// Random seed; the same seed gives byte-identical files.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Output folder (created; must be empty or absent).
        #[arg(long)]
        out: PathBuf,
        /// Scale person records to about this many in all (for benchmarks).
        #[arg(long)]
        nominals: Option<usize>,
        /// Share of forces sending .xlsx workbooks instead of CSV folders, 0 to 1.
        #[arg(long, default_value_t = 0.25)]
        xlsx_share: f64,
        /// Do not write communications data.
        #[arg(long)]
        no_comms: bool,
    },

    /// Import returns: .xlsx workbooks, folders of CSV files, .zip files, or folder trees of them.
    ///
    /// Each return is accepted whole or rejected whole with every problem listed (table, row,
    /// column, value, reason). A resubmission of a force's period replaces the previous version,
    /// which stays in the history; importing the same file twice changes nothing.
    /// Exits with status 1 when any return was rejected.
    Import {
        /// Files or folders to import.
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        /// Output format of the report.
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
        /// Do not draw a progress bar.
        #[arg(long)]
        no_progress: bool,
        /// Largest file accepted, in MiB.
        #[arg(long, default_value_t = 512)]
        max_file_mib: u64,
    },

    /// Import communications data (comms-v1): .csv, .csv.gz and .parquet files, or folders of them.
    ///
    /// Records are stored as month-partitioned Parquet beside the database (see --comms-dir).
    /// Every bad row is listed with its line and reason, and a file with bad rows is
    /// rejected whole unless --skip-bad-rows is given; importing the same file twice adds
    /// nothing. Exits with status 1 when any file was rejected.
    ImportComms {
        /// Files or folders to import.
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        /// Store a file's good rows even when some rows are bad (the bad ones are still listed).
        #[arg(long)]
        skip_bad_rows: bool,
        /// Output format of the report.
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },

    /// Communications analysis: number profiles, classes and replacement numbers.
    #[command(subcommand)]
    Comms(CommsCommand),

    /// Restriction orders (DDTROs): application packs, orders recorded, and alerts when an
    /// ordered number is replaced.
    #[command(subcommand)]
    Ddtro(DdtroCommand),

    /// The collated picture: lines by status, force-to-force flows, nominals by role, vulnerable people.
    Summary {
        #[command(flatten)]
        scope: ScopeArgs,
        /// The month to report, YYYY-MM (default: the latest with a return).
        #[arg(long)]
        period: Option<String>,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },

    /// Data quality per force: returns on time, completeness of each column, grading mix, rejections.
    Quality {
        #[command(flatten)]
        scope: ScopeArgs,
        /// Day of the following month by which a return is due.
        #[arg(long, default_value_t = 14)]
        due_day: u32,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },

    /// List stored returns (current versions, or every version with --history).
    Returns {
        #[command(flatten)]
        scope: ScopeArgs,
        /// Include superseded versions.
        #[arg(long)]
        history: bool,
    },

    /// The submission log: every import attempt, accepted, unchanged or rejected.
    Submissions {
        #[command(flatten)]
        scope: ScopeArgs,
    },

    /// Resolve the same people, lines, places, vehicles and numbers across forces, and raise
    /// deconfliction alerts (national analysts).
    ///
    /// Earlier entity ids are kept and analysts' review decisions are applied as final.
    Analyse {
        /// Match probability a pair must reach to link records.
        #[arg(long, default_value_t = 0.9)]
        match_threshold: f64,
        /// Lower edge of the review band: pairs from here up to the match threshold go to review.
        #[arg(long, default_value_t = 0.5)]
        review_from: f64,
        /// Do not draw a progress bar.
        #[arg(long)]
        no_progress: bool,
    },

    /// Pairs the resolver is unsure of: list them, show why, and decide.
    #[command(subcommand)]
    Review(ReviewCommand),

    /// Why two person records do or do not match: every comparison and the weight it added.
    Explain {
        /// One record, as force/period/ref (e.g. kent/2026-03/KEN-N-0012).
        a: String,
        /// The other record.
        b: String,
    },

    /// Alerts, most severe first: subjects held by more than one force (deconfliction), and
    /// lines and people that moved to a new number (replacement), with the evidence.
    Alerts {
        /// Only this force's alerts (a code from forces.csv).
        #[arg(long, conflicts_with = "region")]
        force: Option<String>,
        /// Only this region's alerts.
        #[arg(long)]
        region: Option<String>,
        /// Only the national centre's alerts.
        #[arg(long, conflicts_with_all = ["force", "region"])]
        national: bool,
    },

    /// Write the analysis exports (entities.csv, deconfliction.csv, and replacements.csv once
    /// `comms analyse` has run) per exports-v1.
    Export {
        /// Folder to write into (created if needed).
        #[arg(long)]
        out: PathBuf,
    },

    /// The audit log of reads and changes of personal data (information managers, national analysts).
    Audit {
        /// How many entries, newest first.
        #[arg(long, default_value_t = 50)]
        limit: usize,
    },
}
