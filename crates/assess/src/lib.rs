//! Bulk analysis of communications data (`spec/comms-v1.md`): a profile of every number,
//! its class (deal line, personal phone or customer) with a score, and the replacement
//! numbers lines and people move to.
//!
//! [`analyse`] runs the heavy aggregations as Apache DataFusion plans over the Parquet folder
//! kept by `comms::CommsStore` (module `plan`), then applies the pure rules of [`recycle`]
//! (a number reissued to another subscriber is split into epochs, each its own node),
//! [`classify`], [`replace`] and [`control`] to the per-number tables. It creates its own Tokio runtime, so callers
//! stay synchronous. [`analyse_on`] runs the same plans on an Apache DataFusion Ballista
//! cluster instead when given [`Engine::Cluster`] (module `cluster`, cargo feature `cluster`).
//! This crate reads no truth, writes nothing and knows nothing of the relational store or of
//! exports.

pub mod classify;
mod cluster;
pub mod control;
mod plan;
pub mod recycle;
pub mod replace;

use std::path::Path;

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
    /// Shortest silence (seconds originating nothing) after which a number may have been
    /// reissued to another subscriber ([`recycle`]).
    pub recycle_silence_secs: i64,
    /// Highest rarity-weighted share of contacts the subscribers before and after such a
    /// silence may have in common for the number to count as reissued.
    pub recycle_max_shared: f64,
    /// Fewest distinct numbers each subscriber must have contacted for a reissue to be
    /// judged at all.
    pub recycle_min_contacts: u32,
    /// Whether a reissue needs handsets (IMEIs) seen on both sides of the silence (none in
    /// common). Turn off for data that carry no IMEIs; the contacts then decide alone.
    pub recycle_needs_handsets: bool,
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
            recycle_silence_secs: 60 * 86_400,
            recycle_max_shared: 0.2,
            recycle_min_contacts: 3,
            recycle_needs_handsets: true,
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

/// Everything measured of one number, or of one subscriber's epoch of a recycled number.
#[derive(Debug, Clone, Default)]
pub struct Profile {
    /// The number, E.164.
    pub number: String,
    /// Which subscriber of the number this is: 0 for the first seen, 1 after the first
    /// reissue ([`Recycled`]), and so on. Almost always 0.
    pub epoch: u32,
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

/// A number reissued to another subscriber after a silence ([`recycle`]): its records before
/// and after are two phones, profiled and followed apart.
#[derive(Debug, Clone, PartialEq)]
pub struct Recycled {
    /// The number, E.164.
    pub number: String,
    /// The epoch (profile) that starts here: 1 for the first reissue.
    pub epoch: u32,
    /// The earlier subscriber's last originated record (epoch ms).
    pub silent_from_ms: i64,
    /// The later subscriber's first originated record (epoch ms).
    pub reissued_at_ms: i64,
    /// Rarity-weighted share of contacts the two subscribers have in common, `[0, 1]`.
    pub shared_contacts: f64,
}

/// The result of [`analyse`].
#[derive(Debug, Clone, Default)]
pub struct Analysis {
    /// Every number seen, sorted by number; a recycled number has one profile per
    /// subscriber, by epoch.
    pub profiles: Vec<Profile>,
    /// Deal-line and personal-phone replacements, by switch time.
    pub replacements: Vec<Replacement>,
    /// Controllers' phones scoring at least [`control::MIN_SCORE`], best first.
    pub controllers: Vec<Controller>,
    /// Numbers reissued to another subscriber, by number and epoch.
    pub recycled: Vec<Recycled>,
}

/// Runs the whole analysis over the Parquet folder `dir` (as written by `comms`).
pub fn analyse(dir: &Path, settings: &Settings) -> Result<Analysis> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(cores())
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

/// The number of cores the analysis uses: the runtime's worker threads and DataFusion's
/// partitions.
pub(crate) fn cores() -> usize {
    std::thread::available_parallelism().map_or(2, |n| n.get())
}

/// Items grouped by a key `0..n` in compressed rows: `items[offsets[k]..offsets[k + 1]]`.
struct Grouped<T> {
    offsets: Vec<u32>,
    items: Vec<T>,
}

impl<T: Copy + Default> Grouped<T> {
    fn new<I: Iterator<Item = (u32, T)>>(n: usize, all: impl Fn() -> I) -> Grouped<T> {
        let mut offsets = vec![0u32; n + 1];
        for (k, _) in all() {
            offsets[k as usize + 1] += 1;
        }
        for k in 1..=n {
            offsets[k] += offsets[k - 1];
        }
        let mut fill = offsets.clone();
        let mut items = vec![T::default(); offsets[n] as usize];
        for (k, item) in all() {
            items[fill[k as usize] as usize] = item;
            fill[k as usize] += 1;
        }
        Grouped { offsets, items }
    }

    fn of(&self, k: u32) -> &[T] {
        &self.items[self.offsets[k as usize] as usize..self.offsets[k as usize + 1] as usize]
    }
}

/// Numbers split into epochs (`recycle`): node `number + offsets[number] + k` is the k-th
/// epoch of `number`, so a number never reissued is one node.
struct Epochs {
    offsets: Vec<u32>,
    splits: Vec<recycle::Split>,
}

impl Epochs {
    fn splits_of(&self, number: u32) -> &[recycle::Split] {
        &self.splits
            [self.offsets[number as usize] as usize..self.offsets[number as usize + 1] as usize]
    }

    /// The node of `number` at time `at` (a moment in the silence before a reissue still
    /// belongs to the earlier subscriber).
    fn node(&self, number: u32, at: i64) -> u32 {
        let epoch = self
            .splits_of(number)
            .iter()
            .take_while(|s| s.reissued_at <= at)
            .count() as u32;
        number + self.offsets[number as usize] + epoch
    }

    fn nodes(&self) -> usize {
        self.offsets.len() - 1 + self.splits.len()
    }
}

fn build(tables: &plan::Tables, settings: &Settings) -> Result<Analysis> {
    let numbers = tables.numbers.len();
    let edges = &tables.edges;

    // Recycled numbers: each number's history split into epochs, one node per epoch.
    let mut df = vec![0u32; numbers];
    for e in edges {
        df[e.from as usize] += 1;
        df[e.to as usize] += 1;
    }
    let weights: Vec<f64> = df
        .iter()
        .map(|&d| 1.0 / (1.0 + f64::from(d.max(1)).ln()))
        .collect();
    drop(df);
    let out = Grouped::new(numbers, || {
        edges.iter().map(|e| (e.from, (e.to, e.first, e.last)))
    });
    let handsets = Grouped::new(numbers, || {
        tables
            .uses
            .iter()
            .filter(|u| u.imei != plan::NONE)
            .map(|u| (u.number, (u.imei, u.first, u.last)))
    });
    let mut busy = vec![tables.activity; numbers];
    for u in &tables.uses {
        for (word, used) in busy[u.number as usize].words.iter_mut().zip(u.words) {
            *word |= used;
        }
    }
    let mut epochs = Epochs {
        offsets: Vec::with_capacity(numbers + 1),
        splits: Vec::new(),
    };
    epochs.offsets.push(0);
    for number in 0..numbers as u32 {
        let spans = out.of(number);
        let (first, last) = spans
            .iter()
            .fold((i64::MAX, i64::MIN), |(f, l), s| (f.min(s.1), l.max(s.2)));
        if last.saturating_sub(first) >= settings.recycle_silence_secs * 1000 {
            let activity = &busy[number as usize];
            let found = recycle::splits(activity, spans, handsets.of(number), &weights, settings);
            epochs.splits.extend(found);
        }
        epochs.offsets.push(epochs.splits.len() as u32);
    }
    drop((out, handsets, weights, busy));
    let nodes = epochs.nodes();
    let mut node_number = vec![0u32; nodes];
    let mut node_epoch = vec![0u32; nodes];
    // The latest record each node may own as originator, and as receiver: a node's records
    // stop at its silence (originated) or at the reissue (received).
    let mut out_cap = vec![i64::MAX; nodes];
    let mut in_cap = vec![i64::MAX; nodes];
    for number in 0..numbers as u32 {
        let base = epochs.node(number, i64::MIN);
        let splits = epochs.splits_of(number);
        for k in 0..=splits.len() {
            let node = base as usize + k;
            node_number[node] = number;
            node_epoch[node] = k as u32;
            if let Some(split) = splits.get(k) {
                out_cap[node] = split.silent_from;
                in_cap[node] = split.reissued_at - 1;
            }
        }
    }
    // Each edge goes to the epochs its first record falls in.
    let node_edges: std::borrow::Cow<[plan::Edge]> = if epochs.splits.is_empty() {
        std::borrow::Cow::Borrowed(edges.as_slice())
    } else {
        edges
            .iter()
            .map(|e| {
                let (from, to) = (epochs.node(e.from, e.first), epochs.node(e.to, e.first));
                let last = e.last.min(out_cap[from as usize]).min(in_cap[to as usize]);
                plan::Edge {
                    from,
                    to,
                    last: last.max(e.first),
                    ..*e
                }
            })
            .collect()
    };
    let edges = &*node_edges;

    // Profiles: activity and contacts summed over the edges; bursts, handsets and cells.
    let mut profiles: Vec<Profile> = (0..nodes)
        .map(|node| Profile {
            number: format!("+{}", tables.numbers[node_number[node] as usize]),
            epoch: node_epoch[node],
            ..Profile::default()
        })
        .collect();
    for e in edges {
        let p = &mut profiles[e.from as usize];
        p.first_out = Some(p.first_out.map_or(e.first, |f| f.min(e.first)));
        p.last_out = Some(p.last_out.map_or(e.last, |l| l.max(e.last)));
        p.n_out += i64::from(e.n);
        p.sms_out += i64::from(e.sms);
        p.contacts_out += 1;
        let p = &mut profiles[e.to as usize];
        p.n_in += i64::from(e.n);
        p.contacts_in += 1;
        p.short_callers_in += i64::from(e.short_calls > 0);
    }
    for b in &tables.bursts {
        let p = &mut profiles[epochs.node(b.number, b.slot_ms) as usize];
        p.bursts += 1;
        p.burst_messages += i64::from(b.recipients);
    }
    let mut imeis: Vec<Vec<u32>> = vec![Vec::new(); nodes];
    let mut cells: Vec<Vec<u32>> = vec![Vec::new(); nodes];
    for u in &tables.uses {
        let node = epochs.node(u.number, u.first) as usize;
        if u.imei != plan::NONE {
            imeis[node].push(u.imei);
        }
        if u.cell != plan::NONE {
            cells[node].push(u.cell);
        }
    }
    for (node, p) in profiles.iter_mut().enumerate() {
        for list in [&mut imeis[node], &mut cells[node]] {
            list.sort_unstable();
            list.dedup();
        }
        p.imeis = imeis[node]
            .iter()
            .map(|&i| tables.imeis[i as usize].clone())
            .collect();
        p.imeis.sort();
        p.cells = cells[node].len();
    }

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
    let mut texts_from_deal = vec![0i64; nodes];
    let mut calls_from_deal = vec![0i64; nodes];
    for e in edges {
        if is_deal[e.from as usize] && !is_deal[e.to as usize] {
            texts_from_deal[e.to as usize] += i64::from(e.sms);
            calls_from_deal[e.to as usize] += i64::from(e.n - e.sms);
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
    }

    // Replacements among deal lines, and among personal phones.
    let mut activity: Vec<Activity> = profiles
        .iter()
        .zip(imeis.into_iter().zip(cells))
        .enumerate()
        .map(|(node, (p, (imeis, cells)))| Activity {
            first_out: p.first_out.unwrap_or(i64::MAX / 4),
            last_out: p.last_out.unwrap_or(i64::MIN / 4),
            followed: p.first_out.is_some() && p.class != NumberClass::Customer,
            group: match p.class {
                NumberClass::DealLine => 0,
                NumberClass::Personal => 1,
                NumberClass::Customer => 2,
            },
            number: node_number[node],
            contacts: Vec::with_capacity((p.contacts_out + p.contacts_in) as usize),
            customer: Vec::with_capacity((p.contacts_out + p.contacts_in) as usize),
            imeis,
            cells,
        })
        .collect();
    for e in edges {
        for (a, b) in [(e.from, e.to), (e.to, e.from)] {
            let is_customer = profiles[b as usize].class == NumberClass::Customer;
            let entry = &mut activity[a as usize];
            entry.contacts.push((b, e.first, e.last));
            entry.customer.push(is_customer);
        }
    }
    let controllers = controllers(&profiles, edges);
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
    drop(activity);
    let mut recycled = Vec::new();
    for number in 0..numbers as u32 {
        let base = epochs.node(number, i64::MIN) as usize;
        for (k, split) in epochs.splits_of(number).iter().enumerate() {
            recycled.push(Recycled {
                number: profiles[base].number.clone(),
                epoch: k as u32 + 1,
                silent_from_ms: split.silent_from,
                reissued_at_ms: split.reissued_at,
                shared_contacts: split.shared,
            });
        }
    }
    recycled.sort_by(|a, b| a.number.cmp(&b.number).then(a.epoch.cmp(&b.epoch)));
    profiles.sort_by(|a, b| a.number.cmp(&b.number).then(a.epoch.cmp(&b.epoch)));
    Ok(Analysis {
        profiles,
        replacements,
        controllers,
        recycled,
    })
}

/// Scores every personal number as a controller's phone from the contact graph.
fn controllers(profiles: &[Profile], edges: &[plan::Edge]) -> Vec<Controller> {
    let class = |i: u32| profiles[i as usize].class;
    // Runners: personal numbers a deal line contacts.
    let mut runner = vec![false; profiles.len()];
    for e in edges {
        if class(e.from) == NumberClass::DealLine && class(e.to) == NumberClass::Personal {
            runner[e.to as usize] = true;
        }
    }
    let mut direction = vec![control::Direction::default(); profiles.len()];
    let mut deals: Vec<Vec<u32>> = vec![Vec::new(); profiles.len()];
    for e in edges {
        if class(e.from) != NumberClass::Personal {
            continue;
        }
        let d = &mut direction[e.from as usize];
        match class(e.to) {
            NumberClass::DealLine => {
                d.to_deal += i64::from(e.n);
                deals[e.from as usize].push(e.to);
            }
            NumberClass::Customer => d.customers += 1,
            NumberClass::Personal if runner[e.to as usize] => d.runners += 1,
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
