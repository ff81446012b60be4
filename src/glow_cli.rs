//! CLI glue for weight files and float export (Glow 1x1 convolutions): the
//! `--input-format`, `--tensor` and `--round` flags shared by `decompose` and
//! `export`, and the `couplings export` subcommand. The work lives in
//! `couplings::io` (readers, writer) and `couplings::export` (layout, figures).

use super::{Failure, ModeArg, StrategyArg, decompose_failure, emit, load_matrix_as, path_name};
use clap::{Args, ValueEnum};
use couplings::exact::{Matrix, to_f64};
use couplings::export::{ExportInput, Rounding, export, round_matrix};
use couplings::io::InputFormat;
use couplings::{Options, Strategy};
use std::path::{Path, PathBuf};

pub(crate) const EXPORT_HELP: &str = "\
Reads W (a .npy or .safetensors float weight of shape (c, c) or (c, c, 1, 1), or
the matrix text format), optionally rounds it (--round), decomposes it exactly,
verifies the layers with the independent checker, and writes them as float64 and
float32 tensors to a safetensors file (layout: docs/export.md, format version 1).
Prints the per-layer float64 condition numbers and the error of the float64 and
float32 chains against W. Float weights are read as the exact (dyadic) rationals
they denote.

Examples:
  couplings export examples/glow_lu_8.npy --output lu8.safetensors
  couplings export examples/glow_random_rotation_8.npy --round 3 --mode positive -o rot8.safetensors
  couplings export model.safetensors --tensor flow.0.invconv.weight -o layers.safetensors
  python3 python/couplings_flow.py lu8.safetensors     # numpy reference loader";

/// How the input file is read.
#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum InputFormatArg {
    /// By extension: .npy, .safetensors, anything else is the matrix text format.
    Auto,
    /// The matrix text format.
    Text,
    /// NumPy .npy (float16/32/64).
    Npy,
    /// safetensors (F16/BF16/F32/F64; choose the tensor with --tensor).
    Safetensors,
}

impl From<InputFormatArg> for InputFormat {
    fn from(f: InputFormatArg) -> InputFormat {
        match f {
            InputFormatArg::Auto => InputFormat::Auto,
            InputFormatArg::Text => InputFormat::Text,
            InputFormatArg::Npy => InputFormat::Npy,
            InputFormatArg::Safetensors => InputFormat::Safetensors,
        }
    }
}

/// Input flags shared by `decompose` and `export`.
#[derive(Args, Debug)]
pub(crate) struct InputArgs {
    /// How to read FILE (auto: by extension).
    #[arg(long, value_enum, value_name = "FORMAT", default_value_t = InputFormatArg::Auto)]
    input_format: InputFormatArg,
    /// Name of the tensor in a safetensors FILE (needed when it holds several).
    #[arg(long, value_name = "NAME")]
    tensor: Option<String>,
    /// First replace every entry by the nearest multiple of 10^-DIGITS (0..=30);
    /// the error is reported and the rounded matrix is decomposed exactly.
    #[arg(long, value_name = "DIGITS", value_parser = clap::value_parser!(u32).range(0..=30))]
    round: Option<u32>,
}

impl InputArgs {
    /// The matrix to decompose, and (when `--round` was given) the rounding
    /// together with the matrix as read.
    pub(crate) fn load(
        &self,
        path: &Path,
    ) -> Result<(Matrix, Option<(Rounding, Matrix)>), Failure> {
        let format = InputFormat::from(self.input_format).resolve(path);
        if self.tensor.is_some() && format != InputFormat::Safetensors {
            return Err(Failure::bad_input(format!(
                "{}: --tensor only applies to safetensors input (use --input-format safetensors \
                 if the file has another extension)",
                path_name(path)
            )));
        }
        let w = load_matrix_as(path, format, self.tensor.as_deref())?;
        let Some(digits) = self.round else {
            return Ok((w, None));
        };
        let r = round_matrix(&w, digits)
            .map_err(|e| Failure::bad_input(format!("{}: {e}", path_name(path))))?;
        Ok((r.matrix.clone(), Some((r, w))))
    }
}

/// The rounding report (several lines).
pub(crate) fn rounding_text(r: &Rounding) -> String {
    format!(
        "rounded: every entry replaced by the nearest multiple of 10^-{}; the ROUNDED matrix R \
         is what is decomposed (exactly)\n\
         rounding error: max |W_ij - R_ij| = {:.3e}, ||W - R||_2 / ||W||_2 = {:.3e}, \
         ||W - R||_F / ||W||_F = {:.3e}\n",
        r.digits,
        to_f64(&r.max_abs_error),
        r.rel_spectral,
        r.rel_frobenius
    )
}

#[derive(Args, Debug)]
pub(crate) struct ExportArgs {
    /// Weight file: .npy, .safetensors or the matrix text format ('-' reads text from stdin).
    #[arg(value_name = "FILE")]
    file: PathBuf,
    /// The safetensors file to write.
    #[arg(long, short, value_name = "PATH")]
    output: PathBuf,
    /// Signed scales, or positive scales exported as log-scales (needs det > 0).
    #[arg(long, value_enum, default_value_t = ModeArg::Signed)]
    mode: ModeArg,
    /// Construction strategy (see `decompose --help`).
    #[arg(long, value_enum, default_value_t = StrategyArg::Shallow)]
    strategy: StrategyArg,
    /// Seed for randomised choices.
    #[arg(long, value_name = "N", default_value_t = Options::default().seed)]
    seed: u64,
    #[command(flatten)]
    input: InputArgs,
}

impl ExportArgs {
    pub(crate) fn run(self) -> Result<(), Failure> {
        let (matrix, rounding) = self.input.load(&self.file)?;
        let strategy: Strategy = self.strategy.into();
        let options = Options {
            mode: self.mode.into(),
            seed: self.seed,
            strategy,
            ..Options::default()
        };
        let dec = couplings::decompose_with(&matrix, &options)
            .map_err(|e| decompose_failure(&self.file, &e))?;
        // The independent checker, before anything is written.
        couplings::check(&matrix, &dec).map_err(|e| Failure {
            code: super::EXIT_INTERNAL,
            message: format!("internal error: the layers failed the independent check: {e}"),
        })?;
        let source = path_name(&self.file);
        let input = ExportInput {
            strategy: strategy.name(),
            rounding: rounding.as_ref().map(|(r, _)| r),
            unrounded: rounding.as_ref().map(|(_, w)| w),
            source: &source,
        };
        let (bytes, report) = export(&matrix, &dec, &input);
        std::fs::write(&self.output, bytes).map_err(|e| {
            Failure::bad_input(format!("cannot write {}: {e}", self.output.display()))
        })?;
        let mut out = format!(
            "input: {source} ({n}x{n}), read exactly\n",
            n = matrix.rows()
        );
        if let Some((r, _)) = &rounding {
            out += &rounding_text(r);
        }
        out += &format!(
            "verified: {} layers ({} mode, split ({}, {})), product equals the target exactly \
             (independent checker)\n",
            dec.len(),
            dec.mode.name(),
            dec.split.first,
            dec.split.second
        );
        out += &report.to_text();
        out += &format!(
            "wrote {} (format couplings-layers version {}, see docs/export.md)\n",
            self.output.display(),
            couplings::export::FORMAT_VERSION
        );
        emit(&out, None)
    }
}
