//! Figures in the docs that the code produces are generated, not copied by
//! hand: the lemma count (README.md, docs/proofs.md) and the lemma column of
//! the proof-file table in docs/proofs.md come from checking `proofs/`, and the
//! README's architecture table must list every module of the crate. A stale
//! figure fails the test; `COUPLINGS_BLESS=1 cargo test --test doc_figures`
//! rewrites the generated parts (a table row for a new proof file, and the
//! architecture rows, are written by hand).

use couplings::proof::check_path;
use std::path::PathBuf;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn bless() -> bool {
    std::env::var("COUPLINGS_BLESS").is_ok_and(|v| v == "1")
}

/// Per proof file (its name), the names of its lemmas in order.
fn lemmas_by_file() -> Vec<(String, Vec<String>)> {
    let results = check_path(root().join("proofs")).unwrap_or_else(|e| panic!("{e}"));
    results
        .into_iter()
        .map(|(file, lemmas)| {
            let name = file.file_name().unwrap().to_string_lossy().to_string();
            (name, lemmas.into_iter().map(|r| r.name).collect())
        })
        .collect()
}

const OPEN: &str = "<!-- generated: lemma count -->";
const CLOSE: &str = "<!-- end -->";

/// `text` with every `OPEN N CLOSE` set to `count`; `None` when there is none.
fn with_count(text: &str, count: usize) -> Option<String> {
    let mut out = String::new();
    let mut rest = text;
    let mut found = false;
    while let Some(at) = rest.find(OPEN) {
        let start = at + OPEN.len();
        let end = start + rest[start..].find(CLOSE)?;
        out.push_str(&rest[..start]);
        out.push_str(&count.to_string());
        rest = &rest[end..];
        found = true;
    }
    out.push_str(rest);
    found.then_some(out)
}

/// `text` with the last cell of the row of each proof file regenerated; the
/// files without a row and the rows without a file, as errors.
fn with_lemma_column(text: &str, files: &[(String, Vec<String>)]) -> (String, Vec<String>) {
    let mut problems = Vec::new();
    let mut seen = Vec::new();
    let mut lines: Vec<String> = Vec::new();
    for line in text.lines() {
        let row = line
            .strip_prefix("| `")
            .and_then(|r| r.split_once("` |"))
            .filter(|(name, _)| name.ends_with(".proof"));
        let Some((name, _)) = row else {
            lines.push(line.to_string());
            continue;
        };
        match files.iter().find(|(f, _)| f == name) {
            Some((_, lemmas)) => {
                let cut = line.trim_end().trim_end_matches('|').trim_end();
                let head = &cut[..cut.rfind('|').expect("a table row")];
                let names: Vec<String> = lemmas.iter().map(|l| format!("`{l}`")).collect();
                lines.push(format!("{head}| {} |", names.join(", ")));
                seen.push(name.to_string());
            }
            None => {
                problems.push(format!(
                    "docs/proofs.md lists {name}, which is not in proofs/"
                ));
                lines.push(line.to_string());
            }
        }
    }
    for (f, _) in files {
        if !seen.contains(f) {
            problems.push(format!(
                "proofs/{f} has no row in the table of docs/proofs.md (add it by hand)"
            ));
        }
    }
    let mut out = lines.join("\n");
    if text.ends_with('\n') {
        out.push('\n');
    }
    (out, problems)
}

#[test]
fn lemma_figures_are_fresh() {
    let files = lemmas_by_file();
    let count: usize = files.iter().map(|(_, l)| l.len()).sum();
    assert!(count > 0, "no lemma in proofs/");
    let mut stale = Vec::new();
    let mut problems = Vec::new();
    for doc in ["README.md", "docs/proofs.md"] {
        let path = root().join(doc);
        let text = std::fs::read_to_string(&path).unwrap();
        let Some(mut fresh) = with_count(&text, count) else {
            problems.push(format!(
                "{doc} has no generated lemma count ({OPEN}N{CLOSE})"
            ));
            continue;
        };
        if doc == "docs/proofs.md" {
            let (table, p) = with_lemma_column(&fresh, &files);
            fresh = table;
            problems.extend(p);
        }
        if fresh != text {
            if bless() {
                std::fs::write(&path, fresh).unwrap();
            } else {
                stale.push(doc);
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    assert!(
        stale.is_empty(),
        "stale lemma figures in {} ({count} lemmas in proofs/); regenerate with\n  \
         COUPLINGS_BLESS=1 cargo test --test doc_figures",
        stale.join(", ")
    );
}

/// The rows of the README's architecture table: the modules they name.
fn architecture_rows() -> String {
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    let start = readme
        .find("## Architecture")
        .expect("README has an Architecture section");
    let section = &readme[start..];
    section
        .lines()
        .skip(1)
        .skip_while(|l| !l.starts_with('|'))
        .take_while(|l| l.starts_with('|'))
        .map(|l| l.split('|').nth(2).unwrap_or("").to_string())
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn architecture_table_lists_every_module() {
    let rows = architecture_rows();
    let lib = std::fs::read_to_string(root().join("src/lib.rs")).unwrap();
    let mut modules: Vec<String> = lib
        .lines()
        .filter_map(|l| l.strip_prefix("pub mod "))
        .map(|m| m.trim_end_matches(';').to_string())
        .collect();
    assert!(modules.len() > 5, "no modules read from src/lib.rs");
    modules.push("cli/".into());
    let missing: Vec<&String> = modules
        .iter()
        .filter(|m| !rows.contains(&format!("`{m}`")))
        .collect();
    assert!(
        missing.is_empty(),
        "README.md's architecture table does not list {missing:?}"
    );
    for named in rows.split('`').skip(1).step_by(2) {
        let dir = named.trim_end_matches('/');
        let exists = modules.iter().any(|m| m.trim_end_matches('/') == dir)
            || root().join("src").join(named).exists();
        assert!(
            exists,
            "README.md's architecture table names `{named}`, which is no module"
        );
    }
}

#[test]
fn generated_count_is_replaced_in_place() {
    let text = format!("a {OPEN}1{CLOSE} b {OPEN}22{CLOSE}");
    assert_eq!(
        with_count(&text, 7).unwrap(),
        format!("a {OPEN}7{CLOSE} b {OPEN}7{CLOSE}")
    );
    assert!(with_count("no marker", 7).is_none());
}
