//! Float export of exact decompositions and the `--round` preprocessing. Owns
//! [`round_matrix`] (replace a weight by a nearby rational with small
//! denominators, with its approximation error), [`export`] (the versioned
//! safetensors layout of `docs/export.md`: per-layer shift and scale or
//! log-scale tensors in float64 and float32, split, order and figures in the
//! metadata) and [`ExportReport`] (per-layer float condition numbers and the
//! float error of the exported chain against the target).
//! The checkpoint converter of `couplings convert` is the room [`convert`]; it
//! writes each chain through the same per-chain writer as [`export`].
//!
//! The exact side stays exact: rounding produces an exact rational matrix,
//! which is what gets decomposed; floats appear only in the written tensors
//! and in the reported figures (computed with nalgebra via [`crate::analysis`]).

pub mod convert;

use crate::analysis::{
    FloatLayer, chain_error, figures, float_chain, padded_figures, padded_target, show,
    worst_condition,
};
use crate::construct::Strategy;
use crate::construct::tolerance::{Approximation, Width};
use crate::exact::{Matrix, Q, fmt_q, to_f64, to_float};
use crate::io::SafetensorsWriter;
use crate::layer::{Decomposition, Mode, PaddedDecomposition};
use nalgebra::DMatrix;
use num_bigint::BigInt;
use num_integer::Integer;
use num_traits::{Signed, Zero};
use std::collections::BTreeMap;

/// Version of the export layout (`format_version` in the metadata). Readers
/// must refuse versions they do not know.
pub const FORMAT_VERSION: &str = "1";

/// Version of the export layout of a padded chain (`docs/export.md`, "Padded
/// chains"): version 1 plus the `pad` (and `mask`) metadata; the `target`
/// tensor is the unpadded `T`. Unpadded exports stay version 1, so a reader of
/// version 1 never mistakes a padded chain for an unpadded one.
pub const PADDED_FORMAT_VERSION: &str = "2";

/// The `format` metadata value identifying a couplings export.
pub const FORMAT_NAME: &str = "couplings-layers";

/// A weight replaced by a nearby rational, with the approximation error.
#[derive(Debug, Clone, PartialEq)]
pub struct Rounding {
    /// Decimal digits: every entry became the nearest multiple of `10^-digits`.
    pub digits: u32,
    /// The rounded matrix (exact; this is what gets decomposed).
    pub matrix: Matrix,
    /// Largest `|W_ij - R_ij|` (exact, at most `10^-digits / 2`).
    pub max_abs_error: Q,
    /// `||W - R||_F / ||W||_F` in float64.
    pub rel_frobenius: f64,
    /// `||W - R||_2 / ||W||_2` in float64 (nalgebra SVD; NaN when not
    /// computed: `n >` [`crate::analysis::SVD_MAX_N`]).
    pub rel_spectral: f64,
}

/// Why rounding was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RoundError {
    /// The input is not square or empty.
    NotSquare,
    /// The rounded matrix is singular (use more digits).
    Singular {
        /// The digits requested.
        digits: u32,
    },
    /// Rounding changed the sign of the determinant (positive mode would then
    /// refuse a matrix that was fine before; use more digits).
    SignChanged {
        /// The digits requested.
        digits: u32,
        /// The exact determinant after rounding.
        det: Q,
    },
}

impl std::fmt::Display for RoundError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RoundError::NotSquare => write!(f, "--round needs a nonempty square matrix"),
            RoundError::Singular { digits } => write!(
                f,
                "rounding to {digits} decimal digits makes the matrix singular; use more digits"
            ),
            RoundError::SignChanged { digits, det } => write!(
                f,
                "rounding to {digits} decimal digits changes the sign of the determinant \
                 (det after rounding = {}); use more digits",
                fmt_q(det)
            ),
        }
    }
}

impl std::error::Error for RoundError {}

/// Nearest multiple of `1/den` to `x`, ties rounded up (towards +infinity).
fn round_to(x: &Q, den: &BigInt) -> Q {
    // floor((2 x den + 1) / 2) = floor(x den + 1/2)
    let num: BigInt = x.numer() * den * 2 + x.denom();
    let q = num.div_floor(&(x.denom() * BigInt::from(2)));
    Q::new(q, den.clone())
}

/// Replaces every entry of `w` by the nearest multiple of `10^-digits` (ties
/// towards +infinity) and reports the approximation error. Refuses a rounded
/// matrix that is singular or whose determinant has a different sign than
/// `w`'s (both exact).
///
/// Why: a float32 weight is an exact dyadic rational with a denominator up to
/// 2^149, so its exact decomposition has large entries; a decimal
/// approximation with small denominators keeps them small, at a stated cost.
///
/// # Examples
/// ```
/// use couplings::exact::{q, Matrix};
/// use couplings::export::round_matrix;
/// let w = Matrix::from_rows(vec![vec![q(1, 3), q(0, 1)], vec![q(-2, 3), q(1, 1)]]).unwrap();
/// let r = round_matrix(&w, 2).unwrap();
/// assert_eq!(r.matrix.get(0, 0), &q(33, 100));
/// assert_eq!(r.matrix.get(1, 0), &q(-67, 100));
/// assert_eq!(r.max_abs_error, q(1, 300));
/// ```
pub fn round_matrix(w: &Matrix, digits: u32) -> Result<Rounding, RoundError> {
    if !w.is_square() || w.rows() == 0 {
        return Err(RoundError::NotSquare);
    }
    let den = num_traits::pow(BigInt::from(10), digits as usize);
    let matrix = w.map(|x| round_to(x, &den));
    let det = matrix.det();
    if det.is_zero() {
        return Err(RoundError::Singular { digits });
    }
    let det_w = w.det();
    if det_w.signum() != det.signum() {
        return Err(RoundError::SignChanged { digits, det });
    }
    let mut max_abs_error = Q::zero();
    for (a, b) in w.entries().iter().zip(matrix.entries()) {
        let e = (a - b).abs();
        if e > max_abs_error {
            max_abs_error = e;
        }
    }
    // Norms of the exact difference, each scaled by a power of two first, so
    // that no entry size can overflow, underflow or stall the SVD.
    let diff = w - &matrix;
    let (rel_frobenius, rel_spectral) = crate::analysis::norm_ratios(&diff, w);
    Ok(Rounding {
        digits,
        matrix,
        max_abs_error,
        rel_frobenius,
        rel_spectral,
    })
}

/// Natural logarithm of a positive rational, accurate to float64 even when
/// numerator or denominator are far beyond the float64 range.
///
/// # Examples
/// ```
/// use couplings::exact::q;
/// use couplings::export::ln_q;
/// assert!((ln_q(&q(1, 4)) + 4f64.ln().abs()).abs() < 1e-15);
/// ```
pub fn ln_q(x: &Q) -> f64 {
    assert!(x.is_positive(), "ln of a non-positive number");
    let v = to_f64(x);
    if v.is_normal() {
        return v.ln();
    }
    crate::analysis::log2_abs(x) * std::f64::consts::LN_2
}

/// What happens to a value written into a float tensor (or to the scale a
/// positive-mode log-scale denotes) that the float type cannot hold faithfully.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FloatProblem {
    /// Beyond the type's range: written (or evaluated) as an infinity.
    Overflow,
    /// Nonzero, but below the type's smallest subnormal: written (or
    /// evaluated) as zero, so its size and its sign are lost. For a scale this
    /// makes the float layer singular.
    Underflow,
    /// Subnormal in the type: written with fewer significant bits than the
    /// type's precision.
    Subnormal,
}

impl FloatProblem {
    fn describe(self, ty: &str) -> String {
        match self {
            FloatProblem::Overflow => format!("beyond the {ty} range, becomes inf"),
            FloatProblem::Underflow => {
                format!("below the smallest {ty} subnormal, becomes 0 (size and sign lost)")
            }
            FloatProblem::Subnormal => format!("{ty} subnormal (precision lost)"),
        }
    }
}

/// The values of one tensor (or of the scales a log-scale tensor denotes)
/// that its float type cannot hold faithfully, grouped by problem.
#[derive(Debug, Clone, PartialEq)]
pub struct FloatIssue {
    /// The tensor, e.g. `layer.0.scale_f32`; `exp(layer.0.log_scale)` for the
    /// scales of a positive-mode log-scale tensor.
    pub tensor: String,
    /// `float64` or `float32`.
    pub float_type: &'static str,
    /// What happens to the values.
    pub problem: FloatProblem,
    /// How many entries of the tensor have this problem.
    pub count: usize,
    /// The first such entry: its index (`[row, column]` or `[i]`) and the
    /// exact value it stands for, abbreviated (`-1.000e-50`, `1e400`).
    pub first: (String, String),
    /// Whether the tensor is a scale (a zero or infinite scale makes the float
    /// layer singular or unusable).
    pub is_scale: bool,
}

impl FloatIssue {
    /// Whether the export is refused for this issue: a float64 value that
    /// becomes infinite, or a float64 scale that becomes zero (the float64
    /// chain could not be evaluated, or a layer would be singular). Every other
    /// issue is a warning.
    pub fn refuses(&self) -> bool {
        self.float_type == "float64"
            && (self.problem == FloatProblem::Overflow
                || (self.is_scale && self.problem == FloatProblem::Underflow))
    }
}

impl std::fmt::Display for FloatIssue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let (index, value) = &self.first;
        write!(
            f,
            "{}{index} = {value}: {}",
            self.tensor,
            self.problem.describe(self.float_type)
        )?;
        if self.is_scale && self.problem == FloatProblem::Underflow {
            write!(f, "; the {} layer is singular", self.float_type)?;
        }
        if self.count > 1 {
            write!(f, " (and {} more entries of this tensor)", self.count - 1)?;
        }
        Ok(())
    }
}

/// Why [`export`]'s float64 tensors cannot be written: a value (or a scale
/// denoted by a log-scale) outside what float64 holds (see
/// [`FloatIssue::refuses`]). The command exits with code 2.
#[derive(Debug, Clone, PartialEq)]
pub struct Unrepresentable {
    /// The issues that refuse the export (at least one).
    pub issues: Vec<FloatIssue>,
}

impl std::fmt::Display for Unrepresentable {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let list: Vec<String> = self.issues.iter().map(|i| i.to_string()).collect();
        write!(
            f,
            "the float64 tensors cannot hold this decomposition: {}. Nothing was written. The \
             exact decomposition is fine (`couplings decompose` prints it); for a float export \
             use a strategy with smaller entries (--strategy balanced or conditioned), --round, \
             or rescale the weight",
            list.join("; ")
        )
    }
}

impl std::error::Error for Unrepresentable {}

/// The figures of an export (all float64 analysis; the exact side is exact).
#[derive(Debug, Clone, PartialEq)]
pub struct ExportReport {
    /// Number of layers.
    pub layers: usize,
    /// Largest bit size of an exact layer entry.
    pub max_bits: u64,
    /// Per-layer 2-norm condition numbers (nalgebra SVD), application order.
    pub conditions: Vec<f64>,
    /// Per-layer largest `|entry|` of the float64 shift and scale (from 0: a
    /// layer of tiny entries shows tiny values).
    pub max_abs_entries: Vec<f64>,
    /// `max |P - T|` for the float64 product `P` of the exported float64 layers
    /// (positive mode: scales `exp(log_scale)`), `T` the target rounded to
    /// float64 (the exact target when rounding to float64 loses an entry).
    pub f64_max_abs_error: f64,
    /// `||P - T||_F / ||T||_F` for the same product (norms scaled, so neither
    /// can underflow or overflow).
    pub f64_rel_error: f64,
    /// As `f64_max_abs_error` for the float32 tensors multiplied in float32.
    pub f32_max_abs_error: f64,
    /// As `f64_rel_error` for the float32 chain.
    pub f32_rel_error: f64,
    /// With `--round`: (max abs, relative Frobenius) error of the float64 chain
    /// against the weight as read before rounding (rounding plus chain error).
    pub f64_error_vs_unrounded: Option<(f64, f64)>,
    /// SHA-256 of the target's canonical text (as in certificates).
    pub target_sha256: String,
    /// Values the float tensors cannot hold faithfully (empty when every value
    /// is a normal float of its type or an exact zero).
    pub float_issues: Vec<FloatIssue>,
    /// Reasons behind float figures that are not finite numbers.
    pub notes: Vec<String>,
    /// Tolerance mode: the certified bound and the width of the entries.
    pub tolerance: Option<ToleranceFigures>,
}

/// What a tolerance export certifies (docs/export.md, "Tolerance mode").
#[derive(Debug, Clone, PartialEq)]
pub struct ToleranceFigures {
    /// The tolerance asked for.
    pub tolerance: Q,
    /// The float format of the certified entries.
    pub width: Width,
    /// Why that width.
    pub width_reason: String,
    /// `||P - T||_F^2 / ||T||_F^2` for the exact product `P` of the certified
    /// layers, exactly.
    pub rel_error_sq: Q,
    /// A decimal upper bound on `||P - T||_F / ||T||_F` (checked exactly).
    pub rel_error: Q,
    /// `rel_error` as text.
    pub rel_error_text: String,
    /// Positive mode: `||P' - T||_F / ||T||_F` in float64 for the chain `P'`
    /// whose scales are `exp(log_scale)` of the stored float32 (float64 width:
    /// float64) log-scales: what a loader that ignores the exact scales
    /// computes (a float64 estimate, not certified).
    pub log_scale_chain_rel_error: Option<f64>,
}

impl ExportReport {
    /// `Err` when the float64 tensors cannot hold the decomposition (see
    /// [`FloatIssue::refuses`]); the command then writes nothing and exits 2.
    pub fn check_float64(&self) -> Result<(), Unrepresentable> {
        let issues: Vec<FloatIssue> = (self.float_issues.iter())
            .filter(|i| i.refuses())
            .cloned()
            .collect();
        if issues.is_empty() {
            Ok(())
        } else {
            Err(Unrepresentable { issues })
        }
    }

    /// A human-readable summary (several lines).
    pub fn to_text(&self) -> String {
        let conds: Vec<String> = self.conditions.iter().map(|&c| show(c, None)).collect();
        let worst = show(worst_condition(&self.conditions), None);
        let unrounded = match self.f64_error_vs_unrounded {
            Some((max, rel)) => format!(
                "float64 chain vs the weight before rounding: max abs error {}, relative \
                 (Frobenius) {}\n",
                fmt_err(max),
                fmt_err(rel)
            ),
            None => String::new(),
        };
        // A float chain this far off is not usable; say what to do about it.
        let hint = if self.tolerance.is_none()
            && (self.f64_rel_error.is_nan() || self.f64_rel_error > 1e-6)
        {
            "warning: the float64 chain does not reproduce the target (relative error above \
             1e-6); export with --strategy conditioned for well-conditioned layers \
             (docs/conditioning.md)\n"
        } else {
            ""
        };
        let mut warnings = String::new();
        for i in self.float_issues.iter().filter(|i| !i.refuses()) {
            warnings += &format!("warning: {i}\n");
        }
        for n in &self.notes {
            warnings += &format!("note: {n}\n");
        }
        let (method, certified) = match &self.tolerance {
            None => ("float64 SVD", String::new()),
            Some(t) => (
                "float64",
                format!(
                    "tolerance {}: every entry is a {} value ({}); certified ||P - W||_F / \
                     ||W||_F <= {} for the exact product P of the exported layers (checked \
                     exactly; the exact ratio of squares is {})\n{}",
                    crate::exact::fmt_decimal(&t.tolerance),
                    t.width.name(),
                    t.width_reason,
                    t.rel_error_text,
                    short_q(&t.rel_error_sq),
                    match t.log_scale_chain_rel_error {
                        Some(e) => format!(
                            "positive mode: loaders use the exact scales (layer.i.exact_scale*); \
                             a chain with scales exp(log_scale) instead is off by {} (float64 \
                             estimate, not certified)\n",
                            fmt_err(e)
                        ),
                        None => String::new(),
                    }
                ),
            ),
        };
        format!(
            "layers: {}, largest exact entry {} bits\n\
             {certified}\
             layer condition numbers ({method}, application order): [{}], worst {worst}\n\
             layer largest |entry| (float64): [{}]\n\
             float64 chain vs target: max abs error {}, relative (Frobenius) {}\n\
             float32 chain vs target: max abs error {}, relative (Frobenius) {}\n\
             {unrounded}{hint}{warnings}target sha256 {}\n",
            self.layers,
            self.max_bits,
            conds.join(", "),
            self.max_abs_entries
                .iter()
                .map(|v| format!("{v:.3e}"))
                .collect::<Vec<_>>()
                .join(", "),
            fmt_err(self.f64_max_abs_error),
            fmt_err(self.f64_rel_error),
            fmt_err(self.f32_max_abs_error),
            fmt_err(self.f32_rel_error),
            self.target_sha256
        )
    }
}

/// The float64 values of one exported layer: shift (row-major), scale
/// parameter as stored (scale or log-scale) and the scale it denotes.
struct Exported {
    rows: usize,
    cols: usize,
    shift: Vec<f64>,
    param: Vec<f64>,
    scale: Vec<f64>,
}

/// The float layers; in positive mode the scale is `exp(log_scale)`, or the
/// exact scale rounded to float64 when `exact_scales` (tolerance exports, whose
/// loaders read the exact scales).
fn float_layers(dec: &Decomposition, exact_scales: bool) -> Vec<Exported> {
    dec.layers
        .iter()
        .map(|l| {
            let shift: Vec<f64> = l.shift.entries().iter().map(to_f64).collect();
            let (param, scale) = match dec.mode {
                Mode::Positive => {
                    let logs: Vec<f64> = l.scale.iter().map(ln_q).collect();
                    let s = if exact_scales {
                        l.scale.iter().map(to_f64).collect()
                    } else {
                        logs.iter().map(|v| v.exp()).collect()
                    };
                    (logs, s)
                }
                Mode::Signed => {
                    let s: Vec<f64> = l.scale.iter().map(to_f64).collect();
                    (s.clone(), s)
                }
            };
            Exported {
                rows: l.shift.rows(),
                cols: l.shift.cols(),
                shift,
                param,
                scale,
            }
        })
        .collect()
}

/// The float product of the exported chain in arithmetic `T` (f64 or f32),
/// as a float64 matrix.
fn chain_product<T: num_traits::Float + nalgebra::RealField>(
    dec: &Decomposition,
    layers: &[Exported],
    cast: impl Fn(f64) -> T,
) -> DMatrix<f64> {
    let n = dec.split.n();
    let fl: Vec<FloatLayer<T>> = dec
        .layers
        .iter()
        .zip(layers)
        .map(|(l, e)| FloatLayer {
            kind: l.kind,
            rows: e.rows,
            cols: e.cols,
            shift: e.shift.iter().map(|&v| cast(v)).collect(),
            scale: e.scale.iter().map(|&v| cast(v)).collect(),
        })
        .collect();
    let p = float_chain(dec.split, &fl);
    DMatrix::from_row_iterator(n, n, p.into_iter().map(|v| v.to_f64().unwrap_or(f64::NAN)))
}

/// The problem of a float value `v` standing for the exact nonzero-or-zero
/// value `x_is_zero`.
fn problem_of(v: f64, x_is_zero: bool, min_normal: f64) -> Option<FloatProblem> {
    if v.is_infinite() || v.is_nan() {
        Some(FloatProblem::Overflow)
    } else if x_is_zero {
        None
    } else if v == 0.0 {
        Some(FloatProblem::Underflow)
    } else if v.abs() < min_normal {
        Some(FloatProblem::Subnormal)
    } else {
        None
    }
}

/// Collects the issues of one tensor: `values` are `(exact, float64 value as
/// written or evaluated)`; checks the float64 values and their float32
/// roundings (`f32_values`, when given, are the float32 values themselves).
struct IssueCollector {
    issues: Vec<FloatIssue>,
}

impl IssueCollector {
    #[allow(clippy::too_many_arguments)]
    fn check(
        &mut self,
        tensor: &str,
        float_type: &'static str,
        cols: Option<usize>,
        is_scale: bool,
        exact: &[Q],
        values: impl Iterator<Item = f64>,
        min_normal: f64,
    ) {
        let mut found: Vec<FloatIssue> = Vec::new();
        for (k, (x, v)) in exact.iter().zip(values).enumerate() {
            let Some(problem) = problem_of(v, x.is_zero(), min_normal) else {
                continue;
            };
            match found.iter_mut().find(|i| i.problem == problem) {
                Some(i) => i.count += 1,
                None => found.push(FloatIssue {
                    tensor: tensor.to_string(),
                    float_type,
                    problem,
                    count: 1,
                    first: (
                        match cols {
                            Some(c) => format!("[{}, {}]", k / c, k % c),
                            None => format!("[{k}]"),
                        },
                        format!(
                            "{}{}",
                            if x.is_negative() { "-" } else { "" },
                            crate::analysis::magnitude(x)
                        ),
                    ),
                    is_scale,
                }),
            }
        }
        self.issues.extend(found);
    }
}

/// Every value the export's tensors cannot hold faithfully, float64 first.
fn float_issues(
    target: &Matrix,
    dec: &Decomposition,
    layers: &[Exported],
    unrounded: Option<&Matrix>,
) -> Vec<FloatIssue> {
    let mut c = IssueCollector { issues: Vec::new() };
    let (f64_min, f32_min) = (f64::MIN_POSITIVE, f64::from(f32::MIN_POSITIVE));
    let positive = dec.mode == Mode::Positive;
    for (f64_pass, ty, min) in [(true, "float64", f64_min), (false, "float32", f32_min)] {
        let suffix = if f64_pass { "" } else { "_f32" };
        let to_ty = |v: f64| if f64_pass { v } else { f64::from(v as f32) };
        for (i, (l, e)) in dec.layers.iter().zip(layers).enumerate() {
            let shift = l.shift.entries();
            let name = format!("layer.{i}.shift{suffix}");
            let vals = e.shift.iter().map(|&v| to_ty(v));
            c.check(&name, ty, Some(e.cols), false, shift, vals, min);
            if positive {
                // The stored log-scale is finite; the scale it denotes is
                // exp(log_scale), evaluated in the tensor's type.
                let name = format!("exp(layer.{i}.log_scale{suffix})");
                let vals: Vec<f64> = if f64_pass {
                    e.param.iter().map(|v| v.exp()).collect()
                } else {
                    e.param
                        .iter()
                        .map(|&v| f64::from((v as f32).exp()))
                        .collect()
                };
                c.check(&name, ty, None, true, &l.scale, vals.into_iter(), min);
            } else {
                let name = format!("layer.{i}.scale{suffix}");
                let vals = e.param.iter().map(|&v| to_ty(v));
                c.check(&name, ty, None, true, &l.scale, vals, min);
            }
        }
        if f64_pass {
            let n = target.rows();
            for (name, m) in [("target", Some(target)), ("unrounded", unrounded)] {
                if let Some(m) = m {
                    let vals = m.entries().iter().map(to_f64);
                    c.check(name, ty, Some(n), false, m.entries(), vals, min);
                }
            }
        }
    }
    c.issues
}

/// `p/q`, abbreviated in the middle when very long.
fn short_q(x: &Q) -> String {
    let s = fmt_q(x);
    if s.len() <= 60 {
        s
    } else {
        format!(
            "{}...{} ({} characters)",
            &s[..25],
            &s[s.len() - 25..],
            s.len()
        )
    }
}

/// `1.234e-5`, or a note when a float chain overflowed.
fn fmt_err(v: f64) -> String {
    if v.is_finite() {
        format!("{v:.3e}")
    } else {
        format!("{v} (overflow)")
    }
}

/// Everything [`export`] needs besides the decomposition.
#[derive(Debug, Clone, Default)]
pub struct ExportInput<'a> {
    /// The construction strategy (the name of the one that ran is recorded in
    /// the metadata: [`Strategy::Auto`] is resolved by size).
    pub strategy: Strategy,
    /// The rounding applied before decomposing, if any.
    pub rounding: Option<&'a Rounding>,
    /// The matrix as read before rounding (written as tensor `unrounded` when
    /// rounding was applied).
    pub unrounded: Option<&'a Matrix>,
    /// Where the weight came from (recorded as `source`), e.g. a file name.
    pub source: &'a str,
    /// Tolerance mode: the certified approximation whose layers `dec` are
    /// (`docs/export.md`, "Tolerance mode": exact float tensors, the bound in
    /// the metadata, exact scales in positive mode).
    pub approximation: Option<&'a Approximation>,
}

/// Writes `dec` (which must represent `target` exactly; the caller verifies)
/// in the export layout of `docs/export.md` and computes the report.
///
/// # Examples
/// ```
/// use couplings::{Strategy, decompose, exact::Matrix};
/// use couplings::export::{export, ExportInput};
/// use couplings::io::parse_safetensors;
/// let t = Matrix::from_i64(&[&[0, -1], &[1, 0]]);
/// let dec = decompose(&t).unwrap();
/// let (bytes, report) = export(&t, &dec, &ExportInput { strategy: Strategy::Shallow, ..Default::default() });
/// assert_eq!(report.layers, 3);
/// assert!(report.f64_max_abs_error < 1e-15);
/// let st = parse_safetensors(&bytes).unwrap();
/// assert_eq!(st.metadata["format_version"], "1");
/// assert_eq!(st.metadata["kinds"], "upper,lower,upper");
/// assert_eq!(st.tensor("layer.0.shift").unwrap().shape, vec![1, 1]);
/// ```
pub fn export(
    target: &Matrix,
    dec: &Decomposition,
    input: &ExportInput,
) -> (Vec<u8>, ExportReport) {
    write(target, dec, None, input)
}

/// Writes a padded decomposition of `target` (verified by the caller) in the
/// export layout, format version 2 (`docs/export.md`, "Padded chains"): the
/// layers on `n + pad` coordinates, `pad` (and `mask`) in the metadata, the
/// unpadded `target`; the float errors compare the first `n` columns of the
/// float chain with `[[T], [0]]`.
///
/// # Examples
/// ```
/// use couplings::{Options, Strategy, exact::Matrix};
/// use couplings::construct::pad::decompose_padded;
/// use couplings::export::{export_padded, ExportInput};
/// use couplings::io::parse_safetensors;
/// let t = Matrix::from_i64(&[&[0, -1], &[1, 0]]);
/// let padded = decompose_padded(&t, 2, &Options::default()).unwrap();
/// let (bytes, report) = export_padded(&t, &padded, &ExportInput::default());
/// assert!(report.f64_max_abs_error < 1e-15);
/// let st = parse_safetensors(&bytes).unwrap();
/// assert_eq!((st.metadata["format_version"].as_str(), st.metadata["pad"].as_str()), ("2", "2"));
/// assert_eq!(st.tensor("target").unwrap().shape, vec![2, 2]);
/// ```
pub fn export_padded(
    target: &Matrix,
    padded: &PaddedDecomposition,
    input: &ExportInput,
) -> (Vec<u8>, ExportReport) {
    write(target, &padded.decomposition, Some(padded), input)
}

fn write(
    target: &Matrix,
    dec: &Decomposition,
    padded: Option<&PaddedDecomposition>,
    input: &ExportInput,
) -> (Vec<u8>, ExportReport) {
    let mut w = SafetensorsWriter::new();
    let (metadata, report) = write_chain(&mut w, "", target, dec, padded, input);
    for (k, v) in &metadata {
        w.metadata(k, v);
    }
    (w.to_bytes(), report)
}

/// Adds the tensors of one exported chain to `w`, every name prefixed with
/// `prefix` (empty for a single export, `KEY/` in a converted checkpoint), and
/// returns the chain's metadata (the `__metadata__` of a single export) with
/// the report. The one writer of the layout: [`export`], [`export_padded`] and
/// [`convert`] go through it.
fn write_chain(
    w: &mut SafetensorsWriter,
    prefix: &str,
    target: &Matrix,
    dec: &Decomposition,
    padded: Option<&PaddedDecomposition>,
    input: &ExportInput,
) -> (BTreeMap<String, String>, ExportReport) {
    let approx = input.approximation;
    // A tolerance chain's condition numbers come with it (no second SVD pass).
    let (max_bits, conditions, notes) = match (approx, padded) {
        (Some(a), _) => (dec.max_bits(), a.conditions.clone(), Vec::new()),
        (None, None) => {
            let fig = figures(target, dec);
            (fig.max_bits, fig.conditions.clone(), fig.notes())
        }
        (None, Some(p)) => {
            let fig = padded_figures(target, p);
            (fig.max_bits, fig.conditions.clone(), fig.notes())
        }
    };
    let layers = float_layers(dec, approx.is_some());
    let t = to_float(target);
    // Padded: the first n columns of the chain against [[T], [0]] (exact).
    let want = padded.map(|p| padded_target(target, p));
    let want_unrounded = padded
        .zip(input.unrounded)
        .map(|(p, u)| padded_target(u, p));
    let first_cols = |p: DMatrix<f64>| match padded {
        None => p,
        Some(_) => p.columns(0, target.rows()).into_owned(),
    };
    let p64 = first_cols(chain_product(dec, &layers, |v| v));
    let (f64_max, f64_rel) = chain_error(&p64, want.as_ref().unwrap_or(target));
    let vs_unrounded = input
        .unrounded
        .map(|u| chain_error(&p64, want_unrounded.as_ref().unwrap_or(u)));
    let p32 = first_cols(chain_product(dec, &layers, |v| v as f32));
    let (f32_max, f32_rel) = chain_error(&p32, want.as_ref().unwrap_or(target));
    let float_issues = float_issues(target, dec, &layers, input.unrounded);
    let tolerance = approx.map(|a| {
        let log_scale_chain_rel_error = (dec.mode == Mode::Positive).then(|| {
            // What a loader computes from the stored log-scales of the
            // certified width, in float64.
            let round = |v: f64| match a.width {
                Width::F32 => f64::from(v as f32),
                Width::F64 => v,
            };
            let logs: Vec<Exported> = layers
                .iter()
                .map(|fl| Exported {
                    rows: fl.rows,
                    cols: fl.cols,
                    shift: fl.shift.clone(),
                    param: fl.param.clone(),
                    scale: fl.param.iter().map(|&v| round(v).exp()).collect(),
                })
                .collect();
            chain_error(&chain_product(dec, &logs, |v| v), target).1
        });
        ToleranceFigures {
            tolerance: a.bound.tolerance.clone(),
            width: a.width,
            width_reason: a.width_reason.clone(),
            rel_error_sq: a.bound.rel_error_sq.clone(),
            rel_error: a.bound.rel_error.clone(),
            rel_error_text: a.bound.rel_error_text.clone(),
            log_scale_chain_rel_error,
        }
    });
    let report = ExportReport {
        layers: dec.len(),
        max_bits,
        conditions,
        max_abs_entries: layers
            .iter()
            .map(|l| {
                l.shift
                    .iter()
                    .chain(&l.scale)
                    .fold(0.0f64, |a, v| a.max(v.abs()))
            })
            .collect(),
        f64_max_abs_error: f64_max,
        f64_rel_error: f64_rel,
        f32_max_abs_error: f32_max,
        f32_rel_error: f32_rel,
        f64_error_vs_unrounded: vs_unrounded,
        target_sha256: crate::certificate::target_hash(target),
        float_issues,
        notes,
        tolerance,
    };

    let mut meta = BTreeMap::new();
    let param = match dec.mode {
        Mode::Positive => "log_scale",
        Mode::Signed => "scale",
    };
    // Every layer tensor twice: `NAME` in float64 and `NAME_f32` in float32.
    let mut add_both = |name: String, shape: &[usize], values: &[f64]| {
        w.add_f64(&name, shape, values);
        let v32: Vec<f32> = values.iter().map(|&v| v as f32).collect();
        w.add_f32(&format!("{name}_f32"), shape, &v32);
    };
    for (i, fl) in layers.iter().enumerate() {
        add_both(
            format!("{prefix}layer.{i}.shift"),
            &[fl.rows, fl.cols],
            &fl.shift,
        );
        add_both(
            format!("{prefix}layer.{i}.{param}"),
            &[fl.param.len()],
            &fl.param,
        );
        if approx.is_some() && dec.mode == Mode::Positive {
            // The certified scales themselves (exp of a stored log-scale is not).
            add_both(
                format!("{prefix}layer.{i}.exact_scale"),
                &[fl.scale.len()],
                &fl.scale,
            );
        }
    }
    let n = target.rows();
    w.add_f64(
        &format!("{prefix}target"),
        &[n, n],
        t.transpose().as_slice(),
    );
    if let Some(u) = input.unrounded {
        w.add_f64(
            &format!("{prefix}unrounded"),
            &[n, n],
            to_float(u).transpose().as_slice(),
        );
    }
    let kinds: Vec<&str> = dec.layers.iter().map(|l| l.kind.name()).collect();
    let list = |v: &[f64]| {
        v.iter()
            .map(|c| format!("{c:e}"))
            .collect::<Vec<_>>()
            .join(",")
    };
    let fixed = [
        ("format", FORMAT_NAME.to_string()),
        (
            "format_version",
            match padded {
                None => FORMAT_VERSION,
                Some(_) => PADDED_FORMAT_VERSION,
            }
            .to_string(),
        ),
        (
            "generator",
            format!("couplings {}", env!("CARGO_PKG_VERSION")),
        ),
        ("n", dec.split.n().to_string()),
        ("split", format!("{},{}", dec.split.first, dec.split.second)),
        ("mode", dec.mode.name().to_string()),
        (
            "strategy",
            match approx {
                Some(_) => "tolerance".to_string(),
                // The strategy that ran (`Auto` resolved as the construction did).
                None => match padded.filter(|p| p.pad > 0) {
                    None => input.strategy.resolve(dec.split.n(), Some(dec.split)),
                    Some(_) => input.strategy.resolve_padded(),
                }
                .name()
                .to_string(),
            },
        ),
        ("num_layers", dec.len().to_string()),
        ("kinds", kinds.join(",")),
        ("scale_param", param.to_string()),
        (
            "order",
            "application order: x -> layer.0 -> layer.1 -> ... -> layer.{K-1}; \
             the represented matrix is M_{K-1} ... M_1 M_0"
                .to_string(),
        ),
        (
            "convention",
            "column vectors: y = W x; lower: x2 <- A x1 + D x2, upper: x1 <- E x1 + B x2, \
             x1 = first split[0] coordinates"
                .to_string(),
        ),
        ("target_sha256", report.target_sha256.clone()),
        ("source", input.source.to_string()),
        (
            "rounding",
            match input.rounding {
                Some(r) => format!(
                    "nearest multiple of 10^-{} (max abs entry error {:e})",
                    r.digits,
                    to_f64(&r.max_abs_error)
                ),
                None => "none".to_string(),
            },
        ),
        ("max_entry_bits", report.max_bits.to_string()),
        ("layer_condition_numbers", list(&report.conditions)),
        // Documented as the largest entry of the layer matrix, identity part
        // included (so at least 1).
        (
            "layer_max_abs_entries",
            list(
                &(report.max_abs_entries.iter())
                    .map(|v| v.max(1.0))
                    .collect::<Vec<_>>(),
            ),
        ),
        ("float64_chain_max_abs_error", format!("{f64_max:e}")),
        ("float64_chain_rel_error", format!("{f64_rel:e}")),
        ("float32_chain_max_abs_error", format!("{f32_max:e}")),
        ("float32_chain_rel_error", format!("{f32_rel:e}")),
    ];
    for (k, v) in fixed {
        meta.insert(k.to_string(), v);
    }
    if let Some(p) = padded {
        set(&mut meta, "pad", &p.pad.to_string());
        set(
            &mut meta,
            "padding",
            "the input x has n - pad coordinates and is followed by pad zeros: layer.0 acts on \
             [x; 0]; the first n - pad outputs are W x, the last pad outputs are 0 (on inputs \
             [x; 0] only); target is the (n - pad) x (n - pad) matrix W",
        );
        if let Some(mask) = &p.mask {
            let list: Vec<String> = mask.iter().map(ToString::to_string).collect();
            set(&mut meta, "mask", &list.join(","));
        }
    }
    if let Some((max, rel)) = vs_unrounded {
        set(
            &mut meta,
            "float64_chain_max_abs_error_vs_unrounded",
            &format!("{max:e}"),
        );
        set(
            &mut meta,
            "float64_chain_rel_error_vs_unrounded",
            &format!("{rel:e}"),
        );
    }
    if let Some(t) = &report.tolerance {
        let suffix = match t.width {
            Width::F32 => "_f32",
            Width::F64 => "",
        };
        let scale_name = match dec.mode {
            Mode::Positive => "exact_scale",
            Mode::Signed => "scale",
        };
        set(&mut meta, "format_extensions", "certified-tolerance");
        set(
            &mut meta,
            "tolerance",
            &crate::exact::fmt_decimal(&t.tolerance),
        );
        set(&mut meta, "entry_width", t.width.name());
        set(&mut meta, "certified_rel_error", &t.rel_error_text);
        set(&mut meta, "certified_rel_error_sq", &fmt_q(&t.rel_error_sq));
        set(
            &mut meta,
            "certified_tensors",
            &format!("layer.{{i}}.shift{suffix},layer.{{i}}.{scale_name}{suffix}"),
        );
        set(
            &mut meta,
            "certified_claim",
            "||P - T||_F <= certified_rel_error ||T||_F for the exact product P of the \
             certified tensors (every value exact, no further rounding) and the exact target T \
             (sha256 target_sha256); verified with exact integer arithmetic",
        );
        if let Some(e) = t.log_scale_chain_rel_error {
            set(
                &mut meta,
                "log_scale_chain_rel_error",
                &format!("{e:e} (float64 estimate, not certified)"),
            );
        }
    }
    if !report.float_issues.is_empty() {
        let issues: Vec<String> = report.float_issues.iter().map(|i| i.to_string()).collect();
        set(&mut meta, "float_issues", &issues.join("; "));
    }
    (meta, report)
}

/// Inserts one metadata entry.
fn set(meta: &mut BTreeMap<String, String>, key: &str, value: &str) {
    meta.insert(key.to_string(), value.to_string());
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::exact::q;
    use num_traits::One;

    #[test]
    fn rounding_ties_go_up() {
        let den = BigInt::from(10);
        assert_eq!(round_to(&q(1, 20), &den), q(1, 10));
        assert_eq!(round_to(&q(-1, 20), &den), q(0, 1));
        assert_eq!(round_to(&Q::one(), &den), Q::one());
    }

    #[test]
    fn ln_of_huge_rationals() {
        let big = Q::new(BigInt::from(3) << 5000usize, BigInt::from(1) << 4000usize);
        let expect = 3f64.ln() + 1000.0 * std::f64::consts::LN_2;
        assert!((ln_q(&big) - expect).abs() < 1e-12 * expect);
    }
}
