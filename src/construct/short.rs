//! Products of at most three layers, recognised exactly from their closed forms
//! (half/half split, blocks of size `d`):
//!
//! * one layer: `T` itself has layer shape;
//! * two layers: `U(B, E) L(A, D) = [[E + B A, B D], [A, D]]`, so `T` is `UL` iff
//!   `T22` is diagonal and `T11 - T12 T22^-1 T21` is diagonal (lemma `two_layer_ul`),
//!   and the mirror statement for `LU` (lemma `two_layer_lu`);
//! * three layers with `T21` invertible: `U(X, E1) L(Y, D) U(Z, E2) = T` iff
//!   `R := T11 N T22 - T12 = Delta N D` with `N = T21^-1` and `Delta`, `D` diagonal
//!   (lemmas `three_layer_ulu`, `ulu_solution`); `LUL` by the swap symmetry.

use super::blocks::{Blocks, Chain};
use crate::exact::{Matrix, Q};
use crate::layer::{Kind, Layer};
use num_traits::{Signed, Zero};

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
