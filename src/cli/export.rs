//! `couplings export`: decompose a weight exactly, check it independently,
//! and write the layers as float tensors (safetensors, `docs/export.md`) with
//! the float figures. The format is `couplings::export`.

use super::args::{MergeArg, ModeArg, PadArgs, StrategyArg};
use super::decompose::parse_tolerance;
use super::weights::{InputArgs, rounding_text};
use super::{EXIT_INTERNAL, Failure, check_outputs, decompose_failure, emit, is_stdin, path_name};
use clap::Args;
use couplings::construct::MergePolicy;
use couplings::construct::tolerance::approximate;
use couplings::export::{ExportInput, export, export_padded};
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
they denote. Refused (exit 2, nothing written) when a float64 tensor would hold
an infinity or a zero scale; values float32 cannot hold (overflow, underflow,
subnormals) are warnings (docs/export.md, section Float checks).

Examples:
  couplings export examples/glow_lu_8.npy --output lu8.safetensors
  couplings export examples/glow_random_rotation_8.npy --round 3 --mode positive -o rot8.safetensors
  couplings export model.safetensors --tensor flow.0.invconv.weight -o layers.safetensors
  couplings export examples/glow_lu_8.npy --tolerance 1e-6 -o lu8_tol.safetensors
  python3 python/couplings_flow.py lu8.safetensors     # numpy reference loader
  couplings export examples/glow_lu_8.npy --pad 8 -o lu8-padded.safetensors   # 3 layers on 16 coordinates";

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
    /// Compact strategy only: merge layers fully (fewest layers), capped (entries
    /// within 4x the inverse's bits) or none (smallest entries).
    #[arg(long, value_enum, default_value_t = MergeArg::from(MergePolicy::default()))]
    merge: MergeArg,
    /// Seed for randomised choices.
    #[arg(long, value_name = "N", default_value_t = Options::default().seed)]
    seed: u64,
    #[command(flatten)]
    input: InputArgs,
    #[command(flatten)]
    pad: PadArgs,
    /// Certified approximation instead of an exact decomposition (see
    /// `decompose --help`): ten well-conditioned layers (more when W is
    /// ill-conditioned: W split into up to four factors) whose float32 (or
    /// float64) tensors are exactly the certified layers; positive mode also
    /// stores the exact scales (layer.{i}.exact_scale*). 0 (the default) is
    /// exact.
    #[arg(long, value_name = "EPS", default_value = "0")]
    tolerance: String,
}

impl ExportArgs {
    pub(crate) fn run(self) -> Result<(), Failure> {
        if is_stdin(&self.output) {
            return Err(Failure::bad_input(
                "--output -: export writes a binary safetensors file and its report goes to \
                 standard output; give a file path",
            ));
        }
        check_outputs(&[&self.file], &[("--output", Some(&self.output))])?;
        let tolerance = parse_tolerance(&self.tolerance)?;
        let (matrix, rounding) = self.input.load(&self.file)?;
        if let Some(pad) = self.pad.get() {
            if !tolerance.is_zero() {
                return Err(Failure::bad_input(
                    "--tolerance and --pad cannot be combined: the padded constructions are \
                     exact (docs/padding.md); drop one of them",
                ));
            }
            return self.run_padded(&matrix, rounding.as_ref(), pad);
        }
        let strategy: Strategy = self.strategy.into();
        let options = Options {
            mode: self.mode.into(),
            seed: self.seed,
            strategy,
            merge: self.merge.into(),
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
        // Refuse a file whose float64 tensors would hold infinities or zero
        // scales (docs/export.md, "Float checks"); float32 problems are warnings.
        report
            .check_float64()
            .map_err(|e| Failure::bad_input(format!("{source}: export refused: {e}")))?;
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
                "product P within ||P - W||_F <= {} ||W||_F, exactly{}",
                a.bound.rel_error_text,
                super::decompose::pieces_text(a.pieces)
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

    /// `--pad K`, `K > 0`: the padded chain (format version 2, docs/export.md).
    fn run_padded(
        &self,
        matrix: &couplings::exact::Matrix,
        rounding: Option<&(couplings::export::Rounding, couplings::exact::Matrix)>,
        pad: usize,
    ) -> Result<(), Failure> {
        let strategy: Strategy = self.strategy.into();
        let options = Options {
            mode: self.mode.into(),
            seed: self.seed,
            strategy,
            merge: self.merge.into(),
            ..Options::default()
        };
        let padded = couplings::construct::pad::decompose_padded(matrix, pad, &options)
            .map_err(|e| decompose_failure(&self.file, &e))?;
        // The independent checker, before anything is written.
        couplings::check_padded(matrix, &padded).map_err(|e| Failure {
            code: EXIT_INTERNAL,
            message: format!("internal error: the layers failed the independent check: {e}"),
        })?;
        let source = path_name(&self.file);
        let input = ExportInput {
            strategy,
            rounding: rounding.map(|(r, _)| r),
            unrounded: rounding.map(|(_, w)| w),
            source: &source,
            approximation: None,
        };
        let (bytes, report) = export_padded(matrix, &padded, &input);
        std::fs::write(&self.output, bytes).map_err(|e| {
            Failure::bad_input(format!("cannot write {}: {e}", self.output.display()))
        })?;
        let dec = &padded.decomposition;
        let mut out = format!(
            "input: {source} ({n}x{n}), read exactly\n",
            n = matrix.rows()
        );
        if let Some((r, _)) = rounding {
            out += &rounding_text(r);
        }
        out += &format!(
            "verified: {} layers ({} mode, pad {pad}, layers on {} coordinates, split ({}, {})), \
             the first {} columns of the product equal [[T], [0]] exactly (independent checker)\n",
            dec.len(),
            dec.mode.name(),
            dec.split.n(),
            dec.split.first,
            dec.split.second,
            matrix.rows()
        );
        out += &report.to_text();
        out += &format!(
            "wrote {} (format couplings-layers version {}, padded, see docs/export.md)\n",
            self.output.display(),
            couplings::export::PADDED_FORMAT_VERSION
        );
        emit(&out, None)
    }
}
