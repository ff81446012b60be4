//! The proof kernel: block-matrix identities checked symbolically, for every
//! block size at once.
//!
//! A proof file (format: `docs/proofs.md`) declares block symbols with sorts
//! (`block`, `invertible`, `diagonal`, `diagonal invertible`), defines
//! abbreviations (`N := T21^-1`, `L(A, D) := [[I, 0], [A, D]]`) and states
//! lemmas (`lemma name: lhs = rhs`). All blocks are square of one common,
//! arbitrary size d. The kernel expands both sides into sums of words with
//! rational coefficients, normalised by cancelling `X X^-1`, `X^-1 X` and
//! reordering runs of diagonal symbols (the only commutation it knows), and
//! accepts a lemma exactly when the normal forms agree block by block. Every
//! rewrite is an identity for all d, so an accepted lemma holds for all block
//! sizes and all admissible values; the converse fails (the kernel is
//! incomplete), see `docs/trust.md`.
//!
//! ```
//! use couplings::proof::{Outcome, check_source};
//! let src = "
//! block A
//! diagonal invertible D
//! L(A, D) := [[I, 0], [A, D]]
//! lemma inverse_lower: L(A, D) L(-D^-1 A, D^-1) = I
//! lemma not_commuting: D A = A D
//! ";
//! let results = check_source(src).unwrap();
//! assert_eq!(results[0].outcome, Outcome::Checked);
//! assert!(!results[1].is_checked());
//! ```

mod algebra;
mod lex;
mod parse;

pub use algebra::{MAX_COEFF_BITS, MAX_TERMS, MAX_WORD_LETTERS, MAX_WORK};
pub use lex::MAX_LITERAL_DIGITS;
pub use parse::MAX_NESTING;

use num_rational::BigRational;
use std::path::{Path, PathBuf};

/// The result of checking one lemma.
///
/// # Examples
/// ```
/// let r = couplings::proof::check_source("block X\n\nlemma double: X + X = 2 X").unwrap();
/// assert_eq!((r[0].name.as_str(), r[0].line), ("double", 3));
/// assert!(r[0].is_checked());
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LemmaResult {
    /// The lemma's name.
    pub name: String,
    /// The line (1-based) of its `lemma` keyword.
    pub line: usize,
    /// Whether it checked.
    pub outcome: Outcome,
}

impl LemmaResult {
    /// Whether the lemma checked.
    ///
    /// # Examples
    /// ```
    /// let r = couplings::proof::check_source("block X\nlemma t: X + X = 2 X").unwrap();
    /// assert!(r[0].is_checked());
    /// ```
    pub fn is_checked(&self) -> bool {
        self.outcome == Outcome::Checked
    }
}

/// What the kernel concluded about a lemma.
///
/// # Examples
/// ```
/// use couplings::proof::{Outcome, check_source};
/// let src = "block A\nlemma t: [[I, 0], [A, I]] [[I, 0], [A, I]] = [[I, 0], [A, I]]";
/// assert_eq!(check_source(src).unwrap()[0].outcome, Outcome::Failed {
///     block: Some((2, 1)),
///     first_difference: "A: 2 on the left, 1 on the right".into(),
/// });
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// The normal forms of all sides agree: the identity holds for every block
    /// size and every admissible value of the symbols.
    Checked,
    /// The normal forms differ. This is not a disproof: the kernel is
    /// incomplete (it knows no commutation beyond diagonal symbols, for example).
    Failed {
        /// The first differing block as (row, column), 1-based, when the sides
        /// are 2x2 block matrices; `None` for single blocks.
        block: Option<(usize, usize)>,
        /// The first differing word of the normal forms with its coefficients,
        /// e.g. `X Y: 1 on the left, 0 on the right` (for chains `a = b = c`:
        /// `... in side 1, ... in side 3`).
        first_difference: String,
    },
}

/// A proof file that could not be read: a syntax error, an undeclared or reused
/// name, an unsupported inverse, a block mixed with a block matrix, or an I/O error
/// (then line and column are 0).
///
/// # Examples
/// ```
/// let e = couplings::proof::check_source("block X\nlemma t: X = Y").unwrap_err();
/// assert_eq!(e.to_string(), "2:14: `Y` is not declared");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProofError {
    /// The file, when reading from a path.
    pub file: Option<PathBuf>,
    /// 1-based line.
    pub line: usize,
    /// 1-based column (in characters).
    pub column: usize,
    /// What is wrong.
    pub message: String,
    /// What kind of failure this is (an invalid file, an I/O error, or a
    /// resource limit of the kernel).
    pub kind: ProofErrorKind,
}

/// The kind of a [`ProofError`].
///
/// # Examples
/// ```
/// use couplings::proof::{Limit, ProofErrorKind, check_source};
/// let e = check_source("block X\nlemma t: X = Y").unwrap_err();
/// assert_eq!(e.kind, ProofErrorKind::Invalid);
/// let deep = format!("block X\nlemma t: {}X{} = X", "(".repeat(300), ")".repeat(300));
/// let e = check_source(&deep).unwrap_err();
/// assert_eq!(e.kind, ProofErrorKind::Limit(Limit::Nesting));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProofErrorKind {
    /// The text is not a valid proof file: syntax, an undeclared or reused
    /// name, an unsupported inverse, a block mixed with a block matrix.
    Invalid,
    /// The file or directory could not be read.
    Io,
    /// The file asks for more than one of the kernel's limits allows.
    Limit(Limit),
}

/// A resource limit of the proof kernel (values in `docs/proofs.md`).
///
/// # Examples
/// ```
/// use couplings::proof::{Limit, ProofErrorKind, check_source};
/// let e = check_source("block A, B\nlemma t: (A + B)^16 (A + B)^16 = 0").unwrap_err();
/// assert_eq!(e.kind, ProofErrorKind::Limit(Limit::Terms));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Limit {
    /// Parentheses, brackets and calls nested deeper than [`MAX_NESTING`].
    Nesting,
    /// A polynomial with more than [`MAX_TERMS`] terms.
    Terms,
    /// A word with more than [`MAX_WORD_LETTERS`] letters.
    WordLetters,
    /// A coefficient with more than [`MAX_COEFF_BITS`] bits.
    CoefficientBits,
    /// More than [`MAX_WORK`] units of work for one file.
    Work,
    /// A number literal with more than [`MAX_LITERAL_DIGITS`] digits.
    LiteralDigits,
}

/// Why an operation of the kernel failed, before a position is attached.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Reason {
    pub kind: ProofErrorKind,
    pub message: String,
}

impl Reason {
    /// A limit reached; `message` says which and how far.
    pub fn limit(limit: Limit, message: String) -> Reason {
        Reason {
            kind: ProofErrorKind::Limit(limit),
            message,
        }
    }
}

impl From<String> for Reason {
    fn from(message: String) -> Reason {
        Reason {
            kind: ProofErrorKind::Invalid,
            message,
        }
    }
}

impl From<&str> for Reason {
    fn from(message: &str) -> Reason {
        Reason::from(message.to_string())
    }
}

impl std::fmt::Display for ProofError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if let Some(file) = &self.file {
            write!(f, "{}:", file.display())?;
        }
        write!(f, "{}:{}: {}", self.line, self.column, self.message)
    }
}

impl std::error::Error for ProofError {}

/// Checks every lemma of a proof file given as text, in order.
///
/// # Examples
/// ```
/// use couplings::proof::{Outcome, check_source};
/// let r = check_source("block X, Y\nlemma swap: X Y = Y X").unwrap();
/// assert_eq!(r[0].outcome, Outcome::Failed {
///     block: None,
///     first_difference: "X Y: 1 on the left, 0 on the right".into(),
/// });
/// let e = check_source("block X\nlemma bad: X + = X").unwrap_err();
/// assert_eq!((e.line, e.column), (2, 16));
/// ```
pub fn check_source(text: &str) -> Result<Vec<LemmaResult>, ProofError> {
    // A byte-order mark at the start is ignored, and `\r\n` and a lone `\r`
    // end lines as `\n` does (as in every text format of the crate).
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if text.contains('\r') {
        let text = text.replace("\r\n", "\n").replace('\r', "\n");
        return with_stack(|| parse::run(&text).map(|(_, results)| results));
    }
    with_stack(|| parse::run(text).map(|(_, results)| results))
}

/// Stack of the thread that reads a proof: the parser recurses once per
/// nesting level (at most [`MAX_NESTING`] levels, a few KB each), so the
/// kernel runs on its own thread with room to spare whatever thread calls it
/// (test threads have 2 MB). The memory is reserved, not touched.
const STACK_BYTES: usize = 64 << 20;

/// Runs `f` on a thread with a [`STACK_BYTES`] stack.
fn with_stack<T: Send>(f: impl FnOnce() -> T + Send) -> T {
    std::thread::scope(|s| {
        std::thread::Builder::new()
            .name("couplings-proof".into())
            .stack_size(STACK_BYTES)
            .spawn_scoped(s, f)
            .expect("a thread for the proof kernel")
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
    })
}

/// Checks every lemma of the proof file at `path`.
///
/// # Examples
/// ```
/// let dir = std::env::temp_dir().join("couplings-proof-doc-check-file");
/// std::fs::create_dir_all(&dir).unwrap();
/// let path = dir.join("one.proof");
/// std::fs::write(&path, "invertible X\nlemma cancel: X X^-1 = I\n").unwrap();
/// let r = couplings::proof::check_file(&path).unwrap();
/// assert!(r[0].is_checked());
/// ```
pub fn check_file(path: impl AsRef<Path>) -> Result<Vec<LemmaResult>, ProofError> {
    let path = path.as_ref();
    let with_file = |mut e: ProofError| {
        e.file = Some(path.to_path_buf());
        e
    };
    let text = std::fs::read_to_string(path).map_err(|e| with_file(io_error(e)))?;
    check_source(&text).map_err(with_file)
}

fn io_error(e: std::io::Error) -> ProofError {
    ProofError {
        file: None,
        line: 0,
        column: 0,
        message: e.to_string(),
        kind: ProofErrorKind::Io,
    }
}

/// The `*.proof` files directly inside `dir`, sorted by name.
///
/// # Examples
/// ```
/// let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("proofs");
/// assert!(!couplings::proof::proof_files(&dir).unwrap().is_empty());
/// ```
pub fn proof_files(dir: impl AsRef<Path>) -> Result<Vec<PathBuf>, ProofError> {
    let dir = dir.as_ref();
    let with_dir = |mut e: ProofError| {
        e.file = Some(dir.to_path_buf());
        e
    };
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(|e| with_dir(io_error(e)))? {
        let path = entry.map_err(|e| with_dir(io_error(e)))?.path();
        if path.is_file() && path.extension().is_some_and(|x| x == "proof") {
            files.push(path);
        }
    }
    files.sort();
    Ok(files)
}

/// Checks a proof file, or every `*.proof` file of a directory (in name order),
/// returning each file with its lemma results. Lemma names must be unique across
/// the directory.
///
/// # Examples
/// ```
/// let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("proofs");
/// for (_file, results) in couplings::proof::check_path(&dir).unwrap() {
///     assert!(results.iter().all(|r| r.is_checked()));
/// }
/// ```
pub fn check_path(path: impl AsRef<Path>) -> Result<Vec<(PathBuf, Vec<LemmaResult>)>, ProofError> {
    let path = path.as_ref();
    let files = if path.is_dir() {
        proof_files(path)?
    } else {
        vec![path.to_path_buf()]
    };
    let mut seen = std::collections::HashMap::new();
    let mut out = Vec::new();
    for file in files {
        let results = check_file(&file)?;
        for r in &results {
            if let Some(first) = seen.insert(r.name.clone(), file.clone()) {
                let message = format!("lemma `{}` is also stated in {}", r.name, first.display());
                return Err(ProofError {
                    file: Some(file),
                    line: r.line,
                    column: 1,
                    message,
                    kind: ProofErrorKind::Invalid,
                });
            }
        }
        out.push((file, results));
    }
    Ok(out)
}

/// The names of all lemmas in the `*.proof` files of `dir`, in file order.
///
/// # Examples
/// ```
/// let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("proofs");
/// let names = couplings::proof::lemma_names(&dir).unwrap();
/// assert!(names.iter().any(|n| n == "merge_lower"));
/// ```
pub fn lemma_names(dir: impl AsRef<Path>) -> Result<Vec<String>, ProofError> {
    let results = check_path(dir)?;
    Ok(results
        .into_iter()
        .flat_map(|(_, rs)| rs.into_iter().map(|r| r.name))
        .collect())
}

/// One line of output for a lemma, as printed by `couplings prove`.
///
/// # Examples
/// ```
/// use couplings::proof::{check_source, report_line};
/// let r = check_source("diagonal D\nblock X\nlemma t: D X = X D").unwrap();
/// assert_eq!(report_line(&r[0]), "FAILED  t (line 3): D X: 1 on the left, 0 on the right");
/// let r = check_source("diagonal D, E\nlemma c: D E = E D").unwrap();
/// assert_eq!(report_line(&r[0]), "checked c (line 2)");
/// ```
pub fn report_line(r: &LemmaResult) -> String {
    match &r.outcome {
        Outcome::Checked => format!("checked {} (line {})", r.name, r.line),
        Outcome::Failed {
            block,
            first_difference,
        } => {
            let at = block.map_or(String::new(), |(i, j)| format!("block ({i},{j}): "));
            format!(
                "FAILED  {} (line {}): {at}{first_difference}",
                r.name, r.line
            )
        }
    }
}

/// One term `coeff * word` of a normal form; each letter is a symbol name and
/// whether it is inverted.
///
/// # Examples
/// ```
/// use couplings::{exact::q, proof::normal_form};
/// let nf = normal_form("invertible P", "-1/2 (P P)^-1").unwrap();
/// let t = &nf[0].terms[0];
/// assert_eq!(t.coeff, q(-1, 2));
/// assert_eq!(t.word, vec![("P".to_string(), true), ("P".to_string(), true)]);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Term {
    /// The nonzero rational coefficient.
    pub coeff: BigRational,
    /// The letters, left to right (empty for `I`).
    pub word: Vec<(String, bool)>,
}

/// The normal form of one block: its terms (in word order) and the same sum as text.
///
/// # Examples
/// ```
/// let nf = couplings::proof::normal_form("block X, Y", "(X + Y)^2 - X X").unwrap();
/// assert_eq!(nf[0].text, "X Y + Y X + Y Y");
/// assert_eq!(nf[0].terms.len(), 3);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BlockForm {
    /// The terms (none for `0`).
    pub terms: Vec<Term>,
    /// The sum in proof-file syntax, e.g. `I - 1/2 D^-1 + X Y` (shorter words first).
    pub text: String,
}

/// The normal form of the expression `expr`, read after the declarations and
/// definitions of `declarations` (lemmas there are read too): one block, or the
/// four blocks of a block matrix row by row.
///
/// # Examples
/// ```
/// use couplings::proof::normal_form;
/// let nf = normal_form("invertible X\ndiagonal invertible D, E", "E D X X^-1 D^-1 - 2 E D").unwrap();
/// assert_eq!(nf[0].text, "E - 2 D E");
/// let nf = normal_form("block A", "[[I, 0], [A, I]]^-1").unwrap();
/// assert_eq!(nf[2].text, "-A");
/// ```
pub fn normal_form(declarations: &str, expr: &str) -> Result<Vec<BlockForm>, ProofError> {
    with_stack(|| {
        let (env, v) = parse::eval(declarations, expr)?;
        let as_matrix = matches!(v, parse::Value::Mat(_));
        let blocks = v
            .into_block_list(as_matrix)
            .expect("a value is a block or a block matrix");
        let form = |p: algebra::Poly| BlockForm {
            text: p.show(&env.syms),
            terms: (p.0.into_iter())
                .map(|(w, coeff)| Term {
                    coeff,
                    word: w
                        .letters()
                        .map(|(id, inv)| (env.syms.names[id].clone(), inv))
                        .collect(),
                })
                .collect(),
        };
        Ok(blocks.into_iter().map(form).collect())
    })
}
