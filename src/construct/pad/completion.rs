//! Padding as completion (`docs/padding.md`): a chain is a padded decomposition
//! of `T` iff its product is `M = [[T, P], [0, Q]]` for some `P`, `Q`, so any
//! unpadded decomposition of such an `M` will do. Here `P`, `Q` are small
//! seeded integers (`P = 0`, `Q = I` for the conditioned strategy), `det Q`
//! has the sign of `det T` in positive mode (so `det M > 0` even when
//! `det T < 0`), and `M` goes to an unpadded strategy on the half/half split of
//! its size. For odd `n + K` one padded coordinate is left idle (appended to
//! part 2), so the decomposed part has even size; for `K = 1` and even `n` that
//! part is `T` itself, except in positive mode with `det T < 0`, where the odd
//! completion goes through the unequal-split construction. Measured: five
//! layers for every random target in signed mode and every `K >= 1`, with the
//! shallow core's large entries.

use super::Candidate;
use super::decide::embed_unpadded;
use crate::construct::rng::Rng;
use crate::construct::{Construction, DecomposeError, Options, Strategy, decompose_traced};
use crate::exact::{Matrix, Q, qi};
use crate::layer::{Mode, Split};
use num_traits::{Signed, Zero};

/// The split of `n + pad` the completion's chain uses: `(floor(N/2), ceil(N/2))`.
pub fn split_for(n: usize, pad: usize, _mode: Mode, _t: &Matrix) -> Split {
    Split::halves(n + pad)
}

/// The completion chain with the unpadded `strategy` (`Ok(None)` when that
/// strategy refuses the completion).
///
/// # Errors
/// An internal error of the unpadded construction.
///
/// # Examples
/// ```
/// use couplings::{Options, Strategy, exact::Matrix};
/// use couplings::construct::pad::completion::chain;
/// let t = Matrix::from_i64(&[&[2, 1, 0], &[1, 1, 4], &[0, 5, 1]]);
/// let c = chain(&t, 1, &Options::default(), Strategy::Shallow).unwrap().unwrap();
/// assert_eq!((c.split.first, c.split.second), (2, 2));
/// ```
pub fn chain(
    t: &Matrix,
    pad: usize,
    options: &Options,
    strategy: Strategy,
) -> Result<Option<Candidate>, DecomposeError> {
    let n = t.rows();
    let total = n + pad;
    let negative = options.mode == Mode::Positive && t.det().is_negative();
    // The size of the decomposed part: even, unless the odd completion is needed.
    let used = if total.is_multiple_of(2) || (pad == 1 && negative) {
        pad
    } else {
        pad - 1
    };
    let mut rng = Rng::new(options.seed ^ 0xc0_3e1e);
    let m = completion(t, used, strategy, negative, &mut rng);
    let unpadded = Options {
        strategy,
        split: None,
        ..options.clone()
    };
    let (dec, _) = match decompose_traced(&m, &unpadded) {
        Ok(r) => r,
        Err(DecomposeError::Internal(e)) => return Err(DecomposeError::Internal(e)),
        Err(_) => return Ok(None),
    };
    let chain = embed_unpadded(&dec.layers, pad - used);
    let split = Split::new(dec.split.first, dec.split.second + pad - used);
    Ok(Some(Candidate {
        chain,
        split,
        mask: None,
        construction: Construction::PaddedCompletion { strategy },
    }))
}

/// `[[T, P], [0, Q]]` with `used` padded coordinates.
fn completion(
    t: &Matrix,
    used: usize,
    strategy: Strategy,
    negative: bool,
    rng: &mut Rng,
) -> Matrix {
    let n = t.rows();
    let size = n + used;
    let mut m = Matrix::zeros(size, size);
    for i in 0..n {
        for j in 0..n {
            m.set(i, j, t.get(i, j).clone());
        }
    }
    let small = strategy != Strategy::Conditioned;
    for i in 0..n {
        for j in 0..used {
            m.set(
                i,
                n + j,
                if small {
                    qi(rng.range(-2, 2))
                } else {
                    Q::zero()
                },
            );
        }
    }
    if used == 0 {
        return m;
    }
    for attempt in 0.. {
        let mut q = Matrix::identity(used);
        if small && attempt < 20 {
            for i in 0..used {
                for j in 0..used {
                    q.set(i, j, qi(rng.range(-2, 2)));
                }
            }
        }
        let det = q.det();
        if det.is_zero() {
            continue;
        }
        if negative != det.is_negative() {
            for j in 0..used {
                q.set(0, j, -q.get(0, j).clone());
            }
        }
        for i in 0..used {
            for j in 0..used {
                m.set(n + i, n + j, q.get(i, j).clone());
            }
        }
        return m;
    }
    unreachable!("the identity is invertible")
}
