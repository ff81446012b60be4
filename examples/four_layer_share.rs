//! Share of random integer matrices (entries in [-9, 9], seeded) that
//! `decompose` (shallow strategy) returns in four layers, at n = 4, 6, 8, in
//! both modes (positive mode: inputs with det > 0 only). Every result is
//! multiplied back exactly and re-checked with `couplings::check`.
//!
//! `cargo run --release --example four_layer_share [COUNT] [MAX_N]`
//! (defaults: 200 inputs per size and mode, n up to 8). Prints a Markdown table
//! (the one in `docs/construction.md`, tier 1b).
use couplings::families::random_integer;
use couplings::{Mode, Options, check, decompose_with};
use num_traits::Signed;
use std::collections::BTreeMap;
use std::time::Instant;

fn main() {
    let mut args = std::env::args().skip(1);
    let count: usize = args.next().and_then(|s| s.parse().ok()).unwrap_or(200);
    let max_n: usize = args.next().and_then(|s| s.parse().ok()).unwrap_or(8);
    println!("| n | mode | inputs | four layers | layers: count | max bits | seconds |");
    println!("|---:|---|---:|---:|---|---:|---:|");
    for n in (4..=max_n).step_by(2) {
        for mode in [Mode::Signed, Mode::Positive] {
            let start = Instant::now();
            let mut hist: BTreeMap<usize, usize> = BTreeMap::new();
            let (mut tot, mut seed, mut max_bits) = (0usize, 0u64, 0);
            while tot < count {
                seed += 1;
                let t = random_integer(n, 1000 * n as u64 + seed);
                let det = t.det();
                if mode == Mode::Positive && !det.is_positive() {
                    continue;
                }
                tot += 1;
                let options = Options {
                    mode,
                    ..Options::default()
                };
                let dec = decompose_with(&t, &options).expect("decompose");
                assert_eq!(dec.product(), t, "product differs");
                assert!(check(&t, &dec).is_ok(), "check failed");
                *hist.entry(dec.len()).or_default() += 1;
                max_bits = max_bits.max(dec.max_bits());
            }
            let four = hist.get(&4).copied().unwrap_or(0);
            let h: Vec<String> = hist.iter().map(|(k, c)| format!("{k}: {c}")).collect();
            println!(
                "| {n} | {} | {tot} | {four} ({:.0}%) | {} | {max_bits} | {:.1} |",
                mode.name(),
                100.0 * four as f64 / tot as f64,
                h.join(", "),
                start.elapsed().as_secs_f64()
            );
        }
    }
}
