//! The plain-text matrix format: [`parse_matrix`] / [`read_matrix`] (with typed,
//! located [`ParseError`]s) and its exact inverse [`matrix_to_text`]. See the
//! [module documentation](crate::io) for the format.

use crate::exact::{Matrix, NumberError, NumberReader, Q, fmt_q};
use crate::untrusted;
use std::io::Read;
use std::path::{Path, PathBuf};

/// Why a matrix could not be read. Line and column numbers are 1-based and count
/// characters (not bytes); the column is that of the entry's first character.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ParseError {
    /// An entry is not an exact number (or is an empty field such as in `1,,2`).
    BadEntry {
        /// 1-based line number.
        line: usize,
        /// 1-based column of the entry's first character.
        column: usize,
        /// The entry as written (empty for an empty field).
        text: String,
        /// Why it is not a number.
        reason: NumberError,
    },
    /// A row has a different number of entries than the first row.
    Ragged {
        /// 1-based line number of the offending row.
        line: usize,
        /// Number of entries of the first row.
        expected: usize,
        /// Number of entries of the offending row.
        found: usize,
        /// 1-based line number of the first row.
        first_line: usize,
    },
    /// There are no rows at all (empty input, or only blank lines and comments).
    Empty,
    /// The input could not be read.
    Io {
        /// The path as given (`-` for standard input).
        path: PathBuf,
        /// What went wrong.
        message: String,
    },
}

impl std::fmt::Display for ParseError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ParseError::BadEntry {
                line,
                column,
                reason: NumberError::Empty,
                ..
            } => write!(
                f,
                "line {line}, column {column}: empty entry (a comma with no number before it); \
                 separate entries with spaces or single commas"
            ),
            ParseError::BadEntry {
                line,
                column,
                reason,
                ..
            } => write!(f, "line {line}, column {column}: {reason}"),
            ParseError::Ragged {
                line,
                expected,
                found,
                first_line,
            } => write!(
                f,
                "line {line}: row has {found} {}, but the first row (line {first_line}) has \
                 {expected}; every row must have the same number of entries",
                plural(*found, "entry", "entries")
            ),
            ParseError::Empty => write!(
                f,
                "no matrix rows found (the input is empty or has only blank lines and # comments)"
            ),
            ParseError::Io { path, message } => {
                write!(f, "cannot read {}: {message}", describe_path(path))
            }
        }
    }
}

impl std::error::Error for ParseError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            ParseError::BadEntry { reason, .. } => Some(reason),
            _ => None,
        }
    }
}

fn plural(n: usize, one: &'static str, many: &'static str) -> &'static str {
    if n == 1 { one } else { many }
}

/// `standard input` for `-`, otherwise the path itself.
pub(crate) fn describe_path(path: &Path) -> String {
    if path.as_os_str() == "-" {
        "standard input".to_string()
    } else {
        path.display().to_string()
    }
}

/// Reads a whole UTF-8 text file, or standard input when `path` is `-`.
///
/// On failure returns a message a person can act on (the caller names the path).
///
/// # Examples
/// ```
/// use couplings::io::read_text;
/// let p = std::env::temp_dir().join(format!("couplings-doc-read-text-{}", std::process::id()));
/// std::fs::write(&p, "1 2\n").unwrap();
/// assert_eq!(read_text(&p).unwrap(), "1 2\n");
/// std::fs::remove_file(&p).unwrap();
/// assert!(read_text(std::path::Path::new("/no/such/file")).is_err());
/// ```
pub fn read_text(path: &Path) -> Result<String, String> {
    let bytes = if path.as_os_str() == "-" {
        let mut buf = Vec::new();
        std::io::stdin()
            .lock()
            .read_to_end(&mut buf)
            .map_err(|e| e.to_string())?;
        buf
    } else {
        std::fs::read(path).map_err(|e| e.to_string())?
    };
    String::from_utf8(bytes).map_err(|e| {
        format!(
            "not UTF-8 text (invalid byte at offset {}); save the file as plain UTF-8 text",
            e.utf8_error().valid_up_to()
        )
    })
}

/// Parses a matrix in the text format: one row per line, entries separated by
/// spaces and/or commas, each an integer, a fraction `p/q` or a decimal (read
/// exactly); `#` starts a comment and blank lines are ignored. Lines end with
/// `\n`, `\r\n` or a lone `\r`; a byte-order mark at the start is ignored.
/// The numbers share one size budget ([`NumberReader`]).
///
/// A non-square matrix parses fine; squareness and invertibility are checked by
/// whoever uses the matrix.
///
/// # Errors
/// [`ParseError::BadEntry`] (with line and column) for an entry that is not an
/// exact number, [`ParseError::Ragged`] for a row whose length differs from the
/// first row's, [`ParseError::Empty`] when there are no rows.
///
/// # Examples
/// ```
/// use couplings::exact::{Matrix, q, qi};
/// use couplings::io::{parse_matrix, ParseError};
/// let m = parse_matrix("# rows\n1, 1/2\n-0.25 3e2  # trailing comment\n").unwrap();
/// assert_eq!(m, Matrix::from_rows(vec![vec![qi(1), q(1, 2)], vec![q(-1, 4), qi(300)]]).unwrap());
///
/// match parse_matrix("1 2\n3 x\n") {
///     Err(ParseError::BadEntry { line, column, .. }) => assert_eq!((line, column), (2, 3)),
///     other => panic!("unexpected {other:?}"),
/// }
/// assert!(matches!(parse_matrix("1 2\n3\n"), Err(ParseError::Ragged { line: 2, .. })));
/// assert_eq!(parse_matrix("# nothing\n\n"), Err(ParseError::Empty));
/// ```
pub fn parse_matrix(text: &str) -> Result<Matrix, ParseError> {
    let text = untrusted::strip_bom(text);
    let mut numbers = NumberReader::for_input(text.len());
    let mut rows: Vec<Vec<Q>> = Vec::new();
    let mut first_line = 0;
    for (index, raw) in untrusted::lines(text).enumerate() {
        let line = index + 1;
        let content = match raw.find('#') {
            Some(i) => &raw[..i],
            None => raw,
        };
        let row = parse_row(content, line, &mut numbers)?;
        if row.is_empty() {
            continue;
        }
        match rows.first() {
            None => first_line = line,
            Some(first) if first.len() != row.len() => {
                return Err(ParseError::Ragged {
                    line,
                    expected: first.len(),
                    found: row.len(),
                    first_line,
                });
            }
            Some(_) => {}
        }
        rows.push(row);
    }
    if rows.is_empty() {
        return Err(ParseError::Empty);
    }
    Ok(Matrix::from_rows(rows).expect("row lengths were checked"))
}

/// Splits one comment-free line into entries and parses them.
fn parse_row(content: &str, line: usize, numbers: &mut NumberReader) -> Result<Vec<Q>, ParseError> {
    let mut row = Vec::new();
    // Whether a comma has been seen since the last entry (or the line start).
    let mut pending_comma = false;
    let mut token_start: Option<(usize, usize)> = None; // (byte offset, column)
    let mut column = 0;
    let mut finish = |start: usize, end: usize, col: usize, row: &mut Vec<Q>| {
        let token = &content[start..end];
        numbers
            .read(token)
            .map(|v| row.push(v))
            .map_err(|reason| ParseError::BadEntry {
                line,
                column: col,
                text: token.to_string(),
                reason,
            })
    };
    for (byte, ch) in content.char_indices() {
        column += 1;
        let separator = ch == ',' || ch.is_whitespace();
        if separator {
            if let Some((start, col)) = token_start.take() {
                finish(start, byte, col, &mut row)?;
                pending_comma = false;
            }
            if ch == ',' {
                if pending_comma || row.is_empty() {
                    return Err(ParseError::BadEntry {
                        line,
                        column,
                        text: String::new(),
                        reason: NumberError::Empty,
                    });
                }
                pending_comma = true;
            }
        } else if token_start.is_none() {
            token_start = Some((byte, column));
        }
    }
    if let Some((start, col)) = token_start {
        finish(start, content.len(), col, &mut row)?;
    }
    Ok(row)
}

/// Reads a matrix in the text format from a file, or from standard input when
/// `path` is `-`.
///
/// # Errors
/// [`ParseError::Io`] if the file cannot be read (or is not UTF-8), otherwise as
/// [`parse_matrix`].
///
/// # Examples
/// ```
/// use couplings::exact::Matrix;
/// use couplings::io::{read_matrix, ParseError};
/// let p = std::env::temp_dir().join(format!("couplings-doc-read-matrix-{}", std::process::id()));
/// std::fs::write(&p, "1 2\n3 4\n").unwrap();
/// assert_eq!(read_matrix(&p).unwrap(), Matrix::from_i64(&[&[1, 2], &[3, 4]]));
/// std::fs::remove_file(&p).unwrap();
/// assert!(matches!(read_matrix(&p), Err(ParseError::Io { .. })));
/// ```
pub fn read_matrix(path: &Path) -> Result<Matrix, ParseError> {
    let text = read_text(path).map_err(|message| ParseError::Io {
        path: path.to_path_buf(),
        message,
    })?;
    parse_matrix(&text)
}

/// Writes a matrix in the text format: one row per line, entries exact (`p` or
/// `p/q`) and separated by single spaces, each row ending with a newline. This
/// is the inverse of [`parse_matrix`] for every matrix with at least one row and
/// one column.
///
/// # Examples
/// ```
/// use couplings::exact::{Matrix, q, qi};
/// use couplings::io::{matrix_to_text, parse_matrix};
/// let m = Matrix::from_rows(vec![vec![qi(1), q(-1, 2)], vec![qi(0), q(7, 3)]]).unwrap();
/// let text = matrix_to_text(&m);
/// assert_eq!(text, "1 -1/2\n0 7/3\n");
/// assert_eq!(parse_matrix(&text).unwrap(), m);
/// ```
pub fn matrix_to_text(matrix: &Matrix) -> String {
    let mut out = String::new();
    for i in 0..matrix.rows() {
        let row: Vec<String> = matrix.row(i).iter().map(fmt_q).collect();
        out.push_str(&row.join(" "));
        out.push('\n');
    }
    out
}
