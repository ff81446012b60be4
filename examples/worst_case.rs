//! Layer counts of `decompose` (shallow strategy) on the worst-case families:
//! every permutation matrix for n = 2, 4, 6, 8, every diagonal sign matrix for
//! n = 2, 4, 6, 8, every signed permutation matrix for n = 4, and the named
//! degenerate families, in both modes. Prints one histogram per family and mode.
//!
//! `cargo run --release --example worst_case [MAX_N]` (default 8).
use couplings::exact::{Matrix, qi};
use couplings::families;
use couplings::{Mode, Options, decompose_with};
use num_traits::Signed;
use std::collections::BTreeMap;
use std::time::Instant;

fn layers(t: &Matrix, mode: Mode) -> Option<usize> {
    if mode == Mode::Positive && !t.det().is_positive() {
        return None;
    }
    let dec = decompose_with(
        t,
        &Options {
            mode,
            ..Options::default()
        },
    )
    .expect("decompose");
    Some(dec.len())
}

fn report(name: &str, ts: &[Matrix]) {
    for mode in [Mode::Signed, Mode::Positive] {
        let start = Instant::now();
        let mut hist: BTreeMap<usize, usize> = BTreeMap::new();
        for t in ts {
            if let Some(k) = layers(t, mode) {
                *hist.entry(k).or_default() += 1;
            }
        }
        let total: usize = hist.values().sum();
        let worst = hist.keys().max().copied().unwrap_or(0);
        let h: Vec<String> = hist.iter().map(|(k, c)| format!("{k}: {c}")).collect();
        println!(
            "| {name} | {} | {total} | {worst} | {} | {:.1} |",
            mode.name(),
            h.join(", "),
            start.elapsed().as_secs_f64()
        );
    }
}

fn signed_perm(p: &[usize], signs: u64) -> Matrix {
    let n = p.len();
    let mut m = Matrix::zeros(n, n);
    for (j, &i) in p.iter().enumerate() {
        m.set(i, j, qi(if signs >> j & 1 == 1 { -1 } else { 1 }));
    }
    m
}

fn main() {
    let max_n: usize = std::env::args()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(8);
    println!("| family | mode | inputs | worst | layers: count | seconds |");
    println!("|---|---|---:|---:|---|---:|");
    for n in (2..=max_n).step_by(2) {
        let perms: Vec<Matrix> = families::all_permutations(n)
            .iter()
            .map(|p| families::permutation_matrix(p))
            .collect();
        report(&format!("permutations n = {n}"), &perms);
        let signs: Vec<Matrix> = (0..1u64 << n).map(|m| families::sign_diag(n, m)).collect();
        report(&format!("sign matrices n = {n}"), &signs);
    }
    let sp: Vec<Matrix> = families::all_permutations(4)
        .iter()
        .flat_map(|p| (0..16).map(move |s| signed_perm(p, s)))
        .collect();
    report("signed permutations n = 4", &sp);
    for n in (4..=max_n.max(4)).step_by(2) {
        let d = n / 2;
        let named = vec![
            families::swap_halves(n),
            families::rotation_halves(n),
            families::minus_identity(n),
            families::swap_family(d),
            families::block_diag(&(-&Matrix::identity(d)), &Matrix::identity(d)),
        ];
        report(&format!("named families n = {n}"), &named);
    }
}
