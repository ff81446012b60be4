//! Five layers `T = U(B0, I) M` with `M = L U L U` found by the triangular
//! criterion of the four-layer construction (`docs/construction.md`, "Tier 2b:
//! a peel and four layers"; lemmas in `proofs/six.proof`). It reaches inputs the
//! five-layer core cannot: swap-like matrices, and positive mode without the
//! core's sign fix (the positive swap family `examples/lower_bound_{4,8}.txt`).
//!
//! `M = U(-B0, I) T` is `L U L U` iff `N := S M S` is `U L U L`. The criterion
//! needs `N22 = M11 = T11 - B0 T21` and `(N^-1)11 = (M^-1)22 = S22 + S21 B0`
//! triangular up to simultaneous permutations (lemma `peel_four_blocks`). Both
//! are affine in `B0`, so for chosen orders the zero conditions are a linear
//! system (`d (d - 1)` equations in `d^2` unknowns); a solution whose two
//! diagonals are nonzero (and, in positive mode, have equally many negative
//! entries) gives the four layers of `N`. The other peels (a lower layer, or a
//! layer on the right) are the same on the views `S T S`, `T^-1`, `S T^-1 S`.

use super::blocks::{Blocks, Chain, Symmetry, swap_chain};
use super::four::triangular::four_triangular;
use super::rng::Rng;
use super::short::linalg::rref;
use crate::exact::{Matrix, Q, qi};
use crate::layer::{Kind, Layer};
use num_traits::Zero;

/// The largest block size tried on the default path (the linear system has
/// `d (d - 1)` equations in `d^2` unknowns).
pub const MAX_D: usize = 8;

/// The peel-and-four construction on one view (blocks `g` of the view, `gi` of
/// its inverse): the chain for the view, or `None`.
pub fn peel_four_view(g: &Blocks, gi: &Blocks, positive: bool, rng: &mut Rng) -> Option<Chain> {
    let d = g.d();
    let id: Vec<usize> = (0..d).collect();
    let rev: Vec<usize> = (0..d).rev().collect();
    for (oa, ob) in [(&id, &id), (&id, &rev), (&rev, &id), (&rev, &rev)] {
        // Unknowns B0[r][k] at index r * d + k; last column the right-hand side.
        let mut rows: Vec<Vec<Q>> = Vec::new();
        for i in 0..d {
            for j in i + 1..d {
                // N22[oa[i]][oa[j]] = T11[r][c] - sum_k B0[r][k] T21[k][c] = 0.
                let (r, c) = (oa[i], oa[j]);
                let mut row = vec![Q::zero(); d * d + 1];
                for k in 0..d {
                    row[r * d + k] = -g.t21.get(k, c).clone();
                }
                row[d * d] = -g.t11.get(r, c).clone();
                rows.push(row);
                // (N^-1)11[ob[i]][ob[j]] = S22[r][c] + sum_k S21[r][k] B0[k][c] = 0.
                let (r, c) = (ob[i], ob[j]);
                let mut row = vec![Q::zero(); d * d + 1];
                for k in 0..d {
                    row[k * d + c] = gi.t21.get(r, k).clone();
                }
                row[d * d] = -gi.t22.get(r, c).clone();
                rows.push(row);
            }
        }
        let aug = Matrix::from_vec(rows.len(), d * d + 1, rows.into_iter().flatten().collect());
        let (e, pivots) = rref(&aug);
        if pivots.contains(&(d * d)) {
            continue;
        }
        let mut part = vec![Q::zero(); d * d];
        for (i, &p) in pivots.iter().enumerate() {
            part[p] = e.get(i, d * d).clone();
        }
        let free: Vec<usize> = (0..d * d).filter(|c| !pivots.contains(c)).collect();
        for attempt in 0..4 {
            let mut b0v = part.clone();
            if attempt > 0 {
                for &f in &free {
                    let cf = qi(rng.range(-2, 2));
                    if cf.is_zero() {
                        continue;
                    }
                    b0v[f] += &cf;
                    for (i, &p) in pivots.iter().enumerate() {
                        b0v[p] -= &cf * e.get(i, f);
                    }
                }
            }
            let b0 = Matrix::from_vec(d, d, b0v);
            // lemma: peel_four_blocks
            let n = Blocks {
                t11: g.t22.clone(),
                t12: g.t21.clone(),
                t21: &g.t12 - &(&b0 * &g.t22),
                t22: &g.t11 - &(&b0 * &g.t21),
            };
            let ni = Blocks {
                t11: &gi.t22 + &(&gi.t21 * &b0),
                t12: gi.t21.clone(),
                t21: &gi.t12 + &(&gi.t11 * &b0),
                t22: gi.t11.clone(),
            };
            let Some(chain_n) = four_triangular(&n, &ni, positive) else {
                continue;
            };
            let mut chain = swap_chain(chain_n);
            chain.push(Layer::unit(Kind::Upper, b0));
            return Some(chain);
        }
    }
    None
}

/// The construction on the four views of `T`: the chain for `T` and the view.
pub fn peel_four(
    t: &Matrix,
    t_inv: &Matrix,
    positive: bool,
    seed: u64,
) -> Option<(Chain, Symmetry)> {
    if t.rows() / 2 > MAX_D {
        return None;
    }
    let mut rng = Rng::new(seed ^ 0x9ee1);
    for s in Symmetry::ALL {
        let g = Blocks::of(&s.apply(t, t_inv));
        let gi = Blocks::of(&s.apply(t_inv, t));
        if let Some(c) = peel_four_view(&g, &gi, positive, &mut rng) {
            return Some((s.restore(c), s));
        }
    }
    None
}

/// n = 4 only: a unit layer with shift entries in `{-1, 0, 1}` peeled on the
/// left or on the right, then the four-layer search of [`super::four`] (conic
/// and fixed `X`) on the rest: five layers where the triangular criterion of
/// [`peel_four`] does not apply. At most `2 * 2 * 81` four-layer searches, each
/// a closed form; the chain (application order) for `T`, or `None`.
pub fn grid_peel_four(t: &Matrix, positive: bool, seed: u64) -> Option<Chain> {
    if t.rows() != 4 || t.cols() != 4 {
        return None;
    }
    let split = crate::layer::Split::halves(4);
    let effort = super::four::Effort {
        vieta_points: 0,
        fixed_x: 2,
    };
    for code in 1..81i64 {
        let mut c = code;
        let shift = Matrix::from_vec(
            2,
            2,
            (0..4)
                .map(|_| {
                    let e = c % 3 - 1;
                    c /= 3;
                    qi(e)
                })
                .collect(),
        );
        for kind in [Kind::Upper, Kind::Lower] {
            let p = Layer::unit(kind, shift.clone());
            let p_inv = p.inverse().to_matrix(split);
            for left in [true, false] {
                // left: T = P M, chain = chain(M) then P; right: T = M P.
                let m = if left { &p_inv * t } else { t * &p_inv };
                let Ok(m_inv) = m.inverse() else { continue };
                let Some((chain_m, _, _)) = super::four::search(&m, &m_inv, positive, effort, seed)
                else {
                    continue;
                };
                let mut chain = Vec::with_capacity(5);
                if left {
                    chain.extend(chain_m);
                    chain.push(p.clone());
                } else {
                    chain.push(p.clone());
                    chain.extend(chain_m);
                }
                return Some(chain);
            }
        }
    }
    None
}
