//! Floating-point analysis of exact decompositions (nalgebra): per-layer
//! condition numbers and the float64 error of the chain's product. Exact code
//! never depends on anything here; these are the headline figures reported next
//! to the layer count and the entry bit sizes.

use crate::exact::{Matrix, to_f64};
use crate::layer::{Decomposition, Layer, Split};
use nalgebra::DMatrix;

/// A matrix rounded to float64.
pub fn to_float(m: &Matrix) -> DMatrix<f64> {
    DMatrix::from_fn(m.rows(), m.cols(), |i, j| to_f64(m.get(i, j)))
}

/// 2-norm condition number (ratio of extreme singular values, float64 SVD).
/// Returns infinity for a numerically singular matrix.
///
/// # Examples
/// ```
/// use couplings::analysis::condition_number;
/// use couplings::exact::Matrix;
/// let c = condition_number(&Matrix::from_i64(&[&[2, 0], &[0, 1]]));
/// assert!((c - 2.0).abs() < 1e-12);
/// ```
pub fn condition_number(m: &Matrix) -> f64 {
    let sv = to_float(m).singular_values();
    let max = sv.iter().cloned().fold(0.0, f64::max);
    let min = sv.iter().cloned().fold(f64::INFINITY, f64::min);
    if min == 0.0 { f64::INFINITY } else { max / min }
}

/// Condition number of one layer as an `n x n` matrix.
pub fn layer_condition(layer: &Layer, split: Split) -> f64 {
    condition_number(&layer.to_matrix(split))
}

/// Headline figures of a decomposition.
#[derive(Debug, Clone, PartialEq)]
pub struct Figures {
    /// Number of layers.
    pub layers: usize,
    /// Largest bit size of any layer entry.
    pub max_bits: u64,
    /// Per-layer float64 condition numbers, in application order.
    pub conditions: Vec<f64>,
    /// Relative error `||P_float - T||_F / ||T||_F` of the float64 product of the
    /// rounded layers against the exact target.
    pub float_error: f64,
}

/// Computes the headline figures of `dec` against its target.
///
/// # Examples
/// ```
/// use couplings::{analysis::figures, decompose, exact::Matrix};
/// let t = Matrix::from_i64(&[&[0, -1], &[1, 0]]);
/// let f = figures(&t, &decompose(&t).unwrap());
/// assert_eq!(f.layers, 3);
/// assert!(f.float_error < 1e-15);
/// ```
pub fn figures(target: &Matrix, dec: &Decomposition) -> Figures {
    let n = dec.split.n();
    let mut p = DMatrix::<f64>::identity(n, n);
    for l in &dec.layers {
        p = to_float(&l.to_matrix(dec.split)) * p;
    }
    let t = to_float(target);
    let err = (&p - &t).norm() / t.norm().max(f64::MIN_POSITIVE);
    Figures {
        layers: dec.len(),
        max_bits: dec.max_bits(),
        conditions: dec
            .layers
            .iter()
            .map(|l| layer_condition(l, dec.split))
            .collect(),
        float_error: err,
    }
}
