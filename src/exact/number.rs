//! Exact numbers: the rational type used at the API, exact parsing of integers,
//! fractions and decimals (with the size limits that keep hostile input
//! cheap: digits per integer, the exponent, and a per-input budget), and bit
//! sizes.
//!
//! Parsing is near-linear in the text: long digit strings are read divide and
//! conquer (a number of `D` digits costs a few multiplications of `D`-digit
//! numbers instead of `D / 19` multiplications by `10^19`), a decimal's
//! denominator `10^k` is reduced by stripping the factors 2 and 5 it shares
//! with the numerator (no general gcd), and a fraction `p/q` is reduced with
//! the crate's Lehmer gcd ([`super::ratio`]).

use crate::untrusted::show;
use num_bigint::{BigInt, BigUint, Sign};
use num_integer::Integer;
use num_rational::BigRational;
use num_traits::{One, Signed, Zero};

/// The exact rational number used everywhere at the API.
pub type Q = BigRational;

/// Why a number failed to parse (the caller adds line and column). The text
/// is kept as written; messages show it through [`crate::untrusted::show`]
/// (invisible characters escaped, long texts cut).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NumberError {
    /// The text is empty.
    Empty,
    /// The text is not an integer, a fraction `p/q` or a decimal.
    Malformed(String),
    /// A fraction with denominator zero.
    ZeroDenominator(String),
    /// An exponent so large the exact value would not fit in memory.
    ExponentTooLarge(String),
    /// A numerator or denominator of more than [`MAX_DIGITS`] digits (for a
    /// decimal, its significant digits plus its positive exponent).
    TooManyDigits {
        /// The number as written.
        text: String,
        /// How many digits its larger part has.
        digits: usize,
    },
    /// The exact values of one input's numbers would exceed its size budget
    /// (see [`NumberReader`]): a short text with a large exponent, repeated.
    OverBudget {
        /// The number that would exceed the budget.
        text: String,
        /// The budget of the whole input, in bits.
        budget: u64,
    },
}

impl std::fmt::Display for NumberError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            NumberError::Empty => write!(f, "empty number"),
            NumberError::Malformed(s) => write!(
                f,
                "`{}` is not a number (expected an integer, a fraction p/q or a decimal such as -1.25 or 3e-2)",
                show(s)
            ),
            NumberError::ZeroDenominator(s) => write!(f, "`{}` has denominator zero", show(s)),
            NumberError::ExponentTooLarge(s) => write!(
                f,
                "`{}` has an exponent beyond +-{MAX_EXPONENT}, refused",
                show(s)
            ),
            NumberError::TooManyDigits { text, digits } => write!(
                f,
                "`{}` has {digits} digits in its numerator or denominator; numbers are limited \
                 to {MAX_DIGITS} digits in each (the size of 10^{MAX_EXPONENT}), refused",
                show(text)
            ),
            NumberError::OverBudget { text, budget } => write!(
                f,
                "`{}` would take the exact numbers of this input past {budget} bits ({} per \
                 character of text plus {BUDGET_SLACK_BITS}); short numbers with large exponents \
                 are refused beyond that",
                show(text),
                BUDGET_BITS_PER_BYTE
            ),
        }
    }
}

impl std::error::Error for NumberError {}

/// Largest decimal exponent accepted by [`parse_q`] (after moving the decimal
/// point: `0.5e3` has exponent 2); beyond it the exact value would have
/// hundreds of thousands of digits.
pub const MAX_EXPONENT: i64 = 100_000;

/// Most digits accepted in the numerator or the denominator of a number's
/// exact value, estimated from the text before anything is built (leading
/// zeros do not count; a decimal has its significant digits plus its positive
/// exponent, so `1e100000` has 100 001). It is the number of digits of
/// `10^MAX_EXPONENT`, so every value [`parse_q`] accepts is written by
/// [`fmt_q`] as text that [`parse_q`] accepts again. At this size a fraction
/// still parses and reduces in about a second (the gcd is quadratic).
pub const MAX_DIGITS: usize = MAX_EXPONENT as usize + 1;

/// Bits of exact value a [`NumberReader`] allows per byte of input text (a
/// decimal digit carries 3.3 bits, so only exponents come near it).
pub const BUDGET_BITS_PER_BYTE: u64 = 8;

/// Bits a [`NumberReader`] allows on top of [`BUDGET_BITS_PER_BYTE`] per byte:
/// room for fifty numbers as large as `1e100000` in any input.
pub const BUDGET_SLACK_BITS: u64 = 1 << 24;

/// Reads the numbers of one input under a shared size budget, so that the
/// exact values of a text of `N` bytes take at most `8 N + 2^24` bits
/// ([`BUDGET_BITS_PER_BYTE`], [`BUDGET_SLACK_BITS`]) whatever exponents it
/// uses: `1e99999` is 7 characters but 41 KB exact, and without the budget a
/// 720 KB matrix of them would need gigabytes. The size of each number is
/// estimated from its digits and exponent and charged **before** it is built.
///
/// # Examples
/// ```
/// use couplings::exact::{NumberError, NumberReader, q};
/// let mut reader = NumberReader::for_input(1000);
/// assert_eq!(reader.read("-1.25").unwrap(), q(-5, 4));
/// // Fifty numbers near the exponent limit fit; hundreds do not.
/// let over = (0..400).map(|_| reader.read("1e99999")).find(|r| r.is_err());
/// assert!(matches!(over, Some(Err(NumberError::OverBudget { .. }))));
/// ```
#[derive(Debug, Clone)]
pub struct NumberReader {
    budget: u64,
    remaining: u64,
}

impl NumberReader {
    /// A reader for an input of `len` bytes.
    pub fn for_input(len: usize) -> NumberReader {
        let budget = (len as u64)
            .saturating_mul(BUDGET_BITS_PER_BYTE)
            .saturating_add(BUDGET_SLACK_BITS);
        NumberReader {
            budget,
            remaining: budget,
        }
    }

    /// Parses one number (see [`parse_q`]) and charges its size.
    ///
    /// # Errors
    /// As [`parse_q`], and [`NumberError::OverBudget`] when the budget is spent.
    pub fn read(&mut self, text: &str) -> Result<Q, NumberError> {
        parse_with(text, &mut |bits| {
            if bits > self.remaining {
                return Err(NumberError::OverBudget {
                    text: text.trim().to_string(),
                    budget: self.budget,
                });
            }
            self.remaining -= bits;
            Ok(())
        })
    }
}

/// Bits of an integer of `digits` decimal digits (an upper bound: log2(10) < 3.33).
fn digit_bits(digits: u64) -> u64 {
    digits.saturating_mul(333) / 100 + 1
}

/// Parses an exact rational: an integer (`-12`), a fraction (`3/4`, `-6/8`), or a
/// decimal with optional exponent (`-1.25`, `3e-2`, `.5`, `2.`), read exactly (no floats).
/// Each integer part may have up to [`MAX_DIGITS`] digits and the exponent may
/// reach [`MAX_EXPONENT`]; a reader of many numbers from one input should use
/// a [`NumberReader`], which also bounds their total size.
///
/// # Examples
/// ```
/// use couplings::exact::{parse_q, q, NumberError};
/// assert_eq!(parse_q("-1.25").unwrap(), q(-5, 4));
/// assert_eq!(parse_q("3e-2").unwrap(), q(3, 100));
/// assert_eq!(parse_q("6/-8").unwrap(), q(-3, 4));
/// assert!(parse_q("1/0").is_err());
/// assert!(matches!(parse_q("1e99999999"), Err(NumberError::ExponentTooLarge(_))));
/// ```
pub fn parse_q(text: &str) -> Result<Q, NumberError> {
    NumberReader::for_input(text.len()).read(text)
}

/// [`parse_q`], calling `charge` with the estimated size in bits before any
/// big number is built.
fn parse_with(
    text: &str,
    charge: &mut dyn FnMut(u64) -> Result<(), NumberError>,
) -> Result<Q, NumberError> {
    let s = text.trim();
    if s.is_empty() {
        return Err(NumberError::Empty);
    }
    if let Some((p, d)) = s.split_once('/') {
        let bad = || NumberError::Malformed(s.to_string());
        let (pd, dd) = (
            int_digits(p).ok_or_else(bad)?,
            int_digits(d).ok_or_else(bad)?,
        );
        let (pd, dd) = (significant(pd), significant(dd));
        let longest = pd.1.len().max(dd.1.len());
        if longest > MAX_DIGITS {
            return Err(NumberError::TooManyDigits {
                text: s.to_string(),
                digits: longest,
            });
        }
        charge(digit_bits(pd.1.len() as u64) + digit_bits(dd.1.len() as u64))?;
        let num = signed(pd.0, parse_digits(pd.1.as_bytes()));
        let den = signed(dd.0, parse_digits(dd.1.as_bytes()));
        if den.is_zero() {
            return Err(NumberError::ZeroDenominator(s.to_string()));
        }
        return Ok(super::fast::ratio(num, den));
    }
    parse_decimal(s, charge)
}

/// (negative?, digits) of an optionally signed run of ASCII digits.
fn int_digits(s: &str) -> Option<(bool, &str)> {
    let s = s.trim();
    let (negative, digits) = match s.as_bytes().first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    };
    (!digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit())).then_some((negative, digits))
}

/// The digits without leading zeros (`"0"` stays one digit).
fn significant((negative, digits): (bool, &str)) -> (bool, &str) {
    let rest = digits.trim_start_matches('0');
    (negative, if rest.is_empty() { &digits[..1] } else { rest })
}

fn signed(negative: bool, magnitude: BigUint) -> BigInt {
    BigInt::from_biguint(if negative { Sign::Minus } else { Sign::Plus }, magnitude)
}

/// Digit runs up to this length are read directly (quadratic, but small).
const DIRECT_DIGITS: usize = 1024;

/// The value of a run of ASCII decimal digits, divide and conquer above
/// [`DIRECT_DIGITS`]: `value(hi lo) = value(hi) 10^len(lo) + value(lo)` with
/// `len(lo) = 1024 2^k`, so the powers are squares of each other and computed
/// once. The recursion depth is `log2(len / 1024)`.
fn parse_digits(digits: &[u8]) -> BigUint {
    if digits.len() <= DIRECT_DIGITS {
        return BigUint::parse_bytes(digits, 10).unwrap_or_default();
    }
    let mut powers = vec![BigUint::from(10u32).pow(DIRECT_DIGITS as u32)];
    while DIRECT_DIGITS << powers.len() < digits.len() {
        let last = &powers[powers.len() - 1];
        let next = last * last;
        powers.push(next);
    }
    combine(digits, &powers)
}

fn combine(digits: &[u8], powers: &[BigUint]) -> BigUint {
    if digits.len() <= DIRECT_DIGITS {
        return BigUint::parse_bytes(digits, 10).unwrap_or_default();
    }
    // The largest k with 1024 2^k < len: the low part is at least half.
    let mut k = 0;
    while DIRECT_DIGITS << (k + 1) < digits.len() {
        k += 1;
    }
    let (hi, lo) = digits.split_at(digits.len() - (DIRECT_DIGITS << k));
    combine(hi, powers) * &powers[k] + combine(lo, powers)
}

fn parse_decimal(
    s: &str,
    charge: &mut dyn FnMut(u64) -> Result<(), NumberError>,
) -> Result<Q, NumberError> {
    let bad = || NumberError::Malformed(s.to_string());
    let (mantissa, exponent) = match s.find(['e', 'E']) {
        Some(i) => {
            let e = &s[i + 1..];
            let e_digits = e.strip_prefix(['+', '-']).unwrap_or(e);
            if e_digits.is_empty() || !e_digits.bytes().all(|b| b.is_ascii_digit()) {
                return Err(bad());
            }
            let exp: i64 = if e_digits.len() > 12 {
                return Err(NumberError::ExponentTooLarge(s.to_string()));
            } else {
                e.strip_prefix('+')
                    .unwrap_or(e)
                    .parse()
                    .map_err(|_| bad())?
            };
            (&s[..i], exp)
        }
        None => (s, 0),
    };
    let (negative, body) = match mantissa.as_bytes().first() {
        Some(b'-') => (true, &mantissa[1..]),
        Some(b'+') => (false, &mantissa[1..]),
        _ => (false, mantissa),
    };
    let (int_part, frac_part) = match body.split_once('.') {
        Some((a, b)) => (a, b),
        None => (body, ""),
    };
    if int_part.is_empty() && frac_part.is_empty() {
        return Err(bad());
    }
    if !int_part.bytes().all(|b| b.is_ascii_digit())
        || !frac_part.bytes().all(|b| b.is_ascii_digit())
    {
        return Err(bad());
    }
    let total_exp = exponent - frac_part.len() as i64;
    if total_exp.abs() > MAX_EXPONENT {
        return Err(NumberError::ExponentTooLarge(s.to_string()));
    }
    // The significant digits of the mantissa (leading zeros dropped).
    let mut all = Vec::with_capacity(int_part.len() + frac_part.len());
    all.extend(
        int_part
            .bytes()
            .chain(frac_part.bytes())
            .skip_while(|&b| b == b'0'),
    );
    // Digits of the numerator of the exact value (before reduction).
    let value_digits = match all.len() {
        0 => 0,
        d => d + total_exp.max(0) as usize,
    };
    if value_digits > MAX_DIGITS {
        return Err(NumberError::TooManyDigits {
            text: s.to_string(),
            digits: value_digits,
        });
    }
    charge(digit_bits(all.len() as u64 + total_exp.unsigned_abs()))?;
    let magnitude = parse_digits(&all);
    let shift = total_exp.unsigned_abs() as usize;
    if magnitude.is_zero() {
        return Ok(Q::zero());
    }
    if total_exp >= 0 {
        let value = magnitude * BigUint::from(10u32).pow(shift as u32);
        return Ok(Q::from_integer(signed(negative, value)));
    }
    Ok(decimal_ratio(negative, magnitude, shift))
}

/// `m / 10^k` in lowest terms for `m > 0`: the gcd of `m` and `10^k` is
/// `2^a 5^b` with `a = min(k, v2(m))`, `b = min(k, v5(m))`; `a` is the number
/// of trailing zero bits, `b` is found dividing by `5^(2^j)` for decreasing `j`
/// (each power tried once), so no general gcd is needed.
fn decimal_ratio(negative: bool, m: BigUint, k: usize) -> Q {
    let a = (m.trailing_zeros().unwrap_or(0) as usize).min(k);
    let mut num = m >> a;
    let mut b = 0usize;
    if (&num % 5u32).is_zero() {
        let mut powers = vec![BigUint::from(5u32)];
        while (1usize << powers.len()) <= k {
            let last = &powers[powers.len() - 1];
            let next = last * last;
            powers.push(next);
        }
        for j in (0..powers.len()).rev() {
            if b + (1 << j) <= k {
                let (quot, rem) = num.div_rem(&powers[j]);
                if rem.is_zero() {
                    num = quot;
                    b += 1 << j;
                }
            }
        }
    }
    let den = BigUint::from(5u32).pow((k - b) as u32) << (k - a);
    Q::new_raw(signed(negative, num), BigInt::from(den))
}

/// Shorthand for the rational `p/q` from machine integers.
///
/// # Panics
/// Panics if `den == 0`.
///
/// # Examples
/// ```
/// use couplings::exact::q;
/// assert_eq!(q(2, 4), q(1, 2));
/// ```
pub fn q(num: i64, den: i64) -> Q {
    Q::new(BigInt::from(num), BigInt::from(den))
}

/// Shorthand for the integer `n` as a rational.
///
/// # Examples
/// ```
/// use couplings::exact::{qi, q};
/// assert_eq!(qi(3), q(6, 2));
/// ```
pub fn qi(n: i64) -> Q {
    Q::from_integer(BigInt::from(n))
}

/// Bit size of a rational: the larger of the bit lengths of its numerator and
/// denominator (0 for zero). This is the "height" reported for layer entries.
///
/// # Examples
/// ```
/// use couplings::exact::{bits, q};
/// assert_eq!(bits(&q(-5, 4)), 3);
/// assert_eq!(bits(&q(1, 1024)), 11);
/// ```
pub fn bits(x: &Q) -> u64 {
    x.numer().bits().max(x.denom().bits())
}

/// Formats a rational exactly as `p` or `p/q` (the JSON and text convention).
///
/// # Examples
/// ```
/// use couplings::exact::{fmt_q, q};
/// assert_eq!(fmt_q(&q(-3, 4)), "-3/4");
/// assert_eq!(fmt_q(&q(6, 3)), "2");
/// ```
pub fn fmt_q(x: &Q) -> String {
    if x.denom().is_one() {
        x.numer().to_string()
    } else {
        format!("{}/{}", x.numer(), x.denom())
    }
}

/// Sign of a rational as -1, 0 or 1.
pub fn sign(x: &Q) -> i32 {
    if x.is_zero() {
        0
    } else if x.is_positive() {
        1
    } else {
        -1
    }
}

/// Nearest `f64` to a rational (for floating-point analysis only; never used in
/// exact paths). Handles numerators and denominators far beyond `f64` range.
///
/// # Examples
/// ```
/// use couplings::exact::{to_f64, q};
/// assert_eq!(to_f64(&q(1, 4)), 0.25);
/// ```
pub fn to_f64(x: &Q) -> f64 {
    use num_traits::ToPrimitive;
    if let Some(v) = x.to_f64()
        && v.is_finite()
        && v != 0.0
    {
        return v;
    }
    if x.is_zero() {
        return 0.0;
    }
    // Scale both parts down to at most 64 significant bits first.
    let nb = x.numer().bits() as i64;
    let db = x.denom().bits() as i64;
    let ns = (nb - 64).max(0);
    let ds = (db - 64).max(0);
    let n = (x.numer() >> ns as usize).to_f64().unwrap_or(0.0);
    let d = (x.denom() >> ds as usize).to_f64().unwrap_or(1.0);
    let e = ns - ds;
    (n / d) * 2f64.powi(e.clamp(-2000, 2000) as i32)
}

/// Writes a rational as an exact decimal when it has one (denominator of the
/// form `2^a 5^b`), in scientific form `d.ddde-X` or as an integer, else as
/// `p/q`.
///
/// # Examples
/// ```
/// use couplings::exact::{fmt_decimal, q};
/// assert_eq!(fmt_decimal(&q(1, 1_000_000)), "1e-6");
/// assert_eq!(fmt_decimal(&q(103, 1_000_000_000)), "1.03e-7");
/// assert_eq!(fmt_decimal(&q(-5, 2)), "-2.5e0");
/// assert_eq!(fmt_decimal(&q(1, 3)), "1/3");
/// assert_eq!(fmt_decimal(&q(0, 1)), "0");
/// ```
pub fn fmt_decimal(x: &Q) -> String {
    if x.is_zero() {
        return "0".into();
    }
    let d = x.denom();
    let two = d.trailing_zeros().unwrap_or(0);
    let mut rest: BigInt = d >> two;
    let mut five = 0u64;
    let b5 = BigInt::from(5);
    while (&rest % &b5).is_zero() {
        rest /= &b5;
        five += 1;
    }
    if !rest.is_one() {
        return fmt_q(x);
    }
    let k = two.max(five);
    let mut m: BigInt = x.numer() * num_traits::pow(BigInt::from(10), k as usize) / d;
    let mut exp = -(k as i64);
    let ten = BigInt::from(10);
    while (&m % &ten).is_zero() {
        m /= &ten;
        exp += 1;
    }
    let digits = m.abs().to_string();
    let sign = if m.is_negative() { "-" } else { "" };
    let e = exp + digits.len() as i64 - 1;
    if digits.len() == 1 {
        format!("{sign}{digits}e{e}")
    } else {
        format!("{sign}{}.{}e{e}", &digits[..1], &digits[1..])
    }
}

/// The smallest decimal `r = m 10^k` with `digits` significant digits and
/// `r^2 >= x` (checked exactly), for `x >= 0`: an upper bound on `sqrt(x)`
/// that is safe to print. Returns the value and its text (`1.03e-7`).
///
/// # Examples
/// ```
/// use couplings::exact::{sqrt_upper_decimal, q};
/// let (r, text) = sqrt_upper_decimal(&q(2, 1), 3);
/// assert_eq!(text, "1.42e0");
/// assert_eq!(r, q(142, 100));
/// assert_eq!(sqrt_upper_decimal(&q(1, 100), 3).1, "1.00e-1");
/// assert_eq!(sqrt_upper_decimal(&q(0, 1), 3).1, "0");
/// ```
pub fn sqrt_upper_decimal(x: &Q, digits: u32) -> (Q, String) {
    assert!(!x.is_negative(), "square root of a negative number");
    if x.is_zero() {
        return (Q::zero(), "0".into());
    }
    let digits = digits.max(1);
    let estimate = to_f64(x).sqrt();
    let mut e = if estimate.is_finite() && estimate > 0.0 {
        estimate.log10().floor() as i64
    } else {
        0
    };
    let ten = BigInt::from(10);
    let pow10 = |k: i64| -> Q {
        if k >= 0 {
            Q::from_integer(num_traits::pow(ten.clone(), k as usize))
        } else {
            Q::new(BigInt::one(), num_traits::pow(ten.clone(), (-k) as usize))
        }
    };
    let lo_m = num_traits::pow(ten.clone(), digits as usize - 1);
    let hi_m = &lo_m * &ten;
    let unit = |e: i64| pow10(e - i64::from(digits) + 1);
    let start = (estimate / 10f64.powi((e - i64::from(digits) + 1) as i32)).ceil();
    let mut m = if start.is_finite() && start >= 1.0 {
        BigInt::from(start as u64)
    } else {
        lo_m.clone()
    };
    let ok = |m: &BigInt, e: i64| {
        let r = Q::from_integer(m.clone()) * unit(e);
        &r * &r >= *x
    };
    loop {
        if m >= hi_m {
            m = (&m + 9) / &ten;
            e += 1;
            continue;
        }
        if m < lo_m {
            m *= &ten;
            e -= 1;
            continue;
        }
        if !ok(&m, e) {
            m += 1;
            continue;
        }
        // Tighten: step down while the smaller value still bounds.
        let smaller = &m - 1;
        if smaller >= lo_m && ok(&smaller, e) {
            m = smaller;
            continue;
        }
        if m == lo_m && ok(&(&hi_m - 1), e - 1) {
            m = &hi_m - 1;
            e -= 1;
            continue;
        }
        break;
    }
    let value = Q::from_integer(m.clone()) * unit(e);
    let s = m.to_string();
    let text = if s.len() == 1 {
        format!("{s}e{e}")
    } else {
        format!("{}.{}e{e}", &s[..1], &s[1..])
    };
    (value, text)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::construct::rng::Rng;

    fn digits(rng: &mut Rng, len: usize) -> String {
        (0..len)
            .map(|_| char::from(b'0' + rng.range(0, 9) as u8))
            .collect()
    }

    #[test]
    fn divide_and_conquer_agrees_with_schoolbook() {
        let mut rng = Rng::new(17);
        for len in [1, 2, 1023, 1024, 1025, 2047, 2048, 2049, 5000, 20_000] {
            let s = digits(&mut rng, len);
            let want: BigUint = s.parse().unwrap();
            assert_eq!(parse_digits(s.as_bytes()), want, "{len} digits");
        }
        let zeros = "0".repeat(5000) + "7";
        assert_eq!(parse_digits(zeros.as_bytes()), BigUint::from(7u32));
    }

    #[test]
    fn decimals_reduce_like_num_rational() {
        let mut rng = Rng::new(5);
        for t in 0..600 {
            let int = digits(&mut rng, t % 7);
            let frac = digits(&mut rng, (t * 13) % 40);
            let exp = rng.range(-30, 30);
            let text = format!("{}{int}.{frac}e{exp}", if t % 3 == 0 { "-" } else { "" });
            if int.is_empty() && frac.is_empty() {
                continue;
            }
            let total = exp - frac.len() as i64;
            let m: BigInt = format!("{int}{frac}").parse().unwrap();
            let m = if t % 3 == 0 { -m } else { m };
            let ten = BigInt::from(10);
            let want = if total >= 0 {
                Q::from_integer(m * num_traits::pow(ten, total as usize))
            } else {
                Q::new(m, num_traits::pow(ten, (-total) as usize))
            };
            assert_eq!(parse_q(&text).unwrap(), want, "{text}");
        }
        // Powers of 2 and 5 in the numerator, beyond and within the exponent.
        assert_eq!(parse_q("0.0625").unwrap(), q(1, 16));
        assert_eq!(parse_q("3.90625").unwrap(), q(125, 32));
        assert_eq!(parse_q("1.5625e-2").unwrap(), q(1, 64));
        assert_eq!(parse_q("7812500e-5").unwrap(), q(625, 8));
        assert_eq!(parse_q("-0.000").unwrap(), q(0, 1));
    }

    #[test]
    fn fractions_and_limits() {
        assert_eq!(parse_q("-6/8").unwrap(), q(-3, 4));
        assert_eq!(parse_q("+6/-8").unwrap(), q(-3, 4));
        assert!(matches!(
            parse_q("1/0"),
            Err(NumberError::ZeroDenominator(_))
        ));
        let long = "9".repeat(MAX_DIGITS + 1);
        assert!(matches!(
            parse_q(&long),
            Err(NumberError::TooManyDigits { digits, .. }) if digits == MAX_DIGITS + 1
        ));
        assert!(matches!(
            parse_q(&format!("1/{long}")),
            Err(NumberError::TooManyDigits { .. })
        ));
        assert!(matches!(
            parse_q(&format!("{}.5", "1".repeat(MAX_DIGITS))),
            Err(NumberError::TooManyDigits { .. })
        ));
        // The exponent counts: the value of 1234e99998 has 100 002 digits.
        assert!(matches!(
            parse_q("1234e99998"),
            Err(NumberError::TooManyDigits {
                digits: 100_002,
                ..
            })
        ));
        // Leading zeros do not.
        let padded = format!("{}7", "0".repeat(MAX_DIGITS + 5));
        assert_eq!(parse_q(&padded).unwrap(), q(7, 1));
        assert_eq!(parse_q(&format!("{padded}/000{padded}")).unwrap(), q(1, 1));
        assert_eq!(parse_q(&format!("{padded}.0e-3")).unwrap(), q(7, 1000));
        let ok = "9".repeat(MAX_DIGITS);
        assert_eq!(parse_q(&ok).unwrap().numer().to_string(), ok);
        assert!(parse_q("1e100000").is_ok());
        assert!(matches!(
            parse_q("1e100001"),
            Err(NumberError::ExponentTooLarge(_))
        ));
        // The message escapes what a terminal would not show and cuts long text.
        let e = parse_q("2\u{0}").unwrap_err().to_string();
        assert!(e.starts_with("`2\\u{0}` is not a number"), "{e}");
        let e = NumberError::TooManyDigits {
            text: long.clone(),
            digits: long.len(),
        }
        .to_string();
        assert!(e.len() < 300, "{e}");
    }

    #[test]
    fn the_budget_is_shared_and_charged_before_building() {
        let mut reader = NumberReader::for_input(0);
        let mut accepted = 0;
        while reader.read("1e99999").is_ok() {
            accepted += 1;
        }
        assert_eq!(accepted, (BUDGET_SLACK_BITS / digit_bits(99_999)) as usize);
        // Ordinary digits never reach it: 8 bits per byte against 3.33 per digit.
        let text = "123456789 ".repeat(10_000);
        let mut reader = NumberReader::for_input(text.len());
        for token in text.split_whitespace() {
            reader.read(token).unwrap();
        }
    }
}
