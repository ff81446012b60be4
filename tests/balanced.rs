//! Properties of the balanced strategy (`Strategy::Balanced`): exact (checker and
//! exact product) on random, rational, sparse, permutation and block-degenerate
//! inputs (vanishing leading minors need the preconditioner), `O(log n)` layers,
//! entries within `4 x` the bits of the inverse, and typed refusals for positive
//! mode and unequal splits. Proptest and quickcheck.

use couplings::construct::{Construction, DecomposeError, Strategy as Build, decompose_traced};
use couplings::exact::{Matrix, Q, q, qi};
use couplings::families::permutation_matrix as perm_matrix;
use couplings::families::random_integer as random_matrix;
use couplings::{Decomposition, Mode, Options, Split, check};
use num_traits::Zero;
use proptest::prelude::*;
use quickcheck::{Arbitrary, Gen, QuickCheck};

fn balanced(seed: u64) -> Options {
    Options {
        strategy: Build::Balanced,
        seed,
        ..Options::default()
    }
}

/// Layer-count bound: `12 ceil(log2 d) + 12` (see `docs/performance.md`).
fn layer_bound(n: usize) -> usize {
    let d = n / 2;
    let h = usize::BITS - (d.max(1) - 1).leading_zeros();
    12 * h as usize + 12
}

/// Decomposes with the balanced strategy and checks everything; returns the result.
fn verify(t: &Matrix, seed: u64) -> Result<Decomposition, String> {
    let (dec, trace) = decompose_traced(t, &balanced(seed)).map_err(|e| e.to_string())?;
    check(t, &dec).map_err(|e| format!("checker: {e}"))?;
    if dec.product() != *t {
        return Err("product differs".into());
    }
    if dec.split != Split::halves(t.rows()) {
        return Err("wrong split".into());
    }
    if dec.len() > layer_bound(t.rows()) {
        return Err(format!(
            "{} layers > bound {} ({})",
            dec.len(),
            layer_bound(t.rows()),
            trace.construction
        ));
    }
    Ok(dec)
}

fn from_entries(n: usize, e: &[i64]) -> Matrix {
    Matrix::from_vec(n, n, e.iter().map(|&x| qi(x)).collect())
}

const NS: &[usize] = &[2, 4, 6, 8, 10, 12, 14, 16];

fn dense() -> impl Strategy<Value = Matrix> {
    prop::sample::select(NS).prop_flat_map(|n| {
        prop::collection::vec(-9i64..=9, n * n).prop_map(move |e| from_entries(n, &e))
    })
}

fn rational() -> impl Strategy<Value = Matrix> {
    prop::sample::select(NS).prop_flat_map(|n| {
        prop::collection::vec((-5i64..=5, 1i64..=6), n * n).prop_map(move |e| {
            Matrix::from_vec(n, n, e.into_iter().map(|(a, b)| q(a, b)).collect())
        })
    })
}

fn permutations() -> impl Strategy<Value = Matrix> {
    prop::sample::select(NS).prop_flat_map(|n| {
        Just((0..n).collect::<Vec<usize>>())
            .prop_shuffle()
            .prop_map(|p| perm_matrix(&p))
    })
}

/// Sparse: ~85% zeros plus a signed permutation pattern (so mostly invertible,
/// with many vanishing leading minors).
fn sparse() -> impl Strategy<Value = Matrix> {
    prop::sample::select(NS).prop_flat_map(|n| {
        (
            prop::collection::vec(prop_oneof![17 => Just(0i64), 3 => -5i64..=5], n * n),
            Just((0..n).collect::<Vec<usize>>()).prop_shuffle(),
        )
            .prop_map(move |(e, p)| {
                let mut t = from_entries(n, &e);
                for (j, &i) in p.iter().enumerate() {
                    let v = t.get(i, j) + qi(2);
                    t.set(i, j, v);
                }
                t
            })
    })
}

/// Degenerate blocks: zero or rank-deficient diagonal blocks (pivoting needed).
fn degenerate() -> impl Strategy<Value = Matrix> {
    prop::sample::select(NS).prop_flat_map(|n| {
        (prop::collection::vec(-4i64..=4, n * n), 0usize..3).prop_map(move |(e, shape)| {
            let d = n / 2;
            let mut t = from_entries(n, &e);
            match shape {
                0 => {
                    for i in 0..d {
                        for j in 0..d {
                            t.set(i, j, Q::zero());
                            t.set(d + i, d + j, Q::zero());
                        }
                    }
                }
                1 => {
                    // Top-left block: last row = first row.
                    for j in 0..d {
                        let v = t.get(0, j).clone();
                        t.set(d - 1, j, v);
                    }
                }
                _ => t.set(0, 0, Q::zero()),
            }
            t
        })
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn prop_exact_on_every_family(
        t in prop_oneof![dense(), rational(), permutations(), sparse(), degenerate()],
        seed in any::<u64>(),
    ) {
        prop_assume!(!t.det().is_zero());
        verify(&t, seed).map_err(TestCaseError::fail)?;
    }
}

/// A quickcheck input: a random invertible matrix of even size `<= 16` from
/// one of the families above (built from the quickcheck generator).
#[derive(Debug, Clone)]
struct Input(Matrix);

impl Arbitrary for Input {
    fn arbitrary(g: &mut Gen) -> Input {
        let n = 2 * (1 + usize::arbitrary(g) % 8);
        let family = u8::arbitrary(g) % 3;
        let mut e: Vec<i64> = (0..n * n)
            .map(|_| i64::from(i8::arbitrary(g) % 6))
            .collect();
        if family == 1 {
            // Mostly zeros.
            for x in e.iter_mut() {
                if u8::arbitrary(g) % 4 != 0 {
                    *x = 0;
                }
            }
        }
        let mut t = from_entries(n, &e);
        if family == 2 {
            // A permutation, then a shear on a few entries.
            let mut p: Vec<usize> = (0..n).collect();
            for i in (1..n).rev() {
                p.swap(i, usize::arbitrary(g) % (i + 1));
            }
            t = perm_matrix(&p);
        }
        Input(t)
    }
}

#[test]
fn quickcheck_exact() {
    fn prop(input: Input, seed: u64) -> quickcheck::TestResult {
        let t = input.0;
        if t.det().is_zero() {
            return quickcheck::TestResult::discard();
        }
        match verify(&t, seed) {
            Ok(_) => quickcheck::TestResult::passed(),
            Err(e) => quickcheck::TestResult::error(e),
        }
    }
    QuickCheck::new()
        .tests(64)
        .quickcheck(prop as fn(Input, u64) -> quickcheck::TestResult);
}

#[test]
fn bits_within_four_times_the_inverse() {
    for (n, seed) in [(8, 1), (16, 2), (24, 3), (32, 4), (48, 5)] {
        let t = random_matrix(n, seed);
        let dec = verify(&t, 0).unwrap();
        let inv_bits = t.inverse().unwrap().max_bits();
        assert!(
            dec.max_bits() <= 4 * inv_bits + 8,
            "n = {n}: {} bits vs inverse {inv_bits}",
            dec.max_bits()
        );
    }
}

#[test]
fn permutations_and_swaps_need_the_preconditioner() {
    let swap = perm_matrix(&[2, 3, 0, 1]);
    let (dec, trace) = decompose_traced(&swap, &balanced(7)).unwrap();
    assert_eq!(
        trace.construction,
        Construction::BalancedTree {
            preconditioned: true
        }
    );
    assert_eq!(
        check(&swap, &dec),
        Ok(couplings::CheckReport {
            layers: dec.len(),
            n: 4
        })
    );
    let rev = perm_matrix(&(0..16).rev().collect::<Vec<_>>());
    verify(&rev, 3).unwrap();
}

#[test]
fn same_seed_same_layers() {
    let t = perm_matrix(&[5, 4, 3, 2, 1, 0]);
    let a = verify(&t, 11).unwrap();
    let b = verify(&t, 11).unwrap();
    assert_eq!(a, b);
}

#[test]
fn positive_mode_and_unequal_splits_are_refused() {
    let t = random_matrix(4, 9);
    let positive = Options {
        mode: Mode::Positive,
        ..balanced(0)
    };
    let t = if t.det() > qi(0) { t } else { -&t };
    let err = decompose_traced(&t, &positive).unwrap_err();
    assert!(
        matches!(&err, DecomposeError::UnsupportedStrategy { strategy: Build::Balanced, reason } if reason.contains("positive")),
        "{err}"
    );
    let t6 = random_matrix(6, 4);
    let uneven = Options {
        split: Some(Split::new(2, 4)),
        ..balanced(0)
    };
    let err = decompose_traced(&t6, &uneven).unwrap_err();
    assert!(
        matches!(
            &err,
            DecomposeError::UnsupportedStrategy {
                strategy: Build::Balanced,
                ..
            }
        ) || matches!(&err, DecomposeError::UnsupportedSplit { .. }),
        "{err}"
    );
}

#[test]
fn singular_inputs_give_the_kernel() {
    for t in [
        Matrix::from_i64(&[&[1, 2], &[2, 4]]),
        Matrix::from_i64(&[&[0, 1, 0, 0], &[0, 0, 0, 0], &[1, 0, 0, 0], &[0, 0, 1, 0]]),
    ] {
        match decompose_traced(&t, &balanced(0)) {
            Err(DecomposeError::Singular { kernel }) => {
                assert!(kernel.iter().any(|x| !x.is_zero()));
                assert!(t.mul_vec(&kernel).iter().all(Zero::is_zero));
            }
            other => panic!("expected Singular, got {other:?}"),
        }
    }
}
