//! Which layers merge: the construction is a sequence of *segments* (a fixed
//! layer, or a gadget with its orientations), and two neighbouring layers of
//! the same kind always merge into one (lemmas `merge_lower`, `merge_upper`).
//! Choosing the orientations decides the merges; a small dynamic programme
//! over the segments picks the fewest layers, then the smallest largest entry,
//! among the choices whose merges the policy allows ([`Cap`]).
//!
//! The state after a segment is the orientation of the last segment with a
//! choice (the layers after it are fixed), so the programme keeps at most two
//! partial chains per segment; the open last layer of each is carried along
//! because the next segment may merge into it.

use crate::layer::Layer;

/// Which merges are allowed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Cap {
    /// Every merge.
    Unlimited,
    /// A merge whose result has more bits than both this bound and the
    /// largest layer it joins is refused (with bound 0: no merge may raise the
    /// largest entry of what it joins).
    Bits(u64),
}

impl Cap {
    fn allows(self, merged: u64, joined: u64) -> bool {
        match self {
            Cap::Unlimited => true,
            Cap::Bits(b) => merged <= b.max(joined),
        }
    }
}

/// A layer with its bit size.
#[derive(Clone)]
struct Sized {
    layer: Layer,
    bits: u64,
    /// Largest bit size of the original layers merged into this one.
    joined: u64,
}

#[derive(Clone)]
struct Partial {
    closed: Vec<Layer>,
    closed_bits: u64,
    open: Option<Sized>,
}

impl Partial {
    /// Appends a variant (layers with their bits); `None` if a merge is refused.
    fn append(&self, variant: &[(Layer, u64)], cap: Cap) -> Option<Partial> {
        let mut next = self.clone();
        for (i, (layer, bits)) in variant.iter().enumerate() {
            let merged = match (&next.open, i) {
                (Some(open), 0) => open.layer.then(layer).map(|m| (m, open.joined)),
                _ => None,
            };
            match merged {
                Some((m, joined)) => {
                    let b = m.max_bits();
                    let joined = joined.max(*bits);
                    if !cap.allows(b, joined) {
                        return None;
                    }
                    next.open = Some(Sized {
                        layer: m,
                        bits: b,
                        joined,
                    });
                }
                None => {
                    if let Some(open) = next.open.take() {
                        next.closed_bits = next.closed_bits.max(open.bits);
                        next.closed.push(open.layer);
                    }
                    next.open = Some(Sized {
                        layer: layer.clone(),
                        bits: *bits,
                        joined: *bits,
                    });
                }
            }
        }
        Some(next)
    }

    /// (layers, largest bits) of the finished chain.
    fn score(&self) -> (usize, u64) {
        match &self.open {
            Some(o) => (self.closed.len() + 1, self.closed_bits.max(o.bits)),
            None => (self.closed.len(), self.closed_bits),
        }
    }

    fn finish(mut self) -> Vec<Layer> {
        if let Some(o) = self.open.take() {
            self.closed.push(o.layer);
        }
        self.closed
            .into_iter()
            .filter(|l| !l.is_identity())
            .collect()
    }
}

/// The merged chain (application order) for the best choice of variant per
/// segment: fewest layers, then the smallest largest entry, among the choices
/// whose merges `cap` allows; a segment whose every continuation is refused is
/// appended without the cap (so a chain always comes out).
pub(super) fn choose(segments: &[Vec<Vec<Layer>>], cap: Cap) -> Vec<Layer> {
    let mut states: Vec<Partial> = vec![Partial {
        closed: Vec::new(),
        closed_bits: 0,
        open: None,
    }];
    for seg in segments {
        let variants: Vec<Vec<(Layer, u64)>> = seg
            .iter()
            .map(|v| v.iter().map(|l| (l.clone(), l.max_bits())).collect())
            .collect();
        let step = |cap: Cap| -> Vec<Partial> {
            if variants.len() == 1 {
                return states
                    .iter()
                    .filter_map(|s| s.append(&variants[0], cap))
                    .collect();
            }
            variants
                .iter()
                .filter_map(|v| {
                    states
                        .iter()
                        .filter_map(|s| s.append(v, cap))
                        .min_by_key(|p| (p.closed.len(), p.closed_bits))
                })
                .collect()
        };
        let mut next = step(cap);
        if next.is_empty() {
            next = step(Cap::Unlimited);
        }
        states = next;
    }
    states
        .into_iter()
        .min_by_key(Partial::score)
        .map(Partial::finish)
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::exact::{Matrix, qi};
    use crate::layer::Kind;

    fn l(kind: Kind, v: i64) -> Layer {
        Layer::unit(kind, Matrix::from_vec(1, 1, vec![qi(v)]))
    }

    #[test]
    fn alternating_orientations_merge() {
        let (u, lo) = (Kind::Upper, Kind::Lower);
        let gadget = |a: i64| vec![vec![l(u, a), l(lo, a)], vec![l(lo, a), l(u, a)]];
        let segs = vec![gadget(1), gadget(3), gadget(4)];
        let full = choose(&segs, Cap::Unlimited);
        assert_eq!(full.len(), 4);
        // No merge may raise the largest entry of what it joins: 1 + 3 = 4 has
        // more bits than 3, 3 + 4 = 7 as many as 4.
        let none = choose(&segs, Cap::Bits(0));
        assert_eq!(none.len(), 5);
        assert!(none.iter().all(|x| x.max_bits() <= 3));
    }
}
