//! Exact numbers: the rational type used at the API, exact parsing of integers,
//! fractions and decimals, and bit sizes.

use num_bigint::BigInt;
use num_rational::BigRational;
use num_traits::{One, Signed, Zero};

/// The exact rational number used everywhere at the API.
pub type Q = BigRational;

/// Why a number failed to parse (the caller adds line and column).
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
}

impl std::fmt::Display for NumberError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            NumberError::Empty => write!(f, "empty number"),
            NumberError::Malformed(s) => write!(
                f,
                "`{s}` is not a number (expected an integer, a fraction p/q or a decimal such as -1.25 or 3e-2)"
            ),
            NumberError::ZeroDenominator(s) => write!(f, "`{s}` has denominator zero"),
            NumberError::ExponentTooLarge(s) => {
                write!(f, "`{s}` has an exponent beyond +-100000, refused")
            }
        }
    }
}

impl std::error::Error for NumberError {}

/// Largest decimal exponent accepted by [`parse_q`]; beyond it the exact value
/// would have hundreds of thousands of digits.
pub const MAX_EXPONENT: i64 = 100_000;

/// Parses an exact rational: an integer (`-12`), a fraction (`3/4`, `-6/8`), or a
/// decimal with optional exponent (`-1.25`, `3e-2`, `.5`, `2.`), read exactly (no floats).
///
/// # Examples
/// ```
/// use couplings::exact::{parse_q, q};
/// assert_eq!(parse_q("-1.25").unwrap(), q(-5, 4));
/// assert_eq!(parse_q("3e-2").unwrap(), q(3, 100));
/// assert_eq!(parse_q("6/-8").unwrap(), q(-3, 4));
/// assert!(parse_q("1/0").is_err());
/// ```
pub fn parse_q(text: &str) -> Result<Q, NumberError> {
    let s = text.trim();
    if s.is_empty() {
        return Err(NumberError::Empty);
    }
    if let Some((p, d)) = s.split_once('/') {
        let num = parse_int(p).ok_or_else(|| NumberError::Malformed(s.to_string()))?;
        let den = parse_int(d).ok_or_else(|| NumberError::Malformed(s.to_string()))?;
        if den.is_zero() {
            return Err(NumberError::ZeroDenominator(s.to_string()));
        }
        return Ok(Q::new(num, den));
    }
    parse_decimal(s)
}

fn parse_int(s: &str) -> Option<BigInt> {
    let s = s.trim();
    let digits = s.strip_prefix(['+', '-']).unwrap_or(s);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.strip_prefix('+').unwrap_or(s).parse().ok()
}

fn parse_decimal(s: &str) -> Result<Q, NumberError> {
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
    let digits = format!("{int_part}{frac_part}");
    let mut num: BigInt = if digits.is_empty() {
        BigInt::zero()
    } else {
        digits.parse().map_err(|_| bad())?
    };
    if negative {
        num = -num;
    }
    let ten = BigInt::from(10u32);
    let value = if total_exp >= 0 {
        Q::from_integer(num * num_traits::pow(ten, total_exp as usize))
    } else {
        Q::new(num, num_traits::pow(ten, (-total_exp) as usize))
    };
    Ok(value)
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
