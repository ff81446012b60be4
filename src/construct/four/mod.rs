//! The four-layer construction `T = U1 L1 U2 L2` (matrix product; application
//! order `L2, U2, L1, U1`), half/half split, blocks `d x d`, exact over Q, in
//! both modes (`docs/construction.md`, "Tier 1b: four layers"; lemmas in
//! `proofs/four.proof`).
//!
//! **Lemma 4L.** With `S = T^-1`, `T` is `U L U L` iff there are `X`, `V` with
//!
//! ```text
//! F(X, V) = T11 + X T21 + T12 V + X T22 V        (= [I X] T [I; V])
//! G(X, V) = S22 - V S12 - S21 X + V S11 X        (= [-V I] S [-X; I])
//! ```
//!
//! both diagonal with nonzero (positive) diagonals. The layers are then
//! [`layers_from_xv`]: `L(-V, I)`, `U(Gm12, F)`, `L(Gm21 F^-1, G^-1)`,
//! `U(-X, I)` with `Gm = U(X, I) T L(V, I)`. `L U L U` is `U L U L` of the swap
//! `S T S`, so the search runs on the views `T`, `S T S`, `T^-1`, `S T^-1 S`
//! (the last two give the same shapes with the roles of `T22` and `S11`
//! exchanged).
//!
//! Where `(X, V)` come from:
//! * stratum A ([`from_scales`]): diagonal `Phi`, `Psi` and an invertible `K`
//!   with `(T22 Psi) K = K (S11 Phi)` and `T22` invertible give
//!   `V = T22^-1 (K - T21)`, `X = (Phi - T11 - T12 V) K^-1`, `F = Phi`,
//!   `G = Psi` (lemma `four_layer_intertwiner`); [`similar`] finds `K`;
//! * the scales: [`conic`] (d = 2, a closed-form rational parametrisation of
//!   every admissible `(Phi, Psi)`, with an exact sign analysis in positive
//!   mode), [`vieta`] (d = 3, rational points by Vieta jumping, with a bounded
//!   number of tries), [`triangular`] (any d, when `T22` and `S11` are
//!   triangular up to a simultaneous permutation);
//! * [`conic::fixed_x`] (d = 2): for a fixed `X` the off-diagonal equations are
//!   linear in `V`.
//!
//! Every candidate is checked (`F`, `G` diagonal with admissible signs) before
//! its layers are returned; `decompose` multiplies the result out exactly. The
//! search gives up quickly when nothing applies: the d = 2 and d = 3 methods
//! are closed forms or bounded searches, and for d >= 4 only the triangular
//! criterion (a pattern test on two blocks) runs.

pub mod conic;
pub mod similar;
pub mod triangular;
pub mod vieta;

use super::blocks::{Blocks, Chain, Symmetry};
use super::rng::Rng;
use crate::exact::{Matrix, Q};
use crate::layer::{Kind, Layer};
use num_traits::{Signed, Zero};

/// Which way of finding `(X, V)` produced a four-layer decomposition.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FourMethod {
    /// d = 2: the conic of admissible scales (closed form).
    Conic,
    /// d = 2: a fixed `X`, `V` from the linear off-diagonal equations.
    FixedX,
    /// d = 3: a rational point found by Vieta jumping.
    Vieta,
    /// Any d: `T22` and `S11` triangular up to a simultaneous permutation.
    Triangular,
}

impl FourMethod {
    /// Short name used in construction names.
    pub fn name(self) -> &'static str {
        match self {
            FourMethod::Conic => "conic",
            FourMethod::FixedX => "fixed X",
            FourMethod::Vieta => "Vieta jumping",
            FourMethod::Triangular => "triangular",
        }
    }
}

/// How much the bounded searches may try (the defaults are what `decompose` uses).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Effort {
    /// d = 3: how many Vieta points to lift and try (per view).
    pub vieta_points: usize,
    /// d = 2: how many fixed `X` to try (per view).
    pub fixed_x: usize,
}

impl Default for Effort {
    fn default() -> Effort {
        Effort {
            vieta_points: 24,
            fixed_x: 12,
        }
    }
}

impl Effort {
    /// A larger effort for `couplings depth` (not on the default path).
    pub fn thorough() -> Effort {
        Effort {
            vieta_points: 400,
            fixed_x: 60,
        }
    }
}

/// `F(X, V)` and `G(X, V)` of Lemma 4L, with the blocks `Gm12 = T12 + X T22`
/// and `Gm21 = T21 + T22 V` the layers need.
pub struct FourForms {
    /// `F(X, V)` (the (1,1) block of `Gm`).
    pub f: Matrix,
    /// `G(X, V)` (the (2,2) block of `Gm^-1`).
    pub g: Matrix,
    /// `Gm12`.
    pub gm12: Matrix,
    /// `Gm21`.
    pub gm21: Matrix,
}

/// The forms of Lemma 4L for `g` (blocks of the target) and `gi` (blocks of its inverse).
pub fn forms(g: &Blocks, gi: &Blocks, x: &Matrix, v: &Matrix) -> FourForms {
    // lemma: four_layer_sandwich
    let gm12 = &g.t12 + &(x * &g.t22);
    let gm21 = &g.t21 + &(&g.t22 * v);
    let f = &(&g.t11 + &(x * &g.t21)) + &(&gm12 * v);
    // lemma: four_layer_sandwich_inverse
    let s12_x = &gi.t12 - &(&gi.t11 * x);
    let g_form = &(&gi.t22 - &(&gi.t21 * x)) - &(v * &s12_x);
    FourForms {
        f,
        g: g_form,
        gm12,
        gm21,
    }
}

/// Whether `m` is diagonal with nonzero (positive) diagonal.
fn admissible_diagonal(m: &Matrix, positive: bool) -> bool {
    m.is_diagonal()
        && m.diagonal()
            .iter()
            .all(|x| !x.is_zero() && (!positive || x.is_positive()))
}

/// Lemma 4L: the four layers (application order) from `(X, V)`, or `None` when
/// `F(X, V)` or `G(X, V)` is not diagonal with admissible diagonal.
pub fn layers_from_xv(
    g: &Blocks,
    gi: &Blocks,
    x: &Matrix,
    v: &Matrix,
    positive: bool,
) -> Option<Chain> {
    let fm = forms(g, gi, x, v);
    if !admissible_diagonal(&fm.f, positive) || !admissible_diagonal(&fm.g, positive) {
        return None;
    }
    let f = fm.f.diagonal();
    let finv: Vec<Q> = f.iter().map(|x| x.recip()).collect();
    let ginv: Vec<Q> = fm.g.diagonal().iter().map(|x| x.recip()).collect();
    // lemma: four_layer_lu (Gm = L(Gm21 F^-1, G^-1) U(Gm12, F), the Schur
    // complement being G^-1 by four_layer_lu_inverse)
    // lemma: four_layer_product (T = U(-X, I) Gm L(-V, I))
    Some(vec![
        Layer::unit(Kind::Lower, -v),
        Layer::upper(fm.gm12, f),
        Layer::lower(fm.gm21.scale_cols(&finv), ginv),
        Layer::unit(Kind::Upper, -x),
    ])
}

/// Stratum A: given diagonal `phi`, `psi` with `T22` invertible, an invertible
/// intertwiner `K` of `T22 Psi` and `S11 Phi` gives `(X, V)` with `F = Phi`,
/// `G = Psi`; the layers, or `None` when the two are not similar (or the
/// checks fail).
pub fn from_scales(
    g: &Blocks,
    gi: &Blocks,
    t22_inv: &Matrix,
    phi: &[Q],
    psi: &[Q],
    positive: bool,
    rng: &mut Rng,
) -> Option<Chain> {
    let a = g.t22.scale_cols(psi);
    let b = gi.t11.scale_cols(phi);
    let k = similar::intertwiner(&a, &b, rng)?;
    from_intertwiner(g, gi, t22_inv, phi, &k, positive)
}

/// Stratum A with the intertwiner `K` given (`(T22 Psi) K = K (S11 Phi)`).
pub fn from_intertwiner(
    g: &Blocks,
    gi: &Blocks,
    t22_inv: &Matrix,
    phi: &[Q],
    k: &Matrix,
    positive: bool,
) -> Option<Chain> {
    let k_inv = k.inverse().ok()?;
    // lemma: four_layer_stratum_a (V = T22^-1 (K - T21) makes Gm21 = K;
    // X = (Phi - T11 - T12 V) K^-1 makes F = Phi)
    let v = t22_inv * &(k - &g.t21);
    let x = &(&(&Matrix::from_diagonal(phi) - &g.t11) - &(&g.t12 * &v)) * &k_inv;
    // lemma: four_layer_intertwiner (then G = T22^-1 K S11 Phi K^-1 = Psi)
    layers_from_xv(g, gi, &x, &v, positive)
}

/// One view of the target: the matrix the construction runs on, its blocks and
/// the blocks of its inverse.
pub struct View {
    /// Which symmetry of `T` this is.
    pub symmetry: Symmetry,
    /// The blocks of the view `G`.
    pub g: Blocks,
    /// The blocks of `G^-1`.
    pub gi: Blocks,
    /// `det G`.
    pub det: Q,
}

impl View {
    /// The four views of `t` (given its inverse and determinant).
    pub fn all(t: &Matrix, t_inv: &Matrix, det: &Q) -> Vec<View> {
        Symmetry::ALL
            .iter()
            .map(|&s| View::of(t, t_inv, det, s))
            .collect()
    }

    /// One view of `t`.
    pub fn of(t: &Matrix, t_inv: &Matrix, det: &Q, symmetry: Symmetry) -> View {
        View {
            symmetry,
            g: Blocks::of(&symmetry.apply(t, t_inv)),
            gi: Blocks::of(&symmetry.apply(t_inv, t)),
            det: match symmetry {
                Symmetry::Identity | Symmetry::Swap => det.clone(),
                Symmetry::Inverse | Symmetry::SwapInverse => det.recip(),
            },
        }
    }
}

/// The four-layer search: the triangular criterion (any d), then at d = 2 the
/// conic and fixed `X`, at d = 3 Vieta jumping, each on the four views of `T`.
/// Returns the chain (for `T`, already mapped back), the view's symmetry and the
/// method.
///
/// # Examples
/// ```
/// use couplings::construct::four::{Effort, FourMethod, search};
/// use couplings::exact::Matrix;
/// // The README's example: four layers in both modes.
/// let t = Matrix::from_i64(&[&[1, 2, 0, 1], &[0, 1, 3, 0], &[2, 0, 1, 1], &[1, 1, 0, 2]]);
/// let inv = t.inverse().unwrap();
/// for positive in [false, true] {
///     let (chain, _, method) = search(&t, &inv, positive, Effort::default(), 1).unwrap();
///     assert_eq!((chain.len(), method), (4, FourMethod::Conic));
/// }
/// ```
pub fn search(
    t: &Matrix,
    t_inv: &Matrix,
    positive: bool,
    effort: Effort,
    seed: u64,
) -> Option<(Chain, Symmetry, FourMethod)> {
    let d = t.rows() / 2;
    // Only the d = 2 conic reads the determinant.
    let det = if d == 2 {
        t.det()
    } else {
        Q::from_integer(1.into())
    };
    let views = View::all(t, t_inv, &det);
    let mut rng = Rng::new(seed ^ 0x4f0e);
    let done = |c: Chain, v: &View, m: FourMethod| Some((v.symmetry.restore(c), v.symmetry, m));
    for v in &views {
        if let Some(c) = triangular::four_triangular(&v.g, &v.gi, positive) {
            return done(c, v, FourMethod::Triangular);
        }
    }
    match d {
        2 => {
            for v in &views {
                if let Some(c) = conic::conic(v, positive, &mut rng) {
                    return done(c, v, FourMethod::Conic);
                }
            }
            for v in &views {
                if let Some(c) = conic::fixed_x(v, positive, effort.fixed_x, &mut rng) {
                    return done(c, v, FourMethod::FixedX);
                }
            }
        }
        3 => {
            for v in &views {
                if let Some(c) = vieta::vieta(v, positive, effort.vieta_points, &mut rng) {
                    return done(c, v, FourMethod::Vieta);
                }
            }
        }
        _ => {}
    }
    None
}
