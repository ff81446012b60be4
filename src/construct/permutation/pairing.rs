//! Step 1 of the routed construction and the plan: the exchange pairing of the
//! coordinates that cross halves (a rotation of the pairs in three unit
//! layers), the components in product order with the form of their end layers,
//! and the search over the variants (rotation directions, pairings, rotation
//! first or last, matching counts) scored by layer count before any matrix is
//! built ([`routed`]).

use super::involution::{Reach, SignedPerm};
use crate::layer::Kind;

#[derive(Debug, Clone)]
pub(super) enum Component {
    /// `diag(p, q)` for signed involutions with equal minus counts (5 layers).
    Factor { p: SignedPerm, q: SignedPerm },
    /// The rotation of the pairs `(a, b, eps)` (3 layers).
    Rotation { pairs: Vec<(usize, usize, i8)> },
}

impl Component {
    pub(super) fn size(&self) -> usize {
        match self {
            Component::Factor { .. } => 5,
            Component::Rotation { .. } => 3,
        }
    }

    /// The signed permutation of `2d` points the component multiplies to.
    pub(super) fn signed_perm(&self, d: usize) -> SignedPerm {
        let mut t = SignedPerm::identity(2 * d);
        match self {
            Component::Factor { p, q } => {
                for i in 0..d {
                    (t.image[i], t.sign[i]) = (p.image[i], p.sign[i]);
                    (t.image[d + i], t.sign[d + i]) = (d + q.image[i], q.sign[i]);
                }
            }
            Component::Rotation { pairs } => {
                for &(a, b, e) in pairs {
                    (t.image[a], t.sign[a]) = (b, e);
                    (t.image[b], t.sign[b]) = (a, -e);
                }
            }
        }
        t
    }

    /// Whether the component can be written with end layers of `kind`.
    pub(super) fn allows(&self, kind: Kind) -> bool {
        match self {
            Component::Factor { p, q } => match kind {
                Kind::Upper => p.pairs() >= q.pairs(),
                Kind::Lower => p.pairs() <= q.pairs(),
            },
            Component::Rotation { .. } => true,
        }
    }
}

/// The best form assignment: (layer count after merging, forms).
pub(super) fn assign_forms(comps: &[Component]) -> Option<(usize, Vec<Kind>)> {
    let c = comps.len();
    let mut best: Option<(usize, Vec<Kind>)> = None;
    for mask in 0u32..(1 << c) {
        let forms: Vec<Kind> = (0..c)
            .map(|i| {
                if mask >> i & 1 == 1 {
                    Kind::Lower
                } else {
                    Kind::Upper
                }
            })
            .collect();
        if !comps.iter().zip(&forms).all(|(comp, &k)| comp.allows(k)) {
            continue;
        }
        let merges = forms.windows(2).filter(|w| w[0] == w[1]).count();
        let count = comps.iter().map(Component::size).sum::<usize>() - merges;
        if best.as_ref().is_none_or(|(b, _)| count < *b) {
            best = Some((count, forms));
        }
    }
    best
}

/// The shortest plan over the variants for a signed permutation `t` of `2d`
/// points with `det t = 1`.
pub(super) fn best_plan(
    t: &SignedPerm,
    d: usize,
    free_signs: bool,
) -> Option<(usize, Vec<Component>, Vec<Kind>)> {
    let n = 2 * d;
    let from: Vec<usize> = (0..d).filter(|&a| t.image[a] >= d).collect();
    let to: Vec<usize> = (d..n).filter(|&b| t.image[b] < d).collect();
    let k = from.len();
    let mut best: Option<(usize, Vec<Component>, Vec<Kind>)> = None;
    let directions: Vec<Vec<i8>> = vec![
        vec![1; k],
        vec![-1; k],
        (0..k).map(|i| if i % 2 == 0 { 1 } else { -1 }).collect(),
    ];
    // Pairings of `from` with `to`: in order, reversed, and two that prefer
    // partners making fixed points of X (b = T^-1(a)) or of Y (b = T(a)).
    let inv = t.inverse();
    let prefer = |partner: &dyn Fn(usize) -> usize| -> Vec<usize> {
        let mut used = vec![false; n];
        let mut chosen: Vec<Option<usize>> = from
            .iter()
            .map(|&a| {
                let b = partner(a);
                (b >= d && to.contains(&b) && !used[b]).then(|| {
                    used[b] = true;
                    b
                })
            })
            .collect();
        let mut rest = to.iter().filter(|&&b| !used[b]);
        for c in chosen.iter_mut() {
            if c.is_none() {
                *c = rest.next().copied();
            }
        }
        chosen
            .into_iter()
            .map(|c| c.expect("equally many"))
            .collect()
    };
    let pairings: Vec<Vec<usize>> = vec![
        to.clone(),
        to.iter().rev().copied().collect(),
        prefer(&|a| inv.image[a]),
        prefer(&|a| t.image[a]),
    ];
    for to in &pairings {
        for dirs in &directions {
            let pairs: Vec<(usize, usize, i8)> = from
                .iter()
                .zip(to)
                .zip(dirs)
                .map(|((&a, &b), &e)| (a, b, e))
                .collect();
            let mut r = SignedPerm::identity(n);
            for &(a, b, e) in &pairs {
                r.image[a] = b;
                r.sign[a] = e;
                r.image[b] = a;
                r.sign[b] = -e;
            }
            let r_inv = r.inverse();
            for rotation_first in [true, false] {
                // T = D R or T = R D, R the rotation of the pairs.
                // lemma: matching_rotation_ulu
                let dm = if rotation_first {
                    t.after(&r_inv)
                } else {
                    r_inv.after(t)
                };
                let Some((x, y)) = halves(&dm, d) else {
                    continue;
                };
                let rx = Reach::new(&x, free_signs);
                let ry = Reach::new(&y, free_signs);
                for a in 0..=d {
                    for b in 0..=d {
                        if !(rx.reachable(a, b) && ry.reachable(a, b)) {
                            continue;
                        }
                        // Minus counts a != 0 (b != 0) make the first (second)
                        // factor a component; at best every neighbour pair merges.
                        // A plan that cannot beat the best so far is not built:
                        // only a strictly smaller count replaces it, so the
                        // chosen plan is the same (issue 17, class 10).
                        let parts = [(k > 0, 3), (a != 0, 5), (b != 0, 5)];
                        let (c, size): (usize, usize) = (parts.iter().filter(|p| p.0))
                            .fold((0, 0), |(c, s), p| (c + 1, s + p.1));
                        let floor = size - c.saturating_sub(1);
                        if best.as_ref().is_some_and(|(count, ..)| floor >= *count) {
                            continue;
                        }
                        let (p1, p2) = rx.factors(a, b);
                        let (q1, q2) = ry.factors(a, b);
                        let mut comps = Vec::new();
                        let rot = (k > 0).then(|| Component::Rotation {
                            pairs: pairs.clone(),
                        });
                        if !rotation_first && let Some(c) = &rot {
                            comps.push(c.clone());
                        }
                        for (p, q) in [(p1, q1), (p2, q2)] {
                            if !(p.is_identity() && q.is_identity()) {
                                comps.push(Component::Factor { p, q });
                            }
                        }
                        if rotation_first && let Some(c) = rot {
                            comps.push(c);
                        }
                        if let Some((count, forms)) = assign_forms(&comps)
                            && best.as_ref().is_none_or(|b| count < b.0)
                        {
                            best = Some((count, comps, forms));
                        }
                    }
                }
            }
        }
    }
    best
}

/// The diagonal blocks `(X, Y)` of a block-diagonal signed permutation of `2d` points.
pub(super) fn halves(dm: &SignedPerm, d: usize) -> Option<(SignedPerm, SignedPerm)> {
    let mut x = SignedPerm::identity(d);
    let mut y = SignedPerm::identity(d);
    for i in 0..2 * d {
        let j = dm.image[i];
        if (i < d) != (j < d) {
            return None;
        }
        if i < d {
            x.image[i] = j;
            x.sign[i] = dm.sign[i];
        } else {
            y.image[i - d] = j - d;
            y.sign[i - d] = dm.sign[i];
        }
    }
    Some((x, y))
}
