//! d = 2: the four-layer scales in closed form, and the fixed-`X` method.
//!
//! **Conic** (stratum A, `T22` invertible). `(T22 Psi) K = K (S11 Phi)` needs
//! equal characteristic polynomials; with `t_i = (T22)_ii`, `s_i = (S11)_ii`,
//! `delta = det T` and `det S11 = det T22 / delta`:
//!
//! ```text
//! t1 psi1 + t2 psi2 = s1 phi1 + s2 phi2,     phi1 phi2 = delta psi1 psi2,
//! ```
//!
//! a plane section of a split quadric. Cutting it with the ruling
//! `phi1 = lambda psi1` parametrises all its points (up to scale):
//!
//! ```text
//! psi = (s2 delta - t2 lambda, lambda (t1 - s1 lambda)),
//! phi = (lambda psi1, delta (t1 - s1 lambda)),       lambda != 0
//! ```
//!
//! (lemma `four_conic_point`). A 2x2 pair with equal trace and determinant is
//! similar unless exactly one of them is scalar, which the intertwiner search
//! detects. Positive mode (`delta > 0`): all four scales share one sign iff
//! `lambda > 0` and `sign(s2 delta - t2 lambda) = sign(t1 - s1 lambda) != 0`;
//! the signs are constant between the roots `s2 delta / t2` and `t1 / s1`, so one
//! test point per interval (the simplest rational inside) decides whether the
//! conic has a positive point, and the scales are negated together when all
//! four are negative (the equations are homogeneous).
//!
//! **Fixed X.** `F(X, V) = (T11 + X T21) + (T12 + X T22) V` and
//! `G(X, V) = (S22 - S21 X) - V (S12 - S11 X)` are affine in `V`, so for a fixed
//! `X` the four off-diagonal equations are a 4x4 linear system in `V`; its
//! solutions (particular, plus a few random kernel combinations) are tried.

use super::super::rng::Rng;
use super::super::short::linalg::rref;
use super::{Chain, View, from_scales, layers_from_xv};
use crate::exact::{Matrix, Q, q, qi};
use num_traits::{One, Signed, Zero};

/// The simplest rational strictly between `lo` and `hi` (`lo < hi`), by the
/// Stern-Brocot descent (smallest denominator, then smallest numerator).
pub fn simplest_between(lo: &Q, hi: &Q) -> Q {
    // Reduce to lo >= 0 by an integer shift.
    let shift = lo.floor();
    let (a, b) = (lo - &shift, hi - &shift);
    // Now 0 <= a < b. If an integer lies strictly inside (a, b), take the smallest.
    let k = a.floor() + Q::one();
    if k < b {
        return k + shift;
    }
    // a < b <= floor(a) + 1 = 1 (a in [0, 1)): recurse on reciprocals of (a, b).
    if a.is_zero() {
        // (0, b) with b <= 1: 1/n for the smallest n with 1/n < b.
        let n = (b.recip()).floor() + Q::one();
        return n.recip() + shift;
    }
    let inner = simplest_between(&b.recip(), &a.recip());
    inner.recip() + shift
}

/// The conic point for `lambda`: `(phi, psi)`.
fn point(t: &[Q; 2], s: &[Q; 2], delta: &Q, lambda: &Q) -> ([Q; 2], [Q; 2]) {
    // lemma: four_conic_point
    let psi1 = &(&s[1] * delta) - &(&t[1] * lambda);
    let u = &t[0] - &(&s[0] * lambda);
    let psi2 = lambda * &u;
    let phi1 = lambda * &psi1;
    let phi2 = delta * &u;
    ([phi1, phi2], [psi1, psi2])
}

/// The `lambda` to try: in positive mode one test point per sign interval of
/// `(0, inf)` (and a second one inside each, in case the first is degenerate);
/// in signed mode small rationals of both signs.
fn lambdas(t: &[Q; 2], s: &[Q; 2], delta: &Q, positive: bool) -> Vec<Q> {
    if !positive {
        let mut out = Vec::new();
        for (n, m) in [(1, 1), (2, 1), (1, 2), (3, 1), (1, 3), (3, 2), (2, 3)] {
            out.push(q(n, m));
            out.push(q(-n, m));
        }
        return out;
    }
    let mut roots: Vec<Q> = vec![Q::zero()];
    if !t[1].is_zero() {
        roots.push(&(&s[1] * delta) / &t[1]);
    }
    if !s[0].is_zero() {
        roots.push(&t[0] / &s[0]);
    }
    roots.retain(|r| !r.is_negative());
    roots.sort();
    roots.dedup();
    let mut out = Vec::new();
    for w in roots.windows(2) {
        let m = simplest_between(&w[0], &w[1]);
        out.push(m.clone());
        out.push(simplest_between(&m, &w[1]));
    }
    let last = roots.last().expect("0 is a root").clone();
    let m = last.floor() + Q::one();
    out.push(m.clone());
    out.push(m + qi(1));
    out
}

/// The conic method on one view (d = 2, `G22` invertible).
pub fn conic(view: &View, positive: bool, rng: &mut Rng) -> Option<Chain> {
    let (g, gi) = (&view.g, &view.gi);
    if g.d() != 2 {
        return None;
    }
    let t22_inv = g.t22.inverse().ok()?;
    let t = [g.t22.get(0, 0).clone(), g.t22.get(1, 1).clone()];
    let s = [gi.t11.get(0, 0).clone(), gi.t11.get(1, 1).clone()];
    let delta = &view.det;
    for lambda in lambdas(&t, &s, delta, positive) {
        let (mut phi, mut psi) = point(&t, &s, delta, &lambda);
        let all = [&phi[0], &phi[1], &psi[0], &psi[1]];
        if all.iter().any(|x| x.is_zero()) {
            continue;
        }
        if positive {
            let pos = all.iter().filter(|x| x.is_positive()).count();
            match pos {
                4 => {}
                0 => {
                    phi = [-&phi[0], -&phi[1]];
                    psi = [-&psi[0], -&psi[1]];
                }
                _ => continue,
            }
        }
        if let Some(c) = from_scales(g, gi, &t22_inv, &phi, &psi, positive, rng) {
            return Some(c);
        }
    }
    None
}

/// The `X` tried by [`fixed_x`]: zero, the unit matrices, small diagonals, then
/// seeded random small matrices, `count` in all.
fn x_candidates(count: usize, rng: &mut Rng) -> Vec<Matrix> {
    let mut out = vec![Matrix::zeros(2, 2)];
    for k in 0..4 {
        let mut e = Matrix::zeros(2, 2);
        e.set(k / 2, k % 2, Q::one());
        out.push(e);
    }
    for (a, b) in [(1, -1), (1, -2), (-1, 2), (2, 1), (1, 2), (-2, 1)] {
        out.push(Matrix::from_diagonal(&[qi(a), qi(b)]));
    }
    while out.len() < count {
        out.push(Matrix::from_vec(
            2,
            2,
            (0..4).map(|_| qi(rng.range(-3, 3))).collect(),
        ));
    }
    out.truncate(count.max(1));
    out
}

/// The fixed-`X` method on one view (d = 2), `tries` values of `X`.
pub fn fixed_x(view: &View, positive: bool, tries: usize, rng: &mut Rng) -> Option<Chain> {
    let (g, gi) = (&view.g, &view.gi);
    if g.d() != 2 {
        return None;
    }
    for x in x_candidates(tries, rng) {
        // F = C + A V, G = D - V B.
        let c = &g.t11 + &(&x * &g.t21);
        let a = &g.t12 + &(&x * &g.t22);
        let dd = &gi.t22 - &(&gi.t21 * &x);
        let b = &gi.t12 - &(&gi.t11 * &x);
        // Unknowns v00 v01 v10 v11; rows F01, F10, G01, G10; last column: rhs.
        let z = Q::zero();
        let rows: [[Q; 5]; 4] = [
            [
                z.clone(),
                a.get(0, 0).clone(),
                z.clone(),
                a.get(0, 1).clone(),
                -c.get(0, 1),
            ],
            [
                a.get(1, 0).clone(),
                z.clone(),
                a.get(1, 1).clone(),
                z.clone(),
                -c.get(1, 0),
            ],
            [
                b.get(0, 1).clone(),
                b.get(1, 1).clone(),
                z.clone(),
                z.clone(),
                dd.get(0, 1).clone(),
            ],
            [
                z.clone(),
                z.clone(),
                b.get(0, 0).clone(),
                b.get(1, 0).clone(),
                dd.get(1, 0).clone(),
            ],
        ];
        let aug = Matrix::from_vec(4, 5, rows.iter().flatten().cloned().collect());
        let (e, pivots) = rref(&aug);
        if pivots.contains(&4) {
            continue; // inconsistent
        }
        let mut part = vec![Q::zero(); 4];
        for (i, &p) in pivots.iter().enumerate() {
            part[p] = e.get(i, 4).clone();
        }
        let free: Vec<usize> = (0..4).filter(|c| !pivots.contains(c)).collect();
        let kernel: Vec<Vec<Q>> = free
            .iter()
            .map(|&f| {
                let mut v = vec![Q::zero(); 4];
                v[f] = Q::one();
                for (i, &p) in pivots.iter().enumerate() {
                    v[p] = -e.get(i, f).clone();
                }
                v
            })
            .collect();
        let tries_here = if kernel.is_empty() { 1 } else { 5 };
        for attempt in 0..tries_here {
            let mut vv = part.clone();
            if attempt > 0 {
                for kv in &kernel {
                    let cf = qi(rng.range(-4, 4));
                    for (x, y) in vv.iter_mut().zip(kv) {
                        *x += &cf * y;
                    }
                }
            }
            let v = Matrix::from_vec(2, 2, vv);
            if let Some(ch) = layers_from_xv(g, gi, &x, &v, positive) {
                return Some(ch);
            }
        }
    }
    None
}
