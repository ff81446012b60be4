//! The command-line tool's rooms: one file per subcommand (its clap
//! arguments, its run and its output), the flags several commands share
//! ([`args`], and the float-weight input flags of [`weights`]), and here what
//! every command needs: [`Failure`] and the exit codes, reading a matrix, the
//! messages for a refused decomposition, and writing the output. `main.rs`
//! only dispatches.
//!
//! To add a subcommand: a file here with its `Args` struct and
//! `run(self) -> Result<(), Failure>`, and a variant of `Command` in `main.rs`.

pub(crate) mod args;
pub(crate) mod check;
pub(crate) mod convert;
pub(crate) mod decompose;
pub(crate) mod depth;
pub(crate) mod explain;
pub(crate) mod export;
pub(crate) mod prove;
pub(crate) mod weights;

use couplings::DecomposeError;
use couplings::exact::{Matrix, fmt_q};
use couplings::io::{self, ParseError};
use std::io::Write;
use std::path::Path;

/// From this dimension on, `decompose` reports on standard error that it started
/// and how long it took.
pub(crate) const LONG_RUN_N: usize = 32;

/// Exit code for a failed `check` (the layers do not represent the target).
pub(crate) const EXIT_CHECK_FAILED: u8 = 1;
/// Exit code for bad input or usage (unreadable files, parse errors, matrices
/// that cannot be decomposed).
pub(crate) const EXIT_BAD_INPUT: u8 = 2;
/// Exit code for an internal error (a bug: never expected).
pub(crate) const EXIT_INTERNAL: u8 = 3;

/// Why a run failed: the exit code and the message for standard error.
#[derive(Debug)]
pub(crate) struct Failure {
    pub(crate) code: u8,
    pub(crate) message: String,
}

impl Failure {
    pub(crate) fn bad_input(message: impl Into<String>) -> Failure {
        Failure {
            code: EXIT_BAD_INPUT,
            message: message.into(),
        }
    }
}

pub(crate) fn is_stdin(path: &Path) -> bool {
    path.as_os_str() == "-"
}

pub(crate) fn path_name(path: &Path) -> String {
    if is_stdin(path) {
        "<stdin>".to_string()
    } else {
        path.display().to_string()
    }
}

/// Loads a matrix file (text format, `.npy` or safetensors by extension).
pub(crate) fn load_matrix(path: &Path) -> Result<Matrix, Failure> {
    load_matrix_as(path, io::InputFormat::Auto, None)
}

/// Loads a matrix from the text format, `.npy` or safetensors (see [`weights`]).
pub(crate) fn load_matrix_as(
    path: &Path,
    format: io::InputFormat,
    tensor: Option<&str>,
) -> Result<Matrix, Failure> {
    io::load_input(path, format, tensor).map_err(|e| match e {
        io::InputError::Text(ParseError::Io { .. })
        | io::InputError::Tensor(io::TensorError::Io { .. }) => Failure::bad_input(e.to_string()),
        _ => Failure::bad_input(format!("{}: {e}", path_name(path))),
    })
}

/// A message for every way `decompose` can refuse a matrix.
pub(crate) fn decompose_failure(path: &Path, error: &DecomposeError) -> Failure {
    let name = path_name(path);
    match error {
        DecomposeError::Empty => Failure::bad_input(format!(
            "{name}: the matrix has no entries; there is nothing to decompose"
        )),
        DecomposeError::NotSquare { rows, cols } => Failure::bad_input(format!(
            "{name}: the matrix is {rows}x{cols}, but only square matrices can be decomposed \
             (every product of coupling layers is square and invertible)"
        )),
        DecomposeError::UnsupportedStrategy { .. } => {
            Failure::bad_input(format!("{name}: {error}"))
        }
        DecomposeError::UnsupportedSplit { n, reason } => Failure::bad_input(format!(
            "{name}: cannot decompose this {n}x{n} matrix: {reason}"
        )),
        DecomposeError::Singular { kernel } => {
            let x: Vec<String> = kernel.iter().map(fmt_q).collect();
            Failure::bad_input(format!(
                "{name}: the matrix T is singular, so it is not a product of invertible \
                 coupling layers; evidence (the kernel): T x = 0 for x = [{}]",
                x.join(", ")
            ))
        }
        DecomposeError::UnsupportedPadding { .. } => Failure::bad_input(format!("{name}: {error}")),
        DecomposeError::NonPositiveDeterminant { det } => Failure::bad_input(format!(
            "{name}: positive mode needs det T > 0, but det T = {}. Every layer with \
             positive scales has det > 0 (its determinant is the product of its scales), so \
             any product of such layers has det > 0 too, and no positive-mode decomposition \
             exists. Use --mode signed to allow negative scales.",
            fmt_q(det)
        )),
        DecomposeError::Tolerance(e) => Failure::bad_input(format!("{name}: {e}")),
        DecomposeError::Internal(message) => Failure {
            code: EXIT_INTERNAL,
            message: format!(
                "{name}: internal error (a bug; please report it with the input): {message}"
            ),
        },
    }
}

/// Whether `a` and `b` name the same file: the same path, the same file on
/// disk (a link, `./x` and `x`), or, for a file not created yet, the same
/// place once the directories are resolved.
fn same_file(a: &Path, b: &Path) -> bool {
    if a == b {
        return true;
    }
    #[cfg(unix)]
    if let (Ok(x), Ok(y)) = (std::fs::metadata(a), std::fs::metadata(b)) {
        use std::os::unix::fs::MetadataExt;
        return (x.dev(), x.ino()) == (y.dev(), y.ino());
    }
    let resolve = |p: &Path| {
        std::fs::canonicalize(p).ok().or_else(|| {
            let dir = p.parent().filter(|d| !d.as_os_str().is_empty());
            let dir = std::fs::canonicalize(dir.unwrap_or(Path::new("."))).ok()?;
            Some(dir.join(p.file_name()?))
        })
    };
    matches!((resolve(a), resolve(b)), (Some(x), Some(y)) if x == y)
}

/// Refuses, before any work, outputs that would destroy an input or each
/// other: an output naming an input file, two outputs naming one file, two
/// outputs sent to standard output. `outputs` are (flag, path) with `None` or
/// `-` for standard output; `-` among `inputs` is standard input (no file).
pub(crate) fn check_outputs(
    inputs: &[&Path],
    outputs: &[(&str, Option<&Path>)],
) -> Result<(), Failure> {
    let to_stdout = |p: Option<&Path>| p.is_none_or(is_stdin);
    for (i, &(flag, path)) in outputs.iter().enumerate() {
        for &(other, other_path) in &outputs[..i] {
            let clash = match (path, other_path) {
                _ if to_stdout(path) && to_stdout(other_path) => {
                    Some("standard output".to_string())
                }
                (Some(a), Some(b)) if same_file(a, b) => Some(a.display().to_string()),
                _ => None,
            };
            if let Some(target) = clash {
                return Err(Failure::bad_input(format!(
                    "{other} and {flag} would both write to {target}; give them different files"
                )));
            }
        }
        let Some(path) = path.filter(|p| !is_stdin(p)) else {
            continue;
        };
        if let Some(input) = inputs.iter().find(|i| !is_stdin(i) && same_file(i, path)) {
            return Err(Failure::bad_input(format!(
                "{flag} {} would overwrite the input {}; write the output to another file",
                path.display(),
                input.display()
            )));
        }
    }
    Ok(())
}

/// Writes `text` to `output`, or to standard output when `None` or `-`. A closed pipe
/// on standard output (`couplings ... | head`) ends the run quietly.
pub(crate) fn emit(text: &str, output: Option<&Path>) -> Result<(), Failure> {
    match output.filter(|p| !is_stdin(p)) {
        Some(path) => std::fs::write(path, text)
            .map_err(|e| Failure::bad_input(format!("cannot write {}: {e}", path.display()))),
        None => {
            let mut stdout = std::io::stdout().lock();
            match stdout
                .write_all(text.as_bytes())
                .and_then(|()| stdout.flush())
            {
                Ok(()) => Ok(()),
                Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
                Err(e) => Err(Failure::bad_input(format!(
                    "cannot write to standard output: {e}"
                ))),
            }
        }
    }
}
