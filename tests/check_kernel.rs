//! Tests of the trusted checker `couplings::check`: hand-built decompositions,
//! every witness variant with its fields, tampering, random products (proptest),
//! a quickcheck property, the parallel path and the independence rules.
//!
//! Expected products are computed here independently: each layer via
//! `Layer::to_matrix` and a naive triple-loop product (cross-checked against
//! `Matrix::mul`), never via the checker.

use couplings::check::CheckReport;
use couplings::exact::{Matrix, Q, q, qi};
use couplings::{CheckError, Decomposition, Kind, Layer, Mode, Split, check};
use num_traits::{One, Zero};
use proptest::prelude::*;

// ---------------------------------------------------------------- helpers

fn naive_mul(a: &Matrix, b: &Matrix) -> Matrix {
    assert_eq!(a.cols(), b.rows());
    let mut c = Matrix::zeros(a.rows(), b.cols());
    for i in 0..a.rows() {
        for j in 0..b.cols() {
            let mut s = Q::zero();
            for k in 0..a.cols() {
                s += a.get(i, k) * b.get(k, j);
            }
            c.set(i, j, s);
        }
    }
    c
}

/// `MK ... M1` computed independently of the checker.
fn expected_product(dec: &Decomposition) -> Matrix {
    dec.layers
        .iter()
        .fold(Matrix::identity(dec.split.n()), |acc, l| {
            naive_mul(&l.to_matrix(dec.split), &acc)
        })
}

/// First entry (row-major) where `a` and `b` differ.
fn first_difference(a: &Matrix, b: &Matrix) -> Option<(usize, usize)> {
    (0..a.rows())
        .flat_map(|i| (0..a.cols()).map(move |j| (i, j)))
        .find(|&(i, j)| a.get(i, j) != b.get(i, j))
}

fn dec(p: usize, q: usize, mode: Mode, layers: Vec<Layer>) -> Decomposition {
    Decomposition {
        split: Split::new(p, q),
        mode,
        layers,
    }
}

fn ints(xs: &[i64]) -> Vec<Q> {
    xs.iter().map(|&x| qi(x)).collect()
}

/// The rotation `[[0, -1], [1, 0]] = U(-1) L(1) U(-1)`, in application order.
fn rotation() -> (Matrix, Decomposition) {
    let u = Layer::upper(Matrix::from_i64(&[&[-1]]), ints(&[1]));
    let l = Layer::lower(Matrix::from_i64(&[&[1]]), ints(&[1]));
    (
        Matrix::from_i64(&[&[0, -1], &[1, 0]]),
        dec(1, 1, Mode::Signed, vec![u.clone(), l, u]),
    )
}

/// A hand-made mixed decomposition for split (2, 3) with rational entries.
fn mixed() -> Decomposition {
    let l0 = Layer::lower(
        Matrix::from_rows(vec![
            vec![q(1, 2), qi(0)],
            vec![qi(-3), q(2, 7)],
            vec![qi(1), qi(1)],
        ])
        .unwrap(),
        vec![qi(2), q(-1, 3), qi(5)],
    );
    let u1 = Layer::upper(
        Matrix::from_rows(vec![
            vec![qi(1), q(-5, 4), qi(0)],
            vec![qi(0), qi(2), q(1, 9)],
        ])
        .unwrap(),
        vec![q(3, 2), qi(-1)],
    );
    let l2 = Layer::lower(
        Matrix::from_i64(&[&[0, 1], &[4, 0], &[-2, 3]]),
        vec![qi(1), qi(-2), q(1, 5)],
    );
    let u3 = Layer::upper(
        Matrix::from_i64(&[&[1, 0, 0], &[0, 0, 1]]),
        vec![qi(7), qi(1)],
    );
    dec(2, 3, Mode::Signed, vec![l0, u1, l2, u3])
}

/// Every single-entry tampering (+1) of `d`: (layer, is_scale, entry index, tampered).
fn tamperings(d: &Decomposition) -> Vec<(usize, bool, usize, Decomposition)> {
    let mut out = Vec::new();
    for (li, layer) in d.layers.iter().enumerate() {
        let (r, c) = (layer.shift.rows(), layer.shift.cols());
        for e in 0..r * c {
            let mut t = d.clone();
            let v = t.layers[li].shift.get(e / c, e % c) + Q::one();
            t.layers[li].shift.set(e / c, e % c, v);
            out.push((li, false, e, t));
        }
        for e in 0..layer.scale.len() {
            let mut t = d.clone();
            t.layers[li].scale[e] += Q::one();
            out.push((li, true, e, t));
        }
    }
    out
}

/// Asserts that every tampering of a valid `d` is rejected with the right witness.
fn assert_tampering_rejected(d: &Decomposition, target: &Matrix) {
    for (li, is_scale, e, t) in tamperings(d) {
        let err = check(target, &t).expect_err("tampered decomposition accepted");
        if is_scale && t.layers[li].scale[e].is_zero() {
            assert_eq!(
                err,
                CheckError::ZeroScale {
                    layer: li,
                    kind: t.layers[li].kind,
                    index: e
                }
            );
            continue;
        }
        let prod = expected_product(&t);
        let (row, col) =
            first_difference(&prod, target).expect("tampering must change the product");
        assert_eq!(
            err,
            CheckError::Mismatch {
                row,
                col,
                product: prod.get(row, col).clone(),
                target: target.get(row, col).clone()
            }
        );
    }
}

// ---------------------------------------------------------------- hand-built cases

#[test]
fn rotation_is_accepted() {
    let (t, d) = rotation();
    assert_eq!(check(&t, &d), Ok(CheckReport { layers: 3, n: 2 }));
    assert_eq!(expected_product(&d), t);
}

#[test]
fn swapping_layer_kinds_is_detected() {
    // [U, L, U] is a palindrome; swapping kinds gives L(-1) U(1) L(-1) = [[0, 1], [-1, 0]].
    let (t, d) = rotation();
    let swapped = dec(
        1,
        1,
        Mode::Signed,
        d.layers.iter().map(Layer::swapped).collect(),
    );
    let err = check(&t, &swapped).unwrap_err();
    assert_eq!(
        err,
        CheckError::Mismatch {
            row: 0,
            col: 1,
            product: qi(1),
            target: qi(-1)
        }
    );
}

#[test]
fn application_order_matters() {
    // L(1) then U(1): U L = [[2, 1], [1, 1]]; L U = [[1, 1], [1, 2]].
    let u = Layer::upper(Matrix::from_i64(&[&[1]]), ints(&[1]));
    let l = Layer::lower(Matrix::from_i64(&[&[1]]), ints(&[1]));
    let d = dec(1, 1, Mode::Signed, vec![l, u]);
    assert!(check(&Matrix::from_i64(&[&[2, 1], &[1, 1]]), &d).is_ok());
    let err = check(&Matrix::from_i64(&[&[1, 1], &[1, 2]]), &d).unwrap_err();
    assert_eq!(
        err,
        CheckError::Mismatch {
            row: 0,
            col: 0,
            product: qi(2),
            target: qi(1)
        }
    );
}

#[test]
fn minus_identity_signed_and_positive() {
    let up = Layer::scaling(Kind::Upper, Split::new(2, 2), ints(&[-1, -1]));
    let lo = Layer::scaling(Kind::Lower, Split::new(2, 2), ints(&[-1, -1]));
    let minus_i = Matrix::from_i64(&[
        &[-1, 0, 0, 0],
        &[0, -1, 0, 0],
        &[0, 0, -1, 0],
        &[0, 0, 0, -1],
    ]);
    let d = dec(2, 2, Mode::Signed, vec![up, lo]);
    assert_eq!(check(&minus_i, &d), Ok(CheckReport { layers: 2, n: 4 }));
    let positive = Decomposition {
        mode: Mode::Positive,
        ..d
    };
    assert_eq!(
        check(&minus_i, &positive),
        Err(CheckError::NonPositiveScale {
            layer: 0,
            kind: Kind::Upper,
            index: 0,
            value: qi(-1)
        })
    );
}

#[test]
fn mixed_rational_decomposition_is_accepted_and_tampering_rejected() {
    let d = mixed();
    let t = expected_product(&d);
    assert_eq!(naive_mul(&t, &Matrix::identity(5)), t);
    assert_eq!(check(&t, &d), Ok(CheckReport { layers: 4, n: 5 }));
    assert_tampering_rejected(&d, &t);
}

#[test]
fn naive_product_agrees_with_library_kernels() {
    // The test oracle itself is cross-checked against Matrix::mul.
    let d = mixed();
    let lib = d
        .layers
        .iter()
        .fold(Matrix::identity(5), |acc, l| l.to_matrix(d.split).mul(&acc));
    assert_eq!(lib, expected_product(&d));
}

#[test]
fn zero_scale_reports_layer_and_index() {
    let mut d = mixed();
    let t = expected_product(&d);
    d.layers[2].scale[1] = qi(0);
    d.layers[3].scale[0] = qi(0); // a later defect is not reported first
    let err = check(&t, &d).unwrap_err();
    assert_eq!(
        err,
        CheckError::ZeroScale {
            layer: 2,
            kind: Kind::Lower,
            index: 1
        }
    );
    assert_eq!(
        err.to_string(),
        "layer 2 (lower): scale entry 1 is 0; a coupling layer needs nonzero scales \
         (layers are numbered from 0 in the order they act)"
    );
}

#[test]
fn zero_scale_is_reported_even_in_positive_mode() {
    let d = dec(
        1,
        1,
        Mode::Positive,
        vec![Layer::scaling(Kind::Upper, Split::new(1, 1), ints(&[0]))],
    );
    assert_eq!(
        check(&Matrix::identity(2), &d),
        Err(CheckError::ZeroScale {
            layer: 0,
            kind: Kind::Upper,
            index: 0
        })
    );
}

#[test]
fn negative_scale_rejected_only_in_positive_mode() {
    let layers = vec![
        Layer::scaling(Kind::Lower, Split::new(1, 2), vec![qi(2), qi(3)]),
        Layer::upper(Matrix::from_i64(&[&[1, 1]]), vec![q(-1, 2)]),
        Layer::lower(Matrix::from_i64(&[&[1], &[0]]), vec![qi(1), q(-3, 4)]),
    ];
    let signed = dec(1, 2, Mode::Signed, layers);
    let t = expected_product(&signed);
    assert!(check(&t, &signed).is_ok());
    let positive = Decomposition {
        mode: Mode::Positive,
        ..signed
    };
    let err = check(&t, &positive).unwrap_err();
    assert_eq!(
        err,
        CheckError::NonPositiveScale {
            layer: 1,
            kind: Kind::Upper,
            index: 0,
            value: q(-1, 2)
        }
    );
    assert!(
        err.to_string()
            .starts_with("layer 1 (upper): scale entry 0 is -1/2, but positive mode")
    );
}

#[test]
fn wrong_shift_shape_gives_layer_shape() {
    // Split (2, 3): a lower shift must be 3x2; give it 2x3 (the upper shape).
    let mut d = mixed();
    d.layers[2].shift = Matrix::zeros(2, 3);
    let err = check(&Matrix::identity(5), &d).unwrap_err();
    assert_eq!(
        err,
        CheckError::LayerShape {
            layer: 2,
            kind: Kind::Lower,
            what: "shift",
            expected: (3, 2),
            found: (2, 3)
        }
    );
    assert!(
        err.to_string()
            .contains("layer 2 (lower): the shift block is 2x3")
    );
}

#[test]
fn wrong_scale_length_gives_layer_shape() {
    let mut d = mixed();
    d.layers[1].scale.push(qi(1));
    let err = check(&Matrix::identity(5), &d).unwrap_err();
    assert_eq!(
        err,
        CheckError::LayerShape {
            layer: 1,
            kind: Kind::Upper,
            what: "scale",
            expected: (2, 1),
            found: (3, 1)
        }
    );
    assert!(
        err.to_string()
            .contains("the scale has 3 entries, but this split needs 2")
    );
    // Too short, too.
    let mut d = mixed();
    d.layers[0].scale.clear();
    assert_eq!(
        check(&Matrix::identity(5), &d),
        Err(CheckError::LayerShape {
            layer: 0,
            kind: Kind::Lower,
            what: "scale",
            expected: (3, 1),
            found: (0, 1)
        })
    );
}

#[test]
fn shape_defects_are_reported_before_scale_defects_of_later_layers() {
    let mut d = mixed();
    d.layers[0].scale[0] = qi(0);
    d.layers[1].shift = Matrix::zeros(1, 1);
    // Layer 0 comes first in application order, so its zero scale is reported.
    assert_eq!(
        check(&Matrix::identity(5), &d),
        Err(CheckError::ZeroScale {
            layer: 0,
            kind: Kind::Lower,
            index: 0
        })
    );
}

#[test]
fn wrong_target_size_gives_target_shape() {
    let (_, d) = rotation();
    assert_eq!(
        check(&Matrix::identity(3), &d),
        Err(CheckError::TargetShape {
            rows: 3,
            cols: 3,
            n: 2
        })
    );
    assert_eq!(
        check(&Matrix::zeros(2, 3), &d),
        Err(CheckError::TargetShape {
            rows: 2,
            cols: 3,
            n: 2
        })
    );
    assert_eq!(
        check(&Matrix::zeros(0, 0), &d),
        Err(CheckError::TargetShape {
            rows: 0,
            cols: 0,
            n: 2
        })
    );
}

#[test]
fn empty_part_gives_bad_split() {
    let d = dec(0, 3, Mode::Signed, vec![]);
    let err = check(&Matrix::identity(3), &d).unwrap_err();
    assert_eq!(
        err,
        CheckError::BadSplit {
            first: 0,
            second: 3
        }
    );
    assert!(err.to_string().contains("at least one coordinate"));
    assert_eq!(
        check(&Matrix::identity(2), &dec(2, 0, Mode::Signed, vec![])),
        Err(CheckError::BadSplit {
            first: 2,
            second: 0
        })
    );
}

#[test]
fn mismatch_reports_first_differing_entry_with_exact_values() {
    let (mut t, d) = rotation();
    // Change (1, 0) and (1, 1); the first in row-major order is (1, 0).
    t.set(1, 1, q(-22, 7));
    t.set(1, 0, q(3, 7));
    let err = check(&t, &d).unwrap_err();
    assert_eq!(
        err,
        CheckError::Mismatch {
            row: 1,
            col: 0,
            product: qi(1),
            target: q(3, 7)
        }
    );
    assert_eq!(
        err.to_string(),
        "the layers multiply to 1 at entry (1, 0) but the target has 3/7 there (first differing entry \
         in row-major order, 0-based); the decomposition does not represent the target"
    );
    // With the mixed decomposition: perturb two entries and expect the earlier one.
    let d = mixed();
    let good = expected_product(&d);
    let mut t = good.clone();
    t.set(4, 1, good.get(4, 1) + q(1, 1000));
    t.set(2, 3, good.get(2, 3) - q(5, 3));
    assert_eq!(
        check(&t, &d),
        Err(CheckError::Mismatch {
            row: 2,
            col: 3,
            product: good.get(2, 3).clone(),
            target: t.get(2, 3).clone()
        })
    );
}

#[test]
fn huge_values_are_abbreviated_in_display_but_exact_in_fields() {
    let (mut t, d) = rotation();
    let big: Q = Q::from_integer(num_bigint::BigInt::from(10).pow(200));
    t.set(0, 0, big.clone());
    let err = check(&t, &d).unwrap_err();
    assert_eq!(
        err,
        CheckError::Mismatch {
            row: 0,
            col: 0,
            product: qi(0),
            target: big
        }
    );
    let s = err.to_string();
    assert!(s.contains("...") && s.contains("(201 characters)"), "{s}");
    assert!(s.len() < 400);
}

#[test]
fn empty_decomposition_is_identity() {
    let d = dec(3, 1, Mode::Positive, vec![]);
    assert_eq!(
        check(&Matrix::identity(4), &d),
        Ok(CheckReport { layers: 0, n: 4 })
    );
}

// ---------------------------------------------------------------- larger sizes (parallel path)

/// A deterministic pseudo-random positive-mode decomposition for split (p, q) with
/// K layers; entries are small fractions, or 31-bit integer shifts when `big`.
fn pseudo_random(p: usize, qq: usize, k: usize, seed: u64, big: bool) -> Decomposition {
    let mut s = seed;
    let mut next = move || {
        s = s
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (s >> 33) as i64
    };
    let layers = (0..k)
        .map(|i| {
            let (kind, r, c) = if i % 2 == 0 {
                (Kind::Upper, p, qq)
            } else {
                (Kind::Lower, qq, p)
            };
            let (shift, scale): (Vec<Q>, Vec<Q>) = if big {
                let shift = (0..r * c).map(|_| qi(next() - (1 << 30)));
                (
                    shift.collect(),
                    (0..r).map(|_| q(next() % 9 + 1, next() % 4 + 1)).collect(),
                )
            } else {
                let shift = (0..r * c).map(|_| q(next() % 7 - 3, next() % 5 + 1));
                (
                    shift.collect(),
                    (0..r).map(|_| q(next() % 4 + 1, next() % 3 + 1)).collect(),
                )
            };
            Layer {
                kind,
                shift: Matrix::from_vec(r, c, shift),
                scale,
            }
        })
        .collect();
    dec(p, qq, Mode::Positive, layers)
}

#[test]
fn parallel_path_matches_independent_product() {
    // n = 40 >= 32 exercises the rayon path, with an unbalanced split.
    let d = pseudo_random(17, 23, 4, 7, false);
    let t = expected_product(&d);
    assert_eq!(check(&t, &d), Ok(CheckReport { layers: 4, n: 40 }));
    let mut bad = t.clone();
    bad.set(39, 39, t.get(39, 39) + q(1, 3));
    assert_eq!(
        check(&bad, &d),
        Err(CheckError::Mismatch {
            row: 39,
            col: 39,
            product: t.get(39, 39).clone(),
            target: bad.get(39, 39).clone()
        })
    );
    // One tampered entry deep inside a middle layer is caught too.
    let mut d2 = d.clone();
    let v = d2.layers[2].shift.get(5, 11) + Q::one();
    d2.layers[2].shift.set(5, 11, v);
    assert!(matches!(check(&t, &d2), Err(CheckError::Mismatch { .. })));
}

#[test]
fn n_256_with_big_entries_checks() {
    // A functional test at a large size (timing is printed, never asserted: the
    // speed figures live in bench/compare.py and docs/performance.md).
    // Six layers for split (128, 128) with 31-bit integer shifts and small
    // fractional scales; the product's entries grow to hundreds of bits.
    let d = pseudo_random(128, 128, 6, 42, true);
    let start = std::time::Instant::now();
    let t = d.product(); // library product as the target (the test may use it)
    eprintln!("library product: {:?}", start.elapsed());
    let start = std::time::Instant::now();
    assert_eq!(check(&t, &d), Ok(CheckReport { layers: 6, n: 256 }));
    let elapsed = start.elapsed();
    eprintln!("check n=256, K=6, max bits {}: {elapsed:?}", t.max_bits());
    // And a wrong target of the same size fails.
    let mut bad = t.clone();
    let v = bad.get(200, 3) + Q::one();
    bad.set(200, 3, v);
    assert!(matches!(check(&bad, &d), Err(CheckError::Mismatch { .. })));
}

// ---------------------------------------------------------------- proptest

fn rational() -> impl Strategy<Value = Q> {
    (-6i64..=6, 1i64..=5).prop_map(|(a, b)| q(a, b))
}

fn scale_entry(mode: Mode) -> impl Strategy<Value = Q> {
    (1i64..=6, 1i64..=5, any::<bool>()).prop_map(move |(a, b, neg)| {
        if neg && mode == Mode::Signed {
            q(-a, b)
        } else {
            q(a, b)
        }
    })
}

fn layer(p: usize, qq: usize, mode: Mode) -> impl Strategy<Value = Layer> {
    any::<bool>().prop_flat_map(move |upper| {
        let (kind, r, c) = if upper {
            (Kind::Upper, p, qq)
        } else {
            (Kind::Lower, qq, p)
        };
        (
            prop::collection::vec(rational(), r * c),
            prop::collection::vec(scale_entry(mode), r),
        )
            .prop_map(move |(shift, scale)| Layer {
                kind,
                shift: Matrix::from_vec(r, c, shift),
                scale,
            })
    })
}

fn decomposition() -> impl Strategy<Value = Decomposition> {
    (1usize..=4, 1usize..=4, any::<bool>()).prop_flat_map(|(p, qq, positive)| {
        let mode = if positive {
            Mode::Positive
        } else {
            Mode::Signed
        };
        prop::collection::vec(layer(p, qq, mode), 0..=5)
            .prop_map(move |layers| dec(p, qq, mode, layers))
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn random_products_are_accepted(d in decomposition()) {
        let t = expected_product(&d);
        prop_assert_eq!(check(&t, &d), Ok(CheckReport { layers: d.layers.len(), n: d.split.n() }));
    }

    #[test]
    fn every_single_entry_tampering_is_rejected(d in decomposition()) {
        let t = expected_product(&d);
        assert_tampering_rejected(&d, &t);
    }

    #[test]
    fn perturbing_one_target_entry_is_found(d in decomposition(), i in 0usize..8, j in 0usize..8, delta in rational()) {
        prop_assume!(!delta.is_zero());
        let n = d.split.n();
        let (i, j) = (i % n, j % n);
        let good = expected_product(&d);
        let mut t = good.clone();
        t.set(i, j, good.get(i, j) + &delta);
        prop_assert_eq!(
            check(&t, &d),
            Err(CheckError::Mismatch { row: i, col: j, product: good.get(i, j).clone(), target: t.get(i, j).clone() })
        );
    }
}

// ---------------------------------------------------------------- quickcheck

#[test]
fn quickcheck_empty_decomposition_vs_diagonals() {
    fn prop(p: u8, qq: u8, diag: Vec<(i8, u8)>) -> bool {
        let (p, qq) = (p as usize % 4 + 1, qq as usize % 4 + 1);
        let n = p + qq;
        let d: Vec<Q> = (0..n)
            .map(|i| {
                diag.get(i)
                    .map_or(qi(1), |&(a, b)| q(a as i64, b as i64 % 5 + 1))
            })
            .collect();
        let empty = dec(p, qq, Mode::Signed, vec![]);
        let result = check(&Matrix::from_diagonal(&d), &empty);
        match d.iter().position(|x| !x.is_one()) {
            None => result == Ok(CheckReport { layers: 0, n }),
            Some(i) => {
                result
                    == Err(CheckError::Mismatch {
                        row: i,
                        col: i,
                        product: qi(1),
                        target: d[i].clone(),
                    })
            }
        }
    }
    quickcheck::quickcheck(prop as fn(u8, u8, Vec<(i8, u8)>) -> bool);
}

// ---------------------------------------------------------------- independence

/// Words the checkers' code must not contain (construction code, kernels,
/// operators that combine matrices).
const FORBIDDEN: [&str; 15] = [
    "construct",
    "decompose",
    ".mul(",
    "inverse",
    "det(",
    "to_matrix",
    "apply",
    ".then(",
    "validate",
    "product()",
    "scale_rows",
    "mul_vec",
    "kernels",
    "proof",
    "crate::io",
];

#[test]
fn checker_code_obeys_independence_rules() {
    let code = code_without("src/check.rs", include_str!("../src/check.rs"), &FORBIDDEN);
    assert_eq!(
        crate_imports(&code),
        [
            // gcd_biguint: the Lehmer gcd, used only once `%` shows it divides
            // both operands (`common_divisor`), so soundness does not rest on it.
            "use crate::exact::{Matrix, Q, gcd_biguint};",
            "use crate::layer::{Decomposition, Kind, Layer, Mode, PaddedDecomposition, Split};"
        ]
    );
    // Matrices are only read through accessors, never combined with operators.
    // `&Matrix` appears in the signatures of `check`, `check_with_checkpoints`
    // (target, checkpoints), `check_padded` and `product_matches` (target) and
    // of the two readers `shape_of` and `compare`, which use `rows`, `cols`
    // and `get` only.
    assert_eq!(
        code.matches("&Matrix").count(),
        7,
        "only the target and checkpoint parameters"
    );
}

/// The `use crate::` lines of some code.
fn crate_imports(code: &str) -> Vec<&str> {
    code.lines()
        .filter(|l| l.trim_start().starts_with("use crate::"))
        .collect()
}

/// The code lines of a source file (comment lines dropped), and a check that
/// none of them mentions a forbidden word.
fn code_without(path: &str, src: &str, forbidden: &[&str]) -> String {
    let code: String = src
        .lines()
        .filter(|l| !l.trim_start().starts_with("//"))
        .collect::<Vec<_>>()
        .join("\n");
    for word in forbidden {
        assert!(!code.contains(word), "{path} code mentions `{word}`");
    }
    code
}

#[test]
fn bound_checker_code_obeys_independence_rules() {
    // `src/check/within.rs` (version-2 certificates, the tolerance mode):
    // the exact checker's forbidden words plus floats, and its only imports
    // are the exact types, the dyadic product kernel and the layer types.
    let mut words = FORBIDDEN.to_vec();
    words.extend(["f64", "f32"]);
    let code = code_without(
        "src/check/within.rs",
        include_str!("../src/check/within.rs"),
        &words,
    );
    assert_eq!(
        crate_imports(&code),
        [
            "use crate::exact::dyadic::{DyadicError, DyadicFactor, distance_sq, product, to_dyadic_ints};",
            "use crate::exact::{Matrix, Q};",
            "use crate::layer::{Decomposition, Kind, Split};"
        ]
    );
}

// ------------------------------------------------- mixed-denominator layers

/// The checker's content reduction and `lcm` use the Lehmer gcd of
/// `couplings::exact` once `%` shows it divides (`common_divisor`): on compact
/// layers (entries with many different denominators, the case that made the
/// binary gcd slow) it agrees with the naive product, both modes, random even
/// n, and finds a perturbed entry; n = 32 takes the parallel path.
#[test]
fn regression_lehmer_gcd_in_checker_on_compact_layers() {
    use couplings::families::random_integer;
    use couplings::{Options, Strategy, decompose_with};
    let mut cases: Vec<(usize, u64)> = (1..=10).map(|k| (2 * k, 70 + k as u64)).collect();
    cases.push((32, 132));
    for (n, seed) in cases {
        for mode in [Mode::Signed, Mode::Positive] {
            let mut t = random_integer(n, seed);
            if mode == Mode::Positive && t.det() < qi(0) {
                for j in 0..n {
                    t.set(0, j, -t.get(0, j));
                }
            }
            let options = Options {
                mode,
                strategy: Strategy::Compact,
                ..Options::default()
            };
            let d = decompose_with(&t, &options).unwrap();
            let report = CheckReport {
                layers: d.layers.len(),
                n,
            };
            assert_eq!(check(&t, &d), Ok(report), "n = {n} {mode:?}");
            if n <= 12 {
                assert_eq!(expected_product(&d), t, "n = {n} {mode:?}");
            }
            let (i, j) = (n - 1, n / 2);
            let mut bad = t.clone();
            bad.set(i, j, t.get(i, j) + q(1, 3));
            assert_eq!(
                check(&bad, &d),
                Err(CheckError::Mismatch {
                    row: i,
                    col: j,
                    product: t.get(i, j).clone(),
                    target: bad.get(i, j).clone()
                }),
                "n = {n} {mode:?}"
            );
        }
    }
}
