//! The split `(x | padding)` with any `K >= 1`: `2 m + 1` layers
//! `L U L ... U L` with `m = ceil(rank(T - E) / K)` for a diagonal `E`, which
//! is the exact depth for this split (`docs/padding.md`, Theorem 5: an upper
//! layer can only add `K` directions at a time). Construction: a rank
//! factorisation `T - E = F R` (pivot columns and the nonzero rows of the
//! reduced row echelon form), `R` cut into chunks `R_1, ..., R_m` of at most
//! `K` rows (`F` into the matching column chunks); with `X_0 = I`,
//! `X_i = E + F_1 R_1 + ... + F_i R_i` (`X_m = T`), `Z_0 = 0`, `Z_i = R_i`:
//!
//! ```text
//! L((Z_i - Z_{i-1}) X_{i-1}^-1), U(F_i, E_i)   for i = 1..m  (E_1 = E, E_i = I after)
//! L(-Z_m T^-1)
//! ```
//!
//! The lower layer loads `z = Z_i x0` (`padded_chunk_reload`), the upper one
//! adds `F_i Z_i x0` to `x`, the last lower layer clears `z`
//! (`padded_zeroing`); `padded_five_first_column` is the product for two
//! chunks. With `E = I` every scale is 1: positive mode and `det T < 0` cost
//! nothing, and the entries are those of `T^-1` and the `X_i^-1`. A signed
//! `E = diag(e_1, 1, ..., 1)` with `det(T - E) = 0` (affine in `e_1`) saves a
//! chunk when `K` divides `n - 1`. When a partial product `X_i` is singular the
//! factorisation is mixed, `(F W^-1, W R)` for a seeded random unit lower
//! triangular `W` (bounded retries; then no candidate, never a panic).

use super::Candidate;
use crate::construct::rng::Rng;
use crate::construct::short::linalg::rref;
use crate::construct::{Construction, Options};
use crate::exact::{Matrix, Q, qi};
use crate::layer::{Layer, Mode, Split};
use num_traits::{One, Signed, Zero};

/// Mixing attempts when a partial product is singular.
const MIXING_TRIES: usize = 8;

/// The chunked chains worth trying for `pad = K`: `E = I`, and a diagonal
/// `E` with `det(T - E) = 0` when that saves a chunk (positive `E` in positive
/// mode).
///
/// # Examples
/// ```
/// use couplings::{Options, exact::Matrix};
/// use couplings::construct::pad::chunked::best;
/// let t = Matrix::from_i64(&[&[2, 1, 0], &[1, 1, 1], &[0, 1, 3]]);
/// let found = best(&t, &t.inverse().unwrap(), 1, &Options::default());
/// // rank(T - I) = 3 with K = 1: 7 layers; det(T - E) = 0 gives 5.
/// assert_eq!(found.iter().map(|c| c.chain.len()).min(), Some(5));
/// ```
pub fn best(t: &Matrix, t_inv: &Matrix, pad: usize, options: &Options) -> Vec<Candidate> {
    let n = t.rows();
    let mut out = Vec::new();
    let ones = vec![Q::one(); n];
    let mut rng = Rng::new(options.seed ^ 0xc4a2_0000);
    if let Some(c) = chain(t, t_inv, pad, &ones, &mut rng) {
        out.push(c);
    }
    let rank = (t - &Matrix::identity(n)).rank();
    if rank == n
        && n >= 2
        && (n - 1).div_ceil(pad) < n.div_ceil(pad)
        && let Some(e) = singular_shift(t, options.mode, &mut rng)
        && let Some(c) = chain(t, t_inv, pad, &e, &mut rng)
    {
        out.push(c);
    }
    out
}

/// A diagonal `E = diag(e_1, r_2, ..., r_n)` with `det(T - E) = 0` (nonzero
/// entries; positive ones in positive mode), if a few tries find one.
pub fn singular_shift(t: &Matrix, mode: Mode, rng: &mut Rng) -> Option<Vec<Q>> {
    let n = t.rows();
    if n == 2 && mode == Mode::Positive {
        return positive_shift_2x2(t);
    }
    for attempt in 0..16 {
        let rest: Vec<Q> = (1..n)
            .map(|_| {
                if attempt == 0 {
                    return Q::one();
                }
                // Magnitudes from 1/256 to 256, so narrow windows are found too.
                let shift = rng.range(-8, 8);
                let base = Q::new(rng.range(1, 5).into(), rng.range(1, 3).into());
                let v = if shift >= 0 {
                    base * Q::from_integer(num_bigint::BigInt::from(1u32) << shift as usize)
                } else {
                    base / Q::from_integer(num_bigint::BigInt::from(1u32) << (-shift) as usize)
                };
                if mode == Mode::Signed && rng.range(0, 1) == 0 {
                    -v
                } else {
                    v
                }
            })
            .collect();
        let det_at = |e1: Q| {
            let mut d = vec![e1];
            d.extend(rest.iter().cloned());
            (t - &Matrix::from_diagonal(&d)).det()
        };
        let alpha = det_at(Q::zero());
        let beta = det_at(Q::one()) - &alpha;
        if beta.is_zero() {
            continue;
        }
        let e1 = -alpha / beta;
        if e1.is_zero() || (mode == Mode::Positive && !e1.is_positive()) {
            continue;
        }
        let mut e = vec![e1];
        e.extend(rest);
        return Some(e);
    }
    None
}

/// `n = 2`, positive mode, exactly: `(e1 - t11)(e2 - t22) = t12 t21` with
/// `e1, e2 > 0`, or `None` when no such pair exists (then every coefficient of
/// `det(T - E)` as a polynomial in `E` has one sign, which is the certificate
/// the padded depth decision gives).
fn positive_shift_2x2(t: &Matrix) -> Option<Vec<Q>> {
    let (t11, t22) = (t.get(0, 0).clone(), t.get(1, 1).clone());
    let c = t.get(0, 1) * t.get(1, 0);
    let one = Q::one();
    let zero = Q::zero();
    let max = |a: Q, b: Q| if a > b { a } else { b };
    // e1 = t11 + u, e2 = t22 + v with u v = c.
    let from_u = |u: Q| {
        let v = &c / &u;
        vec![&t11 + &u, &t22 + v]
    };
    let from_v = |v: Q| {
        let u = &c / &v;
        vec![&t11 + u, &t22 + &v]
    };
    let e = if c.is_zero() {
        if t11.is_positive() {
            Some(vec![t11.clone(), one.clone()])
        } else if t22.is_positive() {
            Some(vec![one.clone(), t22.clone()])
        } else {
            None
        }
    } else if c.is_positive() {
        let lo = max(zero.clone(), -t11.clone());
        if !t22.is_negative() {
            Some(from_u(&lo + &one))
        } else if lo < &c / -t22.clone() {
            Some(from_u(
                (&lo + &c / -t22.clone()) / Q::from_integer(2.into()),
            ))
        } else {
            None
        }
    } else if t22.is_positive() {
        let u = max(max(&one - &t11, -c.clone() / &t22 + &one), one.clone());
        Some(from_u(u))
    } else if t11.is_positive() {
        let v = max(max(&one - &t22, -c.clone() / &t11 + &one), one.clone());
        Some(from_v(v))
    } else {
        None
    };
    e.filter(|e| e.iter().all(Q::is_positive))
}

/// The chunked chain for the diagonal `e` (`None` if the partial products stay
/// singular after the mixing attempts, or `e` has a zero entry).
///
/// # Panics
/// Panics if `pad == 0`.
pub fn chain(t: &Matrix, t_inv: &Matrix, pad: usize, e: &[Q], rng: &mut Rng) -> Option<Candidate> {
    assert!(pad >= 1, "the chunked chain needs pad >= 1");
    let n = t.rows();
    if e.iter().any(Zero::is_zero) {
        return None;
    }
    let d = t - &Matrix::from_diagonal(e);
    let (echelon, pivots) = rref(&d);
    let r = pivots.len();
    let mut f = Matrix::zeros(n, r);
    let mut rr = Matrix::zeros(r, n);
    for (k, &c) in pivots.iter().enumerate() {
        for i in 0..n {
            f.set(i, k, d.get(i, c).clone());
        }
        for j in 0..n {
            rr.set(k, j, echelon.get(k, j).clone());
        }
    }
    for attempt in 0..=MIXING_TRIES {
        if attempt > 0 {
            // No lemma needed: F R is unchanged, (F W^-1)(W R) = F R.
            let w = random_unit_lower(r, rng);
            let w_inv = w.inverse().ok()?;
            f = &f * &w_inv;
            rr = &w * &rr;
        }
        if let Some(chain) = build(t, t_inv, pad, e, &f, &rr) {
            return Some(Candidate {
                chain,
                split: Split::new(n, pad),
                mask: None,
                construction: Construction::PaddedChunked,
            });
        }
    }
    None
}

/// The layers for the factorisation `T - E = F R`, or `None` when a partial
/// product is singular.
fn build(
    t: &Matrix,
    t_inv: &Matrix,
    pad: usize,
    e: &[Q],
    f: &Matrix,
    r: &Matrix,
) -> Option<Vec<Layer>> {
    let n = t.rows();
    let rank = r.rows();
    let m = rank.div_ceil(pad);
    if m == 0 {
        // T = E: one upper layer.
        return Some(vec![Layer::upper(Matrix::zeros(n, pad), e.to_vec())]);
    }
    let mut layers = Vec::with_capacity(2 * m + 1);
    let mut x = Matrix::identity(n);
    let mut x_inv = Matrix::identity(n);
    let mut z_prev = Matrix::zeros(pad, n);
    for i in 0..m {
        let rows: Vec<usize> = (i * pad..rank.min((i + 1) * pad)).collect();
        let mut z = Matrix::zeros(pad, n);
        let mut fi = Matrix::zeros(n, pad);
        for (k, &row) in rows.iter().enumerate() {
            for j in 0..n {
                z.set(k, j, r.get(row, j).clone());
                fi.set(j, k, f.get(j, row).clone());
            }
        }
        // lemma: padded_chunk_reload
        let a = &(&z - &z_prev) * &x_inv;
        layers.push(Layer::lower(a, vec![Q::one(); pad]));
        let ei: Vec<Q> = if i == 0 {
            e.to_vec()
        } else {
            vec![Q::one(); n]
        };
        x = &x.scale_rows(&ei) + &(&fi * &z);
        layers.push(Layer::upper(fi, ei));
        if i + 1 < m {
            x_inv = x.inverse().ok()?;
        }
        z_prev = z;
    }
    if x != *t {
        return None;
    }
    // lemma: padded_zeroing
    layers.push(Layer::lower(-&(&z_prev * t_inv), vec![Q::one(); pad]));
    Some(layers)
}

/// A seeded random unit lower triangular `r x r` matrix with entries in {-1, 0, 1}.
fn random_unit_lower(r: usize, rng: &mut Rng) -> Matrix {
    let mut w = Matrix::identity(r);
    for i in 0..r {
        for j in 0..i {
            w.set(i, j, qi(rng.range(-1, 1)));
        }
    }
    w
}
