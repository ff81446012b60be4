//! The validating JSON reader: shapes, `n`, mode and kind names, every number
//! exact; every error typed ([`JsonError`]) and located (layer, entry path).

use super::{Entry, JsonError};
use crate::exact::{Matrix, Q, parse_q};
use crate::io::matrix::read_text;
use crate::layer::{Decomposition, Kind, Layer, Mode, PaddedDecomposition, Split};
use num_bigint::BigInt;
use serde::de::{Deserialize, Deserializer, IgnoredAny, MapAccess, Visitor};
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
    let root = parse_root(text)?;
    let obj = object_of(&root)?;
    let pad = read_pad(text, obj)?;
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
    read_body(obj)
}

/// Reads a padded decomposition in the JSON layer format: the layers as
/// [`decomposition_from_json`] reads them (on `n = n_unpadded + pad`
/// coordinates), the pad (`"pad"`, a non-negative integer smaller than `n`,
/// given at most once; absent means 0) and the optional `"mask"` (distinct
/// unpadded coordinates, as many as `split[0]`).
///
/// # Errors
/// As [`decomposition_from_json`], and a [`JsonError::Field`] naming `pad` or
/// `mask` when they are malformed (negative, not an integer, too large,
/// repeated).
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
/// assert!(padded_from_json(&twice).unwrap_err().to_string().contains("more than once"));
/// ```
pub fn padded_from_json(text: &str) -> Result<PaddedDecomposition, JsonError> {
    let root = parse_root(text)?;
    let obj = object_of(&root)?;
    let pad = read_pad(text, obj)?;
    let decomposition = read_body(obj)?;
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
    let mask = read_mask(obj, total - pad, decomposition.split.first)?;
    Ok(PaddedDecomposition {
        pad,
        mask,
        decomposition,
    })
}

fn parse_root(text: &str) -> Result<Value, JsonError> {
    serde_json::from_str(text).map_err(|e| {
        let full = e.to_string();
        let suffix = format!(" at line {} column {}", e.line(), e.column());
        JsonError::Syntax {
            line: e.line(),
            column: e.column(),
            message: full.strip_suffix(&suffix).unwrap_or(&full).to_string(),
        }
    })
}

fn object_of(root: &Value) -> Result<&serde_json::Map<String, Value>, JsonError> {
    root.as_object().ok_or_else(|| {
        field_err(
            "(document)",
            format!(
                "must be a JSON object with keys n, split, mode and layers, found {}",
                describe(root)
            ),
        )
    })
}

/// The top-level keys in document order, repeats included (a JSON object
/// parsed into a map keeps only the last of repeated keys).
struct TopKeys(Vec<String>);

impl<'de> Deserialize<'de> for TopKeys {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<TopKeys, D::Error> {
        struct Keys;
        impl<'de> Visitor<'de> for Keys {
            type Value = TopKeys;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<TopKeys, A::Error> {
                let mut keys = Vec::new();
                while let Some(k) = map.next_key::<String>()? {
                    map.next_value::<IgnoredAny>()?;
                    keys.push(k);
                }
                Ok(TopKeys(keys))
            }
        }
        d.deserialize_map(Keys)
    }
}

/// The `pad` field: absent is 0; a non-negative JSON integer given once.
fn read_pad(text: &str, obj: &serde_json::Map<String, Value>) -> Result<usize, JsonError> {
    let Some(value) = obj.get("pad") else {
        return Ok(0);
    };
    let keys = serde_json::from_str::<TopKeys>(text)
        .map(|k| k.0)
        .unwrap_or_default();
    if keys.iter().filter(|k| *k == "pad").count() > 1 {
        return Err(field_err(
            "pad",
            "appears more than once; give the number of padded coordinates once",
        ));
    }
    value
        .as_u64()
        .and_then(|v| usize::try_from(v).ok())
        .ok_or_else(|| {
            field_err(
                "pad",
                format!(
                    "must be a non-negative integer (the number of padded coordinates), found {}",
                    describe(value)
                ),
            )
        })
}

/// The optional `mask` of a padded document: distinct coordinates below `n`
/// (the unpadded dimension), as many as the first part.
fn read_mask(
    obj: &serde_json::Map<String, Value>,
    n: usize,
    first: usize,
) -> Result<Option<Vec<usize>>, JsonError> {
    let Some(value) = obj.get("mask") else {
        return Ok(None);
    };
    let bad = |m: String| field_err("mask", m);
    let items = value.as_array().ok_or_else(|| {
        bad(format!(
            "must be an array of coordinate indices, found {}",
            describe(value)
        ))
    })?;
    let mut coords = Vec::with_capacity(items.len());
    for item in items {
        let c = item
            .as_u64()
            .and_then(|c| usize::try_from(c).ok())
            .ok_or_else(|| {
                bad(format!(
                    "entry {} is not a coordinate index",
                    describe(item)
                ))
            })?;
        if c >= n {
            return Err(bad(format!(
                "coordinate {c} is not one of the {n} unpadded coordinates (the padded ones always \
                 stay last)"
            )));
        }
        if coords.contains(&c) {
            return Err(bad(format!("coordinate {c} is listed twice")));
        }
        coords.push(c);
    }
    if coords.len() != first {
        return Err(bad(format!(
            "lists {} coordinates but split[0] is {first}; they must agree",
            coords.len()
        )));
    }
    coords.sort_unstable();
    Ok(Some(coords))
}

/// The layers of a document (`n`, `split`, `mode`, `layers`).
fn read_body(obj: &serde_json::Map<String, Value>) -> Result<Decomposition, JsonError> {
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
