//! Bulk analysis of communications data (`spec/comms-v1.md`): a profile of every number,
//! its class (deal line, personal phone or customer) with a score, and the replacement
//! numbers lines and people move to.
//!
//! [`analyse`] runs the heavy aggregations as Apache DataFusion plans over the Parquet folder
//! kept by `comms::CommsStore` (module `plan`), then applies the pure rules of [`classify`]
//! and [`replace`] to the per-number tables. It creates its own Tokio runtime, so callers
//! stay synchronous. [`analyse_on`] runs the same plans on an Apache DataFusion Ballista
//! cluster instead when given [`Engine::Cluster`] (module `cluster`, cargo feature `cluster`).
//! This crate reads no truth, writes nothing and knows nothing of the relational store or of
//! exports.

pub mod classify;
mod cluster;
pub mod control;
mod plan;
pub mod replace;

use std::path::Path;

use rustc_hash::FxHashMap;

pub use crate::cluster::Engine;
use crate::replace::Activity;

/// What went wrong running an analysis.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// DataFusion failed to plan or run a query (for example, an unreadable Parquet file).
    #[error("communications analysis failed: {0}")]
    DataFusion(String),
    /// A query result was not shaped as the plan expects: a bug.
    #[error("unexpected analysis result: {0}")]
    Plan(String),
    /// The async runtime could not start.
    #[error("cannot start the analysis runtime: {0}")]
    Runtime(#[from] std::io::Error),
    /// The Ballista cluster could not be reached, or failed the job.
    #[error("cluster at {url}: {reason}")]
    Cluster {
        /// The scheduler's URL, as given.
        url: String,
        /// What failed (cannot connect, a query failed on the cluster, ...).
        reason: String,
    },
    /// A cluster was asked for, but this build has no Ballista client.
    #[error("this build of crossline has no cluster support; build with --features cluster")]
    NoClusterSupport,
}

impl Error {
    fn datafusion(e: datafusion::error::DataFusionError) -> Error {
        Error::DataFusion(e.to_string())
    }
}

/// Result of this crate's fallible operations.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Thresholds and windows of the analysis; the defaults are what the quality benchmark
/// measures.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Length of the slot in which messages to distinct numbers make a burst, seconds.
    pub burst_secs: i64,
    /// Distinct recipients in one slot that make a burst.
    pub burst_min_recipients: i64,
    /// Calls shorter than this (seconds) are "short calls".
    pub short_call_secs: i64,
    /// Bursts at which the burst part of the deal score is one half.
    pub deal_bursts_half: f64,
    /// Deal score from which a number is a deal line.
    pub deal_threshold: f64,
    /// How long after the old number's last record a new one may start, seconds.
    pub window_secs: i64,
    /// How far a new number may start before the old one's last record and still count
    /// (clock noise), seconds; beyond it the two are phones used at once.
    pub overlap_slack_secs: i64,
    /// Contacts of the old number in its last `recent_secs`, and of the new in its first,
    /// are compared.
    pub recent_secs: i64,
    /// Lowest score accepted.
    pub accept_score: f64,
    /// Lowest rarity-weighted share of old contacts reached by the new number.
    pub min_containment: f64,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            burst_secs: 600,
            burst_min_recipients: 5,
            short_call_secs: 120,
            deal_bursts_half: 1.0,
            deal_threshold: 0.35,
            window_secs: 7 * 86_400,
            overlap_slack_secs: 3_600,
            recent_secs: 30 * 86_400,
            accept_score: 0.45,
            min_containment: 0.25,
        }
    }
}

/// What a number is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum NumberClass {
    /// A deal line: it broadcasts to a customer list.
    DealLine,
    /// Someone's own phone (runner, holder, controller, associate).
    #[default]
    Personal,
    /// A buyer: deal lines text it.
    Customer,
}

impl NumberClass {
    /// The truth-v1 spelling (`deal`, `personal`, `customer`).
    pub fn as_str(self) -> &'static str {
        match self {
            NumberClass::DealLine => "deal",
            NumberClass::Personal => "personal",
            NumberClass::Customer => "customer",
        }
    }
}

/// Everything measured of one number.
#[derive(Debug, Clone, Default)]
pub struct Profile {
    /// The number, E.164.
    pub number: String,
    /// First record it originated (epoch ms), or `None` when it only received.
    pub first_out: Option<i64>,
    /// Last record it originated (epoch ms).
    pub last_out: Option<i64>,
    /// Records it originated.
    pub n_out: i64,
    /// Messages it sent.
    pub sms_out: i64,
    /// Distinct numbers it contacted.
    pub contacts_out: i64,
    /// Records it received.
    pub n_in: i64,
    /// Distinct numbers that contacted it.
    pub contacts_in: i64,
    /// Distinct numbers that made short calls to it.
    pub short_callers_in: i64,
    /// Bursts it sent (slots with messages to many distinct numbers).
    pub bursts: i64,
    /// Messages within those bursts.
    pub burst_messages: i64,
    /// Handsets it originated from.
    pub imeis: Vec<String>,
    /// Cells it originated from.
    pub cells: usize,
    /// Its class.
    pub class: NumberClass,
    /// Confidence in the class, `[0, 1]`.
    pub score: f64,
}

/// A number judged to have replaced another (`exports-v1` `replacements.csv`).
#[derive(Debug, Clone, PartialEq)]
pub struct Replacement {
    /// The number that fell silent.
    pub old_number: String,
    /// The number that took over.
    pub new_number: String,
    /// First activity of the new number (epoch ms).
    pub switched_at_ms: i64,
    /// Confidence, `[0, 1]`.
    pub score: f64,
    /// Customers of the old number the new one reached.
    pub shared_customers: u32,
    /// Customers of the old number near its end.
    pub old_customers: u32,
    /// Same handset.
    pub same_imei: bool,
    /// The class of both numbers (deal line or personal phone).
    pub class: NumberClass,
}

/// A personal number judged to direct deal lines and their runners (a controller's phone).
#[derive(Debug, Clone, PartialEq)]
pub struct Controller {
    /// The number.
    pub number: String,
    /// Confidence, `[0, 1]` ([`control::score`]).
    pub score: f64,
    /// The deal lines it contacted, sorted.
    pub deal_numbers: Vec<String>,
    /// The evidence counted.
    pub direction: control::Direction,
}

/// The result of [`analyse`].
#[derive(Debug, Clone, Default)]
pub struct Analysis {
    /// Every number seen, sorted by number.
    pub profiles: Vec<Profile>,
    /// Deal-line and personal-phone replacements, by switch time.
    pub replacements: Vec<Replacement>,
    /// Controllers' phones scoring at least [`control::MIN_SCORE`], best first.
    pub controllers: Vec<Controller>,
}

/// Runs the whole analysis over the Parquet folder `dir` (as written by `comms`).
pub fn analyse(dir: &Path, settings: &Settings) -> Result<Analysis> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    let tables = runtime.block_on(async {
        let ctx = plan::session(dir).await?;
        plan::tables(&ctx, settings).await
    })?;
    build(&tables, settings)
}

/// Runs the whole analysis over `dir` with its plans on `engine`: [`Engine::InProcess`] is
/// [`analyse`]; on [`Engine::Cluster`] the same SQL runs on the Ballista cluster (which must
/// see `dir` at the same absolute path) and the rules then run here, so both give the same
/// [`Analysis`].
pub fn analyse_on(dir: &Path, settings: &Settings, engine: &Engine) -> Result<Analysis> {
    match engine {
        Engine::InProcess => analyse(dir, settings),
        Engine::Cluster(url) => build(&cluster::tables(url, dir, settings)?, settings),
    }
}

fn build(tables: &plan::Tables, settings: &Settings) -> Result<Analysis> {
    let mut index: FxHashMap<String, u32> = FxHashMap::default();
    let mut profiles: Vec<Profile> = Vec::new();
    let mut id = |number: &str, profiles: &mut Vec<Profile>| -> u32 {
        if let Some(&i) = index.get(number) {
            return i;
        }
        let i = profiles.len() as u32;
        index.insert(number.to_owned(), i);
        profiles.push(Profile {
            number: number.to_owned(),
            ..Profile::default()
        });
        i
    };
    for b in &tables.out_stats {
        let (numbers, first, last) = (
            plan::strings(b, "number")?,
            plan::ints(b, "first_out")?,
            plan::ints(b, "last_out")?,
        );
        let (n_out, sms_out, contacts_out) = (
            plan::ints(b, "n_out")?,
            plan::ints(b, "sms_out")?,
            plan::ints(b, "contacts_out")?,
        );
        for r in 0..numbers.len() {
            let i = id(&numbers[r], &mut profiles) as usize;
            let p = &mut profiles[i];
            p.first_out = Some(first[r]);
            p.last_out = Some(last[r]);
            p.n_out = n_out[r];
            p.sms_out = sms_out[r];
            p.contacts_out = contacts_out[r];
        }
    }
    for b in &tables.in_stats {
        let numbers = plan::strings(b, "number")?;
        let (n_in, contacts_in, short) = (
            plan::ints(b, "n_in")?,
            plan::ints(b, "contacts_in")?,
            plan::ints(b, "short_callers_in")?,
        );
        for r in 0..numbers.len() {
            let i = id(&numbers[r], &mut profiles) as usize;
            let p = &mut profiles[i];
            p.n_in = n_in[r];
            p.contacts_in = contacts_in[r];
            p.short_callers_in = short[r];
        }
    }
    for b in &tables.bursts {
        let numbers = plan::strings(b, "number")?;
        let (bursts, messages) = (plan::ints(b, "bursts")?, plan::ints(b, "burst_messages")?);
        for r in 0..numbers.len() {
            let i = id(&numbers[r], &mut profiles) as usize;
            let p = &mut profiles[i];
            p.bursts = bursts[r];
            p.burst_messages = messages[r];
        }
    }
    let mut cells: Vec<Vec<String>> = Vec::new();
    for b in &tables.imeis {
        let (numbers, imeis) = (plan::strings(b, "number")?, plan::strings(b, "from_imei")?);
        for r in 0..numbers.len() {
            let i = id(&numbers[r], &mut profiles) as usize;
            profiles[i].imeis.push(imeis[r].clone());
        }
    }
    for b in &tables.cells {
        let (numbers, cell) = (plan::strings(b, "number")?, plan::strings(b, "cell_id")?);
        for r in 0..numbers.len() {
            let i = id(&numbers[r], &mut profiles) as usize;
            if cells.len() <= i {
                cells.resize(i + 1, Vec::new());
            }
            cells[i].push(cell[r].clone());
        }
    }
    // The contact graph: (from, to, sms, calls, first, last).
    let mut edges: Vec<(u32, u32, i64, i64, i64, i64)> = Vec::new();
    for b in &tables.edges {
        let (from, to) = (
            plan::strings(b, "from_number")?,
            plan::strings(b, "to_number")?,
        );
        let (sms, calls) = (plan::ints(b, "sms")?, plan::ints(b, "calls")?);
        let (first, last) = (plan::ints(b, "first_ts")?, plan::ints(b, "last_ts")?);
        for r in 0..from.len() {
            let f = id(&from[r], &mut profiles);
            let t = id(&to[r], &mut profiles);
            edges.push((f, t, sms[r], calls[r], first[r], last[r]));
        }
    }
    cells.resize(profiles.len(), Vec::new());

    // Classes: deal lines from their own behaviour, then the others from how deal lines
    // treat them.
    let deal_scores: Vec<f64> = profiles
        .iter()
        .map(|p| classify::deal_score(p, settings))
        .collect();
    let is_deal: Vec<bool> = deal_scores
        .iter()
        .map(|&s| s >= settings.deal_threshold)
        .collect();
    let mut texts_from_deal = vec![0i64; profiles.len()];
    let mut calls_from_deal = vec![0i64; profiles.len()];
    for &(f, t, sms, calls, _, _) in &edges {
        if is_deal[f as usize] && !is_deal[t as usize] {
            texts_from_deal[t as usize] += sms;
            calls_from_deal[t as usize] += calls;
        }
    }
    for (i, p) in profiles.iter_mut().enumerate() {
        let (class, score) = classify::classify(
            deal_scores[i],
            texts_from_deal[i],
            calls_from_deal[i],
            settings,
        );
        p.class = class;
        p.score = score;
        p.cells = cells[i].len();
    }

    // Replacements among deal lines, and among personal phones.
    let mut activity: Vec<Activity> = profiles
        .iter()
        .zip(cells)
        .map(|(p, cells)| Activity {
            first_out: p.first_out.unwrap_or(i64::MAX / 4),
            last_out: p.last_out.unwrap_or(i64::MIN / 4),
            followed: p.first_out.is_some() && p.class != NumberClass::Customer,
            group: match p.class {
                NumberClass::DealLine => 0,
                NumberClass::Personal => 1,
                NumberClass::Customer => 2,
            },
            contacts: Vec::new(),
            customer: Vec::new(),
            imeis: p.imeis.clone(),
            cells,
        })
        .collect();
    for &(f, t, _, _, first, last) in &edges {
        for (a, b) in [(f, t), (t, f)] {
            let is_customer = profiles[b as usize].class == NumberClass::Customer;
            let entry = &mut activity[a as usize];
            entry.contacts.push((b, first, last));
            entry.customer.push(is_customer);
        }
    }
    let controllers = controllers(&profiles, &edges);
    let pairs = replace::detect(&activity, settings);
    let replacements = pairs
        .into_iter()
        .map(|pair| Replacement {
            old_number: profiles[pair.old as usize].number.clone(),
            new_number: profiles[pair.new as usize].number.clone(),
            switched_at_ms: activity[pair.new as usize].first_out,
            score: pair.score,
            shared_customers: pair.shared_customers,
            old_customers: pair.old_customers,
            same_imei: pair.same_imei,
            class: profiles[pair.old as usize].class,
        })
        .collect();
    profiles.sort_by(|a, b| a.number.cmp(&b.number));
    Ok(Analysis {
        profiles,
        replacements,
        controllers,
    })
}

/// Scores every personal number as a controller's phone from the contact graph
/// `(from, to, sms, calls, first, last)`.
fn controllers(profiles: &[Profile], edges: &[(u32, u32, i64, i64, i64, i64)]) -> Vec<Controller> {
    let class = |i: u32| profiles[i as usize].class;
    // Runners: personal numbers a deal line contacts.
    let mut runner = vec![false; profiles.len()];
    for &(f, t, ..) in edges {
        if class(f) == NumberClass::DealLine && class(t) == NumberClass::Personal {
            runner[t as usize] = true;
        }
    }
    let mut direction = vec![control::Direction::default(); profiles.len()];
    let mut deals: Vec<Vec<u32>> = vec![Vec::new(); profiles.len()];
    for &(f, t, sms, calls, ..) in edges {
        if class(f) != NumberClass::Personal {
            continue;
        }
        let d = &mut direction[f as usize];
        match class(t) {
            NumberClass::DealLine => {
                d.to_deal += sms + calls;
                deals[f as usize].push(t);
            }
            NumberClass::Customer => d.customers += 1,
            NumberClass::Personal if runner[t as usize] => d.runners += 1,
            NumberClass::Personal => {}
        }
    }
    let mut out: Vec<Controller> = direction
        .into_iter()
        .enumerate()
        .filter_map(|(i, mut d)| {
            let mut numbers: Vec<String> = deals[i]
                .iter()
                .map(|&t| profiles[t as usize].number.clone())
                .collect();
            numbers.sort();
            numbers.dedup();
            d.deal_lines = numbers.len() as u32;
            let score = control::score(&d);
            (score >= control::MIN_SCORE).then(|| Controller {
                number: profiles[i].number.clone(),
                score,
                deal_numbers: numbers,
                direction: d,
            })
        })
        .collect();
    out.sort_by(|a, b| b.score.total_cmp(&a.score).then(a.number.cmp(&b.number)));
    out
}
