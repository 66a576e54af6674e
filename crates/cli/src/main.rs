//! The `crossline` binary: parses the command line, opens the store, runs one command and turns
//! the outcome into an exit status (0 success, 1 a return was rejected, 2 usage, 3 failure).
//!
//! Commands live in `commands`, their printing in `render`; errors are `anyhow` here only.

mod args;
mod commands;
mod render;

use std::process::ExitCode;

use clap::Parser;
use commonware_allocator::mimalloc::MiMalloc;

/// mimalloc, tuned as the resolver's scale benchmark measured it best (`resolve::allocator`).
#[global_allocator]
static ALLOCATOR: MiMalloc = MiMalloc::new(resolve::allocator::MIMALLOC);

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
