//! The validating JSON reader: shapes, `n`, mode and kind names, every number
//! exact; every error typed ([`JsonError`]) and located (layer, entry path).

use super::{Entry, JsonError};
use crate::exact::{Matrix, Q, parse_q};
use crate::io::matrix::read_text;
use crate::layer::{Decomposition, Kind, Layer, Mode, Split};
use num_bigint::BigInt;
use serde_json::Value;
use std::path::Path;

/// The JSON type of a value, for messages.
fn describe(value: &Value) -> String {
    let text = value.to_string();
    let shown = if text.chars().count() > 40 {
        let cut: String = text.chars().take(37).collect();
        format!("{cut}...")
    } else {
        text
    };
    let kind = match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(n) if n.is_f64() => "a JSON floating-point number",
        Value::Number(_) => "a JSON number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    };
    format!("{kind} ({shown})")
}

fn field_err(field: &str, message: impl Into<String>) -> JsonError {
    JsonError::Field {
        field: field.to_string(),
        message: message.into(),
    }
}

fn get_size(field: &str, value: Option<&Value>) -> Result<usize, JsonError> {
    let value = value.ok_or_else(|| field_err(field, "is missing"))?;
    value
        .as_u64()
        .and_then(|v| usize::try_from(v).ok())
        .ok_or_else(|| {
            field_err(
                field,
                format!("must be a non-negative integer, found {}", describe(value)),
            )
        })
}

/// Reads a decomposition in the JSON layer format (see the
/// [module documentation](crate::io)). Numbers may be strings holding integers,
/// fractions or decimals, or plain JSON integers. Shapes are validated against
/// `split` and `n`; scale values are not (zero scales are left to
/// [`crate::check()`]).
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
    let root: Value = serde_json::from_str(text).map_err(|e| {
        let full = e.to_string();
        let suffix = format!(" at line {} column {}", e.line(), e.column());
        JsonError::Syntax {
            line: e.line(),
            column: e.column(),
            message: full.strip_suffix(&suffix).unwrap_or(&full).to_string(),
        }
    })?;
    let obj = root.as_object().ok_or_else(|| {
        field_err(
            "(document)",
            format!(
                "must be a JSON object with keys n, split, mode and layers, found {}",
                describe(&root)
            ),
        )
    })?;
    let n = get_size("n", obj.get("n"))?;
    let split_value = obj
        .get("split")
        .ok_or_else(|| field_err("split", "is missing"))?;
    let split = match split_value.as_array().map(Vec::as_slice) {
        Some([a, b]) => Split::new(
            get_size("split[0]", Some(a))?,
            get_size("split[1]", Some(b))?,
        ),
        _ => {
            return Err(field_err(
                "split",
                format!(
                    "must be an array of two non-negative integers [first, second], found {}",
                    describe(split_value)
                ),
            ));
        }
    };
    if split.first.checked_add(split.second) != Some(n) {
        return Err(JsonError::SplitMismatch { n, split });
    }
    let mode_value = obj
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
                    describe(mode_value)
                ),
            ));
        }
    };
    let layers_value = obj
        .get("layers")
        .ok_or_else(|| field_err("layers", "is missing"))?;
    let layer_values = layers_value.as_array().ok_or_else(|| {
        field_err(
            "layers",
            format!(
                "must be an array of layers, found {}",
                describe(layers_value)
            ),
        )
    })?;
    let layers = layer_values
        .iter()
        .enumerate()
        .map(|(index, value)| read_layer(index, value, split))
        .collect::<Result<Vec<Layer>, JsonError>>()?;
    Ok(Decomposition {
        split,
        mode,
        layers,
    })
}

fn read_layer(layer: usize, value: &Value, split: Split) -> Result<Layer, JsonError> {
    let lf = |field: &str, message: String| JsonError::LayerField {
        layer,
        field: field.to_string(),
        message,
    };
    let obj = value.as_object().ok_or_else(|| {
        lf(
            "(layer)",
            format!(
                "must be an object with keys kind, shift and scale, found {}",
                describe(value)
            ),
        )
    })?;
    let kind_value = obj
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
                    describe(kind_value)
                ),
            ));
        }
    };
    let (rows, cols) = match kind {
        Kind::Lower => (split.second, split.first),
        Kind::Upper => (split.first, split.second),
    };
    let shift_value = obj
        .get("shift")
        .ok_or_else(|| lf("shift", "is missing".into()))?;
    let shift_rows = shift_value.as_array().ok_or_else(|| {
        lf(
            "shift",
            format!(
                "must be an array of rows (arrays of numbers), found {}",
                describe(shift_value)
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
    let mut data = Vec::with_capacity(rows * cols);
    for (row, row_value) in shift_rows.iter().enumerate() {
        let entries = row_value.as_array().ok_or_else(|| {
            lf(
                &format!("shift[{row}]"),
                format!(
                    "must be an array of numbers (one row of the shift block), found {}",
                    describe(row_value)
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
            data.push(read_number(layer, Entry::Shift { row, col }, v)?);
        }
    }
    let shift = Matrix::from_vec(rows, cols, data);
    let scale_value = obj
        .get("scale")
        .ok_or_else(|| lf("scale", "is missing".into()))?;
    let scale_entries = scale_value.as_array().ok_or_else(|| {
        lf(
            "scale",
            format!(
                "must be an array of numbers (the diagonal of the scale block), found {}",
                describe(scale_value)
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
        .map(|(index, v)| read_number(layer, Entry::Scale { index }, v))
        .collect::<Result<Vec<Q>, JsonError>>()?;
    Ok(Layer { kind, shift, scale })
}

fn read_number(layer: usize, entry: Entry, value: &Value) -> Result<Q, JsonError> {
    match value {
        Value::String(s) => parse_q(s).map_err(|reason| JsonError::BadNumber {
            layer,
            entry,
            text: s.clone(),
            reason,
        }),
        Value::Number(n) if n.is_i64() || n.is_u64() => {
            // Integers serde_json holds exactly as i64/u64; re-read their text.
            let int: BigInt = n.to_string().parse().map_err(|_| JsonError::NotExact {
                layer,
                entry,
                found: describe(value),
            })?;
            Ok(Q::from_integer(int))
        }
        _ => Err(JsonError::NotExact {
            layer,
            entry,
            found: describe(value),
        }),
    }
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
