//! The trusted core of the proof kernel: noncommutative polynomials over the
//! rationals in block symbols, kept in a unique normal form.
//!
//! A [`Poly`] is a finite sum `c1 w1 + c2 w2 + ...` of distinct words `wi` with
//! nonzero rational coefficients. A word is a sequence of letters `X` or `X^-1`
//! (the latter only for symbols declared invertible); the empty word is `I`.
//! Every word is kept reduced by [`reduce`], which applies only these rewrites,
//! each an identity of d x d matrices for every d and every admissible value:
//!
//! * `X X^-1 -> (empty)` and `X^-1 X -> (empty)` for an invertible `X`;
//! * a maximal run of adjacent diagonal letters is replaced by its canonical
//!   form: diagonal matrices commute, so the run equals the product over its
//!   distinct symbols (in declaration order) of `D^k`, `k` the sum of the
//!   run's exponents of `D` (a negative `k` only occurs for invertible `D`,
//!   and `k = 0` drops `D`).
//!
//! Rewriting repeats until nothing changes. The result is the normal form of
//! the free product of a free commutative monoid (the diagonal symbols, with
//! inverses for the invertible ones), infinite cyclic groups (the other
//! invertible symbols) and free monoids (the other symbols): two words are equal
//! in that structure exactly when their reduced forms are equal. `I` is the
//! empty word, `0` the empty sum and scalars are coefficients, so nothing else
//! is needed to compare polynomials.

use num_rational::BigRational as Q;
use num_traits::{One, Zero};
use std::collections::BTreeMap;

/// What a block symbol is known to be.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Sort {
    /// Diagonal (commutes with every other diagonal symbol).
    pub diagonal: bool,
    /// Invertible (may be written `X^-1`).
    pub invertible: bool,
}

/// The declared symbols of a file: names and sorts, indexed by symbol id.
#[derive(Default)]
pub(crate) struct Symbols {
    pub names: Vec<String>,
    pub sorts: Vec<Sort>,
}

impl Symbols {
    /// Declares a new symbol and returns its id.
    pub fn add(&mut self, name: &str, diagonal: bool, invertible: bool) -> usize {
        self.names.push(name.to_string());
        self.sorts.push(Sort {
            diagonal,
            invertible,
        });
        self.names.len() - 1
    }
}

/// A letter: a symbol id, and whether it stands for the inverse of the symbol.
pub(crate) type Letter = (usize, bool);

/// A word, ordered by length first, then letter by letter (declaration order,
/// a symbol before its inverse).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct Word {
    len: usize,
    pub letters: Vec<Letter>,
}

/// Applies the rewrites of the module documentation until none applies.
pub(crate) fn reduce(mut w: Vec<Letter>, syms: &Symbols) -> Word {
    let diag = |l: &Letter| syms.sorts[l.0].diagonal;
    loop {
        let mut out: Vec<Letter> = Vec::with_capacity(w.len());
        let mut i = 0;
        while i < w.len() {
            if diag(&w[i]) {
                let mut exps: BTreeMap<usize, i64> = BTreeMap::new();
                while i < w.len() && diag(&w[i]) {
                    *exps.entry(w[i].0).or_insert(0) += if w[i].1 { -1 } else { 1 };
                    i += 1;
                }
                for (id, k) in exps {
                    out.extend(std::iter::repeat_n((id, k < 0), k.unsigned_abs() as usize));
                }
            } else {
                match out.last() {
                    Some(&(id, inv)) if id == w[i].0 && inv != w[i].1 => {
                        out.pop();
                    }
                    _ => out.push(w[i]),
                }
                i += 1;
            }
        }
        if out == w {
            return Word {
                len: w.len(),
                letters: w,
            };
        }
        w = out;
    }
}

/// A noncommutative polynomial in normal form: distinct reduced words with
/// nonzero coefficients.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub(crate) struct Poly(pub BTreeMap<Word, Q>);

impl Poly {
    /// The constant `c I`.
    pub fn scalar(c: Q) -> Poly {
        Poly::default().plus_term(reduce(vec![], &Symbols::default()), c)
    }

    /// A single letter.
    pub fn letter(l: Letter, syms: &Symbols) -> Poly {
        Poly::default().plus_term(reduce(vec![l], syms), Q::one())
    }

    fn plus_term(mut self, w: Word, c: Q) -> Poly {
        let e = self.0.entry(w.clone()).or_insert_with(Q::zero);
        *e += c;
        if e.is_zero() {
            self.0.remove(&w);
        }
        self
    }

    /// `self + other`.
    pub fn add(&self, other: &Poly) -> Poly {
        (other.0.iter()).fold(self.clone(), |acc, (w, c)| {
            acc.plus_term(w.clone(), c.clone())
        })
    }

    /// `c self`.
    pub fn scale(&self, c: &Q) -> Poly {
        let terms = self.0.iter().map(|(w, x)| (w.clone(), x * c));
        Poly(terms.filter(|(_, x)| !x.is_zero()).collect())
    }

    /// `self other`: every pair of words is concatenated and reduced.
    pub fn mul(&self, other: &Poly, syms: &Symbols) -> Poly {
        let mut acc = Poly::default();
        for (u, a) in &self.0 {
            for (v, b) in &other.0 {
                let w = reduce([&u.letters[..], &v.letters[..]].concat(), syms);
                acc = acc.plus_term(w, a * b);
            }
        }
        acc
    }

    /// The inverse of a single term `c w` whose letters are all invertible:
    /// `c^-1` times the reversed word with every letter inverted. Anything else
    /// (a sum, zero, a non-invertible letter) is refused with a reason.
    pub fn inverse(&self, syms: &Symbols) -> Result<Poly, String> {
        let mut terms = self.0.iter();
        let (Some((w, c)), None) = (terms.next(), terms.next()) else {
            return Err(format!(
                "`^-1` needs a single product of invertible symbols, but this normalises to {}",
                if self.0.is_empty() {
                    "0".to_string()
                } else {
                    self.show(syms)
                }
            ));
        };
        if let Some(&(id, _)) = w.letters.iter().find(|l| !syms.sorts[l.0].invertible) {
            let name = &syms.names[id];
            return Err(format!(
                "`^-1` of a product containing `{name}`, which is not declared invertible"
            ));
        }
        let inv: Vec<Letter> = w.letters.iter().rev().map(|&(id, i)| (id, !i)).collect();
        Ok(Poly::default().plus_term(reduce(inv, syms), c.recip()))
    }

    /// The polynomial in proof-file syntax, e.g. `I - 1/2 D^-1 + X Y`.
    pub fn show(&self, syms: &Symbols) -> String {
        let mut s = String::new();
        for (w, c) in &self.0 {
            let (sign, mag) = if c < &Q::zero() {
                ("-", -c)
            } else {
                ("+", c.clone())
            };
            let word = show_word(w, syms);
            let body = match (mag.is_one(), w.letters.is_empty()) {
                (true, _) => word,
                (false, true) => show_q(&mag),
                (false, false) => format!("{} {word}", show_q(&mag)),
            };
            s += &match (s.is_empty(), sign) {
                (true, "+") => body,
                (true, _) => format!("-{body}"),
                _ => format!(" {sign} {body}"),
            };
        }
        if s.is_empty() { "0".to_string() } else { s }
    }
}

/// A word in proof-file syntax (`I` for the empty word).
pub(crate) fn show_word(w: &Word, syms: &Symbols) -> String {
    if w.letters.is_empty() {
        return "I".to_string();
    }
    let names = w.letters.iter().map(|&(id, inv)| {
        let n = &syms.names[id];
        if inv { format!("{n}^-1") } else { n.clone() }
    });
    names.collect::<Vec<_>>().join(" ")
}

/// A rational as `p` or `p/q`.
pub(crate) fn show_q(c: &Q) -> String {
    if c.denom().is_one() {
        c.numer().to_string()
    } else {
        format!("{}/{}", c.numer(), c.denom())
    }
}

/// The first word (in word order) whose coefficients in `a` and `b` differ,
/// with both coefficients.
pub(crate) fn first_difference(a: &Poly, b: &Poly) -> Option<(Word, Q, Q)> {
    let coeff = |p: &Poly, w: &Word| p.0.get(w).cloned().unwrap_or_else(Q::zero);
    let mut words: Vec<&Word> = a.0.keys().chain(b.0.keys()).collect();
    words.sort();
    let w = words.into_iter().find(|w| coeff(a, w) != coeff(b, w))?;
    Some((w.clone(), coeff(a, w), coeff(b, w)))
}
