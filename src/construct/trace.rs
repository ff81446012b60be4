//! What a construction reports about itself: [`Construction`] names which one
//! produced a decomposition (a type, so every place that treats constructions
//! differently matches on it exhaustively and the compiler lists them when a
//! variant is added), and [`Trace`] carries it with the symmetry it ran under
//! and whether the positive-mode sign fix was needed. `explain` reads a trace
//! to write its walkthrough without re-running the construction.

use super::Strategy;
use super::blocks::Symmetry;
use super::four::FourMethod;

/// Which construction produced a decomposition. [`Construction::name`] is the
/// name the text outputs print (a contract: the names do not change).
///
/// To add a construction: add a variant here (with its name and strategy), and
/// handle it wherever the compiler asks (today: the explain walkthrough).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Construction {
    /// `T = I`: no layer.
    Identity,
    /// `T` has the shape of one layer.
    OneLayer,
    /// The closed form of two layers (`U L` or `L U`).
    TwoLayers,
    /// The closed form of three layers with an invertible off-diagonal block.
    ThreeLayers,
    /// Positive mode: a diagonal target with balanced signs, four layers.
    BalancedSigns,
    /// The complete decision for at most three layers (singular blocks included).
    ThreeLayersDecided,
    /// Four layers `U L U L` (`construct::four`), with the method that found them.
    FourLayers {
        /// How the four-layer unknowns were found.
        method: FourMethod,
    },
    /// The five-layer core (`construct::five`).
    FiveLayerCore,
    /// A unit layer peeled, then four layers by the triangular criterion
    /// (five layers; `construct::peel_four`).
    PeelFour,
    /// n = 4: a unit layer from a small grid peeled, then four layers (five
    /// layers; `construct::peel_four::grid_peel_four`).
    GridPeelFour,
    /// One deterministic lower peel, then the core (six layers).
    LeftPeel,
    /// One seeded random lower peel, then the core.
    RandomPeel,
    /// A right peel and a left peel, then the core (seven layers).
    TwoPeels,
    /// Six layers for every matrix (`construct::six`): two unit peels around a
    /// four-layer middle.
    SixLayers,
    /// The hub chain of an unequal split (`construct::split`).
    HubChain,
    /// The hub chain of an unequal split with the compact strategy on its
    /// window (`construct::split`, `--strategy compact` for odd `n`).
    CompactHub,
    /// The balanced strategy's recursive LDU tree; `preconditioned` when it ran
    /// on a seeded random shear of `T` (a leading minor vanished).
    BalancedTree {
        /// Whether the shear was needed.
        preconditioned: bool,
    },
    /// The conditioned strategy: a float approximation and the exact core.
    Conditioned,
    /// Padded (`docs/padding.md`): `T = I` (no layer) or `T` diagonal (one
    /// upper layer on the split `(n | K)`).
    PaddedTrivial,
    /// Padded, `K >= n`: `L(T - I), U(I), L(T^-1 - I)` (`construct::pad::three`).
    PaddedThree,
    /// Padded, `K >= n`: the three layers with scalars chosen for float
    /// conditioning (`construct::pad::scaled`).
    PaddedScaled,
    /// Padded, `K >= n`: five layers through `T = T1 T2` with balanced
    /// conditioning (`construct::pad::split_five`).
    PaddedSplitFive,
    /// Padded, split `(n | K)`: `2 ceil(rank(T - E) / K) + 1` layers
    /// (`construct::pad::chunked`).
    PaddedChunked,
    /// Padded, split `(n - 1 | K + 1)`, `K >= n - 2`: three layers
    /// (`construct::pad::near_halves`).
    PaddedNearHalves,
    /// Padded: the exact three-layer decision on another split
    /// (`construct::pad::decide`).
    PaddedDecided,
    /// Padded: `[[T, P], [0, Q]]` decomposed by an unpadded strategy
    /// (`construct::pad::completion`).
    PaddedCompletion {
        /// The unpadded strategy run on the completion.
        strategy: Strategy,
    },
    /// The compact strategy's G-route with the parallel level crux;
    /// `preconditioned` when it ran on a seeded random shear of `T`.
    Compact {
        /// Whether a shear was needed.
        preconditioned: bool,
    },
    /// The compact strategy on a monomial input: the routed permutation
    /// construction and the diagonal.
    CompactMonomial,
    /// The certified tolerance construction (`Options::tolerance > 0`): ten
    /// float-conditioned layers whose product is within the tolerance, not
    /// equal (`construct::tolerance`).
    Tolerance,
}

impl Construction {
    /// The name printed in text outputs and messages.
    ///
    /// # Examples
    /// ```
    /// use couplings::construct::Construction;
    /// assert_eq!(Construction::FiveLayerCore.name(), "five-layer core");
    /// assert_eq!(
    ///     Construction::BalancedTree { preconditioned: true }.name(),
    ///     "balanced LDU tree (preconditioned)"
    /// );
    /// ```
    pub fn name(self) -> &'static str {
        match self {
            Construction::Identity => "identity",
            Construction::OneLayer => "one layer",
            Construction::TwoLayers => "two layers",
            Construction::ThreeLayers => "three layers",
            Construction::BalancedSigns => "balanced signs",
            Construction::ThreeLayersDecided => "three layers (exact decision)",
            Construction::FourLayers {
                method: FourMethod::Conic,
            } => "four layers (conic)",
            Construction::FourLayers {
                method: FourMethod::FixedX,
            } => "four layers (fixed X)",
            Construction::FourLayers {
                method: FourMethod::Vieta,
            } => "four layers (Vieta jumping)",
            Construction::FourLayers {
                method: FourMethod::Triangular,
            } => "four layers (triangular)",
            Construction::FiveLayerCore => "five-layer core",
            Construction::PeelFour => "peel + four layers",
            Construction::GridPeelFour => "grid peel + four layers (n = 4)",
            Construction::LeftPeel => "left peel + core",
            Construction::RandomPeel => "random peel + core",
            Construction::TwoPeels => "two peels + core",
            Construction::SixLayers => "six layers (peels + four-layer middle)",
            Construction::HubChain => "hub chain (unequal split)",
            Construction::CompactHub => "compact hub chain (unequal split)",
            Construction::BalancedTree {
                preconditioned: false,
            } => "balanced LDU tree",
            Construction::BalancedTree {
                preconditioned: true,
            } => "balanced LDU tree (preconditioned)",
            Construction::Conditioned => "conditioned (approximation + exact core)",
            Construction::PaddedTrivial => "padded: identity or one diagonal layer",
            Construction::PaddedThree => "padded three layers L(T - I), U(I), L(T^-1 - I)",
            Construction::PaddedScaled => "padded three layers, scaled for conditioning",
            Construction::PaddedSplitFive => "padded five layers through T = T1 T2",
            Construction::PaddedChunked => "padded chunked chain (split (n | K))",
            Construction::PaddedNearHalves => "padded near-halves L U L (split (n - 1 | K + 1))",
            Construction::PaddedDecided => "padded three layers (exact decision)",
            Construction::PaddedCompletion {
                strategy: Strategy::Shallow,
            } => "padded completion + shallow strategy",
            Construction::PaddedCompletion {
                strategy: Strategy::Balanced,
            } => "padded completion + balanced strategy",
            Construction::PaddedCompletion {
                strategy: Strategy::Conditioned,
            } => "padded completion + conditioned strategy",
            Construction::PaddedCompletion {
                strategy: Strategy::Compact,
            } => "padded completion + compact strategy",
            // Not built: the completion runs a resolved strategy.
            Construction::PaddedCompletion {
                strategy: Strategy::Auto,
            } => "padded completion + auto strategy",
            Construction::Compact {
                preconditioned: false,
            } => "compact G-route",
            Construction::Compact {
                preconditioned: true,
            } => "compact G-route (preconditioned)",
            Construction::CompactMonomial => "compact: routed permutation (monomial input)",
            Construction::Tolerance => "tolerance (float chain, certified bound)",
        }
    }

    /// The strategy (`--strategy`) whose run produces this construction. The
    /// tolerance construction is chosen by `Options::tolerance`, not by a
    /// strategy; it reports `Conditioned`, its exact counterpart for float use.
    ///
    /// # Examples
    /// ```
    /// use couplings::construct::{Construction, Strategy};
    /// assert_eq!(Construction::LeftPeel.strategy(), Strategy::Shallow);
    /// assert_eq!(Construction::Conditioned.strategy(), Strategy::Conditioned);
    /// ```
    pub fn strategy(self) -> Strategy {
        match self {
            Construction::Identity
            | Construction::OneLayer
            | Construction::TwoLayers
            | Construction::ThreeLayers
            | Construction::BalancedSigns
            | Construction::ThreeLayersDecided
            | Construction::FourLayers { .. }
            | Construction::FiveLayerCore
            | Construction::LeftPeel
            | Construction::RandomPeel
            | Construction::TwoPeels
            | Construction::PeelFour
            | Construction::GridPeelFour
            | Construction::SixLayers
            | Construction::HubChain
            | Construction::PaddedTrivial
            | Construction::PaddedNearHalves
            | Construction::PaddedDecided => Strategy::Shallow,
            Construction::BalancedTree { .. } | Construction::PaddedChunked => Strategy::Balanced,
            Construction::Conditioned
            | Construction::Tolerance
            | Construction::PaddedScaled
            | Construction::PaddedSplitFive => Strategy::Conditioned,
            // The unit chain is what both shallow and balanced return for K >= n.
            Construction::PaddedThree => Strategy::Shallow,
            Construction::PaddedCompletion { strategy } => strategy,
            Construction::Compact { .. }
            | Construction::CompactMonomial
            | Construction::CompactHub => Strategy::Compact,
        }
    }

    /// Whether the construction is one of the padded ones (`docs/padding.md`).
    ///
    /// # Examples
    /// ```
    /// use couplings::construct::Construction;
    /// assert!(Construction::PaddedThree.is_padded());
    /// assert!(!Construction::FiveLayerCore.is_padded());
    /// ```
    pub fn is_padded(self) -> bool {
        match self {
            Construction::PaddedTrivial
            | Construction::PaddedThree
            | Construction::PaddedScaled
            | Construction::PaddedSplitFive
            | Construction::PaddedChunked
            | Construction::PaddedNearHalves
            | Construction::PaddedDecided
            | Construction::PaddedCompletion { .. } => true,
            Construction::Identity
            | Construction::OneLayer
            | Construction::TwoLayers
            | Construction::ThreeLayers
            | Construction::BalancedSigns
            | Construction::ThreeLayersDecided
            | Construction::FiveLayerCore
            | Construction::LeftPeel
            | Construction::RandomPeel
            | Construction::TwoPeels
            | Construction::FourLayers { .. }
            | Construction::PeelFour
            | Construction::GridPeelFour
            | Construction::SixLayers
            | Construction::HubChain
            | Construction::CompactHub
            | Construction::BalancedTree { .. }
            | Construction::Conditioned
            | Construction::Tolerance
            | Construction::Compact { .. }
            | Construction::CompactMonomial => false,
        }
    }
}

impl std::fmt::Display for Construction {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// Which construction produced a decomposition, and how it ran.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Trace {
    /// The construction.
    pub construction: Construction,
    /// The symmetry under which the construction ran.
    pub symmetry: Symmetry,
    /// Whether the positive-mode sign fix was needed.
    pub sign_fix: bool,
}

impl Trace {
    /// A trace of `construction` run on `T` itself, without the sign fix.
    pub fn plain(construction: Construction) -> Trace {
        Trace {
            construction,
            symmetry: Symmetry::Identity,
            sign_fix: false,
        }
    }
}
