//! Products of at most three layers (half/half split, blocks of size `d`), the
//! one place that decides them exactly. Two parts:
//!
//! * closed forms, tried first by the shallow strategy (cheap, no witness):
//!   one layer: `T` itself has layer shape; two layers:
//!   `U(B, E) L(A, D) = [[E + B A, B D], [A, D]]`, so `T` is `UL` iff `T22` is
//!   diagonal and `T11 - T12 T22^-1 T21` is diagonal (lemma `two_layer_ul`),
//!   and the mirror statement for `LU` (lemma `two_layer_lu`); three layers
//!   with `T21` invertible: `U(X, E1) L(Y, D) U(Z, E2) = T` iff
//!   `R := T11 N T22 - T12 = Delta N D` with `N = T21^-1` and `Delta`, `D`
//!   diagonal (lemmas `three_layer_ulu`, `ulu_solution`); `LUL` by the swap
//!   symmetry;
//! * the complete decision [`decide`] over the seven shapes (singular blocks
//!   included): for every shape either its layers or a [`ShapeFailure`]
//!   witness ([`witness`]); the three-layer case is solved in [`ulu`].
//!
//! [`decide`] takes what the caller already computed (the determinant) and
//! assumes an invertible `T` of even size; [`crate::depth`] adds validation,
//! the exact product check and the re-checking of every witness.
//! A four-layer decision would be a sibling of [`ulu`] with its own shapes.

pub mod bounds;
pub mod groebner;
pub mod linalg;
pub mod ulu;
pub mod ulul;
pub mod witness;

use super::blocks::{Blocks, Chain};
use crate::exact::{Matrix, Q};
use crate::layer::{Kind, Layer, Mode};
use num_traits::{Signed, Zero};
pub use witness::{
    Contradiction, Derived, EntryWitness, Fact, Factorization, MonoEq, Requirement, Shape,
    ShapeFailure, UluCertificate, Var, evaluate_facts, quarters, swap_halves,
};

/// Whether every scale in the chain is positive.
pub fn all_positive(chain: &Chain) -> bool {
    chain
        .iter()
        .all(|l| l.scale.iter().all(Signed::is_positive))
}

/// One layer, if `T` has layer shape.
pub fn one_layer(b: &Blocks) -> Option<Chain> {
    if b.t11.is_identity() && b.t12.is_zero() && b.t22.is_diagonal() {
        return Some(vec![Layer::lower(b.t21.clone(), b.t22.diagonal())]);
    }
    if b.t22.is_identity() && b.t21.is_zero() && b.t11.is_diagonal() {
        return Some(vec![Layer::upper(b.t12.clone(), b.t11.diagonal())]);
    }
    None
}

/// Two layers `U L` (application order `[L, U]`), if `T` has that closed form.
/// The `LU` case is obtained by the caller through the swap symmetry.
pub fn two_layers_ul(b: &Blocks) -> Option<Chain> {
    // lemma: two_layer_ul
    if !b.t22.is_diagonal() {
        return None;
    }
    let d = b.t22.diagonal();
    if d.iter().any(Zero::is_zero) {
        return None;
    }
    let dinv: Vec<Q> = d.iter().map(|x| x.recip()).collect();
    let bshift = b.t12.scale_cols(&dinv);
    let e = &b.t11 - &(&bshift * &b.t21);
    if !e.is_diagonal() {
        return None;
    }
    // lemma: two_layer_ul_solution
    Some(vec![
        Layer::lower(b.t21.clone(), d),
        Layer::upper(bshift, e.diagonal()),
    ])
}

/// Finds diagonals `delta`, `dd` with `r = diag(delta) n diag(dd)`, all entries
/// nonzero; `n` must be invertible (every row and column has a nonzero entry).
/// In positive mode both diagonals must come out positive.
fn diagonal_equivalence(r: &Matrix, n: &Matrix, positive: bool) -> Option<(Vec<Q>, Vec<Q>)> {
    let d = n.rows();
    let mut delta: Vec<Option<Q>> = vec![None; d];
    let mut dd: Vec<Option<Q>> = vec![None; d];
    // Zero patterns must agree.
    for i in 0..d {
        for j in 0..d {
            if n.get(i, j).is_zero() != r.get(i, j).is_zero() {
                return None;
            }
        }
    }
    // Propagate over the bipartite graph of nonzero entries, one component at a time.
    let mut comp_row = vec![0usize; d];
    let mut comp_col = vec![0usize; d];
    for root in 0..d {
        if delta[root].is_some() {
            continue;
        }
        delta[root] = Some(Q::from_integer(1.into()));
        comp_row[root] = root;
        let mut stack = vec![(true, root)];
        while let Some((is_row, k)) = stack.pop() {
            for other in 0..d {
                let (i, j) = if is_row { (k, other) } else { (other, k) };
                let nij = n.get(i, j);
                if nij.is_zero() {
                    continue;
                }
                let ratio = r.get(i, j) / nij;
                if is_row {
                    if dd[j].is_none() {
                        dd[j] = Some(&ratio / delta[i].as_ref().unwrap());
                        comp_col[j] = root;
                        stack.push((false, j));
                    }
                } else if delta[i].is_none() {
                    delta[i] = Some(&ratio / dd[j].as_ref().unwrap());
                    comp_row[i] = root;
                    stack.push((true, i));
                }
            }
        }
    }
    let mut delta: Vec<Q> = delta.into_iter().collect::<Option<_>>()?;
    let mut dd: Vec<Q> = dd.into_iter().collect::<Option<_>>()?;
    if positive {
        // Within a component (delta, dd) may be scaled by (s, 1/s); positivity
        // needs every delta and dd of the component to share the root's sign.
        let root_sign = |c: usize| delta[c].is_positive();
        if (0..d).any(|i| delta[i].is_positive() != root_sign(comp_row[i]))
            || (0..d).any(|j| dd[j].is_positive() != root_sign(comp_col[j]))
        {
            return None;
        }
        for x in delta.iter_mut().chain(dd.iter_mut()) {
            *x = x.abs();
        }
    }
    // Verify the equivalence entry by entry.
    for (i, di) in delta.iter().enumerate() {
        for (j, dj) in dd.iter().enumerate() {
            if &(di * n.get(i, j)) * dj != *r.get(i, j) {
                return None;
            }
        }
    }
    Some((delta, dd))
}

/// Three layers `U L U` (application order `[U(Z, I), L(Y, D), U(X, Delta)]`) when
/// `T21` is invertible and `R = Delta N D`; `n` is `T21^-1`.
pub fn three_layers_ulu(b: &Blocks, n: &Matrix, positive: bool) -> Option<Chain> {
    // lemma: core_reduce
    let r = &(&(&b.t11 * n) * &b.t22) - &b.t12;
    let (delta, dd) = diagonal_equivalence(&r, n, positive)?;
    // lemma: ulu_solution (E2 = I, E1 = Delta, Y = T21, Z = N (T22 - D), X = (T11 - Delta) N)
    // lemma: ulu_solution_unit (that special case, as built here)
    let z = n * &(&b.t22 - &Matrix::from_diagonal(&dd));
    let x = &(&b.t11 - &Matrix::from_diagonal(&delta)) * n;
    Some(vec![
        Layer::unit(Kind::Upper, z),
        Layer::lower(b.t21.clone(), dd),
        Layer::upper(x, delta),
    ])
}

// ------------------------------------------------------------------ the decision

/// The answer of [`decide`] (not yet re-checked: [`crate::depth::decide`] does that).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decision {
    /// `T` is a product of `shape.layers()` layers, and of no fewer.
    Found {
        /// The shortest shape that works.
        shape: Shape,
        /// Its layers, in application order.
        layers: Vec<Layer>,
        /// Why each shape tried before it (every shorter one among them) fails.
        shorter: Vec<(Shape, ShapeFailure)>,
    },
    /// No product of at most three layers equals `T`: one failure per shape.
    AtLeastFour {
        /// The failures, in the order of [`Shape::ALL`].
        failures: Vec<(Shape, ShapeFailure)>,
    },
    /// An internal step failed (never expected).
    Internal(String),
}

/// Decides whether `t` (invertible, `2d x 2d`, half/half split) is a product
/// of at most three layers in `mode`. `det` is `det T` when the caller has it
/// (only positive mode needs it; it is computed here when `None`).
///
/// # Examples
/// ```
/// use couplings::construct::short::{Decision, Shape, decide};
/// use couplings::{Mode, exact::Matrix};
/// let rot = Matrix::from_i64(&[&[0, 0, -1, 0], &[0, 0, 0, -1], &[1, 0, 0, 0], &[0, 1, 0, 0]]);
/// let Decision::Found { shape, layers, .. } = decide(&rot, Mode::Signed, None) else { panic!() };
/// assert_eq!((shape, layers.len()), (Shape::Ulu, 3));
/// ```
pub fn decide(t: &Matrix, mode: Mode, det: Option<&Q>) -> Decision {
    let positive = mode == Mode::Positive;
    // Positive mode: det T <= 0 rules out every shape (positive layers have det > 0).
    let bad_det = if positive {
        let det = det.map_or_else(|| t.det(), Q::clone);
        (!det.is_positive()).then_some(det)
    } else {
        None
    };
    let mut failures: Vec<(Shape, ShapeFailure)> = Vec::new();
    for shape in Shape::ALL {
        let attempt = match &bad_det {
            Some(det) => Err(Fail::Shape(ShapeFailure::Determinant { det: det.clone() })),
            None => try_shape(t, shape, positive),
        };
        match attempt {
            Ok(layers) => {
                return Decision::Found {
                    shape,
                    layers,
                    shorter: failures,
                };
            }
            Err(Fail::Shape(f)) => failures.push((shape, f)),
            Err(Fail::Internal(reason)) => {
                return Decision::Internal(format!("{} shape: {reason}", shape.name()));
            }
        }
    }
    Decision::AtLeastFour { failures }
}

/// Tries one shape: layers in application order, or why it fails.
fn try_shape(t: &Matrix, shape: Shape, positive: bool) -> Result<Vec<Layer>, Fail> {
    let m = if shape.swapped() {
        swap_halves(t)
    } else {
        t.clone()
    };
    let layers = match shape.base() {
        Shape::Identity => identity(&m)?,
        Shape::Upper => upper(&m, positive)?,
        Shape::UpperLower => upper_lower(&m, positive)?,
        Shape::Ulu => ulu::ulu(&m, positive)?,
        _ => unreachable!("base shapes start with U"),
    };
    Ok(if shape.swapped() {
        layers.iter().map(Layer::swapped).collect()
    } else {
        layers
    })
}

fn entry(matrix: Derived, row: usize, col: usize, value: &Q, req: Requirement) -> ShapeFailure {
    ShapeFailure::Entry(EntryWitness {
        matrix,
        row,
        col,
        value: value.clone(),
        requirement: req,
    })
}

/// The first entry of `m` that violates "diagonal entries satisfy `diag`,
/// off-diagonal entries are zero", as a witness (shared with the padded
/// decision, `construct::pad::decide`).
pub(crate) fn diagonal_witness(
    m: &Matrix,
    which: Derived,
    diag: Requirement,
) -> Option<EntryWitness> {
    for i in 0..m.rows() {
        for j in 0..m.cols() {
            let req = if i == j { diag } else { Requirement::Zero };
            if req.violated_by(m.get(i, j)) {
                return Some(EntryWitness {
                    matrix: which,
                    row: i,
                    col: j,
                    value: m.get(i, j).clone(),
                    requirement: req,
                });
            }
        }
    }
    None
}

/// `U L` (lower first) from the four blocks of a split: `T22` diagonal and the
/// Schur complement `T11 - T12 T22^-1 T21` diagonal, scales satisfying `req`
/// (shared with the padded decision).
pub(crate) fn upper_lower_blocks(
    (t11, t12, t21, t22): (Matrix, Matrix, Matrix, Matrix),
    req: Requirement,
) -> Result<Vec<Layer>, EntryWitness> {
    // lemma: two_layer_ul
    if let Some(w) = diagonal_witness(&t22, Derived::T22, req) {
        return Err(w);
    }
    let dd = t22.diagonal();
    let inv: Vec<Q> = dd.iter().map(Q::recip).collect();
    let b = t12.scale_cols(&inv);
    let schur = &t11 - &(&b * &t21);
    if let Some(w) = diagonal_witness(&schur, Derived::Schur, req) {
        return Err(w);
    }
    // lemma: two_layer_ul_solution
    Ok(vec![
        Layer::lower(t21, dd),
        Layer::upper(b, schur.diagonal()),
    ])
}

fn nonzero_req(positive: bool) -> Requirement {
    if positive {
        Requirement::Positive
    } else {
        Requirement::Nonzero
    }
}

/// Finds an entry of `m` that violates "diagonal entries satisfy `diag`,
/// off-diagonal entries are zero".
fn diagonal_violation(m: &Matrix, which: Derived, diag: Requirement) -> Option<ShapeFailure> {
    diagonal_witness(m, which, diag).map(ShapeFailure::Entry)
}

fn identity(m: &Matrix) -> Result<Vec<Layer>, ShapeFailure> {
    match diagonal_violation(m, Derived::Whole, Requirement::One) {
        Some(f) => Err(f),
        None => Ok(Vec::new()),
    }
}

fn upper(m: &Matrix, positive: bool) -> Result<Vec<Layer>, ShapeFailure> {
    // lemma: depth_one_layer
    let (t11, t12, t21, t22) = quarters(m);
    for i in 0..t21.rows() {
        for j in 0..t21.cols() {
            if !t21.get(i, j).is_zero() {
                return Err(entry(Derived::T21, i, j, t21.get(i, j), Requirement::Zero));
            }
        }
    }
    if let Some(f) = diagonal_violation(&t22, Derived::T22, Requirement::One) {
        return Err(f);
    }
    if let Some(f) = diagonal_violation(&t11, Derived::T11, nonzero_req(positive)) {
        return Err(f);
    }
    Ok(vec![Layer::upper(t12, t11.diagonal())])
}

fn upper_lower(m: &Matrix, positive: bool) -> Result<Vec<Layer>, ShapeFailure> {
    upper_lower_blocks(quarters(m), nonzero_req(positive)).map_err(ShapeFailure::Entry)
}

/// Why a shape attempt did not produce layers.
enum Fail {
    /// The shape is impossible, with a witness.
    Shape(ShapeFailure),
    /// An internal step failed (never expected); the answer becomes Unknown.
    Internal(String),
}

impl From<ShapeFailure> for Fail {
    fn from(f: ShapeFailure) -> Fail {
        Fail::Shape(f)
    }
}

fn internal(msg: &str) -> Fail {
    Fail::Internal(msg.to_string())
}
