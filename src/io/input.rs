//! Loading an input matrix from a file: [`InputFormat`] (by extension or
//! chosen), [`load_input`] dispatching to the matrix text reader or to the
//! `.npy` / safetensors readers, and [`InputError`] joining their errors. The
//! one place that knows every reader; the readers know only the tensor core.

use super::matrix::{ParseError, read_matrix};
use super::npy::parse_npy;
use super::safetensors::read_tensor;
use super::tensor::TensorError;
use crate::exact::Matrix;
use std::path::Path;

/// How an input file is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum InputFormat {
    /// By extension: `.npy` -> [`InputFormat::Npy`], `.safetensors` ->
    /// [`InputFormat::Safetensors`], anything else (and `-`) -> [`InputFormat::Text`].
    #[default]
    Auto,
    /// The matrix text format (module [`crate::io`]).
    Text,
    /// NumPy `.npy` (float16/32/64, either byte order, C or Fortran order).
    Npy,
    /// safetensors (F16/BF16/F32/F64), tensor chosen by name.
    Safetensors,
}

impl InputFormat {
    /// The concrete format for `path` (resolves [`InputFormat::Auto`]).
    ///
    /// # Examples
    /// ```
    /// use couplings::io::InputFormat;
    /// use std::path::Path;
    /// assert_eq!(InputFormat::Auto.resolve(Path::new("w.NPY")), InputFormat::Npy);
    /// assert_eq!(InputFormat::Auto.resolve(Path::new("m.txt")), InputFormat::Text);
    /// assert_eq!(InputFormat::Npy.resolve(Path::new("m.txt")), InputFormat::Npy);
    /// ```
    pub fn resolve(self, path: &Path) -> InputFormat {
        if self != InputFormat::Auto {
            return self;
        }
        let ext = path
            .extension()
            .map(|e| e.to_string_lossy().to_ascii_lowercase());
        match ext.as_deref() {
            Some("npy") => InputFormat::Npy,
            Some("safetensors") => InputFormat::Safetensors,
            _ => InputFormat::Text,
        }
    }
}

/// Why an input matrix could not be loaded: a text-format error or a weight
/// file error.
#[derive(Debug, Clone, PartialEq)]
pub enum InputError {
    /// The matrix text format was refused.
    Text(ParseError),
    /// The `.npy` / safetensors file was refused.
    Tensor(TensorError),
}

impl std::fmt::Display for InputError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            InputError::Text(e) => e.fmt(f),
            InputError::Tensor(e) => e.fmt(f),
        }
    }
}

impl std::error::Error for InputError {}

/// Reads a whole binary file (or standard input for `-`).
fn read_bytes(path: &Path) -> Result<Vec<u8>, TensorError> {
    let result = if path.as_os_str() == "-" {
        let mut buf = Vec::new();
        std::io::Read::read_to_end(&mut std::io::stdin(), &mut buf).map(|_| buf)
    } else {
        std::fs::read(path)
    };
    result.map_err(|e| TensorError::Io {
        path: path.to_path_buf(),
        message: e.to_string(),
    })
}

/// Loads a square matrix from `path` in `format` (see [`InputFormat`]);
/// `tensor` names the safetensors tensor (needed when the file holds several).
///
/// # Examples
/// ```
/// use couplings::exact::q;
/// use couplings::io::{load_input, npy_bytes_f64, InputFormat};
/// let p = std::env::temp_dir().join(format!("couplings-doc-load-{}.npy", std::process::id()));
/// std::fs::write(&p, npy_bytes_f64(&[2, 2], &[1.0, 0.5, 0.25, 2.0])).unwrap();
/// let m = load_input(&p, InputFormat::Auto, None).unwrap();
/// assert_eq!(m.get(1, 0), &q(1, 4));
/// std::fs::remove_file(&p).unwrap();
/// ```
pub fn load_input(
    path: &Path,
    format: InputFormat,
    tensor: Option<&str>,
) -> Result<Matrix, InputError> {
    match format.resolve(path) {
        InputFormat::Npy => {
            let bytes = read_bytes(path).map_err(InputError::Tensor)?;
            parse_npy(&bytes)
                .and_then(|t| t.to_matrix())
                .map_err(InputError::Tensor)
        }
        InputFormat::Safetensors => {
            let bytes = read_bytes(path).map_err(InputError::Tensor)?;
            read_tensor(&bytes, tensor)
                .and_then(|t| t.to_matrix())
                .map_err(InputError::Tensor)
        }
        InputFormat::Text | InputFormat::Auto => read_matrix(path).map_err(InputError::Text),
    }
}
