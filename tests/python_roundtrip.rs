//! The numpy round trip of `couplings export` (issue 5): runs
//! `python3 python/test_roundtrip.py` against this build's binary; and
//! `python3 python/test_convert.py` (issue 14: `couplings convert` files through
//! the numpy, torch and normflows loaders). It needs
//! python3 with numpy; without them the test FAILS with install instructions,
//! unless `COUPLINGS_SKIP_PYTHON=1` is set (then it prints a loud skip).

use std::path::PathBuf;
use std::process::Command;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// `Ok(())` when `python3 -c "import numpy"` works, else why not.
fn python_with_numpy() -> Result<(), String> {
    match Command::new("python3")
        .args(["-c", "import numpy"])
        .output()
    {
        Err(e) => Err(format!("python3 could not be started: {e}")),
        Ok(o) if !o.status.success() => Err(format!(
            "python3 cannot import numpy: {}",
            String::from_utf8_lossy(&o.stderr).trim()
        )),
        Ok(_) => Ok(()),
    }
}

/// Runs `python3 python/SCRIPT --bin <this build's couplings> --workdir TMP`
/// and returns its standard output when it succeeded (panics with its output
/// otherwise). `None`: python3 with numpy is missing and
/// `COUPLINGS_SKIP_PYTHON=1` is set (a loud skip); missing without it panics
/// with install instructions.
fn run_python_test(script: &str) -> Option<String> {
    if let Err(why) = python_with_numpy() {
        if std::env::var("COUPLINGS_SKIP_PYTHON").is_ok_and(|v| v == "1") {
            eprintln!(
                "\n\n*** SKIPPED: python/{script} did not run ({why}); \
                 COUPLINGS_SKIP_PYTHON=1 is set ***\n"
            );
            return None;
        }
        panic!(
            "the python round trip needs python3 with numpy ({why}). Install numpy with \
             `python3 -m pip install numpy` (or your package manager's python3-numpy), or set \
             COUPLINGS_SKIP_PYTHON=1 to skip this test"
        );
    }
    let workdir = std::env::temp_dir().join(format!(
        "couplings-py-{}-{}",
        script.trim_end_matches(".py"),
        std::process::id()
    ));
    let out = Command::new("python3")
        .arg(root().join("python").join(script))
        .arg("--bin")
        .arg(env!("CARGO_BIN_EXE_couplings"))
        .arg("--workdir")
        .arg(&workdir)
        .current_dir(root())
        .output()
        .expect("run python3");
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&out.stderr);
    let _ = std::fs::remove_dir_all(&workdir);
    assert!(
        out.status.success(),
        "python/{script} failed:\n{stdout}\n{stderr}"
    );
    // A skipped part (torch, normflows or `convert` absent) is said loudly,
    // not only under --nocapture.
    for line in stdout
        .lines()
        .filter(|l| l.starts_with("SKIP:") || l.starts_with("SKIPPED:"))
    {
        eprintln!("\n*** {line} ***\n");
    }
    Some(stdout)
}

#[test]
fn numpy_loader_round_trips_the_exports() {
    let Some(stdout) = run_python_test("test_roundtrip.py") else {
        return;
    };
    // 52 exports: 3 small strict cases, 3 Glow weights x (exact, 3 roundings,
    // conditioned, --tolerance 1e-6), one safetensors tensor, and 4 padded chains (--pad K,
    // docs/padding.md: K = n unit, K < n, masked, K = n conditioned); each in
    // both modes.
    assert!(stdout.contains("ok: 52 exports round-tripped"), "{stdout}");
    // The padded chains are among them, applied to [x; 0] by the numpy loader.
    assert!(stdout.contains("cayley_rotation_8 --pad 8"), "{stdout}");
    // Keep the table visible with `cargo test -- --nocapture`.
    println!("{stdout}");
}

/// `couplings convert` files through `load_converted` (numpy), `Conv1x1Couplings`
/// against torch's conv2d, and against real normflows `Invertible1x1Conv` modules
/// (python/test_convert.py, tolerances in its docstring). Parts whose
/// dependency is missing (torch, normflows, or `convert` in this build) are
/// skipped with a loud `SKIPPED:` line; the format checks always run.
#[test]
fn convert_files_load_in_numpy_torch_and_normflows() {
    let Some(stdout) = run_python_test("test_convert.py") else {
        return;
    };
    assert!(
        stdout.contains("ok: convert checks passed (format checks"),
        "{stdout}"
    );
    let convert_present = Command::new(env!("CARGO_BIN_EXE_couplings"))
        .args(["convert", "--help"])
        .output()
        .is_ok_and(|o| o.status.success());
    // With `convert` in the binary the numpy part must have run, not been skipped.
    assert_eq!(
        stdout.contains("part 1: 6 chains loaded with numpy, 2 failures reported"),
        convert_present,
        "{stdout}"
    );
    println!("{stdout}");
}
