//! The README's middle column: a target with an invertible diagonal block (T11 or
//! T22) gets at most 6 layers in signed mode and at most 8 in positive mode, even
//! when both off-diagonal blocks are singular (so the five-layer core cannot run
//! on T directly).

mod common;

use common::{TestRng, make_det_positive, verify_at_most};
use couplings::Mode;
use couplings::exact::{Matrix, qi};

/// A random `2d x 2d` matrix with the given block pattern: off-diagonal blocks of
/// rank at most one, one diagonal block dense and invertible, the other singular.
fn pattern(rng: &mut TestRng, d: usize, dense_top: bool) -> Matrix {
    loop {
        let dense = rng.invertible(d, -5, 5);
        let u = rng.int_matrix(d, 1, -3, 3);
        let v = rng.int_matrix(1, d, -3, 3);
        let rank_one = &u * &v;
        let singular = {
            let mut m = rng.int_matrix(d, d, -4, 4);
            for j in 0..d {
                m.set(0, j, qi(0));
            }
            m
        };
        let (t11, t22) = if dense_top {
            (dense, singular)
        } else {
            (singular, dense)
        };
        let t = Matrix::from_blocks(&t11, &rank_one, &rank_one.transpose(), &t22);
        if t.det() != qi(0) {
            return t;
        }
    }
}

#[test]
fn invertible_diagonal_block_gives_at_most_six_signed_and_eight_positive() {
    let mut rng = TestRng::new(2026);
    for d in [2usize, 3, 4, 6] {
        for dense_top in [true, false] {
            for _ in 0..6 {
                let t = pattern(&mut rng, d, dense_top);
                assert!(t.block(d, 0, d, d).det() == qi(0) && t.block(0, d, d, d).det() == qi(0));
                verify_at_most(&t, Mode::Signed, 6);
                verify_at_most(&make_det_positive(&t), Mode::Positive, 8);
            }
        }
    }
}
