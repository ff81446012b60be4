//! `couplings depth`: the exact decision of depth 0 to 3 or a re-checked
//! certificate of at least 4 (`couplings::depth`), the four-layer answer, and the upper bound.

use super::args::ModeArg;
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
polynomial certificates at n = 4), or 'undecided' with the reason. Exit code 0 when
decided, 3 when the answer is unknown.

Examples:
  couplings depth examples/lower_bound_4.txt
  couplings depth matrix.txt --mode positive";

#[derive(Args, Debug)]
pub(crate) struct DepthArgs {
    /// Matrix file (text format); '-' reads standard input.
    #[arg(value_name = "FILE")]
    file: PathBuf,
    /// Signed or positive scales.
    #[arg(long, value_enum, default_value_t = ModeArg::Signed)]
    mode: ModeArg,
}

impl DepthArgs {
    pub(crate) fn run(self) -> Result<(), Failure> {
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
