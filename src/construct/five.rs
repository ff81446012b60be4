//! The five-layer core `T = U0 L1 U1 L2 U2` (half/half split, block size `d`), exact
//! over Q, for targets with `T21` invertible whose `N := T21^-1` and
//! `R := T11 N T22 - T12` both have UL factorisations (all trailing principal
//! minors nonzero; the open "big cell" of the Bruhat decomposition).
//!
//! Construction (see `docs/construction.md`; every step names its lemma in `proofs/`):
//! 1. `N = U_N L_N`, `R = U_R L_R` (UL factorisations, `U_*` unit upper). Then
//!    `U := U_N U_R^-1` (upper) and `Lam := L_N^-1 L_R` (lower) satisfy `U R = N Lam`.
//! 2. Pick distinct nonzero `c_i`; `Omega = diag(c_i / Lam_ii)`, `Delta = diag(c_i / U_ii)`.
//!    `Omega Lam` (lower) and `Delta U` (upper) both have spectrum `{c_i}`, so their
//!    triangular eigenvector matrices `V1`, `V2` give `Z := V2 V1^-1` with
//!    `Z (Omega Lam) Z^-1 = Delta U`.
//! 3. `W := N (T22 - Lam)`, `B0 := (T12 - T11 W - Z) Lam^-1`, `T' := U(-B0) T`.
//! 4. Layers: `U2 = U(W, I)`, `L2 = L(A2, I)`, `U1 = U(Z, E1)`, `L1 = L(A1, D1)`,
//!    `U0 = U(B0, I)` with `D1 = Omega^-1`, `A1 = (Lam - D1) Z^-1`,
//!    `A2 = D1^-1 (T21 - A1 T'11)`, `E1 = T'11 - Z A2`, which equals `Delta`
//!    (diagonal) by the similarity.
//!
//! Signs: `D1_i = Lam_ii / c_i` and `E1_i = c_i / U_ii`. Choosing the sign of
//! `c_i` fixes one of them; the product `sign(Lam_ii U_ii)` is forced. In positive
//! mode the forced negative signs are split evenly between `D1` and `E1` and then
//! moved out as a balanced sign matrix `diag(S1, S2)` realised by four unit layers
//! (lemma `block_diag_four` with `Q = S0`), two of which merge with neighbours.

use super::blocks::{Blocks, Chain};
use crate::exact::{Matrix, Q, q_add, q_div, q_mul, qi, triangular_inverse, ul_unit_lower};
use crate::layer::{Kind, Layer, Mode, invert};
use num_traits::{One, Signed, Zero};

/// What the core needs to know about `T` before committing to the full
/// construction: the triangular pair `(U, Lam)`.
pub struct CorePlan {
    u: Matrix,
    lam: Matrix,
    n: Matrix,
}

impl CorePlan {
    /// Number of coordinates whose scale sign is forced negative
    /// (`sign(Lam_ii U_ii) < 0`); zero means a positive five-layer product.
    pub fn forced_negative(&self) -> usize {
        (0..self.u.rows())
            .filter(|&i| (self.lam.get(i, i) * self.u.get(i, i)).is_negative())
            .count()
    }
}

/// Step 1: the triangular pair, if `T21` is invertible and `N`, `R` both have UL
/// factorisations.
pub fn plan(b: &Blocks) -> Option<CorePlan> {
    let n = b.t21.inverse().ok()?;
    // lemma: core_reduce
    let r = &(&(&b.t11 * &n) * &b.t22) - &b.t12;
    let (un, _ln) = ul_unit_lower(&n)?;
    let (ur, _lr) = ul_unit_lower(&r)?;
    // lemma: core_triangular_pair (U R = N Lam). Every U = U_N Dt U_R^-1 with Dt
    // diagonal works (then Lam = L_N^-1 Dt L_R = T21 U R). Dt_k clears the
    // denominators of column k of U_N and row k of U_R^-1, so U has no mixed
    // denominators (much smaller entries than Dt = I).
    let ur_inv = triangular_inverse(&ur, false)?;
    let dt: Vec<Q> = (0..un.rows())
        .map(|k| {
            let col = (0..un.rows()).map(|i| un.get(i, k));
            let row = (0..un.rows()).map(|j| ur_inv.get(k, j));
            Q::from_integer(crate::exact::lcm_of_denominators(col.chain(row)))
        })
        .collect();
    let u = &un.scale_cols(&dt) * &ur_inv;
    // lemma: core_lam_from_u
    let lam = &(&b.t21 * &u) * &r;
    if !lam.is_lower_triangular() {
        return None;
    }
    Some(CorePlan { u, lam, n })
}

/// Eigenvector matrix of a triangular matrix `a` with distinct diagonal `c`:
/// unit triangular `V` (same orientation as `a`) with `a V = V diag(c)`.
pub(crate) fn triangular_eigenvectors(a: &Matrix, lower: bool) -> Matrix {
    let d = a.rows();
    let mut v = Matrix::identity(d);
    for j in 0..d {
        let cj = a.get(j, j).clone();
        // Lower: rows i > j in increasing order; upper: rows i < j in decreasing order.
        let rows: Vec<usize> = if lower {
            (j + 1..d).collect()
        } else {
            (0..j).rev().collect()
        };
        for i in rows {
            let range: Vec<usize> = if lower {
                (j..i).collect()
            } else {
                (i + 1..=j).collect()
            };
            let mut s = Q::zero();
            for k in range {
                let aik = a.get(i, k);
                let vk = v.get(k, j);
                if !aik.is_zero() && !vk.is_zero() {
                    s = q_add(&s, &q_mul(aik, vk));
                }
            }
            if !s.is_zero() {
                let denom = a.get(i, i) - &cj;
                v.set(i, j, -q_div(&s, &denom));
            }
        }
    }
    v
}

/// Steps 2-4: the five layers (application order), plus the sign fix in positive
/// mode. `T21` must be the one used in `plan`.
pub fn build(b: &Blocks, plan: &CorePlan, mode: Mode) -> Option<Chain> {
    let d = b.d();
    let CorePlan { u, lam, n } = plan;
    // Step 2: spectrum c_i = +-(i + 1); sign(c_i) = sign(Lam_ii) makes D1_i > 0.
    let forced: Vec<usize> = (0..d)
        .filter(|&i| (lam.get(i, i) * u.get(i, i)).is_negative())
        .collect();
    // In positive mode, flip c_i for the first half of the forced coordinates so
    // the negative signs split evenly between D1 (part 2) and E1 (part 1).
    let flip_count = if mode == Mode::Positive {
        forced.len() / 2
    } else {
        0
    };
    let c: Vec<Q> = (0..d)
        .map(|i| {
            let mut s = if lam.get(i, i).is_negative() { -1 } else { 1 };
            if forced[..flip_count].contains(&i) {
                s = -s;
            }
            qi(s * (i as i64 + 1))
        })
        .collect();
    let omega: Vec<Q> = (0..d).map(|i| &c[i] / lam.get(i, i)).collect();
    let delta: Vec<Q> = (0..d).map(|i| &c[i] / u.get(i, i)).collect();
    // lemma: triangular_similarity
    let v1 = triangular_eigenvectors(&lam.scale_rows(&omega), true);
    let v2 = triangular_eigenvectors(&u.scale_rows(&delta), false);
    let v1_inv = triangular_inverse(&v1, true)?;
    // lemma: core_similarity (Z (Omega Lam) Z^-1 = Delta U with Z = V2 V1^-1)
    let z = &v2 * &v1_inv;
    // Step 3.
    // lemma: core_u0_peel (T'11 is the top-left block of U(B0, I)^-1 T)
    let w = n * &(&b.t22 - lam);
    let y1_0 = &b.t12 - &(&b.t11 * &w);
    let b0 = &(&y1_0 - &z) * &triangular_inverse(lam, true)?;
    let t11p = &b.t11 - &(&b0 * &b.t21);
    // Step 4. lemma: core_solution
    let d1: Vec<Q> = omega.iter().map(|x| x.recip()).collect();
    // Z^-1 = V1 V2^-1 (triangular inverses only).
    // lemma: core_z_inverse
    let z_inv = &v1 * &triangular_inverse(&v2, false)?;
    let a1 = &(lam - &Matrix::from_diagonal(&d1)) * &z_inv;
    let d1inv = omega.clone();
    let a2 = (&b.t21 - &(&a1 * &t11p)).scale_rows(&d1inv);
    let e1m = &t11p - &(&z * &a2);
    // lemma: core_e1_is_delta
    if !e1m.is_diagonal() {
        return None;
    }
    let e1 = e1m.diagonal();
    debug_assert_eq!(e1, delta);
    let mut chain = vec![
        Layer::unit(Kind::Upper, w),
        Layer::unit(Kind::Lower, a2),
        Layer::upper(z, e1),
        Layer::lower(a1, d1),
        Layer::unit(Kind::Upper, b0),
    ];
    if mode == Mode::Positive {
        // lemma: positive_core
        chain = balance_signs(chain, 3, 2);
    }
    Some(chain)
}

/// Positive mode: `chain[lower_at]` is `L(A1, D1)` and `chain[upper_at]` is
/// `U(B1, E1)`, adjacent, with `U1` acting just before `L1`, and the negative
/// entries of `D1` and `E1` equal in number. Rewrites
/// `L(A1, D1) U(B1, E1) = L(A1, |D1|) diag(S1, S2) U(S1 B1, |E1|)` and replaces the
/// balanced sign matrix `diag(S1, S2)` by four unit layers, merging two of them.
pub fn balance_signs(chain: Chain, lower_at: usize, upper_at: usize) -> Chain {
    let (l1, u1) = (&chain[lower_at], &chain[upper_at]);
    let sign_of = |x: &Q| if x.is_negative() { qi(-1) } else { Q::one() };
    let s2: Vec<Q> = l1.scale.iter().map(sign_of).collect();
    let s1: Vec<Q> = u1.scale.iter().map(sign_of).collect();
    let neg1: Vec<usize> = (0..s1.len()).filter(|&i| s1[i].is_negative()).collect();
    let neg2: Vec<usize> = (0..s2.len()).filter(|&i| s2[i].is_negative()).collect();
    if neg1.is_empty() && neg2.is_empty() {
        return chain;
    }
    assert_eq!(neg1.len(), neg2.len(), "sign matrix must be balanced");
    // lemma: sign_extraction
    let new_l1 = Layer::lower(l1.shift.clone(), l1.scale.iter().map(|x| x.abs()).collect());
    let new_u1 = Layer::upper(
        u1.shift.scale_rows(&s1),
        u1.scale.iter().map(|x| x.abs()).collect(),
    );
    // lemma: sign_layers
    let signs = balanced_sign_layers(&neg1, &neg2, s1.len(), s2.len());
    let mut out: Chain = Vec::with_capacity(chain.len() + 4);
    for (i, l) in chain.into_iter().enumerate() {
        if i == upper_at {
            out.push(new_u1.clone());
            out.extend(signs.iter().cloned());
        } else if i == lower_at {
            out.push(new_l1.clone());
        } else {
            out.push(l);
        }
    }
    crate::layer::Decomposition {
        split: crate::layer::Split::new(s1.len(), s2.len()),
        mode: Mode::Positive,
        layers: out,
    }
    .normalized()
    .layers
}

/// Four unit layers (application order) whose product is `diag(S1, S2)`, where
/// `S1` is `-1` exactly on `neg1` and `S2` exactly on `neg2` (equal counts).
/// In product order the layers are `L U L U`, so the first applied is upper and the
/// last applied is lower.
pub fn balanced_sign_layers(neg1: &[usize], neg2: &[usize], p: usize, q: usize) -> Chain {
    let m = neg1.len();
    // Block permutation sending the negative coordinates to the first m positions.
    let order = |neg: &[usize], len: usize| -> Vec<usize> {
        let mut next = m;
        (0..len)
            .map(|i| match neg.iter().position(|&k| k == i) {
                Some(pos) => pos,
                None => {
                    next += 1;
                    next - 1
                }
            })
            .collect::<Vec<usize>>()
    };
    let (perm1, perm2) = (order(neg1, p), order(neg2, q));
    // diag(S0, S0) with S0 = diag(-1 x m, 1, ...): lemma block_diag_four with Q = S0
    // (Q^-1 = Q): diag(Q^-1, Q) = L(Q - I) U(I) L(Q^-1 - I) U(-Q).
    let s0: Vec<Q> = (0..p)
        .map(|i| if i < m { qi(-1) } else { Q::one() })
        .collect();
    let s0m = Matrix::from_diagonal(&s0);
    let qm_i = &s0m - &Matrix::identity(p);
    // lemma: block_diag_four
    let product_order = [
        Layer::unit(Kind::Lower, qm_i.clone()),
        Layer::unit(Kind::Upper, Matrix::identity(p)),
        Layer::unit(Kind::Lower, qm_i),
        Layer::unit(Kind::Upper, -&s0m),
    ];
    let chain: Chain = product_order.into_iter().rev().collect();
    // diag(S1, S2) = P^-1 diag(S0, S0) P with P = diag(P1, P2).
    // lemma: sign_layers
    let (i1, i2) = (invert(&perm1), invert(&perm2));
    chain
        .iter()
        .map(|l| l.conjugate_permutation(&i1, &i2))
        .collect()
}

/// Positive mode, diagonal targets: `T = diag(P1, P2) diag(S1, S2)` with `P` the
/// absolute values and a balanced sign matrix (as many `-1` in each half) is four
/// positive layers: the sign layers of [`balanced_sign_layers`] conjugated by
/// `diag(P1, I)`, with `diag(P1, I)` and `diag(I, P2)` merged into the first and
/// last of them (lemmas `push_diag_lower`, `push_diag_upper`, `block_diag_four`).
/// `None` if `T` is not diagonal or its signs are not balanced.
pub fn balanced_diagonal(t: &Matrix) -> Option<Chain> {
    if !t.is_diagonal() {
        return None;
    }
    let d = t.rows() / 2;
    let diag = t.diagonal();
    let neg1: Vec<usize> = (0..d).filter(|&i| diag[i].is_negative()).collect();
    let neg2: Vec<usize> = (0..d).filter(|&i| diag[d + i].is_negative()).collect();
    if neg1.len() != neg2.len() || diag.iter().any(Zero::is_zero) {
        return None;
    }
    let p1: Vec<Q> = diag[..d].iter().map(|x| x.abs()).collect();
    let p2: Vec<Q> = diag[d..].iter().map(|x| x.abs()).collect();
    let ones = vec![Q::one(); d];
    // lemma: push_diag_upper
    // T = diag(I, P2) (D S D^-1) D with D = diag(P1, I).
    let mut chain = vec![Layer::scaling(
        Kind::Upper,
        crate::layer::Split::new(d, d),
        p1.clone(),
    )];
    if !neg1.is_empty() {
        chain.extend(
            balanced_sign_layers(&neg1, &neg2, d, d)
                .iter()
                .map(|l| l.conjugate_diagonal(&p1, &ones)),
        );
    }
    chain.push(Layer::scaling(
        Kind::Lower,
        crate::layer::Split::new(d, d),
        p2,
    ));
    Some(
        crate::layer::Decomposition {
            split: crate::layer::Split::new(d, d),
            mode: Mode::Positive,
            layers: chain,
        }
        .normalized()
        .layers,
    )
}
