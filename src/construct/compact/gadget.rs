//! The gadgets of the compact construction, each a short list of unit layers (in
//! application order) whose product is block diagonal:
//!
//! * the conjugated Whitehead `CW(Q, W) = diag(Q^-1, W Q W^-1)` in four layers,
//!   in two orientations (lemmas `compact_cw_lower_first`,
//!   `compact_cw_upper_first`); with `W = I` it is the Whitehead gadget
//!   `diag(Q^-1, Q)` ([`whitehead`]);
//! * one *level pair*: a level operation `I + X` on part 1 and one `I + Y` on
//!   part 2 of the same rank in one `CW(I - X, W)` with `W X W^-1 = -Y`
//!   ([`level_pair`], lemmas `compact_pair_lower_inverse`,
//!   `compact_pair_intertwine`): `W` maps a basis adapted to `X` (chain starts,
//!   their images, fixed vectors) to one adapted to `-Y`, node by node;
//! * the positive-mode sign gadgets ([`sign_gadgets`], lemma `compact_sign_split`);
//! * the slot gadget, the fallback for a level that has no partner: one part is
//!   updated with the other as scratch ([`slot`], lemma `compact_slot`).

use crate::exact::{IntMatrix, Matrix, Q, qi, scaled_inverse};
use crate::layer::{Kind, Layer};
use num_bigint::BigInt;
use num_traits::{One, Zero};
use std::ops::Range;

/// One node's level block: `x[k] += b x[j]` within one part (`j`, `k` disjoint);
/// `b = num / den` with `den` the pivot of the elimination it was read from.
#[derive(Debug, Clone)]
pub(super) struct Block {
    pub(super) j: Range<usize>,
    pub(super) k: Range<usize>,
    pub(super) b: Matrix,
    pub(super) num: IntMatrix,
    pub(super) den: BigInt,
}

/// A level operation `I + X` on one part: disjoint node blocks of one depth.
#[derive(Debug, Clone)]
pub(super) struct Op {
    pub(super) d: usize,
    pub(super) blocks: Vec<Block>,
}

impl Op {
    /// The `d x d` matrix `X` (block `b` at rows `k`, columns `j`).
    pub(super) fn matrix(&self) -> Matrix {
        let mut m = Matrix::zeros(self.d, self.d);
        for bl in &self.blocks {
            for (r, i) in bl.k.clone().enumerate() {
                for (c, j) in bl.j.clone().enumerate() {
                    m.set(i, j, bl.b.get(r, c).clone());
                }
            }
        }
        m
    }

    /// Whether `X = 0`.
    pub(super) fn is_zero(&self) -> bool {
        self.blocks.iter().all(|b| b.b.is_zero())
    }
}

/// A sparse vector of length `d`.
type Sparse = Vec<(usize, Q)>;

/// A basis adapted to a square-zero level operation `X` of rank `r`: columns
/// of `S` (starts `a_i`, images `X a_i`, fixed vectors spanning the rest of
/// `ker X`) and the rows of `S^-1` in the same order. `[starts, images, fixed]`.
struct Basis {
    cols: [Vec<Sparse>; 3],
    rows: [Vec<Sparse>; 3],
}

fn unit(i: usize) -> Sparse {
    vec![(i, Q::one())]
}

/// The rows of `S^-1` restricted to `coords`, read from the rows of a matrix.
fn row_of(m: &Matrix, r: usize, coords: impl Iterator<Item = usize>) -> Sparse {
    coords
        .enumerate()
        .filter(|(c, _)| !m.get(r, *c).is_zero())
        .map(|(c, i)| (i, m.get(r, c).clone()))
        .collect()
}

/// Column `c` of a node's block `B` as a sparse vector on the node's targets
/// (the image `X e_j` of its `c`-th source).
fn image(bl: &Block, c: usize) -> Sparse {
    bl.k.clone()
        .enumerate()
        .filter(|(r, _)| !bl.b.get(*r, c).is_zero())
        .map(|(r, i)| (i, bl.b.get(r, c).clone()))
        .collect()
}

/// The basis adapted to `op`, or `None` if a block does not have full rank.
///
/// Per node with `|J| = m`, `|K| = r`:
/// * `m <= r`: starts `e_j` (`j` in `J`), images the columns of `B`, fixed `e_q`
///   for the rows `Q` of `K` outside an invertible `m x m` row block `B_P`;
///   `S^-1` restricted to `K` is `[B | E_Q]^-1`;
/// * `m > r`: starts `e_c` for the columns `C` of an invertible `B_C`, images
///   `B e_c`, fixed the kernel vectors `e_c' - (B_C^-1 B_c')` for the other
///   columns; `S^-1` comes from `N = [B ; E_C'^T]^-1`, where
///   `N[C, K] = B_C^-1` and `N[C, C'] = -B_C^-1 B_C'`.
///
/// Both completions are inverted by [`scaled_inverse`] over the block's
/// denominator (their minors are minors of `B`).
fn basis(op: &Op) -> Option<Basis> {
    let mut cols: [Vec<Sparse>; 3] = Default::default();
    let mut rows: [Vec<Sparse>; 3] = Default::default();
    let mut covered = vec![false; op.d];
    for bl in &op.blocks {
        let (m, r) = (bl.j.len(), bl.k.len());
        for i in bl.j.clone().chain(bl.k.clone()) {
            covered[i] = true;
        }
        if m <= r {
            // Rows P with B_P invertible (all rows when square).
            let pivots: Vec<usize> = if m == r {
                (0..r).collect()
            } else {
                bl.b.transpose().pivot_columns()
            };
            if pivots.len() < m {
                return None;
            }
            let others: Vec<usize> = (0..r).filter(|i| !pivots.contains(i)).collect();
            // Completion [B | E_Q] over the denominator.
            let comp = IntMatrix::new(
                (0..r)
                    .map(|i| {
                        let mut row = bl.num.rows[i].clone();
                        row.extend(others.iter().map(|&q| {
                            if q == i {
                                bl.den.clone()
                            } else {
                                BigInt::zero()
                            }
                        }));
                        row
                    })
                    .collect(),
                r,
            );
            let n = scaled_inverse(&comp, &bl.den)?;
            for (c, j) in bl.j.clone().enumerate() {
                cols[0].push(unit(j));
                rows[0].push(unit(j));
                cols[1].push(image(bl, c));
                rows[1].push(row_of(&n, c, bl.k.clone()));
            }
            for (t, &q) in others.iter().enumerate() {
                cols[2].push(unit(bl.k.start + q));
                rows[2].push(row_of(&n, m + t, bl.k.clone()));
            }
        } else {
            let chosen = bl.b.pivot_columns();
            if chosen.len() < r {
                return None;
            }
            let rest: Vec<usize> = (0..m).filter(|c| !chosen.contains(c)).collect();
            // M = [B ; E_C'^T] over the denominator (rows: K, then C').
            let mut mrows = bl.num.rows.clone();
            mrows.extend(rest.iter().map(|&c| {
                (0..m)
                    .map(|cc| {
                        if cc == c {
                            bl.den.clone()
                        } else {
                            BigInt::zero()
                        }
                    })
                    .collect()
            }));
            let n = scaled_inverse(&IntMatrix::new(mrows, m), &bl.den)?;
            let jj = |c: usize| bl.j.start + c;
            for &c in &chosen {
                cols[0].push(unit(jj(c)));
                // a_c = x_c - N[c, C'] x_C'.
                let mut row = unit(jj(c));
                for (t, &cp) in rest.iter().enumerate() {
                    let v = n.get(c, r + t);
                    if !v.is_zero() {
                        row.push((jj(cp), -v));
                    }
                }
                rows[0].push(row);
                cols[1].push(image(bl, c));
                // b_c = N[c, K] x_K.
                rows[1].push(
                    (0..r)
                        .filter(|&kk| !n.get(c, kk).is_zero())
                        .map(|kk| (bl.k.start + kk, n.get(c, kk).clone()))
                        .collect(),
                );
            }
            for (t, &cp) in rest.iter().enumerate() {
                // kappa = e_c' + sum_c N[c, c'] e_c.
                let mut col = unit(jj(cp));
                for &c in &chosen {
                    let v = n.get(c, r + t);
                    if !v.is_zero() {
                        col.push((jj(c), v.clone()));
                    }
                }
                cols[2].push(col);
                rows[2].push(unit(jj(cp)));
            }
        }
    }
    for (i, c) in covered.iter().enumerate() {
        if !c {
            cols[2].push(unit(i));
            rows[2].push(unit(i));
        }
    }
    Some(Basis { cols, rows })
}

/// `d x m` matrix with the given columns (each scaled by `sign`).
fn from_cols(d: usize, vecs: &[&Sparse], sign: &[bool]) -> Matrix {
    let mut m = Matrix::zeros(d, vecs.len());
    for (c, (v, neg)) in vecs.iter().zip(sign).enumerate() {
        for (i, x) in v.iter() {
            m.set(*i, c, if *neg { -x } else { x.clone() });
        }
    }
    m
}

/// `m x d` matrix with the given rows (each scaled by `sign`).
fn from_rows(d: usize, vecs: &[&Sparse], sign: &[bool]) -> Matrix {
    let mut m = Matrix::zeros(vecs.len(), d);
    for (r, (v, neg)) in vecs.iter().zip(sign).enumerate() {
        for (j, x) in v.iter() {
            m.set(r, *j, if *neg { -x } else { x.clone() });
        }
    }
    m
}

/// The conjugator of a level pair and the products the layers need.
pub(super) struct Conjugator {
    w: Matrix,
    w_inv: Matrix,
    wx: Matrix,
    xw_inv: Matrix,
}

/// `W` with `W X W^-1 = -Y` for level operations `x` (part 1) and `y` (part 2)
/// of equal rank: `W = S2 S1^-1` for adapted bases `S1` of `X` and `S2` of
/// `-Y` (lemma `compact_pair_intertwine`; the i-th start, image and fixed
/// vector of one basis go to the i-th of the other). Also `W^-1 = S1 S2^-1`,
/// `W X` (images of the second basis times the start rows of `S1^-1`) and
/// `X W^-1` (images of the first times the start rows of `S2^-1`). `None` when
/// a block is rank deficient or the ranks differ.
pub(super) fn conjugator(x: &Op, y: &Op) -> Option<Conjugator> {
    let d = x.d;
    let (b1, b2) = (basis(x)?, basis(y)?);
    if (0..3).any(|c| b1.cols[c].len() != b2.cols[c].len()) {
        return None;
    }
    fn all(b: &[Vec<Sparse>; 3]) -> Vec<&Sparse> {
        b.iter().flatten().collect()
    }
    let r = b1.cols[0].len();
    // Signs: the images of the second basis are -Y a_i.
    let signs: Vec<bool> = (0..d).map(|i| (r..2 * r).contains(&i)).collect();
    let plain = vec![false; d];
    let w = &from_cols(d, &all(&b2.cols), &signs) * &from_rows(d, &all(&b1.rows), &plain);
    let w_inv = &from_cols(d, &all(&b1.cols), &plain) * &from_rows(d, &all(&b2.rows), &signs);
    let images2: Vec<&Sparse> = b2.cols[1].iter().collect();
    let starts1: Vec<&Sparse> = b1.rows[0].iter().collect();
    let neg = vec![true; r];
    let pos = vec![false; r];
    let wx = &from_cols(d, &images2, &neg) * &from_rows(d, &starts1, &pos);
    let images1: Vec<&Sparse> = b1.cols[1].iter().collect();
    let starts2: Vec<&Sparse> = b2.rows[0].iter().collect();
    let xw_inv = &from_cols(d, &images1, &pos) * &from_rows(d, &starts2, &pos);
    Some(Conjugator {
        w,
        w_inv,
        wx,
        xw_inv,
    })
}

/// The four layers of a level pair, `CW(I - X, W) = diag(I + X, I + Y)`
/// (lemma `compact_pair`); orientation 0 starts with an upper layer, 1 with a
/// lower one.
pub(super) fn level_pair(c: &Conjugator, orientation: usize) -> Vec<Layer> {
    let (u, l) = (Kind::Upper, Kind::Lower);
    if orientation == 0 {
        // lemma: compact_cw_lower_first (Q = I - X: -Q W^-1 = X W^-1 - W^-1, W (Q^-1 - I) = W X)
        vec![
            Layer::unit(u, &c.xw_inv - &c.w_inv),
            Layer::unit(l, c.wx.clone()),
            Layer::unit(u, c.w_inv.clone()),
            Layer::unit(l, -&c.wx),
        ]
    } else {
        // lemma: compact_cw_upper_first
        vec![
            Layer::unit(l, -&(&c.w + &c.wx)),
            Layer::unit(u, -&c.xw_inv),
            Layer::unit(l, c.w.clone()),
            Layer::unit(u, c.xw_inv.clone()),
        ]
    }
}

/// The Whitehead gadget `diag(U, U^-1) = CW(U^-1, I)` (lemma `compact_whitehead`).
pub(super) fn whitehead(u: &Matrix, u_inv: &Matrix, orientation: usize) -> Vec<Layer> {
    let i = Matrix::identity(u.rows());
    let (up, lo) = (Kind::Upper, Kind::Lower);
    if orientation == 0 {
        vec![
            Layer::unit(up, -u_inv),
            Layer::unit(lo, u - &i),
            Layer::unit(up, i.clone()),
            Layer::unit(lo, u_inv - &i),
        ]
    } else {
        vec![
            Layer::unit(lo, -u),
            Layer::unit(up, u_inv - &i),
            Layer::unit(lo, i.clone()),
            Layer::unit(up, u - &i),
        ]
    }
}

/// The two positive-mode gadgets for `diag(S, I) diag(U, U^-1)` with a sign
/// diagonal `S` that has an even number of `-1`s (lemma `compact_sign_split`):
/// `S = S_a S_b` with the `-1`s split in two equal halves, `P` the involution
/// exchanging them pairwise (`P S_a P = S_b`), then
/// `diag(S U, U^-1) = diag(S_a, S_b) diag(S_b U, S_b U^-1)`,
/// `diag(S_b U, S_b U^-1) = CW(U^-1 S_b, S_b)` and `diag(S_a, S_b) = CW(S_a, P)`.
/// Returns both gadgets in application order for the given orientations.
pub(super) fn sign_gadgets(
    u: &Matrix,
    u_inv: &Matrix,
    signs: &[bool],
    orientations: (usize, usize),
) -> (Vec<Layer>, Vec<Layer>) {
    let d = u.rows();
    let neg: Vec<usize> = (0..d).filter(|&i| signs[i]).collect();
    let (pa, pb) = neg.split_at(neg.len() / 2);
    let diag_of = |set: &[usize]| -> Vec<Q> {
        (0..d)
            .map(|i| if set.contains(&i) { qi(-1) } else { qi(1) })
            .collect()
    };
    let (sa, sb) = (diag_of(pa), diag_of(pb));
    let i = Matrix::identity(d);
    let sbm = Matrix::from_diagonal(&sb);
    let (up, lo) = (Kind::Upper, Kind::Lower);
    let first = if orientations.0 == 0 {
        vec![
            Layer::unit(up, -u_inv),
            Layer::unit(lo, u - &sbm),
            Layer::unit(up, sbm.clone()),
            Layer::unit(lo, &u_inv.scale_rows(&sb).scale_cols(&sb) - &sbm),
        ]
    } else {
        vec![
            Layer::unit(lo, -u),
            Layer::unit(up, u_inv - &sbm),
            Layer::unit(lo, sbm.clone()),
            Layer::unit(up, &u.scale_rows(&sb).scale_cols(&sb) - &sbm),
        ]
    };
    // P exchanges pa[t] and pb[t].
    let mut p = Matrix::identity(d);
    for (&a, &b) in pa.iter().zip(pb) {
        p.set(a, a, Q::zero());
        p.set(b, b, Q::zero());
        p.set(a, b, Q::one());
        p.set(b, a, Q::one());
    }
    let sa_minus_i = &Matrix::from_diagonal(&sa) - &i;
    let second = if orientations.1 == 0 {
        vec![
            Layer::unit(up, -&p.scale_rows(&sa)),
            Layer::unit(lo, &p * &sa_minus_i),
            Layer::unit(up, p.clone()),
            Layer::unit(lo, &p * &sa_minus_i),
        ]
    } else {
        vec![
            Layer::unit(lo, -&p.scale_cols(&sa)),
            Layer::unit(up, &sa_minus_i * &p),
            Layer::unit(lo, p.clone()),
            Layer::unit(up, &sa_minus_i * &p),
        ]
    };
    (first, second)
}

/// The slot gadget for a level operation on one part (`part` 1 or 2), with the
/// twins of its source coordinates in the other part as scratch (lemma
/// `compact_slot`): `L(P) U(X) L(-P) U(-X)` for part 1 (variant 0; variant 1
/// starts with `U(-X)`), the mirror for part 2.
pub(super) fn slot(op: &Op, part: usize, variant: usize) -> Vec<Layer> {
    let x = op.matrix();
    let mut sel = Matrix::zeros(op.d, op.d);
    for bl in &op.blocks {
        for j in bl.j.clone() {
            sel.set(j, j, Q::one());
        }
    }
    let (target, scratch) = if part == 1 {
        (Kind::Upper, Kind::Lower)
    } else {
        (Kind::Lower, Kind::Upper)
    };
    if variant == 0 {
        vec![
            Layer::unit(scratch, sel.clone()),
            Layer::unit(target, x.clone()),
            Layer::unit(scratch, -&sel),
            Layer::unit(target, -&x),
        ]
    } else {
        vec![
            Layer::unit(target, -&x),
            Layer::unit(scratch, sel.clone()),
            Layer::unit(target, x),
            Layer::unit(scratch, -&sel),
        ]
    }
}
