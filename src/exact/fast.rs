//! Fast exact rational arithmetic for the hot loops: a Lehmer gcd on `BigUint`
//! (num-bigint's own gcd is the binary algorithm, one shift and subtraction per
//! bit, which dominated the profile of every kernel), and reduction, sum and
//! product of rationals built on it. Results are ordinary normalised [`Q`]s,
//! identical to what `num-rational` computes.

use super::Q;
use num_bigint::{BigInt, BigUint, Sign};
use num_integer::Integer;
use num_traits::{One, ToPrimitive, Zero};

/// Greatest common divisor of two nonnegative big integers (Lehmer's algorithm
/// with 62-bit leading parts and `i64` cofactors; Knuth, TAOCP 4.5.2, Algorithm L:
/// the cofactors stay below `2^62` in magnitude, so no sum or product overflows).
///
/// # Examples
/// ```
/// use couplings::exact::gcd_biguint;
/// use num_bigint::BigUint;
/// let a = BigUint::from(2u32).pow(200) * 3u32;
/// let b = BigUint::from(2u32).pow(150) * 9u32;
/// assert_eq!(gcd_biguint(&a, &b), BigUint::from(2u32).pow(150) * 3u32);
/// ```
pub fn gcd_biguint(a: &BigUint, b: &BigUint) -> BigUint {
    let (mut a, mut b) = if a >= b {
        (a.clone(), b.clone())
    } else {
        (b.clone(), a.clone())
    };
    while b.bits() > 64 {
        let shift = a.bits() - 62;
        let mut x = (&a >> shift).to_i64().expect("62 bits");
        let mut y = (&b >> shift).to_i64().expect("62 bits");
        let (mut ca, mut cb, mut cc, mut cd) = (1i64, 0i64, 0i64, 1i64);
        loop {
            if y + cc == 0 || y + cd == 0 {
                break;
            }
            let q = (x + ca) / (y + cc);
            if q != (x + cb) / (y + cd) {
                break;
            }
            (ca, cc) = (cc, ca - q * cc);
            (cb, cd) = (cd, cb - q * cd);
            (x, y) = (y, x - q * y);
        }
        if cb == 0 {
            let r = &a % &b;
            a = b;
            b = r;
        } else {
            let (ai, bi) = (BigInt::from(a), BigInt::from(b));
            let na = &ai * ca + &bi * cb;
            let nb = &ai * cc + &bi * cd;
            a = na.magnitude().clone();
            b = nb.magnitude().clone();
        }
    }
    if b.is_zero() {
        return a;
    }
    let bv = b.to_u64().expect("64 bits");
    let av = (&a % bv).to_u64().expect("below b");
    BigUint::from(av.gcd(&bv))
}

/// Greatest common divisor of two big integers (nonnegative).
pub fn gcd_bigint(a: &BigInt, b: &BigInt) -> BigInt {
    BigInt::from_biguint(Sign::Plus, gcd_biguint(a.magnitude(), b.magnitude()))
}

/// Least common multiple of two positive big integers.
pub(super) fn lcm_pos(a: &BigInt, b: &BigInt) -> BigInt {
    if a.is_one() {
        return b.clone();
    }
    if b.is_one() || a == b {
        return a.clone();
    }
    a / gcd_bigint(a, b) * b
}

/// The rational `n / d` in lowest terms (like `Q::new`, with the fast gcd).
///
/// # Panics
/// Panics if `d` is zero.
///
/// # Examples
/// ```
/// use couplings::exact::{q, ratio};
/// assert_eq!(ratio(6.into(), (-8).into()), q(-3, 4));
/// ```
pub fn ratio(n: BigInt, d: BigInt) -> Q {
    assert!(!d.is_zero(), "denominator zero");
    if n.is_zero() {
        return Q::zero();
    }
    let (n, d) = if d.sign() == Sign::Minus {
        (-n, -d)
    } else {
        (n, d)
    };
    if d.is_one() {
        return Q::new_raw(n, d);
    }
    let g = gcd_bigint(&n, &d);
    if g.is_one() {
        Q::new_raw(n, d)
    } else {
        Q::new_raw(n / &g, d / g)
    }
}

/// `n / (d1 d2)` in lowest terms for positive `d1`, `d2`: two gcds with the
/// shorter factors instead of one with their product (Lehmer is quadratic).
pub(super) fn ratio2(n: BigInt, d1: &BigInt, d2: &BigInt) -> Q {
    if n.is_zero() {
        return Q::zero();
    }
    let (n, e1) = cancel(n, d1);
    let (n, e2) = cancel(n, d2);
    Q::new_raw(n, e1 * e2)
}

/// `(n / g, d / g)` for `g = gcd(n, d)`, `d > 0`.
fn cancel(n: BigInt, d: &BigInt) -> (BigInt, BigInt) {
    if d.is_one() {
        return (n, BigInt::one());
    }
    let g = gcd_bigint(&n, d);
    if g.is_one() {
        (n, d.clone())
    } else {
        (n / &g, d / g)
    }
}

/// `a + b` with the fast gcd.
pub fn add(a: &Q, b: &Q) -> Q {
    if a.is_zero() {
        return b.clone();
    }
    if b.is_zero() {
        return a.clone();
    }
    if a.denom() == b.denom() {
        return ratio(a.numer() + b.numer(), a.denom().clone());
    }
    ratio(
        a.numer() * b.denom() + b.numer() * a.denom(),
        a.denom() * b.denom(),
    )
}

/// `a * b` with the fast gcd (cross-cancelling first, as `num-rational` does).
pub fn mul(a: &Q, b: &Q) -> Q {
    if a.is_zero() || b.is_zero() {
        return Q::zero();
    }
    if b.is_one() {
        return a.clone();
    }
    if a.is_one() {
        return b.clone();
    }
    if a.denom().is_one() && b.denom().is_one() {
        return Q::from_integer(a.numer() * b.numer());
    }
    let g1 = gcd_bigint(a.numer(), b.denom());
    let g2 = gcd_bigint(b.numer(), a.denom());
    let (n, d) = if g1.is_one() && g2.is_one() {
        (a.numer() * b.numer(), a.denom() * b.denom())
    } else {
        (
            (a.numer() / &g1) * (b.numer() / &g2),
            (a.denom() / &g2) * (b.denom() / &g1),
        )
    };
    // Both factors were in lowest terms and cross-cancelled: the result is too.
    Q::new_raw(n, d)
}

/// `a / b` with the fast gcd.
///
/// # Panics
/// Panics if `b` is zero.
pub fn div(a: &Q, b: &Q) -> Q {
    assert!(!b.is_zero(), "division by zero");
    let inv = if b.numer().sign() == Sign::Minus {
        Q::new_raw(-b.denom(), -b.numer())
    } else {
        Q::new_raw(b.denom().clone(), b.numer().clone())
    };
    mul(a, &inv)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::construct::rng::Rng;

    fn big(rng: &mut Rng, words: usize) -> BigInt {
        let mut x = BigInt::from(rng.range(-1000, 1000));
        for _ in 0..words {
            x = x * BigInt::from(u32::MAX) + BigInt::from(rng.next_u64() >> 1);
        }
        x
    }

    #[test]
    fn agrees_with_num_rational() {
        let mut rng = Rng::new(7);
        for t in 0..400 {
            let w = t % 40;
            let common = big(&mut rng, w / 3);
            let a = big(&mut rng, w) * &common;
            let b = big(&mut rng, (w * 7) % 40) * &common;
            assert_eq!(gcd_bigint(&a, &b), a.gcd(&b), "gcd of {a} and {b}");
            if b.is_zero() || a.is_zero() {
                continue;
            }
            let x = Q::new(a.clone(), b.clone());
            let y = Q::new(b.clone() + 1, a.clone());
            assert_eq!(ratio(a.clone(), b.clone()), x);
            let (b1, b2) = (
                BigInt::from(b.magnitude().clone()),
                BigInt::from(a.magnitude().clone()) + 3,
            );
            assert_eq!(ratio2(a.clone(), &b1, &b2), Q::new(a.clone(), &b1 * &b2));
            assert_eq!(add(&x, &y), &x + &y);
            assert_eq!(mul(&x, &y), &x * &y);
            assert_eq!(div(&x, &y), &x / &y);
        }
    }
}
