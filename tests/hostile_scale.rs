//! Scale without a word (issue 17, class 10): long `--perm` runs print their
//! stages on standard error, never on standard output, and small ones stay
//! silent.

use std::process::{Command, Output};

const BIN: &str = env!("CARGO_BIN_EXE_couplings");

fn perm_run(n: usize) -> Output {
    let perm: Vec<String> = (0..n).map(|i| ((7 * i + 3) % n).to_string()).collect();
    Command::new(BIN)
        .args(["decompose", "--perm", &perm.join(" "), "--format", "json"])
        .output()
        .unwrap()
}

#[test]
fn a_long_permutation_run_reports_its_stages_on_stderr() {
    let o = perm_run(64);
    assert_eq!(o.status.code(), Some(0));
    let err = String::from_utf8_lossy(&o.stderr);
    for line in [
        "couplings: decomposing a 64x64 permutation matrix exactly (routed construction); stages follow",
        "routed construction: planning the layers",
        "routed construction: exact self-check of the layers",
        "layers, verified exactly)",
        "writing the layers",
    ] {
        assert!(err.contains(line), "missing `{line}` in:\n{err}");
    }
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(out.trim_start().starts_with('{') && !out.contains("couplings:"));
}

#[test]
fn a_small_permutation_run_is_silent() {
    let o = perm_run(8);
    assert_eq!(o.status.code(), Some(0));
    assert!(
        o.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
}
