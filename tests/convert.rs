//! `couplings convert` (docs/export.md, "Converting a checkpoint"): a small
//! checkpoint with plain weights, a normflows LU group, decoys and a singular
//! weight run through the CLI; every converted chain is decoded from its
//! float tensors and checked against W (assembled here independently, with
//! plain rational arithmetic) by the independent bound checker; --match, the
//! exit codes, the hostile groups with their error kinds, and a property test
//! that random checkpoints never panic and every candidate is accounted for.

use couplings::check::check_within;
use couplings::exact::{Matrix, Q, parse_q};
use couplings::export::convert::{
    Candidate, ConvertError, ConvertOptions, MAX_CHANNELS, SourceKind, assemble, convert_all, scan,
    write_checkpoint,
};
use couplings::families::{glow_checkpoint, glow_lu, glow_rotation};
use couplings::io::{DType, RawTensor, SafetensorsWriter, f64_to_exact, parse_safetensors};
use couplings::layer::{Decomposition, Layer, Mode, Split};
use couplings::{DecomposeError, Strategy};
use proptest::prelude::*;
use serde_json::Value;
use std::path::PathBuf;
use std::process::{Command, Output};

const BIN: &str = env!("CARGO_BIN_EXE_couplings");

fn tmp(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("couplings-convert-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(name)
}

fn run(args: &[&str]) -> Output {
    Command::new(BIN).args(args).output().unwrap()
}

fn f32s(m: &Matrix) -> Vec<f32> {
    m.entries()
        .iter()
        .map(|v| couplings::exact::to_f64(v) as f32)
        .collect()
}

/// A normflows LU group of `c` channels under `prefix` (`prefix.P`, ...):
/// a random permutation, unit-lower L with garbage above the diagonal (which
/// normflows ignores), strictly-upper U with garbage below, log_S, sign_S, eye.
struct LuGroup {
    p: Vec<f32>,
    l: Vec<f32>,
    u: Vec<f32>,
    log_s: Vec<f32>,
    sign_s: Vec<f32>,
}

fn lu_group(c: usize, seed: u64) -> LuGroup {
    let mut rng = couplings::construct::rng::Rng::new(seed);
    let perm = rng.permutation(c);
    let mut g = LuGroup {
        p: vec![0.0; c * c],
        l: vec![0.0; c * c],
        u: vec![0.0; c * c],
        log_s: (0..c).map(|_| (0.3 * rng.normal()) as f32).collect(),
        sign_s: (0..c)
            .map(|_| {
                if rng.next_u64().is_multiple_of(2) {
                    1.0
                } else {
                    -1.0
                }
            })
            .collect(),
    };
    for (i, &j) in perm.iter().enumerate() {
        g.p[i * c + j] = 1.0;
    }
    for i in 0..c {
        for j in 0..c {
            let x = (rng.normal() / (c as f64).sqrt()) as f32;
            // The used triangle gets x; the ignored one garbage.
            g.l[i * c + j] = if i > j { x } else { 7.5 };
            g.u[i * c + j] = if i < j { x } else { -3.25 };
        }
    }
    g
}

/// Where a test writes float32 tensors: our writer, or the raw one below.
trait AddF32 {
    fn f32(&mut self, name: &str, shape: &[usize], values: &[f32]);
}

impl AddF32 for SafetensorsWriter {
    fn f32(&mut self, name: &str, shape: &[usize], values: &[f32]) {
        self.add_f32(name, shape, values);
    }
}

/// A safetensors file of any dtype (the bytes as given), for the property test.
#[derive(Default)]
struct Raw(Vec<(String, &'static str, Vec<usize>, Vec<u8>)>);

impl Raw {
    fn add(&mut self, name: &str, dtype: &'static str, shape: &[usize], bytes: Vec<u8>) {
        self.0
            .push((name.to_string(), dtype, shape.to_vec(), bytes));
    }

    fn to_bytes(&self) -> Vec<u8> {
        let mut header = serde_json::Map::new();
        let mut data = Vec::new();
        for (name, dtype, shape, bytes) in &self.0 {
            let begin = data.len();
            data.extend_from_slice(bytes);
            header.insert(
                name.clone(),
                serde_json::json!({"dtype": dtype, "shape": shape, "data_offsets": [begin, data.len()]}),
            );
        }
        let text = Value::Object(header).to_string();
        let mut out = (text.len() as u64).to_le_bytes().to_vec();
        out.extend_from_slice(text.as_bytes());
        out.extend_from_slice(&data);
        out
    }
}

impl AddF32 for Raw {
    fn f32(&mut self, name: &str, shape: &[usize], values: &[f32]) {
        let bytes = values.iter().flat_map(|v| v.to_le_bytes()).collect();
        self.add(name, "F32", shape, bytes);
    }
}

fn add_group(w: &mut impl AddF32, prefix: &str, c: usize, g: &LuGroup) {
    let name = |p: &str| format!("{prefix}.{p}");
    w.f32(&name("P"), &[c, c], &g.p);
    w.f32(&name("L"), &[c, c], &g.l);
    w.f32(&name("U"), &[c, c], &g.u);
    w.f32(&name("log_S"), &[c], &g.log_s);
    w.f32(&name("sign_S"), &[c], &g.sign_s);
    let eye: Vec<f32> = (0..c * c)
        .map(|k| if k % (c + 1) == 0 { 1.0 } else { 0.0 })
        .collect();
    w.f32(&name("eye"), &[c, c], &eye);
}

/// W of a group, computed here with `Matrix` products (independent of the
/// converter's assembly): P (tril(L,-1) + I) (triu(U,1) + diag(sign exp(log_S))).
fn lu_matrix(c: usize, g: &LuGroup) -> Matrix {
    let ex = |v: f64| f64_to_exact(v).unwrap();
    let m = |f: &dyn Fn(usize, usize) -> Q| {
        Matrix::from_vec(
            c,
            c,
            (0..c * c).map(|k| f(k / c, k % c)).collect::<Vec<Q>>(),
        )
    };
    let p = m(&|i, j| ex(f64::from(g.p[i * c + j])));
    let l = m(&|i, j| match i.cmp(&j) {
        std::cmp::Ordering::Greater => ex(f64::from(g.l[i * c + j])),
        std::cmp::Ordering::Equal => ex(1.0),
        _ => ex(0.0),
    });
    let u = m(&|i, j| match i.cmp(&j) {
        std::cmp::Ordering::Less => ex(f64::from(g.u[i * c + j])),
        std::cmp::Ordering::Equal => ex(f64::from(g.sign_s[i]) * f64::from(g.log_s[i]).exp()),
        _ => ex(0.0),
    });
    &(&p * &l) * &u
}

/// The test checkpoint and the exact W of each weight the converter must find.
fn checkpoint() -> (Vec<u8>, Vec<(&'static str, Matrix)>) {
    let mut w = SafetensorsWriter::new();
    let rot = glow_rotation(4, 1);
    w.add_f32("a.invconv.weight", &[4, 4, 1, 1], &f32s(&rot));
    let lu6 = glow_lu(6, 2);
    let v64: Vec<f64> = lu6.entries().iter().map(couplings::exact::to_f64).collect();
    w.add_f64("b.weight", &[6, 6], &v64);
    let g = lu_group(6, 3);
    add_group(&mut w, "flow.lu", 6, &g);
    // Decoys: a bias, a 3x3 convolution, a 1x1 "matrix".
    w.add_f32("a.bias", &[4], &[0.1, 0.2, 0.3, 0.4]);
    w.add_f32("conv3.weight", &[4, 2, 3, 3], &[0.5; 72]);
    w.add_f32("scalar", &[1, 1], &[2.0]);
    // Singular: rank 3.
    let mut sing = vec![0.0f32; 16];
    for i in 0..4 {
        for j in 0..4 {
            sing[i * 4 + j] = (i * j) as f32 + if i == j && i < 3 { 1.0 } else { 0.0 };
        }
    }
    for j in 0..4 {
        sing[12 + j] = sing[4 + j] + sing[8 + j];
    }
    w.add_f32("sing.weight", &[4, 4], &sing);
    let want = vec![
        ("a.invconv.weight", rot),
        ("b.weight", lu6),
        ("flow.lu", lu_matrix(6, &g)),
    ];
    (w.to_bytes(), want)
}

fn manifest(bytes: &[u8]) -> (std::collections::BTreeMap<String, String>, Vec<Value>) {
    let st = parse_safetensors(bytes).unwrap();
    let m: Value = serde_json::from_str(&st.metadata["manifest"]).unwrap();
    let chains = m["chains"].as_array().unwrap().clone();
    (st.metadata.clone(), chains)
}

/// The certified layers of chain `prefix` decoded exactly from their float32
/// tensors (signed mode: `layer.{i}.shift_f32`, `layer.{i}.scale_f32`).
fn decode_chain(bytes: &[u8], prefix: &str, meta: &Value) -> Decomposition {
    let st = parse_safetensors(bytes).unwrap();
    let meta_s = |k: &str| meta[k].as_str().unwrap().to_string();
    assert_eq!(meta_s("entry_width"), "float32");
    let split: Vec<usize> = (meta_s("split").split(','))
        .map(|v| v.parse().unwrap())
        .collect();
    let kinds = meta_s("kinds");
    let exact = |name: String| -> (Vec<usize>, Vec<Q>) {
        let t = st.tensor(&name).unwrap();
        assert_eq!(t.dtype, DType::F32);
        let v = t.values.iter().map(|&v| f64_to_exact(v).unwrap()).collect();
        (t.shape, v)
    };
    let layers = (kinds.split(','))
        .enumerate()
        .map(|(i, kind)| {
            let (shape, shift) = exact(format!("{prefix}layer.{i}.shift_f32"));
            let (_, scale) = exact(format!("{prefix}layer.{i}.scale_f32"));
            let shift = Matrix::from_vec(shape[0], shape[1], shift);
            match kind {
                "lower" => Layer::lower(shift, scale),
                "upper" => Layer::upper(shift, scale),
                other => panic!("kind {other}"),
            }
        })
        .collect();
    Decomposition {
        split: Split::new(split[0], split[1]),
        mode: Mode::Signed,
        layers,
    }
}

#[test]
fn converts_a_checkpoint_and_every_chain_is_within_its_bound() {
    let (bytes, want) = checkpoint();
    let (ckpt, out) = (tmp("ck.safetensors"), tmp("ck-out.safetensors"));
    std::fs::write(&ckpt, &bytes).unwrap();
    let o = run(&[
        "convert",
        ckpt.to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
    ]);
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert_eq!(o.status.code(), Some(1), "{stdout}");
    assert!(
        stdout.contains("converted 3, failed 1, skipped 3"),
        "{stdout}"
    );
    assert!(stdout.contains("FAILED  sing.weight  c=4"), "{stdout}");
    assert!(String::from_utf8_lossy(&o.stderr).contains("1 of 4 weights failed"));
    let written = std::fs::read(&out).unwrap();
    let (meta, chains) = manifest(&written);
    assert_eq!(meta["format"], "couplings-checkpoint");
    assert_eq!(meta["format_version"], "1");
    assert_eq!(
        (meta["num_chains"].as_str(), meta["num_failed"].as_str()),
        ("3", "1")
    );
    let summary: Vec<(&str, &str, &str)> = chains
        .iter()
        .map(|e| {
            (
                e["key"].as_str().unwrap(),
                e["source"]["kind"].as_str().unwrap(),
                e["status"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        summary,
        [
            ("a.invconv.weight", "weight", "ok"),
            ("b.weight", "weight", "ok"),
            ("flow.lu", "normflows-lu", "ok"),
            ("sing.weight", "weight", "failed"),
        ]
    );
    let lu = &chains[2]["source"];
    assert_eq!(lu["shape"], serde_json::json!([6, 6]));
    assert_eq!(lu["tensors"][4], "flow.lu.sign_S");
    assert_eq!(chains[1]["source"]["dtype"], "F64");
    assert!(chains[3]["error"].as_str().unwrap().contains("singular"));
    assert!(chains[3].get("prefix").is_none());
    for (e, (key, w)) in chains.iter().zip(&want) {
        assert_eq!(e["key"], *key);
        let prefix = e["prefix"].as_str().unwrap();
        assert_eq!(prefix, format!("{key}/"));
        let m = &e["metadata"];
        assert_eq!(m["format"], "couplings-layers");
        assert_eq!(m["strategy"], "tolerance");
        let bound = parse_q(m["certified_rel_error"].as_str().unwrap()).unwrap();
        assert!(bound <= parse_q("1e-6").unwrap());
        let dec = decode_chain(&written, prefix, m);
        assert!(dec.len() <= 12);
        check_within(w, &dec, &bound).unwrap_or_else(|e| panic!("{key}: {e}"));
        // The bound is a real one: the identity is not within it.
        let far = Decomposition {
            layers: vec![],
            ..dec.clone()
        };
        assert!(check_within(w, &far, &bound).is_err());
    }
    // The target tensor of the LU chain is the assembled W.
    let st = parse_safetensors(&written).unwrap();
    let target = st.tensor("flow.lu/target").unwrap();
    let w_lu = &want[2].1;
    for (k, v) in target.values.iter().enumerate() {
        assert_eq!(*v, couplings::exact::to_f64(w_lu.get(k / 6, k % 6)));
    }
}

#[test]
fn match_filters_and_no_candidate_is_exit_2() {
    let (bytes, _) = checkpoint();
    let (ckpt, out) = (tmp("m.safetensors"), tmp("m-out.safetensors"));
    std::fs::write(&ckpt, &bytes).unwrap();
    let (c, o) = (ckpt.to_str().unwrap(), out.to_str().unwrap());
    let r = run(&[
        "convert",
        c,
        "-o",
        o,
        "--match",
        "flow.*",
        "--match",
        "a.?nvconv.*",
    ]);
    assert_eq!(
        r.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&r.stderr)
    );
    let (_, chains) = manifest(&std::fs::read(&out).unwrap());
    let keys: Vec<&str> = chains.iter().map(|e| e["key"].as_str().unwrap()).collect();
    assert_eq!(keys, ["a.invconv.weight", "flow.lu"]);
    // Nothing matches: exit 2, nothing written.
    std::fs::remove_file(&out).unwrap();
    let r = run(&["convert", c, "-o", o, "--match", "nothing*"]);
    assert_eq!(r.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&r.stderr).contains("none of the 4 weights matches"));
    assert!(!out.exists());
    // No candidate at all.
    let mut w = SafetensorsWriter::new();
    w.add_f32("bias", &[3], &[1.0, 2.0, 3.0]);
    w.add_f32("conv", &[2, 2, 3, 3], &[0.0; 36]);
    let none = tmp("none.safetensors");
    std::fs::write(&none, w.to_bytes()).unwrap();
    let r = run(&["convert", none.to_str().unwrap(), "-o", o]);
    assert_eq!(r.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&r.stderr).contains("no weight found"));
    assert!(!out.exists());
    // Output = input, garbage input, --strategy with a tolerance: exit 2.
    let r = run(&["convert", c, "-o", c]);
    assert_eq!(r.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&r.stderr).contains("would overwrite the input"));
    let junk = tmp("junk.safetensors");
    std::fs::write(&junk, b"not a safetensors file at all").unwrap();
    let r = run(&["convert", junk.to_str().unwrap(), "-o", o]);
    assert_eq!(r.status.code(), Some(2));
    // A tensor given twice (the strict reader refuses it): exit 2, named.
    let header = r#"{"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}"#;
    let mut dup = (header.len() as u64).to_le_bytes().to_vec();
    dup.extend_from_slice(header.as_bytes());
    dup.extend_from_slice(&1f32.to_le_bytes());
    std::fs::write(&junk, dup).unwrap();
    let r = run(&["convert", junk.to_str().unwrap(), "-o", o]);
    assert_eq!(r.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&r.stderr).contains("given twice"));
    let r = run(&["convert", c, "-o", o, "--strategy", "balanced"]);
    assert_eq!(r.status.code(), Some(2));
    assert!(!out.exists());
    let r = run(&["convert", "--help"]);
    assert!(String::from_utf8_lossy(&r.stdout).contains("Exit codes: 0 every weight converted"));
}

#[test]
fn exact_mode_and_positive_mode() {
    let mut w = SafetensorsWriter::new();
    w.add_f32("r.weight", &[2, 2, 1, 1], &[0.0, -1.0, 1.0, 0.0]);
    w.add_f32("neg.weight", &[2, 2], &[0.0, 1.0, 1.0, 0.0]);
    let (ckpt, out) = (tmp("e.safetensors"), tmp("e-out.safetensors"));
    std::fs::write(&ckpt, w.to_bytes()).unwrap();
    let (c, o) = (ckpt.to_str().unwrap(), out.to_str().unwrap());
    let r = run(&[
        "convert",
        c,
        "-o",
        o,
        "--tolerance",
        "0",
        "--strategy",
        "balanced",
    ]);
    assert_eq!(r.status.code(), Some(0));
    let (_, chains) = manifest(&std::fs::read(&out).unwrap());
    assert_eq!(chains[1]["metadata"]["strategy"], "balanced");
    assert!(String::from_utf8_lossy(&r.stdout).contains("rel_error<=0 "));
    let r = run(&["convert", c, "-o", o, "--mode", "positive", "-q"]);
    assert_eq!(r.status.code(), Some(1));
    let (_, chains) = manifest(&std::fs::read(&out).unwrap());
    assert_eq!(chains[0]["key"], "neg.weight");
    assert!(chains[0]["error"].as_str().unwrap().contains("det W < 0"));
    assert_eq!(chains[1]["metadata"]["scale_param"], "log_scale");
}

fn one_group(mutate: impl FnOnce(&mut LuGroup)) -> Result<Matrix, ConvertError> {
    let mut g = lu_group(4, 9);
    mutate(&mut g);
    let mut w = SafetensorsWriter::new();
    add_group(&mut w, "g", 4, &g);
    let bytes = w.to_bytes();
    let st = parse_safetensors(&bytes).unwrap();
    let s = scan(&st);
    assert_eq!(s.candidates.len(), 1);
    assert!(s.skipped.is_empty(), "{:?}", s.skipped);
    assemble(&st, &s.candidates[0])
}

fn source_error(r: Result<Matrix, ConvertError>) -> String {
    match r {
        Err(ConvertError::Source(s)) => s,
        other => panic!("expected a Source error, got {other:?}"),
    }
}

#[test]
fn hostile_lu_groups_are_failures_with_reasons() {
    assert_eq!(one_group(|_| {}).unwrap(), lu_matrix(4, &lu_group(4, 9)));
    let e = source_error(one_group(|g| g.p[0] = 0.5));
    assert!(e.contains("not a permutation matrix"), "{e}");
    let e = source_error(one_group(|g| {
        g.p = vec![0.0; 16];
        for i in 0..4 {
            g.p[i * 4] = 1.0; // every row picks column 0
        }
    }));
    assert!(e.contains("not a permutation matrix"), "{e}");
    let e = source_error(one_group(|g| g.sign_s[2] = 0.5));
    assert!(e.contains("sign_S must be +1 or -1"), "{e}");
    let e = source_error(one_group(|g| g.l[4] = f32::NAN)); // L[1][0]: used
    assert!(e.contains("g.L[1, 0] is NaN"), "{e}");
    // NaN in the ignored triangle is ignored, as normflows ignores it.
    assert!(one_group(|g| g.l[1] = f32::NAN).is_ok());
    let e = source_error(one_group(|g| g.log_s[0] = f32::INFINITY));
    assert!(e.contains("g.log_S[0] is inf"), "{e}");
    let e = source_error(one_group(|g| g.log_s[1] = 1000.0));
    assert!(e.contains("exp(log_S)"), "{e}");
    // Wrong shapes.
    let mut w = SafetensorsWriter::new();
    let g = lu_group(4, 9);
    w.add_f32("P", &[4, 4], &g.p);
    w.add_f32("L", &[4, 4], &g.l);
    w.add_f32("U", &[2, 8], &g.u);
    w.add_f32("log_S", &[4], &g.log_s);
    w.add_f32("sign_S", &[4], &g.sign_s);
    let bytes = w.to_bytes();
    let st = parse_safetensors(&bytes).unwrap();
    let cands = scan(&st).candidates;
    assert_eq!(
        (cands[0].key.as_str(), cands[0].kind),
        ("lu", SourceKind::NormflowsLu)
    );
    let e = source_error(assemble(&st, &cands[0]));
    assert!(e.contains("U: shape [2, 8], expected [4, 4]"), "{e}");
}

#[test]
fn too_large_nan_and_clashing_keys() {
    let mut w = SafetensorsWriter::new();
    w.add_f32("nan.weight", &[2, 2], &[1.0, f32::NAN, 0.0, 1.0]);
    let g = lu_group(2, 1);
    add_group(&mut w, "x", 2, &g);
    w.add_f32("x", &[2, 2], &[1.0, 0.0, 0.0, 1.0]); // the LU group's key
    let bytes = w.to_bytes();
    let st = parse_safetensors(&bytes).unwrap();
    let cands = scan(&st).candidates;
    let results = convert_all(&st, &cands, "t", &ConvertOptions::default(), &|_, _| {});
    let errors: Vec<Option<String>> = results
        .iter()
        .map(|r| r.outcome.as_ref().err().map(|e| e.to_string()))
        .collect();
    assert!(errors[0].as_ref().unwrap().contains("NaN"), "{errors:?}");
    assert_eq!(results[1].candidate.kind, SourceKind::NormflowsLu);
    assert!(errors[1].is_none(), "{errors:?}");
    assert!(
        errors[2].as_ref().unwrap().contains("is also the key"),
        "{errors:?}"
    );
    // The file still has one chain per key.
    let out = write_checkpoint("t", results);
    assert_eq!(parse_safetensors(&out).unwrap().metadata["num_chains"], "1");
    // Above the channel limit: refused before decoding.
    let big = Candidate {
        shape: vec![MAX_CHANNELS + 1, MAX_CHANNELS + 1, 1, 1],
        ..cands[0].clone()
    };
    assert_eq!(
        assemble(&st, &big),
        Err(ConvertError::TooLarge {
            c: MAX_CHANNELS + 1
        })
    );
    // Odd dimension with a tolerance: a Decompose failure, not a panic.
    let t = RawTensor {
        dtype: DType::F32,
        shape: vec![3, 3],
        values: vec![1.0, 0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0, 1.0],
    };
    let mut w = SafetensorsWriter::new();
    let v: Vec<f32> = t.values.iter().map(|&v| v as f32).collect();
    w.add_f32("odd", &t.shape, &v);
    let bytes = w.to_bytes();
    let st = parse_safetensors(&bytes).unwrap();
    let r = convert_all(
        &st,
        &scan(&st).candidates,
        "t",
        &ConvertOptions::default(),
        &|_, _| {},
    );
    assert!(
        matches!(
            r[0].outcome,
            Err(ConvertError::Decompose(DecomposeError::Tolerance(_)))
        ),
        "{:?}",
        r[0].outcome
    );
    // The exact shallow strategy handles it (balanced refuses unequal splits).
    let exact = ConvertOptions {
        tolerance: couplings::exact::q(0, 1),
        strategy: Strategy::Shallow,
        ..ConvertOptions::default()
    };
    let r = convert_all(&st, &scan(&st).candidates, "t", &exact, &|_, _| {});
    assert!(r[0].outcome.is_ok());
}

/// The example's checkpoint generator on a small size: every weight of both
/// variants converts.
#[test]
fn glow_checkpoint_example_small() {
    for lu in [false, true] {
        let bytes = glow_checkpoint(&[4, 6], 2, lu, 1);
        let st = parse_safetensors(&bytes).unwrap();
        let s = scan(&st);
        assert_eq!(s.candidates.len(), 4);
        assert!(s.candidates.iter().all(|c| c.kind
            == if lu {
                SourceKind::NormflowsLu
            } else {
                SourceKind::Weight
            }));
        assert_eq!(s.skipped.len(), 4 * 6);
        let r = convert_all(
            &st,
            &s.candidates,
            "g",
            &ConvertOptions::default(),
            &|_, _| {},
        );
        assert!(r.iter().all(|r| r.outcome.is_ok()));
    }
}

const DTYPES: [(&str, usize); 6] = [
    ("F16", 2),
    ("BF16", 2),
    ("F32", 4),
    ("F64", 8),
    ("I32", 4),
    ("I64", 8),
];

fn shapes(c: usize) -> Vec<Vec<usize>> {
    vec![
        vec![c, c],
        vec![c, c, 1, 1],
        vec![c],
        vec![c, c + 1],
        vec![c, c, 3, 3],
        vec![1, 1],
    ]
}

/// `n` elements of `dtype`: random bits for F16 and the integer types (so
/// NaNs, infinities and subnormals occur), rounded normals (one in 50 a NaN)
/// for the others.
fn random_bytes(dtype: &str, n: usize, rng: &mut couplings::construct::rng::Rng) -> Vec<u8> {
    let mut out = Vec::new();
    for _ in 0..n {
        let v = if rng.next_u64().is_multiple_of(50) {
            f64::NAN
        } else {
            rng.normal()
        };
        match dtype {
            "BF16" => out.extend_from_slice(&(((v as f32).to_bits() >> 16) as u16).to_le_bytes()),
            "F32" => out.extend_from_slice(&(v as f32).to_le_bytes()),
            "F64" => out.extend_from_slice(&v.to_le_bytes()),
            "F16" | "I32" => out.extend_from_slice(
                &rng.next_u64().to_le_bytes()[..DTYPES.iter().find(|d| d.0 == dtype).unwrap().1],
            ),
            _ => out.extend_from_slice(&rng.next_u64().to_le_bytes()),
        }
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]
    /// Random small checkpoints (shapes; float and integer dtypes; LU groups,
    /// some broken; NaNs): conversion never panics, only float square tensors
    /// are candidates, and every candidate gets one manifest entry.
    #[test]
    fn random_checkpoints_never_panic(
        tensors in proptest::collection::vec((0usize..6, 2usize..5, 0usize..6, any::<u64>()), 0..6),
        group in proptest::option::of((2usize..5, any::<u64>(), 0usize..4)),
    ) {
        let mut w = Raw::default();
        let mut all = 0;
        for (k, &(shape_i, c, dtype_i, seed)) in tensors.iter().enumerate() {
            let shape = shapes(c)[shape_i].clone();
            let n: usize = shape.iter().product();
            let mut rng = couplings::construct::rng::Rng::new(seed);
            let dtype = DTYPES[dtype_i].0;
            w.add(&format!("t{k}"), dtype, &shape, random_bytes(dtype, n, &mut rng));
            all += 1;
        }
        if let Some((c, seed, broken)) = group {
            let mut g = lu_group(c, seed);
            match broken {
                0 => g.p[0] += 1.0,
                1 => g.sign_s[0] = 0.0,
                2 => g.u[1] = f32::NAN, // U[0][1]: used
                _ => {}
            }
            add_group(&mut w, "grp", c, &g);
            all += 6;
        }
        let bytes = w.to_bytes();
        let st = parse_safetensors(&bytes).unwrap();
        let s = scan(&st);
        for c in &s.candidates {
            prop_assert!(["F16", "BF16", "F32", "F64"].contains(&c.dtype.as_str()), "{:?}", c);
        }
        let grouped = if group.is_some() { 6 } else { 0 };
        let in_candidates: usize = s.candidates.iter().map(|c| match c.kind {
            SourceKind::Weight => 1,
            SourceKind::NormflowsLu => 0,
        }).sum();
        prop_assert_eq!(in_candidates + grouped + s.skipped.len(), all);
        let results = convert_all(&st, &s.candidates, "p", &ConvertOptions::default(), &|_, _| {});
        let out = write_checkpoint("p", results);
        let (meta, chains) = manifest(&out);
        prop_assert_eq!(chains.len(), s.candidates.len());
        let ok = chains.iter().filter(|e| e["status"] == "ok").count();
        prop_assert_eq!(meta["num_chains"].clone(), ok.to_string());
        for e in &chains {
            prop_assert!(e["status"] == "ok" || e["error"].as_str().is_some_and(|m| !m.is_empty()));
        }
    }
}
