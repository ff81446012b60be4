//! Fast exact verification of a finished decomposition (used by
//! `decompose_traced` before anything is returned): the running product is kept
//! as integer rows over one denominator per row, `P_i = N_i / delta_i`, so a
//! layer row costs one small `lcm` per nonzero coefficient, integer multiply-adds,
//! and a content reduction that usually stops after one or two `gcd`s (instead of
//! one big-number `gcd` per entry when every entry is a normalised rational).
//! The final comparison `N_ij = T_ij delta_i` needs no `gcd` at all. This is a
//! construction-side self-check; the independent checker is [`crate::check()`].

use crate::exact::{Matrix, gcd_biguint};
use crate::layer::{Decomposition, Kind};
use num_bigint::{BigInt, Sign};
use num_traits::{One, Zero};
use rayon::prelude::*;

/// One row `N / delta` of the running product.
#[derive(Clone)]
struct Row {
    n: Vec<BigInt>,
    delta: BigInt,
}

fn gcd(a: &BigInt, b: &BigInt) -> BigInt {
    BigInt::from_biguint(Sign::Plus, gcd_biguint(a.magnitude(), b.magnitude()))
}

fn lcm(a: &BigInt, b: &BigInt) -> BigInt {
    if a.is_one() || a == b {
        return b.clone();
    }
    if b.is_one() {
        return a.clone();
    }
    a / gcd(a, b) * b
}

/// Whether the layers of `dec` multiply exactly to `target`.
///
/// # Examples
/// ```
/// use couplings::construct::verify::product_equals;
/// use couplings::{decompose, exact::Matrix};
/// let t = Matrix::from_i64(&[&[2, 1, 0, 3], &[1, 1, 4, 0], &[0, 5, 1, 1], &[1, 0, 2, 1]]);
/// let dec = decompose(&t).unwrap();
/// assert!(product_equals(&dec, &t));
/// assert!(!product_equals(&dec, &Matrix::identity(4)));
/// ```
pub fn product_equals(dec: &Decomposition, target: &Matrix) -> bool {
    let p = dec.split.first;
    let n = dec.split.n();
    if target.rows() != n || target.cols() != n {
        return false;
    }
    let mut rows: Vec<Row> = (0..n)
        .map(|i| Row {
            n: (0..n)
                .map(|j| {
                    if i == j {
                        BigInt::one()
                    } else {
                        BigInt::zero()
                    }
                })
                .collect(),
            delta: BigInt::one(),
        })
        .collect();
    for (index, layer) in dec.layers.iter().enumerate() {
        // (updated row, [(source row, coefficient)]).
        let combos: Vec<(usize, Vec<(usize, &crate::exact::Q)>)> = (0..layer.scale.len())
            .map(|i| {
                let shift = layer.shift.row(i);
                match layer.kind {
                    Kind::Lower => {
                        let mut c: Vec<_> = (0..p)
                            .filter(|&k| !shift[k].is_zero())
                            .map(|k| (k, &shift[k]))
                            .collect();
                        c.push((p + i, &layer.scale[i]));
                        (p + i, c)
                    }
                    Kind::Upper => {
                        let mut c = vec![(i, &layer.scale[i])];
                        c.extend(
                            (0..n - p)
                                .filter(|&k| !shift[k].is_zero())
                                .map(|k| (p + k, &shift[k])),
                        );
                        (i, c)
                    }
                }
            })
            .collect();
        let old = &rows;
        let new_rows: Vec<Row> = combos
            .par_iter()
            .map(|(r, c)| {
                // Trivial row: coefficient 1 on itself only.
                if c.len() == 1 && c[0].0 == *r && c[0].1.is_one() {
                    return old[*r].clone();
                }
                let delta = c.iter().fold(BigInt::one(), |acc, (s, a)| {
                    lcm(&acc, &(a.denom() * &old[*s].delta))
                });
                let factors: Vec<BigInt> = c
                    .iter()
                    .map(|(s, a)| a.numer() * (&delta / (a.denom() * &old[*s].delta)))
                    .collect();
                let mut v: Vec<BigInt> = (0..n)
                    .map(|j| {
                        let mut sum = BigInt::zero();
                        for ((s, _), f) in c.iter().zip(&factors) {
                            let x = &old[*s].n[j];
                            if !x.is_zero() {
                                sum += f * x;
                            }
                        }
                        sum
                    })
                    .collect();
                // Content reduction: g = gcd(delta, all entries).
                let mut g = delta.clone();
                for x in &v {
                    if g.is_one() {
                        break;
                    }
                    if !x.is_zero() {
                        g = gcd(&g, x);
                    }
                }
                if g.is_one() {
                    Row { n: v, delta }
                } else {
                    for x in v.iter_mut() {
                        if !x.is_zero() {
                            *x = &*x / &g;
                        }
                    }
                    Row {
                        n: v,
                        delta: delta / g,
                    }
                }
            })
            .collect();
        for ((r, _), row) in combos.iter().zip(new_rows) {
            rows[*r] = row;
        }
        if crate::progress::enabled() {
            // Where the time goes: the cost of a layer grows with the common
            // denominators of the rows it reads (docs/compact.md, "Against FLINT").
            let den = rows.iter().map(|r| r.delta.bits()).max().unwrap_or(0);
            let num = rows
                .iter()
                .flat_map(|r| r.n.iter().map(BigInt::bits))
                .max()
                .unwrap_or(0);
            crate::progress::stage(&format!(
                "verified layer {} of {} (running product: row denominators up to {den} \
                 bits, numerators up to {num} bits)",
                index + 1,
                dec.layers.len()
            ));
        }
    }
    rows.par_iter().enumerate().all(|(i, row)| {
        (0..n).all(|j| {
            let t = target.get(i, j);
            // N_ij / delta_i == a / b  <=>  N_ij b == a delta_i.
            if t.denom().is_one() {
                row.n[j] == t.numer() * &row.delta
            } else {
                &row.n[j] * t.denom() == t.numer() * &row.delta
            }
        })
    })
}
