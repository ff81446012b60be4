//! Constructions: `decompose` and its options, errors and strategies. One file per
//! construction; each returns layers whose product is then verified exactly.
//!
//! Strategy (half/half split, block size `d = n / 2`), shortest first:
//! 1. at most three layers, recognised from closed forms ([`short`]);
//! 2. the five-layer core ([`five`]) on `T`, on `S T S` (swap of halves, when
//!    `T12` is invertible) and on block-permutation conjugates of both;
//! 3. six layers: one lower peel plus the core ([`peel::left_peel`]), on whichever
//!    of `T`, `T^-1`, `S T S`, `S T^-1 S` has an invertible top-left block (so:
//!    whenever `T11` or `T22` is invertible), deterministic and always successful;
//!    then a few seeded random peels for the remaining inputs;
//! 4. seven layers for every invertible `T`: a right peel that makes the top-left
//!    block invertible, then step 3 ([`peel::two_peels`]).
//!
//! Positive mode: the same, where the core's forced negative signs are split
//! evenly and removed by a balanced sign matrix (+2 layers), and shorter
//! sign-free candidates are preferred. Worst case 9 layers.
//!
//! Unequal splits `(p, q)`, `p != q` (odd `n` by default, or `Options::split`):
//! the hub construction of [`split`] (`docs/splits.md`), at most
//! `4 ceil(max/min) + 8` layers signed and `+ 10` positive.

pub mod balanced;
pub mod blocks;
pub mod conditioned;
pub mod five;
pub mod peel;
pub mod permutation;
pub mod rng;
pub mod short;
pub mod split;
pub mod verify;

use crate::exact::{Matrix, Q};
use crate::layer::Split;
pub use crate::layer::{Decomposition, Mode};
use blocks::{Blocks, Chain, Symmetry, conjugate_matrix, unconjugate_chain};
use num_traits::Signed;
use rng::Rng;

/// Options for [`decompose_with`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Options {
    /// Signed (any nonzero scale) or positive (every scale > 0) mode.
    pub mode: Mode,
    /// Seed for the randomised choices (output is reproducible for a given seed).
    pub seed: u64,
    /// Which construction to run (fewest layers by default).
    pub strategy: Strategy,
    /// The split `(p, q)` of the coordinates; `None` means the default
    /// `(floor(n/2), ceil(n/2))`.
    pub split: Option<Split>,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            mode: Mode::Signed,
            seed: 0x5eed,
            strategy: Strategy::Shallow,
            split: None,
        }
    }
}

/// Which construction [`decompose_with`] runs. Every strategy returns an exact
/// decomposition, verified by multiplication; they trade layer count against
/// entry size and floating-point conditioning.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Strategy {
    /// Fewest layers (the search described in this module's header).
    #[default]
    Shallow,
    /// Small entries (bit size close to that of the inverse), more layers; see [`balanced`].
    Balanced,
    /// Well-conditioned layers for floating-point use, more layers; see [`conditioned`].
    Conditioned,
}

impl Strategy {
    /// Every strategy, in the order of the CLI's help.
    pub const ALL: [Strategy; 3] = [Strategy::Shallow, Strategy::Balanced, Strategy::Conditioned];

    /// The CLI name (`shallow`, `balanced`, `conditioned`).
    ///
    /// # Examples
    /// ```
    /// assert_eq!(couplings::construct::Strategy::Balanced.name(), "balanced");
    /// ```
    pub fn name(self) -> &'static str {
        match self {
            Strategy::Shallow => "shallow",
            Strategy::Balanced => "balanced",
            Strategy::Conditioned => "conditioned",
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
    /// Positive mode needs `det > 0`.
    NonPositiveDeterminant {
        /// The exact determinant.
        det: Q,
    },
    /// Internal error: a construction produced layers whose product differs from
    /// the target (never expected; reported instead of a wrong answer).
    Internal(String),
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
            DecomposeError::NonPositiveDeterminant { det } => write!(
                f,
                "det = {} < 0, but positive mode needs det > 0: every layer with positive \
                 scales has det > 0, so any product of them does too (use signed mode, or \
                 compose with one sign flip)",
                fmt_q(det)
            ),
            DecomposeError::Internal(msg) => write!(f, "internal error: {msg}"),
        }
    }
}

impl std::error::Error for DecomposeError {}

/// Which construction produced a decomposition.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Trace {
    /// Short name of the construction (`"identity"`, `"one layer"`, `"two layers"`,
    /// `"three layers"`, `"three layers (exact decision)"`, `"five-layer core"`, `"left peel + core"`,
    /// `"random peel + core"`, `"two peels + core"`, `"hub chain (unequal split)"`).
    pub strategy: &'static str,
    /// The symmetry under which the construction ran.
    pub symmetry: Symmetry,
    /// Whether the positive-mode sign fix was needed.
    pub sign_fix: bool,
}

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
    let split = validate_split(matrix, options.split)?;
    // The balanced strategy (signed) does not use T^-1: its own elimination
    // detects singular inputs and returns the kernel evidence.
    let t_inv = if options.strategy == Strategy::Balanced && options.mode == Mode::Signed {
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
    if options.mode == Mode::Positive {
        let det = matrix.det();
        if !det.is_positive() {
            return Err(DecomposeError::NonPositiveDeterminant { det });
        }
    }
    let (chain, trace) = if split.first != split.second {
        // Unequal split: the hub construction (docs/splits.md).
        if options.strategy != Strategy::Shallow {
            return Err(DecomposeError::UnsupportedStrategy {
                strategy: options.strategy,
                reason: format!(
                    "only the shallow strategy handles unequal splits (got ({}, {}))",
                    split.first, split.second
                ),
            });
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
                strategy: "hub chain (unequal split)",
                symmetry,
                sign_fix: false,
            },
        )
    } else {
        crate::progress::stage(&format!("{} construction", options.strategy.name()));
        match options.strategy {
            Strategy::Shallow => search(matrix, t_inv, options)
                .ok_or_else(|| DecomposeError::Internal("no construction applied".into()))?,
            Strategy::Balanced => balanced::chain(matrix, t_inv, options)?,
            Strategy::Conditioned => conditioned::chain(matrix, t_inv, options)?,
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
            trace.strategy
        )));
    }
    for l in &dec.layers {
        if let Err(e) = l.validate(split, options.mode) {
            return Err(DecomposeError::Internal(format!(
                "the {} construction produced a malformed layer: {e}",
                trace.strategy
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
    if matrix.rows() == 0 || matrix.cols() == 0 {
        return Err(DecomposeError::Empty);
    }
    if !matrix.is_square() {
        return Err(DecomposeError::NotSquare {
            rows: matrix.rows(),
            cols: matrix.cols(),
        });
    }
    let n = matrix.rows();
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

/// Keeps the shortest candidate seen.
struct Best {
    chain: Option<(Chain, Trace)>,
}

impl Best {
    fn offer(&mut self, chain: Chain, trace: Trace) {
        let len = merged_len(&chain);
        if self.chain.as_ref().is_none_or(|(c, _)| merged_len(c) > len) {
            self.chain = Some((chain, trace));
        }
    }

    fn at_most(&self, len: usize) -> bool {
        self.chain
            .as_ref()
            .is_some_and(|(c, _)| merged_len(c) <= len)
    }
}

fn merged_len(chain: &Chain) -> usize {
    let mut len = 0;
    let mut last = None;
    for l in chain {
        if Some(l.kind) != last {
            len += 1;
            last = Some(l.kind);
        }
    }
    len
}

/// Number of seeded random block-permutation conjugates tried for the core.
const RANDOM_CONJUGATES: usize = 4;
/// Number of seeded random single peels tried when both diagonal blocks are singular.
const RANDOM_PEELS: usize = 4;

fn search(t: &Matrix, t_inv: &Matrix, options: &Options) -> Option<(Chain, Trace)> {
    let mode = options.mode;
    let positive = mode == Mode::Positive;
    let d = t.rows() / 2;
    let mut best = Best { chain: None };
    let trace = |strategy, symmetry, sign_fix| Trace {
        strategy,
        symmetry,
        sign_fix,
    };
    let acceptable = |c: &Chain| !positive || short::all_positive(c);

    // Tier 1: at most three layers.
    if t.is_identity() {
        return Some((Vec::new(), trace("identity", Symmetry::Identity, false)));
    }
    let pair = [Symmetry::Identity, Symmetry::Swap];
    for g in pair {
        let b = Blocks::of(&g.apply(t, t_inv));
        if let Some(c) = short::one_layer(&b).filter(|c| acceptable(c)) {
            return Some((g.restore(c), trace("one layer", g, false)));
        }
    }
    for g in pair {
        let b = Blocks::of(&g.apply(t, t_inv));
        if let Some(c) = short::two_layers_ul(&b).filter(|c| acceptable(c)) {
            return Some((g.restore(c), trace("two layers", g, false)));
        }
    }
    for g in pair {
        let b = Blocks::of(&g.apply(t, t_inv));
        if let Ok(n) = b.t21.inverse()
            && let Some(c) = short::three_layers_ulu(&b, &n, positive)
        {
            return Some((g.restore(c), trace("three layers", g, false)));
        }
    }

    // Positive mode: diagonal targets with balanced signs take four layers.
    if positive && let Some(c) = five::balanced_diagonal(t) {
        return Some((c, trace("balanced signs", Symmetry::Identity, false)));
    }

    // The complete decision for at most three layers (singular blocks included).
    if let Ok(crate::depth::Outcome::Exact { decomposition, .. }) = crate::depth::decide(t, mode) {
        return Some((
            decomposition.layers,
            trace("three layers (exact decision)", Symmetry::Identity, false),
        ));
    }

    // Tier 2: the five-layer core on T and S T S, and block-permutation conjugates.
    let mut rng = Rng::new(options.seed);
    let id: Vec<usize> = (0..d).collect();
    let rev: Vec<usize> = (0..d).rev().collect();
    let mut perms = vec![
        (id.clone(), id.clone()),
        (rev.clone(), rev.clone()),
        (rev.clone(), id.clone()),
        (id.clone(), rev.clone()),
    ];
    for _ in 0..RANDOM_CONJUGATES {
        perms.push((rng.permutation(d), rng.permutation(d)));
    }
    for g in pair {
        let gt = g.apply(t, t_inv);
        if Blocks::of(&gt).t21.det() == Q::from_integer(0.into()) {
            continue;
        }
        for (p1, p2) in &perms {
            let b = Blocks::of(&conjugate_matrix(&gt, p1, p2));
            let Some(plan) = five::plan(&b) else { continue };
            let clean = plan.forced_negative() == 0;
            // Positive mode: once a candidate with the sign fix exists, only a
            // sign-free core can improve on it, so skip building the others.
            if positive && !clean && best.at_most(7) {
                continue;
            }
            let Some(c) = five::build(&b, &plan, mode) else {
                continue;
            };
            let c = g.restore(unconjugate_chain(c, p1, p2));
            best.offer(c, trace("five-layer core", g, positive && !clean));
            if best.at_most(5) {
                return best.chain;
            }
        }
    }

    // Tier 3: one peel (deterministic when a diagonal block is invertible).
    for g in Symmetry::ALL {
        let gt = g.apply(t, t_inv);
        let b = Blocks::of(&gt);
        if b.t11.det() == Q::from_integer(0.into()) {
            continue;
        }
        if let Some(c) = peel::left_peel(&b, mode, positive && best.at_most(8)) {
            let fixed = positive && merged_len(&c) > 6;
            best.offer(g.restore(c), trace("left peel + core", g, fixed));
            if best.at_most(6) {
                return best.chain;
            }
        }
    }
    for attempt in 0..RANDOM_PEELS {
        let g = Symmetry::ALL[attempt % 4];
        let b = Blocks::of(&g.apply(t, t_inv));
        let alpha = crate::exact::Matrix::from_vec(
            d,
            d,
            (0..d * d)
                .map(|_| crate::exact::qi(rng.range(-2, 2)))
                .collect(),
        );
        let clean_only = positive && best.at_most(8);
        if let Some((c, clean)) = peel::fixed_left_peel(&b, &alpha, mode, clean_only) {
            best.offer(
                g.restore(c),
                trace("random peel + core", g, positive && !clean),
            );
            if best.at_most(6) {
                return best.chain;
            }
        }
    }
    if best.at_most(7) {
        return best.chain;
    }

    // Tier 4: two peels, always succeeds.
    if let Some(c) = peel::two_peels(&Blocks::of(t), mode) {
        let fixed = positive && merged_len(&c) > 7;
        best.offer(c, trace("two peels + core", Symmetry::Identity, fixed));
    }
    best.chain
}
