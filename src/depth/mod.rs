//! Minimal depth: decides exactly whether an invertible matrix (half/half split,
//! even `n`) is a product of 0, 1, 2 or 3 coupling layers (either starting
//! type), in signed or positive mode, and otherwise returns a certificate that
//! it needs at least 4, re-checkable by [`recheck::recheck`] (which does not call
//! this procedure). The proof is in `docs/lower-bounds.md`; the block identities
//! are in `proofs/depth.proof`.
//!
//! Every positive answer comes with a decomposition whose product is verified
//! exactly; every negative answer comes with a certificate that the procedure
//! re-checks with [`recheck::recheck`] before returning it. If either
//! verification fails (never expected) the answer is [`Outcome::Unknown`].
//!
//! # Examples
//! ```
//! use couplings::depth::{minimal_depth, Outcome};
//! use couplings::{Mode, exact::Matrix};
//! let rot = Matrix::from_i64(&[&[0, 0, -1, 0], &[0, 0, 0, -1], &[1, 0, 0, 0], &[0, 1, 0, 0]]);
//! let report = minimal_depth(&rot, Mode::Signed).unwrap();
//! assert!(matches!(report.outcome, Outcome::Exact { layers: 3, .. }));
//! let hard = Matrix::from_i64(&[&[0, 0, 1, 1], &[0, 0, 0, 1], &[1, 0, 0, 0], &[0, 1, 0, 0]]);
//! let report = minimal_depth(&hard, Mode::Signed).unwrap();
//! let Outcome::AtLeastFour { certificate } = &report.outcome else { panic!() };
//! assert!(couplings::depth::recheck::recheck(&hard, certificate).is_ok());
//! ```

pub mod linalg;
pub mod recheck;

use crate::construct::{DecomposeError, Options, decompose_with};
use crate::exact::{Matrix, Q};
use crate::layer::{Decomposition, Layer, Mode, Split};
use num_traits::{One, Signed, Zero};
use recheck::{
    Certificate, Contradiction, Derived, EntryWitness, Fact, Factorization, MonoEq, Requirement,
    Shape, ShapeFailure, UluCertificate, Var, evaluate_facts, quarters, swap_halves,
};
use std::collections::BTreeMap;

/// The answer of the decision procedure.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// The minimal number of layers is `layers` (0 to 3), realised by `decomposition`.
    Exact {
        /// The minimal depth.
        layers: usize,
        /// Which shape realises it.
        shape: Shape,
        /// A decomposition of that length (verified exactly).
        decomposition: Decomposition,
        /// Why no shorter shape works: a re-checked failure for every shape
        /// with fewer layers (see [`recheck::recheck_below`]).
        shorter: Vec<(Shape, ShapeFailure)>,
    },
    /// No product of at most three layers equals the target.
    AtLeastFour {
        /// One re-checkable failure per shape.
        certificate: Certificate,
    },
    /// Not decided (an internal verification failed; never expected).
    Unknown {
        /// Why.
        reason: String,
    },
}

/// The decision together with the best upper bound `decompose` finds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DepthReport {
    /// The mode decided.
    pub mode: Mode,
    /// The decision for 0 to 3 layers.
    pub outcome: Outcome,
    /// The decomposition `decompose` returns (an upper bound), if any.
    pub upper: Option<Decomposition>,
}

impl DepthReport {
    /// The best known upper bound on the depth.
    pub fn upper_bound(&self) -> Option<usize> {
        match &self.outcome {
            Outcome::Exact { layers, .. } => Some(*layers),
            _ => self.upper.as_ref().map(Decomposition::len),
        }
    }
}

/// Decides the depth (0..=3 or at least 4) and adds the upper bound from
/// `decompose`.
///
/// # Errors
/// `Empty`, `NotSquare`, `UnsupportedSplit` (odd `n`), `Singular`.
pub fn minimal_depth(t: &Matrix, mode: Mode) -> Result<DepthReport, DecomposeError> {
    let outcome = decide(t, mode)?;
    let upper = match &outcome {
        Outcome::Exact { .. } => None,
        _ => decompose_with(
            t,
            &Options {
                mode,
                ..Options::default()
            },
        )
        .ok(),
    };
    Ok(DepthReport {
        mode,
        outcome,
        upper,
    })
}

/// Decides whether `t` is a product of at most three layers.
///
/// # Errors
/// `Empty`, `NotSquare`, `UnsupportedSplit` (odd `n`), `Singular`.
pub fn decide(t: &Matrix, mode: Mode) -> Result<Outcome, DecomposeError> {
    crate::construct::validate(t)?;
    let n = t.rows();
    if n % 2 == 1 {
        return Err(DecomposeError::UnsupportedSplit {
            n,
            reason: format!(
                "the exact depth decision covers only the equal split (p, p) of an even n; \
                 n = {n} has no equal split (`couplings decompose --split P` handles any split)"
            ),
        });
    }
    if let Err(s) = t.inverse() {
        return Err(DecomposeError::Singular { kernel: s.kernel });
    }
    let split = Split::halves(n);
    let positive = mode == Mode::Positive;
    let det = t.det();
    let mut failures: Vec<(Shape, ShapeFailure)> = Vec::new();
    for shape in Shape::ALL {
        let attempt = if positive && !det.is_positive() {
            Err(Fail::Shape(ShapeFailure::Determinant { det: det.clone() }))
        } else {
            try_shape(t, shape, positive)
        };
        match attempt {
            Ok(layers) => {
                let decomposition = Decomposition {
                    split,
                    mode,
                    layers,
                };
                let valid = decomposition.product() == *t
                    && decomposition
                        .layers
                        .iter()
                        .all(|l| l.validate(split, mode).is_ok())
                    && decomposition.len() == shape.layers();
                if !valid {
                    return Ok(Outcome::Unknown {
                        reason: format!(
                            "internal: the {} construction did not verify",
                            shape.name()
                        ),
                    });
                }
                let shorter: Vec<(Shape, ShapeFailure)> = failures
                    .into_iter()
                    .filter(|(s, _)| s.layers() < shape.layers())
                    .collect();
                if let Err(e) = recheck::recheck_below(t, mode, shape.layers(), &shorter) {
                    return Ok(Outcome::Unknown {
                        reason: format!("internal: a shorter-shape witness did not re-check: {e}"),
                    });
                }
                return Ok(Outcome::Exact {
                    layers: shape.layers(),
                    shape,
                    decomposition,
                    shorter,
                });
            }
            Err(Fail::Shape(f)) => failures.push((shape, f)),
            Err(Fail::Internal(reason)) => {
                return Ok(Outcome::Unknown {
                    reason: format!("internal: {} shape: {reason}", shape.name()),
                });
            }
        }
    }
    let certificate = Certificate { mode, failures };
    if let Err(e) = recheck::recheck(t, &certificate) {
        return Ok(Outcome::Unknown {
            reason: format!("internal: the lower-bound certificate did not re-check: {e}"),
        });
    }
    Ok(Outcome::AtLeastFour { certificate })
}

/// Tries one shape: layers in application order, or why it fails.
fn try_shape(t: &Matrix, shape: Shape, positive: bool) -> Result<Vec<Layer>, Fail> {
    let m = if shape.swapped() {
        swap_halves(t)
    } else {
        t.clone()
    };
    let layers = match shape.base() {
        Shape::Identity => identity(&m)?,
        Shape::Upper => upper(&m, positive)?,
        Shape::UpperLower => upper_lower(&m, positive)?,
        Shape::Ulu => ulu(&m, positive)?,
        _ => unreachable!("base shapes start with U"),
    };
    Ok(if shape.swapped() {
        layers.iter().map(Layer::swapped).collect()
    } else {
        layers
    })
}

fn entry(matrix: Derived, row: usize, col: usize, value: &Q, req: Requirement) -> ShapeFailure {
    ShapeFailure::Entry(EntryWitness {
        matrix,
        row,
        col,
        value: value.clone(),
        requirement: req,
    })
}

fn nonzero_req(positive: bool) -> Requirement {
    if positive {
        Requirement::Positive
    } else {
        Requirement::Nonzero
    }
}

fn bad(v: &Q, req: Requirement) -> bool {
    match req {
        Requirement::Zero => !v.is_zero(),
        Requirement::One => !v.is_one(),
        Requirement::Nonzero => v.is_zero(),
        Requirement::Positive => !v.is_positive(),
    }
}

/// Finds an entry of `m` that violates "diagonal entries satisfy `diag`,
/// off-diagonal entries are zero".
fn diagonal_violation(m: &Matrix, which: Derived, diag: Requirement) -> Option<ShapeFailure> {
    for i in 0..m.rows() {
        for j in 0..m.cols() {
            let req = if i == j { diag } else { Requirement::Zero };
            if bad(m.get(i, j), req) {
                return Some(entry(which, i, j, m.get(i, j), req));
            }
        }
    }
    None
}

fn identity(m: &Matrix) -> Result<Vec<Layer>, ShapeFailure> {
    match diagonal_violation(m, Derived::Whole, Requirement::One) {
        Some(f) => Err(f),
        None => Ok(Vec::new()),
    }
}

fn upper(m: &Matrix, positive: bool) -> Result<Vec<Layer>, ShapeFailure> {
    // lemma: depth_one_layer
    let (t11, t12, t21, t22) = quarters(m);
    for i in 0..t21.rows() {
        for j in 0..t21.cols() {
            if !t21.get(i, j).is_zero() {
                return Err(entry(Derived::T21, i, j, t21.get(i, j), Requirement::Zero));
            }
        }
    }
    if let Some(f) = diagonal_violation(&t22, Derived::T22, Requirement::One) {
        return Err(f);
    }
    if let Some(f) = diagonal_violation(&t11, Derived::T11, nonzero_req(positive)) {
        return Err(f);
    }
    Ok(vec![Layer::upper(t12, t11.diagonal())])
}

fn upper_lower(m: &Matrix, positive: bool) -> Result<Vec<Layer>, ShapeFailure> {
    // lemma: two_layer_ul
    let (t11, t12, t21, t22) = quarters(m);
    let req = nonzero_req(positive);
    if let Some(f) = diagonal_violation(&t22, Derived::T22, req) {
        return Err(f);
    }
    let dd = t22.diagonal();
    let inv: Vec<Q> = dd.iter().map(|x| x.recip()).collect();
    let b = t12.scale_cols(&inv);
    let schur = &t11 - &(&b * &t21);
    if let Some(f) = diagonal_violation(&schur, Derived::Schur, req) {
        return Err(f);
    }
    // lemma: two_layer_ul_solution
    Ok(vec![
        Layer::lower(t21, dd),
        Layer::upper(b, schur.diagonal()),
    ])
}

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

/// Why a shape attempt did not produce layers.
enum Fail {
    /// The shape is impossible, with a witness.
    Shape(ShapeFailure),
    /// An internal step failed (never expected); the answer becomes Unknown.
    Internal(String),
}

impl From<ShapeFailure> for Fail {
    fn from(f: ShapeFailure) -> Fail {
        Fail::Shape(f)
    }
}

fn internal(msg: &str) -> Fail {
    Fail::Internal(msg.to_string())
}

/// The three-layer decision `T = U L U` (see `docs/lower-bounds.md`).
fn ulu(m: &Matrix, positive: bool) -> Result<Vec<Layer>, Fail> {
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

fn describe_failure(t: &Matrix, shape: Shape, f: &ShapeFailure) -> String {
    use crate::exact::fmt_q;
    match f {
        ShapeFailure::Determinant { det } => format!(
            "det T = {} is not positive (every positive-scale layer has det > 0)",
            fmt_q(det)
        ),
        ShapeFailure::Entry(w) => {
            let what = match w.matrix {
                Derived::Whole => "T",
                Derived::T11 => "T11",
                Derived::T12 => "T12",
                Derived::T21 => "T21",
                Derived::T22 => "T22",
                Derived::Schur => "the Schur complement T11 - T12 T22^-1 T21",
            };
            let req = match w.requirement {
                Requirement::Zero => "0",
                Requirement::One => "1",
                Requirement::Nonzero => "nonzero",
                Requirement::Positive => "> 0",
            };
            format!(
                "entry ({}, {}) of {what} is {} but must be {req}",
                w.row + 1,
                w.col + 1,
                fmt_q(&w.value)
            )
        }
        ShapeFailure::ThreeLayers(c) => {
            let fact = |x: &Fact| match x {
                Fact::Kernel { vector, row } => format!(
                    "kernel vector k = [{}] of T21, row {}: (T11 k)_j 1/Delta_j = k_j",
                    vector.iter().map(fmt_q).collect::<Vec<_>>().join(", "),
                    row + 1
                ),
                Fact::LeftKernel { vector, col } => format!(
                    "left kernel vector c = [{}] of T21, column {}: (c^T T22)_k 1/D_k = c_k",
                    vector.iter().map(fmt_q).collect::<Vec<_>>().join(", "),
                    col + 1
                ),
                Fact::Entry { row, col } => format!(
                    "entry ({}, {}) of G diag(1/Delta) R diag(1/D) F = H^-1",
                    row + 1,
                    col + 1
                ),
            };
            let m = if shape.swapped() {
                swap_halves(t)
            } else {
                t.clone()
            };
            let eqs = evaluate_facts(&m, c.factorization.as_ref(), &c.facts).unwrap_or_default();
            let eq = |i: usize| {
                eqs.get(i).map_or_else(String::new, |e| {
                    let mono: Vec<String> = e
                        .vars
                        .iter()
                        .map(|v| match v {
                            Var::A(j) => format!("1/Delta_{}", j + 1),
                            Var::B(k) => format!("1/D_{}", k + 1),
                        })
                        .collect();
                    let mono = if mono.is_empty() {
                        "1".to_string()
                    } else {
                        mono.join(" ")
                    };
                    if e.vars.is_empty() {
                        format!(" [{} = {}]", fmt_q(&e.coef), fmt_q(&e.val))
                    } else {
                        format!(" [{} * {mono} = {}]", fmt_q(&e.coef), fmt_q(&e.val))
                    }
                })
            };
            let mut s = String::new();
            match &c.contradiction {
                Contradiction::Single { fact: i } => {
                    s.push_str(&format!("unsatisfiable: {}{}", fact(&c.facts[*i]), eq(*i)));
                }
                Contradiction::Combination { terms } => {
                    s.push_str("inconsistent scale ratios (product of the ratios != 1):");
                    for (i, m) in terms {
                        s.push_str(&format!("\n      ^{m}: {}{}", fact(&c.facts[*i]), eq(*i)));
                    }
                }
            }
            if let Some(fac) = &c.factorization {
                s.push_str(&format!(
                    "\n      (T21 has rank {}; factorisation T21 = F H G in the certificate)",
                    fac.h.rows()
                ));
            }
            s
        }
    }
}

impl DepthReport {
    /// A human-readable report: the decision, the certificate (one line per
    /// shape) and the upper bound from `decompose`.
    pub fn to_text(&self, t: &Matrix) -> String {
        let mut s = format!("mode: {}\n", self.mode.name());
        match &self.outcome {
            Outcome::Exact {
                layers,
                shape,
                shorter,
                ..
            } => {
                s.push_str(&format!(
                    "minimal depth: {layers} (shape {}; decomposition verified exactly)\n",
                    shape.name()
                ));
                for (sh, f) in shorter {
                    let on = if sh.swapped() { " (on S T S)" } else { "" };
                    s.push_str(&format!(
                        "  not {}{on}: {}\n",
                        sh.name(),
                        describe_failure(t, *sh, f)
                    ));
                }
            }
            Outcome::AtLeastFour { certificate } => {
                s.push_str("minimal depth: at least 4 (certificate re-checked)\n");
                for (shape, f) in &certificate.failures {
                    let on = if shape.swapped() { " (on S T S)" } else { "" };
                    s.push_str(&format!(
                        "  not {}{on}: {}\n",
                        shape.name(),
                        describe_failure(t, *shape, f)
                    ));
                }
            }
            Outcome::Unknown { reason } => {
                s.push_str(&format!("minimal depth: unknown ({reason})\n"));
            }
        }
        match self.upper_bound() {
            Some(k) => s.push_str(&format!("upper bound: {k} layers\n")),
            None => s.push_str("upper bound: none (decompose failed)\n"),
        }
        s
    }
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
