//! `hallvote`, the operator binary: thin dispatch into the crates.
//!
//! Its subcommands (count, serve, desk, booth, scrutineer, demo) arrive with the
//! crates that implement them; for now it only names itself.

use clap::Parser;

/// hallvote: secure electronic voting for assemblies that meet in one hall.
#[derive(Parser)]
#[command(name = "hallvote", version, about)]
struct Cli {}

fn main() {
    let _ = Cli::parse();
    println!("hallvote {}: no subcommands yet; see README.md", env!("CARGO_PKG_VERSION"));
}
