//! Reading certificates: the line-oriented parser ([`parse`],
//! [`parse_located`]). It only reads the text (no construction code, no matrix
//! kernels); every error names its line. Claims are decided by `verify`.

use super::{
    Certificate, CertificateError, Hint, MAGIC, VERSION, VERSION_BOUND, abbreviate, malformed,
    rejected,
};
use crate::exact::{Matrix, NumberReader, Q, fmt_q};
use crate::layer::{Decomposition, Kind, Layer, Mode, Split};
use crate::untrusted;
use num_traits::{Signed, Zero};
use std::collections::HashMap;

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
    /// The `bound` line (version 2; 0 when absent).
    pub bound: usize,
}

/// Non-blank, comment-free lines as (1-based line number, tokens).
struct Lines<'a> {
    items: Vec<(usize, Vec<&'a str>)>,
    pos: usize,
    eof: usize,
    /// The size budget of the certificate's numbers.
    numbers: NumberReader,
}

impl<'a> Lines<'a> {
    fn new(text: &'a str) -> Lines<'a> {
        let mut items = Vec::new();
        let mut count = 0;
        for (i, raw) in untrusted::lines(text).enumerate() {
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
            numbers: NumberReader::for_input(text.len()),
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

/// The sections in the order they must appear (`hint` may repeat; `bound`
/// exists in version 2 only, where it is required).
const ORDER: [&str; 9] = [
    "n",
    "split",
    "mode",
    "target-sha256",
    "target",
    "bound",
    "layers",
    "hint",
    "end",
];

fn parse_usize(line: usize, what: &str, token: &str) -> Result<usize, CertificateError> {
    let digits = token.bytes().all(|b| b.is_ascii_digit());
    token
        .parse::<usize>()
        .ok()
        .filter(|_| digits)
        .ok_or_else(|| {
            malformed(
                line,
                format!(
                    "{what} must be a non-negative integer (digits only), found `{}`",
                    abbreviate(token)
                ),
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
                abbreviate(tokens[0]),
                if count == 1 { "value" } else { "values" },
                abbreviate(&tokens.join(" "))
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
    let first = lines.numbers.read(tokens[0]);
    if tokens.len() != cols || first.is_err() {
        let found = if first.is_err() {
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
        let v = match j {
            0 => first.clone(),
            _ => lines.numbers.read(t),
        };
        let v = v.map_err(|e| malformed(line, format!("{what}, entry {j}: {e}")))?;
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

/// Parses a certificate, checking its syntax and structure (version, sections,
/// dimensions, layer shapes, nonzero and, in positive mode, positive scales).
/// Claims (hash, hints, product) are checked by [`verify`](super::verify).
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
    let text = untrusted::strip_bom(text);
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
    let version = match tokens[1] {
        v if v == VERSION.to_string() => VERSION,
        v if v == VERSION_BOUND.to_string() => VERSION_BOUND,
        other => {
            return Err(malformed(
                line,
                format!(
                    "certificate format version `{}` is not supported (this program reads \
                     versions {VERSION} and {VERSION_BOUND})",
                    abbreviate(other)
                ),
            ));
        }
    };

    // The sections of this version, for messages.
    let sections: Vec<&str> = ORDER
        .iter()
        .copied()
        .filter(|k| *k != "bound" || version == VERSION_BOUND)
        .collect();
    let mut seen: HashMap<&str, usize> = HashMap::new();
    let mut rank = 0usize;
    let mut n = 0usize;
    let mut split = Split::new(0, 0);
    let mut mode = Mode::Signed;
    let mut target: Option<Matrix> = None;
    let mut layers: Vec<Layer> = Vec::new();
    let mut hints: Vec<Hint> = Vec::new();
    let mut bound: Option<Q> = None;
    let mut ended = false;

    while !ended {
        let (line, tokens) = lines.next("`end`")?;
        let key = tokens[0];
        let Some(r) = ORDER.iter().position(|k| *k == key) else {
            let what = if crate::exact::parse_q(key).is_ok() {
                "a row of numbers where a section keyword was expected (too many rows for the declared dimensions?)".to_string()
            } else {
                format!("unknown keyword `{}`", abbreviate(key))
            };
            return Err(malformed(
                line,
                format!(
                    "{what}; expected one of {}",
                    sections
                        .iter()
                        .map(|k| format!("`{k}`"))
                        .collect::<Vec<_>>()
                        .join(", ")
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
                    sections.join(", ")
                ),
            ));
        }
        if key == "bound" && version == VERSION {
            return Err(malformed(
                line,
                format!(
                    "`bound` is a version-{VERSION_BOUND} section; this certificate says version \
                     {VERSION} on its first line"
                ),
            ));
        }
        let required = |k: &&str| *k != "hint" && (*k != "bound" || version == VERSION_BOUND);
        if let Some(missing) = ORDER[..r]
            .iter()
            .find(|k| required(k) && !seen.contains_key(*k))
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
            "bound" => {
                expect_args(line, &tokens, 1, "bound R")?;
                let r = lines
                    .numbers
                    .read(tokens[1])
                    .map_err(|e| malformed(line, format!("the bound: {e}")))?;
                if r.is_negative() {
                    return Err(malformed(
                        line,
                        format!("the bound {} is negative", abbreviate(tokens[1])),
                    ));
                }
                bound = Some(r);
                loc.bound = line;
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
        bound,
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
        let v = lines
            .numbers
            .read(t)
            .map_err(|e| malformed(line, format!("{who}, scale entry {j}: {e}")))?;
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
