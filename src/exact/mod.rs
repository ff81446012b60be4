//! Exact linear algebra over the rationals: the dense [`Matrix`] type, exact number
//! parsing, and the fast kernels the constructions need (shared-denominator
//! products, fraction-free inversion, determinants, kernels, triangular
//! factorisations, the "scaled" fraction-free kernels that start from a known
//! divisor), exact univariate polynomials ([`Poly`]: interpolation and
//! rational roots, for the padded depth decision) and multivariate ones
//! ([`poly`], for the four-layer certificates), and the rounding of a matrix
//! to float64 ([`to_float`]) for the code whose point is floats. Nothing here
//! knows about coupling layers.

pub mod dyadic;
mod fast;
mod kernels;
mod number;
pub mod poly;
mod scaled;
mod univariate;

pub use fast::{add as q_add, div as q_div, gcd_biguint, mul as q_mul, ratio};
pub use kernels::{
    Singular, lcm_of_denominators, lu_unit_lower, triangular_inverse, ul_unit_lower,
};
pub use number::{
    BUDGET_BITS_PER_BYTE, BUDGET_SLACK_BITS, MAX_DIGITS, MAX_EXPONENT, NumberError, NumberReader,
    Q, bits, fmt_decimal, fmt_q, parse_q, q, qi, sign, sqrt_upper_decimal, to_f64,
};
pub use scaled::{
    IntMatrix, ScaledSnapshots, Snapshots, scaled_inverse, schur_snapshots, schur_state,
    snapshots_from, unit_upper, unit_upper_inverse,
};
pub use univariate::{Poly, is_small_prime};

use num_traits::{One, Zero};

/// A matrix rounded to float64 entries (nalgebra), entry by entry with [`to_f64`].
///
/// # Examples
/// ```
/// use couplings::exact::{Matrix, to_float};
/// let f = to_float(&Matrix::from_i64(&[&[1, 2], &[3, 4]]));
/// assert_eq!(f[(1, 0)], 3.0);
/// ```
pub fn to_float(m: &Matrix) -> nalgebra::DMatrix<f64> {
    nalgebra::DMatrix::from_fn(m.rows(), m.cols(), |i, j| to_f64(m.get(i, j)))
}

/// A dense matrix of exact rationals, stored row-major.
///
/// # Examples
/// ```
/// use couplings::exact::{Matrix, qi};
/// let a = Matrix::from_i64(&[&[1, 2], &[3, 4]]);
/// let inv = a.inverse().unwrap();
/// assert_eq!(&a * &inv, Matrix::identity(2));
/// assert_eq!(a.det(), qi(-2));
/// ```
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Matrix {
    rows: usize,
    cols: usize,
    data: Vec<Q>,
}

impl std::fmt::Debug for Matrix {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        writeln!(f, "Matrix {}x{} [", self.rows, self.cols)?;
        for i in 0..self.rows {
            let row: Vec<String> = (0..self.cols).map(|j| fmt_q(self.get(i, j))).collect();
            writeln!(f, "  [{}]", row.join(", "))?;
        }
        write!(f, "]")
    }
}

impl Matrix {
    /// The `rows x cols` zero matrix.
    pub fn zeros(rows: usize, cols: usize) -> Matrix {
        Matrix {
            rows,
            cols,
            data: vec![Q::zero(); rows * cols],
        }
    }

    /// The `n x n` identity.
    pub fn identity(n: usize) -> Matrix {
        let mut m = Matrix::zeros(n, n);
        for i in 0..n {
            m.data[i * n + i] = Q::one();
        }
        m
    }

    /// The square diagonal matrix with the given diagonal.
    pub fn from_diagonal(diag: &[Q]) -> Matrix {
        let n = diag.len();
        let mut m = Matrix::zeros(n, n);
        for (i, x) in diag.iter().enumerate() {
            m.data[i * n + i] = x.clone();
        }
        m
    }

    /// Builds a matrix from rows; `None` if the rows have different lengths.
    pub fn from_rows(rows: Vec<Vec<Q>>) -> Option<Matrix> {
        let r = rows.len();
        let c = rows.first().map_or(0, |x| x.len());
        if rows.iter().any(|x| x.len() != c) {
            return None;
        }
        Some(Matrix {
            rows: r,
            cols: c,
            data: rows.into_iter().flatten().collect(),
        })
    }

    /// Builds a matrix from row-major data.
    ///
    /// # Panics
    /// Panics if `data.len() != rows * cols`.
    pub fn from_vec(rows: usize, cols: usize, data: Vec<Q>) -> Matrix {
        assert_eq!(data.len(), rows * cols, "data length must be rows * cols");
        Matrix { rows, cols, data }
    }

    /// Builds a matrix from machine integers (rows must have equal length).
    ///
    /// # Panics
    /// Panics on ragged rows (this is a convenience for tests and examples).
    pub fn from_i64(rows: &[&[i64]]) -> Matrix {
        Matrix::from_rows(
            rows.iter()
                .map(|r| r.iter().map(|&x| qi(x)).collect())
                .collect(),
        )
        .expect("rows must have equal length")
    }

    /// Number of rows.
    pub fn rows(&self) -> usize {
        self.rows
    }

    /// Number of columns.
    pub fn cols(&self) -> usize {
        self.cols
    }

    /// Whether the matrix is square.
    pub fn is_square(&self) -> bool {
        self.rows == self.cols
    }

    /// Entry `(i, j)`.
    pub fn get(&self, i: usize, j: usize) -> &Q {
        &self.data[i * self.cols + j]
    }

    /// Sets entry `(i, j)`.
    pub fn set(&mut self, i: usize, j: usize, v: Q) {
        self.data[i * self.cols + j] = v;
    }

    /// Row `i` as a slice.
    pub fn row(&self, i: usize) -> &[Q] {
        &self.data[i * self.cols..(i + 1) * self.cols]
    }

    /// All entries, row-major.
    pub fn entries(&self) -> &[Q] {
        &self.data
    }

    /// The transpose.
    pub fn transpose(&self) -> Matrix {
        let mut t = Matrix::zeros(self.cols, self.rows);
        for i in 0..self.rows {
            for j in 0..self.cols {
                t.data[j * self.rows + i] = self.get(i, j).clone();
            }
        }
        t
    }

    /// The submatrix of `rows` rows and `cols` columns starting at `(r0, c0)`.
    pub fn block(&self, r0: usize, c0: usize, rows: usize, cols: usize) -> Matrix {
        let mut b = Matrix::zeros(rows, cols);
        for i in 0..rows {
            b.data[i * cols..(i + 1) * cols].clone_from_slice(
                &self.data[(r0 + i) * self.cols + c0..(r0 + i) * self.cols + c0 + cols],
            );
        }
        b
    }

    /// Assembles `[[a, b], [c, d]]`.
    ///
    /// # Panics
    /// Panics if the block shapes do not fit together.
    pub fn from_blocks(a: &Matrix, b: &Matrix, c: &Matrix, d: &Matrix) -> Matrix {
        assert!(a.rows == b.rows && c.rows == d.rows && a.cols == c.cols && b.cols == d.cols);
        let rows = a.rows + c.rows;
        let cols = a.cols + b.cols;
        let mut m = Matrix::zeros(rows, cols);
        for i in 0..rows {
            for j in 0..cols {
                let v = match (i < a.rows, j < a.cols) {
                    (true, true) => a.get(i, j),
                    (true, false) => b.get(i, j - a.cols),
                    (false, true) => c.get(i - a.rows, j),
                    (false, false) => d.get(i - a.rows, j - a.cols),
                };
                m.data[i * cols + j] = v.clone();
            }
        }
        m
    }

    /// Whether every entry is zero.
    pub fn is_zero(&self) -> bool {
        self.data.iter().all(Zero::is_zero)
    }

    /// Whether this is a square identity matrix.
    pub fn is_identity(&self) -> bool {
        self.is_square()
            && (0..self.rows).all(|i| {
                (0..self.cols).all(|j| {
                    let v = self.get(i, j);
                    if i == j { v.is_one() } else { v.is_zero() }
                })
            })
    }

    /// Whether this is square with zeros off the diagonal.
    pub fn is_diagonal(&self) -> bool {
        self.is_square()
            && (0..self.rows).all(|i| (0..self.cols).all(|j| i == j || self.get(i, j).is_zero()))
    }

    /// Whether all entries strictly above the diagonal are zero.
    pub fn is_lower_triangular(&self) -> bool {
        (0..self.rows).all(|i| (i + 1..self.cols).all(|j| self.get(i, j).is_zero()))
    }

    /// Whether all entries strictly below the diagonal are zero.
    pub fn is_upper_triangular(&self) -> bool {
        (0..self.rows).all(|i| (0..i.min(self.cols)).all(|j| self.get(i, j).is_zero()))
    }

    /// The diagonal entries.
    pub fn diagonal(&self) -> Vec<Q> {
        (0..self.rows.min(self.cols))
            .map(|i| self.get(i, i).clone())
            .collect()
    }

    /// `self * x` for a column vector `x`.
    ///
    /// # Panics
    /// Panics if `x.len() != self.cols()`.
    pub fn mul_vec(&self, x: &[Q]) -> Vec<Q> {
        assert_eq!(x.len(), self.cols);
        (0..self.rows)
            .map(|i| {
                let mut s = Q::zero();
                for (a, b) in self.row(i).iter().zip(x) {
                    if !a.is_zero() && !b.is_zero() {
                        s = fast::add(&s, &fast::mul(a, b));
                    }
                }
                s
            })
            .collect()
    }

    /// Entry-wise map.
    pub fn map(&self, f: impl Fn(&Q) -> Q) -> Matrix {
        Matrix {
            rows: self.rows,
            cols: self.cols,
            data: self.data.iter().map(f).collect(),
        }
    }

    /// `self` with each row `i` multiplied by `d[i]` (that is, `diag(d) * self`).
    pub fn scale_rows(&self, d: &[Q]) -> Matrix {
        let mut m = self.clone();
        for (row, di) in m.data.chunks_mut(self.cols.max(1)).zip(d) {
            for x in row {
                *x = fast::mul(x, di);
            }
        }
        m
    }

    /// `self` with each column `j` multiplied by `d[j]` (that is, `self * diag(d)`).
    pub fn scale_cols(&self, d: &[Q]) -> Matrix {
        let mut m = self.clone();
        for row in m.data.chunks_mut(self.cols.max(1)) {
            for (x, dj) in row.iter_mut().zip(d) {
                *x = fast::mul(x, dj);
            }
        }
        m
    }

    /// Largest bit size of any entry (see [`bits`]).
    pub fn max_bits(&self) -> u64 {
        self.data.iter().map(bits).max().unwrap_or(0)
    }

    /// `self` with rows and columns reindexed: entry `(i, j)` of the result is
    /// entry `(rp[i], cp[j])` of `self`.
    pub fn permuted(&self, rp: &[usize], cp: &[usize]) -> Matrix {
        let mut m = Matrix::zeros(rp.len(), cp.len());
        for (i, &r) in rp.iter().enumerate() {
            for (j, &c) in cp.iter().enumerate() {
                m.data[i * cp.len() + j] = self.get(r, c).clone();
            }
        }
        m
    }

    /// Exact product (shared-denominator integer kernel; parallel for large inputs).
    ///
    /// # Panics
    /// Panics if the inner dimensions differ.
    pub fn mul(&self, other: &Matrix) -> Matrix {
        kernels::mul(self, other)
    }

    /// Exact inverse, or the evidence that the matrix is singular.
    ///
    /// # Panics
    /// Panics if the matrix is not square.
    pub fn inverse(&self) -> Result<Matrix, Singular> {
        kernels::inverse(self)
    }

    /// Exact determinant.
    ///
    /// # Panics
    /// Panics if the matrix is not square.
    pub fn det(&self) -> Q {
        kernels::det(self)
    }

    /// Exact rank.
    pub fn rank(&self) -> usize {
        kernels::rank(self)
    }

    /// The lexicographically first maximal set of linearly independent columns.
    pub fn pivot_columns(&self) -> Vec<usize> {
        kernels::pivot_columns(self)
    }

    /// A nonzero vector `x` with `self * x = 0`, if any.
    pub fn kernel_vector(&self) -> Option<Vec<Q>> {
        kernels::kernel_vector(self)
    }

    /// Whether all leading principal minors (orders 1..=n) are nonzero, that is,
    /// whether `self = L U` with `L` unit lower and `U` invertible upper triangular.
    pub fn has_lu(&self) -> bool {
        lu_unit_lower(self).is_some()
    }
}

macro_rules! binop {
    ($trait:ident, $method:ident, $op:expr) => {
        impl std::ops::$trait<&Matrix> for &Matrix {
            type Output = Matrix;
            fn $method(self, rhs: &Matrix) -> Matrix {
                assert!(
                    self.rows == rhs.rows && self.cols == rhs.cols,
                    "shape mismatch"
                );
                Matrix {
                    rows: self.rows,
                    cols: self.cols,
                    data: self
                        .data
                        .iter()
                        .zip(&rhs.data)
                        .map(|(a, b)| ($op)(a, b))
                        .collect(),
                }
            }
        }
    };
}
binop!(Add, add, fast::add);
binop!(Sub, sub, |a: &Q, b: &Q| fast::add(a, &-b));

impl std::ops::Mul<&Matrix> for &Matrix {
    type Output = Matrix;
    fn mul(self, rhs: &Matrix) -> Matrix {
        kernels::mul(self, rhs)
    }
}

impl std::ops::Neg for &Matrix {
    type Output = Matrix;
    fn neg(self) -> Matrix {
        self.map(|x| -x)
    }
}
