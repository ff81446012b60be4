//! A small Buchberger algorithm over Q with cofactor tracking, for the exact
//! four-layer decision of `couplings depth` at n = 4 (not on the default path
//! of `decompose`). Every basis element carries its cofactors: the polynomials
//! `c_j` with `element = sum_j c_j gen_j`, so an element that proves
//! infeasibility becomes a certificate the re-checker verifies by
//! multiplication alone (`crate::depth::recheck`).
//!
//! Term order: block grevlex (the first block of variables is eliminated
//! first). Pairs are selected by the degree of their lcm, pairs with coprime
//! leading monomials are skipped (Buchberger's first criterion), and so are
//! pairs covered by a third element whose pairs with both are already done
//! (the chain criterion). The work is bounded ([`Limits`]); hitting a bound is
//! an answer of its own, never a guess.

use crate::exact::Q;
use crate::exact::poly::{MAX_VARS, Mono, Poly};
use num_traits::{One, Zero};
use std::cmp::Ordering;
use std::collections::HashSet;

/// Block grevlex: `blocks` lists the sizes of consecutive variable blocks; the
/// first block is compared first (grevlex within a block).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Order {
    /// Sizes of the variable blocks, first block first (their sum is the number of variables).
    pub blocks: Vec<usize>,
}

impl Order {
    /// Compares two monomials.
    pub fn cmp(&self, a: &Mono, b: &Mono) -> Ordering {
        let mut start = 0;
        for &len in &self.blocks {
            let range = start..start + len;
            let da: u32 = range.clone().map(|i| u32::from(a.exponent(i))).sum();
            let db: u32 = range.clone().map(|i| u32::from(b.exponent(i))).sum();
            if da != db {
                return da.cmp(&db);
            }
            // Reverse lexicographic: the last differing variable, smaller exponent wins.
            for i in range.rev() {
                let (x, y) = (a.exponent(i), b.exponent(i));
                if x != y {
                    return y.cmp(&x);
                }
            }
            start += len;
        }
        Ordering::Equal
    }
}

/// Bounds on the work of [`groebner`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// S-pairs reduced.
    pub pairs: usize,
    /// Basis elements.
    pub basis: usize,
    /// Terms of any one polynomial or cofactor.
    pub terms: usize,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            pairs: 3000,
            basis: 400,
            terms: 20_000,
        }
    }
}

/// A basis element with its cofactors.
#[derive(Debug, Clone)]
pub struct Element {
    /// The polynomial.
    pub poly: Poly,
    /// `poly = sum_j cofactors[j] * gens[j]`.
    pub cofactors: Vec<Poly>,
}

/// What [`groebner`] found.
#[derive(Debug, Clone)]
pub enum Outcome {
    /// An element for which `stop` returned true.
    Stopped(Element),
    /// A complete Groebner basis (no element satisfied `stop`).
    Complete(Vec<Element>),
    /// A work bound was hit (the message says which).
    Bound(String),
}

/// Terms sorted by the order, largest first.
type Terms = Vec<(Mono, Q)>;

struct Work<'a> {
    order: &'a Order,
    basis: Vec<(Terms, Vec<Poly>)>,
    limits: Limits,
}

fn to_terms(p: &Poly, order: &Order) -> Terms {
    let mut t: Terms = p.terms().map(|(m, c)| (*m, c.clone())).collect();
    t.sort_by(|a, b| order.cmp(&b.0, &a.0));
    t
}

fn to_poly(t: &Terms) -> Poly {
    Poly::from_terms(t.iter().cloned())
}

/// `a - c m b` (sorted merge).
fn sub_scaled(a: &Terms, c: &Q, m: &Mono, b: &Terms, order: &Order) -> Terms {
    let mut out = Vec::with_capacity(a.len() + b.len());
    let (mut i, mut j) = (0, 0);
    let shifted: Vec<(Mono, Q)> = b.iter().map(|(bm, bc)| (bm.mul(m), -(bc * c))).collect();
    while i < a.len() || j < shifted.len() {
        let ord = if i == a.len() {
            Ordering::Less
        } else if j == shifted.len() {
            Ordering::Greater
        } else {
            order.cmp(&a[i].0, &shifted[j].0)
        };
        match ord {
            Ordering::Greater => {
                out.push(a[i].clone());
                i += 1;
            }
            Ordering::Less => {
                out.push(shifted[j].clone());
                j += 1;
            }
            Ordering::Equal => {
                let s = &a[i].1 + &shifted[j].1;
                if !s.is_zero() {
                    out.push((a[i].0, s));
                }
                i += 1;
                j += 1;
            }
        }
    }
    out
}

impl Work<'_> {
    /// Full reduction of `p` (with cofactors `cof`) by the basis.
    fn reduce(&self, mut p: Terms, mut cof: Vec<Poly>) -> Result<(Terms, Vec<Poly>), String> {
        let mut done: Terms = Vec::new();
        let mut quotients: Vec<Poly> = vec![Poly::zero(); self.basis.len()];
        while let Some((m, c)) = p.first().cloned() {
            let divisor = self.basis.iter().position(|(b, _)| b[0].0.divides(&m));
            match divisor {
                Some(k) => {
                    let (b, _) = &self.basis[k];
                    let q = b[0].0.quotient(&m);
                    let coef = &c / &b[0].1;
                    p = sub_scaled(&p, &coef, &q, b, self.order);
                    quotients[k].add_term(q, coef);
                }
                None => {
                    done.push((m, c));
                    p.remove(0);
                }
            }
            if p.len() + done.len() > self.limits.terms {
                return Err(format!(
                    "a polynomial exceeded {} terms during reduction",
                    self.limits.terms
                ));
            }
        }
        for (k, q) in quotients.iter().enumerate() {
            if q.is_zero() {
                continue;
            }
            for (j, c) in self.basis[k].1.iter().enumerate() {
                cof[j] = &cof[j] - &(q * c);
            }
        }
        if cof.iter().any(|c| c.len() > self.limits.terms) {
            return Err(format!("a cofactor exceeded {} terms", self.limits.terms));
        }
        Ok((done, cof))
    }
}

/// Computes a Groebner basis of `gens` (all in at most [`MAX_VARS`] variables)
/// for `order`, stopping as soon as an element satisfies `stop`.
///
/// # Examples
/// ```
/// use couplings::construct::short::groebner::{Limits, Order, Outcome, groebner};
/// use couplings::exact::{poly::Poly, qi};
/// // x y - 1 and x: the ideal is the whole ring (1 = -(x y - 1) + y x).
/// let (x, y) = (Poly::var(0), Poly::var(1));
/// let gens = vec![&(&x * &y) - &Poly::constant(qi(1)), x.clone()];
/// let out = groebner(&gens, &Order { blocks: vec![2] }, Limits::default(), |p| p == &Poly::constant(qi(1)));
/// let Outcome::Stopped(e) = out else { panic!() };
/// let sum = gens.iter().zip(&e.cofactors).fold(Poly::zero(), |acc, (g, c)| &acc + &(g * c));
/// assert_eq!(sum, e.poly);
/// ```
pub fn groebner(
    gens: &[Poly],
    order: &Order,
    limits: Limits,
    stop: impl Fn(&Poly) -> bool,
) -> Outcome {
    assert!(order.blocks.iter().sum::<usize>() <= MAX_VARS);
    let r = gens.len();
    let mut w = Work {
        order,
        basis: Vec::new(),
        limits,
    };
    let mut pairs: Vec<(usize, usize)> = Vec::new();
    let mut done_pairs: HashSet<(usize, usize)> = HashSet::new();
    // Queue of polynomials to add: the generators first.
    let mut todo: Vec<(Terms, Vec<Poly>)> = gens
        .iter()
        .enumerate()
        .map(|(j, g)| {
            let mut cof = vec![Poly::zero(); r];
            cof[j] = Poly::constant(Q::one());
            (to_terms(g, order), cof)
        })
        .collect();
    todo.reverse();
    let mut reduced_pairs = 0usize;
    loop {
        // Add pending polynomials (reduced by the basis).
        while let Some((p, cof)) = todo.pop() {
            let (p, cof) = match w.reduce(p, cof) {
                Ok(x) => x,
                Err(e) => return Outcome::Bound(e),
            };
            if p.is_empty() {
                continue;
            }
            // Monic.
            let lc_inv = p[0].1.recip();
            let p: Terms = p.into_iter().map(|(m, c)| (m, c * &lc_inv)).collect();
            let cof: Vec<Poly> = cof.iter().map(|c| c.scale(&lc_inv)).collect();
            let element = Element {
                poly: to_poly(&p),
                cofactors: cof.clone(),
            };
            if stop(&element.poly) {
                return Outcome::Stopped(element);
            }
            let k = w.basis.len();
            if k >= limits.basis {
                return Outcome::Bound(format!("the basis exceeded {} elements", limits.basis));
            }
            w.basis.push((p, cof));
            for i in 0..k {
                pairs.push((i, k));
            }
        }
        // Select the pair with the smallest lcm (degree, then order).
        let lcm = |(i, j): (usize, usize)| w.basis[i].0[0].0.lcm(&w.basis[j].0[0].0);
        let Some(best) = (0..pairs.len()).min_by(|&a, &b| {
            let (la, lb) = (lcm(pairs[a]), lcm(pairs[b]));
            la.degree()
                .cmp(&lb.degree())
                .then_with(|| order.cmp(&la, &lb))
        }) else {
            break;
        };
        let (i, j) = pairs.swap_remove(best);
        done_pairs.insert((i, j));
        let (mi, mj) = (w.basis[i].0[0].0, w.basis[j].0[0].0);
        if mi.coprime(&mj) {
            continue;
        }
        let l = mi.lcm(&mj);
        // Chain criterion.
        let covered = (0..w.basis.len()).any(|k| {
            k != i
                && k != j
                && w.basis[k].0[0].0.divides(&l)
                && done_pairs.contains(&(i.min(k), i.max(k)))
                && done_pairs.contains(&(j.min(k), j.max(k)))
        });
        if covered {
            continue;
        }
        reduced_pairs += 1;
        if reduced_pairs > limits.pairs {
            return Outcome::Bound(format!("more than {} S-pairs", limits.pairs));
        }
        let (pi, ci) = &w.basis[i];
        let (pj, cj) = &w.basis[j];
        let (qi_, qj) = (mi.quotient(&l), mj.quotient(&l));
        // Both monic: S = qi * f_i - qj * f_j.
        let zero: Terms = Vec::new();
        let s = sub_scaled(
            &sub_scaled(&zero, &-Q::one(), &qi_, pi, order),
            &Q::one(),
            &qj,
            pj,
            order,
        );
        let (ti, tj) = (Poly::term(qi_, Q::one()), Poly::term(qj, Q::one()));
        let cof: Vec<Poly> = ci
            .iter()
            .zip(cj)
            .map(|(a, b)| &(&ti * a) - &(&tj * b))
            .collect();
        todo.push((s, cof));
    }
    Outcome::Complete(
        w.basis
            .into_iter()
            .map(|(p, cof)| Element {
                poly: to_poly(&p),
                cofactors: cof,
            })
            .collect(),
    )
}
