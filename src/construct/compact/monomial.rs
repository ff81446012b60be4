//! Monomial inputs (one nonzero per row and column: permutations, sign
//! matrices, `-I`, scaled permutations): the routed permutation construction
//! (`super::super::permutation`, at most 12 layers, entries `p/q` with
//! `|p|, q <= 2`) followed by the diagonal, pushed into the last layers of each
//! kind ([`absorb_diagonal`], lemmas `push_diag_lower`, `push_diag_upper`). The
//! G-route would give such inputs entries of the size of its random
//! preconditioner instead.

use super::super::blocks::Chain;
use super::super::permutation::{
    PermutationConstruction, PermutationOptions, decompose_permutation_with,
};
use crate::exact::{Matrix, Q};
use crate::layer::{Kind, Layer, Mode, Split};
use num_traits::{One, Signed, Zero};

/// `T = diag(v) P_sigma` for a monomial `T`: `(sigma, v)` with `P_sigma e_j =
/// e_{sigma[j]}`; `None` if a row or column does not have exactly one nonzero.
pub(super) fn monomial(t: &Matrix) -> Option<(Vec<usize>, Vec<Q>)> {
    let n = t.rows();
    let mut sigma = vec![usize::MAX; n];
    let mut v = vec![Q::zero(); n];
    let mut row_used = vec![false; n];
    for (j, slot) in sigma.iter_mut().enumerate() {
        let mut found = None;
        for i in 0..n {
            if !t.get(i, j).is_zero() {
                if found.is_some() {
                    return None;
                }
                found = Some(i);
            }
        }
        let i = found?;
        if row_used[i] {
            return None;
        }
        row_used[i] = true;
        *slot = i;
        v[i] = t.get(i, j).clone();
    }
    Some((sigma, v))
}

/// The routed chain for a monomial `t` in `mode`, or `None` when positive mode
/// meets a negative entry (the G-route then handles it).
pub(super) fn chain(t: &Matrix, mode: Mode) -> Option<Chain> {
    let (sigma, v) = monomial(t)?;
    if mode == Mode::Positive && v.iter().any(|x| x.is_negative()) {
        return None;
    }
    let options = PermutationOptions {
        mode,
        construction: PermutationConstruction::Routed,
        ..PermutationOptions::default()
    };
    let dec = decompose_permutation_with(&sigma, &options).ok()?;
    let mut layers = dec.layers;
    let d = t.rows() / 2;
    absorb_diagonal(&mut layers, &v[..d], &v[d..]);
    Some(layers)
}

/// Replaces the chain `M` by one for `diag(c1, c2) M`, moving the diagonal from
/// the end towards the start (`diag(c1, c2) L(A, D) = L(c2 A c1^-1, c2 D)
/// diag(c1, I)` and the mirror for upper layers) until each part has been taken
/// into a layer of its kind; a part no layer takes becomes a scaling layer at
/// the start. Adds no layer when the chain has layers of both kinds.
pub(super) fn absorb_diagonal(chain: &mut Chain, c1: &[Q], c2: &[Q]) {
    let ones = |c: &[Q]| c.iter().all(One::is_one);
    let mut p1 = (!ones(c1)).then(|| c1.to_vec());
    let mut p2 = (!ones(c2)).then(|| c2.to_vec());
    for layer in chain.iter_mut().rev() {
        if p1.is_none() && p2.is_none() {
            return;
        }
        match layer.kind {
            Kind::Lower => {
                // lemma: push_diag_lower
                absorb(layer, p2.take(), p1.as_deref());
            }
            Kind::Upper => {
                // lemma: push_diag_upper
                absorb(layer, p1.take(), p2.as_deref());
            }
        }
    }
    let split = Split::new(c1.len(), c2.len());
    let mut front = Vec::new();
    if let Some(c) = p1 {
        front.push(Layer::scaling(Kind::Upper, split, c));
    }
    if let Some(c) = p2 {
        front.push(Layer::scaling(Kind::Lower, split, c));
    }
    chain.splice(0..0, front);
}

/// `diag(own) layer diag(through)^-1` restricted to the layer's blocks: the
/// layer's scaled part (rows of the shift, the scale) takes `own`, its source
/// part divides by `through` (which passes on towards the start of the chain).
fn absorb(layer: &mut Layer, own: Option<Vec<Q>>, through: Option<&[Q]>) {
    let mut shift = layer.shift.clone();
    if let Some(c) = &own {
        shift = shift.scale_rows(c);
        layer.scale = layer.scale.iter().zip(c).map(|(s, x)| s * x).collect();
    }
    if let Some(c) = through {
        let inv: Vec<Q> = c.iter().map(Q::recip).collect();
        shift = shift.scale_cols(&inv);
    }
    layer.shift = shift;
}
