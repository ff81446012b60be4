//! Permutation matrices in at most 12 coupling layers with small entries (the
//! *routed* construction; `docs/permutations.md` has the proofs and the table).
//!
//! Every layer entry is `p/q` with `|p| <= 2` and `q <= 2`, every scale is `1`
//! in positive mode and `+-1` in signed mode, and the number of
//! layers is at most 12 for every permutation of every even `n = 2d`, in both
//! modes (positive mode: the even permutations, exactly those with `det = +1`).
//! The generic shallow search ([`super::decompose_with`]) gives at most 7 (signed)
//! or 9 (positive) layers, with much larger entries; both stay available
//! ([`PermutationConstruction`]).
//!
//! The construction, for the permutation matrix `T = P_sigma` (in signed mode up
//! to a sign diagonal `S`, chosen freely through the cycle signs of step 2 and
//! pushed into the scales of the last two layers at the end; this is also how
//! odd permutations are done):
//!
//! 1. **Exchange** (three-stage routing): the `k` first-half coordinates that `T`
//!    sends to the second half are paired with the `k` second-half coordinates
//!    that `T` sends to the first half. The rotation `R` of the pairs
//!    (`e_a -> eps e_b`, `e_b -> -eps e_a`) is three unit layers with entries
//!    `0, +-1` (lemmas `matching_rotation_ulu`, `matching_rotation_lul`), and
//!    `T = D R` (or `T = R D`) with `D = diag(X, Y)` a block-diagonal signed
//!    permutation.
//! 2. **Two involution factors**: `X = P1 P2`, `Y = Q1 Q2` with signed
//!    involutions `P_i`, `Q_i` such that `P_i` and `Q_i` have the same number of
//!    `-1` eigenvalues. Each signed cycle is a product of two reflections of a
//!    (2m)-gon; negating both reflections or swapping their order gives four
//!    choices per cycle, and a small dynamic programme over the cycles of `X` and
//!    of `Y` finds matching counts (they always exist when `det X = det Y`,
//!    which holds in positive mode and can be arranged in signed mode by
//!    negating a cycle; proof in the docs).
//! 3. **One factor in five layers**: for an involution `J` and `B` with
//!    `B J B^-1 = K`, `diag(J, K) = U(-B^-1) L(B) U((J - I) B^-1) L(-B J) U(J B^-1)`
//!    (lemma `involution_pair_ulu`), or its mirror `LULUL` for `diag(K, J)`
//!    (`involution_pair_lul`).
//!    `B` maps eigenvectors of `J` (`e_i +- s e_j` for a pair, `e_i` for a fixed
//!    point) to eigenvectors of `K`; it and its inverse have entries in
//!    `{0, +-1/2, +-1}`, and the side whose involution has more 2-cycles gets the
//!    integer matrix, so the form is chosen to put integer matrices at the ends.
//! 4. Factors and rotation are concatenated; adjacent layers of one kind merge
//!    (integer ends, sums within `+-2`). `5 + 5 + 3 - 1 = 12` in the worst case.
//!
//! A handful of variants (rotation directions, four pairings, rotation
//! first or last, the matching counts) are scored by their layer count before
//! any matrix is built; the best is built and verified by exact multiplication.
//!
//! Rooms: `errors` (the error type and input validation), `involution` (signed
//! permutations and their factorisation into two involutions, step 2),
//! `pairing` (the exchange pairing, step 1, and the plan search that scores the
//! variants), `assembly` (the layers of each factor, step 3, and the sign
//! absorption).

mod assembly;
mod errors;
mod involution;
mod pairing;

pub use errors::{PermutationError, parse_permutation, validate_permutation};

use super::{Options, Strategy, decompose_with};
use crate::exact::{Matrix, Q, qi};
use crate::layer::{Decomposition, Kind, Mode, Split};
use num_traits::{Signed, Zero};

/// The proven bound on the number of layers of the routed construction (both
/// modes, every even `n`).
pub const ROUTED_MAX_LAYERS: usize = 12;

/// Which construction [`decompose_permutation_with`] runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum PermutationConstruction {
    /// Small entries (`|p| <= 2`, `q <= 2`), at most 12 layers (this module).
    #[default]
    Routed,
    /// The generic shallow search of [`decompose_with`] on the permutation matrix:
    /// at most 7 (signed) or 9 (positive) layers, large entries.
    Generic,
}

impl PermutationConstruction {
    /// The CLI name (`routed`, `generic`).
    pub fn name(self) -> &'static str {
        match self {
            PermutationConstruction::Routed => "routed",
            PermutationConstruction::Generic => "generic",
        }
    }
}

/// Options for [`decompose_permutation_with`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct PermutationOptions {
    /// Signed or positive scales.
    pub mode: Mode,
    /// Routed (small entries, default) or generic (fewest layers).
    pub construction: PermutationConstruction,
    /// Seed of the generic construction's randomised choices (the routed
    /// construction has none); default [`Options::default`]'s seed.
    pub seed: u64,
}

impl Default for PermutationOptions {
    fn default() -> PermutationOptions {
        PermutationOptions {
            mode: Mode::default(),
            construction: PermutationConstruction::default(),
            seed: Options::default().seed,
        }
    }
}

/// The permutation matrix `P` with `P e_j = e_{perm[j]}` (column `j` has its 1 in
/// row `perm[j]`), the convention of the whole crate.
///
/// # Panics
/// Panics if an image is out of range.
pub fn permutation_matrix(perm: &[usize]) -> Matrix {
    let n = perm.len();
    let mut m = Matrix::zeros(n, n);
    for (j, &i) in perm.iter().enumerate() {
        m.set(i, j, qi(1));
    }
    m
}

/// Whether `perm` (valid) is even.
pub fn is_even(perm: &[usize]) -> bool {
    let n = perm.len();
    let mut seen = vec![false; n];
    let mut transpositions = 0;
    for s in 0..n {
        let mut len = 0;
        let mut i = s;
        while !seen[i] {
            seen[i] = true;
            i = perm[i];
            len += 1;
        }
        if len > 0 {
            transpositions += len - 1;
        }
    }
    transpositions % 2 == 0
}

/// Decomposes the permutation matrix of `perm` (0-based images: `e_j -> e_{perm[j]}`)
/// in signed mode with the routed construction: at most 12 layers, every entry
/// `p/q` with `|p| <= 2`, `q <= 2`.
///
/// # Errors
/// See [`decompose_permutation_with`].
///
/// # Examples
/// ```
/// use couplings::{decompose_permutation, check};
/// use couplings::construct::permutation::permutation_matrix;
/// let perm = [3, 0, 1, 2];
/// let dec = decompose_permutation(&perm).unwrap();
/// assert!(dec.len() <= 12);
/// assert_eq!(dec.product(), permutation_matrix(&perm));
/// assert!(check(&permutation_matrix(&perm), &dec).is_ok());
/// ```
pub fn decompose_permutation(perm: &[usize]) -> Result<Decomposition, PermutationError> {
    decompose_permutation_with(perm, &PermutationOptions::default())
}

/// Decomposes the permutation matrix of `perm` with the given mode and
/// construction; the result is verified by exact multiplication (and, for the
/// routed construction, against the entry bound) before it is returned.
///
/// # Errors
/// `Empty`, `OutOfRange`, `Repeated` (invalid input), `OddDimension` (odd `n`),
/// `OddInPositiveMode` (an odd permutation has `det = -1`), `Generic` (errors of
/// the generic construction), `Internal` (a bug).
///
/// # Examples
/// ```
/// use couplings::{decompose_permutation_with, Mode};
/// use couplings::construct::permutation::{PermutationOptions, PermutationError};
/// let positive = PermutationOptions { mode: Mode::Positive, ..Default::default() };
/// let dec = decompose_permutation_with(&[1, 2, 0, 3], &positive).unwrap(); // a 3-cycle: even
/// assert!(dec.layers.iter().all(|l| l.scale.iter().all(|s| *s > couplings::exact::qi(0))));
/// assert!(matches!(
///     decompose_permutation_with(&[1, 0, 2, 3], &positive),
///     Err(PermutationError::OddInPositiveMode { n: 4 })
/// ));
/// ```
pub fn decompose_permutation_with(
    perm: &[usize],
    options: &PermutationOptions,
) -> Result<Decomposition, PermutationError> {
    validate_permutation(perm)?;
    let n = perm.len();
    let even = is_even(perm);
    if options.mode == Mode::Positive && !even {
        return Err(PermutationError::OddInPositiveMode { n });
    }
    if options.construction == PermutationConstruction::Generic {
        let target = permutation_matrix(perm);
        let opts = Options {
            mode: options.mode,
            seed: options.seed,
            strategy: Strategy::Shallow,
            ..Options::default()
        };
        return decompose_with(&target, &opts).map_err(PermutationError::Generic);
    }
    if n % 2 == 1 {
        return Err(PermutationError::OddDimension { n });
    }
    crate::progress::stage("routed construction: planning the layers");
    let layers = assembly::routed(perm, options.mode)?;
    crate::progress::stage("routed construction: exact self-check of the layers");
    let dec = Decomposition {
        split: Split::halves(n),
        mode: options.mode,
        layers,
    };
    verify(&dec, perm)?;
    Ok(dec)
}

/// Exact product, layer validity and the entry bound.
fn verify(dec: &Decomposition, perm: &[usize]) -> Result<(), PermutationError> {
    if dec.len() > ROUTED_MAX_LAYERS {
        return Err(PermutationError::Internal(format!(
            "the routed construction used {} layers, above its proven bound {ROUTED_MAX_LAYERS}",
            dec.len()
        )));
    }
    for l in &dec.layers {
        l.validate(dec.split, dec.mode)
            .map_err(|e| PermutationError::Internal(format!("malformed layer: {e}")))?;
        if !l.shift.entries().iter().chain(&l.scale).all(small_entry) {
            return Err(PermutationError::Internal(
                "the routed construction produced an entry outside p/q, |p| <= 2, q <= 2".into(),
            ));
        }
    }
    let exact = match product_is_permutation(dec, perm) {
        Some(answer) => answer,
        None => dec.product() == permutation_matrix(perm),
    };
    if !exact {
        return Err(PermutationError::Internal(
            "the routed construction produced layers whose product differs from the target".into(),
        ));
    }
    Ok(())
}

/// Exact check that the layers multiply to the permutation matrix of `perm`,
/// in integer arithmetic: every entry is a multiple of 1/2 (checked before), so
/// each column `e_j` is carried as `w / 2^s` with an integer vector `w`, and each
/// layer maps `(w1, w2)` to `(2 w1, A2 w1 + 2 D w2)` (lower; `A2 = 2 A`, `s + 1`)
/// or the mirror (upper). `None` when a number does not fit in `i128` (the
/// caller then multiplies rationals).
fn product_is_permutation(dec: &Decomposition, perm: &[usize]) -> Option<bool> {
    let (p, n) = (dec.split.first, dec.split.n());
    let int = |x: &Q| -> Option<i128> {
        let numer = i128::try_from(x.numer()).ok()?;
        match i128::try_from(x.denom()).ok()? {
            1 => numer.checked_mul(2),
            2 => Some(numer),
            _ => None,
        }
    };
    // Each layer as its scale and the nonzero entries of each shift row
    // (column in the kept half, value): permutation layers have O(1) nonzeros
    // per row, so a column costs O(n) per layer, not O(n d).
    type SparseLayer = (Kind, Vec<Vec<(usize, i128)>>, Vec<i128>);
    let mut layers: Vec<SparseLayer> = Vec::with_capacity(dec.layers.len());
    for l in &dec.layers {
        let (rows, cols) = (l.shift.rows(), l.shift.cols());
        let mut sparse = vec![Vec::new(); rows];
        for (r, row) in sparse.iter_mut().enumerate() {
            for c in 0..cols {
                let x = l.shift.get(r, c);
                if !x.is_zero() {
                    row.push((c, int(x)?));
                }
            }
        }
        let scale = l.scale.iter().map(int).collect::<Option<Vec<_>>>()?;
        layers.push((l.kind, sparse, scale));
    }
    let mut w = vec![0i128; n];
    for (j, &target) in perm.iter().enumerate() {
        w.iter_mut().for_each(|x| *x = 0);
        w[j] = 1;
        let mut s = 0u32;
        for (kind, rows, scale2) in &layers {
            // Updated part `u`, kept part `k` (offsets of the halves).
            let (kept, upd) = match kind {
                Kind::Lower => (0..p, p..n),
                Kind::Upper => (p..n, 0..p),
            };
            // 2 * (A x_kept + D x_i) in units of 2^-(s+1): A2 w_kept + D2 w_i.
            // The updated entries only read the kept half, which is doubled
            // afterwards, so the update is done in place.
            for (r, i) in upd.enumerate() {
                let mut acc = scale2[r].checked_mul(w[i])?;
                for &(c, a) in &rows[r] {
                    acc = acc.checked_add(a.checked_mul(w[kept.start + c])?)?;
                }
                w[i] = acc;
            }
            for i in kept {
                w[i] = w[i].checked_mul(2)?;
            }
            s += 1;
        }
        let one = 1i128.checked_shl(s)?;
        if w.iter()
            .enumerate()
            .any(|(i, &x)| x != if i == target { one } else { 0 })
        {
            return Some(false);
        }
    }
    Some(true)
}

/// Whether `x = p/q` (lowest terms) has `|p| <= 2` and `q <= 2`.
pub fn small_entry(x: &Q) -> bool {
    x.numer().abs() <= 2.into() && *x.denom() <= 2.into()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The sparse integer self-check (issue 17, class 10) accepts the routed
    /// layers of a permutation and rejects another permutation and a tampered
    /// shift entry, including one that is zero in the true layers.
    #[test]
    fn sparse_self_check_accepts_the_product_and_rejects_tampering() {
        let n = 12;
        let perm: Vec<usize> = (0..n).map(|i| (7 * i + 3) % n).collect();
        let dec = Decomposition {
            split: Split::halves(n),
            mode: Mode::Signed,
            layers: assembly::routed(&perm, Mode::Signed).unwrap(),
        };
        assert_eq!(product_is_permutation(&dec, &perm), Some(true));
        let mut other = perm.clone();
        other.swap(0, 1);
        assert_eq!(product_is_permutation(&dec, &other), Some(false));
        for (r, c) in [(0, 0), (5, 5), (2, 3)] {
            for k in 0..dec.layers.len() {
                let mut bad = dec.clone();
                let x = bad.layers[k].shift.get(r, c) + qi(1);
                bad.layers[k].shift.set(r, c, x);
                assert_eq!(
                    product_is_permutation(&bad, &perm),
                    Some(false),
                    "{k} {r} {c}"
                );
            }
        }
    }
}
