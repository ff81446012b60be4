//! Constructions: `decompose` and its options, errors and strategies. One file
//! per construction; each returns layers whose product is then verified exactly,
//! and a [`Trace`] naming it by a [`Construction`].
//!
//! Strategies ([`Strategy`], one file each): [`shallow`] (the default, fewest
//! layers: at most three layers from [`short`], the five-layer core [`five`],
//! the peels of [`peel`]), [`balanced`] (small entries) and [`conditioned`]
//! (well-conditioned layers). Unequal splits `(p, q)`, `p != q` (odd `n` by
//! default, or `Options::split`) take the hub construction of [`split`]
//! (`docs/splits.md`), at most `4 ceil(max/min) + 8` layers signed and `+ 10`
//! positive. Permutation matrices have their own small-entry construction
//! ([`permutation`]). [`short`] also owns the exact decision for at most three
//! layers that `crate::depth` builds on.
//!
//! Padded decompositions (`docs/padding.md`) live in [`pad`]: one file per
//! padded construction, and the padded three-layer decision.
//!
//! To add a strategy: a file here, a [`Strategy`] variant (the compiler then
//! points at the dispatch in [`decompose_traced`] and at the CLI), and a
//! [`Construction`] variant for its trace (the compiler points at `explain`).

pub mod balanced;
pub mod blocks;
pub mod compact;
pub mod conditioned;
pub mod five;
pub mod four;
pub mod pad;
pub mod peel;
pub mod peel_four;
pub mod permutation;
pub mod rng;
pub mod shallow;
pub mod short;
pub mod six;
pub mod split;
pub mod tolerance;
mod trace;
pub mod verify;

use crate::exact::{Matrix, Q};
use crate::layer::Split;
pub use crate::layer::{Decomposition, Mode};
use blocks::Symmetry;
pub use compact::MergePolicy;
use num_traits::{Signed, Zero};
pub use trace::{Construction, Trace};

/// Options for [`decompose_with`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Options {
    /// Signed (any nonzero scale) or positive (every scale > 0) mode.
    pub mode: Mode,
    /// Seed for the randomised choices (output is reproducible for a given seed).
    pub seed: u64,
    /// Which construction to run ([`Strategy::Auto`] by default: picked by
    /// size, see [`Strategy::resolve`]).
    pub strategy: Strategy,
    /// The split `(p, q)` of the coordinates; `None` means the default
    /// `(floor(n/2), ceil(n/2))`.
    pub split: Option<Split>,
    /// How far the compact strategy merges layers (ignored by the others).
    pub merge: MergePolicy,
    /// `0` (the default): an exact decomposition. `EPS > 0`: the certified
    /// tolerance construction of [`tolerance`] (ten well-conditioned layers,
    /// up to forty for ill-conditioned weights, with float32 or float64 entries whose exact product `P` satisfies
    /// `||P - T||_F <= EPS ||T||_F`, checked exactly; the strategy and seed do
    /// not apply). [`tolerance::approximate`] also returns the certified bound.
    pub tolerance: Q,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            mode: Mode::Signed,
            seed: 0x5eed,
            strategy: Strategy::Auto,
            split: None,
            merge: MergePolicy::Capped,
            tolerance: Q::zero(),
        }
    }
}

/// The smallest `n` for which [`Strategy::Auto`] picks the compact strategy
/// (measured in `docs/compact.md`, "The default strategy").
pub const AUTO_COMPACT_MIN_N: usize = 64;

/// Which construction [`decompose_with`] runs. Every strategy returns an exact
/// decomposition, verified by multiplication; they trade layer count against
/// entry size and floating-point conditioning.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Strategy {
    /// The default: picked by size ([`Strategy::resolve`]): [`Strategy::Compact`]
    /// for even `n >= AUTO_COMPACT_MIN_N` with the half/half split, else
    /// [`Strategy::Shallow`]. Results name the strategy actually used.
    #[default]
    Auto,
    /// Fewest layers: the search of [`shallow`].
    Shallow,
    /// Small entries (bit size close to that of the inverse), more layers; see [`balanced`].
    Balanced,
    /// Well-conditioned layers for floating-point use, more layers; see [`conditioned`].
    Conditioned,
    /// About `3 log2 n` layers with entries a few times the inverse's bits; see
    /// [`compact`].
    Compact,
}

impl Strategy {
    /// Every strategy, in the order of the CLI's help (a new variant goes here too).
    pub const ALL: [Strategy; 5] = [
        Strategy::Auto,
        Strategy::Shallow,
        Strategy::Balanced,
        Strategy::Conditioned,
        Strategy::Compact,
    ];

    /// The CLI name (`auto`, `shallow`, `balanced`, `conditioned`, `compact`).
    ///
    /// # Examples
    /// ```
    /// assert_eq!(couplings::construct::Strategy::Balanced.name(), "balanced");
    /// ```
    pub fn name(self) -> &'static str {
        match self {
            Strategy::Auto => "auto",
            Strategy::Shallow => "shallow",
            Strategy::Balanced => "balanced",
            Strategy::Conditioned => "conditioned",
            Strategy::Compact => "compact",
        }
    }

    /// The strategy that runs for an `n x n` input with the requested split
    /// (`None`: the default split): [`Strategy::Auto`] becomes
    /// [`Strategy::Compact`] for even `n >= AUTO_COMPACT_MIN_N` with the
    /// half/half split (entries within about 4x the inverse's bits, seconds
    /// where the shallow strategy takes minutes; `docs/compact.md`, "The
    /// default strategy") and [`Strategy::Shallow`] otherwise (fewest layers;
    /// also for odd `n` and unequal splits, where compact runs through the hub
    /// construction with larger entries, `docs/compact.md`, "Odd n"). Every other
    /// strategy is itself. Padded decompositions resolve `Auto` to shallow
    /// ([`Strategy::resolve_padded`]).
    ///
    /// # Examples
    /// ```
    /// use couplings::{Split, Strategy};
    /// assert_eq!(Strategy::Auto.resolve(32, None), Strategy::Shallow);
    /// assert_eq!(Strategy::Auto.resolve(64, None), Strategy::Compact);
    /// assert_eq!(Strategy::Auto.resolve(65, None), Strategy::Shallow);
    /// assert_eq!(Strategy::Auto.resolve(64, Some(Split::new(30, 34))), Strategy::Shallow);
    /// assert_eq!(Strategy::Balanced.resolve(64, None), Strategy::Balanced);
    /// ```
    pub fn resolve(self, n: usize, split: Option<Split>) -> Strategy {
        match self {
            Strategy::Auto
                if n.is_multiple_of(2)
                    && n >= AUTO_COMPACT_MIN_N
                    && split.is_none_or(|s| s == Split::halves(n)) =>
            {
                Strategy::Compact
            }
            Strategy::Auto => Strategy::Shallow,
            s => s,
        }
    }

    /// The strategy that runs for a padded decomposition: [`Strategy::Auto`]
    /// is the shallow strategy there (the padded constructions of compact are
    /// balanced's, `docs/padding.md`); every other strategy is itself.
    ///
    /// # Examples
    /// ```
    /// use couplings::Strategy;
    /// assert_eq!(Strategy::Auto.resolve_padded(), Strategy::Shallow);
    /// assert_eq!(Strategy::Compact.resolve_padded(), Strategy::Compact);
    /// ```
    pub fn resolve_padded(self) -> Strategy {
        match self {
            Strategy::Auto => Strategy::Shallow,
            s => s,
        }
    }

    /// Whether the strategy needs `T^-1`, which `decompose` computes once (and
    /// which proves `T` invertible). The balanced strategy in signed mode does
    /// not: its own elimination detects singular inputs with kernel evidence.
    fn uses_inverse(self, mode: Mode) -> bool {
        match self {
            Strategy::Auto | Strategy::Shallow | Strategy::Conditioned => true,
            Strategy::Balanced => mode != Mode::Signed,
            // Its own eliminations detect singular inputs; positive mode's
            // determinant is computed separately.
            Strategy::Compact => false,
        }
    }
}

/// Why a matrix could not be decomposed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DecomposeError {
    /// The matrix has no entries.
    Empty,
    /// The matrix is not square.
    NotSquare {
        /// Number of rows.
        rows: usize,
        /// Number of columns.
        cols: usize,
    },
    /// The requested strategy does not handle this input (yet).
    UnsupportedStrategy {
        /// The strategy.
        strategy: Strategy,
        /// Why, and what to use instead.
        reason: String,
    },
    /// This dimension or split is not supported yet.
    UnsupportedSplit {
        /// The dimension.
        n: usize,
        /// Why.
        reason: String,
    },
    /// The matrix is singular; `kernel` is a nonzero vector `x` with `T x = 0`.
    Singular {
        /// Exact evidence: `T * kernel = 0`.
        kernel: Vec<Q>,
    },
    /// The pad of a padded decomposition does not fit (too large, or a split
    /// that no padded construction builds).
    UnsupportedPadding {
        /// The pad `K`.
        pad: usize,
        /// The dimension `n` of the target.
        n: usize,
        /// Why, and what to use instead.
        reason: String,
    },
    /// Positive mode needs `det > 0`.
    NonPositiveDeterminant {
        /// The exact determinant.
        det: Q,
    },
    /// Internal error: a construction produced layers whose product differs from
    /// the target (never expected; reported instead of a wrong answer).
    Internal(String),
    /// The tolerance construction (`Options::tolerance > 0`) gave no chain.
    Tolerance(Box<tolerance::ToleranceError>),
}

impl std::fmt::Display for DecomposeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        use crate::exact::fmt_q;
        match self {
            DecomposeError::Empty => write!(f, "the matrix is empty"),
            DecomposeError::NotSquare { rows, cols } => write!(
                f,
                "the matrix is {rows}x{cols}; only square matrices are invertible"
            ),
            DecomposeError::UnsupportedStrategy { strategy, reason } => {
                write!(
                    f,
                    "strategy '{}' cannot decompose this matrix: {reason}",
                    strategy.name()
                )
            }
            DecomposeError::UnsupportedSplit { n, reason } => {
                write!(f, "this split of dimension {n} is not supported: {reason}")
            }
            DecomposeError::Singular { kernel } => {
                let v: Vec<String> = kernel.iter().map(fmt_q).collect();
                write!(
                    f,
                    "the matrix is singular: T x = 0 for the nonzero vector x = [{}]",
                    v.join(", ")
                )
            }
            DecomposeError::UnsupportedPadding { pad, n, reason } => {
                write!(f, "pad {pad} for n = {n} is not supported: {reason}")
            }
            DecomposeError::NonPositiveDeterminant { det } => write!(
                f,
                "det = {} < 0, but positive mode needs det > 0: every layer with positive \
                 scales has det > 0, so any product of them does too (use signed mode, or \
                 compose with one sign flip)",
                fmt_q(det)
            ),
            DecomposeError::Internal(msg) => write!(f, "internal error: {msg}"),
            DecomposeError::Tolerance(e) => write!(f, "{e}"),
        }
    }
}

impl std::error::Error for DecomposeError {}

/// Decomposes `matrix` in signed mode with default options.
///
/// # Errors
/// See [`decompose_with`].
///
/// # Examples
/// ```
/// use couplings::{decompose, exact::Matrix};
/// let rot = Matrix::from_i64(&[&[0, 0, -1, 0], &[0, 0, 0, -1], &[1, 0, 0, 0], &[0, 1, 0, 0]]);
/// let dec = decompose(&rot).unwrap();
/// assert_eq!(dec.len(), 3);
/// assert_eq!(dec.product(), rot);
/// ```
pub fn decompose(matrix: &Matrix) -> Result<Decomposition, DecomposeError> {
    decompose_with(matrix, &Options::default())
}

/// Decomposes `matrix` with the given options. The result is verified by exact
/// multiplication before it is returned.
///
/// # Errors
/// `Empty`, `NotSquare`, `UnsupportedSplit` (`n < 2` or a split with an empty part),
/// `UnsupportedStrategy` (Balanced/Conditioned with `p != q`), `Singular`
/// (with a kernel vector), `NonPositiveDeterminant` in positive mode.
///
/// # Examples
/// ```
/// use couplings::{decompose_with, Mode, Options, exact::Matrix};
/// let t = Matrix::from_i64(&[&[2, 1, 0, 0], &[1, 1, 0, 0], &[0, 0, 1, 3], &[0, 0, 0, 1]]);
/// let dec = decompose_with(&t, &Options { mode: Mode::Positive, ..Options::default() }).unwrap();
/// assert_eq!(dec.product(), t);
/// assert!(dec.layers.iter().all(|l| l.scale.iter().all(|s| *s > couplings::exact::qi(0))));
/// ```
pub fn decompose_with(matrix: &Matrix, options: &Options) -> Result<Decomposition, DecomposeError> {
    decompose_traced(matrix, options).map(|(d, _)| d)
}

/// Like [`decompose_with`], also saying which construction was used.
///
/// # Errors
/// See [`decompose_with`].
pub fn decompose_traced(
    matrix: &Matrix,
    options: &Options,
) -> Result<(Decomposition, Trace), DecomposeError> {
    if !options.tolerance.is_zero() {
        // Not exact: the product is within the tolerance, certified exactly there.
        return tolerance::decompose(matrix, options);
    }
    let split = validate_split(matrix, options.split)?;
    let resolved = options.strategy.resolve(split.n(), options.split);
    let resolved_options;
    let options = if resolved == options.strategy {
        options
    } else {
        resolved_options = Options {
            strategy: resolved,
            ..options.clone()
        };
        &resolved_options
    };
    let t_inv = if !options.strategy.uses_inverse(options.mode) {
        None
    } else {
        crate::progress::stage("exact inverse (fraction-free Gauss-Jordan)");
        Some(
            matrix
                .inverse()
                .map_err(|s| DecomposeError::Singular { kernel: s.kernel })?,
        )
    };
    let t_inv_or_empty = t_inv.unwrap_or_else(|| Matrix::zeros(0, 0));
    let t_inv = &t_inv_or_empty;
    // Positive mode needs det T > 0; the three-layer decision reuses it.
    let det = if options.mode == Mode::Positive {
        let det = matrix.det();
        if !det.is_positive() {
            return Err(DecomposeError::NonPositiveDeterminant { det });
        }
        Some(det)
    } else {
        None
    };
    let (chain, trace) = if split.first != split.second {
        // Unequal split: the hub construction (docs/splits.md).
        match options.strategy {
            Strategy::Auto | Strategy::Shallow | Strategy::Compact => {}
            Strategy::Balanced | Strategy::Conditioned => {
                return Err(DecomposeError::UnsupportedStrategy {
                    strategy: options.strategy,
                    reason: format!(
                        "only the shallow strategy handles unequal splits (got ({}, {}))",
                        split.first, split.second
                    ),
                });
            }
        }
        let symmetry = if split.first > split.second {
            Symmetry::Swap
        } else {
            Symmetry::Identity
        };
        let chain = split::chain(matrix, split, options)?;
        (
            chain,
            Trace {
                construction: if options.strategy == Strategy::Compact {
                    Construction::CompactHub
                } else {
                    Construction::HubChain
                },
                symmetry,
                sign_fix: false,
            },
        )
    } else {
        crate::progress::stage(&format!("{} construction", options.strategy.name()));
        match options.strategy {
            Strategy::Auto | Strategy::Shallow => {
                shallow::search(matrix, t_inv, det.as_ref(), options)
                    .ok_or_else(|| DecomposeError::Internal("no construction applied".into()))?
            }
            Strategy::Balanced => balanced::chain(matrix, t_inv, options)?,
            Strategy::Conditioned => conditioned::chain(matrix, t_inv, options)?,
            Strategy::Compact => compact::chain(matrix, options)?,
        }
    };
    let dec = Decomposition {
        split,
        mode: options.mode,
        layers: chain,
    }
    .normalized();
    crate::progress::stage(&format!(
        "verifying the product of {} layers exactly",
        dec.len()
    ));
    if !verify::product_equals(&dec, matrix) {
        return Err(DecomposeError::Internal(format!(
            "the {} construction produced layers whose product differs from the target",
            trace.construction
        )));
    }
    for l in &dec.layers {
        if let Err(e) = l.validate(split, options.mode) {
            return Err(DecomposeError::Internal(format!(
                "the {} construction produced a malformed layer: {e}",
                trace.construction
            )));
        }
    }
    Ok((dec, trace))
}

/// Checks that `matrix` is a non-empty square matrix with `n >= 2` and returns
/// the default split `(floor(n/2), ceil(n/2))`.
pub(crate) fn validate(matrix: &Matrix) -> Result<Split, DecomposeError> {
    validate_split(matrix, None)
}

/// The size `n` of a square, nonempty `matrix`, else `Empty` or `NotSquare`
/// (the first check of every entry point that takes a target).
///
/// # Examples
/// ```
/// use couplings::{DecomposeError, construct::require_square, exact::Matrix};
/// assert_eq!(require_square(&Matrix::identity(3)).unwrap(), 3);
/// assert!(matches!(require_square(&Matrix::zeros(2, 3)), Err(DecomposeError::NotSquare { .. })));
/// ```
pub fn require_square(matrix: &Matrix) -> Result<usize, DecomposeError> {
    if matrix.rows() == 0 || matrix.cols() == 0 {
        return Err(DecomposeError::Empty);
    }
    if !matrix.is_square() {
        return Err(DecomposeError::NotSquare {
            rows: matrix.rows(),
            cols: matrix.cols(),
        });
    }
    Ok(matrix.rows())
}

/// Checks that `matrix` is a non-empty square matrix with `n >= 2` and that the
/// requested split (default `(floor(n/2), ceil(n/2))`) has two non-empty parts
/// adding up to `n`; returns the split.
///
/// # Errors
/// `Empty`, `NotSquare`, `UnsupportedSplit` (with a message saying what to change).
///
/// # Examples
/// ```
/// use couplings::{Split, DecomposeError, construct::validate_split, exact::Matrix};
/// let t = Matrix::identity(5);
/// assert_eq!(validate_split(&t, None).unwrap(), Split::new(2, 3));
/// assert!(matches!(validate_split(&t, Some(Split::new(0, 5))), Err(DecomposeError::UnsupportedSplit { .. })));
/// ```
pub fn validate_split(matrix: &Matrix, split: Option<Split>) -> Result<Split, DecomposeError> {
    let n = require_square(matrix)?;
    if n < 2 {
        return Err(DecomposeError::UnsupportedSplit {
            n,
            reason: "a coupling layer splits the coordinates into two non-empty parts, \
                     so n must be at least 2 (got a 1x1 matrix)"
                .into(),
        });
    }
    let split = split.unwrap_or(Split::new(n / 2, n - n / 2));
    if split.first == 0 || split.second == 0 || split.first + split.second != n {
        return Err(DecomposeError::UnsupportedSplit {
            n,
            reason: format!(
                "the split ({}, {}) does not fit: both parts need at least one coordinate \
                 and they must add up to n = {n} (for example ({}, {}))",
                split.first,
                split.second,
                n / 2,
                n - n / 2
            ),
        });
    }
    Ok(split)
}
