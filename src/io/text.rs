//! The human-readable rendering of a decomposition ([`decomposition_to_text`]):
//! a header, the order convention, then each layer's shift block and scale,
//! exact, with large blocks summarised.

use crate::exact::{Matrix, Q, bits, fmt_q, to_f64};
use crate::layer::{Decomposition, Kind, Layer, PaddedDecomposition};
use num_traits::{Signed, Zero};
use std::fmt::Write as _;

/// Blocks with more rows or columns than this are summarised.
const FULL_LIMIT: usize = 12;
/// Rows shown when a block has more than [`FULL_LIMIT`] rows.
const SUMMARY_ROWS: usize = 3;
/// Columns (and scale entries) shown when there are more than [`FULL_LIMIT`].
const SUMMARY_COLS: usize = 8;
/// In summaries, entries written with more characters than this are shown
/// approximately.
const SUMMARY_ENTRY_CHARS: usize = 24;
const JSON_HINT: &str = "use --format json for all entries";

/// An entry for a summary: exact when short, otherwise `~1.2346e-5 (120 bits)`.
fn summary_entry(x: &Q) -> String {
    let exact = fmt_q(x);
    if exact.len() <= SUMMARY_ENTRY_CHARS {
        return exact;
    }
    let v = to_f64(x);
    if v.is_finite() && (v != 0.0 || x.is_zero()) {
        format!("~{v:.4e} ({} bits)", bits(x))
    } else {
        let digits = |n: &num_bigint::BigInt| n.abs().to_string().len() as i64;
        let sign = if x.is_negative() { "-" } else { "" };
        format!(
            "~{sign}10^{} ({} bits)",
            digits(x.numer()) - digits(x.denom()),
            bits(x)
        )
    }
}

/// Renders a padded decomposition for people: a line stating the pad (and the
/// mask), then [`decomposition_to_text`] of its layers on `n + pad` coordinates.
///
/// # Examples
/// ```
/// use couplings::{Decomposition, Layer, Mode, PaddedDecomposition, Split, exact::{Matrix, qi}};
/// use couplings::io::padded_to_text;
/// let padded = PaddedDecomposition {
///     pad: 1,
///     mask: None,
///     decomposition: Decomposition {
///         split: Split::new(1, 1),
///         mode: Mode::Signed,
///         layers: vec![Layer::upper(Matrix::zeros(1, 1), vec![qi(3)])],
///     },
/// };
/// assert!(padded_to_text(&padded).starts_with("padded: pad 1, n = 1"));
/// ```
pub fn padded_to_text(padded: &PaddedDecomposition) -> String {
    let n = padded.n();
    let mut out = format!(
        "padded: pad {}, n = {n}: the layers act on (x; 0), x in Q^{n} followed by {} zero \
         coordinates, and their product M satisfies M[:, :{n}] = [[T], [0]] (docs/padding.md)\n",
        padded.pad, padded.pad
    );
    if let Some(mask) = &padded.mask {
        let order: Vec<String> = padded.order().iter().map(|c| format!("x{c}")).collect();
        let _ = writeln!(
            out,
            "mask: first part = coordinates {mask:?}; the layers act on the reordered vector ({}, \
             then the padded coordinates) and represent P T P^-1 for that reordering P",
            order.join(", ")
        );
    }
    out.push_str(&decomposition_to_text(&padded.decomposition));
    out
}

/// Renders a decomposition for people: a header line (n, split, mode, number of
/// layers, largest entry bit size), a line stating the order convention, then
/// for each layer `L_k` its kind, shift block and scale, all exact.
///
/// Blocks with more than 12 rows or columns (and scales with more than 12
/// entries) are summarised: shape, largest bit size and the first rows/entries,
/// with entries longer than 24 characters shown approximately as
/// `~1.2346e-5 (120 bits)`, followed by an explicit note such as
/// `... 52 more rows not shown; use --format json for all entries`.
///
/// # Examples
/// ```
/// use couplings::{Decomposition, Layer, Mode, Split, exact::{Matrix, q, qi}};
/// use couplings::io::decomposition_to_text;
/// let dec = Decomposition {
///     split: Split::new(1, 1),
///     mode: Mode::Signed,
///     layers: vec![
///         Layer::lower(Matrix::from_i64(&[&[3]]), vec![q(1, 2)]),
///         Layer::upper(Matrix::from_i64(&[&[-1]]), vec![qi(2)]),
///     ],
/// };
/// let text = decomposition_to_text(&dec);
/// assert!(text.starts_with("n = 2, split = (1, 1), mode = signed, 2 layers, largest entry 2 bits\n"));
/// assert!(text.contains("the matrix is L_2 L_1"));
/// assert!(text.contains("L_1 (layers[0]): lower"));
/// assert!(text.contains("D = diag(1/2)"));
/// ```
pub fn decomposition_to_text(decomposition: &Decomposition) -> String {
    let split = decomposition.split;
    let k = decomposition.layers.len();
    let mut out = String::new();
    let _ = writeln!(
        out,
        "n = {}, split = ({}, {}), mode = {}, {k} {}, largest entry {} {}",
        split.n(),
        split.first,
        split.second,
        decomposition.mode.name(),
        if k == 1 { "layer" } else { "layers" },
        decomposition.max_bits(),
        if decomposition.max_bits() == 1 {
            "bit"
        } else {
            "bits"
        }
    );
    let product = match k {
        0 => "I (no layers)".to_string(),
        1 => "L_1".to_string(),
        2 => "L_2 L_1".to_string(),
        _ => format!("L_{k} ... L_1"),
    };
    let _ = writeln!(
        out,
        "layers act in this order on x (L_1 first); the matrix is {product}"
    );
    for (index, layer) in decomposition.layers.iter().enumerate() {
        write_layer(&mut out, index + 1, layer);
    }
    out
}

fn write_layer(out: &mut String, number: usize, layer: &Layer) {
    let (shift_name, scale_name, rule) = match layer.kind {
        Kind::Lower => ("A", "D", "x2 <- A x1 + D x2"),
        Kind::Upper => ("B", "E", "x1 <- E x1 + B x2"),
    };
    let _ = writeln!(
        out,
        "L_{number} (layers[{}]): {} ({rule})",
        number - 1,
        layer.kind.name()
    );
    write_block(out, shift_name, &layer.shift);
    write_scale(out, scale_name, &layer.scale);
}

fn write_block(out: &mut String, name: &str, m: &Matrix) {
    let (rows, cols) = (m.rows(), m.cols());
    if rows == 0 || cols == 0 {
        let _ = writeln!(out, "  {name} is {rows}x{cols} (empty)");
        return;
    }
    let summarise = rows > FULL_LIMIT || cols > FULL_LIMIT;
    let shown_rows = if rows > FULL_LIMIT {
        SUMMARY_ROWS
    } else {
        rows
    };
    let shown_cols = if cols > FULL_LIMIT {
        SUMMARY_COLS
    } else {
        cols
    };
    let cells: Vec<Vec<String>> = (0..shown_rows)
        .map(|i| {
            let row = m.row(i)[..shown_cols].iter();
            if summarise {
                row.map(summary_entry).collect()
            } else {
                row.map(fmt_q).collect()
            }
        })
        .collect();
    let widths: Vec<usize> = (0..shown_cols)
        .map(|j| cells.iter().map(|r| r[j].len()).max().unwrap_or(0))
        .collect();
    let prefix = format!("  {name} = ");
    if summarise {
        let _ = writeln!(
            out,
            "  {name} is {rows}x{cols}, largest entry {} {}; first {shown_rows} rows, first \
             {shown_cols} columns (entries over {SUMMARY_ENTRY_CHARS} characters approximated as ~value):",
            m.max_bits(),
            if m.max_bits() == 1 { "bit" } else { "bits" }
        );
    }
    for (i, row) in cells.iter().enumerate() {
        let lead = if summarise {
            "    ".to_string()
        } else if i == 0 {
            prefix.clone()
        } else {
            " ".repeat(prefix.len())
        };
        let padded: Vec<String> = row
            .iter()
            .zip(&widths)
            .map(|(c, w)| format!("{c:>w$}"))
            .collect();
        let more = if shown_cols < cols { " ..." } else { "" };
        let _ = writeln!(out, "{lead}[ {}{more} ]", padded.join("  "));
    }
    if summarise {
        let hidden_rows = rows - shown_rows;
        let hidden_cols = cols - shown_cols;
        let what = match (hidden_rows, hidden_cols) {
            (0, c) => format!("{c} more columns"),
            (r, 0) => format!("{r} more rows"),
            (r, c) => format!("{r} more rows and {c} more columns"),
        };
        let _ = writeln!(out, "  ... {what} not shown; {JSON_HINT}");
    }
}

fn write_scale(out: &mut String, name: &str, scale: &[Q]) {
    if scale.is_empty() {
        let _ = writeln!(out, "  {name} is empty");
        return;
    }
    if scale.len() <= FULL_LIMIT {
        let items: Vec<String> = scale.iter().map(fmt_q).collect();
        let _ = writeln!(out, "  {name} = diag({})", items.join(", "));
        return;
    }
    let items: Vec<String> = scale[..SUMMARY_COLS].iter().map(summary_entry).collect();
    let max_bits = scale.iter().map(bits).max().unwrap_or(0);
    let _ = writeln!(
        out,
        "  {name} = diag({}, ...)  ({} entries, largest {max_bits} {})",
        items.join(", "),
        scale.len(),
        if max_bits == 1 { "bit" } else { "bits" }
    );
    let _ = writeln!(
        out,
        "  ... {} more entries not shown; {JSON_HINT}",
        scale.len() - SUMMARY_COLS
    );
}
