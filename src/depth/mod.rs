//! Minimal depth: whether an invertible matrix (half/half split, even `n`) is
//! a product of 0, 1, 2 or 3 coupling layers (either starting type), in signed
//! or positive mode, and otherwise a certificate that it needs at least 4,
//! re-checkable by [`recheck::recheck`] (which does not call the decision). The
//! decision itself is [`crate::construct::short::decide`] (it shares the
//! closed forms with the shallow strategy); this module validates the input,
//! verifies what the decision claims, re-checks its witnesses, adds the upper
//! bound from `decompose`, and writes the report (`text`). The proof is in
//! `docs/lower-bounds.md`; the block identities are in `proofs/depth.proof`.
//!
//! Padded depth (`--pad K`, `docs/padding.md`) is [`pad`]: the same questions
//! for the padded map `[x; 0] -> [T x; 0]`, split by split.
//!
//! Every positive answer comes with a decomposition whose product is verified
//! exactly; every negative answer comes with a certificate that the procedure
//! re-checks with [`recheck::recheck`] before returning it. If either
//! verification fails (never expected) the answer is [`Outcome::Unknown`].
//!
//! # Examples
//! ```
//! use couplings::depth::{minimal_depth, Outcome};
//! use couplings::{Mode, exact::Matrix};
//! let rot = Matrix::from_i64(&[&[0, 0, -1, 0], &[0, 0, 0, -1], &[1, 0, 0, 0], &[0, 1, 0, 0]]);
//! let report = minimal_depth(&rot, Mode::Signed).unwrap();
//! assert!(matches!(report.outcome, Outcome::Exact { layers: 3, .. }));
//! let hard = Matrix::from_i64(&[&[0, 0, 1, 1], &[0, 0, 0, 1], &[1, 0, 0, 0], &[0, 1, 0, 0]]);
//! let report = minimal_depth(&hard, Mode::Signed).unwrap();
//! let Outcome::AtLeastFour { certificate } = &report.outcome else { panic!() };
//! assert!(couplings::depth::recheck::recheck(&hard, certificate).is_ok());
//! ```

pub mod pad;
pub mod recheck;
mod text;

/// The decision's small exact helpers, now [`crate::construct::short::linalg`] (this path is kept).
pub use crate::construct::short::linalg;

use crate::construct::short::ulul::{FourDecision, decide_four};
use crate::construct::short::{self, Decision};
use crate::construct::{DecomposeError, Options, Strategy, decompose_with};
use crate::exact::Matrix;
use crate::layer::{Decomposition, Mode, Split};
use recheck::{Certificate, FiveWitness, Shape, ShapeFailure};

/// The answer of the decision procedure.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// The minimal number of layers is `layers` (0 to 3), realised by `decomposition`.
    Exact {
        /// The minimal depth.
        layers: usize,
        /// Which shape realises it.
        shape: Shape,
        /// A decomposition of that length (verified exactly).
        decomposition: Decomposition,
        /// Why no shorter shape works: a re-checked failure for every shape
        /// with fewer layers (see [`recheck::recheck_below`]).
        shorter: Vec<(Shape, ShapeFailure)>,
    },
    /// No product of at most three layers equals the target.
    AtLeastFour {
        /// One re-checkable failure per shape.
        certificate: Certificate,
    },
    /// Not decided (an internal verification failed; never expected).
    Unknown {
        /// Why.
        reason: String,
    },
}

/// Beyond three layers: whether four layers suffice, decided where the method
/// can (`docs/lower-bounds.md`, section 8): a four-layer product (verified
/// exactly), a re-checked witness of at least five, or undecided with the reason.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Beyond {
    /// Four layers (product verified exactly): the minimal depth is 4.
    Four(Decomposition),
    /// Not a product of four layers (the witness re-checked by
    /// [`recheck::recheck_five`]): the minimal depth is at least 5.
    AtLeastFive(FiveWitness),
    /// Not decided (why): the minimal depth is at least 4.
    Undecided(String),
}

/// The decision together with the best upper bound `decompose` finds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DepthReport {
    /// The mode decided.
    pub mode: Mode,
    /// The decision for 0 to 3 layers.
    pub outcome: Outcome,
    /// The decomposition `decompose` returns (an upper bound), if any.
    pub upper: Option<Decomposition>,
    /// When the outcome is [`Outcome::AtLeastFour`]: the four-layer answer.
    pub beyond: Option<Beyond>,
}

impl DepthReport {
    /// The best known upper bound on the depth.
    pub fn upper_bound(&self) -> Option<usize> {
        match (&self.outcome, &self.beyond) {
            (Outcome::Exact { layers, .. }, _) => Some(*layers),
            (_, Some(Beyond::Four(_))) => Some(4),
            _ => self.upper.as_ref().map(Decomposition::len),
        }
    }

    /// The proven lower bound on the depth (`None` when undecided).
    pub fn lower_bound(&self) -> Option<usize> {
        match (&self.outcome, &self.beyond) {
            (Outcome::Exact { layers, .. }, _) => Some(*layers),
            (Outcome::AtLeastFour { .. }, Some(Beyond::AtLeastFive(_))) => Some(5),
            (Outcome::AtLeastFour { .. }, _) => Some(4),
            (Outcome::Unknown { .. }, _) => None,
        }
    }
}

/// Decides four layers for `t` already certified to need at least four
/// (`cert`): verifies a found product exactly and re-checks a witness of at
/// least five; a failed verification (never expected) is reported as undecided.
fn beyond_three(t: &Matrix, mode: Mode) -> Beyond {
    let Ok(t_inv) = t.inverse() else {
        return Beyond::Undecided("internal: the target is singular".into());
    };
    let split = Split::halves(t.rows());
    match decide_four(t, &t_inv, mode) {
        FourDecision::Found(layers) => {
            let decomposition = Decomposition {
                split,
                mode,
                layers,
            }
            .normalized();
            let valid = decomposition.product() == *t
                && decomposition.len() <= 4
                && decomposition
                    .layers
                    .iter()
                    .all(|l| l.validate(split, mode).is_ok());
            if valid {
                Beyond::Four(decomposition)
            } else {
                Beyond::Undecided("internal: the four-layer construction did not verify".into())
            }
        }
        FourDecision::NotFour(w) => match recheck::recheck_five(t, mode, &w) {
            Ok(()) => Beyond::AtLeastFive(w),
            Err(e) => Beyond::Undecided(format!(
                "internal: the at-least-5 witness did not re-check: {e}"
            )),
        },
        FourDecision::Undecided(reason) => Beyond::Undecided(reason),
    }
}

/// Decides the depth (0..=3 or at least 4) and adds the upper bound from
/// `decompose`.
///
/// # Errors
/// `Empty`, `NotSquare`, `UnsupportedSplit` (odd `n`), `Singular`.
pub fn minimal_depth(t: &Matrix, mode: Mode) -> Result<DepthReport, DecomposeError> {
    let outcome = decide(t, mode)?;
    let beyond = match &outcome {
        Outcome::AtLeastFour { .. } => Some(beyond_three(t, mode)),
        _ => None,
    };
    let upper = match &outcome {
        Outcome::Exact { .. } => None,
        _ => decompose_with(
            t,
            &Options {
                mode,
                // Fewest layers: the best upper bound on the depth.
                strategy: Strategy::Shallow,
                ..Options::default()
            },
        )
        .ok(),
    };
    Ok(DepthReport {
        mode,
        outcome,
        upper,
        beyond,
    })
}

/// Decides whether `t` is a product of at most three layers.
///
/// # Errors
/// `Empty`, `NotSquare`, `UnsupportedSplit` (odd `n`), `Singular`.
pub fn decide(t: &Matrix, mode: Mode) -> Result<Outcome, DecomposeError> {
    crate::construct::validate(t)?;
    let n = t.rows();
    if n % 2 == 1 {
        return Err(DecomposeError::UnsupportedSplit {
            n,
            reason: format!(
                "the exact depth decision covers only the equal split (p, p) of an even n; \
                 n = {n} has no equal split (`couplings decompose --split P` handles any split)"
            ),
        });
    }
    if let Err(s) = t.inverse() {
        return Err(DecomposeError::Singular { kernel: s.kernel });
    }
    let det = (mode == Mode::Positive).then(|| t.det());
    let split = Split::halves(n);
    match short::decide(t, mode, det.as_ref()) {
        Decision::Found {
            shape,
            layers,
            shorter,
        } => {
            let decomposition = Decomposition {
                split,
                mode,
                layers,
            };
            let valid = decomposition.product() == *t
                && decomposition
                    .layers
                    .iter()
                    .all(|l| l.validate(split, mode).is_ok())
                && decomposition.len() == shape.layers();
            if !valid {
                return Ok(Outcome::Unknown {
                    reason: format!("internal: the {} construction did not verify", shape.name()),
                });
            }
            let shorter: Vec<(Shape, ShapeFailure)> = shorter
                .into_iter()
                .filter(|(s, _)| s.layers() < shape.layers())
                .collect();
            if let Err(e) = recheck::recheck_below(t, mode, shape.layers(), &shorter) {
                return Ok(Outcome::Unknown {
                    reason: format!("internal: a shorter-shape witness did not re-check: {e}"),
                });
            }
            Ok(Outcome::Exact {
                layers: shape.layers(),
                shape,
                decomposition,
                shorter,
            })
        }
        Decision::AtLeastFour { failures } => {
            let certificate = Certificate { mode, failures };
            if let Err(e) = recheck::recheck(t, &certificate) {
                return Ok(Outcome::Unknown {
                    reason: format!("internal: the lower-bound certificate did not re-check: {e}"),
                });
            }
            Ok(Outcome::AtLeastFour { certificate })
        }
        Decision::Internal(reason) => Ok(Outcome::Unknown {
            reason: format!("internal: {reason}"),
        }),
    }
}
