//! The conditioned strategy: properties (proptest and quickcheck) that it stays
//! exact (exact product, independent checker, layer bound, positive scales in
//! positive mode) across shapes and families; regression bounds pinning the
//! measured condition numbers and float64 errors of the bundled examples and of
//! seeded Glow-style matrices (upper bounds, so improvements pass); errors by kind.

use couplings::analysis::{families, report};
use couplings::exact::{Matrix, qi};
use couplings::io::read_matrix;
use couplings::{
    DecomposeError, Decomposition, Mode, Options, Split, Strategy as Build, check, decompose_with,
};
use num_traits::{Signed, Zero};
use proptest::prelude::*;
use quickcheck::{Arbitrary, Gen, QuickCheck};
use std::path::Path;

/// Most layers the conditioned strategy returns (signed mode, and positive mode
/// without forced signs).
const MAX_LAYERS: usize = 12;

fn options(mode: Mode) -> Options {
    Options {
        mode,
        strategy: Build::Conditioned,
        ..Options::default()
    }
}

/// Decomposes with the conditioned strategy and checks everything that must hold
/// for an invertible target; returns the decomposition.
fn verify(t: &Matrix, mode: Mode) -> Result<Decomposition, String> {
    let dec = decompose_with(t, &options(mode)).map_err(|e| format!("{e}"))?;
    if dec.product() != *t {
        return Err("product differs from the target".into());
    }
    check(t, &dec).map_err(|e| format!("checker rejected: {e:?}"))?;
    if dec.len() > MAX_LAYERS {
        return Err(format!("{} layers > {MAX_LAYERS}", dec.len()));
    }
    if mode == Mode::Positive
        && dec
            .layers
            .iter()
            .any(|l| l.scale.iter().any(|s| !s.is_positive()))
    {
        return Err("a non-positive scale in positive mode".into());
    }
    Ok(dec)
}

fn from_entries(n: usize, e: &[i64]) -> Matrix {
    Matrix::from_vec(n, n, e.iter().map(|&x| qi(x)).collect())
}

fn matrices() -> impl Strategy<Value = Matrix> {
    prop::sample::select(&[2usize, 4, 6][..]).prop_flat_map(|n| {
        prop_oneof![
            // dense small integers
            prop::collection::vec(-6i64..=6, n * n).prop_map(move |e| from_entries(n, &e)),
            // sparse: mostly zeros plus a signed permutation pattern
            (
                prop::collection::vec(prop_oneof![6 => Just(0i64), 1 => -3i64..=3], n * n),
                Just((0..n).collect::<Vec<usize>>()).prop_shuffle(),
                prop::collection::vec(prop_oneof![Just(-2i64), Just(-1), Just(1), Just(3)], n),
            )
                .prop_map(move |(e, p, s)| {
                    let mut t = from_entries(n, &e);
                    for (j, &i) in p.iter().enumerate() {
                        let v = t.get(i, j) + qi(s[j]);
                        t.set(i, j, v);
                    }
                    t
                }),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    /// Exact in both modes: Ok with an exact, checked product for every
    /// invertible target (positive mode when det > 0), typed errors otherwise.
    #[test]
    fn conditioned_is_exact(t in matrices()) {
        let det = t.det();
        if det.is_zero() {
            let e = decompose_with(&t, &options(Mode::Signed)).unwrap_err();
            prop_assert!(matches!(e, DecomposeError::Singular { .. }), "{e:?}");
        } else {
            verify(&t, Mode::Signed).map_err(TestCaseError::fail)?;
            if det.is_positive() {
                verify(&t, Mode::Positive).map_err(TestCaseError::fail)?;
            } else {
                let e = decompose_with(&t, &options(Mode::Positive)).unwrap_err();
                let nonpositive = matches!(e, DecomposeError::NonPositiveDeterminant { .. });
                prop_assert!(nonpositive, "{e:?}");
            }
        }
    }
}

/// A quickcheck input: a 4x4 matrix of small rationals `a / b`.
#[derive(Debug, Clone)]
struct Small(Matrix);

impl Arbitrary for Small {
    fn arbitrary(g: &mut Gen) -> Small {
        let n = *g.choose(&[2usize, 4]).unwrap();
        let entries = (0..n * n)
            .map(|_| {
                let a = i64::from(i8::arbitrary(g) % 7);
                let b = i64::from(u8::arbitrary(g) % 5) + 1;
                couplings::exact::q(a, b)
            })
            .collect();
        Small(Matrix::from_vec(n, n, entries))
    }
}

#[test]
fn quickcheck_conditioned_exact_or_singular() {
    fn prop(s: Small) -> bool {
        let t = s.0;
        if t.det().is_zero() {
            matches!(
                decompose_with(&t, &options(Mode::Signed)),
                Err(DecomposeError::Singular { .. })
            )
        } else {
            verify(&t, Mode::Signed).is_ok()
        }
    }
    QuickCheck::new()
        .tests(40)
        .quickcheck(prop as fn(Small) -> bool);
}

/// Measured worst layer condition number and float64 error must stay below
/// these bounds (each about 3 to 10 times the value measured when written).
fn pin(t: &Matrix, mode: Mode, max_cond: f64, max_error: f64, what: &str) {
    let dec = verify(t, mode).unwrap_or_else(|e| panic!("{what}: {e}"));
    let r = report(t, &dec);
    assert!(
        r.worst_condition <= max_cond,
        "{what}: worst layer condition number {:.3e} > {max_cond:.1e}",
        r.worst_condition
    );
    assert!(
        r.float_error <= max_error,
        "{what}: float64 product error {:.3e} > {max_error:.1e}",
        r.float_error
    );
}

#[test]
fn bundled_examples_are_well_conditioned() {
    // (file, worst layer condition number bound); every float error <= 1e-14.
    let bounds = [
        ("glow_rotation_8", 3e1),
        ("lower_bound_4", 3e1),
        ("lower_bound_6", 5e1),
        ("lower_bound_8", 5e1),
        ("lower_bound_positive_4", 4e1),
        ("lower_bound_positive_6", 4e1),
        ("lower_bound_positive_8", 5e1),
    ];
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples");
    for (name, bound) in bounds {
        let t = read_matrix(&root.join(format!("{name}.txt"))).unwrap();
        pin(&t, Mode::Signed, bound, 1e-14, name);
    }
}

#[test]
fn glow_rotations_meet_the_targets() {
    for c in [8, 16] {
        let w = families::glow_rotation(c, 1);
        pin(
            &w,
            Mode::Signed,
            3e1,
            1e-14,
            &format!("glow rotation c={c}"),
        );
    }
    // Positive mode (det > 0 by construction).
    pin(
        &families::glow_rotation(8, 2),
        Mode::Positive,
        3e1,
        1e-14,
        "glow rotation c=8 positive",
    );
}

#[test]
fn glow_lu_and_random_integer_meet_the_targets() {
    let w = families::glow_lu(8, 1);
    pin(&w, Mode::Signed, 1e2, 1e-14, "glow LU c=8");
    let t = families::random_integer(8, 1);
    pin(&t, Mode::Signed, 2e3, 1e-13, "random integer n=8");
}

#[test]
fn conditioned_meets_the_targets_on_a_glow_rotation() {
    let w = families::glow_rotation(8, 1);
    let conditioned = report(&w, &decompose_with(&w, &options(Mode::Signed)).unwrap());
    assert!(conditioned.worst_condition < 1e3);
    assert!(conditioned.float_error < 1e-10);
    assert!(conditioned.layers.len() <= MAX_LAYERS);
}

#[test]
fn errors_by_kind() {
    // Odd dimension: the default split (1, 2) is unequal, which the conditioned
    // strategy does not handle (the shallow strategy does).
    let t = Matrix::identity(3);
    assert!(matches!(
        decompose_with(&t, &options(Mode::Signed)),
        Err(DecomposeError::UnsupportedStrategy {
            strategy: Build::Conditioned,
            ..
        })
    ));
    // Dimension 1 has no split at all.
    assert!(matches!(
        decompose_with(&Matrix::identity(1), &options(Mode::Signed)),
        Err(DecomposeError::UnsupportedSplit { .. })
    ));
    // A split other than half/half.
    let t = families::random_integer(4, 3);
    let o = Options {
        split: Some(Split::new(1, 3)),
        ..options(Mode::Signed)
    };
    assert!(matches!(
        decompose_with(&t, &o),
        Err(DecomposeError::UnsupportedStrategy {
            strategy: Build::Conditioned,
            ..
        })
    ));
    // Singular.
    let t = from_entries(4, &[1, 2, 3, 4, 2, 4, 6, 8, 0, 1, 0, 1, 1, 0, 1, 0]);
    match decompose_with(&t, &options(Mode::Signed)) {
        Err(DecomposeError::Singular { kernel }) => {
            let tx = t.mul_vec(&kernel);
            assert!(tx.iter().all(Zero::is_zero) && kernel.iter().any(|x| !x.is_zero()));
        }
        other => panic!("expected Singular, got {other:?}"),
    }
    // Positive mode with det < 0.
    let t = from_entries(2, &[0, 1, 1, 0]);
    assert!(matches!(
        decompose_with(&t, &options(Mode::Positive)),
        Err(DecomposeError::NonPositiveDeterminant { .. })
    ));
}

#[test]
fn report_has_one_line_per_layer() {
    let w = families::glow_rotation(4, 7);
    let dec = decompose_with(&w, &options(Mode::Signed)).unwrap();
    let r = report(&w, &dec);
    assert_eq!(r.layers.len(), dec.len());
    assert_eq!(r.max_bits, dec.max_bits());
    assert!(r.layers.iter().all(|l| l.condition >= 1.0 - 1e-12));
    let text = r.to_text();
    assert_eq!(text.lines().count(), dec.len() + 2);
    let json: serde_json::Value = serde_json::from_str(&r.to_json()).unwrap();
    assert_eq!(json["layers"].as_array().unwrap().len(), dec.len());
}

#[test]
fn cli_report_flag() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_couplings"))
        .args(["decompose", "--strategy", "conditioned", "--report"])
        .arg(root.join("examples/glow_rotation_8.txt"))
        .output()
        .unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("figures: 11 layers"), "{text}");
    let report_lines = text.lines().filter(|l| l.starts_with("report:")).count();
    assert_eq!(report_lines, 11 + 2, "{text}");
    // Without --report the output has no report lines.
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_couplings"))
        .arg("decompose")
        .arg(root.join("examples/glow_rotation_8.txt"))
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(!text.contains("report:"));
}
