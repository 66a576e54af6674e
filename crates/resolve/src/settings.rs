//! The resolver's settings with their defaults, and the progress report of a long run.
//!
//! Settings are plain values; reading them from files or the environment is the caller's job.

use std::fmt;

/// How resolution runs. `Settings::default()` documents every default.
#[derive(Debug, Clone, PartialEq)]
pub struct Settings {
    /// Seed of every random choice (the random pairs that estimate u, the sampling of training
    /// pairs), so that a run is reproducible. Default 42.
    pub seed: u64,
    /// Random pairs drawn to estimate u; when there are fewer pairs in all, every pair is used.
    /// Default 1,000,000.
    pub u_sample_pairs: usize,
    /// Most pairs one training session uses (sampled evenly beyond). Default 1,000,000.
    pub max_training_pairs: usize,
    /// Most expectation–maximisation iterations per session. Default 25.
    pub em_max_iterations: usize,
    /// A session stops when no probability moves by more than this. Default 1e-4.
    pub em_tolerance: f64,
    /// Strength of the term-frequency adjustment: 0 off, 1 full (Splink's default). Default 1.
    pub tf_adjustment_weight: f64,
    /// Blocks with more records (profiles) than this are not expanded into pairs, and are
    /// counted in [`crate::Stats`]. Default 400.
    pub max_block_size: usize,
    /// The same cap for the blocks of the broad person rules, which group on little (a name's
    /// sound with a year of birth, a date of birth alone, a line's deal number): past this
    /// size such a block is mostly strangers, and the pairs that matter in it are found through
    /// the narrower rules. Default 50.
    pub max_broad_block_size: usize,
    /// The size past which the block of a refined person rule (a name's sound with a year of
    /// birth; a date of birth alone; a line's deal number or brand with a surname sound or a
    /// year of birth) gives way to its narrower block, which adds the month of birth, an
    /// initial or the forename's sound (see [`crate::persons::blocking`]). Small data and small
    /// lines keep the whole block. Default 8.
    pub refine_block_size: usize,
    /// Match probability a pair must reach to link two clusters. Default 0.9.
    pub match_threshold: f64,
    /// Mean evidence (log2 Bayes factor without the prior, each pair clamped to
    /// `±evidence_clamp`) over all pairs across two clusters needed to merge them: the guard
    /// against chaining. Default 2 (on average the records favour the link 4 to 1).
    pub cluster_evidence: f64,
    /// The most one pair counts, either way, in that mean. Default 10.
    pub evidence_clamp: f64,
    /// Most cross pairs scored for one merge decision (evenly sampled beyond). Default 400.
    pub max_linkage_pairs: usize,
    /// Pairs whose probability lies in `[low, high)` go to review unless a decision covers
    /// them. Default `(0.5, 0.9)`.
    pub review_band: (f64, f64),
    /// Whether two different PNC ids keep records apart. Default true.
    pub pnc_cannot_link: bool,
    /// Whether two references of one force in one return keep records apart (a force does not
    /// knowingly list one person, or one line, twice in a return). Records of one return that
    /// are themselves a confident match are the exception: forces do enter a person twice by
    /// mistake. Default true.
    pub same_return_cannot_link: bool,
    /// Jaro–Winkler similarity of two addresses' first lines (with the same house numbers)
    /// at which two location records at one postcode are one place. Default 0.88.
    pub location_similarity: f64,
}

impl Default for Settings {
    fn default() -> Settings {
        Settings {
            seed: 42,
            u_sample_pairs: 1_000_000,
            max_training_pairs: 1_000_000,
            em_max_iterations: 25,
            em_tolerance: 1e-4,
            tf_adjustment_weight: 1.0,
            max_block_size: 400,
            max_broad_block_size: 50,
            refine_block_size: 8,
            match_threshold: 0.9,
            cluster_evidence: 2.0,
            evidence_clamp: 10.0,
            max_linkage_pairs: 400,
            review_band: (0.5, 0.9),
            pnc_cannot_link: true,
            same_return_cannot_link: true,
            location_similarity: 0.88,
        }
    }
}

/// The stages of a run, in order, for progress reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Stage {
    /// Normalising person records into profiles.
    Profiles,
    /// Estimating u from random pairs.
    EstimateU,
    /// Estimating m by expectation–maximisation.
    Train,
    /// Comparing candidate pairs.
    Compare,
    /// Clustering people.
    Cluster,
    /// Resolving lines.
    Lines,
    /// Resolving places, vehicles and phone numbers.
    Places,
    /// Assigning ids.
    Ids,
}

impl fmt::Display for Stage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Stage::Profiles => "profiles",
            Stage::EstimateU => "estimate u",
            Stage::Train => "train",
            Stage::Compare => "compare",
            Stage::Cluster => "cluster",
            Stage::Lines => "lines",
            Stage::Places => "places",
            Stage::Ids => "ids",
        })
    }
}

/// The progress callback: stage, units done, units in the stage.
pub type Progress<'a> = &'a mut dyn FnMut(Stage, u64, u64);
