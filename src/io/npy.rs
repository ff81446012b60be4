//! The NumPy `.npy` format, hand-written (the format is small): [`parse_npy`]
//! reads format versions 1.0, 2.0 and 3.0 with float16/32/64 data in either
//! byte order and C or Fortran order into a [`RawTensor`]; [`npy_bytes_f64`] /
//! [`npy_bytes_f32`] write version 1.0 files (C order, little endian), used by
//! the tests and examples.
//!
//! Layout: the magic `\x93NUMPY`, a major and a minor version byte, the header
//! length (little-endian `u16` for version 1, `u32` for versions 2 and 3), the
//! header (a Python dict literal with keys `descr`, `fortran_order`, `shape`),
//! then the raw data.

use super::tensor::{DType, RawTensor, TensorError};
use crate::untrusted::show;

const MAGIC: &[u8] = b"\x93NUMPY";

/// Longest header accepted, in bytes: numpy's own default `max_header_size`
/// (`np.load` refuses longer headers too). Checked before the header is read.
pub const MAX_NPY_HEADER: usize = 10_000;

/// Deepest nesting of brackets in a header (a float matrix header has two).
const MAX_NESTING: usize = 16;

/// A value of the Python literal subset used by `.npy` headers.
#[derive(Debug, Clone, PartialEq)]
enum Py {
    Str(String),
    Bool(bool),
    Int(usize),
    None,
    Tuple(Vec<Py>),
    List(Vec<Py>),
    /// Members with the byte offset of each key.
    Dict(Vec<(String, usize, Py)>),
}

/// A reader of the Python literal subset `ast.literal_eval` accepts in
/// `.npy` headers, strict where Python's meaning could differ from ours:
/// `(x)` is `x` (grouping) and only `(x,)` is a tuple, a dict key given twice
/// is refused (Python keeps the last one), integers have no leading zeros,
/// and strings have no escapes.
struct Lit<'a> {
    s: &'a [u8],
    i: usize,
    /// Whether a Python 2 long suffix (`8L`) is allowed (versions 1 and 2,
    /// whose headers numpy filters before reading).
    long_suffix: bool,
}

impl Lit<'_> {
    fn err<T>(&self, what: &str) -> Result<T, TensorError> {
        Err(TensorError::BadHeader {
            reason: format!("{what} at byte {} of the header dict", self.i),
        })
    }

    fn skip_ws(&mut self) {
        while self.i < self.s.len() && (self.s[self.i] as char).is_ascii_whitespace() {
            self.i += 1;
        }
    }

    fn peek(&mut self) -> Option<u8> {
        self.skip_ws();
        self.s.get(self.i).copied()
    }

    fn value(&mut self, depth: usize) -> Result<Py, TensorError> {
        if depth > MAX_NESTING {
            return self.err("nesting too deep");
        }
        match self.peek() {
            Some(q @ (b'\'' | b'"')) => {
                self.i += 1;
                let start = self.i;
                while self.i < self.s.len() && self.s[self.i] != q {
                    if self.s[self.i] == b'\\' {
                        return self.err("escape sequences are not supported");
                    }
                    self.i += 1;
                }
                if self.i >= self.s.len() {
                    return self.err("unterminated string");
                }
                let text = String::from_utf8_lossy(&self.s[start..self.i]).into_owned();
                self.i += 1;
                Ok(Py::Str(text))
            }
            Some(b'0'..=b'9') => {
                let start = self.i;
                while self.i < self.s.len() && self.s[self.i].is_ascii_digit() {
                    self.i += 1;
                }
                let digits = std::str::from_utf8(&self.s[start..self.i]).unwrap_or("");
                if digits.len() > 1 && digits.starts_with('0') {
                    self.i = start;
                    return self.err("an integer with a leading zero (Python refuses it)");
                }
                // Python 2 era headers may write `8L`.
                if self.long_suffix && self.s.get(self.i) == Some(&b'L') {
                    self.i += 1;
                }
                match digits.parse::<usize>() {
                    Ok(v) => Ok(Py::Int(v)),
                    Err(_) => self.err("integer out of range"),
                }
            }
            Some(open @ (b'(' | b'[')) => {
                let close = if open == b'(' { b')' } else { b']' };
                self.i += 1;
                let mut items = Vec::new();
                let mut trailing_comma = false;
                loop {
                    if self.peek() == Some(close) {
                        self.i += 1;
                        break;
                    }
                    items.push(self.value(depth + 1)?);
                    trailing_comma = false;
                    match self.peek() {
                        Some(b',') => {
                            self.i += 1;
                            trailing_comma = true;
                        }
                        Some(c) if c == close => {}
                        _ => return self.err("expected ',' or a closing bracket"),
                    }
                }
                Ok(match (open, items.len(), trailing_comma) {
                    (b'[', _, _) => Py::List(items),
                    // `(x)` is x itself, not a tuple: Python's grouping.
                    (_, 1, false) => items.pop().unwrap_or(Py::None),
                    _ => Py::Tuple(items),
                })
            }
            Some(b'{') => {
                self.i += 1;
                let mut items: Vec<(String, usize, Py)> = Vec::new();
                loop {
                    if self.peek() == Some(b'}') {
                        self.i += 1;
                        return Ok(Py::Dict(items));
                    }
                    let at = self.i;
                    let Py::Str(key) = self.value(depth + 1)? else {
                        self.i = at;
                        return self.err("dict keys must be strings");
                    };
                    if let Some((_, first, _)) = items.iter().find(|(k, _, _)| *k == key) {
                        return Err(TensorError::DuplicateKey {
                            key,
                            position: format!("bytes {first} and {at} of the header dict"),
                        });
                    }
                    if self.peek() != Some(b':') {
                        return self.err("expected ':'");
                    }
                    self.i += 1;
                    let v = self.value(depth + 1)?;
                    items.push((key, at, v));
                    match self.peek() {
                        Some(b',') => self.i += 1,
                        Some(b'}') => {}
                        _ => return self.err("expected ',' or '}'"),
                    }
                }
            }
            Some(c) if c.is_ascii_alphabetic() => {
                let start = self.i;
                while self.i < self.s.len() && self.s[self.i].is_ascii_alphanumeric() {
                    self.i += 1;
                }
                match &self.s[start..self.i] {
                    b"True" => Ok(Py::Bool(true)),
                    b"False" => Ok(Py::Bool(false)),
                    b"None" => Ok(Py::None),
                    _ => {
                        self.i = start;
                        self.err("unknown name")
                    }
                }
            }
            Some(_) => self.err("unexpected character"),
            None => self.err("unexpected end"),
        }
    }
}

/// Parses a `.npy` file held in memory.
///
/// Accepted dtypes: `f2`, `f4`, `f8` with byte order `<`, `>`, `=` or `|`
/// (both native); any shape (the shape rule for matrices is applied later by
/// [`RawTensor::to_matrix`]). The values are returned in C order whatever
/// `fortran_order` says. The header is read as numpy reads it, or refused: it
/// must be a dict with exactly the keys `descr`, `fortran_order` and `shape`,
/// each once, `shape` a tuple of integers, at most [`MAX_NPY_HEADER`] bytes.
/// Errors: [`TensorError::BadMagic`], [`TensorError::UnsupportedVersion`],
/// [`TensorError::Truncated`], [`TensorError::BadHeader`],
/// [`TensorError::DuplicateKey`], [`TensorError::UnsupportedDtype`],
/// [`TensorError::DataSize`].
///
/// # Examples
/// ```
/// use couplings::io::{npy_bytes_f32, parse_npy, DType};
/// let t = parse_npy(&npy_bytes_f32(&[2, 2], &[1.0, 2.0, 3.0, 4.5])).unwrap();
/// assert_eq!((t.dtype, t.shape.clone(), t.values.clone()), (DType::F32, vec![2, 2], vec![1.0, 2.0, 3.0, 4.5]));
/// assert!(parse_npy(b"PK\x03\x04").is_err());
/// ```
pub fn parse_npy(bytes: &[u8]) -> Result<RawTensor, TensorError> {
    if bytes.len() < MAGIC.len() || &bytes[..MAGIC.len()] != MAGIC {
        return Err(TensorError::BadMagic);
    }
    let need = |what: &str, needed: usize| -> Result<(), TensorError> {
        if bytes.len() < needed {
            Err(TensorError::Truncated {
                what: what.to_string(),
                needed,
                found: bytes.len(),
            })
        } else {
            Ok(())
        }
    };
    need("npy version", 8)?;
    let (major, minor) = (bytes[6], bytes[7]);
    let (len_size, utf8) = match major {
        1 => (2, false),
        2 => (4, false),
        3 => (4, true),
        _ => return Err(TensorError::UnsupportedVersion { major, minor }),
    };
    need("npy header length", 8 + len_size)?;
    let header_len = if len_size == 2 {
        usize::from(u16::from_le_bytes([bytes[8], bytes[9]]))
    } else {
        u32::from_le_bytes([bytes[8], bytes[9], bytes[10], bytes[11]]) as usize
    };
    if header_len > MAX_NPY_HEADER {
        return Err(TensorError::BadHeader {
            reason: format!(
                "the header announces {header_len} bytes; headers over {MAX_NPY_HEADER} bytes \
                 are refused (numpy's own max_header_size)"
            ),
        });
    }
    let start = 8 + len_size;
    let data_start = start + header_len;
    need("npy header", data_start)?;
    let header = &bytes[start..data_start];
    if !utf8 && !header.is_ascii() {
        return Err(TensorError::BadHeader {
            reason: "a version 1 or 2 header must be ASCII".into(),
        });
    }
    let mut lit = Lit {
        s: header,
        i: 0,
        long_suffix: !utf8,
    };
    let dict = lit.value(0)?;
    if let Some(c) = lit.peek()
        && c != b'\n'
    {
        return lit.err("trailing characters after the dict");
    }
    let Py::Dict(items) = dict else {
        return Err(TensorError::BadHeader {
            reason: "the header is not a dict".into(),
        });
    };
    const KEYS: [&str; 3] = ["descr", "fortran_order", "shape"];
    if let Some((key, _, _)) = items.iter().find(|(k, _, _)| !KEYS.contains(&k.as_str())) {
        return Err(TensorError::BadHeader {
            reason: format!(
                "unexpected key '{}': the header must have exactly the keys 'descr', \
                 'fortran_order' and 'shape' (numpy refuses others)",
                show(key)
            ),
        });
    }
    let get = |key: &str| -> Result<&Py, TensorError> {
        items
            .iter()
            .find(|(k, _, _)| k == key)
            .map(|(_, _, v)| v)
            .ok_or(TensorError::BadHeader {
                reason: format!("missing key '{key}'"),
            })
    };
    let descr = match get("descr")? {
        Py::Str(s) => s.clone(),
        Py::List(_) | Py::Tuple(_) => {
            return Err(TensorError::UnsupportedDtype {
                dtype: "a structured dtype".into(),
            });
        }
        _ => {
            return Err(TensorError::BadHeader {
                reason: "'descr' must be a dtype string such as '<f8'".into(),
            });
        }
    };
    let Py::Bool(fortran) = get("fortran_order")? else {
        return Err(TensorError::BadHeader {
            reason: "'fortran_order' must be True or False".into(),
        });
    };
    let Py::Tuple(dims) = get("shape")? else {
        return Err(TensorError::BadHeader {
            reason: "'shape' must be a tuple of integers, such as (2, 2) or (3,)".into(),
        });
    };
    let mut shape = Vec::with_capacity(dims.len());
    for d in dims {
        let Py::Int(d) = d else {
            return Err(TensorError::BadHeader {
                reason: "'shape' must be a tuple of integers, such as (2, 2) or (3,)".into(),
            });
        };
        shape.push(*d);
    }
    let (little, dtype) = parse_descr(&descr)?;
    let overflow = || TensorError::BadHeader {
        reason: format!("shape {shape:?} is larger than any file (its byte count overflows)"),
    };
    let expected = shape
        .iter()
        .try_fold(1usize, |a, &d| a.checked_mul(d))
        .and_then(|count| count.checked_mul(dtype.size()))
        .ok_or_else(overflow)?;
    let data = &bytes[data_start..];
    if data.len() < expected {
        return Err(TensorError::Truncated {
            what: "npy data".into(),
            needed: data_start.checked_add(expected).ok_or_else(overflow)?,
            found: bytes.len(),
        });
    }
    if data.len() > expected {
        return Err(TensorError::DataSize {
            expected,
            found: data.len(),
        });
    }
    let stored: Vec<f64> = data
        .chunks_exact(dtype.size())
        .map(|c| dtype.decode(c, little))
        .collect();
    let values = if *fortran && shape.len() > 1 {
        fortran_to_c(&stored, &shape)
    } else {
        stored
    };
    Ok(RawTensor {
        dtype,
        shape,
        values,
    })
}

/// (little endian?, dtype) of a numpy `descr` string such as `<f4`. `=`
/// (native) and `|` (not applicable, which numpy reads as native) follow the
/// byte order of the machine.
fn parse_descr(descr: &str) -> Result<(bool, DType), TensorError> {
    let unsupported = || TensorError::UnsupportedDtype {
        dtype: format!("'{}'", show(descr)),
    };
    let mut chars = descr.chars();
    let order = chars.next().ok_or_else(unsupported)?;
    let little = match order {
        '<' => true,
        '>' => false,
        '=' | '|' => cfg!(target_endian = "little"),
        _ => return Err(unsupported()),
    };
    let dtype = match chars.as_str() {
        "f2" => DType::F16,
        "f4" => DType::F32,
        "f8" => DType::F64,
        _ => return Err(unsupported()),
    };
    Ok((little, dtype))
}

/// Reorders column-major (Fortran) values of `shape` into row-major order.
fn fortran_to_c(stored: &[f64], shape: &[usize]) -> Vec<f64> {
    let n = stored.len();
    let mut out = vec![0.0; n];
    let mut idx = vec![0usize; shape.len()];
    for slot in out.iter_mut() {
        // Fortran offset of the current multi-index (first index fastest).
        let mut off = 0;
        let mut stride = 1;
        for (k, &d) in shape.iter().enumerate() {
            off += idx[k] * stride;
            stride *= d;
        }
        *slot = stored[off];
        // Advance the C-order multi-index (last index fastest).
        for k in (0..shape.len()).rev() {
            idx[k] += 1;
            if idx[k] < shape[k] {
                break;
            }
            idx[k] = 0;
        }
    }
    out
}

fn npy_bytes(descr: &str, shape: &[usize], data: &[u8]) -> Vec<u8> {
    let dims: Vec<String> = shape.iter().map(|d| d.to_string()).collect();
    let shape_text = if dims.len() == 1 {
        format!("({},)", dims[0])
    } else {
        format!("({})", dims.join(", "))
    };
    let mut header =
        format!("{{'descr': '{descr}', 'fortran_order': False, 'shape': {shape_text}, }}");
    // Pad with spaces so that the data starts at a multiple of 64 bytes; end with '\n'.
    let unpadded = MAGIC.len() + 2 + 2 + header.len() + 1;
    header.push_str(&" ".repeat((64 - unpadded % 64) % 64));
    header.push('\n');
    let mut out = Vec::with_capacity(10 + header.len() + data.len());
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&[1, 0]);
    out.extend_from_slice(&(header.len() as u16).to_le_bytes());
    out.extend_from_slice(header.as_bytes());
    out.extend_from_slice(data);
    out
}

/// A version 1.0 `.npy` file holding `values` (C order) as little-endian float64.
///
/// # Panics
/// When `values.len()` is not the product of `shape`.
///
/// # Examples
/// ```
/// use couplings::io::{npy_bytes_f64, parse_npy};
/// let b = npy_bytes_f64(&[1, 2], &[0.1, -3.0]);
/// assert_eq!(parse_npy(&b).unwrap().values, vec![0.1, -3.0]);
/// ```
pub fn npy_bytes_f64(shape: &[usize], values: &[f64]) -> Vec<u8> {
    assert_eq!(shape.iter().product::<usize>(), values.len());
    let data: Vec<u8> = values.iter().flat_map(|v| v.to_le_bytes()).collect();
    npy_bytes("<f8", shape, &data)
}

/// A version 1.0 `.npy` file holding `values` (C order) as little-endian float32.
///
/// # Panics
/// When `values.len()` is not the product of `shape`.
///
/// # Examples
/// ```
/// use couplings::io::{npy_bytes_f32, parse_npy};
/// let b = npy_bytes_f32(&[2, 2, 1, 1], &[1.0, 0.0, 0.0, 1.0]);
/// assert_eq!(parse_npy(&b).unwrap().shape, vec![2, 2, 1, 1]);
/// ```
pub fn npy_bytes_f32(shape: &[usize], values: &[f32]) -> Vec<u8> {
    assert_eq!(shape.iter().product::<usize>(), values.len());
    let data: Vec<u8> = values.iter().flat_map(|v| v.to_le_bytes()).collect();
    npy_bytes("<f4", shape, &data)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fortran_order_is_transposed_back() {
        let c = [1.0, 2.0, 3.0, 4.0, 5.0, 6.0]; // shape (2, 3), C order
        let f = [1.0, 4.0, 2.0, 5.0, 3.0, 6.0]; // the same in Fortran order
        assert_eq!(fortran_to_c(&f, &[2, 3]), c.to_vec());
    }

    #[test]
    fn descr_parsing() {
        assert_eq!(parse_descr("<f4").unwrap(), (true, DType::F32));
        assert_eq!(parse_descr(">f8").unwrap(), (false, DType::F64));
        assert!(parse_descr("<i4").is_err());
        assert!(parse_descr("").is_err());
    }
}
