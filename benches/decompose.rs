//! Benchmark: decompose and check times, layer counts and entry sizes for random
//! integer matrices with entries in [-9, 9] (seeded), next to the exact inverse of
//! the same matrix (the natural yardstick for entry size).
//!
//! Run: `cargo bench --bench decompose` (n = 8, 16, 32, 64) or
//! `cargo bench --bench decompose -- 8 16 32 64 128` to choose the sizes.
//! Prints a Markdown table (the README's table is a copy of one run).
//! `COUPLINGS_BENCH_STRATEGY=balanced` selects the balanced strategy. The side by
//! side comparison with FLINT is `bench/compare.py` (see `docs/performance.md`).

use couplings::construct::rng::Rng;
use couplings::families::{make_det_positive, random_integer_from};
use couplings::{Mode, Options, Strategy, check, decompose_with};
use std::time::Instant;

fn main() {
    let sizes: Vec<usize> = std::env::args()
        .skip(1)
        .filter_map(|a| a.parse().ok())
        .collect();
    let sizes = if sizes.is_empty() {
        vec![8, 16, 32, 64]
    } else {
        sizes
    };
    let mode = if std::env::var("COUPLINGS_BENCH_POSITIVE").is_ok() {
        Mode::Positive
    } else {
        Mode::Signed
    };
    let strategy = match std::env::var("COUPLINGS_BENCH_STRATEGY").as_deref() {
        Ok("balanced") => Strategy::Balanced,
        _ => Strategy::Shallow,
    };
    println!(
        "mode: {}, strategy: {}, random integer matrices, entries in [-9, 9], seed 1",
        mode.name(),
        strategy.name()
    );
    println!();
    println!(
        "| n | decompose (s) | check (s) | layers | max layer entry (bits) | exact inverse (s) | max inverse entry (bits) |"
    );
    println!("|---:|---:|---:|---:|---:|---:|---:|");
    let mut rng = Rng::new(1);
    for n in sizes {
        let mut m = random_integer_from(&mut rng, n);
        if mode == Mode::Positive {
            // Flip the sign of the first row to make det > 0.
            m = make_det_positive(&m);
        }
        eprintln!("n = {n}: decomposing ...");
        let t0 = Instant::now();
        let dec = decompose_with(
            &m,
            &Options {
                mode,
                strategy,
                ..Options::default()
            },
        )
        .expect("invertible");
        let t_dec = t0.elapsed().as_secs_f64();
        eprintln!("n = {n}: checking ...");
        let t0 = Instant::now();
        check(&m, &dec).expect("the checker accepts the decomposition");
        let t_check = t0.elapsed().as_secs_f64();
        let t0 = Instant::now();
        let inv = m.inverse().expect("invertible");
        let t_inv = t0.elapsed().as_secs_f64();
        println!(
            "| {n} | {t_dec:.3} | {t_check:.3} | {} | {} | {t_inv:.3} | {} |",
            dec.len(),
            dec.max_bits(),
            inv.max_bits()
        );
    }
}
