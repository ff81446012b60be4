//! `couplings export`: decompose a weight exactly, check it independently,
//! and write the layers as float tensors (safetensors, `docs/export.md`) with
//! the float figures. The format is `couplings::export`.

use super::args::{ModeArg, StrategyArg};
use super::decompose::parse_tolerance;
use super::weights::{InputArgs, rounding_text};
use super::{EXIT_INTERNAL, Failure, decompose_failure, emit, path_name};
use clap::Args;
use couplings::construct::tolerance::approximate;
use couplings::export::{ExportInput, export};
use couplings::{Options, Strategy};
use num_traits::Zero;
use std::path::PathBuf;

pub(crate) const HELP: &str = "\
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
  couplings export examples/glow_lu_8.npy --tolerance 1e-6 -o lu8_tol.safetensors
  python3 python/couplings_flow.py lu8.safetensors     # numpy reference loader";

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
    #[arg(long, value_enum, default_value_t = StrategyArg::from(Strategy::default()))]
    strategy: StrategyArg,
    /// Seed for randomised choices.
    #[arg(long, value_name = "N", default_value_t = Options::default().seed)]
    seed: u64,
    #[command(flatten)]
    input: InputArgs,
    /// Certified approximation instead of an exact decomposition (see
    /// `decompose --help`): ten well-conditioned layers whose float32 (or
    /// float64) tensors are exactly the certified layers; positive mode also
    /// stores the exact scales (layer.{i}.exact_scale*). 0 (the default) is
    /// exact.
    #[arg(long, value_name = "EPS", default_value = "0")]
    tolerance: String,
}

impl ExportArgs {
    pub(crate) fn run(self) -> Result<(), Failure> {
        let tolerance = parse_tolerance(&self.tolerance)?;
        let (matrix, rounding) = self.input.load(&self.file)?;
        let strategy: Strategy = self.strategy.into();
        let options = Options {
            mode: self.mode.into(),
            seed: self.seed,
            strategy,
            tolerance,
            ..Options::default()
        };
        let approximation = if options.tolerance.is_zero() {
            None
        } else {
            Some(approximate(&matrix, &options).map_err(|e| decompose_failure(&self.file, &e))?)
        };
        let dec = match &approximation {
            Some(a) => a.decomposition.clone(),
            None => couplings::decompose_with(&matrix, &options)
                .map_err(|e| decompose_failure(&self.file, &e))?,
        };
        // The independent checker, before anything is written.
        let internal = |e: String| Failure {
            code: EXIT_INTERNAL,
            message: format!("internal error: the layers failed the independent check: {e}"),
        };
        match &approximation {
            None => couplings::check(&matrix, &dec)
                .map(|_| ())
                .map_err(|e| internal(e.to_string()))?,
            Some(a) => couplings::check::check_within(&matrix, &dec, &a.bound.rel_error)
                .map(|_| ())
                .map_err(|e| internal(e.to_string()))?,
        }
        let source = path_name(&self.file);
        let input = ExportInput {
            strategy,
            rounding: rounding.as_ref().map(|(r, _)| r),
            unrounded: rounding.as_ref().map(|(_, w)| w),
            source: &source,
            approximation: approximation.as_ref(),
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
        let claim = match &approximation {
            None => "product equals the target exactly".to_string(),
            Some(a) => format!(
                "product P within ||P - W||_F <= {} ||W||_F, exactly",
                a.bound.rel_error_text
            ),
        };
        out += &format!(
            "verified: {} layers ({} mode, split ({}, {})), {claim} (independent checker)\n",
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
