//! Seeded test families, the one place that tests, benchmarks and examples take
//! their inputs from: Glow-style weights (rotations and LU-parametrised 1x1
//! convolutions, float32 read exactly), random integer matrices, permutations,
//! the named degenerate families (block diagonal, `-I`, sign matrices, the swap
//! and rotation of halves, the swap family `[[0, B], [I, 0]]`, low-rank blocks)
//! and the families of the unequal-split table ([`SplitFamily`]).
//!
//! Every generator is deterministic on every platform (the crate's SplitMix64
//! [`Rng`], Box-Muller normals, nalgebra QR), so a seed names a matrix. Also
//! reachable as `couplings::analysis::families` (the path older docs use).
//!
//! # Examples
//! ```
//! use couplings::families;
//! let w = families::glow_rotation(8, 1);
//! assert!(couplings::analysis::condition_number(&w) < 1.0001);
//! let t = families::swap_family(2);
//! assert_eq!(t, couplings::exact::Matrix::from_i64(&[&[0, 0, 1, 1], &[0, 0, 0, 1], &[1, 0, 0, 0], &[0, 1, 0, 0]]));
//! ```

pub use crate::construct::permutation::permutation_matrix;
use crate::construct::rng::Rng;
use crate::exact::{Matrix, Q, qi};
use nalgebra::DMatrix;
use num_traits::{Signed, Zero};

// ------------------------------------------------------------------ float weights

/// A standard normal sample (Box-Muller), see [`Rng::normal`].
pub fn normal(rng: &mut Rng) -> f64 {
    rng.normal()
}

/// The float64 matrix rounded to float32 entries, converted exactly.
pub fn exact_f32(m: &DMatrix<f64>) -> Matrix {
    Matrix::from_vec(
        m.nrows(),
        m.ncols(),
        m.transpose()
            .iter()
            .map(|&x| Q::from_float(x as f32 as f64).expect("finite entry"))
            .collect(),
    )
}

fn random_rotation(c: usize, rng: &mut Rng) -> DMatrix<f64> {
    let g = DMatrix::from_fn(c, c, |_, _| rng.normal());
    let qr = g.qr();
    let (mut q, r) = (qr.q(), qr.r());
    for j in 0..c {
        if r[(j, j)] < 0.0 {
            q.column_mut(j).neg_mut();
        }
    }
    if q.determinant() < 0.0 {
        q.column_mut(0).neg_mut();
    }
    q
}

/// A Glow-style 1x1 convolution of `c` channels at initialisation: the QR
/// rotation of a seeded standard normal matrix (det made positive), rounded
/// to float32 and read exactly (dyadic rationals). Condition number ~1.
///
/// # Examples
/// ```
/// let w = couplings::families::glow_rotation(8, 1);
/// assert!(couplings::analysis::condition_number(&w) < 1.0001);
/// ```
pub fn glow_rotation(c: usize, seed: u64) -> Matrix {
    let mut rng = Rng::new(seed);
    exact_f32(&random_rotation(c, &mut rng))
}

/// A Glow LU-parametrised weight `W = P L (U + diag(s))` with random entries:
/// `P` a random permutation, `L` unit lower and `U` strictly upper with
/// `N(0, 1/c)` entries, `s = +-exp(N(0, 0.25))` with random signs; computed in
/// float64 and rounded to float32 (what a float32 model multiplies with).
///
/// # Examples
/// ```
/// let w = couplings::families::glow_lu(4, 1);
/// assert_eq!((w.rows(), w.cols()), (4, 4));
/// ```
pub fn glow_lu(c: usize, seed: u64) -> Matrix {
    let f = GlowLuFactors::new(c, seed);
    let mut u = f.upper.clone();
    for i in 0..c {
        u[(i, i)] = f.sign[i] * f.log_scale[i].exp();
    }
    let mut p = DMatrix::<f64>::zeros(c, c);
    for (j, &i) in f.perm.iter().enumerate() {
        p[(i, j)] = 1.0;
    }
    exact_f32(&(p * &f.lower * u))
}

/// The float64 factors behind [`glow_lu`] (same seed, same numbers): `W = P
/// lower (upper + diag(sign exp(log_scale)))` with `P` the permutation
/// matrix with `P[perm[j]][j] = 1`.
#[derive(Debug, Clone)]
pub struct GlowLuFactors {
    /// Unit lower triangular.
    pub lower: DMatrix<f64>,
    /// Strictly upper triangular.
    pub upper: DMatrix<f64>,
    /// `+-1`.
    pub sign: Vec<f64>,
    /// `N(0, 1/4)` log-scales.
    pub log_scale: Vec<f64>,
    /// Column `j` of `P` is `e_{perm[j]}`.
    pub perm: Vec<usize>,
}

impl GlowLuFactors {
    /// The factors of `glow_lu(c, seed)`.
    ///
    /// # Examples
    /// ```
    /// let f = couplings::families::GlowLuFactors::new(4, 1);
    /// assert_eq!(f.lower[(0, 0)], 1.0);
    /// assert_eq!(f.upper[(1, 1)], 0.0);
    /// ```
    pub fn new(c: usize, seed: u64) -> GlowLuFactors {
        let mut rng = Rng::new(seed);
        let sd = 1.0 / (c as f64).sqrt();
        let mut lower = DMatrix::<f64>::identity(c, c);
        let mut upper = DMatrix::<f64>::zeros(c, c);
        for i in 0..c {
            for j in 0..c {
                let x = rng.normal() * sd;
                if i > j {
                    lower[(i, j)] = x;
                } else if i < j {
                    upper[(i, j)] = x;
                }
            }
        }
        let (mut sign, mut log_scale) = (Vec::with_capacity(c), Vec::with_capacity(c));
        for _ in 0..c {
            sign.push(if rng.next_u64().is_multiple_of(2) {
                1.0
            } else {
                -1.0
            });
            log_scale.push(0.5 * rng.normal());
        }
        let perm = rng.permutation(c);
        GlowLuFactors {
            lower,
            upper,
            sign,
            log_scale,
            perm,
        }
    }
}

/// A Glow-shaped safetensors checkpoint (float32, `docs/export.md`,
/// "Converting a checkpoint"): for each level `l` (channel count
/// `levels[l]`) and step `s < steps`, the 1x1 convolution
/// `flows.{l}.{s}.invconv.weight` of shape `(c, c, 1, 1)` ([`glow_rotation`]
/// on even steps, [`glow_lu`] on odd ones), or with `normflows_lu` the normflows
/// LU group `flows.{l}.{s}.invconv.{P, L, U, log_S, sign_S, eye}` of
/// [`GlowLuFactors`]; plus tensors that are not 1x1 weights: actnorm
/// `bias`/`logs` `(1, c, 1, 1)` and coupling convolutions `(16, c/2, 3, 3)`,
/// `(c, 16, 3, 3)` with their biases.
///
/// # Examples
/// ```
/// use couplings::io::parse_safetensors;
/// let bytes = couplings::families::glow_checkpoint(&[4, 8], 2, false, 1);
/// let st = parse_safetensors(&bytes).unwrap();
/// assert_eq!(st.tensors["flows.1.0.invconv.weight"].shape, vec![8, 8, 1, 1]);
/// ```
pub fn glow_checkpoint(levels: &[usize], steps: usize, normflows_lu: bool, seed: u64) -> Vec<u8> {
    let f32s = |m: &DMatrix<f64>| -> Vec<f32> { m.transpose().iter().map(|&v| v as f32).collect() };
    let mut w = crate::io::SafetensorsWriter::new();
    let mut rng = Rng::new(seed);
    let mut noise =
        |n: usize| -> Vec<f32> { (0..n).map(|_| (0.05 * rng.normal()) as f32).collect() };
    for (l, &c) in levels.iter().enumerate() {
        for s in 0..steps {
            let name = |part: &str| format!("flows.{l}.{s}.{part}");
            let wseed = seed.wrapping_mul(1_000_003) ^ ((l as u64) << 32 | s as u64);
            if normflows_lu {
                let f = GlowLuFactors::new(c, wseed);
                let mut p = DMatrix::<f64>::zeros(c, c);
                for (j, &i) in f.perm.iter().enumerate() {
                    p[(i, j)] = 1.0;
                }
                w.add_f32(&name("invconv.P"), &[c, c], &f32s(&p));
                w.add_f32(&name("invconv.L"), &[c, c], &f32s(&f.lower));
                w.add_f32(&name("invconv.U"), &[c, c], &f32s(&f.upper));
                let v = |x: &[f64]| -> Vec<f32> { x.iter().map(|&v| v as f32).collect() };
                w.add_f32(&name("invconv.log_S"), &[c], &v(&f.log_scale));
                w.add_f32(&name("invconv.sign_S"), &[c], &v(&f.sign));
                w.add_f32(
                    &name("invconv.eye"),
                    &[c, c],
                    &f32s(&DMatrix::identity(c, c)),
                );
            } else {
                let m = if s % 2 == 0 {
                    glow_rotation(c, wseed)
                } else {
                    glow_lu(c, wseed)
                };
                w.add_f32(
                    &name("invconv.weight"),
                    &[c, c, 1, 1],
                    &f32s(&crate::exact::to_float(&m)),
                );
            }
            w.add_f32(&name("actnorm.bias"), &[1, c, 1, 1], &noise(c));
            w.add_f32(&name("actnorm.logs"), &[1, c, 1, 1], &noise(c));
            let half = c / 2;
            w.add_f32(
                &name("coupling.net.0.weight"),
                &[16, half, 3, 3],
                &noise(16 * half * 9),
            );
            w.add_f32(&name("coupling.net.0.bias"), &[16], &noise(16));
            w.add_f32(
                &name("coupling.net.2.weight"),
                &[c, 16, 3, 3],
                &noise(c * 16 * 9),
            );
            w.add_f32(&name("coupling.net.2.bias"), &[c], &noise(c));
        }
    }
    w.metadata("generator", "couplings::families::glow_checkpoint");
    w.to_bytes()
}

// ------------------------------------------------------------------ random integer

/// An `r x c` matrix with integer entries uniform in `lo..=hi`.
pub fn int_matrix(rng: &mut Rng, r: usize, c: usize, lo: i64, hi: i64) -> Matrix {
    Matrix::from_vec(r, c, (0..r * c).map(|_| qi(rng.range(lo, hi))).collect())
}

/// A random `n x n` integer matrix with entries in `[-9, 9]` (invertible:
/// resampled until the exact determinant is nonzero).
///
/// # Examples
/// ```
/// let t = couplings::families::random_integer(4, 1);
/// assert!(!num_traits::Zero::is_zero(&t.det()));
/// ```
pub fn random_integer(n: usize, seed: u64) -> Matrix {
    random_integer_from(&mut Rng::new(seed), n)
}

/// [`random_integer`] drawing from a running generator (several sizes from one seed).
pub fn random_integer_from(rng: &mut Rng, n: usize) -> Matrix {
    loop {
        let m = int_matrix(rng, n, n, -9, 9);
        if !m.det().is_zero() {
            return m;
        }
    }
}

/// A nonzero `d x d` integer matrix of rank `r < d` (a product of random
/// `d x r` and `r x d` factors with entries in `[-3, 3]`, resampled until the
/// rank is `r`): off-diagonal blocks of rank 1 and other singular blocks.
pub fn low_rank(rng: &mut Rng, d: usize, r: usize) -> Matrix {
    loop {
        let x = int_matrix(rng, d, r, -3, 3);
        let y = int_matrix(rng, r, d, -3, 3);
        let m = &x * &y;
        if !m.is_zero() && m.rank() == r {
            return m;
        }
    }
}

// ------------------------------------------------------------------ named families

/// `diag(p, q)`.
pub fn block_diag(p: &Matrix, q: &Matrix) -> Matrix {
    let z1 = Matrix::zeros(p.rows(), q.cols());
    let z2 = Matrix::zeros(q.rows(), p.cols());
    Matrix::from_blocks(p, &z1, &z2, q)
}

/// The swap of halves `[[0, I], [I, 0]]` of size `n`.
pub fn swap_halves(n: usize) -> Matrix {
    let d = n / 2;
    let (z, i) = (Matrix::zeros(d, d), Matrix::identity(d));
    Matrix::from_blocks(&z, &i, &i, &z)
}

/// The rotation `[[0, -I], [I, 0]]` of size `n`.
pub fn rotation_halves(n: usize) -> Matrix {
    let d = n / 2;
    let (z, i) = (Matrix::zeros(d, d), Matrix::identity(d));
    Matrix::from_blocks(&z, &(-&i), &i, &z)
}

/// `-I_n`.
pub fn minus_identity(n: usize) -> Matrix {
    -&Matrix::identity(n)
}

/// Diagonal matrix of signs from the bits of `mask` (bit `i` set: entry `-1`).
pub fn sign_diag(n: usize, mask: u64) -> Matrix {
    let d: Vec<Q> = (0..n)
        .map(|i| if mask >> i & 1 == 1 { qi(-1) } else { qi(1) })
        .collect();
    Matrix::from_diagonal(&d)
}

/// The swap family of `docs/lower-bounds.md`: `[[0, B], [I, 0]]` with
/// `B = I + E_12`, blocks `d x d` (`examples/lower_bound_{4,6,8}.txt`).
pub fn swap_family(d: usize) -> Matrix {
    let mut b = Matrix::identity(d);
    b.set(0, 1, qi(1));
    Matrix::from_blocks(
        &Matrix::zeros(d, d),
        &b,
        &Matrix::identity(d),
        &Matrix::zeros(d, d),
    )
}

/// Multiplies row `i` by `-1`.
pub fn negate_row(m: &Matrix, i: usize) -> Matrix {
    let mut out = m.clone();
    for j in 0..m.cols() {
        out.set(i, j, -m.get(i, j));
    }
    out
}

/// `m` with `det > 0`: flips row 0 when the determinant is negative.
pub fn make_det_positive(m: &Matrix) -> Matrix {
    if m.det().is_negative() {
        negate_row(m, 0)
    } else {
        m.clone()
    }
}

// ------------------------------------------------------------------ permutations

/// Sign of a permutation (+1 even, -1 odd), by counting cycles.
pub fn perm_sign(p: &[usize]) -> i64 {
    let n = p.len();
    let mut seen = vec![false; n];
    let mut cycles = 0;
    for s in 0..n {
        if !seen[s] {
            cycles += 1;
            let mut k = s;
            while !seen[k] {
                seen[k] = true;
                k = p[k];
            }
        }
    }
    if (n - cycles).is_multiple_of(2) {
        1
    } else {
        -1
    }
}

/// All permutations of `0..n` in lexicographic order.
pub fn all_permutations(n: usize) -> Vec<Vec<usize>> {
    let mut out = Vec::new();
    let mut p: Vec<usize> = (0..n).collect();
    loop {
        out.push(p.clone());
        // next permutation
        let Some(i) = (0..n.saturating_sub(1)).rev().find(|&i| p[i] < p[i + 1]) else {
            return out;
        };
        let j = (i + 1..n).rev().find(|&j| p[j] > p[i]).unwrap();
        p.swap(i, j);
        p[i + 1..].reverse();
    }
}

/// Inverse of a permutation given as images.
pub fn invert_perm(p: &[usize]) -> Vec<usize> {
    let mut inv = vec![0; p.len()];
    for (i, &x) in p.iter().enumerate() {
        inv[x] = i;
    }
    inv
}

// ------------------------------------------------------------------ unequal splits

/// The families of the layer-count table of `docs/splits.md` and of the split
/// tests, for a split `(p, n - p)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SplitFamily {
    /// Dense integers in `[-bound, bound]`.
    Dense(i64),
    /// A random permutation matrix.
    Permutation,
    /// Block diagonal for the split, entries in `[-3, 3]`.
    BlockDiagonal,
    /// The smaller part's diagonal block zero (singular), sparse elsewhere
    /// (entries in `[-2, 2]`, about a third nonzero).
    SingularSmallBlock,
    /// A signed permutation times a diagonal (monomial), rational entries.
    Monomial,
    /// Rank-deficient blocks everywhere: a sparse 0/1 matrix.
    Sparse01,
}

impl SplitFamily {
    /// The four families of the table in `docs/splits.md` (`examples/split_table.rs`).
    pub const TABLE: [SplitFamily; 4] = [
        SplitFamily::Dense(9),
        SplitFamily::Permutation,
        SplitFamily::BlockDiagonal,
        SplitFamily::SingularSmallBlock,
    ];

    /// An invertible `n x n` matrix of this family for the split `(p, n - p)`,
    /// resampled until invertible; with `det > 0` (row 0 negated) when `positive`.
    ///
    /// # Examples
    /// ```
    /// use couplings::{construct::rng::Rng, families::SplitFamily};
    /// let t = SplitFamily::BlockDiagonal.sample(&mut Rng::new(1), 5, 2, true);
    /// assert!(t.det() > couplings::exact::qi(0));
    /// ```
    pub fn sample(self, rng: &mut Rng, n: usize, p: usize, positive: bool) -> Matrix {
        let small_part = |i: usize| if p <= n - p { i < p } else { i >= p };
        let t = loop {
            let mut m = Matrix::zeros(n, n);
            match self {
                SplitFamily::Dense(bound) => m = int_matrix(rng, n, n, -bound, bound),
                SplitFamily::Permutation => m = permutation_matrix(&rng.permutation(n)),
                SplitFamily::BlockDiagonal => {
                    for i in 0..n {
                        for j in 0..n {
                            if (i < p) == (j < p) {
                                m.set(i, j, qi(rng.range(-3, 3)));
                            }
                        }
                    }
                }
                SplitFamily::SingularSmallBlock => {
                    for i in 0..n {
                        for j in 0..n {
                            if !(small_part(i) && small_part(j)) && rng.range(0, 2) == 0 {
                                m.set(i, j, qi(rng.range(-2, 2)));
                            }
                        }
                    }
                }
                SplitFamily::Monomial => {
                    for (j, &i) in rng.permutation(n).iter().enumerate() {
                        let v = rng.range(1, 4) * if rng.range(0, 1) == 0 { -1 } else { 1 };
                        m.set(i, j, Q::new(v.into(), rng.range(1, 3).into()));
                    }
                }
                SplitFamily::Sparse01 => {
                    for i in 0..n {
                        for j in 0..n {
                            if rng.range(0, 3) == 0 {
                                m.set(i, j, qi(1));
                            }
                        }
                    }
                }
            }
            if !m.det().is_zero() {
                break m;
            }
        };
        if positive { make_det_positive(&t) } else { t }
    }
}
