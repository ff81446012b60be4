//! Certificates: a versioned, line-oriented text format that carries a target
//! matrix, a decomposition of it into coupling layers and optional *hints*
//! (intermediate products), and the verifier that re-checks one from scratch.
//!
//! The format is specified in `docs/certificate.md`; in short:
//!
//! ```text
//! couplings-certificate 1
//! n 2
//! split 1 1
//! mode signed
//! target-sha256 <64 hex digits: SHA-256 of the canonical target text>
//! target
//! 0 -1
//! 1 0
//! layers 3
//! layer 0 upper
//! scale 1
//! shift 1 1
//! -1
//! layer 1 lower
//! ...
//! hint 1            # optional: the product of the first 1 layers
//! 1 -1
//! 0 1
//! end
//! ```
//!
//! # Trust
//!
//! [`parse`] only reads the text (it calls no construction code and no matrix
//! kernels). [`verify`] decides with [`crate::check::check`], the independent
//! checker: the final verdict is `check(target, layers)`. Hints are *verified*
//! (each one with `check` against the prefix of layers it claims to be the
//! product of) and a lying hint is rejected with its line, but the verdict never
//! depends on trusting a hint.
//!
//! # Errors
//!
//! Every error names the 1-based line it is about ([`CertificateError::line`]);
//! for a truncated certificate that is the line just past the end. Errors are
//! either [`ErrorKind::Malformed`] (the text is not a well-formed certificate)
//! or [`ErrorKind::Rejected`] (well formed, but a claim in it is false: zero or
//! non-positive scale, hash, hint or product mismatch).
//!
//! # Examples
//! ```
//! use couplings::certificate::{Certificate, parse, to_text, verify_text};
//! use couplings::{decompose, exact::Matrix};
//! let t = Matrix::from_i64(&[&[0, -1], &[1, 0]]);
//! let cert = Certificate::with_all_hints(t.clone(), decompose(&t).unwrap());
//! let text = to_text(&cert);
//! assert_eq!(parse(&text).unwrap(), cert);
//! let report = verify_text(&text).unwrap();
//! assert_eq!(report.layers, 3);
//! // Tampering with an entry of the target is caught, with its line.
//! let bad = text.replace("\ntarget\n0 -1\n", "\ntarget\n0 -2\n");
//! let err = verify_text(&bad).unwrap_err();
//! assert!(err.to_string().starts_with("line 7:"), "{err}");
//! ```

use crate::check::{CheckError, check};
use crate::exact::{Matrix, Q, fmt_q, parse_q};
use crate::layer::{Decomposition, Kind, Layer, Mode, Split};
use num_traits::{Signed, Zero};
use std::collections::HashMap;

/// The certificate format version this module writes and reads.
pub const VERSION: u32 = 1;

/// The first word of every certificate.
pub const MAGIC: &str = "couplings-certificate";

/// An intermediate product: the product `M_k ... M_1` of the first `after`
/// layers (application order). A checker verifies it but does not trust it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hint {
    /// Number of layers multiplied (`1 ..= K`).
    pub after: usize,
    /// The claimed product of the first `after` layers.
    pub product: Matrix,
}

/// A target matrix, a decomposition of it and optional hints.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Certificate {
    /// The matrix the layers are claimed to multiply to.
    pub target: Matrix,
    /// Split, mode and layers (application order).
    pub decomposition: Decomposition,
    /// Intermediate products, with strictly increasing `after`.
    pub hints: Vec<Hint>,
}

impl Certificate {
    /// A certificate without hints.
    pub fn new(target: Matrix, decomposition: Decomposition) -> Certificate {
        Certificate {
            target,
            decomposition,
            hints: Vec::new(),
        }
    }

    /// A certificate with a hint after every layer but the last (the product of
    /// all layers is the target itself). The hints are computed here with
    /// [`Layer::apply_matrix`]; being hints, they need not be trusted.
    pub fn with_all_hints(target: Matrix, decomposition: Decomposition) -> Certificate {
        let k = decomposition.layers.len();
        let mut hints = Vec::new();
        let mut p = Matrix::identity(decomposition.split.n());
        for (i, l) in decomposition.layers.iter().enumerate() {
            p = l.apply_matrix(&p);
            if i + 1 < k {
                hints.push(Hint {
                    after: i + 1,
                    product: p.clone(),
                });
            }
        }
        Certificate {
            target,
            decomposition,
            hints,
        }
    }
}

/// Whether an error means the text is not a certificate or that a claim is false.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// Syntax, version, missing, duplicate or out-of-order sections, wrong
    /// dimensions or shapes, truncation.
    Malformed,
    /// Well formed, but false: a zero (or, in positive mode, negative) scale, a
    /// target hash that does not match, a hint that lies, or layers whose product
    /// differs from the target.
    Rejected,
}

/// Why a certificate was not accepted, with the 1-based line it is about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CertificateError {
    /// 1-based line number (one past the last line for a truncated certificate).
    pub line: usize,
    /// Malformed or rejected.
    pub kind: ErrorKind,
    /// What is wrong, for a person.
    pub message: String,
}

impl std::fmt::Display for CertificateError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "line {}: {}", self.line, self.message)
    }
}

impl std::error::Error for CertificateError {}

fn malformed(line: usize, message: impl Into<String>) -> CertificateError {
    CertificateError {
        line,
        kind: ErrorKind::Malformed,
        message: message.into(),
    }
}

fn rejected(line: usize, message: impl Into<String>) -> CertificateError {
    CertificateError {
        line,
        kind: ErrorKind::Rejected,
        message: message.into(),
    }
}

// ------------------------------------------------------------------ writing

/// The canonical text of a matrix: entries as reduced `p` or `p/q`, separated
/// by single spaces, each row ending with `\n` (the same as
/// [`crate::io::matrix_to_text`]). Its SHA-256 is the certificate's
/// `target-sha256`.
pub fn canonical_text(m: &Matrix) -> String {
    let mut out = String::new();
    for i in 0..m.rows() {
        let row: Vec<String> = m.row(i).iter().map(fmt_q).collect();
        out.push_str(&row.join(" "));
        out.push('\n');
    }
    out
}

/// SHA-256 of the canonical text of `m`, as 64 lowercase hex digits.
pub fn target_hash(m: &Matrix) -> String {
    hex(&sha256(canonical_text(m).as_bytes()))
}

/// Writes a certificate in the version-1 format (deterministic).
pub fn to_text(cert: &Certificate) -> String {
    let dec = &cert.decomposition;
    let k = dec.layers.len();
    let mut out = format!("{MAGIC} {VERSION}\n");
    out += &format!(
        "# {k} coupling layers for a {n}x{n} matrix; verify with `couplings check FILE`.\n\
         # Layers are listed in the order they act: the product is M{k} ... M1 (layer 0 is M1).\n",
        n = dec.split.n()
    );
    out += &format!("n {}\n", dec.split.n());
    out += &format!("split {} {}\n", dec.split.first, dec.split.second);
    out += &format!("mode {}\n", dec.mode.name());
    out += &format!("target-sha256 {}\n", target_hash(&cert.target));
    out += "target\n";
    out += &canonical_text(&cert.target);
    out += &format!("layers {k}\n");
    for (i, l) in dec.layers.iter().enumerate() {
        out += &format!("layer {i} {}\n", l.kind.name());
        let scale: Vec<String> = l.scale.iter().map(fmt_q).collect();
        out += &format!("scale {}\n", scale.join(" "));
        out += &format!("shift {} {}\n", l.shift.rows(), l.shift.cols());
        out += &canonical_text(&l.shift);
    }
    for h in &cert.hints {
        out += &format!("hint {}\n", h.after);
        out += &canonical_text(&h.product);
    }
    out += "end\n";
    out
}

// ------------------------------------------------------------------ reading

/// Where the parts of a parsed certificate are (1-based lines), for messages.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Locations {
    /// The `target-sha256` line.
    pub hash: usize,
    /// The hash as written there (lowercased).
    pub declared_hash: String,
    /// The line of each target row.
    pub target_rows: Vec<usize>,
    /// The `layer I KIND` line of each layer.
    pub layers: Vec<usize>,
    /// The `scale` line of each layer.
    pub scales: Vec<usize>,
    /// For each hint: its `hint K` line and the line of each of its rows.
    pub hints: Vec<(usize, Vec<usize>)>,
}

/// Non-blank, comment-free lines as (1-based line number, tokens).
struct Lines<'a> {
    items: Vec<(usize, Vec<&'a str>)>,
    pos: usize,
    eof: usize,
}

impl<'a> Lines<'a> {
    fn new(text: &'a str) -> Lines<'a> {
        let mut items = Vec::new();
        let mut count = 0;
        for (i, raw) in text.lines().enumerate() {
            count = i + 1;
            let content = raw.split('#').next().unwrap_or("");
            let tokens: Vec<&str> = content.split_whitespace().collect();
            if !tokens.is_empty() {
                items.push((i + 1, tokens));
            }
        }
        Lines {
            items,
            pos: 0,
            eof: count + 1,
        }
    }

    fn peek(&self) -> Option<&(usize, Vec<&'a str>)> {
        self.items.get(self.pos)
    }

    /// The next line, or a truncation error saying what was expected.
    fn next(&mut self, expected: &str) -> Result<(usize, Vec<&'a str>), CertificateError> {
        match self.items.get(self.pos) {
            Some(item) => {
                self.pos += 1;
                Ok(item.clone())
            }
            None => Err(malformed(
                self.eof,
                format!(
                    "unexpected end of certificate (after line {}): expected {expected}; \
                     the file is truncated",
                    self.eof - 1
                ),
            )),
        }
    }
}

/// The sections in the order they must appear (`hint` may repeat).
const ORDER: [&str; 8] = [
    "n",
    "split",
    "mode",
    "target-sha256",
    "target",
    "layers",
    "hint",
    "end",
];

fn parse_usize(line: usize, what: &str, token: &str) -> Result<usize, CertificateError> {
    token.parse::<usize>().map_err(|_| {
        malformed(
            line,
            format!("{what} must be a non-negative integer, found `{token}`"),
        )
    })
}

fn expect_args(
    line: usize,
    tokens: &[&str],
    count: usize,
    usage: &str,
) -> Result<(), CertificateError> {
    if tokens.len() != count + 1 {
        return Err(malformed(
            line,
            format!(
                "`{}` takes {count} {}: expected `{usage}`, found `{}`",
                tokens[0],
                if count == 1 { "value" } else { "values" },
                tokens.join(" ")
            ),
        ));
    }
    Ok(())
}

/// Reads a row of exactly `cols` numbers; `what` says which row it is.
fn parse_row(
    lines: &mut Lines,
    cols: usize,
    what: &str,
) -> Result<(usize, Vec<Q>), CertificateError> {
    let (line, tokens) = lines.next(&format!("{what} ({cols} numbers)"))?;
    if tokens.len() != cols || parse_q(tokens[0]).is_err() {
        let found = if parse_q(tokens[0]).is_err() {
            format!("found `{}`", abbreviate(&tokens.join(" ")))
        } else {
            format!("found {} numbers", tokens.len())
        };
        return Err(malformed(
            line,
            format!(
                "expected {what} with {cols} numbers, {found} (wrong dimensions or truncated section)"
            ),
        ));
    }
    let mut row = Vec::with_capacity(cols);
    for (j, t) in tokens.iter().enumerate() {
        let v = parse_q(t).map_err(|e| malformed(line, format!("{what}, entry {j}: {e}")))?;
        row.push(v);
    }
    Ok((line, row))
}

/// Reads `rows` rows of `cols` numbers.
fn parse_matrix(
    lines: &mut Lines,
    rows: usize,
    cols: usize,
    what: &str,
) -> Result<(Matrix, Vec<usize>), CertificateError> {
    let mut data = Vec::new();
    let mut at = Vec::new();
    for r in 0..rows {
        let (line, row) = parse_row(lines, cols, &format!("{what} row {r} of {rows}"))?;
        data.extend(row);
        at.push(line);
    }
    Ok((Matrix::from_vec(rows, cols, data), at))
}

fn abbreviate(s: &str) -> String {
    if s.chars().count() <= 60 {
        s.to_string()
    } else {
        let head: String = s.chars().take(57).collect();
        format!("{head}...")
    }
}

/// Parses a certificate, checking its syntax and structure (version, sections,
/// dimensions, layer shapes, nonzero and, in positive mode, positive scales).
/// Claims (hash, hints, product) are checked by [`verify`].
///
/// # Errors
/// A [`CertificateError`] naming the line.
pub fn parse(text: &str) -> Result<Certificate, CertificateError> {
    parse_located(text).map(|(c, _)| c)
}

/// Like [`parse`], also returning where each part is.
///
/// # Errors
/// A [`CertificateError`] naming the line.
pub fn parse_located(text: &str) -> Result<(Certificate, Locations), CertificateError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut lines = Lines::new(text);
    let mut loc = Locations::default();

    // Version line.
    let (line, tokens) = lines.next(&format!("`{MAGIC} {VERSION}`"))?;
    if tokens[0] != MAGIC {
        return Err(malformed(
            line,
            format!(
                "not a couplings certificate: the first line must be `{MAGIC} {VERSION}`, found `{}`",
                abbreviate(&tokens.join(" "))
            ),
        ));
    }
    if tokens.len() != 2 {
        return Err(malformed(
            line,
            format!("the version line must be `{MAGIC} VERSION`, e.g. `{MAGIC} {VERSION}`"),
        ));
    }
    if tokens[1] != VERSION.to_string() {
        return Err(malformed(
            line,
            format!(
                "certificate format version `{}` is not supported (this program reads version {VERSION})",
                abbreviate(tokens[1])
            ),
        ));
    }

    let mut seen: HashMap<&str, usize> = HashMap::new();
    let mut rank = 0usize;
    let mut n = 0usize;
    let mut split = Split::new(0, 0);
    let mut mode = Mode::Signed;
    let mut target: Option<Matrix> = None;
    let mut layers: Vec<Layer> = Vec::new();
    let mut hints: Vec<Hint> = Vec::new();
    let mut ended = false;

    while !ended {
        let (line, tokens) = lines.next("`end`")?;
        let key = tokens[0];
        let Some(r) = ORDER.iter().position(|k| *k == key) else {
            let what = if parse_q(key).is_ok() {
                "a row of numbers where a section keyword was expected (too many rows for the declared dimensions?)".to_string()
            } else {
                format!("unknown keyword `{}`", abbreviate(key))
            };
            return Err(malformed(
                line,
                format!(
                    "{what}; expected one of {}",
                    ORDER.map(|k| format!("`{k}`")).join(", ")
                ),
            ));
        };
        if key != "hint" {
            if let Some(first) = seen.get(key) {
                return Err(malformed(
                    line,
                    format!("duplicate `{key}` section (first given at line {first})"),
                ));
            }
            seen.insert(key, line);
        }
        if r < rank {
            return Err(malformed(
                line,
                format!(
                    "`{key}` is out of order: it must come before `{}` (sections go {})",
                    ORDER[rank],
                    ORDER.join(", ")
                ),
            ));
        }
        if let Some(missing) = ORDER[..r]
            .iter()
            .find(|k| **k != "hint" && !seen.contains_key(*k))
        {
            return Err(malformed(
                line,
                format!("missing `{missing}` section before `{key}`"),
            ));
        }
        rank = r;
        match key {
            "n" => {
                expect_args(line, &tokens, 1, "n N")?;
                n = parse_usize(line, "n", tokens[1])?;
                if n < 2 {
                    return Err(malformed(
                        line,
                        format!("n = {n}, but a split needs n >= 2"),
                    ));
                }
            }
            "split" => {
                expect_args(line, &tokens, 2, "split FIRST SECOND")?;
                let p = parse_usize(line, "the first part", tokens[1])?;
                let q = parse_usize(line, "the second part", tokens[2])?;
                if p == 0 || q == 0 || p.checked_add(q) != Some(n) {
                    return Err(malformed(
                        line,
                        format!(
                            "split ({}, {}) does not fit n = {n}: both parts must be >= 1 and add up to n",
                            tokens[1], tokens[2]
                        ),
                    ));
                }
                split = Split::new(p, q);
            }
            "mode" => {
                expect_args(line, &tokens, 1, "mode signed|positive")?;
                mode = match tokens[1] {
                    "signed" => Mode::Signed,
                    "positive" => Mode::Positive,
                    other => {
                        return Err(malformed(
                            line,
                            format!(
                                "unknown mode `{}`; expected `signed` or `positive`",
                                abbreviate(other)
                            ),
                        ));
                    }
                };
            }
            "target-sha256" => {
                expect_args(line, &tokens, 1, "target-sha256 HEX")?;
                let h = tokens[1];
                if h.len() != 64 || !h.bytes().all(|b| b.is_ascii_hexdigit()) {
                    return Err(malformed(
                        line,
                        format!("`{}` is not a SHA-256 hash (64 hex digits)", abbreviate(h)),
                    ));
                }
                loc.declared_hash = h.to_ascii_lowercase();
                loc.hash = line;
            }
            "target" => {
                expect_args(line, &tokens, 0, "target")?;
                let (m, at) = parse_matrix(&mut lines, n, n, "target")?;
                target = Some(m);
                loc.target_rows = at;
            }
            "layers" => {
                expect_args(line, &tokens, 1, "layers K")?;
                let k = parse_usize(line, "the number of layers", tokens[1])?;
                for i in 0..k {
                    let (l, at) = parse_layer(&mut lines, i, k, split, mode)?;
                    layers.push(l);
                    loc.layers.push(at.0);
                    loc.scales.push(at.1);
                }
            }
            "hint" => {
                expect_args(line, &tokens, 1, "hint K")?;
                let after = parse_usize(line, "a hint's layer count", tokens[1])?;
                if after == 0 || after > layers.len() {
                    return Err(malformed(
                        line,
                        format!(
                            "hint {after}: a hint is the product of the first K layers, \
                             1 <= K <= {}",
                            layers.len()
                        ),
                    ));
                }
                if let Some(prev) = hints.last()
                    && prev.after >= after
                {
                    let (first, _) = loc.hints[hints.len() - 1];
                    return Err(malformed(
                        line,
                        if prev.after == after {
                            format!("duplicate `hint {after}` (first given at line {first})")
                        } else {
                            format!(
                                "hints must be in increasing order, but `hint {after}` follows \
                                 `hint {}` (line {first})",
                                prev.after
                            )
                        },
                    ));
                }
                let (m, at) = parse_matrix(&mut lines, n, n, &format!("hint {after}"))?;
                hints.push(Hint { after, product: m });
                loc.hints.push((line, at));
            }
            "end" => {
                expect_args(line, &tokens, 0, "end")?;
                ended = true;
            }
            _ => unreachable!("every keyword of ORDER is handled"),
        }
    }
    if let Some((line, tokens)) = lines.peek() {
        return Err(malformed(
            *line,
            format!(
                "text after `end`: `{}` (a certificate ends with `end`)",
                abbreviate(&tokens.join(" "))
            ),
        ));
    }
    let cert = Certificate {
        target: target.expect("`end` requires `target`"),
        decomposition: Decomposition {
            split,
            mode,
            layers,
        },
        hints,
    };
    Ok((cert, loc))
}

/// One layer block: `layer I KIND`, `scale ...`, `shift R C`, R rows of C.
/// Returns the layer and the lines of its header and scale.
fn parse_layer(
    lines: &mut Lines,
    i: usize,
    k: usize,
    split: Split,
    mode: Mode,
) -> Result<(Layer, (usize, usize)), CertificateError> {
    let expected = format!("`layer {i} lower|upper` (layer {i} of the {k} declared)");
    let (line, tokens) = lines.next(&expected)?;
    if tokens[0] != "layer" {
        return Err(malformed(
            line,
            format!(
                "expected {expected}, found `{}` (fewer layers than declared, or a shift \
                 with more rows than its shape says)",
                abbreviate(&tokens.join(" "))
            ),
        ));
    }
    expect_args(line, &tokens, 2, "layer I lower|upper")?;
    let index = parse_usize(line, "the layer index", tokens[1])?;
    if index != i {
        return Err(malformed(
            line,
            format!(
                "layer {index} found where layer {i} was expected (layers are numbered from 0, in order)"
            ),
        ));
    }
    let kind = match tokens[2] {
        "lower" => Kind::Lower,
        "upper" => Kind::Upper,
        other => {
            return Err(malformed(
                line,
                format!(
                    "layer {i}: unknown kind `{}`; expected `lower` or `upper`",
                    abbreviate(other)
                ),
            ));
        }
    };
    let header = line;
    let (rows, cols) = match kind {
        Kind::Lower => (split.second, split.first),
        Kind::Upper => (split.first, split.second),
    };
    let who = format!("layer {i} ({})", kind.name());

    // Scale.
    let (line, tokens) = lines.next(&format!("`scale` of {who}"))?;
    if tokens[0] != "scale" {
        return Err(malformed(
            line,
            format!(
                "{who}: expected `scale` with {rows} numbers, found `{}`",
                abbreviate(&tokens.join(" "))
            ),
        ));
    }
    if tokens.len() - 1 != rows {
        return Err(malformed(
            line,
            format!(
                "{who}: the scale has {} entries, but split ({}, {}) needs {rows}, one per updated coordinate",
                tokens.len() - 1,
                split.first,
                split.second
            ),
        ));
    }
    let mut scale = Vec::with_capacity(rows);
    for (j, t) in tokens[1..].iter().enumerate() {
        let v = parse_q(t).map_err(|e| malformed(line, format!("{who}, scale entry {j}: {e}")))?;
        if v.is_zero() {
            return Err(rejected(
                line,
                format!("{who}: scale entry {j} is 0; a coupling layer needs nonzero scales"),
            ));
        }
        if mode == Mode::Positive && v.is_negative() {
            return Err(rejected(
                line,
                format!(
                    "{who}: scale entry {j} is {}, but positive mode needs every scale > 0",
                    abbreviate(&fmt_q(&v))
                ),
            ));
        }
        scale.push(v);
    }
    let scale_line = line;

    // Shift.
    let (line, tokens) = lines.next(&format!("`shift {rows} {cols}` of {who}"))?;
    if tokens[0] != "shift" {
        return Err(malformed(
            line,
            format!(
                "{who}: expected `shift {rows} {cols}`, found `{}`",
                abbreviate(&tokens.join(" "))
            ),
        ));
    }
    expect_args(line, &tokens, 2, "shift ROWS COLS")?;
    let r = parse_usize(line, "the shift's row count", tokens[1])?;
    let c = parse_usize(line, "the shift's column count", tokens[2])?;
    if (r, c) != (rows, cols) {
        return Err(malformed(
            line,
            format!(
                "{who}: the shift block is declared {r}x{c}, but split ({}, {}) needs {rows}x{cols} for {} layer",
                split.first,
                split.second,
                if kind == Kind::Lower {
                    "a lower"
                } else {
                    "an upper"
                }
            ),
        ));
    }
    let (shift, _) = parse_matrix(lines, rows, cols, &format!("{who} shift"))?;
    Ok((Layer { kind, shift, scale }, (header, scale_line)))
}

// ------------------------------------------------------------------ verifying

/// What a successful [`verify`] established.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verified {
    /// Number of layers.
    pub layers: usize,
    /// Dimension.
    pub n: usize,
    /// The split.
    pub split: Split,
    /// The mode.
    pub mode: Mode,
    /// Number of hints verified.
    pub hints: usize,
    /// SHA-256 of the canonical target text (matches the certificate's).
    pub target_sha256: String,
}

/// Parses and verifies a certificate: structure ([`parse`]), the target hash,
/// every hint (with [`crate::check::check`] against the prefix of layers it
/// claims to be the product of), and finally `check(target, layers)`.
///
/// # Errors
/// A [`CertificateError`] naming the line: [`ErrorKind::Malformed`] for text
/// that is not a certificate, [`ErrorKind::Rejected`] for a false claim.
pub fn verify_text(text: &str) -> Result<Verified, CertificateError> {
    let (cert, loc) = parse_located(text)?;
    let actual = target_hash(&cert.target);
    if loc.declared_hash != actual {
        return Err(rejected(
            loc.hash,
            format!(
                "the target's SHA-256 is {actual}, not the one given here; the target \
                 (lines {}-{}) or its hash was changed",
                loc.target_rows.first().copied().unwrap_or(0),
                loc.target_rows.last().copied().unwrap_or(0)
            ),
        ));
    }
    verify(&cert, &loc)
}

/// Verifies a parsed certificate (hints, then the product) with the independent
/// checker; `loc` gives the lines for messages (use [`Locations::default`] for
/// a certificate built in memory: lines are then reported as 0). The target hash
/// is not involved here (see [`verify_text`]).
///
/// # Errors
/// A [`CertificateError`] of kind [`ErrorKind::Rejected`] (or `Malformed` for a
/// shape defect in a certificate built in memory).
pub fn verify(cert: &Certificate, loc: &Locations) -> Result<Verified, CertificateError> {
    let dec = &cert.decomposition;
    let line_of = |v: &[usize], i: usize| v.get(i).copied().unwrap_or(0);
    for (h, hint) in cert.hints.iter().enumerate() {
        let (hint_line, rows) = loc.hints.get(h).cloned().unwrap_or_default();
        if hint.after == 0 || hint.after > dec.layers.len() {
            return Err(malformed(
                hint_line,
                format!("hint {} names more layers than there are", hint.after),
            ));
        }
        let prefix = Decomposition {
            split: dec.split,
            mode: dec.mode,
            layers: dec.layers[..hint.after].to_vec(),
        };
        if let Err(e) = check(&hint.product, &prefix) {
            return Err(match e {
                CheckError::Mismatch {
                    row,
                    col,
                    product,
                    target,
                } => rejected(
                    line_of(&rows, row),
                    format!(
                        "hint {} (line {hint_line}) lies: at row {row}, column {col} it says {}, \
                         but the first {} layers multiply to {} there (hints are verified, never trusted)",
                        hint.after,
                        abbreviate(&fmt_q(&target)),
                        hint.after,
                        abbreviate(&fmt_q(&product))
                    ),
                ),
                other => located(other, loc, hint_line),
            });
        }
    }
    match check(&cert.target, dec) {
        Ok(report) => Ok(Verified {
            layers: report.layers,
            n: report.n,
            split: dec.split,
            mode: dec.mode,
            hints: cert.hints.len(),
            target_sha256: target_hash(&cert.target),
        }),
        Err(CheckError::Mismatch {
            row,
            col,
            product,
            target,
        }) => Err(rejected(
            line_of(&loc.target_rows, row),
            format!(
                "target row {row}, column {col} is {}, but the layers multiply to {} there; \
                 the layers do not represent the target",
                abbreviate(&fmt_q(&target)),
                abbreviate(&fmt_q(&product))
            ),
        )),
        Err(other) => Err(located(other, loc, 0)),
    }
}

/// A checker error other than a mismatch, placed at the layer it is about.
fn located(e: CheckError, loc: &Locations, fallback: usize) -> CertificateError {
    let line_of = |v: &[usize], i: usize| v.get(i).copied().unwrap_or(fallback);
    match &e {
        CheckError::LayerShape { layer, .. } => {
            malformed(line_of(&loc.layers, *layer), e.to_string())
        }
        CheckError::ZeroScale { layer, .. } | CheckError::NonPositiveScale { layer, .. } => {
            rejected(line_of(&loc.scales, *layer), e.to_string())
        }
        _ => malformed(fallback, e.to_string()),
    }
}

// ------------------------------------------------------------------ fuzzing

/// Fuzzing property for the certificate reader (used by `fuzz/` and the in-repo
/// fuzz loop of `tests/certificate.rs`): on any bytes, [`verify_text`] returns
/// instead of panicking, every error names a line inside the text (or the line
/// just past it), and a certificate that parses is written back by [`to_text`]
/// to text that parses to the same certificate.
///
/// # Panics
/// When one of these properties fails (that is the point).
#[doc(hidden)]
pub fn fuzz_certificate(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let last = text.lines().count() + 1;
    match verify_text(text) {
        Ok(_) => {}
        Err(e) => assert!(
            e.line >= 1 && e.line <= last,
            "error line {} outside 1..={last}: {e}",
            e.line
        ),
    }
    if let Ok(cert) = parse(text) {
        let again = to_text(&cert);
        let back = parse(&again).expect("a written certificate parses");
        assert_eq!(back, cert, "certificate round trip");
    }
}

/// Fuzzing property for the matrix text parser ([`crate::io::parse_matrix`]): no
/// panic, and a parsed matrix is written by [`crate::io::matrix_to_text`] to text
/// that parses back to the same matrix.
///
/// # Panics
/// When one of these properties fails.
#[doc(hidden)]
pub fn fuzz_matrix(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(m) = crate::io::parse_matrix(text) {
        let again = crate::io::matrix_to_text(&m);
        let back = crate::io::parse_matrix(&again).expect("a written matrix parses");
        assert_eq!(back, m, "matrix round trip");
    }
}

// ------------------------------------------------------------------ SHA-256

const K256: [u32; 64] = [
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
];

/// SHA-256 (FIPS 180-4) of `data`.
pub fn sha256(data: &[u8]) -> [u8; 32] {
    let mut h: [u32; 8] = [
        0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab,
        0x5be0cd19,
    ];
    let mut msg = data.to_vec();
    let bit_len = (data.len() as u64).wrapping_mul(8);
    msg.push(0x80);
    while msg.len() % 64 != 56 {
        msg.push(0);
    }
    msg.extend_from_slice(&bit_len.to_be_bytes());
    for chunk in msg.chunks(64) {
        let mut w = [0u32; 64];
        for (t, word) in chunk.chunks(4).enumerate() {
            w[t] = u32::from_be_bytes([word[0], word[1], word[2], word[3]]);
        }
        for t in 16..64 {
            let s0 = w[t - 15].rotate_right(7) ^ w[t - 15].rotate_right(18) ^ (w[t - 15] >> 3);
            let s1 = w[t - 2].rotate_right(17) ^ w[t - 2].rotate_right(19) ^ (w[t - 2] >> 10);
            w[t] = w[t - 16]
                .wrapping_add(s0)
                .wrapping_add(w[t - 7])
                .wrapping_add(s1);
        }
        let [mut a, mut b, mut c, mut d, mut e, mut f, mut g, mut hh] = h;
        for t in 0..64 {
            let s1 = e.rotate_right(6) ^ e.rotate_right(11) ^ e.rotate_right(25);
            let ch = (e & f) ^ (!e & g);
            let t1 = hh
                .wrapping_add(s1)
                .wrapping_add(ch)
                .wrapping_add(K256[t])
                .wrapping_add(w[t]);
            let s0 = a.rotate_right(2) ^ a.rotate_right(13) ^ a.rotate_right(22);
            let maj = (a & b) ^ (a & c) ^ (b & c);
            let t2 = s0.wrapping_add(maj);
            hh = g;
            g = f;
            f = e;
            e = d.wrapping_add(t1);
            d = c;
            c = b;
            b = a;
            a = t1.wrapping_add(t2);
        }
        for (x, y) in h.iter_mut().zip([a, b, c, d, e, f, g, hh]) {
            *x = x.wrapping_add(y);
        }
    }
    let mut out = [0u8; 32];
    for (i, x) in h.iter().enumerate() {
        out[4 * i..4 * i + 4].copy_from_slice(&x.to_be_bytes());
    }
    out
}

/// Lowercase hex of bytes.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sha256_known_answers() {
        assert_eq!(
            hex(&sha256(b"")),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
        assert_eq!(
            hex(&sha256(b"abc")),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert_eq!(
            hex(&sha256(
                b"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"
            )),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"
        );
    }
}
