//! The deterministic JSON writer (two-space indentation, one shift row per
//! line, keys in the documented order).

use crate::exact::{Q, fmt_q};
use crate::layer::{Decomposition, PaddedDecomposition};
use std::fmt::Write as _;

fn q_json(x: &Q) -> String {
    // `fmt_q` only produces digits, `-` and `/`, which need no escaping.
    format!("\"{}\"", fmt_q(x))
}

fn q_list(xs: &[Q]) -> String {
    let items: Vec<String> = xs.iter().map(q_json).collect();
    format!("[{}]", items.join(", "))
}

/// Writes a decomposition in the JSON layer format (see the
/// [module documentation](crate::io)): deterministic layout with two-space
/// indentation, keys in the order `n`, `split`, `mode`, `layers` (and `kind`,
/// `shift`, `scale` per layer), one shift row per line, every number an exact
/// string `p` or `p/q`. Layers are written in application order (first acts first).
///
/// # Examples
/// ```
/// use couplings::{Decomposition, Layer, Mode, Split, exact::{Matrix, q, qi}};
/// use couplings::io::{decomposition_from_json, decomposition_to_json};
/// let a = Matrix::from_rows(vec![vec![q(1, 2), qi(0)], vec![qi(-3), qi(1)]]).unwrap();
/// let dec = Decomposition {
///     split: Split::new(2, 2),
///     mode: Mode::Signed,
///     layers: vec![Layer::lower(a, vec![qi(1), qi(2)])],
/// };
/// let json = decomposition_to_json(&dec);
/// assert!(json.contains(r#"["1/2", "0"],"#));
/// assert_eq!(decomposition_from_json(&json).unwrap(), dec);
/// ```
pub fn decomposition_to_json(decomposition: &Decomposition) -> String {
    write_json(decomposition, &[])
}

/// Writes a padded decomposition in the JSON layer format: as
/// [`decomposition_to_json`] for its layers (`n` is `n + pad`, the split is of
/// `n + pad`), with `"mask"` (when the unpadded coordinates are reordered) and
/// `"pad": K` right after `"split"`. With `pad = 0` and no mask the output is
/// exactly [`decomposition_to_json`]'s.
///
/// # Examples
/// ```
/// use couplings::{Decomposition, Layer, Mode, PaddedDecomposition, Split, exact::{Matrix, qi}};
/// use couplings::io::{padded_from_json, padded_to_json};
/// let layer = Layer::upper(Matrix::zeros(1, 1), vec![qi(3)]);
/// let padded = PaddedDecomposition {
///     pad: 1,
///     mask: None,
///     decomposition: Decomposition { split: Split::new(1, 1), mode: Mode::Signed, layers: vec![layer] },
/// };
/// let json = padded_to_json(&padded);
/// assert!(json.starts_with("{\n  \"n\": 2,\n  \"split\": [1, 1],\n  \"pad\": 1,\n"));
/// assert_eq!(padded_from_json(&json).unwrap(), padded);
/// ```
pub fn padded_to_json(padded: &PaddedDecomposition) -> String {
    let mut extra = Vec::new();
    if let Some(mask) = &padded.mask {
        let list: Vec<String> = mask.iter().map(ToString::to_string).collect();
        extra.push(format!("  \"mask\": [{}],", list.join(", ")));
    }
    if padded.pad > 0 {
        extra.push(format!("  \"pad\": {},", padded.pad));
    }
    write_json(&padded.decomposition, &extra)
}

/// The writer; `extra` lines go right after `"split"`.
fn write_json(decomposition: &Decomposition, extra: &[String]) -> String {
    let split = decomposition.split;
    let mut out = String::new();
    out.push_str("{\n");
    let _ = writeln!(out, "  \"n\": {},", split.n());
    let _ = writeln!(out, "  \"split\": [{}, {}],", split.first, split.second);
    for line in extra {
        out.push_str(line);
        out.push('\n');
    }
    let _ = writeln!(out, "  \"mode\": \"{}\",", decomposition.mode.name());
    if decomposition.layers.is_empty() {
        out.push_str("  \"layers\": []\n}\n");
        return out;
    }
    out.push_str("  \"layers\": [\n");
    for (k, layer) in decomposition.layers.iter().enumerate() {
        out.push_str("    {\n");
        let _ = writeln!(out, "      \"kind\": \"{}\",", layer.kind.name());
        if layer.shift.rows() == 0 {
            out.push_str("      \"shift\": [],\n");
        } else {
            out.push_str("      \"shift\": [\n");
            for i in 0..layer.shift.rows() {
                let sep = if i + 1 < layer.shift.rows() { "," } else { "" };
                let _ = writeln!(out, "        {}{sep}", q_list(layer.shift.row(i)));
            }
            out.push_str("      ],\n");
        }
        let _ = writeln!(out, "      \"scale\": {}", q_list(&layer.scale));
        let sep = if k + 1 < decomposition.layers.len() {
            ","
        } else {
            ""
        };
        let _ = writeln!(out, "    }}{sep}");
    }
    out.push_str("  ]\n}\n");
    out
}
