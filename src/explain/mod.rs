//! Markdown walkthroughs of a decomposition: for each step of the construction
//! that [`crate::construct::decompose_traced`] reports, what is computed and why
//! (the lemma in `proofs/` or the section of `docs/construction.md`), the
//! intermediate matrices in LaTeX (KaTeX-compatible `pmatrix`), and the claim
//! that was verified *by the code that writes the walkthrough*; then the layer
//! list, the independent product check, the bit sizes and the float64 condition
//! number of every layer.
//!
//! The intermediate quantities are recomputed here from the target (the
//! construction does not export them); every "verified" line is the result of a
//! computation in this module, and a claim that does not hold is printed as such.
//! Matrices larger than 8x8 are summarised (shape, largest entry in bits, the
//! top-left 4x4 corner). Padded decompositions (`--pad K`) have their own
//! walkthrough, [`padded`].
//!
//! # Examples
//! ```
//! use couplings::{Options, exact::Matrix, explain::explain};
//! let t = Matrix::from_i64(&[&[1, 2, 0, 1], &[0, 1, 3, 0], &[2, 0, 1, 1], &[1, 1, 0, 2]]);
//! let md = explain(&t, &Options::default(), "example").unwrap();
//! assert!(md.contains("## 4. Layers"));
//! assert!(md.contains("Verified by the independent checker"));
//! ```

mod half;
mod layers;
mod lemmas;
mod markdown;
pub mod padded;
pub mod unequal;

pub use lemmas::{CITED_LEMMAS, lemma_file};
pub use markdown::{FULL_UP_TO, latex_matrix, latex_q};
pub use padded::explain_padded;

use crate::construct::{DecomposeError, Options, Trace, decompose_traced};
use crate::exact::Matrix;
use crate::layer::Decomposition;

/// Writes a walkthrough of decomposing `target` with `options`; `name` is how the
/// input is referred to (e.g. its path).
///
/// # Errors
/// Whatever [`decompose_traced`] refuses.
pub fn explain(target: &Matrix, options: &Options, name: &str) -> Result<String, DecomposeError> {
    let (dec, trace) = decompose_traced(target, options)?;
    Ok(explain_decomposition(target, &dec, &trace, name))
}

/// Writes the walkthrough for a decomposition already computed with
/// [`decompose_traced`] (the trace names the construction): the half/half
/// walkthrough, or the unequal-split one when `p != q`.
pub fn explain_decomposition(
    target: &Matrix,
    dec: &Decomposition,
    trace: &Trace,
    name: &str,
) -> String {
    if dec.split.first != dec.split.second {
        let compact = trace.construction == crate::construct::Construction::CompactHub;
        return unequal::walkthrough(target, dec, name, compact);
    }
    half::walkthrough(target, dec, trace, name)
}
