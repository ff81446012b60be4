//! The float-weight input flags of the commands that read Glow 1x1
//! convolution weights (`decompose`, `export`): `--input-format`, `--tensor`
//! and `--round`, and the rounding report. The readers are `couplings::io`,
//! the rounding `couplings::export::round_matrix`.

use super::{Failure, load_matrix_as, path_name};
use clap::{Args, ValueEnum};
use couplings::analysis::show;
use couplings::exact::{Matrix, to_f64};
use couplings::export::{Rounding, round_matrix};
use couplings::io::InputFormat;
use std::path::Path;

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
    /// How to read FILE (auto, the default: by extension).
    #[arg(long, value_enum, value_name = "FORMAT")]
    input_format: Option<InputFormatArg>,
    /// Name of the tensor in a safetensors FILE (needed when it holds several).
    #[arg(long, value_name = "NAME")]
    tensor: Option<String>,
    /// First replace every entry by the nearest multiple of 10^-DIGITS (0..=30);
    /// the error is reported and the rounded matrix is decomposed exactly.
    #[arg(long, value_name = "DIGITS", value_parser = clap::value_parser!(u32).range(0..=30))]
    round: Option<u32>,
}

impl InputArgs {
    /// The flag given, if any, for inputs that are not a file (`--perm`).
    pub(crate) fn given(&self) -> Option<&'static str> {
        if self.round.is_some() {
            Some("--round")
        } else if self.tensor.is_some() {
            Some("--tensor")
        } else if self.input_format.is_some() {
            Some("--input-format")
        } else {
            None
        }
    }

    /// The matrix to decompose, and (when `--round` was given) the rounding
    /// together with the matrix as read.
    pub(crate) fn load(
        &self,
        path: &Path,
    ) -> Result<(Matrix, Option<(Rounding, Matrix)>), Failure> {
        let format =
            InputFormat::from(self.input_format.unwrap_or(InputFormatArg::Auto)).resolve(path);
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
         rounding error: max |W_ij - R_ij| = {:.3e}, ||W - R||_2 / ||W||_2 = {}, \
         ||W - R||_F / ||W||_F = {}\n",
        r.digits,
        to_f64(&r.max_abs_error),
        show(r.rel_spectral, None),
        show(r.rel_frobenius, None)
    )
}
