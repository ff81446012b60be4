//! Floating-point analysis of exact decompositions (nalgebra): per-layer
//! condition numbers and the float64 error of the chain's product. Exact code
//! never depends on anything here; these are the headline figures reported next
//! to the layer count and the entry bit sizes ([`figures`]), the full
//! conditioning [`report`] behind `couplings decompose --report`. The seeded
//! test families live in [`crate::families`] (also reachable here as
//! [`families`]); [`to_float`] is [`crate::exact::to_float`].
//!
//! **Hostile entries.** Every figure is safe on any exact input (entries far
//! outside the float64 range, float64 subnormals, hundreds of digits):
//! condition numbers are computed on the matrix divided by a power of two
//! ([`to_float_scaled`]: a condition number does not change under scaling, and
//! entries below `2^-1022` of the largest are flushed to zero, a perturbation far
//! below float64's own rounding), the SVD runs with an iteration cap
//! ([`SVD_MAX_SWEEPS_PER_N`]) and only up to [`SVD_MAX_N`], norms are scaled
//! before squaring, and a figure float64 cannot give is `inf` or `n/a` with a
//! reason ([`show`], the `*_note` fields). The float64 product error describes
//! the real float64 chain, so it is not computed on scaled layers: when a layer
//! entry is beyond the float64 range it is `n/a`, and when the float64 product
//! overflows it is `inf`, each with the reason.

use crate::exact::{Matrix, Q, to_f64};
use crate::layer::{Decomposition, Kind, Layer, PaddedDecomposition, Split};
use nalgebra::DMatrix;
use num_traits::{Float, Zero};

pub use crate::exact::to_float;
pub use crate::families;

/// Largest dimension for which condition numbers are computed (one float64
/// SVD of an `n x n` matrix per layer costs O(n^3): about 0.3 s at n = 512 and
/// 2.4 s at n = 1024 on one core). Above it the figures say `n/a` and why.
pub const SVD_MAX_N: usize = 512;

/// The float64 SVD stops after `SVD_MAX_SWEEPS_PER_N * n + 100` implicit-shift
/// sweeps (it usually needs fewer than `2 n`); a condition number whose SVD did
/// not converge is `n/a`.
pub const SVD_MAX_SWEEPS_PER_N: usize = 30;

/// A float64 figure as text: `1.234e5` when finite, `inf` when infinite and
/// `n/a` when it was not computed (NaN), followed by the reason in parentheses
/// when one is given.
///
/// # Examples
/// ```
/// use couplings::analysis::show;
/// assert_eq!(show(1234.5, None), "1.234e3");
/// assert_eq!(show(f64::INFINITY, Some("above the float64 range")), "inf (above the float64 range)");
/// assert_eq!(show(f64::NAN, None), "n/a");
/// ```
pub fn show(value: f64, note: Option<&str>) -> String {
    let v = if value.is_nan() {
        "n/a".to_string()
    } else {
        format!("{value:.3e}")
    };
    match note {
        Some(n) => format!("{v} ({n})"),
        None => v,
    }
}

/// `x * 2^k` without intermediate overflow or underflow (for `|k|` up to a few
/// thousand).
fn ldexp(x: f64, k: i64) -> f64 {
    let mut x = x;
    let mut k = k.clamp(-4000, 4000);
    while k > 1000 {
        x *= 2f64.powi(1000);
        k -= 1000;
    }
    while k < -1000 {
        x *= 2f64.powi(-1000);
        k += 1000;
    }
    x * 2f64.powi(k as i32)
}

/// `e` with `2^(e-1) < |x| < 2^(e+1)` for nonzero `x` (the bit-length difference).
fn exponent_of(x: &Q) -> i64 {
    x.numer().bits() as i64 - x.denom().bits() as i64
}

/// The nearest float64 to `x * 2^-e`, with subnormal results flushed to zero.
fn scaled_f64(x: &Q, e: i64) -> f64 {
    if x.is_zero() {
        return 0.0;
    }
    let v = to_f64(x);
    let y = if v.is_normal() {
        // An exact power-of-two scaling of the nearest float, unless it lands
        // outside the normal range (then redo it exactly).
        let y = ldexp(v, -e);
        if y.is_normal() { y } else { exact_scaled(x, e) }
    } else {
        exact_scaled(x, e)
    };
    if y.abs() < f64::MIN_POSITIVE { 0.0 } else { y }
}

fn exact_scaled(x: &Q, e: i64) -> f64 {
    let shifted = if e >= 0 {
        Q::new_raw(x.numer().clone(), x.denom() << e as usize)
    } else {
        Q::new_raw(x.numer() << (-e) as usize, x.denom().clone())
    };
    to_f64(&shifted)
}

/// A matrix divided by a power of two so that its largest entry has magnitude
/// between 1/2 and 2, in float64: `m = 2^exponent * scaled`, up to float64
/// rounding of each entry (entries below `2^-1022` of the largest are
/// flushed to zero).
#[derive(Debug, Clone, PartialEq)]
pub struct ScaledFloat {
    /// The scaled matrix (every entry finite).
    pub scaled: DMatrix<f64>,
    /// The power of two taken out.
    pub exponent: i64,
}

/// Rounds an exact matrix to float64 after dividing it by a power of two, so
/// that no entry overflows or underflows however large or small the exact
/// entries are (a 500-digit integer, `1e-400`): the input of every condition
/// number.
///
/// # Examples
/// ```
/// use couplings::analysis::to_float_scaled;
/// use couplings::exact::{Matrix, parse_q};
/// let huge = parse_q("1e400").unwrap();
/// let m = Matrix::from_vec(1, 2, vec![huge.clone(), huge]);
/// let s = to_float_scaled(&m);
/// assert!(s.scaled.iter().all(|v| v.is_finite() && v.abs() > 0.5 && v.abs() < 2.0));
/// assert!((s.exponent - 1329).abs() <= 1);
/// ```
pub fn to_float_scaled(m: &Matrix) -> ScaledFloat {
    let exponent = m
        .entries()
        .iter()
        .filter(|x| !x.is_zero())
        .map(exponent_of)
        .max()
        .unwrap_or(0);
    ScaledFloat {
        scaled: DMatrix::from_fn(m.rows(), m.cols(), |i, j| scaled_f64(m.get(i, j), exponent)),
        exponent,
    }
}

/// The layer as an `n x n` scaled float64 matrix (as [`to_float_scaled`] of
/// [`Layer::to_matrix`], without building the exact `n x n` matrix).
fn layer_scaled(layer: &Layer, split: Split) -> ScaledFloat {
    let (p, n) = (split.first, split.n());
    let exponent = (layer.shift.entries().iter())
        .chain(&layer.scale)
        .filter(|x| !x.is_zero())
        .map(exponent_of)
        .max()
        .unwrap_or(0)
        .max(0);
    let one = scaled_f64(&Q::from_integer(1.into()), exponent);
    let mut f = DMatrix::<f64>::zeros(n, n);
    let (r0, c0) = match layer.kind {
        Kind::Lower => (p, 0),
        Kind::Upper => (0, p),
    };
    for i in 0..n {
        f[(i, i)] = one;
    }
    for i in 0..layer.shift.rows() {
        for j in 0..layer.shift.cols() {
            f[(r0 + i, c0 + j)] = scaled_f64(layer.shift.get(i, j), exponent);
        }
        f[(r0 + i, r0 + i)] = scaled_f64(&layer.scale[i], exponent);
    }
    ScaledFloat {
        scaled: f,
        exponent,
    }
}

/// Singular values of a finite float64 matrix, with the iteration cap; `Err`
/// with the reason when there are none.
fn singular_values(f: &DMatrix<f64>) -> Result<Vec<f64>, String> {
    let n = f.nrows().max(f.ncols());
    if f.is_empty() {
        return Ok(Vec::new());
    }
    if f.iter().any(|v| !v.is_finite()) {
        return Err("the float64 matrix has a non-finite entry".into());
    }
    let sweeps = SVD_MAX_SWEEPS_PER_N * n + 100;
    let svd = nalgebra::SVD::try_new_unordered(f.clone(), false, false, f64::EPSILON, sweeps)
        .ok_or_else(|| format!("the float64 SVD did not converge within {sweeps} sweeps"))?;
    let sv: Vec<f64> = svd.singular_values.iter().map(|v| v.abs()).collect();
    if sv.iter().any(|v| v.is_nan()) {
        return Err("the float64 SVD produced NaN".into());
    }
    Ok(sv)
}

fn not_computed(n: usize) -> String {
    format!("not computed: n = {n} > {SVD_MAX_N}, a float64 SVD costs O(n^3) per matrix")
}

/// The 2-norm condition number of a scaled float matrix, with the reason when
/// it is not a finite figure: `inf` without a reason for a matrix that is
/// singular in float64 (its smallest singular value rounds to zero), `inf` with
/// a reason when the ratio exceeds the float64 range, `n/a` (NaN) with a reason
/// when it was not computed.
fn condition_of(f: &DMatrix<f64>) -> (f64, Option<String>) {
    if f.nrows() > SVD_MAX_N {
        return (f64::NAN, Some(not_computed(f.nrows())));
    }
    match singular_values(f) {
        Err(reason) => (f64::NAN, Some(reason)),
        Ok(sv) => {
            let max = sv.iter().cloned().fold(0.0, f64::max);
            let min = sv.iter().cloned().fold(f64::INFINITY, f64::min);
            if min == 0.0 {
                (f64::INFINITY, None)
            } else if (max / min).is_infinite() {
                (
                    f64::INFINITY,
                    Some("the ratio of singular values is above the float64 range".into()),
                )
            } else {
                (max / min, None)
            }
        }
    }
}

/// 2-norm condition number (ratio of extreme singular values, float64 SVD of
/// the matrix divided by a power of two, see [`to_float_scaled`]). Returns
/// infinity for a numerically singular matrix (or a ratio beyond the float64
/// range) and NaN when it cannot be computed (`n >` [`SVD_MAX_N`], or the SVD
/// did not converge within its cap).
///
/// # Examples
/// ```
/// use couplings::analysis::condition_number;
/// use couplings::exact::{Matrix, parse_q};
/// let c = condition_number(&Matrix::from_i64(&[&[2, 0], &[0, 1]]));
/// assert!((c - 2.0).abs() < 1e-12);
/// // Entries far outside the float64 range: the figure is still exact enough.
/// let big = parse_q("1e400").unwrap();
/// let m = Matrix::from_vec(2, 2, vec![big.clone(), Default::default(), Default::default(), big]);
/// assert!((condition_number(&m) - 1.0).abs() < 1e-12);
/// ```
pub fn condition_number(m: &Matrix) -> f64 {
    condition_of(&to_float_scaled(m).scaled).0
}

/// Condition number of one layer as an `n x n` matrix (see [`condition_number`]).
pub fn layer_condition(layer: &Layer, split: Split) -> f64 {
    layer_condition_figure(layer, split).0
}

/// Condition number of one layer with the reason when it is not a finite figure.
fn layer_condition_figure(layer: &Layer, split: Split) -> (f64, Option<String>) {
    if split.n() > SVD_MAX_N {
        return (f64::NAN, Some(not_computed(split.n())));
    }
    condition_of(&layer_scaled(layer, split).scaled)
}

/// The largest of `conditions` (at least 1, the figure of an empty chain);
/// NaN when one of them is NaN (not computed).
///
/// # Examples
/// ```
/// use couplings::analysis::worst_condition;
/// assert_eq!(worst_condition(&[3.0, 2.0]), 3.0);
/// assert_eq!(worst_condition(&[]), 1.0);
/// assert!(worst_condition(&[3.0, f64::NAN]).is_nan());
/// ```
pub fn worst_condition(conditions: &[f64]) -> f64 {
    if conditions.iter().any(|c| c.is_nan()) {
        return f64::NAN;
    }
    conditions.iter().cloned().fold(1.0, f64::max)
}

/// The Frobenius norm as `(mantissa, exponent)`: `norm = mantissa * 2^exponent`,
/// computed on the matrix divided by a power of two so that squaring neither
/// overflows nor underflows (the same float64 value as nalgebra's `norm()`
/// whenever that one does not over- or underflow).
fn frobenius_scaled(m: &DMatrix<f64>) -> (f64, i64) {
    let max = m.iter().fold(0.0f64, |a, v| a.max(v.abs()));
    if max == 0.0 || !max.is_finite() {
        return (if max == 0.0 { 0.0 } else { f64::INFINITY }, 0);
    }
    let e = max.log2().floor() as i64;
    (m.map(|v| ldexp(v, -e)).norm(), e)
}

/// `||a|| / ||b||` for Frobenius norms, without overflow or underflow in the
/// norms (only the ratio itself can be infinite or zero).
///
/// # Examples
/// ```
/// use couplings::analysis::relative_frobenius;
/// use nalgebra::DMatrix;
/// let t = DMatrix::from_element(2, 2, 5e-324);
/// let d = -&t;
/// assert_eq!(relative_frobenius(&d, &t), 1.0);
/// ```
pub fn relative_frobenius(a: &DMatrix<f64>, b: &DMatrix<f64>) -> f64 {
    let (na, ea) = frobenius_scaled(a);
    let (nb, eb) = frobenius_scaled(b);
    if nb == 0.0 {
        return if na == 0.0 { 0.0 } else { f64::INFINITY };
    }
    ldexp(na / nb, ea - eb)
}

/// One layer rounded entry by entry to a float type: shift (row-major) and scale.
#[derive(Debug, Clone, PartialEq)]
pub struct FloatLayer<T> {
    /// Lower or upper.
    pub kind: Kind,
    /// Rows of the shift block.
    pub rows: usize,
    /// Columns of the shift block.
    pub cols: usize,
    /// The shift block, row-major.
    pub shift: Vec<T>,
    /// The diagonal of the scale block (the scale itself, not a log-scale).
    pub scale: Vec<T>,
}

/// Up to this dimension [`float_chain`] multiplies dense `n x n` float
/// matrices with nalgebra (the figures of every walkthrough and pinned output
/// were computed that way, and float sums depend on their order); above it,
/// only the nonzero shift entries are visited.
pub const DENSE_CHAIN_MAX_N: usize = SVD_MAX_N;

/// The float product `M_K ... M_1` of float layers, row-major `n x n`, in the
/// float type `T` (float64 or float32). Up to [`DENSE_CHAIN_MAX_N`] as dense
/// nalgebra products; above it each layer updates only the rows of its part
/// and skips zero shift entries, so a chain of sparse layers costs
/// O(n * nonzeros) rather than O(n^3) per layer.
///
/// # Examples
/// ```
/// use couplings::analysis::{FloatLayer, float_chain};
/// use couplings::{Kind, Split};
/// let l = FloatLayer { kind: Kind::Lower, rows: 1, cols: 1, shift: vec![3.0f64], scale: vec![2.0] };
/// assert_eq!(float_chain(Split::new(1, 1), &[l]), vec![1.0, 0.0, 3.0, 2.0]);
/// ```
pub fn float_chain<T: Float + nalgebra::RealField>(
    split: Split,
    layers: &[FloatLayer<T>],
) -> Vec<T> {
    let (p, n) = (split.first, split.n());
    if n <= DENSE_CHAIN_MAX_N {
        let mut prod = DMatrix::<T>::identity(n, n);
        for l in layers {
            let mut m = DMatrix::<T>::identity(n, n);
            let (r0, c0) = match l.kind {
                Kind::Lower => (p, 0),
                Kind::Upper => (0, p),
            };
            for i in 0..l.rows {
                for j in 0..l.cols {
                    m[(r0 + i, c0 + j)] = l.shift[i * l.cols + j];
                }
                m[(r0 + i, r0 + i)] = l.scale[i];
            }
            prod = m * prod;
        }
        return prod.transpose().as_slice().to_vec();
    }
    let mut prod = vec![T::zero(); n * n];
    for i in 0..n {
        prod[i * n + i] = T::one();
    }
    let mut row = vec![T::zero(); n];
    for l in layers {
        // Updated rows start at `r0`, the rows they read at `k0`.
        let (r0, k0) = match l.kind {
            Kind::Lower => (p, 0),
            Kind::Upper => (0, p),
        };
        for i in 0..l.rows {
            let r = r0 + i;
            // Terms in column order, as a dense product would add them: for a
            // lower layer the shift columns come before the scale, for an
            // upper layer after it.
            let scale_first = l.kind == Kind::Upper;
            if scale_first {
                for (x, &y) in row.iter_mut().zip(&prod[r * n..(r + 1) * n]) {
                    *x = l.scale[i] * y;
                }
            } else {
                row.iter_mut().for_each(|x| *x = T::zero());
            }
            for c in 0..l.cols {
                let a = l.shift[i * l.cols + c];
                if a.is_zero() {
                    continue;
                }
                let k = k0 + c;
                for (x, &y) in row.iter_mut().zip(&prod[k * n..(k + 1) * n]) {
                    *x += a * y;
                }
            }
            if !scale_first {
                for (x, &y) in row.iter_mut().zip(&prod[r * n..(r + 1) * n]) {
                    *x += l.scale[i] * y;
                }
            }
            prod[r * n..(r + 1) * n].copy_from_slice(&row);
        }
    }
    prod
}

/// The layers of `dec` rounded to float64, or the reason float64 cannot
/// represent one of them (an entry beyond the float64 range).
fn float64_layers(dec: &Decomposition) -> Result<Vec<FloatLayer<f64>>, String> {
    let mut out = Vec::with_capacity(dec.layers.len());
    for (k, l) in dec.layers.iter().enumerate() {
        let shift: Vec<f64> = l.shift.entries().iter().map(to_f64).collect();
        let scale: Vec<f64> = l.scale.iter().map(to_f64).collect();
        if let Some(x) = (l.shift.entries().iter().chain(&l.scale))
            .zip(shift.iter().chain(&scale))
            .find(|(_, v)| !v.is_finite())
            .map(|(x, _)| x)
        {
            return Err(format!(
                "float64 cannot represent layer {}: an entry of magnitude {} is beyond the \
                 float64 range",
                k + 1,
                magnitude(x)
            ));
        }
        out.push(FloatLayer {
            kind: l.kind,
            rows: l.shift.rows(),
            cols: l.shift.cols(),
            shift,
            scale,
        });
    }
    Ok(out)
}

/// `|x|` for messages: `1.250e-3` when float64 holds it (subnormals
/// included), else the nearest power of ten (`1e400`, `1e-400`).
///
/// # Examples
/// ```
/// use couplings::analysis::magnitude;
/// use couplings::exact::parse_q;
/// assert_eq!(magnitude(&parse_q("-3e400").unwrap()), "1e400");
/// assert_eq!(magnitude(&parse_q("1e-400").unwrap()), "1e-400");
/// assert_eq!(magnitude(&parse_q("-0.00125").unwrap()), "1.250e-3");
/// ```
pub fn magnitude(x: &Q) -> String {
    if x.is_zero() {
        return "0".into();
    }
    let v = to_f64(x).abs();
    if v.is_finite() && v > 0.0 {
        return format!("{v:.3e}");
    }
    format!("1e{}", (log2_abs(x) * std::f64::consts::LOG10_2).round())
}

/// `log2 |x|` of a nonzero rational, accurate to float64 for numerators and
/// denominators of any size.
///
/// # Examples
/// ```
/// use couplings::analysis::log2_abs;
/// use couplings::exact::q;
/// assert_eq!(log2_abs(&q(-1, 8)), -3.0);
/// ```
pub fn log2_abs(x: &Q) -> f64 {
    log2_big(x.numer()) - log2_big(x.denom())
}

fn log2_big(n: &num_bigint::BigInt) -> f64 {
    use num_traits::ToPrimitive;
    let shift = n.bits().saturating_sub(64);
    let top = (n >> shift).to_f64().unwrap_or(1.0).abs();
    top.log2() + shift as f64
}

/// The float64 relative error of the chain against the exact target (for a
/// padded chain, its first `target.cols()` columns against `[[T], [0]]`), with
/// the reason when it is not a finite figure (or when float64 rounds a nonzero
/// layer entry to zero, which the figure then includes).
fn product_error(target: &Matrix, dec: &Decomposition) -> (f64, Option<String>) {
    let layers = match float64_layers(dec) {
        Ok(l) => l,
        Err(reason) => return (f64::NAN, Some(reason)),
    };
    let n = dec.split.n();
    let p = float_chain(dec.split, &layers);
    if p.iter().any(|v| !v.is_finite()) {
        return (
            f64::INFINITY,
            Some("the float64 product of the layers overflows".into()),
        );
    }
    // The first `target.cols()` columns (all of them unless padded).
    let p = DMatrix::from_fn(n, target.cols(), |i, j| p[i * n + j]);
    let error = chain_error(&p, target).1;
    let lost = dec
        .layers
        .iter()
        .zip(&layers)
        .enumerate()
        .find_map(|(k, (l, f))| {
            (l.shift.entries().iter().chain(&l.scale))
                .zip(f.shift.iter().chain(&f.scale))
                .find(|(x, v)| **v == 0.0 && !x.is_zero())
                .map(|(x, _)| (k, x))
        });
    let note = lost.map(|(k, x)| {
        format!(
            "float64 rounds a nonzero entry of layer {} (magnitude {}) to zero",
            k + 1,
            magnitude(x)
        )
    });
    (error, note)
}

/// `(max |P - T|, ||P - T||_F / ||T||_F)` of a float product against the exact
/// target. When every target entry rounds to a finite float64 without
/// underflow, `T` is rounded to float64 first (the figure documented for the
/// export); otherwise the difference is formed exactly, so a target or chain
/// outside the float64 range cannot make the error look small.
///
/// # Examples
/// ```
/// use couplings::analysis::chain_error;
/// use couplings::exact::{Matrix, parse_q};
/// use nalgebra::DMatrix;
/// let tiny = parse_q("1e-400").unwrap();
/// let t = Matrix::from_vec(1, 1, vec![tiny]);
/// let (_, rel) = chain_error(&DMatrix::zeros(1, 1), &t);
/// assert_eq!(rel, 1.0); // a zero chain against a nonzero target: 100 %
/// ```
pub fn chain_error(p: &DMatrix<f64>, target: &Matrix) -> (f64, f64) {
    let t = to_float(target);
    let faithful = target
        .entries()
        .iter()
        .zip(t.iter())
        .all(|(x, v)| v.is_finite() && (v.is_normal() || x.is_zero()));
    if faithful {
        return float_errors(p, &t);
    }
    let exact = |v: f64| Q::from_float(v).unwrap_or_default();
    let pq = Matrix::from_vec(
        p.nrows(),
        p.ncols(),
        (0..p.nrows())
            .flat_map(|i| (0..p.ncols()).map(move |j| (i, j)))
            .map(|(i, j)| exact(p[(i, j)]))
            .collect(),
    );
    let d = &pq - target;
    let max = d
        .entries()
        .iter()
        .map(|x| to_f64(x).abs())
        .fold(0.0, f64::max);
    (max, norm_ratios_frobenius(&d, target))
}

/// `(max |p - t|, ||p - t||_F / ||t||_F)` in float64 with scaled norms; NaN
/// (from an overflowing chain) propagates instead of being skipped.
///
/// # Examples
/// ```
/// use couplings::analysis::float_errors;
/// use nalgebra::DMatrix;
/// let t = DMatrix::from_element(2, 2, 5e-324);
/// assert_eq!(float_errors(&DMatrix::zeros(2, 2), &t), (5e-324, 1.0));
/// ```
pub fn float_errors(p: &DMatrix<f64>, t: &DMatrix<f64>) -> (f64, f64) {
    let d = p - t;
    let max = d.iter().fold(0.0f64, |a, v| {
        if a.is_nan() || v.is_nan() {
            f64::NAN
        } else {
            a.max(v.abs())
        }
    });
    if max.is_nan() || max.is_infinite() {
        return (max, max);
    }
    (max, relative_frobenius(&d, t))
}

/// Headline figures of a decomposition.
#[derive(Debug, Clone, PartialEq)]
pub struct Figures {
    /// Number of layers.
    pub layers: usize,
    /// Largest bit size of any layer entry.
    pub max_bits: u64,
    /// Per-layer float64 condition numbers, in application order (infinity
    /// when singular in float64 or beyond its range, NaN when not computed;
    /// the reason is in `condition_notes`).
    pub conditions: Vec<f64>,
    /// Per layer: why its condition number is not a finite figure (`None`
    /// for a finite figure and for a layer that is singular in float64).
    pub condition_notes: Vec<Option<String>>,
    /// Relative error `||P_float - T||_F / ||T||_F` of the float64 product of the
    /// rounded layers against the exact target (infinity when the float64
    /// product overflows, NaN when float64 cannot represent a layer).
    pub float_error: f64,
    /// Why `float_error` is not a finite figure.
    pub float_error_note: Option<String>,
}

impl Figures {
    /// The reasons behind non-finite figures, one line each (empty when every
    /// figure is a finite number or an unexplained `inf` of a layer that is
    /// singular in float64).
    ///
    /// # Examples
    /// ```
    /// use couplings::{analysis::figures, decompose, exact::Matrix};
    /// let t = Matrix::from_i64(&[&[0, -1], &[1, 0]]);
    /// assert!(figures(&t, &decompose(&t).unwrap()).notes().is_empty());
    /// ```
    pub fn notes(&self) -> Vec<String> {
        let mut out = Vec::new();
        if let Some(n) = &self.float_error_note {
            out.push(format!(
                "float64 product relative error {}",
                show(self.float_error, Some(n))
            ));
        }
        let mut seen: Vec<&str> = Vec::new();
        for (i, (c, note)) in self
            .conditions
            .iter()
            .zip(&self.condition_notes)
            .enumerate()
        {
            if let Some(n) = note {
                // One line per distinct reason (with n > SVD_MAX_N it is every layer).
                if seen.contains(&n.as_str()) {
                    continue;
                }
                seen.push(n);
                out.push(format!(
                    "layer {} condition number {}",
                    i + 1,
                    show(*c, Some(n))
                ));
            }
        }
        out
    }
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
    let (float_error, float_error_note) = product_error(target, dec);
    figures_with_error(dec, float_error, float_error_note)
}

/// The headline figures of `dec` with a float64 product error computed by
/// the caller (plain or padded target).
fn figures_with_error(
    dec: &Decomposition,
    float_error: f64,
    float_error_note: Option<String>,
) -> Figures {
    let k = dec.layers.len();
    let (conditions, condition_notes) = dec
        .layers
        .iter()
        .enumerate()
        .map(|(i, l)| {
            if dec.split.n() > 64 && dec.split.n() <= SVD_MAX_N {
                crate::progress::stage(&format!(
                    "float figures: SVD of layer {} of {k} ({n}x{n})",
                    i + 1,
                    n = dec.split.n()
                ));
            }
            layer_condition_figure(l, dec.split)
        })
        .unzip();
    Figures {
        layers: dec.len(),
        max_bits: dec.max_bits(),
        conditions,
        condition_notes,
        float_error,
        float_error_note,
    }
}

/// The exact matrix the first `n` columns of a padded chain must equal:
/// `[[T'], [0]]` with `T'[i][j] = target[order[i]][order[j]]` (the padded
/// decomposition's coordinate order), `(n + pad) x n`.
///
/// # Examples
/// ```
/// use couplings::{Options, analysis::padded_target, exact::Matrix};
/// use couplings::construct::pad::decompose_padded;
/// let t = Matrix::from_i64(&[&[0, -1], &[1, 0]]);
/// let padded = decompose_padded(&t, 2, &Options::default()).unwrap();
/// let w = padded_target(&t, &padded);
/// assert_eq!((w.rows(), w.cols()), (4, 2));
/// assert_eq!(w, Matrix::from_i64(&[&[0, -1], &[1, 0], &[0, 0], &[0, 0]]));
/// ```
pub fn padded_target(target: &Matrix, padded: &PaddedDecomposition) -> Matrix {
    let (n, big) = (target.rows(), padded.decomposition.split.n());
    let order = padded.order();
    Matrix::from_vec(
        big,
        n,
        (0..big)
            .flat_map(|i| (0..n).map(move |j| (i, j)))
            .map(|(i, j)| {
                if i < n {
                    target.get(order[i], order[j]).clone()
                } else {
                    Q::default()
                }
            })
            .collect(),
    )
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
    let (float_error, float_error_note) = product_error(&padded_target(target, padded), dec);
    figures_with_error(dec, float_error, float_error_note)
}

/// Float64 figures of one layer.
#[derive(Debug, Clone, PartialEq)]
pub struct LayerReport {
    /// Lower or upper.
    pub kind: crate::layer::Kind,
    /// 2-norm condition number of the layer as an `n x n` matrix (float64 SVD).
    pub condition: f64,
    /// Largest magnitude of any shift or scale entry (rounded to float64;
    /// infinity when it is beyond the float64 range).
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
    /// Largest layer condition number (1 for an empty chain, NaN when one was
    /// not computed).
    pub worst_condition: f64,
    /// Condition number of the target itself (the float error is naturally
    /// measured against `unit roundoff * cond(T)`).
    pub target_condition: f64,
    /// The reasons behind figures that are not finite numbers (see
    /// [`Figures::notes`]), including the target's condition number.
    pub notes: Vec<String>,
}

/// Computes the [`Report`] of `dec` against its target.
///
/// # Examples
/// ```
/// use couplings::{analysis::report, decompose, exact::Matrix};
/// let t = Matrix::from_i64(&[&[2, 1, 0, 1], &[1, 1, 3, 0], &[2, 0, 1, 1], &[1, 1, 0, 2]]);
/// let r = report(&t, &decompose(&t).unwrap());
/// assert_eq!(r.layers.len(), 4); // the four-layer tier (docs/construction.md)
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
    let mut notes = f.notes();
    let (target_condition, target_note) = condition_of(&to_float_scaled(target).scaled);
    if let Some(n) = target_note {
        notes.push(format!(
            "target condition number {}",
            show(target_condition, Some(&n))
        ));
    }
    if let Some((i, x)) = dec.layers.iter().enumerate().find_map(|(i, l)| {
        (l.shift.entries().iter().chain(&l.scale))
            .find(|x| to_f64(x).is_infinite())
            .map(|x| (i, x))
    }) {
        notes.push(format!(
            "layer {} max |entry| inf (an entry of magnitude {} is beyond the float64 range)",
            i + 1,
            magnitude(x)
        ));
    }
    Report {
        worst_condition: worst_condition(&f.conditions),
        layers,
        float_error: f.float_error,
        max_bits: f.max_bits,
        target_condition,
        notes,
    }
}

impl Report {
    /// A readable table: one line per layer, then the chain's figures, then
    /// the reasons behind figures that are not finite numbers.
    pub fn to_text(&self) -> String {
        let mut s =
            String::from("report: layer | kind | condition number | max |entry| | max bits\n");
        let cell = |v: f64| {
            if v.is_nan() {
                "n/a".to_string()
            } else {
                format!("{v:.3e}")
            }
        };
        for (i, l) in self.layers.iter().enumerate() {
            s.push_str(&format!(
                "report: {:>5} | {:<5} | {:>16} | {:>14} | {:>8}\n",
                i + 1,
                l.kind.name(),
                cell(l.condition),
                cell(l.max_abs),
                l.max_bits
            ));
        }
        s.push_str(&format!(
            "report: {} layers, worst layer condition number {}, float64 product relative \
             error {} (target condition number {}), largest entry {} bits\n",
            self.layers.len(),
            show(self.worst_condition, None),
            show(self.float_error, None),
            show(self.target_condition, None),
            self.max_bits
        ));
        for n in &self.notes {
            s.push_str(&format!("report: note: {n}\n"));
        }
        s
    }

    /// The report as a JSON object (numbers as JSON numbers; infinite or
    /// missing figures as `null`, with the reasons under `notes` when there are
    /// any).
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
        let mut v = serde_json::json!({
            "layers": layers,
            "float_error": num(self.float_error),
            "max_bits": self.max_bits,
            "worst_condition": num(self.worst_condition),
            "target_condition": num(self.target_condition),
        });
        if !self.notes.is_empty() {
            v["notes"] = serde_json::json!(self.notes);
        }
        v.to_string()
    }
}

/// `(||a||_F / ||b||_F, ||a||_2 / ||b||_2)` for exact matrices, each norm
/// taken after dividing by a power of two (so any entry size is safe); the
/// spectral ratio is NaN when it is not computed (`n >` [`SVD_MAX_N`], or the
/// SVD did not converge within its cap).
///
/// # Examples
/// ```
/// use couplings::analysis::norm_ratios;
/// use couplings::exact::Matrix;
/// let (f, s) = norm_ratios(&Matrix::from_i64(&[&[1, 0], &[0, 0]]), &Matrix::from_i64(&[&[2, 0], &[0, 2]]));
/// assert!((f - 0.5f64.sqrt() / 2.0).abs() < 1e-15 && (s - 0.5).abs() < 1e-15);
/// ```
pub fn norm_ratios(a: &Matrix, b: &Matrix) -> (f64, f64) {
    let (sa, sb) = (to_float_scaled(a), to_float_scaled(b));
    let largest = |f: &DMatrix<f64>| -> f64 {
        if f.nrows().max(f.ncols()) > SVD_MAX_N {
            return f64::NAN;
        }
        singular_values(f).map_or(f64::NAN, |sv| sv.into_iter().fold(0.0, f64::max))
    };
    (
        scaled_ratio(&sa, &sb, |f| f.norm()),
        scaled_ratio(&sa, &sb, largest),
    )
}

/// `||a||_F / ||b||_F` for exact matrices (see [`norm_ratios`]).
fn norm_ratios_frobenius(a: &Matrix, b: &Matrix) -> f64 {
    scaled_ratio(&to_float_scaled(a), &to_float_scaled(b), |f| f.norm())
}

/// `norm(a) / norm(b)` for a norm that commutes with scaling by powers of two.
fn scaled_ratio(a: &ScaledFloat, b: &ScaledFloat, norm: impl Fn(&DMatrix<f64>) -> f64) -> f64 {
    let (x, y) = (norm(&a.scaled), norm(&b.scaled));
    if y == 0.0 {
        return if x == 0.0 { 0.0 } else { f64::INFINITY };
    }
    ldexp(x / y, a.exponent - b.exponent)
}

// ------------------------------------------------------------------ padding tables

/// The families of the depth-against-`K` tables of `docs/padding.md`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PadFamily {
    /// `families::random_integer(n, n)` (entries in [-9, 9]), fewest layers.
    RandomSigned,
    /// The same target, the small-entry (balanced) strategy.
    RandomSmallEntries,
    /// The same target, positive mode (fewest layers).
    RandomPositive,
    /// A random integer matrix with `det < 0`, positive mode.
    NegativeDetPositive,
    /// `-I`, positive mode.
    MinusIdentityPositive,
    /// A seeded random permutation matrix, signed mode.
    PermutationSigned,
    /// The same permutations, positive mode.
    PermutationPositive,
}

impl PadFamily {
    /// Every family, in the order of `docs/padding.md`.
    pub const ALL: [PadFamily; 7] = [
        PadFamily::RandomSigned,
        PadFamily::RandomSmallEntries,
        PadFamily::RandomPositive,
        PadFamily::NegativeDetPositive,
        PadFamily::MinusIdentityPositive,
        PadFamily::PermutationSigned,
        PadFamily::PermutationPositive,
    ];

    /// The table's caption.
    pub fn caption(self) -> &'static str {
        match self {
            PadFamily::RandomSigned => {
                "Random integer matrix (entries in [-9, 9], `families::random_integer(n, n)`), signed mode, fewest layers (`--strategy shallow`)"
            }
            PadFamily::RandomSmallEntries => {
                "Same target, small entries (`--strategy balanced`: the chunked chain, three layers for K >= n)"
            }
            PadFamily::RandomPositive => "Same target, positive mode, fewest layers",
            PadFamily::NegativeDetPositive => {
                "Random integer matrix with det < 0 (first row negated when needed), positive mode (impossible without padding)"
            }
            PadFamily::MinusIdentityPositive => "-I, positive mode (det = -1 for odd n)",
            PadFamily::PermutationSigned => {
                "A random permutation matrix (`Rng::new(n).permutation(n)`), signed mode"
            }
            PadFamily::PermutationPositive => "The same permutations, positive mode",
        }
    }

    /// The target of size `n` and the options.
    pub fn sample(self, n: usize) -> (Matrix, crate::construct::Options) {
        use crate::construct::rng::Rng;
        use crate::construct::{Mode, Options, Strategy};
        let signed = |strategy| Options {
            strategy,
            ..Options::default()
        };
        let positive = Options {
            mode: Mode::Positive,
            ..Options::default()
        };
        let random = families::random_integer(n, n as u64);
        let perm = families::permutation_matrix(&Rng::new(n as u64).permutation(n));
        match self {
            PadFamily::RandomSigned => (random, signed(Strategy::Shallow)),
            PadFamily::RandomSmallEntries => (random, signed(Strategy::Balanced)),
            PadFamily::RandomPositive => (random, positive),
            PadFamily::NegativeDetPositive => {
                use num_traits::Signed;
                let t = if random.det().is_negative() {
                    random
                } else {
                    families::negate_row(&random, 0)
                };
                (t, positive)
            }
            PadFamily::MinusIdentityPositive => (families::minus_identity(n), positive),
            PadFamily::PermutationSigned => (perm, signed(Strategy::Shallow)),
            PadFamily::PermutationPositive => (perm, positive),
        }
    }
}

/// One row of a depth-against-`K` table: the layers of `decompose --pad K` for
/// `K = 1..=n`, and the unpadded layer count (`Err` with the table's label
/// when there is no unpadded decomposition: `"n/a (det<0)"` in positive mode
/// with `det < 0`, `"n/a (unsupported)"` when the strategy refuses `T`, e.g.
/// `balanced` for odd `n`).
pub fn pad_table_row(family: PadFamily, n: usize) -> (Vec<usize>, Result<usize, &'static str>) {
    let (t, options) = family.sample(n);
    let cells = (1..=n)
        .map(|k| {
            let p = crate::construct::pad::decompose_padded(&t, k, &options)
                .unwrap_or_else(|e| panic!("{family:?}, n = {n}, K = {k}: {e}"));
            crate::check::check_padded(&t, &p)
                .unwrap_or_else(|e| panic!("{family:?}, n = {n}, K = {k}: {e}"));
            p.len()
        })
        .collect();
    let unpadded = if n < 2 {
        Ok(usize::from(!t.is_identity()))
    } else {
        crate::construct::decompose_with(&t, &options)
            .map(|d| d.len())
            .map_err(|_| {
                use num_traits::Signed;
                if options.mode == crate::construct::Mode::Positive && t.det().is_negative() {
                    "n/a (det<0)"
                } else {
                    "n/a (unsupported)"
                }
            })
    };
    (cells, unpadded)
}

/// The depth-against-`K` grid of one family for `n` in `lo..=hi`, as the
/// fenced text block of `docs/padding.md`.
///
/// # Examples
/// ```
/// use couplings::analysis::{PadFamily, pad_table};
/// let t = pad_table(PadFamily::RandomSigned, 2, 3);
/// assert!(t.contains("\n2     3   3"));
/// ```
pub fn pad_table(family: PadFamily, lo: usize, hi: usize) -> String {
    let mut out = format!("{}:\n```\nn\\K", family.caption());
    for k in 1..=hi {
        out += &format!("{k:>4}");
    }
    out += "   | K=0 (unpadded)\n";
    for n in lo..=hi {
        out += &pad_table_line(family, n, hi);
        out += "\n";
    }
    out += "```\n";
    out
}

/// One line of [`pad_table`]: row `n` of a table whose columns run to
/// `K = width` (without the line break).
///
/// # Examples
/// ```
/// use couplings::analysis::{PadFamily, pad_table_line};
/// assert_eq!(pad_table_line(PadFamily::RandomSigned, 2, 3), "2     3   3       | 2");
/// ```
pub fn pad_table_line(family: PadFamily, n: usize, width: usize) -> String {
    let (cells, unpadded) = pad_table_row(family, n);
    let mut out = format!("{n:<3}");
    for k in 1..=width {
        match cells.get(k - 1) {
            Some(c) => out += &format!("{c:>4}"),
            None => out += "    ",
        }
    }
    out += &match unpadded {
        Ok(u) => format!("   | {u}"),
        Err(label) => format!("   | {label}"),
    };
    out
}

/// One row of the padded conditioning table: a chain's name, layers, worst
/// and per-layer float64 condition numbers, float64 error and largest entry.
#[derive(Debug, Clone, PartialEq)]
pub struct CondRow {
    /// Family and size, e.g. `glow rotation c=8`.
    pub target: String,
    /// `cond(T)` in float64.
    pub target_condition: f64,
    /// The chain, e.g. `padded K=n unit` or `unpadded conditioned`.
    pub chain: String,
    /// Number of layers.
    pub layers: usize,
    /// Per-layer condition numbers.
    pub conditions: Vec<f64>,
    /// Relative float64 error: `||P[:, :n] - [[T], [0]]|| / ||T||` (padded) or
    /// `||P - T|| / ||T||`.
    pub float_error: f64,
    /// Largest entry in bits.
    pub max_bits: u64,
}

/// The targets of the conditioning table: Glow rotations, Glow LU weights and
/// random integer matrices of size `c`, and a float32 matrix with condition
/// number about 1e6 (`Q1 diag(s) Q2`, `s` geometric from 1 to 1e-6).
pub fn pad_conditioning_targets(c: usize) -> Vec<(String, Matrix)> {
    let q1 = to_float(&families::glow_rotation(c, 11));
    let q2 = to_float(&families::glow_rotation(c, 12));
    let s = DMatrix::from_diagonal(&nalgebra::DVector::from_fn(c, |i, _| {
        10f64.powf(-6.0 * i as f64 / (c.max(2) - 1) as f64)
    }));
    vec![
        (
            format!("glow rotation c={c}"),
            families::glow_rotation(c, 1),
        ),
        (format!("glow LU c={c}"), families::glow_lu(c, 1)),
        (
            format!("random integer n={c}"),
            families::random_integer(c, c as u64),
        ),
        (
            format!("ill-conditioned (1e6) n={c}"),
            families::exact_f32(&(q1 * s * q2)),
        ),
    ]
}

/// The padded chains of `t` with `K = n` (the unit three layers, the scaled
/// three layers, the five-layer split chain), the chunked chain with
/// `K = n / 2`, and the unpadded strategies asked for (`unpadded` lists them).
pub fn pad_conditioning_rows(
    name: &str,
    t: &Matrix,
    unpadded: &[crate::construct::Strategy],
) -> Vec<CondRow> {
    use crate::construct::pad::{self, scaled, split_five};
    use crate::construct::{Options, Strategy};
    use crate::layer::{Decomposition, Mode, PaddedDecomposition, Split};
    let n = t.rows();
    let t_inv = t.inverse().expect("invertible target");
    let target_condition = condition_number(t);
    let mut rows = Vec::new();
    let mut padded_row = |label: &str, p: PaddedDecomposition| {
        crate::check::check_padded(t, &p).unwrap_or_else(|e| panic!("{name} {label}: {e}"));
        let f = padded_figures(t, &p);
        rows.push(CondRow {
            target: name.to_string(),
            target_condition,
            chain: label.to_string(),
            layers: f.layers,
            conditions: f.conditions,
            float_error: f.float_error,
            max_bits: f.max_bits,
        });
    };
    let wrap = |chain: Vec<Layer>, k: usize| PaddedDecomposition {
        pad: k,
        mask: None,
        decomposition: Decomposition {
            split: Split::new(n, k),
            mode: Mode::Signed,
            layers: chain,
        }
        .normalized(),
    };
    padded_row(
        "padded K=n, unit (default)",
        wrap(pad::three::chain(t, &t_inv, n).chain, n),
    );
    if let Some((s, _)) = scaled::choose(&to_float(t)) {
        padded_row(
            "padded K=n, scaled",
            wrap(scaled::layers(t, &t_inv, &s, n), n),
        );
    }
    if let Some((c, _)) = split_five::chain(t, &t_inv, n) {
        padded_row("padded K=n, split five", wrap(c.chain, n));
    }
    if n >= 2 {
        let k = n / 2;
        let options = Options {
            strategy: Strategy::Balanced,
            ..Options::default()
        };
        if let Ok(p) = pad::decompose_padded(t, k, &options) {
            padded_row("padded K=n/2, chunked", p);
        }
    }
    for &strategy in unpadded {
        let options = Options {
            strategy,
            ..Options::default()
        };
        if let Ok(d) = crate::construct::decompose_with(t, &options) {
            let f = figures(t, &d);
            rows.push(CondRow {
                target: name.to_string(),
                target_condition,
                chain: format!("unpadded {}", strategy.name()),
                layers: f.layers,
                conditions: f.conditions,
                float_error: f.float_error,
                max_bits: f.max_bits,
            });
        }
    }
    rows
}

/// The conditioning table (Markdown) of the given rows.
pub fn pad_conditioning_table(rows: &[CondRow]) -> String {
    let mut out = String::from(
        "| target | cond(T) | chain | layers | worst layer cond | per-layer cond | float64 error | max bits |\n|---|---:|---|---:|---:|---|---:|---:|\n",
    );
    for r in rows {
        let worst = r.conditions.iter().cloned().fold(1.0, f64::max);
        let per: Vec<String> = r.conditions.iter().map(|c| fmt_cond(*c)).collect();
        let per = if per.len() > 6 {
            format!("{} ... ({} layers)", per[..3].join(", "), per.len())
        } else {
            per.join(", ")
        };
        out += &format!(
            "| {} | {} | {} | {} | {} | {per} | {:.1e} | {} |\n",
            r.target,
            fmt_cond(r.target_condition),
            r.chain,
            r.layers,
            fmt_cond(worst),
            r.float_error,
            r.max_bits
        );
    }
    out
}

fn fmt_cond(c: f64) -> String {
    if !c.is_finite() {
        "inf".into()
    } else if c < 1000.0 {
        format!("{c:.3}")
            .trim_end_matches('0')
            .trim_end_matches('.')
            .to_string()
    } else {
        format!("{c:.2e}")
    }
}

/// The exact padded depth census of `docs/padding.md`: every invertible
/// `n x n` matrix with entries in `values`, decided by
/// [`crate::depth::pad::padded_depth`] over every split; the keys are the
/// exact depth (`"0"` to `"3"`), or `"[4, u]"` / `"[3, u]"` with the certified
/// lower bound and the upper bound `u` of `decompose --pad`.
///
/// # Examples
/// ```
/// use couplings::{Mode, analysis::pad_census};
/// let counts = pad_census(2, 1, &[0, 1], Mode::Signed);
/// assert_eq!(counts.values().sum::<usize>(), 6); // the invertible 0/1 matrices
/// ```
pub fn pad_census(
    n: usize,
    pad: usize,
    values: &[i64],
    mode: crate::construct::Mode,
) -> std::collections::BTreeMap<String, usize> {
    use crate::depth::pad::{Depth, padded_depth};
    let mut counts = std::collections::BTreeMap::new();
    let cells = n * n;
    let total = values.len().pow(cells as u32);
    for code in 0..total {
        let mut c = code;
        let data: Vec<crate::exact::Q> = (0..cells)
            .map(|_| {
                let v = values[c % values.len()];
                c /= values.len();
                crate::exact::qi(v)
            })
            .collect();
        let t = Matrix::from_vec(n, n, data);
        if num_traits::Zero::is_zero(&t.det()) {
            continue;
        }
        let r = padded_depth(&t, pad, mode, None).expect("invertible input");
        let key = match r.depth() {
            Depth::Exact(d) => d.to_string(),
            Depth::AtLeast(d) => match &r.upper {
                Some(u) => format!("[{d}, {}]", u.len()),
                None => format!("[{d}, ?]"),
            },
        };
        *counts.entry(key).or_insert(0) += 1;
    }
    counts
}
