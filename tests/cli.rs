//! Contract tests for the `couplings` binary: help, exit codes (0 success, 1 failed
//! check, 2 bad input or usage) and error messages. Inputs are written to unique
//! files under the system temp directory.

use couplings::exact::{Matrix, parse_q, qi};
use couplings::io::{decomposition_to_json, parse_matrix};
use couplings::{Decomposition, Layer, Mode, Split};
use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};

const BIN: &str = env!("CARGO_BIN_EXE_couplings");

/// A temp file removed on drop.
struct TempFile(PathBuf);

impl TempFile {
    fn new(name: &str, contents: &str) -> TempFile {
        static COUNTER: AtomicUsize = AtomicUsize::new(0);
        let path = std::env::temp_dir().join(format!(
            "couplings-cli-{}-{}-{name}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::SeqCst)
        ));
        std::fs::write(&path, contents).unwrap();
        TempFile(path)
    }

    /// A path (not created) for output.
    fn fresh(name: &str) -> TempFile {
        let t = TempFile::new(name, "");
        std::fs::remove_file(&t.0).unwrap();
        t
    }

    fn path(&self) -> &str {
        self.0.to_str().unwrap()
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

fn run(args: &[&str]) -> Output {
    Command::new(BIN).args(args).output().unwrap()
}

fn run_stdin(args: &[&str], input: &str) -> Output {
    let mut child = Command::new(BIN)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // The child may exit before reading everything; that is not a test failure here.
    let _ = child.stdin.take().unwrap().write_all(input.as_bytes());
    child.wait_with_output().unwrap()
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn code(o: &Output) -> i32 {
    o.status.code().expect("terminated by a signal")
}

const M4: &str = "# a 4x4 example\n1 2 0 1\n0 1 3 0\n2 0 1 1\n1 1 0 2\n";

/// `U(-1) L(1) U(-1)` in application order: the rotation `[[0, -1], [1, 0]]`.
fn rotation_layers() -> Decomposition {
    let u = Layer::upper(Matrix::from_i64(&[&[-1]]), vec![qi(1)]);
    let l = Layer::lower(Matrix::from_i64(&[&[1]]), vec![qi(1)]);
    Decomposition {
        split: Split::new(1, 1),
        mode: Mode::Signed,
        layers: vec![u.clone(), l, u],
    }
}

// ------------------------------------------------------------------- help

#[test]
fn help_works() {
    let o = run(&["--help"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let out = stdout(&o);
    assert!(out.contains("decompose"), "{out}");
    assert!(out.contains("check"), "{out}");
    assert!(out.contains("L_K ... L_1"), "{out}");
    assert!(
        out.contains("act on an input column vector") || out.contains("order they act"),
        "{out}"
    );
    assert!(out.contains("Exit codes"), "{out}");

    let o = run(&["decompose", "--help"]);
    assert_eq!(code(&o), 0);
    let out = stdout(&o);
    for needle in [
        "--mode",
        "--format",
        "--seed",
        "--output",
        "positive",
        "json",
        "Examples:",
        "couplings decompose",
    ] {
        assert!(out.contains(needle), "missing {needle}: {out}");
    }

    let o = run(&["check", "--help"]);
    assert_eq!(code(&o), 0);
    let out = stdout(&o);
    assert!(out.contains("--layers"), "{out}");
    assert!(out.contains("couplings check"), "{out}");

    let o = run(&["--version"]);
    assert_eq!(code(&o), 0);
}

#[test]
fn usage_errors_exit_2() {
    for args in [
        &[][..],
        &["frobnicate"][..],
        &["decompose"][..],
        &["decompose", "m.txt", "--mode", "negative"][..],
        &["decompose", "m.txt", "--format", "xml"][..],
        &["decompose", "m.txt", "--seed", "-1"][..],
        &["check", "m.txt"][..],
    ] {
        let o = run(args);
        assert_eq!(code(&o), 2, "{args:?}: {}", stderr(&o));
        assert!(!stderr(&o).is_empty(), "{args:?}");
    }
}

// ------------------------------------------------------------ bad input

#[test]
fn bad_file_reports_line_and_column() {
    let f = TempFile::new("bad.txt", "1 2\n# comment\n3  4x\n");
    let o = run(&["decompose", f.path()]);
    assert_eq!(code(&o), 2);
    let err = stderr(&o);
    assert!(err.contains("line 3, column 4"), "{err}");
    assert!(err.contains("4x"), "{err}");
    assert!(err.contains(f.path()), "{err}");
    assert!(stdout(&o).is_empty());
    assert!(!err.contains("panicked"), "{err}");
}

#[test]
fn ragged_and_empty_and_zero_denominator_exit_2() {
    let f = TempFile::new("ragged.txt", "1 2\n3 4 5\n");
    let o = run(&["decompose", f.path()]);
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains("line 2"), "{}", stderr(&o));

    let f = TempFile::new("empty.txt", "# nothing here\n\n");
    let o = run(&["decompose", f.path()]);
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains("no matrix rows"), "{}", stderr(&o));

    let f = TempFile::new("zero.txt", "1 1/0\n0 1\n");
    let o = run(&["decompose", f.path()]);
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains("line 1, column 3"), "{}", stderr(&o));
    assert!(stderr(&o).contains("denominator zero"), "{}", stderr(&o));
}

#[test]
fn missing_file_exits_2() {
    let f = TempFile::fresh("missing.txt");
    let o = run(&["decompose", f.path()]);
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains("cannot read"), "{}", stderr(&o));
    assert!(stderr(&o).contains(f.path()), "{}", stderr(&o));
}

#[test]
fn binary_garbage_exits_2() {
    let f = TempFile::new("garbage.bin", "");
    std::fs::write(&f.0, [0u8, 159, 146, 150, 255, 10, 1]).unwrap();
    let o = run(&["decompose", f.path()]);
    assert_eq!(code(&o), 2);
    assert!(!stderr(&o).contains("panicked"), "{}", stderr(&o));
}

/// Needs a working `decompose` (it reports singularity with a kernel vector).
#[test]
fn singular_matrix_reports_kernel() {
    let text = "1 2 3 4\n2 4 6 8\n0 1 0 1\n1 0 1 0\n";
    let f = TempFile::new("singular.txt", text);
    let o = run(&["decompose", f.path()]);
    assert_eq!(code(&o), 2, "{}", stderr(&o));
    let err = stderr(&o);
    assert!(err.contains("singular"), "{err}");
    assert!(err.contains("T x = 0 for x = ["), "{err}");
    // The printed vector really is a nonzero kernel vector.
    let start = err.find("x = [").unwrap() + 5;
    let end = start + err[start..].find(']').unwrap();
    let x: Vec<_> = err[start..end]
        .split(", ")
        .map(|s| parse_q(s).unwrap())
        .collect();
    assert_eq!(x.len(), 4);
    assert!(x.iter().any(|v| *v != qi(0)));
    let t = parse_matrix(text).unwrap();
    assert!(t.mul_vec(&x).iter().all(|v| *v == qi(0)));
}

#[test]
fn non_square_matrix_exits_2() {
    let f = TempFile::new("nonsquare.txt", "1 2 3\n4 5 6\n");
    let o = run(&["decompose", f.path()]);
    assert_eq!(code(&o), 2, "{}", stderr(&o));
    assert!(stderr(&o).contains("2x3"), "{}", stderr(&o));
    assert!(stderr(&o).contains("square"), "{}", stderr(&o));
}

// ------------------------------------------------------------------ check

#[test]
fn check_accepts_hand_built_layers() {
    let target = TempFile::new("rot.txt", "0 -1\n1 0\n");
    let layers = TempFile::new("rot.json", &decomposition_to_json(&rotation_layers()));
    let o = run(&["check", target.path(), "--layers", layers.path()]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(
        stdout(&o).starts_with("ok: 3 layers, product equals the target"),
        "{}",
        stdout(&o)
    );
}

#[test]
fn check_rejects_tampered_layers() {
    // The layers multiply to [[0, -1], [1, 0]], not to this target.
    let target = TempFile::new("swap.txt", "0 1\n1 0\n");
    let layers = TempFile::new("rot.json", &decomposition_to_json(&rotation_layers()));
    let o = run(&["check", target.path(), "--layers", layers.path()]);
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    assert!(stdout(&o).is_empty(), "{}", stdout(&o));
    let err = stderr(&o);
    assert!(err.contains("check failed"), "{err}");

    // Tampering with one entry of a correct JSON file.
    let target = TempFile::new("rot2.txt", "0 -1\n1 0\n");
    let json = decomposition_to_json(&rotation_layers());
    let tampered = json.replacen("[\"1\"]", "[\"2\"]", 1);
    assert_ne!(json, tampered);
    let layers = TempFile::new("tampered.json", &tampered);
    let o = run(&["check", target.path(), "--layers", layers.path()]);
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    assert!(stderr(&o).contains("check failed"), "{}", stderr(&o));
}

#[test]
fn check_reports_zero_scale_as_failed_check() {
    let mut dec = rotation_layers();
    dec.layers[1].scale[0] = qi(0);
    let target = TempFile::new("rot.txt", "0 -1\n1 0\n");
    let layers = TempFile::new("zero-scale.json", &decomposition_to_json(&dec));
    let o = run(&["check", target.path(), "--layers", layers.path()]);
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    assert!(stderr(&o).contains("scale"), "{}", stderr(&o));
}

#[test]
fn check_with_malformed_json_exits_2_naming_the_layer() {
    let target = TempFile::new("rot.txt", "0 -1\n1 0\n");
    let json = r#"{"n": 2, "split": [1, 1], "mode": "signed", "layers": [
        {"kind": "upper", "shift": [["-1"]], "scale": ["1"]},
        {"kind": "lower", "shift": [["1", "2"]], "scale": ["1"]}]}"#;
    let layers = TempFile::new("malformed.json", json);
    let o = run(&["check", target.path(), "--layers", layers.path()]);
    assert_eq!(code(&o), 2, "{}", stderr(&o));
    let err = stderr(&o);
    assert!(err.contains("layer 1"), "{err}");
    assert!(err.contains("shift[0]"), "{err}");

    let layers = TempFile::new("not-json.json", "{ not json");
    let o = run(&["check", target.path(), "--layers", layers.path()]);
    assert_eq!(code(&o), 2, "{}", stderr(&o));
    assert!(stderr(&o).contains("invalid JSON"), "{}", stderr(&o));

    let missing = TempFile::fresh("missing.json");
    let o = run(&["check", target.path(), "--layers", missing.path()]);
    assert_eq!(code(&o), 2, "{}", stderr(&o));
    assert!(stderr(&o).contains("cannot read"), "{}", stderr(&o));
}

#[test]
fn check_refuses_stdin_twice() {
    let o = run_stdin(&["check", "-", "--layers", "-"], "");
    assert_eq!(code(&o), 2, "{}", stderr(&o));
    assert!(stderr(&o).contains("standard input"), "{}", stderr(&o));
}

#[test]
fn check_reads_target_from_stdin() {
    let layers = TempFile::new("rot.json", &decomposition_to_json(&rotation_layers()));
    let o = run_stdin(&["check", "-", "--layers", layers.path()], "0 -1\n1 0\n");
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(stdout(&o).starts_with("ok:"), "{}", stdout(&o));
}

// ------------------------------------------- tests that need a working decompose

#[test]
fn decompose_then_check_round_trip() {
    let m = TempFile::new("m4.txt", M4);
    let o = run(&["decompose", m.path(), "--format", "json"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(stderr(&o).is_empty(), "{}", stderr(&o));
    let layers = TempFile::new("m4.json", &stdout(&o));
    let o = run(&["check", m.path(), "--layers", layers.path()]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(stdout(&o).starts_with("ok: "), "{}", stdout(&o));
    assert!(
        stdout(&o).contains("product equals the target"),
        "{}",
        stdout(&o)
    );
}

#[test]
fn decompose_output_file_positive_mode_and_seed() {
    let m = TempFile::new("m4.txt", M4); // det = 5 > 0
    let out = TempFile::fresh("m4-positive.json");
    let o = run(&[
        "decompose",
        m.path(),
        "--mode",
        "positive",
        "--format",
        "json",
        "--seed",
        "7",
        "--output",
        out.path(),
    ]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(stdout(&o).is_empty(), "{}", stdout(&o));
    let json = std::fs::read_to_string(&out.0).unwrap();
    assert!(json.contains("\"mode\": \"positive\""), "{json}");
    let o = run(&["check", m.path(), "--layers", out.path()]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
}

#[test]
fn decompose_text_output_and_stdin() {
    let o = run_stdin(&["decompose", "-"], M4);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(stderr(&o).is_empty(), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(
        out.starts_with("n = 4, split = (2, 2), mode = signed, "),
        "{out}"
    );
    assert!(out.contains("layers act in this order on x"), "{out}");
    assert!(out.contains("L_1 (layers[0]): "), "{out}");
}

#[test]
fn positive_mode_with_negative_determinant_explains() {
    // det = -1
    let m = TempFile::new("negdet.txt", "0 1 0 0\n1 0 0 0\n0 0 1 0\n0 0 0 1\n");
    let o = run(&["decompose", m.path(), "--mode", "positive"]);
    assert_eq!(code(&o), 2, "{}", stderr(&o));
    let err = stderr(&o);
    assert!(err.contains("det T = -1"), "{err}");
    assert!(err.contains("det > 0"), "{err}");
    assert!(err.contains("--mode signed"), "{err}");
    // Signed mode works on the same matrix.
    let o = run(&["decompose", m.path(), "--mode", "signed"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
}

// ------------------------------------------------------------ --perm-gather

/// `--perm-gather` reads the list as flow code's `y = x[:, g]` (output i is input
/// g[i]): the matrix whose row i is e_{g[i]}^T. Its layers are exactly those of
/// `--perm` given the images of that matrix (the inverse list), they multiply to
/// that matrix (checked by `couplings check` against a matrix written here from
/// the gather definition), and the flag changes the answer for a list that is
/// not an involution.
#[test]
fn perm_gather_is_the_inverse_images_list() {
    // g is not an involution; its inverse (images) is computed by hand:
    // images[g[i]] = i.
    let gather = [2usize, 5, 0, 4, 1, 3, 6, 7];
    let mut images = [0usize; 8];
    for (i, &g) in gather.iter().enumerate() {
        images[g] = i;
    }
    let list = |p: &[usize]| p.iter().map(usize::to_string).collect::<Vec<_>>().join(" ");
    let (g, im) = (list(&gather), list(&images));
    assert_ne!(g, im, "the test list must not be an involution");
    // Row i of the gather matrix is e_{g[i]}^T.
    let mut text = String::new();
    for &gi in &gather {
        let row: Vec<&str> = (0..8).map(|j| if j == gi { "1" } else { "0" }).collect();
        text.push_str(&row.join(" "));
        text.push('\n');
    }
    let target = TempFile::new("gather8.txt", &text);
    // Cycles (0 2)(1 5 3 4): an even permutation, so positive mode applies too.
    for mode in ["signed", "positive"] {
        for format in ["text", "json"] {
            let a = run(&[
                "decompose",
                "--perm",
                &g,
                "--perm-gather",
                "--mode",
                mode,
                "--format",
                format,
            ]);
            let b = run(&[
                "decompose",
                "--perm",
                &im,
                "--mode",
                mode,
                "--format",
                format,
            ]);
            assert_eq!(code(&a), 0, "{mode} {format}: {}", stderr(&a));
            assert_eq!(code(&b), 0, "{mode} {format}: {}", stderr(&b));
            assert_eq!(stdout(&a), stdout(&b), "{mode} {format}");
            if format == "json" {
                let layers = TempFile::new("gather8.json", &stdout(&a));
                let c = run(&["check", target.path(), "--layers", layers.path()]);
                assert_eq!(code(&c), 0, "{mode}: {}", stderr(&c));
                // Read as images, the same list is a different matrix.
                let wrong = run(&[
                    "decompose",
                    "--perm",
                    &g,
                    "--mode",
                    mode,
                    "--format",
                    "json",
                ]);
                assert_eq!(code(&wrong), 0, "{}", stderr(&wrong));
                let layers = TempFile::new("images8.json", &stdout(&wrong));
                let c = run(&["check", target.path(), "--layers", layers.path()]);
                assert_eq!(code(&c), 1, "{mode}: the images reading must not check");
            }
        }
    }
}

#[test]
fn perm_gather_needs_perm_and_is_documented() {
    let f = TempFile::new("m2.txt", "1 1\n0 1\n");
    for args in [
        &["decompose", "--perm-gather"][..],
        &["decompose", f.path(), "--perm-gather"][..],
    ] {
        let o = run(args);
        assert_eq!(code(&o), 2, "{args:?}: {}", stderr(&o));
        assert!(stderr(&o).contains("--perm"), "{}", stderr(&o));
        assert!(stdout(&o).is_empty());
    }
    let help = stdout(&run(&["decompose", "--help"]));
    assert!(help.contains("--perm-gather"), "{help}");
    assert!(help.contains("x[:, perm]"), "{help}");
    assert!(help.contains("images convention"), "{help}");
}

// ------------------------------------------------------------ auto strategy

/// `--strategy auto` is the default: the same bytes as no flag, which are the
/// shallow strategy's below n = 64 and the compact strategy's from n = 64
/// (the progress notice names the strategy that runs).
#[test]
fn strategy_auto_is_the_default_and_picks_by_size() {
    let small = TempFile::new("auto8.txt", "2 1 0 3\n1 1 4 0\n0 5 1 1\n1 0 2 1\n");
    let outputs: Vec<Output> = [&[][..], &["--strategy", "auto"], &["--strategy", "shallow"]]
        .iter()
        .map(|extra| {
            let mut args = vec!["decompose", small.path(), "--format", "json"];
            args.extend_from_slice(extra);
            run(&args)
        })
        .collect();
    for o in &outputs {
        assert_eq!(code(o), 0, "{}", stderr(o));
        assert_eq!(stdout(o), stdout(&outputs[0]));
    }
    let n = 64;
    let text: String = (0..n)
        .map(|i| {
            (0..n)
                .map(|j| {
                    // Strictly diagonally dominant, so invertible.
                    let x = ((i * 7 + j * 13 + i * j) % 19) as i64 - 9;
                    (x + if i == j { 1000 } else { 0 }).to_string()
                })
                .collect::<Vec<_>>()
                .join(" ")
                + "\n"
        })
        .collect();
    let big = TempFile::new("auto64.txt", &text);
    let auto = run(&["decompose", big.path(), "--format", "json"]);
    assert_eq!(code(&auto), 0, "{}", stderr(&auto));
    assert!(
        stderr(&auto).contains("(compact strategy)"),
        "{}",
        stderr(&auto)
    );
    let compact = run(&[
        "decompose",
        big.path(),
        "--format",
        "json",
        "--strategy",
        "compact",
    ]);
    assert_eq!(code(&compact), 0, "{}", stderr(&compact));
    assert_eq!(stdout(&auto), stdout(&compact));
}
