//! The certified tolerance construction (`Options::tolerance > 0`,
//! `--tolerance EPS`): ten well-conditioned coupling layers (`10 pieces` when
//! an ill-conditioned `W` is split into `pieces` factors, see [`MAX_PIECES`]), every
//! entry a float32 (or float64) value, whose **exact** product `P` satisfies
//! `||P - W||_F <= EPS ||W||_F`, checked exactly.
//!
//! Rooms: [`float`](self) builds the chain in float64 (a closed form: QR, SVD,
//! real Schur, symmetric eigendecompositions; see its module comment);
//! `round` rounds every layer to integers over one power of two per layer and
//! compensates the rounding by least-squares refits; this file chooses the
//! width, certifies the result with the exact kernel
//! [`crate::exact::dyadic`], reports the bound ([`Bound`]) and says what went
//! wrong when it cannot ([`ToleranceError`]).
//!
//! The certification is exact: the layers are multiplied with integer
//! arithmetic (no rounding anywhere), `||P - W||_F^2 / ||W||_F^2` is an exact
//! rational, and it is compared with `EPS^2` exactly. The bound is reported as
//! that rational and as a decimal upper bound with three significant digits
//! (checked exactly: its square is at least the rational). Nothing of the
//! float construction is trusted; the independent bound checker
//! (`crate::check::within`) recomputes the product from the layers alone.
//!
//! Width: float32 entries when `EPS >= 5e-7` (the float32 rounding floor
//! measured on Glow weights is 1e-7 to 2e-7); if the float32 certificate
//! misses `EPS`, float64 (up to four rounds of exact-residual refinement). The
//! choice and the reason are reported ([`Approximation::width_reason`]).
//!
//! # Examples
//! ```
//! use couplings::{Mode, Options, exact::q, families::glow_rotation};
//! use couplings::construct::tolerance::{approximate, Width};
//! let w = glow_rotation(8, 1);
//! let options = Options { tolerance: q(1, 1_000_000), ..Options::default() };
//! let a = approximate(&w, &options).unwrap();
//! assert!(a.decomposition.len() <= 10);
//! assert_eq!(a.width, Width::F32);
//! assert!(a.bound.rel_error_sq <= q(1, 1_000_000_000_000));
//! assert!(a.conditions.iter().all(|&c| c < 20.0));
//! ```

mod float;
mod round;

pub use round::Width;

use super::{Construction, DecomposeError, Options, Trace};
use crate::exact::dyadic::{DyadicFactor, DyadicMatrix, distance_sq, product};
use crate::exact::{Matrix, Q, fmt_q, sqrt_upper_decimal, to_f64, to_float};
use crate::layer::{Decomposition, Kind, Layer, Mode, Split};
use float::{FloatFailure, FloatLayer};
use nalgebra::DMatrix;
use num_bigint::BigInt;
use num_traits::{One, Signed, Zero};
use std::time::Instant;

/// Smallest tolerance for which float32 entries are tried first.
pub const FLOAT32_FLOOR: f64 = 5e-7;

/// Exact products per width: the first certifies the rounded chain; each
/// later one follows a compensated pass driven by the previous exact residual.
const ROUNDS_F32: usize = 2;
/// See [`ROUNDS_F32`].
const ROUNDS_F64: usize = 3;

/// Most least-squares sweeps in one float64 refinement round.
const MAX_SWEEPS: usize = 12;

/// Largest float64 condition number a layer of the chain may have: the
/// tolerance mode promises well-conditioned layers, and a chain beyond this is
/// refused with [`ToleranceError::ConditionLimit`] rather than returned.
pub const CONDITION_LIMIT: f64 = 1e3;

/// Most factors `W` is split into when one ten-layer chain has a layer beyond
/// [`CONDITION_LIMIT`] (`float::construct_pieces`: `10 pieces` layers at most,
/// each factor of condition number `cond(W)^(1/pieces)`).
pub const MAX_PIECES: usize = 4;

/// Up to this dimension a float64 verdict "singular" or "det < 0" is
/// confirmed exactly (with a kernel vector or the exact determinant).
pub const EXACT_CONFIRM_MAX_N: usize = 64;

/// Why the tolerance construction gave no chain. Every variant says what was
/// found and what to try.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ToleranceError {
    /// The tolerance is not positive.
    InvalidTolerance {
        /// The tolerance given.
        tolerance: Q,
    },
    /// The construction needs the half/half split of an even dimension.
    UnsupportedShape {
        /// The dimension.
        n: usize,
        /// Why.
        reason: String,
    },
    /// Positive mode needs `det W > 0`; float64 LU found `det W < 0` (for
    /// `n <= EXACT_CONFIRM_MAX_N` the exact determinant is reported instead, as
    /// [`DecomposeError::NonPositiveDeterminant`]).
    NegativeDeterminant {
        /// The evidence (float64 LU, `log10 |det W|`).
        evidence: String,
    },
    /// `W` is singular in float64 (a zero pivot) and too large for the exact
    /// confirmation, or nearly singular: no well-conditioned chain exists.
    NumericallySingular {
        /// The evidence.
        evidence: String,
    },
    /// `W` has an entry that is not a finite float64 (beyond the float range).
    OutOfRange,
    /// A step of the float construction broke down (a block that must be
    /// invertible is numerically singular, or a layer cannot be rounded):
    /// `W` is too ill-conditioned for this construction.
    Breakdown {
        /// Which step.
        step: String,
    },
    /// A layer of the float chain has a float64 condition number above
    /// [`CONDITION_LIMIT`]: `W` is too ill-conditioned for this construction
    /// (its worst layer is about `cond(W)`).
    ConditionLimit {
        /// 0-based position of the worst layer (application order).
        layer: usize,
        /// Its condition number, as text (`1.234e4`).
        condition: String,
        /// `cond(W)^(1/K)` for the `K` layers of the chain, as text: the least
        /// any chain of `K` layers must reach (a lower bound, not this
        /// construction's figure).
        lower_bound: String,
    },
    /// The exact certificate misses the tolerance with every width tried.
    NotMet {
        /// The tolerance asked for.
        tolerance: Q,
        /// The best relative error reached, squared, exactly.
        achieved_sq: Q,
        /// A decimal upper bound on its square root.
        achieved: String,
        /// The width of that best attempt.
        width: Width,
    },
}

impl std::fmt::Display for ToleranceError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ToleranceError::InvalidTolerance { tolerance } => write!(
                f,
                "the tolerance must be positive (got {}); 0 means an exact decomposition",
                fmt_q(tolerance)
            ),
            ToleranceError::UnsupportedShape { n, reason } => {
                write!(
                    f,
                    "the tolerance construction cannot take this {n}x{n} matrix: {reason}"
                )
            }
            ToleranceError::NegativeDeterminant { evidence } => write!(
                f,
                "positive mode needs det W > 0, but det W < 0 here ({evidence}); every chain \
                 with positive scales has det > 0, so none is within EPS < sigma_min(W) / ||W||_F \
                 of W. Use --mode signed, or flip one channel's sign outside the chain"
            ),
            ToleranceError::NumericallySingular { evidence } => write!(
                f,
                "W is singular or nearly so ({evidence}); it is not within any small tolerance of \
                 a well-conditioned chain of invertible layers"
            ),
            ToleranceError::OutOfRange => write!(
                f,
                "W has an entry beyond the float64 range; the tolerance construction works in \
                 float64 (rescale W, or use the exact strategies)"
            ),
            ToleranceError::Breakdown { step } => write!(
                f,
                "the float construction broke down ({step}); W is too ill-conditioned for \
                 well-conditioned layers (a chain of K layers needs a layer of condition number \
                 at least cond(W)^(1/K)); try the exact strategies (--tolerance 0)"
            ),
            ToleranceError::ConditionLimit {
                layer,
                condition,
                lower_bound,
            } => write!(
                f,
                "layer {layer} of the float chain has condition number {condition} (float64), \
                 above the limit {CONDITION_LIMIT:e} for well-conditioned layers, even with W \
                 split into {MAX_PIECES} factors; W is too ill-conditioned for this construction \
                 (any chain of this length needs a layer of condition number at least \
                 cond(W)^(1/K) = {lower_bound}); use the exact strategies (--tolerance 0, e.g. \
                 --strategy conditioned)"
            ),
            ToleranceError::NotMet {
                tolerance,
                achieved,
                width,
                ..
            } => write!(
                f,
                "the certified relative error {achieved} (exact; {} entries) exceeds the \
                 tolerance {} = {:.3e}; the float rounding floor is about 1e-7 for float32 \
                 and 1e-15 for float64 entries times the conditioning of W; raise --tolerance, \
                 or use the exact strategies (--tolerance 0)",
                width.name(),
                fmt_q(tolerance),
                to_f64(tolerance)
            ),
        }
    }
}

impl std::error::Error for ToleranceError {}

impl From<ToleranceError> for DecomposeError {
    fn from(e: ToleranceError) -> DecomposeError {
        DecomposeError::Tolerance(Box::new(e))
    }
}

/// A certified bound: `||P - W||_F / ||W||_F <= rel_error <= tolerance`, with
/// `P` the exact product of the layers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bound {
    /// The tolerance asked for (`EPS`, exact).
    pub tolerance: Q,
    /// `||P - W||_F^2 / ||W||_F^2`, exactly.
    pub rel_error_sq: Q,
    /// A decimal upper bound on `||P - W||_F / ||W||_F` (three significant
    /// digits, checked exactly; never above `tolerance`): what a certificate
    /// states and the checker verifies.
    pub rel_error: Q,
    /// `rel_error` as decimal text (`1.03e-7`).
    pub rel_error_text: String,
}

impl Bound {
    /// The bound of an exact squared relative error against `tolerance`
    /// (`None` when it exceeds the tolerance).
    ///
    /// # Examples
    /// ```
    /// use couplings::construct::tolerance::Bound;
    /// use couplings::exact::q;
    /// let b = Bound::new(q(1, 100), q(1, 10_000_000_000)).unwrap();
    /// assert_eq!(b.rel_error_text, "1.00e-5");
    /// assert!(Bound::new(q(1, 100), q(1, 1000)).is_none());
    /// ```
    pub fn new(tolerance: Q, rel_error_sq: Q) -> Option<Bound> {
        if rel_error_sq > &tolerance * &tolerance {
            return None;
        }
        let (upper, text) = sqrt_upper_decimal(&rel_error_sq, 3);
        let (rel_error, rel_error_text) = if upper > tolerance {
            (tolerance.clone(), crate::exact::fmt_decimal(&tolerance))
        } else {
            (upper, text)
        };
        Some(Bound {
            tolerance,
            rel_error_sq,
            rel_error,
            rel_error_text,
        })
    }
}

/// Seconds spent in each phase.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Timings {
    /// The float construction.
    pub construct: f64,
    /// Rounding with refits (and float64 refinement, including its exact
    /// residuals).
    pub round: f64,
    /// The exact certification (final product and comparison).
    pub certify: f64,
    /// The float64 condition numbers of the layers.
    pub conditions: f64,
}

/// A certified approximate decomposition.
#[derive(Debug, Clone, PartialEq)]
pub struct Approximation {
    /// The layers (application order); every entry an exact dyadic rational
    /// representable in [`Approximation::width`].
    pub decomposition: Decomposition,
    /// The certified bound.
    pub bound: Bound,
    /// The float format of every entry.
    pub width: Width,
    /// Why this width (and what float32 reached when it fell back).
    pub width_reason: String,
    /// Float64 2-norm condition number of each layer (application order).
    pub conditions: Vec<f64>,
    /// Largest bit size of an integer of the exact product (over its power of two).
    pub product_bits: u64,
    /// Into how many factors `W` was split (1: one ten-layer chain; more when
    /// one chain had a layer beyond [`CONDITION_LIMIT`], see [`MAX_PIECES`]).
    pub pieces: usize,
    /// Where the time went.
    pub timings: Timings,
}

impl Approximation {
    /// The worst layer condition number.
    pub fn worst_condition(&self) -> f64 {
        self.conditions.iter().cloned().fold(1.0, f64::max)
    }
}

/// The certified approximation of `w` within `options.tolerance` (mode from
/// `options.mode`; seed and strategy do not apply; the split must be the
/// default half/half split of an even dimension).
///
/// # Errors
/// [`DecomposeError::Tolerance`] with a [`ToleranceError`]; `Empty`,
/// `NotSquare`; `Singular` (with a kernel vector) and
/// `NonPositiveDeterminant` (exact) when float64 flags them for
/// `n <= EXACT_CONFIRM_MAX_N`.
pub fn approximate(w: &Matrix, options: &Options) -> Result<Approximation, DecomposeError> {
    approximate_with_width(w, options, None)
}

/// Like [`approximate`] with the entry width forced (`None`: chosen from the
/// tolerance, with the float64 fallback).
///
/// # Errors
/// See [`approximate`].
pub fn approximate_with_width(
    w: &Matrix,
    options: &Options,
    width: Option<Width>,
) -> Result<Approximation, DecomposeError> {
    let eps = options.tolerance.clone();
    if !eps.is_positive() {
        return Err(ToleranceError::InvalidTolerance { tolerance: eps }.into());
    }
    let split = super::validate_split(w, options.split)?;
    let n = w.rows();
    if n % 2 == 1 || split.first != split.second {
        return Err(ToleranceError::UnsupportedShape {
            n,
            reason: if n % 2 == 1 {
                format!(
                    "the construction needs the half/half split (p = q), and n = {n} is odd \
                     (Glow's channel counts are even; pad W to n + 1 with a unit channel, or use \
                     the exact strategies)"
                )
            } else {
                format!(
                    "the construction needs the half/half split ({}, {}), not ({}, {})",
                    n / 2,
                    n / 2,
                    split.first,
                    split.second
                )
            },
        }
        .into());
    }
    let started = Instant::now();
    let wf = to_float(w);
    if wf.iter().any(|x| !x.is_finite()) {
        return Err(ToleranceError::OutOfRange.into());
    }
    let (sign, logdet) = match float::sign_logdet(&wf) {
        Ok(v) => v,
        Err(_) => return Err(singular(w, "float64 LU has a zero pivot")),
    };
    if options.mode == Mode::Positive && sign < 0.0 {
        if n <= EXACT_CONFIRM_MAX_N {
            let det = w.det();
            if !det.is_positive() {
                return Err(DecomposeError::NonPositiveDeterminant { det });
            }
        } else {
            return Err(ToleranceError::NegativeDeterminant {
                evidence: format!(
                    "float64 LU with partial pivoting: log10 |det W| = {:.3}",
                    logdet / std::f64::consts::LN_10
                ),
            }
            .into());
        }
    }
    // One ten-layer chain; if a layer is beyond the condition limit, W split
    // into 2, 3, ... factors of condition number cond(W)^(1/pieces) each
    // (`float::construct_pieces`), up to MAX_PIECES.
    let mut pieces = 1;
    let chain = loop {
        let chain = float::construct_pieces(&wf, pieces).map_err(|e| match e {
            FloatFailure::SingularPivot => singular(w, "float64 LU has a zero pivot"),
            FloatFailure::Breakdown(step) => {
                DecomposeError::from(ToleranceError::Breakdown { step: step.into() })
            }
        })?;
        let chain = match options.mode {
            Mode::Signed => chain,
            Mode::Positive => {
                let (pos, ok) = float::make_positive(&chain);
                if !ok {
                    return Err(ToleranceError::Breakdown {
                        step: "the positive-mode signs did not cancel (det W is numerically \
                               indistinguishable from 0 or negative)"
                            .into(),
                    }
                    .into());
                }
                pos
            }
        };
        // Refuse an ill-conditioned chain before rounding (application order).
        let float_conditions: Vec<f64> = chain.iter().rev().map(round::condition).collect();
        let Some((layer, &worst)) = float_conditions
            .iter()
            .enumerate()
            .max_by(|a, b| a.1.total_cmp(b.1))
            .filter(|(_, c)| c.is_nan() || **c > CONDITION_LIMIT)
        else {
            break chain;
        };
        if pieces < MAX_PIECES && !worst.is_nan() {
            pieces += 1;
            continue;
        }
        let cond_w = round::matrix_condition(&wf);
        return Err(ToleranceError::ConditionLimit {
            layer,
            condition: format!("{worst:.3e}"),
            lower_bound: format!("{:.3e}", cond_w.powf(1.0 / chain.len() as f64)),
        }
        .into());
    };
    let mut timings = Timings {
        construct: started.elapsed().as_secs_f64(),
        ..Timings::default()
    };
    let target = Target::new(w);
    let eps_f = to_f64(&eps);
    let (first, reason) = match width {
        Some(wd) => (wd, format!("{} (asked for)", wd.name())),
        None if eps_f >= FLOAT32_FLOOR => (
            Width::F32,
            format!("float32 (the tolerance is at least {FLOAT32_FLOOR:e})"),
        ),
        None => (
            Width::F64,
            format!(
                "float64 (the tolerance is below {FLOAT32_FLOOR:e}, which float32 entries do \
                 not reach reliably)"
            ),
        ),
    };
    let mut attempt = certify_width(&chain, &wf, &target, first, &eps, &mut timings)?;
    let mut reason = reason;
    if attempt.bound.is_none() && first == Width::F32 && width.is_none() {
        let (_, text) = sqrt_upper_decimal(&attempt.rel_sq, 3);
        reason = format!(
            "float64 (float32 entries reached {text} > the tolerance {:.3e}, exactly)",
            eps_f
        );
        attempt = certify_width(&chain, &wf, &target, Width::F64, &eps, &mut timings)?;
    }
    let Some(bound) = attempt.bound else {
        let (_, achieved) = sqrt_upper_decimal(&attempt.rel_sq, 3);
        return Err(ToleranceError::NotMet {
            tolerance: eps,
            achieved_sq: attempt.rel_sq,
            achieved,
            width: attempt.width,
        }
        .into());
    };
    let t = Instant::now();
    let conditions: Vec<f64> = attempt.floats.iter().rev().map(round::condition).collect();
    timings.conditions = t.elapsed().as_secs_f64();
    let d = n / 2;
    let layers = attempt
        .factors
        .iter()
        .rev()
        .map(|f| layer_of(f, d))
        .collect();
    let decomposition = Decomposition {
        split: Split::new(d, d),
        mode: options.mode,
        layers,
    };
    for l in &decomposition.layers {
        if let Err(e) = l.validate(decomposition.split, options.mode) {
            return Err(DecomposeError::Internal(format!(
                "the tolerance construction produced a malformed layer: {e}"
            )));
        }
    }
    Ok(Approximation {
        decomposition,
        bound,
        width: attempt.width,
        width_reason: reason,
        conditions,
        product_bits: attempt.product_bits,
        pieces,
        timings,
    })
}

/// `decompose_traced` for `options.tolerance > 0`: the layers and their trace.
pub(crate) fn decompose(
    w: &Matrix,
    options: &Options,
) -> Result<(Decomposition, Trace), DecomposeError> {
    let a = approximate(w, options)?;
    Ok((a.decomposition, Trace::plain(Construction::Tolerance)))
}

/// The exact `Singular` error with a kernel vector when `n` is small enough
/// to confirm, else the float evidence.
fn singular(w: &Matrix, evidence: &str) -> DecomposeError {
    if w.rows() <= EXACT_CONFIRM_MAX_N {
        match w.inverse() {
            Err(s) => return DecomposeError::Singular { kernel: s.kernel },
            Ok(_) => {
                return ToleranceError::NumericallySingular {
                    evidence: format!(
                        "{evidence}, but W is invertible exactly: it is too ill-conditioned for \
                         float64"
                    ),
                }
                .into();
            }
        }
    }
    ToleranceError::NumericallySingular {
        evidence: evidence.to_string(),
    }
    .into()
}

/// One dyadic factor as a layer of exact rationals.
fn layer_of(f: &DyadicFactor, d: usize) -> Layer {
    let den = BigInt::one() << f.frac_bits;
    let q = |x: i128| Q::new(BigInt::from(x), den.clone());
    let shift = Matrix::from_vec(d, d, f.shift.iter().map(|&x| q(x)).collect());
    let scale = f.scale.iter().map(|&x| q(x)).collect();
    let kind = if f.updates_second {
        Kind::Lower
    } else {
        Kind::Upper
    };
    Layer { kind, shift, scale }
}

/// The target as exact rationals and as float64.
struct Target<'a> {
    exact: &'a Matrix,
    /// `log2` of the common denominator when it is a power of two.
    den_log2: Option<u64>,
}

impl<'a> Target<'a> {
    fn new(exact: &'a Matrix) -> Target<'a> {
        let lcm = crate::exact::lcm_of_denominators(exact.entries().iter());
        let tz = lcm.trailing_zeros().unwrap_or(0);
        let den_log2 = ((&lcm >> tz) == BigInt::one()).then_some(tz);
        Target { exact, den_log2 }
    }

    /// `W - P` rounded to float64 entry by entry from the exact difference.
    fn residual(&self, p: &DyadicMatrix) -> DMatrix<f64> {
        let n = p.n();
        let s = p.frac_bits();
        DMatrix::from_fn(n, n, |i, j| {
            let t = self.exact.get(i, j);
            match self.den_log2 {
                Some(fw) => {
                    // W_ij = a 2^-fw with a = numer * 2^(fw - log2 denom).
                    let a: BigInt = t.numer() << (fw - t.denom().trailing_zeros().unwrap_or(0));
                    let den = fw.max(s);
                    let num = (a << (den - fw)) - (p.entry(i, j) << (den - s));
                    scaled_to_f64(&num, den)
                }
                None => to_f64(&(t - p.entry_q(i, j))),
            }
        })
    }
}

/// `num / 2^shift` as the nearest float64 (or close to it).
fn scaled_to_f64(num: &BigInt, shift: u64) -> f64 {
    use num_traits::ToPrimitive;
    let bits = num.bits();
    let drop = bits.saturating_sub(64);
    let top = (num >> drop).to_f64().unwrap_or(0.0);
    let e = drop as i64 - shift as i64;
    top * 2f64.powi(e.clamp(-2000, 2000) as i32)
}

/// The result of one width: the rounded chain (matrix order) and its exact
/// relative error, with the bound when it meets the tolerance.
struct Attempt {
    width: Width,
    floats: Vec<FloatLayer>,
    factors: Vec<DyadicFactor>,
    rel_sq: Q,
    bound: Option<Bound>,
    product_bits: u64,
}

/// The exact product of a matrix-order chain of factors.
fn exact_product(factors: &[DyadicFactor], d: usize) -> DyadicMatrix {
    let app: Vec<DyadicFactor> = factors.iter().rev().cloned().collect();
    product(d, d, &app)
}

fn rel_sq_of(p: &DyadicMatrix, target: &Matrix) -> Q {
    let (num, den) = distance_sq(p, target);
    if den.is_zero() {
        // W = 0 is singular and refused before; keep a defined value.
        return Q::from_integer(BigInt::from(1));
    }
    Q::new(num, den)
}

/// Rounds the chain to `width` (float32: layer by layer with next-layer
/// refits; float64: all at once), then certifies it exactly; while the
/// tolerance is missed (at most [`ROUNDS`] products), computes the exact
/// residual and runs a compensated pass (`round::compensated_pass`). Returns
/// the best attempt.
fn certify_width(
    chain: &[FloatLayer],
    wf: &DMatrix<f64>,
    target: &Target,
    width: Width,
    eps: &Q,
    timings: &mut Timings,
) -> Result<Attempt, DecomposeError> {
    let d = wf.nrows() / 2;
    let goal = 0.5 * to_f64(eps) * wf.norm();
    let cannot_round = || ToleranceError::Breakdown {
        step: format!(
            "a layer entry cannot be written as a {} value",
            width.name()
        ),
    };
    let t = Instant::now();
    let (mut floats, mut factors) = match width {
        Width::F32 => round::round_with_refits(chain, wf, width),
        Width::F64 => round::round_all(chain, width),
    }
    .ok_or_else(cannot_round)?;
    let mut best: Option<Attempt> = None;
    let mut certify_secs = 0.0;
    let rounds = match width {
        Width::F32 => ROUNDS_F32,
        Width::F64 => ROUNDS_F64,
    };
    for round in 0..rounds {
        let tc = Instant::now();
        let p = exact_product(&factors, d);
        let rel_sq = rel_sq_of(&p, target.exact);
        let bound = Bound::new(eps.clone(), rel_sq.clone());
        let met = bound.is_some();
        if best.as_ref().is_none_or(|b| rel_sq < b.rel_sq) {
            best = Some(Attempt {
                width,
                floats: floats.clone(),
                factors: factors.clone(),
                bound,
                rel_sq,
                product_bits: p.max_bits(),
            });
        }
        certify_secs += tc.elapsed().as_secs_f64();
        if met || round + 1 == rounds {
            break;
        }
        let e = target.residual(&p);
        let (f, i, _) = round::compensated_pass(&floats, &e, width, goal, MAX_SWEEPS)
            .ok_or_else(cannot_round)?;
        (floats, factors) = (f, i);
    }
    timings.certify += certify_secs;
    timings.round += t.elapsed().as_secs_f64() - certify_secs;
    Ok(best.expect("at least one round"))
}
