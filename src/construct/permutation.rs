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

use super::{DecomposeError, Options, decompose_with};
use crate::exact::{Matrix, Q, qi};
use crate::layer::{Decomposition, Kind, Layer, Mode, Split};
use num_integer::Integer;
use num_traits::{One, Signed};

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
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct PermutationOptions {
    /// Signed or positive scales.
    pub mode: Mode,
    /// Routed (small entries, default) or generic (fewest layers).
    pub construction: PermutationConstruction,
}

/// Why a permutation could not be parsed or decomposed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PermutationError {
    /// No images were given.
    Empty,
    /// A token of the text form is not a non-negative integer.
    NotANumber {
        /// 0-based position of the token.
        position: usize,
        /// The token.
        token: String,
    },
    /// An image is not in `0..n`.
    OutOfRange {
        /// 0-based position of the image.
        position: usize,
        /// The image.
        value: usize,
        /// The number of images.
        n: usize,
    },
    /// An image occurs twice (so some other index is missing).
    Repeated {
        /// The repeated image.
        value: usize,
        /// The first two positions where it occurs.
        positions: (usize, usize),
        /// The smallest index that is nobody's image.
        missing: usize,
    },
    /// `n` is odd; only the half/half split of an even `n` is supported here.
    OddDimension {
        /// The dimension.
        n: usize,
    },
    /// Positive mode and an odd permutation (`det = -1`).
    OddInPositiveMode {
        /// The dimension.
        n: usize,
    },
    /// The generic construction refused the matrix.
    Generic(DecomposeError),
    /// A construction produced a wrong or out-of-bounds result (never expected).
    Internal(String),
}

impl std::fmt::Display for PermutationError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            PermutationError::Empty => write!(f, "the permutation is empty (give n >= 2 images)"),
            PermutationError::NotANumber { position, token } => write!(
                f,
                "image {position} is '{token}', not a non-negative integer (give the 0-based \
                 images sigma(0) sigma(1) ... separated by spaces)"
            ),
            PermutationError::OutOfRange { position, value, n } => write!(
                f,
                "image {position} is {value}, outside 0..{} (a permutation of {n} points lists \
                 each of 0..{} once; images are 0-based)",
                n - 1,
                n - 1
            ),
            PermutationError::Repeated {
                value,
                positions,
                missing,
            } => write!(
                f,
                "{value} is the image of both {} and {}, and {missing} is nobody's image: \
                 a permutation lists every index exactly once",
                positions.0, positions.1
            ),
            PermutationError::OddDimension { n } => write!(
                f,
                "n = {n} is odd; the routed permutation construction needs the half/half split \
                 of an even n (pad with a fixed point to n = {}, or use the generic \
                 construction, which handles the split ({}, {}))",
                n + 1,
                n / 2,
                n - n / 2
            ),
            PermutationError::OddInPositiveMode { n } => write!(
                f,
                "the permutation of {n} points is odd, so its matrix has det = -1, but every \
                 layer with positive scales has det > 0 and so does every product of them: no \
                 positive-mode decomposition exists. Use signed mode (one layer then has a -1 \
                 scale), or compose the permutation with one sign flip diag(-1, 1, ..., 1) \
                 (which signed mode represents) or with one transposition to make it even"
            ),
            PermutationError::Generic(e) => write!(f, "{e}"),
            PermutationError::Internal(msg) => write!(f, "internal error: {msg}"),
        }
    }
}

impl std::error::Error for PermutationError {}

/// Checks that `perm` lists each of `0..n` exactly once.
///
/// # Errors
/// `Empty`, `OutOfRange` (the first image `>= n`) or `Repeated` (the first
/// image seen twice, with the smallest missing index).
pub fn validate_permutation(perm: &[usize]) -> Result<(), PermutationError> {
    let n = perm.len();
    if n == 0 {
        return Err(PermutationError::Empty);
    }
    if let Some((position, &value)) = perm.iter().enumerate().find(|(_, v)| **v >= n) {
        return Err(PermutationError::OutOfRange { position, value, n });
    }
    let mut seen: Vec<Option<usize>> = vec![None; n];
    for (i, &v) in perm.iter().enumerate() {
        if let Some(first) = seen[v] {
            let mut present = vec![false; n];
            perm.iter().for_each(|&x| present[x] = true);
            let missing = present.iter().position(|p| !p).unwrap_or(0);
            return Err(PermutationError::Repeated {
                value: v,
                positions: (first, i),
                missing,
            });
        }
        seen[v] = Some(i);
    }
    Ok(())
}

/// Parses 0-based images separated by spaces and/or commas (`"3 0 1 2"`) and
/// validates them.
///
/// # Errors
/// `NotANumber` for a bad token, then as [`validate_permutation`].
///
/// # Examples
/// ```
/// use couplings::construct::permutation::{parse_permutation, PermutationError};
/// assert_eq!(parse_permutation("3 0 1 2").unwrap(), vec![3, 0, 1, 2]);
/// assert!(matches!(parse_permutation("0 1 1 3"), Err(PermutationError::Repeated { value: 1, .. })));
/// ```
pub fn parse_permutation(text: &str) -> Result<Vec<usize>, PermutationError> {
    let perm = text
        .split(|c: char| c.is_whitespace() || c == ',')
        .filter(|t| !t.is_empty())
        .enumerate()
        .map(|(position, token)| {
            token
                .parse::<usize>()
                .map_err(|_| PermutationError::NotANumber {
                    position,
                    token: token.to_string(),
                })
        })
        .collect::<Result<Vec<usize>, _>>()?;
    validate_permutation(&perm)?;
    Ok(perm)
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
            ..Options::default()
        };
        return decompose_with(&target, &opts).map_err(PermutationError::Generic);
    }
    if n % 2 == 1 {
        return Err(PermutationError::OddDimension { n });
    }
    let layers = routed(perm, options.mode)?;
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
    let layers: Vec<(Kind, Vec<i128>, Vec<i128>)> = dec
        .layers
        .iter()
        .map(|l| {
            let shift = l
                .shift
                .entries()
                .iter()
                .map(int)
                .collect::<Option<Vec<_>>>()?;
            let scale = l.scale.iter().map(int).collect::<Option<Vec<_>>>()?;
            Some((l.kind, shift, scale))
        })
        .collect::<Option<Vec<_>>>()?;
    for (j, &target) in perm.iter().enumerate() {
        let mut w = vec![0i128; n];
        w[j] = 1;
        let mut s = 0u32;
        for (kind, shift2, scale2) in &layers {
            // Updated part `u`, kept part `k` (ranges), shift is |u| x |k|.
            let (kept, upd) = match kind {
                Kind::Lower => (0..p, p..n),
                Kind::Upper => (p..n, 0..p),
            };
            let cols = kept.len();
            let mut next = vec![0i128; n];
            for i in kept.clone() {
                next[i] = w[i].checked_mul(2)?;
            }
            for (r, i) in upd.enumerate() {
                // 2 * (A x_kept + D x_i) in units of 2^-(s+1): A2 w_kept + D2 w_i.
                let mut acc = scale2[r].checked_mul(w[i])?;
                for (c, kc) in kept.clone().enumerate() {
                    acc = acc.checked_add(shift2[r * cols + c].checked_mul(w[kc])?)?;
                }
                next[i] = acc;
            }
            w = next;
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

// ---------------------------------------------------------------------------
// Signed permutations
// ---------------------------------------------------------------------------

/// A signed permutation of `m` points: `e_i -> sign[i] e_{image[i]}`.
#[derive(Debug, Clone, PartialEq, Eq)]
struct SignedPerm {
    image: Vec<usize>,
    sign: Vec<i8>,
}

impl SignedPerm {
    fn identity(m: usize) -> SignedPerm {
        SignedPerm {
            image: (0..m).collect(),
            sign: vec![1; m],
        }
    }

    fn len(&self) -> usize {
        self.image.len()
    }

    /// `self * other` (`other` acts first).
    fn after(&self, other: &SignedPerm) -> SignedPerm {
        SignedPerm {
            image: other.image.iter().map(|&j| self.image[j]).collect(),
            sign: (0..other.len())
                .map(|i| other.sign[i] * self.sign[other.image[i]])
                .collect(),
        }
    }

    fn inverse(&self) -> SignedPerm {
        let mut inv = SignedPerm::identity(self.len());
        for i in 0..self.len() {
            inv.image[self.image[i]] = i;
            inv.sign[self.image[i]] = self.sign[i];
        }
        inv
    }

    /// Number of 2-cycles (of an involution).
    fn pairs(&self) -> usize {
        (0..self.len()).filter(|&i| self.image[i] > i).count()
    }

    /// Number of `-1` eigenvalues of an involution: its 2-cycles and its negated
    /// fixed points.
    fn minus_count(&self) -> usize {
        self.pairs()
            + (0..self.len())
                .filter(|&i| self.image[i] == i && self.sign[i] < 0)
                .count()
    }

    fn is_identity(&self) -> bool {
        (0..self.len()).all(|i| self.image[i] == i && self.sign[i] > 0)
    }
}

/// One signed cycle `c_0 -> c_1 -> ... -> c_{m-1} -> c_0` of `x`, in the basis
/// `f_k = delta_k e_{c_k}` where `x` is the shift `f_k -> f_{k+1}` and
/// `f_{k+m} = eps f_k`.
struct Cycle {
    coords: Vec<usize>,
    delta: Vec<i8>,
    eps: i8,
}

fn cycles(x: &SignedPerm) -> Vec<Cycle> {
    let mut seen = vec![false; x.len()];
    let mut out = Vec::new();
    for s in 0..x.len() {
        if seen[s] {
            continue;
        }
        let (mut coords, mut delta) = (Vec::new(), Vec::new());
        let (mut i, mut dl) = (s, 1i8);
        while !seen[i] {
            seen[i] = true;
            coords.push(i);
            delta.push(dl);
            dl *= x.sign[i];
            i = x.image[i];
        }
        // dl = delta_m = product of all signs = eps (delta_0 = 1).
        out.push(Cycle {
            coords,
            delta,
            eps: dl,
        });
    }
    out
}

impl Cycle {
    /// `f_k` for any integer `k`, as (coordinate, sign), where `f_{k+m} = eps f_k`.
    fn f(&self, k: i64, eps: i8) -> (usize, i8) {
        let m = self.coords.len() as i64;
        let (q, r) = k.div_mod_floor(&m);
        let s = if q % 2 != 0 { eps } else { 1 };
        (self.coords[r as usize], s * self.delta[r as usize])
    }

    /// The reflection `f_k -> sgn * f_{shift - k}` written into `into` (on this
    /// cycle's coordinates).
    fn reflection(&self, shift: i64, sgn: i8, eps: i8, into: &mut SignedPerm) {
        for (k, &c) in self.coords.iter().enumerate() {
            // e_{c_k} = delta_k f_k -> delta_k sgn f_{shift - k}.
            let (target, s) = self.f(shift - k as i64, eps);
            into.image[c] = target;
            into.sign[c] = self.delta[k] * sgn * s;
        }
    }

    /// Option `o` of the factorisations `a b` (`b` acts first) of the cycle:
    /// `(r1, r0)`, `(-r1, -r0)`, `(r2, r1)`, `(-r2, -r1)` with `r_s: f_k -> f_{s-k}`
    /// (options 0..4, the product is the cycle); options 4..8 do the same for
    /// the cycle with its sign `eps` negated (the product then differs from the
    /// cycle by one sign, which signed mode absorbs).
    fn factor(&self, o: u8, a: &mut SignedPerm, b: &mut SignedPerm) {
        let (sa, sb) = if o & 3 < 2 { (1, 0) } else { (2, 1) };
        let sgn = if o.is_multiple_of(2) { 1 } else { -1 };
        let eps = if o & 4 == 0 { self.eps } else { -self.eps };
        self.reflection(sa, sgn, eps, a);
        self.reflection(sb, sgn, eps, b);
    }

    /// `(minus_count(a), minus_count(b))` for option `o`, on this cycle alone.
    fn counts(&self, o: u8, m: usize) -> (usize, usize) {
        let mut a = SignedPerm::identity(m);
        let mut b = SignedPerm::identity(m);
        self.factor(o, &mut a, &mut b);
        (a.minus_count(), b.minus_count())
    }
}

/// Reachable `(alpha, beta)` = (minus counts of the two factors) over the cycles
/// of `x`, with back pointers.
struct Reach {
    cycles: Vec<Cycle>,
    /// `choice[c][alpha][beta]`: the option of cycle `c` that reaches the state
    /// after cycles `0..=c`, or `u8::MAX`.
    choice: Vec<Vec<Vec<u8>>>,
    counts: Vec<Vec<(usize, usize)>>,
    m: usize,
}

impl Reach {
    /// `free_signs`: also the options with a negated cycle sign (signed mode).
    fn new(x: &SignedPerm, free_signs: bool) -> Reach {
        let m = x.len();
        let cycles = cycles(x);
        let options: u8 = if free_signs { 8 } else { 4 };
        let counts: Vec<Vec<(usize, usize)>> = cycles
            .iter()
            .map(|c| (0..options).map(|o| c.counts(o, m)).collect())
            .collect();
        let mut choice = Vec::with_capacity(cycles.len());
        let mut cur = vec![vec![false; m + 1]; m + 1];
        cur[0][0] = true;
        for cnt in &counts {
            let mut next = vec![vec![u8::MAX; m + 1]; m + 1];
            for a in 0..=m {
                for b in 0..=m {
                    if !cur[a][b] {
                        continue;
                    }
                    for (o, &(ca, cb)) in cnt.iter().enumerate() {
                        if a + ca <= m && b + cb <= m && next[a + ca][b + cb] == u8::MAX {
                            next[a + ca][b + cb] = o as u8;
                        }
                    }
                }
            }
            cur = next
                .iter()
                .map(|r| r.iter().map(|&o| o != u8::MAX).collect())
                .collect();
            choice.push(next);
        }
        Reach {
            cycles,
            choice,
            counts,
            m,
        }
    }

    fn reachable(&self, a: usize, b: usize) -> bool {
        match self.choice.last() {
            None => a == 0 && b == 0,
            Some(last) => last[a][b] != u8::MAX,
        }
    }

    /// The factors `(P1, P2)` with `x = P1 P2` and minus counts `(a, b)`.
    fn factors(&self, mut a: usize, mut b: usize) -> (SignedPerm, SignedPerm) {
        let mut p1 = SignedPerm::identity(self.m);
        let mut p2 = SignedPerm::identity(self.m);
        for c in (0..self.cycles.len()).rev() {
            let o = self.choice[c][a][b];
            self.cycles[c].factor(o, &mut p1, &mut p2);
            let (ca, cb) = self.counts[c][o as usize];
            a -= ca;
            b -= cb;
        }
        (p1, p2)
    }
}

// ---------------------------------------------------------------------------
// Plans: components in product order, each with a form (the kind of its end layers)
// ---------------------------------------------------------------------------

#[derive(Debug, Clone)]
enum Component {
    /// `diag(p, q)` for signed involutions with equal minus counts (5 layers).
    Factor { p: SignedPerm, q: SignedPerm },
    /// The rotation of the pairs `(a, b, eps)` (3 layers).
    Rotation { pairs: Vec<(usize, usize, i8)> },
}

impl Component {
    fn size(&self) -> usize {
        match self {
            Component::Factor { .. } => 5,
            Component::Rotation { .. } => 3,
        }
    }

    /// The signed permutation of `2d` points the component multiplies to.
    fn signed_perm(&self, d: usize) -> SignedPerm {
        let mut t = SignedPerm::identity(2 * d);
        match self {
            Component::Factor { p, q } => {
                for i in 0..d {
                    (t.image[i], t.sign[i]) = (p.image[i], p.sign[i]);
                    (t.image[d + i], t.sign[d + i]) = (d + q.image[i], q.sign[i]);
                }
            }
            Component::Rotation { pairs } => {
                for &(a, b, e) in pairs {
                    (t.image[a], t.sign[a]) = (b, e);
                    (t.image[b], t.sign[b]) = (a, -e);
                }
            }
        }
        t
    }

    /// Whether the component can be written with end layers of `kind`.
    fn allows(&self, kind: Kind) -> bool {
        match self {
            Component::Factor { p, q } => match kind {
                Kind::Upper => p.pairs() >= q.pairs(),
                Kind::Lower => p.pairs() <= q.pairs(),
            },
            Component::Rotation { .. } => true,
        }
    }
}

/// The best form assignment: (layer count after merging, forms).
fn assign_forms(comps: &[Component]) -> Option<(usize, Vec<Kind>)> {
    let c = comps.len();
    let mut best: Option<(usize, Vec<Kind>)> = None;
    for mask in 0u32..(1 << c) {
        let forms: Vec<Kind> = (0..c)
            .map(|i| {
                if mask >> i & 1 == 1 {
                    Kind::Lower
                } else {
                    Kind::Upper
                }
            })
            .collect();
        if !comps.iter().zip(&forms).all(|(comp, &k)| comp.allows(k)) {
            continue;
        }
        let merges = forms.windows(2).filter(|w| w[0] == w[1]).count();
        let count = comps.iter().map(Component::size).sum::<usize>() - merges;
        if best.as_ref().is_none_or(|(b, _)| count < *b) {
            best = Some((count, forms));
        }
    }
    best
}

/// The routed construction for a valid permutation of even length (odd
/// permutations only in signed mode). In signed mode the product of the plan
/// may differ from the target by a sign diagonal `S` (cycle signs chosen
/// freely); `S` is pushed into the scales of the last layers at the end.
fn routed(perm: &[usize], mode: Mode) -> Result<Vec<Layer>, PermutationError> {
    let n = perm.len();
    let d = n / 2;
    let target = SignedPerm {
        image: perm.to_vec(),
        sign: vec![1; n],
    };
    let (_, comps, forms) = best_plan(&target, d, mode == Mode::Signed).ok_or_else(|| {
        PermutationError::Internal("no routed plan found (the proof says one exists)".into())
    })?;
    let mut product_order: Vec<(Kind, Halves)> = Vec::new();
    let mut plan_product = SignedPerm::identity(n);
    for (comp, kind) in comps.iter().zip(&forms) {
        product_order.extend(build(comp, *kind, d));
        plan_product = plan_product.after(&comp.signed_perm(d));
    }
    // Application order, adjacent layers of one kind merged.
    // lemma: merge_upper
    // lemma: merge_lower
    // Only end layers of components meet, so merged entries stay within +-2. A
    // merged layer that vanishes is dropped, and its two neighbours (interior
    // layers) are then left unmerged: their sum could leave the entry bound.
    let mut merged: Vec<(Kind, Halves)> = Vec::new();
    let mut may_merge = true;
    for (kind, shift) in product_order.into_iter().rev() {
        match merged.last_mut() {
            Some((k, s)) if *k == kind && may_merge => {
                for (x, y) in s.twice.iter_mut().zip(&shift.twice) {
                    *x += y;
                }
                if s.twice.iter().all(|&x| x == 0) {
                    merged.pop();
                    may_merge = false;
                }
            }
            _ => {
                merged.push((kind, shift));
                may_merge = true;
            }
        }
    }
    let mut layers: Vec<Layer> = merged
        .iter()
        .map(|(k, h)| Layer::unit(*k, h.to_matrix()))
        .collect();
    // S = P T'^-1 must be a sign diagonal (the identity in positive mode).
    let s = target.after(&plan_product.inverse());
    if (0..n).any(|i| s.image[i] != i) || (mode == Mode::Positive && !s.is_identity()) {
        return Err(PermutationError::Internal(
            "the routed plan does not multiply to the permutation up to signs".into(),
        ));
    }
    if !s.is_identity() {
        let signs: Vec<Q> = s.sign.iter().map(|&x| qi(i64::from(x))).collect();
        absorb_left(&mut layers, &signs, d)?;
    }
    Ok(layers)
}

/// The shortest plan over the variants for a signed permutation `t` of `2d`
/// points with `det t = 1`.
fn best_plan(
    t: &SignedPerm,
    d: usize,
    free_signs: bool,
) -> Option<(usize, Vec<Component>, Vec<Kind>)> {
    let n = 2 * d;
    let from: Vec<usize> = (0..d).filter(|&a| t.image[a] >= d).collect();
    let to: Vec<usize> = (d..n).filter(|&b| t.image[b] < d).collect();
    let k = from.len();
    let mut best: Option<(usize, Vec<Component>, Vec<Kind>)> = None;
    let directions: Vec<Vec<i8>> = vec![
        vec![1; k],
        vec![-1; k],
        (0..k).map(|i| if i % 2 == 0 { 1 } else { -1 }).collect(),
    ];
    // Pairings of `from` with `to`: in order, reversed, and two that prefer
    // partners making fixed points of X (b = T^-1(a)) or of Y (b = T(a)).
    let inv = t.inverse();
    let prefer = |partner: &dyn Fn(usize) -> usize| -> Vec<usize> {
        let mut used = vec![false; n];
        let mut chosen: Vec<Option<usize>> = from
            .iter()
            .map(|&a| {
                let b = partner(a);
                (b >= d && to.contains(&b) && !used[b]).then(|| {
                    used[b] = true;
                    b
                })
            })
            .collect();
        let mut rest = to.iter().filter(|&&b| !used[b]);
        for c in chosen.iter_mut() {
            if c.is_none() {
                *c = rest.next().copied();
            }
        }
        chosen
            .into_iter()
            .map(|c| c.expect("equally many"))
            .collect()
    };
    let pairings: Vec<Vec<usize>> = vec![
        to.clone(),
        to.iter().rev().copied().collect(),
        prefer(&|a| inv.image[a]),
        prefer(&|a| t.image[a]),
    ];
    for to in &pairings {
        for dirs in &directions {
            let pairs: Vec<(usize, usize, i8)> = from
                .iter()
                .zip(to)
                .zip(dirs)
                .map(|((&a, &b), &e)| (a, b, e))
                .collect();
            let mut r = SignedPerm::identity(n);
            for &(a, b, e) in &pairs {
                r.image[a] = b;
                r.sign[a] = e;
                r.image[b] = a;
                r.sign[b] = -e;
            }
            let r_inv = r.inverse();
            for rotation_first in [true, false] {
                // T = D R or T = R D, R the rotation of the pairs.
                // lemma: matching_rotation_ulu
                let dm = if rotation_first {
                    t.after(&r_inv)
                } else {
                    r_inv.after(t)
                };
                let Some((x, y)) = halves(&dm, d) else {
                    continue;
                };
                let rx = Reach::new(&x, free_signs);
                let ry = Reach::new(&y, free_signs);
                for a in 0..=d {
                    for b in 0..=d {
                        if !(rx.reachable(a, b) && ry.reachable(a, b)) {
                            continue;
                        }
                        let (p1, p2) = rx.factors(a, b);
                        let (q1, q2) = ry.factors(a, b);
                        let mut comps = Vec::new();
                        let rot = (k > 0).then(|| Component::Rotation {
                            pairs: pairs.clone(),
                        });
                        if !rotation_first && let Some(c) = &rot {
                            comps.push(c.clone());
                        }
                        for (p, q) in [(p1, q1), (p2, q2)] {
                            if !(p.is_identity() && q.is_identity()) {
                                comps.push(Component::Factor { p, q });
                            }
                        }
                        if rotation_first && let Some(c) = rot {
                            comps.push(c);
                        }
                        if let Some((count, forms)) = assign_forms(&comps)
                            && best.as_ref().is_none_or(|b| count < b.0)
                        {
                            best = Some((count, comps, forms));
                        }
                    }
                }
            }
        }
    }
    best
}

/// The diagonal blocks `(X, Y)` of a block-diagonal signed permutation of `2d` points.
fn halves(dm: &SignedPerm, d: usize) -> Option<(SignedPerm, SignedPerm)> {
    let mut x = SignedPerm::identity(d);
    let mut y = SignedPerm::identity(d);
    for i in 0..2 * d {
        let j = dm.image[i];
        if (i < d) != (j < d) {
            return None;
        }
        if i < d {
            x.image[i] = j;
            x.sign[i] = dm.sign[i];
        } else {
            y.image[i - d] = j - d;
            y.sign[i - d] = dm.sign[i];
        }
    }
    Some((x, y))
}

// ---------------------------------------------------------------------------
// Building layers
// ---------------------------------------------------------------------------

/// Sparse vector: (coordinate, coefficient).
type Sparse = Vec<(usize, i64)>;

/// The eigenvectors of a signed involution: `+1` vectors and `-1` vectors, the
/// 2-cycles first (pair `t` gives the `t`-th vector of each list), then the fixed
/// points.
fn eigenvectors(j: &SignedPerm) -> (Vec<Sparse>, Vec<Sparse>) {
    let (mut plus, mut minus, mut fplus, mut fminus) = (vec![], vec![], vec![], vec![]);
    for i in 0..j.len() {
        let (k, s) = (j.image[i], i64::from(j.sign[i]));
        if k == i {
            if s > 0 {
                fplus.push(vec![(i, 1)]);
            } else {
                fminus.push(vec![(i, 1)]);
            }
        } else if k > i {
            plus.push(vec![(i, 1), (k, s)]);
            minus.push(vec![(i, 1), (k, -s)]);
        }
    }
    plus.extend(fplus);
    minus.extend(fminus);
    (plus, minus)
}

/// A square matrix stored as twice its entries (all entries here are
/// multiples of 1/2), row-major.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Halves {
    m: usize,
    twice: Vec<i64>,
}

impl Halves {
    fn zeros(m: usize) -> Halves {
        Halves {
            m,
            twice: vec![0; m * m],
        }
    }

    fn at(&mut self, r: usize, c: usize) -> &mut i64 {
        &mut self.twice[r * self.m + c]
    }

    fn neg(&self) -> Halves {
        Halves {
            m: self.m,
            twice: self.twice.iter().map(|x| -x).collect(),
        }
    }

    fn sub(&self, other: &Halves) -> Halves {
        Halves {
            m: self.m,
            twice: self
                .twice
                .iter()
                .zip(&other.twice)
                .map(|(a, b)| a - b)
                .collect(),
        }
    }

    /// `j * self` for a signed permutation `j`: row `i` moves to row `j(i)`, times its sign.
    fn perm_left(&self, j: &SignedPerm) -> Halves {
        let mut out = Halves::zeros(self.m);
        for i in 0..self.m {
            for c in 0..self.m {
                *out.at(j.image[i], c) = i64::from(j.sign[i]) * self.twice[i * self.m + c];
            }
        }
        out
    }

    /// `self * j`: column `i` of the result is `sign_i` times column `j(i)`.
    fn perm_right(&self, j: &SignedPerm) -> Halves {
        let mut out = Halves::zeros(self.m);
        for r in 0..self.m {
            for i in 0..self.m {
                *out.at(r, i) = i64::from(j.sign[i]) * self.twice[r * self.m + j.image[i]];
            }
        }
        out
    }

    fn to_matrix(&self) -> Matrix {
        Matrix::from_vec(
            self.m,
            self.m,
            self.twice
                .iter()
                .map(|&x| Q::new(x.into(), 2.into()))
                .collect(),
        )
    }
}

/// The matrix `B` with `B v = w` for the eigenvectors `v` of `j` and `w` of `k`
/// (same slot): column `i` of `B` is the image of `e_i`.
fn map_eigen(m: usize, vj: &(Vec<Sparse>, Vec<Sparse>), wk: &(Vec<Sparse>, Vec<Sparse>)) -> Halves {
    let mut b = Halves::zeros(m);
    // Adds `twice_coef / 2 * w` to column `col`.
    let add = |b: &mut Halves, col: usize, w: &Sparse, twice_coef: i64| {
        for &(r, x) in w {
            *b.at(r, col) += twice_coef * x;
        }
    };
    for (t, v) in vj.0.iter().enumerate() {
        if let [(i, _), (k, s)] = v[..] {
            // Pair (i, k, s): e_i = (v+ + v-)/2, e_k = s (v+ - v-)/2.
            let (wp, wm) = (&wk.0[t], &wk.1[t]);
            add(&mut b, i, wp, 1);
            add(&mut b, i, wm, 1);
            add(&mut b, k, wp, s);
            add(&mut b, k, wm, -s);
        } else {
            add(&mut b, v[0].0, &wk.0[t], 2);
        }
    }
    for (t, v) in vj.1.iter().enumerate() {
        if v.len() == 1 {
            add(&mut b, v[0].0, &wk.1[t], 2);
        }
    }
    b
}

/// `(B, B^-1)` with `B j B^-1 = k`, for signed involutions with equal minus counts.
fn conjugator(j: &SignedPerm, k: &SignedPerm) -> (Halves, Halves) {
    let vj = eigenvectors(j);
    let wk = eigenvectors(k);
    (map_eigen(j.len(), &vj, &wk), map_eigen(j.len(), &wk, &vj))
}

/// The layers of a component in product order (leftmost first), shifts as
/// [`Halves`].
fn build(comp: &Component, kind: Kind, d: usize) -> Vec<(Kind, Halves)> {
    match comp {
        Component::Factor { p, q } => {
            // U-form: diag(J, B J B^-1) with J = p, B J B^-1 = q;
            // L-form: diag(B J B^-1, J) with J = q, B J B^-1 = p.
            let (j, k) = if kind == Kind::Upper { (p, q) } else { (q, p) };
            let (b, b_inv) = conjugator(j, k);
            let j_b_inv = b_inv.perm_left(j);
            let (ends, mid) = (kind, kind.other());
            // lemma: involution_pair_ulu (U-form)
            // lemma: involution_pair_lul (L-form)
            // lemma: pair_eigenvectors (B and B^-1 from the eigenvectors)
            vec![
                (ends, b_inv.neg()),
                (mid, b.clone()),
                (ends, j_b_inv.sub(&b_inv)),
                (mid, b.perm_right(j).neg()),
                (ends, j_b_inv),
            ]
        }
        Component::Rotation { pairs } => {
            let mut m = Halves::zeros(d);
            let mut mt = Halves::zeros(d);
            for &(a, b, e) in pairs {
                *m.at(a, b - d) = 2 * i64::from(e);
                *mt.at(b - d, a) = 2 * i64::from(e);
            }
            if kind == Kind::Upper {
                // lemma: matching_rotation_ulu
                vec![
                    (Kind::Upper, m.neg()),
                    (Kind::Lower, mt),
                    (Kind::Upper, m.neg()),
                ]
            } else {
                // lemma: matching_rotation_lul
                vec![
                    (Kind::Lower, mt.clone()),
                    (Kind::Upper, m.neg()),
                    (Kind::Lower, mt),
                ]
            }
        }
    }
}

/// Replaces the chain `M_K ... M_1` (application order) by one for
/// `diag(s) M_K ... M_1`, pushing the sign diagonal `s` through the last layers
/// until a layer of each kind has absorbed its part.
fn absorb_left(layers: &mut [Layer], s: &[Q], d: usize) -> Result<(), PermutationError> {
    let mut s1: Vec<Q> = s[..d].to_vec();
    let mut s2: Vec<Q> = s[d..].to_vec();
    for l in layers.iter_mut().rev() {
        if s1.iter().chain(&s2).all(One::is_one) {
            return Ok(());
        }
        match l.kind {
            // lemma: absorb_diag_lower (S1^-1 = S1 for signs)
            Kind::Lower => {
                l.shift = l.shift.scale_rows(&s2).scale_cols(&s1);
                l.scale = l.scale.iter().zip(&s2).map(|(a, b)| a * b).collect();
                s2 = vec![Q::one(); s2.len()];
            }
            // lemma: absorb_diag_upper (S2^-1 = S2 for signs)
            Kind::Upper => {
                l.shift = l.shift.scale_rows(&s1).scale_cols(&s2);
                l.scale = l.scale.iter().zip(&s1).map(|(a, b)| a * b).collect();
                s1 = vec![Q::one(); s1.len()];
            }
        }
    }
    if s1.iter().chain(&s2).all(One::is_one) {
        Ok(())
    } else {
        Err(PermutationError::Internal(
            "a sign flip could not be absorbed (the chain is too short)".into(),
        ))
    }
}
