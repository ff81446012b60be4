//! Unequal splits (`p != q`): the hub construction of `docs/splits.md`. This
//! module owns the decomposition for any split `(p, q)` with `p != q`, its proven
//! layer bound [`bound`], the counting lower bound [`counting_lower_bound`] and
//! the chunking of the larger part ([`chunks`]). The equal split `p = q` stays
//! with the shallow search in [`super`]; this module only calls it on `2p x 2p`
//! *windows* (part 1 plus `p` coordinates of part 2), whose layers are layers of
//! the `(p, q)` split.
//!
//! Outline for `p < q` (for `p > q` the block swap exchanges the parts and the
//! layer kinds), with `k = ceil(q / p)` chunks `G_1, ..., G_k` of part 2:
//! 1. a unit upper peel `U(Y)` makes the top-left block invertible;
//! 2. the block factorisation `T1 = L(Z) diag(C0, S) U(X)` (Schur complement `S`);
//! 3. a unit block-upper-triangular `W` on the chunks makes the leading chunk
//!    minors of `W S` invertible; then `S = W^-1 (W S)` is a product of at most
//!    `2k - 1` *column replacements* (product form of the inverse);
//! 4. each column replacement costs two layers through the hub (part 1): load,
//!    update, unload; the hub ends up transformed by a known `H`;
//! 5. one window fixes the hub (`diag(C0 H^-1, I)`), one lower layer removes the
//!    hub's traces in part 2.

use super::blocks::Chain;
use super::{DecomposeError, Options, Strategy};
use crate::exact::{Matrix, Q};
use crate::layer::{Kind, Layer, Mode, Split};
use num_traits::{One, Zero};
use std::ops::Range;

/// The proven upper bound on the number of layers [`super::decompose_with`]
/// returns (Shallow strategy) for the split `(p, q)` and a mode.
///
/// * `p = q`: 7 signed, 9 positive (the equal-split search, `docs/construction.md`);
/// * `p != q`, with `k = ceil(max / min)`: `4k + 8` signed and `4k + 10` positive
///   (`docs/splits.md`).
///
/// # Examples
/// ```
/// use couplings::{Mode, Split, construct::split::bound};
/// assert_eq!(bound(Split::new(2, 2), Mode::Signed), 7);
/// assert_eq!(bound(Split::new(1, 2), Mode::Signed), 16);
/// assert_eq!(bound(Split::new(3, 1), Mode::Positive), 22);
/// ```
pub fn bound(split: Split, mode: Mode) -> usize {
    let (small, large) = ordered(split);
    let window = window_bound(mode);
    if small == large {
        return window;
    }
    let k = large.div_ceil(small);
    // (2m + 1) chain layers with m <= 2k - 1 column replacements, a window,
    // one merged lower layer and the upper peel.
    2 * (2 * k - 1) + 1 + window + 2
}

/// Proven bound of the equal-split search (used on windows).
fn window_bound(mode: Mode) -> usize {
    match mode {
        Mode::Signed => 7,
        Mode::Positive => 9,
    }
}

/// The counting lower bound: the least `K` such that `K` alternating layers of
/// the split `(p, q)` have at least `n^2` parameters (a lower layer has
/// `pq + q`, an upper one `pq + p`). Below it the products of `K` layers form a
/// set of dimension `< n^2`, so they miss almost every matrix.
///
/// # Examples
/// ```
/// use couplings::{Split, construct::split::counting_lower_bound};
/// assert_eq!(counting_lower_bound(Split::new(2, 2)), 3);
/// assert_eq!(counting_lower_bound(Split::new(1, 15)), 11);
/// ```
pub fn counting_lower_bound(split: Split) -> usize {
    let (p, q) = (split.first, split.second);
    let n = p + q;
    let big = p * q + p.max(q);
    let small = p * q + p.min(q);
    let mut k: usize = 0;
    loop {
        let params = k.div_ceil(2) * big + (k / 2) * small;
        if params >= n * n {
            return k;
        }
        k += 1;
    }
}

/// The chunks of part 2 (local indices `0..q`) used by the construction for
/// `p <= q`: consecutive ranges of length `p`, the last one shorter when `p`
/// does not divide `q`.
///
/// # Examples
/// ```
/// use couplings::construct::split::chunks;
/// assert_eq!(chunks(2, 5), vec![0..2, 2..4, 4..5]);
/// ```
pub fn chunks(p: usize, q: usize) -> Vec<Range<usize>> {
    (0..q.div_ceil(p))
        .map(|j| j * p..((j + 1) * p).min(q))
        .collect()
}

fn ordered(split: Split) -> (usize, usize) {
    (split.first.min(split.second), split.first.max(split.second))
}

/// Layers (application order) of split `split` whose product is `t`, for
/// `p != q`; `t` is invertible (and `det t > 0` in positive mode). The caller
/// verifies the product.
///
/// The construction runs on `t` and on `t^-1` (whose chain, reversed and
/// inverted, is one for `t`); the shorter result is kept. Both obey the bound.
pub(crate) fn chain(t: &Matrix, split: Split, options: &Options) -> Result<Chain, DecomposeError> {
    let direct = oriented_chain(t, split, options)?;
    let Ok(t_inv) = t.inverse() else {
        return Ok(direct);
    };
    // lemma: chain_inverse
    let via_inverse = match oriented_chain(&t_inv, split, options) {
        Ok(c) => super::blocks::invert_chain(c),
        // The direct chain is valid on its own; never expected.
        Err(_) => return Ok(direct),
    };
    let len = |c: &Chain| super::blocks::merged_len(c);
    Ok(if len(&via_inverse) < len(&direct) {
        via_inverse
    } else {
        direct
    })
}

/// The construction on `t` itself (block swap first when `p > q`).
fn oriented_chain(t: &Matrix, split: Split, options: &Options) -> Result<Chain, DecomposeError> {
    let (p, q) = (split.first, split.second);
    if p <= q {
        return hub_chain(t, p, q, options);
    }
    // lemma: swap_target (the block swap exchanges the parts: S T S^-1 has split (q, p))
    let order: Vec<usize> = (p..p + q).chain(0..p).collect();
    let swapped = t.permuted(&order, &order);
    let c = hub_chain(&swapped, q, p, options)?;
    // lemma: swap_chain (a lower layer of (q, p) is an upper layer of (p, q), same blocks)
    Ok(c.iter().map(Layer::swapped).collect())
}

fn internal(msg: &str) -> DecomposeError {
    DecomposeError::Internal(format!("unequal-split construction: {msg}"))
}

/// The construction for `p < q` (see the module header).
fn hub_chain(t: &Matrix, p: usize, q: usize, options: &Options) -> Result<Chain, DecomposeError> {
    let tpp = t.block(0, 0, p, p);
    let tqp = t.block(p, 0, q, p);
    // Step 1: U(Y) T has an invertible top-left block.
    let rows_p: Vec<Vec<Q>> = (0..p).map(|i| tpp.row(i).to_vec()).collect();
    let rows_q: Vec<Vec<Q>> = (0..q).map(|i| tqp.row(i).to_vec()).collect();
    let pairs = complete_rows(&[], &rows_p, &rows_q).ok_or_else(|| internal("no pivot rows"))?;
    let mut y = Matrix::zeros(p, q);
    for &(i, j) in &pairs {
        y.set(i, j, Q::one());
    }
    let peel = Layer::upper(y.clone(), vec![Q::one(); p]);
    let t1 = peel.apply_matrix(t);
    // Step 2: T1 = L(Z) diag(C0, S) U(X).
    // lemma: schur_factorisation
    let c0 = t1.block(0, 0, p, p);
    let c0_inv = c0
        .inverse()
        .map_err(|_| internal("top-left block stayed singular"))?;
    let t1pq = t1.block(0, p, p, q);
    let t1qp = t1.block(p, 0, q, p);
    let x = &c0_inv * &t1pq;
    let z = &t1qp * &c0_inv;
    let s = &t1.block(p, p, q, q) - &(&z * &t1pq);
    // Step 3: W S has invertible leading chunk minors; S = W^-1 (W S).
    let parts = chunks(p, q);
    let w = chunk_pivots(&s, &parts).ok_or_else(|| internal("no chunk pivots"))?;
    let ws = &w * &s;
    let w_inv = w.inverse().map_err(|_| internal("W is singular"))?;
    // Application order: the etas of W S (last first), then those of W^-1.
    let mut etas = product_form(&ws, &parts).ok_or_else(|| internal("W S has a singular pivot"))?;
    etas.reverse();
    let mut etas_w =
        product_form(&w_inv, &parts).ok_or_else(|| internal("W^-1 has a singular pivot"))?;
    etas_w.reverse();
    etas.extend(etas_w);
    etas.retain(|e| !e.is_identity());
    // Step 4: the hub chain.
    let mut layers: Chain = vec![Layer::upper(x, vec![Q::one(); p])];
    for e in &etas {
        layers.extend(e.layers(p, q));
    }
    let mut ch = Matrix::identity(p + q);
    for l in &layers[1..] {
        ch = l.apply_matrix(&ch);
    }
    if !ch.block(0, p, p, q).is_zero() || ch.block(p, p, q, q) != s {
        return Err(internal("the hub chain does not realise S"));
    }
    let h = ch.block(0, 0, p, p);
    let h_inv = h
        .inverse()
        .map_err(|_| internal("the hub map is singular"))?;
    let junk = ch.block(p, 0, q, p);
    // Step 5: diag(C0, S) = L(-J H^-1 K^-1) diag(K, I) Ch with K = C0 H^-1.
    // lemma: hub_fix
    let k = &c0 * &h_inv;
    let k_inv = &h * &c0_inv;
    if !k.is_identity() {
        let mut window = Matrix::identity(2 * p);
        for i in 0..p {
            for j in 0..p {
                window.set(i, j, k.get(i, j).clone());
            }
        }
        let inner = Options {
            // The compact strategy keeps the window's entries small; every
            // other strategy runs the equal-split search there.
            strategy: match options.strategy {
                Strategy::Compact => Strategy::Compact,
                _ => Strategy::Shallow,
            },
            split: None,
            // The window is decomposed exactly, whatever the caller's tolerance.
            tolerance: Default::default(),
            ..options.clone()
        };
        let dec = super::decompose_with(&window, &inner)?;
        layers.extend(dec.layers.iter().map(|l| embed_window(l, p, q)));
    }
    let fix = (&junk * &h_inv).map(|v| -v);
    let fix = &fix * &k_inv;
    layers.push(Layer::lower(&z + &fix, vec![Q::one(); q]));
    // Step 1 undone: T = U(-Y) T1.
    // lemma: inverse_upper
    layers.push(Layer::upper(y.map(|v| -v), vec![Q::one(); p]));
    Ok(layers)
}

/// A layer of the `(p, p)` split on the window `part 1 + coordinates 0..p of
/// part 2`, as a layer of the `(p, q)` split (identity on the other rows).
fn embed_window(l: &Layer, p: usize, q: usize) -> Layer {
    match l.kind {
        Kind::Lower => {
            let mut a = Matrix::zeros(q, p);
            let mut d = vec![Q::one(); q];
            for (i, s) in l.scale.iter().enumerate() {
                for j in 0..p {
                    a.set(i, j, l.shift.get(i, j).clone());
                }
                d[i] = s.clone();
            }
            Layer::lower(a, d)
        }
        Kind::Upper => {
            let mut b = Matrix::zeros(p, q);
            for i in 0..p {
                for j in 0..p {
                    b.set(i, j, l.shift.get(i, j).clone());
                }
            }
            Layer::upper(b, l.scale.clone())
        }
    }
}

/// A column replacement on part 2: the identity except the columns of `chunk`,
/// which are `column` (`q x g`, invertible on the rows of `chunk`).
#[derive(Debug, Clone)]
struct Eta {
    chunk: Range<usize>,
    column: Matrix,
}

impl Eta {
    fn is_identity(&self) -> bool {
        let g = self.chunk.len();
        (0..self.column.rows()).all(|i| {
            (0..g).all(|b| {
                let want = if i == self.chunk.start + b {
                    Q::one()
                } else {
                    Q::zero()
                };
                *self.column.get(i, b) == want
            })
        })
    }

    /// Load, update, unload (three layers; the unload merges with the next load).
    fn layers(&self, p: usize, q: usize) -> Vec<Layer> {
        // lemma: hub_column_replacement
        let g = self.chunk.len();
        let s = self.chunk.start;
        let n_block = self.column.block(s, 0, g, g);
        let n_inv = n_block.inverse().expect("pivot block checked invertible");
        let mut load = Matrix::zeros(p, q);
        let mut unload = Matrix::zeros(p, q);
        for r in 0..g {
            load.set(r, s + r, Q::one());
            for b in 0..g {
                unload.set(r, s + b, -n_inv.get(r, b).clone());
            }
        }
        let mut a = Matrix::zeros(q, p);
        for i in 0..q {
            for b in 0..g {
                let mut v = self.column.get(i, b).clone();
                if i == s + b {
                    v -= Q::one();
                }
                a.set(i, b, v);
            }
        }
        vec![
            Layer::upper(load, vec![Q::one(); p]),
            Layer::lower(a, vec![Q::one(); q]),
            Layer::upper(unload, vec![Q::one(); p]),
        ]
    }
}

/// Product form: column replacements `E_1, ..., E_k` (one per chunk) with
/// `m = E_1 E_2 ... E_k`, or `None` when a leading chunk minor of `m` is singular.
fn product_form(m: &Matrix, parts: &[Range<usize>]) -> Option<Vec<Eta>> {
    let q = m.rows();
    let mut p_inv = Matrix::identity(q);
    let mut out = Vec::with_capacity(parts.len());
    for part in parts {
        let g = part.len();
        let column = &p_inv * &m.block(0, part.start, q, g);
        let n_inv = column.block(part.start, 0, g, g).inverse().ok()?;
        // E^-1: columns of the chunk are [-c_other N^-1; N^-1].
        let mut e_inv = Matrix::identity(q);
        let scaled = &column * &n_inv;
        for i in 0..q {
            for b in 0..g {
                let v = if part.contains(&i) {
                    n_inv.get(i - part.start, b).clone()
                } else {
                    -scaled.get(i, b).clone()
                };
                e_inv.set(i, part.start + b, v);
            }
        }
        p_inv = &e_inv * &p_inv;
        out.push(Eta {
            chunk: part.clone(),
            column,
        });
    }
    Some(out)
}

/// A unit block-upper-triangular `W` (blocks `parts`) such that every leading
/// block minor of `W s` is invertible: `W = I + sum e_i e_j^T` over pairs (row
/// `i` of a chunk, row `j` of a later chunk), built chunk by chunk.
fn chunk_pivots(s: &Matrix, parts: &[Range<usize>]) -> Option<Matrix> {
    let q = s.rows();
    let mut w = Matrix::identity(q);
    let mut m = s.clone();
    for part in parts.iter().take(parts.len().saturating_sub(1)) {
        let width = part.end;
        let restrict = |i: usize, m: &Matrix| m.row(i)[..width].to_vec();
        let fixed: Vec<Vec<Q>> = (0..part.start).map(|i| restrict(i, &m)).collect();
        let top: Vec<Vec<Q>> = part.clone().map(|i| restrict(i, &m)).collect();
        let below: Vec<Vec<Q>> = (part.end..q).map(|i| restrict(i, &m)).collect();
        let pairs = complete_rows(&fixed, &top, &below)?;
        for (a, b) in pairs {
            let (row, from) = (part.start + a, part.end + b);
            w.set(row, from, Q::one());
            let new: Vec<Q> = m
                .row(row)
                .iter()
                .zip(m.row(from))
                .map(|(x, y)| x + y)
                .collect();
            for (c, v) in new.into_iter().enumerate() {
                m.set(row, c, v);
            }
        }
    }
    Some(w)
}

/// Given independent `fixed` rows and `top` rows such that `fixed + top + below`
/// span the whole row space, pairs `(t, b)`: adding `below[b]` to `top[t]` for
/// each pair makes `fixed + top` a basis. `None` when the rows do not span.
fn complete_rows(
    fixed: &[Vec<Q>],
    top: &[Vec<Q>],
    below: &[Vec<Q>],
) -> Option<Vec<(usize, usize)>> {
    let mut basis = Echelon::default();
    for r in fixed {
        if !basis.insert(r) {
            return None;
        }
    }
    let mut dependent = Vec::new();
    for (t, r) in top.iter().enumerate() {
        if !basis.insert(r) {
            dependent.push(t);
        }
    }
    let mut pairs = Vec::new();
    let mut dep = dependent.into_iter();
    let mut next = dep.next();
    for (b, r) in below.iter().enumerate() {
        let Some(t) = next else { break };
        if basis.insert(r) {
            pairs.push((t, b));
            next = dep.next();
        }
    }
    next.is_none().then_some(pairs)
}

/// An exact row-echelon basis for independence tests.
#[derive(Default)]
struct Echelon {
    rows: Vec<(usize, Vec<Q>)>,
}

impl Echelon {
    fn reduce(&self, v: &[Q]) -> Vec<Q> {
        let mut v = v.to_vec();
        for (pivot, row) in &self.rows {
            if !v[*pivot].is_zero() {
                let f = v[*pivot].clone() / &row[*pivot];
                for (x, y) in v.iter_mut().zip(row) {
                    *x -= &f * y;
                }
            }
        }
        v
    }

    /// Adds `v` if it is independent of the basis; returns whether it was.
    fn insert(&mut self, v: &[Q]) -> bool {
        let r = self.reduce(v);
        match r.iter().position(|x| !x.is_zero()) {
            Some(pivot) => {
                self.rows.push((pivot, r));
                true
            }
            None => false,
        }
    }
}
