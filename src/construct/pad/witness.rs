//! The vocabulary of the padded "at most three layers" decision
//! (`docs/padding.md`, Theorem 4 and Lemma 3): the facts of a padded `L U L`
//! certificate and their evaluation into monomial equations, the rank witness
//! of condition (c), and the per-split failures. The decision
//! ([`super::decide`], [`super::lul`]) produces them; the re-checker in
//! `crate::depth::pad` verifies them from the target alone. Data and its
//! meaning only, no construction.
//!
//! # The padded `L U L` (split `(p | n - p + K)`, `p < n`)
//!
//! With `T = [[T11, T12], [T21, T22]]` and `S = T^-1` cut at `p`, `[[T], [0]]`
//! is the first `n` columns of `L U L` iff there are diagonal invertible `E`
//! (`p x p`) and `Omega` (`a x a`, `a = n - p`), positive in positive mode,
//! with (a) `E S12 + T12 Omega = 0`, (b) `Omega T22 k = k` for `k` in
//! `ker T12`, (c) `rank(C (T11 - E)) <= K` for `C` a basis of the left kernel
//! of `T12`. With the variables `E_i` ([`Var::A`]) and `w_j = 1 / Omega_j`
//! ([`Var::B`]) every fact is a monomial equation `coef * monomial = val`:
//!
//! * [`PadFact::Ratio`] `(i, j)`: `S12[i, j] * E_i w_j = -T12[i, j]` (from (a));
//! * [`PadFact::Kernel`] with `T12 k = 0` (verified): `k_j * w_j = (T22 k)_j`;
//! * [`PadFact::LeftKernel`] with `c T12 = 0` (verified), only for `K = 0`,
//!   where (c) reads `C (T11 - E) = 0`: `c_j * E_j = (c T11)_j`.
//!
//! A contradiction is a monomial one (one infeasible fact, or an integer
//! combination whose monomials cancel while the product of ratios is not 1) or
//! a [`RankWitness`] against (c).

pub use crate::construct::short::witness::{
    Contradiction, Derived, EntryWitness, MonoEq, Requirement, Shape, Var,
};
use crate::exact::{Matrix, Poly, Q};
use num_traits::{One, Zero};
use std::collections::VecDeque;

/// One fact of a padded `L U L` certificate (see the module documentation).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PadFact {
    /// Condition (a) at `(row, col)`: `S12[row, col] E_row w_col = -T12[row, col]`.
    Ratio {
        /// Row `i < p`.
        row: usize,
        /// Column `j < a`.
        col: usize,
    },
    /// `T12 vector = 0`; gives `vector_col * w_col = (T22 vector)_col`.
    Kernel {
        /// A vector of the kernel of `T12` (length `a`).
        vector: Vec<Q>,
        /// The column `j`.
        col: usize,
    },
    /// `vector T12 = 0` (only for `K = 0`); gives `vector_col * E_col = (vector T11)_col`.
    LeftKernel {
        /// A vector of the left kernel of `T12` (length `p`).
        vector: Vec<Q>,
        /// The column `j`.
        col: usize,
    },
}

/// Why a rational root of the minor polynomial does not give a solution.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RootReason {
    /// The root makes a propagated scale zero, or non-positive in positive mode.
    Inadmissible,
    /// A `(K + 1)`-minor of `C (T11 - E)` is nonzero at the root (rows, columns).
    Minor {
        /// Rows of `C (T11 - E)`.
        rows: Vec<usize>,
        /// Columns.
        cols: Vec<usize>,
    },
}

/// A rational root of the minor polynomial with its multiplicity and why it
/// gives no solution.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RootWitness {
    /// The root.
    pub value: Q,
    /// Its multiplicity in the polynomial.
    pub multiplicity: usize,
    /// Why it is no solution.
    pub reason: RootReason,
}

/// A witness that condition (c) has no admissible solution. The checker
/// propagates the facts from `E_root = mu` (and the pins) to every `E_i =
/// c_i mu^{e_i}`; every solution makes `rank(C (T11 - E)) <= K`, so the minor
/// of size `> K` at `(rows, cols)` vanishes, so `mu` is a root of `poly`; each
/// rational root is listed and excluded, and `poly / prod (mu - root)^mult` has
/// no root modulo `prime` (a prime not dividing its leading coefficient), hence
/// no rational root. With `root = None` every `E_i` is pinned and the minor
/// itself is nonzero (`poly` is that constant).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RankWitness {
    /// The `E` index whose value is the free scalar `mu`; `None` when pinned.
    pub root: Option<usize>,
    /// Rows `c` with `c T12 = 0` (verified).
    pub c: Matrix,
    /// Rows of the minor of `C (T11 - E)`.
    pub rows: Vec<usize>,
    /// Columns of the minor.
    pub cols: Vec<usize>,
    /// The minor's determinant as a polynomial in `mu`.
    pub poly: Poly,
    /// Every rational root of `poly`, excluded.
    pub roots: Vec<RootWitness>,
    /// A prime modulo which the cofactor has no root.
    pub prime: u64,
}

/// Why the padded `L U L` system has no solution.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PadContradiction {
    /// A monomial contradiction among the facts.
    Monomial(Contradiction),
    /// Condition (c) fails for every admissible value of the free scalar.
    Rank(Box<RankWitness>),
}

/// Certificate that `[[T], [0]]` is not the first columns of a padded
/// `L U L` for the split `(p | n - p + K)`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LulCertificate {
    /// `S = T^-1` (the re-checker verifies `T S = I`).
    pub inverse: Matrix,
    /// The facts, in order.
    pub facts: Vec<PadFact>,
    /// The contradiction.
    pub contradiction: PadContradiction,
}

/// Why one shape is impossible for one split.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PadFailure {
    /// An entry violates a necessary condition (blocks of the split `(p | n - p)`
    /// of `T`, or of the parts-swapped matrix for shapes starting with `L`;
    /// `Derived::Whole` for splits `p >= n`).
    Entry(EntryWitness),
    /// The `L U L` system (or, for `U L U`, the unpadded system of the swapped
    /// parts with `K = 0`) has no solution.
    Lul(Box<LulCertificate>),
    /// Split `p >= n`, `L U L`: a `(q + 1)`-minor of `T - E` (`q = N - p`) that
    /// vanishes for no admissible diagonal `E`, so `rank(T - E) > q`. The minor
    /// is a multi-affine polynomial in the `E_i` with `i` in both `rows` and
    /// `cols` (see [`minor_coefficients`]); in signed mode it must be a nonzero
    /// constant (for disjoint rows and columns it is), in positive mode its
    /// coefficients must have one sign and not all vanish.
    Minor {
        /// Rows.
        rows: Vec<usize>,
        /// Columns.
        cols: Vec<usize>,
    },
}

/// The coefficients of the minor `det (T - E)[rows, cols]` as a multi-affine
/// polynomial in the `E_i` with `i` in both `rows` and `cols` (those indices
/// are returned first): entry `s` is the coefficient of the product of the
/// `E` whose bits are set in `s`. Computed from the values at the `2^m`
/// points of `{0, 1}^m` (Moebius inversion); `None` when `m > 12`.
///
/// # Examples
/// ```
/// use couplings::construct::pad::witness::minor_coefficients;
/// use couplings::exact::{Matrix, qi};
/// // det(-I - E) on 2 x 2 is (1 + e0)(1 + e1).
/// let t = Matrix::from_i64(&[&[-1, 0], &[0, -1]]);
/// let (vars, c) = minor_coefficients(&t, &[0, 1], &[0, 1]).unwrap();
/// assert_eq!((vars, c), (vec![0, 1], vec![qi(1), qi(1), qi(1), qi(1)]));
/// ```
pub fn minor_coefficients(
    t: &Matrix,
    rows: &[usize],
    cols: &[usize],
) -> Option<(Vec<usize>, Vec<Q>)> {
    let vars: Vec<usize> = rows.iter().copied().filter(|r| cols.contains(r)).collect();
    let m = vars.len();
    if m > 12 {
        return None;
    }
    let sub = t.permuted(rows, cols);
    let mut values: Vec<Q> = (0..1usize << m)
        .map(|bits| {
            let mut s = sub.clone();
            for (b, &v) in vars.iter().enumerate() {
                if bits >> b & 1 == 1 {
                    let (i, j) = (
                        rows.iter().position(|&r| r == v).expect("in rows"),
                        cols.iter().position(|&c| c == v).expect("in cols"),
                    );
                    s.set(i, j, s.get(i, j) - Q::one());
                }
            }
            s.det()
        })
        .collect();
    // Moebius inversion over subsets: values -> coefficients.
    for b in 0..m {
        for bits in 0..1usize << m {
            if bits >> b & 1 == 1 {
                let lower = values[bits ^ (1 << b)].clone();
                values[bits] -= lower;
            }
        }
    }
    Some((vars, values))
}

/// Whether the minor's coefficients prove that it vanishes for no admissible
/// `E`: a nonzero constant (signed), or one sign and not all zero (positive).
pub fn minor_never_vanishes(coefficients: &[Q], positive: bool) -> bool {
    if coefficients.iter().all(Zero::is_zero) {
        return false;
    }
    if positive {
        use num_traits::Signed;
        coefficients.iter().all(|c| !c.is_negative())
            || coefficients.iter().all(|c| !c.is_positive())
    } else {
        coefficients[1..].iter().all(Zero::is_zero)
    }
}

/// The blocks `(T11, T12, T21, T22)` of `t` cut after `p` rows and columns.
pub fn blocks_at(t: &Matrix, p: usize) -> (Matrix, Matrix, Matrix, Matrix) {
    let n = t.rows();
    let a = n - p;
    (
        t.block(0, 0, p, p),
        t.block(0, p, p, a),
        t.block(p, 0, a, p),
        t.block(p, p, a, a),
    )
}

/// `[[T22, T21], [T12, T11]]`: the parts of the split `(p | n - p)` exchanged.
pub fn swap_parts(t: &Matrix, p: usize) -> Matrix {
    let (t11, t12, t21, t22) = blocks_at(t, p);
    Matrix::from_blocks(&t22, &t21, &t12, &t11)
}

/// Evaluates the facts for the target `t`, its verified inverse `s` and the
/// cut `p` into monomial equations, verifying every vector.
///
/// # Errors
/// A message naming the fact that is out of range or whose vector is not in
/// the kernel it claims.
pub fn evaluate_facts(
    t: &Matrix,
    s: &Matrix,
    p: usize,
    facts: &[PadFact],
) -> Result<Vec<MonoEq>, String> {
    let n = t.rows();
    let a = n - p;
    let (t11, t12, _, t22) = blocks_at(t, p);
    let s12 = s.block(0, p, p, a);
    facts
        .iter()
        .enumerate()
        .map(|(index, fact)| match fact {
            PadFact::Ratio { row, col } => {
                if *row >= p || *col >= a {
                    return Err(format!("fact {index}: ratio ({row}, {col}) out of range"));
                }
                Ok(MonoEq {
                    coef: s12.get(*row, *col).clone(),
                    vars: vec![Var::A(*row), Var::B(*col)],
                    val: -t12.get(*row, *col).clone(),
                })
            }
            PadFact::Kernel { vector, col } => {
                if vector.len() != a || *col >= a {
                    return Err(format!(
                        "fact {index}: kernel vector or column out of range"
                    ));
                }
                if t12.mul_vec(vector).iter().any(|x| !x.is_zero()) {
                    return Err(format!("fact {index}: T12 k != 0"));
                }
                Ok(MonoEq {
                    coef: vector[*col].clone(),
                    vars: vec![Var::B(*col)],
                    val: t22.mul_vec(vector)[*col].clone(),
                })
            }
            PadFact::LeftKernel { vector, col } => {
                if vector.len() != p || *col >= p {
                    return Err(format!(
                        "fact {index}: left kernel vector or column out of range"
                    ));
                }
                if t12.transpose().mul_vec(vector).iter().any(|x| !x.is_zero()) {
                    return Err(format!("fact {index}: c T12 != 0"));
                }
                Ok(MonoEq {
                    coef: vector[*col].clone(),
                    vars: vec![Var::A(*col)],
                    val: t11.transpose().mul_vec(vector)[*col].clone(),
                })
            }
        })
        .collect()
}

/// A propagated value `coef * mu^exp` (`exp` in -1, 0, 1).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Value {
    /// The coefficient.
    pub coef: Q,
    /// The exponent of the free scalar.
    pub exp: i32,
}

/// The values the nondegenerate equations force, by breadth-first propagation
/// from `E_root = mu` (when given) and from every pinned variable:
/// `(E values (length p), w values (length a))`, `None` where not reached.
/// Each value is a consequence of the equations used to reach it.
pub fn propagate(
    eqs: &[MonoEq],
    p: usize,
    a: usize,
    root: Option<usize>,
) -> (Vec<Option<Value>>, Vec<Option<Value>>) {
    let mut e: Vec<Option<Value>> = vec![None; p];
    let mut w: Vec<Option<Value>> = vec![None; a];
    let mut queue: VecDeque<Var> = VecDeque::new();
    let usable = |eq: &MonoEq| !eq.coef.is_zero() && !eq.val.is_zero();
    if let Some(r) = root.filter(|&r| r < p) {
        e[r] = Some(Value {
            coef: Q::one(),
            exp: 1,
        });
        queue.push_back(Var::A(r));
    }
    for eq in eqs.iter().filter(|eq| usable(eq) && eq.vars.len() == 1) {
        let v = Value {
            coef: &eq.val / &eq.coef,
            exp: 0,
        };
        let slot = match eq.vars[0] {
            Var::A(i) if i < p => &mut e[i],
            Var::B(j) if j < a => &mut w[j],
            _ => continue,
        };
        if slot.is_none() {
            *slot = Some(v);
            queue.push_back(eq.vars[0]);
        }
    }
    while let Some(var) = queue.pop_front() {
        for eq in eqs.iter().filter(|eq| usable(eq) && eq.vars.len() == 2) {
            let (Var::A(i), Var::B(j)) = (eq.vars[0], eq.vars[1]) else {
                continue;
            };
            if i >= p || j >= a {
                continue;
            }
            let ratio = &eq.val / &eq.coef;
            match var {
                Var::A(x) if x == i && w[j].is_none() => {
                    let from = e[i].clone().expect("queued values are set");
                    w[j] = Some(Value {
                        coef: &ratio / &from.coef,
                        exp: -from.exp,
                    });
                    queue.push_back(Var::B(j));
                }
                Var::B(y) if y == j && e[i].is_none() => {
                    let from = w[j].clone().expect("queued values are set");
                    e[i] = Some(Value {
                        coef: &ratio / &from.coef,
                        exp: -from.exp,
                    });
                    queue.push_back(Var::A(i));
                }
                _ => {}
            }
        }
    }
    (e, w)
}

impl Value {
    /// The value at `mu = x` (`x` nonzero when `exp < 0`).
    pub fn at(&self, x: &Q) -> Q {
        match self.exp {
            0 => self.coef.clone(),
            1 => &self.coef * x,
            _ => &self.coef / x,
        }
    }
}
