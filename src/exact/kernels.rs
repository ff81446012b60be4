//! Exact kernels: shared-denominator matrix products, fraction-free (Bareiss)
//! inversion and determinants, rank and kernel vectors, LU and UL factorisations.
//!
//! Every rational matrix is first written as `diag(r)^-1 * A_int` (one common
//! denominator per row) so the inner loops run on integers and reduce each output
//! entry once, instead of reducing a fraction after every multiply-add.

use super::fast::{add as q_add, div as q_div, lcm_pos, mul as q_mul, ratio, ratio2};
use super::{Matrix, Q};
use num_bigint::BigInt;
use num_traits::{One, Zero};
use rayon::prelude::*;

/// Work (multiply-adds) above which kernels use rayon.
pub(super) const PARALLEL_WORK: usize = 24 * 24 * 24;

/// Evidence that a square matrix is singular: a nonzero integer vector `x` with
/// `A x = 0`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Singular {
    /// A nonzero kernel vector (integers, as rationals).
    pub kernel: Vec<Q>,
}

/// Least common multiple of the denominators of `xs` (1 for an empty slice).
///
/// # Examples
/// ```
/// use couplings::exact::{lcm_of_denominators, q};
/// assert_eq!(lcm_of_denominators([q(1, 4), q(1, 6)].iter()), 12.into());
/// ```
pub fn lcm_of_denominators<'a>(xs: impl Iterator<Item = &'a Q>) -> BigInt {
    lcm_denoms(xs)
}

fn lcm_denoms<'a>(xs: impl Iterator<Item = &'a Q>) -> BigInt {
    xs.fold(BigInt::one(), |acc, x| {
        if x.denom().is_one() {
            acc
        } else {
            lcm_pos(&acc, x.denom())
        }
    })
}

/// Clears denominators row by row: returns `(r, A_int)` with `A = diag(r)^-1 A_int`.
fn integer_rows(a: &Matrix) -> (Vec<BigInt>, Vec<Vec<BigInt>>) {
    (0..a.rows())
        .map(|i| {
            let row = a.row(i);
            let r = lcm_denoms(row.iter());
            let ints = row
                .iter()
                .map(|x| {
                    if x.denom() == &r {
                        x.numer().clone()
                    } else {
                        x.numer() * (&r / x.denom())
                    }
                })
                .collect();
            (r, ints)
        })
        .unzip()
}

/// Rows of `a` with at most this many nonzero entries are multiplied directly
/// (a few rational multiply-adds per output entry) instead of through the
/// shared-denominator integer kernel.
const SPARSE_ROW: usize = 2;

/// Exact product `a * b`.
///
/// Sparse-aware: rows of `a` with at most [`SPARSE_ROW`] nonzeros are computed
/// directly (a row with one coefficient `+-1` just copies a row of `b`); the other
/// rows use the integer kernel, with denominators cleared only over the rows of
/// `b` that those rows of `a` actually use.
pub(super) fn mul(a: &Matrix, b: &Matrix) -> Matrix {
    assert_eq!(a.cols(), b.rows(), "inner dimensions differ");
    let (m, k, n) = (a.rows(), a.cols(), b.cols());
    if m == 0 || n == 0 {
        return Matrix::zeros(m, n);
    }
    let support: Vec<Vec<usize>> = (0..m)
        .map(|i| (0..k).filter(|&t| !a.get(i, t).is_zero()).collect())
        .collect();
    // Inner indices used by the dense rows, and the dense rows' integer forms.
    let mut used = vec![false; k];
    for s in support.iter().filter(|s| s.len() > SPARSE_ROW) {
        for &t in s {
            used[t] = true;
        }
    }
    let inner: Vec<usize> = (0..k).filter(|&t| used[t]).collect();
    let (ra, ai) = integer_rows(&a.permuted(&(0..m).collect::<Vec<_>>(), &inner));
    let (cb, bt) = integer_rows(&b.permuted(&inner, &(0..n).collect::<Vec<_>>()).transpose());
    let row = |i: usize| -> Vec<Q> {
        let s = &support[i];
        if s.len() <= SPARSE_ROW {
            return (0..n)
                .map(|j| {
                    s.iter().fold(Q::zero(), |acc, &t| {
                        let y = b.get(t, j);
                        if y.is_zero() {
                            acc
                        } else {
                            q_add(&acc, &q_mul(a.get(i, t), y))
                        }
                    })
                })
                .collect();
        }
        (0..n)
            .map(|j| {
                let mut s = BigInt::zero();
                for (x, y) in ai[i].iter().zip(&bt[j]) {
                    if !x.is_zero() && !y.is_zero() {
                        s += x * y;
                    }
                }
                if s.is_zero() {
                    Q::zero()
                } else {
                    ratio2(s, &ra[i], &cb[j])
                }
            })
            .collect()
    };
    let work: usize = support.iter().map(Vec::len).sum::<usize>() * n;
    let data: Vec<Q> = if work >= PARALLEL_WORK {
        (0..m).into_par_iter().flat_map_iter(row).collect()
    } else {
        (0..m).flat_map(row).collect()
    };
    Matrix::from_vec(m, n, data)
}

/// Result of [`gauss_jordan`]: reduced rows, pivot columns, the last pivot and the
/// number of row swaps.
pub(super) struct Elimination {
    pub(super) rows: Vec<Vec<BigInt>>,
    pub(super) pivots: Vec<usize>,
    pub(super) last_pivot: BigInt,
    pub(super) swaps: usize,
}

/// Runs fraction-free Gauss-Jordan elimination (all rows are reduced against each
/// pivot, so the pivot columns end as `p * I`). `limit` bounds the columns that may
/// hold pivots. With `stop_at_gap`, stops at the first column without a pivot.
fn gauss_jordan(rows: Vec<Vec<BigInt>>, limit: usize, stop_at_gap: bool) -> Elimination {
    gauss_jordan_from(rows, limit, stop_at_gap, BigInt::one())
}

/// [`gauss_jordan`] whose first division is by `prev` instead of 1: the rows are
/// `prev * A` for a rational `A` whose minors times `prev` are integers (for
/// instance a Schur complement left by an elimination that stopped with pivot
/// `prev`), and every intermediate value is `prev` times a minor of `A`
/// (Bareiss over `A`, scaled), so the divisions stay exact and the numbers stay
/// at the size of those minors instead of growing with every power of `prev`.
pub(super) fn gauss_jordan_from(
    mut rows: Vec<Vec<BigInt>>,
    limit: usize,
    stop_at_gap: bool,
    prev: BigInt,
) -> Elimination {
    let nrows = rows.len();
    let ncols = rows.first().map_or(0, Vec::len);
    let mut prev = prev;
    let mut pivots = Vec::new();
    let mut swaps = 0;
    let mut r = 0;
    for c in 0..limit.min(ncols) {
        if r == nrows {
            break;
        }
        // Pivot: the nonzero entry of smallest size in column c at or below row r.
        let Some(p) = (r..nrows)
            .filter(|&i| !rows[i][c].is_zero())
            .min_by_key(|&i| rows[i][c].bits())
        else {
            if stop_at_gap {
                break;
            }
            continue;
        };
        if p != r {
            rows.swap(p, r);
            swaps += 1;
        }
        let pivot_row = rows[r].clone();
        let pk = pivot_row[c].clone();
        let update = |(i, row): (usize, &mut Vec<BigInt>)| {
            if i == r {
                return;
            }
            let f = std::mem::take(&mut row[c]);
            for j in 0..ncols {
                if j == c {
                    continue;
                }
                let mut v = &pk * &row[j];
                if !f.is_zero() && !pivot_row[j].is_zero() {
                    v -= &f * &pivot_row[j];
                }
                row[j] = if prev.is_one() { v } else { v / &prev };
            }
        };
        if nrows * ncols * 2 >= PARALLEL_WORK / 8 {
            rows.par_iter_mut().enumerate().for_each(update);
        } else {
            rows.iter_mut().enumerate().for_each(update);
        }
        prev = pk;
        pivots.push(c);
        r += 1;
    }
    Elimination {
        rows,
        pivots,
        last_pivot: prev,
        swaps,
    }
}

/// Exact inverse by fraction-free Gauss-Jordan on `[A_int | I]`.
pub(super) fn inverse(a: &Matrix) -> Result<Matrix, Singular> {
    assert!(a.is_square(), "inverse of a non-square matrix");
    let n = a.rows();
    let (ra, ai) = integer_rows(a);
    let aug: Vec<Vec<BigInt>> = ai
        .into_iter()
        .enumerate()
        .map(|(i, mut row)| {
            row.extend((0..n).map(|j| {
                if i == j {
                    BigInt::one()
                } else {
                    BigInt::zero()
                }
            }));
            row
        })
        .collect();
    let e = gauss_jordan(aug, n, true);
    if e.pivots.len() < n {
        return Err(Singular {
            kernel: kernel_vector(a).expect("a matrix without full rank has a kernel"),
        });
    }
    let p = e.last_pivot;
    // A_int^-1 = X / p and A^-1 = A_int^-1 diag(r).
    let data: Vec<Q> = e
        .rows
        .par_iter()
        .flat_map_iter(|row| {
            let p = &p;
            let ra = &ra;
            (0..n).map(move |j| {
                let x = &row[n + j];
                if x.is_zero() {
                    Q::zero()
                } else {
                    ratio(x * &ra[j], p.clone())
                }
            })
        })
        .collect();
    Ok(Matrix::from_vec(n, n, data))
}

/// Exact determinant.
pub(super) fn det(a: &Matrix) -> Q {
    assert!(a.is_square(), "determinant of a non-square matrix");
    let n = a.rows();
    if n == 0 {
        return Q::one();
    }
    let (ra, ai) = integer_rows(a);
    let e = gauss_jordan(ai, n, true);
    if e.pivots.len() < n {
        return Q::zero();
    }
    // After Gauss-Jordan the last pivot is det(A_int) up to the sign of the swaps.
    let mut d = e.last_pivot;
    if e.swaps % 2 == 1 {
        d = -d;
    }
    let denom = ra.iter().fold(BigInt::one(), |acc, r| acc * r);
    Q::new(d, denom)
}

/// Pivot columns of the row echelon form: the lexicographically first maximal set
/// of linearly independent columns.
pub(super) fn pivot_columns(a: &Matrix) -> Vec<usize> {
    let (_, ai) = integer_rows(a);
    gauss_jordan(ai, a.cols(), false).pivots
}

/// Exact rank.
pub(super) fn rank(a: &Matrix) -> usize {
    let (_, ai) = integer_rows(a);
    gauss_jordan(ai, a.cols(), false).pivots.len()
}

/// A nonzero vector `x` with `a x = 0`, or `None` if the columns are independent.
pub(super) fn kernel_vector(a: &Matrix) -> Option<Vec<Q>> {
    let n = a.cols();
    let (_, ai) = integer_rows(a);
    let e = gauss_jordan(ai, n, false);
    // The first non-pivot column `free` gives a kernel vector: x_free = 1 and, for
    // each pivot row k with pivot column c < free, p_k x_c + row_k[free] = 0.
    // (Pivot rows of later columns are zero in column `free`.)
    let free = (0..n).find(|c| !e.pivots.contains(c))?;
    let mut x = vec![Q::zero(); n];
    x[free] = Q::one();
    for (k, &c) in e.pivots.iter().enumerate() {
        if c < free {
            x[c] = Q::new(-e.rows[k][free].clone(), e.rows[k][c].clone());
        }
    }
    Some(x)
}

/// Doolittle factorisation without pivoting: `a = L U` with `L` unit lower and `U`
/// upper triangular and invertible, or `None` if a leading principal minor vanishes.
///
/// # Examples
/// ```
/// use couplings::exact::{Matrix, lu_unit_lower};
/// let a = Matrix::from_i64(&[&[2, 1], &[4, 5]]);
/// let (l, u) = lu_unit_lower(&a).unwrap();
/// assert_eq!(&l * &u, a);
/// assert!(lu_unit_lower(&Matrix::from_i64(&[&[0, 1], &[1, 0]])).is_none());
/// ```
pub fn lu_unit_lower(a: &Matrix) -> Option<(Matrix, Matrix)> {
    assert!(a.is_square());
    let n = a.rows();
    let (ra, ai) = integer_rows(a);
    // Bareiss forward elimination without pivoting on A_int.
    let mut m = ai;
    let mut prev = BigInt::one();
    let mut lint = vec![vec![BigInt::zero(); n]; n];
    let mut pivots = Vec::with_capacity(n);
    for k in 0..n {
        let pk = m[k][k].clone();
        if pk.is_zero() {
            return None;
        }
        for (i, l) in lint.iter_mut().enumerate().skip(k) {
            l[k] = m[i][k].clone();
        }
        let pivot_row = m[k].clone();
        let rest = &mut m[k + 1..];
        let update = |row: &mut Vec<BigInt>| {
            let f = row[k].clone();
            for j in k + 1..n {
                let v = &pk * &row[j] - &f * &pivot_row[j];
                row[j] = if prev.is_one() { v } else { v / &prev };
            }
        };
        if (n - k) * (n - k) * 4 >= PARALLEL_WORK {
            rest.par_iter_mut().for_each(update);
        } else {
            rest.iter_mut().for_each(update);
        }
        pivots.push((prev.clone(), pk.clone()));
        prev = pk;
    }
    // With Bareiss values m_kj (row k at step k) and previous pivot p_{k-1}:
    // U_int[k][j] = m_kj / p_{k-1},  L_int[i][k] = m_ik / m_kk.
    let mut l = Matrix::zeros(n, n);
    let mut u = Matrix::zeros(n, n);
    for k in 0..n {
        let (pprev, pk) = &pivots[k];
        for (j, mkj) in m[k].iter().enumerate().skip(k) {
            u.set(k, j, ratio(mkj.clone(), pprev.clone()));
        }
        for (i, li) in lint.iter().enumerate().skip(k) {
            l.set(i, k, ratio(li[k].clone(), pk.clone()));
        }
    }
    // A = diag(r)^-1 A_int = (diag(r)^-1 L_int diag(r)) (diag(r)^-1 U_int).
    let inv_r: Vec<Q> = ra
        .iter()
        .map(|r| Q::new(BigInt::one(), r.clone()))
        .collect();
    let r: Vec<Q> = ra.into_iter().map(Q::from_integer).collect();
    let l = l.scale_rows(&inv_r).scale_cols(&r);
    let u = u.scale_rows(&inv_r);
    Some((l, u))
}

/// UL factorisation: `a = U L` with `U` unit upper and `L` lower triangular and
/// invertible, or `None` if a trailing principal minor vanishes.
///
/// # Examples
/// ```
/// use couplings::exact::{Matrix, ul_unit_lower};
/// let a = Matrix::from_i64(&[&[5, 4], &[1, 2]]);
/// let (u, l) = ul_unit_lower(&a).unwrap();
/// assert!(u.is_upper_triangular() && l.is_lower_triangular());
/// assert_eq!(&u * &l, a);
/// ```
pub fn ul_unit_lower(a: &Matrix) -> Option<(Matrix, Matrix)> {
    let n = a.rows();
    let rev: Vec<usize> = (0..n).rev().collect();
    // J A J = L' U'  =>  A = (J L' J)(J U' J) with J L' J unit upper, J U' J lower.
    let (l, u) = lu_unit_lower(&a.permuted(&rev, &rev))?;
    Some((l.permuted(&rev, &rev), u.permuted(&rev, &rev)))
}

/// Inverse of an invertible triangular matrix by substitution (no fraction-free
/// growth), or `None` if a diagonal entry is zero. `lower` selects the orientation.
///
/// # Examples
/// ```
/// use couplings::exact::{Matrix, triangular_inverse};
/// let l = Matrix::from_i64(&[&[2, 0], &[3, 1]]);
/// assert_eq!(&l * &triangular_inverse(&l, true).unwrap(), Matrix::identity(2));
/// ```
pub fn triangular_inverse(a: &Matrix, lower: bool) -> Option<Matrix> {
    let n = a.rows();
    if (0..n).any(|i| a.get(i, i).is_zero()) {
        return None;
    }
    // Column j of the inverse solves a x = e_j; for lower, x_i = 0 for i < j.
    let column = |j: usize| -> Vec<Q> {
        let mut x = vec![Q::zero(); n];
        x[j] = a.get(j, j).recip();
        let order: Vec<usize> = if lower {
            (j + 1..n).collect()
        } else {
            (0..j).rev().collect()
        };
        for i in order {
            let range = if lower { j..i } else { i + 1..j + 1 };
            let mut s = Q::zero();
            for k in range {
                let aik = a.get(i, k);
                if !aik.is_zero() && !x[k].is_zero() {
                    s = q_add(&s, &q_mul(aik, &x[k]));
                }
            }
            if !s.is_zero() {
                x[i] = -q_div(&s, a.get(i, i));
            }
        }
        x
    };
    let cols: Vec<Vec<Q>> = if n >= 16 {
        (0..n).into_par_iter().map(column).collect()
    } else {
        (0..n).map(column).collect()
    };
    let mut m = Matrix::zeros(n, n);
    for (j, col) in cols.into_iter().enumerate() {
        for (i, v) in col.into_iter().enumerate() {
            m.set(i, j, v);
        }
    }
    Some(m)
}
