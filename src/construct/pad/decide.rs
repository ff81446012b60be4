//! The exact decision of "at most three layers" for a padded split
//! (`docs/padding.md`, Lemma 3 and Theorem 4), shape by shape (the seven
//! [`Shape`]s, named as matrix products like the unpadded decision):
//!
//! * split `(p | n - p + K)` with `p < n`: the padded coordinates are idle in
//!   every chain of at most two layers and in `U L U` (Lemma 3), so those
//!   shapes are the unpadded closed forms for the split `(p | n - p)` of `x`;
//!   `L U L` is Theorem 4 ([`super::lul`]);
//! * split `p >= n` (`x` inside part 1): every shape but `L U L` gives exactly
//!   the diagonal `T`; `L U L` exists iff `rank(T - E) <= N - p` for a
//!   diagonal `E` (built by [`super::chunked`]; refuted by a minor of `T - E`
//!   of size `N - p + 1` that vanishes for no admissible `E`, for example one
//!   with disjoint row and column sets, which no diagonal reaches).
//!
//! Every answer carries layers or a [`PadFailure`]; `crate::depth::pad`
//! verifies both.

use super::chunked::{self, singular_shift};
use super::lul::{self, LulOutcome, ulu_from_swapped};
use super::witness::{
    Derived, EntryWitness, PadFailure, Requirement, Shape, blocks_at, minor_coefficients,
    minor_never_vanishes, swap_parts,
};
use super::{Candidate, pad_cols, pad_rows};
use crate::construct::Construction;
use crate::construct::blocks::Chain;
use crate::construct::rng::Rng;
use crate::exact::{Matrix, Q};
use crate::layer::{Kind, Layer, Mode, Split};
use num_traits::{One, Zero};

/// The answer for one split.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SplitResult {
    /// The shortest shape that works, its layers (application order, split
    /// `(p | N - p)`), and a failure for every shape with fewer layers.
    Found {
        /// The shape.
        shape: Shape,
        /// The layers.
        chain: Chain,
        /// Failures of the shorter shapes.
        shorter: Vec<(Shape, PadFailure)>,
    },
    /// No chain of at most three layers: one failure per shape.
    AtLeastFour {
        /// The failures.
        failures: Vec<(Shape, PadFailure)>,
    },
    /// Some shape could not be decided (the failures found so far).
    Undecided {
        /// The undecided shape.
        shape: Shape,
        /// Why.
        reason: String,
        /// The failures of the other shapes.
        failures: Vec<(Shape, PadFailure)>,
    },
}

/// A three-layer chain (or shorter) for the split `(p | N - p)`, `p < n`, if
/// the decision finds one: the padded `L U L`, then `U L U`.
pub fn three_layers_at(
    t: &Matrix,
    t_inv: &Matrix,
    pad: usize,
    p: usize,
    mode: Mode,
) -> Option<Candidate> {
    let n = t.rows();
    let split = Split::new(p, n + pad - p);
    let chain = match lul::decide(t, t_inv, p, pad, mode) {
        LulOutcome::Found(chain) => chain,
        _ => {
            let ts = swap_parts(t, p);
            let s_swapped = swap_parts(t_inv, p);
            match lul::decide(&ts, &s_swapped, n - p, 0, mode) {
                LulOutcome::Found(chain) => ulu_from_swapped(&chain, p, pad),
                _ => return None,
            }
        }
    };
    Some(Candidate {
        chain,
        split,
        mask: None,
        construction: Construction::PaddedDecided,
    })
}

/// Decides every shape of at most three layers for the split `(p | n + pad - p)`,
/// given `s = T^-1`.
///
/// # Examples
/// ```
/// use couplings::construct::pad::decide::{decide_split, SplitResult};
/// use couplings::construct::short::Shape;
/// use couplings::{Mode, exact::Matrix};
/// let t = Matrix::from_i64(&[&[0, 1], &[1, 0]]);
/// let s = t.inverse().unwrap();
/// // K = n = 2, split (2 | 2): the swap needs exactly three layers; the five
/// // shapes of at most two layers are refuted (U L U, also three layers, is not
/// // "shorter").
/// let SplitResult::Found { shape, shorter, .. } = decide_split(&t, &s, 2, 2, Mode::Signed) else {
///     panic!()
/// };
/// assert_eq!((shape, shorter.len()), (Shape::Lul, 5));
/// ```
pub fn decide_split(t: &Matrix, s: &Matrix, pad: usize, p: usize, mode: Mode) -> SplitResult {
    let n = t.rows();
    let mut failures: Vec<(Shape, PadFailure)> = Vec::new();
    let mut undecided: Option<(Shape, String)> = None;
    for shape in Shape::ALL {
        if let Some((u, _)) = &undecided
            && shape.layers() > u.layers()
        {
            break;
        }
        let attempt = if p < n {
            below_n(t, s, pad, p, mode, shape)
        } else {
            at_least_n(t, s, pad, p, mode, shape)
        };
        match attempt {
            Attempt::Found(chain) => {
                return SplitResult::Found {
                    shape,
                    chain,
                    shorter: failures
                        .into_iter()
                        .filter(|(s, _)| s.layers() < shape.layers())
                        .collect(),
                };
            }
            Attempt::Failed(f) => failures.push((shape, f)),
            Attempt::Undecided(reason) => {
                if undecided.is_none() {
                    undecided = Some((shape, reason));
                }
            }
        }
    }
    match undecided {
        Some((shape, reason)) => SplitResult::Undecided {
            shape,
            reason,
            failures,
        },
        None => SplitResult::AtLeastFour { failures },
    }
}

enum Attempt {
    Found(Chain),
    Failed(PadFailure),
    Undecided(String),
}

impl From<Result<Chain, PadFailure>> for Attempt {
    fn from(r: Result<Chain, PadFailure>) -> Attempt {
        match r {
            Ok(c) => Attempt::Found(c),
            Err(f) => Attempt::Failed(f),
        }
    }
}

fn nonzero_req(mode: Mode) -> Requirement {
    match mode {
        Mode::Positive => Requirement::Positive,
        Mode::Signed => Requirement::Nonzero,
    }
}

fn entry(matrix: Derived, m: &Matrix, i: usize, j: usize, requirement: Requirement) -> PadFailure {
    PadFailure::Entry(EntryWitness {
        matrix,
        row: i,
        col: j,
        value: m.get(i, j).clone(),
        requirement,
    })
}

/// The first entry of `m` violating "diagonal satisfies `diag`, off-diagonal is 0".
fn diagonal_violation(m: &Matrix, which: Derived, diag: Requirement) -> Option<PadFailure> {
    crate::construct::short::diagonal_witness(m, which, diag).map(PadFailure::Entry)
}

/// Split `p < n`: the shapes of at most two layers and `U L U` are unpadded.
fn below_n(t: &Matrix, s: &Matrix, pad: usize, p: usize, mode: Mode, shape: Shape) -> Attempt {
    let n = t.rows();
    let a = n - p;
    let (m, cut) = if shape.swapped() {
        (swap_parts(t, p), a)
    } else {
        (t.clone(), p)
    };
    let lift = |chain: Chain| -> Chain {
        if shape.swapped() {
            ulu_from_swapped(&chain, p, pad)
        } else {
            embed_unpadded(&chain, pad)
        }
    };
    match shape.base() {
        Shape::Identity => match diagonal_violation(t, Derived::Whole, Requirement::One) {
            Some(f) => Attempt::Failed(f),
            None => Attempt::Found(Vec::new()),
        },
        Shape::Upper => upper(&m, cut, mode).map(lift).into(),
        Shape::UpperLower => upper_lower(&m, cut, mode).map(lift).into(),
        Shape::Ulu => {
            if shape == Shape::Ulu {
                // U L U: unpadded, the L U L of the swapped parts with K = 0.
                let ts = swap_parts(t, p);
                let ss = swap_parts(s, p);
                match lul::decide(&ts, &ss, a, 0, mode) {
                    LulOutcome::Found(chain) => Attempt::Found(ulu_from_swapped(&chain, p, pad)),
                    LulOutcome::Impossible(c) => Attempt::Failed(PadFailure::Lul(c)),
                    LulOutcome::Undecided(r) => Attempt::Undecided(r),
                }
            } else {
                match lul::decide(t, s, p, pad, mode) {
                    LulOutcome::Found(chain) => Attempt::Found(chain),
                    LulOutcome::Impossible(c) => Attempt::Failed(PadFailure::Lul(c)),
                    LulOutcome::Undecided(r) => Attempt::Undecided(r),
                }
            }
        }
        _ => unreachable!("base shapes start with U"),
    }
}

/// One upper layer for the split `(p | n - p)` of `m`: `T21 = 0`, `T22 = I`,
/// `T11` diagonal (lemma `depth_one_layer`).
fn upper(m: &Matrix, p: usize, mode: Mode) -> Result<Chain, PadFailure> {
    let (t11, t12, t21, t22) = blocks_at(m, p);
    for i in 0..t21.rows() {
        for j in 0..t21.cols() {
            if !t21.get(i, j).is_zero() {
                return Err(entry(Derived::T21, &t21, i, j, Requirement::Zero));
            }
        }
    }
    if let Some(f) = diagonal_violation(&t22, Derived::T22, Requirement::One) {
        return Err(f);
    }
    if let Some(f) = diagonal_violation(&t11, Derived::T11, nonzero_req(mode)) {
        return Err(f);
    }
    Ok(vec![Layer::upper(t12, t11.diagonal())])
}

/// `U L` (lower first) for the split `(p | n - p)` of `m`: `T22` diagonal and
/// the Schur complement `T11 - T12 T22^-1 T21` diagonal (lemma `two_layer_ul`).
fn upper_lower(m: &Matrix, p: usize, mode: Mode) -> Result<Chain, PadFailure> {
    crate::construct::short::upper_lower_blocks(blocks_at(m, p), nonzero_req(mode))
        .map_err(PadFailure::Entry)
}

/// Layers of the unpadded split `(p | a)` as layers of `(p | a + pad)` with
/// the padded coordinates idle.
pub fn embed_unpadded(chain: &Chain, pad: usize) -> Chain {
    chain
        .iter()
        .map(|l| match l.kind {
            Kind::Upper => Layer::upper(pad_cols(&l.shift, l.shift.cols() + pad), l.scale.clone()),
            Kind::Lower => {
                let mut d = l.scale.clone();
                d.resize(d.len() + pad, Q::one());
                Layer::lower(pad_rows(&l.shift, l.shift.rows() + pad), d)
            }
        })
        .collect()
}

/// Layers of the split `(n | q)` as layers of `(n + extra | q)`: `extra`
/// padded coordinates idle in part 1.
pub fn embed_part1(chain: &Chain, extra: usize) -> Chain {
    chain
        .iter()
        .map(|l| match l.kind {
            Kind::Lower => {
                Layer::lower(pad_cols(&l.shift, l.shift.cols() + extra), l.scale.clone())
            }
            Kind::Upper => {
                let mut e = l.scale.clone();
                e.resize(e.len() + extra, Q::one());
                Layer::upper(pad_rows(&l.shift, l.shift.rows() + extra), e)
            }
        })
        .collect()
}

/// Split `p >= n`: everything but `L U L` gives exactly the diagonal `T`.
fn at_least_n(t: &Matrix, s: &Matrix, pad: usize, p: usize, mode: Mode, shape: Shape) -> Attempt {
    let n = t.rows();
    let q = n + pad - p;
    let extra = p - n;
    match shape {
        Shape::Identity | Shape::Lower => {
            match diagonal_violation(t, Derived::Whole, Requirement::One) {
                Some(f) => Attempt::Failed(f),
                None => Attempt::Found(Vec::new()),
            }
        }
        Shape::Upper | Shape::UpperLower | Shape::LowerUpper | Shape::Ulu => {
            match diagonal_violation(t, Derived::Whole, nonzero_req(mode)) {
                Some(f) => Attempt::Failed(f),
                None => {
                    let mut e = t.diagonal();
                    e.resize(p, Q::one());
                    Attempt::Found(vec![Layer::upper(Matrix::zeros(p, q), e)])
                }
            }
        }
        Shape::Lul => {
            let mut rng = Rng::new(0x5eed_0d1a);
            let ones = vec![Q::one(); n];
            let mut shifts = vec![ones];
            if q + 1 >= n
                && let Some(e) = singular_shift(t, mode, &mut rng)
            {
                shifts.push(e);
            }
            for e in shifts {
                if (t - &Matrix::from_diagonal(&e)).rank() <= q
                    && let Some(c) = chunked::chain(t, s, q, &e, &mut rng)
                    && c.chain.len() <= 3
                {
                    return Attempt::Found(embed_part1(&c.chain, extra));
                }
            }
            match never_vanishing_minor(t, q + 1, mode, &mut rng) {
                Some((rows, cols)) => Attempt::Failed(PadFailure::Minor { rows, cols }),
                None => Attempt::Undecided(format!(
                    "whether rank(T - E) <= {q} for a diagonal E (a diagonal-plus-low-rank \
                     question; no certificate found)"
                )),
            }
        }
    }
}

/// A `size x size` minor of `T - E` that vanishes for no admissible `E`
/// ([`minor_never_vanishes`]): every choice of rows and columns when there are
/// at most 400 pairs, else the first rows against the last columns and seeded
/// random choices.
fn never_vanishing_minor(
    t: &Matrix,
    size: usize,
    mode: Mode,
    rng: &mut Rng,
) -> Option<(Vec<usize>, Vec<usize>)> {
    let n = t.rows();
    if size > n {
        return None;
    }
    let positive = mode == Mode::Positive;
    let subsets = combinations(n, size, 20);
    let pairs: Vec<(Vec<usize>, Vec<usize>)> = if subsets.len() <= 20 {
        subsets
            .iter()
            .flat_map(|r| subsets.iter().map(move |c| (r.clone(), c.clone())))
            .collect()
    } else {
        let mut v = Vec::new();
        if 2 * size <= n {
            v.push(((0..size).collect(), (n - size..n).collect()));
        }
        for _ in 0..40 {
            let pr = rng.permutation(n);
            let pc = rng.permutation(n);
            let mut r = pr[..size].to_vec();
            let mut c = pc[..size].to_vec();
            r.sort_unstable();
            c.sort_unstable();
            v.push((r, c));
        }
        v
    };
    pairs.into_iter().find(|(r, c)| {
        minor_coefficients(t, r, c).is_some_and(|(_, coef)| minor_never_vanishes(&coef, positive))
    })
}

/// The `size`-subsets of `0..n` in increasing order, or fewer than all when
/// there are more than `limit` (then the caller samples).
fn combinations(n: usize, size: usize, limit: usize) -> Vec<Vec<usize>> {
    let mut out = Vec::new();
    let mut cur: Vec<usize> = (0..size).collect();
    loop {
        out.push(cur.clone());
        if out.len() > limit {
            return out;
        }
        let Some(i) = (0..size).rev().find(|&i| cur[i] < n - size + i) else {
            return out;
        };
        cur[i] += 1;
        for j in i + 1..size {
            cur[j] = cur[j - 1] + 1;
        }
    }
}
