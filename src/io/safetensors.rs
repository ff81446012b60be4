//! The safetensors format: reading through Hugging Face's `safetensors` crate
//! (the reference implementation), writing with our own deterministic writer.
//! [`parse_safetensors`] / [`read_tensor`] read F16/BF16/F32/F64 tensors by
//! name; [`SafetensorsWriter`] writes F32/F64 tensors with string metadata
//! (used by `couplings export`, see `docs/export.md`).
//!
//! Layout: an 8-byte little-endian header length `N`, a JSON header of `N`
//! bytes (`{"NAME": {"dtype": "F64", "shape": [..], "data_offsets": [begin,
//! end]}, ..., "__metadata__": {"key": "value", ...}}`), then the data buffer;
//! offsets are relative to the start of the data buffer, little-endian, C order.
//!
//! **Reading.** The crate validates the header (typed fields, a field given
//! twice), that the tensors tile the data buffer exactly (sorted by offset:
//! no gap, no overlap, nothing after the last one) and that each tensor's
//! offsets span `shape x dtype` bytes (with checked arithmetic). Before it, our
//! own pass reads the header strictly ([`crate::untrusted::json`]), which
//! refuses a **tensor name or metadata key given twice** (the crate keeps the
//! last one when the offsets still tile the buffer) and checks every tensor's
//! offsets against the buffer (reversed, past the end), so the crate never
//! adds offsets near `u64::MAX`. Its errors, which do not always say which
//! tensor or why, are mapped to typed [`TensorError`]s that name the tensor,
//! the field and the reason.
//!
//! **Writing** stays ours: the crate's writer emits `__metadata__` in hash-map
//! order (two runs give different bytes) and orders keys by data offset, while
//! `docs/export.md` documents sorted keys and byte-identical output; the tests
//! read every file we write back with the crate.

use super::tensor::{DType, RawTensor, TensorError};
use crate::untrusted::{self, json::Node};
use serde_json::{Map, Value};
use std::collections::BTreeMap;

/// Upper bound on the JSON header (as in the reference implementation): larger
/// announced lengths are refused before allocating anything.
pub const MAX_HEADER: u64 = 100_000_000;

/// One tensor entry of a safetensors header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TensorInfo {
    /// The dtype as written (`F32`, `I64`, ...).
    pub dtype: String,
    /// The shape.
    pub shape: Vec<usize>,
    /// `[begin, end)` byte range in the data buffer.
    pub offsets: (usize, usize),
}

/// A parsed safetensors file borrowing its bytes.
#[derive(Debug, Clone)]
pub struct Safetensors<'a> {
    /// The `__metadata__` map (empty when absent).
    pub metadata: BTreeMap<String, String>,
    /// The tensor entries by name.
    pub tensors: BTreeMap<String, TensorInfo>,
    data: &'a [u8],
}

fn bad(reason: impl Into<String>) -> TensorError {
    TensorError::BadHeader {
        reason: reason.into(),
    }
}

/// A tensor entry as our own pass read it (fields that did not parse are `None`).
struct Entry<'h> {
    name: &'h str,
    dtype: Option<&'h str>,
    shape: Option<Vec<u64>>,
    offsets: Option<(u64, u64)>,
}

fn u64_list(node: Option<&Node>) -> Option<Vec<u64>> {
    node?.as_array()?.iter().map(Node::as_u64).collect()
}

/// The tensor entries of a header read strictly (`__metadata__` left out).
fn entries<'h>(root: &'h Node<'h>) -> Vec<Entry<'h>> {
    root.as_object()
        .unwrap_or_default()
        .iter()
        .filter(|(name, _)| name != "__metadata__")
        .map(|(name, entry)| Entry {
            name,
            dtype: entry.get("dtype").and_then(Node::as_str),
            shape: u64_list(entry.get("shape")),
            offsets: u64_list(entry.get("data_offsets")).and_then(|o| match o[..] {
                [b, e] => Some((b, e)),
                _ => None,
            }),
        })
        .collect()
}

/// Parses the header of a safetensors file held in memory and checks every
/// entry against the data buffer (see the [module documentation](self)).
///
/// # Errors
/// [`TensorError::Truncated`], [`TensorError::BadHeader`],
/// [`TensorError::DuplicateKey`], [`TensorError::BadEntry`] (naming the tensor
/// and field), [`TensorError::TrailingData`], [`TensorError::UnsupportedDtype`].
///
/// # Examples
/// ```
/// use couplings::io::{parse_safetensors, SafetensorsWriter};
/// let mut w = SafetensorsWriter::new();
/// w.add_f64("w", &[2, 2], &[1.0, 2.0, 3.0, 4.0]);
/// w.metadata("format", "demo");
/// let bytes = w.to_bytes();
/// let st = parse_safetensors(&bytes).unwrap();
/// assert_eq!(st.metadata["format"], "demo");
/// assert_eq!(st.tensor("w").unwrap().values, vec![1.0, 2.0, 3.0, 4.0]);
/// ```
pub fn parse_safetensors(bytes: &[u8]) -> Result<Safetensors<'_>, TensorError> {
    if bytes.len() < 8 {
        return Err(TensorError::Truncated {
            what: "safetensors header length".into(),
            needed: 8,
            found: bytes.len(),
        });
    }
    let mut len8 = [0u8; 8];
    len8.copy_from_slice(&bytes[..8]);
    let n = u64::from_le_bytes(len8);
    if n > MAX_HEADER {
        return Err(bad(format!(
            "the header length {n} is implausibly large (over {MAX_HEADER} bytes; not a \
             safetensors file?)"
        )));
    }
    // n <= 10^8, so the sum cannot overflow.
    let header_end = 8 + n as usize;
    if bytes.len() < header_end {
        return Err(TensorError::Truncated {
            what: "safetensors header".into(),
            needed: header_end,
            found: bytes.len(),
        });
    }
    let header = std::str::from_utf8(&bytes[8..header_end]).map_err(|e| {
        bad(format!(
            "the JSON header is not UTF-8 (invalid byte at offset {} of the header)",
            e.valid_up_to()
        ))
    })?;
    let root = untrusted::json::parse(header).map_err(|e| match e.kind {
        untrusted::json::ErrorKind::DuplicateKey {
            path,
            first_line,
            first_column,
        } => TensorError::DuplicateKey {
            key: path,
            position: format!(
                "line {first_line}, column {first_column} and line {}, column {} of the JSON header",
                e.line, e.column
            ),
        },
        _ => bad(format!("the header is not JSON: {e}")),
    })?;
    if root.as_object().is_none() {
        return Err(bad(format!(
            "the header is not a JSON object, found {}",
            root.describe()
        )));
    }
    let data = &bytes[header_end..];
    let entries = entries(&root);
    // Reversed or out-of-range offsets, named, before the crate adds them up.
    for e in &entries {
        let Some((begin, end)) = e.offsets else {
            continue;
        };
        let reason = if begin > end {
            format!("[{begin}, {end}] is reversed (begin after end)")
        } else if end > data.len() as u64 {
            format!(
                "[{begin}, {end}] ends past the data buffer, which has {} bytes",
                data.len()
            )
        } else {
            continue;
        };
        return Err(offsets_error(e.name, reason));
    }
    let (_, meta) = safetensors::SafeTensors::read_metadata(bytes)
        .map_err(|error| explain(error, &entries, data.len()))?;
    let metadata = meta
        .metadata()
        .iter()
        .flatten()
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    let tensors = meta
        .tensors()
        .into_iter()
        .map(|(name, info)| {
            let info = TensorInfo {
                dtype: format!("{:?}", info.dtype),
                shape: info.shape.clone(),
                offsets: info.data_offsets,
            };
            (name, info)
        })
        .collect();
    Ok(Safetensors {
        metadata,
        tensors,
        data,
    })
}

fn offsets_error(tensor: &str, reason: String) -> TensorError {
    TensorError::BadEntry {
        tensor: tensor.to_string(),
        field: "data_offsets".into(),
        reason,
    }
}

/// Bytes of `shape` elements of `dtype` (a safetensors dtype name), `None` on
/// an unknown dtype or an overflow.
fn byte_size(dtype: &str, shape: &[u64]) -> Option<u64> {
    let dtype: safetensors::Dtype = serde_json::from_value(Value::String(dtype.into())).ok()?;
    let elements = shape.iter().try_fold(1u64, |a, &d| a.checked_mul(d))?;
    elements
        .checked_mul(dtype.bitsize() as u64)
        .map(|bits| bits / 8)
}

/// A typed error for what the `safetensors` crate refused, naming the tensor
/// and the reason (the crate's own errors say neither, or only the name).
fn explain(error: safetensors::SafeTensorError, entries: &[Entry], data_len: usize) -> TensorError {
    use safetensors::SafeTensorError as E;
    let mut sorted: Vec<(&str, (u64, u64))> = entries
        .iter()
        .filter_map(|e| e.offsets.map(|o| (e.name, o)))
        .collect();
    sorted.sort_by_key(|&(_, o)| o);
    match error {
        E::InvalidOffset(name) => {
            let mut previous: Option<(&str, (u64, u64))> = None;
            for &(tensor, (begin, end)) in &sorted {
                let prev_end = previous.map_or(0, |(_, (_, e))| e);
                if begin < prev_end {
                    let (other, (b, e)) = previous.unwrap_or(("", (0, 0)));
                    return offsets_error(
                        tensor,
                        format!(
                            "[{begin}, {end}] overlaps tensor \"{}\" at [{b}, {e}]",
                            untrusted::show(other)
                        ),
                    );
                }
                if begin > prev_end {
                    return offsets_error(
                        tensor,
                        format!(
                            "[{begin}, {end}] leaves bytes [{prev_end}, {begin}) of the data buffer \
                             to no tensor (tensors follow one another without gaps)"
                        ),
                    );
                }
                previous = Some((tensor, (begin, end)));
            }
            offsets_error(&name, "the tensors do not tile the data buffer".into())
        }
        E::TensorInvalidInfo | E::ValidationOverflow => {
            for e in entries {
                let (Some(dtype), Some(shape), Some((begin, end))) = (e.dtype, &e.shape, e.offsets)
                else {
                    continue;
                };
                match byte_size(dtype, shape) {
                    None => {
                        return TensorError::BadEntry {
                            tensor: e.name.to_string(),
                            field: "shape".into(),
                            reason: format!(
                                "{shape:?} of {dtype} overflows (no file is that large)"
                            ),
                        };
                    }
                    Some(size) if size != end - begin => {
                        return TensorError::BadEntry {
                            tensor: e.name.to_string(),
                            field: "shape".into(),
                            reason: format!(
                                "{shape:?} of {dtype} needs {size} bytes, but data_offsets \
                                 [{begin}, {end}] span {}",
                                end - begin
                            ),
                        };
                    }
                    Some(_) => {}
                }
            }
            bad(format!(
                "a tensor's shape, dtype and offsets disagree ({error})"
            ))
        }
        E::MetadataIncompleteBuffer => {
            let data_end = sorted.last().map_or(0, |&(_, (_, e))| e) as usize;
            TensorError::TrailingData {
                data_end,
                found: data_len,
            }
        }
        E::MisalignedSlice => TensorError::UnsupportedDtype {
            dtype: "a sub-byte dtype whose tensor does not fill whole bytes".into(),
        },
        E::InvalidHeaderDeserialization(e) => bad(format!("not a safetensors header: {e}")),
        other => bad(other.to_string()),
    }
}

fn float_dtype(name: &str) -> Option<DType> {
    match name {
        "F16" => Some(DType::F16),
        "BF16" => Some(DType::BF16),
        "F32" => Some(DType::F32),
        "F64" => Some(DType::F64),
        _ => None,
    }
}

impl Safetensors<'_> {
    /// The tensor names, sorted.
    pub fn names(&self) -> Vec<String> {
        self.tensors.keys().cloned().collect()
    }

    /// Decodes the tensor `name` (float dtypes only).
    pub fn tensor(&self, name: &str) -> Result<RawTensor, TensorError> {
        let info = self
            .tensors
            .get(name)
            .ok_or_else(|| TensorError::TensorNotFound {
                name: name.to_string(),
                available: self.names(),
            })?;
        let dtype = float_dtype(&info.dtype).ok_or_else(|| TensorError::UnsupportedDtype {
            dtype: format!("{} (tensor {name:?})", info.dtype),
        })?;
        let values = self.data[info.offsets.0..info.offsets.1]
            .chunks_exact(dtype.size())
            .map(|c| dtype.decode(c, true))
            .collect();
        Ok(RawTensor {
            dtype,
            shape: info.shape.clone(),
            values,
        })
    }
}

/// The tensor `name` of a safetensors file, or its only tensor when `name` is
/// `None` ([`TensorError::AmbiguousTensor`] lists the names when there are
/// several).
///
/// # Examples
/// ```
/// use couplings::io::{read_tensor, SafetensorsWriter, TensorError};
/// let mut w = SafetensorsWriter::new();
/// w.add_f32("a", &[1, 1], &[2.0]);
/// w.add_f32("b", &[1, 1], &[3.0]);
/// let bytes = w.to_bytes();
/// assert_eq!(read_tensor(&bytes, Some("b")).unwrap().values, vec![3.0]);
/// assert!(matches!(read_tensor(&bytes, None), Err(TensorError::AmbiguousTensor { .. })));
/// ```
pub fn read_tensor(bytes: &[u8], name: Option<&str>) -> Result<RawTensor, TensorError> {
    let st = parse_safetensors(bytes)?;
    match name {
        Some(name) => st.tensor(name),
        None if st.tensors.len() == 1 => st.tensor(&st.names()[0]),
        None => Err(TensorError::AmbiguousTensor {
            available: st.names(),
        }),
    }
}

/// Builds a safetensors file: F64 and F32 tensors plus string metadata. The
/// output is deterministic: header keys sorted, the data buffer ordered by
/// element size (largest first, so every tensor is aligned to its element
/// size) and then by name, the header padded with spaces to a multiple of 8.
///
/// # Examples
/// ```
/// use couplings::io::{read_tensor, SafetensorsWriter};
/// let mut w = SafetensorsWriter::new();
/// w.add_f32("conv.weight", &[2, 2, 1, 1], &[1.0, 0.0, 0.5, 1.0]);
/// w.metadata("note", "a 1x1 convolution");
/// let bytes = w.to_bytes();
/// assert_eq!(u64::from_le_bytes(bytes[..8].try_into().unwrap()) % 8, 0);
/// let m = read_tensor(&bytes, None).unwrap().to_matrix().unwrap();
/// assert_eq!(m.rows(), 2);
/// ```
#[derive(Debug, Clone, Default)]
pub struct SafetensorsWriter {
    tensors: Vec<(String, DType, Vec<usize>, Vec<u8>)>,
    metadata: BTreeMap<String, String>,
}

impl SafetensorsWriter {
    /// An empty file.
    pub fn new() -> SafetensorsWriter {
        SafetensorsWriter::default()
    }

    /// Adds a float64 tensor (values in C order).
    ///
    /// # Panics
    /// When `values.len()` is not the product of `shape`, or `name` is
    /// `__metadata__` or already used.
    pub fn add_f64(&mut self, name: &str, shape: &[usize], values: &[f64]) {
        let data = values.iter().flat_map(|v| v.to_le_bytes()).collect();
        self.add(name, DType::F64, shape, values.len(), data);
    }

    /// Adds a float32 tensor (values in C order). Panics as [`Self::add_f64`].
    pub fn add_f32(&mut self, name: &str, shape: &[usize], values: &[f32]) {
        let data = values.iter().flat_map(|v| v.to_le_bytes()).collect();
        self.add(name, DType::F32, shape, values.len(), data);
    }

    fn add(&mut self, name: &str, dtype: DType, shape: &[usize], len: usize, data: Vec<u8>) {
        assert_eq!(shape.iter().product::<usize>(), len, "shape of {name}");
        assert!(name != "__metadata__", "reserved tensor name");
        assert!(
            self.tensors.iter().all(|t| t.0 != name),
            "duplicate tensor {name}"
        );
        self.tensors
            .push((name.to_string(), dtype, shape.to_vec(), data));
    }

    /// Moves every tensor of `other` into this file (`other`'s metadata is
    /// dropped). Panics as [`Self::add_f64`] on a name already used.
    ///
    /// # Examples
    /// ```
    /// use couplings::io::{parse_safetensors, SafetensorsWriter};
    /// let (mut a, mut b) = (SafetensorsWriter::new(), SafetensorsWriter::new());
    /// a.add_f32("x", &[1], &[1.0]);
    /// b.add_f64("k/y", &[1], &[2.0]);
    /// a.append(b);
    /// assert_eq!(parse_safetensors(&a.to_bytes()).unwrap().names(), ["k/y", "x"]);
    /// ```
    pub fn append(&mut self, other: SafetensorsWriter) {
        for (name, dtype, shape, data) in other.tensors {
            let len = shape.iter().product();
            self.add(&name, dtype, &shape, len, data);
        }
    }

    /// Sets a metadata entry.
    pub fn metadata(&mut self, key: &str, value: &str) {
        self.metadata.insert(key.to_string(), value.to_string());
    }

    /// The file's bytes.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut order: Vec<usize> = (0..self.tensors.len()).collect();
        order.sort_by(|&a, &b| {
            let (ta, tb) = (&self.tensors[a], &self.tensors[b]);
            tb.1.size().cmp(&ta.1.size()).then(ta.0.cmp(&tb.0))
        });
        let mut header = Map::new();
        if !self.metadata.is_empty() {
            let m: Map<String, Value> = self
                .metadata
                .iter()
                .map(|(k, v)| (k.clone(), Value::String(v.clone())))
                .collect();
            header.insert("__metadata__".into(), Value::Object(m));
        }
        let mut data = Vec::new();
        for &i in &order {
            let (name, dtype, shape, bytes) = &self.tensors[i];
            let begin = data.len();
            data.extend_from_slice(bytes);
            let mut entry = Map::new();
            entry.insert("dtype".into(), dtype.safetensors_name().into());
            entry.insert("shape".into(), shape.clone().into());
            entry.insert("data_offsets".into(), vec![begin, data.len()].into());
            header.insert(name.clone(), Value::Object(entry));
        }
        let mut text = Value::Object(header).to_string();
        while !text.len().is_multiple_of(8) {
            text.push(' ');
        }
        let mut out = Vec::with_capacity(8 + text.len() + data.len());
        out.extend_from_slice(&(text.len() as u64).to_le_bytes());
        out.extend_from_slice(text.as_bytes());
        out.extend_from_slice(&data);
        out
    }
}
