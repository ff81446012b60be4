//! Rounding the float chain to dyadic layers, with compensation: every layer
//! entry becomes a float32 (or float64) value that is also an integer over one
//! power of two per layer (what the exact kernel `crate::exact::dyadic`
//! multiplies), and the rounding errors are compensated by least-squares
//! refits of the shifts against `W` (float32: after rounding layer `k`, refit
//! layer `k + 1`; float64: correction sweeps driven by the exact residual).
//! Chains are in matrix order, as in `super::float`.

use super::float::FloatLayer;
use crate::exact::dyadic::DyadicFactor;
use nalgebra::{DMatrix, DVector};

/// The float format every layer entry is representable in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Width {
    /// IEEE binary32 (24-bit significands).
    F32,
    /// IEEE binary64 (53-bit significands).
    F64,
}

impl Width {
    /// `float32` or `float64`.
    ///
    /// # Examples
    /// ```
    /// assert_eq!(couplings::construct::tolerance::Width::F32.name(), "float32");
    /// ```
    pub fn name(self) -> &'static str {
        match self {
            Width::F32 => "float32",
            Width::F64 => "float64",
        }
    }

    fn bits(self) -> i32 {
        match self {
            Width::F32 => 24,
            Width::F64 => 53,
        }
    }

    /// Bits below the largest entry's significand that the per-layer grid
    /// keeps (so entries far below the largest keep an absolute accuracy of
    /// `2^-(bits + guard)` relative to it): integers below `2^36` (float32)
    /// or `2^62` (float64: the kernel's one-multiplication path; a finer
    /// grid measured no gain, the float64 rounding of the entries is the floor).
    fn guard(self) -> i32 {
        match self {
            Width::F32 => 12,
            Width::F64 => 9,
        }
    }

    /// `x` rounded to the nearest value of this width (as a float64).
    pub(crate) fn round(self, x: f64) -> f64 {
        match self {
            Width::F32 => x as f32 as f64,
            Width::F64 => x,
        }
    }
}

/// `e` with `m < 2^e <= 2m` for a finite `m > 0` (the float exponent).
fn exponent(m: f64) -> i32 {
    let (mant, e) = frexp(m);
    debug_assert!((0.5..1.0).contains(&mant));
    e
}

/// `(mantissa, e)` with `x = mantissa 2^e`, `0.5 <= |mantissa| < 1`.
fn frexp(x: f64) -> (f64, i32) {
    if x == 0.0 || !x.is_finite() {
        return (x, 0);
    }
    let bits = x.to_bits();
    let raw = ((bits >> 52) & 0x7ff) as i32;
    if raw == 0 {
        // Subnormal: scale up first.
        let (m, e) = frexp(x * 2f64.powi(64));
        return (m, e - 64);
    }
    let e = raw - 1022;
    let m = f64::from_bits((bits & !(0x7ffu64 << 52)) | (1022u64 << 52));
    (m, e)
}

/// Fractional bits needed to write the finite float `x` exactly
/// (`x * 2^k` integral for `k >= ` the result).
fn fraction_bits(x: f64) -> i32 {
    if x == 0.0 {
        return i32::MIN;
    }
    let (m, e) = frexp(x);
    let int = (m * 2f64.powi(53)) as i64; // exact: 53 significant bits
    53 - e - int.trailing_zeros() as i32
}

/// Integers of a rounded layer stay below `2^INT_BITS`, so the kernel
/// multiplies them in one 64-bit multiplication per limb.
const INT_BITS: i32 = 62;

/// Rounds one layer to `width`, then to integers over `2^F` with
/// `F = bits + guard - e_max` (`e_max`: the exponent of the largest entry),
/// raised where the integers leave room (float32) so that every *scale* entry
/// stays exactly its rounded float. Every result is still a value of `width`
/// (an entry below the grid's reach loses significand bits, never its float
/// representability). Returns the rounded float layer and its integers, or
/// `None` when a scale would round to zero or the integers would not fit.
pub(crate) fn round_layer(l: &FloatLayer, width: Width) -> Option<(FloatLayer, DyadicFactor)> {
    let shift = l.shift.map(|x| width.round(x));
    let scale = l.scale.map(|x| width.round(x));
    let m = shift
        .iter()
        .chain(scale.iter())
        .fold(0.0f64, |a, v| a.max(v.abs()));
    if !m.is_finite() || m == 0.0 {
        return None;
    }
    let e_max = exponent(m);
    // Integers stay below 2^INT_BITS: m < 2^e_max, so F <= INT_BITS - e_max.
    let cap = INT_BITS - e_max;
    let mut f = width.bits() + width.guard() - e_max;
    for &s in scale.iter() {
        if s == 0.0 {
            return None;
        }
        f = f.max(fraction_bits(s).min(cap));
    }
    let f = f.max(0);
    if f > crate::exact::dyadic::MAX_FRAC_BITS as i32 {
        return None;
    }
    let scaled = |x: f64| (x * 2f64.powi(f)).round();
    let back = |k: f64| k * 2f64.powi(-f);
    let too_big = |k: &f64| k.abs() >= 2f64.powi(INT_BITS);
    let si = shift.map(scaled);
    let ci = scale.map(scaled);
    if si.iter().chain(ci.iter()).any(too_big) || ci.iter().any(|&k| k == 0.0) {
        return None;
    }
    let d = shift.nrows();
    let factor = DyadicFactor {
        updates_second: l.lower,
        // Row-major for the kernel (nalgebra stores columns).
        shift: (0..d * d).map(|k| si[(k / d, k % d)] as i128).collect(),
        scale: ci.iter().map(|&k| k as i128).collect(),
        frac_bits: f as u32,
    };
    let float = FloatLayer {
        lower: l.lower,
        shift: si.map(back),
        scale: ci.map(back),
    };
    Some((float, factor))
}

/// Least squares `min_B ||res - L1 B R2||_F` for `L1` (`n x d`, full column
/// rank) and `R2` (`d x n`, full row rank): `B = L1^+ res R2^+` via QR.
fn least_squares(l1: &DMatrix<f64>, res: &DMatrix<f64>, r2: &DMatrix<f64>) -> Option<DMatrix<f64>> {
    let qr = l1.clone().qr();
    let x = qr.r().solve_upper_triangular(&(qr.q().transpose() * res))?;
    let qr2 = r2.transpose().qr();
    let bt = qr2
        .r()
        .solve_upper_triangular(&(qr2.q().transpose() * x.transpose()))?;
    Some(bt.transpose())
}

/// The columns of `left` and rows of `right` that multiply a layer's shift:
/// `left * M * right = left * base * right + L1 * shift * R2`.
fn shift_frames(
    lower: bool,
    left: &DMatrix<f64>,
    right: &DMatrix<f64>,
) -> (DMatrix<f64>, DMatrix<f64>) {
    let d = left.ncols() / 2;
    if lower {
        (
            left.columns(d, d).into_owned(),
            right.rows(0, d).into_owned(),
        )
    } else {
        (
            left.columns(0, d).into_owned(),
            right.rows(d, d).into_owned(),
        )
    }
}

/// The columns of `left` and rows of `right` that multiply a layer's scale:
/// changing scale entry `i` by `delta_i` changes `left * M * right` by
/// `delta_i a_i b_i^T` (`a_i` column `i` of the first, `b_i` row `i` of the second).
fn scale_frames(
    lower: bool,
    left: &DMatrix<f64>,
    right: &DMatrix<f64>,
) -> (DMatrix<f64>, DMatrix<f64>) {
    let d = left.ncols() / 2;
    let o = if lower { d } else { 0 };
    (
        left.columns(o, d).into_owned(),
        right.rows(o, d).into_owned(),
    )
}

/// Least squares `min_delta ||res - sum_i delta_i a_i b_i^T||_F`: the normal
/// equations `((A^T A) o (B B^T)) delta = diag(A^T res B^T)` (Hadamard
/// product; Cholesky).
fn scale_least_squares(
    a: &DMatrix<f64>,
    res: &DMatrix<f64>,
    b: &DMatrix<f64>,
) -> Option<DVector<f64>> {
    let g = (a.transpose() * a).component_mul(&(b * b.transpose()));
    let ar = a.transpose() * res;
    let rhs = DVector::from_fn(a.ncols(), |i, _| ar.row(i).dot(&b.row(i)));
    g.cholesky().map(|c| c.solve(&rhs))
}

/// `left * diag(scale part of the layer)`: the layer without its shift is
/// diagonal, so this is a column scaling.
fn times_base(left: &DMatrix<f64>, l: &FloatLayer) -> DMatrix<f64> {
    let d = l.scale.len();
    let offset = if l.lower { d } else { 0 };
    let mut out = left.clone();
    for j in 0..d {
        let mut c = out.column_mut(offset + j);
        c *= l.scale[j];
    }
    out
}

/// Suffix products `suffix[j] = M_j ... M_{K-1}` (and `suffix[K] = I`).
fn suffixes(chain: &[FloatLayer], n: usize) -> Vec<DMatrix<f64>> {
    let mut out = vec![DMatrix::identity(n, n)];
    for l in chain.iter().rev() {
        let next = l.apply_left(out.last().expect("non-empty"));
        out.push(next);
    }
    out.reverse();
    out
}

/// Float32 ("next refit"): round the layers in matrix order; after rounding
/// layer `k`, refit the shift of layer `k + 1` by least squares against `w`
/// with the rounded prefix and the (not yet rounded) suffix. Returns the
/// rounded chain and its integers, or `None` when a layer cannot be rounded.
pub(crate) fn round_with_refits(
    chain: &[FloatLayer],
    w: &DMatrix<f64>,
    width: Width,
) -> Option<(Vec<FloatLayer>, Vec<DyadicFactor>)> {
    let n = w.nrows();
    let suffix = suffixes(chain, n);
    let mut work: Vec<FloatLayer> = chain.to_vec();
    let mut left = DMatrix::<f64>::identity(n, n);
    let mut floats = Vec::with_capacity(chain.len());
    let mut ints = Vec::with_capacity(chain.len());
    for k in 0..chain.len() {
        let (fl, int) = round_layer(&work[k], width)?;
        left = fl.apply_right(&left);
        floats.push(fl);
        ints.push(int);
        if k + 1 < chain.len() {
            let next = &work[k + 1];
            let right = &suffix[k + 2];
            let res = w - times_base(&left, next) * right;
            let (l1, r2) = shift_frames(next.lower, &left, right);
            if let Some(b) = least_squares(&l1, &res, &r2)
                && b.iter().all(|x| x.is_finite())
            {
                work[k + 1].shift = b;
            }
        }
    }
    Some((floats, ints))
}

/// One compensated rounding pass for float64 entries. `chain` is already
/// rounded and `e = W - P` its residual, computed accurately by the caller
/// (from the exact product). A sweep visits the layers in order; for each, the
/// shift correction minimising `||e - L1 delta R2||_F` and then the scale
/// correction (normal equations of the `d` rank-one directions) are added,
/// with the current prefix (layers already visited, in their new state) and
/// the suffix not yet visited, and `e` is updated by the exact algebra of the
/// change, `e -= L1 (new - old) R2` (accurate to second order: the change is
/// tiny). Sweeps repeat while they gain (at least 3 % per sweep, at most
/// `max_sweeps`) and `e` is above `goal`; a last sweep also rounds every layer
/// (so later layers compensate the rounding of earlier ones). Returns the
/// rounded chain, its integers and the predicted `||e||_F`.
pub(crate) fn compensated_pass(
    chain: &[FloatLayer],
    e: &DMatrix<f64>,
    width: Width,
    goal: f64,
    max_sweeps: usize,
) -> Option<(Vec<FloatLayer>, Vec<DyadicFactor>, f64)> {
    let mut e = e.clone();
    let mut current: Vec<FloatLayer> = chain.to_vec();
    let mut previous = e.norm();
    for _ in 0..max_sweeps {
        if previous <= goal {
            break;
        }
        sweep(&mut current, &mut e, None);
        let now = e.norm();
        let gained = now < 0.97 * previous;
        previous = now;
        if !gained {
            break;
        }
    }
    let mut ints = Vec::with_capacity(chain.len());
    sweep(&mut current, &mut e, Some((width, &mut ints)));
    (ints.len() == chain.len()).then(|| (current, ints, e.norm()))
}

/// One sweep of [`compensated_pass`]; with `rounding`, every layer is also
/// rounded (its integers pushed) after its correction.
fn sweep(
    current: &mut [FloatLayer],
    e: &mut DMatrix<f64>,
    mut rounding: Option<(Width, &mut Vec<DyadicFactor>)>,
) {
    let n = e.nrows();
    let suffix = suffixes(current, n);
    let mut left = DMatrix::<f64>::identity(n, n);
    for j in 0..current.len() {
        let l = &current[j];
        let (l1, r2) = shift_frames(l.lower, &left, &suffix[j + 1]);
        let (a, b) = scale_frames(l.lower, &left, &suffix[j + 1]);
        let mut moved = l.clone();
        if let Some(delta) = least_squares(&l1, e, &r2)
            && delta.iter().all(|x| x.is_finite())
        {
            moved.shift += delta;
        }
        let res = &*e - &l1 * (&moved.shift - &l.shift) * &r2;
        if let Some(delta) = scale_least_squares(&a, &res, &b)
            && delta
                .iter()
                .zip(moved.scale.iter())
                .all(|(x, s)| x.is_finite() && x.abs() < 0.5 * s.abs())
        {
            moved.scale += delta;
        }
        if let Some((width, ints)) = rounding.as_mut() {
            match round_layer(&moved, *width) {
                Some((fl, int)) => {
                    moved = fl;
                    ints.push(int);
                }
                None => return,
            }
        }
        *e -= &l1 * (&moved.shift - &l.shift) * &r2;
        *e -= &a * DMatrix::from_diagonal(&(&moved.scale - &l.scale)) * &b;
        left = moved.apply_right(&left);
        current[j] = moved;
    }
}

/// Rounds every layer (no refit).
pub(crate) fn round_all(
    chain: &[FloatLayer],
    width: Width,
) -> Option<(Vec<FloatLayer>, Vec<DyadicFactor>)> {
    let rounded: Option<Vec<(FloatLayer, DyadicFactor)>> =
        chain.iter().map(|l| round_layer(l, width)).collect();
    Some(rounded?.into_iter().unzip())
}

/// Float64 2-norm condition number of a layer (extreme eigenvalues of
/// `M M^T`, symmetric).
pub(crate) fn condition(l: &FloatLayer) -> f64 {
    matrix_condition(&l.to_dense())
}

/// Float64 2-norm condition number of a square matrix (extreme eigenvalues
/// of `M M^T`; infinite when singular in float64).
pub(crate) fn matrix_condition(m: &DMatrix<f64>) -> f64 {
    let g = m * m.transpose();
    let ev: DVector<f64> = g.symmetric_eigenvalues();
    let (lo, hi) = ev
        .iter()
        .fold((f64::INFINITY, 0.0f64), |(a, b), &v| (a.min(v), b.max(v)));
    if lo <= 0.0 {
        f64::INFINITY
    } else {
        (hi / lo).sqrt()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frexp_and_fraction_bits() {
        assert_eq!(frexp(1.0), (0.5, 1));
        assert_eq!(frexp(0.75), (0.75, 0));
        assert_eq!(exponent(3.0), 2);
        assert_eq!(fraction_bits(0.75), 2);
        assert_eq!(fraction_bits(1.0), 0);
        assert_eq!(fraction_bits(6.0), -1);
        assert_eq!(frexp(f64::MIN_POSITIVE / 4.0), (0.5, -1023));
    }

    #[test]
    fn rounded_entries_are_exact_floats_of_the_width() {
        let mut rng = crate::construct::rng::Rng::new(5);
        let d = 6;
        let l = FloatLayer {
            lower: true,
            shift: DMatrix::from_fn(d, d, |_, _| {
                rng.normal() * 10f64.powi(rng.range(-8, 2) as i32)
            }),
            scale: DVector::from_fn(d, |_, _| 0.01 + rng.uniform()),
        };
        for width in [Width::F32, Width::F64] {
            let (fl, int) = round_layer(&l, width).unwrap();
            for (k, &v) in fl.shift.iter().chain(fl.scale.iter()).enumerate() {
                assert_eq!(width.round(v), v, "entry {k} is a {} value", width.name());
            }
            let den = 2f64.powi(int.frac_bits as i32);
            for (k, &s) in int.scale.iter().enumerate() {
                assert_eq!(s as f64 / den, fl.scale[k]);
                assert!((fl.scale[k] / l.scale[k] - 1.0).abs() < 1e-6);
                if width == Width::F32 {
                    assert_eq!(
                        fl.scale[k],
                        width.round(l.scale[k]),
                        "float32 scales are kept exactly"
                    );
                }
            }
            for k in 0..d * d {
                assert_eq!(int.shift[k] as f64 / den, fl.shift[(k / d, k % d)]);
            }
        }
    }
}
