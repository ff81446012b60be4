//! The construction code names, next to each step, the lemma in `proofs/` that
//! justifies it, with a comment `// lemma: NAME` (optionally followed by a note).
//! These tests keep the markers honest: every marker names a lemma that exists
//! and checks, every construction file has markers, and the lemmas the
//! construction is built on are all named somewhere. They also run the
//! `couplings prove` subcommand.

use couplings::proof::{check_path, report_line};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const BIN: &str = env!("CARGO_BIN_EXE_couplings");

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A marker: the lemma's name, the file and the 1-based line.
#[derive(Debug)]
struct Marker {
    name: String,
    file: PathBuf,
    line: usize,
}

/// The names after `lemma:` in the `//` comment of one line of Rust source
/// (the identifier right after `lemma:` and optional spaces).
fn markers_in_line(line: &str) -> Vec<String> {
    let Some(start) = line.find("//") else {
        return Vec::new();
    };
    let comment = &line[start..];
    let is_ident = |c: char| c.is_ascii_alphanumeric() || c == '_';
    let mut names = Vec::new();
    for (at, _) in comment.match_indices("lemma:") {
        if comment[..at].chars().next_back().is_some_and(is_ident) {
            continue; // e.g. `sublemma:`
        }
        let rest = comment[at + "lemma:".len()..].trim_start();
        let name: String = rest.chars().take_while(|&c| is_ident(c)).collect();
        if !name.is_empty() {
            names.push(name);
        }
    }
    names
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|x| x == "rs") {
            out.push(path);
        }
    }
}

/// Every marker in `src/construct/**/*.rs`.
fn construction_markers() -> Vec<Marker> {
    let mut files = Vec::new();
    rust_files(&root().join("src/construct"), &mut files);
    assert!(!files.is_empty(), "no construction files found");
    let mut markers = Vec::new();
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap();
        for (i, line) in text.lines().enumerate() {
            for name in markers_in_line(line) {
                markers.push(Marker {
                    name,
                    file: file.clone(),
                    line: i + 1,
                });
            }
        }
    }
    markers
}

/// Every lemma of `proofs/`, by name: its report line (`checked ...` or `FAILED ...`)
/// and whether it checked.
fn lemmas() -> BTreeMap<String, (bool, String)> {
    let results = check_path(root().join("proofs")).unwrap_or_else(|e| panic!("{e}"));
    let mut out = BTreeMap::new();
    for (file, rs) in results {
        for r in rs {
            let line = format!("{}: {}", file.display(), report_line(&r));
            out.insert(r.name.clone(), (r.is_checked(), line));
        }
    }
    out
}

#[test]
fn markers_are_read_from_comments() {
    assert_eq!(
        markers_in_line("    // lemma: core_reduce"),
        ["core_reduce"]
    );
    assert_eq!(
        markers_in_line("    // Step 4. lemma: core_solution (E1 = Delta)"),
        ["core_solution"]
    );
    assert_eq!(
        markers_in_line("let x = 1; // lemma: a, and lemma: b_2"),
        ["a", "b_2"]
    );
    assert!(markers_in_line("let lemma = 1; // no marker").is_empty());
    assert!(markers_in_line("//! the lemma `two_layer_ul` (prose, not a marker)").is_empty());
    assert!(markers_in_line("// sublemma: x").is_empty());
}

#[test]
fn every_marker_names_a_lemma_that_checks() {
    let markers = construction_markers();
    let lemmas = lemmas();
    let mut problems = Vec::new();
    for m in &markers {
        let at = format!("{}:{}", m.file.display(), m.line);
        match lemmas.get(&m.name) {
            None => problems.push(format!("{at}: `{}` is not a lemma in proofs/", m.name)),
            Some((false, report)) => problems.push(format!("{at}: {report}")),
            Some((true, _)) => {}
        }
    }
    assert!(
        problems.is_empty(),
        "markers without a checked lemma:\n{}",
        problems.join("\n")
    );
}

#[test]
fn every_construction_file_has_markers() {
    let markers = construction_markers();
    for file in ["short/mod.rs", "short/ulu.rs", "five.rs", "peel.rs"] {
        let n = markers.iter().filter(|m| m.file.ends_with(file)).count();
        assert!(
            n > 0,
            "src/construct/{file} names no lemma (`// lemma: NAME`)"
        );
    }
}

#[test]
fn the_steps_of_the_constructions_are_all_named() {
    let markers = construction_markers();
    for wanted in [
        // short/
        "two_layer_ul",
        "core_reduce",
        "ulu_solution",
        // five.rs
        "core_triangular_pair",
        "triangular_similarity",
        "core_solution",
        "core_e1_is_delta",
        "sign_extraction",
        "block_diag_four",
        // peel.rs
        "peel_left_x",
        "peel_left_r",
        "peel_right",
    ] {
        assert!(
            markers.iter().any(|m| m.name == wanted),
            "no `// lemma: {wanted}` marker in src/construct"
        );
    }
}

fn prove(args: &[&str]) -> Output {
    Command::new(BIN)
        .arg("prove")
        .args(args)
        .current_dir(root())
        .output()
        .unwrap()
}

fn temp_proof(name: &str, text: &str) -> PathBuf {
    let path = std::env::temp_dir().join(format!(
        "couplings-proof-markers-{}-{name}.proof",
        std::process::id()
    ));
    std::fs::write(&path, text).unwrap();
    path
}

#[test]
fn prove_checks_the_proofs_directory() {
    let total = lemmas().len();
    for args in [&["proofs"][..], &[]] {
        let out = prove(args);
        let stdout = String::from_utf8(out.stdout).unwrap();
        assert_eq!(
            out.status.code(),
            Some(0),
            "prove {args:?}: {stdout}{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let lines: Vec<&str> = stdout.lines().collect();
        assert_eq!(lines.len(), total, "one line per lemma:\n{stdout}");
        assert!(lines.iter().all(|l| l.contains(": checked ")), "{stdout}");
        assert!(stdout.contains("checked core_solution (line "), "{stdout}");
    }
}

#[test]
fn prove_reports_a_false_lemma_with_exit_1() {
    let path = temp_proof(
        "false",
        "block X, Y\nlemma fine: X + Y = Y + X\nlemma swap: X Y = Y X\n",
    );
    let out = prove(&[path.to_str().unwrap()]);
    let stdout = String::from_utf8(out.stdout).unwrap();
    std::fs::remove_file(&path).unwrap();
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), 2, "{stdout}");
    assert!(lines[0].ends_with("checked fine (line 2)"), "{stdout}");
    assert!(
        lines[1].ends_with("FAILED  swap (line 3): X Y: 1 on the left, 0 on the right"),
        "{stdout}"
    );
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(stderr.contains("1 of 2 lemmas"), "{stderr}");
}

#[test]
fn prove_reports_a_syntax_error_with_exit_2() {
    let path = temp_proof("syntax", "block X\nlemma bad: X + = X\n");
    let out = prove(&[path.to_str().unwrap()]);
    std::fs::remove_file(&path).unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr.contains(".proof:2:16: expected an expression"),
        "{stderr}"
    );
    let out = prove(&["no/such/proofs"]);
    assert_eq!(out.status.code(), Some(2));
}
