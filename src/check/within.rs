//! The bound checker: verifies from scratch that the exact product `P` of a
//! decomposition's layers is within a stated relative distance of a target,
//! `||P - T||_F <= r ||T||_F`, with exact arithmetic only. It is what a
//! certificate with a `bound` line (version 2, docs/certificate.md) and the
//! tolerance mode (`--tolerance EPS`) rely on.
//!
//! It checks, in this order, and reports the first defect as a typed
//! [`BoundError`]:
//!
//! 1. **shapes and structure**, exactly as [`check`](super::check) does
//!    (non-empty split, `n x n` target, every layer's shapes, nonzero scales,
//!    positive scales in positive mode);
//! 2. **the bound** `r` is not negative;
//! 3. **dyadic entries**: every layer entry is an integer over a power of two
//!    (all of one layer over one power of two `2^F`, each integer below
//!    `2^94`, `F <= 512`), which is what makes the product fast to compute
//!    exactly;
//! 4. **the bound holds**: the product `P = MK ... M1` is computed exactly by
//!    the kernel [`crate::exact::dyadic::product`] (integers only, no
//!    rounding), `||P - T||_F^2 / ||T||_F^2 = num / den` exactly by
//!    [`crate::exact::dyadic::distance_sq`], and `num r_den^2 <= r_num^2 den`
//!    is decided on integers.
//!
//! # What you have to trust
//!
//! Besides what [`check`](super::check) asks you to trust (this file replaces
//! its product step): this file, the dyadic kernel in `src/exact/dyadic.rs`
//! (about 200 lines: limb accumulation, carries, the distance; tested against
//! rational arithmetic), and `num-bigint`'s integer arithmetic. No construction
//! code, no float arithmetic. `tests/check_kernel.rs` scans this file for the
//! same independence rules as the exact checker.
//!
//! # Examples
//! ```
//! use couplings::check::{check_within, BoundError};
//! use couplings::exact::{Matrix, q, qi};
//! use couplings::{Decomposition, Layer, Mode, Split};
//! // L(1/2) is [[1, 0], [1/2, 1]]: at relative distance 1/(2 sqrt 2) from I.
//! let l = Layer::lower(Matrix::from_rows(vec![vec![q(1, 2)]]).unwrap(), vec![qi(1)]);
//! let dec = Decomposition { split: Split::new(1, 1), mode: Mode::Signed, layers: vec![l] };
//! let report = check_within(&Matrix::identity(2), &dec, &q(36, 100)).unwrap();
//! assert_eq!(report.rel_error_sq, q(1, 8));
//! let err = check_within(&Matrix::identity(2), &dec, &q(35, 100)).unwrap_err();
//! assert!(matches!(err, BoundError::Exceeded { .. }));
//! ```

use super::{CheckError, check_layer};
use crate::exact::dyadic::{DyadicError, DyadicFactor, distance_sq, product, to_dyadic_ints};
use crate::exact::{Matrix, Q};
use crate::layer::{Decomposition, Kind, Split};
use num_traits::{Signed, Zero};

/// What a successful [`check_within`] verified.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BoundReport {
    /// Number of layers.
    pub layers: usize,
    /// Dimension.
    pub n: usize,
    /// `||P - T||_F^2 / ||T||_F^2`, exactly.
    pub rel_error_sq: Q,
    /// The bound `r` that was verified (`rel_error_sq <= r^2`).
    pub bound: Q,
}

/// Why a bound check failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BoundError {
    /// A shape or structure defect, as the exact checker names it.
    Structure(CheckError),
    /// The stated bound is negative.
    NegativeBound {
        /// The bound.
        bound: Q,
    },
    /// The target is zero, so no relative distance is defined.
    ZeroTarget,
    /// A layer entry is not an integer over a power of two, or too large for
    /// the kernel.
    NotDyadic {
        /// 0-based position of the layer in application order.
        layer: usize,
        /// The layer's kind.
        kind: Kind,
        /// `"shift"` or `"scale"`.
        what: &'static str,
        /// Row-major index of the entry in the shift, or index in the scale.
        index: usize,
        /// Whether the entry is dyadic but beyond the kernel's limits.
        too_large: bool,
    },
    /// The bound does not hold: `||P - T||_F^2 / ||T||_F^2 > r^2`.
    Exceeded {
        /// `||P - T||_F^2 / ||T||_F^2`, exactly.
        rel_error_sq: Q,
        /// The stated bound `r`.
        bound: Q,
    },
}

impl std::fmt::Display for BoundError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            BoundError::Structure(e) => write!(f, "{e}"),
            BoundError::NegativeBound { bound } => {
                write!(f, "the stated bound {bound} is negative")
            }
            BoundError::ZeroTarget => write!(
                f,
                "the target is zero, so a relative distance to it is not defined"
            ),
            BoundError::NotDyadic {
                layer,
                kind,
                what,
                index,
                too_large,
            } => {
                let why = if *too_large {
                    "is too large for the bound checker (integers below 2^94 over at most 2^512 per layer)"
                } else {
                    "is not an integer over a power of two (the bound checker takes dyadic layers, such as float values)"
                };
                write!(
                    f,
                    "layer {layer} ({}): {what} entry {index} {why} (layers are numbered from 0 in the order they act)",
                    kind.name()
                )
            }
            BoundError::Exceeded {
                rel_error_sq,
                bound,
            } => write!(
                f,
                "the layers multiply to a matrix P with ||P - T||_F^2 / ||T||_F^2 = {rel_error_sq} \
                 (exact), which exceeds the stated bound squared ({bound})^2; the bound does not hold"
            ),
        }
    }
}

impl std::error::Error for BoundError {}

/// Verifies from scratch that the exact product `P` of `dec`'s layers satisfies
/// `||P - target||_F <= bound ||target||_F`. See the [module
/// documentation](self) for what is checked and what you have to trust.
///
/// # Errors
/// The first defect, as a [`BoundError`].
pub fn check_within(
    target: &Matrix,
    dec: &Decomposition,
    bound: &Q,
) -> Result<BoundReport, BoundError> {
    let Split { first, second } = dec.split;
    if first == 0 || second == 0 {
        return Err(BoundError::Structure(CheckError::BadSplit {
            first,
            second,
        }));
    }
    let n = first + second;
    if target.rows() != n || target.cols() != n {
        let (rows, cols) = (target.rows(), target.cols());
        return Err(BoundError::Structure(CheckError::TargetShape {
            rows,
            cols,
            n,
        }));
    }
    for (layer, l) in dec.layers.iter().enumerate() {
        check_layer(layer, l, dec.split, dec.mode).map_err(BoundError::Structure)?;
    }
    if bound.is_negative() {
        return Err(BoundError::NegativeBound {
            bound: bound.clone(),
        });
    }
    let mut factors = Vec::with_capacity(dec.layers.len());
    for (layer, l) in dec.layers.iter().enumerate() {
        let (rows, cols) = (l.shift.rows(), l.shift.cols());
        let mut values: Vec<Q> = Vec::with_capacity(rows * cols + rows);
        for i in 0..rows {
            for j in 0..cols {
                values.push(l.shift.get(i, j).clone());
            }
        }
        values.extend(l.scale.iter().cloned());
        let (mut ints, frac_bits) = to_dyadic_ints(&values).map_err(|e| {
            let (index, too_large) = match e {
                DyadicError::NotDyadic { index } => (index, false),
                DyadicError::TooLarge { index } => (index, true),
            };
            let (what, index) = if index < rows * cols {
                ("shift", index)
            } else {
                ("scale", index - rows * cols)
            };
            BoundError::NotDyadic {
                layer,
                kind: l.kind,
                what,
                index,
                too_large,
            }
        })?;
        let scale = ints.split_off(rows * cols);
        factors.push(DyadicFactor {
            updates_second: l.kind == Kind::Lower,
            shift: ints,
            scale,
            frac_bits,
        });
    }
    let p = product(first, second, &factors);
    let (num, den) = distance_sq(&p, target);
    if den.is_zero() {
        return Err(BoundError::ZeroTarget);
    }
    let rel_error_sq = Q::new(num.clone(), den.clone());
    // num / den <= (a / b)^2  <=>  num b^2 <= a^2 den (b, den > 0).
    let (a, b) = (bound.numer(), bound.denom());
    if num * b * b > a * a * den {
        return Err(BoundError::Exceeded {
            rel_error_sq,
            bound: bound.clone(),
        });
    }
    Ok(BoundReport {
        layers: dec.layers.len(),
        n,
        rel_error_sq,
        bound: bound.clone(),
    })
}
