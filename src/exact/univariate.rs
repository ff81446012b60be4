//! Exact univariate polynomials over the rationals ([`Poly`], coefficients
//! lowest degree first): evaluation, interpolation, products, division by
//! linear factors, the integer primitive form, roots modulo a small prime, and
//! every rational root ([`Poly::rational_roots`]: a root search modulo a prime,
//! Hensel lifting and rational reconstruction, each candidate confirmed by
//! exact evaluation). Used by the padded depth decision (`docs/padding.md`),
//! whose rank condition is a polynomial in one scalar.

use super::number::Q;
use num_bigint::BigInt;
use num_integer::Integer;
use num_traits::{One, Signed, ToPrimitive, Zero};

/// A polynomial with rational coefficients, `coeffs[i]` the coefficient of
/// `x^i`, without trailing zeros (the zero polynomial has no coefficients).
///
/// # Examples
/// ```
/// use couplings::exact::{Poly, q, qi};
/// // (x - 2)(2x + 1) = 2x^2 - 3x - 2
/// let p = Poly::new(vec![qi(-2), qi(-3), qi(2)]);
/// assert_eq!(p.eval(&qi(2)), qi(0));
/// assert_eq!(p.rational_roots(), vec![(q(-1, 2), 1), (qi(2), 1)]);
/// let (quotient, rest) = p.div_linear(&qi(2));
/// assert_eq!((quotient, rest), (Poly::new(vec![qi(1), qi(2)]), qi(0)));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Poly {
    coeffs: Vec<Q>,
}

impl Poly {
    /// The polynomial with these coefficients (lowest degree first).
    pub fn new(mut coeffs: Vec<Q>) -> Poly {
        while coeffs.last().is_some_and(Zero::is_zero) {
            coeffs.pop();
        }
        Poly { coeffs }
    }

    /// The coefficients, lowest degree first, without trailing zeros.
    pub fn coeffs(&self) -> &[Q] {
        &self.coeffs
    }

    /// The degree; `None` for the zero polynomial.
    pub fn degree(&self) -> Option<usize> {
        self.coeffs.len().checked_sub(1)
    }

    /// Whether this is the zero polynomial.
    pub fn is_zero(&self) -> bool {
        self.coeffs.is_empty()
    }

    /// The value at `x` (Horner).
    pub fn eval(&self, x: &Q) -> Q {
        self.coeffs
            .iter()
            .rev()
            .fold(Q::zero(), |acc, c| acc * x + c)
    }

    /// The polynomial of degree `< xs.len()` through the points `(xs[i], ys[i])`
    /// (Newton's divided differences).
    ///
    /// # Panics
    /// Panics if the lengths differ or two `xs` coincide.
    ///
    /// # Examples
    /// ```
    /// use couplings::exact::{Poly, qi};
    /// let p = Poly::interpolate(&[qi(0), qi(1), qi(2)], &[qi(1), qi(2), qi(5)]);
    /// assert_eq!(p, Poly::new(vec![qi(1), qi(0), qi(1)]));
    /// ```
    pub fn interpolate(xs: &[Q], ys: &[Q]) -> Poly {
        assert_eq!(xs.len(), ys.len(), "as many values as points");
        let mut dd: Vec<Q> = ys.to_vec();
        for level in 1..xs.len() {
            for i in (level..xs.len()).rev() {
                let den = &xs[i] - &xs[i - level];
                assert!(!den.is_zero(), "interpolation points must be distinct");
                dd[i] = (&dd[i] - &dd[i - 1]) / den;
            }
        }
        // p = dd[0] + (x - x0)(dd[1] + (x - x1)(dd[2] + ...)).
        let mut p = Poly::new(Vec::new());
        for i in (0..xs.len()).rev() {
            p = p.mul(&Poly::new(vec![-xs[i].clone(), Q::one()]));
            p = p.add_constant(&dd[i]);
        }
        p
    }

    fn add_constant(&self, c: &Q) -> Poly {
        let mut coeffs = self.coeffs.clone();
        if coeffs.is_empty() {
            coeffs.push(Q::zero());
        }
        coeffs[0] += c;
        Poly::new(coeffs)
    }

    /// The product.
    pub fn mul(&self, other: &Poly) -> Poly {
        if self.is_zero() || other.is_zero() {
            return Poly::new(Vec::new());
        }
        let mut out = vec![Q::zero(); self.coeffs.len() + other.coeffs.len() - 1];
        for (i, a) in self.coeffs.iter().enumerate() {
            if a.is_zero() {
                continue;
            }
            for (j, b) in other.coeffs.iter().enumerate() {
                out[i + j] += a * b;
            }
        }
        Poly::new(out)
    }

    /// Division by `x - r`: the quotient and the remainder `p(r)` (synthetic division).
    pub fn div_linear(&self, r: &Q) -> (Poly, Q) {
        let Some(deg) = self.degree() else {
            return (Poly::new(Vec::new()), Q::zero());
        };
        let mut q = vec![Q::zero(); deg];
        let mut carry = Q::zero();
        for i in (0..=deg).rev() {
            let v = &self.coeffs[i] + &carry * r;
            if i == 0 {
                return (Poly::new(q), v);
            }
            q[i - 1] = v.clone();
            carry = v;
        }
        unreachable!("the loop returns at i = 0")
    }

    /// The derivative.
    pub fn derivative(&self) -> Poly {
        Poly::new(
            self.coeffs
                .iter()
                .enumerate()
                .skip(1)
                .map(|(i, c)| c * Q::from_integer(BigInt::from(i)))
                .collect(),
        )
    }

    /// The polynomial times the least common denominator, divided by the gcd of
    /// the resulting integers, with a positive leading coefficient: integer
    /// coefficients with the same roots.
    pub fn integer_primitive(&self) -> Vec<BigInt> {
        let Some(lead) = self.coeffs.last() else {
            return Vec::new();
        };
        let den = self
            .coeffs
            .iter()
            .fold(BigInt::one(), |acc, c| acc.lcm(c.denom()));
        let mut ints: Vec<BigInt> = self
            .coeffs
            .iter()
            .map(|c| c.numer() * (&den / c.denom()))
            .collect();
        let g = ints.iter().fold(BigInt::zero(), |acc, c| acc.gcd(c));
        let sign = if lead.is_negative() { -1 } else { 1 };
        for c in ints.iter_mut() {
            *c = &*c / &g * sign;
        }
        ints
    }

    /// The residues `x` in `0..prime` with `p(x) = 0 mod prime`, for the integer
    /// primitive form of `p`; `None` when `prime` divides its leading
    /// coefficient (then a rational root need not reduce to a root mod `prime`).
    ///
    /// # Examples
    /// ```
    /// use couplings::exact::{Poly, qi};
    /// // x^2 + 1 has the roots 2 and 3 modulo 5, none modulo 7.
    /// let p = Poly::new(vec![qi(1), qi(0), qi(1)]);
    /// assert_eq!(p.roots_mod(5), Some(vec![2, 3]));
    /// assert_eq!(p.roots_mod(7), Some(vec![]));
    /// ```
    pub fn roots_mod(&self, prime: u64) -> Option<Vec<u64>> {
        let ints = self.integer_primitive();
        let m = BigInt::from(prime);
        let c: Vec<u64> = ints
            .iter()
            .map(|x| x.mod_floor(&m).to_u64().expect("a residue fits in u64"))
            .collect();
        if c.last().is_none_or(|&l| l == 0) {
            return None;
        }
        let pm = u128::from(prime);
        let roots = (0..prime)
            .filter(|&x| {
                let v = c
                    .iter()
                    .rev()
                    .fold(0u128, |acc, &a| (acc * u128::from(x) + u128::from(a)) % pm);
                v == 0
            })
            .collect();
        Some(roots)
    }

    /// The greatest common divisor (monic; the zero polynomial for two zeros).
    pub fn gcd(&self, other: &Poly) -> Poly {
        let (mut a, mut b) = (self.clone(), other.clone());
        while !b.is_zero() {
            let r = a.rem(&b);
            a = b;
            b = r;
        }
        match a.coeffs.last().cloned() {
            Some(lead) => Poly::new(a.coeffs.iter().map(|c| c / &lead).collect()),
            None => a,
        }
    }

    /// Quotient and remainder of the division by a nonzero `d`.
    ///
    /// # Panics
    /// Panics if `d` is zero.
    pub fn div_rem(&self, d: &Poly) -> (Poly, Poly) {
        let dd = d.degree().expect("division by the zero polynomial");
        let lead = d.coeffs[dd].clone();
        let mut r = self.coeffs.clone();
        let Some(deg) = self.degree().filter(|&k| k >= dd) else {
            return (Poly::new(Vec::new()), self.clone());
        };
        let mut q = vec![Q::zero(); deg - dd + 1];
        for k in (dd..=deg).rev() {
            let f = &r[k] / &lead;
            if f.is_zero() {
                continue;
            }
            for (i, c) in d.coeffs.iter().enumerate() {
                r[k - dd + i] -= &f * c;
            }
            q[k - dd] = f;
        }
        (Poly::new(q), Poly::new(r))
    }

    fn rem(&self, d: &Poly) -> Poly {
        self.div_rem(d).1
    }

    /// Every rational root with its multiplicity, increasing. The candidates
    /// come from the roots modulo a prime, lifted (Hensel) until the modulus
    /// exceeds `2 |a0| |lead|` (the bound on numerator and denominator of a
    /// rational root of the integer form) and reconstructed as fractions; every
    /// candidate is confirmed by exact evaluation, and every rational root
    /// reduces to a simple root modulo the prime used, so none is missed.
    ///
    /// # Examples
    /// ```
    /// use couplings::exact::{Poly, q, qi};
    /// // (3x - 1)^2 (x + 5) (x^2 - 2)
    /// let f = Poly::new(vec![qi(-1), qi(3)]);
    /// let p = f.mul(&f).mul(&Poly::new(vec![qi(5), qi(1)])).mul(&Poly::new(vec![qi(-2), qi(0), qi(1)]));
    /// assert_eq!(p.rational_roots(), vec![(qi(-5), 1), (q(1, 3), 2)]);
    /// ```
    pub fn rational_roots(&self) -> Vec<(Q, usize)> {
        let Some(deg) = self.degree() else {
            return Vec::new();
        };
        if deg == 0 {
            return Vec::new();
        }
        // The square-free part has the same roots, each simple.
        let g = self.gcd(&self.derivative());
        let square_free = self.div_rem(&g).0;
        let candidates = simple_rational_roots(&square_free);
        let mut out = Vec::new();
        for r in candidates {
            let mut k = 0;
            let mut rest = self.clone();
            loop {
                let (quotient, rem) = rest.div_linear(&r);
                if !rem.is_zero() {
                    break;
                }
                k += 1;
                rest = quotient;
            }
            if k > 0 {
                out.push((r, k));
            }
        }
        out.sort_by(|a, b| a.0.cmp(&b.0));
        out
    }
}

/// Whether `m` is prime (trial division; for the small primes of certificates).
///
/// # Examples
/// ```
/// assert!(couplings::exact::is_small_prime(32003));
/// assert!(!couplings::exact::is_small_prime(32001));
/// ```
pub fn is_small_prime(m: u64) -> bool {
    if m < 2 {
        return false;
    }
    let mut d = 2u64;
    while d.saturating_mul(d) <= m {
        if m.is_multiple_of(d) {
            return false;
        }
        d += 1;
    }
    true
}

/// The rational roots of a square-free polynomial (each simple), unordered.
fn simple_rational_roots(p: &Poly) -> Vec<Q> {
    let mut out = Vec::new();
    // Factor out x: the root 0.
    let mut coeffs = p.coeffs.clone();
    if coeffs.first().is_some_and(Zero::is_zero) {
        out.push(Q::zero());
        coeffs.remove(0);
    }
    let p = Poly::new(coeffs);
    if p.degree().is_none_or(|d| d == 0) {
        return out;
    }
    let ints = p.integer_primitive();
    let a0 = ints[0].abs();
    let lead = ints.last().expect("nonzero").abs();
    let bound: BigInt = &a0 * &lead * 2 + 1;
    let deriv = int_derivative(&ints);
    // A prime not dividing the leading coefficient at which every root found
    // is simple; a square-free integer polynomial has only finitely many bad
    // primes (divisors of the discriminant), so the search ends.
    let mut prime = 30_011u64;
    loop {
        while !is_small_prime(prime) {
            prime += 2;
        }
        let m = BigInt::from(prime);
        let Some(roots) = p.roots_mod(prime) else {
            prime += 2;
            continue;
        };
        let simple = roots
            .iter()
            .all(|&r| !eval_int(&deriv, &BigInt::from(r)).mod_floor(&m).is_zero());
        if !simple {
            prime += 2;
            continue;
        }
        for r in roots {
            if let Some(x) = lift_and_reconstruct(&ints, &deriv, r, prime, &bound)
                && !x.is_zero()
                && p.eval(&x).is_zero()
            {
                out.push(x);
            }
        }
        return out;
    }
}

/// The derivative of an integer polynomial (coefficients lowest degree first).
fn int_derivative(c: &[BigInt]) -> Vec<BigInt> {
    c.iter()
        .enumerate()
        .skip(1)
        .map(|(i, a)| a * BigInt::from(i))
        .collect()
}

fn eval_int(c: &[BigInt], x: &BigInt) -> BigInt {
    c.iter().rev().fold(BigInt::zero(), |acc, a| acc * x + a)
}

/// Lifts the simple root `r` of `ints` mod `prime` to a modulus beyond
/// `bound^2` and reconstructs a fraction `u / v` with `|u|, |v| < bound`.
fn lift_and_reconstruct(
    ints: &[BigInt],
    deriv: &[BigInt],
    r: u64,
    prime: u64,
    bound: &BigInt,
) -> Option<Q> {
    let target: BigInt = bound * bound * 2;
    let mut modulus = BigInt::from(prime);
    let mut x = BigInt::from(r);
    while modulus <= target {
        modulus = &modulus * &modulus;
        let f = eval_int(ints, &x).mod_floor(&modulus);
        let d = eval_int(deriv, &x).mod_floor(&modulus);
        let inv = mod_inverse(&d, &modulus)?;
        x = (&x - f * inv).mod_floor(&modulus);
    }
    reconstruct(&x, &modulus, bound)
}

fn mod_inverse(a: &BigInt, m: &BigInt) -> Option<BigInt> {
    let e = a.extended_gcd(m);
    e.gcd.is_one().then(|| e.x.mod_floor(m))
}

/// The fraction `u / v` with `u = v x mod m`, `|u| < bound`, `0 < v < bound`.
fn reconstruct(x: &BigInt, m: &BigInt, bound: &BigInt) -> Option<Q> {
    let (mut r0, mut r1) = (m.clone(), x.clone());
    let (mut t0, mut t1) = (BigInt::zero(), BigInt::one());
    while &r1 >= bound {
        let q = &r0 / &r1;
        let r2 = &r0 - &q * &r1;
        let t2 = &t0 - &q * &t1;
        r0 = std::mem::replace(&mut r1, r2);
        t0 = std::mem::replace(&mut t1, t2);
    }
    if t1.is_zero() || t1.abs() >= *bound {
        return None;
    }
    Some(Q::new(r1, t1))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::exact::{q, qi};

    #[test]
    fn roots_with_large_coefficients() {
        // (12345 x - 678910)(x + 1/7)^3 (x^2 + x + 1)
        let a = Poly::new(vec![qi(-678_910), qi(12_345)]);
        let b = Poly::new(vec![q(1, 7), qi(1)]);
        let c = Poly::new(vec![qi(1), qi(1), qi(1)]);
        let p = a.mul(&b).mul(&b).mul(&b).mul(&c);
        assert_eq!(
            p.rational_roots(),
            vec![(q(-1, 7), 3), (q(678_910, 12_345), 1)]
        );
    }

    #[test]
    fn zero_root_and_constants() {
        let p = Poly::new(vec![qi(0), qi(0), qi(3)]);
        assert_eq!(p.rational_roots(), vec![(qi(0), 2)]);
        assert!(Poly::new(vec![qi(5)]).rational_roots().is_empty());
        assert!(Poly::new(vec![]).rational_roots().is_empty());
    }

    #[test]
    fn interpolation_round_trip() {
        let p = Poly::new(vec![q(1, 3), qi(-2), qi(0), q(5, 2)]);
        let xs: Vec<Q> = (0..4).map(|i| qi(i + 2)).collect();
        let ys: Vec<Q> = xs.iter().map(|x| p.eval(x)).collect();
        assert_eq!(Poly::interpolate(&xs, &ys), p);
    }
}
