//! Sparse multivariate polynomials over Q, small and exact: what the
//! four-layer certificates of `couplings depth` are written in and what their
//! re-checker multiplies out. A [`Mono`] is an exponent vector (at most
//! [`MAX_VARS`] variables, exponents below 256); a [`Poly`] maps monomials to
//! nonzero rational coefficients. Only the ring operations are here (no
//! division, no term order beyond the canonical one of the map).

use super::Q;
use num_traits::{Signed, Zero};
use std::collections::BTreeMap;

/// The largest number of variables a [`Mono`] holds.
pub const MAX_VARS: usize = 16;

/// A monomial: the exponents of up to [`MAX_VARS`] variables.
///
/// # Examples
/// ```
/// use couplings::exact::poly::Mono;
/// let a = Mono::var(0).mul(&Mono::var(2));
/// assert_eq!(a.degree(), 2);
/// assert!(Mono::var(2).divides(&a));
/// assert_eq!(a.exponent(2), 1);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct Mono(pub [u8; MAX_VARS]);

impl Mono {
    /// The monomial 1.
    pub const ONE: Mono = Mono([0; MAX_VARS]);

    /// The variable `i`.
    ///
    /// # Panics
    /// If `i >= MAX_VARS`.
    pub fn var(i: usize) -> Mono {
        let mut e = [0; MAX_VARS];
        e[i] = 1;
        Mono(e)
    }

    /// The exponent of variable `i`.
    pub fn exponent(&self, i: usize) -> u8 {
        self.0[i]
    }

    /// Total degree.
    pub fn degree(&self) -> u32 {
        self.0.iter().map(|&e| u32::from(e)).sum()
    }

    /// The product (exponents add; saturates at 255, which no certificate reaches).
    pub fn mul(&self, other: &Mono) -> Mono {
        let mut e = [0; MAX_VARS];
        for (k, slot) in e.iter_mut().enumerate() {
            *slot = self.0[k].saturating_add(other.0[k]);
        }
        Mono(e)
    }

    /// Whether `self` divides `other`.
    pub fn divides(&self, other: &Mono) -> bool {
        self.0.iter().zip(&other.0).all(|(a, b)| a <= b)
    }

    /// `other / self` (requires `self.divides(other)`).
    pub fn quotient(&self, other: &Mono) -> Mono {
        let mut e = [0; MAX_VARS];
        for (k, slot) in e.iter_mut().enumerate() {
            *slot = other.0[k] - self.0[k];
        }
        Mono(e)
    }

    /// The least common multiple.
    pub fn lcm(&self, other: &Mono) -> Mono {
        let mut e = [0; MAX_VARS];
        for (k, slot) in e.iter_mut().enumerate() {
            *slot = self.0[k].max(other.0[k]);
        }
        Mono(e)
    }

    /// Whether the two have no variable in common.
    pub fn coprime(&self, other: &Mono) -> bool {
        self.0.iter().zip(&other.0).all(|(a, b)| *a == 0 || *b == 0)
    }
}

/// A polynomial: nonzero coefficients by monomial.
///
/// # Examples
/// ```
/// use couplings::exact::{poly::Poly, qi};
/// let x = Poly::var(0);
/// let y = Poly::var(1);
/// let p = &(&x + &y) * &(&x - &y);
/// assert_eq!(p, &(&x * &x) - &(&y * &y));
/// assert!(!p.is_zero());
/// assert_eq!((&p - &p).terms().count(), 0);
/// assert_eq!(Poly::constant(qi(3)).constant_term(), qi(3));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Poly {
    terms: BTreeMap<Mono, Q>,
}

impl Poly {
    /// The zero polynomial.
    pub fn zero() -> Poly {
        Poly::default()
    }

    /// A constant.
    pub fn constant(c: Q) -> Poly {
        Poly::term(Mono::ONE, c)
    }

    /// The variable `i`.
    pub fn var(i: usize) -> Poly {
        Poly::term(Mono::var(i), Q::from_integer(1.into()))
    }

    /// One term `c m` (zero when `c = 0`).
    pub fn term(m: Mono, c: Q) -> Poly {
        let mut terms = BTreeMap::new();
        if !c.is_zero() {
            terms.insert(m, c);
        }
        Poly { terms }
    }

    /// From terms (coefficients of equal monomials add; zeros dropped).
    pub fn from_terms(ts: impl IntoIterator<Item = (Mono, Q)>) -> Poly {
        let mut p = Poly::zero();
        for (m, c) in ts {
            p.add_term(m, c);
        }
        p
    }

    /// Adds `c m` in place.
    pub fn add_term(&mut self, m: Mono, c: Q) {
        if c.is_zero() {
            return;
        }
        let e = self.terms.entry(m).or_insert_with(Q::zero);
        *e += c;
        if e.is_zero() {
            self.terms.remove(&m);
        }
    }

    /// Whether this is the zero polynomial.
    pub fn is_zero(&self) -> bool {
        self.terms.is_empty()
    }

    /// The terms, in the canonical (exponent-vector) order.
    pub fn terms(&self) -> impl Iterator<Item = (&Mono, &Q)> {
        self.terms.iter()
    }

    /// The number of terms.
    pub fn len(&self) -> usize {
        self.terms.len()
    }

    /// Whether there are no terms (same as [`Poly::is_zero`]).
    pub fn is_empty(&self) -> bool {
        self.terms.is_empty()
    }

    /// The coefficient of the monomial 1.
    pub fn constant_term(&self) -> Q {
        self.terms.get(&Mono::ONE).cloned().unwrap_or_else(Q::zero)
    }

    /// `c * self`.
    pub fn scale(&self, c: &Q) -> Poly {
        if c.is_zero() {
            return Poly::zero();
        }
        Poly {
            terms: self.terms.iter().map(|(m, x)| (*m, x * c)).collect(),
        }
    }

    /// Whether every coefficient is `> 0`, or every coefficient is `< 0` (and there is one).
    pub fn one_signed(&self) -> bool {
        !self.is_zero()
            && (self.terms.values().all(Signed::is_positive)
                || self.terms.values().all(Signed::is_negative))
    }

    /// Whether every variable that occurs has its index in `allowed`.
    pub fn only_vars(&self, allowed: &[usize]) -> bool {
        self.terms
            .keys()
            .all(|m| (0..MAX_VARS).all(|i| m.exponent(i) == 0 || allowed.contains(&i)))
    }

    /// The largest total degree of a term (0 for the zero polynomial).
    pub fn degree(&self) -> u32 {
        self.terms.keys().map(Mono::degree).max().unwrap_or(0)
    }
}

impl std::ops::Add<&Poly> for &Poly {
    type Output = Poly;
    fn add(self, rhs: &Poly) -> Poly {
        let mut out = self.clone();
        for (m, c) in &rhs.terms {
            out.add_term(*m, c.clone());
        }
        out
    }
}

impl std::ops::Sub<&Poly> for &Poly {
    type Output = Poly;
    fn sub(self, rhs: &Poly) -> Poly {
        let mut out = self.clone();
        for (m, c) in &rhs.terms {
            out.add_term(*m, -c);
        }
        out
    }
}

impl std::ops::Mul<&Poly> for &Poly {
    type Output = Poly;
    fn mul(self, rhs: &Poly) -> Poly {
        let mut out = Poly::zero();
        for (m1, c1) in &self.terms {
            for (m2, c2) in &rhs.terms {
                out.add_term(m1.mul(m2), c1 * c2);
            }
        }
        out
    }
}
