//! `couplings decompose`: a matrix file (text or float weights, optionally
//! rounded, split or masked) or `--perm`, decomposed exactly; the layers as
//! text or JSON, the headline figures, `--report`, and `--certificate`.

use super::args::{MergeArg, ModeArg, PadArgs, SplitArgs, StrategyArg, mask_note};
use super::weights::{InputArgs, rounding_text};
use super::{EXIT_INTERNAL, Failure, LONG_RUN_N, check_outputs, decompose_failure, emit};
use clap::{Args, ValueEnum};
use couplings::construct::MergePolicy;
use couplings::construct::tolerance::{Approximation, approximate};
use couplings::exact::{Matrix, Q, fmt_q, parse_q};
use couplings::io;
use couplings::{Decomposition, Options, Strategy};
use num_traits::{Signed, Zero};
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
  couplings decompose examples/glow_lu_8.npy --tolerance 1e-6 --certificate lu8.cert
  printf '0 -1\\n1 0\\n' | couplings decompose -
  couplings decompose --perm \"3 0 1 2\"     # the permutation e_j -> e_perm[j]
  couplings decompose --perm \"1 2 3 0\" --perm-gather   # y = x[:, perm]: the same matrix
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
    /// 0-based images, e.g. "3 0 1 2" (spaces or commas). This is the images
    /// convention (e_j -> e_{perm[j]}); for flow code's `x[:, perm]`, add
    /// --perm-gather.
    #[arg(long, value_name = "IMAGES")]
    perm: Option<String>,
    /// With --perm: read the list in flow code's gather convention, as in
    /// `y = x[:, perm]` (output i is input perm[i]), instead of the images
    /// convention; this decomposes the inverse permutation of the images
    /// reading.
    #[arg(long, requires = "perm")]
    perm_gather: bool,
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
    /// Seed for randomised choices (the output is reproducible for a given seed;
    /// default 24301). With --perm only for --perm-construction generic.
    #[arg(long, value_name = "N")]
    seed: Option<u64>,
    /// Construction: auto (the default: compact for even n >= 64 with the
    /// half/half split, else shallow), fewest layers (shallow), small entries
    /// (balanced), small condition numbers (conditioned) or few layers with small
    /// entries (compact). Not with --perm
    /// (see --perm-construction).
    #[arg(long, value_enum)]
    strategy: Option<StrategyArg>,
    /// Compact strategy only: merge layers fully (fewest layers), capped (entries
    /// within 4x the inverse's bits) or none (smallest entries).
    #[arg(long, value_enum, default_value_t = MergeArg::from(MergePolicy::default()))]
    merge: MergeArg,
    /// Write the result to PATH instead of standard output (`-` is standard
    /// output; a PATH naming an input file is refused).
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
    /// Certified approximation instead of an exact decomposition: ten
    /// well-conditioned layers (an ill-conditioned W is split into up to four
    /// factors, ten layers each, so that every layer stays below condition
    /// number 1e3), every entry a float32 value (float64 when EPS
    /// is below 5e-7 or float32 misses it; the output says which), whose exact
    /// product P satisfies ||P - W||_F <= EPS ||W||_F, checked exactly and
    /// reported as a rational and a decimal. 0 (the default) decomposes
    /// exactly. Needs an even n and the half/half split; --strategy and
    /// --seed do not apply (docs/export.md, "Tolerance mode").
    #[arg(long, value_name = "EPS", default_value = "0", conflicts_with = "perm")]
    tolerance: String,
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
        self.refuse_with_perm()?;
        let listed =
            parse_permutation(text).map_err(|e| Failure::bad_input(format!("--perm: {e}")))?;
        // Gather (`y = x[:, g]`, y_i = x_{g[i]}) is the matrix with row i equal to
        // e_{g[i]}^T, so column g[i] has its 1 in row i: the images are g's inverse.
        let perm = if self.perm_gather {
            couplings::families::invert_perm(&listed)
        } else {
            listed
        };
        if perm.len() == 1 {
            // Neither construction applies: say so here rather than suggest one.
            return Err(Failure::bad_input(
                "--perm: a permutation of one coordinate is the 1x1 identity, and coupling layers \
                 need n >= 2 (two non-empty parts); nothing to decompose",
            ));
        }
        let options = PermutationOptions {
            mode: self.mode.into(),
            construction: match self.perm_construction {
                PermConstructionArg::Routed => PermutationConstruction::Routed,
                PermConstructionArg::Generic => PermutationConstruction::Generic,
            },
            seed: self.seed(),
        };
        let how = match self.perm_construction {
            PermConstructionArg::Routed => "routed construction",
            PermConstructionArg::Generic => "generic construction",
        };
        let dec = with_progress(perm.len(), "permutation matrix", how, || {
            couplings::decompose_permutation_with(&perm, &options).map_err(|e| match e {
                couplings::PermutationError::Internal(_) => Failure {
                    code: EXIT_INTERNAL,
                    message: format!("--perm: {e} (a bug; please report it with the input)"),
                },
                _ => Failure::bad_input(format!("--perm: {e}")),
            })
        })?;
        Ok((permutation_matrix(&perm), dec))
    }

    /// The library options of an exact decomposition (a tolerance goes to
    /// `approximate_file` instead).
    fn options(&self, split: Option<couplings::Split>) -> Options {
        Options {
            mode: self.mode.into(),
            seed: self.seed(),
            strategy: self.strategy.map_or_else(Strategy::default, Strategy::from),
            split,
            merge: self.merge.into(),
            ..Options::default()
        }
    }

    fn seed(&self) -> u64 {
        self.seed.unwrap_or(Options::default().seed)
    }

    /// `--perm` with a flag that has no meaning for it: exit 2 with the reason
    /// (a flag is never silently ignored).
    fn refuse_with_perm(&self) -> Result<(), Failure> {
        let refuse = |flag: &str, why: &str| {
            Err(Failure::bad_input(format!(
                "{flag} cannot be used with --perm: {why}"
            )))
        };
        if let Some(flag) = self.split.given() {
            return refuse(
                flag,
                "the routed construction uses the half/half split of an even n and the generic \
                 one the default split (floor(n/2), ceil(n/2)); for another split or a mask, \
                 write the permutation matrix to a file and decompose that file",
            );
        }
        if self.strategy.is_some() {
            return refuse(
                "--strategy",
                "a permutation is decomposed by --perm-construction routed (small entries, the \
                 default) or generic (the shallow search); --strategy applies to a matrix FILE",
            );
        }
        if let Some(flag) = self.input.given() {
            return refuse(
                flag,
                "it applies to reading a matrix FILE, and --perm gives the matrix directly",
            );
        }
        if self.seed.is_some() && self.perm_construction == PermConstructionArg::Routed {
            return refuse(
                "--seed",
                "the routed construction makes no randomised choices (the seed applies to \
                 --perm-construction generic and to matrix FILEs)",
            );
        }
        Ok(())
    }

    pub(crate) fn run(self) -> Result<(), Failure> {
        // clap's `requires` is not enforced when FILE (which conflicts with
        // --perm) is given: refuse here, never ignore the flag.
        if self.perm_gather && self.perm.is_none() {
            return Err(Failure::bad_input(
                "--perm-gather only says how to read the list of --perm (flow code's \
                 `x[:, perm]`); a matrix FILE has no list: give --perm LIST or drop the flag",
            ));
        }
        let tolerance = parse_tolerance(&self.tolerance)?;
        let mut approximation: Option<Approximation> = None;
        let inputs: Vec<&Path> = self.file.iter().map(PathBuf::as_path).collect();
        // The text goes to --output (standard output without it); a
        // certificate is written only when asked for.
        let mut outputs = vec![("--output", self.output.as_deref())];
        if let Some(path) = self.certificate.as_deref() {
            outputs.push(("--certificate", Some(path)));
        }
        check_outputs(&inputs, &outputs)?;
        if let Some(pad) = self.pad.get() {
            if !tolerance.is_zero() {
                return Err(Failure::bad_input(
                    "--tolerance and --pad cannot be combined: the padded constructions are \
                     exact (docs/padding.md); drop one of them",
                ));
            }
            return self.run_padded(pad);
        }
        if !tolerance.is_zero() {
            // Flags the tolerance construction cannot honour are refused, never ignored.
            let refuse = |flag: &str, why: &str| {
                Err(Failure::bad_input(format!(
                    "--tolerance cannot be used with {flag}: {why}"
                )))
            };
            if self.perm.is_some() {
                return refuse(
                    "--perm",
                    "a permutation has an exact decomposition with small entries (drop                      --tolerance)",
                );
            }
            if self.strategy.is_some() || self.seed.is_some() {
                return refuse(
                    if self.strategy.is_some() {
                        "--strategy"
                    } else {
                        "--seed"
                    },
                    "the tolerance construction is one deterministic float chain (docs/export.md, \
                     \"Tolerance mode\"); drop the flag",
                );
            }
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
                let decomposition = if tolerance.is_zero() {
                    self.decompose_file(&matrix, file, split)?
                } else {
                    let a = self.approximate_file(&matrix, file, split, tolerance)?;
                    let dec = a.decomposition.clone();
                    approximation = Some(a);
                    dec
                };
                (matrix, decomposition, mask)
            }
            (None, None) => return Err(Failure::bad_input("give a matrix FILE or --perm")),
        };
        if let Some(path) = &self.certificate {
            couplings::progress::stage("writing the certificate");
            let cert = match &approximation {
                None => couplings::certificate::Certificate::with_all_hints(
                    matrix.clone(),
                    decomposition.clone(),
                ),
                Some(a) => couplings::certificate::Certificate::within(
                    matrix.clone(),
                    decomposition.clone(),
                    a.bound.rel_error.clone(),
                ),
            };
            emit(&couplings::certificate::to_text(&cert), Some(path))?;
            if mask.is_some() {
                eprintln!("couplings: the certificate is for the reordered target P T P^-1 (mask)");
            }
        }
        couplings::progress::stage("writing the layers");
        let mut rendered = render(&decomposition, self.format);
        if let Some(m) = &mask {
            rendered = match self.format {
                Format::Json => m.add_to_json(&rendered),
                Format::Text => format!("{}{rendered}", mask_note(m)),
            };
        }
        match (&approximation, self.format) {
            (Some(a), Format::Text) => rendered.push_str(&tolerance_text(a)),
            (Some(a), Format::Json) => eprint!("{}", tolerance_text(a)),
            (None, Format::Text) => {
                couplings::progress::stage("float64 figures");
                rendered.push_str(&figures_text(&matrix, &decomposition));
            }
            (None, Format::Json) => {}
        }
        if self.report {
            couplings::progress::stage("float64 report");
            let report = couplings::analysis::report(&matrix, &decomposition).to_text();
            add_report(&mut rendered, &report, self.format);
        }
        emit(&rendered, self.output.as_deref())
    }

    /// `--tolerance EPS > 0`: the certified approximation, verified again by
    /// the independent bound checker before anything is printed.
    fn approximate_file(
        &self,
        matrix: &Matrix,
        file: &Path,
        split: Option<couplings::Split>,
        tolerance: Q,
    ) -> Result<Approximation, Failure> {
        let options = Options {
            mode: self.mode.into(),
            split,
            tolerance,
            ..Options::default()
        };
        let a = approximate(matrix, &options).map_err(|e| decompose_failure(file, &e))?;
        couplings::check::check_within(matrix, &a.decomposition, &a.bound.rel_error).map_err(
            |e| Failure {
                code: EXIT_INTERNAL,
                message: format!(
                    "internal error: the certified layers failed the independent bound check: {e}"
                ),
            },
        )?;
        Ok(a)
    }

    fn decompose_file(
        &self,
        matrix: &Matrix,
        file: &Path,
        split: Option<couplings::Split>,
    ) -> Result<Decomposition, Failure> {
        let options = self.options(split);
        let how = format!(
            "{} strategy",
            options
                .strategy
                .resolve(matrix.rows(), options.split)
                .name()
        );
        with_progress(matrix.rows(), "matrix", &how, || {
            couplings::decompose_with(matrix, &options).map_err(|e| decompose_failure(file, &e))
        })
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
        let options = self.options(split);
        let started = std::time::Instant::now();
        let long = n >= LONG_RUN_N;
        if long {
            eprintln!(
                "couplings: decomposing a {n}x{n} matrix exactly with {pad} padded coordinates \
                 ({} strategy); stages follow",
                options.strategy.resolve_padded().name()
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

/// `--tolerance EPS`: exact and non-negative (`0` is the exact path).
pub(crate) fn parse_tolerance(text: &str) -> Result<Q, Failure> {
    let eps = parse_q(text).map_err(|e| Failure::bad_input(format!("--tolerance {text}: {e}")))?;
    if eps.is_negative() {
        return Err(Failure::bad_input(format!(
            "--tolerance {text}: the tolerance must not be negative (0 means exact)"
        )));
    }
    Ok(eps)
}

/// Nothing for one chain; otherwise how many factors `W` was split into.
pub(crate) fn pieces_text(pieces: usize) -> String {
    if pieces <= 1 {
        String::new()
    } else {
        format!(
            " (W split into {pieces} factors of condition number cond(W)^(1/{pieces}): one \
             ten-layer chain had a layer beyond the limit {:e})",
            couplings::construct::tolerance::CONDITION_LIMIT
        )
    }
}

/// What `--tolerance` certified: the bound (decimal and exact rational), the
/// entry width and why, the condition numbers and the time.
fn tolerance_text(a: &Approximation) -> String {
    let conds: Vec<String> = a.conditions.iter().map(|c| format!("{c:.3e}")).collect();
    let t = &a.timings;
    format!(
        "certified: ||P - W||_F / ||W||_F <= {} (tolerance {}) for the exact product P of \
         these layers, checked exactly (and again by the independent bound checker)\n\
         exact ||P - W||_F^2 / ||W||_F^2 = {}\n\
         entries: {}; exact product entries {} bits\n\
         figures: {} layers{}, worst layer condition number {:.3e} (float64)\n\
         layer condition numbers: [{}]\n\
         time: construct {:.2} s, round {:.2} s, certify {:.2} s, conditions {:.2} s\n",
        a.bound.rel_error_text,
        couplings::exact::fmt_decimal(&a.bound.tolerance),
        fmt_q(&a.bound.rel_error_sq),
        a.width_reason,
        a.product_bits,
        a.decomposition.len(),
        pieces_text(a.pieces),
        a.worst_condition(),
        conds.join(", "),
        t.construct,
        t.round,
        t.certify,
        t.conditions
    )
}

/// `--report`: appended to text output; on standard error beside JSON (which
/// stays one document).
fn add_report(rendered: &mut String, report: &str, format: Format) {
    match format {
        Format::Text => rendered.push_str(report),
        Format::Json => eprint!("{report}"),
    }
}

/// Runs `decompose` with stage notices on standard error when `n` is at least
/// [`LONG_RUN_N`]: a first line saying what is decomposed, the stages, and a
/// last line with the time.
fn with_progress(
    n: usize,
    what: &str,
    how: &str,
    decompose: impl FnOnce() -> Result<Decomposition, Failure>,
) -> Result<Decomposition, Failure> {
    let started = std::time::Instant::now();
    let long = n >= LONG_RUN_N;
    if long {
        eprintln!("couplings: decomposing a {n}x{n} {what} exactly ({how}); stages follow");
        couplings::progress::enable();
    }
    let decomposition = decompose()?;
    if long {
        eprintln!(
            "couplings: done in {:.1} s ({} layers, verified exactly)",
            started.elapsed().as_secs_f64(),
            decomposition.len()
        );
    }
    Ok(decomposition)
}

/// The headline figures (float64 analysis by nalgebra) appended to text output,
/// with a `figures: note:` line for every figure that is not a finite number
/// for a reason other than float64 singularity.
fn figures_text(matrix: &Matrix, decomposition: &Decomposition) -> String {
    let f = couplings::analysis::figures(matrix, decomposition);
    figures_line(&f, "")
}

/// The figures lines; `what` names the compared matrices (empty: the product
/// vs T), then a `figures: note:` line per figure that is not a number.
fn figures_line(f: &couplings::analysis::Figures, what: &str) -> String {
    use couplings::analysis::{show, worst_condition};
    let conds: Vec<String> = f.conditions.iter().map(|&c| show(c, None)).collect();
    let mut out = format!(
        "figures: {} layers, largest entry {} bits, worst layer condition number {} \
         (float64 SVD), float64 product relative error {}{}\nlayer condition numbers: [{}]\n",
        f.layers,
        f.max_bits,
        show(worst_condition(&f.conditions), None),
        if what.is_empty() {
            String::new()
        } else {
            format!("({what}) ")
        },
        show(f.float_error, None),
        conds.join(", ")
    );
    for note in f.notes() {
        out.push_str(&format!("figures: note: {note}\n"));
    }
    out
}

fn render(decomposition: &Decomposition, format: Format) -> String {
    match format {
        Format::Text => io::decomposition_to_text(decomposition),
        Format::Json => io::decomposition_to_json(decomposition),
    }
}
