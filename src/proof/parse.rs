//! Reading proof files: a recursive-descent parser over the tokens of
//! [`super::lex`] that elaborates every expression straight into normal form
//! ([`Value`]).
//!
//! Definitions are abbreviations: `N := expr` binds the fresh name `N` to the
//! normal form of `expr`, and `F(a, b) := expr` keeps the body's tokens and
//! re-reads them at each use with the parameters bound to the argument values.
//! Names are never rebound (a definition needs a fresh name, bodies may only
//! mention names declared before them, nothing is recursive), so a lemma
//! means exactly its text with every definition written out in full.
//!
//! **Limits.** Parentheses, block-matrix brackets and function calls nest at
//! most [`MAX_NESTING`] deep together (the parser recurses once per level, on
//! a stack sized for it: `super::with_stack`), and all expansion work of a file
//! is charged to one [`Budget`] (letters, terms, re-read definition tokens):
//! a limit is an error at the token that reached it, never a crash.

use super::algebra::{
    Budget, Poly, Symbols, abbreviate, coefficient_ok, first_difference, show_q, show_word,
};
use super::lex::{KEYWORDS, Res, Tk, Token, describe, err_at, lex, tok};
use super::{LemmaResult, Limit, Outcome, ProofError, Reason};
use num_rational::BigRational as Q;
use num_traits::{One, ToPrimitive, Zero};
use std::collections::{HashMap, HashSet};
use std::rc::Rc;

/// Largest exponent accepted in `X^n`.
const MAX_POWER: u32 = 16;

/// Deepest nesting of parentheses, block-matrix brackets and function calls
/// (together) in one expression.
pub const MAX_NESTING: usize = 256;

/// The value of an expression: a multiple of the identity (which fits any
/// size, so `I` and `0` also stand for the 2d x 2d identity and zero), a single
/// d x d block, or a 2 x 2 block matrix (blocks row by row).
#[derive(Clone, Debug)]
pub(crate) enum Value {
    Scalar(Q),
    Block(Poly),
    Mat(Box<[Poly; 4]>),
}

impl Value {
    /// The four blocks (a scalar `c` is `[[c, 0], [0, c]]`); `None` for a block.
    fn into_blocks(self) -> Option<[Poly; 4]> {
        match self {
            Value::Mat(m) => Some(*m),
            Value::Scalar(c) => {
                let (c, z) = (Poly::scalar(c), Poly::default());
                Some([c.clone(), z.clone(), z, c])
            }
            Value::Block(_) => None,
        }
    }

    /// The single block; `None` for a block matrix.
    fn into_poly(self) -> Option<Poly> {
        match self {
            Value::Scalar(c) => Some(Poly::scalar(c)),
            Value::Block(p) => Some(p),
            Value::Mat(_) => None,
        }
    }

    fn scale(self, c: &Q, budget: &mut Budget) -> Result<Value, Reason> {
        Ok(match self {
            Value::Scalar(x) => {
                let y = x * c;
                coefficient_ok(&y)?;
                Value::Scalar(y)
            }
            Value::Block(p) => Value::Block(p.scale(c, budget)?),
            Value::Mat(m) => {
                let [a, b, cc, d] = *m;
                Value::Mat(Box::new([
                    a.scale(c, budget)?,
                    b.scale(c, budget)?,
                    cc.scale(c, budget)?,
                    d.scale(c, budget)?,
                ]))
            }
        })
    }

    /// Work units to copy this value.
    fn weight(&self) -> u64 {
        match self {
            Value::Scalar(_) => 1,
            Value::Block(p) => p.weight(),
            Value::Mat(m) => m.iter().map(Poly::weight).sum(),
        }
    }

    /// The list of blocks to compare: one, or four for a block matrix.
    pub(crate) fn into_block_list(self, as_matrix: bool) -> Option<Vec<Poly>> {
        if as_matrix {
            self.into_blocks().map(|b| b.to_vec())
        } else {
            self.into_poly().map(|p| vec![p])
        }
    }
}

fn mixed(at: &Token) -> ProofError {
    err_at(
        at,
        "a d x d block and a 2x2 block matrix cannot be combined",
    )
}

fn add(a: Value, b: Value, budget: &mut Budget, at: &Token) -> Res<Value> {
    let e = |m: Reason| err_at(at, m);
    Ok(match (a, b) {
        (Value::Scalar(x), Value::Scalar(y)) => Value::Scalar(x + y),
        (Value::Mat(x), y) | (y, Value::Mat(x)) => {
            let y = y.into_blocks().ok_or_else(|| mixed(at))?;
            let [x0, x1, x2, x3] = *x;
            let [y0, y1, y2, y3] = y;
            Value::Mat(Box::new([
                x0.add(y0, budget).map_err(e)?,
                x1.add(y1, budget).map_err(e)?,
                x2.add(y2, budget).map_err(e)?,
                x3.add(y3, budget).map_err(e)?,
            ]))
        }
        (x, y) => Value::Block(
            x.into_poly()
                .unwrap_or_default()
                .add(y.into_poly().unwrap_or_default(), budget)
                .map_err(e)?,
        ),
    })
}

fn mul(a: Value, b: Value, syms: &Symbols, budget: &mut Budget, at: &Token) -> Res<Value> {
    let e = |m: Reason| err_at(at, m);
    Ok(match (a, b) {
        (Value::Scalar(x), v) | (v, Value::Scalar(x)) => v.scale(&x, budget).map_err(e)?,
        (Value::Block(x), Value::Block(y)) => Value::Block(x.mul(&y, syms, budget).map_err(e)?),
        (Value::Mat(x), Value::Mat(y)) => {
            let mut blocks = Vec::with_capacity(4);
            for i in 0..4 {
                let (r, c) = (i / 2, i % 2);
                budget
                    .charge(x[2 * r].weight() + x[2 * r + 1].weight())
                    .map_err(e)?;
                let left = x[2 * r].clone().mul(&y[c], syms, budget).map_err(e)?;
                let right = (x[2 * r + 1].clone())
                    .mul(&y[2 + c], syms, budget)
                    .map_err(e)?;
                blocks.push(left.add(right, budget).map_err(e)?);
            }
            Value::Mat(Box::new(blocks.try_into().expect("four blocks")))
        }
        _ => return Err(mixed(at)),
    })
}

fn inverse(v: Value, syms: &Symbols, budget: &mut Budget, at: &Token) -> Res<Value> {
    let e = |m: Reason| err_at(at, m);
    match v {
        Value::Scalar(x) if x.is_zero() => Err(e("`0^-1`: zero is not invertible".into())),
        Value::Scalar(x) => Ok(Value::Scalar(x.recip())),
        Value::Block(p) => p.inverse(syms).map(Value::Block).map_err(e),
        Value::Mat(m) => {
            let [a, b, c, d] = *m;
            if !b.0.is_empty() && !c.0.is_empty() {
                return Err(e(
                    "`^-1` of a 2x2 block matrix needs a zero off-diagonal block".into(),
                ));
            }
            let (ai, di) = (a.inverse(syms).map_err(e)?, d.inverse(syms).map_err(e)?);
            let minus_one = -Q::one();
            let mut chain = |p: Poly, q: &Poly, r: &Poly| -> Res<Poly> {
                let pq = p.mul(q, syms, budget).map_err(e)?;
                let pqr = pq.mul(r, syms, budget).map_err(e)?;
                pqr.scale(&minus_one, budget).map_err(e)
            };
            let lower = chain(di.clone(), &c, &ai)?;
            let upper = chain(ai.clone(), &b, &di)?;
            Ok(Value::Mat(Box::new([ai, upper, lower, di])))
        }
    }
}

enum Binding {
    Sym(usize),
    Def(Value),
    Func(Rc<Func>),
}

struct Func {
    params: Vec<String>,
    body: Vec<Token>,
}

/// Everything declared so far in a file.
#[derive(Default)]
pub(crate) struct Env {
    pub syms: Symbols,
    /// The file scope, then the scope of the lemma being read (if any).
    scopes: Vec<HashMap<String, Binding>>,
    /// Parameter bindings; only the innermost (the function being expanded) is visible.
    params: Vec<HashMap<String, Value>>,
    lemmas: HashSet<String>,
    /// The work left for this file.
    pub budget: Budget,
    /// Current nesting of parentheses, brackets and calls.
    depth: usize,
}

/// What a name denotes, borrowed from the environment.
enum Found<'e> {
    Sym(usize),
    Def(&'e Value),
    Func(Rc<Func>),
}

impl Env {
    fn lookup(&self, name: &str) -> Option<Found<'_>> {
        if let Some(v) = self.params.last().and_then(|f| f.get(name)) {
            return Some(Found::Def(v));
        }
        Some(match self.scopes.iter().rev().find_map(|s| s.get(name))? {
            Binding::Sym(id) => Found::Sym(*id),
            Binding::Def(v) => Found::Def(v),
            Binding::Func(f) => Found::Func(Rc::clone(f)),
        })
    }

    /// One more level of nesting at `t`, refused beyond [`MAX_NESTING`].
    fn enter(&mut self, t: &Token) -> Res<()> {
        if self.depth >= MAX_NESTING {
            return Err(err_at(
                t,
                Reason::limit(
                    Limit::Nesting,
                    format!(
                        "limit: parentheses, brackets and function calls nest more than \
                         {MAX_NESTING} deep here"
                    ),
                ),
            ));
        }
        self.depth += 1;
        Ok(())
    }

    fn leave(&mut self) {
        self.depth -= 1;
    }

    fn check_fresh(&self, t: &Token, name: &str) -> Res<()> {
        if KEYWORDS.contains(&name) {
            return Err(err_at(t, format!("`{name}` is a reserved word")));
        }
        if self.scopes.iter().any(|s| s.contains_key(name)) {
            let msg = format!("`{name}` is already declared or defined (names are never reused)");
            return Err(err_at(t, msg));
        }
        Ok(())
    }

    fn bind(&mut self, t: &Token, name: &str, b: Binding) -> Res<()> {
        self.check_fresh(t, name)?;
        let scope = self.scopes.last_mut().expect("the file scope");
        scope.insert(name.to_string(), b);
        Ok(())
    }
}

struct Parser<'t> {
    toks: &'t [Token],
    pos: usize,
}

impl<'t> Parser<'t> {
    fn new(toks: &'t [Token]) -> Parser<'t> {
        Parser { toks, pos: 0 }
    }

    fn peek(&self) -> &'t Token {
        &self.toks[self.pos]
    }

    fn next(&mut self) -> &'t Token {
        let t = &self.toks[self.pos];
        if t.tk != Tk::Eof {
            self.pos += 1;
        }
        t
    }

    /// Whether the next token is the punctuation or the name `p`.
    fn is(&self, p: &str) -> bool {
        match &self.peek().tk {
            Tk::P(s) => *s == p,
            Tk::Ident(s) => s == p,
            _ => false,
        }
    }

    fn eat(&mut self, p: &str) -> bool {
        let found = self.is(p);
        if found {
            self.next();
        }
        found
    }

    fn fail<T>(&self, wanted: &str) -> Res<T> {
        let found = describe(&self.peek().tk);
        Err(err_at(
            self.peek(),
            format!("expected {wanted}, found {found}"),
        ))
    }

    fn expect(&mut self, p: &str) -> Res<&'t Token> {
        if self.is(p) {
            Ok(self.next())
        } else {
            self.fail(&format!("`{p}`"))
        }
    }

    fn ident(&mut self, wanted: &str) -> Res<(&'t Token, String)> {
        match &self.peek().tk {
            Tk::Ident(s) => Ok((self.next(), s.clone())),
            _ => self.fail(wanted),
        }
    }

    fn skip_newlines(&mut self) {
        while self.peek().tk == Tk::Newline {
            self.next();
        }
    }

    fn end_statement(&mut self) -> Res<()> {
        match self.peek().tk {
            Tk::Newline | Tk::Eof => {
                self.next(); // a no-op at the end of the file
                Ok(())
            }
            _ if self.is("}") => Ok(()),
            _ => self.fail("the end of the line"),
        }
    }

    /// A declaration or a definition.
    fn item(&mut self, env: &mut Env) -> Res<()> {
        let (t, word) = self.ident("a declaration, a definition or a lemma")?;
        if ["block", "invertible", "diagonal"].contains(&word.as_str()) {
            let diagonal = word == "diagonal";
            let invertible = word == "invertible" || (diagonal && self.is("invertible"));
            if diagonal && invertible {
                self.next();
            }
            loop {
                let (t, name) = self.ident("a symbol name")?;
                env.check_fresh(t, &name)?;
                let id = env.syms.add(&name, diagonal, invertible);
                env.bind(t, &name, Binding::Sym(id))?;
                self.eat(",");
                if !matches!(self.peek().tk, Tk::Ident(_)) {
                    break;
                }
            }
            return self.end_statement();
        }
        if KEYWORDS.contains(&word.as_str()) {
            return Err(err_at(t, format!("unexpected `{word}`")));
        }
        env.check_fresh(t, &word)?;
        let mut params: Vec<String> = Vec::new();
        if self.eat("(") {
            loop {
                let (p, name) = self.ident("a parameter name")?;
                if KEYWORDS.contains(&name.as_str()) || params.contains(&name) {
                    return Err(err_at(
                        p,
                        format!("`{name}` cannot be a parameter name here"),
                    ));
                }
                params.push(name);
                if !self.eat(",") {
                    break;
                }
            }
            self.expect(")")?;
        }
        self.expect(":=")?;
        if params.is_empty() {
            let v = self.expr(env)?;
            env.bind(t, &word, Binding::Def(v))?;
        } else {
            let start = self.pos;
            while !matches!(self.peek().tk, Tk::Newline | Tk::Eof) && !self.is("}") {
                self.next();
            }
            let mut body = self.toks[start..self.pos].to_vec();
            for b in &body {
                if let Tk::Ident(n) = &b.tk
                    && !(params.contains(n) || n == "I" || env.lookup(n).is_some())
                {
                    return Err(err_at(
                        b,
                        format!("`{n}` is not a parameter and not declared before"),
                    ));
                }
            }
            body.push(tok(Tk::Eof, self.peek().line, self.peek().col));
            env.bind(t, &word, Binding::Func(Rc::new(Func { params, body })))?;
        }
        self.end_statement()
    }

    fn lemma(&mut self, env: &mut Env) -> Res<LemmaResult> {
        let kw = self.next();
        let (t, name) = self.ident("the lemma's name")?;
        if !env.lemmas.insert(name.clone()) {
            return Err(err_at(t, format!("lemma `{name}` is stated twice")));
        }
        let sides = if self.eat(":") {
            self.chain(env)?
        } else {
            if !self.eat("{") {
                return self.fail("`:` or `{`");
            }
            env.scopes.push(HashMap::new());
            loop {
                self.skip_newlines();
                if self.is("show") || self.is("}") || self.peek().tk == Tk::Eof {
                    break;
                }
                self.item(env)?;
            }
            if !self.is("show") {
                return self.fail("`show` (a lemma block ends with `show lhs = rhs`)");
            }
            self.next();
            let sides = self.chain(env)?;
            self.end_statement()?;
            self.skip_newlines();
            self.expect("}")?;
            env.scopes.pop();
            sides
        };
        self.end_statement()?;
        let outcome = compare(sides, &env.syms)?;
        let line = kw.line;
        Ok(LemmaResult {
            name,
            line,
            outcome,
        })
    }

    /// `e1 = e2 (= e3 ...)`.
    fn chain(&mut self, env: &mut Env) -> Res<Vec<(Value, &'t Token)>> {
        let mut sides = Vec::new();
        loop {
            let at = self.peek();
            sides.push((self.expr(env)?, at));
            if !self.eat("=") {
                break;
            }
        }
        if sides.len() < 2 {
            return self.fail("`=`");
        }
        Ok(sides)
    }

    fn expr(&mut self, env: &mut Env) -> Res<Value> {
        let negate = self.eat("-");
        if !negate {
            self.eat("+");
        }
        let first = self.peek();
        let mut acc = self.term(env)?;
        if negate {
            acc = (acc.scale(&-Q::one(), &mut env.budget)).map_err(|m| err_at(first, m))?;
        }
        loop {
            let at = self.peek();
            let sign = if self.eat("+") {
                Q::one()
            } else if self.eat("-") {
                -Q::one()
            } else {
                return Ok(acc);
            };
            let t = self.term(env)?;
            let t = t.scale(&sign, &mut env.budget).map_err(|m| err_at(at, m))?;
            acc = add(acc, t, &mut env.budget, at)?;
        }
    }

    fn term(&mut self, env: &mut Env) -> Res<Value> {
        let mut acc = self.power(env)?;
        loop {
            let at = self.peek();
            let juxtaposed = match &at.tk {
                Tk::Ident(s) => !KEYWORDS.contains(&s.as_str()) || s == "I",
                Tk::Num(_) => true,
                _ => self.is("(") || self.is("["),
            };
            if !self.eat("*") && !juxtaposed {
                return Ok(acc);
            }
            let next = self.power(env)?;
            acc = mul(acc, next, &env.syms, &mut env.budget, at)?;
        }
    }

    fn power(&mut self, env: &mut Env) -> Res<Value> {
        let mut v = self.atom(env)?;
        while self.is("^") {
            let at = self.next();
            let invert = self.eat("-");
            let n = match &self.peek().tk {
                Tk::Num(q) if q.is_integer() => match q.to_integer().to_u32() {
                    Some(n @ 1..=MAX_POWER) => Some(n),
                    _ => None,
                },
                _ => None,
            };
            let Some(n) = n else {
                return self.fail(&format!("an exponent from 1 to {MAX_POWER}"));
            };
            self.next();
            if invert {
                v = inverse(v, &env.syms, &mut env.budget, at)?;
            }
            let base = v.clone();
            for _ in 1..n {
                env.budget
                    .charge(base.weight())
                    .map_err(|m| err_at(at, m))?;
                v = mul(v, base.clone(), &env.syms, &mut env.budget, at)?;
            }
        }
        Ok(v)
    }

    fn atom(&mut self, env: &mut Env) -> Res<Value> {
        let t = self.next();
        match &t.tk {
            Tk::Num(q) => Ok(Value::Scalar(q.clone())),
            Tk::Ident(s) if s == "I" => Ok(Value::Scalar(Q::one())),
            Tk::Ident(s) => match env.lookup(s) {
                Some(Found::Sym(id)) => Ok(Value::Block(Poly::letter((id, false), &env.syms))),
                Some(Found::Def(v)) => {
                    // A use copies the definition's value: charged like building it.
                    let (v, w) = (v.clone(), v.weight());
                    env.budget.charge(w).map_err(|m| err_at(t, m))?;
                    Ok(v)
                }
                Some(Found::Func(f)) => {
                    env.enter(t)?;
                    let v = self.call(env, t, &f);
                    env.leave();
                    v
                }
                None => Err(err_at(t, format!("`{s}` is not declared"))),
            },
            Tk::P("(") => {
                env.enter(t)?;
                let v = self.expr(env);
                env.leave();
                let v = v?;
                self.expect(")")?;
                Ok(v)
            }
            Tk::P("[") => {
                env.enter(t)?;
                let v = self.block_matrix(env);
                env.leave();
                v
            }
            _ => {
                self.pos -= usize::from(t.tk != Tk::Eof);
                self.fail("an expression")
            }
        }
    }

    /// The rest of `[[a, b], [c, d]]` after its first `[`.
    fn block_matrix(&mut self, env: &mut Env) -> Res<Value> {
        let mut blocks = Vec::new();
        for row in 0..2 {
            self.expect("[")?;
            for col in 0..2 {
                let at = self.peek();
                blocks.push(self.expr(env)?.into_poly().ok_or_else(|| mixed(at))?);
                self.expect(if col == 0 { "," } else { "]" })?;
            }
            self.expect(if row == 0 { "," } else { "]" })?;
        }
        Ok(Value::Mat(Box::new(
            blocks.try_into().expect("four blocks"),
        )))
    }

    /// Expands `F(args)`: the body is read again with the parameters bound.
    fn call(&mut self, env: &mut Env, name: &Token, f: &Func) -> Res<Value> {
        self.expect("(")?;
        let mut args = vec![self.expr(env)?];
        while self.eat(",") {
            args.push(self.expr(env)?);
        }
        self.expect(")")?;
        if args.len() != f.params.len() {
            let n = f.params.len();
            return Err(err_at(
                name,
                format!("expects {n} arguments, got {}", args.len()),
            ));
        }
        // Every expansion re-reads the body: charged per token, so definitions
        // that double at each level stop at the budget, not after 2^k expansions.
        (env.budget.charge(f.body.len() as u64)).map_err(|m| err_at(name, m))?;
        env.params
            .push(f.params.iter().cloned().zip(args).collect());
        let mut body = Parser::new(&f.body);
        let v = body.expr(env);
        env.params.pop();
        let v = v?;
        if body.peek().tk != Tk::Eof {
            return body.fail("the end of the definition");
        }
        Ok(v)
    }
}

/// Compares every side of a chain with the first, block by block.
fn compare(sides: Vec<(Value, &Token)>, syms: &Symbols) -> Res<Outcome> {
    let as_matrix = sides.iter().any(|(v, _)| matches!(v, Value::Mat(_)));
    let count = sides.len();
    let mut blocks = Vec::new();
    for (v, at) in sides {
        let msg = "this side is a single block but another side is a 2x2 block matrix";
        blocks.push(
            v.into_block_list(as_matrix)
                .ok_or_else(|| err_at(at, msg))?,
        );
    }
    for (k, other) in blocks.iter().enumerate().skip(1) {
        for (b, (x, y)) in blocks[0].iter().zip(other).enumerate() {
            if let Some((w, cx, cy)) = first_difference(x, y) {
                let (l, r) = match count {
                    2 => ("on the left".to_string(), "on the right".to_string()),
                    _ => ("in side 1".to_string(), format!("in side {}", k + 1)),
                };
                let (w, cx, cy) = (abbreviate(&show_word(&w, syms)), show_q(&cx), show_q(&cy));
                let first_difference = format!("{w}: {cx} {l}, {cy} {r}");
                let block = as_matrix.then_some((b / 2 + 1, b % 2 + 1));
                return Ok(Outcome::Failed {
                    block,
                    first_difference,
                });
            }
        }
    }
    Ok(Outcome::Checked)
}

/// Reads a whole file: declarations, definitions and lemmas, in order.
pub(crate) fn run(src: &str) -> Res<(Env, Vec<LemmaResult>)> {
    let toks = lex(src)?;
    let mut env = Env::default();
    env.scopes.push(HashMap::new());
    let mut p = Parser::new(&toks);
    let mut out = Vec::new();
    loop {
        p.skip_newlines();
        if p.peek().tk == Tk::Eof {
            return Ok((env, out));
        }
        if p.is("lemma") {
            out.push(p.lemma(&mut env)?);
        } else {
            p.item(&mut env)?;
        }
    }
}

/// Reads `src` for its declarations and definitions, then the expression `expr`.
pub(crate) fn eval(src: &str, expr: &str) -> Res<(Env, Value)> {
    let (mut env, _) = run(src)?;
    let toks = lex(expr)?;
    let mut p = Parser::new(&toks);
    p.skip_newlines();
    let v = p.expr(&mut env)?;
    p.skip_newlines();
    if p.peek().tk != Tk::Eof {
        return p.fail("the end of the expression");
    }
    Ok((env, v))
}
