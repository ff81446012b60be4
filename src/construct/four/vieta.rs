//! d = 3: rational points of the scale variety by Vieta jumping (stratum A,
//! `T22` invertible).
//!
//! `(T22 Psi) K = K (S11 Phi)` needs `e_k(T22 Psi) = e_k(S11 Phi)` for
//! `k = 1, 2, 3` (`e_k`: the sum of the k x k principal minors). Each side is
//! multilinear: `e_k(A Psi) = sum_{|I| = k} det(A_II) prod_{i in I} psi_i`.
//! Fix one index `a` of `psi` and one `b` of `phi`: the three equations are
//! linear in `(psi_a, phi_b)` (they never multiply each other), so the other
//! four scales must make the 3x3 determinant `Q = det[alpha, -gamma, beta - delta]`
//! vanish (a quartic surface, of degree at most 2 in each variable), and then
//! `(psi_a, phi_b)` follow by a linear solve. The surface contains the lines
//! where one other `psi_i` and one other `phi_j` vanish. Starting there, a
//! *jump* fixes three coordinates: `Q` is a quadratic in the fourth with one
//! known root, so the other root is rational (obtained from three evaluations).
//! Jumps in turn leave the boundary and give infinitely many rational points;
//! each is lifted, its scales checked (nonzero, positive in positive mode after
//! a common sign flip) and handed to stratum A (whose intertwiner search checks
//! the similarity). The search stops after `budget` lifted points.

use super::super::rng::Rng;
use super::{Chain, View, from_scales};
use crate::exact::{Matrix, Q, q, qi};
use num_traits::{Signed, Zero};

/// Points whose scales have more bits than this are skipped (they are rarely
/// useful and costly to try).
const MAX_SCALE_BITS: u64 = 1024;

/// Principal minors of a 3x3 matrix, indexed by the bitmask of the index set.
fn principal_minors(m: &Matrix) -> [Q; 8] {
    let mut out: [Q; 8] = Default::default();
    for (mask, slot) in out.iter_mut().enumerate().skip(1) {
        let idx: Vec<usize> = (0..3).filter(|i| mask >> i & 1 == 1).collect();
        *slot = m.permuted(&idx, &idx).det();
    }
    out
}

/// For `e_k(M X) = x_a alpha_k + beta_k` (`k = 1, 2, 3`) given the other `x`.
fn coefficients(minors: &[Q; 8], x: &[Q; 3], a: usize) -> ([Q; 3], [Q; 3]) {
    let mut alpha: [Q; 3] = Default::default();
    let mut beta: [Q; 3] = Default::default();
    for (mask, minor) in minors.iter().enumerate().skip(1) {
        if minor.is_zero() {
            continue;
        }
        let k = (mask as u32).count_ones() as usize - 1;
        let mut prod = minor.clone();
        for (i, xi) in x.iter().enumerate() {
            if mask >> i & 1 == 1 && i != a {
                prod *= xi;
            }
        }
        if mask >> a & 1 == 1 {
            alpha[k] += prod;
        } else {
            beta[k] += prod;
        }
    }
    (alpha, beta)
}

struct Surface {
    ma: [Q; 8],
    mb: [Q; 8],
    a: usize,
    b: usize,
}

impl Surface {
    fn rows(&self, psi: &[Q; 3], phi: &[Q; 3]) -> [[Q; 3]; 3] {
        let (al, be) = coefficients(&self.ma, psi, self.a);
        let (ga, de) = coefficients(&self.mb, phi, self.b);
        let mut r: [[Q; 3]; 3] = Default::default();
        for k in 0..3 {
            r[k] = [al[k].clone(), -&ga[k], &be[k] - &de[k]];
        }
        r
    }

    fn value(&self, psi: &[Q; 3], phi: &[Q; 3]) -> Q {
        let r = self.rows(psi, phi);
        det3(&r)
    }

    /// `(psi_a, phi_b)` from the 3x2 system, when it has a unique solution.
    fn lift(&self, psi: &[Q; 3], phi: &[Q; 3]) -> Option<([Q; 3], [Q; 3])> {
        let r = self.rows(psi, phi);
        // Pick two rows with a nonzero 2x2 determinant, solve, verify the third.
        for (i, j) in [(0, 1), (0, 2), (1, 2)] {
            let det = &(&r[i][0] * &r[j][1]) - &(&r[i][1] * &r[j][0]);
            if det.is_zero() {
                continue;
            }
            let (ci, cj) = (-&r[i][2], -&r[j][2]);
            let u = &(&(&ci * &r[j][1]) - &(&r[i][1] * &cj)) / &det;
            let w = &(&(&r[i][0] * &cj) - &(&ci * &r[j][0])) / &det;
            let ok = (0..3).all(|k| (&(&(&r[k][0] * &u) + &(&r[k][1] * &w)) + &r[k][2]).is_zero());
            if !ok {
                return None;
            }
            let (mut p, mut f) = (psi.clone(), phi.clone());
            p[self.a] = u;
            f[self.b] = w;
            return Some((p, f));
        }
        None
    }

    /// The other root of the quadratic in coordinate `idx` of `psi` (`on_psi`)
    /// or `phi` through the current point (where `Q = 0`).
    fn jump(
        &self,
        psi: &[Q; 3],
        phi: &[Q; 3],
        on_psi: bool,
        idx: usize,
    ) -> Option<([Q; 3], [Q; 3])> {
        let cur = if on_psi { &psi[idx] } else { &phi[idx] }.clone();
        let at = |s: Q| {
            let (mut p, mut f) = (psi.clone(), phi.clone());
            if on_psi {
                p[idx] = s;
            } else {
                f[idx] = s;
            }
            (p, f)
        };
        let (p0, f0) = at(cur.clone());
        if !self.value(&p0, &f0).is_zero() {
            return None;
        }
        let (p1, f1) = at(&cur + qi(1));
        let (p2, f2) = at(&cur + qi(2));
        let (v1, v2) = (self.value(&p1, &f1), self.value(&p2, &f2));
        // q(s) = c2 (s - cur)^2 + c1 (s - cur).
        let c2 = &(&v2 - &(&v1 * qi(2))) / qi(2);
        let c1 = &v1 - &c2;
        if c2.is_zero() {
            return None;
        }
        let root = &cur - &(&c1 / &c2);
        Some(at(root))
    }
}

fn det3(r: &[[Q; 3]; 3]) -> Q {
    let m = |i: usize, j: usize| &r[i][j];
    let t1 = m(0, 0) * &(&(m(1, 1) * m(2, 2)) - &(m(1, 2) * m(2, 1)));
    let t2 = m(0, 1) * &(&(m(1, 0) * m(2, 2)) - &(m(1, 2) * m(2, 0)));
    let t3 = m(0, 2) * &(&(m(1, 0) * m(2, 1)) - &(m(1, 1) * m(2, 0)));
    &(&t1 - &t2) + &t3
}

/// Vieta jumping on one view (d = 3, `G22` invertible), at most `budget` lifted points.
pub fn vieta(view: &View, positive: bool, budget: usize, rng: &mut Rng) -> Option<Chain> {
    let (g, gi) = (&view.g, &view.gi);
    if g.d() != 3 || budget == 0 {
        return None;
    }
    let t22_inv = g.t22.inverse().ok()?;
    let ma = principal_minors(&g.t22);
    let mb = principal_minors(&gi.t11);
    let grid: Vec<Q> = vec![qi(1), qi(2), qi(-1), q(1, 2), qi(3), qi(-2)];
    let mut used = 0usize;
    for a in 0..3 {
        for b in 0..3 {
            let surf = Surface {
                ma: ma.clone(),
                mb: mb.clone(),
                a,
                b,
            };
            let op: Vec<usize> = (0..3).filter(|&i| i != a).collect();
            let of: Vec<usize> = (0..3).filter(|&j| j != b).collect();
            for (i0, i1) in [(op[0], op[1]), (op[1], op[0])] {
                for (j0, j1) in [(of[0], of[1]), (of[1], of[0])] {
                    for u in &grid {
                        let mut psi: [Q; 3] = [qi(1), qi(1), qi(1)];
                        let mut phi: [Q; 3] = [qi(1), qi(1), qi(1)];
                        psi[i0] = Q::zero();
                        phi[j0] = Q::zero();
                        psi[i1] = qi(1);
                        phi[j1] = u.clone();
                        let mut frontier = vec![(psi, phi)];
                        for _step in 0..4 {
                            let mut next = Vec::new();
                            for (ps, ph) in &frontier {
                                for (on_psi, idx) in
                                    [(true, i0), (false, j0), (true, i1), (false, j1)]
                                {
                                    let Some(r) = surf.jump(ps, ph, on_psi, idx) else {
                                        continue;
                                    };
                                    if let Some((p, f)) = surf.lift(&r.0, &r.1) {
                                        used += 1;
                                        if let Some(c) =
                                            try_scales(g, gi, &t22_inv, p, f, positive, rng)
                                        {
                                            return Some(c);
                                        }
                                        if used >= budget {
                                            return None;
                                        }
                                    }
                                    next.push(r);
                                }
                            }
                            next.truncate(6);
                            frontier = next;
                        }
                    }
                }
            }
        }
    }
    None
}

fn try_scales(
    g: &crate::construct::blocks::Blocks,
    gi: &crate::construct::blocks::Blocks,
    t22_inv: &Matrix,
    mut psi: [Q; 3],
    mut phi: [Q; 3],
    positive: bool,
    rng: &mut Rng,
) -> Option<Chain> {
    if psi.iter().chain(&phi).any(Zero::is_zero) {
        return None;
    }
    if positive {
        let pos = psi.iter().chain(&phi).filter(|x| x.is_positive()).count();
        match pos {
            6 => {}
            0 => {
                for x in psi.iter_mut().chain(phi.iter_mut()) {
                    *x = -x.clone();
                }
            }
            _ => return None,
        }
    }
    if psi
        .iter()
        .chain(&phi)
        .any(|x| crate::exact::bits(x) > MAX_SCALE_BITS)
    {
        return None;
    }
    from_scales(g, gi, t22_inv, &phi, &psi, positive, rng)
}
