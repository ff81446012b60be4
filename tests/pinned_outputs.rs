//! Pinned outputs: the CLI, JSON, certificate and export formats are contracts,
//! so a few runs of the built binary are compared byte for byte with the files
//! committed under `tests/pinned/` (standard output, standard error, and every
//! file a run writes). Inputs live in `tests/pinned/inputs/` and `examples/`.
//!
//! A difference fails the test. Only for an *intentional* format change (one
//! that the docs and the changelog of the format announce) regenerate them with
//! `COUPLINGS_BLESS=1 cargo test --test pinned_outputs` and review the diff.

use std::path::{Path, PathBuf};
use std::process::Command;

const BIN: &str = env!("CARGO_BIN_EXE_couplings");

/// Stands for the run's scratch directory in arguments and in standard output.
const OUT: &str = "{out}";

/// One pinned run: its name (the stem of its files under `tests/pinned/`), the
/// arguments (run from the crate root; `{out}` is a scratch directory), the
/// expected exit code, and the files it writes (names inside `{out}`).
struct Case {
    name: &'static str,
    args: &'static [&'static str],
    code: i32,
    writes: &'static [&'static str],
}

const fn case(name: &'static str, args: &'static [&'static str]) -> Case {
    Case {
        name,
        args,
        code: 0,
        writes: &[],
    }
}

const T4: &str = "tests/pinned/inputs/t4.txt";
const T5: &str = "tests/pinned/inputs/t5.txt";
const ULU: &str = "tests/pinned/inputs/ulu_singular.txt";

const CASES: &[Case] = &[
    case("decompose_signed_text", &["decompose", T4]),
    case(
        "decompose_signed_json",
        &["decompose", T4, "--format", "json"],
    ),
    case(
        "decompose_positive_text",
        &["decompose", T4, "--mode", "positive"],
    ),
    case(
        "decompose_positive_json",
        &["decompose", T4, "--mode", "positive", "--format", "json"],
    ),
    case("decompose_odd_default_split", &["decompose", T5]),
    case("decompose_mask_text", &["decompose", T5, "--mask", "0 3"]),
    case(
        "decompose_mask_json",
        &["decompose", T5, "--mask", "0 3", "--format", "json"],
    ),
    case("decompose_split_1", &["decompose", T4, "--split", "1"]),
    case("decompose_perm_text", &["decompose", "--perm", "3 0 1 2"]),
    case(
        "decompose_perm_json",
        &["decompose", "--perm", "3 0 1 2", "--format", "json"],
    ),
    case(
        "decompose_perm_generic_positive",
        &[
            "decompose",
            "--perm",
            "1 0 3 2",
            "--perm-construction",
            "generic",
            "--mode",
            "positive",
        ],
    ),
    case(
        "decompose_balanced",
        &["decompose", T4, "--strategy", "balanced"],
    ),
    case(
        "decompose_balanced_json",
        &[
            "decompose",
            T4,
            "--strategy",
            "balanced",
            "--format",
            "json",
        ],
    ),
    Case {
        code: 2,
        ..case(
            "decompose_balanced_positive_refused",
            &[
                "decompose",
                T4,
                "--strategy",
                "balanced",
                "--mode",
                "positive",
            ],
        )
    },
    case(
        "decompose_conditioned",
        &["decompose", T4, "--strategy", "conditioned"],
    ),
    case("decompose_ulu_singular", &["decompose", ULU]),
    case(
        "decompose_ulu_singular_positive_json",
        &["decompose", ULU, "--mode", "positive", "--format", "json"],
    ),
    case(
        "decompose_rotation_3_layers",
        &["decompose", "examples/glow_rotation_8.txt"],
    ),
    case("decompose_report_text", &["decompose", T4, "--report"]),
    case(
        "decompose_report_json",
        &["decompose", T4, "--report", "--format", "json"],
    ),
    Case {
        writes: &["t4.cert"],
        ..case(
            "decompose_certificate",
            &["decompose", T4, "--certificate", "{out}/t4.cert"],
        )
    },
    Case {
        writes: &["t5.cert"],
        ..case(
            "decompose_certificate_mask_positive",
            &[
                "decompose",
                T5,
                "--mask",
                "0 3",
                "--mode",
                "positive",
                "--certificate",
                "{out}/t5.cert",
            ],
        )
    },
    case(
        "check_certificate",
        &["check", "tests/pinned/decompose_certificate.t4.cert"],
    ),
    case(
        "check_layers",
        &[
            "check",
            T4,
            "--layers",
            "tests/pinned/decompose_signed_json.stdout",
        ],
    ),
    case(
        "check_layers_mask",
        &[
            "check",
            T5,
            "--layers",
            "tests/pinned/decompose_mask_json.stdout",
        ],
    ),
    Case {
        code: 2,
        ..case(
            "decompose_singular",
            &["decompose", "tests/pinned/inputs/singular.txt"],
        )
    },
    case("explain_signed", &["explain", T4]),
    case("explain_positive", &["explain", T4, "--mode", "positive"]),
    case(
        "explain_balanced",
        &["explain", T4, "--strategy", "balanced"],
    ),
    case(
        "explain_conditioned",
        &["explain", T4, "--strategy", "conditioned"],
    ),
    case("explain_ulu_singular", &["explain", ULU]),
    case("explain_mask", &["explain", T5, "--mask", "0 3"]),
    case("depth_at_least_4", &["depth", "examples/lower_bound_4.txt"]),
    case(
        "depth_positive",
        &[
            "depth",
            "examples/lower_bound_positive_4.txt",
            "--mode",
            "positive",
        ],
    ),
    case("depth_exact", &["depth", T4]),
    case("depth_ulu_singular", &["depth", ULU]),
    case("depth_rotation", &["depth", "examples/glow_rotation_8.txt"]),
    Case {
        code: 1,
        ..case(
            "prove_summary",
            &["prove", "tests/pinned/inputs/lemmas.proof"],
        )
    },
    Case {
        writes: &["lu8.safetensors"],
        ..case(
            "export_glow_lu_8",
            &[
                "export",
                "examples/glow_lu_8.npy",
                "--output",
                "{out}/lu8.safetensors",
            ],
        )
    },
    Case {
        writes: &["rot8.safetensors"],
        ..case(
            "export_rotation_positive_rounded",
            &[
                "export",
                "examples/glow_random_rotation_8.npy",
                "--round",
                "3",
                "--mode",
                "positive",
                "--output",
                "{out}/rot8.safetensors",
            ],
        )
    },
];

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn pinned(file: &str) -> PathBuf {
    root().join("tests/pinned").join(file)
}

/// A scratch directory for one case, removed on drop.
struct Scratch(PathBuf);

impl Scratch {
    fn new(name: &str) -> Scratch {
        let dir =
            std::env::temp_dir().join(format!("couplings-pinned-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        Scratch(dir)
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Runs one case: `(file name, bytes)` for standard output, standard error
/// and every written file, with the scratch path written back as `{out}`.
fn run(case: &Case) -> Vec<(String, Vec<u8>)> {
    let scratch = Scratch::new(case.name);
    let dir = scratch.0.to_str().unwrap().to_string();
    let args: Vec<String> = case.args.iter().map(|a| a.replace(OUT, &dir)).collect();
    let o = Command::new(BIN)
        .current_dir(root())
        .args(&args)
        .output()
        .unwrap();
    let unscratch = |b: Vec<u8>| {
        String::from_utf8(b)
            .unwrap_or_else(|e| panic!("{}: output is not UTF-8: {e}", case.name))
            .replace(&dir, OUT)
            .into_bytes()
    };
    assert_eq!(
        o.status.code(),
        Some(case.code),
        "{}: exit code; stderr: {}",
        case.name,
        String::from_utf8_lossy(&o.stderr)
    );
    let mut out = vec![
        (format!("{}.stdout", case.name), unscratch(o.stdout)),
        (format!("{}.stderr", case.name), unscratch(o.stderr)),
    ];
    for file in case.writes {
        let bytes = std::fs::read(Path::new(&dir).join(file))
            .unwrap_or_else(|e| panic!("{}: {file} not written: {e}", case.name));
        out.push((format!("{}.{file}", case.name), bytes));
    }
    out
}

#[test]
fn outputs_match_the_pinned_files() {
    let bless = std::env::var("COUPLINGS_BLESS").is_ok_and(|v| v == "1");
    let mut stale = Vec::new();
    let mut wanted = Vec::new();
    for case in CASES {
        for (file, bytes) in run(case) {
            let path = pinned(&file);
            wanted.push(file.clone());
            if bless {
                std::fs::write(&path, &bytes).unwrap();
            } else if std::fs::read(&path).ok().as_deref() != Some(bytes.as_slice()) {
                stale.push(file);
            }
        }
    }
    for entry in std::fs::read_dir(root().join("tests/pinned")).unwrap() {
        let entry = entry.unwrap();
        let file = entry.file_name().to_string_lossy().to_string();
        if entry.file_type().unwrap().is_file() && !wanted.contains(&file) {
            stale.push(format!("{file} (no case writes it)"));
        }
    }
    assert!(
        stale.is_empty(),
        "outputs differ from tests/pinned/:\n  {}\nThe formats are contracts. Only for an intentional, documented \
         format change regenerate with\n  COUPLINGS_BLESS=1 cargo test --test pinned_outputs\nand review the diff.",
        stale.join("\n  ")
    );
}

#[test]
fn every_case_has_a_unique_name() {
    let mut names: Vec<&str> = CASES.iter().map(|c| c.name).collect();
    names.sort_unstable();
    let before = names.len();
    names.dedup();
    assert_eq!(names.len(), before);
}
