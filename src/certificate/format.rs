//! Writing certificates: the canonical matrix text, the target hash and the
//! deterministic version-1 text of a [`Certificate`].

use super::{Certificate, MAGIC, VERSION, VERSION_BOUND, hex, sha256};
use crate::exact::{Matrix, fmt_q};

/// The canonical text of a matrix: entries as reduced `p` or `p/q`, separated
/// by single spaces, each row ending with `\n` (the same as
/// [`crate::io::matrix_to_text`]). Its SHA-256 is the certificate's
/// `target-sha256`.
pub fn canonical_text(m: &Matrix) -> String {
    let mut out = String::new();
    for i in 0..m.rows() {
        let row: Vec<String> = m.row(i).iter().map(fmt_q).collect();
        out.push_str(&row.join(" "));
        out.push('\n');
    }
    out
}

/// SHA-256 of the canonical text of `m`, as 64 lowercase hex digits.
pub fn target_hash(m: &Matrix) -> String {
    hex(&sha256(canonical_text(m).as_bytes()))
}

/// Writes a certificate (deterministic): version 1 without a bound (exactly
/// the bytes this function always wrote), version 2 with one.
pub fn to_text(cert: &Certificate) -> String {
    let dec = &cert.decomposition;
    let k = dec.layers.len();
    let version = if cert.bound.is_some() {
        VERSION_BOUND
    } else {
        VERSION
    };
    let mut out = format!("{MAGIC} {version}\n");
    out += &format!(
        "# {k} coupling layers for a {n}x{n} matrix; verify with `couplings check FILE`.\n\
         # Layers are listed in the order they act: the product is M{k} ... M1 (layer 0 is M1).\n",
        n = dec.split.n()
    );
    if let Some(r) = &cert.bound {
        out += &format!(
            "# Approximate: the product P of the layers satisfies ||P - T||_F <= r ||T||_F \
             with r = {} (the `bound` line), checked exactly.\n",
            crate::exact::fmt_decimal(r)
        );
    }
    out += &format!("n {}\n", dec.split.n());
    out += &format!("split {} {}\n", dec.split.first, dec.split.second);
    out += &format!("mode {}\n", dec.mode.name());
    out += &format!("target-sha256 {}\n", target_hash(&cert.target));
    out += "target\n";
    out += &canonical_text(&cert.target);
    if let Some(r) = &cert.bound {
        out += &format!("bound {}\n", fmt_q(r));
    }
    out += &format!("layers {k}\n");
    for (i, l) in dec.layers.iter().enumerate() {
        out += &format!("layer {i} {}\n", l.kind.name());
        let scale: Vec<String> = l.scale.iter().map(fmt_q).collect();
        out += &format!("scale {}\n", scale.join(" "));
        out += &format!("shift {} {}\n", l.shift.rows(), l.shift.cols());
        out += &canonical_text(&l.shift);
    }
    for h in &cert.hints {
        out += &format!("hint {}\n", h.after);
        out += &canonical_text(&h.product);
    }
    out += "end\n";
    out
}
