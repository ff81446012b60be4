//! Coupling layers as small data: [`Split`], [`Kind`], [`Layer`] (kind, shift
//! block, diagonal scale) and [`Decomposition`] (split, mode, ordered layers), with
//! their meaning as matrices kept apart (`to_matrix`), structural inverses, merging
//! of same-kind layers and push-through of diagonals and block permutations.
//!
//! Shapes, for a split of `n = p + q` coordinates into a kept first part of size
//! `p` and a second part of size `q`:
//!
//! * `Lower`: `[[I_p, 0], [A, D]]`, i.e. `x2 <- A x1 + D x2` (`A` is `q x p`, `D` diagonal);
//! * `Upper`: `[[E, B], [0, I_q]]`, i.e. `x1 <- E x1 + B x2` (`B` is `p x q`, `E` diagonal).

use crate::exact::{Matrix, Q, fmt_q};
use num_traits::{One, Signed, Zero};

/// How the coordinates are split: the first `first` coordinates form part 1 and
/// the remaining `second` coordinates part 2.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Split {
    /// Size of the first part.
    pub first: usize,
    /// Size of the second part.
    pub second: usize,
}

impl Split {
    /// The split `(first, second)`.
    pub fn new(first: usize, second: usize) -> Split {
        Split { first, second }
    }

    /// The default split of dimension `n`: `(floor(n/2), ceil(n/2))` (half/half
    /// when `n` is even).
    ///
    /// # Examples
    /// ```
    /// use couplings::Split;
    /// assert_eq!(Split::halves(6), Split::new(3, 3));
    /// assert_eq!(Split::halves(7), Split::new(3, 4));
    /// ```
    pub fn halves(n: usize) -> Split {
        Split::new(n / 2, n - n / 2)
    }

    /// Total dimension `first + second`.
    pub fn n(&self) -> usize {
        self.first + self.second
    }
}

/// Which part a layer updates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    /// `[[I, 0], [A, D]]`: keeps part 1, updates part 2.
    Lower,
    /// `[[E, B], [0, I]]`: keeps part 2, updates part 1.
    Upper,
}

impl Kind {
    /// The other kind.
    pub fn other(self) -> Kind {
        match self {
            Kind::Lower => Kind::Upper,
            Kind::Upper => Kind::Lower,
        }
    }

    /// The lowercase name used in JSON and text output.
    pub fn name(self) -> &'static str {
        match self {
            Kind::Lower => "lower",
            Kind::Upper => "upper",
        }
    }
}

/// Whether scales may be any nonzero rational or must be positive.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Mode {
    /// Scales may be any nonzero rational.
    #[default]
    Signed,
    /// Every scale is `> 0` (what exp-parametrised flows can load); needs `det > 0`.
    Positive,
}

impl Mode {
    /// The lowercase name used in JSON and on the command line.
    pub fn name(self) -> &'static str {
        match self {
            Mode::Signed => "signed",
            Mode::Positive => "positive",
        }
    }
}

/// One linear affine coupling layer: a kind, a dense shift block and a diagonal
/// scale (stored as its diagonal).
///
/// For `Lower` the shift is `A` (`second x first`) and the scale is `D`
/// (`second` entries); for `Upper` the shift is `B` (`first x second`) and the
/// scale is `E` (`first` entries).
///
/// # Examples
/// ```
/// use couplings::{Layer, Split, exact::{Matrix, qi}};
/// let l = Layer::lower(Matrix::from_i64(&[&[1]]), vec![qi(2)]);
/// assert_eq!(l.to_matrix(Split::new(1, 1)), Matrix::from_i64(&[&[1, 0], &[1, 2]]));
/// assert_eq!(l.apply(&[qi(1), qi(1)]), vec![qi(1), qi(3)]);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Layer {
    /// Which part the layer updates.
    pub kind: Kind,
    /// The dense shift block (`A` for lower, `B` for upper).
    pub shift: Matrix,
    /// The diagonal of the scale block (`D` for lower, `E` for upper).
    pub scale: Vec<Q>,
}

/// A structural defect of a layer (wrong shape or zero scale).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LayerError {
    /// The shift block has the wrong shape for the split.
    ShiftShape {
        /// Expected (rows, cols).
        expected: (usize, usize),
        /// Found (rows, cols).
        found: (usize, usize),
    },
    /// The scale has the wrong length.
    ScaleLength {
        /// Expected length.
        expected: usize,
        /// Found length.
        found: usize,
    },
    /// A scale entry is zero (the layer would be singular).
    ZeroScale {
        /// Index of the zero entry.
        index: usize,
    },
    /// A scale entry is not positive in positive mode.
    NonPositiveScale {
        /// Index of the entry.
        index: usize,
        /// Its value.
        value: Q,
    },
}

impl std::fmt::Display for LayerError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            LayerError::ShiftShape { expected, found } => write!(
                f,
                "shift block is {}x{}, expected {}x{}",
                found.0, found.1, expected.0, expected.1
            ),
            LayerError::ScaleLength { expected, found } => {
                write!(f, "scale has {found} entries, expected {expected}")
            }
            LayerError::ZeroScale { index } => write!(f, "scale entry {index} is zero"),
            LayerError::NonPositiveScale { index, value } => write!(
                f,
                "scale entry {index} is {}, but positive mode needs every scale > 0",
                fmt_q(value)
            ),
        }
    }
}

impl Layer {
    /// The lower layer `[[I, 0], [A, diag(d)]]`.
    pub fn lower(a: Matrix, d: Vec<Q>) -> Layer {
        Layer {
            kind: Kind::Lower,
            shift: a,
            scale: d,
        }
    }

    /// The upper layer `[[diag(e), B], [0, I]]`.
    pub fn upper(b: Matrix, e: Vec<Q>) -> Layer {
        Layer {
            kind: Kind::Upper,
            shift: b,
            scale: e,
        }
    }

    /// A layer of the given kind with unit scale.
    pub fn unit(kind: Kind, shift: Matrix) -> Layer {
        let len = match kind {
            Kind::Lower => shift.rows(),
            Kind::Upper => shift.rows(),
        };
        Layer {
            kind,
            shift,
            scale: vec![Q::one(); len],
        }
    }

    /// A pure scaling layer of the given kind (zero shift).
    pub fn scaling(kind: Kind, split: Split, scale: Vec<Q>) -> Layer {
        let shift = match kind {
            Kind::Lower => Matrix::zeros(split.second, split.first),
            Kind::Upper => Matrix::zeros(split.first, split.second),
        };
        Layer { kind, shift, scale }
    }

    /// Checks shapes against the split and that every scale is nonzero (and
    /// positive in positive mode).
    pub fn validate(&self, split: Split, mode: Mode) -> Result<(), LayerError> {
        let (rows, cols) = match self.kind {
            Kind::Lower => (split.second, split.first),
            Kind::Upper => (split.first, split.second),
        };
        if (self.shift.rows(), self.shift.cols()) != (rows, cols) {
            return Err(LayerError::ShiftShape {
                expected: (rows, cols),
                found: (self.shift.rows(), self.shift.cols()),
            });
        }
        if self.scale.len() != rows {
            return Err(LayerError::ScaleLength {
                expected: rows,
                found: self.scale.len(),
            });
        }
        for (index, s) in self.scale.iter().enumerate() {
            if s.is_zero() {
                return Err(LayerError::ZeroScale { index });
            }
            if mode == Mode::Positive && !s.is_positive() {
                return Err(LayerError::NonPositiveScale {
                    index,
                    value: s.clone(),
                });
            }
        }
        Ok(())
    }

    /// The layer as an `n x n` matrix.
    pub fn to_matrix(&self, split: Split) -> Matrix {
        let (p, q) = (split.first, split.second);
        let mut m = Matrix::identity(p + q);
        match self.kind {
            Kind::Lower => {
                for i in 0..q {
                    for j in 0..p {
                        m.set(p + i, j, self.shift.get(i, j).clone());
                    }
                    m.set(p + i, p + i, self.scale[i].clone());
                }
            }
            Kind::Upper => {
                for i in 0..p {
                    for j in 0..q {
                        m.set(i, p + j, self.shift.get(i, j).clone());
                    }
                    m.set(i, i, self.scale[i].clone());
                }
            }
        }
        m
    }

    /// The structural inverse: `L(A, D)^-1 = L(-D^-1 A, D^-1)` and
    /// `U(B, E)^-1 = U(-E^-1 B, E^-1)`.
    ///
    /// # Panics
    /// Panics if a scale entry is zero.
    pub fn inverse(&self) -> Layer {
        let inv: Vec<Q> = self.scale.iter().map(|s| s.recip()).collect();
        let neg: Vec<Q> = inv.iter().map(|s| -s).collect();
        Layer {
            kind: self.kind,
            shift: self.shift.scale_rows(&neg),
            scale: inv,
        }
    }

    /// `self * x` for a column vector `x` of length `p + q` (the split is read off
    /// the shift block).
    pub fn apply(&self, x: &[Q]) -> Vec<Q> {
        let (p, q) = self.split_of();
        let mut y = x.to_vec();
        match self.kind {
            Kind::Lower => {
                let t = self.shift.mul_vec(&x[..p]);
                for i in 0..q {
                    y[p + i] = &t[i] + &self.scale[i] * &x[p + i];
                }
            }
            Kind::Upper => {
                let t = self.shift.mul_vec(&x[p..]);
                for i in 0..p {
                    y[i] = &t[i] + &self.scale[i] * &x[i];
                }
            }
        }
        y
    }

    /// `self * m` for an `n x k` matrix `m`, computed blockwise.
    pub fn apply_matrix(&self, m: &Matrix) -> Matrix {
        let (p, q) = self.split_of();
        let k = m.cols();
        let top = m.block(0, 0, p, k);
        let bottom = m.block(p, 0, q, k);
        match self.kind {
            Kind::Lower => {
                let new_bottom = &(&self.shift * &top) + &bottom.scale_rows(&self.scale);
                stack(&top, &new_bottom)
            }
            Kind::Upper => {
                let new_top = &top.scale_rows(&self.scale) + &(&self.shift * &bottom);
                stack(&new_top, &bottom)
            }
        }
    }

    /// The split `(p, q)` implied by the shift block's shape.
    pub fn split_of(&self) -> (usize, usize) {
        match self.kind {
            Kind::Lower => (self.shift.cols(), self.shift.rows()),
            Kind::Upper => (self.shift.rows(), self.shift.cols()),
        }
    }

    /// Whether the layer is the identity (zero shift, unit scale).
    pub fn is_identity(&self) -> bool {
        self.shift.is_zero() && self.scale.iter().all(One::is_one)
    }

    /// Merges `after * self` into one layer when both have the same kind:
    /// `L(A', D') L(A, D) = L(A' + D' A, D' D)` and
    /// `U(B', E') U(B, E) = U(E' B + B', E' E)`.
    pub fn then(&self, after: &Layer) -> Option<Layer> {
        if self.kind != after.kind {
            return None;
        }
        Some(Layer {
            kind: self.kind,
            shift: &after.shift + &self.shift.scale_rows(&after.scale),
            scale: self
                .scale
                .iter()
                .zip(&after.scale)
                .map(|(a, b)| a * b)
                .collect(),
        })
    }

    /// Conjugation by a diagonal: returns the layer `X` with
    /// `diag(d1, d2) * self = X * diag(d1, d2)`, i.e. `L(d2 A d1^-1, D)` or
    /// `U(d1 B d2^-1, E)`.
    pub fn conjugate_diagonal(&self, d1: &[Q], d2: &[Q]) -> Layer {
        let inv1: Vec<Q> = d1.iter().map(|x| x.recip()).collect();
        let inv2: Vec<Q> = d2.iter().map(|x| x.recip()).collect();
        let shift = match self.kind {
            Kind::Lower => self.shift.scale_rows(d2).scale_cols(&inv1),
            Kind::Upper => self.shift.scale_rows(d1).scale_cols(&inv2),
        };
        Layer {
            kind: self.kind,
            shift,
            scale: self.scale.clone(),
        }
    }

    /// Conjugation by the block permutation `P = diag(P1, P2)` where `P1` maps
    /// coordinate `j` of part 1 to `perm1[j]` (and likewise `P2`): returns
    /// `P * self * P^-1`, again a layer of the same kind.
    pub fn conjugate_permutation(&self, perm1: &[usize], perm2: &[usize]) -> Layer {
        let (rows, cols) = match self.kind {
            Kind::Lower => (perm2, perm1),
            Kind::Upper => (perm1, perm2),
        };
        let inv_rows = invert(rows);
        let inv_cols = invert(cols);
        Layer {
            kind: self.kind,
            shift: self.shift.permuted(&inv_rows, &inv_cols),
            scale: inv_rows.iter().map(|&i| self.scale[i].clone()).collect(),
        }
    }

    /// Conjugation by the swap of halves `S = [[0, I], [I, 0]]` (needs `p = q`):
    /// `S L(A, D) S = U(A, D)` and `S U(B, E) S = L(B, E)`.
    pub fn swapped(&self) -> Layer {
        Layer {
            kind: self.kind.other(),
            shift: self.shift.clone(),
            scale: self.scale.clone(),
        }
    }

    /// Largest bit size of any entry of the shift or scale.
    pub fn max_bits(&self) -> u64 {
        self.shift
            .max_bits()
            .max(self.scale.iter().map(crate::exact::bits).max().unwrap_or(0))
    }
}

/// Inverse of a permutation given as images.
pub fn invert(perm: &[usize]) -> Vec<usize> {
    let mut inv = vec![0; perm.len()];
    for (i, &p) in perm.iter().enumerate() {
        inv[p] = i;
    }
    inv
}

fn stack(top: &Matrix, bottom: &Matrix) -> Matrix {
    let mut rows: Vec<Vec<Q>> = (0..top.rows()).map(|i| top.row(i).to_vec()).collect();
    rows.extend((0..bottom.rows()).map(|i| bottom.row(i).to_vec()));
    if rows.is_empty() {
        return Matrix::zeros(0, top.cols());
    }
    Matrix::from_rows(rows).expect("blocks have equal width")
}

/// A decomposition: the split, the mode and the layers in the order they act on
/// an input column vector (for layers `M1, ..., MK` the represented matrix is
/// `MK ... M1`).
///
/// # Examples
/// ```
/// use couplings::{decompose, exact::Matrix};
/// let t = Matrix::from_i64(&[&[0, 1], &[1, 0]]);
/// let dec = decompose(&t).unwrap();
/// assert_eq!(dec.product(), t);
/// assert_eq!(dec.inverse().product(), t.inverse().unwrap());
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decomposition {
    /// The coordinate split shared by all layers.
    pub split: Split,
    /// Signed or positive scales.
    pub mode: Mode,
    /// Layers in application order (first acts first).
    pub layers: Vec<Layer>,
}

impl Decomposition {
    /// Number of layers.
    pub fn len(&self) -> usize {
        self.layers.len()
    }

    /// Whether there are no layers (the identity).
    pub fn is_empty(&self) -> bool {
        self.layers.is_empty()
    }

    /// The represented matrix `MK ... M1`, computed exactly.
    pub fn product(&self) -> Matrix {
        self.layers
            .iter()
            .fold(Matrix::identity(self.split.n()), |m, l| l.apply_matrix(&m))
    }

    /// Applies the layers in order to a column vector.
    pub fn apply(&self, x: &[Q]) -> Vec<Q> {
        self.layers.iter().fold(x.to_vec(), |v, l| l.apply(&v))
    }

    /// The decomposition of the inverse matrix: layers reversed, each inverted.
    pub fn inverse(&self) -> Decomposition {
        Decomposition {
            split: self.split,
            mode: self.mode,
            layers: self.layers.iter().rev().map(Layer::inverse).collect(),
        }
    }

    /// Largest bit size of any layer entry.
    pub fn max_bits(&self) -> u64 {
        self.layers.iter().map(Layer::max_bits).max().unwrap_or(0)
    }

    /// Merges adjacent layers of the same kind and drops identity layers.
    pub fn normalized(mut self) -> Decomposition {
        let mut out: Vec<Layer> = Vec::with_capacity(self.layers.len());
        for l in self.layers.drain(..) {
            match out.last().and_then(|prev| prev.then(&l)) {
                Some(merged) => {
                    out.pop();
                    out.push(merged);
                }
                None => out.push(l),
            }
            if out.last().is_some_and(Layer::is_identity) {
                out.pop();
            }
        }
        self.layers = out;
        self
    }
}

/// A padded decomposition of an `n x n` matrix `T` (the seed paper's padding,
/// `docs/padding.md`): layers on `N = n + pad` coordinates, the padded ones
/// last, whose product `M` satisfies `M[:, :n] = [[T], [0]]`, i.e. `M` maps
/// `[x; 0]` to `[T x; 0]` (the last `pad` columns of `M` are free).
///
/// With a `mask` (the first-part coordinates, all `< n`) the unpadded
/// coordinates are reordered as for an unpadded mask (the `mask` module): the
/// layers then act on `(Π x; 0)` and represent `Π T Π^-1` in their first `n`
/// columns; the padded coordinates always stay last.
///
/// # Examples
/// ```
/// use couplings::{Decomposition, Layer, Mode, PaddedDecomposition, Split, exact::{Matrix, qi}};
/// // T = [2]: L(T - 1), U(1), L(T^-1 - 1) on the split (1 | 1).
/// let chain = vec![
///     Layer::lower(Matrix::from_i64(&[&[1]]), vec![qi(1)]),
///     Layer::upper(Matrix::from_i64(&[&[1]]), vec![qi(1)]),
///     Layer::lower(Matrix::from_rows(vec![vec![couplings::exact::q(-1, 2)]]).unwrap(), vec![qi(1)]),
/// ];
/// let padded = PaddedDecomposition {
///     pad: 1,
///     mask: None,
///     decomposition: Decomposition { split: Split::new(1, 1), mode: Mode::Positive, layers: chain },
/// };
/// assert_eq!(padded.n(), 1);
/// assert_eq!(padded.first_columns(), Matrix::from_i64(&[&[2], &[0]]));
/// assert_eq!(padded.apply(&[qi(3)]), vec![qi(6)]);
/// assert_eq!(padded.inverse().apply(&[qi(6)]), vec![qi(3)]);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaddedDecomposition {
    /// `K`: the number of zero coordinates appended to the input.
    pub pad: usize,
    /// The first-part coordinates when the unpadded coordinates are reordered
    /// (increasing, all `< n`); `None` for the contiguous split.
    pub mask: Option<Vec<usize>>,
    /// The layers on `n + pad` coordinates (split, mode, application order).
    pub decomposition: Decomposition,
}

impl PaddedDecomposition {
    /// The unpadded dimension `n = N - pad`.
    pub fn n(&self) -> usize {
        self.decomposition.split.n().saturating_sub(self.pad)
    }

    /// Number of layers.
    pub fn len(&self) -> usize {
        self.decomposition.len()
    }

    /// Whether there are no layers (`T = I`).
    pub fn is_empty(&self) -> bool {
        self.decomposition.is_empty()
    }

    /// Largest bit size of any layer entry.
    pub fn max_bits(&self) -> u64 {
        self.decomposition.max_bits()
    }

    /// The order of the unpadded coordinates the layers act on: the mask, then
    /// the other coordinates increasing (`0..n` without a mask).
    pub fn order(&self) -> Vec<usize> {
        let n = self.n();
        match &self.mask {
            None => (0..n).collect(),
            Some(first) => {
                let mut order = first.clone();
                order.extend((0..n).filter(|c| !first.contains(c)));
                order
            }
        }
    }

    /// The first `n` columns of the product `M` (an `N x n` matrix, in the
    /// layers' coordinates), computed exactly by applying the layers to
    /// `[I; 0]`. For a valid padded decomposition it is `[[T], [0]]` (with a
    /// mask, `[[Π T Π^-1], [0]]`).
    pub fn first_columns(&self) -> Matrix {
        let n = self.n();
        let big = self.decomposition.split.n();
        let mut start = Matrix::zeros(big, n);
        for i in 0..n {
            start.set(i, i, Q::one());
        }
        self.decomposition
            .layers
            .iter()
            .fold(start, |m, l| l.apply_matrix(&m))
    }

    /// `T x` as the chain computes it: `x` (length `n`, original coordinate
    /// order) is reordered by the mask, padded with `pad` zeros, sent through the
    /// layers, and the first `n` coordinates are returned in the original order.
    /// (The padded coordinates of the output are 0 for a valid decomposition.)
    pub fn apply(&self, x: &[Q]) -> Vec<Q> {
        let order = self.order();
        let mut v: Vec<Q> = order.iter().map(|&c| x[c].clone()).collect();
        v.resize(self.decomposition.split.n(), Q::zero());
        let y = self.decomposition.apply(&v);
        let mut out = vec![Q::zero(); order.len()];
        for (i, &c) in order.iter().enumerate() {
            out[c] = y[i].clone();
        }
        out
    }

    /// The padded decomposition of `T^-1`: the layers reversed and inverted.
    /// Since `M [x; 0] = [T x; 0]`, `M^-1 [y; 0] = [T^-1 y; 0]`, so the inverse
    /// chain is again padded (same pad, mask and split); on inputs whose padded
    /// coordinates are not zero it computes `M^-1`, which is not `T^-1`.
    pub fn inverse(&self) -> PaddedDecomposition {
        PaddedDecomposition {
            pad: self.pad,
            mask: self.mask.clone(),
            decomposition: self.decomposition.inverse(),
        }
    }
}
