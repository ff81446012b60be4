//! Prints the exact padded depth census of `docs/padding.md`: every invertible
//! `n x n` matrix with small integer entries, `K = 1`, both modes, decided by
//! `couplings depth --pad 1` over every split (exact depth 0 to 3 with verified
//! layers; otherwise re-checked certificates for at least 4 on every split,
//! next to the upper bound of `decompose --pad 1`).
//!
//! `cargo run --release --example pad_census` prints n = 2 (entries in [-3, 3])
//! and n = 3 (entries in {-1, 0, 1}).

use couplings::Mode;
use couplings::analysis::pad_census;

fn main() {
    for (n, values, what) in [
        (
            2usize,
            vec![-3i64, -2, -1, 0, 1, 2, 3],
            "entries in [-3, 3]",
        ),
        (3, vec![-1, 0, 1], "entries in {-1, 0, 1}"),
    ] {
        for mode in [Mode::Signed, Mode::Positive] {
            let counts = pad_census(n, 1, &values, mode);
            let total: usize = counts.values().sum();
            let cells: Vec<String> = counts.iter().map(|(k, v)| format!("{k}: {v}")).collect();
            println!(
                "n = {n}, K = 1, {what}, {} mode, {total} matrices: {}",
                mode.name(),
                cells.join(", ")
            );
        }
    }
}
