//! The small Markdown/LaTeX toolkit every walkthrough writes with: exact
//! numbers and matrices as KaTeX-compatible LaTeX (large matrices summarised),
//! a line [`Writer`], and the short words of the "Verified" lines.

use crate::exact::{Matrix, Q, bits, fmt_q};
use num_traits::Signed;

/// Largest matrix dimension written out in full.
pub const FULL_UP_TO: usize = 8;
/// Entries with more characters than this are abbreviated in LaTeX.
const LONG_ENTRY: usize = 40;

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

pub(super) fn pmatrix(m: &Matrix) -> String {
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

pub(super) fn yes(b: bool) -> &'static str {
    if b { "yes" } else { "NO" }
}

pub(super) fn not(b: bool) -> &'static str {
    if b { "" } else { "not " }
}

pub(super) fn short(x: &Q) -> String {
    let s = fmt_q(x);
    if s.len() <= 80 {
        s
    } else {
        format!("{}... ({} bits)", &s[..40], bits(x))
    }
}

#[derive(Default)]
pub(super) struct Writer {
    pub(super) out: String,
}

impl Writer {
    pub(super) fn line(&mut self, s: &str) {
        self.out.push_str(s);
        self.out.push('\n');
    }

    pub(super) fn push(&mut self, s: &str) {
        self.out.push_str(s);
    }
}
