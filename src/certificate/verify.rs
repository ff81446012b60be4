//! Verifying certificates: the target hash, every hint and the final product,
//! all decided by the independent checker [`crate::check::check`].

use super::{
    Certificate, CertificateError, Locations, abbreviate, malformed, parse_located, rejected,
    target_hash,
};
use crate::check::{BoundError, CheckError, Failed, check_with_checkpoints, check_within};
use crate::exact::{Matrix, Q, fmt_q};
use crate::layer::{Decomposition, Mode, Split};

/// What a successful [`verify`] established.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verified {
    /// Number of layers.
    pub layers: usize,
    /// Dimension.
    pub n: usize,
    /// The split.
    pub split: Split,
    /// The mode.
    pub mode: Mode,
    /// Number of hints verified.
    pub hints: usize,
    /// SHA-256 of the canonical target text (matches the certificate's).
    pub target_sha256: String,
    /// Version 2: the verified bound `r` (`||P - T||_F <= r ||T||_F`).
    pub bound: Option<Q>,
    /// Version 2: `||P - T||_F^2 / ||T||_F^2`, exactly.
    pub rel_error_sq: Option<Q>,
}

/// Parses and verifies a certificate: structure ([`parse`](super::parse)), the target hash,
/// every hint and the product, decided by the independent checker
/// ([`crate::check::check_with_checkpoints`]: the layers are multiplied once and
/// the running product is compared with each hint when it gets there); for a
/// version-2 certificate the hints the same way on the prefix they cover, then
/// `check_within(target, layers, bound)`.
///
/// # Errors
/// A [`CertificateError`] naming the line: [`ErrorKind::Malformed`](super::ErrorKind::Malformed) for text
/// that is not a certificate, [`ErrorKind::Rejected`](super::ErrorKind::Rejected) for a false claim.
pub fn verify_text(text: &str) -> Result<Verified, CertificateError> {
    let (cert, loc) = parse_located(text)?;
    let actual = target_hash(&cert.target);
    if loc.declared_hash != actual {
        return Err(rejected(
            loc.hash,
            format!(
                "the target's SHA-256 is {actual}, not the one given here; the target \
                 (lines {}-{}) or its hash was changed",
                loc.target_rows.first().copied().unwrap_or(0),
                loc.target_rows.last().copied().unwrap_or(0)
            ),
        ));
    }
    verify(&cert, &loc)
}

/// Verifies a parsed certificate (hints, then the product) with the independent
/// checker; `loc` gives the lines for messages (use [`Locations::default`] for
/// a certificate built in memory: lines are then reported as 0). The target hash
/// is not involved here (see [`verify_text`]).
///
/// # Errors
/// A [`CertificateError`] of kind [`ErrorKind::Rejected`](super::ErrorKind::Rejected) (or `Malformed` for a
/// shape defect in a certificate built in memory).
pub fn verify(cert: &Certificate, loc: &Locations) -> Result<Verified, CertificateError> {
    let dec = &cert.decomposition;
    let line_of = |v: &[usize], i: usize| v.get(i).copied().unwrap_or(0);
    let mut previous = 0;
    for (h, hint) in cert.hints.iter().enumerate() {
        let (hint_line, _) = loc.hints.get(h).cloned().unwrap_or_default();
        if hint.after == 0 || hint.after > dec.layers.len() || hint.after <= previous {
            return Err(malformed(
                hint_line,
                format!(
                    "hint {} names more layers than there are, or is out of order",
                    hint.after
                ),
            ));
        }
        previous = hint.after;
    }
    // One pass over the layers, comparing at every hint (linear in the hints).
    let checkpoints: Vec<(usize, &Matrix)> =
        cert.hints.iter().map(|h| (h.after, &h.product)).collect();
    // What is verified, given the checker's layer count and dimension.
    let verified = |layers: usize, n: usize, bound: Option<Q>, rel_error_sq: Option<Q>| Verified {
        layers,
        n,
        split: dec.split,
        mode: dec.mode,
        hints: cert.hints.len(),
        target_sha256: target_hash(&cert.target),
        bound,
        rel_error_sq,
    };
    let Some(bound) = &cert.bound else {
        return match check_with_checkpoints(&cert.target, dec, &checkpoints) {
            Ok(report) => Ok(verified(report.layers, report.n, None, None)),
            Err((Failed::Checkpoint(h), e)) => Err(hint_error(cert, loc, h, e)),
            Err((
                Failed::Target,
                CheckError::Mismatch {
                    row,
                    col,
                    product,
                    target,
                },
            )) => Err(rejected(
                line_of(&loc.target_rows, row),
                format!(
                    "target row {row}, column {col} is {}, but the layers multiply to {} there; \
                     the layers do not represent the target",
                    abbreviate(&fmt_q(&target)),
                    abbreviate(&fmt_q(&product))
                ),
            )),
            Err((Failed::Target, other)) => Err(located(other, loc, 0)),
        };
    };
    // A bound (version 2): the hints in one pass over the prefix they cover
    // (the last hint is that prefix's target), then the bound.
    if let Some((&(after, last), rest)) = checkpoints.split_last() {
        let prefix = Decomposition {
            split: dec.split,
            mode: dec.mode,
            layers: dec.layers[..after].to_vec(),
        };
        match check_with_checkpoints(last, &prefix, rest) {
            Ok(_) => {}
            Err((Failed::Checkpoint(h), e)) => return Err(hint_error(cert, loc, h, e)),
            Err((Failed::Target, e)) => return Err(hint_error(cert, loc, rest.len(), e)),
        }
    }
    match check_within(&cert.target, dec, bound) {
        Ok(report) => Ok(verified(
            report.layers,
            report.n,
            Some(report.bound),
            Some(report.rel_error_sq),
        )),
        Err(BoundError::Structure(e)) => Err(located(e, loc, 0)),
        Err(e @ BoundError::Exceeded { .. }) => Err(rejected(loc.bound, e.to_string())),
        Err(e @ BoundError::NotDyadic { layer, .. }) => Err(malformed(
            loc.layers.get(layer).copied().unwrap_or(0),
            e.to_string(),
        )),
        Err(e) => Err(rejected(loc.bound, e.to_string())),
    }
}

/// The error for hint `h` when the checker found `e` there.
fn hint_error(cert: &Certificate, loc: &Locations, h: usize, e: CheckError) -> CertificateError {
    let line_of = |v: &[usize], i: usize| v.get(i).copied().unwrap_or(0);
    let hint = &cert.hints[h];
    let (hint_line, rows) = loc.hints.get(h).cloned().unwrap_or_default();
    match e {
        CheckError::Mismatch {
            row,
            col,
            product,
            target,
        } => rejected(
            line_of(&rows, row),
            format!(
                "hint {} (line {hint_line}) lies: at row {row}, column {col} it says {}, \
                 but the first {} layers multiply to {} there (hints are verified, never trusted)",
                hint.after,
                abbreviate(&fmt_q(&target)),
                hint.after,
                abbreviate(&fmt_q(&product))
            ),
        ),
        other => located(other, loc, hint_line),
    }
}

/// A checker error other than a mismatch, placed at the layer it is about.
fn located(e: CheckError, loc: &Locations, fallback: usize) -> CertificateError {
    let line_of = |v: &[usize], i: usize| v.get(i).copied().unwrap_or(fallback);
    match &e {
        CheckError::LayerShape { layer, .. } => {
            malformed(line_of(&loc.layers, *layer), e.to_string())
        }
        CheckError::ZeroScale { layer, .. } | CheckError::NonPositiveScale { layer, .. } => {
            rejected(line_of(&loc.scales, *layer), e.to_string())
        }
        _ => malformed(fallback, e.to_string()),
    }
}
