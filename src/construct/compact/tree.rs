//! The two split trees of the compact crux and their pairing.
//!
//! A unit triangular `d x d` factor is a product of *level* operations, one per
//! depth of a binary tree of index ranges (lemmas `compact_level_lower` and
//! `compact_level_upper`): a node `(s, k, e)` splits the range `s..e` at `k`.
//! The lower factor `L_G` is applied deepest level first, the upper factor
//! `U_G` top level first, and gadget `t` of the crux does level `h + 1 - t` of
//! `L_G` (on part 1) together with level `t` of `U_G` (on part 2); a gadget
//! needs both levels to have the same rank.
//!
//! Both trees are the perfect binary tree on `2^h >= d` positions (`h =
//! ceil(log2 d)`), restricted to the positions that carry a coordinate: for
//! `L_G` the first `d` positions, for `U_G` the bit reversals of the first `d`
//! positions. The rank of a node is `min(|J|, |K|)` (its two parts), and the
//! rank of level `h + 1 - t` of the first tree equals the rank of level `t` of
//! the second one for every `d` (`docs/compact.md`, "Any d": both count, for
//! one bit position, the pairs of coordinates that differ only there, grouped
//! by the higher bits in one tree and by the lower bits in the other). For `d` a
//! power of two both trees are the halving tree.

/// One node: the range `s..e` split at `k` (`s < k < e`, coordinates of one part).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Node {
    pub(super) s: usize,
    pub(super) k: usize,
    pub(super) e: usize,
}

#[cfg(test)]
impl Node {
    /// `min(|s..k|, |k..e|)`: the rank of the node's level block when it has full rank.
    pub(super) fn rank(&self) -> usize {
        (self.k - self.s).min(self.e - self.k)
    }
}

/// `ceil(log2 d)` (0 for `d <= 1`).
pub(super) fn height(d: usize) -> usize {
    if d <= 1 {
        0
    } else {
        (usize::BITS - (d - 1).leading_zeros()) as usize
    }
}

/// The nodes of a tree by depth (`levels[g - 1]` holds depth `g`, `g = 1..=h`),
/// given `count(p)`: the number of coordinates at positions below `p`.
fn levels(d: usize, count: impl Fn(usize) -> usize) -> Vec<Vec<Node>> {
    let h = height(d);
    (1..=h)
        .map(|g| {
            let width = 1usize << (h - g + 1);
            (0..(1usize << (g - 1)))
                .filter_map(|i| {
                    let ps = i * width;
                    let node = Node {
                        s: count(ps),
                        k: count(ps + width / 2),
                        e: count(ps + width),
                    };
                    (node.s < node.k && node.k < node.e).then_some(node)
                })
                .collect()
        })
        .collect()
}

/// Reverses the lowest `h` bits of `x`.
fn bit_reverse(x: usize, h: usize) -> usize {
    (0..h).fold(0, |acc, b| acc | (((x >> b) & 1) << (h - 1 - b)))
}

/// The tree of the lower factor: coordinates at the first `d` positions.
pub(super) fn lower_levels(d: usize) -> Vec<Vec<Node>> {
    levels(d, |p| p.min(d))
}

/// The tree of the upper factor: coordinates at the bit-reversed positions of
/// `0..d` (in increasing position order).
pub(super) fn upper_levels(d: usize) -> Vec<Vec<Node>> {
    let h = height(d);
    let size = 1usize << h;
    let mut occupied = vec![false; size];
    for x in 0..d {
        occupied[bit_reverse(x, h)] = true;
    }
    // below[p] = number of occupied positions < p.
    let mut below = vec![0; size + 1];
    for p in 0..size {
        below[p + 1] = below[p] + usize::from(occupied[p]);
    }
    levels(d, |p| below[p])
}

/// The rank of a level (the sum of its nodes' ranks).
#[cfg(test)]
fn level_rank(level: &[Node]) -> usize {
    level.iter().map(Node::rank).sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The nodes of one depth are disjoint, ordered ranges inside `0..d`.
    fn well_formed(levels: &[Vec<Node>], d: usize) {
        for level in levels {
            let mut last = 0;
            for v in level {
                assert!(
                    v.s >= last && v.s < v.k && v.k < v.e && v.e <= d,
                    "{level:?}"
                );
                last = v.e;
            }
        }
    }

    #[test]
    fn ranks_pair_up_for_every_d() {
        for d in 1..=300 {
            let (l, u) = (lower_levels(d), upper_levels(d));
            let h = height(d);
            assert_eq!((l.len(), u.len()), (h, h));
            well_formed(&l, d);
            well_formed(&u, d);
            for t in 1..=h {
                assert_eq!(
                    level_rank(&l[h - t]),
                    level_rank(&u[t - 1]),
                    "d = {d}, gadget {t}"
                );
            }
        }
    }

    #[test]
    fn powers_of_two_give_the_halving_tree() {
        for h in 1..=7 {
            let d = 1 << h;
            let (l, u) = (lower_levels(d), upper_levels(d));
            assert_eq!(l, u);
            for (g, level) in l.iter().enumerate() {
                assert_eq!(level.len(), 1 << g);
                assert!(level.iter().all(|v| v.k - v.s == v.e - v.k));
            }
        }
    }

    #[test]
    fn six_has_the_worked_trees() {
        // docs/compact.md, "Any d".
        let n = |s, k, e| Node { s, k, e };
        assert_eq!(
            lower_levels(6),
            vec![
                vec![n(0, 4, 6)],
                vec![n(0, 2, 4)],
                vec![n(0, 1, 2), n(2, 3, 4), n(4, 5, 6)]
            ]
        );
        assert_eq!(
            upper_levels(6),
            vec![
                vec![n(0, 3, 6)],
                vec![n(0, 2, 3), n(3, 5, 6)],
                vec![n(0, 1, 2), n(3, 4, 5)]
            ]
        );
    }
}
