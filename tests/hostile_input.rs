//! Regression tests for the hostile-input cases of issue 17 (part A: `.npy`
//! headers, safetensors offsets, quadratic checking, JSON duplicate keys,
//! messages and output paths). Each case file under `tests/hostile/` is one
//! input of the issue's campaign, named after its class (`c2_` npy headers,
//! `c4_` safetensors, `c7_` JSON, `c9_` messages, `cx_` the same patterns
//! elsewhere, `ok_` inputs that must keep reading). Library-level tests assert
//! the typed error; CLI tests assert the exit code (0 decided, 1 false claim,
//! 2 malformed input) and the phrase that names the problem.

use couplings::exact::{NumberError, parse_q};
use couplings::io::{
    JsonError, TensorError, decomposition_from_json, parse_matrix, parse_npy, parse_safetensors,
    read_tensor,
};
use proptest::prelude::*;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::atomic::{AtomicUsize, Ordering};

const BIN: &str = env!("CARGO_BIN_EXE_couplings");

fn case(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/hostile")
        .join(name)
}

fn bytes(name: &str) -> Vec<u8> {
    std::fs::read(case(name)).unwrap()
}

fn text(name: &str) -> String {
    String::from_utf8(bytes(name)).unwrap()
}

fn run(args: &[&str]) -> Output {
    Command::new(BIN).args(args).output().unwrap()
}

/// `couplings check TARGET --layers LAYERS` on two case files.
fn check_layers(target: &str, layers: &str) -> Output {
    run(&[
        "check",
        case(target).to_str().unwrap(),
        "--layers",
        case(layers).to_str().unwrap(),
    ])
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).to_string()
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).to_string()
}

/// A scratch directory of its own, removed on drop.
struct Scratch(PathBuf);

impl Scratch {
    fn new() -> Scratch {
        static COUNTER: AtomicUsize = AtomicUsize::new(0);
        let dir = std::env::temp_dir().join(format!(
            "couplings-hostile-{}-{}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::SeqCst)
        ));
        std::fs::create_dir_all(&dir).unwrap();
        Scratch(dir)
    }

    fn file(&self, name: &str, contents: &str) -> String {
        let p = self.0.join(name);
        std::fs::write(&p, contents).unwrap();
        p.to_str().unwrap().to_string()
    }

    fn path(&self, name: &str) -> String {
        self.0.join(name).to_str().unwrap().to_string()
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

// ------------------------------------------------------------ class 2: npy

#[test]
fn npy_duplicate_keys_are_refused() {
    for (file, key) in [
        ("c2_npy_dup_fortran_order.npy", "fortran_order"),
        ("c2_npy_dup_descr.npy", "descr"),
        ("c2_npy_dup_shape.npy", "shape"),
    ] {
        match parse_npy(&bytes(file)) {
            Err(TensorError::DuplicateKey { key: k, .. }) => assert_eq!(k, key, "{file}"),
            other => panic!("{file}: {other:?}"),
        }
    }
}

#[test]
fn npy_headers_numpy_refuses_are_refused() {
    for file in [
        "c2_npy_extra_key.npy",
        "c2_npy_v3_nonascii_key.npy",
        "c2_npy_shape_list.npy",
        "c2_npy_shape_bool.npy",
        "c2_npy_shape_u64_overflow.npy",
        "cx_npy_deep_nesting.npy",
    ] {
        assert!(
            matches!(parse_npy(&bytes(file)), Err(TensorError::BadHeader { .. })),
            "{file}: {:?}",
            parse_npy(&bytes(file))
        );
    }
}

#[test]
fn npy_wrapped_size_is_not_reported_as_a_small_number() {
    // Shape (2^61 - 1,) of f8: the byte count overflows; the message must not
    // come from wrapped arithmetic ("needs 120 bytes but only 160").
    match parse_npy(&bytes("cx_npy_truncated_wrap.npy")) {
        Err(TensorError::BadHeader { reason }) => assert!(reason.contains("overflows"), "{reason}"),
        Err(TensorError::Truncated { needed, found, .. }) => assert!(needed > found),
        other => panic!("{other:?}"),
    }
    // A version 2 header announcing 4 GiB is refused before reading it.
    assert!(matches!(
        parse_npy(&bytes("cx_npy_v2_header_4gib.npy")),
        Err(TensorError::BadHeader { .. } | TensorError::Truncated { .. })
    ));
}

#[test]
fn npy_files_numpy_reads_still_read() {
    for file in [
        "c2_npy_descr_pipe_f8.npy",
        "ok_npy_f2_be.npy",
        "ok_npy_f2_le.npy",
        "ok_npy_f4_be.npy",
        "ok_npy_f4_le.npy",
        "ok_npy_f8_be_fortran.npy",
        "ok_npy_f8_le_4d.npy",
    ] {
        assert!(parse_npy(&bytes(file)).is_ok(), "{file}");
    }
}

// ------------------------------------------------------------ class 4: safetensors

fn bad_entry(file: &str) -> (String, String, String) {
    match parse_safetensors(&bytes(file)) {
        Err(TensorError::BadEntry {
            tensor,
            field,
            reason,
        }) => (tensor, field, reason),
        other => panic!("{file}: {other:?}"),
    }
}

#[test]
fn safetensors_reversed_and_huge_offsets_name_tensor_and_field() {
    let (tensor, field, reason) = bad_entry("c4_st_reversed_offsets.safetensors");
    assert_eq!((tensor.as_str(), field.as_str()), ("w", "data_offsets"));
    assert!(reason.contains("reversed"), "{reason}");
    for file in [
        "c4_st_u64max_offsets.safetensors",
        "c4_st_u64max_end.safetensors",
    ] {
        let (_, field, reason) = bad_entry(file);
        assert_eq!(field, "data_offsets", "{file}");
        // No wrapped byte counts: the offsets are quoted as written.
        assert!(reason.contains(&u64::MAX.to_string()), "{file}: {reason}");
    }
}

#[test]
fn safetensors_gaps_and_overlaps_are_refused() {
    let (_, field, reason) = bad_entry("c4_st_gap_before.safetensors");
    assert_eq!(field, "data_offsets");
    assert!(reason.contains("no tensor"), "{reason}");
    let (tensor, field, reason) = bad_entry("c4_st_overlap.safetensors");
    assert_eq!(field, "data_offsets");
    assert!(reason.contains("overlaps"), "{tensor}: {reason}");
}

#[test]
fn safetensors_trailing_garbage_is_refused() {
    assert!(matches!(
        parse_safetensors(&bytes("c4_st_trailing_garbage.safetensors")),
        Err(TensorError::TrailingData { .. })
    ));
}

#[test]
fn safetensors_duplicate_names_and_fields_are_refused() {
    for (file, key) in [
        ("c4_st_dup_tensor_name.safetensors", "w"),
        ("c4_st_dup_tensor_same_bytes.safetensors", "w"),
        ("c4_st_dup_dtype_key.safetensors", "w.dtype"),
        ("c4_st_dup_metadata.safetensors", "__metadata__"),
    ] {
        match parse_safetensors(&bytes(file)) {
            Err(TensorError::DuplicateKey { key: k, .. }) => assert_eq!(k, key, "{file}"),
            other => panic!("{file}: {other:?}"),
        }
    }
}

#[test]
fn safetensors_size_mismatch_of_any_dtype_is_refused() {
    let (_, field, _) = bad_entry("c4_st_nonfloat_bad_size.safetensors");
    assert_eq!(field, "shape");
    assert!(parse_safetensors(&bytes("c4_st_shape_overflow.safetensors")).is_err());
    assert!(parse_safetensors(&bytes("c4_st_header_len_beyond_file.safetensors")).is_err());
    assert!(parse_safetensors(&bytes("c4_st_metadata_nonstring.safetensors")).is_err());
}

#[test]
fn safetensors_files_the_reference_reader_accepts_still_read() {
    for file in [
        "ok_st_f64.safetensors",
        "c4_st_unknown_field.safetensors",
        "c4_st_header_leading_space.safetensors",
    ] {
        assert!(parse_safetensors(&bytes(file)).is_ok(), "{file}");
    }
    assert!(read_tensor(&bytes("ok_st_f64.safetensors"), None).is_ok());
}

// ------------------------------------------------------------ class 7: JSON

#[test]
fn json_duplicate_keys_are_refused_with_their_path() {
    for (file, path) in [
        ("c7_json_dup_layers.json", "layers"),
        ("c7_json_dup_mode.json", "mode"),
        ("c7_json_dup_kind.json", "layers[0].kind"),
        ("c7_json_dup_scale.json", "layers[0].scale"),
        ("c7_json_dup_shift.json", "layers[0].shift"),
        ("c7_json_dup_n_split.json", "n"),
        ("c7_json_dup_mask.json", "mask"),
    ] {
        match decomposition_from_json(&text(file)) {
            Err(JsonError::DuplicateKey { path: p, .. }) => assert_eq!(p, path, "{file}"),
            other => panic!("{file}: {other:?}"),
        }
    }
    assert!(decomposition_from_json(&text("c7_json_ok.json")).is_ok());
}

#[test]
fn json_duplicate_keys_exit_2_on_the_command_line() {
    let o = check_layers("c7_rot.txt", "c7_json_dup_layers.json");
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("duplicate key"), "{}", stderr(&o));
}

#[test]
fn json_integer_literals_are_read_exactly() {
    // 123456789012345678901234567890 was reported as 1.2345678901234568e+29.
    let doc = r#"{"n": 2, "split": [1, 1], "mode": "signed", "layers": [
        {"kind": "upper", "shift": [[123456789012345678901234567890]], "scale": ["1"]}]}"#;
    let dec = decomposition_from_json(doc).unwrap();
    assert_eq!(
        dec.layers[0].shift.get(0, 0),
        &parse_q("123456789012345678901234567890").unwrap()
    );
    match decomposition_from_json(&doc.replace("567890]]", "567890.5]]")) {
        Err(JsonError::NotExact { found, .. }) => {
            assert!(
                found.contains("123456789012345678901234567890.5"),
                "{found}"
            )
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn json_declared_sizes_allocate_nothing() {
    // 140 bytes claiming a 1 x 10^15 shift block, and a mask for n = 10^15:
    // both aborted the process allocating from the declared size.
    assert!(matches!(
        decomposition_from_json(&text("cx_json_capacity.json")),
        Err(JsonError::ShiftCols { .. } | JsonError::ShiftRows { .. })
    ));
    // Malformed (a row shorter than declared): exit 2. Well-formed layers of
    // a 10^15 x 10^15 matrix against a 2x2 target: a false claim, exit 1.
    for (file, code) in [
        ("cx_json_capacity.json", 2),
        ("c7_json_mask_huge_n.json", 1),
    ] {
        let o = check_layers("c7_rot.txt", file);
        assert_eq!(o.status.code(), Some(code), "{file}: {}", stderr(&o));
        assert!(!stderr(&o).contains("memory allocation"), "{}", stderr(&o));
    }
}

#[test]
fn json_split_with_an_empty_part_is_malformed_input() {
    let o = check_layers("c9_target_4x4.txt", "c9_json_split_0_4.json");
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("empty part"), "{}", stderr(&o));
}

// ------------------------------------------------------------ class 6: numbers

#[test]
fn long_numbers_parse_exactly_and_the_limits_are_typed() {
    let digits: String = (0..50_000)
        .map(|i| char::from(b'0' + (i * 7 % 10) as u8))
        .collect();
    let q = parse_q(&digits).unwrap();
    assert_eq!(q.numer().to_string(), digits.trim_start_matches('0'));
    let over = "9".repeat(couplings::exact::MAX_DIGITS + 1);
    assert!(matches!(
        parse_q(&over),
        Err(NumberError::TooManyDigits { .. })
    ));
    // `1e99999` is 7 characters but 41 KB exact: a text of many of them runs
    // out of its size budget instead of memory.
    let row = "1e99999 ".repeat(500);
    match parse_matrix(&row) {
        Err(couplings::io::ParseError::BadEntry { reason, .. }) => {
            assert!(
                matches!(reason, NumberError::OverBudget { .. }),
                "{reason:?}"
            )
        }
        other => panic!("{other:?}"),
    }
}

// ------------------------------------------------------------ class 9: messages

#[test]
fn lone_carriage_returns_end_rows() {
    let m = parse_matrix(&text("c9_cr_only.txt")).unwrap();
    assert_eq!((m.rows(), m.cols()), (2, 2));
}

#[test]
fn byte_order_marks_are_ignored_in_every_text_format() {
    assert!(parse_matrix(&text("c9_bom.txt")).is_ok());
    assert!(decomposition_from_json(&text("c9_bom.json")).is_ok());
    let results = couplings::proof::check_source(&text("c9_bom.proof")).unwrap();
    assert!(!results.is_empty());
}

#[test]
fn invisible_characters_are_escaped_in_messages() {
    for file in ["c9_nul_byte.txt", "c9_ctrl_z.txt", "c9_bidi_override.txt"] {
        let e = parse_matrix(&text(file)).unwrap_err().to_string();
        assert!(
            !e.chars()
                .any(|c| c.is_control() || ('\u{202a}'..='\u{202e}').contains(&c)),
            "{file}: {e:?}"
        );
        assert!(e.contains("\\u{"), "{file}: {e}");
    }
    let o = run(&["check", case("c9_nul_byte.cert").to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(!stderr(&o).contains('\0'), "{:?}", stderr(&o));
}

#[test]
fn split_out_of_range_quotes_the_flag_as_written() {
    let m = case("c9_target_4x4.txt");
    for p in ["5", "0"] {
        let o = run(&["decompose", m.to_str().unwrap(), "--split", p]);
        assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
        assert!(
            stderr(&o).contains(&format!("--split {p}")),
            "{}",
            stderr(&o)
        );
    }
}

#[test]
fn perm_of_one_coordinate_is_refused_without_a_false_suggestion() {
    let o = run(&["decompose", "--perm", "0"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        !stderr(&o).contains("generic construction"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn outputs_that_clash_are_refused_before_any_work() {
    let dir = Scratch::new();
    let m = dir.file("m.txt", "0 -1\n1 0\n");
    let out = dir.path("out.txt");
    // --output X --certificate X
    let o = run(&["decompose", &m, "--output", &out, "--certificate", &out]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(!Path::new(&out).exists());
    // An output naming the input (also through another spelling of the path).
    let dotted = format!("{}/./m.txt", dir.0.display());
    for flag in ["--output", "--certificate"] {
        let o = run(&["decompose", &m, flag, &dotted]);
        assert_eq!(o.status.code(), Some(2), "{flag}: {}", stderr(&o));
        assert!(stderr(&o).contains("overwrite the input"), "{}", stderr(&o));
    }
    assert_eq!(std::fs::read_to_string(&m).unwrap(), "0 -1\n1 0\n");
    let o = run(&["explain", &m, "--output", &m]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn output_dash_is_standard_output() {
    let dir = Scratch::new();
    let m = dir.file("m.txt", "0 -1\n1 0\n");
    let o = run(&["decompose", &m, "--output", "-", "--format", "json"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stdout(&o).contains("\"layers\""));
    assert!(!Path::new("-").exists() || std::fs::metadata("-").is_ok_and(|m| m.is_dir()));
    // Export writes binary: `-` is refused with a reason.
    let o = run(&["export", &m, "--output", "-"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
}

#[test]
fn prove_on_a_file_without_lemmas_is_bad_input() {
    for file in ["c9_empty.proof", "c9_comments_only.proof"] {
        let o = run(&["prove", case(file).to_str().unwrap()]);
        assert_eq!(o.status.code(), Some(2), "{file}: {}", stderr(&o));
        assert!(stderr(&o).contains("no lemma"), "{}", stderr(&o));
    }
}

#[test]
fn a_continuation_after_a_comment_must_be_indented() {
    for file in [
        "c9_comment_continuation.proof",
        "c9_comment_continuation_false.proof",
    ] {
        let e = couplings::proof::check_source(&text(file)).unwrap_err();
        assert!(e.to_string().contains("indented"), "{file}: {e}");
    }
}

#[test]
fn depth_positive_on_negative_determinant_says_no_decomposition_exists() {
    for file in ["c9_det_negative.txt", "c9_det_negative_4x4.txt"] {
        let o = run(&["depth", case(file).to_str().unwrap(), "--mode", "positive"]);
        assert_eq!(o.status.code(), Some(0), "{file}: {}", stderr(&o));
        assert!(
            stdout(&o).contains("no positive-mode decomposition exists"),
            "{}",
            stdout(&o)
        );
        assert!(!stdout(&o).contains("at least 4"), "{}", stdout(&o));
    }
}

#[test]
fn a_byte_order_mark_inside_a_certificate_is_shown_escaped() {
    let o = run(&["check", case("cx_cert_bom_mid.cert").to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("\\u{feff}"), "{}", stderr(&o));
}

// ------------------------------------------------------------ properties

/// A version 1.0 `.npy` file of little-endian float64 values with the header
/// dict written as given.
fn npy_with_header(dict: &str, values: &[f64]) -> Vec<u8> {
    let mut header = dict.to_string();
    let unpadded = 6 + 2 + 2 + header.len() + 1;
    header.push_str(&" ".repeat((64 - unpadded % 64) % 64));
    header.push('\n');
    let mut out = b"\x93NUMPY\x01\x00".to_vec();
    out.extend_from_slice(&(header.len() as u16).to_le_bytes());
    out.extend_from_slice(header.as_bytes());
    for v in values {
        out.extend_from_slice(&v.to_le_bytes());
    }
    out
}

/// The decomposition `U(-1) L(1) U(-1)` of the 90-degree rotation in JSON, with
/// the split `(1, 1)`, as `decomposition_to_json` writes it.
fn rotation_json() -> String {
    use couplings::exact::qi;
    use couplings::{Decomposition, Layer, Mode, Split};
    let u = Layer::upper(couplings::exact::Matrix::from_i64(&[&[-1]]), vec![qi(1)]);
    let l = Layer::lower(couplings::exact::Matrix::from_i64(&[&[1]]), vec![qi(2)]);
    couplings::io::decomposition_to_json(&Decomposition {
        split: Split::new(1, 1),
        mode: Mode::Signed,
        layers: vec![u.clone(), l, u],
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Any order of the three keys, any spacing and an optional trailing comma
    /// read the same matrix; repeating any one key (same value or not) is
    /// refused with that key.
    #[test]
    fn npy_header_order_is_free_and_repeats_are_refused(
        order in proptest::sample::subsequence(vec![0usize, 1, 2], 3).prop_shuffle(),
        spaces in proptest::collection::vec(0usize..3, 4),
        trailing in proptest::bool::ANY,
        repeat in 0usize..3,
        fortran in proptest::bool::ANY,
    ) {
        let members = [
            "'descr': '<f8'".to_string(),
            format!("'fortran_order': {}", if fortran { "True" } else { "False" }),
            "'shape': (2, 2)".to_string(),
        ];
        let pad = |i: usize| " ".repeat(spaces[i]);
        let body: Vec<String> = order.iter().map(|&k| members[k].clone()).collect();
        let dict = format!(
            "{{{}{}{}{}}}",
            pad(0),
            body.join(&format!(",{}", pad(1))),
            if trailing { "," } else { "" },
            pad(2)
        );
        let values = [1.0, 2.0, 3.0, 5.0];
        let t = parse_npy(&npy_with_header(&dict, &values)).unwrap();
        let want: &[f64] = if fortran { &[1.0, 3.0, 2.0, 5.0] } else { &values };
        prop_assert_eq!(&t.values[..], want);
        let again = [
            "'descr': '>f8'",
            "'fortran_order': True",
            "'shape': (4, 1)",
        ][repeat];
        let dup = format!("{{{}, {again}}}", body.join(", "));
        let key = ["descr", "fortran_order", "shape"][repeat];
        match parse_npy(&npy_with_header(&dup, &values)) {
            Err(TensorError::DuplicateKey { key: k, .. }) => prop_assert_eq!(k, key),
            other => prop_assert!(false, "{dup}: {other:?}"),
        }
    }

    /// Inserting a copy of any member key of a valid layer file (with any
    /// value) in front of it is refused, naming that key's path.
    #[test]
    fn json_any_repeated_key_is_refused(pick in 0usize..1000, value in 0usize..4) {
        let doc = rotation_json();
        let keys: Vec<usize> = doc
            .match_indices("\":")
            .map(|(end, _)| doc[..end].rfind('"').unwrap())
            .collect();
        let at = keys[pick % keys.len()];
        let end = at + 1 + doc[at + 1..].find('"').unwrap();
        let key = &doc[at + 1..end];
        let filler = ["null", "0", "[]", "\"signed\""][value];
        let tampered = format!("{}\"{key}\": {filler}, {}", &doc[..at], &doc[at..]);
        match decomposition_from_json(&tampered) {
            Err(JsonError::DuplicateKey { path, .. }) => {
                prop_assert!(path == key || path.ends_with(&format!(".{key}")), "{path} vs {key}")
            }
            other => prop_assert!(false, "{tampered}: {other:?}"),
        }
    }
}
