//! The six-layer construction (`construct::six`): every invertible matrix is a
//! product of six layers in both modes. Checked on all signed 4x4 permutation
//! matrices, the named families and random integer matrices.

use couplings::construct::six::six_layers;
use couplings::exact::{Matrix, qi};
use couplings::families;
use couplings::{Decomposition, Mode, Split, check};
use num_traits::Signed;

fn six_ok(t: &Matrix, mode: Mode) {
    let inv = t.inverse().unwrap();
    let chain = six_layers(t, &inv, &t.det(), mode == Mode::Positive, 1)
        .unwrap_or_else(|| panic!("no six layers for {t:?} ({})", mode.name()));
    let dec = Decomposition {
        split: Split::halves(t.rows()),
        mode,
        layers: chain,
    }
    .normalized();
    assert!(dec.len() <= 6, "{} layers", dec.len());
    assert!(check(t, &dec).is_ok(), "check failed for {t:?}");
}

fn signed_permutation(p: &[usize], signs: u64) -> Matrix {
    let n = p.len();
    let mut m = Matrix::zeros(n, n);
    for (j, &i) in p.iter().enumerate() {
        m.set(i, j, qi(if signs >> j & 1 == 1 { -1 } else { 1 }));
    }
    m
}

#[test]
fn every_signed_4x4_permutation_in_both_modes() {
    for p in families::all_permutations(4) {
        for signs in 0..16 {
            let t = signed_permutation(&p, signs);
            six_ok(&t, Mode::Signed);
            if t.det().is_positive() {
                six_ok(&t, Mode::Positive);
            }
        }
    }
}

#[test]
fn named_families_and_random_matrices() {
    for d in 2..=5 {
        let n = 2 * d;
        let mut ts = vec![
            families::swap_family(d),
            families::swap_halves(n),
            families::rotation_halves(n),
            families::minus_identity(n),
            families::sign_diag(n, (1 << d) - 1),
            families::random_integer(n, d as u64),
        ];
        ts.push(families::make_det_positive(&families::random_integer(
            n,
            7 + d as u64,
        )));
        for t in ts {
            six_ok(&t, Mode::Signed);
            if t.det().is_positive() {
                six_ok(&t, Mode::Positive);
            }
        }
    }
}
