//! Floating-point analysis of exact decompositions (nalgebra): per-layer
//! condition numbers and the float64 error of the chain's product. Exact code
//! never depends on anything here; these are the headline figures reported next
//! to the layer count and the entry bit sizes ([`figures`]), the full
//! conditioning [`report`] behind `couplings decompose --report`. The seeded
//! test families live in [`crate::families`] (also reachable here as
//! [`families`]); [`to_float`] is [`crate::exact::to_float`].

use crate::exact::{Matrix, to_f64};
use crate::layer::{Decomposition, Layer, PaddedDecomposition, Split};
use nalgebra::DMatrix;

pub use crate::exact::to_float;
pub use crate::families;

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
    let p = float_product(dec);
    let t = to_float(target);
    let err = (&p - &t).norm() / t.norm().max(f64::MIN_POSITIVE);
    figures_with_error(dec, err)
}

/// The float64 product of the layers rounded to float64, application order.
fn float_product(dec: &Decomposition) -> DMatrix<f64> {
    let n = dec.split.n();
    let mut p = DMatrix::<f64>::identity(n, n);
    for l in &dec.layers {
        p = to_float(&l.to_matrix(dec.split)) * p;
    }
    p
}

fn figures_with_error(dec: &Decomposition, float_error: f64) -> Figures {
    Figures {
        layers: dec.len(),
        max_bits: dec.max_bits(),
        conditions: dec
            .layers
            .iter()
            .map(|l| layer_condition(l, dec.split))
            .collect(),
        float_error,
    }
}

/// The headline figures of a padded decomposition of `target`: the float error
/// is `||P[:, :n] - [[T], [0]]||_F / ||T||_F` for the float64 product `P` of
/// the rounded layers (with a mask, against the reordered `T`); the condition
/// numbers are those of the layers on `n + pad` coordinates.
///
/// # Examples
/// ```
/// use couplings::{Options, analysis::padded_figures, exact::Matrix};
/// use couplings::construct::pad::decompose_padded;
/// let t = Matrix::from_i64(&[&[0, -1], &[1, 0]]);
/// let padded = decompose_padded(&t, 2, &Options::default()).unwrap();
/// let f = padded_figures(&t, &padded);
/// assert_eq!(f.layers, 3);
/// assert!(f.float_error < 1e-15);
/// ```
pub fn padded_figures(target: &Matrix, padded: &PaddedDecomposition) -> Figures {
    let dec = &padded.decomposition;
    let p = float_product(dec);
    let n = target.rows();
    let order = padded.order();
    let t = to_float(target);
    let mut err = 0.0f64;
    for i in 0..dec.split.n() {
        for j in 0..n {
            let want = if i < n { t[(order[i], order[j])] } else { 0.0 };
            let d = p[(i, j)] - want;
            err += d * d;
        }
    }
    figures_with_error(dec, err.sqrt() / t.norm().max(f64::MIN_POSITIVE))
}

/// Float64 figures of one layer.
#[derive(Debug, Clone, PartialEq)]
pub struct LayerReport {
    /// Lower or upper.
    pub kind: crate::layer::Kind,
    /// 2-norm condition number of the layer as an `n x n` matrix (float64 SVD).
    pub condition: f64,
    /// Largest magnitude of any shift or scale entry (rounded to float64).
    pub max_abs: f64,
    /// Largest bit size of any shift or scale entry.
    pub max_bits: u64,
}

/// The conditioning report of a decomposition: per layer the float64 condition
/// number, the largest entry magnitude and bit size; for the chain the float64
/// relative error of the product of the rounded layers against the exact
/// target, the largest entry bit size, the worst layer condition number and the
/// target's own condition number.
#[derive(Debug, Clone, PartialEq)]
pub struct Report {
    /// One entry per layer, in application order.
    pub layers: Vec<LayerReport>,
    /// `||P_float - T||_F / ||T||_F` for the float64 product `P_float` of the
    /// layers rounded to float64 (multiplied in application order).
    pub float_error: f64,
    /// Largest bit size of any layer entry.
    pub max_bits: u64,
    /// Largest layer condition number (1 for an empty chain).
    pub worst_condition: f64,
    /// Condition number of the target itself (the float error is naturally
    /// measured against `unit roundoff * cond(T)`).
    pub target_condition: f64,
}

/// Computes the [`Report`] of `dec` against its target.
///
/// # Examples
/// ```
/// use couplings::{analysis::report, decompose, exact::Matrix};
/// let t = Matrix::from_i64(&[&[2, 1, 0, 1], &[1, 1, 3, 0], &[2, 0, 1, 1], &[1, 1, 0, 2]]);
/// let r = report(&t, &decompose(&t).unwrap());
/// assert_eq!(r.layers.len(), 5);
/// assert!(r.worst_condition >= 1.0 && r.float_error < 1e-10);
/// assert!(r.to_text().contains("worst layer condition number"));
/// ```
pub fn report(target: &Matrix, dec: &Decomposition) -> Report {
    report_from(figures(target, dec), dec, target)
}

/// The [`Report`] of a padded decomposition (figures of [`padded_figures`]).
pub fn padded_report(target: &Matrix, padded: &PaddedDecomposition) -> Report {
    report_from(
        padded_figures(target, padded),
        &padded.decomposition,
        target,
    )
}

fn report_from(f: Figures, dec: &Decomposition, target: &Matrix) -> Report {
    let layers: Vec<LayerReport> = dec
        .layers
        .iter()
        .zip(&f.conditions)
        .map(|(l, &condition)| LayerReport {
            kind: l.kind,
            condition,
            max_abs: l
                .shift
                .entries()
                .iter()
                .chain(&l.scale)
                .map(|x| to_f64(x).abs())
                .fold(0.0, f64::max),
            max_bits: l.max_bits(),
        })
        .collect();
    Report {
        worst_condition: f.conditions.iter().cloned().fold(1.0, f64::max),
        layers,
        float_error: f.float_error,
        max_bits: f.max_bits,
        target_condition: condition_number(target),
    }
}

impl Report {
    /// A readable table: one line per layer, then the chain's figures.
    pub fn to_text(&self) -> String {
        let mut s =
            String::from("report: layer | kind | condition number | max |entry| | max bits\n");
        for (i, l) in self.layers.iter().enumerate() {
            s.push_str(&format!(
                "report: {:>5} | {:<5} | {:>16.3e} | {:>14.3e} | {:>8}\n",
                i + 1,
                l.kind.name(),
                l.condition,
                l.max_abs,
                l.max_bits
            ));
        }
        s.push_str(&format!(
            "report: {} layers, worst layer condition number {:.3e}, float64 product relative \
             error {:.3e} (target condition number {:.3e}), largest entry {} bits\n",
            self.layers.len(),
            self.worst_condition,
            self.float_error,
            self.target_condition,
            self.max_bits
        ));
        s
    }

    /// The report as a JSON object (numbers as JSON numbers; infinite condition
    /// numbers as `null`).
    pub fn to_json(&self) -> String {
        let num = |x: f64| {
            if x.is_finite() {
                serde_json::json!(x)
            } else {
                serde_json::Value::Null
            }
        };
        let layers: Vec<serde_json::Value> = self
            .layers
            .iter()
            .map(|l| {
                serde_json::json!({
                    "kind": l.kind.name(),
                    "condition": num(l.condition),
                    "max_abs": num(l.max_abs),
                    "max_bits": l.max_bits,
                })
            })
            .collect();
        serde_json::json!({
            "layers": layers,
            "float_error": num(self.float_error),
            "max_bits": self.max_bits,
            "worst_condition": num(self.worst_condition),
            "target_condition": num(self.target_condition),
        })
        .to_string()
    }
}
