//! The lemmas a walkthrough cites: which proof file states each one
//! ([`lemma_file`], [`CITED_LEMMAS`]; a test checks that each is stated there)
//! and how a citation is written.

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
        "padded_three"
        | "padded_three_first_column"
        | "padded_three_scaled"
        | "padded_one_upper"
        | "padded_one_lower"
        | "padded_two_lu_order"
        | "padded_two_ul_order"
        | "padded_chunk_reload"
        | "padded_zeroing"
        | "padded_lul_a"
        | "padded_lul_c"
        | "padded_lul_move"
        | "padded_lul_e2" => "proofs/padding.proof",
        "four_layer_sandwich"
        | "four_layer_sandwich_inverse"
        | "four_layer_lu"
        | "four_layer_lu_inverse"
        | "four_layer_product"
        | "four_layer_stratum_a"
        | "four_layer_intertwiner"
        | "four_conic_point" => "proofs/four.proof",
        "peel_four_blocks" | "six_peel_blocks" | "six_inverse_corner" | "six_peel_factor"
        | "six_similarity" | "six_middle_w" | "six_chain" => "proofs/six.proof",
        "compact_g_route" | "compact_factor" | "compact_cw_lower_first" => "proofs/compact.proof",
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
    "merge_lower",
    "padded_three",
    "padded_three_first_column",
    "padded_three_scaled",
    "padded_one_upper",
    "padded_one_lower",
    "padded_two_lu_order",
    "padded_two_ul_order",
    "padded_chunk_reload",
    "padded_zeroing",
    "padded_lul_a",
    "padded_lul_c",
    "padded_lul_move",
    "padded_lul_e2",
    "four_layer_sandwich",
    "four_layer_sandwich_inverse",
    "four_layer_lu",
    "four_layer_intertwiner",
    "peel_four_blocks",
    "six_peel_blocks",
    "six_inverse_corner",
    "compact_g_route",
    "compact_factor",
    "compact_cw_lower_first",
];

pub(super) fn lemma(name: &str) -> String {
    format!("lemma `{name}` (`{}`)", lemma_file(name))
}
