//! `K >= n`: the three unit layers `L(T - I), U(I), L(T^-1 - I)` on the split
//! `(n | K)` (application order), for every invertible `T` and both modes:
//! `U(I) L(T - I)` maps `[x; 0]` to `[T x; (T - I) x]` and `L(T^-1 - I)` clears
//! the padded block, `(T^-1 - I) T x + (T - I) x = 0` (lemmas
//! `padded_three`, `padded_three_first_column` of `proofs/padding.proof`). The
//! whole product is `[[T, I], [0, T^-1]]` (`det = 1`: the padded block carries
//! the volume change, so a negative `det T` is no obstacle). Entries are those
//! of `T` and `T^-1`; the cost is one exact inverse. With `K > n` the extra
//! padded coordinates stay idle (zero rows and columns).

use super::{Candidate, pad_cols, pad_rows};
use crate::construct::Construction;
use crate::exact::{Matrix, Q};
use crate::layer::{Layer, Split};
use num_traits::One;

/// The three layers for `K = pad >= n`, given `T^-1`.
///
/// # Examples
/// ```
/// use couplings::construct::pad::three::chain;
/// use couplings::exact::Matrix;
/// let t = Matrix::from_i64(&[&[0, 1], &[1, 0]]);
/// let c = chain(&t, &t.inverse().unwrap(), 2);
/// assert_eq!(c.chain.len(), 3);
/// assert_eq!((c.split.first, c.split.second), (2, 2));
/// ```
///
/// # Panics
/// Panics if `pad < n`.
pub fn chain(t: &Matrix, t_inv: &Matrix, pad: usize) -> Candidate {
    let n = t.rows();
    assert!(pad >= n, "the three-layer chain needs pad >= n");
    let ones = |k: usize| vec![Q::one(); k];
    // lemma: padded_three
    let a1 = pad_rows(&super::minus_scalar(t, &Q::one()), pad);
    let b = pad_cols(&Matrix::identity(n), pad);
    let a2 = pad_rows(&super::minus_scalar(t_inv, &Q::one()), pad);
    Candidate {
        chain: vec![
            Layer::lower(a1, ones(pad)),
            Layer::upper(b, ones(n)),
            Layer::lower(a2, ones(pad)),
        ],
        split: Split::new(n, pad),
        mask: None,
        construction: Construction::PaddedThree,
    }
}
