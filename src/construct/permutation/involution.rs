//! Signed permutations (`e_i -> sign[i] e_{image[i]}`) and step 2 of the
//! routed construction: writing a block of `D = diag(X, Y)` as a product of two
//! signed involutions, cycle by cycle (two reflections of a (2m)-gon, four
//! choices per cycle), with a small dynamic programme ([`Reach`]) over the
//! cycles that matches the `-1` counts of the two halves.

use num_integer::Integer;

/// A signed permutation of `m` points: `e_i -> sign[i] e_{image[i]}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct SignedPerm {
    pub(super) image: Vec<usize>,
    pub(super) sign: Vec<i8>,
}

impl SignedPerm {
    pub(super) fn identity(m: usize) -> SignedPerm {
        SignedPerm {
            image: (0..m).collect(),
            sign: vec![1; m],
        }
    }

    pub(super) fn len(&self) -> usize {
        self.image.len()
    }

    /// `self * other` (`other` acts first).
    pub(super) fn after(&self, other: &SignedPerm) -> SignedPerm {
        SignedPerm {
            image: other.image.iter().map(|&j| self.image[j]).collect(),
            sign: (0..other.len())
                .map(|i| other.sign[i] * self.sign[other.image[i]])
                .collect(),
        }
    }

    pub(super) fn inverse(&self) -> SignedPerm {
        let mut inv = SignedPerm::identity(self.len());
        for i in 0..self.len() {
            inv.image[self.image[i]] = i;
            inv.sign[self.image[i]] = self.sign[i];
        }
        inv
    }

    /// Number of 2-cycles (of an involution).
    pub(super) fn pairs(&self) -> usize {
        (0..self.len()).filter(|&i| self.image[i] > i).count()
    }

    /// Number of `-1` eigenvalues of an involution: its 2-cycles and its negated
    /// fixed points.
    pub(super) fn minus_count(&self) -> usize {
        self.pairs()
            + (0..self.len())
                .filter(|&i| self.image[i] == i && self.sign[i] < 0)
                .count()
    }

    pub(super) fn is_identity(&self) -> bool {
        (0..self.len()).all(|i| self.image[i] == i && self.sign[i] > 0)
    }
}

/// One signed cycle `c_0 -> c_1 -> ... -> c_{m-1} -> c_0` of `x`, in the basis
/// `f_k = delta_k e_{c_k}` where `x` is the shift `f_k -> f_{k+1}` and
/// `f_{k+m} = eps f_k`.
pub(super) struct Cycle {
    pub(super) coords: Vec<usize>,
    pub(super) delta: Vec<i8>,
    pub(super) eps: i8,
}

pub(super) fn cycles(x: &SignedPerm) -> Vec<Cycle> {
    let mut seen = vec![false; x.len()];
    let mut out = Vec::new();
    for s in 0..x.len() {
        if seen[s] {
            continue;
        }
        let (mut coords, mut delta) = (Vec::new(), Vec::new());
        let (mut i, mut dl) = (s, 1i8);
        while !seen[i] {
            seen[i] = true;
            coords.push(i);
            delta.push(dl);
            dl *= x.sign[i];
            i = x.image[i];
        }
        // dl = delta_m = product of all signs = eps (delta_0 = 1).
        out.push(Cycle {
            coords,
            delta,
            eps: dl,
        });
    }
    out
}

impl Cycle {
    /// `f_k` for any integer `k`, as (coordinate, sign), where `f_{k+m} = eps f_k`.
    pub(super) fn f(&self, k: i64, eps: i8) -> (usize, i8) {
        let m = self.coords.len() as i64;
        let (q, r) = k.div_mod_floor(&m);
        let s = if q % 2 != 0 { eps } else { 1 };
        (self.coords[r as usize], s * self.delta[r as usize])
    }

    /// The reflection `f_k -> sgn * f_{shift - k}` written into `into` (on this
    /// cycle's coordinates).
    pub(super) fn reflection(&self, shift: i64, sgn: i8, eps: i8, into: &mut SignedPerm) {
        for (k, &c) in self.coords.iter().enumerate() {
            // e_{c_k} = delta_k f_k -> delta_k sgn f_{shift - k}.
            let (target, s) = self.f(shift - k as i64, eps);
            into.image[c] = target;
            into.sign[c] = self.delta[k] * sgn * s;
        }
    }

    /// Option `o` of the factorisations `a b` (`b` acts first) of the cycle:
    /// `(r1, r0)`, `(-r1, -r0)`, `(r2, r1)`, `(-r2, -r1)` with `r_s: f_k -> f_{s-k}`
    /// (options 0..4, the product is the cycle); options 4..8 do the same for
    /// the cycle with its sign `eps` negated (the product then differs from the
    /// cycle by one sign, which signed mode absorbs).
    pub(super) fn factor(&self, o: u8, a: &mut SignedPerm, b: &mut SignedPerm) {
        let (sa, sb) = if o & 3 < 2 { (1, 0) } else { (2, 1) };
        let sgn = if o.is_multiple_of(2) { 1 } else { -1 };
        let eps = if o & 4 == 0 { self.eps } else { -self.eps };
        self.reflection(sa, sgn, eps, a);
        self.reflection(sb, sgn, eps, b);
    }

    /// `(minus_count(a), minus_count(b))` for option `o`, on this cycle alone.
    pub(super) fn counts(&self, o: u8, m: usize) -> (usize, usize) {
        let mut a = SignedPerm::identity(m);
        let mut b = SignedPerm::identity(m);
        self.factor(o, &mut a, &mut b);
        (a.minus_count(), b.minus_count())
    }
}

/// Reachable `(alpha, beta)` = (minus counts of the two factors) over the cycles
/// of `x`, with back pointers.
pub(super) struct Reach {
    pub(super) cycles: Vec<Cycle>,
    /// `choice[c][alpha][beta]`: the option of cycle `c` that reaches the state
    /// after cycles `0..=c`, or `u8::MAX`.
    pub(super) choice: Vec<Vec<Vec<u8>>>,
    pub(super) counts: Vec<Vec<(usize, usize)>>,
    pub(super) m: usize,
}

impl Reach {
    /// `free_signs`: also the options with a negated cycle sign (signed mode).
    pub(super) fn new(x: &SignedPerm, free_signs: bool) -> Reach {
        let m = x.len();
        let cycles = cycles(x);
        let options: u8 = if free_signs { 8 } else { 4 };
        let counts: Vec<Vec<(usize, usize)>> = cycles
            .iter()
            .map(|c| (0..options).map(|o| c.counts(o, m)).collect())
            .collect();
        let mut choice = Vec::with_capacity(cycles.len());
        let mut cur = vec![vec![false; m + 1]; m + 1];
        cur[0][0] = true;
        for cnt in &counts {
            let mut next = vec![vec![u8::MAX; m + 1]; m + 1];
            for a in 0..=m {
                for b in 0..=m {
                    if !cur[a][b] {
                        continue;
                    }
                    for (o, &(ca, cb)) in cnt.iter().enumerate() {
                        if a + ca <= m && b + cb <= m && next[a + ca][b + cb] == u8::MAX {
                            next[a + ca][b + cb] = o as u8;
                        }
                    }
                }
            }
            cur = next
                .iter()
                .map(|r| r.iter().map(|&o| o != u8::MAX).collect())
                .collect();
            choice.push(next);
        }
        Reach {
            cycles,
            choice,
            counts,
            m,
        }
    }

    pub(super) fn reachable(&self, a: usize, b: usize) -> bool {
        match self.choice.last() {
            None => a == 0 && b == 0,
            Some(last) => last[a][b] != u8::MAX,
        }
    }

    /// The factors `(P1, P2)` with `x = P1 P2` and minus counts `(a, b)`.
    pub(super) fn factors(&self, mut a: usize, mut b: usize) -> (SignedPerm, SignedPerm) {
        let mut p1 = SignedPerm::identity(self.m);
        let mut p2 = SignedPerm::identity(self.m);
        for c in (0..self.cycles.len()).rev() {
            let o = self.choice[c][a][b];
            self.cycles[c].factor(o, &mut p1, &mut p2);
            let (ca, cb) = self.counts[c][o as usize];
            a -= ca;
            b -= cb;
        }
        (p1, p2)
    }
}
