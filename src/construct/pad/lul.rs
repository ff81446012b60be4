//! The padded three-layer theorem (`docs/padding.md`, Theorem 4): for a split
//! `(p | n - p + K)` with `p < n` (the padded coordinates in part 2), the exact
//! decision whether `[[T], [0]]` is the first `n` columns of `L U L`
//! ([`decide`]: the monomial conditions (a), (b) by propagation, then the rank
//! condition (c) in the one free scalar by the rational roots of a minor), and
//! the construction of the chain from admissible `E`, `Omega` ([`construct`],
//! the proof's sufficiency part; block steps `padded_lul_a`, `padded_lul_c`,
//! `padded_lul_move`, `padded_lul_e2` of `proofs/padding.proof`). A negative
//! answer carries a [`LulCertificate`] that `crate::depth::pad` re-checks.

use super::witness::{
    Contradiction, LulCertificate, MonoEq, PadContradiction, PadFact, RankWitness, RootReason,
    RootWitness, Value, Var, blocks_at, evaluate_facts,
};
use crate::construct::blocks::Chain;
use crate::construct::short::linalg::{from_row_vecs, kernel_basis, rref};
use crate::exact::{Matrix, Poly, Q, is_small_prime, q, qi};
use crate::layer::{Layer, Mode};
use num_traits::{One, Signed, Zero};

/// The answer for one split.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LulOutcome {
    /// A chain `L U L` on the split `(p | n - p + K)` (verified by the caller).
    Found(Chain),
    /// No chain exists; the certificate says why.
    Impossible(Box<LulCertificate>),
    /// Not decided (several free scalars in `E`, or no prime certificate).
    Undecided(String),
}

/// Decides the padded `L U L` for the split `(p | n - p + k)`, `0 < p < n`,
/// given `s = T^-1`.
///
/// # Examples
/// ```
/// use couplings::construct::pad::lul::{decide, LulOutcome};
/// use couplings::{Mode, exact::Matrix};
/// let t = Matrix::from_i64(&[&[2, 1, 1], &[1, 3, 1], &[1, 1, 4]]);
/// let s = t.inverse().unwrap();
/// // K = n - 2 = 1, p = n - 1 = 2: three layers for generic T (signed).
/// assert!(matches!(decide(&t, &s, 2, 1, Mode::Signed), LulOutcome::Found(_)));
/// ```
pub fn decide(t: &Matrix, s: &Matrix, p: usize, k: usize, mode: Mode) -> LulOutcome {
    let n = t.rows();
    let a = n - p;
    let positive = mode == Mode::Positive;
    let (t11, t12, _, _) = blocks_at(t, p);
    let s12 = s.block(0, p, p, a);
    let cert = |facts: Vec<PadFact>, contradiction: PadContradiction| {
        LulOutcome::Impossible(Box::new(LulCertificate {
            inverse: s.clone(),
            facts,
            contradiction,
        }))
    };
    // The facts: ratios (a), kernel pins (b), and for K = 0 the left-kernel pins.
    let mut facts = Vec::new();
    for i in 0..p {
        for j in 0..a {
            if !(t12.get(i, j).is_zero() && s12.get(i, j).is_zero()) {
                facts.push(PadFact::Ratio { row: i, col: j });
            }
        }
    }
    for vector in kernel_basis(&t12) {
        for col in 0..a {
            facts.push(PadFact::Kernel {
                vector: vector.clone(),
                col,
            });
        }
    }
    let left = kernel_basis(&t12.transpose());
    if k == 0 {
        for vector in &left {
            for col in 0..p {
                facts.push(PadFact::LeftKernel {
                    vector: vector.clone(),
                    col,
                });
            }
        }
    }
    let Ok(eqs) = evaluate_facts(t, s, p, &facts) else {
        return LulOutcome::Undecided("internal: a fact did not evaluate".into());
    };
    // Drop the trivial facts 0 = 0; keep the indices consistent.
    let keep: Vec<usize> = (0..eqs.len())
        .filter(|&i| !(eqs[i].coef.is_zero() && eqs[i].val.is_zero()))
        .collect();
    let facts: Vec<PadFact> = keep.iter().map(|&i| facts[i].clone()).collect();
    let eqs: Vec<MonoEq> = keep.iter().map(|&i| eqs[i].clone()).collect();
    if let Some(bad) = eqs.iter().position(|e| e.infeasible(positive)) {
        return cert(
            vec![facts[bad].clone()],
            PadContradiction::Monomial(Contradiction::Single { fact: 0 }),
        );
    }
    // Propagation over the variables, checking every equation on the way.
    let graph = Graph::solve(&eqs, p, a);
    if let Some(terms) = graph.inconsistency {
        let used: Vec<PadFact> = terms.iter().map(|(f, _)| facts[*f].clone()).collect();
        let terms = terms
            .iter()
            .enumerate()
            .map(|(i, (_, m))| (i, *m))
            .collect();
        return cert(
            used,
            PadContradiction::Monomial(Contradiction::Combination { terms }),
        );
    }
    // Condition (c).
    let e_roots: Vec<usize> = {
        let mut r: Vec<usize> = (0..p).filter_map(|i| graph.e_root(i)).collect();
        r.sort_unstable();
        r.dedup();
        r
    };
    let c_full = from_row_vecs(&left, p);
    let values_at = |mu: &Q| -> (Vec<Q>, Vec<Q>) {
        let one = Q::one();
        let e: Vec<Q> = (0..p).map(|i| graph.e_value(i, mu, &one)).collect();
        let w: Vec<Q> = (0..a).map(|j| graph.w_value(j, mu, &one)).collect();
        (e, w)
    };
    let finish = |mu: &Q| -> LulOutcome {
        let (e, w) = values_at(mu);
        let om: Vec<Q> = w.iter().map(Q::recip).collect();
        match construct(t, p, k, &e, &om) {
            Some(chain) => LulOutcome::Found(chain),
            None => LulOutcome::Undecided("internal: the construction failed".into()),
        }
    };
    if left.len() <= k {
        return finish(&Q::one());
    }
    let pencil = |e: &[Q]| &c_full * &(&t11 - &Matrix::from_diagonal(e));
    match e_roots.as_slice() {
        [] => {
            let (e, _) = values_at(&Q::one());
            let m = pencil(&e);
            match nonzero_minor(&m, k + 1) {
                None => finish(&Q::one()),
                Some((rows, cols)) => {
                    let value = minor(&m, &rows, &cols);
                    cert(
                        facts,
                        PadContradiction::Rank(Box::new(RankWitness {
                            root: None,
                            c: c_full,
                            rows,
                            cols,
                            poly: Poly::new(vec![value]),
                            roots: Vec::new(),
                            prime: 2,
                        })),
                    )
                }
            }
        }
        [root] => {
            let admissible = |mu: &Q| {
                if mu.is_zero() {
                    return false;
                }
                let (e, w) = values_at(mu);
                !positive || e.iter().chain(&w).all(Q::is_positive)
            };
            let at = |mu: &Q| pencil(&values_at(mu).0);
            let probes = [q(7, 3), q(-11, 5), q(13, 17)];
            let generic = probes.iter().map(|x| at(x).rank()).max().unwrap_or(0);
            if generic <= k {
                // rank <= generic rank <= K everywhere: any admissible value.
                // 1 is a positive value, so it serves both modes.
                let mu = Q::one();
                return if admissible(&mu) {
                    finish(&mu)
                } else {
                    LulOutcome::Undecided("internal: 1 is not admissible".into())
                };
            }
            let Some((rows, cols)) = nonzero_minor(&at(&probes[0]), generic) else {
                return LulOutcome::Undecided("internal: no generic minor".into());
            };
            let xs: Vec<Q> = (0..=generic).map(|i| qi(i as i64 + 2)).collect();
            let ys: Vec<Q> = xs.iter().map(|x| minor(&at(x), &rows, &cols)).collect();
            let poly = Poly::interpolate(&xs, &ys);
            let mut roots = Vec::new();
            for (value, multiplicity) in poly.rational_roots() {
                let reason = if !admissible(&value) {
                    RootReason::Inadmissible
                } else {
                    let m = at(&value);
                    match nonzero_minor(&m, k + 1) {
                        None => return finish(&value),
                        Some((rows, cols)) => RootReason::Minor { rows, cols },
                    }
                };
                roots.push(RootWitness {
                    value,
                    multiplicity,
                    reason,
                });
            }
            let cofactor = roots.iter().fold(poly.clone(), |h, r| {
                (0..r.multiplicity).fold(h, |h, _| h.div_linear(&r.value).0)
            });
            let Some(prime) = root_free_prime(&cofactor) else {
                return LulOutcome::Undecided(
                    "the rank condition has no rational solution, but no prime certifies it".into(),
                );
            };
            cert(
                facts,
                PadContradiction::Rank(Box::new(RankWitness {
                    root: Some(*root),
                    c: c_full,
                    rows,
                    cols,
                    poly,
                    roots,
                    prime,
                })),
            )
        }
        _ => LulOutcome::Undecided(format!(
            "the rank condition (c) has {} free scalars in E (a diagonal-plus-low-rank \
             problem; decided here only for one)",
            e_roots.len()
        )),
    }
}

/// A small prime modulo which `h` has no root (and which does not divide its
/// leading coefficient), among the primes below 2000.
pub fn root_free_prime(h: &Poly) -> Option<u64> {
    h.degree()?;
    (3u64..2000)
        .filter(|&m| is_small_prime(m))
        .find(|&m| h.roots_mod(m).is_some_and(|r| r.is_empty()))
}

/// Rows and columns of a nonzero `size x size` minor of `m`, if its rank is at
/// least `size`.
pub fn nonzero_minor(m: &Matrix, size: usize) -> Option<(Vec<usize>, Vec<usize>)> {
    let (_, row_pivots) = rref(&m.transpose());
    if row_pivots.len() < size {
        return None;
    }
    let rows: Vec<usize> = row_pivots[..size].to_vec();
    let sub = m.permuted(&rows, &(0..m.cols()).collect::<Vec<_>>());
    let (_, col_pivots) = rref(&sub);
    let cols: Vec<usize> = col_pivots[..size].to_vec();
    Some((rows, cols))
}

/// The minor of `m` on `rows` x `cols`.
pub fn minor(m: &Matrix, rows: &[usize], cols: &[usize]) -> Q {
    m.permuted(rows, cols).det()
}

/// The propagated solution of the monomial system.
struct Graph {
    /// Per `E_i`: (component root, value relative to the root's scalar).
    e: Vec<(usize, Value)>,
    /// Per `w_j`: (component root, value).
    w: Vec<(usize, Value)>,
    /// Fact indices and multipliers of a contradicting combination, if any.
    inconsistency: Option<Vec<(usize, i64)>>,
    /// Component roots that are free `E` scalars (`usize::MAX` marks pinned).
    p: usize,
}

/// The root marker of pinned components.
const PINNED: usize = usize::MAX;

impl Graph {
    /// Breadth-first propagation from the pins, then from each unreached
    /// variable as a free scalar; the first equation that disagrees with the
    /// values gives a cycle of equations whose combination is contradictory.
    fn solve(eqs: &[MonoEq], p: usize, a: usize) -> Graph {
        // Nodes: E_i = i, w_j = p + j, the constant 1 = p + a.
        let one = p + a;
        let node = |v: Var| match v {
            Var::A(i) => i,
            Var::B(j) => p + j,
        };
        let mut adj: Vec<Vec<(usize, usize)>> = vec![Vec::new(); p + a + 1];
        for (f, eq) in eqs.iter().enumerate() {
            match eq.vars.as_slice() {
                [v] => {
                    adj[one].push((node(*v), f));
                    adj[node(*v)].push((one, f));
                }
                [u, v] => {
                    adj[node(*u)].push((node(*v), f));
                    adj[node(*v)].push((node(*u), f));
                }
                _ => {}
            }
        }
        let mut value: Vec<Option<(usize, Value)>> = vec![None; p + a + 1];
        let mut parent: Vec<Option<(usize, usize)>> = vec![None; p + a + 1];
        let mut inconsistency = None;
        let order: Vec<usize> = std::iter::once(one).chain(0..p + a).collect();
        for start in order {
            if value[start].is_some() {
                continue;
            }
            let root = if start == one { PINNED } else { start };
            let exp = if start == one { 0 } else { 1 };
            value[start] = Some((
                root,
                Value {
                    coef: Q::one(),
                    exp,
                },
            ));
            let mut queue = std::collections::VecDeque::from([start]);
            while let Some(u) = queue.pop_front() {
                for &(v, f) in &adj[u] {
                    let eq = &eqs[f];
                    let ratio = &eq.val / &eq.coef;
                    let (r, uval) = value[u].clone().expect("queued nodes have values");
                    let want = if u == one {
                        Value {
                            coef: ratio.clone(),
                            exp: 0,
                        }
                    } else if v == one {
                        continue;
                    } else {
                        Value {
                            coef: &ratio / &uval.coef,
                            exp: -uval.exp,
                        }
                    };
                    match &value[v] {
                        None => {
                            value[v] = Some((r, want));
                            parent[v] = Some((u, f));
                            queue.push_back(v);
                        }
                        Some((_, have)) => {
                            if *have != want && inconsistency.is_none() && parent[v] != Some((u, f))
                            {
                                inconsistency = Some(cycle(&parent, u, v, f, one));
                            }
                        }
                    }
                }
            }
        }
        let take = |i: usize| value[i].clone().expect("every node is reached");
        Graph {
            e: (0..p).map(take).collect(),
            w: (p..p + a).map(take).collect(),
            inconsistency,
            p,
        }
    }

    /// The free root of `E_i`'s component when it is an `E` variable.
    fn e_root(&self, i: usize) -> Option<usize> {
        let r = self.e[i].0;
        (r != PINNED && r < self.p).then_some(r)
    }

    /// `E_i` with the `E` scalar `mu` and every other free scalar `other`.
    fn e_value(&self, i: usize, mu: &Q, other: &Q) -> Q {
        let (r, v) = &self.e[i];
        v.at(if *r != PINNED && *r < self.p {
            mu
        } else {
            other
        })
    }

    /// `w_j` likewise.
    fn w_value(&self, j: usize, mu: &Q, other: &Q) -> Q {
        let (r, v) = &self.w[j];
        v.at(if *r != PINNED && *r < self.p {
            mu
        } else {
            other
        })
    }
}

/// The cycle closed by the equation `f` between `u` and `v`: the path from
/// `v` up to the common ancestor and down to `u`, with multipliers `+-1`
/// alternating so that every variable's exponent cancels (the constant node
/// `one` imposes nothing).
fn cycle(
    parent: &[Option<(usize, usize)>],
    u: usize,
    v: usize,
    f: usize,
    one: usize,
) -> Vec<(usize, i64)> {
    let path = |mut x: usize| {
        let mut out = vec![x];
        while let Some((p, _)) = parent[x] {
            x = p;
            out.push(x);
        }
        out
    };
    let (pu, pv) = (path(u), path(v));
    let lca = *pu.iter().find(|x| pv.contains(x)).expect("same component");
    let mut terms = vec![(f, 1i64)];
    // Edges from v up to the ancestor: the first cancels v's +1.
    let mut sign = -1i64;
    let mut x = v;
    while x != lca {
        let (up, edge) = parent[x].expect("below the ancestor");
        terms.push((edge, sign));
        sign = -sign;
        x = up;
    }
    // Edges from u up to the ancestor: the first cancels u's +1.
    let mut sign = -1i64;
    let mut x = u;
    while x != lca {
        let (up, edge) = parent[x].expect("below the ancestor");
        terms.push((edge, sign));
        sign = -sign;
        x = up;
    }
    let _ = one;
    terms
}

/// The chain of the sufficiency proof for admissible `e` (length `p`) and
/// `om` (length `n - p`): `L(A1, D1), U(B, E), L(A2, D2)` on the split
/// `(p | n - p + k)`; `None` if a condition fails after all.
pub fn construct(t: &Matrix, p: usize, k: usize, e: &[Q], om: &[Q]) -> Option<Chain> {
    let n = t.rows();
    let a = n - p;
    let (t11, t12, t21, t22) = blocks_at(t, p);
    let pi: Vec<Q> = om.iter().map(Q::recip).collect();
    let om_m = Matrix::from_diagonal(om);
    let e_m = Matrix::from_diagonal(e);
    // A0 T12 = T22 - Pi (condition (b)).
    let a0 = solve_left(&t12, &(&t22 - &Matrix::from_diagonal(&pi)))?;
    // lemma: padded_lul_a
    let t12_om = &t12 * &om_m;
    let f0 = &(&(&t11 - &e_m) - &(&t12_om * &t21)) + &(&(&t12_om * &a0) * &t11);
    let left = kernel_basis(&t12.transpose());
    let (a2x, c, w) = if left.is_empty() {
        if !f0.is_zero() {
            return None;
        }
        (a0, Matrix::zeros(k, p), Matrix::zeros(p, k))
    } else {
        let cf = from_row_vecs(&left, p);
        let ct = &cf * &t11;
        let g = solve_left(&ct, &f0)?;
        let rc = solve_right(&cf, &Matrix::identity(cf.rows()))?;
        let cg = &cf * &g;
        let gp = &rc * &cg;
        // lemma: padded_lul_move
        let ypp = solve_right(&t12, &(&gp - &g))?;
        let y = ypp.scale_rows(&pi);
        let a2x = &a0 + &(&y * &cf);
        let (echelon, pivots) = rref(&cg);
        if pivots.len() > k {
            return None;
        }
        let mut c0 = Matrix::zeros(k, cg.cols());
        for i in 0..pivots.len() {
            for j in 0..cg.cols() {
                c0.set(i, j, echelon.get(i, j).clone());
            }
        }
        // lemma: padded_lul_c
        let w0 = if pivots.is_empty() {
            Matrix::zeros(p, k)
        } else {
            solve_left(&c0, &gp)?
        };
        (a2x, &c0 * &cf, w0)
    };
    // lemma: padded_lul_e2
    let a1x = (&t21 - &(&a2x * &t11)).scale_rows(om);
    let a1z = -&(&c * &t11);
    let ones = |m: usize| vec![Q::one(); m];
    let stack = |top: &Matrix, bottom: &Matrix| {
        let mut m = Matrix::zeros(top.rows() + bottom.rows(), top.cols());
        for i in 0..top.rows() {
            for j in 0..top.cols() {
                m.set(i, j, top.get(i, j).clone());
            }
        }
        for i in 0..bottom.rows() {
            for j in 0..bottom.cols() {
                m.set(top.rows() + i, j, bottom.get(i, j).clone());
            }
        }
        m
    };
    let b = stack(&t12.transpose(), &(-&w).transpose()).transpose();
    let mut d2 = pi;
    d2.extend(ones(k));
    Some(vec![
        Layer::lower(stack(&a1x, &a1z), ones(a + k)),
        Layer::upper(b, e.to_vec()),
        Layer::lower(stack(&a2x, &c), d2),
    ])
}

/// Some `Y` with `A Y = M`, or `None` when the system is inconsistent.
pub fn solve_right(a: &Matrix, m: &Matrix) -> Option<Matrix> {
    let (rows, cols, extra) = (a.rows(), a.cols(), m.cols());
    let mut aug = Matrix::zeros(rows, cols + extra);
    for i in 0..rows {
        for j in 0..cols {
            aug.set(i, j, a.get(i, j).clone());
        }
        for j in 0..extra {
            aug.set(i, cols + j, m.get(i, j).clone());
        }
    }
    let (echelon, pivots) = rref(&aug);
    if pivots.iter().any(|&c| c >= cols) {
        return None;
    }
    let mut y = Matrix::zeros(cols, extra);
    for (i, &c) in pivots.iter().enumerate() {
        for j in 0..extra {
            y.set(c, j, echelon.get(i, cols + j).clone());
        }
    }
    Some(y)
}

/// Some `X` with `X A = M`, or `None`.
pub fn solve_left(a: &Matrix, m: &Matrix) -> Option<Matrix> {
    solve_right(&a.transpose(), &m.transpose()).map(|x| x.transpose())
}

/// The `U L U` of the split `(p | n - p)` never uses the padding (Lemma 3): it
/// is the unpadded `L U L` (`K = 0`) of the parts-swapped matrix for the split
/// `(n - p | p)`. Converts that chain back to layers of the padded split
/// `(p | n - p + k)` (upper and lower exchanged, the padded coordinates idle).
pub fn ulu_from_swapped(chain: &Chain, p: usize, k: usize) -> Chain {
    chain
        .iter()
        .map(|l| match l.kind {
            crate::layer::Kind::Lower => {
                // shift p x a on the swapped split is the upper shift B (p x a).
                let b = super::pad_cols(&l.shift, l.shift.cols() + k);
                Layer::upper(b, l.scale.clone())
            }
            crate::layer::Kind::Upper => {
                let a = super::pad_rows(&l.shift, l.shift.rows() + k);
                let mut d = l.scale.clone();
                d.resize(d.len() + k, Q::one());
                let _ = p;
                Layer::lower(a, d)
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn solve_right_handles_rank_deficiency() {
        let a = Matrix::from_i64(&[&[1, 2], &[2, 4]]);
        let m = Matrix::from_i64(&[&[3], &[6]]);
        let y = solve_right(&a, &m).unwrap();
        assert_eq!(&a * &y, m);
        assert!(solve_right(&a, &Matrix::from_i64(&[&[3], &[7]])).is_none());
    }

    #[test]
    fn propagation_values_hold() {
        let t = Matrix::from_i64(&[&[2, 1, 1, 1], &[1, 3, 1, 2], &[1, 1, 4, 1], &[1, 1, 1, 5]]);
        let s = t.inverse().unwrap();
        match decide(&t, &s, 3, 2, Mode::Signed) {
            LulOutcome::Found(chain) => assert_eq!(chain.len(), 3),
            other => panic!("{other:?}"),
        }
    }

    /// Regression: this test used `t[0][3] = 0` while `(T^-1)[0][3] != 0`,
    /// which condition (a) (`S12[i, j] E_i w_j = -T12[i, j]` with nonzero
    /// scales) refutes: the decision is right to say impossible, with that one
    /// ratio as its certificate.
    #[test]
    fn zero_in_t12_against_nonzero_s12_is_impossible() {
        let t = Matrix::from_i64(&[&[2, 1, 1, 0], &[1, 3, 1, 2], &[1, 1, 4, 1], &[0, 1, 1, 5]]);
        let s = t.inverse().unwrap();
        match decide(&t, &s, 3, 2, Mode::Signed) {
            LulOutcome::Impossible(c) => {
                assert_eq!(c.facts, vec![PadFact::Ratio { row: 0, col: 0 }]);
            }
            other => panic!("{other:?}"),
        }
    }
}
