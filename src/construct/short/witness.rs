//! The vocabulary of the "at most three layers" decision: the seven
//! [`Shape`]s, why one is impossible ([`ShapeFailure`]: a determinant, an entry
//! witness, or a three-layer certificate of facts and a [`Contradiction`]), and
//! [`evaluate_facts`], which turns the facts of a three-layer certificate into
//! monomial equations while verifying every vector and factorisation they carry.
//! The decision ([`super::decide`]) produces these witnesses; the re-checker of
//! [`crate::depth::recheck`] verifies them from the target alone. This module
//! holds no construction: only data, its meaning, and its exact evaluation.
//!
//! # Three-layer certificates (ULU; LUL is ULU of `S T S`)
//!
//! `T` is `U L U` iff there are diagonal invertible `Delta`, `D` (positive in
//! positive mode) and blocks `X`, `Z` with `X T21 = T11 - Delta`,
//! `T21 Z = T22 - D`, `T12 = T11 Z + X D`. Write `a_j = 1 / Delta_j`,
//! `b_k = 1 / D_k`. Every *fact* of a certificate is an equation
//! `coef * monomial = val` that every solution satisfies:
//!
//! * `Kernel { vector: k, row: j }` with `T21 k = 0` (verified):
//!   `(T11 k)_j * a_j = k_j`;
//! * `LeftKernel { vector: c, col: k }` with `c^T T21 = 0` (verified):
//!   `(c^T T22)_k * b_k = c_k`;
//! * `Entry { row: s, col: t }`, given a factorisation `T21 = F H G` with
//!   `FL F = I`, `G GR = I`, `H Hinv = I` (all verified): entry `(s, t)` of
//!   `G diag(a) R diag(b) F = Hinv` with `R = T11 P T22 - T12`,
//!   `P = GR Hinv FL` (a generalised inverse of `T21`). Variables already pinned
//!   by an earlier kernel fact (nonzero `coef` and `val`; the first such fact per
//!   variable) are replaced by their value; what remains must be a single
//!   monomial, else the fact is rejected.
//!
//! A contradiction is either one fact that no nonzero (positive) variables can
//! satisfy, or an integer combination of facts whose monomials cancel while the
//! product of the ratios `(val / coef)^m` is not 1.

use crate::exact::{Matrix, Q};
use num_traits::{One, Signed, Zero};
use std::collections::BTreeMap;

/// The shapes of products of at most three layers. Products are written as
/// matrix products (leftmost acts last): `UpperLower` is `U L`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Shape {
    /// No layer: `T = I`.
    Identity,
    /// One upper layer.
    Upper,
    /// One lower layer (`S T S` is an upper layer).
    Lower,
    /// `U L` (two layers).
    UpperLower,
    /// `L U` (`S T S` is `U L`).
    LowerUpper,
    /// `U L U` (three layers).
    Ulu,
    /// `L U L` (`S T S` is `U L U`).
    Lul,
}

impl Shape {
    /// All seven shapes of at most three layers.
    pub const ALL: [Shape; 7] = [
        Shape::Identity,
        Shape::Upper,
        Shape::Lower,
        Shape::UpperLower,
        Shape::LowerUpper,
        Shape::Ulu,
        Shape::Lul,
    ];

    /// Number of layers of the shape.
    pub fn layers(self) -> usize {
        match self {
            Shape::Identity => 0,
            Shape::Upper | Shape::Lower => 1,
            Shape::UpperLower | Shape::LowerUpper => 2,
            Shape::Ulu | Shape::Lul => 3,
        }
    }

    /// Whether the conditions are stated for `S T S` (the swap of halves).
    pub fn swapped(self) -> bool {
        matches!(self, Shape::Lower | Shape::LowerUpper | Shape::Lul)
    }

    /// The shape tested on `S T S` (a shape starting with `U`).
    pub fn base(self) -> Shape {
        match self {
            Shape::Lower => Shape::Upper,
            Shape::LowerUpper => Shape::UpperLower,
            Shape::Lul => Shape::Ulu,
            s => s,
        }
    }

    /// Short name (`"I"`, `"U"`, `"L"`, `"UL"`, `"LU"`, `"ULU"`, `"LUL"`).
    pub fn name(self) -> &'static str {
        match self {
            Shape::Identity => "I",
            Shape::Upper => "U",
            Shape::Lower => "L",
            Shape::UpperLower => "UL",
            Shape::LowerUpper => "LU",
            Shape::Ulu => "ULU",
            Shape::Lul => "LUL",
        }
    }
}

/// A matrix derived from the target (or from `S T S` for swapped shapes).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Derived {
    /// The whole matrix.
    Whole,
    /// Block `T11`.
    T11,
    /// Block `T12`.
    T12,
    /// Block `T21`.
    T21,
    /// Block `T22`.
    T22,
    /// The Schur complement `T11 - T12 T22^-1 T21` (only defined when `T22` is
    /// diagonal with nonzero diagonal, which the re-checker verifies).
    Schur,
}

/// What an entry must satisfy.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Requirement {
    /// Must be 0.
    Zero,
    /// Must be 1.
    One,
    /// Must be nonzero.
    Nonzero,
    /// Must be `> 0`.
    Positive,
}

impl Requirement {
    /// Whether `v` violates the requirement.
    ///
    /// # Examples
    /// ```
    /// use couplings::construct::short::Requirement;
    /// use couplings::exact::qi;
    /// assert!(Requirement::Positive.violated_by(&qi(-1)));
    /// assert!(!Requirement::Nonzero.violated_by(&qi(-1)));
    /// ```
    pub fn violated_by(self, v: &Q) -> bool {
        match self {
            Requirement::Zero => !v.is_zero(),
            Requirement::One => !v.is_one(),
            Requirement::Nonzero => v.is_zero(),
            Requirement::Positive => !v.is_positive(),
        }
    }
}

/// An entry that violates a necessary condition of a shape.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EntryWitness {
    /// The matrix the entry belongs to.
    pub matrix: Derived,
    /// Row (0-based, within the block).
    pub row: usize,
    /// Column (0-based, within the block).
    pub col: usize,
    /// The entry's value.
    pub value: Q,
    /// The requirement it violates.
    pub requirement: Requirement,
}

/// A variable of the three-layer system: `A(j) = 1 / Delta_j`, `B(k) = 1 / D_k`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Var {
    /// `1 / Delta_j` (`Delta = E1 E2`, the product of the upper scales).
    A(usize),
    /// `1 / D_k` (the lower scale).
    B(usize),
}

/// One fact of a three-layer certificate (see the module documentation).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fact {
    /// `T21 vector = 0`; gives `(T11 vector)_row * a_row = vector_row`.
    Kernel {
        /// A vector of the kernel of `T21`.
        vector: Vec<Q>,
        /// The row `j`.
        row: usize,
    },
    /// `vector^T T21 = 0`; gives `(vector^T T22)_col * b_col = vector_col`.
    LeftKernel {
        /// A vector of the left kernel of `T21`.
        vector: Vec<Q>,
        /// The column `k`.
        col: usize,
    },
    /// Entry `(row, col)` of `G diag(a) R diag(b) F = Hinv`.
    Entry {
        /// Row `s` (0-based, `< rank T21`).
        row: usize,
        /// Column `t`.
        col: usize,
    },
}

/// A rank factorisation `T21 = F H G` with verified one-sided inverses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Factorization {
    /// `d x r`, full column rank.
    pub f: Matrix,
    /// `r x r`, invertible.
    pub h: Matrix,
    /// `r x d`, full row rank.
    pub g: Matrix,
    /// `r x d` with `FL F = I`.
    pub f_left: Matrix,
    /// `d x r` with `G GR = I`.
    pub g_right: Matrix,
    /// `H^-1`.
    pub h_inv: Matrix,
}

/// Why the equations of a three-layer certificate have no solution.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Contradiction {
    /// One fact has no solution with nonzero (positive) variables.
    Single {
        /// Index into `facts`.
        fact: usize,
    },
    /// `sum m_i * monomial_i = 0` but `prod (val_i / coef_i)^m_i != 1`.
    Combination {
        /// `(fact index, multiplier)`.
        terms: Vec<(usize, i64)>,
    },
}

/// Certificate that `T` is not `U L U` (or, for `Lul`, that `S T S` is not).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UluCertificate {
    /// The rank factorisation of `T21` (needed by `Entry` facts only).
    pub factorization: Option<Factorization>,
    /// The facts, in order (kernel facts pin variables for later entry facts).
    pub facts: Vec<Fact>,
    /// The contradiction.
    pub contradiction: Contradiction,
}

/// Why one shape is impossible.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ShapeFailure {
    /// Positive mode: `det T <= 0`, so no product of positive layers equals `T`.
    Determinant {
        /// The determinant.
        det: Q,
    },
    /// An entry violates a necessary condition (0, 1 or 2 layers).
    Entry(EntryWitness),
    /// The three-layer system has no solution.
    ThreeLayers(Box<UluCertificate>),
}

/// `S T S` for the swap of halves.
pub fn swap_halves(t: &Matrix) -> Matrix {
    let d = t.rows() / 2;
    Matrix::from_blocks(
        &t.block(d, d, d, d),
        &t.block(d, 0, d, d),
        &t.block(0, d, d, d),
        &t.block(0, 0, d, d),
    )
}

/// The four blocks `(T11, T12, T21, T22)`.
pub fn quarters(t: &Matrix) -> (Matrix, Matrix, Matrix, Matrix) {
    let d = t.rows() / 2;
    (
        t.block(0, 0, d, d),
        t.block(0, d, d, d),
        t.block(d, 0, d, d),
        t.block(d, d, d, d),
    )
}

/// A monomial equation `coef * prod(vars) = val` (each variable to the power 1).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MonoEq {
    /// The coefficient.
    pub coef: Q,
    /// The variables of the monomial (empty: the constant 1), sorted.
    pub vars: Vec<Var>,
    /// The right-hand side.
    pub val: Q,
}

impl MonoEq {
    /// Whether the equation alone has no solution with nonzero variables (and
    /// positive ones when `positive`).
    pub fn infeasible(&self, positive: bool) -> bool {
        if self.vars.is_empty() {
            return self.coef != self.val;
        }
        if self.coef.is_zero() != self.val.is_zero() {
            return true;
        }
        positive && !self.coef.is_zero() && !(&self.val / &self.coef).is_positive()
    }
}

/// Evaluates the facts of a three-layer certificate for `t` (already swapped for
/// `Lul`) into monomial equations, verifying every vector and factorisation.
///
/// # Errors
/// A message saying which fact or which part of the factorisation is invalid.
pub fn evaluate_facts(
    t: &Matrix,
    factorization: Option<&Factorization>,
    facts: &[Fact],
) -> Result<Vec<MonoEq>, String> {
    let d = t.rows() / 2;
    let (t11, t12, t21, t22) = quarters(t);
    let mut pins: BTreeMap<Var, Q> = BTreeMap::new();
    let mut out = Vec::with_capacity(facts.len());
    let mut r_and_fac: Option<(Matrix, &Factorization)> = None;
    for (index, fact) in facts.iter().enumerate() {
        let eq = match fact {
            Fact::Kernel { vector, row } => {
                if vector.len() != d || *row >= d {
                    return Err(format!("fact {index}: kernel vector or row out of range"));
                }
                if t21.mul_vec(vector).iter().any(|x| !x.is_zero()) {
                    return Err(format!("fact {index}: T21 k != 0"));
                }
                let coef = t11.mul_vec(vector)[*row].clone();
                MonoEq {
                    coef,
                    vars: vec![Var::A(*row)],
                    val: vector[*row].clone(),
                }
            }
            Fact::LeftKernel { vector, col } => {
                if vector.len() != d || *col >= d {
                    return Err(format!(
                        "fact {index}: left kernel vector or column out of range"
                    ));
                }
                let tt = t21.transpose();
                if tt.mul_vec(vector).iter().any(|x| !x.is_zero()) {
                    return Err(format!("fact {index}: c^T T21 != 0"));
                }
                let coef = t22.transpose().mul_vec(vector)[*col].clone();
                MonoEq {
                    coef,
                    vars: vec![Var::B(*col)],
                    val: vector[*col].clone(),
                }
            }
            Fact::Entry { row, col } => {
                if r_and_fac.is_none() {
                    let fac = factorization.ok_or_else(|| {
                        format!("fact {index}: entry fact without a factorisation")
                    })?;
                    verify_factorization(&t21, fac)?;
                    let p = &(&fac.g_right * &fac.h_inv) * &fac.f_left;
                    let r = &(&(&t11 * &p) * &t22) - &t12;
                    r_and_fac = Some((r, fac));
                }
                let (r, fac) = r_and_fac.as_ref().expect("set above");
                let rank = fac.h.rows();
                if *row >= rank || *col >= rank {
                    return Err(format!("fact {index}: entry out of range"));
                }
                let mut terms: BTreeMap<Vec<Var>, Q> = BTreeMap::new();
                for j in 0..d {
                    let g = fac.g.get(*row, j);
                    if g.is_zero() {
                        continue;
                    }
                    for k in 0..d {
                        let w = &(g * r.get(j, k)) * fac.f.get(k, *col);
                        if w.is_zero() {
                            continue;
                        }
                        let mut coef = w;
                        let mut vars = Vec::new();
                        for v in [Var::A(j), Var::B(k)] {
                            match pins.get(&v) {
                                Some(x) => coef *= x,
                                None => vars.push(v),
                            }
                        }
                        *terms.entry(vars).or_insert_with(Q::zero) += coef;
                    }
                }
                let constant = terms.remove(&Vec::new()).unwrap_or_else(Q::zero);
                terms.retain(|_, c| !c.is_zero());
                let val = fac.h_inv.get(*row, *col) - &constant;
                match terms.len() {
                    0 => MonoEq {
                        coef: Q::zero(),
                        vars: Vec::new(),
                        val,
                    },
                    1 => {
                        let (vars, coef) = terms.into_iter().next().expect("one term");
                        MonoEq { coef, vars, val }
                    }
                    _ => {
                        return Err(format!(
                            "fact {index}: entry ({row}, {col}) keeps more than one monomial"
                        ));
                    }
                }
            }
        };
        if matches!(fact, Fact::Kernel { .. } | Fact::LeftKernel { .. })
            && !eq.coef.is_zero()
            && !eq.val.is_zero()
        {
            pins.entry(eq.vars[0]).or_insert_with(|| &eq.val / &eq.coef);
        }
        out.push(eq);
    }
    Ok(out)
}

fn verify_factorization(t21: &Matrix, fac: &Factorization) -> Result<(), String> {
    let d = t21.rows();
    let r = fac.h.rows();
    let shapes_ok = fac.f.rows() == d
        && fac.f.cols() == r
        && fac.h.cols() == r
        && fac.g.rows() == r
        && fac.g.cols() == d
        && fac.f_left.rows() == r
        && fac.f_left.cols() == d
        && fac.g_right.rows() == d
        && fac.g_right.cols() == r
        && fac.h_inv.rows() == r
        && fac.h_inv.cols() == r
        && r >= 1;
    if !shapes_ok {
        return Err("factorisation: wrong shapes".into());
    }
    if &(&fac.f * &fac.h) * &fac.g != *t21 {
        return Err("factorisation: F H G != T21".into());
    }
    if !(&fac.f_left * &fac.f).is_identity() {
        return Err("factorisation: FL F != I".into());
    }
    if !(&fac.g * &fac.g_right).is_identity() {
        return Err("factorisation: G GR != I".into());
    }
    if !(&fac.h * &fac.h_inv).is_identity() {
        return Err("factorisation: H Hinv != I".into());
    }
    Ok(())
}
