//! The G-route: the three explicit layers and the crux matrix `G`, computed by
//! fraction-free eliminations so that every number is a ratio of minors of `T`.
//!
//! For `T = [[T11, T12], [T21, T22]]` with `T21` invertible and
//! `R = T11 T21^-1 T22 - T12` (lemma `compact_g_route`):
//!
//! `T = U(T11 T21^-1 - R) L(R^-1) U(R (T22 - I)) diag(G, I)`, `G = R T21`.
//!
//! One forward elimination of `[[T21, T22, I], [T11, T12, 0]]` on its first `d`
//! columns (pivots in the `T21` rows) leaves `p [-R | -T11 T21^-1]` with `p` the
//! last pivot (`+-det T21`), so `R`, `X = T11 T21^-1 - R`, `Y = R (T22 - I)` and
//! `p G = -(p R') T21` (`p R' = -p R` the integer state) come with one common
//! denominator. `R^-1` is `-(T^-1)_{21}` and is computed by [`scaled_inverse`].
//! The unit triangular factors of `G = L_G D_G U_G` are read off two
//! Gauss-Jordan passes over `p G` and `p G^T` that start with divisor `p`
//! ([`snapshots_from`]): `D_G`, `U_G`, `U_G^-1` and the level blocks of both
//! trees (`super::tree`).

use super::gadget::{Block, Op};
use super::tree::Node;
use crate::exact::{
    IntMatrix, Matrix, Q, ScaledSnapshots, scaled_inverse, schur_state, snapshots_from,
    triangular_inverse, unit_upper, unit_upper_inverse,
};
use num_bigint::BigInt;
use num_traits::{One, Zero};

/// The explicit layers and the crux data for one (preconditioned) input.
pub(super) struct Parts {
    /// `X = T11 T21^-1 - R` (the last upper layer).
    pub(super) x: Matrix,
    /// `A = R^-1` (the lower layer), `-(T^-1)_{21}`.
    pub(super) a: Matrix,
    /// `Y = R (T22 - I)` (the first upper layer after the crux).
    pub(super) y: Matrix,
    /// `D_G`, the diagonal of `G = L_G D_G U_G`.
    pub(super) scale: Vec<Q>,
    /// `U_G` and its inverse.
    pub(super) u: Matrix,
    pub(super) u_inv: Matrix,
    /// Level operations of `L_G` by depth (index `g - 1` for depth `g`).
    pub(super) lower: Vec<Op>,
    /// Level operations of `U_G` by depth.
    pub(super) upper: Vec<Op>,
}

fn int_block(t: &IntMatrix, r0: usize, c0: usize, d: usize) -> IntMatrix {
    t.block(r0..r0 + d, c0..c0 + d)
}

fn map(m: &IntMatrix, f: impl Fn(&BigInt) -> BigInt) -> IntMatrix {
    IntMatrix::new(
        m.rows.iter().map(|r| r.iter().map(&f).collect()).collect(),
        m.cols,
    )
}

fn zip(a: &IntMatrix, b: &IntMatrix, f: impl Fn(&BigInt, &BigInt) -> BigInt) -> IntMatrix {
    IntMatrix::new(
        a.rows
            .iter()
            .zip(&b.rows)
            .map(|(x, y)| x.iter().zip(y).map(|(u, v)| f(u, v)).collect())
            .collect(),
        a.cols,
    )
}

/// The parts for an integer `t` (`2d x 2d`), or `None` when `T21` is singular,
/// `R` is singular (then `T` is) or a leading principal minor of `G` vanishes.
pub(super) fn prepare(t: &IntMatrix, lower: &[Vec<Node>], upper: &[Vec<Node>]) -> Option<Parts> {
    let d = t.nrows() / 2;
    let (t11, t12) = (int_block(t, 0, 0, d), int_block(t, 0, d, d));
    let (t21, t22) = (int_block(t, d, 0, d), int_block(t, d, d, d));
    crate::progress::stage("compact: Schur complement of T21 (one elimination)");
    // [[T21, T22, I], [T11, T12, 0]].
    let rows: Vec<Vec<BigInt>> = (0..d)
        .map(|i| {
            let mut r = t21.rows[i].clone();
            r.extend(t22.rows[i].iter().cloned());
            r.extend((0..d).map(|j| {
                if i == j {
                    BigInt::one()
                } else {
                    BigInt::zero()
                }
            }));
            r
        })
        .chain((0..d).map(|i| {
            let mut r = t11.rows[i].clone();
            r.extend(t12.rows[i].iter().cloned());
            r.extend((0..d).map(|_| BigInt::zero()));
            r
        }))
        .collect();
    let (state, p) = schur_state(IntMatrix::new(rows, 3 * d), d, d)?;
    // state = p [T12 - T11 T21^-1 T22 | -T11 T21^-1] = [-p R | -p T11 N].
    let s1 = state.block(0..d, 0..d);
    let s2 = state.block(0..d, d..2 * d);
    // lemma: compact_g_route
    let x = zip(&s1, &s2, |a, b| a - b).to_matrix(&p);
    let t22_minus_i = IntMatrix::new(
        (0..d)
            .map(|i| {
                let mut r = t22.rows[i].clone();
                r[i] -= 1;
                r
            })
            .collect(),
        d,
    );
    let y = map(&s1.mul(&t22_minus_i), |v| -v).to_matrix(&p);
    let g = map(&s1.mul(&t21), |v| -v);
    // R^-1 = -(s1 / p)^-1.
    let a = -&scaled_inverse(&s1, &p)?;
    crate::progress::stage("compact: LDU of G (two fraction-free passes with divisor p)");
    let requests = |levels: &[Vec<Node>]| -> Vec<(usize, usize, usize)> {
        levels.iter().flatten().map(|v| (v.s, v.k, v.e)).collect()
    };
    let (ru, rl) = (requests(upper), requests(lower));
    let gt = g.transpose();
    let (su, sl) = rayon::join(
        || snapshots_from(g.rows.clone(), p.clone(), &ru, true),
        || snapshots_from(gt.rows, p.clone(), &rl, false),
    );
    let (su, sl) = (su.ok()?, sl.ok()?);
    let piv = &su.pivots;
    let scale: Vec<Q> = (0..d)
        .map(|i| crate::exact::ratio(piv[i + 1].clone(), piv[i].clone()))
        .collect();
    let u = unit_upper(&su.pivot_rows, piv);
    let u_inv = unit_upper_inverse(&su.pivot_rows, piv)
        .or_else(|| triangular_inverse(&u, false))
        .expect("a unit triangular matrix is invertible");
    let ops = |levels: &[Vec<Node>], snaps: &ScaledSnapshots, lower: bool| -> Vec<Op> {
        let mut it = snaps.blocks.iter();
        levels
            .iter()
            .map(|level| Op {
                d,
                blocks: level
                    .iter()
                    .map(|v| {
                        let raw = it.next().expect("one snapshot per node");
                        let den = snaps.pivots[v.k].clone();
                        // lemma: compact_level_lower (X = L21 L11^-1, from the pass on G^T)
                        // lemma: compact_level_upper (Y = U11^-1 U12, from the pass on G)
                        let (j, k, num) = if lower {
                            (v.s..v.k, v.k..v.e, raw.transpose())
                        } else {
                            (v.k..v.e, v.s..v.k, raw.clone())
                        };
                        Block {
                            j,
                            k,
                            b: num.to_matrix(&den),
                            num,
                            den,
                        }
                    })
                    .collect(),
            })
            .collect()
    };
    Some(Parts {
        x,
        a,
        y,
        scale,
        u,
        u_inv,
        lower: ops(lower, &sl, true),
        upper: ops(upper, &su, false),
    })
}
