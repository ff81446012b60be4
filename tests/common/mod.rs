//! Shared helpers for the construction tests: a tiny seeded generator, matrix
//! builders (permutations, blocks, random integer matrices) and `verify`, which
//! decomposes a target and checks the result in every way the tests require.

#![allow(dead_code)]

use couplings::construct::rng::Rng;
use couplings::construct::{Trace, decompose_traced};
use couplings::exact::{Matrix, Q, qi};
use couplings::{Decomposition, Mode, Options, check};
use num_traits::{Signed, Zero};
use std::collections::BTreeMap;
use std::sync::Mutex;

/// The crate's seeded generator, with the tests' own seed offset.
#[derive(Debug, Clone)]
pub struct TestRng(Rng);

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
        Matrix::from_vec(r, c, (0..r * c).map(|_| qi(self.range(lo, hi))).collect())
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

/// Options for a mode with the default seed.
pub fn opts(mode: Mode) -> Options {
    Options {
        mode,
        ..Options::default()
    }
}

/// The permutation matrix whose column `j` has its 1 in row `p[j]` (the
/// crate's convention, `couplings::construct::permutation::permutation_matrix`).
pub fn perm_matrix(p: &[usize]) -> Matrix {
    couplings::construct::permutation::permutation_matrix(p)
}

/// Sign of a permutation (+1 even, -1 odd), by counting cycles.
pub fn perm_sign(p: &[usize]) -> i64 {
    let n = p.len();
    let mut seen = vec![false; n];
    let mut cycles = 0;
    for s in 0..n {
        if !seen[s] {
            cycles += 1;
            let mut k = s;
            while !seen[k] {
                seen[k] = true;
                k = p[k];
            }
        }
    }
    if (n - cycles).is_multiple_of(2) {
        1
    } else {
        -1
    }
}

/// All permutations of `0..n` in lexicographic order.
pub fn all_permutations(n: usize) -> Vec<Vec<usize>> {
    let mut out = Vec::new();
    let mut p: Vec<usize> = (0..n).collect();
    loop {
        out.push(p.clone());
        // next permutation
        let Some(i) = (0..n.saturating_sub(1)).rev().find(|&i| p[i] < p[i + 1]) else {
            return out;
        };
        let j = (i + 1..n).rev().find(|&j| p[j] > p[i]).unwrap();
        p.swap(i, j);
        p[i + 1..].reverse();
    }
}

/// `[[a, b], [c, d]]`.
pub fn blocks(a: &Matrix, b: &Matrix, c: &Matrix, d: &Matrix) -> Matrix {
    Matrix::from_blocks(a, b, c, d)
}

/// `diag(p, q)`.
pub fn block_diag(p: &Matrix, q: &Matrix) -> Matrix {
    let z1 = Matrix::zeros(p.rows(), q.cols());
    let z2 = Matrix::zeros(q.rows(), p.cols());
    Matrix::from_blocks(p, &z1, &z2, q)
}

/// The swap of halves `[[0, I], [I, 0]]` of size `n`.
pub fn swap_halves(n: usize) -> Matrix {
    let d = n / 2;
    let (z, i) = (Matrix::zeros(d, d), Matrix::identity(d));
    blocks(&z, &i, &i, &z)
}

/// The rotation `[[0, -I], [I, 0]]` of size `n`.
pub fn rotation_halves(n: usize) -> Matrix {
    let d = n / 2;
    let (z, i) = (Matrix::zeros(d, d), Matrix::identity(d));
    blocks(&z, &(-&i), &i, &z)
}

/// `-I_n`.
pub fn minus_identity(n: usize) -> Matrix {
    -&Matrix::identity(n)
}

/// Diagonal matrix of signs from the bits of `mask` (bit `i` set: entry `-1`).
pub fn sign_diag(n: usize, mask: u64) -> Matrix {
    let d: Vec<Q> = (0..n)
        .map(|i| if mask >> i & 1 == 1 { qi(-1) } else { qi(1) })
        .collect();
    Matrix::from_diagonal(&d)
}

/// Multiplies row `i` by `-1`.
pub fn negate_row(m: &Matrix, i: usize) -> Matrix {
    let mut out = m.clone();
    for j in 0..m.cols() {
        out.set(i, j, -m.get(i, j));
    }
    out
}

/// `m` with `det > 0`: flips row 0 when the determinant is negative.
pub fn make_det_positive(m: &Matrix) -> Matrix {
    if m.det().is_negative() {
        negate_row(m, 0)
    } else {
        m.clone()
    }
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

/// Inverse of a permutation given as images.
pub fn invert_perm(p: &[usize]) -> Vec<usize> {
    let mut inv = vec![0; p.len()];
    for (i, &x) in p.iter().enumerate() {
        inv[x] = i;
    }
    inv
}
