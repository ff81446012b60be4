//! Any dimension, any split (issue 8): every split `(p, q)` of every `n <= 10`
//! exhaustively, sampled splits up to `n = 32`, both modes, dense and
//! degenerate targets (permutations, block-diagonal, singular diagonal
//! blocks, sparse). Every result is checked with `couplings::check`, with the
//! exact `product() == target`, and against the proven bound
//! `construct::split::bound`. Also: typed errors for impossible splits, masks,
//! and the equal split left exactly as it was.

mod common;

use common::TestRng;
use couplings::construct::split::{bound, chunks, counting_lower_bound};
use couplings::construct::validate_split;
use couplings::exact::Matrix;
use couplings::families::SplitFamily;
use couplings::mask::{Mask, MaskError};
use couplings::{
    DecomposeError, Kind, Mode, Options, Split, Strategy, check, decompose_with, depth,
};
use num_traits::{Signed, Zero};
use proptest::prelude::{Just, ProptestConfig, any, prop_assert, proptest};
use proptest::strategy::Strategy as PStrategy;
use quickcheck::{Arbitrary, Gen, QuickCheck};

/// Test families, by index (`couplings::families`, shared with
/// `examples/split_table.rs`).
const FAMILIES: [SplitFamily; 6] = [
    SplitFamily::Dense(4),
    SplitFamily::Permutation,
    SplitFamily::BlockDiagonal,
    SplitFamily::SingularSmallBlock,
    SplitFamily::Monomial,
    SplitFamily::Sparse01,
];

/// An invertible target of family `family` for split `(p, n - p)`; `det > 0`
/// when `positive`.
fn target(seed: u64, family: usize, n: usize, p: usize, positive: bool) -> Matrix {
    FAMILIES[family].sample(&mut TestRng::new(seed).0, n, p, positive)
}

fn options(split: Split, mode: Mode) -> Options {
    Options {
        mode,
        split: Some(split),
        ..Options::default()
    }
}

/// Decomposes and checks in every way; returns the layer count.
fn verify(t: &Matrix, split: Split, mode: Mode) -> Result<usize, String> {
    let dec = decompose_with(t, &options(split, mode))
        .map_err(|e| format!("split {split:?} {mode:?}: {e} for {t:?}"))?;
    if dec.split != split {
        return Err(format!("split {:?} instead of {split:?}", dec.split));
    }
    check(t, &dec).map_err(|e| format!("checker rejected split {split:?} {mode:?}: {e}"))?;
    if dec.product() != *t {
        return Err(format!("product differs for split {split:?} {mode:?}"));
    }
    if mode == Mode::Positive
        && dec
            .layers
            .iter()
            .any(|l| l.scale.iter().any(|s| !s.is_positive()))
    {
        return Err("a scale is not positive".into());
    }
    let b = bound(split, mode);
    if dec.len() > b {
        return Err(format!(
            "{} layers > proven bound {b} for split {split:?} {mode:?}",
            dec.len()
        ));
    }
    Ok(dec.len())
}

#[test]
fn every_split_up_to_n10_every_family_both_modes() {
    for n in 2..=10 {
        for p in 1..n {
            let split = Split::new(p, n - p);
            for family in 0..FAMILIES.len() {
                for mode in [Mode::Signed, Mode::Positive] {
                    let seed = (n * 100 + p * 10 + family) as u64;
                    let t = target(seed, family, n, p, mode == Mode::Positive);
                    verify(&t, split, mode).unwrap();
                }
            }
        }
    }
}

#[test]
fn n2_split_1_1_works_and_is_the_default() {
    let t = Matrix::from_i64(&[&[0, 1], &[1, 0]]);
    let d = decompose_with(&t, &Options::default()).unwrap();
    assert_eq!(d.split, Split::new(1, 1));
    assert_eq!(d.product(), t);
    verify(&t, Split::new(1, 1), Mode::Signed).unwrap();
}

#[test]
fn default_split_is_floor_ceil() {
    for n in 2..=9 {
        let t = target(n as u64, 0, n, n / 2, false);
        let d = decompose_with(&t, &Options::default()).unwrap();
        assert_eq!(d.split, Split::new(n / 2, n - n / 2), "n = {n}");
        assert!(check(&t, &d).is_ok());
    }
}

/// The equal split keeps the shallow search exactly: an explicit `(d, d)` gives
/// the same layers as the default.
#[test]
fn equal_split_unchanged() {
    for n in [2, 4, 6, 8] {
        for family in 0..FAMILIES.len() {
            let t = target(7 + n as u64, family, n, n / 2, false);
            let a = decompose_with(&t, &Options::default()).unwrap();
            let b = decompose_with(&t, &options(Split::new(n / 2, n / 2), Mode::Signed)).unwrap();
            assert_eq!(a, b);
            assert!(a.len() <= 7);
        }
    }
}

#[test]
fn impossible_splits_are_typed_errors() {
    let t = Matrix::identity(4);
    for split in [
        Split::new(0, 4),
        Split::new(4, 0),
        Split::new(1, 2),
        Split::new(3, 3),
    ] {
        let err = decompose_with(&t, &options(split, Mode::Signed)).unwrap_err();
        let DecomposeError::UnsupportedSplit { n, reason } = &err else {
            panic!("{split:?}: {err:?}");
        };
        assert_eq!(*n, 4);
        assert!(reason.contains("does not fit"), "{reason}");
        assert!(reason.contains(&format!("({}, {})", split.first, split.second)));
        assert_eq!(validate_split(&t, Some(split)), Err(err.clone()));
    }
    let one = Matrix::from_i64(&[&[3]]);
    for mode in [Mode::Signed, Mode::Positive] {
        let err = decompose_with(&one, &options(Split::new(1, 0), mode)).unwrap_err();
        assert!(matches!(err, DecomposeError::UnsupportedSplit { n: 1, .. }));
        let err = decompose_with(&one, &Options::default()).unwrap_err();
        assert!(matches!(err, DecomposeError::UnsupportedSplit { n: 1, .. }));
    }
}

#[test]
fn other_strategies_refuse_unequal_splits_with_a_typed_error() {
    let t = target(3, 0, 5, 2, false);
    for strategy in [Strategy::Balanced, Strategy::Conditioned] {
        let o = Options {
            strategy,
            split: Some(Split::new(2, 3)),
            ..Options::default()
        };
        let err = decompose_with(&t, &o).unwrap_err();
        assert!(
            matches!(err, DecomposeError::UnsupportedStrategy { strategy: s, .. } if s == strategy),
            "{err:?}"
        );
    }
}

#[test]
fn positive_mode_rejects_negative_determinant_for_unequal_splits() {
    let t = Matrix::from_i64(&[&[0, 1, 0], &[1, 0, 0], &[0, 0, 1]]);
    let err = decompose_with(&t, &options(Split::new(1, 2), Mode::Positive)).unwrap_err();
    assert!(matches!(err, DecomposeError::NonPositiveDeterminant { .. }));
    let singular = Matrix::from_i64(&[&[1, 1, 0], &[1, 1, 0], &[0, 0, 1]]);
    let err = decompose_with(&singular, &options(Split::new(2, 1), Mode::Signed)).unwrap_err();
    let DecomposeError::Singular { kernel } = err else {
        panic!()
    };
    assert!(singular.mul_vec(&kernel).iter().all(Zero::is_zero));
}

/// Regression (issue 8): `depth` refused odd `n` with a message about the
/// half/half split only "so far"; it now says that the decision covers the
/// equal split and points to `decompose --split`.
#[test]
fn depth_refuses_odd_n_with_a_typed_error() {
    let t = target(1, 0, 5, 2, false);
    let err = depth::decide(&t, Mode::Signed).unwrap_err();
    let DecomposeError::UnsupportedSplit { n: 5, reason } = err else {
        panic!("{err:?}")
    };
    assert!(reason.contains("equal split"), "{reason}");
}

/// Regression (issue 8): odd dimensions used to be refused outright.
#[test]
fn odd_dimensions_decompose_by_default() {
    for n in [3, 5, 7, 9, 11] {
        let t = target(n as u64, 1, n, n / 2, true);
        for mode in [Mode::Signed, Mode::Positive] {
            let d = decompose_with(
                &t,
                &Options {
                    mode,
                    ..Options::default()
                },
            )
            .unwrap();
            assert!(check(&t, &d).is_ok());
        }
    }
}

#[test]
fn swapped_splits_mirror_each_other() {
    // (p, q) and (q, p) run the same construction on the block swap.
    let n = 7;
    let t = target(11, 0, n, 2, false);
    let a = decompose_with(&t, &options(Split::new(2, 5), Mode::Signed)).unwrap();
    let order: Vec<usize> = (5..7).chain(0..5).collect();
    let inv = couplings::layer::invert(&order);
    let s = t.permuted(&inv, &inv);
    let b = decompose_with(&s, &options(Split::new(5, 2), Mode::Signed)).unwrap();
    assert_eq!(a.len(), b.len());
    for (x, y) in a.layers.iter().zip(&b.layers) {
        assert_eq!(x.kind, y.kind.other());
        assert_eq!(x.shift, y.shift);
    }
}

#[test]
fn bound_and_counting_bound_shapes() {
    for n in 2..=32 {
        for p in 1..n {
            let s = Split::new(p, n - p);
            let lb = counting_lower_bound(s);
            assert!(lb <= bound(s, Mode::Signed));
            assert!(bound(s, Mode::Signed) + 2 == bound(s, Mode::Positive));
            assert_eq!(
                bound(s, Mode::Signed),
                bound(Split::new(n - p, p), Mode::Signed)
            );
            let (a, b) = (p.min(n - p), p.max(n - p));
            let c = chunks(a, b);
            assert_eq!(c.len(), b.div_ceil(a));
            assert_eq!(c.last().unwrap().end, b);
        }
    }
    // The layer kinds: a lower layer of split (1, 15) has 30 parameters, an
    // upper one 16; 11 layers have 6 * 30 + 5 * 16 = 260 >= 256 parameters.
    assert_eq!(counting_lower_bound(Split::new(1, 15)), 11);
    let _ = Kind::Lower;
}

#[test]
fn masks_reorder_and_validate() {
    let t = target(5, 0, 6, 3, false);
    let mask = Mask::new(6, &[4, 0, 2]).unwrap();
    assert_eq!(mask.first(), &[0, 2, 4]);
    assert_eq!(mask.order(), vec![0, 2, 4, 1, 3, 5]);
    let c = mask.conjugate(&t);
    assert_eq!(mask.unconjugate(&c), t);
    let dec = decompose_with(&c, &options(mask.split(), Mode::Signed)).unwrap();
    assert_eq!(mask.unconjugate(&dec.product()), t);
    assert!(Mask::new(6, &[0, 1, 2]).unwrap().is_prefix());
    assert_eq!(Mask::new(6, &[]), Err(MaskError::Empty));
    assert_eq!(Mask::new(3, &[0, 1, 2]), Err(MaskError::Full { n: 3 }));
    assert_eq!(
        Mask::new(3, &[7]),
        Err(MaskError::OutOfRange { index: 7, n: 3 })
    );
    assert_eq!(Mask::new(3, &[2, 2]), Err(MaskError::Repeated { index: 2 }));
    assert!(Mask::parse(3, "0 -1").is_err());
    let err = Mask::new(3, &[7]).unwrap_err().to_string();
    assert!(err.contains('7'), "{err}");
    // JSON round trip of the optional field.
    let json = mask.add_to_json(&couplings::io::decomposition_to_json(&dec));
    let back = couplings::mask::mask_from_json(&json).unwrap().unwrap();
    assert_eq!(back, mask);
    let read = couplings::io::decomposition_from_json(&json).unwrap();
    assert_eq!(read, dec);
}

// ---------------------------------------------------------------------------
// Property tests: proptest over all splits n <= 10 and sampled splits up to 32.
// ---------------------------------------------------------------------------

fn small_case() -> impl PStrategy<Value = (usize, usize, usize, u64)> {
    (2usize..=10)
        .prop_flat_map(|n| (Just(n), 1..n, 0..FAMILIES.len(), any::<u64>()))
        .prop_map(|(n, p, f, s)| (n, p, f, s))
}

fn large_case() -> impl PStrategy<Value = (usize, usize, usize, u64)> {
    // Unequal splits up to n = 32 with the smaller part at most 4 (the window
    // search costs grow with the smaller part; the equal split is covered by
    // tests/construct_props.rs), plus a few with a larger smaller part.
    (11usize..=32)
        .prop_flat_map(|n| {
            (
                Just(n),
                1usize..=4,
                any::<bool>(),
                0..FAMILIES.len(),
                any::<u64>(),
            )
        })
        .prop_map(|(n, s, flip, f, seed)| (n, if flip { n - s } else { s }, f, seed))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn prop_all_splits_up_to_n10((n, p, family, seed) in small_case()) {
        for mode in [Mode::Signed, Mode::Positive] {
            let t = target(seed, family, n, p, mode == Mode::Positive);
            let r = verify(&t, Split::new(p, n - p), mode);
            prop_assert!(r.is_ok(), "{}", r.unwrap_err());
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 8, ..ProptestConfig::default() })]

    #[test]
    fn prop_sampled_splits_up_to_n32((n, p, family, seed) in large_case()) {
        let mode = if seed % 2 == 0 { Mode::Signed } else { Mode::Positive };
        let t = target(seed, family, n, p, mode == Mode::Positive);
        let r = verify(&t, Split::new(p, n - p), mode);
        prop_assert!(r.is_ok(), "{}", r.unwrap_err());
    }
}

// ---------------------------------------------------------------------------
// quickcheck: the same property with its own generator.
// ---------------------------------------------------------------------------

#[derive(Debug, Clone)]
struct SplitCase {
    n: usize,
    p: usize,
    family: usize,
    seed: u64,
    positive: bool,
}

impl Arbitrary for SplitCase {
    fn arbitrary(g: &mut Gen) -> SplitCase {
        let n = 2 + usize::arbitrary(g) % 9;
        SplitCase {
            n,
            p: 1 + usize::arbitrary(g) % (n - 1),
            family: usize::arbitrary(g) % FAMILIES.len(),
            seed: u64::arbitrary(g),
            positive: bool::arbitrary(g),
        }
    }
}

#[test]
fn quickcheck_all_splits_up_to_n10() {
    fn prop(c: SplitCase) -> bool {
        let mode = if c.positive {
            Mode::Positive
        } else {
            Mode::Signed
        };
        let t = target(c.seed, c.family, c.n, c.p, c.positive);
        match verify(&t, Split::new(c.p, c.n - c.p), mode) {
            Ok(_) => true,
            Err(e) => {
                eprintln!("{c:?}: {e}");
                false
            }
        }
    }
    QuickCheck::new()
        .tests(48)
        .quickcheck(prop as fn(SplitCase) -> bool);
}

// ---------------------------------------------------------------------------
// Command line: --split, --mask, check and explain for unequal splits.
// ---------------------------------------------------------------------------

const BIN: &str = env!("CARGO_BIN_EXE_couplings");

fn run(args: &[&str]) -> std::process::Output {
    std::process::Command::new(BIN)
        .args(args)
        .output()
        .expect("the binary runs")
}

fn temp_file(name: &str, text: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("couplings-splits-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

#[test]
fn cli_split_and_mask_round_trip_through_check() {
    let m = temp_file(
        "m5.txt",
        "0 1 0 0 0\n0 0 2 0 0\n1 0 0 0 1\n0 0 0 1 0\n0 3 0 1 1\n",
    );
    let m = m.to_str().unwrap();
    for extra in [
        vec!["--split", "1"],
        vec!["--split", "4"],
        vec!["--mask", "0 2"],
        vec!["--mask", "4,1,3"],
        vec!["--mask", "0 1"],
    ] {
        let json = temp_file("layers.json", "");
        let mut args = vec![
            "decompose",
            m,
            "--format",
            "json",
            "--output",
            json.to_str().unwrap(),
        ];
        args.extend(&extra);
        let out = run(&args);
        assert!(
            out.status.success(),
            "{extra:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let text = std::fs::read_to_string(&json).unwrap();
        let non_prefix = extra[0] == "--mask" && extra[1] != "0 1";
        assert_eq!(text.contains("\"mask\""), non_prefix, "{extra:?}: {text}");
        let out = run(&["check", m, "--layers", json.to_str().unwrap()]);
        assert!(
            out.status.success(),
            "{extra:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let out = run(&["explain", m]
            .iter()
            .copied()
            .chain(extra.iter().copied())
            .collect::<Vec<_>>());
        assert!(out.status.success(), "explain {extra:?}");
        assert!(
            String::from_utf8_lossy(&out.stdout).contains("Verified by the independent checker")
        );
    }
    // Text output states the mask.
    let out = run(&["decompose", m, "--mask", "1 3"]);
    assert!(
        String::from_utf8_lossy(&out.stdout).starts_with("mask: first part = coordinates [1, 3]")
    );
}

#[test]
fn cli_bad_splits_and_masks_exit_2_naming_the_problem() {
    let m = temp_file("m3.txt", "0 1 0\n0 0 1\n1 0 0\n");
    let m = m.to_str().unwrap();
    for (args, needle) in [
        (vec!["--mask", "0 3"], "coordinate 3 is out of range"),
        (vec!["--mask", "2 2"], "coordinate 2 is listed twice"),
        (vec!["--mask", ""], "the mask is empty"),
        (vec!["--mask", "0 1 2"], "lists all 3 coordinates"),
        (vec!["--mask", "a"], "`a` is not a coordinate index"),
        // The flag as written, not the split it would make (issue 17).
        (vec!["--split", "0"], "--split 0 does not fit n = 3"),
        (vec!["--split", "3"], "--split 3 does not fit n = 3"),
    ] {
        let mut all = vec!["decompose", m];
        all.extend(&args);
        let out = run(&all);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(needle), "{args:?}: {err}");
    }
    let one = temp_file("one.txt", "5\n");
    let out = run(&["decompose", one.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("n must be at least 2"));
}

/// Unequal splits with a large smaller part at n = 32 (the proptest above keeps
/// the smaller part <= 4 for speed): permutations and block-diagonal targets.
#[test]
fn large_smaller_part_at_n32() {
    let n = 32;
    for (p, family, mode) in [
        (12, 1, Mode::Signed),
        (20, 1, Mode::Positive),
        (15, 2, Mode::Signed),
        (11, 3, Mode::Signed),
    ] {
        let t = target(p as u64, family, n, p, mode == Mode::Positive);
        verify(&t, Split::new(p, n - p), mode).unwrap();
    }
}

#[test]
fn certificates_and_json_carry_unequal_splits() {
    for (n, p) in [(3, 1), (5, 3), (7, 2)] {
        let t = target(n as u64, 0, n, p, false);
        let dec = decompose_with(&t, &options(Split::new(p, n - p), Mode::Signed)).unwrap();
        let cert = couplings::certificate::Certificate::with_all_hints(t.clone(), dec.clone());
        let text = couplings::certificate::to_text(&cert);
        let verified = couplings::certificate::verify_text(&text).unwrap();
        assert_eq!(verified.split, Split::new(p, n - p));
        let json = couplings::io::decomposition_to_json(&dec);
        assert_eq!(couplings::io::decomposition_from_json(&json).unwrap(), dec);
        let md = couplings::explain::explain(&t, &options(Split::new(p, n - p), Mode::Signed), "t")
            .unwrap();
        assert!(md.contains(&format!("split ({p}, {})", n - p)), "{md}");
        assert!(!md.contains("REJECTED"));
    }
}
