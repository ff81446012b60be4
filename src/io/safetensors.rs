//! The safetensors format, hand-written (the format is small): [`parse_safetensors`]
//! / [`read_tensor`] read F16/BF16/F32/F64 tensors by name, and
//! [`SafetensorsWriter`] writes F32/F64 tensors with string metadata (used by
//! `couplings export`, see `docs/export.md`).
//!
//! Layout: an 8-byte little-endian header length `N`, a JSON header of `N`
//! bytes (`{"NAME": {"dtype": "F64", "shape": [..], "data_offsets": [begin,
//! end]}, ..., "__metadata__": {"key": "value", ...}}`), then the data buffer;
//! offsets are relative to the start of the data buffer, little-endian, C order.

use super::tensor::{DType, RawTensor, TensorError};
use serde_json::{Map, Value};
use std::collections::BTreeMap;

/// Upper bound on the JSON header (as in the reference implementation): larger
/// announced lengths are refused before allocating anything.
const MAX_HEADER: u64 = 100_000_000;

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

/// Parses the header of a safetensors file held in memory and checks every
/// entry's offsets against the data buffer (in range, size = elements times
/// element size for the float dtypes).
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
            "the header length {n} is implausibly large (not a safetensors file?)"
        )));
    }
    let n = n as usize;
    if bytes.len() < 8 + n {
        return Err(TensorError::Truncated {
            what: "safetensors header".into(),
            needed: 8 + n,
            found: bytes.len(),
        });
    }
    let header =
        std::str::from_utf8(&bytes[8..8 + n]).map_err(|_| bad("the JSON header is not UTF-8"))?;
    let json: Value = serde_json::from_str(header.trim_end_matches(' '))
        .map_err(|e| bad(format!("the header is not JSON: {e}")))?;
    let Value::Object(map) = json else {
        return Err(bad("the header is not a JSON object"));
    };
    let data = &bytes[8 + n..];
    let mut metadata = BTreeMap::new();
    let mut tensors = BTreeMap::new();
    for (name, entry) in map {
        if name == "__metadata__" {
            let Value::Object(m) = entry else {
                return Err(bad("__metadata__ is not an object"));
            };
            for (k, v) in m {
                let Value::String(v) = v else {
                    return Err(bad(format!("metadata value of {k:?} is not a string")));
                };
                metadata.insert(k, v);
            }
            continue;
        }
        let info = tensor_info(&name, &entry)?;
        if info.offsets.0 > info.offsets.1 || info.offsets.1 > data.len() {
            return Err(TensorError::Truncated {
                what: format!("data of tensor {name:?}"),
                needed: 8 + n + info.offsets.1,
                found: bytes.len(),
            });
        }
        if let Some(dtype) = float_dtype(&info.dtype) {
            let count = info
                .shape
                .iter()
                .try_fold(1usize, |a, &d| a.checked_mul(d))
                .and_then(|c| c.checked_mul(dtype.size()))
                .ok_or_else(|| bad(format!("shape of tensor {name:?} overflows")))?;
            let found = info.offsets.1 - info.offsets.0;
            if count != found {
                return Err(TensorError::DataSize {
                    expected: count,
                    found,
                });
            }
        }
        tensors.insert(name, info);
    }
    Ok(Safetensors {
        metadata,
        tensors,
        data,
    })
}

fn tensor_info(name: &str, entry: &Value) -> Result<TensorInfo, TensorError> {
    let field = |key: &str| {
        entry
            .get(key)
            .ok_or_else(|| bad(format!("tensor {name:?} has no {key:?}")))
    };
    let dtype = field("dtype")?
        .as_str()
        .ok_or_else(|| bad(format!("dtype of tensor {name:?} is not a string")))?
        .to_string();
    let uint_list = |key: &str| -> Result<Vec<usize>, TensorError> {
        field(key)?
            .as_array()
            .ok_or_else(|| bad(format!("{key} of tensor {name:?} is not a list")))?
            .iter()
            .map(|v| {
                v.as_u64()
                    .and_then(|u| usize::try_from(u).ok())
                    .ok_or_else(|| bad(format!("{key} of tensor {name:?} holds a non-integer")))
            })
            .collect()
    };
    let shape = uint_list("shape")?;
    let offs = uint_list("data_offsets")?;
    let [begin, end] = offs[..] else {
        return Err(bad(format!(
            "data_offsets of tensor {name:?} must have two entries"
        )));
    };
    Ok(TensorInfo {
        dtype,
        shape,
        offsets: (begin, end),
    })
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
