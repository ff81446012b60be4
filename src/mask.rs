//! Coordinate masks: which coordinates form the first (kept by lower layers)
//! part of a split when they are not `0..p`. This module owns parsing and
//! validating a mask, the coordinate permutation `Π` it defines, conjugation of
//! a target (`Π T Π^-1`) and the optional `"mask"` field of the JSON layer
//! format. It is plain index bookkeeping (no construction code), so the checker
//! path may use it.
//!
//! Convention (docs/splits.md, "Masks"): for a mask `m` (the first part, listed
//! in increasing order) the permutation puts the coordinates in the order
//! `order = [m..., the other coordinates increasing]`, i.e. `(Π x)_i = x_{order[i]}`.
//! The layers of a masked decomposition have the contiguous split
//! `(|m|, n - |m|)` and represent `Π T Π^-1`: `T = Π^-1 (M_K ... M_1) Π`.

use crate::exact::Matrix;
use crate::layer::Split;

/// A validated mask: the coordinates of the first part, increasing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mask {
    n: usize,
    first: Vec<usize>,
}

/// Why a mask is not usable.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MaskError {
    /// A token is not a non-negative integer.
    NotAnIndex {
        /// The token.
        token: String,
    },
    /// A coordinate is `>= n`.
    OutOfRange {
        /// The coordinate.
        index: usize,
        /// The dimension.
        n: usize,
    },
    /// A coordinate is listed twice.
    Repeated {
        /// The coordinate.
        index: usize,
    },
    /// No coordinate is listed.
    Empty,
    /// Every coordinate is listed (the second part would be empty).
    Full {
        /// The dimension.
        n: usize,
    },
}

impl std::fmt::Display for MaskError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            MaskError::NotAnIndex { token } => write!(
                f,
                "mask entry `{}` is not a coordinate index (use non-negative integers, e.g. \"0 2 5\")",
                crate::untrusted::show(token)
            ),
            MaskError::OutOfRange { index, n } => write!(
                f,
                "mask coordinate {index} is out of range: the matrix has coordinates 0..={}",
                n.saturating_sub(1)
            ),
            MaskError::Repeated { index } => {
                write!(
                    f,
                    "mask coordinate {index} is listed twice; list each coordinate once"
                )
            }
            MaskError::Empty => write!(
                f,
                "the mask is empty: list at least one coordinate for the first part"
            ),
            MaskError::Full { n } => write!(
                f,
                "the mask lists all {n} coordinates: leave at least one for the second part"
            ),
        }
    }
}

impl std::error::Error for MaskError {}

impl Mask {
    /// Validates the first-part coordinates `coords` (any order) for dimension `n`.
    ///
    /// # Errors
    /// `OutOfRange`, `Repeated`, `Empty` or `Full`, naming the bad coordinate.
    ///
    /// # Examples
    /// ```
    /// use couplings::mask::{Mask, MaskError};
    /// let m = Mask::new(6, &[5, 0, 2]).unwrap();
    /// assert_eq!(m.order(), vec![0, 2, 5, 1, 3, 4]);
    /// assert_eq!(Mask::new(6, &[0, 6]), Err(MaskError::OutOfRange { index: 6, n: 6 }));
    /// assert_eq!(Mask::new(6, &[1, 1]), Err(MaskError::Repeated { index: 1 }));
    /// ```
    pub fn new(n: usize, coords: &[usize]) -> Result<Mask, MaskError> {
        // Nothing is allocated from `n` (it may come from an untrusted document).
        let mut seen = std::collections::HashSet::with_capacity(coords.len());
        for &c in coords {
            if c >= n {
                return Err(MaskError::OutOfRange { index: c, n });
            }
            if !seen.insert(c) {
                return Err(MaskError::Repeated { index: c });
            }
        }
        if coords.is_empty() {
            return Err(MaskError::Empty);
        }
        if coords.len() == n {
            return Err(MaskError::Full { n });
        }
        let mut first = coords.to_vec();
        first.sort_unstable();
        Ok(Mask { n, first })
    }

    /// Parses a list such as `"0 2 5"` or `"0,2,5"` for dimension `n`.
    ///
    /// # Errors
    /// `NotAnIndex` for a bad token, else as [`Mask::new`].
    ///
    /// # Examples
    /// ```
    /// use couplings::mask::Mask;
    /// assert_eq!(Mask::parse(4, "3, 1").unwrap().first(), &[1, 3]);
    /// assert!(Mask::parse(4, "1 x").is_err());
    /// ```
    pub fn parse(n: usize, text: &str) -> Result<Mask, MaskError> {
        let mut coords = Vec::new();
        for token in text
            .split(|c: char| c == ',' || c.is_whitespace())
            .filter(|t| !t.is_empty())
        {
            let digits = token.bytes().all(|b| b.is_ascii_digit());
            let c = token
                .parse::<usize>()
                .ok()
                .filter(|_| digits)
                .ok_or_else(|| MaskError::NotAnIndex {
                    token: token.to_string(),
                })?;
            coords.push(c);
        }
        Mask::new(n, &coords)
    }

    /// The first-part coordinates, increasing.
    pub fn first(&self) -> &[usize] {
        &self.first
    }

    /// The dimension.
    pub fn n(&self) -> usize {
        self.n
    }

    /// The contiguous split `(|mask|, n - |mask|)` of the reordered coordinates.
    ///
    /// # Examples
    /// ```
    /// use couplings::{Split, mask::Mask};
    /// let m = Mask::new(5, &[1, 4]).unwrap();
    /// assert_eq!(m.split(), Split::new(2, 3));
    /// assert!(!m.is_prefix());
    /// assert!(Mask::new(5, &[1, 0]).unwrap().is_prefix());
    /// ```
    pub fn split(&self) -> Split {
        Split::new(self.first.len(), self.n - self.first.len())
    }

    /// Whether the mask is `0..p` (no reordering needed).
    pub fn is_prefix(&self) -> bool {
        self.first.iter().enumerate().all(|(i, &c)| i == c)
    }

    /// The new order of the coordinates: the mask, then the others (increasing).
    pub fn order(&self) -> Vec<usize> {
        let mut order = self.first.clone();
        order.extend((0..self.n).filter(|c| self.first.binary_search(c).is_err()));
        order
    }

    /// `Π T Π^-1`: entry `(i, j)` is `T[order[i]][order[j]]`.
    ///
    /// # Examples
    /// ```
    /// use couplings::{mask::Mask, exact::Matrix};
    /// let t = Matrix::from_i64(&[&[1, 2, 3], &[4, 5, 6], &[7, 8, 9]]);
    /// let m = Mask::new(3, &[2]).unwrap();
    /// let c = m.conjugate(&t);
    /// assert_eq!(c, Matrix::from_i64(&[&[9, 7, 8], &[3, 1, 2], &[6, 4, 5]]));
    /// assert_eq!(m.unconjugate(&c), t);
    /// ```
    pub fn conjugate(&self, t: &Matrix) -> Matrix {
        let order = self.order();
        t.permuted(&order, &order)
    }

    /// `Π^-1 M Π`, the inverse of [`Mask::conjugate`].
    pub fn unconjugate(&self, m: &Matrix) -> Matrix {
        let inv = crate::layer::invert(&self.order());
        m.permuted(&inv, &inv)
    }

    /// Adds the optional `"mask"` field to JSON written by
    /// [`crate::io::decomposition_to_json`] (right after `"split"`).
    ///
    /// # Examples
    /// ```
    /// use couplings::{Decomposition, Mode, mask::Mask, io::decomposition_to_json};
    /// let m = Mask::new(3, &[2]).unwrap();
    /// let dec = Decomposition { split: m.split(), mode: Mode::Signed, layers: vec![] };
    /// let json = m.add_to_json(&decomposition_to_json(&dec));
    /// assert!(json.contains("\"mask\": [2]"));
    /// ```
    pub fn add_to_json(&self, json: &str) -> String {
        let list: Vec<String> = self.first.iter().map(ToString::to_string).collect();
        let mut out = String::with_capacity(json.len() + 32);
        let mut done = false;
        for line in json.split_inclusive('\n') {
            out.push_str(line);
            if !done && line.trim_start().starts_with("\"split\"") {
                out.push_str(&format!("  \"mask\": [{}],\n", list.join(", ")));
                done = true;
            }
        }
        out
    }
}

/// Reads the optional `"mask"` field of a JSON layer document (`Ok(None)` when
/// absent) and validates it against the document's `n` and `split`. The
/// document is read strictly ([`crate::untrusted::json`]: no key twice).
///
/// # Errors
/// A message naming the problem (not JSON, a repeated key, not an array of
/// integers, a [`MaskError`], or a disagreement with `split[0]`).
///
/// # Examples
/// ```
/// use couplings::mask::mask_from_json;
/// let json = r#"{"n": 3, "split": [1, 2], "mask": [2], "mode": "signed", "layers": []}"#;
/// assert_eq!(mask_from_json(json).unwrap().unwrap().first(), &[2]);
/// assert!(mask_from_json(r#"{"n": 3, "mask": [2], "mask": [0]}"#).is_err());
/// ```
pub fn mask_from_json(text: &str) -> Result<Option<Mask>, String> {
    let root = crate::untrusted::json::parse(crate::untrusted::strip_bom(text))
        .map_err(|e| e.to_string())?;
    mask_from_node(&root)
}

/// [`mask_from_json`] on a document already read (so a layer file is parsed
/// once: [`crate::io::json_document`]).
///
/// # Errors
/// As [`mask_from_json`].
pub fn mask_from_node(root: &crate::untrusted::json::Node) -> Result<Option<Mask>, String> {
    let Some(value) = root.get("mask") else {
        return Ok(None);
    };
    let n = root
        .get("n")
        .and_then(|n| n.as_u64())
        .and_then(|n| usize::try_from(n).ok())
        .ok_or("the document has a mask but no valid n")?;
    let items = value.as_array().ok_or_else(|| {
        format!(
            "mask must be an array of coordinate indices, found {}",
            value.describe()
        )
    })?;
    let coords = items
        .iter()
        .map(|v| v.as_u64().and_then(|c| usize::try_from(c).ok()))
        .collect::<Option<Vec<usize>>>()
        .ok_or("mask must be an array of non-negative integers")?;
    let mask = Mask::new(n, &coords).map_err(|e| e.to_string())?;
    let split = root.get("split").and_then(|s| s.as_array());
    if let Some([a, _]) = split
        && a.as_u64() != Some(mask.first().len() as u64)
    {
        return Err(format!(
            "mask lists {} coordinates but split[0] is {}; they must agree",
            mask.first().len(),
            crate::untrusted::show(a.raw())
        ));
    }
    Ok(Some(mask))
}
