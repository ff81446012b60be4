//! Benchmark: the two costs issue 17 found quadratic, before and after, in one
//! run (so the ratios are comparable on a loaded machine).
//!
//! 1. Reading a long integer: `parse_q` (divide and conquer) next to
//!    `BigInt::from_str` (one multiplication by `10^19` per 19 digits, what
//!    `parse_q` did before), for D-digit integers; numbers over
//!    `exact::MAX_DIGITS` digits are refused before any arithmetic (the
//!    3-million-digit row shows both).
//! 2. Verifying a certificate with a hint after each of K layers: `verify_text`
//!    (one pass, the running product compared at each hint) next to the former
//!    method (`check` of each hint against its prefix of layers, re-multiplying
//!    from layer 0 each time).
//!
//! Run: `cargo bench --bench hostile` or `cargo bench --bench hostile -- quick`
//! (small sizes, used by the test that this benchmark runs).

use couplings::certificate::{Certificate, to_text, verify_text};
use couplings::exact::{Matrix, parse_q, qi};
use couplings::{Decomposition, Layer, Mode, Split, check};
use num_bigint::BigInt;
use std::time::Instant;

fn seconds(t: Instant) -> f64 {
    t.elapsed().as_secs_f64()
}

fn digits(len: usize) -> String {
    (0..len)
        .map(|i| char::from(b'1' + ((i * 7919 + i / 3) % 9) as u8))
        .collect()
}

fn numbers(sizes: &[usize]) {
    println!("| digits | parse_q (s) | BigInt::from_str (s) | ratio | parse_q result |");
    println!("|---:|---:|---:|---:|---|");
    for &d in sizes {
        let text = digits(d);
        let t = Instant::now();
        let ours = parse_q(&text);
        let ours_s = seconds(t);
        let t = Instant::now();
        let schoolbook: BigInt = text.parse().unwrap();
        let old_s = seconds(t);
        let result = match &ours {
            Ok(q) => {
                assert_eq!(q.numer(), &schoolbook, "{d} digits");
                "exact".to_string()
            }
            Err(e) => format!("refused: {}", e.to_string().split(';').next().unwrap_or("")),
        };
        println!(
            "| {d} | {ours_s:.4} | {old_s:.4} | {:.1} | {result} |",
            old_s / ours_s.max(1e-9)
        );
    }
}

/// A 2x2 certificate of K layers (alternating `U(-1)`, `L(1)`: entries stay
/// small) with a hint after every layer but the last.
fn certificate(k: usize) -> (Certificate, String) {
    let split = Split::new(1, 1);
    let layers: Vec<Layer> = (0..k)
        .map(|i| {
            if i % 2 == 0 {
                Layer::upper(Matrix::from_i64(&[&[-1]]), vec![qi(1)])
            } else {
                Layer::lower(Matrix::from_i64(&[&[1]]), vec![qi(1)])
            }
        })
        .collect();
    let dec = Decomposition {
        split,
        mode: Mode::Signed,
        layers,
    };
    let cert = Certificate::with_all_hints(dec.product(), dec);
    let text = to_text(&cert);
    (cert, text)
}

fn hints(sizes: &[usize]) {
    println!(
        "| layers = hints + 1 | verify_text (s) | check per hint, former method (s) | ratio |"
    );
    println!("|---:|---:|---:|---:|");
    for &k in sizes {
        let (cert, text) = certificate(k);
        let t = Instant::now();
        let verified = verify_text(&text).expect("the certificate verifies");
        let ours_s = seconds(t);
        assert_eq!(verified.hints, k - 1);
        let t = Instant::now();
        for hint in &cert.hints {
            let prefix = Decomposition {
                split: cert.decomposition.split,
                mode: cert.decomposition.mode,
                layers: cert.decomposition.layers[..hint.after].to_vec(),
            };
            check(&hint.product, &prefix).expect("each hint holds");
        }
        check(&cert.target, &cert.decomposition).expect("the target holds");
        let old_s = seconds(t);
        println!(
            "| {k} | {ours_s:.3} | {old_s:.3} | {:.1} |",
            old_s / ours_s.max(1e-9)
        );
    }
}

fn main() {
    let quick = std::env::args().any(|a| a == "quick");
    let (digit_sizes, hint_sizes): (Vec<usize>, Vec<usize>) = if quick {
        (vec![2_000, 5_000], vec![50, 100])
    } else {
        (
            vec![12_500, 25_000, 50_000, 100_000, 3_000_000],
            vec![1_000, 2_000, 4_000, 10_000],
        )
    };
    numbers(&digit_sizes);
    println!();
    hints(&hint_sizes);
}
