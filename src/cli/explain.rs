//! `couplings explain`: the Markdown walkthrough of a decomposition
//! (`couplings::explain`), with the mask stated when the coordinates are
//! reordered.

use super::args::{MergeArg, ModeArg, PadArgs, SplitArgs, StrategyArg, mask_note};
use super::{Failure, check_outputs, decompose_failure, emit, load_matrix, path_name};
use clap::Args;
use couplings::construct::MergePolicy;
use couplings::{Options, Strategy};
use std::path::PathBuf;

pub(crate) const HELP: &str = "\
Writes Markdown (KaTeX-compatible LaTeX) to standard output or --output: each step
of the construction with the lemma in proofs/ that justifies it, the intermediate
matrices (matrices larger than 8x8 are summarised), the claims verified while
writing, then the layers, the independent product check, entry bit sizes and the
float64 condition number of every layer.

Examples:
  couplings explain examples/glow_rotation_8.txt
  couplings explain matrix.txt --mode positive --output walkthrough.md
  couplings explain matrix.txt --pad 4            # the padded map [x; 0] -> [T x; 0]";

#[derive(Args, Debug)]
pub(crate) struct ExplainArgs {
    /// Matrix file (text format); '-' reads standard input.
    #[arg(value_name = "FILE")]
    file: PathBuf,
    /// Signed or positive scales.
    #[arg(long, value_enum, default_value_t = ModeArg::Signed)]
    mode: ModeArg,
    /// Seed for randomised choices.
    #[arg(long, value_name = "N", default_value_t = Options::default().seed)]
    seed: u64,
    /// Construction: auto, shallow, balanced, conditioned or compact (see `decompose --help`).
    #[arg(long, value_enum, default_value_t = StrategyArg::from(Strategy::default()))]
    strategy: StrategyArg,
    /// Compact strategy only: merge layers fully (fewest layers), capped (entries
    /// within 4x the inverse's bits) or none (smallest entries).
    #[arg(long, value_enum, default_value_t = MergeArg::from(MergePolicy::default()))]
    merge: MergeArg,
    #[command(flatten)]
    split: SplitArgs,
    #[command(flatten)]
    pad: PadArgs,
    /// Write the walkthrough to PATH instead of standard output (`-` is
    /// standard output; a PATH naming the input file is refused).
    #[arg(long, short, value_name = "PATH")]
    output: Option<PathBuf>,
}

impl ExplainArgs {
    pub(crate) fn run(self) -> Result<(), Failure> {
        check_outputs(&[&self.file], &[("--output", self.output.as_deref())])?;
        let input = load_matrix(&self.file)?;
        if let Some(pad) = self.pad.get() {
            let options = Options {
                mode: self.mode.into(),
                seed: self.seed,
                strategy: self.strategy.into(),
                split: self.split.resolve_padded(input.rows(), pad)?,
                merge: self.merge.into(),
                ..Options::default()
            };
            let md =
                couplings::explain::explain_padded(&input, pad, &options, &path_name(&self.file))
                    .map_err(|e| decompose_failure(&self.file, &e))?;
            return emit(&md, self.output.as_deref());
        }
        let (split, mask) = self.split.resolve(input.rows())?;
        let matrix = mask
            .as_ref()
            .map_or_else(|| input.clone(), |m| m.conjugate(&input));
        let options = Options {
            mode: self.mode.into(),
            seed: self.seed,
            strategy: self.strategy.into(),
            split,
            merge: self.merge.into(),
            ..Options::default()
        };
        let mut md = couplings::explain::explain(&matrix, &options, &path_name(&self.file))
            .map_err(|e| decompose_failure(&self.file, &e))?;
        if let Some(m) = &mask {
            md = format!("{}\n{md}", mask_note(m));
        }
        emit(&md, self.output.as_deref())
    }
}
