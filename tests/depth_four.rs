//! `couplings depth` beyond "at least 4" (`docs/lower-bounds.md`, sections 8
//! and 9): four layers found and verified, the swap family certified "at least
//! 5" at every n, n = 4 polynomial certificates re-checked, and tampered
//! witnesses rejected. The full 4x4 signed-permutation table is measured by
//! `examples/depth_table.rs`, not here (seconds per mode).

use couplings::construct::short::bounds::four_layer_generators;
use couplings::depth::recheck::{FiveWitness, recheck_five, swap_halves};
use couplings::depth::{Beyond, DepthReport, Outcome, minimal_depth};
use couplings::exact::poly::Poly;
use couplings::exact::{Matrix, qi};
use couplings::{Mode, check, families};

fn readme_example() -> Matrix {
    Matrix::from_i64(&[&[1, 2, 0, 1], &[0, 1, 3, 0], &[2, 0, 1, 1], &[1, 1, 0, 2]])
}

fn signed_permutation(p: &[usize], signs: u64) -> Matrix {
    let n = p.len();
    let mut m = Matrix::zeros(n, n);
    for (j, &i) in p.iter().enumerate() {
        m.set(i, j, qi(if signs >> j & 1 == 1 { -1 } else { 1 }));
    }
    m
}

fn report(t: &Matrix, mode: Mode) -> DepthReport {
    let r = minimal_depth(t, mode).unwrap();
    assert!(matches!(r.outcome, Outcome::AtLeastFour { .. }));
    r
}

#[test]
fn readme_example_has_depth_four_in_both_modes() {
    let t = readme_example();
    for mode in [Mode::Signed, Mode::Positive] {
        let r = report(&t, mode);
        let Some(Beyond::Four(dec)) = &r.beyond else {
            panic!("{}: {:?}", mode.name(), r.beyond)
        };
        assert_eq!(dec.len(), 4);
        assert!(check(&t, dec).is_ok());
        assert_eq!((r.lower_bound(), r.upper_bound()), (Some(4), Some(4)));
        let text = r.to_text(&t);
        assert!(text.contains("minimal depth: 4"), "{text}");
    }
}

#[test]
fn swap_family_needs_five_at_every_n() {
    for d in 2..=5 {
        let t = families::swap_family(d);
        let r = report(&t, Mode::Signed);
        assert_eq!(r.beyond, Some(Beyond::AtLeastFive(FiveWitness::SwapFamily)));
        assert_eq!(r.lower_bound(), Some(5));
        // decompose reaches it: exact depth 5.
        assert_eq!(r.upper_bound(), Some(5), "d = {d}");
        assert!(recheck_five(&t, Mode::Signed, &FiveWitness::SwapFamily).is_ok());
        assert!(r.to_text(&t).contains("minimal depth: at least 5"));
    }
}

#[test]
fn swap_witness_is_rejected_off_the_family() {
    let t = readme_example();
    let e = recheck_five(&t, Mode::Signed, &FiveWitness::SwapFamily).unwrap_err();
    assert!(e.message.contains("T11 or T22"), "{e}");
}

/// The first signed 4x4 permutation (in the families' order) whose four-layer
/// answer is a polynomial certificate in `mode`.
fn first_polynomial(mode: Mode) -> (Matrix, FiveWitness) {
    for p in families::all_permutations(4) {
        for signs in 0..16 {
            let t = signed_permutation(&p, signs);
            if mode == Mode::Positive && t.det() <= qi(0) {
                continue;
            }
            let r = minimal_depth(&t, mode).unwrap();
            if let Some(Beyond::AtLeastFive(w @ FiveWitness::Polynomial { .. })) = r.beyond {
                return (t, w);
            }
        }
    }
    panic!("no polynomial certificate among the 4x4 signed permutations");
}

#[test]
fn polynomial_certificates_recheck_and_tampering_is_caught() {
    for mode in [Mode::Signed, Mode::Positive] {
        let (t, w) = first_polynomial(mode);
        assert!(recheck_five(&t, mode, &w).is_ok());
        // decompose reaches the bound in signed mode (tier 2c at n = 4): exact
        // depth 5. (The first positive case is block diagonal with unbalanced
        // signs, depth 6: docs/lower-bounds.md, section 10.)
        let r = minimal_depth(&t, mode).unwrap();
        let upper = if mode == Mode::Signed { 5 } else { 6 };
        assert_eq!((r.lower_bound(), r.upper_bound()), (Some(5), Some(upper)));
        let FiveWitness::Polynomial { ulul, lulu } = &w else {
            unreachable!()
        };
        // Wrong target.
        let other = families::swap_halves(4);
        assert!(recheck_five(&other, mode, &w).is_err());
        // A changed cofactor.
        let mut bad = ulul.clone();
        bad.cofactors[0] = &bad.cofactors[0] + &Poly::constant(qi(1));
        let w2 = FiveWitness::Polynomial {
            ulul: bad,
            lulu: lulu.clone(),
        };
        let e = recheck_five(&t, mode, &w2).unwrap_err();
        assert!(e.message.contains("differs from h"), "{e}");
        // A consistent sum whose h may vanish (the first generator added on
        // both sides uses the entries of X and V).
        let mut bad = lulu.clone();
        let gens = four_layer_generators(&swap_halves(&t), &bad.inverse);
        bad.cofactors[0] = &bad.cofactors[0] + &Poly::constant(qi(1));
        bad.h = &bad.h + &gens[0];
        let w3 = FiveWitness::Polynomial {
            ulul: ulul.clone(),
            lulu: bad,
        };
        let e = recheck_five(&t, mode, &w3).unwrap_err();
        assert!(e.message.contains("h "), "{e}");
        // A wrong inverse.
        let mut bad = ulul.clone();
        bad.inverse = Matrix::identity(4);
        let w4 = FiveWitness::Polynomial {
            ulul: bad,
            lulu: lulu.clone(),
        };
        let e = recheck_five(&t, mode, &w4).unwrap_err();
        assert!(e.message.contains("inverse"), "{e}");
    }
}

#[test]
fn four_layer_products_are_recognised() {
    // Random products of four layers with small integer entries (n = 4, 6):
    // depth reports at most 4 with a verified decomposition.
    let mut rng = couplings::construct::rng::Rng::new(15);
    for d in [2usize, 3] {
        for _ in 0..4 {
            let mut t = Matrix::identity(2 * d);
            for k in 0..4 {
                let mut m = Matrix::identity(2 * d);
                for i in 0..d {
                    for j in 0..d {
                        let (r, c) = if k % 2 == 0 { (d + i, j) } else { (i, d + j) };
                        m.set(r, c, qi(rng.range(-2, 2)));
                    }
                }
                t = &m * &t;
            }
            let r = minimal_depth(&t, Mode::Signed).unwrap();
            assert!(r.upper_bound().unwrap() <= 4, "{t:?}");
            if let Some(b) = &r.beyond {
                assert!(matches!(b, Beyond::Four(_)), "{b:?}");
            }
        }
    }
}
