//! The validating JSON reader: shapes, `n`, mode and kind names, every number
//! exact; every error typed ([`JsonError`]) and located (layer, entry path).
//! Documents are read strictly ([`crate::untrusted::json`]): a key given twice
//! anywhere is refused, and number literals are read from their text (so a
//! JSON integer of any size is exact). Nothing is allocated from a declared
//! size: shapes are compared with the arrays actually present.

use super::{Entry, JsonError};
use crate::exact::{Matrix, NumberReader, Q};
use crate::io::matrix::read_text;
use crate::layer::{Decomposition, Kind, Layer, Mode, PaddedDecomposition, Split};
use crate::untrusted::json::{self, ErrorKind, Node, Value};
use crate::untrusted::strip_bom;
use std::path::Path;

fn field_err(field: &str, message: impl Into<String>) -> JsonError {
    JsonError::Field {
        field: field.to_string(),
        message: message.into(),
    }
}

/// A size (`n`, `split[i]`): a JSON integer from 0 to `usize::MAX`.
fn get_size(field: &str, value: Option<&Node>) -> Result<usize, JsonError> {
    let value = value.ok_or_else(|| field_err(field, "is missing"))?;
    value
        .as_u64()
        .and_then(|v| usize::try_from(v).ok())
        .ok_or_else(|| {
            let found = value.describe();
            let beyond = value
                .as_number()
                .is_some_and(|s| s.bytes().all(|b| b.is_ascii_digit()));
            field_err(
                field,
                if beyond {
                    format!("must be a non-negative integer below 2^64, found {found}")
                } else {
                    format!("must be a non-negative integer, found {found}")
                },
            )
        })
}

/// Reads a JSON document strictly ([`crate::untrusted::json::parse`]; a
/// byte-order mark at the start is ignored), with errors as [`JsonError`].
/// [`decomposition_from_node`] and [`crate::mask::mask_from_node`] read the
/// same document, so a layer file is parsed once.
///
/// # Errors
/// [`JsonError::Syntax`] or [`JsonError::DuplicateKey`].
///
/// # Examples
/// ```
/// use couplings::io::{json_document, JsonError};
/// assert!(json_document("\u{feff}{\"n\": 2}").is_ok());
/// let e = json_document(r#"{"mode": "signed", "mode": "positive"}"#).unwrap_err();
/// assert!(matches!(e, JsonError::DuplicateKey { ref path, .. } if path == "mode"));
/// ```
pub fn json_document(text: &str) -> Result<Node<'_>, JsonError> {
    json::parse(strip_bom(text)).map_err(|e| match e.kind {
        ErrorKind::Syntax { message } => JsonError::Syntax {
            line: e.line,
            column: e.column,
            message,
        },
        ErrorKind::DuplicateKey {
            path,
            first_line,
            first_column,
        } => JsonError::DuplicateKey {
            path,
            line: e.line,
            column: e.column,
            first_line,
            first_column,
        },
        ErrorKind::TooDeep => JsonError::Syntax {
            line: e.line,
            column: e.column,
            message: format!(
                "arrays and objects nested more than {} deep",
                json::MAX_DEPTH
            ),
        },
    })
}

/// Reads a decomposition in the JSON layer format (see the
/// [module documentation](crate::io)). Numbers may be strings holding integers,
/// fractions or decimals, or plain JSON integers (of any size). Shapes are
/// validated against `split` and `n`; scale values are not (zero scales are
/// left to [`crate::check()`]).
///
/// # Errors
/// A typed [`JsonError`]; errors inside a layer name the layer and the field
/// (and the row/column for numbers).
///
/// # Examples
/// ```
/// use couplings::io::{decomposition_from_json, JsonError};
/// let json = r#"{"n": 4, "split": [2, 2], "mode": "signed", "layers": [
///     {"kind": "lower", "shift": [["1/2","0"],["-3","1"]], "scale": ["1","2"]}]}"#;
/// let dec = decomposition_from_json(json).unwrap();
/// assert_eq!(dec.layers.len(), 1);
///
/// let bad = r#"{"n": 4, "split": [2, 2], "mode": "signed", "layers": [
///     {"kind": "lower", "shift": [["1/2","0"]], "scale": ["1","2"]}]}"#;
/// let err = decomposition_from_json(bad).unwrap_err();
/// assert!(matches!(err, JsonError::ShiftRows { layer: 0, expected: 2, found: 1, .. }));
/// assert!(err.to_string().starts_with("layer 0 (layers[0]): shift has 1 row, expected 2"));
/// ```
pub fn decomposition_from_json(text: &str) -> Result<Decomposition, JsonError> {
    decomposition_from_node(&json_document(text)?)
}

/// [`decomposition_from_json`] on a document already read by [`json_document`].
///
/// # Errors
/// As [`decomposition_from_json`], and a [`JsonError::Field`] naming `pad`
/// for a padded document (read those with [`padded_from_json`]).
pub fn decomposition_from_node(root: &Node) -> Result<Decomposition, JsonError> {
    let pad = read_pad(root)?;
    if pad > 0 {
        return Err(field_err(
            "pad",
            format!(
                "is {pad}: this is a padded decomposition (the layers act on n + pad \
                 coordinates and represent [[T], [0]] in their first columns, docs/padding.md); \
                 read it with `padded_from_json` (`couplings check` reads the pad itself)"
            ),
        ));
    }
    read_body(root)
}

/// Reads a padded decomposition in the JSON layer format: the layers as
/// [`decomposition_from_json`] reads them (on `n = n_unpadded + pad`
/// coordinates), the pad (`"pad"`, a non-negative integer smaller than `n`;
/// absent means 0) and the optional `"mask"` (distinct unpadded coordinates,
/// as many as `split[0]`). A key given twice is refused, as everywhere.
///
/// # Errors
/// As [`decomposition_from_json`], and a [`JsonError::Field`] naming `pad` or
/// `mask` when they are malformed (negative, not an integer, too large).
///
/// # Examples
/// ```
/// use couplings::io::{padded_from_json, JsonError};
/// let json = r#"{"n": 2, "split": [1, 1], "pad": 1, "mode": "signed", "layers": []}"#;
/// assert_eq!(padded_from_json(json).unwrap().pad, 1);
/// for bad in ["-1", "2", "1.5", "\"1\"", "18446744073709551616"] {
///     let text = json.replace("\"pad\": 1", &format!("\"pad\": {bad}"));
///     let err = padded_from_json(&text).unwrap_err();
///     assert!(matches!(&err, JsonError::Field { field, .. } if field == "pad"), "{bad}: {err}");
/// }
/// let twice = json.replace("\"pad\": 1", "\"pad\": 1, \"pad\": 0");
/// assert!(matches!(padded_from_json(&twice), Err(JsonError::DuplicateKey { .. })));
/// ```
pub fn padded_from_json(text: &str) -> Result<PaddedDecomposition, JsonError> {
    let root = json_document(text)?;
    let pad = read_pad(&root)?;
    let decomposition = read_body(&root)?;
    let total = decomposition.split.n();
    if pad >= total {
        return Err(field_err(
            "pad",
            format!(
                "is {pad}, but the layers act on n = {total} coordinates; the pad must leave at \
                 least one unpadded coordinate (pad < n)"
            ),
        ));
    }
    let mask = read_mask(&root, total - pad, decomposition.split.first)?;
    Ok(PaddedDecomposition {
        pad,
        mask,
        decomposition,
    })
}

/// The `pad` field: absent is 0; otherwise a non-negative JSON integer.
fn read_pad(root: &Node) -> Result<usize, JsonError> {
    let Some(value) = root.get("pad") else {
        return Ok(0);
    };
    value
        .as_u64()
        .and_then(|v| usize::try_from(v).ok())
        .ok_or_else(|| {
            field_err(
                "pad",
                format!(
                    "must be a non-negative integer (the number of padded coordinates), found {}",
                    value.describe()
                ),
            )
        })
}

/// The optional `mask` of a padded document: distinct coordinates below `n`
/// (the unpadded dimension), as many as the first part.
fn read_mask(root: &Node, n: usize, first: usize) -> Result<Option<Vec<usize>>, JsonError> {
    let Some(value) = root.get("mask") else {
        return Ok(None);
    };
    let bad = |m: String| field_err("mask", m);
    let items = value.as_array().ok_or_else(|| {
        bad(format!(
            "must be an array of coordinate indices, found {}",
            value.describe()
        ))
    })?;
    if items.len() != first {
        return Err(bad(format!(
            "lists {} coordinates but split[0] is {first}; they must agree",
            items.len()
        )));
    }
    // Nothing is allocated from the declared `n` (hostile documents declare
    // 10^15): repeats are found by sorting the listed coordinates.
    let mut coords = Vec::with_capacity(items.len());
    for item in items {
        let c = item
            .as_u64()
            .and_then(|c| usize::try_from(c).ok())
            .ok_or_else(|| {
                bad(format!(
                    "entry {} is not a coordinate index",
                    item.describe()
                ))
            })?;
        if c >= n {
            return Err(bad(format!(
                "coordinate {c} is not one of the {n} unpadded coordinates (the padded ones always \
                 stay last)"
            )));
        }
        coords.push(c);
    }
    coords.sort_unstable();
    if let Some(w) = coords.windows(2).find(|w| w[0] == w[1]) {
        return Err(bad(format!("coordinate {} is listed twice", w[0])));
    }
    Ok(Some(coords))
}

/// The layers of a document (`n`, `split`, `mode`, `layers`).
fn read_body(root: &Node) -> Result<Decomposition, JsonError> {
    let mut numbers = NumberReader::for_input(root.raw().len());
    if root.as_object().is_none() {
        return Err(field_err(
            "(document)",
            format!(
                "must be a JSON object with keys n, split, mode and layers, found {}",
                root.describe()
            ),
        ));
    }
    let n = get_size("n", root.get("n"))?;
    let split_value = root
        .get("split")
        .ok_or_else(|| field_err("split", "is missing"))?;
    let split = match split_value.as_array() {
        Some([a, b]) => Split::new(
            get_size("split[0]", Some(a))?,
            get_size("split[1]", Some(b))?,
        ),
        _ => {
            return Err(field_err(
                "split",
                format!(
                    "must be an array of two non-negative integers [first, second], found {}",
                    split_value.describe()
                ),
            ));
        }
    };
    if split.first.checked_add(split.second) != Some(n) {
        return Err(JsonError::SplitMismatch { n, split });
    }
    let mode_value = root
        .get("mode")
        .ok_or_else(|| field_err("mode", "is missing"))?;
    let mode = match mode_value.as_str() {
        Some("signed") => Mode::Signed,
        Some("positive") => Mode::Positive,
        Some(other) => {
            return Err(JsonError::UnknownMode {
                found: other.to_string(),
            });
        }
        None => {
            return Err(field_err(
                "mode",
                format!(
                    "must be the string \"signed\" or \"positive\", found {}",
                    mode_value.describe()
                ),
            ));
        }
    };
    let layers_value = root
        .get("layers")
        .ok_or_else(|| field_err("layers", "is missing"))?;
    let layer_values = layers_value.as_array().ok_or_else(|| {
        field_err(
            "layers",
            format!(
                "must be an array of layers, found {}",
                layers_value.describe()
            ),
        )
    })?;
    let layers = layer_values
        .iter()
        .enumerate()
        .map(|(index, value)| read_layer(index, value, split, &mut numbers))
        .collect::<Result<Vec<Layer>, JsonError>>()?;
    Ok(Decomposition {
        split,
        mode,
        layers,
    })
}

fn read_layer(
    layer: usize,
    value: &Node,
    split: Split,
    numbers: &mut NumberReader,
) -> Result<Layer, JsonError> {
    let lf = |field: &str, message: String| JsonError::LayerField {
        layer,
        field: field.to_string(),
        message,
    };
    if value.as_object().is_none() {
        return Err(lf(
            "(layer)",
            format!(
                "must be an object with keys kind, shift and scale, found {}",
                value.describe()
            ),
        ));
    }
    let kind_value = value
        .get("kind")
        .ok_or_else(|| lf("kind", "is missing".into()))?;
    let kind = match kind_value.as_str() {
        Some("lower") => Kind::Lower,
        Some("upper") => Kind::Upper,
        Some(other) => {
            return Err(JsonError::UnknownKind {
                layer,
                found: other.to_string(),
            });
        }
        None => {
            return Err(lf(
                "kind",
                format!(
                    "must be the string \"lower\" or \"upper\", found {}",
                    kind_value.describe()
                ),
            ));
        }
    };
    let (rows, cols) = match kind {
        Kind::Lower => (split.second, split.first),
        Kind::Upper => (split.first, split.second),
    };
    let shift_value = value
        .get("shift")
        .ok_or_else(|| lf("shift", "is missing".into()))?;
    let shift_rows = shift_value.as_array().ok_or_else(|| {
        lf(
            "shift",
            format!(
                "must be an array of rows (arrays of numbers), found {}",
                shift_value.describe()
            ),
        )
    })?;
    if shift_rows.len() != rows {
        return Err(JsonError::ShiftRows {
            layer,
            kind,
            split,
            expected: rows,
            found: shift_rows.len(),
        });
    }
    // Grown as entries arrive: `cols` is declared, not yet seen.
    let mut data = Vec::new();
    for (row, row_value) in shift_rows.iter().enumerate() {
        let entries = row_value.as_array().ok_or_else(|| {
            lf(
                &format!("shift[{row}]"),
                format!(
                    "must be an array of numbers (one row of the shift block), found {}",
                    row_value.describe()
                ),
            )
        })?;
        if entries.len() != cols {
            return Err(JsonError::ShiftCols {
                layer,
                kind,
                split,
                row,
                expected: cols,
                found: entries.len(),
            });
        }
        for (col, v) in entries.iter().enumerate() {
            data.push(read_number(layer, Entry::Shift { row, col }, v, numbers)?);
        }
    }
    let shift = Matrix::from_vec(rows, cols, data);
    let scale_value = value
        .get("scale")
        .ok_or_else(|| lf("scale", "is missing".into()))?;
    let scale_entries = scale_value.as_array().ok_or_else(|| {
        lf(
            "scale",
            format!(
                "must be an array of numbers (the diagonal of the scale block), found {}",
                scale_value.describe()
            ),
        )
    })?;
    if scale_entries.len() != rows {
        return Err(JsonError::ScaleLength {
            layer,
            kind,
            split,
            expected: rows,
            found: scale_entries.len(),
        });
    }
    let scale = scale_entries
        .iter()
        .enumerate()
        .map(|(index, v)| read_number(layer, Entry::Scale { index }, v, numbers))
        .collect::<Result<Vec<Q>, JsonError>>()?;
    Ok(Layer { kind, shift, scale })
}

/// An exact number: a string (integer, fraction or decimal) or a JSON integer
/// literal, read from its text (any size). JSON literals with a fraction or an
/// exponent are refused: another writer may already have rounded them.
fn read_number(
    layer: usize,
    entry: Entry,
    value: &Node,
    numbers: &mut NumberReader,
) -> Result<Q, JsonError> {
    let text = match value.value() {
        Value::String(s) => s.as_ref(),
        Value::Number(s) if !s.bytes().any(|b| matches!(b, b'.' | b'e' | b'E')) => s,
        _ => {
            return Err(JsonError::NotExact {
                layer,
                entry,
                found: value.describe(),
            });
        }
    };
    numbers.read(text).map_err(|reason| JsonError::BadNumber {
        layer,
        entry,
        text: text.to_string(),
        reason,
    })
}

/// Reads a decomposition in the JSON layer format from a file, or from standard
/// input when `path` is `-`.
///
/// # Errors
/// [`JsonError::Io`] if the file cannot be read, otherwise as
/// [`decomposition_from_json`].
///
/// # Examples
/// ```
/// use couplings::{Decomposition, Mode, Split};
/// use couplings::io::{decomposition_to_json, read_decomposition, JsonError};
/// let dec = Decomposition { split: Split::new(1, 1), mode: Mode::Positive, layers: vec![] };
/// let p = std::env::temp_dir().join(format!("couplings-doc-read-dec-{}", std::process::id()));
/// std::fs::write(&p, decomposition_to_json(&dec)).unwrap();
/// assert_eq!(read_decomposition(&p).unwrap(), dec);
/// std::fs::remove_file(&p).unwrap();
/// assert!(matches!(read_decomposition(&p), Err(JsonError::Io { .. })));
/// ```
pub fn read_decomposition(path: &Path) -> Result<Decomposition, JsonError> {
    let text = read_text(path).map_err(|message| JsonError::Io {
        path: path.to_path_buf(),
        message,
    })?;
    decomposition_from_json(&text)
}
