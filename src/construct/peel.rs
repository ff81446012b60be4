//! Peeling: one extra lower layer on the left (six layers) or one on each side
//! (seven layers) that puts the remainder into the five-layer core's big cell.
//!
//! Left peel, `T11` invertible. For any `X`, `alpha := (T21 - X) T11^-1` gives
//! `T' := L(-alpha) T` with `T'21 = X` (lemma `peel_left_x`), and with
//! `S := T22 - T21 T11^-1 T12` (Schur complement) the core's `R'` is
//! `T11 X^-1 S` (lemma `peel_left_r`). The core needs `N' = X^-1` and `R'` to have
//! UL factorisations, i.e. `X` and `M := S^-1 X T11^-1` to have LU factorisations
//! (all leading principal minors nonzero). Along the line `X(t) = I + t S T11`,
//! `M(t) = S^-1 T11^-1 + t I`: the product of all those minors is a polynomial in
//! `t` of degree at most `d (d + 1)`, nonzero because its `X` part is 1 at `t = 0` and
//! its `M` part is monic. So one of `t = 0, 1, ..., d (d + 1)` works: the search is
//! deterministic and always succeeds.
//!
//! Two peels. For any invertible `T` the block row `[T11 T12]` has full rank, so a
//! right peel `T'' := T L(-beta)` makes `T''11 = T11 - T12 beta` invertible: take
//! the pivot columns `J` of `T11`, complete them to a basis with columns `K` of
//! `T12`, pair the other columns of `T11` with `K`, and set `beta = -t G` for the
//! 0/1 pairing matrix `G`. `det(T11 + t T12 G)` is a polynomial in `t` whose top
//! coefficient is the determinant of that basis, so one of `t = 1, ..., d + 1`
//! works. Then the left peel applies to `T''`.

use super::blocks::{Blocks, Chain};
use super::five;
use crate::exact::{Matrix, Q, qi};
use crate::layer::{Kind, Layer, Mode};
use num_traits::Zero;

/// How many extra line points to try in positive mode looking for a remainder
/// whose core needs no sign fix.
const POSITIVE_TRIES: usize = 6;

/// `T = L(alpha) T'` with the five-layer core on `T'`; needs `T11` invertible.
/// Returns the chain (application order: core layers, then `L(alpha)`).
///
/// With `clean_only` (positive mode, when a candidate with the sign fix already
/// exists), only remainders whose core needs no sign fix are built.
pub fn left_peel(b: &Blocks, mode: Mode, clean_only: bool) -> Option<Chain> {
    let d = b.d();
    let t11_inv = b.t11.inverse().ok()?;
    // lemma: peel_left_r (Schur complement)
    let schur = &b.t22 - &(&(&b.t21 * &t11_inv) * &b.t12);
    let schur_inv = schur.inverse().ok()?;
    // lemma: peel_left_m (M = R'^-1 = S^-1 X T11^-1)
    // lemma: peel_line (X(t) = I + t S T11 gives M(t) = S^-1 T11^-1 + t I)
    let direction = &schur * &b.t11;
    let m0 = &schur_inv * &t11_inv;
    let limit = d * (d + 1);
    let mut fallback: Option<Chain> = None;
    let mut valid_seen = 0;
    for t in 0..=limit {
        let tq = qi(t as i64);
        let x = &Matrix::identity(d) + &direction.map(|v| v * &tq);
        let m = &m0 + &Matrix::identity(d).map(|v| v * &tq);
        if !x.has_lu() || !m.has_lu() {
            continue;
        }
        // lemma: peel_left_x
        let alpha = &(&b.t21 - &x) * &t11_inv;
        let rest = Blocks {
            t11: b.t11.clone(),
            t12: b.t12.clone(),
            t21: x,
            t22: &b.t22 - &(&alpha * &b.t12),
        };
        let Some(plan) = five::plan(&rest) else {
            continue;
        };
        let clean = plan.forced_negative() == 0;
        if clean_only && !clean {
            valid_seen += 1;
            if valid_seen > POSITIVE_TRIES {
                break;
            }
            continue;
        }
        let Some(mut chain) = five::build(&rest, &plan, mode) else {
            continue;
        };
        // lemma: peel_left_x_product
        // lemma: left_peel_six (the whole chain)
        chain.push(Layer::unit(Kind::Lower, alpha));
        if mode == Mode::Signed || clean {
            return Some(chain);
        }
        fallback.get_or_insert(chain);
        valid_seen += 1;
        if valid_seen > POSITIVE_TRIES {
            break;
        }
    }
    fallback
}

/// The right peel `beta` making `T11 - T12 beta` invertible (see module docs).
pub fn invertible_corner_peel(b: &Blocks) -> Option<Matrix> {
    let d = b.d();
    let j = b.t11.pivot_columns();
    if j.len() == d {
        return Some(Matrix::zeros(d, d));
    }
    // Columns of [T11_J | T12]; the pivots past |J| pick the completing columns of T12.
    let mut cols: Vec<Vec<Q>> = j.iter().map(|&c| column(&b.t11, c)).collect();
    cols.extend((0..d).map(|c| column(&b.t12, c)));
    let basis = Matrix::from_rows(cols)?.transpose().pivot_columns();
    let k: Vec<usize> = basis
        .iter()
        .filter(|&&c| c >= j.len())
        .map(|&c| c - j.len())
        .collect();
    let free: Vec<usize> = (0..d).filter(|c| !j.contains(c)).collect();
    if k.len() != free.len() {
        return None;
    }
    for t in 1..=(free.len() as i64 + 1) {
        let mut beta = Matrix::zeros(d, d);
        for (&col, &row) in free.iter().zip(&k) {
            beta.set(row, col, qi(-t));
        }
        let corner = &b.t11 - &(&b.t12 * &beta);
        if !corner.det().is_zero() {
            return Some(beta);
        }
    }
    None
}

fn column(m: &Matrix, c: usize) -> Vec<Q> {
    (0..m.rows()).map(|i| m.get(i, c).clone()).collect()
}

/// Seven layers (or six when `T11` is already invertible): right peel `L(beta)`,
/// then the left peel. Always succeeds for invertible `T`.
pub fn two_peels(b: &Blocks, mode: Mode) -> Option<Chain> {
    let beta = invertible_corner_peel(b)?;
    if beta.is_zero() {
        return left_peel(b, mode, false);
    }
    // lemma: peel_right (T'' = T L(-beta))
    let rest = Blocks {
        t11: &b.t11 - &(&b.t12 * &beta),
        t12: b.t12.clone(),
        t21: &b.t21 - &(&b.t22 * &beta),
        t22: b.t22.clone(),
    };
    // lemma: peel_right_product
    // lemma: two_peels_seven (the whole chain)
    let mut chain = vec![Layer::unit(Kind::Lower, beta)];
    chain.extend(left_peel(&rest, mode, false)?);
    Some(chain)
}

/// A left peel with a given shift `alpha` (for randomised attempts when both
/// diagonal blocks are singular): the core on `L(-alpha) T`, then `L(alpha)`.
pub fn fixed_left_peel(
    b: &Blocks,
    alpha: &Matrix,
    mode: Mode,
    clean_only: bool,
) -> Option<(Chain, bool)> {
    // lemma: peel_left
    let rest = Blocks {
        t11: b.t11.clone(),
        t12: b.t12.clone(),
        t21: &b.t21 - &(alpha * &b.t11),
        t22: &b.t22 - &(alpha * &b.t12),
    };
    let plan = five::plan(&rest)?;
    let clean = plan.forced_negative() == 0;
    if clean_only && !clean {
        return None;
    }
    let mut chain = five::build(&rest, &plan, mode)?;
    // lemma: peel_left_product
    chain.push(Layer::unit(Kind::Lower, alpha.clone()));
    Some((chain, clean))
}
