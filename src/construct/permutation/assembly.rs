//! Step 3 of the routed construction: the five layers of one involution pair
//! (`diag(J, K)` from the conjugator `B` mapping eigenvectors of `J` to those of
//! `K`, entries in `{0, +-1/2, +-1}`, lemmas `involution_pair_ulu`,
//! `involution_pair_lul`), and the absorption of the sign diagonal into the
//! scales of the last layers.

use super::PermutationError;
use super::involution::SignedPerm;
use super::pairing::{Component, best_plan};
use crate::exact::{Matrix, Q, qi};
use crate::layer::{Kind, Layer, Mode};
use num_traits::One;

/// The routed construction for a valid permutation of even length (odd
/// permutations only in signed mode). In signed mode the product of the plan
/// may differ from the target by a sign diagonal `S` (cycle signs chosen
/// freely); `S` is pushed into the scales of the last layers at the end.
pub(super) fn routed(perm: &[usize], mode: Mode) -> Result<Vec<Layer>, PermutationError> {
    let n = perm.len();
    let d = n / 2;
    let target = SignedPerm {
        image: perm.to_vec(),
        sign: vec![1; n],
    };
    let (_, comps, forms) = best_plan(&target, d, mode == Mode::Signed).ok_or_else(|| {
        PermutationError::Internal("no routed plan found (the proof says one exists)".into())
    })?;
    let mut product_order: Vec<(Kind, Halves)> = Vec::new();
    let mut plan_product = SignedPerm::identity(n);
    for (comp, kind) in comps.iter().zip(&forms) {
        product_order.extend(build(comp, *kind, d));
        plan_product = plan_product.after(&comp.signed_perm(d));
    }
    // Application order, adjacent layers of one kind merged.
    // lemma: merge_upper
    // lemma: merge_lower
    // Only end layers of components meet, so merged entries stay within +-2. A
    // merged layer that vanishes is dropped, and its two neighbours (interior
    // layers) are then left unmerged: their sum could leave the entry bound.
    let mut merged: Vec<(Kind, Halves)> = Vec::new();
    let mut may_merge = true;
    for (kind, shift) in product_order.into_iter().rev() {
        match merged.last_mut() {
            Some((k, s)) if *k == kind && may_merge => {
                for (x, y) in s.twice.iter_mut().zip(&shift.twice) {
                    *x += y;
                }
                if s.twice.iter().all(|&x| x == 0) {
                    merged.pop();
                    may_merge = false;
                }
            }
            _ => {
                merged.push((kind, shift));
                may_merge = true;
            }
        }
    }
    let mut layers: Vec<Layer> = merged
        .iter()
        .map(|(k, h)| Layer::unit(*k, h.to_matrix()))
        .collect();
    // S = P T'^-1 must be a sign diagonal (the identity in positive mode).
    let s = target.after(&plan_product.inverse());
    if (0..n).any(|i| s.image[i] != i) || (mode == Mode::Positive && !s.is_identity()) {
        return Err(PermutationError::Internal(
            "the routed plan does not multiply to the permutation up to signs".into(),
        ));
    }
    if !s.is_identity() {
        let signs: Vec<Q> = s.sign.iter().map(|&x| qi(i64::from(x))).collect();
        absorb_left(&mut layers, &signs, d)?;
    }
    Ok(layers)
}

/// Sparse vector: (coordinate, coefficient).
pub(super) type Sparse = Vec<(usize, i64)>;

/// The eigenvectors of a signed involution: `+1` vectors and `-1` vectors, the
/// 2-cycles first (pair `t` gives the `t`-th vector of each list), then the fixed
/// points.
pub(super) fn eigenvectors(j: &SignedPerm) -> (Vec<Sparse>, Vec<Sparse>) {
    let (mut plus, mut minus, mut fplus, mut fminus) = (vec![], vec![], vec![], vec![]);
    for i in 0..j.len() {
        let (k, s) = (j.image[i], i64::from(j.sign[i]));
        if k == i {
            if s > 0 {
                fplus.push(vec![(i, 1)]);
            } else {
                fminus.push(vec![(i, 1)]);
            }
        } else if k > i {
            plus.push(vec![(i, 1), (k, s)]);
            minus.push(vec![(i, 1), (k, -s)]);
        }
    }
    plus.extend(fplus);
    minus.extend(fminus);
    (plus, minus)
}

/// A square matrix stored as twice its entries (all entries here are
/// multiples of 1/2), row-major.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Halves {
    m: usize,
    twice: Vec<i64>,
}

impl Halves {
    pub(super) fn zeros(m: usize) -> Halves {
        Halves {
            m,
            twice: vec![0; m * m],
        }
    }

    pub(super) fn at(&mut self, r: usize, c: usize) -> &mut i64 {
        &mut self.twice[r * self.m + c]
    }

    pub(super) fn neg(&self) -> Halves {
        Halves {
            m: self.m,
            twice: self.twice.iter().map(|x| -x).collect(),
        }
    }

    pub(super) fn sub(&self, other: &Halves) -> Halves {
        Halves {
            m: self.m,
            twice: self
                .twice
                .iter()
                .zip(&other.twice)
                .map(|(a, b)| a - b)
                .collect(),
        }
    }

    /// `j * self` for a signed permutation `j`: row `i` moves to row `j(i)`, times its sign.
    pub(super) fn perm_left(&self, j: &SignedPerm) -> Halves {
        let mut out = Halves::zeros(self.m);
        for i in 0..self.m {
            for c in 0..self.m {
                *out.at(j.image[i], c) = i64::from(j.sign[i]) * self.twice[i * self.m + c];
            }
        }
        out
    }

    /// `self * j`: column `i` of the result is `sign_i` times column `j(i)`.
    pub(super) fn perm_right(&self, j: &SignedPerm) -> Halves {
        let mut out = Halves::zeros(self.m);
        for r in 0..self.m {
            for i in 0..self.m {
                *out.at(r, i) = i64::from(j.sign[i]) * self.twice[r * self.m + j.image[i]];
            }
        }
        out
    }

    pub(super) fn to_matrix(&self) -> Matrix {
        Matrix::from_vec(
            self.m,
            self.m,
            self.twice
                .iter()
                .map(|&x| Q::new(x.into(), 2.into()))
                .collect(),
        )
    }
}

/// The matrix `B` with `B v = w` for the eigenvectors `v` of `j` and `w` of `k`
/// (same slot): column `i` of `B` is the image of `e_i`.
pub(super) fn map_eigen(
    m: usize,
    vj: &(Vec<Sparse>, Vec<Sparse>),
    wk: &(Vec<Sparse>, Vec<Sparse>),
) -> Halves {
    let mut b = Halves::zeros(m);
    // Adds `twice_coef / 2 * w` to column `col`.
    let add = |b: &mut Halves, col: usize, w: &Sparse, twice_coef: i64| {
        for &(r, x) in w {
            *b.at(r, col) += twice_coef * x;
        }
    };
    for (t, v) in vj.0.iter().enumerate() {
        if let [(i, _), (k, s)] = v[..] {
            // Pair (i, k, s): e_i = (v+ + v-)/2, e_k = s (v+ - v-)/2.
            let (wp, wm) = (&wk.0[t], &wk.1[t]);
            add(&mut b, i, wp, 1);
            add(&mut b, i, wm, 1);
            add(&mut b, k, wp, s);
            add(&mut b, k, wm, -s);
        } else {
            add(&mut b, v[0].0, &wk.0[t], 2);
        }
    }
    for (t, v) in vj.1.iter().enumerate() {
        if v.len() == 1 {
            add(&mut b, v[0].0, &wk.1[t], 2);
        }
    }
    b
}

/// `(B, B^-1)` with `B j B^-1 = k`, for signed involutions with equal minus counts.
pub(super) fn conjugator(j: &SignedPerm, k: &SignedPerm) -> (Halves, Halves) {
    let vj = eigenvectors(j);
    let wk = eigenvectors(k);
    (map_eigen(j.len(), &vj, &wk), map_eigen(j.len(), &wk, &vj))
}

/// The layers of a component in product order (leftmost first), shifts as
/// [`Halves`].
pub(super) fn build(comp: &Component, kind: Kind, d: usize) -> Vec<(Kind, Halves)> {
    match comp {
        Component::Factor { p, q } => {
            // U-form: diag(J, B J B^-1) with J = p, B J B^-1 = q;
            // L-form: diag(B J B^-1, J) with J = q, B J B^-1 = p.
            let (j, k) = if kind == Kind::Upper { (p, q) } else { (q, p) };
            let (b, b_inv) = conjugator(j, k);
            let j_b_inv = b_inv.perm_left(j);
            let (ends, mid) = (kind, kind.other());
            // lemma: involution_pair_ulu (U-form)
            // lemma: involution_pair_lul (L-form)
            // lemma: pair_eigenvectors (B and B^-1 from the eigenvectors)
            vec![
                (ends, b_inv.neg()),
                (mid, b.clone()),
                (ends, j_b_inv.sub(&b_inv)),
                (mid, b.perm_right(j).neg()),
                (ends, j_b_inv),
            ]
        }
        Component::Rotation { pairs } => {
            let mut m = Halves::zeros(d);
            let mut mt = Halves::zeros(d);
            for &(a, b, e) in pairs {
                *m.at(a, b - d) = 2 * i64::from(e);
                *mt.at(b - d, a) = 2 * i64::from(e);
            }
            if kind == Kind::Upper {
                // lemma: matching_rotation_ulu
                vec![
                    (Kind::Upper, m.neg()),
                    (Kind::Lower, mt),
                    (Kind::Upper, m.neg()),
                ]
            } else {
                // lemma: matching_rotation_lul
                vec![
                    (Kind::Lower, mt.clone()),
                    (Kind::Upper, m.neg()),
                    (Kind::Lower, mt),
                ]
            }
        }
    }
}

/// Replaces the chain `M_K ... M_1` (application order) by one for
/// `diag(s) M_K ... M_1`, pushing the sign diagonal `s` through the last layers
/// until a layer of each kind has absorbed its part.
pub(super) fn absorb_left(layers: &mut [Layer], s: &[Q], d: usize) -> Result<(), PermutationError> {
    let mut s1: Vec<Q> = s[..d].to_vec();
    let mut s2: Vec<Q> = s[d..].to_vec();
    for l in layers.iter_mut().rev() {
        if s1.iter().chain(&s2).all(One::is_one) {
            return Ok(());
        }
        match l.kind {
            // lemma: absorb_diag_lower (S1^-1 = S1 for signs)
            Kind::Lower => {
                l.shift = l.shift.scale_rows(&s2).scale_cols(&s1);
                l.scale = l.scale.iter().zip(&s2).map(|(a, b)| a * b).collect();
                s2 = vec![Q::one(); s2.len()];
            }
            // lemma: absorb_diag_upper (S2^-1 = S2 for signs)
            Kind::Upper => {
                l.shift = l.shift.scale_rows(&s1).scale_cols(&s2);
                l.scale = l.scale.iter().zip(&s1).map(|(a, b)| a * b).collect();
                s1 = vec![Q::one(); s1.len()];
            }
        }
    }
    if s1.iter().chain(&s2).all(One::is_one) {
        Ok(())
    } else {
        Err(PermutationError::Internal(
            "a sign flip could not be absorbed (the chain is too short)".into(),
        ))
    }
}
