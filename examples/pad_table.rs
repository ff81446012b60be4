//! Prints the depth-against-`K` tables of `docs/padding.md`: for every family
//! of `couplings::analysis::PadFamily` and every `n` in a range, the layer
//! count of `decompose --pad K` for `K = 1..=n` (every chain checked by the
//! independent padded checker) and the unpadded layer count.
//!
//! Regenerate the tables with
//! `cargo run --release --example pad_table -- 2 16` (smallest and largest `n`);
//! `tests/padding_docs.rs` checks the committed rows up to `n = 8`.

use couplings::analysis::{PadFamily, pad_table};

fn main() {
    let args: Vec<usize> = std::env::args()
        .skip(1)
        .map(|a| a.parse().expect("arguments are integers"))
        .collect();
    let lo = args.first().copied().unwrap_or(2);
    let hi = args.get(1).copied().unwrap_or(16);
    for family in PadFamily::ALL {
        println!("{}", pad_table(family, lo, hi));
    }
}
