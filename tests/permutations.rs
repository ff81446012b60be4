//! The routed permutation construction (`couplings::decompose_permutation`):
//! every permutation for n <= 8 in both modes (odd ones in positive mode must be
//! refused with the typed error), random permutations up to n = 64, the entry
//! bound (every entry p/q with |p| <= 2, q <= 2), the proven layer bound (12),
//! the exact product and the independent checker; input validation; proptest
//! and quickcheck properties. `table_for_docs` (ignored) prints the table of
//! `docs/permutations.md`.

mod common;

use common::{TestRng, all_permutations};
use couplings::construct::permutation::{
    PermutationConstruction, PermutationOptions, ROUTED_MAX_LAYERS, is_even, parse_permutation,
    permutation_matrix, small_entry, validate_permutation,
};
use couplings::exact::{Q, qi};
use couplings::{
    Decomposition, Mode, PermutationError, check, decompose_permutation, decompose_permutation_with,
};
use num_traits::Signed;
use proptest::prelude::*;
use rayon::prelude::*;

fn options(mode: Mode) -> PermutationOptions {
    PermutationOptions {
        mode,
        construction: PermutationConstruction::Routed,
        ..Default::default()
    }
}

/// Every assertion the routed construction must satisfy, for one permutation and
/// mode; returns the layer count.
fn verify_routed(perm: &[usize], mode: Mode) -> usize {
    let target = permutation_matrix(perm);
    let dec = decompose_permutation_with(perm, &options(mode))
        .unwrap_or_else(|e| panic!("{perm:?} ({}): {e}", mode.name()));
    // `check` multiplies out exactly on its own; the crate's product as well
    // where it is cheap (the exhaustive n = 8 runs rely on `check`).
    if perm.len() != 8 {
        assert_eq!(dec.product(), target, "{perm:?}: product");
    }
    assert!(
        dec.len() <= ROUTED_MAX_LAYERS,
        "{perm:?}: {} layers",
        dec.len()
    );
    for l in &dec.layers {
        assert!(
            l.shift.entries().iter().chain(&l.scale).all(small_entry),
            "{perm:?}: entry bound"
        );
        if mode == Mode::Positive {
            assert!(l.scale.iter().all(Signed::is_positive), "{perm:?}: scales");
        }
    }
    if perm.len() <= 32 {
        check(&target, &dec).unwrap_or_else(|e| panic!("{perm:?}: checker: {e}"));
    }
    dec.len()
}

/// Layer-count histogram (index = count) over a set of permutations.
fn histogram(perms: &[Vec<usize>], mode: Mode) -> Vec<usize> {
    perms
        .par_iter()
        .map(|p| {
            if mode == Mode::Positive && !is_even(p) {
                let err = decompose_permutation_with(p, &options(mode)).unwrap_err();
                assert_eq!(err, PermutationError::OddInPositiveMode { n: p.len() });
                None
            } else {
                Some(verify_routed(p, mode))
            }
        })
        .fold(
            || vec![0usize; ROUTED_MAX_LAYERS + 1],
            |mut h, c| {
                if let Some(c) = c {
                    h[c] += 1;
                }
                h
            },
        )
        .reduce(
            || vec![0usize; ROUTED_MAX_LAYERS + 1],
            |a, b| a.iter().zip(&b).map(|(x, y)| x + y).collect(),
        )
}

fn render(h: &[usize]) -> String {
    h.iter()
        .enumerate()
        .filter(|(_, c)| **c > 0)
        .map(|(k, c)| format!("{k}:{c}"))
        .collect::<Vec<_>>()
        .join(" ")
}

#[test]
fn every_permutation_up_to_8_both_modes() {
    for n in [2, 4, 6, 8] {
        let perms = all_permutations(n);
        for mode in [Mode::Signed, Mode::Positive] {
            let h = histogram(&perms, mode);
            eprintln!("n = {n} {}: {}", mode.name(), render(&h));
        }
    }
}

#[test]
fn random_permutations_up_to_64_both_modes() {
    let mut rng = TestRng::new(5);
    for n in [10, 12, 16, 24, 32, 48, 64] {
        for _ in 0..6 {
            let p = rng.permutation(n);
            verify_routed(&p, Mode::Signed);
            if is_even(&p) {
                verify_routed(&p, Mode::Positive);
            } else {
                let mut q = p.clone();
                q.swap(0, 1);
                verify_routed(&q, Mode::Positive);
            }
        }
    }
}

/// Largest `|p|` and `q` over all entries of a decomposition.
fn max_entry(dec: &Decomposition) -> (u64, u64) {
    let mut best = (0u64, 0u64);
    for l in &dec.layers {
        for x in l.shift.entries().iter().chain(&l.scale) {
            let p = u64::try_from(x.numer().abs()).unwrap_or(u64::MAX);
            let q = u64::try_from(x.denom().clone()).unwrap_or(u64::MAX);
            best = (best.0.max(p), best.1.max(q));
        }
    }
    best
}

/// Worst layer count, largest (|p|, q) and largest entry bit size of one
/// construction over a set of permutations (positive mode: the even ones).
fn survey(
    perms: &[Vec<usize>],
    mode: Mode,
    construction: PermutationConstruction,
) -> (usize, (u64, u64), u64) {
    let opts = PermutationOptions {
        mode,
        construction,
        ..Default::default()
    };
    perms
        .par_iter()
        .filter(|p| mode == Mode::Signed || is_even(p))
        .map(|p| {
            let dec = decompose_permutation_with(p, &opts).unwrap();
            (dec.len(), max_entry(&dec), dec.max_bits())
        })
        .reduce(
            || (0, (0, 0), 0),
            |a, b| {
                (
                    a.0.max(b.0),
                    (a.1.0.max(b.1.0), a.1.1.max(b.1.1)),
                    a.2.max(b.2),
                )
            },
        )
}

/// Prints the table of `docs/permutations.md`:
/// `cargo test --test permutations table_for_docs -- --ignored --nocapture` (the test
/// profile is optimised).
/// Exhaustive for n <= 8, else `COUPLINGS_TABLE_SAMPLES` (default 2000 routed,
/// 200 generic) random permutations with seed 7.
#[test]
#[ignore]
fn table_for_docs() {
    let samples: usize = std::env::var("COUPLINGS_TABLE_SAMPLES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(2000);
    println!(
        "| n | perms | routed signed: worst layers | routed positive: worst layers | routed max entry (abs p, q) | generic signed: worst layers | generic positive: worst layers | generic max entry bits |"
    );
    println!("|---:|---|---:|---:|---|---:|---:|---:|");
    for n in [2, 4, 6, 8, 10, 12] {
        let mut rng = TestRng::new(7);
        let (perms, generic_perms, how) = if n <= 8 {
            let all = all_permutations(n);
            (all.clone(), all, "all".to_string())
        } else {
            let routed: Vec<Vec<usize>> = (0..samples).map(|_| rng.permutation(n)).collect();
            let generic: Vec<Vec<usize>> = routed.iter().take(samples / 10).cloned().collect();
            let how = format!("{} sampled ({} for generic)", routed.len(), generic.len());
            (routed, generic, how)
        };
        let rs = survey(&perms, Mode::Signed, PermutationConstruction::Routed);
        let rp = survey(&perms, Mode::Positive, PermutationConstruction::Routed);
        let gs = survey(
            &generic_perms,
            Mode::Signed,
            PermutationConstruction::Generic,
        );
        let gp = survey(
            &generic_perms,
            Mode::Positive,
            PermutationConstruction::Generic,
        );
        let entry = ((rs.1).0.max((rp.1).0), (rs.1).1.max((rp.1).1));
        println!(
            "| {n} | {how} | {} | {} | ({}, {}) | {} | {} | {} |",
            rs.0,
            rp.0,
            entry.0,
            entry.1,
            gs.0,
            gp.0,
            gs.2.max(gp.2)
        );
    }
}

// ---------------------------------------------------------------------------
// Input validation and errors
// ---------------------------------------------------------------------------

#[test]
fn validation_errors_name_the_problem() {
    assert_eq!(validate_permutation(&[]), Err(PermutationError::Empty));
    assert_eq!(
        validate_permutation(&[1, 2, 3, 4]),
        Err(PermutationError::OutOfRange {
            position: 3,
            value: 4,
            n: 4
        })
    );
    assert_eq!(
        validate_permutation(&[0, 2, 2, 1, 5, 4]),
        Err(PermutationError::Repeated {
            value: 2,
            positions: (1, 2),
            missing: 3
        })
    );
    assert_eq!(validate_permutation(&[3, 0, 1, 2]), Ok(()));
    let e = parse_permutation("0 1 1 3").unwrap_err();
    let msg = e.to_string();
    assert!(msg.contains("1 is the image of both 1 and 2"), "{msg}");
    assert!(msg.contains("2 is nobody's image"), "{msg}");
    assert_eq!(
        parse_permutation("0, 2 x 1"),
        Err(PermutationError::NotANumber {
            position: 2,
            token: "x".into()
        })
    );
    assert_eq!(parse_permutation(" 3,0 1  2 ").unwrap(), vec![3, 0, 1, 2]);
    assert_eq!(parse_permutation("  "), Err(PermutationError::Empty));
    assert!(
        parse_permutation("1 2 3 4")
            .unwrap_err()
            .to_string()
            .contains("0-based")
    );
    // Decomposition refuses invalid input with the same errors.
    assert!(matches!(
        decompose_permutation(&[0, 0]),
        Err(PermutationError::Repeated { value: 0, .. })
    ));
    assert!(matches!(
        decompose_permutation(&[0, 7]),
        Err(PermutationError::OutOfRange { value: 7, .. })
    ));
    assert_eq!(decompose_permutation(&[]), Err(PermutationError::Empty));
}

#[test]
fn odd_dimension_and_odd_permutations_in_positive_mode() {
    assert_eq!(
        decompose_permutation(&[1, 2, 0]),
        Err(PermutationError::OddDimension { n: 3 })
    );
    // Regression: the generic construction handles odd n (split (1, 2)).
    let generic = PermutationOptions {
        mode: Mode::Signed,
        construction: PermutationConstruction::Generic,
        ..Default::default()
    };
    let dec = decompose_permutation_with(&[1, 2, 0], &generic).unwrap();
    assert_eq!(dec.product(), permutation_matrix(&[1, 2, 0]));
    assert_eq!((dec.split.first, dec.split.second), (1, 2));
    let positive = options(Mode::Positive);
    let err = decompose_permutation_with(&[1, 0, 2, 3], &positive).unwrap_err();
    assert_eq!(err, PermutationError::OddInPositiveMode { n: 4 });
    let msg = err.to_string();
    assert!(
        msg.contains("det = -1") && msg.contains("signed mode"),
        "{msg}"
    );
    // Signed mode represents the odd permutation with scales +-1, an odd number
    // of them negative (det = -1).
    let dec = decompose_permutation(&[1, 0, 2, 3]).unwrap();
    let scales: Vec<&Q> = dec.layers.iter().flat_map(|l| &l.scale).collect();
    assert!(scales.iter().all(|s| s.abs() == qi(1)));
    assert_eq!(scales.iter().filter(|s| s.is_negative()).count() % 2, 1);
    // Positive mode: every scale is exactly 1.
    let dec = decompose_permutation_with(&[1, 2, 0, 3], &positive).unwrap();
    assert!(
        dec.layers
            .iter()
            .all(|l| l.scale.iter().all(|s| *s == qi(1)))
    );
}

#[test]
fn generic_construction_stays_available() {
    for perm in [vec![3, 0, 1, 2], vec![5, 4, 3, 2, 1, 0], vec![1, 0, 3, 2]] {
        for mode in [Mode::Signed, Mode::Positive] {
            if mode == Mode::Positive && !is_even(&perm) {
                continue;
            }
            let opts = PermutationOptions {
                mode,
                construction: PermutationConstruction::Generic,
                ..Default::default()
            };
            let dec = decompose_permutation_with(&perm, &opts).unwrap();
            assert_eq!(dec.product(), permutation_matrix(&perm));
            assert!(dec.len() <= if mode == Mode::Signed { 7 } else { 9 });
        }
    }
    let opts = PermutationOptions {
        mode: Mode::Positive,
        construction: PermutationConstruction::Generic,
        ..Default::default()
    };
    assert_eq!(
        decompose_permutation_with(&[1, 0], &opts),
        Err(PermutationError::OddInPositiveMode { n: 2 })
    );
}

#[test]
fn named_permutations() {
    for n in [2, 4, 8, 16, 32, 64] {
        let d = n / 2;
        let reverse: Vec<usize> = (0..n).rev().collect();
        let swap: Vec<usize> = (0..n).map(|j| (j + d) % n).collect();
        let shuffle: Vec<usize> = (0..n)
            .map(|j| if j < d { 2 * j } else { 2 * (j - d) + 1 })
            .collect();
        let cycle: Vec<usize> = (0..n).map(|j| (j + 1) % n).collect();
        let identity: Vec<usize> = (0..n).collect();
        assert_eq!(verify_routed(&identity, Mode::Signed), 0);
        // The swap of halves is one exchange: three layers.
        assert_eq!(verify_routed(&swap, Mode::Signed), 3, "swap n = {n}");
        for p in [reverse, shuffle, cycle] {
            verify_routed(&p, Mode::Signed);
            if is_even(&p) {
                verify_routed(&p, Mode::Positive);
            }
        }
    }
}

#[test]
fn inverse_of_a_decomposition_is_the_inverse_permutation() {
    let mut rng = TestRng::new(11);
    for n in [4, 8, 20] {
        let p = rng.permutation(n);
        let dec = decompose_permutation(&p).unwrap();
        let mut inv = vec![0; n];
        for (j, &i) in p.iter().enumerate() {
            inv[i] = j;
        }
        assert_eq!(dec.inverse().product(), permutation_matrix(&inv));
    }
}

#[test]
fn cli_perm_flag() {
    let bin = env!("CARGO_BIN_EXE_couplings");
    let run = |args: &[&str]| {
        let out = std::process::Command::new(bin).args(args).output().unwrap();
        (
            out.status.code().unwrap(),
            String::from_utf8_lossy(&out.stdout).to_string(),
            String::from_utf8_lossy(&out.stderr).to_string(),
        )
    };
    let (code, out, _) = run(&["decompose", "--perm", "3 0 1 2"]);
    assert_eq!(code, 0);
    assert!(
        out.starts_with("n = 4, split = (2, 2), mode = signed"),
        "{out}"
    );
    let (code, json, _) = run(&["decompose", "--perm", "3 0 1 2", "--format", "json"]);
    assert_eq!(code, 0);
    let dec = couplings::io::decomposition_from_json(&json).unwrap();
    assert!(check(&permutation_matrix(&[3, 0, 1, 2]), &dec).is_ok());
    let (code, _, err) = run(&["decompose", "--perm", "0 1 1 3"]);
    assert_eq!(code, 2);
    assert!(err.contains("1 is the image of both"), "{err}");
    let (code, _, err) = run(&["decompose", "--perm", "1 0 2 3", "--mode", "positive"]);
    assert_eq!(code, 2);
    assert!(err.contains("det = -1"), "{err}");
    let (code, out, _) = run(&[
        "decompose",
        "--perm",
        "3 0 1 2",
        "--perm-construction",
        "generic",
    ]);
    assert_eq!(code, 0, "{out}");
    let (code, _, _) = run(&["decompose"]);
    assert_eq!(code, 2);
}

// ---------------------------------------------------------------------------
// Properties
// ---------------------------------------------------------------------------

/// A permutation of `2 * half` points from a shuffle key.
fn perm_from_keys(keys: &[u32]) -> Vec<usize> {
    let mut idx: Vec<usize> = (0..keys.len()).collect();
    idx.sort_by_key(|&i| (keys[i], i));
    idx
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]
    #[test]
    fn prop_routed_is_exact_small_and_short(half in 1usize..=16, seed in any::<u64>()) {
        let mut rng = TestRng::new(seed);
        let p = rng.permutation(2 * half);
        let layers = verify_routed(&p, Mode::Signed);
        prop_assert!(layers <= ROUTED_MAX_LAYERS);
        let mut even = p.clone();
        if !is_even(&even) {
            even.swap(0, 1);
        }
        verify_routed(&even, Mode::Positive);
    }
}

#[test]
fn quickcheck_routed_products() {
    fn prop(keys: Vec<u32>) -> quickcheck::TestResult {
        if keys.is_empty() || keys.len() % 2 == 1 || keys.len() > 40 {
            return quickcheck::TestResult::discard();
        }
        let p = perm_from_keys(&keys);
        let dec = decompose_permutation(&p).unwrap();
        let target = permutation_matrix(&p);
        // Apply to a vector with distinct entries: the layers permute it exactly.
        let x: Vec<Q> = (0..p.len()).map(|i| qi(i as i64 + 1)).collect();
        let y = dec.apply(&x);
        let ok = (0..p.len()).all(|j| y[p[j]] == x[j])
            && dec.len() <= ROUTED_MAX_LAYERS
            && check(&target, &dec).is_ok();
        quickcheck::TestResult::from_bool(ok)
    }
    quickcheck::QuickCheck::new()
        .tests(100)
        .quickcheck(prop as fn(Vec<u32>) -> quickcheck::TestResult);
}
