//! Hostile proof files (issue 17, class 5): every resource the kernel spends
//! on a file is bounded by a named limit, reached as an error of kind
//! [`ProofErrorKind::Limit`] at a position, never a stack overflow, memory
//! exhaustion or an endless run; and long but reasonable inputs (a product of
//! 200 000 letters, a sum of 50 000 terms, 200 000 blank lines) still check.
//! The fixtures in `tests/hostile_proofs/` are the hand-made cases of the
//! issue; the larger ones are generated here.

use couplings::proof::{
    Limit, MAX_LITERAL_DIGITS, MAX_NESTING, Outcome, ProofError, ProofErrorKind, check_file,
    check_source,
};
use proptest::prelude::*;
use std::path::PathBuf;
use std::process::Command;

const BIN: &str = env!("CARGO_BIN_EXE_couplings");

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/hostile_proofs")
        .join(name)
}

fn fixture_error(name: &str) -> ProofError {
    check_file(fixture(name)).expect_err("the fixture must be refused")
}

fn limit(e: &ProofError) -> Limit {
    match e.kind {
        ProofErrorKind::Limit(l) => l,
        other => panic!("expected a limit, got {other:?}: {e}"),
    }
}

fn parens(depth: usize) -> String {
    format!(
        "block X\nlemma deep: {}X{} = X\n",
        "(".repeat(depth),
        ")".repeat(depth)
    )
}

#[test]
fn nested_parentheses_3000_are_a_nesting_limit_not_a_stack_overflow() {
    let e = fixture_error("nested_parens.proof");
    assert_eq!(limit(&e), Limit::Nesting);
    assert_eq!(e.line, 2);
    assert!(e.message.contains(&MAX_NESTING.to_string()), "{e}");
}

#[test]
fn nesting_up_to_the_limit_checks_and_one_more_is_refused() {
    let ok = check_source(&parens(MAX_NESTING)).unwrap();
    assert_eq!(ok[0].outcome, Outcome::Checked);
    let e = check_source(&parens(MAX_NESTING + 1)).unwrap_err();
    assert_eq!(limit(&e), Limit::Nesting);
}

#[test]
fn nested_block_matrices_are_a_nesting_limit() {
    // [[ [[ ... ]] , 0], [0, I]] nested 3000 deep (ill-typed, but the limit
    // is reached before the type error).
    let depth = 3000;
    let mut s = String::from("block X\nlemma deep: ");
    for _ in 0..depth {
        s += "[[";
    }
    s += "X";
    for _ in 0..depth {
        s += ", 0], [0, I]]";
    }
    s += " = X\n";
    assert_eq!(limit(&check_source(&s).unwrap_err()), Limit::Nesting);
}

#[test]
fn a_chain_of_20000_function_definitions_is_a_nesting_limit() {
    let mut s = String::from("block X\nF0(a) := a\n");
    for k in 1..20_000 {
        s += &format!("F{k}(a) := F{}(a)\n", k - 1);
    }
    s += "lemma chain: F19999(X) = X\n";
    assert_eq!(limit(&check_source(&s).unwrap_err()), Limit::Nesting);
}

#[test]
fn squared_sixteenth_power_of_a_sum_is_a_term_limit() {
    // (A + B)^16 (A + B)^16 would have 2^32 terms.
    let e = fixture_error("power_blowup.proof");
    assert_eq!(limit(&e), Limit::Terms);
    assert_eq!((e.line, e.column), (2, 24));
    assert!(e.message.contains("4294967296 terms"), "{e}");
}

#[test]
fn power_towers_are_a_term_limit() {
    assert_eq!(limit(&fixture_error("power_tower.proof")), Limit::Terms);
}

#[test]
fn doubling_definitions_are_a_term_limit() {
    assert_eq!(limit(&fixture_error("def_doubling.proof")), Limit::Terms);
}

#[test]
fn doubling_words_are_a_word_length_limit() {
    assert_eq!(
        limit(&fixture_error("word_doubling.proof")),
        Limit::WordLetters
    );
}

#[test]
fn doubling_function_calls_run_out_of_work_instead_of_running_forever() {
    // 64 definitions F_k(a) := F_{k-1}(F_{k-1}(a)): 2^63 expansions of a tiny
    // value, so no memory limit would ever stop it.
    assert_eq!(limit(&fixture_error("fn_doubling_time.proof")), Limit::Work);
}

#[test]
fn huge_coefficients_are_a_coefficient_limit() {
    let s = "block X\nlemma big: ((((2^16)^16)^16)^16) X = X\n";
    assert_eq!(limit(&check_source(s).unwrap_err()), Limit::CoefficientBits);
}

#[test]
fn long_number_literals_are_a_literal_limit() {
    let s = format!(
        "block X\nlemma n: {} X = X\n",
        "7".repeat(MAX_LITERAL_DIGITS + 1)
    );
    assert_eq!(limit(&check_source(&s).unwrap_err()), Limit::LiteralDigits);
    let ok = format!(
        "block X\nlemma n: {} X = X\n",
        "7".repeat(MAX_LITERAL_DIGITS)
    );
    assert!(!check_source(&ok).unwrap()[0].is_checked());
}

#[test]
fn a_product_of_200000_letters_checks() {
    let word = "X Y ".repeat(100_000);
    let s = format!("block X, Y\nlemma long: {word}= {word}\n");
    assert!(check_source(&s).unwrap()[0].is_checked());
    // And a difference in the last letter is found.
    let s = format!("block X, Y\nlemma long: {word}= {word}X\n");
    assert!(!check_source(&s).unwrap()[0].is_checked());
}

#[test]
fn a_product_and_its_inverse_cancel_in_one_pass() {
    // (D1 A1 ... Dk Ak)(Ak^-1 Dk^-1 ... A1^-1 D1^-1) = I for k = 3000: the
    // cancellation cascades through the whole word.
    let k = 3000;
    let mut s = String::new();
    let (mut left, mut right) = (Vec::new(), Vec::new());
    for i in 0..k {
        s += &format!("diagonal invertible D{i}\ninvertible A{i}\n");
        left.push(format!("D{i} A{i}"));
        right.push(format!("A{i}^-1 D{i}^-1"));
    }
    right.reverse();
    s += &format!("lemma cancel: {} {} = I\n", left.join(" "), right.join(" "));
    assert!(check_source(&s).unwrap()[0].is_checked());
}

#[test]
fn a_sum_of_50000_terms_checks() {
    let n = 50_000;
    let mut s = String::from("block ");
    s += &(0..n)
        .map(|i| format!("X{i}"))
        .collect::<Vec<_>>()
        .join(", ");
    let fwd: Vec<String> = (0..n).map(|i| format!("X{i}")).collect();
    let rev: Vec<String> = fwd.iter().rev().cloned().collect();
    s += &format!("\nlemma sum: {} = {}\n", fwd.join(" + "), rev.join(" + "));
    assert!(check_source(&s).unwrap()[0].is_checked());
}

#[test]
fn many_blank_lines_after_a_lemma_check() {
    let s = format!("block X\nlemma a: X = X{}", "\n".repeat(200_000));
    assert!(check_source(&s).unwrap()[0].is_checked());
}

#[test]
fn prove_refuses_a_limit_with_exit_2_and_no_crash() {
    let out = Command::new(BIN)
        .arg("prove")
        .arg(fixture("nested_parens.proof"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("limit:"), "{err}");
    assert!(
        !err.contains("panicked") && !err.contains("overflow"),
        "{err}"
    );
}

/// Tokens of proof files, including the unbalanced and the ill-typed.
fn token() -> impl Strategy<Value = &'static str> {
    prop::sample::select(vec![
        "X", "Y", "D", "I", "0", "2", "1/2", "(", ")", "[[", "]]", "[", "]", ",", "+", "-", "*",
        "^", "^-1", "^16", "=", ":=", "F(", "\n", " ",
    ])
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    /// Parentheses nested to any depth: checked up to the limit, a nesting
    /// limit beyond it.
    #[test]
    fn any_nesting_depth_checks_or_is_a_nesting_limit(depth in 0usize..600) {
        match check_source(&parens(depth)) {
            Ok(r) => {
                prop_assert!(depth <= MAX_NESTING);
                prop_assert_eq!(&r[0].outcome, &Outcome::Checked);
            }
            Err(e) => {
                prop_assert!(depth > MAX_NESTING);
                prop_assert_eq!(e.kind, ProofErrorKind::Limit(Limit::Nesting));
            }
        }
    }

    /// Random token soup never panics: the kernel answers or refuses with a
    /// position inside the text.
    #[test]
    fn random_statements_never_crash(tokens in prop::collection::vec(token(), 0..60)) {
        let src = format!(
            "block X, Y\ndiagonal invertible D\nF(a) := a X\nlemma t: {}\n",
            tokens.concat()
        );
        match check_source(&src) {
            Ok(_) => {}
            Err(e) => {
                prop_assert!(e.line >= 1 && e.line <= src.lines().count() + 1, "{}", e);
                prop_assert!(e.kind != ProofErrorKind::Io);
            }
        }
    }
}
