//! The certified tolerance mode (`Options::tolerance`, `--tolerance EPS`):
//! property tests on small Glow weights in both modes (the bound recomputed
//! here with plain rational arithmetic, independently of the dyadic kernel),
//! the failure paths with their error kinds, and version-2 certificates,
//! including tampered ones that must be rejected.

use couplings::certificate::{Certificate, ErrorKind, parse, to_text, verify_text};
use couplings::check::{BoundError, check_within};
use couplings::construct::tolerance::{
    Approximation, CONDITION_LIMIT, MAX_PIECES, ToleranceError, Width, approximate,
};
use couplings::exact::{Matrix, Q, q, qi, to_f64};
use couplings::families::{glow_lu, glow_rotation};
use couplings::{DecomposeError, Mode, Options, decompose_with};
use num_bigint::BigInt;
use num_traits::{One, Signed, Zero};
use proptest::prelude::*;

fn options(mode: Mode, tolerance: Q) -> Options {
    Options {
        mode,
        tolerance,
        ..Options::default()
    }
}

/// Whether `x` is exactly a finite value of `width` (normal or subnormal).
fn representable(x: &Q, width: Width) -> bool {
    if x.is_zero() {
        return true;
    }
    let den = x.denom();
    let k = den.trailing_zeros().unwrap_or(0);
    if (den >> k) != BigInt::one() {
        return false;
    }
    let num = x.numer().abs();
    let tz = num.trailing_zeros().unwrap_or(0);
    let odd: BigInt = &num >> tz;
    // x = odd * 2^(tz - k); the value's top bit is 2^(tz - k + bits(odd) - 1).
    let (mantissa, min_exp, max_exp) = match width {
        Width::F32 => (24, -149i64, 127i64),
        Width::F64 => (53, -1074i64, 1023i64),
    };
    let low = tz as i64 - k as i64;
    let top = low + odd.bits() as i64 - 1;
    odd.bits() <= mantissa && low >= min_exp && top <= max_exp
}

fn frobenius_sq(m: &Matrix) -> Q {
    m.entries().iter().fold(Q::zero(), |acc, x| acc + x * x)
}

/// `||P - W||_F^2 / ||W||_F^2` by rational arithmetic on the layer matrices.
fn rel_error_sq(w: &Matrix, a: &Approximation) -> Q {
    let p = a.decomposition.product();
    let n = w.rows();
    let diff = Matrix::from_vec(
        n,
        n,
        (0..n)
            .flat_map(|i| (0..n).map(move |j| (i, j)))
            .map(|(i, j)| p.get(i, j) - w.get(i, j))
            .collect(),
    );
    frobenius_sq(&diff) / frobenius_sq(w)
}

fn assert_certified(w: &Matrix, a: &Approximation, mode: Mode, eps: &Q) {
    let dec = &a.decomposition;
    assert!(dec.len() <= 12, "{} layers", dec.len());
    for l in &dec.layers {
        for x in l.shift.entries().iter().chain(&l.scale) {
            assert!(
                representable(x, a.width),
                "{x} is not a {:?} value",
                a.width
            );
            // The float the export writes is the certified value itself.
            let f = to_f64(x);
            let f = match a.width {
                Width::F32 => f64::from(f as f32),
                Width::F64 => f,
            };
            assert_eq!(
                Q::from_float(f).as_ref(),
                Some(x),
                "{x} does not round-trip"
            );
        }
        if mode == Mode::Positive {
            assert!(l.scale.iter().all(|s| s.is_positive()));
        }
    }
    let exact = rel_error_sq(w, a);
    assert_eq!(
        exact, a.bound.rel_error_sq,
        "the reported ratio is not the exact one"
    );
    assert!(a.bound.rel_error <= *eps);
    assert!(exact <= &a.bound.rel_error * &a.bound.rel_error);
    let report = check_within(w, dec, &a.bound.rel_error).expect("the bound checker agrees");
    assert_eq!(report.rel_error_sq, exact);
    assert!(a.conditions.iter().all(|&c| c <= CONDITION_LIMIT));
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    #[test]
    fn small_glow_weights_are_certified_in_both_modes(
        half in 1usize..=6,
        seed in 0u64..1000,
        lu in any::<bool>(),
        positive in any::<bool>(),
        float64 in any::<bool>(),
    ) {
        let c = 2 * half;
        let w = if lu { glow_lu(c, seed) } else { glow_rotation(c, seed) };
        let mode = if positive { Mode::Positive } else { Mode::Signed };
        let eps = if float64 { q(1, 10_000_000_000_000) } else { q(1, 1_000_000) };
        let result = approximate(&w, &options(mode, eps.clone()));
        if positive && !w.det().is_positive() {
            prop_assert!(
                matches!(result, Err(DecomposeError::NonPositiveDeterminant { .. })),
                "{result:?}"
            );
        } else {
            let a = result.unwrap();
            prop_assert_eq!(a.width, if float64 { Width::F64 } else { Width::F32 });
            assert_certified(&w, &a, mode, &eps);
        }
    }
}

#[test]
fn decompose_with_a_tolerance_returns_the_certified_layers() {
    let w = glow_rotation(8, 3);
    let o = options(Mode::Signed, q(1, 1_000_000));
    let dec = decompose_with(&w, &o).unwrap();
    let a = approximate(&w, &o).unwrap();
    assert_eq!(dec, a.decomposition);
    // The default stays exact.
    let exact = decompose_with(&w, &Options::default()).unwrap();
    assert_eq!(exact.product(), w);
}

/// `R diag(1, ..., 1, 1/ratio)` for a rotation `R`: cond(W) = ratio.
fn ill_conditioned(c: usize, ratio: u64) -> Matrix {
    let r = glow_rotation(c, 1);
    let mut scale = vec![qi(1); c];
    scale[c - 1] = q(1, ratio as i64);
    let d = Matrix::from_vec(
        c,
        c,
        (0..c)
            .flat_map(|i| (0..c).map(move |j| (i, j)))
            .map(|(i, j)| if i == j { scale[i].clone() } else { Q::zero() })
            .collect(),
    );
    r.mul(&d)
}

/// cond(W) = 1e5: one ten-layer chain has a layer beyond the limit 1e3 (this
/// weight was refused before `MAX_PIECES`); split into factors of condition
/// number cond(W)^(1/pieces) it is certified, in both modes.
#[test]
fn ill_conditioned_weight_is_split_into_factors() {
    let w = ill_conditioned(8, 100_000);
    for mode in [Mode::Signed, Mode::Positive] {
        let a = approximate(&w, &options(mode, q(1, 1_000_000))).unwrap();
        assert!(a.pieces >= 2, "{mode:?}: {} pieces", a.pieces);
        assert!(a.pieces <= MAX_PIECES);
        assert!(a.decomposition.len() <= 10 * a.pieces);
        assert!(a.worst_condition() <= CONDITION_LIMIT, "{mode:?}");
        assert!(a.bound.rel_error_sq <= q(1, 1_000_000_000_000));
        check_within(&w, &a.decomposition, &a.bound.rel_error).unwrap();
    }
    // A well-conditioned weight stays one chain.
    let a = approximate(
        &glow_rotation(8, 1),
        &options(Mode::Signed, q(1, 1_000_000)),
    )
    .unwrap();
    assert_eq!(a.pieces, 1);
}

#[test]
fn hopeless_condition_is_refused_with_the_condition_limit() {
    // cond(W) = 1e14: even MAX_PIECES factors have condition number 1e3.5.
    let w = ill_conditioned(8, 100_000_000_000_000);
    match approximate(&w, &options(Mode::Signed, q(1, 1_000_000))) {
        Err(DecomposeError::Tolerance(e)) => {
            assert!(
                matches!(*e, ToleranceError::ConditionLimit { .. }),
                "wrong kind: {e:?}"
            );
            assert!(e.to_string().contains("condition number"));
            assert!(e.to_string().contains("split into"));
        }
        other => panic!("expected a ConditionLimit error, got {other:?}"),
    }
}

#[test]
fn unreachable_tolerance_is_not_met() {
    let w = glow_lu(8, 2);
    // 1e-30 is below every width's rounding floor.
    let eps = Q::new(BigInt::one(), BigInt::from(10).pow(30u32));
    match approximate(&w, &options(Mode::Signed, eps)) {
        Err(DecomposeError::Tolerance(e)) => match *e {
            ToleranceError::NotMet {
                achieved_sq, width, ..
            } => {
                assert_eq!(width, Width::F64);
                assert!(achieved_sq.is_positive());
            }
            other => panic!("expected NotMet, got {other:?}"),
        },
        other => panic!("expected NotMet, got {other:?}"),
    }
}

#[test]
fn shape_sign_and_singular_failures_have_their_kinds() {
    let eps = q(1, 1_000_000);
    // Odd dimension.
    let odd = glow_rotation(5, 1);
    match approximate(&odd, &options(Mode::Signed, eps.clone())) {
        Err(DecomposeError::Tolerance(e)) => {
            assert!(
                matches!(*e, ToleranceError::UnsupportedShape { n: 5, .. }),
                "{e:?}"
            )
        }
        other => panic!("expected UnsupportedShape, got {other:?}"),
    }
    // Positive mode with det < 0: a swap of two coordinates in one half.
    let mut rows: Vec<Vec<Q>> = (0..4)
        .map(|i| (0..4).map(|j| qi(i64::from(i == j))).collect())
        .collect();
    rows.swap(0, 1);
    let swap = Matrix::from_rows(rows).unwrap();
    assert!(matches!(
        approximate(&swap, &options(Mode::Positive, eps.clone())),
        Err(DecomposeError::NonPositiveDeterminant { .. })
    ));
    // Signed mode takes it.
    let a = approximate(&swap, &options(Mode::Signed, eps.clone())).unwrap();
    assert_certified(&swap, &a, Mode::Signed, &eps);
    // Singular.
    let singular = Matrix::from_rows(vec![
        vec![qi(1), qi(2), qi(0), qi(1)],
        vec![qi(2), qi(4), qi(0), qi(2)],
        vec![qi(0), qi(1), qi(1), qi(0)],
        vec![qi(1), qi(0), qi(0), qi(3)],
    ])
    .unwrap();
    assert!(matches!(
        approximate(&singular, &options(Mode::Signed, eps)),
        Err(DecomposeError::Singular { .. })
    ));
}

#[test]
fn special_inputs_are_certified() {
    // Regressions from the research notes: -I, the exchange matrix J, and a
    // pair of sign flips in one half (det > 0, positive mode).
    let eps = q(1, 1_000_000);
    let n = 6;
    let m = |f: &dyn Fn(usize, usize) -> i64| {
        Matrix::from_vec(
            n,
            n,
            (0..n)
                .flat_map(|i| (0..n).map(move |j| (i, j)))
                .map(|(i, j)| qi(f(i, j)))
                .collect(),
        )
    };
    let minus_i = m(&|i, j| if i == j { -1 } else { 0 });
    let exchange = m(&|i, j| i64::from(i + j == n - 1));
    let flips = m(&|i, j| match (i == j, i) {
        (true, 0 | 1) => -1,
        (true, _) => 1,
        _ => 0,
    });
    for (w, mode) in [
        (&minus_i, Mode::Signed),
        (&exchange, Mode::Signed),
        (&flips, Mode::Positive),
        (&flips, Mode::Signed),
    ] {
        let a = approximate(w, &options(mode, eps.clone())).unwrap();
        assert_certified(w, &a, mode, &eps);
    }
}

#[test]
fn version_2_certificates_verify_and_tampering_is_rejected() {
    let w = glow_lu(8, 4);
    let a = approximate(&w, &options(Mode::Signed, q(1, 1_000_000))).unwrap();
    let cert = Certificate::within(
        w.clone(),
        a.decomposition.clone(),
        a.bound.rel_error.clone(),
    );
    let text = to_text(&cert);
    assert!(text.starts_with("couplings-certificate 2\n"));
    let verified = verify_text(&text).unwrap();
    assert_eq!(verified.bound, Some(a.bound.rel_error.clone()));
    assert_eq!(verified.rel_error_sq, Some(a.bound.rel_error_sq.clone()));
    assert_eq!(parse(&text).unwrap(), cert);

    // A bound that is too small: rejected.
    let mut tight = cert.clone();
    tight.bound = Some(&a.bound.rel_error / qi(1000));
    let e = verify_text(&to_text(&tight)).unwrap_err();
    assert_eq!(e.kind, ErrorKind::Rejected, "{e}");

    // One layer entry moved by 2^-10: the product leaves the bound.
    let mut moved = cert.clone();
    let layer = &mut moved.decomposition.layers[3];
    layer.scale[0] = &layer.scale[0] + q(1, 1024);
    let e = verify_text(&to_text(&moved)).unwrap_err();
    assert_eq!(e.kind, ErrorKind::Rejected, "{e}");
    assert!(matches!(
        check_within(&w, &moved.decomposition, &a.bound.rel_error),
        Err(BoundError::Exceeded { .. })
    ));

    // A non-dyadic entry: the bound checker refuses it.
    let mut third = cert.clone();
    third.decomposition.layers[0].scale[0] = q(1, 3);
    let e = verify_text(&to_text(&third)).unwrap_err();
    assert_eq!(e.kind, ErrorKind::Malformed, "{e}");

    // A version-1 certificate cannot carry a bound.
    let downgraded = text.replacen("couplings-certificate 2\n", "couplings-certificate 1\n", 1);
    let e = verify_text(&downgraded).unwrap_err();
    assert_eq!(e.kind, ErrorKind::Malformed, "{e}");

    // Exact (version-1) certificates are written and verified as before.
    let dec = decompose_with(&w, &Options::default()).unwrap();
    let exact = to_text(&Certificate::with_all_hints(w, dec));
    assert!(exact.starts_with("couplings-certificate 1\n"));
    assert_eq!(verify_text(&exact).unwrap().bound, None);
}

/// Runs the `couplings` binary; asserts success and returns its stdout.
fn couplings_ok(args: &[&str]) -> String {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_couplings"))
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// A fresh temporary directory for one test.
fn temp_dir(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("couplings-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn cli_decompose_with_tolerance_writes_a_checkable_certificate() {
    let dir = temp_dir("tol-decompose");
    let cert = dir.join("w.cert");
    let cert = cert.to_str().unwrap();
    let stdout = couplings_ok(&[
        "decompose",
        "examples/glow_lu_8.npy",
        "--tolerance",
        "1e-6",
        "--certificate",
        cert,
    ]);
    assert!(
        stdout.contains("certified: ||P - W||_F / ||W||_F <= "),
        "{stdout}"
    );
    assert!(stdout.contains("float32"), "{stdout}");
    let checked = couplings_ok(&["check", cert]);
    assert!(checked.contains("within the bound"), "{checked}");
    // A negative tolerance is bad input (exit code 2).
    let bad = std::process::Command::new(env!("CARGO_BIN_EXE_couplings"))
        .args(["decompose", "examples/glow_lu_8.npy", "--tolerance=-1e-6"])
        .output()
        .unwrap();
    assert_eq!(bad.status.code(), Some(2));
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn cli_export_with_tolerance_stores_exact_scales_and_the_bound() {
    let dir = temp_dir("tol-export");
    let path = dir.join("rot8.safetensors");
    let stdout = couplings_ok(&[
        "export",
        "examples/glow_random_rotation_8.npy",
        "--mode",
        "positive",
        "--tolerance",
        "1e-6",
        "-o",
        path.to_str().unwrap(),
    ]);
    assert!(
        stdout.contains("certified ||P - W||_F / ||W||_F <= "),
        "{stdout}"
    );
    assert!(
        stdout.contains("exp(log_scale) instead is off by"),
        "{stdout}"
    );
    let bytes = std::fs::read(&path).unwrap();
    let header_len = u64::from_le_bytes(bytes[..8].try_into().unwrap()) as usize;
    let header = String::from_utf8_lossy(&bytes[8..8 + header_len]);
    for key in [
        "layer.0.exact_scale",
        "layer.9.exact_scale_f32",
        "certified_rel_error",
        "certified_rel_error_sq",
        "log_scale_chain_rel_error",
        "\"entry_width\":\"float32\"",
        "\"strategy\":\"tolerance\"",
    ] {
        assert!(header.contains(key), "{key} missing from {header}");
    }
    std::fs::remove_dir_all(&dir).ok();
}

/// Regression (merge of issues 14, 16 and 17): flags the tolerance
/// construction cannot honour are refused with exit 2 and the reason, never
/// silently ignored.
#[test]
fn cli_tolerance_refuses_flags_it_cannot_honour() {
    let dir = temp_dir("tolerance-refusals");
    let file = dir.join("w.txt");
    std::fs::write(&file, "2 1 0 1\n1 1 3 0\n2 0 1 1\n1 1 0 2\n").unwrap();
    let f = file.to_str().unwrap();
    for (args, named) in [
        (
            vec!["decompose", f, "--tolerance", "1e-6", "--pad", "4"],
            "--pad",
        ),
        (
            vec![
                "decompose",
                f,
                "--tolerance",
                "1e-6",
                "--strategy",
                "balanced",
            ],
            "--strategy",
        ),
        (
            vec!["decompose", f, "--tolerance", "1e-6", "--seed", "3"],
            "--seed",
        ),
        (
            vec!["decompose", "--perm", "1 0 3 2", "--tolerance", "1e-6"],
            "--perm",
        ),
    ] {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_couplings"))
            .args(&args)
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
        assert!(
            err.contains("--tolerance") && err.contains(named),
            "{args:?}: {err}"
        );
    }
    // The same flags without a tolerance are fine.
    couplings_ok(&["decompose", f, "--strategy", "balanced", "--seed", "3"]);
}
