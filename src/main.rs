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
use couplings::mask::Mask;
use couplings::{DecomposeError, Decomposition, Mode, Options, Split};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

mod glow_cli;
use glow_cli::{EXPORT_HELP, ExportArgs, InputArgs, rounding_text};

/// From this dimension on, `decompose` reports on standard error that it started
/// and how long it took.
const LONG_RUN_N: usize = 32;

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
Float weights: .npy or .safetensors (--tensor NAME), shape (c, c) or (c, c, 1, 1),
each float read as the exact rational it denotes; --round D rounds first.

Examples:
  couplings decompose matrix.txt
  couplings decompose examples/glow_lu_8.npy --round 2
  couplings decompose matrix.txt --mode positive --format json --output layers.json
  printf '0 -1\\n1 0\\n' | couplings decompose -
  couplings decompose --perm \"3 0 1 2\"     # the permutation e_j -> e_perm[j]";

const CHECK_HELP: &str = "\
Exits 0 and prints 'ok: K layers, product equals the target' when the layers are
well formed and multiply to the matrix exactly; otherwise exits 1 and prints the
first defect found (a witness) to stderr. Bad input exits 2.

Examples:
  couplings decompose matrix.txt --format json --output layers.json
  couplings check matrix.txt --layers layers.json
  couplings decompose matrix.txt --certificate matrix.cert
  couplings check matrix.cert     # a certificate: errors name the line";

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
    /// Re-verify a JSON decomposition against a matrix, or a certificate, independently of how it was made.
    #[command(after_help = CHECK_HELP)]
    Check(CheckArgs),
    /// Write a Markdown walkthrough of the decomposition of a matrix.
    #[command(after_help = EXPLAIN_HELP)]
    Explain(ExplainArgs),
    /// Check the lemmas of proof files (the block identities behind the constructions).
    #[command(after_help = PROVE_HELP)]
    Prove(ProveArgs),
    /// Decide whether a matrix is a product of 0, 1, 2 or 3 layers, else certify ">= 4".
    #[command(after_help = DEPTH_HELP)]
    Depth(DepthArgs),
    /// Decompose a weight (.npy, .safetensors or text) exactly and write the layers as float tensors (safetensors).
    #[command(after_help = EXPORT_HELP)]
    Export(ExportArgs),
}

impl Command {
    fn run(self) -> Result<(), Failure> {
        match self {
            Command::Decompose(args) => args.run(),
            Command::Check(args) => args.run(),
            Command::Explain(args) => args.run(),
            Command::Prove(args) => args.run(),
            Command::Depth(args) => args.run(),
            Command::Export(args) => args.run(),
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

/// Construction strategy.
#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
enum StrategyArg {
    /// Fewest layers (5 for generic inputs, at most 7 signed / 9 positive).
    Shallow,
    /// Small entries, close to the bit size of the inverse; more layers.
    Balanced,
    /// Small floating-point condition numbers per layer; more layers.
    Conditioned,
}

impl From<StrategyArg> for couplings::Strategy {
    fn from(s: StrategyArg) -> couplings::Strategy {
        match s {
            StrategyArg::Shallow => couplings::Strategy::Shallow,
            StrategyArg::Balanced => couplings::Strategy::Balanced,
            StrategyArg::Conditioned => couplings::Strategy::Conditioned,
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
    /// Matrix file (text format, see below; or a .npy/.safetensors float weight,
    /// read exactly); '-' reads standard input. Not needed with --perm.
    #[arg(
        value_name = "FILE",
        required_unless_present = "perm",
        conflicts_with = "perm"
    )]
    file: Option<PathBuf>,
    /// Decompose the permutation matrix with column j equal to e_{perm[j]}: the
    /// 0-based images, e.g. "3 0 1 2" (spaces or commas).
    #[arg(long, value_name = "IMAGES")]
    perm: Option<String>,
    /// With --perm: routed (small entries |p| <= 2, q <= 2, at most 12 layers)
    /// or generic (the shallow search: fewer layers, large entries).
    #[arg(long, value_enum, default_value_t = PermConstructionArg::Routed, requires = "perm")]
    perm_construction: PermConstructionArg,
    /// Signed or positive scales.
    #[arg(long, value_enum, default_value_t = ModeArg::Signed)]
    mode: ModeArg,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
    /// Seed for randomised choices (the output is reproducible for a given seed).
    #[arg(long, value_name = "N", default_value_t = Options::default().seed)]
    seed: u64,
    /// Construction: fewest layers (shallow), small entries (balanced) or small
    /// condition numbers (conditioned).
    #[arg(long, value_enum, default_value_t = StrategyArg::Shallow)]
    strategy: StrategyArg,
    /// Write the result to PATH instead of standard output.
    #[arg(long, short, value_name = "PATH")]
    output: Option<PathBuf>,
    /// Also write a certificate (target, layers, intermediate products; see
    /// docs/certificate.md) to OUT; verify it with `couplings check OUT`.
    #[arg(long, value_name = "OUT")]
    certificate: Option<PathBuf>,
    #[command(flatten)]
    input: InputArgs,
    #[command(flatten)]
    split: SplitArgs,
    /// Add the conditioning report: per layer the kind, float64 condition
    /// number, largest |entry| and entry bits; for the chain the float64 product
    /// error (appended to text output; on standard error with --format json).
    #[arg(long)]
    report: bool,
}

/// Construction for `--perm`.
#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
enum PermConstructionArg {
    /// Small entries (|p| <= 2, q <= 2), at most 12 layers (docs/permutations.md).
    Routed,
    /// The generic shallow search (at most 7 signed / 9 positive layers, large entries).
    Generic,
}

impl DecomposeArgs {
    /// `--perm`: parse, decompose with the permutation construction, and return
    /// the target matrix with the result.
    fn decompose_perm(&self, text: &str) -> Result<(Matrix, Decomposition), Failure> {
        use couplings::construct::permutation::{
            PermutationConstruction, PermutationOptions, parse_permutation, permutation_matrix,
        };
        let perm =
            parse_permutation(text).map_err(|e| Failure::bad_input(format!("--perm: {e}")))?;
        let options = PermutationOptions {
            mode: self.mode.into(),
            construction: match self.perm_construction {
                PermConstructionArg::Routed => PermutationConstruction::Routed,
                PermConstructionArg::Generic => PermutationConstruction::Generic,
            },
        };
        let dec = couplings::decompose_permutation_with(&perm, &options).map_err(|e| match e {
            couplings::PermutationError::Internal(_) => Failure {
                code: EXIT_INTERNAL,
                message: format!("--perm: {e} (a bug; please report it with the input)"),
            },
            _ => Failure::bad_input(format!("--perm: {e}")),
        })?;
        Ok((permutation_matrix(&perm), dec))
    }

    fn run(self) -> Result<(), Failure> {
        let (matrix, decomposition, mask) = match (&self.perm, &self.file) {
            (Some(text), _) => {
                let (matrix, decomposition) = self.decompose_perm(text)?;
                (matrix, decomposition, None)
            }
            (None, Some(file)) => {
                let (input, rounding) = self.input.load(file)?;
                if let Some((r, _)) = &rounding {
                    eprint!("{}", rounding_text(r));
                }
                let (split, mask) = self.split.resolve(input.rows())?;
                // A non-contiguous mask: decompose the conjugated target (docs/splits.md, "Masks").
                let matrix = mask
                    .as_ref()
                    .map_or_else(|| input.clone(), |m| m.conjugate(&input));
                let decomposition = self.decompose_file(&matrix, file, split)?;
                (matrix, decomposition, mask)
            }
            (None, None) => return Err(Failure::bad_input("give a matrix FILE or --perm")),
        };
        if let Some(path) = &self.certificate {
            let cert = couplings::certificate::Certificate::with_all_hints(
                matrix.clone(),
                decomposition.clone(),
            );
            emit(&couplings::certificate::to_text(&cert), Some(path))?;
            if mask.is_some() {
                eprintln!("couplings: the certificate is for the reordered target P T P^-1 (mask)");
            }
        }
        let mut rendered = render(&decomposition, self.format);
        if let Some(m) = &mask {
            rendered = match self.format {
                Format::Json => m.add_to_json(&rendered),
                Format::Text => format!("{}{rendered}", mask_note(m)),
            };
        }
        if self.format == Format::Text {
            rendered.push_str(&figures_text(&matrix, &decomposition));
        }
        if self.report {
            let report = couplings::analysis::report(&matrix, &decomposition).to_text();
            match self.format {
                Format::Text => rendered.push_str(&report),
                Format::Json => eprint!("{report}"),
            }
        }
        emit(&rendered, self.output.as_deref())
    }

    fn decompose_file(
        &self,
        matrix: &Matrix,
        file: &Path,
        split: Option<couplings::Split>,
    ) -> Result<Decomposition, Failure> {
        let options = Options {
            mode: self.mode.into(),
            seed: self.seed,
            strategy: self.strategy.into(),
            split,
        };
        let started = std::time::Instant::now();
        let long = matrix.rows() >= LONG_RUN_N;
        if long {
            eprintln!(
                "couplings: decomposing a {}x{} matrix exactly ({} strategy); stages follow",
                matrix.rows(),
                matrix.cols(),
                options.strategy.name()
            );
            couplings::progress::enable();
        }
        let decomposition =
            couplings::decompose_with(matrix, &options).map_err(|e| decompose_failure(file, &e))?;
        if long {
            eprintln!(
                "couplings: done in {:.1} s ({} layers, verified exactly)",
                started.elapsed().as_secs_f64(),
                decomposition.len()
            );
        }
        Ok(decomposition)
    }
}

/// How to split the coordinates (shared by `decompose` and `explain`).
#[derive(Args, Debug)]
struct SplitArgs {
    /// Size P of the first part: the split is (P, n - P); default (floor(n/2), ceil(n/2)).
    #[arg(long = "split", value_name = "P", conflicts_with = "mask")]
    first: Option<usize>,
    /// The coordinates of the first part, e.g. "0 2 5" (0-based, spaces or commas).
    /// A mask other than 0..P is handled by reordering the coordinates
    /// (docs/splits.md, "Masks"); the output then states the mask.
    #[arg(long, value_name = "COORDS")]
    mask: Option<String>,
}

impl SplitArgs {
    /// The split for the options, and the mask when the coordinates are reordered.
    fn resolve(&self, n: usize) -> Result<(Option<Split>, Option<Mask>), Failure> {
        if let Some(p) = self.first {
            return Ok((Some(Split::new(p, n.saturating_sub(p))), None));
        }
        let Some(text) = &self.mask else {
            return Ok((None, None));
        };
        let mask = Mask::parse(n, text).map_err(|e| Failure::bad_input(format!("--mask: {e}")))?;
        let split = Some(mask.split());
        Ok((split, (!mask.is_prefix()).then_some(mask)))
    }
}

/// The line that states a mask in text output.
fn mask_note(mask: &Mask) -> String {
    let order: Vec<String> = mask.order().iter().map(|c| format!("x{c}")).collect();
    format!(
        "mask: first part = coordinates {:?}; the layers act on the reordered vector ({}) and \
         their product is P T P^-1 for that reordering P (docs/splits.md)\n",
        mask.first(),
        order.join(", ")
    )
}

#[derive(Args, Debug)]
struct CheckArgs {
    /// Target matrix file (text format) with --layers; without --layers, a
    /// certificate (docs/certificate.md). '-' reads standard input.
    #[arg(value_name = "FILE|CERT")]
    file: PathBuf,
    /// Decomposition in the JSON layer format (as written by `decompose --format json`).
    #[arg(long, value_name = "LAYERS.json")]
    layers: Option<PathBuf>,
}

impl CheckArgs {
    fn run(self) -> Result<(), Failure> {
        let Some(layers) = self.layers.clone() else {
            return check_certificate(&self.file);
        };
        self.run_layers(&layers)
    }

    fn run_layers(self, layers: &Path) -> Result<(), Failure> {
        if is_stdin(&self.file) && is_stdin(layers) {
            return Err(Failure::bad_input(
                "FILE and --layers cannot both be '-' (standard input can be read only once)",
            ));
        }
        let target = load_matrix(&self.file)?;
        let (decomposition, mask) = load_layers(layers)?;
        // Layers written with a mask represent the reordered target (docs/splits.md).
        let target = match &mask {
            Some(m) if m.n() == target.rows() && target.is_square() => m.conjugate(&target),
            _ => target,
        };
        if target.rows() >= LONG_RUN_N {
            couplings::progress::enable();
            couplings::progress::stage(&format!(
                "checking {} layers against a {}x{} target exactly",
                decomposition.layers.len(),
                target.rows(),
                target.cols()
            ));
        }
        match couplings::check(&target, &decomposition) {
            Ok(_) => {
                let k = decomposition.layers.len();
                let split = decomposition.split;
                emit(
                    &format!(
                        "ok: {k} {}, product equals the target (n = {}, split ({}, {}), {} mode){}\n",
                        if k == 1 { "layer" } else { "layers" },
                        split.n(),
                        split.first,
                        split.second,
                        decomposition.mode.name(),
                        mask.as_ref().map_or_else(String::new, |m| format!(
                            "; mask {:?}: checked against P T P^-1",
                            m.first()
                        ))
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

/// `couplings check CERT`: parse and verify a certificate.
fn check_certificate(path: &Path) -> Result<(), Failure> {
    use couplings::certificate::{ErrorKind, verify_text};
    let text = io::read_text(path).map_err(|message| {
        Failure::bad_input(format!("cannot read {}: {message}", path_name(path)))
    })?;
    match verify_text(&text) {
        Ok(v) => {
            let k = v.layers;
            emit(
                &format!(
                    "ok: certificate verified: {k} {}, product equals the target (n = {}, split ({}, {}), \
                     {} mode), {} {} verified, target sha256 {}\n",
                    if k == 1 { "layer" } else { "layers" },
                    v.n,
                    v.split.first,
                    v.split.second,
                    v.mode.name(),
                    v.hints,
                    if v.hints == 1 { "hint" } else { "hints" },
                    v.target_sha256
                ),
                None,
            )
        }
        Err(e) => Err(match e.kind {
            ErrorKind::Malformed => Failure::bad_input(format!("{}: {e}", path_name(path))),
            ErrorKind::Rejected => Failure {
                code: EXIT_CHECK_FAILED,
                message: format!("check failed: {}: {e}", path_name(path)),
            },
        }),
    }
}

const EXPLAIN_HELP: &str = "\
Writes Markdown (KaTeX-compatible LaTeX) to standard output or --output: each step
of the construction with the lemma in proofs/ that justifies it, the intermediate
matrices (matrices larger than 8x8 are summarised), the claims verified while
writing, then the layers, the independent product check, entry bit sizes and the
float64 condition number of every layer.

Examples:
  couplings explain examples/glow_rotation_8.txt
  couplings explain matrix.txt --mode positive --output walkthrough.md";

#[derive(Args, Debug)]
struct ExplainArgs {
    /// Matrix file (text format); '-' reads standard input.
    #[arg(value_name = "FILE")]
    file: PathBuf,
    /// Signed or positive scales.
    #[arg(long, value_enum, default_value_t = ModeArg::Signed)]
    mode: ModeArg,
    /// Seed for randomised choices.
    #[arg(long, value_name = "N", default_value_t = Options::default().seed)]
    seed: u64,
    /// Construction: shallow, balanced or conditioned (see `decompose --help`).
    #[arg(long, value_enum, default_value_t = StrategyArg::Shallow)]
    strategy: StrategyArg,
    #[command(flatten)]
    split: SplitArgs,
    /// Write the walkthrough to PATH instead of standard output.
    #[arg(long, short, value_name = "PATH")]
    output: Option<PathBuf>,
}

impl ExplainArgs {
    fn run(self) -> Result<(), Failure> {
        let input = load_matrix(&self.file)?;
        let (split, mask) = self.split.resolve(input.rows())?;
        let matrix = mask
            .as_ref()
            .map_or_else(|| input.clone(), |m| m.conjugate(&input));
        let options = Options {
            mode: self.mode.into(),
            seed: self.seed,
            strategy: self.strategy.into(),
            split,
        };
        let mut md = couplings::explain::explain(&matrix, &options, &path_name(&self.file))
            .map_err(|e| decompose_failure(&self.file, &e))?;
        if let Some(m) = &mask {
            md = format!("{}\n{md}", mask_note(m));
        }
        emit(&md, self.output.as_deref())
    }
}

const PROVE_HELP: &str = "\
Reads a proof file, or every *.proof file of a directory (format: docs/proofs.md),
and prints one line per lemma: 'checked NAME (line K)', or 'FAILED  NAME (line K):'
with the first differing word of the two normal forms. Exits 0 when every lemma
checks, 1 when some lemma fails, 2 on a file that cannot be read (syntax errors
are reported with line and column).

Examples:
  couplings prove
  couplings prove proofs/core.proof";

#[derive(Args, Debug)]
struct ProveArgs {
    /// A proof file, or a directory of *.proof files (relative to the current directory).
    #[arg(value_name = "PATH", default_value = "proofs")]
    path: PathBuf,
}

impl ProveArgs {
    fn run(self) -> Result<(), Failure> {
        let results = couplings::proof::check_path(&self.path).map_err(|e| {
            Failure::bad_input(match (&e.file, e.line) {
                // An I/O error carries no position.
                (Some(file), 0) => format!("cannot read {}: {}", file.display(), e.message),
                _ => e.to_string(),
            })
        })?;
        if results.is_empty() {
            return Err(Failure::bad_input(format!(
                "{} holds no *.proof file",
                self.path.display()
            )));
        }
        let mut out = String::new();
        let (mut total, mut failed) = (0, 0);
        for (file, lemmas) in &results {
            for r in lemmas {
                total += 1;
                failed += usize::from(!r.is_checked());
                out += &format!("{}: {}\n", file.display(), couplings::proof::report_line(r));
            }
        }
        emit(&out, None)?;
        if failed > 0 {
            return Err(Failure {
                code: EXIT_CHECK_FAILED,
                message: format!("{failed} of {total} lemmas did not check"),
            });
        }
        Ok(())
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

const DEPTH_HELP: &str = "\
Prints the minimal depth when it is 0, 1, 2 or 3 (with the shape; the layers are
verified exactly), otherwise 'at least 4' with one re-checked witness per shape
(I, U, L, UL, LU, ULU, LUL; docs/lower-bounds.md), and the best upper bound found
by decompose. Exit code 0 when decided, 3 when the answer is unknown.

Examples:
  couplings depth examples/lower_bound_4.txt
  couplings depth matrix.txt --mode positive";

#[derive(Args, Debug)]
struct DepthArgs {
    /// Matrix file (text format); '-' reads standard input.
    #[arg(value_name = "FILE")]
    file: PathBuf,
    /// Signed or positive scales.
    #[arg(long, value_enum, default_value_t = ModeArg::Signed)]
    mode: ModeArg,
}

impl DepthArgs {
    fn run(self) -> Result<(), Failure> {
        let matrix = load_matrix(&self.file)?;
        let report = couplings::depth::minimal_depth(&matrix, self.mode.into())
            .map_err(|e| decompose_failure(&self.file, &e))?;
        if let couplings::depth::Outcome::Unknown { reason } = &report.outcome {
            return Err(Failure {
                code: EXIT_INTERNAL,
                message: format!("depth undecided: {reason}"),
            });
        }
        let mut text = report.to_text(&matrix);
        if let couplings::depth::Outcome::Exact { decomposition, .. } = &report.outcome {
            text.push_str(&io::decomposition_to_text(decomposition));
        }
        emit(&text, None)
    }
}

fn load_matrix(path: &Path) -> Result<Matrix, Failure> {
    load_matrix_as(path, io::InputFormat::Auto, None)
}

/// Loads a matrix from the text format, `.npy` or safetensors (see `glow_cli`).
fn load_matrix_as(
    path: &Path,
    format: io::InputFormat,
    tensor: Option<&str>,
) -> Result<Matrix, Failure> {
    io::load_input(path, format, tensor).map_err(|e| match e {
        io::InputError::Text(ParseError::Io { .. })
        | io::InputError::Tensor(io::TensorError::Io { .. }) => Failure::bad_input(e.to_string()),
        _ => Failure::bad_input(format!("{}: {e}", path_name(path))),
    })
}

fn load_layers(path: &Path) -> Result<(Decomposition, Option<Mask>), Failure> {
    let text = io::read_text(path).map_err(|message| {
        Failure::bad_input(
            JsonError::Io {
                path: path.to_path_buf(),
                message,
            }
            .to_string(),
        )
    })?;
    let dec = io::decomposition_from_json(&text)
        .map_err(|e| Failure::bad_input(format!("{}: {e}", path_name(path))))?;
    let mask = couplings::mask::mask_from_json(&text)
        .map_err(|e| Failure::bad_input(format!("{}: {e}", path_name(path))))?;
    Ok((dec, mask))
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
        DecomposeError::UnsupportedStrategy { .. } => {
            Failure::bad_input(format!("{name}: {error}"))
        }
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

/// The headline figures (float64 analysis by nalgebra) appended to text output.
fn figures_text(matrix: &Matrix, decomposition: &Decomposition) -> String {
    let f = couplings::analysis::figures(matrix, decomposition);
    let conds: Vec<String> = f.conditions.iter().map(|c| format!("{c:.3e}")).collect();
    let worst = f.conditions.iter().cloned().fold(1.0, f64::max);
    format!(
        "figures: {} layers, largest entry {} bits, worst layer condition number {worst:.3e} \
         (float64 SVD), float64 product relative error {:.3e}\nlayer condition numbers: [{}]\n",
        f.layers,
        f.max_bits,
        f.float_error,
        conds.join(", ")
    )
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
