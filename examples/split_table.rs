//! Prints the layer-count table of `docs/splits.md`: for every `n` in a range and
//! every split `(p, q)`, the proven bound, the measured worst case over the test
//! families (`couplings::families::SplitFamily::TABLE`: random dense, random
//! permutation, block-diagonal, sparse with a singular diagonal block of the
//! smaller part) in both modes, and the counting lower bound.
//!
//! Regenerate the table with
//! `cargo run --release --example split_table -- 2 16` (arguments: smallest and
//! largest `n`; an optional third argument is the number of random matrices per
//! family, default 3).

use couplings::construct::rng::Rng;
use couplings::construct::split::{bound, counting_lower_bound};
use couplings::families::SplitFamily;
use couplings::{Mode, Options, Split, check, decompose_with};

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
                for family in SplitFamily::TABLE {
                    for _ in 0..samples {
                        let t = family.sample(&mut rng, n, p, mode == Mode::Positive);
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
