//! Why a permutation is refused: [`PermutationError`], and the validation and
//! parsing of the images (`--perm "3 0 1 2"`).

use crate::construct::DecomposeError;

/// Why a permutation could not be parsed or decomposed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PermutationError {
    /// No images were given.
    Empty,
    /// A token of the text form is not a non-negative integer.
    NotANumber {
        /// 0-based position of the token.
        position: usize,
        /// The token.
        token: String,
    },
    /// An image is not in `0..n`.
    OutOfRange {
        /// 0-based position of the image.
        position: usize,
        /// The image.
        value: usize,
        /// The number of images.
        n: usize,
    },
    /// An image occurs twice (so some other index is missing).
    Repeated {
        /// The repeated image.
        value: usize,
        /// The first two positions where it occurs.
        positions: (usize, usize),
        /// The smallest index that is nobody's image.
        missing: usize,
    },
    /// `n` is odd; only the half/half split of an even `n` is supported here.
    OddDimension {
        /// The dimension.
        n: usize,
    },
    /// Positive mode and an odd permutation (`det = -1`).
    OddInPositiveMode {
        /// The dimension.
        n: usize,
    },
    /// The generic construction refused the matrix.
    Generic(DecomposeError),
    /// A construction produced a wrong or out-of-bounds result (never expected).
    Internal(String),
}

impl std::fmt::Display for PermutationError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            PermutationError::Empty => write!(f, "the permutation is empty (give n >= 2 images)"),
            PermutationError::NotANumber { position, token } => write!(
                f,
                "image {position} is '{token}', not a non-negative integer (give the 0-based \
                 images sigma(0) sigma(1) ... separated by spaces)"
            ),
            PermutationError::OutOfRange { position, value, n } => write!(
                f,
                "image {position} is {value}, outside 0..{} (a permutation of {n} points lists \
                 each of 0..{} once; images are 0-based)",
                n - 1,
                n - 1
            ),
            PermutationError::Repeated {
                value,
                positions,
                missing,
            } => write!(
                f,
                "{value} is the image of both {} and {}, and {missing} is nobody's image: \
                 a permutation lists every index exactly once",
                positions.0, positions.1
            ),
            PermutationError::OddDimension { n } => write!(
                f,
                "n = {n} is odd; the routed permutation construction needs the half/half split \
                 of an even n (pad with a fixed point to n = {}, or use the generic \
                 construction, which handles the split ({}, {}))",
                n + 1,
                n / 2,
                n - n / 2
            ),
            PermutationError::OddInPositiveMode { n } => write!(
                f,
                "the permutation of {n} points is odd, so its matrix has det = -1, but every \
                 layer with positive scales has det > 0 and so does every product of them: no \
                 positive-mode decomposition exists. Use signed mode (one layer then has a -1 \
                 scale), or compose the permutation with one sign flip diag(-1, 1, ..., 1) \
                 (which signed mode represents) or with one transposition to make it even"
            ),
            PermutationError::Generic(e) => write!(f, "{e}"),
            PermutationError::Internal(msg) => write!(f, "internal error: {msg}"),
        }
    }
}

impl std::error::Error for PermutationError {}

/// Checks that `perm` lists each of `0..n` exactly once.
///
/// # Errors
/// `Empty`, `OutOfRange` (the first image `>= n`) or `Repeated` (the first
/// image seen twice, with the smallest missing index).
pub fn validate_permutation(perm: &[usize]) -> Result<(), PermutationError> {
    let n = perm.len();
    if n == 0 {
        return Err(PermutationError::Empty);
    }
    if let Some((position, &value)) = perm.iter().enumerate().find(|(_, v)| **v >= n) {
        return Err(PermutationError::OutOfRange { position, value, n });
    }
    let mut seen: Vec<Option<usize>> = vec![None; n];
    for (i, &v) in perm.iter().enumerate() {
        if let Some(first) = seen[v] {
            let mut present = vec![false; n];
            perm.iter().for_each(|&x| present[x] = true);
            let missing = present.iter().position(|p| !p).unwrap_or(0);
            return Err(PermutationError::Repeated {
                value: v,
                positions: (first, i),
                missing,
            });
        }
        seen[v] = Some(i);
    }
    Ok(())
}

/// Parses 0-based images separated by spaces and/or commas (`"3 0 1 2"`) and
/// validates them.
///
/// # Errors
/// `NotANumber` for a bad token, then as [`validate_permutation`].
///
/// # Examples
/// ```
/// use couplings::construct::permutation::{parse_permutation, PermutationError};
/// assert_eq!(parse_permutation("3 0 1 2").unwrap(), vec![3, 0, 1, 2]);
/// assert!(matches!(parse_permutation("0 1 1 3"), Err(PermutationError::Repeated { value: 1, .. })));
/// ```
pub fn parse_permutation(text: &str) -> Result<Vec<usize>, PermutationError> {
    let perm = text
        .split(|c: char| c.is_whitespace() || c == ',')
        .filter(|t| !t.is_empty())
        .enumerate()
        .map(|(position, token)| {
            token
                .parse::<usize>()
                .map_err(|_| PermutationError::NotANumber {
                    position,
                    token: token.to_string(),
                })
        })
        .collect::<Result<Vec<usize>, _>>()?;
    validate_permutation(&perm)?;
    Ok(perm)
}
