//! The trusted checker: verifies from scratch, with its own exact arithmetic, that
//! a [`Decomposition`] is well formed and multiplies out to a target matrix.
//!
//! [`check`] is the kernel in the spirit of LRAT or VIPR proof checkers: small,
//! boring and independent of the code that produced the answer. It checks, in
//! this order, and reports the first defect as a typed [`CheckError`] witness:
//!
//! 1. **shapes**: both parts of the split are non-empty; the target is `n x n`
//!    with `n = first + second`; every layer's shift block has the shape its kind
//!    needs (`second x first` for lower, `first x second` for upper) and its scale
//!    has one entry per updated coordinate (`second` for lower, `first` for upper);
//! 2. **structure**: every scale entry is nonzero, and `> 0` in
//!    [`Mode::Positive`];
//! 3. **exactness**: the product `MK ... M2 M1` of the layers (listed in
//!    application order, `M1` acts first) equals the target entry by entry.
//!
//! Layers are numbered from 0 by their position in `dec.layers`, that is, in the
//! order they act on an input column vector; entries and rows are numbered from 0.
//!
//! # Padded decompositions
//!
//! [`check_padded`] verifies a [`PaddedDecomposition`] of an `n x n` target
//! (`docs/padding.md`): the layers act on `N = n + pad` coordinates and their
//! product `M` must satisfy `M[:, :n] = [[T], [0]]` (with a mask, `T` is read in
//! the mask's coordinate order, `T[order[i]][order[j]]`). It checks the pad and
//! mask (`pad < N`, the target is `n x n`, mask coordinates distinct, `< n`, as
//! many as the first part), then steps 1 and 2 above, then step 3 on the first
//! `n` columns only: the running product starts from `[I_n; 0]` (`N x n`), so
//! the last `pad` columns of `M`, which the contract leaves free, are never
//! formed.
//!
//! # Meaning of a layer (defined here, independently)
//!
//! For a split `(p, q)` a lower layer with shift `A` and scale `d` is the matrix
//! `[[I_p, 0], [A, diag(d)]]` and an upper layer with shift `B` and scale `e` is
//! `[[diag(e), B], [0, I_q]]`. Multiplying such a layer onto a matrix `M` from the
//! left changes only the rows of the part it updates: a lower layer replaces the
//! rows of part 2 by `A M1 + diag(d) M2`, an upper layer replaces the rows of part
//! 1 by `diag(e) M1 + B M2`, where `M1` and `M2` are the rows of `M` in part 1 and
//! part 2. The product is built by starting from the identity and doing this for
//! each layer in order.
//!
//! # Independence rules
//!
//! This module must not call construction code (`crate::construct`), the matrix
//! kernels of `crate::exact` (`Matrix::mul`, `inverse`, `det`, the `*` operator on
//! matrices, ...) or any `Layer`/`Decomposition` method (`to_matrix`, `apply`,
//! `apply_matrix`, `then`, `validate`, `product`, ...). It reads the public data
//! fields only, uses `Matrix` merely as a container (`rows`, `cols`, `get`), and
//! does its own arithmetic with `num-bigint`/`num-rational`. The test
//! `tests/check_kernel.rs` scans this file's code to enforce these rules.
//!
//! # What you have to trust
//!
//! To believe an `Ok` from [`check`] you have to trust: this file (about 250
//! lines of code); the big-integer and rational arithmetic of `num-bigint`,
//! `num-integer` and `num-rational` (`+`, `*`, `%`, exact division, `gcd`, and the
//! normalisation and equality of `BigRational`; the faster Lehmer gcd of
//! `crate::exact` is used only after `%` shows that it divides both operands); `rayon`'s order-preserving
//! parallel `map`/`collect`; the four-line `Matrix` accessors (`rows`, `cols`,
//! `get` on row-major storage); and the Rust compiler. You do not have to trust
//! anything that constructed, transformed, serialised or simplified the layers:
//! whatever the data fields hold is exactly what is checked.
//!
//! # Cost
//!
//! Each layer updates at most `max(p, q)` rows of `n` entries, each a dot product
//! over the nonzero coefficients of the layer row (at most `max(p, q) + 1`), so
//! the product costs `O(K n^2 max(p, q))` big-number multiply-adds for `K`
//! layers, and much less for sparse layers. The running product is kept as
//! integer rows over one denominator per row, so each updated row costs one `lcm`
//! (a Lehmer gcd checked by two remainders) per nonzero coefficient and a content reduction (a `gcd` of the denominator
//! with the entries until it reaches 1, usually after one or two), not one
//! rational normalisation per entry; the final comparison `x b = a den` needs no
//! `gcd`. For `n >= 32` the rows are processed in parallel with `rayon`.
//!
//! Approximate decompositions (the tolerance mode) are checked against a
//! stated relative bound by [`check_within`] (the `within` room: the same
//! structure checks, then the exact product of dyadic layers by the kernel
//! `crate::exact::dyadic` and an exact comparison).
//!
//! # Examples
//! ```
//! use couplings::{check, CheckError, Decomposition, Layer, Mode, Split, exact::{Matrix, qi}};
//! // The rotation [[0, -1], [1, 0]] is U(-1) L(1) U(-1); application order lists U first.
//! let u = Layer::upper(Matrix::from_i64(&[&[-1]]), vec![qi(1)]);
//! let l = Layer::lower(Matrix::from_i64(&[&[1]]), vec![qi(1)]);
//! let dec = Decomposition { split: Split::new(1, 1), mode: Mode::Signed, layers: vec![u.clone(), l, u] };
//! let report = check(&Matrix::from_i64(&[&[0, -1], &[1, 0]]), &dec).unwrap();
//! assert_eq!((report.layers, report.n), (3, 2));
//! let err = check(&Matrix::from_i64(&[&[0, 1], &[1, 0]]), &dec).unwrap_err();
//! assert!(matches!(err, CheckError::Mismatch { row: 0, col: 1, .. }));
//! ```

#![expect(
    clippy::result_large_err,
    reason = "the witness is built once, on the failure path; exact values inline are easy to match"
)]

use crate::exact::{Matrix, Q, gcd_biguint};
use crate::layer::{Decomposition, Kind, Layer, Mode, PaddedDecomposition, Split};

mod within;
use num_bigint::BigInt;
use num_integer::Integer;
use num_traits::{One, Signed, Zero};
use rayon::prelude::*;
pub use within::{BoundError, BoundReport, check_within};

/// Dimension from which rows and columns are processed in parallel.
const PARALLEL_FROM: usize = 32;

/// What a successful [`check`] verified.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CheckReport {
    /// Number of layers checked.
    pub layers: usize,
    /// Dimension of the layers (`first + second`): the target's `n`, or
    /// `n + pad` for [`check_padded`].
    pub n: usize,
}

/// Why a check failed: the first defect found, with a witness.
///
/// Layer indices (`layer`) are 0-based positions in `dec.layers`, i.e. in
/// application order; all other indices are 0-based too.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CheckError {
    /// A part of the split is empty (or the parts add up beyond `usize`).
    BadSplit {
        /// Size of the first part.
        first: usize,
        /// Size of the second part.
        second: usize,
    },
    /// The target is not `n x n` for `n = first + second`.
    TargetShape {
        /// Rows of the target.
        rows: usize,
        /// Columns of the target.
        cols: usize,
        /// The dimension the split describes.
        n: usize,
    },
    /// A layer's shift block or scale has the wrong shape.
    LayerShape {
        /// 0-based position of the layer in application order.
        layer: usize,
        /// The layer's kind.
        kind: Kind,
        /// `"shift"` or `"scale"`.
        what: &'static str,
        /// Expected `(rows, cols)`; a scale counts as a column, `(len, 1)`.
        expected: (usize, usize),
        /// Found `(rows, cols)`; a scale counts as a column, `(len, 1)`.
        found: (usize, usize),
    },
    /// A scale entry is zero, so the layer is singular.
    ZeroScale {
        /// 0-based position of the layer in application order.
        layer: usize,
        /// The layer's kind.
        kind: Kind,
        /// Index of the zero entry in the scale.
        index: usize,
    },
    /// A scale entry is negative in [`Mode::Positive`].
    NonPositiveScale {
        /// 0-based position of the layer in application order.
        layer: usize,
        /// The layer's kind.
        kind: Kind,
        /// Index of the entry in the scale.
        index: usize,
        /// Its exact value.
        value: Q,
    },
    /// A claimed intermediate product (see [`check_with_checkpoints`]) was
    /// never compared: checkpoints out of order, or past the last layer.
    CheckpointNotReached {
        /// The number of layers the checkpoint claims to be the product of.
        after: usize,
        /// The number of layers.
        layers: usize,
    },
    /// A padded decomposition whose pad does not fit: `pad >= N`, or a target
    /// that is not `(N - pad) x (N - pad)`.
    PadShape {
        /// The declared pad `K`.
        pad: usize,
        /// The dimension `N` of the layers.
        n_total: usize,
        /// Rows of the target.
        rows: usize,
        /// Columns of the target.
        cols: usize,
    },
    /// A padded decomposition's mask is not a valid first part of the unpadded
    /// coordinates.
    BadMask {
        /// What is wrong.
        reason: String,
    },
    /// The product of the layers differs from the target; `(row, col)` is the
    /// first differing entry in row-major order (padded: of `M[:, :n]` against
    /// `[[T], [0]]`, in the layers' coordinates).
    Mismatch {
        /// Row of the first differing entry.
        row: usize,
        /// Column of the first differing entry.
        col: usize,
        /// The exact entry of the product `MK ... M1`.
        product: Q,
        /// The exact entry of the target.
        target: Q,
    },
}

/// `layer 2 (upper)`: where a layer defect is.
fn at(layer: &usize, kind: &Kind) -> String {
    format!("layer {layer} ({})", format!("{kind:?}").to_lowercase())
}

/// Exact text of a rational, abbreviated in the middle when very long.
fn short(x: &Q) -> String {
    let s = x.to_string();
    if s.len() <= 80 {
        return s;
    }
    let (head, tail, len) = (&s[..30], &s[s.len() - 30..], s.len());
    format!("{head}...{tail} ({len} characters)")
}

impl std::fmt::Display for CheckError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        const NOTE: &str = "(layers are numbered from 0 in the order they act)";
        match self {
            CheckError::BadSplit { first, second } if *first > 0 && *second > 0 => write!(
                f,
                "the split ({first}, {second}) adds up to more than any dimension"
            ),
            CheckError::BadSplit { first, second } => write!(
                f,
                "the split ({first}, {second}) has an empty part; both parts of a coupling split need at least one coordinate"
            ),
            CheckError::TargetShape { rows, cols, n } => write!(
                f,
                "the target is {rows}x{cols}, but the split describes {n}x{n} matrices; give a square target of size first + second"
            ),
            CheckError::LayerShape {
                layer,
                kind,
                what,
                expected: (er, ec),
                found: (fr, fc),
            } => {
                if *what == "scale" {
                    let m = format!(
                        "the scale has {fr} entries, but this split needs {er}, one per updated coordinate"
                    );
                    write!(f, "{}: {m} {NOTE}", at(layer, kind))
                } else {
                    let m = format!(
                        "the shift block is {fr}x{fc}, but this split needs {er}x{ec} for this kind of layer"
                    );
                    write!(f, "{}: {m} {NOTE}", at(layer, kind))
                }
            }
            CheckError::ZeroScale { layer, kind, index } => write!(
                f,
                "{}: scale entry {index} is 0; a coupling layer needs nonzero scales {NOTE}",
                at(layer, kind)
            ),
            CheckError::NonPositiveScale {
                layer,
                kind,
                index,
                value,
            } => write!(
                f,
                "{}: scale entry {index} is {}, but positive mode needs every scale > 0; use signed mode or fix the layer {NOTE}",
                at(layer, kind),
                short(value)
            ),
            CheckError::CheckpointNotReached { after, layers } => write!(
                f,
                "the intermediate product after {after} layers was never reached (there are \
                 {layers} layers; intermediate products must be given in increasing order)"
            ),
            CheckError::PadShape {
                pad,
                n_total,
                rows,
                cols,
            } => {
                if pad >= n_total {
                    write!(
                        f,
                        "the pad {pad} leaves no unpadded coordinate: the layers act on {n_total} coordinates, and the pad must be smaller"
                    )
                } else {
                    let n = n_total - pad;
                    write!(
                        f,
                        "the target is {rows}x{cols}, but layers on {n_total} coordinates with pad {pad} describe {n}x{n} targets"
                    )
                }
            }
            CheckError::BadMask { reason } => write!(f, "the mask is not valid: {reason}"),
            CheckError::Mismatch {
                row,
                col,
                product,
                target,
            } => write!(
                f,
                "the layers multiply to {} at entry ({row}, {col}) but the target has {} there (first differing entry in row-major order, 0-based); the decomposition does not represent the target",
                short(product),
                short(target)
            ),
        }
    }
}

impl std::error::Error for CheckError {}

/// Verifies from scratch that `dec` is well formed and that its layers multiply
/// to `target` exactly. See the [module documentation](self) for what is checked,
/// the independence rules and what you have to trust.
pub fn check(target: &Matrix, dec: &Decomposition) -> Result<CheckReport, CheckError> {
    check_with_checkpoints(target, dec, &[]).map_err(|(_, e)| e)
}

/// Which comparison of [`check_with_checkpoints`] failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Failed {
    /// The checkpoint with this index (in the slice given).
    Checkpoint(usize),
    /// The final comparison with the target, or a shape or scale defect found
    /// before any checkpoint was reached.
    Target,
}

/// [`check`], also comparing the running product with claimed intermediate
/// products on the way: `checkpoints[i] = (after, product)` claims that the
/// first `after` layers multiply to `product`. The layers are applied once, in
/// order; when `after` layers have been applied the running product is
/// compared with every checkpoint for that count (so the cost is one product
/// plus one comparison per checkpoint, not one product per checkpoint). Layer
/// `i` is validated (shape, scale) just before it is applied, so the first
/// defect met in application order is reported. Checkpoints must be sorted by
/// `after`; one that is never reached (out of order, or `after` larger than the
/// number of layers) is reported as [`CheckError::CheckpointNotReached`].
///
/// # Errors
/// The first failure and where it happened: `(Failed::Checkpoint(i), e)` when
/// checkpoint `i` is not `n x n` or differs from the running product (a
/// [`CheckError::Mismatch`] whose `target` is the checkpoint's entry), else
/// `(Failed::Target, e)` as [`check`].
///
/// # Examples
/// ```
/// use couplings::check::{check_with_checkpoints, Failed};
/// use couplings::{CheckError, Decomposition, Layer, Mode, Split, exact::{Matrix, qi}};
/// let u = Layer::upper(Matrix::from_i64(&[&[-1]]), vec![qi(1)]);
/// let l = Layer::lower(Matrix::from_i64(&[&[1]]), vec![qi(1)]);
/// let dec = Decomposition { split: Split::new(1, 1), mode: Mode::Signed, layers: vec![u.clone(), l, u] };
/// let target = Matrix::from_i64(&[&[0, -1], &[1, 0]]);
/// let after_one = Matrix::from_i64(&[&[1, -1], &[0, 1]]);
/// assert!(check_with_checkpoints(&target, &dec, &[(1, &after_one)]).is_ok());
/// let lie = Matrix::from_i64(&[&[1, 1], &[0, 1]]);
/// let (at, e) = check_with_checkpoints(&target, &dec, &[(1, &after_one), (2, &lie)]).unwrap_err();
/// assert_eq!(at, Failed::Checkpoint(1));
/// assert!(matches!(e, CheckError::Mismatch { row: 0, col: 1, .. }));
/// ```
pub fn check_with_checkpoints(
    target: &Matrix,
    dec: &Decomposition,
    checkpoints: &[(usize, &Matrix)],
) -> Result<CheckReport, (Failed, CheckError)> {
    let at_target = |e| (Failed::Target, e);
    let Split { first, second } = dec.split;
    if first == 0 || second == 0 {
        return Err(at_target(CheckError::BadSplit { first, second }));
    }
    let Some(n) = first.checked_add(second) else {
        return Err(at_target(CheckError::BadSplit { first, second }));
    };
    let shape_of = |m: &Matrix| {
        let (rows, cols) = (m.rows(), m.cols());
        (rows != n || cols != n).then_some(CheckError::TargetShape { rows, cols, n })
    };
    // Row i of the running product is `rows[i].1 / rows[i].0` (integers over one
    // positive denominator per row).
    let mut rows: Vec<(BigInt, Vec<BigInt>)> = Vec::new();
    let mut next = 0;
    for applied in 0..=dec.layers.len() {
        while let Some(&(after, claimed)) = checkpoints.get(next) {
            if after != applied {
                break;
            }
            if let Some(e) = shape_of(claimed) {
                return Err((Failed::Checkpoint(next), e));
            }
            if rows.is_empty() {
                rows = identity_rows(n);
            }
            compare(&rows, claimed).map_err(|e| (Failed::Checkpoint(next), e))?;
            next += 1;
        }
        let Some(l) = dec.layers.get(applied) else {
            break;
        };
        if applied == 0 {
            // The target's shape is known before any layer is read (as in `check`).
            if let Some(e) = shape_of(target) {
                return Err(at_target(e));
            }
        }
        check_layer(applied, l, dec.split, dec.mode).map_err(at_target)?;
        if rows.is_empty() {
            rows = identity_rows(n);
        }
        multiply_on_left(&mut rows, l, first);
    }
    if let Some(&(after, _)) = checkpoints.get(next) {
        return Err((
            Failed::Checkpoint(next),
            CheckError::CheckpointNotReached {
                after,
                layers: dec.layers.len(),
            },
        ));
    }
    if let Some(e) = shape_of(target) {
        return Err(at_target(e));
    }
    if rows.is_empty() {
        rows = identity_rows(n);
    }
    compare(&rows, target).map_err(at_target)?;
    Ok(CheckReport {
        layers: dec.layers.len(),
        n,
    })
}

/// The identity as integer rows over denominator 1.
fn identity_rows(n: usize) -> Vec<(BigInt, Vec<BigInt>)> {
    first_columns(n, n)
}

/// The first `n` columns of the `n_total x n_total` identity, as integer rows
/// over denominator 1 (row `i` is `e_i` for `i < n`, zero below).
fn first_columns(n_total: usize, n: usize) -> Vec<(BigInt, Vec<BigInt>)> {
    (0..n_total)
        .map(|i| {
            let mut row = vec![BigInt::zero(); n];
            if i < n {
                row[i] = BigInt::one();
            }
            (BigInt::one(), row)
        })
        .collect()
}

/// The first entry (row-major) where the running product differs from `target`.
fn compare(rows: &[(BigInt, Vec<BigInt>)], target: &Matrix) -> Result<(), CheckError> {
    compare_with(rows, |row, col| target.get(row, col))
}

/// The first entry (row-major) where the running product differs from
/// `want(row, col)`.
fn compare_with<'a>(
    rows: &[(BigInt, Vec<BigInt>)],
    want: impl Fn(usize, usize) -> &'a Q,
) -> Result<(), CheckError> {
    for (row, (den, m_row)) in rows.iter().enumerate() {
        for (col, x) in m_row.iter().enumerate() {
            let target = want(row, col);
            // x / den == a / b  <=>  x b == a den (both denominators positive).
            if x * target.denom() != target.numer() * den {
                let target = target.clone();
                let product = Q::new(x.clone(), den.clone());
                return Err(CheckError::Mismatch {
                    row,
                    col,
                    product,
                    target,
                });
            }
        }
    }
    Ok(())
}

/// Verifies from scratch that `padded` is a well-formed padded decomposition of
/// `target`: the product `M` of its layers satisfies `M[:, :n] = [[T], [0]]`
/// (see the [module documentation](self), "Padded decompositions").
///
/// # Examples
/// ```
/// use couplings::{check_padded, CheckError, Decomposition, Layer, Mode, PaddedDecomposition, Split};
/// use couplings::exact::{Matrix, q, qi};
/// // T = [2] with one padded coordinate: L(T - 1), U(1), L(T^-1 - 1).
/// let layers = vec![
///     Layer::lower(Matrix::from_i64(&[&[1]]), vec![qi(1)]),
///     Layer::upper(Matrix::from_i64(&[&[1]]), vec![qi(1)]),
///     Layer::lower(Matrix::from_rows(vec![vec![q(-1, 2)]]).unwrap(), vec![qi(1)]),
/// ];
/// let mut padded = PaddedDecomposition {
///     pad: 1,
///     mask: None,
///     decomposition: Decomposition { split: Split::new(1, 1), mode: Mode::Positive, layers },
/// };
/// assert!(check_padded(&Matrix::from_i64(&[&[2]]), &padded).is_ok());
/// padded.decomposition.layers[2].shift.set(0, 0, q(-1, 3));
/// let err = check_padded(&Matrix::from_i64(&[&[2]]), &padded).unwrap_err();
/// assert!(matches!(err, CheckError::Mismatch { row: 1, col: 0, .. }));
/// ```
pub fn check_padded(
    target: &Matrix,
    padded: &PaddedDecomposition,
) -> Result<CheckReport, CheckError> {
    let dec = &padded.decomposition;
    let Split { first, second } = dec.split;
    if first == 0 || second == 0 {
        return Err(CheckError::BadSplit { first, second });
    }
    let n_total = first + second;
    let pad = padded.pad;
    let (rows, cols) = (target.rows(), target.cols());
    if pad >= n_total || rows != n_total - pad || cols != rows {
        return Err(CheckError::PadShape {
            pad,
            n_total,
            rows,
            cols,
        });
    }
    let n = rows;
    // The coordinate order: the mask, then the other unpadded coordinates.
    let order: Vec<usize> = match &padded.mask {
        None => (0..n).collect(),
        Some(mask) => {
            let mut seen = vec![false; n];
            for &c in mask {
                if c >= n {
                    let reason = format!("coordinate {c} is not an unpadded coordinate (n = {n})");
                    return Err(CheckError::BadMask { reason });
                }
                if seen[c] {
                    let reason = format!("coordinate {c} is listed twice");
                    return Err(CheckError::BadMask { reason });
                }
                seen[c] = true;
            }
            if mask.len() != first {
                let reason = format!(
                    "it lists {} coordinates but the first part has {first}",
                    mask.len()
                );
                return Err(CheckError::BadMask { reason });
            }
            let mut order = mask.clone();
            order.extend((0..n).filter(|&c| !seen[c]));
            order
        }
    };
    product_matches(target, dec, n, &order)
}

/// Steps 1 to 3 for layers on `N = split.n()` coordinates against the first
/// `n` columns: the running product starts as `[I_n; 0]` and must end as
/// `[[T'], [0]]` with `T'[i][j] = target[order[i]][order[j]]`.
fn product_matches(
    target: &Matrix,
    dec: &Decomposition,
    n: usize,
    order: &[usize],
) -> Result<CheckReport, CheckError> {
    let n_total = dec.split.n();
    let mut rows = first_columns(n_total, n);
    for (layer, l) in dec.layers.iter().enumerate() {
        check_layer(layer, l, dec.split, dec.mode)?;
        multiply_on_left(&mut rows, l, dec.split.first);
    }
    let zero = Q::zero();
    compare_with(&rows, |row, col| {
        if row < n {
            target.get(order[row], order[col])
        } else {
            &zero
        }
    })?;
    Ok(CheckReport {
        layers: dec.layers.len(),
        n: n_total,
    })
}

/// Shapes and scale signs of the layer `l` at position `layer`.
fn check_layer(layer: usize, l: &Layer, split: Split, mode: Mode) -> Result<(), CheckError> {
    let kind = l.kind;
    let (rows, cols) = match kind {
        Kind::Lower => (split.second, split.first),
        Kind::Upper => (split.first, split.second),
    };
    let shape = |what, expected, found| CheckError::LayerShape {
        layer,
        kind,
        what,
        expected,
        found,
    };
    let found = (l.shift.rows(), l.shift.cols());
    if found != (rows, cols) {
        return Err(shape("shift", (rows, cols), found));
    }
    if l.scale.len() != rows {
        return Err(shape("scale", (rows, 1), (l.scale.len(), 1)));
    }
    for (index, s) in l.scale.iter().enumerate() {
        if s.is_zero() {
            return Err(CheckError::ZeroScale { layer, kind, index });
        }
        if mode == Mode::Positive && s.is_negative() {
            let value = s.clone();
            return Err(CheckError::NonPositiveScale {
                layer,
                kind,
                index,
                value,
            });
        }
    }
    Ok(())
}

/// `m <- layer * m`, where `p` is the size of the first part and row `i` of `m`
/// is `m[i].1 / m[i].0`. Only the rows of the updated part change; each new row
/// is a combination of old rows of `m`: its coefficients and the old rows'
/// denominators are put over one denominator (an `lcm` per coefficient), the
/// integer rows are combined, and the result is divided by the gcd of its
/// denominator and entries (usually found after one or two `gcd`s).
fn multiply_on_left(m: &mut [(BigInt, Vec<BigInt>)], layer: &Layer, p: usize) {
    let n = m.len();
    let width = m.first().map_or(0, |r| r.1.len());
    let parallel = n >= PARALLEL_FROM;
    // For each updated row r: the nonzero coefficients (source row, value) of
    // row r of the layer matrix.
    let combos: Vec<(usize, Vec<(usize, &Q)>)> = match layer.kind {
        Kind::Lower => (0..layer.scale.len())
            .map(|i| {
                let mut c: Vec<(usize, &Q)> = (0..p).map(|k| (k, layer.shift.get(i, k))).collect();
                c.push((p + i, &layer.scale[i]));
                (p + i, c)
            })
            .collect(),
        Kind::Upper => (0..layer.scale.len())
            .map(|i| {
                let mut c = vec![(i, &layer.scale[i])];
                c.extend((0..n - p).map(|k| (p + k, layer.shift.get(i, k))));
                (i, c)
            })
            .collect(),
    };
    let old: &[(BigInt, Vec<BigInt>)] = m;
    let new_rows: Vec<(BigInt, Vec<BigInt>)> = map_range(combos.len(), parallel, |t| {
        let terms: Vec<(usize, &Q)> = combos[t]
            .1
            .iter()
            .filter(|(_, c)| !c.is_zero())
            .copied()
            .collect();
        // Row r = sum_s (a_s / b_s) (N_s / den_s) = (sum_s f_s N_s) / den with
        // den = lcm_s(b_s den_s) and f_s = a_s den / (b_s den_s).
        let den = terms.iter().fold(BigInt::one(), |acc, (s, c)| {
            let d = c.denom() * &old[*s].0;
            if d.is_one() || d == acc {
                acc
            } else {
                let g = common_divisor(&acc, &d);
                acc / g * d
            }
        });
        let factors: Vec<BigInt> = terms
            .iter()
            .map(|(s, c)| c.numer() * (&den / (c.denom() * &old[*s].0)))
            .collect();
        let mut row: Vec<BigInt> = (0..width)
            .map(|j| {
                let mut sum = BigInt::zero();
                for ((s, _), f) in terms.iter().zip(&factors) {
                    let x = &old[*s].1[j];
                    if !x.is_zero() {
                        sum += f * x;
                    }
                }
                sum
            })
            .collect();
        let mut g = den.clone();
        for x in &row {
            if g.is_one() {
                break;
            }
            if !x.is_zero() {
                g = common_divisor(&g, x);
            }
        }
        if g.is_one() {
            return (den, row);
        }
        for x in row.iter_mut() {
            if !x.is_zero() {
                *x = &*x / &g;
            }
        }
        (den / g, row)
    });
    for ((r, _), row) in combos.iter().zip(new_rows) {
        m[*r] = row;
    }
}

/// A positive common divisor of `a` and `b` (not both zero): the Lehmer gcd of
/// `crate::exact`, used only after checking that it divides both exactly (else
/// `num-integer`'s gcd). So the checker's soundness never rests on the fast
/// gcd: dividing a row and its denominator by any common divisor leaves the
/// row's value unchanged, and `a / g * b` is a common multiple of `a` and `b`.
fn common_divisor(a: &BigInt, b: &BigInt) -> BigInt {
    let g = BigInt::from(gcd_biguint(a.magnitude(), b.magnitude()));
    if !g.is_zero() && (a % &g).is_zero() && (b % &g).is_zero() {
        g
    } else {
        a.gcd(b)
    }
}

/// `(0..len).map(f)`, in parallel (order preserved) when asked.
fn map_range<T: Send>(len: usize, parallel: bool, f: impl Fn(usize) -> T + Sync + Send) -> Vec<T> {
    if parallel {
        (0..len).into_par_iter().map(f).collect()
    } else {
        (0..len).map(f).collect()
    }
}
