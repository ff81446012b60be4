//! The trusted core of the proof kernel: noncommutative polynomials over the
//! rationals in block symbols, kept in a unique normal form.
//!
//! A [`Poly`] is a finite sum `c1 w1 + c2 w2 + ...` of distinct words `wi` with
//! nonzero rational coefficients. A word is a sequence of letters `X` or `X^-1`
//! (the latter only for symbols declared invertible); the empty word is `I`.
//! Every word is kept reduced, using only these rewrites, each an identity of
//! d x d matrices for every d and every admissible value:
//!
//! * `X X^-1 -> (empty)` and `X^-1 X -> (empty)` for an invertible `X`;
//! * a maximal run of adjacent diagonal letters is replaced by its canonical
//!   form: diagonal matrices commute, so the run equals the product over its
//!   distinct symbols (in declaration order) of `D^k`, `k` the sum of the
//!   run's exponents of `D` (a negative `k` only occurs for invertible `D`,
//!   and `k = 0` drops `D`).
//!
//! The result is the normal form of the free product of a free commutative
//! monoid (the diagonal symbols, with inverses for the invertible ones),
//! infinite cyclic groups (the other invertible symbols) and free monoids (the
//! other symbols): two words are equal in that structure exactly when their
//! reduced forms are equal. `I` is the empty word, `0` the empty sum and
//! scalars are coefficients, so nothing else is needed to compare polynomials.
//!
//! **How words are stored and reduced.** A reduced word is kept run-length
//! encoded as a stack of [`Piece`]s: a non-diagonal symbol to a nonzero power
//! (`X^3`, `Y^-2`), or a maximal diagonal run as its exponents in declaration
//! order. Appending a letter only looks at the top of the stack: a letter of the
//! top's non-diagonal symbol adds to its power (and removes the piece when the
//! power reaches 0, which exposes the piece below to the next letter), and a
//! diagonal letter adds to the top diagonal run. That applies the same two
//! rewrites as above, in one left-to-right pass; since the rewriting system is
//! confluent, the result is the same normal form as rewriting until nothing
//! changes (checked against that definition on random words by the property
//! test of this module). Appending a word costs its length plus the
//! cancellations, so a product of L letters costs O(L), not O(L^2).
//!
//! **Limits.** Every operation charges a [`Budget`] before it allocates, and
//! refuses (with a message naming the limit) polynomials of more than
//! [`MAX_TERMS`] terms, words of more than [`MAX_WORD_LETTERS`] letters and
//! coefficients of more than [`MAX_COEFF_BITS`] bits.

use super::{Limit, Reason};
use num_rational::BigRational as Q;
use num_traits::{One, Zero};
use std::cmp::Ordering;
use std::collections::BTreeMap;

/// Most terms a polynomial may have (checked before a product is built).
pub const MAX_TERMS: usize = 100_000;
/// Most letters a word may have (`X^16` counts 16).
pub const MAX_WORD_LETTERS: usize = 1_000_000;
/// Most bits of a coefficient's numerator or denominator.
pub const MAX_COEFF_BITS: u64 = 20_000;
/// Work units one proof file may spend: one per letter appended, per term
/// created, per piece or term copied, per 64 coefficient bits, and per token
/// of a function body re-read at a call. Bounds time (well under a minute)
/// and the memory of everything built (a few hundred MB at most).
pub const MAX_WORK: u64 = 10_000_000;

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

/// The work left for one proof file (see [`MAX_WORK`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Budget {
    left: u64,
}

impl Default for Budget {
    fn default() -> Budget {
        Budget { left: MAX_WORK }
    }
}

impl Budget {
    /// Spends `units`, or says that the file needs more work than allowed.
    pub fn charge(&mut self, units: u64) -> Result<(), Reason> {
        match self.left.checked_sub(units) {
            Some(left) => {
                self.left = left;
                Ok(())
            }
            None => {
                self.left = 0;
                Err(Reason::limit(
                    Limit::Work,
                    format!(
                        "limit: this file needs more than {MAX_WORK} units of work (letters, \
                         terms and expanded definition tokens); the expressions are too large \
                         to expand"
                    ),
                ))
            }
        }
    }
}

/// A letter: a symbol id, and whether it stands for the inverse of the symbol.
pub(crate) type Letter = (usize, bool);

/// One element of a reduced word in run-length form.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub(crate) enum Piece {
    /// A non-diagonal symbol to a nonzero power (negative only when invertible).
    Sym(usize, i64),
    /// A maximal run of diagonal letters: (symbol, nonzero exponent), symbols
    /// increasing.
    Diag(Vec<(usize, i64)>),
}

impl Piece {
    /// The piece's letters as (letter, count) chunks, in word order.
    fn chunks(&self) -> impl Iterator<Item = (Letter, u64)> + '_ {
        let (one, run) = match self {
            Piece::Sym(id, e) => (Some((*id, *e)), &[][..]),
            Piece::Diag(run) => (None, &run[..]),
        };
        one.into_iter()
            .chain(run.iter().copied())
            .map(|(id, e)| ((id, e < 0), e.unsigned_abs()))
    }

    fn weight(&self) -> u64 {
        match self {
            Piece::Sym(..) => 1,
            Piece::Diag(run) => run.len() as u64,
        }
    }
}

/// A reduced word. Ordered by length first, then letter by letter
/// (declaration order, a symbol before its inverse), as if written out.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Default)]
pub(crate) struct Word {
    len: usize,
    pieces: Vec<Piece>,
}

impl Ord for Word {
    fn cmp(&self, other: &Word) -> Ordering {
        self.len.cmp(&other.len).then_with(|| {
            let mut a = self.pieces.iter().flat_map(Piece::chunks);
            let mut b = other.pieces.iter().flat_map(Piece::chunks);
            let (mut x, mut y) = (a.next(), b.next());
            loop {
                match (x, y) {
                    (None, None) => return Ordering::Equal,
                    (None, Some(_)) => return Ordering::Less,
                    (Some(_), None) => return Ordering::Greater,
                    (Some((lx, cx)), Some((ly, cy))) => {
                        if lx != ly {
                            return lx.cmp(&ly);
                        }
                        let m = cx.min(cy);
                        x = if cx == m {
                            a.next()
                        } else {
                            Some((lx, cx - m))
                        };
                        y = if cy == m {
                            b.next()
                        } else {
                            Some((ly, cy - m))
                        };
                    }
                }
            }
        })
    }
}

impl PartialOrd for Word {
    fn partial_cmp(&self, other: &Word) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Word {
    /// Number of letters (`X^3` counts 3).
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether this is the empty word `I`.
    pub fn is_empty(&self) -> bool {
        self.pieces.is_empty()
    }

    /// The letters, left to right.
    pub fn letters(&self) -> impl Iterator<Item = Letter> + '_ {
        (self.pieces.iter())
            .flat_map(Piece::chunks)
            .flat_map(|(l, c)| std::iter::repeat_n(l, c as usize))
    }

    /// The symbols that occur, with repetitions (one per piece entry).
    fn symbols(&self) -> impl Iterator<Item = usize> + '_ {
        self.pieces
            .iter()
            .flat_map(|p| p.chunks().map(|((id, _), _)| id))
    }

    /// Storage size in work units.
    fn weight(&self) -> u64 {
        1 + self.pieces.iter().map(Piece::weight).sum::<u64>()
    }

    /// The word of one letter.
    pub fn letter(l: Letter, syms: &Symbols) -> Word {
        let mut w = Word::default();
        w.push(l.0, if l.1 { -1 } else { 1 }, syms);
        w
    }

    /// Appends `X^e` (`e != 0`) and reduces, looking only at the top piece.
    fn push(&mut self, id: usize, e: i64, syms: &Symbols) {
        let before = |k: i64| k.unsigned_abs() as usize;
        if syms.sorts[id].diagonal {
            if let Some(Piece::Diag(run)) = self.pieces.last_mut() {
                match run.binary_search_by_key(&id, |&(s, _)| s) {
                    Ok(i) => {
                        let k = run[i].1;
                        run[i].1 += e;
                        self.len = self.len - before(k) + before(k + e);
                        if run[i].1 == 0 {
                            run.remove(i);
                            if run.is_empty() {
                                self.pieces.pop();
                            }
                        }
                    }
                    Err(i) => {
                        run.insert(i, (id, e));
                        self.len += before(e);
                    }
                }
                return;
            }
            self.pieces.push(Piece::Diag(vec![(id, e)]));
        } else {
            if let Some(Piece::Sym(top, k)) = self.pieces.last_mut()
                && *top == id
            {
                let old = *k;
                *k += e;
                self.len = self.len - before(old) + before(old + e);
                if *k == 0 {
                    self.pieces.pop();
                }
                return;
            }
            self.pieces.push(Piece::Sym(id, e));
        }
        self.len += before(e);
    }

    /// `self other`, reduced: the pieces of `other` appended one letter power
    /// at a time. Returns the work spent (pieces appended).
    fn append(&mut self, other: &Word, syms: &Symbols) -> u64 {
        let mut work = 0;
        for p in &other.pieces {
            match p {
                Piece::Sym(id, e) => self.push(*id, *e, syms),
                Piece::Diag(run) => run.iter().for_each(|&(id, e)| self.push(id, e, syms)),
            }
            work += p.weight();
        }
        work
    }

    /// The inverse word (reversed, every letter inverted); the caller checks
    /// that every letter is invertible. The result is reduced: reversal and
    /// inversion keep pieces maximal and diagonal runs sorted.
    fn inverse(&self) -> Word {
        let pieces = (self.pieces.iter().rev())
            .map(|p| match p {
                Piece::Sym(id, e) => Piece::Sym(*id, -e),
                Piece::Diag(run) => Piece::Diag(run.iter().map(|&(id, e)| (id, -e)).collect()),
            })
            .collect();
        Word {
            len: self.len,
            pieces,
        }
    }
}

/// Reduces a sequence of letters (see the module documentation).
#[cfg(test)]
pub(crate) fn reduce(letters: &[Letter], syms: &Symbols) -> Word {
    let mut w = Word::default();
    for &(id, inv) in letters {
        w.push(id, if inv { -1 } else { 1 }, syms);
    }
    w
}

/// Refuses a coefficient of more than [`MAX_COEFF_BITS`] bits.
pub(crate) fn coefficient_ok(c: &Q) -> Result<(), Reason> {
    let bits = c.numer().bits().max(c.denom().bits());
    if bits > MAX_COEFF_BITS {
        return Err(Reason::limit(
            Limit::CoefficientBits,
            format!(
                "limit: a coefficient would have {bits} bits, more than the limit \
                 {MAX_COEFF_BITS}"
            ),
        ));
    }
    Ok(())
}

fn coefficient_work(c: &Q) -> u64 {
    (c.numer().bits() + c.denom().bits()) / 64
}

/// A noncommutative polynomial in normal form: distinct reduced words with
/// nonzero coefficients.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub(crate) struct Poly(pub BTreeMap<Word, Q>);

impl Poly {
    /// The constant `c I`.
    pub fn scalar(c: Q) -> Poly {
        let mut p = Poly::default();
        p.plus_term(Word::default(), c);
        p
    }

    /// A single letter.
    pub fn letter(l: Letter, syms: &Symbols) -> Poly {
        let mut p = Poly::default();
        p.plus_term(Word::letter(l, syms), Q::one());
        p
    }

    fn plus_term(&mut self, w: Word, c: Q) {
        use std::collections::btree_map::Entry;
        match self.0.entry(w) {
            Entry::Vacant(v) => {
                if !c.is_zero() {
                    v.insert(c);
                }
            }
            Entry::Occupied(mut o) => {
                *o.get_mut() += c;
                if o.get().is_zero() {
                    o.remove();
                }
            }
        }
    }

    /// Work units to store (or copy) this polynomial.
    pub fn weight(&self) -> u64 {
        (self.0.iter())
            .map(|(w, c)| w.weight() + coefficient_work(c))
            .sum()
    }

    /// `self + other`.
    pub fn add(self, other: Poly, budget: &mut Budget) -> Result<Poly, Reason> {
        let (mut big, small) = if self.0.len() >= other.0.len() {
            (self, other)
        } else {
            (other, self)
        };
        budget.charge(small.0.len() as u64)?;
        for (w, c) in small.0 {
            // Only a sum of two coefficients can outgrow the limit.
            if let Some(x) = big.0.get(&w) {
                coefficient_ok(&(x + &c))?;
            }
            big.plus_term(w, c);
        }
        terms_ok(big.0.len())?;
        Ok(big)
    }

    /// `c self`.
    pub fn scale(self, c: &Q, budget: &mut Budget) -> Result<Poly, Reason> {
        if c.is_zero() {
            return Ok(Poly::default());
        }
        if c.is_one() {
            return Ok(self);
        }
        budget.charge(self.0.len() as u64 + coefficient_work(c) * self.0.len() as u64)?;
        let mut out = BTreeMap::new();
        for (w, x) in self.0 {
            let y = x * c;
            coefficient_ok(&y)?;
            out.insert(w, y);
        }
        Ok(Poly(out))
    }

    /// `self other`: every pair of words is concatenated and reduced. The
    /// number of terms and the length of every word are checked against the
    /// limits before anything is built.
    pub fn mul(self, other: &Poly, syms: &Symbols, budget: &mut Budget) -> Result<Poly, Reason> {
        let (a, b) = (self.0.len(), other.0.len());
        if a.saturating_mul(b) > MAX_TERMS {
            return Err(Reason::limit(
                Limit::Terms,
                format!(
                    "limit: a product of polynomials with {a} and {b} terms has up to {} terms, \
                     more than the limit {MAX_TERMS}",
                    a.saturating_mul(b)
                ),
            ));
        }
        let longest = |p: &Poly| p.0.keys().map(Word::len).max().unwrap_or(0);
        let letters = longest(&self).saturating_add(longest(other));
        if letters > MAX_WORD_LETTERS {
            return Err(Reason::limit(
                Limit::WordLetters,
                format!(
                    "limit: a product would build a word of up to {letters} letters, more than \
                     the limit {MAX_WORD_LETTERS}"
                ),
            ));
        }
        let mut acc = Poly::default();
        for (u, x) in self.0 {
            let mut rest = other.0.iter().peekable();
            // The last right factor reuses `u`; the others append to a copy.
            let mut u = Some(u);
            while let Some((v, y)) = rest.next() {
                let mut w = if rest.peek().is_some() {
                    let w = u.clone().expect("kept until the last factor");
                    budget.charge(w.weight())?;
                    w
                } else {
                    u.take().expect("used once")
                };
                budget.charge(w.append(v, syms) + 1)?;
                let c = &x * y;
                coefficient_ok(&c)?;
                budget.charge(coefficient_work(&c))?;
                acc.plus_term(w, c);
            }
        }
        Ok(acc)
    }

    /// The inverse of a single term `c w` whose letters are all invertible:
    /// `c^-1` times the reversed word with every letter inverted. Anything else
    /// (a sum, zero, a non-invertible letter) is refused with a reason.
    pub fn inverse(&self, syms: &Symbols) -> Result<Poly, Reason> {
        let mut terms = self.0.iter();
        let (Some((w, c)), None) = (terms.next(), terms.next()) else {
            return Err(format!(
                "`^-1` needs a single product of invertible symbols, but this normalises to {}",
                if self.0.is_empty() {
                    "0".to_string()
                } else {
                    abbreviate(&self.show(syms))
                }
            )
            .into());
        };
        if let Some(id) = w.symbols().find(|&id| !syms.sorts[id].invertible) {
            let name = &syms.names[id];
            return Err(format!(
                "`^-1` of a product containing `{name}`, which is not declared invertible"
            )
            .into());
        }
        let mut p = Poly::default();
        p.plus_term(w.inverse(), c.recip());
        Ok(p)
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
            let body = match (mag.is_one(), w.is_empty()) {
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

fn terms_ok(n: usize) -> Result<(), Reason> {
    if n > MAX_TERMS {
        return Err(Reason::limit(
            Limit::Terms,
            format!("limit: a polynomial would have {n} terms, more than the limit {MAX_TERMS}"),
        ));
    }
    Ok(())
}

/// At most 200 characters of `s` (for messages quoting a normal form).
pub(crate) fn abbreviate(s: &str) -> String {
    const MAX: usize = 200;
    match s.char_indices().nth(MAX) {
        None => s.to_string(),
        Some((i, _)) => format!("{} ... ({} characters in all)", &s[..i], s.chars().count()),
    }
}

/// A word in proof-file syntax (`I` for the empty word).
pub(crate) fn show_word(w: &Word, syms: &Symbols) -> String {
    if w.is_empty() {
        return "I".to_string();
    }
    let names = w.letters().map(|(id, inv)| {
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

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The normaliser before issue 17, kept as the definition the one-pass
    /// reduction is checked against: apply both rewrites to the whole word,
    /// pass after pass, until nothing changes.
    fn reference_reduce(mut w: Vec<Letter>, syms: &Symbols) -> Vec<Letter> {
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
                return w;
            }
            w = out;
        }
    }

    /// Sorts: (diagonal, invertible) for symbols 0..6; inverses only of
    /// invertible symbols, so the words are well formed.
    fn symbols(sorts: &[(bool, bool)]) -> Symbols {
        let mut s = Symbols::default();
        for (i, &(d, inv)) in sorts.iter().enumerate() {
            s.add(&format!("S{i}"), d, inv);
        }
        s
    }

    fn word_strategy() -> impl Strategy<Value = (Vec<(bool, bool)>, Vec<Letter>, Vec<Letter>)> {
        prop::collection::vec((any::<bool>(), any::<bool>()), 1..6).prop_flat_map(|sorts| {
            let k = sorts.len();
            let sorts2 = sorts.clone();
            let letter = (0..k, any::<bool>()).prop_map(move |(id, inv)| (id, inv && sorts2[id].1));
            let letter2 = letter.clone();
            (
                Just(sorts),
                prop::collection::vec(letter, 0..40),
                prop::collection::vec(letter2, 0..40),
            )
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(3000))]
        /// The one-pass reduction equals the pass-until-fixpoint definition on
        /// random words, also for `u v` built from reduced halves with a mirrored
        /// (inverted) prefix to provoke cascades of cancellations.
        #[test]
        fn one_pass_reduction_matches_the_definition((sorts, u, v) in word_strategy()) {
            let syms = symbols(&sorts);
            let whole: Vec<Letter> = u.iter().chain(&v).copied().collect();
            let expect = reference_reduce(whole.clone(), &syms);
            let got = reduce(&whole, &syms);
            prop_assert_eq!(got.letters().collect::<Vec<_>>(), expect.clone());
            prop_assert_eq!(got.len(), expect.len());
            // Appending a reduced word to a reduced word.
            let mut w = reduce(&u, &syms);
            w.append(&reduce(&v, &syms), &syms);
            prop_assert_eq!(&w, &got);
            // A cascade: u, then u's invertible tail mirrored, then v.
            let tail: Vec<Letter> = u.iter().rev().take_while(|l| sorts[l.0].1)
                .map(|&(id, inv)| (id, !inv)).collect();
            let cascade: Vec<Letter> = u.iter().chain(&tail).chain(&v).copied().collect();
            let mut w = reduce(&u, &syms);
            w.append(&reduce(&tail, &syms), &syms);
            w.append(&reduce(&v, &syms), &syms);
            prop_assert_eq!(w.letters().collect::<Vec<_>>(), reference_reduce(cascade, &syms));
        }

        /// Word order is the order of the written-out letters (length first).
        #[test]
        fn word_order_is_the_letter_order((sorts, u, v) in word_strategy()) {
            let syms = symbols(&sorts);
            let (a, b) = (reduce(&u, &syms), reduce(&v, &syms));
            let (la, lb): (Vec<Letter>, Vec<Letter>) = (a.letters().collect(), b.letters().collect());
            prop_assert_eq!(a.cmp(&b), (la.len(), la).cmp(&(lb.len(), lb)));
        }
    }

    #[test]
    fn nested_cancellation_is_linear() {
        // (D1 A1 ... Dk Ak)(Ak^-1 Dk^-1 ... A1^-1 D1^-1) = I, k = 3000: one pass.
        let mut syms = Symbols::default();
        let k = 3000;
        let mut left = Vec::new();
        for i in 0..k {
            let d = syms.add(&format!("D{i}"), true, true);
            let a = syms.add(&format!("A{i}"), false, true);
            left.push((d, false));
            left.push((a, false));
        }
        let right: Vec<Letter> = left.iter().rev().map(|&(id, inv)| (id, !inv)).collect();
        let mut w = reduce(&left, &syms);
        w.append(&reduce(&right, &syms), &syms);
        assert!(w.is_empty());
    }

    #[test]
    fn limits_are_checked_before_building() {
        let mut syms = Symbols::default();
        let a = syms.add("A", false, false);
        let b = syms.add("B", false, false);
        let mut budget = Budget::default();
        let mut p = Poly::letter((a, false), &syms)
            .add(Poly::letter((b, false), &syms), &mut budget)
            .unwrap();
        let base = p.clone();
        for _ in 1..16 {
            p = p.mul(&base, &syms, &mut budget).unwrap();
        }
        assert_eq!(p.0.len(), 65536);
        let e = p.clone().mul(&p, &syms, &mut budget).unwrap_err();
        assert_eq!(e.kind, super::super::ProofErrorKind::Limit(Limit::Terms));
        assert!(
            e.message
                .starts_with("limit: a product of polynomials with 65536 and 65536 terms"),
            "{e:?}"
        );
        let mut budget = Budget { left: 12 };
        assert!(base.clone().mul(&base, &syms, &mut budget).is_ok());
        assert_eq!(
            base.clone()
                .mul(&base, &syms, &mut budget)
                .unwrap_err()
                .kind,
            super::super::ProofErrorKind::Limit(Limit::Work)
        );
    }
}
