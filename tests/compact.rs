//! Properties of the compact strategy (`Strategy::Compact`, `docs/compact.md`):
//! exact (independent checker and exact product) on random integer and rational
//! inputs for every even n from 2 to 16 in both modes, the layer bound on
//! generic inputs, one named test per fallback (preconditioner for a singular
//! `T21`, monomial dispatch, positive mode with negative pivots, identity
//! crux), the merge policies, and typed refusals (odd n, unequal split,
//! singular input, `det T < 0` in positive mode).

mod common;

use common::assert_valid;
use couplings::construct::compact::layer_bound;
use couplings::construct::{Construction, DecomposeError, MergePolicy, Trace, decompose_traced};
use couplings::exact::{Matrix, Q, q, qi};
use couplings::families::{permutation_matrix, random_integer};
use couplings::{Decomposition, Mode, Options, Split, Strategy as Build};
use num_traits::{Signed, Zero};
use proptest::prelude::*;

fn compact(mode: Mode, merge: MergePolicy) -> Options {
    Options {
        mode,
        strategy: Build::Compact,
        merge,
        ..Options::default()
    }
}

/// Decomposes with the compact strategy and asserts validity.
fn run(t: &Matrix, mode: Mode, merge: MergePolicy) -> (Decomposition, Trace) {
    let (dec, trace) = decompose_traced(t, &compact(mode, merge))
        .unwrap_or_else(|e| panic!("compact failed in {mode:?} mode on {t:?}: {e}"));
    assert_valid(t, &dec, mode);
    assert_eq!(dec.split, Split::halves(t.rows()));
    (dec, trace)
}

/// `t` with its first row negated when `det t < 0` (so positive mode applies).
fn positive_det(mut t: Matrix) -> Matrix {
    if t.det().is_negative() {
        for j in 0..t.cols() {
            let v = -t.get(0, j);
            t.set(0, j, v);
        }
    }
    t
}

fn from_entries(n: usize, e: &[i64]) -> Matrix {
    Matrix::from_vec(n, n, e.iter().map(|&x| qi(x)).collect())
}

const NS: &[usize] = &[2, 4, 6, 8, 10, 12, 14, 16];

fn invertible(m: Matrix) -> Option<Matrix> {
    (!m.det().is_zero()).then_some(m)
}

fn dense() -> impl Strategy<Value = Matrix> {
    prop::sample::select(NS).prop_flat_map(|n| {
        prop::collection::vec(-9i64..=9, n * n)
            .prop_filter_map("singular", move |e| invertible(from_entries(n, &e)))
    })
}

fn rational() -> impl Strategy<Value = Matrix> {
    prop::sample::select(NS).prop_flat_map(|n| {
        prop::collection::vec((-5i64..=5, 1i64..=6), n * n).prop_filter_map("singular", move |e| {
            invertible(Matrix::from_vec(
                n,
                n,
                e.into_iter().map(|(a, b)| q(a, b)).collect(),
            ))
        })
    })
}

/// Sparse with a signed permutation pattern: many singular blocks and
/// vanishing minors.
fn sparse() -> impl Strategy<Value = Matrix> {
    prop::sample::select(NS).prop_flat_map(|n| {
        (
            prop::collection::vec(prop_oneof![17 => Just(0i64), 3 => -3i64..=3], n * n),
            Just((0..n).collect::<Vec<usize>>()).prop_shuffle(),
        )
            .prop_filter_map("singular", move |(e, p)| {
                let mut t = from_entries(n, &e);
                for (j, &i) in p.iter().enumerate() {
                    let v = t.get(i, j) + qi(2);
                    t.set(i, j, v);
                }
                invertible(t)
            })
    })
}

fn policy() -> impl Strategy<Value = MergePolicy> {
    prop::sample::select(MergePolicy::ALL.to_vec())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn exact_on_dense_inputs_signed(t in dense(), merge in policy()) {
        run(&t, Mode::Signed, merge);
    }

    #[test]
    fn exact_on_dense_inputs_positive(t in dense(), merge in policy()) {
        run(&positive_det(t), Mode::Positive, merge);
    }

    #[test]
    fn exact_on_rational_inputs(t in rational(), positive in any::<bool>()) {
        if positive {
            run(&positive_det(t), Mode::Positive, MergePolicy::default());
        } else {
            run(&t, Mode::Signed, MergePolicy::default());
        }
    }

    #[test]
    fn exact_on_sparse_inputs(t in sparse(), positive in any::<bool>()) {
        if positive {
            run(&positive_det(t), Mode::Positive, MergePolicy::Full);
        } else {
            run(&t, Mode::Signed, MergePolicy::Full);
        }
    }
}

/// Generic inputs (no preconditioner needed) meet the stated layer bound with
/// every merge allowed, in both modes.
#[test]
fn generic_inputs_meet_the_layer_bound() {
    for n in [4, 8, 16, 32] {
        for seed in 0..3 {
            let t = positive_det(random_integer(n, 100 + seed));
            for mode in [Mode::Signed, Mode::Positive] {
                let (dec, trace) = run(&t, mode, MergePolicy::Full);
                if trace.construction
                    == (Construction::Compact {
                        preconditioned: false,
                    })
                {
                    assert!(
                        dec.len() <= layer_bound(n, mode),
                        "n = {n}, {mode:?}: {} layers > {}",
                        dec.len(),
                        layer_bound(n, mode)
                    );
                }
            }
        }
    }
}

/// The merge policies order the layer counts (a looser cap never needs more
/// layers); on this generic input `none` also has the smallest entries and
/// `capped` stays within 4x the inverse's bits (not a theorem: at n = 16,
/// seed 1016, `none` is 3 bits above `full`, docs/compact.md).
#[test]
fn merge_policies_trade_layers_for_bits() {
    let t = random_integer(32, 7);
    let (full, _) = run(&t, Mode::Signed, MergePolicy::Full);
    let (capped, _) = run(&t, Mode::Signed, MergePolicy::Capped);
    let (none, _) = run(&t, Mode::Signed, MergePolicy::Unmerged);
    assert!(full.len() <= capped.len() && capped.len() <= none.len());
    let bits = |d: &Decomposition| d.layers.iter().map(|l| l.max_bits()).max().unwrap();
    assert!(bits(&none) <= bits(&capped) && bits(&capped) <= bits(&full));
    let inv_bits = t.inverse().unwrap().max_bits();
    assert!(bits(&capped) <= 4 * inv_bits);
}

/// Fallback: `T21 = 0` (block diagonal) needs the seeded preconditioner.
#[test]
fn singular_t21_is_preconditioned() {
    let a = random_integer(4, 1);
    let b = random_integer(4, 2);
    let z = Matrix::zeros(4, 4);
    let t = positive_det(Matrix::from_blocks(&a, &z, &z, &b));
    for mode in [Mode::Signed, Mode::Positive] {
        let (_, trace) = run(&t, mode, MergePolicy::default());
        assert_eq!(
            trace.construction,
            Construction::Compact {
                preconditioned: true
            }
        );
    }
}

/// Fallback: a vanishing leading minor of `G` (block upper triangular input
/// with a singular-leading `T21`) is also handled by the preconditioner.
#[test]
fn block_triangular_input_is_exact() {
    let mut t = random_integer(8, 3);
    for i in 4..8 {
        for j in 0..4 {
            t.set(i, j, Q::zero());
        }
    }
    if t.det().is_zero() {
        t = &t + &Matrix::identity(8);
    }
    run(&t, Mode::Signed, MergePolicy::default());
    run(&positive_det(t), Mode::Positive, MergePolicy::default());
}

/// Fallback: monomial inputs go to the routed permutation construction (small
/// entries) in both modes.
#[test]
fn permutations_use_the_routed_construction() {
    let t = permutation_matrix(&[3, 0, 5, 1, 7, 2, 6, 4]);
    let mode = if t.det().is_positive() {
        Mode::Positive
    } else {
        Mode::Signed
    };
    let (dec, trace) = run(&t, mode, MergePolicy::default());
    assert_eq!(trace.construction, Construction::CompactMonomial);
    assert!(dec.layers.iter().all(|l| l.max_bits() <= 3));
    // A scaled permutation: the diagonal goes into the layers.
    let mut s = t.clone();
    for (j, i) in [3, 0, 5, 1, 7, 2, 6, 4].into_iter().enumerate() {
        s.set(i, j, q(j as i64 + 2, 3));
    }
    let (_, trace) = run(&s, Mode::Signed, MergePolicy::default());
    assert_eq!(trace.construction, Construction::CompactMonomial);
}

/// Fallback: a monomial input with negative entries in positive mode goes
/// through the G-route (the routed construction has no sign fix).
#[test]
fn negative_monomial_in_positive_mode_uses_the_g_route() {
    let mut t = Matrix::identity(8);
    t.set(0, 0, qi(-1));
    t.set(5, 5, qi(-3));
    let (_, trace) = run(&t, Mode::Positive, MergePolicy::default());
    assert!(matches!(trace.construction, Construction::Compact { .. }));
    let minus = -&Matrix::identity(8);
    run(&minus, Mode::Signed, MergePolicy::default());
    run(&minus, Mode::Positive, MergePolicy::default());
}

/// Positive mode with negative pivots of `G` (an even number) uses the two
/// sign gadgets; the result has positive scales only.
#[test]
fn negative_pivots_in_positive_mode() {
    let mut found = false;
    for seed in 0..20 {
        let t = positive_det(random_integer(8, 500 + seed));
        let (signed, _) = run(&t, Mode::Signed, MergePolicy::Full);
        let negative = signed
            .layers
            .iter()
            .any(|l| l.scale.iter().any(Signed::is_negative));
        let (positive, _) = run(&t, Mode::Positive, MergePolicy::Full);
        if negative {
            found = true;
            assert!(positive.len() <= signed.len() + 3);
        }
    }
    assert!(found, "no input with negative pivots among the seeds");
}

/// Identity-like inputs: the crux is empty or trivial.
#[test]
fn identity_and_half_swap() {
    run(&Matrix::identity(6), Mode::Positive, MergePolicy::default());
    let swap = permutation_matrix(&[3, 4, 5, 0, 1, 2]);
    run(&swap, Mode::Signed, MergePolicy::default());
    // Not monomial: identity plus a full off-diagonal block.
    let mut t = Matrix::identity(6);
    for i in 3..6 {
        for j in 0..3 {
            t.set(i, j, qi((i + j) as i64 % 3 - 1));
        }
    }
    run(&t, Mode::Positive, MergePolicy::default());
}

/// Odd `n` and unequal splits: the hub construction of `docs/splits.md` with
/// the compact strategy on its window (`Construction::CompactHub`), exact in
/// both modes (independent checker), with its own walkthrough text.
#[test]
fn odd_n_and_unequal_splits_use_the_compact_hub() {
    let cases = [
        (3, None),
        (5, None),
        (7, None),
        (9, None),
        (15, None),
        (6, Some(Split::new(2, 4))),
        (7, Some(Split::new(5, 2))),
    ];
    for (n, split) in cases {
        for mode in [Mode::Signed, Mode::Positive] {
            let t = random_integer(n, 10 + n as u64);
            let t = if mode == Mode::Positive {
                positive_det(t)
            } else {
                t
            };
            let options = Options {
                split,
                ..compact(mode, MergePolicy::default())
            };
            let (dec, trace) = decompose_traced(&t, &options)
                .unwrap_or_else(|e| panic!("n = {n} {split:?} {mode:?}: {e}"));
            assert_valid(&t, &dec, mode);
            assert_eq!(trace.construction, Construction::CompactHub, "n = {n}");
            assert_eq!(trace.construction.strategy(), Build::Compact);
            assert_eq!(dec.split, split.unwrap_or(Split::new(n / 2, n - n / 2)));
            if n == 5 {
                let md = couplings::explain::explain_decomposition(&t, &dec, &trace, "t5");
                assert!(md.contains("--strategy compact"), "{md}");
                assert!(md.contains("decomposed by the compact strategy"), "{md}");
            }
        }
    }
}

#[test]
fn singular_input_is_refused_with_a_kernel() {
    let mut t = random_integer(8, 4);
    for j in 0..8 {
        let v = t.get(1, j).clone();
        t.set(6, j, v);
    }
    let e = decompose_traced(&t, &compact(Mode::Signed, MergePolicy::default())).unwrap_err();
    match e {
        DecomposeError::Singular { kernel } => {
            let k = Matrix::from_vec(8, 1, kernel);
            assert!((&t * &k).is_zero());
        }
        other => panic!("expected Singular, got {other:?}"),
    }
    // Also with T21 singular (the preconditioner path).
    let z = Matrix::zeros(2, 2);
    let s = Matrix::from_i64(&[&[1, 2], &[2, 4]]);
    let t = Matrix::from_blocks(&s, &z, &z, &Matrix::identity(2));
    let e = decompose_traced(&t, &compact(Mode::Signed, MergePolicy::default())).unwrap_err();
    assert!(matches!(e, DecomposeError::Singular { .. }), "{e:?}");
}

#[test]
fn negative_determinant_is_refused_in_positive_mode() {
    let mut t = random_integer(8, 9);
    if t.det().is_positive() {
        for j in 0..8 {
            let v = -t.get(0, j);
            t.set(0, j, v);
        }
    }
    let e = decompose_traced(&t, &compact(Mode::Positive, MergePolicy::default())).unwrap_err();
    assert!(
        matches!(e, DecomposeError::NonPositiveDeterminant { .. }),
        "{e:?}"
    );
}

/// The CLI: `decompose --strategy compact` with every `--merge` value, and
/// `--merge` refused with a clear message for an unknown value.
#[test]
fn cli_decompose_compact() {
    let t = random_integer(8, 11);
    let text: String = (0..8)
        .map(|i| {
            let row: Vec<String> = t.row(i).iter().map(|x| x.to_string()).collect();
            row.join(" ") + "\n"
        })
        .collect();
    let path = std::env::temp_dir().join(format!("couplings-compact-{}.txt", std::process::id()));
    std::fs::write(&path, text).unwrap();
    let run = |args: &[&str]| {
        std::process::Command::new(env!("CARGO_BIN_EXE_couplings"))
            .arg("decompose")
            .arg(&path)
            .args(args)
            .output()
            .unwrap()
    };
    for merge in ["full", "capped", "none"] {
        let out = run(&[
            "--strategy",
            "compact",
            "--merge",
            merge,
            "--format",
            "json",
        ]);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let json = String::from_utf8(out.stdout).unwrap();
        assert!(json.contains("\"layers\""), "{json}");
    }
    let bad = run(&["--strategy", "compact", "--merge", "some"]);
    assert!(!bad.status.success());
    std::fs::remove_file(&path).ok();
}

#[allow(dead_code)]
#[path = "../examples/compact_table.rs"]
mod table;

/// The table of `docs/compact.md` is generated by `examples/compact_table.rs`:
/// its n = 8 row's exact figures are recomputed here.
#[test]
fn compact_table_is_fresh() {
    let doc =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/compact.md")).unwrap();
    let (inv_bits, figures, _) = table::row(8);
    let fresh = table::exact_cells(8, inv_bits, &figures);
    assert!(
        doc.lines().any(|l| l.starts_with(&fresh)),
        "docs/compact.md's n = 8 row is stale; expected it to start with\n{fresh}\n\
         regenerate with `cargo run --release --example compact_table -- 8 128`"
    );
}

/// The degenerate families of issue 13 for every even n from 2 to 16: block
/// diagonal, sign matrices, `-I`, the rotation of halves, permutations and
/// rank-1 off-diagonal blocks; signed mode always, positive mode when
/// `det T > 0`.
fn degenerate_family(n: usize, family: usize, seed: u64) -> Matrix {
    use couplings::construct::rng::Rng;
    use couplings::families as f;
    let d = n / 2;
    let mut rng = Rng::new(seed);
    let mut random = |k: usize| f::random_integer_from(&mut rng, k);
    match family {
        0 => f::block_diag(&random(d), &random(d)),
        1 => f::sign_diag(n, seed),
        2 => f::minus_identity(n),
        3 => f::rotation_halves(n),
        4 => {
            let mut p: Vec<usize> = (0..n).collect();
            p.rotate_left(seed as usize % n);
            p.swap(0, n - 1);
            permutation_matrix(&p)
        }
        _ => {
            let (a, b) = (random(d), random(d));
            let mut rng = Rng::new(seed + 1);
            let (x, y) = if d > 1 {
                (f::low_rank(&mut rng, d, 1), f::low_rank(&mut rng, d, 1))
            } else {
                (Matrix::identity(1), Matrix::zeros(1, 1))
            };
            let t = Matrix::from_blocks(&a, &x, &y, &b);
            if t.det().is_zero() {
                Matrix::from_blocks(&a, &x, &Matrix::zeros(d, d), &b)
            } else {
                t
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 40, ..ProptestConfig::default() })]

    #[test]
    fn exact_on_degenerate_families(n in prop::sample::select(NS), family in 0usize..6, seed in 0u64..1000) {
        let t = degenerate_family(n, family, seed);
        run(&t, Mode::Signed, MergePolicy::default());
        if t.det().is_positive() {
            run(&t, Mode::Positive, MergePolicy::default());
        }
    }
}

/// Regression (proptest, found on the merge): a block-triangular `T` with
/// `T12 = 0` whose `T11` has a vanishing leading minor, in positive mode with a
/// negative entry (so not the monomial route). Lower shears leave `G = T11
/// T21'^-1 T22 T21'` similar to a multiple of `T11` here, so no lower
/// preconditioner can help; the left upper shear does.
#[test]
fn regression_zero_t12_with_singular_leading_minor_positive() {
    for t in [
        Matrix::from_i64(&[&[0, -2, 0, 0], &[2, 0, 0, 0], &[0, 0, 2, 0], &[0, 0, 0, 2]]),
        Matrix::from_i64(&[
            &[0, -2, 0, 0, 0, 0],
            &[2, 0, 0, 0, 0, 0],
            &[0, 0, 1, 0, 0, 0],
            &[0, 0, 0, 1, 0, 0],
            &[0, 0, 0, 0, 1, 0],
            &[0, 0, 0, 0, 0, 1],
        ]),
    ] {
        for mode in [Mode::Positive, Mode::Signed] {
            for merge in [
                MergePolicy::Full,
                MergePolicy::Capped,
                MergePolicy::Unmerged,
            ] {
                let (_, trace) = run(&t, mode, merge);
                assert!(
                    matches!(
                        trace.construction,
                        Construction::Compact { .. } | Construction::CompactMonomial
                    ),
                    "{mode:?}: {:?}",
                    trace.construction
                );
            }
        }
    }
}

/// The default strategy (`Auto`) resolves by size: compact for even
/// `n >= AUTO_COMPACT_MIN_N` with the half/half split, shallow otherwise (odd
/// `n`, unequal splits, padding); every named strategy is itself.
#[test]
fn auto_default_resolves_by_size() {
    use couplings::construct::AUTO_COMPACT_MIN_N;
    assert_eq!(AUTO_COMPACT_MIN_N, 64);
    assert_eq!(Build::default(), Build::Auto);
    assert_eq!(Options::default().strategy, Build::Auto);
    for n in [2, 3, 8, 16, 32, 62, 63, 65, 127] {
        assert_eq!(Build::Auto.resolve(n, None), Build::Shallow, "n = {n}");
    }
    for n in [64, 66, 128, 256, 512] {
        assert_eq!(Build::Auto.resolve(n, None), Build::Compact, "n = {n}");
        let halves = Some(Split::halves(n));
        assert_eq!(Build::Auto.resolve(n, halves), Build::Compact, "n = {n}");
        let unequal = Some(Split::new(n / 2 - 1, n / 2 + 1));
        assert_eq!(Build::Auto.resolve(n, unequal), Build::Shallow, "n = {n}");
    }
    assert_eq!(Build::Auto.resolve_padded(), Build::Shallow);
    for s in [
        Build::Shallow,
        Build::Balanced,
        Build::Conditioned,
        Build::Compact,
    ] {
        assert_eq!(s.resolve(8, None), s);
        assert_eq!(s.resolve(64, None), s);
        assert_eq!(s.resolve_padded(), s);
    }
    assert_eq!(Build::Auto.name(), "auto");
}

/// With the default options a 64x64 input gets exactly the compact layers
/// (and the export metadata names `compact`); an 8x8 one the shallow layers.
#[test]
fn auto_default_runs_compact_from_64_and_shallow_below() {
    use couplings::export::{ExportInput, export};
    let named = |s: Build| Options {
        strategy: s,
        ..Options::default()
    };
    for (n, expected) in [(64, Build::Compact), (8, Build::Shallow)] {
        let t = random_integer(n, 4000 + n as u64);
        let (dec, trace) = decompose_traced(&t, &Options::default()).unwrap();
        assert_eq!(trace.construction.strategy(), expected, "n = {n}");
        let (named_dec, named_trace) = decompose_traced(&t, &named(expected)).unwrap();
        assert_eq!(dec, named_dec, "n = {n}");
        assert_eq!(trace, named_trace, "n = {n}");
        let input = ExportInput {
            strategy: Build::Auto,
            source: "auto",
            ..ExportInput::default()
        };
        let (bytes, _) = export(&t, &dec, &input);
        let header = String::from_utf8_lossy(&bytes[..bytes.len().min(1 << 16)]).into_owned();
        let wanted = format!("\"strategy\":\"{}\"", expected.name());
        assert!(
            header.contains(&wanted),
            "n = {n}: no {wanted} in the metadata"
        );
    }
}
