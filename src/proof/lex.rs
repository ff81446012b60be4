//! The line-aware lexer of proof files: tokens with their line and column,
//! numbers read exactly, and the rule that joins a statement across line
//! breaks (after an operator, before `+ - * =`, inside brackets).

use super::algebra::show_q;
use super::{Limit, ProofError, Reason};
use num_bigint::BigInt;
use num_rational::BigRational as Q;
use num_traits::Zero;

#[derive(Clone, Debug, PartialEq)]
pub(super) enum Tk {
    Ident(String),
    Num(Q),
    P(&'static str),
    Newline,
    Eof,
}

#[derive(Clone, Debug)]
pub(super) struct Token {
    pub(super) tk: Tk,
    pub(super) line: usize,
    pub(super) col: usize,
}

pub(super) const PUNCT: &str = "()[]{},+-*^=:";
pub(super) const KEYWORDS: [&str; 6] = ["block", "invertible", "diagonal", "lemma", "show", "I"];
/// A line break after one of these tokens, or before one of `JOIN_BEFORE`,
/// continues the statement (so do line breaks inside parentheses and brackets).
pub(super) const JOIN_AFTER: [&str; 9] = ["+", "-", "*", "=", ":=", ":", ",", "^", "{"];
pub(super) const JOIN_BEFORE: [&str; 4] = ["+", "-", "*", "="];
pub(super) type Res<T> = Result<T, ProofError>;

pub(super) fn err(line: usize, column: usize, reason: impl Into<Reason>) -> ProofError {
    let Reason { kind, message } = reason.into();
    ProofError {
        file: None,
        line,
        column,
        message,
        kind,
    }
}

pub(super) fn err_at(t: &Token, message: impl Into<Reason>) -> ProofError {
    err(t.line, t.col, message)
}

pub(super) fn tok(tk: Tk, line: usize, col: usize) -> Token {
    Token { tk, line, col }
}

pub(super) fn lex(src: &str) -> Res<Vec<Token>> {
    let mut raw = Vec::new();
    for (ln, text) in src.lines().enumerate() {
        let cs: Vec<char> = text.chars().collect();
        let mut i = 0;
        while i < cs.len() {
            let (c, start) = (cs[i], i);
            let tk = if c == '#' {
                break;
            } else if c.is_whitespace() {
                i += 1;
                continue;
            } else if c.is_ascii_alphanumeric() || c == '_' {
                let extra = if c.is_ascii_digit() { "/" } else { "_'" };
                let ok = |c: &&char| c.is_ascii_alphanumeric() || extra.contains(**c);
                let word: String = cs[i..].iter().take_while(ok).collect();
                i += word.chars().count();
                match c.is_ascii_digit() {
                    true => Tk::Num(number(&word).map_err(|m| err(ln + 1, start + 1, m))?),
                    false => Tk::Ident(word),
                }
            } else if c == ':' && cs.get(i + 1) == Some(&'=') {
                i += 2;
                Tk::P(":=")
            } else if let Some(k) = PUNCT.find(c) {
                i += 1;
                Tk::P(&PUNCT[k..k + 1])
            } else {
                let shown = if c.is_control() || c.is_whitespace() || !c.is_ascii() {
                    format!("{c:?} (U+{:04X})", u32::from(c))
                } else {
                    format!("`{c}`")
                };
                return Err(err(ln + 1, i + 1, format!("unexpected character {shown}")));
            };
            raw.push(tok(tk, ln + 1, start + 1));
        }
        raw.push(tok(Tk::Newline, ln + 1, cs.len() + 1));
    }
    // For every position, the next token that is not a line break (one
    // backward pass, so runs of blank lines cost linear time).
    let mut next_token = vec![None; raw.len() + 1];
    for k in (0..raw.len()).rev() {
        next_token[k] = if raw[k].tk == Tk::Newline {
            next_token[k + 1]
        } else {
            Some(k)
        };
    }
    let mut out: Vec<Token> = Vec::new();
    let mut depth = 0i64;
    for (k, t) in raw.iter().enumerate() {
        match &t.tk {
            Tk::P("(" | "[") => depth += 1,
            Tk::P(")" | "]") => depth -= 1,
            Tk::Newline => {
                // Blank and comment-only lines end nothing: skip them.
                if out.last().is_none_or(|p| p.tk == Tk::Newline) {
                    continue;
                }
                let after = out
                    .last()
                    .is_some_and(|p| matches!(&p.tk, Tk::P(s) if JOIN_AFTER.contains(s)));
                let next = next_token[k + 1].map(|i| &raw[i]);
                let before =
                    next.is_some_and(|t| matches!(&t.tk, Tk::P(s) if JOIN_BEFORE.contains(s)));
                if depth > 0 || after || before {
                    // A continuation line must be indented, so that a line that
                    // starts at column 1 always starts a statement of its own.
                    if let Some(n) = next.filter(|n| n.col == 1) {
                        return Err(err(
                            n.line,
                            n.col,
                            format!(
                                "this line would continue the statement of line {}, but a \
                                 continuation line must be indented (a line that starts at \
                                 column 1 starts a new statement; docs/proofs.md)",
                                t.line
                            ),
                        ));
                    }
                    continue;
                }
            }
            _ => {}
        }
        out.push(t.clone());
    }
    let (line, col) = raw.last().map_or((1, 1), |t| (t.line, t.col));
    out.push(tok(Tk::Eof, line, col));
    Ok(out)
}

/// Most digits of a number literal's numerator or denominator (proofs use
/// small rationals; the limit keeps parsing and normalising linear).
pub const MAX_LITERAL_DIGITS: usize = 1000;

/// An integer or a fraction `p/q` (no sign: `-` is an operator).
pub(super) fn number(s: &str) -> Result<Q, Reason> {
    let (p, q) = s.split_once('/').unwrap_or((s, "1"));
    if let Some(long) = [p, q].into_iter().find(|t| t.len() > MAX_LITERAL_DIGITS) {
        return Err(Reason::limit(
            Limit::LiteralDigits,
            format!(
                "limit: a number literal with {} digits, more than the limit {MAX_LITERAL_DIGITS}",
                long.len()
            ),
        ));
    }
    let int = |t: &str| {
        t.parse::<BigInt>()
            .ok()
            .filter(|_| t.bytes().all(|b| b.is_ascii_digit()))
    };
    match (int(p), int(q)) {
        (Some(_), Some(d)) if d.is_zero() => Err(format!("`{s}` has denominator zero").into()),
        (Some(n), Some(d)) => Ok(Q::new(n, d)),
        _ => Err(format!("`{s}` is not a number (write an integer or a fraction p/q)").into()),
    }
}

pub(super) fn describe(tk: &Tk) -> String {
    match tk {
        Tk::Ident(s) => format!("`{s}`"),
        Tk::Num(q) => format!("the number `{}`", show_q(q)),
        Tk::P(s) => format!("`{s}`"),
        Tk::Newline => "the end of the line".into(),
        Tk::Eof => "the end of the file".into(),
    }
}
