//! Certificates: round trips, line-accurate rejection of malformed and tampered
//! certificates, the CLI (`decompose --certificate`, `check CERT`), replay of the
//! fuzzing regressions in `tests/fuzz_regressions/` and a small in-repo
//! mutational fuzz loop (`COUPLINGS_FUZZ_ITERS=N` runs it longer).

use couplings::certificate::{
    Certificate, ErrorKind, canonical_text, fuzz_certificate, fuzz_json, fuzz_matrix, fuzz_tensor,
    parse, sha256, target_hash, to_text, verify_text,
};
use couplings::exact::{Matrix, qi};
use couplings::{Mode, Options, decompose_with};
use std::path::{Path, PathBuf};
use std::process::Command;

const BIN: &str = env!("CARGO_BIN_EXE_couplings");

/// A deterministic xorshift generator (no dependency on the crate's own RNG).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

fn random_matrix(rng: &mut Rng, n: usize) -> Matrix {
    loop {
        let data: Vec<i64> = (0..n * n).map(|_| rng.below(7) as i64 - 3).collect();
        let rows: Vec<&[i64]> = data.chunks(n).collect();
        let m = Matrix::from_i64(&rows);
        if !m.det().is_zero() {
            return m;
        }
    }
}

use num_traits::Zero;

fn cert_for(t: &Matrix, mode: Mode, hints: bool) -> Certificate {
    let dec = decompose_with(
        t,
        &Options {
            mode,
            ..Options::default()
        },
    )
    .unwrap();
    if hints {
        Certificate::with_all_hints(t.clone(), dec)
    } else {
        Certificate::new(t.clone(), dec)
    }
}

fn example() -> Matrix {
    Matrix::from_i64(&[&[1, 2, 0, 1], &[0, 1, 3, 0], &[2, 0, 1, 1], &[1, 1, 0, 2]])
}

fn example_text() -> String {
    to_text(&cert_for(&example(), Mode::Signed, true))
}

/// 1-based number of the first line satisfying `pred` (at or after line `from`).
fn find_line(text: &str, from: usize, pred: impl Fn(&str) -> bool) -> usize {
    text.lines()
        .enumerate()
        .skip(from.saturating_sub(1))
        .find(|(_, l)| pred(l))
        .map(|(i, _)| i + 1)
        .unwrap_or_else(|| panic!("no such line in\n{text}"))
}

/// Replaces line `line` (1-based).
fn replace_line(text: &str, line: usize, new: &str) -> String {
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    lines[line - 1] = new.to_string();
    lines.join("\n") + "\n"
}

fn line_of(text: &str, line: usize) -> String {
    text.lines().nth(line - 1).unwrap().to_string()
}

/// Asserts rejection at `line` with a message containing `needle`.
fn rejects(text: &str, line: usize, kind: ErrorKind, needle: &str) {
    let e = verify_text(text).expect_err("must be rejected");
    assert_eq!(e.line, line, "wrong line for {e}\n{text}");
    assert_eq!(e.kind, kind, "{e}");
    assert!(
        e.to_string().contains(needle),
        "message `{e}` lacks `{needle}`"
    );
    assert!(e.to_string().starts_with(&format!("line {line}: ")), "{e}");
}

// ------------------------------------------------------------ round trips

#[test]
fn round_trip_random_and_named_matrices() {
    let mut rng = Rng(0x1234_5678);
    let mut targets = vec![
        example(),
        Matrix::from_i64(&[&[0, -1], &[1, 0]]),
        Matrix::identity(4),
        Matrix::from_i64(&[&[0, 0, 1, 0], &[0, 0, 0, 1], &[1, 0, 0, 0], &[0, 1, 0, 0]]),
    ];
    for n in [2, 4, 6] {
        for _ in 0..3 {
            targets.push(random_matrix(&mut rng, n));
        }
    }
    for t in &targets {
        for mode in [Mode::Signed, Mode::Positive] {
            if mode == Mode::Positive && t.det() <= qi(0) {
                continue;
            }
            for hints in [false, true] {
                let cert = cert_for(t, mode, hints);
                let text = to_text(&cert);
                assert_eq!(parse(&text).unwrap(), cert);
                let v = verify_text(&text).unwrap_or_else(|e| panic!("{e}\n{text}"));
                assert_eq!(v.layers, cert.decomposition.layers.len());
                assert_eq!(v.hints, cert.hints.len());
                assert_eq!(v.target_sha256, target_hash(t));
                // Writing is deterministic.
                assert_eq!(to_text(&parse(&text).unwrap()), text);
            }
        }
    }
}

#[test]
fn round_trip_example_file_with_fractions() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/glow_rotation_8.txt");
    let t = couplings::io::read_matrix(&path).unwrap();
    let cert = cert_for(&t, Mode::Positive, true);
    let text = to_text(&cert);
    assert_eq!(parse(&text).unwrap(), cert);
    verify_text(&text).unwrap();
}

#[test]
fn comments_blank_lines_and_crlf_are_accepted() {
    let text = example_text();
    let mut decorated = String::new();
    for l in text.lines() {
        decorated += &format!("  {l}   # note\r\n\r\n");
    }
    assert_eq!(parse(&decorated).unwrap(), parse(&text).unwrap());
    verify_text(&decorated).unwrap();
}

#[test]
fn sha256_of_canonical_text() {
    assert_eq!(
        couplings::certificate::hex(&sha256(b"abc")),
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    );
    let t = example();
    assert_eq!(
        target_hash(&t),
        couplings::certificate::hex(&sha256(canonical_text(&t).as_bytes()))
    );
    assert_eq!(canonical_text(&t), couplings::io::matrix_to_text(&t));
}

// ------------------------------------------------------------ malformed

#[test]
fn every_truncation_is_rejected_at_the_end() {
    let text = example_text();
    let lines: Vec<&str> = text.lines().collect();
    for k in 0..lines.len() {
        let prefix: String = lines[..k].iter().map(|l| format!("{l}\n")).collect();
        let e = verify_text(&prefix).expect_err("a truncated certificate must be rejected");
        assert_eq!(e.kind, ErrorKind::Malformed, "{e}");
        assert_eq!(e.line, k + 1, "prefix of {k} lines: {e}");
        assert!(e.to_string().contains("truncated"), "{e}");
    }
    // Cut in the middle of a line (a row missing its last entries).
    let row = find_line(&text, 1, |l| l == "target") + 1;
    let cut: String = lines[..row - 1]
        .iter()
        .map(|l| format!("{l}\n"))
        .collect::<String>()
        + "1 2";
    rejects(&cut, row, ErrorKind::Malformed, "found 2 numbers");
}

#[test]
fn wrong_version_and_wrong_magic() {
    let text = example_text();
    rejects(
        &replace_line(&text, 1, "couplings-certificate 3"),
        1,
        ErrorKind::Malformed,
        "version `3` is not supported",
    );
    // Version 2 (approximate certificates) needs its `bound` section.
    let layers_line = find_line(&text, 1, |l| l.starts_with("layers "));
    rejects(
        &replace_line(&text, 1, "couplings-certificate 2"),
        layers_line,
        ErrorKind::Malformed,
        "missing `bound` section before `layers`",
    );
    rejects(
        &replace_line(&text, 1, "certificate 1"),
        1,
        ErrorKind::Malformed,
        "not a couplings certificate",
    );
    // A blank first line and comments do not move the version line's number.
    let shifted = format!("\n# comment\n{text}");
    let bad = replace_line(&shifted, 3, "couplings-certificate 0");
    rejects(&bad, 3, ErrorKind::Malformed, "version");
}

#[test]
fn wrong_dimensions() {
    let text = example_text();
    let n_line = find_line(&text, 1, |l| l.starts_with("n "));
    let split_line = find_line(&text, 1, |l| l.starts_with("split "));
    rejects(
        &replace_line(&text, n_line, "n 6"),
        split_line,
        ErrorKind::Malformed,
        "does not fit n = 6",
    );
    let bad = replace_line(&replace_line(&text, n_line, "n 6"), split_line, "split 3 3");
    let first_row = find_line(&text, 1, |l| l == "target") + 1;
    rejects(&bad, first_row, ErrorKind::Malformed, "with 6 numbers");
    // A target with a missing row: the next keyword is met too early.
    let layers_line = find_line(&text, 1, |l| l.starts_with("layers "));
    let mut lines: Vec<&str> = text.lines().collect();
    lines.remove(layers_line - 2);
    let bad = lines.join("\n") + "\n";
    rejects(
        &bad,
        layers_line - 1,
        ErrorKind::Malformed,
        "target row 3 of 4",
    );
}

#[test]
fn duplicate_missing_and_out_of_order_sections() {
    let text = example_text();
    let mode_line = find_line(&text, 1, |l| l.starts_with("mode "));
    let mut lines: Vec<&str> = text.lines().collect();
    lines.insert(mode_line, "mode positive");
    let bad = lines.join("\n") + "\n";
    rejects(
        &bad,
        mode_line + 1,
        ErrorKind::Malformed,
        &format!("duplicate `mode` section (first given at line {mode_line})"),
    );
    // A second `n` after the target.
    let layers_line = find_line(&text, 1, |l| l.starts_with("layers "));
    let mut lines: Vec<&str> = text.lines().collect();
    lines.insert(layers_line - 1, "n 4");
    rejects(
        &(lines.join("\n") + "\n"),
        layers_line,
        ErrorKind::Malformed,
        "duplicate `n`",
    );
    // Missing split.
    let split_line = find_line(&text, 1, |l| l.starts_with("split "));
    let bad = replace_line(&text, split_line, "# no split");
    rejects(
        &bad,
        split_line + 1,
        ErrorKind::Malformed,
        "missing `split`",
    );
    // Duplicate hint.
    let end = find_line(&text, 1, |l| l == "end");
    let hint_line = find_line(&text, 1, |l| l.starts_with("hint "));
    let block: Vec<&str> = text.lines().skip(hint_line - 1).take(5).collect();
    let mut lines: Vec<&str> = text.lines().collect();
    for (i, l) in block.iter().enumerate() {
        lines.insert(end - 1 + i, l);
    }
    rejects(
        &(lines.join("\n") + "\n"),
        end,
        ErrorKind::Malformed,
        "hint",
    );
    // Text after end, unknown keyword.
    rejects(
        &format!("{text}mode signed\n"),
        end + 1,
        ErrorKind::Malformed,
        "text after `end`",
    );
    rejects(
        &replace_line(&text, split_line, "splat 2 2"),
        split_line,
        ErrorKind::Malformed,
        "unknown keyword `splat`",
    );
}

#[test]
fn layers_of_the_wrong_shape() {
    let text = example_text();
    let shift = find_line(&text, 1, |l| l.starts_with("shift "));
    rejects(
        &replace_line(&text, shift, "shift 2 3"),
        shift,
        ErrorKind::Malformed,
        "declared 2x3",
    );
    rejects(
        &replace_line(&text, shift + 1, "1"),
        shift + 1,
        ErrorKind::Malformed,
        "found 1 numbers",
    );
    let scale = find_line(&text, 1, |l| l.starts_with("scale "));
    rejects(
        &replace_line(&text, scale, "scale 1 1 1"),
        scale,
        ErrorKind::Malformed,
        "the scale has 3 entries",
    );
    let layer = find_line(&text, 1, |l| l.starts_with("layer 0 "));
    rejects(
        &replace_line(&text, layer, "layer 0 sideways"),
        layer,
        ErrorKind::Malformed,
        "unknown kind `sideways`",
    );
    rejects(
        &replace_line(&text, layer, "layer 1 upper"),
        layer,
        ErrorKind::Malformed,
        "layer 1 found where layer 0 was expected",
    );
    // Fewer layers than declared.
    let layers_line = find_line(&text, 1, |l| l.starts_with("layers "));
    let k: usize = line_of(&text, layers_line)[7..].parse().unwrap();
    let hint = find_line(&text, 1, |l| l.starts_with("hint "));
    rejects(
        &replace_line(&text, layers_line, &format!("layers {}", k + 1)),
        hint,
        ErrorKind::Malformed,
        &format!("`layer {k} lower|upper`"),
    );
}

#[test]
fn zero_and_negative_scales() {
    let text = example_text();
    let scale = find_line(&text, 1, |l| l.starts_with("scale "));
    let entries = line_of(&text, scale).split_whitespace().count() - 1;
    let zeroed = format!("scale 0{}", " 1".repeat(entries - 1));
    rejects(
        &replace_line(&text, scale, &zeroed),
        scale,
        ErrorKind::Rejected,
        "scale entry 0 is 0",
    );
    let t = Matrix::from_i64(&[&[2, 1, 0, 0], &[1, 1, 0, 0], &[0, 0, 1, 3], &[0, 0, 0, 1]]);
    let pos = to_text(&cert_for(&t, Mode::Positive, false));
    let scale = find_line(&pos, 1, |l| l.starts_with("scale "));
    let negated = line_of(&pos, scale).replacen("scale ", "scale -", 1);
    rejects(
        &replace_line(&pos, scale, &negated),
        scale,
        ErrorKind::Rejected,
        "positive mode needs every scale > 0",
    );
}

#[test]
fn tampering_is_caught_with_its_line() {
    let text = example_text();
    // A hint that lies.
    let hint = find_line(&text, 1, |l| l.starts_with("hint "));
    let row = line_of(&text, hint + 2);
    let mut entries: Vec<String> = row.split_whitespace().map(str::to_string).collect();
    entries[1] = format!("{}1", entries[1].trim_end_matches('0'));
    let lie = replace_line(&text, hint + 2, &entries.join(" "));
    if lie != text {
        rejects(&lie, hint + 2, ErrorKind::Rejected, "lies");
    }
    let lie = replace_line(&text, hint + 2, "7 7 7 7");
    rejects(&lie, hint + 2, ErrorKind::Rejected, "lies");

    // The target hash.
    let hash = find_line(&text, 1, |l| l.starts_with("target-sha256 "));
    rejects(
        &replace_line(&text, hash, &format!("target-sha256 {}", "0".repeat(64))),
        hash,
        ErrorKind::Rejected,
        "SHA-256",
    );

    // A target entry changed, with the hash updated to match: the product check
    // names the target row.
    let first_row = find_line(&text, 1, |l| l == "target") + 1;
    let mut cert = parse(&text).unwrap();
    cert.target.set(1, 2, qi(4));
    let tampered_text = to_text(&cert);
    rejects(
        &tampered_text,
        first_row + 1,
        ErrorKind::Rejected,
        "target row 1, column 2",
    );

    // A layer entry changed: with hints the first later hint catches it; without
    // hints, the product check does.
    let mut cert = parse(&text).unwrap();
    let v = cert.decomposition.layers[0].shift.get(0, 0) + qi(1);
    cert.decomposition.layers[0].shift.set(0, 0, v);
    let tampered = to_text(&cert);
    let e = verify_text(&tampered).unwrap_err();
    assert_eq!(e.kind, ErrorKind::Rejected);
    let hint1 = find_line(&tampered, 1, |l| l == "hint 1");
    assert!(e.line > hint1 && e.line <= hint1 + 4, "{e}");
    assert!(e.message.contains("hint 1"), "{e}");
    cert.hints.clear();
    let e = verify_text(&to_text(&cert)).unwrap_err();
    assert_eq!(e.kind, ErrorKind::Rejected);
    assert!(
        e.message.contains("the layers do not represent the target"),
        "{e}"
    );
}

#[test]
fn verdict_does_not_depend_on_hints() {
    // Removing all hints, or any one of them, leaves a valid certificate valid.
    let cert = cert_for(&example(), Mode::Signed, true);
    for skip in 0..cert.hints.len() {
        let mut c = cert.clone();
        c.hints.remove(skip);
        verify_text(&to_text(&c)).unwrap();
    }
    let mut c = cert.clone();
    c.hints.clear();
    verify_text(&to_text(&c)).unwrap();
}

// ------------------------------------------------------------ CLI

struct Temp(PathBuf);

impl Temp {
    fn new(name: &str, contents: &str) -> Temp {
        let p = std::env::temp_dir().join(format!("couplings-cert-{}-{name}", std::process::id()));
        std::fs::write(&p, contents).unwrap();
        Temp(p)
    }

    fn path(&self) -> &str {
        self.0.to_str().unwrap()
    }
}

impl Drop for Temp {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

#[test]
fn cli_writes_and_checks_certificates() {
    let m = Temp::new("m.txt", "1 2 0 1\n0 1 3 0\n2 0 1 1\n1 1 0 2\n");
    let cert = Temp::new("out.cert", "");
    let o = Command::new(BIN)
        .args(["decompose", m.path(), "--certificate", cert.path()])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    // The normal output is still printed.
    assert!(!o.stdout.is_empty());
    let text = std::fs::read_to_string(&cert.0).unwrap();
    assert!(text.starts_with("couplings-certificate 1\n"));
    let o = Command::new(BIN)
        .args(["check", cert.path()])
        .output()
        .unwrap();
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(out.contains("certificate verified"), "{out}");
    assert!(out.contains(&target_hash(&example())), "{out}");

    // Tampered: exit 1, message names the file and the line.
    let hash = find_line(&text, 1, |l| l.starts_with("target-sha256 "));
    let bad = Temp::new(
        "bad.cert",
        &replace_line(&text, hash, &format!("target-sha256 {}", "f".repeat(64))),
    );
    let o = Command::new(BIN)
        .args(["check", bad.path()])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains(&format!("{}: line {hash}:", bad.path())),
        "{err}"
    );

    // Malformed: exit 2.
    let bad = Temp::new(
        "malformed.cert",
        &replace_line(&text, 1, "couplings-certificate 9"),
    );
    let o = Command::new(BIN)
        .args(["check", bad.path()])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("line 1:"), "{err}");

    // The old form keeps working.
    let layers = Temp::new("layers.json", "");
    let o = Command::new(BIN)
        .args([
            "decompose",
            m.path(),
            "--format",
            "json",
            "--output",
            layers.path(),
        ])
        .output()
        .unwrap();
    assert!(o.status.success());
    let o = Command::new(BIN)
        .args(["check", m.path(), "--layers", layers.path()])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0));
}

// ------------------------------------------------------------ fuzzing

fn regressions_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fuzz_regressions")
}

/// Every input the fuzzers ever crashed on (or that we keep as a hard case) must
/// now pass both properties.
#[test]
fn fuzz_regressions_replay() {
    let mut count = 0;
    for entry in std::fs::read_dir(regressions_dir()).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "md") {
            continue;
        }
        let data = std::fs::read(&path).unwrap();
        let r = std::panic::catch_unwind(|| every_property(&data));
        assert!(
            r.is_ok(),
            "regression input {} panics again",
            path.display()
        );
        count += 1;
    }
    assert!(count > 0, "no regression inputs found");
}

fn seeds() -> Vec<Vec<u8>> {
    let mut out = vec![
        example_text().into_bytes(),
        to_text(&cert_for(
            &Matrix::from_i64(&[&[0, -1], &[1, 0]]),
            Mode::Signed,
            true,
        ))
        .into_bytes(),
        to_text(&cert_for(
            &Matrix::from_i64(&[&[2, 1, 0, 0], &[1, 1, 0, 0], &[0, 0, 1, 3], &[0, 0, 0, 1]]),
            Mode::Positive,
            true,
        ))
        .into_bytes(),
        b"1 2\n3 4\n".to_vec(),
        b"1/2, -0.25 # c\n3e2 4\n".to_vec(),
    ];
    for entry in std::fs::read_dir(regressions_dir()).unwrap() {
        out.push(std::fs::read(entry.unwrap().path()).unwrap());
    }
    // The hostile-input cases of issue 17 (JSON, .npy, safetensors, text).
    let hostile = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/hostile");
    let mut names: Vec<PathBuf> = std::fs::read_dir(hostile)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    names.sort();
    for path in names {
        out.push(std::fs::read(path).unwrap());
    }
    out
}

/// Every fuzzing property on one input (each ignores what is not its format).
fn every_property(data: &[u8]) {
    fuzz_certificate(data);
    fuzz_matrix(data);
    fuzz_json(data);
    fuzz_tensor(data);
}

const TOKENS: &[&str] = &[
    "0",
    "-1",
    "1/0",
    "1e99999",
    "1e100001",
    "99999999999999999999999",
    "n",
    "split",
    "mode",
    "target",
    "layers",
    "layer",
    "hint",
    "end",
    "scale",
    "shift",
    "#",
    "\n",
    " ",
    "0 0",
    "18446744073709551616",
    "-0",
    "+1",
    "1/-2",
    ".5",
    "e5",
    "positive",
    "upper",
    "lower",
];

fn mutate(rng: &mut Rng, input: &[u8]) -> Vec<u8> {
    let mut v = input.to_vec();
    for _ in 0..1 + rng.below(4) {
        let pos = rng.below(v.len() + 1);
        match rng.below(8) {
            0 if !v.is_empty() => {
                let i = rng.below(v.len());
                v[i] ^= 1 << rng.below(8);
            }
            1 if !v.is_empty() => {
                let end = (pos + 1 + rng.below(16)).min(v.len());
                v.drain(pos.min(end)..end);
            }
            2 => {
                let t = TOKENS[rng.below(TOKENS.len())];
                v.splice(pos..pos, t.bytes());
            }
            3 | 4 => {
                // Line-level: delete, duplicate or swap lines.
                let text = String::from_utf8_lossy(&v).to_string();
                let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
                if lines.is_empty() {
                    continue;
                }
                let i = rng.below(lines.len());
                let j = rng.below(lines.len());
                match rng.below(3) {
                    0 => {
                        lines.remove(i);
                    }
                    1 => {
                        let l = lines[i].clone();
                        lines.insert(j, l);
                    }
                    _ => lines.swap(i, j),
                }
                v = (lines.join("\n") + "\n").into_bytes();
            }
            5 => {
                // Replace a whitespace-separated token.
                let text = String::from_utf8_lossy(&v).to_string();
                let words: Vec<&str> = text.split(' ').collect();
                if words.is_empty() {
                    continue;
                }
                let i = rng.below(words.len());
                let mut words: Vec<String> = words.iter().map(|s| s.to_string()).collect();
                words[i] = TOKENS[rng.below(TOKENS.len())].to_string();
                v = words.join(" ").into_bytes();
            }
            6 => v.truncate(pos),
            _ => {
                let b = [b'0', b'1', b'-', b'/', b' ', b'\n', b'#', b'e', b'.'][rng.below(9)];
                v.insert(pos, b);
            }
        }
    }
    v
}

/// A small mutational fuzz loop over seed certificates and matrices, checking
/// the same properties as the `cargo fuzz` targets. Crashing inputs are written
/// to `tests/fuzz_regressions/` (then fix the bug and keep the file).
#[test]
fn fuzz_loop() {
    let iters: usize = std::env::var("COUPLINGS_FUZZ_ITERS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(1500);
    let seed: u64 = std::env::var("COUPLINGS_FUZZ_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(0x00f0_cc1a);
    let mut rng = Rng(seed | 1);
    let seeds = seeds();
    let mut corpus = seeds.clone();
    std::panic::set_hook(Box::new(|_| {}));
    let mut failures = Vec::new();
    for _ in 0..iters {
        let base = &corpus[rng.below(corpus.len())];
        let input = mutate(&mut rng, base);
        let data = input.clone();
        let r = std::panic::catch_unwind(move || every_property(&data));
        if r.is_err() {
            let name = format!(
                "crash-{}",
                &couplings::certificate::hex(&sha256(&input))[..16]
            );
            std::fs::write(regressions_dir().join(&name), &input).unwrap();
            failures.push(name);
        } else if corpus.len() < 400 && rng.below(8) == 0 {
            corpus.push(input);
        }
    }
    let _ = std::panic::take_hook();
    assert!(
        failures.is_empty(),
        "fuzz inputs that panic (saved under tests/fuzz_regressions/): {failures:?}"
    );
}
