//! The compact strategy (`Strategy::Compact`, `--strategy compact`): about
//! `3 log2 n` layers with entries a small multiple of the bit size of `T^-1`'s,
//! in both modes, for the half/half split (`docs/compact.md`).
//!
//! In matrix order, for an integer `T` (a rational one is `diag(r)^-1 T_int`, the
//! diagonal pushed into the last layers, `monomial::absorb_diagonal`):
//!
//! 1. **Preconditioner** (lemma `compact_precondition`):
//!    `T = L(R1) T' L(R3)`, `T' = L(-R1) T L(-R3)`, first `R1 = R3 = 0`, then
//!    seeded random entries in `[-2, 2]` (`R3` merges into the first layer, `R1`
//!    costs one) until `T'21` is invertible, the leading minors of `G` are
//!    nonzero and every level pair has full-rank blocks (24 tries;
//!    the last valid try is used with slot gadgets otherwise). The last third
//!    of the tries also shears on the left by an upper layer,
//!    `T' = L(-R1) U(-R0) T L(-R3)`, `T = U(R0) L(R1) T' L(R3)` (lower shears
//!    alone cannot help when `T12 = 0` and `T11` has a vanishing leading minor).
//! 2. **G-route** (`groute.rs`): `T' = U(X) L(R^-1) U(Y) diag(G, I)`.
//! 3. **Factor** (lemma `compact_factor`): `G = L_G D_G U_G` and
//!    `diag(G, I) = diag(L_G, U_G) diag(D_G, I) diag(U_G, U_G^-1)`; the last
//!    factor is one Whitehead gadget (positive mode with negative `D_G`: two
//!    sign gadgets, lemma `compact_sign_split`), the middle one a scaling layer.
//! 4. **Parallel crux** (`tree.rs`, `gadget.rs`): `diag(L_G, U_G)` is `h =
//!    ceil(log2 d)` gadgets; gadget `t` does level `h + 1 - t` of `L_G` on part 1
//!    and level `t` of `U_G` on part 2 in one conjugated Whitehead (a level
//!    without a full-rank partner falls back to slot gadgets).
//! 5. **Merging** (`merge.rs`): the orientations of the gadgets decide which
//!    neighbouring layers merge; [`MergePolicy`] bounds the entries that merging
//!    may create.
//!
//! Monomial inputs go to the routed permutation construction (`monomial.rs`).
//! Layers: `3h + 6` (h even) or `3h + 7` (h odd) in signed mode for generic
//! input, `+1` with a left preconditioner, `+3` in positive mode with negative
//! pivots; every merge refused by the policy costs one more ([`layer_bound`]).

mod gadget;
mod groute;
mod merge;
mod monomial;
mod tree;

use super::blocks::Chain;
use super::rng::Rng;
use super::{Construction, DecomposeError, Options, Strategy, Trace};
use crate::exact::{IntMatrix, Matrix, Q, lcm_of_denominators, qi};
use crate::layer::{Kind, Layer, Mode, Split};
use gadget::Op;
use merge::Cap;
use num_traits::{One, Signed};

/// How far the compact strategy merges neighbouring layers of one kind (each
/// merge saves a layer and may make the merged entries larger).
///
/// # Examples
/// ```
/// use couplings::construct::MergePolicy;
/// assert_eq!(MergePolicy::default(), MergePolicy::Capped);
/// assert_eq!(MergePolicy::Unmerged.name(), "none");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum MergePolicy {
    /// Every merge the orientations allow: the fewest layers.
    Full,
    /// Merges whose result stays within [`CAP_FACTOR`] times the bits of the
    /// largest entry of `(T^-1)_21` (which the construction computes as a layer
    /// anyway), or within the larger of the layers merged.
    #[default]
    Capped,
    /// No merge that makes an entry larger than the layers it joins: the
    /// smallest entries.
    Unmerged,
}

impl MergePolicy {
    /// Every policy, in the order of the CLI's help.
    pub const ALL: [MergePolicy; 3] = [
        MergePolicy::Full,
        MergePolicy::Capped,
        MergePolicy::Unmerged,
    ];

    /// The CLI name (`full`, `capped`, `none`).
    pub fn name(self) -> &'static str {
        match self {
            MergePolicy::Full => "full",
            MergePolicy::Capped => "capped",
            MergePolicy::Unmerged => "none",
        }
    }
}

/// The capped policy's bound: merged entries within this many times the bits
/// of the largest entry of `(T'^-1)_21`.
pub const CAP_FACTOR: u64 = 4;

/// Preconditioners tried (the first is `R1 = R3 = 0`).
const ATTEMPTS: u64 = 24;

/// The layer bound of the compact strategy on an input of size `n = 2d` for
/// which the first preconditioner works and every level pair has full-rank
/// blocks (generic input), with every merge allowed: `3h + 6` for even
/// `h = ceil(log2 d)`, `3h + 7` for odd `h` (signed mode; `+3` in positive mode
/// when `D_G` has negative entries). `docs/compact.md` has the proof and what
/// the other cases add.
///
/// # Examples
/// ```
/// use couplings::{Mode, construct::compact::layer_bound};
/// assert_eq!(layer_bound(128, Mode::Signed), 24);
/// assert_eq!(layer_bound(256, Mode::Signed), 28);
/// assert_eq!(layer_bound(16, Mode::Positive), 19);
/// ```
pub fn layer_bound(n: usize, mode: Mode) -> usize {
    let h = tree::height(n / 2);
    if h == 0 {
        return 4 + usize::from(mode == Mode::Positive) * 4;
    }
    let signed = 3 * h + 6 + h % 2;
    match mode {
        Mode::Signed => signed,
        Mode::Positive => signed + 3,
    }
}

/// Layers (application order) of the compact strategy for `t`, and its trace.
pub(crate) fn chain(t: &Matrix, options: &Options) -> Result<(Chain, Trace), DecomposeError> {
    let n = t.rows();
    let unsupported = |reason: &str| DecomposeError::UnsupportedStrategy {
        strategy: Strategy::Compact,
        reason: reason.into(),
    };
    if n % 2 == 1 || options.split.is_some_and(|s| s != Split::halves(n)) {
        return Err(unsupported(
            "the compact G-route needs two equal halves (even n and the default split); \
             odd n and other splits go through the hub construction (docs/splits.md)",
        ));
    }
    if let Some(c) = monomial::chain(t, options.mode) {
        return Ok((c, Trace::plain(Construction::CompactMonomial)));
    }
    let d = n / 2;
    // T = diag(r)^-1 T_int.
    let r: Vec<Q> = (0..n)
        .map(|i| Q::from_integer(lcm_of_denominators(t.row(i).iter())))
        .collect();
    let t_int = t.scale_rows(&r);
    let (lower, upper) = (tree::lower_levels(d), tree::upper_levels(d));
    let mut rng = Rng::new(options.seed);
    let mut fallback: Option<Plan> = None;
    for attempt in 0..ATTEMPTS {
        let random = |rng: &mut Rng| {
            Matrix::from_vec(d, d, (0..d * d).map(|_| qi(rng.range(-2, 2))).collect())
        };
        let r3 = if attempt == 0 {
            Matrix::zeros(d, d)
        } else {
            random(&mut rng)
        };
        let r1 = if attempt < ATTEMPTS / 3 {
            Matrix::zeros(d, d)
        } else {
            random(&mut rng)
        };
        // The last third also shears on the left by an upper layer: lower
        // shears alone leave T11 and T12 (so G, when T12 = 0) unchanged.
        let r0 = if attempt < 2 * ATTEMPTS / 3 {
            Matrix::zeros(d, d)
        } else {
            random(&mut rng)
        };
        if attempt > 0 {
            crate::progress::stage(&format!(
                "compact: preconditioner attempt {} (R1 {}, R3 random)",
                attempt + 1,
                if r1.is_zero() { "zero" } else { "random" }
            ));
        }
        // lemma: compact_precondition (T' = L(-R1) T L(-R3))
        let split = Split::new(d, d);
        let mut tp = t_int.clone();
        if !r3.is_zero() {
            tp = &tp * &Layer::unit(Kind::Lower, -&r3).to_matrix(split);
        }
        if !r0.is_zero() {
            // T = U(R0) (U(-R0) T): one more upper layer at the end, which
            // merges with the G-route's last one when R1 = 0; the product is
            // verified exactly like every chain.
            tp = Layer::unit(Kind::Upper, -&r0).apply_matrix(&tp);
        }
        if !r1.is_zero() {
            tp = Layer::unit(Kind::Lower, -&r1).apply_matrix(&tp);
        }
        let tp_int = IntMatrix::from_matrix(&tp).expect("integer preconditioners");
        let Some(parts) = groute::prepare(&tp_int, &lower, &upper) else {
            if attempt == 0 && t_int.rank() < n {
                let kernel = t.kernel_vector().expect("a singular matrix has a kernel");
                return Err(DecomposeError::Singular { kernel });
            }
            continue;
        };
        let plan = Plan::new(parts, r0, r1, r3);
        if plan.pure {
            fallback = Some(plan);
            break;
        }
        if fallback.is_none() {
            fallback = Some(plan);
        }
    }
    let Some(plan) = fallback else {
        return Err(DecomposeError::Internal(
            "no preconditioner made T'21 invertible with nonzero leading minors of G".into(),
        ));
    };
    if options.mode == Mode::Positive
        && plan.parts.scale.iter().filter(|s| s.is_negative()).count() % 2 == 1
    {
        // det T = det G, so this only happens for det T < 0 (refused earlier).
        return Err(DecomposeError::Internal(
            "an odd number of negative pivots in positive mode".into(),
        ));
    }
    crate::progress::stage("compact: gadgets and merges");
    let preconditioned = !plan.r0.is_zero() || !plan.r1.is_zero() || !plan.r3.is_zero();
    let mut layers = plan.assemble(options)?;
    let inv_r: Vec<Q> = r.iter().map(Q::recip).collect();
    monomial::absorb_diagonal(&mut layers, &inv_r[..d], &inv_r[d..]);
    Ok((
        layers,
        Trace::plain(Construction::Compact { preconditioned }),
    ))
}

/// One level pair of the crux: a conjugated Whitehead, or slot gadgets for the
/// levels that have no full-rank partner (zero levels are skipped).
enum Pair {
    Conjugated(gadget::Conjugator),
    Slots(Vec<(Op, usize)>),
}

/// A prepared input with its crux plan.
struct Plan {
    parts: groute::Parts,
    r0: Matrix,
    r1: Matrix,
    r3: Matrix,
    pairs: Vec<Pair>,
    /// Whether every pair is conjugated (or empty).
    pure: bool,
}

impl Plan {
    fn new(parts: groute::Parts, r0: Matrix, r1: Matrix, r3: Matrix) -> Plan {
        let h = parts.lower.len();
        let mut pairs = Vec::with_capacity(h);
        let mut pure = true;
        for t in 1..=h {
            let (x, y) = (&parts.lower[h - t], &parts.upper[t - 1]);
            match (x.is_zero(), y.is_zero()) {
                (true, true) => continue,
                (false, false) => {
                    if let Some(c) = gadget::conjugator(x, y) {
                        pairs.push(Pair::Conjugated(c));
                        continue;
                    }
                }
                _ => {}
            }
            pure = false;
            let slots = [(x, 1), (y, 2)]
                .into_iter()
                .filter(|(op, _)| !op.is_zero())
                .map(|(op, part)| (op.clone(), part))
                .collect();
            pairs.push(Pair::Slots(slots));
        }
        Plan {
            parts,
            r0,
            r1,
            r3,
            pairs,
            pure,
        }
    }

    /// The segments in application order and the merged chain.
    fn assemble(self, options: &Options) -> Result<Chain, DecomposeError> {
        let d = self.r1.rows();
        let split = Split::new(d, d);
        let p = &self.parts;
        let fixed = |l: Layer| -> Vec<Vec<Layer>> { vec![vec![l]] };
        let both = |f: &dyn Fn(usize) -> Vec<Layer>| -> Vec<Vec<Layer>> { vec![f(0), f(1)] };
        let mut segments: Vec<Vec<Vec<Layer>>> = Vec::new();
        if !self.r3.is_zero() {
            segments.push(fixed(Layer::unit(Kind::Lower, self.r3.clone())));
        }
        let negatives: Vec<bool> = p.scale.iter().map(Signed::is_negative).collect();
        let positive = options.mode == Mode::Positive;
        // lemma: compact_factor
        if positive && negatives.iter().any(|&b| b) {
            // lemma: compact_sign_split
            segments.push(both(&|o| {
                gadget::sign_gadgets(&p.u, &p.u_inv, &negatives, (o, 0)).0
            }));
            segments.push(both(&|o| {
                gadget::sign_gadgets(&p.u, &p.u_inv, &negatives, (0, o)).1
            }));
        } else if !p.u.is_identity() {
            // lemma: compact_whitehead
            segments.push(both(&|o| gadget::whitehead(&p.u, &p.u_inv, o)));
        }
        let scale: Vec<Q> = if positive {
            p.scale.iter().map(Signed::abs).collect()
        } else {
            p.scale.clone()
        };
        if !scale.iter().all(One::is_one) {
            segments.push(fixed(Layer::scaling(Kind::Upper, split, scale)));
        }
        for pair in &self.pairs {
            match pair {
                // lemma: compact_pair
                Pair::Conjugated(c) => segments.push(both(&|o| gadget::level_pair(c, o))),
                Pair::Slots(ops) => {
                    for (op, part) in ops {
                        // lemma: compact_slot
                        segments.push(both(&|v| gadget::slot(op, *part, v)));
                    }
                }
            }
        }
        // lemma: compact_g_route (U(Y), L(R^-1), U(X) in application order)
        for (kind, m) in [
            (Kind::Upper, &p.y),
            (Kind::Lower, &p.a),
            (Kind::Upper, &p.x),
        ] {
            if !m.is_zero() {
                segments.push(fixed(Layer::unit(kind, m.clone())));
            }
        }
        if !self.r1.is_zero() {
            segments.push(fixed(Layer::unit(Kind::Lower, self.r1.clone())));
        }
        if !self.r0.is_zero() {
            segments.push(fixed(Layer::unit(Kind::Upper, self.r0.clone())));
        }
        let cap = match options.merge {
            MergePolicy::Full => Cap::Unlimited,
            MergePolicy::Capped => Cap::Bits(CAP_FACTOR * p.a.max_bits()),
            MergePolicy::Unmerged => Cap::Bits(0),
        };
        Ok(merge::choose(&segments, cap))
    }
}
