//! The exact solver for the equations of a `U L U` product (lemmas in
//! `proofs/depth.proof`, proof in `docs/lower-bounds.md`): kernel facts, then the
//! reduced system `G diag(a) R diag(b) F = H^-1` over a rank factorisation of
//! `T21`, solved as monomial equations by propagation over their graph. It
//! returns the three layers, or the facts and the contradiction that rule them
//! out (a [`ShapeFailure::ThreeLayers`] witness, pruned to what it needs).

use super::linalg;
use super::witness::{
    Contradiction, Fact, Factorization, MonoEq, ShapeFailure, UluCertificate, Var, evaluate_facts,
    quarters,
};
use super::{Fail, internal};
use crate::exact::{Matrix, Q};
use crate::layer::Layer;
use num_traits::{One, Zero};
use std::collections::BTreeMap;

/// Node index of a variable (`A(j)` -> `j`, `B(k)` -> `d + k`); `2d` is the constant.
fn node(v: Var, d: usize) -> usize {
    match v {
        Var::A(j) => j,
        Var::B(k) => d + k,
    }
}

/// State of a node in the propagation: value `c * root^e` and the combination of
/// equations (log-linear) that proves it.
#[derive(Clone)]
struct NodeState {
    root: usize,
    e: i8,
    c: Q,
    comb: BTreeMap<usize, i64>,
}

fn add_comb(a: &BTreeMap<usize, i64>, b: &BTreeMap<usize, i64>, sign: i64) -> BTreeMap<usize, i64> {
    let mut out = a.clone();
    for (k, v) in b {
        *out.entry(*k).or_insert(0) += sign * v;
    }
    out.retain(|_, v| *v != 0);
    out
}

/// Solves a system of monomial equations (each `coef * x = val`,
/// `coef * x y = val` or `coef = val`) in nonzero (positive) variables `a`, `b`
/// of length `d`. Returns the values of `a` and `b`, or a contradiction.
fn solve_monomials(
    eqs: &[MonoEq],
    d: usize,
    positive: bool,
) -> Result<(Vec<Q>, Vec<Q>), Contradiction> {
    if let Some(i) = eqs.iter().position(|e| e.infeasible(positive)) {
        return Err(Contradiction::Single { fact: i });
    }
    let konst = 2 * d;
    // Edges: (other node, equation index, ratio).
    let mut adj: Vec<Vec<(usize, usize, Q)>> = vec![Vec::new(); 2 * d + 1];
    for (i, e) in eqs.iter().enumerate() {
        if e.vars.is_empty() {
            continue; // a satisfied constant equation
        }
        let r = &e.val / &e.coef;
        let u = node(e.vars[0], d);
        let v = if e.vars.len() == 2 {
            node(e.vars[1], d)
        } else {
            konst
        };
        adj[u].push((v, i, r.clone()));
        adj[v].push((u, i, r));
    }
    let mut state: Vec<Option<NodeState>> = vec![None; 2 * d + 1];
    let mut order: Vec<usize> = vec![konst];
    order.extend(0..2 * d);
    for start in order {
        if state[start].is_some() {
            continue;
        }
        state[start] = Some(NodeState {
            root: start,
            e: if start == konst { 0 } else { 1 },
            c: Q::one(),
            comb: BTreeMap::new(),
        });
        let mut stack = vec![start];
        while let Some(u) = stack.pop() {
            let su = state[u].clone().expect("visited");
            for (v, i, r) in &adj[u] {
                let single = BTreeMap::from([(*i, 1i64)]);
                let implied = if *v == konst {
                    // u = r * 1 seen from u: the constant is u / r.
                    NodeState {
                        root: su.root,
                        e: su.e,
                        c: &su.c / r,
                        comb: add_comb(&su.comb, &single, -1),
                    }
                } else if u == konst {
                    NodeState {
                        root: konst,
                        e: 0,
                        c: r.clone(),
                        comb: single,
                    }
                } else {
                    NodeState {
                        root: su.root,
                        e: -su.e,
                        c: r / &su.c,
                        comb: add_comb(&single, &su.comb, -1),
                    }
                };
                match &state[*v] {
                    None => {
                        state[*v] = Some(implied);
                        stack.push(*v);
                    }
                    Some(sv) => {
                        if sv.c != implied.c || sv.e != implied.e || sv.root != implied.root {
                            let comb = add_comb(&implied.comb, &sv.comb, -1);
                            return Err(Contradiction::Combination {
                                terms: comb.into_iter().collect(),
                            });
                        }
                    }
                }
            }
        }
    }
    let value = |k: usize| state[k].as_ref().map_or_else(Q::one, |s| s.c.clone());
    Ok(((0..d).map(value).collect(), (d..2 * d).map(value).collect()))
}

/// Keeps only the facts a contradiction needs (plus the pinning kernel facts),
/// renumbering the contradiction.
fn prune(
    facts: Vec<Fact>,
    contradiction: Contradiction,
    pins: &[usize],
) -> (Vec<Fact>, Contradiction) {
    let used: Vec<usize> = match &contradiction {
        Contradiction::Single { fact } => vec![*fact],
        Contradiction::Combination { terms } => terms.iter().map(|(i, _)| *i).collect(),
    };
    let needs_pins = used.iter().any(|&i| matches!(facts[i], Fact::Entry { .. }));
    let mut keep: Vec<usize> = if needs_pins {
        pins.to_vec()
    } else {
        Vec::new()
    };
    for i in used {
        if !keep.contains(&i) {
            keep.push(i);
        }
    }
    // Kernel facts first (they pin), in their original order, then the rest.
    keep.sort_by_key(|&i| (matches!(facts[i], Fact::Entry { .. }), i));
    let new_index = |old: usize| keep.iter().position(|&k| k == old).expect("kept");
    let contradiction = match contradiction {
        Contradiction::Single { fact } => Contradiction::Single {
            fact: new_index(fact),
        },
        Contradiction::Combination { terms } => Contradiction::Combination {
            terms: terms.into_iter().map(|(i, m)| (new_index(i), m)).collect(),
        },
    };
    let new_facts = keep.iter().map(|&i| facts[i].clone()).collect();
    (new_facts, contradiction)
}

fn three_layer_failure(
    factorization: Option<Factorization>,
    facts: Vec<Fact>,
    contradiction: Contradiction,
    pins: &[usize],
) -> ShapeFailure {
    let (facts, contradiction) = prune(facts, contradiction, pins);
    let factorization = if facts.iter().any(|f| matches!(f, Fact::Entry { .. })) {
        factorization
    } else {
        None
    };
    ShapeFailure::ThreeLayers(Box::new(UluCertificate {
        factorization,
        facts,
        contradiction,
    }))
}

/// The three-layer decision `T = U L U` (see `docs/lower-bounds.md`).
pub(super) fn ulu(m: &Matrix, positive: bool) -> Result<Vec<Layer>, Fail> {
    let d = m.rows() / 2;
    let (t11, t12, t21, t22) = quarters(m);
    // Stage 1: kernel facts (conditions (i) and (ii)).
    // lemma: ulu_kernel_conditions
    let (kernel, left_kernel) = if t21.inverse().is_ok() {
        (Vec::new(), Vec::new())
    } else {
        (
            linalg::kernel_basis(&t21),
            linalg::kernel_basis(&t21.transpose()),
        )
    };
    let r = d - kernel.len();
    let mut facts: Vec<Fact> = Vec::new();
    for k in &kernel {
        let tk = t11.mul_vec(k);
        for j in 0..d {
            if !(k[j].is_zero() && tk[j].is_zero()) {
                facts.push(Fact::Kernel {
                    vector: k.clone(),
                    row: j,
                });
            }
        }
    }
    for c in &left_kernel {
        let ct = t22.transpose().mul_vec(c);
        for j in 0..d {
            if !(c[j].is_zero() && ct[j].is_zero()) {
                facts.push(Fact::LeftKernel {
                    vector: c.clone(),
                    col: j,
                });
            }
        }
    }
    let eqs = evaluate_facts(m, None, &facts).map_err(|e| internal(&e))?;
    if let Err(c) = solve_monomials(&eqs, d, positive) {
        return Err(three_layer_failure(None, facts, c, &[]).into());
    }
    // Pins: the first kernel fact per variable (all consistent after stage 1).
    let mut pinned: BTreeMap<Var, usize> = BTreeMap::new();
    for (i, e) in eqs.iter().enumerate() {
        pinned.entry(e.vars[0]).or_insert(i);
    }
    let pins: Vec<usize> = pinned.values().copied().collect();
    // Stage 2: the reduced system G a R b F = H^-1 (condition (iii)).
    let mut factorization = None;
    let (a, b) = if r == 0 {
        solve_monomials(&eqs, d, positive)
            .map_err(|c| Fail::from(three_layer_failure(None, facts.clone(), c, &pins)))?
    } else {
        let free_rows: Vec<usize> = (0..d)
            .filter(|&j| !pinned.contains_key(&Var::A(j)))
            .collect();
        let free_cols: Vec<usize> = (0..d)
            .filter(|&k| !pinned.contains_key(&Var::B(k)))
            .collect();
        // G: unit rows e_j (j free), then a basis of the row space of T21 with
        // the free columns zeroed; F likewise from the columns of T21.
        let g_rows = units_then_basis(&t21, &free_rows);
        let f_cols = units_then_basis(&t21.transpose(), &free_cols);
        if g_rows.len() != r || f_cols.len() != r {
            return Err(internal("rank factorisation has the wrong size"));
        }
        let g = linalg::from_row_vecs(&g_rows, d);
        let f = linalg::from_row_vecs(&f_cols, d).transpose();
        let (Some(f_left), Some(g_right)) = (linalg::left_inverse(&f), linalg::right_inverse(&g))
        else {
            return Err(internal("rank factorisation is not of full rank"));
        };
        let h = &(&f_left * &t21) * &g_right;
        let Ok(h_inv) = h.inverse() else {
            return Err(internal("H is singular"));
        };
        let fac = Factorization {
            f,
            h,
            g,
            f_left,
            g_right,
            h_inv,
        };
        // lemma: ulu_reduced_system
        for s in 0..r {
            for t in 0..r {
                facts.push(Fact::Entry { row: s, col: t });
            }
        }
        let eqs = evaluate_facts(m, Some(&fac), &facts).map_err(|e| internal(&e))?;
        let solved = solve_monomials(&eqs, d, positive);
        factorization = Some(fac);
        match solved {
            Ok(x) => x,
            Err(c) => return Err(three_layer_failure(factorization, facts, c, &pins).into()),
        }
    };
    // Construction (sufficiency): Delta = a^-1, D = b^-1.
    let delta: Vec<Q> = a.iter().map(|x| x.recip()).collect();
    let dd: Vec<Q> = b.iter().map(|x| x.recip()).collect();
    let p = match &factorization {
        Some(fac) => &(&fac.g_right * &fac.h_inv) * &fac.f_left,
        None => Matrix::zeros(d, d),
    };
    // lemma: ulu_construction
    let delta_m = Matrix::from_diagonal(&delta);
    let d_m = Matrix::from_diagonal(&dd);
    let x0 = &(&t11 - &delta_m) * &p;
    let z0 = &p * &(&t22 - &d_m);
    let rres = &(&t12 - &(&t11 * &z0)) - &(&x0 * &d_m);
    let (x, z) = if kernel.is_empty() {
        (x0, z0)
    } else {
        let kmat = linalg::from_row_vecs(&kernel, d).transpose();
        let cmat = linalg::from_row_vecs(&left_kernel, d);
        let (Some(kl), Some(cr)) = (linalg::left_inverse(&kmat), linalg::right_inverse(&cmat))
        else {
            return Err(internal("kernel bases are not of full rank"));
        };
        let a_inv: Vec<Q> = a.clone();
        let b_inv: Vec<Q> = b.clone();
        let hh = &kl * &rres.scale_rows(&a_inv);
        let proj = &Matrix::identity(d) - &(&kmat.scale_rows(&delta) * &kl).scale_cols(&a_inv);
        let gg = &(&proj * &rres.scale_cols(&b_inv)) * &cr;
        (&x0 + &(&gg * &cmat), &z0 + &(&kmat * &hh))
    };
    Ok(vec![
        Layer::unit(crate::layer::Kind::Upper, z),
        Layer::lower(t21, dd),
        Layer::upper(x, delta),
    ])
}
/// Unit vectors `e_j` for `j` in `free`, followed by a basis of the row space of
/// `m` with the columns in `free` set to zero (the rows of G, or of F^T, in the
/// rank factorisation used by the three-layer decision).
fn units_then_basis(m: &Matrix, free: &[usize]) -> Vec<Vec<Q>> {
    let d = m.cols();
    let mut rows: Vec<Vec<Q>> = free
        .iter()
        .map(|&j| {
            let mut v = vec![Q::zero(); d];
            v[j] = Q::one();
            v
        })
        .collect();
    let mut proj = m.clone();
    for i in 0..m.rows() {
        for &j in free {
            proj.set(i, j, Q::zero());
        }
    }
    rows.extend(linalg::row_basis(&proj));
    rows
}
