//! Exact products of dyadic block-triangular factors, fast: the one kernel
//! behind the certified tolerance mode, shared by the construction (its
//! residuals and its own certification) and the bound checker
//! (`crate::check::within`).
//!
//! A [`DyadicFactor`] is an `n x n` matrix `[[I_p, 0], [A, diag(D)]]` (it
//! updates the second block of rows) or `[[diag(E), B], [0, I_q]]` (it updates
//! the first), whose off-identity entries are integers over one power of two
//! `2^F`: machine integers (`i128` below `2^94`) and a common exponent, nothing
//! else.
//! [`product`] multiplies a list of them exactly and returns the result as
//! integers over one power of two `2^S` with `S` the sum of the exponents
//! ([`DyadicMatrix`]); [`distance_sq`] compares such a product with a rational
//! target exactly; [`to_dyadic_ints`] reads rationals with power-of-two
//! denominators back into machine integers over a common power of two.
//!
//! How the product is computed (and why it is fast and simple to check):
//! column `j` of the product is the chain applied to `e_j`, so columns are
//! independent (rayon runs them in parallel). A column is kept as `n` two's
//! complement integers of `W` 32-bit limbs each (the top limb signed). A factor
//! replaces each updated entry by an integer combination of coefficients and
//! old entries: every coefficient times every limb is accumulated per limb
//! position in an `i128` without carries, then carries are propagated once per
//! entry. A coefficient below `2^63` is one 64 x 64-bit multiplication per
//! limb (a product below `2^95`); a wider one (below `2^94`, float64 layers on
//! a fine grid) is split as `hi 2^32 + lo` with `0 <= lo < 2^32`, two
//! multiplications, `lo` at the limb's position and `hi` one limb up (products
//! below `2^64` and `2^94`). Either way a sum of `n` products stays below
//! `2^127` for every `n < 2^32`. The kept entries are multiplied by `2^F` the same way. No
//! allocation happens per multiply-add and there is no division anywhere.

use super::{Matrix, Q, lcm_of_denominators};
use num_bigint::BigInt;
use num_traits::{One, Zero};
use rayon::prelude::*;

/// Largest exponent `F` a factor may have: a bound on the work and memory a
/// hostile input can ask for (the tolerance construction uses 30 to 80).
pub const MAX_FRAC_BITS: u32 = 512;

/// Every coefficient satisfies `|a| < 2^MAX_COEFF_BITS`.
pub const MAX_COEFF_BITS: u32 = 94;

/// One factor `[[I_p, 0], [A, diag(D)]]` or `[[diag(E), B], [0, I_q]]`,
/// every entry outside the identity blocks an integer over `2^frac_bits`.
///
/// `shift` is row-major: `A` is `q x p` (when `updates_second`), `B` is `p x q`
/// (otherwise); `scale` is the diagonal (`q` or `p` entries).
///
/// # Examples
/// ```
/// use couplings::exact::dyadic::{DyadicFactor, product};
/// // [[1, 0], [1/2, 3/2]]: the shift and scale over 2^1.
/// let f = DyadicFactor { updates_second: true, shift: vec![1], scale: vec![3], frac_bits: 1 };
/// let p = product(1, 1, &[f]);
/// assert_eq!(p.frac_bits(), 1);
/// assert_eq!(p.entry(1, 0), 1.into());
/// assert_eq!(p.entry(1, 1), 3.into());
/// assert_eq!(p.entry(0, 0), 2.into()); // the identity part, over 2^1
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DyadicFactor {
    /// `true`: `[[I, 0], [A, D]]`; `false`: `[[E, B], [0, I]]`.
    pub updates_second: bool,
    /// The shift block, row-major (every `|a| < 2^MAX_COEFF_BITS`).
    pub shift: Vec<i128>,
    /// The diagonal scale (every `|a| < 2^MAX_COEFF_BITS`).
    pub scale: Vec<i128>,
    /// The common exponent `F`: every entry is an integer over `2^F`.
    pub frac_bits: u32,
}

/// An exact `n x n` matrix `X / 2^S` with integer `X`, kept as limbs (one
/// vector of two's complement 32-bit limbs per column).
#[derive(Debug, Clone)]
pub struct DyadicMatrix {
    n: usize,
    frac_bits: u64,
    columns: Vec<Column>,
}

/// One column: `n` entries of `width` limbs each, entry `i` at
/// `limbs[i * width .. (i + 1) * width]`, least significant limb first, the
/// last limb read as signed.
#[derive(Debug, Clone)]
struct Column {
    width: usize,
    limbs: Vec<u32>,
}

impl DyadicMatrix {
    /// The dimension `n`.
    pub fn n(&self) -> usize {
        self.n
    }

    /// The exponent `S`: the matrix is `X / 2^S`.
    pub fn frac_bits(&self) -> u64 {
        self.frac_bits
    }

    /// The integer `X[i][j]` (the entry is `X[i][j] / 2^S`).
    pub fn entry(&self, i: usize, j: usize) -> BigInt {
        let c = &self.columns[j];
        limbs_to_big(&c.limbs[i * c.width..(i + 1) * c.width])
    }

    /// The entry `(i, j)` as an exact rational.
    pub fn entry_q(&self, i: usize, j: usize) -> Q {
        Q::new(self.entry(i, j), BigInt::one() << self.frac_bits)
    }

    /// Largest bit size of an integer `X[i][j]`.
    pub fn max_bits(&self) -> u64 {
        (0..self.n)
            .flat_map(|j| (0..self.n).map(move |i| (i, j)))
            .map(|(i, j)| self.entry(i, j).bits())
            .max()
            .unwrap_or(0)
    }
}

fn limbs_to_big(limbs: &[u32]) -> BigInt {
    let bytes: Vec<u8> = limbs.iter().flat_map(|l| l.to_le_bytes()).collect();
    BigInt::from_signed_bytes_le(&bytes)
}

/// The product `F_K ... F_2 F_1` of the factors (`factors[0]` acts first on a
/// column vector), exactly, for the split `(p, q)`.
///
/// # Panics
/// When a factor's shapes do not fit `(p, q)`, its exponent exceeds
/// [`MAX_FRAC_BITS`] or a coefficient is not below `2^MAX_COEFF_BITS`
/// (callers validate first; the bound checker reports these as errors).
///
/// # Examples
/// ```
/// use couplings::exact::dyadic::{DyadicFactor, product};
/// // U(-1) L(1) U(-1) = [[0, -1], [1, 0]], all over 2^0.
/// let u = DyadicFactor { updates_second: false, shift: vec![-1], scale: vec![1], frac_bits: 0 };
/// let l = DyadicFactor { updates_second: true, shift: vec![1], scale: vec![1], frac_bits: 0 };
/// let p = product(1, 1, &[u.clone(), l, u]);
/// let x: Vec<i64> = (0..4).map(|k| i64::try_from(p.entry(k / 2, k % 2)).unwrap()).collect();
/// assert_eq!(x, vec![0, -1, 1, 0]);
/// ```
pub fn product(p: usize, q: usize, factors: &[DyadicFactor]) -> DyadicMatrix {
    let n = p + q;
    for f in factors {
        let (rows, cols) = if f.updates_second { (q, p) } else { (p, q) };
        assert_eq!(f.shift.len(), rows * cols, "shift shape of a dyadic factor");
        assert_eq!(f.scale.len(), rows, "scale length of a dyadic factor");
        assert!(f.frac_bits <= MAX_FRAC_BITS, "exponent of a dyadic factor");
        assert!(
            f.shift.iter().chain(&f.scale).all(|a| fits(*a)),
            "coefficient of a dyadic factor"
        );
    }
    let prepared: Vec<Prepared> = factors.iter().map(Prepared::of).collect();
    let run = |j: usize| {
        let mut col = Column {
            width: 1,
            limbs: vec![0; n],
        };
        col.limbs[j] = 1;
        let mut acc = Vec::new();
        for f in &prepared {
            col = apply(&col, p, q, f, &mut acc);
        }
        col
    };
    let columns: Vec<Column> = if n >= 16 {
        (0..n).into_par_iter().map(run).collect()
    } else {
        (0..n).map(run).collect()
    };
    DyadicMatrix {
        n,
        frac_bits: factors.iter().map(|f| u64::from(f.frac_bits)).sum(),
        columns,
    }
}

/// A factor ready for the kernel: its coefficients as `i64` when they all fit
/// (one multiplication per limb), else as `i128`, and its limb growth.
struct Prepared<'a> {
    factor: &'a DyadicFactor,
    narrow: Option<(Vec<i64>, Vec<i64>)>,
    growth: usize,
}

impl<'a> Prepared<'a> {
    fn of(factor: &'a DyadicFactor) -> Prepared<'a> {
        let small = |a: &i128| i64::try_from(*a).ok().filter(|&a| a != i64::MIN);
        let narrow = factor
            .shift
            .iter()
            .map(small)
            .collect::<Option<Vec<i64>>>()
            .zip(factor.scale.iter().map(small).collect::<Option<Vec<i64>>>());
        Prepared {
            factor,
            narrow,
            growth: growth_limbs(factor),
        }
    }
}

/// Whether `|a| < 2^MAX_COEFF_BITS`.
fn fits(a: i128) -> bool {
    a.unsigned_abs() < 1u128 << MAX_COEFF_BITS
}

/// Extra limbs an entry may need after the factor: the bits of the largest
/// row sum of absolute coefficients, or the shift `F` of the kept rows.
fn growth_limbs(f: &DyadicFactor) -> usize {
    let rows = f.scale.len();
    let cols = f.shift.len().checked_div(rows).unwrap_or(0);
    let row_sum_bits = (0..rows)
        .map(|i| {
            let s: u128 = f.shift[i * cols..(i + 1) * cols]
                .iter()
                .chain(std::iter::once(&f.scale[i]))
                .map(|a| a.unsigned_abs())
                .sum();
            (128 - s.leading_zeros()) as usize
        })
        .max()
        .unwrap_or(0);
    row_sum_bits.max(f.frac_bits as usize).div_ceil(32) + 1
}

/// `acc[offset + t] += coef * limb_t(src)` for every limb of `src` (the top
/// limb signed), for `|coef| < 2^63`: both factors are sign-extended 64-bit
/// values, so each product is one 64 x 64 -> 128-bit multiplication.
#[inline]
fn accumulate(acc: &mut [i128], src: &[u32], coef: i64, offset: usize) {
    let (top, low) = src.split_last().expect("at least one limb");
    let acc = &mut acc[offset..offset + src.len()];
    let (acc_top, acc_low) = acc.split_last_mut().expect("same length");
    for (a, &l) in acc_low.iter_mut().zip(low) {
        *a += i128::from(coef) * i128::from(i64::from(l));
    }
    *acc_top += i128::from(coef) * i128::from(i64::from(*top as i32));
}

/// [`accumulate`] for any coefficient below `2^MAX_COEFF_BITS`: narrow ones
/// directly, wide ones as `hi 2^32 + lo` (`lo` unsigned 32-bit).
#[inline]
fn accumulate_wide(acc: &mut [i128], src: &[u32], coef: i128, offset: usize) {
    match i64::try_from(coef) {
        Ok(c) if c != i64::MIN => accumulate(acc, src, c, offset),
        _ => {
            let lo = (coef & 0xffff_ffff) as i64;
            let hi = (coef >> 32) as i64;
            accumulate(acc, src, lo, offset);
            accumulate(acc, src, hi, offset + 1);
        }
    }
}

/// Propagates the carries of `acc` into `out` (two's complement limbs).
#[inline]
fn carry(acc: &[i128], out: &mut [u32]) {
    let mut c: i128 = 0;
    for (t, &a) in acc.iter().enumerate() {
        c += a;
        out[t] = c as u32;
        c >>= 32;
    }
    debug_assert!(
        (c == 0 && (out[out.len() - 1] as i32) >= 0)
            || (c == -1 && (out[out.len() - 1] as i32) < 0),
        "limb width bound"
    );
}

/// The column after one factor (then trimmed to the width it needs).
fn apply(col: &Column, p: usize, q: usize, prepared: &Prepared, acc: &mut Vec<i128>) -> Column {
    let f = prepared.factor;
    let n = p + q;
    let w = col.width;
    let nw = w + prepared.growth;
    let mut out = vec![0u32; n * nw];
    let entry = |i: usize| &col.limbs[i * w..(i + 1) * w];
    let (kept, updated, other_start, other_len) = if f.updates_second {
        (0..p, p..n, 0, p)
    } else {
        (p..n, 0..p, p, q)
    };
    let (shift_limbs, shift_bits) = ((f.frac_bits / 32) as usize, f.frac_bits % 32);
    for i in kept {
        acc.clear();
        acc.resize(nw, 0);
        accumulate(acc, entry(i), 1i64 << shift_bits, shift_limbs);
        carry(acc, &mut out[i * nw..(i + 1) * nw]);
    }
    let start = updated.start;
    for i in updated {
        let r = i - start;
        acc.clear();
        acc.resize(nw, 0);
        let range = r * other_len..(r + 1) * other_len;
        match &prepared.narrow {
            Some((shift, scale)) => {
                for (k, &a) in shift[range].iter().enumerate() {
                    if a != 0 {
                        accumulate(acc, entry(other_start + k), a, 0);
                    }
                }
                if scale[r] != 0 {
                    accumulate(acc, entry(i), scale[r], 0);
                }
            }
            None => {
                for (k, &a) in f.shift[range].iter().enumerate() {
                    if a != 0 {
                        accumulate_wide(acc, entry(other_start + k), a, 0);
                    }
                }
                if f.scale[r] != 0 {
                    accumulate_wide(acc, entry(i), f.scale[r], 0);
                }
            }
        }
        carry(acc, &mut out[i * nw..(i + 1) * nw]);
    }
    trim(Column {
        width: nw,
        limbs: out,
    })
}

/// Drops the top limbs that only repeat the sign in every entry.
fn trim(col: Column) -> Column {
    let w = col.width;
    let n = col.limbs.len() / w;
    let needed = (0..n)
        .map(|i| {
            let e = &col.limbs[i * w..(i + 1) * w];
            let mut k = w;
            while k > 1 {
                let top = e[k - 1];
                let below_negative = (e[k - 2] as i32) < 0;
                if (top == 0 && !below_negative) || (top == u32::MAX && below_negative) {
                    k -= 1;
                } else {
                    break;
                }
            }
            k
        })
        .max()
        .unwrap_or(1);
    if needed == w {
        return col;
    }
    let mut limbs = Vec::with_capacity(n * needed);
    for i in 0..n {
        limbs.extend_from_slice(&col.limbs[i * w..i * w + needed]);
    }
    Column {
        width: needed,
        limbs,
    }
}

/// `(num, den)` with `||P - T||_F^2 / ||T||_F^2 = num / den`, exactly, for the
/// product `P` and a rational target `T` of the same size; `den` is zero
/// exactly when `T = 0`. The target is put over the lcm `L` of its
/// denominators (a power of two for float weights), so with `T = Z / L` and
/// `P = X / 2^S`: `num = sum (X L - Z 2^S)^2` and `den = 2^(2S) sum Z^2`.
///
/// # Panics
/// When `target` is not `n x n`.
///
/// # Examples
/// ```
/// use couplings::exact::{Matrix, q, dyadic::{DyadicFactor, product, distance_sq}};
/// let f = DyadicFactor { updates_second: true, shift: vec![1], scale: vec![2], frac_bits: 1 };
/// let p = product(1, 1, &[f]); // [[1, 0], [1/2, 1]]
/// let t = Matrix::from_rows(vec![vec![q(1, 1), q(0, 1)], vec![q(0, 1), q(1, 1)]]).unwrap();
/// let (num, den) = distance_sq(&p, &t);
/// assert_eq!(couplings::exact::Q::new(num, den), q(1, 8)); // (1/2)^2 / 2
/// ```
pub fn distance_sq(p: &DyadicMatrix, target: &Matrix) -> (BigInt, BigInt) {
    let n = p.n;
    assert!(target.rows() == n && target.cols() == n, "target shape");
    let lcm = lcm_of_denominators(target.entries().iter());
    let two_s = BigInt::one() << p.frac_bits;
    let rows: Vec<(BigInt, BigInt)> = (0..n)
        .into_par_iter()
        .map(|i| {
            let (mut diff, mut norm) = (BigInt::zero(), BigInt::zero());
            for j in 0..n {
                let t = target.get(i, j);
                let z: BigInt = t.numer() * (&lcm / t.denom());
                let zs = &z * &two_s;
                let d = p.entry(i, j) * &lcm - &zs;
                diff += &d * &d;
                norm += &z * &z;
            }
            (diff, norm)
        })
        .collect();
    let (num, norm) = rows
        .into_iter()
        .fold((BigInt::zero(), BigInt::zero()), |(a, b), (c, d)| {
            (a + c, b + d)
        });
    (num, norm << (2 * p.frac_bits))
}

/// Why rationals could not be read as machine integers over a power of two.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DyadicError {
    /// Entry `index` has a denominator that is not a power of two.
    NotDyadic {
        /// Position in the input.
        index: usize,
    },
    /// Over the common power of two, entry `index` is not below
    /// `2^MAX_COEFF_BITS`, or the exponent exceeds [`MAX_FRAC_BITS`].
    TooLarge {
        /// Position in the input.
        index: usize,
    },
}

/// Reads rationals with power-of-two denominators as integers over the common
/// power of two `2^F` (the largest denominator), each below `2^MAX_COEFF_BITS`,
/// or says which entry does not fit.
///
/// # Examples
/// ```
/// use couplings::exact::{q, dyadic::{to_dyadic_ints, DyadicError}};
/// assert_eq!(to_dyadic_ints(&[q(3, 4), q(-1, 2), q(5, 1)]), Ok((vec![3, -2, 20], 2)));
/// assert_eq!(to_dyadic_ints(&[q(1, 3)]), Err(DyadicError::NotDyadic { index: 0 }));
/// ```
pub fn to_dyadic_ints(values: &[Q]) -> Result<(Vec<i128>, u32), DyadicError> {
    let mut frac = 0u64;
    for (index, v) in values.iter().enumerate() {
        let d = v.denom();
        let tz = d.trailing_zeros().unwrap_or(0);
        if (d >> tz) != BigInt::one() {
            return Err(DyadicError::NotDyadic { index });
        }
        if tz > u64::from(MAX_FRAC_BITS) {
            return Err(DyadicError::TooLarge { index });
        }
        frac = frac.max(tz);
    }
    let ints = values
        .iter()
        .enumerate()
        .map(|(index, v)| {
            let shift = frac - v.denom().trailing_zeros().unwrap_or(0);
            let x: BigInt = v.numer() << shift;
            i128::try_from(&x)
                .ok()
                .filter(|x| fits(*x))
                .ok_or(DyadicError::TooLarge { index })
        })
        .collect::<Result<Vec<i128>, DyadicError>>()?;
    Ok((ints, frac as u32))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A small SplitMix64 for the tests (this floor imports nothing above it).
    struct Rng(u64);

    impl Rng {
        fn new(seed: u64) -> Rng {
            Rng(seed)
        }

        fn next_u64(&mut self) -> u64 {
            self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
            let mut z = self.0;
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            z ^ (z >> 31)
        }
    }

    /// The product computed naively with rationals.
    fn naive(p: usize, q: usize, factors: &[DyadicFactor]) -> Vec<Vec<Q>> {
        let n = p + q;
        let mut m: Vec<Vec<Q>> = (0..n)
            .map(|i| {
                (0..n)
                    .map(|j| if i == j { Q::one() } else { Q::zero() })
                    .collect()
            })
            .collect();
        for f in factors {
            let den = BigInt::one() << f.frac_bits;
            let v = |x: i128| Q::new(BigInt::from(x), den.clone());
            let old = m.clone();
            let (upd, other, len) = if f.updates_second {
                (p..n, 0, p)
            } else {
                (0..p, p, q)
            };
            let start = upd.start;
            for i in upd {
                let r = i - start;
                for j in 0..n {
                    let mut s = v(f.scale[r]) * &old[i][j];
                    for k in 0..len {
                        s += v(f.shift[r * len + k]) * &old[other + k][j];
                    }
                    m[i][j] = s;
                }
            }
        }
        m
    }

    fn random_factor(rng: &mut Rng, p: usize, q: usize, bits: u32) -> DyadicFactor {
        let updates_second = rng.next_u64().is_multiple_of(2);
        let (rows, cols) = if updates_second { (q, p) } else { (p, q) };
        let mut draw = || {
            let wide = (i128::from(rng.next_u64()) << 64) | i128::from(rng.next_u64());
            let x = (wide as u128 >> (128 - bits)) as i128;
            if rng.next_u64().is_multiple_of(2) {
                x
            } else {
                -x
            }
        };
        DyadicFactor {
            updates_second,
            shift: (0..rows * cols).map(|_| draw()).collect(),
            scale: (0..rows).map(|_| draw()).collect(),
            frac_bits: (rng.next_u64() % 70) as u32,
        }
    }

    #[test]
    fn product_matches_rational_arithmetic() {
        let mut rng = Rng::new(7);
        for case in 0..40 {
            let p = 1 + (case % 4);
            let q = 1 + (case / 4) % 3;
            let bits = [3, 20, 40, 62, 63, 64, 80, 94][case % 8];
            let k = 1 + case % 7;
            let factors: Vec<DyadicFactor> = (0..k)
                .map(|_| random_factor(&mut rng, p, q, bits))
                .collect();
            let got = product(p, q, &factors);
            let want = naive(p, q, &factors);
            for (i, row) in want.iter().enumerate() {
                for (j, w) in row.iter().enumerate() {
                    assert_eq!(got.entry_q(i, j), *w, "case {case} entry ({i}, {j})");
                }
            }
        }
    }

    #[test]
    fn extreme_coefficients_do_not_overflow() {
        // The largest coefficients, narrow and wide: the accumulator bound.
        let (p, q) = (24, 24);
        let big = (1i128 << MAX_COEFF_BITS) - 1;
        let narrow = i128::from(i64::MAX);
        let f = DyadicFactor {
            updates_second: true,
            shift: vec![big; p * q],
            scale: vec![-big; q],
            frac_bits: 63,
        };
        let g = DyadicFactor {
            updates_second: false,
            shift: vec![-narrow; p * q],
            scale: vec![i128::from(i64::MIN) + 1; p],
            frac_bits: 0,
        };
        let factors = [f.clone(), g, f];
        let got = product(p, q, &factors);
        let want = naive(p, q, &factors);
        for (i, j) in [(0, 0), (30, 3), (47, 47), (3, 40)] {
            assert_eq!(got.entry_q(i, j), want[i][j]);
        }
    }

    #[test]
    fn distance_of_exact_product_is_zero() {
        let mut rng = Rng::new(3);
        let factors: Vec<DyadicFactor> =
            (0..5).map(|_| random_factor(&mut rng, 2, 2, 30)).collect();
        let prod = product(2, 2, &factors);
        let want = naive(2, 2, &factors);
        let t = Matrix::from_rows(want).unwrap();
        let (num, den) = distance_sq(&prod, &t);
        assert!(num.is_zero());
        assert!(!den.is_zero() || t.is_zero());
    }
}
