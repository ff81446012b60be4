//! The triangular criterion (any d): when `T22` and `S11 = (T^-1)11` are each
//! triangular up to a simultaneous permutation of rows and columns, with nonzero
//! diagonals, `T` is four layers over Q. Pick distinct nonzero `c_i`,
//! `psi_i = c_i / (T22)_ii` and `phi_j = c_i / (S11)_jj` for a matching `i -> j`:
//! `T22 Psi` and `S11 Phi` are then triangular (in their orders) with the same
//! simple spectrum `{c_i}`, so their triangular eigenvector matrices give the
//! intertwiner `K` (lemma `triangular_similarity`), and stratum A gives the layers.
//! Positive mode needs `Phi, Psi > 0`, i.e. `sign c_i = sign (T22)_ii =
//! sign (S11)_jj`: possible iff both diagonals have the same number of negative
//! entries (then negatives are matched with negatives).

use super::super::five::triangular_eigenvectors;
use super::{Chain, from_intertwiner};
use crate::construct::blocks::Blocks;
use crate::exact::{Matrix, Q, qi, triangular_inverse};
use num_traits::{Signed, Zero};

/// An order of the indices in which `m` is lower triangular (entry `(i, j) != 0`,
/// `i != j`, puts `j` before `i`), or `None` when the pattern has a cycle.
///
/// # Examples
/// ```
/// use couplings::construct::four::triangular::triangular_order;
/// use couplings::exact::Matrix;
/// let m = Matrix::from_i64(&[&[1, 2], &[0, 3]]); // upper: 1 before 0
/// assert_eq!(triangular_order(&m), Some(vec![1, 0]));
/// assert_eq!(triangular_order(&Matrix::from_i64(&[&[1, 2], &[3, 4]])), None);
/// ```
pub fn triangular_order(m: &Matrix) -> Option<Vec<usize>> {
    let d = m.rows();
    let mut pending: Vec<usize> = (0..d)
        .map(|i| (0..d).filter(|&j| j != i && !m.get(i, j).is_zero()).count())
        .collect();
    let mut done = vec![false; d];
    let mut order = Vec::with_capacity(d);
    while order.len() < d {
        let i = (0..d).find(|&i| !done[i] && pending[i] == 0)?;
        done[i] = true;
        order.push(i);
        for (k, p) in pending.iter_mut().enumerate() {
            if k != i && !done[k] && !m.get(k, i).is_zero() {
                *p -= 1;
            }
        }
    }
    Some(order)
}

/// Eigenvectors of `a`, lower triangular in `order`, with simple spectrum: `E`
/// with `a E = E diag(a_{order[k], order[k]})` (column `k` for `order[k]`), and `E^-1`.
fn perm_triangular_eigenvectors(a: &Matrix, order: &[usize]) -> Option<(Matrix, Matrix)> {
    let lower = a.permuted(order, order);
    let e = triangular_eigenvectors(&lower, true);
    let e_inv = triangular_inverse(&e, true)?;
    // Rows back to the original indices: E[order[i], k] = e[i, k].
    let back = crate::layer::invert(order);
    let ident: Vec<usize> = (0..order.len()).collect();
    Some((e.permuted(&back, &ident), e_inv.permuted(&ident, &back)))
}

/// The triangular criterion on one view (blocks `g`, inverse blocks `gi`).
pub fn four_triangular(g: &Blocks, gi: &Blocks, positive: bool) -> Option<Chain> {
    let d = g.d();
    let (ta, tb) = (g.t22.diagonal(), gi.t11.diagonal());
    if ta.iter().chain(&tb).any(Zero::is_zero) {
        return None;
    }
    let oa = triangular_order(&g.t22)?;
    let ob = triangular_order(&gi.t11)?;
    // Matching i (index of T22) -> j (index of S11).
    let matching: Vec<usize> = if positive {
        let negs = |v: &[Q]| -> Vec<usize> { (0..d).filter(|&i| v[i].is_negative()).collect() };
        let poss = |v: &[Q]| -> Vec<usize> { (0..d).filter(|&i| v[i].is_positive()).collect() };
        let (na, nb) = (negs(&ta), negs(&tb));
        if na.len() != nb.len() {
            return None;
        }
        let mut m = vec![0; d];
        for (i, j) in na.iter().zip(&nb).chain(poss(&ta).iter().zip(&poss(&tb))) {
            m[*i] = *j;
        }
        m
    } else {
        (0..d).collect()
    };
    let mut psi = vec![Q::zero(); d];
    let mut phi = vec![Q::zero(); d];
    for i in 0..d {
        let mut c = qi(i as i64 + 1);
        if positive && ta[i].is_negative() {
            c = -c;
        }
        psi[i] = &c / &ta[i];
        phi[matching[i]] = &c / &tb[matching[i]];
    }
    let a = g.t22.scale_cols(&psi);
    let b = gi.t11.scale_cols(&phi);
    // lemma: triangular_similarity
    let (ea, _) = perm_triangular_eigenvectors(&a, &oa)?;
    let (eb, eb_inv) = perm_triangular_eigenvectors(&b, &ob)?;
    // Column k of ea has eigenvalue a[oa[k]] = c_{oa[k]}; column k of eb has
    // eigenvalue b[ob[k]] = c_i for the i with matching[i] = ob[k]. Reorder eb's
    // columns (and eb_inv's rows) to ea's eigenvalue order.
    let mut of_j = vec![0; d];
    for i in 0..d {
        of_j[matching[i]] = i;
    }
    let pos_in_b: Vec<usize> = {
        let mut p = vec![0; d];
        for (k, &j) in ob.iter().enumerate() {
            p[of_j[j]] = k;
        }
        p
    };
    let cols: Vec<usize> = oa.iter().map(|&i| pos_in_b[i]).collect();
    let rows_all: Vec<usize> = (0..d).collect();
    let _ = eb;
    let eb_re_inv = eb_inv.permuted(&cols, &rows_all);
    let k = &ea * &eb_re_inv;
    debug_assert_eq!(&a * &k, &k * &b);
    let t22_inv = g.t22.inverse().ok()?;
    from_intertwiner(g, gi, &t22_inv, &phi, &k, positive)
}
