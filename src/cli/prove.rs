//! `couplings prove`: check the lemmas of proof files with the proof kernel
//! (`couplings::proof`), one line per lemma; exit 1 when one fails.

use super::{EXIT_CHECK_FAILED, Failure, emit};
use clap::Args;
use std::path::PathBuf;

pub(crate) const HELP: &str = "\
Reads a proof file, or every *.proof file of a directory (format: docs/proofs.md),
and prints one line per lemma: 'checked NAME (line K)', or 'FAILED  NAME (line K):'
with the first differing word of the two normal forms. Exits 0 when every lemma
checks, 1 when some lemma fails, 2 on a file that cannot be read or holds no
lemma (syntax errors are reported with line and column).

Examples:
  couplings prove
  couplings prove proofs/core.proof";

#[derive(Args, Debug)]
pub(crate) struct ProveArgs {
    /// A proof file, or a directory of *.proof files (relative to the current directory).
    #[arg(value_name = "PATH", default_value = "proofs")]
    path: PathBuf,
}

impl ProveArgs {
    pub(crate) fn run(self) -> Result<(), Failure> {
        let results = couplings::proof::check_path(&self.path).map_err(|e| {
            Failure::bad_input(match (&e.file, e.line) {
                // An I/O error carries no position.
                (Some(file), 0) => format!("cannot read {}: {}", file.display(), e.message),
                _ => e.to_string(),
            })
        })?;
        if results.is_empty() {
            return Err(Failure::bad_input(format!(
                "{} holds no *.proof file",
                self.path.display()
            )));
        }
        let mut out = String::new();
        let (mut total, mut failed) = (0, 0);
        for (file, lemmas) in &results {
            for r in lemmas {
                total += 1;
                failed += usize::from(!r.is_checked());
                out += &format!("{}: {}\n", file.display(), couplings::proof::report_line(r));
            }
        }
        if total == 0 {
            return Err(Failure::bad_input(format!(
                "{}: no lemma found (the {} empty or holds only declarations, definitions and \
                 comments); nothing was checked",
                self.path.display(),
                if self.path.is_dir() {
                    "files are"
                } else {
                    "file is"
                }
            )));
        }
        emit(&out, None)?;
        if failed > 0 {
            return Err(Failure {
                code: EXIT_CHECK_FAILED,
                message: format!("{failed} of {total} lemmas did not check"),
            });
        }
        Ok(())
    }
}
