//! The near-halves split `(n - 1 | K + 1)` for `K >= n - 2`: three layers
//! `L U L` for generic `T` (signed mode), the `p = n - 1` case of the padded
//! three-layer theorem ([`super::lul`]). There condition (a) fixes
//! `E = mu E0` with `E0_i = -T[i, j] / S[i, j]` (`j` the lone coordinate of part
//! 2, `S = T^-1`) and `Omega = mu`, (b) is empty, and (c) holds automatically
//! because the left kernel of the column `T12` has `n - 2 <= K` rows. A zero in
//! `T[:, j]` or `S[:, j]` breaks (a), so every lone coordinate `j` is tried (a
//! mask: the first part is every coordinate but `j`; the padded coordinates
//! stay last). In positive mode the signs of `E0` must agree, which random
//! matrices rarely allow; `K = n - 2` is the exact threshold for generic `T`
//! (`docs/padding.md`).

use super::Candidate;
use super::lul::{self, LulOutcome};
use crate::construct::Construction;
use crate::exact::Matrix;
use crate::layer::{Mode, Split};

/// The near-halves chain for `pad >= n - 2`, trying the lone coordinate
/// `n - 1` first and then the others (with a mask).
///
/// # Examples
/// ```
/// use couplings::{Mode, exact::Matrix};
/// use couplings::construct::pad::near_halves::chain;
/// let t = Matrix::from_i64(&[&[2, 0, 1, 1], &[1, 3, 1, 2], &[1, 1, 4, 1], &[0, 1, 1, 5]]);
/// let c = chain(&t, &t.inverse().unwrap(), 2, Mode::Signed).unwrap();
/// assert_eq!((c.chain.len(), c.split.first), (3, 3));
/// ```
pub fn chain(t: &Matrix, t_inv: &Matrix, pad: usize, mode: Mode) -> Option<Candidate> {
    let n = t.rows();
    if n < 2 || pad + 2 < n {
        return None;
    }
    let lones = std::iter::once(n - 1).chain(0..n - 1);
    for lone in lones {
        let mut order: Vec<usize> = (0..n).filter(|&c| c != lone).collect();
        order.push(lone);
        let (tc, sc) = if lone == n - 1 {
            (t.clone(), t_inv.clone())
        } else {
            (t.permuted(&order, &order), t_inv.permuted(&order, &order))
        };
        if let LulOutcome::Found(chain) = lul::decide(&tc, &sc, n - 1, pad, mode) {
            return Some(Candidate {
                chain,
                split: Split::new(n - 1, pad + 1),
                mask: (lone != n - 1).then(|| order[..n - 1].to_vec()),
                construction: Construction::PaddedNearHalves,
            });
        }
    }
    None
}
