//! `couplings depth`: the exact decision of depth 0 to 3 or a re-checked
//! certificate of at least 4 (`couplings::depth`), the four-layer answer, and the upper bound.

use super::args::{ModeArg, PadArgs};
use super::{EXIT_INTERNAL, Failure, decompose_failure, emit, load_matrix};
use clap::Args;
use couplings::io;
use std::path::PathBuf;

pub(crate) const HELP: &str = "\
Prints the minimal depth when it is 0, 1, 2 or 3 (with the shape; the layers are
verified exactly), otherwise 'at least 4' with one re-checked witness per shape
(I, U, L, UL, LU, ULU, LUL; docs/lower-bounds.md), and the best upper bound found
by decompose. After 'at least 4' it decides whether four layers suffice: a verified
four-layer product, or a re-checked 'at least 5' witness (the swap family at every n;
polynomial certificates at n = 4), or 'undecided' with the reason. With --mode
positive and det T < 0 it says that no decomposition exists. Exit code 0 when
decided, 3 when the answer is unknown.

Examples:
  couplings depth examples/lower_bound_4.txt
  couplings depth matrix.txt --mode positive
  couplings depth matrix.txt --pad 2            # padded depth, every split of n + 2
  couplings depth matrix.txt --pad 2 --split 3  # one split

With --pad K: the padded map [x; 0] -> [T x; 0] (docs/padding.md). For each
split (P, n + K - P) the minimal depth when it is at most 3 (layers verified
exactly) or 'at least 4' with re-checked certificates; then the exact padded
depth over the splits when decided (always for K >= n: 0 if T = I, 1 if T is
diagonal, else 3) and the best upper bound of decompose --pad. Deciding every
split is limited to n + K <= 64; --split P decides one.";

#[derive(Args, Debug)]
pub(crate) struct DepthArgs {
    /// Matrix file (text format); '-' reads standard input.
    #[arg(value_name = "FILE")]
    file: PathBuf,
    /// Signed or positive scales.
    #[arg(long, value_enum, default_value_t = ModeArg::Signed)]
    mode: ModeArg,
    #[command(flatten)]
    pad: PadArgs,
    /// With --pad: decide only the split (P, n + K - P).
    #[arg(long = "split", value_name = "P", requires = "pad")]
    split: Option<usize>,
}

impl DepthArgs {
    pub(crate) fn run(self) -> Result<(), Failure> {
        let matrix = load_matrix(&self.file)?;
        if let Some(pad) = self.pad.get() {
            let report =
                couplings::depth::pad::padded_depth(&matrix, pad, self.mode.into(), self.split)
                    .map_err(|e| decompose_failure(&self.file, &e))?;
            let mut text = report.to_text(matrix.rows());
            if let Some(best) = report.best() {
                text.push_str(&io::padded_to_text(&best));
            }
            return emit(&text, None);
        }
        if let Some(text) = no_positive_decomposition(&matrix, self.mode) {
            return emit(&text, None);
        }
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

/// In positive mode a target with `det T < 0` has no decomposition at all: a
/// decided answer (exit 0), not a depth bound.
fn no_positive_decomposition(matrix: &couplings::exact::Matrix, mode: ModeArg) -> Option<String> {
    use num_traits::Signed;
    if mode != ModeArg::Positive || !matrix.is_square() || matrix.rows() < 2 {
        return None;
    }
    let det = matrix.det();
    det.is_negative().then(|| {
        format!(
            "mode: positive\n\
             minimal depth: none: no positive-mode decomposition exists, at any depth\n  \
             det T = {} < 0, but every layer with positive scales has det > 0 (the product of \
             its scales), so every product of such layers has det > 0; use --mode signed\n",
            couplings::exact::fmt_q(&det)
        )
    })
}
