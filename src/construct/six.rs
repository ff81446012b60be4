//! Six layers for every invertible `T`, in both modes (with `det T > 0` in
//! positive mode): `T = L(A, I) M U(B, I)` (matrix product) with `M` a
//! four-layer product `U L U L` whose scales are `Phi` (positive) and `I`
//! (`docs/construction.md`, "Tier 3b: six layers for every matrix"; lemmas in
//! `proofs/six.proof`).
//!
//! 1. **Peel.** `A` with `Z := T21 - A T11` invertible (it exists because
//!    `[T11; T21]` has full column rank; found as the right peel of
//!    `peel::invertible_corner_peel` applied to the transposes). Then
//!    `Z2 := S21 + S22 A` is invertible and `det(-Z2) = det Z / det T`
//!    (lemma `six_peel_factor`).
//! 2. **Target of the middle.** For any `Lam`, `B := Z^-1 (Y - Lam)` with
//!    `Y := T22 - A T12` gives `M := L(-A, I) T U(-B, I)` with `M21 = Z`,
//!    `M22 = Lam` and `(M^-1)11 = -Z^-1 Lam Z2` (lemmas `six_peel_blocks`,
//!    `six_inverse_corner`). By stratum A of the four-layer construction, `M`
//!    is `U L U L` with scales `F = Phi`, `G = I` as soon as `Lam` and
//!    `-Z^-1 Lam Z2 Phi` are similar, i.e. `Lam ~ Lam W` with
//!    `W := -Z2 Phi Z^-1`, `det W = det Phi / det T`.
//! 3. **Phi.** A diagonal `Phi` (positive in positive mode) with
//!    `det Phi = det T`, so `det W = 1`, chosen so that `W` is cyclic (a
//!    cyclic vector is found); such `Phi` exist for every `T`
//!    (`docs/construction.md`: `Phi C` has distinct eigenvalues for some
//!    diagonal `Phi`, for every invertible `C`).
//! 4. **A factorisation of a conjugate of W.** With distinct `beta_i` and
//!    `U := ` upper bidiagonal (diagonal `1 / beta_i`, superdiagonal 1), there
//!    is a unique last row `l` of `L := diag(beta) + e_d l^T` such that
//!    `H := L U` has the characteristic polynomial of `W` (closed form below);
//!    `H` is lower Hessenberg with nonzero superdiagonal, hence cyclic, so
//!    `H = S W S^-1` with `S` from Krylov matrices.
//! 5. **Lam.** `L^-1` and `U` are triangular with the same simple spectrum
//!    `{1 / beta_i}`, so `L^-1 = J' U J'^-1` (eigenvector matrices), and
//!    `Lam := S^-1 L^-1 S` satisfies `Lam = J (Lam W) J^-1` with
//!    `J = S^-1 J' S` (lemma `six_similarity`). The intertwiner of stratum A
//!    is `K = J Z`.
//!
//! The closed form of step 4: `H0 := diag(beta) U` is upper bidiagonal with
//! unit diagonal and superdiagonal `beta_i`, and `H = H0 + e_d u^T` with
//! `u^T = l^T U`. With `s = t - 1`, `det(tI - H) = s^d - sum_i u_i P_i s^{i-1}`
//! where `P_i = beta_i ... beta_{d-1}` (the last column of `adj(tI - H0)`), so
//! `u_i = -[s^{i-1}] p(s + 1) / P_i` for the characteristic polynomial `p` of
//! `W`, and `l^T = u^T U^-1` (whose last entry is 0 because `det W = 1`).

use super::blocks::{Blocks, Chain};
use super::five::triangular_eigenvectors;
use super::four::{from_intertwiner, similar};
use super::peel::invertible_corner_peel;
use super::rng::Rng;
use crate::exact::{Matrix, Q, qi, triangular_inverse};
use crate::layer::{Kind, Layer};
use num_traits::{One, Zero};

/// How many diagonal `Phi` are tried before giving up (never observed to need more than one).
const PHI_TRIES: usize = 12;

/// The peel `A` of step 1: `T21 - A T11` invertible.
pub fn peel_for_z(b: &Blocks) -> Option<Matrix> {
    let d = b.d();
    // Transposes: T21^T - T11^T A^T invertible is the corner peel of [T21^T, T11^T].
    let tb = Blocks {
        t11: b.t21.transpose(),
        t12: b.t11.transpose(),
        t21: Matrix::zeros(d, d),
        t22: Matrix::zeros(d, d),
    };
    invertible_corner_peel(&tb).map(|beta| beta.transpose())
}

/// Step 4: `(L, U, H)` with `H = L U` having the characteristic polynomial
/// `coeffs` (`t^d + c_{d-1} t^{d-1} + ... + c_0`, `c_0 = (-1)^d`), for
/// `beta_i = i + 1`.
pub fn hessenberg_factors(coeffs: &[Q]) -> Option<(Matrix, Matrix, Matrix)> {
    let d = coeffs.len();
    let beta: Vec<Q> = (0..d).map(|i| qi(i as i64 + 1)).collect();
    let mut u_mat = Matrix::zeros(d, d);
    for (i, b) in beta.iter().enumerate() {
        u_mat.set(i, i, b.recip());
        if i + 1 < d {
            u_mat.set(i, i + 1, Q::one());
        }
    }
    // p(s + 1): Taylor shift of the monic polynomial (coefficients low to high).
    let mut p: Vec<Q> = coeffs.to_vec();
    p.push(Q::one());
    for k in 0..d {
        for j in (k..d).rev() {
            let add = p[j + 1].clone();
            p[j] += add;
        }
    }
    // u_i = -[s^{i-1}] / P_i, P_i = beta_i ... beta_{d-1} (1-based i; empty product 1).
    let mut u = vec![Q::zero(); d];
    for i in 0..d {
        let mut prod = Q::one();
        for b in &beta[i..d - 1] {
            prod *= b;
        }
        u[i] = -&p[i] / &prod;
    }
    // l^T = u^T U^-1.
    let u_inv = triangular_inverse(&u_mat, false)?;
    let l: Vec<Q> = (0..d)
        .map(|j| (0..d).fold(Q::zero(), |acc, i| acc + &u[i] * u_inv.get(i, j)))
        .collect();
    if !l[d - 1].is_zero() {
        return None; // det W != 1 (never for the W of step 3)
    }
    let mut l_mat = Matrix::from_diagonal(&beta);
    for (j, x) in l.iter().enumerate().take(d - 1) {
        l_mat.set(d - 1, j, x.clone());
    }
    let h = &l_mat * &u_mat;
    Some((l_mat, u_mat, h))
}

/// The six layers (application order) for `T`, given `T^-1` and `det T`
/// (`det T > 0` in positive mode), or `None` if a bounded search step fails
/// (never observed).
///
/// # Examples
/// ```
/// use couplings::construct::six::six_layers;
/// use couplings::Decomposition;
/// use couplings::exact::Matrix;
/// // diag(-I, I): no positive product of five layers exists (docs/lower-bounds.md).
/// let t = Matrix::from_i64(&[&[-1, 0, 0, 0], &[0, -1, 0, 0], &[0, 0, 1, 0], &[0, 0, 0, 1]]);
/// let chain = six_layers(&t, &t.inverse().unwrap(), &t.det(), true, 1).unwrap();
/// let dec = Decomposition { split: couplings::Split::new(2, 2), mode: couplings::Mode::Positive, layers: chain };
/// assert_eq!((dec.len(), dec.product()), (6, t));
/// ```
pub fn six_layers(t: &Matrix, t_inv: &Matrix, det: &Q, positive: bool, seed: u64) -> Option<Chain> {
    let b = Blocks::of(t);
    let bi = Blocks::of(t_inv);
    let d = b.d();
    let mut rng = Rng::new(seed ^ 0x51c5);
    // Step 1. lemma: six_peel_factor
    let a = peel_for_z(&b)?;
    let z = &b.t21 - &(&a * &b.t11);
    let z_inv = z.inverse().ok()?;
    let y = &b.t22 - &(&a * &b.t12);
    let z2 = &bi.t21 + &(&bi.t22 * &a);
    // Step 3: Phi with det Phi = det T and W cyclic.
    for attempt in 0..PHI_TRIES {
        let mut phi: Vec<Q> = (0..d)
            .map(|i| {
                if attempt == 0 {
                    qi(i as i64 + 2)
                } else {
                    Q::new(rng.range(1, 9).into(), rng.range(1, 4).into())
                }
            })
            .collect();
        let rest: Q = phi[..d - 1].iter().fold(Q::one(), |acc, x| acc * x);
        phi[d - 1] = det / &rest;
        // lemma: six_middle_w
        let w = &(&-&z2 * &Matrix::from_diagonal(&phi)) * &z_inv;
        let Some((kw, kw_inv)) = similar::cyclic_vector(&w, &mut rng, 4) else {
            continue;
        };
        let coeffs = similar::charpoly_from_krylov(&w, &kw, &kw_inv);
        // Step 4.
        let Some((l_mat, u_mat, h)) = hessenberg_factors(&coeffs) else {
            continue;
        };
        let e_d: Vec<Q> = (0..d).map(|i| qi((i == d - 1) as i64)).collect();
        let kh = similar::krylov(&h, &e_d);
        let s = &kh * &kw_inv; // H = S W S^-1
        let Ok(s_inv) = s.inverse() else { continue };
        // Step 5. lemma: six_similarity
        let l_inv = triangular_inverse(&l_mat, true)?;
        let e1 = triangular_eigenvectors(&l_inv, true);
        let e2 = triangular_eigenvectors(&u_mat, false);
        let e2_inv = triangular_inverse(&e2, false)?;
        let j_prime = &e1 * &e2_inv;
        let lam = &(&s_inv * &l_inv) * &s;
        let j = &(&s_inv * &j_prime) * &s;
        // Step 2. lemma: six_peel_blocks
        let bb = &z_inv * &(&y - &lam);
        let m = Blocks {
            t11: b.t11.clone(),
            t12: &b.t12 - &(&b.t11 * &bb),
            t21: z.clone(),
            t22: lam.clone(),
        };
        let mi = Blocks {
            t11: &(&bi.t11 + &(&bi.t12 * &a)) + &(&bb * &z2),
            t12: &bi.t12 + &(&bb * &bi.t22),
            t21: z2.clone(),
            t22: bi.t22.clone(),
        };
        let Ok(lam_inv) = lam.inverse() else { continue };
        // lemma: six_inverse_corner ((M^-1)11 Phi = Z^-1 (Lam W) Z, so K = J Z)
        let k = &j * &z;
        // lemma: four_layer_intertwiner
        let Some(middle) = from_intertwiner(&m, &mi, &lam_inv, &phi, &k, positive) else {
            continue;
        };
        // lemma: six_chain
        let mut chain = vec![Layer::unit(Kind::Upper, bb)];
        chain.extend(middle);
        chain.push(Layer::unit(Kind::Lower, a));
        return Some(chain);
    }
    None
}
