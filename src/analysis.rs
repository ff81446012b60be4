//! Floating-point analysis of exact decompositions (nalgebra): per-layer
//! condition numbers and the float64 error of the chain's product. Exact code
//! never depends on anything here; these are the headline figures reported next
//! to the layer count and the entry bit sizes ([`figures`]), the full
//! conditioning [`report`] behind `couplings decompose --report`, and seeded test
//! [`families`] (Glow-style rotations and LU weights, random integer matrices).
//! The conditioned strategy uses [`to_float`] for its float half only.

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
    let f = figures(target, dec);
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

/// Seeded test families for conditioning measurements (deterministic on every
/// platform: the crate's SplitMix64 generator, Box-Muller normals, nalgebra QR).
pub mod families {
    use crate::construct::rng::Rng;
    use crate::exact::{Matrix, Q, qi};
    use nalgebra::DMatrix;

    fn uniform(rng: &mut Rng) -> f64 {
        ((rng.next_u64() >> 11) as f64 + 0.5) / (1u64 << 53) as f64
    }

    /// A standard normal sample (Box-Muller).
    pub fn normal(rng: &mut Rng) -> f64 {
        let (u, v) = (uniform(rng), uniform(rng));
        (-2.0 * u.ln()).sqrt() * (2.0 * std::f64::consts::PI * v).cos()
    }

    /// The float64 matrix rounded to float32 entries, converted exactly.
    pub fn exact_f32(m: &DMatrix<f64>) -> Matrix {
        Matrix::from_vec(
            m.nrows(),
            m.ncols(),
            m.transpose()
                .iter()
                .map(|&x| Q::from_float(x as f32 as f64).expect("finite entry"))
                .collect(),
        )
    }

    fn random_rotation(c: usize, rng: &mut Rng) -> DMatrix<f64> {
        let g = DMatrix::from_fn(c, c, |_, _| normal(rng));
        let qr = g.qr();
        let (mut q, r) = (qr.q(), qr.r());
        for j in 0..c {
            if r[(j, j)] < 0.0 {
                q.column_mut(j).neg_mut();
            }
        }
        if q.determinant() < 0.0 {
            q.column_mut(0).neg_mut();
        }
        q
    }

    /// A Glow-style 1x1 convolution of `c` channels at initialisation: the QR
    /// rotation of a seeded standard normal matrix (det made positive), rounded
    /// to float32 and read exactly (dyadic rationals). Condition number ~1.
    ///
    /// # Examples
    /// ```
    /// let w = couplings::analysis::families::glow_rotation(8, 1);
    /// assert!(couplings::analysis::condition_number(&w) < 1.0001);
    /// ```
    pub fn glow_rotation(c: usize, seed: u64) -> Matrix {
        let mut rng = Rng::new(seed);
        exact_f32(&random_rotation(c, &mut rng))
    }

    /// A Glow LU-parametrised weight `W = P L (U + diag(s))` with random entries:
    /// `P` a random permutation, `L` unit lower and `U` strictly upper with
    /// `N(0, 1/c)` entries, `s = +-exp(N(0, 0.25))` with random signs; computed in
    /// float64 and rounded to float32 (what a float32 model multiplies with).
    pub fn glow_lu(c: usize, seed: u64) -> Matrix {
        let mut rng = Rng::new(seed);
        let sd = 1.0 / (c as f64).sqrt();
        let mut l = DMatrix::<f64>::identity(c, c);
        let mut u = DMatrix::<f64>::zeros(c, c);
        for i in 0..c {
            for j in 0..c {
                let x = normal(&mut rng) * sd;
                if i > j {
                    l[(i, j)] = x;
                } else if i < j {
                    u[(i, j)] = x;
                }
            }
        }
        for i in 0..c {
            let sign = if rng.next_u64().is_multiple_of(2) {
                1.0
            } else {
                -1.0
            };
            u[(i, i)] = sign * (0.5 * normal(&mut rng)).exp();
        }
        let perm = rng.permutation(c);
        let mut p = DMatrix::<f64>::zeros(c, c);
        for (j, &i) in perm.iter().enumerate() {
            p[(i, j)] = 1.0;
        }
        exact_f32(&(p * l * u))
    }

    /// A random `n x n` integer matrix with entries in `[-9, 9]` (invertible:
    /// resampled until the exact determinant is nonzero).
    pub fn random_integer(n: usize, seed: u64) -> Matrix {
        let mut rng = Rng::new(seed);
        loop {
            let m = Matrix::from_vec(n, n, (0..n * n).map(|_| qi(rng.range(-9, 9))).collect());
            if !num_traits::Zero::is_zero(&m.det()) {
                return m;
            }
        }
    }
}
