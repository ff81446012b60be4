//! Certificates: a versioned, line-oriented text format that carries a target
//! matrix, a decomposition of it into coupling layers and optional *hints*
//! (intermediate products), and the verifier that re-checks one from scratch.
//!
//! The format is specified in `docs/certificate.md`; in short:
//!
//! ```text
//! couplings-certificate 1
//! n 2
//! split 1 1
//! mode signed
//! target-sha256 <64 hex digits: SHA-256 of the canonical target text>
//! target
//! 0 -1
//! 1 0
//! layers 3
//! layer 0 upper
//! scale 1
//! shift 1 1
//! -1
//! layer 1 lower
//! ...
//! hint 1            # optional: the product of the first 1 layers
//! 1 -1
//! 0 1
//! end
//! ```
//!
//! Rooms: [`format`](to_text) writes, `parse` reads (structure only), `verify`
//! decides (hash, hints, product), `sha256` hashes, `fuzz` holds the fuzzing
//! properties used by `fuzz/` and the in-repo fuzz loop.
//!
//! # Trust
//!
//! [`parse`] only reads the text (it calls no construction code and no matrix
//! kernels). [`verify`] decides with [`crate::check::check`], the independent
//! checker: the final verdict is `check(target, layers)`. Hints are *verified*
//! (the checker multiplies the layers once and compares its running product
//! with each hint when it has applied that many layers,
//! [`crate::check::check_with_checkpoints`]) and a lying hint is rejected with
//! its line, but the verdict never depends on trusting a hint.
//!
//! # Errors
//!
//! Every error names the 1-based line it is about ([`CertificateError::line`]);
//! for a truncated certificate that is the line just past the end. Errors are
//! either [`ErrorKind::Malformed`] (the text is not a well-formed certificate)
//! or [`ErrorKind::Rejected`] (well formed, but a claim in it is false: zero or
//! non-positive scale, hash, hint or product mismatch).
//!
//! # Examples
//! ```
//! use couplings::certificate::{Certificate, parse, to_text, verify_text};
//! use couplings::{decompose, exact::Matrix};
//! let t = Matrix::from_i64(&[&[0, -1], &[1, 0]]);
//! let cert = Certificate::with_all_hints(t.clone(), decompose(&t).unwrap());
//! let text = to_text(&cert);
//! assert_eq!(parse(&text).unwrap(), cert);
//! let report = verify_text(&text).unwrap();
//! assert_eq!(report.layers, 3);
//! // Tampering with an entry of the target is caught, with its line.
//! let bad = text.replace("\ntarget\n0 -1\n", "\ntarget\n0 -2\n");
//! let err = verify_text(&bad).unwrap_err();
//! assert!(err.to_string().starts_with("line 7:"), "{err}");
//! ```

mod format;
mod fuzz;
mod parse;
mod sha256;
mod verify;

pub use format::{canonical_text, target_hash, to_text};
#[doc(hidden)]
pub use fuzz::{fuzz_certificate, fuzz_json, fuzz_matrix, fuzz_tensor};
pub use parse::{Locations, parse, parse_located};
pub use sha256::{hex, sha256};
pub use verify::{Verified, verify, verify_text};

use crate::exact::{Matrix, Q};
use crate::layer::Decomposition;

/// The certificate format version of exact certificates (written for every
/// certificate without a bound, byte for byte as before).
pub const VERSION: u32 = 1;

/// The version of certificates with a `bound` section (approximate
/// decompositions: `||P - T||_F <= r ||T||_F`, verified exactly). Readers of
/// version 1 refuse them; this module reads both.
pub const VERSION_BOUND: u32 = 2;

/// The first word of every certificate.
pub const MAGIC: &str = "couplings-certificate";

/// An intermediate product: the product `M_k ... M_1` of the first `after`
/// layers (application order). A checker verifies it but does not trust it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hint {
    /// Number of layers multiplied (`1 ..= K`).
    pub after: usize,
    /// The claimed product of the first `after` layers.
    pub product: Matrix,
}

/// A target matrix, a decomposition of it and optional hints; with a bound,
/// the claim is approximate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Certificate {
    /// The matrix the layers are claimed to multiply to (exactly, or within
    /// the bound).
    pub target: Matrix,
    /// Split, mode and layers (application order).
    pub decomposition: Decomposition,
    /// Intermediate products, with strictly increasing `after`.
    pub hints: Vec<Hint>,
    /// `None`: the layers multiply to the target exactly (version 1).
    /// `Some(r)`: their product `P` satisfies `||P - T||_F <= r ||T||_F`
    /// (version 2, verified by [`crate::check::check_within`]).
    pub bound: Option<Q>,
}

impl Certificate {
    /// A certificate without hints.
    pub fn new(target: Matrix, decomposition: Decomposition) -> Certificate {
        Certificate {
            target,
            decomposition,
            hints: Vec::new(),
            bound: None,
        }
    }

    /// A certificate of an approximate decomposition: the product `P` of the
    /// layers satisfies `||P - T||_F <= bound ||T||_F` (no hints; version 2).
    ///
    /// # Examples
    /// ```
    /// use couplings::certificate::{Certificate, to_text, verify_text};
    /// use couplings::exact::{Matrix, q, qi};
    /// use couplings::{Decomposition, Layer, Mode, Split};
    /// let l = Layer::lower(Matrix::from_rows(vec![vec![q(1, 1024)]]).unwrap(), vec![qi(1)]);
    /// let dec = Decomposition { split: Split::new(1, 1), mode: Mode::Positive, layers: vec![l] };
    /// let text = to_text(&Certificate::within(Matrix::identity(2), dec, q(1, 1000)));
    /// assert!(text.starts_with("couplings-certificate 2\n"));
    /// assert!(text.contains("\nbound 1/1000\n"));
    /// assert_eq!(verify_text(&text).unwrap().bound, Some(q(1, 1000)));
    /// ```
    pub fn within(target: Matrix, decomposition: Decomposition, bound: Q) -> Certificate {
        Certificate {
            target,
            decomposition,
            hints: Vec::new(),
            bound: Some(bound),
        }
    }

    /// A certificate with a hint after every layer but the last (the product of
    /// all layers is the target itself). The hints are computed here with
    /// [`Layer::apply_matrix`](crate::layer::Layer::apply_matrix); being hints, they need not be trusted.
    pub fn with_all_hints(target: Matrix, decomposition: Decomposition) -> Certificate {
        let k = decomposition.layers.len();
        let mut hints = Vec::new();
        let mut p = Matrix::identity(decomposition.split.n());
        for (i, l) in decomposition.layers.iter().enumerate() {
            p = l.apply_matrix(&p);
            if i + 1 < k {
                hints.push(Hint {
                    after: i + 1,
                    product: p.clone(),
                });
            }
        }
        Certificate {
            target,
            decomposition,
            hints,
            bound: None,
        }
    }
}

/// Whether an error means the text is not a certificate or that a claim is false.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// Syntax, version, missing, duplicate or out-of-order sections, wrong
    /// dimensions or shapes, truncation.
    Malformed,
    /// Well formed, but false: a zero (or, in positive mode, negative) scale, a
    /// target hash that does not match, a hint that lies, layers whose product
    /// differs from the target, or (version 2) a bound that does not hold.
    Rejected,
}

/// Why a certificate was not accepted, with the 1-based line it is about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CertificateError {
    /// 1-based line number (one past the last line for a truncated certificate).
    pub line: usize,
    /// Malformed or rejected.
    pub kind: ErrorKind,
    /// What is wrong, for a person.
    pub message: String,
}

impl std::fmt::Display for CertificateError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "line {}: {}", self.line, self.message)
    }
}

impl std::error::Error for CertificateError {}

pub(crate) fn malformed(line: usize, message: impl Into<String>) -> CertificateError {
    CertificateError {
        line,
        kind: ErrorKind::Malformed,
        message: message.into(),
    }
}

pub(crate) fn rejected(line: usize, message: impl Into<String>) -> CertificateError {
    CertificateError {
        line,
        kind: ErrorKind::Rejected,
        message: message.into(),
    }
}

/// `s` as shown in messages: invisible characters escaped, cut when long
/// ([`crate::untrusted::show`]).
pub(crate) fn abbreviate(s: &str) -> String {
    crate::untrusted::show(s)
}
