//! Errors of `decompose`: the kind, its payload (kernel vectors that really are in
//! the kernel, exact determinants, dimensions) and the Display text.

mod common;

use common::*;
use couplings::exact::{Matrix, Q, q, qi};
use couplings::{DecomposeError, Mode, Options, decompose, decompose_with};
use num_bigint::BigInt;
use num_traits::{One, Signed, Zero};

/// Asserts that `t` is reported singular with a genuine kernel vector, in both
/// modes; returns the signed-mode error.
fn assert_singular(label: &str, t: &Matrix) -> DecomposeError {
    let mut first = None;
    for mode in [Mode::Signed, Mode::Positive] {
        let err = decompose_with(t, &opts(mode)).expect_err(label);
        let DecomposeError::Singular { kernel } = &err else {
            panic!("{label} ({mode:?}): expected Singular, got {err:?}");
        };
        assert_eq!(
            kernel.len(),
            t.cols(),
            "{label}: kernel has the wrong length"
        );
        assert!(
            kernel.iter().any(|x| !x.is_zero()),
            "{label}: the kernel vector is zero"
        );
        let image = t.mul_vec(kernel);
        assert!(
            image.iter().all(Zero::is_zero),
            "{label}: T * kernel = {image:?} is not zero"
        );
        let text = err.to_string();
        assert!(text.contains("singular"), "{label}: Display `{text}`");
        first.get_or_insert(err);
    }
    first.unwrap()
}

#[test]
fn singular_zero_matrix() {
    for n in [2, 4, 8] {
        let err = assert_singular(&format!("zero {n}x{n}"), &Matrix::zeros(n, n));
        // The Display text shows the vector itself.
        let DecomposeError::Singular { kernel } = &err else {
            unreachable!()
        };
        let text = err.to_string();
        assert!(text.contains("T x = 0"), "{text}");
        let shown = couplings::exact::fmt_q(kernel.iter().find(|x| !x.is_zero()).unwrap());
        assert!(
            text.contains(&shown),
            "`{text}` should show the entry {shown}"
        );
    }
}

#[test]
fn singular_rank_n_minus_one() {
    let mut rng = TestRng::new(7);
    for n in [2, 4, 6, 8, 16] {
        // Last row = combination of the others.
        let mut t = rng.invertible(n, -5, 5);
        for j in 0..n {
            let mut s = Q::zero();
            for i in 0..n - 1 {
                s += t.get(i, j) * qi(i as i64 - 2);
            }
            t.set(n - 1, j, s);
        }
        assert_eq!(t.rank(), n - 1);
        assert_singular(&format!("rank n - 1, n = {n}"), &t);
    }
}

#[test]
fn singular_various_shapes() {
    let mut rng = TestRng::new(8);
    // Rank one.
    let u = rng.int_matrix(6, 1, -4, 4);
    let v = rng.int_matrix(1, 6, 1, 4);
    let t = &u * &v;
    assert_eq!(t.rank(), 1);
    assert_singular("rank one, n = 6", &t);
    // A zero column, a zero row, two equal columns.
    let base = rng.invertible(4, -5, 5);
    let mut zc = base.clone();
    let mut zr = base.clone();
    let mut eq = base.clone();
    for i in 0..4 {
        zc.set(i, 2, qi(0));
        zr.set(2, i, qi(0));
        eq.set(i, 3, base.get(i, 0).clone());
    }
    let err = assert_singular("zero column", &zc);
    // For a zero column e_2 is a kernel vector; whatever vector is returned must work.
    assert!(matches!(err, DecomposeError::Singular { .. }));
    assert_singular("zero row", &zr);
    assert_singular("two equal columns", &eq);
    // Rational entries and huge entries.
    let f = Matrix::from_rows(vec![
        vec![q(1, 3), q(2, 3), q(-5, 7), q(1, 2)],
        vec![q(2, 3), q(4, 3), q(-10, 7), qi(1)],
        vec![qi(3), q(1, 9), qi(0), q(-7, 2)],
        vec![q(5, 11), qi(2), q(1, 13), qi(8)],
    ])
    .unwrap();
    assert_singular("fractions, two proportional rows", &f);
    let big = Q::from_integer(BigInt::one() << 200u32);
    let h = f.map(|x| x * &big);
    assert_singular("fractions times 2^200", &h);
    // Singular although both off-diagonal blocks are invertible (T = [[I, I], [I, I]]).
    let t = Matrix::from_i64(&[&[1, 0, 1, 0], &[0, 1, 0, 1], &[1, 0, 1, 0], &[0, 1, 0, 1]]);
    assert_eq!(t.rank(), 2);
    assert_singular("[[I, I], [I, I]]", &t);
    let t = Matrix::from_i64(&[
        &[1, 2, 3, 4],
        &[5, 6, 7, 8],
        &[9, 10, 11, 12],
        &[13, 14, 15, 16],
    ]);
    assert_eq!(t.rank(), 2);
    assert_singular("1..16", &t);
}

#[test]
fn singular_is_reported_before_the_determinant_sign() {
    // det = 0 is not positive, but the more informative Singular is reported.
    let t = Matrix::from_i64(&[&[1, 2], &[2, 4]]);
    let err = decompose_with(&t, &opts(Mode::Positive)).unwrap_err();
    assert!(matches!(err, DecomposeError::Singular { .. }), "{err:?}");
}

/// Asserts `NonPositiveDeterminant` with exactly `t.det()` (and `expected`).
fn assert_negative_det(label: &str, t: &Matrix, expected: &Q) {
    assert_eq!(&t.det(), expected, "{label}: test setup");
    let err = decompose_with(t, &opts(Mode::Positive)).expect_err(label);
    match &err {
        DecomposeError::NonPositiveDeterminant { det } => assert_eq!(det, expected, "{label}"),
        other => panic!("{label}: expected NonPositiveDeterminant, got {other:?}"),
    }
    let text = err.to_string();
    assert!(text.contains("det"), "{label}: `{text}`");
    assert!(text.contains("positive"), "{label}: `{text}`");
    assert!(
        text.contains(&couplings::exact::fmt_q(expected)),
        "{label}: `{text}` should show the determinant"
    );
    // Signed mode handles the same matrix.
    verify(t, Mode::Signed);
}

#[test]
fn negative_determinant_in_positive_mode() {
    assert_negative_det(
        "[[1, 2], [3, 4]]",
        &Matrix::from_i64(&[&[1, 2], &[3, 4]]),
        &qi(-2),
    );
    assert_negative_det("swap n = 2", &swap_halves(2), &qi(-1));
    assert_negative_det("swap n = 6", &swap_halves(6), &qi(-1));
    assert_negative_det("diag(-1, 1, 1, 1)", &sign_diag(4, 1), &qi(-1));
    assert_negative_det("transposition", &perm_matrix(&[0, 2, 1, 3]), &qi(-1));
    let f = Matrix::from_rows(vec![vec![q(1, 2), qi(0)], vec![qi(0), q(-3, 2)]]).unwrap();
    assert_negative_det("diag(1/2, -3/2)", &f, &q(-3, 4));
    // Random matrices with negative determinant, det taken from the same matrix
    // after negating row 0 (det(flipped) = -det).
    let mut rng = TestRng::new(9);
    for n in [2, 4, 8] {
        let t = rng.invertible(n, -9, 9);
        let t = if t.det().is_positive() {
            negate_row(&t, 0)
        } else {
            t
        };
        let expected = -negate_row(&t, 0).det();
        assert!(expected.is_negative());
        assert_negative_det(&format!("random n = {n}"), &t, &expected);
    }
    // Huge determinant.
    let big = Q::from_integer(BigInt::one() << 150u32);
    let t = Matrix::from_diagonal(&[-big.clone(), qi(1), qi(1), big.clone()]);
    assert_negative_det("diag(-2^150, 1, 1, 2^150)", &t, &-(&big * &big));
}

#[test]
fn not_square() {
    for (r, c) in [(2, 3), (3, 2), (4, 2), (1, 2), (6, 8)] {
        let t = Matrix::zeros(r, c);
        for mode in [Mode::Signed, Mode::Positive] {
            let err = decompose_with(&t, &opts(mode)).unwrap_err();
            assert_eq!(err, DecomposeError::NotSquare { rows: r, cols: c });
            let text = err.to_string();
            assert!(text.contains(&format!("{r}x{c}")), "`{text}`");
            assert!(text.contains("square"), "`{text}`");
        }
    }
}

#[test]
fn empty() {
    for (r, c) in [(0, 0), (0, 3), (3, 0)] {
        let t = Matrix::zeros(r, c);
        let err = decompose(&t).unwrap_err();
        assert_eq!(err, DecomposeError::Empty, "{r}x{c}");
        assert!(err.to_string().contains("empty"), "{err}");
    }
    let err = decompose(&Matrix::from_rows(vec![]).unwrap()).unwrap_err();
    assert_eq!(err, DecomposeError::Empty);
}

#[test]
fn dimension_one_unsupported() {
    // n = 1 has no split with two non-empty parts (odd n >= 3 is supported since
    // issue 8; tests/splits.rs covers it).
    let n = 1;
    for t in [
        Matrix::identity(n),
        Matrix::zeros(n, n),
        minus_identity(n),
        TestRng::new(n as u64).invertible(n, -3, 3),
    ] {
        for mode in [Mode::Signed, Mode::Positive] {
            let err = decompose_with(&t, &opts(mode)).unwrap_err();
            let DecomposeError::UnsupportedSplit { n: got, reason } = &err else {
                panic!("n = {n}: expected UnsupportedSplit, got {err:?}");
            };
            assert_eq!(*got, n);
            assert!(reason.contains("at least 2"), "{reason}");
            let text = err.to_string();
            assert!(text.contains(&format!("dimension {n}")), "`{text}`");
            assert!(text.contains("not supported"), "`{text}`");
        }
    }
    for n in [3, 5] {
        let t = TestRng::new(n as u64).invertible(n, -3, 3);
        let dec = decompose(&t).unwrap();
        assert_eq!(dec.product(), t);
    }
}

#[test]
fn errors_are_std_errors_and_cloneable() {
    let err = decompose(&Matrix::zeros(2, 2)).unwrap_err();
    let boxed: Box<dyn std::error::Error> = Box::new(err.clone());
    assert_eq!(boxed.to_string(), err.to_string());
    assert_eq!(err.clone(), err);
}

#[test]
fn default_options() {
    let o = Options::default();
    assert_eq!(o.mode, Mode::Signed);
    assert_eq!(o.seed, 0x5eed);
}
