//! Walkthroughs (`couplings::explain`): the committed ones in `docs/walkthroughs/`
//! are regenerated from every `examples/*.txt` and compared (stale files fail;
//! `COUPLINGS_BLESS=1 cargo test --test explain` rewrites them), every lemma a
//! walkthrough cites exists in its proof file, and walkthroughs of inputs that
//! exercise each construction make no claim that failed.

use couplings::construct::decompose_traced;
use couplings::exact::{Matrix, qi};
use couplings::explain::{CITED_LEMMAS, explain, explain_decomposition, lemma_file};
use couplings::families::{all_permutations, permutation_matrix};
use couplings::{Mode, Options};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// (example file name, mode, walkthrough file name) for every example.
fn expected_walkthroughs() -> Vec<(String, Mode, String)> {
    let mut names: Vec<String> = std::fs::read_dir(root().join("examples"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .filter(|n| n.ends_with(".txt"))
        .collect();
    names.sort();
    let mut out = Vec::new();
    for name in names {
        let stem = name.trim_end_matches(".txt").to_string();
        out.push((name.clone(), Mode::Signed, format!("{stem}.md")));
        out.push((name, Mode::Positive, format!("{stem}.positive.md")));
    }
    out
}

/// The walkthrough of `examples/NAME` in `mode`, or `None` when the matrix has
/// no decomposition in that mode (e.g. det < 0 in positive mode).
fn generate(name: &str, mode: Mode) -> Option<String> {
    let t = couplings::io::read_matrix(&root().join("examples").join(name))
        .unwrap_or_else(|e| panic!("examples/{name}: {e}"));
    let options = Options {
        mode,
        ..Options::default()
    };
    explain(&t, &options, &format!("examples/{name}")).ok()
}

#[test]
fn committed_walkthroughs_are_fresh() {
    let bless = std::env::var("COUPLINGS_BLESS").is_ok_and(|v| v == "1");
    let dir = root().join("docs/walkthroughs");
    std::fs::create_dir_all(&dir).unwrap();
    let mut stale = Vec::new();
    let mut wanted = Vec::new();
    for (name, mode, file) in expected_walkthroughs() {
        let Some(md) = generate(&name, mode) else {
            continue;
        };
        let path = dir.join(&file);
        wanted.push(file.clone());
        if bless {
            std::fs::write(&path, &md).unwrap();
        } else if std::fs::read_to_string(&path).ok().as_deref() != Some(md.as_str()) {
            stale.push(format!(
                "docs/walkthroughs/{file} (from examples/{name}, {} mode)",
                mode.name()
            ));
        }
    }
    // No walkthrough without its example.
    for entry in std::fs::read_dir(&dir).unwrap() {
        let file = entry.unwrap().file_name().to_string_lossy().to_string();
        if file.ends_with(".md") && !wanted.contains(&file) {
            if bless {
                std::fs::remove_file(dir.join(&file)).unwrap();
            } else {
                stale.push(format!(
                    "docs/walkthroughs/{file} (no example generates it)"
                ));
            }
        }
    }
    assert!(
        stale.is_empty(),
        "stale or missing walkthroughs:\n  {}\nregenerate them with\n  COUPLINGS_BLESS=1 cargo test --test explain\n\
         (or one at a time: cargo run -- explain examples/NAME.txt [--mode positive] > docs/walkthroughs/NAME[.positive].md)",
        stale.join("\n  ")
    );
}

#[test]
fn cli_explain_matches_the_library() {
    let (name, mode, _) = expected_walkthroughs().remove(0);
    let expected = generate(&name, mode).unwrap();
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_couplings"))
        .current_dir(root())
        .args([
            "explain",
            &format!("examples/{name}"),
            "--mode",
            mode.name(),
        ])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert_eq!(String::from_utf8(o.stdout).unwrap(), expected);
}

#[test]
fn cited_lemmas_exist_in_their_files() {
    for lemma in CITED_LEMMAS {
        let file = lemma_file(lemma);
        assert!(file.ends_with(".proof"), "{lemma}: no file");
        let text = std::fs::read_to_string(root().join(file)).unwrap();
        let found = text.lines().any(|l| {
            l.trim_start().strip_prefix("lemma ").is_some_and(|rest| {
                rest.starts_with(lemma) && rest[lemma.len()..].trim_start().starts_with([':', '{'])
            })
        });
        assert!(found, "lemma {lemma} is not stated in {file}");
    }
}

/// Walkthroughs for inputs covering every deterministic construction (found
/// among small permutations and a few named matrices) make no failed claim.
#[test]
fn walkthroughs_cover_the_constructions_without_failed_claims() {
    let mut inputs: Vec<Matrix> = vec![
        Matrix::identity(4),
        Matrix::from_i64(&[&[2, 1, 2, 3], &[0, 2, 0, 3], &[1, 0, 2, 0], &[0, 1, 0, 3]]),
        Matrix::from_i64(&[&[1, 0, 0, 0], &[0, 1, 0, 0], &[2, 1, 3, 0], &[1, 1, 0, 1]]),
        Matrix::from_i64(&[&[2, 1, 0, 0], &[1, 1, 0, 0], &[0, 0, 1, 3], &[0, 0, 0, 1]]),
        Matrix::from_i64(&[&[0, 0, -1, 0], &[0, 0, 0, -1], &[1, 0, 0, 0], &[0, 1, 0, 0]]),
        Matrix::from_i64(&[&[1, 2, 0, 1], &[0, 1, 3, 0], &[2, 0, 1, 1], &[1, 1, 0, 2]]),
        // n = 8: generic inputs there take the five-layer core (four layers
        // win at n = 4, 6).
        couplings::families::random_integer(8, 1),
    ];
    for n in [4, 6] {
        for p in all_permutations(n) {
            inputs.push(permutation_matrix(&p));
        }
    }
    let mut seen: BTreeMap<(String, &str), usize> = BTreeMap::new();
    for t in &inputs {
        for mode in [Mode::Signed, Mode::Positive] {
            let options = Options {
                mode,
                ..Options::default()
            };
            let Ok((dec, trace)) = decompose_traced(t, &options) else {
                continue;
            };
            let key = (trace.construction.to_string(), mode.name());
            let count = seen.entry(key).or_insert(0);
            *count += 1;
            if *count > 3 {
                continue;
            }
            let md = explain_decomposition(t, &dec, &trace, "input");
            assert!(
                md.contains("Verified by the independent checker"),
                "{}:\n{md}",
                trace.construction
            );
            for bad in [": NO", "REJECTED", "unexpected", "could not be recomputed"] {
                assert!(
                    !md.contains(bad),
                    "{} claims `{bad}`:\n{md}",
                    trace.construction
                );
            }
            assert!(md.contains("## 6. Figures"));
        }
    }
    // The named inputs pin these down; the permutations (n = 4, 6) currently also
    // reach "three layers", "left peel + core", "random peel + core" and
    // "two peels + core", but which ones they reach is the construction's business.
    let strategies: Vec<&str> = seen.keys().map(|(s, _)| s.as_str()).collect();
    for s in ["identity", "one layer", "two layers", "five-layer core"] {
        assert!(
            strategies.contains(&s),
            "no input exercised `{s}`: {seen:?}"
        );
    }
    assert!(
        strategies.len() >= 6,
        "too few constructions exercised: {seen:?}"
    );
}

#[test]
fn large_matrices_are_summarised() {
    let n = 10;
    let mut m = Matrix::identity(n);
    for i in 0..n {
        for j in 0..n {
            m.set(
                i,
                j,
                qi(((i * 7 + j * 3) % 5) as i64 - 2 + if i == j { 9 } else { 0 }),
            );
        }
    }
    let md = explain(&m, &Options::default(), "big").unwrap();
    assert!(md.contains("is 10x10 (summarised)"), "{md}");
    assert!(
        !md.contains("$$\nT = "),
        "a 10x10 matrix must not be dumped"
    );
}

#[test]
fn walkthrough_paths_are_relative() {
    // The generated text must not depend on where the repository is checked out.
    for (name, mode, _) in expected_walkthroughs() {
        if let Some(md) = generate(&name, mode) {
            assert!(!md.contains(root().to_str().unwrap()));
            assert!(!md.contains(Path::new("/tmp").to_str().unwrap()));
        }
    }
}

#[test]
fn balanced_and_conditioned_walkthroughs_name_their_strategy() {
    let t = couplings::io::read_matrix(&root().join("examples/glow_rotation_8.txt")).unwrap();
    for (strategy, flag, doc) in [
        (
            couplings::Strategy::Balanced,
            "--strategy balanced",
            "docs/performance.md",
        ),
        (
            couplings::Strategy::Conditioned,
            "--strategy conditioned",
            "docs/conditioning.md",
        ),
    ] {
        let options = Options {
            strategy,
            ..Options::default()
        };
        let md = explain(&t, &options, "examples/glow_rotation_8.txt").unwrap();
        assert!(md.contains(flag), "{strategy:?}: no '{flag}' in the header");
        assert!(md.contains(doc), "{strategy:?}: no pointer to {doc}");
        assert!(
            !md.contains("No walkthrough is written"),
            "{strategy:?}: missing paragraph"
        );
        assert!(
            !md.contains("tries the constructions shortest first"),
            "{strategy:?}: describes the shallow search"
        );
    }
}
