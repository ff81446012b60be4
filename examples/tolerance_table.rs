//! Prints the tolerance-mode table of `docs/export.md`: for Glow rotations and
//! Glow LU weights (`couplings::families`, seed 1) at each channel count, the
//! certified tolerance construction (`Options::tolerance`) with float32 entries
//! (EPS 1e-6) and with float64 entries (EPS 1e-14): layers, worst layer
//! condition number (float64), the certified relative error (an exact bound)
//! and the wall time of the whole call (construction, rounding, exact
//! certification, condition numbers).
//!
//! Regenerate with
//! `nice cargo run --release --example tolerance_table -- 12 24 48 96 192 384`
//! (default sizes 12 24 48).

use couplings::construct::tolerance::{Width, approximate_with_width};
use couplings::exact::{Q, q};
use couplings::families::{glow_lu, glow_rotation};
use couplings::{Mode, Options};
use num_bigint::BigInt;
use num_traits::One;
use std::time::Instant;

fn main() {
    let mut sizes: Vec<usize> = std::env::args()
        .skip(1)
        .map(|a| a.parse().expect("arguments are channel counts"))
        .collect();
    if sizes.is_empty() {
        sizes = vec![12, 24, 48];
    }
    let eps64 = Q::new(BigInt::one(), BigInt::from(10).pow(14u32));
    println!(
        "| family | c | layers | worst layer cond | certified error, float32 entries (EPS 1e-6) | time | certified error, float64 entries (EPS 1e-14) | time |"
    );
    println!("|---|---:|---:|---:|---:|---:|---:|---:|");
    for (name, family) in [
        (
            "Glow rotation",
            glow_rotation as fn(usize, u64) -> couplings::exact::Matrix,
        ),
        ("Glow LU", glow_lu),
    ] {
        for &c in &sizes {
            let w = family(c, 1);
            let mut cells = Vec::new();
            let mut layers = String::new();
            let mut worst = 0.0f64;
            for (width, eps) in [(Width::F32, q(1, 1_000_000)), (Width::F64, eps64.clone())] {
                let options = Options {
                    mode: Mode::Signed,
                    tolerance: eps,
                    ..Options::default()
                };
                let started = Instant::now();
                match approximate_with_width(&w, &options, Some(width)) {
                    Ok(a) => {
                        let secs = started.elapsed().as_secs_f64();
                        layers = a.decomposition.len().to_string();
                        worst = worst.max(a.worst_condition());
                        cells.push(a.bound.rel_error_text.clone());
                        cells.push(format!("{secs:.1} s"));
                    }
                    Err(e) => {
                        cells.push(format!("failed: {e}"));
                        cells.push(format!("{:.1} s", started.elapsed().as_secs_f64()));
                    }
                }
            }
            println!(
                "| {name} | {c} | {layers} | {worst:.1} | {} |",
                cells.join(" | ")
            );
        }
    }
}
