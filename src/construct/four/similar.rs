//! Similarity over Q for the four- and six-layer constructions: Krylov
//! matrices, cyclic vectors, the characteristic polynomial of a cyclic matrix,
//! and an invertible intertwiner `K` with `A K = K B`.
//!
//! Two nonderogatory (cyclic) matrices with the same characteristic polynomial
//! are similar over Q: with cyclic vectors `v`, `w` and Krylov matrices
//! `Ka = [v, A v, ..., A^{d-1} v]`, `Kb` likewise, `A Ka = Ka C` and
//! `B Kb = Kb C` for the same companion matrix `C`, so `K = Ka Kb^-1` works.
//! Derogatory pairs of size at most 3 are handled by the kernel of the linear
//! map `K -> A K - K B` (a random combination of a basis, checked invertible).

use super::super::rng::Rng;
use super::super::short::linalg::kernel_basis;
use crate::exact::{Matrix, Q, qi};
use num_traits::Zero;

/// The Krylov matrix `[v, A v, ..., A^{d-1} v]` (columns).
///
/// # Examples
/// ```
/// use couplings::construct::four::similar::krylov;
/// use couplings::exact::{Matrix, qi};
/// let a = Matrix::from_i64(&[&[0, 1], &[1, 0]]);
/// assert_eq!(krylov(&a, &[qi(1), qi(0)]), Matrix::from_i64(&[&[1, 0], &[0, 1]]));
/// ```
pub fn krylov(a: &Matrix, v: &[Q]) -> Matrix {
    let d = a.rows();
    let mut cols: Vec<Vec<Q>> = Vec::with_capacity(d);
    let mut cur = v.to_vec();
    for _ in 0..d {
        let next = a.mul_vec(&cur);
        cols.push(cur);
        cur = next;
    }
    let mut m = Matrix::zeros(d, d);
    for (j, c) in cols.iter().enumerate() {
        for (i, x) in c.iter().enumerate() {
            m.set(i, j, x.clone());
        }
    }
    m
}

/// The coefficients `c_0, ..., c_{d-1}` of the characteristic polynomial
/// `t^d + c_{d-1} t^{d-1} + ... + c_0` of `a`, given a cyclic vector `v` with
/// invertible Krylov matrix `kry` (its inverse `kry_inv`): `A^d v = -sum c_k A^k v`.
pub fn charpoly_from_krylov(a: &Matrix, kry: &Matrix, kry_inv: &Matrix) -> Vec<Q> {
    let d = a.rows();
    let last: Vec<Q> = (0..d).map(|i| kry.get(i, d - 1).clone()).collect();
    let ad_v = a.mul_vec(&last);
    kry_inv.mul_vec(&ad_v).into_iter().map(|x| -x).collect()
}

/// A cyclic vector of `a` (unit vectors first, then `tries` seeded random vectors
/// with entries in `[-3, 3]`), with its Krylov matrix and that matrix's inverse.
pub fn cyclic_vector(a: &Matrix, rng: &mut Rng, tries: usize) -> Option<(Matrix, Matrix)> {
    let d = a.rows();
    let units = (0..d).map(|k| (0..d).map(|i| qi((i == k) as i64)).collect::<Vec<Q>>());
    let ones = std::iter::once(vec![qi(1); d]);
    let random: Vec<Vec<Q>> = (0..tries)
        .map(|_| (0..d).map(|_| qi(rng.range(-3, 3))).collect())
        .collect();
    for v in units.chain(ones).chain(random) {
        let kry = krylov(a, &v);
        if let Ok(inv) = kry.inverse() {
            return Some((kry, inv));
        }
    }
    None
}

/// An invertible `K` with `a K = K b`, if one is found: the Krylov route for
/// cyclic matrices (any size), the kernel route for derogatory ones up to size 3.
/// `None` when the characteristic polynomials differ (or no invertible `K` was
/// found in the kernel route's tries).
pub fn intertwiner(a: &Matrix, b: &Matrix, rng: &mut Rng) -> Option<Matrix> {
    let d = a.rows();
    let ca = cyclic_vector(a, rng, 4);
    let cb = cyclic_vector(b, rng, 4);
    if let (Some((ka, ka_inv)), Some((kb, kb_inv))) = (&ca, &cb) {
        if charpoly_from_krylov(a, ka, ka_inv) != charpoly_from_krylov(b, kb, kb_inv) {
            return None;
        }
        return Some(ka * kb_inv);
    }
    if ca.is_some() != cb.is_some() || d > 3 {
        // One cyclic and the other not: not similar (or too large to try).
        return None;
    }
    // Kernel of K -> a K - K b, unknowns vec(K) row-major.
    let n = d * d;
    let mut m = Matrix::zeros(n, n);
    for i in 0..d {
        for j in 0..d {
            let r = i * d + j;
            for k in 0..d {
                let x = m.get(r, k * d + j) + a.get(i, k);
                m.set(r, k * d + j, x);
                let y = m.get(r, i * d + k) - b.get(k, j);
                m.set(r, i * d + k, y);
            }
        }
    }
    let basis = kernel_basis(&m);
    if basis.is_empty() {
        return None;
    }
    for attempt in 0..12 {
        let coef: Vec<Q> = (0..basis.len())
            .map(|_| {
                if attempt == 0 {
                    qi(1)
                } else {
                    qi(rng.range(-4, 4))
                }
            })
            .collect();
        let mut v = vec![Q::zero(); n];
        for (c, bv) in coef.iter().zip(&basis) {
            for (x, y) in v.iter_mut().zip(bv) {
                if !y.is_zero() {
                    *x += c * y;
                }
            }
        }
        let k = Matrix::from_vec(d, d, v);
        if !k.det().is_zero() {
            return Some(k);
        }
    }
    None
}
