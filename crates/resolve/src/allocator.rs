//! The allocator settings the resolver and the importer are measured with. The `crossline`
//! binary and the resolve examples (the scale benchmark's among them) install mimalloc with
//! [`MIMALLOC`], so the benchmark measures the allocator users run, tuned the same way.
//!
//! The resolver and the importer make and drop millions of small values (names, keys, rows);
//! mimalloc serves them markedly faster than the system allocator (measured by the resolver's
//! scale benchmark). `commonware-allocator` applies mimalloc's options from here rather than
//! from the environment.

use std::time::Duration;

use commonware_allocator::mimalloc::{Config, Purge};

/// mimalloc's settings: freed memory is kept for two minutes before it goes back to the
/// operating system, so every stage of an analysis reuses the pages the stages before freed
/// instead of faulting in fresh ones (with mimalloc's default of four seconds, a
/// million-record resolution gave pages back mid-run and faulted 36,000 of them in again, 2.5%
/// of its time, measured), while a long-running server still hands back what an analysis
/// freed. Transparent huge pages stay off (slower here, measured).
pub const MIMALLOC: Config = Config {
    transparent_huge_pages: false,
    purge: Purge::After(Duration::from_secs(120)),
    ..Config::DEFAULT
};
