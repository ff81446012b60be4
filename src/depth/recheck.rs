//! The re-checker for lower-bound certificates: [`recheck`] verifies, from the
//! target matrix and the certificate alone, that every listed shape (0, 1, 2 or
//! 3 layers) is impossible. It does not call the decision procedure of
//! [`crate::construct::short`] (nor any construction code); [`crate::depth`]
//! calls this module on what the decision returns.
//!
//! # What it trusts
//!
//! * exact rational arithmetic (`num-rational`, `num-bigint`);
//! * the `Matrix` container and its exact operations from `crate::exact`:
//!   `*` (product), `-`, `mul_vec`, `det`, `block`, `from_blocks`, `transpose`,
//!   `scale_cols`, `is_identity`, `is_diagonal` (no inverse, rank, kernel or
//!   factorisation routine is trusted: every kernel vector, one-sided inverse
//!   and inverse in a certificate is verified by multiplication);
//! * the necessary conditions proved in `docs/lower-bounds.md` (lemmas in
//!   `proofs/depth.proof`): for each shape, which entries must vanish or be
//!   nonzero/positive, and for three layers the monomial equations below.
//!
//! The certificate vocabulary (shapes, witnesses, facts and their evaluation
//! into monomial equations) is [`crate::construct::short::witness`], shared with
//! the decision and re-exported here; it holds data and its meaning, no
//! construction. What the facts of a three-layer certificate state is
//! documented there.

pub use crate::construct::short::bounds::{FiveWitness, FourLayerCertificate};
use crate::construct::short::bounds::{four_layer_generators, refutes};
pub use crate::construct::short::witness::{
    Contradiction, Derived, EntryWitness, Fact, Factorization, MonoEq, Requirement, Shape,
    ShapeFailure, UluCertificate, Var, evaluate_facts, quarters, swap_halves,
};
use crate::exact::poly::{MAX_VARS, Poly};
use crate::exact::{Matrix, Q, fmt_q};
use crate::layer::Mode;
use num_traits::{One, Signed, Zero};
use std::collections::BTreeMap;

/// A certificate that `T` needs at least four layers: one failure per shape.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Certificate {
    /// Signed or positive scales.
    pub mode: Mode,
    /// One failure for each of the seven shapes.
    pub failures: Vec<(Shape, ShapeFailure)>,
}

/// A certificate that does not re-check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecheckError {
    /// The shape whose witness failed, if any.
    pub shape: Option<Shape>,
    /// What is wrong.
    pub message: String,
}

impl std::fmt::Display for RecheckError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RecheckError {
                shape: Some(s),
                message,
            } => write!(f, "shape {}: {message}", s.name()),
            RecheckError {
                shape: None,
                message,
            } => write!(f, "{message}"),
        }
    }
}

impl std::error::Error for RecheckError {}

fn err(shape: Option<Shape>, message: impl Into<String>) -> RecheckError {
    RecheckError {
        shape,
        message: message.into(),
    }
}

/// Checks a contradiction among evaluated equations.
///
/// # Errors
/// A message when the contradiction does not hold.
pub fn check_contradiction(
    eqs: &[MonoEq],
    contradiction: &Contradiction,
    positive: bool,
) -> Result<(), String> {
    match contradiction {
        Contradiction::Single { fact } => {
            let e = eqs.get(*fact).ok_or("fact index out of range")?;
            if e.infeasible(positive) {
                Ok(())
            } else {
                Err(format!("fact {fact} alone is satisfiable"))
            }
        }
        Contradiction::Combination { terms } => {
            let mut exps: BTreeMap<Var, i64> = BTreeMap::new();
            let mut product = Q::one();
            for (i, m) in terms {
                let e = eqs.get(*i).ok_or("fact index out of range")?;
                if e.coef.is_zero() || e.val.is_zero() || e.vars.is_empty() {
                    return Err(format!("fact {i} is not a nondegenerate monomial equation"));
                }
                for v in &e.vars {
                    *exps.entry(*v).or_insert(0) += m;
                }
                let ratio = &e.val / &e.coef;
                let p = i32::try_from(m.abs()).map_err(|_| "multiplier too large")?;
                let pw = num_traits::pow(ratio, p as usize);
                product = if *m >= 0 { product * pw } else { product / pw };
            }
            if exps.values().any(|&x| x != 0) {
                return Err("the monomials of the combination do not cancel".into());
            }
            if product.is_one() {
                return Err("the combination's product of ratios is 1 (no contradiction)".into());
            }
            Ok(())
        }
    }
}

fn entry_requirement_ok(shape: Shape, w: &EntryWitness, positive: bool) -> bool {
    use Derived::*;
    use Requirement::*;
    let diag = w.row == w.col;
    let nz = if positive { Positive } else { Nonzero };
    match (shape.base(), w.matrix) {
        (Shape::Identity, Whole) => w.requirement == if diag { One } else { Zero },
        (Shape::Upper, T21) => w.requirement == Zero,
        (Shape::Upper, T22) => w.requirement == if diag { One } else { Zero },
        (Shape::Upper, T11) => w.requirement == if diag { nz } else { Zero },
        (Shape::UpperLower, T22) | (Shape::UpperLower, Schur) => {
            w.requirement == if diag { nz } else { Zero }
        }
        _ => false,
    }
}

/// Re-checks one shape failure for `t` (the original target; swapped shapes are
/// swapped here).
///
/// # Errors
/// Why the witness does not prove that the shape is impossible.
pub fn recheck_shape(
    t: &Matrix,
    mode: Mode,
    shape: Shape,
    failure: &ShapeFailure,
) -> Result<(), RecheckError> {
    let positive = mode == Mode::Positive;
    let e = |m: String| err(Some(shape), m);
    if !t.is_square() || !t.rows().is_multiple_of(2) || t.rows() == 0 {
        return Err(e("the target is not 2d x 2d".into()));
    }
    let m = if shape.swapped() {
        swap_halves(t)
    } else {
        t.clone()
    };
    match failure {
        ShapeFailure::Determinant { det } => {
            if !positive {
                return Err(e("a determinant witness needs positive mode".into()));
            }
            let actual = t.det();
            if actual != *det || det.is_positive() {
                return Err(e(format!(
                    "det is {}, not a non-positive {}",
                    fmt_q(&actual),
                    fmt_q(det)
                )));
            }
            Ok(())
        }
        ShapeFailure::Entry(w) => {
            if !entry_requirement_ok(shape, w, positive) {
                return Err(e(format!(
                    "{:?} of {:?} at ({}, {}) is not a necessary condition of this shape",
                    w.requirement, w.matrix, w.row, w.col
                )));
            }
            let (t11, t12, t21, t22) = quarters(&m);
            let block = match w.matrix {
                Derived::Whole => m.clone(),
                Derived::T11 => t11,
                Derived::T12 => t12,
                Derived::T21 => t21,
                Derived::T22 => t22,
                Derived::Schur => {
                    if !t22.is_diagonal() || t22.diagonal().iter().any(Zero::is_zero) {
                        return Err(e(
                            "the Schur witness needs T22 diagonal and invertible".into()
                        ));
                    }
                    let inv: Vec<Q> = t22.diagonal().iter().map(|x| x.recip()).collect();
                    &t11 - &(&t12.scale_cols(&inv) * &t21)
                }
            };
            if w.row >= block.rows() || w.col >= block.cols() {
                return Err(e("entry out of range".into()));
            }
            let v = block.get(w.row, w.col);
            if *v != w.value {
                return Err(e(format!(
                    "the entry is {}, not {}",
                    fmt_q(v),
                    fmt_q(&w.value)
                )));
            }
            if !w.requirement.violated_by(v) {
                return Err(e("the entry satisfies the requirement".into()));
            }
            Ok(())
        }
        ShapeFailure::ThreeLayers(c) => {
            if shape.base() != Shape::Ulu {
                return Err(e("a three-layer certificate for a shorter shape".into()));
            }
            let eqs = evaluate_facts(&m, c.factorization.as_ref(), &c.facts).map_err(e)?;
            check_contradiction(&eqs, &c.contradiction, positive).map_err(e)
        }
    }
}

/// Re-checks a whole certificate: every one of the seven shapes must have a
/// valid failure, so `T` is not a product of 0, 1, 2 or 3 layers.
///
/// # Errors
/// The first shape that is missing or whose witness does not re-check.
pub fn recheck(t: &Matrix, cert: &Certificate) -> Result<(), RecheckError> {
    recheck_below(t, cert.mode, 4, &cert.failures)
}

/// Re-checks that `T` is not a product of fewer than `layers` layers: every
/// shape with fewer layers must have a valid failure in `failures` (this is
/// the minimality half of an exact answer).
///
/// # Errors
/// The first shape that is missing or whose witness does not re-check.
pub fn recheck_below(
    t: &Matrix,
    mode: Mode,
    layers: usize,
    failures: &[(Shape, ShapeFailure)],
) -> Result<(), RecheckError> {
    for shape in Shape::ALL.into_iter().filter(|s| s.layers() < layers) {
        let failure = failures
            .iter()
            .find(|(s, _)| *s == shape)
            .map(|(_, f)| f)
            .ok_or_else(|| err(Some(shape), "no failure listed"))?;
        recheck_shape(t, mode, shape, failure)?;
    }
    Ok(())
}

/// Re-checks that `T` is not a product of at most four layers, given the
/// witness and the (separately re-checked) certificate that it is not a
/// product of at most three (`docs/lower-bounds.md`, sections 8 and 9):
///
/// * [`FiveWitness::SwapFamily`]: `T11 = 0` and `T22 = 0` entry by entry (the
///   swap-family theorem: four layers only if three);
/// * [`FiveWitness::Polynomial`] (n = 4): for `U L U L` on `T` and on `S T S`,
///   the certificate's inverse times the matrix is `I`, the nine generators of
///   the four-layer system ([`four_layer_generators`]) are rebuilt from the
///   matrix and that inverse, `sum_j c_j p_j` is multiplied out and compared
///   with `h`, and `h` is one that cannot vanish at an admissible point
///   ([`refutes`]).
///
/// # Errors
/// What does not re-check.
pub fn recheck_five(t: &Matrix, mode: Mode, witness: &FiveWitness) -> Result<(), RecheckError> {
    let n = t.rows();
    let d = n / 2;
    if n == 0 || n % 2 == 1 || t.cols() != n {
        return Err(err(None, "the target is not square of even size"));
    }
    match witness {
        FiveWitness::SwapFamily => {
            if !t.block(0, 0, d, d).is_zero() || !t.block(d, d, d, d).is_zero() {
                return Err(err(None, "swap family: T11 or T22 is not zero"));
            }
            Ok(())
        }
        FiveWitness::Polynomial { ulul, lulu } => {
            if n != 4 {
                return Err(err(None, "polynomial certificates are stated for n = 4"));
            }
            let positive = mode == Mode::Positive;
            recheck_four_layer(t, ulul, positive)
                .map_err(|e| err(None, format!("U L U L: {e}")))?;
            recheck_four_layer(&swap_halves(t), lulu, positive)
                .map_err(|e| err(None, format!("L U L U (on S T S): {e}")))
        }
    }
}

/// The largest exponent a re-checked certificate may use (the monomial
/// product saturates at 255; staying far below keeps it exact).
const MAX_CERT_EXPONENT: u8 = 100;

fn recheck_four_layer(
    m: &Matrix,
    cert: &FourLayerCertificate,
    positive: bool,
) -> Result<(), String> {
    let inv = &cert.inverse;
    if inv.rows() != 4 || inv.cols() != 4 || !(m * inv).is_identity() {
        return Err("the stated inverse is not the inverse".into());
    }
    let gens = four_layer_generators(m, inv);
    if cert.cofactors.len() != gens.len() {
        return Err(format!(
            "{} cofactors for {} generators",
            cert.cofactors.len(),
            gens.len()
        ));
    }
    let too_high = |p: &Poly| {
        p.terms()
            .any(|(mono, _)| (0..MAX_VARS).any(|i| mono.exponent(i) > MAX_CERT_EXPONENT))
    };
    if cert.cofactors.iter().any(too_high) || too_high(&cert.h) {
        return Err(format!("an exponent above {MAX_CERT_EXPONENT}"));
    }
    let sum = gens
        .iter()
        .zip(&cert.cofactors)
        .fold(Poly::zero(), |acc, (g, c)| &acc + &(g * c));
    if sum != cert.h {
        return Err("sum of cofactors times generators differs from h".into());
    }
    if !refutes(&cert.h, positive) {
        return Err(if positive {
            "h uses variables other than the scales, or its coefficients do not share one sign"
                .into()
        } else {
            "h is not a single nonzero term in the scales".into()
        });
    }
    Ok(())
}
