//! Padded decompositions (the seed paper's padding, `docs/padding.md`):
//! [`decompose_padded`] appends `K` zero coordinates to the input and returns
//! layers on `N = n + K` coordinates (the padded ones last) whose product `M`
//! satisfies `M[:, :n] = [[T], [0]]`, as a
//! [`PaddedDecomposition`](crate::PaddedDecomposition). One file per
//! construction, each named by a [`Construction`] variant:
//!
//! * [`three`]: `K >= n`, split `(n | K)`: `L(T - I), U(I), L(T^-1 - I)`, three
//!   unit layers for every invertible `T` (0 or 1 layer when `T` is diagonal);
//! * [`scaled`]: the same three layers with rational scalars chosen for float
//!   conditioning (`--strategy conditioned`), and [`split_five`], five layers
//!   through a balanced factorisation `T = T1 T2` when that is better
//!   conditioned still;
//! * [`chunked`]: split `(n | K)`, any `K >= 1`: `2 ceil(rank(T - E) / K) + 1`
//!   layers (optimal for this split), unit scales for `E = I` (so positive mode
//!   and `det T < 0` at no cost), entries of the size of `T^-1`'s;
//! * [`near_halves`]: split `(n - 1 | K + 1)`, `K >= n - 2`: three layers for
//!   generic `T` (signed mode), the padded `L U L` of [`lul`] with the lone
//!   coordinate chosen by a mask;
//! * [`lul`]: the padded three-layer theorem (any split `p < n`): its exact
//!   decision and its construction, shared with `crate::depth`;
//! * [`completion`]: `M = [[T, P], [0, Q]]` decomposed by an unpadded strategy
//!   (five layers generically for every `K >= 1`).
//!
//! [`Strategy`] keeps its meaning: `shallow` takes the fewest layers among the
//! applicable constructions (ties: fewer bits), `balanced` the small-entry ones
//! ([`three`] for `K >= n`, [`chunked`] below), `conditioned` [`scaled`] or
//! [`split_five`] for `K >= n` and the conditioned strategy on a completion
//! below. `K > n` adds nothing: the extra coordinates stay idle.

pub mod chunked;
pub mod completion;
pub mod decide;
pub mod lul;
pub mod near_halves;
pub mod scaled;
pub mod split_five;
pub mod three;
pub mod witness;

use super::blocks::Chain;
use super::{Construction, DecomposeError, Options, Strategy, Trace};
use crate::exact::{Matrix, Q};
use crate::layer::{Decomposition, Layer, Mode, PaddedDecomposition, Split};
use num_traits::Signed;

/// Largest pad accepted, as a multiple of `n`: padding beyond `n` changes
/// neither depth nor conditioning (`docs/padding.md`), and every padded
/// coordinate costs a row of every lower layer.
pub const MAX_PAD_FACTOR: usize = 4;

/// Largest `N = n + K` for which the shallow padded search tries the
/// three-layer decision on every split and the completion (both cost an exact
/// construction per split or a five-layer core of size `N`).
pub const SEARCH_MAX_N: usize = 48;

/// One padded chain found by a construction.
#[derive(Debug, Clone)]
pub struct Candidate {
    /// Layers on `n + K` coordinates, application order.
    pub chain: Chain,
    /// The split of `n + K`.
    pub split: Split,
    /// First-part coordinates when the unpadded ones are reordered.
    pub mask: Option<Vec<usize>>,
    /// Which construction.
    pub construction: Construction,
}

impl Candidate {
    fn cost(&self) -> (usize, u64) {
        let layers = Decomposition {
            split: self.split,
            mode: Mode::Signed,
            layers: self.chain.clone(),
        }
        .normalized();
        (layers.len(), layers.max_bits())
    }
}

/// Decomposes `matrix` with `pad` zero coordinates appended (see the
/// [module documentation](self)); `pad = 0` is [`super::decompose_with`]. The
/// result is verified exactly (`M[:, :n] = [[T], [0]]`, scales nonzero, and
/// positive in positive mode) before it is returned.
///
/// # Errors
/// `Empty`, `NotSquare`, `Singular` (with a kernel vector), `UnsupportedPadding`
/// (a pad above `4 n`, or a split no padded construction builds),
/// `UnsupportedStrategy`, and, with `pad = 0`, everything
/// [`super::decompose_with`] returns.
///
/// # Examples
/// ```
/// use couplings::{check_padded, Mode, Options, exact::Matrix};
/// use couplings::construct::pad::decompose_padded;
/// // det = -2 < 0: no positive unpadded decomposition exists, but with padding:
/// let t = Matrix::from_i64(&[&[1, 2, 0], &[0, 1, 3], &[1, 0, 1]]);
/// let options = Options { mode: Mode::Positive, ..Options::default() };
/// let padded = decompose_padded(&t, 3, &options).unwrap();
/// assert_eq!((padded.len(), padded.decomposition.split.n()), (3, 6));
/// assert!(check_padded(&t, &padded).is_ok());
/// ```
pub fn decompose_padded(
    matrix: &Matrix,
    pad: usize,
    options: &Options,
) -> Result<PaddedDecomposition, DecomposeError> {
    decompose_padded_traced(matrix, pad, options).map(|(d, _)| d)
}

/// Like [`decompose_padded`], also saying which construction was used.
///
/// # Errors
/// See [`decompose_padded`].
pub fn decompose_padded_traced(
    matrix: &Matrix,
    pad: usize,
    options: &Options,
) -> Result<(PaddedDecomposition, Trace), DecomposeError> {
    if pad == 0 {
        let (decomposition, trace) = super::decompose_traced(matrix, options)?;
        let padded = PaddedDecomposition {
            pad: 0,
            mask: None,
            decomposition,
        };
        return Ok((padded, trace));
    }
    let n = validate_padded(matrix, pad, options.split)?;
    let resolved_options;
    let options = if options.strategy == options.strategy.resolve_padded() {
        options
    } else {
        resolved_options = Options {
            strategy: options.strategy.resolve_padded(),
            ..options.clone()
        };
        &resolved_options
    };
    crate::progress::stage("exact inverse (fraction-free Gauss-Jordan)");
    let t_inv = matrix
        .inverse()
        .map_err(|s| DecomposeError::Singular { kernel: s.kernel })?;
    crate::progress::stage(&format!(
        "padded construction ({} strategy, pad {pad})",
        options.strategy.name()
    ));
    let best = candidates(matrix, &t_inv, pad, options)?;
    let padded = PaddedDecomposition {
        pad,
        mask: best.mask.clone(),
        decomposition: Decomposition {
            split: best.split,
            mode: options.mode,
            layers: best.chain,
        }
        .normalized(),
    };
    crate::progress::stage(&format!(
        "verifying the first {n} columns of the product of {} layers exactly",
        padded.len()
    ));
    verify(matrix, &padded, best.construction)?;
    Ok((padded, Trace::plain(best.construction)))
}

/// Checks the pad and the requested split; returns `n`.
fn validate_padded(
    matrix: &Matrix,
    pad: usize,
    split: Option<Split>,
) -> Result<usize, DecomposeError> {
    let n = super::require_square(matrix)?;
    let limit = n.saturating_mul(MAX_PAD_FACTOR);
    if pad > limit {
        return Err(DecomposeError::UnsupportedPadding {
            pad,
            n,
            reason: format!(
                "the pad may be at most {MAX_PAD_FACTOR} n = {limit}: padding beyond n changes \
                 neither the depth nor the conditioning (docs/padding.md), the extra \
                 coordinates stay idle"
            ),
        });
    }
    let total = n + pad;
    if let Some(s) = split
        && (s.first == 0 || s.second == 0 || s.first.checked_add(s.second) != Some(total))
    {
        return Err(DecomposeError::UnsupportedPadding {
            pad,
            n,
            reason: format!(
                "the split ({}, {}) does not fit: with pad {pad} the layers act on n + pad = \
                 {total} coordinates, so the parts must be non-empty and add up to {total} \
                 (for example ({n}, {pad}))",
                s.first, s.second
            ),
        });
    }
    Ok(n)
}

/// The construction-side exact verification.
fn verify(
    matrix: &Matrix,
    padded: &PaddedDecomposition,
    construction: Construction,
) -> Result<(), DecomposeError> {
    let split = padded.decomposition.split;
    let mode = padded.decomposition.mode;
    for l in &padded.decomposition.layers {
        if let Err(e) = l.validate(split, mode) {
            return Err(DecomposeError::Internal(format!(
                "the {construction} construction produced a malformed layer: {e}"
            )));
        }
    }
    if padded.first_columns() != expected_columns(matrix, padded) {
        return Err(DecomposeError::Internal(format!(
            "the {construction} construction produced layers whose first columns differ from \
             [[T], [0]]"
        )));
    }
    Ok(())
}

/// `[[Π T Π^-1], [0]]` for the padded decomposition's order and pad.
fn expected_columns(matrix: &Matrix, padded: &PaddedDecomposition) -> Matrix {
    let order = padded.order();
    let n = matrix.rows();
    let mut out = Matrix::zeros(n + padded.pad, n);
    for i in 0..n {
        for j in 0..n {
            out.set(i, j, matrix.get(order[i], order[j]).clone());
        }
    }
    out
}

/// The conditioned candidates for `pad >= n`: the scaled three layers, and the
/// five-layer split chain when its predicted worst layer condition number is
/// at most half the three-layer one.
fn conditioned_best(t: &Matrix, t_inv: &Matrix, pad: usize) -> Vec<Candidate> {
    let tf = crate::exact::to_float(t);
    let Some((scalars, conds)) = scaled::choose(&tf) else {
        return vec![three::chain(t, t_inv, pad)];
    };
    let worst3 = conds.iter().cloned().fold(1.0, f64::max);
    let three = Candidate {
        chain: scaled::layers(t, t_inv, &scalars, pad),
        split: Split::new(t.rows(), pad),
        mask: None,
        construction: Construction::PaddedScaled,
    };
    match split_five::chain(t, t_inv, pad) {
        Some((five, worst5)) if worst5 <= worst3 / 2.0 => vec![five],
        _ => vec![three],
    }
}

/// The best candidate for the strategy (fewest layers, then fewest bits).
fn candidates(
    t: &Matrix,
    t_inv: &Matrix,
    pad: usize,
    options: &Options,
) -> Result<Candidate, DecomposeError> {
    let n = t.rows();
    let mode = options.mode;
    let wanted = options.split;
    let fits = |s: Split| wanted.is_none_or(|w| w == s);
    let mut found: Vec<Candidate> = Vec::new();
    let mut tried: Vec<String> = Vec::new();
    // 0 or 1 layer: T = I, or T diagonal (positive diagonal in positive mode).
    if fits(Split::new(n, pad))
        && let Some(c) = trivial(t, pad, mode)
    {
        return Ok(c);
    }
    match options.strategy {
        // Auto is resolved to shallow by the caller (`Strategy::resolve_padded`).
        Strategy::Auto | Strategy::Shallow => {
            if pad >= n && fits(Split::new(n, pad)) {
                found.push(three::chain(t, t_inv, pad));
            }
            if pad < n {
                shallow_below_n(t, t_inv, pad, options, &mut found, &mut tried);
            }
        }
        // Compact pads like balanced: both ask for small entries, and the
        // padded chains have entries of T and T^-1 only.
        Strategy::Balanced | Strategy::Compact => {
            if pad >= n && fits(Split::new(n, pad)) {
                found.push(three::chain(t, t_inv, pad));
            } else if fits(Split::new(n, pad)) {
                found.extend(chunked::best(t, t_inv, pad, options));
            }
            tried.push(format!(
                "({n}, {pad}) (the chunked and three-layer constructions)"
            ));
        }
        Strategy::Conditioned => {
            if pad >= n {
                if fits(Split::new(n, pad)) {
                    found.extend(conditioned_best(t, t_inv, pad));
                }
                tried.push(format!("({n}, {pad})"));
            } else {
                let s = Split::halves(n + pad);
                if fits(s) {
                    found.extend(completion::chain(t, pad, options, Strategy::Conditioned)?);
                }
                tried.push(format!("({}, {})", s.first, s.second));
                // The conditioned core needs an even-sized completion; when it
                // cannot have one (odd n + K, positive mode, det T < 0), the
                // shallow constructions still give an exact chain.
                if found.is_empty() {
                    shallow_below_n(t, t_inv, pad, options, &mut found, &mut tried);
                }
            }
        }
    }
    found
        .into_iter()
        .min_by_key(Candidate::cost)
        .ok_or_else(|| DecomposeError::UnsupportedPadding {
            pad,
            n,
            reason: match wanted {
                Some(w) => format!(
                    "no padded construction of the {} strategy uses the split ({}, {}); the \
                     splits it builds for this pad: {}",
                    options.strategy.name(),
                    w.first,
                    w.second,
                    if tried.is_empty() {
                        format!("({n}, {pad})")
                    } else {
                        tried.join(", ")
                    }
                ),
                None => format!(
                    "the {} strategy found no padded construction",
                    options.strategy.name()
                ),
            },
        })
}

/// The shallow search for `K < n`: three-layer chains (near-halves with a
/// mask, the exact decision on every split for small `N`), chunked chains,
/// and the completion when nothing shorter than five layers was found.
fn shallow_below_n(
    t: &Matrix,
    t_inv: &Matrix,
    pad: usize,
    options: &Options,
    found: &mut Vec<Candidate>,
    tried: &mut Vec<String>,
) {
    let n = t.rows();
    let wanted = options.split;
    let fits = |s: Split| wanted.is_none_or(|w| w == s);
    let total = n + pad;
    let three_found = |found: &Vec<Candidate>| found.iter().any(|c| c.cost().0 <= 3);
    if fits(Split::new(n, pad)) {
        found.extend(chunked::best(t, t_inv, pad, options));
    }
    tried.push(format!("({n}, {pad})"));
    if n >= 2 && !three_found(found) {
        let s = Split::new(n - 1, pad + 1);
        if fits(s) {
            found.extend(near_halves::chain(t, t_inv, pad, options.mode));
        }
        tried.push(format!("({}, {})", s.first, s.second));
    }
    if total <= SEARCH_MAX_N && !three_found(found) {
        for p in 1..n {
            let s = Split::new(p, total - p);
            if !fits(s) {
                continue;
            }
            if let Some(c) = decide::three_layers_at(t, t_inv, pad, p, options.mode) {
                found.push(c);
                break;
            }
        }
    }
    let best = found.iter().map(|c| c.cost().0).min().unwrap_or(usize::MAX);
    if best > 5 && total <= SEARCH_MAX_N {
        let s = completion::split_for(n, pad, options.mode, t);
        if fits(s)
            && let Ok(Some(c)) = completion::chain(t, pad, options, Strategy::Shallow)
        {
            found.push(c);
        }
        tried.push(format!("({}, {})", s.first, s.second));
    }
}

/// `T = I` (no layer) or `T` diagonal (one upper layer `U(0, T)` on `(n | K)`).
fn trivial(t: &Matrix, pad: usize, mode: Mode) -> Option<Candidate> {
    let n = t.rows();
    if !t.is_diagonal() {
        return None;
    }
    let diag = t.diagonal();
    if mode == Mode::Positive && diag.iter().any(|x| !x.is_positive()) {
        return None;
    }
    let chain = if t.is_identity() {
        Vec::new()
    } else {
        vec![Layer::upper(Matrix::zeros(n, pad), diag)]
    };
    Some(Candidate {
        chain,
        split: Split::new(n, pad),
        mask: None,
        construction: Construction::PaddedTrivial,
    })
}

/// `a` (`r x c`) with zero rows appended to `rows` rows.
pub(crate) fn pad_rows(a: &Matrix, rows: usize) -> Matrix {
    let mut out = Matrix::zeros(rows, a.cols());
    for i in 0..a.rows() {
        for j in 0..a.cols() {
            out.set(i, j, a.get(i, j).clone());
        }
    }
    out
}

/// `a` (`r x c`) with zero columns appended to `cols` columns.
pub(crate) fn pad_cols(a: &Matrix, cols: usize) -> Matrix {
    let mut out = Matrix::zeros(a.rows(), cols);
    for i in 0..a.rows() {
        for j in 0..a.cols() {
            out.set(i, j, a.get(i, j).clone());
        }
    }
    out
}

/// `m` minus `c` times the identity (square `m`).
pub(crate) fn minus_scalar(m: &Matrix, c: &Q) -> Matrix {
    let mut out = m.clone();
    for i in 0..m.rows() {
        out.set(i, i, m.get(i, i) - c);
    }
    out
}
