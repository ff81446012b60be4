//! Markdown walkthroughs of a decomposition: for each step of the construction
//! that [`crate::construct::decompose_traced`] reports, what is computed and why
//! (the lemma in `proofs/` or the section of `docs/construction.md`), the
//! intermediate matrices in LaTeX (KaTeX-compatible `pmatrix`), and the claim
//! that was verified *by the code that writes the walkthrough*; then the layer
//! list, the independent product check, the bit sizes and the float64 condition
//! number of every layer.
//!
//! The intermediate quantities are recomputed here from the target (the
//! construction does not export them); every "verified" line is the result of a
//! computation in this module, and a claim that does not hold is printed as such.
//! Matrices larger than 8x8 are summarised (shape, largest entry in bits, the
//! top-left 4x4 corner).
//!
//! # Examples
//! ```
//! use couplings::{Options, exact::Matrix, explain::explain};
//! let t = Matrix::from_i64(&[&[1, 2, 0, 1], &[0, 1, 3, 0], &[2, 0, 1, 1], &[1, 1, 0, 2]]);
//! let md = explain(&t, &Options::default(), "example").unwrap();
//! assert!(md.contains("## 4. Layers"));
//! assert!(md.contains("Verified by the independent checker"));
//! ```

use crate::analysis;
use crate::check::check;
use crate::construct::blocks::{Blocks, Symmetry, conjugate_matrix};
use crate::construct::{DecomposeError, Options, Trace, decompose_traced};
use crate::exact::{Matrix, Q, bits, fmt_q, triangular_inverse, ul_unit_lower};
use crate::layer::{Decomposition, Kind, Layer, Mode, Split};
use num_traits::{Signed, Zero};

/// Largest matrix dimension written out in full.
pub const FULL_UP_TO: usize = 8;
/// Entries with more characters than this are abbreviated in LaTeX.
const LONG_ENTRY: usize = 40;

/// The proof file that states a lemma (for the lemmas the walkthroughs name).
pub fn lemma_file(lemma: &str) -> &'static str {
    match lemma {
        "core_reduce" | "two_layer_ul" | "two_layer_lu" | "three_layer_ulu" | "ulu_solution" => {
            "proofs/short_products.proof"
        }
        "core_triangular_pair"
        | "core_lam_from_u"
        | "triangular_similarity"
        | "core_solution"
        | "core_e1_is_delta" => "proofs/core.proof",
        "peel_left_x" | "peel_left_r" | "peel_left_m" | "peel_line" | "peel_right"
        | "peel_left" => "proofs/peel.proof",
        "left_peel_six" | "two_peels_seven" => "proofs/peel_chains.proof",
        "sign_extraction" | "positive_core" => "proofs/positive.proof",
        "block_diag_four" => "proofs/rotation.proof",
        "swap_target" | "swap_chain" | "chain_inverse" | "permutation_conjugation" => {
            "proofs/symmetry.proof"
        }
        "merge_lower" | "merge_upper" => "proofs/layers.proof",
        _ => "proofs/",
    }
}

/// Every lemma name a walkthrough may cite (tests check they exist in their file).
pub const CITED_LEMMAS: &[&str] = &[
    "core_reduce",
    "two_layer_ul",
    "two_layer_lu",
    "three_layer_ulu",
    "ulu_solution",
    "core_triangular_pair",
    "core_lam_from_u",
    "triangular_similarity",
    "core_solution",
    "core_e1_is_delta",
    "peel_left_x",
    "peel_left_r",
    "peel_left_m",
    "peel_line",
    "peel_right",
    "peel_left",
    "left_peel_six",
    "two_peels_seven",
    "sign_extraction",
    "positive_core",
    "block_diag_four",
    "swap_target",
    "swap_chain",
    "chain_inverse",
    "permutation_conjugation",
];

fn lemma(name: &str) -> String {
    format!("lemma `{name}` (`{}`)", lemma_file(name))
}

/// LaTeX for one exact rational.
pub fn latex_q(x: &Q) -> String {
    let s = fmt_q(x);
    if s.len() > LONG_ENTRY {
        let sign = if x.is_negative() { "-" } else { "" };
        return format!("{sign}\\langle {}\\text{{ bits}}\\rangle", bits(x));
    }
    match s.split_once('/') {
        None => s,
        Some((p, q)) => match p.strip_prefix('-') {
            Some(p) => format!("-\\frac{{{p}}}{{{q}}}"),
            None => format!("\\frac{{{p}}}{{{q}}}"),
        },
    }
}

fn pmatrix(m: &Matrix) -> String {
    let rows: Vec<String> = (0..m.rows())
        .map(|i| m.row(i).iter().map(latex_q).collect::<Vec<_>>().join(" & "))
        .collect();
    format!(
        "\\begin{{pmatrix}} {} \\end{{pmatrix}}",
        rows.join(" \\\\ ")
    )
}

/// A display-math block `name = matrix`, or a summary for matrices larger than
/// [`FULL_UP_TO`].
pub fn latex_matrix(name: &str, m: &Matrix) -> String {
    if m.rows() == 0 || m.cols() == 0 {
        return format!("${name}$ is empty.\n\n");
    }
    if m.rows() <= FULL_UP_TO && m.cols() <= FULL_UP_TO {
        return format!("$$\n{name} = {}\n$$\n\n", pmatrix(m));
    }
    let corner = m.block(0, 0, m.rows().min(4), m.cols().min(4));
    format!(
        "${name}$ is {}x{} (summarised): largest entry {} bits; top-left corner\n\n$$\n{}\n$$\n\n",
        m.rows(),
        m.cols(),
        m.max_bits(),
        pmatrix(&corner)
    )
}

fn yes(b: bool) -> &'static str {
    if b { "yes" } else { "NO" }
}

fn layer_matrix(l: &Layer, d: usize) -> Matrix {
    l.to_matrix(Split::new(d, d))
}

/// `L(A, I)` / `U(B, I)` as a `2d x 2d` matrix.
fn unit(kind: Kind, shift: &Matrix) -> Matrix {
    let d = shift.rows();
    layer_matrix(&Layer::unit(kind, shift.clone()), d)
}

/// Writes a walkthrough of decomposing `target` with `options`; `name` is how the
/// input is referred to (e.g. its path).
///
/// # Errors
/// Whatever [`decompose_traced`] refuses.
pub fn explain(target: &Matrix, options: &Options, name: &str) -> Result<String, DecomposeError> {
    let (dec, trace) = decompose_traced(target, options)?;
    Ok(explain_decomposition(target, &dec, &trace, name))
}

/// Writes the walkthrough for a decomposition already computed with
/// [`decompose_traced`] (the trace names the construction).
pub fn explain_decomposition(
    target: &Matrix,
    dec: &Decomposition,
    trace: &Trace,
    name: &str,
) -> String {
    if dec.split.first != dec.split.second {
        return crate::explain_split::explain_unequal(target, dec, name);
    }
    let mut w = Writer::default();
    let n = target.rows();
    let d = n / 2;
    let mode = dec.mode;
    w.line(&format!("# Walkthrough: `{name}` ({} mode)\n", mode.name()));
    w.line(&format!(
        "Generated by `couplings explain {name} --mode {}{}` (library: `couplings::explain::explain`). \
         Every \"verified\" statement below was computed by the code that wrote this file; the \
         theory is in [`docs/guide.md`](../guide.md) and [`docs/construction.md`](../construction.md). \
         Layers are listed in the order they act: for layers M1, ..., MK the product is MK ... M1.\n",
        mode.name(),
        ["balanced", "conditioned"]
            .iter()
            .find(|s| trace.strategy.starts_with(**s))
            .map_or(String::new(), |s| format!(" --strategy {s}"))
    ));

    // 1. Input.
    w.line("## 1. The input\n");
    let det = target.det();
    w.line(&format!(
        "`T` is {n}x{n}, split into halves of size d = {d}; its entries have at most {} bits.\n",
        target.max_bits()
    ));
    w.push(&latex_matrix("T", target));
    w.line(&format!(
        "- Verified: det T = {} (exact), so T is invertible{}.\n",
        short(&det),
        if mode == Mode::Positive {
            if det.is_positive() {
                "; det T > 0, which positive mode needs (every layer with positive scales has \
                 positive determinant, see the guide)"
            } else {
                "; det T <= 0, so no positive-mode decomposition exists"
            }
        } else {
            ""
        }
    ));

    // 2. Strategy.
    w.line("## 2. Which construction applies\n");
    w.line(&format!(
        "{} and reports: **{}**, run on **{}**{}.\n",
        if trace.strategy.starts_with("balanced") {
            "`decompose --strategy balanced` builds small-entry layers (`docs/performance.md`)"
        } else if trace.strategy.starts_with("conditioned") {
            "`decompose --strategy conditioned` builds well-conditioned layers \
             (`docs/conditioning.md`)"
        } else {
            "`decompose` tries the constructions shortest first (`docs/construction.md`, tiers 1-4)"
        },
        trace.strategy,
        symmetry_name(trace.symmetry),
        if trace.sign_fix {
            ", with the positive-mode sign fix"
        } else {
            ""
        }
    ));
    let t_inv = target.inverse().ok();
    let g = match &t_inv {
        Some(inv) => trace.symmetry.apply(target, inv),
        None => target.clone(),
    };
    if trace.symmetry != Symmetry::Identity {
        w.line(&format!(
            "The construction runs on G = {} and maps its layers back to layers for T \
             (\"Free moves\" in `docs/construction.md`; {}, {}): a swap of halves exchanges lower \
             and upper layers, an inverse reverses the list and inverts each layer.\n",
            symmetry_name(trace.symmetry),
            lemma("swap_chain"),
            lemma("chain_inverse")
        ));
        w.push(&latex_matrix("G", &g));
    } else {
        w.line("Below, G = T.\n");
    }
    let b = Blocks::of(&g);
    w.line("The blocks of G:\n");
    w.push(&latex_matrix("G_{11}", &b.t11));
    w.push(&latex_matrix("G_{12}", &b.t12));
    w.push(&latex_matrix("G_{21}", &b.t21));
    w.push(&latex_matrix("G_{22}", &b.t22));
    let invertible = |m: &Matrix| !m.det().is_zero();
    w.line(&format!(
        "- Verified: G11 is {}invertible, G12 is {}invertible, G21 is {}invertible, G22 is {}invertible.\n",
        not(invertible(&b.t11)),
        not(invertible(&b.t12)),
        not(invertible(&b.t21)),
        not(invertible(&b.t22))
    ));

    // 3. Steps.
    w.line("## 3. The steps\n");
    match trace.strategy {
        "identity" => w.line("T is the identity: zero layers.\n"),
        "one layer" => w.line(
            "G already has the shape of one layer (`[[I, 0], [A, D]]` or `[[E, B], [0, I]]`), \
             tier 1 of `docs/construction.md`.\n",
        ),
        "two layers" => two_layers(&mut w, &b),
        "three layers" => three_layers(&mut w, &b),
        "five-layer core" => core_steps(&mut w, &b, "G"),
        "left peel + core" => left_peel_steps(&mut w, &b, "G"),
        "random peel + core" => {
            w.line(&format!(
                "Both diagonal blocks of T are singular, so the deterministic left peel does not \
                 apply; a seeded random lower peel `L(alpha)` with entries in [-2, 2] is tried \
                 ({}: `T' = L(-alpha) G`), and the five-layer core is run on `T'` \
                 (tier 3 of `docs/construction.md`). The random `alpha` is not recorded by the \
                 trace, so it is not recomputed here; it is one of the layers below.\n",
                lemma("peel_left")
            ));
        }
        "two peels + core" => two_peels_steps(&mut w, &b),
        "three layers (exact decision)" => w.line(
            "The closed forms above did not apply directly (a singular off-diagonal block), \
             and the complete decision for at most three layers (`docs/lower-bounds.md`, \
             Theorem 2; lemmas in `proofs/depth.proof`) found the product below; it is \
             verified by the independent checker in section 5.\n",
        ),
        "balanced LDU tree" | "balanced LDU tree (preconditioned)" => w.line(
            "The balanced strategy (`docs/performance.md`, \"The balanced strategy\"): one \
             fraction-free elimination gives a recursive block LDU factorisation of T (every \
             entry a ratio of two minors of T, so about the size of the inverse's entries); the \
             two root factors are one layer each, and inside each half every level of the \
             recursion costs four unit layers that borrow the other half as scratch space. \
             When a leading minor vanishes, the factorisation runs on a seeded random shear of \
             T (\"preconditioned\", two more layers). The intermediate factors are not \
             recomputed here; the product is verified by the independent checker in section 5.\n",
        ),
        "conditioned (approximation + exact core)" => w.line(
            "The conditioned strategy (`docs/conditioning.md`, \"How\"): a float least-squares \
             fit of seven unit layers approximates T up to a fixed rotation of the halves, its \
             entries are rounded to dyadic numbers with few bits, and the exact remainder \
             (close to a rotation of the halves, where the five-layer core is well conditioned) \
             is decomposed by the core with its free choices (the spectrum c_i, the scales) made \
             for conditioning. The float fit is not trusted: only the exact product counts, and \
             it is verified by the independent checker in section 5.\n",
        ),
        other => w.line(&format!(
            "(No walkthrough is written for the strategy `{other}`.)\n"
        )),
    }
    if trace.sign_fix {
        w.line("### Positive mode: moving the forced signs out\n");
        w.line(&format!(
            "The core's only scales are D1 and E1, and the signs of `Lam_ii U_ii` are forced. \
             Because det T > 0 the forced negative signs are even in number; half go to D1 and \
             half to E1, and {} rewrites `L(A1, D1) U(B1, E1)` as \
             `L(A1, |D1|) diag(S1, S2) U(S1 B1, |E1|)` with a balanced sign matrix. \
             `diag(S1, S2)` is, up to a block permutation, four unit layers ({}), two of which \
             merge with their neighbours: +2 layers ({}; positive mode in `docs/construction.md`).\n",
            lemma("sign_extraction"),
            lemma("block_diag_four"),
            lemma("positive_core")
        ));
    }

    // 4. Layers.
    layers_section(&mut w, target, dec);
    w.out
}

fn not(b: bool) -> &'static str {
    if b { "" } else { "not " }
}

fn short(x: &Q) -> String {
    let s = fmt_q(x);
    if s.len() <= 80 {
        s
    } else {
        format!("{}... ({} bits)", &s[..40], bits(x))
    }
}

fn symmetry_name(s: Symmetry) -> &'static str {
    match s {
        Symmetry::Identity => "T itself",
        Symmetry::Inverse => "T^-1",
        Symmetry::Swap => "S T S (halves swapped)",
        Symmetry::SwapInverse => "S T^-1 S",
    }
}

#[derive(Default)]
struct Writer {
    out: String,
}

impl Writer {
    fn line(&mut self, s: &str) {
        self.out.push_str(s);
        self.out.push('\n');
    }

    fn push(&mut self, s: &str) {
        self.out.push_str(s);
    }
}

fn two_layers(w: &mut Writer, b: &Blocks) {
    w.line(&format!(
        "Closed form ({}): `U(B, E) L(A, D) = [[E + B A, B D], [A, D]]`, so G is `U L` iff \
         G22 is diagonal (D = G22, A = G21) and `G11 - G12 G22^-1 G21` is diagonal (E), with \
         B = G12 D^-1 (tier 1 of `docs/construction.md`; {} for `L U`, reached by the swap).\n",
        lemma("two_layer_ul"),
        lemma("two_layer_lu")
    ));
    let diag = b.t22.is_diagonal();
    w.line(&format!("- Verified: G22 is diagonal: {}.", yes(diag)));
    if diag && let Ok(inv) = b.t22.inverse() {
        let e = &b.t11 - &(&(&b.t12 * &inv) * &b.t21);
        w.line(&format!(
            "- Verified: `G11 - G12 G22^-1 G21` is diagonal: {}.\n",
            yes(e.is_diagonal())
        ));
        w.push(&latex_matrix("E", &e));
    } else {
        w.line("");
    }
}

fn three_layers(w: &mut Writer, b: &Blocks) {
    let Ok(n) = b.t21.inverse() else {
        w.line("(G21 is singular; the three-layer closed form needs it invertible.)\n");
        return;
    };
    let r = &(&(&b.t11 * &n) * &b.t22) - &b.t12;
    w.line(&format!(
        "With `N := G21^-1` and `R := G11 N G22 - G12`, G is `U L U` iff `R = Delta N D` for \
         diagonal Delta and D ({}, {}); the diagonals are found by propagation over the \
         nonzero pattern (tier 1 of `docs/construction.md`).\n",
        lemma("three_layer_ulu"),
        lemma("ulu_solution")
    ));
    w.push(&latex_matrix("N", &n));
    w.push(&latex_matrix("R", &r));
    let same = (0..n.rows())
        .all(|i| (0..n.cols()).all(|j| n.get(i, j).is_zero() == r.get(i, j).is_zero()));
    w.line(&format!(
        "- Verified: N and R have the same zero pattern: {}.\n",
        yes(same)
    ));
}

/// The five-layer core on blocks `b` of the matrix called `who`.
fn core_steps(w: &mut Writer, b: &Blocks, who: &str) {
    let d = b.d();
    let Ok(n) = b.t21.inverse() else {
        w.line(&format!(
            "({who}21 is singular, so the core does not apply to {who} directly.)\n"
        ));
        return;
    };
    let r = &(&(&b.t11 * &n) * &b.t22) - &b.t12;
    w.line(&format!(
        "### Core step 1: reduce ({})\n\nWith `N := {who}21^-1` and `R := {who}11 N {who}22 - {who}12`, \
         `{who} = U({who}11 N, I) [[0, -R], [{who}21, 0]] U(N {who}22, I)`. The outer factors are \
         upper layers, so only the middle needs work (`docs/construction.md`, tier 2).\n",
        lemma("core_reduce")
    ));
    w.push(&latex_matrix("N", &n));
    w.push(&latex_matrix("R", &r));
    let zero = Matrix::zeros(d, d);
    let middle = Matrix::from_blocks(&zero, &-&r, &b.t21, &zero);
    let rebuilt =
        &(&unit(Kind::Upper, &(&b.t11 * &n)) * &middle) * &unit(Kind::Upper, &(&n * &b.t22));
    w.line(&format!(
        "- Verified: `U({who}11 N, I) [[0, -R], [{who}21, 0]] U(N {who}22, I) = {who}`: {}.\n",
        yes(rebuilt == b.assemble())
    ));
    w.line(&format!(
        "### Core step 2: a triangular pair ({})\n\nFactor `N = U_N L_N` and `R = U_R L_R` \
         (unit upper times lower; they exist iff all trailing principal minors are nonzero). \
         Then `U := U_N Dt U_R^-1` is upper and `Lam := {who}21 U R` is lower triangular with \
         `U R = N Lam` for every diagonal Dt ({}). The construction picks Dt to clear \
         denominators; shown here with Dt = I.\n",
        lemma("core_triangular_pair"),
        lemma("core_lam_from_u")
    ));
    if !triangular_pair(w, b, &n, &r, who) {
        w.line(&format!(
            "- Verified: N or R has no UL factorisation for the blocks of {who} as given, so the \
             core runs on a block-permutation conjugate `P {who} P^-1`, `P = diag(P1, P2)` \
             (\"When the core applies\" in `docs/construction.md`; {} maps the layers back).\n",
            lemma("permutation_conjugation")
        ));
        let d = b.d();
        let id: Vec<usize> = (0..d).collect();
        let rev: Vec<usize> = (0..d).rev().collect();
        let tried = [
            ("(rev, rev)", &rev, &rev),
            ("(rev, id)", &rev, &id),
            ("(id, rev)", &id, &rev),
        ];
        let found = tried.iter().find_map(|(name, p1, p2)| {
            let c = Blocks::of(&conjugate_matrix(&b.assemble(), p1, p2));
            let n = c.t21.inverse().ok()?;
            let r = &(&(&c.t11 * &n) * &c.t22) - &c.t12;
            (ul_unit_lower(&n).is_some() && ul_unit_lower(&r).is_some()).then_some((name, c, n, r))
        });
        match found {
            Some((name, c, n, r)) => {
                w.line(&format!(
                    "- Verified: (P1, P2) = {name} (`rev` reverses the order of a half) is the \
                     first of the fixed conjugations the construction tries after the identity \
                     for which both factorisations exist; in signed mode the construction stops at \
                     the first conjugation where the core succeeds. For `P {who} P^-1`:\n"
                ));
                w.push(&latex_matrix("N'", &n));
                w.push(&latex_matrix("R'", &r));
                triangular_pair(w, &c, &n, &r, &format!("P {who} P^-1"));
            }
            None => w.line(
                "- Verified: none of the fixed conjugations (rev, rev), (rev, id), (id, rev) works \
                 either; the construction then tries seeded random block permutations (not \
                 recorded by the trace).\n",
            ),
        }
    }
    w.line(&format!(
        "### Core step 3: a similarity ({})\n\nWith `c_i = +-(i + 1)`, `Omega = diag(c_i / Lam_ii)` \
         and `Delta = diag(c_i / U_ii)`, the triangular matrices `Omega Lam` and `Delta U` have \
         the same distinct spectrum, so their unit triangular eigenvector matrices V1, V2 give \
         `Z = V2 V1^-1` with `Z (Omega Lam) Z^-1 = Delta U`.\n",
        lemma("triangular_similarity")
    ));
    w.line(&format!(
        "### Core step 4: the five layers ({}, {})\n\n`W = N ({who}22 - Lam)`, \
         `B0 = ({who}12 - {who}11 W - Z) Lam^-1`, `T'11 = {who}11 - B0 {who}21`, `D1 = Omega^-1`, \
         `A1 = (Lam - D1) Z^-1`, `A2 = D1^-1 ({who}21 - A1 T'11)` and `E1 = T'11 - Z A2 = Delta`. \
         Layers in application order: `U(W, I)`, `L(A2, I)`, `U(Z, E1)`, `L(A1, D1)`, `U(B0, I)`. \
         The layer list below is the result after mapping back and merging; its product is \
         verified there.\n",
        lemma("core_solution"),
        lemma("core_e1_is_delta")
    ));
}

/// Shows `U = U_N U_R^-1` and `Lam = X21 U R` when both UL factorisations exist
/// (returns whether they do).
fn triangular_pair(w: &mut Writer, b: &Blocks, n: &Matrix, r: &Matrix, who: &str) -> bool {
    let (Some((un, _)), Some((ur, _))) = (ul_unit_lower(n), ul_unit_lower(r)) else {
        return false;
    };
    let Some(ur_inv) = triangular_inverse(&ur, false) else {
        return false;
    };
    let u = &un * &ur_inv;
    let lam = &(&b.t21 * &u) * r;
    w.push(&latex_matrix("U", &u));
    w.push(&latex_matrix("\\Lambda", &lam));
    w.line(&format!(
        "- Verified (for {who}): U is upper triangular: {}; Lam is lower triangular: {}; `U R = N Lam`: {}.\n",
        yes(u.is_upper_triangular()),
        yes(lam.is_lower_triangular()),
        yes(&u * r == n * &lam)
    ));
    true
}

fn left_peel_steps(w: &mut Writer, b: &Blocks, who: &str) {
    let d = b.d();
    let Ok(t11_inv) = b.t11.inverse() else {
        w.line(&format!(
            "({who}11 is singular; the left peel needs it invertible.)\n"
        ));
        return;
    };
    let schur = &b.t22 - &(&(&b.t21 * &t11_inv) * &b.t12);
    w.line(&format!(
        "### Peel step 1: the Schur complement ({})\n\n{who}11 is invertible; with \
         `S := {who}22 - {who}21 {who}11^-1 {who}12` and any invertible X, `alpha := ({who}21 - X) {who}11^-1` makes \
         `T' := L(-alpha) {who}` have `T'21 = X` ({}), and the core's R for T' is `{who}11 X^-1 S` \
         (tier 3 of `docs/construction.md`).\n",
        lemma("peel_left_r"),
        lemma("peel_left_x")
    ));
    w.push(&latex_matrix("S", &schur));
    let Ok(schur_inv) = schur.inverse() else {
        w.line(&format!(
            "- Verified: S is singular (unexpected for invertible {who}).\n"
        ));
        return;
    };
    w.line("- Verified: S is invertible.\n");
    let direction = &schur * &b.t11;
    let m0 = &schur_inv * &t11_inv;
    let limit = d * (d + 1);
    let found = (0..=limit).find_map(|t| {
        let tq = crate::exact::qi(t as i64);
        let x = &Matrix::identity(d) + &direction.map(|v| v * &tq);
        let m = &m0 + &Matrix::identity(d).map(|v| v * &tq);
        (x.has_lu() && m.has_lu()).then_some((t, x))
    });
    w.line(&format!(
        "### Peel step 2: a point on a line ({}, {})\n\nThe core needs `X^-1` and `{who}11 X^-1 S` to \
         have UL factorisations, i.e. X and `M := S^-1 X {who}11^-1` to have LU factorisations. On \
         the line `X(t) = I + t S {who}11`, `M(t) = S^-1 {who}11^-1 + t I`, and the product of their \
         leading minors is a nonzero polynomial of degree at most d (d + 1) = {limit}, so one of \
         t = 0, ..., {limit} works.\n",
        lemma("peel_left_m"),
        lemma("peel_line")
    ));
    let Some((t, x)) = found else {
        w.line("- Verified: no t in range satisfies both LU conditions (unexpected).\n");
        return;
    };
    w.line(&format!(
        "- Verified: t = {t} is the first point where both X(t) and M(t) have all leading \
         principal minors nonzero. (The construction takes the first t at which the core also \
         completes; in positive mode it may go on to a t whose core needs no sign fix.)\n"
    ));
    let alpha = &(&b.t21 - &x) * &t11_inv;
    let tp = &unit(Kind::Lower, &(-&alpha)) * &b.assemble();
    let bp = Blocks::of(&tp);
    w.push(&latex_matrix("X", &x));
    w.push(&latex_matrix("\\alpha", &alpha));
    let r_expected = &(&b.t11 * &x.inverse().expect("X has an LU factorisation")) * &schur;
    let rp = bp
        .t21
        .inverse()
        .ok()
        .map(|np| &(&(&bp.t11 * &np) * &bp.t22) - &bp.t12);
    w.line(&format!(
        "- Verified: `T' = L(-alpha) {who}` has `T'21 = X`: {}; its core matrix is `R' = {who}11 X^-1 S`: {}.\n",
        yes(bp.t21 == x),
        yes(rp.as_ref() == Some(&r_expected))
    ));
    w.line(&format!(
        "Then `{who} = L(alpha) T'`: the five-layer core on T' plus one lower layer, six layers ({}).\n",
        lemma("left_peel_six")
    ));
    core_steps(w, &bp, "T'");
}

fn two_peels_steps(w: &mut Writer, b: &Blocks) {
    w.line(&format!(
        "### Right peel ({})\n\nBoth diagonal blocks are singular and no shorter candidate was \
         found. `[G11 G12]` has full row rank, so a right peel `T'' := G L(-beta)` makes \
         `T''11 = G11 - G12 beta` invertible: pivot columns of G11 are completed to a basis \
         with columns of G12, and `beta = -t P` for the 0/1 pairing P (tier 4 of \
         `docs/construction.md`). Then `G = (six layers for T'') L(beta)`: seven layers ({}).\n",
        lemma("peel_right"),
        lemma("two_peels_seven")
    ));
    let Some(beta) = crate::construct::peel::invertible_corner_peel(b) else {
        w.line("- (The right peel could not be recomputed.)\n");
        return;
    };
    let tpp = &b.assemble() * &unit(Kind::Lower, &(-&beta));
    let bpp = Blocks::of(&tpp);
    w.push(&latex_matrix("\\beta", &beta));
    w.line(&format!(
        "- Verified: `T''11 = G11 - G12 beta` is invertible: {}.\n",
        yes(!bpp.t11.det().is_zero())
    ));
    left_peel_steps(w, &bpp, "T''");
}

/// The layers, product-check and figures sections (shared with the unequal-split
/// walkthrough, which passes its own [`Writer`] text in and out).
pub(crate) fn layers_markdown(target: &Matrix, dec: &Decomposition) -> String {
    let mut w = Writer::default();
    layers_section(&mut w, target, dec);
    w.out
}

fn layers_section(w: &mut Writer, target: &Matrix, dec: &Decomposition) {
    let k = dec.layers.len();
    w.line("## 4. Layers\n");
    w.line(&format!(
        "{k} layers, in the order they act (M1 first); the product is M{k} ... M1.\n"
    ));
    for (i, l) in dec.layers.iter().enumerate() {
        let (shift, scale) = match l.kind {
            Kind::Lower => ("A", "D"),
            Kind::Upper => ("B", "E"),
        };
        w.line(&format!(
            "### M{} = {}({shift}, {scale}) (layer {i}, {})\n",
            i + 1,
            if l.kind == Kind::Lower { "L" } else { "U" },
            l.kind.name()
        ));
        let scale_m = Matrix::from_vec(1, l.scale.len(), l.scale.clone());
        w.push(&latex_matrix(
            &format!("\\operatorname{{diag}}({scale})^{{T}}"),
            &scale_m,
        ));
        w.push(&latex_matrix(shift, &l.shift));
    }
    w.line("## 5. Product check\n");
    match check(target, dec) {
        Ok(r) => w.line(&format!(
            "- Verified by the independent checker (`couplings::check::check`): the {} layers are \
             well formed ({} mode scales) and `M{k} ... M1 = T` exactly (n = {}).\n",
            r.layers,
            dec.mode.name(),
            r.n
        )),
        Err(e) => w.line(&format!(
            "- The independent checker REJECTED the layers: {e}\n"
        )),
    }
    let f = analysis::figures(target, dec);
    let bound = crate::construct::split::bound(dec.split, dec.mode);
    w.line("## 6. Figures\n");
    w.line(&format!(
        "{k} layers (proven bound for every invertible input in {} mode: {bound}; the seed \
         paper's constant: 47). Largest entry: {} bits (T: {} bits). Float64 relative error of \
         the product of the rounded layers: {:.3e}.\n",
        dec.mode.name(),
        f.max_bits,
        target.max_bits(),
        f.float_error
    ));
    w.line("| layer | kind | largest entry (bits) | condition number (float64, 2-norm) |");
    w.line("|---|---|---|---|");
    for (i, (l, c)) in dec.layers.iter().zip(&f.conditions).enumerate() {
        w.line(&format!(
            "| M{} | {} | {} | {c:.3e} |",
            i + 1,
            l.kind.name(),
            l.max_bits()
        ));
    }
    w.line("");
}
