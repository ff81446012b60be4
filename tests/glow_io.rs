//! Glow weights in and float layers out (issue 5): `.npy` and safetensors
//! parsing (all header versions, byte orders, memory orders; malformed inputs
//! with their error kinds; fuzz-style robustness), the exact dyadic conversion
//! (proptest and quickcheck), `--round`, the export layout read back in Rust,
//! and the CLI (`export`, weight inputs of `decompose`).

use couplings::exact::{Matrix, Q, q, qi, to_f64};
use couplings::export::{ExportInput, RoundError, export, ln_q, round_matrix};
use couplings::io::{
    DType, InputError, InputFormat, SafetensorsWriter, TensorError, f64_to_exact, load_input,
    npy_bytes_f32, npy_bytes_f64, parse_npy, parse_safetensors, read_tensor,
};
use couplings::{Mode, Options, Strategy, check, decompose_with};
use num_traits::{One, Signed, Zero};
use proptest::prelude::*;
use std::path::PathBuf;
use std::process::{Command, Output};

const BIN: &str = env!("CARGO_BIN_EXE_couplings");

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A `.npy` file with a hand-written header dict and raw data.
fn npy_raw(major: u8, header: &str, data: &[u8]) -> Vec<u8> {
    let mut h = header.to_string();
    h.push('\n');
    let mut out = b"\x93NUMPY".to_vec();
    out.extend_from_slice(&[major, 0]);
    if major == 1 {
        out.extend_from_slice(&(h.len() as u16).to_le_bytes());
    } else {
        out.extend_from_slice(&(h.len() as u32).to_le_bytes());
    }
    out.extend_from_slice(h.as_bytes());
    out.extend_from_slice(data);
    out
}

fn tmp(name: &str) -> PathBuf {
    std::env::temp_dir().join(format!("couplings-glow-io-{}-{name}", std::process::id()))
}

fn run(args: &[&str]) -> Output {
    Command::new(BIN).args(args).output().unwrap()
}

// ---------------------------------------------------------------- .npy

#[test]
fn npy_all_versions_orders_and_dtypes() {
    let vals = [1.5f64, -2.0, 0.1, 3.25];
    let le8: Vec<u8> = vals.iter().flat_map(|v| v.to_le_bytes()).collect();
    let be8: Vec<u8> = vals.iter().flat_map(|v| v.to_be_bytes()).collect();
    let le4: Vec<u8> = vals
        .iter()
        .flat_map(|v| (*v as f32).to_le_bytes())
        .collect();
    let be4: Vec<u8> = vals
        .iter()
        .flat_map(|v| (*v as f32).to_be_bytes())
        .collect();
    // Fortran order of [[1.5, -2.0], [0.1, 3.25]] is 1.5, 0.1, -2.0, 3.25.
    let fo: Vec<u8> = [1.5f64, 0.1, -2.0, 3.25]
        .iter()
        .flat_map(|v| v.to_le_bytes())
        .collect();
    let f32_vals: Vec<f64> = vals.iter().map(|v| f64::from(*v as f32)).collect();
    for major in [1u8, 2, 3] {
        let cases: [(&str, &[u8], bool, &[usize]); 5] = [
            ("<f8", &le8, false, &[2, 2]),
            (">f8", &be8, false, &[2, 2]),
            ("<f4", &le4, false, &[2, 2, 1, 1]),
            (">f4", &be4, false, &[2, 2]),
            ("<f8", &fo, true, &[2, 2]),
        ];
        for (descr, data, fortran, shape) in cases {
            let dims: Vec<String> = shape.iter().map(|d| d.to_string()).collect();
            let header = format!(
                "{{'descr': '{descr}', 'fortran_order': {}, 'shape': ({}), }}",
                if fortran { "True" } else { "False" },
                dims.join(", ")
            );
            let t = parse_npy(&npy_raw(major, &header, data)).unwrap();
            let want = if descr.ends_with("f4") {
                &f32_vals
            } else {
                &vals.to_vec()
            };
            assert_eq!(&t.values, want, "{major} {descr} {fortran}");
            assert_eq!(t.shape, shape.to_vec());
            let m = t.to_matrix().unwrap();
            assert_eq!(m.get(0, 1), &qi(-2));
        }
    }
}

#[test]
fn npy_float16_and_double_quotes() {
    let data: Vec<u8> = [0x3c00u16, 0xc000, 0x3800, 0x0000]
        .iter()
        .flat_map(|h| h.to_le_bytes())
        .collect();
    let t = parse_npy(&npy_raw(
        1,
        r#"{"descr": "<f2", "fortran_order": False, "shape": (2, 2)}"#,
        &data,
    ))
    .unwrap();
    assert_eq!(t.dtype, DType::F16);
    assert_eq!(t.values, vec![1.0, -2.0, 0.5, 0.0]);
}

#[test]
fn npy_errors_have_kinds() {
    let ok = npy_bytes_f64(&[2, 2], &[1.0, 0.0, 0.0, 1.0]);
    assert_eq!(parse_npy(b"hello world"), Err(TensorError::BadMagic));
    let mut v9 = ok.clone();
    v9[6] = 9;
    assert_eq!(
        parse_npy(&v9),
        Err(TensorError::UnsupportedVersion { major: 9, minor: 0 })
    );
    let int = npy_raw(
        1,
        "{'descr': '<i4', 'fortran_order': False, 'shape': (1, 1), }",
        &[1, 0, 0, 0],
    );
    match parse_npy(&int) {
        Err(TensorError::UnsupportedDtype { dtype }) => assert!(dtype.contains("<i4")),
        other => panic!("{other:?}"),
    }
    let missing = npy_raw(1, "{'descr': '<f8', 'shape': (1, 1), }", &[0; 8]);
    assert!(matches!(
        parse_npy(&missing),
        Err(TensorError::BadHeader { .. })
    ));
    let garbage = npy_raw(1, "{'descr': <f8}", &[0; 8]);
    assert!(matches!(
        parse_npy(&garbage),
        Err(TensorError::BadHeader { .. })
    ));
    let mut extra = ok.clone();
    extra.push(0);
    assert_eq!(
        parse_npy(&extra),
        Err(TensorError::DataSize {
            expected: 32,
            found: 33
        })
    );
    // Every proper prefix is refused (truncated header or data), never a panic.
    for len in 0..ok.len() {
        let e = parse_npy(&ok[..len]).unwrap_err();
        assert!(
            matches!(
                e,
                TensorError::BadMagic
                    | TensorError::Truncated { .. }
                    | TensorError::BadHeader { .. }
            ),
            "{len}: {e:?}"
        );
    }
    // Wrong shapes and non-finite entries are refused by the matrix rule.
    let t = parse_npy(&npy_bytes_f64(&[2, 3], &[0.0; 6])).unwrap();
    assert_eq!(
        t.to_matrix(),
        Err(TensorError::BadShape { shape: vec![2, 3] })
    );
    let t = parse_npy(&npy_bytes_f64(&[3, 3, 1, 2], &[0.0; 18])).unwrap();
    assert!(matches!(t.to_matrix(), Err(TensorError::BadShape { .. })));
    let t = parse_npy(&npy_bytes_f32(&[2, 2], &[1.0, 2.0, f32::NAN, 1.0])).unwrap();
    match t.to_matrix() {
        Err(TensorError::NonFinite {
            row: 1,
            col: 0,
            value,
        }) => assert!(value.is_nan()),
        other => panic!("{other:?}"),
    }
    let t = parse_npy(&npy_bytes_f64(&[2, 2], &[1.0, f64::INFINITY, 0.0, 1.0])).unwrap();
    let e = t.to_matrix().unwrap_err();
    assert!(e.to_string().contains("row 0, column 1"), "{e}");
}

// ---------------------------------------------------------------- safetensors

fn two_tensor_file() -> Vec<u8> {
    let mut w = SafetensorsWriter::new();
    w.add_f64("flow.invconv.weight", &[2, 2, 1, 1], &[0.0, -1.0, 1.0, 0.0]);
    w.add_f32("other", &[3], &[1.0, 2.0, 3.0]);
    w.metadata("k", "v");
    w.to_bytes()
}

#[test]
fn safetensors_by_name_and_errors() {
    let bytes = two_tensor_file();
    let t = read_tensor(&bytes, Some("flow.invconv.weight")).unwrap();
    assert_eq!(
        t.to_matrix().unwrap(),
        Matrix::from_i64(&[&[0, -1], &[1, 0]])
    );
    match read_tensor(&bytes, Some("nope")) {
        Err(TensorError::TensorNotFound { name, available }) => {
            assert_eq!(name, "nope");
            assert_eq!(available, vec!["flow.invconv.weight", "other"]);
        }
        other => panic!("{other:?}"),
    }
    let e = read_tensor(&bytes, None).unwrap_err();
    assert!(matches!(e, TensorError::AmbiguousTensor { .. }));
    assert!(e.to_string().contains("flow.invconv.weight, other"), "{e}");
    assert_eq!(
        read_tensor(&bytes, Some("other")).unwrap().to_matrix(),
        Err(TensorError::BadShape { shape: vec![3] })
    );
    // Header alignment and determinism.
    let n = u64::from_le_bytes(bytes[..8].try_into().unwrap()) as usize;
    assert_eq!(n % 8, 0);
    assert_eq!(bytes, two_tensor_file());
}

fn st_raw(header: &str, data: &[u8]) -> Vec<u8> {
    let mut out = (header.len() as u64).to_le_bytes().to_vec();
    out.extend_from_slice(header.as_bytes());
    out.extend_from_slice(data);
    out
}

#[test]
fn safetensors_malformed() {
    assert!(matches!(
        parse_safetensors(&[1, 2, 3]),
        Err(TensorError::Truncated { .. })
    ));
    assert!(matches!(
        parse_safetensors(&u64::MAX.to_le_bytes()),
        Err(TensorError::BadHeader { .. })
    ));
    assert!(matches!(
        parse_safetensors(&st_raw("{not json", &[])),
        Err(TensorError::BadHeader { .. })
    ));
    assert!(matches!(
        parse_safetensors(&st_raw("[1]", &[])),
        Err(TensorError::BadHeader { .. })
    ));
    // Offsets and sizes are named by tensor and field (issue 17, class 4).
    let past_end = r#"{"w": {"dtype": "F64", "shape": [1], "data_offsets": [0, 16]}}"#;
    assert!(matches!(
        parse_safetensors(&st_raw(past_end, &[0; 8])),
        Err(TensorError::BadEntry { ref tensor, ref field, .. }) if tensor == "w" && field == "data_offsets"
    ));
    let wrong_size = r#"{"w": {"dtype": "F64", "shape": [2], "data_offsets": [0, 8]}}"#;
    match parse_safetensors(&st_raw(wrong_size, &[0; 8])) {
        Err(TensorError::BadEntry {
            tensor,
            field,
            reason,
        }) => {
            assert_eq!((tensor.as_str(), field.as_str()), ("w", "shape"));
            assert!(reason.contains("needs 16 bytes"), "{reason}");
        }
        other => panic!("{other:?}"),
    }
    let int = r#"{"w": {"dtype": "I64", "shape": [1, 1], "data_offsets": [0, 8]}}"#;
    match read_tensor(&st_raw(int, &[0; 8]), None) {
        Err(TensorError::UnsupportedDtype { dtype }) => assert!(dtype.contains("I64")),
        other => panic!("{other:?}"),
    }
    let no_dtype = r#"{"w": {"shape": [1], "data_offsets": [0, 8]}}"#;
    assert!(matches!(
        parse_safetensors(&st_raw(no_dtype, &[0; 8])),
        Err(TensorError::BadHeader { .. })
    ));
    let bf16 = r#"{"w": {"dtype": "BF16", "shape": [1, 1], "data_offsets": [0, 2]}}"#;
    // bfloat16 0x3fc0 = 1.5
    let t = read_tensor(&st_raw(bf16, &[0xc0, 0x3f]), None).unwrap();
    assert_eq!(
        t.to_matrix().unwrap(),
        Matrix::from_rows(vec![vec![q(3, 2)]]).unwrap()
    );
    let bytes = two_tensor_file();
    for len in 0..bytes.len() {
        assert!(parse_safetensors(&bytes[..len]).is_err(), "prefix {len}");
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// Random byte edits of valid files are refused or decoded, never a panic.
    #[test]
    fn mutated_files_never_panic(pos in 0usize..400, byte in any::<u8>(), cut in 0usize..400) {
        for mut bytes in [npy_bytes_f32(&[3, 3], &[0.5; 9]), two_tensor_file()] {
            let p = pos % bytes.len();
            bytes[p] = byte;
            bytes.truncate(bytes.len().saturating_sub(cut % 8));
            if let Ok(t) = parse_npy(&bytes) {
                let _ = t.to_matrix();
            }
            if let Ok(st) = parse_safetensors(&bytes) {
                for name in st.names() {
                    let _ = st.tensor(&name).map(|t| t.to_matrix());
                }
            }
        }
    }

    /// Arbitrary bytes behind a valid magic and version.
    #[test]
    fn arbitrary_headers_never_panic(body in proptest::collection::vec(any::<u8>(), 0..200)) {
        let mut bytes = b"\x93NUMPY\x01\x00".to_vec();
        bytes.extend_from_slice(&body);
        let _ = parse_npy(&bytes);
        let _ = parse_safetensors(&body);
    }

    /// f64 -> exact rational -> f64 is the identity on finite floats, and the
    /// rational is dyadic.
    #[test]
    fn dyadic_round_trip_proptest(bits in any::<u64>()) {
        let x = f64::from_bits(bits);
        prop_assume!(x.is_finite());
        let r = f64_to_exact(x).unwrap();
        prop_assert_eq!(to_f64(&r), x);
        let d = r.denom();
        prop_assert!((d & (d - num_bigint::BigInt::one())).is_zero(), "denominator is a power of 2");
    }

    #[test]
    fn dyadic_f32_round_trip(bits in any::<u32>()) {
        let x = f32::from_bits(bits);
        prop_assume!(x.is_finite());
        let r = f64_to_exact(f64::from(x)).unwrap();
        prop_assert_eq!(to_f64(&r) as f32, x);
    }

    /// Rounding error is at most half a unit of the last digit.
    #[test]
    fn rounding_error_bound(vals in proptest::collection::vec(-1000i64..1000, 4), digits in 0u32..4) {
        let w = Matrix::from_rows(vec![
            vec![q(vals[0], 7) + qi(3), q(vals[1], 13)],
            vec![q(vals[2], 11), q(vals[3], 17) + qi(100)],
        ]).unwrap();
        if let Ok(r) = round_matrix(&w, digits) {
            let half = q(1, 2) / Q::from_integer(num_traits::pow(num_bigint::BigInt::from(10), digits as usize));
            prop_assert!(r.max_abs_error <= half);
            prop_assert_eq!(r.matrix.det().signum(), w.det().signum());
        }
    }
}

#[test]
fn dyadic_round_trip_quickcheck() {
    fn prop(x: f64) -> bool {
        match f64_to_exact(x) {
            None => !x.is_finite(),
            Some(r) => to_f64(&r) == x || (x == 0.0 && r.is_zero()),
        }
    }
    quickcheck::QuickCheck::new()
        .tests(2000)
        .quickcheck(prop as fn(f64) -> bool);
    assert_eq!(f64_to_exact(-0.0), Some(Q::zero()));
    assert_eq!(f64_to_exact(f64::MIN_POSITIVE / 4.0).unwrap(), {
        let d = num_traits::pow(num_bigint::BigInt::from(2), 1024);
        Q::new(1.into(), d)
    });
}

#[test]
fn rounding_refuses_singular_and_sign_change() {
    let w = Matrix::from_rows(vec![vec![q(1, 100), qi(0)], vec![qi(0), qi(1)]]).unwrap();
    assert_eq!(round_matrix(&w, 1), Err(RoundError::Singular { digits: 1 }));
    let w = Matrix::from_rows(vec![vec![q(-3, 100), qi(0)], vec![qi(0), qi(1)]]).unwrap();
    // -0.03 rounds to -0.0 (singular) at 1 digit; -0.3 + tie behaviour at 0 digits:
    assert!(round_matrix(&w, 1).is_err());
    let w = Matrix::from_rows(vec![vec![q(-1, 20), qi(0)], vec![qi(0), qi(1)]]).unwrap();
    // -0.05 rounds up to 0.0 at 1 digit: singular; at 2 digits exact.
    assert_eq!(round_matrix(&w, 1), Err(RoundError::Singular { digits: 1 }));
    assert!(round_matrix(&w, 2).unwrap().max_abs_error.is_zero());
    let w = Matrix::from_rows(vec![vec![qi(1), q(49, 100)], vec![qi(2), qi(1)]]).unwrap();
    // det = 1 - 0.98 = 0.02 > 0; rounded to 0 digits: [[1, 0], [2, 1]] det 1 fine;
    // rounded to 1 digit: [[1, 0.5], [2, 1]] det 0.
    assert_eq!(round_matrix(&w, 1), Err(RoundError::Singular { digits: 1 }));
    let w = Matrix::from_rows(vec![vec![qi(1), q(52, 100)], vec![qi(2), q(104, 100)]]).unwrap();
    // det = 1.04 - 1.04 = 0: singular input stays refused.
    assert!(round_matrix(&w, 3).is_err());
    let w = Matrix::from_rows(vec![vec![qi(1), q(46, 100)], vec![qi(2), q(93, 100)]]).unwrap();
    // det = 0.93 - 0.92 = 0.01 > 0; one digit: [[1, 0.5], [2, 0.9]] det = -0.1.
    match round_matrix(&w, 1) {
        Err(RoundError::SignChanged { digits: 1, det }) => assert_eq!(det, q(-1, 10)),
        other => panic!("{other:?}"),
    }
}

// ---------------------------------------------------------------- export

fn glow_rotation_text() -> Matrix {
    couplings::io::read_matrix(&root().join("examples/glow_rotation_8.txt")).unwrap()
}

#[test]
fn export_reads_back_as_the_exact_layers_rounded() {
    let t = glow_rotation_text();
    for mode in [Mode::Signed, Mode::Positive] {
        let dec = decompose_with(
            &t,
            &Options {
                mode,
                ..Options::default()
            },
        )
        .unwrap();
        let (bytes, report) = export(
            &t,
            &dec,
            &ExportInput {
                strategy: Strategy::Shallow,
                source: "examples/glow_rotation_8.txt",
                ..Default::default()
            },
        );
        let st = parse_safetensors(&bytes).unwrap();
        let m = &st.metadata;
        assert_eq!(m["format"], "couplings-layers");
        assert_eq!(m["format_version"], "1");
        assert_eq!(m["split"], "4,4");
        assert_eq!(m["mode"], mode.name());
        assert_eq!(m["num_layers"], dec.len().to_string());
        assert_eq!(m["rounding"], "none");
        assert_eq!(m["target_sha256"], couplings::certificate::target_hash(&t));
        let kinds: Vec<&str> = dec.layers.iter().map(|l| l.kind.name()).collect();
        assert_eq!(m["kinds"], kinds.join(","));
        assert!(m["order"].starts_with("application order"));
        for (i, l) in dec.layers.iter().enumerate() {
            let shift = st.tensor(&format!("layer.{i}.shift")).unwrap();
            assert_eq!(shift.dtype, DType::F64);
            assert_eq!(shift.shape, vec![l.shift.rows(), l.shift.cols()]);
            let want: Vec<f64> = l.shift.entries().iter().map(to_f64).collect();
            assert_eq!(shift.values, want);
            let s32 = st.tensor(&format!("layer.{i}.shift_f32")).unwrap();
            assert_eq!(s32.dtype, DType::F32);
            let want32: Vec<f64> = want.iter().map(|v| f64::from(*v as f32)).collect();
            assert_eq!(s32.values, want32);
            match mode {
                Mode::Signed => {
                    let s = st.tensor(&format!("layer.{i}.scale")).unwrap();
                    let want: Vec<f64> = l.scale.iter().map(to_f64).collect();
                    assert_eq!(s.values, want);
                    assert!(st.tensor(&format!("layer.{i}.log_scale")).is_err());
                }
                Mode::Positive => {
                    let s = st.tensor(&format!("layer.{i}.log_scale")).unwrap();
                    for (v, e) in s.values.iter().zip(&l.scale) {
                        assert!(e.is_positive());
                        assert_eq!(*v, ln_q(e));
                        assert!((v.exp() - to_f64(e)).abs() <= 1e-14 * to_f64(e));
                    }
                }
            }
        }
        let target = st.tensor("target").unwrap().to_matrix().unwrap();
        // The target tensor is t rounded entrywise to float64.
        for (a, b) in target.entries().iter().zip(t.entries()) {
            assert_eq!(to_f64(a), to_f64(b));
        }
        assert_eq!(report.layers, dec.len());
        assert_eq!(report.conditions.len(), dec.len());
        assert!(report.f64_max_abs_error < 1e-9, "{report:?}");
        assert!(report.f64_rel_error < 1e-9);
        assert!(report.f32_rel_error < 1e-1);
        assert_eq!(
            m["float64_chain_rel_error"].parse::<f64>().unwrap(),
            report.f64_rel_error
        );
    }
}

#[test]
fn bundled_glow_weights_decompose_exactly() {
    for (name, c) in [("glow_random_rotation_8.npy", 8), ("glow_lu_8.npy", 8)] {
        let w = load_input(&root().join("examples").join(name), InputFormat::Auto, None).unwrap();
        assert_eq!((w.rows(), w.cols()), (c, c));
        // float32 weights: every entry is k / 2^e exactly.
        assert!(w.entries().iter().all(|x| {
            let d = x.denom();
            (d & (d - num_bigint::BigInt::one())).is_zero()
        }));
        assert!(w.det().is_positive(), "{name}: det > 0 as generated");
        for mode in [Mode::Signed, Mode::Positive] {
            let dec = decompose_with(
                &w,
                &Options {
                    mode,
                    ..Options::default()
                },
            )
            .unwrap();
            assert!(check(&w, &dec).is_ok());
            assert!(dec.len() <= 7);
        }
        let r = round_matrix(&w, 2).unwrap();
        assert!(r.rel_frobenius < 1e-2 && r.rel_spectral < 2e-2);
        let dec = decompose_with(&r.matrix, &Options::default()).unwrap();
        assert!(check(&r.matrix, &dec).is_ok());
    }
}

#[test]
fn bundled_safetensors_checkpoint_matches_the_npy_weights() {
    let ex = root().join("examples");
    let st = ex.join("glow_flow_8.safetensors");
    let lu = load_input(&ex.join("glow_lu_8.npy"), InputFormat::Auto, None).unwrap();
    let rot = load_input(
        &ex.join("glow_random_rotation_8.npy"),
        InputFormat::Auto,
        None,
    )
    .unwrap();
    let get = |name| load_input(&st, InputFormat::Auto, Some(name));
    assert_eq!(get("flow.1.invconv.weight").unwrap(), lu);
    assert_eq!(get("flow.0.invconv.weight").unwrap(), rot);
    assert!(matches!(
        get("flow.0.actnorm.bias"),
        Err(InputError::Tensor(TensorError::BadShape { .. }))
    ));
}

#[test]
fn load_input_dispatches_and_reports() {
    let p = tmp("weights.safetensors");
    std::fs::write(&p, two_tensor_file()).unwrap();
    let m = load_input(&p, InputFormat::Auto, Some("flow.invconv.weight")).unwrap();
    assert_eq!(m, Matrix::from_i64(&[&[0, -1], &[1, 0]]));
    assert!(matches!(
        load_input(&p, InputFormat::Auto, None),
        Err(InputError::Tensor(TensorError::AmbiguousTensor { .. }))
    ));
    assert!(matches!(
        load_input(&p, InputFormat::Text, None),
        Err(InputError::Text(_))
    ));
    let forced = tmp("forced.bin");
    std::fs::write(&forced, npy_bytes_f64(&[1, 1], &[0.25])).unwrap();
    assert_eq!(
        load_input(&forced, InputFormat::Npy, None).unwrap(),
        Matrix::from_rows(vec![vec![q(1, 4)]]).unwrap()
    );
    assert!(matches!(
        load_input(&tmp("missing.npy"), InputFormat::Auto, None),
        Err(InputError::Tensor(TensorError::Io { .. }))
    ));
    std::fs::remove_file(&p).unwrap();
    std::fs::remove_file(&forced).unwrap();
}

// ---------------------------------------------------------------- CLI

#[test]
fn cli_export_help_and_run() {
    let o = run(&["export", "--help"]);
    assert!(o.status.success());
    let help = String::from_utf8_lossy(&o.stdout);
    for word in [
        "docs/export.md",
        "--round",
        "--tensor",
        "--input-format",
        "--output",
    ] {
        assert!(help.contains(word), "{word}: {help}");
    }
    let top = String::from_utf8_lossy(&run(&["--help"]).stdout).to_string();
    assert!(top.contains("export"));

    let out = tmp("rot.safetensors");
    let o = run(&[
        "export",
        root()
            .join("examples/glow_rotation_8.txt")
            .to_str()
            .unwrap(),
        "-o",
        out.to_str().unwrap(),
        "--mode",
        "positive",
    ]);
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(
        stdout.contains("verified: 5 layers (positive mode"),
        "{stdout}"
    );
    assert!(stdout.contains("float64 chain vs target: max abs error"));
    assert!(stdout.contains("layer condition numbers"));
    let bytes = std::fs::read(&out).unwrap();
    assert_eq!(
        parse_safetensors(&bytes).unwrap().metadata["scale_param"],
        "log_scale"
    );

    // A float32 1x1 convolution weight with --round: the rounding is reported.
    let o = run(&[
        "export",
        root().join("examples/glow_lu_8.npy").to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
        "--round",
        "2",
    ]);
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(o.status.success());
    assert!(
        stdout.contains("ROUNDED matrix R is what is decomposed"),
        "{stdout}"
    );
    let st_bytes = std::fs::read(&out).unwrap();
    let st = parse_safetensors(&st_bytes).unwrap();
    assert!(st.metadata["rounding"].starts_with("nearest multiple of 10^-2"));
    assert!(st.tensor("unrounded").is_ok());
    std::fs::remove_file(&out).unwrap();
}

#[test]
fn cli_weight_inputs_and_errors() {
    let rot = root().join("examples/glow_random_rotation_8.npy");
    let o = run(&["decompose", rot.to_str().unwrap(), "--round", "1"]);
    assert!(o.status.success());
    assert!(String::from_utf8_lossy(&o.stderr).contains("ROUNDED"));
    assert!(String::from_utf8_lossy(&o.stdout).contains("figures:"));

    let o = run(&["decompose", rot.to_str().unwrap(), "--tensor", "w"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("--tensor only applies"));

    let nan = tmp("nan.npy");
    std::fs::write(&nan, npy_bytes_f32(&[2, 2], &[1.0, 0.0, 0.0, f32::NAN])).unwrap();
    let o = run(&["decompose", nan.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr).to_string();
    assert!(
        err.contains("row 1, column 1") && err.contains("NaN"),
        "{err}"
    );

    let st = tmp("two.safetensors");
    std::fs::write(&st, two_tensor_file()).unwrap();
    let o = run(&[
        "export",
        st.to_str().unwrap(),
        "-o",
        tmp("x.safetensors").to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr).to_string();
    assert!(
        err.contains("--tensor NAME") && err.contains("flow.invconv.weight"),
        "{err}"
    );
    let o = run(&[
        "decompose",
        st.to_str().unwrap(),
        "--tensor",
        "flow.invconv.weight",
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));

    let sing = tmp("sing.txt");
    std::fs::write(&sing, "1 0.52\n2 1.03\n").unwrap();
    let o = run(&["decompose", sing.to_str().unwrap(), "--round", "1"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("makes the matrix singular"));

    let o = run(&["export", rot.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2), "--output is required");
    for p in [nan, st, sing] {
        std::fs::remove_file(p).unwrap();
    }
}
