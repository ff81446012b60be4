//! Well-conditioned construction (`Strategy::Conditioned`): more layers, small
//! floating-point condition numbers.

use super::blocks::{Chain, Symmetry};
use super::{DecomposeError, Options, Strategy, Trace};
use crate::exact::Matrix;

/// Layers (application order) whose product is `t`, built by the conditioned strategy.
pub(crate) fn chain(
    _t: &Matrix,
    _t_inv: &Matrix,
    _options: &Options,
) -> Result<(Chain, Trace), DecomposeError> {
    let _ = Symmetry::Identity;
    Err(DecomposeError::UnsupportedStrategy {
        strategy: Strategy::Conditioned,
        reason: "not implemented yet; use the shallow strategy".into(),
    })
}
