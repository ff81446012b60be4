//! Fraction-free kernels that start from a known divisor ("scaled" Bareiss):
//! integer matrices that are `p` times a rational matrix whose minors times `p`
//! are integers, as an elimination leaves them (a Schur complement after `k`
//! pivots is `p_k` times the complement, and its minors are minors of the
//! original matrix over `p_k`). Starting the fraction-free recurrences with
//! divisor `p` instead of 1 keeps every intermediate number at the size of those
//! minors; starting with 1 would multiply them by a power of `p` at every step.
//!
//! Used by the compact strategy (`construct::compact`), whose layer entries are
//! all ratios of such minors: the Schur complement state ([`schur_state`]), the
//! inverse of `Z / p` ([`scaled_inverse`]), the snapshots of a Gauss-Jordan pass
//! ([`snapshots_from`], also behind [`super::schur_snapshots`]) and the inverse
//! of the unit upper factor read off that pass ([`unit_upper_inverse`]).

use super::fast::ratio;
use super::kernels::{PARALLEL_WORK, gauss_jordan_from};
use super::{Matrix, Q};
use num_bigint::BigInt;
use num_integer::Integer;
use num_traits::{One, Zero};
use rayon::prelude::*;

/// A dense integer matrix stored by rows: the numerators of a rational matrix
/// over one denominator that the caller keeps.
///
/// # Examples
/// ```
/// use couplings::exact::{IntMatrix, Matrix, q};
/// let z = IntMatrix::from_matrix(&Matrix::from_i64(&[&[2, 4], &[1, 3]])).unwrap();
/// assert_eq!(z.to_matrix(&4.into()), Matrix::from_rows(vec![vec![q(1, 2), q(1, 1)], vec![q(1, 4), q(3, 4)]]).unwrap());
/// assert_eq!(z.mul(&z).to_matrix(&1.into()), Matrix::from_i64(&[&[8, 20], &[5, 13]]));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IntMatrix {
    /// The rows (all of one length).
    pub rows: Vec<Vec<BigInt>>,
    /// Number of columns (kept for matrices without rows).
    pub cols: usize,
}

impl IntMatrix {
    /// From rows of equal length `cols`.
    pub fn new(rows: Vec<Vec<BigInt>>, cols: usize) -> IntMatrix {
        debug_assert!(rows.iter().all(|r| r.len() == cols));
        IntMatrix { rows, cols }
    }

    /// The numerators of a matrix with integer entries; `None` if an entry is
    /// not an integer.
    pub fn from_matrix(m: &Matrix) -> Option<IntMatrix> {
        let rows = (0..m.rows())
            .map(|i| {
                m.row(i)
                    .iter()
                    .map(|x| x.denom().is_one().then(|| x.numer().clone()))
                    .collect::<Option<Vec<_>>>()
            })
            .collect::<Option<Vec<_>>>()?;
        Some(IntMatrix::new(rows, m.cols()))
    }

    /// Number of rows.
    pub fn nrows(&self) -> usize {
        self.rows.len()
    }

    /// The rational matrix `self / den` (each entry reduced).
    ///
    /// # Panics
    /// Panics if `den` is zero.
    pub fn to_matrix(&self, den: &BigInt) -> Matrix {
        let data: Vec<Q> = self
            .rows
            .par_iter()
            .flat_map_iter(|r| {
                r.iter().map(move |x| {
                    if x.is_zero() {
                        Q::zero()
                    } else {
                        ratio(x.clone(), den.clone())
                    }
                })
            })
            .collect();
        Matrix::from_vec(self.nrows(), self.cols, data)
    }

    /// The transpose.
    pub fn transpose(&self) -> IntMatrix {
        let rows = (0..self.cols)
            .map(|j| self.rows.iter().map(|r| r[j].clone()).collect())
            .collect();
        IntMatrix::new(rows, self.nrows())
    }

    /// Rows `r` and columns `c` (ranges) as a new matrix.
    pub fn block(&self, r: std::ops::Range<usize>, c: std::ops::Range<usize>) -> IntMatrix {
        let cols = c.len();
        IntMatrix::new(
            self.rows[r]
                .iter()
                .map(|row| row[c.clone()].to_vec())
                .collect(),
            cols,
        )
    }

    /// The exact product (rows in parallel, zeros skipped).
    ///
    /// # Panics
    /// Panics if the inner dimensions differ.
    pub fn mul(&self, other: &IntMatrix) -> IntMatrix {
        assert_eq!(self.cols, other.nrows(), "inner dimensions differ");
        let n = other.cols;
        let row = |a: &Vec<BigInt>| -> Vec<BigInt> {
            let mut out = vec![BigInt::zero(); n];
            for (x, brow) in a.iter().zip(&other.rows) {
                if x.is_zero() {
                    continue;
                }
                for (o, y) in out.iter_mut().zip(brow) {
                    if !y.is_zero() {
                        *o += x * y;
                    }
                }
            }
            out
        };
        let rows = if self.nrows() * self.cols * n >= PARALLEL_WORK {
            self.rows.par_iter().map(row).collect()
        } else {
            self.rows.iter().map(row).collect()
        };
        IntMatrix::new(rows, n)
    }
}

/// Forward fraction-free elimination of the first `steps` columns of `m`, with
/// pivots chosen among the first `pivot_rows` rows only (so the rows below them
/// are reduced but never swapped in). Returns the state of the remaining rows in
/// the remaining columns, which is `p` times the Schur complement of the pivot
/// block, and `p`, the last pivot (the determinant of the pivot block with its
/// rows as permuted). `None` if the pivot block is singular.
///
/// # Examples
/// ```
/// use couplings::exact::{IntMatrix, Matrix, schur_state};
/// // [[2, 1], [4, 5]]: Schur complement of 2 is 5 - 4 * 1 / 2 = 3, state 2 * 3.
/// let m = IntMatrix::from_matrix(&Matrix::from_i64(&[&[2, 1], &[4, 5]])).unwrap();
/// let (state, p) = schur_state(m, 1, 1).unwrap();
/// assert_eq!((state.rows[0][0].clone(), p), (6.into(), 2.into()));
/// ```
pub fn schur_state(m: IntMatrix, pivot_rows: usize, steps: usize) -> Option<(IntMatrix, BigInt)> {
    assert!(steps <= pivot_rows && pivot_rows <= m.nrows() && steps <= m.cols);
    let ncols = m.cols;
    let mut rows = m.rows;
    let mut prev = BigInt::one();
    for c in 0..steps {
        let p = (c..pivot_rows)
            .filter(|&i| !rows[i][c].is_zero())
            .min_by_key(|&i| rows[i][c].bits())?;
        rows.swap(p, c);
        let (top, rest) = rows.split_at_mut(c + 1);
        let pivot_row = &top[c];
        let pk = pivot_row[c].clone();
        let update = |row: &mut Vec<BigInt>| {
            let f = std::mem::take(&mut row[c]);
            for j in c + 1..ncols {
                let mut v = &pk * &row[j];
                if !f.is_zero() && !pivot_row[j].is_zero() {
                    v -= &f * &pivot_row[j];
                }
                row[j] = if prev.is_one() { v } else { v / &prev };
            }
        };
        if rest.len() * (ncols - c) >= PARALLEL_WORK / 8 {
            rest.par_iter_mut().for_each(update);
        } else {
            rest.iter_mut().for_each(update);
        }
        prev = pk;
    }
    let state = rows
        .split_off(pivot_rows)
        .into_iter()
        .map(|mut r| r.split_off(steps))
        .collect();
    Some((IntMatrix::new(state, ncols - steps), prev))
}

/// The inverse of the rational matrix `z / p`, by fraction-free Gauss-Jordan on
/// `[z | p I]` with first divisor `p`: every intermediate number is `p` times a
/// minor of `z / p`, which must be an integer (true when `z / p` is a Schur
/// complement or a snapshot block of an elimination that ended with pivot `p`).
/// `None` if the matrix is singular.
///
/// # Panics
/// Panics if `z` is not square or `p` is zero.
///
/// # Examples
/// ```
/// use couplings::exact::{IntMatrix, Matrix, scaled_inverse};
/// let z = IntMatrix::from_matrix(&Matrix::from_i64(&[&[6, 3], &[0, 9]])).unwrap();
/// let inv = scaled_inverse(&z, &3.into()).unwrap();
/// assert_eq!(&z.to_matrix(&3.into()) * &inv, Matrix::identity(2));
/// ```
pub fn scaled_inverse(z: &IntMatrix, p: &BigInt) -> Option<Matrix> {
    let n = z.nrows();
    assert_eq!(n, z.cols, "inverse of a non-square matrix");
    assert!(!p.is_zero(), "zero denominator");
    let aug: Vec<Vec<BigInt>> = z
        .rows
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let mut row = r.clone();
            row.extend((0..n).map(|j| if i == j { p.clone() } else { BigInt::zero() }));
            row
        })
        .collect();
    let e = gauss_jordan_from(aug, n, true, p.clone());
    if e.pivots.len() < n {
        return None;
    }
    let last = &e.last_pivot;
    let data: Vec<Q> = e
        .rows
        .par_iter()
        .flat_map_iter(|row| {
            row[n..].iter().map(move |x| {
                if x.is_zero() {
                    Q::zero()
                } else {
                    ratio(x.clone(), last.clone())
                }
            })
        })
        .collect();
    Some(Matrix::from_vec(n, n, data))
}

/// What [`snapshots_from`] returns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScaledSnapshots {
    /// `pivots[0]` is the first divisor; `pivots[k]` the pivot of step `k`
    /// (for first divisor 1, the leading principal minor of order `k`).
    pub pivots: Vec<BigInt>,
    /// Per request `(s, k, e)`: rows `s..k`, columns `k..e` of the state after
    /// `k` steps, the numerators over `pivots[k]`.
    pub blocks: Vec<IntMatrix>,
    /// If asked for: row `c` of the state at step `c`, columns `c..n` (the
    /// forward-elimination row; its first entry is `pivots[c + 1]`).
    pub pivot_rows: Vec<Vec<BigInt>>,
}

/// Fraction-free Gauss-Jordan elimination without pivoting on the integer rows
/// of a square matrix `A = rows / prev` (first divisor `prev`), taking snapshots
/// of `A_k^-1 A[0..k, k..e]` (rows `s..k`) along the way; see
/// [`super::schur_snapshots`] for the meaning (that function is this one with
/// `prev = 1`). Returns `Err(k)` if the pivot of step `k + 1` vanishes.
///
/// # Panics
/// Panics on a malformed request.
pub fn snapshots_from(
    mut rows: Vec<Vec<BigInt>>,
    prev: BigInt,
    requests: &[(usize, usize, usize)],
    keep_pivot_rows: bool,
) -> Result<ScaledSnapshots, usize> {
    let n = rows.len();
    for &(s, k, e) in requests {
        assert!(
            s < k && k < e && e <= n,
            "malformed request ({s}, {k}, {e})"
        );
    }
    let mut pivots = vec![prev];
    let mut blocks: Vec<Option<IntMatrix>> = vec![None; requests.len()];
    let mut pivot_rows = Vec::new();
    for c in 0..n {
        let pk = rows[c][c].clone();
        if pk.is_zero() {
            return Err(c);
        }
        if keep_pivot_rows {
            pivot_rows.push(rows[c][c..].to_vec());
        }
        let prev = &pivots[c];
        let pivot_row = rows[c].clone();
        let update = |(i, row): (usize, &mut Vec<BigInt>)| {
            if i == c {
                return;
            }
            let f = std::mem::take(&mut row[c]);
            for j in c + 1..n {
                let mut v = &pk * &row[j];
                if !f.is_zero() && !pivot_row[j].is_zero() {
                    v -= &f * &pivot_row[j];
                }
                row[j] = if prev.is_one() { v } else { v / prev };
            }
        };
        if n * (n - c) >= PARALLEL_WORK / 8 {
            rows.par_iter_mut().enumerate().for_each(update);
        } else {
            rows.iter_mut().enumerate().for_each(update);
        }
        pivots.push(pk);
        let k = c + 1;
        for (slot, &(s, kk, e)) in blocks.iter_mut().zip(requests) {
            if kk == k {
                let b = rows[s..k].iter().map(|r| r[k..e].to_vec()).collect();
                *slot = Some(IntMatrix::new(b, e - k));
            }
        }
    }
    Ok(ScaledSnapshots {
        pivots,
        blocks: blocks
            .into_iter()
            .map(|b| b.expect("every request has k < n"))
            .collect(),
        pivot_rows,
    })
}

/// The unit upper factor `U` of `A = L D U` from the pivot rows of
/// [`snapshots_from`]: `U[i][j] = pivot_rows[i][j - i] / pivots[i + 1]`.
///
/// # Panics
/// Panics if the rows are not the `n` pivot rows of an `n x n` pass.
pub fn unit_upper(pivot_rows: &[Vec<BigInt>], pivots: &[BigInt]) -> Matrix {
    let n = pivot_rows.len();
    let data: Vec<Q> = (0..n)
        .into_par_iter()
        .flat_map_iter(|i| {
            (0..n).map(move |j| {
                if j < i {
                    Q::zero()
                } else if j == i {
                    Q::one()
                } else {
                    let x = &pivot_rows[i][j - i];
                    if x.is_zero() {
                        Q::zero()
                    } else {
                        ratio(x.clone(), pivots[i + 1].clone())
                    }
                }
            })
        })
        .collect();
    Matrix::from_vec(n, n, data)
}

/// The inverse of [`unit_upper`] by integer back substitution: column `j` of
/// `U^-1` is `y / pivots[j]` with `y_j = pivots[j]` and
/// `y_i = -(sum_{k = i+1..=j} m_ik y_k) / m_ii` (`m` the pivot rows), an exact
/// division because `y_i` is a minor of the eliminated matrix (Cramer's rule on
/// the leading `(j + 1) x (j + 1)` block), so no gcd is taken until the end.
/// `None` if a division is not exact (the rows do not come from one pass).
///
/// # Examples
/// ```
/// use couplings::exact::{IntMatrix, Matrix, snapshots_from, unit_upper, unit_upper_inverse};
/// let a = IntMatrix::from_matrix(&Matrix::from_i64(&[&[2, 1, 3], &[4, 1, 0], &[1, 5, 2]])).unwrap();
/// let s = snapshots_from(a.rows, 1.into(), &[], true).unwrap();
/// let u = unit_upper(&s.pivot_rows, &s.pivots);
/// assert_eq!(&u * &unit_upper_inverse(&s.pivot_rows, &s.pivots).unwrap(), Matrix::identity(3));
/// ```
pub fn unit_upper_inverse(pivot_rows: &[Vec<BigInt>], pivots: &[BigInt]) -> Option<Matrix> {
    let n = pivot_rows.len();
    let column = |j: usize| -> Option<Vec<Q>> {
        let mut y = vec![BigInt::zero(); j + 1];
        y[j] = pivots[j].clone();
        for i in (0..j).rev() {
            let m = &pivot_rows[i];
            let mut s = BigInt::zero();
            for k in i + 1..=j {
                let a = &m[k - i];
                if !a.is_zero() && !y[k].is_zero() {
                    s += a * &y[k];
                }
            }
            let (q, r) = s.div_rem(&pivots[i + 1]);
            if !r.is_zero() {
                return None;
            }
            y[i] = -q;
        }
        let den = &pivots[j];
        let mut col: Vec<Q> = y
            .into_iter()
            .map(|v| {
                if v.is_zero() {
                    Q::zero()
                } else {
                    ratio(v, den.clone())
                }
            })
            .collect();
        col.resize(n, Q::zero());
        Some(col)
    };
    let cols: Vec<Vec<Q>> = (0..n)
        .into_par_iter()
        .map(column)
        .collect::<Option<Vec<_>>>()?;
    let mut data = vec![Q::zero(); n * n];
    for (j, col) in cols.into_iter().enumerate() {
        for (i, v) in col.into_iter().enumerate() {
            data[i * n + j] = v;
        }
    }
    Some(Matrix::from_vec(n, n, data))
}

/// What [`schur_snapshots`] returns: the leading principal minors and the
/// requested blocks of `T_k^-1 T`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Snapshots {
    /// `minors[k]` is the leading principal minor of order `k` (`minors[0] = 1`).
    pub minors: Vec<BigInt>,
    /// One matrix per request `(s, k, e)`: rows `s..k`, columns `k..e` of
    /// `T_k^-1 T[0..k, ..]`, where `T_k` is the leading `k x k` block.
    pub blocks: Vec<Matrix>,
}

/// Fraction-free Gauss-Jordan elimination without pivoting on an integer matrix
/// `t`, taking snapshots along the way.
///
/// After `k` elimination steps the state is `[[p_k I, p_k T_k^-1 T12], [0, A_k]]`
/// with `p_k` the leading principal minor of order `k` (Bareiss), so each
/// request `(s, k, e)` (with `s < k < e <= n`) is read off as rows `s..k`, columns
/// `k..e` of the top-right block divided by `p_k`. Every snapshot entry is a ratio
/// of two minors of order `k` of `t` (Cramer's rule). Only the columns right of
/// the pivot are updated (`n^3 / 2` multiply-adds) and rows run in parallel.
///
/// Returns `Err(k)` if the leading principal minor of order `k + 1` vanishes.
///
/// # Panics
/// Panics if `t` is not square or has a non-integer entry, or a request is malformed.
///
/// # Examples
/// ```
/// use couplings::exact::{Matrix, q, schur_snapshots};
/// let t = Matrix::from_i64(&[&[2, 1, 0], &[1, 3, 1], &[0, 1, 4]]);
/// let s = schur_snapshots(&t, &[(0, 1, 3), (0, 2, 3)]).unwrap();
/// assert_eq!(s.minors.iter().map(|m| m.to_string()).collect::<Vec<_>>(), ["1", "2", "5", "18"]);
/// // T_1^-1 T[0, 1..3] = [1/2, 0]; T_2^-1 T[0..2, 2] = [-1/5, 2/5].
/// assert_eq!(s.blocks[0], Matrix::from_rows(vec![vec![q(1, 2), q(0, 1)]]).unwrap());
/// assert_eq!(s.blocks[1], Matrix::from_rows(vec![vec![q(-1, 5)], vec![q(2, 5)]]).unwrap());
/// assert!(schur_snapshots(&Matrix::from_i64(&[&[0, 1], &[1, 0]]), &[]).is_err());
/// ```
pub fn schur_snapshots(t: &Matrix, requests: &[(usize, usize, usize)]) -> Result<Snapshots, usize> {
    assert!(t.is_square(), "snapshots of a non-square matrix");
    let n = t.rows();
    for &(s, k, e) in requests {
        assert!(
            s < k && k < e && e <= n,
            "malformed request ({s}, {k}, {e})"
        );
    }
    let rows: Vec<Vec<BigInt>> = (0..n)
        .map(|i| {
            t.row(i)
                .iter()
                .map(|x| {
                    assert!(
                        x.denom().is_one(),
                        "schur_snapshots needs an integer matrix"
                    );
                    x.numer().clone()
                })
                .collect()
        })
        .collect();
    let s = snapshots_from(rows, BigInt::one(), requests, false)?;
    let blocks = s
        .blocks
        .iter()
        .zip(requests)
        .map(|(b, &(_, k, _))| b.to_matrix(&s.pivots[k]))
        .collect();
    Ok(Snapshots {
        minors: s.pivots,
        blocks,
    })
}
