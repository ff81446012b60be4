//! `K >= n`, conditioned (`--strategy conditioned --pad K`): the three layers
//! of [`super::three`] with rational scalars chosen for float64 conditioning
//! (lemma `padded_three_scaled` of `proofs/padding.proof`):
//!
//! ```text
//! L(t I, d1), U((T - e I) / t, e), L(-d2 t T^-1, d2)      (application order)
//! ```
//!
//! maps `[x; 0]` to `[x; t x]`, then `[T x; t x]`, then `[T x; 0]`, for every
//! nonzero `t`, `e`, `d1`, `d2` (all positive here, so positive mode and any
//! sign of `det T`). Each layer is a block of `2 x 2` matrices
//! `[[1, 0], [s, d]]` or `[[e, s], [0, 1]]` over the singular values `s` of its
//! shift, so its condition number `c` solves `c + 1/c = (1 + s^2 + d^2) / d`
//! (resp. `(e^2 + s^2 + 1) / e`) at the largest `s`. Hence the best `d1`, `d2`
//! are `sqrt(1 + t^2)` and `1 / sqrt(1 + t^2 ||T^-1||^2)`, and for each `e` the
//! best `t` balances the first and last layers against the middle one; `e` is
//! searched on a logarithmic grid and refined (float64 SVDs of `T - e I`). The
//! scalars are rounded to 10 significant bits, so the layers stay exact. The
//! worst layer then has condition number about `2 sqrt(cond T)` (the unit
//! chain's is about `||T - I|| ||T^-1||`). The dispatcher
//! (`super::conditioned_best`) also offers the five-layer chain of
//! [`super::split_five`] when it at least halves the worst condition number.

use super::{pad_cols, pad_rows};

use crate::exact::{Matrix, Q};
use crate::layer::Layer;
use nalgebra::DMatrix;
use num_rational::BigRational;
use num_traits::One;

/// The scalars of the scaled chain, exact.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scalars {
    /// The first shift `t I`.
    pub t: Q,
    /// The upper scale `e`.
    pub e: Q,
    /// The first lower scale (acts on the zero padded coordinates).
    pub d1: Q,
    /// The last lower scale.
    pub d2: Q,
}

/// The scaled layers for `T` (with inverse `t_inv`) on the split `(n | pad)`,
/// `pad >= n`; idle padded coordinates (beyond `n`) keep scale 1.
pub fn layers(t: &Matrix, t_inv: &Matrix, s: &Scalars, pad: usize) -> Vec<Layer> {
    let n = t.rows();
    let with_idle = |v: &Q| {
        let mut d = vec![v.clone(); n];
        d.resize(pad, Q::one());
        d
    };
    // lemma: padded_three_scaled
    let a1 = pad_rows(&Matrix::identity(n).map(|x| x * &s.t), pad);
    let b = pad_cols(&super::minus_scalar(t, &s.e).map(|x| x / &s.t), pad);
    let coef = -(&s.d2 * &s.t);
    let a2 = pad_rows(&t_inv.map(|x| x * &coef), pad);
    vec![
        Layer::lower(a1, with_idle(&s.d1)),
        Layer::upper(b, vec![s.e.clone(); n]),
        Layer::lower(a2, with_idle(&s.d2)),
    ]
}

/// Condition number `c >= 1` with `c + 1/c = g` (`g >= 2`).
pub fn from_g(g: f64) -> f64 {
    let g = g.max(2.0);
    (g + (g * g - 4.0).max(0.0).sqrt()) / 2.0
}

/// Condition number of `[[I, 0], [A, d I]]` (or `[[e I, A], [0, I]]` with `d = e`)
/// when the largest singular value of `A` is `s`.
pub fn layer_cond(s: f64, d: f64) -> f64 {
    from_g((1.0 + s * s + d * d) / d)
}

/// Largest singular value.
pub fn norm2(m: &DMatrix<f64>) -> f64 {
    m.singular_values().iter().cloned().fold(0.0, f64::max)
}

/// The scalars for the float `T`, and the predicted condition numbers of the
/// three layers; `None` if `T` is numerically singular or not finite.
pub fn choose(tf: &DMatrix<f64>) -> Option<(Scalars, [f64; 3])> {
    let n = tf.nrows();
    let inv = tf.clone().try_inverse()?;
    let sigma_inv = norm2(&inv);
    let norm_t = norm2(tf);
    if !(sigma_inv.is_finite() && norm_t.is_finite() && norm_t > 0.0) {
        return None;
    }
    let beta = |e: f64| norm2(&(tf - DMatrix::<f64>::identity(n, n) * e));
    // For fixed e: the t balancing 2 sqrt(1 + t^2 m^2) against the upper layer.
    let m = sigma_inv.max(1.0);
    let worst_at = |e: f64| -> (f64, f64) {
        let b = beta(e);
        let g_upper = |t: f64| (e * e + 1.0 + b * b / (t * t)) / e;
        let g_lower = |t: f64| 2.0 * (1.0 + t * t * m * m).sqrt();
        let (mut lo, mut hi) = (1e-12f64.ln(), 1e12f64.ln());
        for _ in 0..100 {
            let mid = (lo + hi) / 2.0;
            if g_upper(mid.exp()) > g_lower(mid.exp()) {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        let t = ((lo + hi) / 2.0).exp();
        (from_g(g_upper(t).max(g_lower(t))), t)
    };
    let (lo, hi) = ((norm_t * 1e-3).ln(), (norm_t * 1e3).ln());
    let steps = 24;
    let mut best = (f64::INFINITY, 0.0f64);
    for i in 0..=steps {
        let x = lo + (hi - lo) * i as f64 / steps as f64;
        let (w, _) = worst_at(x.exp());
        if w < best.0 {
            best = (w, x);
        }
    }
    // Golden-section refinement around the best grid point.
    let h = (hi - lo) / steps as f64;
    let (mut a, mut b) = (best.1 - h, best.1 + h);
    let ratio = (5f64.sqrt() - 1.0) / 2.0;
    for _ in 0..30 {
        let x1 = b - ratio * (b - a);
        let x2 = a + ratio * (b - a);
        if worst_at(x1.exp()).0 < worst_at(x2.exp()).0 {
            b = x2;
        } else {
            a = x1;
        }
    }
    let e = ((a + b) / 2.0).exp();
    let (_, t) = worst_at(e);
    let t_q = round_bits(t)?;
    let e_q = round_bits(e)?;
    let tf_ = crate::exact::to_f64(&t_q);
    let d1 = round_bits((1.0 + tf_ * tf_).sqrt())?;
    let d2 = round_bits(1.0 / (1.0 + tf_ * tf_ * sigma_inv * sigma_inv).sqrt())?;
    // Predicted figures of the rounded scalars.
    let (tr, er) = (tf_, crate::exact::to_f64(&e_q));
    let (d1r, d2r) = (crate::exact::to_f64(&d1), crate::exact::to_f64(&d2));
    let conds = [
        layer_cond(tr, d1r),
        layer_cond(beta(er) / tr, er),
        layer_cond(d2r * tr * sigma_inv, d2r),
    ];
    Some((
        Scalars {
            t: t_q,
            e: e_q,
            d1,
            d2,
        },
        conds,
    ))
}

/// `x > 0` rounded to 10 significant bits, exactly (`None` for 0, negative,
/// NaN or infinite values, or values outside `[2^-900, 2^900]`).
pub fn round_bits(x: f64) -> Option<Q> {
    if !(x.is_finite() && x > 0.0) {
        return None;
    }
    let e = x.log2().floor() as i32;
    if e.abs() > 900 {
        return None;
    }
    let m = (x * 2f64.powi(9 - e)).round();
    BigRational::from_float(m * 2f64.powi(e - 9))
}
