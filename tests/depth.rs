//! Tests of the minimal-depth decision (`couplings::depth`): random products of
//! at most three layers (including singular and zero shifts) get at most that
//! many layers with a decomposition the independent checker accepts; random dense
//! matrices get a certified ">= 4" that the re-checker accepts; the lower-bound
//! families of `examples/` are certified; tampered certificates are rejected.

use couplings::construct::rng::Rng;
use couplings::depth::recheck::{
    Certificate, Contradiction, Fact, Shape, ShapeFailure, recheck, recheck_shape,
};
use couplings::depth::{Outcome, decide, minimal_depth};
use couplings::exact::{Matrix, Q, q, qi};
// The family of `docs/lower-bounds.md`: `[[0, B], [I, 0]]` with `B = I + E_12`.
use couplings::families::swap_family as family;
use couplings::{Layer, Mode, Split, check};
use num_traits::{Signed, Zero};

fn small_q(rng: &mut Rng) -> Q {
    q(rng.range(-3, 3), rng.range(1, 2))
}

fn scale(rng: &mut Rng, positive: bool) -> Q {
    let x = q(rng.range(1, 4), rng.range(1, 3));
    if !positive && rng.range(0, 1) == 1 {
        -x
    } else {
        x
    }
}

/// A random shift block: dense, rank-deficient, zero, or sparse.
fn shift(rng: &mut Rng, d: usize) -> Matrix {
    match rng.range(0, 4) {
        0 => Matrix::from_vec(d, d, (0..d * d).map(|_| small_q(rng)).collect()),
        1 => {
            // rank <= k < d: a product of d x k and k x d.
            let k = rng.range(0, d as i64 - 1) as usize;
            let a = Matrix::from_vec(d, k, (0..d * k).map(|_| small_q(rng)).collect());
            let b = Matrix::from_vec(k, d, (0..d * k).map(|_| small_q(rng)).collect());
            &a * &b
        }
        2 => Matrix::zeros(d, d),
        _ => Matrix::from_vec(
            d,
            d,
            (0..d * d)
                .map(|_| {
                    if rng.range(0, 3) == 0 {
                        qi(rng.range(-2, 2))
                    } else {
                        Q::zero()
                    }
                })
                .collect(),
        ),
    }
}

fn random_layer(rng: &mut Rng, d: usize, lower: bool, positive: bool) -> Layer {
    let s = shift(rng, d);
    let sc: Vec<Q> = (0..d)
        .map(|_| {
            if rng.range(0, 2) == 0 {
                qi(1)
            } else {
                scale(rng, positive)
            }
        })
        .collect();
    if lower {
        Layer::lower(s, sc)
    } else {
        Layer::upper(s, sc)
    }
}

fn product(layers: &[Layer], n: usize) -> Matrix {
    layers
        .iter()
        .fold(Matrix::identity(n), |m, l| l.apply_matrix(&m))
}

fn random_products(mode: Mode, seed: u64, cases: usize) {
    let positive = mode == Mode::Positive;
    let mut rng = Rng::new(seed);
    let mut counts = [0usize; 4];
    for case in 0..cases {
        let d = [1usize, 2, 3, 4][case % 4];
        let n = 2 * d;
        let k = rng.range(0, 3) as usize;
        let mut lower = rng.range(0, 1) == 1;
        let mut layers = Vec::new();
        for _ in 0..k {
            layers.push(random_layer(&mut rng, d, lower, positive));
            lower = !lower;
        }
        let t = product(&layers, n);
        let outcome = decide(&t, mode).unwrap();
        match outcome {
            Outcome::Exact {
                layers: got,
                decomposition,
                shape,
                shorter,
            } => {
                assert!(got <= k, "case {case}: {got} > {k} layers for {t:?}");
                couplings::depth::recheck::recheck_below(&t, mode, got, &shorter).unwrap();
                assert_eq!(decomposition.len(), got);
                assert_eq!(shape.layers(), got);
                assert_eq!(decomposition.split, Split::halves(n));
                check(&t, &decomposition)
                    .unwrap_or_else(|e| panic!("case {case}: check failed: {e}"));
                counts[got] += 1;
            }
            other => panic!("case {case}: {k}-layer product {t:?} got {other:?}"),
        }
    }
    // The generator must reach every depth.
    assert!(counts.iter().all(|&c| c > 0), "{counts:?}");
}

#[test]
fn random_short_products_signed() {
    random_products(Mode::Signed, 1, 1200);
}

#[test]
fn random_short_products_positive() {
    random_products(Mode::Positive, 2, 1200);
}

/// Three-layer products whose middle shift is singular (rank 0 .. d - 1), the
/// case the old recogniser could not decide.
#[test]
fn three_layer_products_with_singular_middle_shift() {
    for mode in [Mode::Signed, Mode::Positive] {
        let positive = mode == Mode::Positive;
        let mut rng = Rng::new(7 + positive as u64);
        for case in 0..400 {
            let d = 2 + case % 3;
            let k = rng.range(0, d as i64 - 1) as usize;
            let a = Matrix::from_vec(d, k, (0..d * k).map(|_| small_q(&mut rng)).collect());
            let b = Matrix::from_vec(k, d, (0..d * k).map(|_| small_q(&mut rng)).collect());
            let mut mid = random_layer(&mut rng, d, true, positive);
            mid.shift = &a * &b;
            let start_lower = rng.range(0, 1) == 1;
            let mut layers = vec![
                random_layer(&mut rng, d, !start_lower, positive),
                mid,
                random_layer(&mut rng, d, !start_lower, positive),
            ];
            if start_lower {
                layers = layers.iter().map(Layer::swapped).collect();
            }
            let t = product(&layers, 2 * d);
            match decide(&t, mode).unwrap() {
                Outcome::Exact {
                    layers: got,
                    decomposition,
                    ..
                } => {
                    assert!(got <= 3);
                    check(&t, &decomposition).unwrap();
                }
                other => panic!("case {case}: {other:?} for {t:?}"),
            }
        }
    }
}

fn dense(rng: &mut Rng, n: usize) -> Matrix {
    Matrix::from_vec(n, n, (0..n * n).map(|_| qi(rng.range(-9, 9))).collect())
}

#[test]
fn random_dense_matrices_need_at_least_four() {
    let mut rng = Rng::new(11);
    for (i, n) in [8usize, 8, 8, 10, 10, 12, 16].into_iter().enumerate() {
        let t = dense(&mut rng, n);
        for mode in [Mode::Signed, Mode::Positive] {
            match decide(&t, mode).unwrap() {
                Outcome::AtLeastFour { certificate } => {
                    assert_eq!(certificate.failures.len(), 7);
                    recheck(&t, &certificate).unwrap();
                }
                other => panic!("dense case {i} (n = {n}): {other:?}"),
            }
        }
    }
}

#[test]
fn report_includes_the_upper_bound() {
    let mut rng = Rng::new(5);
    let t = dense(&mut rng, 8);
    let report = minimal_depth(&t, Mode::Signed).unwrap();
    assert!(matches!(report.outcome, Outcome::AtLeastFour { .. }));
    let upper = report.upper.as_ref().unwrap();
    assert_eq!(upper.product(), t);
    assert!(report.upper_bound().unwrap() >= 4);
}

fn load(name: &str) -> Matrix {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("examples")
        .join(name);
    couplings::io::read_matrix(&path).unwrap()
}

#[test]
fn lower_bound_families_are_certified() {
    for n in [4usize, 6, 8] {
        let t = load(&format!("lower_bound_{n}.txt"));
        assert_eq!(t, family(n / 2));
        for mode in [Mode::Signed, Mode::Positive] {
            let Outcome::AtLeastFour { certificate } = decide(&t, mode).unwrap() else {
                panic!("n = {n}: not certified");
            };
            recheck(&t, &certificate).unwrap();
        }
    }
    for d in 2..=8 {
        let t = family(d);
        let Outcome::AtLeastFour { certificate } = decide(&t, Mode::Signed).unwrap() else {
            panic!("d = {d}: not certified");
        };
        recheck(&t, &certificate).unwrap();
    }
}

#[test]
fn small_exact_cases() {
    let rot = Matrix::from_i64(&[&[0, 0, -1, 0], &[0, 0, 0, -1], &[1, 0, 0, 0], &[0, 1, 0, 0]]);
    let Outcome::Exact { layers, .. } = decide(&rot, Mode::Signed).unwrap() else {
        panic!()
    };
    assert_eq!(layers, 3);
    assert!(matches!(
        decide(&Matrix::identity(4), Mode::Positive).unwrap(),
        Outcome::Exact { layers: 0, .. }
    ));
    // The swap of halves is U L U in signed mode ([[0, I], [I, 0]] = U(I) L(-I..)...).
    let swap = Matrix::from_i64(&[&[0, 0, 1, 0], &[0, 0, 0, 1], &[1, 0, 0, 0], &[0, 1, 0, 0]]);
    match decide(&swap, Mode::Signed).unwrap() {
        Outcome::Exact {
            layers,
            decomposition,
            ..
        } => {
            assert_eq!(layers, 3);
            check(&swap, &decomposition).unwrap();
        }
        other => panic!("{other:?}"),
    }
    // In positive mode the swap of halves (det = 1 for d = 2) needs at least 4.
    match decide(&swap, Mode::Positive).unwrap() {
        Outcome::AtLeastFour { certificate } => recheck(&swap, &certificate).unwrap(),
        other => panic!("{other:?}"),
    }
}

#[test]
fn negative_determinant_in_positive_mode() {
    let t = Matrix::from_i64(&[&[0, 1], &[1, 0]]);
    let Outcome::AtLeastFour { certificate } = decide(&t, Mode::Positive).unwrap() else {
        panic!()
    };
    assert!(
        certificate
            .failures
            .iter()
            .all(|(_, f)| matches!(f, ShapeFailure::Determinant { det } if det.is_negative()))
    );
    recheck(&t, &certificate).unwrap();
}

fn certificate_of(t: &Matrix, mode: Mode) -> Certificate {
    match decide(t, mode).unwrap() {
        Outcome::AtLeastFour { certificate } => certificate,
        other => panic!("{other:?}"),
    }
}

#[test]
fn tampered_certificates_are_rejected() {
    let t = family(3);
    let cert = certificate_of(&t, Mode::Signed);
    // Against another matrix (a 3-layer product) it must fail.
    let rot = Matrix::from_blocks(
        &Matrix::zeros(3, 3),
        &(-&Matrix::identity(3)),
        &Matrix::identity(3),
        &Matrix::zeros(3, 3),
    );
    assert!(recheck(&rot, &cert).is_err());
    // Dropping a shape fails.
    let mut short = cert.clone();
    short.failures.retain(|(s, _)| *s != Shape::Lul);
    assert!(recheck(&t, &short).is_err());
    // Changing a contradiction or a fact fails.
    for (shape, failure) in &cert.failures {
        if let ShapeFailure::ThreeLayers(c) = failure {
            let mut c2 = (**c).clone();
            c2.contradiction = match &c.contradiction {
                Contradiction::Single { .. } => Contradiction::Combination { terms: vec![] },
                Contradiction::Combination { terms } => Contradiction::Combination {
                    terms: terms.iter().map(|(i, m)| (*i, 2 * m)).skip(1).collect(),
                },
            };
            let bad = ShapeFailure::ThreeLayers(Box::new(c2));
            assert!(recheck_shape(&t, Mode::Signed, *shape, &bad).is_err());
            let mut c3 = (**c).clone();
            for f in &mut c3.facts {
                if let Fact::Kernel { vector, .. } | Fact::LeftKernel { vector, .. } = f {
                    vector[0] += qi(1);
                }
            }
            if c3.facts != c.facts {
                let bad = ShapeFailure::ThreeLayers(Box::new(c3));
                assert!(recheck_shape(&t, Mode::Signed, *shape, &bad).is_err());
            }
        }
    }
}

/// Singular `T21` of every rank: targets that are not 3-layer products get
/// certificates, targets that are get decompositions, and the two never mix.
#[test]
fn singular_t21_targets_are_decided() {
    let mut rng = Rng::new(99);
    let mut yes = 0;
    let mut no = 0;
    for case in 0..300 {
        let d = 2 + case % 3;
        let n = 2 * d;
        // A 3-layer product, then a perturbation of one entry of T12.
        let mut mid = random_layer(&mut rng, d, true, false);
        let k = rng.range(0, d as i64 - 1) as usize;
        let a = Matrix::from_vec(d, k, (0..d * k).map(|_| small_q(&mut rng)).collect());
        let b = Matrix::from_vec(k, d, (0..d * k).map(|_| small_q(&mut rng)).collect());
        mid.shift = &a * &b;
        let layers = vec![
            random_layer(&mut rng, d, false, false),
            mid,
            random_layer(&mut rng, d, false, false),
        ];
        let mut t = product(&layers, n);
        let (i, j) = (
            rng.range(0, d as i64 - 1) as usize,
            rng.range(0, d as i64 - 1) as usize,
        );
        let v = t.get(i, d + j) + qi(rng.range(1, 2));
        t.set(i, d + j, v);
        if t.det().is_zero() {
            continue;
        }
        match decide(&t, Mode::Signed).unwrap() {
            Outcome::Exact { decomposition, .. } => {
                check(&t, &decomposition).unwrap();
                yes += 1;
            }
            Outcome::AtLeastFour { certificate } => {
                recheck(&t, &certificate).unwrap();
                no += 1;
            }
            Outcome::Unknown { reason } => panic!("case {case}: unknown: {reason}"),
        }
    }
    assert!(yes > 0 && no > 0, "yes {yes}, no {no}");
}

/// Every signed permutation matrix of size 4 (384 of them) and a sample of size
/// 6: the decision agrees with the independent checks, and never exceeds the
/// length `decompose` finds.
#[test]
fn signed_permutations_are_decided_consistently() {
    let mut rng = Rng::new(3);
    let mut cases: Vec<Matrix> = Vec::new();
    let perms4 = permutations(4);
    for p in &perms4 {
        for signs in 0..16u32 {
            cases.push(signed_perm(p, |i| signs >> i & 1 == 1));
        }
    }
    for p in permutations(6).iter().step_by(7) {
        let s: Vec<bool> = (0..6).map(|_| rng.range(0, 1) == 1).collect();
        cases.push(signed_perm(p, |i| s[i]));
    }
    let mut depths = [0usize; 5];
    for t in &cases {
        for mode in [Mode::Signed, Mode::Positive] {
            let report = minimal_depth(t, mode).unwrap();
            match &report.outcome {
                Outcome::Exact {
                    layers,
                    decomposition,
                    ..
                } => {
                    check(t, decomposition).unwrap();
                    depths[*layers] += 1;
                    if let Ok(dec) = couplings::decompose_with(
                        t,
                        &couplings::Options {
                            mode,
                            ..couplings::Options::default()
                        },
                    ) {
                        assert!(*layers <= dec.len());
                    }
                }
                Outcome::AtLeastFour { certificate } => {
                    recheck(t, certificate).unwrap();
                    depths[4] += 1;
                    if let Some(upper) = &report.upper {
                        assert!(upper.len() >= 4, "decompose found {} layers", upper.len());
                    }
                }
                Outcome::Unknown { reason } => panic!("unknown: {reason}"),
            }
        }
    }
    assert!(depths.iter().all(|&c| c > 0), "{depths:?}");
}

fn permutations(n: usize) -> Vec<Vec<usize>> {
    if n == 0 {
        return vec![Vec::new()];
    }
    let mut out = Vec::new();
    for p in permutations(n - 1) {
        for pos in 0..n {
            let mut q = p.clone();
            q.insert(pos, n - 1);
            out.push(q);
        }
    }
    out
}

fn signed_perm(p: &[usize], negative: impl Fn(usize) -> bool) -> Matrix {
    let n = p.len();
    let mut m = Matrix::zeros(n, n);
    for (i, &j) in p.iter().enumerate() {
        m.set(i, j, if negative(i) { qi(-1) } else { qi(1) });
    }
    m
}

#[test]
fn cli_depth_subcommand() {
    let exe = env!("CARGO_BIN_EXE_couplings");
    let file = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/lower_bound_4.txt");
    let out = std::process::Command::new(exe)
        .arg("depth")
        .arg(&file)
        .output()
        .unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("at least 4"), "{text}");
    assert!(
        text.contains("not ULU") && text.contains("not LUL"),
        "{text}"
    );
    assert!(text.contains("upper bound: 5 layers"), "{text}");
    let out = std::process::Command::new(exe)
        .args(["depth", "-", "--mode", "positive"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .and_then(|mut child| {
            use std::io::Write;
            child
                .stdin
                .take()
                .unwrap()
                .write_all(b"0 0 -1 0\n0 0 0 -1\n1 0 0 0\n0 1 0 0\n")?;
            child.wait_with_output()
        })
        .unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("minimal depth: 3"), "{text}");
}

/// The positive-mode family `diag(-I, J)` of `docs/lower-bounds.md` (section 6).
fn positive_family(d: usize) -> Matrix {
    let mut diag: Vec<Q> = vec![qi(-1); d];
    diag.extend((0..d).map(|i| if i == 0 && d % 2 == 1 { qi(-1) } else { qi(1) }));
    Matrix::from_diagonal(&diag)
}

/// Theorem 3 says `T L2^-1` and `S T S L2^-1` are never positive `U L U`
/// products; check that on random positive lower layers `L2`.
#[test]
fn positive_family_needs_five() {
    let mut rng = Rng::new(21);
    for n in [4usize, 6, 8] {
        assert_eq!(
            load(&format!("lower_bound_positive_{n}.txt")),
            positive_family(n / 2)
        );
    }
    for d in 2..=5 {
        let t = positive_family(d);
        assert!(t.det() > qi(0));
        for target in [t.clone(), swap_matrix(&t)] {
            let Outcome::AtLeastFour { certificate } = decide(&target, Mode::Positive).unwrap()
            else {
                panic!("d = {d}");
            };
            recheck(&target, &certificate).unwrap();
            for _ in 0..40 {
                let l2 = random_layer(&mut rng, d, true, true);
                let m = l2.inverse().to_matrix(Split::halves(2 * d));
                let peeled = &target * &m;
                match decide(&peeled, Mode::Positive).unwrap() {
                    Outcome::AtLeastFour { certificate } => recheck(&peeled, &certificate).unwrap(),
                    other => panic!("d = {d}: {other:?}"),
                }
            }
        }
    }
}

fn swap_matrix(t: &Matrix) -> Matrix {
    couplings::depth::recheck::swap_halves(t)
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(64))]

    /// proptest-driven seeds for the short-product property (both modes).
    #[test]
    fn prop_short_products_get_at_most_k_layers(seed in proptest::prelude::any::<u64>()) {
        let mut rng = Rng::new(seed);
        for mode in [Mode::Signed, Mode::Positive] {
            let positive = mode == Mode::Positive;
            let d = rng.range(1, 4) as usize;
            let k = rng.range(0, 3) as usize;
            let mut lower = rng.range(0, 1) == 1;
            let mut layers = Vec::new();
            for _ in 0..k {
                layers.push(random_layer(&mut rng, d, lower, positive));
                lower = !lower;
            }
            let t = product(&layers, 2 * d);
            match decide(&t, mode).unwrap() {
                Outcome::Exact { layers: got, decomposition, shorter, .. } => {
                    proptest::prop_assert!(got <= k);
                    proptest::prop_assert!(check(&t, &decomposition).is_ok());
                    proptest::prop_assert!(
                        couplings::depth::recheck::recheck_below(&t, mode, got, &shorter).is_ok()
                    );
                }
                other => proptest::prop_assert!(false, "{:?}", other),
            }
        }
    }
}
