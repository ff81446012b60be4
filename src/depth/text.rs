//! The human-readable depth report ([`DepthReport::to_text`], what `couplings
//! depth` prints): the decision, one line per shape with its witness spelled
//! out, and the upper bound.

use super::recheck::{
    Contradiction, Derived, Fact, Requirement, Shape, ShapeFailure, Var, evaluate_facts,
    swap_halves,
};
use super::recheck::{FiveWitness, FourLayerCertificate};
use super::{Beyond, DepthReport, Outcome};
use crate::exact::Matrix;
use crate::exact::poly::{MAX_VARS, Poly};

/// The names of the variables of the four-layer system at n = 4
/// (`construct::short::bounds`).
const FOUR_VARS: [&str; 13] = [
    "x1", "x2", "x3", "x4", "v1", "v2", "v3", "v4", "f1", "f2", "g1", "g2", "z",
];

/// A polynomial of the four-layer system, written out (`3 f1^2 z + 1`).
fn fmt_poly(p: &Poly) -> String {
    if p.is_zero() {
        return "0".into();
    }
    let mut out = String::new();
    for (k, (mono, c)) in p.terms().enumerate() {
        let mut factors: Vec<String> = Vec::new();
        for i in 0..MAX_VARS {
            let e = mono.exponent(i);
            let name = FOUR_VARS.get(i).copied().unwrap_or("?");
            match e {
                0 => {}
                1 => factors.push(name.to_string()),
                _ => factors.push(format!("{name}^{e}")),
            }
        }
        let neg = c < &num_traits::Zero::zero();
        let abs = if neg { -c.clone() } else { c.clone() };
        let coef = crate::exact::fmt_q(&abs);
        let body = match (factors.is_empty(), coef == "1") {
            (true, _) => coef,
            (false, true) => factors.join(" "),
            (false, false) => format!("{coef} {}", factors.join(" ")),
        };
        match (k, neg) {
            (0, false) => out.push_str(&body),
            (0, true) => out.push_str(&format!("-{body}")),
            (_, false) => out.push_str(&format!(" + {body}")),
            (_, true) => out.push_str(&format!(" - {body}")),
        }
    }
    out
}

fn describe_failure(t: &Matrix, shape: Shape, f: &ShapeFailure) -> String {
    use crate::exact::fmt_q;
    match f {
        ShapeFailure::Determinant { det } => format!(
            "det T = {} is not positive (every positive-scale layer has det > 0)",
            fmt_q(det)
        ),
        ShapeFailure::Entry(w) => {
            let what = match w.matrix {
                Derived::Whole => "T",
                Derived::T11 => "T11",
                Derived::T12 => "T12",
                Derived::T21 => "T21",
                Derived::T22 => "T22",
                Derived::Schur => "the Schur complement T11 - T12 T22^-1 T21",
            };
            let req = match w.requirement {
                Requirement::Zero => "0",
                Requirement::One => "1",
                Requirement::Nonzero => "nonzero",
                Requirement::Positive => "> 0",
            };
            format!(
                "entry ({}, {}) of {what} is {} but must be {req}",
                w.row + 1,
                w.col + 1,
                fmt_q(&w.value)
            )
        }
        ShapeFailure::ThreeLayers(c) => {
            let fact = |x: &Fact| match x {
                Fact::Kernel { vector, row } => format!(
                    "kernel vector k = [{}] of T21, row {}: (T11 k)_j 1/Delta_j = k_j",
                    vector.iter().map(fmt_q).collect::<Vec<_>>().join(", "),
                    row + 1
                ),
                Fact::LeftKernel { vector, col } => format!(
                    "left kernel vector c = [{}] of T21, column {}: (c^T T22)_k 1/D_k = c_k",
                    vector.iter().map(fmt_q).collect::<Vec<_>>().join(", "),
                    col + 1
                ),
                Fact::Entry { row, col } => format!(
                    "entry ({}, {}) of G diag(1/Delta) R diag(1/D) F = H^-1",
                    row + 1,
                    col + 1
                ),
            };
            let m = if shape.swapped() {
                swap_halves(t)
            } else {
                t.clone()
            };
            let eqs = evaluate_facts(&m, c.factorization.as_ref(), &c.facts).unwrap_or_default();
            let eq = |i: usize| {
                eqs.get(i).map_or_else(String::new, |e| {
                    let mono: Vec<String> = e
                        .vars
                        .iter()
                        .map(|v| match v {
                            Var::A(j) => format!("1/Delta_{}", j + 1),
                            Var::B(k) => format!("1/D_{}", k + 1),
                        })
                        .collect();
                    let mono = if mono.is_empty() {
                        "1".to_string()
                    } else {
                        mono.join(" ")
                    };
                    if e.vars.is_empty() {
                        format!(" [{} = {}]", fmt_q(&e.coef), fmt_q(&e.val))
                    } else {
                        format!(" [{} * {mono} = {}]", fmt_q(&e.coef), fmt_q(&e.val))
                    }
                })
            };
            let mut s = String::new();
            match &c.contradiction {
                Contradiction::Single { fact: i } => {
                    s.push_str(&format!("unsatisfiable: {}{}", fact(&c.facts[*i]), eq(*i)));
                }
                Contradiction::Combination { terms } => {
                    s.push_str("inconsistent scale ratios (product of the ratios != 1):");
                    for (i, m) in terms {
                        s.push_str(&format!("\n      ^{m}: {}{}", fact(&c.facts[*i]), eq(*i)));
                    }
                }
            }
            if let Some(fac) = &c.factorization {
                s.push_str(&format!(
                    "\n      (T21 has rank {}; factorisation T21 = F H G in the certificate)",
                    fac.h.rows()
                ));
            }
            s
        }
    }
}

impl DepthReport {
    /// A human-readable report: the decision, the certificate (one line per
    /// shape) and the upper bound from `decompose`.
    pub fn to_text(&self, t: &Matrix) -> String {
        let mut s = format!("mode: {}\n", self.mode.name());
        match &self.outcome {
            Outcome::Exact {
                layers,
                shape,
                shorter,
                ..
            } => {
                s.push_str(&format!(
                    "minimal depth: {layers} (shape {}; decomposition verified exactly)\n",
                    shape.name()
                ));
                for (sh, f) in shorter {
                    let on = if sh.swapped() { " (on S T S)" } else { "" };
                    s.push_str(&format!(
                        "  not {}{on}: {}\n",
                        sh.name(),
                        describe_failure(t, *sh, f)
                    ));
                }
            }
            Outcome::AtLeastFour { certificate } => {
                s.push_str("minimal depth: at least 4 (certificate re-checked)\n");
                for (shape, f) in &certificate.failures {
                    let on = if shape.swapped() { " (on S T S)" } else { "" };
                    s.push_str(&format!(
                        "  not {}{on}: {}\n",
                        shape.name(),
                        describe_failure(t, *shape, f)
                    ));
                }
            }
            Outcome::Unknown { reason } => {
                s.push_str(&format!("minimal depth: unknown ({reason})\n"));
            }
        }
        match &self.beyond {
            None => {}
            Some(Beyond::Four(_)) => {
                s.push_str("four layers: yes (decomposition verified exactly); minimal depth: 4\n")
            }
            Some(Beyond::AtLeastFive(w)) => {
                s.push_str("four layers: no (witness re-checked); minimal depth: at least 5\n");
                s.push_str(&describe_five(w));
            }
            Some(Beyond::Undecided(reason)) => {
                s.push_str(&format!("four layers: undecided ({reason})\n"));
            }
        }
        match self.upper_bound() {
            Some(k) => s.push_str(&format!("upper bound: {k} layers\n")),
            None => s.push_str("upper bound: none (decompose failed)\n"),
        }
        s
    }
}

/// The lines of a witness of at least five layers.
fn describe_five(w: &FiveWitness) -> String {
    match w {
        FiveWitness::SwapFamily => {
            "  T11 = 0 and T22 = 0: by the swap-family theorem a product of four layers \
             would be one of three (docs/lower-bounds.md, section 9)\n"
                .to_string()
        }
        FiveWitness::Polynomial { ulul, lulu } => {
            let one = |name: &str, c: &FourLayerCertificate| {
                let terms: usize = c.cofactors.iter().map(|p| p.len()).sum();
                format!(
                    "  not {name}: sum of {} cofactors ({terms} terms) times the four-layer \
                     equations is h = {}, which cannot vanish at admissible scales\n",
                    c.cofactors.len(),
                    fmt_poly(&c.h)
                )
            };
            one("ULUL", ulul) + &one("LULU (on S T S)", lulu)
        }
    }
}
