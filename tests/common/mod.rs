//! Shared helpers for the construction tests: the tests' seeded generator,
//! `verify`, which decomposes a target and checks the result in every way the
//! tests require, and a histogram. The matrix families themselves are the
//! crate's (`couplings::families`), re-exported here under the tests' names.

#![allow(dead_code, unused_imports)]

use couplings::construct::rng::Rng;
use couplings::construct::{Trace, decompose_traced};
use couplings::exact::{Matrix, Q, qi};
pub use couplings::families::{
    all_permutations, block_diag, invert_perm, make_det_positive, minus_identity, negate_row,
    perm_sign, rotation_halves, sign_diag, swap_halves,
};
use couplings::{Decomposition, Mode, Options, check};
use num_traits::{Signed, Zero};
use std::collections::BTreeMap;
use std::sync::Mutex;

/// The crate's seeded generator, with the tests' own seed offset.
#[derive(Debug, Clone)]
pub struct TestRng(pub Rng);

impl TestRng {
    pub fn new(seed: u64) -> TestRng {
        TestRng(Rng::new(seed ^ 0x1234_5678_9abc_def0))
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0.next_u64()
    }

    /// Uniform in `lo..=hi`.
    pub fn range(&mut self, lo: i64, hi: i64) -> i64 {
        self.0.range(lo, hi)
    }

    pub fn permutation(&mut self, n: usize) -> Vec<usize> {
        self.0.permutation(n)
    }

    /// An `r x c` matrix with integer entries uniform in `lo..=hi`.
    pub fn int_matrix(&mut self, r: usize, c: usize, lo: i64, hi: i64) -> Matrix {
        couplings::families::int_matrix(&mut self.0, r, c, lo, hi)
    }

    /// An invertible `n x n` integer matrix with entries in `lo..=hi` (rejection).
    pub fn invertible(&mut self, n: usize, lo: i64, hi: i64) -> Matrix {
        loop {
            let m = self.int_matrix(n, n, lo, hi);
            if !m.det().is_zero() {
                return m;
            }
        }
    }

    pub fn vector(&mut self, n: usize) -> Vec<Q> {
        (0..n).map(|_| qi(self.range(-20, 20))).collect()
    }
}

/// Options for a mode with the default seed and the shallow strategy (the
/// construction these tests bound; the default `Auto` picks compact from
/// n = 64).
pub fn opts(mode: Mode) -> Options {
    Options {
        mode,
        strategy: couplings::Strategy::Shallow,
        ..Options::default()
    }
}

/// The permutation matrix whose column `j` has its 1 in row `p[j]` (the
/// crate's convention).
pub use couplings::families::permutation_matrix as perm_matrix;

/// `[[a, b], [c, d]]`.
pub fn blocks(a: &Matrix, b: &Matrix, c: &Matrix, d: &Matrix) -> Matrix {
    Matrix::from_blocks(a, b, c, d)
}

/// Whether every scale of every layer is positive.
pub fn all_scales_positive(dec: &Decomposition) -> bool {
    dec.layers
        .iter()
        .all(|l| l.scale.iter().all(Signed::is_positive))
}

/// Asserts everything a valid decomposition of `target` must satisfy: exact
/// product, independent checker, mode recorded, positive scales in positive mode,
/// no empty-shift-and-unit-scale identity layers.
pub fn assert_valid(target: &Matrix, dec: &Decomposition, mode: Mode) {
    assert_eq!(dec.mode, mode, "decomposition records the wrong mode");
    assert_eq!(
        dec.split.n(),
        target.rows(),
        "split does not fit the target"
    );
    assert!(
        dec.product() == *target,
        "product differs from target {target:?}\nlayers: {:?}",
        dec.layers
    );
    if let Err(e) = check(target, dec) {
        panic!("checker rejects a decomposition of {target:?}: {e}");
    }
    if mode == Mode::Positive {
        assert!(
            all_scales_positive(dec),
            "non-positive scale in positive mode for {target:?}"
        );
    }
}

/// Decomposes `target` in `mode` (default seed), asserts validity and returns the
/// decomposition with its trace.
pub fn verify_traced(target: &Matrix, mode: Mode) -> (Decomposition, Trace) {
    let (dec, trace) = decompose_traced(target, &opts(mode))
        .unwrap_or_else(|e| panic!("decompose failed in {mode:?} mode on {target:?}: {e}"));
    assert_valid(target, &dec, mode);
    (dec, trace)
}

/// Decomposes `target` in `mode` (default seed), asserts validity and returns it.
pub fn verify(target: &Matrix, mode: Mode) -> Decomposition {
    verify_traced(target, mode).0
}

/// Like [`verify`], also asserting `dec.len() <= bound`.
pub fn verify_at_most(target: &Matrix, mode: Mode, bound: usize) -> Decomposition {
    let (dec, trace) = verify_traced(target, mode);
    assert!(
        dec.len() <= bound,
        "{mode:?} mode: {} layers (> {bound}) via {:?} for {target:?}",
        dec.len(),
        trace
    );
    dec
}

/// A thread-safe histogram of layer counts.
#[derive(Default)]
pub struct Histogram(Mutex<BTreeMap<usize, usize>>);

impl Histogram {
    pub fn add(&self, len: usize) {
        *self.0.lock().unwrap().entry(len).or_insert(0) += 1;
    }

    pub fn max(&self) -> Option<usize> {
        self.0.lock().unwrap().keys().next_back().copied()
    }

    pub fn total(&self) -> usize {
        self.0.lock().unwrap().values().sum()
    }

    pub fn render(&self) -> String {
        let m = self.0.lock().unwrap();
        let parts: Vec<String> = m.iter().map(|(k, v)| format!("{k} layers: {v}")).collect();
        format!("{{{}}}", parts.join(", "))
    }
}
