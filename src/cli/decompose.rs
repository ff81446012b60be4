//! `couplings decompose`: a matrix file (text or float weights, optionally
//! rounded, split or masked) or `--perm`, decomposed exactly; the layers as
//! text or JSON, the headline figures, `--report`, and `--certificate`.

use super::args::{ModeArg, PadArgs, SplitArgs, StrategyArg, mask_note};
use super::weights::{InputArgs, rounding_text};
use super::{EXIT_INTERNAL, Failure, LONG_RUN_N, decompose_failure, emit};
use clap::{Args, ValueEnum};
use couplings::exact::Matrix;
use couplings::io;
use couplings::{Decomposition, Options, Strategy};
use std::path::{Path, PathBuf};

pub(crate) const HELP: &str = "\
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
  couplings decompose --perm \"3 0 1 2\"     # the permutation e_j -> e_perm[j]
  couplings decompose matrix.txt --pad 4 --format json   # 4 zero coordinates appended";

/// Output format.
#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Format {
    /// Readable text; large blocks are summarised.
    Text,
    /// The JSON layer format, with every entry (input for `couplings check`).
    Json,
}

#[derive(Args, Debug)]
pub(crate) struct DecomposeArgs {
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
    #[arg(long, value_enum, default_value_t = StrategyArg::from(Strategy::default()))]
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
    #[command(flatten)]
    pad: PadArgs,
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

    pub(crate) fn run(self) -> Result<(), Failure> {
        if let Some(pad) = self.pad.get() {
            return self.run_padded(pad);
        }
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
            add_report(&mut rendered, &report, self.format);
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

impl DecomposeArgs {
    /// `--pad K` with `K > 0`: the padded decomposition (docs/padding.md).
    fn run_padded(self, pad: usize) -> Result<(), Failure> {
        let Some(file) = &self.file else {
            return Err(Failure::bad_input(
                "--pad needs a matrix FILE (--perm has no padded construction; write the \
                 permutation matrix to a file)",
            ));
        };
        if self.certificate.is_some() {
            return Err(Failure::bad_input(
                "--certificate does not cover padded decompositions (docs/certificate.md); \
                 verify the JSON output with `couplings check FILE --layers LAYERS.json`",
            ));
        }
        let (input, rounding) = self.input.load(file)?;
        if let Some((r, _)) = &rounding {
            eprint!("{}", rounding_text(r));
        }
        let n = input.rows();
        let split = self.split.resolve_padded(n, pad)?;
        let options = Options {
            mode: self.mode.into(),
            seed: self.seed,
            strategy: self.strategy.into(),
            split,
        };
        let started = std::time::Instant::now();
        let long = n >= LONG_RUN_N;
        if long {
            eprintln!(
                "couplings: decomposing a {n}x{n} matrix exactly with {pad} padded coordinates \
                 ({} strategy); stages follow",
                options.strategy.name()
            );
            couplings::progress::enable();
        }
        let padded = couplings::construct::pad::decompose_padded(&input, pad, &options)
            .map_err(|e| decompose_failure(file, &e))?;
        if long {
            eprintln!(
                "couplings: done in {:.1} s ({} layers, verified exactly)",
                started.elapsed().as_secs_f64(),
                padded.len()
            );
        }
        let mut rendered = match self.format {
            Format::Json => io::padded_to_json(&padded),
            Format::Text => io::padded_to_text(&padded),
        };
        if self.format == Format::Text {
            let f = couplings::analysis::padded_figures(&input, &padded);
            rendered.push_str(&figures_line(&f, "M[:, :n] vs [[T], [0]]"));
        }
        if self.report {
            let report = couplings::analysis::padded_report(&input, &padded).to_text();
            add_report(&mut rendered, &report, self.format);
        }
        emit(&rendered, self.output.as_deref())
    }
}

/// `--report`: appended to text output; on standard error beside JSON (which
/// stays one document).
fn add_report(rendered: &mut String, report: &str, format: Format) {
    match format {
        Format::Text => rendered.push_str(report),
        Format::Json => eprint!("{report}"),
    }
}

/// The headline figures (float64 analysis by nalgebra) appended to text output.
fn figures_text(matrix: &Matrix, decomposition: &Decomposition) -> String {
    let f = couplings::analysis::figures(matrix, decomposition);
    figures_line(&f, "")
}

/// The figures lines; `what` names the compared matrices (empty: the product vs T).
fn figures_line(f: &couplings::analysis::Figures, what: &str) -> String {
    let conds: Vec<String> = f.conditions.iter().map(|c| format!("{c:.3e}")).collect();
    let worst = f.conditions.iter().cloned().fold(1.0, f64::max);
    format!(
        "figures: {} layers, largest entry {} bits, worst layer condition number {worst:.3e} \
         (float64 SVD), float64 product relative error {}{:.3e}\nlayer condition numbers: [{}]\n",
        f.layers,
        f.max_bits,
        if what.is_empty() {
            String::new()
        } else {
            format!("({what}) ")
        },
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
