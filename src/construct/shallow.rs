//! The shallow strategy (the default, fewest layers): the search over the
//! constructions, shortest first (half/half split, block size `d = n / 2`):
//! 1. at most three layers ([`super::short`]): the closed forms, then (after
//!    the positive-mode balanced-sign diagonal) the complete exact decision;
//! 2. the five-layer core ([`super::five`]) on `T`, on `S T S` (swap of halves,
//!    when `T12` is invertible) and on block-permutation conjugates of both;
//! 3. six layers: one lower peel plus the core ([`super::peel::left_peel`]), on
//!    whichever of `T`, `T^-1`, `S T S`, `S T^-1 S` has an invertible top-left
//!    block (so: whenever `T11` or `T22` is invertible), deterministic and always
//!    successful; then a few seeded random peels for the remaining inputs;
//! 4. seven layers for every invertible `T`: a right peel that makes the top-left
//!    block invertible, then step 3 ([`super::peel::two_peels`]).
//!
//! Positive mode: the same, where the core's forced negative signs are split
//! evenly and removed by a balanced sign matrix (+2 layers), and shorter
//! sign-free candidates are preferred. Worst case 9 layers.

use super::blocks::{Blocks, Chain, Symmetry, conjugate_matrix, merged_len, unconjugate_chain};
use super::four::{self, Effort};
use super::rng::Rng;
use super::short::{self, Decision};
use super::{Construction, Options, Trace, five, peel, peel_four, six};
use crate::exact::{Matrix, Q};
use crate::layer::Mode;

/// Keeps the shortest candidate seen.
struct Best {
    chain: Option<(Chain, Trace)>,
}

impl Best {
    fn offer(&mut self, chain: Chain, trace: Trace) {
        let len = merged_len(&chain);
        if self.chain.as_ref().is_none_or(|(c, _)| merged_len(c) > len) {
            self.chain = Some((chain, trace));
        }
    }

    fn at_most(&self, len: usize) -> bool {
        self.chain
            .as_ref()
            .is_some_and(|(c, _)| merged_len(c) <= len)
    }
}

/// Number of seeded random block-permutation conjugates tried for the core.
const RANDOM_CONJUGATES: usize = 4;
/// Number of seeded random single peels tried when both diagonal blocks are singular.
const RANDOM_PEELS: usize = 4;

/// The shortest chain the search finds for `t` (invertible, half/half split),
/// given its inverse `t_inv` and, when the caller has it, `det T` (positive mode).
pub(super) fn search(
    t: &Matrix,
    t_inv: &Matrix,
    det: Option<&Q>,
    options: &Options,
) -> Option<(Chain, Trace)> {
    let mode = options.mode;
    let positive = mode == Mode::Positive;
    let d = t.rows() / 2;
    let mut best = Best { chain: None };
    let trace = |construction, symmetry, sign_fix| Trace {
        construction,
        symmetry,
        sign_fix,
    };
    let acceptable = |c: &Chain| !positive || short::all_positive(c);

    // Tier 1: at most three layers.
    if t.is_identity() {
        return Some((Vec::new(), Trace::plain(Construction::Identity)));
    }
    let pair = [Symmetry::Identity, Symmetry::Swap];
    for g in pair {
        let b = Blocks::of(&g.apply(t, t_inv));
        if let Some(c) = short::one_layer(&b).filter(|c| acceptable(c)) {
            return Some((g.restore(c), trace(Construction::OneLayer, g, false)));
        }
    }
    for g in pair {
        let b = Blocks::of(&g.apply(t, t_inv));
        if let Some(c) = short::two_layers_ul(&b).filter(|c| acceptable(c)) {
            return Some((g.restore(c), trace(Construction::TwoLayers, g, false)));
        }
    }
    for g in pair {
        let b = Blocks::of(&g.apply(t, t_inv));
        if let Ok(n) = b.t21.inverse()
            && let Some(c) = short::three_layers_ulu(&b, &n, positive)
        {
            return Some((g.restore(c), trace(Construction::ThreeLayers, g, false)));
        }
    }

    // Positive mode: diagonal targets with balanced signs take four layers.
    if positive && let Some(c) = five::balanced_diagonal(t) {
        return Some((c, Trace::plain(Construction::BalancedSigns)));
    }

    // The complete decision for at most three layers (singular blocks included).
    if let Decision::Found { layers, .. } = short::decide(t, mode, det) {
        return Some((layers, Trace::plain(Construction::ThreeLayersDecided)));
    }

    // Tier 1b: four layers (closed forms at d = 2, a bounded search at d = 3,
    // the triangular criterion at every d).
    if let Some((c, g, method)) = four::search(t, t_inv, positive, Effort::default(), options.seed)
    {
        return Some((c, trace(Construction::FourLayers { method }, g, false)));
    }

    // Tier 2: the five-layer core on T and S T S, and block-permutation conjugates.
    let mut rng = Rng::new(options.seed);
    let id: Vec<usize> = (0..d).collect();
    let rev: Vec<usize> = (0..d).rev().collect();
    let mut perms = vec![
        (id.clone(), id.clone()),
        (rev.clone(), rev.clone()),
        (rev.clone(), id.clone()),
        (id.clone(), rev.clone()),
    ];
    for _ in 0..RANDOM_CONJUGATES {
        perms.push((rng.permutation(d), rng.permutation(d)));
    }
    for g in pair {
        let gt = g.apply(t, t_inv);
        if Blocks::of(&gt).t21.det() == Q::from_integer(0.into()) {
            continue;
        }
        for (p1, p2) in &perms {
            let b = Blocks::of(&conjugate_matrix(&gt, p1, p2));
            let Some(plan) = five::plan(&b) else { continue };
            let clean = plan.forced_negative() == 0;
            // Positive mode: once a candidate with the sign fix exists, only a
            // sign-free core can improve on it, so skip building the others.
            if positive && !clean && best.at_most(7) {
                continue;
            }
            let Some(c) = five::build(&b, &plan, mode) else {
                continue;
            };
            let c = g.restore(unconjugate_chain(c, p1, p2));
            best.offer(c, trace(Construction::FiveLayerCore, g, positive && !clean));
            if best.at_most(5) {
                return best.chain;
            }
        }
    }

    // Tier 2b: a peel and four layers (five layers where the core does not
    // apply, or needs the positive-mode sign fix).
    if let Some((c, g)) = peel_four::peel_four(t, t_inv, positive, options.seed) {
        best.offer(c, trace(Construction::PeelFour, g, false));
        if best.at_most(5) {
            return best.chain;
        }
    }

    // Tier 2c (n = 4): a unit peel from a small grid, then four layers.
    if let Some(c) = peel_four::grid_peel_four(t, positive, options.seed) {
        best.offer(c, Trace::plain(Construction::GridPeelFour));
        if best.at_most(5) {
            return best.chain;
        }
    }

    // Tier 3: one peel (deterministic when a diagonal block is invertible).
    for g in Symmetry::ALL {
        let gt = g.apply(t, t_inv);
        let b = Blocks::of(&gt);
        if b.t11.det() == Q::from_integer(0.into()) {
            continue;
        }
        if let Some(c) = peel::left_peel(&b, mode, positive && best.at_most(8)) {
            let fixed = positive && merged_len(&c) > 6;
            best.offer(g.restore(c), trace(Construction::LeftPeel, g, fixed));
            if best.at_most(6) {
                return best.chain;
            }
        }
    }
    // Tier 3b: six layers for every matrix, in both modes.
    let det_t = det.cloned().unwrap_or_else(|| t.det());
    if let Some(c) = six::six_layers(t, t_inv, &det_t, positive, options.seed) {
        best.offer(c, Trace::plain(Construction::SixLayers));
        if best.at_most(6) {
            return best.chain;
        }
    }
    // Fallbacks (never expected to be needed: the six-layer search is bounded).
    for attempt in 0..RANDOM_PEELS {
        let g = Symmetry::ALL[attempt % 4];
        let b = Blocks::of(&g.apply(t, t_inv));
        let alpha = crate::exact::Matrix::from_vec(
            d,
            d,
            (0..d * d)
                .map(|_| crate::exact::qi(rng.range(-2, 2)))
                .collect(),
        );
        let clean_only = positive && best.at_most(8);
        if let Some((c, clean)) = peel::fixed_left_peel(&b, &alpha, mode, clean_only) {
            best.offer(
                g.restore(c),
                trace(Construction::RandomPeel, g, positive && !clean),
            );
            if best.at_most(6) {
                return best.chain;
            }
        }
    }
    if best.at_most(7) {
        return best.chain;
    }

    // Tier 4: two peels, always succeeds.
    if let Some(c) = peel::two_peels(&Blocks::of(t), mode) {
        let fixed = positive && merged_len(&c) > 7;
        best.offer(c, trace(Construction::TwoPeels, Symmetry::Identity, fixed));
    }
    best.chain
}
