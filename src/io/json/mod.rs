//! The JSON layer format: the deterministic writer [`decomposition_to_json`], the
//! validating reader [`decomposition_from_json`] / [`read_decomposition`] and its
//! typed [`JsonError`]. The format itself is specified in the
//! [module documentation](crate::io); keep the two in sync. Rooms: this file
//! (the entries and errors both directions name), `write` and `read`.

mod read;
mod write;

pub use read::{
    decomposition_from_json, decomposition_from_node, json_document, padded_from_json,
    read_decomposition,
};
pub use write::{decomposition_to_json, padded_to_json};

use super::matrix::describe_path;
use crate::exact::NumberError;
use crate::layer::{Kind, Split};
use crate::untrusted::show;
use std::path::PathBuf;

/// The position of a number inside a layer (0-based, as in the JSON arrays).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Entry {
    /// `shift[row][col]`.
    Shift {
        /// Row index.
        row: usize,
        /// Column index.
        col: usize,
    },
    /// `scale[index]`.
    Scale {
        /// Entry index.
        index: usize,
    },
}

impl std::fmt::Display for Entry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Entry::Shift { row, col } => write!(f, "shift[{row}][{col}]"),
            Entry::Scale { index } => write!(f, "scale[{index}]"),
        }
    }
}

/// Why a JSON decomposition was rejected.
///
/// Every `layer` field is the 0-based index into the `layers` array (application
/// order, as in [`crate::CheckError`]); messages print it as
/// `layer {layer} (layers[{layer}])`. (The text output calls `layers[i]` `L_{i+1}`.)
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum JsonError {
    /// The file could not be read.
    Io {
        /// The path as given (`-` for standard input).
        path: PathBuf,
        /// What went wrong.
        message: String,
    },
    /// The text is not valid JSON.
    Syntax {
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// The JSON parser's message.
        message: String,
    },
    /// An object has the same key twice (anywhere in the document): readers
    /// that keep the first and readers that keep the last would see two
    /// different decompositions.
    DuplicateKey {
        /// The path of the repeated key, e.g. `layers[0].scale`.
        path: String,
        /// 1-based line of the second occurrence.
        line: usize,
        /// 1-based column of the second occurrence.
        column: usize,
        /// 1-based line of the first occurrence.
        first_line: usize,
        /// 1-based column of the first occurrence.
        first_column: usize,
    },
    /// A top-level field (`n`, `split`, `mode`, `layers`, or the document itself)
    /// is missing or has the wrong type.
    Field {
        /// The field name (`"(document)"` for the top level itself).
        field: String,
        /// What is wrong with it.
        message: String,
    },
    /// `n` differs from `split[0] + split[1]`.
    SplitMismatch {
        /// The declared dimension.
        n: usize,
        /// The declared split.
        split: Split,
    },
    /// `mode` is neither `"signed"` nor `"positive"`.
    UnknownMode {
        /// The mode as written.
        found: String,
    },
    /// A layer field (`kind`, `shift`, `scale`, a shift row, or the layer itself)
    /// is missing or has the wrong JSON type.
    LayerField {
        /// 0-based layer index.
        layer: usize,
        /// The field (`kind`, `shift`, `shift[2]`, `scale`, or `(layer)`).
        field: String,
        /// What is wrong with it.
        message: String,
    },
    /// `kind` is neither `"lower"` nor `"upper"`.
    UnknownKind {
        /// 0-based layer index.
        layer: usize,
        /// The kind as written.
        found: String,
    },
    /// The shift block has the wrong number of rows.
    ShiftRows {
        /// 0-based layer index.
        layer: usize,
        /// The layer's kind.
        kind: Kind,
        /// The declared split.
        split: Split,
        /// Expected number of rows.
        expected: usize,
        /// Number of rows found.
        found: usize,
    },
    /// A shift row has the wrong number of entries.
    ShiftCols {
        /// 0-based layer index.
        layer: usize,
        /// The layer's kind.
        kind: Kind,
        /// The declared split.
        split: Split,
        /// 0-based row index.
        row: usize,
        /// Expected number of entries.
        expected: usize,
        /// Number of entries found.
        found: usize,
    },
    /// The scale has the wrong number of entries.
    ScaleLength {
        /// 0-based layer index.
        layer: usize,
        /// The layer's kind.
        kind: Kind,
        /// The declared split.
        split: Split,
        /// Expected number of entries.
        expected: usize,
        /// Number of entries found.
        found: usize,
    },
    /// A string entry is not an exact number.
    BadNumber {
        /// 0-based layer index.
        layer: usize,
        /// Where in the layer.
        entry: Entry,
        /// The string as written.
        text: String,
        /// Why it is not a number.
        reason: NumberError,
    },
    /// An entry is neither a string nor a JSON integer (for example a JSON
    /// floating-point number, which may already have been rounded, or `null`).
    NotExact {
        /// 0-based layer index.
        layer: usize,
        /// Where in the layer.
        entry: Entry,
        /// The JSON value as written.
        found: String,
    },
}

struct LayerName(usize);

impl std::fmt::Display for LayerName {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "layer {} (layers[{}])", self.0, self.0)
    }
}

fn shape_note(kind: Kind, split: Split) -> String {
    let (r, c, what) = match kind {
        Kind::Lower => (split.second, split.first, "second x first"),
        Kind::Upper => (split.first, split.second, "first x second"),
    };
    format!(
        "for a {} layer of split ({}, {}) (shift is {what} = {r}x{c}, scale has {r} entries)",
        kind.name(),
        split.first,
        split.second
    )
}

impl std::fmt::Display for JsonError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            JsonError::Io { path, message } => {
                write!(f, "cannot read {}: {message}", describe_path(path))
            }
            JsonError::Syntax {
                line,
                column,
                message,
            } => write!(f, "invalid JSON at line {line}, column {column}: {message}"),
            JsonError::DuplicateKey {
                path,
                line,
                column,
                first_line,
                first_column,
            } => write!(
                f,
                "duplicate key: `{path}` is given twice (line {first_line}, column {first_column} \
                 and line {line}, column {column}); JSON readers disagree on which one counts, \
                 so every key must appear once"
            ),
            JsonError::Field { field, message } => write!(f, "field `{field}`: {message}"),
            JsonError::SplitMismatch { n, split } => write!(
                f,
                "n is {n} but split is [{}, {}], which adds up to {}; n must equal split[0] + split[1]",
                split.first,
                split.second,
                split.n()
            ),
            JsonError::UnknownMode { found } => write!(
                f,
                "mode \"{}\" is unknown; expected \"signed\" or \"positive\"",
                show(found)
            ),
            JsonError::LayerField {
                layer,
                field,
                message,
            } => write!(f, "{}: `{field}` {message}", LayerName(*layer)),
            JsonError::UnknownKind { layer, found } => write!(
                f,
                "{}: kind \"{}\" is unknown; expected \"lower\" or \"upper\"",
                LayerName(*layer),
                show(found)
            ),
            JsonError::ShiftRows {
                layer,
                kind,
                split,
                expected,
                found,
            } => write!(
                f,
                "{}: shift has {found} {}, expected {expected} {}",
                LayerName(*layer),
                if *found == 1 { "row" } else { "rows" },
                shape_note(*kind, *split)
            ),
            JsonError::ShiftCols {
                layer,
                kind,
                split,
                row,
                expected,
                found,
            } => write!(
                f,
                "{}: shift[{row}] has {found} {}, expected {expected} {}",
                LayerName(*layer),
                if *found == 1 { "entry" } else { "entries" },
                shape_note(*kind, *split)
            ),
            JsonError::ScaleLength {
                layer,
                kind,
                split,
                expected,
                found,
            } => write!(
                f,
                "{}: scale has {found} {}, expected {expected} {}",
                LayerName(*layer),
                if *found == 1 { "entry" } else { "entries" },
                shape_note(*kind, *split)
            ),
            JsonError::BadNumber {
                layer,
                entry,
                reason,
                ..
            } => write!(f, "{}: {entry}: {reason}", LayerName(*layer)),
            JsonError::NotExact {
                layer,
                entry,
                found,
            } => write!(
                f,
                "{}: {entry} is {found}, not an exact number; write numbers as strings such \
                 as \"-3\", \"1/2\" or \"0.25\" (plain JSON integers are also accepted)",
                LayerName(*layer)
            ),
        }
    }
}

impl std::error::Error for JsonError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            JsonError::BadNumber { reason, .. } => Some(reason),
            _ => None,
        }
    }
}
