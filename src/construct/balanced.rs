//! Small-entry construction (`Strategy::Balanced`): `O(log n)` layers whose entries
//! are ratios of minors of `T`, so their bit size stays close to that of `T^-1`.
//!
//! Half/half split, `n = 2d`, signed mode, integer `T` first (a rational `T` is
//! `diag(r)^-1 T_int` with one common denominator per row, applied at the end as two
//! scaling layers). See `docs/performance.md` for the proofs of the layer count and
//! the entry bound; in short:
//!
//! 1. **Block LDU tree.** If every leading principal minor `p_k` of `T` is nonzero,
//!    `T = L D U` (unit lower, diagonal, unit upper). For a block `C` of the binary
//!    tree over `0..n` (root `0..n` split at `d`, each block `s..e` split at
//!    `k = s + (e - s) / 2`), `C = L_C D_C U_C` with the factors' diagonal blocks, and
//!    `C = [[I, 0], [X, I]] diag(C11, S) [[I, Y], [0, I]]` with
//!    `Y = (T_k^-1 T[0..k, k..e])[s..k]` and `X^T` the same for `T^T`. Both are read
//!    off one fraction-free Gauss-Jordan pass ([`schur_snapshots`]); each entry is a
//!    ratio of two minors of order `k` of `T` (Cramer's rule).
//! 2. **Root.** `T = L(X0) diag(C_a, C_b) U(Y0)`: two plain layers.
//! 3. **Inside a half.** `diag(C_a, I)` is realised on part 1 with part 2 as scratch
//!    ("slots"): an elementary block `x1[K] += M x1[J]` (`J`, `K` disjoint) is four
//!    unit layers `L: x2[J] += x1[J]; U: x1[K] += M x2[J]; L: x2[J] -= x1[J];
//!    U: x1[K] -= M x2[J]` (or the same starting with the `U` step, `-M` first,
//!    chosen so that it merges with the previous layer). Blocks of one tree depth
//!    have disjoint coordinates, so they share these four layers. Order: `Y`
//!    blocks from the top depth down, the diagonal `D` (one scaling layer), `X`
//!    blocks from the bottom depth up. `C_b` mirrors this on part 2.
//! 4. **Pivoting.** If some `p_k = 0` (permutations, singular blocks), the
//!    construction runs on `T' = U(-R2) L(-R1) T` for seeded random integer
//!    `R1`, `R2` with entries in `[-2, 2]` (retrying with new seeds) and appends
//!    `U(R2)`, `L(R1)`.
//!
//! Layer count (`h = ceil(log2 d)` tree depths per half): at most
//! `2 + 2 (2 (3h + 1) + 1) + 4` before merging, i.e. `12 h + O(1)`.

use super::blocks::Chain;
use super::rng::Rng;
use super::{Construction, DecomposeError, Options, Strategy, Trace};
use crate::exact::{Matrix, Q, lcm_of_denominators, qi, schur_snapshots};
use crate::layer::{Kind, Layer, Mode, Split};
use num_traits::One;

/// Number of random preconditioners tried when a leading principal minor vanishes.
const ATTEMPTS: u64 = 16;

/// Layers (application order) whose product is `t`, built by the balanced strategy.
/// `_t_inv` is not used (it is empty in signed mode): singular inputs are
/// detected here, with the kernel evidence.
pub(crate) fn chain(
    t: &Matrix,
    _t_inv: &Matrix,
    options: &Options,
) -> Result<(Chain, Trace), DecomposeError> {
    let unsupported = |reason: &str| DecomposeError::UnsupportedStrategy {
        strategy: Strategy::Balanced,
        reason: reason.into(),
    };
    if options.mode == Mode::Positive {
        return Err(unsupported(
            "positive mode is not supported: the diagonal of the LDU factorisation \
             (ratios of leading principal minors) may be negative; use the shallow strategy",
        ));
    }
    let n = t.rows();
    if let Some(split) = options.split
        && split != Split::halves(n)
    {
        return Err(unsupported(
            "only the half/half split is supported; use the shallow strategy",
        ));
    }
    let Some((chain, preconditioned)) = balanced_chain(t, options.seed) else {
        return Err(match t.inverse() {
            Err(s) => DecomposeError::Singular { kernel: s.kernel },
            Ok(_) => DecomposeError::Internal("no preconditioner made T generic".into()),
        });
    };
    let trace = Trace::plain(Construction::BalancedTree { preconditioned });
    Ok((chain, trace))
}

/// The balanced chain for an invertible `t` of even dimension, and whether a random
/// preconditioner was needed. `None` only if every attempt hit a vanishing leading
/// principal minor (not expected for invertible `t`).
///
/// # Examples
/// ```
/// use couplings::construct::balanced::balanced_chain;
/// use couplings::{Decomposition, Mode, Split, exact::Matrix};
/// let t = Matrix::from_i64(&[&[2, 1, 0, 3], &[1, 1, 4, 0], &[0, 5, 1, 1], &[1, 0, 2, 1]]);
/// let (layers, _) = balanced_chain(&t, 1).unwrap();
/// let dec = Decomposition { split: Split::halves(4), mode: Mode::Signed, layers };
/// assert_eq!(dec.product(), t);
/// ```
pub fn balanced_chain(t: &Matrix, seed: u64) -> Option<(Chain, bool)> {
    let n = t.rows();
    let d = n / 2;
    // T = diag(r)^-1 T_int.
    let r: Vec<Q> = (0..n)
        .map(|i| Q::from_integer(lcm_of_denominators(t.row(i).iter())))
        .collect();
    let t_int = t.scale_rows(&r);
    let inv_r: Vec<Q> = r.iter().map(Q::recip).collect();
    let split = Split::new(d, d);
    let row_scaling = |mut c: Chain| {
        c.push(Layer::scaling(Kind::Upper, split, inv_r[..d].to_vec()));
        c.push(Layer::scaling(Kind::Lower, split, inv_r[d..].to_vec()));
        c
    };
    if let Some(c) = ldu_chain(&t_int) {
        crate::progress::stage("balanced: layers built");
        return Some((row_scaling(c), false));
    }
    let mut rng = Rng::new(seed);
    if t_int.rank() < n {
        return None;
    }
    crate::progress::stage("balanced: a leading minor vanishes; random preconditioner");
    for _ in 0..ATTEMPTS {
        let mut random =
            || Matrix::from_vec(d, d, (0..d * d).map(|_| qi(rng.range(-2, 2))).collect());
        let (r1, r2) = (random(), random());
        // T' = U(-R2) L(-R1) T_int, so T_int = L(R1) U(R2) T'.
        let l1 = Layer::unit(Kind::Lower, r1);
        let u2 = Layer::unit(Kind::Upper, r2);
        let tp = u2
            .inverse()
            .apply_matrix(&l1.inverse().apply_matrix(&t_int));
        if let Some(mut c) = ldu_chain(&tp) {
            c.push(u2);
            c.push(l1);
            return Some((row_scaling(c), true));
        }
    }
    None
}

/// One internal node of the block tree: block `s..e` split at `k` (global indices).
#[derive(Debug, Clone, Copy)]
struct Node {
    depth: usize,
    s: usize,
    k: usize,
    e: usize,
}

fn tree(s: usize, e: usize, depth: usize, out: &mut Vec<Node>) {
    if e - s < 2 {
        return;
    }
    let k = s + (e - s) / 2;
    out.push(Node { depth, s, k, e });
    tree(s, k, depth + 1, out);
    tree(k, e, depth + 1, out);
}

/// The chain for an integer `t` with all leading principal minors nonzero, or `None`.
fn ldu_chain(t: &Matrix) -> Option<Chain> {
    let n = t.rows();
    let d = n / 2;
    let mut nodes = vec![Node {
        depth: 0,
        s: 0,
        k: d,
        e: n,
    }];
    tree(0, d, 1, &mut nodes);
    tree(d, n, 1, &mut nodes);
    let requests: Vec<(usize, usize, usize)> = nodes.iter().map(|v| (v.s, v.k, v.e)).collect();
    let tt = t.transpose();
    crate::progress::stage("balanced: fraction-free Gauss-Jordan passes on T and T^T");
    let (ys, xs) = rayon::join(
        || schur_snapshots(t, &requests),
        || schur_snapshots(&tt, &requests),
    );
    let (ys, xs) = (ys.ok()?, xs.ok()?);
    // D_i = p_{i+1} / p_i.
    let diag: Vec<Q> = (0..n)
        .map(|i| Q::new(ys.minors[i + 1].clone(), ys.minors[i].clone()))
        .collect();
    let split = Split::new(d, d);
    let mut chain: Chain = vec![Layer::unit(Kind::Upper, ys.blocks[0].clone())];
    let max_depth = nodes.iter().map(|v| v.depth).max().unwrap_or(0);
    for half in 0..2 {
        let offset = half * d;
        let in_half = |v: &&Node| v.depth > 0 && (v.s >= offset) && (v.e <= offset + d);
        let target = if half == 0 { Kind::Upper } else { Kind::Lower };
        // Y blocks, top depth first: x[s..k] += Y x[k..e].
        for depth in 1..=max_depth {
            let group: Vec<(usize, usize, &Matrix)> = nodes
                .iter()
                .zip(&ys.blocks)
                .filter(|(v, _)| in_half(v) && v.depth == depth)
                .map(|(v, y)| (v.s - offset, v.k - offset, y))
                .collect();
            push_elementary(&mut chain, target, d, &group, |y| y.clone());
        }
        chain.push(Layer::scaling(
            target,
            split,
            diag[offset..offset + d].to_vec(),
        ));
        // X blocks, bottom depth first: x[k..e] += X x[s..k].
        for depth in (1..=max_depth).rev() {
            let group: Vec<(usize, usize, &Matrix)> = nodes
                .iter()
                .zip(&xs.blocks)
                .filter(|(v, _)| in_half(v) && v.depth == depth)
                .map(|(v, xt)| (v.k - offset, v.s - offset, xt))
                .collect();
            push_elementary(&mut chain, target, d, &group, Matrix::transpose);
        }
    }
    chain.push(Layer::unit(Kind::Lower, xs.blocks[0].transpose()));
    Some(chain)
}

/// Appends the four unit layers of `x[K] += M x[J]` for every block of `group`
/// (disjoint blocks, all within one half; `target` is the kind of layer that
/// updates that half). A group entry `(k0, j0, m)` places `f(m)` with its top-left
/// corner at target row `k0` and source column `j0`; the slots are the source
/// coordinates' twins in the other half. Picks the variant whose first layer has
/// the kind of the chain's last layer, so that they merge.
fn push_elementary(
    chain: &mut Chain,
    target: Kind,
    d: usize,
    group: &[(usize, usize, &Matrix)],
    f: impl Fn(&Matrix) -> Matrix,
) {
    if group.is_empty() {
        return;
    }
    let mut shift = Matrix::zeros(d, d);
    let mut slots = Matrix::zeros(d, d);
    for &(k0, j0, m) in group {
        let m = f(m);
        for i in 0..m.rows() {
            for j in 0..m.cols() {
                shift.set(k0 + i, j0 + j, m.get(i, j).clone());
            }
        }
        for j in 0..m.cols() {
            slots.set(j0 + j, j0 + j, Q::one());
        }
    }
    let neg_shift = -&shift;
    let neg_slots = -&slots;
    let slot_kind = target.other();
    let layers = if chain.last().map(|l| l.kind) == Some(target) {
        // x[K] -= M s; s += x[J]; x[K] += M s; s -= x[J].
        [
            Layer::unit(target, neg_shift),
            Layer::unit(slot_kind, slots),
            Layer::unit(target, shift),
            Layer::unit(slot_kind, neg_slots),
        ]
    } else {
        // s += x[J]; x[K] += M s; s -= x[J]; x[K] -= M s.
        [
            Layer::unit(slot_kind, slots),
            Layer::unit(target, shift),
            Layer::unit(slot_kind, neg_slots),
            Layer::unit(target, neg_shift),
        ]
    };
    chain.extend(layers);
}
