//! The vocabulary of the lower bounds beyond four layers (`docs/lower-bounds.md`,
//! sections 8 to 10): what a certificate of "at least 5" or "at least 6"
//! states, and the fixed polynomial system of Lemma 4L at n = 4 that the
//! polynomial certificates refer to. Data and meaning only: the decision
//! ([`super::ulul`]) produces these, the re-checker of
//! [`crate::depth::recheck`] verifies them from the target alone.
//!
//! # The four-layer system at n = 4 (d = 2)
//!
//! Variables (indices into [`crate::exact::poly::Mono`]): `x1..x4` = the
//! entries of `X` row by row (0..=3), `v1..v4` = those of `V` (4..=7), `f1, f2`
//! (8, 9), `g1, g2` (10, 11), `z` (12). For the matrix `M` the shape is stated
//! for (`T` for `ULUL`, `S T S` for `LULU`) and its inverse `S`, with
//! `F = M11 + X M21 + M12 V + X M22 V` and `G = S22 - V S12 - S21 X + V S11 X`
//! (Lemma 4L), the nine generators are, in this order:
//!
//! ```text
//! F12, F21, G12, G21, F11 - f1, F22 - f2, G11 - g1, G22 - g2, z f1 f2 g1 g2 - 1
//! ```
//!
//! Every four-layer product `M = U L U L` gives a common zero with `f`, `g`
//! the (nonzero; positive in positive mode) diagonals of `F`, `G` and
//! `z = 1 / (f1 f2 g1 g2)` (nonzero; positive). A certificate gives cofactors
//! `c_j` and `h = sum_j c_j p_j`: if `h` cannot vanish at such a point (a single
//! nonzero term in `f, g, z` in signed mode; all coefficients of one sign and
//! only the variables `f, g, z` in positive mode), there is no common zero,
//! so `M` is not `U L U L`.

use crate::exact::poly::{Mono, Poly};
use crate::exact::{Matrix, Q};
use num_traits::One;

/// Number of variables of the four-layer system at n = 4.
pub const VARS: usize = 13;
/// The indices of `f1, f2, g1, g2, z` (the variables a refutation may keep).
pub const SCALE_VARS: [usize; 5] = [8, 9, 10, 11, 12];

/// A certificate that one four-layer shape is impossible at n = 4.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FourLayerCertificate {
    /// The inverse of the matrix the shape is stated for (verified by multiplication).
    pub inverse: Matrix,
    /// One cofactor per generator (nine).
    pub cofactors: Vec<Poly>,
    /// `sum_j cofactors[j] generators[j]`, which cannot vanish at an admissible point.
    pub h: Poly,
}

/// Why `T` is not a product of at most four layers (given the certificate
/// that it is not a product of at most three).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FiveWitness {
    /// `T11 = 0` and `T22 = 0`: by the swap-family theorem, `T` is `ULUL` only
    /// if it is `ULU`, and `LULU` only if it is `LUL`, which the "at least 4"
    /// certificate excludes.
    SwapFamily,
    /// n = 4: one polynomial certificate for `ULUL` (on `T`) and one for
    /// `LULU` (on `S T S`).
    Polynomial {
        /// `T` is not `U L U L`.
        ulul: Box<FourLayerCertificate>,
        /// `S T S` is not `U L U L` (`T` is not `L U L U`).
        lulu: Box<FourLayerCertificate>,
    },
}

/// Why `T` is not a product of at most five positive layers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SixWitness {
    /// `T = diag(P, Q)` and the trace identities of the block-diagonal theorem
    /// exclude positive `ULULU` and `LULUL`: the nonzero entries of
    /// `(diag Q^-1, -diag P)` share one sign, and so do those of
    /// `(diag P^-1, -diag Q)`, each with at least one nonzero entry.
    BlockDiagonalTrace {
        /// `P^-1` (verified by multiplication).
        p_inv: Matrix,
        /// `Q^-1` (verified by multiplication).
        q_inv: Matrix,
    },
}

/// Whether the nonzero entries of `xs` all have one sign, and there is one.
///
/// # Examples
/// ```
/// use couplings::construct::short::bounds::one_sign;
/// use couplings::exact::qi;
/// assert!(one_sign(&[qi(0), qi(-1), qi(-3)]));
/// assert!(!one_sign(&[qi(1), qi(-1)]));
/// assert!(!one_sign(&[qi(0), qi(0)]));
/// ```
pub fn one_sign(xs: &[Q]) -> bool {
    use num_traits::Signed;
    let pos = xs.iter().any(Signed::is_positive);
    let neg = xs.iter().any(Signed::is_negative);
    pos != neg
}

/// The coefficient vector of the trace identity for `ULULU` of `diag(P, Q)`
/// (`sum f_i (Q^-1)_ii - sum g_i P_ii = 0`) followed by the one for `LULUL`
/// (`sum f_i (P^-1)_ii - sum g_i Q_ii = 0`).
pub fn trace_identities(p: &Matrix, q: &Matrix, p_inv: &Matrix, q_inv: &Matrix) -> [Vec<Q>; 2] {
    let neg = |v: Vec<Q>| -> Vec<Q> { v.into_iter().map(|x| -x).collect() };
    let mut a = q_inv.diagonal();
    a.extend(neg(p.diagonal()));
    let mut b = p_inv.diagonal();
    b.extend(neg(q.diagonal()));
    [a, b]
}

fn var(i: usize) -> Poly {
    Poly::var(i)
}

fn constant(c: &Q) -> Poly {
    Poly::constant(c.clone())
}

/// A 2x2 matrix of polynomials from a rational matrix.
fn lift(m: &Matrix) -> [[Poly; 2]; 2] {
    [
        [constant(m.get(0, 0)), constant(m.get(0, 1))],
        [constant(m.get(1, 0)), constant(m.get(1, 1))],
    ]
}

fn mul(a: &[[Poly; 2]; 2], b: &[[Poly; 2]; 2]) -> [[Poly; 2]; 2] {
    let e = |i: usize, j: usize| &(&a[i][0] * &b[0][j]) + &(&a[i][1] * &b[1][j]);
    [[e(0, 0), e(0, 1)], [e(1, 0), e(1, 1)]]
}

fn add(a: &[[Poly; 2]; 2], b: &[[Poly; 2]; 2]) -> [[Poly; 2]; 2] {
    let e = |i: usize, j: usize| &a[i][j] + &b[i][j];
    [[e(0, 0), e(0, 1)], [e(1, 0), e(1, 1)]]
}

fn neg(a: &[[Poly; 2]; 2]) -> [[Poly; 2]; 2] {
    let e = |i: usize, j: usize| &Poly::zero() - &a[i][j];
    [[e(0, 0), e(0, 1)], [e(1, 0), e(1, 1)]]
}

/// The nine generators of the four-layer system (module documentation) for a
/// 4x4 matrix `m` and its inverse `m_inv` (blocks 2x2).
///
/// # Panics
/// If the matrices are not 4x4.
pub fn four_layer_generators(m: &Matrix, m_inv: &Matrix) -> Vec<Poly> {
    assert!(m.rows() == 4 && m.cols() == 4 && m_inv.rows() == 4 && m_inv.cols() == 4);
    let blk = |a: &Matrix, r: usize, c: usize| lift(&a.block(r, c, 2, 2));
    let x = [[var(0), var(1)], [var(2), var(3)]];
    let v = [[var(4), var(5)], [var(6), var(7)]];
    let (m11, m12, m21, m22) = (blk(m, 0, 0), blk(m, 0, 2), blk(m, 2, 0), blk(m, 2, 2));
    let (s11, s12, s21, s22) = (
        blk(m_inv, 0, 0),
        blk(m_inv, 0, 2),
        blk(m_inv, 2, 0),
        blk(m_inv, 2, 2),
    );
    // F = M11 + X M21 + M12 V + X M22 V.
    let f = add(
        &add(&m11, &mul(&x, &m21)),
        &add(&mul(&m12, &v), &mul(&mul(&x, &m22), &v)),
    );
    // G = S22 - V S12 - S21 X + V S11 X.
    let g = add(
        &add(&s22, &neg(&mul(&v, &s12))),
        &add(&neg(&mul(&s21, &x)), &mul(&mul(&v, &s11), &x)),
    );
    let one = Q::one();
    let m_scales = Poly::term(
        Mono::var(8)
            .mul(&Mono::var(9))
            .mul(&Mono::var(10))
            .mul(&Mono::var(11))
            .mul(&Mono::var(12)),
        one.clone(),
    );
    vec![
        f[0][1].clone(),
        f[1][0].clone(),
        g[0][1].clone(),
        g[1][0].clone(),
        &f[0][0] - &var(8),
        &f[1][1] - &var(9),
        &g[0][0] - &var(10),
        &g[1][1] - &var(11),
        &m_scales - &constant(&one),
    ]
}

/// Whether `h` cannot vanish at an admissible point: it uses only the scale
/// variables `f, g, z`, and is a single nonzero term (signed mode) or has all
/// coefficients of one sign (positive mode).
pub fn refutes(h: &Poly, positive: bool) -> bool {
    h.only_vars(&SCALE_VARS)
        && if positive {
            h.one_signed()
        } else {
            h.len() == 1
        }
}
