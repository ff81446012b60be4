//! `couplings convert`: convert every 1x1-convolution weight of a safetensors
//! checkpoint (and normflows LU groups) into coupling layers and write them to
//! one file (format `couplings-checkpoint`, `docs/export.md`). The work is
//! `couplings::export::convert`; this file owns the flags, the progress bar,
//! the per-weight summary lines and the exit codes.

use super::args::{ModeArg, StrategyArg};
use super::decompose::parse_tolerance;
use super::{Failure, check_outputs, is_stdin, path_name};
use clap::Args;
use couplings::export::convert::{
    ChainResult, ConvertOptions, convert_all, glob_match, scan, write_checkpoint,
};
use couplings::io::parse_safetensors;
use indicatif::{ProgressBar, ProgressStyle};
use num_traits::Zero;
use std::collections::BTreeMap;
use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::sync::Mutex;
use std::time::Instant;

/// Exit code when some weights failed (the file holds the others).
const EXIT_SOME_FAILED: u8 = 1;

pub(crate) const HELP: &str = "\
Finds the weights of a safetensors checkpoint and converts each into coupling
layers, writing all chains to ONE safetensors file (format couplings-checkpoint,
docs/export.md, section \"Converting a checkpoint\"):
  * normflows LU groups: X.P, X.L, X.U, X.log_S, X.sign_S (as
    normflows.flows.Invertible1x1Conv(use_lu=True) stores them), assembled into
    W = P (tril(L,-1) + I) (triu(U,1) + diag(sign_S * exp(log_S))) exactly
    (exp in float64); key X (\"lu\" when X is empty);
  * every other float tensor of shape (c, c) or (c, c, 1, 1), c >= 2; key = its name.
Other tensors (biases, 3x3 convolutions, integer buffers) are skipped.

With --tolerance EPS (default 1e-6) each weight gets the certified tolerance
construction (at most ten well-conditioned layers, float32 entries, exact
||P - W||_F <= EPS ||W||_F, re-checked by the independent bound checker).
--tolerance 0 decomposes exactly with --strategy (slow from c = 24 on: seconds
to minutes per weight). Chain K's tensors are named K/layer.{i}.shift_f32, ...;
the metadata `manifest` (JSON) lists every weight with its status, prefix,
source tensors and the metadata of a single `couplings export` of the chain.

Prints one line per weight (name, c, layers, certified error, worst layer
condition number, time) and a final count; a progress bar on standard error
when it is a terminal (not with --quiet). Weights are converted in parallel.

Exit codes: 0 every weight converted; 1 some weights failed (each is reported
with its reason; the file holds the others); 2 bad input (unreadable or hostile
checkpoint, bad flags, no weight found or matched: nothing written).

Examples:
  couplings convert glow.safetensors -o glow-couplings.safetensors
  couplings convert glow.safetensors -o out.safetensors --match 'flows.0.*' --match 'flows.1.*'
  couplings convert model.safetensors -o out.safetensors --tolerance 1e-12 --mode positive
  couplings convert small.safetensors -o exact.safetensors --tolerance 0 --strategy balanced";

#[derive(Args, Debug)]
pub(crate) struct ConvertArgs {
    /// The checkpoint (.safetensors).
    #[arg(value_name = "CKPT")]
    file: PathBuf,
    /// The safetensors file to write.
    #[arg(long, short, value_name = "PATH")]
    output: PathBuf,
    /// Certified relative Frobenius tolerance per weight; 0 decomposes exactly.
    #[arg(long, value_name = "EPS", default_value = "1e-6")]
    tolerance: String,
    /// Keep only weights whose key matches this glob (`*` any characters, `?`
    /// one character; the whole key must match). Repeatable: any may match.
    #[arg(long = "match", value_name = "PATTERN")]
    patterns: Vec<String>,
    /// Signed scales, or positive scales exported as log-scales (needs det W > 0).
    #[arg(long, value_enum, default_value_t = ModeArg::Signed)]
    mode: ModeArg,
    /// Exact construction strategy, only with --tolerance 0 (default: the
    /// default strategy of `decompose`).
    #[arg(long, value_enum)]
    strategy: Option<StrategyArg>,
    /// No progress bar (the summary lines are still printed).
    #[arg(long, short)]
    quiet: bool,
}

/// Per-weight summary lines, printed in candidate order as results arrive.
struct Lines {
    next: usize,
    pending: BTreeMap<usize, String>,
}

fn summary(r: &ChainResult) -> String {
    let c = r.candidate.shape.first().copied().unwrap_or(0);
    let key = couplings::untrusted::show(&r.candidate.key);
    match &r.outcome {
        Ok(chain) => format!(
            "ok      {key}  c={c}  layers={}  rel_error<={}  worst_cond={:.3e}  {:.3} s",
            chain.layers, chain.rel_error, chain.worst_condition, r.seconds
        ),
        Err(e) => format!("FAILED  {key}  c={c}  {:.3} s: {e}", r.seconds),
    }
}

fn print_line(line: &str) {
    let mut out = std::io::stdout().lock();
    // A closed pipe must not stop the conversion.
    let _ = writeln!(out, "{line}").and_then(|()| out.flush());
}

impl ConvertArgs {
    pub(crate) fn run(self) -> Result<(), Failure> {
        let start = Instant::now();
        if is_stdin(&self.file) || is_stdin(&self.output) {
            return Err(Failure::bad_input(
                "convert reads and writes safetensors files; give file paths (not -)",
            ));
        }
        check_outputs(&[&self.file], &[("--output", Some(&self.output))])?;
        let tolerance = parse_tolerance(&self.tolerance)?;
        if self.strategy.is_some() && !tolerance.is_zero() {
            return Err(Failure::bad_input(
                "--strategy applies only with --tolerance 0 (exact decomposition); the \
                 tolerance construction has its own",
            ));
        }
        let options = ConvertOptions {
            tolerance,
            mode: self.mode.into(),
            strategy: self.strategy.map(Into::into).unwrap_or_default(),
        };
        let source = path_name(&self.file);
        let bytes = std::fs::read(&self.file)
            .map_err(|e| Failure::bad_input(format!("cannot read {source}: {e}")))?;
        let st =
            parse_safetensors(&bytes).map_err(|e| Failure::bad_input(format!("{source}: {e}")))?;
        let found = scan(&st);
        let total = found.candidates.len();
        let candidates: Vec<_> = (found.candidates.into_iter())
            .filter(|c| {
                self.patterns.is_empty() || self.patterns.iter().any(|p| glob_match(p, &c.key))
            })
            .collect();
        if candidates.is_empty() {
            let why = if total == 0 {
                format!(
                    "no weight found: no float tensor of shape (c, c) or (c, c, 1, 1) with \
                     c >= 2 and no normflows LU group ({} tensors, all skipped)",
                    found.skipped.len()
                )
            } else {
                format!(
                    "none of the {total} weights matches --match {:?}",
                    self.patterns
                )
            };
            return Err(Failure::bad_input(format!(
                "{source}: {why}; nothing written"
            )));
        }
        print_line(&format!(
            "input: {source}: {} weights to convert ({} not matched, {} other tensors skipped); \
             {}",
            candidates.len(),
            total - candidates.len(),
            found.skipped.len(),
            if options.tolerance.is_zero() {
                format!("exact, strategy {}", options.strategy.name())
            } else {
                format!(
                    "tolerance {}",
                    couplings::exact::fmt_decimal(&options.tolerance)
                )
            }
        ));
        let bar = if self.quiet || !std::io::stderr().is_terminal() {
            ProgressBar::hidden()
        } else {
            let bar = ProgressBar::new(candidates.len() as u64);
            if let Ok(style) =
                ProgressStyle::with_template("{bar:40} {pos}/{len} weights  {elapsed} {msg}")
            {
                bar.set_style(style);
            }
            bar
        };
        let lines = Mutex::new(Lines {
            next: 0,
            pending: BTreeMap::new(),
        });
        let done = |i: usize, r: &ChainResult| {
            let mut l = lines.lock().unwrap_or_else(|e| e.into_inner());
            l.pending.insert(i, summary(r));
            while let Some(line) = {
                let next = l.next;
                l.pending.remove(&next)
            } {
                l.next += 1;
                bar.suspend(|| print_line(&line));
            }
            bar.inc(1);
        };
        let results = convert_all(&st, &candidates, &source, &options, &done);
        bar.finish_and_clear();
        let failed = results.iter().filter(|r| r.outcome.is_err()).count();
        let converted = results.len() - failed;
        let out = write_checkpoint(&source, results);
        std::fs::write(&self.output, out).map_err(|e| {
            Failure::bad_input(format!("cannot write {}: {e}", self.output.display()))
        })?;
        print_line(&format!(
            "converted {converted}, failed {failed}, skipped {} (not weights){}; total {:.1} s; \
             wrote {} (format couplings-checkpoint version {})",
            found.skipped.len(),
            if total > candidates.len() {
                format!(", not matched {}", total - candidates.len())
            } else {
                String::new()
            },
            start.elapsed().as_secs_f64(),
            self.output.display(),
            couplings::export::convert::FORMAT_VERSION
        ));
        if failed > 0 {
            return Err(Failure {
                code: EXIT_SOME_FAILED,
                message: format!(
                    "{failed} of {} weights failed (reasons above and in the manifest); the \
                     other {converted} were written",
                    converted + failed
                ),
            });
        }
        Ok(())
    }
}
