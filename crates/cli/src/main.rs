//! The `crossline` binary: parses the command line, opens the store, runs one command and turns
//! the outcome into an exit status (0 success, 1 a return was rejected, 2 usage, 3 failure).
//!
//! Commands live in `commands`, their printing in `render`; errors are `anyhow` here only.

mod args;
mod commands;
mod render;

use std::process::ExitCode;
use std::time::Duration;

use clap::Parser;
use commonware_allocator::mimalloc::{Config, MiMalloc, Purge};

/// The resolver and the importer make and drop millions of small values (names, keys, rows);
/// mimalloc serves them markedly faster than the system allocator (measured by the resolver's
/// scale benchmark). It is set up through `commonware-allocator`, which applies mimalloc's
/// options from here rather than from the environment: freed memory is kept for two minutes
/// before it goes back to the operating system, so every stage of an analysis reuses the pages
/// the stages before freed instead of faulting in fresh ones (with mimalloc's default of four
/// seconds, a million-record resolution gave pages back mid-run and faulted 36,000 of them in
/// again, 2.5% of its time, measured), while a long-running server still hands back what an
/// analysis freed. Transparent huge pages stay off (slower here, measured).
#[global_allocator]
static ALLOCATOR: MiMalloc = MiMalloc::new(Config {
    transparent_huge_pages: false,
    purge: Purge::After(Duration::from_secs(120)),
    ..Config::DEFAULT
});

fn main() -> ExitCode {
    let cli = args::Cli::parse();
    match commands::run(cli) {
        Ok(commands::Status::Success) => ExitCode::SUCCESS,
        Ok(commands::Status::Rejected) => ExitCode::from(1),
        Err(error) => {
            eprintln!("error: {error:#}");
            ExitCode::from(3)
        }
    }
}
