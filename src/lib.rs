//! # couplings
//!
//! Exact decompositions of invertible rational matrices into linear affine
//! coupling layers (the linear part of RealNVP/Glow couplings), with an
//! independent checker.
//!
//! Layer order convention (used everywhere: API, CLI, JSON, docs): layers are
//! listed in the order they act on an input column vector `x`, so for layers
//! `M1, M2, ..., MK` the represented matrix is `MK ... M2 M1`.
//!
//! Imports run one way: `untrusted` (input hygiene) -> `exact` -> `layer` -> (`construct`, `check`, `io`) ->
//! (`depth`, `certificate`, `families`) -> `analysis` -> (`explain`,
//! `export`), and the binary's `cli/` on top; the README's Architecture
//! section maps every module.
//!
//! ```
//! use couplings::{decompose, check, exact::Matrix};
//! let t = Matrix::from_i64(&[&[1, 2, 0, 1], &[0, 1, 3, 0], &[2, 0, 1, 1], &[1, 1, 0, 2]]);
//! let dec = decompose(&t).unwrap();
//! assert_eq!(dec.product(), t);
//! assert!(check(&t, &dec).is_ok());
//! ```

pub mod analysis;
pub mod certificate;
pub mod check;
pub mod construct;
pub mod depth;
pub mod exact;
pub mod explain;
pub mod export;
pub mod families;
pub mod io;
pub mod layer;
pub mod mask;
pub mod progress;
pub mod proof;
pub mod untrusted;

/// The unequal-split walkthrough, now [`explain::unequal`] (this path is kept).
pub use explain::unequal as explain_split;

pub use check::{CheckError, CheckReport, check, check_padded};
pub use construct::permutation::{
    PermutationConstruction, PermutationError, PermutationOptions, decompose_permutation,
    decompose_permutation_with,
};
pub use construct::{
    DecomposeError, Decomposition, Mode, Options, Strategy, decompose, decompose_with,
};
pub use layer::{Kind, Layer, PaddedDecomposition, Split};
