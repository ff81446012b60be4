//! Minimal depth of padded decompositions (`docs/padding.md`): for a pad `K`
//! and each split `(p | n + K - p)`, whether `[[T], [0]]` is the first `n`
//! columns of a product of 0, 1, 2 or 3 layers, decided by
//! [`crate::construct::pad::decide`] (Lemma 3 and Theorem 4), every layer list
//! verified exactly and every failure re-checked by [`recheck_failure`], which
//! does not call the decision. Over all splits this gives the exact padded
//! depth when it is at most 3 (for `K >= n` always: 0 if `T = I`, 1 if `T` is
//! diagonal, else 3), and otherwise certified lower bounds per split, with the
//! best upper bound of `decompose --pad`.
//!
//! # Examples
//! ```
//! use couplings::depth::pad::{padded_depth, Depth};
//! use couplings::{Mode, exact::Matrix};
//! let t = Matrix::from_i64(&[&[0, 1], &[1, 0]]);
//! let report = padded_depth(&t, 2, Mode::Signed, None).unwrap();
//! assert_eq!(report.depth(), Depth::Exact(3));
//! ```

use super::recheck::check_contradiction;
use crate::construct::DecomposeError;
use crate::construct::pad::decide::{SplitResult, decide_split};
use crate::construct::pad::witness::{
    Derived, EntryWitness, LulCertificate, PadContradiction, PadFailure, RankWitness, Requirement,
    RootReason, Shape, blocks_at, evaluate_facts, minor_coefficients, minor_never_vanishes,
    propagate, swap_parts,
};
use crate::construct::pad::{MAX_PAD_FACTOR, decompose_padded};
use crate::construct::{Options, Strategy};
use crate::exact::{Matrix, Q, fmt_q, is_small_prime, qi};
use crate::layer::{Decomposition, Mode, PaddedDecomposition, Split};
use num_traits::{Signed, Zero};

/// Largest `n + K` for which every split is decided when no split is given.
pub const ALL_SPLITS_MAX_N: usize = 64;

/// The padded depth over the splits decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Depth {
    /// The exact minimal depth (at most 3).
    Exact(usize),
    /// At least this many layers on every split decided.
    AtLeast(usize),
}

/// The decision for one split and one order of the unpadded coordinates.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SplitAnswer {
    /// The split of `n + K`.
    pub split: Split,
    /// The first-part coordinates when the unpadded coordinates are reordered
    /// (a mask; `None` for the given order).
    pub mask: Option<Vec<usize>>,
    /// The answer (verified and re-checked) for `P T P^-1`.
    pub result: SplitResult,
}

/// The decision for every split asked for, and the best upper bound.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaddedDepthReport {
    /// The pad `K`.
    pub pad: usize,
    /// Signed or positive.
    pub mode: Mode,
    /// One answer per split and coordinate order.
    pub answers: Vec<SplitAnswer>,
    /// `decompose --pad` with the shallow strategy (an upper bound), when the
    /// depth is not decided to be at most 3.
    pub upper: Option<PaddedDecomposition>,
}

/// The lower and upper bound one answer gives.
fn bounds(r: &SplitResult) -> (usize, Option<usize>) {
    match r {
        SplitResult::Found { shape, .. } => (shape.layers(), Some(shape.layers())),
        SplitResult::AtLeastFour { .. } => (4, None),
        SplitResult::Undecided { shape, .. } => (shape.layers(), None),
    }
}

impl PaddedDepthReport {
    /// The exact depth when some answer reaches the minimum of the lower
    /// bounds, else the smallest lower bound.
    pub fn depth(&self) -> Depth {
        let best = self
            .answers
            .iter()
            .filter_map(|a| bounds(&a.result).1)
            .min();
        let lower = self
            .answers
            .iter()
            .map(|a| bounds(&a.result).0)
            .min()
            .unwrap_or(4);
        match best {
            Some(b) if b <= lower => Depth::Exact(b),
            _ => Depth::AtLeast(lower.min(4)),
        }
    }

    /// The report as text: one line per split (the best coordinate order),
    /// the conclusion, the upper bound.
    pub fn to_text(&self, n: usize) -> String {
        let mut out = format!(
            "padded depth: n = {n}, pad K = {}, {} mode (docs/padding.md; splits of n + K = {})\n",
            self.pad,
            self.mode.name(),
            n + self.pad
        );
        let mut splits: Vec<Split> = self.answers.iter().map(|a| a.split).collect();
        splits.dedup();
        for split in splits {
            let group: Vec<&SplitAnswer> =
                self.answers.iter().filter(|a| a.split == split).collect();
            let orders = if group.len() == 1 {
                String::new()
            } else {
                format!(", over {} coordinate orders (masks)", group.len())
            };
            let found = group
                .iter()
                .filter_map(|a| match &a.result {
                    SplitResult::Found { shape, .. } => Some((shape.layers(), *shape, &a.mask)),
                    _ => None,
                })
                .min_by_key(|(l, _, _)| *l);
            let lower = group.iter().map(|a| bounds(&a.result).0).min().unwrap_or(4);
            let line = match found {
                Some((layers, shape, mask)) => format!(
                    "{layers} {} (shape {}{}; every shorter shape refuted and re-checked{orders})",
                    if layers == 1 { "layer" } else { "layers" },
                    shape.name(),
                    mask.as_ref()
                        .map_or_else(String::new, |m| format!(", mask {m:?}"))
                ),
                None if lower >= 4 => format!("at least 4 (re-checked certificates{orders})"),
                None => {
                    let reason = group
                        .iter()
                        .find_map(|a| match &a.result {
                            SplitResult::Undecided { shape, reason, .. } => {
                                Some(format!("shape {} undecided: {reason}", shape.name()))
                            }
                            _ => None,
                        })
                        .unwrap_or_default();
                    format!("at least {lower} ({reason}{orders})")
                }
            };
            out += &format!("split ({}, {}): {line}\n", split.first, split.second);
        }
        match self.depth() {
            Depth::Exact(d) => {
                out += &format!("exact padded depth: {d} (over every split and order decided)\n");
            }
            Depth::AtLeast(d) => {
                out += &format!("padded depth: at least {d} on every split and order decided\n");
            }
        }
        if let Some(u) = &self.upper {
            out += &format!(
                "upper bound: {} layers (decompose --pad {}, split ({}, {}){})\n",
                u.len(),
                self.pad,
                u.decomposition.split.first,
                u.decomposition.split.second,
                u.mask
                    .as_ref()
                    .map_or_else(String::new, |m| format!(", mask {m:?}"))
            );
        }
        out
    }

    /// The shortest verified chain found, as a padded decomposition.
    pub fn best(&self) -> Option<PaddedDecomposition> {
        self.answers
            .iter()
            .filter_map(|a| match &a.result {
                SplitResult::Found { chain, .. } => Some(PaddedDecomposition {
                    pad: self.pad,
                    mask: a.mask.clone(),
                    decomposition: Decomposition {
                        split: a.split,
                        mode: self.mode,
                        layers: chain.clone(),
                    },
                }),
                _ => None,
            })
            .min_by_key(PaddedDecomposition::len)
    }
}

/// Largest number of coordinate orders (masks) tried per split: every choice of
/// the first-part coordinates when there are at most this many.
pub const MAX_MASKS: usize = 70;

/// The first-part coordinate sets for the split `(p | n + K - p)`, `p < n`:
/// every `p`-subset of `0..n` when there are at most [`MAX_MASKS`], else only
/// `0..p`. `None` stands for `0..p` (no reordering).
fn masks(n: usize, p: usize) -> Vec<Option<Vec<usize>>> {
    let mut out = vec![None];
    if p >= n {
        return out;
    }
    let mut count = 1usize;
    for i in 0..p {
        count = count * (n - i) / (i + 1);
    }
    if count > MAX_MASKS {
        return out;
    }
    let mut cur: Vec<usize> = (0..p).collect();
    loop {
        let Some(i) = (0..p).rev().find(|&i| cur[i] < n - p + i) else {
            return out;
        };
        cur[i] += 1;
        for j in i + 1..p {
            cur[j] = cur[j - 1] + 1;
        }
        out.push(Some(cur.clone()));
    }
}

/// The order of the unpadded coordinates for a mask.
fn order_of(n: usize, mask: &Option<Vec<usize>>) -> Vec<usize> {
    match mask {
        None => (0..n).collect(),
        Some(m) => {
            let mut o = m.clone();
            o.extend((0..n).filter(|c| !m.contains(c)));
            o
        }
    }
}

/// Decides the padded depth of `t` with `pad` zero coordinates, for the split
/// `(p | n + pad - p)` when `split` is `Some(p)`, else for every split, each
/// with every order of the unpadded coordinates (mask) up to [`MAX_MASKS`] per
/// split (for `pad >= n`, where the split `(n | pad)` already gives 3 layers,
/// the other splits are only tested for at most two layers).
///
/// # Errors
/// `Empty`, `NotSquare`, `Singular`, `UnsupportedPadding` (pad 0 or above
/// `4 n`, a split out of range, or more than 64 coordinates without a split).
pub fn padded_depth(
    t: &Matrix,
    pad: usize,
    mode: Mode,
    split: Option<usize>,
) -> Result<PaddedDepthReport, DecomposeError> {
    let n = crate::construct::require_square(t)?;
    let unsupported = |reason: String| DecomposeError::UnsupportedPadding { pad, n, reason };
    if pad == 0 || pad > n.saturating_mul(MAX_PAD_FACTOR) {
        return Err(unsupported(format!(
            "the padded depth needs 1 <= pad <= {MAX_PAD_FACTOR} n (`couplings depth` without \
             --pad decides the unpadded depth)"
        )));
    }
    let total = n + pad;
    let s = t
        .inverse()
        .map_err(|e| DecomposeError::Singular { kernel: e.kernel })?;
    let ps: Vec<usize> = match split {
        Some(p) if p == 0 || p >= total => {
            return Err(unsupported(format!(
                "the split ({p}, {}) needs two non-empty parts of n + pad = {total}",
                total.saturating_sub(p)
            )));
        }
        Some(p) => vec![p],
        None if total > ALL_SPLITS_MAX_N && pad < n => {
            return Err(unsupported(format!(
                "deciding every split is limited to n + pad <= {ALL_SPLITS_MAX_N}; give one \
                 with --split P"
            )));
        }
        None => (1..total).collect(),
    };
    let mut answers = Vec::new();
    for p in ps {
        let sp = Split::new(p, total - p);
        for mask in masks(n, p) {
            let order = order_of(n, &mask);
            let (m, sm) = match &mask {
                None => (t.clone(), s.clone()),
                Some(_) => (t.permuted(&order, &order), s.permuted(&order, &order)),
            };
            let result = if split.is_none() && pad >= n && p != n {
                short_only(&m, &sm, pad, p, mode)
            } else {
                decide_split(&m, &sm, pad, p, mode)
            };
            let result = verified(&m, pad, p, mode, result);
            answers.push(SplitAnswer {
                split: sp,
                mask,
                result,
            });
        }
    }
    let mut report = PaddedDepthReport {
        pad,
        mode,
        answers,
        upper: None,
    };
    if !matches!(report.depth(), Depth::Exact(_)) {
        let options = Options {
            mode,
            strategy: Strategy::Shallow,
            ..Options::default()
        };
        report.upper = decompose_padded(t, pad, &options).ok();
    }
    Ok(report)
}

/// For `pad >= n` and a split other than `(n | pad)`: only the shapes of at
/// most two layers matter (three layers exist on `(n | pad)`), so a three-layer
/// answer is reported as "at least 3".
fn short_only(t: &Matrix, s: &Matrix, pad: usize, p: usize, mode: Mode) -> SplitResult {
    match decide_split(t, s, pad, p, mode) {
        SplitResult::Found {
            shape,
            chain,
            shorter,
        } if shape.layers() <= 2 => SplitResult::Found {
            shape,
            chain,
            shorter,
        },
        SplitResult::Found { shape, shorter, .. } => SplitResult::Undecided {
            shape,
            reason: "not needed: three layers on the split (n | K)".into(),
            failures: shorter,
        },
        other => other,
    }
}

/// Verifies a decision: the chain exactly, every failure by the re-checker;
/// a claim that does not verify becomes `Undecided` (never expected).
fn verified(t: &Matrix, pad: usize, p: usize, mode: Mode, r: SplitResult) -> SplitResult {
    let n = t.rows();
    let split = Split::new(p, n + pad - p);
    let recheck_all = |fs: &[(Shape, PadFailure)]| -> Result<(), String> {
        for (shape, f) in fs {
            recheck_failure(t, pad, p, mode, *shape, f).map_err(|e| {
                format!(
                    "internal: the {} witness did not re-check: {e}",
                    shape.name()
                )
            })?;
        }
        Ok(())
    };
    match r {
        SplitResult::Found {
            shape,
            chain,
            shorter,
        } => {
            let padded = PaddedDecomposition {
                pad,
                mask: None,
                decomposition: Decomposition {
                    split,
                    mode,
                    layers: chain.clone(),
                },
            };
            let mut want = Matrix::zeros(n + pad, n);
            for i in 0..n {
                for j in 0..n {
                    want.set(i, j, t.get(i, j).clone());
                }
            }
            let ok = chain.len() <= shape.layers()
                && chain.iter().all(|l| l.validate(split, mode).is_ok())
                && padded.first_columns() == want;
            if !ok {
                return SplitResult::Undecided {
                    shape,
                    reason: format!("internal: the {} chain did not verify", shape.name()),
                    failures: shorter,
                };
            }
            match recheck_all(&shorter) {
                Ok(()) => SplitResult::Found {
                    shape,
                    chain,
                    shorter,
                },
                Err(reason) => SplitResult::Undecided {
                    shape,
                    reason,
                    failures: shorter,
                },
            }
        }
        SplitResult::AtLeastFour { failures } => match recheck_all(&failures) {
            Ok(()) => SplitResult::AtLeastFour { failures },
            Err(reason) => SplitResult::Undecided {
                shape: Shape::Identity,
                reason,
                failures,
            },
        },
        undecided => undecided,
    }
}

/// Re-checks, from `t` alone, that `failure` proves `shape` impossible for the
/// split `(p | n + pad - p)` in `mode`. Uses exact products, determinants and
/// polynomial arithmetic only; every inverse and kernel vector is verified by
/// multiplication.
///
/// # Errors
/// Why the witness does not prove the claim.
pub fn recheck_failure(
    t: &Matrix,
    pad: usize,
    p: usize,
    mode: Mode,
    shape: Shape,
    failure: &PadFailure,
) -> Result<(), String> {
    let n = t.rows();
    if !t.is_square() || p == 0 || p >= n + pad {
        return Err("the split does not fit the target".into());
    }
    let positive = mode == Mode::Positive;
    match failure {
        PadFailure::Entry(w) => recheck_entry(t, p, positive, shape, w),
        PadFailure::Minor { rows, cols } => {
            let q = n + pad - p;
            if p < n || shape != Shape::Lul {
                return Err("a minor of T - E refutes only L U L on a split p >= n".into());
            }
            let distinct = |v: &[usize]| (1..v.len()).all(|i| !v[..i].contains(&v[i]));
            if rows.len() != q + 1
                || cols.len() != q + 1
                || rows.iter().chain(cols).any(|&i| i >= n)
                || !distinct(rows)
                || !distinct(cols)
            {
                return Err("the minor is not (q+1) x (q+1) within T".into());
            }
            let Some((_, coefficients)) = minor_coefficients(t, rows, cols) else {
                return Err("the minor has more than 12 diagonal entries".into());
            };
            if !minor_never_vanishes(&coefficients, positive) {
                return Err(format!(
                    "the minor, a polynomial in E, may vanish for an admissible E ({} mode)",
                    mode.name()
                ));
            }
            Ok(())
        }
        PadFailure::Lul(cert) => {
            if p >= n || !matches!(shape, Shape::Ulu | Shape::Lul) {
                return Err(
                    "an L U L certificate refutes only U L U or L U L on a split p < n".into(),
                );
            }
            // U L U is the unpadded L U L of the swapped parts (K = 0).
            let (m, cut, k) = if shape == Shape::Ulu {
                (swap_parts(t, p), n - p, 0)
            } else {
                (t.clone(), p, pad)
            };
            recheck_lul(&m, cut, k, positive, cert)
        }
    }
}

/// Whether the requirement on the block entry is a necessary condition of the
/// shape (blocks of the split `(p | n - p)`; for `p >= n` the whole `T`).
fn recheck_entry(
    t: &Matrix,
    p: usize,
    positive: bool,
    shape: Shape,
    w: &EntryWitness,
) -> Result<(), String> {
    use Requirement::*;
    let n = t.rows();
    let diag = w.row == w.col;
    let nz = if positive { Positive } else { Nonzero };
    let ok = if p >= n {
        w.matrix == Derived::Whole
            && match shape {
                Shape::Identity | Shape::Lower => w.requirement == if diag { One } else { Zero },
                Shape::Upper | Shape::UpperLower | Shape::LowerUpper | Shape::Ulu => {
                    w.requirement == if diag { nz } else { Zero }
                }
                Shape::Lul => false,
            }
    } else {
        match (shape.base(), w.matrix) {
            (Shape::Identity, Derived::Whole) => w.requirement == if diag { One } else { Zero },
            (Shape::Upper, Derived::T21) => w.requirement == Zero,
            (Shape::Upper, Derived::T22) => w.requirement == if diag { One } else { Zero },
            (Shape::Upper, Derived::T11) | (Shape::UpperLower, Derived::T22 | Derived::Schur) => {
                w.requirement == if diag { nz } else { Zero }
            }
            _ => false,
        }
    };
    if !ok {
        return Err(format!(
            "{:?} of {:?} at ({}, {}) is not a necessary condition of {}",
            w.requirement,
            w.matrix,
            w.row,
            w.col,
            shape.name()
        ));
    }
    let (m, cut) = if p < n && shape.swapped() {
        (swap_parts(t, p), n - p)
    } else {
        (t.clone(), p.min(n))
    };
    let block = if w.matrix == Derived::Whole {
        t.clone()
    } else {
        let (t11, t12, t21, t22) = blocks_at(&m, cut);
        match w.matrix {
            Derived::T11 => t11,
            Derived::T12 => t12,
            Derived::T21 => t21,
            Derived::T22 => t22,
            Derived::Schur => {
                if !t22.is_diagonal() || t22.diagonal().iter().any(num_traits::Zero::is_zero) {
                    return Err("the Schur witness needs T22 diagonal and invertible".into());
                }
                let inv: Vec<Q> = t22.diagonal().iter().map(Q::recip).collect();
                &t11 - &(&t12.scale_cols(&inv) * &t21)
            }
            Derived::Whole => unreachable!("handled above"),
        }
    };
    if w.row >= block.rows() || w.col >= block.cols() {
        return Err("entry out of range".into());
    }
    let v = block.get(w.row, w.col);
    if *v != w.value {
        return Err(format!(
            "the entry is {}, not {}",
            fmt_q(v),
            fmt_q(&w.value)
        ));
    }
    if !w.requirement.violated_by(v) {
        return Err("the entry satisfies the requirement".into());
    }
    Ok(())
}

/// Re-checks a padded `L U L` certificate for `m` cut at `p` with `k` padded
/// coordinates.
fn recheck_lul(
    m: &Matrix,
    p: usize,
    k: usize,
    positive: bool,
    cert: &LulCertificate,
) -> Result<(), String> {
    let n = m.rows();
    let a = n - p;
    let s = &cert.inverse;
    if s.rows() != n || s.cols() != n || !(m * s).is_identity() {
        return Err("the certificate's inverse is not T^-1".into());
    }
    let eqs = evaluate_facts(m, s, p, &cert.facts)?;
    match &cert.contradiction {
        PadContradiction::Monomial(c) => check_contradiction(&eqs, c, positive),
        PadContradiction::Rank(w) => recheck_rank(m, p, a, k, positive, &eqs, w),
    }
}

fn recheck_rank(
    m: &Matrix,
    p: usize,
    a: usize,
    k: usize,
    positive: bool,
    eqs: &[crate::construct::pad::witness::MonoEq],
    w: &RankWitness,
) -> Result<(), String> {
    let (t11, t12, _, _) = blocks_at(m, p);
    if w.c.cols() != p || !(&w.c * &t12).is_zero() {
        return Err("C T12 != 0".into());
    }
    let (e_vals, w_vals) = propagate(eqs, p, a, w.root);
    let mut e = Vec::with_capacity(p);
    for (i, v) in e_vals.iter().enumerate() {
        match v {
            Some(v) if v.exp == 0 || v.exp == 1 => e.push(v.clone()),
            _ => return Err(format!("E_{i} is not determined by the facts")),
        }
    }
    let size = w.rows.len();
    let in_range = |v: &[usize], bound: usize| {
        v.iter().all(|&i| i < bound) && (1..v.len()).all(|i| !v[..i].contains(&v[i]))
    };
    if size <= k || w.cols.len() != size || !in_range(&w.rows, w.c.rows()) || !in_range(&w.cols, p)
    {
        return Err("the minor is not of size > K within C (T11 - E)".into());
    }
    let pencil = |x: &Q| {
        let d: Vec<Q> = e.iter().map(|v| v.at(x)).collect();
        &w.c * &(&t11 - &Matrix::from_diagonal(&d))
    };
    let minor_at = |x: &Q, rows: &[usize], cols: &[usize]| pencil(x).permuted(rows, cols).det();
    let Some(_) = w.root else {
        // Every E_i pinned: the minor itself is nonzero.
        if minor_at(&qi(1), &w.rows, &w.cols).is_zero() {
            return Err("the minor vanishes".into());
        }
        return Ok(());
    };
    if w.poly.degree().is_some_and(|d| d > size) {
        return Err("the polynomial's degree exceeds the minor's size".into());
    }
    for i in 0..=size {
        let x = qi(i as i64);
        if minor_at(&x, &w.rows, &w.cols) != w.poly.eval(&x) {
            return Err(format!("the polynomial differs from the minor at mu = {i}"));
        }
    }
    let mut h = w.poly.clone();
    for r in &w.roots {
        for _ in 0..r.multiplicity {
            let (quotient, rest) = h.div_linear(&r.value);
            if !rest.is_zero() {
                return Err(format!(
                    "{} is not a root of that multiplicity",
                    fmt_q(&r.value)
                ));
            }
            h = quotient;
        }
        let admissible = !r.value.is_zero()
            && (!positive
                || e_vals
                    .iter()
                    .chain(&w_vals)
                    .flatten()
                    .all(|v| v.exp == 0 || v.at(&r.value).is_positive()));
        match &r.reason {
            RootReason::Inadmissible => {
                if admissible {
                    return Err(format!("the root {} is admissible", fmt_q(&r.value)));
                }
            }
            RootReason::Minor { rows, cols } => {
                if rows.len() != k + 1
                    || cols.len() != k + 1
                    || !in_range(rows, w.c.rows())
                    || !in_range(cols, p)
                    || minor_at(&r.value, rows, cols).is_zero()
                {
                    return Err(format!(
                        "no nonzero (K+1)-minor at the root {}",
                        fmt_q(&r.value)
                    ));
                }
            }
        }
    }
    if h.is_zero() {
        return Err("the polynomial is zero".into());
    }
    if h.degree() != Some(0) {
        if w.prime > 1_000_000 || !is_small_prime(w.prime) {
            return Err("the modulus is not a small prime".into());
        }
        if h.roots_mod(w.prime) != Some(Vec::new()) {
            return Err("the cofactor has a root modulo the prime (or the prime divides its leading coefficient)".into());
        }
    }
    Ok(())
}
