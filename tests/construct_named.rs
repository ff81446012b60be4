//! Named inputs that must work ("Inputs that must work (each with its own named
//! test)"): identity, swap and rotation of halves, every permutation for n <= 8,
//! block-diagonal and block-structured matrices, -I, sign matrices, huge and tiny
//! entries, random dense integer matrices up to n = 64, Glow-style rational
//! rotations, and the worst cases with explicit layer-count bounds.
//!
//! Every decomposition is checked by exact product and by `couplings::check`
//! (see `common::assert_valid`); run with `--nocapture` to see the observed layer
//! counts and histograms.

mod common;

use common::*;
use couplings::construct::{Construction, decompose_traced};
use couplings::exact::{Matrix, Q, q, qi};
use couplings::{Mode, decompose};
use num_bigint::BigInt;
use num_traits::{One, Signed, Zero};
use rayon::prelude::*;

/// Worst-case bounds of the pipeline (documented tiers).
const SIGNED_MAX: usize = 7;
const POSITIVE_MAX: usize = 9;
/// Generic inputs (random dense): the five-layer core.
const GENERIC_SIGNED_MAX: usize = 5;
const GENERIC_POSITIVE_MAX: usize = 8;

/// Decomposes in both modes (positive only when `det > 0`), asserts validity and
/// the bounds, prints and returns the observed layer counts.
fn both_modes(
    label: &str,
    t: &Matrix,
    signed_max: usize,
    positive_max: usize,
) -> (usize, Option<usize>) {
    let start = std::time::Instant::now();
    let (s, st) = verify_traced(t, Mode::Signed);
    let signed_time = start.elapsed();
    assert!(
        s.len() <= signed_max,
        "{label}: signed {} layers > {signed_max} ({st:?})",
        s.len()
    );
    let p = if t.det().is_positive() {
        let start = std::time::Instant::now();
        let (p, pt) = verify_traced(t, Mode::Positive);
        let positive_time = start.elapsed();
        assert!(
            p.len() <= positive_max,
            "{label}: positive {} layers > {positive_max} ({pt:?})",
            p.len()
        );
        println!(
            "{label}: signed {} layers ({}, {signed_time:.1?}), positive {} layers ({}, {positive_time:.1?})",
            s.len(),
            st.construction,
            p.len(),
            pt.construction
        );
        Some(p.len())
    } else {
        println!(
            "{label}: signed {} layers ({}, {signed_time:.1?}), det < 0",
            s.len(),
            st.construction
        );
        None
    };
    (s.len(), p)
}

/// Like [`both_modes`], and when `det t < 0` also runs positive mode on `t` with
/// row 0 negated (which keeps every zero block zero and every block's rank), so
/// positive mode is exercised on every family. Returns (signed, positive).
fn family(label: &str, t: &Matrix, signed_max: usize, positive_max: usize) -> (usize, usize) {
    let (s, p) = both_modes(label, t, signed_max, positive_max);
    let p = match p {
        Some(p) => p,
        None => {
            let flipped = negate_row(t, 0);
            both_modes(
                &format!("{label} (row 0 negated)"),
                &flipped,
                signed_max,
                positive_max,
            )
            .1
            .expect("negating a row flips the sign of det")
        }
    };
    (s, p)
}

// ---------------------------------------------------------------------------
// Identity, swap, rotation, -I, sign matrices
// ---------------------------------------------------------------------------

#[test]
fn identity_gives_empty_product() {
    for n in [2, 4, 8] {
        let t = Matrix::identity(n);
        for mode in [Mode::Signed, Mode::Positive] {
            let (dec, trace) = verify_traced(&t, mode);
            assert_eq!(dec.len(), 0, "identity n = {n} in {mode:?} mode");
            assert!(dec.is_empty());
            assert_eq!(trace.construction, Construction::Identity);
            assert_eq!(dec.product(), t);
        }
    }
}

#[test]
fn swap_of_halves() {
    for n in [2, 4, 8] {
        let t = swap_halves(n);
        let d = n / 2;
        let (s, p) = both_modes(&format!("swap of halves n = {n}"), &t, 3, POSITIVE_MAX);
        assert_eq!(s, 3, "the swap of halves is U L U (and not fewer layers)");
        // det = (-1)^d: positive mode exactly when d is even.
        assert_eq!(p.is_some(), d % 2 == 0, "det sign of the swap, n = {n}");
        if let Some(p) = p {
            // With positive scales three layers are impossible: U L U = S forces
            // E1 E2 D = -I (and L U L likewise by the swap symmetry).
            assert!(p >= 4, "positive swap in {p} layers is impossible");
        }
    }
}

#[test]
fn rotation_of_halves() {
    for n in [2, 4, 8] {
        let t = rotation_halves(n);
        assert_eq!(t.det(), qi(1));
        // Observed: three layers in both modes (U(-I) L(I) U(-I) has unit scales).
        let (s, p) = both_modes(&format!("rotation of halves n = {n}"), &t, 3, 3);
        assert_eq!(s, 3, "the rotation is not a product of fewer than 3 layers");
        assert_eq!(p, Some(3), "rotation has det 1: positive mode must run");
    }
}

#[test]
fn minus_identity_signed_two_layers_positive_works() {
    for n in [2, 4, 8, 16] {
        let t = minus_identity(n);
        let dec = verify(&t, Mode::Signed);
        assert_eq!(
            dec.len(),
            2,
            "-I with n = {n}: signed mode gives two layers"
        );
        assert_eq!(t.det(), qi(1), "det(-I) = 1 for even n");
        let pos = verify_at_most(&t, Mode::Positive, POSITIVE_MAX);
        println!(
            "-I n = {n}: signed {} layers, positive {} layers",
            dec.len(),
            pos.len()
        );
    }
}

#[test]
fn diagonal_sign_matrices_all_n4() {
    let hist_s = Histogram::default();
    let hist_p = Histogram::default();
    for mask in 0..16u64 {
        let t = sign_diag(4, mask);
        let dec = verify(&t, Mode::Signed);
        // A sign matrix is U(0, S1) L(0, S2): at most two layers.
        assert!(
            dec.len() <= 2,
            "sign matrix {mask:04b}: {} layers",
            dec.len()
        );
        hist_s.add(dec.len());
        if mask.count_ones() % 2 == 0 {
            let p = verify_at_most(&t, Mode::Positive, POSITIVE_MAX);
            hist_p.add(p.len());
        } else {
            assert!(t.det().is_negative());
        }
    }
    assert_eq!(hist_s.total(), 16);
    assert_eq!(hist_p.total(), 8);
    println!(
        "sign matrices n = 4: signed {}, positive {}",
        hist_s.render(),
        hist_p.render()
    );
}

#[test]
fn diagonal_sign_matrices_sample_n8() {
    let mut rng = TestRng::new(8);
    let mut masks: Vec<u64> = vec![0, 0xff, 0x0f, 0xf0, 0x01, 0x80, 0x81, 0x55, 0xaa, 0x03];
    masks.extend((0..22).map(|_| rng.next_u64() & 0xff));
    let hist_s = Histogram::default();
    let hist_p = Histogram::default();
    masks.par_iter().for_each(|&mask| {
        let t = sign_diag(8, mask);
        let dec = verify(&t, Mode::Signed);
        assert!(
            dec.len() <= 2,
            "sign matrix {mask:08b}: {} layers",
            dec.len()
        );
        hist_s.add(dec.len());
        if mask.count_ones() % 2 == 0 {
            let p = verify_at_most(&t, Mode::Positive, POSITIVE_MAX);
            hist_p.add(p.len());
        }
    });
    println!(
        "sign matrices n = 8 (sample of {}): signed {}, positive {}",
        masks.len(),
        hist_s.render(),
        hist_p.render()
    );
    assert_eq!(hist_s.total(), masks.len());
}

#[test]
fn balanced_sign_matrices_positive_mode() {
    // diag(S1, S2) with as many -1 in S1 as in S2 is a product of four unit
    // layers (`five::balanced_sign_layers`); decompose stays within the bound
    // (decompose finds it through its balanced-sign tier).
    for n in [4, 8] {
        let d = n / 2;
        for mask in 1..(1u64 << n) {
            let neg1: Vec<usize> = (0..d).filter(|&i| mask >> i & 1 == 1).collect();
            let neg2: Vec<usize> = (0..d).filter(|&i| mask >> (i + d) & 1 == 1).collect();
            if neg1.len() != neg2.len() || (n == 8 && mask % 7 != 0) {
                continue;
            }
            let t = sign_diag(n, mask);
            let chain = couplings::construct::five::balanced_sign_layers(&neg1, &neg2, d, d);
            let four = couplings::Decomposition {
                split: couplings::Split::halves(n),
                mode: Mode::Positive,
                layers: chain,
            };
            assert_eq!(four.len(), 4);
            assert_valid(&t, &four, Mode::Positive);
            // Regression: decompose used to return 6-8 layers here; the positive
            // balanced-sign tier gives the four-layer form.
            let dec = verify_at_most(&t, Mode::Positive, 4);
            println!(
                "balanced sign matrix n = {n}, mask {mask:0n$b}: decompose {} layers, known 4",
                dec.len()
            );
        }
    }
}

// ---------------------------------------------------------------------------
// Permutations (exhaustive for n <= 8)
// ---------------------------------------------------------------------------

/// Decomposes every permutation matrix of size `n` (signed; positive for the even
/// ones), in parallel; returns (signed, positive) histograms.
fn every_permutation(n: usize) -> (Histogram, Histogram) {
    let perms = all_permutations(n);
    let hist_s = Histogram::default();
    let hist_p = Histogram::default();
    perms.par_iter().for_each(|p| {
        let t = perm_matrix(p);
        let dec = verify(&t, Mode::Signed);
        assert!(
            dec.len() <= SIGNED_MAX,
            "permutation {p:?}: signed {} layers",
            dec.len()
        );
        hist_s.add(dec.len());
        if perm_sign(p) == 1 {
            let dec = verify(&t, Mode::Positive);
            assert!(
                dec.len() <= POSITIVE_MAX,
                "permutation {p:?}: positive {} layers",
                dec.len()
            );
            hist_p.add(dec.len());
        }
    });
    let total: usize = (1..=n).product();
    assert_eq!(hist_s.total(), total);
    assert_eq!(hist_p.total(), total / 2);
    println!(
        "every permutation n = {n}: signed {} (worst {:?}); positive {} (worst {:?})",
        hist_s.render(),
        hist_s.max(),
        hist_p.render(),
        hist_p.max()
    );
    (hist_s, hist_p)
}

#[test]
fn every_permutation_n2_n4_n6() {
    for n in [2, 4, 6] {
        every_permutation(n);
    }
}

#[test]
fn every_permutation_n8() {
    every_permutation(8);
}

#[test]
fn permutation_matrix_convention() {
    // Column j has its 1 in row p[j]: P e_j = e_{p[j]}.
    let p = [2, 0, 3, 1];
    let t = perm_matrix(&p);
    for (j, &pj) in p.iter().enumerate() {
        let mut e = vec![qi(0); 4];
        e[j] = qi(1);
        let img = t.mul_vec(&e);
        assert!(img[pj].is_one());
        let dec = verify(&t, Mode::Signed);
        assert_eq!(dec.apply(&e), img);
    }
}

// ---------------------------------------------------------------------------
// Block structure
// ---------------------------------------------------------------------------

#[test]
fn block_diagonal_random_invertible() {
    let mut rng = TestRng::new(41);
    for n in [4, 8, 16] {
        let d = n / 2;
        for trial in 0..3 {
            let p = rng.invertible(d, -5, 5);
            let qm = rng.invertible(d, -5, 5);
            let t = block_diag(&p, &qm);
            family(
                &format!("diag(P, Q) random n = {n} #{trial}"),
                &t,
                SIGNED_MAX,
                POSITIVE_MAX,
            );
        }
    }
}

#[test]
fn block_diagonal_permutations() {
    let mut rng = TestRng::new(42);
    for n in [4, 8, 16] {
        let d = n / 2;
        for trial in 0..3 {
            let p = perm_matrix(&rng.permutation(d));
            let qm = perm_matrix(&rng.permutation(d));
            let t = block_diag(&p, &qm);
            family(
                &format!("diag(P, Q) permutations n = {n} #{trial}"),
                &t,
                SIGNED_MAX,
                POSITIVE_MAX,
            );
        }
    }
}

#[test]
fn block_diagonal_inverse_pair() {
    let mut rng = TestRng::new(43);
    for n in [4, 8, 16] {
        let d = n / 2;
        // P = Q^-1 for a random integer Q and for a random permutation Q.
        let qm = rng.invertible(d, -4, 4);
        let p = qm.inverse().unwrap();
        let t = block_diag(&p, &qm);
        assert_eq!(t.det(), qi(1));
        family(
            &format!("diag(Q^-1, Q) n = {n}"),
            &t,
            SIGNED_MAX,
            POSITIVE_MAX,
        );
        let qp = perm_matrix(&rng.permutation(d));
        let t = block_diag(&qp.inverse().unwrap(), &qp);
        family(
            &format!("diag(Q^-1, Q) permutation n = {n}"),
            &t,
            SIGNED_MAX,
            POSITIVE_MAX,
        );
    }
}

#[test]
fn zero_off_diagonal_blocks() {
    let mut rng = TestRng::new(44);
    for n in [2, 4, 8, 16] {
        let d = n / 2;
        let z = Matrix::zeros(d, d);
        // Block upper triangular, block lower triangular, and both zero.
        let a = rng.invertible(d, -5, 5);
        let c = rng.invertible(d, -5, 5);
        let b = rng.int_matrix(d, d, -5, 5);
        for (name, t) in [
            ("T21 = 0", blocks(&a, &b, &z, &c)),
            ("T12 = 0", blocks(&a, &z, &b, &c)),
            ("T12 = T21 = 0", blocks(&a, &z, &z, &c)),
        ] {
            family(&format!("{name} n = {n}"), &t, SIGNED_MAX, POSITIVE_MAX);
        }
    }
}

/// A nonzero `d x d` integer matrix of rank `r < d` (`couplings::families::low_rank`).
fn low_rank(rng: &mut TestRng, d: usize, r: usize) -> Matrix {
    couplings::families::low_rank(&mut rng.0, d, r)
}

#[test]
fn singular_off_diagonal_blocks() {
    let mut rng = TestRng::new(45);
    let mut seen = 0;
    for n in [4, 8, 16] {
        let d = n / 2;
        for r in [1, d - 1] {
            // T = [[A, B], [C, D]] with B and C singular but nonzero.
            let t = loop {
                let t = blocks(
                    &rng.int_matrix(d, d, -5, 5),
                    &low_rank(&mut rng, d, r),
                    &low_rank(&mut rng, d, r),
                    &rng.int_matrix(d, d, -5, 5),
                );
                if !t.det().is_zero() {
                    break t;
                }
            };
            let b = t.block(0, d, d, d);
            let c = t.block(d, 0, d, d);
            assert!(b.det().is_zero() && c.det().is_zero() && !b.is_zero() && !c.is_zero());
            family(
                &format!("singular off-diagonal blocks rank {r}, n = {n}"),
                &t,
                SIGNED_MAX,
                POSITIVE_MAX,
            );
            seen += 1;
        }
    }
    assert_eq!(seen, 6);
}

#[test]
fn singular_diagonal_blocks() {
    let mut rng = TestRng::new(46);
    let mut seen = 0;
    for n in [4, 8, 16] {
        let d = n / 2;
        for r in [0, 1, d - 1] {
            // T11 and T22 singular (rank r; r = 0 means zero blocks).
            let t = loop {
                let diag_block = |rng: &mut TestRng| {
                    if r == 0 {
                        Matrix::zeros(d, d)
                    } else {
                        low_rank(rng, d, r)
                    }
                };
                let a = diag_block(&mut rng);
                let dd = diag_block(&mut rng);
                let t = blocks(
                    &a,
                    &rng.int_matrix(d, d, -5, 5),
                    &rng.int_matrix(d, d, -5, 5),
                    &dd,
                );
                if !t.det().is_zero() {
                    break t;
                }
            };
            assert!(t.block(0, 0, d, d).det().is_zero() && t.block(d, d, d, d).det().is_zero());
            family(
                &format!("singular diagonal blocks rank {r}, n = {n}"),
                &t,
                SIGNED_MAX,
                POSITIVE_MAX,
            );
            seen += 1;
        }
    }
    assert_eq!(seen, 9);
}

#[test]
fn singular_diagonal_and_off_diagonal_blocks() {
    // All four blocks singular: T = [[A, B], [C, D]] with every block of rank d/2.
    let mut rng = TestRng::new(47);
    for n in [4, 8] {
        let d = n / 2;
        let t = loop {
            let t = blocks(
                &low_rank(&mut rng, d, d / 2),
                &low_rank(&mut rng, d, d / 2),
                &low_rank(&mut rng, d, d / 2),
                &low_rank(&mut rng, d, d / 2),
            );
            if !t.det().is_zero() {
                break t;
            }
        };
        family(
            &format!("all blocks singular n = {n}"),
            &t,
            SIGNED_MAX,
            POSITIVE_MAX,
        );
    }
}

// ---------------------------------------------------------------------------
// Huge and tiny entries
// ---------------------------------------------------------------------------

fn pow2(e: u32) -> Q {
    Q::from_integer(BigInt::one() << e)
}

#[test]
fn huge_and_tiny_entries() {
    let mut rng = TestRng::new(48);
    let big = pow2(130);
    // 2^-104: even 9 * 2^-104 is below 2^-100.
    let tiny = pow2(104).recip();
    for n in [2, 4, 8] {
        let base = rng.invertible(n, -9, 9);
        // Uniformly scaled by 2^130 and by 2^-101.
        for (name, s) in [("2^130", &big), ("2^-104", &tiny)] {
            let t = base.map(|x| x * s);
            let (sl, _) = both_modes(
                &format!("entries scaled by {name}, n = {n}"),
                &t,
                SIGNED_MAX,
                POSITIVE_MAX,
            );
            assert!(sl >= 1);
        }
        // Mixed entrywise: some entries times 2^130, some times 2^-101, some plain,
        // some with fractions like 3/2^104 + 2^130.
        let t = loop {
            let mut m = rng.int_matrix(n, n, -9, 9);
            for i in 0..n {
                for j in 0..n {
                    let v = m.get(i, j).clone();
                    let w = match rng.range(0, 3) {
                        0 => &v * &big,
                        1 => &v * &tiny,
                        2 => v,
                        _ => &(&v * &tiny) + &big,
                    };
                    m.set(i, j, w);
                }
            }
            // Make sure both extremes occur.
            m.set(0, 0, &big * qi(rng.range(1, 9)));
            m.set(n - 1, 0, &tiny * qi(rng.range(-9, -1)));
            if !m.det().is_zero() {
                break m;
            }
        };
        assert!(t.entries().iter().any(|x| x.abs() > pow2(128)));
        assert!(
            t.entries()
                .iter()
                .any(|x| !x.is_zero() && x.abs() < pow2(100).recip())
        );
        let t = make_det_positive(&t);
        let (s, p) = both_modes(
            &format!("mixed 2^130 / 2^-104 entries, n = {n}"),
            &t,
            SIGNED_MAX,
            POSITIVE_MAX,
        );
        assert!(s >= 1 && p.is_some());
    }
}

#[test]
fn huge_and_tiny_entries_worst_case_structure() {
    // Monomial matrices with both diagonal blocks singular (two peels needed)
    // and entries 2^130, 2^-104: the peels and the core on extreme entries.
    let big = pow2(130);
    let tiny = pow2(104).recip();
    for (p, scales) in [
        (
            vec![0, 2, 1, 3],
            vec![big.clone(), tiny.clone(), qi(-3), big.clone()],
        ),
        (
            perfect_shuffle(8),
            vec![
                tiny.clone(),
                big.clone(),
                qi(5),
                -&tiny,
                big.clone(),
                q(1, 3),
                tiny.clone(),
                -&big,
            ],
        ),
    ] {
        let t = &perm_matrix(&p) * &Matrix::from_diagonal(&scales);
        let d = p.len() / 2;
        assert!(t.block(0, 0, d, d).det().is_zero() && t.block(d, d, d, d).det().is_zero());
        let (s, pl) = family(
            &format!("monomial {p:?} with 2^130 / 2^-104 entries"),
            &t,
            SIGNED_MAX,
            POSITIVE_MAX,
        );
        println!(
            "WORST CASE monomial n = {}: signed {s}, positive {pl}",
            2 * d
        );
    }
}

#[test]
fn huge_integer_entries_inverse_and_apply() {
    // A 2^130-scaled matrix: the inverse decomposition has entries near 2^-130.
    let mut rng = TestRng::new(49);
    let t = rng.invertible(6, -9, 9).map(|x| x * pow2(130));
    let dec = verify(&t, Mode::Signed);
    let inv = dec.inverse();
    assert_eq!(inv.product(), t.inverse().unwrap());
    let x: Vec<Q> = (0..6).map(|i| q(1 + i as i64, 7)).collect();
    assert_eq!(dec.apply(&x), t.mul_vec(&x));
    assert!(
        dec.max_bits() >= 100,
        "entries of 2^130 scale expected in the layers"
    );
}

// ---------------------------------------------------------------------------
// Random dense integer matrices
// ---------------------------------------------------------------------------

/// Whether `T21` or `T12` is invertible: the generic situation in which the
/// five-layer core applies (directly or after the swap of halves).
fn off_diagonal_invertible(t: &Matrix) -> bool {
    let d = t.rows() / 2;
    !t.block(d, 0, d, d).det().is_zero() || !t.block(0, d, d, d).det().is_zero()
}

/// Random invertible integer matrices with entries in [-9, 9]: at most 5 layers
/// (signed) and 8 (positive, after negating row 0 when `det < 0`) for generic
/// inputs (`T21` or `T12` invertible); the worst-case bounds otherwise (small `n`
/// has many zero entries, so both off-diagonal blocks can be singular).
/// Positive mode only when `positive` (it is ~50x slower than signed mode for
/// n >= 16, see `regression_positive_mode_generic_cost` in construct_props.rs).
fn random_dense(n: usize, count: usize, seed: u64, positive: bool) {
    let mut rng = TestRng::new(seed);
    let mats: Vec<Matrix> = (0..count).map(|_| rng.invertible(n, -9, 9)).collect();
    let hist_s = Histogram::default();
    let hist_p = Histogram::default();
    let special = Histogram::default();
    mats.par_iter().enumerate().for_each(|(k, t)| {
        let generic = off_diagonal_invertible(t);
        let (smax, pmax) = if generic {
            (GENERIC_SIGNED_MAX, GENERIC_POSITIVE_MAX)
        } else {
            special.add(0);
            (SIGNED_MAX, POSITIVE_MAX)
        };
        // Timed phases (reported for n >= 32): decompose (which verifies its own
        // product), then the test's own exact product and the independent check.
        let start = std::time::Instant::now();
        let (s, trace) = decompose_traced(t, &opts(Mode::Signed))
            .unwrap_or_else(|e| panic!("n = {n} #{k}: {e}"));
        let t_dec = start.elapsed();
        let start_product = std::time::Instant::now();
        assert!(s.product() == *t, "n = {n} #{k}: product differs");
        let t_product = start_product.elapsed();
        let start_check = std::time::Instant::now();
        if let Err(e) = couplings::check(t, &s) {
            panic!("n = {n} #{k}: checker: {e}");
        }
        let t_check = start_check.elapsed();
        assert_eq!(s.mode, Mode::Signed);
        assert!(
            s.len() <= smax,
            "n = {n} #{k}: {} layers via {trace:?}",
            s.len()
        );
        hist_s.add(s.len());
        if n >= 32 {
            println!(
                "random dense n = {n} #{k}: signed {} layers via {}, max bits {}; decompose {t_dec:.1?}, product {t_product:.1?}, check {t_check:.1?}",
                s.len(),
                trace.construction,
                s.max_bits()
            );
        }
        if positive {
            let tp = make_det_positive(t);
            assert!(tp.det().is_positive());
            let p = verify_at_most(&tp, Mode::Positive, pmax);
            hist_p.add(p.len());
        }
    });
    assert_eq!(hist_s.total(), count);
    assert_eq!(hist_p.total(), if positive { count } else { 0 });
    if n >= 6 {
        assert_eq!(
            special.total(),
            0,
            "n = {n}: a singular T21 and T12 at random"
        );
    }
    println!(
        "random dense n = {n} ({count} matrices, {} with T21 and T12 singular): signed {}, positive {}",
        special.total(),
        hist_s.render(),
        hist_p.render()
    );
}

#[test]
fn random_dense_integer_small() {
    for (n, count) in [(2, 40), (4, 40), (8, 20), (16, 4)] {
        random_dense(n, count, 100 + n as u64, true);
    }
}

#[test]
fn random_dense_integer_n32() {
    random_dense(32, 2, 132, false);
}

#[test]
fn random_dense_integer_n64() {
    random_dense(64, 1, 164, false);
}

// ---------------------------------------------------------------------------
// Glow-style rational rotations
// ---------------------------------------------------------------------------

/// Pythagorean triples (a, b, c) with a^2 + b^2 = c^2.
const TRIPLES: [(i64, i64, i64); 6] = [
    (3, 4, 5),
    (5, 12, 13),
    (8, 15, 17),
    (7, 24, 25),
    (20, 21, 29),
    (12, 35, 37),
];

/// A product of `count` random Givens rotations with rational cos/sin.
fn rational_rotation(rng: &mut TestRng, n: usize, count: usize) -> Matrix {
    let mut r = Matrix::identity(n);
    for _ in 0..count {
        let i = rng.range(0, n as i64 - 1) as usize;
        let mut j = rng.range(0, n as i64 - 2) as usize;
        if j >= i {
            j += 1;
        }
        let (a, b, c) = TRIPLES[rng.range(0, TRIPLES.len() as i64 - 1) as usize];
        let (cs, mut sn) = if rng.range(0, 1) == 0 {
            (q(a, c), q(b, c))
        } else {
            (q(b, c), q(a, c))
        };
        if rng.range(0, 1) == 0 {
            sn = -sn;
        }
        let mut g = Matrix::identity(n);
        g.set(i, i, cs.clone());
        g.set(j, j, cs);
        g.set(i, j, -&sn);
        g.set(j, i, sn);
        r = &g * &r;
    }
    r
}

#[test]
fn glow_style_rational_rotations() {
    let mut rng = TestRng::new(50);
    for c in [4, 8] {
        for trial in 0..3 {
            let t = rational_rotation(&mut rng, c, 3 * c);
            // Orthogonal with det 1.
            assert!((&t.transpose() * &t).is_identity());
            assert_eq!(t.det(), qi(1));
            let (s, p) = both_modes(
                &format!("Glow rotation c = {c} #{trial}"),
                &t,
                GENERIC_SIGNED_MAX,
                POSITIVE_MAX,
            );
            assert!(s <= 5);
            assert!(p.is_some());
        }
    }
}

// ---------------------------------------------------------------------------
// Worst cases, with explicit bounds and printed observations
// ---------------------------------------------------------------------------

/// Both modes (positive on the row-negated matrix when `det < 0`), with the
/// worst-case bounds; prints and returns (signed, positive) layer counts.
fn worst_case(label: &str, t: &Matrix) -> (usize, usize) {
    let (s, p) = family(label, t, SIGNED_MAX, POSITIVE_MAX);
    println!("WORST CASE {label}: signed {s}, positive {p}");
    (s, p)
}

#[test]
fn worst_case_transposition_1_2_n4() {
    // Exchanges coordinates 1 and 2 (0-based): both diagonal blocks singular.
    let t = perm_matrix(&[0, 2, 1, 3]);
    assert!(t.block(0, 0, 2, 2).det().is_zero() && t.block(2, 2, 2, 2).det().is_zero());
    assert_eq!(t.det(), qi(-1), "a transposition is odd");
    worst_case("transposition (1 2), n = 4", &t);
    // Its even companion (1 2)(0 3) and the 3-cycle on 0, 1, 2 in positive mode.
    let t = perm_matrix(&[3, 2, 1, 0]);
    worst_case("(0 3)(1 2), n = 4", &t);
    let t = perm_matrix(&[0, 2, 3, 1]);
    assert_eq!(t.det(), qi(1));
    worst_case("3-cycle (1 2 3), n = 4", &t);
}

fn perfect_shuffle(n: usize) -> Vec<usize> {
    let d = n / 2;
    (0..n)
        .map(|j| if j < d { 2 * j } else { 2 * (j - d) + 1 })
        .collect()
}

#[test]
fn worst_case_perfect_shuffle_n16() {
    let p = perfect_shuffle(16);
    let t = perm_matrix(&p);
    assert!(t.block(0, 0, 8, 8).det().is_zero() && t.block(8, 8, 8, 8).det().is_zero());
    worst_case("perfect shuffle n = 16", &t);
    // Its inverse (the unshuffle) too.
    let inv = common::invert_perm(&p);
    worst_case("perfect unshuffle n = 16", &perm_matrix(&inv));
}

#[test]
fn worst_case_reverse_n16() {
    let p: Vec<usize> = (0..16).rev().collect();
    let t = perm_matrix(&p);
    assert_eq!(perm_sign(&p), 1);
    worst_case("reverse n = 16", &t);
    // The reversal inside each half (block diagonal, T12 = T21 = 0).
    let p: Vec<usize> = (0..8).rev().chain((8..16).rev()).collect();
    worst_case("reverse within halves n = 16", &perm_matrix(&p));
}

#[test]
fn worst_case_block_diagonal() {
    let mut rng = TestRng::new(51);
    let p = perm_matrix(&rng.permutation(8));
    let qm = perm_matrix(&rng.permutation(8));
    worst_case("block-diagonal permutations n = 16", &block_diag(&p, &qm));
    let a = rng.invertible(8, -3, 3);
    worst_case(
        "block-diagonal diag(A, A^-1) n = 16",
        &block_diag(&a, &a.inverse().unwrap()),
    );
}

#[test]
fn worst_case_minus_identity() {
    for n in [2, 4, 8, 16] {
        let (s, p) = worst_case(&format!("-I n = {n}"), &minus_identity(n));
        assert_eq!(s, 2);
        assert!(p >= 3, "-I needs more than two positive layers");
    }
}

// ---------------------------------------------------------------------------
// Layer-count claims
// ---------------------------------------------------------------------------

#[test]
fn layer_count_claim_t21_invertible_at_most_five() {
    let mut rng = TestRng::new(52);
    for n in [2, 4, 6, 8, 10] {
        let d = n / 2;
        for _ in 0..8 {
            let t = loop {
                let t = rng.invertible(n, -9, 9);
                if !t.block(d, 0, d, d).det().is_zero() {
                    break t;
                }
            };
            verify_at_most(&t, Mode::Signed, GENERIC_SIGNED_MAX);
            verify_at_most(&make_det_positive(&t), Mode::Positive, GENERIC_POSITIVE_MAX);
        }
    }
}

#[test]
fn layer_count_claim_t12_invertible_at_most_five() {
    // T21 singular (rank d - 1) but T12 invertible: the swap symmetry applies.
    let mut rng = TestRng::new(53);
    for n in [4, 6, 8, 10] {
        let d = n / 2;
        for _ in 0..6 {
            let t = loop {
                let t = blocks(
                    &rng.int_matrix(d, d, -9, 9),
                    &rng.invertible(d, -9, 9),
                    &low_rank(&mut rng, d, d - 1),
                    &rng.int_matrix(d, d, -9, 9),
                );
                if !t.det().is_zero() {
                    break t;
                }
            };
            assert!(t.block(d, 0, d, d).det().is_zero());
            verify_at_most(&t, Mode::Signed, GENERIC_SIGNED_MAX);
            verify_at_most(&make_det_positive(&t), Mode::Positive, GENERIC_POSITIVE_MAX);
        }
    }
}

#[test]
fn decompose_default_is_signed_mode() {
    let t = Matrix::from_i64(&[&[1, 2, 0, 1], &[0, 1, 3, 0], &[2, 0, 1, 1], &[1, 1, 0, 2]]);
    let a = decompose(&t).unwrap();
    let (b, _) = decompose_traced(&t, &opts(Mode::Signed)).unwrap();
    assert_eq!(a, b);
    assert_eq!(a.mode, Mode::Signed);
    assert_valid(&t, &a, Mode::Signed);
}

// ---------------------------------------------------------------------------
// Regressions
// ---------------------------------------------------------------------------

/// Positive mode on a generic (random dense) input whose five-layer core needs
/// the sign fix (7 layers) keeps searching: all 16 core conjugates, then
/// `left_peel` on all four symmetries (each up to 7 more core builds on larger
/// entries, returning an 8-layer fallback that cannot beat the 7 already found)
/// and four random peels. Measured: n = 16 signed 58 ms vs positive 3.1 s (53x),
/// n = 24 0.35 s vs 21 s, n = 32 1.5 s vs 91 s (n = 64 positive: tens of minutes),
/// all ending with the same 7-layer "five-layer core" answer. Positive mode should
/// cost a small multiple of signed mode; this pins <= 10x (+ 0.5 s slack).
#[test]
fn regression_positive_mode_generic_cost() {
    // Positive mode used to build every core and peel candidate even after a
    // 7-layer answer existed (about 50x the signed-mode time at n = 16). The fix
    // only builds candidates that can improve on the best one; the time itself is
    // measured by `cargo bench --bench decompose` (COUPLINGS_BENCH_POSITIVE=1),
    // not here. This pins the answer's quality on the same input.
    let mut rng = TestRng::new(132);
    let t = make_det_positive(&rng.invertible(16, -9, 9));
    let (p, trace) = verify_traced(&t, Mode::Positive);
    println!(
        "positive n = 16: {} layers via {} (sign fix {})",
        p.len(),
        trace.construction,
        trace.sign_fix
    );
    assert!(p.len() <= GENERIC_POSITIVE_MAX);
}
