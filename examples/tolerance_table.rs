//! Prints the tolerance-mode table of `docs/export.md`: for Glow rotations and
//! Glow LU weights (`couplings::families`, seed 1) at each channel count, the
//! certified tolerance construction (`Options::tolerance`) with float32 entries
//! (EPS 1e-6) and with float64 entries (EPS 1e-14): layers, worst layer
//! condition number (float64), the certified relative error (an exact bound)
//! and the wall time of the whole call (construction, rounding, exact
//! certification, condition numbers); then the float32 forward pass of the
//! float32 chain (every operation in float32) against `W x` in float64 over
//! 256 Gaussian samples: the largest `||y - W x|| / ||W x||` and the largest
//! `||y - W x|| / (||W||_2 ||x||)`, next to a plain float32 matmul.
//!
//! `--save DIR` also writes each `W` as `DIR/{rotation,lu}_{c}.npy`.
//!
//! Regenerate with
//! `nice cargo run --release --example tolerance_table -- 12 24 48 96 192 384`
//! (default sizes 12 24 48).

use couplings::construct::rng::Rng;
use couplings::construct::tolerance::{Width, approximate_with_width};
use couplings::exact::{Matrix, Q, q, to_f64, to_float};
use couplings::families::{glow_lu, glow_rotation};
use couplings::layer::{Decomposition, Kind};
use couplings::{Mode, Options};
use num_bigint::BigInt;
use num_traits::One;
use std::time::Instant;

const SAMPLES: usize = 256;

/// `M v` in float32 arithmetic.
fn matvec32(m: &[f32], cols: usize, v: &[f32]) -> Vec<f32> {
    m.chunks(cols)
        .map(|row| row.iter().zip(v).map(|(a, b)| a * b).sum())
        .collect()
}

/// The chain applied to `x` with every operation in float32.
fn forward32(dec: &Decomposition, x: &[f32]) -> Vec<f32> {
    let p = dec.split.first;
    let mut x = x.to_vec();
    for l in &dec.layers {
        let shift: Vec<f32> = l.shift.entries().iter().map(|v| to_f64(v) as f32).collect();
        let scale: Vec<f32> = l.scale.iter().map(|v| to_f64(v) as f32).collect();
        let (x1, x2) = x.split_at_mut(p);
        match l.kind {
            Kind::Lower => {
                let a = matvec32(&shift, p, x1);
                for (k, v) in x2.iter_mut().enumerate() {
                    *v = a[k] + scale[k] * *v;
                }
            }
            Kind::Upper => {
                let b = matvec32(&shift, x2.len(), x2);
                for (k, v) in x1.iter_mut().enumerate() {
                    *v = scale[k] * *v + b[k];
                }
            }
        }
    }
    x
}

/// Largest per-sample and normalised forward errors of the chain, and the
/// per-sample error of a plain float32 `W x`.
fn forward_errors(w: &Matrix, dec: &Decomposition) -> (f64, f64, f64) {
    let wf = to_float(w);
    let n = wf.nrows();
    let norm2 = wf.clone().svd(false, false).singular_values.max();
    let w32: Vec<f32> = (0..n)
        .flat_map(|i| (0..n).map(move |j| (i, j)))
        .map(|(i, j)| wf[(i, j)] as f32)
        .collect();
    let mut rng = Rng::new(20261201);
    let (mut per, mut normalised, mut plain) = (0.0f64, 0.0f64, 0.0f64);
    for _ in 0..SAMPLES {
        let x32: Vec<f32> = (0..n).map(|_| rng.normal() as f32).collect();
        let x: Vec<f64> = x32.iter().map(|&v| f64::from(v)).collect();
        let wx = &wf * nalgebra::DVector::from_vec(x.clone());
        let err = |y: &[f32]| {
            y.iter()
                .zip(wx.iter())
                .map(|(a, b)| (f64::from(*a) - b).powi(2))
                .sum::<f64>()
                .sqrt()
        };
        let e = err(&forward32(dec, &x32));
        let xn = x.iter().map(|v| v * v).sum::<f64>().sqrt();
        per = per.max(e / wx.norm());
        normalised = normalised.max(e / (norm2 * xn));
        plain = plain.max(err(&matvec32(&w32, n, &x32)) / wx.norm());
    }
    (per, normalised, plain)
}

fn main() {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    // `--save DIR`: also write each W as DIR/{rotation,lu}_{c}.npy (float32),
    // for measuring the loaders (numpy, torch) on the same weights.
    let save = args.iter().position(|a| a == "--save").map(|i| {
        let dir = args.get(i + 1).cloned().expect("--save needs a directory");
        args.drain(i..i + 2);
        dir
    });
    let mut sizes: Vec<usize> = args
        .iter()
        .map(|a| a.parse().expect("arguments are channel counts"))
        .collect();
    if sizes.is_empty() {
        sizes = vec![12, 24, 48];
    }
    let eps64 = Q::new(BigInt::one(), BigInt::from(10).pow(14u32));
    println!(
        "| family | c | layers | worst layer cond | certified error, float32 entries (EPS 1e-6) | time | certified error, float64 entries (EPS 1e-14) | time | float32 forward, per sample / normalised (plain float32 W x) |"
    );
    println!("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
    for (name, family) in [
        (
            "Glow rotation",
            glow_rotation as fn(usize, u64) -> couplings::exact::Matrix,
        ),
        ("Glow LU", glow_lu),
    ] {
        for &c in &sizes {
            let w = family(c, 1);
            if let Some(dir) = &save {
                let values: Vec<f32> = w.entries().iter().map(|v| to_f64(v) as f32).collect();
                let file = format!(
                    "{dir}/{}_{c}.npy",
                    if name == "Glow LU" { "lu" } else { "rotation" }
                );
                std::fs::write(&file, couplings::io::npy_bytes_f32(&[c, c], &values))
                    .expect("--save: cannot write");
            }
            let mut cells = Vec::new();
            let mut layers = String::new();
            let mut worst = 0.0f64;
            let mut forward = String::from("-");
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
                        if width == Width::F32 {
                            let (per, normalised, plain) = forward_errors(&w, &a.decomposition);
                            forward = format!("{per:.1e} / {normalised:.1e} ({plain:.1e})");
                        }
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
                "| {name} | {c} | {layers} | {worst:.1} | {} | {forward} |",
                cells.join(" | ")
            );
        }
    }
}
