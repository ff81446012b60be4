//! Flags shared by several subcommands: the mode (every command that
//! decomposes), the strategy (`decompose`, `explain`, `export`) and the split
//! or mask (`decompose`, `explain`), with the line that states a mask.

use super::Failure;
use clap::{Args, ValueEnum};
use couplings::construct::MergePolicy;
use couplings::mask::Mask;
use couplings::{Mode, Split, Strategy};

/// Scale sign convention.
#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ModeArg {
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
pub(crate) enum StrategyArg {
    /// The default: compact for even n >= 64 with the half/half split, shallow
    /// otherwise (docs/compact.md, "The default strategy").
    Auto,
    /// Fewest layers (5 for generic inputs, at most 7 signed / 9 positive).
    Shallow,
    /// Small entries, close to the bit size of the inverse; more layers.
    Balanced,
    /// Small floating-point condition numbers per layer; more layers.
    Conditioned,
    /// About 3 log2 n layers with entries a few times the inverse's bits.
    Compact,
}

impl From<StrategyArg> for Strategy {
    fn from(s: StrategyArg) -> Strategy {
        match s {
            StrategyArg::Auto => Strategy::Auto,
            StrategyArg::Shallow => Strategy::Shallow,
            StrategyArg::Balanced => Strategy::Balanced,
            StrategyArg::Conditioned => Strategy::Conditioned,
            StrategyArg::Compact => Strategy::Compact,
        }
    }
}

/// Every library strategy has its flag value (adding a [`Strategy`] makes the
/// compiler stop here); also the default of `--strategy`.
impl From<Strategy> for StrategyArg {
    fn from(s: Strategy) -> StrategyArg {
        match s {
            Strategy::Auto => StrategyArg::Auto,
            Strategy::Shallow => StrategyArg::Shallow,
            Strategy::Balanced => StrategyArg::Balanced,
            Strategy::Conditioned => StrategyArg::Conditioned,
            Strategy::Compact => StrategyArg::Compact,
        }
    }
}

/// How far the compact strategy merges layers (`--merge`).
#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum MergeArg {
    /// Every merge: the fewest layers.
    Full,
    /// Merges whose entries stay within 4x the bits of the inverse's (default).
    Capped,
    /// No merge that makes an entry larger: the smallest entries.
    None,
}

impl From<MergeArg> for MergePolicy {
    fn from(m: MergeArg) -> MergePolicy {
        match m {
            MergeArg::Full => MergePolicy::Full,
            MergeArg::Capped => MergePolicy::Capped,
            MergeArg::None => MergePolicy::Unmerged,
        }
    }
}

/// Every policy has its flag value (and the default of `--merge`).
impl From<MergePolicy> for MergeArg {
    fn from(m: MergePolicy) -> MergeArg {
        match m {
            MergePolicy::Full => MergeArg::Full,
            MergePolicy::Capped => MergeArg::Capped,
            MergePolicy::Unmerged => MergeArg::None,
        }
    }
}

/// `--pad K` (shared by `decompose`, `explain`, `export` and `depth`).
#[derive(Args, Debug, Clone, Copy)]
pub(crate) struct PadArgs {
    /// Append K zero coordinates and decompose the padded map [x; 0] -> [T x; 0]
    /// (docs/padding.md): the layers act on n + K coordinates, the padded ones
    /// last, and --split P splits all n + K. K = n gives three layers for every
    /// invertible T. K = 0 is the ordinary (unpadded) decomposition.
    #[arg(long, value_name = "K")]
    pub(crate) pad: Option<usize>,
}

impl PadArgs {
    /// The pad when it is nonzero (`--pad 0` is the unpadded path).
    pub(crate) fn get(self) -> Option<usize> {
        self.pad.filter(|&k| k > 0)
    }
}

/// How to split the coordinates (shared by `decompose` and `explain`).
#[derive(Args, Debug)]
pub(crate) struct SplitArgs {
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
    /// The flag given, if any (`--split` or `--mask`), for commands that refuse it.
    pub(crate) fn given(&self) -> Option<&'static str> {
        if self.first.is_some() {
            Some("--split")
        } else if self.mask.is_some() {
            Some("--mask")
        } else {
            None
        }
    }

    /// The split for the options, and the mask when the coordinates are reordered.
    pub(crate) fn resolve(&self, n: usize) -> Result<(Option<Split>, Option<Mask>), Failure> {
        if let Some(p) = self.first {
            if n < 2 {
                return Err(Failure::bad_input(format!(
                    "--split {p}: a {n}x{n} matrix has no split (coupling layers need n >= 2)"
                )));
            }
            if p == 0 || p >= n {
                return Err(Failure::bad_input(format!(
                    "--split {p} does not fit n = {n}: the split is (P, n - P) and both parts \
                     need at least one coordinate, so P must be between 1 and {} (for example {})",
                    n - 1,
                    n / 2
                )));
            }
            return Ok((Some(Split::new(p, n - p)), None));
        }
        let Some(text) = &self.mask else {
            return Ok((None, None));
        };
        let mask = Mask::parse(n, text).map_err(|e| Failure::bad_input(format!("--mask: {e}")))?;
        let split = Some(mask.split());
        Ok((split, (!mask.is_prefix()).then_some(mask)))
    }
}

impl SplitArgs {
    /// The split of `n + pad` coordinates for a padded run (`--split P` means
    /// `(P, n + pad - P)`); `--mask` is refused (padded constructions choose
    /// their own mask).
    pub(crate) fn resolve_padded(&self, n: usize, pad: usize) -> Result<Option<Split>, Failure> {
        if self.mask.is_some() {
            return Err(Failure::bad_input(
                "--mask cannot be combined with --pad: the padded constructions choose the \
                 reordering of the unpadded coordinates themselves (the output states it); use \
                 --split P for a split of the n + K coordinates",
            ));
        }
        let total = n.saturating_add(pad);
        Ok(self.first.map(|p| Split::new(p, total.saturating_sub(p))))
    }
}

/// The line that states a mask in text output.
pub(crate) fn mask_note(mask: &Mask) -> String {
    let order: Vec<String> = mask.order().iter().map(|c| format!("x{c}")).collect();
    format!(
        "mask: first part = coordinates {:?}; the layers act on the reordered vector ({}) and \
         their product is P T P^-1 for that reordering P (docs/splits.md)\n",
        mask.first(),
        order.join(", ")
    )
}
