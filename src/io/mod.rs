//! Input and output formats: the plain-text matrix format (read and written
//! exactly), the JSON layer format (the machine contract other programs rely
//! on), the human-readable text rendering of a decomposition, and float weight
//! files (`.npy`, safetensors: [`load_input`], converted exactly to dyadic
//! rationals) plus the safetensors writer used by `couplings export`. Everything
//! here is exact: numbers are read with [`crate::exact::parse_q`] and written
//! with [`crate::exact::fmt_q`]; no floating point is involved anywhere.
//!
//! # Matrix text format
//!
//! One row per line. Entries are separated by spaces, tabs and/or commas
//! (`1, 2`, `1 2` and `1,2` are all fine; a single trailing comma on a row is
//! tolerated, but an empty entry such as `1,,2` is an error). Each entry is an
//! integer (`-12`), a fraction (`3/4`) or a decimal (`-1.25`, `3e-2`), all read
//! exactly. `#` starts a comment that runs to the end of the line; blank lines
//! are ignored. Every row must have as many entries as the first one. Whether
//! the matrix is square or invertible is not checked here.
//!
//! ```text
//! # a 2x2 example
//! 1, 1/2
//! -0.25  3e2   # comment
//! ```
//!
//! # JSON layer format
//!
//! ```json
//! {
//!   "n": 4,
//!   "split": [2, 2],
//!   "mode": "signed",
//!   "layers": [
//!     {
//!       "kind": "lower",
//!       "shift": [
//!         ["1/2", "0"],
//!         ["-3", "1"]
//!       ],
//!       "scale": ["1", "2"]
//!     }
//!   ]
//! }
//! ```
//!
//! * `n` is the dimension and must equal `split[0] + split[1]`.
//! * `split` is `[first, second]`: the first `first` coordinates form part 1
//!   (`x1`), the remaining `second` coordinates part 2 (`x2`).
//! * `mode` is `"signed"` (scales may be any nonzero rational) or `"positive"`
//!   (every scale is meant to be `> 0`).
//! * `layers` are listed **in the order they act on an input column vector**:
//!   the first layer acts first, so for layers `L_1, ..., L_K` the represented
//!   matrix is `L_K ... L_1` (the same order as
//!   [`Decomposition::layers`](crate::Decomposition)).
//! * Each layer has a `kind`, a dense `shift` block (a list of rows) and the
//!   diagonal `scale`:
//!   * `"lower"`: `[[I, 0], [A, diag(scale)]]`, i.e. `x2 <- A x1 + D x2`;
//!     `shift` is `A`, of shape `second x first`, and `scale` has `second` entries;
//!   * `"upper"`: `[[diag(scale), B], [0, I]]`, i.e. `x1 <- E x1 + B x2`;
//!     `shift` is `B`, of shape `first x second`, and `scale` has `first` entries.
//! * Every number is written as a JSON string holding an exact decimal integer
//!   (`"-3"`) or a reduced fraction `p/q` with `q > 1` (`"1/2"`).
//!
//! The writer ([`decomposition_to_json`]) always produces exactly this layout
//! (two-space indentation, one shift row per line, keys in the order shown),
//! so its output is deterministic and diff-friendly. The reader
//! ([`decomposition_from_json`]) is more tolerant: numbers may also be strings
//! holding decimals (`"0.25"`, `"3e-2"`) or unreduced fractions, or plain JSON
//! integers (`3`); JSON floating-point numbers (`0.5`) are refused because they
//! may already have been rounded. Unknown extra keys are ignored. Shapes, `n`,
//! the mode name and the kind names are validated; scale *values* are not (a
//! zero scale is a structural defect that [`crate::check()`] reports with a
//! witness), but every number must parse.
//!
//! ## Padded decompositions
//!
//! A padded decomposition (`docs/padding.md`, [`padded_to_json`] /
//! [`padded_from_json`]) adds `"pad": K` right after `"split"` (and `"mask"`
//! before it when the unpadded coordinates are reordered). Then `n` is the
//! number of coordinates the layers act on, `n_unpadded + K`, the padded
//! coordinates are the **last** `K`, `split` splits all `n` of them, and the
//! product `M` of the layers satisfies `M[:, :n_unpadded] = [[T], [0]]` (it maps
//! `[x; 0]` to `[T x; 0]`; its last `K` columns are free). `pad` must be a
//! non-negative integer smaller than `n`, given at most once; absent means 0,
//! and a document without `pad` (or with `"pad": 0`) is an ordinary one.
//! [`decomposition_from_json`] refuses `pad > 0` (the layers do not multiply to
//! the target), so an old reader of this crate's API cannot misread a padded
//! file.
//!
//! Error messages number layers from 0 by their position in `layers` (as the
//! checker does) and spell the position out: `layer 2 (layers[2])`. Entry
//! positions are 0-based JSON paths such as `shift[1][0]` or `scale[2]`. (The
//! text output names `layers[i]` as `L_{i+1}`, matching `L_K ... L_1`.)

mod input;
mod json;
mod matrix;
mod npy;
mod safetensors;
mod tensor;
mod text;

pub use input::{InputError, InputFormat, load_input};
pub use json::{
    Entry, JsonError, decomposition_from_json, decomposition_from_node, decomposition_to_json,
    json_document, padded_from_json, padded_to_json, read_decomposition,
};
pub use matrix::{ParseError, matrix_to_text, parse_matrix, read_matrix, read_text};
pub use npy::{npy_bytes_f32, npy_bytes_f64, parse_npy};
pub use safetensors::{Safetensors, SafetensorsWriter, TensorInfo, parse_safetensors, read_tensor};
pub use tensor::{DType, RawTensor, TensorError, f64_to_exact};
pub use text::{decomposition_to_text, padded_to_text};
