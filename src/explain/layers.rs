//! The closing sections every walkthrough shares: the layer list (section 4),
//! the independent product check (section 5) and the figures (section 6:
//! bound, entry bits, float64 error and condition numbers).

use super::markdown::{Writer, latex_matrix};
use crate::analysis;
use crate::check::check;
use crate::exact::Matrix;
use crate::layer::{Decomposition, Kind};

/// Sections 4 to 6 as Markdown.
pub(super) fn layers_markdown(target: &Matrix, dec: &Decomposition) -> String {
    let mut w = Writer::default();
    layers_section(&mut w, target, dec);
    w.out
}

fn layers_section(w: &mut Writer, target: &Matrix, dec: &Decomposition) {
    let k = dec.layers.len();
    layer_list(w, dec);
    check_and_figures(w, target, dec, k);
}

/// Section 4: every layer's scale and shift.
pub(super) fn layer_list(w: &mut Writer, dec: &Decomposition) {
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
}

fn check_and_figures(w: &mut Writer, target: &Matrix, dec: &Decomposition, k: usize) {
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
    let show = |v: f64| analysis::show(v, None);
    let bound = crate::construct::split::bound(dec.split, dec.mode);
    w.line("## 6. Figures\n");
    w.line(&format!(
        "{k} layers (proven bound for every invertible input in {} mode: {bound}; the seed \
         paper's constant: 47). Largest entry: {} bits (T: {} bits). Float64 relative error of \
         the product of the rounded layers: {}.\n",
        dec.mode.name(),
        f.max_bits,
        target.max_bits(),
        show(f.float_error)
    ));
    condition_table(w, dec, &f);
}

/// The figures table (one row per layer), then a note per figure that is
/// not a number.
pub(super) fn condition_table(w: &mut Writer, dec: &Decomposition, f: &analysis::Figures) {
    let show = |v: f64| analysis::show(v, None);
    w.line("| layer | kind | largest entry (bits) | condition number (float64, 2-norm) |");
    w.line("|---|---|---|---|");
    for (i, (l, c)) in dec.layers.iter().zip(&f.conditions).enumerate() {
        w.line(&format!(
            "| M{} | {} | {} | {} |",
            i + 1,
            l.kind.name(),
            l.max_bits(),
            show(*c)
        ));
    }
    w.line("");
    let notes = f.notes();
    if !notes.is_empty() {
        for n in notes {
            w.line(&format!("- Note: {n}."));
        }
        w.line("");
    }
}
