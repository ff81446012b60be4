//! Prints the conditioning table of `docs/padding.md`: for Glow rotations,
//! Glow LU weights, random integer matrices and a float32 matrix with
//! condition number 1e6, of each size given, the padded chains (`K = n`: the
//! unit three layers, the scaled three layers, the five-layer split chain;
//! `K = n / 2`: the chunked chain) next to the unpadded strategies, with the
//! per-layer float64 condition numbers, the float64 error of the first `n`
//! columns of the product against `[[T], [0]]`, and the largest entry.
//!
//! `cargo run --release --example pad_conditioning -- 8 16 32` (sizes); the
//! unpadded shallow strategy runs up to size 16 and the unpadded conditioned
//! strategy up to size 32 (set `COUPLINGS_PAD_COND_UNPADDED_MAX` to change
//! the latter).

use couplings::Strategy;
use couplings::analysis::{
    pad_conditioning_rows, pad_conditioning_table, pad_conditioning_targets,
};

fn main() {
    let sizes: Vec<usize> = std::env::args()
        .skip(1)
        .map(|a| a.parse().expect("sizes are integers"))
        .collect();
    let sizes = if sizes.is_empty() { vec![8, 16] } else { sizes };
    let unpadded_max: usize = std::env::var("COUPLINGS_PAD_COND_UNPADDED_MAX")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(32);
    let mut rows = Vec::new();
    for c in sizes {
        for (name, t) in pad_conditioning_targets(c) {
            let mut unpadded = Vec::new();
            if c <= 16 {
                unpadded.push(Strategy::Shallow);
            }
            unpadded.push(Strategy::Balanced);
            if c <= unpadded_max {
                unpadded.push(Strategy::Conditioned);
            }
            eprintln!("{name} ...");
            rows.extend(pad_conditioning_rows(&name, &t, &unpadded));
        }
    }
    print!("{}", pad_conditioning_table(&rows));
}
