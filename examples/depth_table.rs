//! The depth of every 4x4 signed permutation matrix (384 inputs) as
//! `couplings depth` reports it, in both modes: the proven lower bound (3-layer
//! decision, then the four-layer decision of `docs/lower-bounds.md` section 8)
//! and the upper bound (the decomposition found). Prints the table of
//! `docs/lower-bounds.md`, section 11.
//!
//! `cargo run --release --example depth_table`
use couplings::depth::recheck::FiveWitness;
use couplings::depth::{Beyond, minimal_depth};
use couplings::exact::{Matrix, qi};
use couplings::{Mode, families};
use num_traits::Signed;
use std::collections::BTreeMap;
use std::time::Instant;

fn main() {
    println!("| mode | lower bound | upper bound | how the lower bound is certified | count |");
    println!("|---|---:|---:|---|---:|");
    for mode in [Mode::Signed, Mode::Positive] {
        let start = Instant::now();
        let mut hist: BTreeMap<(usize, usize, &str), usize> = BTreeMap::new();
        let mut skipped = 0;
        for p in families::all_permutations(4) {
            for s in 0..16u64 {
                let mut t = Matrix::zeros(4, 4);
                for (j, &i) in p.iter().enumerate() {
                    t.set(i, j, qi(if s >> j & 1 == 1 { -1 } else { 1 }));
                }
                if mode == Mode::Positive && !t.det().is_positive() {
                    skipped += 1;
                    continue;
                }
                let r = minimal_depth(&t, mode).expect("depth");
                let how = match &r.beyond {
                    None => "exact decision (0-3 layers)",
                    Some(Beyond::Four(_)) => "at least 4 certified, four layers found",
                    Some(Beyond::AtLeastFive(FiveWitness::SwapFamily)) => "swap family",
                    Some(Beyond::AtLeastFive(FiveWitness::Polynomial { .. })) => {
                        "polynomial certificate"
                    }
                    Some(Beyond::Undecided(_)) => "undecided",
                };
                let lo = r.lower_bound().unwrap_or(0);
                let hi = r.upper_bound().unwrap_or(0);
                *hist.entry((lo, hi, how)).or_default() += 1;
            }
        }
        for ((lo, hi, how), c) in hist {
            println!("| {} | {lo} | {hi} | {how} | {c} |", mode.name());
        }
        if skipped > 0 {
            println!(
                "| {} | | | det < 0 (no decomposition) | {skipped} |",
                mode.name()
            );
        }
        eprintln!("{}: {:.1}s", mode.name(), start.elapsed().as_secs_f64());
    }
}
