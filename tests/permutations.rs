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
