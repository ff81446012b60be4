//! Four layers, decided where the method can (`docs/lower-bounds.md`,
//! section 8): the constructions of [`crate::construct::four`] (with a larger
//! effort than `decompose` spends) for "yes", at every n; the swap-family
//! theorem for "no" at every n; and at n = 4 a Groebner basis
//! ([`super::groebner`]) of the four-layer system ([`super::bounds`]) for
//! "no", with the refuting element's cofactors as the certificate. What the
//! method cannot decide is reported as undecided, with the reason (a work
//! bound hit, or a basis without a refuting element), never guessed.

use super::bounds::{FiveWitness, FourLayerCertificate, VARS, four_layer_generators, refutes};
use super::groebner::{self, Limits, Order};
use super::witness::swap_halves;
use crate::construct::blocks::Chain;
use crate::construct::four::{Effort, search};
use crate::exact::Matrix;
use crate::layer::Mode;

/// The answer of [`decide_four`] for a target already certified to need at
/// least four layers.
#[derive(Debug, Clone)]
pub enum FourDecision {
    /// Four layers (application order; the caller verifies the product).
    Found(Chain),
    /// Not a product of four layers.
    NotFour(FiveWitness),
    /// Not decided, and why.
    Undecided(String),
}

/// Why a polynomial refutation of one shape did not come out.
fn refute(m: &Matrix, m_inv: &Matrix, positive: bool) -> Result<FourLayerCertificate, String> {
    let gens = four_layer_generators(m, m_inv);
    let order = Order {
        blocks: vec![8, VARS - 8],
    };
    match groebner::groebner(&gens, &order, Limits::default(), |p| refutes(p, positive)) {
        groebner::Outcome::Stopped(e) => Ok(FourLayerCertificate {
            inverse: m_inv.clone(),
            cofactors: e.cofactors,
            h: e.poly,
        }),
        groebner::Outcome::Complete(_) => Err(if positive {
            "the Groebner basis has no element with coefficients of one sign in the scales".into()
        } else {
            "the system has complex solutions, and no rational four-layer product was found".into()
        }),
        groebner::Outcome::Bound(b) => Err(format!("Groebner work bound hit: {b}")),
    }
}

/// Decides four layers for `t` (invertible, `2d x 2d`, already certified not
/// to be a product of at most three layers), given `t_inv`.
pub fn decide_four(t: &Matrix, t_inv: &Matrix, mode: Mode) -> FourDecision {
    let positive = mode == Mode::Positive;
    let d = t.rows() / 2;
    if t.block(0, 0, d, d).is_zero() && t.block(d, d, d, d).is_zero() {
        return FourDecision::NotFour(FiveWitness::SwapFamily);
    }
    if let Some((chain, _, _)) = search(t, t_inv, positive, Effort::thorough(), 0x15) {
        return FourDecision::Found(chain);
    }
    if d != 2 {
        return FourDecision::Undecided(format!(
            "no four-layer product was found, and four layers are decided exactly only at n = 4 \
             (n = {})",
            2 * d
        ));
    }
    let ulul = refute(t, t_inv, positive);
    let lulu = refute(&swap_halves(t), &swap_halves(t_inv), positive);
    match (ulul, lulu) {
        (Ok(a), Ok(b)) => FourDecision::NotFour(FiveWitness::Polynomial {
            ulul: Box::new(a),
            lulu: Box::new(b),
        }),
        (Err(e), _) => FourDecision::Undecided(format!("U L U L: {e}")),
        (_, Err(e)) => FourDecision::Undecided(format!("L U L U: {e}")),
    }
}
