//! The `couplings` command-line tool: argument parsing (clap), exit codes and
//! error messages. It is deliberately thin: reading and writing formats lives in
//! `couplings::io`, the work in `couplings::construct` and `couplings::check`.
//!
//! To add a subcommand: add a variant to [`Command`] holding its own `Args`
//! struct, give that struct a `run(self) -> Result<(), Failure>` method, and add
//! the arm to [`Command::run`].

use clap::{Args, Parser, Subcommand, ValueEnum};
use couplings::exact::{Matrix, fmt_q};
use couplings::io::{self, JsonError, ParseError};
use couplings::{DecomposeError, Decomposition, Mode, Options};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Exit code for a failed `check` (the layers do not represent the target).
const EXIT_CHECK_FAILED: u8 = 1;
/// Exit code for bad input or usage (unreadable files, parse errors, matrices
/// that cannot be decomposed).
const EXIT_BAD_INPUT: u8 = 2;
/// Exit code for an internal error (a bug: never expected).
const EXIT_INTERNAL: u8 = 3;

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

const DECOMPOSE_HELP: &str = "\
Matrix file format: one row per line; entries separated by spaces and/or commas;
each entry an integer (-12), a fraction (3/4) or a decimal (-1.25, 3e-2), all
read exactly; '#' starts a comment; blank lines are ignored. Use '-' for stdin.

Examples:
  couplings decompose matrix.txt
  couplings decompose matrix.txt --mode positive --format json --output layers.json
  printf '0 -1\\n1 0\\n' | couplings decompose -";

const CHECK_HELP: &str = "\
Exits 0 and prints 'ok: K layers, product equals the target' when the layers are
well formed and multiply to the matrix exactly; otherwise exits 1 and prints the
first defect found (a witness) to stderr. Bad input exits 2.

Examples:
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
    #[command(after_help = DECOMPOSE_HELP)]
    Decompose(DecomposeArgs),
    /// Re-verify a JSON decomposition against a matrix, independently of how it was made.
    #[command(after_help = CHECK_HELP)]
    Check(CheckArgs),
}

impl Command {
    fn run(self) -> Result<(), Failure> {
        match self {
            Command::Decompose(args) => args.run(),
            Command::Check(args) => args.run(),
        }
    }
}

/// Scale sign convention.
#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
enum ModeArg {
    /// Scales may be any nonzero rational.
    Signed,
    /// Every scale is > 0 (what exp-parametrised flows can load); needs det > 0.
    Positive,
}

impl From<ModeArg> for Mode {
    fn from(m: ModeArg) -> Mode {
        match m {
            ModeArg::Signed => Mode::Signed,
            ModeArg::Positive => Mode::Positive,
        }
    }
}

/// Output format.
#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
enum Format {
    /// Readable text; large blocks are summarised.
    Text,
    /// The JSON layer format, with every entry (input for `couplings check`).
    Json,
}

#[derive(Args, Debug)]
struct DecomposeArgs {
    /// Matrix file (text format, see below); '-' reads standard input.
    #[arg(value_name = "FILE")]
    file: PathBuf,
    /// Signed or positive scales.
    #[arg(long, value_enum, default_value_t = ModeArg::Signed)]
    mode: ModeArg,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
    /// Seed for randomised choices (the output is reproducible for a given seed).
    #[arg(long, value_name = "N", default_value_t = Options::default().seed)]
    seed: u64,
    /// Write the result to PATH instead of standard output.
    #[arg(long, short, value_name = "PATH")]
    output: Option<PathBuf>,
}

impl DecomposeArgs {
    fn run(self) -> Result<(), Failure> {
        let matrix = load_matrix(&self.file)?;
        let options = Options {
            mode: self.mode.into(),
            seed: self.seed,
        };
        let decomposition = couplings::decompose_with(&matrix, &options)
            .map_err(|e| decompose_failure(&self.file, &e))?;
        let rendered = render(&decomposition, self.format);
        emit(&rendered, self.output.as_deref())
    }
}

#[derive(Args, Debug)]
struct CheckArgs {
    /// Target matrix file (text format); '-' reads standard input.
    #[arg(value_name = "FILE")]
    file: PathBuf,
    /// Decomposition in the JSON layer format (as written by `decompose --format json`).
    #[arg(long, value_name = "LAYERS.json")]
    layers: PathBuf,
}

impl CheckArgs {
    fn run(self) -> Result<(), Failure> {
        if is_stdin(&self.file) && is_stdin(&self.layers) {
            return Err(Failure::bad_input(
                "FILE and --layers cannot both be '-' (standard input can be read only once)",
            ));
        }
        let target = load_matrix(&self.file)?;
        let decomposition = load_layers(&self.layers)?;
        match couplings::check(&target, &decomposition) {
            Ok(_) => {
                let k = decomposition.layers.len();
                let split = decomposition.split;
                emit(
                    &format!(
                        "ok: {k} {}, product equals the target (n = {}, split ({}, {}), {} mode)\n",
                        if k == 1 { "layer" } else { "layers" },
                        split.n(),
                        split.first,
                        split.second,
                        decomposition.mode.name()
                    ),
                    None,
                )
            }
            Err(witness) => Err(Failure {
                code: EXIT_CHECK_FAILED,
                message: format!("check failed: {witness}"),
            }),
        }
    }
}

/// Why a run failed: the exit code and the message for standard error.
#[derive(Debug)]
struct Failure {
    code: u8,
    message: String,
}

impl Failure {
    fn bad_input(message: impl Into<String>) -> Failure {
        Failure {
            code: EXIT_BAD_INPUT,
            message: message.into(),
        }
    }
}

fn is_stdin(path: &Path) -> bool {
    path.as_os_str() == "-"
}

fn path_name(path: &Path) -> String {
    if is_stdin(path) {
        "<stdin>".to_string()
    } else {
        path.display().to_string()
    }
}

fn load_matrix(path: &Path) -> Result<Matrix, Failure> {
    io::read_matrix(path).map_err(|e| match e {
        ParseError::Io { .. } => Failure::bad_input(e.to_string()),
        _ => Failure::bad_input(format!("{}: {e}", path_name(path))),
    })
}

fn load_layers(path: &Path) -> Result<Decomposition, Failure> {
    io::read_decomposition(path).map_err(|e| match e {
        JsonError::Io { .. } => Failure::bad_input(e.to_string()),
        _ => Failure::bad_input(format!("{}: {e}", path_name(path))),
    })
}

/// A message for every way `decompose` can refuse a matrix.
fn decompose_failure(path: &Path, error: &DecomposeError) -> Failure {
    let name = path_name(path);
    match error {
        DecomposeError::Empty => Failure::bad_input(format!(
            "{name}: the matrix has no entries; there is nothing to decompose"
        )),
        DecomposeError::NotSquare { rows, cols } => Failure::bad_input(format!(
            "{name}: the matrix is {rows}x{cols}, but only square matrices can be decomposed \
             (every product of coupling layers is square and invertible)"
        )),
        DecomposeError::UnsupportedSplit { n, reason } => Failure::bad_input(format!(
            "{name}: cannot decompose this {n}x{n} matrix: {reason}"
        )),
        DecomposeError::Singular { kernel } => {
            let x: Vec<String> = kernel.iter().map(fmt_q).collect();
            Failure::bad_input(format!(
                "{name}: the matrix T is singular, so it is not a product of invertible \
                 coupling layers; evidence (the kernel): T x = 0 for x = [{}]",
                x.join(", ")
            ))
        }
        DecomposeError::NonPositiveDeterminant { det } => Failure::bad_input(format!(
            "{name}: positive mode needs det T > 0, but det T = {}. Every layer with \
             positive scales has det > 0 (its determinant is the product of its scales), so \
             any product of such layers has det > 0 too, and no positive-mode decomposition \
             exists. Use --mode signed to allow negative scales.",
            fmt_q(det)
        )),
        DecomposeError::Internal(message) => Failure {
            code: EXIT_INTERNAL,
            message: format!(
                "{name}: internal error (a bug; please report it with the input): {message}"
            ),
        },
    }
}

fn render(decomposition: &Decomposition, format: Format) -> String {
    match format {
        Format::Text => io::decomposition_to_text(decomposition),
        Format::Json => io::decomposition_to_json(decomposition),
    }
}

/// Writes `text` to `output`, or to standard output when `None`. A closed pipe
/// on standard output (`couplings ... | head`) ends the run quietly.
fn emit(text: &str, output: Option<&Path>) -> Result<(), Failure> {
    match output {
        Some(path) => std::fs::write(path, text)
            .map_err(|e| Failure::bad_input(format!("cannot write {}: {e}", path.display()))),
        None => {
            let mut stdout = std::io::stdout().lock();
            match stdout
                .write_all(text.as_bytes())
                .and_then(|()| stdout.flush())
            {
                Ok(()) => Ok(()),
                Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
                Err(e) => Err(Failure::bad_input(format!(
                    "cannot write to standard output: {e}"
                ))),
            }
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
