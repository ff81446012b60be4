//! The `couplings` command-line tool: parses the command line (clap) and
//! dispatches to the subcommand's room in `cli/` (one file per subcommand: its
//! arguments, its run, its output); prints the failure and sets the exit code.
//! The work lives in the library (`couplings::construct`, `couplings::check`,
//! `couplings::io`, ...).
//!
//! To add a subcommand: a file in `cli/` with its `Args` struct and
//! `run(self) -> Result<(), Failure>`, a variant of [`Command`] holding it, and
//! its arm in [`Command::run`].

mod cli;

use clap::{Parser, Subcommand};
use cli::{EXIT_BAD_INPUT, check, convert, decompose, depth, explain, export, prove};
use std::io::Write;
use std::process::ExitCode;

const ABOUT: &str =
    "Exact decompositions of invertible rational matrices into linear affine coupling layers";

const LONG_ABOUT: &str = "\
Exact decompositions of invertible rational matrices into linear affine coupling
layers (the linear part of RealNVP/Glow couplings). All arithmetic is exact.

Layer order convention (used in all input and output): layers are listed in the
order they act on an input column vector x, the first listed acting first. For
layers L_1, ..., L_K the represented matrix is L_K ... L_1.

With x = (x1, x2) split into a first and a second part, a lower layer keeps x1
and sets x2 <- A x1 + D x2; an upper layer keeps x2 and sets x1 <- E x1 + B x2
(D and E diagonal, the scales).

Exit codes: 0 success, 1 a check failed, 2 bad input or usage, 3 internal error.";

const EXAMPLES: &str = "\
Examples:
  couplings decompose matrix.txt
  couplings decompose matrix.txt --format json --output layers.json
  couplings check matrix.txt --layers layers.json";

#[derive(Parser, Debug)]
#[command(
    name = "couplings",
    version,
    about = ABOUT,
    long_about = LONG_ABOUT,
    after_help = EXAMPLES,
    propagate_version = true
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Decompose a square invertible matrix into coupling layers.
    #[command(after_help = decompose::HELP)]
    Decompose(decompose::DecomposeArgs),
    /// Re-verify a JSON decomposition against a matrix, or a certificate, independently of how it was made.
    #[command(after_help = check::HELP)]
    Check(check::CheckArgs),
    /// Write a Markdown walkthrough of the decomposition of a matrix.
    #[command(after_help = explain::HELP)]
    Explain(explain::ExplainArgs),
    /// Check the lemmas of proof files (the block identities behind the constructions).
    #[command(after_help = prove::HELP)]
    Prove(prove::ProveArgs),
    /// Decide whether a matrix is a product of 0, 1, 2 or 3 layers, else certify ">= 4".
    #[command(after_help = depth::HELP)]
    Depth(depth::DepthArgs),
    /// Decompose a weight (.npy, .safetensors or text) exactly and write the layers as float tensors (safetensors).
    #[command(after_help = export::HELP)]
    Export(export::ExportArgs),
    /// Convert every 1x1-convolution weight of a safetensors checkpoint (and normflows LU groups) into coupling layers, one output file.
    #[command(after_help = convert::HELP)]
    Convert(convert::ConvertArgs),
}

impl Command {
    fn run(self) -> Result<(), cli::Failure> {
        match self {
            Command::Decompose(args) => args.run(),
            Command::Check(args) => args.run(),
            Command::Explain(args) => args.run(),
            Command::Prove(args) => args.run(),
            Command::Depth(args) => args.run(),
            Command::Export(args) => args.run(),
            Command::Convert(args) => args.run(),
        }
    }
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            // `--help` and `--version` also arrive here, with exit code 0.
            let _ = e.print();
            return ExitCode::from(u8::try_from(e.exit_code()).unwrap_or(EXIT_BAD_INPUT));
        }
    };
    match cli.command.run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => {
            let _ = writeln!(std::io::stderr(), "error: {}", failure.message);
            ExitCode::from(failure.code)
        }
    }
}
