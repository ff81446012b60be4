//! Well-conditioned construction (`Strategy::Conditioned`): more layers (11 for
//! generic inputs, at most 12), small floating-point condition numbers, still an
//! exact decomposition verified by exact multiplication.
//!
//! Why the shallow core is ill-conditioned: its free choices (the triangular
//! factorisations of `N` and `R`, the spectrum `c_i`, the eigenvector matrices of
//! a triangular matrix) are arbitrary, and for a generic target the eigenvector
//! matrices have condition numbers that grow with `d`. The core is, however,
//! perfectly conditioned next to `s F J` with `J = [[0, -I], [I, 0]]`, `F` a
//! diagonal sign matrix and `s > 0` a scalar: there `N`, `R`, `U`, `Lam` are
//! diagonal up to a small error `E`, the eigenvector matrices are `I + O(|E| /
//! gap)` where `gap` is the spacing of the chosen spectrum, and every layer has
//! entries of order `s`. This module therefore splits `T` in two parts:
//!
//! 1. **Approximation (floating point, then rounded).** `K` unit-scale layers
//!    (`K = 7`; `8` if the fit stalls), alternating and starting with an upper
//!    layer in application order, are fitted to `T J^-1 F / s` (where `s =
//!    |det T|^(1/n)` and `F` fixes the sign of the determinant, so the fitted
//!    target has determinant 1, like every product of unit layers) by
//!    alternating least squares: with all other layers fixed, the product is
//!    affine in one layer's shift `A`, `Left (I + e(A)) Right`, and the least
//!    squares `A` is `L2^+ (T - Left Right) R1^+` (slightly regularised, which
//!    keeps shifts small). Sweeps go forward and back until the relative residual
//!    is below `1e-11` or stops improving. Then the shifts are rounded to dyadic
//!    rationals with 8 fractional bits *one layer at a time*, refitting the later
//!    layers around each rounded one, so rounding errors do not accumulate: this
//!    part is an exact chain `A` of small rationals (9 to 12 bits) that is merely
//!    *close* to `T J^-1 F / s`.
//! 2. **Exact correction.** `C := A^-1 T` (exact; each layer inverted
//!    structurally) is close to `s F J`. The five-layer core is run on `C` with
//!    choices made for conditioning instead of entry size: `Dt = 1/s` (rounded)
//!    in `U = U_N Dt U_R^-1`, so `Lam` and `U` are close to scalar matrices, and
//!    the spectrum `c_i = sign * (1 + 1/s + 3 (2 i - d + 1) / (4 d))`, equally
//!    spaced (step `3 / (2 d)`) around `1 + 1/s`: next to `s J` the core's layers
//!    are, with `delta = 1/s`, `U(-I)`, `L(A2)` with `A2 = (s + 1) - s c`,
//!    `U(I, c s)`, `L(s (1 - 1/c), s / c)`, `U(-(s + 1)/s)`, so centring `c` at
//!    `1 + 1/s` keeps `|A2| <= 3 s / 4` and all scales within `[s/4, 2 s]`
//!    (an earlier spread `[1, 4)` gave `|A2|` up to `3 s` and layer condition
//!    numbers above 1e3 on random integer matrices with `s ~ 15`); the gaps are
//!    large against `|E|` (about `2^-9` times a small constant).
//!    Fewer fractional bits shrink the correction's entries (they scale with the
//!    bit size of `C`, which is that of `T` plus the approximation's), but its
//!    eigenvector matrices `I + O(|E| / gap)` degrade; 8 bits measured well up
//!    to `d = 16` (6 bits gave the same condition numbers at `d <= 8`).
//!
//! `T = A C`, so the chain (application order) is the five core layers followed
//! by the `K` approximation layers; the core's last layer `U(B0)` merges with the
//! first approximation layer: `5 + K - 1 = 11` layers (12 when `K = 8`), plus 2
//! in positive mode if the core has forced signs (never seen: close to `s J` with
//! `det T > 0` every forced sign is positive). Entries of the correction are
//! large rationals (the exact inverse of `C21` is a dense rational matrix), but
//! they are *well conditioned*: rounding them to float64 moves the product by
//! about the unit roundoff times the conditioning, which is the point.
//!
//! Every identity used is one of the five-layer core's lemmas (`proofs/core.proof`)
//! plus the structural layer inverse (`inverse_lower`, `inverse_upper`); the float
//! part needs no lemma because nothing about it is trusted: whatever it returns,
//! the correction is computed exactly from it, and `decompose` multiplies the
//! result back exactly.
//!
//! Cost: the correction's entries have roughly `d^2 / 2` times the bit size of
//! `C` (the eigenvector step of the core, as for the shallow strategy, but `C`
//! carries the approximation's bits on top of the target's), so exact time grows
//! fast with `d`; see `docs/conditioning.md` for measurements.
//!
//! # Examples
//! ```
//! use couplings::{Options, Strategy, analysis::report, decompose_with, families};
//! let w = families::glow_rotation(4, 1); // a float32 rotation, read exactly
//! let options = Options { strategy: Strategy::Conditioned, ..Options::default() };
//! let dec = decompose_with(&w, &options).unwrap();
//! assert_eq!(dec.product(), w); // exact
//! let r = report(&w, &dec);
//! assert!(r.worst_condition < 1e3 && r.float_error < 1e-12);
//! ```

use super::blocks::{Blocks, Chain};
use super::{Construction, DecomposeError, Options, Strategy, Trace};
use crate::exact::{Matrix, Q, to_f64, to_float, triangular_inverse, ul_unit_lower};
use crate::layer::{Kind, Layer, Mode, Split};
use nalgebra::DMatrix;
use num_bigint::BigInt;
use num_traits::{One, Signed, Zero};

/// Approximation layer counts tried, in order (the chain has `K + 4` layers).
pub const APPROXIMATION_LAYERS: [usize; 2] = [7, 8];
/// Largest number of layers the strategy returns in signed mode.
pub const MAX_LAYERS: usize = 12;
/// Fractional bits of the rounded approximation shifts.
pub const FRACTION_BITS: u32 = 8;
/// Most alternating least squares sweeps per fit.
const MAX_SWEEPS: usize = 400;
/// Residual at which a fit stops.
const FIT_TOLERANCE: f64 = 1e-11;
/// A fit worse than this is not used (the correction would be far from `s F J`).
const FIT_ACCEPT: f64 = 3e-2;
/// Sweeps refitting the later layers after each rounding step.
const REFIT_SWEEPS: usize = 20;
/// Ridge term of the least squares updates (relative to the Gram matrices).
const RIDGE: f64 = 1e-9;

/// Layers (application order) whose product is `t`, built by the conditioned strategy.
pub(crate) fn chain(
    t: &Matrix,
    _t_inv: &Matrix,
    options: &Options,
) -> Result<(Chain, Trace), DecomposeError> {
    let n = t.rows();
    let unsupported = |reason: String| DecomposeError::UnsupportedStrategy {
        strategy: Strategy::Conditioned,
        reason,
    };
    if let Some(split) = options.split
        && split != Split::halves(n)
    {
        return Err(unsupported(format!(
            "only the half/half split is supported (got {}+{})",
            split.first, split.second
        )));
    }
    let d = n / 2;
    let Some((target, s)) = fit_target(t, t.det().is_negative()) else {
        return Err(unsupported(
            "the float64 determinant of the target over- or underflows".into(),
        ));
    };
    let delta = dyadic(1.0 / s, 16).filter(|x| !x.is_zero());
    let Some(delta) = delta else {
        return Err(unsupported("the target's scale is out of range".into()));
    };
    let mut last_error = f64::INFINITY;
    for (k, init) in attempts(options.seed) {
        let (mut shifts, err) = fit(&target, d, k, init);
        last_error = err;
        if err > FIT_ACCEPT {
            continue;
        }
        let Some(approx) = round_chain(&target, &mut shifts, d) else {
            continue;
        };
        // lemma: inverse_lower, inverse_upper (C = A^-1 T, layer by layer)
        let c = approx
            .iter()
            .rev()
            .fold(t.clone(), |m, l| l.inverse().apply_matrix(&m));
        if let Some(core) = core(&Blocks::of(&c), &delta, options.mode) {
            let mut out = core;
            out.extend(approx);
            return Ok((out, Trace::plain(Construction::Conditioned)));
        }
    }
    Err(unsupported(format!(
        "the float64 approximation did not converge (relative residual {last_error:.1e}); \
         use the shallow strategy"
    )))
}

/// The float target `T J^-1 F / s` of the approximation and the scale `s`
/// (`None` if `|det T|` over- or underflows in float64).
fn fit_target(t: &Matrix, negative: bool) -> Option<(DMatrix<f64>, f64)> {
    let n = t.rows();
    let d = n / 2;
    let w = to_float(t);
    let s = scale_of(&w);
    if !(s.is_finite() && s > 0.0) {
        return None;
    }
    let mut jf_inv = DMatrix::<f64>::zeros(n, n);
    for i in 0..d {
        jf_inv[(d + i, i)] = -1.0; // J^-1 = [[0, I], [-I, 0]]
        jf_inv[(i, d + i)] = 1.0;
    }
    if negative {
        // F = diag(I, F2) with F2 = diag(-1, 1, ...): negate column d.
        for i in 0..n {
            jf_inv[(i, d)] = -jf_inv[(i, d)];
        }
    }
    Some(((&w * &jf_inv) / s, s))
}

/// The floating-point half of the strategy alone, for measurements at sizes
/// where the exact correction is too slow: the rounded approximation chain `A`
/// (7 or 8 unit layers, the first fit that converges) and the relative residual
/// `||A - T J^-1 F / s||_F / ||T J^-1 F / s||_F` after rounding. `None` when the
/// scale is out of float64 range or the fit does not converge.
///
/// # Examples
/// ```
/// use couplings::construct::conditioned::approximation;
/// let w = couplings::families::glow_rotation(8, 1);
/// let (layers, residual) = approximation(&w).unwrap();
/// assert!(layers.len() == 7 || layers.len() == 8);
/// assert!(residual < 1e-2);
/// ```
pub fn approximation(t: &Matrix) -> Option<(Chain, f64)> {
    let d = t.rows() / 2;
    let (target, _) = fit_target(t, t.det().is_negative())?;
    for (k, init) in attempts(Options::default().seed) {
        let (mut shifts, err) = fit(&target, d, k, init);
        if err > FIT_ACCEPT {
            continue;
        }
        let chain = round_chain(&target, &mut shifts, d)?;
        let residual =
            (float_product(&shifts, 0, d) - &target).norm() / target.norm().max(f64::MIN_POSITIVE);
        return Some((chain, residual));
    }
    None
}

/// The fits tried, in order: `(layers, start)` with the zero start first, then
/// two seeded random starts, for each approximation length.
fn attempts(seed: u64) -> Vec<(usize, Option<u64>)> {
    let starts = [None, Some(seed), Some(seed.wrapping_add(1))];
    APPROXIMATION_LAYERS
        .iter()
        .flat_map(|&k| starts.iter().map(move |&s| (k, s)))
        .collect()
}

/// `|det w|^(1/n)` from a float64 LU factorisation (log-sum, no overflow).
fn scale_of(w: &DMatrix<f64>) -> f64 {
    let n = w.nrows();
    let lu = w.clone().lu();
    let u = lu.u();
    let log: f64 = (0..n).map(|i| u[(i, i)].abs().ln()).sum();
    (log / n as f64).exp()
}

/// `x` rounded to the nearest multiple of `2^-bits`, exactly; `None` if not finite
/// or too large.
fn dyadic(x: f64, bits: u32) -> Option<Q> {
    let scaled = (x * f64::from(2u32).powi(bits as i32)).round();
    if !scaled.is_finite() || scaled.abs() > 9.0e15 {
        return None;
    }
    Some(Q::new(
        BigInt::from(scaled as i64),
        BigInt::from(1u64 << bits),
    ))
}

/// Kind of approximation layer `i` (application order): upper first, alternating.
fn kind_at(i: usize) -> Kind {
    if i.is_multiple_of(2) {
        Kind::Upper
    } else {
        Kind::Lower
    }
}

/// `m <- layer * m` for a unit layer with float shift `a`.
fn apply_float(kind: Kind, a: &DMatrix<f64>, m: &mut DMatrix<f64>) {
    let d = a.nrows();
    let cols = m.ncols();
    match kind {
        Kind::Lower => {
            let top = m.rows(0, d).clone_owned();
            let add = a * top;
            let mut bottom = m.view_mut((d, 0), (d, cols));
            bottom += add;
        }
        Kind::Upper => {
            let bottom = m.rows(d, d).clone_owned();
            let add = a * bottom;
            let mut top = m.view_mut((0, 0), (d, cols));
            top += add;
        }
    }
}

fn float_product(shifts: &[DMatrix<f64>], first: usize, d: usize) -> DMatrix<f64> {
    let mut p = DMatrix::<f64>::identity(2 * d, 2 * d);
    for (i, a) in shifts.iter().enumerate() {
        apply_float(kind_at(first + i), a, &mut p);
    }
    p
}

/// Alternating least squares fit of `k` unit layers (application order, upper
/// first) to `target`; returns the shifts and the relative Frobenius residual.
fn fit(target: &DMatrix<f64>, d: usize, k: usize, init: Option<u64>) -> (Vec<DMatrix<f64>>, f64) {
    let mut shifts = vec![DMatrix::<f64>::zeros(d, d); k];
    if let Some(seed) = init {
        // A small random start breaks the symmetry of structured targets
        // (block-diagonal or permutation-like), where the zero start stalls.
        let mut rng = super::rng::Rng::new(seed);
        for a in &mut shifts {
            *a = DMatrix::from_fn(d, d, |_, _| 0.3 * rng.normal());
        }
    }
    let err = refine(target, &mut shifts, 0, MAX_SWEEPS);
    (shifts, err)
}

/// Alternating least squares sweeps over the shifts from index `frozen` on (the
/// earlier ones stay fixed); returns the relative Frobenius residual.
fn refine(target: &DMatrix<f64>, shifts: &mut [DMatrix<f64>], frozen: usize, sweeps: usize) -> f64 {
    let k = shifts.len();
    let d = target.nrows() / 2;
    let norm = target.norm().max(f64::MIN_POSITIVE);
    let residual = |shifts: &[DMatrix<f64>]| (float_product(shifts, 0, d) - target).norm() / norm;
    let mut order: Vec<usize> = (frozen..k).collect();
    order.extend((frozen + 1..k.saturating_sub(1)).rev());
    let mut err = residual(shifts);
    let mut stalled = 0;
    for _ in 0..sweeps {
        for &j in &order {
            let right = float_product(&shifts[..j], 0, d);
            let left = float_product(&shifts[j + 1..], j + 1, d);
            let rsd = target - &left * &right;
            let (l2, r1) = match kind_at(j) {
                Kind::Lower => (
                    left.columns(d, d).clone_owned(),
                    right.rows(0, d).clone_owned(),
                ),
                Kind::Upper => (
                    left.columns(0, d).clone_owned(),
                    right.rows(d, d).clone_owned(),
                ),
            };
            let gl = l2.transpose() * &l2;
            let gr = &r1 * r1.transpose();
            let ridge = |g: DMatrix<f64>| {
                let scale = g.trace() / d as f64;
                g + DMatrix::<f64>::identity(d, d) * (RIDGE * scale.max(1e-300))
            };
            let rhs = l2.transpose() * rsd * r1.transpose();
            let (Some(cl), Some(cr)) = (ridge(gl).cholesky(), ridge(gr).cholesky()) else {
                continue;
            };
            let x = cl.solve(&rhs);
            let a = cr.solve(&x.transpose()).transpose();
            if a.iter().all(|v| v.is_finite()) {
                shifts[j] = a;
            }
        }
        let e = residual(shifts);
        if e < FIT_TOLERANCE {
            return e;
        }
        if e > err * 0.9995 {
            stalled += 1;
            if stalled >= 20 {
                return e.min(err);
            }
        } else {
            stalled = 0;
        }
        err = e;
    }
    err
}

/// The fitted shifts as exact unit layers with dyadic entries, rounded one
/// layer at a time: after rounding layer `j`, the later layers are refitted
/// around it, so the rounding errors do not accumulate (the final residual is
/// about that of rounding the last layer alone).
fn round_chain(target: &DMatrix<f64>, shifts: &mut [DMatrix<f64>], d: usize) -> Option<Chain> {
    let mut chain = Chain::with_capacity(shifts.len());
    for j in 0..shifts.len() {
        if j > 0 {
            refine(target, shifts, j, REFIT_SWEEPS);
        }
        let mut entries = Vec::with_capacity(d * d);
        for idx in 0..d * d {
            let x = dyadic(shifts[j][(idx / d, idx % d)], FRACTION_BITS)?;
            shifts[j][(idx / d, idx % d)] = to_f64(&x);
            entries.push(x);
        }
        chain.push(Layer::unit(kind_at(j), Matrix::from_vec(d, d, entries)));
    }
    Some(chain)
}

/// The five-layer core (`docs/construction.md`, tier 2) on `b`, with the choices
/// made for conditioning: `Dt = delta I` and the spectrum `+-(1 + delta + 3 (2 i - d + 1) / (4 d))`.
/// Layers in application order: `U(W)`, `L(A2)`, `U(Z, E1)`, `L(A1, D1)`, `U(B0)`.
fn core(b: &Blocks, delta: &Q, mode: Mode) -> Option<Chain> {
    let d = b.d();
    let n = b.t21.inverse().ok()?;
    // lemma: core_reduce
    let r = &(&(&b.t11 * &n) * &b.t22) - &b.t12;
    let (un, _) = ul_unit_lower(&n)?;
    let (ur, _) = ul_unit_lower(&r)?;
    // lemma: core_triangular_pair (U = U_N Dt U_R^-1 for any diagonal Dt)
    let ur_inv = triangular_inverse(&ur, false)?;
    let u = &un.scale_cols(&vec![delta.clone(); d]) * &ur_inv;
    // lemma: core_lam_from_u
    let lam = &(&b.t21 * &u) * &r;
    if !lam.is_lower_triangular() {
        return None;
    }
    let forced: Vec<usize> = (0..d)
        .filter(|&i| (lam.get(i, i) * u.get(i, i)).is_negative())
        .collect();
    let flips = if mode == Mode::Positive {
        forced.len() / 2
    } else {
        0
    };
    let c: Vec<Q> = (0..d)
        .map(|i| {
            // c_i = 1 + delta + 3 (2 i - d + 1) / (4 d): centred at 1 + 1/s, where
            // A2 = c - (s + 1)(c - 1) / (s delta) vanishes, step 3 / (2 d).
            let offset = Q::new(
                BigInt::from(3 * (2 * i as i64 - d as i64 + 1)),
                BigInt::from(4 * d),
            );
            let mut c = Q::one() + delta + offset;
            if lam.get(i, i).is_negative() != forced[..flips].contains(&i) {
                c = -c;
            }
            c
        })
        .collect();
    let omega: Vec<Q> = (0..d).map(|i| &c[i] / lam.get(i, i)).collect();
    let delta_s: Vec<Q> = (0..d).map(|i| &c[i] / u.get(i, i)).collect();
    // lemma: triangular_similarity
    let v1 = super::five::triangular_eigenvectors(&lam.scale_rows(&omega), true);
    let v2 = super::five::triangular_eigenvectors(&u.scale_rows(&delta_s), false);
    // lemma: core_similarity (Z = V2 V1^-1)
    let z = &v2 * &triangular_inverse(&v1, true)?;
    // lemma: core_u0_peel
    let w = &n * &(&b.t22 - &lam);
    let y1_0 = &b.t12 - &(&b.t11 * &w);
    let b0 = &(&y1_0 - &z) * &triangular_inverse(&lam, true)?;
    let t11p = &b.t11 - &(&b0 * &b.t21);
    // lemma: core_solution
    let d1: Vec<Q> = omega.iter().map(|x| x.recip()).collect();
    // lemma: core_z_inverse
    let z_inv = &v1 * &triangular_inverse(&v2, false)?;
    let a1 = &(&lam - &Matrix::from_diagonal(&d1)) * &z_inv;
    let a2 = (&b.t21 - &(&a1 * &t11p)).scale_rows(&omega);
    let e1m = &t11p - &(&z * &a2);
    // lemma: core_e1_is_delta
    if !e1m.is_diagonal() || e1m.diagonal().iter().any(Zero::is_zero) {
        return None;
    }
    let chain = vec![
        Layer::unit(Kind::Upper, w),
        Layer::unit(Kind::Lower, a2),
        Layer::upper(z, e1m.diagonal()),
        Layer::lower(a1, d1),
        Layer::unit(Kind::Upper, b0),
    ];
    if mode == Mode::Positive {
        let negatives = chain
            .iter()
            .any(|l| l.scale.iter().any(Signed::is_negative));
        if negatives {
            // lemma: positive_core
            return Some(super::five::balance_signs(chain, 3, 2));
        }
    }
    Some(chain)
}
