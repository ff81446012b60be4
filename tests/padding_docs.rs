//! Staleness of the generated figures in `docs/padding.md`: the rows `n <= 8`
//! of every depth-against-`K` table are recomputed (`analysis::pad_table_line`,
//! every chain checked by the padded checker) and must appear, byte for byte,
//! in the block of their family. Regenerate the whole tables with
//! `cargo run --release --example pad_table -- 2 16`.

use couplings::analysis::{PadFamily, pad_table_line};

/// The widest table of the document (`K` up to 16).
const WIDTH: usize = 16;

fn doc() -> String {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/docs/padding.md");
    std::fs::read_to_string(path).expect("docs/padding.md")
}

/// The fenced block that follows the caption of `family`.
fn block(doc: &str, family: PadFamily) -> &str {
    let caption = format!("{}:\n```\n", family.caption());
    let start = doc
        .find(&caption)
        .unwrap_or_else(|| panic!("docs/padding.md lacks the table {caption:?}"))
        + caption.len();
    let len = doc[start..].find("```").expect("a closed block");
    &doc[start..start + len]
}

#[test]
fn depth_tables_are_current() {
    let doc = doc();
    for family in PadFamily::ALL {
        let block = block(&doc, family);
        for n in 2..=8 {
            let line = pad_table_line(family, n, WIDTH);
            assert!(
                block.lines().any(|l| l == line),
                "docs/padding.md is stale for {family:?}, n = {n}: expected the line\n{line}\n\
                 regenerate with `cargo run --release --example pad_table -- 2 16`"
            );
        }
    }
}

#[test]
fn a_changed_row_is_detected() {
    // The comparison can fail: a row with one cell changed is not in the block.
    let doc = doc();
    let block = block(&doc, PadFamily::RandomSigned);
    let line = pad_table_line(PadFamily::RandomSigned, 3, WIDTH).replacen(" 3", " 4", 1);
    assert!(!block.lines().any(|l| l == line));
}

/// The conditioning example on a small size: every padded chain is checked
/// (inside `pad_conditioning_rows`), its float64 error is small, and the scaled
/// three layers are never worse conditioned than the unit ones (the claim of
/// docs/padding.md's conditioning section).
#[test]
fn conditioning_rows_run_on_a_small_size() {
    use couplings::Strategy;
    use couplings::analysis::{
        pad_conditioning_rows, pad_conditioning_table, pad_conditioning_targets,
    };
    let worst = |r: &couplings::analysis::CondRow| r.conditions.iter().cloned().fold(1.0, f64::max);
    for (name, t) in pad_conditioning_targets(4) {
        let rows = pad_conditioning_rows(&name, &t, &[Strategy::Balanced]);
        let find = |label: &str| {
            rows.iter()
                .find(|r| r.chain.starts_with(label))
                .unwrap_or_else(|| panic!("{name}: no row {label:?}"))
        };
        let unit = find("padded K=n, unit");
        assert_eq!(unit.layers, 3);
        assert!(unit.float_error < 1e-9, "{name}: {}", unit.float_error);
        let scaled = find("padded K=n, scaled");
        assert_eq!(scaled.layers, 3);
        assert!(
            worst(scaled) <= worst(unit) * 1.01,
            "{name}: {} > {}",
            worst(scaled),
            worst(unit)
        );
        assert!(pad_conditioning_table(&rows).contains(&name));
    }
}
