//! Checkpoint conversion (`couplings convert`, `docs/export.md`, "Converting
//! a checkpoint"). Owns finding the weights of a safetensors checkpoint
//! ([`scan`]: square float tensors `(c, c)` / `(c, c, 1, 1)` and normflows LU
//! groups), assembling an LU group into its exact matrix ([`assemble`]),
//! converting one weight ([`convert_candidate`]: the certified tolerance
//! construction checked by the independent bound checker, or an exact
//! decomposition checked by the independent checker), converting all of them
//! in parallel ([`convert_all`]) and writing the one output file, format
//! `couplings-checkpoint` ([`write_checkpoint`]): every chain's tensors, as
//! `couplings export` writes them, under the prefix `KEY/`, and a JSON
//! manifest in the metadata.
//!
//! A weight that cannot be converted is a failed entry with its reason
//! ([`ConvertError`]), never a panic; the other weights are still converted.

use super::{ExportInput, ExportReport, Unrepresentable, write_chain};
use crate::analysis::worst_condition;
use crate::construct::tolerance::approximate;
use crate::construct::{DecomposeError, Options, Strategy};
use crate::exact::{Matrix, Q, q};
use crate::io::{Safetensors, SafetensorsWriter};
use crate::layer::Mode;
use num_bigint::BigInt;
use num_traits::{One, Zero};
use rayon::prelude::*;
use serde_json::{Map, Value, json};
use std::collections::{BTreeMap, BTreeSet};
use std::time::Instant;

/// The `format` metadata value of a converted checkpoint.
pub const FORMAT_NAME: &str = "couplings-checkpoint";

/// Version of the converted-checkpoint layout (`format_version`).
pub const FORMAT_VERSION: &str = "1";

/// Largest channel count converted: a bigger weight is a failed entry (its
/// tensors are not even decoded). Chosen so that no single weight runs for
/// more than a few minutes: the tolerance construction takes about 12 s at
/// c = 384 and grows like c^3 (about 4 minutes at 1024); Glow uses at most
/// 512 channels.
pub const MAX_CHANNELS: usize = 1024;

/// The parts of a normflows LU group (`X.P`, ...), in the manifest's order.
const LU_PARTS: [&str; 5] = ["P", "L", "U", "log_S", "sign_S"];

/// Where a candidate's matrix comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SourceKind {
    /// One square float tensor, `(c, c)` or `(c, c, 1, 1)`.
    Weight,
    /// A normflows `Invertible1x1Conv(use_lu=True)` group: `P`, `L`, `U`,
    /// `log_S`, `sign_S`.
    NormflowsLu,
}

impl SourceKind {
    /// The manifest name: `weight` or `normflows-lu`.
    ///
    /// # Examples
    /// ```
    /// use couplings::export::convert::SourceKind;
    /// assert_eq!(SourceKind::NormflowsLu.name(), "normflows-lu");
    /// ```
    pub fn name(self) -> &'static str {
        match self {
            SourceKind::Weight => "weight",
            SourceKind::NormflowsLu => "normflows-lu",
        }
    }
}

/// One weight found in a checkpoint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    /// The key: the tensor name, or the LU group's prefix (`lu` when empty).
    pub key: String,
    /// Where the matrix comes from.
    pub kind: SourceKind,
    /// The tensors read (LU: `X.P`, `X.L`, `X.U`, `X.log_S`, `X.sign_S`).
    pub tensors: Vec<String>,
    /// The weight's shape; for an LU group `[c, c]` (`P`'s shape).
    pub shape: Vec<usize>,
    /// The stored dtype (`F32`, ...; LU: `P`'s).
    pub dtype: String,
    /// Why the candidate cannot be converted before reading it (its key is
    /// also an earlier candidate's key), if so.
    pub clash: Option<String>,
}

/// What [`scan`] found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scan {
    /// The candidates, sorted by key.
    pub candidates: Vec<Candidate>,
    /// The other tensors (biases, 3x3 convolutions, integer tensors, ...).
    pub skipped: Vec<String>,
}

fn is_float(dtype: &str) -> bool {
    matches!(dtype, "F16" | "BF16" | "F32" | "F64")
}

/// `c` when `shape` is `(c, c)` or `(c, c, 1, 1)` with `c >= 2`.
fn square(shape: &[usize]) -> Option<usize> {
    match shape {
        [a, b] | [a, b, 1, 1] if a == b && *a >= 2 => Some(*a),
        _ => None,
    }
}

fn part_name(prefix: &str, part: &str) -> String {
    if prefix.is_empty() {
        part.to_string()
    } else {
        format!("{prefix}.{part}")
    }
}

/// Finds the weights of a checkpoint: normflows LU groups (a prefix `X` with
/// `X.P`, `X.L`, `X.U`, `X.log_S` and `X.sign_S`; their tensors and `X.eye`
/// are not candidates on their own) and every other float tensor of shape
/// `(c, c)` or `(c, c, 1, 1)` with `c >= 2`. Sorted by key; a key given twice
/// (a tensor named like an LU group's key) makes the later candidate a clash.
///
/// # Examples
/// ```
/// use couplings::export::convert::{scan, SourceKind};
/// use couplings::io::{parse_safetensors, SafetensorsWriter};
/// let mut w = SafetensorsWriter::new();
/// w.add_f32("conv.weight", &[2, 2, 1, 1], &[1.0, 0.0, 0.0, 1.0]);
/// w.add_f32("conv.bias", &[2], &[0.0, 0.0]);
/// for (name, shape) in [("f.P", vec![2, 2]), ("f.L", vec![2, 2]), ("f.U", vec![2, 2]), ("f.log_S", vec![2]), ("f.sign_S", vec![2])] {
///     let n: usize = shape.iter().product();
///     w.add_f32(name, &shape, &vec![0.0; n]);
/// }
/// let bytes = w.to_bytes();
/// let s = scan(&parse_safetensors(&bytes).unwrap());
/// let keys: Vec<_> = s.candidates.iter().map(|c| (c.key.as_str(), c.kind)).collect();
/// assert_eq!(keys, [("conv.weight", SourceKind::Weight), ("f", SourceKind::NormflowsLu)]);
/// assert_eq!(s.skipped, ["conv.bias"]);
/// ```
pub fn scan(st: &Safetensors) -> Scan {
    let names: BTreeSet<&str> = st.tensors.keys().map(String::as_str).collect();
    let mut grouped: BTreeSet<String> = BTreeSet::new();
    let mut candidates = Vec::new();
    for name in &names {
        let prefix = match name.strip_suffix(".P") {
            Some(p) => p,
            None if *name == "P" => "",
            None => continue,
        };
        let parts: Vec<String> = LU_PARTS.iter().map(|p| part_name(prefix, p)).collect();
        if !parts.iter().all(|p| names.contains(p.as_str())) {
            continue;
        }
        let info = &st.tensors[*name];
        grouped.extend(parts.iter().cloned());
        grouped.insert(part_name(prefix, "eye"));
        candidates.push(Candidate {
            key: if prefix.is_empty() { "lu" } else { prefix }.to_string(),
            kind: SourceKind::NormflowsLu,
            tensors: parts,
            shape: info.shape.clone(),
            dtype: info.dtype.clone(),
            clash: None,
        });
    }
    let mut skipped = Vec::new();
    for (name, info) in &st.tensors {
        if grouped.contains(name) {
            continue;
        }
        if is_float(&info.dtype) && square(&info.shape).is_some() {
            candidates.push(Candidate {
                key: name.clone(),
                kind: SourceKind::Weight,
                tensors: vec![name.clone()],
                shape: info.shape.clone(),
                dtype: info.dtype.clone(),
                clash: None,
            });
        } else {
            skipped.push(name.clone());
        }
    }
    // Stable: a weight and an LU group with one key keep the group first.
    candidates.sort_by(|a, b| a.key.cmp(&b.key));
    for i in 1..candidates.len() {
        if candidates[i].key == candidates[i - 1].key {
            candidates[i].clash = Some(format!(
                "the key \"{}\" is also the key of the previous candidate ({}); rename one \
                 of them",
                crate::untrusted::show(&candidates[i].key),
                candidates[i - 1].kind.name()
            ));
        }
    }
    Scan {
        candidates,
        skipped,
    }
}

/// Whether `key` matches the glob `pattern` as a whole: `*` matches any run of
/// characters (`.` and `/` included), `?` one character, anything else itself.
///
/// # Examples
/// ```
/// use couplings::export::convert::glob_match;
/// assert!(glob_match("flows.*.invconv.weight", "flows.2.17.invconv.weight"));
/// assert!(glob_match("flows.?.0.*", "flows.1.0.invconv.weight"));
/// assert!(!glob_match("flows.1*", "flows.0.1.invconv.weight"));
/// ```
pub fn glob_match(pattern: &str, key: &str) -> bool {
    let p: Vec<char> = pattern.chars().collect();
    let k: Vec<char> = key.chars().collect();
    // Greedy matching with one backtrack point (the last `*`): O(|p| |k|).
    let (mut i, mut j) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while j < k.len() {
        if i < p.len() && (p[i] == '?' || (p[i] != '*' && p[i] == k[j])) {
            i += 1;
            j += 1;
        } else if i < p.len() && p[i] == '*' {
            star = Some((i, j));
            i += 1;
        } else if let Some((si, sj)) = star {
            i = si + 1;
            j = sj + 1;
            star = Some((si, sj + 1));
        } else {
            return false;
        }
    }
    p[i..].iter().all(|&c| c == '*')
}

/// Why a candidate was not converted (the manifest's `error` is its text).
#[derive(Debug, Clone, PartialEq)]
pub enum ConvertError {
    /// The candidate's tensors do not denote a matrix: an LU group with wrong
    /// shapes or dtypes, `P` not a permutation matrix, `sign_S` not `+-1`, a
    /// NaN or infinite entry, a scale `exp(log_S)` beyond float64, a key
    /// clash.
    Source(String),
    /// More channels than [`MAX_CHANNELS`].
    TooLarge {
        /// The channel count.
        c: usize,
    },
    /// The construction refused the matrix (singular, `det < 0` in positive
    /// mode, too ill-conditioned, odd dimension with a tolerance, ...).
    Decompose(DecomposeError),
    /// The independent checker rejected the layers (a bug).
    Check(String),
    /// The float64 tensors cannot hold the layers (exact mode only).
    Float(Unrepresentable),
}

impl std::fmt::Display for ConvertError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ConvertError::Source(reason) => write!(f, "{reason}"),
            ConvertError::TooLarge { c } => write!(
                f,
                "c = {c} channels is above the limit of {MAX_CHANNELS}; not converted"
            ),
            ConvertError::Decompose(DecomposeError::NonPositiveDeterminant { .. }) => write!(
                f,
                "det W < 0 (exact), but positive mode needs det W > 0; use --mode signed"
            ),
            ConvertError::Decompose(e) => write!(f, "{e}"),
            ConvertError::Check(e) => write!(
                f,
                "internal error: the layers failed the independent check: {e}"
            ),
            ConvertError::Float(e) => write!(f, "{e}"),
        }
    }
}

impl std::error::Error for ConvertError {}

fn source_error(reason: impl Into<String>) -> ConvertError {
    ConvertError::Source(reason.into())
}

/// A tensor's values with its shape checked (`None` dims: any), or the reason.
fn values(st: &Safetensors, name: &str, shape: &[usize]) -> Result<Vec<f64>, ConvertError> {
    let info = &st.tensors[name];
    if !is_float(&info.dtype) {
        return Err(source_error(format!(
            "{name}: dtype {} is not a float type",
            info.dtype
        )));
    }
    if info.shape != shape {
        return Err(source_error(format!(
            "{name}: shape {:?}, expected {shape:?}",
            info.shape
        )));
    }
    st.tensor(name)
        .map(|t| t.values)
        .map_err(|e| source_error(format!("{name}: {e}")))
}

/// The exact rational of a finite float, or the reason naming the entry.
fn finite(name: &str, index: &str, v: f64) -> Result<(), ConvertError> {
    if v.is_finite() {
        Ok(())
    } else {
        Err(source_error(format!(
            "{name}{index} is {v}; only finite entries denote a matrix"
        )))
    }
}

/// `(m, e)` with `v = m 2^e` exactly (`v` finite).
fn split_f64(v: f64) -> (i128, i32) {
    let bits = v.to_bits();
    let sign = if bits >> 63 == 1 { -1 } else { 1 };
    let exp = ((bits >> 52) & 0x7ff) as i32;
    let frac = (bits & ((1u64 << 52) - 1)) as i128;
    let (m, e) = if exp == 0 {
        (frac, -1074)
    } else {
        (frac | (1i128 << 52), exp - 1075)
    };
    (sign * m, e)
}

/// `sum_k a_k b_k` exactly, for finite floats.
fn exact_dot(terms: impl Iterator<Item = (f64, f64)>) -> Q {
    let products: Vec<(i128, i32)> = terms
        .filter(|&(a, b)| a != 0.0 && b != 0.0)
        .map(|(a, b)| {
            let ((ma, ea), (mb, eb)) = (split_f64(a), split_f64(b));
            (ma * mb, ea + eb)
        })
        .collect();
    let Some(low) = products.iter().map(|&(_, e)| e).min() else {
        return Q::zero();
    };
    let sum: BigInt = products
        .iter()
        .map(|&(m, e)| BigInt::from(m) << ((e - low) as usize))
        .sum();
    if low >= 0 {
        Q::from(sum << (low as usize))
    } else {
        Q::new(sum, BigInt::one() << ((-low) as usize))
    }
}

/// The exact matrix `W` of a candidate. A weight: its entries read exactly.
/// An LU group: `W = P (tril(L, -1) + I) (triu(U, 1) + diag(sign_S *
/// exp(log_S)))` as normflows assembles it, every product exact, `exp`
/// evaluated in float64 (the parts of `L` and `U` outside the used triangles
/// are ignored, as normflows ignores them).
///
/// # Errors
/// [`ConvertError::Source`] naming the tensor and what is wrong;
/// [`ConvertError::TooLarge`] above [`MAX_CHANNELS`] (before decoding).
///
/// # Examples
/// ```
/// use couplings::export::convert::{assemble, scan};
/// use couplings::exact::Matrix;
/// use couplings::io::{parse_safetensors, SafetensorsWriter};
/// let mut w = SafetensorsWriter::new();
/// w.add_f32("P", &[2, 2], &[0.0, 1.0, 1.0, 0.0]);
/// w.add_f32("L", &[2, 2], &[9.0, 9.0, 2.0, 9.0]); // only L[1][0] is used
/// w.add_f32("U", &[2, 2], &[9.0, 3.0, 9.0, 9.0]); // only U[0][1] is used
/// w.add_f32("log_S", &[2], &[0.0, 0.0]);
/// w.add_f32("sign_S", &[2], &[1.0, -1.0]);
/// let bytes = w.to_bytes();
/// let st = parse_safetensors(&bytes).unwrap();
/// let m = assemble(&st, &scan(&st).candidates[0]).unwrap();
/// // P [[1, 0], [2, 1]] [[1, 3], [0, -1]] = P [[1, 3], [2, 5]]
/// assert_eq!(m, Matrix::from_i64(&[&[2, 5], &[1, 3]]));
/// ```
pub fn assemble(st: &Safetensors, candidate: &Candidate) -> Result<Matrix, ConvertError> {
    if let Some(clash) = &candidate.clash {
        return Err(source_error(clash.clone()));
    }
    let c = match (candidate.kind, candidate.shape.as_slice()) {
        (SourceKind::Weight, _) => square(&candidate.shape),
        (SourceKind::NormflowsLu, [a, b]) if a == b && *a >= 1 => Some(*a),
        _ => None,
    }
    .ok_or_else(|| {
        source_error(format!(
            "{}: shape {:?}, expected a square matrix (c, c)",
            candidate.tensors[0], candidate.shape
        ))
    })?;
    if c > MAX_CHANNELS {
        return Err(ConvertError::TooLarge { c });
    }
    match candidate.kind {
        SourceKind::Weight => {
            let t = st
                .tensor(&candidate.key)
                .map_err(|e| source_error(e.to_string()))?;
            t.to_matrix()
                .map_err(|e| source_error(format!("{}: {e}", candidate.key)))
        }
        SourceKind::NormflowsLu => assemble_lu(st, &candidate.tensors, c),
    }
}

fn assemble_lu(st: &Safetensors, names: &[String], c: usize) -> Result<Matrix, ConvertError> {
    let at = |i: usize, j: usize| format!("[{i}, {j}]");
    let p = values(st, &names[0], &[c, c])?;
    let l = values(st, &names[1], &[c, c])?;
    let u = values(st, &names[2], &[c, c])?;
    let log_s = values(st, &names[3], &[c])?;
    let sign_s = values(st, &names[4], &[c])?;
    // P: every row holds one 1, the rest 0, and no column twice.
    let mut perm = vec![usize::MAX; c];
    let mut used = vec![false; c];
    for i in 0..c {
        for j in 0..c {
            let v = p[i * c + j];
            if v == 1.0 && perm[i] == usize::MAX && !used[j] {
                perm[i] = j;
                used[j] = true;
            } else if v != 0.0 {
                return Err(source_error(format!(
                    "{}{} = {v}: P is not a permutation matrix",
                    names[0],
                    at(i, j)
                )));
            }
        }
        if perm[i] == usize::MAX {
            return Err(source_error(format!(
                "{} row {i} has no entry 1: P is not a permutation matrix",
                names[0]
            )));
        }
    }
    for i in 0..c {
        for j in 0..i {
            finite(&names[1], &at(i, j), l[i * c + j])?;
        }
        for j in i + 1..c {
            finite(&names[2], &at(i, j), u[i * c + j])?;
        }
    }
    let mut scale = Vec::with_capacity(c);
    for i in 0..c {
        finite(&names[3], &format!("[{i}]"), log_s[i])?;
        let sign = sign_s[i];
        if sign != 1.0 && sign != -1.0 {
            return Err(source_error(format!(
                "{}[{i}] = {sign}: sign_S must be +1 or -1",
                names[4]
            )));
        }
        let s = sign * log_s[i].exp();
        if !s.is_normal() {
            return Err(source_error(format!(
                "{}[{i}] = {}: exp(log_S) = {} in float64 (the scale must be a finite, \
                 nonzero, normal float64)",
                names[3],
                log_s[i],
                s.abs()
            )));
        }
        scale.push(s);
    }
    // (L' U')[r][j] = sum_{k <= min(r, j)} L'[r][k] U'[k][j], L' unit lower,
    // U' = strict upper part + diag(scale); row i of W is row perm[i] of L' U'.
    let lower = |r: usize, k: usize| if k == r { 1.0 } else { l[r * c + k] };
    let upper = |k: usize, j: usize| if k == j { scale[j] } else { u[k * c + j] };
    let mut data = Vec::with_capacity(c * c);
    for &r in &perm {
        for j in 0..c {
            data.push(exact_dot(
                (0..=r.min(j)).map(|k| (lower(r, k), upper(k, j))),
            ));
        }
    }
    Ok(Matrix::from_vec(c, c, data))
}

/// How [`convert_candidate`] converts.
#[derive(Debug, Clone, PartialEq)]
pub struct ConvertOptions {
    /// The certified relative Frobenius tolerance; 0: exact decomposition
    /// with `strategy`.
    pub tolerance: Q,
    /// Signed or positive scales.
    pub mode: Mode,
    /// The exact strategy (only with `tolerance` 0).
    pub strategy: Strategy,
}

impl Default for ConvertOptions {
    /// Tolerance `1e-6`, signed mode, the default strategy.
    fn default() -> ConvertOptions {
        ConvertOptions {
            tolerance: q(1, 1_000_000),
            mode: Mode::Signed,
            strategy: Strategy::default(),
        }
    }
}

/// A converted chain: its figures, its tensors (named `KEY/...`) and the
/// metadata a single export of it writes.
#[derive(Debug, Clone)]
pub struct Converted {
    /// Channels.
    pub c: usize,
    /// Number of layers.
    pub layers: usize,
    /// The certified `||P - W||_F / ||W||_F` bound as a decimal (`0` when exact).
    pub rel_error: String,
    /// The worst layer float64 condition number.
    pub worst_condition: f64,
    /// The export figures.
    pub report: ExportReport,
    /// The `__metadata__` map of a single `couplings export` of this chain.
    pub metadata: BTreeMap<String, String>,
    tensors: SafetensorsWriter,
}

/// One candidate's outcome.
#[derive(Debug, Clone)]
pub struct ChainResult {
    /// The candidate.
    pub candidate: Candidate,
    /// Wall time (assembly, construction, checks, tensors).
    pub seconds: f64,
    /// The chain, or why not.
    pub outcome: Result<Converted, ConvertError>,
}

/// Converts one candidate: assembles `W`, then with a tolerance the certified
/// approximation checked again by the independent bound checker
/// ([`crate::check::check_within`]), else the exact decomposition checked by
/// [`crate::check()`]; then the tensors and metadata of a single export under
/// the prefix `KEY/`. `source` is recorded as the chain's `source`.
///
/// # Examples
/// ```
/// use couplings::export::convert::{convert_candidate, scan, ConvertOptions};
/// use couplings::io::{parse_safetensors, SafetensorsWriter};
/// let mut w = SafetensorsWriter::new();
/// w.add_f32("conv.weight", &[2, 2, 1, 1], &[0.0, -1.0, 1.0, 0.0]);
/// let bytes = w.to_bytes();
/// let st = parse_safetensors(&bytes).unwrap();
/// let cand = &scan(&st).candidates[0];
/// let r = convert_candidate(&st, cand, "ckpt.safetensors", &ConvertOptions::default());
/// let chain = r.outcome.unwrap();
/// assert_eq!(chain.c, 2);
/// assert_eq!(chain.metadata["format"], "couplings-layers");
/// assert_eq!(chain.metadata["strategy"], "tolerance");
/// ```
pub fn convert_candidate(
    st: &Safetensors,
    candidate: &Candidate,
    source: &str,
    options: &ConvertOptions,
) -> ChainResult {
    let start = Instant::now();
    let outcome = convert_inner(st, candidate, source, options);
    ChainResult {
        candidate: candidate.clone(),
        seconds: start.elapsed().as_secs_f64(),
        outcome,
    }
}

fn convert_inner(
    st: &Safetensors,
    candidate: &Candidate,
    source: &str,
    options: &ConvertOptions,
) -> Result<Converted, ConvertError> {
    let w = assemble(st, candidate)?;
    let opts = Options {
        mode: options.mode,
        strategy: options.strategy,
        tolerance: options.tolerance.clone(),
        ..Options::default()
    };
    let approximation = if options.tolerance.is_zero() {
        None
    } else {
        Some(approximate(&w, &opts).map_err(ConvertError::Decompose)?)
    };
    let dec = match &approximation {
        Some(a) => {
            crate::check::check_within(&w, &a.decomposition, &a.bound.rel_error)
                .map_err(|e| ConvertError::Check(e.to_string()))?;
            a.decomposition.clone()
        }
        None => {
            let dec =
                crate::construct::decompose_with(&w, &opts).map_err(ConvertError::Decompose)?;
            crate::check(&w, &dec).map_err(|e| ConvertError::Check(e.to_string()))?;
            dec
        }
    };
    let input = ExportInput {
        strategy: options.strategy,
        source,
        approximation: approximation.as_ref(),
        ..ExportInput::default()
    };
    let mut tensors = SafetensorsWriter::new();
    let prefix = format!("{}/", candidate.key);
    let (metadata, report) = write_chain(&mut tensors, &prefix, &w, &dec, None, &input);
    report.check_float64().map_err(ConvertError::Float)?;
    Ok(Converted {
        c: w.rows(),
        layers: dec.len(),
        rel_error: approximation
            .as_ref()
            .map_or_else(|| "0".to_string(), |a| a.bound.rel_error_text.clone()),
        worst_condition: match &approximation {
            Some(a) => a.worst_condition(),
            None => worst_condition(&report.conditions),
        },
        report,
        metadata,
        tensors,
    })
}

/// Converts every candidate, in parallel (rayon), calling `done(index,
/// result)` as each finishes (from worker threads, in any order); the results
/// come back in candidate order.
///
/// # Examples
/// ```
/// use couplings::export::convert::{convert_all, scan, ConvertOptions};
/// use couplings::io::{parse_safetensors, SafetensorsWriter};
/// let mut w = SafetensorsWriter::new();
/// w.add_f32("a", &[2, 2], &[2.0, 0.0, 0.0, 1.0]);
/// w.add_f32("b", &[2, 2], &[1.0, 1.0, 1.0, 1.0]); // singular
/// let bytes = w.to_bytes();
/// let st = parse_safetensors(&bytes).unwrap();
/// let results = convert_all(&st, &scan(&st).candidates, "x", &ConvertOptions::default(), &|_, _| {});
/// assert!(results[0].outcome.is_ok());
/// assert!(results[1].outcome.as_ref().unwrap_err().to_string().contains("singular"));
/// ```
pub fn convert_all(
    st: &Safetensors,
    candidates: &[Candidate],
    source: &str,
    options: &ConvertOptions,
    done: &(dyn Fn(usize, &ChainResult) + Sync),
) -> Vec<ChainResult> {
    candidates
        .par_iter()
        .enumerate()
        .map(|(i, c)| {
            let r = convert_candidate(st, c, source, options);
            done(i, &r);
            r
        })
        .collect()
}

/// The manifest entry of one result (`docs/export.md`).
fn manifest_entry(r: &ChainResult) -> Value {
    let cand = &r.candidate;
    let shape = match cand.kind {
        SourceKind::Weight => cand.shape.clone(),
        SourceKind::NormflowsLu => cand.shape.iter().take(2).cloned().collect(),
    };
    let mut e = Map::new();
    e.insert("key".into(), json!(cand.key));
    e.insert(
        "status".into(),
        json!(if r.outcome.is_ok() { "ok" } else { "failed" }),
    );
    e.insert(
        "source".into(),
        json!({
            "kind": cand.kind.name(),
            "tensors": cand.tensors,
            "shape": shape,
            "dtype": cand.dtype,
        }),
    );
    // A malformed LU group's `P` may have no dimension at all: then 0.
    e.insert("c".into(), json!(cand.shape.first().copied().unwrap_or(0)));
    e.insert("seconds".into(), json!(format!("{:.3}", r.seconds)));
    match &r.outcome {
        Ok(chain) => {
            e.insert("prefix".into(), json!(format!("{}/", cand.key)));
            e.insert("metadata".into(), json!(chain.metadata));
        }
        Err(err) => {
            e.insert("error".into(), json!(err.to_string()));
        }
    }
    Value::Object(e)
}

/// The bytes of the converted checkpoint (format `couplings-checkpoint`
/// version 1): every converted chain's tensors under `KEY/`, and the metadata
/// `format`, `format_version`, `generator`, `source`, `num_chains`,
/// `num_failed` and `manifest` (one entry per result, in order).
///
/// # Examples
/// ```
/// use couplings::export::convert::{convert_all, scan, write_checkpoint, ConvertOptions};
/// use couplings::io::{parse_safetensors, SafetensorsWriter};
/// let mut w = SafetensorsWriter::new();
/// w.add_f32("conv.weight", &[2, 2, 1, 1], &[0.0, -1.0, 1.0, 0.0]);
/// let bytes = w.to_bytes();
/// let st = parse_safetensors(&bytes).unwrap();
/// let results = convert_all(&st, &scan(&st).candidates, "in.safetensors", &ConvertOptions::default(), &|_, _| {});
/// let out = write_checkpoint("in.safetensors", results);
/// let back = parse_safetensors(&out).unwrap();
/// assert_eq!(back.metadata["format"], "couplings-checkpoint");
/// assert_eq!(back.metadata["num_chains"], "1");
/// assert!(back.tensors.contains_key("conv.weight/layer.0.shift_f32"));
/// ```
pub fn write_checkpoint(source: &str, results: Vec<ChainResult>) -> Vec<u8> {
    let entries: Vec<Value> = results.iter().map(manifest_entry).collect();
    let ok = results.iter().filter(|r| r.outcome.is_ok()).count();
    let mut w = SafetensorsWriter::new();
    for r in results {
        if let Ok(chain) = r.outcome {
            w.append(chain.tensors);
        }
    }
    w.metadata("format", FORMAT_NAME);
    w.metadata("format_version", FORMAT_VERSION);
    w.metadata(
        "generator",
        &format!("couplings {}", env!("CARGO_PKG_VERSION")),
    );
    w.metadata("source", source);
    w.metadata("num_chains", &ok.to_string());
    w.metadata("num_failed", &(entries.len() - ok).to_string());
    w.metadata("manifest", &json!({ "chains": entries }).to_string());
    w.to_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exact_dot_is_exact() {
        let tiny = f64::from_bits(1); // 2^-1074
        assert_eq!(
            exact_dot([(tiny, 0.5), (3.0, 0.25)].into_iter()),
            Q::new(BigInt::from(3), BigInt::from(4))
                + Q::new(BigInt::one(), BigInt::one() << 1075usize)
        );
        assert_eq!(exact_dot([(-1.5, 2.0), (3.0, 1.0)].into_iter()), Q::zero());
        assert_eq!(exact_dot(std::iter::empty()), Q::zero());
        assert_eq!(
            exact_dot([(1e300, 1e300)].into_iter()),
            crate::io::f64_to_exact(1e300).unwrap().pow(2)
        );
    }

    #[test]
    fn globs() {
        assert!(glob_match("*", ""));
        assert!(glob_match("a*b*c", "a.b/xc"));
        assert!(!glob_match("a?", "a"));
        assert!(glob_match("*.weight", "x.weight"));
        assert!(!glob_match("*.weight", "x.weight2"));
    }
}
