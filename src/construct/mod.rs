//! Constructions: `decompose` and its options, errors and strategies. One file per
//! construction; each returns layers whose product is then verified exactly.

pub use crate::layer::{Decomposition, Mode};
use crate::exact::{Matrix, Q};

/// Options for [`decompose_with`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Options {
    /// Signed (any nonzero scale) or positive (every scale > 0) mode.
    pub mode: Mode,
    /// Seed for the randomised choices (output is reproducible for a given seed).
    pub seed: u64,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            mode: Mode::Signed,
            seed: 0x5eed,
        }
    }
}

/// Why a matrix could not be decomposed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DecomposeError {
    /// The matrix has no entries.
    Empty,
    /// The matrix is not square.
    NotSquare {
        /// Number of rows.
        rows: usize,
        /// Number of columns.
        cols: usize,
    },
    /// This dimension or split is not supported yet.
    UnsupportedSplit {
        /// The dimension.
        n: usize,
        /// Why.
        reason: String,
    },
    /// The matrix is singular; `kernel` is a nonzero vector `x` with `T x = 0`.
    Singular {
        /// Exact evidence: `T * kernel = 0`.
        kernel: Vec<Q>,
    },
    /// Positive mode needs `det > 0`.
    NonPositiveDeterminant {
        /// The exact determinant.
        det: Q,
    },
    /// Internal error: a construction produced layers whose product differs from
    /// the target (never expected; reported instead of a wrong answer).
    Internal(String),
}

/// Decomposes `matrix` in signed mode with default options.
pub fn decompose(matrix: &Matrix) -> Result<Decomposition, DecomposeError> {
    decompose_with(matrix, &Options::default())
}

/// Decomposes `matrix` with the given options.
pub fn decompose_with(matrix: &Matrix, options: &Options) -> Result<Decomposition, DecomposeError> {
    let _ = (matrix, options);
    Err(DecomposeError::Internal("not yet implemented".into()))
}
