//! Float weight tensors as exact matrices. Owns [`TensorError`] (every way a
//! `.npy` or safetensors weight can be refused), [`DType`], [`RawTensor`] (a
//! decoded float tensor in C order), the exact dyadic conversion of floats
//! ([`f64_to_exact`]), the shape rule for 1x1 convolutions
//! ([`RawTensor::to_matrix`]): the shared core that the byte-format readers
//! (`io/npy.rs`, `io/safetensors.rs`) build on. Choosing a reader for a file
//! is `io/input.rs`.
//!
//! Every finite float is a dyadic rational `m * 2^e`; [`f64_to_exact`] returns
//! exactly that rational, so "exact" means exact for the stored weights
//! (float16, bfloat16 and float32 values are first widened to float64, which is
//! exact).

use crate::exact::{Matrix, Q};
use crate::untrusted::show;
use num_traits::FromPrimitive;
use std::path::PathBuf;

/// Element type of a stored float tensor.
///
/// # Examples
/// ```
/// use couplings::io::DType;
/// assert_eq!(DType::BF16.size(), 2);
/// assert_eq!(DType::F64.safetensors_name(), "F64");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DType {
    /// IEEE binary16.
    F16,
    /// bfloat16 (the top half of a binary32).
    BF16,
    /// IEEE binary32.
    F32,
    /// IEEE binary64.
    F64,
}

impl DType {
    /// Bytes per element.
    pub fn size(self) -> usize {
        match self {
            DType::F16 | DType::BF16 => 2,
            DType::F32 => 4,
            DType::F64 => 8,
        }
    }

    /// The safetensors name (`F16`, `BF16`, `F32`, `F64`).
    pub fn safetensors_name(self) -> &'static str {
        match self {
            DType::F16 => "F16",
            DType::BF16 => "BF16",
            DType::F32 => "F32",
            DType::F64 => "F64",
        }
    }

    /// Decodes one element from its bytes (`little_endian` selects the byte
    /// order). The result is the stored value exactly (widening is exact).
    pub(crate) fn decode(self, bytes: &[u8], little_endian: bool) -> f64 {
        let mut b = [0u8; 8];
        let k = self.size();
        b[..k].copy_from_slice(&bytes[..k]);
        if !little_endian {
            b[..k].reverse();
        }
        match self {
            DType::F64 => f64::from_le_bytes(b),
            DType::F32 => f64::from(f32::from_le_bytes([b[0], b[1], b[2], b[3]])),
            DType::BF16 => {
                let bits = u32::from(u16::from_le_bytes([b[0], b[1]])) << 16;
                f64::from(f32::from_bits(bits))
            }
            DType::F16 => f16_to_f64(u16::from_le_bytes([b[0], b[1]])),
        }
    }
}

/// IEEE binary16 bits to the (exactly representable) float64 value.
fn f16_to_f64(h: u16) -> f64 {
    let sign = if h & 0x8000 != 0 { -1.0 } else { 1.0 };
    let exp = i32::from((h >> 10) & 0x1f);
    let frac = f64::from(h & 0x3ff);
    match exp {
        0 => sign * frac * 2f64.powi(-24),
        31 if frac == 0.0 => sign * f64::INFINITY,
        31 => f64::NAN,
        _ => sign * (1.0 + frac / 1024.0) * 2f64.powi(exp - 15),
    }
}

/// A decoded float tensor: element type as stored, shape, and the values in C
/// (row-major) order, widened exactly to float64.
#[derive(Debug, Clone, PartialEq)]
pub struct RawTensor {
    /// The stored element type.
    pub dtype: DType,
    /// The shape.
    pub shape: Vec<usize>,
    /// The values in C order (the last index varies fastest).
    pub values: Vec<f64>,
}

/// Why a weight file could not be turned into a matrix.
#[derive(Debug, Clone, PartialEq)]
pub enum TensorError {
    /// The file could not be read.
    Io {
        /// The path.
        path: PathBuf,
        /// What went wrong.
        message: String,
    },
    /// The file ends before a part it announces.
    Truncated {
        /// Which part (`"npy header"`, `"tensor data"`, ...).
        what: String,
        /// Bytes needed.
        needed: usize,
        /// Bytes available.
        found: usize,
    },
    /// The file does not start with the `.npy` magic string `\x93NUMPY`.
    BadMagic,
    /// An `.npy` format version this reader does not know.
    UnsupportedVersion {
        /// Major version.
        major: u8,
        /// Minor version.
        minor: u8,
    },
    /// The header is malformed (not a Python dict literal / not JSON, missing
    /// keys, bad offsets).
    BadHeader {
        /// What is wrong.
        reason: String,
    },
    /// A header gives the same key twice: a `.npy` dict key, or a tensor name
    /// or field of a safetensors header. Readers disagree on which one counts
    /// (numpy and the safetensors crate keep the last one), so it is refused.
    DuplicateKey {
        /// The key (for safetensors a path such as `w.dtype`).
        key: String,
        /// Where both occurrences are.
        position: String,
    },
    /// A safetensors entry that does not describe its tensor's bytes: offsets
    /// reversed, past the data, overlapping another tensor or leaving a gap,
    /// or a shape whose size does not match them.
    BadEntry {
        /// The tensor.
        tensor: String,
        /// The field (`data_offsets`, `shape`, `dtype`).
        field: String,
        /// What is wrong.
        reason: String,
    },
    /// Bytes after the last tensor's data (a safetensors data buffer is
    /// exactly the tensors, one after another).
    TrailingData {
        /// Where the last tensor ends (bytes into the data buffer).
        data_end: usize,
        /// The size of the data buffer.
        found: usize,
    },
    /// The element type is not a float type this reader supports.
    UnsupportedDtype {
        /// The dtype as written in the file (`'<i4'`, `"I64"`, ...).
        dtype: String,
    },
    /// The shape is not `(c, c)` or `(c, c, 1, 1)` with `c >= 1`.
    BadShape {
        /// The shape found.
        shape: Vec<usize>,
    },
    /// The data section does not have the size the header announces.
    DataSize {
        /// Bytes announced by the header (elements times element size).
        expected: usize,
        /// Bytes present.
        found: usize,
    },
    /// A weight is NaN or infinite (no rational denotes it).
    NonFinite {
        /// 0-based row.
        row: usize,
        /// 0-based column.
        col: usize,
        /// The value (`NaN`, `inf`, `-inf`).
        value: f64,
    },
    /// `--tensor NAME` names no tensor of the safetensors file.
    TensorNotFound {
        /// The requested name.
        name: String,
        /// The tensors the file holds.
        available: Vec<String>,
    },
    /// The safetensors file holds several tensors (or none) and no name was given.
    AmbiguousTensor {
        /// The tensors the file holds.
        available: Vec<String>,
    },
}

impl std::fmt::Display for TensorError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            TensorError::Io { path, message } => {
                write!(f, "cannot read {}: {message}", path.display())
            }
            TensorError::Truncated {
                what,
                needed,
                found,
            } => write!(
                f,
                "truncated file: the {what} needs {needed} bytes but only {found} are present"
            ),
            TensorError::BadMagic => write!(
                f,
                "not an .npy file (it does not start with the magic string \\x93NUMPY)"
            ),
            TensorError::UnsupportedVersion { major, minor } => write!(
                f,
                "unsupported .npy format version {major}.{minor} (1.0, 2.0 and 3.0 are supported)"
            ),
            TensorError::BadHeader { reason } => write!(f, "malformed header: {reason}"),
            TensorError::DuplicateKey { key, position } => write!(
                f,
                "malformed header: the key `{}` is given twice ({position}); readers disagree on \
                 which one counts, so every key must appear once",
                show(key)
            ),
            TensorError::BadEntry {
                tensor,
                field,
                reason,
            } => write!(f, "tensor \"{}\", field `{field}`: {reason}", show(tensor)),
            TensorError::TrailingData { data_end, found } => write!(
                f,
                "the tensors end at byte {data_end} of the data buffer, but it has {found} bytes; \
                 a safetensors file holds nothing after its last tensor"
            ),
            TensorError::UnsupportedDtype { dtype } => write!(
                f,
                "unsupported dtype {dtype}: only float16, bfloat16, float32 and float64 weights \
                 can be read"
            ),
            TensorError::BadShape { shape } => write!(
                f,
                "unsupported shape {shape:?}: expected a square matrix (c, c) or a 1x1 \
                 convolution weight (c, c, 1, 1)"
            ),
            TensorError::DataSize { expected, found } => write!(
                f,
                "the header announces {expected} bytes of data but {found} are present"
            ),
            TensorError::NonFinite { row, col, value } => write!(
                f,
                "entry (row {row}, column {col}) is {value}; only finite weights denote rationals"
            ),
            TensorError::TensorNotFound { name, available } => write!(
                f,
                "no tensor named \"{}\"; the file holds: {}",
                show(name),
                list(available)
            ),
            TensorError::AmbiguousTensor { available } if available.is_empty() => {
                write!(f, "the file holds no tensor")
            }
            TensorError::AmbiguousTensor { available } => write!(
                f,
                "the file holds several tensors; choose one with --tensor NAME: {}",
                list(available)
            ),
        }
    }
}

impl std::error::Error for TensorError {}

fn list(names: &[String]) -> String {
    if names.is_empty() {
        "(none)".to_string()
    } else {
        let shown: Vec<String> = names.iter().map(|n| show(n)).collect();
        shown.join(", ")
    }
}

/// The exact rational a finite float denotes (`None` for NaN and infinities).
/// Every finite float is `m * 2^e` with integers `m`, `e`, so the result is a
/// dyadic rational and converting it back to the nearest float gives `x` again.
///
/// # Examples
/// ```
/// use couplings::exact::{q, to_f64};
/// use couplings::io::f64_to_exact;
/// assert_eq!(f64_to_exact(0.75), Some(q(3, 4)));
/// assert_eq!(f64_to_exact(f64::from(0.1f32)), Some(q(13421773, 134217728)));
/// assert_eq!(to_f64(&f64_to_exact(1e-300).unwrap()), 1e-300);
/// assert_eq!(f64_to_exact(f64::NAN), None);
/// ```
pub fn f64_to_exact(x: f64) -> Option<Q> {
    if !x.is_finite() {
        return None;
    }
    // num-rational's conversion is exact for arbitrary-precision ratios
    // (it decodes mantissa and exponent); -0.0 becomes 0.
    Q::from_f64(x)
}

impl RawTensor {
    /// The square matrix this weight denotes, entries converted exactly.
    ///
    /// Accepted shapes: `(c, c)` and `(c, c, 1, 1)` (a 1x1 convolution weight,
    /// `(out_channels, in_channels, 1, 1)` as in PyTorch, so that `y = W x` per
    /// pixel). Anything else is [`TensorError::BadShape`]; NaN or infinite
    /// entries are [`TensorError::NonFinite`] naming the first one.
    ///
    /// # Examples
    /// ```
    /// use couplings::exact::{Matrix, q};
    /// use couplings::io::{DType, RawTensor};
    /// let t = RawTensor { dtype: DType::F32, shape: vec![2, 2, 1, 1], values: vec![1.0, 0.5, 0.0, -2.0] };
    /// let m = t.to_matrix().unwrap();
    /// assert_eq!(m.get(0, 1), &q(1, 2));
    /// ```
    pub fn to_matrix(&self) -> Result<Matrix, TensorError> {
        let c = match self.shape.as_slice() {
            [a, b] | [a, b, 1, 1] if a == b && *a >= 1 => *a,
            _ => {
                return Err(TensorError::BadShape {
                    shape: self.shape.clone(),
                });
            }
        };
        debug_assert_eq!(self.values.len(), c * c);
        let mut data = Vec::with_capacity(c * c);
        for (k, &v) in self.values.iter().enumerate() {
            data.push(f64_to_exact(v).ok_or(TensorError::NonFinite {
                row: k / c,
                col: k % c,
                value: v,
            })?);
        }
        Ok(Matrix::from_vec(c, c, data))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn f16_values() {
        assert_eq!(f16_to_f64(0x3c00), 1.0);
        assert_eq!(f16_to_f64(0xc000), -2.0);
        assert_eq!(f16_to_f64(0x0001), 2f64.powi(-24));
        assert_eq!(f16_to_f64(0x7bff), 65504.0);
        assert!(f16_to_f64(0x7e00).is_nan());
        assert_eq!(f16_to_f64(0xfc00), f64::NEG_INFINITY);
    }

    #[test]
    fn bad_shapes() {
        for shape in [
            vec![2, 3],
            vec![4],
            vec![2, 2, 3, 3],
            vec![0, 0],
            vec![2, 2, 1],
        ] {
            let n = shape.iter().product();
            let t = RawTensor {
                dtype: DType::F64,
                shape: shape.clone(),
                values: vec![1.0; n],
            };
            assert_eq!(t.to_matrix(), Err(TensorError::BadShape { shape }));
        }
    }
}
