//! Small exact helpers for the three-layer decision (not used by the re-checker):
//! reduced row echelon form, kernel bases, one-sided inverses.

use crate::exact::{Matrix, Q};
use num_traits::{One, Zero};

/// Reduced row echelon form and pivot columns.
pub fn rref(m: &Matrix) -> (Matrix, Vec<usize>) {
    let (rows, cols) = (m.rows(), m.cols());
    let mut a: Vec<Vec<Q>> = (0..rows).map(|i| m.row(i).to_vec()).collect();
    let mut pivots = Vec::new();
    let mut r = 0;
    for c in 0..cols {
        if r == rows {
            break;
        }
        let Some(p) = (r..rows).find(|&i| !a[i][c].is_zero()) else {
            continue;
        };
        a.swap(r, p);
        let inv = a[r][c].recip();
        for x in a[r].iter_mut() {
            *x *= &inv;
        }
        let pivot_row = a[r].clone();
        for (i, row) in a.iter_mut().enumerate() {
            if i != r && !row[c].is_zero() {
                let f = row[c].clone();
                for (x, y) in row.iter_mut().zip(&pivot_row) {
                    if !y.is_zero() {
                        *x -= &f * y;
                    }
                }
            }
        }
        pivots.push(c);
        r += 1;
    }
    let data: Vec<Q> = a.into_iter().flatten().collect();
    (Matrix::from_vec(rows, cols, data), pivots)
}

/// A basis of the right kernel `{x : m x = 0}`.
pub fn kernel_basis(m: &Matrix) -> Vec<Vec<Q>> {
    let (e, pivots) = rref(m);
    let cols = m.cols();
    let free: Vec<usize> = (0..cols).filter(|c| !pivots.contains(c)).collect();
    free.iter()
        .map(|&f| {
            let mut v = vec![Q::zero(); cols];
            v[f] = Q::one();
            for (i, &p) in pivots.iter().enumerate() {
                v[p] = -e.get(i, f).clone();
            }
            v
        })
        .collect()
}

/// The nonzero rows of the reduced row echelon form (a basis of the row space).
pub fn row_basis(m: &Matrix) -> Vec<Vec<Q>> {
    let (e, pivots) = rref(m);
    (0..pivots.len()).map(|i| e.row(i).to_vec()).collect()
}

/// Matrix from row vectors with `cols` columns (works for zero rows).
pub fn from_row_vecs(rows: &[Vec<Q>], cols: usize) -> Matrix {
    let data: Vec<Q> = rows.iter().flat_map(|r| r.iter().cloned()).collect();
    Matrix::from_vec(rows.len(), cols, data)
}

/// A left inverse `(F^T F)^-1 F^T` of a full-column-rank `f`.
pub fn left_inverse(f: &Matrix) -> Option<Matrix> {
    let ft = f.transpose();
    let gram = (&ft * f).inverse().ok()?;
    Some(&gram * &ft)
}

/// A right inverse `G^T (G G^T)^-1` of a full-row-rank `g`.
pub fn right_inverse(g: &Matrix) -> Option<Matrix> {
    let gt = g.transpose();
    let gram = (g * &gt).inverse().ok()?;
    Some(&gt * &gram)
}
