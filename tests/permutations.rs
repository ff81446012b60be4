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
    }
}

/// Every assertion the routed construction must satisfy, for one permutation and
/// mode; returns the layer count.
fn verify_routed(perm: &[usize], mode: Mode) -> usize {
    let target = permutation_matrix(perm);
    let dec = decompose_permutation_with(perm, &options(mode))
        .unwrap_or_else(|e| panic!("{perm:?} ({}): {e}", mode.name()));
    assert_eq!(dec.product(), target, "{perm:?}: product");
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
    if perm.len() <= 16 {
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

#[test]
#[ignore]
fn timing_probe() {
    let perms = all_permutations(8);
    let t = std::time::Instant::now();
    for p in perms.iter().take(5000) {
        decompose_permutation(p).unwrap();
    }
    eprintln!("decompose: {:?}", t.elapsed());
    let t = std::time::Instant::now();
    for p in perms.iter().take(5000) {
        let tm = permutation_matrix(p);
        let d = decompose_permutation(p).unwrap();
        check(&tm, &d).unwrap();
    }
    eprintln!("decompose+check: {:?}", t.elapsed());
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
    let opts = PermutationOptions { mode, construction };
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
/// `cargo test --release --test permutations table_for_docs -- --ignored --nocapture`.
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
        let gs = survey(&generic_perms, Mode::Signed, PermutationConstruction::Generic);
        let gp = survey(&generic_perms, Mode::Positive, PermutationConstruction::Generic);
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
