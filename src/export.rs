//! Float export of exact decompositions and the `--round` preprocessing. Owns
//! [`round_matrix`] (replace a weight by a nearby rational with small
//! denominators, with its approximation error), [`export`] (the versioned
//! safetensors layout of `docs/export.md`: per-layer shift and scale or
//! log-scale tensors in float64 and float32, split, order and figures in the
//! metadata) and [`ExportReport`] (per-layer float condition numbers and the
//! float error of the exported chain against the target).
//!
//! The exact side stays exact: rounding produces an exact rational matrix,
//! which is what gets decomposed; floats appear only in the written tensors
//! and in the reported figures (computed with nalgebra via [`crate::analysis`]).

use crate::analysis::figures;
use crate::construct::Strategy;
use crate::construct::tolerance::{Approximation, Width};
use crate::exact::{Matrix, Q, fmt_q, to_f64, to_float};
use crate::io::SafetensorsWriter;
use crate::layer::{Decomposition, Kind, Mode};
use nalgebra::DMatrix;
use num_bigint::BigInt;
use num_integer::Integer;
use num_traits::{Signed, Zero};

/// Version of the export layout (`format_version` in the metadata). Readers
/// must refuse versions they do not know.
pub const FORMAT_VERSION: &str = "1";

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
    /// `||W - R||_2 / ||W||_2` in float64 (nalgebra SVD).
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
    let wf = to_float(w);
    let diff = &wf - to_float(&matrix);
    let spectral = |m: &DMatrix<f64>| m.singular_values().iter().cloned().fold(0.0, f64::max);
    Ok(Rounding {
        digits,
        matrix,
        max_abs_error,
        rel_frobenius: diff.norm() / wf.norm().max(f64::MIN_POSITIVE),
        rel_spectral: spectral(&diff) / spectral(&wf).max(f64::MIN_POSITIVE),
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
    ln_big(x.numer()) - ln_big(x.denom())
}

fn ln_big(n: &BigInt) -> f64 {
    use num_traits::ToPrimitive;
    let shift = n.bits().saturating_sub(64);
    let top = (n >> shift).to_f64().unwrap_or(1.0);
    top.ln() + shift as f64 * std::f64::consts::LN_2
}

/// The figures of an export (all float64 analysis; the exact side is exact).
#[derive(Debug, Clone, PartialEq)]
pub struct ExportReport {
    /// Number of layers.
    pub layers: usize,
    /// Largest bit size of an exact layer entry.
    pub max_bits: u64,
    /// Per-layer 2-norm condition numbers (nalgebra SVD), application order.
    pub conditions: Vec<f64>,
    /// Per-layer largest `|entry|` of the float64 layer (shift and scale).
    pub max_abs_entries: Vec<f64>,
    /// `max |P - T|` for the float64 product `P` of the exported float64 layers
    /// (positive mode: scales `exp(log_scale)`), `T` the target rounded to float64.
    pub f64_max_abs_error: f64,
    /// `||P - T||_F / ||T||_F` for the same product.
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
    /// A human-readable summary (several lines).
    pub fn to_text(&self) -> String {
        let conds: Vec<String> = self.conditions.iter().map(|c| format!("{c:.3e}")).collect();
        let worst = self.conditions.iter().cloned().fold(1.0, f64::max);
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
             layer condition numbers ({method}, application order): [{}], worst {worst:.3e}\n\
             layer largest |entry| (float64): [{}]\n\
             float64 chain vs target: max abs error {}, relative (Frobenius) {}\n\
             float32 chain vs target: max abs error {}, relative (Frobenius) {}\n\
             {unrounded}{hint}target sha256 {}\n",
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
struct FloatLayer {
    rows: usize,
    cols: usize,
    shift: Vec<f64>,
    param: Vec<f64>,
    scale: Vec<f64>,
}

/// The float layers; in positive mode the scale is `exp(log_scale)`, or the
/// exact scale rounded to float64 when `exact_scales` (tolerance exports, whose
/// loaders read the exact scales).
fn float_layers(dec: &Decomposition, exact_scales: bool) -> Vec<FloatLayer> {
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
            FloatLayer {
                rows: l.shift.rows(),
                cols: l.shift.cols(),
                shift,
                param,
                scale,
            }
        })
        .collect()
}

/// The float product of the chain in arithmetic `T` (f64 or f32).
fn chain_product<T>(
    dec: &Decomposition,
    layers: &[FloatLayer],
    cast: impl Fn(f64) -> T,
) -> DMatrix<T>
where
    T: nalgebra::RealField + Copy,
{
    let n = dec.split.n();
    let p = dec.split.first;
    let mut prod = DMatrix::<T>::identity(n, n);
    for (l, fl) in dec.layers.iter().zip(layers) {
        let mut m = DMatrix::<T>::identity(n, n);
        let (r0, c0, d0) = match l.kind {
            Kind::Lower => (p, 0, p),
            Kind::Upper => (0, p, 0),
        };
        for i in 0..fl.rows {
            for j in 0..fl.cols {
                m[(r0 + i, c0 + j)] = cast(fl.shift[i * fl.cols + j]);
            }
        }
        for (k, &s) in fl.scale.iter().enumerate() {
            m[(d0 + k, d0 + k)] = cast(s);
        }
        prod = m * prod;
    }
    prod
}

/// (max abs, relative Frobenius) error of `p` against `t`; NaN (from an
/// overflowing chain) propagates instead of being skipped.
fn errors(p: &DMatrix<f64>, t: &DMatrix<f64>) -> (f64, f64) {
    let d = p - t;
    let max = d.iter().fold(0.0f64, |a, v| {
        if a.is_nan() || v.is_nan() {
            f64::NAN
        } else {
            a.max(v.abs())
        }
    });
    (max, d.norm() / t.norm().max(f64::MIN_POSITIVE))
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
    /// The construction strategy (its name is recorded in the metadata).
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
    let mut w = SafetensorsWriter::new();
    let (report, meta) = write_chain(&mut w, "", target, dec, input);
    for (k, v) in &meta {
        w.metadata(k, v);
    }
    (w.to_bytes(), report)
}

/// Writes the tensors of one chain (names prefixed by `prefix`) and returns
/// the report and the chain's metadata entries (for a single export, the
/// file's metadata; for `couplings convert`, one manifest entry).
pub(crate) fn write_chain(
    w: &mut SafetensorsWriter,
    prefix: &str,
    target: &Matrix,
    dec: &Decomposition,
    input: &ExportInput,
) -> (ExportReport, Vec<(String, String)>) {
    let approx = input.approximation;
    let (max_bits, conditions) = match approx {
        Some(a) => (dec.max_bits(), a.conditions.clone()),
        None => {
            let fig = figures(target, dec);
            (fig.max_bits, fig.conditions)
        }
    };
    let layers = float_layers(dec, approx.is_some());
    let t = to_float(target);
    let p64 = chain_product(dec, &layers, |v| v);
    let (f64_max, f64_rel) = errors(&p64, &t);
    let vs_unrounded = input.unrounded.map(|u| errors(&p64, &to_float(u)));
    let p32 = chain_product(dec, &layers, |v| v as f32).map(f64::from);
    let (f32_max, f32_rel) = errors(&p32, &t);
    let tolerance = approx.map(|a| {
        let log_scale_chain_rel_error = (dec.mode == Mode::Positive).then(|| {
            // What a loader computes from the stored log-scales of the
            // certified width, in float64.
            let logs: Vec<FloatLayer> = layers
                .iter()
                .map(|fl| {
                    let round = |v: f64| match a.width {
                        Width::F32 => v as f32 as f64,
                        Width::F64 => v,
                    };
                    FloatLayer {
                        rows: fl.rows,
                        cols: fl.cols,
                        shift: fl.shift.clone(),
                        param: fl.param.clone(),
                        scale: fl.param.iter().map(|&v| round(v).exp()).collect(),
                    }
                })
                .collect();
            errors(&chain_product(dec, &logs, |v| v), &t).1
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
                    .fold(1.0f64, |a, v| a.max(v.abs()))
            })
            .collect(),
        f64_max_abs_error: f64_max,
        f64_rel_error: f64_rel,
        f32_max_abs_error: f32_max,
        f32_rel_error: f32_rel,
        f64_error_vs_unrounded: vs_unrounded,
        target_sha256: crate::certificate::target_hash(target),
        tolerance,
    };

    let param = match dec.mode {
        Mode::Positive => "log_scale",
        Mode::Signed => "scale",
    };
    let name = |rest: &str| format!("{prefix}{rest}");
    for (i, fl) in layers.iter().enumerate() {
        let shape = [fl.rows, fl.cols];
        w.add_f64(&name(&format!("layer.{i}.shift")), &shape, &fl.shift);
        let s32: Vec<f32> = fl.shift.iter().map(|&v| v as f32).collect();
        w.add_f32(&name(&format!("layer.{i}.shift_f32")), &shape, &s32);
        w.add_f64(
            &name(&format!("layer.{i}.{param}")),
            &[fl.param.len()],
            &fl.param,
        );
        let p32: Vec<f32> = fl.param.iter().map(|&v| v as f32).collect();
        w.add_f32(&name(&format!("layer.{i}.{param}_f32")), &[p32.len()], &p32);
        if approx.is_some() && dec.mode == Mode::Positive {
            // The certified scales themselves (exp of a stored log-scale is not).
            w.add_f64(
                &name(&format!("layer.{i}.exact_scale")),
                &[fl.scale.len()],
                &fl.scale,
            );
            let e32: Vec<f32> = fl.scale.iter().map(|&v| v as f32).collect();
            w.add_f32(
                &name(&format!("layer.{i}.exact_scale_f32")),
                &[e32.len()],
                &e32,
            );
        }
    }
    let n = target.rows();
    w.add_f64(&name("target"), &[n, n], t.transpose().as_slice());
    if let Some(u) = input.unrounded {
        w.add_f64(
            &name("unrounded"),
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
    let mut meta: Vec<(String, String)> = [
        ("format", FORMAT_NAME.to_string()),
        ("format_version", FORMAT_VERSION.to_string()),
        (
            "generator",
            format!("couplings {}", env!("CARGO_PKG_VERSION")),
        ),
        ("n", n.to_string()),
        ("split", format!("{},{}", dec.split.first, dec.split.second)),
        ("mode", dec.mode.name().to_string()),
        (
            "strategy",
            match approx {
                Some(_) => "tolerance".to_string(),
                None => input.strategy.name().to_string(),
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
        ("layer_max_abs_entries", list(&report.max_abs_entries)),
        ("float64_chain_max_abs_error", format!("{f64_max:e}")),
        ("float64_chain_rel_error", format!("{f64_rel:e}")),
        ("float32_chain_max_abs_error", format!("{f32_max:e}")),
        ("float32_chain_rel_error", format!("{f32_rel:e}")),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect();
    if let Some((max, rel)) = vs_unrounded {
        meta.push((
            "float64_chain_max_abs_error_vs_unrounded".into(),
            format!("{max:e}"),
        ));
        meta.push((
            "float64_chain_rel_error_vs_unrounded".into(),
            format!("{rel:e}"),
        ));
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
        let mut extra = vec![
            ("format_extensions", "certified-tolerance".to_string()),
            ("tolerance", crate::exact::fmt_decimal(&t.tolerance)),
            ("entry_width", t.width.name().to_string()),
            ("certified_rel_error", t.rel_error_text.clone()),
            ("certified_rel_error_sq", fmt_q(&t.rel_error_sq)),
            (
                "certified_tensors",
                format!("layer.{{i}}.shift{suffix},layer.{{i}}.{scale_name}{suffix}"),
            ),
            (
                "certified_claim",
                "||P - T||_F <= certified_rel_error ||T||_F for the exact product P of the \
                 certified tensors (every value exact, no further rounding) and the exact \
                 target T (sha256 target_sha256); verified with exact integer arithmetic"
                    .to_string(),
            ),
        ];
        if let Some(e) = t.log_scale_chain_rel_error {
            extra.push((
                "log_scale_chain_rel_error",
                format!("{e:e} (float64 estimate, not certified)"),
            ));
        }
        meta.extend(extra.into_iter().map(|(k, v)| (k.to_string(), v)));
    }
    (report, meta)
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
