//! Block views and the symmetries the constructions use: 2x2 block splitting,
//! conjugation by block permutations, the swap of halves and inversion, each with
//! its action on a chain of layers (layers in application order).

use crate::exact::Matrix;
use crate::layer::{Layer, invert};

/// A chain of layers in application order (first acts first).
pub type Chain = Vec<Layer>;

/// The four `d x d` blocks of a `2d x 2d` matrix `[[a, b], [c, d]]`.
#[derive(Debug, Clone)]
pub struct Blocks {
    /// Top-left block `T11`.
    pub t11: Matrix,
    /// Top-right block `T12`.
    pub t12: Matrix,
    /// Bottom-left block `T21`.
    pub t21: Matrix,
    /// Bottom-right block `T22`.
    pub t22: Matrix,
}

impl Blocks {
    /// Splits a `2d x 2d` matrix into its four `d x d` blocks.
    pub fn of(t: &Matrix) -> Blocks {
        let d = t.rows() / 2;
        Blocks {
            t11: t.block(0, 0, d, d),
            t12: t.block(0, d, d, d),
            t21: t.block(d, 0, d, d),
            t22: t.block(d, d, d, d),
        }
    }

    /// Reassembles the matrix.
    pub fn assemble(&self) -> Matrix {
        Matrix::from_blocks(&self.t11, &self.t12, &self.t21, &self.t22)
    }

    /// The block size `d`.
    pub fn d(&self) -> usize {
        self.t11.rows()
    }
}

/// The full permutation of `2d` coordinates acting as `perm1` on the first half
/// and `perm2` on the second half.
fn full_perm(perm1: &[usize], perm2: &[usize]) -> Vec<usize> {
    let d = perm1.len();
    perm1
        .iter()
        .copied()
        .chain(perm2.iter().map(|&j| j + d))
        .collect()
}

/// `P T P^-1` for the block permutation `P = diag(P1, P2)` (`P1` sends coordinate
/// `j` of the first half to `perm1[j]`).
pub fn conjugate_matrix(t: &Matrix, perm1: &[usize], perm2: &[usize]) -> Matrix {
    // lemma: permutation_conjugation_target
    let inv = invert(&full_perm(perm1, perm2));
    t.permuted(&inv, &inv)
}

/// Given a chain for `P T P^-1`, the chain for `T` (each layer conjugated by
/// `P^-1`; block permutations map layers to layers of the same kind).
pub fn unconjugate_chain(chain: Chain, perm1: &[usize], perm2: &[usize]) -> Chain {
    // lemma: permutation_conjugation
    let (i1, i2) = (invert(perm1), invert(perm2));
    chain
        .iter()
        .map(|l| l.conjugate_permutation(&i1, &i2))
        .collect()
}

/// `S T S` for the swap of halves `S = [[0, I], [I, 0]]`.
pub fn swap_matrix(t: &Matrix) -> Matrix {
    // lemma: swap_target
    let b = Blocks::of(t);
    Matrix::from_blocks(&b.t22, &b.t21, &b.t12, &b.t11)
}

/// Given a chain for `S T S`, the chain for `T` (lower and upper exchange).
pub fn swap_chain(chain: Chain) -> Chain {
    // lemma: swap_chain (with swap_conjugation and swap_involution)
    chain.iter().map(Layer::swapped).collect()
}

/// Given a chain for `T^-1`, the chain for `T` (reversed, each layer inverted).
pub fn invert_chain(chain: Chain) -> Chain {
    // lemma: chain_inverse
    chain.iter().rev().map(Layer::inverse).collect()
}

/// A symmetry of the problem: a transformation of the target together with the
/// map that turns a chain for the transformed target back into one for the target.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Symmetry {
    /// `T` itself.
    Identity,
    /// `T^-1`.
    Inverse,
    /// `S T S` (swap of halves).
    Swap,
    /// `S T^-1 S`.
    SwapInverse,
}

impl Symmetry {
    /// All four symmetries.
    pub const ALL: [Symmetry; 4] = [
        Symmetry::Identity,
        Symmetry::Inverse,
        Symmetry::Swap,
        Symmetry::SwapInverse,
    ];

    /// The transformed target, given `T` and `T^-1`.
    pub fn apply(self, t: &Matrix, t_inv: &Matrix) -> Matrix {
        match self {
            Symmetry::Identity => t.clone(),
            Symmetry::Inverse => t_inv.clone(),
            Symmetry::Swap => swap_matrix(t),
            Symmetry::SwapInverse => swap_matrix(t_inv),
        }
    }

    /// Maps a chain for the transformed target back to a chain for `T`.
    pub fn restore(self, chain: Chain) -> Chain {
        match self {
            Symmetry::Identity => chain,
            Symmetry::Inverse => invert_chain(chain),
            Symmetry::Swap => swap_chain(chain),
            Symmetry::SwapInverse => invert_chain(swap_chain(chain)),
        }
    }
}

/// The number of layers of `chain` once adjacent layers of one kind are merged.
pub fn merged_len(chain: &Chain) -> usize {
    let mut len = 0;
    let mut last = None;
    for l in chain {
        if Some(l.kind) != last {
            len += 1;
            last = Some(l.kind);
        }
    }
    len
}
