//! Prints the layer-count table of `docs/splits.md`: for every `n` in a range and
//! every split `(p, q)`, the proven bound, the measured worst case over the test
//! families (random dense, random permutation, block-diagonal, sparse with a
//! singular top-left block) in both modes, and the counting lower bound.
//!
//! Regenerate the table with
//! `cargo run --release --example split_table -- 2 16` (arguments: smallest and
//! largest `n`; an optional third argument is the number of random matrices per
//! family, default 3).

use couplings::construct::rng::Rng;
use couplings::construct::split::{bound, counting_lower_bound};
use couplings::exact::{Matrix, qi};
use couplings::{Mode, Options, Split, check, decompose_with};
use num_traits::{Signed, Zero};

/// An invertible `n x n` matrix of one test family, with `det > 0` when `positive`.
fn family(rng: &mut Rng, kind: usize, n: usize, p: usize, positive: bool) -> Matrix {
    let mut t = loop {
        let m = match kind {
            0 => Matrix::from_vec(n, n, (0..n * n).map(|_| qi(rng.range(-9, 9))).collect()),
            1 => {
                let perm = rng.permutation(n);
                let mut m = Matrix::zeros(n, n);
                for (j, &i) in perm.iter().enumerate() {
                    m.set(i, j, qi(1));
                }
                m
            }
            2 => {
                // Block diagonal with respect to the split.
                let mut m = Matrix::zeros(n, n);
                for i in 0..n {
                    for j in 0..n {
                        if (i < p) == (j < p) {
                            m.set(i, j, qi(rng.range(-3, 3)));
                        }
                    }
                }
                m
            }
            _ => {
                // Sparse, the diagonal block of the smaller part zero.
                let small = |i: usize| if p <= n - p { i < p } else { i >= p };
                let mut m = Matrix::zeros(n, n);
                for i in 0..n {
                    for j in 0..n {
                        if !(small(i) && small(j)) && rng.range(0, 2) == 0 {
                            m.set(i, j, qi(rng.range(-2, 2)));
                        }
                    }
                }
                m
            }
        };
        if !m.det().is_zero() {
            break m;
        }
    };
    if positive && t.det().is_negative() {
        for j in 0..n {
            let v = -t.get(0, j).clone();
            t.set(0, j, v);
        }
    }
    t
}

fn main() {
    let args: Vec<usize> = std::env::args()
        .skip(1)
        .map(|a| a.parse().expect("arguments are integers"))
        .collect();
    let lo = args.first().copied().unwrap_or(2);
    let hi = args.get(1).copied().unwrap_or(16);
    let samples = args.get(2).copied().unwrap_or(3);
    println!(
        "| n | split (p, q) | proven bound signed / positive | measured worst signed / positive | counting lower bound |"
    );
    println!("|---:|:---:|:---:|:---:|---:|");
    for n in lo..=hi {
        for p in 1..n {
            let split = Split::new(p, n - p);
            let mut worst = [0usize; 2];
            for (slot, mode) in [Mode::Signed, Mode::Positive].into_iter().enumerate() {
                let mut rng = Rng::new((n * 1000 + p) as u64);
                let options = Options {
                    mode,
                    split: Some(split),
                    ..Options::default()
                };
                for kind in 0..4 {
                    for _ in 0..samples {
                        let t = family(&mut rng, kind, n, p, mode == Mode::Positive);
                        let dec = decompose_with(&t, &options)
                            .unwrap_or_else(|e| panic!("n = {n}, split {split:?}: {e}"));
                        assert!(check(&t, &dec).is_ok());
                        assert!(dec.len() <= bound(split, mode));
                        worst[slot] = worst[slot].max(dec.len());
                    }
                }
            }
            println!(
                "| {n} | ({p}, {}) | {} / {} | {} / {} | {} |",
                n - p,
                bound(split, Mode::Signed),
                bound(split, Mode::Positive),
                worst[0],
                worst[1],
                counting_lower_bound(split)
            );
        }
    }
}
