//! Tests of the proof kernel: every lemma in `proofs/` checks, false identities
//! are rejected with the expected first differing word, syntax errors carry
//! line and column, and (property test) whatever the normaliser calls equal is
//! equal on random rational 3x3 matrices.

use couplings::exact::{Matrix, Q, q};
use couplings::proof::{
    Outcome, check_file, check_path, check_source, lemma_names, normal_form, proof_files,
    report_line,
};
use proptest::prelude::*;
use std::path::PathBuf;

fn proofs_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("proofs")
}

#[test]
fn every_lemma_in_proofs_checks() {
    let files = proof_files(proofs_dir()).unwrap();
    assert!(
        files.len() >= 3,
        "expected the proof files, found {files:?}"
    );
    let mut failures = Vec::new();
    for file in &files {
        let results = check_file(file).unwrap_or_else(|e| panic!("{e}"));
        assert!(!results.is_empty(), "{} states no lemma", file.display());
        for r in results.iter().filter(|r| !r.is_checked()) {
            failures.push(format!("{}: {}", file.display(), report_line(r)));
        }
    }
    assert!(
        failures.is_empty(),
        "lemmas that do not check:\n{}",
        failures.join("\n")
    );
}

#[test]
fn the_lemmas_of_the_notes_are_all_stated() {
    let names = lemma_names(proofs_dir()).unwrap();
    for wanted in [
        "merge_lower",
        "merge_upper",
        "inverse_lower",
        "inverse_upper",
        "push_diag_lower",
        "push_diag_upper",
        "rotation",
        "block_diag_four",
        "swap_conjugation",
        "two_layer_ul",
        "two_layer_lu",
        "three_layer_ulu",
        "ulu_solution",
        "core_reduce",
        "lul_product",
    ] {
        assert!(
            names.iter().any(|n| n == wanted),
            "lemma {wanted} missing from proofs/"
        );
    }
    let total: usize = check_path(proofs_dir())
        .unwrap()
        .iter()
        .map(|(_, r)| r.len())
        .sum();
    assert_eq!(total, names.len());
}

const PRELUDE: &str = "
block A, A', X, Y
invertible P, R
diagonal invertible D, D'
L(A, D) := [[I, 0], [A, D]]
U(B, E) := [[E, B], [0, I]]
";

/// Checks a single lemma stated after the prelude and returns its outcome.
fn outcome(lemma: &str) -> Outcome {
    let results = check_source(&format!("{PRELUDE}lemma t: {lemma}\n")).unwrap();
    assert_eq!(results.len(), 1);
    results[0].outcome.clone()
}

fn failed(block: Option<(usize, usize)>, word: &str) -> Outcome {
    Outcome::Failed {
        block,
        first_difference: word.to_string(),
    }
}

#[test]
fn general_blocks_do_not_commute() {
    assert_eq!(
        outcome("X Y = Y X"),
        failed(None, "X Y: 1 on the left, 0 on the right")
    );
    assert_eq!(
        outcome("P R = R P"),
        failed(None, "P R: 1 on the left, 0 on the right")
    );
    assert_eq!(
        outcome("P X P^-1 = X"),
        failed(None, "X: 0 on the left, 1 on the right")
    );
}

#[test]
fn diagonals_commute_only_with_diagonals() {
    assert_eq!(
        outcome("D X = X D"),
        failed(None, "X D: 0 on the left, 1 on the right")
    );
    assert_eq!(
        outcome("D P = P D"),
        failed(None, "P D: 0 on the left, 1 on the right")
    );
    assert_eq!(outcome("D D' D^-1 = D'"), Outcome::Checked);
    assert_eq!(
        outcome("D X D^-1 = X"),
        failed(None, "X: 0 on the left, 1 on the right")
    );
}

#[test]
fn inverse_of_a_sum_is_refused() {
    let src = "invertible X, Y\nlemma t: (X + Y)^-1 = X^-1 + Y^-1\n";
    let e = check_source(src).unwrap_err();
    assert_eq!((e.line, e.column), (2, 17));
    assert!(e.message.contains("normalises to X + Y"), "{}", e.message);
    // an inverse of something that merely looks like a sum is fine
    let ok = check_source("invertible X\nlemma t: (X + X)^-1 = 1/2 X^-1\n").unwrap();
    assert!(ok[0].is_checked());
    // and sums of inverses are not inverses of sums
    let src = "invertible X, Y\nlemma t: (X Y)^-1 = X^-1 Y^-1\n";
    assert_eq!(
        check_source(src).unwrap()[0].outcome,
        failed(None, "X^-1 Y^-1: 0 on the left, 1 on the right")
    );
}

#[test]
fn a_sign_error_in_the_rotation_is_rejected() {
    assert_eq!(
        outcome("[[0, I], [-I, 0]] = U(-I, I) L(I, I) U(-I, I)"),
        failed(Some((1, 2)), "I: 1 on the left, -1 on the right")
    );
    assert_eq!(
        outcome("[[0, -I], [I, 0]] = U(-I, I) L(I, I) U(I, I)"),
        failed(Some((2, 2)), "I: 0 on the left, 2 on the right")
    );
}

#[test]
fn a_wrong_merge_is_rejected() {
    // D' A written A D' (the diagonal on the wrong side)
    assert_eq!(
        outcome("L(A', D') L(A, D) = L(A' + A D', D' D)"),
        failed(Some((2, 1)), "A D': 0 on the left, 1 on the right")
    );
    // the layers merged in the wrong order
    assert_eq!(
        outcome("L(A', D') L(A, D) = L(A + D A', D' D)"),
        failed(Some((2, 1)), "A: 0 on the left, 1 on the right")
    );
    // diagonal products commute, so this one is right
    assert_eq!(
        outcome("L(A', D') L(A, D) = L(A' + D' A, D D')"),
        Outcome::Checked
    );
}

#[test]
fn chains_report_the_failing_side() {
    assert_eq!(
        outcome("X = X + 0 = Y"),
        failed(None, "X: 1 in side 1, 0 in side 3")
    );
}

#[test]
fn report_lines() {
    let r = check_source(&format!(
        "{PRELUDE}lemma good: X + X = 2 X\nlemma bad: L(A, D) = L(A, I)\n"
    ))
    .unwrap();
    assert_eq!(report_line(&r[0]), "checked good (line 7)");
    assert_eq!(
        report_line(&r[1]),
        "FAILED  bad (line 8): block (2,2): I: 0 on the left, 1 on the right"
    );
}

/// (source, line, column, part of the message)
const SYNTAX_ERRORS: &[(&str, usize, usize, &str)] = &[
    ("block X\nlemma t: X ! X", 2, 12, "unexpected character `!`"),
    ("block X\nlemma t: (X = X", 2, 13, "expected `)`"),
    ("block X\nlemma t: X + = X", 2, 14, "expected an expression"),
    ("block X\nlemma t: X", 2, 11, "expected `=`"),
    ("block X\n\n  lemma t: X = Z", 3, 16, "`Z` is not declared"),
    ("block X\nX := 2", 2, 1, "already declared"),
    ("block X\nblock X", 2, 7, "already declared"),
    ("block I", 1, 7, "reserved"),
    (
        "block X\nlemma t: X = X\nlemma t: X = X",
        3,
        7,
        "stated twice",
    ),
    ("block X\nF(a) := a Y", 2, 11, "`Y` is not a parameter"),
    (
        "block X\nF(a) := a\nlemma t: F(X, X) = X",
        3,
        10,
        "expects 1 arguments",
    ),
    ("block X\nlemma t {\n  Y := X\n}", 4, 1, "expected `show`"),
    (
        "block X\nlemma t: X^-1 = X",
        2,
        11,
        "not declared invertible",
    ),
    (
        "block X\nlemma t: X^0 = I",
        2,
        12,
        "an exponent from 1 to 16",
    ),
    (
        "block X\nlemma t: [[X, X], [X, X]]^-1 = I",
        2,
        26,
        "zero off-diagonal block",
    ),
    (
        "block X\nlemma t: X = [[X, 0], [0, X]]",
        2,
        10,
        "single block",
    ),
    (
        "block X\nlemma t: X + [[X, 0], [0, X]] = 0",
        2,
        12,
        "cannot be combined",
    ),
    ("block X\nlemma t: [[X, X], [X]] = 0", 2, 21, "expected `,`"),
    ("block X\nlemma t: 1/0 X = X", 2, 10, "denominator zero"),
    (
        "block X\nlemma t: 0^-1 = 0",
        2,
        11,
        "zero is not invertible",
    ),
    ("block X\nlemma t\n", 2, 8, "expected `:` or `{`"),
    (
        "block X\nlemma t: X = X X = X\nshow X = X",
        3,
        1,
        "unexpected `show`",
    ),
    (
        "block X\nlemma t: X = X )",
        2,
        16,
        "expected the end of the line",
    ),
];

#[test]
fn syntax_errors_report_line_and_column() {
    for &(src, line, column, msg) in SYNTAX_ERRORS {
        let e = check_source(src).expect_err(src);
        assert_eq!((e.line, e.column), (line, column), "{src:?}: {e}");
        assert!(e.message.contains(msg), "{src:?}: {e}");
    }
    let dir = std::env::temp_dir().join(format!("couplings-proofs-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("bad.proof");
    std::fs::write(&path, "block X\nlemma t: X = Q\n").unwrap();
    let e = check_file(&path).unwrap_err();
    assert_eq!(e.file.as_deref(), Some(path.as_path()));
    assert_eq!(
        e.to_string(),
        format!("{}:2:14: `Q` is not declared", path.display())
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn the_format_reads_like_the_math() {
    let src = "
# comments run to the end of the line
block A, B
diagonal invertible D, E
L(A, D) := [[I, 0], [A, D]]   # a lower layer
U(B, E) := [[E, B], [0, I]]
M(A, B, D) := L(A, D) U(B, I)   # functions may use earlier functions

lemma long_chain {
  # local declarations and definitions
  invertible Q
  W := Q^-1 A
  V := W D      # definitions may use earlier definitions
  show M(A, B, D) * L(-V, I)
    = [[I, B], [A, A B + D]] L(-Q^-1 A D, I)
    = [[I - B Q^-1 A D, B],
       [A - (A B + D) Q^-1 A D, A B + D]]
}

lemma powers: (A + B)^2 = A^2 + A B + B A + B B
invertible Q'
lemma inverse_of_products: (D Q')^-1 = Q'^-1 D^-1
";
    let results = check_source(src).unwrap();
    assert_eq!(results.len(), 3);
    assert!(results.iter().all(|r| r.is_checked()), "{results:?}");
    // a name defined inside a lemma is not visible after it
    let e = check_source(&format!("{src}\nlemma later: W = W\n")).unwrap_err();
    assert!(e.message.contains("`W` is not declared"), "{e}");
}

#[test]
fn normal_forms_are_printed_in_proof_syntax() {
    let nf = normal_form(
        "block X\ninvertible P\ndiagonal invertible D, E",
        "E P D D^-1 P^-1 X - 1/2 X D E D^-1",
    )
    .unwrap();
    assert_eq!(nf.len(), 1);
    // words are ordered by length, then by declaration order of their letters
    assert_eq!(nf[0].text, "-1/2 X E + E X");
    let nf = normal_form("block A\ndiagonal invertible D", "[[I, 0], [A, D]]^-1").unwrap();
    let texts: Vec<&str> = nf.iter().map(|b| b.text.as_str()).collect();
    assert_eq!(texts, ["I", "0", "-D^-1 A", "D^-1"]);
}

// ---------------------------------------------------------------------------
// Soundness spot-check: random expressions, random rational 3x3 matrices.

/// Symbols of the random expressions: (name, invertible, diagonal).
const SYMS: [(&str, bool, bool); 7] = [
    ("X", false, false),
    ("Y", false, false),
    ("P", true, false),
    ("R", true, false),
    ("D", true, true),
    ("F", true, true),
    ("G", false, true),
];
const DECLS: &str = "block X, Y\ninvertible P, R\ndiagonal invertible D, F\ndiagonal G\n";
const INVERTIBLE: [usize; 4] = [2, 3, 4, 5];

#[derive(Clone, Debug)]
enum E {
    Sym(usize),
    Inv(usize),
    Id,
    Zero,
    Num(i64, i64),
    InvProd(Vec<usize>),
    Neg(Box<E>),
    Add(Box<E>, Box<E>),
    Sub(Box<E>, Box<E>),
    Mul(Box<E>, Box<E>, bool),
}

fn expr() -> impl Strategy<Value = E> {
    expr_sized(4, 24)
}

fn expr_sized(depth: u32, size: u32) -> impl Strategy<Value = E> {
    let inv = prop::sample::select(INVERTIBLE.to_vec());
    let leaf = prop_oneof![
        4 => (0..SYMS.len()).prop_map(E::Sym),
        2 => inv.clone().prop_map(E::Inv),
        1 => Just(E::Id),
        1 => Just(E::Zero),
        1 => (-3i64..=3, 1i64..=3).prop_map(|(a, b)| E::Num(a, b)),
        1 => prop::collection::vec(inv, 1..4).prop_map(E::InvProd),
    ];
    leaf.prop_recursive(depth, size, 2, |inner| {
        prop_oneof![
            1 => inner.clone().prop_map(|a| E::Neg(Box::new(a))),
            2 => (inner.clone(), inner.clone()).prop_map(|(a, b)| E::Add(Box::new(a), Box::new(b))),
            1 => (inner.clone(), inner.clone()).prop_map(|(a, b)| E::Sub(Box::new(a), Box::new(b))),
            4 => (inner.clone(), inner, any::<bool>()).prop_map(|(a, b, s)| E::Mul(Box::new(a), Box::new(b), s)),
        ]
    })
}

fn text(e: &E) -> String {
    match e {
        E::Sym(i) => SYMS[*i].0.to_string(),
        E::Inv(i) => format!("{}^-1", SYMS[*i].0),
        E::Id => "I".into(),
        E::Zero => "0".into(),
        E::Num(a, b) if *a < 0 => format!("(-{}/{b})", -a),
        E::Num(a, b) => format!("{a}/{b}"),
        E::InvProd(v) => {
            format!(
                "({})^-1",
                v.iter().map(|&i| SYMS[i].0).collect::<Vec<_>>().join(" ")
            )
        }
        E::Neg(a) => format!("(-{})", text(a)),
        E::Add(a, b) => format!("({} + {})", text(a), text(b)),
        E::Sub(a, b) => format!("({} - {})", text(a), text(b)),
        E::Mul(a, b, true) => format!("({} * {})", text(a), text(b)),
        E::Mul(a, b, false) => format!("({} {})", text(a), text(b)),
    }
}

/// Concrete values of the symbols.
#[derive(Debug)]
struct Vals(Vec<Matrix>);

fn vals() -> impl Strategy<Value = Vals> {
    let entry = (-4i64..=4, 1i64..=3);
    prop::collection::vec(prop::collection::vec(entry, 9), SYMS.len()).prop_map(|raw| {
        let m = |k: usize| -> Vec<Q> { raw[k].iter().map(|&(a, b)| q(a, b)).collect() };
        let nonzero = |x: Q| if x == q(0, 1) { q(1, 1) } else { x };
        let mut out = Vec::new();
        for (k, &(_, invertible, diagonal)) in SYMS.iter().enumerate() {
            let e = m(k);
            let v = match (invertible, diagonal) {
                (false, false) => Matrix::from_vec(3, 3, e),
                (false, true) => Matrix::from_diagonal(&e[..3]),
                (true, true) => {
                    Matrix::from_diagonal(&e[..3].iter().cloned().map(nonzero).collect::<Vec<_>>())
                }
                (true, false) => {
                    // unit lower times upper with nonzero diagonal: invertible
                    let mut lo = Matrix::identity(3);
                    let mut up = Matrix::zeros(3, 3);
                    for i in 0..3 {
                        for j in 0..3 {
                            if i > j {
                                lo.set(i, j, e[3 * i + j].clone());
                            } else if i == j {
                                up.set(i, j, nonzero(e[3 * i + j].clone()));
                            } else {
                                up.set(i, j, e[3 * i + j].clone());
                            }
                        }
                    }
                    &lo * &up
                }
            };
            out.push(v);
        }
        Vals(out)
    })
}

fn eval(e: &E, v: &Vals) -> Matrix {
    let inv = |i: usize| v.0[i].inverse().expect("invertible by construction");
    match e {
        E::Sym(i) => v.0[*i].clone(),
        E::Inv(i) => inv(*i),
        E::Id => Matrix::identity(3),
        E::Zero => Matrix::zeros(3, 3),
        E::Num(a, b) => Matrix::from_diagonal(&[q(*a, *b), q(*a, *b), q(*a, *b)]),
        E::InvProd(w) => w
            .iter()
            .rev()
            .fold(Matrix::identity(3), |acc, &i| &acc * &inv(i)),
        E::Neg(a) => -&eval(a, v),
        E::Add(a, b) => &eval(a, v) + &eval(b, v),
        E::Sub(a, b) => &eval(a, v) - &eval(b, v),
        E::Mul(a, b, _) => &eval(a, v) * &eval(b, v),
    }
}

/// Evaluates the normal form the kernel computes for `e`.
fn eval_normal_form(e: &E, v: &Vals) -> Matrix {
    let nf = normal_form(DECLS, &text(e)).unwrap();
    assert_eq!(nf.len(), 1);
    eval_terms(&nf[0].terms, v)
}

fn eval_terms(terms: &[couplings::proof::Term], v: &Vals) -> Matrix {
    let index = |name: &str| SYMS.iter().position(|s| s.0 == name).unwrap();
    let mut sum = Matrix::zeros(3, 3);
    for t in terms {
        let mut m = Matrix::from_diagonal(&[t.coeff.clone(), t.coeff.clone(), t.coeff.clone()]);
        for (name, inverted) in &t.word {
            let x = &v.0[index(name)];
            m = &m
                * &if *inverted {
                    x.inverse().unwrap()
                } else {
                    x.clone()
                };
        }
        sum = &sum + &m;
    }
    sum
}

/// Rewrites the `k`-th node (preorder) of `e`; some rewrites are valid
/// identities, others are not (commuting a product, renaming a symbol,
/// conjugating by a diagonal).
fn mutate(e: &E, k: &mut usize, op: usize) -> E {
    let here = *k == 0;
    *k = k.wrapping_sub(1);
    if here {
        let b = |x: &E| Box::new(x.clone());
        return match (op, e) {
            (0, E::Mul(x, y, s)) => E::Mul(y.clone(), x.clone(), *s),
            (0, E::Sym(i)) => E::Sym((i + 1) % SYMS.len()),
            (1, E::Mul(x, y, s)) => match &**y {
                E::Add(u, w) => E::Add(
                    b(&E::Mul(x.clone(), u.clone(), *s)),
                    b(&E::Mul(x.clone(), w.clone(), *s)),
                ),
                _ => E::Mul(
                    b(&E::Mul(x.clone(), y.clone(), *s)),
                    b(&E::Mul(b(&E::Sym(2)), b(&E::Inv(2)), true)),
                    false,
                ),
            },
            (2, _) => E::Mul(b(&E::Mul(b(&E::Sym(4)), b(e), false)), b(&E::Inv(4)), false),
            (3, _) => E::Neg(b(&E::Neg(b(e)))),
            (4, _) => E::Add(b(e), b(&E::Zero)),
            (5, _) => E::Mul(b(e), b(&E::Sym(6)), false),
            (_, x) => E::Mul(b(&E::Id), b(x), true),
        };
    }
    match e {
        E::Neg(a) => E::Neg(Box::new(mutate(a, k, op))),
        E::Add(a, c) => E::Add(Box::new(mutate(a, k, op)), Box::new(mutate(c, k, op))),
        E::Sub(a, c) => E::Sub(Box::new(mutate(a, k, op)), Box::new(mutate(c, k, op))),
        E::Mul(a, c, s) => E::Mul(Box::new(mutate(a, k, op)), Box::new(mutate(c, k, op)), *s),
        x => x.clone(),
    }
}

/// Random 2x2 block-matrix expressions.
#[derive(Clone, Debug)]
enum M {
    Lit(Box<[E; 4]>),
    /// `[[X1, 0], [e, X2]]^-1` for invertible symbols `X1`, `X2`
    InvLower(usize, E, usize),
    /// `[[X1, e], [0, X2]]^-1`
    InvUpper(usize, E, usize),
    Id,
    Num(i64),
    Add(Box<M>, Box<M>),
    Mul(Box<M>, Box<M>),
}

fn mexpr() -> impl Strategy<Value = M> {
    let e = || expr_sized(2, 6);
    let inv = || prop::sample::select(INVERTIBLE.to_vec());
    let leaf = prop_oneof![
        4 => (e(), e(), e(), e()).prop_map(|(a, b, c, d)| M::Lit(Box::new([a, b, c, d]))),
        1 => (inv(), e(), inv()).prop_map(|(i, x, j)| M::InvLower(i, x, j)),
        1 => (inv(), e(), inv()).prop_map(|(i, x, j)| M::InvUpper(i, x, j)),
        1 => Just(M::Id),
        1 => (-2i64..=2).prop_map(M::Num),
    ];
    leaf.prop_recursive(3, 8, 2, |inner| {
        prop_oneof![
            1 => (inner.clone(), inner.clone()).prop_map(|(a, b)| M::Add(Box::new(a), Box::new(b))),
            2 => (inner.clone(), inner).prop_map(|(a, b)| M::Mul(Box::new(a), Box::new(b))),
        ]
    })
}

fn mtext(m: &M) -> String {
    let n = |i: &usize| SYMS[*i].0;
    match m {
        M::Lit(b) => format!(
            "[[{}, {}], [{}, {}]]",
            text(&b[0]),
            text(&b[1]),
            text(&b[2]),
            text(&b[3])
        ),
        M::InvLower(i, x, j) => format!("[[{}, 0], [{}, {}]]^-1", n(i), text(x), n(j)),
        M::InvUpper(i, x, j) => format!("[[{}, {}], [0, {}]]^-1", n(i), text(x), n(j)),
        M::Id => "I".into(),
        M::Num(k) => format!("({k})"),
        M::Add(a, b) => format!("({} + {})", mtext(a), mtext(b)),
        M::Mul(a, b) => format!("({} {})", mtext(a), mtext(b)),
    }
}

fn meval(m: &M, v: &Vals) -> Matrix {
    let z = Matrix::zeros(3, 3);
    match m {
        M::Lit(b) => Matrix::from_blocks(
            &eval(&b[0], v),
            &eval(&b[1], v),
            &eval(&b[2], v),
            &eval(&b[3], v),
        ),
        M::InvLower(i, x, j) => Matrix::from_blocks(&v.0[*i], &z, &eval(x, v), &v.0[*j])
            .inverse()
            .unwrap(),
        M::InvUpper(i, x, j) => Matrix::from_blocks(&v.0[*i], &eval(x, v), &z, &v.0[*j])
            .inverse()
            .unwrap(),
        M::Id => Matrix::identity(6),
        M::Num(k) => Matrix::identity(6).map(|x| x * q(*k, 1)),
        M::Add(a, b) => &meval(a, v) + &meval(b, v),
        M::Mul(a, b) => &meval(a, v) * &meval(b, v),
    }
}

fn size(e: &E) -> usize {
    match e {
        E::Neg(a) => 1 + size(a),
        E::Add(a, b) | E::Sub(a, b) | E::Mul(a, b, _) => 1 + size(a) + size(b),
        _ => 1,
    }
}

fn lemma_outcome(a: &E, b: &E) -> Outcome {
    let r = check_source(&format!("{DECLS}lemma t: {} = {}\n", text(a), text(b))).unwrap();
    r[0].outcome.clone()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// The normal form is equal to the expression on concrete matrices, and
    /// the kernel accepts `e = normal form of e`.
    #[test]
    fn normal_forms_evaluate_like_the_expression(e in expr(), v in vals()) {
        prop_assert_eq!(eval_normal_form(&e, &v), eval(&e, &v), "{}", text(&e));
        let nf = normal_form(DECLS, &text(&e)).unwrap();
        let r = check_source(&format!("{DECLS}lemma t: {} = {}\n", text(&e), nf[0].text)).unwrap();
        prop_assert!(r[0].is_checked(), "{} vs {}", text(&e), nf[0].text);
    }

    /// Whenever the kernel accepts `a = b` (for `b` a random valid or invalid
    /// rewrite of `a`), `a` and `b` agree on random matrices.
    #[test]
    fn accepted_identities_hold_on_matrices(
        a in expr(), node in 0usize..24, op in 0usize..7, v in vals(),
    ) {
        let b = mutate(&a, &mut (node % size(&a)), op);
        let same = eval(&a, &v) == eval(&b, &v);
        let outcome = lemma_outcome(&a, &b);
        prop_assert!(same || outcome != Outcome::Checked, "unsound: {} = {}", text(&a), text(&b));
        // rewrites 1, 3, 4 and 6 are valid identities the kernel must see
        let valid = [1, 3, 4, 6].contains(&op);
        prop_assert!(!valid || outcome == Outcome::Checked, "missed: {} = {}", text(&a), text(&b));
    }

    /// Block matrices: products are taken blockwise, scalars and `I` lift to
    /// 2d x 2d, block-triangular inverses are inverses.
    #[test]
    fn block_matrix_normal_forms_evaluate_like_the_expression(m in mexpr(), v in vals()) {
        let nf = normal_form(DECLS, &mtext(&m)).unwrap();
        let b: Vec<Matrix> = match nf.len() {
            4 => nf.iter().map(|b| eval_terms(&b.terms, &v)).collect(),
            _ => {
                // a scalar expression, such as `(2 + I)`, is a block; lift it
                let c = eval_terms(&nf[0].terms, &v);
                vec![c.clone(), Matrix::zeros(3, 3), Matrix::zeros(3, 3), c]
            }
        };
        prop_assert_eq!(Matrix::from_blocks(&b[0], &b[1], &b[2], &b[3]), meval(&m, &v), "{}", mtext(&m));
    }

    /// The same for unrelated random pairs.
    #[test]
    fn accepted_random_pairs_hold_on_matrices(a in expr(), b in expr(), v in vals()) {
        if lemma_outcome(&a, &b) == Outcome::Checked {
            prop_assert_eq!(eval(&a, &v), eval(&b, &v), "unsound: {} = {}", text(&a), text(&b));
        }
    }
}
