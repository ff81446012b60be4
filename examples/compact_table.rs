//! Prints the table of `docs/compact.md`: for random integer matrices (entries
//! in [-9, 9], `couplings::families::random_integer` with seed `1000 + n`) and
//! each merge policy of the compact strategy, the number of layers, the largest
//! entry (bits) and its ratio to the largest entry of `T^-1`, the layer bound
//! for generic inputs, and the decomposition time (signed mode, including the
//! exact verification that `decompose` always runs).
//!
//! Regenerate with `nice -n 10 cargo run --release --example compact_table -- 8 128`
//! (arguments: smallest and largest `n`, doubled from the first). The times
//! depend on the machine; `tests/compact.rs` checks the n = 8 row's exact
//! figures against the doc.

use couplings::construct::MergePolicy;
use couplings::construct::compact::layer_bound;
use couplings::families::random_integer;
use couplings::{Mode, Options, Strategy, check, decompose_with};
use std::time::Instant;

/// The exact figures for one `n`: `T^-1` bits and, per policy (full, capped,
/// none), layers and largest entry bits; and the time per policy in seconds.
pub fn row(n: usize) -> (u64, Vec<(usize, u64)>, Vec<f64>) {
    let t = random_integer(n, 1000 + n as u64);
    let inv_bits = t
        .inverse()
        .expect("random_integer is invertible")
        .max_bits();
    let mut figures = Vec::new();
    let mut times = Vec::new();
    for merge in MergePolicy::ALL {
        let options = Options {
            mode: Mode::Signed,
            strategy: Strategy::Compact,
            merge,
            ..Options::default()
        };
        let started = Instant::now();
        let dec = decompose_with(&t, &options).unwrap_or_else(|e| panic!("n = {n}: {e}"));
        times.push(started.elapsed().as_secs_f64());
        assert!(check(&t, &dec).is_ok(), "n = {n}: checker rejects");
        let bits = dec.layers.iter().map(|l| l.max_bits()).max().unwrap_or(0);
        figures.push((dec.len(), bits));
    }
    (inv_bits, figures, times)
}

/// The Markdown row of the exact figures (no times).
pub fn exact_cells(n: usize, inv_bits: u64, figures: &[(usize, u64)]) -> String {
    let cells: Vec<String> = figures
        .iter()
        .map(|&(layers, bits)| format!("{layers} / {bits} / {:.2}", bits as f64 / inv_bits as f64))
        .collect();
    format!(
        "| {n} | {inv_bits} | {} | {} |",
        cells.join(" | "),
        layer_bound(n, Mode::Signed)
    )
}

fn main() {
    let args: Vec<usize> = std::env::args()
        .skip(1)
        .map(|a| a.parse().expect("arguments are integers"))
        .collect();
    let lo = args.first().copied().unwrap_or(8);
    let hi = args.get(1).copied().unwrap_or(64);
    println!(
        "| n | T^-1 bits | full: layers / bits / ratio | capped (default) | none | bound (generic, full) | time full / capped / none (s) |"
    );
    println!("|---:|---:|---|---|---|---:|---|");
    let mut n = lo;
    while n <= hi {
        let (inv_bits, figures, times) = row(n);
        let t: Vec<String> = times.iter().map(|s| format!("{s:.2}")).collect();
        println!("{} {} |", exact_cells(n, inv_bits, &figures), t.join(" / "));
        n *= 2;
    }
}
