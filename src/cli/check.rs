//! `couplings check`: re-verify JSON layers against a matrix (mask aware), or
//! a certificate, with the independent checker; exit 1 when a check fails.

use super::{EXIT_CHECK_FAILED, Failure, LONG_RUN_N, emit, is_stdin, load_matrix, path_name};
use clap::Args;
use couplings::Decomposition;
use couplings::io::{self, JsonError};
use couplings::mask::Mask;
use std::path::{Path, PathBuf};

pub(crate) const HELP: &str = "\
Exits 0 and prints 'ok: K layers, product equals the target' when the layers are
well formed and multiply to the matrix exactly; otherwise exits 1 and prints the
first defect found (a witness) to stderr. Bad input exits 2.

Examples:
  couplings decompose matrix.txt --format json --output layers.json
  couplings check matrix.txt --layers layers.json
  couplings decompose matrix.txt --certificate matrix.cert
  couplings check matrix.cert     # a certificate: errors name the line

Padded decompositions (a \"pad\": K field, docs/padding.md) are checked as such:
the layers act on n + K coordinates and the first n columns of their product
must equal [[T], [0]] exactly (T is the n x n matrix FILE).";

#[derive(Args, Debug)]
pub(crate) struct CheckArgs {
    /// Target matrix file (text format) with --layers; without --layers, a
    /// certificate (docs/certificate.md). '-' reads standard input.
    #[arg(value_name = "FILE|CERT")]
    file: PathBuf,
    /// Decomposition in the JSON layer format (as written by `decompose --format json`).
    #[arg(long, value_name = "LAYERS.json")]
    layers: Option<PathBuf>,
}

impl CheckArgs {
    pub(crate) fn run(self) -> Result<(), Failure> {
        let Some(layers) = self.layers.clone() else {
            return check_certificate(&self.file);
        };
        self.run_layers(&layers)
    }

    fn run_layers(self, layers: &Path) -> Result<(), Failure> {
        if is_stdin(&self.file) && is_stdin(layers) {
            return Err(Failure::bad_input(
                "FILE and --layers cannot both be '-' (standard input can be read only once)",
            ));
        }
        let target = load_matrix(&self.file)?;
        let text = io::read_text(layers).map_err(|message| {
            Failure::bad_input(
                JsonError::Io {
                    path: layers.to_path_buf(),
                    message,
                }
                .to_string(),
            )
        })?;
        if let Some(padded) = load_padded(&text, layers)? {
            return check_padded(&target, &padded);
        }
        let (decomposition, mask) = load_layers(&text, layers)?;
        // Layers written with a mask represent the reordered target (docs/splits.md).
        let target = match &mask {
            Some(m) if m.n() == target.rows() && target.is_square() => m.conjugate(&target),
            _ => target,
        };
        if target.rows() >= LONG_RUN_N {
            couplings::progress::enable();
            couplings::progress::stage(&format!(
                "checking {} layers against a {}x{} target exactly",
                decomposition.layers.len(),
                target.rows(),
                target.cols()
            ));
        }
        match couplings::check(&target, &decomposition) {
            Ok(_) => {
                let k = decomposition.layers.len();
                let split = decomposition.split;
                emit(
                    &format!(
                        "ok: {k} {}, product equals the target (n = {}, split ({}, {}), {} mode){}\n",
                        if k == 1 { "layer" } else { "layers" },
                        split.n(),
                        split.first,
                        split.second,
                        decomposition.mode.name(),
                        mask.as_ref().map_or_else(String::new, |m| format!(
                            "; mask {:?}: checked against P T P^-1",
                            m.first()
                        ))
                    ),
                    None,
                )
            }
            // A split with an empty part is malformed input, not a false claim
            // (the JSON reader refuses it first; this keeps the exit code if not).
            Err(e @ couplings::CheckError::BadSplit { .. }) => {
                Err(Failure::bad_input(format!("{}: {e}", path_name(layers))))
            }
            Err(witness) => Err(Failure {
                code: EXIT_CHECK_FAILED,
                message: format!("check failed: {witness}"),
            }),
        }
    }
}

/// `couplings check CERT`: parse and verify a certificate.
fn check_certificate(path: &Path) -> Result<(), Failure> {
    use couplings::certificate::{ErrorKind, verify_text};
    let text = io::read_text(path).map_err(|message| {
        Failure::bad_input(format!("cannot read {}: {message}", path_name(path)))
    })?;
    match verify_text(&text) {
        Ok(v) => {
            let k = v.layers;
            let claim = match &v.bound {
                None => "product equals the target".to_string(),
                Some(r) => format!(
                    "product P within the bound ||P - T||_F <= {} ||T||_F (exactly, \
                     ||P - T||_F^2 / ||T||_F^2 = {})",
                    couplings::exact::fmt_decimal(r),
                    v.rel_error_sq
                        .as_ref()
                        .map_or_else(String::new, couplings::exact::fmt_q)
                ),
            };
            emit(
                &format!(
                    "ok: certificate verified: {k} {}, {claim} (n = {}, split ({}, {}), \
                     {} mode), {} {} verified, target sha256 {}\n",
                    if k == 1 { "layer" } else { "layers" },
                    v.n,
                    v.split.first,
                    v.split.second,
                    v.mode.name(),
                    v.hints,
                    if v.hints == 1 { "hint" } else { "hints" },
                    v.target_sha256
                ),
                None,
            )
        }
        Err(e) => Err(match e.kind {
            ErrorKind::Malformed => Failure::bad_input(format!("{}: {e}", path_name(path))),
            ErrorKind::Rejected => Failure {
                code: EXIT_CHECK_FAILED,
                message: format!("check failed: {}: {e}", path_name(path)),
            },
        }),
    }
}

/// The layers as a padded decomposition when the document has `pad > 0`
/// (`None` for an ordinary document, which `load_layers` then reads).
fn load_padded(text: &str, path: &Path) -> Result<Option<couplings::PaddedDecomposition>, Failure> {
    match io::padded_from_json(text) {
        Ok(padded) if padded.pad > 0 => Ok(Some(padded)),
        // A malformed pad (or the mask of a padded document) is reported here;
        // everything else by `load_layers`, as before padding existed.
        Err(e @ JsonError::Field { .. }) => {
            let JsonError::Field { field, .. } = &e else {
                unreachable!("matched above")
            };
            if field == "pad" || (field == "mask" && has_pad(text)) {
                Err(Failure::bad_input(format!("{}: {e}", path_name(path))))
            } else {
                Ok(None)
            }
        }
        _ => Ok(None),
    }
}

/// Whether the document has a nonzero `pad` field.
fn has_pad(text: &str) -> bool {
    io::json_document(text)
        .ok()
        .and_then(|v| v.get("pad").and_then(|p| p.as_u64()))
        .is_some_and(|k| k > 0)
}

/// `couplings check FILE --layers PADDED.json`: the independent padded check.
fn check_padded(
    target: &couplings::exact::Matrix,
    padded: &couplings::PaddedDecomposition,
) -> Result<(), Failure> {
    let d = &padded.decomposition;
    if target.rows() >= LONG_RUN_N {
        couplings::progress::enable();
        couplings::progress::stage(&format!(
            "checking {} padded layers against a {}x{} target exactly",
            d.layers.len(),
            target.rows(),
            target.cols()
        ));
    }
    match couplings::check_padded(target, padded) {
        Ok(_) => {
            let k = d.layers.len();
            emit(
                &format!(
                    "ok: {k} {}, the first {n} columns of the product equal [[T], [0]] (n = {n}, \
                     pad {}, layers on {} coordinates, split ({}, {}), {} mode){}\n",
                    if k == 1 { "layer" } else { "layers" },
                    padded.pad,
                    d.split.n(),
                    d.split.first,
                    d.split.second,
                    d.mode.name(),
                    padded.mask.as_ref().map_or_else(String::new, |m| format!(
                        "; mask {m:?}: checked against P T P^-1"
                    )),
                    n = padded.n(),
                ),
                None,
            )
        }
        Err(witness) => Err(Failure {
            code: EXIT_CHECK_FAILED,
            message: format!("check failed: {witness}"),
        }),
    }
}

/// Reads a JSON layer document once: the decomposition and its optional mask.
fn load_layers(text: &str, path: &Path) -> Result<(Decomposition, Option<Mask>), Failure> {
    let bad = |e: &dyn std::fmt::Display| Failure::bad_input(format!("{}: {e}", path_name(path)));
    let doc = io::json_document(text).map_err(|e| bad(&e))?;
    let dec = io::decomposition_from_node(&doc).map_err(|e| bad(&e))?;
    let mask = couplings::mask::mask_from_node(&doc).map_err(|e| bad(&e))?;
    Ok((dec, mask))
}
