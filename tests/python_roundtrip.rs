//! The numpy round trip of `couplings export` (issue 5): runs
//! `python3 python/test_roundtrip.py` against this build's binary. It needs
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

#[test]
fn numpy_loader_round_trips_the_exports() {
    if let Err(why) = python_with_numpy() {
        if std::env::var("COUPLINGS_SKIP_PYTHON").is_ok_and(|v| v == "1") {
            eprintln!(
                "\n\n*** SKIPPED: the python round trip did not run ({why}); \
                 COUPLINGS_SKIP_PYTHON=1 is set ***\n"
            );
            return;
        }
        panic!(
            "the python round trip needs python3 with numpy ({why}). Install numpy with \
             `python3 -m pip install numpy` (or your package manager's python3-numpy), or set \
             COUPLINGS_SKIP_PYTHON=1 to skip this test"
        );
    }
    let workdir =
        std::env::temp_dir().join(format!("couplings-py-roundtrip-{}", std::process::id()));
    let out = Command::new("python3")
        .arg(root().join("python/test_roundtrip.py"))
        .arg("--bin")
        .arg(env!("CARGO_BIN_EXE_couplings"))
        .arg("--workdir")
        .arg(&workdir)
        .current_dir(root())
        .output()
        .expect("run python3");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    let _ = std::fs::remove_dir_all(&workdir);
    assert!(
        out.status.success(),
        "python/test_roundtrip.py failed:\n{stdout}\n{stderr}"
    );
    // 52 exports: 3 small strict cases, 3 Glow weights x (exact, 3 roundings,
    // conditioned, --tolerance 1e-6), one safetensors tensor, and 4 padded chains (--pad K,
    // docs/padding.md: K = n unit, K < n, masked, K = n conditioned); each in
    // both modes.
    assert!(stdout.contains("ok: 52 exports round-tripped"), "{stdout}");
    // The padded chains are among them, applied to [x; 0] by the numpy loader.
    assert!(stdout.contains("cayley_rotation_8 --pad 8"), "{stdout}");
    // A skipped part (torch absent) is said loudly, not only under --nocapture.
    for line in stdout.lines().filter(|l| l.starts_with("SKIP:")) {
        eprintln!("\n*** {line} ***\n");
    }
    // Keep the table visible with `cargo test -- --nocapture`.
    println!("{stdout}");
}
